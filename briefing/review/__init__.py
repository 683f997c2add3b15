"""Tools that look at a built site from the outside: its links, and what changed between two builds."""

"""Tools for people working on the archive: the dev server, scaffolding, schema docs."""

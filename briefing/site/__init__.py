"""What the site is made of: the archive, URLs, the plan, feeds, data, citations, charts."""

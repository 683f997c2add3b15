"""Reading content/: YAML, front matter, the schema, Markdown, and the loader."""

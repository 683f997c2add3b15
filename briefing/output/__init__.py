"""Turning the plan into files: Jinja rendering, the writer, the search index."""

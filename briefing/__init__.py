"""Briefing: a static site generator for an archive of sourced milestone briefs."""

# Part of every cache key: bump when output for the same input changes.
ENGINE_VERSION = "0.1.0"

"""Briefing: a static site generator for an archive of sourced milestone briefs."""

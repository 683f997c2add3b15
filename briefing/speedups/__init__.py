"""Shortcuts over Python-Markdown's and Jinja's internals, in one place, with one switch.

Each shortcut skips work that cannot change the output (a pattern whose required text is
absent, a failed attribute lookup); tests compare every build with the stock pipeline's.
Set BRIEFING_SPEEDUPS=0 (or pass --no-speedups) to render with the stock libraries, e.g.
to check a library upgrade: the output must be byte-identical either way.
"""

from __future__ import annotations

import os

SWITCH = "BRIEFING_SPEEDUPS"


def enabled() -> bool:
    """Whether the shortcuts are used (read from the environment, so workers agree)."""
    return os.environ.get(SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")

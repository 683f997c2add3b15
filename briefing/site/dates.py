"""Date formats the site writes: reader-facing day names and machine timestamps."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable


def human_date(value: dt.date, months: Any) -> str:
    """Format a date as '7 December 2023' using the UI strings' month names."""
    if not months or len(months) != 12:
        return value.isoformat()
    return f"{value.day} {months[value.month - 1]} {value.year}"


def rfc3339(value: dt.date) -> str:
    """Midnight UTC of a day as an RFC 3339 timestamp (what Atom and JSON Feed require)."""
    return f"{value.isoformat()}T00:00:00Z"


def latest(dates: Iterable[dt.date | None]) -> dt.date | None:
    """The latest of some dates, ignoring missing ones; None if there are none."""
    return max(filter(None, dates), default=None)

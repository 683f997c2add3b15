"""Reading a day written as YYYY-MM-DD, with messages that say what is wrong with it."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_SHAPE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# Contributor messages are English, like every other message of the command line.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def parse_day(text: str) -> tuple[dt.date | None, str | None]:
    """(date, None) for a real day as YYYY-MM-DD, else (None, what is wrong with it)."""
    match = _SHAPE.fullmatch(text.strip())
    if not match:
        return None, f"'{text}' is not a date as YYYY-MM-DD (e.g. 2024-04-19)"
    return real_day(int(match[1]), int(match[2]), int(match[3]))


def real_day(year: int, month: int, day: int) -> tuple[dt.date | None, str | None]:
    """(date, None), or (None, e.g. 'there is no 30 February 2026')."""
    if not 1 <= month <= 12:
        return None, f"there is no month {month:02d} (months run from 01 to 12)"
    last = calendar.monthrange(year, month)[1] if year >= dt.MINYEAR else 31
    if not 1 <= day <= last:
        if day == 29 and month == 2:
            return None, f"there is no 29 February {year} ({year} is not a leap year)"
        if day == 0:
            return None, f"there is no day 00 (days run from 01 to {last})"
        return None, f"there is no {day} {_MONTHS[month - 1]} {year} ({_MONTHS[month - 1]} has {last} days)"
    try:
        return dt.date(year, month, day), None
    except ValueError:  # year 0000
        return None, f"there is no year {year:04d}"

"""What the site takes from CLDR (through Babel, the one module that uses it): reader-facing
dates and date ranges in each language, plural categories and language names; and machine
timestamps."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Iterable

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, parse_pattern

# The CLDR locale whose date patterns a site language is written with, where it is not the
# language itself. CLDR's plain `en` is American English ("December 7, 2023"); the archive
# has always written dates day first ("7 December 2023"), as British and international
# English do, so `en` takes en_GB's patterns.
DATE_LOCALES = {"en": "en_GB"}

# How a range of days is written: the CLDR interval pattern for day, month and year. CLDR
# has it with abbreviated months only ("yMMMd"); widening them to full names is the field
# width adjustment CLDR prescribes and Babel's format_interval leaves out.
_RANGE_SKELETON = "yMMMd"
_SHORT_MONTH = re.compile(r"(?<![ML])([ML])\1\1(?![ML])")  # MMM or LLL, not MMMM
# Where the first half of an interval pattern ends: the dash (en dash, hyphen or wave dash)
# and the spaces around it, which belong between the two dates.
_SEPARATOR = re.compile(r"\s*[\u2013\u2014\u301c\uff5e~-]\s*$")


class UnknownLanguage(ValueError):
    """A site language for which CLDR has no date patterns."""


@functools.lru_cache(maxsize=8)
def date_locale(language: str) -> Locale:
    """The CLDR locale the dates of a site in `language` (a tag such as 'en' or 'hy') use."""
    tag = DATE_LOCALES.get(language, language)
    try:
        return Locale.parse(tag, sep="-" if "-" in tag else "_")
    except (ValueError, UnknownLocaleError):
        raise UnknownLanguage(f"no date formats are known for the language '{language}'") from None


# Pages ask for the same few thousand days over and over (every list shows dates), and
# formatting through CLDR patterns costs ten times a lookup.
@functools.lru_cache(maxsize=16384)
def human_date(value: dt.date, language: str) -> str:
    """A day as readers of `language` write it in full, e.g. '7 December 2023'."""
    return format_date(value, "long", locale=date_locale(language))


@functools.lru_cache(maxsize=4096)
def date_span(start: dt.date, end: dt.date | None, language: str) -> tuple[str, str, str]:
    """A range of days in three parts: the text for the start, the separator and the text
    for the end, e.g. ('19', '–', '20 September 2023'), so each end can carry its own
    machine-readable date. A single day (no end, or the same day) is ('7 December 2023', '', '')."""
    if end is None or end == start:
        return human_date(start, language), "", ""
    locale = date_locale(language)
    patterns = locale.interval_formats.get(_RANGE_SKELETON, {})
    # The largest field that differs picks the pattern: years, then months, then days.
    differing = next((f for f in ("y", "M", "d") if f in patterns and _field(start, f) != _field(end, f)), None)
    if differing is None:  # no interval pattern: CLDR's fallback, such as '{0} – {1}'
        fallback = locale.interval_formats.get(None) or "{0} – {1}"
        return human_date(start, language), fallback.replace("{0}", "").replace("{1}", ""), human_date(end, language)
    first_pattern, second_pattern = (_SHORT_MONTH.sub(r"\1\1\1\1", p) for p in patterns[differing])
    first = parse_pattern(first_pattern).apply(start, locale)
    separator = _SEPARATOR.search(first)
    if separator is None:  # a locale whose first half does not end in a dash: keep it whole
        return first + parse_pattern(second_pattern).apply(end, locale), "", ""
    return first[: separator.start()], separator.group(), parse_pattern(second_pattern).apply(end, locale)


def plural_categories(language: str) -> frozenset[str]:
    """The CLDR plural categories `language` writes counts of whole things in (always with
    'other'), e.g. one, few, many and other for Russian."""
    return frozenset(date_locale(language).plural_form.tags) | {"other"}


@functools.lru_cache(maxsize=4096)
def plural_category(count: int, language: str) -> str:
    """The CLDR plural category of a count in `language` ('one', 'few', 'many', 'other'...)."""
    return date_locale(language).plural_form(count)


def counts_in(category: str, language: str, up_to: int = 200) -> tuple[int, ...]:
    """The counts up to `up_to` that fall in a plural category (e.g. 1, 21, 31... for
    Russian 'one'), to tell whether a form may stand for more than one number."""
    return tuple(n for n in range(up_to + 1) if plural_category(n, language) == category)


def language_name(language: str) -> str:
    """A language's name in itself, as a menu of languages shows it (e.g. 'Русский')."""
    date_locale(language)  # raises UnknownLanguage for a language CLDR does not know
    locale = Locale.parse(language, sep="-" if "-" in language else "_")  # 'en', not the dates' en_GB
    name = locale.get_display_name(locale) or language
    return name[:1].upper() + name[1:]


def human_range(start: dt.date, end: dt.date | None, language: str) -> str:
    """A range of days as one text, e.g. '19–20 September 2023'."""
    return "".join(date_span(start, end, language))


def _field(day: dt.date, field: str) -> int:
    return {"y": day.year, "M": day.month, "d": day.day}[field]


def rfc3339(value: dt.date) -> str:
    """Midnight UTC of a day as an RFC 3339 timestamp (what Atom and JSON Feed require)."""
    return f"{value.isoformat()}T00:00:00Z"


def latest(dates: Iterable[dt.date | None]) -> dt.date | None:
    """The latest of some dates, ignoring missing ones; None if there are none."""
    return max(filter(None, dates), default=None)

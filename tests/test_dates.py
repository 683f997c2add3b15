"""Dates as readers read them, from CLDR through Babel: single days unchanged from the
archive's day-first English, ranges written the way each language writes them."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.errors import BuildFailed
from briefing.site.dates import date_span, human_date, human_range

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
d = dt.date


def test_english_days_are_written_day_first_exactly_as_before():
    day, end = d(2020, 1, 1), d(2027, 1, 1)
    while day < end:
        assert human_date(day, "en") == f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("start, end, expected", [
    (d(2023, 9, 19), d(2023, 9, 20), ("19", "–", "20 September 2023")),
    (d(2023, 9, 19), d(2023, 10, 2), ("19 September", "\u2009–\u2009", "2 October 2023")),
    (d(2023, 12, 29), d(2024, 1, 2), ("29 December 2023", "\u2009–\u2009", "2 January 2024")),
    (d(2023, 12, 7), None, ("7 December 2023", "", "")),
    (d(2023, 12, 7), d(2023, 12, 7), ("7 December 2023", "", "")),
])
def test_english_ranges_share_what_both_ends_share(start, end, expected):
    assert date_span(start, end, "en") == expected
    assert human_range(start, end, "en") == "".join(expected)


def test_other_languages_follow_their_own_patterns():
    assert human_date(d(2023, 12, 7), "ru") == "7 декабря 2023\u202fг."
    assert human_range(d(2023, 9, 19), d(2023, 9, 20), "ru") == "19–20 сентября 2023\u202fг."
    assert human_range(d(2023, 9, 19), d(2023, 9, 20), "en-US") == "September 19\u2009–\u200920, 2023"
    start, separator, end = date_span(d(2023, 9, 19), d(2023, 9, 20), "hy")
    assert separator == "–" and start == "19" and end.startswith("20 ")  # full month name, not abbreviated
    assert "սեպ " not in end


def test_a_language_without_date_formats_is_a_build_error(project):
    project.brief()
    site = (project.root / "content/site.yaml").read_text(encoding="utf-8").replace("language: en", "language: qqq")
    project.write("content/site.yaml", site)
    project.write("templates/i18n/qqq.yaml", (project.root / "templates/i18n/en.yaml").read_text(encoding="utf-8"))
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [p.format() for p in failure.value.problems] == [
        "templates/i18n/qqq.yaml:1: language: no date formats are known for the language 'qqq' (CLDR, through Babel, has none)"
    ]

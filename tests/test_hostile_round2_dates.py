"""Dates from far away: no date after the day of the build (passed in, so tests fix it) or
before 1900; impossible dates say exactly what is wrong; and every date the engine formats
(feeds, sitemap, citations, BibTeX, the timeline figure, year pages) works over the whole
range up to 9999-12-31."""

from __future__ import annotations

import datetime as dt
import html
import json

import bibtexparser
import feedparser
import lxml.etree
import pytest

from briefing.build import check_site
from briefing.content.schema import EARLIEST_DATE, describe_impossible_date, today_anywhere
from briefing.errors import BuildFailed
from briefing.site.dates import human_date, rfc3339
from briefing.site.timeline_svg import new_year
from conftest import brief_text
from test_build import build_py
from test_sitemap import XSD

TODAY = dt.date(2024, 6, 1)
BRIEF = "content/briefs/2023/2023-12-07-joint-statement.md"
SOURCE_DATE = "    date: 2023-12-08\n"

# Each date field: how to put a date in it, and the line it is reported on.
DATE_FIELDS = {
    "updated": (lambda d: brief_text(extra=f"updated: {d}\n"), 12, "updated"),
    "correction": (lambda d: brief_text(extra=f"corrections:\n  - date: {d}\n    note: Fixed.\n"), 13, "corrections[1].date"),
    "source date": (lambda d: brief_text().replace(SOURCE_DATE, f"    date: {d}\n"), 11, "sources[1].date"),
    "end_date": (lambda d: brief_text(extra=f"end_date: {d}\n"), 12, "end_date"),
}


@pytest.mark.parametrize("field", DATE_FIELDS)
@pytest.mark.parametrize("day", ["2024-06-02", "2031-01-01", "9999-12-31"])
def test_a_date_after_the_day_of_the_build_is_refused(project, field, day):
    make, line, name = DATE_FIELDS[field]
    project.write(BRIEF, make(day))
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options(today=TODAY))
    assert [p.format() for p in failure.value.problems] == [
        f"{BRIEF}:{line}: {name}: {day} is after the day of this build (2024-06-01); a brief records what has happened"
    ]


@pytest.mark.parametrize("field", DATE_FIELDS)
def test_the_day_of_the_build_itself_is_accepted(project, field):
    make, _, _ = DATE_FIELDS[field]
    project.write(BRIEF, make(TODAY.isoformat()))
    check_site(project.options(today=TODAY))


def test_a_brief_dated_in_the_future_is_refused_by_its_date(project):
    project.brief("2030-01-01-ahead")
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options(today=TODAY))
    assert [p.format() for p in failure.value.problems] == [
        "content/briefs/2030/2030-01-01-ahead.md:3: date: 2030-01-01 is after the day of this build (2024-06-01); a brief records what has happened"
    ]


@pytest.mark.parametrize("day", ["1899-12-31", "0001-01-01"])
def test_a_date_before_1900_is_refused(project, day):
    project.write(BRIEF, DATE_FIELDS["source date"][0](day))
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options(today=TODAY))
    assert [p.format() for p in failure.value.problems] == [
        f"{BRIEF}:11: sources[1].date: {day} is before 1900-01-01, the earliest date the archive accepts"
    ]


def test_a_brief_dated_9999_12_31_is_refused_by_check_build_and_check_file_without_a_traceback(project):
    project.brief()
    project.brief("9999-12-31-far", extra="updated: 9999-12-31\n")
    for args in (("check",), ("build",), ("check", "content/briefs/9999/9999-12-31-far.md")):
        result = build_py(*args, cwd=project.root)
        assert result.returncode == 1 and "Traceback" not in result.stderr, (args, result.stderr)
        assert "content/briefs/9999/9999-12-31-far.md:3: date: 9999-12-31 is after the day of this build" in result.stderr
        assert "content/briefs/9999/9999-12-31-far.md:12: updated: 9999-12-31 is after the day of this build" in result.stderr
    assert not project.out.exists()


def test_today_is_the_latest_date_anywhere_on_earth():
    now = dt.datetime.now(dt.timezone.utc)
    assert today_anywhere() in ((now + dt.timedelta(hours=14)).date(), (now + dt.timedelta(hours=14, minutes=1)).date())
    assert today_anywhere() >= now.date()


def test_a_cached_brief_is_checked_again_when_the_day_of_the_build_is_earlier(project):
    project.brief(extra="updated: 2024-05-01\n")
    project.build(today=TODAY)  # cached as valid
    project.brief("2022-10-06-prague", title="Prague statement")  # so the build is not up to date
    with pytest.raises(BuildFailed) as failure:
        project.build(today=dt.date(2024, 4, 1))  # a clock set back
    assert [(p.path, p.field) for p in failure.value.problems] == [(BRIEF, "updated")]


IMPOSSIBLE = {
    "2026-02-30": "there is no 30 February 2026 (February has 28 days) ('2026-02-30')",
    "2024-02-30": "there is no 30 February 2024 (February has 29 days) ('2024-02-30')",
    "2023-02-29": "there is no 29 February 2023 (2023 is not a leap year) ('2023-02-29')",
    "2026-04-31": "there is no 31 April 2026 (April has 30 days) ('2026-04-31')",
    "2026-01-00": "there is no day 00 (days run from 01 to 31) ('2026-01-00')",
    "2026-13-01": "there is no month 13 (months run from 01 to 12) ('2026-13-01')",
    "2026-00-10": "there is no month 00 (months run from 01 to 12) ('2026-00-10')",
    "0000-01-01": "there is no year 0000 ('0000-01-01')",
}


@pytest.mark.parametrize("text,message", IMPOSSIBLE.items(), ids=IMPOSSIBLE.keys())
def test_an_impossible_date_says_exactly_what_is_wrong(project, text, message):
    assert describe_impossible_date(text) == message
    project.write(BRIEF, DATE_FIELDS["updated"][0](text))
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options(today=TODAY))
    assert [p.format() for p in failure.value.problems] == [f"{BRIEF}:12: updated: {message}"]


def test_an_impossible_date_in_the_file_name_says_what_is_wrong(project):
    project.write("content/briefs/2023/2023-02-29-leap.md", brief_text(date="2023-02-28"))
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options(today=TODAY))
    assert "there is no 29 February 2023 (2023 is not a leap year)" in failure.value.problems[0].message


# The formatters over the whole range of Python dates, which holds every accepted one.
@pytest.mark.parametrize("day", [dt.date.min, EARLIEST_DATE, dt.date(2024, 2, 29), dt.date.max])
def test_every_date_formatter_covers_the_range(day):
    assert rfc3339(day) == f"{day.isoformat()}T00:00:00Z" and len(day.isoformat()) == 10
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    assert human_date(day, "en") == f"{day.day} {months[day.month - 1]} {day.year}"
    assert new_year(day.year) <= day.toordinal() < new_year(day.year + 1)


@pytest.fixture(scope="module")
def far_apart(tmp_path_factory):
    """A site whose briefs lie at both ends of the range, built on the day 9999-12-31."""
    from conftest import Project

    project = Project(tmp_path_factory.mktemp("dates") / "project")
    project.brief("1900-01-01-earliest", title="The earliest brief")
    project.brief("9999-12-31-latest", title="The latest brief", extra="updated: 9999-12-31\ncorrections:\n  - date: 9999-12-31\n    note: Late.\n")
    project.write("content/briefs/9999/9999-12-31-latest.md", project.root.joinpath("content/briefs/9999/9999-12-31-latest.md").read_text().replace(SOURCE_DATE, "    date: 9999-12-31\n"))
    project.build(today=dt.date.max)
    return project.out


def test_feeds_carry_both_ends_of_the_range(far_apart):
    feed = feedparser.parse((far_apart / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert [e.updated for e in feed.entries] == ["9999-12-31T00:00:00Z", "1900-01-01T00:00:00Z"]
    assert feed.feed.updated == "9999-12-31T00:00:00Z"
    items = json.loads((far_apart / "feed.json").read_text(encoding="utf-8"))["items"]
    assert [i["date_published"] for i in items] == ["9999-12-31T00:00:00Z", "1900-01-01T00:00:00Z"]


def test_the_sitemap_carries_both_ends_of_the_range(far_apart):
    parser = lxml.etree.XMLParser(no_network=True, resolve_entities=False)
    schema = lxml.etree.XMLSchema(lxml.etree.parse(str(XSD), parser))
    document = lxml.etree.parse(str(far_apart / "sitemap.xml"))
    assert schema.validate(document), schema.error_log
    lastmods = {e.text for e in document.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}lastmod")}
    assert {"1900-01-01", "9999-12-31"} <= lastmods


def citation_block(page: str, block_id: str) -> str:
    return html.unescape(page.split(f'id="{block_id}"><code>', 1)[1].split("</code>", 1)[0])


def test_citations_carry_both_ends_of_the_range(far_apart):
    for stem, year in (("1900-01-01-earliest", "1900"), ("9999-12-31-latest", "9999")):
        page = (far_apart / "briefs" / stem / "index.html").read_text(encoding="utf-8")
        entry = bibtexparser.parse_string(citation_block(page, "cite-bibtex")).entries[0]
        assert entry["year"] == year and entry["date"].startswith(year)
        csl = json.loads(citation_block(page, "cite-csl"))[0]
        assert csl["issued"]["date-parts"][0][0] == int(year)
        ld = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
        assert ld["datePublished"].startswith(year)
    latest = (far_apart / "briefs/9999-12-31-latest/index.html").read_text(encoding="utf-8")
    assert json.loads(latest.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])["dateModified"] == "9999-12-31"


def test_the_timeline_figure_and_year_pages_cover_both_ends(far_apart):
    home = (far_apart / "index.html").read_text(encoding="utf-8")
    svg = home[home.index("<svg"): home.index("</svg>") + 6]
    figure = lxml.etree.fromstring(svg.encode())
    years = [t.text for t in figure.iter("{http://www.w3.org/2000/svg}text")]
    assert years[0] == "1900" and len(years) < 30  # labels thinned to fit, not 8,100 of them
    assert len(svg) < 20_000
    assert (far_apart / "years/1900/index.html").is_file() and (far_apart / "years/9999/index.html").is_file()

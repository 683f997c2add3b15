"""Atom and JSON feeds parse with feedparser, validate, carry content dates, and follow corrections."""

from __future__ import annotations

import calendar
import datetime as dt
import json

import feedparser
import jsonschema
import lxml.html
import pytest

CORRECTED = """\
updated: 2024-02-01
corrections:
  - date: 2024-03-05
    note: The number of released servicemen was 32, not 23.
"""

# JSON Feed 1.1 (https://jsonfeed.org/version/1.1) as a JSON Schema; extensions start with '_'.
_AUTHOR = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "url": {"type": "string", "format": "uri"}, "avatar": {"type": "string", "format": "uri"}},
    "additionalProperties": False,
    "patternProperties": {"^_": {}},
    "minProperties": 1,
}
JSON_FEED_1_1 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string", "minLength": 1},
        "home_page_url": {"type": "string", "format": "uri"},
        "feed_url": {"type": "string", "format": "uri"},
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": {"type": "string", "format": "uri"},
        "icon": {"type": "string", "format": "uri"},
        "favicon": {"type": "string", "format": "uri"},
        "authors": {"type": "array", "items": _AUTHOR},
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "hubs": {"type": "array"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id"],
                "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "url": {"type": "string", "format": "uri"},
                    "external_url": {"type": "string", "format": "uri"},
                    "title": {"type": "string"},
                    "content_html": {"type": "string"},
                    "content_text": {"type": "string"},
                    "summary": {"type": "string"},
                    "image": {"type": "string", "format": "uri"},
                    "banner_image": {"type": "string", "format": "uri"},
                    "date_published": {"type": "string", "format": "date-time"},
                    "date_modified": {"type": "string", "format": "date-time"},
                    "authors": {"type": "array", "items": _AUTHOR},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "language": {"type": "string"},
                    "attachments": {"type": "array"},
                },
                "additionalProperties": False,
                "patternProperties": {"^_": {}},
            },
        },
    },
    "additionalProperties": False,
    "patternProperties": {"^_": {}},
}


def _day(parsed) -> dt.date:
    return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.timezone.utc).date()


def _parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def three_briefs(project):
    project.brief("2023-12-07-joint-statement", extra=CORRECTED + "tags: [prisoners]\n")
    project.brief("2024-11-11-cop29-opens", title="COP29 opens in Baku", type="summit", actors="[azerbaijan]", extra="tags: [cop29]\n")
    project.brief("2020-11-10-ceasefire", title="Ceasefire statement", actors="[armenia, azerbaijan, russia]")
    return project


def test_atom_feed_has_every_brief_with_ids_links_and_content_dates(three_briefs):
    three_briefs.build()
    feed = _parse(three_briefs.out / "feed.xml")
    assert feed.version == "atom10"
    assert feed.feed.title == "Test Archive"
    assert feed.feed.id == "https://example.org/feed.xml"
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "https://example.org/feed.xml", "alternate": "https://example.org/"}
    # Latest change first: COP29 (2024-11-11), the corrected brief (2024-03-05), the ceasefire.
    ids = [e.id for e in feed.entries]
    assert ids == [
        "https://example.org/briefs/2024-11-11-cop29-opens/",
        "https://example.org/briefs/2023-12-07-joint-statement/",
        "https://example.org/briefs/2020-11-10-ceasefire/",
    ]
    corrected = feed.entries[1]
    assert corrected.link == corrected.id
    assert corrected.title == "Joint statement on prisoners"
    assert corrected.summary == "The two governments agreed to release detained servicemen."
    assert _day(corrected.published_parsed) == dt.date(2023, 12, 7)
    assert _day(corrected.updated_parsed) == dt.date(2024, 3, 5)  # the correction, not the build
    assert _day(feed.feed.updated_parsed) == dt.date(2024, 11, 11)
    html = corrected.content[0].value
    assert "<strong>confidence-building</strong>" in html
    assert "The number of released servicemen was 32, not 23." in html
    assert 'href="https://news.az/news/moscow-hails"' in html
    assert {t.term for t in corrected.tags} == {"statement", "armenia", "azerbaijan", "prisoners"}


def test_a_correction_updates_the_same_entry_and_brings_an_old_brief_back(project):
    project.write("content/site.yaml", (project.root / "content/site.yaml").read_text().replace("feed_size: 20", "feed_size: 2"))
    project.brief("2020-11-10-ceasefire", title="Ceasefire statement")
    project.brief("2023-12-07-joint-statement")
    project.brief("2024-11-11-cop29-opens", title="COP29 opens in Baku")
    project.build()
    before = _parse(project.out / "feed.xml")
    assert [e.title for e in before.entries] == ["COP29 opens in Baku", "Joint statement on prisoners"]

    project.brief("2020-11-10-ceasefire", title="Ceasefire statement", extra="corrections:\n  - date: 2025-01-02\n    note: Added the signatories.\n")
    project.build()
    after = _parse(project.out / "feed.xml")
    assert [e.title for e in after.entries] == ["Ceasefire statement", "COP29 opens in Baku"]
    entry = after.entries[0]
    assert entry.id == "https://example.org/briefs/2020-11-10-ceasefire/"
    assert _day(entry.published_parsed) == dt.date(2020, 11, 10)
    assert _day(entry.updated_parsed) == dt.date(2025, 1, 2)
    assert "Added the signatories." in entry.content[0].value
    assert _day(after.feed.updated_parsed) == dt.date(2025, 1, 2)


def test_json_feed_validates_against_json_feed_1_1_and_matches_the_atom_feed(three_briefs):
    three_briefs.build()
    raw = (three_briefs.out / "feed.json").read_bytes()
    document = json.loads(raw)
    validator = jsonschema.Draft202012Validator(JSON_FEED_1_1, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(document), key=str)
    assert errors == []
    # The format checker really checks: a bad date must be caught.
    broken = json.loads(raw)
    broken["items"][0]["date_modified"] = "2024-03-05"
    assert not validator.is_valid(broken)

    # No released feedparser reads JSON Feed (6.0.x is Atom/RSS only), so the items are
    # compared with the Atom entries feedparser parsed: same ids, links, dates, content.
    atom = _parse(three_briefs.out / "feed.xml")
    items = document["items"]
    assert [i["id"] for i in items] == [e.id for e in atom.entries]
    assert [i["url"] for i in items] == [e.link for e in atom.entries]
    assert [i["title"] for i in items] == [e.title for e in atom.entries]
    assert [i["content_html"] for i in items] == [e.content[0].value for e in atom.entries]
    assert [dt.datetime.fromisoformat(i["date_modified"]).date() for i in items] == [_day(e.updated_parsed) for e in atom.entries]
    item = document["items"][1]
    assert item["date_published"] == "2023-12-07T00:00:00Z"
    assert item["date_modified"] == "2024-03-05T00:00:00Z"
    assert item["url"] == "https://example.org/briefs/2023-12-07-joint-statement/"
    assert document["feed_url"] == "https://example.org/feed.json"
    assert "Prisoners" in item["tags"] and "Statement" in item["tags"]


def test_type_and_actor_feeds_hold_only_their_briefs_and_are_advertised(three_briefs):
    three_briefs.build()
    summit = _parse(three_briefs.out / "types/summit/feed.xml")
    assert [e.title for e in summit.entries] == ["COP29 opens in Baku"]
    assert summit.feed.title == "Test Archive: Summit"
    assert {link.rel: link.href for link in summit.feed.links}["alternate"] == "https://example.org/types/summit/"
    russia = _parse(three_briefs.out / "actors/russia/feed.xml")
    assert [e.title for e in russia.entries] == ["Ceasefire statement"]
    empty = _parse(three_briefs.out / "types/prisoner-release/feed.xml")
    assert empty.entries == [] and _day(empty.feed.updated_parsed) == dt.date(2024, 11, 11)
    assert not (three_briefs.out / "tags/cop29/feed.xml").exists()

    term_page = lxml.html.fromstring((three_briefs.out / "types/summit/index.html").read_bytes())
    alternates = {(l.get("type"), l.get("href")) for l in term_page.xpath("//head/link[@rel='alternate'][@type]")}
    assert alternates == {
        ("application/atom+xml", "https://example.org/feed.xml"),
        ("application/feed+json", "https://example.org/feed.json"),
        ("application/atom+xml", "https://example.org/types/summit/feed.xml"),
    }
    # The visible footer link goes to the same feed, and it exists.
    assert "/types/summit/feed.xml" in term_page.xpath("//footer//a/@href")
    home = lxml.html.fromstring((three_briefs.out / "index.html").read_bytes())
    assert len(home.xpath("//head/link[@rel='alternate'][@type]")) == 2  # feeds; hreflang versions have no type


def test_feeds_use_the_sub_path_of_base_url(three_briefs):
    three_briefs.build(base_url="https://example.org/archive")
    atom = _parse(three_briefs.out / "feed.xml")
    assert atom.feed.id == "https://example.org/archive/feed.xml"
    assert all(e.id.startswith("https://example.org/archive/briefs/") for e in atom.entries)
    assert {t.scheme for t in atom.entries[0].tags} <= {
        "https://example.org/archive/types/", "https://example.org/archive/actors/", "https://example.org/archive/tags/"}
    document = json.loads((three_briefs.out / "feed.json").read_bytes())
    assert document["home_page_url"] == "https://example.org/archive/"
    actor = _parse(three_briefs.out / "actors/armenia/feed.xml")
    assert actor.feed.id == "https://example.org/archive/actors/armenia/feed.xml"
    page = lxml.html.fromstring((three_briefs.out / "actors/armenia/index.html").read_bytes())
    assert "https://example.org/archive/actors/armenia/feed.xml" in page.xpath("//head/link[@rel='alternate']/@href")


def test_hostile_text_stays_text_in_the_feeds(project):
    # (A character XML cannot carry, such as a form feed, is refused: test_hostile_round2_xml_chars.)
    project.brief(title="'Talks <script>alert(1)</script> & ]]> done'", body="Body with a <b>raw</b> tag.\n")
    project.build()
    feed = _parse(project.out / "feed.xml")
    entry = feed.entries[0]
    assert entry.title == "Talks <script>alert(1)</script> & ]]> done"
    assert "<script" not in entry.content[0].value and "<b>" not in entry.content[0].value


def test_a_missing_ui_string_is_reported_not_a_traceback(project):
    project.brief()
    strings = project.root / "templates/i18n/en.yaml"
    strings.write_text(strings.read_text(encoding="utf-8").replace("feed_term_title:", "feed_term_titel:"), encoding="utf-8")
    from briefing.errors import BuildFailed

    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [(p.path, p.field, p.message) for p in failure.value.problems] == [
        ("templates/i18n/en.yaml", "feed_term_title", "UI string is missing")]
    assert not project.out.exists()

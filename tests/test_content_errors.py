"""One broken brief per rule: each is reported with its exact message and line."""

from __future__ import annotations

import pytest

from briefing.build import check_site
from briefing.errors import BuildFailed
from conftest import brief_text

STEM = "2023-12-07-joint-statement"
PATH = f"content/briefs/2023/{STEM}.md"


def problems_of(project) -> list[str]:
    """Run check on the project and return its formatted problems ([] when valid)."""
    try:
        check_site(project.options())
    except BuildFailed as failure:
        return [p.format() for p in failure.problems]
    return []


def with_line(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


VALID = brief_text()
# Line numbers in brief_text(): 1 '---', 2 title, 3 date, 4 type, 5 actors, 6 summary,
# 7 sources, 8 - publisher, 9 title, 10 url, 11 date, 12 '---', 13 body.

CASES = [
    ("unknown field", with_line(VALID, "title:", "titel:"), [
        f"{PATH}:2: titel: unknown field 'titel' (did you mean 'title'?)",
        f"{PATH}:1: title: required field is missing",
    ]),
    ("missing summary", with_line(VALID, "summary: The two governments agreed to release detained servicemen.\n", ""), [
        f"{PATH}:1: summary: required field is missing",
    ]),
    ("empty title", with_line(VALID, "title: Joint statement on prisoners", 'title: ""'), [
        f"{PATH}:2: title: must not be empty",
    ]),
    ("title too long", with_line(VALID, "title: Joint statement on prisoners", "title: " + "x" * 201), [
        f"{PATH}:2: title: is 201 characters long; the limit is 200",
    ]),
    ("title read as boolean", with_line(VALID, "title: Joint statement on prisoners", "title: no"), [
        f"{PATH}:2: title: expected text, got the boolean false (YAML reads yes/no/on/off as booleans); put the value in quotes",
    ]),
    ("summary too long", with_line(VALID, "summary: The two governments agreed to release detained servicemen.", "summary: " + "word " * 100), [
        f"{PATH}:6: summary: is 499 characters long; the limit is 400",
    ]),
    ("date that does not exist", with_line(VALID, "date: 2023-12-07", "date: 2023-13-07"), [
        f"{PATH}:3: date: there is no month 13 (months run from 01 to 12) ('2023-13-07')",
    ]),
    ("date not matching the file name", with_line(VALID, "date: 2023-12-07", "date: 2023-12-08"), [
        f"{PATH}:3: date: 2023-12-08 does not match the file name's date 2023-12-07",
    ]),
    ("date with a time", with_line(VALID, "date: 2023-12-07", "date: 2023-12-07 10:00:00"), [
        f"{PATH}:3: date: must be a day (YYYY-MM-DD) without a time",
    ]),
    ("date as free text", with_line(VALID, "date: 2023-12-07", "date: 7 December 2023"), [
        f"{PATH}:3: date: expected a date as YYYY-MM-DD, got '7 December 2023'",
    ]),
    ("unknown type with suggestion", with_line(VALID, "type: statement", "type: prisoner-swap"), [
        f"{PATH}:4: type: unknown milestone type 'prisoner-swap' (did you mean 'prisoner-release'? types are listed in content/vocabulary.yaml)",
    ]),
    ("unknown type without suggestion", with_line(VALID, "type: statement", "type: zzz"), [
        f"{PATH}:4: type: unknown milestone type 'zzz' (types are listed in content/vocabulary.yaml)",
    ]),
    ("no actors", with_line(VALID, "actors: [armenia, azerbaijan]", "actors: []"), [
        f"{PATH}:5: actors: needs at least 1 entry",
    ]),
    ("actors not a list", with_line(VALID, "actors: [armenia, azerbaijan]", "actors: armenia"), [
        f"{PATH}:5: actors: expected a list such as [a, b], got 'armenia'",
    ]),
    ("unknown actor on its own line", with_line(VALID, "actors: [armenia, azerbaijan]", "actors:\n  - armenia\n  - azerbajan"), [
        f"{PATH}:7: actors: unknown actor 'azerbajan' (did you mean 'azerbaijan'? actors are listed in content/vocabulary.yaml)",
    ]),
    ("actor twice", with_line(VALID, "actors: [armenia, azerbaijan]", "actors: [armenia, armenia]"), [
        f"{PATH}:5: actors: 'armenia' is listed twice",
    ]),
    ("no sources", with_line(VALID, "sources:\n  - publisher: News.Az\n    title: Moscow hails intention of Baku-Yerevan to normalize relations\n    url: https://news.az/news/moscow-hails\n    date: 2023-12-08\n", "sources: []\n"), [
        f"{PATH}:7: sources: needs at least 1 entry",
    ]),
    ("javascript source url", with_line(VALID, "url: https://news.az/news/moscow-hails", "url: javascript:alert(1)"), [
        f"{PATH}:10: sources[1].url: must start with http:// or https://, got 'javascript:alert(1)'",
    ]),
    ("source url without host", with_line(VALID, "url: https://news.az/news/moscow-hails", "url: https:///path"), [
        f"{PATH}:10: sources[1].url: has no host name",
    ]),
    ("source url with a space", with_line(VALID, "url: https://news.az/news/moscow-hails", "url: https://news.az/a b"), [
        f"{PATH}:10: sources[1].url: must not contain spaces, control or invisible characters (encode them, e.g. a space as %20)",
    ]),
    ("source without publisher", with_line(VALID, "  - publisher: News.Az\n    title:", "  - title:"), [
        f"{PATH}:8: sources[1].publisher: required field is missing",
    ]),
    ("source with unknown field", with_line(VALID, "    date: 2023-12-08\n", "    date: 2023-12-08\n    archive: https://archive.org/x\n"), [
        f"{PATH}:12: sources[1].archive: unknown field 'archive' (did you mean 'archived'?)",
    ]),
    ("source not a mapping", with_line(VALID, "  - publisher: News.Az\n    title: Moscow hails intention of Baku-Yerevan to normalize relations\n    url: https://news.az/news/moscow-hails\n    date: 2023-12-08\n", "  - https://news.az/x\n"), [
        f"{PATH}:8: sources[1]: sources[1] must be a mapping of 'field: value' lines, got 'https://news.az/x'",
    ]),
    ("unknown tag", brief_text(extra="tags: [prisoner]\n"), [
        f"{PATH}:12: tags: unknown tag 'prisoner' (did you mean 'prisoners'? tags are listed in content/vocabulary.yaml)",
    ]),
    ("related brief missing", brief_text(extra="related: [2023-12-13-handover]\n"), [
        f"{PATH}:12: related: no brief has the id '2023-12-13-handover'",
    ]),
    ("related to itself", brief_text(extra=f"related: [{STEM}]\n"), [
        f"{PATH}:12: related: a brief cannot be related to itself",
    ]),
    ("related not an id", brief_text(extra="related: [handover]\n"), [
        f"{PATH}:12: related: expected a brief id like 2023-12-07-joint-statement, got 'handover'",
    ]),
    ("updated before the event", brief_text(extra="updated: 2023-12-01\n"), [
        f"{PATH}:12: updated: 2023-12-01 is before the event date 2023-12-07",
    ]),
    ("end_date not after date", brief_text(extra="end_date: 2023-12-07\n"), [
        f"{PATH}:12: end_date: 2023-12-07 must be after date 2023-12-07",
    ]),
    ("correction before the event", brief_text(extra="corrections:\n  - date: 2023-01-01\n    note: Fixed a figure.\n"), [
        f"{PATH}:13: corrections[1].date: 2023-01-01 is before the event date 2023-12-07",
    ]),
    ("correction without note", brief_text(extra="corrections:\n  - date: 2024-01-01\n"), [
        f"{PATH}:13: corrections[1].note: required field is missing",
    ]),
    ("draft not a boolean", brief_text(extra="draft: maybe\n"), [
        f"{PATH}:12: draft: expected true or false, got 'maybe'",
    ]),
    ("empty body", brief_text(body="\n   \n"), [
        f"{PATH}:13: body: is empty; write the brief below the closing '---'",
    ]),
    ("placeholder left in summary", with_line(VALID, "summary: The two governments agreed to release detained servicemen.", 'summary: "TODO: The two governments agreed to release detained servicemen."'), [
        f"{PATH}:6: summary: still holds the placeholder 'TODO: The two governments agreed to rel…'; replace it",
    ]),
    ("placeholder left in body", brief_text(body="\nTODO: write it\n"), [
        f"{PATH}:14: body: still holds the placeholder text from `build.py new`; replace it",
    ]),
    ("control characters in title", with_line(VALID, "title: Joint statement on prisoners", 'title: "Joint \\u202e statement"'), [
        f"{PATH}:2: title: contains a direction mark or override, U+202E (RIGHT-TO-LEFT OVERRIDE), which would change what readers see; remove it",
    ]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_front_matter_rule_is_reported_with_its_line(project, text, expected):
    project.write(PATH, text)
    assert problems_of(project) == sorted(expected)


FILE_CASES = [
    ("not utf-8", b"---\ntitle: caf\xe9\n", [f"{PATH}:2: file: is not UTF-8 text (bad byte at offset 14); save it as UTF-8"]),
    ("binary", b"\x00\x01\x02", [f"{PATH}:1: file: is binary, not UTF-8 text"]),
    ("empty file", b"", [f"{PATH}:1: front matter: file is empty; a brief starts with a '---' front matter block"]),
    ("no front matter", b"title: x\n", [f"{PATH}:1: front matter: no front matter: the first line must be '---'"]),
    ("unterminated front matter", b"---\ntitle: x\n", [f"{PATH}:1: front matter: front matter is not closed: add a line '---' after the last field"]),
    ("front matter is a list", b"---\n- a\n- b\n---\nBody\n", [f"{PATH}:2: front matter: must be 'field: value' lines, one per field"]),
    ("broken yaml", b"---\ntitle: x\nactors: [a, b\ntype: y\n---\nBody\n", [f"{PATH}:3: yaml: the list opened with '[' on this line is not closed: end it with ']' on the same line, and put items that contain ',' or ':' in quotes"]),
    ("python tag", b"---\ntitle: !!python/object/apply:os.system ['true']\n---\nBody\n", [f"{PATH}:2: yaml: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; use plain values"]),
    ("custom tag", b"---\ntitle: !secret x\n---\nBody\n", [f"{PATH}:2: yaml: YAML tag '!secret' is not allowed; use plain values"]),
    ("duplicate key", b"---\ntitle: a\ntitle: b\n---\nBody\n", [f"{PATH}:3: yaml: 'title' is given twice; each field may appear only once"]),
    ("alias bomb", (
        "---\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n---\nBody\n"
    ).encode(), None),
    ("unquoted colon", b"---\ntitle: Note: x\n---\nBody\n", [f"{PATH}:2: yaml: the value contains ': ', which YAML reads as the start of another field; put the whole value in quotes: title: \"Note: x\""]),
    ("merge key", b"---\nbase: &b {title: x}\n<<: *b\n---\nBody\n", [f"{PATH}:3: yaml: field names must be plain words, e.g. 'title: value'"]),
]


@pytest.mark.parametrize("raw,expected", [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_each_file_level_problem_has_its_own_message(project, raw, expected):
    project.write(PATH, raw)
    # These files are minimal: the fields they lack are reported too, and not looked at here.
    found = [p for p in problems_of(project) if p.split(": ")[1] in ("file", "front matter", "yaml")]
    if expected is None:  # alias bomb: the exact line depends on where expansion crosses the limit
        assert len(found) == 1 and "alias expansion is limited" in found[0], found
    else:
        assert found == expected


def test_file_name_rules(project):
    project.write("content/briefs/2023/Joint Statement.md", brief_text())
    project.write("content/briefs/2023/2023-02-30-impossible.md", brief_text(date="2023-02-28"))
    project.write("content/briefs/2022/2023-12-07-wrong-folder.md", brief_text())
    assert problems_of(project) == [
        "content/briefs/2022/2023-12-07-wrong-folder.md:1: file: must be in the folder for its year, content/briefs/2023/",
        "content/briefs/2023/2023-02-30-impossible.md:1: file: the date in the file name is not a real day: there is no 30 February 2023 (February has 28 days)",
        "content/briefs/2023/Joint Statement.md:1: file: brief file names must look like YYYY-MM-DD-short-title.md (lowercase letters, digits, hyphens)",
    ]


def test_oversized_file_is_refused_before_parsing(project):
    size = len(project.write(PATH, brief_text(body="word " * 200_000)).read_bytes())
    assert problems_of(project) == [f"{PATH}:1: file: is {size} bytes; the limit is 524288 bytes"]


def test_bom_and_crlf_are_tolerated(project):
    project.write(PATH, ("\ufeff" + brief_text()).replace("\n", "\r\n").encode("utf-8"))
    assert problems_of(project) == []


def test_every_problem_of_every_file_in_one_run_sorted(project):
    project.write(PATH, with_line(with_line(VALID, "type: statement", "type: zzz"), "actors: [armenia, azerbaijan]", "actors: []"))
    project.write("content/briefs/2021/2021-01-01-other.md", with_line(brief_text(date="2021-01-01"), "title: Joint statement on prisoners", "title: yes"))
    found = problems_of(project)
    assert [line.split(": ")[0] for line in found] == [
        "content/briefs/2021/2021-01-01-other.md:2",
        f"{PATH}:4",
        f"{PATH}:5",
    ]


def test_site_and_vocabulary_problems(project):
    site = project.root / "content/site.yaml"
    site.write_text(site.read_text().replace("base_url: https://example.org/", "base_url: ftp://example.org/").replace("language: en", "langauge: en"))
    vocab = project.root / "content/vocabulary.yaml"
    vocab.write_text(vocab.read_text().replace("id: russia", "id: armenia"))
    assert problems_of(project) == [
        "content/site.yaml:1: language: required field is missing",
        "content/site.yaml:3: base_url: must start with http:// or https://, got 'ftp://example.org/'",
        "content/site.yaml:4: langauge: unknown field 'langauge' (did you mean 'language'?)",
        "content/vocabulary.yaml:18: actors[3].id: 'armenia' is defined twice",
    ]


def test_page_problems(project):
    project.write("content/pages/About Us.md", "---\ntitle: About\nsummary: What this is.\n---\nText\n")
    project.write("content/pages/timeline.md", "---\ntitle: Clash\nsummary: Takes a reserved name.\n---\nText\n")
    project.write("content/pages/ok.md", "---\ntitle: About\n---\nText\n")
    assert problems_of(project) == [
        "content/pages/About Us.md:1: file: page file names must be lowercase letters, digits and hyphens, e.g. about.md",
        "content/pages/ok.md:1: summary: required field is missing",
        "content/pages/timeline.md:1: file: the page name 'timeline' is reserved for the site's own pages; rename the file",
    ]

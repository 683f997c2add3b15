"""Characters XML cannot carry: every code point class XML 1.0's Char production leaves out
(and the C1 controls and Unicode noncharacters besides) is refused, with its file, line and
field, through every field that reaches an XML or JSON output; what is accepted keeps every
Atom feed readable."""

from __future__ import annotations

import json

import feedparser
import lxml.etree
import pytest

from briefing.build import check_site
from briefing.content.loader import parse_brief
from briefing.content.markdown_render import MarkdownRenderer
from briefing.content.text_rules import find_not_carried
from briefing.errors import BuildFailed
from briefing.model import Limits
from conftest import SITE_YAML, VOCABULARY_YAML, brief_text
from test_fuzz import NAME, VOCABULARY


def xml_char(point: int) -> bool:
    """XML 1.0's Char production."""
    return point in (0x9, 0xA, 0xD) or 0x20 <= point <= 0xD7FF or 0xE000 <= point <= 0xFFFD or 0x10000 <= point <= 0x10FFFF


EXCLUDED_BY_XML = [p for p in range(0x110000) if not xml_char(p)]
NONCHARACTERS = [*range(0xFDD0, 0xFDF0), *(plane << 16 | low for plane in range(17) for low in (0xFFFE, 0xFFFF))]
C1_AND_DEL = [0x7F, *range(0x80, 0xA0)]
# One of each class, for the tour of every field (the whole classes go through one field).
CLASSES = {"C0 control": 0x01, "ESC": 0x1B, "DEL": 0x7F, "C1 control (NEL)": 0x85, "U+FFFE": 0xFFFE, "U+FFFF": 0xFFFF,
           "noncharacter U+FDD0": 0xFDD0, "plane 1 noncharacter": 0x1FFFE, "plane 16 noncharacter": 0x10FFFF}


def yaml_escape(point: int) -> str:
    return f"\\U{point:08X}"


def parse_title(point: int):
    text = brief_text(title=f'"Talks {yaml_escape(point)} resumed"')
    return parse_brief(NAME.replace("fuzzed", "joint-statement"), text, VOCABULARY, Limits(), MarkdownRenderer())


def test_the_classes_are_what_xml_excludes():
    assert len(EXCLUDED_BY_XML) == 29 + 2048 + 2  # C0 but tab/LF/CR, surrogates, U+FFFE/FFFF
    assert all(find_not_carried(chr(p)) for p in EXCLUDED_BY_XML + NONCHARACTERS + C1_AND_DEL)
    allowed = [0x9, 0xA, 0xD, 0x20, 0xA0, 0xD7FF, 0xE000, 0xFDCF, 0xFDF0, 0xFFFD, 0x10000, 0x1FFFD, 0x10FFFD]
    assert not any(find_not_carried(chr(p)) for p in allowed)


@pytest.mark.parametrize("points", [
    [p for p in EXCLUDED_BY_XML if not 0xD800 <= p <= 0xDFFF], NONCHARACTERS, C1_AND_DEL,
], ids=["xml-excluded", "noncharacters", "c1-and-del"])
def test_every_code_point_of_each_class_is_refused_in_a_title_with_its_line(points):
    for point in points:
        brief, problems = parse_title(point)
        assert brief is None and len(problems) == 1, (hex(point), problems)
        problem = problems[0]
        assert (problem.line, problem.field) == (2, "title") and f"U+{point:04X}" in problem.message, (hex(point), problem)


def test_surrogates_cannot_be_written_at_all():
    brief, problems = parse_title(0xD800)  # "\U0000D800": YAML's escape makes half a character
    assert brief is None and any("surrogate" in p.message for p in problems)


BRIEF = "content/briefs/2023/2023-12-07-joint-statement.md"
BASE = {
    BRIEF: brief_text(extra="    note: A note.\n    archived: https://web.archive.org/web/2023/x\ncorrections:\n  - date: 2024-01-05\n    note: A correction.\n"),
    "content/pages/about.md": "---\ntitle: About\nsummary: What this is.\n---\nText here.\n",
    "content/vocabulary.yaml": VOCABULARY_YAML,
    "content/site.yaml": SITE_YAML,
    "templates/i18n/en.yaml": None,  # the project's own copy, read when used
}
# field: (file, text to replace, replacement with {c} for the character, reported field);
# the problem is reported on the line of the replaced text.
# In YAML the character is written as a "\UXXXXXXXX" escape; in Markdown as itself, or as
# a character reference.
FIELDS = {
    "title": (BRIEF, "title: Joint statement on prisoners", 'title: "Joint {c} statement"', "title"),
    "summary": (BRIEF, "summary: The two governments agreed to release detained servicemen.", 'summary: "The {c} two"', "summary"),
    "source publisher": (BRIEF, "publisher: News.Az", 'publisher: "News{c}.Az"', "sources[1].publisher"),
    "source title": (BRIEF, "    title: Moscow hails intention of Baku-Yerevan to normalize relations", '    title: "Moscow {c} hails"', "sources[1].title"),
    "source url": (BRIEF, "url: https://news.az/news/moscow-hails", 'url: "https://news.az/news/{c}x"', "sources[1].url"),
    "source note": (BRIEF, "note: A note.", 'note: "A {c} note."', "sources[1].note"),
    "archived url": (BRIEF, "archived: https://web.archive.org/web/2023/x", 'archived: "https://web.archive.org/web/2023/{c}x"', "sources[1].archived"),
    "correction note": (BRIEF, "note: A correction.", 'note: "A {c} correction."', "corrections[1].note"),
    "body": (BRIEF, "Both sides announced", "Both {raw} sides announced", "body"),
    "body, by character reference": (BRIEF, "Both sides announced", "Both {ref} sides announced", "body"),
    "page title": ("content/pages/about.md", "title: About", 'title: "About {c}"', "title"),
    "page summary": ("content/pages/about.md", "summary: What this is.", 'summary: "What {c}"', "summary"),
    "page body": ("content/pages/about.md", "Text here.", "Text {raw} here.", "body"),
    "type label": ("content/vocabulary.yaml", "label: Statement", 'label: "State{c}ment"', "types[1].label"),
    "type description": ("content/vocabulary.yaml", "description: A joint or unilateral statement.", 'description: "A {c} statement."', "types[1].description"),
    "actor label": ("content/vocabulary.yaml", "label: Armenia", 'label: "Arme{c}nia"', "actors[1].label"),
    "tag description": ("content/vocabulary.yaml", "description: Detainees and their release.", 'description: "Detainees {c}"', "tags[1].description"),
    "site title": ("content/site.yaml", "title: Test Archive", 'title: "Test {c} Archive"', "title"),
    "site description": ("content/site.yaml", "description: A tiny archive for tests.", 'description: "A {c} tiny"', "description"),
    "site author": ("content/site.yaml", "author: Test authors", 'author: "Test {c} authors"', "author"),
    "site license": ("content/site.yaml", "license: CC BY 4.0", 'license: "CC {c} BY"', "license"),
    "UI string": ("templates/i18n/en.yaml", "updated_on: Updated on", 'updated_on: "Updated {c} on"', "updated_on"),
    "UI nested string": ("templates/i18n/en.yaml", "  url: The brief's address on this site.", '  url: "The brief\'s {c} address"', "data_fields"),
}


def put(project, field: str, point: int) -> tuple[str, int | None, str]:
    path, old, new, name = FIELDS[field]
    text = BASE[path] if BASE[path] is not None else (project.root / path).read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    replacement = new.format(c=f"\\U{point:08X}", raw=chr(point), ref=f"&#x{point:X};")
    project.write(path, text.replace(old, replacement, 1))
    return path, line, name


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("point", CLASSES.values(), ids=CLASSES.keys())
def test_each_class_is_refused_in_every_field_that_reaches_xml(project, field, point):
    for path, text in BASE.items():
        if text is not None:
            project.write(path, text)
    if field.endswith("character reference") and 0x80 <= point <= 0x9F:
        pytest.skip("HTML reads &#x80; to &#x9F; as the Windows-1252 characters (&#x85; is '…'), which XML carries")
    path, line, name = put(project, field, point)
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options())
    problems = [p for p in failure.value.problems if p.path == path]
    assert problems, failure.value.problems
    problem = problems[0]
    if field == "source url" or field == "archived url":
        assert (problem.line, problem.field) == (line, name) and "control or invisible" in problem.message, problem
    else:
        assert (problem.line, problem.field) == (line, name), problem
        assert f"U+{point:04X}" in problem.message, problem


def test_accepted_unusual_text_keeps_every_atom_feed_readable(project):
    # Characters XML does carry: astral letters and emoji, private use, U+FFFD, combining
    # marks, right-to-left text without direction controls, markup characters, a tab in a body.
    tricky = "Ереван ← 𝔸 😀 \ue000 \ufffd e\u0301 שלום & <b> \"q\" 'a' ]]>"
    project.brief(title=json.dumps(tricky, ensure_ascii=False), summary=json.dumps(tricky + " summary", ensure_ascii=False), body=f"{tricky}\n\n\tcode\n\n|a|\n|-|\n|{tricky}|\n")
    project.build()
    feeds = sorted(project.out.rglob("feed.xml"))
    assert len(feeds) >= 3
    for feed in feeds:
        lxml.etree.parse(str(feed), lxml.etree.XMLParser(recover=False))  # raises on any bad character
        parsed = feedparser.parse(feed.read_bytes())
        assert not parsed.bozo, (feed, parsed.bozo_exception)
    entry = feedparser.parse((project.out / "feed.xml").read_bytes()).entries[0]
    assert entry.title == tricky
    assert json.loads((project.out / "feed.json").read_text(encoding="utf-8"))["items"][0]["title"] == tricky
    lxml.etree.parse(str(project.out / "sitemap.xml"), lxml.etree.XMLParser(recover=False))

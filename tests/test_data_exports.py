"""data/briefs.json and data/briefs.csv hold every brief, agree with each other, and the Data page documents them."""

from __future__ import annotations

import csv
import io
import json
import re

import lxml.html
import pytest

from briefing.site.exports import neutralise_formula

HOSTILE = """\
tags: [prisoners]
related: [2020-11-10-ceasefire]
corrections:
  - date: 2024-01-02
    note: "+1 detainee was added to the count."
  - date: 2024-02-03
    note: Spelling of a name.
"""
SOURCES = """\
sources:
  - publisher: "@Ministry"
    title: "-12 is the number: a list"
    url: https://example.org/a?x=1&y=2
    note: Title reconstructed.
  - publisher: Reuters
    title: "'=already quoted"
    url: https://reuters.example/b
    date: 2023-12-08
    archived: https://archive.example/b
"""
DEFAULT_SOURCES = """\
sources:
  - publisher: News.Az
    title: Moscow hails intention of Baku-Yerevan to normalize relations
    url: https://news.az/news/moscow-hails
    date: 2023-12-08
"""


def _documented_decode(cell: str) -> str:
    """The rule the Data page states: drop the one apostrophe put before a formula start."""
    return cell[1:] if re.match(r"'+[=+\-@\t\r]", cell) else cell


def _records_from_csv(raw: bytes) -> list[dict]:
    """Rebuild JSON-shaped records from the CSV alone, following the documented rules."""
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    records = []
    for row in rows:
        cells = {k: _documented_decode(v) for k, v in row.items()}
        lines = lambda v: v.split("\n") if v else []  # noqa: E731
        # Line n of every source_ column belongs to source n (an empty line: no value).
        columns = {f: cells[f"source_{f}"].split("\n") for f in ("publisher", "title", "url", "date", "archived", "note")}
        sources = [{f: values[i] or None for f, values in columns.items()} for i in range(len(columns["publisher"]))]
        corrections = [{"date": d, "note": n} for d, n in zip(lines(cells["correction_date"]), lines(cells["correction_note"]))]
        record = {k: (v or None) for k, v in cells.items() if not k.startswith(("source_", "correction_"))}
        record.update(
            actors=lines(cells["actors"]), tags=lines(cells["tags"]), related=lines(cells["related"]),
            places=lines(cells["places"]), people=lines(cells["people"]),
            sources=sources, corrections=corrections, draft={"true": True, "false": False}[cells["draft"]],
        )
        records.append(record)
    return records


@pytest.fixture
def data_project(project):
    project.brief("2020-11-10-ceasefire", title="Ceasefire statement", actors="[armenia, azerbaijan, russia]")
    path = project.brief(
        "2023-12-07-joint-statement",
        title="'=HYPERLINK(\"https://evil.example/\",\"click\")'",
        summary="'-2 prisoners; the rest @later, see \"quotes\", commas, and ünïcödé: Երևան'",
        extra=HOSTILE,
        body="First paragraph.\n\n- a list item\n- another\n",
    )
    # Replace the default sources with ones whose cells start like formulas.
    text = path.read_text(encoding="utf-8")
    assert DEFAULT_SOURCES in text
    path.write_text(text.replace(DEFAULT_SOURCES, SOURCES), encoding="utf-8")
    project.build()
    return project


def test_json_has_schema_licence_attribution_and_every_brief(data_project):
    document = json.loads((data_project.out / "data/briefs.json").read_bytes())
    assert document["schema_version"] == 1
    assert document["license"] == "CC BY 4.0"
    assert document["attribution"] == "Test Archive (https://example.org/), by Test authors, licensed under CC BY 4.0"
    assert document["documentation"] == "https://example.org/data/"
    assert [t["id"] for t in document["vocabulary"]["types"]] == ["statement", "prisoner-release", "summit"]
    assert [b["id"] for b in document["briefs"]] == ["2023-12-07-joint-statement", "2020-11-10-ceasefire"]
    brief = document["briefs"][0]
    assert brief["url"] == "https://example.org/briefs/2023-12-07-joint-statement/"
    assert brief["title"] == '=HYPERLINK("https://evil.example/","click")'
    assert brief["sources"][0] == {
        "publisher": "@Ministry", "title": "-12 is the number: a list", "url": "https://example.org/a?x=1&y=2",
        "date": None, "archived": None, "note": "Title reconstructed.",
    }
    assert brief["corrections"][1] == {"date": "2024-02-03", "note": "Spelling of a name."}
    assert brief["last_modified"] == "2024-02-03" and brief["end_date"] is None
    assert brief["related"] == ["2020-11-10-ceasefire"] and brief["draft"] is False
    assert "<li>a list item</li>" in brief["body_html"] and brief["body_text"].startswith("First paragraph.")


def test_csv_round_trips_to_the_same_records_as_the_json(data_project):
    document = json.loads((data_project.out / "data/briefs.json").read_bytes())
    raw = (data_project.out / "data/briefs.csv").read_bytes()
    assert _records_from_csv(raw) == document["briefs"]
    assert b"\r\n" in raw  # RFC 4180 line ends between rows


def test_csv_cells_never_start_like_a_formula(data_project):
    raw = (data_project.out / "data/briefs.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, joint = rows[0], dict(zip(rows[0], rows[1]))
    for row in rows[1:]:
        for cell in row:
            assert not cell[:1] in ("=", "+", "-", "@", "\t", "\r"), cell
    assert joint["title"] == "'=HYPERLINK(\"https://evil.example/\",\"click\")"
    assert joint["summary"].startswith("'-2 prisoners")
    assert joint["source_publisher"] == "'@Ministry\nReuters"
    assert joint["source_title"] == "'-12 is the number: a list\n'=already quoted"  # only a cell's start counts
    assert joint["correction_note"] == "'+1 detainee was added to the count.\nSpelling of a name."
    assert header[:3] == ["id", "url", "title"]


@pytest.mark.parametrize(
    "value, cell",
    [("=1+1", "'=1+1"), ("+A1", "'+A1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("'=x", "''=x"), ("'plain", "'plain"), ("plain = fine", "plain = fine"), ("", "")],
)
def test_neutralise_formula(value, cell):
    assert neutralise_formula(value) == cell
    assert _documented_decode(cell) == value


def test_data_page_links_the_downloads_and_documents_every_field(data_project):
    page = lxml.html.fromstring((data_project.out / "data/index.html").read_bytes())
    links = page.xpath("//main//a/@href")
    assert "/data/briefs.json" in links and "/data/briefs.csv" in links
    document = json.loads((data_project.out / "data/briefs.json").read_bytes())
    # Field names may carry <wbr> after their underscores: read each one's whole text.
    documented = {code.text_content() for code in page.xpath("//table[contains(@class,'data-fields')]//th[@scope='row']/code")}
    assert documented == set(document["briefs"][0])
    csv_header = (data_project.out / "data/briefs.csv").read_bytes().decode("utf-8-sig").split("\r\n", 1)[0].split(",")
    columns = [code.text_content() for code in page.xpath("//table[contains(@class,'data-fields')]//td[contains(@class,'csv-cell')]/code")]
    assert columns == csv_header  # every CSV column documented, in file order
    for name in documented:
        description = page.xpath(f"string(//tr[@id='field-{name}']/td[last()])").strip()
        assert len(description) > 10, name
    # Every page links to the Data page.
    home = lxml.html.fromstring((data_project.out / "index.html").read_bytes())
    assert "/data/" in home.xpath("//footer//a/@href")


def test_downloads_under_a_sub_path(project):
    project.brief()
    project.build(base_url="https://example.org/archive/")
    document = json.loads((project.out / "data/briefs.json").read_bytes())
    assert document["url"] == "https://example.org/archive/"
    assert document["briefs"][0]["url"] == "https://example.org/archive/briefs/2023-12-07-joint-statement/"
    page = lxml.html.fromstring((project.out / "data/index.html").read_bytes())
    assert "/archive/data/briefs.csv" in page.xpath("//main//a/@href")
    rows = list(csv.DictReader(io.StringIO((project.out / "data/briefs.csv").read_bytes().decode("utf-8-sig"), newline="")))
    assert rows[0]["url"] == "https://example.org/archive/briefs/2023-12-07-joint-statement/"


def test_drafts_are_left_out_unless_built_with_drafts(project):
    project.brief("2023-12-07-joint-statement")
    project.brief("2024-01-05-draft-note", title="Draft note", extra="draft: true\n")
    project.build()
    document = json.loads((project.out / "data/briefs.json").read_bytes())
    assert [b["id"] for b in document["briefs"]] == ["2023-12-07-joint-statement"]
    project.build(drafts=True)
    document = json.loads((project.out / "data/briefs.json").read_bytes())
    assert [(b["id"], b["draft"]) for b in document["briefs"]] == [("2024-01-05-draft-note", True), ("2023-12-07-joint-statement", False)]
    assert _records_from_csv((project.out / "data/briefs.csv").read_bytes()) == document["briefs"]

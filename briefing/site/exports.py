"""Data downloads: every brief as JSON (data/briefs.json) and as one CSV row (data/briefs.csv).

Both come from one record per brief, so they always agree; the Data page documents the
fields listed here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Mapping

from .archive import Archive
from ..model import NAME_KINDS, Brief, Named, Span
from .urls import TERM_KINDS, Urls

# Bump when a field is renamed, removed or changes meaning (adding a field does not).
SCHEMA_VERSION = 1

# Fields of each brief record, in CSV column order (the JSON record has the same keys).
RECORD_FIELDS = (
    "id", "url", "title", "date", "end_date", "type", "actors", "tags", "places", "people", "summary", "sources",
    "related", "updated", "corrections", "last_modified", "draft", "body_text", "body_html",
)
SOURCE_FIELDS = ("publisher", "title", "url", "date", "archived", "note")
CORRECTION_FIELDS = ("date", "note")
# CSV flattens the lists of records into parallel columns, one line per record.
CSV_COLUMNS_OF = {
    name: tuple(f"source_{f}" for f in SOURCE_FIELDS) if name == "sources"
    else tuple(f"correction_{f}" for f in CORRECTION_FIELDS) if name == "corrections"
    else (name,)
    for name in RECORD_FIELDS
}
CSV_COLUMNS = tuple(column for name in RECORD_FIELDS for column in CSV_COLUMNS_OF[name])
# A cell starting like a formula (or with apostrophes before one) gets one more apostrophe.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def assemble_record(brief: Brief, urls: Urls) -> dict[str, Any]:
    """Everything known about one brief, as JSON-ready values (dates as YYYY-MM-DD)."""
    def day(value):
        return value.isoformat() if value else None

    return {
        "id": brief.id,
        "url": urls.absolute(urls.brief(brief.id)),
        "title": brief.title,
        "date": day(brief.date),
        "end_date": day(brief.end_date),
        "type": brief.type,
        "actors": list(brief.actors),
        "tags": list(brief.tags),
        "places": list(brief.places),
        "people": list(brief.people),
        "summary": brief.summary,
        "sources": [
            {"publisher": s.publisher, "title": s.title, "url": s.url, "date": day(s.date),
             "archived": s.archived, "note": s.note}
            for s in brief.sources
        ],
        "related": list(brief.related),
        "updated": day(brief.updated),
        "corrections": [{"date": day(c.date), "note": c.note} for c in brief.corrections],
        "last_modified": day(brief.last_modified),
        "draft": brief.draft,
        "body_text": brief.body.text,
        "body_html": brief.body.html,
    }


def encode_chunk(shared: tuple[tuple[Brief, ...], Urls], indices: list[int]) -> list[tuple[bytes, bytes]]:
    """(JSON record, CSV row) of the briefs at `indices`, encoded; a JSON record comes with
    the comma that separates it from the one before (see join_rows)."""
    briefs, urls = shared
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    encoded = []
    for i in indices:
        record = assemble_record(briefs[i], urls)
        cells = flatten_record(record)
        stream.seek(0)
        stream.truncate()
        writer.writerow([neutralise_formula(cells[column]) for column in CSV_COLUMNS])
        encoded.append((b"," + json.dumps(record, **_JSON).encode("utf-8"), stream.getvalue().encode("utf-8")))
    return encoded


_JSON: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": True}


def json_frame_of(archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """data/briefs.json around its records: schema version, licence, attribution, vocabulary."""
    document = {
        **document_header(archive, urls, strings, SCHEMA_VERSION),
        "vocabulary": {
            kind: [{"id": t.id, "label": t.label, "description": t.description} for t in archive.vocabulary.kind(kind)]
            for kind in TERM_KINDS
        },
        "names": {kind: [_named_record(entry) for entry in archive.names.kind(kind)] for kind in NAME_KINDS},
        "briefs": [],
    }
    # Same bytes as dumping the whole document at once, joined from one record per brief.
    before, after = json.dumps(document, **_JSON).split('"briefs":[]', 1)  # only a key can match
    return f'{before}"briefs":['.encode("utf-8"), f"]{after}\n".encode("utf-8")


def document_header(archive: Archive, urls: Urls, strings: Mapping[str, Any], version: int) -> dict[str, Any]:
    """What every JSON download starts with: its schema version, the archive, the licence."""
    config = archive.config
    return {
        "schema_version": version,
        "title": config.title,
        "description": config.description,
        "url": urls.absolute(urls.home()),
        "documentation": urls.absolute(urls.data()),
        "language": config.language,
        "publisher": config.author,
        "license": config.license,
        "attribution": attribution(archive, urls, strings),
    }


def _named_record(entry: Named) -> dict[str, Any]:
    """A place or person of the register as data: its label and every name in every language."""
    return {
        "id": entry.id, "label": entry.label, "contested": entry.contested, "description": entry.description,
        "names": [
            {"display": n.display, "used_by": n.used_by or None, "forms": dict(n.forms), "variants": list(n.variants)}
            for n in entry.names
        ],
    }


def csv_frame_of() -> tuple[bytes, bytes]:
    """data/briefs.csv before its rows (UTF-8 with BOM, the header row, CRLF) and after (nothing)."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(CSV_COLUMNS)
    # The byte-order mark lets spreadsheet programs recognise UTF-8 (km², Armenian names).
    return ("\ufeff" + header.getvalue()).encode("utf-8"), b""


def join_rows(kind: str, frame: tuple[bytes, bytes], rows: list[Any]) -> tuple[Any, ...]:
    """A download's parts in order: its frame around one encoded row (bytes or Span) per brief.

    In parts: at 10,000 briefs one joined copy would be another 100 MB in memory.
    """
    parts = [frame[0], *rows]
    if kind == "json" and rows:
        parts[1] = _without_comma(parts[1])  # the first record has none before it
    return (*parts, frame[1])


def _without_comma(part: Any) -> Any:
    return part[1:] if isinstance(part, bytes) else Span(part.path, part.offset + 1, part.length - 1)


def flatten_record(record: Mapping[str, Any]) -> dict[str, str]:
    """A record as CSV cells: lists one item per line, booleans true/false, null empty."""
    cells: dict[str, str] = {}
    for name, value in record.items():
        if name == "sources":
            for field in SOURCE_FIELDS:
                cells[f"source_{field}"] = "\n".join(s[field] or "" for s in value)
        elif name == "corrections":
            for field in CORRECTION_FIELDS:
                cells[f"correction_{field}"] = "\n".join(c[field] for c in value)
        else:
            cells[name] = csv_cell(value)
    return cells


def csv_cell(value: Any) -> str:
    """One value as a CSV cell: a list one item per line, booleans true/false, null empty."""
    if isinstance(value, list):
        return "\n".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def neutralise_formula(cell: str) -> str:
    """Prefix an apostrophe so a spreadsheet shows the cell as text instead of running it."""
    return "'" + cell if _FORMULA.match(cell) else cell


def attribution(archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> str:
    """The credit line re-users should show, from the site's title, author, licence and URL."""
    config = archive.config
    return strings["data_attribution"].format(
        title=config.title, author=config.author, license=config.license, url=urls.absolute(urls.home())
    )

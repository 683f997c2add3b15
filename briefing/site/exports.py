"""Data downloads: every brief as JSON (data/briefs.json) and as one CSV row (data/briefs.csv).

Both come from one record per brief, so they always agree; the Data page documents the
fields listed here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Mapping, Protocol

from .archive import Archive
from ..hashing import digest
from ..model import Brief
from ..store.parallel import iterate_shared
from .urls import TERM_KINDS, Urls
from ..output.write import Span

# Bump when a field is renamed, removed or changes meaning (adding a field does not).
SCHEMA_VERSION = 1

# Fields of each brief record, in CSV column order (the JSON record has the same keys).
RECORD_FIELDS = (
    "id", "url", "title", "date", "end_date", "type", "actors", "tags", "summary", "sources",
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


class Rows(Protocol):
    """Where encoded rows are kept between builds (a rowstore.RowStore)."""

    def get(self, key: str) -> tuple[Any, Any] | None: ...
    def put(self, key: str, json_row: bytes, csv_row: bytes) -> tuple[Any, Any]: ...


def encode_rows(archive: Archive, urls: Urls, store: Rows | None = None, jobs: int = 1) -> list[tuple[Any, Any]]:
    """(JSON record, CSV row) of every brief, newest first, as parts of a file to write.

    A JSON record comes with the comma that separates it from the one before. Encoding ten
    thousand wide records costs seconds (on `jobs` processes), so rows of briefs unchanged
    since the last build come from `store`, keyed by the brief's fingerprint and the
    site's URL; there they are spans of the store's files (write.Span), bytes otherwise.
    """
    briefs = archive.briefs
    keys = [digest("export-rows", urls.base_url, b.fingerprint) if b.fingerprint and store else "" for b in briefs]
    rows: list[Any] = [store.get(key) if key else None for key in keys]  # type: ignore[union-attr]
    missing = [i for i, row in enumerate(rows) if row is None]
    for i, encoded in zip(missing, iterate_shared(_encode_chunk, (briefs, urls), missing, jobs)):
        rows[i] = store.put(keys[i], *encoded) if keys[i] else encoded  # type: ignore[union-attr]
    return rows


def _encode_chunk(shared: tuple[tuple[Brief, ...], Urls], indices: list[int]) -> list[tuple[bytes, bytes]]:
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


def render_briefs_json(archive: Archive, urls: Urls, strings: Mapping[str, Any], rows: list[tuple[Any, Any]]) -> tuple[Any, ...]:
    """data/briefs.json: schema version, licence, attribution, vocabulary and every brief.

    `rows` come from encode_rows. Returned in parts (the file is their concatenation): at 10,000 briefs one joined copy
    would be another 100 MB in memory.
    """
    config = archive.config
    document = {
        "schema_version": SCHEMA_VERSION,
        "title": config.title,
        "description": config.description,
        "url": urls.absolute(urls.home()),
        "documentation": urls.absolute(urls.data()),
        "language": config.language,
        "publisher": config.author,
        "license": config.license,
        "attribution": attribution(archive, urls, strings),
        "vocabulary": {
            kind: [{"id": t.id, "label": t.label, "description": t.description} for t in archive.vocabulary.kind(kind)]
            for kind in TERM_KINDS
        },
        "briefs": [],
    }
    # Same bytes as dumping the whole document at once, joined from one record per brief.
    before, after = json.dumps(document, **_JSON).split('"briefs":[]', 1)  # only a key can match
    parts = [f'{before}"briefs":['.encode("utf-8")]
    parts += (row[0] for row in rows)
    if rows:
        parts[1] = _without_comma(parts[1])
    parts.append(f"]{after}\n".encode("utf-8"))
    return tuple(parts)


def _without_comma(part: Any) -> Any:
    # The first record has no record before it to be separated from.
    return part[1:] if isinstance(part, bytes) else Span(part.path, part.offset + 1, part.length - 1)


def render_briefs_csv(rows: list[tuple[Any, Any]]) -> tuple[Any, ...]:
    """data/briefs.csv from encode_rows: a header row, then one row per brief (UTF-8 with BOM, CRLF), in parts."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(CSV_COLUMNS)
    # The byte-order mark lets spreadsheet programs recognise UTF-8 (km², Armenian names).
    return ("\ufeff".encode("utf-8"), header.getvalue().encode("utf-8"), *(row[1] for row in rows))


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
        elif isinstance(value, list):
            cells[name] = "\n".join(value)
        elif isinstance(value, bool):
            cells[name] = "true" if value else "false"
        else:
            cells[name] = "" if value is None else str(value)
    return cells


def neutralise_formula(cell: str) -> str:
    """Prefix an apostrophe so a spreadsheet shows the cell as text instead of running it."""
    return "'" + cell if _FORMULA.match(cell) else cell


def attribution(archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> str:
    """The credit line re-users should show, from the site's title, author, licence and URL."""
    config = archive.config
    return strings["data_attribution"].format(
        title=config.title, author=config.author, license=config.license, url=urls.absolute(urls.home())
    )

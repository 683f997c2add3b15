"""Data downloads of tracks, moves and reactions (data/tracks.json, moves.json|csv,
reactions.json|csv) and the JSON Schema of each: small files, made whole as bytes.

The fields of each record are listed once here; the JSON Schemas, the CSV columns and
the Data page's tables all come from these lists, so they cannot disagree.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Mapping

from .exports import csv_cell, neutralise_formula
from .tracks import Origin, ReactionView, Status, Step, TrackData
from .urls import Urls

# Bump when a field is renamed, removed or changes meaning (adding a field does not).
TRACKS_SCHEMA_VERSION = 1

# (name, JSON Schema of the value): the fields of a move's record, in CSV column order.
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_ID = {"type": "string", "pattern": r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"}
_TEXT = {"type": "string"}
_URL = {"type": "string", "format": "iri"}  # a source's address may hold non-ASCII letters
_NUMBER = {"type": "integer", "minimum": 1}
# Where a move or reaction is recorded: the last columns of both downloads.
ORIGIN_FIELDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("brief_id", _TEXT), ("brief_url", _URL), ("brief_title", _TEXT), ("brief_date", _DATE),
    ("source", _NUMBER), ("source_publisher", _TEXT), ("source_title", _TEXT), ("source_url", _URL),
)
MOVE_FIELDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("track", _ID), ("lane", _TEXT), ("as_of", _DATE), ("previous", _TEXT), ("to", _TEXT),
    ("direction", {"type": "string", "enum": ["up", "down", "changed", "improving", "worsening"]}),
    ("setback", {"type": "boolean"}), ("reason", _TEXT), ("note", _TEXT), *ORIGIN_FIELDS,
)
REACTION_FIELDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("actor", _ID), ("date", _DATE), ("speaker", _TEXT), ("stance", _ID), ("stance_symbol", _TEXT),
    ("paraphrase", _TEXT), ("quote", _TEXT), ("note", _TEXT), *ORIGIN_FIELDS,
)
_LEVEL = {"type": "object", "additionalProperties": False, "required": ["id", "label", "definition"],
          "properties": {"id": _ID, "label": _TEXT, "definition": _TEXT}}
_STATUS = {
    "type": "object", "additionalProperties": False,
    "required": ["lane", "value", "since", "brief_id"],
    "properties": {"lane": _TEXT, "value": _TEXT, "since": {"anyOf": [_DATE, {"type": "null"}]}, "brief_id": _TEXT},
}
TRACK_FIELDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("id", _ID), ("label", _TEXT), ("definition", _TEXT),
    ("kind", {"type": "string", "enum": ["ladder", "lanes", "arrows"]}),
    ("levels", {"type": "array", "items": _LEVEL}), ("lanes", {"type": "array", "items": _LEVEL}),
    ("states", {"type": "array", "items": _LEVEL}), ("status", {"type": "array", "items": _STATUS}),
    ("url", _URL), ("feed", _URL),
)
STANCE_FIELDS: tuple[tuple[str, dict[str, Any]], ...] = (("id", _ID), ("label", _TEXT), ("symbol", _TEXT), ("definition", _TEXT))
# The downloads: name -> (record list key, record fields); every one has a JSON file.
DOWNLOADS = {"moves": ("moves", MOVE_FIELDS), "reactions": ("reactions", REACTION_FIELDS), "tracks": ("tracks", TRACK_FIELDS)}
CSV_DOWNLOADS = ("moves", "reactions")
_JSON: dict[str, Any] = {"ensure_ascii": False, "separators": (",", ":"), "sort_keys": True}


def move_record(step: Step, urls: Urls) -> dict[str, Any]:
    """One move with its derived previous level, as JSON-ready values."""
    return {
        "track": step.track, "lane": step.lane, "as_of": step.as_of.isoformat(), "previous": step.previous,
        "to": step.to, "direction": step.direction, "setback": step.setback, "reason": step.reason,
        "note": step.note, **_origin_record(step.origin, urls),
    }


def reaction_record(view: ReactionView, urls: Urls) -> dict[str, Any]:
    """One reaction as JSON-ready values."""
    return {
        "actor": view.actor, "date": view.date.isoformat(), "speaker": view.speaker, "stance": view.stance,
        "stance_symbol": view.stance_symbol, "paraphrase": view.paraphrase, "quote": view.quote, "note": view.note,
        **_origin_record(view.origin, urls),
    }


def _origin_record(origin: Origin, urls: Urls) -> dict[str, Any]:
    return {
        "brief_id": origin.brief_id, "brief_url": urls.absolute(urls.brief(origin.brief_id)), "brief_title": origin.brief_title,
        "brief_date": origin.brief_date.isoformat(), "source": origin.source, "source_publisher": origin.source_publisher,
        "source_title": origin.source_title, "source_url": origin.source_url,
    }


def _status_record(status: Status) -> dict[str, Any]:
    return {"lane": status.lane, "value": status.value, "since": status.since.isoformat() if status.since else None, "brief_id": status.brief_id}


def assemble_downloads(data: TrackData, urls: Urls, header: Mapping[str, Any]) -> dict[str, bytes]:
    """Every download's bytes by file name (moves.json, moves.csv, ...). `header` holds
    what every JSON file starts with (title, licence, attribution ...)."""
    def level(item) -> dict[str, str]:
        return {"id": item.id, "label": item.label, "definition": item.definition}

    steps = sorted((s for h in data.histories for s in h.steps), key=lambda s: (s.as_of, s.track, s.lane))
    views = sorted((v for group in data.reactions_of.values() for v in group), key=lambda v: (v.origin.brief_date, v.origin.brief_id, v.anchor))
    records = {
        "moves": [move_record(step, urls) for step in steps],
        "reactions": [reaction_record(view, urls) for view in views],
        "tracks": [
            {
                "id": h.track.id, "label": h.track.label, "definition": h.track.definition, "kind": h.track.kind,
                "levels": [level(x) for x in h.track.levels], "lanes": [level(x) for x in h.track.lanes],
                "states": [level(x) for x in h.track.states], "status": [_status_record(s) for s in h.statuses],
                "url": urls.absolute(urls.track(h.track.id)), "feed": urls.absolute(urls.track_feed(h.track.id)),
            }
            for h in data.histories
        ],
    }
    as_of = data.board.as_of.isoformat() if data.board.as_of else None
    files: dict[str, bytes] = {}
    for name, (key, _) in DOWNLOADS.items():
        document = {**header, "as_of": as_of, "schema": urls.absolute(urls.data(f"{name}.schema.json")), key: records[key]}
        if name == "tracks":
            document["stances"] = [{"id": s.id, "label": s.label, "symbol": s.symbol, "definition": s.definition} for s in data.definitions.stances]
        files[f"{name}.json"] = (json.dumps(document, **_JSON) + "\n").encode("utf-8")
    for name in CSV_DOWNLOADS:
        key, fields = DOWNLOADS[name]
        files[f"{name}.csv"] = csv_bytes([field for field, _ in fields], records[key])
    return files


def csv_bytes(columns: list[str], records: list[Mapping[str, Any]]) -> bytes:
    """A CSV file as the Data page describes them: UTF-8 with a byte-order mark, CRLF, one
    header row, booleans true/false, empty for nothing, formula-like cells neutralised."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([neutralise_formula(csv_cell(record[column])) for column in columns])
    return ("\ufeff" + stream.getvalue()).encode("utf-8")


def download_schema(name: str, urls: Urls, texts: Mapping[str, Any], title: str) -> dict[str, Any]:
    """The JSON Schema (draft-07) of data/<name>.json, each field described as the Data page
    does: `texts` holds the UI strings data_fields_<name> (and data_fields_stances)."""
    key, fields = DOWNLOADS[name]

    def described(fields_, texts: Mapping[str, str]) -> dict[str, Any]:
        return {
            "type": "object", "additionalProperties": False, "required": [field for field, _ in fields_],
            "properties": {field: {**schema, "description": str(texts.get(field, ""))} for field, schema in fields_},
        }

    properties: dict[str, Any] = {
        "schema_version": {"type": "integer", "const": TRACKS_SCHEMA_VERSION},
        "title": _TEXT, "description": _TEXT, "url": _URL, "documentation": _URL, "language": _TEXT,
        "publisher": _TEXT, "license": _TEXT, "attribution": _TEXT, "schema": _URL,
        "as_of": {"anyOf": [_DATE, {"type": "null"}], "description": str(texts.get("data_as_of", ""))},
        key: {"type": "array", "items": described(fields, texts.get(f"data_fields_{name}", {}))},
    }
    if name == "tracks":
        properties["stances"] = {"type": "array", "items": described(STANCE_FIELDS, texts.get("data_fields_stances", {}))}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": urls.absolute(urls.data(f"{name}.schema.json")),
        "title": title,
        "type": "object",
        "additionalProperties": False,
        "required": sorted(properties),
        "properties": properties,
    }


def render_schemas(urls: Urls, strings: Mapping[str, Any], site_title: str) -> dict[str, bytes]:
    """The bytes of data/<name>.schema.json for every JSON download, by file name (indented,
    for people to read; schema/ in the repository holds the same files)."""
    made = {}
    for name in DOWNLOADS:
        title = strings["data_schema_title"].format(site=site_title, name=f"{name}.json")
        schema = download_schema(name, urls, strings, title)
        made[f"{name}.schema.json"] = (json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    return made

"""Render the brief schema as Markdown tables for docs/reference.md, from the same FieldSpecs
the validator uses; `python build.py schema` refreshes the generated blocks."""

from __future__ import annotations

import re

from ..content.schema import (
    BRIEF_FIELDS, CORRECTION_FIELDS, LEVEL_FIELDS, MOVE_FIELDS, PROVENANCE_FIELDS, REACTION_FIELDS, SOURCE_FIELDS, STANCE_FIELDS,
    TERM_SOURCES, TRACK_FIELDS, TRANSLATION_FIELDS, FieldSpec,
)

FIELD_TABLES = {
    "brief-fields": BRIEF_FIELDS,
    "source-fields": SOURCE_FIELDS,
    "correction-fields": CORRECTION_FIELDS,
    "move-fields": MOVE_FIELDS,
    "reaction-fields": REACTION_FIELDS,
    "track-fields": TRACK_FIELDS,
    "level-fields": LEVEL_FIELDS,
    "stance-fields": STANCE_FIELDS,
    "translation-fields": TRANSLATION_FIELDS,
    "provenance-fields": PROVENANCE_FIELDS,
}


def render_field_table(specs: tuple[FieldSpec, ...]) -> str:
    """Return a Markdown table: field, required, kind of value, what it is for."""
    rows = [
        f"| `{spec.name}` | {'yes' if spec.required else 'no'} | {_describe_kind(spec)} | {spec.description} |"
        for spec in specs
    ]
    return "\n".join(["| field | required | value | meaning |", "|---|---|---|---|", *rows])


def update_generated_blocks(text: str, blocks: dict[str, str]) -> str:
    """Replace each `<!-- generated:NAME -->…<!-- /generated:NAME -->` block's inside."""
    for name, block in blocks.items():
        pattern = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- /generated:{name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"the markers <!-- generated:{name} --> and <!-- /generated:{name} --> are missing")
        text = pattern.sub(lambda match: f"{match[1]}{block}\n{match[2]}", text, count=1)
    return text


def render_field_blocks() -> dict[str, str]:
    """Return every generated table of docs/reference.md, keyed by block name."""
    return {name: render_field_table(specs) for name, specs in FIELD_TABLES.items()}


def _describe_kind(spec: FieldSpec) -> str:
    kind = spec.kind
    if kind == "text":
        return f"text, at most {spec.max_length} characters" if spec.max_length else "text"
    if kind == "date":
        return "date `YYYY-MM-DD`"
    if kind == "bool":
        return "`true` or `false`"
    if kind == "int":
        return f"whole number ≥ {spec.minimum}"
    if kind == "url":
        return "`http://` or `https://` address"
    if kind == "term":
        return f"one id from `{spec.vocabulary}` in {TERM_SOURCES[spec.vocabulary][1]}"
    if kind == "terms":
        return f"list of ids from `{spec.vocabulary}` in {TERM_SOURCES[spec.vocabulary][1]}{_at_least(spec)}"
    if kind == "choice":
        return "one of " + ", ".join(f"`{choice}`" for choice in spec.choices)
    if kind == "brief_ids":
        return "list of brief ids (file names without `.md`)"
    if kind == "mapping":
        return "fields below"
    if kind == "records":
        return f"list of entries, fields below{_at_least(spec)}"
    return kind


def _at_least(spec: FieldSpec) -> str:
    return f" (at least {spec.min_items})" if spec.min_items else ""

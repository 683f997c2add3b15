"""Scaffold a new brief: a file with every required field, placeholders marked TODO."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import yaml

SLUG_MAX = 50


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated values in full: a scaffold is edited by hand, where `&id001` would puzzle."""

    def ignore_aliases(self, data) -> bool:
        return True


def slugify(title: str) -> str:
    """ASCII slug of a title: lowercase words joined by hyphens, at most 50 characters."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > SLUG_MAX:
            break
        slug = candidate
    return slug or "brief"


def new_brief_text(title: str, date: dt.date, milestone_type: str, actors: tuple[str, ...] = ()) -> str:
    """Text of a new brief; the TODO placeholders fail `check` until replaced."""
    front = {
        "title": title,
        "date": date,
        "type": milestone_type,
        "actors": list(actors) or ["TODO-actor-id"],
        "summary": "TODO: one to three plain sentences saying what happened (at most 400 characters).",
        "tags": [],
        "related": [],
        "sources": [
            {
                "publisher": "TODO: who published the source",
                "title": "TODO: the source's headline",
                "url": "TODO: https://...",
                "date": date,
            }
        ],
    }
    yaml_text = yaml.dump(front, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=88)
    body = (
        "TODO: write what happened, in your own words, with more detail than the summary.\n\n"
        "## Context\n\nTODO: why it matters, and what came before.\n\n"
        "## Disputed or uncertain details\n\n"
        "TODO: where accounts differ (dates, figures, names, who did what), who says what; "
        "or remove this section if nothing is disputed.\n"
    )
    return f"---\n{yaml_text}---\n{body}"


def translation_text(original_text: str, original, method: str, translator: str, today: dt.date) -> str:
    """Text of a new translation of a brief or page (`original`, parsed from `original_text`):
    the original's title, summary, corrections and body to translate over, and provenance
    recording today and the digest of the original's text."""
    from ..content.frontmatter import split_front_matter

    front: dict = {"title": original.title, "summary": original.summary}
    corrections = getattr(original, "corrections", ())
    if corrections:
        front["corrections"] = [{"date": c.date, "note": c.note} for c in corrections]
    front["translation"] = {
        "method": method,
        "reviewed": method == "human",
        "translator": translator,
        "date": today,
        "original_digest": original.text_digest,
    }
    yaml_text = yaml.dump(front, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=88)
    return f"---\n{yaml_text}---\n{split_front_matter(original_text).body}"

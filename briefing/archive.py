"""Assemble loaded content into the archive the pages are made from (pure, no I/O).

Briefs newest first, grouped by year and by vocabulary term, with neighbours in time and
related briefs chosen by a fixed rule, so the same content always gives the same site.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .loader import Content
from .model import Brief, Page, SiteConfig, Term, Vocabulary

RELATED_LIMIT = 5


@dataclass(frozen=True)
class Group:
    """Briefs (newest first) under one heading: a year or a vocabulary term."""

    key: str
    label: str
    description: str
    briefs: tuple[Brief, ...]


@dataclass(frozen=True)
class Archive:
    """The whole site's data. Mappings are built once here and never changed."""

    config: SiteConfig
    vocabulary: Vocabulary
    briefs: tuple[Brief, ...]  # newest first
    pages: tuple[Page, ...]  # menu order
    years: tuple[Group, ...]  # newest first
    terms: Mapping[str, tuple[Group, ...]]  # 'types' | 'actors' | 'tags' -> vocabulary order
    by_id: Mapping[str, Brief]
    older: Mapping[str, Brief | None]
    newer: Mapping[str, Brief | None]
    related: Mapping[str, tuple[Brief, ...]]

    def term(self, kind: str, term_id: str) -> Term:
        """Look up a vocabulary term by kind and id."""
        return next(t for t in self.vocabulary.kind(kind) if t.id == term_id)

    def term_label(self, kind: str, term_id: str) -> str:
        """The reader-facing label of a term."""
        return self.term(kind, term_id).label


def newest_first(briefs: tuple[Brief, ...] | list[Brief]) -> tuple[Brief, ...]:
    """Sort briefs newest first; same-day briefs by id, for a stable order."""
    return tuple(sorted(briefs, key=lambda b: (b.date, b.id), reverse=True))


def assemble_archive(content: Content) -> Archive:
    """Build the Archive from validated content."""
    briefs = newest_first(content.briefs)
    by_id = {b.id: b for b in briefs}
    years = tuple(
        Group(str(year), str(year), "", tuple(b for b in briefs if b.year == year))
        for year in sorted({b.year for b in briefs}, reverse=True)
    )
    terms = {kind: _term_groups(kind, content.vocabulary.kind(kind), briefs) for kind in ("types", "actors", "tags")}
    older = {b.id: (briefs[i + 1] if i + 1 < len(briefs) else None) for i, b in enumerate(briefs)}
    newer = {b.id: (briefs[i - 1] if i > 0 else None) for i, b in enumerate(briefs)}
    related = {b.id: choose_related(b, briefs, by_id) for b in briefs}
    pages = tuple(sorted(content.pages, key=lambda p: (p.order, p.id)))
    return Archive(content.config, content.vocabulary, briefs, pages, years, terms, by_id, older, newer, related)


def _term_groups(kind: str, vocabulary: tuple[Term, ...], briefs: tuple[Brief, ...]) -> tuple[Group, ...]:
    def uses(brief: Brief, term_id: str) -> bool:
        if kind == "types":
            return brief.type == term_id
        return term_id in (brief.actors if kind == "actors" else brief.tags)

    return tuple(Group(t.id, t.label, t.description, tuple(b for b in briefs if uses(b, t.id))) for t in vocabulary)


def choose_related(brief: Brief, briefs: tuple[Brief, ...], by_id: Mapping[str, Brief]) -> tuple[Brief, ...]:
    """Explicit `related` first, then briefs sharing tags, type and actors.

    Score: 3 per shared tag, 2 for the same type, 1 per shared actor; ties go to the brief
    closest in time, then to the smaller id, so the choice is deterministic.
    """
    chosen = [by_id[r] for r in brief.related if r in by_id]
    taken = {brief.id, *(b.id for b in chosen)}
    scored = []
    for other in briefs:
        if other.id in taken:
            continue
        score = 3 * len(set(brief.tags) & set(other.tags)) + 2 * (brief.type == other.type)
        score += len(set(brief.actors) & set(other.actors))
        if score >= 3:
            scored.append((-score, abs((other.date - brief.date).days), other.id, other))
    scored.sort(key=lambda item: item[:3])
    chosen += [item[3] for item in scored]
    return tuple(chosen[: max(RELATED_LIMIT, len(brief.related))])

"""Assemble loaded content into the archive the pages are made from (pure, no I/O).

Briefs newest first, grouped by year and by vocabulary term, with neighbours in time and
related briefs chosen by a fixed rule, so the same content always gives the same site.
"""

from __future__ import annotations

import bisect
import functools
import operator
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..content.loader import Content
from ..model import NAME_KINDS, Brief, Memo, Names, Page, SiteConfig, Term, Tracks, Vocabulary
from .tracks import StatusBoard, TrackData, assemble_tracks

RELATED_LIMIT = 5
RELATED_WINDOW = 5  # candidates per side in each shared group; bounds the cost per brief


@dataclass(frozen=True)
class Group:
    """Briefs (newest first) under one heading: a year or a vocabulary term."""

    key: str
    label: str
    description: str
    briefs: tuple[Brief, ...]


@dataclass(frozen=True)
class YearSummary:
    """A year as year navigation shows it: a page whose template reads only these does not
    depend on every brief of every year."""

    key: str
    label: str
    newest_id: str  # the year's newest brief, to tell where a year starts across pages


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
    year_summaries: tuple[YearSummary, ...] = ()  # newest first, one per entry of `years`
    # Tracks, moves and reactions (None without content/tracks.yaml). Templates read the
    # narrow parts: `track_board` (every track's status), `track_definitions` (tracks.yaml)
    # or `has_tracks`, so a moved track does not re-render every page.
    tracks: TrackData | None = None
    names: Names = Names()  # the names register
    named: Mapping[str, tuple[Group, ...]] = field(default_factory=dict)  # 'places' | 'people' -> label order

    @property
    def has_tracks(self) -> bool:
        """Whether the archive has tracks (and so the tracks and reactions pages)."""
        return self.tracks is not None

    @property
    def track_board(self) -> StatusBoard | None:
        """Every track's status as of the archive's latest content date."""
        return self.tracks.board if self.tracks else None

    @property
    def track_definitions(self) -> Tracks | None:
        """The tracks, levels and stances of content/tracks.yaml."""
        return self.tracks.definitions if self.tracks else None

    @property
    def name_kinds(self) -> tuple[str, ...]:
        """The kinds of the names register that have entries ('places', 'people'): narrow,
        so a page that only links to their indexes does not depend on every entry."""
        return tuple(kind for kind in NAME_KINDS if self.names.kind(kind))

    def term(self, kind: str, term_id: str) -> Term:
        """Look up a vocabulary term by kind and id."""
        found = self._terms.get((kind, term_id))
        # An unknown term raises StopIteration, as it always has (templates show it as undefined).
        return found if found is not None else next(t for t in self.vocabulary.kind(kind) if t.id == term_id)

    @functools.cached_property  # pages look up a dozen labels each
    def _terms(self) -> dict[tuple[str, str], Term]:
        terms: dict[tuple[str, str], Term] = {}
        for kind in ("types", "actors", "tags"):
            for term in self.vocabulary.kind(kind):
                terms.setdefault((kind, term.id), term)
        return terms

    def term_label(self, kind: str, term_id: str) -> str:
        """The reader-facing label of a term."""
        return self.term(kind, term_id).label


def newest_first(briefs: tuple[Brief, ...] | list[Brief]) -> tuple[Brief, ...]:
    """Sort briefs newest first; same-day briefs by id, for a stable order."""
    return tuple(sorted(briefs, key=_DATE_ID, reverse=True))


_DATE_ID = operator.attrgetter("date", "id")  # a sort key made in C: 10,000 briefs each save


def assemble_archive(content: Content, memo: Memo | None = None) -> Archive:
    """Build the Archive from validated content.

    `memo` (get/put by key, e.g. the build cache) remembers the related briefs chosen for
    a set of briefs: they depend only on ids, dates, types, actors and tags, so an edit
    to a brief's text or summary does not choose them all again.
    """
    briefs = newest_first(content.briefs)
    by_id = {b.id: b for b in briefs}
    by_year: dict[int, list[Brief]] = {}
    for brief in briefs:
        by_year.setdefault(brief.year, []).append(brief)
    years = tuple(Group(str(year), str(year), "", tuple(by_year[year])) for year in sorted(by_year, reverse=True))
    summaries = tuple(YearSummary(g.key, g.label, g.briefs[0].id) for g in years)
    terms = _term_groups(content.vocabulary, briefs)
    ids = [b.id for b in briefs]
    older = dict(zip(ids, (*briefs[1:], None)))
    newer = dict(zip(ids, (None, *briefs[:-1])))
    lookup = by_id.__getitem__
    related = {b.id: tuple(map(lookup, chosen)) for b, chosen in zip(briefs, _related_ids(briefs, by_id, memo))}
    pages = tuple(sorted(content.pages, key=lambda p: (p.order, p.id)))
    tracks = assemble_tracks(content.tracks, content.published_layers(), briefs, content.vocabulary) if content.tracks else None
    return Archive(
        content.config, content.vocabulary, briefs, pages, years, terms, by_id, older, newer, related, summaries, tracks,
        content.names, _named_groups(content.names, briefs, content.config.language),
    )


def _named_groups(names: Names, briefs: tuple[Brief, ...], language: str = "en") -> dict[str, tuple[Group, ...]]:
    """Briefs under every place and person of the register, newest first, in label order;
    each labelled as `language` writes it (Named.label_in)."""
    members: dict[str, dict[str, list[Brief]]] = {kind: {e.id: [] for e in names.kind(kind)} for kind in NAME_KINDS}
    for brief in briefs:
        for kind, ids in (("places", brief.places), ("people", brief.people)):
            for entry_id in ids:
                if entry_id in members[kind]:
                    members[kind][entry_id].append(brief)
    return {
        kind: tuple(Group(e.id, e.label_in(language), e.description, tuple(members[kind][e.id])) for e in names.kind(kind))
        for kind in NAME_KINDS
    }


def _related_ids(briefs: tuple[Brief, ...], by_id: Mapping[str, Brief], memo: Memo | None) -> list[tuple[str, ...]]:
    """The ids of every brief's related briefs, in `briefs` order."""
    key = memo.key("related", RELATED_LIMIT, RELATED_WINDOW, _shape(briefs)) if memo is not None else ""
    found = memo.get(key) if key else None
    if isinstance(found, list) and len(found) == len(briefs):
        return found
    index = index_related(briefs)
    chosen = [tuple(r.id for r in choose_related(b, index, by_id)) for b in briefs]
    if key:
        memo.put(key, chosen)
    return chosen


def _shape(briefs: tuple[Brief, ...]) -> str:
    """What the choice of related briefs depends on: each brief's id, date, type, actors,
    tags and own related ids, in order (their `head`, digested when the brief was made)."""
    heads = [b.head for b in briefs]
    if all(heads):
        return "\n".join(heads)
    return repr(tuple((b.id, b.date.toordinal(), b.type, b.actors, b.tags, b.related) for b in briefs))


def _term_groups(vocabulary: Vocabulary, briefs: tuple[Brief, ...]) -> dict[str, tuple[Group, ...]]:
    """Briefs under every type, actor and tag, newest first, in vocabulary order."""
    types: dict[str, list[Brief]] = {t.id: [] for t in vocabulary.types}
    actors: dict[str, list[Brief]] = {t.id: [] for t in vocabulary.actors}
    tags: dict[str, list[Brief]] = {t.id: [] for t in vocabulary.tags}
    for brief in briefs:  # one pass, newest first, so each group keeps that order
        if brief.type in types:
            types[brief.type].append(brief)
        for actor in brief.actors:
            if actor in actors:
                actors[actor].append(brief)
        for tag in brief.tags:
            if tag in tags:
                tags[tag].append(brief)
    members = {"types": types, "actors": actors, "tags": tags}
    return {
        kind: tuple(Group(t.id, t.label, t.description, tuple(members[kind][t.id])) for t in vocabulary.kind(kind))
        for kind in ("types", "actors", "tags")
    }


@dataclass(frozen=True)
class RelatedIndex:
    """Briefs by every type, tag and actor they carry, oldest first, with each one's place."""

    groups: Mapping[tuple[str, str], tuple[Brief, ...]]
    places: Mapping[tuple[str, str], Mapping[str, int]]  # group -> brief id -> position


def index_related(briefs: tuple[Brief, ...]) -> RelatedIndex:
    """Group briefs once so choosing related briefs costs the same per brief at any size."""
    groups: dict[tuple[str, str], list[Brief]] = {}
    for brief in sorted(briefs, key=lambda b: (b.date, b.id)):
        for key in _group_keys(brief, with_actors=True):
            groups.setdefault(key, []).append(brief)
    places = {key: {b.id: i for i, b in enumerate(group)} for key, group in groups.items()}
    return RelatedIndex({key: tuple(group) for key, group in groups.items()}, places)


def choose_related(brief: Brief, index: RelatedIndex, by_id: Mapping[str, Brief]) -> tuple[Brief, ...]:
    """Explicit `related` first, then briefs sharing tags, type and actors.

    Candidates are the RELATED_WINDOW briefs nearest in time on each side within the
    brief's type and each of its tags (its actors when it has no tags), so the cost does
    not grow with the archive. Score: 3 per shared tag, 2 for the same type, 1 per shared
    actor, at least 3 to count; ties go to the brief closest in time, then to the smaller
    id, so the choice is deterministic.
    """
    chosen = [by_id[r] for r in brief.related if r in by_id]
    taken = {brief.id, *(b.id for b in chosen)}
    candidates: dict[str, Brief] = {}
    for key in _group_keys(brief, with_actors=not brief.tags):
        group, at = index.groups[key], index.places[key][brief.id]
        for other in group[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1]:
            candidates[other.id] = other
    tags, actors, day = frozenset(brief.tags), frozenset(brief.actors), brief.date.toordinal()
    scored = []
    for other_id, other in candidates.items():
        if other_id in taken:
            continue
        score = 3 * len(tags.intersection(other.tags)) + 2 * (brief.type == other.type)
        score += len(actors.intersection(other.actors))
        if score >= 3:
            scored.append((-score, abs(other.date.toordinal() - day), other_id))
    scored.sort()
    chosen += [candidates[item[2]] for item in scored[:RELATED_LIMIT]]
    return tuple(chosen[: max(RELATED_LIMIT, len(brief.related))])


def _group_keys(brief: Brief, with_actors: bool) -> list[tuple[str, str]]:
    keys = [("types", brief.type), *(("tags", t) for t in brief.tags)]
    return keys + [("actors", a) for a in brief.actors] if with_actors else keys

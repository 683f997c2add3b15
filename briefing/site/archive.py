"""Assemble loaded content into the archive the pages are made from (pure, no I/O).

Briefs newest first, grouped by year and by vocabulary term, with neighbours in time and
related briefs chosen by a fixed rule, so the same content always gives the same site.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import operator
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..content.loader import Content
from ..model import NAME_KINDS, Brief, Memo, Names, Page, SiteConfig, Term, Tracks, Vocabulary
from .dates import latest
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

    def latest_changed(self, size: int) -> tuple[Brief, ...]:
        """latest_changed(self.briefs, size), worked out once per group: a dev server's
        save keeps every group that does not hold the saved brief (see _patched)."""
        return _kept_choice(self, self.briefs, size)


def latest_changed(briefs: tuple[Brief, ...], size: int) -> tuple[Brief, ...]:
    """The `size` most recently changed briefs, latest change first (ties: newer date, then
    larger id), so a correction brings a brief back into view."""
    return tuple(heapq.nlargest(size, briefs, key=_RECENCY))


def _kept_choice(owner: Any, briefs: tuple[Brief, ...], size: int) -> tuple[Brief, ...]:
    # `owner` is a frozen dataclass holding `briefs`: the choice is kept in its __dict__.
    chosen = owner.__dict__.setdefault(_CHOICES, {})
    if size not in chosen:
        chosen[size] = latest_changed(briefs, size)
    return chosen[size]


_CHOICES = "_latest_changed"


_RECENCY = operator.attrgetter("last_modified", "date", "id")  # a key made in C: every feed, every save
_LAST_MODIFIED = operator.attrgetter("last_modified")


@dataclass(frozen=True)
class YearSummary:
    """A year as year navigation shows it: a page whose template reads only these does not
    depend on every brief of every year."""

    key: str
    label: str
    newest_id: str  # the year's newest brief, to tell where a year starts across pages


@dataclass(frozen=True)
class PageLink:
    """A standalone page as every page's menu and footer link to it: an edit of a page's
    text or summary does not re-render every page."""

    id: str
    title: str
    language: str


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

    @functools.cached_property  # every page's menu and footer read it
    def page_links(self) -> tuple[PageLink, ...]:
        """The standalone pages in menu order, as the menu and footer show them."""
        return tuple(PageLink(p.id, p.title, p.language) for p in self.pages)

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

    @functools.cached_property
    def referrers(self) -> dict[str, tuple[str, ...]]:
        """The ids of the briefs that show each brief among their related briefs."""
        found: dict[str, list[str]] = {}
        for brief_id, shown in self.related.items():
            for other in shown:
                found.setdefault(other.id, []).append(brief_id)
        return {brief_id: tuple(ids) for brief_id, ids in found.items()}

    @functools.cached_property
    def latest_change(self) -> "dt.date | None":
        """The latest date any brief carries (its event, update or correction)."""
        return latest(map(_LAST_MODIFIED, self.briefs))

    def latest_changed(self, size: int) -> tuple[Brief, ...]:
        """latest_changed(self.briefs, size), worked out once per archive (see _patched)."""
        return _kept_choice(self, self.briefs, size)

    def term_label(self, kind: str, term_id: str) -> str:
        """The reader-facing label of a term."""
        return self.term(kind, term_id).label


def newest_first(briefs: tuple[Brief, ...] | list[Brief]) -> tuple[Brief, ...]:
    """Sort briefs newest first; same-day briefs by id, for a stable order."""
    return tuple(sorted(briefs, key=_DATE_ID, reverse=True))


_DATE_ID = operator.attrgetter("date", "id")  # a sort key made in C: 10,000 briefs each save
_PAGE_ORDER = operator.attrgetter("order", "id")


def assemble_archive(content: Content, memo: Memo | None = None, previous: Archive | None = None) -> Archive:
    """Build the Archive from validated content.

    `memo` (get/put by key, e.g. the build cache) remembers the related briefs chosen for
    a set of briefs: they depend only on ids, dates, types, actors and tags, so an edit
    to a brief's text or summary does not choose them all again.

    `previous`, an archive of an earlier version of the same content (a dev server's last
    save), is patched instead when only briefs' texts changed (see _patched): equal to the
    archive assembled afresh, and every group without a changed brief is the very same
    object as before, so what is made from a group can be kept by its identity.
    """
    patched = _patched(previous, content) if previous is not None else None
    if patched is not None:
        return patched
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
    pages = tuple(sorted(content.pages, key=_PAGE_ORDER))
    tracks = assemble_tracks(content.tracks, content.published_layers(), briefs, content.vocabulary) if content.tracks else None
    return Archive(
        content.config, content.vocabulary, briefs, pages, years, terms, by_id, older, newer, related, summaries, tracks,
        content.names, _named_groups(content.names, briefs, content.config.language),
    )


def _patched(previous: Archive, content: Content) -> Archive | None:
    """`previous` with the briefs of `content` that are not its very objects swapped in, or
    None when that would not be the archive assembled afresh: when anything but briefs
    changed, a brief came or went, or a changed brief moved in time, changed group (type,
    actors, tags, places, people) or changed what its related briefs are chosen by."""
    if (
        content.config is not previous.config or content.vocabulary is not previous.vocabulary
        or content.names is not previous.names or len(content.briefs) != len(previous.briefs)
    ):
        return None
    pages = tuple(sorted(content.pages, key=_PAGE_ORDER))
    if len(pages) != len(previous.pages) or not all(map(operator.is_, pages, previous.pages)):
        return None
    old_of = previous.by_id.get
    swapped: dict[str, Brief] = {}
    for brief in content.briefs:
        old = old_of(brief.id)
        if old is brief:
            continue
        # `head` covers id, date, type, actors, tags and related ids (ids are unique, and
        # as many as before, so the set of ids is the same).
        if old is None or not brief.head or brief.head != old.head or brief.places != old.places or brief.people != old.people:
            return None
        swapped[brief.id] = brief
    if not swapped and content.tracks is None and previous.tracks is None:
        return previous
    new_of = swapped.get

    def swap(brief: Brief | None) -> Brief | None:
        return new_of(brief.id, brief) if brief is not None else None

    # The groups that hold a changed brief (the same groups as before): only they are made again.
    holding = {("years", str(b.year)) for b in swapped.values()}
    for b in swapped.values():
        holding.update([("types", b.type), *(("actors", a) for a in b.actors), *(("tags", t) for t in b.tags)])
        holding.update([*(("places", p) for p in b.places), *(("people", p) for p in b.people)])

    # The choices of latest changes stay as they were, with the new versions, when no
    # changed brief changed its rank: its last change (its date is the same already).
    ranked = all(new.last_modified == previous.by_id[brief_id].last_modified for brief_id, new in swapped.items())

    def carry(old: Any, new: Any) -> Any:
        if ranked and _CHOICES in old.__dict__:
            new.__dict__[_CHOICES] = {size: tuple(map(swap, chosen)) for size, chosen in old.__dict__[_CHOICES].items()}
        return new

    def regroup(kind: str, groups: tuple[Group, ...]) -> tuple[Group, ...]:
        return tuple(carry(g, Group(g.key, g.label, g.description, tuple(map(swap, g.briefs)))) if (kind, g.key) in holding else g for g in groups)

    briefs = tuple(map(swap, previous.briefs))
    by_id = {**previous.by_id, **swapped}
    older, newer, related = dict(previous.older), dict(previous.newer), dict(previous.related)
    for brief_id in swapped:
        # The changed brief's own entries, and its neighbours' and referrers' that show it.
        for near in (brief_id, *(b.id for b in (previous.older[brief_id], previous.newer[brief_id]) if b is not None)):
            older[near], newer[near] = swap(previous.older[near]), swap(previous.newer[near])
        for referrer in (brief_id, *previous.referrers.get(brief_id, ())):
            related[referrer] = tuple(map(swap, previous.related[referrer]))
    tracks = assemble_tracks(content.tracks, content.published_layers(), briefs, content.vocabulary) if content.tracks else None
    patched = Archive(
        previous.config, previous.vocabulary, briefs, previous.pages, regroup("years", previous.years),
        {kind: regroup(kind, groups) for kind, groups in previous.terms.items()}, by_id, older, newer, related,
        previous.year_summaries, tracks, previous.names, {kind: regroup(kind, groups) for kind, groups in previous.named.items()},
    )
    patched.__dict__["referrers"] = previous.referrers  # the same related ids, so the same referrers
    return carry(previous, patched)


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

"""Where things stand: each move with the level before it, every track's status on any day,
and reactions by milestone and actor, as the pages show them (pure, from validated content).

Nothing here is entered by hand: a move's previous level and a track's status follow from
the order of the moves (content.tracks.sequence_moves), and "as of" is a content date.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

from ..content.tracks import sequence_moves
from ..model import Brief, BriefLayers, Level, Track, Tracks, Vocabulary


@dataclass(frozen=True)
class Origin:
    """Where a move or reaction is recorded: its brief, and the brief's source it cites."""

    brief_id: str
    brief_title: str
    brief_date: dt.date
    source: int  # the source's number in the brief (1 = first)
    source_publisher: str
    source_title: str
    source_url: str
    brief_language: str = ""  # of brief_title ('' for the original's), as Brief.language


@dataclass(frozen=True)
class Step:
    """One move as pages, feeds and data show it: what it changed, why, and where it is recorded."""

    track: str
    track_label: str
    lane: str  # '' unless the track has lanes
    lane_label: str
    to: str  # level or state reached; the direction on an arrows track
    to_label: str  # '' on an arrows track (the UI strings name directions)
    previous: str  # the level or state before ('' before a lane's first move, and on arrows)
    previous_label: str
    direction: str  # 'up' or 'down' (ladder), 'changed' (lanes), 'improving' or 'worsening'
    setback: bool
    as_of: dt.date
    reason: str
    note: str
    origin: Origin
    anchor: str  # id of the move on its brief's page and its track's page


@dataclass(frozen=True)
class Status:
    """Where a track (or one lane of it) stands on a day: its last move on or before it."""

    track: str
    track_label: str
    lane: str
    lane_label: str
    value: str  # level, state or direction; the starting level of a ladder without moves; '' if none
    value_label: str  # '' for a direction (the UI strings name directions)
    direction: str  # the last move's direction ('' without a move)
    since: dt.date | None  # the day of the last move; None: no recorded move
    brief_id: str  # the brief that recorded it ('' without a move)
    brief_title: str
    anchor: str


@dataclass(frozen=True)
class TrackHistory:
    """A track with every move on it, oldest first, and its status on the archive's last day."""

    track: Track
    steps: tuple[Step, ...]
    statuses: tuple[Status, ...]  # one per lane of a lanes track, else one

    @property
    def disputed(self) -> tuple[Step, ...]:
        """The moves whose judgement a note says is disputed or contestable."""
        return tuple(step for step in self.steps if step.note)


@dataclass(frozen=True)
class StatusBoard:
    """Every track's status as of the archive's latest content date (what the home page shows)."""

    as_of: dt.date | None
    statuses: tuple[Status, ...]


@dataclass(frozen=True)
class ReactionView:
    """One reaction as pages and data show it, with the stance in words and as a symbol."""

    actor: str
    actor_label: str
    stance: str
    stance_label: str
    stance_symbol: str
    date: dt.date
    speaker: str
    paraphrase: str
    quote: str
    note: str
    origin: Origin
    anchor: str  # id on its brief's page


@dataclass(frozen=True)
class StanceMark:
    """A reaction as a cell of the matrix shows it: its stance, linked to the reaction."""

    stance: str
    stance_label: str
    stance_symbol: str
    brief_id: str
    anchor: str


@dataclass(frozen=True)
class ReactionMatrix:
    """Milestones (rows, newest first) × actors (columns, vocabulary order), each cell the
    reactions recorded for that pair (empty: not recorded). Only what the cells show is
    here, so the matrix page does not change with a reaction's paraphrase."""

    rows: tuple[tuple[str, str, dt.date, str], ...]  # brief id, title, date, the title's language
    actors: tuple[tuple[str, str], ...]  # actor id, label
    cells: tuple[tuple[tuple[StanceMark, ...], ...], ...]
    milestones: int  # how many milestones the archive has, for "recorded for n of m"


@dataclass(frozen=True)
class TrackData:
    """Everything the site derives from tracks.yaml and the published briefs' moves and reactions."""

    definitions: Tracks
    histories: tuple[TrackHistory, ...]  # in tracks.yaml order
    board: StatusBoard
    moves_of: Mapping[str, tuple[Step, ...]]  # brief id -> its moves, in file order
    reactions_of: Mapping[str, tuple[ReactionView, ...]]  # brief id -> its reactions, in file order
    reactions_by_actor: Mapping[str, tuple[ReactionView, ...]]  # actor id -> newest first
    matrix: ReactionMatrix


def assemble_tracks(tracks: Tracks, layers: Iterable[BriefLayers], briefs: tuple[Brief, ...], vocabulary: Vocabulary) -> TrackData:
    """Derive steps, statuses and reaction views from the published briefs' layers."""
    by_id = {brief.id: brief for brief in briefs}
    layers = [layer for layer in layers if layer.brief_id in by_id]
    sequenced = sequence_moves(layers, tracks)
    known = {track.id: track for track in tracks.tracks}
    steps_of: dict[str, list[Step]] = {track.id: [] for track in tracks.tracks}
    placed: dict[tuple[str, int], Step] = {}
    for item in sequenced:
        step = _step(known[item.move.track], item.move, item.previous, by_id[item.layers.brief_id])
        steps_of[step.track].append(step)
        placed[(item.layers.brief_id, item.index)] = step
    content_days = [brief.date for brief in briefs] + [step.as_of for steps in steps_of.values() for step in steps]
    as_of = max(content_days, default=None)
    histories = []
    for track in tracks.tracks:
        lane_order = {lane.id: i for i, lane in enumerate(track.lanes)}
        steps = tuple(sorted(steps_of[track.id], key=lambda s: (s.as_of, lane_order.get(s.lane, 0))))
        histories.append(TrackHistory(track, steps, statuses_on(track, steps, as_of)))
    moves_of = {
        layer.brief_id: tuple(placed[(layer.brief_id, i)] for i in range(len(layer.moves)) if (layer.brief_id, i) in placed)
        for layer in layers if layer.moves
    }
    reactions_of = {
        layer.brief_id: tuple(_reaction(tracks, vocabulary, by_id[layer.brief_id], i, r) for i, r in enumerate(layer.reactions))
        for layer in layers if layer.reactions
    }
    board = StatusBoard(as_of, tuple(status for history in histories for status in history.statuses))
    by_actor: dict[str, list[ReactionView]] = {}
    for views in reactions_of.values():
        for view in views:
            by_actor.setdefault(view.actor, []).append(view)
    reactions_by_actor = {
        actor: tuple(sorted(views, key=lambda v: (v.origin.brief_date, v.date, v.origin.brief_id, v.anchor), reverse=True))
        for actor, views in by_actor.items()
    }
    matrix = _matrix(reactions_of, vocabulary, len(briefs))
    return TrackData(tracks, tuple(histories), board, moves_of, reactions_of, reactions_by_actor, matrix)


def statuses_on(track: Track, steps: tuple[Step, ...], day: dt.date | None) -> tuple[Status, ...]:
    """The track's status on `day` (one per lane of a lanes track): the last move on or
    before it; before any move, a ladder's first level and otherwise no value."""
    lanes = track.lanes if track.kind == "lanes" else (Level("", "", ""),)
    statuses = []
    for lane in lanes:
        own = [step for step in steps if step.lane == lane.id]
        cut = bisect.bisect_right([step.as_of for step in own], day) if day is not None else 0
        if cut:
            last = own[cut - 1]
            statuses.append(Status(
                track.id, track.label, lane.id, lane.label, last.to, last.to_label, last.direction, last.as_of,
                last.origin.brief_id, last.origin.brief_title, last.anchor,
            ))
        else:
            start = track.levels[0] if track.kind == "ladder" and track.levels else Level("", "", "")
            statuses.append(Status(track.id, track.label, lane.id, lane.label, start.id, start.label, "", None, "", "", ""))
    return tuple(statuses)


def _step(track: Track, move, previous: str, brief: Brief) -> Step:
    labels = {level.id: level.label for level in track.targets}
    lane_label = next((lane.label for lane in track.lanes if lane.id == move.lane), "")
    if track.kind == "arrows":
        # Directions are named by the UI strings (track_directions), not by tracks.yaml.
        to, to_label, direction = move.direction, "", move.direction
    else:
        to, to_label = move.to, labels.get(move.to, move.to)
        ranks = {level.id: rank for rank, level in enumerate(track.levels)}
        direction = "changed" if track.kind == "lanes" else ("down" if ranks.get(move.to, 0) < ranks.get(previous, 0) else "up")
    anchor = "-".join(part for part in ("move", track.id, move.lane, move.as_of.isoformat()) if part)
    return Step(
        track.id, track.label, move.lane, lane_label, to, to_label, previous, labels.get(previous, ""), direction,
        move.setback, move.as_of, move.reason, move.note, _origin(brief, move.source), anchor,
    )


def _origin(brief: Brief, number: int) -> Origin:
    source = brief.sources[number - 1]
    return Origin(brief.id, brief.title, brief.date, number, source.publisher, source.title, source.url, brief.language)


def _reaction(tracks: Tracks, vocabulary: Vocabulary, brief: Brief, index: int, reaction) -> ReactionView:
    stance = next(s for s in tracks.stances if s.id == reaction.stance)
    actor = next((t.label for t in vocabulary.actors if t.id == reaction.actor), reaction.actor)
    return ReactionView(
        reaction.actor, actor, stance.id, stance.label, stance.symbol, reaction.date, reaction.speaker,
        reaction.paraphrase, reaction.quote, reaction.note, _origin(brief, reaction.source), f"reaction-{index + 1}",
    )


def _matrix(reactions_of: Mapping[str, tuple[ReactionView, ...]], vocabulary: Vocabulary, milestones: int) -> ReactionMatrix:
    views = [view for group in reactions_of.values() for view in group]
    rows = sorted(
        {(v.origin.brief_id, v.origin.brief_title, v.origin.brief_date, v.origin.brief_language) for v in views}, key=lambda r: (r[2], r[0]), reverse=True,
    )
    reacting = {v.actor for v in views}
    actors = tuple((term.id, term.label) for term in vocabulary.actors if term.id in reacting)
    cells = tuple(
        tuple(
            tuple(StanceMark(v.stance, v.stance_label, v.stance_symbol, brief_id, v.anchor) for v in reactions_of[brief_id] if v.actor == actor)
            for actor, _ in actors
        )
        for brief_id, _, _, _ in rows
    )
    return ReactionMatrix(tuple(rows), actors, cells, milestones)

"""Tracks, moves and reactions: load content/tracks.yaml, check each brief's `moves:` and
`reactions:` against it, and the rules across briefs (order, levels, setbacks, one move
per track and day), with the one ordering of moves every later stage uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..errors import Problem
from ..model import BriefLayers, Level, Move, Reaction, Stance, Track, Tracks
from .config import checked_ids, load_validated
from .schema import MOVE_FIELDS, REACTION_FIELDS, TRACKS_FILE_FIELDS, Checker, FieldSpec, check_records, unknown_id_message
from .yamldata import ParsedYaml

TRACKS_FILE = "tracks.yaml"
LAYER_FIELDS = ("moves", "reactions")  # the brief fields checked here, against tracks.yaml
_LISTED = "content/tracks.yaml"


class UnreadTracks:
    """Stands in for a tracks.yaml with problems: every track and stance id is accepted
    and nothing is checked against levels, so briefs are still checked for the rest."""

    def ids(self, kind: str) -> "UnreadTracks":
        return self

    def __contains__(self, item: object) -> bool:
        return True


# What a brief's moves are checked against: the tracks, none (no tracks.yaml), or unread.
TrackSource = Tracks | UnreadTracks | None


def load_tracks(root: Path, content: Path) -> tuple[Tracks | None, list[Problem]]:
    """Load content/tracks.yaml; (None, []) when the project has none (it is optional)."""
    path = content / TRACKS_FILE
    if not path.exists() and not path.is_symlink():
        return None, []
    name, parsed, values, problems = load_validated(path, root, content, TRACKS_FILE_FIELDS)
    if parsed is None:
        return None, problems
    kept, found = checked_ids(values.get("stances", []), ("stances",), "stances", name, parsed)
    problems += found + _unique_symbols(values.get("stances", []), name, parsed)
    stances = tuple(Stance(s["id"], s.get("label", ""), s.get("symbol", ""), s.get("definition", "")) for s in kept)
    kept, found = checked_ids(values.get("tracks", []), ("tracks",), "tracks", name, parsed)
    problems += found
    tracks = []
    for record in kept:
        track, found = _track(record, values["tracks"].index(record), name, parsed)
        problems += found
        tracks.append(track)
    if problems:
        return None, problems
    return Tracks(tuple(tracks), stances), []


def _track(record: dict[str, Any], index: int, name: str, parsed: ParsedYaml) -> tuple[Track, list[Problem]]:
    """One track and what is wrong with its shape (a ladder needs levels, ...)."""
    problems: list[Problem] = []
    at, label = ("tracks", index), f"tracks[{index + 1}]"
    kind = record.get("kind", "")
    lists: dict[str, tuple[Level, ...]] = {}
    for part in ("levels", "lanes", "states"):
        kept, found = checked_ids(record.get(part, []), (*at, part), f"{label}.{part}", name, parsed)
        problems += found
        lists[part] = tuple(Level(r["id"], r.get("label", ""), r.get("definition", "")) for r in kept)
    wanted = {"ladder": {"levels": 2}, "lanes": {"lanes": 1, "states": 1}, "arrows": {}}.get(kind)
    if wanted is not None:
        for part in ("levels", "lanes", "states"):
            line = parsed.line(*at, part) if part in record else parsed.line(*at, "kind")
            if part not in wanted and part in record:
                problems.append(Problem(name, line, f"{label}.{part}", f"{_A[kind]} track has no {part}; {_SHAPES[kind]}"))
            elif part in wanted and len(record.get(part, [])) < wanted[part]:
                problems.append(Problem(name, line, f"{label}.{part}", f"{_A[kind]} track needs at least {wanted[part]} of them; {_SHAPES[kind]}"))
    track = Track(record["id"], record.get("label", ""), record.get("definition", ""), kind, lists["levels"], lists["lanes"], lists["states"])
    return track, problems


_A = {"ladder": "a ladder", "lanes": "a lanes", "arrows": "an arrows"}
_SHAPES = {
    "ladder": "a ladder lists its levels, lowest first",
    "lanes": "a lanes track lists its lanes and the states a lane can be in",
    "arrows": "its moves say improving or worsening",
}


def _unique_symbols(records: list[dict[str, Any]], name: str, parsed: ParsedYaml) -> list[Problem]:
    # A stance is told apart by its symbol wherever colour and words are not read.
    problems, seen = [], {}
    for index, record in enumerate(records):
        symbol = record.get("symbol")
        if symbol is None:
            continue
        if symbol in seen:
            problems.append(Problem(name, parsed.line("stances", index, "symbol"), f"stances[{index + 1}].symbol", f"'{symbol}' is also the symbol of stances[{seen[symbol] + 1}]; each stance needs its own"))
        else:
            seen[symbol] = index
    return problems


def tracks_digest_part(tracks: TrackSource) -> str:
    """What a parsed brief depends on in tracks.yaml (for the parse's cache key): the ids
    and kinds moves and reactions are checked against. Labels and definitions are not
    part of a parsed brief, so editing them parses no brief again."""
    if not isinstance(tracks, Tracks):
        return "unread" if isinstance(tracks, UnreadTracks) else "none"
    shape = [(t.id, t.kind, [x.id for x in t.levels], [x.id for x in t.lanes], [x.id for x in t.states]) for t in tracks.tracks]
    return repr((shape, [stance.id for stance in tracks.stances]))


def term_ids(tracks: TrackSource, vocabulary_ids: Callable[[str], Any]) -> Callable[[str], Any]:
    """The ids a brief's `term` fields may take: tracks and stances from tracks.yaml, the
    rest from the vocabulary."""
    def ids(kind: str):
        if kind in ("tracks", "stances"):
            return tracks.ids(kind) if tracks is not None else frozenset()
        return vocabulary_ids(kind)

    return ids


def check_layers(
    name: str, raw: Mapping[str, Any], checker: Checker, tracks: TrackSource, brief: Mapping[str, Any], brief_id: str,
) -> tuple[BriefLayers, list[Problem]]:
    """A brief's `moves:` and `reactions:` (`raw`, as the YAML gave them), checked field by
    field and against tracks.yaml and the brief's own `brief` values (date, sources,
    actors). The layers hold only the entries without problems, so the rules across
    briefs still run for them in the same run."""
    problems: list[Problem] = []
    date = brief.get("date")
    sources = len(brief.get("sources", ())) if "sources" in brief else None
    if tracks is None:
        for field in LAYER_FIELDS:
            if raw.get(field):
                problems.append(Problem(name, checker.parsed.line(field), field, f"there is no {_LISTED}, which defines the tracks and stances {field} refer to; add it or remove {field}"))
        return BriefLayers(brief_id, name, date or dt.date.min, bool(brief.get("draft"))), problems
    moves, move_lines = [], []
    seen: dict[tuple[str, str, dt.date], int] = {}
    for index, values, found in _entries("moves", MOVE_FIELDS, raw, checker, problems):
        line = lambda field="": checker.parsed.line("moves", index, field) if field else checker.parsed.line("moves", index)  # noqa: E731
        label = f"moves[{index + 1}]"
        entry = raw["moves"][index]
        # A field with nothing after the colon counts as absent, as everywhere else.
        given = {key for key, value in entry.items() if value is not None} if isinstance(entry, dict) else set()
        found += _check_move(name, label, values, given, tracks, line)
        found += _check_common(name, label, values, values.get("as_of"), date, sources, line, "as_of")
        key = (values.get("track", ""), values.get("lane", ""), values.get("as_of"))
        if not found and key in seen:
            found.append(Problem(name, line("as_of"), f"{label}.as_of", f"{_what(*key[:2])} already moves on {key[2].isoformat()} in moves[{seen[key] + 1}]; record one move per track and day (a move may skip levels)"))
        problems += found
        if not found:
            seen[key] = index
            moves.append(Move(**values))
            move_lines.append(tuple((field, line(field)) for field in ("", *values)))
    reactions = []
    for index, values, found in _entries("reactions", REACTION_FIELDS, raw, checker, problems):
        line = lambda field="": checker.parsed.line("reactions", index, field) if field else checker.parsed.line("reactions", index)  # noqa: E731
        label = f"reactions[{index + 1}]"
        found += _check_common(name, label, values, values.get("date"), date, sources, line, "date")
        if values.get("actor") in brief.get("actors", ()):
            found.append(Problem(name, line("actor"), f"{label}.actor", f"'{values['actor']}' is also in actors: actors took part in the milestone, reactions come from third parties that did not; keep it in one of the two"))
        problems += found
        if not found:
            reactions.append(Reaction(**values))
    layers = BriefLayers(brief_id, name, date or dt.date.min, bool(brief.get("draft")), tuple(moves), tuple(reactions), tuple(move_lines))
    return layers, problems


def _entries(field: str, specs: tuple[FieldSpec, ...], raw: Mapping[str, Any], checker: Checker, problems: list[Problem]):
    """(index, valid values, problems) of each entry of a records field, even when other
    entries have problems."""
    value = raw.get(field)
    if value is None:
        return []
    spec = FieldSpec(field, "records", False, "", item_fields=specs)
    records, found = check_records(spec, value, checker, (field,), field)
    if records is None:
        problems += found
        return []
    by_entry: dict[int, list[Problem]] = {index: [] for index in range(len(records))}
    for problem in found:
        index = _entry_index(problem.field, field)
        (by_entry[index] if index in by_entry else problems).append(problem)
    return [(index, values, by_entry[index]) for index, values in enumerate(records)]


def _entry_index(field_name: str, field: str) -> int:
    # 'moves[3].to' -> 2; -1 for a problem of the whole list
    prefix = field + "["
    if not field_name.startswith(prefix):
        return -1
    return int(field_name[len(prefix):].split("]", 1)[0]) - 1


def _check_move(name: str, label: str, values: dict[str, Any], given: set, tracks: TrackSource, line: Callable[..., int]) -> list[Problem]:
    """A move's fields against its track's kind, levels, lanes and states. `given` names
    the fields the entry has, valid or not (a bad value is reported already)."""
    track = tracks.track(values["track"]) if isinstance(tracks, Tracks) and "track" in values else None
    if track is None:
        return []
    problems: list[Problem] = []

    def problem(field: str, message: str) -> None:
        problems.append(Problem(name, line(field) if field in given else line(), f"{label}.{field}", message))

    if track.kind == "arrows":
        for field in ("to", "lane"):
            if field in given:
                problem(field, f"track '{track.id}' has arrows, not levels or lanes: give direction (improving or worsening) instead of {field}")
        if "direction" not in given:
            problem("direction", f"required on track '{track.id}', which has arrows: improving or worsening")
        if values.get("setback"):
            problem("setback", f"a move on an arrows track says it is worse with direction: worsening, not setback")
        return problems
    if "direction" in given:
        problem("direction", f"is worked out from the {'levels' if track.kind == 'ladder' else 'states'} on track '{track.id}'; remove it and give to")
    if values.get("setback") and track.kind == "lanes":
        problem("setback", f"the states of a lanes track are not ranked, so no move on '{track.id}' is a setback; remove it")
    if track.kind == "ladder" and "lane" in given:
        problem("lane", f"track '{track.id}' is a ladder and has no lanes; remove lane")
    if track.kind == "lanes":
        lanes = [lane.id for lane in track.lanes]
        if "lane" not in given:
            problem("lane", f"required on track '{track.id}': the lane that moved, one of {', '.join(lanes)}")
        elif "lane" in values and values["lane"] not in lanes:
            problem("lane", unknown_id_message("lane", values["lane"], lanes, f"lanes of '{track.id}' are listed in {_LISTED}"))
    what = "level" if track.kind == "ladder" else "state"
    targets = [level.id for level in track.targets]
    if "to" not in given:
        problem("to", f"required on track '{track.id}': the {what} reached, one of {', '.join(targets)}")
    elif "to" in values and values["to"] not in targets:
        problem("to", unknown_id_message(what, values["to"], targets, f"{what}s of '{track.id}' are listed in {_LISTED}"))
    return problems


def _check_common(
    name: str, label: str, values: dict[str, Any], day: dt.date | None, date: dt.date | None, sources: int | None,
    line: Callable[..., int], day_field: str,
) -> list[Problem]:
    """What moves and reactions share: a source the brief has, and a day not before it."""
    problems: list[Problem] = []
    number = values.get("source")
    if number is not None and sources is not None and number > sources:
        has = "1 source" if sources == 1 else f"{sources} sources"
        problems.append(Problem(name, line("source"), f"{label}.source", f"the brief has {has}; there is no source {number}"))
    if day is not None and date is not None and day < date:
        what = "a move cannot take effect" if day_field == "as_of" else "a reaction cannot come"
        problems.append(Problem(name, line(day_field), f"{label}.{day_field}", f"{day.isoformat()} is before the brief's date {date.isoformat()}: {what} before its milestone"))
    return problems


def _what(track: str, lane: str) -> str:
    return f"lane '{lane}' of track '{track}'" if lane else f"track '{track}'"


@dataclass(frozen=True)
class Sequenced:
    """A move in its place on its track (or lane), with the level or state before it."""

    layers: BriefLayers
    index: int  # in the brief's moves
    move: Move
    previous: str  # '' before a lane's first move and on arrows tracks


def sequence_moves(layers: Iterable[BriefLayers], tracks: Tracks) -> list[Sequenced]:
    """Every move of known tracks, oldest first per track and lane, each with what it
    replaced: a ladder starts at its first level, a lane at no state. Same-day moves of
    one track or lane (an error) are ordered by file, so the order is always the same."""
    by_lane: dict[tuple[str, str], list[tuple[dt.date, str, int, BriefLayers, Move]]] = {}
    known = {track.id: track for track in tracks.tracks}
    for layer in layers:
        for index, move in enumerate(layer.moves):
            if move.track in known:
                by_lane.setdefault((move.track, move.lane), []).append((move.as_of, layer.path, index, layer, move))
    ordered: list[Sequenced] = []
    for (track_id, _), entries in sorted(by_lane.items()):
        track = known[track_id]
        current = track.levels[0].id if track.kind == "ladder" and track.levels else ""
        for _, _, index, layer, move in sorted(entries, key=lambda e: e[:3]):
            ordered.append(Sequenced(layer, index, move, current))
            if track.kind != "arrows":
                current = move.to
    return ordered


def check_move_set(layers: Sequence[BriefLayers], tracks: TrackSource, only: frozenset[str] | None = None) -> list[Problem]:
    """The rules across briefs, for the moves of `only` (paths; every brief if None): a move
    changes its track's level or lane's state, a ladder move down says `setback: true`
    and only such a move does, and one track (or lane) moves at most once a day."""
    if not isinstance(tracks, Tracks):
        return []
    problems: list[Problem] = []
    known = {track.id: track for track in tracks.tracks}
    reached: dict[tuple[str, str, str], Sequenced] = {}  # (track, lane, to) -> the move that reached it
    days: dict[tuple[str, str, dt.date], list[Sequenced]] = {}
    for item in sequence_moves(layers, tracks):
        move, layer, track = item.move, item.layers, known[item.move.track]
        days.setdefault((move.track, move.lane, move.as_of), []).append(item)
        label = f"moves[{item.index + 1}]"
        report = only is None or layer.path in only
        if track.kind == "arrows":
            continue
        if report and move.to == item.previous:
            before = reached.get((move.track, move.lane, move.to))
            if before is None:
                message = f"'{move.to}' is the level track '{track.id}' starts at; a move must change the level"
            else:
                since = f"since {before.move.as_of.isoformat()} ({before.layers.path})"
                message = f"{_what(move.track, move.lane)} is already at '{move.to}' {since}; a move must change it"
            problems.append(Problem(layer.path, layer.line_of(item.index, "to"), f"{label}.to", message))
        elif report and track.kind == "ladder":
            ranks = {level.id: rank for rank, level in enumerate(track.levels)}
            down = ranks[move.to] < ranks[item.previous]
            if down and not move.setback:
                problems.append(Problem(layer.path, layer.line_of(item.index, "to"), f"{label}.setback", f"the move goes down from '{item.previous}' to '{move.to}' on track '{track.id}': a move down must say it is a setback (setback: true)"))
            elif move.setback and not down:
                problems.append(Problem(layer.path, layer.line_of(item.index, "setback"), f"{label}.setback", f"the move goes up from '{item.previous}' to '{move.to}' on track '{track.id}', so it is no setback; remove setback"))
        reached[(move.track, move.lane, move.to)] = item
    for (track_id, lane, day), items in days.items():
        paths = sorted({item.layers.path for item in items})
        if len(paths) < 2:
            continue  # the same brief twice is reported by check_layers
        for item in items:
            if only is not None and item.layers.path not in only:
                continue
            others = " and ".join(p for p in paths if p != item.layers.path)
            problems.append(Problem(
                item.layers.path, item.layers.line_of(item.index, "as_of"), f"moves[{item.index + 1}].as_of",
                f"{_what(track_id, lane)} also moves on {day.isoformat()} in {others}; one move per track and day (record it in one brief)",
            ))
    return problems

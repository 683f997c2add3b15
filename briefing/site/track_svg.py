"""Charts of the tracks as inline SVG, drawn at build time: a step chart per track and one
swimlane of all tracks. Pure: the same moves give the same bytes.

Direction is shown by shape (▲ up or improving, ▼ down or worsening, ◆ a lane's change of
state), never by colour alone; every mark is a link named in words, with a target of at
least 24 CSS pixels that no other mark's overlaps. The viewBox is narrow so that text stays
readable when a phone shrinks the figure to its width.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Callable, Mapping, Sequence

from .tracks import Step, TrackHistory
from .urls import Urls

WIDTH = 420
PAD_X = 12
ROW = 44  # distance between two levels, lanes or tracks
TOP = 32  # room for the first row's label
AXIS_SPACE = 30
MARK = 8  # half the size of a mark's shape
# Side of a mark's link area, in units: at least 24 CSS pixels when a 375-pixel phone
# shows the figure 343 pixels wide (343 / 420 × 30 ≈ 24.5).
TARGET = 30
MIN_LABEL_GAP = 44  # fewest units between two year labels
STATE_STYLES = 4  # tracks.css draws .tr-state-0 … .tr-state-3 with different dash patterns


@dataclass(frozen=True)
class ChartText:
    """The words a chart needs, from the UI strings."""

    format_date: Callable[[dt.date], str]
    directions: Mapping[str, str]  # 'improving' -> 'Improving', ...
    mark: str  # "{date}: {value} (from {previous}), {brief}"
    mark_first: str  # "{date}: {value}, {brief}"
    swimlane_mark: str  # "{date}: {track}: {value}, {brief}"
    figure: str  # accessible name of a track's figure: "{track} over time; each mark links to its brief"
    swimlane_figure: str
    labels_lang: str = ""  # the language of tracks.yaml's labels where the page's differs ('' otherwise)


@dataclass(frozen=True)
class ChartMark:
    """One mark of a chart, as the chart's table alternative lists it too: only what they
    show, so a page with a chart does not change with a move's reason."""

    as_of: dt.date
    track: str
    track_label: str
    lane_label: str
    value: str  # what the move reached, in words
    direction: str
    setback: bool
    href: str  # the move on its brief's page
    name: str  # the mark's accessible name
    brief_title: str
    brief_language: str = ""  # of brief_title, as Brief.language


@dataclass(frozen=True)
class TrackChart:
    """A chart's SVG markup and its marks, in the order they are drawn."""

    svg: str
    marks: tuple[ChartMark, ...]


def chart_span(first: dt.date | None, last: dt.date | None) -> tuple[dt.date, dt.date]:
    """Whole years from the archive's first content date to its last: one time axis for
    every chart, so the charts can be compared."""
    first = first or dt.date(2000, 1, 1)
    last = last or first
    return dt.date(first.year, 1, 1), dt.date(last.year + 1, 1, 1)


def value_label(step: Step, text: ChartText) -> str:
    """What a move reached, in words: a level's or state's label, or the direction."""
    return step.to_label or text.directions.get(step.to, step.to)


def render_track_chart(
    history: TrackHistory, span: tuple[dt.date, dt.date], shown: tuple[dt.date | None, dt.date | None], urls: Urls, text: ChartText,
) -> TrackChart:
    """The step chart of one track: its levels (a ladder), lanes (a lanes track) or one
    line with arrows, and a mark per move. A ladder's line runs over `shown` (the
    archive's first and last content dates), where the archive can say where it stood."""
    track = history.track
    x_of = _x(span)
    marks = [_chart_mark(step, _mark_name(step, text), text, urls) for step in history.steps]
    xs = [x_of(step.as_of) for step in history.steps]
    if track.kind == "ladder":
        labels = [level.label for level in reversed(track.levels)]
        row_y = [TOP + index * ROW for index in range(len(labels))]
        level_y = {level.id: row_y[len(labels) - 1 - i] for i, level in enumerate(track.levels)}
        # Marks of one level too close in time move right: the level is what they say.
        placed = [(x, level_y[step.to]) for x, step in zip(_nudged(xs, [s.to for s in history.steps]), history.steps)]
        bottom = row_y[-1]
    elif track.kind == "lanes":
        labels = [lane.label for lane in track.lanes]
        row_y, placed_by_lane, y = [], {}, TOP
        for lane in track.lanes:
            own = [i for i, step in enumerate(history.steps) if step.lane == lane.id]
            depth = _stack([xs[i] for i in own])
            placed_by_lane.update({i: (xs[i], y + d * TARGET) for i, d in zip(own, depth)})
            row_y.append(y)
            y += ROW + max(depth, default=0) * TARGET
        placed = [placed_by_lane[i] for i in range(len(history.steps))]
        bottom = y - ROW
    else:  # one line: improving marks above it, worsening below, each stacked away from it
        labels = [""]
        up = [i for i, step in enumerate(history.steps) if step.direction == "improving"]
        down = [i for i, step in enumerate(history.steps) if step.direction != "improving"]
        rise, fall = _stack([xs[i] for i in up]), _stack([xs[i] for i in down])
        line = TOP + TARGET / 2 + max(rise, default=0) * TARGET
        offsets = {i: -(d + 0.5) * TARGET for i, d in zip(up, rise)} | {i: (d + 0.5) * TARGET for i, d in zip(down, fall)}
        placed = [(xs[i], line + offsets[i]) for i in range(len(history.steps))]
        row_y, bottom = [line], line + (max(fall, default=0) + 0.5) * TARGET
    axis_y = int(bottom + ROW)
    parts = _open(axis_y, text.figure.format(track=track.label), span, x_of)
    parts += [f'<line class="tr-grid" x1="{PAD_X}" y1="{y:g}" x2="{WIDTH - PAD_X}" y2="{y:g}"/>' for y in row_y]
    start = x_of(shown[0]) if shown[0] else PAD_X
    end = x_of(shown[1]) if shown[1] else WIDTH - PAD_X
    if track.kind == "ladder":
        parts.append(_step_line(history, start, end, level_y, x_of))
    elif track.kind == "lanes":
        parts += _lane_lines(history, end, {lane.id: y for lane, y in zip(track.lanes, row_y)}, x_of)
    parts += _row_labels(labels, row_y, text.labels_lang)
    parts += [_draw(mark, x, y) for mark, (x, y) in zip(marks, placed)]
    parts.append("</svg>")
    return TrackChart("".join(parts), tuple(marks))


def render_swimlane(histories: Sequence[TrackHistory], span: tuple[dt.date, dt.date], urls: Urls, text: ChartText) -> TrackChart:
    """One row per track with a mark per move, so the tracks can be read against each other;
    marks too close in time are stacked below their row."""
    x_of = _x(span)
    rows: list[tuple[str, list[ChartMark], list[tuple[float, float]]]] = []
    row_y, y = [], TOP
    for history in histories:
        marks = [_chart_mark(step, _swimlane_name(history, step, text), text, urls) for step in history.steps]
        xs = [x_of(step.as_of) for step in history.steps]
        depth = _stack(xs)
        rows.append((history.track.label, marks, [(x, y + d * TARGET) for x, d in zip(xs, depth)]))
        row_y.append(y)
        y += ROW + max(depth, default=0) * TARGET
    parts = _open(y, text.swimlane_figure, span, x_of)
    parts += [f'<line class="tr-grid" x1="{PAD_X}" y1="{ry}" x2="{WIDTH - PAD_X}" y2="{ry}"/>' for ry in row_y]
    parts += _row_labels([label for label, _, _ in rows], row_y, text.labels_lang)
    drawn: list[ChartMark] = []
    for _, marks, placed in rows:
        parts += [_draw(mark, x, my) for mark, (x, my) in zip(marks, placed)]
        drawn += marks
    parts.append("</svg>")
    return TrackChart("".join(parts), tuple(drawn))


def _mark_name(step: Step, text: ChartText) -> str:
    words = text.mark if step.previous_label else text.mark_first
    return words.format(
        date=text.format_date(step.as_of), value=_lane_prefix(step) + value_label(step, text),
        previous=step.previous_label, brief=step.origin.brief_title,
    )


def _swimlane_name(history: TrackHistory, step: Step, text: ChartText) -> str:
    return text.swimlane_mark.format(
        date=text.format_date(step.as_of), track=history.track.label,
        value=_lane_prefix(step) + value_label(step, text), brief=step.origin.brief_title,
    )


def _x(span: tuple[dt.date, dt.date]) -> Callable[[dt.date], float]:
    start, end = span
    days = max(1, (end - start).days)
    return lambda day: PAD_X + (day - start).days / days * (WIDTH - 2 * PAD_X)


def _stack(xs: Sequence[float]) -> list[int]:
    """How many targets below (or away from) its row each mark goes (xs in time order): the
    first place where it is a whole target from the last mark there, so no targets overlap."""
    last: list[float] = []
    depths = []
    for x in xs:
        depth = next((d for d, previous in enumerate(last) if x - previous >= TARGET), len(last))
        if depth == len(last):
            last.append(x)
        last[depth] = x
        depths.append(depth)
    return depths


def _nudged(xs: Sequence[float], rows: Sequence[str]) -> list[float]:
    """xs moved right, where needed, so that marks in one row (time order) stay a target apart."""
    last: dict[str, float] = {}
    moved = []
    for x, row in zip(xs, rows):
        x = max(x, last.get(row, -TARGET) + TARGET)
        last[row] = x
        moved.append(x)
    return moved


def _open(axis_y: int, label: str, span: tuple[dt.date, dt.date], x_of) -> list[str]:
    height = axis_y + AXIS_SPACE
    return [
        f'<svg class="track-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="group" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        # Axis, grid and lines are for the eye: every mark's own name carries its date and value.
        '<g aria-hidden="true">',
        *_year_axis(span, x_of, axis_y),
        f'<line class="tl-axis" x1="{PAD_X}" y1="{axis_y}" x2="{WIDTH - PAD_X}" y2="{axis_y}"/>',
    ]


def _year_axis(span: tuple[dt.date, dt.date], x_of, axis_y: int) -> list[str]:
    """A tick at each 1 January, the year's label under its span (fewer on a long axis),
    and a faint band behind every other year."""
    first, end = span[0].year, span[1].year
    year_width = max(1.0, x_of(dt.date(first + 1, 1, 1)) - x_of(dt.date(first, 1, 1)))
    every = max(1, -(-MIN_LABEL_GAP // int(year_width)))
    parts = []
    for year in range(first, end + 1):
        x = x_of(dt.date(year, 1, 1))
        parts.append(f'<line class="tl-tick" x1="{x:.1f}" y1="{axis_y - 4}" x2="{x:.1f}" y2="{axis_y + 6}"/>')
        if year == end:
            continue
        following = x_of(dt.date(year + 1, 1, 1))
        if (year - first) % 2 == 1:
            parts.insert(0, f'<rect class="tl-band" x="{x:.1f}" y="0" width="{following - x:.1f}" height="{axis_y}"/>')
        if (year - first) % every == 0:
            parts.append(f'<text class="tl-year" x="{(x + following) / 2:.1f}" y="{axis_y + 22}" text-anchor="middle">{year}</text>')
    return parts


def _row_labels(rows: Sequence[str], row_y: Sequence[float], language: str = "") -> list[str]:
    marked = f' lang="{language}"' if language else ""  # tracks.yaml's labels on a page in another language
    labels = [
        f'<text class="tr-label" x="{PAD_X}" y="{y - TARGET / 2 - 3:g}"{marked}>{escape(label)}</text>'
        for label, y in zip(rows, row_y) if label
    ]
    return [*labels, "</g>"]


def _step_line(history: TrackHistory, start: float, end: float, level_y: Mapping[str, float], x_of) -> str:
    """The ladder's level over time: flat between moves, a riser at each move."""
    y = level_y[history.track.levels[0].id]
    points = [f"M{start:.1f} {y}"]
    for step in history.steps:
        points.append(f"H{x_of(step.as_of):.1f}V{level_y[step.to]}")
    points.append(f"H{max(end, start):.1f}")
    return f'<path class="tr-step" d="{"".join(points)}"/>'


def _lane_lines(history: TrackHistory, end: float, lane_y: Mapping[str, float], x_of) -> list[str]:
    """Each lane's state over time, one line style per state (none before its first move)."""
    states = {state.id: index % STATE_STYLES for index, state in enumerate(history.track.states)}
    parts = []
    for lane, y in lane_y.items():
        steps = [step for step in history.steps if step.lane == lane]
        for step, after in zip(steps, [*steps[1:], None]):
            x1, x2 = x_of(step.as_of), x_of(after.as_of) if after else end
            parts.append(f'<line class="tr-state-{states[step.to]}" x1="{x1:.1f}" y1="{y}" x2="{max(x1, x2):.1f}" y2="{y}"/>')
    return parts


def _lane_prefix(step: Step) -> str:
    return f"{step.lane_label}: " if step.lane_label else ""


def _chart_mark(step: Step, name: str, text: ChartText, urls: Urls) -> ChartMark:
    return ChartMark(
        step.as_of, step.track, step.track_label, step.lane_label, value_label(step, text), step.direction,
        step.setback, f"{urls.brief(step.origin.brief_id)}#{step.anchor}", name, step.origin.brief_title, step.origin.brief_language,
    )


_SHAPES = {
    "up": "M{x} {top}L{right} {bottom}L{left} {bottom}Z",
    "improving": "M{x} {top}L{right} {bottom}L{left} {bottom}Z",
    "down": "M{x} {bottom}L{right} {top}L{left} {top}Z",
    "worsening": "M{x} {bottom}L{right} {top}L{left} {top}Z",
    "changed": "M{x} {top}L{right} {y}L{x} {bottom}L{left} {y}Z",
}


def _draw(mark: ChartMark, x: float, y: float) -> str:
    """A mark centred on (x, y): a link whose area is the target square around the shape."""
    shape = _SHAPES[mark.direction].format(
        x=f"{x:.1f}", y=f"{y:.1f}", top=f"{y - MARK:.1f}", bottom=f"{y + MARK:.1f}",
        left=f"{x - MARK:.1f}", right=f"{x + MARK:.1f}",
    )
    half = TARGET / 2
    return (
        f'<a class="tr-mark tr-{mark.direction}" href="{escape(mark.href)}" aria-label="{escape(mark.name)}">'
        f"<title>{escape(mark.name)}</title>"
        f'<rect class="tr-hit" x="{x - half:.1f}" y="{y - half:.1f}" width="{TARGET}" height="{TARGET}" rx="3"/>'
        f'<path d="{shape}"/></a>'
    )

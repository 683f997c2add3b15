"""Charts of the tracks as inline SVG, drawn at build time: a step chart per track and one
swimlane of all tracks. Pure: the same moves give the same bytes.

Direction is shown by shape (▲ up or improving, ▼ down or worsening, ◆ a lane's change of
state), never by colour alone; every mark is a link named in words. The viewBox is narrow
so that text stays readable when a phone shrinks the figure to its width.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Callable, Mapping, Sequence

from .timeline_svg import assign_lanes, year_ticks
from .tracks import Step, TrackHistory
from .urls import Urls

WIDTH = 420
PAD_X = 12
ROW = 40  # distance between two levels, lanes or tracks
TOP = 30  # room for the first row's label
AXIS_SPACE = 30
MARK = 8  # half the size of a mark
HIT = 13  # radius of the invisible circle that makes a mark easier to tap
STACK = 12  # vertical distance between marks stacked in one swimlane row
MAX_STACK = 3
STATE_STYLES = 4  # style.css draws .tr-state-0 … .tr-state-3 with different dash patterns


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
    if track.kind == "ladder":
        rows = [level.label for level in reversed(track.levels)]
    elif track.kind == "lanes":
        rows = [lane.label for lane in track.lanes]
    else:
        rows = [""]
    axis_y = TOP + (len(rows) - 1) * ROW + (2 * ROW if track.kind == "arrows" else ROW)
    x_of = _x(span)
    parts = _open(axis_y, text.figure.format(track=track.label), span, x_of)
    row_y = {label_index: TOP + label_index * ROW for label_index in range(len(rows))}
    if track.kind == "arrows":
        row_y = {0: TOP + ROW}
    for index, label in enumerate(rows):
        y = row_y[index]
        parts.append(f'<line class="tr-grid" x1="{PAD_X}" y1="{y}" x2="{WIDTH - PAD_X}" y2="{y}"/>')
    start = x_of(shown[0]) if shown[0] else PAD_X
    end = x_of(shown[1]) if shown[1] else WIDTH - PAD_X
    if track.kind == "ladder":
        parts.append(_step_line(history, x_of, start, end, {lvl.id: row_y[len(rows) - 1 - i] for i, lvl in enumerate(track.levels)}))
    elif track.kind == "lanes":
        parts += _lane_lines(history, x_of, end, {lane.id: row_y[i] for i, lane in enumerate(track.lanes)})
    parts += _row_labels(rows, row_y)
    marks = []
    for step in history.steps:
        x = x_of(step.as_of)
        if track.kind == "ladder":
            level_y = {lvl.id: row_y[len(rows) - 1 - i] for i, lvl in enumerate(track.levels)}
            y = level_y[step.to]
        elif track.kind == "lanes":
            y = row_y[[lane.id for lane in track.lanes].index(step.lane)]
        else:
            y = row_y[0] + (-MARK - 4 if step.direction == "improving" else MARK + 4)
        previous = text.directions.get(step.previous, step.previous_label)
        words = text.mark if step.previous_label else text.mark_first
        name = words.format(
            date=text.format_date(step.as_of), value=_lane_prefix(step) + value_label(step, text),
            previous=previous, brief=step.origin.brief_title,
        )
        mark = _chart_mark(step, name, text, urls)
        parts.append(_draw(mark, x, y))
        marks.append(mark)
    parts.append("</svg>")
    return TrackChart("".join(parts), tuple(marks))


def render_swimlane(histories: Sequence[TrackHistory], span: tuple[dt.date, dt.date], urls: Urls, text: ChartText) -> TrackChart:
    """One row per track with a mark per move, so the tracks can be read against each other."""
    x_of = _x(span)
    rows: list[tuple[str, list[tuple[Step, float, int]]]] = []
    heights = []
    for history in histories:
        xs = [x_of(step.as_of) for step in history.steps]
        stacks = assign_lanes(xs, gap=2 * MARK + 2, most=MAX_STACK)
        rows.append((history.track.label, list(zip(history.steps, xs, stacks))))
        heights.append(ROW + (max(stacks, default=0)) * STACK)
    row_y, y = [], TOP
    for height in heights:
        row_y.append(y)
        y += height
    axis_y = y  # the last row's own height leaves room above the axis
    parts = _open(axis_y, text.swimlane_figure, span, x_of)
    for y in row_y:
        parts.append(f'<line class="tr-grid" x1="{PAD_X}" y1="{y}" x2="{WIDTH - PAD_X}" y2="{y}"/>')
    parts += _row_labels([label for label, _ in rows], dict(enumerate(row_y)))
    marks: list[ChartMark] = []
    for (track_label, placed), y in zip(rows, row_y):
        for step, x, stack in placed:
            name = text.swimlane_mark.format(
                date=text.format_date(step.as_of), track=track_label,
                value=_lane_prefix(step) + value_label(step, text), brief=step.origin.brief_title,
            )
            mark = _chart_mark(step, name, text, urls)
            parts.append(_draw(mark, x, y + stack * STACK))
            marks.append(mark)
    parts.append("</svg>")
    return TrackChart("".join(parts), tuple(marks))


def _x(span: tuple[dt.date, dt.date]) -> Callable[[dt.date], float]:
    start, end = span
    days = max(1, (end - start).days)
    return lambda day: PAD_X + (day - start).days / days * (WIDTH - 2 * PAD_X)


def _open(axis_y: int, label: str, span: tuple[dt.date, dt.date], x_of) -> list[str]:
    height = axis_y + AXIS_SPACE
    return [
        f'<svg class="track-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="group" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        # Axis and grid are for the eye: every mark's own name carries its date and value.
        '<g aria-hidden="true">',
        *year_ticks(span[0].year, span[1].year, x_of, axis_y),
        f'<line class="tl-axis" x1="{PAD_X}" y1="{axis_y}" x2="{WIDTH - PAD_X}" y2="{axis_y}"/>',
    ]


def _row_labels(rows: Sequence[str], row_y: Mapping[int, int]) -> list[str]:
    labels = [
        f'<text class="tr-label" x="{PAD_X}" y="{row_y[i] - MARK - 6}">{escape(label)}</text>'
        for i, label in enumerate(rows) if label
    ]
    return [*labels, "</g>"]


def _step_line(history: TrackHistory, x_of, start: float, end: float, level_y: Mapping[str, int]) -> str:
    """The ladder's level over time: flat between moves, a riser at each move."""
    track = history.track
    y = level_y[track.levels[0].id]
    points = [f"M{start:.1f} {y}"]
    for step in history.steps:
        x = x_of(step.as_of)
        points.append(f"H{x:.1f}V{level_y[step.to]}")
        y = level_y[step.to]
    points.append(f"H{max(end, PAD_X):.1f}")
    return f'<path class="tr-step" d="{"".join(points)}"/>'


def _lane_lines(history: TrackHistory, x_of, end: float, lane_y: Mapping[str, int]) -> list[str]:
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


_SHAPES = {
    "up": "M{x} {top}L{right} {bottom}L{left} {bottom}Z",
    "improving": "M{x} {top}L{right} {bottom}L{left} {bottom}Z",
    "down": "M{x} {bottom}L{right} {top}L{left} {top}Z",
    "worsening": "M{x} {bottom}L{right} {top}L{left} {top}Z",
    "changed": "M{x} {top}L{right} {y}L{x} {bottom}L{left} {y}Z",
}


def _chart_mark(step: Step, name: str, text: ChartText, urls: Urls) -> ChartMark:
    return ChartMark(
        step.as_of, step.track, step.track_label, step.lane_label, value_label(step, text), step.direction,
        step.setback, f"{urls.brief(step.origin.brief_id)}#{step.anchor}", name, step.origin.brief_title,
    )


def _draw(mark: ChartMark, x: float, y: float) -> str:
    shape = _SHAPES[mark.direction].format(
        x=f"{x:.1f}", y=f"{y:.1f}", top=f"{y - MARK:.1f}", bottom=f"{y + MARK:.1f}",
        left=f"{x - MARK:.1f}", right=f"{x + MARK:.1f}",
    )
    return (
        f'<a class="tr-mark tr-{mark.direction}" href="{escape(mark.href)}" aria-label="{escape(mark.name)}">'
        f"<title>{escape(mark.name)}</title>"
        f'<circle class="tr-hit" cx="{x:.1f}" cy="{y:.1f}" r="{HIT}"/>'
        f'<path d="{shape}"/></a>'
    )

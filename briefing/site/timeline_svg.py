"""The home page's visual timeline: briefs as marks on a time axis, as inline SVG markup.

Pure: the same briefs give the same bytes. Colours come from CSS classes (`tl-c0`…), so
the stylesheet decides them for light, dark and print; marks are links to their briefs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from typing import Callable, Mapping, Sequence

from ..model import Brief, Term
from .urls import Urls

PALETTE_SIZE = 12  # style.css defines .tl-c0 … .tl-c11 for both colour schemes
MAX_MARKS = 400  # beyond this the home page would grow large; the newest are drawn
WIDTH = 960
PAD_X = 14
RADIUS = 7
LANE_GAP = 17  # vertical distance between stacked marks
MAX_LANES = 8
AXIS_SPACE = 30  # room under the axis for the year labels
MIN_LABEL_GAP = 44  # fewest viewBox units between two year labels


@dataclass(frozen=True)
class LegendEntry:
    """One milestone type drawn in the figure, with its colour class and count."""

    type_id: str
    label: str
    css_class: str
    count: int


@dataclass(frozen=True)
class TimelineFigure:
    """The SVG markup plus what the caption and legend say about it."""

    svg: str
    legend: tuple[LegendEntry, ...]
    shown: int
    total: int
    first: dt.date | None
    last: dt.date | None


def type_classes(types: Sequence[Term]) -> Mapping[str, str]:
    """CSS colour class of every milestone type, by vocabulary order (stable per type)."""
    return {term.id: f"tl-c{index % PALETTE_SIZE}" for index, term in enumerate(types)}


def render_timeline_svg(
    briefs: Sequence[Brief],
    types: Sequence[Term],
    urls: Urls,
    format_date: Callable[[dt.date], str],
    title: str,
) -> TimelineFigure:
    """Lay out `briefs` (any order) on a time axis and return the figure's SVG markup."""
    total = len(briefs)
    chosen = sorted(briefs, key=lambda b: (b.date, b.id))[-MAX_MARKS:]
    classes = type_classes(types)
    labels = {term.id: term.label for term in types}
    if not chosen:
        return TimelineFigure("", (), 0, total, None, None)
    start = dt.date(chosen[0].date.year, 1, 1)
    end = dt.date(chosen[-1].date.year + 1, 1, 1)
    span = (end - start).days

    def x_of(day: dt.date) -> float:
        return PAD_X + (day - start).days / span * (WIDTH - 2 * PAD_X)

    lanes = assign_lanes([x_of(b.date) for b in chosen])
    lane_count = max(lanes) + 1
    axis_y = RADIUS + 6 + lane_count * LANE_GAP
    height = axis_y + AXIS_SPACE
    parts = [
        f'<svg class="timeline-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="group" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        # The axis is drawn for the eye; each mark's own name already carries its date.
        '<g aria-hidden="true">',
        *year_ticks(start.year, end.year, x_of, axis_y),
        f'<line class="tl-axis" x1="{PAD_X}" y1="{axis_y}" x2="{WIDTH - PAD_X}" y2="{axis_y}"/>',
        "</g>",
    ]
    for brief, lane in zip(chosen, lanes):
        x = x_of(brief.date)
        y = axis_y - RADIUS - 6 - lane * LANE_GAP
        name = f"{format_date(brief.date)}: {brief.title} ({labels.get(brief.type, brief.type)})"
        parts.append(
            f'<a class="tl-mark" href="{escape(urls.brief(brief.id))}" aria-label="{escape(name)}">'
            f"<title>{escape(name)}</title>"
            f'<circle class="{classes.get(brief.type, "tl-c0")}" cx="{x:.1f}" cy="{y}" r="{RADIUS}"/></a>'
        )
    parts.append("</svg>")
    counts: dict[str, int] = {}
    for brief in chosen:
        counts[brief.type] = counts.get(brief.type, 0) + 1
    legend = tuple(
        LegendEntry(term.id, term.label, classes[term.id], counts[term.id]) for term in types if term.id in counts
    )
    return TimelineFigure("".join(parts), legend, len(chosen), total, chosen[0].date, chosen[-1].date)


def assign_lanes(xs: list[float], gap: float = 2 * RADIUS + 2, most: int = MAX_LANES) -> list[int]:
    """Stack marks that would overlap: each goes to the lowest lane where it is at least
    `gap` from the last mark (xs ascending); at most `most` lanes."""
    last_x: list[float] = []
    lanes = []
    for x in xs:
        for lane, previous in enumerate(last_x):
            if x - previous >= gap:
                break
        else:
            lane = len(last_x) if len(last_x) < most else min(range(most), key=lambda i: last_x[i])
            if lane == len(last_x):
                last_x.append(x)
        last_x[lane] = x
        lanes.append(lane)
    return lanes


def year_ticks(first_year: int, end_year: int, x_of: Callable[[dt.date], float], axis_y: int) -> list[str]:
    """A tick at each 1 January, the year's label centred under its span, and a faint band
    behind every other year so marks are easy to place in their year."""
    year_width = x_of(dt.date(first_year + 1, 1, 1)) - x_of(dt.date(first_year, 1, 1))
    step = max(1, -(-MIN_LABEL_GAP // int(max(year_width, 1))))
    parts = []
    for year in range(first_year, end_year + 1):
        x = x_of(dt.date(year, 1, 1))
        parts.append(f'<line class="tl-tick" x1="{x:.1f}" y1="{axis_y - 4}" x2="{x:.1f}" y2="{axis_y + 6}"/>')
        if year < end_year and (year - first_year) % 2 == 1:
            width = x_of(dt.date(year + 1, 1, 1)) - x
            parts.insert(0, f'<rect class="tl-band" x="{x:.1f}" y="0" width="{width:.1f}" height="{axis_y}"/>')
        if year < end_year and (year - first_year) % step == 0:
            middle = (x + x_of(dt.date(year + 1, 1, 1))) / 2
            parts.append(f'<text class="tl-year" x="{middle:.1f}" y="{axis_y + 22}" text-anchor="middle">{year}</text>')
    return parts

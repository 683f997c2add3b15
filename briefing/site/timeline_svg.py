"""The home page's visual timeline: briefs as marks on a time axis, as inline SVG markup.

Pure: the same briefs give the same bytes. Colours come from CSS classes (`tl-c0`…), so
the stylesheet decides them for light, dark and print; marks are links to their briefs.
"""

from __future__ import annotations

import datetime as dt
import math
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
    first_year, end_year = chosen[0].date.year, chosen[-1].date.year + 1
    start = new_year(first_year)
    span = new_year(end_year) - start

    def x_of(day: int) -> float:
        """Where a day (its ordinal) falls on the axis."""
        return PAD_X + (day - start) / span * (WIDTH - 2 * PAD_X)

    lanes = _assign_lanes([x_of(b.date.toordinal()) for b in chosen])
    lane_count = max(lanes) + 1
    axis_y = RADIUS + 6 + lane_count * LANE_GAP
    height = axis_y + AXIS_SPACE
    parts = [
        f'<svg class="timeline-svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="group" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        # The axis is drawn for the eye; each mark's own name already carries its date.
        '<g aria-hidden="true">',
        *_year_ticks(first_year, end_year, x_of, axis_y),
        f'<line class="tl-axis" x1="{PAD_X}" y1="{axis_y}" x2="{WIDTH - PAD_X}" y2="{axis_y}"/>',
        "</g>",
    ]
    for brief, lane in zip(chosen, lanes):
        x = x_of(brief.date.toordinal())
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


def _assign_lanes(xs: list[float]) -> list[int]:
    """Stack marks that would overlap: each goes to the lowest lane with room (xs ascending)."""
    last_x: list[float] = []
    lanes = []
    for x in xs:
        for lane, previous in enumerate(last_x):
            if x - previous >= 2 * RADIUS + 2:
                break
        else:
            lane = len(last_x) if len(last_x) < MAX_LANES else min(range(MAX_LANES), key=lambda i: last_x[i])
            if lane == len(last_x):
                last_x.append(x)
        last_x[lane] = x
        lanes.append(lane)
    return lanes


def new_year(year: int) -> int:
    """The ordinal of 1 January of `year`, for any year from 1 to 10000 (the end of 9999)."""
    return dt.date(year, 1, 1).toordinal() if year <= dt.MAXYEAR else dt.date.max.toordinal() + 1


def _year_ticks(first_year: int, end_year: int, x_of: Callable[[int], float], axis_y: int) -> list[str]:
    """A tick at each 1 January, the year's label centred under its span, and a faint band
    behind every other year so marks are easy to place in their year. Over more years than
    there is room for, only the labelled years get a tick and a band, so the figure's size
    does not grow with its span."""
    year_width = x_of(new_year(first_year + 1)) - x_of(new_year(first_year))
    # Years a label stands for: enough that labels are MIN_LABEL_GAP apart (a year narrower
    # than one unit, over a span of centuries, is not counted as one unit wide).
    step = max(1, -(-MIN_LABEL_GAP // int(year_width))) if year_width >= 1 else math.ceil(MIN_LABEL_GAP / year_width)
    every = 1 if year_width >= 2 else step  # ticks a pixel or less apart are one grey smear
    parts = []
    for year in range(first_year, end_year + 1):
        if (year - first_year) % every and year != end_year:
            continue
        x = x_of(new_year(year))
        parts.append(f'<line class="tl-tick" x1="{x:.1f}" y1="{axis_y - 4}" x2="{x:.1f}" y2="{axis_y + 6}"/>')
        if year < end_year and (year - first_year) // every % 2 == 1:
            width = x_of(new_year(min(year + every, end_year))) - x
            parts.insert(0, f'<rect class="tl-band" x="{x:.1f}" y="0" width="{width:.1f}" height="{axis_y}"/>')
        if year < end_year and (year - first_year) % step == 0:
            middle = (x + x_of(new_year(year + 1))) / 2
            parts.append(f'<text class="tl-year" x="{middle:.1f}" y="{axis_y + 22}" text-anchor="middle">{year}</text>')
    return parts

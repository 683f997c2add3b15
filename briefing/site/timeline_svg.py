"""The home page's visual timeline: briefs as marks on a time axis, as inline SVG markup.

Drawn twice: across the page for wide screens, down the page for narrow ones, so no mark
is ever hidden off to the side. Pure: the same briefs give the same bytes. Each milestone
type has a colour class (`tl-c0`…, coloured by the stylesheet for light, dark and print)
and a shape of its own, so types are told apart without colour too; every mark is a link
with a target of at least 24 × 24 CSS pixels (WCAG 2.2 target size).
"""

from __future__ import annotations

import datetime as dt
import operator
from dataclasses import dataclass
from html import escape
from typing import Mapping, Sequence

from ..model import Brief, Term
from .dates import human_range
from .urls import Urls

PALETTE_SIZE = 12  # style.css defines .tl-c0 … .tl-c11 for both colour schemes
MAX_MARKS = 400  # beyond this the home page would grow large; the newest are drawn

# Shapes centred on (0, 0) that fit a 20-unit box, as SVG path data. Each is drawn solid,
# then outlined (`tl-open`), which gives twelve types a look of their own before colour.
SHAPES = (
    ("circle", "M-9.5 0a9.5 9.5 0 1 0 19 0a9.5 9.5 0 1 0-19 0Z"),
    ("square", "M-8.5-8.5H8.5V8.5H-8.5Z"),
    ("diamond", "M0-10.5L10.5 0L0 10.5L-10.5 0Z"),
    ("triangle", "M0-10L10 8.5H-10Z"),
    ("inverted triangle", "M0 10L10-8.5H-10Z"),
    ("star", "M0-10.5L2.5-3.4L10-3.2L4-1.4L6.2 8.5L0 3.9L-6.2 8.5L-4-1.4L-10-3.2L-2.5-3.4Z"),
)

TARGET = 24  # side of a mark's link area, in CSS pixels at the figure's natural size
STEP = 26  # distance between neighbouring marks: the target and a 2-pixel gap
PAD = 14

# The wide figure: time runs left to right over a fixed width; marks that would overlap
# are stacked in as many lanes as they need.
WIDE_WIDTH = 960
AXIS_SPACE = 30  # room under the axis for the year labels
MIN_LABEL_GAP = 44  # fewest units between two year labels

# The narrow figure: time runs down the page; the scale grows until close marks fit
# side by side in the lanes a 320-pixel screen has room for.
NARROW_WIDTH = 280  # the column of a 320-pixel-wide screen, less its margins
LABEL_WIDTH = 42  # the year labels' column, left of the axis
NARROW_LANES = (NARROW_WIDTH - LABEL_WIDTH - 8) // STEP
MIN_YEAR_HEIGHT = 56.0  # units per year at the smallest scale
MAX_YEAR_HEIGHT = MIN_YEAR_HEIGHT * 2 ** 5
MAX_NARROW_AXIS = 6000.0  # longest time axis of the narrow figure, in units: a few phone screens
CENTURY = 100  # over more years than this, the narrow figure's years are not made taller


@dataclass(frozen=True)
class TypeStyle:
    """How a milestone type looks: its colour and fill classes and its shape."""

    css_class: str  # e.g. 'tl-c7 tl-open'
    shape: str  # the shape's name, for the legend's text alternative
    path: str  # SVG path data centred on (0, 0)


@dataclass(frozen=True)
class LegendEntry:
    """One milestone type drawn in the figure, with its look and count."""

    type_id: str
    label: str
    css_class: str
    count: int


@dataclass(frozen=True)
class TimelineFigure:
    """The two drawings of the figure plus what the caption and legend say about it."""

    wide: str  # SVG markup, time left to right
    narrow: str  # SVG markup, time top to bottom
    legend: tuple[LegendEntry, ...]
    shown: int
    total: int
    first: dt.date | None
    last: dt.date | None


def type_styles(types: Sequence[Term]) -> Mapping[str, TypeStyle]:
    """The look of every milestone type, by vocabulary order (stable per type)."""
    styles = {}
    for index, term in enumerate(types):
        shape, path = SHAPES[index % len(SHAPES)]
        open_ = (index // len(SHAPES)) % 2 == 1
        css_class = f"tl-c{index % PALETTE_SIZE} {'tl-open' if open_ else 'tl-solid'}"
        styles[term.id] = TypeStyle(css_class, f"outlined {shape}" if open_ else shape, path)
    return styles


@dataclass(frozen=True)
class _Mark:
    """A brief ready to draw: its link, accessible name and look."""

    href: str
    name: str
    style: TypeStyle
    day: dt.date


def render_timeline_svg(
    briefs: Sequence[Brief],
    types: Sequence[Term],
    urls: Urls,
    language: str,
    title: str,
) -> TimelineFigure:
    """Lay out `briefs` (any order) on a time axis and return both drawings of the figure;
    `language` is the site's, for the dates in the marks' names."""
    total = len(briefs)
    chosen = sorted(briefs, key=_DATE_ID)[-MAX_MARKS:]
    if not chosen:
        return TimelineFigure("", "", (), 0, total, None, None)
    # Everything the figure is drawn from: a dev server's save redraws it only if it changed.
    hrefs = tuple(urls.brief(b.id) for b in chosen)
    key = (
        tuple((b.id, b.date, b.end_date, b.title, b.type) for b in chosen), hrefs, total,
        tuple((t.id, t.label) for t in types), language, title,
    )
    drawn = _DRAWN.get(key)
    if drawn is None:
        drawn = _draw(chosen, hrefs, total, types, language, title)
        if len(_DRAWN) >= 16:
            _DRAWN.clear()  # one figure per language is all a rebuild can reuse
        _DRAWN[key] = drawn
    return drawn


# The latest figures drawn, by all each was drawn from (see render_timeline_svg).
_DRAWN: dict[tuple, TimelineFigure] = {}
_DATE_ID = operator.attrgetter("date", "id")


def _draw(chosen: list[Brief], hrefs: tuple[str, ...], total: int, types: Sequence[Term], language: str, title: str) -> TimelineFigure:
    styles = type_styles(types)
    labels = {term.id: term.label for term in types}
    fallback = TypeStyle("tl-c0 tl-solid", SHAPES[0][0], SHAPES[0][1])
    marks = [
        _Mark(
            href,
            f"{human_range(b.date, b.end_date, language)}: {b.title} ({labels.get(b.type, b.type)})",
            styles.get(b.type, fallback),
            b.date,
        )
        for b, href in zip(chosen, hrefs)
    ]
    first_year, end_year = chosen[0].date.year, chosen[-1].date.year + 1
    counts: dict[str, int] = {}
    for brief in chosen:
        counts[brief.type] = counts.get(brief.type, 0) + 1
    legend = tuple(
        LegendEntry(term.id, term.label, styles[term.id].css_class, counts[term.id]) for term in types if term.id in counts
    )
    return TimelineFigure(
        _draw_wide(marks, first_year, end_year, title),
        _draw_narrow(marks, first_year, end_year, title),
        legend, len(chosen), total, chosen[0].date, chosen[-1].date,
    )


def new_year(year: int) -> int:
    """The ordinal of 1 January of `year`, for any year from 1 to 10000 (the end of 9999)."""
    return dt.date(year, 1, 1).toordinal() if year <= dt.MAXYEAR else dt.date.max.toordinal() + 1


def _days(day: dt.date | int, first_year: int) -> int:
    """Days from 1 January of `first_year` to `day` (a date, or the ordinal of one)."""
    return (day if isinstance(day, int) else day.toordinal()) - new_year(first_year)


def _thinned(first_year: int, end_year: int, year_size: float, gap: float) -> tuple[int, int]:
    """(years one label stands for, years one tick stands for) when a year is `year_size`
    units long and labels need `gap` units: over centuries only the labelled years get a
    tick and a band, so the figure's size does not grow with its span."""
    label = max(1, -(-int(gap) // int(year_size))) if year_size >= 1 else max(1, int(-(-gap // year_size)))
    return label, 1 if year_size >= 2 else label


def _place(positions: Sequence[float], max_lanes: int | None = None) -> list[tuple[int, float]]:
    """(lane, position) of each mark (positions ascending): the lowest lane where it does
    not touch the previous mark. With every lane taken (at most `max_lanes`), a mark moves
    on along the axis to where the lane that frees first has room."""
    ends: list[float] = []  # where each lane is next free
    placed = []
    for position in positions:
        lane = next((i for i, end in enumerate(ends) if end <= position), None)
        if lane is None and (max_lanes is None or len(ends) < max_lanes):
            ends.append(position)
            lane = len(ends) - 1
        elif lane is None:
            lane = min(range(len(ends)), key=lambda i: (ends[i], i))
            position = ends[lane]
        ends[lane] = position + STEP
        placed.append((lane, position))
    return placed


def _svg(css_class: str, width: float, height: float, title: str, parts: list[str]) -> str:
    return (
        f'<svg class="timeline-svg {css_class}" viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'role="group" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">' + "".join(parts) + "</svg>"
    )


def _mark(mark: _Mark, x: float, y: float) -> str:
    """A mark centred on (x, y): a link whose area is the target square around the shape."""
    half = TARGET / 2
    return (
        f'<a class="tl-mark {mark.style.css_class}" href="{escape(mark.href)}" aria-label="{escape(mark.name)}">'
        f"<title>{escape(mark.name)}</title>"
        f'<rect class="tl-hit" x="{x - half:.1f}" y="{y - half:.1f}" width="{TARGET}" height="{TARGET}" rx="3"/>'
        f'<path class="tl-shape" transform="translate({x:.1f} {y:.1f})" d="{mark.style.path}"/></a>'
    )


def _draw_wide(marks: Sequence[_Mark], first_year: int, end_year: int, title: str) -> str:
    span = _days(new_year(end_year), first_year)
    scale = (WIDE_WIDTH - 2 * PAD) / span

    def x_of(day: dt.date | int) -> float:
        return PAD + _days(day, first_year) * scale

    # Marks are centred on their day, so their edges are half a step either side.
    placed = _place([x_of(m.day) - STEP / 2 for m in marks])
    lanes = max(lane for lane, _ in placed) + 1
    axis_y = PAD + lanes * STEP
    height = axis_y + AXIS_SPACE
    step, every = _thinned(first_year, end_year, 365 * scale, MIN_LABEL_GAP)
    decoration: list[str] = []
    for year in range(first_year, end_year + 1, every):
        x = x_of(new_year(year))
        decoration.append(f'<line class="tl-tick" x1="{x:.1f}" y1="{axis_y - 4}" x2="{x:.1f}" y2="{axis_y + 6}"/>')
        if year < end_year:
            following = x_of(new_year(min(year + every, end_year)))
            if (year - first_year) // every % 2 == 1:
                decoration.insert(0, f'<rect class="tl-band" x="{x:.1f}" y="0" width="{following - x:.1f}" height="{axis_y}"/>')
            if (year - first_year) % step == 0:
                middle = (x + x_of(new_year(year + 1))) / 2
                decoration.append(f'<text class="tl-year" x="{middle:.1f}" y="{axis_y + 22}" text-anchor="middle">{year}</text>')
    decoration.append(f'<line class="tl-axis" x1="{PAD}" y1="{axis_y}" x2="{WIDE_WIDTH - PAD}" y2="{axis_y}"/>')
    parts = ['<g aria-hidden="true">', *decoration, "</g>"]  # for the eye; each mark's name carries its date
    for mark, (lane, left) in zip(marks, placed):
        parts.append(_mark(mark, left + STEP / 2, axis_y - STEP / 2 - 1 - lane * STEP))
    return _svg("timeline-wide", WIDE_WIDTH, height, title, parts)


def _draw_narrow(marks: Sequence[_Mark], first_year: int, end_year: int, title: str) -> str:
    days = [_days(m.day, first_year) for m in marks]
    top = PAD + STEP / 2  # where 1 January of the first year is: room for a mark centred there
    # The smallest scale at which no mark has to move more than half a step from its day;
    # over more years than a phone can scroll through, years shrink (and labels thin out).
    year_height = min(MIN_YEAR_HEIGHT, MAX_NARROW_AXIS / (end_year - first_year))
    # Over centuries the scale stays as it is: growing it would outgrow any screen.
    tallest = MAX_YEAR_HEIGHT if end_year - first_year <= CENTURY else year_height
    while True:
        scale = year_height / 365
        wanted = [top + d * scale - STEP / 2 for d in days]  # each mark's top edge, centred on its day
        placed = _place(wanted, NARROW_LANES)
        if year_height >= tallest or all(p - w <= STEP / 2 for (_, p), w in zip(placed, wanted)):
            break
        year_height *= 1.25

    def y_of(day: dt.date | int) -> float:
        return top + _days(day, first_year) * scale

    axis_x = LABEL_WIDTH + 2
    end = max(y_of(new_year(end_year)), max(p for _, p in placed) + STEP)  # the axis's last point
    step, every = _thinned(first_year, end_year, year_height, MIN_YEAR_HEIGHT)
    decoration: list[str] = []
    for year in range(first_year, end_year + 1, every):
        y = y_of(new_year(year))
        decoration.append(f'<line class="tl-tick" x1="{axis_x - 6}" y1="{y:.1f}" x2="{axis_x + 4}" y2="{y:.1f}"/>')
        if year < end_year:
            following = y_of(new_year(year + every)) if year + every < end_year else end
            if (year - first_year) // every % 2 == 1:
                decoration.insert(0, f'<rect class="tl-band" x="0" y="{y:.1f}" width="{NARROW_WIDTH}" height="{following - y:.1f}"/>')
            if (year - first_year) % step == 0:
                decoration.append(f'<text class="tl-year" x="{axis_x - 8}" y="{y + 17:.1f}" text-anchor="end">{year}</text>')
    decoration.append(f'<line class="tl-axis" x1="{axis_x}" y1="{top:.1f}" x2="{axis_x}" y2="{end:.1f}"/>')
    parts = ['<g aria-hidden="true">', *decoration, "</g>"]
    for mark, (lane, edge) in zip(marks, placed):
        parts.append(_mark(mark, axis_x + 6 + STEP / 2 + lane * STEP, edge + STEP / 2))
    return _svg("timeline-narrow", NARROW_WIDTH, round(end + PAD), title, parts)

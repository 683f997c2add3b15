"""The home page's timeline figure: a pure layout of briefs on a time axis."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from briefing.site import timeline_svg
from briefing.model import Brief, RenderedMarkdown, Source, Term
from briefing.site.timeline_svg import render_timeline_svg, type_classes
from briefing.site.urls import Urls

TYPES = (Term("statement", "Statement", "d"), Term("summit", "Summit", "d"), Term("ceasefire", "Ceasefire", "d"))
BODY = RenderedMarkdown("<p>x</p>", (), "x", 1)
URLS = Urls("https://example.org/archive/")
SVG = "{http://www.w3.org/2000/svg}"


def brief(day: str, type_: str = "statement", title: str = "T", stem: str = "b") -> Brief:
    date = dt.date.fromisoformat(day)
    return Brief(f"{day}-{stem}", "p", title, date, type_, ("armenia",), "s", (Source("p", "t", "https://e.org/"),), BODY)


def render(briefs):
    return render_timeline_svg(briefs, TYPES, URLS, lambda d: d.isoformat(), "Timeline")


def marks(svg: str) -> list[tuple[str, float, float, str]]:
    root = ET.fromstring(svg)
    result = []
    for link in root.iter(f"{SVG}a"):
        circle = link.find(f"{SVG}circle")
        result.append((link.get("href"), float(circle.get("cx")), float(circle.get("cy")), circle.get("class")))
    return result


def test_every_brief_is_a_link_coloured_by_its_type_with_a_name():
    briefs = [brief("2020-11-10", "ceasefire", stem="a"), brief("2023-12-07", "statement", "Joint <statement> & more", "b")]
    figure = render(briefs)
    found = marks(figure.svg)
    assert [href for href, *_ in found] == ["/archive/briefs/2020-11-10-a/", "/archive/briefs/2023-12-07-b/"]
    assert [cls for *_, cls in found] == ["tl-c2", "tl-c0"]  # by vocabulary order, not by use
    assert 'aria-label="2023-12-07: Joint &lt;statement&gt; &amp; more (Statement)"' in figure.svg
    assert [(e.type_id, e.count) for e in figure.legend] == [("statement", 1), ("ceasefire", 1)]
    assert (figure.shown, figure.total, figure.first, figure.last) == (2, 2, dt.date(2020, 11, 10), dt.date(2023, 12, 7))


def test_time_runs_left_to_right_with_a_labelled_tick_per_year():
    figure = render([brief("2021-01-01", stem="a"), brief("2021-07-02", stem="b"), brief("2022-12-31", stem="c")])
    xs = [x for _, x, _, _ in marks(figure.svg)]
    assert xs == sorted(xs) and xs[0] < xs[1] < xs[2]
    assert re.findall(r'<text class="tl-year"[^>]*>(\d{4})</text>', figure.svg) == ["2021", "2022"]
    assert figure.svg.count('class="tl-tick"') == 3  # 1 Jan 2021, 2022 and 2023
    assert figure.svg.count('class="tl-band"') == 1  # every other year is shaded: 2022
    axis = ET.fromstring(figure.svg).find(f"{SVG}g")
    assert axis.get("aria-hidden") == "true" and axis.find(f"{SVG}a") is None  # decoration only


def test_marks_that_would_overlap_are_stacked_not_drawn_on_top_of_each_other():
    same_week = [brief(f"2023-12-0{d}", stem=f"s{d}") for d in range(1, 8)]
    found = marks(render(same_week).svg)
    for i, (_, x1, y1, _) in enumerate(found):
        for _, x2, y2, _ in found[i + 1:]:
            assert (x1 - x2) ** 2 + (y1 - y2) ** 2 >= (2 * timeline_svg.RADIUS) ** 2
    far_apart = marks(render([brief("2020-01-01", stem="a"), brief("2024-06-01", stem="b")]).svg)
    assert far_apart[0][2] == far_apart[1][2]  # no need to stack: one lane


def test_layout_is_deterministic_and_ignores_input_order():
    briefs = [brief(f"2022-0{m}-1{m}", "summit" if m % 2 else "statement", stem=f"x{m}") for m in range(1, 10)]
    assert render(briefs) == render(list(reversed(briefs)))


def test_large_archives_draw_the_newest_and_say_so(monkeypatch):
    monkeypatch.setattr(timeline_svg, "MAX_MARKS", 3)
    briefs = [brief(f"2020-0{m}-01", stem=f"m{m}") for m in range(1, 7)]
    figure = render(briefs)
    assert (figure.shown, figure.total, figure.first) == (3, 6, dt.date(2020, 4, 1))
    assert len(marks(figure.svg)) == 3


def test_no_briefs_no_figure():
    figure = render([])
    assert (figure.svg, figure.legend, figure.shown) == ("", (), 0)


def test_colour_classes_cycle_through_the_palette():
    many = tuple(Term(f"t{i}", f"T{i}", "d") for i in range(timeline_svg.PALETTE_SIZE + 2))
    classes = type_classes(many)
    assert classes["t0"] == "tl-c0" and classes[f"t{timeline_svg.PALETTE_SIZE}"] == "tl-c0"


def test_every_palette_class_has_a_colour_in_light_dark_and_print(tmp_path):
    from pathlib import Path

    static = Path(__file__).resolve().parent.parent / "templates" / "static"
    css, print_css = (static / "style.css").read_text(), (static / "print.css").read_text()
    dark = css[css.index("prefers-color-scheme: dark"):]
    for i in range(timeline_svg.PALETTE_SIZE):
        assert f".tl-c{i} {{ fill: var(--c{i}); }}" in css
        assert f"--c{i}:" in css[: css.index("prefers-color-scheme: dark")] and f"--c{i}:" in dark and f"--c{i}:" in print_css

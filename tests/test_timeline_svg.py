"""The home page's timeline figure: a pure layout of briefs on a time axis, drawn across the
page for wide screens and down it for narrow ones, every mark a link of at least 24 x 24."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefing.model import Brief, RenderedMarkdown, Source, Term
from briefing.site import timeline_svg
from briefing.site.timeline_svg import render_timeline_svg, type_styles
from briefing.site.urls import Urls
from sitecheck import contrast

TYPES = (Term("statement", "Statement", "d"), Term("summit", "Summit", "d"), Term("ceasefire", "Ceasefire", "d"))
BODY = RenderedMarkdown("<p>x</p>", (), "x", 1)
URLS = Urls("https://example.org/archive/")
SVG = "{http://www.w3.org/2000/svg}"
STATIC = Path(__file__).resolve().parent.parent / "templates" / "static"


def brief(day: str, type_: str = "statement", title: str = "T", stem: str = "b", end: str | None = None) -> Brief:
    date = dt.date.fromisoformat(day)
    return Brief(
        f"{day}-{stem}", "p", title, date, type_, ("armenia",), "s", (Source("p", "t", "https://e.org/"),), BODY,
        end_date=dt.date.fromisoformat(end) if end else None,
    )


def render(briefs, types=TYPES):
    return render_timeline_svg(briefs, types, URLS, "en", "Timeline")


def marks(svg: str) -> list[dict]:
    """Each mark's link, name, classes and target square (x, y, width, height)."""
    root = ET.fromstring(svg)
    found = []
    for link in root.iter(f"{SVG}a"):
        hit = link.find(f"{SVG}rect")
        found.append({
            "href": link.get("href"), "name": link.get("aria-label"), "class": link.get("class"),
            "title": link.find(f"{SVG}title").text, "shape": link.find(f"{SVG}path").get("d"),
            "box": tuple(float(hit.get(k)) for k in ("x", "y", "width", "height")),
        })
    return found


def size(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg)
    _, _, width, height = map(float, root.get("viewBox").split())
    return width, height


def overlapping(found: list[dict]) -> list[tuple[str, str]]:
    pairs = []
    for i, a in enumerate(found):
        ax, ay, aw, ah = a["box"]
        for b in found[i + 1:]:
            bx, by, bw, bh = b["box"]
            if ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah:
                pairs.append((a["href"], b["href"]))
    return pairs


@pytest.mark.parametrize("drawing", ["wide", "narrow"])
def test_every_brief_is_a_named_link_styled_by_its_type(drawing):
    briefs = [brief("2020-11-10", "ceasefire", stem="a"), brief("2023-12-07", "statement", "Joint <statement> & more", "b")]
    figure = render(briefs)
    svg = getattr(figure, drawing)
    found = marks(svg)
    assert [m["href"] for m in found] == ["/archive/briefs/2020-11-10-a/", "/archive/briefs/2023-12-07-b/"]
    styles = type_styles(TYPES)
    assert [m["class"] for m in found] == [f"tl-mark {styles['ceasefire'].css_class}", f"tl-mark {styles['statement'].css_class}"]
    assert [m["shape"] for m in found] == [styles["ceasefire"].path, styles["statement"].path]
    assert found[1]["name"] == found[1]["title"] == "7 December 2023: Joint <statement> & more (Statement)"
    assert 'aria-label="7 December 2023: Joint &lt;statement&gt; &amp; more (Statement)"' in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "group" and root.get("aria-label") == "Timeline"
    assert [(e.type_id, e.count) for e in figure.legend] == [("statement", 1), ("ceasefire", 1)]
    assert (figure.shown, figure.total, figure.first, figure.last) == (2, 2, dt.date(2020, 11, 10), dt.date(2023, 12, 7))


def test_a_multi_day_event_is_named_by_its_range():
    found = marks(render([brief("2023-09-19", title="Talks", end="2023-09-20")]).narrow)
    assert found[0]["name"] == "19–20 September 2023: Talks (Statement)"


def test_wide_drawing_runs_left_to_right_with_a_labelled_tick_per_year():
    figure = render([brief("2021-01-01", stem="a"), brief("2021-07-02", stem="b"), brief("2022-12-31", stem="c")])
    xs = [m["box"][0] for m in marks(figure.wide)]
    assert xs == sorted(xs) and xs[0] < xs[1] < xs[2]
    assert re.findall(r'<text class="tl-year"[^>]*>(\d{4})</text>', figure.wide) == ["2021", "2022"]
    assert figure.wide.count('class="tl-tick"') == 3  # 1 Jan 2021, 2022 and 2023
    assert figure.wide.count('class="tl-band"') == 1  # every other year is shaded: 2022
    axis = ET.fromstring(figure.wide).find(f"{SVG}g")
    assert axis.get("aria-hidden") == "true" and axis.find(f"{SVG}a") is None  # decoration only
    assert size(figure.wide)[0] == timeline_svg.WIDE_WIDTH


def test_narrow_drawing_runs_top_to_bottom_and_fits_a_phone():
    figure = render([brief("2021-01-01", stem="a"), brief("2021-07-02", stem="b"), brief("2022-12-31", stem="c")])
    ys = [m["box"][1] for m in marks(figure.narrow)]
    assert ys == sorted(ys) and ys[0] < ys[1] < ys[2]
    assert re.findall(r'<text class="tl-year"[^>]*>(\d{4})</text>', figure.narrow) == ["2021", "2022"]
    width, _ = size(figure.narrow)
    assert width == timeline_svg.NARROW_WIDTH <= 288  # the column of a 320-pixel screen


@pytest.mark.parametrize("briefs", [
    [brief(f"2023-12-0{d}", stem=f"s{d}") for d in range(1, 8)],  # a busy week
    [brief("2023-05-05", stem=f"same{i}") for i in range(25)],  # more on one day than a row holds
    [brief(f"20{20 + i % 6}-0{1 + i % 9}-1{i % 10}", stem=f"m{i}") for i in range(120)],
], ids=["week", "one-day", "spread"])
@pytest.mark.parametrize("drawing", ["wide", "narrow"])
def test_marks_are_big_enough_to_tap_never_overlap_and_stay_inside_the_drawing(briefs, drawing):
    svg = getattr(render(briefs), drawing)
    found = marks(svg)
    assert len(found) == len(briefs)
    width, height = size(svg)
    for mark in found:
        x, y, w, h = mark["box"]
        assert w >= 24 and h >= 24, mark
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height, (mark, width, height)
    assert overlapping(found) == []


def test_marks_far_apart_share_one_lane():
    figure = render([brief("2020-01-01", stem="a"), brief("2024-06-01", stem="b")])
    wide, narrow = marks(figure.wide), marks(figure.narrow)
    assert wide[0]["box"][1] == wide[1]["box"][1] and narrow[0]["box"][0] == narrow[1]["box"][0]


def test_layout_is_deterministic_and_ignores_input_order():
    briefs = [brief(f"2022-0{m}-1{m}", "summit" if m % 2 else "statement", stem=f"x{m}") for m in range(1, 10)]
    assert render(briefs) == render(list(reversed(briefs)))


def test_large_archives_draw_the_newest_and_say_so(monkeypatch):
    monkeypatch.setattr(timeline_svg, "MAX_MARKS", 3)
    briefs = [brief(f"2020-0{m}-01", stem=f"m{m}") for m in range(1, 7)]
    figure = render(briefs)
    assert (figure.shown, figure.total, figure.first) == (3, 6, dt.date(2020, 4, 1))
    assert len(marks(figure.wide)) == len(marks(figure.narrow)) == 3


def test_no_briefs_no_figure():
    figure = render([])
    assert (figure.wide, figure.narrow, figure.legend, figure.shown) == ("", "", (), 0)


def test_twelve_types_differ_by_shape_or_fill_alone_and_colours_cycle():
    many = tuple(Term(f"t{i}", f"T{i}", "d") for i in range(timeline_svg.PALETTE_SIZE + 2))
    styles = type_styles(many)
    looks = [(s.path, "tl-open" in s.css_class) for s in list(styles.values())[: timeline_svg.PALETTE_SIZE]]
    assert len(set(looks)) == timeline_svg.PALETTE_SIZE  # told apart without any colour
    assert len({s.shape for s in styles.values()}) >= timeline_svg.PALETTE_SIZE
    assert styles["t0"].css_class.split()[0] == "tl-c0" and styles[f"t{timeline_svg.PALETTE_SIZE}"].css_class.split()[0] == "tl-c0"


def _palette(css: str) -> dict[str, str]:
    return dict(re.findall(r"--(c\d+|bg|surface):\s*(#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3}))\b", css))


def test_every_type_colour_has_3_to_1_contrast_on_the_page_and_on_the_year_bands_in_both_schemes():
    css = (STATIC / "style.css").read_text()
    split = css.index("prefers-color-scheme: dark")
    schemes = {"light": _palette(css[:split]), "dark": _palette(css[split:])}
    schemes["print"] = _palette((STATIC / "print.css").read_text())
    low = []
    for scheme, palette in schemes.items():
        for i in range(timeline_svg.PALETTE_SIZE):
            for ground in ("bg", "surface"):
                ratio = contrast(palette[f"c{i}"], palette[ground])
                if ratio < 3:
                    low.append(f"{scheme}: --c{i} on --{ground}: {ratio:.2f}")
    assert low == []
    assert contrast("#777777", "#ffffff") < 4.5 < contrast("#595959", "#ffffff")  # control: the formula


def test_every_palette_class_has_a_colour_in_light_dark_and_print():
    css, print_css = (STATIC / "style.css").read_text(), (STATIC / "print.css").read_text()
    dark = css[css.index("prefers-color-scheme: dark"):]
    for i in range(timeline_svg.PALETTE_SIZE):
        assert f".tl-c{i} {{ --mark: var(--c{i}); }}" in css
        assert f"--c{i}:" in css[: css.index("prefers-color-scheme: dark")] and f"--c{i}:" in dark and f"--c{i}:" in print_css

"""Screenshots at phone and desktop widths: no page scrolls sideways, the timeline fits."""

from __future__ import annotations

import pytest

PAGES = [
    "",
    "timeline/",
    "briefs/2023-12-07-first-bilateral-joint-statement/",
    "briefs/2022-09-13-border-fighting-september-2022/",
    "years/",
    "years/2025/",
    "types/",
    "actors/armenia/",
    "tags/",
    "methodology/",
    "data/",
    "404.html",
    "tracks/",
    "tracks/peace-treaty/",
    "tracks/border/",
    "tracks/mediation-formats/",
    "tracks/security/",
    "reactions/",
    "actors/russia/",
]


@pytest.mark.parametrize("width", [320, 375, 1280])
def test_no_horizontal_overflow(bundled_site, serve_folder, browser, width, tmp_path):
    base = serve_folder(bundled_site)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    overflowing = []
    try:
        for path in PAGES:
            page.goto(base + path)
            shot = tmp_path / f"{path.strip('/').replace('/', '_') or 'home'}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5000
            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            if scroll_width > inner_width:
                overflowing.append(f"/{path}: {scroll_width}px wide at {inner_width}px")
    finally:
        context.close()
    assert overflowing == []


def test_overflow_check_catches_a_wide_page(serve_folder, browser, tmp_path):
    """Control: a page wider than the viewport is reported by the same measurement."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><body><pre>' + "x" * 400 + "</pre></body></html>", encoding="utf-8")
    context = browser.new_context(viewport={"width": 375, "height": 600})
    page = context.new_page()
    page.goto(serve_folder(tmp_path))
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    context.close()
    assert scroll_width > inner_width


def test_home_timeline_scales_on_desktop_and_scrolls_inside_its_box_on_phones(bundled_site, serve_folder, browser):
    base = serve_folder(bundled_site)
    for width, scrolls in ((1280, False), (375, True)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(base)
        box = page.locator(".timeline-scroll")
        inner, outer = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert (inner > outer) == scrolls, (width, inner, outer)
        mark = page.locator(".tl-mark circle").first.bounding_box()
        assert mark and mark["width"] >= 7  # marks stay big enough to see and hit
        context.close()


def test_contents_sit_beside_the_text_on_wide_screens_and_above_it_on_phones(bundled_site, serve_folder, browser):
    url = serve_folder(bundled_site) + "briefs/2023-12-07-first-bilateral-joint-statement/"
    for width, beside in ((1280, True), (375, False)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(url)
        toc, body = page.locator(".toc").bounding_box(), page.locator(".brief > .body").bounding_box()
        if beside:
            assert toc["x"] >= body["x"] + body["width"] and toc["y"] < body["y"] + body["height"]
        else:
            assert toc["y"] + toc["height"] <= body["y"]
        context.close()


def test_track_charts_fit_a_phone_and_stay_readable(bundled_site, serve_folder, browser):
    """At 375 px the charts fit the column (no box of their own to scroll), their labels are
    at least 11 px tall and their marks at least 10 px wide; at 1280 px they do not sprawl."""
    base = serve_folder(bundled_site)
    for width in (375, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for path in ("tracks/", "tracks/border/", "tracks/mediation-formats/"):
            page.goto(base + path)
            figure = page.locator(".track-svg").first.bounding_box()
            main = page.locator("main").bounding_box()
            assert figure and main and figure["width"] <= main["width"], (width, path)
            label = page.locator(".track-svg .tr-label").first.bounding_box()
            assert label and label["height"] >= 11, (width, path, label)
            mark = page.locator(".track-svg .tr-mark path").first.bounding_box()
            assert mark and mark["width"] >= 10, (width, path, mark)
            if width == 1280:
                assert figure["width"] <= 600
        context.close()

"""Keyboard readers: the skip link appears on first Tab and focus is always visible."""

from __future__ import annotations

FOCUS_STYLE = "el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"


def test_skip_link_is_first_visible_on_focus_and_leads_to_main(bundled_site, serve_folder, page):
    page.goto(serve_folder(bundled_site) + "timeline/")
    skip = page.locator(".skip-link")
    assert skip.bounding_box()["y"] < 0  # hidden off-screen until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["height"] > 10
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_focused_links_and_timeline_marks_show_a_visible_indicator(bundled_site, serve_folder, page):
    page.goto(serve_folder(bundled_site))
    for _ in range(3):  # skip link, site title, search box
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the search button
    for _ in range(page.locator(".language-menu a").count()):  # this page in the other languages
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the first navigation link
    focused = page.evaluate_handle("document.activeElement")
    assert focused.evaluate("el => el.textContent") == "Timeline"
    style, width = focused.evaluate(FOCUS_STYLE)
    assert style != "none" and width >= 2
    for width, drawing in ((1280, ".timeline-wide"), (375, ".timeline-narrow")):
        page.set_viewport_size({"width": width, "height": 800})
        mark = page.locator(f"{drawing} .tl-mark").nth(1)
        mark.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus arrives by keyboard, so :focus-visible applies
        assert mark.evaluate("el => el === document.activeElement")
        ring = mark.locator(".tl-hit").evaluate("el => { const s = getComputedStyle(el); return [parseFloat(s.strokeWidth), s.stroke]; }")
        assert ring[0] >= 3 and ring[1] not in ("none", "rgba(0, 0, 0, 0)"), ring  # a square around the whole target

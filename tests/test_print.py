"""Printing: black on white, the content only: no navigation, controls or links that only
work on a screen; the timeline across the page in colour; link targets spelled out."""

from __future__ import annotations

import pytest

from site_fixture import REPOSITORY_SETTINGS, build_fixture

HIDDEN = "els => els.map(el => getComputedStyle(el).display)"


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory):
    """The fixture with a repository: its briefs carry correction and edit links."""
    return build_fixture(tmp_path_factory.mktemp("print") / "fixture", settings=REPOSITORY_SETTINGS)


def displays(page, selector: str) -> list[str]:
    return page.locator(selector).evaluate_all(HIDDEN)


def test_print_styles_hide_chrome_and_keep_the_timeline(bundled_site, serve_folder, page):
    page.emulate_media(media="print", color_scheme="dark")
    page.goto(serve_folder(bundled_site))
    for selector in (".site-nav", ".header-search", ".skip-link", ".site-footer nav", ".reuse-links", ".timeline-narrow"):
        assert set(displays(page, selector)) == {"none"}, selector
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert displays(page, ".timeline-wide") == ["block"]  # across the page, whatever the paper's width
    fills = page.locator(".timeline-wide .tl-shape").evaluate_all(
        "els => els.map(el => { const s = getComputedStyle(el); return s.fill === 'none' ? s.stroke : s.fill; })")
    assert len(fills) == len(list((bundled_site / "briefs").iterdir())) and len(set(fills)) > 3 and "none" not in fills
    assert page.locator(".site-footer .license").is_visible()  # the licence stays on paper
    page.goto(serve_folder(bundled_site) + "briefs/2023-12-07-first-bilateral-joint-statement/")
    after = page.locator(".sources a").first.evaluate("el => getComputedStyle(el, '::after').content")
    assert "https://" in after  # source addresses are spelled out on paper


def test_a_printed_brief_leaves_out_toggles_related_briefs_and_links_for_the_screen(linked_site, serve_folder, page):
    page.emulate_media(media="print")
    page.goto(serve_folder(linked_site) + "briefs/2023-12-07-joint-statement/")
    for selector in (".breadcrumb", ".toc", ".related", ".neighbours", ".improve", ".cite summary", ".cite-format:not(:first-of-type)"):
        assert page.locator(selector).count() > 0, selector  # the page has it on screen
        assert set(displays(page, selector)) == {"none"}, selector
    for selector in ("h1", ".facts", ".body", ".corrections", ".sources", "#cite-plain"):
        assert page.locator(selector).is_visible(), selector  # the brief itself, and how to cite it
    page.emulate_media(media="screen")
    for selector in (".related", ".improve", ".cite summary", ".neighbours"):
        assert "none" not in displays(page, selector), selector  # control: all there on screen


def test_printed_lists_and_pages_leave_out_pagers_orders_and_forms(linked_site, serve_folder, page):
    page.emulate_media(media="print")
    base = serve_folder(linked_site)
    page.goto(base + "timeline/oldest/page/2/")
    for selector in (".pager", ".timeline-order", ".year-jump"):
        assert page.locator(selector).count() and set(displays(page, selector)) == {"none"}, selector
    assert page.locator(".brief-list").first.is_visible()
    page.goto(base + "about/")
    assert set(displays(page, ".take-part")) == {"none"}
    assert page.locator(".prose").is_visible()
    page.goto(base + "search/?q=prisoners")
    page.wait_for_function("() => document.getElementById('search-region').getAttribute('aria-busy') === 'false'")
    for selector in (".search-form", ".search-toolbar"):
        assert set(displays(page, selector)) == {"none"}, selector


def test_screen_styles_follow_the_colour_scheme(bundled_site, serve_folder, page):
    base = serve_folder(bundled_site)
    colours = {}
    for scheme in ("light", "dark"):
        page.emulate_media(media="screen", color_scheme=scheme)
        page.goto(base)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert page.locator(".site-nav").evaluate("el => getComputedStyle(el).display") != "none"
    assert colours == {"light": "rgb(251, 250, 247)", "dark": "rgb(22, 24, 28)"}

"""Printing: black on white without navigation chrome, the timeline still in colour."""

from __future__ import annotations


def test_print_styles_hide_chrome_and_keep_the_timeline(bundled_site, serve_folder, page):
    page.emulate_media(media="print", color_scheme="dark")
    page.goto(serve_folder(bundled_site))
    assert page.locator(".site-nav").evaluate("el => getComputedStyle(el).display") == "none"
    assert page.locator(".header-search").evaluate("el => getComputedStyle(el).display") == "none"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    fills = page.locator(".tl-mark circle").evaluate_all("els => els.map(el => getComputedStyle(el).fill)")
    assert len(fills) == len(list((bundled_site / "briefs").iterdir())) and len(set(fills)) > 3 and "none" not in fills
    page.goto(serve_folder(bundled_site) + "briefs/2023-12-07-first-bilateral-joint-statement/")
    after = page.locator(".sources a").first.evaluate("el => getComputedStyle(el, '::after').content")
    assert "https://" in after  # source addresses are spelled out on paper


def test_screen_styles_follow_the_colour_scheme(bundled_site, serve_folder, page):
    base = serve_folder(bundled_site)
    colours = {}
    for scheme in ("light", "dark"):
        page.emulate_media(media="screen", color_scheme=scheme)
        page.goto(base)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert page.locator(".site-nav").evaluate("el => getComputedStyle(el).display") != "none"
    assert colours == {"light": "rgb(251, 250, 247)", "dark": "rgb(22, 24, 28)"}

"""The bundled site opens in a real browser and its navigation works."""


def test_home_page_links_to_a_brief_in_chromium(bundled_site, serve_folder, page):
    base = serve_folder(bundled_site)
    page.goto(base)
    first = page.locator(".brief-list a").first
    title = first.inner_text()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    assert "/briefs/" in page.url
    assert page.console_errors == []

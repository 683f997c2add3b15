"""Searching the bundled archive in Chromium: queries, stemming, filters, sorting, the URL
as the state of a search, keyboard use, no-JavaScript fallback and accessibility — at the
site root and under a sub-path."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from briefing.site.archive import assemble_archive
from briefing.build import BuildOptions, build_site
from briefing.content.loader import load_content
from conftest import REPO, build_repository

HANDOVER = "2023-12-13-prisoners-handed-over-at-border"


@pytest.fixture(scope="module")
def archive():
    return assemble_archive(load_content(REPO, REPO / "content"))


@pytest.fixture(scope="module")
def subpath_site(tmp_path_factory):
    """The bundled archive built for publication under /archive/."""
    out = tmp_path_factory.mktemp("subpath") / "site"
    build_repository(out, base_url="http://127.0.0.1/archive/")
    return out


@pytest.fixture(params=["root", "subpath"])
def site(request, bundled_site, serve_folder):
    """Base URL of the served bundled archive, at '/' and at '/archive/'."""
    if request.param == "root":
        return serve_folder(bundled_site)
    return serve_folder(request.getfixturevalue("subpath_site"), "/archive/")


def result_ids(page) -> list[str]:
    hrefs = page.locator(".search-result h3 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [re.search(r"/briefs/([^/]+)/$", href).group(1) for href in hrefs]


def wait_for_status(page, pattern: str) -> str:
    status = page.locator("#search-status")
    page.wait_for_function(
        "([sel, re]) => new RegExp(re).test(document.querySelector(sel).textContent)", arg=["#search-status", pattern],
        timeout=10_000,
    )
    return status.inner_text()


def search(page, base: str, query: str) -> None:
    page.goto(base + "search/")
    page.locator("#q").fill(query)  # an input event: results appear without pressing Enter
    wait_for_status(page, "match")


def show_all(page) -> None:
    more = page.locator("#search-more")
    while more.is_visible():
        count = page.locator(".search-result").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.search-result').length > n", arg=count)


def test_prisoner_release_query_finds_the_december_2023_handover_first(site, page):
    base_path = urlsplit(site).path
    search(page, site, "prisoners released December 2023")
    first = page.locator(".search-result").first
    assert result_ids(page)[0] == HANDOVER
    link = first.locator("h3 a")
    assert link.get_attribute("href") == f"{base_path}briefs/{HANDOVER}/"
    assert "13 December 2023" in first.locator(".meta").inner_text()
    assert "Prisoner release" in first.locator(".meta").inner_text()
    assert first.locator(".excerpt mark").count() > 0  # matched words are highlighted
    assert parse_qs(urlsplit(page.url).query) == {"q": ["prisoners released December 2023"]}
    link.click()
    page.wait_for_url(f"**{base_path}briefs/{HANDOVER}/")
    assert "servicemen" in page.locator("h1").inner_text()
    assert page.console_errors == []  # includes Content-Security-Policy violations


def test_stemmed_query_finds_the_root_form(bundled_site, serve_folder, page, archive):
    # "handovers" occurs nowhere in the archive; "handover" does.
    texts = {b.id: f"{b.title} {b.summary} {b.body.text}".lower() for b in archive.briefs}
    assert not any("handovers" in text for text in texts.values())
    search(page, serve_folder(bundled_site), "handovers")
    found = set(result_ids(page))
    assert HANDOVER in found and all("handover" in texts[i] for i in found)


def test_a_filter_narrows_results_to_matching_briefs(site, page, archive):
    search(page, site, "border")
    show_all(page)
    unfiltered = set(result_ids(page))
    page.get_by_role("checkbox", name=re.compile(r"^Border delimitation \(\d+\)$")).check()
    wait_for_status(page, r"^\d+ milestones? match")
    show_all(page)
    filtered = set(result_ids(page))
    of_type = {b.id for b in archive.briefs if b.type == "border-delimitation"}
    assert filtered and filtered < unfiltered and filtered <= of_type
    assert filtered == unfiltered & of_type
    assert parse_qs(urlsplit(page.url).query) == {"q": ["border"], "type": ["border-delimitation"]}
    # The facet count for the chosen type is the number of its briefs found.
    label = page.get_by_role("checkbox", name=re.compile(r"^Border delimitation")).locator("xpath=..").inner_text()
    assert label.strip() == f"Border delimitation ({len(filtered)})"
    # A second facet narrows further: year.
    year = max(b.year for b in archive.briefs if b.id in filtered)
    page.get_by_role("checkbox", name=re.compile(rf"^{year} \(\d+\)$")).check()
    wait_for_status(page, r"match")
    assert set(result_ids(page)) == {b.id for b in archive.briefs if b.id in filtered and b.year == year}


def test_sorting_by_date_orders_results(site, page):
    search(page, site, "border")
    show_all(page)
    relevant = result_ids(page)
    all_dates = page.locator(".search-result time").evaluate_all("ts => ts.map(t => t.dateTime)")
    for choice, reverse in (("newest", True), ("oldest", False)):
        page.locator("#search-sort").select_option(choice)
        expected_first = max(all_dates) if reverse else min(all_dates)
        page.wait_for_function(
            "([choice, first]) => location.search.includes('sort=' + choice)"
            " && document.querySelector('.search-result time').dateTime === first",
            arg=[choice, expected_first],
        )
        show_all(page)
        dates = page.locator(".search-result time").evaluate_all("ts => ts.map(t => t.dateTime)")
        assert dates == sorted(dates, reverse=reverse) and len(set(dates)) > 1
        assert sorted(result_ids(page)) == sorted(relevant)


def test_url_restores_the_search_and_back_forward_work(site, page):
    page.goto(site + "search/?q=border&type=border-delimitation&sort=oldest")
    wait_for_status(page, "match")
    assert page.locator("#q").input_value() == "border"
    assert page.locator("#search-sort").input_value() == "oldest"
    assert page.get_by_role("checkbox", name=re.compile("^Border delimitation")).is_checked()
    restored = result_ids(page)
    assert restored and all(
        page.locator(".search-result .meta").nth(i).inner_text().endswith("Border delimitation") for i in range(len(restored))
    )
    page.get_by_role("checkbox", name=re.compile("^Border delimitation")).uncheck()
    page.wait_for_function("() => !location.search.includes('type=')")
    wait_for_status(page, "match")
    assert len(result_ids(page)) >= len(restored)
    page.go_back()
    page.wait_for_function("() => location.search.includes('type=border-delimitation')")
    page.wait_for_function("n => document.querySelectorAll('.search-result').length === n", arg=len(restored))
    assert page.get_by_role("checkbox", name=re.compile("^Border delimitation")).is_checked()
    assert result_ids(page) == restored
    page.go_forward()
    page.wait_for_function("() => !location.search.includes('type=')")
    assert not page.get_by_role("checkbox", name=re.compile("^Border delimitation")).is_checked()


def test_empty_result_helps(bundled_site, serve_folder, page):
    search(page, serve_folder(bundled_site), "zzyzxq")
    assert page.locator("#search-status").inner_text() == "No milestones match “zzyzxq”."
    help_box = page.locator("#search-empty")
    assert help_box.is_visible() and "Check the spelling" in help_box.inner_text()
    assert help_box.get_by_role("link", name="Timeline").get_attribute("href") == "/timeline/"


def test_header_search_form_leads_to_results(site, page):
    page.goto(site)
    page.locator("#header-q").fill("prisoners released December 2023")
    page.locator("#header-q").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=prisoners\+released"))
    wait_for_status(page, "match")
    assert result_ids(page)[0] == HANDOVER


def test_keyboard_only_search_filter_and_open(bundled_site, serve_folder, page):
    page.goto(serve_folder(bundled_site) + "search/")
    page.wait_for_selector("#search:not([hidden])")

    def tab_to(predicate: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const e = document.activeElement; return {predicate}; }}"):
                return
        raise AssertionError(f"Tab never reached {predicate}")

    tab_to("e.id === 'q'")
    page.keyboard.type("prisoners")
    page.keyboard.press("Enter")
    wait_for_status(page, "match")
    tab_to("e.name === 'type' && e.value === 'prisoner-release'")
    page.keyboard.press("Space")
    page.wait_for_function("() => location.search.includes('type=prisoner-release')")
    wait_for_status(page, "match")
    tab_to("e.closest && e.closest('.search-result') !== null")
    target = page.evaluate("() => document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + target)
    assert page.locator("article.brief").count() == 1


def test_without_javascript_the_page_links_to_browse_pages(bundled_site, serve_folder, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(serve_folder(bundled_site) + "search/?q=border")
    message = page.locator(".search-noscript")
    assert message.is_visible() and "needs JavaScript" in message.inner_text()
    links = message.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert links == ["/timeline/", "/years/", "/types/", "/actors/", "/tags/"]
    assert not page.locator("#search").is_visible()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_page_with_results_has_no_axe_violations(bundled_site, serve_folder, page, scheme):
    page.emulate_media(color_scheme=scheme)
    search(page, serve_folder(bundled_site), "prisoners")
    page.get_by_role("checkbox", name=re.compile(r"^Prisoner release")).check()
    wait_for_status(page, "match")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_search_works_under_the_csp_without_a_worker(bundled_site, serve_folder, page):
    # Without Web Workers Pagefind compiles its WebAssembly on the page, under the page's
    # Content-Security-Policy: this is what 'wasm-unsafe-eval' is there for.
    page.add_init_script("delete window.Worker")
    search(page, serve_folder(bundled_site), "prisoners released December 2023")
    assert result_ids(page)[0] == HANDOVER
    assert page.console_errors == []


def test_archive_without_briefs_says_there_is_nothing_to_search(project, serve_folder, page):
    project.build()
    page.goto(serve_folder(project.out) + "search/?q=border")
    status = page.locator("#search-status")
    status.wait_for()
    page.wait_for_function("() => document.querySelector('#search-status').textContent !== ''")
    assert status.inner_text() == "There are no milestones to search yet."
    assert not page.locator(".search-layout").is_visible()

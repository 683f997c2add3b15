"""Searching the bundled archive in Chromium: queries, stemming, filters, sorting, the URL
as the state of a search, keyboard use, phones, no-JavaScript fallback and accessibility —
at the site root and under a sub-path.

Every step waits for the state the page exposes for it: the results region's aria-busy
turns "false" (with the query string of what it shows in data-state) once the results and
count on screen answer the current address. Never for text, which may already be there.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from briefing.build import BuildOptions, build_site
from briefing.content.loader import load_content
from briefing.site.archive import assemble_archive
from conftest import REPO, build_repository, sized_page

HANDOVER = "2023-12-13-prisoners-handed-over-at-border"
# WCAG 2.0-2.2 A and AA rules.
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
# Phones (the smallest in use, and a common one) and a desktop, with their screen heights.
SCREENS = [(320, 568), (375, 667), (1280, 800)]
SETTLED = """() => {
  const region = document.getElementById('search-region');
  return region !== null && region.getAttribute('aria-busy') === 'false'
    && region.dataset.state === location.search.replace(/^\\?/, '');
}"""


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


def settled(page) -> None:
    """Wait until the results and count on screen are those of the current address."""
    page.wait_for_function(SETTLED, timeout=20_000)


def status(page) -> str:
    return page.locator("#search-status").inner_text()


def result_ids(page) -> list[str]:
    hrefs = page.locator(".search-result h3 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [re.search(r"/briefs/([^/]+)/$", href).group(1) for href in hrefs]


def open_search(page, base: str, query: str = "") -> None:
    page.goto(base + "search/" + (f"?{query}" if query else ""))
    settled(page)


def search(page, base: str, query: str) -> None:
    open_search(page, base)
    page.locator("#q").fill(query)  # an input event: results appear without pressing Enter
    settled(page)


def open_filters(page) -> None:
    toggle = page.locator("#search-filters-toggle")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.locator("#search-controls").wait_for(state="visible")


def choose(page, name_pattern: str, checked: bool = True, group: str = "") -> None:
    """Tick or untick a filter (in the filter group named `group`, where two groups offer
    the same name, as Actor and Place do 'Armenia') and wait for the results that answer it."""
    open_filters(page)
    scope = page.get_by_role("group", name=group, exact=True) if group else page
    box = scope.get_by_role("checkbox", name=re.compile(name_pattern))
    box.check() if checked else box.uncheck()
    settled(page)


def show_all(page) -> None:
    more = page.locator("#search-more")
    while more.is_visible():
        more.click()
        settled(page)


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


def test_a_multi_day_event_shows_its_range_of_days(bundled_site, serve_folder, page, archive):
    ranged = next(b for b in archive.briefs if b.end_date and b.end_date.month == b.date.month)
    search(page, serve_folder(bundled_site), ranged.title)
    index = result_ids(page).index(ranged.id)
    meta = page.locator(".search-result .meta").nth(index).inner_text()
    assert meta.startswith(f"{ranged.date.day}–{ranged.end_date.day} {ranged.date:%B %Y}"), meta


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
    choose(page, r"^Border delimitation \(\d+\)$")
    show_all(page)
    filtered = set(result_ids(page))
    of_type = {b.id for b in archive.briefs if b.type == "border-delimitation"}
    assert filtered and filtered < unfiltered and filtered <= of_type
    assert filtered == unfiltered & of_type
    assert parse_qs(urlsplit(page.url).query) == {"q": ["border"], "type": ["border-delimitation"]}
    assert status(page) == f"{len(filtered)} milestone{'s match' if len(filtered) > 1 else ' matches'} “border”."
    # The facet count for the chosen type is the number of its briefs found.
    label = page.get_by_role("checkbox", name=re.compile(r"^Border delimitation")).locator("xpath=..").inner_text()
    assert label.strip() == f"Border delimitation ({len(filtered)})"
    # A second facet narrows further: year.
    year = max(b.year for b in archive.briefs if b.id in filtered)
    choose(page, rf"^{year} \(\d+\)$")
    show_all(page)
    assert set(result_ids(page)) == {b.id for b in archive.briefs if b.id in filtered and b.year == year}


def test_filters_wait_behind_one_control_that_says_how_many_are_active(bundled_site, serve_folder, page):
    search(page, serve_folder(bundled_site), "border")
    toggle = page.locator("#search-filters-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator(".facet input:visible").count() == 0  # collapsed: not one checkbox in the way
    assert toggle.text_content().strip() == "Filters and sorting"
    choose(page, r"^Border delimitation")
    choose(page, r"^Armenia \(", group="Actor")
    assert toggle.text_content() == "Filters and sorting (2 active)"
    assert page.get_by_role("button", name="Filters and sorting (2 active)", exact=True).count() == 1  # its accessible name
    page.locator("#search-sort").select_option("newest")
    settled(page)
    assert toggle.text_content() == "Filters and sorting (2 active, Newest first)"
    toggle.click()  # closed again, it still tells
    assert toggle.get_attribute("aria-expanded") == "false" and not page.locator("#search-controls").is_visible()
    assert "(2 active" in toggle.text_content()
    open_filters(page)
    page.locator("#search-clear").click()
    settled(page)
    assert toggle.text_content() == "Filters and sorting (Newest first)"
    assert parse_qs(urlsplit(page.url).query) == {"q": ["border"], "sort": ["newest"]}


def test_sorting_by_date_orders_results(site, page):
    search(page, site, "border")
    show_all(page)
    relevant = result_ids(page)
    open_filters(page)
    for choice, reverse in (("newest", True), ("oldest", False)):
        page.locator("#search-sort").select_option(choice)
        settled(page)
        assert parse_qs(urlsplit(page.url).query)["sort"] == [choice]
        show_all(page)
        dates = page.locator(".search-result time").evaluate_all("ts => ts.map(t => t.dateTime)")
        assert dates == sorted(dates, reverse=reverse) and len(set(dates)) > 1
        assert sorted(result_ids(page)) == sorted(relevant)


def test_url_restores_the_search_and_back_forward_work(site, page):
    open_search(page, site, "q=border&type=border-delimitation&sort=oldest")
    assert page.locator("#q").input_value() == "border"
    assert page.locator("#search-sort").input_value() == "oldest"
    assert page.get_by_role("checkbox", name=re.compile("^Border delimitation"), include_hidden=True).is_checked()
    restored = result_ids(page)
    assert restored and all(
        page.locator(".search-result .meta").nth(i).inner_text().endswith("Border delimitation") for i in range(len(restored))
    )
    choose(page, "^Border delimitation", checked=False)
    assert "type=" not in page.url
    assert len(result_ids(page)) >= len(restored)
    page.go_back()
    page.wait_for_url(re.compile(r"type=border-delimitation"))
    settled(page)
    assert page.get_by_role("checkbox", name=re.compile("^Border delimitation")).is_checked()
    assert result_ids(page) == restored
    page.go_forward()
    page.wait_for_url(re.compile(r"^(?!.*type=)"))
    settled(page)
    assert not page.get_by_role("checkbox", name=re.compile("^Border delimitation")).is_checked()


def test_empty_result_helps(bundled_site, serve_folder, page):
    search(page, serve_folder(bundled_site), "zzyzxq")
    assert status(page) == "No milestones match “zzyzxq”."
    help_box = page.locator("#search-empty")
    assert help_box.is_visible() and "Check the spelling" in help_box.inner_text()
    assert help_box.get_by_role("link", name="Timeline").get_attribute("href") == "/timeline/"


def test_header_search_form_leads_to_results(site, page):
    page.goto(site)
    page.locator("#header-q").fill("prisoners released December 2023")
    page.locator("#header-q").press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=prisoners\+released"))
    settled(page)
    assert result_ids(page)[0] == HANDOVER


def test_the_search_page_has_one_search_box(bundled_site, serve_folder, page):
    open_search(page, serve_folder(bundled_site), "q=border")
    assert page.locator("input[type=search]").count() == 1
    assert page.locator("#header-q").count() == 0
    assert page.get_by_role("searchbox", name="Search the archive").count() == 1


@pytest.mark.parametrize("width, height", SCREENS, ids=[f"{w}px" for w, _ in SCREENS])
def test_the_first_result_is_on_the_first_screen_and_three_tabs_from_the_box(bundled_site, serve_folder, browser, width, height):
    with sized_page(browser, width, height) as page:
        search(page, serve_folder(bundled_site), "border")
        assert page.evaluate("scrollY") == 0
        first = page.locator(".search-result h3 a").first.bounding_box()
        assert first["y"] >= 0 and first["y"] + first["height"] <= height, (first, height)
        page.locator("#q").focus()
        presses = 0
        while presses < 10 and not page.evaluate("document.activeElement.matches('.search-result h3 a')"):
            page.keyboard.press("Tab")
            presses += 1
        assert page.evaluate("document.activeElement.closest('.search-result') === document.querySelector('.search-result')")
        assert presses <= 3, presses


def test_a_skip_link_leads_past_the_form_to_the_results(bundled_site, serve_folder, page):
    open_search(page, serve_folder(bundled_site), "q=border")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Tab")
    skip = page.evaluate_handle("document.activeElement")
    assert skip.evaluate("el => [el.textContent, el.getBoundingClientRect().top >= 0]") == ["Skip to results", True]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "search-region"
    # Following the link changed only the address's #fragment: the results stay as they were.
    assert page.locator("#search-region").get_attribute("aria-busy") == "false"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.search-result') === document.querySelector('.search-result')")


def test_the_count_is_announced_once_politely_when_typing_pauses(bundled_site, serve_folder, page):
    open_search(page, serve_folder(bundled_site))
    announcer = page.locator("#search-announcer")
    assert announcer.get_attribute("role") == "status" and announcer.get_attribute("aria-live") == "polite"
    page.evaluate("""() => {
        window.announcements = [];
        new MutationObserver(() => window.announcements.push(document.getElementById('search-announcer').textContent))
          .observe(document.getElementById('search-announcer'), {childList: true, characterData: true, subtree: true});
    }""")
    page.locator("#q").press_sequentially("border", delay=60)  # results update while typing
    settled(page)
    page.wait_for_function("() => window.announcements.length > 0")
    page.wait_for_timeout(1500)  # long enough for any further announcement to have been made
    said = page.evaluate("window.announcements")
    assert said == [status(page)] and re.fullmatch(r"\d+ milestones match “border”\.", said[0]), said
    # The results region is not itself a live region: it would read every result out.
    assert page.locator("#search-region").get_attribute("aria-live") is None


def test_busy_turns_true_at_once_and_false_with_matching_results(bundled_site, serve_folder, page):
    """The settled state is honest: busy from the first keystroke, and not settled until
    the results on screen answer the address."""
    open_search(page, serve_folder(bundled_site))
    page.locator("#q").fill("border")
    assert page.locator("#search-region").get_attribute("aria-busy") == "true"  # set in the input handler
    settled(page)
    assert page.locator("#search-region").get_attribute("data-state") == "q=border"
    assert result_ids(page) and status(page).endswith("“border”.")


def test_keyboard_only_search_filter_and_open(bundled_site, serve_folder, page):
    open_search(page, serve_folder(bundled_site))

    def tab_to(predicate: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const e = document.activeElement; return {predicate}; }}"):
                return
        raise AssertionError(f"Tab never reached {predicate}")

    tab_to("e.id === 'q'")
    page.keyboard.type("prisoners")
    page.keyboard.press("Enter")
    settled(page)
    tab_to("e.id === 'search-filters-toggle'")
    page.keyboard.press("Enter")
    assert page.locator("#search-filters-toggle").get_attribute("aria-expanded") == "true"
    tab_to("e.name === 'type' && e.value === 'prisoner-release'")
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"type=prisoner-release"))
    settled(page)
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
    assert links == ["/timeline/", "/years/", "/types/", "/actors/", "/tags/", "/places/", "/people/"]
    assert not page.locator("#search").is_visible()
    assert not page.locator(".skip-results").is_visible()  # it would lead to nothing
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_search_page_with_results_and_open_filters_has_no_axe_violations(bundled_site, serve_folder, browser, scheme, width):
    with sized_page(browser, width, 900, scheme) as page:
        search(page, serve_folder(bundled_site), "prisoners")
        choose(page, r"^Prisoner release")
        results = Axe().run(page, options=WCAG_22_AA)
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
    open_search(page, serve_folder(project.out), "q=border")
    assert status(page) == "There are no milestones to search yet."
    assert not page.locator(".search-layout").is_visible()
    assert not page.locator("#search-filters-toggle").is_visible()

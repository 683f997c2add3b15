"""Searching names in Chromium, at the site root and under a sub-path: every spelling in the
names register finds the briefs that name it first; a word no brief holds finds nothing
(never pages that merely share its first letters); partial matches of a word being typed
are labelled; a search that finds nothing shows no empty filter groups and suggests close
names; places and people are filters.

Every step waits for the results region's settled state (aria-busy="false" with the
address's query string in data-state), never for text.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qs, quote_plus, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import sized_page
from test_search_browser import SETTLED, WCAG_22_AA, archive, choose, open_filters, result_ids, settled, site, status, subpath_site  # noqa: F401 - fixtures


def words(text: str) -> set[str]:
    """Words as search compares them: lower case, no accents, no punctuation inside a word."""
    folded = unicodedata.normalize("NFD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return {re.sub(r"[^\w]", "", w) for w in folded.split()} - {""}


def naming(archive, kind: str, entry_id: str) -> set[str]:
    return {b.id for b in archive.briefs if entry_id in (b.places if kind == "places" else b.people)}


def ask(page, base: str, query: str) -> None:
    """Search from the box (submitting skips the typing pause) and wait for the answer."""
    page.locator("#q").fill(query)
    page.locator("#q").press("Enter")
    page.wait_for_function(SETTLED, timeout=20_000)
    assert page.evaluate("document.getElementById('search-region').dataset.state") == f"q={quote_plus(query)}"


def all_results(page) -> list[str]:
    more = page.locator("#search-more")
    while more.is_visible():
        more.click()
        settled(page)
    return result_ids(page)


def test_every_spelling_in_the_register_finds_the_briefs_that_name_it_first(site, page, archive):
    page.goto(site + "search/")
    settled(page)
    misses = []
    checked = 0
    for kind in ("places", "people"):
        for entry in archive.names.kind(kind):
            expected = naming(archive, kind, entry.id)
            for spelling in entry.spellings:
                asked = words(spelling)
                # Briefs that name an entry with a spelling holding every word asked for are
                # equal matches by the register ("Lachin" is also in "Lachin corridor").
                tied = set().union(*(
                    naming(archive, k, e.id) for k in ("places", "people") for e in archive.names.kind(k)
                    if any(asked <= words(s) for s in e.spellings)
                ))
                ask(page, site, spelling)
                found = all_results(page)
                checked += 1
                if not expected:
                    if found or "No milestones match" not in status(page):
                        misses.append((spelling, "should find nothing", found[:3]))
                    continue
                top = found[: len(tied)]
                if not expected <= set(top) or not set(top) <= tied:
                    misses.append((spelling, sorted(expected), found[: len(tied) + 2]))
    assert checked == sum(len(e.spellings) for k in ("places", "people") for e in archive.names.kind(k)) > 500
    assert misses == []
    assert page.console_errors == []


# (Not words the English stemmer cuts back to a name: "Pashinyanism" is read as "Pashinyan",
# a stemmed form, and finds his briefs, as "prisoners" finds "prisoner".)
LONG_UNKNOWN = ["Stepanakertsi", "Vardenisyan", "Berdzorakan", "Pashinyanov", "Kalbajarov", "Zangezurian", "Nakhchivanskaya", "Brusselsprout"]


@pytest.mark.parametrize("query", LONG_UNKNOWN + ["Stepanakert border", "prisoners Berdzorakan"])
def test_long_words_in_no_brief_and_no_register_find_nothing(site, page, query):
    """Pagefind alone answers these with pages holding a shorter word they begin with
    ("step", "vardenis", "pashinyan"): never presented as matches."""
    page.goto(f"{site}search/?q={quote_plus(query)}")
    settled(page)
    assert status(page) == f"No milestones match “{query}”."
    assert result_ids(page) == []
    assert page.locator("#search-empty").is_visible()
    # No filter group is shown for nothing to filter, nor the title over none.
    page.locator("#search-filters-toggle").click()
    assert page.locator(".facet:visible").count() == 0
    assert not page.locator(".search-filters-title").is_visible()


def test_a_name_no_brief_gives_suggests_its_entry(site, page):
    base_path = urlsplit(site).path
    for query in ("Stepanakert", "Xankəndi", "Ханкенди"):
        page.goto(f"{site}search/?q={quote_plus(query)}")
        settled(page)
        assert status(page) == f"No milestones match “{query}”."
        suggestion = page.locator("#search-suggestions li").first
        assert suggestion.inner_text() == "Khankendi/Stepanakert (place, no milestone names it yet)"
        assert suggestion.get_by_role("link").get_attribute("href") == f"{base_path}places/khankendi-stepanakert/"


def test_close_names_are_suggested_for_a_mistyped_name(site, page):
    page.goto(f"{site}search/?q=Pashinyn")
    settled(page)
    assert status(page) == "No milestones match “Pashinyn”."
    assert page.locator("#search-suggestions").is_visible()
    assert page.locator("#search-suggestions li").first.inner_text() == "Nikol Pashinyan (person, 16 milestones)"
    page.goto(f"{site}search/?q=Nakhichevn+Karabag")
    settled(page)
    suggested = page.locator("#search-suggestions li a").all_inner_texts()
    assert "Nakhchivan" in suggested and "Nagorno-Karabakh" in suggested


def test_partial_matches_of_the_last_word_are_labelled_and_real(site, page, archive):
    texts = {
        b.id: words(f"{b.title} {b.summary} {b.body.text} " + " ".join(
            s for k, ids in (("places", b.places), ("people", b.people)) for i in ids for s in archive.names.get(k, i).spellings
        ))
        for b in archive.briefs
    }
    for query, word in (("Pashin", "pashin"), ("prisoners Garibash", "garibash")):
        page.goto(f"{site}search/?q={quote_plus(query)}")
        settled(page)
        found = all_results(page)
        last = query.split()[-1]
        many = f"{len(found)} partial matches, milestones with words beginning “{last}”."
        assert status(page) == f"No exact matches for “{query}”; " + (many if len(found) > 1 else f"1 partial match, a milestone with a word beginning “{last}”.")
        assert found and all(any(w.startswith(word) for w in texts[i]) for i in found)
        if " " not in query:  # every brief with such a word, none without
            assert set(found) == {i for i, text in texts.items() if any(w.startswith(word) for w in text)}
        else:
            assert all(any(w.startswith("prison") for w in texts[i]) for i in found)


def test_a_result_found_by_another_spelling_says_which_name_matched(site, page):
    page.goto(f"{site}search/?q={quote_plus('Пашинян')}")
    settled(page)
    assert re.fullmatch(r"16 milestones match “Пашинян”\.", status(page))
    assert page.locator(".search-result .named").first.inner_text() == "Names: Nikol Pashinyan"
    page.goto(f"{site}search/?q=Susa")
    settled(page)
    assert page.locator(".search-result .named").all_inner_texts() == ["Names: Shusha/Shushi"]


def test_places_and_people_are_filters(site, page, archive):
    page.goto(f"{site}search/?q=prisoners")
    settled(page)
    everything = set(all_results(page))
    choose(page, r"^Gazakh \(\d+\)$", group="Place")
    filtered = set(all_results(page))
    assert filtered and filtered == everything & naming(archive, "places", "gazakh")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["prisoners"], "place": ["gazakh"]}
    # A person, with no words at all.
    page.goto(f"{site}search/?person=nikol-pashinyan")
    settled(page)
    assert set(all_results(page)) == naming(archive, "people", "nikol-pashinyan")
    assert status(page) == "16 milestones match the filters."
    assert page.locator("input[name=person][value=nikol-pashinyan]").is_checked()
    assert page.locator("#search-filters-toggle").text_content() == "Filters and sorting (1 active)"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_suggestions_and_partial_matches_have_no_axe_violations(bundled_site, serve_folder, browser, scheme, width):
    base = serve_folder(bundled_site)
    with sized_page(browser, width, 900, scheme) as page:
        for query in ("Pashinyn", "Pashin"):
            page.goto(f"{base}search/?q={query}")
            settled(page)
            page.locator("#search-filters-toggle").click()
            results = Axe().run(page, options=WCAG_22_AA)
            assert results.violations_count == 0, results.generate_report()


def test_counts_wait_for_every_filter_index(bundled_site, serve_folder, page):
    """A search counts filter values only in the filter indexes loaded so far: the page must
    not settle with the counts of half of them (held back here until the search has run)."""
    held, released = [], []
    page.route("**/pagefind/filter/*", lambda route: route.continue_() if released else held.append(route))
    page.goto(serve_folder(bundled_site) + "search/?q=prisoners")
    page.wait_for_function("() => document.querySelector('.search-status') !== null")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(500)  # long enough for a search that does not wait to have finished
    assert held and page.locator("#search-region").get_attribute("aria-busy") == "true"
    released.append(True)
    for route in held:
        route.continue_()
    settled(page)
    open_filters(page)
    assert page.locator(".facet[data-facet=place] li:not([hidden])").count() > 10
    assert page.get_by_role("group", name="Place", exact=True).get_by_role("checkbox", name=re.compile(r"^Gazakh \(1\)$")).is_visible()

"""The languages in Chromium: search on each language's page finds that language's briefs
(an Armenian inflected form by its stem) and never English ones; Armenian renders in a face
that has its letters; Azerbaijani capitals keep the dotted İ; the screenshots a reviewer
looks at (375 and 1280 px, an Armenian and a Russian brief)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import sized_page

SCREENS_DIR = Path("/work/drafts/screens-20")
SETTLED = """() => {
  const region = document.getElementById('search-region');
  return region !== null && region.getAttribute('aria-busy') === 'false'
    && region.dataset.state === location.search.replace(/^\\?/, '');
}"""


def search(page, base: str, language: str, query: str) -> list[str]:
    """The result links of a search on a language's search page, once settled."""
    prefix = f"{language}/" if language != "en" else ""
    page.goto(f"{base}{prefix}search/?q={query}")
    page.wait_for_function(SETTLED, timeout=20_000)
    return page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")


def test_armenian_search_finds_inflected_forms_and_never_english_pages(bundled_site, serve_folder, page):
    base = serve_folder(bundled_site)
    # 'հանձնաժողովներով' (by the commissions, instrumental) appears nowhere: the Armenian text
    # has 'հանձնաժողովները', 'հանձնաժողովների'... The match is by the Armenian stem, which
    # Pagefind's exact search of a word compares (search.js shows only such matches: a page
    # whose words merely begin with the query's stem is not one).
    for text in Path("content/briefs").rglob("*.hy.md"):
        assert "հանձնաժողովներով" not in text.read_text(encoding="utf-8")
    found = search(page, base, "hy", "հանձնաժողովներով")
    assert "/hy/briefs/2024-04-19-tavush-gazakh-border-sections-agreed/" in found, found
    # Latin words that English pages are full of find no English page here.
    for query in ("Armenia", "border", "COP29", "TRIPP"):
        results = search(page, base, "hy", query)
        assert all(href.startswith("/hy/briefs/") for href in results), (query, results)
    assert search(page, base, "hy", "COP29") == ["/hy/briefs/2023-12-07-first-bilateral-joint-statement/"]
    # The Russian page: a Russian inflected form ('границы', genitive) finds 'границе', 'границу'...
    found = search(page, base, "ru", "границы")
    assert found and all(href.startswith("/ru/briefs/") for href in found), found
    # English search is unchanged and never shows translations.
    english = search(page, base, "en", "border")
    assert len(english) >= 5 and all(href.startswith("/briefs/") for href in english)
    # The count reads in the page's language, in the right plural form.
    page.goto(base + "ru/search/?q=границы")
    page.wait_for_function(SETTLED, timeout=20_000)
    status = page.text_content("#search-status")
    assert status.startswith("По запросу «границы» найдено"), status
    # The link to the English originals carries the query.
    assert page.get_attribute("#search-original", "href").endswith("/search/?q=%D0%B3%D1%80%D0%B0%D0%BD%D0%B8%D1%86%D1%8B")
    assert page.console_errors == []


def test_filter_labels_on_a_translations_search_page_are_translated(bundled_site, serve_folder, page):
    base = serve_folder(bundled_site)
    page.goto(base + "ru/search/?q=границы")
    page.wait_for_function(SETTLED, timeout=20_000)
    page.click("#search-filters-toggle")
    legends = page.eval_on_selector_all(".facet legend", "nodes => nodes.map(n => n.textContent)")
    assert legends == ["Тип", "Участник", "Год", "Тема", "Место", "Человек"]
    assert page.text_content("#search-filters-toggle").startswith("Фильтры и сортировка")


def test_armenian_text_is_set_in_a_face_that_has_armenian_letters(bundled_site, serve_folder, browser):
    """No web font is shipped: the system faces the stylesheet names for Armenian must be
    the ones used, and fontconfig must say they cover Armenian."""
    base = serve_folder(bundled_site)
    covering = subprocess.run(["fc-list", ":lang=hy", "family"], capture_output=True, text=True, check=True).stdout
    families = {name.strip() for line in covering.splitlines() for name in line.split(",")}
    assert families, "no font on this machine covers Armenian"
    with sized_page(browser, 1280) as page:
        page.goto(base + "hy/briefs/2024-04-19-tavush-gazakh-border-sections-agreed/")
        session = page.context.new_cdp_session(page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        for selector in ("h1", ".prose p", ".site-nav a"):
            node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
            used = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            assert used and all(font["familyName"] in families for font in used), (selector, used)
            assert not any(font["isCustomFont"] for font in used)


def test_azerbaijani_capitals_keep_the_dotted_i(bundled_site, serve_folder, browser):
    base = serve_folder(bundled_site)
    with sized_page(browser, 1280) as page:
        page.goto(base + "az/briefs/2024-04-19-tavush-gazakh-border-sections-agreed/")
        labels = page.eval_on_selector_all(".facts dt", "nodes => nodes.map(n => n.innerText)")
        assert "İŞTIRAKÇILAR" not in labels and "İŞTİRAKÇILAR" in labels, labels  # 'İştirakçılar'
        assert "DAİMİ KEÇİD" in labels, labels  # 'Daimi keçid': i → İ, not I
        page.goto(base + "briefs/2024-04-19-tavush-gazakh-border-sections-agreed/")
        assert "PERMANENT LINK" in page.eval_on_selector_all(".facts dt", "nodes => nodes.map(n => n.innerText)")


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_an_armenian_and_a_russian_brief(bundled_site, serve_folder, browser, width):
    base = serve_folder(bundled_site)
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    for code, brief in (("hy", "2024-04-19-tavush-gazakh-border-sections-agreed"), ("ru", "2023-12-07-first-bilateral-joint-statement")):
        with sized_page(browser, width, 900) as page:
            page.goto(f"{base}{code}/briefs/{brief}/")
            shot = SCREENS_DIR / f"{code}-brief-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
            assert scroll_width <= inner_width, (code, width, scroll_width)

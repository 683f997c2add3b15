"""axe-core in headless Chromium finds no WCAG 2.2 A or AA violation on any page kind, in
the light and dark schemes, on a phone and a desktop."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from conftest import sized_page
from site_fixture import REPOSITORY_SETTINGS, build_fixture

# WCAG 2.0-2.2 A and AA rules plus axe's best practices (landmarks, heading order, regions).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}
# One page of every kind the bundled archive has.
PAGES = [
    "",  # home: counts, timeline figure, latest
    "timeline/",
    "timeline/oldest/page/2/",
    "briefs/2023-12-07-first-bilateral-joint-statement/",
    "briefs/2023-09-19-karabakh-military-operation-and-ceasefire/",  # a range of days
    "years/",
    "years/2023/",
    "types/",
    "types/summit/",
    "actors/",
    "tags/prisoners/",
    "places/",
    "places/shusha-shushi/",  # a contested place: both names, forms in four scripts
    "places/nakhchivan/",
    "people/",
    "people/nikol-pashinyan/",  # a person named in many briefs
    "methodology/",
    "data/",
    "search/",
    "404.html",
    # Every language: a translated brief and page, a list mixing translated and English-only
    # briefs, the search page and the table of translations.
    "hy/briefs/2023-12-07-first-bilateral-joint-statement/",
    "hy/",
    "hy/search/",
    "az/briefs/2024-04-19-tavush-gazakh-border-sections-agreed/",
    "az/types/",
    "ru/briefs/2025-08-08-washington-summit-joint-declaration/",
    "ru/methodology/",
    "ru/timeline/",
    "translations/",
    "tracks/",  # status table, swimlane chart and its table
    "tracks/border/",  # a ladder: step chart, moves, levels, disputed judgements
    "tracks/mediation-formats/",  # lanes
    "tracks/security/",  # arrows
    "reactions/",  # the matrix
    "actors/russia/",  # took part and reacted
    # The new page kinds in other languages: English-only definitions and names marked as such.
    "hy/tracks/",
    "ru/tracks/border/",
    "az/reactions/",
    "hy/places/shusha-shushi/",
    "ru/people/",
]
# The fixture adds what the bundled archive may lack: corrections, an update, sub-headings,
# a footnote, an archived source, and the links a repository and contact address bring.
FIXTURE_PAGES = ["briefs/2023-12-07-joint-statement/", "about/", "timeline/page/2/"]
# ... and tracks the bundled archive lacks: notes full of markup characters, a reaction with a note.
FIXTURE_PAGES += ["tracks/formats/", "reactions/", "briefs/2024-11-11-tricky-talks/"]
# On a phone, the pages whose layout changes there (the rest only narrow their column).
PHONE_PAGES = {"", "timeline/", "briefs/2023-09-19-karabakh-military-operation-and-ceasefire/", "data/", "search/", "types/", "places/shusha-shushi/"}
PHONE_PAGES |= {"tracks/", "tracks/border/", "tracks/mediation-formats/", "tracks/security/", "reactions/"}
PHONE_PAGES |= {"ru/timeline/", "hy/briefs/2023-12-07-first-bilateral-joint-statement/", "translations/", "ru/tracks/border/"}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("axe") / "fixture", settings=REPOSITORY_SETTINGS)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_axe_finds_no_violations(bundled_site, fixture_site, serve_folder, browser, axe, scheme, width):
    base, fixture = serve_folder(bundled_site), serve_folder(fixture_site)
    reports = []
    with sized_page(browser, width, 900, scheme) as page:
        pages = [base + path for path in PAGES if width > 400 or path in PHONE_PAGES] + [fixture + path for path in FIXTURE_PAGES]
        for url in pages:
            response = page.goto(url)
            assert response is not None and response.ok, url
            assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
            if url.endswith("/search/"):  # settled, with its controls shown
                page.wait_for_function("() => document.getElementById('search-region').getAttribute('aria-busy') === 'false'")
                page.locator("#search-filters-toggle").click()
            results = axe.run(page, options=AXE_OPTIONS)
            if results.violations_count:
                reports.append(f"--- {url} ({scheme}, {width}px)\n{results.generate_report()}")
    assert reports == [], "\n".join(reports)


def test_axe_reports_a_real_violation(serve_folder, page, axe, tmp_path):
    """Control: the harness does see a violation (low contrast, unlabeled input)."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><main><p style="color:#aaa;background:#fff">faint</p>'
        '<input type="text"></main></html>', encoding="utf-8")
    page.goto(serve_folder(tmp_path))
    ids = {v["id"] for v in axe.run(page, options=AXE_OPTIONS).response["violations"]}
    assert {"color-contrast", "label"} <= ids

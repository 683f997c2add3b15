"""axe-core in headless Chromium finds no violation on the main page kinds, light and dark."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from site_fixture import build_fixture

# WCAG 2.0-2.2 A and AA rules plus axe's best practices (landmarks, heading order, regions).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}}
PAGES = [
    "",
    "timeline/",
    "briefs/2023-12-07-first-bilateral-joint-statement/",
    "types/summit/",
    "years/",
    "methodology/",
    "404.html",
    "tracks/",
    "tracks/border/",
    "tracks/mediation-formats/",
    "tracks/security/",
    "reactions/",
    "actors/russia/",
    "data/",
]


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    return build_fixture(tmp_path_factory.mktemp("axe") / "fixture")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations(bundled_site, fixture_site, serve_folder, page, axe, scheme):
    base, fixture = serve_folder(bundled_site), serve_folder(fixture_site)
    page.emulate_media(color_scheme=scheme)
    reports = []
    # The fixture's brief has what the bundled ones may lack: corrections, an update,
    # sub-headings, a footnote, an archived source.
    # The fixture's tracks have what the bundled ones lack: a lane never moved, notes with
    # markup characters, a reaction with a note.
    fixture_pages = ["briefs/2023-12-07-joint-statement/", "tracks/formats/", "reactions/", "briefs/2024-11-11-tricky-talks/"]
    for url in [base + path for path in PAGES] + [fixture + path for path in fixture_pages]:
        response = page.goto(url)
        assert response is not None and response.ok, url
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        results = axe.run(page, options=AXE_OPTIONS)
        if results.violations_count:
            reports.append(f"--- {url} ({scheme})\n{results.generate_report()}")
    assert reports == [], "\n".join(reports)


def test_axe_reports_a_real_violation(serve_folder, page, axe, tmp_path):
    """Control: the harness does see a violation (low contrast, unlabeled input)."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><main><p style="color:#aaa;background:#fff">faint</p>'
        '<input type="text"></main></html>', encoding="utf-8")
    page.goto(serve_folder(tmp_path))
    ids = {v["id"] for v in axe.run(page, options=AXE_OPTIONS).response["violations"]}
    assert {"color-contrast", "label"} <= ids

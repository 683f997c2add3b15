"""sitemap.xml validates against the sitemaps.org XSD and lists every HTML page once; robots.txt points to it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.etree
import pytest

from conftest import REPO

# Shipped by the npm package `sitemap` (package.json; `make test` runs `npm ci`). It is a
# self-contained schema: validating it fetches nothing.
XSD = REPO / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


# The XHTML `link` element sitemaps use for a page's versions in other languages.
XHTML_XSD = REPO / "tests" / "schemas" / "xhtml-link.xsd"


@pytest.fixture(scope="module")
def sitemap_schema() -> lxml.etree.XMLSchema:
    """The sitemaps.org schema together with the XHTML one for `xhtml:link` alternates."""
    if not XSD.is_file():
        pytest.fail(f"{XSD} is missing: run `make test` (it runs `npm ci` for the test-only npm packages)")
    both = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<xsd:import namespace="http://www.sitemaps.org/schemas/sitemap/0.9" schemaLocation="{XSD.as_uri()}"/>'
        f'<xsd:import namespace="http://www.w3.org/1999/xhtml" schemaLocation="{XHTML_XSD.as_uri()}"/>'
        "</xsd:schema>"
    )
    parser = lxml.etree.XMLParser(no_network=True, resolve_entities=False)
    return lxml.etree.XMLSchema(lxml.etree.fromstring(both.encode(), parser, base_url=str(XSD)))


def _urls(out: Path) -> list[tuple[str, str | None]]:
    tree = lxml.etree.parse(str(out / "sitemap.xml"))
    return [(u.findtext("s:loc", namespaces=NS), u.findtext("s:lastmod", namespaces=NS)) for u in tree.getroot()]


def _page_urls(out: Path, base: str) -> list[str]:
    """The address of every HTML page in the output, except the 404 page."""
    pages = []
    for path in sorted(out.rglob("*.html")):
        relative = path.relative_to(out).as_posix()
        if relative == "404.html" or relative.startswith("pagefind/"):
            continue
        pages.append(base + relative.removesuffix("index.html"))
    return pages


def _validate(schema, out: Path) -> None:
    document = lxml.etree.parse(str(out / "sitemap.xml"))
    if not schema.validate(document):
        raise AssertionError(str(schema.error_log))


def test_bundled_sitemap_is_valid_and_lists_every_page_exactly_once(bundled_site, sitemap_schema):
    _validate(sitemap_schema, bundled_site)
    locs = [loc for loc, _ in _urls(bundled_site)]
    assert len(locs) == len(set(locs))
    assert sorted(locs) == sorted(_page_urls(bundled_site, "https://example.org/"))
    assert "https://example.org/data/" in locs and "https://example.org/404.html" not in locs


def test_the_xsd_really_rejects_a_broken_sitemap(bundled_site, sitemap_schema, tmp_path):
    text = (bundled_site / "sitemap.xml").read_text(encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text(text.replace("<lastmod>2", "<lastmod>yesterday 2", 1), encoding="utf-8")
    with pytest.raises(AssertionError, match="lastmod"):
        _validate(sitemap_schema, tmp_path)


def test_lastmod_comes_from_content_dates(project, sitemap_schema):
    project.brief("2023-12-07-joint-statement", extra="corrections:\n  - date: 2024-05-01\n    note: Fixed a name.\n")
    project.brief("2022-10-06-prague", title="Prague statement", actors="[armenia]")
    project.write("content/pages/about.md", "---\ntitle: About\nsummary: What this is.\n---\nText.\n")
    project.build()
    _validate(sitemap_schema, project.out)
    lastmod = dict(_urls(project.out))
    base = "https://example.org/"
    assert lastmod[base + "briefs/2023-12-07-joint-statement/"] == "2024-05-01"
    assert lastmod[base + "briefs/2022-10-06-prague/"] == "2022-10-06"
    assert lastmod[base] == "2024-05-01"
    assert lastmod[base + "years/2022/"] == "2022-10-06"
    assert lastmod[base + "actors/azerbaijan/"] == "2024-05-01"
    assert lastmod[base + "about/"] is None  # a standalone page carries no date: no guess
    assert lastmod[base + "types/summit/"] is None  # no briefs yet
    # The build date appears nowhere: every lastmod is a content date.
    assert dt.date.today().isoformat() not in {v for v in lastmod.values() if v}


def test_sitemap_and_robots_under_a_sub_path(project, sitemap_schema):
    project.brief()
    project.build(base_url="https://example.org/archive/")
    _validate(sitemap_schema, project.out)
    locs = [loc for loc, _ in _urls(project.out)]
    assert sorted(locs) == sorted(_page_urls(project.out, "https://example.org/archive/"))
    robots = (project.out / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in robots
    assert "Sitemap: https://example.org/archive/sitemap.xml" in robots

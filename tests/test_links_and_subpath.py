"""No broken internal link or #anchor anywhere, and the site works under a sub-path."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

from briefing.build import BuildOptions, build_site
from sitecheck import broken_links, parse_page
from site_fixture import build_fixture
from conftest import build_repository

REPO = Path(__file__).resolve().parent.parent


def test_bundled_site_has_no_broken_links_or_anchors(bundled_site):
    assert broken_links(bundled_site, "https://example.org/") == []


def test_fixture_site_has_no_broken_links_or_anchors(tmp_path):
    site = build_fixture(tmp_path / "fixture")
    assert broken_links(site, "https://example.org/") == []


def test_link_checker_reports_missing_pages_and_anchors(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_text(
        '<a href="/a/">ok</a><a href="/a/#here">ok</a><a href="/missing/">x</a>'
        '<a href="a/#nowhere">x</a><a href="https://elsewhere.org/">external</a>', encoding="utf-8")
    (site / "a" / "index.html").write_text('<h2 id="here">A</h2><p id="here">dup</p>', encoding="utf-8")
    problems = broken_links(site, "https://example.org/")
    assert problems == [
        "a/index.html: duplicate id 'here'",
        "index.html -> /missing/: no such file",
        "index.html -> a/#nowhere: no element with id 'nowhere'",
    ]


def crawl(start: str) -> tuple[dict[str, str], list[str]]:
    """Fetch every page reachable from `start` by internal links; return pages and problems."""
    origin = urlsplit(start)
    pages: dict[str, str] = {}
    fragments: list[tuple[str, str, str]] = []
    problems: list[str] = []
    queue, seen = deque([start]), {start}
    while queue:
        url = queue.popleft()
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read().decode("utf-8")
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:
            problems.append(f"{url}: HTTP {exc.code}")
            continue
        if kind != "text/html":
            continue
        pages[url] = body
        for link in parse_page(body).links:
            parts = urlsplit(urljoin(url, link))
            if parts.scheme not in ("http", "https") or parts.netloc != origin.netloc:
                continue
            if not parts.path.startswith(origin.path):
                problems.append(f"{url} -> {link}: leaves the {origin.path} prefix")
                continue
            target = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            if parts.fragment:
                fragments.append((url, target, parts.fragment))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    for source, target, fragment in fragments:
        if target in pages and fragment not in parse_page(pages[target]).ids:
            problems.append(f"{source} -> {target}#{fragment}: no such anchor")
    return pages, problems


def test_site_served_under_a_sub_path_has_every_link_working(tmp_path, serve_folder, page):
    out = tmp_path / "site"
    base = serve_folder(out, "/archive/")  # the folder is filled by the build below
    build_repository(out, base_url=base)

    pages, problems = crawl(base)

    assert problems == []
    built = {base + p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("*.html") if p.name != "404.html"}
    assert built - set(pages) == set()  # every page is reachable by links alone
    # The stylesheet really applies under the prefix, without console errors (CSP, 404s).
    page.goto(base + "timeline/")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "double"
    page.goto(base + "404.html")
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.console_errors == []


def test_fixture_under_a_sub_path_reaches_every_paginated_page(tmp_path, serve_folder):
    out = tmp_path / "fixture" / "site"
    base = serve_folder(out, "/archive/")
    build_fixture(tmp_path / "fixture", base_url=base)

    pages, problems = crawl(base)

    assert problems == []
    assert base + "timeline/page/3/" in pages
    assert base + "actors/armenia/page/2/" in pages
    built = {base + p.relative_to(out).as_posix().removesuffix("index.html") for p in out.rglob("*.html") if p.name != "404.html"}
    assert built - set(pages) <= {base + "search/"}

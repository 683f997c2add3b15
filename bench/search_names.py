"""Measure how real-world spellings of places, people and organisations fare in search.

`python bench/search_names.py [--project DIR | --site DIR] [--list bench/spellings.tsv] [--show all|misses]`
builds the project (default: this repository, with its own templates) or takes a built site,
serves it on 127.0.0.1 and types every query of the list into the search page in headless
Chromium, as a reader would, waiting for the page's settled state. For each query it
reports whether the expected briefs fill the top places (in any order), whether they are
found at all, and what the page says. A query whose expected briefs are '-' passes when
the page shows no results (no brief names that place: an honest "no results").

To compare with another version of the engine, build that version's checkout and pass its
site: `git archive main | tar -x -C /tmp/main && (cd /tmp/main && python build.py build)`,
then `--site /tmp/main/site`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote_plus

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from briefing.build import BuildOptions, build_site  # noqa: E402
from search_measure import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

# The search page's settled state: its results answer the address (templates/static/search.js).
SETTLED = """() => {
  const region = document.getElementById('search-region');
  return region !== null && region.getAttribute('aria-busy') === 'false'
    && region.dataset.state === location.search.replace(/^\\?/, '');
}"""
# Every result on the page, "Show more" pressed until there is no more.
ALL_RESULTS = """async () => {
  const more = document.getElementById('search-more');
  while (more && !more.hidden) {
    more.click();
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 50)));
    while (document.getElementById('search-region').getAttribute('aria-busy') !== 'false') await new Promise((d) => setTimeout(d, 20));
  }
  return Array.from(document.querySelectorAll('.search-result h3 a'), (a) => a.getAttribute('href').split('/').filter(Boolean).pop());
}"""


def read_list(path: Path) -> list[tuple[str, str, tuple[str, ...]]]:
    """(query, what it refers to, expected brief ids; () for 'no results') of each row."""
    rows = []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    for line in lines[1:]:
        query, refers_to, first, *_ = line.split("\t")
        rows.append((query, refers_to, () if first.strip() == "-" else tuple(first.split())))
    return rows


def judge(expected: tuple[str, ...], found: list[str]) -> tuple[bool, bool]:
    """(the expected briefs fill the top places, they are all among the results)."""
    if not expected:
        return not found, not found
    return set(found[: len(expected)]) == set(expected), set(expected) <= set(found)


def measure(site: Path, rows: list[tuple[str, str, tuple[str, ...]]]) -> list[dict]:
    from playwright.sync_api import sync_playwright

    server, base = serve(site)
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            for query, refers_to, expected in rows:
                page.goto(f"{base}search/?q={quote_plus(query)}")
                page.wait_for_function(SETTLED, timeout=30_000)
                found = page.evaluate(ALL_RESULTS)
                first, anywhere = judge(expected, found)
                status = page.locator("#search-status").inner_text()
                results.append({"query": query, "refers_to": refers_to, "expected": expected, "found": found,
                                "first": first, "anywhere": anywhere, "status": status})
            browser.close()
    finally:
        server.shutdown()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=REPO, help="project folder with content/ (default: this repository)")
    parser.add_argument("--site", type=Path, help="measure this already built site instead of building")
    parser.add_argument("--list", type=Path, default=REPO / "bench" / "spellings.tsv", help="the queries (TSV)")
    parser.add_argument("--show", choices=("all", "misses", "none"), default="misses", help="which queries to list")
    args = parser.parse_args(argv)
    rows = read_list(args.list)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            build_site(BuildOptions.for_root(args.project, templates=REPO / "templates", out=site, use_cache=False))
        results = measure(site, rows)
    for r in results:
        if args.show == "all" or (args.show == "misses" and not r["first"]):
            mark = "ok  " if r["first"] else ("late" if r["anywhere"] else "MISS")
            print(f"{mark} {r['query']!r}: {r['status']} top: {' '.join(r['found'][:3]) or '-'}")
    names = [r for r in results if not r["refers_to"].startswith(("organisation", "project", "event", "document", "force"))]
    for label, group in (("all queries", results), ("places and people", names)):
        first = sum(r["first"] for r in group)
        anywhere = sum(r["anywhere"] for r in group)
        print(f"{label}: {first}/{len(group)} find the right briefs first, {anywhere}/{len(group)} find them at all")
    return 0


if __name__ == "__main__":
    sys.exit(main())

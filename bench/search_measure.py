"""Measure search in a real browser: bytes downloaded and time to first results.

`python bench/search_measure.py [--project DIR | --site DIR] [--query TEXT] [--runs N]` builds the
project (default: this repository's bundled archive) with this repository's templates (or takes
an already built site), serves it on
127.0.0.1 and opens the search page in headless Chromium with an empty cache for every run.
For a generated archive: `python bench/generate.py /tmp/gen --count 10000` (the benchmark
generator), then `--project /tmp/gen`.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefing.build import BuildOptions, build_site  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]


# Runs in the page before its own scripts: note when a query is submitted and when the
# first result appears, in the page's own clock (so driver round trips are not counted).
WATCH_RESULTS = """
document.addEventListener("submit", () => { window.__submittedAt = performance.now(); window.__firstResultAt = undefined; }, true);
new MutationObserver(() => {
  if (window.__firstResultAt === undefined && document.querySelector(".search-result")) window.__firstResultAt = performance.now();
}).observe(document, { childList: true, subtree: true });
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `folder` on a free loopback port; return the server and its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def folder_size(folder: Path) -> tuple[int, int]:
    """Number of files and total bytes under `folder`."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def measure_once(browser, base: str, query: str) -> dict:
    """One cold visit: open the search page, then submit `query`; bytes and milliseconds."""
    context = browser.new_context()
    page = context.new_page()
    transfers: list[tuple[float, str, int]] = []

    def finished(request):
        sizes = request.sizes()
        transfers.append((time.perf_counter(), request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))

    page.on("requestfinished", finished)
    page.add_init_script(WATCH_RESULTS)
    page.goto(base + "search/", wait_until="networkidle")  # page + Pagefind bootstrap (entry, wasm, filters)
    opened = sum(size for _, _, size in transfers)
    marker = time.perf_counter()
    page.locator("#q").fill(query)
    page.locator("#q").press("Enter")  # submit skips the typing debounce
    page.wait_for_selector(".search-result", timeout=60_000)
    first_results_ms = page.evaluate("() => window.__firstResultAt - window.__submittedAt")
    page.wait_for_load_state("networkidle")
    query_bytes = sum(size for when, _, size in transfers if when >= marker)
    query_files = sorted({url.replace(base, "") for when, url, _ in transfers if when >= marker})

    # A shared link: navigation start to first rendered result, nothing cached.
    context.close()
    context = browser.new_context()
    page = context.new_page()
    link_transfers: list[int] = []
    page.on("requestfinished", lambda r: link_transfers.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]))
    page.add_init_script(WATCH_RESULTS)
    page.goto(base + "search/?q=" + query.replace(" ", "+"), wait_until="commit")
    page.wait_for_selector(".search-result", timeout=60_000)
    link_ms = page.evaluate("() => window.__firstResultAt")  # since navigation start
    page.wait_for_load_state("networkidle")
    context.close()
    return {
        "open_bytes": opened, "query_bytes": query_bytes, "query_files": query_files,
        "first_results_ms": first_results_ms, "link_ms": link_ms, "link_bytes": sum(link_transfers),
    }


def build_twice(project: Path, out: Path) -> None:
    """Build `project` into `out`, then again unchanged (the index should be reused); print times."""
    started = time.perf_counter()
    report = build_site(BuildOptions.for_root(project, templates=REPO / "templates", out=out))
    build_seconds = time.perf_counter() - started
    again = build_site(BuildOptions.for_root(project, templates=REPO / "templates", out=out))
    reuse = "nothing to do (up to date)" if again.up_to_date else f"index reused={again.search.reused} in {again.search.seconds:.2f} s"
    print(f"build: {build_seconds:.2f} s, of which search index {report.search.seconds:.2f} s; "
          f"unchanged rebuild {again.seconds:.2f} s, {reuse}")


def main(argv: list[str] | None = None) -> int:
    """Command line: build, serve, measure, print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=REPO, help="project folder with content/ (default: this repository)")
    parser.add_argument("--query", default="prisoners released December 2023", help="the first query to type")
    parser.add_argument("--runs", type=int, default=3, help="cold visits to measure (default 3)")
    parser.add_argument("--site", type=Path, help="measure this already built site folder instead of building")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        out = args.site or Path(tmp) / "site"
        if not args.site:
            build_twice(args.project, out)
        index_files, index_bytes = folder_size(out / "pagefind")
        print(f"site: {out} ({len(list((out / 'briefs').glob('*/index.html')))} briefs)")
        print(f"index on disk: {index_files} files, {index_bytes / 1e6:.2f} MB")
        server, base = serve(out)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
                runs = [measure_once(browser, base, args.query) for _ in range(args.runs)]
                browser.close()
        finally:
            server.shutdown()
    median = lambda key: statistics.median(run[key] for run in runs)  # noqa: E731
    print(f"query: {args.query!r}, {args.runs} cold runs, medians:")
    print(f"  opening the search page (HTML, CSS, JS, Pagefind bootstrap): {median('open_bytes') / 1024:.1f} KiB")
    print(f"  first query: {median('query_bytes') / 1024:.1f} KiB more ({', '.join(runs[0]['query_files'])})")
    print(f"  total for page + first query: {(median('open_bytes') + median('query_bytes')) / 1024:.1f} KiB")
    print(f"  time from submitting the query to first results: {median('first_results_ms'):.0f} ms")
    print(f"  shared link (?q=): {median('link_bytes') / 1024:.1f} KiB, first results {median('link_ms'):.0f} ms after navigation start")
    return 0


if __name__ == "__main__":
    sys.exit(main())

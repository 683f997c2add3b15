"""Measure save-to-reloaded latency of `build.py serve` with a real browser.

`python bench/serve_latency.py [--project DIR] [--saves N]` copies the project's content/
and templates/ into bench/work/, serves the copy, opens one brief in headless Chromium, then
edits that brief N times and reports how long each took from the save until the reloaded
page had its new content (median, min, max), and how long the rebuilds themselves took.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from briefing.build import BuildOptions, build_site  # noqa: E402
from briefing.dev.serve import DevServer, ServeSettings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def main(argv: list[str] | None = None) -> int:
    """Command line: run the measurement and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--project", type=Path, default=REPO, help="project folder with content/ and templates/ (default: this repository)")
    parser.add_argument("--saves", type=int, default=7, help="number of saves to time (default 7)")
    parser.add_argument("--poll", action="store_true", help="watch by polling (0.1 s) instead of native events")
    args = parser.parse_args(argv)
    work = REPO / "bench" / "work" / "serve-latency"
    copy_project(args.project, work)
    brief = sorted((work / "content" / "briefs").rglob("*.md"))[-1]
    results = measure(work, brief, args.saves, args.poll)
    briefs = len(list((work / "content" / "briefs").rglob("*.md")))
    latencies, builds = results
    print(f"project: {args.project} ({briefs} briefs); edited {brief.relative_to(work).as_posix()} {len(latencies)} times")
    print(f"save -> reloaded: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"min {min(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    print(f"rebuild (build_site): median {statistics.median(builds) * 1000:.0f} ms")
    return 0


def copy_project(source: Path, work: Path) -> None:
    """Copy content/ and templates/ so the measurement never edits the source."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in ("content", "templates"):
        shutil.copytree(source / name, work / name)


def measure(work: Path, brief: Path, saves: int, poll: bool) -> tuple[list[float], list[float]]:
    """Edit `brief` `saves` times; return seconds save->reloaded and seconds per rebuild."""
    from playwright.sync_api import sync_playwright

    builds: list[float] = []
    lock = threading.Lock()

    def timed_build(options: BuildOptions):
        started = time.perf_counter()
        report = build_site(options)
        with lock:
            builds.append(time.perf_counter() - started)
        return report

    settings = ServeSettings(port=0, poll=poll, poll_interval=0.1)
    server = DevServer(BuildOptions.for_root(work, out=work / "site"), settings, stream=sys.stderr, build=timed_build)
    server.start()
    latencies: list[float] = []
    original = brief.read_text(encoding="utf-8")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(server.url + f"briefs/{brief.stem}/")
            for number in range(1, saves + 1):
                _wait(lambda: server.state.listeners == 1)
                time.sleep(0.3)  # let the previous rebuild's file events settle
                marker = f"latency-probe-{number}"
                edited = original.rstrip("\n") + f"\n\nEdited: {marker}.\n"
                with page.expect_navigation(timeout=120_000, wait_until="domcontentloaded"):
                    saved_at = time.time()
                    brief.write_text(edited, encoding="utf-8")
                ready_ms = page.evaluate(
                    "() => performance.timeOrigin + performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"
                )
                if marker not in page.content():
                    raise SystemExit(f"save {number}: the reloaded page lacks {marker}")
                latencies.append(ready_ms / 1000 - saved_at)
            browser.close()
    finally:
        server.stop()
        brief.write_text(original, encoding="utf-8")
    with lock:
        return latencies, builds[1:]  # builds[0] is the initial full build


def _wait(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the page to connect")
        time.sleep(0.02)


if __name__ == "__main__":
    sys.exit(main())

"""Time rendering planned pages by template, and fingerprinting the whole plan.

Run `python bench/render_speed.py ROOT` on a project (e.g. one written by bench/generate.py,
built once so its parse cache is warm): milliseconds per page of each template over a sample,
the first time (as a build renders it) and again (median of several passes), and seconds to
fingerprint every planned file, as a build does (median).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing import build  # noqa: E402
from briefing.content.loader import load_content  # noqa: E402
from briefing.output.render import make_renderer  # noqa: E402
from briefing.site.archive import assemble_archive  # noqa: E402
from briefing.site.plan import plan_site  # noqa: E402
from briefing.site.urls import Urls  # noqa: E402
from briefing.store.fingerprint import fingerprint_plan  # noqa: E402
from briefing.store.store import Store  # noqa: E402


def median_seconds(run, passes: int) -> float:
    """Median wall-clock seconds of `passes` calls of run()."""
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--sample", type=int, default=300, help="pages per template (default 300)")
    parser.add_argument("--passes", type=int, default=5, help="timed passes (default 5)")
    args = parser.parse_args()
    options = build.BuildOptions.for_root(args.root.resolve(), search="skip")
    store = Store.open(options.root)
    content = load_content(options.root, options.content, memo=store)
    archive = assemble_archive(content)
    renderer = make_renderer(options.templates, options.root, archive, store)
    plan = plan_site(archive, Urls(archive.config.base_url), renderer.strings)
    by_template: dict[str, list] = {}
    for item in plan:
        if item.template:
            by_template.setdefault(item.template, []).append(item)
    for items in by_template.values():
        renderer.render(items[-1])  # compiles the template and its partials
    # A second plan: the first render of a page also makes what it reads lazily (citations).
    fresh: dict[str, list] = {}
    for item in plan_site(archive, Urls(archive.config.base_url), renderer.strings):
        if item.template:
            fresh.setdefault(item.template, []).append(item)
    print(f"{len(archive.briefs)} briefs, {len(plan)} planned files")
    print("| template | pages | ms per page, first render | ms per page, again |")
    print("|---|---:|---:|---:|")
    for template, items in sorted(fresh.items()):
        step = max(1, len(items) // args.sample)
        sample = items[::step][: args.sample]
        first = median_seconds(lambda: [renderer.render(item) for item in sample], 1)
        again = median_seconds(lambda: [renderer.render(item) for item in sample], args.passes)
        print(f"| {template} | {len(items)} | {1000 * first / len(sample):.3f} | {1000 * again / len(sample):.3f} |")
    seconds = median_seconds(lambda: fingerprint_plan(plan, renderer, archive, store.engine), args.passes)
    print(f"fingerprints of {len(plan)} files: {seconds:.3f} s")


if __name__ == "__main__":
    main()

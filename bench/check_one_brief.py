"""Benchmark `build.py check FILE` against a full `build.py check` on a generated archive.

Usage: python bench/check_one_brief.py [BRIEFS]   (default 2000). Writes a throwaway project
under bench/work/ (git-ignored) and prints wall-clock seconds, best of three, for both.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / "work" / "check-one-brief"


def make_project(count: int) -> Path:
    """A copy of the bundled content plus `count` generated briefs, spread over 2000–2019."""
    shutil.rmtree(WORK, ignore_errors=True)
    shutil.copytree(REPO / "content", WORK / "content")
    shutil.copytree(REPO / "templates", WORK / "templates")
    template = (REPO / "content/briefs/2024/2024-04-19-tavush-gazakh-border-sections-agreed.md").read_text(encoding="utf-8")
    front, body = template.split("---\n")[1:]
    front = "\n".join(line for line in front.splitlines() if not line.startswith("related:")) + "\n"
    for n in range(count):
        year, day = 2000 + n % 20, n // 20
        date = f"{year}-{day // 28 % 12 + 1:02d}-{day % 28 + 1:02d}"
        path = WORK / "content" / "briefs" / str(year) / f"{date}-generated-{n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + front.replace("date: 2024-04-19", f"date: {date}", 1) + "---\n" + body, encoding="utf-8")
    return WORK


def best_of(args: list[str], cwd: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"build.py {' '.join(args)} failed:\n{result.stderr}")
    return min(times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    root = make_project(count)
    one = "content/briefs/2024/2024-04-19-tavush-gazakh-border-sections-agreed.md"
    total = count + len(list((REPO / "content/briefs").rglob("*.md")))
    print(f"archive of {total} briefs")
    print(f"check one brief:  {best_of(['check', '-q', one], root):.2f} s wall (includes Python start-up)")
    print(f"check everything: {best_of(['check', '-q'], root):.2f} s wall")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time rendering Markdown bodies: milliseconds per body, the median of several passes.

Run `python bench/markdown_speed.py FOLDER...` (e.g. content/ or a corpus written by
bench/generate.py): every *.md file's body is rendered by one MarkdownRenderer, as a build does.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.content.frontmatter import FrontMatterProblem, decode_text, split_front_matter  # noqa: E402
from briefing.content.markdown_render import BodyTooComplex, MarkdownRenderer  # noqa: E402


def load_bodies(folders: list[Path]) -> list[str]:
    """The Markdown body of every *.md file under the folders, in path order."""
    bodies = []
    for folder in folders:
        for path in sorted(folder.rglob("*.md")):
            try:
                bodies.append(split_front_matter(decode_text(path.read_bytes())).body)
            except (FrontMatterProblem, UnicodeDecodeError):
                continue
    return bodies


def time_pass(renderer: MarkdownRenderer, bodies: list[str]) -> float:
    """Seconds to render every body once."""
    start = time.perf_counter()
    for body in bodies:
        try:
            renderer.render(body)
        except BodyTooComplex:
            pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--passes", type=int, default=5, help="timed passes (default 5); one untimed pass warms up first")
    args = parser.parse_args()
    bodies = load_bodies(args.folders)
    if not bodies:
        parser.error("no Markdown bodies found")
    renderer = MarkdownRenderer()
    time_pass(renderer, bodies)
    seconds = statistics.median(time_pass(renderer, bodies) for _ in range(args.passes))
    print(f"{len(bodies)} bodies: {seconds * 1000 / len(bodies):.3f} ms per body (median of {args.passes} passes)")


if __name__ == "__main__":
    main()

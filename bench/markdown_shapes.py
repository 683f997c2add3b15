"""Time Python-Markdown on pathological bodies at the default size limit.

Run `python bench/markdown_shapes.py`: for each shape it renders the largest body the
default limits accept (or reports that the pre-check refuses it) and prints the seconds.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from briefing.content.markdown_render import BodyTooComplex, MarkdownRenderer  # noqa: E402
from briefing.model import Limits  # noqa: E402

LIMITS = Limits()
SIZE = LIMITS.max_body_bytes

# Each shape is a repeated unit; the body is as many units as fit under the limit.
SHAPES = {
    "prose": "Lorem ipsum dolor sit amet, **consectetur** [elit](https://e.org). " * 8 + "\n\n",
    "emphasis runs": "**a** _b_ ",
    "bare stars": "*",
    "code spans": "`a` ",
    "headings": "# h\n\n",
    "flat list": "- a\n",
    "rules": "---\n\n",
    "definition lists": "a\n: b\n\n",
    "table rows": "|x|y|\n",
    "open brackets": "[",
    "unclosed links": "[a](",
    "footnote references": "x[^1] ",
    "abbreviations": "*[A]: b\n",
}


def body_of(unit: str, size: int) -> str:
    """The unit repeated to just under `size` bytes (tables get a header row)."""
    head = "|a|b|\n|-|-|\n" if unit.startswith("|") else ""
    return head + unit * ((size - len(head)) // len(unit.encode("utf-8")))


def main() -> None:
    renderer = MarkdownRenderer()
    print(f"limits: max_body_bytes={SIZE} max_body_nesting={LIMITS.max_body_nesting}")
    shapes = dict(SHAPES)
    shapes["one footnote cited 200 times"] = "x[^1] " * 200 + "\n\n[^1]: note\n"
    shapes["one footnote cited 4000 times"] = "x[^1] " * 4000 + "\n\n[^1]: note\n"
    shapes["deep lists"] = "".join("    " * i + "- x\n" for i in range(100))
    shapes["deep quotes"] = ">" * 5000 + " x"
    definitions = "".join(f"*[A{i}]: b\n" for i in range(100))
    shapes["abbreviations"] = definitions + "A1 " * ((SIZE - len(definitions)) // 3)
    shapes["many abbreviations"] = "".join(f"*[A{i}]: b\n" for i in range(1500)) + "A1 " * 2000
    for name, unit in shapes.items():
        text = unit if name.startswith(("deep", "one footnote")) or "abbreviations" in name else body_of(unit, SIZE)
        started = time.perf_counter()
        try:
            renderer.render(text, LIMITS)
            outcome = "rendered"
        except BodyTooComplex as exc:
            outcome = f"refused: {exc}"
        print(f"{name:18} {len(text.encode()):7} B {time.perf_counter() - started:6.2f} s  {outcome}", flush=True)


if __name__ == "__main__":
    main()

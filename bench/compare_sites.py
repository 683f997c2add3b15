"""Check that our site and Hugo's have the same HTML pages and the same links between briefs.

`python bench/compare_sites.py SITE PUBLIC` prints each difference and exits 1 if there is
any: a page only one side made, or a brief whose related briefs or older/newer neighbours differ.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

_RELATED = re.compile(r'<section class="related"[^>]*>(.*?)</section>', re.S)
_NEIGHBOURS = re.compile(r'<nav class="neighbours"[^>]*>(.*?)</nav>', re.S)
_BRIEF_LINK = re.compile(r'href="[^"]*/briefs/([^/"]+)/"')
_NEIGHBOUR_LINK = re.compile(r'rel="(prev|next)" href="[^"]*/briefs/([^/"]+)/"')


def html_pages(folder: Path) -> set[str]:
    """Paths of every HTML file under `folder`, relative to it."""
    return {path.relative_to(folder).as_posix() for path in folder.rglob("*.html")}


def brief_links(html: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(related brief ids in order, (rel, id) of the older/newer links) of one brief page."""
    related = _RELATED.search(html)
    neighbours = _NEIGHBOURS.search(html)
    return (
        tuple(_BRIEF_LINK.findall(related.group(1))) if related else (),
        tuple(_NEIGHBOUR_LINK.findall(neighbours.group(1))) if neighbours else (),
    )


def compare_sites(ours: Path, hugo: Path) -> list[str]:
    """Every difference in page set and in brief-to-brief links between the two outputs."""
    our_pages, hugo_pages = html_pages(ours), html_pages(hugo)
    problems = [f"only in ours: {p}" for p in sorted(our_pages - hugo_pages)]
    problems += [f"only in Hugo: {p}" for p in sorted(hugo_pages - our_pages)]
    for page in sorted(p for p in our_pages & hugo_pages if p.startswith("briefs/")):
        mine = brief_links((ours / page).read_text(encoding="utf-8"))
        theirs = brief_links((hugo / page).read_text(encoding="utf-8"))
        if mine != theirs:
            problems.append(f"{page}: ours links {mine}, Hugo's {theirs}")
    return problems


if __name__ == "__main__":
    found = compare_sites(Path(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(found) or "same pages, same related briefs and neighbours")
    sys.exit(1 if found else 0)

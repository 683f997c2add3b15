"""Reading a built site folder: its pages, the URL of each file, and a page's title."""

from __future__ import annotations

import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# The search index is rebuilt with every build and is never byte-identical: not a page.
SKIPPED_FOLDERS = ("pagefind",)
_CANONICAL = re.compile(rb'<link rel="canonical" href="([^"]*)"')


def site_files(site: Path, skipped: tuple[str, ...] = SKIPPED_FOLDERS) -> list[str]:
    """Every file of a built site, '/'-separated and relative to it, sorted (search index aside)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(site):
        relative = Path(dirpath).relative_to(site).as_posix()
        if relative == ".":
            dirnames[:] = [d for d in dirnames if d not in skipped]
        found += [name if relative == "." else f"{relative}/{name}" for name in filenames]
    return sorted(found)


def base_url_of(site: Path) -> str:
    """The address the site was built for, from its home page's canonical link ('/' if none)."""
    try:
        match = _CANONICAL.search((site / "index.html").read_bytes())
    except OSError:
        match = None
    return html.unescape(match[1].decode("utf-8")) if match else "/"


def base_path_of(base_url: str) -> str:
    """The path part of a base URL, ending in '/'."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def url_of(relative: str, base_path: str) -> str:
    """The address a file is served at: briefs/x/index.html -> /base/briefs/x/."""
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative[: -len("index.html")]
    return base_path + relative


class _TitleFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: str | None = None
        self.texts: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("h1", "title") and tag not in self.texts:
            self.open, self.texts[tag] = tag, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == self.open:
            self.open = None

    def handle_data(self, data: str) -> None:
        if self.open:
            self.texts[self.open] += data


def page_title(data: bytes) -> str:
    """A page's main heading (its <h1>, else its <title>), as plain text."""
    finder = _TitleFinder()
    finder.feed(data.decode("utf-8", "replace"))
    text = finder.texts.get("h1") or finder.texts.get("title") or ""
    return " ".join(text.split())

"""Check every internal link and #anchor of a built site: each must lead to a file of the
site and, with a fragment, to an element with that id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import Problem
from .builtsite import base_path_of, base_url_of, site_files, url_of

# Attributes that hold an address, by element ('*' for any element).
_LINK_ATTRIBUTES = {
    "a": ("href",), "area": ("href",), "link": ("href",), "img": ("src",), "script": ("src",),
    "iframe": ("src",), "source": ("src",), "audio": ("src",), "video": ("src", "poster"),
    "track": ("src",), "form": ("action",), "use": ("href", "xlink:href"), "object": ("data",),
}
_LOC = re.compile(r"<loc>([^<]*)</loc>")
# Fragments every browser understands without an element of that id.
_BUILT_IN_FRAGMENTS = frozenset({"", "top"})


@dataclass(frozen=True)
class LinkReport:
    """What a link check looked at, and what it found broken."""

    pages: int
    links: int
    broken: tuple[Problem, ...]


class _PageReader(HTMLParser):
    """Collects the ids of a page and the addresses it points to, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"])
        line = self.getpos()[0]
        for attribute in _LINK_ATTRIBUTES.get(tag, ()):
            if values.get(attribute) is not None:
                self.links.append((line, values[attribute]))
        for candidate in (values.get("srcset") or "").split(","):
            if candidate.strip():
                self.links.append((line, candidate.split()[0]))

    handle_startendtag = handle_starttag


def check_links(site: Path, base_url: str | None = None) -> LinkReport:
    """Check every internal link of the site built into `site`."""
    base_url = base_url or base_url_of(site)
    base = urlsplit(base_url)
    base_path = base_path_of(base_url)
    files = site_files(site)
    known = set(site_files(site, skipped=()))  # a page may link into the search index
    pages: dict[str, _PageReader] = {}

    def read(relative: str) -> _PageReader:
        if relative not in pages:
            reader = _PageReader()
            reader.feed((site / relative).read_text(encoding="utf-8", errors="replace"))
            pages[relative] = reader
        return pages[relative]

    broken: list[Problem] = []
    count = 0
    sources = [f for f in files if f.endswith(".html")]
    for relative in sources:
        page_url = url_of(relative, base_path)
        for line, address in read(relative).links:
            count += 1
            problem = _check(address, page_url, relative, base, base_path, known, read)
            if problem:
                broken.append(Problem(f"{site.name}/{relative}", line, "link", problem))
    if "sitemap.xml" in known:
        text = (site / "sitemap.xml").read_text(encoding="utf-8", errors="replace")
        for number, line_text in enumerate(text.split("\n"), start=1):
            for address in _LOC.findall(line_text):
                count += 1
                problem = _check(address, base_path, "sitemap.xml", base, base_path, known, read)
                if problem:
                    broken.append(Problem(f"{site.name}/sitemap.xml", number, "link", problem))
    return LinkReport(len(sources), count, tuple(broken))


def _check(address, page_url, relative, base, base_path, known, read) -> str | None:
    """Why an address found on a page is broken, or None (also for external ones)."""
    parts = urlsplit(address.strip())
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, tel:, data: and the like lead nowhere inside the site
    if parts.netloc and (parts.scheme or base.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None  # another site
    if not parts.scheme and not parts.netloc and not parts.path:
        target = relative  # '#anchor' or '?query' on the same page
    else:
        path = unquote(urlsplit(urljoin(page_url, address.strip())).path)
        if not path.startswith(base_path):
            return f"'{address}' leads outside the site's base path {base_path}"
        target = _file_for(path[len(base_path):], known)
        if target is None:
            return f"'{address}' leads to no file of the site"
    fragment = unquote(parts.fragment)
    if fragment in _BUILT_IN_FRAGMENTS or not target.endswith(".html"):
        return None
    if fragment not in read(target).ids:
        return f"'{address}': no element with id '{fragment}' on {url_of(target, base_path)}"
    return None


def _file_for(path: str, known: set[str]) -> str | None:
    """The file a path inside the site is served from, as a static host serves it."""
    if path in ("", "/") or path.endswith("/"):
        candidate = path.lstrip("/") + "index.html"
        return candidate if candidate in known else None
    if path in known:
        return path
    return path + "/index.html" if path + "/index.html" in known else None

"""Helpers for checking a built site: parse pages, list links and anchors, find broken ones."""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action"}


@dataclass
class ParsedPage:
    """What the checks need from one HTML page."""

    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # every href/src/action, as written
    duplicate_ids: list[str] = field(default_factory=list)


class _Collector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("id", "name") if tag == "a" else ("id",):
            anchor = values.get(name)
            if anchor is not None:
                if name == "id" and anchor in self.page.ids:
                    self.page.duplicate_ids.append(anchor)
                self.page.ids.add(anchor)
        wanted = LINK_ATTRIBUTES.get(tag)
        if wanted and values.get(wanted):
            self.page.links.append(values[wanted])

    handle_startendtag = handle_starttag


def parse_page(text: str) -> ParsedPage:
    """Ids and outgoing links of an HTML document."""
    collector = _Collector()
    collector.feed(text)
    collector.close()
    return collector.page


def file_for(site: Path, base_path: str, url_path: str) -> Path | None:
    """The file a static host serves for a root-relative URL path, or None if outside."""
    if not url_path.startswith(base_path):
        return None
    relative = unquote(url_path[len(base_path):])
    target = site / relative
    if relative == "" or relative.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path, base_url: str) -> list[str]:
    """Every internal link or #anchor in `site` whose target is missing, as 'page -> link'."""
    base = urlsplit(base_url)
    base_path = base.path if base.path.endswith("/") else base.path + "/"
    pages = {path: parse_page(path.read_text(encoding="utf-8")) for path in sorted(site.rglob("*.html"))}
    problems = []
    for path, parsed in pages.items():
        page_url = urljoin(base_url, base_path + path.relative_to(site).as_posix().removesuffix("index.html"))
        for dup in parsed.duplicate_ids:
            problems.append(f"{path.relative_to(site)}: duplicate id {dup!r}")
        for link in parsed.links:
            absolute = urlsplit(urljoin(page_url, link))
            if absolute.scheme not in ("http", "https") or absolute.netloc != base.netloc:
                continue  # external or mailto: not ours to check
            target = file_for(site, base_path, absolute.path)
            where = f"{path.relative_to(site)} -> {link}"
            if target is None or not target.is_file():
                problems.append(f"{where}: no such file")
                continue
            if absolute.fragment:
                if target.suffix != ".html":
                    continue
                ids = pages[target].ids if target in pages else parse_page(target.read_text(encoding="utf-8")).ids
                if unquote(absolute.fragment) not in ids:
                    problems.append(f"{where}: no element with id {absolute.fragment!r}")
    return problems


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours written '#rrggbb', '#rgb' or 'rgb(r, g, b)'."""
    light, dark = sorted((_luminance(_channels(a)), _luminance(_channels(b))), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _channels(colour: str) -> tuple[float, ...]:
    if colour.startswith("#"):
        digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:4])
        return tuple(int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return tuple(float(v) for v in re.findall(r"[\d.]+", colour)[:3])


def _luminance(rgb: tuple[float, ...]) -> float:
    r, g, b = ((c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b

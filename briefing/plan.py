"""Plan the site: the sorted list of every output file, its template and its context.

Pure: the plan is a function of the archive alone, so two builds of the same content
plan the same files in the same order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from .archive import Archive
from .errors import Problem
from .model import Brief
from .urls import RESERVED_NAMES, TERM_KINDS, Urls, output_path


@dataclass(frozen=True)
class Pagination:
    """One page of a paginated list, with links to its neighbours."""

    number: int
    count: int
    items: tuple[Brief, ...]
    urls: tuple[str, ...]  # URL of every page, page 1 first

    @property
    def previous_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None


@dataclass(frozen=True)
class OutputFile:
    """A file to render: where it goes, which template, with what variables."""

    path: str  # relative to the output folder, '/'-separated
    template: str
    url: str  # root-relative URL, '' for files not meant to be linked
    context: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # content file it comes from, for collision messages


def plan_site(archive: Archive, urls: Urls) -> tuple[OutputFile, ...]:
    """Every file the site consists of, sorted by path."""
    files: list[OutputFile] = []
    add = files.append
    add(_html(urls, urls.home(), "index.html", {"kind": "home"}))
    add(OutputFile("404.html", "404.html", urls.not_found(), {"kind": "not_found"}))
    add(_html(urls, urls.search(), "search.html", {"kind": "search"}))
    files += _paginated(urls, archive, archive.briefs, "timeline.html", urls.timeline, {"kind": "timeline"})
    add(_html(urls, urls.years(), "years.html", {"kind": "years", "groups": archive.years}))
    for group in archive.years:
        make = lambda n, y=int(group.key): urls.year(y, n)  # noqa: E731
        files += _paginated(urls, archive, group.briefs, "year.html", make, {"kind": "year", "group": group})
    for kind in TERM_KINDS:
        groups = archive.terms[kind]
        add(_html(urls, urls.terms(kind), "terms.html", {"kind": "terms", "term_kind": kind, "groups": groups}))
        for group in groups:
            make = lambda n, k=kind, g=group.key: urls.term(k, g, n)  # noqa: E731
            files += _paginated(urls, archive, group.briefs, "term.html", make, {"kind": "term", "term_kind": kind, "group": group})
    for brief in archive.briefs:
        add(
            _html(
                urls, urls.brief(brief.id), "brief.html",
                {"kind": "brief", "brief": brief, "older": archive.older[brief.id],
                 "newer": archive.newer[brief.id], "related": archive.related[brief.id]},
                source=brief.path,
            )
        )
    for page in archive.pages:
        add(_html(urls, urls.page(page.id), "page.html", {"kind": "page", "page": page}, source=page.path))
    return tuple(sorted(files, key=lambda f: f.path))


def check_plan(files: tuple[OutputFile, ...]) -> list[Problem]:
    """Two outputs at one path (e.g. a page named like a section) are an error naming both."""
    problems: list[Problem] = []
    seen: dict[str, OutputFile] = {}
    for item in files:
        key = item.path.lower()  # case-insensitive file systems must not merge two pages
        top = item.path.split("/", 1)[0]
        if item.template == "page.html" and top in RESERVED_NAMES:
            problems.append(Problem(item.source, 1, "file", f"the page name '{top}' is reserved for the site's own pages; rename the file"))
        elif key in seen:
            other = seen[key]
            culprit = item.source or other.source or "content"
            problems.append(Problem(culprit, 1, "file", f"would be written to {item.path}, which {other.source or 'the site'} also writes"))
        seen.setdefault(key, item)
    return problems


def _html(urls: Urls, url: str, template: str, context: dict[str, Any], source: str = "") -> OutputFile:
    return OutputFile(output_path(urls, url.split("?", 1)[0]), template, url, context, source)


def _paginated(urls: Urls, archive: Archive, briefs: tuple[Brief, ...], template: str, url_of, context: dict[str, Any]) -> list[OutputFile]:
    size = archive.config.page_size
    count = max(1, math.ceil(len(briefs) / size))
    page_urls = tuple(url_of(n) for n in range(1, count + 1))
    result = []
    for number in range(1, count + 1):
        items = briefs[(number - 1) * size : number * size]
        pagination = Pagination(number, count, items, page_urls)
        result.append(_html(urls, page_urls[number - 1], template, {**context, "pagination": pagination}))
    return result


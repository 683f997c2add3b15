"""Every URL and output path of the site is made here, and only here.

Links are root-relative and include the base path (e.g. `/archive/briefs/x/`), so the
site works when published under a sub-path; absolute URLs (feeds, canonical links) add
the base URL's origin. A translation's pages live under its language's folder
(`/archive/hy/briefs/x/`): a builder for that language makes every page's address there,
except a brief's or page's that has no translation (it leads to the original) and what all
languages share (theme files, the search bundle, the sitemap, downloads, the 404 page).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

# Top-level folders the engine writes; a standalone page may not take one of these names.
RESERVED_NAMES = frozenset(
    {"briefs", "timeline", "years", "types", "actors", "tags", "places", "people", "search", "static", "data",
     "pagefind", "page", "feed", "404", "sitemap", "robots", "tracks", "reactions", "translations"}
)
TERM_KINDS = ("types", "actors", "tags")


@dataclass(frozen=True)
class Urls:
    """URL builder for one base URL (always ending in '/') and one language's pages."""

    base_url: str
    language: str = ""  # '' for the original's pages; else the folder of that language's, e.g. 'hy'
    # The briefs and standalone pages translated into `language` (ids): links to the others
    # lead to the original's page.
    briefs: frozenset[str] = frozenset()
    pages: frozenset[str] = frozenset()

    def for_language(self, language: str, briefs: frozenset[str] = frozenset(), pages: frozenset[str] = frozenset()) -> "Urls":
        """The builder for a translation's pages ('' for the original's)."""
        return Urls(self.base_url, language, frozenset(briefs), frozenset(pages))

    @functools.cached_property
    def prefix(self) -> str:
        """The language's folder under the base path, e.g. 'hy/' ('' for the original's)."""
        return f"{self.language}/" if self.language else ""

    # Worked out once: every link of every page starts with one of them.
    @functools.cached_property
    def base_path(self) -> str:
        """The path part of the base URL, e.g. '/archive/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @functools.cached_property
    def origin(self) -> str:
        """Scheme and host of the base URL, e.g. 'https://example.org'."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def path(self, relative: str = "") -> str:
        """Root-relative URL of a site path such as 'briefs/x/', in this builder's language."""
        return self.base_path + self.prefix + relative

    def shared(self, relative: str = "") -> str:
        """Root-relative URL of something every language shares, e.g. 'static/style.css'."""
        return self.base_path + relative

    def unprefixed(self, url_path: str) -> str:
        """A URL of this builder's language without the base path and language folder: the
        same for every language's version of a page (e.g. 'briefs/x/')."""
        start = self.base_path + self.prefix
        return url_path[len(start):] if url_path.startswith(start) else url_path

    def absolute(self, url_path: str) -> str:
        """Absolute URL of a root-relative URL made by this builder."""
        return self.origin + url_path

    def home(self) -> str:
        return self.path()

    def brief(self, brief_id: str) -> str:
        """A brief's page in this language, or the original's if it is not translated."""
        translated = not self.language or brief_id in self.briefs
        return (self.path if translated else self.shared)(f"briefs/{brief_id}/")

    def page(self, page_id: str) -> str:
        """A standalone page in this language, or the original's if it is not translated."""
        translated = not self.language or page_id in self.pages
        return (self.path if translated else self.shared)(f"{page_id}/")

    def translations(self) -> str:
        """The table of every translation and whether it is up to date."""
        return self.path("translations/")

    def timeline(self, number: int = 1, order: str = "newest") -> str:
        """A page of the timeline, newest first or (order 'oldest') oldest first."""
        return self.path(_paged("timeline/" if order == "newest" else f"timeline/{order}/", number))

    def years(self) -> str:
        return self.path("years/")

    def year(self, year: int, number: int = 1) -> str:
        return self.path(_paged(f"years/{year}/", number))

    def terms(self, kind: str) -> str:
        return self.path(f"{kind}/")

    def term(self, kind: str, term_id: str, number: int = 1) -> str:
        return self.path(_paged(f"{kind}/{term_id}/", number))

    def names_index(self, kind: str) -> str:
        """The list of every place ('places') or person ('people')."""
        return self.path(f"{kind}/")

    def named(self, kind: str, entry_id: str, number: int = 1) -> str:
        """A place's or person's page: the milestones that name it."""
        return self.path(_paged(f"{kind}/{entry_id}/", number))

    def search(self, query: str = "") -> str:
        return self.path("search/") + (f"?q={quote(query)}" if query else "")

    def original_search(self) -> str:
        """The search page of the original's language."""
        return self.shared("search/")

    def search_names(self) -> str:
        """The names register as search suggests names from it (fetched when a search finds nothing)."""
        return self.path("search/names.json")

    def search_bundle(self) -> str:
        """Folder of the search index and Pagefind's scripts (written by search_index)."""
        return self.shared("pagefind/")

    def static(self, name: str) -> str:
        return self.shared(f"static/{name}")

    def not_found(self) -> str:
        return self.shared("404.html")

    def feed(self, kind: str = "", term_id: str = "") -> str:
        """Atom feed of the whole archive, or of one milestone type, actor, place or person."""
        return self.path(f"{kind}/{term_id}/feed.xml" if kind else "feed.xml")

    def json_feed(self) -> str:
        return self.path("feed.json")

    def sitemap(self, part: int = 0) -> str:
        """The sitemap (or, when it is split, the sitemap index), or its numbered part."""
        return self.shared(f"sitemap-{part}.xml" if part else "sitemap.xml")

    def robots(self) -> str:
        return self.shared("robots.txt")

    def data(self, name: str = "") -> str:
        """The Data page, or one download on it such as 'briefs.csv' (the downloads hold the
        original's records, shared by every language)."""
        return self.shared(f"data/{name}") if name else self.path("data/")

    def tracks(self) -> str:
        """Every track's status, and the swimlane of all tracks."""
        return self.path("tracks/")

    def track(self, track_id: str) -> str:
        return self.path(f"tracks/{track_id}/")

    def track_feed(self, track_id: str) -> str:
        """Atom feed of one track's moves."""
        return self.path(f"tracks/{track_id}/feed.xml")

    def reactions(self) -> str:
        """The matrix of milestones and the third parties that reacted to them."""
        return self.path("reactions/")

    # Addresses outside the site: the repository the archive is kept in (GitHub's paths)
    # and e-mail. Every value is percent-encoded, so a title or path cannot change them.

    def repository_file(self, repository: str, branch: str, path: str) -> str:
        """A file of the repository as the repository's web page shows it."""
        return f"{repository}/blob/{quote(branch, safe='/')}/{quote(path, safe='/')}"

    def edit_source(self, repository: str, branch: str, path: str) -> str:
        """The repository's web editor for one file (it offers a fork to those who cannot push)."""
        return f"{repository}/edit/{quote(branch, safe='/')}/{quote(path, safe='/')}"

    def issue_form(self, repository: str, form: str, **fields: str) -> str:
        """A new issue on the repository's issue form `form`, with fields filled in by id."""
        query = urlencode([("template", form), *fields.items()], quote_via=quote)
        return f"{repository}/issues/new?{query}"

    def mail(self, address: str, **fields: str) -> str:
        """A mailto: link with a subject or body filled in (RFC 6068: line breaks as CRLF)."""
        fields = {name: value.replace("\r\n", "\n").replace("\n", "\r\n") for name, value in fields.items()}
        query = urlencode(list(fields.items()), quote_via=quote)
        return f"mailto:{quote(address, safe='@+')}" + (f"?{query}" if query else "")


def _paged(folder: str, number: int) -> str:
    return folder if number == 1 else f"{folder}page/{number}/"


def output_path(urls: Urls, url_path: str) -> str:
    """Output file (relative to site/) that serves a root-relative URL."""
    if not url_path.startswith(urls.base_path):
        raise ValueError(f"{url_path!r} is outside the base path {urls.base_path!r}")
    relative = url_path[len(urls.base_path):]
    if relative == "" or relative.endswith("/"):
        return relative + "index.html"
    return relative

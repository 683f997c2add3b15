"""Plan the site: the sorted list of every output file, its template and its context.

Pure: the plan is a function of the archive (and the UI strings) alone, so two builds of
the same content plan the same files in the same order. Data files (JSON, CSV) are made
here as bytes; pages and XML are rendered from templates later.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import operator
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from .archive import Archive, Group, latest_changed
from ..hashing import digest
from .citations import LazyCitation, citation_settings
from .dates import human_date, latest
from ..errors import BuildFailed, Problem
from .exports import CSV_COLUMNS_OF, RECORD_FIELDS, SCHEMA_VERSION, attribution, csv_frame_of, document_header, json_frame_of
from .feeds import assemble_entries, assemble_feed, assemble_track_feed, render_json_feed
from ..model import NAME_KINDS, Brief, Memo, Named
from .track_exports import MOVE_FIELDS, REACTION_FIELDS, STANCE_FIELDS, TRACK_FIELDS, TRACKS_SCHEMA_VERSION, assemble_downloads, render_schemas
from .track_svg import ChartText, chart_span, render_swimlane, render_track_chart, value_label
from .urls import RESERVED_NAMES, TERM_KINDS, Urls, output_path

# UI strings the Python side uses (feeds, citations, attribution); templates check their own.
PLAN_STRINGS = (
    "updated_on", "corrections_title", "sources_title", "feed_term_title", "data_attribution",
    "cite_plain", "cite_plain_updated", "cite_bibtex_updated",
)
# UI strings the tracks' charts, feeds and data use, needed when the archive has tracks.
TRACK_STRINGS = (
    "feed_track_title", "feed_track_entry", "track_move_from", "track_note_label", "track_source_label",
    "track_mark", "track_mark_first", "swimlane_mark", "track_figure_label", "swimlane_figure_label",
    "data_schema_title", "data_as_of",
)
# The pager links this many pages either side of the current one (plus the first and last).
PAGER_REACH = 2
# Term kinds that get their own Atom feed (tags are too many and too fine-grained).
FEED_KINDS = ("types", "actors")
# The sitemaps protocol's limits for one sitemap file; beyond either, the sitemap is split
# into parts listed by a sitemap index at the sitemap's own address.
SITEMAP_MAX_URLS = 50_000
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
# Bytes of one sitemap entry besides its address (tags, indentation, lastmod), and of a
# file besides its entries: a little more than templates/sitemap.xml writes.
_SITEMAP_ENTRY_BYTES = 80
_SITEMAP_FILE_BYTES = 200


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

    @property
    def window(self) -> tuple[tuple[int, str] | None, ...]:
        """(number, URL) of the pages the pager links, None where it skips a run of pages.

        The first and last pages and those near the current one: a pager listing all 500
        pages of a long timeline would be unreadable, and would make every page's size
        (and the build's cost) grow with the number of pages.
        """
        near = range(max(1, self.number - PAGER_REACH), min(self.count, self.number + PAGER_REACH) + 1)
        shown = sorted({1, self.count, *near})
        window: list[tuple[int, str] | None] = []
        for number in shown:
            if window and window[-1] is not None and number - window[-1][0] == 2:
                window.append((number - 1, self.urls[number - 2]))  # a gap of one page: link it
            elif window and window[-1] is not None and number - window[-1][0] > 2:
                window.append(None)
            window.append((number, self.urls[number - 1]))
        return tuple(window)


@dataclass(frozen=True)
class GroupHeading:
    """What a year or term page says about its whole group: not the briefs themselves, so
    each page of the group depends only on the briefs it lists."""

    key: str
    label: str
    description: str
    count: int


@dataclass(frozen=True)
class NamedHeading:
    """A place or person as its page and the index of its kind show it: the register's
    entry and how many milestones name it (not the milestones themselves)."""

    entry: Named
    count: int


@dataclass(frozen=True)
class SitemapEntry:
    """A page as the sitemap lists it."""

    url: str
    lastmod: dt.date | None
    alternates: tuple = ()  # the page's version in every language (languages.LanguageLink), itself included


@dataclass(frozen=True)
class SitemapPart:
    """One part of a split sitemap, as the sitemap index lists it."""

    url: str
    lastmod: dt.date | None


@dataclass(frozen=True)
class OutputFile:
    """A file to write: where it goes and either a template with variables or ready bytes."""

    path: str  # relative to the output folder, '/'-separated
    template: str  # '' when `data` holds the finished file
    url: str  # root-relative URL, '' for files not meant to be linked
    context: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""  # content file it comes from, for collision messages
    data: bytes | None = None  # the finished file, for small formats made in Python (JSON Feed)
    lastmod: dt.date | None = None  # latest content date the file shows, for the sitemap
    made_from: str = ""  # digest of all a file made in Python is made from
    rows: str = ""  # a data download: 'json' or 'csv' rows of every brief, between `frame`
    frame: tuple[bytes, bytes] = (b"", b"")  # a download's bytes before and after its rows
    language: str = ""  # the translation whose pages it belongs to; '' for the original's

    @property
    def is_page(self) -> bool:
        """An HTML page a reader can land on (the sitemap lists exactly these)."""
        return self.path.endswith(".html") and self.template != "404.html"

    def sitemap_entry(self, with_alternates: bool) -> SitemapEntry:
        """The page as the sitemap lists it, with its versions in every language or not.

        Made once per page object: a dev server's save keeps most pages as they were."""
        made = self.__dict__.setdefault(_ENTRIES, {})  # a frozen dataclass: its cache goes in __dict__
        entry = made.get(with_alternates)
        if entry is None:
            entry = made[with_alternates] = SitemapEntry(self.url, self.lastmod, self.context["alternates"] if with_alternates else ())
        return entry


_ENTRIES = "_sitemap_entries"


def with_context(item: OutputFile, context: Mapping[str, Any]) -> OutputFile:
    """`item` with another context: dataclasses.replace, without its cost (it goes through
    every field and __init__; a plan of 15,000 pages does this for every page, every save)."""
    made = object.__new__(OutputFile)
    made.__dict__.update(item.__dict__)
    made.__dict__.pop(_ENTRIES, None)  # made from the old context
    made.__dict__["context"] = context
    return made


def plan_site(
    archive: Archive, urls: Urls, strings: Mapping[str, Any], memo: Memo | None = None,
    previous: Mapping[str, OutputFile] | None = None,
) -> tuple[OutputFile, ...]:
    """Every file the site consists of, sorted by path (pure: no I/O, no processes).

    `memo` keeps feed entries and `previous` (an earlier plan's files by path) lends
    unchanged brief pages: neither changes what is planned, only how fast.
    """
    files = plan_edition(archive, urls, strings, memo, previous)
    pages = sorted((f for f in files if f.is_page), key=lambda f: f.path)
    add = files.append
    entries = tuple(SitemapEntry(f.url, f.lastmod) for f in pages)  # only what the sitemap shows
    files += plan_sitemaps(urls, entries)
    add(OutputFile(output_path(urls, urls.robots()), "robots.txt", urls.robots(), {}))
    return tuple(sorted(files, key=lambda f: f.path))


def plan_edition(
    archive: Archive, urls: Urls, strings: Mapping[str, Any], memo: Memo | None = None,
    previous: Mapping[str, OutputFile] | None = None,
) -> list[OutputFile]:
    """The pages, feeds and data files of the site in one language (`urls` and `strings`
    are that language's), without the sitemap and robots.txt, which list every language."""
    _require_strings(archive, strings, PLAN_STRINGS, ())
    files = plan_pages(archive, urls, strings, previous)
    files += plan_feeds(archive, urls, strings, memo)
    files += plan_data(archive, urls, strings)
    files += plan_tracks(archive, urls, strings)
    files.append(plan_search_names(archive, urls))
    return files


def plan_pages(archive: Archive, urls: Urls, strings: Mapping[str, Any], previous: Mapping[str, OutputFile] | None = None) -> list[OutputFile]:
    """The HTML pages: home, lists, terms, briefs, standalone pages, search, data.

    `previous` (an earlier plan's files by path) lends brief pages that are still planned
    exactly as they were (see _brief_pages).
    """
    files: list[OutputFile] = []
    add = files.append
    everything = archive.latest_change
    add(_html(urls, urls.home(), "index.html", {"kind": "home"}, lastmod=everything))
    add(OutputFile("404.html", "404.html", urls.not_found(), {"kind": "not_found"}))
    add(_html(urls, urls.search(), "search.html", {"kind": "search"}))
    files += _timeline(urls, archive, "newest", previous) + _timeline(urls, archive, "oldest", previous)
    add(_html(urls, urls.years(), "years.html", {"kind": "years", "groups": archive.years}, lastmod=everything))
    for group in archive.years:
        make = lambda n, y=int(group.key): urls.year(y, n)  # noqa: E731
        files += _paginated(urls, archive, group.briefs, "year.html", make, {"kind": "year", "group": _heading(group)}, previous)
    for kind in TERM_KINDS:
        groups = archive.terms[kind]
        add(_html(urls, urls.terms(kind), "terms.html", {"kind": "terms", "term_kind": kind, "groups": groups}, lastmod=everything))
        for group in groups:
            make = lambda n, k=kind, g=group.key: urls.term(k, g, n)  # noqa: E731
            feed = urls.feed(kind, group.key) if kind in FEED_KINDS else ""
            # An actor's page lists apart the milestones it took part in and those it reacted to.
            reacted = archive.tracks.reactions_by_actor.get(group.key, ()) if archive.tracks and kind == "actors" else None
            context = {"kind": "term", "term_kind": kind, "group": _heading(group), "term_feed": feed, "reacted": reacted}
            files += _paginated(urls, archive, group.briefs, "term.html", make, context, previous)
    files += plan_named_pages(archive, urls, everything, previous)
    files += _brief_pages(archive, urls, strings, previous)
    for page in archive.pages:
        add(_html(urls, urls.page(page.id), "page.html", {"kind": "page", "page": page}, source=page.path))
    return files


def _brief_pages(archive: Archive, urls: Urls, strings: Mapping[str, Any], previous: Mapping[str, OutputFile] | None) -> list[OutputFile]:
    """A page per brief. A page of `previous` is taken as it is when it shows the very same
    objects (brief, neighbours, related) and its citation is made from the same settings:
    it is then equal to the page planned afresh, and a dev server's save replans ten
    thousand pages in a few milliseconds."""
    # A citation's inputs besides its brief, digested once (repr of frozen plain data).
    settings = digest("citation", repr(citation_settings(archive, urls, strings)))
    older, newer, related = archive.older, archive.newer, archive.related
    moves_of = archive.tracks.moves_of if archive.tracks else {}
    reactions_of = archive.tracks.reactions_of if archive.tracks else {}
    pages = []
    only = urls.briefs if urls.language else None  # a translation has pages for its own briefs only
    brief_url, named_entry = urls.brief, archive.names.get
    kept_at = previous.get if previous else None
    for brief in archive.briefs:
        brief_id = brief.id
        if only is not None and brief_id not in only:
            continue  # not translated: its links lead to the original's page
        url = brief_url(brief_id)
        path = output_path(urls, url)
        before, after, near = older[brief_id], newer[brief_id], related[brief_id]
        moves, reactions = moves_of.get(brief_id, ()), reactions_of.get(brief_id, ())
        # The register's own objects, so a kept page is known to show the same ones.
        places = tuple(named_entry("places", i) for i in brief.places) if brief.places else ()
        people = tuple(named_entry("people", i) for i in brief.people) if brief.people else ()
        kept = kept_at(path) if kept_at is not None else None
        if kept is not None and brief.fingerprint:
            context = kept.context
            if (
                context["brief"] is brief and context["older"] is before and context["newer"] is after
                and context["citation"].settings == settings and _same_items(context["related"], near)
                # Made afresh each build, so compared by value (a few small records at most).
                and context["moves"] == moves and context["reactions"] == reactions
                and _same_items(context["places"], places) and _same_items(context["people"], people)
            ):
                pages.append(kept)
                continue
        cite_key = digest(settings, brief.fingerprint) if brief.fingerprint else ""
        context = {
            "kind": "brief", "brief": brief, "older": before, "newer": after, "related": near,
            "citation": LazyCitation(brief, archive, urls, strings, cite_key, settings),
            "moves": moves, "reactions": reactions, "places": places, "people": people,
        }
        pages.append(OutputFile(path, "brief.html", url, context, brief.path, lastmod=brief.last_modified))
    return pages


def plan_named_pages(archive: Archive, urls: Urls, everything: dt.date | None, previous: Mapping[str, OutputFile] | None = None) -> list[OutputFile]:
    """A page per place and person of the names register, listing the milestones that name
    it, and the index of each kind."""
    files: list[OutputFile] = []
    for kind in NAME_KINDS:
        if not archive.names.kind(kind):
            continue  # a project without a names register has no places or people pages
        headings = tuple(NamedHeading(archive.names.get(kind, g.key), len(g.briefs)) for g in archive.named[kind])
        files.append(_html(urls, urls.names_index(kind), "names.html", {"kind": "names", "name_kind": kind, "entries": headings}, lastmod=everything))
        for group, heading in zip(archive.named[kind], headings):
            make = lambda n, k=kind, e=group.key: urls.named(k, e, n)  # noqa: E731
            context = {"kind": "named", "name_kind": kind, "entry": heading, "entry_feed": urls.feed(kind, group.key)}
            files += _paginated(urls, archive, group.briefs, "named.html", make, context, previous)
    return files


def _same_items(old: tuple, new: tuple) -> bool:
    # Identity, not equality: cheap (compared in C), and never true for two different values.
    return len(old) == len(new) and all(map(operator.is_, old, new))


def plan_feeds(archive: Archive, urls: Urls, strings: Mapping[str, Any], memo: Memo | None = None) -> list[OutputFile]:
    """The site's Atom and JSON feeds, and one Atom feed per milestone type, actor, place and person."""
    config = archive.config
    entries = assemble_entries(archive, urls, strings, memo)
    # A translation's feeds carry the briefs translated into it (its lists show the others too).
    if urls.language:
        chosen = latest_changed(tuple(b for b in archive.briefs if b.id in urls.briefs), config.feed_size)
    else:
        chosen = archive.latest_changed(config.feed_size)
    site_feed = assemble_feed(archive, urls, entries, chosen, urls.feed(), urls.home(), config.title, config.description)
    json_feed = assemble_feed(archive, urls, entries, chosen, urls.json_feed(), urls.home(), config.title, config.description)
    files = [
        OutputFile(output_path(urls, urls.feed()), "feed.xml", urls.feed(), {"feed": site_feed}),
        _made_in_python(output_path(urls, urls.json_feed()), urls.json_feed(), render_json_feed(json_feed, archive)),
    ]
    # A feed per milestone type and actor, and per place and person of the names register.
    grouped = [(kind, group, urls.term(kind, group.key)) for kind in FEED_KINDS for group in archive.terms[kind]]
    grouped += [(kind, group, urls.named(kind, group.key)) for kind in NAME_KINDS for group in archive.named[kind]]
    for kind, group, page in grouped:
        url = urls.feed(kind, group.key)
        title = strings["feed_term_title"].format(site=config.title, term=group.label)
        if urls.language:
            chosen = latest_changed(tuple(b for b in group.briefs if b.id in urls.briefs), config.feed_size)
        else:
            chosen = group.latest_changed(config.feed_size)
        feed = assemble_feed(archive, urls, entries, chosen, url, page, title, group.description)
        files.append(OutputFile(output_path(urls, url), "feed.xml", url, {"feed": feed}))
    return files


def plan_sitemaps(urls: Urls, entries: tuple[SitemapEntry, ...]) -> list[OutputFile]:
    """The sitemap; split into numbered parts and a sitemap index when it would exceed
    SITEMAP_MAX_URLS addresses or SITEMAP_MAX_BYTES bytes (robots.txt names the index)."""
    parts = split_sitemap(urls, entries)
    if len(parts) == 1:
        return [OutputFile(output_path(urls, urls.sitemap()), "sitemap.xml", urls.sitemap(), {"pages": parts[0]})]
    files = [
        OutputFile(output_path(urls, urls.sitemap(number)), "sitemap.xml", urls.sitemap(number), {"pages": part})
        for number, part in enumerate(parts, start=1)
    ]
    index = tuple(SitemapPart(urls.sitemap(n), latest(e.lastmod for e in part)) for n, part in enumerate(parts, start=1))
    files.append(OutputFile(output_path(urls, urls.sitemap()), "sitemap-index.xml", urls.sitemap(), {"sitemaps": index}))
    return files


def split_sitemap(urls: Urls, entries: tuple[SitemapEntry, ...]) -> list[tuple[SitemapEntry, ...]]:
    """Entries in order, cut into runs that each fit in one sitemap file (at least one run)."""
    if len(entries) <= SITEMAP_MAX_URLS:
        # Escaping makes a character at most 6 ("&quot;"), UTF-8 at most 4 bytes: when even
        # that fits, the exact size (an escape per address, every save) is not needed.
        longest = 24 * (len(entries) * len(urls.origin) + sum(map(len, map(_URL, entries))))
        if _SITEMAP_FILE_BYTES + len(entries) * _SITEMAP_ENTRY_BYTES + longest <= SITEMAP_MAX_BYTES:
            return [entries]
    parts: list[tuple[SitemapEntry, ...]] = []
    current: list[SitemapEntry] = []
    size = _SITEMAP_FILE_BYTES
    for entry in entries:
        # Each address is written XML-escaped, in UTF-8: counted the same way here.
        grows = _SITEMAP_ENTRY_BYTES + len(html.escape(urls.absolute(entry.url)).encode("utf-8"))
        if current and (len(current) >= SITEMAP_MAX_URLS or size + grows > SITEMAP_MAX_BYTES):
            parts.append(tuple(current))
            current, size = [], _SITEMAP_FILE_BYTES
        current.append(entry)
        size += grows
    parts.append(tuple(current))
    return parts


def plan_search_names(archive: Archive, urls: Urls) -> OutputFile:
    """search/names.json: every name of the register as the search page suggests them
    when a query finds nothing (fetched only then)."""
    entries = [
        {
            "kind": kind, "label": group.label, "url": urls.named(kind, group.key), "count": len(group.briefs),
            "lang": archive.names.get(kind, group.key).written_in(archive.config.language)[1],
            "spellings": list(archive.names.get(kind, group.key).spellings),
        }
        for kind in NAME_KINDS for group in archive.named[kind]
    ]
    data = (json.dumps(entries, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return _made_in_python(output_path(urls, urls.search_names()), urls.search_names(), data)


def plan_data(archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> list[OutputFile]:
    """The Data page and the downloads it documents.

    The downloads hold one encoded row per brief (200 MB at 10,000 briefs): the plan gives
    only the bytes around the rows (`frame`); the writer's producer adds the rows.
    """
    json_url, csv_url = urls.data("briefs.json"), urls.data("briefs.csv")
    context = {
        "kind": "data", "record_fields": RECORD_FIELDS, "csv_columns": CSV_COLUMNS_OF,
        "schema_version": SCHEMA_VERSION, "attribution": attribution(archive, urls, strings),
        "json_url": json_url, "csv_url": csv_url,
        # The downloads of tracks, moves and reactions, when the archive has tracks.
        "track_fields": track_data_fields() if archive.tracks else None,
    }
    everything = archive.latest_change
    json_frame, csv_frame = json_frame_of(archive, urls, strings), csv_frame_of()
    # Each file is a function of every brief's fingerprint, the site's URL and its frame:
    # hashing those is cheaper than hashing 200 MB of rows.
    keys = list(map(_FINGERPRINT, archive.briefs))
    made_from = digest("rows", urls.base_url, *keys) if all(keys) else ""
    return [
        _html(urls, urls.data(), "data.html", context, lastmod=everything),
        OutputFile(output_path(urls, json_url), "", json_url, rows="json", frame=json_frame,
                   made_from=digest(made_from, *json_frame) if made_from else ""),
        OutputFile(output_path(urls, csv_url), "", csv_url, rows="csv", frame=csv_frame,
                   made_from=digest(made_from, *csv_frame) if made_from else ""),
    ]


def plan_tracks(archive: Archive, urls: Urls, strings: Mapping[str, Any]) -> list[OutputFile]:
    """The tracks' pages (overview, one per track, the reactions matrix), a feed per track,
    and the downloads of tracks, moves and reactions with their JSON Schemas."""
    data = archive.tracks
    if data is None:
        return []
    _require_strings(archive, strings, TRACK_STRINGS, ("track_directions", "data_fields_moves", "data_fields_reactions", "data_fields_tracks", "data_fields_stances"))
    text = chart_text(strings, archive.config.language, archive.config.original)
    as_of = data.board.as_of
    first = min((b.date for b in archive.briefs), default=as_of)
    span = chart_span(first, as_of)
    label = lambda step: value_label(step, text)  # noqa: E731
    files = [
        _html(urls, urls.tracks(), "tracks.html", {
            "kind": "tracks", "board": data.board, "swimlane": render_swimlane(data.histories, span, urls, text),
        }, lastmod=_latest_of(archive, data.histories)),
        _html(urls, urls.reactions(), "reactions.html", {
            "kind": "reactions", "matrix": data.matrix, "stances": data.definitions.stances,
        }, lastmod=latest(archive.by_id[row[0]].last_modified for row in data.matrix.rows)),
    ]
    for history in data.histories:
        track_id, feed = history.track.id, urls.track_feed(history.track.id)
        context = {
            "kind": "track", "history": history, "as_of": as_of, "track_feed": feed, "first_day": first,
            "chart": render_track_chart(history, span, (first, as_of), urls, text),
        }
        files.append(_html(urls, urls.track(track_id), "track.html", context, lastmod=_latest_of(archive, (history,))))
        files.append(OutputFile(output_path(urls, feed), "feed.xml", feed, {"feed": assemble_track_feed(archive, urls, strings, history, label, as_of)}))
    header = document_header(archive, urls, strings, TRACKS_SCHEMA_VERSION)
    for name, made in assemble_downloads(data, urls, header).items():
        files.append(_made_in_python(output_path(urls, urls.data(name)), urls.data(name), made))
    for name, made in render_schemas(urls, strings, archive.config.title).items():
        files.append(_made_in_python(output_path(urls, urls.data(name)), urls.data(name), made))
    return files


def chart_text(strings: Mapping[str, Any], language: str, original: str = "") -> ChartText:
    """The words of the tracks' charts, from the UI strings, with dates in `language`
    (`original`: the language of tracks.yaml's labels, marked where it differs)."""
    return ChartText(
        lambda day: human_date(day, language), strings["track_directions"], strings["track_mark"], strings["track_mark_first"],
        strings["swimlane_mark"], strings["track_figure_label"], strings["swimlane_figure_label"],
        original if original and original != language else "",
    )


def track_data_fields() -> dict[str, tuple[str, ...]]:
    """The fields of each tracks download, for the Data page (name -> field names)."""
    return {
        "moves": tuple(f for f, _ in MOVE_FIELDS), "reactions": tuple(f for f, _ in REACTION_FIELDS),
        "tracks": tuple(f for f, _ in TRACK_FIELDS), "stances": tuple(f for f, _ in STANCE_FIELDS),
    }


def _latest_of(archive: Archive, histories) -> dt.date | None:
    # A track's page shows its moves and their briefs' titles: its latest content date.
    return latest(d for h in histories for s in h.steps for d in (s.as_of, archive.by_id[s.origin.brief_id].last_modified))


def _require_strings(archive: Archive, strings: Mapping[str, Any], texts: tuple[str, ...], mappings: tuple[str, ...]) -> None:
    missing = [n for n in texts if not isinstance(strings.get(n), str)] + [n for n in mappings if not isinstance(strings.get(n), dict)]
    if missing:
        where = f"templates/i18n/{archive.config.language}.yaml"
        raise BuildFailed([Problem(where, 1, name, "UI string is missing") for name in missing])


def check_plan(files: tuple[OutputFile, ...]) -> list[Problem]:
    """Two outputs at one path (e.g. a page named like a section) are an error naming both."""
    keys = [item.path.lower() for item in files]  # case-insensitive file systems must not merge two pages
    if len(set(keys)) == len(keys):  # no two alike (every save of a dev server): only names to check
        return [_reserved(item) for item in files if item.template == "page.html" and item.path.split("/", 1)[0] in RESERVED_NAMES]
    problems: list[Problem] = []
    seen: dict[str, OutputFile] = {}
    for item in files:
        key = item.path.lower()
        if item.template == "page.html" and item.path.split("/", 1)[0] in RESERVED_NAMES:
            problems.append(_reserved(item))
        elif key in seen:
            other = seen[key]
            culprit = item.source or other.source or "content"
            problems.append(Problem(culprit, 1, "file", f"would be written to {item.path}, which {other.source or 'the site'} also writes"))
        seen.setdefault(key, item)
    return problems


def _reserved(page: OutputFile) -> Problem:
    top = page.path.split("/", 1)[0]
    return Problem(page.source, 1, "file", f"the page name '{top}' is reserved for the site's own pages; rename the file")


def _made_in_python(path: str, url: str, data: bytes) -> OutputFile:
    return OutputFile(path, "", url, data=data, made_from=digest("bytes", data))


# The orders the timeline is offered in; each has its own address and the same page size.
TIMELINE_ORDERS = ("newest", "oldest")


def _timeline(urls: Urls, archive: Archive, order: str, previous: Mapping[str, OutputFile] | None = None) -> list[OutputFile]:
    """The timeline's pages in one order; a page whose first year began on the page before
    is told so (`continued`), for its heading."""
    briefs = archive.briefs if order == "newest" else archive.briefs[::-1]
    context = {"kind": "timeline", "order": order, "orders": TIMELINE_ORDERS}
    size = archive.config.page_size

    def continued(n: int) -> dict[str, Any]:
        return {"continued": n > 1 and briefs[(n - 1) * size - 1].year == briefs[(n - 1) * size].year}

    return _paginated(urls, archive, briefs, "timeline.html", lambda n: urls.timeline(n, order), context, previous, continued)


def _heading(group: Group) -> GroupHeading:
    return GroupHeading(group.key, group.label, group.description, len(group.briefs))


def _html(urls: Urls, url: str, template: str, context: dict[str, Any], source: str = "", lastmod: dt.date | None = None) -> OutputFile:
    return OutputFile(output_path(urls, url.split("?", 1)[0]), template, url, context, source, lastmod=lastmod)


_LAST_MODIFIED = operator.attrgetter("last_modified")
_FINGERPRINT = operator.attrgetter("fingerprint")
_URL = operator.attrgetter("url")


def _paginated(
    urls: Urls, archive: Archive, briefs: tuple[Brief, ...], template: str, url_of, context: dict[str, Any],
    previous: Mapping[str, OutputFile] | None = None, extra=None,
) -> list[OutputFile]:
    """The pages of a list of briefs; `extra(number)` adds a page's own variables.

    A page of `previous` is taken as it is when it lists the very same brief objects with
    the same variables (see _same_list_page): a dev server's save then replans only the
    pages that list the saved brief."""
    size = archive.config.page_size
    count = max(1, math.ceil(len(briefs) / size))
    page_urls = tuple(url_of(n) for n in range(1, count + 1))
    result = []
    for number in range(1, count + 1):
        items = briefs[(number - 1) * size : number * size]
        url = page_urls[number - 1]
        own = {**context, **extra(number)} if extra is not None else context
        path = output_path(urls, url.split("?", 1)[0])
        kept = previous.get(path) if previous else None
        if kept is not None and _same_list_page(kept, template, url, own, number, page_urls, items):
            result.append(kept)
            # The same addresses: the next pages compare them by identity (a timeline of 500
            # pages compared each page's 500 addresses, each save).
            page_urls = kept.context["pagination"].urls
            continue
        pagination = Pagination(number, count, items, page_urls)
        lastmod = max(map(_LAST_MODIFIED, items), default=None)
        result.append(OutputFile(path, template, url, {**own, "pagination": pagination}, lastmod=lastmod))
    return result


def _same_list_page(
    kept: OutputFile, template: str, url: str, context: dict[str, Any], number: int, page_urls: tuple[str, ...], items: tuple[Brief, ...],
) -> bool:
    """Whether a planned list page is exactly the one `context` and `items` would make (its
    language versions aside, which plan_editions compares)."""
    found = kept.context
    pagination = found.get("pagination")
    return (
        type(pagination) is Pagination and kept.template == template and kept.url == url
        and pagination.number == number and (pagination.urls is page_urls or pagination.urls == page_urls)
        and _same_items(pagination.items, items)
        # The group's heading, feed and the like: a few small values, compared by value.
        and len(found) - ("alternates" in found) == len(context) + 1
        and all(name in found and found[name] == value for name, value in context.items())
    )

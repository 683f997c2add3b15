"""Feeds of the archive: which briefs a feed carries, each entry's data, and JSON Feed 1.1.

The Atom feeds are rendered from the same Feed data by templates/feed.xml. Every date
comes from the content (a brief's last change), never from the clock.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

from .archive import Archive
from .dates import human_date, latest, rfc3339
from ..hashing import digest
from ..model import Brief, Memo
from .tracks import TrackHistory
from .urls import Urls

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# Characters XML 1.0 cannot carry at all; a body could hold them, a feed must not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EPOCH = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Category:
    """A vocabulary term an entry is filed under."""

    scheme: str  # absolute URL of the term kind's index page
    term: str
    label: str


@dataclass(frozen=True)
class FeedEntry:
    """One brief as a feed entry; its id stays the same when the brief is corrected."""

    id: str
    url: str
    title: str
    summary: str
    content_html: str
    published: str  # RFC 3339: the day of the event
    updated: str  # RFC 3339: the brief's last update or correction
    categories: tuple[Category, ...]


@dataclass(frozen=True)
class Feed:
    """A feed: its own address, the page it belongs to, and its entries (latest change first)."""

    url: str
    home_url: str
    title: str
    subtitle: str
    updated: str
    entries: tuple[FeedEntry, ...]


class EntryMaker:
    """Feed entries by brief id, each made once on first use and shared by all feeds.

    Feeds show only their newest briefs, so most briefs never need an entry. With a
    `memo`, an entry is kept by what it is made from: the brief, the edition's settings and
    vocabulary (a translation's labels are not in its briefs' fingerprints), its URLs and
    the UI strings.
    """

    def __init__(self, archive: Archive, urls: Urls, strings: Mapping[str, Any], memo: Memo | None = None):
        self._made: dict[str, FeedEntry] = {}
        self._args = (archive, urls, strings)
        self._memo = memo
        edition = (archive.config, archive.vocabulary, urls.base_url, urls.language)
        self._settings = digest("feed-entry", repr(edition), repr(sorted((k, repr(v)) for k, v in strings.items()))) if memo else ""

    def __getitem__(self, brief: Brief) -> FeedEntry:
        entry = self._made.get(brief.id)
        if entry is None:
            key = self._memo.key("feed-entry", self._settings, brief.fingerprint) if self._memo and brief.fingerprint else ""
            entry = self._memo.get(key) if key else None  # type: ignore[union-attr]
            if not isinstance(entry, FeedEntry):
                entry = _entry(*self._args, brief)
                if key:
                    self._memo.put(key, entry)  # type: ignore[union-attr]
            self._made[brief.id] = entry
        return entry


def assemble_entries(archive: Archive, urls: Urls, strings: Mapping[str, Any], memo: Memo | None = None) -> EntryMaker:
    """The feed entries of the archive's briefs, made as feeds ask for them."""
    return EntryMaker(archive, urls, strings, memo)


def assemble_feed(
    archive: Archive, urls: Urls, entries: EntryMaker, briefs: tuple[Brief, ...],
    url: str, home_url: str, title: str, subtitle: str,
) -> Feed:
    """A feed of the given briefs (already chosen) with absolute URLs throughout."""
    # An empty feed (a term without briefs yet) still needs a date: the archive's latest.
    newest = latest(b.last_modified for b in briefs) or archive.latest_change
    return Feed(
        url=urls.absolute(url), home_url=urls.absolute(home_url), title=title, subtitle=subtitle,
        updated=rfc3339(newest) if newest else _EPOCH, entries=tuple(entries[b] for b in briefs),
    )


def render_json_feed(feed: Feed, archive: Archive) -> bytes:
    """The feed as a JSON Feed 1.1 document (sorted keys, UTF-8)."""
    config = archive.config
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "description": feed.subtitle,
        "home_page_url": feed.home_url,
        "feed_url": feed.url,
        "language": config.language,
        "authors": [{"name": config.author, "url": feed.home_url}],
        "items": [
            {
                "id": e.id, "url": e.url, "title": e.title, "summary": e.summary,
                "content_html": e.content_html, "date_published": e.published,
                "date_modified": e.updated, "tags": [c.label for c in e.categories],
            }
            for e in feed.entries
        ],
    }
    # Compact: the C encoder is many times faster than indenting, which matters at scale.
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n").encode("utf-8")


def _entry(archive: Archive, urls: Urls, strings: Mapping[str, Any], brief: Brief) -> FeedEntry:
    url = urls.absolute(urls.brief(brief.id))
    categories = [Category(urls.absolute(urls.terms("types")), brief.type, archive.term_label("types", brief.type))]
    for kind, ids in (("actors", brief.actors), ("tags", brief.tags)):
        categories += [Category(urls.absolute(urls.terms(kind)), i, archive.term_label(kind, i)) for i in ids]
    return FeedEntry(
        id=url, url=url, title=brief.title, summary=brief.summary,
        content_html=render_entry_html(brief, strings, archive.config.language, archive.config.original), published=rfc3339(brief.date),
        updated=rfc3339(brief.last_modified), categories=tuple(categories),
    )


def render_entry_html(brief: Brief, strings: Mapping[str, Any], language: str, original: str = "") -> str:
    """The brief's body followed by its corrections and sources, as one HTML fragment; a
    correction in another language than `language` (one a translation lacks, in the
    `original` language) is marked with its language."""
    esc = html.escape
    original = original or language
    parts = [brief.body.html.strip()]
    if brief.updated:
        parts.append(f"<p><em>{esc(strings['updated_on'])} {esc(human_date(brief.updated, language))}</em></p>")
    if brief.corrections:
        items = "".join(
            f"<li>{esc(human_date(c.date, language))}: {esc(c.note)}</li>" if (c.language or original) == language
            else f'<li>{esc(human_date(c.date, language))}: <q lang="{esc(c.language or original)}">{esc(c.note)}</q></li>'
            for c in brief.corrections
        )
        parts.append(f"<h2>{esc(strings['corrections_title'])}</h2><ul>{items}</ul>")
    sources = "".join(
        f'<li>{esc(s.publisher)}, <a href="{esc(s.url)}">{esc(s.title)}</a></li>' for s in brief.sources
    )
    parts.append(f"<h2>{esc(strings['sources_title'])}</h2><ol>{sources}</ol>")
    return _NOT_XML.sub("", "\n".join(parts))


def assemble_track_feed(
    archive: Archive, urls: Urls, strings: Mapping[str, Any], history: TrackHistory, value_label, fallback: dt.date | None,
) -> Feed:
    """The Atom feed of one track: an entry per move, newest first. An entry's id stays
    the same when its brief is corrected; `updated` follows the brief's last change."""
    language = archive.config.language
    esc = html.escape
    track = history.track
    page = urls.absolute(urls.track(track.id))
    entries = []
    for step in sorted(history.steps, key=lambda s: (s.as_of, s.lane), reverse=True):
        brief = archive.by_id[step.origin.brief_id]
        value = value_label(step)
        title = strings["feed_track_entry"].format(track=track.label, value=value, date=human_date(step.as_of, language))
        lines = [f"<p>{esc(strings['track_move_from'].format(previous=step.previous_label, value=value))}</p>" if step.previous_label else ""]
        lines.append(f"<p>{esc(step.reason)}</p>")
        if step.note:
            lines.append(f"<p><em>{esc(strings['track_note_label'])}</em> {esc(step.note)}</p>")
        lines.append(
            f'<p>{esc(strings["track_source_label"])} {esc(step.origin.source_publisher)}, <a href="{esc(step.origin.source_url)}">{esc(step.origin.source_title)}</a>; '
            f'<a href="{esc(urls.absolute(urls.brief(brief.id)))}">{esc(brief.title)}</a></p>'
        )
        entries.append(FeedEntry(
            id=f"{page}#{step.anchor}", url=f"{urls.absolute(urls.brief(brief.id))}#{step.anchor}", title=title,
            summary=step.reason, content_html=_NOT_XML.sub("", "".join(lines)), published=rfc3339(step.as_of),
            updated=rfc3339(max(step.as_of, brief.last_modified)),
            categories=(Category(urls.absolute(urls.tracks()), track.id, track.label),),
        ))
    newest = max((e.updated for e in entries), default=rfc3339(fallback) if fallback else _EPOCH)
    url = urls.track_feed(track.id)
    return Feed(
        url=urls.absolute(url), home_url=page, title=strings["feed_track_title"].format(site=archive.config.title, track=track.label),
        subtitle=track.definition, updated=newest, entries=tuple(entries),
    )

"""Plain immutable data the build passes between stages."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Term:
    """One entry of the controlled vocabulary (a milestone type, an actor or a tag)."""

    id: str
    label: str
    description: str
    language: str = ""  # the language of label and description; "" for the site's original


@dataclass(frozen=True)
class Vocabulary:
    """Milestone types, actors and tags, each in file order."""

    types: tuple[Term, ...]
    actors: tuple[Term, ...]
    tags: tuple[Term, ...]

    def kind(self, name: str) -> tuple[Term, ...]:
        """Return the terms of `name` ('types', 'actors' or 'tags')."""
        return getattr(self, name)

    def ids(self, name: str) -> frozenset[str]:
        """Return the set of ids of one kind."""
        return self._ids[name]

    @functools.cached_property  # asked for by every term of every brief
    def _ids(self) -> dict[str, frozenset[str]]:
        return {name: frozenset(term.id for term in self.kind(name)) for name in ("types", "actors", "tags")}


@dataclass(frozen=True)
class Limits:
    """Resource bounds for hostile or accidental huge input (overridable in site.yaml)."""

    max_file_bytes: int = 512 * 1024
    max_front_matter_bytes: int = 64 * 1024
    max_yaml_values: int = 5_000
    max_body_nesting: int = 20
    # Python-Markdown is superlinear on dense markup: 24 KiB renders in about 2 s at worst
    # (bench/markdown_shapes.py) and is six times the longest bundled brief.
    max_body_bytes: int = 24 * 1024
    # What one body may become: reference links, abbreviations, [TOC] and tables repeat
    # their text, so a small body could render to hundreds of megabytes, embedded again by
    # every feed. Ten times the largest body (dense markup such as a table of one-letter
    # cells renders to about six times its size); the bundled briefs render to under 10 KiB.
    max_body_html_bytes: int = 256 * 1024


@dataclass(frozen=True)
class SiteLanguage:
    """A language the archive is translated into (site.yaml `languages`), with the site's
    own texts in it."""

    code: str  # a language tag such as hy; the folder its pages live in
    title: str
    description: str
    author: str = ""  # '' when the author's name is shown as in the original
    line: int = 1  # where site.yaml declares it, for messages


@dataclass(frozen=True)
class SiteConfig:
    """Settings from content/site.yaml."""

    title: str
    description: str
    base_url: str
    language: str
    author: str
    license: str
    page_size: int
    feed_size: int
    limits: Limits = field(default_factory=Limits)
    repository: str = ""  # e.g. https://github.com/OWNER/NAME; '' for none
    repository_branch: str = "main"
    contact: str = ""  # an e-mail address; '' for none
    languages: tuple[SiteLanguage, ...] = ()  # the translations declared, in site.yaml order
    # The language of the original content. Each language's pages are made with a copy of
    # these settings whose `language` is that language; '' means `language` itself.
    original_language: str = ""

    @property
    def original(self) -> str:
        """The language the original content is written in (e.g. 'en')."""
        return self.original_language or self.language

    @property
    def base_path(self) -> str:
        """The path part of base_url, always ending in '/' (e.g. '/archive/')."""
        from urllib.parse import urlsplit

        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"


@dataclass(frozen=True)
class Source:
    """A cited source of a brief."""

    publisher: str
    title: str
    url: str
    date: dt.date | None = None
    archived: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Correction:
    """A dated correction note shown on the brief and in feeds."""

    date: dt.date
    note: str
    language: str = ""  # the language of `note`; "" for the site's original


@dataclass(frozen=True)
class Heading:
    """A section heading of a rendered body, for the table of contents."""

    level: int
    id: str
    text: str


@dataclass(frozen=True)
class RenderedMarkdown:
    """Sanitized HTML of a Markdown body plus what templates need about it."""

    html: str
    headings: tuple[Heading, ...]
    text: str  # plain text, for word counts and feeds' plain summaries
    word_count: int


@dataclass(frozen=True)
class Brief:
    """One validated milestone brief."""

    id: str
    path: str  # relative to the project root, '/'-separated
    title: str
    date: dt.date
    type: str
    actors: tuple[str, ...]
    summary: str
    sources: tuple[Source, ...]
    body: RenderedMarkdown
    end_date: dt.date | None = None
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    updated: dt.date | None = None
    corrections: tuple[Correction, ...] = ()
    draft: bool = False
    # Where each related id and each source stands in the file, for messages about them.
    related_lines: tuple[int, ...] = ()
    source_lines: tuple[int, ...] = ()
    # Digest of everything this brief was made from (file path and text, vocabulary,
    # limits, versions), set by the loader: page fingerprints use it instead of walking
    # the whole brief. Empty for briefs made elsewhere (they are walked field by field).
    fingerprint: str = ""
    # Digest of what related briefs are chosen by (id, date, type, actors, tags, related);
    # empty for briefs made elsewhere.
    head: str = ""
    # Digest of the text a translation is made from (title, summary, body, correction
    # notes, whitespace aside): see content/translations.py.
    text_digest: str = ""
    language: str = ""  # the language of title, summary and body; "" for the site's original
    translation: "TranslationNote | None" = None  # for a translated brief: how, and whether current

    @property
    def year(self) -> int:
        """The year of the event."""
        return self.date.year

    @functools.cached_property  # asked for by every list, feed and sitemap entry
    def last_modified(self) -> dt.date:
        """The latest date the brief's content carries (event, update or correction)."""
        dates = [self.date, *(c.date for c in self.corrections)]
        if self.updated:
            dates.append(self.updated)
        return max(dates)


@dataclass(frozen=True)
class Page:
    """A standalone page from content/pages/*.md (about, methodology, ...)."""

    id: str
    path: str
    title: str
    summary: str
    order: int
    body: RenderedMarkdown
    text_digest: str = ""  # as Brief.text_digest
    language: str = ""  # as Brief.language
    translation: "TranslationNote | None" = None  # as Brief.translation


@dataclass(frozen=True)
class Provenance:
    """How a translation was made: by a person, or machine-assisted (reviewed by a person
    or not), when, and from which text of the original (its digest)."""

    method: str  # 'human' | 'machine-assisted'
    reviewed: bool  # a person checked it against the original (always true for 'human')
    translator: str  # who, or which tool
    date: dt.date
    original_digest: str


@dataclass(frozen=True)
class Translation:
    """A translation file: only translated text, plus its provenance. The facts (dates,
    terms, sources...) are the original's."""

    kind: str  # 'brief' | 'page'
    of: str  # the id of the original brief or page
    language: str
    path: str  # relative to the project root
    title: str
    summary: str
    body: RenderedMarkdown
    provenance: Provenance
    corrections: tuple[Correction, ...] = ()
    fingerprint: str = ""  # digest of all it was made from (as Brief.fingerprint)
    line: int = 1  # where the provenance starts, for messages


@dataclass(frozen=True)
class VocabularyTranslation:
    """Labels and descriptions of vocabulary terms in one language (vocabulary.<code>.yaml)."""

    language: str
    path: str
    terms: tuple[tuple[str, str, Term], ...]  # (kind, id, translated term)
    provenance: Provenance
    lines: tuple[tuple[str, str, int], ...] = ()  # (kind, id, line) of each term, for messages


@dataclass(frozen=True)
class TranslationNote:
    """What a translated page says about its translation: how it was made, and whether the
    original has changed since (its text, or a correction the translation lacks)."""

    provenance: Provenance
    outdated: bool  # the original's text differs (beyond whitespace) from the one translated
    pending_corrections: int  # the original's corrections the translation lacks
    original_url: str = ""  # root-relative address of the original's page


@dataclass(frozen=True)
class Span:
    """`length` bytes at `offset` of the file at `path`: a part of a file to write that the
    kernel copies from there (e.g. rows kept by rowstore), never read into memory."""

    path: str
    offset: int
    length: int


FileData = bytes | tuple[bytes | Span, ...]  # a file's bytes, or its parts in order


class Memo(Protocol):
    """Where a stage keeps values between runs (the store): keys made by the store's one
    rule (the engine and the inputs named), values got and put by key."""

    def key(self, kind: str, *inputs: Any) -> str: ...
    def get(self, key: str, counted: bool = False) -> Any: ...
    def put(self, key: str, value: Any) -> None: ...

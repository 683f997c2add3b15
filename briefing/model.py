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


# The kinds of entry in the names register (content/names.yaml), as briefs name them.
NAME_KINDS = ("places", "people")
# The languages a name's forms are given in, in the order pages list them.
NAME_LANGUAGES = ("en", "hy", "az", "ru")


@dataclass(frozen=True)
class Name:
    """One name of a place or person: how the archive writes it in English, how each
    language writes it, and the other spellings readers type."""

    display: str
    forms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (language, its forms), in NAME_LANGUAGES order
    variants: tuple[str, ...] = ()  # ASCII transliterations such as 'Pashinian'
    used_by: str = ""  # a contested place's name: 'armenian' or 'azerbaijani'

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every way of writing this name, the display form first, each once."""
        found = [self.display, *(form for _, forms in self.forms for form in forms), *self.variants]
        return tuple(dict.fromkeys(found))


@dataclass(frozen=True)
class Named:
    """A place or person of the names register."""

    id: str
    names: tuple[Name, ...]  # one; a contested place has two, in display order
    contested: bool = False
    description: str = ""  # a place's note or a person's role

    @property
    def label(self) -> str:
        """How every page writes it: a contested place by both names, in display order."""
        return "/".join(name.display for name in self.names)

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every spelling of every name, each once."""
        return tuple(dict.fromkeys(spelling for name in self.names for spelling in name.spellings))

    def written_in(self, language: str) -> tuple[tuple[str, ...], str]:
        """Its names as `language` writes them (each name's first form in it) and that
        language, in display order; the English display names and 'en' when the register
        lacks that language's form of any of them (one language for the whole label)."""
        found = [dict(name.forms).get(language, ()) for name in self.names]
        if language != "en" and all(found):
            return tuple(forms[0] for forms in found), language
        return tuple(name.display for name in self.names), "en"

    def label_in(self, language: str) -> str:
        """The label as `language` writes it (see written_in), as one text."""
        return "/".join(self.written_in(language)[0])


@dataclass(frozen=True)
class Names:
    """The names register: places and people, each in label order."""

    places: tuple[Named, ...] = ()
    people: tuple[Named, ...] = ()

    def kind(self, name: str) -> tuple[Named, ...]:
        """The entries of `name` ('places' or 'people')."""
        return getattr(self, name)

    def ids(self, name: str) -> frozenset[str]:
        """The ids of one kind."""
        return self._ids[name]

    def get(self, kind: str, entry_id: str) -> Named:
        """One entry by kind and id (KeyError if there is none)."""
        return self._by_id[kind][entry_id]

    @functools.cached_property  # asked for by every place and person of every brief
    def _by_id(self) -> dict[str, dict[str, Named]]:
        return {kind: {entry.id: entry for entry in self.kind(kind)} for kind in NAME_KINDS}

    @functools.cached_property
    def _ids(self) -> dict[str, frozenset[str]]:
        return {kind: frozenset(self._by_id[kind]) for kind in NAME_KINDS}


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
    places: tuple[str, ...] = ()  # ids from the names register
    people: tuple[str, ...] = ()
    # Where each related id and each source stands in the file, for messages about them.
    related_lines: tuple[int, ...] = ()
    source_lines: tuple[int, ...] = ()
    # Digest of all the values above, set by the loader: page fingerprints use it instead
    # of walking the whole brief. Its moves and reactions are not part of a Brief (see
    # BriefLayers). Empty for briefs made elsewhere (they are walked field by field).
    fingerprint: str = ""
    # Warnings found while parsing that need the file's text (e.g. where a contested
    # place is named one way only), each a Problem of severity warning.
    text_warnings: tuple[Any, ...] = ()
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
    text_warnings: tuple[Any, ...] = ()  # as Brief.text_warnings
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


@dataclass(frozen=True)
class Level:
    """A named step of a track (a ladder's level, a lane, or a lane's state), with the
    definition a source must meet."""

    id: str
    label: str
    definition: str


TRACK_KINDS = ("ladder", "lanes", "arrows")
DIRECTIONS = ("improving", "worsening")  # what a move on an arrows track says


@dataclass(frozen=True)
class Track:
    """A negotiation track from content/tracks.yaml.

    A ladder has ordered levels (lowest first) and starts at the first; a lanes track
    has lanes (e.g. mediation formats), each in one of `states`; an arrows track has no
    levels: each move says whether a milestone made things better or worse.
    """

    id: str
    label: str
    definition: str
    kind: str  # one of TRACK_KINDS
    levels: tuple[Level, ...] = ()
    lanes: tuple[Level, ...] = ()
    states: tuple[Level, ...] = ()

    @property
    def targets(self) -> tuple[Level, ...]:
        """What a move's `to` may name: a ladder's levels or a lanes track's states."""
        return self.levels if self.kind == "ladder" else self.states


@dataclass(frozen=True)
class Stance:
    """One step of the published scale of third parties' reactions."""

    id: str
    label: str
    symbol: str  # shown beside the word, so a stance never rests on colour
    definition: str


@dataclass(frozen=True)
class Tracks:
    """Everything content/tracks.yaml defines: the tracks and the stance scale, in file order."""

    tracks: tuple[Track, ...]
    stances: tuple[Stance, ...]

    def ids(self, kind: str) -> frozenset[str]:
        """The ids of 'tracks' or 'stances'."""
        return frozenset(item.id for item in (self.tracks if kind == "tracks" else self.stances))

    def track(self, track_id: str) -> Track | None:
        """The track with this id, or None."""
        return next((t for t in self.tracks if t.id == track_id), None)


@dataclass(frozen=True)
class Move:
    """What a milestone changed on one track, as its brief records it. The level before
    it is never entered: it is worked out from the moves before it."""

    track: str
    as_of: dt.date
    reason: str
    source: int  # number of the brief's source that supports it (1 = first)
    lane: str = ""  # lanes tracks only
    to: str = ""  # ladder level or lane state; empty on arrows tracks
    direction: str = ""  # arrows tracks only: one of DIRECTIONS
    note: str = ""  # where the judgement is disputed
    setback: bool = False  # a ladder move down must say so


@dataclass(frozen=True)
class Reaction:
    """A third party's public reaction to a milestone."""

    actor: str
    date: dt.date
    speaker: str
    stance: str
    paraphrase: str
    source: int
    quote: str = ""  # verbatim words only, as the cited source holds them
    note: str = ""


@dataclass(frozen=True)
class BriefLayers:
    """A brief's moves and reactions, kept apart from the Brief itself: a page that lists
    a brief (and its fingerprint) does not depend on them, so editing a move re-renders
    only the pages that show moves."""

    brief_id: str
    path: str
    date: dt.date
    draft: bool
    moves: tuple[Move, ...] = ()
    reactions: tuple[Reaction, ...] = ()
    # Per move, the (field, line) of each of its keys, for messages about it.
    move_lines: tuple[tuple[tuple[str, int], ...], ...] = ()

    def line_of(self, index: int, name: str = "") -> int:
        """The line of move `index`'s field `name` (its first line if that field is absent)."""
        lines = dict(self.move_lines[index]) if index < len(self.move_lines) else {}
        return lines.get(name) or lines.get("", 1)

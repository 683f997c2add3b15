"""The site in every published language: one edition per language, each planned like the
original with its own URLs, UI strings and the texts translated into it.

Pure. A translated brief or page replaces the original's text and says how it was made and
whether the original has changed since; the rest stay the original's (marked with their
language by the templates). Every page kind the plan knows is planned in every edition;
an edition keeps only the files under its own folder, so what all languages share (theme,
downloads, sitemap) is planned once, with each page's versions in every language.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, replace
from typing import Any, Mapping

from ..content.loader import Content, brief_context
from ..content.translations import match_corrections, vocabulary_digest
from ..hashing import digest
from ..model import Brief, Memo, Page, SiteConfig, Term, Translation, TranslationNote, Vocabulary, VocabularyTranslation
from .archive import Archive, assemble_archive
from .dates import language_name
from .plan import OutputFile, plan_edition, plan_sitemaps, with_context, _html
from .urls import Urls, output_path


@dataclass(frozen=True)
class LanguageLink:
    """A version of a page in one language, as the language menu and `hreflang` list it."""

    code: str
    name: str  # the language's name in itself
    url: str  # root-relative


@dataclass(frozen=True)
class EditionInfo:
    """What templates know about the language they render (the `edition` global)."""

    language: str
    original: str  # the original's language
    homes: tuple[LanguageLink, ...]  # every published language's home page


@dataclass(frozen=True)
class Edition:
    """The site in one language: its archive (texts in that language where translated),
    its URL builder and what its templates are told about it."""

    language: str
    archive: Archive
    urls: Urls
    info: EditionInfo

    @property
    def is_original(self) -> bool:
        return self.language == self.archive.config.original


@dataclass(frozen=True)
class StatusRow:
    """One original in one language: its translation's state and what the translator needs."""

    language: str
    kind: str  # 'brief' | 'page' | 'vocabulary'
    id: str
    title: str  # the original's
    state: str  # 'missing' | 'outdated' | 'correction pending' | 'current'
    original_digest: str  # the original's text now: what an up-to-date translation records
    recorded_digest: str = ""  # what the translation records ('' when missing)
    pending_corrections: int = 0
    path: str = ""  # the translation file, or where it would go
    original_url: str = ""
    translation_url: str = ""
    method: str = ""  # 'human' | 'machine-assisted' | ''
    reviewed: bool = False


STATES = ("missing", "outdated", "correction pending", "current")


@dataclass(frozen=True)
class LanguageStatus:
    """Every original's state in one declared language."""

    language: str
    name: str
    published: bool
    rows: tuple[StatusRow, ...]

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)


def assemble_editions(content: Content, archive: Archive, published: tuple[str, ...], memo: Memo | None = None) -> tuple[Edition, ...]:
    """The original's edition first, then one per published translation, in site.yaml order."""
    config = archive.config
    urls = Urls(config.base_url)
    by_language = _translations_by_language(content)
    context = brief_context(content.vocabulary, config.limits, content.names)
    homes = tuple(LanguageLink(code, language_name(code), urls.for_language("" if code == config.language else code).home()) for code in (config.language, *published))
    editions = [Edition(config.language, archive, urls, EditionInfo(config.language, config.language, homes))]
    for language in published:
        briefs_in, pages_in = by_language.get(language, ({}, {}))
        settings = next(l for l in config.languages if l.code == language)
        localized_config = replace(
            config, language=language, title=settings.title, description=settings.description,
            author=settings.author or config.author, original_language=config.language,
        )
        briefs = tuple(localize_brief(b, briefs_in[b.id], urls, context) if b.id in briefs_in else b for b in content.briefs)
        pages = tuple(localize_page(p, pages_in[p.id], urls) if p.id in pages_in else p for p in content.pages)
        vocabulary = localize_vocabulary(content.vocabulary, _vocabulary_translation(content, language))
        edition_archive = assemble_archive(replace(content, config=localized_config, vocabulary=vocabulary, briefs=briefs, pages=pages), memo)
        translated = frozenset(b.id for b in edition_archive.briefs if b.language == language)
        edition_urls = urls.for_language(language, translated, frozenset(p.id for p in pages if p.language == language))
        info = EditionInfo(language, config.language, homes)
        editions.append(Edition(language, edition_archive, edition_urls, info))
    return tuple(editions)


def _translations_by_language(content: Content) -> dict[str, tuple[dict[str, Translation], dict[str, Translation]]]:
    found: dict[str, tuple[dict[str, Translation], dict[str, Translation]]] = {}
    for item in content.translations:
        briefs, pages = found.setdefault(item.language, ({}, {}))
        (briefs if item.kind == "brief" else pages)[item.of] = item
    return found


def _vocabulary_translation(content: Content, language: str) -> VocabularyTranslation | None:
    return next((v for v in content.vocabulary_translations if v.language == language), None)


def localize_brief(brief: Brief, translation: Translation, urls: Urls, context: str = "") -> Brief:
    """The brief with its translated text; the original's corrections the translation lacks
    stay in the original's words (and language). `context` is what the original's fingerprint
    was made with besides its values (the loader's brief_context)."""
    matched = match_corrections(translation.corrections, brief.corrections)
    corrections = tuple(replace(mine, date=theirs.date) if mine is not None else theirs for mine, theirs in zip(matched, brief.corrections))
    note = TranslationNote(
        translation.provenance, translation.provenance.original_digest != brief.text_digest,
        sum(1 for mine in matched if mine is None), urls.brief(brief.id),
    )
    # Made from the translation's file and the original's facts (every field but its text
    # and the lines its messages cite), not its wording: a change to the original's wording
    # alone (whitespace, say) leaves the translated pages as they are, unless it makes the
    # translation outdated (`note`). `brief.fingerprint` is no use here: it digests the wording.
    facts = replace(brief, title="", summary="", body=None, corrections=(), fingerprint="", text_warnings=(), related_lines=(), source_lines=())
    return replace(
        brief, title=translation.title, summary=translation.summary, body=translation.body, corrections=corrections,
        language=translation.language, translation=note,
        fingerprint=digest("translated", context, translation.fingerprint, repr(facts), repr(corrections), repr(note)),
    )


def localize_page(page: Page, translation: Translation, urls: Urls) -> Page:
    """The page with its translated text."""
    note = TranslationNote(translation.provenance, translation.provenance.original_digest != page.text_digest, 0, urls.page(page.id))
    return replace(page, title=translation.title, summary=translation.summary, body=translation.body, language=translation.language, translation=note)


def localize_vocabulary(vocabulary: Vocabulary, translation: VocabularyTranslation | None) -> Vocabulary:
    """The vocabulary with the labels and descriptions translated; terms not yet translated
    keep the original's (and its language)."""
    if translation is None:
        return vocabulary
    translated = {(kind, term_id): term for kind, term_id, term in translation.terms}
    return Vocabulary(*(tuple(translated.get((kind, t.id), t) for t in vocabulary.kind(kind)) for kind in ("types", "actors", "tags")))


def plan_editions(
    editions: tuple[Edition, ...], strings: Mapping[str, Mapping[str, Any]], status: tuple[LanguageStatus, ...] = (),
    memo: Memo | None = None, previous: Mapping[str, OutputFile] | None = None,
) -> tuple[OutputFile, ...]:
    """Every file of the site in every published language, sorted by path: each edition's
    own files (under its folder), each page with its versions (`alternates`), one sitemap
    listing every page with its versions, and robots.txt."""
    original = editions[0]
    by_edition: list[tuple[Edition, list[OutputFile]]] = []
    for edition in editions:
        files = plan_edition(edition.archive, edition.urls, strings[edition.language], memo, previous)
        if status:
            url = edition.urls.translations()
            files.append(_html(edition.urls, url, "translations.html", {"kind": "translations", "status": status}))
        if not edition.is_original:
            own = edition.urls.path()
            files = [f if f.language == edition.language else replace(f, language=edition.language) for f in files if f.url.startswith(own)]
        by_edition.append((edition, files))
    # Each page's versions, found by its address without base path and language folder.
    paged: list[tuple[Edition, list[tuple[OutputFile, str | None]]]] = []
    versions: dict[str, list[tuple[str, str, str]]] = {}  # (code, name, url) of LanguageLink
    for edition, files in by_edition:
        code, name, start = edition.language, language_name(edition.language), edition.urls.path()
        marked = []
        for item in files:
            key = None
            if item.is_page:
                url = item.url
                key = url[len(start):] if url.startswith(start) else url  # Urls.unprefixed, inlined
                versions.setdefault(key, []).append((code, name, url))
            marked.append((item, key))
        paged.append((edition, marked))
    planned: list[OutputFile] = []
    pages: list[OutputFile] = []
    for edition, marked in paged:
        for item, key in marked:
            if key is not None:
                wanted = versions[key]
                if not _same_links(item.context.get("alternates"), wanted):  # a page lent by `previous` keeps its identity
                    item = with_context(item, {**item.context, "alternates": tuple(LanguageLink(*v) for v in wanted)})
                pages.append(item)
            planned.append(item)
    pages.sort(key=_PATH)
    several = len(editions) > 1
    entries = tuple(f.sitemap_entry(several) for f in pages)
    planned += plan_sitemaps(original.urls, entries)
    planned.append(OutputFile(output_path(original.urls, original.urls.robots()), "robots.txt", original.urls.robots(), {}))
    planned.sort(key=_PATH)
    return tuple(planned)


_PATH = operator.attrgetter("path")


def _same_links(links: tuple[LanguageLink, ...] | None, wanted: list[tuple[str, str, str]]) -> bool:
    """Whether a page's alternates are already `wanted` (compared without making links)."""
    if links is None or len(links) != len(wanted):
        return False
    for link, (code, name, url) in zip(links, wanted):  # a loop, not all(...): 15,000 pages each save
        if link.url != url or link.code != code or link.name != name:
            return False
    return True


def translation_status(content: Content, archive: Archive, published: tuple[str, ...]) -> tuple[LanguageStatus, ...]:
    """Every declared language's translations of every brief and page (and the vocabulary):
    missing, outdated (the original's text changed), correction pending or current."""
    config = archive.config
    urls = Urls(config.base_url)
    by_language = _translations_by_language(content)
    result = []
    for settings in config.languages:
        code = settings.code
        briefs_in, pages_in = by_language.get(code, ({}, {}))
        language_urls = urls.for_language(code, frozenset(briefs_in), frozenset(pages_in))
        rows = [_row(code, "brief", b, briefs_in.get(b.id), urls, language_urls) for b in archive.briefs]
        rows += [_row(code, "page", p, pages_in.get(p.id), urls, language_urls) for p in archive.pages]
        rows.append(_vocabulary_row(code, content, _vocabulary_translation(content, code)))
        result.append(LanguageStatus(code, language_name(code), code in published, tuple(rows)))
    return tuple(result)


def _row(language: str, kind: str, original: Brief | Page, translation: Translation | None, urls: Urls, language_urls: Urls) -> StatusRow:
    link = urls.brief if kind == "brief" else urls.page
    folder, stem = original.path.rsplit("/", 1)
    path = translation.path if translation else f"{folder}/{stem[:-3]}.{language}.md"
    if translation is None:
        return StatusRow(language, kind, original.id, original.title, "missing", original.text_digest, path=path, original_url=link(original.id))
    provenance = translation.provenance
    pending = 0
    if isinstance(original, Brief):
        pending = sum(1 for mine in match_corrections(translation.corrections, original.corrections) if mine is None)
    state = "correction pending" if pending else "outdated" if provenance.original_digest != original.text_digest else "current"
    own = (language_urls.brief if kind == "brief" else language_urls.page)(original.id)
    return StatusRow(
        language, kind, original.id, original.title, state, original.text_digest, provenance.original_digest, pending, path,
        link(original.id), own, provenance.method, provenance.reviewed,
    )


def _vocabulary_row(language: str, content: Content, translation: VocabularyTranslation | None) -> StatusRow:
    current = vocabulary_digest(content.vocabulary)
    path = translation.path if translation else f"content/vocabulary.{language}.yaml"
    if translation is None:
        return StatusRow(language, "vocabulary", "vocabulary", "vocabulary", "missing", current, path=path)
    provenance = translation.provenance
    complete = {(k, i) for k, i, _ in translation.terms} >= {(k, t.id) for k in ("types", "actors", "tags") for t in content.vocabulary.kind(k)}
    state = "current" if provenance.original_digest == current and complete else "outdated"
    return StatusRow(language, "vocabulary", "vocabulary", "vocabulary", state, current, provenance.original_digest, path=path, method=provenance.method, reviewed=provenance.reviewed)


def status_record(status: tuple[LanguageStatus, ...]) -> list[dict[str, Any]]:
    """The status as plain data (for JSON), languages in site.yaml order."""
    return [
        {
            "language": item.language, "name": item.name, "published": item.published,
            "counts": {state: item.count(state) for state in STATES},
            "translations": [dataclasses.asdict(row) for row in item.rows],
        }
        for item in status
    ]

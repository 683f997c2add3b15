"""Load every brief and page under content/, validating each against the schema.

Parsing one file is a pure function of its text and the vocabulary, so it can be cached
and run in parallel; all problems from all files are gathered before anything is built.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
import os
import re
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from ..hashing import digest
from .config import load_site_config, load_vocabulary
from .days import real_day
from ..errors import BuildFailed, Problem, Suggestions
from .files import is_inside, read_text, relative_name
from .frontmatter import FrontMatterProblem, SplitFile, split_front_matter
from .layout import TRANSLATION_KINDS, kind_of, survey_content
from .lint import contested_names, lint_brief
from .markdown_render import BodyTooComplex, MarkdownRenderer
from .text_rules import describe_not_carried, find_not_carried, has_visible_text
from ..model import (
    NAME_KINDS, Brief, BriefLayers, Correction, Limits, Memo, Names, Page, SiteConfig, Source, Tracks, Translation, Vocabulary,
    VocabularyTranslation,
)
from .names import load_names, names_suggester
from .schema import BRIEF_FIELDS, BRIEF_ID, MAX_ID_LENGTH, PAGE_FIELDS, PLACEHOLDER, TERM_ID, Checker, today_anywhere, validate_mapping
from .tracks import LAYER_FIELDS, TrackSource, UnreadTracks, check_layers, check_move_set, load_tracks, term_ids, tracks_digest_part
from .translations import check_translation_set, parse_translation, parse_vocabulary_translation, text_digest, translation_context
from .yamldata import ParsedYaml, YamlProblem, parse_yaml, parse_yaml_leniently


@dataclass(frozen=True)
class Content:
    """Everything read from content/: settings, vocabulary, briefs and pages."""

    config: SiteConfig
    vocabulary: Vocabulary
    briefs: tuple[Brief, ...]  # in path order; drafts only when asked for
    pages: tuple[Page, ...]
    warnings: tuple[Problem, ...] = ()  # what `check` points out without failing (drafts included)
    parsed: tuple[Brief, ...] = ()  # every brief file as parsed, drafts included, in path order
    translations: tuple[Translation, ...] = ()  # of briefs and pages, in path order
    vocabulary_translations: tuple[VocabularyTranslation, ...] = ()
    tracks: Tracks | None = None  # content/tracks.yaml, if the project has one
    layers: tuple[BriefLayers, ...] = ()  # the moves and reactions of each of `parsed`, in its order
    names: Names = Names()  # the names register (content/names.yaml)
    # What the rules across briefs worked out over `parsed` (see reload_briefs); None when unknown.
    index: "BriefIndex | None" = field(default=None, compare=False, repr=False)

    def published_layers(self) -> tuple[BriefLayers, ...]:
        """The moves and reactions of the briefs this build publishes."""
        ids = {brief.id for brief in self.briefs}
        return tuple(layer for layer in self.layers if layer.brief_id in ids)


@dataclass(frozen=True)
class ParsedBrief:
    """A valid brief file: the brief and, kept apart from it, its moves and reactions."""

    brief: Brief
    layers: BriefLayers


@dataclass(frozen=True)
class BriefRefs:
    """What the rules across briefs need of one brief file, even one with other problems."""

    path: str  # relative to the project root
    id: str
    related: tuple[tuple[str, int], ...] = ()  # (id, line) of each well-formed related id
    layers: BriefLayers | None = None  # its moves and reactions that have no problems


@dataclass(frozen=True)
class BriefIndex:
    """What the rules across briefs need of a valid content's brief files, kept with it so a
    save of a few briefs is checked without going over every brief again."""

    refs: tuple[BriefRefs, ...]  # of each of Content.parsed, in its order
    positions: Mapping[str, int]  # each brief file's place in Content.parsed, by path
    by_id: Mapping[str, list[str]]  # the paths of each well-formed id (see index_brief_ids)


@dataclass(frozen=True)
class CheckResult:
    """What `check FILE...` found valid, and its warnings."""

    briefs: int
    pages: int
    warnings: tuple[Problem, ...] = ()


class _AnyTerm:
    """Stands in for a vocabulary that could not be read: every id is accepted, so briefs
    are still checked for everything else in the same run."""

    def ids(self, kind: str) -> "_AnyTerm":
        return self

    def __contains__(self, item: object) -> bool:
        return True


def load_settings(root: Path, content: Path, base_url: str | None = None) -> tuple[SiteConfig, Vocabulary]:
    """Load site.yaml and vocabulary.yaml; raise BuildFailed with the problems of both."""
    config, vocabulary, problems = read_settings(root, content, base_url)
    if config is None or vocabulary is None:
        raise BuildFailed(problems)
    return config, vocabulary


def read_settings(root: Path, content: Path, base_url: str | None = None) -> tuple[SiteConfig | None, Vocabulary | None, list[Problem]]:
    """site.yaml and vocabulary.yaml (None where one has problems), and their problems."""
    config, problems = load_site_config(root, content, base_url)
    vocabulary, found = load_vocabulary(root, content)
    return config, vocabulary, problems + found


def load_content(
    root: Path, content: Path, *, base_url: str | None = None, drafts: bool = False,
    renderer: MarkdownRenderer | None = None,
    memo: Memo | None = None, map_chunks: MapChunks | None = None, progress: Callable[[int, int], None] | None = None,
    preread: Mapping[str, bytes] | None = None, digests: Mapping[str, str] | None = None, reserved: frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> Content:
    """Load and validate all content; raise BuildFailed with every problem found.

    Briefs found in `memo` (same bytes, vocabulary, limits and engine) are not parsed
    again; the rest are parsed by `map_chunks` (e.g. on every core; serially by default).
    `preread` holds bytes of files already read (by path), e.g. while digesting the
    inputs; `digests` the digest of every file's bytes (store.inputs), so a file found in
    the memo by it need not be read. Pages may not take a name in `reserved`. `today` is
    the day of the build (default: the clock's, see today_anywhere): later dates are refused.
    Broken settings do not stop the check: briefs and pages are then checked with the
    default limits and any vocabulary id, and nothing is kept.
    """
    config, vocabulary, problems = read_settings(root, content, base_url)
    today = today or today_anywhere()
    tracks, found = load_tracks(root, content)
    problems += found
    names, unread = load_names(root, content)
    problems += unread
    settled = config is not None and vocabulary is not None and not found and names is not None
    limits = config.limits if config else Limits()
    terms = vocabulary if vocabulary is not None else _AnyTerm()
    layered: TrackSource = UnreadTracks() if found else tracks
    memo = memo if settled else None
    context = parse_context(vocabulary, limits, tracks, names) if settled else "unsettled"  # type: ignore[arg-type]
    files = survey_content(root, content)
    problems += files.problems
    brief_files, found = _read_all(files.of("brief"), root, content, limits, preread, digests if memo else None)
    problems += found
    read_late = functools.partial(read_text, root=root, within=content, max_bytes=limits.max_file_bytes, listed=True)
    parsed = _parse_cached(
        "brief", brief_files, context, memo, map_chunks,
        functools.partial(_parse_chunk, terms, limits, renderer if map_chunks is None else None, reserved, today, layered, names), read_late, progress,
        today,
    )
    briefs: list[Brief] = []
    layers: list[BriefLayers] = []
    refs: list[BriefRefs] = []
    for value, found in parsed:
        problems += found
        if isinstance(value, ParsedBrief):
            briefs.append(value.brief)
            layers.append(value.layers)
            refs.append(_refs_of(value))
        elif isinstance(value, BriefRefs):
            refs.append(value)
    by_id = index_brief_ids(_ids_by_path(files.of("brief"), root))
    problems += check_brief_refs(by_id, refs)
    problems += check_move_set(_built_layers(refs, drafts), layered)
    page_files, found = _read_all(files.of("page"), root, content, limits, preread, digests if memo else None)
    problems += found
    pages: list[Page] = []
    for page, found in _parse_cached(
        "page", page_files, context, memo, None,
        functools.partial(_parse_chunk, terms, limits, renderer, reserved, today, layered, names), read_late,
    ):
        problems += found
        if page:
            pages.append(page)
    # Broken settings do not stop the check: translations are then checked for all but their language.
    translated, found = _load_translations(root, content, files, config, vocabulary, limits, memo, preread, digests, read_late, today)
    problems += found
    problems += check_translation_set(translated[0], _ids_by_path(files.of("brief"), root), {b.id: b for b in briefs}, {p.id: p for p in pages}, _page_ids(files.of("page"))) if translated else []
    if problems:
        raise BuildFailed(problems + [warning for brief in briefs for warning in lint_brief(brief)])
    index = BriefIndex(tuple(refs), {ref.path: number for number, ref in enumerate(refs)}, by_id)
    combined = _combined(config, vocabulary, tracks, names, tuple(briefs), tuple(layers), tuple(pages), drafts, index=index)  # type: ignore[arg-type]
    return replace(combined, translations=translated[0], vocabulary_translations=translated[1]) if translated else combined


def _load_translations(
    root: Path, content: Path, files, config: SiteConfig | None, vocabulary: Vocabulary | None, limits: Limits, memo: Memo | None,
    preread: Mapping[str, bytes] | None, digests: Mapping[str, str] | None, read_late, today: dt.date,
) -> tuple[tuple[tuple[Translation, ...], tuple[VocabularyTranslation, ...]], list[Problem]]:
    """Every translation file, parsed (unchanged ones from `memo`), and their problems."""
    problems: list[Problem] = []
    context = translation_context(config, limits) if config else "unsettled"
    memo = memo if config else None
    renderers: dict = {}
    translations: list[Translation] = []
    for kind in TRANSLATION_KINDS:
        found_files, found = _read_all(files.of(kind), root, content, limits, preread, digests if memo else None)
        problems += found
        parse = functools.partial(_parse_translation_chunk, config, limits, renderers, today)
        for value, found in _parse_cached(kind, found_files, context, memo, None, parse, read_late):
            problems += found
            if value is not None:
                translations.append(value)
    vocabularies: list[VocabularyTranslation] = []
    for path in files.of("vocabulary-translation"):
        text, problem = read_text(path, root, content, limits.max_file_bytes, listed=True, data=(preread or {}).get(str(path)))
        if problem:
            problems.append(problem)
            continue
        value, found = parse_vocabulary_translation(relative_name(path, root), text or "", config, vocabulary, today)
        problems += found
        if value is not None:
            vocabularies.append(value)
    return (tuple(translations), tuple(vocabularies)), problems


def _parse_translation_chunk(config: SiteConfig | None, limits: Limits, renderers: dict, today: dt.date, chunk) -> list:
    return [parse_translation(TRANSLATION_KINDS[kind], name, text, config, limits, renderers, today) for kind, name, text in chunk]


def _page_ids(paths: tuple[Path, ...]) -> list[str]:
    return [path.name[:-3] for path in paths]


def reload_briefs(
    previous: Content, changed: Mapping[str, tuple[str, bytes]], root: Path, content: Path, memo: Memo | None,
    drafts: bool = False, renderer: MarkdownRenderer | None = None, today: dt.date | None = None,
) -> Content:
    """`previous` with some brief files read again: exactly what load_content would give
    when nothing else under content/ changed, in time proportional to the change.

    `changed` maps a brief file's name (relative to the project root; it must be one of
    `previous.parsed`) to the digest of its bytes (as store.inputs gives it) and the bytes.
    Raise BuildFailed with the problems of the changed files and across briefs.
    """
    config, vocabulary, tracks = previous.config, previous.vocabulary, previous.tracks
    index = previous.index or _index_of(previous)
    position = index.positions
    briefs, layers, refs = list(previous.parsed), list(previous.layers), list(index.refs)
    problems: list[Problem] = []
    files = []
    for name, (file_digest, data) in sorted(changed.items()):
        text, problem = read_text(root / name, root, content, config.limits.max_file_bytes, listed=True, data=data)
        if problem:
            problems.append(problem)
        else:
            files.append(_ContentFile(root / name, name, text or "", file_digest))
    read_late = functools.partial(read_text, root=root, within=content, max_bytes=config.limits.max_file_bytes, listed=True)
    today = today or today_anywhere()
    parse = functools.partial(_parse_chunk, vocabulary, config.limits, renderer, frozenset(), today, tracks, previous.names)
    context = parse_context(vocabulary, config.limits, tracks, previous.names)
    for file, (value, found) in zip(files, _parse_cached("brief", files, context, memo, None, parse, read_late, None, today)):
        problems += found
        at = position[file.name]
        if isinstance(value, ParsedBrief):
            briefs[at], layers[at], refs[at] = value.brief, value.layers, _refs_of(value)
        elif isinstance(value, BriefRefs):
            refs[at] = value
    # The set of files is the one the previous check passed: only the changed briefs'
    # references can have broken, and no id can have become a duplicate.
    problems += check_brief_refs(index.by_id, [refs[position[f.name]] for f in files])
    # A changed move can break another brief's (the move after it), so moves are checked whole.
    if isinstance(tracks, Tracks):
        problems += check_move_set(_built_layers(refs, drafts), tracks)
    if previous.translations:
        # The originals' corrections may have changed: translated ones must still match.
        problems += check_translation_set(
            previous.translations, {ref.path: ref.id for ref in refs}, {brief.id: brief for brief in briefs}, {p.id: p for p in previous.pages},
        )
    if problems:
        raise BuildFailed(problems)
    kept = [warning for warning in previous.warnings if warning.path not in changed]
    linted = [briefs[position[name]] for name in changed]
    combined = _combined(
        config, vocabulary, tracks, previous.names, tuple(briefs), tuple(layers), previous.pages, drafts,
        kept, linted, BriefIndex(tuple(refs), position, index.by_id),
    )
    return replace(combined, translations=previous.translations, vocabulary_translations=previous.vocabulary_translations)


def _index_of(content: Content) -> BriefIndex:
    """The index of a content made without one (every brief in it is valid)."""
    refs = tuple(_refs_of(brief) for brief in content.parsed)
    refs = tuple(replace(ref, layers=layer) for ref, layer in zip(refs, content.layers)) if content.layers else refs
    return BriefIndex(refs, {ref.path: number for number, ref in enumerate(refs)}, index_brief_ids({ref.path: ref.id for ref in refs}))


def parse_context(vocabulary: Vocabulary, limits: Limits, tracks: TrackSource = None, names: Names = Names()) -> str:
    """What a parsed file depends on besides its own bytes (the memo's keys add the engine):
    the vocabulary, the limits, the names register and tracks.yaml (moves are checked against it)."""
    return digest("parse", brief_context(vocabulary, limits, names), tracks_digest_part(tracks))


def brief_context(vocabulary: Vocabulary, limits: Limits, names: Names = Names()) -> str:
    """What a Brief (not its moves) depends on besides its file: part of its fingerprint, so
    what is kept by it (feed entries with the vocabulary's labels) follows a vocabulary edit.

    Of the names register, what parsing reads: every entry's id and names (the ids are
    checked, the spellings suggest ids and find contested places named one way), not the notes."""
    named = [(kind, entry.id, entry.contested, entry.names) for kind in NAME_KINDS for entry in names.kind(kind)]
    return digest("brief", repr(vocabulary), repr(limits), repr(named))


def _combined(
    config: SiteConfig, vocabulary: Vocabulary, tracks: Tracks | None, names: Names, parsed: tuple[Brief, ...],
    layers: tuple[BriefLayers, ...], pages: tuple[Page, ...], drafts: bool, warnings_kept: list[Problem] | None = None,
    linted: list[Brief] | None = None, index: BriefIndex | None = None,
) -> Content:
    """The content from every parsed brief; the warnings of `linted` (default: all, and the
    pages') join `warnings_kept`."""
    if linted is None:
        found = (warnings_kept or []) + [warning for brief in parsed for warning in lint_brief(brief)]
        found += [warning for page in pages for warning in page.text_warnings]
        warnings = tuple(sorted(found, key=_PROBLEM_ORDER))
    else:
        # The kept warnings are in order already: only the new ones find their place, each
        # after its equals (as a stable sort of kept + new would put it).
        ordered = list(warnings_kept or [])
        for warning in (warning for brief in linted for warning in lint_brief(brief)):
            bisect.insort_right(ordered, warning, key=_PROBLEM_ORDER)
        warnings = tuple(ordered)
    if drafts or not any(map(_IS_DRAFT, parsed)):
        # Every brief is published, and every related id was checked to be one of them.
        published = parsed
    else:
        published = _drop_missing_related(tuple(b for b in parsed if not b.draft))
    return Content(config, vocabulary, published, pages, warnings, parsed, tracks=tracks, layers=layers, names=names, index=index)


_IS_DRAFT = operator.attrgetter("draft")
# Problem's own order (a dataclass with order=True compares its fields in turn), as a key made in C.
_PROBLEM_ORDER = operator.attrgetter(*(f.name for f in fields(Problem)))


def _built_layers(refs: list[BriefRefs], drafts: bool) -> list[BriefLayers]:
    """The moves the rules across briefs apply to: those of the briefs this build publishes
    (a draft's moves count only in a build with --drafts)."""
    return [ref.layers for ref in refs if ref.layers is not None and (drafts or not ref.layers.draft)]


def check_selected(
    root: Path, content: Path, paths: tuple[Path, ...], renderer: MarkdownRenderer | None = None, reserved: frozenset[str] = frozenset(),
    today: dt.date | None = None,
) -> CheckResult:
    """Validate only the given brief and page files, plus the cross-brief rules that involve them.

    Other briefs are not parsed: their file names alone give the ids that duplicates and
    `related` are checked against. Raises BuildFailed (with the warnings) on problems.
    """
    renderer = renderer or MarkdownRenderer()
    config, vocabulary, problems = read_settings(root, content)
    tracks, found = load_tracks(root, content)
    problems += found
    layered: TrackSource = UnreadTracks() if found else tracks
    names, found = load_names(root, content)
    problems += found
    limits = config.limits if config else Limits()
    terms = vocabulary if vocabulary is not None else _AnyTerm()
    brief_paths = survey_content(root, content).of("brief")
    ids = _ids_by_path(brief_paths, root)
    warnings: list[Problem] = []
    checked: list[BriefLayers] = []
    briefs = pages = 0
    for path in paths:
        name = relative_name(path, root)
        text, problem = read_text(path, root, content, limits.max_file_bytes)
        if problem:
            problems.append(problem)
            continue
        kind = kind_of(path.resolve().relative_to(content.resolve()).as_posix()) if is_inside(path, content) else None
        if kind is not None and kind.name in TRANSLATION_KINDS:
            pages += TRANSLATION_KINDS[kind.name] == "page"
            briefs += TRANSLATION_KINDS[kind.name] == "brief"
            translation, found = parse_translation(TRANSLATION_KINDS[kind.name], name, text or "", config, limits, {}, today or today_anywhere())
            problems += found
            if translation is not None:
                surveyed = survey_content(root, content)
                problems += check_translation_set([translation], ids, {}, {}, _page_ids(surveyed.of("page")))
            continue
        if is_inside(path, content / "pages"):
            pages += 1
            page, found = parse_page(name, text or "", limits, renderer, reserved, names)
            problems += found
            warnings += list(page.text_warnings) if page else []
            continue
        briefs += 1
        brief, layers, refs, found = _parse_brief(
            name, text or "", terms, limits, renderer, tracks=layered, today=today or today_anywhere(), names=names,  # type: ignore[arg-type]
        )
        problems += found
        warnings += lint_brief(brief) if brief else []
        problems += check_brief_set({**ids, name: refs.id}, [refs])
        checked += [refs.layers] if refs.layers is not None else []
    if checked and isinstance(layered, Tracks):
        others = _other_layers(root, content, brief_paths, checked, layered, terms, limits)
        problems += check_move_set([*checked, *others], layered, only=frozenset(layer.path for layer in checked))
    if problems:
        raise BuildFailed(problems + warnings)
    return CheckResult(briefs, pages, tuple(sorted(warnings)))


def check_brief_set(ids: Mapping[str, str], refs: list[BriefRefs]) -> list[Problem]:
    """Rules across briefs for the files in `refs`: unique ids, and `related` naming briefs
    that exist. `ids` holds the id of every brief file by its path, valid or not."""
    return check_brief_refs(index_brief_ids(ids), refs)


def index_brief_ids(ids: Mapping[str, str]) -> dict[str, list[str]]:
    """The paths of each well-formed id, from every brief file's id by its path."""
    by_id: dict[str, list[str]] = {}
    for path, brief_id in sorted(ids.items()):
        # A malformed name is reported by itself; ids are lowercase, so case cannot clash.
        if BRIEF_ID.fullmatch(brief_id):
            by_id.setdefault(brief_id, []).append(path)
    return by_id


def check_brief_refs(by_id: Mapping[str, list[str]], refs: list[BriefRefs]) -> list[Problem]:
    """check_brief_set with the ids already indexed (index_brief_ids)."""
    problems: list[Problem] = []
    suggestions: Suggestions | None = None  # made only for an id that is not there
    for brief in refs:
        others = [path for path in by_id.get(brief.id, ()) if path != brief.path]
        if others:
            problems.append(Problem(brief.path, 1, "id", f"'{brief.id}' is also the id of {' and '.join(others)}; ids must be unique"))
        for related, line in brief.related:
            if related == brief.id:
                problems.append(Problem(brief.path, line, "related", "a brief cannot be related to itself"))
            elif related not in by_id:
                suggestions = suggestions or Suggestions(by_id)
                hint = suggestions.hint(related)
                problems.append(Problem(brief.path, line, "related", f"no brief has the id '{related}'{hint}"))
    return problems


def _other_layers(
    root: Path, content: Path, paths: tuple[Path, ...], checked: list[BriefLayers], tracks: Tracks, terms, limits: Limits,
) -> list[BriefLayers]:
    """The moves of the published briefs that move the same tracks as the `checked` ones,
    as far as they are valid: only files whose text names such a track are read, and of
    those only the `moves:` block is parsed, so `check FILE` stays quick in a large archive
    (the rules across briefs are checked in full by `check` and every build)."""
    names = {layer.path for layer in checked}
    moved = {move.track for layer in checked for move in layer.moves}
    if not moved:
        return []
    # A literal first, so the search skips ahead quickly (a false match only costs a parse).
    naming = re.compile(r"track\s*:\s*[\"']?(?:" + "|".join(map(re.escape, sorted(moved))) + r")(?![a-z0-9-])")
    # Every path of one survey has the same form (root '.' gives 'content/...', no './'):
    # the length of what precedes the relative name, taken from the first.
    prefix = len(str(paths[0])) - len(relative_name(paths[0], root)) if paths else 0
    found: list[BriefLayers] = []
    for path in paths:
        name = str(path)[prefix:].replace(os.sep, "/")  # relative_name, without a Path per file
        if name in names:
            continue
        # `paths` come from survey_content, which follows no link and checks linked files.
        text, problem = read_text(path, root, content, limits.max_file_bytes, listed=True)
        if problem or not naming.search(text or ""):
            continue
        block = _top_level_blocks(text or "", ("moves", "draft"))
        try:
            parsed = parse_yaml(block, max_nodes=limits.max_yaml_values)
        except YamlProblem:
            continue
        if not isinstance(parsed.data, dict) or parsed.data.get("draft") is True:
            continue
        checker = Checker(name, parsed, term_ids(tracks, terms.ids))  # type: ignore[arg-type]
        layers, _ = check_layers(name, parsed.data, checker, tracks, {}, name.rsplit("/", 1)[-1][:-3])
        found.append(layers)
    return found


def _top_level_blocks(text: str, keys: tuple[str, ...]) -> str:
    """The lines of a file's front matter that hold the top-level `keys` (each key's line
    and the indented or '- ' lines under it)."""
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() == "---"), len(lines))
    kept: list[str] = []
    taking = False
    for line in lines[1:end]:
        if line[:1] not in (" ", "-", "#", ""):
            taking = line.split(":", 1)[0] in keys
        if taking:
            kept.append(line)
    return "\n".join(kept) + "\n"


def _ids_by_path(paths: tuple[Path, ...], root: Path) -> dict[str, str]:
    # The file name makes the id, so a brief with problems still has one.
    return {relative_name(path, root): path.name[: -len(".md")] for path in paths}


def _refs_of(parsed: ParsedBrief | Brief) -> BriefRefs:
    """What the rules across briefs need of a valid brief (its moves too, when it has them)."""
    brief, layers = (parsed.brief, parsed.layers) if isinstance(parsed, ParsedBrief) else (parsed, None)
    lines = brief.related_lines or (1,) * len(brief.related)
    return BriefRefs(brief.path, brief.id, tuple(zip(brief.related, lines)), layers)


@dataclass(frozen=True)
class _ContentFile:
    """A file to parse: its text, or (when the cache may hold it) the digest of its bytes."""

    path: Path
    name: str  # relative to the project root
    text: str | None
    digest: str | None = None


def _read_all(
    paths: list[Path], root: Path, content: Path, limits: Limits, preread: Mapping[str, bytes] | None,
    digests: Mapping[str, str] | None,
) -> tuple[list[_ContentFile], list[Problem]]:
    # `paths` come from survey_content, which follows no linked folder and checks linked files.
    files: list[_ContentFile] = []
    problems: list[Problem] = []
    for path in paths:
        key = str(path)
        data = preread.get(key) if preread else None
        known = digests.get(key) if digests else None
        known = known if known and len(known) == 40 else None  # not 'unreadable' or 'special'
        if data is None and known is not None:
            files.append(_ContentFile(path, relative_name(path, root), None, known))  # read only if not cached
            continue
        text, problem = read_text(path, root, content, limits.max_file_bytes, listed=True, data=data)
        if problem:
            problems.append(problem)
        else:
            files.append(_ContentFile(path, relative_name(path, root), text or "", known))
    return files, problems


def _parse_cached(
    kind: str, files: list[_ContentFile], context: str, memo: Memo | None, map_chunks: MapChunks | None, parse_chunk,
    read_late: Callable[[Path], tuple[str | None, Problem | None]], progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> list[tuple[Any, list[Problem]]]:
    # Only valid results are cached: a file with problems is checked again next time.
    # A file is known by the digest of its bytes when the input walk gave one, else by its text.
    make_key = memo.key if memo is not None else digest
    keys = [make_key(kind, context, f.name, f.digest if f.digest is not None else "text:" + (f.text or "")) for f in files]
    results: list[tuple[Any, list[Problem]] | None] = []
    for key in keys:
        value = memo.get(key, counted=True) if memo else None
        if isinstance(value, ParsedBrief) and today is not None and latest_date(value.brief, value.layers) > today:
            value = None  # valid on a later day (a clock set back): parse it again to report it
        results.append(None if value is None else (value, []))
    missing, items = [], []
    for i, result in enumerate(results):
        if result is not None:
            continue
        # Not read by the input walk's shortcut, and not cached after all (e.g. a damaged shard).
        text, problem = (files[i].text, None) if files[i].text is not None else read_late(files[i].path)
        if problem:
            results[i] = (None, [problem])
            continue
        missing.append(i)
        items.append((kind, files[i].name, text))
    fresh = (map_chunks or _map_serially)(parse_chunk, items, progress=progress)
    for index, (value, found) in zip(missing, fresh):
        if value is not None and not found and memo:
            memo.put(keys[index], value)
        results[index] = (value, found)
    return results  # type: ignore[return-value]


def _parse_chunk(
    vocabulary: Vocabulary, limits: Limits, renderer: MarkdownRenderer | None, reserved: frozenset[str], today: dt.date | None,
    tracks: TrackSource, names: Names | None, chunk,
) -> list[tuple[Any, list[Problem]]]:
    """Parse a chunk of (kind, name, text); one Markdown renderer serves the whole chunk.

    A valid brief comes back as a ParsedBrief, one with problems as its BriefRefs, for the
    rules across briefs.
    """
    renderer = renderer or MarkdownRenderer()
    context = brief_context(vocabulary, limits, names or Names())
    results = []
    for kind, name, text in chunk:
        if kind == "brief":
            brief, layers, refs, problems = _parse_brief(name, text, vocabulary, limits, renderer, tracks, context, today, names)
            results.append((ParsedBrief(brief, layers) if brief is not None and layers is not None else refs, problems))
        else:
            results.append(parse_page(name, text, limits, renderer, reserved, names))
    return results


# map_chunks(function, items, progress=...) -> results in order; function maps a chunk to a list.
MapChunks = Callable[..., list]


def _map_serially(function, items, progress: Callable[[int, int], None] | None = None) -> list:
    results = function(items) if items else []
    if progress and items:
        progress(len(items), len(items))
    return results


def parse_brief(
    name: str, text: str, vocabulary: Vocabulary, limits: Limits, renderer: MarkdownRenderer, tracks: TrackSource = None,
    today: dt.date | None = None, names: Names | None = Names(),
) -> tuple[Brief | None, list[Problem]]:
    """Validate one brief file's text; `name` is its path relative to the project root;
    `names` the register its places and people are checked against (None: any id passes)."""
    brief, _, _, problems = _parse_brief(name, text, vocabulary, limits, renderer, tracks, today=today, names=names)
    return brief, problems


def _parse_brief(
    name: str, text: str, vocabulary: Vocabulary, limits: Limits, renderer: MarkdownRenderer, tracks: TrackSource = None,
    context: str = "", today: dt.date | None = None, names: Names | None = Names(),
) -> tuple[Brief | None, BriefLayers | None, BriefRefs, list[Problem]]:
    stem = name.rsplit("/", 1)[-1][:-3]
    name_problems = _check_brief_name(name, stem)
    problems = list(name_problems)
    front = _read_front_matter(name, text, limits)
    problems += front.problems
    values: dict[str, Any] = {}
    layers: BriefLayers | None = None
    if front.parsed is not None:
        checker = _brief_checker(name, front.parsed, term_ids(tracks, vocabulary.ids), names, today)
        data = front.parsed.data
        # Moves and reactions are checked entry by entry (tracks.py), so that one bad
        # entry does not hide the rules across briefs for the others.
        values, found = validate_mapping({k: v for k, v in data.items() if k not in LAYER_FIELDS}, BRIEF_FIELDS, checker)
        problems += front.without_skipped(found)
        # A bad file name is reported already; comparing its date to the field adds only noise.
        problems += _check_dates(name, "" if name_problems else stem, values, front.parsed.line)
        layers, found = check_layers(name, data, checker, tracks, values, stem)
        problems += front.without_skipped(found)
    related = values.get("related", ())
    related_lines = tuple(front.parsed.line("related", i) for i in range(len(related))) if front.parsed else ()
    refs = BriefRefs(name, stem, tuple(zip(related, related_lines)), layers)
    body, found = _render_body(name, front.split, renderer, limits)
    problems += found
    if problems or body is None:
        return None, None, refs, problems
    brief = Brief(
        id=stem,
        path=name,
        title=values["title"],
        date=values["date"],
        type=values["type"],
        actors=values["actors"],
        summary=values["summary"],
        sources=tuple(Source(**record) for record in values["sources"]),
        body=body,
        end_date=values.get("end_date"),
        tags=values.get("tags", ()),
        related=related,
        updated=values.get("updated"),
        corrections=tuple(Correction(**record) for record in values.get("corrections", ())),
        draft=values.get("draft", False),
        places=values.get("places", ()),
        people=values.get("people", ()),
        text_warnings=_text_warnings(name, front, values, names),
        related_lines=related_lines,
        source_lines=tuple(front.parsed.line("sources", i) for i in range(len(values["sources"]))),  # type: ignore[union-attr]
        head=brief_head(stem, values["date"], values["type"], values["actors"], values.get("tags", ()), related),
        text_digest=text_digest(values["title"], values["summary"], front.split.body, [c["note"] for c in values.get("corrections", ())]),  # type: ignore[union-attr]
    )
    # The digest of the brief's own values and what they were read with: its moves and
    # reactions are not among them, so the pages that list it do not change with them.
    fingerprint = digest(context or brief_context(vocabulary, limits, names or Names()), repr(brief))
    return replace(brief, fingerprint=fingerprint), layers, refs, []


def _brief_checker(
    name: str, parsed: ParsedYaml, term_ids: Callable[[str], Any], names: Names | None, today: dt.date | None,
) -> Checker:
    """Brief fields are checked against the vocabulary and tracks (`term_ids`) and, for places
    and people, the names register (any id passes when it could not be read: its own
    problems are shown)."""
    if names is None:
        return Checker(name, parsed, lambda kind: _AnyTerm() if kind in NAME_KINDS else term_ids(kind), today)  # type: ignore[return-value]
    return Checker(name, parsed, lambda kind: names.ids(kind) if kind in NAME_KINDS else term_ids(kind), today, names_suggester(names))


def _text_warnings(name: str, front: "_FrontMatter", values: dict[str, Any], names: Names | None) -> tuple[Problem, ...]:
    """Warnings that need the file's text: contested places named one way only."""
    if names is None or front.split is None or front.parsed is None:
        return ()
    pieces = [(field, *_field_source(front, field), values[field]) for field in ("title", "summary")]
    pieces = [(field, line, value, source) for field, line, source, value in pieces]
    pieces.append(("body", front.split.body_line, front.split.body, ""))
    for index, correction in enumerate(values.get("corrections", ())):
        line = front.parsed.line("corrections", index, "note")
        source = front.split.front_matter.split("\n")[line - 2]  # a correction note shown on the page
        pieces.append((f"corrections[{index + 1}].note", line, correction["note"], source))
    return tuple(contested_names(name, pieces, names))


def _field_source(front: "_FrontMatter", field: str) -> tuple[int, str]:
    """The line of a top-level front matter field and the text of its lines, up to the next field."""
    line = front.parsed.line(field)  # type: ignore[union-attr]
    lines = front.split.front_matter.split("\n")  # type: ignore[union-attr]
    start = line - 2  # the front matter starts on the file's line 2
    end = start + 1
    while end < len(lines) and not _NEXT_FIELD.match(lines[end]):
        end += 1
    return line, "\n".join(lines[start:end])


_NEXT_FIELD = re.compile(r"[^\s#-]")


def parse_page(
    name: str, text: str, limits: Limits, renderer: MarkdownRenderer, reserved: frozenset[str] = frozenset(), names: Names | None = Names(),
) -> tuple[Page | None, list[Problem]]:
    """Validate one standalone page (content/pages/<id>.md); `names` the register its text
    is checked against for contested places named one way only."""
    stem = name.rsplit("/", 1)[-1][:-3]
    problems: list[Problem] = []
    if BRIEF_ID.fullmatch(stem):
        problems.append(Problem(name, 1, "file", f"looks like a brief, but pages live here; move it to content/briefs/{stem[:4]}/"))
    elif not TERM_ID.fullmatch(stem):
        problems.append(Problem(name, 1, "file", "page file names must be lowercase letters, digits and hyphens, e.g. about.md"))
    elif len(stem) > MAX_ID_LENGTH:
        problems.append(Problem(name, 1, "file", f"page file names are limited to {MAX_ID_LENGTH} characters before .md"))
    elif stem in reserved:
        problems.append(Problem(name, 1, "file", f"the page name '{stem}' is reserved for the site's own pages; rename the file"))
    front = _read_front_matter(name, text, limits)
    problems += front.problems
    values: dict[str, Any] = {}
    if front.parsed is not None:
        values, found = validate_mapping(front.parsed.data, PAGE_FIELDS, Checker(name, front.parsed, lambda kind: frozenset()))
        problems += front.without_skipped(found)
    body, found = _render_body(name, front.split, renderer, limits)
    problems += found
    if problems or body is None:
        return None, problems
    digest_ = text_digest(values["title"], values["summary"], front.split.body)  # type: ignore[union-attr]
    warnings = _text_warnings(name, front, values, names)
    page = Page(stem, name, values["title"], values["summary"], values.get("order", 100), body, text_warnings=warnings, text_digest=digest_)
    return page, []


def latest_date(brief: Brief, layers: BriefLayers | None = None) -> dt.date:
    """The latest date anywhere in a brief (its sources' dates, moves and reactions included)."""
    dates = [brief.last_modified, *(s.date for s in brief.sources if s.date)]
    if brief.end_date:
        dates.append(brief.end_date)
    if layers is not None:
        dates += [move.as_of for move in layers.moves] + [reaction.date for reaction in layers.reactions]
    return max(dates)


def _drop_missing_related(briefs: tuple[Brief, ...]) -> tuple[Brief, ...]:
    # A related draft left out of this build would be a broken link: leave it out too.
    ids = {b.id for b in briefs}
    return tuple(_with_related(b, tuple(r for r in b.related if r in ids)) for b in briefs)


def _with_related(brief: Brief, related: tuple[str, ...]) -> Brief:
    if related == brief.related:
        return brief
    return replace(
        brief, related=related, fingerprint=digest(brief.fingerprint, "related", *related) if brief.fingerprint else "",
        head=brief_head(brief.id, brief.date, brief.type, brief.actors, brief.tags, related),
    )


def brief_head(brief_id: str, date: dt.date, kind: str, actors: tuple[str, ...], tags: tuple[str, ...], related: tuple[str, ...]) -> str:
    """Brief.head: the digest of the fields related briefs are chosen by."""
    return digest("head", brief_id, date.isoformat(), kind, len(actors), *actors, len(tags), *tags, *related)


def _check_brief_name(name: str, stem: str) -> list[Problem]:
    match = BRIEF_ID.fullmatch(stem)
    if not match:
        return [Problem(name, 1, "file", "brief file names must look like YYYY-MM-DD-short-title.md (lowercase letters, digits, hyphens)")]
    if len(stem) > MAX_ID_LENGTH:
        return [Problem(name, 1, "file", f"brief file names are limited to {MAX_ID_LENGTH} characters before .md; shorten the title part")]
    _, wrong = real_day(int(match[1]), int(match[2]), int(match[3]))
    if wrong:
        return [Problem(name, 1, "file", f"the date in the file name is not a real day: {wrong}")]
    folder = name.rsplit("/", 2)[-2] if name.count("/") >= 1 else ""
    if folder != match[1]:
        return [Problem(name, 1, "file", f"must be in the folder for its year, content/briefs/{match[1]}/")]
    return []


@dataclass(frozen=True)
class _FrontMatter:
    """A file's front matter as far as it could be read, and its problems so far."""

    split: SplitFile | None
    parsed: ParsedYaml | None  # a mapping, or None
    problems: tuple[Problem, ...]
    skipped: frozenset[str] = frozenset()  # fields left out because of a YAML error

    def without_skipped(self, problems: list[Problem]) -> list[Problem]:
        """Field problems, less those of fields a YAML error kept from being read."""
        return [p for p in problems if _FIELD_ROOT.match(p.field)[0] not in self.skipped]  # type: ignore[index]


_FIELD_ROOT = re.compile(r"[^.\[]*")


def _read_front_matter(name: str, text: str, limits: Limits) -> _FrontMatter:
    try:
        split = split_front_matter(text)
    except FrontMatterProblem as exc:
        return _FrontMatter(None, None, (Problem(name, exc.line, "front matter", exc.message),))
    if len(split.front_matter.encode("utf-8")) > limits.max_front_matter_bytes:
        return _FrontMatter(split, None, (Problem(name, 2, "front matter", f"is larger than {limits.max_front_matter_bytes} bytes"),))
    read = parse_yaml_leniently(split.front_matter, first_line=2, max_nodes=limits.max_yaml_values)
    problems = tuple(Problem(name, p.line, "yaml", p.message) for p in read.problems)
    if read.parsed is None or (not isinstance(read.parsed.data, dict) and read.problems):
        return _FrontMatter(split, None, problems)
    if not isinstance(read.parsed.data, dict):
        return _FrontMatter(split, None, (Problem(name, 2, "front matter", "must be 'field: value' lines, one per field"),))
    return _FrontMatter(split, read.parsed, problems, read.skipped)


def _check_dates(name: str, stem: str, values: dict[str, Any], line: Callable[..., int]) -> list[Problem]:
    problems: list[Problem] = []
    date = values.get("date")
    if date is None:
        return problems
    match = BRIEF_ID.fullmatch(stem)
    if match and f"{match[1]}-{match[2]}-{match[3]}" != date.isoformat():
        problems.append(Problem(name, line("date"), "date", f"{date.isoformat()} does not match the file name's date {match[1]}-{match[2]}-{match[3]}"))
    end = values.get("end_date")
    if end is not None and end <= date:
        problems.append(Problem(name, line("end_date"), "end_date", f"{end.isoformat()} must be after date {date.isoformat()}"))
    updated = values.get("updated")
    if updated is not None and updated < date:
        problems.append(Problem(name, line("updated"), "updated", f"{updated.isoformat()} is before the event date {date.isoformat()}"))
    for index, record in enumerate(values.get("corrections", ())):
        if record.get("date") and record["date"] < date:
            problems.append(Problem(name, line("corrections", index, "date"), f"corrections[{index + 1}].date", f"{record['date'].isoformat()} is before the event date {date.isoformat()}"))
    return problems


def _render_body(name: str, split: SplitFile | None, renderer: MarkdownRenderer, limits: Limits):
    if split is None:
        return None, []  # no front matter block, so no body to speak of
    body, body_line = split.body, split.body_line
    stripped = body.strip()
    if not stripped or not has_visible_text(stripped):
        return None, [Problem(name, body_line, "body", "is empty; write the brief below the closing '---'")]
    bad = find_not_carried(body)
    if bad:
        return None, [Problem(name, body_line + body.count("\n", 0, bad.start()), "body", describe_not_carried(bad[0]))]
    placeholders = [
        Problem(name, body_line + index, "body", "still holds the placeholder text from `build.py new`; replace it")
        for index, line in enumerate(body.split("\n"))
        if line.lstrip().startswith(PLACEHOLDER)
    ]
    if placeholders:
        return None, placeholders
    try:
        return renderer.render(body, limits), []
    except BodyTooComplex as exc:
        return None, [Problem(name, body_line, "body", str(exc))]


# For translations.py, which reads translation files the same way.
read_front_matter = _read_front_matter
render_body = _render_body

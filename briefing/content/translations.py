"""Translation files: `briefs/YYYY/<id>.<lang>.md`, `pages/<id>.<lang>.md` and
`vocabulary.<lang>.yaml` hold only translated text and how it was made, including the digest
of the original's text they were made from (so staleness comes from content, not git).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from typing import Any, Iterable, Mapping

from ..errors import Problem, did_you_mean
from ..hashing import digest
from ..model import Brief, Correction, Limits, Page, Provenance, SiteConfig, Term, Translation, Vocabulary, VocabularyTranslation
from .markdown_render import MarkdownRenderer
from .schema import (
    BRIEF_FIELDS, BRIEF_ID, PAGE_FIELDS, PROVENANCE_FIELDS, TERM_FIELDS, TERM_ID, TRANSLATION_FIELDS, TRANSLATION_METHODS,
    Checker, FieldSpec, validate_mapping,
)
from .yamldata import ParsedYaml, YamlProblem, parse_yaml

DIGEST_LENGTH = 16  # hex digits of SHA-256 recorded as original_digest: enough, and easy to copy
_DIGEST = re.compile(r"[0-9a-f]{%d}" % DIGEST_LENGTH)
# Double quotation marks smart quotes become in a translation's body, where the language's
# own are not the English ones (CLDR's quotationStart/End). Apostrophes stay as they are.
DOUBLE_QUOTES = {"hy": ("«", "»"), "ru": ("«", "»")}
# What a translation may hold besides its body; everything else the original has is a fact.
_TRANSLATED = {spec.name for spec in TRANSLATION_FIELDS}
_PAGE_TRANSLATED = _TRANSLATED - {"corrections"}


def text_digest(title: str, summary: str, body: str, notes: Iterable[str] = ()) -> str:
    """The digest of an original's text a translation records (original_digest): its title,
    summary, Markdown body and correction notes, with every run of whitespace counted as one
    space, so re-wrapping a paragraph does not make its translations out of date."""
    parts = [" ".join(part.split()) for part in (title, summary, body, *notes)]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def vocabulary_digest(vocabulary: Vocabulary) -> str:
    """The digest of the vocabulary's labels and descriptions (a vocabulary translation's
    original_digest), whitespace aside."""
    parts = [f"{kind}\0{t.id}\0{' '.join(t.label.split())}\0{' '.join(t.description.split())}" for kind in ("types", "actors", "tags") for t in vocabulary.kind(kind)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


def split_name(stem: str) -> tuple[str, str]:
    """(id, language) of a translation's file name without its extension, e.g. 'about.ru'."""
    original, _, language = stem.rpartition(".")
    return original, language


def translation_context(config: SiteConfig, limits: Limits) -> str:
    """What a parsed translation depends on besides its own bytes: the languages declared and
    the limits (the memo's keys add the engine)."""
    return digest("translation", config.language, repr(tuple(l.code for l in config.languages)), repr(limits))


def check_language(name: str, language: str, config: SiteConfig | None) -> list[Problem]:
    """A translation's language must be one site.yaml declares (not known when site.yaml
    has problems of its own: they are reported instead)."""
    if config is None:
        return []
    declared = [l.code for l in config.languages]
    if language == config.language:
        return [Problem(name, 1, "file", f"'{language}' is the original's language; the original is the file without '.{language}'")]
    if language not in declared:
        listed = f"site.yaml declares {', '.join(declared)}" if declared else "site.yaml declares no languages (`languages:`)"
        return [Problem(name, 1, "file", f"unknown language '{language}' in the file name{did_you_mean(language, declared)}; {listed}")]
    return []


def parse_translation(
    kind: str, name: str, text: str, config: SiteConfig | None, limits: Limits, renderers: dict[str, MarkdownRenderer],
    today: dt.date | None,
) -> tuple[Translation | None, list[Problem]]:
    """Validate one translation file of a brief or page (`kind`); `name` is its path
    relative to the project root. Its fingerprint digests all its values (as a Brief's)."""
    from .loader import read_front_matter, render_body  # the loader imports this module

    stem = name.rsplit("/", 1)[-1][:-3]
    original, language = split_name(stem)
    problems = check_language(name, language, config)
    pattern = BRIEF_ID if kind == "brief" else TERM_ID
    if not pattern.fullmatch(original):
        what = "YYYY-MM-DD-slug.LANG.md, the original's file name with the language" if kind == "brief" else "NAME.LANG.md, the original's file name with the language"
        problems.append(Problem(name, 1, "file", f"translation file names look like {what}"))
    front = read_front_matter(name, text, limits)
    problems += front.problems
    values: dict[str, Any] = {}
    if front.parsed is not None:
        found = fact_fields(name, front.parsed, kind)
        data = {key: value for key, value in front.parsed.data.items() if key not in {p.field for p in found}}
        values, more = validate_mapping(data, _fields(kind), Checker(name, front.parsed, lambda k: frozenset(), today))
        problems += front.without_skipped(found + more)
        problems += check_provenance(name, front.parsed, _raw(front.parsed.data))
    renderer = renderers.get(language)
    if renderer is None:
        renderer = renderers[language] = MarkdownRenderer(double_quotes=DOUBLE_QUOTES.get(language))
    body, found = render_body(name, front.split, renderer, limits)
    problems += found
    if problems or body is None:
        return None, problems
    record = values["translation"]
    provenance = Provenance(record["method"], record["reviewed"], record["translator"], record["date"], record["original_digest"])
    corrections = tuple(Correction(c["date"], c["note"], language) for c in values.get("corrections", ()))
    line = front.parsed.line("translation") if front.parsed else 1
    translation = Translation(kind, original, language, name, values["title"], values["summary"], body, provenance, corrections, "", line)
    return dataclasses.replace(translation, fingerprint=digest("translation", repr(translation))), []


def _fields(kind: str) -> tuple[FieldSpec, ...]:
    return TRANSLATION_FIELDS if kind == "brief" else tuple(s for s in TRANSLATION_FIELDS if s.name in _PAGE_TRANSLATED)


def fact_fields(name: str, parsed: ParsedYaml, kind: str) -> list[Problem]:
    """Fields of the original a translation repeats: facts come only from the original."""
    if not isinstance(parsed.data, dict):
        return []
    facts = {spec.name for spec in (BRIEF_FIELDS if kind == "brief" else PAGE_FIELDS)} - (_TRANSLATED if kind == "brief" else _PAGE_TRANSLATED)
    return [
        Problem(name, parsed.line(key), str(key), f"is a fact of the original {kind}; a translation holds only {_translatable(kind)} and `translation`, so it cannot drift from the facts")
        for key in parsed.data
        if key in facts
    ]


def _translatable(kind: str) -> str:
    return "title, summary, corrections, the body" if kind == "brief" else "title, summary, the body"


def _raw(data: Any) -> Mapping[str, Any] | None:
    """The `translation` mapping as written (its fields are checked even if one is wrong)."""
    found = data.get("translation") if isinstance(data, dict) else None
    return found if isinstance(found, dict) else None


def check_provenance(name: str, parsed: ParsedYaml, record: Mapping[str, Any] | None) -> list[Problem]:
    """The method is a known one, a person's translation counts as reviewed, and the digest
    has the form `build.py translations` prints."""
    if not record:
        return []
    problems = []
    method, reviewed, found = record.get("method"), record.get("reviewed"), record.get("original_digest")
    if isinstance(method, str) and method not in TRANSLATION_METHODS:
        problems.append(Problem(name, parsed.line("translation", "method"), "translation.method", f"'{method}' is not a method; use {' or '.join(TRANSLATION_METHODS)}{did_you_mean(method, TRANSLATION_METHODS)}"))
    if method == "human" and reviewed is False:
        problems.append(Problem(name, parsed.line("translation", "reviewed"), "translation.reviewed", "a human translation is reviewed by the person who made it: set reviewed: true, or method: machine-assisted"))
    if isinstance(found, str) and not _DIGEST.fullmatch(found):
        problems.append(Problem(name, parsed.line("translation", "original_digest"), "translation.original_digest", f"'{found}' is not a digest of {DIGEST_LENGTH} hexadecimal digits; `python build.py translations` prints the original's"))
    return problems


def parse_vocabulary_translation(name: str, text: str, config: SiteConfig | None, vocabulary: Vocabulary | None, today: dt.date | None) -> tuple[VocabularyTranslation | None, list[Problem]]:
    """Validate vocabulary.<lang>.yaml: `translation` (provenance) and, under types, actors
    and tags, entries of id, label and description, each id one of the vocabulary's."""
    language = split_name(name.rsplit("/", 1)[-1][: -len(".yaml")])[1]
    problems = check_language(name, language, config)
    try:
        parsed = parse_yaml(text)
    except YamlProblem as exc:
        return None, problems + [Problem(name, exc.line, "yaml", exc.message)]
    fields = tuple(FieldSpec(kind, "records", False, "", item_fields=TERM_FIELDS) for kind in ("types", "actors", "tags"))
    fields += (next(s for s in TRANSLATION_FIELDS if s.name == "translation"),)
    values, found = validate_mapping(parsed.data, fields, Checker(name, parsed, lambda k: frozenset(), today))
    problems += found + check_provenance(name, parsed, _raw(parsed.data))
    terms, lines = [], []
    for kind in ("types", "actors", "tags"):
        known = vocabulary.ids(kind) if vocabulary is not None else None
        seen: set[str] = set()
        for index, record in enumerate(values.get(kind, ())):
            term_id, line = record.get("id"), parsed.line(kind, index, "id")
            if term_id is None:
                continue
            if known is not None and term_id not in known:
                problems.append(Problem(name, line, f"{kind}[{index + 1}].id", f"'{term_id}' is not one of the {kind} in content/vocabulary.yaml{did_you_mean(term_id, known)}"))
            elif term_id in seen:
                problems.append(Problem(name, line, f"{kind}[{index + 1}].id", f"'{term_id}' is translated twice"))
            else:
                seen.add(term_id)
                terms.append((kind, term_id, Term(term_id, record.get("label", ""), record.get("description", ""), language)))
                lines.append((kind, term_id, line))
    if problems:
        return None, problems
    record = values["translation"]
    provenance = Provenance(record["method"], record["reviewed"], record["translator"], record["date"], record["original_digest"])
    return VocabularyTranslation(language, name, tuple(terms), provenance, tuple(lines)), []


def check_translation_set(
    translations: Iterable[Translation], brief_ids: Mapping[str, str], briefs: Mapping[str, Brief], pages: Mapping[str, Page],
    page_ids: Iterable[str] = (),
) -> list[Problem]:
    """Rules across files: a translation has an original (a brief or page file by that id,
    valid or not), one translation per original and language, and each translated
    correction matches one of the original's by date."""
    problems: list[Problem] = []
    existing = {"brief": set(brief_ids.values()), "page": set(page_ids) | set(pages)}
    seen: dict[tuple[str, str, str], str] = {}
    for item in translations:
        key = (item.kind, item.of, item.language)
        if key in seen:
            problems.append(Problem(item.path, 1, "file", f"translates the same {item.kind} into the same language as {seen[key]}"))
            continue
        seen[key] = item.path
        if item.of not in existing[item.kind]:
            place = f"content/briefs/{item.of[:4]}/{item.of}.md" if item.kind == "brief" else f"content/pages/{item.of}.md"
            hint = did_you_mean(item.of, existing[item.kind])
            problems.append(Problem(item.path, 1, "file", f"is a translation with no original: there is no {place}{hint}"))
            continue
        original = briefs.get(item.of) if item.kind == "brief" else None
        if original is not None:
            problems += _unmatched_corrections(item, original)
    return problems


def _unmatched_corrections(item: Translation, original: Brief) -> list[Problem]:
    matched = match_corrections(item.corrections, original.corrections)
    used = {id(c) for c in matched if c is not None}
    dates = ", ".join(c.date.isoformat() for c in original.corrections) or "none"
    return [
        Problem(item.path, item.line, f"corrections[{index}].date", f"the original has no correction dated {c.date.isoformat()} (its corrections are dated {dates}); a translated correction keeps the original's date")
        for index, c in enumerate(item.corrections, start=1)
        if id(c) not in used
    ]


def match_corrections(translated: tuple[Correction, ...], originals: tuple[Correction, ...]) -> list[Correction | None]:
    """For each of the original's corrections, in order, its translation (the first unused
    one with the same date) or None."""
    left = list(translated)
    matched: list[Correction | None] = []
    for correction in originals:
        found = next((c for c in left if c.date == correction.date), None)
        if found is not None:
            left.remove(found)
        matched.append(found)
    return matched

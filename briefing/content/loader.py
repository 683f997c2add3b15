"""Load every brief and page under content/, validating each against the schema.

Parsing one file is a pure function of its text and the vocabulary, so it can be cached
and run in parallel; all problems from all files are gathered before anything is built.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from .. import ENGINE_VERSION
from ..hashing import digest
from ..store.cache import BriefCache, dependency_versions, parse_key
from .config import load_site_config, load_vocabulary
from ..errors import BuildFailed, Problem, Suggestions
from .files import is_inside, read_text, relative_name
from .frontmatter import FrontMatterProblem, split_front_matter
from .markdown_render import BodyTooComplex, MarkdownRenderer
from ..model import Brief, Correction, Limits, Page, SiteConfig, Source, Vocabulary
from ..store.parallel import map_chunks
from .schema import (
    BRIEF_FIELDS, BRIEF_ID, MAX_ID_LENGTH, PAGE_FIELDS, PLACEHOLDER, TERM_ID, Checker, describe_impossible_date,
    today_anywhere, validate_mapping,
)
from .text_rules import describe_not_carried, find_not_carried, has_visible_text
from ..site.urls import RESERVED_NAMES
from .yamldata import YamlProblem, parse_yaml


@dataclass(frozen=True)
class Content:
    """Everything read from content/: settings, vocabulary, briefs and pages."""

    config: SiteConfig
    vocabulary: Vocabulary
    briefs: tuple[Brief, ...]  # in path order; drafts only when asked for
    pages: tuple[Page, ...]


def load_settings(root: Path, content: Path, base_url: str | None = None) -> tuple[SiteConfig, Vocabulary]:
    """Load site.yaml and vocabulary.yaml; raise BuildFailed with the problems of both."""
    config, problems = load_site_config(root, content, base_url)
    vocabulary, found = load_vocabulary(root, content)
    if config is None or vocabulary is None:
        raise BuildFailed(problems + found)
    return config, vocabulary


def load_content(
    root: Path, content: Path, *, base_url: str | None = None, drafts: bool = False,
    renderer: MarkdownRenderer | None = None,
    cache: BriefCache | None = None, jobs: int = 1, progress: Callable[[int, int], None] | None = None,
    preread: Mapping[str, bytes] | None = None, digests: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> Content:
    """Load and validate all content; raise BuildFailed with every problem found.

    Briefs found in `cache` (same text, vocabulary, limits and versions) are not parsed
    again; the rest are parsed on `jobs` processes. `preread` holds bytes of files already
    read (by path), e.g. while digesting the inputs; `digests` the digest of every file's
    bytes (inputs.InputDigests), so a file found in the cache by it need not be read.
    `today` is the day of the build (default: the clock's, see today_anywhere): later
    dates are refused.
    """
    config, vocabulary = load_settings(root, content, base_url)
    today = today or today_anywhere()
    problems: list[Problem] = []
    context = parse_key(ENGINE_VERSION, dependency_versions() + checker_versions(), vocabulary, config.limits)
    paths, found = find_markdown(root, content / "briefs", content, recursive=True)
    problems += found
    files, found = _read_all(paths, root, content, config.limits, preread, digests if cache else None)
    problems += found
    read_late = functools.partial(read_text, root=root, within=content, max_bytes=config.limits.max_file_bytes, listed=True)
    parsed = _parse_cached(
        "brief", files, context, cache, jobs,
        functools.partial(_parse_chunk, vocabulary, config.limits, renderer if jobs <= 1 else None, today), read_late, progress,
        today,
    )
    briefs: list[Brief] = []
    for brief, found in parsed:
        problems += found
        if brief:
            briefs.append(brief)
    problems += check_brief_set(briefs)
    page_paths, found = find_markdown(root, content / "pages", content, recursive=False)
    problems += found
    page_files, found = _read_all(page_paths, root, content, config.limits, preread, digests if cache else None)
    problems += found
    pages: list[Page] = []
    for page, found in _parse_cached(
        "page", page_files, context, cache, 1,
        functools.partial(_parse_chunk, vocabulary, config.limits, renderer, today), read_late,
    ):
        problems += found
        if page:
            pages.append(page)
    if problems:
        raise BuildFailed(problems)
    published = tuple(b for b in briefs if drafts or not b.draft)
    return Content(config, vocabulary, _drop_missing_related(published), tuple(pages))


def check_selected(
    root: Path, content: Path, paths: tuple[Path, ...], renderer: MarkdownRenderer | None = None, today: dt.date | None = None,
) -> tuple[int, int]:
    """Validate only the given brief and page files, plus the cross-brief rules that involve them.

    Other briefs are not parsed: their file names alone give the ids that duplicates and
    `related` are checked against. Returns (briefs, pages) checked; raises BuildFailed.
    """
    renderer = renderer or MarkdownRenderer()
    config, vocabulary = load_settings(root, content)
    today = today or today_anywhere()
    problems: list[Problem] = []
    all_briefs, _ = find_markdown(root, content / "briefs", content, recursive=True)
    ids = {relative_name(p, root): p.stem for p in all_briefs}
    briefs = pages = 0
    for path in paths:
        name = relative_name(path, root)
        text, problem = read_text(path, root, content, config.limits.max_file_bytes)
        if problem:
            problems.append(problem)
            continue
        if is_inside(path, content / "pages"):
            pages += 1
            problems += parse_page(name, text or "", config.limits, renderer)[1]
            continue
        briefs += 1
        brief, found = parse_brief(name, text or "", vocabulary, config.limits, renderer, today=today)
        problems += found
        if brief:
            problems += check_brief_among(brief, ids)
    if problems:
        raise BuildFailed(problems)
    return briefs, pages


def check_brief_among(brief: Brief, ids: dict[str, str]) -> list[Problem]:
    """Cross-brief rules for one brief against the ids of every brief file (path -> id)."""
    problems: list[Problem] = []
    for other, other_id in sorted(ids.items()):
        if other != brief.path and other_id.lower() == brief.id.lower():
            problems.append(Problem(brief.path, 1, "id", f"'{brief.id}' is also the id of {other}; ids must be unique"))
    known = set(ids.values())
    suggestions = Suggestions(known)
    for related, line in zip(brief.related, brief.related_lines or (1,) * len(brief.related)):
        if related == brief.id:
            problems.append(Problem(brief.path, line, "related", "a brief cannot be related to itself"))
        elif related not in known:
            problems.append(Problem(brief.path, line, "related", f"no brief has the id '{related}'{suggestions.hint(related)}"))
    return problems


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
    # `paths` come from find_markdown, which follows no linked folder and checks linked files.
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
    kind: str, files: list[_ContentFile], context: str, cache: BriefCache | None, jobs: int, parse_chunk,
    read_late: Callable[[Path], tuple[str | None, Problem | None]], progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> list[tuple[Any, list[Problem]]]:
    # Only valid results are cached: a file with problems is checked again next time.
    # A file is known by the digest of its bytes when the input walk gave one, else by its text.
    keys = [digest(context, kind, f.name, f.digest if f.digest is not None else "text:" + (f.text or "")) for f in files]
    results: list[tuple[Any, list[Problem]] | None] = []
    for key in keys:
        value = cache.get(key) if cache else None
        if isinstance(value, Brief) and today is not None and latest_date(value) > today:
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
        # The key goes along: a brief is made with its fingerprint, not copied to add it here.
        items.append((kind, files[i].name, text, keys[i]))
    fresh = map_chunks(parse_chunk, items, jobs, progress=progress)
    for index, (value, found) in zip(missing, fresh):
        if value is not None and not found and cache:
            cache.put(keys[index], value)
        results[index] = (value, found)
    return results  # type: ignore[return-value]


def _parse_chunk(vocabulary: Vocabulary, limits: Limits, renderer: MarkdownRenderer | None, today: dt.date | None, chunk) -> list[tuple[Any, list[Problem]]]:
    """Parse a chunk of (kind, name, text, key); one Markdown renderer serves the whole chunk."""
    renderer = renderer or MarkdownRenderer()
    results = []
    for kind, name, text, key in chunk:
        if kind == "brief":
            results.append(parse_brief(name, text, vocabulary, limits, renderer, fingerprint=key, today=today))
        else:
            results.append(parse_page(name, text, limits, renderer))
    return results


def find_markdown(root: Path, folder: Path, content: Path, recursive: bool) -> tuple[list[Path], list[Problem]]:
    """List `*.md` files under `folder` in sorted order, refusing links that leave content/."""
    if not folder.is_dir():
        return [], []
    if not is_inside(folder, content):  # the walk starts inside the link's target
        return [], [Problem(relative_name(folder, root), 1, "file", "is a linked folder that leads outside content/; links out are refused")]
    found: list[Path] = []
    problems: list[Problem] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        for dirname in sorted(dirnames):
            if (here / dirname).is_symlink():
                problems.append(Problem(relative_name(here / dirname, root), 1, "file", "is a linked folder; links are not followed, move the files here"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink()) if recursive else []
        for filename in sorted(filenames):
            path = here / filename
            if filename.startswith(".") or not filename.endswith(".md"):
                continue
            if path.is_symlink() and not is_inside(path, content):
                problems.append(Problem(relative_name(path, root), 1, "file", "is a link that leads outside content/; links out are refused"))
                continue
            found.append(path)
    return sorted(found), problems


def parse_brief(
    name: str, text: str, vocabulary: Vocabulary, limits: Limits, renderer: MarkdownRenderer, fingerprint: str = "",
    today: dt.date | None = None,
) -> tuple[Brief | None, list[Problem]]:
    """Validate one brief file's text; `name` is its path relative to the project root.

    `fingerprint` is the loader's digest of everything the brief is made from (see Brief);
    dates after `today` are refused (None: no upper bound, for callers that set none).
    """
    stem = name.rsplit("/", 1)[-1][:-3]
    name_problems = _check_brief_name(name, stem)
    problems = list(name_problems)
    split, parsed, found = _split_and_parse(name, text, limits)
    problems += found
    if split is None or parsed is None:
        return None, problems
    checker = Checker(name, parsed, vocabulary.ids, today)
    values, found = validate_mapping(parsed.data, BRIEF_FIELDS, checker)
    problems += found
    # A bad file name is reported already; comparing its date to the field adds only noise.
    problems += _check_dates(name, "" if name_problems else stem, values, parsed.line)
    body, found = _render_body(name, split.body, split.body_line, renderer, limits)
    problems += found
    if problems or body is None:
        return None, problems
    return (
        Brief(
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
            related=values.get("related", ()),
            updated=values.get("updated"),
            corrections=tuple(Correction(**record) for record in values.get("corrections", ())),
            draft=values.get("draft", False),
            related_lines=tuple(parsed.line("related", i) for i in range(len(values.get("related", ())))),
            fingerprint=fingerprint,
        ),
        [],
    )


def parse_page(name: str, text: str, limits: Limits, renderer: MarkdownRenderer) -> tuple[Page | None, list[Problem]]:
    """Validate one standalone page (content/pages/<id>.md)."""
    stem = name.rsplit("/", 1)[-1][:-3]
    problems: list[Problem] = []
    if not TERM_ID.fullmatch(stem):
        problems.append(Problem(name, 1, "file", "page file names must be lowercase letters, digits and hyphens, e.g. about.md"))
    elif len(stem) > MAX_ID_LENGTH:
        problems.append(Problem(name, 1, "file", f"page file names are limited to {MAX_ID_LENGTH} characters before .md"))
    elif stem in RESERVED_NAMES:
        problems.append(Problem(name, 1, "file", f"the page name '{stem}' is reserved for the site's own pages; rename the file"))
    split, parsed, found = _split_and_parse(name, text, limits)
    problems += found
    if split is None or parsed is None:
        return None, problems
    values, found = validate_mapping(parsed.data, PAGE_FIELDS, Checker(name, parsed, lambda kind: frozenset()))
    problems += found
    body, found = _render_body(name, split.body, split.body_line, renderer, limits)
    problems += found
    if problems or body is None:
        return None, problems
    return Page(stem, name, values["title"], values["summary"], values.get("order", 100), body), []


def check_brief_set(briefs: list[Brief]) -> list[Problem]:
    """Rules across briefs: unique ids, and `related` naming briefs that exist (with a
    bounded did-you-mean search: see errors.Suggestions)."""
    problems: list[Problem] = []
    by_id: dict[str, Brief] = {}
    for brief in briefs:
        other = by_id.get(brief.id.lower())
        if other:
            problems.append(Problem(brief.path, 1, "id", f"'{brief.id}' is also the id of {other.path}; ids must be unique"))
        else:
            by_id[brief.id.lower()] = brief
    suggestions = Suggestions(by_id)
    for brief in briefs:
        for related, line in zip(brief.related, brief.related_lines or (1,) * len(brief.related)):
            if related == brief.id:
                problems.append(Problem(brief.path, line, "related", "a brief cannot be related to itself"))
            elif related not in by_id:
                problems.append(Problem(brief.path, line, "related", f"no brief has the id '{related}'{suggestions.hint(related)}"))
    return problems


def latest_date(brief: Brief) -> dt.date:
    """The latest date anywhere in a brief (its sources' dates included)."""
    dates = [brief.last_modified, *(s.date for s in brief.sources if s.date)]
    if brief.end_date:
        dates.append(brief.end_date)
    return max(dates)


def checker_versions() -> tuple[tuple[str, str], ...]:
    """Versions of the libraries whose verdicts a cached brief rests on (URLs, look-alikes)."""
    from importlib.metadata import version

    return tuple((name, version(name)) for name in ("ada-url", "disarm"))


def _drop_missing_related(briefs: tuple[Brief, ...]) -> tuple[Brief, ...]:
    # A related draft left out of this build would be a broken link: leave it out too.
    ids = {b.id for b in briefs}
    return tuple(_with_related(b, tuple(r for r in b.related if r in ids)) for b in briefs)


def _with_related(brief: Brief, related: tuple[str, ...]) -> Brief:
    if related == brief.related:
        return brief
    return replace(brief, related=related, fingerprint=digest(brief.fingerprint, "related", *related) if brief.fingerprint else "")


def _check_brief_name(name: str, stem: str) -> list[Problem]:
    match = BRIEF_ID.fullmatch(stem)
    if not match:
        return [Problem(name, 1, "file", "brief file names must look like YYYY-MM-DD-short-title.md (lowercase letters, digits, hyphens)")]
    if len(stem) > MAX_ID_LENGTH:
        return [Problem(name, 1, "file", f"brief file names are limited to {MAX_ID_LENGTH} characters before .md; shorten the title part")]
    try:
        dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return [Problem(name, 1, "file", f"the date in the file name is impossible: {describe_impossible_date(f'{match[1]}-{match[2]}-{match[3]}')}")]
    folder = name.rsplit("/", 2)[-2] if name.count("/") >= 1 else ""
    if folder != match[1]:
        return [Problem(name, 1, "file", f"must be in the folder for its year, content/briefs/{match[1]}/")]
    return []


def _split_and_parse(name: str, text: str, limits: Limits):
    try:
        split = split_front_matter(text)
    except FrontMatterProblem as exc:
        return None, None, [Problem(name, exc.line, "front matter", exc.message)]
    if len(split.front_matter.encode("utf-8")) > limits.max_front_matter_bytes:
        return split, None, [Problem(name, 2, "front matter", f"is larger than {limits.max_front_matter_bytes} bytes")]
    try:
        parsed = parse_yaml(split.front_matter, first_line=2, max_nodes=limits.max_yaml_values)
    except YamlProblem as exc:
        return split, None, [Problem(name, exc.line, "yaml", exc.message)]
    if not isinstance(parsed.data, dict):
        return split, None, [Problem(name, 2, "front matter", "must be 'field: value' lines, one per field")]
    return split, parsed, []


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


def _render_body(name: str, body: str, body_line: int, renderer: MarkdownRenderer, limits: Limits):
    stripped = body.strip()
    if not stripped or not has_visible_text(stripped):
        return None, [Problem(name, body_line, "body", "is empty; write the brief below the closing '---'")]
    bad = find_not_carried(body)
    if bad:
        return None, [Problem(name, body_line + body.count("\n", 0, bad.start()), "body", describe_not_carried(bad[0]))]
    if stripped.startswith(PLACEHOLDER):
        first_text_line = body_line + len(body) - len(body.lstrip("\n"))
        return None, [Problem(name, first_text_line, "body", "still holds the placeholder text from `build.py new`; replace it")]
    try:
        return renderer.render(body, limits), []
    except BodyTooComplex as exc:
        return None, [Problem(name, body_line, "body", str(exc))]

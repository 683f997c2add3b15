"""One build: load → assemble → plan → render → write, all-or-nothing.

Every stage gathers its problems; the first stage with problems stops the build before
anything is written, so the previous site/ stays as it was.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .site.archive import Archive, assemble_archive
from .hashing import digest
from .store.cache import CACHE_FOLDER, BriefCache
from .errors import BuildFailed
from .store.fingerprint import Fingerprinter, Uncacheable, engine_digest
from .store.inputs import InputDigests
from .content.loader import check_selected, load_content
from .store.parallel import default_jobs, iterate_shared
from .site.plan import OutputFile, check_plan, plan_site
from .output.render import TemplateRenderer, human_date, load_strings
from .store.rowstore import RowStore
from .output.search_index import INDEX_FOLDER, IndexReport, index_stamp, write_search_index
from .site.security import CONTENT_SECURITY_POLICY
from .site.timeline_svg import render_timeline_svg, type_classes
from .site.urls import Urls
from .output.write import FileData, check_output_folder, output_note, prepare_staging, write_site, write_site_incremental

# progress(stage, done, total): how far a long stage ('parsing', 'rendering') has got.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildOptions:
    """Where things are and what to include."""

    root: Path
    content: Path
    templates: Path
    out: Path
    base_url: str | None = None
    drafts: bool = False
    use_cache: bool = True  # keep parsed briefs and output fingerprints in ROOT/.cache/briefing/
    # "build": index in the build; "later": keep the old index for the caller to refresh
    # (serve indexes after reloading); "skip": the output has no search index.
    search: str = "build"
    jobs: int = 0  # processes for parsing and rendering; 0 = one per core
    today: dt.date | None = None  # the day of the build, for refusing later dates; None: the clock's

    @classmethod
    def for_root(cls, root: Path, **overrides) -> "BuildOptions":
        """Options with the standard layout under a project root."""
        values = {"content": root / "content", "templates": root / "templates", "out": root / "site"}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(root=root, **values)


@dataclass(frozen=True)
class BuildReport:
    """What a successful build produced."""

    briefs: int
    files: int
    bytes: int  # bytes written
    seconds: float
    search: IndexReport | None = None
    written: int = 0  # files rendered and written this time
    unchanged: int = 0  # files whose bytes were already there
    up_to_date: bool = False  # nothing changed since the build that made the output


def check_site(options: BuildOptions) -> Archive:
    """Load and validate all content and templates; write nothing."""
    content = load_content(options.root, options.content, base_url=options.base_url, drafts=options.drafts, today=options.today)
    archive = assemble_archive(content)
    renderer = _renderer(options, archive)
    plan = plan_site(archive, Urls(archive.config.base_url), renderer.strings)
    problems = renderer.check_templates() + check_plan(plan)
    if problems:
        raise BuildFailed(problems)
    return archive


def check_files(options: BuildOptions, paths: tuple[Path, ...]) -> tuple[int, int]:
    """Validate only these brief or page files (plus cross-brief rules involving them)."""
    return check_selected(options.root, options.content, paths, today=options.today)


def build_site(options: BuildOptions, cache: BriefCache | None = None, progress: Progress | None = None) -> BuildReport:
    """Build the whole site into options.out; raise BuildFailed or OutputError on failure.

    `cache` may be a long-lived BriefCache (e.g. kept by `serve` across rebuilds); by
    default the project's on-disk cache is used unless options.use_cache is False.
    """
    started = time.perf_counter()
    check_output_folder(options.out, options.root, [options.content, options.templates])
    jobs = options.jobs or default_jobs()
    if cache is None and options.use_cache:
        cache = BriefCache.for_root(options.root)
    state = output_state_file(options)
    if cache is not None:
        cache.load_in_background()  # while the inputs are digested
    # What digesting the inputs found and read (not read twice); --no-cache reads no memo.
    read = InputDigests(options.root / CACHE_FOLDER / "inputs.memo" if cache is not None else None)
    inputs = _input_digest(options, read) if cache is not None else ""
    current = _current_output(options, state, inputs) if inputs else None
    if current is not None:
        cache.stop_loading()  # type: ignore[union-attr]
        briefs, count = current
        return BuildReport(briefs, count, 0, time.perf_counter() - started, None, 0, count, up_to_date=True)
    # Linking the live output into a staging folder overlaps parsing and planning.
    staged = prepare_staging(options.out, state) if cache is not None else None
    try:
        return _build(options, cache, progress, jobs, state, inputs, read, staged, started)
    finally:
        if staged:
            staged()  # never leave the thread working on a folder after the build returns


def _build(
    options: BuildOptions, cache: BriefCache | None, progress: Progress | None, jobs: int, state: Path, inputs: str,
    read: InputDigests, staged: Callable[[], None] | None, started: float,
) -> BuildReport:
    rows = RowStore(cache.folder if cache else None)
    rows.load_in_background()
    on_parse = (lambda done, total: progress("parsing", done, total)) if progress else None
    content = load_content(
        options.root, options.content, base_url=options.base_url, drafts=options.drafts,
        cache=cache, jobs=jobs, progress=on_parse, preread=read.contents, digests=read.digests, today=options.today,
    )
    read.contents.clear()
    memo = cache.derived(engine_digest()) if cache else None
    archive = assemble_archive(content, memo)
    urls = Urls(archive.config.base_url)
    renderer = _renderer(options, archive, memo)
    plan = plan_site(archive, urls, renderer.strings, rows, jobs)
    rows.flush()
    problems = renderer.check_templates() + check_plan(plan)
    if problems:
        raise BuildFailed(problems)
    static = _static_files(options.templates / "static")
    indexed: list[IndexReport] = []  # filled by the finalize step, which runs inside the writer
    previous_index = options.out / INDEX_FOLDER
    # Remembered with the output, so the next build can tell nothing changed.
    note = {"inputs": inputs, "briefs": len(archive.briefs), "index": ""}

    def index(stage: Path) -> None:
        indexed.append(write_search_index(stage, previous_index))
        note["index"] = _index_stamp(stage, options.search)

    finalize = index if options.search == "build" else None
    if cache is None:
        files = _render_all(renderer, plan, list(range(len(plan))), jobs, progress)
        extra = [(".nojekyll", b"")] + [(path, source.read_bytes()) for path, source in static]
        stats = write_site(options.out, _chain(files, extra), (), finalize)
        written, unchanged = stats.files, 0
    else:
        planned = _fingerprints(renderer, archive, plan, static)
        produce = _producer(renderer, plan, dict(static), jobs, progress)
        # The kept staging folder's index stays for the indexer to reuse or replace.
        keep = () if options.search == "skip" else (INDEX_FOLDER,)
        stats = write_site_incremental(options.out, planned, produce, state, finalize, keep=keep, note=note, ready=staged)
        written, unchanged = stats.written, stats.unchanged
        # Every build leaves a spare copy of its output for the next one to update; after a
        # full build there is none yet, and linking one overlaps saving the cache.
        spare = prepare_staging(options.out, state)
        try:
            cache.save()
            rows.save()
        finally:
            spare()
    seconds = time.perf_counter() - started
    return BuildReport(len(archive.briefs), stats.files, stats.bytes, seconds, indexed[0] if indexed else None, written, unchanged)


def output_state_file(options: BuildOptions) -> Path:
    """Where the build remembers what its output folder holds."""
    return options.root / CACHE_FOLDER / f"output-{digest(str(options.out.resolve()))[:16]}.json"


def _input_digest(options: BuildOptions, read: InputDigests) -> str:
    """What the output is a function of: content, templates, options, engine, indexer."""
    indexer = version("pagefind_bin") if options.search == "build" else ""
    settings = (str(options.out.resolve()), options.base_url, options.drafts, options.search, indexer)
    return read.digest((options.content, options.templates), settings, engine_digest())


def _current_output(options: BuildOptions, state: Path, inputs: str) -> tuple[int, int] | None:
    """(briefs, files) of the output if it was made from exactly these inputs and is intact."""
    found = output_note(options.out, state)
    if found is None:
        return None
    note, count = found
    if note.get("inputs") != inputs or note.get("index") != _index_stamp(options.out, options.search):
        return None
    briefs = note.get("briefs")
    return (briefs, count) if isinstance(briefs, int) else None


def _index_stamp(site: Path, search: str) -> str:
    """What identifies the search index in `site` (a damaged or missing one is noticed)."""
    return (index_stamp(site / INDEX_FOLDER) or "") if search == "build" else ""


def _static_files(folder: Path) -> list[tuple[str, Path]]:
    """(output path, source) of every theme file under templates/static/, sorted."""
    if not folder.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not Path(dirpath, d).is_symlink())
        for name in sorted(filenames):
            source = Path(dirpath, name)
            if source.is_symlink():
                continue  # like the copy this replaces: links are not followed
            found.append(("static/" + source.relative_to(folder).as_posix(), source))
    return sorted(found)


def _fingerprints(renderer: TemplateRenderer, archive: Archive, plan: Sequence[OutputFile], static) -> list[tuple[str, str | None]]:
    """(path, fingerprint) of every output file; None where a page cannot be fingerprinted.

    A page depends on its template closure, its context, the globals its templates name
    (the archive only through the attributes they read) and the engine.
    """
    walker = Fingerprinter()
    engine = engine_digest()
    globals_ = renderer.env.globals
    known: dict[str, str | None] = {}

    def global_digest(name: str) -> str | None:
        if name not in known:
            try:
                if name.startswith("archive."):  # one attribute of the archive
                    known[name] = walker.of(getattr(archive, name.split(".", 1)[1], None))
                else:
                    known[name] = walker.of(archive if name == "archive" else globals_[name])
            except Uncacheable:
                known[name] = None  # e.g. a function: such pages are rendered every time
        return known[name]

    @functools.lru_cache(maxsize=None)  # pages of one template share their context keys
    def shared_digest(template: str, context: frozenset[str]) -> str | None:
        """What all pages of `template` with these context keys depend on alike, or None."""
        closure, names, reads = renderer.template_dependencies(template)
        # Filters read the UI strings (month names), so every page depends on them.
        used = sorted({n for n in names if n in globals_ and n not in context and n != "archive"} | ({"t"} & set(globals_)))
        if "archive" in names and "archive" not in context:
            used += ["archive"] if reads is None else [f"archive.{attribute}" for attribute in sorted(reads)]
        parts = [global_digest(n) for n in used]
        return None if None in parts else digest(engine, closure, *used, *parts)

    planned: list[tuple[str, str | None]] = []
    for item in plan:
        if item.data is not None:  # made in Python: its bytes are its fingerprint
            if item.made_from:
                planned.append((item.path, digest("data made from", engine, item.made_from)))
                continue
            parts = item.data if isinstance(item.data, tuple) else (item.data,)
            whole = all(isinstance(part, bytes) for part in parts)  # not spans of other files
            planned.append((item.path, digest("data", *parts) if whole else None))
            continue
        shared = shared_digest(item.template, frozenset(item.context))
        try:
            planned.append((item.path, walker.page(shared, item.context, item.path, item.url) if shared else None))
        except Uncacheable:
            planned.append((item.path, None))
    planned.append((".nojekyll", digest("empty")))
    for path, source in static:
        planned.append((path, digest("static", source.read_bytes())))
    return planned


def _producer(renderer: TemplateRenderer, plan: Sequence[OutputFile], static: dict[str, Path], jobs: int, progress: Progress | None):
    index = {item.path: i for i, item in enumerate(plan)}

    def produce(paths: list[str]) -> Iterable[tuple[str, FileData]]:
        for path in paths:
            if path == ".nojekyll":
                yield path, b""
            elif path in static:
                yield path, static[path].read_bytes()
        yield from _render_all(renderer, plan, [index[p] for p in paths if p in index], jobs, progress)

    return produce


# Chunks a render worker takes before a fresh one replaces it (see parallel.iterate_chunks):
# about five generations of workers for 10,000 briefs, a fraction of a second of forking.
RENDER_CHUNKS_PER_WORKER = 8


def _render_all(renderer: TemplateRenderer, plan: Sequence[OutputFile], indices: list[int], jobs: int, progress: Progress | None) -> Iterable[tuple[str, FileData]]:
    """Render the planned files at `indices` (pages on `jobs` processes for big batches)."""
    # Finished data files never travel to a worker and back: at 10,000 briefs the exports
    # are 100 MB each, and the round trip would copy them twice.
    for i in indices:
        if plan[i].data is not None:
            yield plan[i].path, plan[i].data  # type: ignore[misc]
    pages = [i for i in indices if plan[i].data is None]
    on_chunk = (lambda done, total: progress("rendering", done, total)) if progress else None
    # A Jinja environment cannot be pickled: workers inherit it.
    yield from iterate_shared(_render_chunk, (renderer, plan), pages, jobs, progress=on_chunk, chunks_per_worker=RENDER_CHUNKS_PER_WORKER)


def _render_chunk(shared: tuple[TemplateRenderer, Sequence[OutputFile]], indices: Sequence[int]) -> list[tuple[str, bytes]]:
    renderer, plan = shared
    return [(plan[i].path, renderer.render(plan[i]).encode("utf-8")) for i in indices]


def _chain(*parts: Iterable[tuple[str, FileData]]) -> Iterable[tuple[str, FileData]]:
    for part in parts:
        yield from part


def _renderer(options: BuildOptions, archive: Archive, memo=None) -> TemplateRenderer:
    strings = load_strings(options.templates, options.root, archive.config.language)
    urls = Urls(archive.config.base_url)
    types = archive.vocabulary.types
    timeline = render_timeline_svg(
        archive.briefs, types, urls, lambda day: human_date(day, strings.get("months", ())),
        str(strings.get("timeline_figure_label", "")),
    )
    return TemplateRenderer(
        options.templates,
        options.root,
        {
            "site": archive.config, "archive": archive, "urls": urls, "t": strings,
            "vocabulary": archive.vocabulary, "content_security_policy": CONTENT_SECURITY_POLICY,
            "timeline": timeline, "type_class": type_classes(types),
        },
        cache_folder=_template_cache(options) if memo is not None else None,
        memo=memo,
    )


def _template_cache(options: BuildOptions) -> Path | None:
    folder = options.root / CACHE_FOLDER / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # builds still work, compiling every template each time
    return folder

"""One build: load → archive → plan → render → write, all-or-nothing, one at a time.

Every stage gathers its problems; the first stage with problems stops the build before
anything is written, so the previous site/ stays as it was. The store (passed in, or the
project's own) keeps what the stages worked out; the stages never look at it themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Callable, Iterator

from .content.loader import CheckResult, Content, check_selected, load_content
from .errors import BuildFailed, Problem
from .hashing import digest
from .output.produce import Producer, static_files
from .output.render import SiteRenderer, make_renderer
from .output.strings import UiStrings, load_ui_strings
from .output.search_index import INDEX_FOLDER, IndexReport, index_stamp, write_search_index
from .output.write import WriteStats, check_output_folder, output_note, prepare_staging, write_output
from .site.archive import Archive, assemble_archive
from .site.languages import Edition, LanguageStatus, assemble_editions, plan_editions, translation_status
from .site.plan import OutputFile, check_plan
from .site.urls import RESERVED_NAMES, Urls
from .store import lock, parallel
from .store.fingerprint import fingerprint_plan
from .store.inputs import InputDigests
from .store.rowstore import RowStore
from .store.store import Store

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
    use_cache: bool = True  # keep what builds work out in ROOT/.cache/briefing/
    # "build": index in the build; "skip": the output has no search index.
    search: str = "build"
    jobs: int = 0  # processes for parsing and rendering; 0 = one per core
    wait: bool = True  # wait for another build of the project instead of failing
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
    written_paths: tuple[str, ...] = ()  # files made and written this time
    unchanged: int = 0  # files whose bytes were already there
    up_to_date: bool = False  # nothing changed since the build that made the output
    cache_note: str = ""  # why nothing was kept for the next build, if so
    warnings: tuple[Problem, ...] = ()  # e.g. a language left unpublished for want of UI strings

    @property
    def written(self) -> int:
        """How many files were made and written."""
        return len(self.written_paths)


def build_site(options: BuildOptions, store: Store | None = None, progress: Progress | None = None,
               on_wait: Callable[[int | None], None] | None = None) -> BuildReport:
    """Build the whole site into options.out; raise BuildFailed, OutputError or lock.Busy.

    Another build of the same project or output is waited for (`on_wait(pid)` is told),
    or, with options.wait False, refused with lock.Busy.
    """
    started = time.perf_counter()
    check_output_folder(options.out, options.root, [options.content, options.templates])
    if store is None:
        store = Store.open(options.root) if options.use_cache else Store.memory()
    with build_lock(options, store, on_wait):
        store.load_in_background()  # while the inputs are digested
        inputs = InputDigests(store)
        fingerprint = inputs.digest((options.content, options.templates), _settings(options), _loose(options))
        inputs.save()
        record = store.record(f"output-{digest(str(options.out.resolve()))[:16]}")
        current = _current_output(options, record, fingerprint) if options.use_cache else None
        if current is not None:
            store.stop_loading()
            return BuildReport(current[0], current[1], 0, time.perf_counter() - started, unchanged=current[1], up_to_date=True)
        # Linking the live output into a staging folder, and checking the stored data
        # download rows, overlap parsing and planning (both wait on the disk or hash).
        staged = prepare_staging(options.out, record)
        rows = RowStore(store)
        rows.load_in_background()
        try:
            content = load(options, store, inputs, progress)
            inputs.contents.clear()
            site = prepare_site(content, options, store)
            check(site.renderer, site.plan)
            stats, index = write(options, store, rows, site, record, fingerprint, staged, progress)
        finally:
            staged()  # never leave the thread working on a folder after the build returns
        moved = options.use_cache and _inputs_moved(options, inputs)
        if moved:
            # Files read after the walk (templates, briefs not in the cache) may not be the
            # bytes it digested: keep no record that could call a mix of the two up to date.
            try:
                record.save({})
            except OSError:  # e.g. a full disk
                record.forget()
        spare = prepare_staging(options.out, record)  # linking a spare copy overlaps the save
        try:
            if not moved:  # entries made from such a file may sit under the other bytes' key
                store.save()
        finally:
            spare()
    seconds = time.perf_counter() - started
    note = store.why_memory or (f"could not save the build cache: {store.unsaved}" if store.unsaved else "")
    note = note or (MOVED_NOTE if moved else "")
    return BuildReport(len(site.archive.briefs), stats.files, stats.bytes, seconds, index, stats.written, stats.unchanged, cache_note=note, warnings=site.ui.warnings)


@dataclass(frozen=True)
class PreparedSite:
    """Everything a build works out before writing: the archive in every published
    language, their renderers and the plan of every file."""

    archive: Archive  # the original's
    editions: tuple[Edition, ...]  # the original's first
    renderer: SiteRenderer
    plan: tuple[OutputFile, ...]
    ui: UiStrings
    status: tuple[LanguageStatus, ...] = ()


def prepare_site(
    content: Content, options: BuildOptions, store: Store, previous: dict[str, OutputFile] | None = None,
    previous_archive: Archive | None = None,
) -> PreparedSite:
    """Assemble, and plan in every published language; raise BuildFailed. A dev server's
    last good build, its plan's files by path (`previous`) and its archive, lends what is
    unchanged: unchanged pages, and every group without a changed brief."""
    archive = assemble_archive(content, store, previous_archive)
    ui = load_ui_strings(options.templates, options.root, archive.config)
    editions = assemble_editions(content, archive, ui.published, store)
    renderers = {
        edition.language: make_renderer(options.templates, options.root, edition.archive, store, ui.by_language[edition.language], edition.urls, edition.info)
        for edition in editions
    }
    renderer = SiteRenderer(renderers, archive.config.language)
    status = translation_status(content, archive, ui.published) if archive.config.languages else ()
    plan = plan_editions(editions, ui.by_language, status, store, previous)
    return PreparedSite(archive, editions, renderer, plan, ui, status)


def fingerprint_site(site: PreparedSite, engine: str) -> list[tuple[str, str | None]]:
    """(path, fingerprint) of every planned file, each page by its language's globals."""
    archives = {("" if edition.is_original else edition.language): edition.archive for edition in site.editions}
    groups: dict[str, list[OutputFile]] = {}
    for item in site.plan:
        groups.setdefault(item.language, []).append(item)
    planned: list[tuple[str, str | None]] = []
    for language, items in groups.items():
        planned += fingerprint_plan(items, site.renderer.for_language(language), archives[language], engine)
    return planned


def load(options: BuildOptions, store: Store, inputs: InputDigests, progress: Progress | None = None) -> Content:
    """Read and validate content/ (unchanged files come from the store)."""
    jobs = options.jobs or parallel.default_jobs()
    return load_content(
        options.root, options.content, base_url=options.base_url, drafts=options.drafts, memo=store,
        map_chunks=functools.partial(parallel.map_chunks, jobs=jobs),
        progress=(lambda done, total: progress("parsing", done, total)) if progress else None,
        preread=inputs.contents, digests=inputs.digests, reserved=RESERVED_NAMES, today=options.today,
    )


def check(renderer: SiteRenderer, plan: tuple[OutputFile, ...]) -> None:
    """Every template compiles and no two files share a path; raise BuildFailed if not."""
    problems = renderer.check_templates() + check_plan(plan)
    if problems:
        raise BuildFailed(problems)


def write(
    options: BuildOptions, store: Store, rows: RowStore, site: PreparedSite,
    record, inputs: str, staged: Callable[[], None], progress: Progress | None,
) -> tuple[WriteStats, IndexReport | None]:
    """Make the files whose fingerprint changed, index them, and swap the new site in."""
    jobs = options.jobs or parallel.default_jobs()
    archive, renderer, plan = site.archive, site.renderer, site.plan
    static = static_files(options.templates / "static")
    planned = fingerprint_site(site, store.engine)
    planned += [(".nojekyll", digest("empty"))] + [(path, digest("static", source.read_bytes())) for path, source in static]
    pages = Producer(
        renderer, plan, archive.briefs, Urls(archive.config.base_url), rows, store,
        functools.partial(parallel.iterate_shared, jobs=jobs), progress,
    )
    sources = dict(static)

    def produce(paths: list[str]):
        for path in paths:
            if path == ".nojekyll":
                yield path, b""
            elif path in sources:
                yield path, sources[path].read_bytes()
        yield from pages([p for p in paths if p != ".nojekyll" and p not in sources])

    indexed: list[IndexReport] = []  # filled by the finalize step, which runs inside the writer
    # Remembered with the output, so the next build can tell nothing changed.
    note = {"inputs": inputs, "briefs": len(archive.briefs), "index": ""}

    def index(stage: Path) -> None:
        indexed.append(write_search_index(stage, options.out / INDEX_FOLDER))
        note["index"] = _index_stamp(stage, options.search)

    # The kept staging folder's index stays for the indexer to reuse or replace.
    keep = () if options.search == "skip" else (INDEX_FOLDER,)
    finalize = index if options.search == "build" else None
    stats = write_output(options.out, planned, produce, record, finalize, keep=keep, note=note, ready=staged)
    rows.save()
    return stats, indexed[0] if indexed else None


@dataclass(frozen=True)
class CheckReport:
    """A valid archive, and the warnings found on the way."""

    archive: Archive
    warnings: tuple[Problem, ...] = ()
    status: tuple[LanguageStatus, ...] = ()  # every declared language's translations


def check_content(options: BuildOptions) -> CheckReport:
    """Load and validate all content and templates; write nothing."""
    content = load_content(options.root, options.content, base_url=options.base_url, drafts=options.drafts, reserved=RESERVED_NAMES, today=options.today)
    try:
        site = prepare_site(content, options, Store.memory())
    except BuildFailed as failure:
        raise BuildFailed([*failure.problems, *content.warnings]) from None
    problems = site.renderer.check_templates() + check_plan(site.plan)
    warnings = tuple(sorted((*content.warnings, *site.ui.warnings)))
    if problems:
        raise BuildFailed([*problems, *warnings])
    return CheckReport(site.archive, warnings, site.status)


def check_site(options: BuildOptions) -> Archive:
    """Load and validate all content and templates; write nothing."""
    return check_content(options).archive


def check_files(options: BuildOptions, paths: tuple[Path, ...]) -> CheckResult:
    """Validate only these brief or page files (plus cross-brief rules involving them)."""
    return check_selected(options.root, options.content, paths, reserved=RESERVED_NAMES, today=options.today)


@contextlib.contextmanager
def build_lock(options: BuildOptions, store: Store, on_wait: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """Hold the project's lock (its store) and the output folder's, in that order."""
    with contextlib.ExitStack() as held:
        if store.on_disk:
            held.enter_context(lock.exclusive(store.folder / "lock", options.wait, on_wait))  # type: ignore[operator]
        held.enter_context(lock.exclusive(output_lock_file(options.out), options.wait, on_wait))
        yield


def output_lock_file(out: Path) -> Path:
    """The lock file beside an output folder (e.g. .site.lock beside site/)."""
    return out.parent / f".{out.name}.lock"


def _settings(options: BuildOptions) -> tuple:
    """The options the output depends on, besides content/ and templates/."""
    indexer = version("pagefind_bin") if options.search == "build" else ""
    return (str(options.out.resolve()), options.base_url, options.drafts, options.search, indexer)


def _current_output(options: BuildOptions, record, inputs: str) -> tuple[int, int] | None:
    """(briefs, files) of the output if it was made from exactly these inputs and is intact."""
    found = output_note(options.out, record)
    if found is None:
        return None
    note, count = found
    if note.get("inputs") != inputs or note.get("index") != _index_stamp(options.out, options.search):
        return None
    briefs = note.get("briefs")
    return (briefs, count) if isinstance(briefs, int) else None


MOVED_NOTE = "content or templates changed while the build ran, so it kept no build cache"


def _inputs_moved(options: BuildOptions, inputs: InputDigests) -> bool:
    """Whether any input changed since the build's walk of them."""
    return inputs.moved((options.content, options.templates), _loose(options))


def _loose(options: BuildOptions) -> tuple[Path, ...]:
    """The input folders whose readers ignore editors' leftovers (the loader; the copier
    of theme files). Jinja would read a template of any name, so templates/ is not one."""
    return (options.content, options.templates / "static")


def _index_stamp(site: Path, search: str) -> str:
    """What identifies the search index in `site` (a damaged or missing one is noticed)."""
    return (index_stamp(site / INDEX_FOLDER) or "") if search == "build" else ""

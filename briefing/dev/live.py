"""The site `serve` keeps in memory: each save is applied to what the last build worked out.

Nothing is written to disk. A save of briefs re-reads only those files (everything else
comes from the last good build: parsed briefs, compiled templates, feed entries and the
brief pages whose inputs are the very same objects); any other save re-reads content/
as a build would, finding unchanged files in the store's memory. Pages are rendered when
a browser asks for them, from the latest good generation. A generation is immutable, so
a page being rendered while a save is applied is never a mix of two builds.
"""

from __future__ import annotations

import functools
import gc
import threading
from dataclasses import dataclass
from pathlib import Path

from ..build import BuildOptions, PreparedSite, check, prepare_site
from ..content.loader import Content, load_content, reload_briefs
from ..content.markdown_render import MarkdownRenderer
from ..errors import BuildFailed
from ..model import FileData
from ..output.produce import Producer, static_files
from ..output.render import SiteRenderer
from ..site.archive import Archive
from ..site.plan import OutputFile, check_plan
from ..site.urls import RESERVED_NAMES, Urls
from ..store.inputs import InputDigests
from ..store.parallel import default_jobs, iterate_shared, map_chunks
from ..store.rowstore import RowStore
from ..store.store import Store


@dataclass(frozen=True)
class Generation:
    """One good build, in memory: what each output path is and how to make it."""

    number: int
    archive: Archive
    plan: tuple[OutputFile, ...]
    files: dict[str, OutputFile]  # by output path
    static: dict[str, Path]  # output path -> theme file
    producer: Producer
    renderer: SiteRenderer
    site: "PreparedSite"  # what the generation was made from (every language's archive)

    @functools.cached_property
    def folders(self) -> frozenset[str]:
        """Every folder that holds a file, e.g. 'briefs' (worked out when first asked)."""
        return _folders([*self.files, *self.static])

    def has(self, path: str) -> bool:
        """Whether `path` (relative to the site) is a file of this generation."""
        return path in self.files or path in self.static or path == ".nojekyll"

    def make(self, path: str) -> FileData:
        """The bytes of one file of this generation (pages are rendered now)."""
        if path in self.static:
            return self.static[path].read_bytes()
        if path == ".nojekyll":
            return b""
        return self.producer.render(self.files[path])


class LiveSite:
    """Applies saves to the site in memory; `current` is the latest good generation."""

    def __init__(self, options: BuildOptions, store: Store):
        self.options = options
        self.store = store
        self.current: Generation | None = None
        self._content: Content | None = None  # of the current generation
        self._inputs: InputDigests | None = None  # the last walk of content/ and templates/
        self._templates = ""  # digest of templates/ as last read
        self._checked = ""  # the templates digest the last template check passed for
        self._rows = RowStore(Store.memory())  # encoded rows, by brief, for the downloads
        self._markdown = MarkdownRenderer()
        self._lock = threading.Lock()  # one rebuild at a time

    def rebuild(self, changed: tuple[str, ...] | None = None) -> Generation:
        """Apply the saves of `changed` paths (None: anything may have changed); raise
        BuildFailed (the current generation stays) or return the new current generation."""
        with self._lock:
            collecting = gc.isenabled()
            gc.disable()  # a few hundred thousand new objects, none of them garbage yet
            try:
                briefs = self._changed_briefs(changed)
                content = self._reread(briefs) if briefs is not None else self._reload()
                generation = self._generation(content)
            finally:
                if collecting:
                    gc.enable()
            self._content, self.current = content, generation
            return generation

    def _changed_briefs(self, changed: tuple[str, ...] | None) -> dict[str, tuple[str, bytes]] | None:
        """When every change is an edit of a brief file the last good build read, those
        files (name -> digest and bytes); else None (read everything)."""
        if changed is None or self._content is None or self._inputs is None or not changed:
            return None
        root = self.options.root.resolve()
        briefs_folder = (self.options.content / "briefs").resolve()
        index = self._content.index
        known = index.positions if index is not None else {brief.path for brief in self._content.parsed}
        found: dict[str, tuple[str, bytes]] = {}
        for path in changed:
            absolute = Path(path)
            if not absolute.is_relative_to(briefs_folder) or absolute.suffix != ".md":
                return None
            name = absolute.relative_to(root).as_posix()
            if name not in known:
                return None  # a new or formerly broken brief: read everything
            digest, data = self._inputs.read_again(str(self.options.root / name))
            if data is None:
                return None  # gone, a link or not a regular file any more
            found[name] = (digest, data)
        return found

    def _reread(self, briefs: dict[str, tuple[str, bytes]]) -> Content:
        assert self._content is not None
        return reload_briefs(self._content, briefs, self.options.root, self.options.content, self.store, self.options.drafts, self._markdown)

    def _reload(self) -> Content:
        options = self.options
        inputs = InputDigests(self.store, remembered=self._inputs)
        self._templates = inputs.digest((options.templates,), "templates", (options.templates / "static",))
        inputs.digest((options.content,), "content", (options.content,))
        jobs = options.jobs or default_jobs()
        content = load_content(
            options.root, options.content, base_url=options.base_url, drafts=options.drafts, memo=self.store,
            map_chunks=functools.partial(map_chunks, jobs=jobs), preread=inputs.contents,
            digests=inputs.digests, reserved=RESERVED_NAMES,
        )
        inputs.contents.clear()
        self._inputs = inputs
        return content

    def _generation(self, content: Content) -> Generation:
        current = self.current
        site = prepare_site(content, self.options, self.store, current.files if current else None, current.archive if current else None)
        archive, renderer, plan = site.archive, site.renderer, site.plan
        urls = Urls(archive.config.base_url)
        if self._checked != self._templates:
            check(renderer, plan)  # templates compile: needed only when they changed
            self._checked = self._templates
        else:
            problems = check_plan(plan)
            if problems:
                raise BuildFailed(problems)
        producer = Producer(renderer, plan, archive.briefs, urls, self._rows, self.store, functools.partial(iterate_shared, jobs=1))
        static = dict(static_files(self.options.templates / "static"))
        files = {item.path: item for item in plan}
        number = self.current.number + 1 if self.current else 1
        return Generation(number, archive, plan, files, static, producer, renderer, site)


def _folders(paths: list[str]) -> frozenset[str]:
    folders = set()
    for path in paths:
        while "/" in path:
            path = path.rsplit("/", 1)[0]
            if path in folders:
                break
            folders.add(path)
    return frozenset(folders)


def site_path(base_path: str, request_path: str) -> str | None:
    """The site-relative path a request path asks for ('' for the home page), or None if it
    is outside the base path or not a clean path (dot segments, '//', encoded separators)."""
    from urllib.parse import unquote

    if not request_path.startswith(base_path):
        return None
    parts = []
    segments = request_path[len(base_path):].split("/")
    for index, segment in enumerate(segments):
        try:
            name = unquote(segment, errors="strict")
        except UnicodeDecodeError:
            return None
        if name == "":
            if index != len(segments) - 1:
                return None  # '//' would make the rest an absolute path
            continue
        if name in (".", "..") or any(c in name for c in "/\\\x00") or ":" in name:
            return None
        parts.append(name)
    return "/".join(parts) + ("/" if request_path.endswith("/") and parts else "")


def output_file_for(relative: str) -> str:
    """The output file that serves a site-relative request path."""
    return relative + "index.html" if relative == "" or relative.endswith("/") else relative

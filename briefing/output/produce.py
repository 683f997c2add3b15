"""Make the bytes of planned files: pages through Jinja, data downloads from encoded rows.

Pages are rendered on every core for big batches (workers inherit the template
environment, which cannot be pickled); the downloads are one encoded row per brief,
kept between builds by the row store, so an edit encodes one row and the rest are
copied by the kernel (see model.Span).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..content.layout import TOOL_FOLDERS, is_leftover
from ..model import FileData, Memo
from ..site.exports import encode_chunk, join_rows
from ..site.plan import OutputFile
from ..site.urls import Urls
from .render import TemplateRenderer

# iterate_shared(function, shared, indices, progress=..., chunks_per_worker=...) -> results in order
IterateShared = Callable[..., Iterable[Any]]
Progress = Callable[[str, int, int], None]
# Chunks a render worker takes before a fresh one replaces it: a forked worker that reads
# the whole archive slowly becomes a private copy of it (see store/parallel.py).
RENDER_CHUNKS_PER_WORKER = 8


def static_files(folder: Path) -> list[tuple[str, Path]]:
    """(output path, source) of every theme file under templates/static/, sorted; links are
    not followed, and editors' leftovers and tools' folders (.git) are not published."""
    if not folder.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in TOOL_FOLDERS and not Path(dirpath, d).is_symlink())
        for name in sorted(filenames):
            source = Path(dirpath, name)
            if not source.is_symlink() and name not in TOOL_FOLDERS and not is_leftover(name):
                found.append(("static/" + source.relative_to(folder).as_posix(), source))
    return sorted(found)


class Producer:
    """produce(paths) -> (path, bytes or parts) of those planned files, pages in path order."""

    def __init__(
        self, renderer: TemplateRenderer, plan: Sequence[OutputFile], briefs: tuple, urls: Urls,
        rows: Any, memo: Memo | None, iterate_shared: IterateShared, progress: Progress | None = None,
    ):
        self._renderer = renderer
        self._plan = plan
        self._index = {item.path: i for i, item in enumerate(plan)}
        self._briefs = briefs
        self._urls = urls
        self._rows = rows  # store/rowstore.RowStore
        self._memo = memo
        self._iterate = iterate_shared
        self._progress = progress
        self._encoded: list[tuple[Any, Any]] | None = None

    def __call__(self, paths: list[str]) -> Iterable[tuple[str, FileData]]:
        pages = []
        for path in paths:
            item = self._plan[self._index[path]]
            if item.data is not None:
                yield path, item.data
            elif item.rows:
                yield path, self.download(item)
            else:
                pages.append(self._index[path])
        on_chunk = (lambda done, total: self._progress("rendering", done, total)) if self._progress else None
        yield from self._iterate(_render_chunk, (self._renderer, self._plan), pages, progress=on_chunk, chunks_per_worker=RENDER_CHUNKS_PER_WORKER)

    def render(self, item: OutputFile) -> FileData:
        """One planned file, made in this process (e.g. for a dev server's request)."""
        if item.data is not None:
            return item.data
        if item.rows:
            return self.download(item)
        return self._renderer.render(item).encode("utf-8")

    def download(self, item: OutputFile) -> FileData:
        """A data download: its frame around every brief's row, newest first."""
        position = 0 if item.rows == "json" else 1
        return join_rows(item.rows, item.frame, [row[position] for row in self._encoded_rows()])

    def _encoded_rows(self) -> list[tuple[Any, Any]]:
        """(JSON record, CSV row) of every brief: from the row store when the brief is
        unchanged, else encoded now (on every core) and kept there."""
        if self._encoded is None:
            briefs, urls, memo = self._briefs, self._urls, self._memo
            keys = [memo.key("export-rows", urls.base_url, b.fingerprint) if memo is not None and b.fingerprint else "" for b in briefs]
            rows: list[Any] = [self._rows.get(key) if key else None for key in keys]
            missing = [i for i, row in enumerate(rows) if row is None]
            for i, encoded in zip(missing, self._iterate(encode_chunk, (briefs, urls), missing)):
                rows[i] = self._rows.put(keys[i], *encoded) if keys[i] else encoded
            self._rows.flush()  # every appended row readable from its file before it is copied
            self._encoded = rows
        return self._encoded


def _render_chunk(shared: tuple[TemplateRenderer, Sequence[OutputFile]], indices: Sequence[int]) -> list[tuple[str, bytes]]:
    renderer, plan = shared
    return [(plan[i].path, renderer.render(plan[i]).encode("utf-8")) for i in indices]

"""Watch source folders for saves (the only module that uses watchdog).

Events are filtered (editor temp and swap files, reads, folder timestamps) and gathered
until the folders stay quiet for a moment, so one save or a burst of saves is one batch.
A file being written may go quiet half-way; once every changed file is known to be
complete (closed after writing, moved into place or deleted), a much shorter quiet ends
the batch, so a save starts its rebuild at once.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path, PurePath
from typing import Iterable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from ..content.layout import is_leftover, is_tool_path

# Opening or reading a file (which every build does) must not trigger a rebuild.
_CHANGE_KINDS = frozenset({"created", "modified", "deleted", "moved"})
# Changes that leave a path complete: nothing is half-written after them.
_COMPLETE_KINDS = frozenset({"deleted", "moved"})
# The quiet that ends a batch whose files are all complete: enough for the other events
# of the same save (an editor's rename and its folder's) to arrive.
SETTLED_QUIET = 0.003


def is_ignored(path: str | PurePath) -> bool:
    """Whether a changed path is an editor temp/swap file or inside a tool's folder."""
    return is_tool_path(path) or is_leftover(PurePath(path).name)


def changed_paths(event: FileSystemEvent) -> tuple[str, ...]:
    """The paths of an event that count as a change to the sources (empty if none)."""
    if event.event_type not in _CHANGE_KINDS:
        return ()
    if event.is_directory and event.event_type == "modified":
        return ()  # a folder's timestamp moves whenever a file in it changes
    paths = [event.src_path, getattr(event, "dest_path", "") or ""]
    return tuple(str(p) for p in paths if p and not is_ignored(str(p)))


class _Collector(FileSystemEventHandler):
    def __init__(self, watcher: "SourceWatcher"):
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type == "closed":  # closed after writing (inotify only)
            if not is_ignored(str(event.src_path)):
                self.watcher.closed(str(event.src_path))
            return
        paths = changed_paths(event)
        if paths:
            complete = event.is_directory or event.event_type in _COMPLETE_KINDS
            self.watcher.notify(paths, complete=complete)


class SourceWatcher:
    """Watches folders recursively and hands out debounced batches of changed paths."""

    def __init__(self, folders: Iterable[Path], *, poll: bool = False, interval: float = 1.0):
        self.folders = tuple(dict.fromkeys(f.resolve() for f in folders))
        self.observer = PollingObserver(timeout=interval) if poll else Observer()
        self._pending: dict[str, None] = {}
        self._writing: set[str] = set()  # pending paths not yet known to be complete
        self._last_event = 0.0
        self._changed = threading.Condition()

    def start(self) -> None:
        """Start watching every existing folder."""
        handler = _Collector(self)
        for folder in self.folders:
            if folder.is_dir():
                self.observer.schedule(handler, str(folder), recursive=True)
        self.observer.start()

    def stop(self) -> None:
        """Stop watching and wake anyone waiting for changes."""
        self.observer.stop()
        with self._changed:
            self._changed.notify_all()
        if self.observer.is_alive():
            self.observer.join(timeout=5)

    def notify(self, paths: Iterable[str], complete: bool = False) -> None:
        """Record changed paths (called from the observer's thread); `complete` when the
        change leaves nothing half-written (a deletion, a rename into place)."""
        with self._changed:
            for path in paths:
                self._pending[path] = None
                if complete:
                    self._writing.discard(path)
                else:
                    self._writing.add(path)
            self._last_event = time.monotonic()
            self._changed.notify_all()

    def closed(self, path: str) -> None:
        """A changed file was closed after writing: it is complete (observer's thread)."""
        with self._changed:
            if path in self._pending:
                self._writing.discard(path)
                self._last_event = time.monotonic()
                self._changed.notify_all()

    def wait_for_changes(self, quiet: float, stopped: threading.Event) -> tuple[str, ...]:
        """Block until paths changed and then `quiet` seconds passed without another event
        (SETTLED_QUIET, when every changed file is complete).

        Returns the changed paths in the order first seen, or () once `stopped` is set;
        a burst that goes on for long is cut into batches.
        """
        with self._changed:
            while not self._pending:
                if stopped.is_set():
                    return ()
                self._changed.wait(timeout=0.2)
            # A file that never stops changing (a log, a long copy) still gets a build.
            deadline = time.monotonic() + max(2.0, 20 * quiet)
            while not stopped.is_set():
                wait = quiet if self._writing else min(quiet, SETTLED_QUIET)
                remaining = min(self._last_event + wait, deadline) - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(timeout=remaining)
            if stopped.is_set():
                return ()
            batch = tuple(self._pending)
            self._pending.clear()
            self._writing.clear()
            return batch

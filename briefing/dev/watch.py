"""Watch source folders for saves (the only module that uses watchdog).

Events are filtered (editor temp and swap files, reads, folder timestamps) and gathered
until the folders stay quiet for a moment, so one save or a burst of saves is one batch.
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
        paths = changed_paths(event)
        if paths:
            self.watcher.notify(paths)


class SourceWatcher:
    """Watches folders recursively and hands out debounced batches of changed paths."""

    def __init__(self, folders: Iterable[Path], *, poll: bool = False, interval: float = 1.0):
        self.folders = tuple(dict.fromkeys(f.resolve() for f in folders))
        self.observer = PollingObserver(timeout=interval) if poll else Observer()
        self._pending: dict[str, None] = {}
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

    def notify(self, paths: Iterable[str]) -> None:
        """Record changed paths (called from the observer's thread)."""
        with self._changed:
            self._pending.update(dict.fromkeys(paths))
            self._last_event = time.monotonic()
            self._changed.notify_all()

    def wait_for_changes(self, quiet: float, stopped: threading.Event) -> tuple[str, ...]:
        """Block until paths changed and then `quiet` seconds passed without another event.

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
                remaining = min(self._last_event + quiet, deadline) - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(timeout=remaining)
            if stopped.is_set():
                return ()
            batch = tuple(self._pending)
            self._pending.clear()
            return batch

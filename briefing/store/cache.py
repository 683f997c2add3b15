"""A persistent cache of parsed and rendered briefs, so unchanged briefs cost nothing.

Entries are keyed by a hash of the file's path and text plus everything else the result
depends on (engine and dependency versions, vocabulary, limits). The store is a few pickle
files (shards by key) whose SHA-256 is checked before unpickling: a corrupt, truncated or
foreign file is ignored and rebuilt, never trusted. It lives under the project root, never
in site/.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.metadata
import os
import pickle
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable

from .. import ENGINE_VERSION
from ..hashing import digest

CACHE_FOLDER = ".cache/briefing"
SHARDS = 16  # store files; an edit rewrites only the ones holding changed entries
_HEX = frozenset("0123456789abcdef")
_FORMAT = b"briefing-cache-2\n"
# Libraries whose output ends up in pages: a new version may change it.
DEPENDENCIES = ("markdown", "nh3", "pyyaml", "jinja2")


def dependency_versions() -> tuple[tuple[str, str], ...]:
    """(name, installed version) of every library the output depends on."""
    versions = []
    for name in DEPENDENCIES:
        try:
            versions.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            versions.append((name, "missing"))
    return tuple(versions)


def parse_key(engine_version: str, versions: Iterable[tuple[str, str]], *inputs: Any) -> str:
    """Key of everything a parsed file depends on besides its own text."""
    return digest("parse", engine_version, tuple(versions), *inputs)


class BriefCache:
    """Parsed results by key: in memory for a long-lived process, optionally on disk.

    `serve` can keep one object across rebuilds; `build` loads it from disk, uses it and
    saves it back only when something changed.
    """

    def __init__(self, folder: Path | None = None):
        self.folder = folder
        self._entries: dict[str, Any] = {}
        self._used: set[str] = set()
        self._dirty: set[int] = set()  # shards to write
        self._loaded = False
        self._reader: threading.Thread | None = None  # reading the store in the background
        self._read: list[memoryview] | None = None  # the checked shards it read, once complete
        self._stop = threading.Event()
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_root(cls, root: Path) -> "BriefCache":
        """The cache of a project: ROOT/.cache/briefing/."""
        return cls(root / CACHE_FOLDER)

    def shard_files(self) -> list[Path]:
        """The store's files (one per shard), whether or not they exist yet."""
        return [self.folder / f"briefs-{number:x}.pickle" for number in range(SHARDS)] if self.folder else []

    def load(self) -> None:
        """Read the store from disk once; any unreadable or corrupt shard is dropped."""
        if self._loaded:
            return
        self._loaded = True
        if self._reader is not None:
            self._reader.join()
        payloads = self._read if self._read is not None else self._read_shards()
        # Unpickling makes hundreds of thousands of objects, none of them garbage: the
        # collector would walk them over and over as they arrive (half the time at 10,000).
        collecting = gc.isenabled()
        gc.disable()
        try:
            for payload in payloads:
                self._entries.update(_unpickle(payload) or {})
        finally:
            if collecting:
                gc.enable()
        # Kept for the whole build (or server): later collections need not walk them again.
        gc.freeze()
        self._reader = self._read = None

    def load_in_background(self) -> None:
        """Start reading and checking the shards in a thread; `load` waits for it.

        Reading and hashing release the interpreter lock, so they run beside the caller's
        work; unpickling, which holds it, is left to `load`. `stop_loading` abandons the
        read (e.g. when the build has nothing to do).
        """
        if self._loaded or self._reader is not None or self.folder is None:
            return
        self._reader = threading.Thread(target=self._read_in_background, name="cache", daemon=True)
        self._reader.start()

    def stop_loading(self) -> None:
        """Abandon a background read after its current shard; a later `load` starts again."""
        self._stop.set()

    def _read_in_background(self) -> None:
        payloads = self._read_shards()
        self._read = None if self._stop.is_set() else payloads

    def _read_shards(self) -> list[memoryview]:
        """The checked payload of every shard that is intact."""
        payloads = []
        for path in self.shard_files():
            if self._stop.is_set() and threading.current_thread() is self._reader:
                break
            payload = read_checked(path, _FORMAT)
            if payload is not None:
                payloads.append(payload)
        return payloads

    def get(self, key: str, counted: bool = True) -> Any:
        """The entry for `key`, or None; `counted` lookups add to hits and misses."""
        self.load()
        value = self._entries.get(key)
        if value is not None:
            self._used.add(key)
        if counted:
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
        return value

    def derived(self, salt: str) -> "DerivedView":
        """The same store for values derived from parsed briefs (e.g. encoded export rows),
        kept out of the hit and miss counts, which count parsed files. `salt` goes into
        every key: the digest of the engine code that derives them."""
        return DerivedView(self, salt)

    def put(self, key: str, value: Any) -> None:
        """Remember `value` under `key`."""
        self.load()
        self._entries[key] = value
        self._used.add(key)
        self._dirty.add(_shard(key))

    def save(self) -> None:
        """Write the shards that changed, keeping only the entries this build used.

        One edited brief rewrites one or two shards, not the whole store.
        """
        for key in set(self._entries) - self._used:
            # Entries of deleted or edited files would otherwise pile up forever.
            del self._entries[key]
            self._dirty.add(_shard(key))
        self._used = set()
        if self.folder is None or not self._dirty:
            return
        shards: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for key, value in self._entries.items():
            shards[_shard(key)][key] = value
        dirty, self._dirty = sorted(self._dirty), set()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "briefs.pickle").unlink(missing_ok=True)  # the older one-file store
            for number in dirty:
                write_checked(self.shard_files()[number], _FORMAT, pickle.dumps(shards[number], protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a cache that cannot be written only makes the next build slower


def _shard(key: str) -> int:
    # Keys are hex digests: their first digit spreads them evenly.
    return int(key[0], 16) % SHARDS if key[:1] in _HEX else 0


class DerivedView:
    """get/put on a BriefCache without counting (see BriefCache.derived)."""

    def __init__(self, cache: BriefCache, salt: str):
        self._cache = cache
        self._salt = salt

    def get(self, key: str) -> Any:
        """The entry for `key`, or None."""
        return self._cache.get(digest(self._salt, key), counted=False)

    def put(self, key: str, value: Any) -> None:
        """Remember `value` under `key`."""
        self._cache.put(digest(self._salt, key), value)


def write_checked(path: Path, form: bytes, payload: bytes) -> None:
    """Write `payload` atomically after a header: `form` (a format line) and its SHA-256."""
    # Parts, not one joined copy: a shard can be tens of MB for a large archive.
    _write_atomically(path, [form + hashlib.sha256(payload).hexdigest().encode("ascii") + b"\n", payload])


def read_checked(path: Path, form: bytes) -> memoryview | None:
    """The payload write_checked wrote to `path` in format `form`; None if it is missing,
    another format, truncated or damaged (so it is never trusted)."""
    try:
        return _checked(path.read_bytes(), form)
    except OSError:
        return None


def _checked(blob: bytes, form: bytes) -> memoryview | None:
    # The hash is checked before the payload is used (e.g. unpickled).
    if not blob.startswith(form):
        return None
    header_end = len(form) + 65
    expected, payload = blob[len(form) : header_end - 1], memoryview(blob)[header_end:]  # no copy
    if blob[header_end - 1 : header_end] != b"\n" or hashlib.sha256(payload).hexdigest().encode("ascii") != expected:
        return None
    return payload


def _unpickle(payload: memoryview) -> dict[str, Any] | None:
    try:
        entries = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - e.g. a class renamed since the cache was written
        return None
    return entries if isinstance(entries, dict) else None


def _write_atomically(path: Path, parts: list[bytes]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            for part in parts:
                stream.write(part)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


__all__ = ["BriefCache", "CACHE_FOLDER", "ENGINE_VERSION", "dependency_versions", "digest", "parse_key", "read_checked", "write_checked"]

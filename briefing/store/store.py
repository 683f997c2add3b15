"""The one store of everything a build keeps between runs: keys, authenticated files, entries.

One key rule: `key(kind, *inputs)` digests the engine (its source, libraries, Python; see
engine.py) with the inputs a value was made from, so no cached value outlives a change to
either. Every file is written atomically and carries an HMAC under a secret kept outside
the project (in the user's cache folder): a file that a checkout or pull request supplies,
or that was damaged, fails the check and is rebuilt, never unpickled or trusted. Without
a usable folder or secret the store lives in memory only and builds just take longer.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import hashlib
import hmac
import json
import os
import pickle
import secrets
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any, Iterable

from ..hashing import digest
from .engine import engine_digest

CACHE_FOLDER = ".cache/briefing"
SHARDS = 16  # entry files; an edit rewrites only the ones holding changed entries
_FORMAT = b"briefing-store-2\n"
_MAC_HEX = 64
_HEX = frozenset("0123456789abcdef")
KEY_FILE_ENV = "BRIEFING_STORE_KEY"  # where the secret lives (default: the user's cache folder)


class Store:
    """Cached values by key, in memory for one process and, when possible, on disk.

    `get`/`put` hold parsed files and derived values (related briefs, template
    dependencies, compiled templates); `read_file`/`write_file` hold whole files for the
    other parts of the store (input digests, output records, row index). `save` writes
    back the entries that changed and drops those this run did not use.
    """

    def __init__(self, folder: Path | None = None, secret: bytes | None = None, why_memory: str = ""):
        self.folder = folder if secret else None
        self._secret = secret
        self.why_memory = why_memory if self.folder is None else ""
        self.engine = engine_digest()
        self._entries: dict[str, Any] = {}
        self._used: set[str] = set()
        self._dirty: set[int] = set()
        self._loaded = self.folder is None
        self._reader: threading.Thread | None = None
        self._read: list[memoryview] | None = None
        self._stop = threading.Event()
        self.hits = 0  # counted lookups (parsed files) found
        self.misses = 0
        self.unsaved = ""  # why something could not be written, e.g. a full disk

    @classmethod
    def open(cls, root: Path, folder: Path | None = None) -> "Store":
        """The store of the project at `root` (in `folder`, by default ROOT/.cache/briefing/),
        or a memory-only one when that folder or this user's key cannot be used."""
        folder = folder or root / CACHE_FOLDER
        problem = unsafe_folder(root, folder)
        if problem:
            return cls(why_memory=problem)
        secret, problem = _secret(root)
        if secret is None:
            return cls(why_memory=problem)
        return cls(folder, secret)

    @classmethod
    def memory(cls) -> "Store":
        """A store that keeps nothing on disk (build --no-cache, tests)."""
        return cls(why_memory="--no-cache")

    @property
    def on_disk(self) -> bool:
        """Whether values survive this process."""
        return self.folder is not None

    # --- keys ------------------------------------------------------------------------

    def key(self, kind: str, *inputs: Any) -> str:
        """The key of a value of `kind` made from `inputs` by this engine."""
        return digest(kind, self.engine, *inputs)

    # --- entries ---------------------------------------------------------------------

    def get(self, key: str, counted: bool = False) -> Any:
        """The value kept under `key`, or None; `counted` lookups add to hits and misses."""
        self._load()
        value = self._entries.get(key)
        if value is not None:
            self._used.add(key)
        if counted:
            if value is None:
                self.misses += 1
            else:
                self.hits += 1
        return value

    def put(self, key: str, value: Any) -> None:
        """Keep `value` under `key`."""
        self._load()
        self._entries[key] = value
        self._used.add(key)
        self._dirty.add(_shard(key))

    def load_in_background(self) -> None:
        """Start reading and checking the entry files in a thread; the first `get` waits.

        Reading and hashing release the interpreter lock, so they overlap the caller's
        work; unpickling, which holds it, is left to the first `get`.
        """
        if self._loaded or self._reader is not None:
            return
        self._reader = threading.Thread(target=self._read_in_background, name="store", daemon=True)
        self._reader.start()

    def stop_loading(self) -> None:
        """Abandon a background read after its current file (e.g. nothing to build)."""
        self._stop.set()

    def save(self) -> None:
        """Write the entry files that changed, keeping only the entries this run used."""
        self._load()
        for key in set(self._entries) - self._used:
            del self._entries[key]  # entries of deleted or edited files would pile up forever
            self._dirty.add(_shard(key))
        self._used = set()
        if self.folder is None or not self._dirty:
            return
        shards: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
        for key, value in self._entries.items():
            shards[_shard(key)][key] = value
        dirty, self._dirty = sorted(self._dirty), set()
        for number in dirty:
            self.write_file(_shard_name(number), pickle.dumps(shards[number], protocol=pickle.HIGHEST_PROTOCOL))

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self._reader is not None:
            self._reader.join()
        payloads = self._read if self._read is not None else self._read_shards()
        # Unpickling makes hundreds of thousands of objects, none of them garbage: the
        # collector would walk them over and over as they arrive.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for payload in payloads:
                self._entries.update(_unpickle(payload))
        finally:
            if collecting:
                gc.enable()
        gc.freeze()  # kept for the whole run: later collections need not walk them again
        self._reader = self._read = None

    def _read_in_background(self) -> None:
        payloads = self._read_shards()
        self._read = None if self._stop.is_set() else payloads

    def _read_shards(self) -> list[memoryview]:
        payloads = []
        for number in range(SHARDS):
            if self._stop.is_set() and threading.current_thread() is self._reader:
                break
            payload = self.read_file(_shard_name(number))
            if payload is not None:
                payloads.append(payload)
        return payloads

    def record(self, name: str) -> "StoredRecord":
        """A JSON state kept under `name` (e.g. what an output folder holds)."""
        return StoredRecord(self, name + ".bin")

    # --- authenticated files ---------------------------------------------------------

    def read_file(self, name: str) -> memoryview | None:
        """The payload last written under `name` by this machine; None if it is missing,
        from elsewhere (another key, a checkout), truncated or damaged."""
        if self.folder is None:
            return None
        try:
            fd = os.open(self.folder / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as stream:
                if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                    return None
                blob = stream.read()
        except OSError:
            return None
        return self._verified(name, blob)

    def write_file(self, name: str, payload: bytes | Iterable[bytes]) -> bool:
        """Write `payload` (bytes, or parts in order) under `name` atomically; False if the
        disk refused, noted in `unsaved` (a store that cannot be written only makes the next
        build slower)."""
        if self.folder is None:
            return False
        parts = [payload] if isinstance(payload, (bytes, bytearray, memoryview)) else list(payload)
        mac = hmac.new(self._secret, name.encode() + b"\0", hashlib.sha256)  # type: ignore[arg-type]
        for part in parts:
            mac.update(part)
        header = _FORMAT + mac.hexdigest().encode("ascii") + b"\n"
        problem = write_atomically(self.folder / name, [header, *parts])
        if problem:
            self.unsaved = self.unsaved or problem
        return not problem

    def _verified(self, name: str, blob: bytes) -> memoryview | None:
        start = len(_FORMAT) + _MAC_HEX + 1
        if not blob.startswith(_FORMAT) or blob[start - 1 : start] != b"\n":
            return None
        payload = memoryview(blob)[start:]  # no copy: a shard can be tens of MB
        mac = hmac.new(self._secret, name.encode() + b"\0", hashlib.sha256)  # type: ignore[arg-type]
        mac.update(payload)
        if not hmac.compare_digest(mac.hexdigest().encode("ascii"), blob[len(_FORMAT) : start - 1]):
            return None
        return payload


class StoredRecord:
    """Plain JSON data kept in one authenticated file of a store (in memory without disk)."""

    def __init__(self, store: Store, name: str):
        self.persistent = store.on_disk
        self._store = store
        self._name = name
        self._memory: dict = {}

    def load(self) -> dict:
        """The state last saved, or {} (missing, damaged or foreign: nothing is trusted)."""
        if not self.persistent:
            return self._memory
        payload = self._store.read_file(self._name)
        try:
            state = json.loads(bytes(payload)) if payload is not None else {}
        except ValueError:
            return {}
        return state if isinstance(state, dict) else {}

    def forget(self) -> None:
        """Drop what was remembered (removing a file needs no free space); raise OSError
        if even that is refused."""
        self._memory = {}
        if self.persistent:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._store.folder / self._name)  # type: ignore[operator]

    def save(self, state: dict) -> None:
        """Remember `state` (plain JSON data); raise OSError if the disk refuses."""
        if not self.persistent:
            self._memory = state
            return
        # dumps, not dump: only a one-shot encode uses the C encoder (a 14,000-file manifest).
        if not self._store.write_file(self._name, json.dumps(state, sort_keys=True, separators=(",", ":")).encode("utf-8")):
            # The writer must know: a record it could not update may vouch for a folder it changes.
            raise OSError(errno.ENOSPC, f"cannot save {self._name} in the build cache")


def write_atomically(path: Path, parts: list) -> str:
    """Write `parts` to a new file and rename it over `path`; '' on success, else why not
    (e.g. a full disk), with no file left behind."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        with os.fdopen(handle, "wb") as stream:
            for part in parts:
                stream.write(part)
        os.replace(temporary, path)
        return ""
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        return exc.strerror or str(exc)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def unsafe_folder(root: Path, folder: Path) -> str:
    """Why `folder` (under `root`) cannot hold a store, or '' after making it if needed.

    Every part of its path inside the project must be a real folder of this user: a link
    planted by a checkout could send the store's writes anywhere.
    """
    try:
        relative = folder.relative_to(root)
    except ValueError:
        relative = None
    current = root if relative is not None else folder.parent
    for part in (relative.parts if relative is not None else (folder.name,)):
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            try:
                os.mkdir(current, 0o700)
                info = os.lstat(current)
            except OSError as exc:
                return f"cannot create {current} ({exc.strerror or exc})"
        except OSError as exc:
            return f"cannot use {current} ({exc.strerror or exc})"
        if not stat.S_ISDIR(info.st_mode):
            return f"{current} is a link or not a folder"
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            return f"{current} belongs to another user"
    return ""


def _secret(root: Path) -> tuple[bytes | None, str]:
    """This user's store key (made on first use), kept outside every project."""
    path = Path(os.environ.get(KEY_FILE_ENV) or _default_key_file())
    try:
        if path.resolve().is_relative_to(root.resolve()):
            return None, f"the store key {path} lies inside the project"
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.path.lexists(path):
            # Written whole, then linked into place: a build starting at the same moment
            # sees either no key or the complete one, and only one key ever wins.
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(secrets.token_bytes(32))
                os.link(temporary, path)
            except FileExistsError:
                pass
            finally:
                os.unlink(temporary)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as stream:
            info = os.fstat(stream.fileno())
            secret = stream.read(64)
    except OSError as exc:
        return None, f"no store key ({exc.strerror or exc})"
    if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or len(secret) < 32:
        return None, f"the store key {path} is not a private file of 32 bytes"
    return secret, ""


def _default_key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "briefing" / "store.key"


def _shard(key: str) -> int:
    # Keys are hex digests: their first digit spreads them evenly.
    return int(key[0], 16) % SHARDS if key[:1] in _HEX else 0


def _shard_name(number: int) -> str:
    return f"entries-{number:x}.bin"


def _unpickle(payload: memoryview) -> dict[str, Any]:
    # Only payloads this machine wrote get here (see read_file).
    try:
        entries = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - e.g. a class renamed since the store was written
        return {}
    return entries if isinstance(entries, dict) else {}

"""The digest of a build's inputs, reading only the files that changed since the last build.

Every file under content/ and templates/ is part of the digest (path and bytes). Reading
10,000 briefs to find the one that changed costs more than the rest of a rebuild, so each
file's digest is remembered with its identity (device, inode, size, modification and change
times). A file whose identity is unchanged is not read again. A file changed within the
last seconds is not remembered (the clock may not tick between two writes).

Nothing is opened before it is known to be a regular file of a bounded size: a link is
digested by where it points (a linked folder too, though it is not walked), a pipe, device
or huge file by its identity, so a link to an endless file cannot stall the walk.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..content.layout import TOOL_FOLDERS, is_leftover
from .store import Store

KEEP_BYTES = 4 * 1024 * 1024  # larger files are never read here (the loader refuses them)
_MEMO = "inputs.bin"
_SETTLED_NS = 2_000_000_000  # a file changed more recently than this may change again unseen


class InputDigests:
    """What a walk of the inputs found: each file's digest, and the bytes it had to read.

    `contents` (by path) holds the bytes of the regular files that were read, so the build
    parses exactly the bytes it digested; `digests` has every file.
    """

    def __init__(self, store: Store, remembered: "InputDigests | None" = None):
        """`remembered`: an earlier walk of this process (e.g. serve's last rebuild) whose
        identities stand in for the memo on disk."""
        self.store = store
        self.digests: dict[str, str] = {}
        self.contents: dict[str, bytes] = {}
        self._known = remembered._remember if remembered is not None else _load_memo(store)
        self._remember: dict[str, list] = {}
        self._seen: dict[str, tuple | None] = {}  # every entry's identity as the walk found it
        self._settled = 0

    def digest(self, folders: Sequence[Path], settings: Any, loose: Sequence[Path] = ()) -> str:
        """Digest of every file under `folders` (path and bytes), `settings` and the engine;
        under the `loose` folders, editors' leftovers and tools' folders (.git) are left
        out, as whatever reads those folders ignores them (the loader, the theme copier).

        Two builds with the same input digest make the same output, so a build whose inputs
        match the ones the current output was made from has nothing to do.
        """
        self._settled = settled = time.time_ns() - _SETTLED_NS
        h = hashlib.blake2b(self.store.engine.encode() + repr(settings).encode(), digest_size=20)
        for folder in folders:
            top = str(folder)
            h.update(b"\0folder\0" + top.encode("utf-8", "surrogateescape"))
            for path, relative in _entries(top, loose):
                h.update(len(relative).to_bytes(8, "little") + relative)
                h.update(self._file_digest(path, top, settled).encode())
        return h.hexdigest()

    def moved(self, folders: Sequence[Path], loose: Sequence[Path] = ()) -> bool:
        """Whether anything under `folders` changed since `digest` walked them: a file
        added, removed or written (its identity moved, even if its bytes came back), or one
        changed within the seconds before the walk whose bytes differ now (the clock may
        not have ticked)."""
        walked = dict.fromkeys(path for folder in folders for path, _ in _entries(str(folder), loose))
        if walked.keys() != self._seen.keys():
            return True
        for path in walked:
            seen = self._seen[path]
            if _identity(path) != seen:
                return True
            if seen is None:
                continue
            if (seen[4] >= self._settled or seen[5] >= self._settled) and len(self.digests.get(path, "")) == 40:
                if _hash_file(path, {}) != self.digests[path]:
                    return True
        return False

    def _file_digest(self, path: str, top: str, settled: int) -> str:
        try:
            info = os.lstat(path)
        except OSError:
            self._seen[path] = None
            return "unreadable"
        self._seen[path] = (info.st_mode, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        if stat.S_ISLNK(info.st_mode):
            return _link_digest(path, top)
        if not stat.S_ISREG(info.st_mode) or info.st_size > KEEP_BYTES:
            # Never opened (the loader refuses such a file in content/; a big theme file is
            # copied): known by its whole identity, whose change time moves with any write.
            return self._set(path, f"special:{info.st_mode}:{info.st_size}:{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}:{info.st_ctime_ns}")
        identity = [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
        known = self._known.get(path)
        if known is not None and known[:5] == identity:
            self._remember[path] = known
            return self._set(path, known[5])
        found = self._set(path, _hash_file(path, self.contents))
        if info.st_mtime_ns < settled and info.st_ctime_ns < settled and len(found) == 40:
            self._remember[path] = identity + [found]  # the identity seen before reading
        return found

    def read_again(self, path: str) -> tuple[str, bytes | None]:
        """The digest and bytes of one file of the walk, read now (e.g. after a save);
        no bytes if it is no longer a regular file."""
        self.contents.pop(path, None)
        found = self._file_digest(path, "", time.time_ns() - _SETTLED_NS)
        return found, self.contents.pop(path, None)

    def _set(self, path: str, found: str) -> str:
        self.digests[path] = found
        return found

    def save(self) -> None:
        """Remember each file's identity and digest in the store, for the next build."""
        if self.store.on_disk and self._remember != self._known:
            self.store.write_file(_MEMO, json.dumps(self._remember, sort_keys=True, separators=(",", ":")).encode("utf-8"))


def _entries(top: str, loose: Sequence[Path] = ()) -> Iterator[tuple[str, bytes]]:
    """(path, path relative to `top` as bytes) of every input under `top`, in a fixed order:
    files and links (to folders too, which are not followed). Under a `loose` folder, not
    editors' leftovers (files, or links to no folder, such as Emacs's lock links) nor tools'
    folders: nothing reads them there, so their changes change nothing."""
    loose_folders = tuple(str(folder) for folder in loose)
    for dirpath, dirnames, filenames in os.walk(top):
        if any(dirpath == folder or dirpath.startswith(folder + os.sep) for folder in loose_folders):
            dirnames[:] = [name for name in dirnames if name not in TOOL_FOLDERS]
            filenames = [name for name in filenames if name not in TOOL_FOLDERS and not is_leftover(name)]
        dirnames.sort()
        # The walk's paths start with `top`: the rest is the path relative to it.
        inner = dirpath[len(top) :].lstrip(os.sep)
        # A linked folder counts by where it points (the build refuses it), so adding one or
        # pointing it elsewhere is a change.
        linked = [name for name in dirnames if os.path.islink(os.path.join(dirpath, name))]
        for name in sorted(filenames + linked):
            yield os.path.join(dirpath, name), (inner + "/" + name if inner else name).replace(os.sep, "/").encode("utf-8", "surrogateescape")


def _identity(path: str) -> tuple | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_mode, info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _link_digest(path: str, top: str) -> str:
    """A link inside the walked folder counts with its target's bytes; one that leads out
    (refused by the loader) only by where it points, without opening it."""
    try:
        target = os.readlink(path)
        real = os.path.realpath(path, strict=True)
        inside = real.startswith(os.path.realpath(top).rstrip(os.sep) + os.sep)
        info = os.stat(real)
    except (OSError, RuntimeError, ValueError):
        return "link-broken"
    if inside and stat.S_ISREG(info.st_mode) and info.st_size <= KEEP_BYTES:
        return "link:" + _hash_file(real, {})
    if stat.S_ISDIR(info.st_mode):
        return f"link-folder:{target}"
    return f"link-out:{target}"


def _hash_file(path: str, contents: dict[str, bytes]) -> str:
    """Digest of a regular file's bytes (kept in `contents`), read without following a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return "unreadable"
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > KEEP_BYTES:
            return "special"  # replaced between the look and the open
        data = stream.read(KEEP_BYTES + 1)
    if len(data) > KEEP_BYTES:
        return "special"  # grew while read: the loader reads it again and refuses it
    contents[path] = data
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _load_memo(store: Store) -> dict[str, list]:
    # Authenticated before it is believed: a forged memo would make changed files look unchanged.
    payload = store.read_file(_MEMO)
    if payload is None:
        return {}
    try:
        memo = json.loads(bytes(payload))
    except ValueError:
        return {}
    if not isinstance(memo, dict):
        return {}
    return {
        key: value for key, value in memo.items()
        if isinstance(value, list) and len(value) == 6 and all(type(v) is int for v in value[:5]) and isinstance(value[5], str)
    }

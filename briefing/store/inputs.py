"""The digest of a build's inputs, reading only the files that changed since the last build.

Every file under content/ and templates/ is part of the digest (path and bytes). Reading
10,000 briefs to find the one that changed costs more than the rest of a rebuild, so each
file's digest is remembered with its identity (device, inode, size, modification and change
times). A file whose identity is unchanged is not read again; its remembered digest is
used, and the loader finds its parsed form in the cache by that digest. A file changed
within the last seconds is not remembered (the clock may not tick between two writes),
and the remembered digests are checked by SHA-256 before they are trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, Sequence

from .cache import read_checked, write_checked

KEEP_BYTES = 4 * 1024 * 1024  # larger files are only hashed (the loader refuses them anyway)
_FORMAT = b"briefing-inputs-1\n"
_SETTLED_NS = 2_000_000_000  # a file changed more recently than this may change again unseen


class InputDigests:
    """What a walk of the inputs found: each file's digest, and the bytes it had to read.

    `contents` (by path) holds the bytes of regular files of up to KEEP_BYTES that were
    read, so the build parses exactly the bytes it digested; `digests` has every file.
    """

    def __init__(self, memo_file: Path | None = None):
        self.memo_file = memo_file
        self.digests: dict[str, str] = {}
        self.contents: dict[str, bytes] = {}
        self._known = _load_memo(memo_file) if memo_file else {}
        self._remember: dict[str, list] = {}

    def digest(self, folders: Sequence[Path], settings: Any, engine: str) -> str:
        """Digest of every file under `folders` (path and bytes), `settings` and `engine`.

        Two builds with the same input digest make the same output, so a build whose inputs
        match the ones the current output was made from has nothing to do.
        """
        settled = time.time_ns() - _SETTLED_NS
        h = hashlib.blake2b(engine.encode() + repr(settings).encode(), digest_size=20)
        for folder in folders:
            top = str(folder)
            h.update(b"\0folder\0" + top.encode("utf-8", "surrogateescape"))
            for dirpath, dirnames, filenames in os.walk(top):  # linked folders are not followed
                dirnames.sort()
                # The walk's paths start with `top`: the rest is the path relative to it.
                inner = dirpath[len(top) :].lstrip(os.sep)
                for name in sorted(filenames):
                    path = os.path.join(dirpath, name)
                    relative = (inner + "/" + name if inner else name).replace(os.sep, "/").encode("utf-8", "surrogateescape")
                    h.update(len(relative).to_bytes(8, "little") + relative)
                    h.update(self._file_digest(path, settled).encode())
        self._save()
        return h.hexdigest()

    def _file_digest(self, path: str, settled: int) -> str:
        try:
            info = os.lstat(path)
        except OSError:
            return "unreadable"
        identity = [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
        known = self._known.get(path)
        if stat.S_ISREG(info.st_mode) and known is not None and known[:5] == identity:
            found = self.digests[path] = known[5]
            self._remember[path] = known
            return found
        found = self.digests[path] = _hash_file(path, self.contents)
        if stat.S_ISREG(info.st_mode) and info.st_mtime_ns < settled and info.st_ctime_ns < settled:
            self._remember[path] = identity + [found]  # the identity seen before reading
        return found

    def _save(self) -> None:
        if self.memo_file is None or self._remember == self._known:
            return
        payload = json.dumps(self._remember, sort_keys=True, separators=(",", ":")).encode("utf-8")
        try:
            self.memo_file.parent.mkdir(parents=True, exist_ok=True)
            write_checked(self.memo_file, _FORMAT, payload)
        except OSError:
            pass  # the next build reads every file again, no more


def _hash_file(path: str, contents: dict[str, bytes]) -> str:
    """Digest of a file's bytes; kept in `contents` if small. Regular files only, read in
    blocks: a pipe or a huge file must not hang or fill memory here (the loader reports them)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return "unreadable"
    h = hashlib.blake2b(digest_size=20)
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "special"
        if info.st_size <= KEEP_BYTES:
            data = stream.read(info.st_size + 1)  # a buffer the file's size, not KEEP_BYTES
            h.update(data)
            if len(data) <= info.st_size:
                contents[path] = data
        while block := stream.read(1 << 20):  # a big file, or one that grew meanwhile
            h.update(block)
    return h.hexdigest()


def _load_memo(path: Path) -> dict[str, list]:
    # Checked before it is believed: a damaged memo would make changed files look unchanged.
    payload = read_checked(path, _FORMAT)
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

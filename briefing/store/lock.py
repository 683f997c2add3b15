"""One build at a time: exclusive locks on a project's store and output folder.

A lock is `flock` on a small file: the kernel releases it when its holder exits, however
it exits (SIGKILL included), so a killed build never leaves a stale lock. The holder's
pid is written into the file, so a waiting build can say whom it waits for.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from pathlib import Path
from typing import Callable, Iterator


class Busy(Exception):
    """Another process holds the lock and the caller chose not to wait."""

    def __init__(self, path: Path, holder: int | None):
        self.path = path
        self.holder = holder
        super().__init__(f"{path} is locked by pid {holder}")


class LockError(Exception):
    """The lock file cannot be made or opened (e.g. it is a planted link)."""


@contextlib.contextmanager
def exclusive(path: Path, wait: bool = True, on_wait: Callable[[int | None], None] | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path` for the `with` block.

    When another process holds it: raise Busy if not `wait`, else call `on_wait(pid)`
    once and block until it is free.
    """
    fd = _open(path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise LockError(f"cannot lock {path}: {exc.strerror or exc}") from None
            holder = _holder(fd)
            if not wait:
                raise Busy(path, holder) from None
            if on_wait:
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _open(path: Path) -> int:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise LockError(f"cannot open the lock file {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise LockError(f"the lock file {path} is not a regular file")
    return fd


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else None
    except OSError:
        return None

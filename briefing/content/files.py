"""Reading content files safely: stay inside content/, bounded size, UTF-8 only."""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

from ..errors import Problem
from .frontmatter import decode_text


def relative_name(path: Path, root: Path) -> str:
    """Return `path` relative to the project root with '/' separators, for messages."""
    text, top = str(path), str(root)
    if text.startswith(top) and text[len(top) : len(top) + 1] == os.sep and not text.startswith("//"):  # '//' is a root of its own
        # What relative_to gives, without parsing both paths (four times per brief, each build).
        return text[len(top) + 1 :].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, with every symlink resolved, lies inside `folder`."""
    try:
        real = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError, ValueError):
        return False
    try:
        link = os.lstat(folder)  # a folder re-pointed or replaced gets a new identity
    except OSError:
        return False
    top = _real_folder(str(folder), link.st_ino, link.st_mtime_ns)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=64)
def _real_folder(folder: str, inode: int, mtime_ns: int) -> str:
    # Resolved once per folder identity: a build checks thousands of files against a few.
    return os.path.realpath(folder)


def read_text(path: Path, root: Path, within: Path, max_bytes: int, listed: bool = False, data: bytes | None = None) -> tuple[str | None, Problem | None]:
    """Read a UTF-8 text file that must stay inside `within`; return text or a problem.

    `listed`: the path comes from a walk of `within` that followed no links and checked
    every linked file, so resolving it again is skipped (thousands of briefs per build).
    `data`: the file's bytes, already read from this regular file (checked all the same).
    """
    name = relative_name(path, root)
    if not listed and not is_inside(path, within):
        return None, Problem(name, 1, "file", f"is a link that leads outside {relative_name(within, root)}/; links out are refused")
    if data is not None:
        if len(data) > max_bytes:
            return None, Problem(name, 1, "file", f"is {len(data)} bytes; the limit is {max_bytes} bytes")
        return _decode(name, data)
    try:
        # Looked at before it is opened: opening a device or a pipe can block or act.
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None, Problem(name, 1, "file", "is not a regular file (a pipe, device or folder)")
        # One open file for the size check and the read, so the two cannot disagree.
        # Non-blocking open, so a pipe swapped in meanwhile is refused below, not waited on.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None, Problem(name, 1, "file", "is not a regular file (a pipe, device or folder)")
            size = info.st_size
            if size > max_bytes:
                return None, Problem(name, 1, "file", f"is {size} bytes; the limit is {max_bytes} bytes")
            raw = stream.read(max_bytes + 1)
        if len(raw) > max_bytes:
            return None, Problem(name, 1, "file", f"grew past the limit of {max_bytes} bytes while it was read")
    except OSError as exc:
        return None, Problem(name, 1, "file", f"cannot be read ({exc.strerror or exc})")
    return _decode(name, raw)


def _decode(name: str, raw: bytes) -> tuple[str | None, Problem | None]:
    if b"\x00" in raw:
        return None, Problem(name, 1, "file", "is binary, not UTF-8 text")
    try:
        return decode_text(raw), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(name, line, "file", f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8")

"""Reading content files safely: stay inside content/, bounded size, UTF-8 only."""

from __future__ import annotations

from pathlib import Path

from .errors import Problem
from .frontmatter import decode_text


def relative_name(path: Path, root: Path) -> str:
    """Return `path` relative to the project root with '/' separators, for messages."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def is_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, with every symlink resolved, lies inside `folder`."""
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def read_text(path: Path, root: Path, within: Path, max_bytes: int) -> tuple[str | None, Problem | None]:
    """Read a UTF-8 text file that must stay inside `within`; return text or a problem."""
    name = relative_name(path, root)
    if not is_inside(path, within):
        return None, Problem(name, 1, "file", f"is a link that leads outside {relative_name(within, root)}/; links out are refused")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, Problem(name, 1, "file", f"is {size} bytes; the limit is {max_bytes} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        return None, Problem(name, 1, "file", f"cannot be read ({exc.strerror or exc})")
    if b"\x00" in raw:
        return None, Problem(name, 1, "file", "is binary, not UTF-8 text")
    try:
        return decode_text(raw), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Problem(name, line, "file", f"is not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8")

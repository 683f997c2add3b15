"""What every cached value depends on besides its own inputs: the engine and its libraries.

The engine digest covers every file of the `briefing` package (filters, exports, the
Markdown set-up: any edit), the installed versions of the libraries it runs on (its
requirements and theirs), the Python version and whether the speedups are on. It is the
one salt of every key the store hands out, so no version number is ever bumped by hand.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import re
import sys
from pathlib import Path

from .. import speedups

PACKAGE = Path(__file__).resolve().parent.parent
# Used when the engine runs from a checkout that was never installed (no metadata).
# pyproject.toml's dependencies, by name (a test keeps the two lists the same).
RUNTIME_REQUIREMENTS = ("jinja2", "markdown", "pyyaml", "watchdog", "nh3", "pagefind[bin]", "babel", "ada-url", "disarm")
_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
_EXTRA = re.compile(r"""extra\s*==\s*["']([^"']+)["']""")


def engine_digest() -> str:
    """Digest of the engine's source, its libraries' versions, Python's and the speedups switch."""
    return _engine_digest(library_versions(), speedups.enabled())


@functools.lru_cache(maxsize=4)
def _engine_digest(libraries: tuple[tuple[str, str], ...], quick: bool) -> str:
    # Once per process and setting: the source does not change under a running build.
    h = hashlib.blake2b(digest_size=20)
    h.update(f"python {sys.version_info[:2]} libraries {libraries} speedups {quick}\n".encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            data = path.read_bytes()
            h.update(f"{path.relative_to(PACKAGE).as_posix()}\0{len(data)}\0".encode() + data)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def library_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) of every installed library the engine runs on, its requirements'
    requirements included, sorted by name."""
    try:
        wanted = importlib.metadata.requires("briefing") or []
    except importlib.metadata.PackageNotFoundError:
        wanted = list(RUNTIME_REQUIREMENTS)
    found: dict[str, str] = {}
    pending = [(requirement, frozenset()) for requirement in wanted]
    while pending:
        requirement, extras = pending.pop()
        parsed = _requirement(requirement, extras)
        if parsed is None:
            continue
        name, own_extras = parsed
        key = name.lower().replace("_", "-")
        if key in found:
            continue
        try:
            found[key] = importlib.metadata.version(name)
            pending += [(r, own_extras) for r in importlib.metadata.requires(name) or []]
        except importlib.metadata.PackageNotFoundError:
            continue  # an optional library that is not installed changes nothing
    return tuple(sorted(found.items()))


def _requirement(text: str, extras: frozenset[str]) -> tuple[str, frozenset[str]] | None:
    """(name, extras asked for) of a requirement that applies, or None (another extra's)."""
    spec, _, marker = text.partition(";")
    extra = _EXTRA.search(marker)
    if extra and extra.group(1) not in extras:
        return None  # e.g. the test and bench extras of the engine itself
    match = _NAME.match(spec)
    if not match:
        return None
    asked = frozenset(e.strip() for e in (match.group(2) or "").split(",") if e.strip())
    return match.group(1), asked

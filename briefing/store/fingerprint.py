"""Fingerprints of planned pages: a page whose fingerprint is unchanged is not rendered.

A page's fingerprint covers its template and every template it uses, the values it is
rendered with (walked structurally, so equal data gives equal digests in any process),
the site-wide template globals, the engine's own source and the library versions.
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any, Mapping

from .. import ENGINE_VERSION
from .cache import dependency_versions


class Uncacheable(Exception):
    """A value has no stable fingerprint (e.g. a function): render the page every time."""


def engine_digest() -> str:
    """Digest of the engine version, its own source files and the dependencies' versions."""
    return _engine_digest(ENGINE_VERSION, dependency_versions())


@functools.lru_cache(maxsize=4)
def _engine_digest(version: str, dependencies: tuple) -> str:
    # Once per process: the engine's source does not change under a running build or server.
    h = hashlib.blake2b(digest_size=20)
    h.update(f"{version}|{dependencies}".encode())
    # The source is included so a code change without a version bump still invalidates.
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


class Fingerprinter:
    """Digests of plain data (dataclasses, mappings, sequences, scalars), memoized per object.

    Memoizing by object identity is safe because every object walked stays alive in the
    archive and plan for the whole build.
    """

    def __init__(self) -> None:
        self._memo: dict[int, str] = {}
        self._keep: list[Any] = []  # keeps walked objects alive so no id is reused this run

    def of(self, value: Any) -> str:
        """The digest of `value`; raise Uncacheable for values without one."""
        kind = type(value)
        if kind is str:
            # The final repr() of all parts escapes a short string; a long one (a feed
            # entry's HTML) is cheaper to hash on its own than to escape.
            return "s:" + value if len(value) < _LONG else _long_text(value)
        if value is None or kind in _SCALARS:
            return f"{kind.__name__}:{value!r}"
        if kind in _DATES:
            return f"{kind.__name__}:{value.isoformat()}"
        key = id(value)
        found = self._memo.get(key)
        if found is not None:
            return found
        return self._remember(key, value, self._walk(kind, value))

    def page(self, shared: str, context: Mapping[str, Any], path: str, url: str) -> str:
        """The fingerprint of one page: `shared` (the digest of what every page of its
        template depends on alike), its context, its path and its URL.

        One hash per page: its context is not digested on its own or remembered, as no
        other page has it.
        """
        if type(context) is dict and all(type(k) is str for k in context):
            items = self._items(context)  # each starts with "s:", unlike a digest
        else:
            items = [self.of(context)]
        return _hash([shared, path, url, *items])

    def _walk(self, kind: type, value: Any) -> str:
        # Most values are seen before (briefs in lists) or are strings: both are looked up
        # inline below, without a call of of().
        memo, of = self._memo, self.of
        shape = _SHAPES.get(kind)
        if shape is None:
            shape = _shape(kind)
        if shape:
            names, own = shape
            if own:
                known = value.fingerprint
                if isinstance(known, str) and known:
                    # A digest of all it was made from, set where it was made (a parsed brief).
                    return f"{kind.__qualname__}#{known}"
            parts = [kind.__qualname__]
            for name in names:
                item = getattr(value, name)
                parts.append(name + ("=s:" + item if type(item) is str and len(item) < _LONG else "=" + (memo.get(id(item)) or of(item))))
        elif kind is tuple or kind is list:
            parts = [kind.__name__]
            for item in value:
                parts.append("s:" + item if type(item) is str and len(item) < _LONG else memo.get(id(item)) or of(item))
        elif kind is dict and all(type(k) is str for k in value):
            parts = ["map", *self._items(value)]
        elif isinstance(value, Mapping):
            parts = ["map"] + [of(k) + "=" + of(v) for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]
        elif isinstance(value, (tuple, list, frozenset, set)):
            items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            parts = [type(value).__name__] + [of(item) for item in items]
        elif isinstance(value, (str, int, float)):  # subclasses, e.g. enums
            parts = [kind.__qualname__, repr(value)]
        else:
            raise Uncacheable(type(value).__qualname__)
        return _hash(parts)

    def _items(self, mapping: dict[str, Any]) -> list[str]:
        memo, of = self._memo, self.of
        parts = []
        for name in sorted(mapping):
            item = mapping[name]
            parts.append("s:" + name + ("=s:" + item if type(item) is str and len(item) < _LONG else "=" + (memo.get(id(item)) or of(item))))
        return parts

    def _remember(self, key: int, value: Any, result: str) -> str:
        self._memo[key] = result
        self._keep.append(value)
        return result


_SCALARS = frozenset({bool, int, float})
_DATES = frozenset({dt.date, dt.datetime})
# Per dataclass type: (field names, whether one of them is a ready `fingerprint`); False
# for other types. Looked up once per type.
_SHAPES: dict[type, tuple[tuple[str, ...], bool] | bool] = {}


def _shape(kind: type) -> tuple[tuple[str, ...], bool] | bool:
    names = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
    _SHAPES[kind] = shape = (names, "fingerprint" in names) if names is not None else False
    return shape


def _hash(parts: list[str]) -> str:
    # Parts joined by NUL are unambiguous when no part holds a NUL itself (counted in one
    # fast C pass); otherwise their repr is. Either way one C call: repr alone would cost
    # three times as much, as it looks at every character twice.
    text = "\0".join(parts)
    text = "r" + repr(parts) if text.count("\0") >= len(parts) else "j" + text
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


_LONG = 512  # characters from which a string is hashed by itself


def _long_text(value: str) -> str:
    # SHA-256 runs in hardware on current CPUs: for long inputs twice as fast as blake2b.
    return "h:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()

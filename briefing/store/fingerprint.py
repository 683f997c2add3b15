"""Fingerprints of planned files: a file whose fingerprint is unchanged is not made again.

A page's fingerprint covers its template and every template it uses, the values it is
rendered with (walked structurally, so equal data gives equal digests in any process),
the site-wide template globals it reads and the engine (the store's key rule).
"""

from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from ..hashing import digest


class Uncacheable(Exception):
    """A value has no stable fingerprint (e.g. a function): render the page every time."""


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


class Templates(Protocol):
    """What fingerprinting needs of the renderer (output/render.TemplateRenderer)."""

    globals: Mapping[str, Any]

    def template_dependencies(self, name: str) -> tuple[str, frozenset[str], frozenset[str] | None]: ...


def fingerprint_plan(plan: Sequence[Any], templates: Templates, archive: Any, engine: str) -> list[tuple[str, str | None]]:
    """(path, fingerprint) of every planned file; None where a page cannot be fingerprinted.

    A page depends on its template closure, its context, the globals its templates name
    (the archive only through the attributes they read) and the engine. A file made in
    Python depends on what its plan says it is `made_from`.
    """
    walker = Fingerprinter()
    globals_ = templates.globals
    known: dict[str, str | None] = {}

    def global_digest(name: str) -> str | None:
        if name not in known:
            try:
                if name.startswith("archive."):  # one attribute of the archive
                    known[name] = walker.of(getattr(archive, name.split(".", 1)[1], None))
                else:
                    known[name] = walker.of(archive if name == "archive" else globals_[name])
            except Uncacheable:
                known[name] = None  # e.g. a function: such pages are rendered every time
        return known[name]

    @functools.lru_cache(maxsize=None)  # pages of one template share their context keys
    def shared_digest(template: str, context: frozenset[str]) -> str | None:
        """What all pages of `template` with these context keys depend on alike, or None."""
        closure, names, reads = templates.template_dependencies(template)
        # Filters read the UI strings (month names), so every page depends on them.
        used = sorted({n for n in names if n in globals_ and n not in context and n != "archive"} | ({"t"} & set(globals_)))
        if "archive" in names and "archive" not in context:
            used += ["archive"] if reads is None else [f"archive.{attribute}" for attribute in sorted(reads)]
        parts = [global_digest(n) for n in used]
        return None if None in parts else digest(engine, closure, *used, *parts)

    planned: list[tuple[str, str | None]] = []
    for item in plan:
        if not item.template:  # made in Python: it says what it is made from
            planned.append((item.path, digest("made from", engine, item.made_from) if item.made_from else None))
            continue
        shared = shared_digest(item.template, frozenset(item.context))
        try:
            planned.append((item.path, walker.page(shared, item.context, item.path, item.url) if shared else None))
        except Uncacheable:
            planned.append((item.path, None))
    return planned

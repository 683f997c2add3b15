"""Encoded export rows kept in files, so the data exports are copied, not held in memory.

At 10,000 briefs data/briefs.json and data/briefs.csv are 200 MB together. Each brief's
rows are appended to one file per format in the cache folder as they are encoded; the
exports are then written from spans of those files (see write.Span), so neither the rows
nor the exports pass through the build's memory, and a rebuild encodes only the rows of
changed briefs. A checked index records where each row is and the SHA-256 of every appended run
of bytes; files that do not match it are discarded and every row is encoded again.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..model import Span
from .store import Store

KINDS = ("json", "csv")
_FORMAT = "briefing-rows-2"
_INDEX = "rows-index.bin"
# Checked in blocks this big. Reading and hashing a block release the interpreter lock,
# and winning it back from a busy main thread (planning) can take up to the 5 ms switch
# interval each time: in 1 MiB blocks the check of 200 MB outlasted planning.
_BLOCK = 8 << 20
# Rows of deleted or edited briefs stay in the files until they are half as big as the live ones.
_COMPACT_SLACK = 1 << 20

Row = tuple[Any, Any]  # (JSON part, CSV part): Spans of the files, or bytes in memory


class RowStore:
    """Rows by key, in files beside `store`'s; in memory when the store is (no cache)."""

    def __init__(self, store: Store):
        self.store = store
        folder = self.folder = store.folder
        self._rows: dict[str, Row] = {}
        self._used: set[str] = set()
        self._sizes = dict.fromkeys(KINDS, 0)  # bytes of each file the index vouches for
        self._segments: dict[str, list[list]] = {kind: [] for kind in KINDS}  # [length, sha256] per run
        self._appending: dict[str, tuple[Any, Any, int]] = {}  # kind -> (stream, hasher, start)
        self._loaded = folder is None
        self._broken = False  # a write failed: nothing more is appended or recorded
        self._reader: threading.Thread | None = None
        self._paths = {kind: str(self.file(kind)) for kind in KINDS} if folder else {}

    def load_in_background(self) -> None:
        """Start reading and checking the index and files in a thread; `get` waits for it.

        Checking is reading and hashing 200 MB at 10,000 briefs, which releases the
        interpreter lock: it overlaps the build's parsing and planning.
        """
        if not self._loaded and self._reader is None:
            self._reader = threading.Thread(target=self._read, name="rows", daemon=True)
            self._reader.start()

    def file(self, kind: str) -> Path:
        """The file holding the rows of one format."""
        assert self.folder is not None
        return self.folder / f"rows-{kind}.bin"

    def get(self, key: str) -> Row | None:
        """The rows kept under `key`, or None."""
        self._load()
        row = self._rows.get(key)
        if row is not None:
            self._used.add(key)
        return row

    def put(self, key: str, json_row: bytes, csv_row: bytes) -> Row:
        """Keep the two encoded rows under `key`; return them as parts of a file to write."""
        self._load()
        row: Row = (json_row, csv_row)
        if self.folder is not None and not self._broken:
            try:
                row = (self._append("json", json_row), self._append("csv", csv_row))
            except OSError:
                self._broken = True  # e.g. a full disk: the rest stay in memory, and the old index stays
        self._rows[key] = row
        self._used.add(key)
        return row

    def flush(self) -> None:
        """Make every appended row readable from its file (before the exports are written)."""
        for kind, (descriptor, hasher, start) in sorted(self._appending.items()):
            os.close(descriptor)
            self._segments[kind].append([self._sizes[kind] - start, hasher.hexdigest()])
        self._appending = {}

    def save(self) -> None:
        """Record the rows this build used (dropping the rest), after the output is written."""
        self._load()
        self.flush()
        self._rows = {key: row for key, row in self._rows.items() if key in self._used}
        self._used = set()
        if self.folder is None or self._broken:
            return
        try:
            live = sum(span.length for row in self._rows.values() for span in row)
            if sum(self._sizes.values()) > live * 3 // 2 + _COMPACT_SLACK:
                self._compact()
            index = {
                "format": _FORMAT, "segments": self._segments,
                "rows": {key: [part for span in row for part in (span.offset, span.length)] for key, row in self._rows.items()},
            }
            self.store.write_file(_INDEX, json.dumps(index, separators=(",", ":")).encode("utf-8"))
        except OSError:
            pass  # a store that cannot be written only makes the next build slower

    def _append(self, kind: str, data: bytes) -> Span:
        # Unbuffered: a row's span is handed out only once its bytes are in the file.
        if kind not in self._appending:
            self.folder.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
            descriptor = os.open(self._paths[kind], os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            try:
                os.truncate(descriptor, self._sizes[kind])  # bytes after the indexed ones were never recorded
                os.lseek(descriptor, self._sizes[kind], os.SEEK_SET)
            except OSError:
                os.close(descriptor)
                raise
            self._appending[kind] = (descriptor, hashlib.sha256(), self._sizes[kind])
        descriptor, hasher, _ = self._appending[kind]
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        hasher.update(data)
        span = Span(self._paths[kind], self._sizes[kind], len(data))
        self._sizes[kind] += len(data)
        return span

    def _load(self) -> None:
        if self._loaded:
            return
        if self._reader is not None:
            self._reader.join()
        else:
            self._read()
        self._loaded = True

    def _read(self) -> None:
        try:
            # Checked as a whole: a damaged offset would put another brief's row in the downloads.
            payload = self.store.read_file(_INDEX)
            if payload is None:
                return
            index = json.loads(bytes(payload))
            segments, rows = _checked_index(index)
            sizes = {kind: _verified_size(self.file(kind), segments[kind]) for kind in KINDS}
        except (OSError, ValueError, TypeError, KeyError):
            return  # missing or damaged: start empty, and the files are overwritten
        if None in sizes.values():
            return
        spans: dict[str, Row] = {}
        json_file, csv_file = self._paths["json"], self._paths["csv"]
        for key, (json_at, json_length, csv_at, csv_length) in rows.items():
            if json_at + json_length > sizes["json"] or csv_at + csv_length > sizes["csv"]:
                return
            spans[key] = (Span(json_file, json_at, json_length), Span(csv_file, csv_at, csv_length))
        self._rows, self._segments, self._sizes = spans, segments, sizes  # type: ignore[assignment]

    def _compact(self) -> None:
        # Copy the live rows into fresh files, then swap them in with a new index.
        assert self.folder is not None
        moved: dict[str, list] = {key: [] for key in self._rows}
        for position, kind in enumerate(KINDS):
            handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            hasher, size = hashlib.sha256(), 0
            with os.fdopen(handle, "wb") as target, open(self.file(kind), "rb") as source:
                for key, row in self._rows.items():
                    span = row[position]
                    source.seek(span.offset)
                    data = source.read(span.length)
                    target.write(data)
                    hasher.update(data)
                    moved[key].append(Span(self._paths[kind], size, span.length))
                    size += span.length
            os.replace(temporary, self.file(kind))
            self._segments[kind], self._sizes[kind] = [[size, hasher.hexdigest()]], size
        self._rows = {key: tuple(spans) for key, spans in moved.items()}  # type: ignore[misc]


def _checked_index(index: Any) -> tuple[dict[str, list[list]], dict[str, list[int]]]:
    # Only the shape this module writes is accepted.
    if not isinstance(index, dict) or index.get("format") != _FORMAT:
        raise ValueError("not a row index")
    segments, rows = index["segments"], index["rows"]
    if not isinstance(segments, dict) or set(segments) != set(KINDS) or not isinstance(rows, dict):
        raise ValueError("not a row index")
    for runs in segments.values():
        if not all(isinstance(run, list) and len(run) == 2 and _count(run[0]) and isinstance(run[1], str) for run in runs):
            raise ValueError("bad segment")
    for numbers in rows.values():
        if not (isinstance(numbers, list) and len(numbers) == 4 and all(_count(n) for n in numbers)):
            raise ValueError("bad row")
    return segments, rows


def _count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _verified_size(path: Path, segments: list[list]) -> int | None:
    """Bytes of `path` that match the recorded runs, or None if any run does not."""
    buffer = bytearray(_BLOCK)
    view = memoryview(buffer)
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return None
        for length, expected in segments:
            hasher, left = hashlib.sha256(), length
            while left:
                got = stream.readinto(view[: min(left, _BLOCK)])
                if not got:
                    return None  # truncated
                hasher.update(view[:got])
                left -= got
            if hasher.hexdigest() != expected:
                return None
    return sum(length for length, _ in segments)

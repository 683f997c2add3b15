"""Stable digests of plain values: the one hash every key and fingerprint is made with."""

from __future__ import annotations

import hashlib
from typing import Any


def digest(*parts: Any) -> str:
    """A stable hex digest of strings, bytes and reprs of plain data."""
    if not any(isinstance(part, bytes) for part in parts):
        # One update of length-prefixed strings: unambiguous, and nothing is escaped.
        strings = [part if isinstance(part, str) else str(part) for part in parts]
        text = "".join(f"{len(string)}:{string}" for string in strings)
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()

"""Build the site's search index with Pagefind (the only module that uses pagefind).

Pagefind's bundled binary runs once over the staged brief pages; when those pages are
byte-identical to the ones the previous index was built from, that index is copied instead.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pagefind_bin

from ..processes import dying_with

INDEX_FOLDER = "pagefind"  # site/pagefind/, the one folder not byte-identical across builds
# Only briefs are search results, in every language (briefs/ and, for a translation, its
# folder's briefs/); Pagefind keeps one index per page language (<html lang>).
PAGES_GLOB = "{briefs,*/briefs}/**/*.html"
STAMP = "briefing-source.sha256"  # inside INDEX_FOLDER: hash of the pages the index was built from
TIMEOUT_SECONDS = 600


class SearchIndexError(Exception):
    """Pagefind could not build the search index; the site was not replaced."""


@dataclass(frozen=True)
class IndexReport:
    """What indexing did: how many pages, whether the previous index was reused, how long."""

    pages: int
    reused: bool
    seconds: float


def is_indexed(path: str) -> bool:
    """Whether a file of the site (a '/'-separated path in it) is one Pagefind indexes."""
    parts = path.split("/")
    return path.endswith(".html") and len(parts) > 1 and (parts[0] == "briefs" or (len(parts) > 2 and parts[1] == "briefs"))


def indexed_pages(site: Path) -> tuple[Path, ...]:
    """The HTML files Pagefind indexes, sorted."""
    folders = [site / "briefs", *(folder / "briefs" for folder in sorted(site.iterdir()) if folder.is_dir() and not folder.is_symlink())] if site.is_dir() else []
    found = {p for folder in folders if folder.is_dir() and not folder.is_symlink() for p in folder.rglob("*.html") if p.is_file()}
    return tuple(sorted(found))


def hash_pages(site: Path, pages: tuple[Path, ...]) -> str:
    """Hash of the indexer version, its options and every indexed page (path and bytes)."""
    digest = hashlib.sha256(f"pagefind {version('pagefind_bin')} {PAGES_GLOB}\n".encode())
    for page in pages:
        data = page.read_bytes()
        digest.update(f"{page.relative_to(site).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def write_search_index(site: Path, previous: Path | None = None) -> IndexReport:
    """Write site/pagefind/ for the complete site folder `site`, reusing `previous` if still valid.

    `previous` is the last build's index folder (e.g. site/pagefind); with no brief pages
    there is nothing to search and no index is written.
    """
    started = time.perf_counter()
    pages = indexed_pages(site)
    target = site / INDEX_FOLDER
    if not pages:
        if target.exists():
            shutil.rmtree(target)
        return IndexReport(0, False, time.perf_counter() - started)
    stamp = hash_pages(site, pages)
    if target.exists():
        # An incremental build keeps the staged folder's own index: reuse it when it was
        # made from these very pages, else replace it.
        if not target.is_symlink() and index_stamp(target) == stamp:
            return IndexReport(len(pages), True, time.perf_counter() - started)
        if target.is_symlink() or not target.is_dir():
            target.unlink()
        else:
            shutil.rmtree(target)
    if previous is not None and index_stamp(previous) == stamp:
        try:
            shutil.copytree(previous, target, symlinks=False)
            return IndexReport(len(pages), True, time.perf_counter() - started)
        except OSError:
            shutil.rmtree(target, ignore_errors=True)  # fall through: a fresh index is always correct
    _run_pagefind(site)
    if not (target / "pagefind.js").is_file():
        raise SearchIndexError(f"Pagefind finished but wrote no {INDEX_FOLDER}/pagefind.js")
    (target / STAMP).write_text(stamp + "\n", encoding="ascii")
    return IndexReport(len(pages), False, time.perf_counter() - started)


def index_stamp(folder: Path) -> str | None:
    """The hash of the pages the index in `folder` was made from; None if it is not a valid index."""
    try:
        if folder.is_symlink() or not (folder / "pagefind.js").is_file():
            return None
        return (folder / STAMP).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _run_pagefind(site: Path) -> None:
    try:
        executable = pagefind_bin.get_executable()
    except FileNotFoundError as exc:
        raise SearchIndexError(f"the Pagefind binary is missing ({exc}); reinstall with `make site`") from None
    # Run inside the site folder with no PAGEFIND_* settings, so no pagefind.yml or
    # environment variable from elsewhere changes what gets indexed.
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND")}
    command = [str(executable), "--site", ".", "--glob", PAGES_GLOB, "--output-subdir", INDEX_FOLDER, "--quiet"]
    try:
        result = subprocess.run(
            command, cwd=site, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
            preexec_fn=dying_with(os.getpid()),  # a killed build leaves no indexer running
        )
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"Pagefind did not finish within {TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise SearchIndexError(f"cannot run Pagefind ({executable}): {exc.strerror or exc}") from None
    if result.returncode != 0:
        output = " ".join((result.stderr + result.stdout).split())[-600:]
        raise SearchIndexError(f"Pagefind failed (exit {result.returncode}): {output or 'no output'}")

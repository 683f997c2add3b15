"""What changed between two builds of a site: pages added, changed and removed, each with
its address and title, for a pull request's job summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import code_cell, count
from .builtsite import base_path_of, base_url_of, page_title, site_files, url_of


@dataclass(frozen=True)
class FileChange:
    """One file that differs between the two builds."""

    path: str  # relative to the site folder
    url: str
    title: str  # a page's heading; empty for other files

    @property
    def is_page(self) -> bool:
        return self.path.endswith(".html")

    @property
    def is_brief(self) -> bool:
        return self.path.startswith("briefs/") and self.path.count("/") == 2


@dataclass(frozen=True)
class SiteChanges:
    """Files added, changed and removed, briefs first, then by address."""

    added: tuple[FileChange, ...]
    changed: tuple[FileChange, ...]
    removed: tuple[FileChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def compare_sites(old: Path, new: Path) -> SiteChanges:
    """Compare two built sites file by file (the search index aside)."""
    base_path = base_path_of(base_url_of(new) if (new / "index.html").exists() else base_url_of(old))
    before, after = set(site_files(old)), set(site_files(new))

    def change(site: Path, path: str) -> FileChange:
        title = page_title((site / path).read_bytes()) if path.endswith(".html") else ""
        return FileChange(path, url_of(path, base_path), title)

    def ordered(changes) -> tuple[FileChange, ...]:
        return tuple(sorted(changes, key=lambda c: (not c.is_brief, not c.is_page, c.url)))

    changed = [p for p in sorted(before & after) if not _same(old / p, new / p)]
    return SiteChanges(
        ordered(change(new, p) for p in after - before),
        ordered(change(new, p) for p in changed),
        ordered(change(old, p) for p in before - after),
    )


def _same(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    return a.read_bytes() == b.read_bytes()


def summary_line(changes: SiteChanges) -> str:
    """'2 pages added, 14 changed, 0 removed; 6 other files changed'."""
    pages = [sum(c.is_page for c in group) for group in (changes.added, changes.changed, changes.removed)]
    others = sum(not c.is_page for group in (changes.added, changes.changed, changes.removed) for c in group)
    line = f"{count(pages[0], 'page')} added, {pages[1]} changed, {pages[2]} removed"
    return line + (f"; {count(others, 'other file')} added, changed or removed" if others else "")


def format_text(changes: SiteChanges) -> str:
    """The changes as plain lines: 'added   /briefs/x/  Title'."""
    if changes.empty:
        return "no page changed\n"
    lines = [summary_line(changes)]
    for label, group in (("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)):
        lines += [f"{label:8} {c.url}" + (f"  {c.title}" if c.title else "") for c in group]
    return "\n".join(lines) + "\n"


def format_markdown(changes: SiteChanges) -> str:
    """The changes as Markdown for a job summary: pages in tables, other files folded."""
    lines = ["### What this pull request changes on the site", ""]
    if changes.empty:
        return "\n".join(lines + ["No page changed.", ""])
    lines += [summary_line(changes) + ".", ""]
    for label, group in (("Added", changes.added), ("Changed", changes.changed), ("Removed", changes.removed)):
        pages = [c for c in group if c.is_page]
        if pages:
            lines += [f"**{label} pages**", "", "| page | title |", "|---|---|"]
            lines += [f"| {code_cell(c.url)} | {code_cell(c.title) if c.title else '(no title)'}{' (brief)' if c.is_brief else ''} |" for c in pages]
            lines.append("")
    others = [(label, c) for label, group in (("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)) for c in group if not c.is_page]
    if others:
        lines += ["<details>", f"<summary>{count(len(others), 'other file')} (feeds, data downloads, sitemap, theme)</summary>", ""]
        lines += [f"- {label}: {code_cell(c.url)}" for label, c in others]
        lines += ["", "</details>", ""]
    return "\n".join(lines)


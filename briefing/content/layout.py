"""What may live under content/: one table of known kinds of file, and a walk that puts
every file into one of them or reports it, so no brief is ever silently left out."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..errors import Problem, closest
from .files import is_inside, relative_name


@dataclass(frozen=True)
class FileKind:
    """A kind of file the build reads, and where it lives under content/."""

    name: str
    place: str  # for messages, relative to content/
    pattern: re.Pattern[str]  # matches the '/'-separated path relative to content/


# Every file under content/ must match one of these (first match wins), or be an editor's
# leftover. A new kind of content file (names.yaml, a translation such as
# briefs/2023/2023-12-07-slug.hy.md) is a new row here, placed before any row that would
# also match it. Any `.md` file under briefs/ is a brief, so that a brief in the wrong
# year folder or with a malformed name gets the brief rules' exact message.
# A name with one more dot before the extension (`slug.hy.md`, `vocabulary.ru.yaml`) is a
# translation; whether its language is one site.yaml declares is checked when it is read.
KNOWN_KINDS: tuple[FileKind, ...] = (
    FileKind("settings", "site.yaml", re.compile(r"site\.yaml")),
    FileKind("vocabulary", "vocabulary.yaml", re.compile(r"vocabulary\.yaml")),
    FileKind("vocabulary-translation", "vocabulary.LANG.yaml", re.compile(r"vocabulary\.[^/.]+\.yaml")),
    FileKind("tracks", "tracks.yaml", re.compile(r"tracks\.yaml")),
    FileKind("names", "names.yaml", re.compile(r"names\.yaml")),
    FileKind("brief-translation", "briefs/YYYY/YYYY-MM-DD-slug.LANG.md", re.compile(r"briefs/(?:[^/]+/)*[^/.]+\.[^/.]+\.md")),
    FileKind("brief", "briefs/YYYY/YYYY-MM-DD-slug.md", re.compile(r"briefs/(?:[^/]+/)*[^/]+\.md")),
    FileKind("page-translation", "pages/NAME.LANG.md", re.compile(r"pages/[^/.]+\.[^/.]+\.md")),
    FileKind("page", "pages/NAME.md", re.compile(r"pages/[^/]+\.md")),
)
TRANSLATION_KINDS = {"brief-translation": "brief", "page-translation": "page"}  # -> kind of the original
KNOWN_FOLDERS = ("briefs", "pages")  # the folders the kinds above live in

# Files editors, file managers and tools write beside the ones being edited: never content.
LEFTOVER_SUFFIXES = (
    "~", ".swp", ".swo", ".swx", ".swpx", ".tmp", ".temp", ".bak", ".orig", ".part",
    ".kate-swp", ".crdownload",
)
LEFTOVER_PREFIXES = (".#", "#", "~$", ".goutputstream-", ".~lock.")
LEFTOVER_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep", ".keep"})
TOOL_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", ".idea", ".vscode"})

# Suffixes of text a contributor may have meant as Markdown: renaming is the whole fix.
_TEXT_SUFFIXES = (".md.txt", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt", ".text")
_BRIEF_NAME = re.compile(r"([0-9]{4})-[0-9]{2}-[0-9]{2}-")


def is_leftover(name: str) -> bool:
    """Whether a file name is an editor's or tool's temporary, swap or backup file."""
    return (
        name in LEFTOVER_NAMES
        or name.endswith(LEFTOVER_SUFFIXES)
        or name.startswith(LEFTOVER_PREFIXES)
        or (name.startswith("#") and name.endswith("#"))
    )


def is_tool_path(path: str | PurePath) -> bool:
    """Whether a path lies inside a version-control or editor folder."""
    return any(part in TOOL_FOLDERS for part in PurePath(path).parts)


def kind_of(relative: str) -> FileKind | None:
    """The known kind of a file, given its '/'-separated path relative to content/."""
    for kind in KNOWN_KINDS:
        if kind.pattern.fullmatch(relative):
            return kind
    return None


@dataclass(frozen=True)
class ContentFiles:
    """Every file found under content/, sorted by kind (paths in sorted order)."""

    by_kind: dict[str, tuple[Path, ...]]
    problems: tuple[Problem, ...]

    def of(self, kind: str) -> tuple[Path, ...]:
        """The files of one kind ('brief', 'page', ...)."""
        return self.by_kind.get(kind, ())


def survey_content(root: Path, content: Path) -> ContentFiles:
    """Walk content/ without following links; sort each file into its kind or report it."""
    found: dict[str, list[Path]] = {kind.name: [] for kind in KNOWN_KINDS}
    problems: list[Problem] = []
    if content.is_dir():
        _walk(root, content, content, "", found, problems)
    return ContentFiles({name: tuple(sorted(paths)) for name, paths in found.items()}, tuple(problems))


def _walk(root: Path, content: Path, folder: Path, prefix: str, found: dict[str, list[Path]], problems: list[Problem]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        problems.append(Problem(relative_name(folder, root), 1, "file", f"is a folder that cannot be read ({exc.strerror or exc}); its files would be left out"))
        return
    for entry in entries:
        if entry.name in TOOL_FOLDERS:
            continue
        path = Path(entry.path)
        relative = prefix + entry.name
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
            linked = entry.is_symlink()
        except OSError:
            is_folder = linked = False
        if linked and is_leftover(entry.name) and not path.is_dir():
            continue  # e.g. Emacs's lock file `.#name`, a link to nowhere: never read
        if linked and (path.is_dir() or not is_inside(path, content)):
            leaves = not is_inside(path, content)
            what = "a linked folder" if path.is_dir() else "a link"
            why = " that leads outside content/; links out are refused" if leaves else "; links are not followed, move the files here"
            problems.append(Problem(relative_name(path, root), 1, "file", f"is {what}{why}"))
        elif is_folder:
            if entry.name.startswith("."):
                problems.append(Problem(relative_name(path, root), 1, "file", "is a hidden folder (its name starts with '.'), so nothing in it would be published; rename it or move its files out"))
            else:
                # Folders the build does not know are walked too: each file in them is named.
                _walk(root, content, path, relative + "/", found, problems)
        elif not is_leftover(entry.name):
            kind = kind_of(relative)
            if kind is None or entry.name.startswith("."):
                problems.append(Problem(relative_name(path, root), 1, "file", unknown_file_message(relative)))
            else:
                found[kind.name].append(path)


def unknown_file_message(relative: str) -> str:
    """Why a file under content/ is not one the build reads, and what to do about it."""
    folder, _, name = relative.rpartition("/")
    top = relative.split("/", 1)[0] if folder else ""
    if name.startswith("."):
        return "is a hidden file (its name starts with '.'), so it would never be published; rename it without the '.', or remove it"
    brief_like = _BRIEF_NAME.match(name)
    lower = name.lower()
    markdown = lower.endswith(".md") or lower.endswith(_TEXT_SUFFIXES)
    fixed = _as_markdown_name(name)
    if top == "briefs" or (brief_like and markdown):
        year = brief_like[1] if brief_like else "YYYY"
        if top == "briefs" and folder.count("/") == 1 and markdown:
            advice = f"is not read as a brief: briefs are Markdown files ending in .md; rename it to {fixed}"
        elif markdown:
            advice = f"is not read as a brief: briefs live in content/briefs/YYYY/ and end in .md; move it to content/briefs/{year}/{fixed}"
        else:
            advice = "is not a brief: briefs live in content/briefs/YYYY/ and end in .md (images and other files are not published)"
    elif top == "pages":
        if markdown and not folder.count("/"):
            advice = f"is not read as a page: pages are Markdown files ending in .md; rename it to {fixed}"
        elif markdown:
            advice = f"is not read as a page: pages live directly in content/pages/ and end in .md; move it to content/pages/{fixed}"
        else:
            advice = "is not a page: pages live in content/pages/ and end in .md (images and other files are not published)"
    elif markdown:
        advice = "is not read: pages live in content/pages/ and briefs in content/briefs/YYYY/, each ending in .md; move it to one of them"
    else:
        advice = f"is not a file the build reads{'' if folder else _did_you_mean_file(lower)}; {_where_things_live()}"
    if top and top not in KNOWN_FOLDERS:
        return f"is in content/{top}/, a folder the build does not read{_did_you_mean_folder(top)}, so it {advice}"
    return advice


def _as_markdown_name(name: str) -> str:
    lower = name.lower()
    for suffix in (".md", *_TEXT_SUFFIXES):
        if lower.endswith(suffix):
            return name[: len(name) - len(suffix)] + ".md"
    return name + ".md"


def _did_you_mean_file(name: str) -> str:
    # Compared without the extension, which every settings file shares.
    files = {kind.place.rsplit(".", 1)[0]: kind.place for kind in KNOWN_KINDS if "/" not in kind.place}
    match = closest(name.rsplit(".", 1)[0], files)
    return f" (did you mean content/{files[match]}?)" if match else ""


def _did_you_mean_folder(name: str) -> str:
    match = closest(name.lower(), KNOWN_FOLDERS, cutoff=0.75)
    return f" (did you mean content/{match}/?)" if match else ""


def _where_things_live() -> str:
    places = ", ".join(f"content/{kind.place}" for kind in KNOWN_KINDS)
    return f"the build reads only {places}; move or remove it"

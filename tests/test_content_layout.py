"""Every file under content/ is accounted for: a known kind in its place, an editor's
leftover, or an error naming it with a hint. One fixture per misplaced or misnamed kind."""

from __future__ import annotations

import pytest

from briefing.content import layout
from briefing.content.layout import KNOWN_KINDS, kind_of, survey_content
from conftest import brief_text
from test_build import build_py
from test_content_errors import problems_of

PAGE = "---\ntitle: About\nsummary: What this is.\n---\nText.\n"

MISPLACED = [
    ("upper-case suffix", "content/briefs/2023/2023-12-07-geneva.MD",
     "is not read as a brief: briefs are Markdown files ending in .md; rename it to 2023-12-07-geneva.md"),
    ("text suffix after .md", "content/briefs/2023/2023-12-07-geneva.md.txt",
     "is not read as a brief: briefs are Markdown files ending in .md; rename it to 2023-12-07-geneva.md"),
    (".markdown suffix", "content/briefs/2023/2023-12-07-geneva.markdown",
     "is not read as a brief: briefs are Markdown files ending in .md; rename it to 2023-12-07-geneva.md"),
    ("folder 'brief' for 'briefs'", "content/brief/2023/2023-12-07-geneva.md",
     "is in content/brief/, a folder the build does not read (did you mean content/briefs/?), so it is not read as a brief: "
     "briefs live in content/briefs/YYYY/ and end in .md; move it to content/briefs/2023/2023-12-07-geneva.md"),
    ("brief directly in content/", "content/2023-12-07-geneva.md",
     "is not read as a brief: briefs live in content/briefs/YYYY/ and end in .md; move it to content/briefs/2023/2023-12-07-geneva.md"),
    ("brief among the pages", "content/pages/2023-12-07-geneva.md",
     "looks like a brief, but pages live here; move it to content/briefs/2023/"),
    ("brief in briefs/ without a year folder", "content/briefs/2023-12-07-geneva.md",
     "must be in the folder for its year, content/briefs/2023/"),
    ("brief in a folder below its year", "content/briefs/2023/drafts/2023-12-07-geneva.md",
     "must be in the folder for its year, content/briefs/2023/"),
    ("hidden brief", "content/briefs/2023/.2023-12-07-geneva.md",
     "is a hidden file (its name starts with '.'), so it would never be published; rename it without the '.', or remove it"),
    ("image beside the briefs", "content/briefs/2023/map.png",
     "is not a brief: briefs live in content/briefs/YYYY/ and end in .md (images and other files are not published)"),
    ("page with an upper-case suffix", "content/pages/about.MD",
     "is not read as a page: pages are Markdown files ending in .md; rename it to about.md"),
    ("page in a subfolder", "content/pages/more/about.md",
     "is not read as a page: pages live directly in content/pages/ and end in .md; move it to content/pages/about.md"),
    ("page directly in content/", "content/about.md",
     "is not read: pages live in content/pages/ and briefs in content/briefs/YYYY/, each ending in .md; move it to one of them"),
    ("settings as .yml", "content/site.yml",
     "is not a file the build reads (did you mean content/site.yaml?); the build reads only content/site.yaml, "
     "content/vocabulary.yaml, content/vocabulary.LANG.yaml, content/tracks.yaml, content/names.yaml, "
     "content/briefs/YYYY/YYYY-MM-DD-slug.LANG.md, content/briefs/YYYY/YYYY-MM-DD-slug.md, content/pages/NAME.LANG.md, content/pages/NAME.md; move or remove it"),
    ("tracks as .yml", "content/tracks.yml",
     "is not a file the build reads (did you mean content/tracks.yaml?); the build reads only content/site.yaml, "
     "content/vocabulary.yaml, content/vocabulary.LANG.yaml, content/tracks.yaml, content/names.yaml, "
     "content/briefs/YYYY/YYYY-MM-DD-slug.LANG.md, content/briefs/YYYY/YYYY-MM-DD-slug.md, content/pages/NAME.LANG.md, content/pages/NAME.md; move or remove it"),
    ("a file no issue has added yet", "content/places.yaml",
     "is not a file the build reads; the build reads only content/site.yaml, content/vocabulary.yaml, content/vocabulary.LANG.yaml, "
     "content/tracks.yaml, content/names.yaml, "
     "content/briefs/YYYY/YYYY-MM-DD-slug.LANG.md, content/briefs/YYYY/YYYY-MM-DD-slug.md, content/pages/NAME.LANG.md, content/pages/NAME.md; move or remove it"),
]


@pytest.mark.parametrize("path,message", [c[1:] for c in MISPLACED], ids=[c[0] for c in MISPLACED])
def test_each_misplaced_or_misnamed_file_is_an_error_naming_it(project, path, message):
    project.brief()
    project.write(path, PAGE if "/pages/" in path or path.endswith("about.md") else brief_text())
    assert problems_of(project) == [f"{path}:1: file: {message}"]
    result = build_py("check", cwd=project.root)
    assert result.returncode == 1 and f"{path}:1: file: {message}" in result.stderr
    assert "ok:" not in result.stdout


def test_a_hidden_folder_is_named(project):
    project.brief()
    project.write("content/briefs/.drafts/2023-12-08-x.md", brief_text(date="2023-12-08"))
    assert problems_of(project) == [
        "content/briefs/.drafts:1: file: is a hidden folder (its name starts with '.'), so nothing in it would be published; rename it or move its files out"
    ]


@pytest.mark.parametrize("name", [
    "2023-12-07-joint-statement.md~", ".2023-12-07-joint-statement.md.swp", "#2023-12-07-joint-statement.md#",
    ".DS_Store", "Thumbs.db", ".gitkeep", "4913", "2023-12-07-joint-statement.md.orig",
])
def test_editor_leftovers_are_ignored(project, name):
    project.brief()
    project.write(f"content/briefs/2023/{name}", b"\x00leftover")
    project.write(f"content/pages/{name}", b"\x00leftover")
    assert problems_of(project) == []


def test_tool_folders_are_ignored(project):
    project.brief()
    project.write("content/.git/HEAD", "ref: refs/heads/main\n")
    assert problems_of(project) == []


def test_a_folder_that_cannot_be_listed_is_named(project, monkeypatch):
    project.brief()
    (project.root / "content/briefs/2024").mkdir()
    real = layout.os.scandir

    def scandir(path):
        if str(path).endswith("2024"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(layout.os, "scandir", scandir)
    assert problems_of(project) == [
        "content/briefs/2024:1: file: is a folder that cannot be read (Permission denied); its files would be left out"
    ]


def test_the_known_kinds_are_one_table():
    assert [kind.name for kind in KNOWN_KINDS] == [
        "settings", "vocabulary", "vocabulary-translation", "tracks", "names", "brief-translation", "brief", "page-translation", "page",
    ]
    assert kind_of("briefs/2023/2023-12-07-x.hy.md").name == "brief-translation" and kind_of("pages/about.ru.md").name == "page-translation"
    assert kind_of("vocabulary.az.yaml").name == "vocabulary-translation"
    assert kind_of("site.yaml").name == "settings" and kind_of("vocabulary.yaml").name == "vocabulary"
    assert kind_of("tracks.yaml").name == "tracks" and kind_of("names.yaml").name == "names"
    assert kind_of("briefs/2023/2023-12-07-x.md").name == "brief" and kind_of("pages/about.md").name == "page"
    for unknown in ("site.yml", "pages/a/b.md", "briefs/2023/x.MD", "places.yaml", "x.md"):
        assert kind_of(unknown) is None, unknown


def test_a_new_kind_is_one_row(project, monkeypatch):
    # What a later issue does to add content/names.yaml: the walk then files it by kind.
    row = layout.FileKind("names", "names.yaml", layout.re.compile(r"names\.yaml"))
    monkeypatch.setattr(layout, "KNOWN_KINDS", (*KNOWN_KINDS, row))
    project.write("content/names.yaml", "names: []\n")
    found = survey_content(project.root, project.root / "content")
    assert found.problems == () and found.of("names") == (project.root / "content/names.yaml",)


def test_check_of_a_misplaced_file_gives_the_same_hint(project):
    path = project.write("content/brief/2023/2023-12-07-geneva.md", brief_text())
    result = build_py("check", str(path.relative_to(project.root)), cwd=project.root)
    assert result.returncode == 2
    assert "did you mean content/briefs/?" in result.stderr and "move it to content/briefs/2023/2023-12-07-geneva.md" in result.stderr

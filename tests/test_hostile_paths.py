"""Paths: nothing in content/ decides where a file is written, links out of content/ and
templates/ are refused, and --out can never point at the sources or someone's folder."""

from __future__ import annotations

import os
import shutil
import string
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.errors import BuildFailed
from briefing.content.loader import parse_brief, parse_page
from briefing.content.markdown_render import MarkdownRenderer
from briefing.model import Limits, Term, Vocabulary
from briefing.content.schema import BRIEF_ID, TERM_ID
from briefing.output.write import OutputError, safe_relative
from conftest import REPO, brief_text

VOCABULARY = Vocabulary((Term("statement", "S", "d"),), (Term("armenia", "A", "d"), Term("azerbaijan", "B", "d")), ())

# Brief file names (stems) that must never become ids, hence never output paths.
HOSTILE_STEMS = [
    "2023-12-07-..",
    "2023-12-07-a..b",
    "2023-12-07-../../etc/passwd",
    "2023-12-07-/etc/passwd",
    "/2023-12-07-abs",
    "2023-12-07-a\\..\\b",
    "2023-12-07-a\x00b",
    "2023-12-07-" + "a" * 2000,
    "2023-12-07-Joint-Statement",
    "2023-12-07-JOINT",
    "2023-12-07-\uff4aoint",          # fullwidth j
    "2023-12-07-j\u043eint",          # Cyrillic o
    "2023-12-07-joint\u200b",         # zero-width space
    "2023-12-07-joi\u0307nt",         # combining dot
    "2023-12-07-joint statement",
    "2023-12-07-joint%2f..",
    "2023-12-07-joint.html",
    "2023-12-07-joint-",
    "2023-12-07--joint",
    "2023-12-07-",
    "2023-12-07-joint\n",
    "２０２３-12-07-joint",
    "2023-12-07-con:stream",
    "2023-12-07-joint~1",
    "2023-12-07-.hidden",
]


@pytest.mark.parametrize("stem", HOSTILE_STEMS, ids=range(len(HOSTILE_STEMS)))
def test_hostile_brief_file_names_are_refused(stem):
    name = f"content/briefs/2023/{stem}.md"
    brief, problems = parse_brief(name, brief_text(), VOCABULARY, Limits(), MarkdownRenderer())
    assert brief is None
    assert any(p.field == "file" and p.line == 1 for p in problems), problems


@pytest.mark.parametrize("stem", ["..", ".", "About", "a..b", "a\\b", "about\n", "a" * 101, "\uff41bout", "a" * 500 + "\u0430", "ab out", "a\x00"])
def test_hostile_page_file_names_are_refused(stem):
    page, problems = parse_page(f"content/pages/{stem}.md", "---\ntitle: T\nsummary: S\n---\nBody.\n", Limits(), MarkdownRenderer())
    assert page is None and any(p.field == "file" for p in problems)


@given(st.text(alphabet=string.printable + "\u0131\u017f\u212a\uff41\u0430\u00e9\u0307", max_size=40))
def test_ids_are_lowercase_ascii_only_so_case_only_collisions_are_impossible(text):
    # A case-insensitive file system merges 'A' and 'a': ids can never hold either twice.
    for pattern in (BRIEF_ID, TERM_ID):
        if pattern.fullmatch(text):
            assert text == text.lower() and text.isascii()
            assert set(text) <= set(string.ascii_lowercase + string.digits + "-")


def test_two_files_differing_only_in_case_cannot_both_publish(project):
    project.brief("2023-12-07-joint-statement")
    project.write("content/briefs/2023/2023-12-07-Joint-Statement.md", brief_text())
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [(p.path, p.field) for p in failure.value.problems] == [("content/briefs/2023/2023-12-07-Joint-Statement.md", "file")]


@pytest.mark.parametrize(
    "path",
    ["../x", "a/../../x", "/etc/passwd", "a\\b", "a\x00b", "", ".", "a//b", "./a", "a/./b", "a/"],
)
def test_unsafe_output_paths_are_refused_by_the_writer(path):
    with pytest.raises(OutputError):
        safe_relative(path)


@pytest.mark.parametrize(
    "field,value",
    [("related", "[../../etc]"), ("related", "['2023-12-07-A']"), ("tags", "[../x]"), ("actors", "[ARMENIA]"), ("type", "../statement")],
)
def test_ids_in_front_matter_that_look_like_paths_are_refused(field, value, project):
    project.brief(**({field: value} if field in ("actors", "type") else {"extra": f"{field}: {value}\n"}))
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert {p.field for p in failure.value.problems} == {field}


@pytest.mark.parametrize("term_id", ["../x", "X", "a/b", "a\\b", "\uff41", "a b", ".hidden", "a.b"])
def test_vocabulary_ids_that_look_like_paths_are_refused(term_id, project):
    vocab = project.root / "content/vocabulary.yaml"
    vocab.write_text(vocab.read_text(encoding="utf-8").replace("id: cop29", f'id: "{term_id}"'), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [p.field for p in failure.value.problems] == ["tags[2].id"]


def secret_outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(brief_text(title="SECRET-OUTSIDE"), encoding="utf-8")
    return secret


@pytest.mark.parametrize(
    "link,expected",
    [
        ("content/briefs/2023/2023-12-07-linked.md", "content/briefs/2023/2023-12-07-linked.md"),
        ("content/pages/linked.md", "content/pages/linked.md"),
        ("content/site.yaml", "content/site.yaml"),
        ("content/vocabulary.yaml", "content/vocabulary.yaml"),
    ],
)
def test_file_links_out_of_content_are_refused(link, expected, project, tmp_path):
    secret = secret_outside(tmp_path)
    target = project.root / link
    if target.exists():
        target.unlink()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(secret)
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert any(p.path == expected and "link" in p.message for p in failure.value.problems), failure.value.problems
    assert not project.out.exists()


def test_folder_links_in_content_are_refused(project, tmp_path):
    secret = secret_outside(tmp_path)
    (project.root / "content/briefs/2023").mkdir(parents=True)
    (project.root / "content/briefs/2023/linked").symlink_to(secret.parent, target_is_directory=True)
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [(p.path, p.field) for p in failure.value.problems] == [("content/briefs/2023/linked", "file")]


@pytest.mark.parametrize("link", ["templates/evil.html", "templates/i18n/en.yaml", "templates/static/evil.css", "templates/static/evil-folder"])
def test_links_out_of_templates_are_refused(link, project, tmp_path):
    outside = tmp_path / "outside-templates"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET-OUTSIDE", encoding="utf-8")
    target = project.root / link
    if target.exists():
        target.unlink()
    if link.endswith("folder"):
        target.symlink_to(outside, target_is_directory=True)
    else:
        target.symlink_to(outside / "secret.txt")
    project.brief()
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert any(p.path == link and "link" in p.message for p in failure.value.problems), failure.value.problems
    assert not project.out.exists()


def test_a_linked_folder_inside_templates_is_refused_even_when_added_after_a_good_build(project):
    # Neither the list of templates nor the theme files copied from static/ follow a linked
    # folder, so what it holds could change without any build noticing.
    project.brief()
    (project.root / "templates/partials-v1").mkdir()
    (project.root / "templates/partials-v1/note.html").write_text("<p>one</p>\n", encoding="utf-8")
    project.build()
    before = {p.relative_to(project.out): p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    (project.root / "templates/partials").symlink_to(project.root / "templates/partials-v1", target_is_directory=True)
    with pytest.raises(BuildFailed) as failure:
        project.build()  # not "up to date": the new link is one of the inputs
    assert [(p.path, p.field, p.message) for p in failure.value.problems] == [
        ("templates/partials", "template", "is a linked folder; links to folders are not followed, move its files here"),
    ]
    assert {p.relative_to(project.out): p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == before


def run_cli(project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--root", str(project.root), *args],
        capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("where", ["root", "content", "templates", "briefs", "parent", "unrelated", "file", "link", "content-child"])
def test_out_pointing_at_sources_or_foreign_folders_is_refused(where, project, tmp_path):
    project.brief()
    unrelated = tmp_path / "documents"
    unrelated.mkdir()
    (unrelated / "thesis.txt").write_text("precious", encoding="utf-8")
    (tmp_path / "a-file").write_text("precious", encoding="utf-8")
    (tmp_path / "a-link").symlink_to(unrelated, target_is_directory=True)
    out = {
        "root": project.root, "content": project.root / "content", "templates": project.root / "templates",
        "briefs": project.root / "content/briefs", "parent": project.root.parent, "unrelated": unrelated,
        "file": tmp_path / "a-file", "link": tmp_path / "a-link", "content-child": project.root / "content/site",
    }[where]
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    result = run_cli(project, "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("error: output ") and "Traceback" not in result.stderr
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert (unrelated / "thesis.txt").read_text(encoding="utf-8") == "precious"


def test_out_inside_the_project_but_outside_sources_is_fine(project):
    project.brief()
    result = run_cli(project, "--out", str(project.root / "public"))
    assert result.returncode == 0, result.stderr
    assert (project.root / "public/briefs/2023-12-07-joint-statement/index.html").is_file()


def test_every_output_path_stays_inside_the_output_folder(project):
    for number in range(5):
        project.brief(f"2023-12-0{number + 1}-brief-{number}")
    project.build()
    out = project.out.resolve()
    for path in project.out.rglob("*"):
        assert not path.is_symlink()
        assert path.resolve().is_relative_to(out)
    # Besides site/, a build leaves only its cache and the kept staging folder beside it.
    assert set(os.listdir(project.root)) - {".cache", ".site.staging", ".site.lock"} == {"content", "site", "templates"}


def test_a_named_pipe_posing_as_a_brief_is_refused_without_hanging(project):
    project.brief()
    os.mkfifo(project.root / "content/briefs/2023/2023-12-08-pipe.md")
    # In a child process with a timeout: a build that opened the pipe for reading would
    # wait for a writer forever.
    result = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "--root", str(project.root), "--no-search"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "content/briefs/2023/2023-12-08-pipe.md:1: file: is not a regular file" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("folder", ["briefs", "pages"])
def test_a_linked_briefs_or_pages_folder_leading_outside_content_is_refused(project, tmp_path, folder):
    outside = tmp_path / "elsewhere"
    (outside / "2023").mkdir(parents=True)
    (outside / "2023" / "2023-12-07-secret.md").write_text(brief_text(title="Secret outside"), encoding="utf-8")
    (outside / "secret.md").write_text("---\ntitle: Secret\nsummary: Outside.\n---\nSecret outside.\n", encoding="utf-8")
    target = project.root / "content" / folder
    if target.exists():
        shutil.rmtree(target)
    target.symlink_to(outside, target_is_directory=True)
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [p.format() for p in failure.value.problems if p.path == f"content/{folder}"] == [
        f"content/{folder}:1: file: is a linked folder that leads outside content/; links out are refused"
    ]
    assert not (project.out / "briefs/2023-12-07-secret").exists()


SPECIAL_TARGETS = ["/dev/zero", "/dev/urandom", "/proc/self/mem", "/proc/kcore", "/dev/stdin"]


@pytest.mark.parametrize("kind", ["link to an endless file", "link to a pipe", "huge file", "link to a folder of files"])
def test_nothing_under_content_is_opened_before_it_is_known_to_be_a_regular_file_inside(project, tmp_path, kind):
    """A link to /dev/zero, /proc/kcore or a pipe, or a file of gigabytes: refused at once by
    every command, never read, on every build (the input walk digests it by identity)."""
    project.brief()
    folder = project.root / "content/briefs/2023"
    if kind == "link to an endless file":
        for number, target in enumerate(SPECIAL_TARGETS):
            if os.path.exists(target):
                (folder / f"2023-12-0{number + 1}-special.md").symlink_to(target)
    elif kind == "link to a pipe":
        os.mkfifo(tmp_path / "pipe")
        (folder / "2023-12-08-pipe.md").symlink_to(tmp_path / "pipe")
    elif kind == "huge file":
        with open(folder / "2023-12-08-huge.md", "wb") as stream:
            stream.truncate(8 * 1024 ** 3)  # sparse: 8 GiB that take no disk
    else:
        (tmp_path / "outside").mkdir()
        (folder / "2023-12-08-folder.md").symlink_to(tmp_path / "outside", target_is_directory=True)
    for command in (["build", "--no-search"], ["check"], ["build", "--no-search"]):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, str(REPO / "build.py"), *command, "--root", str(project.root)],
            capture_output=True, text=True, timeout=120,
        )
        assert time.monotonic() - started < 20, command
        assert result.returncode == 1, result.stdout + result.stderr
        assert "content/briefs/2023/2023-12-0" in result.stderr + result.stdout
        assert "Traceback" not in result.stderr

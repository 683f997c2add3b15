"""Warnings: `check` points out a source without an archived copy at its line, never changes
the exit status, counts rather than lists many, and reports them to GitHub Actions."""

from __future__ import annotations

import re

from briefing.errors import WARNING, BuildFailed, Problem
from conftest import REPO, brief_text
from test_build import build_py

ARCHIVED = "    archived: https://web.archive.org/web/2023/https://news.az/news/moscow-hails\n"
WARNING_TEXT = "no archived copy; add the address of a snapshot (e.g. from web.archive.org) so readers can still read the source if its page moves or disappears"


def test_a_warning_is_formatted_apart_from_errors():
    warning = Problem("a.md", 8, "sources[1].archived", "no archived copy", WARNING)
    assert warning.format() == "a.md:8: sources[1].archived: warning: no archived copy"
    assert warning.format_github() == "::warning file=a.md,line=8,title=sources[1].archived::no archived copy"
    failure = BuildFailed([warning, Problem("a.md", 2, "title", "bad")])
    assert [p.field for p in failure.problems] == ["title"] and failure.warnings == (warning,)


def test_a_source_without_an_archived_copy_warns_at_its_line_and_passes(project):
    project.brief()
    project.brief("2023-12-08-archived", extra=ARCHIVED)
    result = build_py("check", cwd=project.root)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [f"content/briefs/2023/2023-12-07-joint-statement.md:8: sources[1].archived: warning: {WARNING_TEXT}"]
    assert result.stdout == "ok: 2 briefs and 0 pages are valid, with 1 warning\n"
    built = build_py("-q", "--no-search", cwd=project.root)  # a build has no warnings to show
    assert built.returncode == 0 and built.stderr == ""


def test_every_source_is_warned_about_at_its_own_line(project):
    second = "  - publisher: Armenpress\n    title: Statement\n    url: https://armenpress.am/x\n"
    project.brief(extra=ARCHIVED + second)
    result = build_py("check", "content/briefs/2023/2023-12-07-joint-statement.md", cwd=project.root)
    assert result.returncode == 0
    assert [line.split(": warning")[0] for line in result.stderr.splitlines()] == ["content/briefs/2023/2023-12-07-joint-statement.md:13: sources[2].archived"]


def test_many_warnings_are_counted_in_one_line_and_listed_on_request(project):
    for day in range(1, 13):
        project.brief(f"2023-12-{day:02d}-brief")
    result = build_py("check", cwd=project.root)
    assert result.returncode == 0
    assert result.stderr == "12 warnings in 12 files, not listed: `python build.py check --all-warnings` lists them, or check single files\n"
    listed = build_py("check", "--all-warnings", cwd=project.root)
    assert listed.returncode == 0 and len(listed.stderr.splitlines()) == 12
    assert all(": sources[1].archived: warning: " in line for line in listed.stderr.splitlines())


def test_warnings_never_change_the_exit_status_of_a_failing_check(project):
    project.brief()
    project.brief("2023-12-08-broken", type="zzz")
    result = build_py("check", cwd=project.root)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "check failed: 1 error in 1 file"
    assert any(": warning: " in line for line in lines) and sum(": warning: " not in line for line in lines) == 2


def test_under_github_actions_warnings_are_annotations_and_in_the_job_summary(project, tmp_path):
    project.brief()
    summary = tmp_path / "summary.md"
    result = build_py("check", cwd=project.root, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"::warning file=content/briefs/2023/2023-12-07-joint-statement.md,line=8,title=sources[1].archived::{WARNING_TEXT}",
        "ok: 1 brief and 0 pages are valid, with 1 warning",
    ]
    text = summary.read_text()
    assert "<summary>1 warning in 1 file (they do not fail the check)</summary>" in text
    assert f"| `content/briefs/2023/2023-12-07-joint-statement.md` | 8 | `sources[1].archived` | `{WARNING_TEXT}` |" in text


def test_the_bundled_briefs_warn_but_pass_and_no_archived_address_is_invented():
    result = build_py("check", "--all-warnings", cwd=REPO)
    assert result.returncode == 0, result.stderr
    count = int(re.search(r"with (\d+) warnings", result.stdout)[1])
    assert count == len(result.stderr.splitlines()) > 0
    # No bundled source claims an archived copy nobody here could verify.
    assert not [p for p in (REPO / "content/briefs").rglob("*.md") if "archived:" in p.read_text(encoding="utf-8")]

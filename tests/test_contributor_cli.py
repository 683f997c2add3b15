"""The contributor's command line: `check FILE...`, `check --format github` (workflow
commands and the job summary), and `new` asking only on a terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.errors import Problem
from conftest import REPO, brief_text
from test_build import build_py

COMMAND = re.compile(r"^::error file=(?P<file>[^,:\r\n]+),line=(?P<line>[1-9][0-9]*),title=(?P<title>[^,:\r\n]+)::(?P<message>[^\r\n]*)$")


def unescape(text: str) -> str:
    """Undo GitHub's workflow-command escaping (the runner does this before annotating)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


class TestGithubFormat:
    def test_escapes_data_and_properties_as_the_workflow_command_spec_says(self):
        problem = Problem("content/a,b:c.md", 0, "sources[1].url", "100% wrong\r\nsee: a, b")
        # Line breaks are shown as escapes, as on the terminal, so no value can end the command.
        assert problem.format_github() == "::error file=content/a%2Cb%3Ac.md,line=1,title=sources[1].url::100%25 wrong\\r\\nsee: a, b"

    def test_every_problem_becomes_one_exact_workflow_command_and_the_check_fails(self, project):
        project.brief(type="'50%: a,b'", actors="[armenia, atlantis]")
        project.write("content/briefs/2024/2024-01-01-x,y:z.md", brief_text(date="2024-01-01"))
        result = build_py("check", "--format", "github", cwd=project.root)
        assert result.returncode == 1
        text_lines = result.stderr.splitlines()[:-1]  # the text format, minus the summary line
        commands = result.stdout.splitlines()
        assert len(commands) == len(text_lines) == 3
        for command, text in zip(commands, text_lines):
            match = COMMAND.match(command)
            assert match, command
            decoded = f"{unescape(match['file'])}:{match['line']}: {unescape(match['title'])}: {unescape(match['message'])}"
            assert decoded == text
        assert "::error file=content/briefs/2023/2023-12-07-joint-statement.md,line=4,title=type::unknown milestone type '50%25: a,b' (types are listed in content/vocabulary.yaml)" in commands
        assert any(c.startswith("::error file=content/briefs/2024/2024-01-01-x%2Cy%3Az.md,line=1,title=file::") for c in commands)

    def test_under_github_actions_annotations_and_a_job_summary_table(self, project, tmp_path):
        project.brief(type="zzz", summary="'A | B'", actors="[]")
        summary = tmp_path / "summary.md"
        summary.write_text("earlier step\n")
        env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
        result = build_py("check", cwd=project.root, env=env)
        assert result.returncode == 1
        assert [line.split("::")[1].split(",")[-1] for line in result.stdout.splitlines()] == ["title=type", "title=actors"]
        table = summary.read_text()
        assert table.startswith("earlier step\n### Content check failed\n")
        assert "check failed: 2 errors in 1 file. Fix each line below" in table
        assert "| `content/briefs/2023/2023-12-07-joint-statement.md` | 4 | `type` | `unknown milestone type 'zzz' (types are listed in content/vocabulary.yaml)` |" in table
        assert "| `content/briefs/2023/2023-12-07-joint-statement.md` | 5 | `actors` | `needs at least 1 entry` |" in table

    def test_a_passing_check_says_so_in_the_job_summary(self, project, tmp_path):
        project.brief(extra="    archived: https://web.archive.org/web/2023/https://news.az/news/moscow-hails\n")
        summary = tmp_path / "summary.md"
        result = build_py("check", cwd=project.root, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
        assert result.returncode == 0 and result.stdout == "ok: 1 brief and 0 pages are valid\n"
        assert summary.read_text() == "### Content check passed\n\nok: 1 brief and 0 pages are valid\n\n"

    def test_messages_in_the_summary_cannot_break_the_table(self):
        from briefing.errors import markdown_summary

        table = markdown_summary((Problem("a.md", 3, "title", "x | y\nz `code` <b>"),))
        # Every value is a code span (no links, HTML or mentions); '|' is escaped for the table.
        assert table.splitlines()[-1] == "| `a.md` | 3 | `title` | ``x \\| y\\nz `code` <b>`` |"


class TestCheckFiles:
    def broken_neighbours(self, project, count: int = 5):
        for n in range(count):
            project.write(f"content/briefs/2022/2022-01-{n + 10:02d}-broken.md", "---\ntitle: [\n---\n")

    def test_checks_only_the_given_brief(self, project):
        good = project.brief()
        self.broken_neighbours(project)
        assert build_py("check", cwd=project.root).returncode == 1
        result = build_py("check", str(good.relative_to(project.root)), cwd=project.root)
        assert result.returncode == 0, result.stderr
        assert re.fullmatch(r"ok: 1 brief and 0 pages are valid \(\d+\.\d\d s\), with 1 warning\n", result.stdout)

    def test_reports_the_given_briefs_problems_with_their_paths(self, project):
        bad = project.brief("2023-12-08-bad", type="zzz", extra="related: [2023-12-07-joint-statment, 2022-01-10-broken]\n")
        project.brief()
        self.broken_neighbours(project, 1)
        result = build_py("check", str(bad), cwd=project.root)  # an absolute path works too
        assert result.returncode == 1
        # The field error and the bad related id in one run; the broken neighbour's id exists.
        assert result.stderr.splitlines() == [
            "content/briefs/2023/2023-12-08-bad.md:4: type: unknown milestone type 'zzz' (types are listed in content/vocabulary.yaml)",
            "content/briefs/2023/2023-12-08-bad.md:12: related: no brief has the id '2023-12-07-joint-statment' (did you mean '2023-12-07-joint-statement'?)",
            "check failed: 2 errors in 1 file",
        ]
        bad.write_text(brief_text(date="2023-12-08", extra="related: [2023-12-07-joint-statment, 2022-01-10-broken, 2023-12-08-bad]\n"))
        result = build_py("check", "content/briefs/2023/2023-12-08-bad.md", cwd=project.root)
        assert result.stderr.splitlines() == [
            "content/briefs/2023/2023-12-08-bad.md:12: related: a brief cannot be related to itself",
            "content/briefs/2023/2023-12-08-bad.md:12: related: no brief has the id '2023-12-07-joint-statment' (did you mean '2023-12-07-joint-statement'?)",
            # A brief that parses has its warnings shown too, before the closing line.
            "content/briefs/2023/2023-12-08-bad.md:8: sources[1].archived: warning: no archived copy; add the address of a snapshot (e.g. from web.archive.org) so readers can still read the source if its page moves or disappears",
            "check failed: 2 errors in 1 file",
        ]

    def test_duplicate_ids_involving_the_file_are_reported(self, project):
        first = project.brief()
        project.write("content/briefs/2024/2023-12-07-joint-statement.md", brief_text())
        result = build_py("check", str(first), cwd=project.root)
        assert result.returncode == 1
        assert "content/briefs/2023/2023-12-07-joint-statement.md:1: id: '2023-12-07-joint-statement' is also the id of content/briefs/2024/2023-12-07-joint-statement.md; ids must be unique" in result.stderr

    def test_pages_and_settings_are_checked_too(self, project):
        page = project.write("content/pages/about.md", "---\ntitle: About\nsummary: What this is.\nmenu: top\n---\nText.\n")
        result = build_py("check", "content/pages/about.md", cwd=project.root)
        assert result.returncode == 1 and "content/pages/about.md:4: menu: unknown field 'menu'" in result.stderr
        page.write_text("---\ntitle: About\nsummary: What this is.\n---\nText.\n")
        assert build_py("check", "content/pages/about.md", cwd=project.root).stdout.startswith("ok: 0 briefs and 1 page are valid")
        (project.root / "content/site.yaml").write_text("title: x\n")
        broken_site = build_py("check", "content/pages/about.md", cwd=project.root)
        assert broken_site.returncode == 1 and "content/site.yaml:1: description: required field is missing" in broken_site.stderr

    @pytest.mark.parametrize("argument", ["README.md", "content/site.yaml", "content/briefs/2023/missing.md", "templates/base.html"])
    def test_files_outside_briefs_and_pages_are_usage_errors(self, project, argument):
        project.write("README.md", "# hi\n")
        result = build_py("check", argument, cwd=project.root)
        assert result.returncode == 2 and result.stderr.startswith(f"build.py: error: {argument}: ")

    def test_one_brief_in_a_large_archive_is_checked_in_well_under_a_second(self, project):
        for n in range(400):
            day = f"2023-{n // 28 + 1:02d}-{n % 28 + 1:02d}"
            project.write(f"content/briefs/2023/{day}-brief-{n}.md", brief_text(date=day))
        result = build_py("check", "content/briefs/2023/2023-01-01-brief-0.md", cwd=project.root)
        seconds = float(re.search(r"\((\d+\.\d+) s\)", result.stdout)[1])
        print(f"check of 1 brief among 400: {seconds:.3f} s in-process")
        assert seconds < 1.0  # typically ~0.05 s; bench/check_one_brief.py measures properly


def run_on_terminal(args: list[str], answers: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run build.py with a pseudo-terminal as stdin, typing `answers` into it."""
    main, secondary = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("GITHUB_ACTIONS", None)
    with subprocess.Popen([sys.executable, str(REPO / "build.py"), *args], cwd=cwd, env=env, stdin=secondary,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        os.close(secondary)
        os.write(main, answers.encode())
        try:
            stdout, stderr = process.communicate(timeout=60)
        finally:
            os.close(main)
    return subprocess.CompletedProcess(args, process.returncode, stdout, stderr)


class TestNewOnATerminal:
    def test_asks_nothing_when_given_its_arguments(self, project):
        result = run_on_terminal(["new", "--date", "2024-04-19", "--type", "summit", "Leaders meet"], "", project.root)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "content/briefs/2024/2024-04-19-leaders-meet.md\n"
        assert result.stderr == ""

    def test_prompts_for_missing_arguments_until_they_are_valid(self, project):
        answers = "Leaders meet in Sochi\n2024-02-30\n2024-04-19\nsumit\nsummit\n"
        result = run_on_terminal(["new"], answers, project.root)
        assert result.returncode == 0, result.stderr
        assert result.stdout == (
            "Title: Date of the event (YYYY-MM-DD): Date of the event (YYYY-MM-DD): "
            "Milestone type (statement, prisoner-release, summit): Milestone type (statement, prisoner-release, summit): "
            "content/briefs/2024/2024-04-19-leaders-meet-in-sochi.md\n"
        )
        assert result.stderr.splitlines() == [
            "there is no 30 February 2024 (February has 29 days)",
            "unknown milestone type 'sumit'; choose one of statement, prisoner-release, summit",
        ]
        path = project.root / "content/briefs/2024/2024-04-19-leaders-meet-in-sochi.md"
        text = path.read_text()
        assert "title: Leaders meet in Sochi\ndate: 2024-04-19\ntype: summit\n" in text
        assert "  date: 2024-04-19\n" in text and "&" not in text and "*" not in text  # no YAML anchors

    def test_only_missing_arguments_are_asked_for(self, project):
        result = run_on_terminal(["new", "--date", "2024-04-19", "Leaders meet"], "summit\n", project.root)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Milestone type (") and result.stdout.count(": ") == 1

    def test_end_of_input_at_a_prompt_is_a_usage_error(self, project):
        result = run_on_terminal(["new"], "\x04", project.root)
        assert result.returncode == 2 and "missing title: no answer given" in result.stderr
        assert not (project.root / "content/briefs/2024").exists()

    def test_refuses_to_overwrite_on_a_terminal_too(self, project):
        args = ["new", "--date", "2024-04-19", "--type", "summit", "Leaders meet"]
        assert run_on_terminal(args, "", project.root).returncode == 0
        path = project.root / "content/briefs/2024/2024-04-19-leaders-meet.md"
        path.write_text("edited\n")
        again = run_on_terminal(args, "", project.root)
        assert again.returncode == 2 and "already exists" in again.stderr and again.stdout == ""
        assert path.read_text() == "edited\n"

    def test_a_prompted_brief_with_placeholders_filled_passes_check_and_builds(self, project):
        result = run_on_terminal(["new", "--actors", "armenia,azerbaijan"], "Leaders meet\n2024-04-19\nsummit\n", project.root)
        relative = result.stdout.rsplit(": ", 1)[-1].strip()
        path = project.root / relative
        assert build_py("check", relative, cwd=project.root).returncode == 1
        front, _ = path.read_text().split("---\n")[1:]
        filled = (
            front.replace("'TODO: one to three plain sentences saying what happened (at most 400 characters).'", "The leaders met.")
            .replace("'TODO: who published the source'", "Armenpress")
            .replace("'TODO: the source''s headline'", "Leaders meet")
            .replace("'TODO: https://...'", "https://example.org/meeting")
        )
        assert "TODO" not in filled
        path.write_text(f"---\n{filled}---\nThe two leaders met and agreed to keep talking.\n")
        checked = build_py("check", relative, cwd=project.root)
        assert checked.returncode == 0, checked.stderr
        assert build_py("-q", cwd=project.root).returncode == 0
        assert (project.out / "briefs/2024-04-19-leaders-meet/index.html").is_file()


class TestMessages:
    def test_check_says_check_failed_not_build_failed(self, project):
        project.brief(type="zzz")
        result = build_py("check", cwd=project.root)
        assert result.stderr.splitlines()[-1] == "check failed: 1 error in 1 file"
        assert "build failed" not in result.stderr and "site/" not in result.stderr

    def test_a_build_still_says_its_output_is_left_unchanged(self, project):
        project.brief(type="zzz")
        result = build_py("build", cwd=project.root)
        assert result.stderr.splitlines()[-1] == "build failed: 1 error in 1 file; site/ left unchanged"

    @pytest.mark.parametrize("date,message", [
        ("2026-02-30", "there is no 30 February 2026 (February has 28 days)"),
        ("2023-02-29", "there is no 29 February 2023 (2023 is not a leap year)"),
        ("2026-04-31", "there is no 31 April 2026 (April has 30 days)"),
        ("2026-13-01", "there is no month 13 (months run from 01 to 12)"),
        ("2026-2-3", "'2026-2-3' is not a date as YYYY-MM-DD (e.g. 2024-04-19)"),
    ])
    def test_new_says_what_is_wrong_with_a_date(self, project, date, message):
        result = build_py("new", "--date", date, "--type", "summit", "Leaders meet", cwd=project.root)
        assert result.returncode == 2 and result.stderr == f"build.py: error: --date: {message}\n"

    def test_new_writes_related_and_the_headings_the_guide_asks_for(self, project):
        result = build_py("new", "--date", "2024-04-19", "--type", "summit", "Leaders meet", cwd=project.root)
        text = (project.root / result.stdout.strip()).read_text()
        assert "\nrelated: []\n" in text and "\ntags: []\n" in text
        assert "\n## Context\n" in text and "\n## Disputed or uncertain details\n" in text
        guide = (REPO / "CONTRIBUTING.md").read_text() + (REPO / "docs/reference.md").read_text()
        assert "Disputed or uncertain details" in guide and "`related`" in guide

    def test_a_placeholder_left_anywhere_in_the_body_fails(self, project):
        project.brief(body="What happened.\n\n## Context\n\nTODO: why it matters.\n")
        result = build_py("check", cwd=project.root)
        assert "content/briefs/2023/2023-12-07-joint-statement.md:17: body: still holds the placeholder text" in result.stderr


def test_check_file_passes_every_bundled_brief_from_the_project_folder(tmp_path):
    """What CI's warnings step runs on the files a pull request edits: `check FILE...` from
    the project folder (root '.'). Once the brief's own moves were taken for another
    file's ('ntent/briefs/...'), and every brief with moves failed."""
    import shutil

    for folder in ("content", "templates"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    briefs = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "content/briefs").rglob("*.md"))
    result = build_py("check", *briefs, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(rf"ok: {len(briefs)} briefs? ", result.stdout + result.stderr), result.stdout + result.stderr

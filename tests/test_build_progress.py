"""The build's progress line (terminal only) and its one-line summary."""

from __future__ import annotations

import io

from briefing import cli
from briefing.cli import ProgressLine


def test_summary_counts_written_and_unchanged_pages(project, capsys):
    project.brief()
    assert cli.main(["build", "--root", str(project.root)]) == 0
    first = capsys.readouterr()
    assert "built 1 briefs into" in first.out and "0 unchanged" in first.out
    assert "\r" not in first.err  # not a terminal: no progress line
    assert cli.main(["build", "--root", str(project.root)]) == 0
    again = capsys.readouterr().out
    assert "site/ is up to date: " in again and "(1 briefs, " in again
    (project.root / "templates" / "unused.txt").write_text("x\n", encoding="utf-8")
    assert cli.main(["build", "--root", str(project.root)]) == 0
    third = capsys.readouterr().out
    assert " 0 pages written, " in third and " unchanged, in " in third
    assert cli.main(["build", "-q", "--root", str(project.root)]) == 0
    assert capsys.readouterr().out == ""


def test_no_cache_option_writes_everything(project, capsys):
    project.brief()
    cli.main(["build", "--root", str(project.root)])
    capsys.readouterr()
    cli.main(["build", "--no-cache", "--root", str(project.root)])
    assert " 0 unchanged" in capsys.readouterr().out


def test_progress_line_shows_counts_and_rate_and_clears():
    stream = io.StringIO()
    ticks = iter([0.0, 2.0])
    line = ProgressLine(stream, clock=lambda: next(ticks))
    line("rendering", 10, 100)
    line("rendering", 50, 100)
    line.clear()
    text = stream.getvalue()
    assert "rendering 10/100" in text and "rendering 50/100 (20/s)" in text
    assert text.endswith("\r\x1b[K")


def test_progress_is_shown_only_on_a_terminal_outside_ci(project, monkeypatch):
    project.brief()
    seen = []
    monkeypatch.setattr(cli, "build_site", lambda options, progress=None, **_: seen.append(progress) or _Report())
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("CI", raising=False)
    cli.main(["build", "-q", "--root", str(project.root)])
    cli.main(["build", "--root", str(project.root)])
    monkeypatch.setenv("CI", "true")
    cli.main(["build", "--root", str(project.root)])
    assert [p is not None for p in seen] == [False, True, False]


class _Report:
    briefs = files = bytes = written = unchanged = 0
    seconds = 0.0
    search = None

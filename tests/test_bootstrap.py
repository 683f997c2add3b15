"""`python build.py ...` works as the guides write it: a Python without the dependencies
hands over to the project's .venv, or says in one line what to run first (no traceback)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO


def bare_python(folder: Path) -> Path:
    """A fresh virtual environment with no packages at all (not even pip)."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    return folder / "bin" / "python"


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """The files a fresh clone has (no .venv)."""
    root = tmp_path / "clone"
    root.mkdir()
    shutil.copy(REPO / "build.py", root)
    for folder in ("briefing", "content", "templates"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def run(python: Path, clone: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "BRIEFING_HANDED_OVER")}
    return subprocess.run([str(python), "build.py", *args], cwd=clone, env=env, capture_output=True, text=True, timeout=120)


def test_without_dependencies_or_venv_one_line_says_what_to_run(clone, tmp_path):
    python = bare_python(tmp_path / "bare")
    result = run(python, clone, "--help")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("build.py: this Python lacks the module '")
    assert "run `make site` first" in result.stderr and "CONTRIBUTING.md" in result.stderr


def test_without_dependencies_hands_over_to_the_project_venv(clone, tmp_path):
    python = bare_python(tmp_path / "bare")
    (clone / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)  # the test run's own venv
    result = run(python, clone, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: build.py") and result.stderr == ""
    checked = run(python, clone, "check", "-q")
    assert checked.returncode == 0, checked.stderr


def test_an_exit_status_passes_through_the_hand_over(clone, tmp_path):
    python = bare_python(tmp_path / "bare")
    (clone / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    brief = next((clone / "content/briefs").rglob("*.md"))
    brief.write_text(brief.read_text().replace("type: ", "type: not-a-type-", 1))
    result = run(python, clone, "check")
    assert result.returncode == 1 and "unknown milestone type 'not-a-type-" in result.stderr


def test_an_incomplete_venv_is_named_once_not_entered_again_and_again(clone, tmp_path):
    python = bare_python(tmp_path / "bare")
    bare_python(clone / ".venv")  # a .venv whose set-up was interrupted
    result = run(python, clone, "--help")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("build.py: the project's .venv lacks the module '") and "make site" in result.stderr

#!/usr/bin/env python3
"""Build the archive: `python build.py --help` lists the commands.

Run by a Python without the project's dependencies, it hands over to the project's own
environment (.venv, made by `make site`) or says in one line what to run first.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The modules the engine imports from its dependencies (see requirements/site.in).
DEPENDENCIES = ("jinja2", "markdown", "markupsafe", "nh3", "yaml")
SET_UP = "run `make site` first (without make: see \"Without make\" in CONTRIBUTING.md)"


def project_python() -> Path:
    """The interpreter of the project's virtual environment, on POSIX or Windows."""
    unix = ROOT / ".venv" / "bin" / "python"
    return unix if os.name != "nt" else ROOT / ".venv" / "Scripts" / "python.exe"


def hand_over(missing: str) -> int:
    """Run this command again in .venv, or explain in one line; return the exit status."""
    python = project_python()
    inside = Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()
    if not python.exists() or inside or os.environ.get("BRIEFING_HANDED_OVER"):
        where = "the project's .venv lacks" if python.exists() else "this Python lacks"
        print(f"build.py: {where} the module '{missing}'; {SET_UP}", file=sys.stderr)
        return 2
    command = [str(python), str(Path(__file__).resolve()), *sys.argv[1:]]
    env = {**os.environ, "BRIEFING_HANDED_OVER": "1"}  # never hand over twice
    if os.name != "nt":
        os.execve(command[0], command, env)  # replaces this process: signals and exit status pass through
    return subprocess.run(command, env=env).returncode


def main() -> int:
    if sys.version_info < (3, 11):
        print(f"build.py: needs Python 3.11 or newer, this is {sys.version.split()[0]}; {SET_UP}", file=sys.stderr)
        return 2
    try:
        for name in DEPENDENCIES:
            __import__(name)
    except ModuleNotFoundError as exc:
        return hand_over(exc.name or "?")
    from briefing.cli import main as run

    return run()


if __name__ == "__main__":
    sys.exit(main())

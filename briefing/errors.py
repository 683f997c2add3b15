"""Content problems: one record per problem, formatted as `path:line: field: message`.

Every stage appends problems to a list instead of raising, so a contributor sees all of
them in one run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located at a file and line."""

    path: str
    line: int
    field: str
    message: str

    def format(self) -> str:
        """Return the problem as `path:line: field: message`."""
        return f"{self.path}:{self.line}: {self.field}: {self.message}"

    def format_github(self) -> str:
        """Return the problem as a GitHub Actions `::error` workflow command."""
        props = ",".join(
            [
                f"file={_escape_property(self.path)}",
                f"line={max(self.line, 1)}",
                f"title={_escape_property(self.field)}",
            ]
        )
        return f"::error {props}::{_escape_data(self.message)}"


class BuildFailed(Exception):
    """Raised by a stage when content or templates have problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(sorted(set(problems)))
        super().__init__(f"{len(self.problems)} problem(s)")


def failure_summary(problems: tuple[Problem, ...], out_name: str = "site") -> str:
    """Return the closing line of a failed build, e.g. `build failed: 2 errors in 1 file`."""
    files = len({p.path for p in problems})
    errors = "error" if len(problems) == 1 else "errors"
    file_word = "file" if files == 1 else "files"
    return f"build failed: {len(problems)} {errors} in {files} {file_word}; {out_name}/ left unchanged"


def markdown_summary(problems: tuple[Problem, ...], out_name: str = "site") -> str:
    """Return every problem as a Markdown table, for the GitHub Actions job summary."""
    rows = [
        f"| `{_escape_cell(p.path)}` | {max(p.line, 1)} | `{_escape_cell(p.field)}` | {_escape_cell(p.message)} |"
        for p in problems
    ]
    return "\n".join(
        [
            "### Content check failed",
            "",
            failure_summary(problems, out_name) + ". Fix each line below, then run `make check` again.",
            "",
            "| file | line | field | problem |",
            "|---|---|---|---|",
            *rows,
            "",
        ]
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ` (did you mean 'x'?)` for the closest choice, or an empty string."""
    match = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping (actions/toolkit `escapeData`): '%' first, so the
    # escapes themselves are not escaped again; properties also escape ':' and ','.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _escape_cell(text: str) -> str:
    # A table cell is one line; '|' would end it and '`' or '<' could open code or HTML.
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'").replace("<", "&lt;")

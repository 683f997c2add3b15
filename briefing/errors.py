"""Content problems: one record per problem, formatted as `path:line: field: message`.

Every stage appends problems to a list instead of raising, so a contributor sees all of
them in one run.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


ERROR = "error"
WARNING = "warning"  # pointed out by `check`, never failing it


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located at a file and line.

    An error stops the build; a warning (severity WARNING) is only pointed out.
    """

    path: str
    line: int
    field: str
    message: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def format(self) -> str:
        """Return the problem as `path:line: field: message` (`field: warning: message` for a warning)."""
        kind = "" if self.is_error else f"{self.severity}: "
        return f"{self.path}:{self.line}: {self.field}: {kind}{self.message}"

    def format_github(self) -> str:
        """Return the problem as a GitHub Actions `::error` or `::warning` workflow command."""
        props = ",".join(
            [
                f"file={_escape_property(self.path)}",
                f"line={max(self.line, 1)}",
                f"title={_escape_property(self.field)}",
            ]
        )
        return f"::{self.severity} {props}::{_escape_data(self.message)}"


def errors_of(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """The errors among some problems, without the warnings."""
    return tuple(p for p in problems if p.is_error)


def warnings_of(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """The warnings among some problems."""
    return tuple(p for p in problems if not p.is_error)


class BuildFailed(Exception):
    """Raised by a stage when content or templates have problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]):
        found = sorted(set(problems))
        self.problems = errors_of(found)
        self.warnings = warnings_of(found)  # found on the way; they alone never fail anything
        super().__init__(f"{len(self.problems)} problem(s)")

    def __reduce__(self):
        # Raised in a worker process, it travels back pickled: rebuild it from its problems.
        return type(self), (self.problems + self.warnings,)


def failure_summary(problems: tuple[Problem, ...], out_name: str = "site", command: str = "build") -> str:
    """Return the closing line of a failed command, e.g. `build failed: 2 errors in 1 file`.

    Only a build says what became of its output: `check` writes nothing.
    """
    files = len({p.path for p in problems})
    errors = "error" if len(problems) == 1 else "errors"
    file_word = "file" if files == 1 else "files"
    kept = f"; {out_name}/ left unchanged" if command == "build" else ""
    return f"{command} failed: {len(problems)} {errors} in {files} {file_word}{kept}"


def count(number: int, noun: str) -> str:
    """'1 warning', '2 warnings'."""
    return f"{number} {noun}" + ("" if number == 1 else "s")


def markdown_summary(problems: tuple[Problem, ...], out_name: str = "site", command: str = "build", warnings: tuple[Problem, ...] = ()) -> str:
    """Return every problem as a Markdown table, for the GitHub Actions job summary."""
    return "\n".join(
        [
            "### Content check failed",
            "",
            failure_summary(problems, out_name, command) + ". Fix each line below, then run `make check` again.",
            "",
            *problem_table(problems),
            *warning_details(warnings),
        ]
    )


def problem_table(problems: tuple[Problem, ...]) -> list[str]:
    """Lines of a Markdown table of problems (empty when there are none)."""
    if not problems:
        return []
    rows = [
        f"| `{escape_cell(p.path)}` | {max(p.line, 1)} | `{escape_cell(p.field)}` | {escape_cell(p.message)} |"
        for p in problems
    ]
    return ["| file | line | field | problem |", "|---|---|---|---|", *rows, ""]


def warning_details(warnings: tuple[Problem, ...]) -> list[str]:
    """Lines of a folded Markdown section listing every warning (empty when there are none)."""
    if not warnings:
        return []
    files = len({w.path for w in warnings})
    return [
        "<details>",
        f"<summary>{count(len(warnings), 'warning')} in {count(files, 'file')} (they do not fail the check)</summary>",
        "",
        *problem_table(warnings),
        "</details>",
        "",
    ]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return ` (did you mean 'x'?)` for the closest choice, or an empty string."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match else ""


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice most like `word`, or None when none is close enough (0 to 1)."""
    match = difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=cutoff)
    return match[0] if match else None


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping (actions/toolkit `escapeData`): '%' first, so the
    # escapes themselves are not escaped again; properties also escape ':' and ','.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def escape_cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    # A table cell is one line; '|' would end it and '`' or '<' could open code or HTML.
    text = " ".join(text.split())
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'").replace("<", "&lt;")

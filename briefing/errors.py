"""Content problems: one record per problem, formatted as `path:line: field: message`.

Every stage appends problems to a list instead of raising, so a contributor sees all of
them in one run.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import unicodedata
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
        """Return the problem as `path:line: field: message` (`field: warning: message` for a
        warning), safe to print on a terminal."""
        kind = "" if self.is_error else f"{self.severity}: "
        return f"{escape_terminal(self.path)}:{self.line}: {escape_terminal(self.field)}: {kind}{escape_terminal(self.message)}"

    def format_github(self) -> str:
        """Return the problem as a GitHub Actions `::error` or `::warning` workflow command."""
        props = ",".join(
            [
                f"file={_escape_property(escape_terminal(self.path))}",
                f"line={max(self.line, 1)}",
                f"title={_escape_property(escape_terminal(self.field))}",
            ]
        )
        return f"::{self.severity} {props}::{_escape_data(escape_terminal(self.message))}"


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
        f"| {code_cell(p.path)} | {max(p.line, 1)} | {code_cell(p.field)} | {code_cell(p.message)} |"
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


# Suggestions compare a word with the choices nearest it in sorted order, at most this many,
# and only those whose lengths allow a close match: a hostile file with thousands of unknown
# ids must not make `check` compare each with every brief.
MAX_SUGGESTION_CANDIDATES = 64
MAX_SUGGESTED_WORD = 100  # longer words get no suggestion (comparing is quadratic in length)
# Comparisons one Suggestions may make over all the words it is asked about.
MAX_SUGGESTION_COMPARISONS = 20_000
_CUTOFF = 0.6


def did_you_mean(word: str, choices: "Iterable[str] | Suggestions") -> str:
    """Return ` (did you mean 'x'?)` for the closest choice, or an empty string."""
    if isinstance(choices, Suggestions):
        return choices.hint(word)
    key = choices if isinstance(choices, frozenset) else frozenset(map(str, choices))
    return _hint(str(word), _candidates(str(word), _sorted_choices(key)))


class Suggestions:
    """Did-you-mean hints over one set of choices, with a budget of comparisons shared by
    every word asked about: once spent, words get no suggestion."""

    def __init__(self, choices: Iterable[str], budget: int = MAX_SUGGESTION_COMPARISONS):
        self._ordered = tuple(sorted(set(map(str, choices))))
        self.budget = budget

    def hint(self, word: str) -> str:
        """` (did you mean 'x'?)`, or an empty string (also when the budget is spent)."""
        candidates = _candidates(str(word), self._ordered)[: max(self.budget, 0)]
        self.budget -= len(candidates)
        return _hint(str(word), candidates)


@functools.lru_cache(maxsize=32)
def _sorted_choices(choices: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(choices))  # vocabulary ids are asked about once per unknown term


def _candidates(word: str, ordered: tuple[str, ...]) -> list[str]:
    if len(word) > MAX_SUGGESTED_WORD:
        return []
    at = bisect.bisect_left(ordered, word)
    half = MAX_SUGGESTION_CANDIDATES // 2
    window = ordered[max(0, at - half) : at + half]
    # A ratio of 2 * matches / total length cannot reach the cutoff when lengths differ too much.
    return [c for c in window if 2 * min(len(c), len(word)) >= _CUTOFF * (len(c) + len(word))]


def _hint(word: str, candidates: list[str]) -> str:
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=_CUTOFF)
    return f" (did you mean '{match[0]}'?)" if match else ""


def closest(word: str, choices: Iterable[str], cutoff: float = _CUTOFF) -> str | None:
    """The choice most like `word`, or None when none is close enough (0 to 1); only the
    choices nearest it in sorted order are compared (see Suggestions)."""
    candidates = _candidates(str(word), _sorted_choices(frozenset(map(str, choices))))
    match = difflib.get_close_matches(str(word), candidates, n=1, cutoff=cutoff)
    return match[0] if match else None


# What a printed value must not carry as itself: controls (ESC starts terminal sequences,
# a newline a forged line), format characters (direction overrides, zero-width and tag
# characters), line and paragraph separators, lone surrogates (an undecodable byte of a
# file name) and noncharacters. Each is shown as a visible escape such as \x1b or \u202e.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_SAFE_ASCII = re.compile(r"[ -~]*")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape_terminal(text: str) -> str:
    """Return `text` with every control, format or undecodable character shown as an escape."""
    if _SAFE_ASCII.fullmatch(text):
        return text
    return "".join(_visible(c) for c in text)


def _visible(character: str) -> str:
    point = ord(character)
    if unicodedata.category(character) not in _HIDDEN_CATEGORIES and not _is_noncharacter(point):
        return character
    if character in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[character]
    if 0xDC80 <= point <= 0xDCFF:
        return f"\\x{point - 0xDC00:02x}"  # the byte surrogateescape stood in for
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point < 0x10000 else f"\\U{point:08x}"


def _is_noncharacter(point: int) -> bool:
    return 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE


def _escape_data(text: str) -> str:
    # GitHub's workflow-command escaping (actions/toolkit `escapeData`): '%' first, so the
    # escapes themselves are not escaped again; properties also escape ':' and ','. Line
    # breaks are already shown as escapes by escape_terminal; this keeps the toolkit's rule.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def code_cell(text: str) -> str:
    """A Markdown table cell showing `text` literally: a code span, in which nothing is a
    link, an image, HTML, an entity or a mention. Each '|' is escaped for the table's own
    cell splitting, which runs first and reads '\\' as an escaped backslash, so the
    backslashes just before a '|' are doubled; the span's fence outgrows any backtick run."""
    text = " ".join(escape_terminal(text).split()) or " "
    text = re.sub(r"(\\*)\|", lambda match: match[1] * 2 + "\\|", text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""  # one space each side is dropped
    return f"{fence}{pad}{text}{pad}{fence}"

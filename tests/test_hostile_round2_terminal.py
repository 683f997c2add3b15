"""Forged annotations and terminal control: every printed value is escaped for its channel.

A value with any control character, in a path, a field name or a message, comes out of the
text format as one line with the character shown as an escape, out of the GitHub format as
one workflow command about the right file, and into the job summary as one table row of
code spans; a file name with an undecodable byte crashes nothing."""

from __future__ import annotations

import os
import re
import string
import unicodedata

import pytest

from briefing.errors import Problem, escape_terminal, markdown_summary
from conftest import brief_text
from test_build import build_py
from test_contributor_cli import COMMAND, unescape

CONTROLS = [chr(p) for p in (*range(0x20), *range(0x7F, 0xA0))]
FORMAT_AND_SEPARATORS = ["\u061c", "\u200b", "\u200e", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069",
                         "\u2060", "\ufeff", "\U000e0001", "\ufffe", "\udcff", "\ud800"]
HIDDEN = CONTROLS + FORMAT_AND_SEPARATORS
FORGED = "\n::error file=.github/workflows/deploy.yml,line=1::forged\r\x1b]0;title\x07\x1b[2J"


def shows_nothing_hidden(text: str) -> bool:
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp") or c in "\ufffe\uffff" for c in text)


@pytest.mark.parametrize("character", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
@pytest.mark.parametrize("where", ["path", "field", "message"])
def test_each_hidden_character_is_shown_as_an_escape_in_text_and_github_formats(character, where):
    values = {"path": "content/a.md", "field": "title", "message": "bad value"}
    values[where] = f"x{character}y"
    problem = Problem(values["path"], 3, values["field"], values["message"])
    text = problem.format()
    assert "\n" not in text and shows_nothing_hidden(text)
    assert escape_terminal(f"x{character}y") in text and re.search(r"x\\[xuU][0-9a-f]+y|x\\[tnr]y", text)
    command = problem.format_github()
    match = COMMAND.match(command)
    assert match and shows_nothing_hidden(command), command
    # What the runner decodes is exactly the text line.
    assert f"{unescape(match['file'])}:{match['line']}: {unescape(match['title'])}: {unescape(match['message'])}" == text


@pytest.mark.parametrize("character", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_each_hidden_character_stays_inside_one_table_row_of_the_job_summary(character):
    value = f"a{character}|b`c` [x](https://evil.example) <img src=x> @someone \\|"
    table = markdown_summary((Problem(f"content/{value}.md", 1, value, value),))
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 and all(map(shows_nothing_hidden, table.splitlines())), table  # the header row and one problem row
    assert gfm_cells(rows[1]) == 4
    for cell in split_cells(rows[1]):
        if cell.strip() != "1":
            assert is_one_code_span(cell.strip()), cell


def split_cells(row: str) -> list[str]:
    """Split a table row as GFM does: a backslash escapes the next punctuation character
    (itself included), and only an unescaped '|' ends a cell."""
    cells, current, index = [], "", 1  # after the leading pipe
    while index < len(row):
        char = row[index]
        if char == "\\" and index + 1 < len(row) and row[index + 1] in string.punctuation:
            current += row[index: index + 2]
            index += 2
            continue
        if char == "|":
            cells.append(current)
            current = ""
        else:
            current += char
        index += 1
    return cells


def gfm_cells(row: str) -> int:
    return len(split_cells(row))


def is_one_code_span(cell: str) -> bool:
    fence = re.match(r"`+", cell)
    if not fence or not cell.endswith(fence[0]):
        return False
    inside = cell[len(fence[0]): -len(fence[0])]
    return fence[0] not in inside.replace("\\|", "|") and not re.search(f"(?<!`){fence[0]}(?!`)", inside)


def test_a_forged_annotation_in_content_prints_no_line_of_its_own(project):
    key = "summery" + FORGED
    escaped = key.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    project.brief(extra=f'"{escaped}": x\n')
    result = build_py("check", "--format", "github", cwd=project.root)
    assert result.returncode == 1
    commands = result.stdout.splitlines()
    assert commands and all(c.startswith("::error file=content/briefs/2023/2023-12-07-joint-statement.md,") for c in commands), commands
    assert all(COMMAND.match(c) for c in commands)
    stderr = result.stderr.splitlines()
    assert all(line.startswith("content/briefs/2023/") or line.startswith(("build failed:", "check failed:")) for line in stderr), stderr
    assert "\x1b" not in result.stdout + result.stderr and "\\x1b]0;title\\x07" in result.stderr


def test_an_undecodable_file_name_is_reported_in_every_channel_under_github_actions(project, tmp_path):
    project.brief()
    folder = os.fsencode(project.root / "content/briefs/2023")
    with open(folder + b"/2023-12-08-bad\xff\x1b[31m.md", "wb") as handle:
        handle.write(brief_text(date="2023-12-08").encode())
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    for command in ("check", "build"):
        result = build_py(command, cwd=project.root, env=env)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        name = "content/briefs/2023/2023-12-08-bad\\xff\\x1b[31m.md"
        assert f"{name}:1: file: brief file names must look like" in result.stderr
        assert result.stdout.startswith(f"::error file={name},line=1,title=file::")
    table = summary.read_text(encoding="utf-8")
    assert table.count(f"| `{name}` | 1 | `file` |") == 2

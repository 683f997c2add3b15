"""Split a Markdown file into its YAML front matter and body.

Tolerates a UTF-8 BOM and CRLF or CR line endings; reports a missing or unterminated
front matter block as a problem on the line where it was expected.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SplitFile:
    """Front matter text (starting at file line 2) and the body with its first line."""

    front_matter: str
    body: str
    body_line: int


class FrontMatterProblem(Exception):
    """The file does not have the `---` front matter block a brief needs."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def decode_text(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM) and normalise line endings to `\\n`."""
    text = raw.decode("utf-8")  # UnicodeDecodeError is reported by the caller
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> SplitFile:
    """Split normalised text into front matter and body."""
    if not text.strip():
        raise FrontMatterProblem(1, "file is empty; a brief starts with a '---' front matter block")
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        raise FrontMatterProblem(1, "no front matter: the first line must be '---'")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index]) + "\n"
            body = "\n".join(lines[index + 1 :])
            return SplitFile(front, body, index + 2)
    raise FrontMatterProblem(1, "front matter is not closed: add a line '---' after the last field")

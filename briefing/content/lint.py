"""Warnings about valid content: what `check` points out without failing, such as a source
with no archived copy. Each rule is a function of a parsed brief; add new ones to LINTS."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..errors import WARNING, Problem
from ..model import Brief, Named, Names
from .names import fold


def missing_archived_copies(brief: Brief) -> list[Problem]:
    """A source without an `archived` address may vanish with the page it cites."""
    lines = brief.source_lines or (1,) * len(brief.sources)
    return [
        Problem(
            brief.path, line, f"sources[{index}].archived",
            "no archived copy; add the address of a snapshot (e.g. from web.archive.org) so readers can still "
            "read the source if its page moves or disappears",
            WARNING,
        )
        for index, (source, line) in enumerate(zip(brief.sources, lines), start=1)
        if not source.archived
    ]


def found_in_text(brief: Brief) -> list[Problem]:
    """Warnings found while the brief's file was parsed (see contested_names)."""
    return list(brief.text_warnings)


LINTS: tuple[Callable[[Brief], list[Problem]], ...] = (missing_archived_copies, found_in_text)


def lint_brief(brief: Brief) -> list[Problem]:
    """Every warning about one valid brief."""
    return [warning for rule in LINTS for warning in rule(brief)]


# --- Contested place names ----------------------------------------------------------------
# Run while a brief is parsed (it needs the file's text for line numbers); the warnings are
# kept on the brief (Brief.text_warnings) and reported with the rules above.


def contested_names(path: str, pieces: list[tuple[str, int, str, str]], names: Names) -> list[Problem]:
    """Where a brief names a contested place one way only, outside a quotation, or gives
    both names in the other order: one warning per line and place.

    `pieces` are (field, first line, text, source): the title, summary and body. The text
    of a front matter field is its value; its source, the file's lines from the field's
    own (for line numbers). The body's source is '' (its text is the file's Markdown).
    A sentence that gives both names, as a pair ('Shusha/Shushi') or apart ('called
    Shushi in Armenian and Shusha in Azerbaijani'), passes; longer registered names that
    contain a contested one ('Lachin corridor') are not read as it.
    """
    matcher = _matcher(names)
    if matcher is None:
        return []
    found: dict[tuple[int, str, str], Problem] = {}
    for field, first_line, text, source in pieces:
        prose = _without_quotations(text) if source else _prose_of(text)
        line_of = _line_finder(matcher, first_line, prose, source)
        for start, end in _sentences(prose):
            mentions = [
                (m.start(), m.end(), *matcher.owners[_spelled(m.group())]) for m in matcher.pattern.finditer(prose, start, end)
            ]
            mentions = [m for m in mentions if m[2].contested]
            for index, (begin, finish, entry, side) in enumerate(mentions):
                line = line_of(begin)
                pair = _pair_with(prose, mentions, index)
                if pair is not None:
                    if pair < index or side == 0:
                        continue  # a pair is judged once, at its first name; display order passes
                    written = " ".join(prose[begin:mentions[pair][1]].split())
                    message = (
                        f"'{written}' gives both names of {entry.label} in the other order; write '{entry.label}' "
                        "(both names in alphabetical order of their English forms, as every page does)"
                    )
                    found.setdefault((line, entry.id, "order"), Problem(path, line, field, message, WARNING))
                elif not any(other is entry and other_side != side for _, _, other, other_side in mentions):
                    written = " ".join(prose[begin:finish].split())
                    message = (
                        f"names {entry.label} one way only ('{written}'); outside a quotation this archive gives "
                        f"both names, '{entry.label}' (contested places are marked in content/names.yaml)"
                    )
                    found.setdefault((line, entry.id, "one"), Problem(path, line, field, message, WARNING))
    return sorted(found.values())


def _line_finder(matcher: "_Matcher", first_line: int, prose: str, source: str) -> Callable[[int], int]:
    """The file line of a name found at an offset of `prose`: counted in the Markdown body
    itself, or, for a field's value, where the same occurrence stands in its source."""
    if not source:
        return lambda offset: first_line + prose.count("\n", 0, offset)
    written = [(m.start(), _spelled(m.group())) for m in matcher.pattern.finditer(prose)]
    in_source = [(m.start(), _spelled(m.group())) for m in matcher.pattern.finditer(source)]

    def line_of(offset: int) -> int:
        spelling = next(s for at, s in written if at == offset)
        nth = sum(1 for at, s in written if s == spelling and at < offset)
        places = [at for at, s in in_source if s == spelling]
        return first_line + (source.count("\n", 0, places[nth]) if nth < len(places) else 0)

    return line_of


@dataclass(frozen=True)
class _Matcher:
    pattern: re.Pattern[str]  # every spelling in the register, longest first
    owners: dict[str, tuple[Named, int]]  # folded spelling -> entry and which of its names


_MATCHERS: dict[int, tuple[Names, _Matcher | None]] = {}


def _matcher(names: Names) -> _Matcher | None:
    """The register's spellings as one pattern (made once per register); None if no place
    is contested."""
    kept = _MATCHERS.get(id(names))
    if kept is not None and kept[0] is names:
        return kept[1]
    matcher = None
    if any(entry.contested for entry in names.places):
        owners: dict[str, tuple[Named, int]] = {}
        for entry in (*names.places, *names.people):
            for side, name in enumerate(entry.names):
                for spelling in name.spellings:
                    owners.setdefault(_spelled(spelling), (entry, side))
        spellings = sorted({s for entry in (*names.places, *names.people) for s in entry.spellings}, key=lambda s: (-len(s), s))
        alternatives = "|".join(_spelling_pattern(s) for s in spellings)
        matcher = _Matcher(re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE), owners)
    if len(_MATCHERS) > 8:
        _MATCHERS.clear()
    _MATCHERS[id(names)] = (names, matcher)
    return matcher


def _spelled(found: str) -> str:
    """The register's key for a spelling as found in a text (line breaks, hyphens between words)."""
    return fold(" ".join(found.replace("-", " ").split()))


def _spelling_pattern(spelling: str) -> str:
    # Words apart by any spaces or line breaks, or a hyphen ('Lachin-corridor traffic').
    pattern = r"(?:\s+|-)".join(re.escape(word) for word in spelling.split())
    # A short capitalised name (US, UK, NKR) must not match an ordinary word ('us').
    return f"(?-i:{pattern})" if spelling.isupper() and len(spelling) <= 5 else pattern


def _pair_with(prose: str, mentions: list, index: int) -> int | None:
    """The index of the mention that forms a slash pair ('A/B') with mention `index`,
    naming the same place by its other name, if any."""
    begin, finish, entry, side = mentions[index]
    for other in (index - 1, index + 1):
        if 0 <= other < len(mentions):
            o_begin, o_finish, o_entry, o_side = mentions[other]
            if o_entry is entry and o_side != side:
                between = prose[o_finish:begin] if other < index else prose[finish:o_begin]
                if _SLASH.fullmatch(between):
                    return other
    return None


_SLASH = re.compile(r"\s*/\s*")
# Quotations and what is not prose: their text is blanked (newlines kept, so lines still count).
_QUOTATIONS = re.compile(
    r"“(?:[^”\n]|\n(?![ \t]*\n))*”|\"(?:[^\"\n]|\n(?![ \t]*\n))*\"|«(?:[^»\n]|\n(?![ \t]*\n))*»"
    r"|„(?:[^“”\n]|\n(?![ \t]*\n))*[“”]|‘(?:[^’\n]|\n(?![ \t]*\n))*’"
)
_NOT_PROSE = re.compile(
    r"<!--.*?-->|`[^`\n]*`|\]\([^)\n]*\)|<https?://[^>\s]*>|https?://\S+"
    r"|^[ \t]{0,3}>[^\n]*$|^[ \t]{0,3}\[(?!\^)[^\]\n]+\]:[^\n]*$",
    re.DOTALL | re.MULTILINE,
)
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)])[ \t])|\n(?=[ \t]*#)")


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def _without_quotations(text: str) -> str:
    return _QUOTATIONS.sub(_blank, text)


def _prose_of(markdown: str) -> str:
    """A Markdown body with code, block quotes, link addresses and quotations blanked."""
    lines = markdown.split("\n")
    fenced = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            lines[number] = ""
        elif fenced:
            lines[number] = ""
    return _without_quotations(_NOT_PROSE.sub(_blank, "\n".join(lines)))


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for separator in _SENTENCE_END.finditer(text):
        spans.append((start, separator.start()))
        start = separator.end()
    spans.append((start, len(text)))
    return [span for span in spans if span[1] > span[0]]

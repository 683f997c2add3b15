"""Safe YAML parsing that remembers the line of every key and list item.

Only plain data is accepted (mappings, lists, strings, numbers, booleans, null, dates):
explicit tags are errors and never constructed, duplicate keys are errors, and alias
expansion and nesting are bounded so a hostile file cannot exhaust memory or the stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import yaml

# Data types a brief can legitimately use; anything else (python/*, set, binary, omap,
# merge keys, custom tags) is refused before construction.
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}

_STR_TAG = "tag:yaml.org,2002:str"

Path = tuple[Any, ...]
_SURROGATE = re.compile("[\ud800-\udfff]")

# libyaml composes nodes about ten times faster; same resolver, same node tree.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FAST_MAX_BRACKETS = 200


@dataclass(frozen=True)
class BadScalar:
    """A scalar YAML resolved to a type but could not construct (e.g. `2024-13-01`)."""

    text: str
    reason: str


@dataclass(frozen=True)
class ParsedYaml:
    """Plain Python data plus the 1-based file line of every key and item path."""

    data: Any
    lines: Mapping[Path, int]

    def line(self, *path: Any, default: int = 1) -> int:
        """Return the line of `path`, or of its nearest recorded ancestor."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return default


class YamlProblem(Exception):
    """The YAML text cannot be turned into plain data.

    `final`: nothing more should be read after it (a resource limit was hit).
    `alias`: the name of an undefined alias it is about, if any.
    """

    def __init__(self, line: int, message: str, *, final: bool = False, alias: str | None = None):
        super().__init__(message)
        self.line = line
        self.message = message
        self.final = final
        self.alias = alias


def parse_yaml(text: str, first_line: int = 1, max_nodes: int = 20_000) -> ParsedYaml:
    """Parse YAML text whose first line is line `first_line` of its file."""
    offset = first_line - 1
    root = None
    # Deep flow nesting stays with the pure-Python parser, which bounds its recursion.
    if text.count("[") + text.count("{") < _FAST_MAX_BRACKETS:
        try:
            root = yaml.compose(text, Loader=_FAST_LOADER)
        except (yaml.YAMLError, RecursionError):
            root = None  # parse again below, so messages are those of the reference parser
        else:
            if root is None:
                return ParsedYaml(None, {})
    try:
        if root is None:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        line, message = explain_yaml_error(exc, text, first_line)
        alias = re.search(r"undefined alias '([^']*)'", str(getattr(exc, "problem", "") or ""))
        raise YamlProblem(line, message, alias=alias[1] if alias else None) from None
    except RecursionError:
        raise YamlProblem(first_line, _TOO_DEEP, final=True) from None
    if root is None:
        return ParsedYaml(None, {})
    builder = _Builder(offset, max_nodes, text)
    try:
        data = builder.build(root, ())
    except RecursionError:
        raise YamlProblem(first_line, _TOO_DEEP, final=True) from None
    return ParsedYaml(data, builder.lines)


_TOO_DEEP = "nested too deeply (more than about 100 levels of lists and mappings)"


@dataclass(frozen=True)
class LenientYaml:
    """What could be read of YAML text with errors: every error, and the data of the rest."""

    parsed: ParsedYaml | None  # None when nothing could be read around the errors
    problems: tuple[YamlProblem, ...]
    skipped: frozenset[str]  # top-level keys whose entries were left out because of an error


def parse_yaml_leniently(text: str, first_line: int = 1, max_nodes: int = 20_000, max_errors: int = 10) -> LenientYaml:
    """Parse YAML; after an error, leave out the top-level entry it is in and read the rest.

    So one broken field hides neither the other YAML errors nor the other fields' problems.
    """
    lines = text.split("\n")
    problems: list[YamlProblem] = []
    skipped: set[str] = set()
    while len(problems) < max_errors:
        try:
            parsed = parse_yaml("\n".join(lines), first_line, max_nodes)
        except YamlProblem as exc:
            # An alias whose anchor was in an entry left out is no news: its anchor exists.
            if not (problems and exc.alias and f"&{exc.alias}" in text):
                problems.append(exc)
            span = _entry_around(lines, exc.line - first_line)
            if span is None or exc.final:
                break
            start, end = span
            key = _ENTRY_KEY.match(lines[start])
            if key:
                skipped.add(key[1])
            lines[start:end] = [""] * (end - start)  # blank, so every line keeps its number
            continue
        return LenientYaml(parsed, tuple(problems), frozenset(skipped))
    return LenientYaml(None, tuple(problems), frozenset(skipped))


# A top-level entry starts at a line that begins with a field name (not a space, '-' or '#').
_ENTRY_START = re.compile(r"[^\s#\-]")
_ENTRY_KEY = re.compile(r"([A-Za-z_][\w-]*)\s*:(?:\s|$)")


def _entry_around(lines: list[str], index: int) -> tuple[int, int] | None:
    """(first, end) line indexes of the top-level entry holding line `index`, if any text."""
    index = max(0, min(index, len(lines) - 1))
    while index > 0 and not lines[index].strip():
        index -= 1  # an error at the end of the text belongs to the entry before it
    start = index
    while start > 0 and not _ENTRY_START.match(lines[start]):
        start -= 1
    end = index + 1
    while end < len(lines) and not _ENTRY_START.match(lines[end]):
        end += 1
    return (start, end) if any(line.strip() for line in lines[start:end]) else None


def explain_yaml_error(exc: yaml.YAMLError, text: str, first_line: int = 1) -> tuple[int, str]:
    """(file line, plain message) for a YAML syntax error, at the line that causes it."""
    line, message = _explain(exc, text, first_line - 1)
    return first_line + line, message


def _explain(exc: yaml.YAMLError, text: str, offset: int) -> tuple[int, str]:
    lines = text.split("\n")
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n")
        return line, f"contains a control character (code {exc.character:#x}); remove it"
    if not isinstance(exc, yaml.MarkedYAMLError):
        return 0, f"invalid YAML: {exc}"
    runaway = _runaway_quote(text, offset)
    if runaway is not None:
        return runaway
    problem, context = exc.problem or "", exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line if mark else 0
    here = lines[line] if line < len(lines) else ""
    start = exc.context_mark.line if exc.context_mark else line
    if "'\\t'" in problem or "\t" in here[: len(here) - len(here.lstrip())]:
        return line, "this line is indented with a tab; YAML allows only spaces there: replace the tab with spaces"
    if "mapping values are not allowed" in problem:
        return _explain_colon(lines, line, mark.column if mark else 0)
    if "flow sequence" in context or "flow mapping" in context:
        what, bracket, close = ("list", "[", "]") if "sequence" in context else ("mapping", "{", "}")
        return start, (
            f"the {what} opened with '{bracket}' on this line is not closed: end it with '{close}' on the same line, "
            "and put items that contain ',' or ':' in quotes"
        )
    if "unknown escape character" in problem:
        return line, "inside double quotes a backslash starts an escape such as \\n: write \\\\ for a backslash, or use single quotes"
    undefined = re.search(r"undefined alias '([^']*)'", problem)
    if undefined:
        return line, f"'*{undefined[1]}' refers to an anchor '&{undefined[1]}' that is not defined above; if the value is text, put it in quotes"
    if "while scanning an alias" in context or "while scanning an anchor" in context:
        sign = "*" if "alias" in context else "&"
        return line, f"a value that starts with '{sign}' is read as a YAML reference; put the whole value in quotes"
    if "that cannot start any token" in problem:
        character = problem.split("'")[1] if "'" in problem else "?"
        return line, f"a value cannot start with '{character}' in YAML; put the whole value in quotes"
    value_start = re.match(r"\s*(?:-\s+)?[\w-]+\s*:\s+(['\"])", here)
    if "expected <block end>" in problem and value_start:
        return line, (
            f"the value starts with a quote ({value_start[1]}), so it must end with that quote; "
            "put the whole value in the other kind of quotes, or remove the quote at its start"
        )
    if "expected <block end>" in problem or "did not find expected" in problem:
        return line, "this line is indented differently from the lines above it at the same level; line it up with them, using the same number of spaces"
    if "could not find expected ':'" in problem:
        return start, "this line has no ':' after its field name; write 'field: value'"
    described = "; ".join(p for p in (context, problem) if p) or "cannot parse"
    return line, f"invalid YAML: {described}"


def _explain_colon(lines: list[str], line: int, column: int) -> tuple[int, str]:
    """A ':' where YAML allows none: inside a value, or a field that YAML takes as text."""
    here = lines[line] if line < len(lines) else ""
    before = here[:column]
    if re.fullmatch(r"\s*(?:-\s+)?[\w-]+\s*", before):
        previous = next((i for i in range(line - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), None)
        if previous is not None and ":" not in lines[previous] and not lines[previous].lstrip().startswith("-"):
            return previous, "this line has no ':' after its field name; write 'field: value'"
        name = before.strip().lstrip("- ").strip()
        return line, (
            f"YAML reads '{name}:' as a field inside the value above, because the line is indented more; "
            "if it is part of the text, put the whole value in quotes, and if it is a field, line it up with the fields above"
        )
    field = re.match(r"(\s*(?:-\s+)?)([\w-]+)\s*:\s*(.*)", here)
    if field:
        value = field[3].rstrip()
        quoted = f'"{value}"' if '"' not in value else "'" + value.replace("'", "''") + "'"
        return line, (
            f"the value contains ': ', which YAML reads as the start of another field; "
            f"put the whole value in quotes: {field[2]}: {quoted}"
        )
    return line, "the value contains ': ', which YAML reads as the start of another field; put the whole value in quotes"


def _runaway_quote(text: str, offset: int) -> tuple[int, str] | None:
    """(0-based line, message) of a quote left open, which swallows the lines after it."""
    lines = text.split("\n")
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.style in ("'", '"'):
                swallowed = _swallowed_field(lines, token.start_mark.line, token.end_mark.line)
                if swallowed is not None:
                    return token.start_mark.line, _open_quote_message(token.style, offset + swallowed + 1)
    except yaml.MarkedYAMLError as exc:
        if "while scanning a quoted scalar" in (exc.context or "") and exc.context_mark:
            mark = exc.context_mark
            return mark.line, _open_quote_message(text[mark.index], None)
    except (yaml.YAMLError, RecursionError):
        pass
    return None


def _swallowed_field(lines: list[str], first: int, last: int) -> int | None:
    """The first line after `first`, up to `last`, that looks like a field of its own.

    Such a line inside a quoted value means the quote was never closed: the lines of a
    quoted value that runs on must be indented more than its field's name.
    """
    opening = lines[first] if first < len(lines) else ""
    name_column = len(opening) - len(opening.lstrip(" -"))
    for index in range(first + 1, min(last, len(lines) - 1) + 1):
        line = lines[index]
        indent = len(line) - len(line.lstrip(" "))
        if line.strip() and indent <= name_column and _FIELD_LINE.match(line):
            return index
    return None


_FIELD_LINE = re.compile(r"\s*(?:-\s+)?[\w-]+\s*:(?:\s|$)")


def _open_quote_message(quote: str, runs_into: int | None) -> str:
    where = f"into line {runs_into} and on" if runs_into else "to the end of the front matter"
    return (
        f"the quote ({quote}) that opens this value is never closed, so the value runs on {where}; "
        f"end the value with {quote} on this line, or remove the quote"
    )


class _Builder:
    """Turns a composed node tree into plain data, recording lines and counting nodes."""

    def __init__(self, offset: int, max_nodes: int, text: str = ""):
        self.offset = offset
        self.text = text
        self.max_nodes = max_nodes
        self.count = 0
        self.lines: dict[Path, int] = {}
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used

    def line_of(self, node: yaml.Node) -> int:
        return self.offset + node.start_mark.line + 1

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            # Aliases share nodes, so a small file can expand enormously: stop early.
            raise YamlProblem(
                self.line_of(node),
                f"more than {self.max_nodes} values (alias expansion is limited)",
                final=True,
            )
        if node.tag not in _PLAIN_TAGS:
            raise YamlProblem(self.line_of(node), f"YAML tag '{node.tag}' is not allowed; use plain values")
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = self.line_of(item)
                items.append(self.build(item, path + (index,)))
            return items
        return self.build_scalar(node)

    def build_mapping(self, node: yaml.MappingNode, path: Path) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(self.line_of(key_node), "field names must be plain words, e.g. 'title: value'")
            key = self.build_scalar(key_node)
            if not isinstance(key, str):
                key = key_node.value
            if not key.strip():
                # `? ` or `"": x` would become a problem with no field name to show.
                raise YamlProblem(self.line_of(key_node), "a field name is empty; write 'field: value'")
            if key in result:
                raise YamlProblem(self.line_of(key_node), f"'{key}' is given twice; each field may appear only once")
            self.lines[path + (key,)] = self.line_of(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def check_quote_closed(self, node: yaml.ScalarNode) -> None:
        # A quote left open that another quote further down happens to close reads as one
        # long value holding the fields between: refuse it where it opens.
        lines = self.text.split("\n")
        swallowed = _swallowed_field(lines, node.start_mark.line, node.end_mark.line)
        if swallowed is not None:
            raise YamlProblem(self.line_of(node), _open_quote_message(node.style, self.offset + swallowed + 1))

    def build_scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _PLAIN_TAGS:
            raise YamlProblem(self.line_of(node), f"YAML tag '{node.tag}' is not allowed; use plain values")
        if node.style in ("'", '"') and node.end_mark.line > node.start_mark.line:
            self.check_quote_closed(node)
        if node.tag == _STR_TAG:
            value = node.value  # what the str constructor returns, without its bookkeeping
        else:
            try:
                value = self.constructor.construct_object(node, deep=True)
            except (ValueError, OverflowError, yaml.YAMLError) as exc:
                return BadScalar(node.value, str(exc))
        if isinstance(value, str) and _SURROGATE.search(value):
            # "\ud83d\ude00" escapes decode to two lone surrogates, which no file can hold.
            raise YamlProblem(self.line_of(node), "a \\u escape makes half a character (a surrogate); write the character itself or use \\U0001XXXX")
        return value

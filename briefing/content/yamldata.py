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
    """The YAML text cannot be turned into plain data."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


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
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = offset + (mark.line + 1 if mark else 1)
        raise YamlProblem(line, f"invalid YAML: {_describe(exc, offset)}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(first_line, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(first_line, "invalid YAML: nested too deeply") from None
    if root is None:
        return ParsedYaml(None, {})
    builder = _Builder(offset, max_nodes)
    try:
        data = builder.build(root, ())
    except RecursionError:
        raise YamlProblem(first_line, "invalid YAML: nested too deeply") from None
    return ParsedYaml(data, builder.lines)


def _describe(exc: yaml.MarkedYAMLError, offset: int) -> str:
    context = exc.context or ""
    if context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
        context += f" that starts on line {offset + exc.context_mark.line + 1}"
    message = "; ".join(p for p in (context, exc.problem) if p) or "cannot parse"
    if exc.problem and "mapping values are not allowed" in exc.problem:
        message += " (put a value that contains ': ' in quotes)"
    return message


class _Builder:
    """Turns a composed node tree into plain data, recording lines and counting nodes."""

    def __init__(self, offset: int, max_nodes: int):
        self.offset = offset
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
                f"invalid YAML: more than {self.max_nodes} values (alias expansion is limited)",
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
                raise YamlProblem(self.line_of(key_node), "invalid YAML: keys must be plain names")
            key = self.build_scalar(key_node)
            if not isinstance(key, str):
                key = key_node.value
            if not key.strip():
                # `? ` or `"": x` would become a problem with no field name to show.
                raise YamlProblem(self.line_of(key_node), "invalid YAML: a key is empty; write 'field: value'")
            if key in result:
                raise YamlProblem(self.line_of(key_node), f"invalid YAML: duplicate key '{key}'")
            self.lines[path + (key,)] = self.line_of(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def build_scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _PLAIN_TAGS:
            raise YamlProblem(self.line_of(node), f"YAML tag '{node.tag}' is not allowed; use plain values")
        if node.tag == _STR_TAG:
            value = node.value  # what the str constructor returns, without its bookkeeping
        else:
            try:
                value = self.constructor.construct_object(node, deep=True)
            except (ValueError, OverflowError, yaml.YAMLError) as exc:
                return BadScalar(node.value, str(exc))
        if isinstance(value, str) and _SURROGATE.search(value):
            # "\ud83d\ude00" escapes decode to two lone surrogates, which no file can hold.
            raise YamlProblem(self.line_of(node), "invalid YAML: a \\u escape makes half a character (a surrogate); write the character itself or use \\U0001XXXX")
        return value

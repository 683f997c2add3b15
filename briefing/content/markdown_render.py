"""Markdown bodies to sanitized HTML (the only module that uses Python-Markdown and nh3).

Raw HTML in Markdown is shown as text, never interpreted, and the result still passes an
allowlist sanitizer, so a brief cannot put scripts, handlers or foreign frames on a page.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

from .. import speedups
from ..model import Heading, Limits, RenderedMarkdown
from ..speedups import markdown as quick_markdown
from .text_rules import describe_not_carried, find_not_carried

# Prefix for heading ids so a heading called "main" cannot collide with the page's own ids.
HEADING_ID_PREFIX = "s-"

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"},
    "ol": {"start"},
    "sup": {"id"},
}
_ALIGN_CLASSES = {"align-left", "align-right", "align-center"}
ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"footnote"},
    "td": _ALIGN_CLASSES,
    "th": _ALIGN_CLASSES,
}
URL_SCHEMES = {"http", "https", "mailto"}
# Built once: the allowlists are converted for the Rust side at construction, not per call.
_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes=ALLOWED_CLASSES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener noreferrer",
    strip_comments=True,
)

_TAG = re.compile(r"<[^>]+>")


class BodyTooComplex(Exception):
    """The Markdown is refused: too large, nested too deep, rendering to too much HTML, or
    rendering a character XML cannot carry."""


# A line's leading containers: indentation, then a quote marker or a list marker.
_CONTAINER = re.compile(r"([ \t]*)(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))")
# The abbr extension matches every definition at every word: cost grows with their product.
_ABBREVIATION = re.compile(r"^[ ]{0,3}\*\[[^\]\n]*\]:", re.MULTILINE)
MAX_ABBREVIATIONS = 100
# Each further reference to one footnote rescans its back-links: quadratic in references.
_FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\n]+\](?!:)")
MAX_FOOTNOTE_REFERENCES = 200


def check_body_shape(text: str, max_bytes: int, max_nesting: int) -> None:
    """Refuse a body whose size or nesting would make Python-Markdown slow (superlinear).

    Measured (bench/markdown_shapes.py): deep lists, unclosed '[' or '(' runs and long
    bodies of dense markup take seconds to minutes; these cheap linear scans stop them.
    """
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise BodyTooComplex(f"is {size} bytes; the limit is {max_bytes} bytes (limits.max_body_bytes in content/site.yaml)")
    hint = f"the limit is {max_nesting} (limits.max_body_nesting in content/site.yaml)"
    # Each scan below runs only when a cheap count says it could exceed its limit: every
    # match holds its own '*[' or '[^', and no more brackets can be open than there are.
    if text.count("*[") > MAX_ABBREVIATIONS:
        abbreviations = len(_ABBREVIATION.findall(text))
        if abbreviations > MAX_ABBREVIATIONS:
            raise BodyTooComplex(f"defines {abbreviations} abbreviations ('*[X]: ...'); the limit is {MAX_ABBREVIATIONS}")
    if text.count("[^") > MAX_FOOTNOTE_REFERENCES:
        references = len(_FOOTNOTE_REFERENCE.findall(text))
        if references > MAX_FOOTNOTE_REFERENCES:
            raise BodyTooComplex(f"has {references} footnote references ('[^x]'); the limit is {MAX_FOOTNOTE_REFERENCES}")
    depth = _deepest_containers(text)
    if depth > max_nesting:
        raise BodyTooComplex(f"lists and quotes nest {depth} levels deep; {hint}")
    if text.count("[") > max_nesting or text.count("(") > max_nesting:
        depth = _deepest_brackets(text)
        if depth > max_nesting:
            raise BodyTooComplex(f"has {depth} '[' or '(' open at once; {hint}")


def _deepest_containers(text: str) -> int:
    deepest = 0
    for line in text.split("\n"):
        depth, position = 0, 0
        while match := _CONTAINER.match(line, position):
            depth += 1 + len(match[1].expandtabs(4)) // 4  # indentation nests lists too
            position = match.end()
        deepest = max(deepest, depth)
    return deepest


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# A backslash and the character it escapes, or a bracket: the only characters that count.
_BRACKET_OR_ESCAPE = re.compile(r"\\[\s\S]|[\[\]()]")


def _deepest_brackets(text: str) -> int:
    # Python-Markdown rescans the rest of a paragraph for every unclosed '[' or '(':
    # quadratic in how many are open at once. Blank lines end a paragraph.
    deepest = 0
    for block in _PARAGRAPH_BREAK.split(text):
        squares = rounds = 0
        for token in _BRACKET_OR_ESCAPE.findall(block):
            if token == "[":
                squares += 1
                deepest = max(deepest, squares)
            elif token == "(":
                rounds += 1
                deepest = max(deepest, rounds)
            elif token == "]":
                squares -= squares > 0
            elif token == ")":
                rounds -= rounds > 0
    return deepest


class _ShiftHeadings(Treeprocessor):
    """Demote every heading one level when a body uses '#': the page title is the only h1."""

    def run(self, root: etree.Element) -> None:
        headings = [el for el in root.iter() if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        if any(el.tag == "h1" for el in headings):
            for el in headings:
                el.tag = f"h{min(int(el.tag[1]) + 1, 6)}"


class _AlignToClass(Treeprocessor):
    """Turn table cells' obsolete `align` attribute into a class (no inline styles allowed)."""

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            if el.tag in ("td", "th") and el.get("align") in ("left", "right", "center"):
                el.set("class", f"align-{el.attrib.pop('align')}")


class _OutputBudget:
    """How much HTML the body being rendered may become (set for each body)."""

    limit = Limits().max_body_html_bytes
    table_bytes = 0  # the least the tables so far render to

    def refuse(self, what: str) -> BodyTooComplex:
        return BodyTooComplex(f"{what}; the limit is {self.limit} bytes (limits.max_body_html_bytes in content/site.yaml)")


# The least one table cell renders to: `<td></td>`.
_CELL_BYTES = len("<td></td>")


def _bounded_table_run(budget: _OutputBudget, run):
    """Wrap a table processor's run: refuse a table whose cells alone exceed the budget
    before it builds them (every row gets a cell per column, even a row of one '|')."""

    def bounded(parent: etree.Element, blocks: list[str]):
        rows = blocks[0].split("\n")
        # A lower bound on the columns: the delimiter row has a '|' between every two.
        columns = max(1, rows[1].count("|") - 1) if len(rows) > 1 else 1
        budget.table_bytes += len(rows) * columns * _CELL_BYTES
        if budget.table_bytes > budget.limit:
            raise budget.refuse(f"has a table of {len(rows)} rows and {columns} or more columns: at least {budget.table_bytes} bytes of HTML with the tables before it")
        return run(parent, blocks)

    return bounded


# What still stands in for text at this stage, between STX and ETX: a backslash escape
# (the character's code, one character in the output) or a stashed entity or smart quote
# (counted as nothing: the count must stay a lower bound).
_STAND_IN = re.compile(f"{STX}([^{ETX}]*){ETX}")


def _least_length(text: str | None) -> int:
    """The fewest characters `text` can become in the output."""
    if not text:
        return 0
    if STX not in text:
        return len(text)
    return len(text) - sum(len(match[0]) - match[1].isdigit() for match in _STAND_IN.finditer(text))


class _SizeGuard(Treeprocessor):
    """Refuse a body whose element tree already holds more text than its HTML may have.

    Runs after every pass that adds content and before serializing: a reference link or
    abbreviation used a thousand times shares one string a thousand times, which costs
    nothing until it is written out. The count is a lower bound on the HTML (escaping only
    adds), taken with early exit, so its cost is bounded by the limit, not by the output.
    """

    def __init__(self, md: markdown.Markdown, budget: _OutputBudget):
        super().__init__(md)
        self.budget = budget

    def run(self, root: etree.Element) -> None:
        limit = self.budget.limit
        total = 0
        for el in root.iter():
            total += 2 * len(el.tag) + 5 + _least_length(el.text) + _least_length(el.tail)
            for name, value in el.items():
                total += len(name) + _least_length(value) + 4
            if total > limit:
                raise self.budget.refuse(
                    f"renders to more than {limit} bytes of HTML (counting every repeat of a reference "
                    "link's address and title, an abbreviation's title, a footnote or [TOC])"
                )


def _slugify(value: str, separator: str) -> str:
    return HEADING_ID_PREFIX + (slugify_unicode(value, separator) or "section")


class MarkdownRenderer:
    """Reusable Markdown-to-safe-HTML converter (one per process: Markdown is stateful)."""

    def __init__(self, double_quotes: tuple[str, str] | None = None) -> None:
        """`double_quotes`: the marks straight double quotes become (default “ ”), for text
        in a language that writes others, such as « » in Russian and Armenian."""
        quick = speedups.enabled()
        toc = (quick_markdown.toc_extension if quick else TocExtension)(slugify=_slugify, toc_depth="2-6")
        quotes = {"substitutions": {"left-double-quote": double_quotes[0], "right-double-quote": double_quotes[1]}} if double_quotes else {}
        md = markdown.Markdown(
            extensions=["footnotes", "tables", toc, "smarty", "abbr", "def_list", "sane_lists"],
            extension_configs={
                "tables": {"use_align_attribute": True},
                "footnotes": {"BACKLINK_TITLE": "Back to text"},
                "smarty": quotes,
            },
            output_format="html",
        )
        # Raw HTML becomes visible text instead of markup.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        if quick:
            quick_markdown.quicken(md)  # before our own passes join priority 6
        md.treeprocessors.register(_ShiftHeadings(md), "shift_headings", 7)
        md.treeprocessors.register(_AlignToClass(md), "align_to_class", 6)
        # The output's size is bounded before it is written out: after every pass that
        # adds content (the toc pass, at 5, is the last), before unescaping.
        self._budget = _OutputBudget()
        md.treeprocessors.register(_SizeGuard(md, self._budget), "size_guard", 1)
        tables = md.parser.blockprocessors["table"]
        tables.run = _bounded_table_run(self._budget, tables.run)  # type: ignore[method-assign]
        self._md = md

    def render(self, text: str, limits: Limits = Limits()) -> RenderedMarkdown:
        """Render Markdown text to sanitized HTML with its headings and plain text."""
        check_body_shape(text, limits.max_body_bytes, limits.max_body_nesting)
        self._md.reset()
        self._budget.limit, self._budget.table_bytes = limits.max_body_html_bytes, 0
        try:
            raw_html = self._md.convert(text)
        except RecursionError:
            raise BodyTooComplex("the Markdown nests too deeply to render") from None
        headings = tuple(_flatten(self._md.toc_tokens))
        safe = sanitize_html(raw_html)
        size = len(safe.encode("utf-8"))
        if size > limits.max_body_html_bytes:
            raise BodyTooComplex(
                f"renders to {size} bytes of HTML; the limit is {limits.max_body_html_bytes} bytes "
                "(limits.max_body_html_bytes in content/site.yaml)"
            )
        bad = find_not_carried(safe)
        if bad:
            # Only a character reference can put it there: the source text was checked.
            raise BodyTooComplex(describe_not_carried(bad[0]).replace("contains", "has a character reference (&#...;) that makes", 1))
        words = html.unescape(_TAG.sub(" ", safe)).split()
        return RenderedMarkdown(html=safe, headings=headings, text=" ".join(words), word_count=len(words))


def sanitize_html(fragment: str) -> str:
    """Keep only allowlisted tags, attributes, classes and URL schemes."""
    return _CLEANER.clean(fragment)


def _flatten(tokens: list[dict]) -> list[Heading]:
    result: list[Heading] = []
    for token in tokens:
        name = html.unescape(_TAG.sub("", token["name"]))
        result.append(Heading(level=token["level"], id=token["id"], text=name))
        result.extend(_flatten(token.get("children", [])))
    return result

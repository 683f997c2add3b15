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
from markdown.blockparser import BlockParser
from markdown.extensions.toc import TocExtension, TocTreeprocessor, slugify_unicode
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.treeprocessors import InlineProcessor, Treeprocessor, UnescapeTreeprocessor
from markdown.util import ETX, INLINE_PLACEHOLDER_PREFIX, STX, AtomicString, Registry

from ..model import Heading, Limits, RenderedMarkdown
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


# Text every match of an inline pattern must contain (any one of them), keyed by the exact
# regex. Most text has none of them, and trying each of some 30 patterns on every piece of
# text was over half of all rendering time; a pattern that cannot match is now skipped, with
# the same output. A regex missing here (another Markdown version) is simply always tried.
INLINE_PATTERN_NEEDLES: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),
    r"\\(.)": ("\\",),
    r"\[\^([^\]]*)\]": ("[^",),
    r"(?<!\!)\[": ("[",),
    r"\!\[": ("![",),
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("://",),
    r"<([^<> !]+@[^@<> ]+)>": ("@",),
    r"  \n": ("  \n",),
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),
    r"\*|_": ("*", "_"),
    # smarty's dashes, ellipses and quotes
    r"(?<!-)---(?!-)": ("---",),
    r"(?<!-)--(?!-)": ("--",),
    r"(?<!\.)\.{3}(?!\.)": ("...",),
    r"""^'(?=[!"#\$\%'()*+,-.\/:;<=>?\@\[\\\]\^_`{|}~]\B)""": ("'",),
    r"""^"(?=[!"#\$\%'()*+,-.\/:;<=>?\@\[\\\]\^_`{|}~]\B)""": ('"',),
    r""""'(?=\w)""": ("\"'",),
    r"""'"(?=\w)""": ("'\"",),
    r'(?<=[^\ \t\r\n\[\{\(\-\u0002\u0003])\'"': ("'\"",),
    r"""(?<=[^\ \t\r\n\[\{\(\-\u0002\u0003])\"'""": ("\"'",),
    r"(?<!\w)'(?=\d{2}s)": ("'",),
    r"(\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)'(?=\w)": ("'",),
    r"(?<=[^\ \t\r\n\[\{\(\-\u0002\u0003])'(?!\s|s\b|\d)": ("'",),
    r"'(\s|s\b)": ("'",),
    r"'": ("'",),
    r'(\s|&nbsp;|--|–|—|&[mn]dash;|&#8211;|&#8212;)"(?=\w)': ('"',),
    r'"(?=\s)': ('"',),
    r'(?<=[^\ \t\r\n\[\{\(\-\u0002\u0003])"': ('"',),
    r'"': ('"',),
}


ALWAYS_TRY = -1  # the mask of a pattern with no known needles


class _QuickInlineProcessor(InlineProcessor):
    """Python-Markdown's inline pass, skipping patterns whose required text is absent."""

    _patterns: tuple = ()

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        # Read the registry once per document (indexing it re-sorts on every access) and
        # redo the needle tables only if its patterns changed.
        patterns = tuple(self.inlinePatterns)
        if patterns != self._patterns:
            self._patterns = patterns
            self._needles, self._masks = _needle_masks(patterns)
            self._jumps: dict[int, tuple[int, ...]] = {}
        # A pass none of whose patterns could match any text would change nothing (often
        # smarty's: no quotes, dashes or dots in the body); the stock loop still walks
        # and re-links every text, so the walk is skipped.
        if not any(self._could_match(text) for el in tree.iter() for text in (el.text, el.tail)):
            return tree
        return super().run(tree, ancestors)

    def _could_match(self, text: str | None) -> bool:
        return bool(text) and not isinstance(text, AtomicString) and self._jumps_for(text)[0] < len(self._patterns)  # type: ignore[arg-type]

    # Overrides InlineProcessor's private __handleInline with the same loop and results:
    # a pattern none of whose needles occur in `data` cannot match, which is exactly what
    # __applyPattern would report (no match, next pattern from the start), so it is skipped.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802
        if isinstance(data, AtomicString):
            return data
        patterns = self._patterns
        jumps = self._jumps_for(data)
        start = 0
        while (index := jumps[patternIndex]) < len(patterns):
            if index != patternIndex:
                patternIndex, start = index, 0
            data, matched, start = self._InlineProcessor__applyPattern(patterns[patternIndex], data, patternIndex, start)
            if matched:
                jumps = self._jumps_for(data)  # the match replaced text: needles may be gone
            else:
                patternIndex += 1
        return data

    # Overrides InlineProcessor's private __processPlaceholders: text with no placeholder
    # in it is linked in whole, as the stock loop's last step would do (keeping its type).
    def _InlineProcessor__processPlaceholders(self, data: str | None, parent: etree.Element, isText: bool = True) -> list:  # noqa: N802
        if data and INLINE_PLACEHOLDER_PREFIX in data:
            return InlineProcessor._InlineProcessor__processPlaceholders(self, data, parent, isText)  # type: ignore[attr-defined]
        if data:
            if isText:
                parent.text = parent.text + data if parent.text else data
            else:
                parent.tail = parent.tail + data if parent.tail else data
        return []

    def _jumps_for(self, data: str) -> tuple[int, ...]:
        """For each pattern index, the first index from there whose pattern could match."""
        present = 0
        for bit, needle in self._needles:
            if needle in data:
                present |= bit
        jumps = self._jumps.get(present)
        if jumps is None:
            jumps = self._jumps[present] = _plan_jumps(self._masks, present)
        return jumps


def _needle_masks(patterns: tuple) -> tuple[tuple[tuple[int, str], ...], tuple[int, ...]]:
    """Number the distinct needles as bits; each pattern's mask of them, or ALWAYS_TRY."""
    bits: dict[str, int] = {}
    masks = []
    for pattern in patterns:
        needles = isinstance(pattern, InlinePattern) and INLINE_PATTERN_NEEDLES.get(pattern.getCompiledRegExp().pattern)
        mask = 0
        for needle in needles or ():
            mask |= bits.setdefault(needle, 1 << len(bits))
        masks.append(mask if needles else ALWAYS_TRY)
    return tuple((bit, needle) for needle, bit in bits.items()), tuple(masks)


def _plan_jumps(masks: tuple[int, ...], present: int) -> tuple[int, ...]:
    jumps = [len(masks)] * (len(masks) + 1)
    for index in range(len(masks) - 1, -1, -1):
        could_match = masks[index] == ALWAYS_TRY or masks[index] & present
        jumps[index] = index if could_match else jumps[index + 1]
    return tuple(jumps)


# Text a block must contain for a block processor to take it, keyed by the processor's
# class: its test or its regex needs that text. Without it the processor declines (test
# false, or run puts the block back and returns False), so it is not asked. A class missing
# here (another Markdown version) is simply always asked.
BLOCK_PROCESSOR_NEEDLES: dict[str, str] = {
    "markdown.extensions.tables.TableProcessor": "|",  # the header row needs a pipe
    "markdown.blockprocessors.HashHeaderProcessor": "#",
    "markdown.extensions.def_list.DefListProcessor": ":",
    "markdown.blockprocessors.BlockQuoteProcessor": ">",
    "markdown.extensions.footnotes.FootnoteBlockProcessor": "[^",
    "markdown.extensions.abbr.AbbrBlockprocessor": "*[",
    "markdown.blockprocessors.ReferenceProcessor": "]:",
}


def _class_name(obj: object) -> str:
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


class _QuickBlockParser(BlockParser):
    """Python-Markdown's block parser, not asking processors that cannot take a block."""

    _processors: tuple = ()

    # Overrides BlockParser.parseBlocks with the same loop and results: each block goes
    # to the processors in order until one takes it, skipping those whose needle is absent.
    def parseBlocks(self, parent: etree.Element, blocks: list[str]) -> None:  # noqa: N802
        processors = tuple(self.blockprocessors)
        if processors != self._processors:
            self._processors = processors
            self._needled = tuple((p, BLOCK_PROCESSOR_NEEDLES.get(_class_name(p))) for p in processors)
        needled = self._needled
        while blocks:
            for processor, needle in needled:
                block = blocks[0]
                if needle and needle not in block:
                    continue
                if processor.test(parent, block):
                    if processor.run(parent, blocks) is not False:
                        break


class _TocTokensOnly(TocTreeprocessor):
    """The toc pass without the table of contents HTML, unless a body asks for one.

    Only the heading ids and `toc_tokens` are used; the stock pass also builds, prettifies
    and serializes a contents `<div>` for `md.toc` and searches every element for the
    `[TOC]` marker. Both run only when some element's whole text is the marker.
    """

    _has_marker = True

    def run(self, doc: etree.Element) -> None:
        marker = self.marker
        # A superset of the elements replace_marker accepts: childless, text == marker.
        self._has_marker = bool(marker) and any(
            len(el) == 0 and el.text and el.text.strip() == marker for el in doc.iter()
        )
        super().run(doc)

    def replace_marker(self, root: etree.Element, elem: etree.Element) -> None:
        if self._has_marker:
            super().replace_marker(root, elem)

    def build_toc_div(self, toc_list: list) -> etree.Element:
        if self._has_marker:
            return super().build_toc_div(toc_list)
        return etree.Element("div")  # becomes md.toc, which nothing reads


class _TocTokensOnlyExtension(TocExtension):
    TreeProcessorClass = _TocTokensOnly


class _QuickUnescape(UnescapeTreeprocessor):
    """The unescape pass, not running its regex over text with no escaped character."""

    def unescape(self, text: str) -> str:
        # Every escape it restores starts with STX; text without one would come back equal.
        return super().unescape(text) if STX in text else text


class _ListedRegistry(Registry):
    """A registry that lists its items once, not on every iteration.

    The block parser walks its processors for every block, and the stock registry builds
    a fresh sorted list each time; any registration drops the kept list.
    """

    _listed: list | None = None

    def __iter__(self):
        if self._listed is None:
            self._listed = list(super().__iter__())
        return iter(self._listed)

    def register(self, item, name: str, priority: float) -> None:
        self._listed = None
        super().register(item, name, priority)

    def deregister(self, name: str, strict: bool = True) -> None:
        self._listed = None
        super().deregister(name, strict)


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

    def __init__(self) -> None:
        md = markdown.Markdown(
            extensions=[
                "footnotes", "tables", _TocTokensOnlyExtension(slugify=_slugify, toc_depth="2-6"),
                "smarty", "abbr", "def_list", "sane_lists",
            ],
            extension_configs={
                "tables": {"use_align_attribute": True},
                "footnotes": {"BACKLINK_TITLE": "Back to text"},
            },
            output_format="html",
        )
        # Raw HTML becomes visible text instead of markup.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Same passes, same priorities and order (before our own processors join priority 6).
        for name, priority in (("inline", 20), ("smarty", 6)):
            quick = _QuickInlineProcessor(md)
            quick.inlinePatterns = md.treeprocessors[name].inlinePatterns
            md.treeprocessors.register(quick, name, priority)
        md.treeprocessors.register(_ShiftHeadings(md), "shift_headings", 7)
        md.treeprocessors.register(_AlignToClass(md), "align_to_class", 6)
        md.treeprocessors.register(_QuickUnescape(md), "unescape", 0)  # alone at its priority
        # The output's size is bounded before it is written out: after every pass that
        # adds content (the toc pass, at 5, is the last), before unescaping.
        self._budget = _OutputBudget()
        md.treeprocessors.register(_SizeGuard(md, self._budget), "size_guard", 1)
        tables = md.parser.blockprocessors["table"]
        tables.run = _bounded_table_run(self._budget, tables.run)  # type: ignore[method-assign]
        # Same registry, items and order; it only stops re-listing them for every block.
        md.parser.blockprocessors.__class__ = _ListedRegistry
        md.parser.__class__ = _QuickBlockParser
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

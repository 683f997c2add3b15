"""Shortcuts over Python-Markdown's internals: the same passes, skipping work that cannot
change the output. Only content/markdown_render.py applies them (see speedups.enabled)."""

from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
from markdown.blockparser import BlockParser
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor
from markdown.util import INLINE_PLACEHOLDER_PREFIX, STX, AtomicString, Registry


def quicken(md: markdown.Markdown) -> None:
    """Swap in the quick passes, keeping every pass's name, priority and order.

    Call it before registering passes of one's own at the priorities used here (6, 20).
    """
    for name, priority in (("inline", 20), ("smarty", 6)):
        quick = _QuickInlineProcessor(md)
        quick.inlinePatterns = md.treeprocessors[name].inlinePatterns
        md.treeprocessors.register(quick, name, priority)
    md.treeprocessors.register(_QuickUnescape(md), "unescape", 0)  # alone at its priority
    # Same registry, items and order; it only stops re-listing them for every block.
    md.parser.blockprocessors.__class__ = _ListedRegistry
    md.parser.__class__ = _QuickBlockParser


def toc_extension(**config) -> TocExtension:
    """The table-of-contents extension, building contents HTML only for a [TOC] marker."""
    return TocTokensOnlyExtension(**config)


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


class TocTokensOnlyExtension(TocExtension):
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

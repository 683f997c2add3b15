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

from .. import speedups
from ..model import Heading, Limits, RenderedMarkdown
from ..speedups import markdown as quick_markdown

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
    """The Markdown is too large or nests deeper than the renderer can handle safely."""


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


def _slugify(value: str, separator: str) -> str:
    return HEADING_ID_PREFIX + (slugify_unicode(value, separator) or "section")


class MarkdownRenderer:
    """Reusable Markdown-to-safe-HTML converter (one per process: Markdown is stateful)."""

    def __init__(self) -> None:
        quick = speedups.enabled()
        toc = (quick_markdown.toc_extension if quick else TocExtension)(slugify=_slugify, toc_depth="2-6")
        md = markdown.Markdown(
            extensions=["footnotes", "tables", toc, "smarty", "abbr", "def_list", "sane_lists"],
            extension_configs={
                "tables": {"use_align_attribute": True},
                "footnotes": {"BACKLINK_TITLE": "Back to text"},
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
        self._md = md

    def render(self, text: str, limits: Limits = Limits()) -> RenderedMarkdown:
        """Render Markdown text to sanitized HTML with its headings and plain text."""
        check_body_shape(text, limits.max_body_bytes, limits.max_body_nesting)
        self._md.reset()
        try:
            raw_html = self._md.convert(text)
        except RecursionError:
            raise BodyTooComplex("the Markdown nests too deeply to render") from None
        headings = tuple(_flatten(self._md.toc_tokens))
        safe = sanitize_html(raw_html)
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

"""The Markdown renderer: exact HTML for representative bodies, and its speed-ups (needle
pre-filters of inline patterns and block processors, the toc pass without contents HTML,
the bracket scan and shape counts) giving the same results as the plain Python-Markdown
pipeline and the straightforward scans they replace."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown.blockparser import BlockParser
from markdown.extensions.toc import TocTreeprocessor
from markdown.treeprocessors import InlineProcessor, UnescapeTreeprocessor
from markdown.util import Registry

from briefing.content.frontmatter import decode_text, split_front_matter
from briefing.content.markdown_render import (
    _ABBREVIATION,
    _FOOTNOTE_REFERENCE,
    MAX_ABBREVIATIONS,
    MAX_FOOTNOTE_REFERENCES,
    BodyTooComplex,
    MarkdownRenderer,
    _deepest_brackets,
    _deepest_containers,
    check_body_shape,
)
from briefing.speedups.markdown import ALWAYS_TRY, BLOCK_PROCESSOR_NEEDLES, INLINE_PATTERN_NEEDLES, _plan_jumps
from briefing.model import Heading
from test_fuzz import MARKDOWN_PIECES
from test_hostile_injection import BODY_PAYLOADS

REPO = Path(__file__).resolve().parent.parent
RENDERER = MarkdownRenderer()


def stock_renderer() -> MarkdownRenderer:
    """The same renderer with Python-Markdown's own classes back in place, as the reference."""
    renderer = MarkdownRenderer()
    md = renderer._md
    # Same instances, patterns and places in the pipeline; only the classes go back.
    for name in ("inline", "smarty"):
        md.treeprocessors[name].__class__ = InlineProcessor
    md.treeprocessors["toc"].__class__ = TocTreeprocessor
    md.treeprocessors["unescape"].__class__ = UnescapeTreeprocessor
    md.parser.blockprocessors.__class__ = Registry
    md.parser.__class__ = BlockParser
    return renderer


STOCK = stock_renderer()


def outcome(renderer: MarkdownRenderer, body: str):
    try:
        return renderer.render(body)
    except BodyTooComplex as exc:
        return str(exc)


# Exact output of the representative bodies: any byte that changes is a visible change.
FOOTNOTES = (
    'The talks resumed.[^1] Both sides "agreed".[^1]\n\n[^1]: See the joint statement.\n',
    '<p>The talks resumed.<sup id="fnref:1"><a class="footnote-ref" href="#fn:1" rel="noopener noreferrer">1</a></sup>'
    ' Both sides “agreed”.<sup id="fnref2:1"><a class="footnote-ref" href="#fn:1" rel="noopener noreferrer">1</a></sup></p>\n'
    '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:1">\n<p>See the joint statement.&nbsp;'
    '<a class="footnote-backref" href="#fnref:1" title="Back to text" rel="noopener noreferrer">↩</a>'
    '<a class="footnote-backref" href="#fnref2:1" title="Back to text" rel="noopener noreferrer">↩</a></p>\n</li>\n</ol>\n</div>',
)
SMART_QUOTES = (
    "\"It's the '90s,\" he said -- then --- nothing... `don't \"touch\" -- code`",
    "<p>“It’s the ’90s,” he said – then — nothing… <code>don't \"touch\" -- code</code></p>",
)
HEADINGS = (
    "# Border talks\n\nText.\n\n## Next *steps*\n\n## Next steps\n\n### 2024 & after\n\n## ???\n",
    '<h2 id="s-border-talks">Border talks</h2>\n<p>Text.</p>\n<h3 id="s-next-steps">Next <em>steps</em></h3>\n'
    '<h3 id="s-next-steps_1">Next steps</h3>\n<h4 id="s-2024-after">2024 &amp; after</h4>\n<h3 id="s-section">???</h3>',
)
TABLE = (
    "| Side | Count |\n|:-----|------:|\n| Armenia | 2 |\n| Azerbaijan | 3 |\n",
    '<table>\n<thead>\n<tr>\n<th class="align-left">Side</th>\n<th class="align-right">Count</th>\n</tr>\n</thead>\n'
    '<tbody>\n<tr>\n<td class="align-left">Armenia</td>\n<td class="align-right">2</td>\n</tr>\n<tr>\n'
    '<td class="align-left">Azerbaijan</td>\n<td class="align-right">3</td>\n</tr>\n</tbody>\n</table>',
)
ABBR_DEFINITIONS_LISTS = (
    "*[OSCE]: Organization for Security and Co-operation in Europe\n\nThe OSCE met.\n\nTerm\n: Definition\n\n"
    "3. three\n4. four\n\n- a\n- b\n",
    '<p>The <abbr title="Organization for Security and Co-operation in Europe">OSCE</abbr> met.</p>\n'
    "<dl>\n<dt>Term</dt>\n<dd>Definition</dd>\n</dl>\n<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n"
    "<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
)
HOSTILE = (
    "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> &lt;b&gt; "
    '[ok](https://example.org/ "t") <https://e.org/> <a@b.org>\\\nline  \nbreak ![i](https://e.org/i.png)',
    '<p>&lt;script&gt;alert(1)&lt;/script&gt; <a rel="noopener noreferrer">x</a> &lt;img src=x onerror=alert(1)&gt; '
    '&lt;b&gt; <a href="https://example.org/" title="t" rel="noopener noreferrer">ok</a> '
    '<a href="https://e.org/" rel="noopener noreferrer">https://e.org/</a> '
    '<a href="mailto:a@b.org" rel="noopener noreferrer">a@b.org</a>\\\nline<br>\nbreak </p>',
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [FOOTNOTES, SMART_QUOTES, HEADINGS, TABLE, ABBR_DEFINITIONS_LISTS, HOSTILE],
    ids=["footnotes", "smart-quotes", "headings", "table", "abbr-deflist-lists", "hostile"],
)
def test_representative_bodies_render_to_exact_html(body, expected):
    assert RENDERER.render(body).html == expected


def test_headings_plain_text_and_word_count():
    rendered = RENDERER.render(HEADINGS[0])
    assert rendered.headings == (
        Heading(2, "s-border-talks", "Border talks"),
        Heading(3, "s-next-steps", "Next steps"),
        Heading(3, "s-next-steps_1", "Next steps"),
        Heading(4, "s-2024-after", "2024 & after"),
        Heading(3, "s-section", "???"),
    )
    assert rendered.text == "Border talks Text. Next steps Next steps 2024 & after ???"
    assert rendered.word_count == 11


def test_one_renderer_gives_the_same_html_every_time():
    # Reused Markdown state (footnotes, abbreviations, toc ids) must not leak between bodies.
    bodies = [FOOTNOTES[0], ABBR_DEFINITIONS_LISTS[0], HEADINGS[0], "The OSCE[^1] met.\n\n## Border talks\n"]
    first = [RENDERER.render(body) for body in bodies]
    assert [RENDERER.render(body) for body in reversed(bodies)] == first[::-1]
    assert "<abbr" not in first[3].html and "footnote" not in first[3].html
    assert first[3].headings[0].id == "s-border-talks"


def test_bundled_briefs_render_as_with_the_stock_inline_passes():
    bodies = []
    for path in sorted((REPO / "content").rglob("*.md")):
        bodies.append(split_front_matter(decode_text(path.read_bytes())).body)
    assert len(bodies) >= 20
    for body in bodies:
        assert RENDERER.render(body) == STOCK.render(body)


INLINE_PIECES = [
    "'", '"', "--", "---", "...", "....", "  \n", "\\", "`", "*", "_", "[", "]", "(", ")", "!", "^", "@", "&", ";",
    "<", ">", "://", "a@b.org", "<a@b.org>", "<https://x.org/>", "'90s", "don't", " ", "\n", "\n\n", "word",
    "&mdash;", "&nbsp;", "&#8211;", "–", "—", "[^1]", "[^1]: note\n", "*[OSCE]: Org\n", "OSCE", "[a][1]\n\n[1]: https://r.org\n",
    "![i](https://e.org/i.png)", "[l](https://e.org/)", "# ", "## ", "| a | b |\n|:-|-:|\n| 1 | 2 |\n", "term\n: def\n",
    "[TOC]", "\n\n[TOC]\n\n", "> [TOC]\n", "- [TOC]\n", "[toc]", "TOC", "\x02", "\x03",
    "\\*x\\*", '[t](https://e.org/a\\_b "a\\*b")', "`\\*`", "\n: ", "\n   : ", "]: ", "[r]: https://r.org \"t\"\n", "\n# h #\n", "#", "\n> q\n", "\n|a|\n|-|\n", "| ",
]
# Pieces of Markdown, and text that some inline pattern matches (from its own regex).
pattern_matches = st.sampled_from(sorted(INLINE_PATTERN_NEEDLES)).flatmap(lambda regex: st.from_regex(regex, fullmatch=True))
inline_heavy_bodies = st.lists(
    st.one_of(st.sampled_from(INLINE_PIECES + MARKDOWN_PIECES + BODY_PAYLOADS), pattern_matches), max_size=60
).map("".join)


@given(st.one_of(inline_heavy_bodies, st.text(max_size=200)))
def test_any_body_renders_as_with_the_stock_inline_passes(body):
    assert outcome(RENDERER, body) == outcome(STOCK, body)


def test_a_toc_marker_still_gets_its_table_of_contents():
    # The contents <div> is built only when a body has the marker, as the stock pass would.
    body = "Intro.\n\n[TOC]\n\n## One\n\nText [TOC] inline.\n\n> [TOC]\n\n## Two *b*\n\n    [TOC]\n"
    rendered = RENDERER.render(body)
    assert rendered == STOCK.render(body)
    assert rendered.html.count('<li><a href="#s-one" rel="noopener noreferrer">One</a></li>') == 2
    assert "<p>Text [TOC] inline.</p>" in rendered.html and "<code>[TOC]\n</code>" in rendered.html
    assert RENDERER.render("## One\n\nText.\n") == STOCK.render("## One\n\nText.\n")


def test_the_speed_up_still_applies():
    # A Markdown upgrade that renames the overridden method or changes a pattern still
    # renders correctly (stock loop; the pattern is always tried) but loses the speed-up.
    assert hasattr(InlineProcessor, "_InlineProcessor__handleInline")
    assert hasattr(InlineProcessor, "_InlineProcessor__applyPattern")
    assert hasattr(InlineProcessor, "_InlineProcessor__processPlaceholders")
    assert hasattr(TocTreeprocessor, "replace_marker") and hasattr(TocTreeprocessor, "build_toc_div")
    md = RENDERER._md
    RENDERER.render("## One\n\nText.\n")
    assert md.toc == "<div></div>"  # no contents built for a body without the marker
    for registry in (md.inlinePatterns, md.treeprocessors["smarty"].inlinePatterns):
        for pattern in registry:
            assert pattern.getCompiledRegExp().pattern in INLINE_PATTERN_NEEDLES


@pytest.mark.parametrize("regex", sorted(INLINE_PATTERN_NEEDLES))
def test_needles_are_in_every_match(regex):
    compiled = re.compile(regex, re.DOTALL | re.UNICODE)  # as Python-Markdown compiles them
    needles = INLINE_PATTERN_NEEDLES[regex]

    @given(st.from_regex(compiled))
    def check(text):
        if compiled.search(text):
            assert any(needle in text for needle in needles)

    check()


@pytest.mark.parametrize("name", ["hashheader", "deflist", "quote", "footnote", "abbr", "reference"])
def test_block_needles_are_in_every_match(name):
    processor = RENDERER._md.parser.blockprocessors[name]
    compiled = processor.RE
    needle = BLOCK_PROCESSOR_NEEDLES[f"{type(processor).__module__}.{type(processor).__qualname__}"]

    @given(st.from_regex(compiled))
    def check(text):
        if compiled.search(text):
            assert needle in text

    check()


table_blocks = st.lists(st.sampled_from(["|", "\\|", "`", "-", ":", " ", "a", "\n", "||", "|-|", ":-:"]), max_size=20).map("".join)


@given(table_blocks)
def test_a_table_needs_a_pipe(block):
    processor = STOCK._md.parser.blockprocessors["table"]
    if processor.test(etree.Element("div"), block):
        assert "|" in block


def test_every_block_needle_is_used():
    # A Markdown upgrade that renames a processor class loses the speed-up, not correctness.
    names = {f"{type(p).__module__}.{type(p).__qualname__}" for p in RENDERER._md.parser.blockprocessors}
    assert set(BLOCK_PROCESSOR_NEEDLES) <= names


def test_patterns_without_needles_are_always_tried():
    # Masks: pattern 0 needs needle bit 1, pattern 1 has no known needles, pattern 2 needs bit 2.
    masks = (1, ALWAYS_TRY, 2)
    assert _plan_jumps(masks, present=0) == (1, 1, 3, 3)
    assert _plan_jumps(masks, present=2) == (1, 1, 2, 3)
    assert _plan_jumps(masks, present=3) == (0, 1, 2, 3)


def reference_deepest_brackets(text: str) -> int:
    """The character-by-character scan the regex version replaced."""
    deepest = 0
    for block in re.split(r"\n[ \t]*\n", text):
        open_count = {"[": 0, "(": 0}
        escaped = False
        for char in block:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char in open_count:
                open_count[char] += 1
                deepest = max(deepest, open_count[char])
            elif char == "]" and open_count["["]:
                open_count["["] -= 1
            elif char == ")" and open_count["("]:
                open_count["("] -= 1
    return deepest


@given(st.text(alphabet=st.sampled_from(list("[]()\\ \t\na")), max_size=60))
def test_bracket_depth_matches_the_character_scan(text):
    assert _deepest_brackets(text) == reference_deepest_brackets(text)


def test_bracket_depth_examples():
    assert _deepest_brackets("[[(x)]] \\[\\[\\[ ((") == 2
    assert _deepest_brackets("[[[\n\n]]]") == 3
    assert _deepest_brackets("]]]][[") == 2


def reference_shape_problem(text: str, max_nesting: int) -> str | None:
    """check_body_shape's checks run in full, in order, with no counting shortcut."""
    if len(_ABBREVIATION.findall(text)) > MAX_ABBREVIATIONS:
        return "abbreviations"
    if len(_FOOTNOTE_REFERENCE.findall(text)) > MAX_FOOTNOTE_REFERENCES:
        return "footnote references"
    if _deepest_containers(text) > max_nesting:
        return "levels deep"
    if _deepest_brackets(text) > max_nesting:
        return "open at once"
    return None


def shape_problem(text: str, max_nesting: int) -> str | None:
    try:
        check_body_shape(text, 10**6, max_nesting)
    except BodyTooComplex as exc:
        return next(kind for kind in ("abbreviations", "footnote references", "levels deep", "open at once") if kind in str(exc))
    return None


SHAPE_PIECES = ["[", "]", "(", ")", "\\[", "*[A]: x\n", "*[", "[^1]", "[^1]: n\n", "[^", "> ", "- ", "1. ", "    ", "\n", "\n\n", "a"]


@given(st.lists(st.sampled_from(SHAPE_PIECES), max_size=40).map("".join), st.integers(min_value=2, max_value=4))
def test_shape_checks_find_what_the_full_scans_find(text, max_nesting):
    assert shape_problem(text, max_nesting) == reference_shape_problem(text, max_nesting)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*[A]: x\n" * (MAX_ABBREVIATIONS + 1), "abbreviations"),
        ("*[A]: x\n" * MAX_ABBREVIATIONS + "*[x] " * 50, None),  # more '*[' than the limit, but not definitions
        ("[^1] " * (MAX_FOOTNOTE_REFERENCES + 1), "footnote references"),
        ("[^1] " * MAX_FOOTNOTE_REFERENCES + "\n\n[^1]: note\n" * 30, None),  # definitions are not references
        ("[" * 21, "open at once"),
        ("[]" * 30 + "(" * 21, "open at once"),
        ("[]" * 30 + "()" * 30, None),  # many brackets, never deep
    ],
)
def test_shape_limits_at_their_edges(text, expected):
    assert shape_problem(text, 20) == reference_shape_problem(text, 20) == expected

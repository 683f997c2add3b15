"""Output amplification: a body within every size limit must not render to more than
limits.max_body_html_bytes of HTML. Reference links, abbreviations, footnotes, [TOC],
tables, entities and smarty quotes are the amplifiers; generated bodies built from them
are either rendered within the bound or refused with the `body:` message, quickly, and
`check`, `check FILE` and `build` agree."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.content.markdown_render import BodyTooComplex, MarkdownRenderer
from briefing.errors import BuildFailed
from briefing.model import Limits
from conftest import REPO, brief_text
from test_build import build_py
from test_hostile_resources import BOUND_SECONDS, LIMIT, fill

RENDERER = MarkdownRenderer()
BRIEF = "content/briefs/2023/2023-12-07-joint-statement.md"
SIZE_MESSAGE = "limits.max_body_html_bytes in content/site.yaml"
# What else a generated body may be refused for (the shape limits of round one).
OTHER_REFUSALS = ("abbreviations", "footnote references", "levels deep", "open at once", "nests too deeply")


def long_text(draw, alphabet: str = "abc&\"'<") -> str:
    return draw(st.text(alphabet=alphabet, min_size=1, max_size=1500))


@st.composite
def reference_links(draw) -> str:
    url = "https://example.org/" + draw(st.text(alphabet="abcxyz/-", min_size=0, max_size=1500))
    title = long_text(draw)
    uses = draw(st.integers(1, 400))
    image = draw(st.booleans())
    use = "![r]" if image else "[r]"
    return f'[r]: {url} "{title}"\n\n' + " ".join([use] * uses) + "\n"


@st.composite
def abbreviations(draw) -> str:
    count = draw(st.integers(1, 20))
    title = long_text(draw, "abc")
    uses = draw(st.integers(1, 500))
    head = "".join(f"*[A{i}]: {title}\n" for i in range(count))
    return head + "\n" + " ".join(f"A{i % count}" for i in range(uses)) + "\n"


@st.composite
def footnotes(draw) -> str:
    label = draw(st.text(alphabet="abcdef", min_size=1, max_size=300))
    uses = draw(st.integers(1, 200))
    return "x" + f"[^{label}] " * uses + f"\n\n[^{label}]: {long_text(draw, 'abc')}\n"


@st.composite
def contents_markers(draw) -> str:
    headings = draw(st.integers(1, 200))
    markers = draw(st.integers(1, 200))
    return "".join(f"## heading {i}\n\n" for i in range(headings)) + "[TOC]\n\n" * markers


@st.composite
def tables(draw) -> str:
    columns = draw(st.integers(1, 400))
    rows = draw(st.integers(0, 400))
    cell = draw(st.sampled_from(["", "x", "&amp;", "'quoted'"]))
    return "|" + "h|" * columns + "\n|" + "-|" * columns + "\n" + ("|" + cell + "\n") * rows


@st.composite
def dense_text(draw) -> str:
    unit = draw(st.sampled_from(["'", '"', "--", "...", "&", "<", "***a*** ", "`x` ", "- a\n", "> q\n\n", "a\n: b\n\n"]))
    return unit * draw(st.integers(1, 3000))


amplifying_bodies = st.lists(
    st.one_of(reference_links(), abbreviations(), footnotes(), contents_markers(), tables(), dense_text()),
    min_size=1, max_size=4,
).map("\n\n".join)


@given(amplifying_bodies, st.sampled_from([1024, 4096, 16384, 65536, Limits().max_body_html_bytes]))
def test_an_accepted_body_never_renders_past_the_limit_and_a_refused_one_says_so(body, limit):
    limits = Limits(max_body_html_bytes=limit, max_body_bytes=10 ** 6)
    try:
        rendered = RENDERER.render(body, limits)
    except BodyTooComplex as exc:
        message = str(exc)
        assert SIZE_MESSAGE in message or any(part in message for part in OTHER_REFUSALS), message
        if SIZE_MESSAGE in message:
            assert f"the limit is {limit} bytes" in message
        return
    assert len(rendered.html.encode("utf-8")) <= limit


@given(st.lists(st.one_of(abbreviations(), footnotes(), tables(), dense_text()), min_size=1, max_size=3).map("\n\n".join))
def test_a_body_is_refused_for_its_size_only_when_its_html_is_near_the_limit(body):
    # The early guards count what the HTML holds at least, so a body refused for its size
    # renders (without the limit) to more than half of it: no small body is refused.
    limit = 8192
    try:
        RENDERER.render(body, Limits(max_body_html_bytes=limit, max_body_bytes=10 ** 6))
    except BodyTooComplex as exc:
        if SIZE_MESSAGE in str(exc):
            unbounded = RENDERER.render(body, Limits(max_body_html_bytes=10 ** 9, max_body_bytes=10 ** 6))
            assert len(unbounded.html.encode("utf-8")) > limit // 2


# The worst shapes at the default body size: each once rendered to tens or hundreds of
# megabytes (the [TOC] shape to 142 MB in 32 s, the table to 189 MB in two minutes).
HALF = LIMIT // 2
WORST = {
    "reference link used thousands of times": f'[r]: https://example.org/{"a" * (HALF // 2)} "{"t" * (HALF // 2)}"\n\n' + "[r]" * (HALF // 3 - 10),
    "reference image used thousands of times": f"[r]: https://example.org/{'a' * HALF}\n\n" + "![r]" * (HALF // 4 - 10),
    "abbreviation with a long title": "*[A]: " + "t" * HALF + "\n\n" + "A " * (HALF // 2 - 10),
    "one footnote with a long label": "x" + "[^" + "f" * 50 + "] " * 1 + "\n\n" + ("x[^" + "f" * 50 + "] ") * 190 + "\n\n[^" + "f" * 50 + "]: " + "n" * 10000 + "\n",
    "[TOC] thousands of times": "".join(f"# h{i}\n" for i in range(1000)) + "\n" + "[TOC]\n\n" * ((LIMIT - 8500) // 7),
    "table of thousands of empty rows": "|" + "a|" * 3000 + "\n|" + "-|" * 3000 + "\n" + "|\n" * ((LIMIT - 12100) // 2),
    "smarty quotes and entities": fill("'\"&"),
}


@pytest.mark.parametrize("body", WORST.values(), ids=WORST.keys())
def test_the_worst_shapes_are_refused_quickly_or_stay_within_the_bound(body):
    assert len(body.encode()) <= LIMIT
    started = time.perf_counter()
    try:
        rendered = RENDERER.render(body)
    except BodyTooComplex as exc:
        assert SIZE_MESSAGE in str(exc) or "footnote references" in str(exc), str(exc)
        assert time.perf_counter() - started < 5  # refused before the output is made (0.3 s at most here)
    else:
        assert len(rendered.html.encode()) <= Limits().max_body_html_bytes
        assert time.perf_counter() - started < BOUND_SECONDS  # dense markup is slow, not amplified


def test_check_check_file_and_build_refuse_the_same_body_with_the_same_message(project):
    project.brief(body=WORST["reference link used thousands of times"])
    full, single = build_py("check", cwd=project.root), build_py("check", BRIEF, cwd=project.root)
    assert full.returncode == single.returncode == 1
    line = next(line for line in full.stderr.splitlines() if line.startswith(f"{BRIEF}:13: body:"))
    assert SIZE_MESSAGE in line and line in single.stderr.splitlines()
    with pytest.raises(BuildFailed) as failure:
        project.build()
    assert [p.format() for p in failure.value.problems] == [line]
    assert not project.out.exists()


def test_the_limit_is_set_in_site_yaml(project):
    body = "A paragraph of text. " * 60  # about 1.3 KB of HTML
    project.brief(body=body)
    project.write("content/site.yaml", (project.root / "content/site.yaml").read_text() + "limits:\n  max_body_html_bytes: 1024\n")
    result = build_py("check", cwd=project.root)
    assert result.returncode == 1
    assert f"{BRIEF}:13: body: renders to more than 1024 bytes of HTML (counting every repeat of a reference link's address and title, an abbreviation's title, a footnote or [TOC]); the limit is 1024 bytes ({SIZE_MESSAGE})" in result.stderr
    project.write("content/site.yaml", (project.root / "content/site.yaml").read_text().replace("1024\n", "2048\n"))
    assert build_py("check", cwd=project.root).returncode == 0
    project.write("content/site.yaml", (project.root / "content/site.yaml").read_text().replace("2048\n", "100\n"))
    result = build_py("check", cwd=project.root)
    assert "content/site.yaml:10: limits.max_body_html_bytes: must be at least 1024, got 100" in result.stderr


def test_the_bundled_briefs_are_far_below_the_default():
    from briefing.content.loader import load_content

    content = load_content(REPO, REPO / "content")
    largest = max(len(b.body.html.encode()) for b in (*content.briefs, *content.pages))
    assert largest * 10 < Limits().max_body_html_bytes


def test_a_brief_at_the_body_limit_of_ordinary_prose_renders():
    prose = fill("Both sides said the talks were 'useful' -- and would go on... ")
    rendered = RENDERER.render(brief_text(body=prose).split("---\n", 2)[2])
    assert len(rendered.html.encode()) <= Limits().max_body_html_bytes

"""Fuzzing: hostile and garbage front matter, YAML, settings files and Markdown. Loading
never fails with anything but reported problems, and what renders is always clean.

Example counts come from the Hypothesis profile (tests/hypothesis_profiles.py): `ci` by
default, `--hypothesis-profile=long` for a longer run by hand."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import event, given, settings
from hypothesis import strategies as st

from briefing.build import BuildOptions, build_site
from briefing.content.config import load_site_config, load_vocabulary
from briefing.errors import BuildFailed
from briefing.content.files import read_text
from briefing.content.loader import parse_brief, parse_page
from briefing.content.markdown_render import BodyTooComplex, MarkdownRenderer
from briefing.model import Limits, Term, Vocabulary
from conftest import SITE_YAML, VOCABULARY_YAML, Project
from hostile_scan import scan_html, scan_tree
from test_hostile_injection import BODY_PAYLOADS, TEXT_PAYLOADS

NAME = "content/briefs/2023/2023-12-07-fuzzed.md"
VOCABULARY = Vocabulary(
    (Term("statement", "Statement", "d"),),
    (Term("armenia", "Armenia", "d"), Term("azerbaijan", "Azerbaijan", "d")),
    (Term("prisoners", "Prisoners", "d"),),
)
RENDERER = MarkdownRenderer()

# Text that looks like an attack: markup, schemes, entities, controls, bidi, YAML syntax.
HOSTILE_PIECES = [
    "<", ">", "\"", "'", "&", "&#", "&#x", ";", ":", "/", "\\", "javascript", "JaVaScRiPt", "data",
    "vbscript", "script", "iframe", "onerror=", "style=", "\t", "\n", "\r", "\x00", "\x0b", "\u202e",
    "\u2028", "\u200b", "\ufeff", "{{", "}}", "{%", "%}", "---", "...", "*", "_", "`", "[", "]", "(", ")",
    "!", "#", "|", "-", "=", "+", "@", "~", "^", "%", "&amp;", "&lt;", "alert(1)", "http://", "https://",
]
hostile_text = st.one_of(
    st.lists(st.sampled_from(HOSTILE_PIECES + TEXT_PAYLOADS), max_size=12).map("".join),
    st.text(max_size=80),
)
# Hostile but valid: no control characters, within length limits, so whole builds succeed.
_PRINTABLE = [p for p in HOSTILE_PIECES + TEXT_PAYLOADS if p.isprintable() and p.strip() not in ("---", "...")]
valid_hostile_text = st.lists(st.sampled_from(_PRINTABLE), min_size=1, max_size=8).map(lambda parts: "x " + "".join(parts)[:150])
yaml_syntax = st.lists(
    st.sampled_from(["-", ":", " ", "\n", "  ", "[", "]", "{", "}", ",", "&a", "*a", "!!", "!!python/object:os.system", "|", ">", "'", "\"", "#", "%YAML", "? ", "<<", "~", "title", "date", "2023-12-07", "x"]),
    max_size=60,
).map("".join)

MARKDOWN_PIECES = [
    "\n", "\n\n", "  ", "    ", "> ", "- ", "* ", "+ ", "1. ", "1) ", "# ", "## ", "---", "***", "___", "```", "~~~",
    "`", "*", "**", "_", "__", "[", "]", "(", ")", "[x]", "(https://example.org/)", "![", "<", ">", "<http://x.org/>",
    "|", "|---|", ": ", "[^1]", "[^1]: ", "*[A]: ", "&", "&#", "&#x6A;", "\\", "\t", "{", "}", "text", "word ",
    "javascript:", "data:", "vbscript:", "<script>", "</script>", "onerror=", "\"", "'", "=",
]
markdown_bodies = st.one_of(
    st.lists(st.sampled_from(MARKDOWN_PIECES + BODY_PAYLOADS), max_size=60).map("".join),
    st.text(max_size=300),
)


def brief_with(title: str, summary: str, publisher: str, source_title: str, url: str, body: str) -> str:
    dump = json.dumps  # JSON strings are YAML double-quoted scalars
    return (
        f"---\ntitle: {dump(title)}\ndate: 2023-12-07\ntype: statement\nactors: [armenia]\n"
        f"summary: {dump(summary)}\nsources:\n  - publisher: {dump(publisher)}\n"
        f"    title: {dump(source_title)}\n    url: {dump(url)}\n---\n{body}"
    )


def assert_reported(brief, problems) -> None:
    assert (brief is None) == bool(problems)
    for problem in problems:
        assert problem.path == NAME and problem.line >= 1 and problem.field and problem.message


@given(hostile_text, hostile_text, hostile_text, hostile_text, hostile_text, markdown_bodies)
def test_hostile_fields_are_validated_or_reported_and_bodies_come_out_clean(title, summary, publisher, source_title, url, body):
    brief, problems = parse_brief(NAME, brief_with(title, summary, publisher, source_title, url, body), VOCABULARY, Limits(), RENDERER)
    assert_reported(brief, problems)
    if brief is not None:
        assert not scan_html(brief.body.html, "body", page=False)
        for source in brief.sources:
            assert source.url.lower().startswith(("http://", "https://"))


@given(yaml_syntax, markdown_bodies)
def test_garbage_yaml_front_matter_is_reported(front, body):
    brief, problems = parse_brief(NAME, f"---\n{front}\n---\n{body}", VOCABULARY, Limits(), RENDERER)
    assert_reported(brief, problems)


@given(st.binary(max_size=400))
def test_garbage_bytes_are_reported(raw):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "content/briefs/2023/2023-12-07-fuzzed.md"
        path.parent.mkdir(parents=True)
        path.write_bytes(raw)
        text, problem = read_text(path, root, root / "content", Limits().max_file_bytes)
        if problem:
            assert problem.path == NAME and problem.field == "file"
            return
        assert_reported(*parse_brief(NAME, text or "", VOCABULARY, Limits(), RENDERER))


@given(markdown_bodies)
def test_any_markdown_renders_clean_or_is_refused(body):
    try:
        rendered = RENDERER.render(body)
    except BodyTooComplex as exc:
        assert str(exc)
        return
    assert not scan_html(rendered.html, "body", page=False)
    assert all(h.id.startswith("s-") for h in rendered.headings)


@given(st.text(max_size=200), markdown_bodies)
def test_pages_with_garbage_are_reported(front, body):
    page, problems = parse_page("content/pages/fuzzed.md", f"---\n{front}\n---\n{body}", Limits(), RENDERER)
    assert (page is None) == bool(problems)


@given(st.one_of(yaml_syntax, hostile_text, st.builds(lambda extra: SITE_YAML + extra, st.one_of(yaml_syntax, hostile_text))))
def test_garbage_settings_and_vocabulary_files_are_reported(text):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "content").mkdir()
        (root / "content/site.yaml").write_text(text, encoding="utf-8")
        (root / "content/vocabulary.yaml").write_text(text.replace(SITE_YAML, VOCABULARY_YAML), encoding="utf-8")
        config, problems = load_site_config(root, root / "content")
        assert (config is None) == bool(problems)
        assert all(p.path == "content/site.yaml" and p.line >= 1 for p in problems)
        vocabulary, problems = load_vocabulary(root, root / "content")
        assert (vocabulary is None) == bool(problems)
        assert all(p.path == "content/vocabulary.yaml" and p.line >= 1 for p in problems)


# Whole builds are slower: a tenth of the profile's examples, at least five.
@settings(max_examples=max(5, settings.default.max_examples // 10))
@given(st.lists(st.tuples(valid_hostile_text, valid_hostile_text, markdown_bodies), min_size=1, max_size=3))
def test_whole_builds_of_hostile_briefs_write_nothing_executable(briefs):
    with tempfile.TemporaryDirectory() as folder:
        project = Project(Path(folder) / "project")
        for number, (title, summary, body) in enumerate(briefs):
            text = brief_with(title, summary, title, summary, "https://example.org/", "Body text.\n\n" + body)
            project.write(f"content/briefs/2023/2023-12-0{number + 1}-fuzzed-{number}.md", text.replace("2023-12-07", f"2023-12-0{number + 1}"))
        try:
            build_site(BuildOptions.for_root(project.root))
        except BuildFailed as failure:
            # Only a body can still be refused (too complex, empty, or holding what XML cannot
            # carry), or a file whose body has a NUL byte (binary); the fields are valid.
            binary = any("\x00" in body for _, _, body in briefs)
            assert {p.field for p in failure.problems} <= {"body"} | ({"file"} if binary else set()), failure.problems
            assert not project.out.exists()
            event("refused")
            return
        event("built")
        findings, _ = scan_tree(project.out)
        assert not findings, findings[:10]

"""Property tests: no input makes front matter splitting or brief validation crash with
anything but a reported problem."""

from __future__ import annotations

import datetime as dt

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.content.frontmatter import FrontMatterProblem, split_front_matter
from briefing.content.loader import parse_brief
from briefing.content.markdown_render import MarkdownRenderer
from briefing.model import Limits, Term, Vocabulary

NAME = "content/briefs/2023/2023-12-07-joint-statement.md"
VOCABULARY = Vocabulary(
    types=(Term("statement", "Statement", "d"),),
    actors=(Term("armenia", "Armenia", "d"), Term("azerbaijan", "Azerbaijan", "d")),
    tags=(Term("prisoners", "Prisoners", "d"),),
)
RENDERER = MarkdownRenderer()

yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["no", "yes", "2024-13-01", "2023-12-07", "statement", "armenia", "https://x.org/", "javascript:x", "~", "!!python/object"]),
)
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["title", "date", "type", "actors", "summary", "sources", "tags", "related", "updated", "corrections", "draft", "end_date", "titel"]
)
front_matters = st.dictionaries(field_names, yaml_values, max_size=12)


def assert_reported(text: str) -> None:
    brief, problems = parse_brief(NAME, text, VOCABULARY, Limits(), RENDERER)
    assert (brief is None) == bool(problems)
    for problem in problems:
        assert problem.path == NAME and problem.line >= 1 and problem.field and problem.message


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(max_size=300))
def test_any_text_splits_or_reports(text):
    try:
        split = split_front_matter(text)
    except FrontMatterProblem as problem:
        assert problem.line >= 1 and problem.message
    else:
        assert split.body_line >= 3


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200).filter(lambda s: "---" not in s and "..." not in s), st.text(max_size=100))
def test_front_matter_and_body_round_trip(front, body):
    front = front.replace("\r", "")
    text = "---\n" + front + ("\n" if front and not front.endswith("\n") else "") + "---\n" + body
    split = split_front_matter(text.replace("\r", ""))
    assert split.front_matter.strip("\n") == front.strip("\n")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(front_matters, st.text(max_size=200))
def test_any_front_matter_is_validated_without_crashing(fields, body):
    try:
        front = yaml.safe_dump(fields, allow_unicode=True)
    except yaml.YAMLError:
        return
    assert_reported("---\n" + front + "---\n" + body)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(max_size=400))
def test_garbage_after_the_opening_line_is_reported(text):
    assert_reported("---\n" + text)



_segments = st.lists(st.sampled_from(["a", "b", "content", ".", "..", "", "x y", "ü"]), max_size=4)


@settings(max_examples=300, deadline=None)
@given(_segments, _segments, _segments, st.booleans(), st.booleans())
def test_a_path_is_named_relative_to_the_root_as_pathlib_names_it(root, rest, elsewhere, absolute, trailing):
    from pathlib import Path

    from briefing.content.files import relative_name

    def made(parts: list[str]) -> Path:
        return Path(("/" if absolute else "") + "/".join(parts) + ("/" if trailing and parts else ""))

    top = made(root)
    for path in (made(root + rest), made(elsewhere)):  # inside the root, and anywhere
        try:
            expected = path.relative_to(top).as_posix()
        except ValueError:
            expected = path.as_posix()
        assert relative_name(path, top) == expected

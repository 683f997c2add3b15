"""Invisible and deceptive text: emptiness is judged on what a reader sees, direction marks
and overrides are refused in plain text, and vocabulary labels stay distinct after case,
width and look-alike letters from other scripts are set aside."""

from __future__ import annotations


import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.content.config import load_vocabulary
from briefing.content.schema import check_plain_text
from briefing.content.text_rules import has_visible_text
from briefing.build import check_site
from briefing.errors import BuildFailed

# Characters that show nothing: spaces, zero-width and format characters, fillers that are
# letters or symbols by category but blank by design, tag characters, variation selectors
# and combining marks with nothing to sit on.
INVISIBLE = {
    "zero-width space": "\u200b", "zero-width non-joiner": "\u200c", "zero-width joiner": "\u200d",
    "word joiner": "\u2060", "byte order mark": "\ufeff", "soft hyphen": "\u00ad",
    "Mongolian vowel separator": "\u180e", "invisible times": "\u2062",
    "Hangul filler": "\u3164", "Hangul choseong filler": "\u115f", "Hangul jungseong filler": "\u1160",
    "halfwidth Hangul filler": "\uffa0", "Braille blank": "\u2800",
    "tag characters": "\U000e0041\U000e0042\U000e007f", "variation selector": "\ufe0f",
    "variation selector supplement": "\U000e0100", "combining grave alone": "\u0300",
    "combining grapheme joiner": "\u034f", "no-break space": "\u00a0", "ideographic space": "\u3000",
    "em space": "\u2003", "musical symbol begin beam": "\U0001d173",
}
VISIBLE = ["a", "Ա", "Ə", "Я", "日", "٣", "—", "😀", "€", "ㅤa", "\u200bx"]
BIDI = {"LRM": "\u200e", "RLM": "\u200f", "ALM": "\u061c", "LRE": "\u202a", "RLE": "\u202b",
        "PDF": "\u202c", "LRO": "\u202d", "RLO": "\u202e", "LRI": "\u2066", "RLI": "\u2067",
        "FSI": "\u2068", "PDI": "\u2069"}


@pytest.mark.parametrize("text", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_text_counts_as_empty(text):
    assert not has_visible_text(text) and not has_visible_text(text * 3 + " " + text)
    assert check_plain_text(text * 2).startswith("must not be empty")


@pytest.mark.parametrize("text", VISIBLE)
def test_any_visible_character_counts(text):
    assert has_visible_text(text)


@given(st.text(alphabet=st.sampled_from(list("".join(INVISIBLE.values())) + [" ", "\t"]), min_size=1, max_size=20))
def test_any_mix_of_invisible_characters_is_empty(text):
    assert not has_visible_text(text)


# Letters and symbols that are blank by design: the Hangul fillers (default-ignorable) and
# the Braille blank (a look-alike of a space).
BLANK_BY_DESIGN = "\u3164\u115f\u1160\uffa0\u2800"


@given(st.text(alphabet=st.characters(categories=["Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "No", "Pc", "Pd", "Po", "Sm", "Sc", "So"],
                                      exclude_characters=BLANK_BY_DESIGN), min_size=1, max_size=5))
def test_letters_digits_punctuation_and_symbols_are_visible(text):
    assert has_visible_text(text)


FIELDS = {  # (file, text to replace, replacement with {v}, field reported)
    "title": ("content/briefs/2023/2023-12-07-joint-statement.md", "title: Joint statement on prisoners", "title: {v}", "title"),
    "summary": ("content/briefs/2023/2023-12-07-joint-statement.md", "summary: The two governments agreed to release detained servicemen.", "summary: {v}", "summary"),
    "source title": ("content/briefs/2023/2023-12-07-joint-statement.md", "title: Moscow hails intention of Baku-Yerevan to normalize relations", "title: {v}", "sources[1].title"),
    "actor label": ("content/vocabulary.yaml", "label: Armenia", "label: {v}", "actors[1].label"),
    "site title": ("content/site.yaml", "title: Test Archive", "title: {v}", "title"),
    "page title": ("content/pages/about.md", "title: About", "title: {v}", "title"),
}


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar holding `text`, every non-ASCII character as an escape."""
    def escape(c: str) -> str:
        if c.isascii() and c.isprintable() and c not in '"\\':
            return c
        return f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"

    return '"' + "".join(map(escape, text)) + '"'


def write_with(project, field: str, value: str) -> tuple[str, int, str]:
    project.brief()
    project.write("content/pages/about.md", "---\ntitle: About\nsummary: What this is.\n---\nText.\n")
    path, old, new, name = FIELDS[field]
    text = (project.root / path).read_text(encoding="utf-8")
    project.write(path, text.replace(old, new.format(v=yaml_quote(value)), 1))
    return path, text[: text.index(old)].count("\n") + 1, name


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", ["zero-width space", "Hangul filler", "Braille blank", "tag characters"])
def test_a_field_of_only_invisible_characters_is_refused_as_empty(project, field, name):
    path, line, reported = write_with(project, field, INVISIBLE[name] * 3)
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options())
    assert any((p.path, p.line, p.field) == (path, line, reported) and p.message.startswith("must not be empty")
               for p in failure.value.problems), failure.value.problems


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("mark", BIDI.values(), ids=BIDI.keys())
def test_direction_marks_and_overrides_are_refused_in_plain_text(project, field, mark):
    path, line, reported = write_with(project, field, f"Talks {mark}resumed")
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options())
    assert any((p.path, p.line, p.field) == (path, line, reported) and f"U+{ord(mark):04X}" in p.message
               for p in failure.value.problems), failure.value.problems


def test_a_body_of_only_invisible_characters_is_empty(project):
    project.brief(body="\u200b\u3164\n\n\u2800\n")
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options())
    assert [p.format() for p in failure.value.problems] == [
        "content/briefs/2023/2023-12-07-joint-statement.md:13: body: is empty; write the brief below the closing '---'"
    ]


# Pairs of labels a reader cannot tell apart: the second is refused.
SAME_LABELS = {
    "identical": ("Armenia", "Armenia"),
    "case": ("Armenia", "ARMENIA"),
    "full width": ("Armenia", "Ａｒｍｅｎｉａ"),
    "Cyrillic A": ("Armenia", "\u0410rmenia"),
    "Cyrillic dze for s": ("Russia", "Ru\u0455\u0455ia"),
    "Greek omicron": ("COP29", "C\u039fP29"),
    "digit zero for O": ("COP29", "C0P29"),
    "capital I for l": ("Kalbajar", "KaIbajar"),
    "zero-width space inside": ("Armenia", "Arme\u200bnia"),
    "mathematical letters": ("Armenia", "\U0001d400rmenia"),
}
DIFFERENT_LABELS = {
    "different words": ("Armenia", "Azerbaijan"),
    "another script, another word": ("Russia", "\u0420\u043e\u0441\u0441\u0438\u044f"),
    "a diacritic": ("Azerbaijan", "Az\u0259rbaycan"),
    "one letter apart": ("Statement", "Statements"),
}


BASE_VOCABULARY = {"types": "Statement", "actors": "Someone", "tags": "Something"}


def vocabulary_with(kind: str, first: str, second: str) -> str:
    """A small vocabulary with two more terms of `kind`, labelled `first` and `second`."""
    lines = []
    for name, label in BASE_VOCABULARY.items():
        lines += [f"{name}:", f"  - id: base-{name}", f"    label: {label}", "    description: d."]
        if name == kind:
            for term, text in (("first-x", first), ("second-x", second)):
                lines += [f"  - id: {term}", f"    label: {yaml_quote(text)}", "    description: d."]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["types", "actors", "tags"])
@pytest.mark.parametrize("pair", SAME_LABELS.values(), ids=SAME_LABELS.keys())
def test_labels_that_look_the_same_are_refused_with_both_places(project, kind, pair):
    project.write("content/vocabulary.yaml", vocabulary_with(kind, *pair))
    vocabulary, problems = load_vocabulary(project.root, project.root / "content")
    assert vocabulary is None and len(problems) == 1, problems
    problem = problems[0]
    lines = (project.root / "content/vocabulary.yaml").read_text(encoding="utf-8").split("\n")
    first_line, second_line = (lines.index(f"  - id: {term}") + 2 for term in ("first-x", "second-x"))
    assert (problem.path, problem.line) == ("content/vocabulary.yaml", second_line), problem
    assert problem.field.startswith(f"{kind}[") and problem.field.endswith("].label"), problem
    assert f"line {first_line}" in problem.message and "labels must be unique" in problem.message, problem


@pytest.mark.parametrize("pair", DIFFERENT_LABELS.values(), ids=DIFFERENT_LABELS.keys())
def test_labels_a_reader_can_tell_apart_are_accepted(project, pair):
    project.write("content/vocabulary.yaml", vocabulary_with("tags", *pair))
    vocabulary, problems = load_vocabulary(project.root, project.root / "content")
    assert vocabulary is not None, problems


def test_the_bundled_vocabulary_passes():
    from conftest import REPO

    vocabulary, problems = load_vocabulary(REPO, REPO / "content")
    assert vocabulary is not None, problems

"""The JSON Schema for brief front matter (schema/brief.schema.json) agrees with the
validator: it is generated from the same FieldSpecs, it accepts every bundled brief, and it
rejects every invalid front matter in the table below that the validator rejects."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from briefing.content.config import load_vocabulary
from briefing.content.tracks import load_tracks
from briefing.dev.jsonschema_export import SCHEMA_PATH, build_brief_schema, render_brief_schema
from briefing.content.loader import parse_brief
from briefing.content.markdown_render import MarkdownRenderer
from briefing.model import Limits
from briefing.content.frontmatter import split_front_matter
from briefing.content.yamldata import BadScalar, parse_yaml
from conftest import REPO

NAME = "content/briefs/2024/2024-04-19-sections-agreed.md"
BASE = """\
title: Border sections agreed
date: 2024-04-19
type: border-delimitation
actors: [armenia, azerbaijan]
summary: The commissions agreed four short sections of the border.
tags: [border-commission]
sources:
  - publisher: Armenpress
    title: Sections agreed
    url: https://example.org/a
    date: 2024-04-19
"""


def edit(old: str = "", new: str = "", append: str = "") -> str:
    """BASE with one line replaced (or removed, when `new` is empty) and lines appended."""
    text = BASE
    if old:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text + append


# Front matters both the validator and the JSON Schema must refuse.
INVALID = {
    "unknown field": edit(append="author: Someone\n"),
    "misspelled field": edit("summary:", "summery:"),
    "missing title": edit("title: Border sections agreed\n"),
    "missing date": edit("date: 2024-04-19\ntype", "type"),
    "missing type": edit("type: border-delimitation\n"),
    "missing actors": edit("actors: [armenia, azerbaijan]\n"),
    "missing summary": edit("summary: The commissions agreed four short sections of the border.\n"),
    "missing sources": BASE.split("sources:")[0],
    "required field left empty": edit("title: Border sections agreed", "title:"),
    "unknown type id": edit("type: border-delimitation", "type: prisoner-swap"),
    "type given as a list": edit("type: border-delimitation", "type: [summit]"),
    "unknown actor id": edit("[armenia, azerbaijan]", "[armenia, atlantis]"),
    "empty actors": edit("[armenia, azerbaijan]", "[]"),
    "actors not a list": edit("actors: [armenia, azerbaijan]", "actors: armenia"),
    "actor listed twice": edit("[armenia, azerbaijan]", "[armenia, armenia]"),
    "unknown tag id": edit("[border-commission]", "[no-such-tag]"),
    "impossible date": edit("date: 2024-04-19\ntype", "date: 2024-02-30\ntype"),
    "date with a time": edit("date: 2024-04-19\ntype", "date: 2024-04-19 10:30:00\ntype"),
    "date in words": edit("date: 2024-04-19\ntype", "date: April 19, 2024\ntype"),
    "date as a number": edit("date: 2024-04-19\ntype", "date: 20240419\ntype"),
    "ftp url": edit("https://example.org/a", "ftp://example.org/a"),
    "javascript url": edit("https://example.org/a", "javascript:alert(1)"),
    "url without a scheme": edit("https://example.org/a", "example.org/a"),
    "url without a host": edit("https://example.org/a", "https://"),
    "url with a space": edit("https://example.org/a", "'https://example.org/a b'"),
    "url placeholder": edit("https://example.org/a", "'TODO: https://...'"),
    "archived not http": edit(append="    archived: file:///etc/passwd\n"),
    "url with user info": edit("https://example.org/a", "'http://user@example.org:8080/a'"),
    "url with a backslash": edit("https://example.org/a", "'https://example.org\\\\@evil.example/a'"),
    "url with a port that is not a number": edit("https://example.org/a", "'https://example.org:8o/a'"),
    "url too long": edit("https://example.org/a", "https://example.org/" + "a" * 2100),
    "title too long": edit("title: Border sections agreed", "title: " + "x" * 201),
    "summary too long": edit("summary: The commissions agreed four short sections of the border.", "summary: " + "y" * 401),
    "source note too long": edit(append="    note: " + "z" * 401 + "\n"),
    "empty title": edit("title: Border sections agreed", "title: ''"),
    "blank title": edit("title: Border sections agreed", "title: '   '"),
    "title is a number": edit("title: Border sections agreed", "title: 42"),
    "title is a list": edit("title: Border sections agreed", "title: [a, b]"),
    "summary placeholder": edit("summary: The commissions", "summary: TODO one to three sentences. The commissions"),
    "title with a direction override": edit("title: Border sections agreed", 'title: "Border \\u202eagreed"'),
    "no sources": BASE.split("sources:")[0] + "sources: []\n",
    "sources not a list": BASE.split("sources:")[0] + "sources: https://example.org/a\n",
    "source without url": edit("    url: https://example.org/a\n"),
    "source without publisher": edit("  - publisher: Armenpress\n    title", "  - title"),
    "source with unknown field": edit(append="    link: https://example.org/b\n"),
    "source date impossible": edit("    date: 2024-04-19", "    date: 2024-13-01"),
    "draft is text": edit(append="draft: maybe\n"),
    "draft is a number": edit(append="draft: 1\n"),
    "related not a brief id": edit(append="related: [joint-statement]\n"),
    "related listed twice": edit(append="related: [2023-12-07-joint-statement, 2023-12-07-joint-statement]\n"),
    "related not a list": edit(append="related: 2023-12-07-joint-statement\n"),
    "updated impossible": edit(append="updated: 2024-04-31\n"),
    "end_date not a date": edit(append="end_date: soon\n"),
    "correction without note": edit(append="corrections:\n  - date: 2024-05-01\n"),
    "correction as text": edit(append="corrections: fixed a typo\n"),
    "front matter is a list": "- title\n- date\n",
}

# Front matters both must accept: the schema is not stricter than the validator here.
VALID = {
    "base": BASE,
    "optional field left empty": edit(append="related:\n"),
    "quoted date": edit("date: 2024-04-19\ntype", "date: '2024-04-19'\ntype"),
    "every optional field": edit(
        append=(
            "    archived: https://web.archive.org/web/2024/https://example.org/a\n"
            "    note: Title taken from the address.\n"
            "end_date: 2024-04-20\nupdated: 2024-05-01\ndraft: false\n"
            "related: [2023-12-07-first-bilateral-joint-statement]\n"
            "corrections:\n  - date: 2024-05-01\n    note: Fixed the number of sections.\n"
        )
    ),
    "empty tag list": edit("[border-commission]", "[]"),
    "url with port and query": edit("https://example.org/a", "'http://example.org:8080/a?b=c#d'"),
    "upper-case scheme": edit("https://example.org/a", "HTTPS://example.org/a"),
}

MOVE = "moves:\n  - track: border\n    to: partly-delimited\n    as_of: 2024-04-19\n    reason: Sections agreed.\n    source: 1\n"
REACTION = (
    "reactions:\n  - actor: russia\n    date: 2024-04-20\n    speaker: A spokesperson\n    stance: welcomed\n"
    "    paraphrase: Welcomed it.\n    source: 1\n"
)


def move(**fields: str) -> str:
    """MOVE with fields replaced (a value of '' removes the field) or added."""
    lines = dict(line.strip().lstrip("- ").split(": ", 1) for line in MOVE.splitlines()[1:])
    lines.update(fields)
    body = "".join(f"    {k}: {v}\n" for k, v in lines.items() if v)
    return "moves:\n  - " + body[4:]


INVALID.update({
    "unknown track id": edit(append=move(track="borders")),
    "level of another track": edit(append=move(to="initialled")),
    "ladder move without a level": edit(append=move(to="")),
    "direction on a ladder": edit(append=move(direction="improving")),
    "lane on a ladder": edit(append=move(lane="eu")),
    "arrows move with a level": edit(append=move(track="security", to="improving")),
    "arrows move without a direction": edit(append=move(track="security", to="")),
    "unknown direction": edit(append=move(track="security", to="", direction="better")),
    "lanes move without a lane": edit(append=move(track="mediation-formats", to="established")),
    "unknown lane": edit(append=move(track="mediation-formats", lane="nato", to="established")),
    "source number zero": edit(append=move(source="0")),
    "move without a reason": edit(append=move(reason="")),
    "unknown stance": edit(append=REACTION.replace("stance: welcomed", "stance: applauded")),
    "reaction without a paraphrase": edit(append=REACTION.replace("    paraphrase: Welcomed it.\n", "")),
    "unknown field in a move": edit(append=move(previous="committed")),
})
VALID.update({
    "a ladder move": edit(append=MOVE),
    "a lanes move": edit(append=move(track="mediation-formats", lane="eu", to="established")),
    "an arrows move": edit(append=move(track="security", to="", direction="worsening")),
    "a setback": edit(append=move(setback="true")),
    "a reaction": edit(append=REACTION),
    "no moves": edit(append="moves: []\n"),
})

# Rules a JSON Schema of one front matter cannot express; the validator alone enforces them.
# Listed so the gap is explicit: each must stay rejected by the validator and accepted by
# the schema (if the schema learns one, move it to INVALID).
NOT_EXPRESSIBLE = {
    "date must match the file name": edit("date: 2024-04-19\ntype", "date: 2024-04-20\ntype"),
    "end_date must be after date": edit(append="end_date: 2024-04-18\n"),
    "updated must not be before date": edit(append="updated: 2024-04-01\n"),
    "a correction must not be before date": edit(append="corrections:\n  - date: 2024-04-01\n    note: Early.\n"),
    # YAML 1.1 (the build) reads an unquoted date as a date, but editors' YAML 1.2 reads a
    # string, so the schema cannot tell `title: 2024-04-19` from `title: '2024-04-19'`.
    "title that YAML reads as a date": edit("title: Border sections agreed", "title: 2024-04-19"),
    "a move dated before the brief": edit(append=move(as_of="2024-04-18")),
    "a source the brief does not have": edit(append=move(source="2")),
    "two moves of one track on one day": edit(append=MOVE + move()[len("moves:\n"):]),
    "a reaction dated before the brief": edit(append=REACTION.replace("2024-04-20", "2024-04-18")),
    "a reacting actor that took part": edit(append=REACTION.replace("actor: russia", "actor: armenia")),
    # Hosts are checked as browsers read them (content/url_rules.py): a pattern cannot.
    "url with a port out of range": edit("https://example.org/a", "'https://example.org:99999/a'"),
    "url to an IP address": edit("https://example.org/a", "'https://[2001:db8::1]/a'"),
    "url to a look-alike host": edit("https://example.org/a", "'https://ex\u0430mple.org/a'"),
    "title of invisible characters": edit("title: Border sections agreed", "title: '\u200b\u3164'"),
}
# Not front matter rules at all, so absent here: `related` ids must name existing briefs and
# not the brief itself, and ids must be unique (checked across briefs by `build.py check`).


@pytest.fixture(scope="module")
def vocabulary():
    vocabulary, problems = load_vocabulary(REPO, REPO / "content")
    assert vocabulary is not None, problems
    return vocabulary


@pytest.fixture(scope="module")
def tracks():
    tracks, problems = load_tracks(REPO, REPO / "content")
    assert tracks is not None, problems
    return tracks


@pytest.fixture(scope="module")
def validator(vocabulary, tracks):
    schema = build_brief_schema(vocabulary, tracks)
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def as_json(value):
    """Front matter data as an editor's YAML 1.2 parser sees it: dates are strings."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, BadScalar):
        return value.text
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def validator_problems(front_matter: str, vocabulary, name: str = NAME) -> list[str]:
    text = f"---\n{front_matter}---\nThe commissions met.\n"
    tracks, _ = load_tracks(REPO, REPO / "content")
    _, problems = parse_brief(name, text, vocabulary, Limits(), MarkdownRenderer(), tracks)
    return [p.format() for p in problems]


def schema_errors(front_matter: str, validator) -> list[str]:
    return [error.message for error in validator.iter_errors(as_json(parse_yaml(front_matter).data))]


def test_committed_schema_matches_the_generator(vocabulary, tracks):
    committed = (REPO / SCHEMA_PATH).read_text(encoding="utf-8")
    assert committed == render_brief_schema(vocabulary, tracks), "run `python build.py schema` and commit the result"
    json.loads(committed)


def test_schema_accepts_every_bundled_brief(validator):
    briefs = sorted(p for p in (REPO / "content" / "briefs").rglob("*.md") if p.name.count(".") == 1)  # not translations
    assert len(briefs) >= 20
    for path in briefs:
        front_matter = split_front_matter(path.read_text(encoding="utf-8")).front_matter
        assert schema_errors(front_matter, validator) == [], path.name


@pytest.mark.parametrize("case", sorted(INVALID))
def test_schema_rejects_what_the_validator_rejects(case, validator, vocabulary):
    assert validator_problems(INVALID[case], vocabulary), f"validator accepted {case!r}"
    assert schema_errors(INVALID[case], validator), f"JSON Schema accepted {case!r}"


@pytest.mark.parametrize("case", sorted(VALID))
def test_schema_accepts_what_the_validator_accepts(case, validator, vocabulary):
    assert validator_problems(VALID[case], vocabulary) == []
    assert schema_errors(VALID[case], validator) == []


@pytest.mark.parametrize("case", sorted(NOT_EXPRESSIBLE))
def test_rules_outside_json_schema_are_left_to_the_validator(case, validator, vocabulary):
    assert validator_problems(NOT_EXPRESSIBLE[case], vocabulary)
    assert schema_errors(NOT_EXPRESSIBLE[case], validator) == []


def test_schema_follows_the_vocabulary(vocabulary, tracks):
    schema = build_brief_schema(vocabulary, tracks)
    assert schema["properties"]["type"]["enum"] == [term.id for term in vocabulary.types]
    tag_items = schema["properties"]["tags"]["anyOf"][0]["items"]
    assert tag_items["enum"] == [term.id for term in vocabulary.tags]
    move_items = schema["properties"]["moves"]["anyOf"][0]["items"]
    assert move_items["properties"]["track"]["enum"] == [track.id for track in tracks.tracks]
    reaction_items = schema["properties"]["reactions"]["anyOf"][0]["items"]
    assert reaction_items["properties"]["stance"]["enum"] == [stance.id for stance in tracks.stances]


def test_without_tracks_yaml_no_move_is_valid(vocabulary):
    schema = build_brief_schema(vocabulary, None)
    validator = jsonschema.Draft7Validator(schema)
    assert list(validator.iter_errors(as_json(parse_yaml(edit(append=MOVE)).data)))
    assert not list(validator.iter_errors(as_json(parse_yaml(edit(append="moves: []\n")).data)))


def test_schema_command_reports_and_repairs_drift(project):
    from test_build import build_py

    assert build_py("schema", cwd=project.root).returncode == 0
    written = project.root / SCHEMA_PATH
    assert build_py("schema", "--check", cwd=project.root).returncode == 0
    vocabulary_file = project.root / "content" / "vocabulary.yaml"
    vocabulary_file.write_text(vocabulary_file.read_text().replace("id: summit", "id: meeting"))
    stale = build_py("schema", "--check", cwd=project.root)
    assert stale.returncode == 1 and f"{SCHEMA_PATH}:1: schema: is out of date" in stale.stderr
    assert '"summit"' in written.read_text()
    assert build_py("schema", cwd=project.root).returncode == 0
    assert '"meeting"' in written.read_text() and '"summit"' not in written.read_text()

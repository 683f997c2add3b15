"""One broken project per rule of tracks, moves and reactions: each problem is reported as
`path:line: field: message`, every one in the same run, and the build leaves site/ as it was."""

from __future__ import annotations

import pytest

from briefing.build import check_files, check_site
from briefing.errors import BuildFailed
from conftest import brief_text
from site_fixture import TRACKS
from test_build import build_py

FIRST = "content/briefs/2023/2023-12-07-joint-statement.md"
SECOND = "content/briefs/2024/2024-04-19-sections-agreed.md"
# brief_text() puts `extra` at line 12 (after the one source): a move's `track` is line 13.


def move(track: str = "treaty", to: str = "mandated", as_of: str = "2023-12-07", **more: str) -> str:
    """One `moves:` entry; `more` adds fields (lane, direction, setback, source, note) after as_of."""
    lines = [f"  - track: {track}"] + ([f"    to: {to}"] if to else []) + [f"    as_of: {as_of}"]
    lines += [f"    {name}: {value}" for name, value in more.items()]
    lines += ["    reason: The leaders asked for a treaty."] + (["    source: 1"] if "source" not in more else [])
    return "\n".join(lines) + "\n"


def reaction(actor: str = "russia", date: str = "2023-12-08", stance: str = "welcomed", source: str = "1") -> str:
    return (
        f"  - actor: {actor}\n    date: {date}\n    speaker: A spokesperson\n    stance: {stance}\n"
        f"    paraphrase: Moscow welcomed it.\n    source: {source}\n"
    )


def problems_of(project, extra: str = "", second: str = "", tracks: str = TRACKS, drafts: bool = False) -> list[str]:
    if tracks is not None:
        project.write("content/tracks.yaml", tracks)
    project.brief(extra=extra)
    if second:
        project.brief("2024-04-19-sections-agreed", extra=second)
    try:
        check_site(project.options(drafts=drafts))
    except BuildFailed as failure:
        return [p.format() for p in failure.problems]
    return []


CASES = [
    ("unknown track", "moves:\n" + move(track="treatty"), "", [
        f"{FIRST}:13: moves[1].track: unknown track 'treatty' (did you mean 'treaty'? tracks are listed in content/tracks.yaml)",
    ]),
    ("unknown level", "moves:\n" + move(to="mandate"), "", [
        f"{FIRST}:14: moves[1].to: unknown level 'mandate' (did you mean 'mandated'? levels of 'treaty' are listed in content/tracks.yaml)",
    ]),
    ("unknown lane", "moves:\n" + move(track="formats", to="established", lane="directt"), "", [
        f"{FIRST}:16: moves[1].lane: unknown lane 'directt' (did you mean 'direct'? lanes of 'formats' are listed in content/tracks.yaml)",
    ]),
    ("unknown state of a lane", "moves:\n" + move(track="formats", to="establish", lane="direct"), "", [
        f"{FIRST}:14: moves[1].to: unknown state 'establish' (did you mean 'established'? states of 'formats' are listed in content/tracks.yaml)",
    ]),
    ("unknown stance", "reactions:\n" + reaction(stance="welcome"), "", [
        f"{FIRST}:16: reactions[1].stance: unknown stance 'welcome' (did you mean 'welcomed'? stances are listed in content/tracks.yaml)",
    ]),
    ("unknown actor reacting", "reactions:\n" + reaction(actor="rusia"), "", [
        f"{FIRST}:13: reactions[1].actor: unknown actor 'rusia' (did you mean 'russia'? actors are listed in content/vocabulary.yaml)",
    ]),
    ("move down without setback", "moves:\n" + move(to="agreed"), "moves:\n" + move(to="mandated", as_of="2024-04-19"), [
        f"{SECOND}:14: moves[1].setback: the move goes down from 'agreed' to 'mandated' on track 'treaty': a move down must say it is a setback (setback: true)",
    ]),
    ("setback on a move up", "moves:\n" + move(to="mandated", setback="true"), "", [
        f"{FIRST}:16: moves[1].setback: the move goes up from 'none' to 'mandated' on track 'treaty', so it is no setback; remove setback",
    ]),
    ("move to the level the track has", "moves:\n" + move(to="agreed"), "moves:\n" + move(to="agreed", as_of="2024-04-19"), [
        f"{SECOND}:14: moves[1].to: track 'treaty' is already at 'agreed' since 2023-12-07 ({FIRST}); a move must change it",
    ]),
    ("move to the level a ladder starts at", "moves:\n" + move(to="none"), "", [
        f"{FIRST}:14: moves[1].to: 'none' is the level track 'treaty' starts at; a move must change the level",
    ]),
    ("lane to the state it has", "moves:\n" + move(track="formats", to="established", lane="direct"),
     "moves:\n" + move(track="formats", to="established", lane="direct", as_of="2024-04-19"), [
        f"{SECOND}:14: moves[1].to: lane 'direct' of track 'formats' is already at 'established' since 2023-12-07 ({FIRST}); a move must change it",
    ]),
    ("source the brief does not have", "moves:\n" + move(source="2"), "", [
        f"{FIRST}:16: moves[1].source: the brief has 1 source; there is no source 2",
    ]),
    ("reaction source the brief does not have", "reactions:\n" + reaction(source="3"), "", [
        f"{FIRST}:18: reactions[1].source: the brief has 1 source; there is no source 3",
    ]),
    ("as_of before the brief's date", "moves:\n" + move(as_of="2023-12-06"), "", [
        f"{FIRST}:15: moves[1].as_of: 2023-12-06 is before the brief's date 2023-12-07: a move cannot take effect before its milestone",
    ]),
    ("reaction before its milestone", "reactions:\n" + reaction(date="2023-11-30"), "", [
        f"{FIRST}:14: reactions[1].date: 2023-11-30 is before the brief's date 2023-12-07: a reaction cannot come before its milestone",
    ]),
    ("two moves of one track on one day in different briefs", "moves:\n" + move(as_of="2024-04-19"),
     "moves:\n" + move(to="agreed", as_of="2024-04-19"), [
        f"{FIRST}:15: moves[1].as_of: track 'treaty' also moves on 2024-04-19 in {SECOND}; one move per track and day (record it in one brief)",
        f"{SECOND}:15: moves[1].as_of: track 'treaty' also moves on 2024-04-19 in {FIRST}; one move per track and day (record it in one brief)",
    ]),
    ("two moves of one lane on one day in different briefs", "moves:\n" + move(track="formats", to="established", lane="direct", as_of="2024-04-19"),
     "moves:\n" + move(track="formats", to="closed", lane="direct", as_of="2024-04-19"), [
        f"{FIRST}:15: moves[1].as_of: lane 'direct' of track 'formats' also moves on 2024-04-19 in {SECOND}; one move per track and day (record it in one brief)",
        f"{SECOND}:15: moves[1].as_of: lane 'direct' of track 'formats' also moves on 2024-04-19 in {FIRST}; one move per track and day (record it in one brief)",
    ]),
    ("two arrows of one day in different briefs", "moves:\n" + move(track="security", to="", as_of="2024-04-19", direction="improving"),
     "moves:\n" + move(track="security", to="", direction="worsening", as_of="2024-04-19"), [
        f"{FIRST}:14: moves[1].as_of: track 'security' also moves on 2024-04-19 in {SECOND}; one move per track and day (record it in one brief)",
        f"{SECOND}:14: moves[1].as_of: track 'security' also moves on 2024-04-19 in {FIRST}; one move per track and day (record it in one brief)",
    ]),
    ("two moves of one track on one day in one brief", "moves:\n" + move() + move(to="agreed"), "", [
        f"{FIRST}:20: moves[2].as_of: track 'treaty' already moves on 2023-12-07 in moves[1]; record one move per track and day (a move may skip levels)",
    ]),
    ("a ladder move without a level", "moves:\n" + move(to=""), "", [
        f"{FIRST}:13: moves[1].to: required on track 'treaty': the level reached, one of none, mandated, agreed, signed",
    ]),
    ("a direction on a ladder", "moves:\n" + move(direction="improving"), "", [
        f"{FIRST}:16: moves[1].direction: is worked out from the levels on track 'treaty'; remove it and give to",
    ]),
    ("a lane on a ladder", "moves:\n" + move(lane="direct"), "", [
        f"{FIRST}:16: moves[1].lane: track 'treaty' is a ladder and has no lanes; remove lane",
    ]),
    ("a lanes move without a lane", "moves:\n" + move(track="formats", to="established"), "", [
        f"{FIRST}:13: moves[1].lane: required on track 'formats': the lane that moved, one of trilateral, direct",
    ]),
    ("a setback on a lanes track", "moves:\n" + move(track="formats", to="established", lane="direct", setback="true"), "", [
        f"{FIRST}:17: moves[1].setback: the states of a lanes track are not ranked, so no move on 'formats' is a setback; remove it",
    ]),
    ("an arrows move with a level", "moves:\n" + move(track="security", to="improving"), "", [
        f"{FIRST}:14: moves[1].to: track 'security' has arrows, not levels or lanes: give direction (improving or worsening) instead of to",
        f"{FIRST}:13: moves[1].direction: required on track 'security', which has arrows: improving or worsening",
    ]),
    ("an unknown direction", "moves:\n" + move(track="security", to="", direction="better"), "", [
        f"{FIRST}:15: moves[1].direction: expected one of improving, worsening, got 'better'",
    ]),
    ("a setback on an arrows track", "moves:\n" + move(track="security", to="", direction="worsening", setback="true"), "", [
        f"{FIRST}:16: moves[1].setback: a move on an arrows track says it is worse with direction: worsening, not setback",
    ]),
    ("a reacting actor that took part", "reactions:\n" + reaction(actor="armenia"), "", [
        f"{FIRST}:13: reactions[1].actor: 'armenia' is also in actors: actors took part in the milestone, reactions come from third parties that did not; keep it in one of the two",
    ]),
    ("moves not a list", "moves: treaty\n", "", [
        f"{FIRST}:12: moves: expected a list of entries starting with '- ', got 'treaty'",
    ]),
    ("unknown field in a move", "moves:\n" + move(previous="none"), "", [
        f"{FIRST}:16: moves[1].previous: unknown field 'previous' (allowed: as_of, direction, lane, note, reason, setback, source, to, track)",
    ]),
    ("source not a number", "moves:\n" + move(source="first"), "", [
        f"{FIRST}:16: moves[1].source: expected a whole number, got 'first'",
    ]),
]


@pytest.mark.parametrize("extra,second,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_is_reported_at_its_line(project, extra, second, expected):
    assert problems_of(project, extra, second) == sorted(expected)


# Text in moves and reactions is checked like every other text field (content/schema.py).
TEXT_CASES = [
    ("reason with a direction override", move().replace("The leaders asked", "The \u202eleaders asked"),
     f"{FIRST}:16: moves[1].reason: contains a direction mark or override, U+202E (RIGHT-TO-LEFT OVERRIDE), which would change what readers see; remove it"),
    ("reason still a placeholder", move().replace("The leaders asked for a treaty.", "TODO why"),
     f"{FIRST}:16: moves[1].reason: still holds the placeholder 'TODO why'; replace it"),
    ("reason too long", move().replace("The leaders asked for a treaty.", "word " * 61),
     f"{FIRST}:16: moves[1].reason: is 304 characters long; the limit is 300"),
    ("note read as a boolean", move(note="no"), f"{FIRST}:16: moves[1].note: expected text, got the boolean false (YAML reads yes/no/on/off as booleans); put the value in quotes"),
]


@pytest.mark.parametrize("extra,expected", [c[1:] for c in TEXT_CASES], ids=[c[0] for c in TEXT_CASES])
def test_text_of_moves_is_sanitized_like_every_field(project, extra, expected):
    assert problems_of(project, "moves:\n" + extra) == [expected]


def test_quotes_and_speakers_are_checked_as_text(project):
    bad = reaction().replace("speaker: A spokesperson", 'speaker: ""') + "    quote: \"We \u2066welcome\u2069 it.\"\n"
    assert problems_of(project, "reactions:\n" + bad) == [
        f"{FIRST}:15: reactions[1].speaker: must not be empty",
        f"{FIRST}:19: reactions[1].quote: contains a direction mark or override, U+2066 (LEFT-TO-RIGHT ISOLATE), which would change what readers see; remove it",
    ]


def test_every_problem_of_every_brief_is_reported_in_one_run(project):
    first = "moves:\n" + move(to="mandate") + move(track="formats", to="established", lane="direct", source="4") + "reactions:\n" + reaction(date="2023-01-01")
    second = "moves:\n" + move(as_of="2024-04-19", to="agreed") + move(track="security", to="", direction="improving", as_of="2024-04-18")
    found = problems_of(project, first, second)
    assert found == sorted([
        f"{FIRST}:14: moves[1].to: unknown level 'mandate' (did you mean 'mandated'? levels of 'treaty' are listed in content/tracks.yaml)",
        f"{FIRST}:22: moves[2].source: the brief has 1 source; there is no source 4",
        f"{FIRST}:26: reactions[1].date: 2023-01-01 is before the brief's date 2023-12-07: a reaction cannot come before its milestone",
        f"{SECOND}:19: moves[2].as_of: 2024-04-18 is before the brief's date 2024-04-19: a move cannot take effect before its milestone",
    ])


def test_rules_across_briefs_still_run_for_the_good_entries_of_a_brief_with_problems(project):
    # The first brief has a bad title, yet its valid move still counts: the second brief's
    # move to the same level is reported in the same run.
    project.write("content/tracks.yaml", TRACKS)
    project.write("content/briefs/2023/2023-12-07-joint-statement.md", brief_text(title='""', extra="moves:\n" + move(to="agreed")))
    project.brief("2024-04-19-sections-agreed", extra="moves:\n" + move(to="agreed", as_of="2024-04-19"))
    with pytest.raises(BuildFailed) as failure:
        check_site(project.options())
    assert [p.format() for p in failure.value.problems] == [
        f"{FIRST}:2: title: must not be empty",
        f"{SECOND}:14: moves[1].to: track 'treaty' is already at 'agreed' since 2023-12-07 ({FIRST}); a move must change it",
    ]


def test_arrows_may_repeat_a_direction_and_lanes_move_apart(project):
    # Each arrow marks an event of its own; one lane's move does not block another's that day.
    first = "moves:\n" + move(track="security", to="", direction="improving") + move(track="formats", to="established", lane="direct", as_of="2024-04-19")
    second = "moves:\n" + move(track="security", to="", direction="improving", as_of="2024-04-19") + move(track="formats", to="established", lane="trilateral", as_of="2024-04-19")
    assert problems_of(project, first, second) == []


def test_a_setback_is_accepted_when_the_move_goes_down(project):
    assert problems_of(project, "moves:\n" + move(to="agreed"), "moves:\n" + move(to="mandated", as_of="2024-04-19", setback="true")) == []


def test_moves_need_a_tracks_file(project):
    assert problems_of(project, "moves:\n" + move() + "reactions:\n" + reaction(), tracks=None) == [
        f"{FIRST}:12: moves: there is no content/tracks.yaml, which defines the tracks and stances moves refer to; add it or remove moves",
        f"{FIRST}:18: reactions: there is no content/tracks.yaml, which defines the tracks and stances reactions refer to; add it or remove reactions",
    ]
    assert problems_of(project, "moves: []\n", tracks=None) == []


def test_a_drafts_moves_count_only_in_a_build_with_drafts(project):
    draft = "draft: true\nmoves:\n" + move(to="agreed", as_of="2024-04-19")
    assert problems_of(project, "moves:\n" + move(to="agreed"), draft) == []
    assert problems_of(project, "moves:\n" + move(to="agreed"), draft, drafts=True) == [
        f"{SECOND}:15: moves[1].to: track 'treaty' is already at 'agreed' since 2023-12-07 ({FIRST}); a move must change it",
    ]


TRACKS_FILE_CASES = [
    ("unknown kind", TRACKS.replace("kind: arrows", "kind: arrow"),
     "content/tracks.yaml:53: tracks[3].kind: expected one of ladder, lanes, arrows, got 'arrow' (did you mean 'arrows'?)"),
    ("ladder with one level", TRACKS.split("      - id: mandated")[0] + TRACKS.split("        definition: Both have signed it.\n")[1],
     "content/tracks.yaml:19: tracks[1].levels: a ladder track needs at least 2 of them; a ladder lists its levels, lowest first"),
    ("arrows with levels", TRACKS + "    levels:\n      - id: calm\n        label: Calm\n        definition: No fighting.\n",
     "content/tracks.yaml:54: tracks[3].levels: an arrows track has no levels; its moves say improving or worsening"),
    ("a level defined twice", TRACKS.replace("id: agreed", "id: mandated"),
     "content/tracks.yaml:26: tracks[1].levels[3].id: 'mandated' is defined twice"),
    ("a bad id", TRACKS.replace("id: treaty", "id: Treaty"),
     "content/tracks.yaml:15: tracks[1].id: 'Treaty' must be lowercase letters, digits and hyphens, starting with a letter"),
    ("two stances with one symbol", TRACKS.replace('symbol: "+/-"', 'symbol: "++"'),
     "content/tracks.yaml:8: stances[2].symbol: '++' is also the symbol of stances[1]; each stance needs its own"),
    ("no stances", TRACKS.split("tracks:\n")[0].split("stances:")[0] + "stances: []\ntracks:\n" + TRACKS.split("tracks:\n", 1)[1],
     "content/tracks.yaml:1: stances: needs at least 1 entry"),
    ("a level without a definition", TRACKS.replace("        definition: Both have signed it.\n", ""),
     "content/tracks.yaml:29: tracks[1].levels[4].definition: required field is missing"),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in TRACKS_FILE_CASES], ids=[c[0] for c in TRACKS_FILE_CASES])
def test_each_problem_of_tracks_yaml_is_reported(project, text, expected):
    assert problems_of(project, tracks=text) == [expected]


def test_a_broken_tracks_file_does_not_stop_briefs_being_checked(project):
    # Moves are then taken as they are; the brief's own problems are still reported.
    found = problems_of(project, "moves:\n" + move(to="anything", source="5"), tracks=TRACKS.replace("kind: arrows", "kind: arrow"))
    assert found == [
        f"{FIRST}:16: moves[1].source: the brief has 1 source; there is no source 5",
        "content/tracks.yaml:53: tracks[3].kind: expected one of ladder, lanes, arrows, got 'arrow' (did you mean 'arrows'?)",
    ]


def test_check_file_applies_the_rules_across_briefs_to_its_moves(project):
    project.write("content/tracks.yaml", TRACKS)
    project.brief(extra="moves:\n" + move(to="agreed"))
    checked = project.brief("2024-04-19-sections-agreed", extra="moves:\n" + move(to="agreed", as_of="2024-04-19"))
    unrelated = project.brief("2024-05-01-other", extra="moves:\n" + move(track="security", to="", direction="improving", as_of="2024-05-01"))
    with pytest.raises(BuildFailed) as failure:
        check_files(project.options(), (checked,))
    assert [p.format() for p in failure.value.problems] == [
        f"{SECOND}:14: moves[1].to: track 'treaty' is already at 'agreed' since 2023-12-07 ({FIRST}); a move must change it",
    ]
    # The first brief is not reported though it shares the rule: only the files asked for are.
    check_files(project.options(), (unrelated,))


def test_a_build_with_a_broken_move_exits_1_and_leaves_site_as_it_was(project):
    project.write("content/tracks.yaml", TRACKS)
    project.brief(extra="moves:\n" + move(to="agreed"))
    project.build(search="skip")
    before = {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()}
    project.brief("2024-04-19-sections-agreed", extra="moves:\n" + move(to="agreed", as_of="2024-04-19"))
    result = build_py("build", "--no-search", cwd=project.root)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{SECOND}:14: moves[1].to: track 'treaty' is already at 'agreed'" in result.stderr
    assert {p: p.read_bytes() for p in project.out.rglob("*") if p.is_file()} == before


def test_a_label_edit_in_tracks_yaml_parses_no_brief_again_but_an_id_edit_does(project, monkeypatch):
    import briefing.content.loader as loader

    project.write("content/tracks.yaml", TRACKS)
    project.brief(extra="moves:\n" + move())
    project.build(search="skip")
    parsed: list[str] = []
    parse = loader._parse_brief
    monkeypatch.setattr(loader, "_parse_brief", lambda name, *a, **k: parsed.append(name) or parse(name, *a, **k))
    tracks = project.root / "content/tracks.yaml"
    tracks.write_text(TRACKS.replace("label: Mandated", "label: Mandated by both"), encoding="utf-8")
    project.build(search="skip")
    assert parsed == []
    assert "Mandated by both" in (project.out / "briefs/2023-12-07-joint-statement/index.html").read_text(encoding="utf-8")
    tracks.write_text(TRACKS.replace("id: mandated", "id: asked"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        project.build(search="skip")
    assert parsed == [FIRST]  # checked again, against the new ids

"""Where things stand: statuses derived from moves (the bundled content, and a property over
any valid moves), the charts and their table alternatives, the pages, the feeds and the
downloads of tracks, moves and reactions, each read by a real parser."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import feedparser
import jsonschema
import lxml.html
import pytest
from hypothesis import given, strategies as st

from briefing.build import BuildOptions, build_site
from briefing.content.loader import load_content
from briefing.content.tracks import check_move_set
from briefing.model import Brief, BriefLayers, Level, Move, RenderedMarkdown, Source, Track, Tracks, Vocabulary
from briefing.site.archive import assemble_archive
from briefing.site.exports import neutralise_formula
from briefing.site.plan import chart_text
from briefing.site.track_exports import MOVE_FIELDS, REACTION_FIELDS, STANCE_FIELDS, TRACK_FIELDS
from briefing.site.track_svg import chart_span, render_swimlane, render_track_chart
from briefing.site.tracks import assemble_tracks, statuses_on
from briefing.site.urls import Urls
from briefing.output.render import load_strings
from conftest import REPO, brief_text
from site_fixture import TRACKS

D = dt.date

# The status of every track as of the latest brief (14 January 2026), after reviewing the
# drafts: (track, lane) -> (level, state or last direction; since; the brief that set it).
BUNDLED_STATUS = {
    ("peace-treaty", ""): ("initialled", D(2025, 8, 8), "2025-08-08-washington-summit-joint-declaration"),
    ("border", ""): ("partly-delimited", D(2024, 4, 19), "2024-04-19-tavush-gazakh-border-sections-agreed"),
    ("transport", ""): ("direct-shipments", D(2025, 12, 18), "2025-12-18-first-azerbaijani-fuel-shipment-to-armenia"),
    ("detainees", ""): ("releases-under-way", D(2020, 12, 14), "2020-12-14-first-post-war-prisoner-exchange"),
    ("nakhchivan-route", ""): ("framework-published", D(2026, 1, 13), "2026-01-13-armenia-us-tripp-implementation-framework"),
    ("recognition", ""): ("areas-stated", D(2023, 5, 14), "2023-05-14-brussels-summit-territorial-figures"),
    ("mediation-formats", "russia"): ("established", D(2020, 11, 10), "2020-11-10-trilateral-ceasefire-statement"),
    ("mediation-formats", "eu"): ("established", D(2022, 4, 6), "2022-04-06-brussels-meeting-peace-treaty-work"),
    ("mediation-formats", "usa"): ("established", D(2025, 8, 8), "2025-08-08-washington-summit-joint-declaration"),
    ("mediation-formats", "osce-minsk-group"): ("closed", D(2025, 11, 30), "2025-09-01-osce-closes-minsk-process"),
    ("mediation-formats", "direct"): ("established", D(2023, 12, 7), "2023-12-07-first-bilateral-joint-statement"),
    # The last arrow: the archive records no security event after September 2023.
    ("security", ""): ("worsening", D(2023, 9, 19), "2023-09-19-karabakh-military-operation-and-ceasefire"),
}


@pytest.fixture(scope="module")
def bundled():
    return assemble_archive(load_content(REPO, REPO / "content"))


def page(site: Path, relative: str):
    return lxml.html.fromstring((site / relative).read_bytes())


def css(cls: str) -> str:
    """An XPath step test for elements with class `cls`."""
    return f'contains(concat(" ", normalize-space(@class), " "), " {cls} ")'


def test_the_status_of_every_bundled_track_as_of_the_latest_brief(bundled):
    board = bundled.track_board
    assert board.as_of == max(b.date for b in bundled.briefs) == D(2026, 1, 14)
    assert {(s.track, s.lane): (s.value, s.since, s.brief_id) for s in board.statuses} == BUNDLED_STATUS
    assert sum(len(h.steps) for h in bundled.tracks.histories) == 27
    assert not any(step.setback for h in bundled.tracks.histories for step in h.steps)


def test_the_home_page_shows_every_status_with_its_dates(bundled_site, bundled):
    rows = page(bundled_site, "index.html").xpath(f'//section[{css("home-tracks")}]//table[{css("track-status")}]/tbody/tr')
    assert len(rows) == len(BUNDLED_STATUS)
    caption = page(bundled_site, "index.html").xpath(f'//section[{css("home-tracks")}]//caption')[0].text_content()
    assert "14 January 2026" in caption
    texts = [" ".join(row.text_content().split()) for row in rows]
    assert texts[0] == "Peace treaty Initialled since 8 August 2025"
    assert "Security situation Worsening last move on 19 September 2023" in texts
    assert "Mediation formats OSCE Minsk Group Closed since 30 November 2025" in texts


# --- a property over any valid sequence of moves ------------------------------------------

LADDER = Track("ladder", "Ladder", "A ladder.", "ladder", tuple(Level(f"l{i}", f"Level {i}", "") for i in range(5)))
LANES = Track(
    "lanes", "Lanes", "Lanes.", "lanes", lanes=(Level("a", "Lane A", ""), Level("b", "Lane B", "")),
    states=(Level("on", "On", ""), Level("paused", "Paused", ""), Level("off", "Off", "")),
)
ARROWS = Track("arrows", "Arrows", "Better or worse.", "arrows")
TRACK_SET = Tracks((LADDER, LANES, ARROWS), ())
VOCABULARY = Vocabulary((), (), ())
START = D(2020, 1, 1)


def brief_of(brief_id: str, date: dt.date) -> Brief:
    return Brief(
        id=brief_id, path=f"content/briefs/{brief_id[:4]}/{brief_id}.md", title=f"Title {brief_id}", date=date,
        type="statement", actors=("armenia",), summary="Summary.", sources=(Source("P", "T", "https://example.org/"),),
        body=RenderedMarkdown("<p>x</p>", (), "x", 1),
    )


@st.composite
def moves_in_briefs(draw):
    """Valid moves on the three tracks, spread over briefs dated on or before each move."""
    moves: list[Move] = []
    for track, lane, choices, start in ((LADDER, "", 5, 0), (LANES, "a", 3, None), (LANES, "b", 3, None), (ARROWS, "", 2, None)):
        count = draw(st.integers(0, 6))
        days = sorted(draw(st.sets(st.integers(0, 2000), min_size=count, max_size=count)))
        previous = start
        for day in days:
            # A level or state other than the current one; arrows may repeat a direction.
            value = draw(st.integers(0, choices - 1).filter(lambda v, last=previous: track is ARROWS or v != last))
            if track is ARROWS:
                move = Move("arrows", START + dt.timedelta(days=day), "Why.", 1, direction=("improving", "worsening")[value])
            else:
                to = track.targets[value].id
                setback = track is LADDER and value < previous
                move = Move(track.id, START + dt.timedelta(days=day), "Why.", 1, lane=lane, to=to, setback=setback)
            moves.append(move)
            previous = value
    # Each move goes to one of a few briefs; a brief is dated on or before its earliest move.
    owners = draw(st.lists(st.integers(0, 3), min_size=len(moves), max_size=len(moves)))
    groups: dict[int, list[Move]] = {}
    for owner, move in zip(owners, moves):
        groups.setdefault(owner, []).append(move)
    layers, briefs = [], []
    for owner, group in sorted(groups.items()):
        date = min(m.as_of for m in group) - dt.timedelta(days=draw(st.integers(0, 30)))
        brief_id = f"{date.isoformat()}-brief-{owner}"
        briefs.append(brief_of(brief_id, date))
        layers.append(BriefLayers(brief_id, briefs[-1].path, date, False, tuple(group)))
    return layers, tuple(briefs), moves


@given(moves_in_briefs(), st.lists(st.integers(-50, 2100), max_size=8))
def test_each_move_replaces_the_one_before_and_the_status_is_the_last_move_on_or_before_a_day(data, days):
    layers, briefs, moves = data
    assert check_move_set(layers, TRACK_SET) == []  # valid moves pass the rules across briefs
    derived = assemble_tracks(TRACK_SET, layers, briefs, VOCABULARY)
    for history in derived.histories:
        track = history.track
        lanes = [lane.id for lane in track.lanes] or [""]
        for lane in lanes:
            own = sorted((m for m in moves if m.track == track.id and m.lane == lane), key=lambda m: m.as_of)
            steps = [s for s in history.steps if s.lane == lane]
            assert [(s.as_of, s.to) for s in steps] == [(m.as_of, m.to or m.direction) for m in own]
            # The previous level is the level the move before it reached (a ladder starts at
            # its first level, a lane at none; arrows have none).
            start = track.levels[0].id if track.kind == "ladder" else ""
            expected_previous = [start] + [m.to for m in own[:-1]] if track.kind != "arrows" else [""] * len(own)
            assert [s.previous for s in steps] == expected_previous[: len(steps)]
            assert all(s.direction == ("down" if s.setback else "up") for s in steps if track.kind == "ladder")
        for offset in days:
            day = START + dt.timedelta(days=offset)
            for status in statuses_on(track, history.steps, day):
                before = [s for s in history.steps if s.lane == status.lane and s.as_of <= day]
                if before:
                    assert (status.value, status.since) == (before[-1].to, before[-1].as_of)
                else:
                    start = track.levels[0].id if track.kind == "ladder" else ""
                    assert (status.value, status.since) == (start, None)


@given(moves_in_briefs(), st.data())
def test_a_move_to_the_level_it_already_has_is_always_reported(data, draw):
    layers, briefs, moves = data
    ladder = [(i, m) for layer in layers for i, m in enumerate(layer.moves) if m.track == "ladder"]
    if not ladder:
        return
    # Repeat the level of the latest ladder move one day later, in the last brief.
    latest = max((m for _, m in ladder), key=lambda m: m.as_of)
    repeat = Move("ladder", latest.as_of + dt.timedelta(days=1), "Again.", 1, to=latest.to)
    last = layers[-1]
    changed = layers[:-1] + [BriefLayers(last.brief_id, last.path, last.date, False, last.moves + (repeat,))]
    found = check_move_set(changed, TRACK_SET)
    assert [(p.path, p.field) for p in found] == [(last.path, f"moves[{len(last.moves) + 1}].to")]


# --- charts ------------------------------------------------------------------------------


def moves_table_links(tree, selector: str) -> list[str]:
    return [row.xpath(".//a[contains(@href, '#move-')]")[0].get("href") for row in tree.xpath(selector)]


def test_a_track_chart_has_one_named_link_per_move_and_its_table_has_the_same_rows(bundled_site, bundled):
    for history in bundled.tracks.histories:
        tree = page(bundled_site, f"tracks/{history.track.id}/index.html")
        marks = tree.xpath(f'//*[local-name()="svg"][{css("track-svg")}]//*[local-name()="a"][{css("tr-mark")}]')
        assert len(marks) == len(history.steps) > 0, history.track.id
        for mark in marks:
            name = mark.get("aria-label")
            assert name and mark.xpath('*[local-name()="title"]')[0].text == name
            assert mark.get("class").split()[1] in ("tr-up", "tr-down", "tr-changed", "tr-improving", "tr-worsening")
        hrefs = [mark.get("href") for mark in marks]
        assert hrefs == moves_table_links(tree, f'//table[{css("track-moves")}]/tbody/tr')
        for href, step in zip(hrefs, history.steps):
            assert href == f"/briefs/{step.origin.brief_id}/#{step.anchor}"
            assert step.anchor in {e.get("id") for e in page(bundled_site, f"briefs/{step.origin.brief_id}/index.html").iter()}
            assert step.origin.brief_title in next(m.get("aria-label") for m in marks if m.get("href") == href)


def test_the_swimlane_marks_every_move_once_and_its_table_lists_the_same(bundled_site, bundled):
    tree = page(bundled_site, "tracks/index.html")
    marks = tree.xpath(f'//*[local-name()="svg"][{css("track-svg")}]//*[local-name()="a"][{css("tr-mark")}]')
    every = {f"/briefs/{s.origin.brief_id}/#{s.anchor}" for h in bundled.tracks.histories for s in h.steps}
    hrefs = [m.get("href") for m in marks]
    assert len(hrefs) == len(every) == 27 and set(hrefs) == every
    assert hrefs == moves_table_links(tree, f'//table[{css("track-moves")}]/tbody/tr')
    assert all(m.get("aria-label") for m in marks)


def test_direction_is_drawn_by_shape(bundled_site):
    tree = page(bundled_site, "tracks/security/index.html")
    shapes = {}
    for mark in tree.xpath(f'//*[local-name()="a"][{css("tr-mark")}]'):
        d = mark.xpath('*[local-name()="path"]')[0].get("d")
        first_y, second_y = float(d.split("L")[0].split()[1]), float(d.split("L")[1].split()[1])
        shapes.setdefault(mark.get("class"), set()).add("point up" if first_y < second_y else "point down")
    assert shapes == {"tr-mark tr-improving": {"point up"}, "tr-mark tr-worsening": {"point down"}}


def test_charts_are_drawn_the_same_every_time(bundled):
    strings = load_strings(REPO / "templates", REPO, "en")
    urls, text = Urls("https://example.org/"), chart_text(strings, "en")
    span = chart_span(D(2020, 11, 10), D(2026, 1, 14))
    for history in bundled.tracks.histories:
        once = render_track_chart(history, span, (D(2020, 11, 10), D(2026, 1, 14)), urls, text)
        assert once == render_track_chart(history, span, (D(2020, 11, 10), D(2026, 1, 14)), urls, text)
    assert render_swimlane(bundled.tracks.histories, span, urls, text) == render_swimlane(bundled.tracks.histories, span, urls, text)


def test_two_builds_give_the_same_tracks_pages_feeds_and_data(bundled_site, tmp_path):
    build_site(BuildOptions.for_root(REPO, out=tmp_path / "again", use_cache=False, search="skip"))
    for folder in ("tracks", "reactions", "data"):
        for path in (bundled_site / folder).rglob("*"):
            if path.is_file():
                assert path.read_bytes() == (tmp_path / "again" / path.relative_to(bundled_site)).read_bytes(), path


# --- pages -------------------------------------------------------------------------------


def test_a_track_page_has_definition_status_levels_moves_and_disputed_judgements(bundled_site):
    tree = page(bundled_site, "tracks/peace-treaty/index.html")
    text = " ".join(tree.text_content().split())
    assert "The bilateral Armenia–Azerbaijan peace treaty" in text
    assert "Initialled, since 8 August 2025" in text and "As of 14 January 2026" in text
    levels = [row.xpath("th")[0].text_content().strip() for row in tree.xpath(f'//table[{css("track-definitions")}]/tbody/tr')]
    assert levels[0] == "In force" and levels[-1] == "No mandate" and "Initialled current" in levels
    rows = [" ".join(r.text_content().split()) for r in tree.xpath(f'//table[{css("track-moves")}]/tbody/tr')]
    assert rows[0].startswith("6 April 2022 from No mandate to Talks mandated")
    disputed = tree.xpath(f'//ul[{css("disputed-list")}]/li')
    assert len(disputed) == 2 and "Baku made its signature" not in disputed[0].text_content()
    feeds = [link.get("href") for link in tree.xpath("//link[@rel='alternate'][@type='application/atom+xml']")]
    assert "https://example.org/tracks/peace-treaty/feed.xml" in feeds


def test_a_lanes_track_shows_each_lane_and_no_recorded_move_before_the_first(bundled_site, bundled):
    tree = page(bundled_site, "tracks/mediation-formats/index.html")
    status = [" ".join(div.text_content().split()) for div in tree.xpath(f'//dl[{css("track-now-list")}]/div')]
    assert status == [
        "Russia-led trilateral format Established, since 10 November 2020",
        "EU-hosted format Established, since 6 April 2022",
        "US-hosted format Established, since 8 August 2025",
        "OSCE Minsk Group Closed, since 30 November 2025",
        "Direct bilateral format Established, since 7 December 2023",
    ]
    history = next(h for h in bundled.tracks.histories if h.track.id == "mediation-formats")
    # On 1 January 2025 the Minsk lane had no recorded move: no value, no date.
    minsk = [s for s in statuses_on(history.track, history.steps, D(2025, 1, 1)) if s.lane == "osce-minsk-group"][0]
    assert (minsk.value, minsk.since) == ("", None)


def test_brief_pages_show_their_moves_and_reactions(bundled_site):
    tree = page(bundled_site, "briefs/2025-08-08-washington-summit-joint-declaration/index.html")
    moves = [" ".join(li.xpath(f'p[{css("move-head")}]')[0].text_content().split()) for li in tree.xpath(f'//section[{css("moves")}]//li')]
    assert moves == [
        "Peace treaty: from Text agreed to Initialled, as of 8 August 2025",
        "Route to Nakhchivan across Armenia (TRIPP): from Not agreed to Agreed in principle, as of 8 August 2025",
        "Mediation formats, US-hosted format: Established, as of 8 August 2025",
    ]
    assert tree.xpath(f"//section[{css('moves')}]//li//a[@href='#source-1']")
    tree = page(bundled_site, "briefs/2023-12-07-first-bilateral-joint-statement/index.html")
    reaction = " ".join(tree.xpath("//*[@id='reaction-1']")[0].text_content().split())
    assert reaction.startswith("Russia: ++ Welcomed, 8 December 2023, Maria Zakharova")
    assert "“We welcome the agreement between Baku and Yerevan on the release of Armenian and Azerbaijani servicemen.”" in reaction
    assert [a.get("href") for a in tree.xpath(f"//nav[{css('toc')}]//a")][-3:] == ["#moves", "#reactions", "#sources"]


def test_an_actor_page_splits_taking_part_from_reacting(bundled_site):
    tree = page(bundled_site, "actors/russia/index.html")
    took_part = [a.get("href") for a in tree.xpath(f"//ol[{css('brief-list')}]//h3/a")]
    reacted = [a.get("href") for a in tree.xpath(f"//section[{css('actor-reactions')}]//a")]
    assert reacted == ["/briefs/2023-12-07-first-bilateral-joint-statement/#reaction-1"]
    assert "/briefs/2023-12-07-first-bilateral-joint-statement/" not in took_part
    assert "/briefs/2020-11-10-trilateral-ceasefire-statement/" in took_part
    assert [h.text_content() for h in tree.xpath("//main//h2")][:2] == ["Took part", "Reacted"]
    # An actor that never reacted says so.
    assert "No reaction of this actor is recorded." in page(bundled_site, "actors/armenia/index.html").text_content()


def test_the_methodology_page_shows_every_track_and_stance_from_tracks_yaml(bundled_site, bundled):
    tree = page(bundled_site, "methodology/index.html")
    section = tree.xpath(f"//section[{css('track-definitions-section')}]")[0]
    text = section.text_content()
    for track in bundled.track_definitions.tracks:
        assert track.label in text
        for item in (*track.levels, *track.lanes, *track.states):
            assert item.label in text and item.definition in text
    for stance in bundled.track_definitions.stances:
        assert stance.symbol in text and stance.definition in text


def test_new_pages_are_in_the_sitemap(bundled_site):
    sitemap = (bundled_site / "sitemap.xml").read_text(encoding="utf-8")
    for path in ("tracks/", "tracks/border/", "tracks/mediation-formats/", "tracks/security/", "reactions/"):
        assert f"<loc>https://example.org/{path}</loc>" in sitemap


def test_the_reactions_matrix_says_not_recorded_in_empty_cells(project):
    vocabulary = project.root / "content/vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace(
        "tags:", "  - id: un\n    label: United Nations\n    description: The UN.\ntags:"), encoding="utf-8")
    project.write("content/tracks.yaml", TRACKS)
    react = "reactions:\n  - actor: {actor}\n    date: {date}\n    speaker: S\n    stance: {stance}\n    paraphrase: P.\n    source: 1\n"
    project.brief(extra=react.format(actor="russia", date="2023-12-08", stance="welcomed"))
    project.brief("2024-04-19-sections", extra=react.format(actor="un", date="2024-04-20", stance="mixed")
                  + "  - actor: un\n    date: 2024-04-21\n    speaker: T\n    stance: critical\n    paraphrase: Q.\n    source: 1\n")
    project.brief("2024-05-01-nothing")
    project.build(search="skip")
    tree = page(project.out, "reactions/index.html")
    header = [th.text_content() for th in tree.xpath(f"//table[{css('reaction-matrix')}]/thead//th")]
    assert header == ["Milestone", "Russia", "United Nations"]
    rows = [[" ".join(" ".join(td.itertext()).split()) for td in tr.xpath("td")] for tr in tree.xpath(f"//table[{css('reaction-matrix')}]/tbody/tr")]
    assert rows == [["not recorded", "+/- Mixed -- Critical"], ["++ Welcomed", "not recorded"]]
    assert "Reactions are recorded for 2 of 3 milestones" in tree.text_content()


def test_a_setback_is_shown_in_words_and_by_shape(project):
    project.write("content/tracks.yaml", TRACKS)
    move = "moves:\n  - track: treaty\n    to: {to}\n    as_of: {date}\n    reason: R.\n    source: 1\n"
    project.brief(extra=move.format(to="agreed", date="2023-12-07"))
    project.brief("2024-04-19-backwards", extra=move.format(to="mandated", date="2024-04-19") + "    setback: true\n")
    project.build(search="skip")
    brief = " ".join(page(project.out, "briefs/2024-04-19-backwards/index.html").xpath(f"//section[{css('moves')}]//li")[0].text_content().split())
    assert "from Text agreed to Mandated (setback)" in brief
    tree = page(project.out, "tracks/treaty/index.html")
    assert [m.get("class") for m in tree.xpath(f'//*[local-name()="a"][{css("tr-mark")}]')] == ["tr-mark tr-up", "tr-mark tr-down"]
    assert "(setback)" in tree.xpath(f"//table[{css('track-moves')}]/tbody/tr")[1].text_content()
    assert json.loads((project.out / "data/moves.json").read_bytes())["moves"][1]["setback"] is True


def test_without_tracks_yaml_there_are_no_tracks_pages_or_data(project):
    project.brief()
    project.build(search="skip")
    assert not (project.out / "tracks").exists() and not (project.out / "reactions").exists()
    assert not (project.out / "data/moves.json").exists()
    assert "Tracks" not in page(project.out, "index.html").xpath(f"//nav[{css('site-nav')}]")[0].text_content()


# --- feeds and data, read by real parsers ------------------------------------------------


def test_each_track_has_an_atom_feed_of_its_moves(bundled_site, bundled):
    for history in bundled.tracks.histories:
        feed = feedparser.parse((bundled_site / f"tracks/{history.track.id}/feed.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.title == f"Armenia–Azerbaijan Normalization Archive: {history.track.label}"
        assert feed.feed.link == f"https://example.org/tracks/{history.track.id}/"
        newest_first = sorted(history.steps, key=lambda s: (s.as_of, s.lane), reverse=True)
        assert [e.link for e in feed.entries] == [f"https://example.org/briefs/{s.origin.brief_id}/#{s.anchor}" for s in newest_first]
        assert len({e.id for e in feed.entries}) == len(feed.entries)
        assert [e.published[:10] for e in feed.entries] == [s.as_of.isoformat() for s in newest_first]
        assert all(e.summary for e in feed.entries)


def load_json(site: Path, name: str):
    return json.loads((site / "data" / name).read_bytes())


@pytest.mark.parametrize("name", ["moves", "reactions", "tracks"])
def test_each_json_download_is_valid_against_its_published_schema(bundled_site, name):
    schema = load_json(bundled_site, f"{name}.schema.json")
    jsonschema.Draft7Validator.check_schema(schema)
    document = load_json(bundled_site, f"{name}.json")
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    assert list(validator.iter_errors(document)) == []
    assert document["schema"] == f"https://example.org/data/{name}.schema.json"
    # The repository's schema/ holds the same file (make schema).
    assert (REPO / "schema" / f"{name}.schema.json").read_bytes() == (bundled_site / "data" / f"{name}.schema.json").read_bytes()


def test_moves_json_holds_every_move_with_its_derived_previous_level(bundled_site, bundled):
    records = load_json(bundled_site, "moves.json")["moves"]
    assert len(records) == 27 and list(records[0]) == sorted(f for f, _ in MOVE_FIELDS)
    for history in bundled.tracks.histories:
        for lane in [lane.id for lane in history.track.lanes] or [""]:
            own = [r for r in records if r["track"] == history.track.id and r["lane"] == lane]
            start = history.track.levels[0].id if history.track.kind == "ladder" else ""
            if history.track.kind != "arrows":
                assert [r["previous"] for r in own] == [start] + [r["to"] for r in own[:-1]]
    first = records[0]
    assert (first["track"], first["to"], first["brief_url"]) == (
        "detainees", "exchange-agreed", "https://example.org/briefs/2020-11-10-trilateral-ceasefire-statement/")
    assert load_json(bundled_site, "moves.json")["as_of"] == "2026-01-14"


def test_tracks_json_holds_definitions_statuses_and_stances(bundled_site, bundled):
    document = load_json(bundled_site, "tracks.json")
    status = {(t["id"], s["lane"]): (s["value"], s["since"], s["brief_id"]) for t in document["tracks"] for s in t["status"]}
    assert status == {key: (value, since.isoformat(), brief) for key, (value, since, brief) in BUNDLED_STATUS.items()}
    assert [s["symbol"] for s in document["stances"]] == ["++", "+/-", "0", "-", "--", "---"]


def read_csv(site: Path, name: str) -> list[dict[str, str]]:
    data = (site / "data" / name).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("name,fields", [("moves", MOVE_FIELDS), ("reactions", REACTION_FIELDS)])
def test_each_csv_download_has_the_rows_of_its_json(bundled_site, name, fields):
    rows = read_csv(bundled_site, f"{name}.csv")
    records = load_json(bundled_site, f"{name}.json")[name]
    assert [list(row) for row in rows[:1]] == [[f for f, _ in fields]]
    assert len(rows) == len(records)
    for row, record in zip(rows, records):
        for field, value in record.items():
            expected = "true" if value is True else "false" if value is False else str(value)
            assert row[field] == neutralise_formula(expected), field


def test_csv_cells_that_look_like_formulas_are_neutralised(project):
    project.write("content/tracks.yaml", TRACKS)
    hostile = (
        "moves:\n  - track: treaty\n    to: mandated\n    as_of: 2023-12-07\n    reason: \"=HYPERLINK(1)\"\n    source: 1\n"
        "    note: \"@SUM(A1)\"\nreactions:\n  - actor: russia\n    date: 2023-12-08\n    speaker: \"+7 spokesperson\"\n"
        "    stance: welcomed\n    paraphrase: \"-1 said\"\n    source: 1\n"
    )
    project.brief(extra=hostile)
    project.build(search="skip")
    move = read_csv(project.out, "moves.csv")[0]
    assert (move["reason"], move["note"]) == ("'=HYPERLINK(1)", "'@SUM(A1)")
    assert json.loads((project.out / "data/moves.json").read_bytes())["moves"][0]["reason"] == "=HYPERLINK(1)"
    reaction = read_csv(project.out, "reactions.csv")[0]
    assert (reaction["speaker"], reaction["paraphrase"]) == ("'+7 spokesperson", "'-1 said")


def test_the_data_page_documents_every_field_of_every_download(bundled_site):
    tree = page(bundled_site, "data/index.html")
    for name, fields in (("moves", MOVE_FIELDS), ("reactions", REACTION_FIELDS), ("tracks", TRACK_FIELDS), ("stances", STANCE_FIELDS)):
        for field, _ in fields:
            row = tree.xpath(f"//*[@id='field-{name}-{field}']")
            assert row and row[0].xpath("td")[0].text_content().strip(), (name, field)
    links = {a.get("href") for a in tree.xpath(f"//h2[@id='tracks-data']/following-sibling::ul[{css('downloads')}]//a")}
    assert {f"/data/{n}" for n in ("moves.json", "moves.csv", "reactions.json", "reactions.csv", "tracks.json", "moves.schema.json")} <= links


def test_a_quote_is_only_where_the_brief_cites_a_source_for_it(bundled):
    # Every recorded reaction names a source the brief has; the bundled quote is the one the
    # archive holds the source text of (shared/sources, News.Az of 8 December 2023).
    for views in bundled.tracks.reactions_of.values():
        for view in views:
            assert view.origin.source_url
    quoted = [v for views in bundled.tracks.reactions_of.values() for v in views if v.quote]
    assert [(v.actor, v.origin.source_url) for v in quoted] == [("russia", "https://news.az/news/moscow-hails-intention-of-baku-yerevan-to-normalize-relations")]
    held = Path("/work/shared/sources/news-az-2023-12-08-moscow-welcomes-joint-statement.txt")
    if held.is_file():  # the source text is kept outside the repository
        assert quoted[0].quote in held.read_text(encoding="utf-8")


def test_actors_that_only_reacted_are_not_among_the_actors(bundled):
    for brief_id, views in bundled.tracks.reactions_of.items():
        actors = bundled.by_id[brief_id].actors
        assert not {v.actor for v in views} & set(actors)
    assert "russia" not in bundled.by_id["2023-12-07-first-bilateral-joint-statement"].actors


def test_tracks_without_moves_or_briefs_say_so(project):
    project.write("content/tracks.yaml", TRACKS)
    project.build(search="skip")  # no brief at all: nothing is dated
    assert "Every track's status" in page(project.out, "tracks/index.html").text_content()
    project.brief()
    project.build(search="skip")
    tree = page(project.out, "tracks/treaty/index.html")
    text = " ".join(tree.text_content().split())
    assert "No mandate (starting level)" in text and "No milestone in the archive has moved this track yet." in text
    assert not tree.xpath('//*[local-name()="svg"][contains(@class, "track-svg")]')
    lanes = " ".join(page(project.out, "tracks/formats/index.html").text_content().split())
    assert "Trilateral format no recorded move" in lanes
    assert "No reaction is recorded yet." in page(project.out, "reactions/index.html").text_content()
    moves = json.loads((project.out / "data/moves.json").read_bytes())
    assert moves["moves"] == [] and moves["as_of"] == "2023-12-07"

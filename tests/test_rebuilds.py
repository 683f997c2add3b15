"""Incremental builds equal fresh ones after every kind of change, and write exactly what it touches.

The kinds of change: a brief, a page, the vocabulary, site.yaml, a template, a UI string, a
theme file, any module of the engine (patched in a copy of it, run in its own process) and
a library version. After each, a build that uses the store must give the very bytes a
build without it gives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import briefing.store.engine
from briefing.build import BuildOptions, build_site
from conftest import REPO, tree_bytes
from site_fixture import write_fixture

ENGINE = REPO / "briefing"


def site(folder: Path) -> dict[str, bytes]:
    return {path: data for path, data in tree_bytes(folder).items() if not path.startswith("pagefind/")}


def fresh(root: Path, out: Path) -> dict[str, bytes]:
    build_site(BuildOptions.for_root(root, out=out, use_cache=False, search="skip"))
    return site(out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {
    "brief": ("content/briefs/2023/2023-12-13-handover.md", "What happened", "What really happened"),
    "brief date": ("content/briefs/2021/2021-01-11-moscow-meeting.md", "date: 2021-01-11\n", "date: 2021-01-11\nupdated: 2021-02-01\n"),
    "page": ("content/pages/about.md", "Scope text.", "Scope text, widened."),
    "page summary": ("content/pages/about.md", "summary: What this fixture", "summary: What this small fixture"),
    "page title": ("content/pages/about.md", "title: About the fixture", "title: About this fixture"),
    "vocabulary": ("content/vocabulary.yaml", "label: Prisoners", "label: Detainees"),
    "names register": ("content/names.yaml", "variants: [Pashinian]", "variants: [Pashinian, Paschinjan]"),
    "a brief's places": ("content/briefs/2024/2024-11-11-tricky-talks.md", "places: [baku]", "places: [baku, shusha-shushi]"),
    "site.yaml": ("content/site.yaml", "title: Test Archive", "title: Renamed Archive"),
    "template": ("templates/brief.html", "</article>", "<p>edited template</p></article>"),
    "ui string": ("templates/i18n/en.yaml", "search_placeholder:", "unused_new_string: x\nsearch_placeholder:"),
    "theme file": ("templates/static/style.css", "", "/* edited */\n"),
    "a move's reason": ("content/briefs/2023/2023-12-13-handover.md", "Shots were fired at the handover.", "Shots were fired near it."),
    "a move down": ("content/briefs/2024/2024-11-11-tricky-talks.md", "to: signed", "to: mandated\n    setback: true"),
    "a move added": ("content/briefs/2021/2021-01-11-moscow-meeting.md", "\n---\n", "\nmoves:\n  - track: formats\n    lane: trilateral\n    to: closed\n    as_of: 2021-01-11\n    reason: Closed.\n    source: 1\n---\n"),
    "a reaction's stance": ("content/briefs/2024/2024-11-11-tricky-talks.md", "stance: critical", "stance: mixed"),
    "tracks.yaml": ("content/tracks.yaml", "label: Text agreed", "label: Text finalised"),
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_an_incremental_build_equals_a_fresh_one_after_each_kind_of_change(tmp_path: Path, kind: str):
    project = write_fixture(tmp_path / "project")
    options = BuildOptions.for_root(project.root, search="skip")
    build_site(options)
    build_site(options)  # a spare staging folder now exists too
    relative, old, new = CHANGES[kind]
    target = project.root / relative
    if old:
        edit(target, old, new)
    else:
        target.write_text(target.read_text(encoding="utf-8") + new, encoding="utf-8")
    report = build_site(options)
    assert not report.up_to_date and report.written > 0
    assert site(project.out) == fresh(project.root, tmp_path / "fresh")
    assert build_site(options).up_to_date


def test_a_library_version_change_rebuilds_everything_the_same(tmp_path: Path, monkeypatch):
    project = write_fixture(tmp_path / "project")
    options = BuildOptions.for_root(project.root, search="skip")
    first = build_site(options)
    newer = briefing.store.engine.library_versions() + (("markdown", "99.0"),)
    monkeypatch.setattr(briefing.store.engine, "library_versions", lambda: newer)
    report = build_site(options)
    copied = {".nojekyll", *(f"static/{p.name}" for p in (project.root / "templates/static").iterdir())}
    # Nothing made by the engine is kept (every key moved); theme files are copied as they are.
    assert set(report.written_paths) == set(first.written_paths) - copied
    assert site(project.out) == fresh(project.root, tmp_path / "fresh")


def run_engine(engine: Path, root: Path, *args: str) -> str:
    """Run `build` with the engine package found in folder `engine`, in a process of its own."""
    code = "import sys; sys.path.insert(0, sys.argv[1]); import briefing; assert briefing.__file__.startswith(sys.argv[1]); from briefing.cli import main; sys.exit(main(sys.argv[2:]))"
    result = subprocess.run(
        [sys.executable, "-c", code, str(engine), "build", "--root", str(root), "--no-search", "--show-written", *args],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


PATCHES = {
    # module, text, replacement: an edit to one engine module that changes the output
    "markdown heading ids": ("content/markdown_render.py", 'HEADING_ID_PREFIX = "s-"', 'HEADING_ID_PREFIX = "h-"'),
    "a template filter": ("output/render.py", 'self.env.filters["iso"] = lambda d: d.isoformat()', 'self.env.filters["iso"] = lambda d: d.isoformat() + ""  # same\n        self.env.filters["human_date"] = lambda d: "day " + d.isoformat()'),
    "the export record": ("site/exports.py", '"draft": brief.draft,', '"draft": brief.draft, "patched": True,'),
    "the feed entries": ("site/feeds.py", 'parts.append(f"<h2>{esc(strings[\'sources_title\'])}</h2><ol>{sources}</ol>")', 'parts.append(f"<h2>{esc(strings[\'sources_title\'])} (patched)</h2><ol>{sources}</ol>")'),
}


@pytest.mark.parametrize("change", sorted(PATCHES))
def test_a_change_to_any_engine_module_is_seen_without_a_version_bump(tmp_path: Path, change: str):
    engine = tmp_path / "engine"
    shutil.copytree(ENGINE, engine / "briefing", ignore=shutil.ignore_patterns("__pycache__"))
    project = write_fixture(tmp_path / "project")
    run_engine(engine, project.root)
    before = site(project.out)
    module, old, new = PATCHES[change]
    edit(engine / "briefing" / module, old, new)
    written = run_engine(engine, project.root)
    assert written.strip(), "the patched engine wrote nothing"
    after = site(project.out)
    assert after != before
    run_engine(engine, project.root, "--no-cache", "--out", str(tmp_path / "fresh"))
    assert after == site(tmp_path / "fresh")


def written_by(options: BuildOptions) -> set[str]:
    return set(build_site(options).written_paths)


BRIEF_PAGES = {f"briefs/{stem}/index.html" for stem in (
    "2020-11-10-ceasefire", "2021-01-11-moscow-meeting", "2023-12-07-joint-statement", "2023-12-13-handover", "2024-11-11-tricky-talks",
)}


def test_each_kind_of_edit_writes_exactly_the_files_that_show_it(tmp_path: Path):
    """As Hugo's render-count tests do: the exact set of files each edit writes."""
    project = write_fixture(tmp_path / "project")
    options = BuildOptions.for_root(project.root, search="skip")
    everything = written_by(options)
    assert len(everything) == 82
    assert written_by(options) == set()  # nothing changed: nothing written (and up to date)

    # The body of a brief (2023-12-13: page 1 of the timeline at two briefs a page, page 2
    # oldest first): its
    # page, its neighbours' and the one relating to it (they carry the brief itself), the
    # page of each list that shows it, the term and year indexes (they count whole groups),
    # the home page (newest briefs), the feeds it is in, and the downloads. Not the other
    # pages of those lists, nor the other terms' pages, the sitemap or the pages.
    showing_the_handover = {
        "briefs/2023-12-13-handover/index.html",
        "briefs/2023-12-07-joint-statement/index.html", "briefs/2024-11-11-tricky-talks/index.html",  # neighbours
        "briefs/2020-11-10-ceasefire/index.html",  # related: the prisoners tag
        "index.html", "timeline/index.html", "timeline/oldest/page/2/index.html", "years/2023/index.html", "types/prisoner-release/index.html",
        "actors/armenia/index.html", "actors/azerbaijan/index.html", "tags/prisoners/index.html",
        "years/index.html", "types/index.html", "actors/index.html", "tags/index.html",
        "feed.xml", "feed.json", "types/prisoner-release/feed.xml", "actors/armenia/feed.xml", "actors/azerbaijan/feed.xml",
        "data/briefs.json", "data/briefs.csv",
        # the place and the person it names: their pages and feeds (not the indexes, which count)
        "places/shusha-shushi/index.html", "people/nikol-pashinyan/index.html", "places/shusha-shushi/feed.xml", "people/nikol-pashinyan/feed.xml",
    }
    edit(project.root / "content/briefs/2023/2023-12-13-handover.md", "What happened", "What really happened")
    assert written_by(options) == showing_the_handover
    edit(project.root / "content/briefs/2023/2023-12-13-handover.md", "title: ", "title: Renamed ")
    # Its title is on the same pages, and beside its move: on the track's page and feed,
    # in the swimlane of the tracks overview and in the moves data.
    moved = {"tracks/security/index.html", "tracks/security/feed.xml", "tracks/index.html", "data/moves.json", "data/moves.csv"}
    assert written_by(options) == showing_the_handover | moved

    # A person's role in the names register: the person's page, feed and line in the index,
    # the brief page that names the person (its context holds the entry), the register in
    # the JSON download and the search page (its filters list the register). Briefs are not
    # parsed again: their checks read only the register's ids and spellings.
    edit(project.root / "content/names.yaml", "role: Prime Minister of Armenia", "role: Prime Minister of Armenia since 2018")
    assert written_by(options) == {
        "people/nikol-pashinyan/index.html", "people/nikol-pashinyan/feed.xml", "people/index.html",
        "briefs/2023-12-13-handover/index.html", "data/briefs.json", "search/index.html",
    }

    # A standalone page's text or summary: that page and the home page, which lists the
    # pages with their summaries. Every page's menu and footer show pages by title only.
    edit(project.root / "content/pages/about.md", "Scope text.", "Scope text, widened.")
    assert written_by(options) == {"about/index.html", "index.html"}
    edit(project.root / "content/pages/about.md", "summary: What this fixture", "summary: What this small fixture")
    assert written_by(options) == {"about/index.html", "index.html"}
    # Its title: every HTML page, since the footer lists the pages by title.
    edit(project.root / "content/pages/about.md", "title: About the fixture", "title: About this fixture")
    assert written_by(options) == {path for path in everything if path.endswith(".html")}

    # A theme file is copied; nothing else changes.
    style = project.root / "templates/static/style.css"
    style.write_text(style.read_text(encoding="utf-8") + "/* edited */\n", encoding="utf-8")
    assert written_by(options) == {"static/style.css"}

    # The brief page template: exactly the brief pages.
    edit(project.root / "templates/brief.html", "</article>", "<p>edited template</p></article>")
    assert written_by(options) == BRIEF_PAGES


TRANSLATION_CHANGES = {
    "translated body": ("content/briefs/2023/2023-12-07-joint-statement.ru.md", "Пленные.", "Пленные, снова."),
    "translated page": ("content/pages/about.ru.md", "Текст об охвате.", "Другой текст."),
    "original of a translation": ("content/briefs/2023/2023-12-07-joint-statement.md", "Intro paragraph.", "Intro paragraph, changed."),
    "whitespace of the original": ("content/briefs/2023/2023-12-07-joint-statement.md", "Intro paragraph.", "Intro\n paragraph."),
    "ui string of a language": ("templates/i18n/hy.yaml", "nav_home: Գլխավոր", "nav_home: Գլխավոր էջ"),
    "language unpublished": ("templates/i18n/hy.yaml", None, None),  # its UI file gone
}


@pytest.mark.parametrize("kind", sorted(TRANSLATION_CHANGES))
def test_an_incremental_build_equals_a_fresh_one_after_each_kind_of_translation_change(tmp_path: Path, kind: str):
    from site_fixture import write_multilingual

    project = write_multilingual(tmp_path / "project")
    options = BuildOptions.for_root(project.root, search="skip")
    build_site(options)
    relative, old, new = TRANSLATION_CHANGES[kind]
    if old is None:
        (project.root / relative).unlink()
    else:
        edit(project.root / relative, old, new)
    report = build_site(options)
    assert not report.up_to_date
    assert site(project.out) == fresh(project.root, tmp_path / "fresh")
    assert build_site(options).up_to_date


RU_VOCABULARY = """translation:
  method: human
  reviewed: true
  translator: Test translator
  date: 2024-02-01
  original_digest: DIGEST
actors:
  - id: armenia
    label: Армения
    description: Республика Армения.
"""


def test_an_incremental_build_equals_a_fresh_one_after_a_translated_term_changes(tmp_path: Path):
    # The translated labels are on the translation's pages and in its feeds' categories.
    from site_fixture import write_multilingual

    from briefing.content.loader import load_content
    from briefing.content.translations import vocabulary_digest

    project = write_multilingual(tmp_path / "project")
    current = vocabulary_digest(load_content(project.root, project.root / "content").vocabulary)
    project.write("content/vocabulary.ru.yaml", RU_VOCABULARY.replace("DIGEST", current))
    options = BuildOptions.for_root(project.root, search="skip")
    build_site(options)
    assert "Армения" in (project.out / "ru/feed.json").read_text(encoding="utf-8")
    edit(project.root / "content/vocabulary.ru.yaml", "label: Армения", "label: Республика Армения")
    build_site(options)
    assert '"Республика Армения"' in (project.out / "ru/feed.json").read_text(encoding="utf-8")
    assert site(project.out) == fresh(project.root, tmp_path / "fresh")


def test_each_translation_edit_writes_exactly_the_files_that_show_it(tmp_path: Path):
    from site_fixture import write_multilingual

    project = write_multilingual(tmp_path / "project")
    options = BuildOptions.for_root(project.root, search="skip")
    written_by(options)
    # The translated text: the Russian page of the brief, the Russian lists that list it (as
    # the English ones do for an English edit) and the Russian feeds it is in. Nothing in
    # English or Armenian, no status (the English it was made from is the same).
    ru_lists = {
        "ru/index.html", "ru/timeline/page/2/index.html", "ru/timeline/oldest/page/2/index.html", "ru/years/index.html",
        "ru/years/2023/index.html", "ru/types/index.html", "ru/types/statement/index.html", "ru/actors/index.html",
        "ru/actors/armenia/page/2/index.html", "ru/actors/azerbaijan/page/2/index.html", "ru/tags/index.html",
        "ru/tags/prisoners/index.html", "ru/tags/cop29/index.html",
    }
    edit(project.root / "content/briefs/2023/2023-12-07-joint-statement.ru.md", "Пленные.", "Пленные, снова.")
    assert written_by(options) == ru_lists | {
        "ru/briefs/2023-12-07-joint-statement/index.html", "ru/feed.xml", "ru/feed.json", "ru/types/statement/feed.xml",
        "ru/actors/armenia/feed.xml", "ru/actors/azerbaijan/feed.xml",
    }
    # A whitespace-only edit of the English original changes no translation's state: only
    # what an English edit always writes (the English pages showing it, feeds, downloads).
    edit(project.root / "content/briefs/2023/2023-12-07-joint-statement.md", "Intro paragraph.", "Intro\n  paragraph.")
    whitespace = written_by(options)
    assert not {path for path in whitespace if path.startswith(("ru/", "hy/"))}
    # A real English edit: the translations now say a newer English version exists, so the
    # translated pages, the lists showing them and the translations tables are written too.
    edit(project.root / "content/briefs/2023/2023-12-07-joint-statement.md", "Intro\n  paragraph.", "Intro paragraph, changed.")
    changed = written_by(options)
    for code in ("ru", "hy"):
        assert {f"{code}/briefs/2023-12-07-joint-statement/index.html", f"{code}/translations/index.html"} <= changed
    assert "translations/index.html" in changed
    assert not {path for path in changed if path.startswith(("ru/", "hy/")) and path.endswith((".xml", ".json"))}  # feeds show no status
    assert "ru/about/index.html" not in changed and "ru/search/index.html" not in changed
def test_an_edit_of_moves_or_reactions_writes_only_the_pages_that_show_them(tmp_path: Path):
    """An edit to one brief's moves re-renders its brief, the pages of the tracks it moves
    (and their feeds) and the data; the home page and the tracks overview only when a
    status they show changes. Never the brief's neighbours, lists or the other tracks: a
    Brief's fingerprint leaves its moves and reactions out (model.BriefLayers)."""
    project = write_fixture(tmp_path / "project")
    options = BuildOptions.for_root(project.root, search="skip")
    written_by(options)
    handover = project.root / "content/briefs/2023/2023-12-13-handover.md"
    talks = project.root / "content/briefs/2024/2024-11-11-tricky-talks.md"

    # A move's reason: shown on its brief, its track's page and feed, and in the moves data.
    edit(handover, "Shots were fired at the handover.", "Shots were fired near the handover.")
    reason_shown = {
        "briefs/2023-12-13-handover/index.html", "tracks/security/index.html", "tracks/security/feed.xml",
        "data/moves.json", "data/moves.csv",
    }
    assert written_by(options) == reason_shown

    # The last move of a track turned round: its status changes on the home page, the
    # overview (status table and swimlane) and tracks.json as well.
    edit(handover, "direction: worsening", "direction: improving")
    assert written_by(options) == reason_shown | {"index.html", "tracks/index.html", "data/tracks.json"}

    # A reaction's paraphrase: its brief, the reacting actor's page and the reactions data;
    # not the matrix, which shows stances only.
    edit(talks, "Moscow called parts of it wrong.", "Moscow called parts of it mistaken.")
    paraphrase_shown = {
        "briefs/2024-11-11-tricky-talks/index.html", "actors/russia/index.html", "data/reactions.json", "data/reactions.csv",
    }
    assert written_by(options) == paraphrase_shown
    edit(talks, "stance: critical", "stance: mixed")
    assert written_by(options) == paraphrase_shown | {"reactions/index.html"}

    # A level's label in tracks.yaml: every page that names it, the standalone pages (the
    # methodology page's tables; page.html reads the definitions) and the tracks data.
    edit(project.root / "content/tracks.yaml", "label: Signed", "label: Signed by both")
    assert written_by(options) == {
        "about/index.html", "briefs/2024-11-11-tricky-talks/index.html", "index.html", "tracks/index.html",
        "tracks/treaty/index.html", "tracks/treaty/feed.xml", "data/tracks.json",
    }

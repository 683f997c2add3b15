"""serve's site in memory equals a fresh build after every save, however the save is applied.

Saves of existing briefs take the short way (only those files are read; unchanged brief
pages are reused); any other save reads content/ again. Either way each file the memory
site makes must be the file a clean build writes.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import briefing.dev.live as live
from briefing.build import BuildOptions, build_site
from briefing.content.loader import load_content
from briefing.errors import BuildFailed
from briefing.site.archive import assemble_archive, latest_changed
from briefing.store.store import Store
from conftest import tree_bytes
from site_fixture import write_fixture, write_multilingual

BASE = "http://127.0.0.1:9999/"


def assert_equals_a_fresh_build(site: live.LiveSite, root: Path, out: Path) -> None:
    build_site(BuildOptions.for_root(root, out=out, use_cache=False, search="skip", base_url=BASE))
    expected = {path: data for path, data in tree_bytes(out).items() if path != ".briefing-output"}
    generation = site.current
    assert generation is not None
    made = {path for path in expected if generation.has(path)}
    assert made == set(expected), sorted(set(expected) - made)
    for path, data in expected.items():
        produced = generation.make(path)
        produced = produced if isinstance(produced, bytes) else b"".join(p if isinstance(p, bytes) else _span(p) for p in produced)
        assert produced == data, path
    assert {item.path for item in generation.plan} <= set(expected)


def _span(span) -> bytes:
    with open(span.path, "rb") as stream:
        stream.seek(span.offset)
        return stream.read(span.length)


def brief_files(root: Path) -> list[Path]:
    """The original briefs (not their translations, `<id>.<lang>.md`)."""
    return sorted(path for path in (root / "content/briefs").rglob("*.md") if path.name.count(".") == 1)


EDITS = [
    "body", "title", "date-tail", "tags", "related", "draft", "correction", "places", "new brief", "delete", "vocabulary",
    "names", "template", "broken then fixed", "move", "reaction", "tracks", "page",
]


def apply(edit: str, root: Path, rng: random.Random, step: int) -> list[Path]:
    """Make one kind of save; return the files it touched (as a watcher would report)."""
    files = brief_files(root)
    target = rng.choice(files)
    text = target.read_text(encoding="utf-8")
    if edit == "body":
        target.write_text(text + f"\nStep {step} adds a sentence.\n", encoding="utf-8")
    elif edit == "title":
        target.write_text(text.replace("title: ", f"title: Step {step} ", 1), encoding="utf-8")
    elif edit == "date-tail":
        target.write_text(text.replace("\n---\n", "\nupdated: 2025-02-0" + str(step % 9 + 1) + "\n---\n", 1) if "updated:" not in text else text, encoding="utf-8")
    elif edit == "tags":
        target.write_text(text.replace("tags: [", "tags: [cop29, ", 1) if "tags: [" in text and "cop29" not in text.split("tags: [", 1)[1].split("]")[0] else text + "\n", encoding="utf-8")
    elif edit == "related":
        other = rng.choice([f for f in files if f != target]).stem
        target.write_text(text.replace("\n---\n", f"\nrelated: [{other}]\n---\n", 1) if "related:" not in text else text, encoding="utf-8")
    elif edit == "draft":
        target.write_text(text.replace("\n---\n", "\ndraft: true\n---\n", 1) if "draft:" not in text else text.replace("draft: true\n", ""), encoding="utf-8")
    elif edit == "places":
        # A brief's places and people: on and off, so pages of places and people gain and lose it.
        if "places: [baku]\n" in text:
            target.write_text(text.replace("places: [baku]\n", "", 1), encoding="utf-8")
        else:
            target.write_text(text.replace("\n---\n", "\nplaces: [baku]\n---\n", 1) if "places:" not in text else text + "\n", encoding="utf-8")
    elif edit == "names":
        names = root / "content/names.yaml"
        text = names.read_text(encoding="utf-8")
        text = re.sub(r"role: .*", f"role: Prime Minister of Armenia ({step})", text, count=1)
        text = re.sub(r"variants: \[Baki.*?\]", f"variants: [Baki, Baki{step}]", text, count=1)
        names.write_text(text, encoding="utf-8")
        return [names]
    elif edit == "correction":
        target.write_text(text.replace("\n---\n", "\ncorrections:\n  - date: 2025-03-01\n    note: A figure was corrected.\n---\n", 1) if "corrections:" not in text else text, encoding="utf-8")
    elif edit == "new brief":
        new = root / "content/briefs/2022" / f"2022-06-{step % 27 + 1:02d}-added-{step}.md"
        new.parent.mkdir(parents=True, exist_ok=True)
        text = re.sub(r"(?m)^date: .*$", f"date: {new.name[:10]}", files[0].read_text(encoding="utf-8"), count=1)
        text = re.sub(r"(?m)^(moves|reactions):\n(?:  .*\n)*", "", text)  # a copy's moves would repeat the original's
        new.write_text(re.sub(r"(?m)^(updated|draft|related): .*\n", "", text), encoding="utf-8")
        return [new]
    elif edit == "move":
        if "direction: worsening" in text or "direction: improving" in text:
            flipped = text.replace("direction: worsening", "direction: @").replace("direction: improving", "direction: worsening")
            target.write_text(flipped.replace("direction: @", "direction: improving"), encoding="utf-8")
        elif "\nmoves:\n" in text:
            target.write_text(re.sub(r"reason: .*", f"reason: Step {step} gives another reason.", text, count=1), encoding="utf-8")
        else:
            day = re.search(r"(?m)^date: (.*)$", text)[1]
            move = f"moves:\n  - track: security\n    direction: worsening\n    as_of: {day}\n    reason: Step {step}.\n    source: 1\n"
            target.write_text(text.replace("\n---\n", f"\n{move}---\n", 1), encoding="utf-8")
    elif edit == "reaction":
        if "stance: critical" in text or "stance: mixed" in text:
            target.write_text(text.replace("stance: critical", "stance: @").replace("stance: mixed", "stance: critical").replace("stance: @", "stance: mixed"), encoding="utf-8")
        else:
            target.write_text(re.sub(r"paraphrase: .*", f"paraphrase: Step {step} paraphrase.", text, count=1) if "paraphrase:" in text else text + "\n", encoding="utf-8")
    elif edit == "tracks":
        tracks = root / "content/tracks.yaml"
        tracks.write_text(tracks.read_text(encoding="utf-8").replace("label: Signed", f"label: Signed {step}"), encoding="utf-8")
        return [tracks]
    elif edit == "delete":
        # A brief another one names as related cannot go (the build rightly refuses that).
        named = {other for path in files for other in re.findall(r"(?m)^related: \[(.*)\]$", path.read_text(encoding="utf-8"))}
        if len(files) > 3 and not any(target.stem in ids.split(", ") for ids in named):
            target.unlink()
    elif edit == "vocabulary":
        vocabulary = root / "content/vocabulary.yaml"
        vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("label: Summit", f"label: Summit {step}"), encoding="utf-8")
        return [vocabulary]
    elif edit == "page":
        # A standalone page's text, summary or title in turn: the menu and footer of every
        # page show its title, the home page its summary, its own page all of it.
        page = root / "content/pages/about.md"
        part = ("Scope text", "summary: What", "title: About")[step % 3]
        page.write_text(page.read_text(encoding="utf-8").replace(part, f"{part} {step}", 1), encoding="utf-8")
        return [page]
    elif edit == "template":
        template = root / "templates/brief.html"
        template.write_text(template.read_text(encoding="utf-8").replace("</article>", f"<!-- step {step} --></article>", 1), encoding="utf-8")
        return [template]
    return [target]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_save_gives_what_a_fresh_build_gives(tmp_path: Path, seed: int, monkeypatch):
    project = write_fixture(tmp_path / "project")
    options = BuildOptions.for_root(project.root, base_url=BASE)
    site = live.LiveSite(options, Store.memory())
    site.rebuild(None)
    rng = random.Random(seed)
    full_loads = []
    load_content = live.load_content
    monkeypatch.setattr(live, "load_content", lambda *a, **k: full_loads.append(1) or load_content(*a, **k))
    for step in range(12):
        edit = rng.choice(EDITS)
        if edit == "broken then fixed":
            target = rng.choice(brief_files(project.root))
            good = target.read_text(encoding="utf-8")
            target.write_text(good.replace("type: ", "type: nonsense-", 1), encoding="utf-8")
            with pytest.raises(BuildFailed):
                site.rebuild((str(target.resolve()),))
            target.write_text(good, encoding="utf-8")
            changed = [target]
        else:
            changed = apply(edit, project.root, rng, step)
        before = len(full_loads)
        site.rebuild(tuple(str(path.resolve()) for path in changed))
        if edit in ("body", "title", "correction", "draft", "tags", "related", "places", "move", "reaction"):
            assert len(full_loads) == before, f"{edit}: a save of one brief read all of content/"
        assert_equals_a_fresh_build(site, project.root, tmp_path / f"fresh-{seed}-{step}")


def test_a_brief_save_reads_only_that_brief(tmp_path: Path, monkeypatch):
    project = write_fixture(tmp_path / "project")
    site = live.LiveSite(BuildOptions.for_root(project.root, base_url=BASE), Store.memory())
    site.rebuild(None)
    first = site.current
    read: list[str] = []
    import briefing.content.loader as loader

    read_text = loader.read_text
    monkeypatch.setattr(loader, "read_text", lambda path, *a, **k: read.append(str(path)) or read_text(path, *a, **k))
    target = project.root / "content/briefs/2023/2023-12-13-handover.md"
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    second = site.rebuild((str(target.resolve()),))
    assert read == [str(target)]
    # Brief pages that show nothing of it are the very objects planned before.
    kept = [path for path, item in second.files.items() if path.startswith("briefs/") and item is first.files.get(path)]
    assert "briefs/2021-01-11-moscow-meeting/index.html" in kept
    assert "briefs/2023-12-13-handover/index.html" not in kept


def _every_group(archive):
    return [archive.years, *archive.terms.values(), *archive.named.values()]


def test_a_save_of_a_brief_text_patches_the_archive_and_keeps_the_groups_without_it(tmp_path: Path):
    project = write_fixture(tmp_path / "project")
    site = live.LiveSite(BuildOptions.for_root(project.root, base_url=BASE), Store.memory())
    first = site.rebuild(None).archive
    for groups in _every_group(first):
        for group in groups:
            group.latest_changed(1), group.latest_changed(3)  # choices to carry over
    first.latest_changed(3)
    target = project.root / "content/briefs/2023/2023-12-13-handover.md"
    saved = target.read_text(encoding="utf-8")

    def save(text: str):
        target.write_text(text, encoding="utf-8")
        archive = site.rebuild((str(target.resolve()),)).archive
        fresh = load_content(project.root, project.root / "content", base_url=BASE)
        assert archive == assemble_archive(fresh)
        assert site._content.warnings == fresh.warnings  # the saved brief's among the others, in order
        for groups in _every_group(archive):
            for group in groups:  # a carried choice is the one made afresh
                assert [group.latest_changed(n) for n in (1, 3)] == [latest_changed(group.briefs, n) for n in (1, 3)]
        assert archive.latest_changed(3) == latest_changed(archive.briefs, 3)
        return archive

    second = save(saved + "\nOne more line.\n")
    for kind, old_groups, new_groups in zip(["years", *first.terms, *first.named], _every_group(first), _every_group(second)):
        for old, new in zip(old_groups, new_groups):
            holds = any(b.id == "2023-12-13-handover" for b in old.briefs)
            assert (new is not old) == holds, (kind, old.key)
    # A correction changes the brief's last change, and so its place among the latest changes.
    save(saved.replace("\n---\n", "\ncorrections:\n  - date: 2025-03-01\n    note: A figure was corrected.\n---\n", 1))
    # A new type or tag moves the brief to other groups: the archive is assembled afresh.
    save(saved.replace("type: prisoner-release", "type: summit", 1))
    save(saved.replace("[prisoners]", "[prisoners, cop29]", 1))


TRANSLATED = "content/briefs/2023/2023-12-07-joint-statement.md"
TRANSLATION_EDITS = {
    # name: (file, text, replacement); '' for text appends the replacement
    "translated body": ("content/briefs/2023/2023-12-07-joint-statement.ru.md", "Пленные.", "Пленные и ещё одна фраза."),
    "translated title": ("content/briefs/2023/2023-12-07-joint-statement.hy.md", "title: ", "title: Նոր "),
    "original of a translation": (TRANSLATED, "Intro paragraph.", "Intro paragraph, changed."),
    "whitespace in the original": (TRANSLATED, "Intro paragraph, changed.", "Intro\n  paragraph,   changed."),
    "correction in the original": (
        TRANSLATED, "    note: The number of released servicemen was corrected from 23 to 32.\n",
        "    note: The number of released servicemen was corrected from 23 to 32.\n  - date: 2024-02-02\n    note: Another fix.\n",
    ),
    "translated page": ("content/pages/about.ru.md", "Текст об охвате.", "Новый текст об охвате."),
    "new translation": ("content/briefs/2020/2020-11-10-ceasefire.ru.md", None, None),
    "translation removed": ("content/briefs/2023/2023-12-07-joint-statement.hy.md", None, None),
    "ui string": ("templates/i18n/ru.yaml", "nav_home: Главная", "nav_home: На главную"),
}


def test_every_translation_save_gives_what_a_fresh_build_gives(tmp_path: Path):
    project = write_multilingual(tmp_path / "project")
    site = live.LiveSite(BuildOptions.for_root(project.root, base_url=BASE), Store.memory())
    site.rebuild(None)
    assert site.current is not None and "ru/briefs/2023-12-07-joint-statement/index.html" in site.current.files
    for step, (name, (relative, old, new)) in enumerate(TRANSLATION_EDITS.items()):
        target = project.root / relative
        if name == "new translation":
            ru = (project.root / "content/briefs/2023/2023-12-07-joint-statement.ru.md").read_text(encoding="utf-8")
            digest = site.current.archive.by_id["2020-11-10-ceasefire"].text_digest
            target.write_text(re.sub(r"original_digest: \w+", f"original_digest: {digest}", ru).replace("corrections:\n  - date: 2024-01-05\n    note: Число освобождённых военнослужащих исправлено с 23 на 32.\n", ""), encoding="utf-8")
        elif name == "translation removed":
            target.unlink()
        else:
            text = target.read_text(encoding="utf-8")
            assert old in text, name
            target.write_text(text.replace(old, new, 1), encoding="utf-8")
        site.rebuild((str(target.resolve()),))
        assert_equals_a_fresh_build(site, project.root, tmp_path / f"fresh-{step}")
    files = site.current.files
    assert "hy/briefs/2023-12-07-joint-statement/index.html" not in files
    assert "ru/briefs/2020-11-10-ceasefire/index.html" in files
def test_saves_of_moves_reactions_and_tracks_give_what_a_fresh_build_gives(tmp_path: Path, monkeypatch):
    """Each kind of tracks edit, in turn: moves and reactions take the short way (the rules
    across briefs run there too), tracks.yaml reads content/ again."""
    project = write_fixture(tmp_path / "project")
    site = live.LiveSite(BuildOptions.for_root(project.root, base_url=BASE), Store.memory())
    site.rebuild(None)
    full_loads = []
    load_content = live.load_content
    monkeypatch.setattr(live, "load_content", lambda *a, **k: full_loads.append(1) or load_content(*a, **k))
    rng = random.Random(7)
    for step, edit in enumerate(["move", "reaction", "move", "tracks", "reaction", "move", "move"]):
        changed = apply(edit, project.root, rng, step)
        before = len(full_loads)
        site.rebuild(tuple(str(path.resolve()) for path in changed))
        assert (len(full_loads) > before) == (edit == "tracks"), edit
        assert_equals_a_fresh_build(site, project.root, tmp_path / f"fresh-{step}")


def test_a_save_that_breaks_a_rule_across_briefs_is_refused_by_the_short_way(tmp_path: Path):
    """reload_briefs runs the rules across briefs as load_content does: a move to the level
    its track already has is an error naming the brief, and the last good site stays."""
    project = write_fixture(tmp_path / "project")
    site = live.LiveSite(BuildOptions.for_root(project.root, base_url=BASE), Store.memory())
    good = site.rebuild(None)
    target = project.root / "content/briefs/2024/2024-11-11-tricky-talks.md"
    target.write_text(target.read_text(encoding="utf-8").replace("to: signed", "to: agreed"), encoding="utf-8")
    line = target.read_text(encoding="utf-8").split("\n").index("    to: agreed") + 1
    with pytest.raises(BuildFailed) as failure:
        site.rebuild((str(target.resolve()),))
    assert [p.format() for p in failure.value.problems] == [
        f"content/briefs/2024/2024-11-11-tricky-talks.md:{line}: moves[1].to: track 'treaty' is already at 'agreed' "
        "since 2023-12-07 (content/briefs/2023/2023-12-07-joint-statement.md); a move must change it"
    ]
    assert site.current is good

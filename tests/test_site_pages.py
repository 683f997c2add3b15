"""Every page kind renders for the bundled content and for a small fixture, with the
structure readers and assistive technology rely on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.build import BuildOptions, check_site
from briefing.site.plan import PAGER_REACH, Pagination
from briefing.output.render import TemplateRenderer, load_strings
from sitecheck import parse_page
from site_fixture import PAGE_SIZE, TRICKY_TITLE, write_fixture

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    """(output folder, archive) of the fixture project."""
    project = write_fixture(tmp_path_factory.mktemp("pages") / "fixture")
    project.build()
    return project.out, check_site(project.options())


@pytest.fixture(scope="module")
def bundled(bundled_site):
    return bundled_site, check_site(BuildOptions.for_root(REPO))


def read(site: Path, relative: str) -> str:
    return (site / relative).read_text(encoding="utf-8")


def expected_files(archive) -> list[str]:
    """Every file a reader can reach, derived from the archive (not from the output)."""
    files = ["index.html", "404.html", ".nojekyll", "static/favicon.svg", "static/style.css", "static/print.css",
             "timeline/index.html", "years/index.html"]
    files += [f"years/{g.key}/index.html" for g in archive.years]
    for kind, groups in archive.terms.items():
        files.append(f"{kind}/index.html")
        files += [f"{kind}/{g.key}/index.html" for g in groups]
    files += [f"briefs/{b.id}/index.html" for b in archive.briefs]
    files += [f"{p.id}/index.html" for p in archive.pages]
    if archive.tracks:
        files += ["tracks/index.html", "reactions/index.html", "static/tracks.css"]
        files += [f"tracks/{h.track.id}/{name}" for h in archive.tracks.histories for name in ("index.html", "feed.xml")]
        files += [f"data/{name}" for name in ("moves.json", "moves.csv", "reactions.json", "reactions.csv", "tracks.json")]
    return files


@pytest.mark.parametrize("which", ["bundled", "fixture"])
def test_every_page_kind_is_written(request, which):
    site, archive = request.getfixturevalue(which)
    missing = [f for f in expected_files(archive) if not (site / f).is_file()]
    assert missing == []
    assert len(archive.briefs) >= (26 if which == "bundled" else 5)


HEADING = re.compile(r"<h([1-6])\b")


@pytest.mark.parametrize("which", ["bundled", "fixture"])
def test_every_page_has_landmarks_one_h1_and_headings_in_order(request, which):
    site, archive = request.getfixturevalue(which)
    problems = []
    for path in sorted(site.rglob("*.html")):
        if "pagefind" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(site).as_posix()
        levels = [int(level) for level in HEADING.findall(text)]
        if levels.count(1) != 1 or levels[0] != 1:
            problems.append(f"{name}: needs exactly one h1, first")
        jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        if jumps:
            problems.append(f"{name}: heading levels skip {jumps}")
        top = name.split("/", 1)[0]
        language = top if top in {l.code for l in archive.config.languages} else archive.config.language
        main_nav = 'aria-label="Main"' if language == archive.config.language else '<nav class="site-nav" aria-label="'
        for needle in (f'<html lang="{language}">', '<a class="skip-link" href="#main">', '<main id="main"',
                       '<header class="site-header">', '<footer class="site-footer">', main_nav):
            if needle not in text:
                problems.append(f"{name}: missing {needle}")
        if "style=" in text.replace("stylesheet", ""):
            problems.append(f"{name}: inline style attribute (blocked by the CSP)")
    assert problems == []


@pytest.mark.parametrize("which", ["bundled", "fixture"])
def test_page_titles_are_unique(request, which):
    site, _ = request.getfixturevalue(which)
    titles: dict[str, str] = {}
    for path in sorted(site.rglob("*.html")):
        match = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S)
        assert match, path
        other = titles.setdefault(match.group(1), path.relative_to(site).as_posix())
        assert other == path.relative_to(site).as_posix(), f"{path} and {other} share the title {match.group(1)!r}"


@pytest.mark.parametrize("which", ["bundled", "fixture"])
def test_home_shows_counts_latest_and_a_timeline_mark_per_brief(request, which):
    site, archive = request.getfixturevalue(which)
    home = read(site, "index.html")
    for drawing in ("timeline-wide", "timeline-narrow"):  # style.css shows one of the two
        svg = re.findall(rf'<svg class="timeline-svg {drawing}".*?</svg>', home, re.S)[0]
        marks = re.findall(r'<a class="tl-mark [^"]*" href="([^"]+)"', svg)
        assert sorted(marks) == sorted(f"/briefs/{b.id}/" for b in archive.briefs)
    legend = re.findall(r'<ul class="legend".*?</ul>', home, re.S)[0]
    used_types = {b.type for b in archive.briefs}
    assert sorted(re.findall(r'href="/types/([^/]+)/"', legend)) == sorted(used_types)
    assert f"<dd><a href=\"/timeline/\">{len(archive.briefs)}</a></dd>" in home
    assert f"<dd><a href=\"/years/\">{len(archive.years)}</a></dd>" in home
    latest = re.findall(r'<h3 class="brief-item-title"><a href="/briefs/([^/]+)/">', home)
    assert latest == [b.id for b in archive.briefs[:5]]
    newest, oldest = archive.briefs[0], archive.briefs[-1]
    assert f"{newest.date.year}" in home and f"{oldest.date.day} " in home


def test_brief_page_shows_every_part_of_a_brief(fixture):
    site, archive = fixture
    brief = archive.by_id["2023-12-07-joint-statement"]
    html = read(site, "briefs/2023-12-07-joint-statement/index.html")
    assert '<article class="brief"' in html
    assert "<h1>Joint statement on prisoners and COP29</h1>" in html
    assert '<time datetime="2023-12-07">7 December 2023</time>' in html
    assert '<a class="type-link" href="/types/statement/">' in html
    assert '<a href="/actors/armenia/">Armenia</a>' in html and '<a href="/tags/cop29/">COP29</a>' in html
    assert brief.summary in html
    # Updated on, corrections, numbered sources with archived copy and note.
    assert "Updated on</dt>" in html and '<time datetime="2024-01-05">5 January 2024</time>' in html
    assert "corrected from 23 to 32" in html
    sources = re.findall(r'<li id="source-(\d+)">(.*?)</li>', html, re.S)
    assert [n for n, _ in sources] == ["1", "2"]
    assert 'href="https://web.archive.org/web/2023/https://news.az/news/moscow-hails"' in sources[0][1]
    assert "archived copy" in sources[0][1] and "Title reconstructed" in sources[0][1]
    assert "published <time" not in sources[1][1]  # the second source has no date
    # Table of contents: body sections, then corrections, moves, reactions and sources, each an anchor on the page.
    toc = re.findall(r'<nav class="toc".*?</nav>', html, re.S)[0]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert targets == [h.id for h in brief.body.headings if h.level <= 3] + ["corrections", "moves", "reactions", "sources"]
    assert set(targets) <= parse_page(html).ids
    # Permalink, neighbours in time, related (explicit first).
    assert 'href="https://example.org/briefs/2023-12-07-joint-statement/"' in html
    assert re.search(r'class="older" rel="prev" href="/briefs/2021-01-11-moscow-meeting/"', html)
    assert re.search(r'class="newer" rel="next" href="/briefs/2023-12-13-handover/"', html)
    related = re.findall(r'<section class="related".*?</section>', html, re.S)[0]
    assert re.findall(r'href="/briefs/([^/]+)/"', related)[0] == "2024-11-11-tricky-talks"


def test_brief_without_a_neighbour_or_toc_renders_cleanly(fixture):
    site, _ = fixture
    oldest = read(site, "briefs/2020-11-10-ceasefire/index.html")
    assert 'rel="prev"' not in oldest and 'rel="next" href="/briefs/2021-01-11-moscow-meeting/"' in oldest
    assert '<nav class="toc"' not in oldest  # one section is not worth a table of contents
    newest = read(site, "briefs/2024-11-11-tricky-talks/index.html")
    assert 'rel="next"' not in newest
    # A multi-day event reads as the language writes ranges, each end machine-readable.
    assert '<time datetime="2024-11-11">11</time>–<time datetime="2024-11-22">22 November 2024</time>' in newest


def test_titles_are_escaped_everywhere(fixture):
    site, _ = fixture
    escaped = "Talks on &#34;A &amp; B&#34; &lt;progress&gt; in Baku"
    for relative in ("index.html", "timeline/index.html", "briefs/2024-11-11-tricky-talks/index.html"):
        html = read(site, relative)
        assert "<progress>" not in html, relative
        assert escaped in html or escaped.replace("&#34;", "&quot;") in html, relative
    assert TRICKY_TITLE not in read(site, "index.html")


def test_drafts_stay_out(fixture):
    site, _ = fixture
    assert not (site / "briefs" / "2025-01-01-draft-only").exists()
    assert "draft-only" not in read(site, "index.html")


def test_lists_paginate_only_beyond_the_page_size_with_stable_urls(fixture):
    site, archive = fixture
    pages = -(-len(archive.briefs) // PAGE_SIZE)
    assert pages == 3
    for number in range(2, pages + 1):
        assert (site / f"timeline/page/{number}/index.html").is_file()
    assert not (site / f"timeline/page/{pages + 1}").exists()
    second = read(site, "timeline/page/2/index.html")
    assert '<a rel="prev" href="/timeline/">' in second and '<a rel="next" href="/timeline/page/3/">' in second
    assert '<a href="/timeline/page/2/" aria-label="Page 2" aria-current="page">2</a>' in second
    assert "<title>Timeline (page 2) · Test Archive</title>" in second
    assert "Page 2 of 3" in second
    # A list that fits one page has no pager and no page 2.
    year = next(g for g in archive.years if g.key == "2023")
    assert len(year.briefs) == PAGE_SIZE
    assert 'class="pager"' not in read(site, "years/2023/index.html")
    assert not (site / "years/2023/page").exists()
    # Each page lists its own slice, newest first.
    listed = re.findall(r'class="brief-item-title"><a href="/briefs/([^/]+)/"', second)
    assert listed == [b.id for b in archive.briefs[PAGE_SIZE : 2 * PAGE_SIZE]]


@pytest.mark.parametrize("which", ["bundled", "fixture"])
def test_counts_agree_across_pages(request, which):
    """Each count on the home page is the number of entries its page lists."""
    site, archive = request.getfixturevalue(which)
    home = read(site, "index.html")
    for kind in ("types", "actors", "tags"):
        listed = re.findall(r'<a class="term-name" href="/' + kind + r'/[^/]+/"', read(site, f"{kind}/index.html"))
        assert f'<dd><a href="/{kind}/">{len(listed)}</a></dd>' in home, kind
        assert len(listed) == len(archive.vocabulary.kind(kind))
    years = re.findall(r'<a class="term-name" href="/years/\d{4}/"', read(site, "years/index.html"))
    assert f'<dd><a href="/years/">{len(years)}</a></dd>' in home
    timeline = sum(len(re.findall(r'class="brief-item-title"', p.read_text())) for p in [site / "timeline/index.html", *(site / "timeline/page").glob("*/index.html")])
    assert timeline == len(archive.briefs) and f'<dd><a href="/timeline/">{timeline}</a></dd>' in home


def test_timeline_is_offered_oldest_first_with_the_same_pagination(fixture):
    site, archive = fixture
    oldest = list(reversed(archive.briefs))
    pages = -(-len(archive.briefs) // PAGE_SIZE)
    listed = []
    for number in range(1, pages + 1):
        path = "timeline/oldest/index.html" if number == 1 else f"timeline/oldest/page/{number}/index.html"
        html = read(site, path)
        listed += re.findall(r'class="brief-item-title"><a href="/briefs/([^/]+)/"', html)
        years = [int(y) for y in re.findall(r'<h2 id="year-(\d{4})">', html)]
        assert years == sorted(years)  # oldest year first on every page
        if number > 1:
            assert f'<a rel="prev" href="/timeline/oldest/{"" if number == 2 else f"page/{number - 1}/"}">' in html
            before, first = oldest[(number - 1) * PAGE_SIZE - 1], oldest[(number - 1) * PAGE_SIZE]
            assert ("(continued)" in html) == (before.year == first.year), number
    assert listed == [b.id for b in oldest]
    assert not (site / f"timeline/oldest/page/{pages + 1}").exists()
    # Each order links the other; the current one is marked.
    newest_page, oldest_page = read(site, "timeline/index.html"), read(site, "timeline/oldest/index.html")
    for html, current in ((newest_page, "/timeline/"), (oldest_page, "/timeline/oldest/")):
        order = re.findall(r'<nav class="timeline-order".*?</nav>', html, re.S)[0]
        assert re.findall(r'href="([^"]+)"', order) == ["/timeline/", "/timeline/oldest/"]
        assert f'<a href="{current}" aria-current="page">' in order
    assert "<title>Timeline, oldest first (page 2) · Test Archive</title>" in read(site, "timeline/oldest/page/2/index.html")
    assert "oldest first" in oldest_page and "newest first" in newest_page


def test_timeline_groups_by_year_and_marks_a_continued_year(fixture):
    site, archive = fixture
    first = read(site, "timeline/index.html")
    assert re.findall(r'<h2 id="year-(\d{4})">', first) == ["2024", "2023"]
    second = read(site, "timeline/page/2/index.html")
    # Page 2 starts with the second 2023 brief, so its heading says the year continues.
    assert re.search(r'<h2 id="year-2023"><a href="/years/2023/">2023</a> <span class="muted">\(continued\)</span>', second)


def test_browse_pages_show_descriptions_and_counts(fixture):
    site, archive = fixture
    index = read(site, "types/index.html")
    for group in archive.terms["types"]:
        assert f'href="/types/{group.key}/"' in index and group.description in index
    assert "2 milestones" in index and "1 milestone<" in index
    term = read(site, "tags/cop29/index.html")
    assert "The 2024 UN climate conference." in term and "2 milestones" in term
    assert '<a href="/tags/">Tags</a>' in term
    years = read(site, "years/index.html")
    assert re.findall(r'href="/years/(\d{4})/"', years) == [g.key for g in archive.years]
    year = read(site, "years/2023/index.html")
    assert 'rel="prev" href="/years/2021/"' in year and 'rel="next" href="/years/2024/"' in year


def test_standalone_page_and_404(fixture):
    site, _ = fixture
    about = read(site, "about/index.html")
    assert "<h1>About the fixture</h1>" in about and '<nav class="toc"' in about
    assert '<a href="/about/" aria-current="page">About</a>' in about  # header link to the first page
    assert '<a href="/about/">About</a>' in read(site, "index.html")
    missing = read(site, "404.html")
    assert "<h1>Page not found</h1>" in missing
    # The 404 page is served at any depth, so no link or asset may be page-relative.
    links = parse_page(missing).links
    assert '/static/style.css' in links
    assert links and all(link.startswith(("/", "#", "https://")) for link in links), links
    assert 'rel="canonical"' not in missing


def test_empty_archive_renders_without_a_timeline(project):
    project.build()
    home = (project.out / "index.html").read_text(encoding="utf-8")
    assert "timeline-svg" not in home and "No milestones yet." in home
    assert "No milestones yet." in (project.out / "timeline/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("count", range(1, 14))
def test_pager_links_the_ends_and_the_neighbourhood_of_every_page(count):
    urls = tuple(f"/timeline/page/{n}/" for n in range(1, count + 1))
    for number in range(1, count + 1):
        window = Pagination(number, count, (), urls).window
        shown = [link[0] for link in window if link]
        assert shown == sorted(set(shown)) and {1, count, number} <= set(shown)
        assert all(urls[n - 1] == url for n, url in filter(None, window))
        assert set(range(max(1, number - PAGER_REACH), min(count, number + PAGER_REACH) + 1)) <= set(shown)
        # A gap stands for two or more pages (a single skipped page is linked instead),
        # so the pager never grows with the number of pages.
        for before, gap, after in zip(window, window[1:], window[2:]):
            if gap is None:
                assert after[0] - before[0] > 2
        assert all(b[0] + 1 == a[0] for b, a in zip(window, window[1:]) if a and b)
        assert len(window) <= 2 * PAGER_REACH + 5


def test_pager_of_a_long_list_renders_gaps_without_links(tmp_path):
    strings = load_strings(REPO / "templates", REPO, "en")
    environment = TemplateRenderer(REPO / "templates", REPO, {"t": strings}).env  # the build's filters and settings
    urls = tuple(f"/timeline/page/{n}/" for n in range(1, 101))
    html = environment.from_string('{% from "_macros.html" import pager %}{{ pager(p) }}').render(p=Pagination(50, 100, (), urls))
    labels = re.findall(r'aria-label="Page (\d+)"', html)
    assert labels == ["1", "48", "49", "50", "51", "52", "100"]
    assert html.count('class="pager-gap" aria-hidden="true">…</li>') == 2
    assert '<a href="/timeline/page/50/" aria-label="Page 50" aria-current="page">50</a>' in html
    assert '<a rel="prev" href="/timeline/page/49/">' in html and '<a rel="next" href="/timeline/page/51/">' in html
    assert "Page 50 of 100" in html

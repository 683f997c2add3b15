"""Places and people on the built site: a page per entry listing the milestones that name
it, index pages, feeds, the brief page's facts and search data, the register in the data
download, and one display rule for contested places everywhere."""

from __future__ import annotations

import json
import re

import feedparser
import pytest
from lxml import html

from briefing.content.loader import load_content
from briefing.site.archive import assemble_archive
from conftest import REPO


@pytest.fixture(scope="module")
def archive():
    return assemble_archive(load_content(REPO, REPO / "content"))


def page(site, path: str):
    return html.fromstring((site / path).read_bytes())


def naming(archive, kind: str, entry_id: str) -> list[str]:
    """Ids of the briefs that name an entry, newest first."""
    return [b.id for b in archive.briefs if entry_id in (b.places if kind == "places" else b.people)]


def test_every_place_and_person_has_a_page_listing_exactly_the_briefs_that_name_it(bundled_site, archive):
    for kind in ("places", "people"):
        for entry in archive.names.kind(kind):
            tree = page(bundled_site, f"{kind}/{entry.id}/index.html")
            listed = [href.split("/")[-2] for href in tree.xpath("//main//ol[@class='brief-list']//h3/a/@href")]
            assert listed == naming(archive, kind, entry.id)[:20], (kind, entry.id)
            assert "".join(tree.xpath("//main/h1//text()")) == entry.label
    # An entry no brief names still has its page, which says so.
    empty = page(bundled_site, "places/khankendi-stepanakert/index.html")
    assert "No milestone in the archive names it yet." in empty.text_content()


def test_index_pages_list_every_entry_with_its_count(bundled_site, archive):
    for kind in ("places", "people"):
        tree = page(bundled_site, f"{kind}/index.html")
        names = ["".join(a.xpath(".//text()")) for a in tree.xpath("//ul[@class='term-index']//a[@class='term-name']")]
        assert names == [entry.label for entry in archive.names.kind(kind)]
        counts = tree.xpath("//ul[@class='term-index']//span[@class='count']/text()")
        expected = [len(naming(archive, kind, e.id)) for e in archive.names.kind(kind)]
        assert counts == [f"{n} milestone" + ("" if n == 1 else "s") for n in expected]
    # Reachable from the home page.
    assert {"/places/", "/people/"} <= set(page(bundled_site, "index.html").xpath("//a/@href"))


def test_a_contested_place_shows_both_names_in_order_each_form_marked_with_its_language(bundled_site):
    tree = page(bundled_site, "places/shusha-shushi/index.html")
    assert [(s.get("lang"), s.text) for s in tree.xpath("//main/h1/span")] == [("en", "Shusha"), ("en", "Shushi")]
    headings = [h.text_content() for h in tree.xpath("//section[@class='names']/h3")]
    assert headings == ["Shusha, the Azerbaijani name", "Shushi, the Armenian name"]
    forms = {(s.get("lang"), s.text) for s in tree.xpath("//dl[@class='name-forms']//span")}
    assert {("hy", "Շուշի"), ("hy", "Շուշա"), ("az", "Şuşa"), ("ru", "Шуша"), ("en", "Shusha")} <= forms
    # An uncontested place by its official name, its forms marked the same way.
    baku = page(bundled_site, "places/baku/index.html")
    assert baku.xpath("string(//main/h1)") == "Baku"
    assert ("az", "Bakı") in {(s.get("lang"), s.text) for s in baku.xpath("//dl[@class='name-forms']//span")}


def test_a_contested_place_is_never_written_in_the_other_order(bundled_site, archive):
    """The one mechanical order, on every page, feed and data file the build writes."""
    reversed_labels = ["/".join(n.display for n in reversed(e.names)) for e in archive.names.places if e.contested]
    assert reversed_labels == ["Lachin/Berdzor", "Karvachar/Kalbajar", "Stepanakert/Khankendi", "Shushi/Shusha"]
    written = [p for p in bundled_site.rglob("*") if p.suffix in (".html", ".xml", ".json", ".csv") and "pagefind" not in p.parts]
    for path in written:
        text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))  # 'A</span>/<span>B' reads 'A/B'
        for label in reversed_labels:
            assert label not in text, (path, label)


def test_the_brief_page_names_its_places_and_people_for_readers_and_for_search(bundled_site, archive):
    brief = archive.by_id["2026-01-14-azerbaijan-frees-four-armenian-prisoners"]
    tree = page(bundled_site, f"briefs/{brief.id}/index.html")
    facts = {dt.text: dd for dt, dd in zip(tree.xpath("//dl[@class='facts']//dt"), tree.xpath("//dl[@class='facts']//dd"))}
    places = facts["Places"]
    assert places.xpath(".//a/@href") == [f"/places/{p}/" for p in brief.places]
    assert places.xpath(".//li/@data-pagefind-filter") == [f"place:{p}" for p in brief.places]
    assert "".join(places.xpath(".//li[2]//text()")) == "Shusha/Shushi"
    assert facts["People"].xpath(".//li/@data-pagefind-filter") == [f"person:{p}" for p in brief.people]
    # Every spelling of every place and person is search metadata: "id: spelling · spelling ; id: …".
    for kind, dd in (("places", places), ("people", facts["People"])):
        field, _, value = dd.get("data-pagefind-meta").partition(":")
        assert field == kind
        groups = dict(part.split(": ", 1) for part in value.split(" ; "))
        ids = brief.places if kind == "places" else brief.people
        assert list(groups) == list(ids)
        for entry_id in ids:
            assert groups[entry_id].split(" · ") == list(archive.names.get(kind, entry_id).spellings)


def test_each_place_and_person_has_a_feed_of_its_briefs_advertised_on_its_page(bundled_site, archive):
    feed = feedparser.parse((bundled_site / "people/nikol-pashinyan/feed.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.title == f"{archive.config.title}: Nikol Pashinyan"
    assert [e.link.rstrip("/").rsplit("/", 1)[-1] for e in feed.entries] == naming(archive, "people", "nikol-pashinyan")[: archive.config.feed_size]
    shusha = feedparser.parse((bundled_site / "places/shusha-shushi/feed.xml").read_bytes())
    assert shusha.feed.title.endswith(": Shusha/Shushi") and len(shusha.entries) == 1
    tree = page(bundled_site, "places/shusha-shushi/index.html")
    url = "https://armenia-azerbaijan-normalization.example.org/places/shusha-shushi/feed.xml"
    assert url.replace("https://armenia-azerbaijan-normalization.example.org", "") in tree.xpath("//footer//a/@href")
    assert tree.xpath("//head/link[@rel='alternate' and @type='application/atom+xml']/@href")[-1].endswith("/places/shusha-shushi/feed.xml")


def test_the_sitemap_lists_every_place_and_person_page(bundled_site, archive):
    sitemap = (bundled_site / "sitemap.xml").read_text(encoding="utf-8")
    for kind in ("places", "people"):
        assert f"/{kind}/</loc>" in sitemap
        for entry in archive.names.kind(kind):
            assert f"/{kind}/{entry.id}/</loc>" in sitemap


def test_the_data_download_has_each_briefs_places_and_people_and_the_register(bundled_site, archive):
    data = json.loads((bundled_site / "data/briefs.json").read_text(encoding="utf-8"))
    records = {r["id"]: r for r in data["briefs"]}
    for brief in archive.briefs:
        assert records[brief.id]["places"] == list(brief.places) and records[brief.id]["people"] == list(brief.people)
    shusha = next(p for p in data["names"]["places"] if p["id"] == "shusha-shushi")
    assert shusha["label"] == "Shusha/Shushi" and shusha["contested"] is True
    assert [n["used_by"] for n in shusha["names"]] == ["azerbaijani", "armenian"]
    assert shusha["names"][0]["forms"]["az"] == ["Şuşa"]
    header = (bundled_site / "data/briefs.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[header.index("tags") + 1: header.index("tags") + 3] == ["places", "people"]


def test_the_search_suggestions_file_lists_every_name_with_its_spellings(bundled_site, archive):
    entries = json.loads((bundled_site / "search/names.json").read_text(encoding="utf-8"))
    assert len(entries) == len(archive.names.places) + len(archive.names.people)
    stepanakert = next(e for e in entries if e["label"] == "Khankendi/Stepanakert")
    assert stepanakert["count"] == 0 and stepanakert["url"] == "/places/khankendi-stepanakert/"
    assert {"Stepanakert", "Xankəndi", "Ханкенди", "Ստեփանակերտ"} <= set(stepanakert["spellings"])


def test_a_project_without_a_names_register_has_no_places_or_people_pages_or_links(tmp_path):
    from briefing.build import BuildOptions, build_site
    from site_fixture import write_fixture

    project = write_fixture(tmp_path / "project")
    for brief in (project.root / "content/briefs").rglob("*.md"):
        text = brief.read_text(encoding="utf-8")
        brief.write_text(re.sub(r"(?m)^(places|people): .*\n", "", text), encoding="utf-8")
    (project.root / "content/names.yaml").unlink()
    build_site(BuildOptions.for_root(project.root, search="skip"))
    site = project.root / "site"
    assert not (site / "places").exists() and not (site / "people").exists()
    for path in ("index.html", "search/index.html"):
        hrefs = page(site, path).xpath("//a/@href")
        assert not [h for h in hrefs if "/places/" in h or "/people/" in h], path
    assert json.loads((site / "search/names.json").read_text(encoding="utf-8")) == []

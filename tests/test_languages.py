"""The archive in several languages: the English addresses stay, every page lists its versions
(reciprocally, and only versions that exist), translations know from content when the
English has changed, feeds and the sitemap per language, and every bad input reported."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest

from briefing.build import BuildOptions, build_site
from briefing.cli import main
from briefing.content.schema import BRIEF_FIELDS, TRANSLATION_FIELDS, FieldSpec
from briefing.content.translations import parse_translation, text_digest
from briefing.errors import BuildFailed
from briefing.model import Limits
from briefing.site.dates import plural_category
from conftest import REPO, build_repository
from site_fixture import write_multilingual

XHTML = "{http://www.w3.org/1999/xhtml}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def pages(site: Path) -> dict[str, Path]:
    """Every HTML page by its root-relative address ('/', '/hy/briefs/x/')."""
    found = {}
    for path in site.rglob("*.html"):
        relative = path.relative_to(site).as_posix()
        if relative.startswith("pagefind/") or relative == "404.html":
            continue
        found["/" + relative.removesuffix("index.html")] = path
    return found


def html(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def versions(tree: lxml.html.HtmlElement) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href") for link in tree.xpath("//head/link[@rel='alternate'][@hreflang]")}


@pytest.fixture(scope="module")
def monolingual(tmp_path_factory) -> Path:
    """The bundled archive built without its translations (site.yaml's languages removed)."""
    root = tmp_path_factory.mktemp("mono") / "project"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copytree(REPO / "templates", root / "templates")
    site = root / "content" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").split("\nlanguages:\n")[0] + "\n", encoding="utf-8")
    for path in (root / "content").rglob("*.*.md"):
        path.unlink()
    build_site(BuildOptions.for_root(root, use_cache=False, search="skip"))
    return root / "site"


def test_the_english_addresses_are_unchanged(bundled_site, monolingual):
    before = {path.relative_to(monolingual).as_posix() for path in monolingual.rglob("*") if path.is_file()}
    after = {path.relative_to(bundled_site).as_posix() for path in bundled_site.rglob("*") if path.is_file() and "pagefind" not in path.parts}
    assert before <= after  # every permalink, feed and download is still where it was
    english = {path for path in after - before if path.split("/", 1)[0] not in ("hy", "az", "ru")}
    assert english == {"translations/index.html"}  # the one new English page
    # English pages keep their text: only the language menu, alternates and footer link are new.
    old = html(monolingual / "briefs/2023-12-07-first-bilateral-joint-statement/index.html")
    new = html(bundled_site / "briefs/2023-12-07-first-bilateral-joint-statement/index.html")
    assert old.xpath("string(//main)") == new.xpath("string(//main)")


def test_every_page_lists_its_versions_reciprocally_and_only_existing_ones(bundled_site):
    found = pages(bundled_site)
    base = "https://example.org"
    assert len([url for url in found if url.startswith(("/hy/", "/az/", "/ru/"))]) > 100
    for url, path in found.items():
        tree = html(path)
        listed = versions(tree)
        language = tree.get("lang")
        assert listed.get(language) == base + url, url  # itself, in its own language
        assert "x-default" in listed and listed["x-default"] == listed["en"], url
        for code, href in listed.items():
            target = href.removeprefix(base)
            assert target in found, (url, code, href)  # only versions that exist
            assert versions(html(found[target])) == listed, (url, target)  # the same set from each
        menu = tree.xpath("//nav[contains(@class, 'language-menu')]//a/@href")
        assert sorted(menu) == sorted(href.removeprefix(base) for code, href in listed.items() if code not in (language, "x-default"))
    # An untranslated brief exists in English only; a translated one in all four languages.
    assert set(versions(html(found["/briefs/2020-11-10-trilateral-ceasefire-statement/"]))) == {"en", "x-default"}
    assert set(versions(html(found["/briefs/2023-12-07-first-bilateral-joint-statement/"]))) == {"en", "hy", "az", "ru", "x-default"}


def test_lists_in_a_language_mark_english_only_briefs(bundled_site):
    tree = html(bundled_site / "ru/timeline/index.html")
    items = tree.xpath("//ol[@class='brief-list']/li")
    assert len(items) == 20
    for item in items:
        link = item.xpath(".//h2/a | .//h3/a")[0]
        if link.get("href").startswith("/ru/briefs/"):
            assert link.get("lang") is None and not item.xpath(".//*[@class='only-original']")
        else:
            assert link.get("href").startswith("/briefs/") and link.get("lang") == "en" and link.get("hreflang") == "en"
            assert item.xpath("string(.//*[@class='only-original'])") == "Только на английском"
            assert item.xpath(".//p[@class='brief-item-summary']/@lang") == ["en"]
    assert {a.get("href") for a in tree.xpath("//ol[@class='brief-list']//h2/a | //ol[@class='brief-list']//h3/a")} >= {"/ru/briefs/2025-08-08-washington-summit-joint-declaration/"}


EDITION_PAGES = ("tracks/", "tracks/border/", "tracks/mediation-formats/", "reactions/", "places/", "places/shusha-shushi/", "people/", "people/nikol-pashinyan/")


def test_tracks_reactions_places_and_people_pages_exist_in_every_language(bundled_site):
    found = pages(bundled_site)
    for code in ("hy", "az", "ru"):
        for address in EDITION_PAGES:
            tree = html(found[f"/{code}/{address}"])
            assert tree.get("lang") == code, address
            origin = "https://example.org"
            assert versions(tree) == {
                "en": f"{origin}/{address}", "x-default": f"{origin}/{address}",
                "hy": f"{origin}/hy/{address}", "az": f"{origin}/az/{address}", "ru": f"{origin}/ru/{address}",
            }, address
    tree = html(found["/ru/tracks/"])
    assert tree.xpath("string(//h1)") == "Положение дел"  # the UI in the page's language


def _text_outside_english(tree: lxml.html.HtmlElement, texts: set[str]) -> list[str]:
    """Texts of `texts` found in the page's body with no lang="en" on them or around them."""
    unmarked = []
    for element in tree.xpath("//body//*[not(ancestor-or-self::*[local-name()='svg'])]"):
        for text in (element.text, *(child.tail for child in element)):
            if text and text.strip() in texts and not element.xpath("ancestor-or-self::*[@lang][1][@lang='en']"):
                unmarked.append(text.strip())
    return unmarked


def test_english_only_track_texts_are_marked_english_on_other_languages_pages(bundled_site):
    from briefing.content.tracks import load_tracks

    tracks, problems = load_tracks(REPO, REPO / "content")
    assert not problems
    english = {s.label for s in tracks.stances} | {s.definition for s in tracks.stances}
    for track in tracks.tracks:
        english |= {track.label, track.definition}
        english |= {item.label for item in (*track.levels, *track.lanes, *track.states)}
        english |= {item.definition for item in (*track.levels, *track.lanes, *track.states)}
    for address in ("tracks/", "tracks/border/", "tracks/mediation-formats/", "tracks/security/", "reactions/", "methodology/"):
        tree = html(bundled_site / "ru" / address / "index.html")
        seen = [text for element in tree.xpath("//body//*[@lang='en']") for text in [element.text_content().strip()] if text in english]
        assert seen, address  # the page shows them...
        assert _text_outside_english(tree, english) == [], address  # ...and every one is marked
    # The charts' row labels (levels, lanes, tracks) too.
    for address in ("tracks/", "tracks/border/"):
        labels = html(bundled_site / "ru" / address / "index.html").xpath("//*[local-name()='text'][contains(@class, 'tr-label')]")
        assert labels and {label.get("lang") for label in labels} == {"en"}, address
    # On an English page nothing needs marking.
    assert not html(bundled_site / "tracks/border/index.html").xpath("//main//*[@lang='en']")


def test_places_and_people_are_written_in_the_pages_language_where_the_register_has_it(bundled_site):
    def heading(path: str) -> list[tuple[str | None, str]]:
        tree = html(bundled_site / path / "index.html")
        spans = tree.xpath("//h1/span")
        return [(span.get("lang"), span.text) for span in spans] or [(None, tree.xpath("string(//h1)"))]

    # A contested place: both names, in the one order of their English forms, each marked.
    assert heading("places/berdzor-lachin") == [("en", "Berdzor"), ("en", "Lachin")]
    assert heading("hy/places/berdzor-lachin") == [("hy", "Բերձոր"), ("hy", "Լաչին")]
    assert heading("ru/places/berdzor-lachin") == [("ru", "Бердзор"), ("ru", "Лачин")]
    # The register has no Azerbaijani form of Berdzor: both stay English, marked so.
    assert heading("az/places/berdzor-lachin") == [("en", "Berdzor"), ("en", "Lachin")]
    assert heading("ru/people/nikol-pashinyan") == [(None, "Никол Пашинян")]
    assert heading("az/people/nikol-pashinyan") == [(None, "Nikol Paşinyan")]
    # The register's note is English only.
    tree = html(bundled_site / "ru/places/berdzor-lachin/index.html")
    assert tree.xpath("//p[@class='lead']/@lang") == ["en"]
    # A translated brief names its places the same way, and its search filter too.
    brief = html(bundled_site / "hy/briefs/2023-12-07-first-bilateral-joint-statement/index.html")
    assert brief.xpath("//dl[@class='facts']//a[contains(@href, '/hy/places/')]")
    search = html(bundled_site / "hy/search/index.html")
    labels = {span.get("data-label"): span.get("lang") for span in search.xpath("//fieldset[@data-facet='place']//span[@data-label]")}
    assert "Berdzor/Lachin" not in labels and labels["Բերձոր/Լաչին"] is None  # in the page's language: no lang


def test_a_translated_page_says_how_it_was_made_in_its_language(bundled_site):
    tree = html(bundled_site / "hy/briefs/2023-12-07-first-bilateral-joint-statement/index.html")
    note = tree.xpath("string(//*[contains(@class, 'translation-note')])")
    assert "լեզվական մոդելի" in note and "մարդը չի ստուգել" in note  # machine-assisted, not reviewed
    assert tree.xpath("//*[contains(@class, 'translation-note')]//a/@href") == ["/briefs/2023-12-07-first-bilateral-joint-statement/"]
    assert "outdated" not in tree.xpath("string(//*[contains(@class, 'translation-note')]/@class)")
    # Dates in Armenian, from CLDR; the sources' English titles marked as English.
    assert "դեկտեմբերի" in tree.xpath("string(//dl[@class='facts'])")
    assert set(tree.xpath("//section[@class='sources']//a[@rel]/@lang")) == {"en"}
    for code, word in (("ru", "языковой модели"), ("az", "dil modelinin")):
        page = html(bundled_site / f"{code}/about/index.html")
        assert word in page.xpath("string(//*[contains(@class, 'translation-note')])")


def test_json_ld_and_meta_name_the_language_and_the_translation(bundled_site):
    tree = html(bundled_site / "ru/briefs/2023-12-07-first-bilateral-joint-statement/index.html")
    data = json.loads(tree.xpath("string(//script[@type='application/ld+json'])"))
    assert data["inLanguage"] == "ru"
    assert data["translationOfWork"]["@id"] == "https://example.org/briefs/2023-12-07-first-bilateral-joint-statement/"
    assert data["translationOfWork"]["inLanguage"] == "en"
    english = json.loads(html(bundled_site / "briefs/2023-12-07-first-bilateral-joint-statement/index.html").xpath("string(//script[@type='application/ld+json'])"))
    assert {item["inLanguage"] for item in english["workTranslation"]} == {"hy", "az", "ru"}
    assert tree.xpath("//meta[@name='citation_language']/@content") == ["ru"]


# --- staleness, from content --------------------------------------------------------------


def build(project, **options) -> None:
    build_site(project.options(search="skip", **options))


def note_of(project, relative: str) -> lxml.html.HtmlElement:
    return html(project.out / relative).xpath("//*[contains(@class, 'translation-note')]")[0]


def status(project) -> dict:
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["translations", "--root", str(project.root), "--format", "json"]) == 0
    found = {}
    for language in json.loads(out.getvalue())["languages"]:
        for row in language["translations"]:
            found[(language["language"], row["kind"], row["id"])] = row
    return found


def test_an_english_edit_makes_translations_outdated_and_whitespace_does_not(tmp_path):
    project = write_multilingual(tmp_path / "project")
    build(project)
    assert "outdated" not in note_of(project, "ru/briefs/2023-12-07-joint-statement/index.html").get("class")
    english = project.root / "content/briefs/2023/2023-12-07-joint-statement.md"
    text = english.read_text(encoding="utf-8")
    # Whitespace only: lines re-wrapped, spaces doubled, a blank line added.
    english.write_text(text.replace("Intro paragraph.", "Intro\n   paragraph.  ").replace("\n\n## What", "\n\n\n## What"), encoding="utf-8")
    build(project)
    assert "outdated" not in note_of(project, "ru/briefs/2023-12-07-joint-statement/index.html").get("class")
    assert status(project)[("ru", "brief", "2023-12-07-joint-statement")]["state"] == "current"
    # A real change to the body: every translation says, in its own language, that a newer English version exists.
    english.write_text(text.replace("Intro paragraph.", "Intro paragraph, revised."), encoding="utf-8")
    build(project)
    for code, words in (("ru", "более новая английская версия"), ("hy", "ավելի նոր անգլերեն տարբերակ")):
        note = note_of(project, f"{code}/briefs/2023-12-07-joint-statement/index.html")
        assert "outdated" in note.get("class") and words in note.text_content()
        assert note.xpath(".//a/@href") == ["/briefs/2023-12-07-joint-statement/"]
    row = status(project)[("ru", "brief", "2023-12-07-joint-statement")]
    assert row["state"] == "outdated" and row["recorded_digest"] != row["original_digest"]
    # Recording the new digest (what the command prints) brings it up to date.
    translation = project.root / "content/briefs/2023/2023-12-07-joint-statement.ru.md"
    translation.write_text(translation.read_text(encoding="utf-8").replace(row["recorded_digest"], row["original_digest"]), encoding="utf-8")
    build(project)
    assert "outdated" not in note_of(project, "ru/briefs/2023-12-07-joint-statement/index.html").get("class")
    # The translations page shows the same table.
    table = html(project.out / "translations/index.html")
    assert "outdated" in table.xpath("string(//section[h2[@lang='hy']]//tbody)") or "outdated" in table.xpath("string(//section[h2[@lang='hy']])")


def test_a_title_or_summary_edit_counts_too_and_the_digest_ignores_whitespace():
    assert text_digest("A  title", "A\nsummary", "Body\n\ntext") == text_digest("A title", "A summary", " Body text ")
    assert text_digest("A title", "A summary", "Body") != text_digest("A title.", "A summary", "Body")
    assert text_digest("A", "B", "C", ["note"]) != text_digest("A", "B", "C", ["note", "another"])


def test_a_new_english_correction_shows_in_the_translations(tmp_path):
    project = write_multilingual(tmp_path / "project")
    english = project.root / "content/briefs/2023/2023-12-07-joint-statement.md"
    english.write_text(english.read_text(encoding="utf-8").replace(
        "    note: The number of released servicemen was corrected from 23 to 32.\n",
        "    note: The number of released servicemen was corrected from 23 to 32.\n  - date: 2024-03-01\n    note: The date of the handover was corrected.\n",
    ), encoding="utf-8")
    build(project)
    page = html(project.out / "ru/briefs/2023-12-07-joint-statement/index.html")
    items = page.xpath("//section[@class='corrections']//li")
    assert len(items) == 2
    assert "Число освобождённых" in items[0].text_content() and items[0].get("class") is None  # translated
    pending = items[1]
    assert "correction-untranslated" in pending.get("class")
    assert pending.xpath("string(.//q[@lang='en'])") == "The date of the handover was corrected."
    assert "Ещё не переведено" in pending.text_content()
    armenian = html(project.out / "hy/briefs/2023-12-07-joint-statement/index.html")
    assert len(armenian.xpath("//section[@class='corrections']//q[@lang='en']")) == 2  # it translated neither
    found = status(project)
    assert found[("ru", "brief", "2023-12-07-joint-statement")]["state"] == "correction pending"
    assert found[("ru", "brief", "2023-12-07-joint-statement")]["pending_corrections"] == 1
    # The Russian feed shows the English correction as English too.
    feed = feedparser.parse((project.out / "ru/feed.xml").read_bytes())
    entry = next(e for e in feed.entries if e.link.endswith("/ru/briefs/2023-12-07-joint-statement/"))
    assert 'lang="en"' in entry.content[0].value and "The date of the handover was corrected." in entry.content[0].value


def test_feeds_per_language(tmp_path):
    project = write_multilingual(tmp_path / "project")
    build(project)
    english = feedparser.parse((project.out / "feed.xml").read_bytes())
    assert english.feed.language == "en" and len(english.entries) == 5
    for code, title in (("ru", "Совместное заявление о пленных и COP29"), ("hy", "Համատեղ հայտարարություն գերիների և COP29-ի մասին")):
        feed = feedparser.parse((project.out / f"{code}/feed.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.feed.language == code
        assert feed.feed.link == f"https://example.org/{code}/"
        assert [e.title for e in feed.entries] == [title]  # only what exists in the language
        assert feed.entries[0].link == f"https://example.org/{code}/briefs/2023-12-07-joint-statement/"
        data = json.loads((project.out / f"{code}/feed.json").read_text(encoding="utf-8"))
        assert data["language"] == code and [item["title"] for item in data["items"]] == [title]
        home = html(project.out / f"{code}/index.html")
        assert home.xpath("//head/link[@type='application/atom+xml']/@href") == [f"https://example.org/{code}/feed.xml"]


def test_the_sitemap_lists_every_version_of_every_page(bundled_site):
    tree = lxml.etree.parse(str(bundled_site / "sitemap.xml"))
    entries = {}
    for url in tree.getroot():
        links = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        entries[url.findtext(f"{SITEMAP}loc")] = links
    assert set(entries) == {"https://example.org" + url for url in pages(bundled_site)}
    for loc, links in entries.items():
        assert loc in links.values()
        for href in links.values():
            assert entries[href] == links  # reciprocal


def test_search_pages_per_language_search_only_their_language(bundled_site):
    hy = html(bundled_site / "hy/search/index.html")
    assert hy.get("lang") == "hy"
    assert hy.xpath("//a[@id='search-original']/@href") == ["/search/"]
    assert hy.xpath("//div[@id='search']/@data-searchable") == ["true"]
    assert "Տեսակ" in hy.xpath("string(//fieldset[@data-facet='type']/legend)")
    entry = json.loads((bundled_site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert {code: item["page_count"] for code, item in entry["languages"].items()} == {"en": 26, "hy": 3, "az": 3, "ru": 3}


def test_plural_forms_follow_cldr_in_each_language(bundled_site):
    assert [plural_category(n, "ru") for n in (1, 3, 5, 11, 21, 22, 25)] == ["one", "few", "many", "many", "one", "few", "many"]
    assert [plural_category(n, "hy") for n in (0, 1, 2)] == ["one", "one", "other"]
    tree = html(bundled_site / "ru/types/index.html")
    counts = tree.xpath("//ul[@class='term-index']//span[@class='count']/text()")
    for text in counts:
        n = int(text.split()[0])
        word = text.split()[1]
        assert word == {"one": "событие", "few": "события", "many": "событий"}[plural_category(n, "ru")], text


# --- bad input ------------------------------------------------------------------------------


def problems_of(project) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        build(project)
    return [problem.format() for problem in failure.value.problems]


def test_every_bad_translation_is_reported_in_one_run(tmp_path):
    project = write_multilingual(tmp_path / "project")
    good = (project.root / "content/briefs/2023/2023-12-07-joint-statement.ru.md").read_text(encoding="utf-8")
    project.write("content/briefs/2023/2023-12-07-joint-statement.fr.md", good)  # an undeclared language
    project.write("content/briefs/2023/2023-12-08-no-such-brief.ru.md", good)  # no original
    project.write("content/briefs/2021/2021-01-11-moscow-meeting.ru.md", good.replace("translation:\n", "date: 2021-01-11\ntype: summit\ntranslation:\n").replace("corrections:\n  - date: 2024-01-05\n    note: Число освобождённых военнослужащих исправлено с 23 на 32.\n", ""))  # facts repeated
    project.write("content/pages/about.hy.md", "---\ntitle: x\nsummary: y\ntranslation:\n  method: guessed\n  reviewed: false\n  translator: z\n  date: 2024-01-01\n---\nBody.\n")  # no digest, unknown method
    project.write("content/briefs/2023/2023-12-13-handover.ru.md", good.replace("2024-01-05", "2024-01-06"))  # no such correction
    found = problems_of(project)
    expected = [
        r"content/briefs/2023/2023-12-07-joint-statement\.fr\.md:1: file: unknown language 'fr' in the file name.*site\.yaml declares hy, ru",
        r"content/briefs/2023/2023-12-08-no-such-brief\.ru\.md:1: file: is a translation with no original: there is no content/briefs/2023/2023-12-08-no-such-brief\.md",
        r"content/briefs/2021/2021-01-11-moscow-meeting\.ru\.md:\d+: date: is a fact of the original brief",
        r"content/briefs/2021/2021-01-11-moscow-meeting\.ru\.md:\d+: type: is a fact of the original brief",
        r"content/pages/about\.hy\.md:\d+: translation\.original_digest: required field is missing",
        r"content/pages/about\.hy\.md:\d+: translation\.method: 'guessed' is not a method",
        r"content/briefs/2023/2023-12-13-handover\.ru\.md:\d+: corrections\[1\]\.date: the original has no correction dated 2024-01-06",
    ]
    for pattern in expected:
        assert any(re.match(pattern, line) for line in found), (pattern, found)


# Every brief field a translation does not translate is a fact of the original: the rule is
# derived from the brief schema, so a field a later issue adds is a fact without a change here.
FACT_FIELDS = sorted(spec.name for spec in BRIEF_FIELDS if spec.name not in {spec.name for spec in TRANSLATION_FIELDS})


def test_the_facts_are_every_brief_field_but_the_translated_text():
    # Those other issues added are among them (tracks' moves and reactions, the names register's ids).
    assert {"date", "type", "actors", "tags", "sources", "related", "moves", "reactions", "places", "people"} <= set(FACT_FIELDS)
    assert {"title", "summary", "corrections"}.isdisjoint(FACT_FIELDS)


@pytest.mark.parametrize("field", FACT_FIELDS)
def test_a_translation_repeating_any_fact_field_is_an_error_at_its_line(field):
    text = TRANSLATION_FRONT.replace("translation:\n", f"{field}: x\ntranslation:\n")
    name = "content/briefs/2023/2023-12-07-joint-statement.ru.md"
    translation, problems = parse_translation("brief", name, text, None, Limits(), {}, None)
    assert translation is None
    assert [p.format() for p in problems] == [
        f"{name}:4: {field}: is a fact of the original brief; a translation holds only title, summary, corrections, "
        "the body and `translation`, so it cannot drift from the facts"
    ]


def test_a_field_added_to_briefs_is_a_fact_of_translations_by_default(monkeypatch):
    import briefing.content.translations as translations

    monkeypatch.setattr(translations, "BRIEF_FIELDS", (*BRIEF_FIELDS, FieldSpec("casualties", "text", False, "A new fact.")))
    text = TRANSLATION_FRONT.replace("translation:\n", "casualties: none\ntranslation:\n")
    _, problems = parse_translation("brief", "content/briefs/2023/2023-12-07-x.ru.md", text, None, Limits(), {}, None)
    assert [(p.line, p.field) for p in problems] == [(4, "casualties")] and "is a fact of the original brief" in problems[0].message


def test_moves_reactions_places_and_people_in_a_translation_are_errors_in_one_run(tmp_path):
    project = write_multilingual(tmp_path / "project")
    path = project.root / "content/briefs/2023/2023-12-07-joint-statement.ru.md"
    repeated = (
        "places: [shusha-shushi]\npeople: [nikol-pashinyan]\n"
        "moves:\n  - track: treaty\n    to: agreed\n    as_of: 2023-12-07\n    reason: x\n    source: 1\n"
        "reactions:\n  - actor: russia\n    date: 2023-12-08\n    speaker: x\n    stance: welcomed\n    paraphrase: x\n    source: 1\n"
    )
    text = path.read_text(encoding="utf-8").replace("translation:\n", repeated + "translation:\n", 1)
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    found = problems_of(project)
    for field in ("places", "people", "moves", "reactions"):
        line = lines.index(next(l for l in lines if l.startswith(f"{field}:"))) + 1
        assert any(p.startswith(f"content/briefs/2023/2023-12-07-joint-statement.ru.md:{line}: {field}: is a fact of the original brief") for p in found), (field, found)


TRANSLATION_FRONT = """---
title: Заголовок
summary: Кратко.
translation:
  method: machine-assisted
  reviewed: false
  translator: A model
  date: 2024-01-01
  original_digest: 0123456789abcdef
---
Текст.
"""


def test_unknown_or_repeated_language_codes_in_site_yaml(tmp_path):
    project = write_multilingual(tmp_path / "project")
    site = project.root / "content/site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(text + "  - code: ru\n    title: x\n    description: y\n  - code: EN-x\n    title: x\n    description: y\n  - code: en\n    title: x\n    description: y\n", encoding="utf-8")
    found = problems_of(project)
    for pattern in (
        r"content/site\.yaml:\d+: languages\[3\]\.code: 'ru' is declared twice",
        r"content/site\.yaml:\d+: languages\[4\]\.code: 'EN-x' is not a lowercase language tag",
        r"content/site\.yaml:\d+: languages\[5\]\.code: 'en' is the original's language",
    ):
        assert any(re.match(pattern, line) for line in found), (pattern, found)
    # A well-formed tag CLDR does not know: no dates, plurals or names could be written in it.
    site.write_text(text + "  - code: qqq\n    title: x\n    description: y\n", encoding="utf-8")
    found = problems_of(project)
    assert any(re.match(r"content/site\.yaml:\d+: languages\.code: no date formats are known for the language 'qqq'", line) for line in found), found


def test_a_translation_with_a_malformed_digest_or_a_human_translation_not_reviewed(tmp_path):
    project = write_multilingual(tmp_path / "project")
    path = project.root / "content/pages/about.ru.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"original_digest: \w+", "original_digest: 12ab", text).replace("reviewed: true", "reviewed: false"), encoding="utf-8")
    found = problems_of(project)
    assert any("translation.original_digest: '12ab' is not a digest of 16 hexadecimal digits" in line for line in found), found
    assert any("translation.reviewed: a human translation is reviewed" in line for line in found), found


def test_ui_files_with_extra_keys_wrong_plurals_or_placeholders_are_errors(tmp_path):
    project = write_multilingual(tmp_path / "project")
    ru = project.root / "templates/i18n/ru.yaml"
    text = ru.read_text(encoding="utf-8")
    text = text.replace("  few: \"{n} события\"\n  many: \"{n} событий\"\n", "  many: \"{n} событий\"\n", 1)  # brief_count lacks 'few'
    text = text.replace('page_of: "Страница {n} из {count}"', 'page_of: "Страница {n} из {total}"')  # a placeholder English lacks
    text = text.replace("nav_home: Главная\n", "nav_home: Главная\nnav_hme: Опечатка\n")  # a key English lacks
    text = text.replace('  one: "Фильтрам соответствует {n} событие."', '  one: "Фильтрам соответствует одно событие."')  # 'one' is also 21, 31...
    ru.write_text(text, encoding="utf-8")
    found = problems_of(project)
    for pattern in (
        r"templates/i18n/ru\.yaml:\d+: brief_count: lacks the plural form 'few' \(ru writes counts as one, few, many, other\)",
        r"templates/i18n/ru\.yaml:\d+: page_of: uses \{total\}, which the original does not have",
        r"templates/i18n/ru\.yaml:\d+: page_of: leaves out \{count\}",
        r"templates/i18n/ru\.yaml:\d+: nav_hme: is not a UI string of templates/i18n/en\.yaml \(did you mean 'nav_home'\?\)",
        r"templates/i18n/ru\.yaml:\d+: search_filtered\.one: stands for several counts \(1, 21, 31, 41…\) so it must show \{n\}",
    ):
        assert any(re.match(pattern, line) for line in found), (pattern, found)


def test_a_ui_file_missing_strings_leaves_its_language_unpublished_never_broken(tmp_path, capsys):
    project = write_multilingual(tmp_path / "project")
    # A string added to English since the translations were made (as a new page kind would).
    english = project.root / "templates/i18n/en.yaml"
    english.write_text(english.read_text(encoding="utf-8") + "glossary_title: Glossary\n", encoding="utf-8")
    (project.root / "templates/i18n/hy.yaml").unlink()
    assert main(["build", "--root", str(project.root), "--no-search"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"templates/i18n/ru\.yaml:1: glossary_title: warning: is missing \(templates/i18n/en\.yaml:\d+ has it\), so the ru pages are not published", err), err
    assert "templates/i18n/hy.yaml:1: file: warning: is missing, so the hy pages are not published" in err
    assert not (project.out / "ru").exists() and not (project.out / "hy").exists()
    assert "hreflang=\"ru\"" not in (project.out / "briefs/2023-12-07-joint-statement/index.html").read_text(encoding="utf-8")
    # `translations` still lists the language, as not published.
    capsys.readouterr()
    assert main(["translations", "--root", str(project.root), "--language", "ru"]) == 0
    assert "not published" in capsys.readouterr().out


def test_translate_scaffolds_a_file_with_the_digest(tmp_path, capsys):
    project = write_multilingual(tmp_path / "project")
    assert main(["translate", "--root", str(project.root), "2023-12-13-handover", "ru", "--method", "machine-assisted", "--translator", "A model"]) == 0
    path = project.root / "content/briefs/2023/2023-12-13-handover.ru.md"
    text = path.read_text(encoding="utf-8")
    digest = status(project)[("ru", "brief", "2023-12-13-handover")]["original_digest"]
    assert f"original_digest: {digest}" in text and "method: machine-assisted" in text and "reviewed: false" in text
    build(project)
    assert (project.out / "ru/briefs/2023-12-13-handover/index.html").is_file()
    assert main(["translate", "--root", str(project.root), "2023-12-13-handover", "ru"]) == 2  # never overwrites


def test_check_takes_a_translation_file_alone(tmp_path, capsys):
    project = write_multilingual(tmp_path / "project")
    path = project.root / "content/pages/about.ru.md"
    assert main(["check", "--root", str(project.root), str(path)]) == 0
    path.write_text(path.read_text(encoding="utf-8").replace("title: О тестовом архиве\n", "order: 2\n"), encoding="utf-8")
    assert main(["check", "--root", str(project.root), str(path)]) == 1
    err = capsys.readouterr().err
    assert "content/pages/about.ru.md:2: order: is a fact of the original page" in err
    assert "content/pages/about.ru.md:1: title: required field is missing" in err
    orphan = project.write("content/pages/nothing.ru.md", path.read_text(encoding="utf-8").replace("order: 2\n", "title: x\n"))
    assert main(["check", "--root", str(project.root), str(orphan)]) == 1
    assert "is a translation with no original: there is no content/pages/nothing.md" in capsys.readouterr().err

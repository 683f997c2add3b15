"""Cite this brief: BibTeX and CSL-JSON parse, JSON-LD and citation/Open Graph meta are right and safe."""

from __future__ import annotations

import json

import bibtexparser
import lxml.html
import pytest
from playwright.sync_api import expect

from briefing.site.citations import bibtex_escape

HOSTILE_TITLE = "Talks </script><script>window.pwned=1</script><!-- 50% & {x}}, url = {https://evil.example/}"
CORRECTED = "corrections:\n  - date: 2024-03-05\n    note: Fixed the count.\n"


def _head(path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def _meta(tree, attribute: str, name: str) -> list[str]:
    return tree.xpath(f"//head/meta[@{attribute}='{name}']/@content")


def _json_ld(tree) -> list[dict]:
    return [json.loads(s.text) for s in tree.xpath("//script[@type='application/ld+json']")]


def _parse_bibtex(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len(library.entries) == 1
    return library.entries[0]


def test_bundled_brief_pages_carry_valid_json_ld_and_citations(bundled_site):
    pages = sorted((bundled_site / "briefs").glob("*/index.html"))
    assert len(pages) == 26
    for path in pages:
        brief_id = path.parent.name
        tree = _head(path)
        url = f"https://example.org/briefs/{brief_id}/"
        (ld,) = _json_ld(tree)
        assert ld["@context"] == "https://schema.org" and ld["@type"] in ("Article", "NewsArticle")
        assert ld["url"] == url and ld["mainEntityOfPage"] == url
        assert ld["headline"] and ld["author"]["name"] and ld["publisher"]["name"]
        assert ld["datePublished"] == brief_id[:10] == ld["about"]["startDate"]
        assert ld["dateModified"] >= ld["datePublished"]
        assert ld["citation"] and all(c["url"].startswith(("http://", "https://")) for c in ld["citation"])
        assert tree.xpath("//head/link[@rel='canonical']/@href") == [url] == _meta(tree, "property", "og:url")
        assert _meta(tree, "name", "citation_publication_date") == [brief_id[:10].replace("-", "/")]
        entry = _parse_bibtex(tree.xpath("string(//*[@id='cite-bibtex'])"))
        assert entry.key == brief_id and entry.entry_type == "misc"
        assert entry.fields_dict["url"].value == url
        (csl,) = json.loads(tree.xpath("string(//*[@id='cite-csl'])"))
        assert csl["URL"] == url and csl["issued"]["date-parts"][0] == [int(p) for p in brief_id[:10].split("-")]


def test_every_page_has_open_graph_and_twitter_meta(bundled_site):
    for relative in ("index.html", "timeline/index.html", "types/summit/index.html", "about/index.html", "data/index.html"):
        tree = _head(bundled_site / relative)
        assert _meta(tree, "property", "og:title") and _meta(tree, "property", "og:description")
        assert _meta(tree, "property", "og:type") == ["website"]
        assert _meta(tree, "property", "og:url") == tree.xpath("//head/link[@rel='canonical']/@href")
        assert _meta(tree, "name", "twitter:card") == ["summary"]
        assert _json_ld(tree) == []


def test_citation_forms_of_a_corrected_brief(project):
    project.brief(extra="tags: [prisoners]\n" + CORRECTED)
    project.build(base_url="https://example.org/archive/")
    tree = _head(project.out / "briefs/2023-12-07-joint-statement/index.html")
    url = "https://example.org/archive/briefs/2023-12-07-joint-statement/"
    assert _meta(tree, "name", "citation_title") == ["Joint statement on prisoners"]
    assert _meta(tree, "name", "citation_author") == ["Test authors"]
    assert _meta(tree, "name", "citation_publication_date") == ["2023/12/07"]
    assert _meta(tree, "name", "citation_online_date") == ["2024/03/05"]
    assert _meta(tree, "name", "citation_fulltext_html_url") == [url]
    assert _meta(tree, "name", "citation_keywords") == ["Prisoners"]
    assert _meta(tree, "property", "og:type") == ["article"]
    assert _meta(tree, "property", "article:modified_time") == ["2024-03-05"]
    plain = tree.xpath("string(//*[@id='cite-plain'])")
    assert plain == f"Test authors. “Joint statement on prisoners.” Test Archive, 7 December 2023; last updated 5 March 2024. {url}"
    entry = _parse_bibtex(tree.xpath("string(//*[@id='cite-bibtex'])"))
    fields = {f.key: f.value for f in entry.fields}
    assert fields == {
        "author": "{Test authors}", "title": "{Joint statement on prisoners}", "howpublished": "Test Archive",
        "year": "2023", "month": "12", "date": "2023-12-07", "url": url, "note": "Last updated 2024-03-05",
    }
    (csl,) = json.loads(tree.xpath("string(//*[@id='cite-csl'])"))
    assert csl["available-date"] == {"date-parts": [[2024, 3, 5]]} and csl["type"] == "webpage"
    (ld,) = _json_ld(tree)
    assert ld["dateModified"] == "2024-03-05" and ld["url"] == url
    assert ld["isPartOf"]["url"] == "https://example.org/archive/"


def test_a_hostile_title_cannot_break_out_of_json_ld_or_bibtex(project):
    yaml_title = "'" + HOSTILE_TITLE.replace("'", "''") + "'"
    project.brief(title=yaml_title)
    project.build()
    raw = (project.out / "briefs/2023-12-07-joint-statement/index.html").read_text(encoding="utf-8")
    block = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    tree = lxml.html.fromstring(raw)
    (ld,) = _json_ld(tree)
    assert ld["headline"] == HOSTILE_TITLE[:110] and ld["name"] == HOSTILE_TITLE
    assert tree.xpath("//script[not(@type)]/@src") == ["/static/cite.js"]
    entry = _parse_bibtex(tree.xpath("string(//*[@id='cite-bibtex'])"))
    fields = {f.key: f.value for f in entry.fields}
    assert set(fields) == {"author", "title", "howpublished", "year", "month", "date", "url"}
    assert fields["url"] == "https://example.org/briefs/2023-12-07-joint-statement/"
    assert fields["title"] == "{" + bibtex_escape(HOSTILE_TITLE) + "}"


@pytest.mark.parametrize("text, escaped", [("50% & $5", r"50\% \& \$5"), ("a_b #1", r"a\_b \#1"), ("{x}", r"\{x\}"), ("~^\\", r"\~{}\^{}\textbackslash{}")])
def test_bibtex_escape(text, escaped):
    assert bibtex_escape(text) == escaped


def test_hostile_json_ld_and_copy_button_in_chromium(project, serve_folder, browser):
    yaml_title = "'" + HOSTILE_TITLE.replace("'", "''") + "'"
    project.brief(title=yaml_title)
    project.build(base_url="http://127.0.0.1/archive/")
    base = serve_folder(project.out, "/archive/")
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(base + "briefs/2023-12-07-joint-statement/")
        # The browser's own HTML parser sees one JSON-LD block holding the whole title.
        blocks = page.eval_on_selector_all("script[type='application/ld+json']", "els => els.map(e => JSON.parse(e.textContent).name)")
        assert blocks == [HOSTILE_TITLE]
        assert page.evaluate("window.pwned") is None
        plain = page.locator("#cite-plain").inner_text()
        buttons = page.locator("#cite button.cite-copy")
        assert buttons.count() == 3
        buttons.first.click()
        # A locator assertion polls without eval(), which the page's CSP forbids.
        expect(buttons.first).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == plain
        assert errors == []
    finally:
        context.close()

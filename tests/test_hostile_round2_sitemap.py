"""A sitemap over the protocol's limits (50,000 addresses or 50 MB) is split into parts
listed by a sitemap index at sitemap.xml, which robots.txt names. The limits are constants
the tests lower; every part validates against the sitemaps.org XSD, the index against the
protocol's index format built on the same types."""

from __future__ import annotations

import pytest
import lxml.etree

import briefing.site.plan as plan
from briefing.site.urls import Urls
from test_sitemap import NS, XSD, _page_urls

# The npm package `sitemap` ships the sitemaps.org schema for <urlset> only; the index
# format (sitemaps.org/protocol.html#index) uses the same <loc> and <lastmod> types, so
# its schema is built here on that XSD's types.
INDEX_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema"
            targetNamespace="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" elementFormDefault="qualified">
  <xsd:include schemaLocation="{XSD.as_uri()}"/>
  <xsd:element name="sitemapindex">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="sitemap" maxOccurs="50000">
          <xsd:complexType>
            <xsd:sequence>
              <xsd:element name="loc" type="tLoc"/>
              <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
            </xsd:sequence>
          </xsd:complexType>
        </xsd:element>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""


@pytest.fixture(scope="module")
def schemas():
    if not XSD.is_file():
        pytest.fail(f"{XSD} is missing: run `make test` (it runs `npm ci` for the test-only npm packages)")
    parser = lxml.etree.XMLParser(no_network=True, resolve_entities=False)
    sitemap = lxml.etree.XMLSchema(lxml.etree.parse(str(XSD), parser))
    index = lxml.etree.XMLSchema(lxml.etree.fromstring(INDEX_XSD.encode(), parser))
    return sitemap, index


def validate(schema, path):
    document = lxml.etree.parse(str(path))
    assert schema.validate(document), schema.error_log
    return document


def small_archive(project, count: int = 6):
    for number in range(count):
        project.brief(f"2023-12-{number + 1:02d}-brief-{number}", title=f"Brief {number}", date=f"2023-12-{number + 1:02d}")


def split_site(project, schemas, base: str = "https://example.org/") -> tuple[list[str], list[lxml.etree._ElementTree]]:
    sitemap_schema, index_schema = schemas
    index = validate(index_schema, project.out / "sitemap.xml")
    locs = [loc.text for loc in index.getroot().iterfind("s:sitemap/s:loc", NS)]
    assert locs == [f"{base}sitemap-{n}.xml" for n in range(1, len(locs) + 1)] and len(locs) > 1
    parts = [validate(sitemap_schema, project.out / loc[len(base):]) for loc in locs]
    return locs, parts


def test_past_the_address_limit_the_sitemap_is_an_index_of_parts(project, schemas, monkeypatch):
    monkeypatch.setattr(plan, "SITEMAP_MAX_URLS", 4)
    small_archive(project)
    project.build()
    locs, parts = split_site(project, schemas)
    pages = [loc.text for part in parts for loc in part.getroot().iterfind("s:url/s:loc", NS)]
    assert all(len(part.getroot()) <= 4 for part in parts)
    assert sorted(pages) == sorted(_page_urls(project.out, "https://example.org/")) and len(pages) == len(set(pages))
    robots = (project.out / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/sitemap.xml" in robots.splitlines()
    # Each part's lastmod in the index is the latest of its pages.
    index = lxml.etree.parse(str(project.out / "sitemap.xml")).getroot()
    for entry, part in zip(index.iterfind("s:sitemap", NS), parts):
        dates = [d.text for d in part.getroot().iterfind("s:url/s:lastmod", NS)]
        assert entry.findtext("s:lastmod", namespaces=NS) == (max(dates) if dates else None)


def test_past_the_byte_limit_every_part_fits(project, schemas, monkeypatch):
    monkeypatch.setattr(plan, "SITEMAP_MAX_BYTES", 1500)
    small_archive(project)
    project.build(base_url="https://example.org/a-long-sub-path/for-the-archive/")
    locs, parts = split_site(project, schemas, "https://example.org/a-long-sub-path/for-the-archive/")
    for loc in locs:
        size = (project.out / loc.rsplit("/", 1)[1]).stat().st_size
        assert size <= 1500, (loc, size)
    pages = sorted(loc.text for part in parts for loc in part.getroot().iterfind("s:url/s:loc", NS))
    assert pages == sorted(_page_urls(project.out, "https://example.org/a-long-sub-path/for-the-archive/"))


def test_within_the_limits_there_is_one_sitemap(project, schemas):
    small_archive(project, 2)
    project.build()
    validate(schemas[0], project.out / "sitemap.xml")
    assert not list(project.out.glob("sitemap-*.xml"))


def test_the_split_is_deterministic_and_keeps_the_order():
    urls = Urls("https://example.org/")
    entries = tuple(plan.SitemapEntry(urls.brief(f"2023-01-01-b{n}"), None) for n in range(120_001))
    parts = plan.split_sitemap(urls, entries)
    assert [len(p) for p in parts] == [50_000, 50_000, 20_001]
    assert tuple(e for part in parts for e in part) == entries
    assert parts == plan.split_sitemap(urls, entries)


def test_the_index_schema_really_rejects_a_broken_index(schemas, tmp_path):
    good = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            "<sitemap><loc>https://example.org/sitemap-1.xml</loc><lastmod>2024-01-01</lastmod></sitemap></sitemapindex>")
    assert schemas[1].validate(lxml.etree.fromstring(good.encode()))
    for broken in (good.replace("2024-01-01", "yesterday"), good.replace("<loc>https://example.org/sitemap-1.xml</loc>", ""),
                   good.replace("sitemapindex", "urlset")):
        assert not schemas[1].validate(lxml.etree.fromstring(broken.encode())), broken

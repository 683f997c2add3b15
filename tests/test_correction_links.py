"""The reader who finds an error: "Suggest a correction" and "Edit this brief" on every
brief, the repository and its forms on the pages and in the footer, all made from
site.yaml's `repository` (and `contact`), and left out entirely when it names none."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from briefing.errors import BuildFailed
from site_fixture import REPOSITORY_SETTINGS, TRICKY_TITLE, write_fixture

REPOSITORY = "https://github.com/example-org/archive"
TRICKY_ID = "2024-11-11-tricky-talks"


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Path:
    """The fixture under a sub-path with an awkward character, with a repository and contact."""
    project = write_fixture(tmp_path_factory.mktemp("linked") / "fixture", "https://example.org/a&b%20archive/", REPOSITORY_SETTINGS)
    project.build()
    return project.out


def page(site: Path, relative: str):
    return lxml.html.fromstring((site / relative).read_bytes())


def test_suggest_a_correction_opens_the_correction_form_filled_in_with_the_brief(linked):
    raw = (linked / f"briefs/{TRICKY_ID}/index.html").read_text(encoding="utf-8")
    href = re.search(r'<a class="suggest-correction" href="([^"]+)"', raw).group(1)
    assert "&amp;" in href and "<" not in href and '"' not in html.unescape(href)  # escaped for HTML
    url = urlsplit(html.unescape(href))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{REPOSITORY}/issues/new"
    assert " " not in url.query and "&&" not in url.query  # every value percent-encoded
    fields = parse_qs(url.query, strict_parsing=True)
    assert fields == {
        "template": ["correction.yml"],
        "title": [f"Correction: {TRICKY_TITLE}"],
        "brief": [TRICKY_ID],
        "address": [f"https://example.org/a&b%20archive/briefs/{TRICKY_ID}/"],
    }
    # The form the link names exists and has those fields.
    form = (Path(__file__).resolve().parent.parent / ".github/ISSUE_TEMPLATE/correction.yml").read_text(encoding="utf-8")
    for field in ("brief", "address"):
        assert f"id: {field}\n" in form


def test_edit_this_brief_opens_its_source_file(linked):
    doc = page(linked, f"briefs/{TRICKY_ID}/index.html")
    edit = doc.xpath("//a[@class='edit-source']")
    assert [a.text_content() for a in edit] == ["Edit this brief"]
    assert edit[0].get("href") == f"{REPOSITORY}/edit/main/content/briefs/2024/{TRICKY_ID}.md"
    # Every brief has both links, each pointing at its own brief.
    for path in sorted(linked.glob("briefs/*/index.html")):
        brief_id = path.parent.name
        doc = lxml.html.fromstring(path.read_bytes())
        assert doc.xpath("//a[@class='edit-source']/@href") == [f"{REPOSITORY}/edit/main/content/briefs/{brief_id[:4]}/{brief_id}.md"]
        correction = doc.xpath("//a[@class='suggest-correction']/@href")
        assert len(correction) == 1 and parse_qs(urlsplit(correction[0]).query)["brief"] == [brief_id]


def test_pages_and_footer_link_the_repository_its_forms_and_the_contact(linked):
    about = page(linked, "about/index.html")
    links = dict(zip(about.xpath("//aside[@class='take-part']//a/text()"), about.xpath("//aside[@class='take-part']//a/@href")))
    assert links == {
        "Report an error in a brief": f"{REPOSITORY}/issues/new?template=correction.yml",
        "Propose a milestone": f"{REPOSITORY}/issues/new?template=milestone.yml",
        "The contributor guide": f"{REPOSITORY}/blob/main/CONTRIBUTING.md",
        "Code of conduct": f"{REPOSITORY}/blob/main/CODE_OF_CONDUCT.md",
        "The archive's repository": REPOSITORY,
        "Edit this page": f"{REPOSITORY}/edit/main/content/pages/about.md",
        "corrections@example.org": "mailto:corrections@example.org",
    }
    for relative in ("index.html", "timeline/index.html", "search/index.html", "404.html"):
        footer = page(linked, relative).xpath("//footer")[0]
        assert REPOSITORY in footer.xpath(".//a/@href"), relative
        assert f"{REPOSITORY}/blob/main/LICENSE-content.md" in footer.xpath(".//a/@href")
        assert f"{REPOSITORY}/blob/main/LICENSE" in footer.xpath(".//a/@href")


def test_a_branch_setting_changes_every_edit_link(tmp_path):
    project = write_fixture(tmp_path / "fixture", settings=f"repository: {REPOSITORY}/\nrepository_branch: release/2024\n")
    project.build()
    doc = page(project.out, "briefs/2020-11-10-ceasefire/index.html")
    assert doc.xpath("//a[@class='edit-source']/@href") == [f"{REPOSITORY}/edit/release/2024/content/briefs/2020/2020-11-10-ceasefire.md"]
    assert f"{REPOSITORY}/blob/release/2024/LICENSE" in doc.xpath("//footer//a/@href")


def test_with_a_contact_but_no_repository_the_correction_link_writes_an_email(tmp_path):
    project = write_fixture(tmp_path / "fixture", settings="contact: corrections@example.org\n")
    project.build()
    doc = page(project.out, f"briefs/{TRICKY_ID}/index.html")
    href = doc.xpath("//a[@class='suggest-correction']/@href")[0]
    assert href.startswith("mailto:corrections@example.org?")
    fields = parse_qs(urlsplit(href).query)
    assert fields["subject"] == [f"Correction: {TRICKY_TITLE}"]
    assert f"Brief: {TRICKY_ID}\r\nAddress: https://example.org/briefs/{TRICKY_ID}/\r\n" in fields["body"][0]
    assert doc.xpath("//a[@class='edit-source']") == []  # nothing to edit without a repository
    assert not any("github.com" in h for h in doc.xpath("//a/@href"))


REPOSITORY_MARKERS = ("/issues/new", "/edit/", "/blob/", "github.com", "mailto:")
REPOSITORY_TEXTS = ("Suggest a correction", "Edit this brief", "Edit this page", "Take part", "Source and history", "Spotted an error")


def test_without_a_repository_no_such_link_appears_anywhere(tmp_path):
    project = write_fixture(tmp_path / "fixture")
    project.build()
    files = [p for p in project.out.rglob("*") if p.suffix in (".html", ".xml", ".json") and "pagefind" not in p.parts]
    assert len(files) > 20
    found = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for marker in REPOSITORY_MARKERS + REPOSITORY_TEXTS:
            if marker in text:
                found.append(f"{path.relative_to(project.out)}: {marker}")
    assert found == []
    # The licences are still stated, unlinked.
    home = page(project.out, "index.html")
    assert home.xpath("string(//footer//p[@class='license'])") == (
        "The text and data of this archive are published under CC BY 4.0; the software that builds it, under the MIT licence."
    )


def test_the_markers_would_be_found_with_a_repository(linked):
    """Control: the scan above does see such links when they are there."""
    text = (linked / f"briefs/{TRICKY_ID}/index.html").read_text(encoding="utf-8")
    assert all(marker in text for marker in ("/issues/new", "/edit/", "github.com", "mailto:", "Suggest a correction"))


@pytest.mark.parametrize("setting, message", [
    ("repository: https://github.com/only-owner", "repository: 'https://github.com/only-owner' is not a repository's web address"),
    ("repository: http://github.com/o/r", "repository: 'http://github.com/o/r' is not a repository's web address"),
    ("repository: https://github.com/o/r.git", "repository: 'https://github.com/o/r.git' is not a repository's web address"),
    ("repository: https://github.com/o/r?tab=x", "is not a repository's web address"),
    ("repository: javascript:alert(1)", "repository: "),
    ("repository_branch: ../main", "repository_branch: '../main' is not a branch name"),
    ("repository_branch: -x", "repository_branch: '-x' is not a branch name"),
    ("contact: not an address", "contact: 'not an address' is not an e-mail address"),
    ("contact: a@b", "contact: 'a@b' is not an e-mail address"),
])
def test_bad_repository_settings_are_reported_with_their_line(project, setting, message):
    site = (project.root / "content/site.yaml").read_text(encoding="utf-8")
    project.write("content/site.yaml", site + setting + "\n")
    line = site.count("\n") + 1
    with pytest.raises(BuildFailed) as failure:
        project.build()
    problems = [f"{p.path}:{p.line}: {p.field}: {p.message}" for p in failure.value.problems]
    assert len(problems) == 1 and problems[0].startswith(f"content/site.yaml:{line}: ") and message in problems[0], problems

"""Licences stated once and everywhere: MIT for the code, CC BY 4.0 for the content, in the
same words in the footer, the Data page, CONTRIBUTING.md and LICENSE-content.md; a code of
conduct linked from CONTRIBUTING.md and the issue forms."""

from __future__ import annotations

import tomllib

import lxml.html
import yaml

from conftest import REPO

STATEMENT = "The text and data of this archive are published under CC BY 4.0; the software that builds it, under the MIT licence."


def read(relative: str) -> str:
    return (REPO / relative).read_text(encoding="utf-8")


def test_the_code_is_mit_licensed_as_pyproject_says():
    assert tomllib.loads(read("pyproject.toml"))["project"]["license"] == {"text": "MIT"}
    licence = read("LICENSE")
    assert licence.startswith("MIT License\n\nCopyright (c) ") and "The Normalization Archive contributors" in licence
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in licence


def test_the_content_licence_says_what_it_covers():
    assert yaml.safe_load(read("content/site.yaml"))["license"] == "CC BY 4.0"
    content = read("LICENSE-content.md")
    assert STATEMENT in content
    for covered in ("`content/`", "data/briefs.json", "feeds", "https://creativecommons.org/licenses/by/4.0/legalcode", "[`LICENSE`](LICENSE)"):
        assert covered in content


def test_the_same_words_in_contributing_footer_and_data_page(bundled_site):
    assert STATEMENT in read("CONTRIBUTING.md")
    assert "## Licence of your contribution" in read("CONTRIBUTING.md")
    for relative in ("index.html", "briefs/2023-12-07-first-bilateral-joint-statement/index.html", "data/index.html", "404.html"):
        page = lxml.html.fromstring((bundled_site / relative).read_bytes())
        assert page.xpath("string(//footer//p[@class='license'])") == STATEMENT, relative
    data = lxml.html.fromstring((bundled_site / "data/index.html").read_bytes())
    assert STATEMENT in data.xpath("string(//main)")


def test_a_code_of_conduct_is_linked_from_contributing_and_every_issue_form():
    conduct = read("CODE_OF_CONDUCT.md")
    assert conduct.startswith("# Code of conduct") and "## Reporting" in conduct
    assert "](CODE_OF_CONDUCT.md)" in read("CONTRIBUTING.md")
    for form in ("correction.yml", "milestone.yml"):
        text = read(f".github/ISSUE_TEMPLATE/{form}")
        assert "](../blob/main/CODE_OF_CONDUCT.md)" in text, form
        body = yaml.safe_load(text)["body"]
        agreed = [o for item in body if item["type"] == "checkboxes" for o in item["attributes"]["options"] if "code of conduct" in o["label"]]
        assert agreed and all(o["required"] for o in agreed), form

"""A small project that exercises every template branch: pagination, corrections, updates,
multi-day events, archived sources, explicit related briefs, a page with headings, a draft,
and a title full of characters that need escaping."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Project

PAGE_SIZE = 2
TRICKY_TITLE = 'Talks on "A & B" <progress> in Baku'


def _brief(title, date, type_, actors, tags="", extra="", body="", sources=None) -> str:
    sources = sources or (
        "  - publisher: News.Az\n"
        "    title: Moscow hails intention of Baku-Yerevan to normalize relations\n"
        "    url: https://news.az/news/moscow-hails\n"
        "    date: 2023-12-08\n"
    )
    lines = [
        "---",
        f"title: {json.dumps(title)}",
        f"date: {date}",
        f"type: {type_}",
        f"actors: {actors}",
        f"summary: {json.dumps('Summary of ' + title.lower() + '.')}",
        *( [f"tags: {tags}"] if tags else [] ),
        "sources:",
        sources.rstrip("\n"),
        *( [extra.rstrip("\n")] if extra else [] ),
        "---",
        body or f"What happened at {title.lower()}.\n",
    ]
    return "\n".join(lines)


BRIEFS = {
    "2020-11-10-ceasefire": _brief("Trilateral ceasefire statement", "2020-11-10", "statement", "[armenia, azerbaijan, russia]", "[prisoners]"),
    "2021-01-11-moscow-meeting": _brief("Moscow meeting of leaders", "2021-01-11", "summit", "[armenia, azerbaijan, russia]"),
    "2023-12-07-joint-statement": _brief(
        "Joint statement on prisoners and COP29", "2023-12-07", "statement", "[armenia, azerbaijan]", "[prisoners, cop29]",
        extra=(
            "related: [2024-11-11-tricky-talks]\n"
            "updated: 2024-01-05\n"
            "corrections:\n"
            "  - date: 2024-01-05\n"
            "    note: The number of released servicemen was corrected from 23 to 32.\n"
        ),
        body=(
            "Intro paragraph.\n\n## What was agreed\n\nPrisoners.\n\n### The COP29 bid\n\nCOP29.\n\n"
            "## Reactions\n\nWelcomes.[^1]\n\n## Disputed details\n\nDates.\n\n[^1]: A footnote.\n"
        ),
        sources=(
            "  - publisher: News.Az\n"
            "    title: Moscow hails intention of Baku-Yerevan to normalize relations\n"
            "    url: https://news.az/news/moscow-hails\n"
            "    date: 2023-12-08\n"
            "    archived: https://web.archive.org/web/2023/https://news.az/news/moscow-hails\n"
            "    note: Title reconstructed from the URL slug.\n"
            "  - publisher: Alpha News\n"
            "    title: Russia welcomes joint statement\n"
            "    url: https://alphanews.am/?p=50949\n"
        ),
    ),
    "2023-12-13-handover": _brief(
        "Prisoners handed over at the border", "2023-12-13", "prisoner-release", "[armenia, azerbaijan]", "[prisoners]",
        extra="places: [shusha-shushi]\npeople: [nikol-pashinyan]\n",
    ),
    "2024-11-11-tricky-talks": _brief(
        TRICKY_TITLE, "2024-11-11", "summit", "[azerbaijan, armenia]", "[cop29]", extra="end_date: 2024-11-22\nplaces: [baku]\n",
    ),
    "2025-01-01-draft-only": _brief("A draft that must stay out", "2025-01-01", "summit", "[armenia]", extra="draft: true\n"),
}

PAGE = """---
title: About the fixture
summary: What this fixture archive is for.
order: 1
---
## Scope

Scope text.

## Method

Method text.

## Contact

Write to us.
"""


# A names register: an uncontested place, a contested one and a person (briefs above name them).
NAMES = """\
places:
  - id: baku
    official: Baku
    forms: {en: [Baku], az: [Bakı], ru: [Баку]}
    variants: [Baki]
    note: Capital of Azerbaijan.
  - id: shusha-shushi
    contested: true
    names:
      - used_by: armenian
        forms: {en: [Shushi], hy: [Շուշի]}
      - used_by: azerbaijani
        forms: {en: [Shusha], az: [Şuşa]}
        variants: [Susa]
    note: A town with two names.
people:
  - id: nikol-pashinyan
    forms: {en: [Nikol Pashinyan], ru: [Никол Пашинян]}
    variants: [Pashinian]
    role: Prime Minister of Armenia
"""


# site.yaml lines that turn on the links for reporting errors and editing sources.
REPOSITORY_SETTINGS = "repository: https://github.com/example-org/archive\ncontact: corrections@example.org\n"


def write_fixture(root: Path, base_url: str = "https://example.org/", settings: str = "") -> Project:
    """Write the fixture project under `root` (which must not exist yet); `settings` are
    more site.yaml lines."""
    project = Project(root)
    site = (project.root / "content" / "site.yaml").read_text(encoding="utf-8")
    site = site.replace("page_size: 20", f"page_size: {PAGE_SIZE}").replace("base_url: https://example.org/", f"base_url: {base_url}")
    project.write("content/site.yaml", site + settings)
    for stem, text in BRIEFS.items():
        project.write(f"content/briefs/{stem[:4]}/{stem}.md", text)
    project.write("content/pages/about.md", PAGE)
    project.write("content/names.yaml", NAMES)
    return project


def build_fixture(root: Path, base_url: str = "https://example.org/", settings: str = "") -> Path:
    """Write and build the fixture project; return its output folder."""
    project = write_fixture(root, base_url, settings)
    project.build()
    return project.out

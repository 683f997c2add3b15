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
    "2023-12-13-handover": _brief("Prisoners handed over at the border", "2023-12-13", "prisoner-release", "[armenia, azerbaijan]", "[prisoners]"),
    "2024-11-11-tricky-talks": _brief(
        TRICKY_TITLE, "2024-11-11", "summit", "[azerbaijan, armenia]", "[cop29]", extra="end_date: 2024-11-22\n",
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
    return project


def build_fixture(root: Path, base_url: str = "https://example.org/", settings: str = "") -> Path:
    """Write and build the fixture project; return its output folder."""
    project = write_fixture(root, base_url, settings)
    project.build()
    return project.out


# Two translations of the fixture: Russian (a brief with its correction translated, and
# the About page) and Armenian (the same brief). Digests are filled in by write_multilingual.
LANGUAGES = """languages:
  - code: hy
    title: Փորձնական արխիվ
    description: Փոքր արխիվ՝ փորձարկումների համար։
  - code: ru
    title: Тестовый архив
    description: Маленький архив для тестов.
"""

RU_BRIEF = """---
title: Совместное заявление о пленных и COP29
summary: Краткое изложение совместного заявления.
corrections:
  - date: 2024-01-05
    note: Число освобождённых военнослужащих исправлено с 23 на 32.
translation:
  method: machine-assisted
  reviewed: false
  translator: Test model
  date: 2024-02-01
  original_digest: DIGEST
---
Вступительный абзац с «кавычками» и "прямыми кавычками".

## Что согласовано

Пленные.
"""

HY_BRIEF = """---
title: Համատեղ հայտարարություն գերիների և COP29-ի մասին
summary: Համատեղ հայտարարության ամփոփումը։
translation:
  method: human
  reviewed: true
  translator: Test translator
  date: 2024-02-01
  original_digest: DIGEST
---
Ներածական պարբերություն "չակերտներով"։ Սահմանազատման հանձնաժողովը հանդիպեց։
"""

RU_PAGE = """---
title: О тестовом архиве
summary: Для чего нужен этот архив.
translation:
  method: human
  reviewed: true
  translator: Test translator
  date: 2024-02-01
  original_digest: DIGEST
---
## Охват

Текст об охвате.
"""

TRANSLATIONS = {
    "content/briefs/2023/2023-12-07-joint-statement.ru.md": ("2023-12-07-joint-statement", RU_BRIEF),
    "content/briefs/2023/2023-12-07-joint-statement.hy.md": ("2023-12-07-joint-statement", HY_BRIEF),
    "content/pages/about.ru.md": ("about", RU_PAGE),
}


def original_digests(root: Path) -> dict[str, str]:
    """The digest of every brief's and page's text as it is now (what translations record)."""
    from briefing.content.loader import load_content

    content = load_content(root, root / "content")
    return {item.id: item.text_digest for item in (*content.briefs, *content.pages)}


def write_multilingual(root: Path, base_url: str = "https://example.org/") -> Project:
    """The fixture project translated into Armenian and Russian (up to date)."""
    project = write_fixture(root, base_url)
    site = project.root / "content" / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + LANGUAGES, encoding="utf-8")
    digests = original_digests(project.root)
    for path, (original, text) in TRANSLATIONS.items():
        project.write(path, text.replace("DIGEST", digests[original]))
    return project

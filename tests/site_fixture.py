"""A small project that exercises every template branch: pagination, corrections, updates,
multi-day events, archived sources, explicit related briefs, a page with headings, a draft,
a title full of characters that need escaping, and tracks (a ladder, lanes and arrows) with
moves and reactions.

The moves stay valid whichever one brief is deleted or made a draft (each ladder only goes
up, each lane starts afresh), so random edits of the fixture never break the rules across briefs."""

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


TRACKS = """\
stances:
  - id: welcomed
    label: Welcomed
    symbol: "++"
    definition: The actor welcomed the milestone without reservation.
  - id: mixed
    label: Mixed
    symbol: "+/-"
    definition: The actor welcomed the milestone with a reservation.
  - id: critical
    label: Critical
    symbol: "--"
    definition: The actor disapproved of the milestone.
tracks:
  - id: treaty
    label: Peace treaty
    definition: The bilateral peace treaty.
    kind: ladder
    levels:
      - id: none
        label: No mandate
        definition: No one has asked for a treaty.
      - id: mandated
        label: Mandated
        definition: Both leaders asked for a treaty.
      - id: agreed
        label: Text agreed
        definition: Both say the text is agreed.
      - id: signed
        label: Signed
        definition: Both have signed it.
  - id: formats
    label: Mediation formats
    definition: "Formats of talks, with or without a mediator."
    kind: lanes
    lanes:
      - id: trilateral
        label: Trilateral format
        definition: Talks hosted by a third state.
      - id: direct
        label: Direct format
        definition: Talks without a mediator.
    states:
      - id: established
        label: Established
        definition: The format has produced an outcome.
      - id: closed
        label: Closed
        definition: The format has been closed.
  - id: security
    label: Security situation
    definition: "Use of force: a move marks a milestone that made it better or worse."
    kind: arrows
"""

# A move of one track, for a brief's front matter.
def _move(track: str, as_of: str, target: str, reason: str, source: int = 1, note: str = "") -> str:
    lines = [f"  - track: {track}"]
    if "/" in target:
        lane, target = target.split("/")
        lines.append(f"    lane: {lane}")
    lines.append(f"    {'direction' if track == 'security' else 'to'}: {target}")
    lines += [f"    as_of: {as_of}", f"    reason: {json.dumps(reason)}", f"    source: {source}"]
    return "\n".join(lines + ([f"    note: {json.dumps(note)}"] if note else [])) + "\n"


TRICKY_NOTE = 'Disputed: one side said "A & B" <agreed>; the other did not.'
BRIEFS = {
    "2020-11-10-ceasefire": _brief(
        "Trilateral ceasefire statement", "2020-11-10", "statement", "[armenia, azerbaijan, russia]", "[prisoners]",
        extra="moves:\n" + _move("treaty", "2020-11-10", "mandated", "The leaders asked for a treaty.")
        + _move("formats", "2020-11-10", "trilateral/established", "The three leaders signed the statement.")
        + _move("security", "2020-11-10", "improving", "The fighting stopped.", note=TRICKY_NOTE),
    ),
    "2021-01-11-moscow-meeting": _brief("Moscow meeting of leaders", "2021-01-11", "summit", "[armenia, azerbaijan, russia]"),
    "2023-12-07-joint-statement": _brief(
        "Joint statement on prisoners and COP29", "2023-12-07", "statement", "[armenia, azerbaijan]", "[prisoners, cop29]",
        extra=(
            "related: [2024-11-11-tricky-talks]\n"
            "updated: 2024-01-05\n"
            "corrections:\n"
            "  - date: 2024-01-05\n"
            "    note: The number of released servicemen was corrected from 23 to 32.\n"
            "moves:\n"
            + _move("treaty", "2023-12-07", "agreed", "Both governments said the text was agreed.", source=2)
            + _move("formats", "2023-12-07", "direct/established", "The statement had no mediator.")
            + "reactions:\n"
            "  - actor: russia\n"
            "    date: 2023-12-08\n"
            "    speaker: A spokesperson of Russia's Foreign Ministry\n"
            "    stance: welcomed\n"
            "    paraphrase: Moscow welcomed the release of servicemen.\n"
            "    source: 1\n"
            '    quote: "We welcome the agreement."\n'
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
        extra="places: [shusha-shushi]\npeople: [nikol-pashinyan]\nmoves:\n" + _move("security", "2023-12-13", "worsening", "Shots were fired at the handover."),
    ),
    "2024-11-11-tricky-talks": _brief(
        TRICKY_TITLE, "2024-11-11", "summit", "[azerbaijan, armenia]", "[cop29]",
        extra=(
            "end_date: 2024-11-22\n"
            "places: [baku]\n"
            "moves:\n" + _move("treaty", "2024-11-12", "signed", 'The "A & B" text was signed.')
            + "reactions:\n"
            "  - actor: russia\n"
            "    date: 2024-11-12\n"
            "    speaker: <Spokesperson> & deputy\n"
            "    stance: critical\n"
            "    paraphrase: Moscow called parts of it wrong.\n"
            "    source: 1\n"
            "    note: Whether this was criticism or a reservation is disputed.\n"
        ),
    ),
    "2025-01-01-draft-only": _brief(
        "A draft that must stay out", "2025-01-01", "summit", "[armenia]",
        extra="draft: true\nmoves:\n" + _move("formats", "2025-01-01", "direct/closed", "The direct format was closed."),
    ),
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
    project.write("content/tracks.yaml", TRACKS)
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

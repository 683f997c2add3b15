"""Generate a deterministic project of N realistic briefs for benchmarks and measurements.

`python bench/generate.py OUT --count N [--seed S]` writes OUT/content/ (site.yaml,
vocabulary.yaml, pages/, briefs/YYYY/*.md) and a copy of templates/; the same arguments
always give byte-identical files. Every brief is valid against the schema and the vocabulary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
FIRST_YEAR = 2001
# The last event day: fixed (same arguments, same bytes) and early enough that no date a
# brief derives from it (sources up to 3 days later, updates up to 60) is after the day of
# a build, which the loader refuses.
LAST_DAY = dt.date(2026, 6, 30)

_WORDS = (
    "delegation ministers border commission statement agreement ceasefire talks summit corridor "
    "transit railway road checkpoint villages section map coordinates detainees release exchange "
    "treaty draft clause article mediation envoy parliament ratification observers mission report "
    "humanitarian convoy mines clearance survey displaced returns negotiation round proposal text "
    "principle sovereignty integrity recognition delimitation demarcation working group experts "
    "protocol annex signature communique capital spokesperson briefing reaction welcome concern "
    "progress timetable implementation schedule monitoring incident investigation restraint"
).split()
_ADJECTIVES = (
    "joint bilateral trilateral preliminary final technical formal informal regional provisional "
    "disputed agreed detailed brief lengthy public confidential historic cautious"
).split()
_VERBS = (
    "announced confirmed agreed discussed reviewed signed rejected welcomed proposed reported "
    "noted stressed described published outlined questioned postponed resumed"
).split()
_PLACES = "Brussels Moscow Washington Prague Sochi Geneva Vienna Tbilisi Istanbul Astana Almaty Granada Paris Berlin Ankara Tehran".split()
_PUBLISHERS = (
    "Ministry of Foreign Affairs", "Office of the President", "Office of the Prime Minister",
    "Wire Service", "Regional Herald", "Caucasus Monitor", "Evening Courier", "Policy Review",
)


def main(argv: list[str] | None = None) -> int:
    """Command line: write a generated project folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="project folder to create (replaced if it exists)")
    parser.add_argument("--count", "-n", type=int, default=1000, help="number of briefs (default 1000)")
    parser.add_argument("--seed", type=int, default=9, help="random seed (default 9)")
    parser.add_argument("--source", type=Path, default=REPO, help="project whose vocabulary, site.yaml, pages and templates are used")
    args = parser.parse_args(argv)
    generate_project(args.out, args.count, args.seed, args.source)
    print(f"wrote {args.count} briefs into {args.out}")
    return 0


def generate_project(out: Path, count: int, seed: int = 9, source: Path = REPO) -> Path:
    """Write a complete project (content/ + templates/) with `count` briefs into `out`."""
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    (content / "briefs").mkdir(parents=True)
    for name in ("site.yaml", "vocabulary.yaml"):
        shutil.copyfile(source / "content" / name, content / name)
    # One language: the generated briefs have no translations (a translation's pages are
    # measured by the tests of languages, not by the benchmark).
    site = content / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8").split("\nlanguages:\n", 1)[0] + "\n", encoding="utf-8")
    if (source / "content" / "pages").is_dir():
        shutil.copytree(source / "content" / "pages", content / "pages", ignore=shutil.ignore_patterns("*.*.md"))
    shutil.copytree(source / "templates", out / "templates")
    vocabulary = yaml.safe_load((content / "vocabulary.yaml").read_text(encoding="utf-8"))
    ids = {kind: [t["id"] for t in vocabulary[kind]] for kind in ("types", "actors", "tags")}
    for relative, text in generate_briefs(count, seed, ids):
        path = content / "briefs" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    return out


def generate_briefs(count: int, seed: int, ids: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(path under briefs/, file text) for `count` briefs, in a fixed order."""
    rng = random.Random(seed)
    span = (LAST_DAY - dt.date(FIRST_YEAR, 1, 1)).days + 1
    made: list[tuple[str, str]] = []
    seen: list[str] = []
    for index in range(count):
        date = dt.date(FIRST_YEAR, 1, 1) + dt.timedelta(days=rng.randrange(span))
        title = _title(rng)
        slug = "-".join(w.lower() for w in title.split()[:5] if w.isalpha())[:50].strip("-") or "brief"
        brief_id = f"{date.isoformat()}-{slug}-{index}"
        related = rng.sample(seen, k=min(len(seen), rng.choice((0, 0, 1, 2)))) if seen else []
        made.append((f"{date.year}/{brief_id}.md", _brief_text(rng, title, date, ids, related)))
        seen.append(brief_id)
    return made


def _title(rng: random.Random) -> str:
    return f"{rng.choice(_ADJECTIVES).capitalize()} {rng.choice(_WORDS)} {rng.choice(_VERBS)} in {rng.choice(_PLACES)} on {rng.choice(_WORDS)} {rng.choice(_WORDS)}"


def _sentence(rng: random.Random, low: int = 8, high: int = 22, markup: bool = True) -> str:
    words = []
    for _ in range(rng.randint(low, high)):
        roll = rng.random()
        words.append(rng.choice(_ADJECTIVES if roll < 0.2 else _VERBS if roll < 0.35 else _WORDS))
    if markup and rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), f"*{rng.choice(_WORDS)}*")
    if markup and rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), f"**{rng.choice(_PLACES)}**")
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _words(text: str) -> int:
    return len(text.split())


def _body(rng: random.Random, sources: list[dict]) -> str:
    target = rng.randint(300, 620)
    blocks: list[str] = [_paragraph(rng, rng.randint(3, 5))]
    notes: list[str] = []
    while sum(_words(b) for b in blocks) < target:
        roll = rng.random()
        if roll < 0.15 and not blocks[-1].startswith("#"):
            blocks.append(f"## {rng.choice(_ADJECTIVES).capitalize()} {rng.choice(_WORDS)} {rng.choice(_WORDS)}")
        elif roll < 0.28:
            blocks.append("\n".join(f"- **{rng.choice(_WORDS).capitalize()}:** {_sentence(rng, 5, 12)}" for _ in range(rng.randint(2, 4))))
        elif roll < 0.33:
            blocks.append("\n".join(f"{i}. {_sentence(rng, 5, 10)}" for i in range(1, rng.randint(3, 5))))
        elif roll < 0.40:
            blocks.append(f"> {_sentence(rng, 10, 25)}\n> {_sentence(rng, 6, 14)}")
        elif roll < 0.50:
            source = rng.choice(sources)
            number = len(notes) + 1
            notes.append(f"[^{number}]: {_sentence(rng, 6, 12)}")
            blocks.append(
                f"{_sentence(rng)} As [{source['publisher']} reported]({source['url']}), "
                f"{_sentence(rng).lower()}[^{number}] {_sentence(rng)}"
            )
        else:
            blocks.append(_paragraph(rng, rng.randint(2, 4)))
    return "\n\n".join(blocks + notes) + "\n"


def _brief_text(rng: random.Random, title: str, date: dt.date, ids: dict[str, list[str]], related: list[str]) -> str:
    parties = ["armenia", "azerbaijan"] if {"armenia", "azerbaijan"} <= set(ids["actors"]) else ids["actors"][:1]
    others = [a for a in ids["actors"] if a not in parties]
    actors = parties[: rng.randint(1, len(parties))] + rng.sample(others, k=rng.randint(0, min(3, len(others))))
    tags = rng.sample(ids["tags"], k=rng.randint(0, min(4, len(ids["tags"]))))
    sources = []
    for n in range(rng.randint(1, 3)):
        publisher = rng.choice(_PUBLISHERS)
        slug = "-".join(rng.choice(_WORDS) for _ in range(4))
        source = {"publisher": publisher, "title": _sentence(rng, 5, 10, markup=False)[:-1], "url": f"https://news.example.org/{date.year}/{slug}-{n}"}
        if rng.random() < 0.7:
            source["date"] = (date + dt.timedelta(days=rng.randint(0, 3))).isoformat()
        if rng.random() < 0.2:
            source["archived"] = f"https://archive.example.org/{date.isoformat()}/{slug}"
        sources.append(source)
    lines = [
        "---",
        f"title: {json.dumps(title)}",
        f"date: {date.isoformat()}",
        f"type: {rng.choice(ids['types'])}",
        f"actors: [{', '.join(actors)}]",
        f"summary: {json.dumps(_sentence(rng, 15, 34, markup=False)[:390])}",
    ]
    if tags:
        lines.append(f"tags: [{', '.join(tags)}]")
    if related:
        lines.append(f"related: [{', '.join(related)}]")
    if rng.random() < 0.1:
        lines.append(f"updated: {(date + dt.timedelta(days=rng.randint(1, 60))).isoformat()}")
    lines.append("sources:")
    for source in sources:
        first = True
        for key, value in source.items():
            lines.append(f"  {'- ' if first else '  '}{key}: {json.dumps(value) if key != 'date' else value}")
            first = False
    lines.append("---")
    return "\n".join(lines) + "\n" + _body(rng, sources)


if __name__ == "__main__":
    sys.exit(main())

"""Related briefs: explicit first, then by shared tags, type and actors, deterministic and fast."""

from __future__ import annotations

import datetime as dt
import random
import time

from briefing.site.archive import RELATED_LIMIT, choose_related, index_related, newest_first
from briefing.model import Brief, RenderedMarkdown, Source

BODY = RenderedMarkdown("<p>x</p>", (), "x", 1)


def brief(stem, type_="statement", actors=("armenia", "azerbaijan"), tags=(), related=()):
    return Brief(stem, "p", stem, dt.date.fromisoformat(stem[:10]), type_, tuple(actors), "s",
                 (Source("p", "t", "https://e.org/"),), BODY, tags=tuple(tags), related=tuple(related))


def related_of(target, briefs):
    briefs = newest_first(briefs)
    return [b.id for b in choose_related(target, index_related(briefs), {b.id: b for b in briefs})]


def test_explicit_related_come_first_then_the_best_scored():
    target = brief("2023-12-07-target", tags=("prisoners", "cop29"), related=("2020-01-01-explicit",))
    others = [
        brief("2020-01-01-explicit", type_="summit", tags=()),  # shares nothing but is named
        brief("2023-12-13-two-tags", type_="summit", tags=("prisoners", "cop29")),  # 6 + 2 actors
        brief("2023-12-01-same-type", tags=()),  # 2 + 2 actors
        brief("2023-11-01-one-tag", type_="summit", actors=("russia",), tags=("cop29",)),  # 3
        brief("2023-12-08-actors-only", type_="summit", actors=("armenia",)),  # 1: below the bar
    ]
    assert related_of(target, [target, *others]) == [
        "2020-01-01-explicit", "2023-12-13-two-tags", "2023-12-01-same-type", "2023-11-01-one-tag",
    ]


def test_ties_go_to_the_closest_in_time_then_the_smaller_id():
    target = brief("2023-06-15-target", tags=("prisoners",))
    others = [brief(stem, tags=("prisoners",)) for stem in
              ("2023-06-01-far", "2023-06-20-near-b", "2023-06-10-near-a", "2020-01-01-old", "2023-06-25-mid", "2023-06-14-b", "2023-06-16-a")]
    chosen = related_of(target, [target, *others])
    assert chosen == ["2023-06-14-b", "2023-06-16-a", "2023-06-10-near-a", "2023-06-20-near-b", "2023-06-25-mid"]
    assert len(chosen) == RELATED_LIMIT


def test_choosing_related_for_ten_thousand_briefs_takes_well_under_seconds():
    rng = random.Random(7)
    tags = [f"tag{i}" for i in range(40)]
    actors = [f"actor{i}" for i in range(20)]
    briefs = []
    for i in range(10_000):
        day = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        briefs.append(brief(f"{day}-b{i}", type_=f"type{rng.randrange(12)}",
                            actors=("armenia", "azerbaijan", *rng.sample(actors, 2)), tags=rng.sample(tags, 3)))
    briefs = newest_first(briefs)
    started = time.perf_counter()
    index = index_related(briefs)
    by_id = {b.id: b for b in briefs}
    chosen = {b.id: choose_related(b, index, by_id) for b in briefs}
    elapsed = time.perf_counter() - started
    assert all(len(c) == RELATED_LIMIT for c in chosen.values())
    # The all-pairs version took minutes at this size; this bound catches a return to it.
    assert elapsed < 6.0, f"{elapsed:.2f} s"


class DictMemo(dict):
    def key(self, kind, *inputs):
        from briefing.hashing import digest

        return digest(kind, *inputs)

    def get(self, key, counted=False):
        return super().get(key)

    def put(self, key, value):
        self[key] = value


def test_a_memo_reuses_the_choice_until_a_date_tag_type_or_actor_changes(monkeypatch):
    import dataclasses

    import briefing.site.archive as archive_module
    from briefing.content.loader import Content, load_settings
    from conftest import REPO

    rng = random.Random(3)
    tags = ("prisoners", "cop29", "border", "transit")
    briefs = [brief(f"2023-{m:02d}-{d:02d}-b{m}{d}", tags=rng.sample(tags, 2)) for m in range(1, 13) for d in (3, 17)]
    config, vocabulary = load_settings(REPO, REPO / "content")
    content = Content(config, vocabulary, tuple(briefs), ())
    memo = DictMemo()
    first = archive_module.assemble_archive(content, memo)
    assert len(memo) == 1

    def refuse(*args):
        raise AssertionError("chosen again")

    with monkeypatch.context() as patch:
        patch.setattr(archive_module, "choose_related", refuse)
        # Another summary is not an input of the choice: the memo answers.
        edited = (dataclasses.replace(briefs[0], summary="changed"), *briefs[1:])
        again = archive_module.assemble_archive(Content(config, vocabulary, edited, ()), memo)
    assert {k: [b.id for b in v] for k, v in again.related.items()} == {k: [b.id for b in v] for k, v in first.related.items()}
    retagged = (dataclasses.replace(briefs[0], tags=("transit",)), *briefs[1:])
    archive_module.assemble_archive(Content(config, vocabulary, retagged, ()), memo)
    assert len(memo) == 2

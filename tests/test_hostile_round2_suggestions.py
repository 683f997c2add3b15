"""Bounded suggestion search: thousands of unknown `related` ids in a large archive are
reported at once, each did-you-mean comparing a bounded number of candidates, and all of
them together at most a fixed number."""

from __future__ import annotations

import datetime as dt
import time

import briefing.errors as errors
from briefing.content.loader import _refs_of, check_brief_set
from briefing.errors import MAX_SUGGESTION_CANDIDATES, MAX_SUGGESTION_COMPARISONS, Suggestions, did_you_mean
from briefing.model import Brief, RenderedMarkdown, Source

BODY = RenderedMarkdown("<p>x</p>", (), "x", 1)
SOURCE = (Source("p", "t", "https://example.org/"),)


def brief(number: int, related: tuple[str, ...] = ()) -> Brief:
    day = dt.date(2000, 1, 1) + dt.timedelta(days=number % 9000)
    return Brief(
        id=f"{day.isoformat()}-brief-number-{number}", path=f"content/briefs/{day.year}/x{number}.md", title="t", date=day,
        type="statement", actors=("armenia",), summary="s", sources=SOURCE, body=BODY, related=related,
        related_lines=tuple(range(12, 12 + len(related))),
    )


def count_comparisons(monkeypatch) -> list[int]:
    """Record how many candidates each suggestion compares."""
    counts: list[int] = []
    compare = errors._hint

    def counting(word, candidates):
        counts.append(len(candidates))
        return compare(word, candidates)

    monkeypatch.setattr(errors, "_hint", counting)
    return counts


def test_thousands_of_unknown_related_ids_in_a_large_archive_are_checked_quickly(monkeypatch):
    counts = count_comparisons(monkeypatch)
    briefs = [brief(n) for n in range(5000)]
    unknown = tuple(f"{b.id[:10]}-brief-numbr-{n}" for n, b in enumerate(briefs[:40]))  # near misses
    briefs += [brief(5000 + n, unknown) for n in range(100)]  # 4,000 unknown ids
    started = time.perf_counter()
    problems = check_brief_set({b.path: b.id for b in briefs}, [_refs_of(b) for b in briefs])
    seconds = time.perf_counter() - started
    assert len(problems) == 4000 and all(p.field == "related" for p in problems)
    assert max(counts) <= MAX_SUGGESTION_CANDIDATES and sum(counts) <= MAX_SUGGESTION_COMPARISONS
    assert seconds < 10, seconds  # was half a minute and more
    # The first words asked about still get their suggestion, before the budget is spent.
    assert "(did you mean '2000-01-01-brief-number-0'?)" in problems[0].message


def test_check_file_bounds_its_search_too(monkeypatch):
    counts = count_comparisons(monkeypatch)
    ids = {f"content/briefs/x/{n}.md": brief(n).id for n in range(20_000)}
    one = brief(99_999, tuple(f"2001-01-01-unknown-{n}" for n in range(3000)))
    problems = check_brief_set({**ids, one.path: one.id}, [_refs_of(one)])
    assert len(problems) == 3000
    assert max(counts) <= MAX_SUGGESTION_CANDIDATES and sum(counts) <= MAX_SUGGESTION_COMPARISONS


def test_a_near_miss_is_still_suggested_among_many():
    choices = [brief(n).id for n in range(10_000)]
    assert did_you_mean("2000-01-05-brief-numbr-4", Suggestions(choices)) == " (did you mean '2000-01-05-brief-number-4'?)"
    assert did_you_mean("prisoner-swap", frozenset({"prisoner-release", "summit", "statement"})) == " (did you mean 'prisoner-release'?)"


def test_a_spent_budget_gives_no_more_suggestions():
    suggestions = Suggestions(["alpha", "alphb", "alphc"], budget=4)
    assert suggestions.hint("alpha1") == " (did you mean 'alpha'?)"
    assert suggestions.budget == 1
    suggestions.hint("alphb1")
    assert suggestions.hint("alphc1") == "" and suggestions.budget <= 0


def test_a_huge_word_is_not_compared(monkeypatch):
    counts = count_comparisons(monkeypatch)
    assert did_you_mean("x" * 100_000, frozenset({"x" * 10, "y"})) == ""
    assert counts == [0]

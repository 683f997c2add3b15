"""Page fingerprints: equal data gives equal digests, any change to what a page shows changes them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest

from briefing.store.fingerprint import Fingerprinter, Uncacheable


@dataclass(frozen=True)
class Leaf:
    url: str
    day: dt.date | None


@dataclass(frozen=True)
class Node:
    name: str
    leaves: tuple[Leaf, ...]
    count: int
    fingerprint: str = ""


def sample() -> dict:
    leaves = (Leaf("/a/", dt.date(2024, 1, 2)), Leaf("/b/", None))
    return {"kind": "x", "node": Node("n", leaves, 2), "items": [1, "1", 1.0, True, None], "meta": {"k": ("v",)}}


def test_equal_data_in_different_objects_has_one_digest():
    assert Fingerprinter().of(sample()) == Fingerprinter().of(sample())
    walker = Fingerprinter()
    assert walker.of(sample()) == walker.of(sample())


@pytest.mark.parametrize("change", [
    lambda c: c.update(kind="y"),
    lambda c: c.update(node=replace(c["node"], count=3)),
    lambda c: c.update(node=replace(c["node"], leaves=(Leaf("/a/", dt.date(2024, 1, 3)), Leaf("/b/", None)))),
    lambda c: c.update(node=replace(c["node"], leaves=(Leaf("/b/", None), Leaf("/a/", dt.date(2024, 1, 2))))),
    lambda c: c.update(items=[1, 1, 1.0, True, None]),  # the string "1" became the number 1
    lambda c: c.update(items=[1, "1", 1.0, 1, None]),  # True became 1
    lambda c: c.update(meta={"k": ["v"]}),  # a list is not a tuple
    lambda c: c.update(extra=""),
])
def test_any_change_changes_the_digest(change):
    changed = sample()
    change(changed)
    assert Fingerprinter().of(changed) != Fingerprinter().of(sample())


def test_shared_objects_are_walked_once_and_stay_consistent():
    walker = Fingerprinter()
    node = sample()["node"]
    digests = [walker.page("shared", {"node": node, "number": n}, "p/index.html", "/p/") for n in range(3)]
    assert len(set(digests)) == 3
    assert digests == [Fingerprinter().page("shared", {"node": sample()["node"], "number": n}, "p/index.html", "/p/") for n in range(3)]


@pytest.mark.parametrize("other", [
    ("other", sample(), "p/index.html", "/p/"),  # a template or global it reads changed
    ("shared", {**sample(), "kind": "y"}, "p/index.html", "/p/"),
    ("shared", sample(), "q/index.html", "/p/"),
    ("shared", sample(), "p/index.html", "/q/"),
    ("shared", {}, "p/index.html", "/p/"),
])
def test_a_page_fingerprint_covers_shared_inputs_context_path_and_url(other):
    assert Fingerprinter().page("shared", sample(), "p/index.html", "/p/") != Fingerprinter().page(*other)
    assert Fingerprinter().page("shared", sample(), "p/index.html", "/p/") == Fingerprinter().page("shared", sample(), "p/index.html", "/p/")


def test_a_mapping_that_is_not_a_plain_context_is_digested_whole():
    odd = {1: "a"}
    assert Fingerprinter().page("s", odd, "p", "/p") != Fingerprinter().page("s", {"1": "a"}, "p", "/p")


def test_a_ready_fingerprint_stands_for_the_whole_object():
    node = replace(sample()["node"], fingerprint="abc")
    # What it was made from is in the fingerprint: the fields are not walked again.
    assert Fingerprinter().of(node) == Fingerprinter().of(replace(node, name="other"))
    assert Fingerprinter().of(node) != Fingerprinter().of(replace(node, fingerprint="abd"))
    assert Fingerprinter().of(sample()["node"]) != Fingerprinter().of(replace(sample()["node"], name="other"))


def test_values_without_a_stable_digest_are_refused():
    with pytest.raises(Uncacheable):
        Fingerprinter().of({"f": lambda: 1})
    with pytest.raises(Uncacheable):
        Fingerprinter().page("s", {"node": Node("n", (object(),), 1)}, "p", "/p")  # type: ignore[arg-type]


def test_long_texts_are_told_apart_wherever_they_occur():
    long_a, long_b = "é" * 600, "é" * 599 + "e"
    for wrap in (lambda v: v, lambda v: (v,), lambda v: {"v": v}, lambda v: Leaf(v, None)):
        assert Fingerprinter().of(wrap(long_a)) != Fingerprinter().of(wrap(long_b))
        assert Fingerprinter().of(wrap(long_a)) == Fingerprinter().of(wrap("é" * 600))
    assert Fingerprinter().page("s", {"v": long_a}, "p", "/p") != Fingerprinter().page("s", {"v": long_b}, "p", "/p")
    # A short text is never taken for the digest of a long one.
    digest_text = Fingerprinter().of(long_a)
    assert Fingerprinter().of((long_a,)) != Fingerprinter().of((digest_text[2:],))


@pytest.mark.parametrize("a, b", [
    (("a\0b", "c"), ("a", "b\0c")),  # a NUL inside a text is not taken for a boundary
    (("a\0", ""), ("a", "\0")),
    (("\ud800",), ("\udc00",)),  # lone surrogates are digested, and told apart
    (("x",), ("x", "")),
])
def test_texts_with_unusual_characters_are_told_apart(a, b):
    assert Fingerprinter().of(a) != Fingerprinter().of(b)
    assert Fingerprinter().of(a) == Fingerprinter().of(tuple(a))

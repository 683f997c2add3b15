"""Page fingerprints: equal data gives equal digests, any change to what a page shows changes them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest

from briefing.fingerprint import Fingerprinter, Uncacheable


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
    pages = [{"node": node, "number": n} for n in range(3)]
    digests = [walker.of_page(page) for page in pages]
    assert len(set(digests)) == 3
    assert digests == [Fingerprinter().of({"node": sample()["node"], "number": n}) for n in range(3)]


def test_a_page_context_digest_is_the_digest_of_its_mapping():
    assert Fingerprinter().of_page(sample()) == Fingerprinter().of(sample())
    odd = {1: "a"}  # not a template context: still digested like any mapping
    assert Fingerprinter().of_page(odd) == Fingerprinter().of(odd)


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
        Fingerprinter().of_page({"node": Node("n", (object(),), 1)})  # type: ignore[arg-type]

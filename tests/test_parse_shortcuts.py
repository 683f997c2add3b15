"""The parse stage's shortcuts give what the plain code gave: YAML strings taken straight
from the node, cached vocabulary ids, and briefs made in the worker
with their fingerprint."""

from __future__ import annotations

import datetime as dt
import pickle

import yaml
from hypothesis import given
from hypothesis import strategies as st

import functools

from briefing.content.loader import load_content
from briefing.store.parallel import map_chunks
from briefing.store.store import Store
from briefing.model import Term, Vocabulary
from briefing.content.yamldata import BadScalar, parse_yaml


plain_scalars = st.one_of(
    st.text(max_size=20), st.integers(), st.booleans(), st.none(), st.dates(),
    st.floats(allow_nan=False), st.sampled_from(["yes", "no", "~", "1e3", "0x1f", "2024-01-01", "'q'", "a: b", "- x"]),
)
plain_data = st.recursive(
    plain_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(min_size=1, max_size=8).filter(str.strip), children, max_size=4)),
    max_leaves=20,
)


@given(st.dictionaries(st.text(min_size=1, max_size=8).filter(str.strip), plain_data, min_size=1, max_size=5), st.sampled_from([None, True, False]))
def test_parsed_yaml_is_what_the_safe_loader_makes(data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert parse_yaml(text).data == yaml.safe_load(text)


def test_explicit_string_tags_aliases_and_bad_scalars():
    text = "a: !!str 5\nb: &x hello\nc: *x\nd: 'it''s'\ne: |\n  two\n  lines\nf: 2024-13-01\ng: !!str 2024-01-01\n"
    data = parse_yaml(text).data
    assert {k: v for k, v in data.items() if k != "f"} == {
        "a": "5", "b": "hello", "c": "hello", "d": "it's", "e": "two\nlines\n", "g": "2024-01-01",
    }
    assert isinstance(data["f"], BadScalar) and data["f"].text == "2024-13-01"
    assert parse_yaml("d: 2024-02-03\n").data == {"d": dt.date(2024, 2, 3)}


def test_vocabulary_ids_are_cached_and_survive_pickling():
    terms = tuple(Term(f"t{i}", f"T{i}", "d") for i in range(3))
    vocabulary = Vocabulary(types=terms[:1], actors=terms[1:], tags=())
    assert vocabulary.ids("types") == frozenset({"t0"}) and vocabulary.ids("actors") == frozenset({"t1", "t2"})
    assert vocabulary.ids("tags") is vocabulary.ids("tags") == frozenset()
    copy = pickle.loads(pickle.dumps(vocabulary))
    assert copy == vocabulary and copy.ids("actors") == vocabulary.ids("actors")


def test_briefs_carry_their_fingerprint_in_serial_and_parallel_loads(project):
    for month in (1, 2, 3):
        for day in range(1, 29):
            project.brief(f"2023-{month:02d}-{day:02d}-talks")  # more than a pool's minimum
    root = project.root
    serial_cache, parallel_cache = Store.memory(), Store.memory()
    serial = load_content(root, root / "content", memo=serial_cache)
    parallel = load_content(root, root / "content", memo=parallel_cache, map_chunks=functools.partial(map_chunks, jobs=2))
    assert len(serial.briefs) == 84 and serial.briefs == parallel.briefs
    # The fingerprint is the digest of each brief's values, the same in a worker.
    assert len({brief.fingerprint for brief in serial.briefs}) == 84
    assert [b.fingerprint for b in serial.briefs] == [b.fingerprint for b in parallel.briefs]
    # Each brief is cached, so the next load finds all of them and parses none.
    for cache in (serial_cache, parallel_cache):
        cache.hits = cache.misses = 0
        again = load_content(root, root / "content", memo=cache)
        assert (cache.hits, cache.misses) == (84, 0) and again.briefs == serial.briefs

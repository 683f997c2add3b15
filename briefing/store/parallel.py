"""Run a pure function over many items on every core, in order (serial for small jobs).

Work goes out in chunks so each process pays its set-up (e.g. a Markdown renderer) once
per chunk; results come back in input order, so parallel builds are byte-identical to
serial ones. Workers die with the process that started them, however it ends: a killed
build leaves no worker behind.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterator, Sequence, TypeVar

from ..processes import die_with_parent

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more than it saves.
MIN_PARALLEL_ITEMS = 64


def default_jobs() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_chunks(
    function: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int, chunk_size: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """`function` maps a chunk of items to a list of results; return all results in order.

    `progress(done, total)` is called after each chunk.
    """
    return list(iterate_chunks(function, items, jobs, chunk_size, progress))


def iterate_chunks(
    function: Callable[[Sequence[T]], list[R]], items: Sequence[T], jobs: int, chunk_size: int = 0,
    progress: Callable[[int, int], None] | None = None, chunks_per_worker: int = 0,
) -> Iterator[R]:
    """Like map_chunks, yielding results in order as their chunks finish.

    With `chunks_per_worker`, workers are replaced by fresh ones after about that many
    chunks each. A forked worker shares the parent's memory until it writes to it, and
    reading an object writes its reference count: a worker that reads much of a big
    parent (rendering every page of the archive) slowly becomes a copy of it.
    """
    if not items:
        return
    if jobs <= 1 or len(items) < MIN_PARALLEL_ITEMS:
        size = chunk_size or max(1, len(items) // 20)
        for start in range(0, len(items), size):
            yield from function(items[start : start + size])
            if progress:
                progress(min(start + size, len(items)), len(items))
        return
    size = chunk_size or max(8, min(200, len(items) // (jobs * 4) or 1))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    # fork: workers start instantly with the engine already imported (Linux default).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    done = 0
    batch = jobs * chunks_per_worker or len(chunks)
    for first in range(0, len(chunks), batch):
        for part in _iterate_pool(function, chunks[first : first + batch], jobs, context):
            yield from part
            done += len(part)
            if progress:
                progress(done, len(items))


def _iterate_pool(function, chunks: list, jobs: int, context) -> Iterator[list]:
    """Results of `function` over `chunks`, in order, from one pool of `jobs` workers."""
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        # A few chunks ahead of the consumer, not all of them: finished results wait in
        # memory until they are used (rendered pages until written).
        pending: collections.deque = collections.deque()
        upcoming = iter(chunks)
        for chunk in itertools.islice(upcoming, jobs * 2):
            pending.append(pool.submit(function, chunk))
        while pending:
            part = pending.popleft().result()
            for chunk in itertools.islice(upcoming, 1):
                pending.append(pool.submit(function, chunk))
            yield part


# What forked workers inherit instead of receiving it pickled (see iterate_shared).
_INHERITED: list = []


def iterate_shared(
    function: Callable[[Any, Sequence[int]], list[R]], shared: Any, indices: Sequence[int], jobs: int,
    progress: Callable[[int, int], None] | None = None, chunks_per_worker: int = 0,
) -> Iterator[R]:
    """Like iterate_chunks over `indices`, calling `function(shared, chunk)`.

    Forked workers inherit `shared` (e.g. the whole archive, or a template environment,
    which cannot be pickled) from the parent's memory instead of receiving it pickled.
    """
    _INHERITED[:] = [function, shared]
    try:
        yield from iterate_chunks(_call_inherited, indices, jobs, progress=progress, chunks_per_worker=chunks_per_worker)
    finally:
        _INHERITED.clear()


def _call_inherited(chunk: Sequence[int]) -> list:
    function, shared = _INHERITED
    return function(shared, chunk)

"""Work spread over processes comes back complete and in order, from fresh workers when asked."""

from __future__ import annotations

import os

from briefing.store.parallel import iterate_chunks, map_chunks


def tag_with_pid(chunk):
    return [(os.getpid(), item * 2) for item in chunk]


def test_results_come_back_in_order_from_at_most_jobs_workers():
    results = map_chunks(tag_with_pid, list(range(300)), jobs=2, chunk_size=10)
    assert [value for _, value in results] == [item * 2 for item in range(300)]
    assert len({pid for pid, _ in results} - {os.getpid()}) <= 2


def test_workers_are_replaced_after_their_share_of_chunks():
    progress: list[int] = []
    results = list(iterate_chunks(tag_with_pid, list(range(300)), jobs=2, chunk_size=10,
                                  progress=lambda done, total: progress.append(done), chunks_per_worker=3))
    assert [value for _, value in results] == [item * 2 for item in range(300)]
    # 30 chunks, 6 per pool of two workers: five pools, each with its own processes.
    pids = [pid for pid, _ in results]
    assert len(set(pids)) > 4 and os.getpid() not in pids
    for first in range(0, 300, 60):
        later = set(pids[first + 60 :])
        assert not set(pids[first : first + 60]) & later
    assert progress == sorted(progress) and progress[-1] == 300

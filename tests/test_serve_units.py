"""serve's pure parts: request paths, allowed Host headers, the injected script tag, content
types, ignored files."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

import pytest

from briefing.dev.live import output_file_for, site_path
from briefing.dev.serve import browser_host, content_type, inject_reload_script, is_allowed_host, is_loopback
from briefing.dev.watch import SourceWatcher, is_ignored


def test_paths_under_the_base_path_map_to_site_paths():
    assert site_path("/", "/") == "" and output_file_for("") == "index.html"
    assert site_path("/", "/briefs/a/") == "briefs/a/" and output_file_for("briefs/a/") == "briefs/a/index.html"
    assert site_path("/", "/%62riefs/a/") == "briefs/a/"
    assert site_path("/archive/", "/archive/briefs/a/") == "briefs/a/"
    assert site_path("/", "/feed.xml") == "feed.xml" and output_file_for("feed.xml") == "feed.xml"
    assert site_path("/", "/briefs/a") == "briefs/a"  # a folder without its slash: redirected by the server


@pytest.mark.parametrize(
    "path",
    ["/../content/site.yaml", "/%2e%2e/x", "/a/../b", "//etc/passwd", "/a//b", "/%2fetc", "/a%5cb", "/a%00b", "/c:x", "/%c0%ae%c0%ae/x", "/./x"],
)
def test_paths_that_are_not_clean_are_refused(path):
    assert site_path("/", path) is None


def test_paths_outside_the_base_path_are_refused():
    assert site_path("/archive/", "/index.html") is None
    assert site_path("/archive/", "/archived/") is None


@pytest.mark.parametrize(
    "header, listening, allowed",
    [
        ("127.0.0.1:8000", "127.0.0.1", True),
        ("localhost:8000", "127.0.0.1", True),
        ("LOCALHOST:8000", "127.0.0.1", True),
        ("[::1]:8000", "::1", True),
        ("localhost:8000", "::1", True),
        ("127.0.0.1:8001", "127.0.0.1", False),  # another port
        ("127.0.0.1", "127.0.0.1", False),  # no port: port 80
        ("[::1]x:8000", "::1", False),
        ("evil.example:8000", "127.0.0.1", False),  # DNS rebinding: a name that now points here
        ("localhost.evil.example:8000", "127.0.0.1", False),
        ("127.0.0.2:8000", "127.0.0.1", True),  # still this machine's loopback
        ("192.168.1.5:8000", "127.0.0.1", False),
        ("", "127.0.0.1", False),
        ("192.168.1.5:8000", "0.0.0.0", True),  # --host 0.0.0.0: any address of the machine
        ("evil.example:8000", "0.0.0.0", False),
        ("devbox:8000", "devbox", True),  # the name given with --host
        ("localhost:8000", "devbox", False),
    ],
)
def test_only_requests_addressed_to_the_server_are_answered(header, listening, allowed):
    assert is_allowed_host(header, listening, 8000) is allowed


def test_the_script_tag_goes_before_the_head_end_or_body_end():
    tagged = inject_reload_script(b"<html><head><title>x</title></HEAD><body></body></html>", "abc-2")
    assert tagged == (
        b'<html><head><title>x</title><script src="/__serve/reload.js" data-serve-build="abc-2" defer></script>\n'
        b"</HEAD><body></body></html>"
    )
    assert inject_reload_script(b"<p>x</p></body>", "1").index(b"<script") < inject_reload_script(b"<p>x</p></body>", "1").index(b"</body>")
    assert inject_reload_script(b"<p>x</p>", "1").startswith(b"<p>x</p><script")


def test_content_types_by_suffix():
    assert content_type(Path("a/index.html")) == "text/html; charset=utf-8"
    assert content_type(Path("static/style.css")) == "text/css; charset=utf-8"
    assert content_type(Path("x.js")) == "text/javascript; charset=utf-8"
    assert content_type(Path("feed.xml")) == "application/xml"
    assert content_type(Path("data/briefs.json")) == "application/json"
    assert content_type(Path("favicon.svg")) == "image/svg+xml"
    assert content_type(Path("pagefind/wasm.en.pagefind")) == "application/octet-stream"
    assert content_type(Path("pagefind/pagefind.wasm")) == "application/wasm"


def test_loopback_hosts_and_the_host_a_browser_uses():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("::")
    assert browser_host("0.0.0.0") == "127.0.0.1"
    assert browser_host("::") == "[::1]"
    assert browser_host("::1") == "[::1]"


@pytest.mark.parametrize(
    "name",
    [
        "content/briefs/2023/.2023-12-07-x.md.swp", "content/briefs/2023/2023-12-07-x.md~", "content/briefs/4913",
        "content/briefs/.#2023-12-07-x.md", "content/briefs/#2023-12-07-x.md#", "templates/.goutputstream-ABC1",
        "templates/base.html.tmp", "content/.git/index", "templates/.DS_Store", "content/pages/about.md.kate-swp",
    ],
)
def test_editor_temp_and_swap_files_are_ignored(name):
    assert is_ignored(name)


@pytest.mark.parametrize("name", ["content/briefs/2023/2023-12-07-x.md", "content/site.yaml", "templates/base.html", "templates/static/style.css"])
def test_sources_are_not_ignored(name):
    assert not is_ignored(name)


def test_a_burst_of_changes_becomes_one_batch(tmp_path):
    watcher = SourceWatcher([tmp_path])
    stopped = threading.Event()

    def burst():
        for name in ("a.md", "b.md", "a.md", "c.md"):
            watcher.notify([name])
            time.sleep(0.02)

    threading.Thread(target=burst).start()
    started = time.monotonic()
    assert watcher.wait_for_changes(0.15, stopped) == ("a.md", "b.md", "c.md")
    assert time.monotonic() - started >= 0.2  # waited for the burst to end, then the quiet time
    watcher.notify(["d.md"])
    assert watcher.wait_for_changes(0.05, stopped) == ("d.md",)
    stopped.set()
    assert watcher.wait_for_changes(0.05, stopped) == ()


def test_changes_that_never_stop_still_get_batches(tmp_path):
    watcher = SourceWatcher([tmp_path])
    stopped = threading.Event()

    def endless():
        while not stopped.is_set():
            watcher.notify(["log.md"])
            time.sleep(0.01)

    threading.Thread(target=endless, daemon=True).start()
    started = time.monotonic()
    assert watcher.wait_for_changes(0.05, stopped) == ("log.md",)
    assert time.monotonic() - started < 4
    stopped.set()


def _batch_in_thread(watcher: SourceWatcher, quiet: float, stopped: threading.Event) -> list:
    got: list = []
    threading.Thread(target=lambda: got.append(watcher.wait_for_changes(quiet, stopped)), daemon=True).start()
    return got


@contextlib.contextmanager
def _watching(folder):
    """A started watcher of `folder`, a stop event, and a batch being waited for in a
    thread with a quiet time (5 s) far longer than the tests take."""
    watcher = SourceWatcher([folder])
    watcher.start()
    stopped = threading.Event()
    try:
        yield _batch_in_thread(watcher, 5.0, stopped)
    finally:
        stopped.set()
        watcher.stop()


def test_a_complete_save_ends_its_batch_without_the_quiet_time(tmp_path):
    # An editor's save is a write and a close: the file is complete, so its rebuild need
    # not wait for the (here very long) quiet time that guards half-written files.
    with _watching(tmp_path) as got:
        saved = time.monotonic()
        (tmp_path / "brief.md").write_text("saved\n", encoding="utf-8")
        wait_for(lambda: got, 4.5)
        assert time.monotonic() - saved < 4.5
        assert got == [(str(tmp_path / "brief.md"),)]


def test_a_file_still_being_written_waits_for_its_close_or_the_quiet_time(tmp_path):
    with _watching(tmp_path) as got:
        with open(tmp_path / "brief.md", "w", encoding="utf-8") as stream:
            stream.write("half of it")
            stream.flush()
            time.sleep(0.5)
            assert got == []  # half-written: not handed out while open and not quiet
            stream.write(" and the rest\n")
        closed = time.monotonic()
        wait_for(lambda: got, 4.5)
        assert time.monotonic() - closed < 4.5
        assert got == [(str(tmp_path / "brief.md"),)]


def wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


class _DecidingLock:
    """A fork lock that counts each time the refresher lets go of it: it decides whether
    to fork while holding it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.decided = threading.Semaphore(0)

    def __enter__(self) -> None:
        self.lock.acquire()

    def __exit__(self, *exc) -> None:
        self.lock.release()
        self.decided.release()


@contextlib.contextmanager
def _refresher(tmp_path, fork_lock):
    """(refresher, started): an IndexRefresher that records the refreshes it would fork."""
    from briefing.dev.indexer import IndexRefresher
    from briefing.store.store import Store

    refresher = IndexRefresher(tmp_path, Store.memory(), lambda line: None, fork_lock)
    started: list = []
    refresher._start = started.append  # instead of forking
    try:
        yield refresher, started
    finally:
        refresher.stop()


def test_a_refresh_scheduled_before_a_save_began_is_never_started_after_it(tmp_path):
    # It fell due while the save was applied and waited for the fork lock: once the save is
    # applied it would index the site before the save, beside the reader's reload.
    fork = _DecidingLock()
    with _refresher(tmp_path, fork) as (refresher, started):
        before, after = object(), object()
        with fork.lock:  # the save is being applied
            refresher.schedule(before, 0.0)
            wait_for(lambda: refresher._due is None, 10)  # taken: it waits for the lock
            refresher.cancel()  # the save began
        assert fork.decided.acquire(timeout=10)
        assert started == []
        refresher.schedule(after, 0.0)  # the save's own refresh
        wait_for(lambda: started, 10)
        assert started == [after]


def test_a_failed_save_keeps_the_refresh_of_the_last_good_build_due(tmp_path):
    # A good save's refresh is still waiting out its delay when saves that fail begin: each
    # cancel() marks it as made before a save, and each failure (resume) keeps it due.
    with _refresher(tmp_path, contextlib.nullcontext()) as (refresher, started):
        good = object()
        refresher.schedule(good, 0.5)
        for _ in range(2):
            refresher.cancel()
            refresher.resume(0.5)
        wait_for(lambda: started, 10)
        assert started == [good]

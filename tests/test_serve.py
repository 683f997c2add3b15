"""`build.py serve`: serving, rebuild on save, errors while the last good site stays, safety."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from briefing.dev import serve as serve_module
from briefing.build import build_site
from conftest import REPO, free_port, tree_bytes
from serve_support import WAIT, EventStream, fetch, running_server, text_of, wait_until

BRIEF = "content/briefs/2023/2023-12-07-joint-statement.md"


def test_serves_the_site_with_the_reload_script_added_to_responses_only(project):
    project.brief(title="First title")
    with running_server(project.options()) as server:
        status, headers, body = fetch(server, "/briefs/2023-12-07-joint-statement/")
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["cache-control"] == "no-store"
        assert b"<h1>First title</h1>" in body or b">First title<" in body
        assert b'<script src="/__serve/reload.js" data-serve-build="' in body
        # Served from memory: nothing is written to the deployable site/ or beside it.
        assert not project.out.exists() and not (project.root / ".site.staging").exists()

        status, headers, css = fetch(server, "/static/style.css")
        assert (status, headers["content-type"]) == (200, "text/css; charset=utf-8")
        assert css == (project.root / "templates/static/style.css").read_bytes()
        status, headers, script = fetch(server, "/__serve/reload.js")
        assert (status, headers["content-type"]) == (200, "text/javascript; charset=utf-8")
        assert b"EventSource" in script
        status, headers, _ = fetch(server, "/__serve/overlay.css")
        assert (status, headers["content-type"]) == (200, "text/css; charset=utf-8")
        assert fetch(server, "/__serve/nothing.js")[0] == 404

        status, headers, missing = fetch(server, "/no/such/page/")
        assert status == 404
        assert b"Page not found" in missing and b"/__serve/reload.js" in missing
        status, _, head_body = fetch(server, "/", method="HEAD")
        assert (status, head_body) == (200, b"")
        assert fetch(server, "/briefs")[0] == 302
        assert fetch(server, "/briefs")[1]["location"] == "/briefs/"
        # Built for this server: absolute links point at it.
        assert f'href="http://127.0.0.1:{server.port}/"'.encode() in fetch(server, "/")[2]


def test_serves_under_the_configured_base_path_and_redirects_the_root(project):
    project.write("content/site.yaml", (project.root / "content/site.yaml").read_text().replace("https://example.org/", "https://example.org/archive/"))
    project.brief()
    with running_server(project.options()) as server:
        assert server.url == f"http://127.0.0.1:{server.port}/archive/"
        status, headers, _ = fetch(server, "/")
        assert (status, headers["location"]) == (302, "/archive/")
        page = text_of(server, "/archive/briefs/2023-12-07-joint-statement/")
        assert 'href="/archive/static/style.css"' in page
        assert fetch(server, "/archive/static/style.css")[0] == 200
        assert fetch(server, "/static/style.css")[0] == 404


def test_a_save_is_served_then_a_broken_brief_keeps_the_last_good_site_until_fixed(project):
    path = project.brief(title="First title")
    page = "/briefs/2023-12-07-joint-statement/"
    with running_server(project.options()) as server:
        events = EventStream(server)
        first = events.next_state()
        assert first["errors"] == []

        project.brief(title="Second title")
        wait_until(lambda: "Second title" in text_of(server, page), what="the edit to be served")
        second = events.next_state()
        assert second["errors"] == [] and second["build"] != first["build"]

        path.write_text(path.read_text().replace("type: statement", "type: prisoner-swap"))
        failed = events.next_state()
        expected = f"{BRIEF}:4: type: unknown milestone type 'prisoner-swap'"
        assert failed["errors"][0].startswith(expected)
        assert failed["build"] == second["build"]
        assert failed["summary"] == "rebuild failed: 1 error in 1 file; still serving the last good build, from memory"
        wait_until(lambda: expected in server.stream.text(), what="the error in the terminal")
        assert "Second title" in text_of(server, page)  # the last good site is still served
        # A page opened now learns about the failure from its first event.
        late = EventStream(server)
        assert late.next_state()["errors"] == failed["errors"]
        late.close()

        project.brief(title="Third title")
        fixed = events.next_state()
        assert fixed["errors"] == [] and fixed["build"] != second["build"]
        assert "Third title" in text_of(server, page)
        events.close()


def test_a_page_asked_for_while_a_save_is_applied_is_served_from_that_save(project, monkeypatch):
    project.brief(title="First title")
    page = "/briefs/2023-12-07-joint-statement/"
    with running_server(project.options(), search=False) as server:
        assert "First title" in text_of(server, page)
        applying, release = threading.Event(), threading.Event()
        real_rebuild = server.site.rebuild

        def slow_rebuild(changed=None):
            applying.set()
            assert release.wait(WAIT)  # held until the request below is waiting
            return real_rebuild(changed)

        monkeypatch.setattr(server.site, "rebuild", slow_rebuild)
        project.brief(title="Second title")
        assert applying.wait(WAIT), "the save was never applied"
        answers: list[str] = []
        asking = threading.Thread(target=lambda: answers.append(text_of(server, page)))
        asking.start()
        asking.join(0.5)
        assert answers == []  # waiting for the save, not answered from the build before it
        release.set()
        asking.join(WAIT)
        assert len(answers) == 1 and "Second title" in answers[0] and "First title" not in answers[0]


def test_template_and_vocabulary_saves_rebuild(project):
    project.brief()
    page = "/briefs/2023-12-07-joint-statement/"
    with running_server(project.options()) as server:
        base = project.root / "templates/base.html"
        base.write_text(base.read_text().replace("<main", "<p>template-marker</p>\n<main", 1))
        wait_until(lambda: "template-marker" in text_of(server, page), what="the template change")
        vocabulary = project.root / "content/vocabulary.yaml"
        vocabulary.write_text(vocabulary.read_text().replace("label: Statement", "label: Declaration"))
        wait_until(lambda: "Declaration" in text_of(server, page), what="the vocabulary change")


def test_editor_temp_files_do_not_trigger_rebuilds(project):
    project.brief()
    with running_server(project.options()) as server:
        version = server.state.snapshot()[0]
        project.write("content/briefs/2023/.2023-12-07-joint-statement.md.swp", b"\x00swap")
        project.write("content/briefs/2023/2023-12-07-joint-statement.md~", "backup")
        project.write("templates/4913", "")
        time.sleep(0.6)
        assert server.state.snapshot()[0] == version
        project.brief(title="Real save")
        wait_until(lambda: server.state.snapshot()[0] > version, what="a rebuild after a real save")


def test_polling_mode_sees_saves(project):
    project.brief(title="Before polling")
    with running_server(project.options(), poll=True, poll_interval=0.1) as server:
        project.brief(title="After polling")
        wait_until(lambda: "After polling" in text_of(server, "/briefs/2023-12-07-joint-statement/"), what="a polled save")


def test_a_failed_first_build_still_serves_and_recovers(project):
    path = project.brief(type="nonsense")
    with running_server(project.options()) as server:
        assert f"{BRIEF}:4: type:" in server.stream.text()
        status, _, body = fetch(server, "/")
        assert status == 503 and b"/__serve/reload.js" in body and b"not been built yet" in body
        events = EventStream(server)
        assert events.next_state()["errors"][0].startswith(f"{BRIEF}:4: type:")
        path.write_text(path.read_text().replace("type: nonsense", "type: statement"))
        assert events.next_state()["errors"] == []
        assert fetch(server, "/briefs/2023-12-07-joint-statement/")[0] == 200
        events.close()


def test_incremental_rebuilds_equal_a_clean_full_build(project, tmp_path):
    project.brief("2023-12-07-joint-statement", title="Joint statement")
    project.brief("2024-11-11-cop29", title="COP29 opens", extra="tags: [cop29]\nrelated: [2023-12-07-joint-statement]\n")
    project.brief("2022-05-24-border-commission", title="Border commission", type="summit")
    with running_server(project.options()) as server:
        def served(path: str) -> int:
            return fetch(server, path)[0]

        project.brief("2023-12-07-joint-statement", title="Joint statement, revised")  # change
        wait_until(lambda: "revised" in text_of(server, "/briefs/2023-12-07-joint-statement/"), what="change")
        project.brief("2025-08-08-washington", title="Washington summit", type="summit")  # add
        wait_until(lambda: served("/briefs/2025-08-08-washington/") == 200, what="add")
        (project.root / "content/briefs/2022/2022-05-24-border-commission.md").unlink()  # delete
        wait_until(lambda: served("/briefs/2022-05-24-border-commission/") == 404, what="delete")
        old = project.root / "content/briefs/2025/2025-08-08-washington.md"
        old.rename(old.with_name("2025-08-08-washington-declaration.md"))  # rename
        wait_until(lambda: served("/briefs/2025-08-08-washington/") == 404 and served("/briefs/2025-08-08-washington-declaration/") == 200, what="rename")
        brief_template = project.root / "templates/brief.html"  # template change
        brief_template.write_text(brief_template.read_text().replace("{% block main %}", "{% block main %}\n<p>edited template</p>", 1))
        wait_until(lambda: "edited template" in text_of(server, "/briefs/2024-11-11-cop29/"), what="template change")
        style = project.root / "templates/static/style.css"  # theme static file change
        style.write_text(style.read_text() + "\n/* edited style */\n")
        wait_until(lambda: "edited style" in text_of(server, "/static/style.css"), what="static change")

        time.sleep(0.3)
        version = server.state.snapshot()[0]
        time.sleep(0.5)
        assert server.state.snapshot()[0] == version, server.stream.text()  # nothing else pending
        assert_serves_a_clean_build(server, tmp_path / "clean")


_INJECTED = re.compile(rb'<script src="/__serve/reload\.js" data-serve-build="[^"]*" defer></script>\n')


def assert_serves_a_clean_build(server, clean: Path) -> None:
    """Every file of a fresh build (with the server's URL) is served byte for byte, and
    nothing else is: the in-memory site equals a clean full build."""
    build_site(dataclasses.replace(server.options, out=clean, use_cache=False, search="skip"))
    expected = {k: v for k, v in tree_bytes(clean).items() if k != ".briefing-output"}
    for path, data in expected.items():
        status, _, body = fetch(server, server.base_path + path)
        assert status == 200, path
        assert _INJECTED.sub(b"", body) == data, path
    assert fetch(server, server.base_path + "briefs/no-such-brief/")[0] == 404


def _raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


TRAVERSALS = [
    b"/../content/site.yaml", b"/../../../../etc/passwd", b"/%2e%2e/content/site.yaml",
    b"/%2E%2E/%2E%2E/etc/passwd", b"/..%2fcontent%2fsite.yaml", b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    b"/static/../../content/site.yaml", b"/static/%2e%2e/%2e%2e/content/site.yaml",
    b"//etc/passwd", b"/%2fetc%2fpasswd", b"/..\\content\\site.yaml", b"/%5c..%5ccontent%5csite.yaml",
    b"/leak.yaml", b"/leak-folder/site.yaml", b"/index.html%00.yaml", b"/%c0%ae%c0%ae/content/site.yaml",
    b"/__serve/../content/site.yaml", b"/__serve/%2e%2e/reload.js", b"/etc/passwd",
    b"/./../content/site.yaml", b"/static/.%2e/.%2e/content/site.yaml",
]


def test_path_traversal_attempts_get_404_and_leak_nothing(project):
    project.brief()
    with running_server(project.options()) as server:
        wait_until(lambda: server.indexer.completed, what="the search index")
        # Links inside the served index folder that point out of it (never made by a build).
        index = server.indexer.index_folder
        os.symlink(project.root / "content/site.yaml", index / "leak.yaml")
        os.symlink(project.root / "content", index / "leak-folder")
        assert fetch(server, "/pagefind/pagefind.js")[0] == 200
        for target in TRAVERSALS + [b"/pagefind/leak.yaml", b"/pagefind/leak-folder/site.yaml", b"/pagefind/../content/site.yaml"]:
            response = _raw_request(server.port, b"GET " + target + f" HTTP/1.0\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
            assert response.startswith(b"HTTP/1.0 404 "), target
            assert b"base_url" not in response and b"root:" not in response, target
            assert b"Page not found" in response, target  # the site's own 404 page


def test_survives_malformed_requests_and_clients_that_disconnect(project, capfd):
    project.brief()
    project.write("templates/static/big.bin", os.urandom(8 * 1024 * 1024))
    with running_server(project.options()) as server:
        # Errors found while parsing the request line get the stdlib's error page.
        assert b"Error code: 400" in _raw_request(server.port, b"NONSENSE\r\n\r\n")
        assert b"Error code: 505" in _raw_request(server.port, b"GET / HTTP/9.9\r\n\r\n")
        assert b"Error code: 501" in _raw_request(server.port, b"DELETE / HTTP/1.0\r\n\r\n")
        assert b"Error code: 414" in _raw_request(server.port, b"GET /" + b"a" * 70000 + b" HTTP/1.0\r\n\r\n")
        assert b"Error code: 400" in _raw_request(server.port, b"\xff\xfe\x00garbage\r\n\r\n")
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"GET / HTT")  # never finishes its request line
            for _ in range(3):
                with socket.create_connection(("127.0.0.1", server.port), timeout=5) as cut:
                    cut.sendall(b"GET /static/big.bin HTTP/1.0\r\n\r\n")
                    assert cut.recv(100).startswith(b"HTTP/1.0 200")
                    cut.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            stream = EventStream(server)
            stream.next_state()
            stream.close()
            wait_until(lambda: server.state.listeners == 0, what="the closed event stream to be noticed")
            assert fetch(server, "/")[0] == 200
        time.sleep(0.2)
        assert "error while answering" not in server.stream.text()
        assert "Traceback" not in server.stream.text() + capfd.readouterr().err


def test_a_non_loopback_host_prints_a_warning(project, monkeypatch):
    project.brief()
    with running_server(project.options()) as server:
        assert "warning" not in server.stream.text()
    monkeypatch.setattr(serve_module, "is_loopback", lambda host: False)
    with running_server(project.options()) as server:
        assert "warning: serving on 127.0.0.1 makes this development server reachable from other machines" in server.stream.text()


@pytest.mark.parametrize("started_ignoring_ctrl_c", [False, True])
def test_the_command_line_serves_and_stops_cleanly_on_ctrl_c(project, started_ignoring_ctrl_c):
    project.brief(title="From the command line")
    port = free_port()
    command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(project.root), "--port", str(port)]
    if started_ignoring_ctrl_c:  # as a script's background job starts: SIGINT ignored
        command = ["sh", "-c", 'trap "" INT; exec "$@"', "sh", *command]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # SIGABRT prints every thread's stack
    )
    try:
        lines = []
        while not any("serving" in line for line in lines):
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        assert f"at http://127.0.0.1:{port}/ from memory (Ctrl-C to stop)" in lines[-1]
        assert not project.out.exists()  # the deployable site/ is not touched
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/briefs/2023-12-07-joint-statement/")
        assert b"From the command line" in conn.getresponse().read()
        conn.close()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)  # where is it stuck?
            raise AssertionError("serve did not stop within 30 s of Ctrl-C:\n" + process.communicate(timeout=30)[0][-20000:]) from None
        assert process.returncode == 0
        rest = process.stdout.read()
        assert "stopped" in rest and "Traceback" not in rest
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()


def test_a_taken_port_is_a_clear_error(project):
    project.brief()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "serve", "--root", str(project.root), "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )
    assert result.returncode == 1
    assert f"error: cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    shutil.rmtree(project.root / ".cache", ignore_errors=True)


def test_quiet_prints_errors_but_not_successful_builds(project):
    path = project.brief()
    with running_server(project.options(), quiet=True) as server:
        version = server.state.snapshot()[0]
        project.brief(title="Quiet edit")
        wait_until(lambda: server.state.snapshot()[0] > version, what="the rebuild")
        path.write_text(path.read_text().replace("type: statement", "type: nonsense"))
        wait_until(lambda: f"{BRIEF}:4: type:" in server.stream.text(), what="the error")
        assert "built " not in server.stream.text()
        assert "serving " in server.stream.text()


def index_is_current(server) -> bool:
    """Whether serve's search index was made from the brief pages it serves now."""
    from briefing.output.search_index import INDEX_FOLDER, STAMP, hash_pages, indexed_pages

    site = server.indexer.site
    stamp = site / INDEX_FOLDER / STAMP
    if not stamp.is_file():
        return False
    pages = indexed_pages(site)
    served = all(_INJECTED.sub(b"", fetch(server, "/" + p.relative_to(site).as_posix())[2]) == p.read_bytes() for p in pages)
    return served and stamp.read_text().strip() == hash_pages(site, pages)


def test_search_index_is_refreshed_after_the_reload_not_before(project):
    project.brief(title="First title")
    with running_server(project.options()) as server:
        wait_until(lambda: "search index refreshed" in server.stream.text() and index_is_current(server), what="the first search index")
        events = EventStream(server)
        events.next_state()
        refreshed = server.stream.text().count("search index refreshed")
        project.brief(title="Second title")
        assert events.next_state()["errors"] == []  # the reload is announced ...
        assert "Second title" in text_of(server, "/briefs/2023-12-07-joint-statement/")
        # ... then search catches up in its own process.
        wait_until(lambda: server.stream.text().count("search index refreshed") > refreshed and index_is_current(server),
                   what="the refreshed search index")
        log = server.stream.text()
        assert log.rindex("after ") < log.rindex("search index refreshed")
        events.close()


def test_every_refresh_outlives_the_thread_that_asked_for_it(project):
    """The kernel kills a child when the thread that forked it ends (the death signal
    follows threads): refreshes asked for by passing threads must still complete. Half of
    them died when a timer's thread forked them."""
    project.brief(title="Title 0")
    with running_server(project.options()) as server:
        wait_until(lambda: server.indexer.completed == 1, what="the first index")
        for number in range(1, 7):
            project.brief(title=f"Title {number}")
            wait_until(lambda: server.indexer.completed == number + 1 or "error: search index" in server.stream.text(),
                       what=f"refresh {number}")
            assert "error: search index" not in server.stream.text()


def _slow_refreshes(project, monkeypatch) -> Path:
    """A file whose number is how many seconds each search-index refresh takes (0 at first)."""
    import briefing.dev.indexer as indexer

    index = indexer.write_search_index
    slow = project.root / "slow"
    slow.write_text("")

    def slow_index(stage, previous=None):
        # The forked child sees this patch: a refresh that takes as long as the file says.
        time.sleep(float(slow.read_text() or 0))
        return index(stage, previous)

    monkeypatch.setattr(indexer, "write_search_index", slow_index)
    return slow


@contextlib.contextmanager
def _slowly_indexing_server(project, monkeypatch):
    """(server, slow): a server that has indexed "First title", whose next refreshes each
    take 60 s until `slow` (see _slow_refreshes) says otherwise."""
    slow = _slow_refreshes(project, monkeypatch)
    project.brief(title="First title")
    with running_server(project.options()) as server:
        wait_until(lambda: server.indexer.completed == 1, what="the first index")
        slow.write_text("60")
        yield server, slow


@contextlib.contextmanager
def _during_a_slow_refresh(project, monkeypatch):
    """(server, slow, child): a server whose refresh after the second save sleeps 60 s,
    `slow` (see _slow_refreshes) and the pid of that refresh."""
    with _slowly_indexing_server(project, monkeypatch) as (server, slow):
        project.brief(title="Second title")
        wait_until(lambda: server.indexer.running, what="a slow refresh")
        yield server, slow, server.indexer._child


def _index_shows(server, title: str) -> bool:
    """Whether serve's search index is current and was made from a brief page with `title`."""
    page = server.indexer.site / "briefs/2023-12-07-joint-statement/index.html"
    return index_is_current(server) and title.encode() in page.read_bytes()


def test_a_save_during_a_slow_refresh_is_served_at_once_and_replaces_the_refresh(project, monkeypatch):
    with _during_a_slow_refresh(project, monkeypatch) as (server, slow, child):
        started = time.monotonic()
        project.brief(title="Third title")
        wait_until(lambda: "Third title" in text_of(server, "/briefs/2023-12-07-joint-statement/"), what="the third save")
        assert time.monotonic() - started < 10  # not held up by the refresh
        wait_until(lambda: not _alive(child), what="the slow refresh to be stopped")
        slow.write_text("0")
        project.brief(title="Fourth title")
        wait_until(lambda: _index_shows(server, "Fourth title"), what="a refresh of the newest site")


def test_a_refresh_never_holds_the_build_lock_a_save_was_applied_under(project, monkeypatch):
    # flock belongs to the open lock file, which a fork shares: a refresh forked while a save
    # is applied would hold the project's build lock until it exits, and the next save (or
    # any build) would wait for a whole refresh.
    from briefing.build import output_lock_file
    from briefing.store import lock

    with _slowly_indexing_server(project, monkeypatch) as (server, slow):
        applying, release = _held_rebuilds(server, monkeypatch)
        project.brief(title="Second title")
        assert applying.wait(WAIT), "the save was never applied"
        server.indexer.schedule(server.site.current, 0.0)  # a refresh due while the save is applied
        time.sleep(0.5)  # time enough to fork, were forking allowed now
        release.set()
        wait_until(lambda: "Second title" in text_of(server, "/briefs/2023-12-07-joint-statement/"), what="the save")
        wait_until(lambda: server.indexer.running, what="a slow refresh")
        locks = [output_lock_file(server.options.out)] + ([server.store.folder / "lock"] if server.store.on_disk else [])
        for path in locks:
            with lock.exclusive(path, wait=False):  # free while the refresh runs: raises Busy if not
                pass


def test_a_save_stops_a_running_refresh_before_it_is_applied(project, monkeypatch):
    # While a forked refresh lives, each page of memory the server writes to while applying
    # the save is copied first (fork shares memory copy-on-write): the save stops it at once.
    with _during_a_slow_refresh(project, monkeypatch) as (server, slow, child):
        applying, release = _held_rebuilds(server, monkeypatch)
        project.brief(title="Third title")
        try:
            assert applying.wait(WAIT), "the save was never applied"
            wait_until(lambda: not _alive(child), what="the refresh to stop while the save is applied")
        finally:
            slow.write_text("0")  # the next refresh is quick
            release.set()
        wait_until(lambda: "Third title" in text_of(server, "/briefs/2023-12-07-joint-statement/"), what="the save")
        wait_until(lambda: index_is_current(server), what="a refresh of the newest site")


def test_a_save_never_waits_for_a_stopped_refresh_to_end(project, monkeypatch):
    # The next refresh starts only once every stopped one has ended (two must never write
    # the index folder at once). It waits for them without the refresher's lock, which
    # each save's cancel() takes: a child slow to end must not hold up the saves.
    import briefing.dev.indexer as indexer

    ending, release = threading.Event(), threading.Event()
    real_end = indexer._end

    def held_end(pid):
        ending.set()
        assert release.wait(WAIT)
        real_end(pid)

    monkeypatch.setattr(indexer, "_end", held_end)
    with _during_a_slow_refresh(project, monkeypatch) as (server, slow, child):
        try:
            project.brief(title="Third title")  # stops the slow refresh; the next one waits for it
            assert ending.wait(WAIT), "the next refresh never waited for the stopped one"
            project.brief(title="Fourth title")
            wait_until(lambda: "Fourth title" in text_of(server, "/briefs/2023-12-07-joint-statement/"), what="a save while a refresh waits")
        finally:
            slow.write_text("0")
            release.set()
        wait_until(lambda: _index_shows(server, "Fourth title"), what="a refresh of the newest site")


def test_a_refresh_waiting_to_fork_when_a_save_comes_is_stopped_before_the_save_is_applied(project, monkeypatch):
    # The refresh forks holding the lock a save is applied under (and the render lock, here
    # held by a page being rendered): the save tells it to stop under that lock, so a child
    # forked just before is stopped too.
    with _slowly_indexing_server(project, monkeypatch) as (server, slow):
        applying, release = _held_rebuilds(server, monkeypatch)
        try:
            with server.render_lock:
                server.indexer.schedule(server.site.current, 0.0)
                wait_until(lambda: server._applying.locked(), what="the refresh waiting to fork")
                project.brief(title="Second title")
                wait_until(lambda: not server._settled.is_set(), what="the save's rebuild to begin")
            assert applying.wait(WAIT), "the save was never applied"
            assert server.indexer._child is None, "a refresh runs beside the save"
            wait_until(lambda: not any(_alive(pid) for pid in server.indexer._cancelled), what="the stopped refresh to end")
        finally:
            slow.write_text("0")
            release.set()
        wait_until(lambda: "Second title" in text_of(server, "/briefs/2023-12-07-joint-statement/"), what="the save")
        wait_until(lambda: index_is_current(server), what="a refresh of the newest site")


def test_a_save_that_fails_lets_search_catch_up_with_the_last_good_build(project, monkeypatch):
    # The failed save stopped the refresh of the last good build; nothing newer will come
    # until a save succeeds, so that refresh starts again.
    with _during_a_slow_refresh(project, monkeypatch) as (server, slow, child):
        slow.write_text("0")
        path = project.root / "content/briefs/2023/2023-12-07-joint-statement.md"
        path.write_text(path.read_text(encoding="utf-8").replace("type: ", "type: nonsense-", 1), encoding="utf-8")
        wait_until(lambda: "rebuild failed" in server.stream.text() and not _alive(child), what="the failed save")
        wait_until(lambda: _index_shows(server, "Second title"), what="a refresh of the last good build")


def _held_rebuilds(server, monkeypatch) -> tuple[threading.Event, threading.Event]:
    """(applying, release): each save's rebuild sets `applying`, then waits for `release`."""
    applying, release = threading.Event(), threading.Event()
    real_rebuild = server.site.rebuild

    def held_rebuild(changed=None):
        applying.set()
        assert release.wait(WAIT)
        return real_rebuild(changed)

    monkeypatch.setattr(server.site, "rebuild", held_rebuild)
    return applying, release


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stream:
            return stream.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


def test_a_failed_refresh_is_reported_and_search_keeps_the_last_index(project, monkeypatch):
    import briefing.dev.indexer as indexer
    from briefing.output.search_index import SearchIndexError

    project.brief(title="First title")
    with running_server(project.options()) as server:
        wait_until(lambda: server.indexer.completed == 1, what="the first index")

        def failing(stage, previous=None):
            raise SearchIndexError("Pagefind failed (exit 3): Error: disk on fire")

        monkeypatch.setattr(indexer, "write_search_index", failing)
        project.brief(title="Second title")
        wait_until(lambda: "error: search index: Pagefind failed (exit 3): Error: disk on fire (search shows the previous index)" in server.stream.text(),
                   what="the indexing error")
        assert "Second title" in text_of(server, "/briefs/2023-12-07-joint-statement/")
        assert fetch(server, "/pagefind/pagefind.js")[0] == 200
        assert "internal error" not in server.stream.text()


def test_requests_for_another_host_are_refused(project):
    project.brief()
    with running_server(project.options()) as server:
        for host, status in [(f"127.0.0.1:{server.port}", 200), (f"localhost:{server.port}", 200),
                             (f"evil.example:{server.port}", 421), ("127.0.0.1:1", 421)]:
            response = _raw_request(server.port, f"GET /briefs/2023-12-07-joint-statement/ HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
            assert response.startswith(f"HTTP/1.0 {status} ".encode()), host
            assert (b"Joint statement" in response) == (status == 200)


def test_a_second_serve_of_the_project_is_refused(project):
    project.brief()
    with running_server(project.options()):
        result = subprocess.run(
            [sys.executable, str(REPO / "build.py"), "serve", "--root", str(project.root), "--port", "0"],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 1
    assert "another `serve` of this project is running" in result.stderr and "Traceback" not in result.stderr

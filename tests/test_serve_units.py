"""serve's pure parts: request paths, the injected script tag, content types, ignored files."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from briefing.dev.serve import (
    NOT_FOUND, Target, browser_host, content_type, inject_reload_script, is_loopback, resolve_request,
)
from briefing.dev.watch import SourceWatcher, is_ignored


@pytest.fixture
def out(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "briefs" / "a").mkdir(parents=True)
    (site / "index.html").write_text("home")
    (site / "briefs" / "a" / "index.html").write_text("brief a")
    (site / "empty").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    return site


def test_paths_under_the_base_path_map_to_files(out):
    assert resolve_request(out, "/", "/") == Target(file=out / "index.html")
    assert resolve_request(out, "/", "/briefs/a/") == Target(file=out / "briefs" / "a" / "index.html")
    assert resolve_request(out, "/", "/briefs/a/index.html?x=1#top") == Target(file=out / "briefs" / "a" / "index.html")
    assert resolve_request(out, "/", "/%62riefs/a/") == Target(file=out / "briefs" / "a" / "index.html")
    assert resolve_request(out, "/archive/", "/archive/briefs/a/") == Target(file=out / "briefs" / "a" / "index.html")


def test_folders_redirect_to_their_slash_and_the_root_to_the_base_path(out):
    assert resolve_request(out, "/", "/briefs/a") == Target(redirect="/briefs/a/")
    assert resolve_request(out, "/", "/briefs/a?q=x%20y") == Target(redirect="/briefs/a/?q=x%20y")
    assert resolve_request(out, "/archive/", "/") == Target(redirect="/archive/")
    assert resolve_request(out, "/archive/", "/archive") == Target(redirect="/archive/")


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt", "/briefs/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/briefs/%2e%2e/%2e%2e/secret.txt",
        "//etc/passwd", "/%2fetc%2fpasswd", "/..\\secret.txt", "/%5c..%5csecret.txt",
        "/index.html%00", "/./index.html", "/%ff", "etc/passwd", "http://127.0.0.1/index.html",
        "/empty/", "/missing", "/briefs//a/", "/C:/Windows", "/index.html/x",
    ],
)
def test_paths_leaving_the_output_or_missing_are_not_found(out, path):
    assert resolve_request(out, "/", path) == NOT_FOUND


def test_paths_outside_the_base_path_are_not_found(out):
    assert resolve_request(out, "/archive/", "/index.html") == NOT_FOUND
    assert resolve_request(out, "/archive/", "/archived/") == NOT_FOUND


def test_symlinks_inside_the_output_that_lead_out_are_not_found(out):
    os.symlink(out.parent / "secret.txt", out / "leak.txt")
    os.symlink(out.parent, out / "up")
    (out / "briefs" / "b").mkdir()
    os.symlink(out.parent / "secret.txt", out / "briefs" / "b" / "index.html")
    assert resolve_request(out, "/", "/leak.txt") == NOT_FOUND
    assert resolve_request(out, "/", "/up/secret.txt") == NOT_FOUND
    assert resolve_request(out, "/", "/briefs/b/") == NOT_FOUND


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

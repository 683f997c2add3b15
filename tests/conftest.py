"""Shared fixtures: tiny inline projects, the bundled archive built once, a loopback
static server, and headless Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import socket
import threading
import textwrap
from pathlib import Path
from typing import Iterator

import pytest

import hypothesis_profiles  # noqa: F401 - registers and loads the Hypothesis profiles
from briefing.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

SITE_YAML = """\
title: Test Archive
description: A tiny archive for tests.
base_url: https://example.org/
language: en
author: Test authors
license: CC BY 4.0
page_size: 20
feed_size: 20
"""

VOCABULARY_YAML = """\
types:
  - id: statement
    label: Statement
    description: A joint or unilateral statement.
  - id: prisoner-release
    label: Prisoner release
    description: Release or exchange of detainees.
  - id: summit
    label: Summit
    description: A meeting of leaders.
actors:
  - id: armenia
    label: Armenia
    description: The Republic of Armenia.
  - id: azerbaijan
    label: Azerbaijan
    description: The Republic of Azerbaijan.
  - id: russia
    label: Russia
    description: The Russian Federation.
tags:
  - id: prisoners
    label: Prisoners
    description: Detainees and their release.
  - id: cop29
    label: COP29
    description: The 2024 UN climate conference.
"""


def brief_text(
    title: str = "Joint statement on prisoners",
    date: str = "2023-12-07",
    type: str = "statement",
    actors: str = "[armenia, azerbaijan]",
    summary: str = "The two governments agreed to release detained servicemen.",
    extra: str = "",
    body: str = "Both sides announced **confidence-building** steps.\n",
) -> str:
    """Text of a valid brief; pass `extra` for more front matter lines."""
    return (
        "---\n"
        f"title: {title}\n"
        f"date: {date}\n"
        f"type: {type}\n"
        f"actors: {actors}\n"
        f"summary: {summary}\n"
        "sources:\n"
        "  - publisher: News.Az\n"
        "    title: Moscow hails intention of Baku-Yerevan to normalize relations\n"
        "    url: https://news.az/news/moscow-hails\n"
        "    date: 2023-12-08\n"
        f"{extra}"
        "---\n"
        f"{body}"
    )


class Project:
    """A project folder written inline: content/ plus a copy of the real templates/."""

    def __init__(self, root: Path):
        self.root = root
        (root / "content" / "briefs").mkdir(parents=True)
        (root / "content" / "pages").mkdir()
        (root / "content" / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        (root / "content" / "vocabulary.yaml").write_text(VOCABULARY_YAML, encoding="utf-8")
        shutil.copytree(REPO / "templates", root / "templates")

    @property
    def out(self) -> Path:
        return self.root / "site"

    def write(self, relative: str, text: str | bytes) -> Path:
        """Write a file under the project root (dedenting text)."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def brief(self, stem: str = "2023-12-07-joint-statement", **fields: str) -> Path:
        """Write a valid brief (fields override brief_text's defaults)."""
        fields.setdefault("date", stem[:10])
        return self.write(f"content/briefs/{stem[:4]}/{stem}.md", brief_text(**fields))

    def options(self, **overrides) -> BuildOptions:
        return BuildOptions.for_root(self.root, **overrides)

    def build(self, **overrides):
        return build_site(self.options(**overrides))


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """An empty valid project (no briefs yet) in a temporary folder."""
    return Project(tmp_path / "project")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, keyed by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_repository(out: Path, **overrides):
    """Build this repository's content/ and templates/ into `out` without its .cache/
    (tests never share it: a developer's builds and other test workers use it)."""
    return build_site(BuildOptions.for_root(REPO, out=out, use_cache=False, **overrides))


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> Path:
    """The bundled archive (content/ and templates/ of this repository) built once."""
    out = tmp_path_factory.mktemp("bundled") / "site"
    build_repository(out)
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        pass


class PrefixedHandler(_QuietHandler):
    """Serves `directory` under URL prefix `prefix` (e.g. '/archive/'), like a Pages project site."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_prefix__")
        return super().translate_path("/" + path[len(self.prefix):])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve_folder() -> Iterator:
    """Start a loopback static server: serve_folder(path, prefix='/') -> base URL."""
    servers = []

    def start(folder: Path, prefix: str = "/") -> str:
        handler = functools.partial(type("H", (PrefixedHandler,), {"prefix": prefix}), directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{prefix}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium via Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@contextlib.contextmanager
def sized_page(browser, width: int, height: int = 900, scheme: str = "light", **options):
    """A page in a fresh browser context with this viewport and colour scheme."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def page(browser):
    """A fresh browser page; console errors are collected in page.console_errors."""
    context = browser.new_context()
    tab = context.new_page()
    tab.console_errors = []
    tab.on("console", lambda msg: tab.console_errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()

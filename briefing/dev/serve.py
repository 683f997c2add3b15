"""`build.py serve`: build, serve the output on loopback, rebuild on save, reload browsers.

The only module that uses http.server. Pages get a small live-reload script added as they
are sent (never written to the output folder); a failed rebuild keeps the last good site
and shows its errors in the terminal and in an overlay on every open page.
"""

from __future__ import annotations

import http.server
import ipaddress
import json
import mimetypes
import re
import secrets
import select
import signal
import socket
import sys
import threading
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, TextIO
from urllib.parse import unquote

from ..build import BuildOptions, BuildReport, build_site, output_state_file
from ..content.config import load_site_config
from ..errors import BuildFailed, failure_summary
from ..content.files import relative_name
from ..output.search_index import SearchIndexError, write_search_index
from ..site.security import CONTENT_SECURITY_POLICY
from ..site.urls import Urls
from .watch import SourceWatcher
from ..output.write import OutputError, adopt_output

ASSETS = Path(__file__).resolve().parent / "serve_assets"
SERVE_PREFIX = "/__serve/"  # the dev server's own URLs; never a path of the site
_ASSET_FILES = {"reload.js": "text/javascript; charset=utf-8", "overlay.css": "text/css; charset=utf-8"}
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".ico": "image/x-icon",
    ".wasm": "application/wasm",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}
_KEEPALIVE_SECONDS = 15.0
_CLIENT_CHECK_SECONDS = 0.25
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class ServeSettings:
    """How the dev server listens and watches."""

    host: str = "127.0.0.1"
    port: int = 8000
    poll: bool = False
    poll_interval: float = 1.0
    debounce: float = 0.1  # quiet time that ends a burst of saves
    quiet: bool = False  # print errors and the address only, not every successful build


@dataclass(frozen=True)
class Target:
    """What a request path resolves to: a file, a redirect, or nothing."""

    file: Path | None = None
    redirect: str = ""


NOT_FOUND = Target()


def resolve_request(out: Path, base_path: str, raw_path: str) -> Target:
    """Map a request path to a file inside `out`; anything leaving `out` is NOT_FOUND."""
    path, _, query = raw_path.split("#", 1)[0].partition("?")
    if not path.startswith("/"):
        return NOT_FOUND  # absolute-form or garbage request targets
    if not path.startswith(base_path):
        return Target(redirect=base_path) if path in ("/", base_path.rstrip("/")) else NOT_FOUND
    segments = path[len(base_path):].split("/")
    parts: list[str] = []
    for index, segment in enumerate(segments):
        try:
            name = unquote(segment, errors="strict")
        except UnicodeDecodeError:
            return NOT_FOUND
        if name == "":
            if index != len(segments) - 1:
                return NOT_FOUND  # '//' would make the rest an absolute path
            continue
        if name in (".", "..") or any(c in name for c in "/\\\x00") or ":" in name:
            return NOT_FOUND
        parts.append(name)
    root = out.resolve()
    candidate = out.joinpath(*parts)
    if not _inside(candidate, root):
        return NOT_FOUND
    if candidate.is_dir():
        if not path.endswith("/"):
            return Target(redirect=path + "/" + (f"?{query}" if query else ""))
        candidate = candidate / "index.html"
        if not _inside(candidate, root):
            return NOT_FOUND
    return Target(file=candidate) if candidate.is_file() else NOT_FOUND


def _inside(path: Path, root: Path) -> bool:
    # Resolving follows every symlink, so a link inside the output that points out fails.
    try:
        return path.resolve().is_relative_to(root)
    except (OSError, RuntimeError):
        return False


def content_type(path: Path) -> str:
    """The Content-Type header for a file, by its suffix."""
    suffix = path.suffix.lower()
    if suffix in _CONTENT_TYPES:
        return _CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def inject_reload_script(html: bytes, build_id: str) -> bytes:
    """Add the live-reload script tag to a page (before </head>, else </body>, else at the end)."""
    tag = f'<script src="{SERVE_PREFIX}reload.js" data-serve-build="{build_id}" defer></script>\n'.encode()
    for pattern in (_HEAD_END, _BODY_END):
        match = pattern.search(html)
        if match:
            return html[: match.start()] + tag + html[match.start():]
    return html + tag


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def browser_host(host: str) -> str:
    """The host to put in URLs a browser on this machine opens."""
    bare = host.strip("[]")
    if bare in ("", "0.0.0.0"):
        return "127.0.0.1"
    if bare == "::":
        return "[::1]"
    return f"[{bare}]" if ":" in bare else bare


class LiveState:
    """The latest build's outcome, shared between the rebuild loop and open pages."""

    def __init__(self) -> None:
        self._instance = secrets.token_hex(4)  # a restarted server makes every page reload
        self._generation = 0
        self._errors: tuple[str, ...] = ()
        self._summary = ""
        self._version = 0
        self._listeners = 0
        self._closed = False
        self._changed = threading.Condition()

    @property
    def build_id(self) -> str:
        """Identifier of the site currently in the output folder."""
        with self._changed:
            return f"{self._instance}-{self._generation}"

    @property
    def listeners(self) -> int:
        """How many pages hold an event stream open."""
        with self._changed:
            return self._listeners

    def publish_success(self) -> None:
        """A rebuild succeeded: pages reload."""
        with self._changed:
            self._generation += 1
            self._errors, self._summary = (), ""
            self._bump()

    def publish_failure(self, errors: tuple[str, ...], summary: str) -> None:
        """A rebuild failed: pages show the errors over the last good site."""
        with self._changed:
            self._errors, self._summary = errors, summary
            self._bump()

    def close(self) -> None:
        """End every event stream (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._bump()

    def snapshot(self) -> tuple[int, dict]:
        """The state's version and the event pages receive."""
        with self._changed:
            event = {"build": f"{self._instance}-{self._generation}", "errors": list(self._errors), "summary": self._summary}
            return self._version, event

    def wait_newer(self, version: int, timeout: float) -> bool:
        """Wait until the state is newer than `version`; False if closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != version or self._closed, timeout=timeout)
            return not self._closed

    def listening(self, delta: int) -> None:
        """Count an event stream opening (+1) or closing (-1)."""
        with self._changed:
            self._listeners += delta
            self._changed.notify_all()

    def _bump(self) -> None:
        self._version += 1
        self._changed.notify_all()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], dev: "DevServer"):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.dev = dev
        super().__init__(address, _Handler)

    def handle_error(self, request, client_address) -> None:
        # Browsers drop connections all the time (reloads, closed tabs); that is no error.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        self.dev.log("serve: error while answering a request:\n" + traceback.format_exc().rstrip())


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    server_version = "briefing-serve"
    timeout = 30  # a client that stops sending does not hold a thread forever
    build_id = ""  # the build a response's page belongs to

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib naming
        self._answer(send_body=False)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format, *args) -> None:  # noqa: A002 - stdlib signature
        pass  # the terminal is for build results; requests would drown them

    def _answer(self, send_body: bool) -> None:
        dev = self.server.dev
        # Taken before reading any file: a page is never stamped newer than its content,
        # so at worst it reloads once more than needed, never once too few.
        self.build_id = dev.state.build_id
        path = self.path.split("?", 1)[0]
        if path == SERVE_PREFIX + "events":
            if send_body:
                self._stream_events(dev.state)
            else:
                self._send(200, b"", "text/event-stream", send_body)
            return
        if path.startswith(SERVE_PREFIX):
            name = path[len(SERVE_PREFIX):]
            if name in _ASSET_FILES:
                self._send(200, (ASSETS / name).read_bytes(), _ASSET_FILES[name], send_body)
            else:
                self._not_found(send_body)
            return
        target = resolve_request(dev.out, dev.base_path, self.path)
        if target.redirect:
            self.send_response(302)
            self.send_header("Location", target.redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if target.file is None:
            self._not_found(send_body)
            return
        try:
            data = target.file.read_bytes()
        except OSError:  # removed by a rebuild's swap between resolving and reading
            self._not_found(send_body)
            return
        self._send(200, data, content_type(target.file), send_body)

    def _not_found(self, send_body: bool) -> None:
        page = self.server.dev.out / "404.html"
        try:
            data = page.read_bytes()
        except OSError:  # no site built yet (the first build failed)
            data = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>404</title></head><body><h1>404 Not Found</h1></body></html>\n'
        self._send(404, data, "text/html; charset=utf-8", send_body)

    def _send(self, status: int, data: bytes, ctype: str, send_body: bool) -> None:
        if ctype.startswith("text/html"):
            data = inject_reload_script(data, self.build_id)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _stream_events(self, state: LiveState) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state.listening(+1)
        try:
            self.wfile.write(b"retry: 1000\n\n")
            version, event = state.snapshot()
            self._write_event(event)
            quiet_since = time.monotonic()
            while state.wait_newer(version, _CLIENT_CHECK_SECONDS) and not self._client_gone():
                newer, event = state.snapshot()
                if newer != version:
                    version = newer
                    self._write_event(event)
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since > _KEEPALIVE_SECONDS:
                    self.wfile.write(b": keep-alive\n\n")  # keeps proxies and idle timeouts away
                    self.wfile.flush()
                    quiet_since = time.monotonic()
        except (ConnectionError, TimeoutError, ValueError):
            pass  # the page closed or reloaded
        finally:
            state.listening(-1)

    def _client_gone(self) -> bool:
        # A page that closes its EventSource (hidden tab, reload) closes the socket: the
        # stream sees end-of-file at once instead of at the next write.
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _write_event(self, event: dict) -> None:
        self.wfile.write(b"event: state\ndata: " + json.dumps(event).encode() + b"\n\n")
        self.wfile.flush()


class DevServer:
    """Builds, serves and rebuilds one project; start() then stop(), or run()."""

    def __init__(
        self,
        options: BuildOptions,
        settings: ServeSettings = ServeSettings(),
        stream: TextIO | None = None,
        build: Callable[[BuildOptions], BuildReport] = build_site,
    ):
        self.settings = settings
        self.stream = stream if stream is not None else sys.stderr
        self.build = build
        self.state = LiveState()
        self.stopping = threading.Event()
        self.base_path = _base_path(options)
        self.options = options
        self.out = options.out
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        # Held while a build swaps the output or the indexer writes into it, never both.
        self._output_lock = threading.Lock()
        self._watcher = SourceWatcher(
            [options.content, options.templates], poll=settings.poll, interval=settings.poll_interval
        )

    @property
    def url(self) -> str:
        """The site's address, e.g. http://127.0.0.1:8000/."""
        return f"http://{browser_host(self.settings.host)}:{self.port}{self.base_path}"

    @property
    def port(self) -> int:
        """The port listened on (the real one once bound, also with --port 0)."""
        return self._server.server_address[1] if self._server else self.settings.port

    def log(self, text: str) -> None:
        """Print a line to the terminal."""
        print(text, file=self.stream, flush=True)

    def bind(self) -> None:
        """Open the listening socket (raises OSError, e.g. when the port is taken)."""
        if self._server is None:
            self._server = _Server((self.settings.host.strip("[]"), self.settings.port), self)

    def start(self) -> bool:
        """Bind, build once, then serve and watch in background threads; False if the first build failed."""
        self.bind()
        # Built pages point at this server, so links and feeds work locally. The search
        # index is refreshed after each reload instead of inside the build, so a save
        # shows at once and search catches up a moment later.
        self.options = replace(self.options, base_url=self.url, search="later")
        if not is_loopback(self.settings.host):
            self.log(
                f"warning: serving on {self.settings.host} makes this development server reachable "
                "from other machines; it is meant for local use only"
            )
        self._watcher.start()  # before the first build, so a save during it is not lost
        ok = self.rebuild(())
        self._spawn(self._server.serve_forever, "serve-http")
        self._spawn(self._rebuild_loop, "serve-rebuild")
        self.log(f"serving {relative_name(self.out, self.options.root)}/ at {self.url} (Ctrl-C to stop)")
        return ok

    def stop(self) -> None:
        """Stop watching, end event streams and the HTTP server, and wait for the threads."""
        self.stopping.set()
        self._watcher.stop()
        self.state.close()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def run(self) -> int:
        """Serve until Ctrl-C (or SIGTERM); return the exit status."""
        previous = signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        try:
            self.start()
            while not self.stopping.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            self.stop()
        self.log("stopped")
        return 0

    def rebuild(self, changed: tuple[str, ...]) -> bool:
        """Run one build; publish its outcome to open pages; True on success."""
        started = time.perf_counter()
        try:
            with self._output_lock:
                report = self.build(self.options)
        except BuildFailed as failure:
            lines = tuple(problem.format() for problem in failure.problems)
            self._fail(lines, failure_summary(failure.problems, self.out.name))
            return False
        except OutputError as exc:
            self._fail((f"error: {exc}",), "build failed")
            return False
        except SearchIndexError as exc:
            self._fail((f"error: search index: {exc}",), f"build failed; {self.out.name}/ left unchanged")
            return False
        except Exception:  # noqa: BLE001 - an engine bug must not kill the server
            self._fail(tuple(traceback.format_exc().rstrip().splitlines()), "internal error (a bug in the engine, not in your content)")
            return False
        self.state.publish_success()
        what = f" after {_describe(changed, self.options.root)}" if changed else ""
        if not self.settings.quiet:
            self.log(f"built {report.briefs} briefs{what}: {report.written} files written, {report.unchanged} unchanged, in {time.perf_counter() - started:.2f} s")
        if self.options.search == "later":
            self._spawn(self.refresh_search_index, "serve-index")
        return True

    def refresh_search_index(self) -> None:
        """Bring the served site's search index up to date (runs after the reload)."""
        with self._output_lock:
            if self.stopping.is_set() or not self.out.is_dir():
                return
            try:
                report = write_search_index(self.out)
            except SearchIndexError as exc:
                self.log(f"error: search index: {exc} (search shows the previous index)")
                return
            # The index folder changed inside the live output: the rest is still as built.
            adopt_output(self.out, output_state_file(self.options))
        if not self.settings.quiet and not report.reused:
            self.log(f"search index refreshed: {report.pages} pages in {report.seconds:.2f} s")

    def _fail(self, lines: tuple[str, ...], summary: str) -> None:
        for line in lines:
            self.log(line)
        self.log(summary)
        self.state.publish_failure(lines, summary)

    def _rebuild_loop(self) -> None:
        while not self.stopping.is_set():
            changed = self._watcher.wait_for_changes(self.settings.debounce, self.stopping)
            if changed and not self.stopping.is_set():
                self.rebuild(changed)

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)


def _base_path(options: BuildOptions) -> str:
    """The URL path the site lives under: from --base-url, else site.yaml, else '/'."""
    if options.base_url:
        return Urls(options.base_url.rstrip("/") + "/").base_path
    config, _ = load_site_config(options.root, options.content)
    return Urls(config.base_url).base_path if config else "/"


def _describe(changed: tuple[str, ...], root: Path) -> str:
    names = [relative_name(Path(p), root.resolve()) for p in changed]
    return names[0] if len(names) == 1 else f"{len(names)} changes"


def default_out(root: Path) -> Path:
    """Where serve builds unless --out says otherwise (kept apart from the deployable site/)."""
    return root / ".cache" / "serve" / "site"


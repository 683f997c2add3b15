"""`build.py serve`: the site kept in memory, served on loopback, updated on save.

The only module that uses http.server. Pages are rendered when asked for, from the
latest good build kept in memory (see live.py), with a small live-reload script added;
nothing is written to site/. A failed rebuild keeps the last good site and shows its
errors in the terminal and over every open page. The search index catches up in a
child process (see indexer.py). Requests whose Host is not this server's are refused,
so a web page cannot reach the server through DNS rebinding.
"""

from __future__ import annotations

import contextlib
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
from typing import TextIO

from ..build import BuildOptions, build_lock
from ..content.config import load_site_config
from ..content.files import relative_name
from ..errors import BuildFailed, failure_summary
from ..site.security import CONTENT_SECURITY_POLICY
from ..site.urls import Urls
from ..store import lock
from ..store.store import Store
from .indexer import IndexRefresher
from .live import LiveSite, output_file_for, site_path
from .watch import SourceWatcher

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
# How long a request waits for a save being applied before it gets the last good build
# (a template save at 10,000 briefs rebuilds for seconds; a brief save, well under one).
_REBUILD_WAIT_SECONDS = 3.0
_CLIENT_CHECK_SECONDS = 0.25
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_NO_SITE_YET = b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Not built yet</title></head><body><h1>The site has not been built yet</h1><p>Fix the errors shown in the terminal; this page reloads when the build succeeds.</p></body></html>\n'


@dataclass(frozen=True)
class ServeSettings:
    """How the dev server listens and watches."""

    host: str = "127.0.0.1"
    port: int = 8000
    poll: bool = False
    poll_interval: float = 1.0
    debounce: float = 0.02  # quiet time that ends a burst of saves
    quiet: bool = False  # print errors and the address only, not every successful build
    search: bool = True  # keep a search index (in a child process)
    index_delay: float = 0.5  # seconds without a save before the search index is refreshed


@dataclass(frozen=True)
class Answer:
    """What a request gets: a status, a body and its type, or a redirect."""

    status: int
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    location: str = ""


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
        host = self.headers.get("Host")
        if host is not None and not dev.host_allowed(host):  # only browsers need one, and send it
            self._send(Answer(421, b"This development server answers only requests addressed to it.\n", "text/plain; charset=utf-8"), send_body)
            return
        # Taken before the page is made: a page is never stamped newer than its content,
        # so at worst it reloads once more than needed, never once too few.
        self.build_id = dev.state.build_id
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == SERVE_PREFIX + "events":
            if send_body:
                self._stream_events(dev.state)
            else:
                self._send(Answer(200, b"", "text/event-stream"), send_body)
            return
        if path.startswith(SERVE_PREFIX):
            name = path[len(SERVE_PREFIX):]
            answer = Answer(200, (ASSETS / name).read_bytes(), _ASSET_FILES[name]) if name in _ASSET_FILES else dev.not_found()
            self._send(answer, send_body)
            return
        self._send(dev.answer(self.path), send_body)

    def _send(self, answer: Answer, send_body: bool) -> None:
        data = answer.body
        if answer.content_type.startswith("text/html"):
            data = inject_reload_script(data, self.build_id)
        self.send_response(answer.status)
        if answer.location:
            self.send_header("Location", answer.location)
        self.send_header("Content-Type", answer.content_type)
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
    """Builds in memory, serves and rebuilds one project; start() then stop(), or run()."""

    def __init__(self, options: BuildOptions, settings: ServeSettings = ServeSettings(), stream: TextIO | None = None):
        self.settings = settings
        self.stream = stream if stream is not None else sys.stderr
        self.state = LiveState()
        self.stopping = threading.Event()
        self.base_path = _base_path(options)
        self.options = options
        self.folder = options.root / SERVE_FOLDER
        self.store = Store.open(options.root) if options.use_cache else Store.memory()
        self.site = LiveSite(options, self.store)
        # Held while a page is rendered and while the indexer forks: the child must not
        # inherit a template environment in the middle of a render.
        self.render_lock = threading.Lock()
        self._cache: tuple[int, dict[str, bytes]] = (0, {})  # generation number, files made for it
        # Clear while a save is being applied: a page asked for meanwhile waits for it (a
        # reader who reloads right after saving gets the save), and waiting requests cost
        # the rebuild nothing, where answering each from the last build would slow it.
        self._settled = threading.Event()
        self._settled.set()
        # Held while a save is applied. A child forked meanwhile would share the open files
        # of the build lock (flock belongs to the open file, which a fork shares) and hold
        # it until it exits: the next save, and any build, would wait for a whole refresh.
        self._applying = threading.Lock()
        fork_guard = _Together(self._applying, self.render_lock)  # in this order: see rebuild
        self.indexer = IndexRefresher(self.folder, Store.open(options.root, self.folder), self.log, fork_guard)
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self._session: contextlib.ExitStack | None = None
        self._watcher = SourceWatcher([options.content, options.templates], poll=settings.poll, interval=settings.poll_interval)

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
        """Bind, build once, then serve and watch in background threads; False if the first build failed.

        Raises lock.Busy when another serve of this project is running.
        """
        session = contextlib.ExitStack()
        session.enter_context(lock.exclusive(self.folder / "lock", wait=False))
        self._session = session
        self.bind()
        # Pages point at this server, so links and feeds work locally.
        self.options = replace(self.options, base_url=self.url)
        self.site.options = self.options
        if not is_loopback(self.settings.host):
            self.log(
                f"warning: serving on {self.settings.host} makes this development server reachable "
                "from other machines; it is meant for local use only"
            )
        self._watcher.start()  # before the first build, so a save during it is not lost
        ok = self.rebuild(())
        self._spawn(self._server.serve_forever, "serve-http")
        self._spawn(self._rebuild_loop, "serve-rebuild")
        self.log(f"serving {relative_name(self.options.content, self.options.root)}/ at {self.url} from memory (Ctrl-C to stop)")
        return ok

    def stop(self) -> None:
        """Stop watching, end event streams, the indexer and the HTTP server, keep the
        store for the next build, and wait for the threads."""
        self.stopping.set()
        self._watcher.stop()
        self.state.close()
        self.indexer.stop()
        if self._server:
            if any(t.name == "serve-http" for t in self._threads):
                self._server.shutdown()  # waits for serve_forever, so only once it runs
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._session is None:
            return  # never started (e.g. another serve of this project is running)
        try:
            with build_lock(replace(self.options, wait=False), self.store):
                self.store.save()  # what this session parsed speeds up the next build
        except (lock.Busy, lock.LockError):
            pass  # a build is running: it keeps its own
        self._session.close()
        self._session = None

    def run(self) -> int:
        """Serve until Ctrl-C (or SIGTERM); return the exit status."""
        previous = signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        # Python leaves SIGINT ignored when it started ignored, as a script's background
        # jobs do: Ctrl-C (or `kill -INT`) must stop a server all the same.
        interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            self.start()
            while not self.stopping.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, interrupt)
            self.stop()
        self.log("stopped")
        return 0

    def rebuild(self, changed: tuple[str, ...]) -> bool:
        """Apply the saves since the last rebuild; publish the outcome to open pages."""
        started = time.perf_counter()
        self._settled.clear()
        try:
            # The indexer forks holding _applying, then its own lock (see IndexRefresher._run):
            # told to stop under _applying, it cannot fork a refresh for the old site after.
            with self._applying:
                if self.settings.search:
                    self.indexer.cancel()  # it would slow this save down (see IndexRefresher.cancel)
                with build_lock(self.options, self.store, self._say_waiting):
                    generation = self.site.rebuild(changed or None)
        except BuildFailed as failure:
            lines = tuple(problem.format() for problem in failure.problems)
            self._fail(lines, failure_summary(failure.problems, command="rebuild") + "; still serving the last good build, from memory")
            return False
        except Exception:  # noqa: BLE001 - an engine bug must not kill the server
            self._fail(tuple(traceback.format_exc().rstrip().splitlines()), "internal error (a bug in the engine, not in your content)")
            return False
        finally:
            self._settled.set()
        self.state.publish_success()
        what = f" after {_describe(changed, self.options.root)}" if changed else ""
        if not self.settings.quiet:
            self.log(f"built {len(generation.archive.briefs)} briefs{what}: {len(generation.plan)} files in memory, in {time.perf_counter() - started:.2f} s")
        if self.settings.search:
            self.indexer.schedule(generation, self.settings.index_delay)
        return True

    def answer(self, raw_path: str) -> Answer:
        """What a GET of `raw_path` returns: a page of the latest good build, a theme or
        search index file, a redirect, or the site's 404 page."""
        path, _, query = raw_path.split("#", 1)[0].partition("?")
        if not path.startswith("/"):
            return self.not_found()  # absolute-form or garbage request targets
        relative = site_path(self.base_path, path)
        if relative is None:
            return Answer(302, location=self.base_path) if path in ("/", self.base_path.rstrip("/")) else self.not_found()
        if relative == "pagefind" or relative.startswith("pagefind/"):
            return self._index_file(relative)
        self._settled.wait(_REBUILD_WAIT_SECONDS)  # then the last good build, if still busy
        generation = self.site.current
        if generation is None:
            return Answer(503, _NO_SITE_YET)
        target = output_file_for(relative)
        if not generation.has(target):
            if not relative.endswith("/") and relative.rstrip("/") in generation.folders:
                return Answer(302, location=path + "/" + (f"?{query}" if query else ""))
            return self.not_found()
        try:
            with self.render_lock:
                data = self._made(generation, target)
        except BuildFailed as failure:
            lines = [problem.format() for problem in failure.problems]
            return Answer(500, _error_page(lines))
        body = data if isinstance(data, bytes) else _joined(data)
        return Answer(200, body, content_type(Path(target)))

    def not_found(self) -> Answer:
        """The site's own 404 page (or a plain one before any build succeeded)."""
        generation = self.site.current
        if generation is not None and generation.has("404.html"):
            try:
                with self.render_lock:
                    return Answer(404, generation.make("404.html"))  # type: ignore[arg-type]
            except BuildFailed:
                pass
        return Answer(404, b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>404</title></head><body><h1>404 Not Found</h1></body></html>\n')

    def _made(self, generation, path: str):
        """A file of `generation`, made once: a page that reloads, or is polled, is not
        rendered again until the next save (files over 1 MB, the downloads, always are)."""
        number, made = self._cache
        if number != generation.number:
            made = {}
            self._cache = (generation.number, made)
        data = made.get(path)
        if data is None:
            data = generation.make(path)
            if isinstance(data, bytes) and len(data) < 1 << 20:
                made[path] = data
        return data

    def host_allowed(self, host: str) -> bool:
        """Whether a request's Host header names this server (see is_allowed_host)."""
        return is_allowed_host(host, self.settings.host, self.port)

    def _index_file(self, relative: str) -> Answer:
        folder = self.indexer.site
        candidate = folder.joinpath(*relative.split("/")) if relative else folder
        try:
            real = candidate.resolve(strict=True)
            if not real.is_relative_to(folder.resolve()) or not real.is_file():
                return self.not_found()
            return Answer(200, real.read_bytes(), content_type(real))
        except (OSError, RuntimeError):
            return self.not_found()  # no index yet, or replaced while being read

    def _say_waiting(self, holder: int | None) -> None:
        self.log(f"waiting for another build of this project{f' (pid {holder})' if holder else ''} to finish...")

    def _fail(self, lines: tuple[str, ...], summary: str) -> None:
        """A save failed: say why, and let search catch up with the last good build."""
        for line in lines:
            self.log(line)
        self.log(summary)
        self.state.publish_failure(lines, summary)
        if self.settings.search:
            self.indexer.resume(self.settings.index_delay)  # the failed save stopped its refresh

    def _rebuild_loop(self) -> None:
        while not self.stopping.is_set():
            changed = self._watcher.wait_for_changes(self.settings.debounce, self.stopping)
            if changed and not self.stopping.is_set():
                self.rebuild(changed)

    def _spawn(self, target, name: str) -> None:
        self._threads = [t for t in self._threads if t.is_alive()]
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)


class _Together:
    """Several locks held as one, taken in the order given and released in reverse."""

    def __init__(self, *locks: threading.Lock):
        self._locks = locks

    def __enter__(self) -> None:
        for taken, held in enumerate(self._locks):
            try:
                held.acquire()
            except BaseException:
                for earlier in reversed(self._locks[:taken]):
                    earlier.release()
                raise

    def __exit__(self, *exc) -> None:
        for held in reversed(self._locks):
            held.release()


SERVE_FOLDER = ".cache/serve"  # serve's own: its lock, search index and the index's record


def is_allowed_host(header: str, listening: str, port: int) -> bool:
    """Whether a Host header names the address the server listens on.

    A page elsewhere can make a browser send requests to this server through a name it
    controls (DNS rebinding); those carry that name as Host and are refused. Allowed: the
    address given with --host, this machine's addresses when listening on all of them,
    and localhost or loopback addresses when listening on loopback; with this port.
    """
    value = header.strip().lower()
    if value.startswith("["):  # an IPv6 address: [::1]:8000
        host, _, rest = value[1:].partition("]")
        if rest and not rest.startswith(":"):
            return False
        given = rest[1:]
    else:
        host, _, given = value.partition(":")
    if not host or (given or "80") != str(port):
        return False
    bound = listening.strip("[]").lower()
    if host == bound or (host == "localhost" and is_loopback(bound)):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name other than the one listened on
    if bound in ("", "0.0.0.0", "::"):
        return True
    return is_loopback(bound) and address.is_loopback


def _joined(parts) -> bytes:
    """A file given as parts (bytes and spans of other files) as one bytes object."""
    out = bytearray()
    for part in parts:
        if isinstance(part, bytes):
            out += part
        else:
            with open(part.path, "rb") as stream:
                stream.seek(part.offset)
                out += stream.read(part.length)
    return bytes(out)


def _error_page(lines: list[str]) -> bytes:
    import html

    items = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in lines)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Template error</title></head>'
        f"<body><h1>This page cannot be rendered</h1><ul>{items}</ul><p>It reloads when a save fixes it.</p></body></html>\n"
    ).encode("utf-8")


def _base_path(options: BuildOptions) -> str:
    """The URL path the site lives under: from --base-url, else site.yaml, else '/'."""
    if options.base_url:
        return Urls(options.base_url.rstrip("/") + "/").base_path
    config, _ = load_site_config(options.root, options.content)
    return Urls(config.base_url).base_path if config else "/"


def _describe(changed: tuple[str, ...], root: Path) -> str:
    names = [relative_name(Path(p), root.resolve()) for p in changed]
    return names[0] if len(names) == 1 else f"{len(names)} changes"

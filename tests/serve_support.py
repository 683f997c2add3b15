"""Helpers for the dev-server tests: start `serve` in-process, wait, fetch exact paths."""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import threading
import time
from typing import Callable, Iterator

from briefing.build import BuildOptions
from briefing.dev.serve import DevServer, ServeSettings

WAIT = 15.0  # seconds: generous for a loaded CI machine, still bounded


class Terminal(io.StringIO):
    """What the server printed (written from several threads)."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, text: str) -> int:
        with self.lock:
            return super().write(text)

    def text(self) -> str:
        with self.lock:
            return self.getvalue()


@contextlib.contextmanager
def running_server(options: BuildOptions, **settings) -> Iterator[DevServer]:
    """A started DevServer on a free loopback port; stopped afterwards."""
    settings.setdefault("port", 0)
    settings.setdefault("debounce", 0.05)
    server = DevServer(options, ServeSettings(**settings), stream=Terminal())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_until(condition: Callable[[], object], timeout: float = WAIT, what: str = "condition") -> object:
    """Poll `condition` until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def fetch(server: DevServer, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """Request `path` exactly as given (http.client does not normalise it)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def text_of(server: DevServer, path: str) -> str:
    """The body of a page that must be there."""
    status, _, body = fetch(server, path)
    assert status == 200, f"{path}: {status}"
    return body.decode("utf-8")


class EventStream:
    """A client of /__serve/events that reads one `state` event at a time."""

    def __init__(self, server: DevServer):
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
        self.conn.request("GET", "/__serve/events")
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_state(self) -> dict:
        """The next state event (skipping keep-alive comments)."""
        event = None
        while True:
            line = self.response.fp.readline().decode("utf-8")
            if line == "":
                raise EOFError("event stream closed")
            if line.startswith("event: "):
                event = line[7:].strip()
            elif line.startswith("data: ") and event == "state":
                return json.loads(line[6:])

    def close(self) -> None:
        self.response.close()
        self.conn.close()

"""serve's search index, refreshed in a child process that a newer save cancels.

Indexing 10,000 brief pages takes many seconds; the child renders the brief pages whose
fingerprint changed into serve's own folder and runs Pagefind there, on the other core,
while the server keeps answering. A save made meanwhile stops the child (which records
what its folder holds, so the next one goes on from there) and starts a new one for the
newer site. Until a refresh completes, search answers from the last complete index.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, ContextManager

from ..build import fingerprint_site
from ..output.search_index import INDEX_FOLDER, SearchIndexError, is_indexed, write_search_index
from ..output.write import OutputError, write_output
from ..processes import die_with_parent
from ..store.store import Store
from .live import Generation

_STOP_GRACE_SECONDS = 3.0


class IndexRefresher:
    """Runs at most one refresh child at a time; a newer one replaces a running one.

    Every child is forked by one thread that lives as long as the refresher: the kernel's
    death signal (processes.die_with_parent) follows the thread that forked, so a child
    forked by a short-lived thread (a timer's) would be killed when that thread ends.
    """

    def __init__(self, folder: Path, store: Store, log: Callable[[str], None], fork_lock: ContextManager):
        """`folder` is serve's own (e.g. .cache/serve/); `fork_lock` is held by whatever
        must not be in progress when the process forks: rendering with shared templates,
        and applying a save (the child would share its open lock files, see DevServer)."""
        self.site = folder / "index-site"
        self._store = store
        self._log = log
        self._fork_lock = fork_lock
        self._child: int | None = None
        self._cancelled: list[int] = []  # children told to stop that may not have ended yet
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        # (monotonic time, generation, cancel() calls so far) of the refresh to start next
        self._due: tuple[float, Generation, int] | None = None
        self._stopped = False
        self._forker: threading.Thread | None = None
        self._saves = 0  # cancel() calls: a refresh scheduled before a save began is not started
        self._wanted: Generation | None = None  # the generation last scheduled
        self._indexed: Generation | None = None  # the generation of the last refresh that completed
        self.completed = 0  # refreshes that finished (tests wait on it)
        self.running = False

    @property
    def index_folder(self) -> Path:
        """Where the served /pagefind/ files are."""
        return self.site / INDEX_FOLDER

    def schedule(self, generation: Generation, delay: float) -> None:
        """Refresh the index for `generation` once `delay` seconds pass without a newer one
        (a burst of saves starts one refresh, after the page has reloaded)."""
        with self._lock:
            self._schedule(generation, time.monotonic() + delay)

    def _schedule(self, generation: Generation, when: float) -> None:
        """schedule(), holding the lock."""
        if self._stopped:
            return
        self._due = (when, generation, self._saves)
        self._wanted = generation
        if self._forker is None:
            self._forker = threading.Thread(target=self._run, name="serve-index-forker", daemon=True)
            self._forker.start()
        self._wake.notify()

    def _run(self) -> None:
        """The forking thread: start each scheduled refresh when its time comes."""
        while True:
            with self._lock:
                due = self._next_due()
                if due is None:
                    return  # stopped
                generation, saves = due
                stopping = self._take_children()
            # Waited for without the lock: a save's cancel() never waits for a child to end.
            for pid in stopping:
                _end(pid)
            with self._fork_lock, self._lock:
                if self._stopped:
                    return
                # A save begun since this refresh was scheduled schedules one of its own
                # or, if it fails, resumes this one (see resume); a newer schedule's own
                # delay decides.
                if self._due is None and self._saves == saves:
                    self._start(generation)

    def _next_due(self) -> tuple[Generation, int] | None:
        """Wait until a scheduled refresh is due and take it (its generation, and cancel()
        calls when it was scheduled); None once stopped (called holding the lock)."""
        while not self._stopped:
            if self._due is None:
                self._wake.wait()
                continue
            due, generation, saves = self._due
            if time.monotonic() < due:
                self._wake.wait(due - time.monotonic())
                continue
            self._due = None
            return generation, saves
        return None

    def _start(self, generation: Generation) -> None:
        """Refresh the index for `generation` in a child (called by the forking thread,
        holding the fork lock and the lock, once every earlier child has ended)."""
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(reader)
            _child_main(generation, self.site, self._store, writer)
        os.close(writer)
        try:
            os.setpgid(pid, pid)  # also here: a stop right after the fork finds the group
        except OSError:
            pass
        self._child = pid
        self.running = True
        threading.Thread(target=self._wait_for, args=(pid, reader, generation), name="serve-index", daemon=True).start()

    def cancel(self) -> None:
        """Tell a running refresh to stop, without waiting for it (a save is about to be
        applied, holding the fork lock: a refresh forked just before is stopped too). While
        a forked child lives, each page of memory the server writes to is copied first (fork
        shares memory copy-on-write): beside a refresh, a save at 10,000 briefs took a third
        longer. The next refresh starts once this one has ended."""
        with self._lock:
            self._saves += 1
            self._stop_running()

    def resume(self, delay: float) -> None:
        """A save failed: the refresh of the last good build, which the save stopped or
        kept from starting, is due again (a refresh still due keeps its time)."""
        with self._lock:
            wanted = self._wanted
            if wanted is None or wanted is self._indexed or (self._due is None and self._child is not None):
                return  # nothing scheduled yet, already indexed, or being indexed
            self._schedule(wanted, self._due[0] if self._due is not None else time.monotonic() + delay)

    def stop(self) -> None:
        """Stop a running or scheduled refresh and wait for every child to end (the server
        is stopping)."""
        with self._lock:
            self._stopped = True
            self._due = None
            self._wake.notify()
            stopping = self._take_children()
            forker = self._forker
        for pid in stopping:
            _end(pid)
        if forker is not None and forker is not threading.current_thread():
            # It may be waiting for children it took itself. Stopped, it forks no more, so
            # one still waiting to fork (a save waits for another build) is waited for a
            # bounded time only.
            forker.join(_STOP_GRACE_SECONDS + 2)

    def _stop_running(self) -> None:
        """Tell the running child, if any, to stop (called holding the lock)."""
        pid, self._child = self._child, None
        if pid is None:
            return
        self.running = False
        self._cancelled.append(pid)
        try:
            os.killpg(pid, signal.SIGTERM)  # the child records its folder, then exits
        except ProcessLookupError:
            pass

    def _take_children(self) -> list[int]:
        """Tell the running child to stop; return every child told to stop that may not
        have ended yet, for the caller to wait for: two children must never write the
        index folder at once (called holding the lock)."""
        self._stop_running()
        stopping, self._cancelled = self._cancelled, []
        return stopping

    def _wait_for(self, pid: int, reader: int, generation: Generation) -> None:
        with os.fdopen(reader, "rb") as stream:
            message = stream.read().decode("utf-8", "replace").strip()
        _reaped(pid, block=True)
        with self._lock:
            finished = self._child == pid
            if finished:
                self._child = None
                self.running = False
                if message.startswith("ok"):
                    self._indexed = generation
        if finished and message.startswith("ok"):
            self.completed += 1
            self._log(f"search index refreshed: {message[3:]}")
        elif finished:
            self._log(f"error: search index: {message or 'the indexer stopped unexpectedly'} (search shows the previous index)")


def _end(pid: int) -> None:
    """Wait for a child told to stop; kill it if it takes longer than the grace period."""
    deadline = time.monotonic() + _STOP_GRACE_SECONDS
    while time.monotonic() < deadline:
        if _reaped(pid):
            return
        time.sleep(0.02)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _reaped(pid, block=True)


def _reaped(pid: int, block: bool = False) -> bool:
    try:
        done, _ = os.waitpid(pid, 0 if block else os.WNOHANG)
    except ChildProcessError:
        return True
    return done == pid


def _child_main(generation: Generation, site: Path, store: Store, report: int) -> None:
    """In the forked child: index, write one line to `report`, exit. Never returns."""
    status = 1
    try:
        os.setpgid(0, 0)  # its own group: stopping it stops its Pagefind too
        die_with_parent(os.getppid())
        signal.signal(signal.SIGTERM, _exit_on_term)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
        # Background work: on a busy machine the next save's rebuild and the page a reader
        # is waiting for come first (Pagefind, started here, inherits this).
        os.nice(10)
        started = time.perf_counter()
        pages = refresh_index(generation, site, store)
        message, status = f"ok {pages} pages in {time.perf_counter() - started:.2f} s", 0
    except SystemExit:
        message = "stopped by a newer save"
    except (SearchIndexError, OutputError) as exc:
        message = str(exc)
    except BaseException as exc:  # noqa: BLE001 - reported to the server, which keeps running
        message = f"{type(exc).__name__}: {exc}"
    try:
        os.write(report, message.encode("utf-8", "replace"))
    finally:
        os._exit(status)


def refresh_index(generation: Generation, site: Path, store: Store) -> int:
    """Bring `site` (brief pages and their index) up to `generation`; return pages indexed."""
    items = tuple(item for item in generation.plan if is_indexed(item.path))
    planned = fingerprint_site(replace(generation.site, plan=items), store.engine)
    record = store.record("index-site")
    site.parent.mkdir(parents=True, exist_ok=True)

    def produce(paths: list[str]):
        for path in paths:
            yield path, generation.make(path)

    def index(stage: Path) -> None:
        write_search_index(stage, site / INDEX_FOLDER)

    write_output(site, planned, produce, record, index, keep=(INDEX_FOLDER,))
    return len(items)


def _exit_on_term(signum, frame) -> None:
    raise SystemExit(1)  # unwinds through the writer, which records its staging folder

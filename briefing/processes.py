"""Child processes that end with the process that started them, however it ends."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Callable


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent ends (Linux), and end now if
    the parent is already gone: a SIGKILLed build cannot stop its workers itself.

    The kernel sends the signal when the *thread* that forked this process ends, so fork
    only from a thread that lives as long as the child should (see dev/indexer.py)."""
    if _set_death_signal():
        if os.getppid() != parent:
            os._exit(1)


def _set_death_signal() -> bool:
    try:
        return _PRCTL is not None and _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except OSError:
        return False


def _load_prctl():
    # Loaded before any fork: the child (or a subprocess's preexec step) only makes the call.
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PR_SET_PDEATHSIG = 1
_PRCTL = _load_prctl()


def dying_with(parent: int) -> Callable[[], None]:
    """A `preexec_fn` for subprocesses (e.g. the search indexer) that die with `parent`."""
    return lambda: die_with_parent(parent)

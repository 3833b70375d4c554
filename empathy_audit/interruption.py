"""SIGTERM (a CI timeout, ``timeout``, ``kill``) and Ctrl-C end a run without its outputs.

The handlers raise, so every ``finally`` runs (staging directories removed, workers stopped);
inside :func:`held` they only record the stop, raised when the block is done.
They also record the stop, and every place where outputs move into place asks
:func:`refuse_if_stopped` first: an exception swallowed on its way up (a library's bare
``except:``) must not let a terminated run publish its exports as if it had finished.
"""
from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread as KeyboardInterrupt is on Ctrl-C."""


_stopped_by: int | None = None
_holding = 0   # blocks of held() running: a stop only records itself meanwhile


def _on_signal(signum, frame):
    global _stopped_by
    _stopped_by = signum
    if not _holding:
        raise_stop(signum)


def raise_stop(signum: int):
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def install() -> None:
    """Handle SIGTERM and Ctrl-C in this process. A parent may start us with them blocked
    (the mask is inherited through exec, and Python does not reset it): unblock them, or a
    SIGTERM would wait, unseen, until the run had finished and written everything. One
    that was waiting arrives here, as Terminated or KeyboardInterrupt."""
    signal.signal(signal.SIGTERM, _on_signal)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:   # `cmd &` in a script ignores ^C
        signal.signal(signal.SIGINT, _on_signal)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


def describe(stop: BaseException) -> tuple[str, int]:
    """The one line a stop ends a run with, and its exit code (128 + the signal)."""
    terminated = isinstance(stop, Terminated)
    return (f"terminated by {'SIGTERM' if terminated else 'Ctrl-C'}; exports not written",
            143 if terminated else 130)


@contextmanager
def held() -> Iterator[None]:
    """Stop signals wait until the block has run, then arrive as usual. Blocking them in
    this thread keeps them from processes it starts; a signal the kernel hands to another
    thread (Dask leaves some running) is run here all the same, so while the block runs
    the handler only records it, and it is raised once the block is done."""
    global _holding
    masked = hasattr(signal, "pthread_sigmask")
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS) if masked else None
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        if masked:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    refuse_if_stopped()


def refuse_if_stopped() -> None:
    """Raise the stop again if one was asked for, whatever became of its first exception."""
    if _stopped_by is not None:
        raise_stop(_stopped_by)

"""Where chunks are scored: in this process, in worker processes, or on a Dask cluster.

Every way yields the chunk results in input order, with a bounded number of chunks in flight
so memory does not grow with the input.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from ..interruption import held
from .work import ChunkResult, ChunkScorer

ENGINES = ("local", "dask")
IN_FLIGHT_PER_WORKER = 2


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not on Linux
        return os.cpu_count() or 1


def in_order(submit: Callable, items: Iterable, window: int) -> Iterator:
    """Submit items as results are taken, at most ``window`` at a time; results in order."""
    pending: deque = deque()
    for item in items:
        pending.append(submit(item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def run_chunks(chunks: Iterable, scorer: ChunkScorer, *, jobs: int, engine: str = "local",
               scheduler: str | None = None) -> Iterator[ChunkResult]:
    if engine == "dask":
        from .dask_engine import run_on_dask
        return run_on_dask(chunks, scorer, jobs=jobs, scheduler=scheduler)
    if jobs <= 1:
        return map(scorer, chunks)
    return run_in_processes(chunks, scorer, jobs)


# ---------------------------------------------------------------- worker processes

_worker_scorer: ChunkScorer | None = None


def _start_worker(scorer: ChunkScorer) -> None:
    global _worker_scorer
    _worker_scorer = scorer
    _die_with_parent()


def _die_with_parent() -> None:
    """End this worker as soon as the auditor ends, however it ends (even SIGKILL): an idle
    worker would otherwise wait forever, keeping the forkserver, the resource tracker and
    the auditor's stderr open (so ``| tee`` never returns). The sentinel is a pipe the
    auditor holds for each worker: it becomes readable when the auditor is gone."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)
    threading.Thread(target=watch, name="exit-with-auditor", daemon=True).start()


def _score(chunk) -> ChunkResult:
    return _worker_scorer(chunk)


def run_in_processes(chunks: Iterable, scorer: ChunkScorer, jobs: int) -> Iterator[ChunkResult]:
    # forkserver: workers start from a small clean process, not a copy of this one (whose
    # first-pass tables they do not need, and which RSS would count once per worker)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["empathy_audit.engine.work"])
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                             initargs=(scorer,)) as pool:
        try:
            yield from in_order(lambda chunk: _submit(pool, chunk), chunks,
                                jobs * IN_FLIGHT_PER_WORKER)
        except BaseException:   # an error, Ctrl-C, SIGTERM: stop now, not after the chunks
            _kill_workers(pool)   # in flight (shutdown() would wait for them)
            raise


def _submit(pool: ProcessPoolExecutor, chunk):
    """``submit`` may start a worker: Ctrl-C or SIGTERM in between would leave it unknown to
    the pool, unkilled, to print a traceback; the signal waits until the worker is known."""
    with held():
        return pool.submit(_score, chunk)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    for process in list((pool._processes or {}).values()):
        process.kill()
    pool.shutdown(wait=True, cancel_futures=True)   # quick: its manager sees the workers gone

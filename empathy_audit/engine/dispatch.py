"""Where chunks are scored: in this process, in worker processes, or on a Dask cluster.

Every way yields the chunk results in input order, with a bounded number of chunks in flight
so memory does not grow with the input.
"""
from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

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


def _score(chunk) -> ChunkResult:
    return _worker_scorer(chunk)


def run_in_processes(chunks: Iterable, scorer: ChunkScorer, jobs: int) -> Iterator[ChunkResult]:
    # forkserver: workers start from a small clean process, not a copy of this one (whose
    # first-pass tables they do not need, and which RSS would count once per worker)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["empathy_audit.engine.work"])
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                             initargs=(scorer,)) as pool:
        yield from in_order(lambda chunk: pool.submit(_score, chunk), chunks,
                            jobs * IN_FLIGHT_PER_WORKER)

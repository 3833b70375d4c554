"""``--engine dask``: the same chunks, scored by the same :class:`ChunkScorer`, on a Dask
cluster (the optional extra ``empathy-audit[dask]``).

With ``--scheduler tcp://host:8786`` the work goes to that existing cluster; without it a
``distributed.LocalCluster`` with one single-threaded worker process per job is started and
stopped here. This process reads the input and sends each chunk (whole conversations) as one
task, so workers need no access to the files; the scorer, with the checklist and the corpus-level
reply counts, is broadcast to every worker once.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from ..errors import UserError
from .dispatch import IN_FLIGHT_PER_WORKER, in_order
from .work import ChunkResult, ChunkScorer


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise UserError("--engine dask needs Dask, from the [dask] extra: pip install "
                        "'dask[distributed]>=2024.1'",
                        key="--engine") from None
    return distributed


def score_on_worker(scorer: ChunkScorer, chunk) -> ChunkResult:
    return scorer(chunk)


def run_on_dask(chunks: Iterable, scorer: ChunkScorer, *, jobs: int,
                scheduler: str | None = None) -> Iterator[ChunkResult]:
    distributed = _import_distributed()
    cluster = None
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="20s")
        except OSError as exc:
            raise UserError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                            key="--scheduler") from None
    else:
        cluster = distributed.LocalCluster(n_workers=max(jobs, 1), threads_per_worker=1,
                                           processes=True, dashboard_address=None,
                                           silence_logs=logging.ERROR)
        client = distributed.Client(cluster)
    try:
        workers = max(len(client.scheduler_info()["workers"]), 1)
        [shared] = client.scatter([scorer], broadcast=True)
        yield from in_order(
            lambda chunk: client.submit(score_on_worker, shared, chunk, pure=False),
            chunks, workers * IN_FLIGHT_PER_WORKER)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

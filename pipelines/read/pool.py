"""Reading many documents on every core: each document not yet in the parse cache is read by one
of a pool of worker processes, which writes its outcome to the cache; the step then takes the
outcomes from the cache. Workers are started from a fork server that has imported the readers
once, so a worker costs milliseconds, not the seconds of a fresh interpreter.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipelines.collect import archive
from pipelines.read import cache

PRELOAD = ["pipelines.read.document"]


def workers_default() -> int:
    """All cores, except inside a daemonic process (a Celery worker's child) that may not start
    processes of its own: there documents are read one after another, and the engine's workers
    are what run in parallel."""
    if multiprocessing.current_process().daemon:
        return 1
    return len(os.sched_getaffinity(0))


def read_all(cache_root: Path, archive_root: Path, digests: Iterable[str], workers: int) -> int:
    """Read every document not yet in the cache; returns how many were read now."""
    todo = sorted({d for d in digests if not cache.cached(cache_root, d)})
    if workers <= 1 or len(todo) < 2:
        for digest in todo:
            _read_one(cache_root, archive_root, digest)
        return len(todo)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(min(workers, len(todo)), mp_context=context) as pool:
        roots = [(cache_root, archive_root, d) for d in todo]
        list(pool.map(_read_tuple, roots, chunksize=max(1, len(todo) // (workers * 8))))
    return len(todo)


def _read_tuple(args: tuple[Path, Path, str]) -> None:
    _read_one(*args)


def _read_one(cache_root: Path, archive_root: Path, digest: str) -> None:
    cache.cached_parse(cache_root, digest, lambda d: archive.load(archive_root, d))

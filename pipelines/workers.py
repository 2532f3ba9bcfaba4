"""Work spread over every core: a function applied to many items by a pool of worker processes
started from a fork server that has imported the readers once (a worker then costs
milliseconds, not the seconds of a fresh interpreter). With one worker, or inside a daemonic
process that may not start processes of its own (a Celery worker's child), the items are done
one after another in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

PRELOAD = ["pipelines.read.document", "pipelines.tables.partition"]


def default() -> int:
    """All cores, or 1 where this process may not start processes (then the engine's own
    workers are what runs in parallel)."""
    if multiprocessing.current_process().daemon:
        return 1
    return len(os.sched_getaffinity(0))


def spread(fn: Callable[[T], R], items: Iterable[T], workers: int) -> list[R]:
    """`fn` of every item, in the items' order; `fn` must be a module-level function."""
    todo = list(items)
    if workers <= 1 or len(todo) < 2 or multiprocessing.current_process().daemon:
        return [fn(item) for item in todo]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(min(workers, len(todo)), mp_context=context) as pool:
        return list(pool.map(fn, todo))

"""Hostile local files for tests: bounding a read that a FIFO would block forever."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BLOCK_BOUND = 120  # seconds: a read blocked on a FIFO is released after this, and fails


@contextmanager
def fifo_released_after(fifo: Path, seconds: float = BLOCK_BOUND) -> Iterator[list[bool]]:
    """Bounds a read of `fifo`: if one still waits after `seconds`, a writer opens and closes
    it (the reader gets end-of-file) and the yielded list says it had to."""
    fired: list[bool] = []

    def release() -> None:
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            fired.append(True)
        except OSError:  # nobody is reading it
            pass

    timer = threading.Timer(seconds, release)
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()

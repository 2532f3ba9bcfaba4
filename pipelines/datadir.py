"""Where xxgk keeps what it generates, and the one way it writes a file.

Every path under the data directory (`./data` by default, `XXGK_DATA_DIR` or `--data-dir` to
move it) is named here. Every file is written through `atomic_path`: into a temporary name
beside the target, then renamed over it, so a reader never sees half a file and a crash leaves
the previous version in place. Temporary names carry the process and thread, so parallel
writers never share one.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "demo"  # the embedded demo corpus: the registry used when none is given
DEFAULT_DATA_DIR = "data"
TMP_SUFFIX = ".tmp"


def data_dir() -> Path:
    return Path(os.environ.get("XXGK_DATA_DIR", DEFAULT_DATA_DIR)).resolve()


def registry_path() -> Path:
    return Path(os.environ.get("XXGK_REGISTRY", str(DEMO_DIR / "registry.csv"))).resolve()


@dataclass(frozen=True)
class DataDir:
    """The layout of one data directory (the README's "Where outputs go" table)."""

    root: Path

    @property
    def archive(self) -> Path:
        """raw/: every document's exact bytes by sha256, and where each came from."""
        return self.root / "raw"

    @property
    def parse_cache(self) -> Path:
        """parsed/<parser version>/: each document read once per parser version."""
        return self.root / "parsed"

    @property
    def corrections(self) -> Path:
        """corrections.csv: the data office's corrections of cells (unless set elsewhere)."""
        return self.root / "corrections.csv"

    @property
    def inbox(self) -> Path:
        """inbox/: reports the data office received by other means."""
        return self.root / "inbox"

    @property
    def fetch_state(self) -> Path:
        """state/fetch/: ETag / Last-Modified of every URL fetched (conditional requests)."""
        return self.root / "state" / "fetch"

    @property
    def coverage_ledger(self) -> Path:
        """state/coverage/: when each body and year was first looked for and first found."""
        return self.root / "state" / "coverage"

    # ---- the partitioned dataset: what one stage hands the next, one file per partition

    @property
    def registry_entries(self) -> Path:
        """registry/entries.parquet: every expected (body, year) with its partition."""
        return self.root / "registry" / "entries.parquet"

    @property
    def registry_facts(self) -> Path:
        """registry/registry.json: the registry file's sha256, problems, partitions."""
        return self.root / "registry" / "registry.json"

    @property
    def inbox_matches(self) -> Path:
        """collect/inbox.parquet: every inbox file and the body-year it was matched to."""
        return self.root / "collect" / "inbox.parquet"

    def documents(self, partition: str) -> Path:
        """collect/documents/<partition>.parquet: each entry's document (or why there is none)."""
        return self.root / "collect" / "documents" / f"{partition}.parquet"

    def part(self, table: str, partition: str) -> Path:
        """tables/<table>/<partition>.parquet: a partition's published rows of one table."""
        return self.root / "tables" / table / f"{partition}.parquet"

    def partition_state(self, partition: str) -> Path:
        """state/partitions/<partition>.json: the inputs each stage last worked from."""
        return self.root / "state" / "partitions" / f"{partition}.json"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse" / "xxgk.duckdb"

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster_home"

    @property
    def run_lock(self) -> Path:
        """state/run.lock: held by the run (or step) writing the warehouse and the releases."""
        return self.root / "state" / "run.lock"


def temporary(target: Path) -> Path:
    """A temporary name beside `target`, unique to this process and thread."""
    return target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}{TMP_SUFFIX}")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path to build `target` in (a file, a symlink, a database); on success
    it is renamed over `target`, on failure removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary(target)
    remove(tmp)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        remove(tmp)
        raise


def atomic_write(target: Path, data: bytes | str) -> None:
    with atomic_path(target) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


class Busy(Exception):
    """Another process holds the data directory's lock; the message says so in Chinese."""


_held: dict[Path, int] = {}  # lock files this process holds, and how deep


@contextmanager
def locked(lock: Path, wait: float = 0) -> Iterator[None]:
    """Hold the data directory's lock (fcntl.flock on `lock`) for the block, waiting up to
    `wait` seconds for another process to let go, else Busy.

    Re-entrant in one process: `xxgk run` holds it for its whole run and the steps it runs in
    its own process take it again. flock belongs to the open file, so a step in another
    process (the UI's runs, Celery workers) waits for it like any other run.
    """
    lock = lock.resolve()
    if lock in _held:
        _held[lock] += 1
        try:
            yield
        finally:
            _held[lock] -= 1
        return
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+", encoding="utf-8") as f:
        _acquire(f, lock, time.monotonic() + wait)
        f.truncate(0)
        f.write(f"{os.getpid()}\n")  # who holds it, for the message another run prints
        f.flush()
        _held[lock] = 1
        try:
            yield
        finally:
            del _held[lock]
            fcntl.flock(f, fcntl.LOCK_UN)


def _acquire(f: Any, lock: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                f.seek(0)
                holder = f.read().strip() or "?"
                raise Busy(
                    f"另一个运行正在进行（进程 {holder}，数据目录 {lock.parent.parent}），"
                    "请等它结束后再运行。Another run is using this data directory."
                ) from None
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

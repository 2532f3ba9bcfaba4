"""`xxgk run` on a data directory it cannot use says why in one Chinese line, exits non-zero,
and prints no traceback: another run holds the directory, the directory is read-only, the disk
is full. The lock never stops a run's own steps."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import datadir
from xxgk.cli import disk_problem

XXGK = [sys.executable, "-m", "xxgk.cli"]


def xxgk_run(data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*XXGK, "run", "--data-dir", str(data), "--workers", "1", *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )


@contextlib.contextmanager
def holder(lock: Path):
    """Another process holding the data directory's lock until the block ends."""
    code = (
        "import sys; from pathlib import Path; from pipelines.datadir import locked\n"
        "with locked(Path(sys.argv[1])):\n    print('held', flush=True); sys.stdin.read()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        yield proc.pid
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


def test_a_second_run_is_told_another_run_is_going_on_then_runs(tmp_path):
    data = tmp_path / "data"
    lock = datadir.DataDir(data).run_lock
    with holder(lock) as pid:
        refused = xxgk_run(data)
        assert refused.returncode != 0
        assert "另一个运行正在进行" in refused.stderr and str(pid) in refused.stderr
        assert "Traceback" not in refused.stderr
        assert not (data / "releases").exists()  # it did nothing
        busy = pytest.raises(datadir.Busy, match="另一个运行正在进行")
        with busy, datadir.locked(lock, wait=0.5):  # a step waits a bounded time, then this
            pass
    ran = xxgk_run(data)  # its warehouse and release steps take the lock it holds
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert (data / "releases" / "latest" / "datapackage.json").is_file()


def test_a_real_full_disk_error_is_said_in_chinese():
    with pytest.raises(OSError) as full, open("/dev/full", "w") as f:
        f.write("x")
    assert disk_problem(full.value).startswith("磁盘空间不足：")


@contextlib.contextmanager
def tmpfs(where: Path, options: str):
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)])
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


@pytest.mark.parametrize(
    ("options", "said"),
    [("ro,size=1m", "数据目录不可写："), ("size=3m", "磁盘空间不足：")],
    ids=["read-only", "full"],
)
def test_an_unusable_data_dir_gets_one_chinese_line(tmp_path, options, said):
    with tmpfs(tmp_path / "mnt", options) as mnt:
        out = xxgk_run(mnt / "data")
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    lines = [line for line in (out.stdout + out.stderr).splitlines() if said in line]
    assert len(lines) == 1, out.stdout + out.stderr

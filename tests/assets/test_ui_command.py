"""`xxgk ui` as the data office starts and stops it: a kill (TERM) stops the webserver and the
daemon it started, as Ctrl-C does (they were left running); the inbox folder is there at once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from support import DEMO
from support.dagster import _answers, free_port

pytestmark = pytest.mark.slow


def children_of(pid: int) -> set[int]:
    """Every process descended from `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            parents[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        kids = {p for p, pp in parents.items() if pp == parent}
        todo += list(kids - found)
        found |= kids
    return found


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_a_kill_of_xxgk_ui_stops_the_webserver_and_daemon(tmp_path, how):
    port = free_port()
    data = tmp_path / "data"
    ui = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xxgk.cli",
            "ui",
            "--data-dir",
            str(data),
            "--port",
            str(port),
            "--registry",
            str(DEMO / "registry.csv"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while not _answers(f"http://127.0.0.1:{port}/server_info"):
            assert ui.poll() is None and time.monotonic() < deadline, "the UI never answered"
            time.sleep(1)
        assert (data / "inbox").is_dir()  # where the office drops reports, made at start
        started = children_of(ui.pid)
        assert len(started) >= 2  # dagster dev, its webserver and daemon
        ui.send_signal(how)
        ui.wait(timeout=60)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{p}").exists() for p in started) and time.monotonic() < deadline:
            time.sleep(0.5)
        left = [p for p in started if Path(f"/proc/{p}").exists()]
        assert not left, f"still running after the UI was stopped: {left}"
        assert not _answers(f"http://127.0.0.1:{port}/server_info")
    finally:
        for p in children_of(ui.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, signal.SIGKILL)
        ui.kill()

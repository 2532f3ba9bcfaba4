"""The same code location on a real distributed engine: a Redis broker on 127.0.0.1, two Celery
workers as separate processes, `dagster dev` launching the runs with XXGK_EXECUTOR=celery. A
partitioned backfill of a generated registry (nine year × division partitions, two per run)
goes through both workers, and the release it makes equals, byte for byte, the one a
single-machine `xxgk run` makes of the same registry."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from testkit import scale

from support import ROOT
from support.dagster import (
    RUN_TIMEOUT_S,
    Server,
    dagster_dev,
    free_port,
    launch_and_wait,
    selector,
    stop,
)
from support.runs import digests, release_run

pytestmark = pytest.mark.slow

REPORTS = 36  # 12 bodies, 4 a division, 3 years: 9 partitions

BACKFILL = """
mutation ($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on Error { message }
  }
}
"""

BACKFILL_STATUS = """
query ($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status runs(limit: 100) { runId status } }
  }
}
"""

WORKERS_OF_RUN = """
query ($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run {
      eventConnection(limit: 1000) {
        events {
          __typename
          ... on EngineEvent {
            message
            metadataEntries { label ... on TextMetadataEntry { text } }
          }
        }
      }
    }
  }
}
"""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server missing: run `make setup`")
    tmp = tmp_path_factory.mktemp("cluster")
    registry = scale.generate(tmp / "corpus", REPORTS, 2, per_division=4)
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    logs = tmp / "logs"
    logs.mkdir()
    processes = [
        _start(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            logs / "redis.log",
            os.environ.copy(),
        )
    ]
    home = tmp / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "telemetry:\n  enabled: false\n"
        "concurrency:\n  runs:\n    max_concurrent_runs: 2\n  pools:\n    default_limit: 1\n",
        encoding="utf-8",
    )
    env = os.environ | {
        "DAGSTER_HOME": str(home),
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "XXGK_DATA_DIR": str(tmp / "data"),
        "XXGK_REGISTRY": str(registry),
        "XXGK_EXECUTOR": "celery",
        "XXGK_CELERY_BROKER": broker,
        "XXGK_PARTITIONS_PER_RUN": "2",
    }
    # the instance's storage made once, before several processes open it at the same time
    subprocess.run(
        [sys.executable, "-c", "import dagster; dagster.DagsterInstance.get().get_runs(limit=1)"],
        env=env,
        check=True,
    )
    xxgk = [sys.executable, "-m", "xxgk.cli", "worker", "--broker", broker]
    for name in ("w1", "w2"):
        processes.append(_start([*xxgk, "--name", name], logs / f"{name}.log", env))
    try:
        for name, proc in zip(("w1", "w2"), processes[1:], strict=True):
            _wait_ready(proc, logs / f"{name}.log")
        with dagster_dev(tmp / "dev", env=env) as server:
            yield {
                "server": server,
                "registry": registry,
                "data": tmp / "data",
                "tmp": tmp,
                "logs": logs,
            }
    finally:
        for proc in processes:
            stop(proc)


def _start(command: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait_ready(proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Until the Celery worker says it is ready (or fail with its log)."""
    deadline = time.monotonic() + timeout
    while "ready." not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"Celery worker did not start:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(1)


def _backfill(server: Server, assets: list[str]) -> dict:
    params = {"assetSelection": [{"path": [a]} for a in assets], "allPartitions": True}
    launched = server.graphql(BACKFILL, {"params": params})["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    deadline = time.monotonic() + 3 * RUN_TIMEOUT_S
    while True:
        backfill = server.graphql(BACKFILL_STATUS, {"id": launched["backfillId"]})
        backfill = backfill["partitionBackfillOrError"]
        if (
            backfill["status"] not in ("REQUESTED", "CANCELING", "FAILING")
            or time.monotonic() > deadline
        ):
            return backfill
        time.sleep(3)


def _workers(server: Server, run_id: str) -> set[str]:
    """The Celery workers that ran the steps of a run (their engine events say so)."""
    run = server.graphql(WORKERS_OF_RUN, {"runId": run_id})["runOrError"]
    return {
        entry["text"]
        for e in run["eventConnection"]["events"]
        if e["__typename"] == "EngineEvent" and "in celery worker" in (e["message"] or "")
        for entry in e["metadataEntries"]
        if entry["label"] == "Celery worker"
    }


def test_a_partitioned_backfill_runs_on_two_workers_and_releases_what_one_machine_does(cluster):
    server = cluster["server"]
    # the registry and the inbox first (on the workers too): the partitions appear
    launch_and_wait(server, {"selector": selector(server, ["registry", "inbox_files"])})
    keys = cluster_keys = server.graphql(
        'query { assetNodeOrError(assetKey: {path: ["documents"]}) { ... on AssetNode { partitionKeys } } }'
    )["assetNodeOrError"]["partitionKeys"]
    assert len(keys) == 9 and all("-" in k for k in cluster_keys)

    backfill = _backfill(server, ["documents", "reports"])
    assert backfill["status"] in ("COMPLETED", "COMPLETED_SUCCESS"), (backfill, server.log_tail())
    runs = backfill["runs"]
    assert len(runs) == 5 and all(r["status"] == "SUCCESS" for r in runs), (
        runs
    )  # 2 partitions a run
    used = set().union(*(_workers(server, r["runId"]) for r in runs))
    assert {w.split("@")[0] for w in used} == {"w1", "w2"}, used

    publish = launch_and_wait(server, {"selector": selector(server, ["warehouse", "release"])})
    assert _workers(server, publish["runId"])

    local = release_run(
        cluster["tmp"] / "local", cluster["registry"], instance=dg.DagsterInstance.ephemeral()
    )
    here = Path(local.release()["path"]) / "data"
    there = cluster["data"] / "releases" / "latest" / "data"
    assert digests(there) == digests(here)

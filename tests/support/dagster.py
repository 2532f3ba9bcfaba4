"""A real `dagster dev` (webserver + daemon + code server) on 127.0.0.1, driven over GraphQL."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from support import ROOT

JOB = "xxgk_pipeline"
STARTUP_TIMEOUT_S = 120
RUN_TIMEOUT_S = 300
TERMINAL = {"SUCCESS", "FAILURE", "CANCELED"}


@dataclass
class Server:
    url: str
    data_dir: Path
    log: Path

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            payload = json.load(response)
        assert "errors" not in payload, payload["errors"]
        return payload["data"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def dagster_dev(
    tmp: Path, env: dict[str, str] | None = None, registry: Path | None = None
) -> Iterator[Server]:
    """`dagster dev` on a free port with its own Dagster home and data dir under `tmp` (or in
    the environment `env`, whose Dagster home and data dir are used), over `registry` (by
    default the embedded demo registry)."""
    tmp.mkdir(parents=True, exist_ok=True)
    log = tmp / "dagster.log"
    if env is None:
        home, data_dir = tmp / "home", tmp / "data"
        home.mkdir()
        data_dir.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        env = os.environ | {
            "DAGSTER_HOME": str(home),
            "DAGSTER_DISABLE_TELEMETRY": "1",
            "XXGK_DATA_DIR": str(data_dir),
        }
        env.pop("XXGK_REGISTRY", None)  # the embedded demo registry
        if registry is not None:
            env["XXGK_REGISTRY"] = str(registry)
    data_dir = Path(env["XXGK_DATA_DIR"])
    port = free_port()
    cmd = [sys.executable, "-m", "dagster", "dev", "-m", "assets.definitions"]
    cmd += ["-h", "127.0.0.1", "-p", str(port)]
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    srv = Server(url=f"http://127.0.0.1:{port}", data_dir=data_dir, log=log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _answers(f"{srv.url}/server_info"):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"dagster dev exited (code {proc.poll()}) or did not answer within "
                    f"{STARTUP_TIMEOUT_S} s; log tail:\n{srv.log_tail()}"
                )
            time.sleep(1)
        yield srv
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """A process started in its own group, and its children: asked to end, then killed."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


WORKSPACE = """
query {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation {
            repositories { name jobs { name } assetNodes { assetKey { path } } }
          }
          ... on PythonError { message stack }
        }
      }
    }
    ... on PythonError { message }
  }
}
"""

LAUNCH = """
mutation ($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on Error { message }
  }
}
"""

RUN = """
query ($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      status
      assetMaterializations { assetKey { path } }
      eventConnection(limit: 1000) {
        events {
          __typename
          ... on AssetCheckEvaluationEvent { evaluation { checkName success severity } }
        }
      }
    }
    ... on Error { message }
  }
}
"""


def location(server: Server) -> dict[str, Any]:
    """The single loaded code location, waiting (bounded) while it is still LOADING."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        workspace = server.graphql(WORKSPACE)["workspaceOrError"]
        assert workspace["__typename"] == "Workspace", workspace
        (entry,) = workspace["locationEntries"]
        if entry["loadStatus"] == "LOADED" or time.monotonic() > deadline:
            return entry
        time.sleep(1)


PARTITIONS = """
query ($path: [String!]!) {
  assetNodeOrError(assetKey: {path: $path}) {
    __typename
    ... on AssetNode { partitionKeys }
  }
}
"""


def selector(server: Server, assets: list[str] | None = None) -> dict[str, Any]:
    """The job as the Launchpad selects it (or only some of its assets)."""
    chosen: dict[str, Any] = {
        "repositoryLocationName": location(server)["name"],
        "repositoryName": "__repository__",
        "jobName": JOB,
    }
    if assets:
        chosen["assetSelection"] = [{"path": [a]} for a in assets]
    return chosen


def over(first: str, last: str) -> dict[str, Any]:
    """Execution metadata of a run over a range of partitions (what the Launchpad sends)."""
    return {
        "tags": [
            {"key": "dagster/asset_partition_range_start", "value": first},
            {"key": "dagster/asset_partition_range_end", "value": last},
        ]
    }


def launch_and_wait(server: Server, params: dict[str, Any]) -> dict[str, Any]:
    """Launch a run over GraphQL and wait (bounded) for it to succeed; the run as RUN reads it,
    with its runId."""
    launched = server.graphql(LAUNCH, {"params": params})["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        run = server.graphql(RUN, {"runId": run_id})["runOrError"]
        assert run["__typename"] == "Run", run
        if run["status"] in TERMINAL or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert run["status"] == "SUCCESS", f"run {run_id} is {run['status']}\n{server.log_tail()}"
    return {**run, "runId": run_id}


def partition_keys(server: Server, asset: str) -> list[str]:
    node = server.graphql(PARTITIONS, {"path": [asset]})["assetNodeOrError"]
    assert node["__typename"] == "AssetNode", node
    return node["partitionKeys"]

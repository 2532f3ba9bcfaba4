"""The real Dagster webserver (`dagster dev`) loads the code location and runs the whole job.

No mocks: a `dagster dev` process (webserver + daemon + code server) is started once for the
module, driven over GraphQL, and the run's outputs are checked on disk.
"""

from __future__ import annotations

import time

import duckdb
import pytest

from support.dagster import JOB, LAUNCH, RUN, RUN_TIMEOUT_S, TERMINAL, Server, location

pytestmark = pytest.mark.slow

ASSETS = {"registry", "raw_documents", "parsed_reports", "report_tables", "warehouse", "release"}


def test_code_location_loads_job_and_assets(server: Server) -> None:
    entry = location(server)
    loaded = entry["locationOrLoadError"]
    assert entry["loadStatus"] == "LOADED", entry
    assert loaded["__typename"] == "RepositoryLocation", f"{loaded}\n{server.log_tail()}"
    (repo,) = loaded["repositories"]
    assert repo["name"] == "__repository__"
    assert JOB in {job["name"] for job in repo["jobs"]}
    assert {"/".join(n["assetKey"]["path"]) for n in repo["assetNodes"]} >= ASSETS


def test_launch_run_produces_warehouse_and_release(server: Server) -> None:
    selector = {
        "repositoryLocationName": location(server)["name"],
        "repositoryName": "__repository__",
        "jobName": JOB,
    }
    launched = server.graphql(LAUNCH, {"params": {"selector": selector}})["launchRun"]
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

    materialized = {"/".join(m["assetKey"]["path"]) for m in run["assetMaterializations"]}
    assert materialized >= ASSETS
    evaluations = [
        e["evaluation"]
        for e in run["eventConnection"]["events"]
        if e["__typename"] == "AssetCheckEvaluationEvent"
    ]
    blocking = [e for e in evaluations if e["checkName"] == "tables_match_schemas"]
    assert blocking and all(e["success"] for e in blocking), evaluations

    database = server.data_dir / "warehouse" / "xxgk.duckdb"
    assert database.is_file()
    with duckdb.connect(str(database), read_only=True) as con:
        bodies = con.execute("SELECT count(DISTINCT body_id) FROM reports").fetchone()
        summaries = con.execute("SELECT count(*) FROM body_year_summary").fetchone()
    assert bodies is not None and bodies[0] > 1
    assert summaries is not None and summaries[0] > 0
    assert (server.data_dir / "releases" / "latest" / "datapackage.json").is_file()

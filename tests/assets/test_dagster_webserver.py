"""The real Dagster webserver (`dagster dev`) loads the code location and runs the whole job.

No mocks: a `dagster dev` process (webserver + daemon + code server) is started once for the
module, driven over GraphQL, and the run's outputs are checked on disk.
"""

from __future__ import annotations

import duckdb
import pytest

from support.dagster import (
    JOB,
    Server,
    launch_and_wait,
    location,
    over,
    partition_keys,
    selector,
)

pytestmark = pytest.mark.slow

ASSETS = {"registry", "inbox_files", "documents", "reports", "warehouse", "release"}


def test_code_location_loads_job_and_assets(server: Server) -> None:
    entry = location(server)
    loaded = entry["locationOrLoadError"]
    assert entry["loadStatus"] == "LOADED", entry
    assert loaded["__typename"] == "RepositoryLocation", f"{loaded}\n{server.log_tail()}"
    (repo,) = loaded["repositories"]
    assert repo["name"] == "__repository__"
    assert JOB in {job["name"] for job in repo["jobs"]}
    assert {"/".join(n["assetKey"]["path"]) for n in repo["assetNodes"]} >= ASSETS


def test_partitions_are_the_registrys_and_a_run_over_them_makes_the_release(server: Server) -> None:
    # the registry asset alone first, as the data office would materialize it: the partitions
    # it registers are exactly the registry's (year × division), nothing of a cross product
    launch_and_wait(server, {"selector": selector(server, ["registry"])})
    keys = partition_keys(server, "documents")
    assert keys == ["2022-350481", "2023-350481"]
    assert partition_keys(server, "reports") == keys

    run = launch_and_wait(server, {"selector": selector(server), "executionMetadata": over(*keys)})
    materialized = {"/".join(m["assetKey"]["path"]) for m in run["assetMaterializations"]}
    assert materialized >= ASSETS
    evaluations = [
        e["evaluation"]
        for e in run["eventConnection"]["events"]
        if e["__typename"] == "AssetCheckEvaluationEvent"
    ]
    for blocking in ("rows_match_schemas", "tables_match_schemas"):
        found = [e for e in evaluations if e["checkName"] == blocking]
        assert found and all(e["success"] for e in found), evaluations

    database = server.data_dir / "warehouse" / "xxgk.duckdb"
    assert database.is_file()
    with duckdb.connect(str(database), read_only=True) as con:
        bodies = con.execute("SELECT count(DISTINCT body_id) FROM reports").fetchone()
        summaries = con.execute("SELECT count(*) FROM body_year_summary").fetchone()
    assert bodies is not None and bodies[0] > 1
    assert summaries is not None and summaries[0] > 0
    assert (server.data_dir / "releases" / "latest" / "datapackage.json").is_file()

"""A release made from the Dagster UI: a real `dagster dev`, a run launched over GraphQL with the
release asset's config (what the Launchpad sends), the version on disk and in the metadata."""

from __future__ import annotations

import json

import pytest

from support import DEMO
from support.dagster import launch_and_wait, selector
from support.runs import release_run

pytestmark = pytest.mark.slow

RUN_METADATA = """
query ($runId: ID!) {
  runOrError(runId: $runId) {
    ... on Run {
      status
      assetMaterializations {
        assetKey { path }
        metadataEntries {
          label
          ... on TextMetadataEntry { text }
          ... on MarkdownMetadataEntry { mdStr }
          ... on PathMetadataEntry { path }
        }
      }
    }
  }
}
"""


def test_release_launched_from_the_ui_with_a_bump(server):
    # A first release, as an earlier run would have left it.
    release_run(server.data_dir, DEMO / "registry.csv")
    # The release asset alone, as Assets → release → Materialize (shift-click) launches it.
    params = {
        "selector": selector(server, ["release"]),
        "runConfigData": {"ops": {"release": {"config": {"bump": "minor", "force": True}}}},
    }
    run_id = launch_and_wait(server, params)["runId"]
    run = server.graphql(RUN_METADATA, {"runId": run_id})["runOrError"]

    releases = server.data_dir / "releases"
    assert (releases / "latest").resolve() == releases / "1.1.0"
    changes = json.loads((releases / "1.1.0" / "changes.json").read_text(encoding="utf-8"))
    assert (changes["previous"], changes["bump"]) == ("1.0.0", "minor")
    (release,) = [m for m in run["assetMaterializations"] if m["assetKey"]["path"] == ["release"]]
    meta = {e["label"]: e for e in release["metadataEntries"]}
    assert meta["版本 version"]["text"] == "1.1.0"
    assert "相对上一版 1.0.0：升次版本号" in meta["更新日志 changelog"]["mdStr"]
    assert meta["数据目录网页 catalog"]["path"] == str(releases / "1.1.0" / "index.html")

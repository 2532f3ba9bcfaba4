"""Running the whole flow in-process on a corpus (as `xxgk run` does), reading what it made,
and changing the corpus between runs."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from assets import launch
from assets.resources import XxgkPaths

from support import DEMO, ROOT

INDUSTRY = "yongan-industry-it-bureau"


@dataclass
class Run:
    """One run of the flow and the data directory it wrote."""

    launched: launch.Launched
    data: Path

    @property
    def success(self) -> bool:
        return self.launched.result.success

    @property
    def result(self) -> dg.ExecuteInProcessResult:
        return self.launched.result

    def release(self) -> dict[str, Any]:
        return self.launched.release()

    def table(self, name: str) -> list[dict[str, Any]]:
        """A published table as the warehouse holds it, sorted by its primary key."""
        import schemas

        key = ", ".join(schemas.primary_key(name)) or "1"
        with duckdb.connect(str(self.data / "warehouse" / "xxgk.duckdb"), read_only=True) as con:
            cursor = con.execute(f"SELECT * FROM {name} ORDER BY {key}")
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def metadata(self, asset: str) -> dict[str, Any]:
        """The metadata the asset's materialization shows in the UI."""
        events = self.result.asset_materializations_for_node(asset)
        return {k: v.value for k, v in events[0].metadata.items()}

    def checks(self) -> dict[str, dg.AssetCheckEvaluation]:
        return {e.check_name: e for e in self.result.get_asset_check_evaluations()}


def release_run(
    data: Path,
    registry: Path = DEMO / "registry.csv",
    *,
    raise_on_error: bool = True,
    instance: dg.DagsterInstance | None = None,
    paths: dict[str, Any] | None = None,
    **config: Any,
) -> Run:
    """The whole flow, as `xxgk run` launches it, with the release asset's config (bump,
    force) and settings of the paths resource (`paths`)."""
    resource = XxgkPaths(data_dir=str(data), registry=str(registry), **(paths or {}))
    launched = launch.pipeline(instance or dg.DagsterInstance.ephemeral(), resource, **config)
    run = Run(launched, data)
    if raise_on_error:
        assert run.success, [e.message for e in launched.result.all_events if e.is_failure]
    return run


def copy_corpus(tmp: Path) -> Path:
    corpus = tmp / "corpus"
    shutil.copytree(DEMO, corpus)
    return corpus


def change_licensing(corpus: Path, value: int) -> None:
    """A correction in the real report: 行政许可 decisions 8 → value."""
    doc = corpus / "documents" / f"{INDUSTRY}-2023.txt"
    text = doc.read_text(encoding="utf-8")
    assert "行政许可\t8" in text
    doc.write_text(text.replace("行政许可\t8", f"行政许可\t{value}"), encoding="utf-8")


def add_body_year(corpus: Path) -> None:
    """New data: one more registry row (its document is not there yet, status `missing`)."""
    registry = corpus / "registry.csv"
    row = (
        "yongan-education-bureau,永安市教育局,永安市,350481,department,yongan-city-government,"
        "2024,documents/yongan-education-bureau-2024.html,true\n"
    )
    registry.write_text(registry.read_text(encoding="utf-8") + row, encoding="utf-8")


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def correct(data: Path, registry: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`xxgk correct ARGS` as the data office types it, on this data directory and registry."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "xxgk.cli", "correct", *args]
    command += ["--data-dir", str(data), "--registry", str(registry)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

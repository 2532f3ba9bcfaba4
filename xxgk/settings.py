"""The Dagster home of a data directory, made persistent and quiet."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.datadir import DataDir, atomic_write

# One run at a time (runs write one warehouse file); one step of each pool at a time: `fetch`
# (collecting keeps the per-host limits) and `warehouse` (one writer of the DuckDB file).
ONE_RUN_AT_A_TIME = (
    "concurrency:\n  runs:\n    max_concurrent_runs: 1\n  pools:\n    default_limit: 1\n"
)


def dagster_home(data: Path) -> Path:
    """A persistent Dagster home inside the data dir, with telemetry off."""
    home = Path(os.environ.get("DAGSTER_HOME", str(DataDir(data).dagster_home))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        atomic_write(config, "telemetry:\n  enabled: false\n")
    text = config.read_text(encoding="utf-8")
    if "concurrency:" not in text:
        # one run at a time: sensor, schedule and manual runs all write one DuckDB file
        atomic_write(config, text + ONE_RUN_AT_A_TIME)
    return home

"""Where things are: the data directory (git-ignored outputs) and the registry."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.demo import DEMO_DIR

DEFAULT_DATA_DIR = "data"
ONE_RUN_AT_A_TIME = "concurrency:\n  runs:\n    max_concurrent_runs: 1\n"


def data_dir() -> Path:
    return Path(os.environ.get("XXGK_DATA_DIR", DEFAULT_DATA_DIR)).resolve()


def registry_path() -> Path:
    return Path(os.environ.get("XXGK_REGISTRY", str(DEMO_DIR / "registry.csv"))).resolve()


def dagster_home(data: Path) -> Path:
    """A persistent Dagster home inside the data dir, with telemetry off."""
    home = Path(os.environ.get("DAGSTER_HOME", str(data / "dagster_home"))).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    text = config.read_text(encoding="utf-8")
    if "concurrency:" not in text:
        # one run at a time: sensor, schedule and manual runs all write one DuckDB file
        config.write_text(text + ONE_RUN_AT_A_TIME, encoding="utf-8")
    return home

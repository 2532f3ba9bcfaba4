"""The Dagster code location of xxgk (named in pyproject.toml): one module per asset group, in
flow order — registry → collect → read → warehouse → corrections → release. The collect and read assets are
partitioned by year and division; the others are whole.

Runs execute in one process by default; reading uses every core from inside its step (a pool
of worker processes), which costs milliseconds where Dagster's multiprocess executor would
start a fresh interpreter (seconds) for every step. With XXGK_EXECUTOR=celery the same code
location runs its steps on Celery workers (see `assets.engine`).
"""

from __future__ import annotations

import dagster as dg

from assets import automation, collect, corrections, engine, read, registry, release, warehouse
from assets.resources import default_paths

ALL_ASSETS = [
    registry.registry,
    collect.inbox_files,
    collect.documents,
    read.reports,
    warehouse.warehouse,
    corrections.corrections,
    release.release,
]

ALL_CHECKS = [
    registry.registry_rows_valid,
    collect.inbox_files_matched,
    read.rows_match_schemas,
    warehouse.tables_match_schemas,
    warehouse.every_report_read,
    warehouse.consistency_rules,
    warehouse.every_report_found,
    corrections.corrections_match_cells,
]

# The whole flow as one job (the UI, the schedules, the sensors and `xxgk run` launch it): a run
# covers a range of partitions; a backfill splits the partitions over several runs.
xxgk_pipeline = dg.define_asset_job(
    automation.JOB,
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    description="从登记表到开放数据发布包的完整流程（按「年度-行政区划」分区）。Registry to open-data release.",
)

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[xxgk_pipeline],
    schedules=automation.SCHEDULES,
    sensors=automation.SENSORS,
    resources={"paths": default_paths()},
    executor=engine.executor(),
)

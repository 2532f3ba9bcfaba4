"""The Dagster code location of xxgk (named in pyproject.toml)."""

from __future__ import annotations

import dagster as dg

from assets import automation, checks, coverage, releases, sources, storage, tables
from assets.resources import default_paths

ALL_ASSETS = [
    sources.registry,
    sources.inbox_files,
    sources.raw_documents,
    sources.parsed_reports,
    tables.report_tables,
    storage.warehouse,
    releases.release,
    coverage.coverage,
]

ALL_CHECKS = [
    checks.registry_rows_valid,
    checks.inbox_files_matched,
    checks.every_report_found,
    checks.tables_match_schemas,
    checks.every_report_read,
    checks.consistency_rules,
]

# One body and year on its own (partitioned by body × year): launched from the asset's
# page (Materialize → pick the partition), never part of the whole-graph job.
PARTITIONED_ASSETS = [sources.body_year_report]

# The whole graph, as one job the data office (or `xxgk run`) launches.
xxgk_pipeline = dg.define_asset_job(
    "xxgk_pipeline",
    selection=dg.AssetSelection.assets(*ALL_ASSETS),
    description="从登记表到开放数据发布包的完整流程。Registry to open-data release.",
)

defs = dg.Definitions(
    assets=[*ALL_ASSETS, *PARTITIONED_ASSETS],
    asset_checks=ALL_CHECKS,
    jobs=[xxgk_pipeline],
    schedules=automation.SCHEDULES,
    sensors=automation.SENSORS,
    resources={"paths": default_paths()},
    # One process: the steps are small, and two processes cannot write one DuckDB file.
    executor=dg.in_process_executor,
)

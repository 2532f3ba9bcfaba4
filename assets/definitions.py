"""The Dagster code location of xxgk (named in pyproject.toml): one module per asset group, in
flow order — registry → collect → read → tables → warehouse → release."""

from __future__ import annotations

import dagster as dg

from assets import automation, collect, read, registry, release, tables, warehouse
from assets.resources import default_paths

ALL_ASSETS = [
    registry.registry,
    collect.inbox_files,
    collect.raw_documents,
    read.parsed_reports,
    tables.report_tables,
    tables.coverage,
    warehouse.warehouse,
    release.release,
]

ALL_CHECKS = [
    registry.registry_rows_valid,
    collect.inbox_files_matched,
    tables.every_report_found,
    tables.tables_match_schemas,
    tables.every_report_read,
    tables.consistency_rules,
]

# One body and year on its own (partitioned by body × year): launched from the asset's
# page (Materialize → pick the partition), never part of the whole-graph job.
PARTITIONED_ASSETS = [collect.body_year_report]

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

"""The Dagster code location of xxgk (named in pyproject.toml)."""

from __future__ import annotations

import dagster as dg

from assets import checks, releases, sources, storage, tables
from assets.resources import default_paths

ALL_ASSETS = [
    sources.registry,
    sources.raw_documents,
    sources.parsed_reports,
    tables.report_tables,
    storage.warehouse,
    releases.release,
]

ALL_CHECKS = [
    checks.registry_rows_valid,
    checks.tables_match_schemas,
    checks.every_report_read,
    checks.consistency_rules,
]

# The whole graph, as one job the data office (or `xxgk run`) launches.
xxgk_pipeline = dg.define_asset_job(
    "xxgk_pipeline",
    selection=dg.AssetSelection.all(),
    description="从登记表到开放数据发布包的完整流程。Registry to open-data release.",
)

defs = dg.Definitions(
    assets=ALL_ASSETS,
    asset_checks=ALL_CHECKS,
    jobs=[xxgk_pipeline],
    resources={"paths": default_paths()},
    # One process: the steps are small, and two processes cannot write one DuckDB file.
    executor=dg.in_process_executor,
)

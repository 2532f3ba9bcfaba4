"""From registry entries, documents and parse outcomes to the published tables (as rows).

Column names come from `schemas/`; every registry entry gives one `reports` row, whatever
happened to its document, so every input appears in the output with its status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

import schemas
import warehouse
from pipelines.collect.collector import Document
from pipelines.read.cache import Outcome
from pipelines.read.document import PARSER_VERSION
from pipelines.read.report import Finding, Report
from pipelines.read.rules import contract_paths
from pipelines.registry.model import Entry
from pipelines.tables import corrections, coverage
from pipelines.text import same_name
from warehouse.ddl import arrow_schema, parquet, quote

Rows = list[dict[str, Any]]
# Bumped whenever a change alters the rows built from a reading: every partition is then built
# again (from the parse cache) at the next run. PARSER_VERSION does the same for readings.
# 3: corrections beside the cells; coverage says which deadline applied; a report changed
# after publication; the cells' quality flags (filled in the warehouse); report_texts
ROWS_VERSION = "3"


@dataclass
class ReportInput:
    entry: Entry
    document: Document
    outcome: Outcome | None  # None when the document could not be had
    corrections: tuple[corrections.Correction, ...] = ()  # the data office's, for this entry


PARTITION_TABLES = schemas.PARTITION_TABLES


def build(inputs: list[ReportInput]) -> dict[str, Rows]:
    """The published rows of some registry entries (a partition's): every table but `bodies`
    (from the registry, `bodies`) and the rules between years (`cross_year`, once every year
    of a body is read). Rows in input order; writers sort by primary key."""
    tables: dict[str, Rows] = {name: [] for name in PARTITION_TABLES}
    for item in inputs:
        e = item.entry
        findings, status, reason, report = _assess(item)
        applied: dict[str, corrections.Applied] = {}
        if item.corrections:
            findings, report, applied = corrections.revise(
                findings, report, item.document.sha256, list(item.corrections)
            )
        findings += changed(item.document)  # after corrections: it names no cell to correct
        key = {"body_id": e.body_id, "year": e.year}
        outcome = item.outcome
        row = {
            **key,
            "agency_printed": report.agency if report else None,
            "template": report.template if report else None,
            "status": status,
            "status_reason": reason,
            "source": item.document.source or e.source,
            "source_format": outcome.source_format if outcome else None,
            "sha256": item.document.sha256,
            "bytes": item.document.bytes,
            "parser_version": outcome.parser_version if outcome else PARSER_VERSION,
            "published_on": _date(report.published_on) if report else None,
            "errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity == "warning" for f in findings),
            "synthetic": e.synthetic,
        }
        tables["reports"].append(row)
        tables["findings"] += finding_rows(key, findings)
        if report is not None:
            _cells(report, key, tables, applied)
            tables["report_texts"] += [
                {**key, "section": section, "text": text}
                for section, text in report.narrative.items()
            ]
        tables["coverage"].append(coverage.row(e, item.document, row))
    return tables


def changed(d: Document) -> list[Finding]:
    """REPORT_CHANGED when the body's report was fetched again with other bytes: the reading
    published is the new one's; both files are in the raw archive."""
    if not d.previous_sha256:
        return []
    return [
        Finding(
            "REPORT_CHANGED",
            "warning",
            f"报告发布后被修改：{d.previous_seen} 取得的文件（sha256 {d.previous_sha256}）"
            f"于 {d.changed_on} 再次取得时已不同（sha256 {d.sha256}）；发布的是修改后文件的读数，"
            "两个文件都保存在原始档案中。The report changed after publication.",
        )
    ]


def finding_rows(key: dict[str, Any], findings: list[Finding], first: int = 1) -> Rows:
    return [
        {
            **key,
            "finding_no": n,
            "rule": f.rule,
            "severity": f.severity,
            "message": f.message,
            "cells": ";".join(f.cells) or None,
        }
        for n, f in enumerate(findings, start=first)
    ]


def bodies(entries_file: Path) -> pa.Table:
    """The `bodies` table: one row per body as its first registry entry describes it, read
    from the registry snapshot's columns (no entry is built, whatever the registry's size)."""
    columns = ", ".join(map(quote, schemas.field_names("bodies")))
    with warehouse.connect() as con:
        table = con.sql(
            f"SELECT {columns} FROM {parquet(entries_file)} "
            "QUALIFY row_number() OVER (PARTITION BY body_id ORDER BY position) = 1 "
            "ORDER BY position"
        ).to_arrow_table()
    return table.cast(arrow_schema("bodies"))


def _assess(item: ReportInput) -> tuple[list[Finding], str, str | None, Report | None]:
    """Findings, status, reason and report of one registry entry."""
    e, outcome = item.entry, item.outcome
    if outcome is None:
        reason = item.document.error or "未取得文件"
        return [Finding("SOURCE_UNAVAILABLE", "error", reason)], "missing", reason, None
    if outcome.report is None:
        rule, reason = outcome.failure_rule or "NOT_A_REPORT", outcome.failure_reason or ""
        return [Finding(rule, "error", reason)], "failed", reason, None
    report = outcome.report
    findings = list(report.findings)
    if report.year is not None and report.year != e.year:
        findings.append(
            Finding(
                "METADATA_MISMATCH",
                "warning",
                f"文件标题中的统计年度为{report.year}年，登记表中为{e.year}年",
            )
        )
    if report.agency is not None and not same_body(report.agency, e.names):
        former = f"（曾用名：{'、'.join(e.aliases)}）" if e.aliases else ""
        findings.append(
            Finding(
                "METADATA_MISMATCH",
                "warning",
                f"文件标题中的机关为「{report.agency}」，登记表中为「{e.name}」{former}",
            )
        )
    missing = [f for f in findings if f.rule == "SECTION_MISSING"]
    if missing:
        return findings, "partial", "；".join(f.message for f in missing), report
    return findings, "parsed", None, report


def same_body(printed: str, names: tuple[str, ...]) -> bool:
    """The agency printed in a report is the body when it equals its name or a former name
    (机构改革前的名称), ignoring spaces and full-width brackets."""
    return any(same_name(printed, n) for n in names)


def _date(text: str | None) -> date | None:
    """An ISO date as read from a document; an impossible one (2023-02-30) is left out."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _cells(
    report: Report,
    key: dict[str, Any],
    tables: dict[str, Rows],
    applied: dict[str, corrections.Applied],
) -> None:
    for path in contract_paths(report):
        done = applied.get(path)
        c = done.correction if done else None
        section, row, col = path.split(".")
        a, b = schemas.primary_key(section)[2:]  # after body_id, year: the cell's row and column
        tables[section].append(
            {
                **key,
                a: row,
                b: col,
                "value": getattr(report, section)[row][col],
                "printed": report.printed.get(path),
                "location": report.locations.get(path),
                "corrected_from": done.read if done else None,
                "correction_id": c.correction_id if c else None,
                "correction_reason": c.reason if c else None,
                "corrected_by": c.who if c else None,
                # made in the warehouse, where the findings across years are known too
                # (warehouse/queries/cell_flags.sql)
                "trusted": None,
                "flags": None,
            }
        )

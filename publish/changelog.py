"""What changed between two releases: a machine-readable diff and a summary in Chinese.

The diff compares the Parquet files of two release directories row by row, keyed by each
table's primary key: rows added, removed, and changed (with the old and new value of every
changed column), per table and per body-year.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

import schemas
import warehouse
from publish.escape import markdown
from publish.versioning import BUMP_LABELS
from warehouse.ddl import parquet, quote

CHANGES = "changes.json"
CHANGELOG = "CHANGELOG.md"
SHOWN_VALUES = 50  # changed values listed in the Markdown; changes.json has all of them


def _json(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _parquet(release: Path, table: str) -> str | None:
    path = release / "data" / f"{table}.parquet"
    return parquet(path) if path.is_file() else None


def _columns(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [{n: _json(v) for n, v in zip(names, row, strict=True)} for row in cursor.fetchall()]


def _primary_key(table: str) -> list[str]:
    try:
        return schemas.primary_key(table)
    except FileNotFoundError:  # a table the previous release had and the schemas no longer do
        return []


# Rows of each kind listed in changes.json per table; the counts and the body-years are always
# complete (a 1 % correction of a national release changes hundreds of thousands of rows).
ROWS_LISTED = 10_000
READ = ("parsed", "partial")


def diff_table(
    con: duckdb.DuckDBPyConnection, table: str, old: str | None, new: str | None
) -> dict[str, Any]:
    """Rows added, removed and changed in one table between two Parquet sources.

    The body-years whose rows differ are found first from a digest of each body-year's rows on
    either side; rows are compared only within them, so an unchanged national table costs two
    scans and the rows compared are those that changed."""
    new_cols = _columns(con, new) if new else []
    old_cols = _columns(con, old) if old else []
    sides = [cols for cols in (old_cols, new_cols) if cols]
    shared = [c for c in sides[0] if all(c in cols for cols in sides)]
    key = [k for k in _primary_key(table) if k in shared] or shared
    common = [c for c in shared if c not in key] if old and new else []
    nothing = "(SELECT " + ", ".join(f"NULL AS {quote(k)}" for k in key) + " LIMIT 0)"
    o, n = (
        (old or nothing, new or nothing)
        if not (old and new)
        else _narrowed(con, old, new, key, shared)
    )
    on = " AND ".join(f"o.{quote(k)} IS NOT DISTINCT FROM n.{quote(k)}" for k in key)
    order = ", ".join(quote(k) for k in key)
    group = [g for g in ("body_id", "year") if g in key]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE added AS SELECT n.* FROM {n} n "
        f"WHERE NOT EXISTS (SELECT 1 FROM {o} o WHERE {on})"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE removed AS SELECT o.* FROM {o} o "
        f"WHERE NOT EXISTS (SELECT 1 FROM {n} n WHERE {on})"
    )
    if common:
        pairs = ", ".join(
            f"o.{quote(c)} AS {quote('old.' + c)}, n.{quote(c)} AS {quote('new.' + c)}"
            for c in common
        )
        differs = " OR ".join(f"o.{quote(c)} IS DISTINCT FROM n.{quote(c)}" for c in common)
        keys = ", ".join(f"n.{quote(k)}" for k in key)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE changed AS SELECT {keys}, {pairs} "
            f"FROM {o} o JOIN {n} n ON {on} WHERE {differs}"
        )
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE changed AS SELECT * FROM {nothing}")
    counts = {k: con.execute(f"SELECT count(*) FROM {k}").fetchone()[0] for k in KINDS}
    rows = [
        {
            "change": kind,
            "key": {k: r[k] for k in key},
            side: {c: v for c, v in r.items() if c not in key},
        }
        for kind, side in (("added", "new"), ("removed", "old"))
        for r in _rows(con, f"SELECT * FROM {kind} ORDER BY {order} LIMIT {ROWS_LISTED}")
    ]
    for r in _rows(con, f"SELECT * FROM changed ORDER BY {order} LIMIT {ROWS_LISTED}"):
        diff = [c for c in common if r[f"old.{c}"] != r[f"new.{c}"]]
        rows.append(
            {
                "change": "changed",
                "key": {k: r[k] for k in key},
                "old": {c: r[f"old.{c}"] for c in diff},
                "new": {c: r[f"new.{c}"] for c in diff},
            }
        )
    result = {
        "key": key,
        **counts,
        "columns_added": [c for c in new_cols if c not in old_cols] if old else [],
        "columns_removed": [c for c in old_cols if c not in new_cols] if new else [],
        "rows": rows,
        "rows_complete": all(c <= ROWS_LISTED for c in counts.values()),
        "groups": _group_counts(con, group) if "body_id" in group else [],
    }
    if table == "reports" and "status" in common:
        result["reads_gained"] = con.execute(
            f'SELECT count(*) FROM changed WHERE "old.status" NOT IN {READ} AND "new.status" IN {READ}'
        ).fetchone()[0]
    return result


KINDS = ("added", "removed", "changed")


def _narrowed(
    con: duckdb.DuckDBPyConnection, old: str, new: str, key: list[str], shared: list[str]
) -> tuple[str, str]:
    """Both sides kept to the body-years (or bodies) whose rows differ, found by comparing a
    digest of each one's rows on either side."""
    group = [g for g in ("body_id", "year") if g in key]
    if "body_id" not in group:
        return old, new
    cols = ", ".join(map(quote, group))
    row_hash = f"bit_xor(hash({', '.join(map(quote, shared))}))"
    for side, source in (("old", old), ("new", new)):
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE digest_{side} AS SELECT {cols}, count(*) AS n, "
            f"{row_hash} AS h FROM {source} GROUP BY {cols}"
        )
    same = " AND ".join(f"o.{quote(g)} = n.{quote(g)}" for g in group)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE differing AS SELECT {', '.join(f'coalesce(o.{quote(g)}, n.{quote(g)}) AS {quote(g)}' for g in group)} "
        f"FROM digest_old o FULL OUTER JOIN digest_new n ON {same} "
        "WHERE o.h IS DISTINCT FROM n.h OR o.n IS DISTINCT FROM n.n"
    )
    return (
        f"(SELECT * FROM {old} SEMI JOIN differing USING ({cols}))",
        f"(SELECT * FROM {new} SEMI JOIN differing USING ({cols}))",
    )


def _group_counts(con: duckdb.DuckDBPyConnection, group: list[str]) -> list[dict[str, Any]]:
    """Per body-year (or body): how many rows were added, removed and changed."""
    cols = ", ".join(map(quote, group))
    union = " UNION ALL ".join(f"SELECT {cols}, '{k}' AS kind FROM {k}" for k in KINDS)
    return _rows(
        con, f"SELECT {cols}, kind, count(*) AS n FROM ({union}) GROUP BY ALL ORDER BY ALL"
    )


def diff(old_release: Path | None, new_release: Path, tables: list[str]) -> dict[str, Any]:
    """The diff of every table of `new_release` (and of tables `old_release` had but it lacks).

    Without an old release (the first one) only row counts are given, not the rows.
    """
    con = warehouse.connect()
    try:
        if old_release is None:
            counts = {
                t: con.execute(f"SELECT count(*) FROM {_parquet(new_release, t)}").fetchone()[0]
                for t in tables
            }
            return {
                "rows_listed": False,
                "tables": {
                    t: {"added": c, "removed": 0, "changed": 0, "rows": []}
                    for t, c in counts.items()
                },
                "body_years": [],
                "source_changed": [],
            }
        old_tables = sorted(
            p.name.removesuffix(".parquet") for p in (old_release / "data").glob("*.parquet")
        )
        names = [*tables, *(t for t in old_tables if t not in tables)]
        result = {
            t: diff_table(con, t, _parquet(old_release, t), _parquet(new_release, t)) for t in names
        }
    finally:
        con.close()
    years = body_years(result)
    for t in result.values():
        del t["groups"]
    return {
        "rows_listed": True,
        "tables": result,
        "body_years": years,
        "source_changed": source_changed(result),
    }


CELL_TABLES = ("proactive", "applications", "reviews_litigation")


def source_changed(tables: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The body-years whose document changed (another sha256 in `reports`: the body changed its
    report, or another file was registered), with the cells that changed with it."""
    reports = tables.get("reports", {}).get("rows", [])
    out = []
    for r in reports:
        if r["change"] != "changed" or "sha256" not in r["new"]:
            continue
        key = r["key"]
        cells = [
            {"table": t, "key": c["key"], "old": c["old"], "new": c["new"]}
            for t in CELL_TABLES
            for c in tables.get(t, {}).get("rows", [])
            if c["change"] == "changed"
            and (c["key"]["body_id"], c["key"]["year"]) == (key["body_id"], key["year"])
        ]
        out.append(
            {
                **key,
                "old_sha256": r["old"]["sha256"],
                "new_sha256": r["new"]["sha256"],
                "cells": cells,
            }
        )
    return out


def body_years(tables: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per body and year: rows added, removed and changed in each table."""
    found: dict[tuple[str, int | None], dict[str, dict[str, int]]] = defaultdict(
        lambda: {"added": {}, "removed": {}, "changed": {}}
    )
    for table, t in tables.items():
        for g in t["groups"]:
            found[(g["body_id"], g.get("year"))][g["kind"]][table] = g["n"]
    return [
        {"body_id": b, "year": y, **found[(b, y)]}
        for b, y in sorted(found, key=lambda k: (k[0], k[1] if k[1] is not None else -1))
    ]


def _cell(value: Any, escape: Callable[[Any], str] = markdown) -> str:
    return "空值" if value is None else escape(value)


def summary(changes: dict[str, Any], names: dict[str, str]) -> str:
    """The human-readable summary of one release, in Chinese (Markdown)."""
    head = f"## {changes['version']}（{changes['created'][:10]}）"
    if changes["previous"] is None:
        lines = [head, "", "首次发布。First release.", ""]
    else:
        bump = changes["bump"]
        why = BUMP_LABELS.get(bump, "未变化，按要求强制发布（force）")
        lines = [head, "", f"相对上一版 {changes['previous']}：升{why}。"]
        if changes["schema"]["changed"]:
            lines.append("表结构有变化（列、类型、约束、主键或表的清单）。")
        else:
            lines.append("表结构未变。")
        lines.append("")
    for note in changes.get("notes", []):  # e.g. the previous release failed verification
        lines += [f"> {markdown(note)}", ""]
    lines += ["| 表 table | 新增行 added | 删除行 removed | 修改行 changed |", "|---|---|---|---|"]
    for table, t in changes["tables"].items():
        lines.append(f"| {table} | {t['added']} | {t['removed']} | {t['changed']} |")
    lines.append("")
    if changes["body_years"]:
        lines += ["### 涉及的机关和年度 · body-years", ""]
        for by in changes["body_years"]:
            who = markdown(names.get(by["body_id"], by["body_id"]))
            year = f" {by['year']} 年" if by["year"] is not None else ""
            parts = [
                f"{word} " + "、".join(f"{t} {n} 行" for t, n in by[kind].items())
                for kind, word in (("added", "新增"), ("removed", "删除"), ("changed", "修改"))
                if by[kind]
            ]
            lines.append(f"- {who}（{markdown(by['body_id'])}）{year}：{'；'.join(parts)}")
        lines.append("")
    lines += errata(changes, names)
    lines += _source_changed(changes.get("source_changed", []), names)
    changed = [
        (table, row, column)
        for table, t in changes["tables"].items()
        for row in t["rows"]
        if row["change"] == "changed"
        for column in row["new"]
    ]
    partial = [t for t, d in changes["tables"].items() if not d.get("rows_complete", True)]
    if partial:
        lines += [
            f"（{'、'.join(partial)} 的变化太多：{CHANGES} 每表列出前 {ROWS_LISTED:,} 行，"
            "行数和涉及的机关年度是完整的。Only the first rows are listed for these tables.）",
            "",
        ]
    if changed:
        lines += [
            f"### 修改的值 · changed values（列出 {min(len(changed), SHOWN_VALUES)} / {len(changed)} 处，"
            f"全部见 {CHANGES}）",
            "",
            *_value_table(changed),
            "",
        ]
    return "\n".join(lines)


def _value_table(changed: list[tuple[str, dict[str, Any], str]]) -> list[str]:
    """The first SHOWN_VALUES changed cells, (table, diff row, column), as a Markdown table."""
    lines = [
        "| 表 table | 键 key | 字段 field | 旧值 old | 新值 new |",
        "|---|---|---|---|---|",
    ]
    for table, row, column in changed[:SHOWN_VALUES]:
        key = " / ".join(_cell(v) for v in row["key"].values())
        lines.append(
            f"| {table} | {key} | {column} | {_cell(row['old'][column])} | {_cell(row['new'][column])} |"
        )
    return lines


CORRECTION_COLUMNS = {"correction_id", "correction_reason", "corrected_by", "corrected_from"}


ERRATA_TITLE = "更正 · errata（数据办对照原件核对后的更正，原文保留）"


def errata(changes: dict[str, Any], names: dict[str, str]) -> list[str]:
    """The data office's corrections made (or withdrawn) in this release, one line each: body,
    year, the cell in Chinese, old → new value, reason and who (Markdown lines)."""
    found = errata_items(changes, names)
    if not found:
        return []
    return [f"### {ERRATA_TITLE}", "", *(f"- {item}" for item in found), ""]


def errata_items(
    changes: dict[str, Any], names: dict[str, str], escape: Callable[[Any], str] = markdown
) -> list[str]:
    """Each correction made (or withdrawn) as one line, what came from people or portals
    passed through `escape` (Markdown for CHANGELOG.md, HTML for the catalog's page)."""
    return [
        _erratum(table, row, names, escape)
        for table in schemas.CELL_FIELDS
        for row in changes["tables"].get(table, {}).get("rows", [])
        if row["change"] == "changed" and CORRECTION_COLUMNS & set(row["new"])
    ]


def _erratum(
    table: str, row: dict[str, Any], names: dict[str, str], escape: Callable[[Any], str]
) -> str:
    key, old, new = row["key"], row["old"], row["new"]
    a, b = schemas.CELL_FIELDS[table]
    cell = schemas.cell_label(f"{table}.{key[a]}.{key[b]}")
    who = escape(names.get(key["body_id"], key["body_id"]))
    values = (
        f"{_cell(old['value'], escape)} → {_cell(new['value'], escape)}"
        if "value" in new
        else "值不变 value unchanged"
    )
    if new.get("correction_id", old.get("correction_id")) is None and "correction_id" in new:
        return f"{who} {key['year']} 年「{escape(cell)}」：撤销更正 {escape(old['correction_id'])}，{values}"
    said = [
        f"更正 {escape(new['correction_id'])}" if new.get("correction_id") else "",
        f"更正人 {escape(new['corrected_by'])}" if new.get("corrected_by") else "",
        f"原因：{escape(new['correction_reason'])}" if new.get("correction_reason") else "",
    ]
    return (
        f"{who} {key['year']} 年「{escape(cell)}」：{values}（{'，'.join(x for x in said if x)}）"
    )


SOURCE_CHANGED_TITLE = "原报告被修改（来源文件变化）· documents changed at the source"


def source_changed_items(
    found: list[dict[str, Any]], names: dict[str, str], escape: Callable[[Any], str] = markdown
) -> list[str]:
    """Each document that changed at the source as one line: body, year, both sha256 and how
    many cells changed with it (through `escape`, as errata_items)."""
    return [
        f"{escape(names.get(f['body_id'], f['body_id']))}（{escape(f['body_id'])}）{f['year']} 年："
        f"文件由 sha256 {_cell(f['old_sha256'], escape)} 变为 {_cell(f['new_sha256'], escape)}，"
        f"因此变化的单元格 {len(f['cells'])} 处"
        for f in found
    ]


def _source_changed(found: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    """The section on documents that changed at the source, each with the cells it changed."""
    if not found:
        return []
    lines = [f"### {SOURCE_CHANGED_TITLE}", ""]
    lines += [f"- {item}" for item in source_changed_items(found, names)]
    cells = [(c["table"], c, column) for f in found for c in f["cells"] for column in c["new"]]
    if cells:
        lines += ["", *_value_table(cells)]
    lines.append("")
    return lines


def cumulative(sections: list[str]) -> str:
    """The releases directory's CHANGELOG.md: every release's summary, newest first."""
    intro = "# 更新日志 · Changelog\n\n每个版本相对上一版的变化；机器可读的完整差异见各版本目录的 changes.json。\n\n"
    return intro + "\n".join(s.removeprefix("# 更新日志 · Changelog\n\n") for s in sections)

"""Table Schema constraints compiled to DuckDB SQL: validation that scales to millions of rows.

`frictionless validate` runs on every finished release too; this is the fast check that runs
inside the pipeline and gives row-level messages a clerk can act on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

import schemas
import warehouse
from warehouse.ddl import DUCKDB_TYPES, literal, parquet, quote


@dataclass(frozen=True)
class Violation:
    table: str
    row: int | None  # 1-based row in the table (or line in the input file); None for the table
    field: str | None
    message: str  # Chinese first

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row is not None else ""
        column = f"「{self.field}」" if self.field else ""
        return f"{self.table} {where}{column}：{self.message}"


def _field_checks(field: dict[str, Any]) -> list[tuple[str, str]]:
    """(SQL condition that is true for a bad row, Chinese message) for one field."""
    col = quote(field["name"])
    text = f"CAST({col} AS VARCHAR)"
    c = field.get("constraints", {})
    checks: list[tuple[str, str]] = []
    if field["type"] == "boolean" and ("trueValues" in field or "falseValues" in field):
        allowed = [*field.get("trueValues", ["true"]), *field.get("falseValues", ["false"])]
        checks.append(
            (
                f"{col} IS NOT NULL AND lower({text}) NOT IN ({', '.join(map(literal, allowed))})",
                f"应为 {' / '.join(v for v in allowed if v)} 之一",
            )
        )
    elif field["type"] != "string":
        duck = DUCKDB_TYPES[field["type"]]
        checks.append(
            (
                f"{col} IS NOT NULL AND TRY_CAST({col} AS {duck}) IS NULL",
                f"不是{_TYPE_CN[field['type']]}",
            )
        )
    if c.get("required"):
        checks.append((f"{col} IS NULL OR {text} = ''", "必填，不能为空"))
    if "enum" in c:
        checks.append(
            (
                f"{col} IS NOT NULL AND {text} NOT IN ({', '.join(map(literal, c['enum']))})",
                f"应为以下之一：{'、'.join(map(str, c['enum']))}",
            )
        )
    if "pattern" in c:
        checks.append(
            (
                f"{col} IS NOT NULL AND {text} <> '' AND NOT regexp_full_match({text}, {literal(c['pattern'])})",
                f"格式不对（应符合 {c['pattern']}）",
            )
        )
    for key, op, word in (("minimum", "<", "不能小于"), ("maximum", ">", "不能大于")):
        if key in c:
            checks.append((f"TRY_CAST({col} AS DOUBLE) {op} {c[key]}", f"{word}{c[key]}"))
    return checks


_TYPE_CN = {
    "integer": "整数",
    "number": "数字",
    "boolean": "是/否",
    "date": "日期（YYYY-MM-DD）",
    "datetime": "日期时间",
    "year": "年份",
}


def check_table(
    con: duckdb.DuckDBPyConnection, table: str, schema_name: str, *, row_column: str = "_row"
) -> list[Violation]:
    """Every constraint of the schema on `table`, which has a 1-based `row_column`."""
    schema = schemas.load(schema_name)
    violations: list[Violation] = []
    t = quote(table)
    for field in schema["fields"]:
        for condition, message in _field_checks(field):
            bad = con.execute(
                f"SELECT {quote(row_column)}, CAST({quote(field['name'])} AS VARCHAR) FROM {t} "
                f"WHERE {condition} ORDER BY 1 LIMIT 1000"
            ).fetchall()
            for row, value in bad:
                shown = "" if value is None else f"（现为「{value}」）"
                violations.append(Violation(schema_name, row, field["name"], message + shown))
    key = schema.get("primaryKey")
    if key:
        cols = ", ".join(map(quote, key))
        dupes = con.execute(
            f"SELECT min({quote(row_column)}), {cols}, count(*) FROM {t} GROUP BY ALL "
            f"HAVING count(*) > 1 ORDER BY 1 LIMIT 1000"
        ).fetchall()
        for dup in dupes:
            values = "、".join(str(v) for v in dup[1:-1])
            violations.append(
                Violation(
                    schema_name,
                    dup[0],
                    None,
                    f"主键（{', '.join(key)}）重复：{values} 出现{dup[-1]}次",
                )
            )
    return violations


def check_foreign_keys(
    con: duckdb.DuckDBPyConnection, table: str, schema_name: str, *, row_column: str = "_row"
) -> list[Violation]:
    """Foreign keys of the schema, against tables of the same names in `con`."""
    violations: list[Violation] = []
    for fk in schemas.load(schema_name).get("foreignKeys", []):
        target = fk["reference"]["resource"] or table
        if not con.execute(warehouse.sql("table_exists"), {"name": target}).fetchone()[0]:
            continue
        pairs = list(zip(fk["fields"], fk["reference"]["fields"], strict=True))
        join = " AND ".join(f"r.{quote(b)} = t.{quote(a)}" for a, b in pairs)
        not_null = " AND ".join(f"t.{quote(a)} IS NOT NULL" for a, _ in pairs)
        rows = con.execute(
            f"SELECT t.{quote(row_column)} FROM {quote(table)} t WHERE {not_null} AND NOT EXISTS "
            f"(SELECT 1 FROM {quote(target)} r WHERE {join}) ORDER BY 1 LIMIT 1000"
        ).fetchall()
        for (row,) in rows:
            violations.append(
                Violation(
                    schema_name,
                    row,
                    ", ".join(fk["fields"]),
                    f"在「{target}」中找不到对应的 {', '.join(fk['reference']['fields'])}",
                )
            )
    return violations


def validate_tables(tables: dict[str, Any]) -> list[Violation]:
    """Check Arrow tables (keyed by schema name) against their schemas, keys included."""
    con = warehouse.connect()
    try:
        for name, arrow in tables.items():
            con.register("incoming", arrow)
            con.execute(
                f"CREATE TABLE {quote(name)} AS SELECT row_number() OVER () AS _row, * FROM incoming"
            )
            con.unregister("incoming")
        violations: list[Violation] = []
        for name in tables:
            violations += check_table(con, name, name)
            violations += check_foreign_keys(con, name, name)
        return violations
    finally:
        con.close()


def validate_text_rows(
    schema_name: str, rows: list[dict[str, str | None]], *, first_line: int = 2
) -> list[Violation]:
    """Check rows read as text from an input file (CSV) against a schema, with line numbers.

    Types are checked by casting, so "二〇二三" in an integer column is reported, not crashed on.
    """
    import pyarrow as pa

    names = schemas.field_names(schema_name)
    present = set(rows[0]) if rows else set(names)
    missing = [n for n in names if n not in present]
    if missing:
        return [Violation(schema_name, None, None, f"缺少列：{'、'.join(missing)}")]
    columns = {"_row": pa.array(range(first_line, first_line + len(rows)), pa.int64())}
    for name in names:
        columns[name] = pa.array([r.get(name) for r in rows], pa.string())
    con = warehouse.connect()
    try:
        con.register("rows_in", pa.table(columns))
        con.execute(f"CREATE TABLE {quote(schema_name)} AS SELECT * FROM rows_in")
        return check_table(con, schema_name, schema_name)
    finally:
        con.close()


def check_parquet(path: Any, schema_name: str) -> list[Violation]:
    """A published Parquet file: column names and types as the schema says, then every
    constraint of the schema (keys included), read from the file (never copied in memory)."""
    from warehouse.ddl import DUCKDB_TYPES

    with warehouse.connect() as con:
        con.execute(f"CREATE VIEW {quote(schema_name)} AS {_numbered(parquet([path]))}")
        actual = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {quote(schema_name)}").fetchall()]
        expected = [
            (f["name"], DUCKDB_TYPES[f["type"]]) for f in schemas.load(schema_name)["fields"]
        ]
        if actual[1:] != expected:
            return [
                Violation(
                    schema_name, None, None, f"列与类型不符：应为 {expected}，实为 {actual[1:]}"
                )
            ]
        return check_table(con, schema_name, schema_name)


def check_files(tables: dict[str, list[Any]]) -> list[Violation]:
    """Some files of the partitioned dataset (per table) against their schemas: every field's
    type and constraints, primary keys unique across the files. Rows are numbered within
    their file."""
    violations: list[Violation] = []
    with warehouse.connect() as con:
        for name, paths in tables.items():
            if not paths:
                continue
            con.execute(f"CREATE VIEW {quote(name)} AS {_numbered(parquet(list(paths)))}")
            violations += check_table(con, name, name)
    return violations


def check_database(db_path: Any) -> list[Violation]:
    """Every published table of a warehouse file against its schema: fields, primary keys and
    foreign keys across all partitions (read-only; large tables are scanned, not copied)."""
    violations: list[Violation] = []
    with warehouse.connect(str(db_path), read_only=True) as con:
        for name in schemas.published_tables():
            if name == "metrics":
                continue  # a view of the others (its schema is checked on the release's files)
            view = f"_checked_{name}"
            con.execute(
                f"CREATE TEMP VIEW {quote(view)} AS SELECT rowid + 1 AS _row, * FROM {quote(name)}"
            )
            violations += check_table(con, view, name)
            violations += check_foreign_keys(con, view, name)
    return violations


def _numbered(source: str) -> str:
    """Rows of Parquet files with `_row`, their number within their file (from 1)."""
    source = source[:-1] + ", file_row_number = true)"
    return f"SELECT file_row_number + 1 AS _row, * EXCLUDE (file_row_number) FROM {source}"

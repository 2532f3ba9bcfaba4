"""Writing one table to CSV or Parquet, in schema column order, sorted by primary key, so the
same rows always give the same bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

import schemas
from warehouse.ddl import literal, order_by, quote

BOM = b"\xef\xbb\xbf"


def whole_tables(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The CSV resources of the whole tables, one per table (not the per-year or per-region
    files of publish/subsets.py, which carry `subset`)."""
    return [r for r in resources if r.get("format") == "csv" and "subset" not in r]


# A spreadsheet runs a cell that starts with = + - @ (or tab, CR) as a formula. In the CSV's text
# columns such a value gets one leading apostrophe. A value that already starts with apostrophes
# followed by such a character gets one more, so the rule is exactly reversible: drop one leading
# apostrophe where the value matches this pattern.
FORMULA_START = r"^'*[=+\-@\t\r]"


def neutralised(column: str) -> str:
    """SQL for a text column with spreadsheet formulas defused (CSV only, never Parquet)."""
    col = quote(column)
    return f"CASE WHEN regexp_matches({col}, {literal(FORMULA_START)}) THEN '''' || {col} ELSE {col} END"


def select_sql(name: str, *, for_spreadsheets: bool = False) -> str:
    columns = ", ".join(
        f"{neutralised(f['name'])} AS {quote(f['name'])}"
        if for_spreadsheets and f["type"] == "string"
        else quote(f["name"])
        for f in schemas.load(name)["fields"]
    )
    return f"SELECT {columns} FROM {quote(name)} ORDER BY {order_by(name)}"


def export_table(con: duckdb.DuckDBPyConnection, name: str, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        con.execute(
            f"COPY ({select_sql(name)}) TO {literal(str(path))} (FORMAT parquet, COMPRESSION snappy)"
        )
        return
    body = path.with_name(path.name + ".body")
    con.execute(
        f"COPY ({select_sql(name, for_spreadsheets=True)}) TO {literal(str(body))} "
        "(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', NEW_LINE '\\n')"
    )
    # UTF-8 with a byte-order mark: Excel otherwise opens Chinese CSV as GBK mojibake.
    with path.open("wb") as out, body.open("rb") as src:
        out.write(BOM)
        while block := src.read(1 << 20):
            out.write(block)
    body.unlink()

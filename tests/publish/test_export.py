"""Excel-friendly CSV: UTF-8 with BOM, and text a spreadsheet would run as a formula defused in
text columns of the CSV only (never numeric columns, never Parquet), reversibly."""

from __future__ import annotations

import csv
import re

import duckdb
import pyarrow.parquet as pq

from publish.export import BOM, FORMULA_START, export_table
from warehouse.ddl import create_table, to_arrow

DANGEROUS = ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "'=x", "''-x"]
SAFE = ["ok", "'x", "中文", "a=b", ""]


def rows(values: list[str]) -> list[dict]:
    return [
        {
            "body_id": f"b{i}",
            "year": 2023,
            "row": "new_received",
            "applicant": "total",
            "value": -5,  # a negative count as printed: numeric, left alone
            "printed": text,
            "location": None,
            "corrected_from": None,
            "correction_id": None,
            "correction_reason": None,
            "corrected_by": None,
            "trusted": True,
            "flags": None,
        }
        for i, text in enumerate(values)
    ]


def test_formula_cells_are_neutralised_in_text_columns_of_the_csv_only(tmp_path):
    con = duckdb.connect()
    con.execute(create_table("applications", constraints=False))
    con.register("incoming", to_arrow("applications", rows(DANGEROUS + SAFE)))
    con.execute("INSERT INTO applications SELECT * FROM incoming")
    export_table(con, "applications", tmp_path / "a.csv", "csv")
    export_table(con, "applications", tmp_path / "a.parquet", "parquet")

    raw = (tmp_path / "a.csv").read_bytes()
    assert raw.startswith(BOM)
    with (tmp_path / "a.csv").open(encoding="utf-8-sig", newline="") as f:
        published = {r["body_id"]: r for r in csv.DictReader(f)}
    for i, text in enumerate(DANGEROUS):
        cell = published[f"b{i}"]
        assert cell["printed"] == "'" + text, text
        assert cell["value"] == "-5"  # numeric column untouched
    for i, text in enumerate(SAFE, start=len(DANGEROUS)):
        assert published[f"b{i}"]["printed"] == text

    parquet = {r["body_id"]: r for r in pq.read_table(tmp_path / "a.parquet").to_pylist()}
    assert [parquet[f"b{i}"]["printed"] for i in range(len(DANGEROUS + SAFE))] == DANGEROUS + SAFE

    # Documented reversal: drop one leading apostrophe where the value matches the pattern.
    def restore(cell: str) -> str:
        return cell[1:] if re.match(FORMULA_START, cell[1:]) and cell.startswith("'") else cell

    assert [restore(published[f"b{i}"]["printed"]) for i in range(len(DANGEROUS + SAFE))] == (
        DANGEROUS + SAFE
    )

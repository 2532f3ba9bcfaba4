"""Reading a registry file (or the data office's other input sheets, such as its corrections)
into rows of text: CSV (any encoding Excel saves in) or Excel (the first sheet, or the one
named 登记表 / 更正表; title rows above the header allowed). Headers may be the field names
(body_id …) or their Chinese titles (机关编号 …), as the sheet's Table Schema names them."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemas
from pipelines.text import decode

Rows = list[dict[str, str | None]]


@dataclass
class Sheet:
    """Rows read as text, with where they came from for messages."""

    rows: Rows
    lines: list[int]  # line (CSV) or row (Excel) number of each row
    where: str = ""  # 工作表「…」 for Excel
    missing: list[str] = field(default_factory=list)  # required columns absent


# The sheet of a workbook each input is read from when it has several.
SHEET_NAMES = {"registry": ("登记表", "registry"), "corrections": ("更正表", "corrections")}


def _header_names(schema: str) -> dict[str, str]:
    """Header text → field name: the field names and their Chinese titles."""
    names = {}
    for f in schemas.load(schema)["fields"]:
        names[f["name"].lower()] = f["name"]
        names[f["title"]] = f["name"]
    return names


def _required(schema: str) -> list[str]:
    return [
        f["name"]
        for f in schemas.load(schema)["fields"]
        if f.get("constraints", {}).get("required")
    ]


def _normalise(
    header: list[Any], records: list[list[Any]], lines: list[int], where: str, schema: str
) -> Sheet:
    known = _header_names(schema)
    columns = [known.get(_cell(h) or "", known.get((_cell(h) or "").lower(), "")) for h in header]
    fields = schemas.field_names(schema)
    required = _required(schema)
    rows: Rows = []
    kept_lines = []
    for record, line in zip(records, lines, strict=True):
        values = [_cell(v) for v in record]
        if not any(values):
            continue  # an empty line in the sheet
        row: dict[str, str | None] = dict.fromkeys(fields)
        for name, value in zip(columns, values, strict=False):
            if name:
                row[name] = value
        rows.append(row)
        kept_lines.append(line)
    missing = [n for n in required if n not in columns]
    return Sheet(rows, kept_lines, where, missing)


def _cell(value: Any) -> str | None:
    """A cell as text: Excel gives numbers (350481, 2023.0), booleans and dates."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):  # a date typed in Excel (a `deadline`)
        return (
            value.date().isoformat() if isinstance(value, datetime.datetime) else value.isoformat()
        )
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def read_csv(data: bytes, schema: str = "registry") -> Sheet:
    """CSV rows as text (any encoding Excel saves in), empty cells as None."""
    records = list(csv.reader(io.StringIO(decode(data))))
    if not records:
        return _normalise([], [], [], "", schema)
    body = records[1:]
    return _normalise(records[0], body, list(range(2, len(body) + 2)), "", schema)


def read_xlsx(data: bytes, schema: str = "registry") -> Sheet:
    """The first sheet of a workbook (or the one named 登记表 / registry, 更正表 / corrections);
    the header is the first row that names the schema's first required field (body_id or
    机关编号), so title rows above it are allowed."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = book.sheetnames
        wanted = SHEET_NAMES.get(schema, ())
        chosen = next((n for n in names if n.strip().lower() in wanted), names[0])
        sheet = book[chosen]
        records = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    where = f"工作表「{chosen}」"
    first = schemas.field(schema, _required(schema)[0])
    marks = (first["name"], first["title"])
    header_at = next(
        (i for i, r in enumerate(records[:20]) if any(_cell(v) in marks for v in r)), 0
    )
    header = records[header_at] if records else []
    body = records[header_at + 1 :]
    first_line = header_at + 2
    lines = list(range(first_line, first_line + len(body)))
    return _normalise(header, body, lines, where, schema)


def is_xlsx(path: Path, data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm")

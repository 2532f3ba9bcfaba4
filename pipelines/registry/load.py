"""The registry of bodies: who must publish a report, for which year, and where it is.

The data office keeps it in Excel (or CSV, any encoding Excel saves in). Two kinds of rows,
mixed freely in one sheet:
- a row with a `year`: that year's report, at `source` (a path or URL; empty: look for it on
  the listing page or in the inbox);
- a row without a year: the body itself, with its listing page (`listing_url`) and active
  years; one entry per year it should have reported is then expected.
Headers may be the field names (body_id …) or their Chinese titles (机关编号 …).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import schemas
from pipelines.collect.archive import sha256
from pipelines.registry import regions
from pipelines.text import decode

# Reports from 2019 on follow the templates the parser reads (国办公开办函〔2019〕60号 and later).
DEFAULT_FIRST_YEAR = 2019
NO_SOURCE = "（未登记报告位置）"
TRUE_VALUES = {"true", "1", "是"}
_ALIAS_SPLIT = re.compile(r"[;；、\n]+")
_BODY_ATTRS = ("name", "region_name", "region_code", "level", "synthetic")
_OPTIONAL_BODY_ATTRS = ("parent_id", "aliases", "listing_url", "active_from", "active_to")


@dataclass(frozen=True)
class Entry:
    body_id: str
    name: str
    region_name: str
    region_code: str
    level: str
    parent_id: str | None
    year: int
    source: str  # "" when the report is to be found (listing page, inbox)
    synthetic: bool
    aliases: tuple[str, ...] = ()
    listing_url: str | None = None
    active_from: int | None = None
    active_to: int | None = None
    expected: bool = True  # the body existed that year, so a report is due
    registered: bool = True  # False: a year the body should report for, with no row of its own

    def is_active(self, year: int) -> bool:
        return (self.active_from is None or year >= self.active_from) and (
            self.active_to is None or year <= self.active_to
        )

    @property
    def names(self) -> tuple[str, ...]:
        """The full name and every former name: any of them may head the body's report."""
        return (self.name, *self.aliases)


@dataclass
class Registry:
    path: str
    sha256: str
    entries: list[Entry]
    problems: list[str] = field(default_factory=list)  # row-level errors, Chinese
    warnings: list[str] = field(default_factory=list)  # kept rows with something to check

    @property
    def base_dir(self) -> Path:
        return Path(self.path).parent

    def bodies(self) -> dict[str, Entry]:
        """One entry per body (its first), in registry order."""
        out: dict[str, Entry] = {}
        for e in self.entries:
            out.setdefault(e.body_id, e)
        return out


Rows = list[dict[str, str | None]]


@dataclass
class Sheet:
    """Rows read as text, with where they came from for messages."""

    rows: Rows
    lines: list[int]  # line (CSV) or row (Excel) number of each row
    where: str = ""  # 工作表「…」 for Excel
    missing: list[str] = field(default_factory=list)  # required columns absent


def _header_names() -> dict[str, str]:
    """Header text → field name: the field names and their Chinese titles."""
    names = {}
    for f in schemas.load("registry")["fields"]:
        names[f["name"].lower()] = f["name"]
        names[f["title"]] = f["name"]
    return names


def _normalise(header: list[Any], records: list[list[Any]], lines: list[int], where: str) -> Sheet:
    known = _header_names()
    columns = [known.get(_cell(h) or "", known.get((_cell(h) or "").lower(), "")) for h in header]
    fields = schemas.field_names("registry")
    required = [
        f["name"]
        for f in schemas.load("registry")["fields"]
        if f.get("constraints", {}).get("required")
    ]
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
    """A cell as text: Excel gives numbers (350481, 2023.0) and booleans."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def read_csv(data: bytes) -> Sheet:
    """CSV rows as text (any encoding Excel saves in), empty cells as None."""
    records = list(csv.reader(io.StringIO(decode(data))))
    if not records:
        return _normalise([], [], [], "")
    body = records[1:]
    return _normalise(records[0], body, list(range(2, len(body) + 2)), "")


def read_xlsx(data: bytes) -> Sheet:
    """The first sheet of a workbook (or the one named 登记表 / registry); the header is the
    first row that names body_id (or 机关编号), so title rows above it are allowed."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        names = book.sheetnames
        chosen = next((n for n in names if n.strip().lower() in ("登记表", "registry")), names[0])
        sheet = book[chosen]
        records = [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    where = f"工作表「{chosen}」"
    header_at = next(
        (
            i
            for i, r in enumerate(records[:20])
            if any(_cell(v) in ("body_id", "机关编号") for v in r)
        ),
        0,
    )
    header = records[header_at] if records else []
    body = records[header_at + 1 :]
    first_line = header_at + 2
    return _normalise(header, body, list(range(first_line, first_line + len(body))), where)


def is_xlsx(path: Path, data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm")


def _years(text: str | None) -> int | None:
    return int(text) if text else None


def _row_entry(row: dict[str, str | None]) -> Entry:
    return Entry(
        body_id=row["body_id"] or "",
        name=row["name"] or "",
        region_name=row["region_name"] or "",
        region_code=row["region_code"] or "",
        level=row["level"] or "",
        parent_id=row.get("parent_id"),
        year=_years(row.get("year")) or 0,
        source=row.get("source") or "",
        synthetic=(row.get("synthetic") or "").lower() in TRUE_VALUES,
        aliases=tuple(a.strip() for a in _ALIAS_SPLIT.split(row.get("aliases") or "") if a.strip()),
        listing_url=row.get("listing_url"),
        active_from=_years(row.get("active_from")),
        active_to=_years(row.get("active_to")),
    )


def _merge_bodies(
    rows: list[tuple[str, Entry]],
) -> tuple[dict[str, Entry], list[str]]:
    """One description per body: required attributes must agree on every row; optional ones
    (parent, aliases, listing page, active years) may be given on one row only."""
    bodies: dict[str, Entry] = {}
    problems = []
    for where, e in rows:
        first = bodies.get(e.body_id)
        if first is None:
            bodies[e.body_id] = e
            continue
        for attr in _BODY_ATTRS:
            if getattr(first, attr) != getattr(e, attr):
                problems.append(
                    f"{where}机关 {e.body_id} 在不同行的「{attr}」不一致："
                    f"{getattr(first, attr)} / {getattr(e, attr)}"
                )
        merged = {}
        for attr in _OPTIONAL_BODY_ATTRS:
            a, b = getattr(first, attr), getattr(e, attr)
            if a and b and a != b:
                problems.append(f"{where}机关 {e.body_id} 在不同行的「{attr}」不一致：{a} / {b}")
            merged[attr] = a or b
        bodies[e.body_id] = replace(first, **merged)
    return bodies, problems


def load(
    path: Path, *, as_of: date | None = None, first_year: int = DEFAULT_FIRST_YEAR
) -> Registry:
    """Read and validate a registry (CSV or Excel); rows with problems are reported and left
    out. `as_of` bounds the years expected of bodies registered without a year: every year
    that has ended by then (its report falls due on 31 January of the next)."""
    data = path.read_bytes()
    try:
        sheet = read_xlsx(data) if is_xlsx(path, data) else read_csv(data)
    except Exception as e:  # a damaged workbook is a problem to report, not a crash
        return Registry(
            str(path.resolve()), sha256(data), [], [f"登记表无法打开（{type(e).__name__}: {e}）"]
        )
    return from_sheet(sheet, str(path.resolve()), sha256(data), as_of=as_of, first_year=first_year)


def from_sheet(
    sheet: Sheet,
    path: str,
    digest: str,
    *,
    as_of: date | None = None,
    first_year: int = DEFAULT_FIRST_YEAR,
) -> Registry:
    from warehouse.validate import validate_text_rows

    if sheet.missing:
        return Registry(
            path, digest, [], [f"{sheet.where}登记表缺少列：{'、'.join(sheet.missing)}"]
        )
    problems: list[str] = []
    warnings: list[str] = []
    bad: set[int] = set()  # indexes into sheet.rows
    for v in validate_text_rows("registry", sheet.rows):
        # validate_text_rows numbers rows from line 2; map back to the sheet's own lines
        i = v.row - 2 if v.row is not None else None
        line = sheet.lines[i] if i is not None and 0 <= i < len(sheet.lines) else None
        column = f"「{v.field}」" if v.field else ""
        problems.append(f"{sheet.where}第{line}行{column}：{v.message}")
        if i is not None:
            bad.add(i)
    for i, row in enumerate(sheet.rows):
        if i in bad:
            continue
        where = f"{sheet.where}第{sheet.lines[i]}行"
        error, warning = regions.check(row["region_code"] or "", row["region_name"] or "")
        if error:
            problems.append(f"{where}「region_code」：{error}")
            bad.add(i)
        if warning:
            warnings.append(f"{where}「region_name」：{warning}")
        start, end = _years(row.get("active_from")), _years(row.get("active_to"))
        if start and end and start > end:
            problems.append(f"{where}「active_to」：终止年度 {end} 早于起始年度 {start}")
            bad.add(i)
        if not row.get("year") and row.get("source"):
            problems.append(f"{where}「year」：写了报告位置却没有写统计年度")
            bad.add(i)
    rows = [
        (f"{sheet.where}第{sheet.lines[i]}行", _row_entry(r))
        for i, r in enumerate(sheet.rows)
        if i not in bad
    ]
    bodies, conflicts = _merge_bodies(rows)
    problems += conflicts
    for body in bodies.values():
        if body.parent_id and body.parent_id not in bodies:
            problems.append(
                f"机关 {body.body_id} 的上级机关「{body.parent_id}」不在登记表中（已忽略上级机关）"
            )
    entries = _entries(bodies, [e for _, e in rows], as_of or date.today(), first_year)
    return Registry(path, digest, entries, problems, warnings)


def _entries(
    bodies: dict[str, Entry], rows: list[Entry], as_of: date, first_year: int
) -> list[Entry]:
    """Every (body, year) the registry expects, in registry order: the rows with a year, then
    for bodies registered with a listing page or active years, each further year they were
    active (up to the last year that has ended by `as_of`)."""
    last_year = as_of.year - 1
    out: list[Entry] = []
    seen: set[tuple[str, int]] = set()
    for e in rows:
        body = bodies[e.body_id]
        parent = body.parent_id if body.parent_id in bodies else None
        full = replace(body, parent_id=parent, year=e.year, source=e.source)
        if e.year:
            out.append(replace(full, expected=full.is_active(e.year)))
            seen.add((e.body_id, e.year))
    for body in bodies.values():
        registers_years = any(not r.year for r in rows if r.body_id == body.body_id)
        if not (registers_years or body.listing_url or body.active_from):
            continue  # only the rows it has: nothing else is expected of it
        parent = body.parent_id if body.parent_id in bodies else None
        start = body.active_from or first_year
        end = min(body.active_to or last_year, last_year)
        for year in range(start, end + 1):
            if (body.body_id, year) not in seen:
                seen.add((body.body_id, year))
                out.append(replace(body, parent_id=parent, year=year, source="", registered=False))
    return out

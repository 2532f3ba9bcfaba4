"""Loading the registry: rows read from the sheet, checked against the registry's Table Schema
and the GB/T 2260 codes, merged into one description per body, expanded into every (body,
year) a report is expected for. Linear in rows: a national registry (~150,000 bodies) loads in
seconds.

Two kinds of rows, mixed freely in one sheet:
- a row with a `year`: that year's report, at `source` (a path or URL; empty: look for it on
  the listing page or in the inbox);
- a row without a year: the body itself, with its listing page (`listing_url`) and active
  years; one entry per year it should have reported is then expected.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from pipelines.files import sha256
from pipelines.registry import regions
from pipelines.registry.model import DEFAULT_FIRST_YEAR, Entry, Registry, deadline_problem
from pipelines.registry.sheets import Sheet, is_xlsx, read_csv, read_xlsx
from warehouse.validate import validate_text_rows

TRUE_VALUES = {"true", "1", "是"}
_ALIAS_SPLIT = re.compile(r"[;；、\n]+")
# Attributes of a body that every row naming it must give alike, and those one row may give.
_BODY_ATTRS = ("name", "region_name", "region_code", "level", "synthetic")
_OPTIONAL_BODY_ATTRS = ("parent_id", "aliases", "listing_url", "active_from", "active_to")


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
        deadline=row.get("deadline"),
    )


def _deadline_problem(row: dict[str, str | None]) -> str | None:
    """A `deadline` that is no day, or a full date on a row that is not one year's."""
    text = row.get("deadline")
    if not text:
        return None
    problem = deadline_problem(text)
    if problem is None and len(text) > 5 and not row.get("year"):
        problem = (
            f"截止日期「{text}」是具体日期，只能写在有统计年度的行；机关行请写 月-日（如 03-31）"
        )
    return problem


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
    that has ended by then (its report falls due early in the next)."""
    data = path.read_bytes()
    try:
        sheet = read_xlsx(data) if is_xlsx(path, data) else read_csv(data)
    except Exception as e:  # a damaged workbook is a problem to report, not a crash
        return Registry(
            str(path.resolve()), sha256(data), [], [f"登记表无法打开（{type(e).__name__}: {e}）"]
        )
    return from_sheet(sheet, str(path.resolve()), sha256(data), as_of=as_of, first_year=first_year)


def _row_checks(
    row: dict[str, str | None], where: str, broken: set[str]
) -> tuple[list[str], list[str]]:
    """(problems, warnings) of one row beyond its schema, skipping checks of broken fields."""
    problems: list[str] = []
    warnings: list[str] = []
    if "" in broken:
        return problems, warnings  # the row as a whole is wrong (e.g. a duplicate key)
    if not broken & {"region_code", "region_name"}:
        error, warning = regions.check(row["region_code"] or "", row["region_name"] or "")
        if error:
            problems.append(f"{where}「region_code」：{error}")
        if warning:
            warnings.append(f"{where}「region_name」：{warning}")
    if broken & {"active_from", "active_to", "year"}:
        return problems, warnings
    start, end = _years(row.get("active_from")), _years(row.get("active_to"))
    if start and end and start > end:
        problems.append(f"{where}「active_to」：终止年度 {end} 早于起始年度 {start}")
    if not row.get("year") and row.get("source"):
        problems.append(f"{where}「year」：写了报告位置却没有写统计年度")
    deadline = None if "deadline" in broken else _deadline_problem(row)
    if deadline:
        problems.append(f"{where}「deadline」：{deadline}")
    return problems, warnings


def from_sheet(
    sheet: Sheet,
    path: str,
    digest: str,
    *,
    as_of: date | None = None,
    first_year: int = DEFAULT_FIRST_YEAR,
) -> Registry:
    if sheet.missing:
        return Registry(
            path, digest, [], [f"{sheet.where}登记表缺少列：{'、'.join(sheet.missing)}"]
        )
    problems: list[str] = []
    warnings: list[str] = []
    bad: set[int] = set()  # indexes into sheet.rows
    failed: dict[int, set[str]] = {}  # the fields of each row that broke the schema
    for v in validate_text_rows("registry", sheet.rows):
        # validate_text_rows numbers rows from line 2; map back to the sheet's own lines
        i = v.row - 2 if v.row is not None else None
        line = sheet.lines[i] if i is not None and 0 <= i < len(sheet.lines) else None
        column = f"「{v.field}」" if v.field else ""
        problems.append(f"{sheet.where}第{line}行{column}：{v.message}")
        if i is not None:
            bad.add(i)
            failed.setdefault(i, set()).add(v.field or "")
    # every check on every row whose fields it reads are valid: a clerk mends a row in one
    # pass, not one problem per run
    for i, row in enumerate(sheet.rows):
        errors, notes = _row_checks(row, f"{sheet.where}第{sheet.lines[i]}行", failed.get(i, set()))
        problems += errors
        warnings += notes
        if errors:
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
    registers_years = {r.body_id for r in rows if not r.year}
    # a body row's deadline (MM-DD) holds for each of its years without one of its own
    deadlines = {r.body_id: r.deadline for r in rows if not r.year and r.deadline}
    out: list[Entry] = []
    seen: set[tuple[str, int]] = set()
    for e in rows:
        body = bodies[e.body_id]
        parent = body.parent_id if body.parent_id in bodies else None
        full = replace(
            body,
            parent_id=parent,
            year=e.year,
            source=e.source,
            deadline=e.deadline or deadlines.get(e.body_id),
        )
        if e.year:
            out.append(replace(full, expected=full.is_active(e.year)))
            seen.add((e.body_id, e.year))
    for body in bodies.values():
        if not (body.body_id in registers_years or body.listing_url or body.active_from):
            continue  # only the rows it has: nothing else is expected of it
        parent = body.parent_id if body.parent_id in bodies else None
        start = body.active_from or first_year
        end = min(body.active_to or last_year, last_year)
        for year in range(start, end + 1):
            if (body.body_id, year) not in seen:
                seen.add((body.body_id, year))
                out.append(
                    replace(
                        body,
                        parent_id=parent,
                        year=year,
                        source="",
                        registered=False,
                        deadline=deadlines.get(body.body_id),
                    )
                )
    return out

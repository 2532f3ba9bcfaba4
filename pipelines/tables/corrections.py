"""The data office's corrections: cells checked against the original and corrected by a person.

The corrections file (CSV or Excel, schema `corrections`) has one row per corrected cell. It is
read and checked row by row, as the registry is (messages in Chinese, with the line). A
correction is applied after reading, to the rows built from a report: the raw archive and the
parse cache are never touched, the printed text is kept, the corrected value is published with
the correction's id, reason and author beside it, and the template's arithmetic runs again on
the corrected values. A correction made against another printing of the report (its sha256 or
the printed text it records differs) or naming a cell the report does not have is not applied:
it is reported (finding CORRECTION_STALE, and the `corrections` asset check).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import schemas
from pipelines.files import sha256
from pipelines.read import rules
from pipelines.read import template as t
from pipelines.read.report import Finding, Number, Report
from pipelines.read.values import shown
from pipelines.registry.sheets import Sheet, is_xlsx, read_csv, read_xlsx
from pipelines.text import same_name
from warehouse.validate import validate_text_rows

SCHEMA = "corrections"
SECTIONS = schemas.CELL_FIELDS
_SEPARATORS = re.compile(r"\s*[/／|｜·]\s*")
_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass(frozen=True)
class Correction:
    correction_id: str
    where: str  # 第3行 (工作表「更正表」第3行): for messages
    body_id: str
    year: int
    cell: str  # the contract's dotted key
    value: Number
    printed: str | None  # the printed text the clerk saw
    sha256: str | None  # the document the correction was made against
    reason: str
    who: str
    date: str
    evidence: str | None


@dataclass
class Loaded:
    """The corrections file as read: the rows that apply, and what is wrong with the others."""

    path: str
    sha256: str | None  # None: there is no corrections file
    corrections: list[Correction]
    problems: list[str]  # rows that break the schema or name no cell: fix the file
    unmatched: list[str]  # valid rows naming no registered body-year: no longer apply


# ---- cells ----------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return _NUMBERING.sub("", re.sub(r"\s+", "", text))


def _cells() -> dict[str, tuple[str, ...]]:
    """Every cell of either template → the names it may be written as (key, labels)."""
    out = {}
    for section, (a, b) in SECTIONS.items():
        rows, cols = schemas.labels(section, a), schemas.labels(section, b)
        for row, row_label in rows.items():
            for col, col_label in cols.items():
                out[f"{section}.{row}.{col}"] = (
                    _norm(row),
                    _norm(row_label),
                    _norm(col),
                    _norm(col_label),
                )
    return out


def resolve_cell(text: str) -> tuple[str | None, str | None]:
    """(dotted key, None), or (None, why not) for a cell as the clerk wrote it."""
    cells = _cells()
    if text in cells:
        return text, None
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    if len(parts) != 2:
        return None, (
            f"看不懂单元格「{shown(text)}」：请写约定的键（如 applications.new_received."
            "natural_person）或「行名/列名」（如「本年新收政府信息公开申请数量/自然人」）"
        )
    row, col = map(_norm, parts)
    found = [c for c, (rk, rl, ck, cl) in cells.items() if row in (rk, rl) and col in (ck, cl)]
    if not found:
        return None, f"找不到单元格「{shown(text)}」：行名或列名与模板不符"
    if len(found) > 1:
        return None, f"单元格「{shown(text)}」有歧义（{'、'.join(found)}），请写约定的键"
    return found[0], None


def parse_value(cell: str, text: str) -> tuple[Number | None, str | None]:
    """(the corrected value, None), or (None, why it cannot be that cell's value)."""
    measure = cell.split(".")[2]
    money = cell.startswith("proactive.") and measure in t.MONEY_UNITS
    clean = text.strip().replace(",", "").replace("，", "")
    try:
        value: Number = float(clean) if money else int(clean)
    except ValueError:
        kind = "数值" if money else "整数件数"
        return None, f"更正值「{shown(text)}」不是{kind}"
    if value < 0 and not (cell.startswith("proactive.") and measure in t.SIGNED_MEASURES):
        return None, f"更正值 {value} 为负数，这一格只能是非负数"
    if abs(value) >= t.LARGEST_VALUE:
        return None, f"更正值「{shown(text)}」位数过多"
    return value, None


# ---- the file -------------------------------------------------------------------------------


def read_sheet(path: Path) -> Sheet:
    data = path.read_bytes()
    return read_xlsx(data, SCHEMA) if is_xlsx(path, data) else read_csv(data, SCHEMA)


def load(path: Path, names: dict[str, tuple[str, ...]], expected: set[tuple[str, int]]) -> Loaded:
    """The corrections file checked row by row: against its schema, the template's cells, the
    registry's bodies (`names`: id → names) and body-years (`expected`). A missing file is no
    corrections; a damaged one is a problem, never a crash."""
    if not path.is_file():
        return Loaded(str(path), None, [], [], [])
    digest = sha256(path.read_bytes())
    try:
        sheet = read_sheet(path)
    except Exception as e:  # a damaged workbook is a problem to report, not a crash
        return Loaded(str(path), digest, [], [f"更正表无法打开（{type(e).__name__}: {e}）"], [])
    if sheet.missing:
        missing = f"{sheet.where}更正表缺少列：{'、'.join(sheet.missing)}"
        return Loaded(str(path), digest, [], [missing], [])
    problems, bad = _schema_problems(sheet)
    loaded = Loaded(str(path), digest, [], problems, [])
    seen: dict[str, str] = {}  # id or body|year|cell → where
    for i, row in enumerate(sheet.rows):
        if i not in bad:
            _add(loaded, row, f"{sheet.where}第{sheet.lines[i]}行", names, expected, seen)
    return loaded


def check_row(row: dict[str, Any]) -> list[str]:
    """A row about to be added, against the file's schema."""
    text = {n: None if row.get(n) in (None, "") else str(row[n]) for n in HEADER}
    return _schema_problems(Sheet([text], [0]))[0]


def _schema_problems(sheet: Sheet) -> tuple[list[str], set[int]]:
    problems, bad = [], set()
    for v in validate_text_rows(SCHEMA, sheet.rows):
        i = v.row - 2 if v.row is not None else None
        line = sheet.lines[i] if i is not None and 0 <= i < len(sheet.lines) else None
        column = f"「{schemas.field(SCHEMA, v.field)['title']}」" if v.field else ""
        problems.append(
            f"{sheet.where}第{line}行{column}：{v.message}" if line else f"{column}：{v.message}"
        )
        if i is not None:
            bad.add(i)
    return problems, bad


def _add(
    loaded: Loaded,
    row: dict[str, str | None],
    where: str,
    names: dict[str, tuple[str, ...]],
    expected: set[tuple[str, int]],
    seen: dict[str, str],
) -> None:
    """One valid row of the sheet: its problem, or the correction (matched or not)."""
    cell, why = resolve_cell(row["cell"] or "")
    value, bad_value = parse_value(cell, row["value"] or "") if cell else (None, None)
    if why or bad_value:
        loaded.problems.append(f"{where}「{'单元格' if why else '更正值'}」：{why or bad_value}")
        return
    year = int(row["year"] or 0)
    body_id, unknown = resolve_body(row["body"] or "", names)
    key = f"{body_id or row['body']}|{year}|{cell}"
    cid = row["correction_id"] or "K" + hashlib.sha256(key.encode()).hexdigest()[:8]
    for token, what in ((cid, f"更正编号 {cid}"), (key, "同一单元格")):
        if token in seen:
            loaded.problems.append(f"{where}：{what}已在{seen[token]}更正过，每格只能有一条更正")
            return
        seen[token] = where
    if unknown or (body_id, year) not in expected:
        why = unknown or f"登记表中没有机关「{row['body']}」{year}年的报告"
        loaded.unmatched.append(f"更正 {cid}（{where}）：{why}")
        return
    loaded.corrections.append(
        Correction(
            cid,
            where,
            body_id or "",
            year,
            cell or "",
            value,  # type: ignore[arg-type]
            row["printed"],
            row["sha256"],
            row["reason"] or "",
            row["who"] or "",
            row["date"] or "",
            row["evidence"],
        )
    )


def resolve_body(text: str, names: dict[str, tuple[str, ...]]) -> tuple[str | None, str | None]:
    """(body id, None) for a body written as its id or one of its registered names."""
    if text in names:
        return text, None
    found = sorted(b for b, ns in names.items() if any(same_name(text, n) for n in ns))
    if len(found) == 1:
        return found[0], None
    if found:
        return None, f"机关名称「{shown(text)}」对应多个机关（{'、'.join(found)}），请写机关编号"
    return None, f"登记表中没有机关「{shown(text)}」"


def digest(corrections: list[Correction]) -> str:
    """What a partition's corrections are, for its fingerprint ("" when it has none)."""
    if not corrections:
        return ""
    return hashlib.sha256(repr(sorted(map(repr, corrections))).encode()).hexdigest()


HEADER = schemas.field_names(SCHEMA)


def append(path: Path, row: dict[str, Any]) -> None:
    """One row added at the end of a CSV corrections file (made, with its header, if absent).
    The file is the data office's: the rows it has are left as they are."""
    new = not path.is_file() or not path.read_bytes().strip()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if new:
        writer.writerow(schemas.field(SCHEMA, n)["title"] for n in HEADER)
    elif not path.read_bytes().endswith(b"\n"):
        out.write("\n")
    writer.writerow("" if row.get(n) is None else row[n] for n in HEADER)
    text = out.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as f:
        f.write(("\ufeff" + text if new else text).encode("utf-8"))


# ---- applying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    correction: Correction
    read: Number | None  # the value as read, before the correction


def stale_reason(c: Correction, report: Report | None, document: str | None) -> str | None:
    """Why a correction no longer matches the report (None: it does)."""
    if report is None:
        return "这一年的报告没有读出，更正未采用"
    if c.cell not in rules.contract_paths(report):
        return f"本报告（{report.template}年模板）没有「{schemas.cell_label(c.cell)}」这一格"
    if c.sha256 and c.sha256 != document:
        now = document[:12] if document else "无"
        return f"机关重新发布了报告：更正依据的文件 sha256 为 {c.sha256[:12]}…，现在为 {now}…"
    printed = report.printed.get(c.cell)
    if c.printed is not None and printed != c.printed:
        return f"这一格的原文已由「{shown(c.printed)}」变为「{shown(printed or '')}」"
    return None


def revise(
    findings: list[Finding],
    report: Report | None,
    document: str | None,
    corrections: list[Correction],
) -> tuple[list[Finding], Report | None, dict[str, Applied]]:
    """A report's findings and values after its corrections: corrected values in, the template's
    arithmetic checked again, the reading findings of corrected cells resolved, one CORRECTED
    finding per corrected cell and one CORRECTION_STALE per correction not applied."""
    applied: dict[str, Applied] = {}
    notes: list[Finding] = []
    for c in corrections:
        why = stale_reason(c, report, document)
        if why:
            notes.append(
                Finding(
                    "CORRECTION_STALE",
                    "warning",
                    f"更正 {c.correction_id}（{c.where}）未采用：{why}",
                    [c.cell],
                )
            )
        else:
            applied[c.cell] = Applied(c, _get(report, c.cell))  # type: ignore[arg-type]
    if not applied or report is None:
        return [*findings, *notes], report, applied
    corrected = _with_values(report, {cell: a.correction.value for cell, a in applied.items()})
    before = rules.check_arithmetic(report)
    kept = [
        f for f in findings if f not in before and not (f.cells and set(f.cells) <= set(applied))
    ]
    done = [_corrected(a, report.printed.get(a.correction.cell)) for a in applied.values()]
    return [*kept, *rules.check_arithmetic(corrected), *done, *notes], corrected, applied


def _get(report: Report, cell: str) -> Number | None:
    section, row, col = cell.split(".")
    return getattr(report, section)[row][col]


def _with_values(report: Report, values: dict[str, Number]) -> Report:
    sections = {s: {r: dict(cols) for r, cols in getattr(report, s).items()} for s in SECTIONS}
    for cell, value in values.items():
        section, row, col = cell.split(".")
        sections[section][row][col] = value
    return replace(report, **sections)


def _corrected(a: Applied, printed: str | None) -> Finding:
    c = a.correction
    old = "空值" if a.read is None else a.read
    text = f"，原文「{shown(printed)}」保留" if printed is not None else ""
    return Finding(
        "CORRECTED",
        "info",
        f"数据办更正了「{schemas.cell_label(c.cell)}」：{old} → {c.value}（更正 {c.correction_id}，"
        f"{c.who}，{c.date}：{shown(c.reason, 200)}）{text}",
        [c.cell],
    )

"""The accuracy harness (`xxgk eval`): the parser over a folder of documents, each compared cell
by cell with a hand-checked expected JSON of the contract shape (matched by file stem).

A SILENT CELL is a wrong cell that no error or warning finding names in its `cells`; a SILENT
ERROR is a document with a wrong cell and no error or warning finding at all: the mistakes
nobody would catch downstream. OCR_DERIVED names every cell OCR read, so it catches nothing and
does not count. Where the folder holds two consecutive years of one body, the cross-year rules
(CROSS_YEAR_CARRY, CROSS_YEAR_IN_FORCE) are checked too, and the cells they name count as named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.read.document import parse_bytes
from pipelines.read.report import Finding, NotAReport, Report
from pipelines.read.rules import check_years

METADATA = ("agency", "year", "template")
SECTIONS = ("proactive", "applications", "reviews_litigation")
BLANKET = frozenset({"OCR_DERIVED"})  # findings that name every cell of a kind, not a misread


@dataclass
class Wrong:
    path: str
    expected: Any
    got: Any
    location: str | None = None
    printed: str | None = None


@dataclass
class Result:
    name: str
    fmt: str | None = None
    cells: int = 0
    wrong: list[Wrong] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0
    failure: str | None = None  # the reader refused the document: [RULE] reason
    report: Report | None = field(default=None, repr=False)
    has_year_before: bool = False  # the folder holds this body's report of the year before
    cross_year: list[Finding] = field(default_factory=list)  # the rules against that year

    @property
    def right(self) -> int:
        return self.cells - sum(w.path not in METADATA for w in self.wrong)

    @property
    def silent(self) -> bool:
        return bool(self.wrong) and self.failure is None and self.errors + self.warnings == 0

    @property
    def silent_cells(self) -> list[Wrong]:
        """The wrong cells no error or warning finding names (a refused document has none:
        its reason names them all)."""
        if self.report is None:
            return []
        named = {
            cell
            for f in [*self.report.findings, *self.cross_year]
            if f.severity in ("error", "warning") and f.rule not in BLANKET
            for cell in f.cells
        }
        return [w for w in self.wrong if w.path not in METADATA and w.path not in named]


def compare(expected: dict[str, Any], report: Report) -> tuple[int, list[Wrong]]:
    """(number of expected cells, the wrong ones); metadata mismatches are listed too."""
    got = report.to_contract()
    wrong = [
        Wrong(k, expected[k], got[k]) for k in METADATA if k in expected and expected[k] != got[k]
    ]
    cells = 0
    for section in SECTIONS:
        for row, columns in expected.get(section, {}).items():
            for column, value in columns.items():
                cells += 1
                path = f"{section}.{row}.{column}"
                actual = got[section].get(row, {}).get(column, "<missing>")
                # 3 and 3.0 are not the same reading: a count read as money is wrong.
                if actual != value or type(actual) is not type(value):
                    wrong.append(
                        Wrong(
                            path,
                            value,
                            actual,
                            report.locations.get(path),
                            report.printed.get(path),
                        )
                    )
    return cells, wrong


def evaluate_one(document: Path, expected: dict[str, Any]) -> Result:
    result = Result(document.name)
    try:
        result.fmt, report = parse_bytes(document.read_bytes())
    except NotAReport as e:
        result.failure = f"[{e.rule}] {e.reason}"
        result.cells = sum(len(c) for s in SECTIONS for c in expected.get(s, {}).values())
        result.wrong = [Wrong("document", "a report", result.failure)]
        return result
    result.report = report
    result.cells, result.wrong = compare(expected, report)
    result.errors = sum(f.severity == "error" for f in report.findings)
    result.warnings = sum(f.severity == "warning" for f in report.findings)
    return result


def pairs(folder: Path, expected_dir: Path) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """(document, expected JSON) pairs by file stem, and the documents without one."""
    documents = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() != ".json"
    )
    matched: list[tuple[Path, Path]] = []
    unmatched: list[Path] = []
    for document in documents:
        expected = expected_dir / f"{document.stem}.json"
        if expected.is_file():
            matched.append((document, expected))
        else:
            unmatched.append(document)
    return matched, unmatched


def evaluate(folder: Path, expected_dir: Path) -> tuple[list[Result], list[Path]]:
    matched, unmatched = pairs(folder, expected_dir)
    results = [
        evaluate_one(doc, json.loads(exp.read_text(encoding="utf-8"))) for doc, exp in matched
    ]
    _check_years(results)
    return results, unmatched


def _check_years(results: list[Result]) -> None:
    """The cross-year rules between the reports of one body (by agency as read) a year apart."""
    read = {(r.report.agency, r.report.year): r for r in results if r.report and r.report.year}
    for (agency, year), result in read.items():
        before = read.get((agency, year - 1))
        if before is not None and result.report is not None and before.report is not None:
            result.has_year_before = True
            result.cross_year = check_years(before.report, result.report)


def summary(results: list[Result], unmatched: list[Path]) -> list[str]:
    """The printed report: per document, total, wrong cells, silent cells and errors."""
    lines = [
        "文档 document | 格式 format | 正确/单元格 right/cells | 准确率 accuracy"
        " | 错误/警告 errors/warnings | 静默单元格 silent cells"
    ]
    for r in results:
        accuracy = f"{100 * r.right / r.cells:.2f}%" if r.cells else "—"
        status = r.failure or f"{r.errors}/{r.warnings}"
        lines.append(
            f"{r.name} | {r.fmt or '—'} | {r.right}/{r.cells} | {accuracy} | {status}"
            f" | {len(r.silent_cells)}"
        )
    for path in unmatched:
        lines.append(f"{path.name} | 没有预期结果文件，未评估 no expected JSON, skipped")
    cells = sum(r.cells for r in results)
    right = sum(r.right for r in results)
    total = f"{100 * right / cells:.2f}%" if cells else "—"
    silent = [r for r in results if r.silent]
    crossed = sum(len(r.cross_year) for r in results)
    lines += [
        "",
        f"合计 total: {right}/{cells} 单元格正确 cells right ({total}), {len(results)} 份文档 documents, "
        f"{sum(bool(r.wrong) for r in results)} 份有错 with wrong cells, "
        f"{sum(len(r.silent_cells) for r in results)} 个静默单元格 silent cells, "
        f"{len(silent)} 份静默错误 silent errors",
        f"跨年核对 cross-year: {sum(r.has_year_before for r in results)}"
        f" 份有上一年 documents with the year before, {crossed} 条发现 findings",
    ]
    wrong = [(r, w) for r in results for w in r.wrong]
    if wrong:
        lines += ["", "错误单元格 wrong cells:"]
        for r, w in wrong:
            where = f"  [{w.location}「{w.printed}」]" if w.location else ""
            mark = "  静默 SILENT" if w in r.silent_cells else ""
            lines.append(
                f"  {r.name}: {w.path} 应为 expected {w.expected!r}, 读出 got {w.got!r}{where}{mark}"
            )
    if crossed:
        lines += ["", "跨年发现 cross-year findings:"]
        lines += [f"  {r.name}: [{f.rule}] {f.message}" for r in results for f in r.cross_year]
    if silent:
        lines += [
            "",
            "静默错误 SILENT ERRORS (有错单元格但没有错误或警告 wrong cells, no error/warning finding):",
        ]
        lines += [f"  {r.name}: {len(r.wrong)} 个错 wrong" for r in silent]
    return lines

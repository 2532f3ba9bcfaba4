"""The accuracy harness (`xxgk eval`): the parser over a folder of documents, each compared cell
by cell with a hand-checked expected JSON of the contract shape (matched by file stem).

A SILENT ERROR is a document with a wrong cell and no error or warning finding: the one kind of
mistake nobody would catch downstream.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.read.document import parse_bytes
from pipelines.read.report import NotAReport, Report

METADATA = ("agency", "year", "template")
SECTIONS = ("proactive", "applications", "reviews_litigation")


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

    @property
    def right(self) -> int:
        return self.cells - sum(w.path not in METADATA for w in self.wrong)

    @property
    def silent(self) -> bool:
        return bool(self.wrong) and self.failure is None and self.errors + self.warnings == 0


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
    return results, unmatched


def summary(results: list[Result], unmatched: list[Path]) -> list[str]:
    """The printed report: per document, total, wrong cells, silent errors."""
    lines = [
        "文档 document | 格式 format | 正确/单元格 right/cells | 准确率 accuracy | 错误/警告 errors/warnings"
    ]
    for r in results:
        accuracy = f"{100 * r.right / r.cells:.2f}%" if r.cells else "—"
        status = r.failure or f"{r.errors}/{r.warnings}"
        lines.append(f"{r.name} | {r.fmt or '—'} | {r.right}/{r.cells} | {accuracy} | {status}")
    for path in unmatched:
        lines.append(f"{path.name} | 没有预期结果文件，未评估 no expected JSON, skipped")
    cells = sum(r.cells for r in results)
    right = sum(r.right for r in results)
    total = f"{100 * right / cells:.2f}%" if cells else "—"
    silent = [r for r in results if r.silent]
    lines += [
        "",
        f"合计 total: {right}/{cells} 单元格正确 cells right ({total}), {len(results)} 份文档 documents, "
        f"{sum(bool(r.wrong) for r in results)} 份有错 with wrong cells, "
        f"{len(silent)} 份静默错误 silent errors",
    ]
    wrong = [(r, w) for r in results for w in r.wrong]
    if wrong:
        lines += ["", "错误单元格 wrong cells:"]
        for r, w in wrong:
            where = f"  [{w.location}「{w.printed}」]" if w.location else ""
            lines.append(
                f"  {r.name}: {w.path} 应为 expected {w.expected!r}, 读出 got {w.got!r}{where}"
            )
    if silent:
        lines += [
            "",
            "静默错误 SILENT ERRORS (有错单元格但没有错误或警告 wrong cells, no error/warning finding):",
        ]
        lines += [f"  {r.name}: {len(r.wrong)} 个错 wrong" for r in silent]
    return lines

"""`xxgk eval` (accuracy against expected JSON) and `xxgk bench` (figures printed, not timed)."""

from __future__ import annotations

import json
import re

import pytest

from testkit import corpus
from xxgk.cli import main

from support import shared

CASES = [c for c in corpus.CASES if c.name in ("clean-2021", "blanks-2019")]


def _write_set(folder) -> None:  # type: ignore[no-untyped-def]
    for case, fmt in zip(CASES, ("html", "pdf"), strict=True):
        (folder / f"{case.name}.{fmt}").write_bytes(corpus.render(case, fmt))
        (folder / f"{case.name}.json").write_text(
            json.dumps(corpus.expected(case).contract, ensure_ascii=False), encoding="utf-8"
        )


def test_eval_all_right(tmp_path, capsys) -> None:
    _write_set(tmp_path)
    assert main(["eval", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "clean-2021.html | html | 200/200 | 100.00%" in out
    assert re.search(r"合计 total: (\d+)/\1 ", out)
    assert "0 个静默单元格 silent cells, 0 份静默错误 silent errors" in out


def test_eval_reports_wrong_cells_and_silent_errors(tmp_path, capsys) -> None:
    _write_set(tmp_path)
    expected = tmp_path / "clean-2021.json"
    data = json.loads(expected.read_text(encoding="utf-8"))
    data["applications"]["granted"]["total"] += 1  # a wrong hand-checked figure
    expected.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "no-expected.txt").write_text("x", encoding="utf-8")
    assert main(["eval", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "clean-2021.html | html | 199/200 | 99.50%" in out
    assert "clean-2021.html: applications.granted.total 应为 expected" in out
    assert "表2 第" in out  # where the cell was read, for the clerk to check
    # The document reads cleanly (no error, no warning): a wrong cell there is silent.
    assert "SILENT ERRORS" in out and "  clean-2021.html: 1 个错 wrong" in out
    assert "clean-2021.html | html | 199/200 | 99.50% | 0/0 | 1" in out
    assert "1 个静默单元格 silent cells" in out
    assert re.search(r"clean-2021.html: applications.granted.total .*静默 SILENT$", out, re.M)
    assert "no-expected.txt | 没有预期结果文件" in out


def test_a_wrong_cell_a_finding_names_is_not_silent(tmp_path, capsys) -> None:
    case = CASES[0]
    natural = case.report().applications["granted"]["natural_person"]
    page = corpus.render(case, "html").decode()
    printed = f"<td>{natural}</td>"
    assert page.count(printed) >= 1
    # the document misprints one number: the row's total no longer adds up (T3_ROW_TOTAL)
    row = page.index("予以公开")
    end = page.index("</tr>", row)
    line = page[row:end].replace(printed, f"<td>{natural + 5}</td>", 1)
    (tmp_path / "doc.html").write_text(page[:row] + line + page[end:], encoding="utf-8")
    (tmp_path / "doc.json").write_text(
        json.dumps(corpus.expected(case).contract, ensure_ascii=False), encoding="utf-8"
    )
    assert main(["eval", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "doc.html | html | 199/200 | 99.50% | " in out
    assert "0 个静默单元格 silent cells, 0 份静默错误 silent errors" in out


def test_eval_checks_the_year_before_of_the_same_body(tmp_path, capsys) -> None:
    from testkit.render.html import write_html

    case = CASES[0]
    first = case.report()
    contract = corpus.expected(case).contract
    for year in (first.year, first.year + 1):
        layout = case.layout()
        layout.title[1] = layout.title[1].replace(str(first.year), str(year))
        (tmp_path / f"{year}.html").write_bytes(write_html(layout))
        (tmp_path / f"{year}.json").write_text(
            json.dumps({**contract, "year": year}, ensure_ascii=False), encoding="utf-8"
        )
    carried = first.applications["carried_over"]
    forward = first.applications["carried_forward"]
    differ = [a for a in carried if carried[a] != forward[a]]
    assert differ  # the same numbers a year later: carried over ≠ last year's carried forward
    # and in force ≠ last year's in force + issued − repealed where issued ≠ repealed
    items = [i for i in ("regulations", "normative_documents") if _issued_differs(first, i)]
    assert main(["eval", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    found = len(differ) + len(items)
    assert f"跨年核对 cross-year: 1 份有上一年 documents with the year before, {found} 条" in out
    assert f"  {first.year + 1}.html: [CROSS_YEAR_CARRY]" in out
    assert f"  {first.year}.html: [CROSS_YEAR" not in out


def _issued_differs(report, item: str) -> bool:  # type: ignore[no-untyped-def]
    cells = report.proactive[item]
    return (cells["issued"] or 0) != (cells["repealed"] or 0)


def test_eval_on_the_shared_dev_set(capsys) -> None:
    expected = shared("fixtures", "expected")
    for folder in (shared("fixtures", "real"), shared("fixtures", "seed")):
        assert main(["eval", str(folder), "--expected", str(expected)]) == 0
        out = capsys.readouterr().out
        assert "(100.00%)" in out and "0 份有错 with wrong cells" in out


def test_bench_prints_figures(capsys) -> None:
    assert main(["bench", "--formats", "txt", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^txt \| 4 \| 4 \| [\d.]+ \| [\d.]+ \| [\d.]+$", out, re.M)
    assert "peak RSS" in out


def test_eval_counts_the_cells_of_reports_read_by_ocr(tmp_path, capsys) -> None:
    """A Word file whose tables are pictures (「图片版」): its cells counted like any other's,
    and every misread named (0 silent cells)."""
    from pipelines.read import ocr

    if not ocr.available():
        pytest.skip("no OCR engine (make setup)")
    case = CASES[0]
    (tmp_path / "pictures.docx").write_bytes(corpus.render(case, "images.docx"))
    (tmp_path / "pictures.json").write_text(
        json.dumps(corpus.expected(case).contract, ensure_ascii=False), encoding="utf-8"
    )
    main(["eval", str(tmp_path)])
    out = capsys.readouterr().out
    right = re.search(r"^pictures.docx \| docx \| (\d+)/200 ", out, re.M)
    assert right and int(right[1]) >= 196, out
    assert "0 个静默单元格 silent cells, 0 份静默错误 silent errors" in out

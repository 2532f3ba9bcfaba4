"""`xxgk eval` (accuracy against expected JSON) and `xxgk bench` (figures printed, not timed)."""

from __future__ import annotations

import json
import re

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
    assert "0 份静默错误 silent errors" in out


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
    assert "no-expected.txt | 没有预期结果文件" in out


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

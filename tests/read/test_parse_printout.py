"""`xxgk parse FILE` for a person: the three tables as aligned Chinese tables (labels from the
template), each flagged cell marked with the findings naming it, then the findings — run as a
real process on the seed report and on a copy with a wrong number."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipelines.read import template as t
from pipelines.read.printout import width

from support import SEED

NEW_RECEIVED = "(一) 本年新收政府信息公开申请数量\t\t0\t0\t0\t0\t0\t0\t0"


def parse(path: Path) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "xxgk.cli", "parse", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def block(lines: list[str], title: str) -> list[str]:
    """The lines of one section's table: from the section title to the blank line after it."""
    start = lines.index(title) + 1
    return lines[start : lines.index("", start)]


def test_seed_report_prints_the_three_tables_aligned_with_chinese_labels():
    lines = parse(SEED)
    assert lines[0].startswith("永安市工业和信息化局 2023年")
    for title in t.SECTIONS.values():
        assert title in lines
    applications = block(lines, t.SECTIONS["applications"])
    header = applications[0].split()
    assert header == list(t.APPLICANTS.values())
    rows = {line.split()[0]: line.split()[1:] for line in applications[2:]}
    assert rows["一、本年新收政府信息公开申请数量"] == ["0"] * 7
    assert "属于国家秘密" in rows and "三、本年度办理结果" in rows  # group heading, no numbers
    # aligned by display width (a CJK character is two columns): every row with numbers ends
    # where the header does
    ends = {width(line) for line in applications if line.split()[-1][0].isdigit()}
    assert ends == {width(applications[0])}
    licensing = next(x for x in lines if x.startswith("行政许可"))
    assert licensing.split() == ["行政许可", "8"]
    reviews = block(lines, t.SECTIONS["reviews_litigation"])
    assert reviews[0].split() == list(t.OUTCOMES.values())
    # the seed's derived cells are marked with their finding's number and named in the legend
    review = next(x for x in reviews if x.startswith("行政复议")).split()
    assert review[1:] == ["0〔1〕"] * 4 + ["0"]
    at = lines.index("问题 findings（1）")
    assert lines[at + 1].startswith("〔1〕提示 DERIVED")
    assert "复议诉讼表「行政复议」「结果维持」" in lines[at + 2]


def test_a_wrong_number_is_marked_in_its_cell_and_named_in_the_findings(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    assert NEW_RECEIVED in text
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(text.replace(NEW_RECEIVED, NEW_RECEIVED.replace("\t\t0", "\t\t3", 1)))
    lines = parse(wrong)
    applications = block(lines, t.SECTIONS["applications"])
    new = next(x for x in applications if x.startswith("一、本年新收")).split()
    assert new[1].startswith("3〔") and new[-1].startswith("0〔")  # 自然人 3, 总计 0: both flagged
    findings = lines[next(i for i, x in enumerate(lines) if x.startswith("问题 findings")) :]
    total = next(i for i, x in enumerate(findings) if "T3_ROW_TOTAL" in x)
    number = findings[total].split("〕")[0].removeprefix("〔")
    assert findings[total].startswith(f"〔{number}〕错误")
    assert number in new[1].removeprefix("3〔").removesuffix("〕").split(",")
    assert "申请表「一、本年新收政府信息公开申请数量」行「自然人」列" in findings[total + 1]

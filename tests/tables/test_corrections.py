"""The corrections file checked row by row, as the registry is: every bad row named by its
line in Chinese, the good rows kept; cells written as contract keys or Chinese labels."""

from __future__ import annotations

import pytest

from pipelines.tables import corrections

NAMES = {
    "yongan-market-regulation-bureau": ("永安市市场监督管理局", "永安市工商行政管理局"),
    "yongan-finance-bureau": ("永安市财政局",),
}
EXPECTED = {("yongan-market-regulation-bureau", 2023), ("yongan-finance-bureau", 2023)}
HEADER = (
    "更正编号,机关,统计年度,单元格,更正值,更正时的原文,文件校验值,更正原因,更正人,更正日期,依据\n"
)


def write(tmp_path, rows: str, name: str = "corrections.csv"):
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("applications.granted.total", "applications.granted.total"),
        ("予以公开/总计", "applications.granted.total"),
        ("一、本年新收政府信息公开申请数量 / 自然人", "applications.new_received.natural_person"),
        ("行政复议／结果维持", "reviews_litigation.administrative_review.upheld"),
        ("行政许可/本年处理决定数量", "proactive.administrative_licensing.decisions"),
    ],
)
def test_a_cell_is_its_key_or_its_chinese_labels(written, key):
    assert corrections.resolve_cell(written) == (key, None)


def test_every_bad_row_is_named_by_its_line_in_chinese_and_the_good_rows_are_kept(tmp_path):
    path = write(
        tmp_path,
        "C1,永安市市场监督管理局,2023,予以公开/总计,15,16,,原件为15,张三,2026-12-01,原件第3页\n"
        "C2,yongan-finance-bureau,二〇二三,予以公开/总计,1,,,原因,张三,2026-12-01,\n"
        "C3,yongan-finance-bureau,2023,不存在的行/自然人,1,,,原因,张三,2026-12-01,\n"
        "C4,yongan-finance-bureau,2023,予以公开/自然人,-3,,,原因,张三,2026-12-01,\n"
        "C5,yongan-finance-bureau,2023,予以公开/自然人,3,,,,张三,2026-12-01,\n"
        "C6,永安市工商行政管理局,2023,applications.granted.total,14,,,重复,李四,2026-12-01,\n"
        "C7,永安市教育局,2023,予以公开/总计,1,,,原因,张三,2026-12-01,\n"
        "C8,yongan-finance-bureau,2023,予以公开/总计,1.5,,,原因,张三,2026-12-01,\n",
    )
    loaded = corrections.load(path, NAMES, EXPECTED)
    assert [c.correction_id for c in loaded.corrections] == ["C1"]
    good = loaded.corrections[0]
    assert (good.body_id, good.year, good.cell, good.value) == (
        "yongan-market-regulation-bureau",
        2023,
        "applications.granted.total",
        15,
    )
    text = "\n".join(loaded.problems)
    assert "第3行「统计年度」" in text and "二〇二三" in text
    assert "第4行「单元格」：找不到单元格「不存在的行/自然人」" in text
    assert "第5行「更正值」：更正值 -3 为负数" in text
    assert "第6行「更正原因」" in text
    assert "第7行：同一单元格已在第2行更正过" in text  # a former name is the same body
    assert "第9行「更正值」：更正值「1.5」不是整数件数" in text
    assert loaded.unmatched == ["更正 C7（第8行）：登记表中没有机关「永安市教育局」"]


def test_an_excel_corrections_sheet_with_a_title_row_is_read_with_its_own_row_numbers(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "更正表"
    sheet.append(["永安市数据办更正表"])
    sheet.append(HEADER.strip().split(","))
    sheet.append(
        [
            "",
            "yongan-finance-bureau",
            2023,
            "予以公开/总计",
            4,
            None,
            None,
            "原因",
            "王五",
            "2026-12-01",
        ]
    )
    sheet.append(
        [
            "",
            "yongan-finance-bureau",
            2023,
            "予以公开/总计",
            "四",
            None,
            None,
            "原因",
            "王五",
            "2026-12-01",
        ]
    )
    path = tmp_path / "corrections.xlsx"
    book.save(path)
    loaded = corrections.load(path, NAMES, EXPECTED)
    assert [(c.cell, c.value) for c in loaded.corrections] == [("applications.granted.total", 4)]
    assert loaded.corrections[0].correction_id.startswith("K")  # generated: the row has none
    assert loaded.problems == ["工作表「更正表」第4行「更正值」：更正值「四」不是整数件数"]


def test_a_damaged_corrections_workbook_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "corrections.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    loaded = corrections.load(path, NAMES, EXPECTED)
    assert loaded.corrections == []
    assert loaded.problems[0].startswith("更正表无法打开")


def test_no_corrections_file_is_no_corrections(tmp_path):
    loaded = corrections.load(tmp_path / "corrections.csv", NAMES, EXPECTED)
    assert (loaded.sha256, loaded.corrections, loaded.problems) == (None, [], [])

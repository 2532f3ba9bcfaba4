"""The registry at scale: Excel or CSV, row-level messages, GB/T 2260 codes, aliases, active
years, bodies registered once and expected every year."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl

from pipelines.registry import load as registry
from pipelines.registry import regions
from pipelines.tables.rows import same_body

HEADER = [
    "body_id", "name", "region_name", "region_code", "level", "parent_id", "year", "source",
    "synthetic", "aliases", "active_from", "active_to", "listing_url",
]  # fmt: skip


def xlsx(path: Path, rows: list[list[object]], *, header=HEADER, title_rows=0) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "机关"
    for n in range(title_rows):
        sheet.append([f"永安市政府信息公开年报登记表（第{n + 1}行标题）"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_gb2260_list_is_shipped_and_checks_codes_and_names():
    assert regions.divisions()["350481"].name == "永安市"
    assert [d.name for d in regions.lineage("350481")] == ["福建省", "三明市", "永安市"]
    assert regions.check("350481", "永安市") == (None, None)
    assert regions.check("350481", "福建省三明市永安市") == (None, None)
    error, _ = regions.check("359999", "永安市")
    assert error and "不在 GB/T 2260" in error
    _, warning = regions.check("350481", "三明市")
    assert warning and "不一致" in warning and "福建省三明市永安市" in warning


def test_excel_registry_with_row_level_messages(tmp_path):
    rows = [
        # a body registered once, with its listing page and a former name
        ["ya-cz", "永安市财政局", "永安市", 350481, "department", None, None, None, None,
         "永安市财政局（旧）；永安市地方税务局", 2021, None, "http://127.0.0.1:9/cz/"],
        # a body with one year given explicitly (an Excel number for the year)
        ["ya-jy", "永安市教育局", "永安市", "350481", "department", None, 2023.0, "jy.pdf", "否",
         None, None, None, None],
        ["ya-bad", "永安市某局", "永安市", 359999, "department", None, 2023, "x.pdf", None,
         None, None, None, None],
        ["ya-name", "永安市水利局", "三明市", 350481, "department", None, 2023, "y.pdf", None,
         None, None, None, None],
        ["ya-years", "永安市林业局", "永安市", 350481, "bureau", None, None, None, None,
         None, 2023, 2021, "ftp://x"],
        # a schema error and a wrong division in one row: both said in one pass
        ["ya-both", "永安市某办", "永安市", 359998, "office", None, 2023, "z.pdf", None,
         None, None, None, None],
    ]  # fmt: skip
    reg = registry.load(xlsx(tmp_path / "r.xlsx", rows, title_rows=1), as_of=date(2024, 3, 1))
    text = "\n".join(reg.problems)
    where = "工作表「机关」"
    assert f"{where}第5行「region_code」：行政区划代码 359999 不在 GB/T 2260" in text
    assert f"{where}第7行「level」：应为以下之一" in text
    assert f"{where}第7行「listing_url」：格式不对" in text
    # the other checks run on rows with schema errors too (a clerk needed two passes)
    assert f"{where}第7行「active_to」：终止年度 2021 早于起始年度 2023" in text
    assert f"{where}第8行「level」：应为以下之一" in text
    assert f"{where}第8行「region_code」：行政区划代码 359998 不在 GB/T 2260" in text
    assert f"{where}第6行「region_name」" in "\n".join(reg.warnings)
    ids = sorted({e.body_id for e in reg.entries})
    assert ids == ["ya-cz", "ya-jy", "ya-name"]  # the warning keeps its row
    cz = [e for e in reg.entries if e.body_id == "ya-cz"]
    assert [e.year for e in cz] == [2021, 2022, 2023]  # active from 2021 to the last year ended
    assert all(not e.registered and e.source == "" for e in cz)
    assert cz[0].aliases == ("永安市财政局（旧）", "永安市地方税务局")
    (jy,) = [e for e in reg.entries if e.body_id == "ya-jy"]
    assert jy.year == 2023 and jy.source == "jy.pdf" and jy.synthetic is False


def test_chinese_headers_and_active_years_in_csv(tmp_path):
    titles = [f["title"] for f in __import__("schemas").load("registry")["fields"]]
    lines = [
        ",".join(titles),
        "gone,永安市老局,永安市,350481,department,,,,,,2019,2020,http://127.0.0.1:9/l/",
        "gone,永安市老局,永安市,350481,department,,2022,old.pdf,,,,,",
    ]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    reg = registry.load(path, as_of=date(2026, 11, 26))
    assert reg.problems == []
    years = {e.year: e.expected for e in reg.entries}
    # active 2019–2020; the 2022 row is kept but not expected (the body no longer existed)
    assert years == {2019: True, 2020: True, 2022: False}


def test_conflicting_and_dangling_body_attributes_are_problems(tmp_path):
    lines = [
        ",".join(HEADER),
        "a,永安市甲局,永安市,350481,department,nobody,2022,a.pdf,,,,,",
        "a,永安市甲局,永安市,350481,department,nobody,2023,b.pdf,,,2021,,",
        "a,永安市甲局,永安市,350481,department,nobody,,,,,2020,,",
        "b,永安市乙局,永安市,350481,department,,,c.pdf,,,,,",
        "c,永安市丙局,永安市,350481,department,a,,,,,2022,,",
        "c,永安市丙局,永安市,350481,department,,2023,c.pdf,,,,,",
    ]
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reg = registry.load(path, as_of=date(2024, 6, 1))
    text = "\n".join(reg.problems)
    assert "「active_from」不一致：2021 / 2020" in text
    assert "上级机关「nobody」不在登记表中" in text
    assert "第5行「year」：写了报告位置却没有写统计年度" in text
    assert {e.parent_id for e in reg.entries if e.body_id == "a"} == {None}
    # the parent given on the body's own row holds for its year rows too
    assert {(e.year, e.parent_id) for e in reg.entries if e.body_id == "c"} == {
        (2022, "a"),
        (2023, "a"),
    }


def test_damaged_workbook_is_one_problem_not_a_crash(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    reg = registry.load(path)
    assert reg.entries == [] and reg.problems[0].startswith("登记表无法打开")


def test_agency_matches_the_name_or_a_former_name():
    names = ("永安市财政局", "永安市地方税务局")
    assert same_body("永安市地方税务局", names)
    assert same_body("永安市 财政局", names)
    assert not same_body("永安市教育局", names)


def test_cli_checks_a_registry(tmp_path):
    rows = [["a", "永安市甲局", "永安市", 350481, "department", None, 2023, "a.pdf"]]
    good = xlsx(tmp_path / "good.xlsx", rows, header=HEADER[:8])
    bad = xlsx(tmp_path / "bad.xlsx", [[*rows[0][:3], 999999, *rows[0][4:]]], header=HEADER[:8])
    xxgk = [sys.executable, "-m", "xxgk.cli", "registry", "check"]
    ok = subprocess.run([*xxgk, str(good)], capture_output=True, text=True)
    assert ok.returncode == 0 and "1 个机关" in ok.stdout, ok.stdout + ok.stderr
    failed = subprocess.run([*xxgk, str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1 and "999999 不在 GB/T 2260" in failed.stdout
    assert "Traceback" not in failed.stderr


def test_deadlines_come_from_the_level_and_the_registry_overrides_them(tmp_path):
    header = [*HEADER, "deadline"]
    none = [None] * 5  # synthetic … listing_url
    rows = [
        ["ya-gov", "永安市人民政府", "永安市", 350481, "city_government", None, 2023, "g.pdf", *none],
        ["ya-cz", "永安市财政局", "永安市", 350481, "department", None, 2023, "c.pdf", *none],
        ["ya-xz", "永安市燕西街道办事处", "永安市", 350481, "township", None, 2023, "x.pdf", *none],
        # a body row's MM-DD holds for every year; a year row's date for that year only
        ["ya-own", "永安市某中心", "永安市", 350481, "other", None, None, None, None, None, 2022,
         None, "http://127.0.0.1:9/own/", "02-28"],
        ["ya-own", "永安市某中心", "永安市", 350481, "other", None, 2023, "o.pdf", None, None,
         None, None, None, date(2024, 4, 15)],  # typed as a date in Excel
        ["ya-bad1", "永安市甲局", "永安市", 350481, "department", None, 2023, "a.pdf", *none, "3月31日"],
        ["ya-bad2", "永安市乙局", "永安市", 350481, "department", None, 2023, "b.pdf", *none, "02-30"],
        ["ya-bad3", "永安市丙局", "永安市", 350481, "department", None, None, None, *none[:5],
         "2024-03-31"],
    ]  # fmt: skip
    reg = registry.load(xlsx(tmp_path / "r.xlsx", rows, header=header), as_of=date(2024, 6, 1))
    due = {(e.body_id, e.year): (e.due_on, e.due_basis) for e in reg.entries}
    assert due[("ya-gov", 2023)] == (date(2024, 3, 31), "government")
    assert due[("ya-cz", 2023)] == (date(2024, 1, 31), "department")
    assert due[("ya-xz", 2023)] == (date(2024, 1, 31), "township")
    assert due[("ya-own", 2022)] == (date(2023, 2, 28), "registry")
    assert due[("ya-own", 2023)] == (date(2024, 4, 15), "registry")
    assert not {b for b, _ in due} & {"ya-bad1", "ya-bad2", "ya-bad3"}
    problems = "\n".join(reg.problems)
    assert (
        "第7行「deadline」：截止日期「3月31日」不是有效的日期，应写成 月-日（如 03-31）" in problems
    )
    assert "第8行「deadline」：截止日期「02-30」不是有效的日期" in problems
    assert "第9行「deadline」：截止日期「2024-03-31」是具体日期，只能写在有统计年度的行" in problems

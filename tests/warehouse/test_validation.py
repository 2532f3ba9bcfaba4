"""Constraints compiled to DuckDB SQL: row-level messages for the registry and the tables."""

from __future__ import annotations

from pipelines.registry import load as registry
from warehouse.ddl import to_arrow
from warehouse.validate import validate_tables

HEADER = "body_id,name,region_name,region_code,level,parent_id,year,source,synthetic\n"


def test_registry_rows_with_problems_are_reported_with_line_numbers(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(
        HEADER
        + "good-one,永安市财政局,永安市,350481,department,,2023,a.html,false\n"
        + "Bad Id,永安市教育局,永安市,350481,department,,2023,b.html,false\n"
        + "edu,永安市教育局,永安市,35048,bureau,,二〇二三,c.html,maybe\n"
        + "good-one,永安市财政局,永安市,350481,department,,2023,d.html,false\n",
        encoding="utf-8",
    )
    reg = registry.load(path)
    text = "\n".join(reg.problems)
    assert "第3行「body_id」" in text
    assert "第4行「region_code」" in text and "第4行「level」" in text
    assert "第4行「year」：不是整数" in text and "第4行「synthetic」" in text
    assert "主键（body_id, year）重复" in text
    assert [e.body_id for e in reg.entries] == ["good-one"]


def test_registry_saved_by_excel_as_gbk_with_bom_or_not(tmp_path):
    row = "cz,永安市财政局,永安市,350481,department,,2023,a.html,是\n"
    for name, data in (
        ("gbk.csv", (HEADER + row).encode("gbk")),
        ("bom.csv", b"\xef\xbb\xbf" + (HEADER + row).encode()),
    ):
        (tmp_path / name).write_bytes(data)
        reg = registry.load(tmp_path / name)
        assert reg.problems == []
        assert reg.entries[0].name == "永安市财政局" and reg.entries[0].synthetic is True


def test_missing_column_is_one_clear_problem(tmp_path):
    (tmp_path / "r.csv").write_text("body_id,name\nx,y\n", encoding="utf-8")
    reg = registry.load(tmp_path / "r.csv")
    assert reg.entries == [] and "缺少列" in reg.problems[0]


def test_tables_violating_enum_and_foreign_key_are_caught():
    bodies = [
        {
            "body_id": "a",
            "name": "n",
            "region_name": "r",
            "region_code": "350481",
            "level": "department",
            "parent_id": "zz",
            "synthetic": False,
        }
    ]
    violations = validate_tables({"bodies": to_arrow("bodies", bodies)})
    assert [(v.row, v.field) for v in violations] == [(1, "parent_id")]
    bodies[0]["level"] = "ministry"
    bodies[0]["parent_id"] = None
    violations = validate_tables({"bodies": to_arrow("bodies", bodies)})
    assert [(v.row, v.field) for v in violations] == [(1, "level")]

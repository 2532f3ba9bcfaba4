"""The Table Schemas are the one source of truth: template keys, DDL, files and docs agree."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest

import schemas
from pipelines.read import template as t
from pipelines.read.rules import RULES
from publish import docs
from publish.export import BOM, export_table
from warehouse.ddl import DUCKDB_TYPES, create_table, to_arrow


def enum(table: str, field: str) -> list[str]:
    return next(f for f in schemas.load(table)["fields"] if f["name"] == field)["constraints"][
        "enum"
    ]


def test_enums_are_the_template_keys():
    assert enum("applications", "row") == [r.key for r in t.ALL_APPLICATION_ROWS]
    assert enum("applications", "applicant") == list(t.APPLICANTS)
    assert enum("reviews_litigation", "proceeding") == list(t.PROCEEDINGS)
    assert enum("reviews_litigation", "outcome") == list(t.OUTCOMES)
    assert enum("proactive", "item") == t.all_item_keys()
    assert enum("proactive", "measure") == t.all_measure_keys()
    assert enum("findings", "rule") == list(RULES)
    assert enum("reports", "template") == list(t.TEMPLATE_IDS)


def test_the_long_tables_rows_and_columns_carry_the_templates_labels():
    """What the catalog prints beside each key (the page per body) is the template's label."""
    items = {i.key: i.label for template in reversed(t.TEMPLATE_IDS) for i in t.items_for(template)}
    assert schemas.labels("proactive", "item") == {k: items[k] for k in t.all_item_keys()}
    assert schemas.labels("proactive", "measure") == {
        k: t.MEASURE_LABELS[k] for k in t.all_measure_keys()
    }
    rows = schemas.labels("applications", "row")
    assert [label.split("·")[-1] for label in rows.values()] == [
        r.label for r in t.ALL_APPLICATION_ROWS
    ]
    assert (
        rows["denied_state_secret"] == "不予公开·属于国家秘密"
    )  # its group named: 其他 is ambiguous
    assert schemas.labels("applications", "applicant") == t.APPLICANTS
    assert schemas.labels("reviews_litigation", "proceeding") == t.PROCEEDINGS
    assert schemas.labels("reviews_litigation", "outcome") == t.OUTCOMES


@pytest.mark.parametrize("name", schemas.published_tables())
def test_every_field_has_chinese_title_and_description(name):
    for field in schemas.load(name)["fields"]:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in field["title"]), field["name"]
        assert field["description"], field["name"]


@pytest.mark.parametrize("name", schemas.published_tables())
def test_ddl_and_exported_files_follow_the_schema(name, tmp_path):
    con = duckdb.connect()
    con.execute(create_table(name))
    described = [(r[0], r[1]) for r in con.execute(f'DESCRIBE "{name}"').fetchall()]
    fields = schemas.load(name)["fields"]
    assert described == [(f["name"], DUCKDB_TYPES[f["type"]]) for f in fields]
    con.register("incoming", to_arrow(name, []))
    con.execute(f'INSERT INTO "{name}" SELECT * FROM incoming')
    export_table(con, name, tmp_path / "t.csv", "csv")
    export_table(con, name, tmp_path / "t.parquet", "parquet")
    header = (tmp_path / "t.csv").read_bytes()
    assert header.startswith(BOM)
    assert header[len(BOM) :].decode().strip().split(",") == [f["name"] for f in fields]
    assert pq.read_schema(tmp_path / "t.parquet").names == [f["name"] for f in fields]


def test_primary_key_is_declared_in_the_ddl():
    con = duckdb.connect()
    con.execute(create_table("bodies"))
    con.execute("INSERT INTO bodies VALUES ('a', 'n', 'r', '350481', 'department', NULL, false)")
    with pytest.raises(duckdb.ConstraintException):
        con.execute(
            "INSERT INTO bodies VALUES ('a', 'n', 'r', '350481', 'department', NULL, false)"
        )


def test_committed_data_dictionary_is_generated_from_the_schemas():
    assert docs.DICTIONARY.read_text(encoding="utf-8") == docs.data_dictionary(), (
        "docs/data-dictionary.md drifted from schemas/: run `xxgk docs`"
    )


@pytest.mark.parametrize("name", ["registry", *schemas.published_tables()])
def test_each_enum_value_is_explained_once_in_its_description(name):
    """The data dictionary lists `value 说明` pairs from the description: a value listed twice
    (normative_documents once with each template's label) reads as two different items."""
    import re

    for f in schemas.load(name)["fields"]:
        for value in f.get("constraints", {}).get("enum", []):
            pairs = re.findall(rf"(?<![\w]){re.escape(value)} [\u4e00-\u9fff]", f["description"])
            assert len(pairs) <= 1, (name, f["name"], value)

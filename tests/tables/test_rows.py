"""Every published row has exactly its Table Schema's fields, and a row that does not is refused
(a typo in a key would otherwise publish an empty column that no test notices)."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

import schemas
from pipelines import run
from pipelines.datadir import DataDir
from pipelines.tables import rows
from pipelines.tables.rows import PARTITION_TABLES
from warehouse.ddl import RowKeysMismatch, to_arrow

from support import DEMO


@pytest.fixture(scope="module")
def demo_tables(tmp_path_factory):
    """Every partition's rows as the read stage wrote them, and the bodies."""
    s = run.Settings(DataDir(tmp_path_factory.mktemp("data")), DEMO / "registry.csv")
    keys = run.registry(s).partitions
    run.scan_inbox(s)
    run.collect(s, keys)
    run.read(s, keys)
    tables = {
        name: [row for k in keys for row in pq.read_table(s.data.part(name, k)).to_pylist()]
        for name in PARTITION_TABLES
    }
    return {"bodies": rows.bodies(s.data.registry_entries).to_pylist(), **tables}


def test_every_published_row_has_exactly_its_schemas_fields(demo_tables):
    # metrics and text_similarity: SQL models; report_texts: read by text_similarity only
    published = set(schemas.published_tables()) - {"metrics", "text_similarity"}
    assert set(demo_tables) == published | {"report_texts"}
    for name, table in demo_tables.items():
        assert table, name
        fields = set(schemas.field_names(name))
        assert all(row.keys() == fields for row in table), name


def test_a_row_with_a_misspelt_or_missing_key_is_refused(demo_tables):
    good = dict(demo_tables["reports"][0])
    to_arrow("reports", [good])  # as built: accepted
    misspelt = {("stauts" if k == "status" else k): v for k, v in good.items()}
    with pytest.raises(RowKeysMismatch, match=r"missing \['status'\].*\['stauts'\]"):
        to_arrow("reports", [good, misspelt])
    missing = {k: v for k, v in good.items() if k != "warnings"}
    with pytest.raises(RowKeysMismatch, match="reports row 1"):
        to_arrow("reports", [missing])


def test_labels_of_enums_are_declared_in_the_schemas_for_every_value():
    for table in ["registry", *schemas.published_tables()]:
        for f in schemas.load(table)["fields"]:
            if "enumLabels" in f:
                assert list(f["enumLabels"]) == f["constraints"]["enum"], (table, f["name"])
    assert schemas.label("reports", "status", "parsed") == "已读取 parsed"

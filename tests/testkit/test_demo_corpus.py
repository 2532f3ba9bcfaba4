"""The committed demo corpus is exactly what `testkit.demo` generates, clearly synthetic."""

from __future__ import annotations

import csv

from testkit import demo

from support import DEMO, SEED


def test_committed_demo_equals_generated(tmp_path):
    demo.write(tmp_path, SEED.read_bytes())
    generated = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(DEMO) for p in DEMO.rglob("*") if p.is_file()}
    assert generated == committed
    for path in generated:
        assert (tmp_path / path).read_bytes() == (DEMO / path).read_bytes(), path


def test_synthetic_documents_say_so_and_the_registry_marks_them():
    rows = list(csv.DictReader((DEMO / "registry.csv").open(encoding="utf-8")))
    for row in rows:
        is_seed = row["body_id"] == "yongan-industry-it-bureau"
        assert row["synthetic"] == ("false" if is_seed else "true")
        path = DEMO / row["source"]
        if path.exists() and not is_seed:
            text = path.read_bytes().decode("utf-8", errors="ignore") + path.read_bytes().decode(
                "gb18030", errors="ignore"
            )
            assert "合成" in text

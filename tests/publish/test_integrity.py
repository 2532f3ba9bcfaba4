"""A release is checked against its checksums: `xxgk verify` names every file that is not as
published, and a tampered previous release is never diffed against (its flipped values would
show as changes that were never made)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import duckdb
import pytest

from support.runs import INDUSTRY, change_licensing, copy_corpus, release_run

FINANCE = "yongan-finance-bureau"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """1.0.0 from the demo, 1.0.1 with 行政许可 8 → 9."""
    tmp = tmp_path_factory.mktemp("integrity")
    corpus, data = copy_corpus(tmp), tmp / "data"
    release_run(data, corpus / "registry.csv")
    change_licensing(corpus, 9)
    release_run(data, corpus / "registry.csv")
    return corpus, data


def xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xxgk.cli", *args], capture_output=True, text=True, timeout=300
    )


def test_verify_passes_a_release_and_names_every_bad_file(made, tmp_path):
    _, data = made
    work = tmp_path / "data"
    shutil.copytree(data, work, symlinks=True)
    ok = xxgk("verify", "--data-dir", str(work))
    assert ok.returncode == 0 and "1.0.1 通过校验" in ok.stdout, ok.stdout + ok.stderr
    old = work / "releases" / "1.0.0"
    parquet = old / "data" / "proactive.parquet"
    flipped = bytearray(parquet.read_bytes())
    flipped[len(flipped) // 2] ^= 0x01  # one bit of one byte
    parquet.write_bytes(bytes(flipped))
    (old / "README.md").write_text(
        (old / "README.md").read_text(encoding="utf-8") + "\n手工修改\n", encoding="utf-8"
    )
    (old / "changelog.html").unlink()
    (old / "notes.txt").write_text("added by hand", encoding="utf-8")
    for target in ("1.0.0", str(old)):
        bad = xxgk("verify", target, "--data-dir", str(work))
        assert bad.returncode == 1, bad.stdout
        assert "Traceback" not in bad.stderr and "未通过校验" in bad.stderr
        lines = [line for line in bad.stdout.splitlines() if "不符 bad" in line]
        for name in ("data/proactive.parquet", "README.md", "changelog.html", "notes.txt"):
            assert sum(name in line for line in lines) == 1, (name, lines)
        assert len(lines) == 4
    assert xxgk("verify", "1.0.1", "--data-dir", str(work)).returncode == 0
    missing = xxgk("verify", "9.9.9", "--data-dir", str(work))
    assert missing.returncode == 1 and "找不到发布版本" in missing.stderr


def test_a_tampered_previous_release_is_not_diffed_against(made, tmp_path):
    """1.0.1 edited by hand (a value of another body); then a real correction, 9 → 10. The new
    release says 1.0.1 failed verification and is diffed against 1.0.0: the correction only,
    no phantom change of the edited body."""
    corpus, data = made
    work, corpus2 = tmp_path / "data", tmp_path / "corpus"
    shutil.copytree(data, work, symlinks=True)
    shutil.copytree(corpus, corpus2)
    metrics = work / "releases" / "1.0.1" / "data" / "metrics.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN body_id = '{FINANCE}' THEN applications + 1000 "
            f"ELSE applications END AS applications) FROM read_parquet('{metrics}')) "
            f"TO '{tmp_path}/edited.parquet' (FORMAT parquet)"
        )
    (tmp_path / "edited.parquet").replace(metrics)
    doc = corpus2 / "documents" / f"{INDUSTRY}-2023.txt"
    doc.write_text(
        doc.read_text(encoding="utf-8").replace("行政许可\t9", "行政许可\t10"), encoding="utf-8"
    )
    made_now = release_run(work, corpus2 / "registry.csv").release()
    assert (made_now["version"], made_now["created"]) == ("1.0.2", True)
    new = work / "releases" / "1.0.2"
    changes = json.loads((new / "changes.json").read_text(encoding="utf-8"))
    assert changes["previous"] == "1.0.0"
    assert any("1.0.1" in n and "校验" in n for n in changes["notes"])
    assert {b["body_id"] for b in changes["body_years"]} == {INDUSTRY}  # no phantom body
    rows = changes["tables"]["proactive"]["rows"]
    assert [(r["old"]["value"], r["new"]["value"]) for r in rows] == [(8.0, 10.0)]
    assert changes["tables"]["metrics"]["changed"] == 0
    changelog = (new / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "版本 1.0.1 的文件与校验值不符" in changelog and "相对上一版 1.0.0" in changelog
    assert xxgk("verify", "--data-dir", str(work)).returncode == 0  # the new latest verifies

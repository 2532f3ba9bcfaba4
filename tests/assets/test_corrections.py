"""A clerk's correction from end to end, on the demo corpus: `xxgk correct` adds the row, the
next run publishes the corrected value beside the printed text as a patch release whose
changelog names the erratum; when the body re-publishes its report the correction is no longer
applied and the corrections check says so."""

from __future__ import annotations

import pytest

from support.runs import copy_corpus, correct, release_run

BODY = "yongan-market-regulation-bureau"  # its 2023 table prints 予以公开/总计 16 for 15
CELL = {"body_id": BODY, "year": 2023, "row": "granted", "applicant": "total"}


def seen(run) -> dict:
    """What the warehouse holds right after a run: the corrected cell and the body's findings."""
    rows = run.table("applications")
    return {
        "cell": next(r for r in rows if all(r[k] == v for k, v in CELL.items())),
        "findings": [f for f in run.table("findings") if f["body_id"] == BODY],
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corrections")
    corpus, data = copy_corpus(tmp), tmp / "data"
    registry = corpus / "registry.csv"
    first = release_run(data, registry)
    after = [seen(first)]
    added = correct(
        data,
        registry,
        "永安市市场监督管理局",
        "2023",
        "予以公开/总计",
        "15",
        "--reason",
        "原件为15，已核对",
        "--who",
        "张三",
    )
    second = release_run(data, registry)
    after.append(seen(second))
    # the body re-publishes its report (other bytes, same table)
    doc = corpus / "documents" / f"{BODY}-2023.html"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n<!-- 重新发布 -->\n", encoding="utf-8")
    third = release_run(data, registry)
    after.append(seen(third))
    return data, registry, after, added, second, third


def test_a_correction_is_published_beside_the_printed_text_in_a_patch_release(runs):
    data, _, first, added, second, _ = runs  # first: what each run left
    assert added.returncode == 0, added.stderr
    assert "已添加更正 C0001" in added.stdout
    assert (first[0]["cell"]["value"], first[0]["cell"]["correction_id"]) == (16, None)
    row = first[1]["cell"]
    assert (row["value"], row["printed"], row["corrected_from"]) == (15, "16", 16)
    assert (row["correction_id"], row["correction_reason"], row["corrected_by"]) == (
        "C0001",
        "原件为15，已核对",
        "张三",
    )
    # its quality flags: named by an error before; corrected (and no longer named) after
    assert "error" in first[0]["cell"]["flags"].split(";")
    assert "corrected" in row["flags"].split(";") and "error" not in row["flags"].split(";")
    made = second.release()
    assert (made["version"], made["bump"]) == ("1.0.1", "patch")
    changelog = (data / "releases" / "1.0.1" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (
        "- 永安市市场监督管理局 2023 年「予以公开 / 总计（收到和处理政府信息公开申请情况）」："
        "16 → 15（更正 C0001，更正人 张三，原因：原件为15，已核对）"
    ) in changelog


def test_the_arithmetic_runs_on_the_corrected_values_and_a_finding_names_the_cell(runs):
    _, _, after, _, second, _ = runs
    assert [f["rule"] for f in after[0]["findings"]] == ["T3_ROW_TOTAL", "T3_OUTCOME_SUM"]
    assert [f["rule"] for f in after[1]["findings"]] == ["CORRECTED"]
    found = after[1]["findings"][0]
    assert found["cells"] == "applications.granted.total"
    assert "16 → 15" in found["message"] and "原文「16」保留" in found["message"]
    assert second.checks()["corrections_match_cells"].passed
    assert "C0001" in second.metadata("corrections")["更正 corrections list"]


def test_the_raw_archive_and_the_parse_cache_are_not_edited(runs):
    data, *_ = runs
    cached = [p.read_text(encoding="utf-8") for p in (data / "parsed").rglob("*.json")]
    assert cached and not any("C0001" in text for text in cached)
    assert not any('"value": 15' in t and BODY in t for t in cached)


def test_a_correction_of_a_report_published_again_is_not_applied_and_is_reported(runs):
    _, _, after, _, _, third = runs
    row = after[2]["cell"]
    assert (row["value"], row["correction_id"]) == (16, None)
    check = third.checks()["corrections_match_cells"]
    assert not check.passed
    assert "C0001" in check.description and "重新发布" in check.description
    assert "CORRECTION_STALE" in [f["rule"] for f in after[2]["findings"]]


def test_correct_refuses_a_cell_the_report_does_not_have_and_a_second_correction(runs):
    data, registry, *_ = runs
    unknown = correct(
        data, registry, BODY, "2023", "不存在/总计", "1", "--reason", "r", "--who", "w"
    )
    assert unknown.returncode != 0 and "找不到单元格" in unknown.stderr
    again = correct(
        data,
        registry,
        BODY,
        "2023",
        "applications.granted.total",
        "14",
        "--reason",
        "r",
        "--who",
        "w",
    )
    assert again.returncode != 0 and "已有更正 C0001" in again.stderr
    assert "Traceback" not in unknown.stderr + again.stderr

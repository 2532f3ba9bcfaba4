"""The similarity of sections 一 and 五 to the body's previous report, as the schema of
`text_similarity` documents it: 5-character shingles without whitespace, punctuation, symbols
and digits; Jaccard; 0.7 or more a near-copy."""

from __future__ import annotations

import shutil

import duckdb

from pipelines import run
from pipelines.datadir import DataDir
from pipelines.tables import similarity

from support import DEMO

OLD = "本年度，本局坚持以人民为中心，围绕优化营商环境推进政务公开，全年主动公开文件128件。"
# the same words with this year's figures and other punctuation: digits and marks do not count
SAME = "本年度 本局坚持以人民为中心；围绕优化营商环境推进政务公开——全年主动公开文件３０５件！"
BOILERPLATE = (
    "本机关按照《中华人民共和国政府信息公开条例》要求编制本报告。"  # the demo's section 一
)
OTHER = "今年我局重点做好行政许可和行政处罚信息的公开，并完善了依申请公开的办理流程和答复模板。"


def compared(texts: list[tuple[str, int, str, str]]) -> dict[tuple[str, int, str], dict]:
    ordered = sorted(texts, key=lambda t: (t[0], t[2], t[1]))  # as the warehouse gives them
    return {(r["body_id"], r["year"], r["section"]): r for r in similarity.rows(ordered)}


def test_a_copy_with_new_figures_is_a_near_copy_and_new_words_are_not():
    got = compared(
        [
            ("copier", 2022, "overview", OLD),
            ("copier", 2023, "overview", SAME),
            ("writer", 2022, "overview", OLD),
            ("writer", 2023, "overview", OTHER),
        ]
    )
    copy = got[("copier", 2023, "overview")]
    assert copy["previous_year"] == 2022 and copy["similarity"] == 1.0 and copy["near_copy"]
    assert copy["shingles"] == copy["previous_shingles"] == copy["shared_shingles"]
    assert (
        copy["shingles"]
        == len("本年度本局坚持以人民为中心围绕优化营商环境推进政务公开全年主动公开文件件") - 4
    )
    new = got[("writer", 2023, "overview")]
    assert new["near_copy"] is False and new["similarity"] < 0.1
    union = new["shingles"] + new["previous_shingles"] - new["shared_shingles"]
    assert new["similarity"] == round(new["shared_shingles"] / union, 4)
    assert ("copier", 2022, "overview") not in got  # no previous report: no row


def test_half_rewritten_is_measured_and_the_threshold_is_07():
    half = OLD[: len(OLD) // 2] + OTHER[len(OTHER) // 2 :]
    mostly = OLD[:-4] + "件，群众满意"  # the last words changed
    got = compared(
        [
            ("a", 2021, "problems", OLD),
            ("a", 2022, "problems", half),
            ("b", 2021, "problems", OLD),
            ("b", 2022, "problems", mostly),
        ]
    )
    assert 0.1 < got[("a", 2022, "problems")]["similarity"] < 0.7
    assert got[("a", 2022, "problems")]["near_copy"] is False
    assert 0.7 <= got[("b", 2022, "problems")]["similarity"] < 1
    assert got[("b", 2022, "problems")]["near_copy"] is True


def test_the_previous_report_is_the_latest_earlier_year_with_the_section():
    got = compared(
        [
            ("a", 2020, "overview", OTHER),
            ("a", 2022, "overview", OLD),
            ("a", 2023, "overview", OLD),
            ("a", 2023, "problems", "无。"),  # fewer than 5 characters: not compared
            ("a", 2022, "problems", "无。"),
            ("a", 2021, "problems", "２０２１。"),  # digits only: nothing left
        ]
    )
    assert got[("a", 2022, "overview")]["previous_year"] == 2020
    assert got[("a", 2023, "overview")]["previous_year"] == 2022
    assert not any(k[2] == "problems" for k in got)


def _steps(s) -> None:
    """The stages up to the warehouse, as a run does them."""
    keys = run.registry(s).partitions
    run.scan_inbox(s)
    run.collect(s, keys)
    run.read(s, keys)
    run.update_warehouse(s)


def _similar(s) -> dict:
    with duckdb.connect(str(s.data.warehouse), read_only=True) as con:
        got = con.execute(
            "SELECT body_id, year, section, similarity, near_copy FROM text_similarity"
        ).fetchall()
    return {r[:3]: r[3:] for r in got}


def test_the_warehouse_compares_again_when_a_year_of_the_body_changes(tmp_path):
    """A body's 2023 report rewritten to copy its 2022 text: the next update flags it (and
    only the bodies whose partitions changed are compared again)."""
    corpus = tmp_path / "corpus"
    shutil.copytree(DEMO, corpus)
    doc = corpus / "documents" / "yongan-natural-resources-bureau-2023.txt"
    original = doc.read_text(encoding="utf-8")
    doc.write_text(original.replace(BOILERPLATE, OTHER), encoding="utf-8")
    s = run.Settings(DataDir(tmp_path / "data"), corpus / "registry.csv")
    _steps(s)
    key = ("yongan-natural-resources-bureau", 2023, "overview")
    before = _similar(s)
    assert before[key][1] is False and before[key][0] < 0.2
    doc.write_text(original, encoding="utf-8")  # now word for word last year's
    _steps(s)
    after = _similar(s)
    assert after[key] == (1.0, True)
    assert {k: v for k, v in after.items() if k != key} == {
        k: v for k, v in before.items() if k != key
    }

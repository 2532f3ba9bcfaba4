"""The model text_similarity: sections 一 and 五 against the same body's previous report, as
its schema documents (5-character shingles without whitespace, punctuation, symbols and digits;
Jaccard; 0.7 or more a near-copy), in a real DuckDB."""

from __future__ import annotations

import warehouse
from warehouse.ddl import create_table

OLD = "本年度，本局坚持以人民为中心，围绕优化营商环境推进政务公开，全年主动公开文件128件。"
# the same words with this year's figures and other punctuation: digits and marks do not count
SAME = "本年度 本局坚持以人民为中心；围绕优化营商环境推进政务公开——全年主动公开文件３０５件！"
OTHER = "今年我局重点做好行政许可和行政处罚信息的公开，并完善了依申请公开的办理流程和答复模板。"


def similarity(rows: list[tuple[str, int, str, str]]) -> dict[tuple[str, int, str], tuple]:
    con = warehouse.connect()
    con.execute(create_table("report_texts", constraints=False))
    con.executemany("INSERT INTO report_texts VALUES (?, ?, ?, ?)", rows)
    con.execute(warehouse.model("60_text_similarity"))
    got = con.execute(
        "SELECT body_id, year, section, previous_year, shingles, previous_shingles, "
        "shared_shingles, similarity, near_copy FROM text_similarity"
    ).fetchall()
    return {r[:3]: r[3:] for r in got}


def test_a_copy_with_new_figures_is_a_near_copy_and_new_words_are_not():
    got = similarity(
        [
            ("copier", 2022, "overview", OLD),
            ("copier", 2023, "overview", SAME),
            ("writer", 2022, "overview", OLD),
            ("writer", 2023, "overview", OTHER),
        ]
    )
    previous, n, n_prev, shared, value, near = got[("copier", 2023, "overview")]
    assert (previous, shared, value, near) == (2022, n, 1.0, True) and n == n_prev
    previous, n, n_prev, shared, value, near = got[("writer", 2023, "overview")]
    assert previous == 2022 and near is False and value < 0.1
    assert value == round(shared / (n + n_prev - shared), 4)
    assert ("copier", 2022, "overview") not in got  # no previous report: no row


def test_half_rewritten_is_measured_and_the_threshold_is_07():
    half = OLD[: len(OLD) // 2] + OTHER[len(OTHER) // 2 :]
    mostly = OLD[:-4] + "件，群众满意"  # the last words changed
    got = similarity(
        [
            ("a", 2021, "problems", OLD),
            ("a", 2022, "problems", half),
            ("b", 2021, "problems", OLD),
            ("b", 2022, "problems", mostly),
        ]
    )
    *_, value, near = got[("a", 2022, "problems")]
    assert 0.1 < value < 0.7 and near is False
    *_, value, near = got[("b", 2022, "problems")]
    assert 0.7 <= value < 1 and near is True


def test_the_previous_report_is_the_latest_earlier_year_with_the_section():
    got = similarity(
        [
            ("a", 2020, "overview", OTHER),
            ("a", 2022, "overview", OLD),
            ("a", 2023, "overview", OLD),
            ("a", 2023, "problems", "无。"),  # fewer than 5 characters: not compared
            ("a", 2022, "problems", "无。"),
        ]
    )
    assert got[("a", 2022, "overview")][0] == 2020
    assert got[("a", 2023, "overview")][0] == 2022
    assert not any(k[2] == "problems" for k in got)

"""A clerk's day in a real browser (issue 11's check): headless chromium drives the real Dagster
UI (`dagster dev` on 127.0.0.1) over a registry with a report that is not a report, one whose
file is not there and one scanned report read by OCR. The clerk sees the failed reports and why
in Chinese, corrects an OCR cell with `xxgk correct`, launches the job from the UI (Materialize
all → All → Launch backfill) and finds the erratum on the release's catalog page, a patch."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from pipelines.read import ocr
from testkit import corpus
from testkit.render.layout import layout
from testkit.render.pdf import write_pdf
from testkit.render.scan import scanned

from support.browser import browse, drive
from support.dagster import (
    RUN_TIMEOUT_S,
    Server,
    dagster_dev,
    launch_and_wait,
    over,
    partition_keys,
    selector,
)
from support.runs import copy_corpus, correct

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ocr.available(), reason="no OCR engine (make setup)"),
]

SCAN_BODY, SCAN_NAME = "yongan-culture-bureau", "永安市文化体育和旅游局"
SCAN_ROW = (
    f"{SCAN_BODY},{SCAN_NAME},永安市,350481,department,yongan-city-government,2023,"
    f"documents/{SCAN_BODY}-2023.pdf,true\n"
)
DISMISS = ["Skip"]  # the Dagster UI's newsletter prompt, over the page on a fresh browser


def scan_with_a_slip(folder: Path) -> int:
    """The body's 2023 report as a scanned PDF (no text layer) whose 予以公开/总计 is printed
    one too high; the true total (what the clerk finds in the original)."""
    report = dataclasses.replace(corpus.synthetic_report("2021", 7), agency=SCAN_NAME, year=2023)
    granted = report.applications["granted"]
    true_total = int(granted["total"] or 0)
    granted["total"] = true_total + 1
    pdf = write_pdf(layout(report, published_on="2024-01-20"))
    (folder / f"{SCAN_BODY}-2023.pdf").write_bytes(scanned(pdf))
    return true_total


def granted_total(data: Path) -> dict[str, Any]:
    with duckdb.connect(str(data / "warehouse" / "xxgk.duckdb"), read_only=True) as con:
        cursor = con.execute(
            "SELECT value, flags FROM applications WHERE body_id = ? AND year = 2023 "
            "AND row = 'granted' AND applicant = 'total'",
            [SCAN_BODY],
        )
        value, flags = cursor.fetchone()
    return {"value": value, "flags": flags.split(";")}


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Yesterday's state: the registry and a whole run, made over GraphQL; then the server."""
    tmp = tmp_path_factory.mktemp("clerk")
    documents = copy_corpus(tmp) / "documents"
    registry = documents.parent / "registry.csv"
    registry.write_text(registry.read_text(encoding="utf-8") + SCAN_ROW, encoding="utf-8")
    true_total = scan_with_a_slip(documents)
    with dagster_dev(tmp / "dagster", registry=registry) as server:
        launch_and_wait(server, {"selector": selector(server, ["registry"])})
        keys = partition_keys(server, "documents")
        params = {"selector": selector(server), "executionMetadata": over(keys[0], keys[-1])}
        launch_and_wait(server, params)
        yield {"server": server, "registry": registry, "true_total": true_total}


def seen(server: Server, path: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """What the browser shows after `steps` on the UI's page `path` (fails with the page's
    text when a step cannot be done)."""
    (page,) = drive(server.url, [path], steps=steps, dismiss=DISMISS)
    assert "stepError" not in page, page["stepError"]
    assert not page["pageErrors"], page["pageErrors"]
    return page


def test_the_clerk_sees_each_failed_report_by_its_chinese_name_and_why(day) -> None:
    page = seen(
        day["server"],
        "/assets/warehouse?view=checks",
        [
            {"click": "every_report_read"},
            {"waitFor": "登记表中的每份报告都已取得并读出"},
            {"waitFor": "永安市水利局 2023："},
            {"read": "check"},
        ],
    )
    shown = page["read"]["check"]
    assert "永安市住房和城乡建设局 2023：文件中找不到年度报告的统计表" in shown
    assert "不是政府信息公开工作年度报告" in shown
    assert "永安市水利局 2023：找不到文件：documents/yongan-water-bureau-2023.pdf" in shown
    assert "yongan-housing-bureau" not in shown and "Traceback" not in shown


def test_an_ocr_cell_corrected_and_launched_from_the_ui_is_an_erratum_of_a_patch(day) -> None:
    server, registry, true_total = day["server"], day["registry"], day["true_total"]
    before = granted_total(server.data_dir)
    assert "ocr" in before["flags"] and before["value"] != true_total, before
    added = correct(
        server.data_dir,
        registry,
        SCAN_NAME,
        "2023",
        "予以公开/总计",
        str(true_total),
        "--reason",
        "扫描件核对原件",
        "--who",
        "李四",
    )
    assert added.returncode == 0, added.stderr
    # Jobs → xxgk_pipeline → Materialize all… → All partitions → Launch backfill, clicked
    seen(
        server,
        "/jobs",
        [
            {"click": "xxgk_pipeline"},
            {"click": "Materialize all", "role": "button"},
            {"click": "All", "role": "button", "exact": True},
            {"waitFor": "2 partitions"},
            {"click": "Launch backfill", "role": "button"},
            {"waitFor": "Created backfill"},
        ],
    )
    backfill = wait_for_backfill(server)
    assert backfill["status"] == "COMPLETED_SUCCESS", f"{backfill}\n{server.log_tail()}"
    assert granted_total(server.data_dir)["value"] == true_total
    # the release asset's page in the UI: the new version, a patch
    release = seen(
        server, "/assets/release", [{"waitFor": "修订号（数据更正）"}, {"read": "asset"}]
    )
    assert "1.0.1" in release["read"]["asset"]
    # the release's catalog page, as a reader of the open data opens it
    (changelog,) = browse(server.data_dir / "releases", ["/latest/changelog.html"])
    text = changelog["text"]
    assert "更新日志 · Changelog 1.0.1" in text and "升级 bump：patch" in text
    assert (
        f"{SCAN_NAME} 2023 年「予以公开 / 总计（收到和处理政府信息公开申请情况）」："
        f"{before['value']} → {true_total}（更正 C0001，更正人 李四，原因：扫描件核对原件）"
    ) in text


BACKFILLS = """
query { partitionBackfillsOrError { ... on PartitionBackfills { results { id status } } } }
"""


def wait_for_backfill(server: Server) -> dict[str, Any]:
    """The one backfill launched from the UI, once the daemon has finished it (bounded)."""
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        (backfill,) = server.graphql(BACKFILLS)["partitionBackfillsOrError"]["results"]
        if backfill["status"] not in ("REQUESTED", "CANCELING", "FAILING"):
            return backfill
        if time.monotonic() > deadline:
            return backfill
        time.sleep(2)

"""End to end on a loopback portal: a registry of 40 bodies (one row each, with the listing
page of its 政府信息公开年报 column) collected through the Dagster assets. Every body ends in a
known state with a reason a clerk understands; the coverage table says which report is
missing and which came late; a second run transfers nothing and re-parses nothing."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from assets import collect, read
from assets.partitions import NAME
from pipelines.registry.model import due_on

from support.portal import (
    Portal,
    Route,
    attachment_page,
    listing_page,
    report_docx,
    report_html,
    report_pdf,
    serve,
)
from support.runs import Run, release_run

NORMAL = 28
TITLE = "{}{}年政府信息公开工作年度报告"
SPECIAL = {
    # body id: (name, what its portal does)
    "ya-404": ("永安市审计局", "the listing page is gone"),
    "ya-500": ("永安市统计局", "the 2023 report page answers 500"),
    "ya-hang": ("永安市林业局", "the 2023 report page hangs"),
    "ya-huge": ("永安市商务局", "the 2023 attachment is too large"),
    "ya-gap": ("永安市民政局", "no 2023 report on the listing"),
    "ya-notreport": ("永安市司法局", "the 2023 link is a notice, not a report"),
    "ya-renamed": ("永安市文化和旅游局", "reports printed under the former name"),
    "ya-wrongname": ("永安市卫生健康局", "the 2023 report names another agency"),
    "ya-closed": ("永安市粮食局", "abolished after 2022"),
    "ya-loop": ("永安市档案局", "the 2023 link redirects in a loop"),
    "ya-ambiguous": ("永安市体育局", "two 2023 reports listed"),
    "ya-late": ("永安市人防办", "the 2023 report appears after the deadline"),
}
FORMER_NAME = "永安市文化体育和旅游局"


def normal_name(i: int) -> str:
    return f"永安市第{i + 1}局"


def build_portal(portal: Portal) -> list[dict[str, str]]:
    """The portal's pages and the registry rows (one per body)."""
    rows = []

    def body(body_id: str, name: str, links: list[tuple[str, str]], **kw: str) -> None:
        encoding = kw.pop("encoding", "utf-8")
        listing = portal.add(f"/{body_id}/ndbg/", listing_page(links, encoding=encoding))
        rows.append(
            {"body_id": body_id, "name": name, "active_from": "2022", "listing_url": listing, **kw}
        )

    def page(path: str, data: bytes | Route) -> str:
        portal.add(path, data)
        return path

    for i in range(NORMAL):
        b, name = f"ya-{i:02d}", normal_name(i)
        encoding = "gbk" if i % 10 == 2 else "utf-8"
        published = "2024-03-05" if i % 10 == 3 else None
        if i % 10 == 0:  # the 2022 page only attaches a PDF
            p22 = page(f"/{b}/2022.html", attachment_page(TITLE.format(name, 2022), [(f"/{b}/2022.pdf", "附件.pdf")]))  # fmt: skip
            page(f"/{b}/2022.pdf", Route(report_pdf(name, 2022), content_type="application/pdf"))
        elif i % 10 == 1:  # a direct Word link
            p22 = page(f"/{b}/2022.docx", Route(report_docx(name, 2022), content_type="application/octet-stream"))  # fmt: skip
        else:
            p22 = page(f"/{b}/2022.html", report_html(name, 2022, encoding=encoding))
        p23 = page(
            f"/{b}/2023.html", report_html(name, 2023, published_on=published, encoding=encoding)
        )
        body(b, name, [(p23, TITLE.format(name, 2023)), (p22, TITLE.format(name, 2022))], encoding=encoding)  # fmt: skip

    def both(b: str, name: str, p23: str, *, printed: str | None = None, **kw: str) -> None:
        p22 = page(f"/{b}/2022.html", report_html(printed or name, 2022))
        body(b, name, [(p23, TITLE.format(name, 2023)), (p22, TITLE.format(name, 2022))], **kw)

    rows.append(
        {
            "body_id": "ya-404",
            "name": SPECIAL["ya-404"][0],
            "active_from": "2022",
            "listing_url": portal.url + "/ya-404/gone/",
        }
    )
    both("ya-500", SPECIAL["ya-500"][0], page("/ya-500/2023.html", Route(status=500)))
    both("ya-hang", SPECIAL["ya-hang"][0], page("/ya-hang/2023.html", Route(report_html("x", 2023), hang=3)))  # fmt: skip
    huge = page("/ya-huge/2023.pdf", Route(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)))
    both("ya-huge", SPECIAL["ya-huge"][0], page("/ya-huge/2023.html", attachment_page("年报", [(huge, "年报.pdf")])))  # fmt: skip
    body("ya-gap", SPECIAL["ya-gap"][0], [(page("/ya-gap/2022.html", report_html(SPECIAL["ya-gap"][0], 2022)), TITLE.format(SPECIAL["ya-gap"][0], 2022))])  # fmt: skip
    notice = "<html><meta charset='utf-8'><h1>关于2023年政府信息公开工作年度报告编制工作的通知</h1><p>请各单位按时报送。</p></html>"
    both("ya-notreport", SPECIAL["ya-notreport"][0], page("/ya-notreport/2023.html", notice.encode()))  # fmt: skip
    name = SPECIAL["ya-renamed"][0]
    both("ya-renamed", name, page("/ya-renamed/2023.html", report_html(FORMER_NAME, 2023)), printed=FORMER_NAME, aliases=FORMER_NAME)  # fmt: skip
    both("ya-wrongname", SPECIAL["ya-wrongname"][0], page("/ya-wrongname/2023.html", report_html("永安市计划生育局", 2023)))  # fmt: skip
    closed = SPECIAL["ya-closed"][0]
    body("ya-closed", closed, [(page("/ya-closed/2022.html", report_html(closed, 2022)), TITLE.format(closed, 2022))], active_to="2022")  # fmt: skip
    portal.add("/ya-loop/2023.html", Route(status=302, location="/ya-loop/again.html"))
    portal.add("/ya-loop/again.html", Route(status=302, location="/ya-loop/2023.html"))
    both("ya-loop", SPECIAL["ya-loop"][0], "/ya-loop/2023.html")
    amb = SPECIAL["ya-ambiguous"][0]
    a1 = page("/ya-ambiguous/2023a.html", report_html(amb, 2023))
    a2 = page("/ya-ambiguous/2023b.html", report_html(amb, 2023, published_on="2024-01-10"))
    p22 = page("/ya-ambiguous/2022.html", report_html(amb, 2022))
    body("ya-ambiguous", amb, [(a1, TITLE.format(amb, 2023)), (a2, TITLE.format(amb, 2023) + "（修订）"), (p22, TITLE.format(amb, 2022))])  # fmt: skip
    late = SPECIAL["ya-late"][0]
    body("ya-late", late, [(page("/ya-late/2022.html", report_html(late, 2022)), TITLE.format(late, 2022))])  # fmt: skip
    return rows


def publish_late_report(portal: Portal) -> None:
    late = SPECIAL["ya-late"][0]
    p23 = portal.add("/ya-late/2023.html", report_html(late, 2023))
    p22 = portal.url + "/ya-late/2022.html"
    portal.routes["/ya-late/ndbg/"].body = listing_page(
        [(p23, TITLE.format(late, 2023)), (p22, TITLE.format(late, 2022))]
    )


def write_registry(path: Path, rows: list[dict[str, str]]) -> None:
    fields = ["body_id", "name", "region_name", "region_code", "level", "year", "source"]
    fields += ["aliases", "active_from", "active_to", "listing_url"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {"region_name": "永安市", "region_code": "350481", "level": "department", **row}
        )
    path.write_bytes(out.getvalue().encode("gbk"))  # as Excel saves it on a Chinese desktop


def settings_for(as_of: str) -> dict:
    """The paths resource's settings for a day: quick on loopback, a small size cap."""
    return {
        "as_of": as_of,
        "fetch_min_interval": 0,
        "fetch_per_host": 4,
        "fetch_retries": 1,
        "fetch_backoff": 0.01,
        "fetch_read_timeout": 0.5,
        "fetch_max_mb": 1,
    }


def run(tmp: Path, as_of: str, instance: dg.DagsterInstance) -> Run:
    return release_run(
        tmp / "data", tmp / "registry.csv", instance=instance, paths=settings_for(as_of)
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("portal")
    instance = dg.DagsterInstance.ephemeral()
    with serve() as portal:
        write_registry(tmp / "registry.csv", build_portal(portal))
        before_deadline = run(tmp, "2024-01-20", instance)
        before_coverage = table(before_deadline, "coverage")  # the warehouse moves on
        publish_late_report(portal)
        portal.reset_log()
        after_deadline = run(tmp, "2024-02-10", instance)
        second_hits = list(portal.hits)
        portal.reset_log()
        again = run(tmp, "2024-02-10", instance)
        yield {
            "tmp": tmp,
            "portal": portal,
            "instance": instance,
            "before": before_coverage,
            "after": after_deadline,
            "again": again,
            "second_hits": second_hits,
            "third_hits": list(portal.hits),
        }


def table(result: Run, name: str) -> dict[tuple[str, int], dict]:
    return {(r["body_id"], r["year"]): r for r in result.table(name)}


def test_every_body_year_is_in_a_known_state_with_a_reason(world):
    reports = table(world["after"], "reports")
    assert len({b for b, _ in reports}) == NORMAL + len(SPECIAL)
    assert ("ya-closed", 2023) not in reports  # abolished: nothing expected
    findings = world["after"].table("findings")
    mismatched = {(f["body_id"], f["year"]) for f in findings if f["rule"] == "METADATA_MISMATCH"}
    for i in range(NORMAL):
        for year in (2022, 2023):
            r = reports[(f"ya-{i:02d}", year)]
            assert r["status"] == "parsed", r
            assert (r["body_id"], year) not in mismatched  # title agency = registry name
    fmt = {reports[(f"ya-{i:02d}", 2022)]["source_format"] for i in (0, 1, 2)}
    assert fmt == {"pdf", "docx", "html"}
    expected_reasons = {
        ("ya-404", 2023): "年报栏目页取不到：404 页面不存在",
        ("ya-500", 2023): "服务器错误 500（已重试1次）",
        ("ya-hang", 2023): "读取超时",
        ("ya-huge", 2023): "报告页上的附件取不到：文件过大",
        ("ya-gap", 2023): "年报栏目（共1页）中没有找到2023年的年度报告",
        ("ya-loop", 2023): "网址重定向循环",
    }
    for key, reason in expected_reasons.items():
        r = reports[key]
        assert r["status"] == "missing" and r["status_reason"].startswith(reason), r
    failed = reports[("ya-notreport", 2023)]
    assert failed["status"] == "failed" and "不是" in failed["status_reason"]
    assert ("ya-renamed", 2023) not in mismatched  # printed under its former name, an alias
    assert reports[("ya-renamed", 2023)]["agency_printed"] == FORMER_NAME
    mismatch = [f for f in findings if f["body_id"] == "ya-wrongname" and f["year"] == 2023]
    (wrong,) = [f for f in mismatch if f["rule"] == "METADATA_MISMATCH"]
    assert "永安市计划生育局" in wrong["message"]
    assert all(r["status_reason"] for r in reports.values() if r["status"] != "parsed")


def test_coverage_table_says_what_is_missing_and_what_was_late(world):
    before = world["before"]
    assert before[("ya-late", 2023)]["status"] == "not_due"  # 20 January: not due yet
    assert before[("ya-gap", 2023)]["status"] == "not_due"
    cov = table(world["after"], "coverage")
    assert len(cov) == len(table(world["after"], "reports"))
    assert cov[("ya-gap", 2023)]["status"] == "missing"
    assert cov[("ya-404", 2022)]["status"] == "missing"
    assert cov[("ya-notreport", 2023)]["status"] == "unreadable"
    late = cov[("ya-late", 2023)]
    # looked for on 20 January, not there; first seen on 10 February: 10 days late
    assert late["status"] == "received" and late["found_by"] == "discovery"
    assert (late["timeliness"], late["days_late"]) == ("late", 10)
    assert late["first_seen"] == date(2024, 2, 10) and late["published_on"] is None
    dated = cov[("ya-03", 2023)]  # states 发布日期 2024-03-05
    assert dated["published_on"] == date(2024, 3, 5)
    assert (dated["timeliness"], dated["days_late"]) == ("late", 34)
    on_time = cov[("ya-04", 2023)]
    assert on_time["timeliness"] == "on_time" and on_time["first_seen"] == date(2024, 1, 20)
    assert on_time["due_on"] == due_on(2023) == date(2024, 1, 31)
    amb = cov[("ya-ambiguous", 2023)]
    assert amb["note"] and "2个候选" in amb["note"] and "（修订）" in amb["note"]
    assert amb["published_on"] == date(2024, 1, 10)  # the revised one was taken
    statuses = {r["status"] for r in cov.values()}
    assert statuses == {"received", "missing", "unreadable"}
    checks = world["after"].checks()
    assert checks["tables_match_schemas"].passed
    assert not checks["every_report_found"].passed
    assert "逾期10天" in world["after"].metadata("warehouse")["机关×年度 body × year"]


def test_second_run_transfers_nothing_and_parses_nothing(world):
    hits = world["third_hits"]
    # what failed last time is asked again: the oversized file (refused again for its size)
    # and the hanging page (timed out again); nothing is kept of either
    refused = {"/ya-huge/2023.pdf", "/ya-hang/2023.html"}
    ok = [h for h in hits if h.status == 200 and h.path not in refused]
    assert ok == [], [h.path for h in ok]
    answered = [h for h in hits if h.status == 304]
    assert len(answered) >= 2 * NORMAL + NORMAL  # listing + two reports of each normal body
    assert all(h.if_none_match for h in answered)
    # what failed is asked again, within the retry bound
    assert len([h for h in hits if h.path == "/ya-500/2023.html"]) == 2
    assert len([h for h in hits if h.path == "/ya-hang/2023.html"]) == 2
    assert len([h for h in hits if h.path == "/ya-404/gone/"]) == 1
    assert world["again"].metadata("reports")["新解析 parsed now"] == 0
    raw = world["again"].metadata("documents")
    assert raw["未变化未下载 unchanged (HTTP 304)"] >= 2 * NORMAL
    assert raw["输入未变未收集 unchanged, not collected"] == 0  # online: always asked
    assert world["again"].release()["created"] is False


def test_only_registered_partitions_exist_and_one_body_is_collected_alone(world):
    instance = world["instance"]
    assert instance.get_dynamic_partitions(NAME) == ["2022-350481", "2023-350481"]
    portal = world["portal"]
    portal.reset_log()

    def alone(body: str, **config) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [collect.documents, read.reports],
            partition_key="2023-350481",
            resources={"paths": _paths(world["tmp"])},
            instance=instance,
            run_config={"ops": {"documents": {"config": {"body": body, **config}}}},
            raise_on_error=False,
        )

    result = alone("ya-05")
    assert result.success
    meta = result.asset_materializations_for_node("documents")[0].metadata
    assert (
        meta["取得 collected"].value == 1 and meta["未变化未下载 unchanged (HTTP 304)"].value == 1
    )
    assert {h.path for h in portal.hits} == {"/ya-05/ndbg/", "/ya-05/2023.html"}
    reports = result.asset_materializations_for_node("reports")[0].metadata
    assert "永安市" in reports["各报告状态 status of every report"].value  # names, not ids
    portal.reset_log()
    forced = alone("ya-05", refetch=True)
    assert forced.success
    assert [h.status for h in portal.hits] == [200, 200]  # listing and report downloaded again
    missing = alone("ya-closed")  # abolished before 2023: nothing expected of it
    assert not missing.success
    failure = next(e for e in missing.all_events if e.is_step_failure)
    assert "分区 2023-350481" in failure.step_failure_data.error.message
    assert "没有机关「ya-closed」" in failure.step_failure_data.error.message


def _paths(tmp: Path):  # type: ignore[no-untyped-def]
    from assets.resources import XxgkPaths

    return XxgkPaths(
        data_dir=str(tmp / "data"), registry=str(tmp / "registry.csv"), **settings_for("2024-02-10")
    )

"""One run over a registry where most entries are hostile (issue 13's red-team inputs, generated
here): the run still publishes the good reports, and every bad entry is in the release with its
status and a reason a clerk understands. Bounded: each input is small on disk and refused by a
cap or a limit in seconds."""

from __future__ import annotations

import os

from support import SEED
from support.files import fifo_released_after
from support.hostile import blank_pdf, zip_bomb
from support.portal import Route, report_html, serve
from support.runs import release_run

HEADER = "body_id,name,region_name,region_code,level,parent_id,year,source,synthetic\n"
HEAD = "<html><body><h1>永安市某局2023年政府信息公开工作年度报告</h1>"


def documents() -> dict[str, tuple[bytes, str, str]]:
    """file name → (bytes, the status it must get, what its reason or findings must say)."""
    seed = SEED.read_text(encoding="utf-8")
    spans = "".join(f'<td rowspan="200" colspan="200">{i}</td>' for i in range(1000))
    return {
        "big-number.txt": (
            seed.replace("行政许可\t8", "行政许可\t" + "9" * 20, 1).encode(),
            "parsed",
            "VALUE_OUT_OF_RANGE",
        ),
        "utf16.txt": (seed.encode("utf-16"), "parsed", ""),
        "spans.html": (
            (HEAD + f"<table><tr>{spans}</tr></table></body></html>").encode(),
            "failed",
            "超过处理上限（每表20000格）",
        ),
        "bomb.docx": (zip_bomb(), "failed", "超过处理上限（解压后200 MB）"),
        "pages.pdf": (blank_pdf(2000), "failed", "超过处理上限（OCR最多50页）"),
        "huge-page.pdf": (blank_pdf(1, (5000, 5000)), "failed", "每页40百万像素"),
        "deep.html": (
            f"<html><body>{'<div>' * 3000}<p>一、总体情况</p></body></html>".encode(),
            "failed",
            "嵌套超过2048层",
        ),
    }


def test_hostile_inputs_are_each_listed_with_a_reason_and_the_good_reports_published(tmp_path):
    folder = tmp_path / "office"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "good.html").write_bytes(report_html("永安市财政局", 2023))
    expected = documents()
    for name, (data, _, _) in expected.items():
        (folder / "docs" / name).write_bytes(data)
    os.mkfifo(folder / "docs" / "fifo.pdf")
    (tmp_path / "secret.txt").write_text("XXGK_SECRET", encoding="utf-8")
    with serve() as portal, serve() as elsewhere:
        # a portal that sends its visitors to another site, and one that hangs up half-way
        away = elsewhere.add("/r.html", Route(report_html("永安市外网局", 2023)))
        portal.add("/moved.html", Route(status=302, location=away))
        cut = report_html("永安市半截局", 2023)
        portal.add("/cut.html", Route(cut, cut_at=len(cut) // 3))
        sources = {
            "cz": ("永安市财政局", "docs/good.html"),
            **{f"d{i}": (f"机关{i}", f"docs/{n}") for i, n in enumerate(expected)},
            "fifo": ("管道局", "docs/fifo.pdf"),
            "outside": ("外部局", "../secret.txt"),
            "moved": ("永安市外网局", f"{portal.url}/moved.html"),
            "cut": ("永安市半截局", f"{portal.url}/cut.html"),
        }
        registry = folder / "registry.csv"
        registry.write_text(
            HEADER
            + "".join(
                f"{b},{name},永安市,350481,department,,2023,{source},\n"
                for b, (name, source) in sources.items()
            ),
            encoding="utf-8",
        )
        with fifo_released_after(folder / "docs" / "fifo.pdf") as blocked:
            run = release_run(tmp_path / "data", registry, paths={"fetch_retries": 0})
    assert not blocked, "reading the FIFO blocked the run"
    assert run.release()["version"]  # published
    reports = {r["body_id"]: r for r in run.table("reports")}
    assert set(reports) == set(sources)  # every input is in the release
    assert reports["cz"]["status"] == "parsed"
    findings = run.table("findings")
    for i, (name, (_, status, said)) in enumerate(expected.items()):
        row = reports[f"d{i}"]
        assert row["status"] == status, (name, row)
        if status == "parsed":
            rules = {f["rule"] for f in findings if f["body_id"] == f"d{i}"}
            assert not said or said in rules, (name, rules)
        else:
            assert said in row["status_reason"], (name, row["status_reason"])
    assert reports["fifo"]["status"] == "missing"
    assert "不是普通文件" in reports["fifo"]["status_reason"]
    assert "不在登记表所在目录" in reports["outside"]["status_reason"]
    assert "已拒绝" in reports["moved"]["status_reason"]
    assert "下载不完整" in reports["cut"]["status_reason"]
    licensing = [
        c
        for c in run.table("proactive")
        if c["body_id"] == "d0" and c["item"] == "administrative_licensing"
    ]
    assert licensing and all(c["value"] is None for c in licensing)  # withheld, not 10**20

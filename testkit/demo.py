"""The embedded demonstration corpus: the seed report of 永安市工业和信息化局 (real) and a
handful of further 永安市 bodies whose reports are SYNTHETIC, generated here from a fixed
random seed, so that the pipeline, the findings and the aggregates can be shown end to end.

`xxgk demo-corpus` rewrites `demo/`; a test checks the committed files equal what this
module generates.
"""

from __future__ import annotations

import csv
import html
import io
import random
from dataclasses import dataclass
from pathlib import Path

import schemas
from pipelines.read import template as t
from pipelines.read.report import Report

SEED_FILE = "yongan-industry-it-bureau-2023.txt"
SYNTHETIC_NOTE = "【演示用合成数据 · SYNTHETIC DEMO DATA】本报告由 xxgk 生成，数字为虚构，仅用于演示，不是该机关的真实报告。"
REGION = ("永安市", "350481")
CITY = "yongan-city-government"


@dataclass(frozen=True)
class DemoBody:
    body_id: str
    name: str
    level: str
    years: tuple[int, ...]
    form: str  # html, html-gbk, text, not-a-report, no-section-3, missing
    synthetic: bool = True


BODIES = (
    DemoBody(CITY, "永安市人民政府", "city_government", (2022, 2023), "html"),
    DemoBody(
        "yongan-industry-it-bureau", "永安市工业和信息化局", "department", (2023,), "seed", False
    ),
    DemoBody("yongan-finance-bureau", "永安市财政局", "department", (2022, 2023), "html"),
    DemoBody("yongan-education-bureau", "永安市教育局", "department", (2023,), "html-gbk"),
    DemoBody(
        "yongan-natural-resources-bureau", "永安市自然资源局", "department", (2022, 2023), "text"
    ),
    DemoBody(
        "yongan-market-regulation-bureau",
        "永安市市场监督管理局",
        "department",
        (2023,),
        "html-error",
    ),
    DemoBody(
        "yongan-housing-bureau", "永安市住房和城乡建设局", "department", (2023,), "not-a-report"
    ),
    DemoBody("yongan-transport-bureau", "永安市交通运输局", "department", (2023,), "no-section-3"),
    DemoBody("yongan-water-bureau", "永安市水利局", "department", (2023,), "missing"),
)


# ---- the demo's own plain rendition ----------------------------------------------------------
# The committed demo documents were written by these two functions; they stay so that the demo
# documents, and so the demo release, keep their bytes. New test documents are rendered through
# `testkit.render` (one layout, one writer per format), which also prints the template's damage.

_GROUP_NUMBER = {
    "三、本年度办理结果": "三",
    "不予公开": "3",
    "无法提供": "4",
    "不予处理": "5",
    "其他处理": "6",
}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def _fmt(value: int | float | None) -> str:
    return "" if value is None else str(value)


def _title(report: Report) -> str:
    return f"{report.agency}{report.year}年度政府信息公开工作年度报告"


def _application_labels(report: Report) -> list[tuple[str, str, str]]:
    """(group label, sub-group label, row label) for each section-三 row, as printed."""
    rows = []
    counters: dict[str, int] = {}
    numbers = {"granted": "1.", "partially_granted": "2."}
    for key in report.applications:
        row = next(r for r in t.ALL_APPLICATION_ROWS if r.key == key)
        if key in ("new_received", "carried_over", "carried_forward"):
            rows.append((row.label, "", ""))
        elif key == "total_handled":
            rows.append(("三、本年度办理结果", "7.总计", ""))
        elif key in numbers:
            rows.append(("三、本年度办理结果", numbers[key] + row.label, ""))
        elif key == "other_processing":
            rows.append(("三、本年度办理结果", "6.其他处理", ""))
        else:
            n = counters.get(row.group, 0)
            counters[row.group] = n + 1
            group = f"{_GROUP_NUMBER[row.group]}.{row.group}"
            rows.append(("三、本年度办理结果", group, _CIRCLED[n] + row.label))
    return rows


def to_text(report: Report, *, preamble: str = "") -> str:
    """Tab-separated text, the shape PDF text extraction gives (labels and cells by tabs)."""
    out = [report.agency or "", f"{report.year}年度政府信息公开工作年度报告", ""]
    if preamble:
        out += [preamble, ""]
    out += ["一、总体情况", "", "本机关按照《中华人民共和国政府信息公开条例》要求编制本报告。", ""]
    out += [t.SECTIONS["proactive"], ""]
    for item in t.items_for(report.template):
        out.append(f"{item.article}\t\t\t")
        out.append("信息内容\t" + "\t".join(t.MEASURE_LABELS[m] for m in item.measures))
        values = report.proactive[item.key]
        out.append(item.label + "\t" + "\t".join(_fmt(values[m]) for m in item.measures))
    out += ["", t.SECTIONS["applications"], ""]
    out.append("\t\t\t申请人情况\t\t\t\t\t\t")
    out.append("\t\t\t" + "\t".join(t.APPLICANTS.values()))
    for (group, sub, label), (_key, cells) in zip(
        _application_labels(report), report.applications.items(), strict=True
    ):
        out.append("\t".join([group, sub, label, *(_fmt(cells[a]) for a in t.APPLICANTS)]))
    out += ["", t.SECTIONS["reviews_litigation"], ""]
    out.append("行政复议\t\t\t\t\t行政诉讼")
    out.append("\t".join(list(t.OUTCOMES.values()) * 3))
    out.append(
        "\t".join(_fmt(report.reviews_litigation[p][o]) for p in t.PROCEEDINGS for o in t.OUTCOMES)
    )
    out += [
        "",
        "五、存在的主要问题及改进情况",
        "",
        "无。",
        "",
        "六、其他需要报告的事项",
        "",
        "无。",
        "",
    ]
    return "\n".join(out)


def to_html(report: Report, *, preamble: str = "", charset: str | None = "utf-8") -> str:
    """An HTML page with real tables (rowspan for the outcome groups), as portals publish."""
    e = html.escape
    meta = f'<meta charset="{charset}">' if charset else ""
    parts = [
        f"<!DOCTYPE html><html><head>{meta}<title>{e(_title(report))}</title></head><body>",
        f"<h1>{e(_title(report))}</h1>",
    ]
    if preamble:
        parts.append(f"<p><strong>{e(preamble)}</strong></p>")
    parts.append(
        "<p>一、总体情况</p><p>本机关按照《中华人民共和国政府信息公开条例》要求编制本报告。</p>"
    )
    parts.append(f"<p>{e(t.SECTIONS['proactive'])}</p><table border='1'>")
    for item in t.items_for(report.template):
        width = len(item.measures) + 1
        parts.append(f"<tr><td colspan='{width}'>{e(item.article)}</td></tr>")
        parts.append(
            "<tr><td>信息内容</td>"
            + "".join(f"<td>{e(t.MEASURE_LABELS[m])}</td>" for m in item.measures)
            + "</tr>"
        )
        values = report.proactive[item.key]
        parts.append(
            f"<tr><td>{e(item.label)}</td>"
            + "".join(f"<td>{_fmt(values[m]) or '&nbsp;'}</td>" for m in item.measures)
            + "</tr>"
        )
    parts.append("</table>")
    parts.append(f"<p>{e(t.SECTIONS['applications'])}</p><table border='1'>")
    parts.append(
        "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，"
        "等于第三项加第四项之和）</td><td colspan='7'>申请人情况</td></tr>"
        "<tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td>"
        "<td rowspan='2'>总计</td></tr><tr>"
        + "".join(f"<td>{e(t.APPLICANTS[a])}</td>" for a in t.APPLICANT_PARTS[1:])
        + "</tr>"
    )
    labels = _application_labels(report)
    spans: dict[str, int] = {}
    for _group, sub, label in labels:
        if label:
            spans[sub] = spans.get(sub, 0) + 1
    seen: set[str] = set()
    for (group, sub, label), (_key, cells) in zip(labels, report.applications.items(), strict=True):
        values = "".join(f"<td>{_fmt(cells[a]) or '&nbsp;'}</td>" for a in t.APPLICANTS)
        if not sub:
            parts.append(f"<tr><td colspan='3'>{e(group)}</td>{values}</tr>")
        elif not label:
            parts.append(f"<tr><td>{e(group)}</td><td colspan='2'>{e(sub)}</td>{values}</tr>")
        elif sub in seen:
            parts.append(f"<tr><td>{e(group)}</td><td>{e(label)}</td>{values}</tr>")
        else:
            seen.add(sub)
            parts.append(
                f"<tr><td>{e(group)}</td><td rowspan='{spans[sub]}'>{e(sub)}</td>"
                f"<td>{e(label)}</td>{values}</tr>"
            )
    parts.append("</table>")
    parts.append(f"<p>{e(t.SECTIONS['reviews_litigation'])}</p><table border='1'>")
    parts.append(
        "<tr><td colspan='5'>行政复议</td><td colspan='10'>行政诉讼</td></tr>"
        "<tr>"
        + "".join(f"<td rowspan='2'>{o}</td>" for o in t.OUTCOMES.values())
        + "<td colspan='5'>未经复议直接起诉</td><td colspan='5'>复议后起诉</td></tr>"
        "<tr>" + "".join(f"<td>{o}</td>" for o in t.OUTCOMES.values()) * 2 + "</tr>"
    )
    parts.append(
        "<tr>"
        + "".join(
            f"<td>{_fmt(report.reviews_litigation[p][o]) or '&nbsp;'}</td>"
            for p in t.PROCEEDINGS
            for o in t.OUTCOMES
        )
        + "</tr></table>"
    )
    parts.append(
        "<p>五、存在的主要问题及改进情况</p><p>无。</p><p>六、其他需要报告的事项</p><p>无。</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def synthetic_report(
    body: DemoBody, year: int, rng: random.Random, previous: Report | None
) -> Report:
    """A report whose arithmetic holds, continuing `previous` (carry-over, rules in force)."""
    proactive: dict[str, dict[str, int | float | None]] = {}
    for item in t.items_for("2021"):
        if item.key in ("regulations", "normative_documents"):
            before = previous.proactive[item.key]["in_force"] if previous else rng.randint(0, 30)
            issued, repealed = rng.randint(0, 5), rng.randint(0, 2)
            repealed = min(repealed, int(before or 0) + issued)
            proactive[item.key] = {
                "issued": issued,
                "repealed": repealed,
                "in_force": int(before or 0) + issued - repealed,
            }
        elif item.key == "administrative_fees":
            proactive[item.key] = {"amount_10k_yuan": round(rng.uniform(0, 500), 2)}
        else:
            proactive[item.key] = {"decisions": rng.choice([0, rng.randint(1, 5000)])}

    rows = t.application_rows("split")
    apps: dict[str, dict[str, int | None]] = {r.key: {} for r in rows}
    outcome_keys = [r.key for r in rows if r.is_outcome]
    for a in t.APPLICANT_PARTS:
        scale = 60 if a == "natural_person" else 4
        new = rng.randint(0, scale)
        carried = previous.applications["carried_forward"][a] if previous else rng.randint(0, 3)
        carried = int(carried or 0)
        forward = rng.randint(0, min(3, new + carried))
        handled = new + carried - forward
        split = _split(handled, len(outcome_keys), rng)
        apps["new_received"][a] = new
        apps["carried_over"][a] = carried
        for key, n in zip(outcome_keys, split, strict=True):
            apps[key][a] = n
        apps["total_handled"][a] = handled
        apps["carried_forward"][a] = forward
    for cells in apps.values():
        cells["total"] = sum(int(cells[a] or 0) for a in t.APPLICANT_PARTS)

    reviews: dict[str, dict[str, int | None]] = {}
    for p in t.PROCEEDINGS:
        cells = {o: rng.choice([0, 0, rng.randint(0, 4)]) for o in t.OUTCOME_PARTS}
        reviews[p] = {**cells, "total": sum(cells.values())}
    return Report(body.name, year, "2021", proactive, apps, reviews)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` spread over `parts` outcome rows, most of it on the first few (as in life)."""
    weights = [8, 2, 0, 0, 0, 0, 1, 1, 0, 1, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1][:parts]
    weights += [0] * (parts - len(weights))
    out = [0] * parts
    for _ in range(total):
        out[rng.choices(range(parts), weights=weights)[0]] += 1
    return out


def _break_arithmetic(report: Report) -> None:
    """The kind of slip real reports make: a row total typed wrong."""
    cells = report.applications["granted"]
    cells["total"] = int(cells["total"] or 0) + 1


NOT_A_REPORT = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于调整办公时间的通知</title></head>
<body><h1>永安市住房和城乡建设局关于调整办公时间的通知</h1>
<p>【演示用合成数据】因办公楼维修，本局自即日起在临时地点办公。这不是年度报告：登记表误填了链接。</p>
</body></html>
"""


def documents() -> dict[str, bytes]:
    """File name → bytes of every demo document (the seed is copied in, not generated)."""
    rng = random.Random(20240131)
    files: dict[str, bytes] = {}
    for body in BODIES:
        previous = None
        for year in body.years:
            name = f"{body.body_id}-{year}"
            if body.form in ("seed", "missing"):
                continue
            if body.form == "not-a-report":
                files[f"{name}.html"] = NOT_A_REPORT.encode()
                continue
            report = synthetic_report(body, year, rng, previous)
            previous = report
            if body.form == "html-error":
                _break_arithmetic(report)
            if body.form == "text":
                files[f"{name}.txt"] = to_text(report, preamble=SYNTHETIC_NOTE).encode()
            elif body.form == "html-gbk":
                page = to_html(report, preamble=SYNTHETIC_NOTE, charset=None)
                files[f"{name}.html"] = page.encode("gb18030")
            elif body.form == "no-section-3":
                text = to_text(report, preamble=SYNTHETIC_NOTE)
                head, _, rest = text.partition(t.SECTIONS["applications"])
                files[f"{name}.txt"] = (head + rest[rest.index("四、") :]).encode()
            else:
                files[f"{name}.html"] = to_html(report, preamble=SYNTHETIC_NOTE).encode()
    return files


def registry_csv(files: dict[str, bytes]) -> bytes:
    """One row per body and year; the registry's columns the demo fills, in the schema's order."""
    rows = []
    for body in BODIES:
        for year in body.years:
            stem = f"{body.body_id}-{year}"
            if body.form == "seed":
                source = f"documents/{SEED_FILE}"
            else:
                found = [f for f in files if f.startswith(stem + ".")]
                source = f"documents/{found[0]}" if found else f"documents/{stem}.pdf"
            rows.append(
                {
                    "body_id": body.body_id,
                    "name": body.name,
                    "region_name": REGION[0],
                    "region_code": REGION[1],
                    "level": body.level,
                    "parent_id": "" if body.body_id == CITY else CITY,
                    "year": year,
                    "source": source,
                    "synthetic": str(body.synthetic).lower(),
                }
            )
    columns = [f for f in schemas.field_names("registry") if f in rows[0]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write(target: Path, seed_text: bytes) -> list[Path]:
    """Write the demo corpus under `target`; returns the files written."""
    files = documents()
    written = []
    docs = target / "documents"
    docs.mkdir(parents=True, exist_ok=True)
    for name, data in {**files, SEED_FILE: seed_text}.items():
        (docs / name).write_bytes(data)
        written.append(docs / name)
    (target / "registry.csv").write_bytes(registry_csv(files))
    written.append(target / "registry.csv")
    return written

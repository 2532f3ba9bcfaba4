"""The catalog: a static site inside each release (plain HTML, relative links, no script).

`index.html` lists the tables with download links (size, sha256), the releases so far, the
findings and, where the release has one, the coverage table; `tables/<name>.html` is each
table's data dictionary from its Table Schema (Chinese first); `changelog.html` is the diff
against the previous release. Every text that comes from data goes through `esc`.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import schemas
import warehouse
from pipelines.registry import regions
from publish import subsets
from publish.changelog import (
    ERRATA_TITLE,
    SOURCE_CHANGED_TITLE,
    errata_items,
    source_changed_items,
)
from publish.docs import constraints_text
from publish.export import whole_tables
from warehouse.ddl import parquet, quote

COVERAGE = "coverage"
STYLE = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:2rem auto;max-width:72rem;
padding:0 1rem;color:#222;line-height:1.5}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}td.n{text-align:right}
code,.hash{font-family:monospace;font-size:.85em}.hash{word-break:break-all}
nav a{margin-right:1rem}.error{color:#a00}.warning{color:#a60}
td.flag-error{background:#fde2e2}td.flag-warning{background:#fff1d6}td.flag-info{background:#e8f0fe}
"""

# The pages' icon, inline: a browser otherwise asks every directory for favicon.ico (a 404 each).
ICON = (
    '<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 '
    "viewBox=%270 0 16 16%27%3E%3Crect width=%2716%27 height=%2716%27 rx=%273%27 "
    'fill=%27%231565c0%27/%3E%3C/svg%3E">'
)


def esc(value: Any) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def page(title: str, body: str, root: str, meta: str = "") -> str:
    """A whole page; `root` is the relative path to the release directory ("" or "../");
    `meta`: more of the head (a body page's digest of its inputs, see publish/bodies.py)."""
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">{meta}'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title>{ICON}<style>{STYLE}</style></head><body>\n"
        f'<nav><a href="{root}index.html">本版目录 catalog</a>'
        f'<a href="{root}changelog.html">更新日志 changelog</a>'
        f'<a href="{root}bodies/index.html">各机关 bodies</a>'
        f'<a href="{root}widget/index.html">图表组件 widget</a>'
        f'<a href="{root}../index.html">所有版本 all releases</a></nav>\n'
        f"<h1>{esc(title)}</h1>\n{body}\n</body></html>\n"
    )


def table_html(header: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{esc(v)}</td>' if i in numeric else f"<td>{esc(v)}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def size(n: int) -> str:
    return f"{n:,} 字节" if n < 1024 else f"{n / 1024:,.1f} KB（{n:,} 字节）"


# ---- reading the release ------------------------------------------------------------------


def release_views(con: Any, release: Path, package: dict[str, Any]) -> list[str]:
    """A view of each table of the release over its own Parquet file; the tables' names."""
    tables = [r["name"] for r in whole_tables(package["resources"])]
    for t in tables:
        source = parquet(release / "data" / f"{t}.parquet")
        con.execute(f"CREATE VIEW {quote(t)} AS SELECT * FROM {source}")
    return tables


def facts(release: Path, package: dict[str, Any]) -> dict[str, Any]:
    """What the pages show from the release's own Parquet files."""
    con = warehouse.connect()
    try:
        tables = release_views(con, release, package)
        counts = {t: con.execute(f"SELECT count(*) FROM {quote(t)}").fetchone()[0] for t in tables}
        reports = con.execute(warehouse.sql("catalog_reports")).fetchall()
        findings = con.execute(warehouse.sql("catalog_findings")).fetchall()
        coverage = None
        if COVERAGE in tables:
            cursor = con.execute(f"SELECT * FROM {quote(COVERAGE)} LIMIT 1000")
            coverage = ([d[0] for d in cursor.description], cursor.fetchall())
    finally:
        con.close()
    return {"counts": counts, "reports": reports, "findings": findings, "coverage": coverage}


# ---- pages --------------------------------------------------------------------------------


def _download(resource: dict[str, Any], root: str) -> str:
    return (
        f'<a href="{root}{esc(resource["path"])}">{esc(resource["format"].upper())}</a> '
        f"{esc(size(resource['bytes']))}<br>"
        f'<span class="hash">{esc(resource["hash"])}</span>'
    )


def index_page(
    package: dict[str, Any], changes: dict[str, Any], history: list[dict[str, Any]], f: dict
) -> str:
    by_name = {r["name"]: r for r in package["resources"]}
    tables = whole_tables(package["resources"])
    rows = "".join(
        "<tr>"
        f'<td><a href="tables/{esc(r["name"])}.html"><code>{esc(r["name"])}</code></a></td>'
        f"<td>{esc(r['title'])}</td><td class='n'>{f['counts'][r['name']]:,}</td>"
        f"<td>{_download(r, '')}</td><td>{_download(by_name[r['name'] + '-parquet'], '')}</td>"
        "</tr>"
        for r in tables
    )
    parts = [
        f"<p>{esc(package['description'])}</p>",
        f"<p>版本 version <b>{esc(package['version'])}</b> · 发布时间 created "
        f"{esc(package['created'])} · 许可 license "
        + "、".join(esc(lic["title"]) for lic in package.get("licenses", []))
        + "</p>",
        "<h2>数据表 · Tables</h2>",
        "<p>CSV 为带 BOM 的 UTF-8（Excel 可直接打开）；文本列中以 = + - @、制表符或回车开头的值前加了一个撇号"
        "（'），防止电子表格把它当公式执行，Parquet 中保持原值。"
        "CSV is UTF-8 with BOM; text values a spreadsheet would run as a formula carry a leading "
        "apostrophe (CSV only).</p>",
        "<table><thead><tr><th>表 table</th><th>名称 title</th><th>行数 rows</th>"
        f"<th>CSV</th><th>Parquet</th></tr></thead><tbody>{rows}</tbody></table>",
        "<p>其他文件 other files: "
        + " · ".join(
            f'<a href="{n}">{n}</a>'
            for n in (
                "datapackage.json",
                "README.md",
                "inputs.json",
                "changes.json",
                "CHANGELOG.md",
            )
        )
        + "</p>",
        _subset_downloads(package["resources"]),
        "<h2>版本 · Releases</h2>",
        _history(history, package["version"]),
        "<h2>本版变化 · Changes</h2>",
        _change_counts(changes),
        '<p><a href="changelog.html">详细变化 details</a></p>',
        "<h2>问题与读取状态 · Findings</h2>",
        _findings(f),
        _provinces(f),
    ]
    if f["coverage"] is not None:
        header, values = f["coverage"]
        parts += [
            "<h2>覆盖情况 · Coverage</h2>",
            f'<p><a href="tables/{COVERAGE}.html">字段说明 data dictionary</a></p>',
            table_html(header, [list(v) for v in values]),
        ]
    return page(f"{package['title']} {package['version']}", "\n".join(parts), "")


def _subset_downloads(resources: list[dict[str, Any]]) -> str:
    """The per-year and per-province CSV files (publish/subsets.py), each with its rows, size
    and sha256; one past a sheet's rows is marked."""
    rows = "".join(
        f"<tr><td><code>{esc(r['subset']['table'])}</code></td>"
        f"<td>{esc(subsets.DIMENSIONS[r['subset']['dimension']])}</td>"
        f"<td>{esc(_subset_value(r['subset']))}</td><td class='n'>{r['subset']['rows']:,}"
        + (
            "（超过 Excel 行数 over Excel's rows）"
            if r["subset"]["rows"] >= subsets.EXCEL_ROWS
            else ""
        )
        + f"</td><td>{_download(r, '')}</td></tr>"
        for r in resources
        if "subset" in r
    )
    return (
        "<h2>按年度、按省份下载 · Downloads by year and by province</h2>"
        "<p>与整表相同的列和排序，每个文件一个年度或一个省份，便于用 Excel 打开"
        f"（一张工作表最多 {subsets.EXCEL_ROWS:,} 行）。Same columns and order as the whole tables, "
        "one year or one province per file, sized for a spreadsheet.</p>"
        "<table><thead><tr><th>表 table</th><th>划分 by</th><th>年度或省份 year or province</th>"
        f"<th>行数 rows</th><th>CSV</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _subset_value(subset: dict[str, Any]) -> str:
    """2023, or 福建省 350000."""
    value = subset["value"]
    return f"{_place(value)} {value}" if subset["dimension"] == "region" else value


def _history(history: list[dict[str, Any]], current: str) -> str:
    rows = [
        [
            h["version"] + ("（本版 this release）" if h["version"] == current else ""),
            h["created"],
            h.get("bump") or "",
        ]
        for h in reversed(history)
    ]
    links = "".join(
        f'<li><a href="../{esc(h["version"])}/index.html">{esc(h["version"])}</a></li>'
        for h in reversed(history)
        if h["version"] != current
    )
    return table_html(["版本 version", "发布时间 created", "升级 bump"], rows) + (
        f"<ul>{links}</ul>" if links else ""
    )


def _change_counts(changes: dict[str, Any]) -> str:
    intro = (
        "<p>首次发布。First release.</p>"
        if changes["previous"] is None
        else f"<p>相对 {esc(changes['previous'])}，升级 bump：{esc(changes['bump'])}；"
        f"表结构{'有变化' if changes['schema']['changed'] else '未变'}。</p>"
    )
    rows = [[t, c["added"], c["removed"], c["changed"]] for t, c in changes["tables"].items()]
    return intro + table_html(
        ["表 table", "新增 added", "删除 removed", "修改 changed"], rows, {1, 2, 3}
    )


def _findings(f: dict[str, Any]) -> str:
    return table_html(
        ["规则 rule", "严重程度 severity", "问题数 findings", "涉及报告 reports"],
        [[r, schemas.label("findings", "severity", s), n, m] for r, s, n, m in f["findings"]],
        {2, 3},
    )


def province(region_code: str | None) -> str:
    """The province (first level of GB/T 2260) of a division code: 350481 → 350000."""
    return f"{region_code[:2]}0000" if region_code else "000000"


def _provinces(f: dict[str, Any]) -> str:
    """Reports counted per province, each linking to its page (a national release would make
    one page of every report tens of megabytes)."""
    counts: dict[str, dict[str, int]] = {}
    for row in f["reports"]:
        c = counts.setdefault(province(row[8]), {"n": 0, "parsed": 0, "errors": 0})
        c["n"] += 1
        c["parsed"] += row[3] == "parsed"
        c["errors"] += row[4] > 0
    rows = "".join(
        f'<tr><td><a href="reports/{code}.html">{esc(_place(code))}</a></td><td>{code}</td>'
        f"<td class='n'>{c['n']:,}</td><td class='n'>{c['parsed']:,}</td>"
        f"<td class='n'>{c['errors']:,}</td></tr>"
        for code, c in sorted(counts.items())
    )
    return (
        "<p>每个省的每份报告及其读取状态见各省页面。Every report, by province:</p>"
        "<table><thead><tr><th>省 province</th><th>代码 code</th><th>报告 reports</th>"
        "<th>已读取 parsed</th><th>有错误 with errors</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _place(code: str) -> str:
    division = regions.divisions().get(code)
    return division.name if division else code


def province_page(code: str, reports: list[tuple[Any, ...]]) -> str:
    rows = [
        [
            name,
            body,
            year,
            schemas.label("reports", "status", st),
            err,
            warn,
            reason,
            "是" if syn else "",
        ]
        for body, name, year, st, err, warn, reason, syn, _region in reports
    ]
    body = table_html(
        [
            "机关 body",
            "编号 id",
            "年度 year",
            "状态 status",
            "错误",
            "警告",
            "说明 reason",
            "合成 synthetic",
        ],
        rows,
        {2, 4, 5},
    )
    return page(f"{_place(code)} · 报告与读取状态 · Reports", body, "../")


def table_page(resource: dict[str, Any], parquet: dict[str, Any], rows: int) -> str:
    schema = resource["schema"]
    key = schema.get("primaryKey", [])
    fields = table_html(
        ["字段 field", "名称 title", "类型 type", "约束 constraints", "说明 description"],
        [
            [f["name"], f.get("title", ""), f["type"], constraints_text(f), f.get("description")]
            for f in schema["fields"]
        ],
    )
    foreign = "".join(
        f"<li>{esc(', '.join(fk['fields']))} → {esc(fk['reference']['resource'] or resource['name'])}"
        f"({esc(', '.join(fk['reference']['fields']))})</li>"
        for fk in schema.get("foreignKeys", [])
    )
    body = (
        f"<p>{esc(resource['description'])}</p>"
        f"<p>行数 rows: {rows:,} · 主键 primary key: <code>{esc(', '.join(key))}</code></p>"
        + (f"<p>外键 foreign keys:</p><ul>{foreign}</ul>" if foreign else "")
        + f"<p>下载 download: {_download(resource, '../')}</p>"
        f"<p>{_download(parquet, '../')}</p>"
        "<h2>数据字典 · Data dictionary</h2>" + fields
    )
    return page(f"{resource['name']} — {resource['title']}", body, "../")


def changelog_page(changes: dict[str, Any], names: dict[str, str]) -> str:
    parts = [_change_counts(changes)]
    if changes["body_years"]:
        rows = [
            [
                names.get(by["body_id"], ""),
                by["body_id"],
                "" if by["year"] is None else by["year"],
                *(
                    "、".join(f"{t} {n}" for t, n in by[kind].items())
                    for kind in ("added", "removed", "changed")
                ),
            ]
            for by in changes["body_years"]
        ]
        parts += [
            "<h2>机关和年度 · Body-years</h2>",
            table_html(["机关 body", "编号 id", "年度 year", "新增", "删除", "修改"], rows),
        ]
    # what a reader of the data must know first: the values the data office corrected, and the
    # reports a body published again, whose cells changed with them
    parts += _item_list("errata", ERRATA_TITLE, errata_items(changes, names, esc))
    moved = source_changed_items(changes.get("source_changed", []), names, esc)
    parts += _item_list("source-changed", SOURCE_CHANGED_TITLE, moved)
    values = [
        [t, " / ".join(map(str, row["key"].values())), c, row["old"][c], row["new"][c]]
        for t, d in changes["tables"].items()
        for row in d["rows"]
        if row["change"] == "changed"
        for c in row["new"]
    ]
    if values:
        parts += [
            f"<h2>修改的值 · Changed values（{len(values)}）</h2>",
            table_html(["表 table", "键 key", "字段 field", "旧值 old", "新值 new"], values[:1000]),
        ]
    parts.append(
        '<p>机器可读的完整差异 machine-readable diff: <a href="changes.json">changes.json</a> · '
        '<a href="CHANGELOG.md">CHANGELOG.md</a> · 历次更新 all releases: '
        '<a href="../CHANGELOG.md">../CHANGELOG.md</a></p>'
    )
    return page(f"更新日志 · Changelog {changes['version']}", "\n".join(parts), "")


def _item_list(anchor: str, title: str, items: list[str]) -> list[str]:
    """A titled list of HTML items (already escaped); nothing when there are none."""
    if not items:
        return []
    listed = "".join(f"<li>{item}</li>" for item in items)
    return [f'<h2 id="{anchor}">{esc(title)}</h2>', f"<ul>{listed}</ul>"]


def releases_index(history: list[dict[str, Any]], title: str) -> str:
    """The releases directory's own index.html (rewritten at every release)."""
    rows = "".join(
        f'<tr><td><a href="{esc(h["version"])}/index.html">{esc(h["version"])}</a></td>'
        f"<td>{esc(h['created'])}</td><td>{esc(h.get('bump') or '')}</td></tr>"
        for h in reversed(history)
    )
    body = (
        '<p>最新版 <a href="latest/index.html">latest</a> · 更新日志 '
        '<a href="CHANGELOG.md">CHANGELOG.md</a></p>'
        "<table><thead><tr><th>版本 version</th><th>发布时间 created</th><th>升级 bump</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title>{ICON}<style>{STYLE}</style></head><body>"
        f"<h1>{esc(title)} · 所有版本 releases</h1>{body}</body></html>\n"
    )


def write_site(
    release: Path,
    package: dict[str, Any],
    changes: dict[str, Any],
    history: list[dict[str, Any]],
    names: dict[str, str],
) -> None:
    """The catalog pages of one release, written into its directory; `names` of the bodies."""
    f = facts(release, package)
    by_name = {r["name"]: r for r in package["resources"]}
    (release / "tables").mkdir(exist_ok=True)
    (release / "index.html").write_text(index_page(package, changes, history, f), encoding="utf-8")
    (release / "changelog.html").write_text(changelog_page(changes, names), encoding="utf-8")
    for name, count in f["counts"].items():
        text = table_page(by_name[name], by_name[f"{name}-parquet"], count)
        (release / "tables" / f"{name}.html").write_text(text, encoding="utf-8")
    (release / "reports").mkdir(exist_ok=True)
    by_province: dict[str, list[tuple[Any, ...]]] = {}
    for row in f["reports"]:
        by_province.setdefault(province(row[8]), []).append(row)
    for code, reports in by_province.items():
        (release / "reports" / f"{code}.html").write_text(
            province_page(code, reports), encoding="utf-8"
        )

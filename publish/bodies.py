"""The catalog's page per body (`body/<body_id>.html`) and its index by region and level
(`bodies/index.html`, one page per province `bodies/<code>.html`).

A body's page: its name, level and region; each year's report (status, source, sha256), the
three tables as the template prints them with the cells a finding names flagged, its findings,
the similarity of sections 一 and 五 to its previous report, its metrics over the years and
where it stands among the bodies of the same level in the same division (percentiles, from the
warehouse model `peer_percentiles` applied to the release's own files, only where at least 5
bodies compare). The rows are streamed body by body (every query in body order), so a
national release is never held in memory whole. Every text from the data goes through `esc`.
"""

from __future__ import annotations

import functools
import hashlib
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any

import duckdb

import schemas
import warehouse
from pipelines import workers
from pipelines.files import files_sha256
from publish.catalog import _place as place
from publish.catalog import esc, page, province, release_views, table_html
from warehouse.ddl import literal, parquet, quote

STREAMS = ("reports", "cells", "findings", "metrics", "similarity", "percentiles")
# The three tables: (section, its row field, its column field), as the template prints them.
SECTIONS = (
    ("proactive", "item", "measure"),
    ("applications", "row", "applicant"),
    ("reviews_litigation", "proceeding", "outcome"),
)
SECTIONS_FIELDS = {section: (r, c) for section, r, c in SECTIONS}
PEERS_NEEDED = 5  # as the model peer_percentiles: fewer bodies give no percentile
NONE = "—"
SEVERITIES = schemas.field("findings", "severity")["constraints"]["enum"]  # gravest first


@dataclass
class Body:
    """What one body's page shows, gathered from the streams."""

    info: tuple[Any, ...]  # a row of body_index.sql
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)


# ---- reading the release, body by body ------------------------------------------------------


def _batches(cursor: duckdb.DuckDBPyConnection) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(10_000):
        yield from batch


class _Stream:
    """A query's rows grouped by body (its first column), taken in body order."""

    def __init__(self, con: duckdb.DuckDBPyConnection, query: str) -> None:
        self.cursor = con.cursor()  # its own result: the streams are read side by side
        self.cursor.execute(query)
        self.groups = groupby(_batches(self.cursor), key=lambda r: r[0])
        self.head = next(self.groups, None)

    def take(self, body_id: str) -> list[tuple[Any, ...]]:
        while self.head is not None and self.head[0] < body_id:
            self.head = next(self.groups, None)  # a body not in `bodies`: skipped
        if self.head is None or self.head[0] != body_id:
            return []
        rows = list(self.head[1])
        self.head = next(self.groups, None)
        return rows


def bodies(con: duckdb.DuckDBPyConnection) -> Iterator[Body]:
    """Every body of the release with its rows, in body order."""
    streams = {name: _Stream(con, warehouse.sql(f"body_{name}")) for name in STREAMS}
    cursor = con.cursor()
    cursor.execute(warehouse.sql("body_index"))
    for info in _batches(cursor):
        yield Body(info, {name: s.take(info[0]) for name, s in streams.items()})


def metric_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [d[0] for d in con.execute(warehouse.sql("body_metrics")).description]


# ---- formatting -----------------------------------------------------------------------------


def number(value: Any) -> str:
    """A value as the page shows it: a whole number as printed (1234), a fraction as stored
    (183.59), nothing as —. The cells of section 二 are stored as numbers: 5.0 shows as 5."""
    if value is None:
        return NONE
    if isinstance(value, float) and not value.is_integer():
        return repr(value)
    return str(int(value))


def rate(value: Any) -> str:
    """A metric of type number (a rate, a ratio): always 4 decimals, as 0.0000 or 0.5263."""
    return NONE if value is None else f"{value:.4f}"


def metric_value(metric: str, value: Any) -> str:
    """A metric as the page shows it; the quality columns (trusted, flags) as words."""
    kind = schemas.field("metrics", metric)["type"]
    if kind == "boolean":
        return NONE if value is None else ("是 yes" if value else "否 no")
    if kind == "string":
        return NONE if value is None else str(value)
    return rate(value) if kind == "number" else number(value)


def _flags(findings: list[tuple[Any, ...]]) -> dict[str, list[tuple[int, str]]]:
    """Each path a finding names (a cell, a row or a whole section) → (finding_no, severity)."""
    out: dict[str, list[tuple[int, str]]] = {}
    for _body, _year, no, _rule, severity, _message, cells in findings:
        for path in (cells or "").split(";"):
            if path:
                out.setdefault(path, []).append((no, severity))
    return out


def _named(section: str, row: str, col: str, flags: dict) -> list[tuple[int, str]]:
    """The findings that name this cell, its row or its whole section."""
    return [
        *flags.get(f"{section}.{row}.{col}", ()),
        *flags.get(f"{section}.{row}", ()),
        *flags.get(section, ()),
    ]


def _cell(year: int, cell: tuple[str, str, str], value: Any, printed: Any, flags: dict) -> str:
    # `shown` is a number we formatted (digits, ".", "-", "e"): nothing in it to escape
    shown = "" if value is None else number(value)
    title = f' title="原文 printed: {esc(printed)}"' if printed not in (None, shown) else ""
    named = sorted(set(_named(*cell, flags))) if flags else []
    if not named:
        return f'<td class="n"{title}>{shown}</td>'
    worst = min((s for _, s in named), key=SEVERITIES.index)
    marks = ",".join(f'<a href="#f{year}-{no}">{no}</a>' for no, _ in named)
    return f'<td class="n flag-{esc(worst)}"{title}>{shown} <sup>⚑{marks}</sup></td>'


# ---- the body's page ------------------------------------------------------------------------


def body_page(body: Body, metrics: list[str], digest: str = "") -> str:
    body_id, name, region_code, region_name, level, synthetic, years, _read, _err = body.info
    head = (
        f"<p>机关编号 id <code>{esc(body_id)}</code> · 层级 level "
        f"{esc(schemas.label('bodies', 'level', level))} · 行政区划 region "
        f"{esc(region_name)}（{esc(region_code)}） · 年度 years {esc(years or NONE)}</p>"
        + ("<p class='warning'>演示用合成数据 · synthetic demo data</p>" if synthetic else "")
        + f'<p><a href="../bodies/{province(region_code)}.html">同地区的机关 bodies of this '
        "province</a></p>"
    )
    parts = [
        head,
        _part("reports", "报告 · Reports", _reports(body.rows["reports"])),
        _part(
            "similarity",
            "与上一份报告文字的相似度 · Similarity to the previous report",
            _similarity(body.rows["similarity"]),
        ),
        _part("metrics", "指标 · Metrics over the years", _metrics(body.rows["metrics"], metrics)),
        _part(
            "peers",
            "同级同地区比较 · Among bodies of the same level in the same region",
            _percentiles(body.rows["percentiles"], region_name, level),
        ),
    ]
    cells = {y: list(c) for y, c in groupby(body.rows["cells"], key=lambda r: r[1])}
    findings = {y: list(f) for y, f in groupby(body.rows["findings"], key=lambda r: r[1])}
    for year in sorted(set(cells) | set(findings), reverse=True):
        parts.append(f"<h2>{year} 年度 · Year {year}</h2>")
        parts.append(_tables(year, cells.get(year, []), _flags(findings.get(year, []))))
        parts.append(f'<section id="f{year}">{_findings(year, findings.get(year, []))}</section>')
    meta = f'<meta name="xxgk-inputs" content="{digest}">' if digest else ""
    return page(f"{name} · {body_id}", "\n".join(parts), "../", meta)


def _part(part_id: str, title: str, content: str) -> str:
    return f'<section id="{part_id}"><h2>{title}</h2>{content}</section>'


def _reports(reports: list[tuple[Any, ...]]) -> str:
    return (
        "<p>归档副本按 sha256 校验值保存；来源为网址时可点击。The archived copy is kept by its "
        "sha256.</p><table><thead><tr><th>年度 year</th><th>状态 status</th><th>说明 reason</th>"
        "<th>模板 template</th><th>发布日期 published</th><th>来源 source</th><th>格式 format</th>"
        "<th>归档副本 sha256</th><th>字节 bytes</th><th>错误 errors</th><th>警告 warnings</th>"
        f"<th>合成 synthetic</th></tr></thead><tbody>{''.join(map(_report_row, reports))}</tbody>"
        "</table>"
    )


def _report_row(r: tuple[Any, ...]) -> str:
    _b, year, status, reason, template, _agency, published, source, fmt, sha, size = r[:11]
    errors, warnings, synthetic = r[11:]
    return (
        f"<tr><td>{year}</td><td>{esc(schemas.label('reports', 'status', status))}</td>"
        f"<td>{esc(reason)}</td><td>{esc(template)}</td><td>{esc(published)}</td>"
        f"<td>{_source(source)}</td><td>{esc(fmt)}</td><td class='hash'>{esc(sha)}</td>"
        f"<td class='n'>{esc(size)}</td><td class='n'>{errors}</td><td class='n'>{warnings}</td>"
        f"<td>{'是' if synthetic else ''}</td></tr>"
    )


def _source(source: Any) -> str:
    text = esc(source)
    if isinstance(source, str) and source.startswith(("https://", "http://")):
        return f'<a href="{text}" rel="nofollow noopener noreferrer">{text}</a>'
    return text


def _similarity(rows: list[tuple[Any, ...]]) -> str:
    if not rows:
        return "<p>没有可比较的上一份报告。No previous report to compare with.</p>"
    body = "".join(
        f"<tr><td>{year}</td><td>{esc(schemas.label('text_similarity', 'section', section))}</td>"
        f"<td>{previous}</td><td class='n'>{rate(similarity)}</td><td>"
        + ("<b class='error'>疑似照搬上一份报告 near-copy</b>" if copy else "否 no")
        + "</td></tr>"
        for _b, year, section, previous, similarity, copy in rows
    )
    return (
        "<p>相似度：去掉空白、标点、符号和数字后，两段文字的5字片段集合的 Jaccard 指数（交集÷并集），"
        "不低于0.7标为疑似照搬。Jaccard index of 5-character shingles; 0.7 or more: near-copy.</p>"
        "<table><thead><tr><th>年度 year</th><th>部分 section</th><th>上一份 previous</th>"
        f"<th>相似度 similarity</th><th>疑似照搬 near-copy</th></tr></thead><tbody>{body}</tbody>"
        "</table>"
    )


def _metrics(rows: list[tuple[Any, ...]], columns: list[str]) -> str:
    if not rows:
        return "<p>没有已读取的报告。No report read.</p>"
    fields = [c for c in columns if c not in ("body_id", "year")]
    header = ["指标 metric", *(str(r[1]) for r in rows)]
    table = [
        [f"{schemas.field('metrics', c)['title']} {c}", *(metric_value(c, r[i]) for r in rows)]
        for i, c in enumerate(columns)
        if c in fields
    ]
    return (
        f"<p>{NONE} 表示无数据（该表缺失，或分母为0）。{NONE}: no value (section missing, or a "
        'denominator of 0). <a href="../tables/metrics.html">公式 formulas</a></p>'
        + table_html(header, table, set(range(1, len(header))))
    )


def _percentiles(rows: list[tuple[Any, ...]], region: str, level: str) -> str:
    if not rows:
        return "<p>没有可比较的指标。No metric to compare.</p>"
    order = schemas.field_names("metrics")
    rows = sorted(rows, key=lambda r: (-r[1], order.index(r[2])))
    table = [
        [
            year,
            f"{schemas.field('metrics', metric)['title']} {metric}",
            metric_value(metric, value),
            peers,
            f"{percentile:.1f}（第 {rank} 低 rank {rank} of {peers}）"
            if percentile is not None
            else f"可比机关不足{PEERS_NEEDED}个，不计算 fewer than {PEERS_NEEDED} bodies compare",
        ]
        for _b, year, metric, value, peers, rank, percentile in rows
    ]
    return (
        f"<p>与同一行政区划（{esc(region)}）同一层级（{esc(schemas.label('bodies', 'level', level))}）"
        f"同一年度、该指标有值的机关比较（含本机关）。百分位 = 其他机关中数值低于本机关的比例×100"
        f"（0 最低，100 最高）；不足{PEERS_NEEDED}个机关时不计算。Percentile: 100 × share of the "
        f"other peers with a lower value; shown where at least {PEERS_NEEDED} bodies compare.</p>"
        + table_html(
            ["年度 year", "指标 metric", "数值 value", "可比机关 peers", "百分位 percentile"],
            table,
            {2, 3},
        )
    )


def _tables(year: int, cells: list[tuple[Any, ...]], flags: dict) -> str:
    out = []
    for section, _row_field, _col_field in SECTIONS:
        found = {(r[3], r[4]): (r[5], r[6]) for r in cells if r[2] == section}
        grid = _grid(year, section, found, flags) if found else "<p>无数据 no cells.</p>"
        title = esc(schemas.load(section)["title"])
        out.append(f'<section id="t{year}-{section}"><h3>{title}</h3>{grid}</section>')
    return "\n".join(out)


def _grid(year: int, section: str, found: dict, flags: dict) -> str:
    """The section's rows and columns in the template's order, those the report has."""
    row_labels = schemas.labels(section, SECTIONS_FIELDS[section][0])
    col_labels = schemas.labels(section, SECTIONS_FIELDS[section][1])
    present_rows, present_cols = {r for r, _ in found}, {c for _, c in found}
    rows = [k for k in row_labels if k in present_rows]
    cols = [k for k in col_labels if k in present_cols]
    head = "".join(f"<th>{esc(col_labels[c])}<br><code>{esc(c)}</code></th>" for c in cols)
    body = "".join(
        f"<tr><th>{esc(row_labels[r])}<br><code>{esc(r)}</code></th>"
        + "".join(
            _cell(year, (section, r, c), *found[(r, c)], flags) if (r, c) in found else "<td></td>"
            for c in cols
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>"


def _findings(year: int, findings: list[tuple[Any, ...]]) -> str:
    if not findings:
        return "<p>本年度没有问题记录。No findings.</p>"
    rows = "".join(
        f'<tr id="f{year}-{no}"><td class="n">{no}</td><td><code>{esc(rule)}</code></td>'
        f"<td class='{esc(severity)}'>{esc(schemas.label('findings', 'severity', severity))}</td>"
        f"<td>{esc(message)}</td><td><code>{esc(cells)}</code></td></tr>"
        for _b, _y, no, rule, severity, message, cells in findings
    )
    return (
        "<h3>问题 · Findings</h3><table><thead><tr><th>序号 no</th><th>规则 rule</th>"
        "<th>严重程度 severity</th><th>说明 message</th><th>涉及单元格 cells</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


# ---- the index by region and level ---------------------------------------------------------


def province_index(code: str, infos: list[tuple[Any, ...]]) -> str:
    """A province's bodies, by division and level."""
    levels = list(schemas.labels("bodies", "level"))
    infos = sorted(infos, key=lambda i: (i[2], levels.index(i[4]) if i[4] in levels else 99, i[0]))
    parts = []
    for (region_code, region_name), in_region in groupby(infos, key=lambda i: (i[2], i[3])):
        parts.append(f"<h2>{esc(region_name)}（{esc(region_code)}）</h2>")
        for level, at_level in groupby(in_region, key=lambda i: i[4]):
            parts.append(f"<h3>{esc(schemas.label('bodies', 'level', level))}</h3>")
            rows = "".join(_index_row(i) for i in at_level)
            parts.append(
                "<table><thead><tr><th>机关 body</th><th>编号 id</th><th>年度 years</th>"
                "<th>已读取 read</th><th>错误 errors</th><th>合成 synthetic</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>"
            )
    return page(f"{place(code)} · 各机关 · Bodies", "\n".join(parts), "../")


def _index_row(info: tuple[Any, ...]) -> str:
    body_id, name, _rc, _rn, _level, synthetic, years, read, errors = info
    return (
        f'<tr><td><a href="../body/{esc(body_id)}.html">{esc(name)}</a></td>'
        f"<td><code>{esc(body_id)}</code></td><td>{esc(years or NONE)}</td>"
        f"<td class='n'>{read}</td><td class='n'>{errors}</td><td>{'是' if synthetic else ''}</td></tr>"
    )


def bodies_index(counts: dict[str, int]) -> str:
    rows = [[place(code), code, n] for code, n in sorted(counts.items())]
    links = "".join(
        f'<tr><td><a href="{code}.html">{esc(name)}</a></td><td>{code}</td>'
        f"<td class='n'>{n:,}</td></tr>"
        for name, code, n in rows
    )
    return page(
        "各机关 · Bodies by region and level",
        "<p>每个机关一页：各年报告、三张统计表（标出问题涉及的单元格）、问题、指标、同级同地区比较、"
        "与上一份报告的文字相似度。按省、行政区划和层级列出。One page per body, listed by "
        "province, division and level.</p><table><thead><tr><th>省 province</th><th>代码 code"
        f"</th><th>机关 bodies</th></tr></thead><tbody>{links}</tbody></table>",
        "../",
    )


# ---- writing --------------------------------------------------------------------------------


def write_pages(
    release: Path,
    package: dict[str, Any],
    previous: Path | None = None,
    processes: int = 1,
) -> list[str]:
    """`body/<id>.html` for every body, `bodies/index.html` and `bodies/<province>.html`.

    A body's page is rendered only when what it shows changed: each page carries the digest of
    its inputs (its rows in every stream, the renderer's code), and a page whose digest is the
    same in the `previous` release is copied from there, so a release where one body changed
    renders one page. Bodies are taken PAGES_AT_ONCE at a time, in body order (the release's
    files are sorted by body: each run of bodies reads only its part of them), so memory stays
    bounded at any size; the runs to render are spread over `processes` (rendering is Python:
    ≈3 ms a page). Returns the pages copied (their paths in the release).
    """
    peers = release / PEERS
    try:
        ids, copied, metrics, infos = _digests(release, package, previous, peers)
        if len(ids) < SPREAD_FROM:  # starting worker processes costs more than it saves
            processes = 1
        size = max(1, min(PAGES_AT_ONCE, -(-len(ids) // (2 * processes))))
        jobs = [
            (release, package, dict(ids[k : k + size]), metrics) for k in range(0, len(ids), size)
        ]
        workers.spread(_render, jobs, processes)
    finally:
        peers.unlink(missing_ok=True)
    _write_indexes(release, infos)
    return copied


def _digests(
    release: Path, package: dict[str, Any], previous: Path | None, peers: Path
) -> tuple[list[tuple[str, str]], list[str], list[str], list[tuple[Any, ...]]]:
    """Every body's inputs hashed, its page copied from `previous` when they are the same:
    (the bodies to render with their digests, the pages copied, the metric columns, the
    bodies' index rows). The percentiles are written to `peers` for the pages to read."""
    con = warehouse.connect()
    try:
        tables = release_views(con, release, package)
        con.execute(warehouse.model("70_peer_percentiles"))
        # percentiles compare every body with its peers: computed once, before any narrowing
        con.execute(f"COPY (SELECT * FROM peer_percentiles) TO {literal(str(peers))}")
        sources = _sources(release, tables, peers)
        metrics = metric_columns(con)
        infos = con.execute(warehouse.sql("body_index")).fetchall()
        (release / "body").mkdir(exist_ok=True)
        (release / "bodies").mkdir(exist_ok=True)
        copied: list[str] = []
        todo: dict[str, str] = {}
        for start in range(0, len(infos), PAGES_AT_ONCE):
            run = infos[start : start + PAGES_AT_ONCE]
            copied += _reuse(con, sources, run, release, previous, todo)
    finally:
        con.close()
    return list(todo.items()), copied, metrics, infos


SPREAD_FROM = 500  # pages (≈3 ms each) worth spreading over worker processes (≈1 s to start)
PEERS = ".peers.parquet"  # every body's percentiles, while the pages are made


def _sources(release: Path, tables: list[str], peers: Path) -> dict[str, str]:
    """What each view the pages read is narrowed from: the release's files, the percentiles."""
    return {"peer_percentiles": parquet(peers)} | {
        t: parquet(release / "data" / f"{t}.parquet")
        for t in tables
        if "body_id" in schemas.field_names(t)
    }


def _reuse(
    con: duckdb.DuckDBPyConnection,
    sources: dict[str, str],
    run: list[tuple[Any, ...]],
    release: Path,
    previous: Path | None,
    todo: dict[str, str],
) -> list[str]:
    """One run of bodies: their inputs hashed, each page copied from `previous` when they are
    the same; the others put in `todo` (body → digest). Returns the pages copied."""
    _narrow(con, sources, [info[0] for info in run])
    digests = dict(con.execute(_digest_sql()).fetchall())
    copied = []
    for info in run:
        digest = _digest(info, digests.get(info[0]))
        if _reused(release, previous, info[0], digest):
            copied.append(f"body/{info[0]}.html")
        else:
            todo[info[0]] = digest
    return copied


def _render(job: tuple[Path, dict[str, Any], dict[str, str], list[str]]) -> None:
    """The pages of some bodies (body → digest), rendered from the release's own files."""
    release, package, todo, metrics = job
    con = warehouse.connect()
    try:
        tables = release_views(con, release, package)
        _narrow(con, _sources(release, tables, release / PEERS), list(todo))
        for body in bodies(con):
            page_html = body_page(body, metrics, todo[body.info[0]])
            (release / "body" / f"{body.info[0]}.html").write_text(page_html, encoding="utf-8")
    finally:
        con.close()


def _narrow(con: duckdb.DuckDBPyConnection, sources: dict[str, str], body_ids: list[str]) -> None:
    """Every view with bodies narrowed to these (sorted) bodies: their range first, which the
    Parquet reader skips row groups by, then exactly them."""
    con.execute("CREATE OR REPLACE TABLE todo AS SELECT unnest($1) AS body_id", [body_ids])
    span = f"body_id BETWEEN {literal(body_ids[0])} AND {literal(body_ids[-1])}"
    for name, source in sources.items():
        con.execute(
            f"CREATE OR REPLACE VIEW {quote(name)} AS SELECT * FROM {source} "
            f"WHERE {span} AND body_id IN (SELECT body_id FROM todo)"
        )


PAGES_AT_ONCE = 2_000  # bodies whose rows are read in one pass: memory bounded at any size
DIGEST = re.compile(rb'<meta name="xxgk-inputs" content="([0-9a-f]{64})">')


def _digest_sql() -> str:
    """Each body's rows in every stream as one number and a count: the xor of each row's hash
    (64 bits; no sort, no string of all its rows: a national release is hashed in one pass).
    No row comes twice (each stream's rows have their own key), so none cancels out; a hash that
    differs only renders a page again."""
    parts = [
        f"SELECT body_id, hash('{name}', q) AS h "
        f"FROM ({warehouse.sql(f'body_{name}').rstrip().rstrip(';')}) AS q"
        for name in STREAMS
    ]
    return (
        "SELECT body_id, CAST(bit_xor(h) AS VARCHAR) || '/' || count(*) FROM ("
        + " UNION ALL ".join(parts)
        + ") GROUP BY body_id"
    )


@functools.cache
def renderer() -> str:
    """The sha256 of what turns rows into a page: this module, the catalog's page frame, the
    queries and the schemas' labels. A change to any of them renders every page again."""
    root = Path(__file__).parent.parent
    files = [
        Path(__file__),
        root / "publish" / "catalog.py",
        root / "publish" / "escape.py",
        *sorted((root / "warehouse" / "queries").glob("body_*.sql")),
        root / "warehouse" / "models" / "70_peer_percentiles.sql",
        *sorted((root / "schemas").glob("*.json")),
    ]
    return files_sha256(files)


def _digest(info: tuple[Any, ...], rows: str | None) -> str:
    return hashlib.sha256(f"{renderer()}\n{info!r}\n{rows}".encode()).hexdigest()


def _reused(release: Path, previous: Path | None, body_id: str, digest: str) -> bool:
    """The previous release's page copied into `release` when it was made from the same inputs."""
    if previous is None:
        return False
    old = previous / "body" / f"{body_id}.html"
    try:
        with old.open("rb") as f:
            found = DIGEST.search(f.read(4096))
    except OSError:
        return False
    if found is None or found.group(1).decode() != digest:
        return False
    shutil.copyfile(old, release / "body" / old.name)  # a copy: each release stands alone
    return True


def _write_indexes(release: Path, infos: list[tuple[Any, ...]]) -> None:
    by_province: dict[str, list[tuple[Any, ...]]] = {}
    for info in infos:
        by_province.setdefault(province(info[2]), []).append(info)
    for code, in_province in by_province.items():
        (release / "bodies" / f"{code}.html").write_text(
            province_index(code, in_province), encoding="utf-8"
        )
    counts = {code: len(in_province) for code, in_province in by_province.items()}
    (release / "bodies" / "index.html").write_text(bodies_index(counts), encoding="utf-8")

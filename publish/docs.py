"""The data dictionary, generated from the Table Schemas (Chinese first)."""

from __future__ import annotations

from pathlib import Path

import schemas

DICTIONARY = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"
CSV_NOTE = (
    "CSV 文件为带 BOM 的 UTF-8，Excel 可直接打开。文本（string）列中以 `=`、`+`、`-`、`@`、制表符或回车开头的值"
    "（以及以若干撇号加这些字符开头的值）在 CSV 中前面多加一个撇号 `'`，防止电子表格把它当公式执行；"
    "还原时去掉这类值开头的一个撇号即可。数字列和 Parquet 文件保持原值。"
    "CSV is UTF-8 with a byte-order mark. In text columns of the CSV only, a value starting with "
    "`=`, `+`, `-`, `@`, tab or CR (or with apostrophes followed by one of them) gets one leading "
    "apostrophe so that spreadsheets do not run it as a formula; drop that one apostrophe to "
    "recover the value. Numeric columns and Parquet files keep the values as they are."
)
# LibreOffice does not read the BOM as a hint: it must be told the CSV's encoding (76 = UTF-8).
LIBREOFFICE_NOTE = (
    "LibreOffice Calc 打开时在「文本导入」对话框选字符集 Unicode (UTF-8)；命令行转换用 "
    '`soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx data/reports.csv`'
    "（44 逗号分隔，34 双引号，76 即 UTF-8，1 从第1行读起）。"
    "LibreOffice needs to be told the encoding: choose Unicode (UTF-8) in the Text Import dialog, "
    'or pass `--infilter="CSV:44,34,76,1"` (comma, double quote, UTF-8, from line 1).'
)
# Which rows to use for what: the quality flags of schemas/*.schema.json (`trusted`, `flags`).
USE_NOTE = """## 哪些数据可以直接使用 · Which rows to use for what

- **只要可靠的数**：三张统计表（`proactive`、`applications`、`reviews_litigation`）的每个单元格和 \
`metrics` 的每一行都有 `trusted`（可直接使用）和 `flags`（质量标记）两列。筛选 `trusted = true` 即可：\
这些数不是演示用合成数据，所在报告已完整读取，不是 OCR 读出的，也没有被任何 error 或 warning 问题点名。\
Filter on the one column `trusted = true`: not synthetic, from a report read whole, not read by OCR, \
named by no error or warning finding.
- **需要知道为什么不可靠**：`flags` 列出原因（分号分隔）：`synthetic` 合成数据，`report_not_parsed` 报告\
未完整读取，`ocr` 由 OCR 读出，`error`/`warning` 被问题点名（原因见 `findings` 表的 `message`，按 `body_id`、\
`year` 连接，`cells` 列出点名的单元格），`derived` 由总计为0推出，`blank` 空白格，`corrected` 更正过的值。\
`flags` says why (see each table's `flags` field below).
- **统计各机关、各年度的总数或比率**：用 `metrics`（在 `trusted = true` 的行上计算，或把 `flags` 含 \
`error` 的行单独列出核对）；状态为 `failed`、`missing` 的报告（见 `reports`）没有数，不能当作0。\
For totals and rates use `metrics`; failed or missing reports have no numbers, not zeros.
- **核对原文**：`printed`（原文）和 `location`（出处）指向文件中的位置，`reports` 的 `source`、`sha256` \
指向原始文件。To check a number, `printed` and `location` point into the document.
- **演示数据**：`synthetic = true`（`reports`）或 `flags` 含 `synthetic` 的数据是合成的，只用于演示，不能用于研究。\
Synthetic rows are demonstration data only.

例 example（DuckDB）：`SELECT * FROM 'data/applications.parquet' WHERE trusted`
"""


def constraints_text(field: dict) -> str:
    c = field.get("constraints", {})
    parts = []
    if c.get("required"):
        parts.append("必填 required")
    if "enum" in c:
        shown = field.get("enumLabels", {})
        parts.append(
            "取值 enum: "
            + ", ".join(f"`{v}` {shown[v]}" if v in shown else f"`{v}`" for v in c["enum"])
        )
    if "pattern" in c:
        parts.append(f"格式 pattern: `{c['pattern']}`")
    for key, word in (("minimum", "最小 min"), ("maximum", "最大 max")):
        if key in c:
            parts.append(f"{word} {c[key]}")
    return "；".join(parts)


def data_dictionary() -> str:
    package = schemas.package()
    lines = [
        "# 数据字典 · Data dictionary",
        "",
        "由 `schemas/*.schema.json` 生成，请勿手改（`xxgk docs` 重新生成）。"
        "Generated from the Table Schemas; do not edit by hand.",
        "",
        package["description"],
        "",
        CSV_NOTE,
        "",
        LIBREOFFICE_NOTE,
        "",
        USE_NOTE,
    ]
    for name in ["registry", "corrections", *schemas.published_tables()]:
        schema = schemas.load(name)
        lines += [f"## `{name}` — {schema['title']}", "", schema["description"], ""]
        key = schemas.primary_key(name)
        if key:
            lines += [f"主键 primary key: {', '.join(f'`{k}`' for k in key)}", ""]
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"]["resource"] or name
            lines.append(
                f"外键 foreign key: {', '.join(fk['fields'])} → `{target}`"
                f"({', '.join(fk['reference']['fields'])})"
            )
        lines += [
            "",
            "| 字段 field | 名称 title | 类型 type | 约束 constraints | 说明 description |",
            "|---|---|---|---|---|",
        ]
        for f in schema["fields"]:
            desc = f["description"].replace("|", "\\|")
            lines.append(
                f"| `{f['name']}` | {f['title']} | {f['type']} | {constraints_text(f)} | {desc} |"
            )
        lines.append("")
    return "\n".join(lines)


def write() -> Path:
    DICTIONARY.parent.mkdir(parents=True, exist_ok=True)
    DICTIONARY.write_text(data_dictionary(), encoding="utf-8")
    return DICTIONARY

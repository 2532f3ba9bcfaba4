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

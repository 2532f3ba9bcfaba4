"""Group `corrections`: the data office's corrections of cells (checked against the original),
applied when the partitions are read; what the warehouse publishes of them."""

import dagster as dg

import schemas
from assets.metadata import NONE, listed, md_or_none
from assets.resources import XxgkPaths
from assets.warehouse import warehouse
from pipelines import run


@dg.asset(
    group_name="corrections",
    deps=[warehouse],
    pool="warehouse",  # reads the DuckDB file the warehouse step writes
    description="更正表（数据办维护的 CSV 或 Excel，默认为数据目录下的 corrections.csv；"
    "`xxgk correct` 添加一行）：对照原件核对后更正的单元格。更正在读取之后应用：原始文件和解析缓存不改，"
    "原文保留，发布更正值，单元格旁写明更正编号、原因和更正人；勾稽关系按更正后的值重新核对。"
    "The data office's corrections, applied after reading; the printed text is kept.",
)
def corrections(context: dg.AssetExecutionContext, paths: XxgkPaths) -> dg.MaterializeResult:
    s = paths.settings()
    loaded = run.corrections(s)
    status = run.correction_status(s, loaded)
    names = run.body_names(s)
    return dg.MaterializeResult(
        metadata={
            "更正表 file": loaded.path,
            "sha256": loaded.sha256 or NONE,
            "更正数 corrections": len(loaded.corrections),
            "已采用 applied": sum(v is None for v in status.values()),
            "未采用 not applied": sum(v is not None for v in status.values())
            + len(loaded.unmatched),
            "问题 problems": md_or_none(["问题 problem"], [[p] for p in loaded.problems]),
            "更正 corrections list": md_or_none(
                [
                    "编号 id",
                    "机关 body",
                    "年度 year",
                    "单元格 cell",
                    "更正值 value",
                    "原因 reason",
                    "更正人 who",
                    "日期 date",
                    "状态 status",
                ],
                [
                    [
                        c.correction_id,
                        names.get(c.body_id, c.body_id),
                        c.year,
                        schemas.cell_label(c.cell),
                        c.value,
                        c.reason,
                        c.who,
                        c.date,
                        status[c.correction_id] or "已采用 applied",
                    ]
                    for c in loaded.corrections
                ],
                limit=200,
            ),
        }
    )


@dg.asset_check(
    asset=corrections,
    description="更正表每一行都有效，且每条更正都对上了发布的单元格：机关、年度、单元格存在，机关没有重新"
    "发布报告（文件校验值和原文与更正时相同）。Every correction is valid and matches a published cell.",
)
def corrections_match_cells(paths: XxgkPaths) -> dg.AssetCheckResult:
    s = paths.settings()
    loaded = run.corrections(s)
    stale = [why for why in run.correction_status(s, loaded).values() if why]
    bad = [*loaded.problems, *loaded.unmatched, *stale]
    return dg.AssetCheckResult(
        passed=not bad,
        severity=dg.AssetCheckSeverity.WARN,
        description=listed(bad, "全部更正都已采用" if loaded.corrections else "没有更正"),
        metadata={
            "问题数 problems": len(loaded.problems),
            "对不上的更正 not matching": len(loaded.unmatched) + len(stale),
        },
    )

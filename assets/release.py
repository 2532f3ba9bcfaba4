"""Group `release`: versioned open-data releases made from the warehouse."""

import dagster as dg
from pydantic import Field

from assets.metadata import md_or_none, md_table, yes_no
from assets.resources import XxgkPaths
from assets.warehouse import warehouse
from pipelines import run
from pipelines.datadir import Busy
from publish.versioning import AUTO, BUMP_LABELS, VersionRefused


class ReleaseConfig(dg.Config):
    """Launchpad config of the release (Dagster UI → Materialize → shift-click, or the job's
    Launchpad): how to bump the version, and whether to release unchanged data."""

    bump: str = Field(
        default=AUTO,
        description="版本升级：auto（按变化自动：表结构变→主版本，新增数据→次版本，更正→修订号）、"
        "major、minor 或 patch；不能低于变化要求的级别。Version bump: auto, major, minor or patch.",
    )
    force: bool = Field(
        default=False,
        description="数据没有变化也发布新版本。Make a release even when no data changed.",
    )


def bump_label(bump: str | None) -> str:
    """`修订号（数据更正） patch`: the bump's Chinese label with its name (read back by launch)."""
    if bump is None:
        return ""
    return f"{BUMP_LABELS.get(bump, '首次发布')} {bump}"


@dg.asset(
    group_name="release",
    deps=[warehouse],
    pool="warehouse",  # reads the DuckDB file the warehouse step writes
    description="开放数据发布包：CSV（UTF-8 带 BOM）和 Parquet 的 Frictionless 数据包，带版本号和校验值；"
    "数据没有变化时不产生新版本。Versioned Frictionless data package.",
)
def release(
    context: dg.AssetExecutionContext,
    config: ReleaseConfig,
    paths: XxgkPaths,
) -> dg.MaterializeResult:
    try:
        result = run.release(paths.settings(), bump=config.bump, force=config.force)
    except (VersionRefused, Busy) as refused:
        raise dg.Failure(str(refused)) from None  # a choice to correct or a wait, not a crash
    summary = (
        result.summary
        or f"数据未变，沿用 {result.version}，未发布新版本。No change, no new release."
    )
    releases = paths.data.releases
    return dg.MaterializeResult(
        metadata={
            "版本 version": result.version,
            "新版本 new version": yes_no(result.created),
            "升级 bump": bump_label(result.bump),
            "更新日志 changelog": dg.MetadataValue.md(summary),
            "提醒 notes": md_or_none(["提醒 note"], [[n] for n in result.notes]),
            "目录 path": dg.MetadataValue.path(str(result.path)),
            "数据目录网页 catalog": dg.MetadataValue.path(str(result.path / "index.html")),
            "图表组件示例 widget example": dg.MetadataValue.path(
                str(result.path / "widget" / "index.html")
            ),
            "所有版本 all releases": dg.MetadataValue.path(str(releases / "index.html")),
            "文件 files": md_table(
                ["文件 file", "字节 bytes", "sha256"],
                [
                    [r["path"], r["bytes"], r["hash"].removeprefix("sha256:")]
                    for r in result.resources
                ],
            ),
        }
    )

"""What runs by itself: the reporting-season schedules, the inbox sensor and the registry
sensor. Each launches `xxgk_pipeline` over the partitions that may have work: all of them on a
schedule (reports found online can only be known unchanged by asking), those of the new inbox
files or of the changed registry entries otherwise. Partitions whose inputs did not change do
no work inside the run.

The Dagster home made by `xxgk ui` allows one run at a time (runs write one warehouse file);
the sensors also wait while a run of the job is queued or in progress.
"""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from assets import partitions
from assets.resources import XxgkPaths
from pipelines import run
from pipelines.collect import inbox
from pipelines.registry import partitions as scheme

JOB = "xxgk_pipeline"
TIMEZONE = "Asia/Shanghai"
_ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


# Reports fall due on 31 January (governments' own on 31 March): look every day from January
# to March (late reports and corrections come in spring), once a week for the rest of the year.
def _season_schedule(name: str, cron: str, description: str) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=name,
        cron_schedule=cron,
        execution_timezone=TIMEZONE,
        job_name=JOB,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=description,
    )
    def _schedule(
        context: dg.ScheduleEvaluationContext, paths: XxgkPaths
    ) -> dg.RunRequest | dg.SkipReason:
        if _busy(context.instance):
            return dg.SkipReason("已有运行在进行或排队，本次跳过")
        keys = run.registry(paths.settings()).partitions
        partitions.sync(context.instance, keys)
        if not keys:
            return dg.SkipReason("登记表中没有应报的报告")
        return dg.RunRequest(
            tags={
                "xxgk/trigger": name,
                **partitions.range_tags(partitions.ordered(context.instance), keys),
            }
        )

    return _schedule


season_daily = _season_schedule(
    "reporting_season_daily",
    "0 7 * 1-3 *",
    "报告季（1–3月）每天 7:00（北京时间）检查一次各机关的年报。Daily in January–March.",
)
off_season_weekly = _season_schedule(
    "off_season_weekly",
    "0 7 * 4-12 1",
    "其余月份（4–12月）每周一 7:00（北京时间）检查一次。Weekly (Mondays) in April–December.",
)


def _busy(instance: dg.DagsterInstance) -> bool:
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=JOB, statuses=_ACTIVE), limit=1)
    return bool(runs)


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


@dg.sensor(
    job_name=JOB,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="收件箱（数据目录 inbox/）有新文件或文件有变化时：存档、对应到机关和年度，并对这些机关所在的"
    "分区启动一次运行；对不上的文件写明原因（见本传感器的记录和 inbox_files 资产）。"
    "New files in the inbox are archived, matched to a body and year, and a run is requested.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, paths: XxgkPaths) -> dg.SensorResult:
    s = paths.settings()
    current = {name: list(v) for name, v in inbox.listing(s.data.inbox).items()}
    before = json.loads(context.cursor) if context.cursor else {}
    new = sorted(name for name, v in current.items() if before.get(name) != v)
    if not new:
        return dg.SensorResult(skip_reason=f"收件箱没有新文件（共{len(current)}个）")
    if _busy(context.instance):
        return dg.SensorResult(skip_reason="已有运行在进行或排队，下次再处理新文件")
    changes, order = partitions.requests(context.instance, run.registry(s).partitions)
    files = {f.file: f for f in run.scan_inbox(s)}
    fresh = [files[n] for n in new if n in files]
    matched = [f for f in fresh if f.matched]
    for f in fresh:
        if f.matched:
            context.log.info(f"收件箱文件「{f.file}」→ {f.body_id} {f.year}（依据{f.matched_by}）")
        else:
            context.log.warning(f"收件箱文件「{f.file}」未采用：{f.reason}")
    keys = sorted({k for f in matched for k in _partitions_of(s, f.body_id, f.year)})
    requests = []
    if keys:
        requests.append(
            dg.RunRequest(
                run_key=f"inbox-{_digest(sorted(f.sha256 for f in matched))}",
                tags={
                    "xxgk/trigger": "inbox",
                    "xxgk/files": str(len(matched)),
                    **partitions.range_tags(order, keys),
                },
            )
        )
    unmatched = "；".join(f"「{f.file}」：{f.reason}" for f in fresh if not f.matched)
    return dg.SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=changes,
        skip_reason=None if requests else f"新文件都对不上机关和年度：{unmatched}",
        cursor=json.dumps(current, sort_keys=True, ensure_ascii=False),  # names readable in the UI
    )


def _partitions_of(s: run.Settings, body_id: str | None, year: int | None) -> list[str]:
    return [scheme.key(e) for e in run.entries(s) if (e.body_id, e.year) == (body_id, year)]


@dg.sensor(
    job_name=JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="登记表变化时：按登记表增删「年度-行政区划」分区，并对有变化的分区启动一次运行"
    "（第一次只记下登记表，不运行）。When the registry changes: the partitions follow it, and the "
    "partitions whose entries changed are run.",
)
def registry_sensor(context: dg.SensorEvaluationContext, paths: XxgkPaths) -> dg.SensorResult:
    s = paths.settings()
    if not s.registry.is_file():
        return dg.SensorResult(skip_reason=f"找不到登记表：{s.registry}")
    digest = hashlib.sha256(s.registry.read_bytes()).hexdigest()
    if context.cursor == digest:
        return dg.SensorResult(skip_reason="登记表没有变化")
    if _busy(context.instance):
        return dg.SensorResult(skip_reason="已有运行在进行或排队，登记表的变化下次再处理")
    keys = run.registry(s).partitions
    first_look = context.cursor is None
    stale = [] if first_look else run.stale_partitions(s)
    requests, known = partitions.requests(context.instance, keys)
    run_requests = (
        [
            dg.RunRequest(
                run_key=f"registry-{digest[:16]}",
                tags={"xxgk/trigger": "registry", **partitions.range_tags(known, stale)},
            )
        ]
        if stale
        else []
    )
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=requests,
        skip_reason="已记下登记表（第一次检查不启动运行）" if first_look else None,
        cursor=digest,
    )


SCHEDULES = [season_daily, off_season_weekly]
SENSORS = [inbox_sensor, registry_sensor]

"""What runs by itself: the reporting-season schedules, the inbox sensor and the registry
sensor. All of them launch the whole-graph job `xxgk_pipeline` (the data is small; the
archive, the conditional requests and the parse cache make a run cheap when little changed).

The Dagster home made by `xxgk ui` allows one run at a time (two runs cannot write one DuckDB
file); the sensors also wait while a run of the job is queued or in progress.
"""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from assets import partitions
from assets.resources import XxgkPaths
from pipelines import run
from pipelines.collect import inbox

JOB = "xxgk_pipeline"
TIMEZONE = "Asia/Shanghai"
_ACTIVE = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


# Reports fall due on 31 January: look every day from January to March (late reports and
# corrections come in spring), once a week for the rest of the year.
def _season_schedule(name: str, cron: str, description: str) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=name,
        cron_schedule=cron,
        execution_timezone=TIMEZONE,
        job_name=JOB,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=description,
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
        if _busy(context.instance):
            return dg.SkipReason("已有运行在进行或排队，本次跳过")
        return dg.RunRequest(tags={"xxgk/trigger": name})

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
    description="收件箱（数据目录 inbox/）有新文件或文件有变化时：存档、对应到机关和年度，并启动一次运行；"
    "对不上的文件写明原因（见本传感器的记录和 inbox_files 资产）。"
    "New files in the inbox are archived, matched to a body and year, and a run is requested.",
)
def inbox_sensor(context: dg.SensorEvaluationContext, paths: XxgkPaths) -> dg.SensorResult:
    current = {name: list(v) for name, v in inbox.listing(paths.data.inbox).items()}
    before = json.loads(context.cursor) if context.cursor else {}
    new = sorted(name for name, v in current.items() if before.get(name) != v)
    if not new:
        return dg.SensorResult(skip_reason=f"收件箱没有新文件（共{len(current)}个）")
    if _busy(context.instance):
        return dg.SensorResult(skip_reason="已有运行在进行或排队，下次再处理新文件")
    settings = paths.settings()
    files = {f.file: f for f in run.scan_inbox(settings, run.load_registry(settings))}
    fresh = [files[n] for n in new if n in files]
    matched = [f for f in fresh if f.matched]
    for f in fresh:
        if f.matched:
            context.log.info(f"收件箱文件「{f.file}」→ {f.body_id} {f.year}（依据{f.matched_by}）")
        else:
            context.log.warning(f"收件箱文件「{f.file}」未采用：{f.reason}")
    requests = []
    if matched:
        requests.append(
            dg.RunRequest(
                run_key=f"inbox-{_digest(sorted(f.sha256 for f in matched))}",
                tags={"xxgk/trigger": "inbox", "xxgk/files": str(len(matched))},
            )
        )
    unmatched = "；".join(f"「{f.file}」：{f.reason}" for f in fresh if not f.matched)
    return dg.SensorResult(
        run_requests=requests,
        skip_reason=None if requests else f"新文件都对不上机关和年度：{unmatched}",
        cursor=json.dumps(current, sort_keys=True),
    )


@dg.sensor(
    job_name=JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="登记表变化时：为新机关、新年度添加分区，并启动一次运行（第一次只记下登记表，不运行）。"
    "When the registry changes: add partitions for new bodies and years and request a run.",
)
def registry_sensor(context: dg.SensorEvaluationContext, paths: XxgkPaths) -> dg.SensorResult:
    path = paths.settings().registry
    if not path.is_file():
        return dg.SensorResult(skip_reason=f"找不到登记表：{path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if context.cursor == digest:
        return dg.SensorResult(skip_reason="登记表没有变化")
    if _busy(context.instance):
        return dg.SensorResult(skip_reason="已有运行在进行或排队，登记表的变化下次再处理")
    reg = run.load_registry(paths.settings())
    first_look = context.cursor is None
    return dg.SensorResult(
        run_requests=[]
        if first_look
        else [dg.RunRequest(run_key=f"registry-{digest[:16]}", tags={"xxgk/trigger": "registry"})],
        dynamic_partitions_requests=partitions.add_requests(
            context.instance, run.partition_keys(reg)
        ),
        skip_reason="已记下登记表（第一次检查不启动运行）" if first_look else None,
        cursor=digest,
    )


SCHEDULES = [season_daily, off_season_weekly]
SENSORS = [inbox_sensor, registry_sensor]

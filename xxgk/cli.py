"""The `xxgk` command: parse one document, run the whole pipeline, open the UI."""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import sys
from pathlib import Path

EXIT_NOT_A_REPORT = 2
EXIT_FAILED = 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except Exception as e:  # a read-only data directory, a full disk: one line, no traceback
        problem = disk_problem(e)
        if problem is None:
            raise  # a bug keeps its traceback
        return _fail(problem, EXIT_FAILED)


# What the data office can do something about: the disk, not the program. By errno, and by the
# words of what does not raise OSError (SQLite under Dagster's storage, DuckDB).
FULL = ({errno.ENOSPC, errno.EDQUOT}, ("No space left on device", "disk is full", "quota exceeded"))
READ_ONLY = (
    {errno.EROFS, errno.EACCES, errno.EPERM},
    ("Read-only file system", "readonly database", "Permission denied"),
)
_FILENAME = re.compile(r": '([^']+)'")


def disk_problem(error: BaseException | str) -> str | None:
    """One line in Chinese when `error` (or what caused it, or a step's error message) is a
    full disk or a data directory that cannot be written; None for anything else."""
    chain = [error] if isinstance(error, str) else _chain(error)
    for e in chain:
        text = str(e)
        number = e.errno if isinstance(e, OSError) else None
        named = _FILENAME.search(text)
        where = getattr(e, "filename", None) or (named.group(1) if named else _data_dir())
        for (numbers, words), what in ((FULL, "磁盘空间不足"), (READ_ONLY, "数据目录不可写")):
            if number in numbers or any(w.lower() in text.lower() for w in words):
                return f"{what}：{where}（{text.strip().splitlines()[0][:200]}）"
    return None


def _chain(error: BaseException) -> list[BaseException]:
    chain, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return chain


def _data_dir() -> str:
    from pipelines import datadir

    return str(datadir.data_dir())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xxgk",
        description="政府信息公开工作年度报告 → 开放数据 · disclosure reports to open data",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="读取一份报告 · parse one document")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="打印约定的 JSON · print the contract JSON")

    r = sub.add_parser("run", help="在登记表上运行完整流程 · materialise the whole asset graph")
    r.add_argument("--data-dir", type=Path, help="输出目录 · output directory (default: ./data)")
    r.add_argument("--registry", type=Path, help="登记表 CSV · registry CSV (default: the demo)")
    r.add_argument(
        "--bump",
        default="auto",
        choices=["auto", "major", "minor", "patch"],
        help="发布版本升级 · release version bump (default: auto, from what changed)",
    )
    r.add_argument("--force", action="store_true", help="数据未变也发布 · release unchanged data")
    r.add_argument("--workers", type=int, help="读取进程数（默认全部核）· reading processes")
    r.add_argument(
        "--timings", action="store_true", help="另打印各步骤用时和内存（JSON）· step timings"
    )
    r.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="另一个运行占用数据目录时最多等待的秒数（默认不等）· wait for another run",
    )

    v = sub.add_parser("verify", help="核对发布版本的文件和校验值 · verify a release's checksums")
    v.add_argument("release", nargs="?", default="latest", help="版本号、latest 或目录 · version")
    v.add_argument("--data-dir", type=Path)

    u = sub.add_parser("ui", help="启动 Dagster 界面 · start the Dagster UI (dagster dev)")
    u.add_argument("--data-dir", type=Path)
    u.add_argument("--registry", type=Path)
    u.add_argument("--host", default="127.0.0.1")
    u.add_argument("--port", default="3000")

    w = sub.add_parser(
        "worker", help="分布式执行的工作进程（Celery）· a worker of the distributed engine"
    )
    w.add_argument("--broker", required=True, help="e.g. redis://10.0.0.5:6379/0")
    w.add_argument("--data-dir", type=Path, help="共享的数据目录 · the shared data directory")
    w.add_argument("--registry", type=Path)
    w.add_argument("--name", default="xxgk", help="工作进程名 · worker name (…@hostname)")
    w.add_argument("--concurrency", type=int, default=1, help="同时执行的步骤数 · steps at once")

    s = sub.add_parser("serve", help="本机预览发布目录和图表组件 · preview releases (Range, CORS)")
    s.add_argument("--data-dir", type=Path)
    s.add_argument("--port", type=int, default=8000)

    d = sub.add_parser("demo-corpus", help="重新生成演示语料 · regenerate demo/ (synthetic)")
    d.add_argument("--seed-text", type=Path, required=True, help="the seed report text")

    sub.add_parser("docs", help="由 schemas/ 生成数据字典 · regenerate docs/data-dictionary.md")

    g = sub.add_parser("registry", help="登记表 · the registry of bodies")
    g_sub = g.add_subparsers(dest="registry_command", required=True)
    gc = g_sub.add_parser("check", help="逐行检查登记表（CSV 或 Excel）· check a registry file")
    gc.add_argument("file", type=Path)

    c = sub.add_parser(
        "correct",
        help="添加一条更正（核对原件后）· add a checked correction of one cell",
        description="在更正表中添加一行：机关（编号或名称）、年度、单元格（约定的键或「行名/列名」）、"
        "正确的值；下次运行时发布（原文保留）。Appends a validated row to the corrections file.",
    )
    c.add_argument("body", help="机关编号或名称 · body id or name")
    c.add_argument("year", help="统计年度 · statistical year")
    c.add_argument("cell", help="如 applications.granted.total 或「予以公开/总计」· the cell")
    c.add_argument("value", help="正确的值 · the checked value")
    c.add_argument("--reason", required=True, help="更正原因 · why")
    c.add_argument("--who", required=True, help="更正人 · who")
    c.add_argument("--evidence", default="", help="依据（原件页码、来函）· evidence")
    c.add_argument("--date", default="", help="更正日期 YYYY-MM-DD（默认今天）· date")
    c.add_argument("--id", default="", help="更正编号（默认自动编号）· correction id")
    c.add_argument("--data-dir", type=Path)
    c.add_argument("--registry", type=Path)
    c.add_argument("--file", type=Path, help="更正表（默认数据目录下 corrections.csv）· the file")

    e = sub.add_parser("eval", help="读取准确率 · cell accuracy against expected JSON files")
    e.add_argument("dir", type=Path, help="文档目录 · folder of documents")
    e.add_argument("--expected", type=Path, help="预期结果目录 · expected JSON (default: DIR)")

    b = sub.add_parser("bench", help="读取速度 · parse throughput per format, peak memory")
    b.add_argument("--real", type=Path, help="真实文档目录 · also time the documents here")
    b.add_argument("--repeat", type=int, default=3)
    b.add_argument(
        "--formats", default="txt,html,gbk.html,pdf,docx,doc,scan.pdf,realistic-scan.pdf"
    )
    b.add_argument(
        "--scale",
        type=int,
        metavar="N",
        help="整条流程的规模测试：N 份合成报告（冷启动、无变化、改一份加一个机关）· the whole flow on N reports",
    )
    b.add_argument(
        "--publish",
        type=int,
        metavar="N",
        help="只测发布端：N 份合成的已读取报告（入库、校验、更新日志、发布）· publish side only",
    )
    b.add_argument(
        "--workers", type=int, default=0, help="读取进程数（0：全部核）· reading processes"
    )
    b.add_argument("--dir", type=Path, default=Path("data/bench"), help="语料和数据目录 · where")

    return parser


def _bench_command(args: argparse.Namespace) -> int:
    if args.scale:
        return _bench_scale(args.scale, args.workers, args.dir.resolve())
    if args.publish:
        return _bench_publish(args.publish, args.dir.resolve())
    return _bench(args.real, args.repeat, args.formats.split(","))


def _docs() -> int:
    from publish import docs

    print(f"wrote {docs.write()}")
    return 0


def _run_command(args: argparse.Namespace) -> int:
    from pipelines import datadir

    _configure(args.data_dir, args.registry)
    if args.workers is not None:
        os.environ["XXGK_READ_WORKERS"] = str(args.workers)
    # The whole run holds the data directory: a second `xxgk run` (or a UI run's warehouse and
    # release steps) waits or is told so; the steps of this run take the lock again, in-process.
    try:
        with datadir.locked(datadir.DataDir(datadir.data_dir()).run_lock, args.wait):
            return _run(args.bump, args.force, timings=args.timings)
    except datadir.Busy as busy:
        return _fail(str(busy), EXIT_FAILED)


def _verify(release: str, data_dir: Path | None) -> int:
    """Every file of a release against its SHA256SUMS and datapackage.json."""
    from pipelines import datadir
    from publish import integrity

    releases = (data_dir.resolve() if data_dir else datadir.data_dir()) / "releases"
    folder = Path(release) if os.sep in release else releases / release
    if not folder.is_dir():
        return _fail(f"找不到发布版本：{folder}", EXIT_FAILED)
    folder = folder.resolve()
    bad = integrity.problems(folder)
    for line in bad:
        print(f"  不符 bad: {line}")
    if bad:
        return _fail(f"版本 {folder.name} 未通过校验：{len(bad)} 个文件有问题", EXIT_FAILED)
    print(f"版本 {folder.name} 通过校验 verified：{folder}")
    return 0


def _ui_command(args: argparse.Namespace) -> int:
    _configure(args.data_dir, args.registry)
    return _ui(args.host, args.port)


def _worker_command(args: argparse.Namespace) -> int:
    _configure(args.data_dir, args.registry)
    return _worker(args.broker, args.name, args.concurrency)


COMMANDS = {
    "parse": lambda a: _parse(a.file, as_json=a.json),
    "run": _run_command,
    "ui": _ui_command,
    "worker": _worker_command,
    "serve": lambda a: _serve(a.data_dir, a.port),
    "verify": lambda a: _verify(a.release, a.data_dir),
    "demo-corpus": lambda a: _demo_corpus(a.seed_text),
    "docs": lambda a: _docs(),
    "registry": lambda a: _registry_check(a.file),
    "correct": lambda a: _correct(a),
    "eval": lambda a: _eval(a.dir, a.expected or a.dir),
    "bench": _bench_command,
}


def _registry_check(file: Path) -> int:
    """Every problem of a registry (CSV or Excel) with its sheet, line and column."""
    from pipelines.registry import load as registry

    if not file.is_file():
        return _fail(f"找不到登记表：{file}", EXIT_FAILED)
    reg = registry.load(file)
    bodies = reg.bodies()
    print(f"{file}: {len(bodies)} 个机关，{len(reg.entries)} 个应报年度 (bodies, body-years)")
    for line in reg.problems:
        print(f"  错误 error: {line}")
    for line in reg.warnings:
        print(f"  提醒 warning: {line}")
    return EXIT_FAILED if reg.problems else 0


def _correct(args: argparse.Namespace) -> int:
    """One checked correction appended to the corrections file, after checking it as a run
    would and against the published cell (whose printed text and document it records)."""
    from datetime import date

    import schemas
    from pipelines import datadir, run
    from pipelines.tables import corrections

    _configure(args.data_dir, args.registry)
    data = datadir.DataDir(datadir.data_dir())
    chosen = args.file or os.environ.get("XXGK_CORRECTIONS") or data.corrections
    target = Path(chosen).resolve()
    s = run.Settings(data=data, registry=datadir.registry_path(), corrections=target)
    if target.is_file() and corrections.is_xlsx(target, target.read_bytes()):
        return _fail(f"更正表 {target} 是 Excel 文件：请在 Excel 中添加这一行。", EXIT_FAILED)
    if not s.data.warehouse.is_file():
        return _fail("还没有发布过数据：请先运行 xxgk run，再更正读出的单元格。", EXIT_FAILED)
    loaded = run.corrections(s)
    body, unknown = corrections.resolve_body(args.body, run.body_aliases(s))
    cell, bad_cell = corrections.resolve_cell(args.cell)
    value, bad_value = corrections.parse_value(cell, args.value) if cell else (None, None)
    problem = (
        unknown
        or bad_cell
        or bad_value
        or (None if args.year.isdigit() else f"统计年度「{args.year}」不是年份")
    )
    if problem:
        return _fail(f"未添加更正：{problem}", EXIT_FAILED)
    found = run.query(s, "published_cell", {"body": body, "year": int(args.year), "cell": cell})
    if not found:
        return _fail(
            f"未添加更正：发布的数据中没有机关「{args.body}」{args.year}年的报告。", EXIT_FAILED
        )
    now = found[0]
    if now["cell"] is None:
        shown = schemas.cell_label(cell)
        return _fail(f"未添加更正：这份报告没有「{shown}」这一格（{now['status']}）。", EXIT_FAILED)
    earlier = [
        c for c in loaded.corrections if (c.body_id, c.year, c.cell) == (body, int(args.year), cell)
    ]
    if earlier:
        where = f"{earlier[0].correction_id}（{earlier[0].where}）"
        return _fail(f"未添加更正：这一格已有更正 {where}，请在更正表中修改那一行。", EXIT_FAILED)
    cid = args.id or _next_id(loaded)
    row = {
        "correction_id": cid,
        "body": body,
        "year": args.year,
        "cell": cell,
        "value": args.value.strip(),
        "printed": now["printed"],
        "sha256": now["sha256"],
        "reason": args.reason,
        "who": args.who,
        "date": args.date or date.today().isoformat(),
        "evidence": args.evidence,
    }
    problems = corrections.check_row(row)
    if problems:
        return _fail("未添加更正：" + "；".join(problems), EXIT_FAILED)
    corrections.append(target, row)
    print(f"已添加更正 {cid}：{schemas.cell_label(cell)} {now['value']} → {value}（{target}）")
    print("下次运行（xxgk run 或界面）时发布；原文保留。Published at the next run.")
    return 0


def _next_id(loaded) -> str:  # type: ignore[no-untyped-def]
    taken = {c.correction_id for c in loaded.corrections}
    n = len(taken) + 1
    while f"C{n:04d}" in taken:
        n += 1
    return f"C{n:04d}"


def _fail(message: str, code: int) -> int:
    print(f"xxgk: {message}", file=sys.stderr)
    return code


def _parse(file: Path, *, as_json: bool) -> int:
    from pipelines.collect import local
    from pipelines.files import MB
    from pipelines.read import limits, printout
    from pipelines.read.document import parse_bounded
    from pipelines.read.limits import ReaderError
    from pipelines.read.report import NotAReport

    try:  # a FIFO, a device or a 1.5 GB file: refused, never waited on or read whole
        data = local.read(file, [Path("/")], cap=limits.current().max_mb * MB)
    except local.Refused as e:
        return _fail(f"无法读取文件 {file}：{e}", EXIT_FAILED)
    try:
        fmt, report = parse_bounded(data)
    except NotAReport as e:
        return _fail(f"{file}: {e.reason} [{e.rule}]", EXIT_NOT_A_REPORT)
    except ReaderError as e:
        return _fail(f"{file}: 解析器内部错误（{e}），请把该文件报告给开发者", EXIT_FAILED)
    if as_json:
        print(json.dumps(report.to_contract(), ensure_ascii=False, indent=1))
        return 0
    print("\n".join(printout.render(report, fmt)))
    return 0


def _eval(folder: Path, expected: Path) -> int:
    from pipelines.read import evaluate

    for d in (folder, expected):
        if not d.is_dir():
            return _fail(f"找不到目录：{d}", EXIT_FAILED)
    results, unmatched = evaluate.evaluate(folder, expected)
    print("\n".join(evaluate.summary(results, unmatched)))
    return EXIT_FAILED if not results or any(r.wrong for r in results) else 0


def _bench_scale(n: int, workers: int, folder: Path) -> int:
    from testkit import scale

    for line in scale.run(n, folder, workers):
        print(line, flush=True)
    return 0


def _bench_publish(n: int, folder: Path) -> int:
    from testkit import publish_bench

    for line in publish_bench.bench(n, folder):
        print(line, flush=True)
    return 0


def _bench(real: Path | None, repeat: int, formats: list[str]) -> int:
    from pipelines.read.ocr import available
    from pipelines.read.readers.doc import soffice
    from testkit import bench, corpus

    skipped = {
        "doc": soffice() is None,
        "scan.pdf": not available(),
        **{fmt: not available() for fmt in corpus.IMAGE_WRITERS},
    }
    for fmt in [f for f in formats if skipped.get(f)]:
        print(
            f"{fmt}: 跳过，转换或识别程序未安装 skipped, converter/OCR not installed (make system)"
        )
    sets = bench.generated([f for f in formats if not skipped.get(f)])
    if real is not None:
        if not real.is_dir():
            return _fail(f"找不到目录：{real}", EXIT_FAILED)
        sets.update(bench.real(real))
    bench.run(sets, repeat)
    return 0


def _configure(data_dir: Path | None, registry: Path | None) -> None:
    from pipelines import datadir
    from xxgk import settings

    if data_dir is not None:
        os.environ["XXGK_DATA_DIR"] = str(data_dir.resolve())
    if registry is not None:
        if not registry.is_file():
            raise SystemExit(_fail(f"找不到登记表：{registry}", EXIT_FAILED))
        os.environ["XXGK_REGISTRY"] = str(registry.resolve())
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home(datadir.data_dir()))
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    # the folder the data office drops reports into is there before the first report is
    inbox = datadir.DataDir(datadir.data_dir()).inbox
    with contextlib.suppress(OSError):  # a read-only data dir: the run says so in its words
        inbox.mkdir(parents=True, exist_ok=True)


# The console says what failed in the summary, in one line each (a full disk in Chinese); the
# stack traces stay in the run's log in the Dagster home.
SILENT = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _run(bump: str, force: bool, *, timings: bool = False) -> int:
    """The whole flow in this process: the job the UI runs, over the partitions with work."""
    import time

    from dagster import DagsterInstance

    from assets import launch
    from assets.resources import default_paths

    paths = default_paths()
    started = time.perf_counter()
    with DagsterInstance.get() as instance:
        launched = launch.pipeline(instance, paths, bump=bump, force=force, loggers=SILENT)
    wall = time.perf_counter() - started
    print("\n".join(_summary(launched, paths)))
    if timings:
        print(json.dumps(_timings(launched, wall, paths), ensure_ascii=False, default=str))
    return 0 if launched.result.success else EXIT_FAILED


def _timings(launched, wall: float, paths) -> dict:  # type: ignore[no-untyped-def]
    """What `xxgk bench --scale` records of one run."""
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)  # this process; its workers: see the bench
    return {
        "success": launched.result.success,
        "wall_s": wall,
        "steps_s": launched.steps,
        "peak_rss_mb": me.ru_maxrss / 1024,
        "partitions_with_work": len(launched.stale),
        "reading_processes": paths.settings().processes(),
        "release": launched.release() if launched.result.success else None,
    }


SHOWN_REPORTS = 100  # a larger registry prints its problems and the counts


def _summary(launched, paths) -> list[str]:  # type: ignore[no-untyped-def]
    import schemas
    from pipelines import run

    result = launched.result
    if not result.success:
        failures = [
            f"步骤失败 step failed: {e.step_key}: {_step_error(e.step_failure_data.error)}"
            for e in result.all_events
            if e.is_step_failure and e.step_failure_data and e.step_failure_data.error
        ]
        return failures or ["运行失败 run failed"]
    s = paths.settings()
    status = schemas.labels("reports", "status")
    counts = {(r["of"], r["status"]): r["n"] for r in run.query(s, "status_counts")}
    total = sum(n for (of, _), n in counts.items() if of == "reports")
    rows = run.query(s, "report_status", {"limit": SHOWN_REPORTS})
    if total <= SHOWN_REPORTS:
        order = run.registry_order(s)
        rows.sort(key=lambda r: order.get((r["body_id"], r["year"]), 0))
    else:
        rows = [r for r in rows if r["status"] != "parsed"][:20]
    lines = [
        f"报告 reports: {total}（本次有变化的分区 partitions with work: {len(launched.stale)}）"
    ]
    for r in rows:
        reason = f"：{r['status_reason']}" if r["status_reason"] else ""
        lines.append(
            f"  {r['name'] or r['body_id']} {r['year']} {status[r['status']]} "
            f"(错误 {r['errors']}，警告 {r['warnings']}){reason}"
        )
    if total > SHOWN_REPORTS:
        lines.append(
            "  " + "，".join(f"{status[k]} {counts.get(('reports', k), 0)}" for k in status)
        )
    cover = {
        k: counts.get(("coverage", k), 0) for k in ("received", "unreadable", "missing", "not_due")
    }
    lines.append(
        f"覆盖 coverage: 已取得 {cover['received']}，无法读取 {cover['unreadable']}，"
        f"缺少 {cover['missing']}，未到期 {cover['not_due']}，逾期 {counts.get(('coverage', 'late'), 0)}，"
        f"发布后被修改 {counts.get(('coverage', 'changed'), 0)} "
        "(received, unreadable, missing, not due, late, changed after publication)"
    )
    release = launched.release()
    new = "新版本 new version" if release["created"] else "数据未变，沿用 unchanged, kept"
    return [
        *lines,
        "",
        f"发布 release {release['version']}（{new}）: {release['path']}",
        f"数据仓库 DuckDB: {s.data.warehouse}",
        f"Dagster 界面 UI: .venv/bin/xxgk ui --data-dir {os.environ.get('XXGK_DATA_DIR', 'data')}"
        f"  (DAGSTER_HOME={os.environ['DAGSTER_HOME']})",
    ]


def _step_error(error) -> str:  # type: ignore[no-untyped-def]
    """A failed step's error (Dagster's SerializableErrorInfo) as one line: a full disk or a
    read-only data directory anywhere in its causes said in Chinese."""
    info = error
    while info is not None:
        problem = disk_problem(info.message)
        if problem is not None:
            return problem
        info = info.cause or info.context
    return error.message.strip()


def _worker(broker: str, name: str, concurrency: int) -> int:
    """A Celery worker that runs the steps of xxgk_pipeline sent to `broker` (see README:
    several machines). It needs the same data directory, registry and Dagster home as the
    machine that launches the runs."""
    import subprocess

    from pipelines.datadir import atomic_write

    os.environ["XXGK_EXECUTOR"] = "celery"
    os.environ["XXGK_CELERY_BROKER"] = broker
    config = Path(os.environ["DAGSTER_HOME"]) / "celery.yaml"
    atomic_write(config, f"execution:\n  config:\n    broker: {broker}\n    backend: {broker}\n")
    command = [str(Path(sys.executable).parent / "dagster-celery"), "worker", "start"]
    command += ["-A", "dagster_celery.app", "-y", str(config), "-n", name]
    command += ["--", f"--concurrency={concurrency}"]
    print(f"Celery 工作进程 worker {name}: broker {broker}, {concurrency} 个步骤同时 at once")
    # dagster-celery starts `celery` from PATH: the one beside this interpreter
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.call(command, env=os.environ | {"PATH": path})


def _serve(data_dir: Path | None, port: int) -> int:
    from pipelines import datadir
    from publish import serve

    releases = (data_dir.resolve() if data_dir else datadir.data_dir()) / "releases"
    if not releases.is_dir():
        return _fail(f"还没有发布目录：{releases}（先运行 xxgk run）", EXIT_FAILED)
    running = serve.server(releases, port=port)
    print(
        f"发布目录 releases: http://127.0.0.1:{running.server_address[1]}/index.html  (Ctrl-C 停止)"
    )
    with contextlib.suppress(KeyboardInterrupt):
        running.serve_forever()
    return 0


def _ui(host: str, port: str) -> int:
    import signal
    import subprocess

    command = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-m",
        "assets.definitions",
        "-h",
        host,
        "-p",
        port,
    ]
    print(f"Dagster UI: http://{host}:{port}  (DAGSTER_HOME={os.environ['DAGSTER_HOME']})")
    # dagster dev starts a webserver and a daemon: in a group of their own, stopped together
    # whether this process gets Ctrl-C or a kill (TERM), so that none is left running
    process = subprocess.Popen(command, start_new_session=True)

    def stop(signum: int, frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    try:
        return process.wait()
    finally:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _demo_corpus(seed_text: Path) -> int:
    from pipelines.datadir import DEMO_DIR
    from testkit import demo

    written = demo.write(DEMO_DIR, seed_text.read_bytes())
    print(f"wrote {len(written)} files under {DEMO_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

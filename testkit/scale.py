"""`xxgk bench --scale N`: the whole flow at size, on N generated reports (SYNTHETIC, marked so
in the registry and in every document) in a realistic mix of formats: half PDF, a third HTML,
the rest DOCX and text. Bodies are spread over real county-level divisions (40 a division) and
report for three years, so the partitions are as a province's would be.

Three runs, each in a fresh process (its wall time, the time of each step, the CPU it used on
every core and its peak memory are printed): cold, then with nothing changed, then with one
document changed and one body added.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.registry import regions
from testkit import corpus
from testkit.render import docx, html, layout, pdf, text

YEARS = (2021, 2022, 2023)
PER_DIVISION = 40
# of every 12 documents: 6 PDF, 4 HTML, 1 DOCX, 1 text
MIX = ("pdf", "html", "pdf", "html", "pdf", "docx", "pdf", "html", "pdf", "txt", "pdf", "html")
DEPARTMENTS = [
    "人民政府办公室",
    "发展和改革局",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "信访局",
    "数据资源管理局",
    "城市管理局",
    "行政审批局",
    "体育局",
    "档案局",
    "民族宗教事务局",
    "粮食和物资储备局",
    "供销合作社",
    "投资促进局",
    "乡村振兴局",
    "人民防空办公室",
    "地方金融管理局",
    "机关事务管理局",
]
SYNTHETIC = "【测试用合成数据 · SYNTHETIC BENCHMARK DATA】本报告由 xxgk 生成，数字为虚构。"
REGISTRY_COLUMNS = (
    "body_id",
    "name",
    "region_name",
    "region_code",
    "level",
    "year",
    "source",
    "synthetic",
)


@dataclass(frozen=True)
class Body:
    body_id: str
    name: str
    region_name: str
    region_code: str


def counties() -> list[regions.Division]:
    return [d for d in regions.divisions().values() if d.type in ("县", "县级市", "市辖区")]


def bodies(n_reports: int, per_division: int = PER_DIVISION, years: int = len(YEARS)) -> list[Body]:
    """The bodies of n_reports reports over `years` years, `per_division` in each county."""
    out, places = [], counties()
    for i in range(-(-n_reports // years)):
        county, j = places[i // per_division], i % per_division
        name = DEPARTMENTS[j % len(DEPARTMENTS)] + (
            f"第{j // len(DEPARTMENTS) + 1}分局" if j >= len(DEPARTMENTS) else ""
        )
        out.append(Body(f"b{i:06d}", county.name + name, county.name, county.code))
    return out


def document(body: Body, year: int, n: int, seed: int = 0) -> tuple[str, bytes]:
    """The n-th document of the corpus: (file name, bytes)."""
    report = corpus.synthetic_report("2021", n * 7 + 11 + seed)
    report.agency, report.year = body.name, year
    doc = layout.layout(report, published_on=f"{year + 1}-01-15")
    doc.blocks.insert(0, SYNTHETIC)
    fmt = MIX[n % len(MIX)]
    writers = {
        "pdf": pdf.write_pdf,
        "html": html.write_html,
        "docx": docx.write_docx,
        "txt": text.write_text,
    }
    return f"{body.body_id}-{year}.{fmt}", writers[fmt](doc)


def _write(args: tuple[Path, Body, int, int]) -> tuple[str, str, int]:
    folder, body, year, n = args
    name, data = document(body, year, n)
    (folder / name).write_bytes(data)
    return body.body_id, name, year


def generate(root: Path, n_reports: int, workers: int, per_division: int = PER_DIVISION) -> Path:
    """The corpus under `root` (kept: generated once per size); returns its registry."""
    registry = root / "registry.csv"
    marker = root / "corpus.json"
    if marker.exists() and json.loads(marker.read_text())["reports"] == n_reports:
        return registry
    folder = root / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    everyone = bodies(n_reports, per_division)
    jobs = [
        (folder, b, year, i * len(YEARS) + j)
        for i, b in enumerate(everyone)
        for j, year in enumerate(YEARS)
    ][:n_reports]
    with ProcessPoolExecutor(workers) as pool:
        written = list(pool.map(_write, jobs, chunksize=16))
    names = {(b, y): name for b, name, y in written}
    rows = [
        _row(b, year, f"documents/{names[(b.body_id, year)]}")
        for b in everyone
        for year in YEARS
        if (b.body_id, year) in names
    ]
    _write_registry(registry, rows)
    marker.write_text(json.dumps({"reports": n_reports}))
    return registry


def _row(b: Body, year: int, source: str) -> dict[str, Any]:
    return {
        "body_id": b.body_id,
        "name": b.name,
        "region_name": b.region_name,
        "region_code": b.region_code,
        "level": "department",
        "year": year,
        "source": source,
        "synthetic": "true",
    }


def _write_registry(path: Path, rows: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, REGISTRY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def change_one_and_add_one(root: Path) -> None:
    """One document re-published with other numbers; one body added (with its report)."""
    registry = root / "registry.csv"
    rows = list(csv.DictReader(registry.open(encoding="utf-8")))
    first = rows[0]
    body = Body(first["body_id"], first["name"], first["region_name"], first["region_code"])
    name, data = document(body, int(first["year"]), 0, seed=1)
    (root / "documents" / name).write_bytes(data)
    new = Body(
        "b-added", first["region_name"] + "新设局", first["region_name"], first["region_code"]
    )
    name, data = document(new, int(first["year"]), 3)
    (root / "documents" / name).write_bytes(data)
    rows.append(_row(new, int(first["year"]), f"documents/{name}"))
    _write_registry(registry, rows)


# ---- one run, measured in its own process ---------------------------------------------------


def measured(data: Path, registry: Path, workers: int) -> dict[str, Any]:
    """`xxgk run` in a fresh process (start-up and imports included): its wall time, the time
    of each step, the CPU the machine spent and the memory of the run's process tree."""
    command = [sys.executable, "-m", "xxgk.cli", "run", "--data-dir", str(data)]
    command += ["--registry", str(registry), "--workers", str(workers), "--timings"]
    before = _busy_cpu_s()
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = _TreeMemory(child.pid)
    memory.start()
    out, err = child.communicate()
    wall = time.perf_counter() - started
    memory.stop()
    if child.returncode != 0:
        raise RuntimeError((out + err)[-3000:])
    cpu = _busy_cpu_s() - before
    timings = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    return {**timings, "process_s": wall, "cpu_s": cpu, **memory.figures()}


class _TreeMemory(threading.Thread):
    """The memory of a process and every process under it, sampled every 0.2 s: the largest
    sum of their resident sets, and the largest peak (VmHWM) of any one of them."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root, self.done = root, threading.Event()
        self.total_kb, self.peaks_kb = 0, {}  # type: ignore[var-annotated]

    def run(self) -> None:
        while not self.done.wait(0.2):
            tree = _tree(self.root)
            status = {pid: _status_kb(pid) for pid in tree}
            self.total_kb = max(self.total_kb, sum(s.get("VmRSS", 0) for s in status.values()))
            for pid, s in status.items():
                self.peaks_kb[pid] = max(self.peaks_kb.get(pid, 0), s.get("VmHWM", 0))

    def stop(self) -> None:
        self.done.set()
        self.join()

    def figures(self) -> dict[str, float]:
        others = [kb for pid, kb in self.peaks_kb.items() if pid != self.root]
        return {
            "tree_rss_mb": self.total_kb / 1024,
            "largest_worker_mb": max(others, default=0) / 1024,
        }


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # ended meanwhile
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += [p for p, parent in parents.items() if parent == pid]
    return tree


def _status_kb(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {
        k: int(v.split()[0])
        for k, _, v in (line.partition(":") for line in lines)
        if k in ("VmRSS", "VmHWM")
    }


def _busy_cpu_s() -> float:
    """CPU seconds the whole machine has been busy since boot (/proc/stat). The run's process
    tree cannot be summed from rusage: its reading workers are children of a fork server that
    is never waited for. The benchmark machine is otherwise idle, so the difference is the run's.
    """
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def run(n_reports: int, folder: Path, workers: int) -> Iterator[str]:
    """The three runs; the lines to print, as each run ends."""
    cores = len(os.sched_getaffinity(0))
    started = time.perf_counter()
    corpus = generate(folder / f"corpus-{n_reports}", n_reports, cores).parent
    took = time.perf_counter() - started
    yield f"语料 corpus: {n_reports} 份报告（合成）generated or reused in {took:.0f} s"
    data = folder / f"data-{n_reports}-{workers or cores}w"
    work = folder / f"work-{n_reports}"  # the corpus as this bench changes it
    for old in (data, work):
        shutil.rmtree(old, ignore_errors=True)
    shutil.copytree(corpus, work)
    registry = work / "registry.csv"
    for label, before in (
        ("cold", None),
        ("nothing changed", None),
        ("one changed, one added", change_one_and_add_one),
    ):
        if before is not None:
            before(registry.parent)
        yield from _lines(label, measured(data, registry, workers), cores)


def _lines(label: str, f: dict[str, Any], cores: int) -> list[str]:
    steps = "，".join(f"{k} {v:.1f}s" for k, v in f["steps_s"].items() if v >= 0.05)
    release = f["release"] or {}
    return [
        f"{label}: process {f['process_s']:.1f} s (run {f['wall_s']:.1f} s), "
        f"{f['partitions_with_work']} partitions with work, "
        f"machine CPU {f['cpu_s']:.0f} s = {f['cpu_s'] / f['process_s']:.2f} of {cores} cores busy, "
        f"peak RSS {f['peak_rss_mb']:.0f} MB (process tree {f['tree_rss_mb']:.0f} MB, "
        f"largest worker {f['largest_worker_mb']:.0f} MB), "
        f"release {release.get('version')} {'new' if release.get('created') else 'kept'}",
        f"  steps: {steps}",
    ]

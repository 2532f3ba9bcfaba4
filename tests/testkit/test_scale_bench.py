"""`xxgk bench --scale N` and `--publish N` on small N: they run what they say and print their
figures (the figures themselves are recorded in the README, never asserted as timings)."""

from __future__ import annotations

import re

from xxgk.cli import main

FIGURES = r"process [\d.]+ s \(run [\d.]+ s\), (\d+) partitions with work, machine CPU \d+ s"


def test_scale_bench_runs_cold_then_nothing_then_one_change(tmp_path, capsys) -> None:
    assert main(["bench", "--scale", "24", "--workers", "2", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    runs = {
        label: line
        for line in out.splitlines()
        for label in ("cold", "nothing changed", "one changed, one added")
        if line.startswith(label + ":")
    }
    assert len(runs) == 3, out
    worked = {label: int(re.search(FIGURES, line).group(1)) for label, line in runs.items()}  # type: ignore[union-attr]
    # 24 reports of 3 years in one county: 3 partitions; one change touches one
    assert worked == {"cold": 3, "nothing changed": 0, "one changed, one added": 1}
    assert runs["cold"].endswith("release 1.0.0 new")
    assert runs["nothing changed"].endswith("release 1.0.0 kept")
    assert re.search(r"release 1\.\d+\.\d+ new$", runs["one changed, one added"])
    assert re.search(r"largest worker [1-9]\d* MB", runs["cold"])  # two reading processes
    assert "steps: " in out and "reports " in out


def test_publish_bench_builds_two_releases(tmp_path, capsys) -> None:
    assert main(["bench", "--publish", "60", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for step in ("warehouse", "checks across partitions", "release"):
        assert re.search(rf"first release: {step} [\d.]+ s", out), out
        assert re.search(rf"1 % changed, 1 % new bodies: {step} [\d.]+ s", out), out
    releases = sorted(p.name for p in tmp_path.rglob("releases/*") if p.name[0].isdigit())
    assert len(releases) == 2, releases

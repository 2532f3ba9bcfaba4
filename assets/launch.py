"""Launching the whole flow in this process, as `xxgk run` (and the benchmark) do: the registry
and the inbox are read first to know which partitions may have work, then `xxgk_pipeline` runs
over those (every partition between the first and the last of them; one that has nothing new
does no work). With no partition to do, only the whole assets run (the release says whether
anything changed). The UI runs the same job, over the partitions the data office chooses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import dagster as dg

from assets import partitions
from assets.definitions import ALL_ASSETS, defs
from assets.metadata import YES
from assets.resources import XxgkPaths
from pipelines import run

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class Launched:
    result: dg.ExecuteInProcessResult
    stale: list[str]  # partitions that had something new to read
    steps: dict[str, float]  # how long each step took (seconds)

    def release(self) -> dict[str, Any]:
        """What the release asset made: version, created (a new version?), bump, path."""
        (event,) = self.result.asset_materializations_for_node("release")
        meta = {k: v.value for k, v in event.metadata.items()}
        return {
            "version": meta["版本 version"],
            "created": meta["新版本 new version"] == YES,
            "bump": meta["升级 bump"].split()[-1] if meta["升级 bump"] else None,
            "path": meta["目录 path"],
        }


def pipeline(
    instance: dg.DagsterInstance,
    paths: XxgkPaths,
    *,
    bump: str = "auto",
    force: bool = False,
    loggers: dict[str, Any] | None = None,
) -> Launched:
    s = paths.settings()
    keys = run.registry(s).partitions
    partitions.sync(instance, keys)
    run.scan_inbox(s)
    stale = run.stale_partitions(s, keys)
    config = {**(QUIET if loggers is None else loggers)}
    config["ops"] = {"release": {"config": {"bump": bump, "force": force}}}
    tags = {"xxgk/trigger": "xxgk run"}
    if not keys:  # an empty registry: nothing to collect or read
        result = dg.materialize(
            [a for a in ALL_ASSETS if a.partitions_def is None],
            instance=instance,
            run_config=config,
            tags=tags,
            resources={"paths": paths},
            raise_on_error=False,
        )
        return Launched(result, stale, _step_seconds(instance, result))
    # with nothing new, one partition (the first) is run: it does no work, the rest of the
    # flow says whether anything changed
    tags |= partitions.range_tags(partitions.ordered(instance), stale or keys[:1])
    result = defs.resolve_job_def("xxgk_pipeline").execute_in_process(
        instance=instance,
        run_config=config,
        tags=tags,
        resources={"paths": paths},
        raise_on_error=False,
    )
    return Launched(result, stale, _step_seconds(instance, result))


def _step_seconds(
    instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult
) -> dict[str, float]:
    begun: dict[str, float] = {}
    out: dict[str, float] = {}
    for entry in instance.all_logs(result.run_id):
        event, key = entry.dagster_event, entry.step_key or ""
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            begun[key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and key in begun:
            out[key] = entry.timestamp - begun[key]
    return out

"""The partitions of the collect and read stages: one per year and administrative division,
keyed `<year>-<division code>` (`pipelines.registry.partitions` says why). Only the pairs the
registry expects a report for exist: the `registry` asset and the registry sensor add new ones
and remove those no longer registered (their history stays in the event log).
"""

from __future__ import annotations

import os
import warnings

import dagster as dg

# Dagster 1.13 calls `backfill_policy` beta and warns at every import: nothing for the data office.
warnings.filterwarnings("ignore", message=r"Parameter `backfill_policy`")

NAME = "year_division"
REPORTS = dg.DynamicPartitionsDefinition(name=NAME)
# A backfill splits the partitions into runs of this many (XXGK_PARTITIONS_PER_RUN): bigger runs
# cost Dagster less, smaller ones spread over more workers.
PER_RUN = int(os.environ.get("XXGK_PARTITIONS_PER_RUN", "20"))
BACKFILL = dg.BackfillPolicy.multi_run(max_partitions_per_run=PER_RUN)
# The tags by which a run covers a range of partitions (Dagster's own names).
RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def changes(instance: dg.DagsterInstance, keys: list[str]) -> tuple[list[str], list[str]]:
    """(keys to add, keys to remove) for the partitions to be exactly the registry's."""
    known = instance.get_dynamic_partitions(NAME)
    wanted = set(keys)
    return [k for k in keys if k not in set(known)], [k for k in known if k not in wanted]


def sync(instance: dg.DagsterInstance, keys: list[str]) -> tuple[list[str], list[str]]:
    """Make the partitions the registry's now (from an asset); returns (added, removed)."""
    added, removed = changes(instance, keys)
    if added:
        instance.add_dynamic_partitions(NAME, added)
    for k in removed:
        instance.delete_dynamic_partition(NAME, k)
    return added, removed


Request = dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest


def requests(instance: dg.DagsterInstance, keys: list[str]) -> tuple[list[Request], list[str]]:
    """The same, as requests a sensor returns; with the order the partitions will have once
    they are applied (for the run the sensor requests with them)."""
    added, removed = changes(instance, keys)
    out: list[Request] = []
    if added:
        out.append(REPORTS.build_add_request(added))
    if removed:
        out.append(REPORTS.build_delete_request(removed))
    gone = set(removed)
    return out, [k for k in ordered(instance) if k not in gone] + added


def ordered(instance: dg.DagsterInstance) -> list[str]:
    """Partition keys in the order Dagster ranges them (the order they were added)."""
    return list(instance.get_dynamic_partitions(NAME))


def range_tags(order: list[str], keys: list[str]) -> dict[str, str]:
    """Tags of one run over the partitions from the first to the last of `keys` in `order`
    (Dagster's, `ordered`): every key between them is in the run too, and does no work if
    nothing it reads changed."""
    position = {k: i for i, k in enumerate(order)}
    chosen = sorted(keys, key=position.__getitem__)
    return {RANGE_START: chosen[0], RANGE_END: chosen[-1]}

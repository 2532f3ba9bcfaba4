"""Partitions by body and by year, so that one body-year can be (re)fetched and read alone.

Both dimensions are dynamic: the keys come from the registry (`pipelines.run.partition_keys`),
added by the `registry` asset and by the registry sensor through `add_requests`. Body ids match
`^[a-z0-9][a-z0-9_-]*$` (the registry's schema), so keys never hold the commas or pipes Dagster
reserves.
"""

from __future__ import annotations

import dagster as dg

BODIES = dg.DynamicPartitionsDefinition(name="bodies")
YEARS = dg.DynamicPartitionsDefinition(name="years")
BODY_YEAR = dg.MultiPartitionsDefinition({"body": BODIES, "year": YEARS})


def new_keys(instance: dg.DagsterInstance, keys: dict[str, list[str]]) -> dict[str, list[str]]:
    """Per dimension, the registry's keys that are not partitions yet. Keys are never removed:
    a body dropped from the registry keeps its history."""
    known = {name: set(instance.get_dynamic_partitions(name)) for name in keys}
    return {name: [k for k in wanted if k not in known[name]] for name, wanted in keys.items()}


def add(instance: dg.DagsterInstance, keys: dict[str, list[str]]) -> list[str]:
    """Add the new keys now (from an asset); returns what was added."""
    added = []
    for name, new in new_keys(instance, keys).items():
        if new:
            instance.add_dynamic_partitions(name, new)
            added += new
    return added


def add_requests(
    instance: dg.DagsterInstance, keys: dict[str, list[str]]
) -> list[dg.AddDynamicPartitionsRequest]:
    """The same, as requests a sensor returns."""
    return [
        dg.AddDynamicPartitionsRequest(name, new)
        for name, new in new_keys(instance, keys).items()
        if new
    ]


def body_year_key(body_id: str, year: int) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"body": body_id, "year": str(year)})

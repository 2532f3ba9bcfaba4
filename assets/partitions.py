"""Partitions by body and by year, so that one body-year can be (re)fetched and parsed alone.

Both dimensions are dynamic: the keys are added from the registry whenever it is read (by
the `registry` asset and by the registry sensor). Body ids match `^[a-z0-9][a-z0-9_-]*$`
(the registry's schema), so keys never hold the commas or pipes Dagster reserves.
"""

from __future__ import annotations

import dagster as dg

from pipelines.registry.model import Registry

BODIES = dg.DynamicPartitionsDefinition(name="bodies")
YEARS = dg.DynamicPartitionsDefinition(name="years")
BODY_YEAR = dg.MultiPartitionsDefinition({"body": BODIES, "year": YEARS})


def sync_partitions(instance: dg.DagsterInstance, reg: Registry) -> list[str]:
    """Add the registry's bodies and years that are not partitions yet; returns what was
    added. Keys are never removed: a body dropped from the registry keeps its history."""
    added = []
    for definition, keys in (
        (BODIES, sorted({e.body_id for e in reg.entries})),
        (YEARS, sorted({str(e.year) for e in reg.entries})),
    ):
        assert definition.name is not None
        known = set(instance.get_dynamic_partitions(definition.name))
        new = [k for k in keys if k not in known]
        if new:
            instance.add_dynamic_partitions(definition.name, new)
            added += new
    return added


def body_year_key(body_id: str, year: int) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"body": body_id, "year": str(year)})

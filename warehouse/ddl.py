"""Table Schema → DuckDB and Arrow types. Generated from `schemas/`, never written by hand."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

import schemas

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "year": "INTEGER",
}
ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us"),
    "year": pa.int32(),
}


def quote(identifier: str) -> str:
    """A table or column name in SQL."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A value in SQL: strings (paths, patterns, enum members) quoted, numbers as they are."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def parquet(path: Any, *, filename: bool = False) -> str:
    """The SQL that reads a Parquet file, or a list of them (with `filename`: which file each
    row came from, as a column)."""
    if isinstance(path, list | tuple):
        source = "[" + ", ".join(literal(str(p)) for p in path) + "]"
    else:
        source = literal(str(path))
    return f"read_parquet({source}{', filename = true' if filename else ''})"


def create_table(name: str, *, constraints: bool = True) -> str:
    """CREATE TABLE for a published table; `constraints` adds NOT NULL and the primary key."""
    schema = schemas.load(name)
    columns = []
    for field in schema["fields"]:
        column = f"{quote(field['name'])} {DUCKDB_TYPES[field['type']]}"
        if constraints and field.get("constraints", {}).get("required"):
            column += " NOT NULL"
        columns.append(column)
    if constraints and schema.get("primaryKey"):
        columns.append(f"PRIMARY KEY ({', '.join(map(quote, schema['primaryKey']))})")
    return f"CREATE TABLE {quote(name)} (\n  " + ",\n  ".join(columns) + "\n)"


def arrow_schema(name: str) -> pa.Schema:
    return pa.schema(
        [pa.field(f["name"], ARROW_TYPES[f["type"]]) for f in schemas.load(name)["fields"]]
    )


class RowKeysMismatch(ValueError):
    """A row built with other keys than its table's fields: a typo would publish an empty column."""


def to_arrow(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows (dicts keyed by exactly the schema's field names) as an Arrow table of the schema's
    types; a row with a key missing or one too many is refused, never dropped or filled."""
    fields = set(schemas.field_names(name))
    for n, row in enumerate(rows, start=1):
        if row.keys() != fields:
            missing, extra = sorted(fields - row.keys()), sorted(row.keys() - fields)
            raise RowKeysMismatch(f"{name} row {n}: missing {missing}, not in the schema {extra}")
    return pa.Table.from_pylist(rows, schema=arrow_schema(name))


def order_by(name: str) -> str:
    """Published files are sorted by primary key: the same rows always give the same bytes."""
    key = schemas.primary_key(name) or schemas.field_names(name)
    return ", ".join(map(quote, key))

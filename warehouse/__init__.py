"""DuckDB warehouse: published tables loaded from the validated tables, plus SQL models."""

from pathlib import Path

HERE = Path(__file__).parent


def sql(name: str) -> str:
    """A query kept in `warehouse/queries/<name>.sql`."""
    return (HERE / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def models() -> list[Path]:
    """SQL models, applied in file-name order (each may use the ones before it)."""
    return sorted((HERE / "models").glob("*.sql"))

"""Where exported rows come from: the Parquet chunks in storage, or the engine directly.

Both yield a table's chunks in partition order, one polars frame at a time, so an export holds
one chunk in memory however large the table. `limit` stops early (fixtures need the first rows
only): the engine then generates no more than asked, storage reads no more chunks than needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import polars as pl
from upath import UPath

from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import DatasetPlan, TablePlan


class ChunkSource(Protocol):
    def row_count(self, table: TablePlan) -> int:
        """Rows the table has, known before reading any chunk."""
        ...

    def chunks(self, table: TablePlan, limit: int | None = None) -> Iterator[pl.DataFrame]:
        """The table's chunks in row order (at least one, possibly empty, frame), stopping
        after `limit` rows when given."""
        ...


class EngineSource:
    """Generates each chunk on the fly: exports need no prior materialisation."""

    def __init__(self, plan: DatasetPlan):
        self.plan = plan
        self.description = "the engine (rows generated on the fly)"

    def row_count(self, table: TablePlan) -> int:
        return table.rows

    def describe(self) -> str:
        return f"engine (seed {self.plan.seed})"

    def chunks(self, table: TablePlan, limit: int | None = None) -> Iterator[pl.DataFrame]:
        stop_at = table.rows if limit is None else min(limit, table.rows)
        for index, partition in enumerate(table.partition_keys):
            start, stop = table.chunk_bounds(partition)
            if index and start >= stop_at:
                return
            yield generate(self.plan, table.key, start, min(stop, stop_at))


class StorageSource:
    """Reads the chunks the IO manager wrote (`<storage>/<dataset>/<table>/<partition>.parquet`),
    one file at a time through fsspec. Only the planned chunks are read, so stale chunks of an
    older, larger plan are never exported; a missing chunk is an error naming it. Counting a
    table's rows (which exports and loads do for every table before writing) also reads each
    chunk's fingerprint, so a dataset mixing runs is refused first (`write/consistency.py`)."""

    def __init__(self, storage_url: str, dataset: str):
        from datagen_assets.write.consistency import ConsistencyGuard

        self.storage_url = storage_url
        self.dataset = dataset
        self.guard = ConsistencyGuard(dataset)
        self.description = f"the materialised Parquet in {storage_url}"

    def _paths(self, table: TablePlan) -> list[UPath]:
        # Imported here: the IO manager module imports Dagster, which engine exports never need.
        from datagen_assets.write.storage import existing_chunks, table_path

        keys = table.partition_keys
        found = existing_chunks(self.storage_url, self.dataset, table.key, keys)  # one listing
        missing = [key for key in keys if key not in found]
        if missing:
            folder = table_path(self.storage_url, self.dataset, table.key)
            raise FileNotFoundError(
                f"table {table.key}: chunk(s) {', '.join(missing)} missing in {folder}; "
                "materialize the dataset first, or read the rows with --from-engine"
            )
        return [UPath(found[key]) for key in keys]

    def describe(self) -> str:
        return f"storage {self.storage_url} dataset {self.dataset}"

    def row_count(self, table: TablePlan) -> int:
        import pyarrow.parquet as pq

        from datagen_assets.write.storage import fingerprint_of

        total = 0
        fingerprints = {}
        for key, path in zip(table.partition_keys, self._paths(table), strict=True):
            with path.open("rb") as handle:
                metadata = pq.ParquetFile(handle).metadata
            total += metadata.num_rows
            fingerprints[key] = fingerprint_of(metadata)
        self.guard.add(table.key, fingerprints)
        return total

    def chunks(self, table: TablePlan, limit: int | None = None) -> Iterator[pl.DataFrame]:
        from datagen_assets.write.storage import read_parquet

        remaining = limit
        for index, path in enumerate(self._paths(table)):
            if index and remaining is not None and remaining <= 0:
                return
            frame = read_parquet(path)
            if remaining is not None:
                frame = frame.head(remaining)
                remaining -= frame.height
            yield frame


def chunk_source(plan: DatasetPlan, storage_url: str | None) -> EngineSource | StorageSource:
    """Chunks from a materialisation's storage when a URL is given, else from the engine."""
    return StorageSource(storage_url, plan.name) if storage_url else EngineSource(plan)


def materialised_source(
    plan: DatasetPlan, storage_url: str, tables: list[str] | None = None
) -> EngineSource | StorageSource:
    """What was materialised when storage holds every planned chunk of the (selected)
    tables, so a load writes exactly the rows the checks validated; else the engine, which
    makes the same rows. `description` says which was chosen, and why for the engine."""
    from datagen_assets.write.storage import existing_chunks

    keys = tables if tables is not None else list(plan.tables)
    missing = []
    for key in keys:
        table = plan.table(key)
        try:
            found = existing_chunks(storage_url, plan.name, key, table.partition_keys)
        except (OSError, ValueError):
            found = {}
        if any(partition not in found for partition in table.partition_keys):
            missing.append(key)
    if not missing:
        return StorageSource(storage_url, plan.name)
    engine = EngineSource(plan)
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
    engine.description += f"; {storage_url} lacks chunks of {shown}"
    return engine

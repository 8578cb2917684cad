"""The Dagster IO manager over Parquet chunk storage (`write/storage.py`: layout, atomic writes).

Layout: `<storage>/<dataset>/<table key>/<partition key>.parquet`, one file per chunk, where
`<storage>` is an fsspec URL (`./data`, `s3://bucket/prefix`, `memory://...`). Everything goes
through `UPath`/fsspec so nothing assumes a local disk.

A chunk only ever appears under its final name complete: on a local disk it is written under a
hidden temporary name in the same folder and renamed over the final name (`os.replace`, atomic on
POSIX); on an object store it is encoded in memory and sent as one put, which stores commit
whole or not at all. Readers (the IO manager, the DuckDB checks) therefore never see a torn file,
and they only open the final names of planned chunks, never temporary ones.

dagster-polars does not support polars 2, hence this small `UPathIOManager` subclass. Unlike the
base class it also persists an output that covers several partitions (a single-run backfill):
the value is then a mapping partition key -> DataFrame, consumed one chunk at a time.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, get_args, get_origin

import polars as pl
from dagster import (
    ConfigurableIOManagerFactory,
    InputContext,
    MetadataValue,
    OutputContext,
    UPathIOManager,
)
from upath import UPath

from datagen_assets.write.storage import (  # noqa: F401 - re-exported for callers
    COMPRESSION,
    COMPRESSION_LEVEL,
    LOCAL_PROTOCOLS,
    SUFFIX,
    asset_path,
    chunk_location,
    chunk_name,
    chunk_path,
    encode_parquet,
    existing_chunks,
    existing_files,
    is_local,
    key_part,
    name_of_key_part,
    path_segment,
    read_parquet,
    storage_root,
    table_glob,
    table_path,
    write_parquet_atomic,
)

# ---------------------------------------------------------------------------- IO manager


def _wants_lazy(typing_type: Any) -> bool:
    if typing_type is pl.LazyFrame:
        return True
    return any(_wants_lazy(arg) for arg in get_args(typing_type))


def _wants_dict(typing_type: Any) -> bool:
    origin = get_origin(typing_type) or typing_type
    return isinstance(origin, type) and issubclass(origin, Mapping)


class ParquetIOManager(UPathIOManager):
    """Stores polars DataFrames as `<base>/<asset key...>/<partition>.parquet`.

    Inputs are DataFrames, or LazyFrames when annotated `pl.LazyFrame`. An input covering
    several partitions is a dict partition key -> frame when annotated as a dict, otherwise the
    chunks concatenated in partition order (what a downstream table usually wants).
    """

    extension = SUFFIX

    def __init__(self, base_path: UPath):
        super().__init__(base_path=base_path)

    # Paths: escape key components exactly as `table_path` does.
    def get_asset_relative_path(self, context: InputContext | OutputContext) -> UPath:
        return UPath(*(path_segment(part) for part in context.asset_key.path))

    def make_safe_partition_path(self, base_path: UPath, partition: str) -> UPath:
        return base_path / path_segment(partition)

    def _partition_file(self, context: OutputContext, partition_key: str) -> UPath:
        folder = self._base_path.joinpath(*self.get_asset_relative_path(context).parts)
        return folder / chunk_name(partition_key)

    def dump_to_path(self, context: OutputContext, obj: pl.DataFrame, path: UPath) -> None:
        write_parquet_atomic(_as_frame(obj), path)

    def load_from_path(self, context: InputContext, path: UPath) -> pl.DataFrame | pl.LazyFrame:
        return read_parquet(path, lazy=_wants_lazy(context.dagster_type.typing_type))

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        """Write each partition of the output; a multi-partition output must be a mapping
        partition key -> DataFrame, read one key at a time so chunks can be produced lazily."""
        if obj is None:
            return
        if not context.has_asset_partitions:
            super().handle_output(context, obj)
            return
        keys = sorted(context.asset_partition_keys)
        if len(keys) > 1 and not isinstance(obj, Mapping):
            raise TypeError(
                f"{context.asset_key.to_user_string()}: a run over {len(keys)} partitions must "
                "return a mapping partition key -> DataFrame"
            )
        total_bytes = 0
        path = None
        began = time.perf_counter()  # a lazy output is generated while it is written
        for key in keys:
            frame = _as_frame(obj[key] if isinstance(obj, Mapping) else obj)
            path = self._partition_file(context, key)
            context.log.debug(self.get_writing_output_log_message(path))
            total_bytes += write_parquet_atomic(frame, path)
            del frame  # one chunk in memory at a time
        location = path if len(keys) == 1 else path.parent
        context.add_output_metadata(
            {
                "path": MetadataValue.path(str(location)),
                "datagen/bytes_written_in_run": MetadataValue.int(total_bytes),
                "datagen/seconds_in_run": MetadataValue.float(
                    round(time.perf_counter() - began, 3)
                ),
            }
        )
        context.log.info(
            f"{context.asset_key.to_user_string()}: {len(keys)} chunk(s), {total_bytes:,} bytes "
            f"written in {time.perf_counter() - began:.2f} s"
        )

    def load_input(self, context: InputContext) -> Any:
        loaded = super().load_input(context)
        if isinstance(loaded, dict) and not _wants_dict(context.dagster_type.typing_type):
            frames = [loaded[key] for key in sorted(loaded)]
            if not frames:
                return None
            return pl.concat(frames, how="vertical_relaxed")
        return loaded


def _as_frame(obj: Any) -> pl.DataFrame:
    if isinstance(obj, pl.LazyFrame):
        return obj.collect()
    if not isinstance(obj, pl.DataFrame):
        raise TypeError(f"expected a polars DataFrame, got {type(obj).__name__}")
    return obj


class ParquetIOManagerFactory(ConfigurableIOManagerFactory):
    """The `io_manager` resource: configurable (shown in the UI), building the IO manager on the
    storage URL, `DATAGEN_STORAGE_URL` by default (see `Settings`)."""

    storage_url: str = "./data"

    def create_io_manager(self, context) -> ParquetIOManager:
        return ParquetIOManager(base_path=storage_root(self.storage_url))

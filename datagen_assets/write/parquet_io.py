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

import json
import time
from collections.abc import Mapping
from typing import Any, get_args, get_origin

import polars as pl
from dagster import (
    ConfigurableIOManagerFactory,
    InputContext,
    MetadataValue,
    OutputContext,
    StaticPartitionsDefinition,
    UPathIOManager,
)
from upath import UPath

from datagen_assets.write.storage import (  # noqa: F401 - re-exported for callers
    COMPRESSION,
    COMPRESSION_LEVEL,
    FINGERPRINT_KEY,
    LOCAL_PROTOCOLS,
    SUFFIX,
    Staged,
    asset_path,
    chunk_fingerprint,
    chunk_location,
    chunk_name,
    chunk_path,
    commit,
    discard,
    encode_parquet,
    existing_chunks,
    existing_files,
    is_local,
    key_part,
    name_of_key_part,
    path_segment,
    read_parquet,
    stage_parquet,
    storage_root,
    table_glob,
    table_path,
    tidy_table_folder,
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
        folder = self._base_path.joinpath(*self.get_asset_relative_path(context).parts)
        planned = _planned_keys(context)
        metadata = chunk_file_metadata(context.output_metadata)
        began = time.perf_counter()  # a lazy output is generated while it is written
        staged: list[Staged] = []
        rows = 0
        try:
            tidy_table_folder(folder)  # what a killed run left (`.00000.parquet.<id>.tmp`)
            for key in keys:
                frame = _as_frame(obj[key] if isinstance(obj, Mapping) else obj)
                path = self._partition_file(context, key)  # on its materialization: no log line
                staged.append(stage_parquet(frame, path, metadata))
                rows += frame.height
                del frame  # one chunk in memory at a time
            # Every chunk of the run is complete before any replaces its predecessor: a run
            # that fails midway leaves the table's chunks as they were, none half-replaced.
            commit(staged)
        except BaseException as error:
            discard(staged)
            if isinstance(error, StorageUnavailable) or not _is_storage_error(error):
                raise
            raise StorageUnavailable(
                f"{context.asset_key.to_user_string()}: storage {self._base_path} failed while "
                f"writing ({type(error).__name__}: {error}); nothing of this table was replaced. "
                "Run again once the store is reachable."
            ) from None
        total_bytes = sum(item.bytes for item in staged)
        if planned is not None:  # the folder holds exactly the plan's chunks
            removed = tidy_table_folder(folder, planned)
            if removed:
                context.log.info(
                    f"{context.asset_key.to_user_string()}: removed {len(removed)} file(s) "
                    f"outside the plan: {', '.join(removed[:5])}" + (" ..." * (len(removed) > 5))
                )
        location = staged[-1].final if len(keys) == 1 else folder
        audit = _audit_materialization(context, keys, staged, folder, rows)
        context.add_output_metadata(
            {
                "datagen/audit": MetadataValue.json(audit),
                "path": MetadataValue.path(str(location)),
                "datagen/bytes_written_in_run": MetadataValue.int(total_bytes),
                "datagen/seconds_in_run": MetadataValue.float(
                    round(time.perf_counter() - began, 3)
                ),
            }
        )
        # No summary line: each log line is an event the instance stores, and the table's
        # progress line (orchestrate.factory) and this metadata already say it all.

    def load_input(self, context: InputContext) -> Any:
        loaded = super().load_input(context)
        if isinstance(loaded, dict) and not _wants_dict(context.dagster_type.typing_type):
            frames = [loaded[key] for key in sorted(loaded)]
            if not frames:
                return None
            return pl.concat(frames, how="vertical_relaxed")
        return loaded


def _audit_materialization(
    context: OutputContext, keys: list[str], staged: list[Staged], folder: UPath, rows: int
) -> dict[str, Any]:
    """The audit record of one table's run (`datagen_assets/audit.py`): its chunks, rows and
    content hash, the storage folder written."""
    from datagen_assets.audit import record

    fingerprint = context.output_metadata.get("datagen/fingerprint")
    fingerprint = getattr(fingerprint, "data", fingerprint) or {}
    seed = context.output_metadata.get("datagen/seed")
    path = context.asset_key.path
    return record(
        "materialize",
        path[0],
        tables={
            name_of_key_part(path[-1]) if len(path) > 1 else path[-1]: {
                "rows": rows,
                "chunks": keys,
                "content_sha256": fingerprint.get("content_sha256"),
                "config_sha256": fingerprint.get("config_sha256"),
                "seed": getattr(seed, "value", seed),
            }
        },
        read="engine",
        written=str(folder),
        run_id=context.run_id,
        bytes=sum(item.bytes for item in staged),
    )


class StorageUnavailable(OSError):
    """The object store or disk failed mid-run: one message naming the table and the store."""


def _is_storage_error(error: BaseException) -> bool:
    """Errors of the store itself (a connection refused, a timeout, a full disk), not of the
    data: those become one `StorageUnavailable` message instead of a botocore traceback."""
    if isinstance(error, OSError | TimeoutError | ConnectionError):
        return True
    module = type(error).__module__ or ""
    return module.startswith(("botocore", "aiobotocore", "aiohttp", "s3fs", "urllib3"))


def _planned_keys(context: OutputContext) -> list[str] | None:
    """Every partition key of the asset's plan (its static partitions), None when unknown."""
    partitions = context.asset_partitions_def if context.has_asset_partitions else None
    if isinstance(partitions, StaticPartitionsDefinition):
        return list(partitions.get_partition_keys())
    return None


def chunk_file_metadata(output_metadata: Mapping[str, Any]) -> dict[str, str]:
    """The Parquet key-value metadata of a run's chunks: the table's fingerprint, when the
    asset recorded one (`datagen/fingerprint`), so readers can refuse a mixed dataset."""
    value = output_metadata.get("datagen/fingerprint")
    data = getattr(value, "data", value)
    if not isinstance(data, Mapping):
        return {}
    seed = output_metadata.get("datagen/seed")
    record = {**data, "seed": getattr(seed, "value", seed)}
    return {FINGERPRINT_KEY: json.dumps(record, sort_keys=True, default=str)}


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

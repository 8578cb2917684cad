"""Parquet storage of table chunks: the layout, an atomic writer and a Dagster IO manager.

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

import io
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, get_args, get_origin

import polars as pl
from dagster import (
    ConfigurableIOManagerFactory,
    InputContext,
    MetadataValue,
    OutputContext,
    UPathIOManager,
)
from fsspec.implementations.local import LocalFileSystem
from upath import UPath

SUFFIX = ".parquet"
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3
LOCAL_PROTOCOLS = ("", "file", "local")


# ---------------------------------------------------------------------------- layout


def storage_root(storage_url: str) -> UPath:
    """The storage base as a UPath; a local folder is made absolute, so every process (code
    server, run worker, CLI) resolves it to the same place whatever its working directory."""
    root = UPath(storage_url)
    if root.protocol in LOCAL_PROTOCOLS:
        root = UPath(os.path.abspath(os.path.expanduser(root.path)))
    return root


def path_segment(name: str) -> str:
    """One path segment for a dataset or table key. A key like `bookings.flights` stays one
    segment; the few characters that would change the path's meaning are percent-escaped."""
    escaped = name.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")
    return "%2E" + escaped[1:] if escaped.startswith(".") else escaped


def asset_path(storage_url: str, key_path: Sequence[str]) -> UPath:
    """The folder of an asset's chunks: one escaped segment per asset key part. The IO manager
    and the checks both use it, so they agree even under a custom translator's keys."""
    return storage_root(storage_url).joinpath(*(path_segment(part) for part in key_path))


def table_path(storage_url: str, dataset: str, table_key: str) -> UPath:
    """The folder holding every chunk of a table under the default `[dataset, table]` key."""
    return asset_path(storage_url, (dataset, table_key))


def chunk_path(storage_url: str, dataset: str, table_key: str, partition_key: str) -> UPath:
    """The final name of one chunk."""
    return table_path(storage_url, dataset, table_key) / chunk_name(partition_key)


def chunk_name(partition_key: str) -> str:
    return f"{path_segment(partition_key)}{SUFFIX}"


def table_glob(storage_url: str, dataset: str, table_key: str) -> str:
    """A glob over a table's final chunk names (temporary names never match it), for ad-hoc
    reads such as `duckdb.read_parquet(table_glob(...))`. Checks use `existing_chunks` instead,
    which cannot pick up stale chunks of an older, larger plan."""
    return str(table_path(storage_url, dataset, table_key) / f"*{SUFFIX}")


def existing_chunks(
    storage_url: str, dataset: str, table_key: str, partition_keys: Sequence[str]
) -> dict[str, str]:
    """Partition key -> file of the planned chunks of a table that exist now."""
    return existing_files(table_path(storage_url, dataset, table_key), partition_keys)


def existing_files(folder: UPath, partition_keys: Sequence[str]) -> dict[str, str]:
    """Partition key -> file (see `chunk_location`) of the planned chunks in `folder` that
    exist now, listing the folder once (one request on an object store, not one per chunk)."""
    try:
        listed = folder.fs.ls(folder.path, detail=False)
    except (FileNotFoundError, NotADirectoryError):
        return {}
    names = {str(p).rstrip("/").rsplit("/", 1)[-1] for p in listed}
    return {
        key: chunk_location(folder / chunk_name(key))
        for key in partition_keys
        if chunk_name(key) in names
    }


def chunk_location(path: UPath) -> str:
    """How readers outside fsspec (DuckDB, polars) should name a file: a plain path when local,
    the full URL otherwise."""
    return path.path if is_local(path) else str(path)


def is_local(path: UPath) -> bool:
    return isinstance(path.fs, LocalFileSystem)


# ---------------------------------------------------------------------------- read / write


def encode_parquet(frame: pl.DataFrame, target: str | io.BytesIO) -> None:
    """The one place chunks are encoded, so every writer uses the same settings."""
    frame.write_parquet(target, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL)


def write_parquet_atomic(frame: pl.DataFrame, path: UPath) -> int:
    """Write `frame` to `path` so that the final name holds either the previous content or the
    complete new file, never a partial one. Returns the bytes written."""
    if is_local(path):
        final = path.path
        os.makedirs(os.path.dirname(final), exist_ok=True)
        temporary = os.path.join(
            os.path.dirname(final), f".{os.path.basename(final)}.{uuid.uuid4().hex}.tmp"
        )
        try:
            encode_parquet(frame, temporary)
            descriptor = os.open(temporary, os.O_RDONLY)
            try:
                os.fsync(descriptor)  # the rename must not outlive the data on a power cut
            finally:
                os.close(descriptor)
            size = os.path.getsize(temporary)
            os.replace(temporary, final)
        except BaseException:
            if os.path.exists(temporary):
                os.remove(temporary)
            raise
        return size
    buffer = io.BytesIO()
    encode_parquet(frame, buffer)
    data = buffer.getvalue()
    path.fs.pipe_file(path.path, data)  # one put: the object appears whole or not at all
    return len(data)


def read_parquet(path: UPath, lazy: bool = False) -> pl.DataFrame | pl.LazyFrame:
    """Read one chunk; a LazyFrame scans local files lazily (remote ones are read first)."""
    if not path.exists():
        raise FileNotFoundError(str(path))
    if is_local(path):
        return pl.scan_parquet(path.path) if lazy else pl.read_parquet(path.path)
    with path.open("rb") as handle:
        frame = pl.read_parquet(handle)
    return frame.lazy() if lazy else frame


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
            }
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

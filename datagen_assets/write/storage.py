"""Parquet storage of table chunks: the layout and an atomic writer, with no Dagster import.

Layout: `<storage>/<dataset>/<table key>/<partition key>.parquet`, one file per chunk, where
`<storage>` is an fsspec URL (`./data`, `s3://bucket/prefix`, `memory://...`). Everything goes
through `UPath`/fsspec so nothing assumes a local disk.

A chunk only ever appears under its final name complete: on a local disk it is written under a
hidden temporary name in the same folder and renamed over the final name (`os.replace`, atomic on
POSIX); on an object store it is encoded in memory and sent as one put, which stores commit
whole or not at all. Readers (the IO manager, the DuckDB checks, exports) therefore never see a
torn file, and they only open the final names of planned chunks, never temporary ones.

An object store needs no configuration here beyond its URL: s3fs (through botocore) reads the
usual AWS variables itself, credentials, `AWS_DEFAULT_REGION` and `AWS_ENDPOINT_URL` /
`AWS_ENDPOINT_URL_S3` for a non-AWS endpoint (MinIO, moto). fsspec keeps one filesystem per
process and s3fs caches folder listings in it, so every listing and read here first drops
what is cached about its path (`refresh`): a long-lived process (code server, sensor daemon)
would otherwise keep missing the chunks another process wrote after its first listing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import socket
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl
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


# Longest path segment written as is; longer ones keep a prefix and a digest of the whole
# (most filesystems cap a segment at 255 bytes, and an escaped non-Latin name grows 7-fold).
MAX_SEGMENT = 200
_KEY_LITERAL = re.compile(r"[A-Za-z0-9]")
_KEY_ESCAPE = re.compile(r"__([0-9a-f]*)_")


def key_part(name: str) -> str:
    """The Dagster asset key part (and storage folder) of a table key: any identifier a
    database accepts (spaces, `/`, `%`, newlines, emoji, non-Latin letters, a schema-qualified
    `bookings.flights`) becomes a name matching Dagster's rule `^[A-Za-z0-9_]+$`.

    Stable (a function of the name alone, so adding a table never renames another) and
    reversible (`name_of_key_part`). Names that already follow the rule with every `_`
    followed by a letter or digit (almost every real table: `order_items`, `Customer`) are
    kept as they are; any other character is written `__<hex code point>_`, a `.` as `___`
    (`bookings.flights` -> `bookings___flights`), and so is an `_` not followed by a letter or
    digit. Decoding reads `_` + letter/digit as a literal `_` and `__` as an escape, so the two
    never overlap."""
    if not name:
        raise ValueError("an empty name has no asset key")
    out = []
    for position, char in enumerate(name):
        following = name[position + 1 : position + 2]
        if _KEY_LITERAL.fullmatch(char) or (char == "_" and _KEY_LITERAL.fullmatch(following)):
            out.append(char)
        else:
            out.append("___" if char == "." else f"__{ord(char):x}_")
    return "".join(out)


def name_of_key_part(part: str) -> str:
    """The table key an asset key part stands for: the inverse of `key_part`."""
    out = []
    position = 0
    while position < len(part):
        if part.startswith("__", position):
            match = _KEY_ESCAPE.match(part, position)
            if match is None:
                raise ValueError(f"{part!r} is not an encoded key part (at {position})")
            out.append(chr(int(match[1], 16)) if match[1] else ".")
            position = match.end()
        else:
            out.append(part[position])
            position += 1
    return "".join(out)


def path_segment(name: str) -> str:
    """One path segment for a dataset name, key part or label. The few characters that would
    change the path's meaning are percent-escaped; a segment too long for a filesystem keeps a
    prefix and a digest of the whole name (unique, stable)."""
    escaped = name.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")
    escaped = "%2E" + escaped[1:] if escaped.startswith(".") else escaped
    if len(escaped.encode()) > MAX_SEGMENT:
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        escaped = escaped.encode()[: MAX_SEGMENT - 17].decode(errors="ignore") + "_" + digest
    return escaped


def asset_path(storage_url: str, key_path: Sequence[str]) -> UPath:
    """The folder of an asset's chunks: one escaped segment per asset key part. The IO manager
    and the checks both use it, so they agree even under a custom translator's keys."""
    return storage_root(storage_url).joinpath(*(path_segment(part) for part in key_path))


def table_path(storage_url: str, dataset: str, table_key: str) -> UPath:
    """The folder holding every chunk of a table under the default `[dataset, key_part(table)]`
    asset key."""
    return asset_path(storage_url, (dataset, key_part(table_key)))


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
    refresh(folder)
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


def refresh(path: UPath) -> None:
    """Forget listings the process's filesystem cached for `path` and its parents, so the next
    listing, `exists` or open asks the store (s3fs answers `exists`/`info` of a file from a
    cached listing of its folder, which misses files written since by another process)."""
    if not is_local(path):
        path.fs.invalidate_cache(path.path)


# ---------------------------------------------------------------------------- read / write


# Parquet key-value metadata of every chunk a run writes: the table's fingerprint
# (`generate/fingerprint.py`), so any reader can tell which config, seed, schema and code made
# it, and refuse a dataset whose tables or chunks disagree (`chunk_generation`).
FINGERPRINT_KEY = "datagen.fingerprint"
TEMPORARY_SUFFIX = ".tmp"
# A temporary file older than this is a leftover whoever wrote it (a writer on another host of a
# shared folder, whose process this host cannot see); one of a dead local process goes at once.
LEFTOVER_AGE_SECONDS = 3600
_HOST = re.sub(r"[^A-Za-z0-9]+", "", socket.gethostname())[:32] or "host"


def encode_parquet(
    frame: pl.DataFrame, target: str | io.BytesIO, metadata: Mapping[str, str] | None = None
) -> None:
    """The one place chunks are encoded, so every writer uses the same settings."""
    frame.write_parquet(
        target,
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        metadata=dict(metadata) if metadata else None,
    )


@dataclass(frozen=True)
class Staged:
    """A chunk written completely under a hidden temporary name, not yet visible."""

    temporary: UPath
    final: UPath
    bytes: int


def temporary_path(final: UPath) -> UPath:
    """`.<name>.<host>-<pid>-<random>.tmp` beside `final`: hidden, never matching a chunk
    name, and saying which process wrote it, so a later run can tell a leftover of a killed
    writer (`remove_leftovers`) from the file of a writer still running."""
    token = f"{_HOST}-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    return final.parent / f".{final.name}.{token}{TEMPORARY_SUFFIX}"


def stage_parquet(
    frame: pl.DataFrame, final: UPath, metadata: Mapping[str, str] | None = None
) -> Staged:
    """Write `frame` completely (fsynced on a local disk) under a temporary name beside
    `final`; `commit` makes it visible. On an object store the temporary object is one put."""
    temporary = temporary_path(final)
    if is_local(final):
        os.makedirs(os.path.dirname(final.path), exist_ok=True)
        try:
            encode_parquet(frame, temporary.path, metadata)
            descriptor = os.open(temporary.path, os.O_RDONLY)
            try:
                os.fsync(descriptor)  # the rename must not outlive the data on a power cut
            finally:
                os.close(descriptor)
            return Staged(temporary, final, os.path.getsize(temporary.path))
        except BaseException:
            _remove_quietly(temporary)
            raise
    buffer = io.BytesIO()
    encode_parquet(frame, buffer, metadata)
    data = buffer.getvalue()
    try:
        final.fs.pipe_file(temporary.path, data)  # one put: whole or not at all
    except BaseException:
        _remove_quietly(temporary)
        raise
    return Staged(temporary, final, len(data))


def commit(staged: Sequence[Staged]) -> None:
    """Make staged chunks visible under their final names, all after all are written: a run
    that fails before this leaves every chunk of the table as it was. Local renames are atomic
    (`os.replace`) and take microseconds each; an object store copies each object server-side
    and deletes the temporary one."""
    for item in staged:
        if is_local(item.final):
            os.replace(item.temporary.path, item.final.path)
        else:
            item.final.fs.mv(item.temporary.path, item.final.path)
    folders = {item.final.parent.path for item in staged if is_local(item.final)}
    for folder in folders:  # the renames themselves survive a power cut
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def discard(staged: Sequence[Staged]) -> None:
    """Remove staged temporary files (a run failed before committing them)."""
    for item in staged:
        _remove_quietly(item.temporary)


def _remove_quietly(path: UPath) -> None:
    try:
        if is_local(path):
            if os.path.exists(path.path):
                os.remove(path.path)
        else:
            path.fs.rm_file(path.path)
    except (FileNotFoundError, OSError):
        pass  # best effort: a leftover is removed by the next run (`remove_leftovers`)


def write_parquet_atomic(
    frame: pl.DataFrame, path: UPath, metadata: Mapping[str, str] | None = None
) -> int:
    """Write `frame` to `path` so that the final name holds either the previous content or the
    complete new file, never a partial one. Returns the bytes written."""
    staged = stage_parquet(frame, path, metadata)
    try:
        commit([staged])
    except BaseException:
        discard([staged])
        raise
    return staged.bytes


def _listing(folder: UPath) -> list[dict]:
    refresh(folder)
    try:
        return folder.fs.ls(folder.path, detail=True)
    except (FileNotFoundError, NotADirectoryError):
        return []


def _is_leftover(name: str, entry: Mapping, now: float) -> bool:
    """Whether a temporary file is one no live writer will commit: its process (on this host)
    is gone, or it is older than `LEFTOVER_AGE_SECONDS`."""
    match = re.fullmatch(r"\..+\.([A-Za-z0-9]+)-(\d+)-[0-9a-f]+\.tmp", name)
    modified = entry.get("mtime") or entry.get("LastModified") or entry.get("created")
    if hasattr(modified, "timestamp"):
        modified = modified.timestamp()
    if modified is not None and now - float(modified) > LEFTOVER_AGE_SECONDS:
        return True
    if match is None:  # an older DataGen's `.name.<uuid>.tmp`: no live process to ask
        return re.fullmatch(r"\..+\.[0-9a-f]{32}\.tmp", name) is not None
    host, pid = match[1], int(match[2])
    return host == _HOST and not _process_alive(pid)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tidy_table_folder(folder: UPath, planned_keys: Sequence[str] | None = None) -> list[str]:
    """Remove from a table's folder what no reader may see: temporary files a killed run left
    behind and, when `planned_keys` are given, chunks outside the plan (a bigger earlier run's
    `00007.parquet` when the plan now has 4 chunks). Returns the names removed. Files that are
    neither chunks nor temporary files (a user's notes) are left alone."""
    planned = None if planned_keys is None else {chunk_name(k) for k in planned_keys}
    now = time.time()
    removed = []
    for entry in _listing(folder):
        name = str(entry["name"]).rstrip("/").rsplit("/", 1)[-1]
        if entry.get("type") == "directory":
            continue
        stale_chunk = (
            planned is not None
            and name.endswith(SUFFIX)
            and not name.startswith(".")
            and name not in planned
        )
        if stale_chunk or (name.endswith(TEMPORARY_SUFFIX) and _is_leftover(name, entry, now)):
            _remove_quietly(folder / name)
            removed.append(name)
    if removed:
        refresh(folder)
    return removed


def chunk_fingerprint(location: str | UPath) -> dict | None:
    """The fingerprint a chunk was written with (`FINGERPRINT_KEY`), None when it has none
    (written by hand or by an older DataGen). Reads the footer only."""
    import pyarrow.parquet as pq

    path = location if isinstance(location, UPath) else UPath(location)
    with path.open("rb") as handle:
        return fingerprint_of(pq.ParquetFile(handle).metadata)


def fingerprint_of(parquet_metadata) -> dict | None:
    """The fingerprint in a pyarrow `FileMetaData`, None when absent or unreadable."""
    raw = (parquet_metadata.metadata or {}).get(FINGERPRINT_KEY.encode())
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def read_parquet(path: UPath, lazy: bool = False) -> pl.DataFrame | pl.LazyFrame:
    """Read one chunk; a LazyFrame scans local files lazily (remote ones are read first)."""
    refresh(path)
    if not path.exists():
        raise FileNotFoundError(str(path))
    if is_local(path):
        return pl.scan_parquet(path.path) if lazy else pl.read_parquet(path.path)
    with path.open("rb") as handle:
        frame = pl.read_parquet(handle)
    return frame.lazy() if lazy else frame

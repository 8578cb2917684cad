"""The one way DataGen reads written Parquet chunks with DuckDB: an in-process connection that
can open object-store URLs (through their fsspec filesystem), an explicit list of files (never
a glob, so temporary and unplanned files are never read) and quoting of identifiers and
literals. Used by the constraint checks, the quality report and the PII scan."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable

import duckdb

# What a connection's operators may hold in memory before spilling to disk. A uniqueness or
# foreign-key check groups or joins every row of a table: without a limit DuckDB's hash tables
# grow with the table (10M keys: ~500-800 MB), so a run's peak memory grew with the scale.
# With it the checks of any size fit in the same memory, spilling beyond (shop S=10's checks:
# peak 477 MB at 256MB, 349 MB at 128MB, about as fast).
MEMORY_LIMIT = "128MB"


def open_connection() -> duckdb.DuckDBPyConnection:
    """An in-process DuckDB connection bounded to `MEMORY_LIMIT`, spilling to a folder of the
    system's temporary directory (DuckDB's default, `.tmp` in the working directory, would
    litter the user's project; the folder goes when the connection closes), without the
    progress bar DuckDB otherwise prints over the command's output on a long check."""
    spill = os.path.join(tempfile.gettempdir(), f"datagen-duckdb-{os.getpid()}")
    con = duckdb.connect(config={"memory_limit": MEMORY_LIMIT, "temp_directory": spill})
    con.execute("SET enable_progress_bar = false")  # a session option, not a config one
    return con


_UNITS = {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "KB": 10**3, "MB": 10**6,
          "GB": 10**9, "TB": 10**12, "bytes": 1}  # fmt: skip


def memory_limit_bytes(con: duckdb.DuckDBPyConnection) -> int:
    """The connection's memory limit in bytes (DuckDB reports it as `122.0 MiB`)."""
    value, unit = con.execute("SELECT current_setting('memory_limit')").fetchone()[0].split()
    return int(float(value) * _UNITS[unit])


def raise_memory_limit(con: duckdb.DuckDBPyConnection) -> bool:
    """Double the connection's memory limit, up to half the machine's memory, after a query
    ran out of it even spilling (DuckDB's aggregates and joins need some memory whatever they
    spill: a PRIMARY KEY check over 100M rows fails at 128MB). False when at the cap already."""
    cap = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    current = memory_limit_bytes(con)  # as DuckDB rounds it for display: 11.5 GiB
    if current >= cap * 0.95:
        return False
    con.execute(f"SET memory_limit = '{min(current * 2, cap) // 2**20}MiB'")
    return memory_limit_bytes(con) > current


class connect:  # noqa: N801 - used like a function: `with connect(files) as con:`
    """Use the given connection, or open an in-process one (closed on exit) that can read the
    given file URLs: non-local protocols are served by their fsspec filesystem."""

    def __init__(self, files: Iterable[str], con: duckdb.DuckDBPyConnection | None = None):
        self.owned = con is None
        self.con = con or open_connection()
        register_filesystems(self.con, files)

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        return self.con

    def __exit__(self, *exc) -> None:
        if self.owned:
            self.con.close()


def register_filesystems(con: duckdb.DuckDBPyConnection, files: Iterable[str]) -> None:
    """Object-store URLs (`s3://`, `memory://`...) are read through their fsspec filesystem."""
    protocols = {f.split("://", 1)[0] for f in files if "://" in f and not f.startswith("file://")}
    for protocol in sorted(protocols):
        import fsspec  # only when a non-local file is read

        filesystem = fsspec.filesystem(protocol)
        name = (
            filesystem.protocol if isinstance(filesystem.protocol, str) else filesystem.protocol[0]
        )
        if not con.filesystem_is_registered(name):
            con.register_filesystem(filesystem)


def parquet_source(files: Iterable[str]) -> str:
    """`read_parquet` over an explicit list of files."""
    listed = ", ".join(literal(f) for f in files)
    return f"read_parquet([{listed}], union_by_name = true)"


def quote(identifier: str) -> str:
    """A quoted SQL identifier: mixed case and reserved words survive."""
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"

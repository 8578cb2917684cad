"""The one way DataGen reads written Parquet chunks with DuckDB: an in-process connection that
can open object-store URLs (through their fsspec filesystem), an explicit list of files (never
a glob, so temporary and unplanned files are never read) and quoting of identifiers and
literals. Used by the constraint checks, the quality report and the PII scan."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb


class connect:  # noqa: N801 - used like a function: `with connect(files) as con:`
    """Use the given connection, or open an in-process one (closed on exit) that can read the
    given file URLs: non-local protocols are served by their fsspec filesystem."""

    def __init__(self, files: Iterable[str], con: duckdb.DuckDBPyConnection | None = None):
        self.owned = con is None
        self.con = con or duckdb.connect()
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

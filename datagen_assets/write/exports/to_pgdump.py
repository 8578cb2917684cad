"""A PostgreSQL dump: one .sql file that `psql -v ON_ERROR_STOP=1 -f` loads into an empty
database, in one transaction (a failed load leaves nothing behind).

Layout, as pg_dump orders it: settings, schemas and enum types, tables, each table's data as a
`COPY ... FROM stdin;` block in COPY's text format, then keys, uniques, indexes, checks and
foreign keys, then sequences moved past the loaded keys. The data is rendered like
`copy_frame` renders it (`to_copy_text` for intervals, bytea and arrays) and then escaped
for the text format: backslash, tab, newline and carriage return as `\\\\`, `\\t`, `\\n`, `\\r`;
NULL as `\\N`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import BinaryIO

import polars as pl

from datagen_assets.write.exports import pg_ddl
from datagen_assets.write.exports.base import ExportOptions, TableChunks
from datagen_assets.write.postgres import to_copy_text

NULL = r"\N"
COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
HEADER = """\
-- DataGen dump: load into an empty database with
--   psql -v ON_ERROR_STOP=1 -f <this file>
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SET client_min_messages = warning;
BEGIN;
"""


def copy_text(frame: pl.DataFrame) -> bytes:
    """A frame in COPY's text format: tab-separated lines, `\\N` for NULL, escapes applied."""
    escaped = to_copy_text(frame).with_columns(
        pl.col(pl.String).str.replace_many(list(COPY_ESCAPES), list(COPY_ESCAPES.values()))
    )
    buffer = io.BytesIO()
    escaped.write_csv(
        buffer, include_header=False, separator="\t", quote_style="never", null_value=NULL
    )
    return buffer.getvalue()


def write(tables: Sequence[TableChunks], out: BinaryIO, options: ExportOptions) -> None:
    schema_tables = [t.table for t in tables]
    out.write(HEADER.encode())
    statements = pg_ddl.create_statements(schema_tables, options.schema_dialect)
    out.write(("\n".join(statements) + "\n\n").encode())
    for table in tables:
        loaded = pg_ddl.loaded_columns(table.table, options.schema_dialect)
        if not loaded:  # a table of no columns holds no rows: COPY t () is a syntax error
            continue
        columns = pg_ddl.column_list(loaded)
        out.write(f"COPY {pg_ddl.table_name(table.table)} ({columns}) FROM stdin;\n".encode())
        for chunk in table:
            out.write(copy_text(chunk.select(loaded)))
        out.write(b"\\.\n\n")
    finishing = pg_ddl.constraint_statements(schema_tables)
    finishing += [s for t in schema_tables for s in pg_ddl.setval_statements(t)]
    out.write(("\n".join(finishing) + "\nCOMMIT;\n").encode())

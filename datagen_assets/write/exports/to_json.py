"""JSON: one array of row objects per table, streamed as `[`, each chunk's rows, `]`.

polars renders each chunk (numbers as numbers, decimals as strings so no digit is lost,
temporal values as ISO text, arrays as arrays); bytea and intervals, which JSON has no form
for, take their PostgreSQL text form as in CSV. `pretty` (the fixtures profile) re-indents the
rows for diff-friendly review; it goes through Python's json, fine for the few rows fixtures
keep.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import BinaryIO

import polars as pl

from datagen_assets.write.exports.base import ExportOptions, TableChunks
from datagen_assets.write.postgres import to_copy_text


def json_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with binary and interval columns as text; arrays stay arrays."""
    flat = [name for name, dtype in frame.schema.items() if not isinstance(dtype, pl.List)]
    return frame.with_columns(to_copy_text(frame.select(flat)).get_columns())


def write(tables: Sequence[TableChunks], out: BinaryIO, options: ExportOptions) -> None:
    (table,) = tables
    out.write(b"[")
    first = True
    for chunk in table:
        if chunk.height == 0:
            continue
        rows = json_ready(chunk).write_json()[1:-1]  # the rows without the enclosing [ ]
        if options.pretty:
            rows = ",".join(_indented(row) for row in json.loads(f"[{rows}]"))
        out.write((rows if first else "," + rows).encode())
        first = False
    out.write(b"\n]\n" if options.pretty and not first else b"]\n")


def _indented(row: dict) -> str:
    text = json.dumps(row, indent=2, ensure_ascii=False)
    return "\n  " + text.replace("\n", "\n  ")

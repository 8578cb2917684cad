"""Parquet: one file per table, each chunk appended as its own row group by pyarrow's
ParquetWriter, zstd level 3 like the stored chunks. The file carries no timestamp, so the same
rows give the same bytes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

import pyarrow.parquet as pq

from datagen_assets.write.exports.base import ExportOptions, TableChunks

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3


def write(tables: Sequence[TableChunks], out: BinaryIO, options: ExportOptions) -> None:
    (table,) = tables
    writer = None
    try:
        for chunk in table:
            arrow = chunk.to_arrow()
            if writer is None:
                schema = arrow.schema
                writer = pq.ParquetWriter(
                    out, schema, compression=COMPRESSION, compression_level=COMPRESSION_LEVEL
                )
            elif arrow.schema != schema:
                arrow = arrow.cast(schema)  # e.g. a chunk that is all NULL
            writer.write_table(arrow)
    finally:
        if writer is not None:
            writer.close()  # also on failure, while `out` is open (the file is discarded)
    if writer is None:
        raise ValueError(f"table {table.key}: the source yielded no chunk")

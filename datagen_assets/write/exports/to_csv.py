"""CSV: a header line, then every chunk as polars writes it (RFC 4180 quoting: fields with a
comma, quote or line break are quoted and quotes doubled). NULL is an empty field.

Types CSV has no form for (intervals, bytea, arrays) take their PostgreSQL text form, the same
one COPY loads, so a CSV export can be loaded back with `COPY ... (FORMAT csv, HEADER)`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import BinaryIO

from datagen_assets.write.exports.base import ExportOptions, TableChunks
from datagen_assets.write.postgres import to_copy_text


def write(tables: Sequence[TableChunks], out: BinaryIO, options: ExportOptions) -> None:
    (table,) = tables
    for index, chunk in enumerate(table):
        buffer = io.BytesIO()
        to_copy_text(chunk).write_csv(buffer, include_header=index == 0)
        out.write(buffer.getbuffer())

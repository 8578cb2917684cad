"""JSON Lines: one JSON object per row and line, the same values as the JSON format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import BinaryIO

from datagen_assets.write.exports.base import ExportOptions, TableChunks
from datagen_assets.write.exports.to_json import json_ready


def write(tables: Sequence[TableChunks], out: BinaryIO, options: ExportOptions) -> None:
    (table,) = tables
    for chunk in table:
        out.write(json_ready(chunk).write_ndjson().encode())

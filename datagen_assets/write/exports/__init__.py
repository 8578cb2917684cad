"""Exports: a generated dataset as files other tools read (CSV, JSON, JSON Lines, Excel,
Parquet, SQL INSERTs, a PostgreSQL dump), optionally compressed, with a manifest.

    from datagen_assets.write.exports import EngineSource, export_dataset
    export_dataset(plan, EngineSource(plan), "csv", "exports/shop-csv", compression="gzip")

or `python -m datagen_assets.write.exports --dataset shop --format csv --out exports/shop-csv`.
Rows stream chunk by chunk from a `ChunkSource` (Parquet storage or the engine), so memory is
bounded by the chunk size; files appear only complete (see `output`), and two runs with the
same inputs give byte-identical files and manifests.
"""

from __future__ import annotations

from datagen_assets.write.exports.api import PROFILES, export_dataset, export_profile
from datagen_assets.write.exports.base import Exporter, ExportOptions, TableChunks
from datagen_assets.write.exports.cli import main
from datagen_assets.write.exports.manifest import MANIFEST_NAME, Manifest
from datagen_assets.write.exports.output import COMPRESSIONS, WrittenFile
from datagen_assets.write.exports.registry import FORMATS
from datagen_assets.write.exports.sources import ChunkSource, EngineSource, StorageSource

__all__ = [
    "COMPRESSIONS",
    "FORMATS",
    "MANIFEST_NAME",
    "PROFILES",
    "ChunkSource",
    "EngineSource",
    "ExportOptions",
    "Exporter",
    "Manifest",
    "StorageSource",
    "TableChunks",
    "WrittenFile",
    "export_dataset",
    "export_profile",
    "main",
]

"""The manifest of an export run: what went in (dataset, seed, config, schema, package versions)
and what came out (rows per table, size and sha256 per file).

It holds no timestamp, host or path outside the export folder, so two runs with the same inputs
produce byte-identical manifests: comparing two manifests is comparing two exports.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from datagen_assets.dataset import Dataset
from datagen_assets.write.exports.output import WrittenFile

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
PACKAGES = ("datagen", "polars", "pyarrow", "faker", "sqlglot", "duckdb")


@dataclass(frozen=True)
class Manifest:
    dataset: str
    seed: int
    config_sha256: str
    schema_sha256: str
    format: str
    options: dict[str, Any]
    packages: dict[str, str]
    tables: dict[str, int]  # table key -> rows written, in export order
    files: tuple[WrittenFile, ...] = ()
    profile: str | None = None
    manifest_version: int = field(default=MANIFEST_VERSION)

    def to_json(self) -> str:
        body = {
            "manifest_version": self.manifest_version,
            "dataset": self.dataset,
            "profile": self.profile,
            "format": self.format,
            "options": self.options,
            "seed": self.seed,
            "config_sha256": self.config_sha256,
            "schema_sha256": self.schema_sha256,
            "packages": self.packages,
            "tables": [{"table": key, "rows": rows} for key, rows in self.tables.items()],
            "files": [dataclasses.asdict(f) for f in self.files],
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        body = json.loads(text)
        return cls(
            dataset=body["dataset"],
            seed=body["seed"],
            config_sha256=body["config_sha256"],
            schema_sha256=body["schema_sha256"],
            format=body["format"],
            options=body["options"],
            packages=body["packages"],
            tables={t["table"]: t["rows"] for t in body["tables"]},
            files=tuple(WrittenFile(**f) for f in body["files"]),
            profile=body["profile"],
            manifest_version=body["manifest_version"],
        )


def config_sha256(dataset: Dataset) -> str:
    """sha256 of the canonical JSON of the effective config (environment overrides applied),
    so a changed seed, scale or generator parameter changes the hash."""
    canonical = json.dumps(
        dataclasses.asdict(dataset.config),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def schema_sha256(dataset: Dataset) -> str:
    return hashlib.sha256(dataset.schema_path.read_bytes()).hexdigest()


def package_versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Versions of the packages whose behaviour shapes the bytes (plus the writer's own)."""
    versions = {}
    for name in (*PACKAGES, *extra):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions

"""The manifest of an export run: what went in (dataset, seed, config, schema, package versions,
content hash and Faker pools) and what came out (rows per table, size and sha256 per file).

It holds no timestamp, host or path outside the export folder, so two runs with the same inputs
produce byte-identical manifests: comparing two manifests is comparing two exports.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from datagen_assets.generate.fingerprint import package_versions
from datagen_assets.write.exports.output import WrittenFile

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2  # 2: content_sha256 and pools
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
    # Hash of the generated content's inputs (generate/fingerprint.py) and the Faker pools
    # behind it: equal hashes mean equal data, whatever the format.
    content_sha256: str = ""
    pools: dict[str, str] = field(default_factory=dict)
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
            "content_sha256": self.content_sha256,
            "pools": self.pools,
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
            content_sha256=body.get("content_sha256", ""),
            pools=body.get("pools", {}),
            manifest_version=body["manifest_version"],
        )


def manifest_packages(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Versions of the packages whose behaviour shapes the bytes (plus the writer's own)."""
    return package_versions((*PACKAGES, *extra))

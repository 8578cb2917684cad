"""Export a planned dataset to files: `export_dataset` for one format, `export_profile` for the
named bundles other teams consume (fixtures for UI tests, bulk CSV for load tests).

A run selects the tables (plan order, parents first), validates the format's limits before any
file is opened, streams each table chunk by chunk into staged files, publishes them together,
and writes `manifest.json` last. Reading the manifest therefore means the files it lists are
complete; a run that failed leaves no new file under a final name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from datagen_assets.generate.fingerprint import (
    config_sha256,
    dataset_content_sha256,
    schema_sha256,
    table_fingerprint,
)
from datagen_assets.plan.plan import DatasetPlan, TablePlan
from datagen_assets.schema.model import DEFAULT_DIALECT
from datagen_assets.write.exports.base import Exporter, ExportOptions, TableChunks
from datagen_assets.write.exports.manifest import (
    MANIFEST_NAME,
    Manifest,
    manifest_packages,
)
from datagen_assets.write.exports.output import Staging, compression_suffix, output_root
from datagen_assets.write.exports.registry import FORMATS
from datagen_assets.write.exports.sources import ChunkSource
from datagen_assets.write.storage import path_segment

WRITER_PACKAGES = {"xlsx": ("xlsxwriter",)}
COMPRESSION_PACKAGES = {"zstd": ("zstandard",)}


@dataclass(frozen=True)
class Profile:
    """A named export for a consumer: format, compression, rows kept and layout
    `<root>/<profile>/<dataset>/<table><suffix>`."""

    name: str
    format: str
    purpose: str
    compression: str | None = None
    limit: int | None = None
    pretty: bool = False


PROFILES: dict[str, Profile] = {
    "fixtures": Profile(
        "fixtures",
        "json",
        "first rows per table, for UI test suites (Auto-PlayPilot)",
        limit=100,
        pretty=True,
    ),
    "loadtest": Profile(
        "loadtest", "csv", "every row as gzip CSV, for load tests (Perf-Xi)", compression="gzip"
    ),
}


def export_dataset(
    plan: DatasetPlan,
    source: ChunkSource,
    fmt: str,
    out_url: str,
    *,
    compression: str | None = None,
    dialect: str | None = None,
    tables: Iterable[str] | None = None,
    limit: int | None = None,
    pretty: bool = False,
    batch_rows: int = 500,
    profile: str | None = None,
) -> Manifest:
    """Write `plan`'s tables (all, or `tables`, in plan order) as `fmt` into the folder
    `out_url` (a path or fsspec URL), with `manifest.json` beside them; returns the manifest."""
    exporter = _exporter(fmt)
    if exporter.dialects:
        dialect = dialect or DEFAULT_DIALECT
    elif dialect is not None:
        raise ValueError(f"{fmt}: a dialect applies to the sql format only")
    compression_suffix(compression)  # an unknown compression fails before anything is read
    options = ExportOptions(
        compression=compression,
        dialect=dialect,
        batch_rows=batch_rows,
        limit=limit,
        pretty=pretty,
        schema_dialect=plan.dataset.schema.dialect,
    )
    selected = [
        TableChunks(tp, _rows(source, tp, limit), partial(source.chunks, tp, limit))
        for tp in _select(plan, tables)
    ]
    exporter.validate(selected, options)
    with Staging(out_url) as staging:
        _stage_files(staging, exporter, selected, options, plan.name)
        staging.remove(MANIFEST_NAME)  # a crash while publishing leaves no stale manifest
        files = staging.publish()
        fingerprints = {t.key: table_fingerprint(plan, t.key) for t in selected}
        manifest = Manifest(
            dataset=plan.name,
            seed=plan.seed,
            config_sha256=config_sha256(plan.dataset),
            schema_sha256=schema_sha256(plan.dataset),
            format=fmt,
            options=_recorded_options(options, exporter),
            packages=manifest_packages(
                WRITER_PACKAGES.get(fmt, ()) + COMPRESSION_PACKAGES.get(compression or "", ())
            ),
            tables={t.key: t.written for t in selected},
            files=tuple(files),
            profile=profile,
            content_sha256=dataset_content_sha256(fingerprints),
            pools=dict(sorted(p for fp in fingerprints.values() for p in fp.pools.items())),
        )
        with staging.create(MANIFEST_NAME) as out:
            out.write(manifest.to_json().encode())
        staging.publish()
    from datagen_assets.audit import record  # the audit trail (every export, what it read)

    record(
        "export",
        plan.name,
        tables={
            key: {"rows": rows, "content_sha256": fingerprints[key].content_sha256}
            for key, rows in manifest.tables.items()
        },
        read=source.describe() if hasattr(source, "describe") else type(source).__name__,
        written=str(out_url),
        format=fmt,
        content_sha256=manifest.content_sha256,
        files=len(manifest.files),
    )
    return manifest


def _stage_files(
    staging: Staging,
    exporter: Exporter,
    tables: list[TableChunks],
    options: ExportOptions,
    dataset: str,
) -> None:
    """Write every file of the export under its temporary name: one per table, or one."""
    suffix = exporter.file_suffix(options) + compression_suffix(options.compression)
    groups = [[t] for t in tables] if exporter.per_table else [tables]
    for group in groups:
        stem = path_segment(group[0].key if exporter.per_table else dataset)
        with staging.create(stem + suffix, options.compression) as out:
            exporter.write(group, out, options)
    for table in tables:
        if table.written != table.rows:
            raise RuntimeError(
                f"{table.key}: wrote {table.written} rows, the source announced {table.rows}"
            )


def export_profile(
    plan: DatasetPlan,
    source: ChunkSource,
    profile: str,
    root_url: str,
    *,
    limit: int | None = None,
    tables: Iterable[str] | None = None,
) -> Manifest:
    """Export `plan` as profile `profile` into `<root_url>/<profile>/<dataset>/`; `limit`
    overrides the profile's rows per table."""
    try:
        chosen = PROFILES[profile]
    except KeyError:
        raise ValueError(
            f"unknown profile {profile!r} (choose from {', '.join(PROFILES)})"
        ) from None
    folder = output_root(root_url).joinpath(chosen.name, path_segment(plan.name))
    return export_dataset(
        plan,
        source,
        chosen.format,
        str(folder),
        compression=chosen.compression,
        tables=tables,
        limit=limit if limit is not None else chosen.limit,
        pretty=chosen.pretty,
        profile=chosen.name,
    )


def _exporter(fmt: str) -> Exporter:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})") from None


def _select(plan: DatasetPlan, tables: Iterable[str] | None) -> list[TablePlan]:
    if tables is None:
        return list(plan.tables.values())
    wanted = list(dict.fromkeys(tables))
    unknown = [key for key in wanted if key not in plan.tables]
    if unknown:
        raise ValueError(
            f"dataset {plan.name} has no table(s) {', '.join(unknown)} "
            f"(tables: {', '.join(plan.tables)})"
        )
    return [tp for key, tp in plan.tables.items() if key in wanted]


def _rows(source: ChunkSource, table: TablePlan, limit: int | None) -> int:
    rows = source.row_count(table)
    return rows if limit is None else min(rows, limit)


def _recorded_options(options: ExportOptions, exporter: Exporter) -> dict:
    recorded: dict = {"compression": options.compression}
    if exporter.dialects:
        recorded |= {"dialect": options.dialect, "batch_rows": options.batch_rows}
    if options.limit is not None:
        recorded["limit"] = options.limit
    if options.pretty:
        recorded["pretty"] = True
    return recorded

"""Dagster definitions for what leaves DataGen: file exports and database loads.

`build_output_definitions(plans, settings)` returns `(assets, resources, jobs)` for the factory
to add to its `Definitions`:

- one export asset per entry of a dataset's `exports:` list (its YAML config), keyed
  `[dataset, "exports", <label>]`, downstream of every table it exports. It reads the chunks
  from storage (`StorageSource`: the export is of what was materialised and checked, not a
  regeneration) and writes `<storage>/exports/<dataset>/<label>/` with `manifest.json`, which
  also goes into the materialisation's metadata;
- `<dataset>_exports`, a job over a dataset's export assets (when it has any);
- one load asset per dataset, `[dataset, "loads", "postgres"]`, loading the tables from storage
  into the database of the `postgres_target` resource (`DatabaseTarget`: the DSN comes from an
  environment variable named in its config, never from config itself, and the mode is
  configurable per run), with job `<dataset>_load_postgres`.

The `exports:` list is read from the dataset's config model (validated when it loads, see
`write/exports/spec.py`):

    exports:
      - csv                                  # a format: csv json jsonl parquet xlsx sql pgdump
      - fixtures                             # or a profile: fixtures loadtest
      - {format: sql, dialect: mysql}        # label sql_mysql
      - {format: csv, compression: gzip, tables: [orders], rows: 1000, name: orders_sample}

No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.
"""

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from dagster import (
    AllPartitionMapping,
    AssetDep,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSelection,
    ConfigurableResource,
    MaterializeResult,
    MetadataValue,
    asset,
    define_asset_job,
)

from datagen_assets.dataset import Dataset
from datagen_assets.orchestrate.translator import DatasetTranslator
from datagen_assets.plan.plan import DatasetPlan
from datagen_assets.schema.model import Problem, SchemaError
from datagen_assets.settings import Settings
from datagen_assets.write.storage import path_segment, storage_root
from datagen_assets.write.targets import (
    CREATE_IF_MISSING,
    DSN_ENV_VAR,
    LoadReport,
    load_dataset,
)

if TYPE_CHECKING:  # the exporters (sqlglot, pyarrow, psycopg...) load when an export runs
    from datagen_assets.write.exports import Manifest
    from datagen_assets.write.exports.spec import ExportSpec

_SPEC_NAMES = ("ENTRY_KEYS", "LABEL", "ExportSpec", "parse_exports")  # names this module had


def __getattr__(name: str) -> Any:
    if name in _SPEC_NAMES:
        from datagen_assets.write.exports import spec

        return getattr(spec, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


EXPORTS_KEY = "exports"
LOADS_KEY = "loads"
TARGET_RESOURCE = "postgres_target"


class OutputDefinitions(NamedTuple):
    assets: list[AssetsDefinition]
    resources: dict[str, Any]
    jobs: list


class DatabaseTarget(ConfigurableResource):
    """Where `<dataset>_load_postgres` loads. The DSN is read from the environment variable
    `dsn_env_var` when the run starts, so no password is in run config, the UI or metadata
    (reports carry the redacted DSN). `mode` is the table mode of the run (see
    `write/targets.py`); the default creates missing tables and appends to existing ones."""

    dsn_env_var: str = DSN_ENV_VAR
    mode: Literal["create_if_missing", "truncate_then_insert", "append_only"] = CREATE_IF_MISSING

    def dsn(self) -> str:
        value = os.environ.get(self.dsn_env_var, "")
        if not value:
            raise ValueError(
                f"environment variable {self.dsn_env_var} is not set: it must hold the target "
                "DSN (postgresql://user@host/db) or SQLite file"
            )
        return value

    def load(self, plan: DatasetPlan, source: Any, echo=None) -> LoadReport:
        return load_dataset(plan, source, self.dsn(), self.mode, echo=echo)


# ---------------------------------------------------------------------------- config


def dataset_exports(dataset: Dataset) -> "list[ExportSpec]":
    """The validated `exports:` list of a dataset's YAML (empty without a config or key)."""
    specs, problems = parse_dataset_exports(dataset)
    if problems:
        raise SchemaError(problems)
    return specs


def parse_dataset_exports(dataset: Dataset) -> "tuple[list[ExportSpec], list[Problem]]":
    """The `exports:` of the dataset's model (validated when the dataset loaded)."""
    entries = dataset.document.raw_exports()
    if entries is None:
        return [], []
    from datagen_assets.write.exports.spec import parse_exports

    return parse_exports(entries, set(dataset.schema.tables), dataset.locations)


TARGETS_KEY = "targets"
KNOWN_TARGETS = ("postgres",)


def parse_dataset_targets(dataset: Dataset) -> tuple[list[str], list[Problem]]:
    """The database loads a dataset asks for (`targets: [postgres]` in its YAML, validated
    by its model): only those datasets get a load asset and job, so "materialize all" never
    tries an unset target."""
    return list(dict.fromkeys(dataset.document.targets or ())), []


# ---------------------------------------------------------------------------- definitions


def build_output_definitions(
    plans: Sequence[DatasetPlan],
    settings: Settings,
    translator: DatasetTranslator | None = None,
    target: DatabaseTarget | None = None,
) -> OutputDefinitions:
    """Export and load assets, their jobs and the `postgres_target` resource for `plans`.
    Raises one `SchemaError` listing every invalid `exports:` entry of every dataset."""
    translator = translator or DatasetTranslator()
    problems: list[Problem] = []
    parsed: dict[str, list] = {}
    targets: dict[str, list[str]] = {}
    for plan in plans:
        parsed[plan.name], found = parse_dataset_exports(plan.dataset)
        problems.extend(found)
        targets[plan.name], found = parse_dataset_targets(plan.dataset)
        problems.extend(found)
    if problems:
        raise SchemaError(problems)
    assets: list[AssetsDefinition] = []
    jobs: list = []
    for plan in plans:
        exports = [
            build_export_asset(plan, spec, settings, translator) for spec in parsed[plan.name]
        ]
        if exports:
            assets.extend(exports)
            jobs.append(
                define_asset_job(
                    f"{plan.name}_exports",
                    selection=AssetSelection.assets(*exports),
                    description=f"Export dataset {plan.name} from storage as configured.",
                )
            )
        if "postgres" not in targets[plan.name]:
            continue
        load = build_load_asset(plan, settings, translator)
        assets.append(load)
        jobs.append(
            define_asset_job(
                f"{plan.name}_load_postgres",
                selection=AssetSelection.assets(load),
                description=f"Load dataset {plan.name} from storage into the target database.",
            )
        )
    resources = {TARGET_RESOURCE: target or DatabaseTarget()}
    return OutputDefinitions(assets, resources, jobs)


def export_url(storage_url: str, dataset: str, label: str) -> str:
    """`<storage>/exports/<dataset>/<label>`, the folder of one export."""
    return str(storage_root(storage_url).joinpath(EXPORTS_KEY, path_segment(dataset), label))


def table_deps(plan: DatasetPlan, keys, translator: DatasetTranslator) -> list[AssetDep]:
    return [
        AssetDep(
            translator.get_asset_key(plan.table(key), plan), partition_mapping=AllPartitionMapping()
        )
        for key in keys
    ]


def build_export_asset(
    plan: DatasetPlan, spec: "ExportSpec", settings: Settings, translator: DatasetTranslator
) -> AssetsDefinition:
    """The asset of one export: reads the chunks from storage, writes the files and manifest."""
    keys = list(spec.tables) if spec.tables else list(plan.tables)
    out = export_url(settings.storage_url, plan.name, spec.label)

    @asset(
        key=AssetKey([plan.name, EXPORTS_KEY, spec.label]),
        deps=table_deps(plan, keys, translator),
        group_name=plan.name,
        kinds={spec.format},
        description=f"Dataset {plan.name} exported as {_describe(spec)} to {out}.",
    )
    def _export(context: AssetExecutionContext) -> MaterializeResult:
        from datagen_assets.write.exports import StorageSource, export_dataset

        manifest = export_dataset(
            plan,
            StorageSource(settings.storage_url, plan.name),
            spec.format,
            out,
            compression=spec.compression,
            dialect=spec.dialect,
            tables=spec.tables,
            limit=spec.rows,
            pretty=spec.pretty,
            batch_rows=spec.batch_rows,
            profile=spec.profile,
        )
        context.log.info(f"{plan.name}: {len(manifest.files)} file(s) written to {out}")
        return MaterializeResult(metadata=manifest_metadata(manifest, out))

    return _export


def manifest_metadata(manifest: "Manifest", out: str) -> dict[str, Any]:
    return {
        "path": MetadataValue.path(out),
        "manifest": MetadataValue.json(json.loads(manifest.to_json())),
        "dagster/row_count": MetadataValue.int(sum(manifest.tables.values())),
        "datagen/files": MetadataValue.int(len(manifest.files)),
        "datagen/bytes": MetadataValue.int(sum(f.bytes for f in manifest.files)),
    }


def _describe(spec: "ExportSpec") -> str:
    parts = [spec.profile or spec.format]
    if spec.dialect:
        parts.append(f"({spec.dialect})")
    if spec.compression:
        parts.append(f"{spec.compression}-compressed")
    if spec.rows:
        parts.append(f"first {spec.rows} rows per table")
    return " ".join(parts)


def build_load_asset(
    plan: DatasetPlan, settings: Settings, translator: DatasetTranslator
) -> AssetsDefinition:
    """The asset of loading a dataset into the `postgres_target` database, from storage."""

    @asset(
        key=AssetKey([plan.name, LOADS_KEY, "postgres"]),
        deps=table_deps(plan, plan.tables, translator),
        group_name=plan.name,
        kinds={"postgres"},
        description=(
            f"Dataset {plan.name} loaded from storage into the database of "
            f"`{TARGET_RESOURCE}` (DSN from its environment variable; table mode per run)."
        ),
    )
    def _load(context: AssetExecutionContext, postgres_target: DatabaseTarget) -> MaterializeResult:
        from datagen_assets.write.exports import StorageSource

        source = StorageSource(settings.storage_url, plan.name)
        report = postgres_target.load(plan, source, echo=context.log.info)
        context.log.info(
            f"{plan.name}: {report.rows:,} rows into {report.target} in {report.seconds:.2f} s"
        )
        return MaterializeResult(metadata=load_metadata(report))

    return _load


def load_metadata(report: LoadReport) -> dict[str, Any]:
    """A load's report as metadata; `target` is the redacted DSN."""
    summary = report.as_dict()
    metadata: dict[str, Any] = {
        "target": MetadataValue.text(report.target),
        "mode": MetadataValue.text(report.mode),
        "dagster/row_count": MetadataValue.int(report.rows),
        "datagen/seconds": MetadataValue.float(round(report.seconds, 3)),
        "datagen/rows_per_second": MetadataValue.float(round(report.rows_per_second, 1)),
        "tables": MetadataValue.json(summary["tables"]),
    }
    if report.notes:
        metadata["notes"] = MetadataValue.md("\n".join(f"- {n}" for n in report.notes))
    return metadata

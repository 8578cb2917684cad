"""How a planned table becomes a Dagster asset: key, group, description, metadata, partitions,
dependencies and checks.

Modelled on dagster-dbt's `DagsterDbtTranslator`: one small method per attribute, so a project
can subclass and override just the piece it wants (say, a key prefix or extra tags) and pass the
instance to `build_definitions(translator=...)`. Every method receives the table's plan and the
dataset's plan and is pure: it runs each time definitions load.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from dagster import (
    AllPartitionMapping,
    AssetCheckSpec,
    AssetDep,
    AssetKey,
    AssetSpec,
    AutomationCondition,
    BackfillPolicy,
    MetadataValue,
    PartitionsDefinition,
    StaticPartitionsDefinition,
    TableColumn,
    TableColumnConstraints,
    TableConstraints,
    TableSchema,
)

from datagen_assets.check.constraints import (
    FOREIGN_KEY,
    Constraint,
    TableFiles,
    table_constraints,
)
from datagen_assets.generate.engine import engine_for
from datagen_assets.plan.plan import DatasetPlan, TablePlan
from datagen_assets.schema.model import STRING_KINDS, Column, Table
from datagen_assets.settings import Settings
from datagen_assets.write.storage import asset_path, existing_files, key_part


class DatasetTranslator:
    """Maps a `TablePlan` (within its `DatasetPlan`) to Dagster attributes."""

    def get_asset_key(self, table_plan: TablePlan, plan: DatasetPlan) -> AssetKey:
        """`[dataset, key_part(table key)]`: a valid Dagster name for any identifier (see
        `key_part`); a schema-qualified key like `bookings.flights` stays one part."""
        return AssetKey([plan.name, key_part(table_plan.key)])

    def get_preflight_key(self, plan: DatasetPlan) -> AssetKey:
        """The dataset's pre-flight asset, the root of its graph: three parts, so no table key
        (two parts) can clash with it."""
        return AssetKey([plan.name, "plan", "preflight"])

    def get_group_name(self, table_plan: TablePlan, plan: DatasetPlan) -> str:
        return plan.name

    def get_description(self, table_plan: TablePlan, plan: DatasetPlan) -> str:
        """The table's own comment when it has one, otherwise a sentence saying what it holds."""
        table = table_plan.table
        if table.comment:
            return table.comment
        chunks = table_plan.chunk_count
        text = (
            f"Synthetic rows of table `{table.key}` from `{plan.dataset.schema_path.name}`: "
            f"{table_plan.rows:,} rows in {chunks} chunk{'s' if chunks != 1 else ''} of up "
            f"to {table_plan.rows_per_chunk:,} rows."
        )
        if table_plan.parents:
            text += " References " + ", ".join(f"`{p}`" for p in table_plan.parents) + "."
        return text

    def get_metadata(self, table_plan: TablePlan, plan: DatasetPlan) -> Mapping[str, Any]:
        """Definition-time metadata: the column schema with constraints, the table name, the
        planned size and the planner's notes."""
        metadata: dict[str, Any] = {
            "dagster/column_schema": column_schema(table_plan.table),
            "dagster/table_name": table_plan.key,
            "datagen/rows_planned": MetadataValue.int(table_plan.rows),
            "datagen/chunks": MetadataValue.int(table_plan.chunk_count),
            "datagen/chunk_rows": MetadataValue.int(table_plan.rows_per_chunk),
            "datagen/seed": MetadataValue.int(plan.seed),
            "datagen/schema_file": MetadataValue.path(str(plan.dataset.schema_path)),
        }
        pii = pii_categories(plan)
        personal = {
            c.name: pii[(table_plan.key, c.name)]
            for c in table_plan.table.columns
            if pii.get((table_plan.key, c.name), "none") != "none"
        }
        metadata["datagen/pii_categories"] = MetadataValue.json(personal)
        metadata["datagen/pii_mode"] = MetadataValue.text(plan.dataset.config.pii_mode)
        if table_plan.notes:
            metadata["datagen/notes"] = MetadataValue.md(
                "\n".join(f"- {note.message}" for note in table_plan.notes)
            )
        return metadata

    def get_partitions_def(self, table_plan: TablePlan, plan: DatasetPlan) -> PartitionsDefinition:
        """One partition per row chunk, so chunks are generated, retried and checked apart."""
        return StaticPartitionsDefinition(list(table_plan.partition_keys))

    def get_backfill_policy(self, table_plan: TablePlan, plan: DatasetPlan) -> BackfillPolicy:
        """A range of chunks runs in one run (per-run overhead dwarfs a small chunk's work)."""
        return BackfillPolicy.single_run()

    def get_deps(self, table_plan: TablePlan, plan: DatasetPlan) -> Sequence[AssetDep]:
        """Each FK parent ordered before this table; every chunk may reference any parent row,
        hence `AllPartitionMapping`. An FK that closes a cycle is left out (the planner orders
        its parent later), so the asset graph stays acyclic. A table with no parent depends on
        the dataset's pre-flight, so the dataset's graph has one unpartitioned root (which is
        also what lets the UI launch a whole dataset at once: see `factory`)."""
        deps = [
            AssetDep(
                self.get_asset_key(plan.table(parent), plan),
                partition_mapping=AllPartitionMapping(),
            )
            for parent in table_plan.parents
            if _ordered_before(plan, parent, table_plan.key)
        ]
        return deps or [AssetDep(self.get_preflight_key(plan))]

    def get_kinds(self, table_plan: TablePlan, plan: DatasetPlan) -> set[str]:
        return {"polars", "parquet"}

    def get_tags(self, table_plan: TablePlan, plan: DatasetPlan) -> Mapping[str, str]:
        return {}

    def get_code_version(self, table_plan: TablePlan, plan: DatasetPlan) -> str:
        """Changes when anything that shapes this table's rows changes (schema, rows, chunking,
        seed, config), so Dagster marks the asset and its children stale."""
        config = plan.dataset.config
        parts = (
            repr(table_plan.table),
            table_plan.rows,
            table_plan.chunk_count,
            plan.seed,
            config.null_fraction,
            repr(config.tables.get(table_plan.key)),
        )
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]

    def get_constraints(self, table_plan: TablePlan, plan: DatasetPlan) -> Sequence[Constraint]:
        """The checks to define; override to drop some. Names must come from
        `table_constraints`, which is what runs them."""
        return table_constraints(table_plan.table, plan.dataset.schema.dialect)

    def get_check_specs(self, table_plan: TablePlan, plan: DatasetPlan) -> Sequence[AssetCheckSpec]:
        """One check per constraint. Key checks (PK, UNIQUE, FK) block children on failure.
        An FK check depends on its parent asset too; one whose parent is ordered after this
        table (an FK cycle) cannot block, or the run would wait on itself."""
        key = self.get_asset_key(table_plan, plan)
        specs = []
        for constraint in self.get_constraints(table_plan, plan):
            deps = []
            blocking = constraint.blocking
            if constraint.kind == FOREIGN_KEY and constraint.ref_table != table_plan.key:
                deps.append(self.get_asset_key(plan.table(constraint.ref_table), plan))
                blocking = blocking and _ordered_before(plan, constraint.ref_table, table_plan.key)
            specs.append(
                AssetCheckSpec(
                    constraint.name,
                    asset=key,
                    description=constraint.description,
                    blocking=blocking,
                    additional_deps=deps,
                    metadata={"datagen/check_kind": constraint.kind},
                )
            )
        if any(c.type.kind in STRING_KINDS for c in table_plan.table.columns):
            specs.append(
                AssetCheckSpec(
                    "pii_scan",
                    asset=key,
                    blocking=False,
                    description="Presidio finds no personal data where the config says there must "
                    "be none (columns classified none, masked or redacted)",
                    metadata={"datagen/check_kind": "pii"},
                )
            )
        return specs

    def get_asset_spec(self, table_plan: TablePlan, plan: DatasetPlan) -> AssetSpec:
        """All of the above as one spec; the factory builds the asset from it."""
        return AssetSpec(
            key=self.get_asset_key(table_plan, plan),
            deps=self.get_deps(table_plan, plan),
            description=self.get_description(table_plan, plan),
            metadata=self.get_metadata(table_plan, plan),
            group_name=self.get_group_name(table_plan, plan),
            code_version=self.get_code_version(table_plan, plan),
            tags=self.get_tags(table_plan, plan),
            kinds=self.get_kinds(table_plan, plan),
            partitions_def=self.get_partitions_def(table_plan, plan),
            automation_condition=self.get_automation_condition(table_plan, plan),
        )

    def get_automation_condition(
        self, table_plan: TablePlan, plan: DatasetPlan
    ) -> AutomationCondition | None:
        """A child table follows its parents: once the automation sensor is turned on (it is
        off by default), a parent's new materialisation requests the child's chunks."""
        return AutomationCondition.eager() if table_plan.parents else None


def _ordered_before(plan: DatasetPlan, first: str, second: str) -> bool:
    """Whether `first` comes before `second` in the plan's order; the positions are computed
    once per plan (a scan of the table list per call made a 3,000-table chain quadratic)."""
    position = plan.__dict__.get("_positions")
    if position is None:
        position = {key: index for index, key in enumerate(plan.tables)}
        object.__setattr__(plan, "_positions", position)  # a cache, not a field of the plan
    return position[first] < position[second]


def column_schema(table: Table) -> TableSchema:
    """The table's columns, types and constraints as Dagster's `TableSchema`."""
    return TableSchema(
        columns=[_column(table, column) for column in table.columns],
        constraints=TableConstraints(other=constraint_texts(table)),
    )


def _column(table: Table, column: Column) -> TableColumn:
    other = []
    if column.name in table.primary_key:
        other.append(
            "PRIMARY KEY"
            if len(table.primary_key) == 1
            else f"part of PRIMARY KEY ({', '.join(table.primary_key)})"
        )
    for unique in table.uniques:
        if column.name in unique and len(unique) > 1:
            other.append(f"part of UNIQUE ({', '.join(unique)})")
    for index in table.unique_indexes:
        if column.name in index.columns:
            other.append(f"in UNIQUE INDEX ({index.label()})")
    for fk in table.foreign_keys:
        if column.name in fk.columns:
            ref = fk.ref_columns[fk.columns.index(column.name)]
            other.append(f"REFERENCES {fk.ref_table} ({ref})")
    if column.autoincrement:
        other.append("autoincrement")
    if column.default is not None:
        other.append(f"DEFAULT {column.default}")
    other.extend(f"CHECK ({check.sql})" for check in column.domain_checks)
    unique = (column.name,) in table.uniques or tuple(table.primary_key) == (column.name,)
    type_text = column.type.sql or column.type.kind.value
    if column.type.array and not type_text.endswith("]"):
        type_text += "[]"
    return TableColumn(
        name=column.name,
        type=type_text,
        description=_description(table, column),
        constraints=TableColumnConstraints(
            nullable=column.nullable and column.name not in table.primary_key,
            unique=unique,
            other=other,
        ),
    )


def _description(table: Table, column: Column) -> str:
    """The column's comment, then the meaning DataGen reads in it (shown in the UI)."""
    from datagen_assets.generate.meanings.report import meaning_label

    label = meaning_label(column, table)
    return f"{column.comment} ({label})" if column.comment else label


def constraint_texts(table: Table) -> list[str]:
    """Table-level constraints as SQL-ish text."""
    texts = []
    if table.primary_key:
        texts.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    texts.extend(f"UNIQUE ({', '.join(unique)})" for unique in table.uniques)
    texts.extend(f"UNIQUE INDEX ({index.label()})" for index in table.unique_indexes)
    texts.extend(
        f"FOREIGN KEY ({', '.join(fk.columns)}) REFERENCES {fk.ref_table} "
        f"({', '.join(fk.ref_columns)})"
        for fk in table.foreign_keys
    )
    texts.extend(f"CHECK ({check.sql})" for check in table.checks)
    return texts


def pii_categories(plan: DatasetPlan) -> dict[tuple[str, str], str]:
    """Every column's PII category (config overrides applied), as the engine classified it."""
    return engine_for(plan).pii_categories


def table_files(
    plan: DatasetPlan, key: str, settings: Settings, translator: DatasetTranslator
) -> TableFiles:
    """The planned chunks of a table that exist now, in the folder of its asset key."""
    planned = plan.table(key)
    folder = asset_path(settings.storage_url, translator.get_asset_key(planned, plan).path)
    chunks = existing_files(folder, planned.partition_keys)
    return TableFiles(key, chunks, tuple(k for k in planned.partition_keys if k not in chunks))

"""Datasets: a schema file plus an optional YAML config beside it.

`schemas/shop.sql` alone is a dataset named `shop` with defaults; `schemas/shop.yaml` adds
rows, seed, chunking and per-column generator overrides. The YAML is read once into its typed
model (`config_model.DatasetModel`, kept as `Dataset.document` for the parts that need more
than `DatasetConfig`: exports, targets, schedule, snapshot). Loading validates everything and
raises one `SchemaError` listing every problem at file:line:column, with a suggestion for a
mistyped key, table, column, locale or generator, before anything is generated or written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from datagen_assets.config_model import (
    ColumnModel,
    ConfigFile,
    DatasetModel,
    Locations,
    read_config,
    validate_config,
)
from datagen_assets.schema.model import DEFAULT_DIALECT, Problem, Schema, SchemaError
from datagen_assets.schema.sources import is_schema_source, load_source, scenario_suffix
from datagen_assets.settings import Settings
from datagen_assets.suggest import UnknownName, did_you_mean

DEFAULT_ROWS = 1000
DEFAULT_SEED = 42
DEFAULT_CHUNK_ROWS = 250_000
CONFIG_SUFFIXES = (".yaml", ".yml")
# YAML files beside a schema that are not its config: `<name>.profile.yaml` (introspection
# profile), `<name>.annotations.yaml` (the AI assistant's reviewed suggestions).
SIDECAR_KINDS = ("profile", "annotations")
DATASET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Keys of a column entry that are not parameters of its generator.
COLUMN_KEYS = tuple(ColumnModel.model_fields)
SNAPSHOT_SUFFIXES = (".sql", ".ddl")  # what the snapshot job may rewrite with PostgreSQL DDL
DEFAULT_LOCALE = "en_US"


@dataclass(frozen=True)
class ColumnConfig:
    """A per-column override: a named generator with its params, and/or a null fraction."""

    generator: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    null_fraction: float | None = None
    locale: str | None = None
    edge_case_pct: float | None = None
    pii_mode: str | None = None  # synthetic | masked | redacted | hashed | encrypted
    pii: str | None = None  # category override: none | direct | quasi | sensitive


@dataclass(frozen=True)
class TableConfig:
    rows: int | None = None
    columns: dict[str, ColumnConfig] = field(default_factory=dict)
    locale: str | None = None


@dataclass(frozen=True)
class DatasetConfig:
    """What the YAML says, with defaults applied and environment overrides merged in."""

    seed: int = DEFAULT_SEED
    rows: int = DEFAULT_ROWS
    scale: float = 1.0
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    null_fraction: float = 0.1
    tables: dict[str, TableConfig] = field(default_factory=dict)
    description: str | None = None
    locale: str = DEFAULT_LOCALE
    edge_case_pct: float = 0.0  # share (in %) of cells replaced by edge cases
    pii_mode: str = "synthetic"  # for columns classified as personal data
    # the NAME of the environment variable holding the hashed/encrypted key (never the key)
    pii_key_env: str | None = None

    def pii_overrides(self) -> dict[tuple[str, str], str]:
        """(table, column) -> PII category, where the config overrides the classification."""
        return {
            (t, c): column.pii
            for t, table in self.tables.items()
            for c, column in table.columns.items()
            if column.pii
        }

    def locale_for(self, table_key: str, column: str) -> str:
        """The most specific locale: the column's, the table's, else the dataset's."""
        table = self.tables.get(table_key)
        column_config = table.columns.get(column) if table else None
        return (column_config and column_config.locale) or (table and table.locale) or self.locale

    def rows_for(self, table_key: str) -> int:
        """Rows of a table: its own `rows` or the default, times `scale`, rounded half up, but
        never below 1 when the count is positive: a small lookup table (`rows: 3`) scaled down
        to 0 rows would make every NOT NULL foreign key to it impossible. `rows: 0` stays 0."""
        table = self.tables.get(table_key)
        base = table.rows if table and table.rows is not None else self.rows
        return scaled_rows(base, self.scale)


def scaled_rows(rows: int, scale: float) -> int:
    """`rows * scale` rounded half up, at least 1 when `rows` is positive (see `rows_for`)."""
    return max(int(rows * scale + 0.5), 1) if rows > 0 else 0


@dataclass(frozen=True)
class SnapshotSource:
    """The `snapshot:` block: the live PostgreSQL database the `refresh_<name>_snapshot` job
    re-reads the schema file from. The YAML is committed, so it names the environment variable
    holding the DSN, never the DSN. Kept apart from `DatasetConfig`: it says where the schema
    comes from, not what is generated, so it is not part of the config hash."""

    dsn_env: str
    schemas: tuple[str, ...] | None = None  # default: every non-system schema
    tables: tuple[str, ...] | None = None  # `schema.name` or `name`; default: every table
    profile: bool = False  # also write `<name>.profile.yaml` beside the schema file


@dataclass(frozen=True)
class Dataset:
    name: str
    schema: Schema
    config: DatasetConfig
    schema_path: Path
    config_path: Path | None = None
    # (table, column) -> (generator, params) from the reviewed AI annotations file, used where
    # neither the config nor a semantic rule decides (see `datagen_assets/ai`)
    suggestions: dict = field(default_factory=dict)
    snapshot: SnapshotSource | None = None  # where the schema file is refreshed from
    document: DatasetModel = field(default_factory=DatasetModel)  # the YAML, as its model
    locations: Locations = field(default_factory=Locations)  # where each key is in the YAML

    def located(self, problem: Problem) -> Problem:
        """`problem` where it is declared. One about a CHECK or a key (`CHECK ...`,
        `UNIQUE (a, b) can hold only ...`) at the SQL file:line:column of that constraint,
        naming the config line of the table's `rows` when the count came from there; any
        other at the line and column of the config entry it is about, when it names the
        config file and a table (or column) the config has an entry for: the engine and the
        pre-flight know the table and column, the config model knows where they are."""
        constraint = self._at_constraint(problem)
        if constraint is not None:
            return constraint
        if (
            problem.line is not None
            or self.config_path is None
            or problem.file != str(self.config_path)
            or problem.table is None
        ):
            return problem
        for name, table in self.document.tables.items():
            if _resolve_table(self.schema, name) == problem.table:
                path: tuple = ("tables", name)
                if problem.column is not None and problem.column in table.columns:
                    path = (*path, "columns", problem.column)
                line, column = self.locations.of_key(*path)
                return replace(problem, line=line, column_no=column)
        return problem

    def _at_constraint(self, problem: Problem) -> Problem | None:
        from datagen_assets.schema.source_lines import check_position, key_position

        table = self.schema.tables.get(problem.table or "")
        if table is None or problem.column_no is not None:
            return None
        position = None
        key = re.match(r"UNIQUE \(([^)]*)\)", problem.message)
        if key:
            columns = tuple(c.strip() for c in key.group(1).split(","))
            position = key_position(self.schema_path, table.name, columns)
        elif problem.message.startswith(("CHECK", "no value of the CHECK")):
            checks = [*table.checks, *(c for col in table.columns for c in col.domain_checks)]
            named = [c for c in checks if f"CHECK ({c.sql})" in problem.message]
            about = [c for c in checks if problem.column in c.columns]
            found = (named or about or [None])[0]
            position = found and check_position(self.schema_path, table.name, found)
        if not position:
            return None
        message = problem.message
        if key and self.config_path is not None and problem.file == str(self.config_path):
            for name, entry in self.document.tables.items():
                if entry.rows is not None and _resolve_table(self.schema, name) == table.key:
                    line, column = self.locations.of_value("tables", name, "rows")
                    message += f" (rows: {self.config_path}:{line}:{column})"
        return replace(
            problem,
            message=message,
            file=str(self.schema_path),
            line=position[0],
            column_no=position[1],
        )


def dataset_name(schema_path: Path) -> str:
    """`chinook.postgres.sql` -> `chinook`: the part before the first dot names the dataset."""
    return schema_path.name.split(".")[0]


@dataclass
class Discovery:
    """What the schemas folder holds: the datasets that load, and for each one that does not,
    its problems. One broken dataset never hides the others (see `discover`)."""

    datasets: list[Dataset] = field(default_factory=list)
    failures: dict[str, SchemaError] = field(default_factory=dict)

    def raise_for_failures(self) -> None:
        """Every problem of every failed dataset as one `SchemaError`."""
        if self.failures:
            raise SchemaError([p for e in self.failures.values() for p in e.problems]) from None


def discover(settings: Settings | None = None, names: Iterable[str] | None = None) -> Discovery:
    """Load every dataset of the schemas folder (or only those in `names`), each on its own: a
    dataset that fails is recorded with its problems and the others load anyway. A config with
    no schema beside it, or two schema files of one dataset name, fail that dataset name."""
    settings = settings or Settings.from_env()
    folder = settings.schemas_dir
    if not folder.is_dir():
        raise SchemaError([Problem(f"schemas folder {folder} does not exist", file=str(folder))])
    wanted = set(names) if names is not None else None
    files = sorted(p for p in folder.iterdir() if p.is_file())
    configs = {
        p.stem: p
        for p in files
        if p.suffix in CONFIG_SUFFIXES
        and scenario_suffix(p) is None
        and p.stem.split(".")[-1] not in SIDECAR_KINDS
    }
    found = Discovery()
    problems: dict[str, list[Problem]] = {}
    schema_paths: dict[str, Path] = {}
    for schema_path in (p for p in files if is_schema_source(p)):
        name = dataset_name(schema_path)
        if name in schema_paths:
            problems.setdefault(name, []).append(
                Problem(
                    f"dataset name {name!r} is also used by {schema_paths[name].name}; "
                    "rename one file",
                    file=str(schema_path),
                )
            )
            continue
        schema_paths[name] = schema_path
    for stem, config_path in configs.items():
        if stem not in schema_paths:
            problems.setdefault(stem, []).append(
                Problem(
                    f"config has no schema file beside it ({stem}.sql, "
                    f"{stem}.<dialect>.sql, {stem}.json, {stem}.sdgen.yaml or "
                    f"{stem}.datagen.json)",
                    file=str(config_path),
                )
            )
    for name, schema_path in schema_paths.items():
        if wanted is not None and name not in wanted:
            continue
        try:
            dataset = load_dataset(schema_path, configs.get(name), settings)
        except SchemaError as error:
            problems.setdefault(name, []).extend(error.problems)
            continue
        if name not in problems:
            found.datasets.append(dataset)
    for name in sorted(problems):
        if wanted is None or name in wanted:
            found.failures[name] = SchemaError(problems[name])
    return found


def discover_datasets(settings: Settings | None = None) -> list[Dataset]:
    """Every dataset in the schemas folder, loaded and validated; all problems raised at once."""
    found = discover(settings)
    found.raise_for_failures()
    return found.datasets


def dataset_named(settings: Settings, name: str) -> Dataset:
    """One dataset of the schemas folder by name; only that one is loaded (a broken neighbour
    does not matter). An unknown name lists the known ones, and suggests the nearest."""
    found = discover(settings, [name])
    if name in found.failures:
        raise found.failures[name]
    if not found.datasets:
        known = dataset_names(settings)
        raise UnknownName(
            f"no dataset {name!r} in {settings.schemas_dir}{did_you_mean(name, known)} "
            f"(datasets: {', '.join(known) or 'none'})"
        )
    return found.datasets[0]


def dataset_names(settings: Settings) -> list[str]:
    """The dataset names the schemas folder declares (schema files), sorted, without loading."""
    folder = settings.schemas_dir
    if not folder.is_dir():
        return []
    return sorted(
        {dataset_name(p) for p in folder.iterdir() if p.is_file() and is_schema_source(p)}
    )


def load_dataset(
    schema_path: Path | str, config_path: Path | str | None = None, settings: Settings | None = None
) -> Dataset:
    """Load one dataset: parse the schema, read the config once into its model
    (`config_model`) and check it against the schema; every problem located at file:line:column
    and raised at once."""
    settings = settings or Settings()
    schema_path = Path(schema_path)
    config_path = Path(config_path) if config_path else None
    name = dataset_name(schema_path)
    if config_path:
        config_file, problems = read_config(config_path)
        if config_file.model is None and not config_file.data:  # unreadable: nothing to check
            raise SchemaError(problems)
    else:
        config_file, problems = ConfigFile({}, DatasetModel(), Locations()), []
    raw, locations = config_file.data, config_file.locations
    dialect = raw.get("dialect")
    if dialect is not None:
        _check_dialect(dialect, locations)
    schema, scenario = load_source(schema_path, dialect=dialect)
    if not DATASET_NAME.match(name):
        problems.append(
            Problem(f"dataset name {name!r} must be letters, digits and _", file=str(schema_path))
        )
    model = config_file.model
    if scenario is not None:  # a scenario file carries its own config; the YAML refines it
        raw = merge_configs(scenario, raw)
        file = f"{schema_path}" + (f" + {config_path}" if config_path else "")
        locations = Locations(file, locations.keys, locations.values)
        model, problems = validate_config(raw, locations)
    problems.extend(_check_against_schema(raw, schema, locations))
    problems.extend(_check_exports(raw, schema, locations))
    if model is not None and model.snapshot is not None:
        problems.extend(_check_snapshot(schema_path, schema, locations))
    if problems or model is None:
        raise SchemaError(sorted(problems, key=_position))
    config = _config(model, schema, settings)
    suggestions = _suggestions(schema_path, schema, config)
    snapshot = model.snapshot
    return Dataset(
        name=name,
        schema=schema,
        config=config,
        schema_path=schema_path,
        config_path=config_path,
        suggestions=suggestions,
        snapshot=(
            SnapshotSource(
                dsn_env=snapshot.dsn_env,
                schemas=tuple(snapshot.schemas) if snapshot.schemas else None,
                tables=tuple(snapshot.tables) if snapshot.tables else None,
                profile=snapshot.profile,
            )
            if snapshot is not None
            else None
        ),
        document=model,
        locations=locations,
    )


def _check_dialect(dialect: Any, where: Locations) -> None:
    """A `dialect:` sqlglot reads, or one problem naming the YAML and the nearest names
    (raised at once: the schema cannot be read without it)."""
    from datagen_assets.schema.ddl import canonical_dialect

    try:
        if not isinstance(dialect, str):
            raise ValueError(f"must be a dialect name, got {dialect!r}")
        canonical_dialect(dialect)
    except ValueError as error:
        raise SchemaError([where.problem(f"dialect {dialect!r}: {error}", "dialect")]) from None


def merge_configs(base: dict, override: dict) -> dict:
    """`override` wins key by key; a column entry that names a generator replaces the base's
    entry whole (params of two generators must not mix), others merge into it."""
    merged = {**base, **{k: v for k, v in override.items() if k != "tables"}}
    tables = {k: dict(v or {}) for k, v in (base.get("tables") or {}).items()}
    for table, entry in (override.get("tables") or {}).items():
        target = tables.setdefault(table, {})
        for key, value in (entry or {}).items():
            if key != "columns":
                target[key] = value
        columns = dict(target.get("columns") or {})
        for column, spec in ((entry or {}).get("columns") or {}).items():
            previous = columns.get(column)
            named = isinstance(spec, str) or (isinstance(spec, dict) and "generator" in spec)
            if named or not isinstance(previous, dict) or not isinstance(spec, dict):
                columns[column] = spec
            else:
                columns[column] = {**previous, **spec}
        if columns:
            target["columns"] = columns
    if tables:
        merged["tables"] = tables
    return merged


def _suggestions(schema_path: Path, schema: Schema, config: DatasetConfig) -> dict:
    """Generators suggested in `<name>.annotations.yaml`, if it exists and was made from this
    schema's current metadata (a stale file is ignored: re-annotate to refresh it)."""
    from datagen_assets.ai.paths import annotations_path

    path = annotations_path(schema_path)
    if not path.is_file():
        return {}
    from datagen_assets.ai.annotations import (  # pydantic: imported only when needed
        AnnotationError,
        load_annotations,
        suggested_generators,
    )
    from datagen_assets.ai.metadata import build_prompt

    rows = {key: config.rows_for(key) for key in schema.tables}
    try:
        document = load_annotations(path, schema, build_prompt(schema, rows).sha256)
    except AnnotationError as error:
        raise SchemaError([Problem(str(error), file=str(path))]) from None
    return suggested_generators(document)


def _config(model: DatasetModel, schema: Schema, settings: Settings) -> DatasetConfig:
    """The runtime config: the model with defaults applied, table names resolved to keys, and
    the environment overrides (DATAGEN_SEED and DATAGEN_SCALE win over the config;
    DATAGEN_ROWS is the rows of tables the config gives no count: neither their own `rows`
    nor a dataset-wide `rows`)."""
    tables = {}
    for table_name, table in model.tables.items():
        key = _resolve_table(schema, table_name)
        columns = {}
        for column_name, column in table.columns.items():
            if isinstance(column, str):
                columns[column_name] = ColumnConfig(generator=column)
                continue
            columns[column_name] = ColumnConfig(
                generator=column.generator,
                params=column.params,
                null_fraction=column.null_fraction,
                locale=column.locale,
                edge_case_pct=column.edge_case_pct,
                pii_mode=column.pii_mode,
                pii=column.pii,
            )
        tables[key] = TableConfig(rows=table.rows, columns=columns, locale=table.locale)
    values = {
        key: getattr(model, key)
        for key in ("seed", "rows", "scale", "chunk_rows", "null_fraction", "locale")
        if getattr(model, key) is not None
    }
    for key in ("edge_case_pct", "pii_mode", "pii_key_env"):
        if getattr(model, key) is not None:
            values[key] = getattr(model, key)
    if settings.seed is not None:
        values["seed"] = settings.seed
    if settings.rows is not None and model.rows is None:
        values["rows"] = settings.rows
    if settings.scale is not None:
        values["scale"] = settings.scale
    if "scale" in values:
        values["scale"] = float(values["scale"])
    if "null_fraction" in values:
        values["null_fraction"] = float(values["null_fraction"])
    if "edge_case_pct" in values:
        values["edge_case_pct"] = float(values["edge_case_pct"])
    return DatasetConfig(tables=tables, description=model.description, **values)


def _check_against_schema(raw: dict, schema: Schema, where: Locations) -> list[Problem]:
    """What the model cannot know alone: tables and columns exist (with a suggestion for a
    near miss), locales are Faker's, generators are the catalog's, parameters come with a
    generator. Reads the plain data, so it reports even when the model found type problems."""
    problems: list[Problem] = []
    if isinstance(raw.get("locale"), str):
        problems.extend(_locale(raw["locale"], where, ("locale",)))
    tables = raw.get("tables")
    if not isinstance(tables, dict):
        return problems
    table_names = [*schema.tables, *(t.name for t in schema.tables.values())]
    for table_name, table_raw in tables.items():
        key = _resolve_table(schema, str(table_name))
        path = ("tables", table_name)
        if key is None:
            problems.append(
                where.problem(
                    f"no such table in {schema.source}{did_you_mean(str(table_name), table_names)}",
                    *path,
                    key=True,
                    table=str(table_name),
                )
            )
            continue
        if not isinstance(table_raw, dict):
            continue
        if isinstance(table_raw.get("locale"), str):
            problems.extend(_locale(table_raw["locale"], where, (*path, "locale"), key))
        columns = table_raw.get("columns")
        if not isinstance(columns, dict):
            continue
        table = schema.table(key)
        for column_name, column_raw in columns.items():
            column_path = (*path, "columns", column_name)
            if column_name not in table.column_names:
                hint = did_you_mean(str(column_name), table.column_names)
                problems.append(
                    where.problem(
                        f"no such column{hint}",
                        *column_path,
                        key=True,
                        table=key,
                        column=str(column_name),
                    )
                )
                continue
            generator = column_raw if isinstance(column_raw, str) else None
            if isinstance(column_raw, dict):
                generator = column_raw.get("generator")
                params = sorted(str(k) for k in column_raw if k not in COLUMN_KEYS)
                if params and generator is None:
                    hint = did_you_mean(params[0], COLUMN_KEYS)
                    problems.append(
                        where.problem(
                            f"parameters {params} given without a generator{hint}",
                            *column_path,
                            key=True,
                            table=key,
                            column=column_name,
                        )
                    )
                if isinstance(column_raw.get("locale"), str):
                    problems.extend(
                        _locale(
                            column_raw["locale"], where, (*column_path, "locale"), key, column_name
                        )
                    )
            if isinstance(generator, str):
                problems.extend(_generator(generator, where, column_path, key, column_name))
    return problems


def _position(problem: Problem) -> tuple:
    return (problem.file or "", problem.line or 0, problem.column_no or 0)


def _check_exports(raw: dict, schema: Schema, where: Locations) -> list[Problem]:
    """`exports:` entries name formats, profiles, options and tables that exist (the export
    registry is imported only for a config with exports)."""
    entries = raw.get("exports")
    if not isinstance(entries, list):  # the model reports anything else
        return []
    from datagen_assets.write.exports.spec import parse_exports

    return parse_exports(entries, set(schema.tables), where)[1]


# What users of other tools (Faker, Mockaroo, sdgen, SQL types) call DataGen's generators, for
# "did you mean": `integer` finds `uniform_int`, `regex` finds `pattern`.
GENERATOR_ALIASES = {
    "integer": "uniform_int", "int": "uniform_int", "number": "uniform_int",
    "random_int": "uniform_int", "range": "uniform_int", "float": "uniform_float",
    "decimal": "uniform_float", "double": "uniform_float", "date": "uniform_date",
    "timestamp": "uniform_timestamp", "datetime": "uniform_timestamp", "enum": "choice",
    "one_of": "choice", "random_element": "choice", "regex": "pattern", "constant": "const",
    "fixed": "const", "name": "full_name", "text": "words", "lorem": "words",
    "sentence": "words", "bool": "boolean", "serial": "sequence", "counter": "sequence",
    "autoincrement": "sequence", "foreign_key": "fk", "reference": "fk",
}  # fmt: skip


def _generator(name: str, where: Locations, path: tuple, table: str, column: str) -> list[Problem]:
    from datagen_assets.generate.generators import CATALOG

    if name in CATALOG:
        return []
    at = (
        (*path, "generator")
        if where.of_value(*path, "generator") != where.of_value(*path)
        else path
    )
    return [
        where.problem(
            f"unknown generator {name!r}{did_you_mean(name, CATALOG, GENERATOR_ALIASES)} "
            "(see docs/generators.md)",
            *at,
            table=table,
            column=column,
        )
    ]


def _check_snapshot(schema_path: Path, schema: Schema, where: Locations) -> list[Problem]:
    """The refresh job rewrites the schema file with PostgreSQL DDL, so the schema file must
    be PostgreSQL DDL already (`x.sql`, `x.postgres.sql`)."""
    if (
        scenario_suffix(schema_path) is None
        and schema_path.suffix.lower() in SNAPSHOT_SUFFIXES
        and schema.dialect == DEFAULT_DIALECT
    ):
        return []
    name = dataset_name(schema_path)
    return [
        where.problem(
            f"snapshot: the refresh rewrites {schema_path.name} with PostgreSQL DDL, so the "
            f"schema file must be PostgreSQL DDL ({name}.sql or {name}.postgres.sql)",
            "snapshot",
            key=True,
        )
    ]


def _locale(
    value: str, where: Locations, path: tuple, table: str | None = None, column: str | None = None
) -> list[Problem]:
    """A Faker locale name such as `de_DE` (Faker is imported only when a config names one:
    importing it costs a quarter second)."""
    from faker.config import AVAILABLE_LOCALES

    if value in AVAILABLE_LOCALES:
        return []
    near = sorted(loc for loc in AVAILABLE_LOCALES if loc.split("_")[0] == value.split("_")[0])
    hint = f" (did you mean {', '.join(near)}?)" if near else did_you_mean(value, AVAILABLE_LOCALES)
    return [where.problem(f"unknown locale {value!r}{hint}", *path, table=table, column=column)]


def _resolve_table(schema: Schema, name: str) -> str | None:
    """A config may name a table by key (`bookings.flights`) or by bare name if unambiguous."""
    if name in schema.tables:
        return name
    matches = [t.key for t in schema.tables.values() if t.name == name]
    return matches[0] if len(matches) == 1 else None

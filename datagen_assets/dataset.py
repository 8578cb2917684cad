"""Datasets: a schema file plus an optional YAML config beside it.

`schemas/shop.sql` alone is a dataset named `shop` with defaults; `schemas/shop.yaml` adds
rows, seed, chunking and per-column generator overrides. Loading validates everything and
raises one `SchemaError` listing every problem, before anything is generated or written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from datagen_assets.schema.model import DEFAULT_DIALECT, Problem, Schema, SchemaError
from datagen_assets.schema.sources import (
    is_schema_source,
    load_source,
    not_text_problem,
    scenario_suffix,
)
from datagen_assets.settings import Settings
from datagen_assets.suggest import UnknownName, did_you_mean
from datagen_assets.yaml_text import load_yaml

DEFAULT_ROWS = 1000
DEFAULT_SEED = 42
DEFAULT_CHUNK_ROWS = 250_000
CONFIG_SUFFIXES = (".yaml", ".yml")
# YAML files beside a schema that are not its config: `<name>.profile.yaml` (introspection
# profile), `<name>.annotations.yaml` (the AI assistant's reviewed suggestions).
SIDECAR_KINDS = ("profile", "annotations")
DATASET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

DATASET_KEYS = {
    "schema",
    "dialect",
    "seed",
    "rows",
    "scale",
    "chunk_rows",
    "null_fraction",
    "tables",
    "description",
    "locale",
    "edge_case_pct",
    "pii_mode",
    "schedule",
    "exports",
    "targets",
    "snapshot",
}
TABLE_KEYS = {"rows", "columns", "locale"}
COLUMN_KEYS = {"generator", "null_fraction", "locale", "edge_case_pct", "pii_mode", "pii"}
PII_MODES = ("synthetic", "masked", "redacted")
PII_CATEGORIES = ("none", "direct", "quasi", "sensitive")
SNAPSHOT_KEYS = ("dsn_env", "schemas", "tables", "profile")
SNAPSHOT_SUFFIXES = (".sql", ".ddl")  # what the snapshot job may rewrite with PostgreSQL DDL
ENV_VAR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DEFAULT_LOCALE = "en_US"


@dataclass(frozen=True)
class ColumnConfig:
    """A per-column override: a named generator with its params, and/or a null fraction."""

    generator: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    null_fraction: float | None = None
    locale: str | None = None
    edge_case_pct: float | None = None
    pii_mode: str | None = None  # synthetic | masked | redacted
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
    """Load one dataset: parse the schema, read and validate the config against it."""
    settings = settings or Settings()
    schema_path = Path(schema_path)
    config_path = Path(config_path) if config_path else None
    name = dataset_name(schema_path)
    raw = _read_yaml(config_path) if config_path else {}
    dialect = raw.get("dialect") if isinstance(raw, dict) else None
    if dialect is not None:
        _check_dialect(dialect, config_path)
    schema, scenario = load_source(schema_path, dialect=dialect)
    problems: list[Problem] = []
    if not DATASET_NAME.match(name):
        problems.append(
            Problem(f"dataset name {name!r} must be letters, digits and _", file=str(schema_path))
        )
    file = str(config_path) if config_path else None
    if scenario is not None:  # a scenario file carries its own config; the YAML refines it
        raw = merge_configs(scenario, raw)
        file = f"{schema_path}" + (f" + {config_path}" if config_path else "")
    config = _parse_config(raw, schema, file, problems)
    snapshot = (
        _parse_snapshot(raw["snapshot"], schema_path, schema, file, problems)
        if raw.get("snapshot") is not None
        else None
    )
    if problems:
        raise SchemaError(problems)
    config = _apply_settings(config, settings, raw)
    suggestions = _suggestions(schema_path, schema, config)
    return Dataset(
        name=name,
        schema=schema,
        config=config,
        schema_path=schema_path,
        config_path=config_path,
        suggestions=suggestions,
        snapshot=snapshot,
    )


def _check_dialect(dialect: Any, config_path: Path | None) -> None:
    """A `dialect:` sqlglot reads, or one problem naming the YAML and the nearest names."""
    from datagen_assets.schema.ddl import canonical_dialect

    try:
        if not isinstance(dialect, str):
            raise ValueError(f"must be a dialect name, got {dialect!r}")
        canonical_dialect(dialect)
    except ValueError as error:
        raise SchemaError(
            [Problem(f"dialect {dialect!r}: {error}", file=str(config_path))]
        ) from None


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


def _read_yaml(path: Path) -> dict:
    try:
        data = load_yaml(path.read_text(encoding="utf-8")) or {}
    except UnicodeDecodeError as error:
        raise SchemaError([not_text_problem(path, error)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise SchemaError(
            [
                Problem(
                    f"invalid YAML: {getattr(error, 'problem', error)}",
                    file=str(path),
                    line=mark.line + 1 if mark else None,
                )
            ]
        ) from None
    if not isinstance(data, dict):
        raise SchemaError([Problem("config must be a mapping", file=str(path))])
    return data


def _parse_config(
    raw: dict, schema: Schema, file: str | None, problems: list[Problem]
) -> DatasetConfig:
    for key in sorted(set(raw) - DATASET_KEYS):
        problems.append(
            Problem(f"unknown key {key!r} (allowed: {', '.join(sorted(DATASET_KEYS))})", file=file)
        )
    values: dict[str, Any] = {}
    for key, kind, minimum in (
        ("seed", int, 0),
        ("rows", int, 0),
        ("scale", float, 0),
        ("chunk_rows", int, 1),
        ("null_fraction", float, 0),
        ("edge_case_pct", float, 0),
    ):
        if key in raw:
            value = _number(raw[key], kind, minimum, f"{key}", file, None, None, problems)
            if value is not None:
                values[key] = value
    if values.get("null_fraction", 0) > 1:
        problems.append(Problem("null_fraction must be between 0 and 1", file=file))
    if values.get("edge_case_pct", 0) > 100:
        problems.append(Problem("edge_case_pct must be between 0 and 100", file=file))
    if "locale" in raw:
        values["locale"] = _locale(raw["locale"], file, None, None, problems)
    if "pii_mode" in raw:
        values["pii_mode"] = _one_of(
            raw["pii_mode"], PII_MODES, "pii_mode", file, None, None, problems
        )
    tables: dict[str, TableConfig] = {}
    for table_key, table_raw in (raw.get("tables") or {}).items():
        resolved = _resolve_table(schema, str(table_key))
        if resolved is None:
            problems.append(
                Problem(f"no such table in {schema.source}", file=file, table=str(table_key))
            )
            continue
        tables[resolved] = _parse_table(table_raw or {}, schema, resolved, file, problems)
    return DatasetConfig(tables=tables, description=raw.get("description"), **values)


def _parse_snapshot(
    raw: Any, schema_path: Path, schema: Schema, file: str | None, problems: list[Problem]
) -> SnapshotSource | None:
    """The `snapshot:` block, validated. The refresh job rewrites the schema file with
    PostgreSQL DDL, so the schema file must be PostgreSQL DDL already (`x.sql`,
    `x.postgres.sql`); `dsn_env` is never echoed, in case someone put the DSN itself there."""
    found = len(problems)

    def problem(message: str) -> None:
        problems.append(Problem(f"snapshot: {message}", file=file))

    if not isinstance(raw, dict):
        problem(f"must be a mapping with {', '.join(SNAPSHOT_KEYS)}")
        return None
    for key in sorted(set(raw) - set(SNAPSHOT_KEYS)):
        problem(f"unknown key {key!r} (allowed: {', '.join(SNAPSHOT_KEYS)})")
    dsn_env = raw.get("dsn_env")
    if dsn_env is None:
        problem("dsn_env is required: the name of the environment variable holding the DSN")
    elif not isinstance(dsn_env, str) or not ENV_VAR_NAME.match(dsn_env):
        problem(
            "dsn_env must be the name of an environment variable (letters, digits and _, "
            "e.g. SHOP_SOURCE_URL), never the DSN itself"
        )
    names: dict[str, tuple[str, ...] | None] = {}
    for key in ("schemas", "tables"):
        value = raw.get(key)
        if value is not None and (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v for v in value)
        ):
            problem(f"{key} must be a non-empty list of names, got {value!r}")
        names[key] = tuple(value) if isinstance(value, list) and value else None
    profile = raw.get("profile", False)
    if not isinstance(profile, bool):
        problem(f"profile must be true or false, got {profile!r}")
    if (
        scenario_suffix(schema_path) is not None
        or schema_path.suffix.lower() not in SNAPSHOT_SUFFIXES
        or schema.dialect != DEFAULT_DIALECT
    ):
        name = dataset_name(schema_path)
        problem(
            f"the refresh rewrites {schema_path.name} with PostgreSQL DDL, so the schema "
            f"file must be PostgreSQL DDL ({name}.sql or {name}.postgres.sql)"
        )
    if len(problems) > found:
        return None
    return SnapshotSource(
        dsn_env=dsn_env, schemas=names["schemas"], tables=names["tables"], profile=profile
    )


def _parse_table(
    raw: Any, schema: Schema, table_key: str, file: str | None, problems: list[Problem]
) -> TableConfig:
    if not isinstance(raw, dict):
        problems.append(Problem("table config must be a mapping", file=file, table=table_key))
        return TableConfig()
    for key in sorted(set(raw) - TABLE_KEYS):
        problems.append(
            Problem(
                f"unknown key {key!r} (allowed: {', '.join(sorted(TABLE_KEYS))})",
                file=file,
                table=table_key,
            )
        )
    rows = None
    if "rows" in raw:
        rows = _number(raw["rows"], int, 0, "rows", file, table_key, None, problems)
    columns = {}
    table = schema.table(table_key)
    for column_name, column_raw in (raw.get("columns") or {}).items():
        if column_name not in table.column_names:
            problems.append(
                Problem("no such column", file=file, table=table_key, column=str(column_name))
            )
            continue
        columns[column_name] = _parse_column(column_raw, file, table_key, column_name, problems)
    locale = _locale(raw["locale"], file, table_key, None, problems) if "locale" in raw else None
    return TableConfig(rows=rows, columns=columns, locale=locale)


def _parse_column(
    raw: Any, file: str | None, table: str, column: str, problems: list[Problem]
) -> ColumnConfig:
    if isinstance(raw, str):
        return ColumnConfig(generator=raw)
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                "column config must be a generator name or a mapping",
                file=file,
                table=table,
                column=column,
            )
        )
        return ColumnConfig()
    null_fraction = None
    if "null_fraction" in raw:
        null_fraction = _number(
            raw["null_fraction"], float, 0, "null_fraction", file, table, column, problems
        )
        if null_fraction is not None and null_fraction > 1:
            problems.append(
                Problem(
                    "null_fraction must be between 0 and 1", file=file, table=table, column=column
                )
            )
    edge_case_pct = None
    if "edge_case_pct" in raw:
        edge_case_pct = _number(
            raw["edge_case_pct"], float, 0, "edge_case_pct", file, table, column, problems
        )
        if edge_case_pct is not None and edge_case_pct > 100:
            problems.append(
                Problem(
                    "edge_case_pct must be between 0 and 100", file=file, table=table, column=column
                )
            )
    params = {k: v for k, v in raw.items() if k not in COLUMN_KEYS}
    generator = raw.get("generator")
    if params and generator is None:
        problems.append(
            Problem(
                f"parameters {sorted(params)} given without a generator",
                file=file,
                table=table,
                column=column,
            )
        )
    locale = _locale(raw["locale"], file, table, column, problems) if "locale" in raw else None
    pii_mode = pii = None
    if "pii_mode" in raw:
        pii_mode = _one_of(raw["pii_mode"], PII_MODES, "pii_mode", file, table, column, problems)
    if "pii" in raw:
        pii = _one_of(raw["pii"], PII_CATEGORIES, "pii", file, table, column, problems)
    return ColumnConfig(
        generator=generator,
        params=params,
        null_fraction=null_fraction,
        locale=locale,
        edge_case_pct=edge_case_pct,
        pii_mode=pii_mode,
        pii=pii,
    )


def _one_of(
    value: Any,
    allowed: tuple[str, ...],
    key: str,
    file: str | None,
    table: str | None,
    column: str | None,
    problems: list[Problem],
) -> str | None:
    if value not in allowed:
        problems.append(
            Problem(
                f"{key} must be one of {', '.join(allowed)}, got {value!r}",
                file=file,
                table=table,
                column=column,
            )
        )
        return None
    return value


def _locale(
    value: Any, file: str | None, table: str | None, column: str | None, problems: list[Problem]
) -> str | None:
    """A Faker locale name such as `de_DE`; checked against Faker's list (imported only when
    a config names a locale, since importing Faker costs a quarter second)."""
    from faker.config import AVAILABLE_LOCALES

    if not isinstance(value, str) or value not in AVAILABLE_LOCALES:
        near = sorted(
            loc
            for loc in AVAILABLE_LOCALES
            if isinstance(value, str) and loc.split("_")[0] == value.split("_")[0]
        )
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        problems.append(
            Problem(f"unknown locale {value!r}{hint}", file=file, table=table, column=column)
        )
        return None
    return value


def _number(
    value: Any,
    kind: type,
    minimum: float,
    key: str,
    file: str | None,
    table: str | None,
    column: str | None,
    problems: list[Problem],
):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and math.isfinite(value)  # `.inf` and `.nan` are YAML floats, never a count
    if ok and kind is int and not float(value).is_integer():
        ok = False
    if not ok or value < minimum:
        problems.append(
            Problem(
                f"{key} must be a finite {kind.__name__} >= {minimum}, got {value!r}",
                file=file,
                table=table,
                column=column,
            )
        )
        return None
    return kind(value)


def _resolve_table(schema: Schema, name: str) -> str | None:
    """A config may name a table by key (`bookings.flights`) or by bare name if unambiguous."""
    if name in schema.tables:
        return name
    matches = [t.key for t in schema.tables.values() if t.name == name]
    return matches[0] if len(matches) == 1 else None


def _apply_settings(config: DatasetConfig, settings: Settings, raw: dict) -> DatasetConfig:
    """Environment overrides: DATAGEN_SEED and DATAGEN_SCALE win over the config;
    DATAGEN_ROWS is the rows of tables the config gives no count (neither its own `rows`
    nor a dataset-wide `rows`)."""
    changes: dict[str, Any] = {}
    if settings.seed is not None:
        changes["seed"] = settings.seed
    if settings.rows is not None and "rows" not in raw:
        changes["rows"] = settings.rows
    if settings.scale is not None:
        changes["scale"] = settings.scale
    return replace(config, **changes) if changes else config

"""Scenario files of the seed tools users migrate from: a schema and a config in one file.

A seed tool's scenario names tables, their row counts and a generator per column. That is both
what DataGen's schema model holds (tables, columns, keys) and what a dataset config holds (rows,
generators), so each loader returns the two: a `Schema` and a raw config dict shaped exactly
like a `<name>.yaml` (`seed`, `rows`, `tables: {t: {rows, columns: {c: {generator, ...}}}}`).
The config then goes through the same validation as a hand-written one (`dataset._parse_config`,
the engine), and a `<name>.yaml` beside the scenario can override it key by key.

The accepted formats are specified in `docs/migrating.md`. Both loaders are strict, because a
silently ignored key is a silently wrong dataset: an unknown key at any level is an error naming
the file, table, column and key, and every problem of a file is raised at once (`SchemaError`).
Each format's mapping onto DataGen is a registry a reader scans in one screen (sdgen:
`SDGEN_TYPES`; datagen-cli: `CLI_GENERATORS` and `SEMANTICS`), plus the code walking the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlglot.expressions as exp
import yaml

from datagen_assets.generate.generators import CATALOG, build_generator
from datagen_assets.schema.ddl import parse_ddl
from datagen_assets.schema.model import (
    INTEGER_KINDS,
    STRING_KINDS,
    Column,
    ColumnType,
    ForeignKey,
    Problem,
    Schema,
    SchemaError,
    Table,
    TypeKind,
)
from datagen_assets.schema.types import map_type
from datagen_assets.yaml_text import load_yaml

K = TypeKind
DIALECT = "postgres"
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
NUMBER_KINDS = INTEGER_KINDS | {K.NUMERIC, K.REAL, K.DOUBLE, K.MONEY}
TIME_KINDS = frozenset({K.TIMESTAMP, K.TIMESTAMPTZ, K.DATE})


# ================================================================ shared


class _Report:
    """Collects every problem of one file, each located at its table and column."""

    def __init__(self, path: Path):
        self.file = str(path)
        self.problems: list[Problem] = []

    def add(self, message: str, table: str | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.file, table=table, column=column))

    def mapping(
        self,
        raw: Any,
        allowed: set[str],
        what: str,
        table: str | None = None,
        column: str | None = None,
    ) -> dict | None:
        """`raw` as a dict whose unknown keys are reported (None, reported, if not a dict)."""
        if not isinstance(raw, dict):
            self.add(f"{what} must be a mapping, got {type(raw).__name__}", table, column)
            return None
        for key in raw:
            if key not in allowed:
                self.add(
                    f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})",
                    table,
                    column,
                )
        return raw

    def count(
        self, raw: dict, key: str, what: str, table: str | None = None, column: str | None = None
    ) -> int | None:
        """A non-negative integer under `key`, if present."""
        if key not in raw:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.add(f"{key} of {what} must be an integer >= 0, got {value!r}", table, column)
            return None
        return value

    def fraction(self, raw: dict, key: str, table: str, column: str) -> float | None:
        if key not in raw:
            return None
        value = raw[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            self.add(f"{key} must be a number between 0 and 1, got {value!r}", table, column)
            return None
        return float(value)

    def raise_if_any(self) -> None:
        if self.problems:
            raise SchemaError(self.problems)


def _identifier(name: Any, what: str, report: _Report, table: str | None = None) -> bool:
    if isinstance(name, str) and IDENTIFIER.match(name):
        return True
    report.add(
        f"{what} name {name!r} must be letters, digits and _ (not starting with a digit)", table
    )
    return False


def pg_type(sql: str) -> ColumnType:
    """A PostgreSQL type DataGen itself spells (`NUMERIC(18, 2)`), mapped like DDL types."""
    return map_type(exp.DataType.build(sql, dialect=DIALECT), DIALECT, sql).type


def parse_column_type(written: Any) -> tuple[ColumnType, bool] | str:
    """A user-written PostgreSQL type, read by the DDL importer as the only column of a
    one-column table: (type, autoincrement), or why it is refused. Anything beyond a bare type
    (`int NOT NULL`, `int, x int`, `int); DROP ...`) changes what the importer sees, so it is
    refused rather than half-applied."""
    if not isinstance(written, str) or not written.strip():
        return "type must be a PostgreSQL type name such as 'varchar(40)'"
    if re.search(r"[;'\"]|--|/\*", written):
        return f"type {written!r} is not a plain PostgreSQL type"
    try:
        schema = parse_ddl(f"CREATE TABLE t (c {written});", DIALECT, "type")
    except SchemaError:
        return f"type {written!r} is not a PostgreSQL type"
    table = schema.tables.get("t")
    if (
        schema.notes
        or table is None
        or len(schema.tables) != 1
        or len(table.columns) != 1
        or table.primary_key
        or table.uniques
        or table.checks
        or table.foreign_keys
    ):
        return f"type {written!r} is not a plain PostgreSQL type"
    column = table.columns[0]
    if column.type.sql.strip().lower() != written.strip().lower() or column.default:
        return f"type {written!r} is not a plain PostgreSQL type"
    if column.type.kind == K.UNKNOWN:
        return f"type {written!r} is not supported"
    return column.type, column.autoincrement


def _validate_generator(name: str, params: dict, report: _Report, table: str, column: str) -> bool:
    """Build the generator now, so a bad parameter is reported against the scenario file."""
    try:
        build_generator(name, params)
    except ValueError as error:
        report.add(str(error), table, column)
        return False
    return True


def _integer_family(kind: TypeKind) -> str:
    return "integer" if kind in INTEGER_KINDS else "string" if kind in STRING_KINDS else kind


@dataclass
class _ColumnDraft:
    name: str
    type: ColumnType | None = None
    nullable: bool = False
    autoincrement: bool = False
    generator: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # null_fraction, locale
    ref: tuple[str, str | None] | None = None  # (table, column or None for its key)
    implicit: bool = False  # the `id` key added to a table that declares none

    def config(self) -> dict[str, Any] | None:
        entry = dict(self.extra)
        if self.generator:
            entry = {"generator": self.generator, **self.params, **entry}
        return entry or None

    def freeze(self) -> Column:
        column_type = self.type or ColumnType(K.UNKNOWN)
        return Column(
            self.name, column_type, nullable=self.nullable, autoincrement=self.autoincrement
        )


@dataclass
class _TableDraft:
    name: str
    columns: list[_ColumnDraft] = field(default_factory=list)
    primary_key: tuple[str, ...] = ()
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    rows: int | None = None

    def column(self, name: str) -> _ColumnDraft | None:
        return next((c for c in self.columns if c.name == name), None)

    def add_id(self) -> None:
        """The key a table without one gets: `id BIGINT`, counting 1..n like a sequence."""
        column = _ColumnDraft("id", pg_type("BIGINT"), autoincrement=True, implicit=True)
        self.columns.insert(0, column)
        self.primary_key = ("id",)


def _resolve_references(drafts: dict[str, _TableDraft], report: _Report) -> None:
    """Point each reference at its target key and give an untyped column the key's type;
    follows chains (a key that is itself a reference) and reports cycles."""

    def key_type(table: str, column: str, seen: frozenset) -> ColumnType | None:
        target = drafts[table].column(column)
        if target is None:
            return None
        if target.ref is None or target.type is not None:
            return target.type
        if (table, column) in seen:
            return None
        ref_table, ref_column = target.ref
        if ref_table not in drafts or ref_column is None:
            return None
        return key_type(ref_table, ref_column, seen | {(table, column)})

    for draft in drafts.values():
        for column in draft.columns:
            if column.ref is None:
                continue
            ref_table, ref_column = column.ref
            target = drafts.get(ref_table)
            if target is None:
                report.add(f"references unknown table {ref_table!r}", draft.name, column.name)
                column.ref = None
                continue
            keys = [target.primary_key, *target.uniques]
            if ref_column is None:
                if len(target.primary_key) != 1:
                    report.add(
                        f"{ref_table} has no single-column primary key to reference; "
                        "name the column",
                        draft.name,
                        column.name,
                    )
                    column.ref = None
                    continue
                ref_column = target.primary_key[0]
            if target.column(ref_column) is None:
                report.add(
                    f"references unknown column {ref_table}.{ref_column}", draft.name, column.name
                )
                column.ref = None
                continue
            if (ref_column,) not in keys:
                report.add(
                    f"references {ref_table}.{ref_column}, which is not its primary key or unique",
                    draft.name,
                    column.name,
                )
                column.ref = None
                continue
            column.ref = (ref_table, ref_column)
    for draft in drafts.values():
        for column in draft.columns:
            if column.ref is None:
                continue
            target_type = key_type(*column.ref, frozenset({(draft.name, column.name)}))
            if target_type is None:
                report.add(
                    f"cannot type the reference to {'.'.join(column.ref)}: that column has "
                    "no type (or references back here)",
                    draft.name,
                    column.name,
                )
            elif column.type is None:
                column.type = _plain(target_type)
            elif _integer_family(column.type.kind) != _integer_family(target_type.kind):
                report.add(
                    f"type {column.type.sql} cannot reference {'.'.join(column.ref)} "
                    f"({target_type.sql})",
                    draft.name,
                    column.name,
                )


INTEGER_SQL = {K.SMALLINT: "smallint", K.INTEGER: "integer", K.BIGINT: "bigint"}


def _plain(key_type: ColumnType) -> ColumnType:
    """A referenced key's type for the referencing column: a `serial` key is referenced by
    a plain integer (the sequence belongs to the key's table)."""
    if key_type.kind in INTEGER_SQL and not key_type.array:
        return replace(key_type, sql=INTEGER_SQL[key_type.kind])
    return key_type


def _check_unique_generators(drafts: dict[str, _TableDraft], report: _Report, hint: str) -> None:
    """A key column's generator must make distinct values by construction; say so now, in
    the scenario's terms, instead of letting the engine say it in DataGen's."""
    for draft in drafts.values():
        key_columns = {c for key in (draft.primary_key, *draft.uniques) for c in key}
        for column in draft.columns:
            if (
                column.name in key_columns
                and column.generator
                and column.ref is None
                and not CATALOG[column.generator].unique_capable
            ):
                report.add(
                    f"is a key, but generator {column.generator!r} cannot guarantee "
                    f"distinct values ({hint})",
                    draft.name,
                    column.name,
                )


def _build(drafts: dict[str, _TableDraft], path: Path, head: dict[str, Any]) -> tuple[Schema, dict]:
    tables, config_tables = {}, {}
    for draft in drafts.values():
        foreign_keys = tuple(
            ForeignKey((c.name,), c.ref[0], (c.ref[1],)) for c in draft.columns if c.ref is not None
        )
        tables[draft.name] = Table(
            draft.name,
            tuple(c.freeze() for c in draft.columns),
            primary_key=draft.primary_key,
            uniques=tuple(draft.uniques),
            foreign_keys=foreign_keys,
        )
        entry: dict[str, Any] = {}
        if draft.rows is not None:
            entry["rows"] = draft.rows
        columns = {c.name: c.config() for c in draft.columns if c.config()}
        if columns:
            entry["columns"] = columns
        if entry:
            config_tables[draft.name] = entry
    config = {k: v for k, v in head.items() if v is not None}
    if config_tables:
        config["tables"] = config_tables
    return Schema(tables, source=str(path), dialect=DIALECT), config


def _head(raw: dict, report: _Report) -> dict[str, Any]:
    """The dataset-wide keys both formats share: seed, rows, description."""
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        report.add("description must be a string")
        description = None
    return {
        "description": description,
        "seed": report.count(raw, "seed", "the scenario"),
        "rows": report.count(raw, "rows", "the scenario"),
    }


# ================================================================ sdgen YAML


@dataclass(frozen=True)
class SdgenType:
    """An sdgen column type: the DataGen generator it becomes, the params it takes (same
    names as the generator's), the required ones, and the column type it implies."""

    generator: str
    params: tuple[str, ...]
    sql: Callable[[dict], str | None]  # params -> PostgreSQL type (None: reported)
    required: tuple[str, ...] = ()


def _fixed(sql: str) -> Callable[[dict], str]:
    return lambda params: sql


def _float_sql(params: dict) -> str:
    """Rounded floats are exact decimals; unrounded ones are doubles."""
    decimals = params.get("decimals")
    ok = isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= 12
    return f"NUMERIC(18, {decimals})" if ok else "DOUBLE PRECISION"


def _value_sql(values: list) -> str | None:
    """The one column type that holds every value (None if they disagree)."""
    import datetime as dt

    kinds = set()
    for value in values:
        if isinstance(value, bool):
            kinds.add("BOOLEAN")
        elif isinstance(value, int):
            kinds.add("BIGINT")
        elif isinstance(value, float):
            kinds.add("DOUBLE PRECISION")
        elif isinstance(value, str):
            kinds.add("TEXT")
        elif isinstance(value, dt.datetime):
            kinds.add("TIMESTAMP")
        elif isinstance(value, dt.date):
            kinds.add("DATE")
        else:
            return None
    if kinds == {"BIGINT", "DOUBLE PRECISION"}:
        return "DOUBLE PRECISION"
    return kinds.pop() if len(kinds) == 1 else None


# sdgen type -> DataGen generator. `fk` and `faker_<provider>` are handled apart: the first
# needs the other entities, the second Faker's list of providers.
# fmt: off
SDGEN_TYPES: dict[str, SdgenType] = {
    "const":         SdgenType("const", ("value",), lambda p: _value_sql([p.get("value")]),
                               required=("value",)),
    "uuid4":         SdgenType("uuid", (), _fixed("UUID")),
    "sequence":      SdgenType("sequence", ("start", "step"), _fixed("BIGINT")),
    "uniform_int":   SdgenType("uniform_int", ("min", "max"), _fixed("BIGINT")),
    "uniform_float": SdgenType("uniform_float", ("min", "max", "decimals"), _float_sql),
    "normal":        SdgenType("normal", ("mean", "std", "min", "max", "decimals"), _float_sql),
    "choice":        SdgenType("choice", ("values", "weights"),
                               lambda p: _value_sql(list(p.get("values") or [None])),
                               required=("values",)),
    "time_series":   SdgenType("time_series", ("start", "step", "jitter", "pattern", "peak_hour"),
                               _fixed("TIMESTAMP")),
}
# fmt: on
# faker_<provider> -> a DataGen generator that does the same job better than the raw provider
FAKER_SHORTCUTS: dict[str, str] = {"name": "full_name", "email": "email"}
FK_PARAMS = ("ref", "distribution", "s", "count", "min", "max", "roots", "depth")
FAKER_PARAMS = ("locale",)

SDGEN_KEYS = {"description", "seed", "rows", "entities"}
ENTITY_KEYS = {"rows", "columns"}
SDGEN_COLUMN_KEYS = {"type", "params", "primary", "null_fraction"}


def load_sdgen(path: str | Path) -> tuple[Schema, dict]:
    """An sdgen scenario (`*.sdgen.yaml`): entities with rows and typed columns."""
    path = Path(path)
    report = _Report(path)
    try:
        raw = load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        message = f"invalid YAML: {getattr(error, 'problem', None) or error}"
        raise SchemaError([Problem(message, file=str(path), line=line)]) from None
    raw = report.mapping(raw, SDGEN_KEYS, "the scenario")
    if raw is None:
        report.raise_if_any()
    head = _head(raw, report)
    entities = raw.get("entities")
    drafts: dict[str, _TableDraft] = {}
    if not isinstance(entities, dict) or not entities:
        report.add("entities must be a non-empty mapping of entity name to rows and columns")
        entities = {}
    faker = _FakerProviders()
    for name, entity in entities.items():
        if _identifier(name, "entity", report):
            drafts[name] = _sdgen_entity(name, entity, report, faker)
    _resolve_references(drafts, report)
    _check_unique_generators(drafts, report, "use uuid4, sequence or a faker_ type")
    report.raise_if_any()
    return _build(drafts, path, head)


def _sdgen_entity(name: str, raw: Any, report: _Report, faker: _FakerProviders) -> _TableDraft:
    draft = _TableDraft(name)
    raw = report.mapping(raw, ENTITY_KEYS, f"entity {name}", name)
    if raw is None:
        return draft
    draft.rows = report.count(raw, "rows", f"entity {name}", name)
    columns = raw.get("columns")
    if not isinstance(columns, dict) or not columns:
        report.add("columns must be a non-empty mapping of column name to its type", name)
        return draft
    primary = []
    for column_name, column_raw in columns.items():
        if not _identifier(column_name, "column", report, name):
            continue
        column, is_primary = _sdgen_column(name, column_name, column_raw, report, faker)
        draft.columns.append(column)
        if is_primary:
            primary.append(column_name)
    if primary:
        draft.primary_key = tuple(primary)
    elif draft.column("id") is not None:
        draft.primary_key = ("id",)
    else:
        draft.add_id()
    for key in draft.primary_key:
        if draft.column(key).nullable:
            report.add("a primary key column cannot have a null_fraction", name, key)
    return draft


def _sdgen_column(
    table: str, name: str, raw: Any, report: _Report, faker: _FakerProviders
) -> tuple[_ColumnDraft, bool]:
    column = _ColumnDraft(name)
    raw = report.mapping(raw, SDGEN_COLUMN_KEYS, f"column {name}", table, name)
    if raw is None:
        return column, False
    primary = raw.get("primary", False)
    if not isinstance(primary, bool):
        report.add(f"primary must be true or false, got {primary!r}", table, name)
        primary = False
    null_fraction = report.fraction(raw, "null_fraction", table, name)
    if null_fraction is not None:
        column.nullable = null_fraction > 0
        column.extra["null_fraction"] = null_fraction
    params = raw.get("params", {})
    if params is None:
        params = {}
    kind = raw.get("type")
    if not isinstance(kind, str):
        report.add(
            f"type is required: one of {', '.join(sorted(SDGEN_TYPES))}, fk or faker_<provider>",
            table,
            name,
        )
        return column, primary
    if kind == "fk":
        allowed = FK_PARAMS
    elif kind.startswith("faker_"):
        allowed = FAKER_PARAMS
    elif kind in SDGEN_TYPES:
        allowed = SDGEN_TYPES[kind].params
    else:
        report.add(
            f"unknown type {kind!r} (known: {', '.join(sorted(SDGEN_TYPES))}, fk, "
            "faker_<provider>)",
            table,
            name,
        )
        return column, primary
    params = report.mapping(params, set(allowed), f"params of type {kind}", table, name)
    if params is None:
        return column, primary
    params = {k: v for k, v in params.items() if k in allowed}
    if kind == "fk":
        _sdgen_fk(column, params, report, table)
    elif kind.startswith("faker_"):
        _sdgen_faker(column, kind.removeprefix("faker_"), params, report, table, faker)
    else:
        spec = SDGEN_TYPES[kind]
        for key in spec.required:
            if key not in params:
                report.add(f"type {kind} needs params.{key}", table, name)
                return column, primary
        for key in ("values", "weights"):
            if key in params and (not isinstance(params[key], list) or not params[key]):
                report.add(f"params.{key} of type {kind} must be a non-empty list", table, name)
                return column, primary
        sql = spec.sql(params)
        if sql is None:
            report.add(
                f"type {kind}: values must all be strings, numbers, booleans or dates of one kind",
                table,
                name,
            )
            return column, primary
        column.type = pg_type(sql)
        column.generator, column.params = spec.generator, params
        _validate_generator(spec.generator, params, report, table, name)
    return column, primary


def _sdgen_fk(column: _ColumnDraft, params: dict, report: _Report, table: str) -> None:
    ref = params.pop("ref", None)
    if not isinstance(ref, str) or not re.fullmatch(r"\w+(\.\w+)?", ref):
        report.add(
            f"type fk needs params.ref: 'entity' or 'entity.column', got {ref!r}",
            table,
            column.name,
        )
        return
    target, _, target_column = ref.partition(".")
    column.ref = (target, target_column or None)
    if params:  # a spread: only then is `fk` named, plain references need no config
        column.generator, column.params = "fk", params
        _validate_generator("fk", params, report, table, column.name)


def _sdgen_faker(
    column: _ColumnDraft,
    provider: str,
    params: dict,
    report: _Report,
    table: str,
    faker: _FakerProviders,
) -> None:
    column.type = pg_type("TEXT")
    if "locale" in params:
        column.extra["locale"] = params["locale"]
    if provider in FAKER_SHORTCUTS:
        column.generator = FAKER_SHORTCUTS[provider]
    elif faker.has(provider):
        column.generator, column.params = "faker", {"provider": provider}
    else:
        report.add(
            f"unknown type faker_{provider}: Faker has no provider {provider!r}", table, column.name
        )


class _FakerProviders:
    """Faker's provider names, checked only when a scenario names one (importing Faker costs
    a quarter of a second)."""

    def __init__(self) -> None:
        self._fake = None

    def has(self, provider: str) -> bool:
        if not IDENTIFIER.match(provider) or provider.startswith("_"):
            return False
        if self._fake is None:
            import faker

            self._fake = faker.Faker("en_US")
        from datagen_assets.generate.pools import PROVIDER_ALIASES

        names = PROVIDER_ALIASES.get(provider, (provider,))
        return any(callable(getattr(self._fake, n, None)) for n in names)


# ================================================================ datagen-cli JSON


@dataclass(frozen=True)
class CliGenerator:
    """A datagen-cli generator kind: its params (required ones first in `required`), the
    column kinds it fits, and how it becomes a DataGen generator."""

    params: tuple[str, ...]
    kinds: frozenset[TypeKind]
    convert: Callable[[dict, _ColumnDraft, _TableDraft], tuple[str, dict] | str]
    required: tuple[str, ...] = ()


def _weighted_enum(
    params: dict, column: _ColumnDraft, table: _TableDraft
) -> tuple[str, dict] | str:
    values = params["values"]
    if not isinstance(values, dict) or not values:
        return "weighted_enum values must be a non-empty object of value to weight"
    return "choice", {"values": list(values), "weights": list(values.values())}


MASK = {"#": "[0-9]", "?": "[A-Z]", "*": "[A-Z0-9]"}
REGEX_SPECIAL = frozenset(".^$*+?{}[]\\|()#")


def mask_to_generator(mask: str) -> tuple[str, dict] | str:
    """A datagen-cli mask (`#` digit, `?` capital letter, `*` either, `\\` escapes, anything
    else literal) as DataGen sees it: a mask whose only placeholders are one run of `#` is
    `format` (`INV-{:06d}`, which can fill a unique column); any other is `pattern` with the
    equivalent regex."""
    tokens: list[tuple[str, str]] = []  # ("lit" | placeholder, char)
    escaped = False
    for char in mask:
        if escaped:
            tokens.append(("lit", char))
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            tokens.append((char, char) if char in MASK else ("lit", char))
    if escaped:
        return f"mask {mask!r} ends with a lone backslash"
    if not any(kind != "lit" for kind, _ in tokens):
        return f"mask {mask!r} has no placeholder (# digit, ? letter, * letter or digit)"
    runs = [
        kind
        for i, (kind, _) in enumerate(tokens)
        if kind != "lit" and (i == 0 or tokens[i - 1][0] != kind)
    ]
    braces = any(char in "{}" for _, char in tokens)  # `format` has no escape for them
    if runs == ["#"] and not braces:
        first = next(i for i, (kind, _) in enumerate(tokens) if kind == "#")
        width = sum(1 for kind, _ in tokens if kind == "#")
        prefix = "".join(c for _, c in tokens[:first])
        suffix = "".join(c for _, c in tokens[first + width :])
        return "format", {"template": f"{prefix}{{:0{width}d}}{suffix}"}
    regex, i = "", 0
    while i < len(tokens):
        kind, char = tokens[i]
        j = i
        while j < len(tokens) and tokens[j][0] == kind and kind != "lit":
            j += 1
        if kind == "lit":
            regex += "\\" + char if char in REGEX_SPECIAL else char
            i += 1
        else:
            regex += MASK[kind] + (f"{{{j - i}}}" if j - i > 1 else "")
            i = j
    return "pattern", {"regex": regex}


def _pattern(params: dict, column: _ColumnDraft, table: _TableDraft) -> tuple[str, dict] | str:
    mask = params["pattern"]
    if not isinstance(mask, str) or not mask:
        return "pattern must be a non-empty string"
    length = column.type.length if column.type else None
    produced = len(mask) - mask.count("\\")
    if length is not None and produced > length:
        return f"pattern {mask!r} makes {produced} characters; the column holds {length}"
    return mask_to_generator(mask)


PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def _template(params: dict, column: _ColumnDraft, table: _TableDraft) -> tuple[str, dict] | str:
    """`{column}` placeholders make an `expression` over the same row; a lone `{seq}` or
    `{seq:W}` (zero-padded to W digits) makes `format`; no placeholder makes `const`."""
    text = params["template"]
    if not isinstance(text, str):
        return "template must be a string"
    parts: list[tuple[str, str]] = []  # ("lit" | "col" | "seq", text)
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(("lit", text[position : match.start()]))
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append(("lit", token[0]))
        elif match.group(1) is None:
            return f"template {text!r} has an unmatched {token!r} (write {token * 2} for one)"
        else:
            inner = match.group(1).strip()
            seq = re.fullmatch(r"seq(?::(\d{1,2}))?", inner)
            if seq:
                parts.append(("seq", seq.group(1) or ""))
            elif table.column(inner) is not None and inner != column.name:
                parts.append(("col", inner))
            else:
                return f"template placeholder {{{inner}}} is not {{seq}} or another column"
    parts.append(("lit", text[position:]))
    merged: list[tuple[str, str]] = []  # adjacent literals as one
    for kind, value in parts:
        if kind == "lit" and merged and merged[-1][0] == "lit":
            merged[-1] = ("lit", merged[-1][1] + value)
        elif value or kind != "lit":
            merged.append((kind, value))
    parts = merged
    kinds = {kind for kind, _ in parts}
    if "seq" in kinds:
        if "col" in kinds or sum(kind == "seq" for kind, _ in parts) > 1:
            return "a template with {seq} takes no other placeholder"
        if any(kind == "lit" and ("{" in v or "}" in v) for kind, v in parts):
            return "a template with {seq} cannot hold literal braces"
        return "format", {
            "template": "".join(
                (f"{{:0{v}d}}" if v else "{:d}") if kind == "seq" else v for kind, v in parts
            )
        }
    if "col" not in kinds:
        return "const", {"value": "".join(v for _, v in parts)}
    sql = " || ".join(
        f"CAST({exp.to_identifier(v, quoted=True).sql(DIALECT)} AS VARCHAR)"
        if kind == "col"
        else exp.Literal.string(v).sql(DIALECT)
        for kind, v in parts
    )
    return "expression", {"sql": sql}


def _integer_range(
    params: dict, column: _ColumnDraft, table: _TableDraft
) -> tuple[str, dict] | str:
    return "uniform_int", {"min": params["min"], "max": params["max"]}


DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d)$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds(value: Any) -> float | None:
    """A duration: seconds as a number, or `30s`, `15m`, `2h`, `1d`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = DURATION.match(value) if isinstance(value, str) else None
    return float(match.group(1)) * UNIT_SECONDS[match.group(2)] if match else None


def _timeseries(params: dict, column: _ColumnDraft, table: _TableDraft) -> tuple[str, dict] | str:
    converted = dict(params)
    for key in ("step", "jitter"):
        if key in params:
            amount = seconds(params[key])
            if amount is None:
                return f"{key} must be seconds or a duration like '15m', got {params[key]!r}"
            converted[key] = amount
    return "time_series", converted


def _serial(params: dict, column: _ColumnDraft, table: _TableDraft) -> tuple[str, dict] | str:
    return "sequence", params


STRINGS = frozenset(STRING_KINDS)
# fmt: off
CLI_GENERATORS: dict[str, CliGenerator] = {
    "weighted_enum": CliGenerator(("values",), STRINGS, _weighted_enum, ("values",)),
    "pattern":       CliGenerator(("pattern",), STRINGS, _pattern, ("pattern",)),
    "template":      CliGenerator(("template",), STRINGS, _template, ("template",)),
    "integer_range": CliGenerator(("min", "max"), NUMBER_KINDS, _integer_range, ("min", "max")),
    "timeseries":    CliGenerator(("start", "step", "jitter", "pattern", "peak_hour"),
                                  TIME_KINDS, _timeseries),
    "serial":        CliGenerator(("start", "step"), NUMBER_KINDS, _serial),
}

# `semantic` -> (DataGen generator, params, column kinds it fits)
SEMANTICS: dict[str, tuple[str, dict, frozenset[TypeKind]]] = {
    "email":          ("email", {}, STRINGS),
    "full_name":      ("full_name", {}, STRINGS),
    "first_name":     ("faker", {"provider": "first_name"}, STRINGS),
    "last_name":      ("faker", {"provider": "last_name"}, STRINGS),
    "username":       ("faker", {"provider": "user_name"}, STRINGS),
    "phone":          ("faker", {"provider": "phone_number"}, STRINGS),
    "street_address": ("faker", {"provider": "street_address"}, STRINGS),
    "city":           ("faker", {"provider": "city"}, STRINGS),
    "state":          ("faker", {"provider": "state"}, STRINGS),
    "postcode":       ("faker", {"provider": "postcode"}, STRINGS),
    "country":        ("faker", {"provider": "country"}, STRINGS),
    "country_code":   ("faker", {"provider": "country_code"}, STRINGS),
    "company":        ("faker", {"provider": "company"}, STRINGS),
    "job_title":      ("faker", {"provider": "job"}, STRINGS),
    "url":            ("faker", {"provider": "url"}, STRINGS),
    "ipv4":           ("faker", {"provider": "ipv4"}, STRINGS | {K.INET}),
    "currency_code":  ("faker", {"provider": "currency_code"}, STRINGS),
    "sentence":       ("faker", {"provider": "sentence"}, STRINGS),
    "paragraph":      ("faker", {"provider": "paragraph"}, STRINGS),
    "product_name":   ("product_name", {}, STRINGS),
    "words":          ("words", {}, STRINGS),
    "uuid":           ("uuid", {}, STRINGS | {K.UUID}),
    "json":           ("json", {}, STRINGS | {K.JSON}),
}
# fmt: on

CLI_KEYS = {"description", "seed", "rows", "tables"}
CLI_TABLE_KEYS = {"name", "rows", "columns"}
CLI_COLUMN_KEYS = {
    "name",
    "type",
    "primary_key",
    "unique",
    "nullable",
    "null_fraction",
    "references",
    "semantic",
    "generator",
}


def load_datagen_cli(path: str | Path) -> tuple[Schema, dict]:
    """A datagen-cli scenario (`*.datagen.json`): tables of PostgreSQL-typed columns."""
    path = Path(path)
    report = _Report(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise SchemaError(
            [Problem(f"invalid JSON: {error.msg}", file=str(path), line=error.lineno)]
        ) from None
    raw = report.mapping(raw, CLI_KEYS, "the scenario")
    if raw is None:
        report.raise_if_any()
    head = _head(raw, report)
    tables = raw.get("tables")
    if not isinstance(tables, list) or not tables:
        report.add("tables must be a non-empty list of tables")
        tables = []
    drafts: dict[str, _TableDraft] = {}
    pending: dict[str, list[tuple[_ColumnDraft, Any]]] = {}  # generators, once types are known
    for position, table_raw in enumerate(tables):
        table_raw = report.mapping(table_raw, CLI_TABLE_KEYS, f"tables[{position}]")
        if table_raw is None:
            continue
        name = table_raw.get("name")
        if not _identifier(name, f"tables[{position}]", report):
            continue
        if name in drafts:
            report.add("table is defined twice", name)
            continue
        drafts[name], pending[name] = _cli_table(name, table_raw, report)
    _resolve_references(drafts, report)
    for name, draft in drafts.items():
        for column, spec in pending[name]:
            _cli_generator(column, spec, draft, report)
        for column in draft.columns:
            if column.autoincrement and not (column.generator or column.ref or column.implicit):
                column.generator = "sequence"  # serial: 1, 2, 3... as the database counts
    _check_unique_generators(
        drafts,
        report,
        "use a template with {seq}, a pattern of one run of #, serial, or the uuid semantic",
    )
    report.raise_if_any()
    return _build(drafts, path, head)


def _cli_table(
    name: str, raw: dict, report: _Report
) -> tuple[_TableDraft, list[tuple[_ColumnDraft, Any]]]:
    draft = _TableDraft(name, rows=report.count(raw, "rows", f"table {name}", name))
    pending: list[tuple[_ColumnDraft, Any]] = []
    columns = raw.get("columns")
    if not isinstance(columns, list) or not columns:
        report.add("columns must be a non-empty list of columns", name)
        return draft, pending
    primary, uniques = [], []
    for position, column_raw in enumerate(columns):
        column_raw = report.mapping(column_raw, CLI_COLUMN_KEYS, f"columns[{position}]", name)
        if column_raw is None:
            continue
        column_name = column_raw.get("name")
        if not _identifier(column_name, f"columns[{position}]", report, name):
            continue
        if draft.column(column_name) is not None:
            report.add("column is defined twice", name, column_name)
            continue
        column, flags = _cli_column(name, column_name, column_raw, report)
        draft.columns.append(column)
        primary += [column_name] if flags["primary_key"] else []
        uniques += [(column_name,)] if flags["unique"] else []
        if column_raw.get("generator") is not None:
            pending.append((column, column_raw["generator"]))
    serials = [c.name for c in draft.columns if c.autoincrement]
    if primary:
        draft.primary_key = tuple(primary)
    elif draft.column("id") is not None:
        draft.primary_key = ("id",)
    elif serials:
        draft.primary_key = (serials[0],)
    else:
        draft.add_id()
    draft.uniques = [u for u in uniques if u != draft.primary_key]
    for key in draft.primary_key:
        column = draft.column(key)
        if column.nullable:
            report.add("a primary key column cannot be nullable", name, key)
    return draft, pending


def _cli_column(
    table: str, name: str, raw: dict, report: _Report
) -> tuple[_ColumnDraft, dict[str, bool]]:
    column = _ColumnDraft(name)
    flags = {}
    for key in ("primary_key", "unique", "nullable"):
        flags[key] = raw.get(key, False)
        if not isinstance(flags[key], bool):
            report.add(f"{key} must be true or false, got {flags[key]!r}", table, name)
            flags[key] = False
    null_fraction = report.fraction(raw, "null_fraction", table, name)
    column.nullable = flags["nullable"]
    if null_fraction is not None:
        if not column.nullable and null_fraction > 0:
            report.add("null_fraction needs nullable: true", table, name)
        column.extra["null_fraction"] = null_fraction
    references = raw.get("references")
    if references is not None:
        if not isinstance(references, str) or not re.fullmatch(r"\w+(\.\w+)?", references):
            report.add(
                f"references must be 'table' or 'table.column', got {references!r}", table, name
            )
        else:
            target, _, target_column = references.partition(".")
            column.ref = (target, target_column or None)
    if "type" in raw:
        parsed = parse_column_type(raw["type"])
        if isinstance(parsed, str):
            report.add(parsed, table, name)
        else:
            column.type, column.autoincrement = parsed
            if column.autoincrement and column.ref is not None:
                report.add(
                    "a serial column cannot reference another table (use integer)", table, name
                )
    elif column.ref is None:
        report.add(
            "type is required (it may be left out only on a column with references)", table, name
        )
    semantic = raw.get("semantic")
    if semantic is not None:
        if raw.get("generator") is not None:
            report.add("give semantic or generator, not both", table, name)
        elif column.ref is not None:
            report.add("a column with references takes no semantic", table, name)
        elif semantic not in SEMANTICS:
            report.add(
                f"unknown semantic {semantic!r} (known: {', '.join(sorted(SEMANTICS))})",
                table,
                name,
            )
        elif column.type is not None:
            generator, params, kinds = SEMANTICS[semantic]
            if column.type.kind not in kinds:
                report.add(f"semantic {semantic} does not fit type {column.type.sql}", table, name)
            column.generator, column.params = generator, dict(params)
    return column, flags


def _cli_generator(column: _ColumnDraft, spec: Any, table: _TableDraft, report: _Report) -> None:
    where = (table.name, column.name)
    if isinstance(spec, str):
        spec = {"kind": spec}
    kinds = ", ".join(sorted(CLI_GENERATORS))
    if not isinstance(spec, dict) or spec.get("kind") not in CLI_GENERATORS:
        kind = spec.get("kind") if isinstance(spec, dict) else spec
        report.add(f"unknown generator kind {kind!r} (known: {kinds})", *where)
        return
    kind = spec["kind"]
    generator = CLI_GENERATORS[kind]
    params = report.mapping(spec, {"kind", *generator.params}, f"generator {kind}", *where)
    params = {k: v for k, v in params.items() if k in generator.params}
    missing = [k for k in generator.required if k not in params]
    if missing:
        report.add(f"generator {kind} needs {', '.join(missing)}", *where)
        return
    if column.ref is not None:
        report.add(
            "a column with references takes its values from the referenced key; it "
            "takes no generator",
            *where,
        )
        return
    if column.type is None:
        return  # its type problem is reported already
    if column.type.kind not in generator.kinds:
        report.add(f"generator {kind} does not fit type {column.type.sql}", *where)
        return
    converted = generator.convert(params, column, table)
    if isinstance(converted, str):
        report.add(converted, *where)
        return
    column.generator, column.params = converted
    _validate_generator(column.generator, column.params, report, *where)

"""The dataset YAML as one typed model (pydantic), parsed once, located to file:line:column.

`read_config(path)` reads `<name>.yaml` once: the YAML is composed with its node marks, so every
problem points at the line and column of the key or value it is about; pydantic checks every
key, type, range and choice (unknown keys get a "did you mean"); what needs the schema (table
and column names, locales, generators) is checked by `dataset.py` against this model. Every
other part reads the model (`Dataset.document`): the engine its column overrides, the Dagster
layer its `exports`, `targets` and `schedule`, the snapshot job its `snapshot`; none re-reads
the file.

`config_json_schema()` is the JSON Schema of the file (`datagen config-schema`, committed as
`docs/dataset.schema.json`), so editors complete and check it: YAML files DataGen writes start
with `# yaml-language-server: $schema=...` (`published_schemas.modeline`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from datagen_assets.schema.model import Problem
from datagen_assets.suggest import did_you_mean
from datagen_assets.yaml_text import load_yaml

SCHEMA_ID = "https://datagen.dev/schemas/dataset.schema.json"
PII_MODES = ("synthetic", "masked", "redacted", "hashed", "encrypted")
PII_CATEGORIES = ("none", "direct", "quasi", "sensitive")
ENV_VAR_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"

# `.inf` and `.nan` are YAML floats, never a share or a scale
Fraction = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(ge=1)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class ColumnModel(BaseModel):
    """A column override: a generator and its parameters (any other key is a parameter of the
    generator), and/or a null fraction, locale, edge-case share, PII mode or category."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    generator: str | None = Field(
        None, description="a generator of the catalog (docs/generators.md)"
    )
    null_fraction: Fraction | None = Field(None, description="share of NULLs (0..1)")
    locale: str | None = Field(None, description="Faker locale, e.g. de_DE")
    edge_case_pct: Percent | None = Field(None, description="share (%) of edge-case values")
    pii_mode: Literal[PII_MODES] | None = None  # type: ignore[valid-type]
    pii: Literal[PII_CATEGORIES] | None = Field(  # type: ignore[valid-type]
        None, description="override the PII classification of the column"
    )

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class TableModel(_Model):
    rows: Count | None = Field(None, description="rows of this table (times `scale`)")
    columns: dict[str, str | ColumnModel] = Field(
        default_factory=dict, description="per-column overrides: a generator name or a mapping"
    )
    locale: str | None = None


class ScheduleModel(_Model):
    """A refresh schedule (see orchestrate/schedules.py)."""

    cron: str = Field(description='5-field cron, e.g. "0 3 * * *"')
    timezone: str = "UTC"
    seed: Literal["fixed", "new"] = "fixed"
    enabled: bool = True

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        from dagster._utils.schedules import is_valid_cron_string

        if not is_valid_cron_string(value):
            raise ValueError(f"cron {value!r} is not a valid 5-field cron expression")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"timezone {value!r} is not an IANA time zone (e.g. UTC, Europe/Berlin)"
            ) from None
        return value


class SnapshotModel(_Model):
    """Where the `refresh_<name>_snapshot` job re-reads the schema from (a live PostgreSQL)."""

    dsn_env: str = Field(
        pattern=ENV_VAR_NAME,
        description="name of the environment variable holding the DSN (never the DSN itself)",
    )
    schemas: list[Annotated[str, Field(min_length=1)]] | None = Field(None, min_length=1)
    tables: list[Annotated[str, Field(min_length=1)]] | None = Field(None, min_length=1)
    profile: bool = False


class ExportModel(_Model):
    """An export: exactly one of `format` or `profile`, with options."""

    format: str | None = None
    profile: str | None = None
    name: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]+$")
    compression: str | None = None
    dialect: str | None = None
    rows: Positive | None = None
    pretty: bool | None = None
    batch_rows: Positive | None = None
    tables: list[str] | None = None


class DatasetModel(_Model):
    """A dataset config: `schemas/<name>.yaml` beside `schemas/<name>.sql`."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        title="DataGen dataset config",
        json_schema_extra={"$id": SCHEMA_ID},
    )

    schema_: str | None = Field(None, alias="schema", description="informational: the schema")
    dialect: str | None = Field(None, description="sqlglot dialect of the schema file")
    description: str | None = None
    seed: Count | None = Field(None, description="seed of every value (default 42)")
    rows: Count | None = Field(None, description="rows of a table without its own (1000)")
    scale: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = Field(
        None, description="multiplies rows"
    )
    chunk_rows: Positive | None = Field(None, description="rows per partition (250000)")
    null_fraction: Fraction | None = Field(None, description="NULL share of nullable columns")
    locale: str | None = Field(None, description="Faker locale (en_US)")
    edge_case_pct: Percent | None = None
    pii_mode: Literal[PII_MODES] | None = None  # type: ignore[valid-type]
    pii_key_env: str | None = Field(
        None,
        pattern=ENV_VAR_NAME,
        description="name of the environment variable holding the hashed/encrypted key: "
        "64 bytes as base64 or hex (never the key itself)",
    )
    tables: dict[str, TableModel] = Field(default_factory=dict)
    exports: list[str | ExportModel] | None = None
    targets: list[Literal["postgres"]] | None = None
    schedule: ScheduleModel | None = None
    snapshot: SnapshotModel | None = None

    def raw_exports(self) -> list[str | dict[str, Any]] | None:
        """`exports:` as plain values (names and mappings), for the export parser."""
        if self.exports is None:
            return None
        return [e if isinstance(e, str) else e.model_dump(exclude_unset=True) for e in self.exports]


# Which model a YAML path leads to, for the keys an unknown key could have meant.
_MODELS: list[tuple[tuple[str, ...], type[BaseModel]]] = [
    ((), DatasetModel),
    (("tables", "*"), TableModel),
    (("tables", "*", "columns", "*"), ColumnModel),
    (("schedule",), ScheduleModel),
    (("snapshot",), SnapshotModel),
    (("exports", "*"), ExportModel),
]


# ---------------------------------------------------------------------------- locations


@dataclass(frozen=True)
class Locations:
    """(line, column), 1-based, of every key and value of a YAML document, by path: a path is
    the tuple of mapping keys (as text) and list indices from the root."""

    file: str | None = None
    keys: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    values: dict[tuple, tuple[int, int]] = field(default_factory=dict)

    def of_key(self, *path: Any) -> tuple[int | None, int | None]:
        """Where the key at `path` is written (else its value, else the nearest parent)."""
        return self._find(tuple(path), self.keys, self.values)

    def of_value(self, *path: Any) -> tuple[int | None, int | None]:
        """Where the value at `path` is written (else its key, else the nearest parent)."""
        return self._find(tuple(path), self.values, self.keys)

    def problem(self, message: str, *path: Any, key: bool = False, **where: Any) -> Problem:
        """A problem at `path` (its key with `key=True`, else its value)."""
        line, column = (self.of_key if key else self.of_value)(*path)
        return Problem(message, file=self.file, line=line, column_no=column, **where)

    @staticmethod
    def _find(path: tuple, first: dict, second: dict) -> tuple[int | None, int | None]:
        path = tuple(p if isinstance(p, int) else str(p) for p in path)
        while True:
            for marks in (first, second):
                if path in marks:
                    return marks[path]
            if not path:
                return None, None
            path = path[:-1]


def locate(text: str, file: str | None = None) -> Locations:
    """The marks of every node of a YAML text (empty when it does not compose)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return Locations(file)
    locations = Locations(file)
    if root is not None:
        for path, key_node, value_node in _walk(root, ()):
            if key_node is not None:
                locations.keys[path] = _mark(key_node)
            locations.values[path] = _mark(value_node)
    return locations


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _walk(node: yaml.Node, path: tuple) -> Iterator[tuple[tuple, yaml.Node | None, yaml.Node]]:
    if not path:
        yield (), None, node
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*path, str(key_node.value))
            yield child, key_node, value_node
            yield from _walk(value_node, child)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            yield child, None, item
            yield from _walk(item, child)


# ---------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ConfigFile:
    """A dataset YAML read once: its plain data, the validated model and where things are."""

    data: dict[str, Any]
    model: DatasetModel | None  # None when the file has problems
    locations: Locations


def read_config(path: Path, text: str | None = None) -> tuple[ConfigFile, list[Problem]]:
    """Read, locate and validate a dataset YAML; problems carry file:line:column."""
    file = str(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            from datagen_assets.schema.sources import not_text_problem

            return ConfigFile({}, None, Locations(file)), [not_text_problem(path, error)]
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = Problem(
            f"invalid YAML: {getattr(error, 'problem', None) or error}",
            file=file,
            line=mark.line + 1 if mark else None,
            column_no=mark.column + 1 if mark else None,
        )
        return ConfigFile({}, None, Locations(file)), [problem]
    data = {} if data is None else data
    locations = locate(text, file)
    if not isinstance(data, dict):
        return ConfigFile({}, None, locations), [locations.problem("config must be a mapping")]
    model, problems = validate_config(data, locations)
    return ConfigFile(data, model, locations), problems


def validate_config(
    data: dict[str, Any], locations: Locations | None = None
) -> tuple[DatasetModel | None, list[Problem]]:
    """The model of plain config data, or every problem pydantic found, located and worded
    for a person (with a suggestion for a mistyped key or choice)."""
    locations = locations or Locations()
    try:
        return DatasetModel.model_validate(data), []
    except ValidationError as error:
        errors = [e for e in error.errors() if not _other_branch(e) and not _export_entry(e, data)]
        problems = [_problem(e, data, locations) for e in errors]
        return None, list(dict.fromkeys(problems))


def _other_branch(error: dict) -> bool:
    """An error of the union branch the value is plainly not: `email: {generator: ...}` is a
    mapping, so "must be text" (the generator-name branch) is noise."""
    return error["type"] == "string_type" and isinstance(error.get("input"), dict | list)


def _export_entry(error: dict, data: dict) -> bool:
    """An error inside an `exports:` entry: the export parser (`write/exports/spec.py`),
    which knows the registry, reports those, in its own words."""
    loc = error["loc"]
    return len(loc) > 1 and loc[0] == "exports" and isinstance(data.get("exports"), list)


def _problem(error: dict, data: Any, locations: Locations) -> Problem:
    path = _yaml_path(error["loc"], data)
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    name = str(path[-1]) if path else "config"
    if len(path) > 1 and isinstance(path[-1], int):  # `targets: [oracle]`: targets entry 1
        name = f"{path[-2]} entry {path[-1] + 1}"
    table = str(path[1]) if len(path) > 1 and path[0] == "tables" else None
    column = (
        str(path[3]) if len(path) > 3 and path[0] == "tables" and path[2] == "columns" else None
    )
    section = (
        f"{path[0]}: " if path and path[0] in ("schedule", "snapshot") and len(path) > 1 else ""
    )
    if path and path[0] == "exports" and len(path) > 1 and isinstance(path[1], int):
        section = f"exports entry {path[1] + 1}: "
    at_key = False
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        message = (
            f"unknown key {name!r}{did_you_mean(name, allowed)} (allowed: {', '.join(allowed)})"
        )
        at_key = True
    elif kind == "missing":
        message = f"{name} is required"
    elif kind == "literal_error":
        choices = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        hint = did_you_mean(str(value), choices) if isinstance(value, str) else ""
        message = f"{name} must be one of {', '.join(choices)}, got {value!r}{hint}"
    elif kind in ("int_type", "int_from_float"):
        message = f"{name} must be a whole number, got {value!r}"
    elif kind == "float_type":
        message = f"{name} must be a number, got {value!r}"
    elif kind == "finite_number":
        message = f"{name} must be a finite number, got {value!r}"
    elif kind == "bool_type":
        message = f"{name} must be true or false, got {value!r}"
    elif kind == "string_type":
        message = f"{name} must be text, got {value!r}"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        message = f"{name} must be a mapping, got {value!r}"
    elif kind == "list_type":
        message = f"{name} must be a list, got {value!r}"
    elif kind == "greater_than_equal":
        message = f"{name} must be >= {ctx.get('ge')}, got {value!r}"
    elif kind == "less_than_equal":
        message = f"{name} must be <= {ctx.get('le')}, got {value!r}"
    elif kind == "string_pattern_mismatch" and name == "pii_key_env":  # never echoed
        message = (
            "pii_key_env must be the name of an environment variable (letters, digits and _) "
            "that holds the key, not the key itself"
        )
    elif kind == "string_pattern_mismatch" and name == "dsn_env":
        message = (
            "dsn_env must be the name of an environment variable (letters, digits and _, "
            "e.g. SHOP_SOURCE_URL), never the DSN itself"
        )
    elif kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
    else:
        message = f"{name}: {error['msg']}, got {value!r}"
    if table is not None:
        section = ""
    return locations.problem(section + message, *path, key=at_key, table=table, column=column)


def _yaml_path(loc: tuple, data: Any) -> tuple:
    """pydantic's error location without its union tags (`str`, `ColumnModel`...): the path
    as written in the YAML, the last part kept even when absent (a missing or unknown key)."""
    path: list = []
    node = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        present = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        )
        if present:
            path.append(part)
            node = node[part]
        elif last and not (isinstance(part, str) and part[:1].isupper() or part == "str"):
            path.append(part)
    return tuple(path)


def _allowed_keys(path: tuple) -> list[str]:
    for pattern, model in _MODELS:
        if len(pattern) == len(path) and all(
            p in ("*", q) for p, q in zip(pattern, path, strict=True)
        ):
            return sorted(f.alias or n for n, f in model.model_fields.items())
    return []


# ---------------------------------------------------------------------------- JSON Schema


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of the dataset YAML, with the choices the export registry holds
    (formats, profiles, compressions, SQL dialects) as enums for completion. Generators and
    locales are left open (checked when the dataset loads, with a suggestion): their lists
    grow with the catalog and with Faker, and the committed schema must not go stale."""
    from datagen_assets.write.exports.api import PROFILES
    from datagen_assets.write.exports.output import COMPRESSIONS
    from datagen_assets.write.exports.registry import FORMATS
    from datagen_assets.write.exports.to_sql import DIALECTS

    schema = DatasetModel.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    definitions = schema["$defs"]
    export = definitions["ExportModel"]["properties"]
    for key, choices in (
        ("format", FORMATS),
        ("profile", PROFILES),
        ("compression", COMPRESSIONS),
        ("dialect", DIALECTS),
    ):
        export[key]["anyOf"][0]["enum"] = sorted(choices)
    schema["properties"]["exports"]["anyOf"][0]["items"]["anyOf"][0]["enum"] = sorted(
        [*FORMATS, *PROFILES]
    )
    return schema


def config_json_schema_text() -> str:
    return json.dumps(config_json_schema(), indent=2, sort_keys=True) + "\n"

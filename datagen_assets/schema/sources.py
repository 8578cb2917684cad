"""One entry point for every schema source: pick the importer from the file name.

`LOADERS` maps a file suffix to the function that reads it; adding a format is one line here
plus its importer module. A `.json` file must look like a JSON Schema (a `$schema`,
`properties`, `$defs` or `definitions` key at the top), so that an unrelated JSON file beside
the schemas fails with a clear message instead of importing as an empty schema.

`SCENARIO_LOADERS` maps a compound suffix (`.sdgen.yaml`) to the loader of a seed tool's
scenario file, which yields a config as well as a schema (see `schema/scenarios.py`). Compound
suffixes are matched first, so `events.sdgen.yaml` is a schema source, not a dataset config, and
`stock.datagen.json` is not mistaken for a JSON Schema. `load_source` returns both parts;
`load_schema` only the schema.

DDL files go through the schema cache (`schema/cache.py`): an unchanged file is not parsed
again. The importers are imported when a file needs them, so a cached load imports none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from datagen_assets.schema.cache import cached_schema
from datagen_assets.schema.model import Problem, Schema, SchemaError

Loader = Callable[[Path, "str | None"], Schema]
ScenarioLoader = Callable[[Path], "tuple[Schema, dict]"]

JSON_SCHEMA_KEYS = ("$schema", "properties", "$defs", "definitions")


def _load_ddl(path: Path, dialect: str | None) -> Schema:
    def parse() -> Schema:
        from datagen_assets.schema.ddl import load_ddl

        return load_ddl(path, dialect)

    return cached_schema(path, dialect, parse)


def not_text_problem(path: Path, error: UnicodeDecodeError) -> Problem:
    """A binary file given where text is expected (a PNG renamed `.yaml`, a truncated
    download): one problem naming the file and the first undecodable byte."""
    return Problem(
        f"not UTF-8 text (byte 0x{error.object[error.start]:02x} at offset {error.start}): "
        "is this the right file?",
        file=str(path),
    )


def _load_json(path: Path, dialect: str | None) -> Schema:
    """A `.json` file that looks like a JSON Schema; invalid JSON is reported by the importer."""
    from datagen_assets.schema.jsonschema import load_json_schema

    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise SchemaError([not_text_problem(path, error)]) from None
    except json.JSONDecodeError:
        return load_json_schema(path, dialect)  # it reports the line of the syntax error
    if not isinstance(document, dict) or not any(key in document for key in JSON_SCHEMA_KEYS):
        message = f"not a JSON Schema: expected one of {', '.join(JSON_SCHEMA_KEYS)} at the top"
        raise SchemaError([Problem(message, file=str(path))])
    return load_json_schema(path, dialect)


# File suffix (lower case) -> loader. `x.postgres.sql` is `.sql` (its dialect: `.postgres`).
LOADERS: dict[str, Loader] = {
    ".sql": _load_ddl,
    ".ddl": _load_ddl,
    ".json": _load_json,
}
SCHEMA_SUFFIXES: tuple[str, ...] = tuple(LOADERS)


def _load_sdgen(path: Path) -> tuple[Schema, dict]:
    from datagen_assets.schema.scenarios import load_sdgen

    return load_sdgen(path)


def _load_datagen_cli(path: Path) -> tuple[Schema, dict]:
    from datagen_assets.schema.scenarios import load_datagen_cli

    return load_datagen_cli(path)


# Compound file suffix (lower case) -> loader of a scenario file: (schema, raw config).
SCENARIO_LOADERS: dict[str, ScenarioLoader] = {
    ".sdgen.yaml": _load_sdgen,
    ".sdgen.yml": _load_sdgen,
    ".datagen.json": _load_datagen_cli,
}
SCENARIO_SUFFIXES: tuple[str, ...] = tuple(SCENARIO_LOADERS)


def scenario_suffix(path: str | Path) -> str | None:
    """The compound suffix that makes `path` a scenario file (`.sdgen.yaml`), or None."""
    name = Path(path).name.lower()
    return next((suffix for suffix in SCENARIO_SUFFIXES if name.endswith(suffix)), None)


def is_schema_source(path: str | Path) -> bool:
    """Whether `load_source` reads this file: a scenario, or a schema suffix of `LOADERS`.
    A `*.yaml` that is not a scenario is a dataset config (or a sidecar), not a source."""
    return scenario_suffix(path) is not None or Path(path).suffix.lower() in LOADERS


def load_source(path: str | Path, dialect: str | None = None) -> tuple[Schema, dict | None]:
    """A `Schema` and, for scenario files, the raw dataset config they carry (else None).
    Raises `SchemaError` naming the file. `dialect` matters only to SQL files (it overrides the
    `x.<dialect>.sql` suffix); scenario files are PostgreSQL by definition."""
    path = Path(path)
    suffix = scenario_suffix(path)
    loader = LOADERS.get(path.suffix.lower())
    if suffix is None and loader is None:
        known = ", ".join(SCHEMA_SUFFIXES + SCENARIO_SUFFIXES)
        message = f"unknown schema format {path.suffix or '(no suffix)'!r}; expected one of {known}"
        raise SchemaError([Problem(message, file=str(path))])
    if not path.is_file():
        raise SchemaError([Problem("schema file not found", file=str(path))])
    if suffix is not None:
        return SCENARIO_LOADERS[suffix](path)
    return loader(path, dialect), None


def load_schema(path: str | Path, dialect: str | None = None) -> Schema:
    """Build a `Schema` from any supported file; raises `SchemaError` naming the file.
    For a scenario file this is its schema only (`load_source` also returns its config)."""
    return load_source(path, dialect)[0]

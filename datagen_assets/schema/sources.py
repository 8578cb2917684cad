"""One entry point for every schema source: pick the importer from the file name.

`LOADERS` maps a file suffix to the function that reads it; adding a format is one line here
plus its importer module. A `.json` file must look like a JSON Schema (a `$schema`,
`properties`, `$defs` or `definitions` key at the top), so that an unrelated JSON file beside
the schemas fails with a clear message instead of importing as an empty schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from datagen_assets.schema.ddl import load_ddl
from datagen_assets.schema.jsonschema import load_json_schema
from datagen_assets.schema.model import Problem, Schema, SchemaError

Loader = Callable[[Path, "str | None"], Schema]

JSON_SCHEMA_KEYS = ("$schema", "properties", "$defs", "definitions")


def _load_json(path: Path, dialect: str | None) -> Schema:
    """A `.json` file that looks like a JSON Schema; invalid JSON is reported by the importer."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError:
        return load_json_schema(path, dialect)  # it reports the line of the syntax error
    if not isinstance(document, dict) or not any(key in document for key in JSON_SCHEMA_KEYS):
        message = f"not a JSON Schema: expected one of {', '.join(JSON_SCHEMA_KEYS)} at the top"
        raise SchemaError([Problem(message, file=str(path))])
    return load_json_schema(path, dialect)


# File suffix (lower case) -> loader. `x.postgres.sql` is `.sql` (its dialect: `.postgres`).
LOADERS: dict[str, Loader] = {
    ".sql": load_ddl,
    ".ddl": load_ddl,
    ".json": _load_json,
}
SCHEMA_SUFFIXES: tuple[str, ...] = tuple(LOADERS)


def load_schema(path: str | Path, dialect: str | None = None) -> Schema:
    """Build a `Schema` from any supported file; raises `SchemaError` naming the file.

    `dialect` matters only to SQL files (it overrides the `x.<dialect>.sql` suffix).
    """
    path = Path(path)
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        known = ", ".join(SCHEMA_SUFFIXES)
        message = f"unknown schema format {path.suffix or '(no suffix)'!r}; expected one of {known}"
        raise SchemaError([Problem(message, file=str(path))])
    if not path.is_file():
        raise SchemaError([Problem("schema file not found", file=str(path))])
    return loader(path, dialect)

"""The CaseGeni request/response protocol: JSON Schemas, parsing and validation of a request.

A request is a JSON file `<inbox>/<id>.json` asking for a variant of a dataset (a subset of
tables, other sizes, seed, locale, NULL share...). Validation is two-staged and collects every
error before answering: the JSON Schema (structure, types, ranges), then what only the server
knows (the dataset and its tables exist, the locale is one Faker has, the size is acceptable).
The schemas are Python constants so the package needs no data files; `docs/casegeni-*.schema.json`
are copies of them (a test keeps them equal). Formats are documented in docs/casegeni.md.

Plain Python: the sensor (`requests.py`) and the job (`request_job.py`) both use it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from datagen_assets.dataset import Dataset
from datagen_assets.orchestrate.json_validation import SchemaViolation, validate

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
REQUEST_ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
# Python's `$` also matches before a final newline (JSON Schema's, ECMA's, does not): the id
# becomes run keys, tags and folder names, so it is matched whole as well.
REQUEST_ID = re.compile(REQUEST_ID_PATTERN.removeprefix("^").removesuffix("$"))
RESERVED_IDS = ("inbox", "responses")  # folders beside the request outputs
MAX_ROWS_PER_TABLE = 100_000_000
MAX_REQUEST_ROWS = 50_000_000  # all generated tables together, parents included
MAX_SEED = 2**53 - 1  # exact in every JSON implementation
PII_MODES = ("synthetic", "masked", "redacted")

_rows = {"type": "integer", "minimum": 0, "maximum": MAX_ROWS_PER_TABLE}
_scale = {"type": "number", "minimum": 0, "maximum": 1000}
_pct = {"type": "number", "minimum": 0, "maximum": 100}

REQUEST_SCHEMA: dict[str, Any] = {
    "$schema": SCHEMA_DRAFT,
    "$id": "casegeni-request.schema.json",
    "title": "CaseGeni dataset request",
    "description": "Asks DataGen for a variant of one dataset; the file is <inbox>/<id>.json.",
    "type": "object",
    "required": ["id", "dataset"],
    "additionalProperties": False,
    "properties": {
        "id": {
            "description": "Unique request id; equals the file name without .json. A request id "
            "runs once: resubmitting it does nothing (Dagster run key).",
            "type": "string",
            "pattern": REQUEST_ID_PATTERN,
        },
        "dataset": {
            "description": "Dataset name (a schema file in the schemas folder).",
            "type": "string",
            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
        },
        "tables": {
            "description": "Tables to generate (default: all). A list of names, or an object "
            "name -> {rows} or {scale}. FK parents of the named tables are generated too.",
            "oneOf": [
                {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string", "minLength": 1},
                },
                {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": {"$ref": "#/$defs/table_options"},
                },
            ],
        },
        "rows": {
            "description": "Rows of every table the dataset config gives no count of its own.",
            **_rows,
        },
        "scale": {"description": "Replaces the dataset's scale (multiplies row counts).", **_scale},
        "seed": {
            "description": "Random seed (default: the dataset's).",
            "type": "integer",
            "minimum": 0,
            "maximum": MAX_SEED,
        },
        "locale": {
            "description": "Faker locale of the dataset, e.g. de_DE; table and column locales "
            "of the dataset config still win.",
            "type": "string",
            "pattern": "^[a-z]{2,3}(_[A-Za-z]{2,4})?$",
        },
        "edge_case_pct": {
            "description": "Share of edge-case values in percent (recorded, not yet applied).",
            **_pct,
        },
        "null_pct": {
            "description": "Share of NULLs in nullable non-key columns, in percent (replaces the "
            "dataset's null_fraction; per-column settings still win).",
            **_pct,
        },
        "pii_mode": {
            "description": "How PII-like columns are produced (recorded, not yet applied: values "
            "are always synthetic).",
            "enum": list(PII_MODES),
        },
        "exports": {
            "description": "Export formats wanted, e.g. csv, parquet, sql (recorded, not yet "
            "produced).",
            "type": "array",
            "uniqueItems": True,
            "items": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        },
        "metadata": {
            "description": "Anything the requester wants echoed back in the response.",
            "type": "object",
        },
    },
    "$defs": {
        "table_options": {
            "type": "object",
            "additionalProperties": False,
            "maxProperties": 1,
            "properties": {
                "rows": {"description": "Exact row count of this table.", **_rows},
                "scale": {"description": "Multiplies this table's planned rows.", **_scale},
            },
        }
    },
}

_url = {"type": "string"}
RESPONSE_SCHEMA: dict[str, Any] = {
    "$schema": SCHEMA_DRAFT,
    "$id": "casegeni-response.schema.json",
    "title": "CaseGeni dataset response",
    "description": "DataGen's answer to a request: <responses>/<id>.json when the run finished "
    "(status succeeded or failed), <responses>/<id>.rejected.json when the request was invalid.",
    "type": "object",
    "required": ["id", "status", "request_sha256", "errors"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "status": {"enum": ["succeeded", "failed", "rejected"]},
        "dataset": {"type": ["string", "null"]},
        "request_sha256": {
            "description": "SHA-256 of the request file's bytes.",
            "type": "string",
        },
        "run_id": {"description": "Dagster run id.", "type": ["string", "null"]},
        "finished_at": {"type": "string", "format": "date-time"},
        "seed": {"type": ["integer", "null"]},
        "output_url": {"description": "Folder of the generated dataset.", **_url},
        "manifest_url": {"type": ["string", "null"]},
        "rows": {"description": "Rows generated, all tables together.", "type": "integer"},
        "tables": {"type": "array", "items": {"$ref": "#/$defs/table"}},
        "checks_passed": {"type": ["boolean", "null"]},
        "checks": {"type": "array", "items": {"$ref": "#/$defs/check"}},
        "options": {"description": "The options as applied or recorded.", "type": "object"},
        "exports": {
            "type": "object",
            "required": ["requested", "produced"],
            "properties": {
                "requested": {"type": "array", "items": {"type": "string"}},
                "produced": {"type": "array", "items": {"type": "string"}},
            },
        },
        "notes": {"type": "array", "items": {"type": "string"}},
        "errors": {
            "description": "Every validation error (rejected) or what failed (failed).",
            "type": "array",
            "items": {"$ref": "#/$defs/error"},
        },
        "metadata": {"type": "object"},
    },
    "$defs": {
        "table": {
            "type": "object",
            "required": ["table", "requested", "rows", "chunks", "url", "files"],
            "additionalProperties": False,
            "properties": {
                "table": {"type": "string"},
                "requested": {
                    "description": "false when generated only as a parent of a requested table",
                    "type": "boolean",
                },
                "rows": {"type": "integer", "minimum": 0},
                "chunks": {"type": "integer", "minimum": 0},
                "url": _url,
                "files": {"type": "array", "items": _url},
            },
        },
        "check": {
            "type": "object",
            "required": ["table", "name", "kind", "passed", "severity", "description"],
            "additionalProperties": False,
            "properties": {
                "table": {"type": "string"},
                "name": {"type": "string"},
                "kind": {"type": "string"},
                "passed": {"type": "boolean"},
                "severity": {"enum": ["ERROR", "WARN"]},
                "description": {"type": "string"},
            },
        },
        "error": {
            "type": "object",
            "required": ["path", "message"],
            "additionalProperties": False,
            "properties": {
                "path": {
                    "description": "JSON pointer into the request ('' = the whole request)",
                    "type": "string",
                },
                "message": {"type": "string"},
                "step": {"type": "string"},
            },
        },
    },
}


@dataclass(frozen=True)
class Request:
    """A validated request; table names resolved to the dataset's table keys."""

    id: str
    dataset: str
    tables: tuple[str, ...] = ()  # () = every table
    table_rows: dict[str, int] = field(default_factory=dict)
    table_scale: dict[str, float] = field(default_factory=dict)
    rows: int | None = None
    scale: float | None = None
    seed: int | None = None
    locale: str | None = None
    edge_case_pct: float | None = None
    null_pct: float | None = None
    pii_mode: str | None = None
    exports: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_request(
    data: bytes,
    file_id: str,
    datasets: Mapping[str, Dataset],
    check_size=None,
) -> tuple[Request | None, list[SchemaViolation]]:
    """Parse and validate a request file's bytes: (request, []) or (None, every error).
    `file_id` is the file name without `.json`; `datasets` the loaded datasets by name;
    `check_size(request, dataset)` may add errors about the size of the planned result."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [SchemaViolation("", f"is not valid JSON: {error}")]
    errors = validate(document, REQUEST_SCHEMA)
    if not isinstance(document, dict):
        return None, errors
    bad = {e.path.split("/")[1] for e in errors if e.path.count("/") >= 1}
    ok = {k: v for k, v in document.items() if k in REQUEST_SCHEMA["properties"] and k not in bad}

    if "id" in ok and not REQUEST_ID.fullmatch(ok["id"]):
        errors.append(SchemaViolation("/id", f"{ok['id']!r} does not match {REQUEST_ID_PATTERN}"))
    elif "id" in ok and ok["id"] != file_id:
        errors.append(SchemaViolation("/id", f"must be {file_id!r}, the file name without .json"))
    if "id" in ok and ok["id"].lower() in RESERVED_IDS:
        errors.append(SchemaViolation("/id", f"{ok['id']!r} is reserved"))
    dataset = datasets.get(ok["dataset"]) if "dataset" in ok else None
    if "dataset" in ok and dataset is None:
        known = ", ".join(sorted(datasets)) or "none"
        errors.append(SchemaViolation("/dataset", f"no dataset {ok['dataset']!r} (known: {known})"))
    if "locale" in ok:
        errors.extend(_locale_errors(ok["locale"]))

    tables: tuple[str, ...] = ()
    table_rows: dict[str, int] = {}
    table_scale: dict[str, float] = {}
    if dataset is not None and "tables" in ok:
        names = ok["tables"] if isinstance(ok["tables"], list) else list(ok["tables"])
        resolved = []
        for index, name in enumerate(names):
            where = f"/tables/{index if isinstance(ok['tables'], list) else _escape(name)}"
            key = resolve_table(dataset, name)
            if key is None:
                errors.append(SchemaViolation(where, _no_table(dataset, name)))
                continue
            if key in resolved:
                errors.append(SchemaViolation(where, f"names table {key!r} a second time"))
                continue
            resolved.append(key)
            options = ok["tables"].get(name) if isinstance(ok["tables"], dict) else None
            if options and "rows" in options:
                table_rows[key] = int(options["rows"])
            if options and "scale" in options:
                table_scale[key] = float(options["scale"])
        tables = tuple(resolved)
    if errors:
        return None, errors
    request = Request(
        id=ok["id"],
        dataset=ok["dataset"],
        tables=tables,
        table_rows=table_rows,
        table_scale=table_scale,
        rows=_int(ok.get("rows")),
        scale=_float(ok.get("scale")),
        seed=_int(ok.get("seed")),
        locale=ok.get("locale"),
        edge_case_pct=_float(ok.get("edge_case_pct")),
        null_pct=_float(ok.get("null_pct")),
        pii_mode=ok.get("pii_mode"),
        exports=tuple(ok.get("exports", ())),
        metadata=dict(ok.get("metadata", {})),
        sha256=sha256(data),
    )
    if check_size is not None:
        errors.extend(check_size(request, dataset))
    return (None, errors) if errors else (request, [])


def resolve_table(dataset: Dataset, name: str) -> str | None:
    """A table key (`bookings.flights`), or a bare table name when it is unambiguous."""
    tables = dataset.schema.tables
    if name in tables:
        return name
    matches = [key for key, table in tables.items() if table.name == name]
    return matches[0] if len(matches) == 1 else None


def with_parents(dataset: Dataset, tables: Sequence[str]) -> set[str]:
    """The tables and every table they reference, transitively (FK checks need the parents)."""
    wanted = set(tables)
    stack = list(tables)
    while stack:
        for fk in dataset.schema.tables[stack.pop()].foreign_keys:
            if fk.ref_table not in wanted:
                wanted.add(fk.ref_table)
                stack.append(fk.ref_table)
    return wanted


def _no_table(dataset: Dataset, name: str) -> str:
    keys = sorted(dataset.schema.tables)
    shown = ", ".join(keys[:20]) + (", ..." if len(keys) > 20 else "")
    return f"no table {name!r} in dataset {dataset.name} (tables: {shown})"


def _locale_errors(locale: str) -> list[SchemaViolation]:
    from faker.config import AVAILABLE_LOCALES

    if locale in AVAILABLE_LOCALES:
        return []
    near = sorted(loc for loc in AVAILABLE_LOCALES if loc.split("_")[0] == locale.split("_")[0])
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    return [SchemaViolation("/locale", f"unknown locale {locale!r}{hint}")]


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)

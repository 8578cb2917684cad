"""What DataGen sends to Claude: schema metadata, built in exactly one place.

`build_prompt(schema, row_counts)` is the only function that produces text for the model, and
it reads nothing but the schema model (names, types, keys, constraints, comments) and planned
row counts, which are checked to be integers keyed by table. It has no parameter through which
a generated or introspected value could reach the request: DataFrames, samples and connection
handles are simply not inputs. Whatever the model is told, the annotations file records the
SHA-256 of it, so the file is tied to the exact metadata it was made from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from datagen_assets.schema.model import Column, Schema, Table

PROMPT_VERSION = 1  # bump when the instructions change: existing annotations become stale

# Generators Claude may suggest. Cross-table and code-like generators (`expression` evaluates
# SQL, `lookup`/`fk`/`sum_of_children` wire tables together) stay a human decision, and no
# suggestion may name a file to read.
SUGGESTIBLE_EXCLUDED = frozenset({"expression", "fk", "lookup", "sum_of_children"})
FORBIDDEN_PARAMS = frozenset({"file", "weight_column"})

SYSTEM = """\
You help DataGen, a synthetic test-data generator, understand a database schema. You see only \
schema metadata: table and column names, types, keys, constraints, comments and planned row \
counts. You never see data. For each column, infer what it holds and how realistic synthetic \
values should look, then call the record_annotations tool exactly once.

For every column give: semantic_type (a short snake_case label such as phone_number, \
email_address, person_first_name, iso_country_code, sku, order_status, unit_price, \
free_text_note, surrogate_key); pii (none, direct, quasi or sensitive); and, when useful, a \
generator from the catalog with parameters valid for it, a format description, a min and max, \
a vocabulary of plausible values invented from domain knowledge (at most 30), and a few edge \
cases worth testing (at most 8). Resolve abbreviations (cst_ph_no is a customer phone \
number). Leave keys and foreign keys to DataGen: give them a semantic_type and no generator. \
Use only table and column names that appear in the metadata."""


@dataclass(frozen=True)
class Prompt:
    """The complete content of a request: instructions, the metadata as JSON, and its hash."""

    system: str
    user: str
    metadata: dict[str, Any]
    sha256: str


def build_prompt(schema: Schema, row_counts: Mapping[str, int] | None = None) -> Prompt:
    """The prompt for a schema. `row_counts` maps table key -> planned rows (optional).
    `metadata` (what `sha256` covers) is the schema part of `user`; the rest of `user` is the
    generator catalog, and `system` the instructions, both fixed text of DataGen."""
    counts = _checked_counts(schema, row_counts or {})
    metadata = {
        "prompt_version": PROMPT_VERSION,
        "dialect": schema.dialect,
        "tables": [_table(table, counts.get(key)) for key, table in schema.tables.items()],
    }
    user = (
        "Schema metadata (JSON). Annotate every column of every table.\n\n"
        + json.dumps(metadata, ensure_ascii=False, separators=(", ", ": "))
        + "\n\nGenerator catalog (name, parameters, description):\n\n"
        + json.dumps(generator_catalog(), ensure_ascii=False, separators=(", ", ": "))
    )
    return Prompt(SYSTEM, user, metadata, metadata_sha256(metadata))


def metadata_sha256(metadata: Mapping[str, Any]) -> str:
    """The key of an annotations file: SHA-256 of the canonical JSON of the schema metadata
    (tables, columns, constraints, comments, row counts, prompt version). The generator
    catalog is left out, so adding a generator to DataGen does not invalidate annotations."""
    canonical = json.dumps(metadata, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _checked_counts(schema: Schema, row_counts: Mapping[str, int]) -> dict[str, int]:
    counts = {}
    for key, rows in row_counts.items():
        if key not in schema.tables:
            raise ValueError(f"row count for unknown table {key!r}")
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise TypeError(f"row count of {key} must be a non-negative int, got {rows!r}")
        counts[key] = rows
    return counts


def _table(table: Table, rows: int | None) -> dict[str, Any]:
    described: dict[str, Any] = {"table": table.key, "columns": [_column(c) for c in table.columns]}
    if table.comment:
        described["comment"] = table.comment
    if rows is not None:
        described["planned_rows"] = rows
    if table.primary_key:
        described["primary_key"] = list(table.primary_key)
    if table.uniques:
        described["unique"] = [list(u) for u in table.uniques]
    if table.unique_indexes:
        described["unique_indexes"] = [index.label() for index in table.unique_indexes]
    if table.foreign_keys:
        described["foreign_keys"] = [
            {
                "columns": list(fk.columns),
                "references": fk.ref_table,
                "ref_columns": list(fk.ref_columns),
            }
            for fk in table.foreign_keys
        ]
    if table.checks:
        described["checks"] = [check.sql for check in table.checks]
    return described


def _column(column: Column) -> dict[str, Any]:
    kind = column.type
    described: dict[str, Any] = {
        "name": column.name,
        "type": kind.kind.value,
        "nullable": column.nullable,
    }
    for name in ("length", "precision", "scale"):
        if getattr(kind, name) is not None:
            described[name] = getattr(kind, name)
    if kind.array:
        described["array"] = True
    if kind.enum_values:
        described["enum_values"] = list(kind.enum_values)
    if column.autoincrement:
        described["autoincrement"] = True
    if column.default is not None:
        described["default"] = column.default
    if column.comment:
        described["comment"] = column.comment
    if column.domain_checks:
        described["checks"] = [check.sql for check in column.domain_checks]
    return described


def generator_catalog() -> list[dict[str, Any]]:
    """Generators Claude may suggest: name, parameter names and the first line of their doc."""
    from datagen_assets.generate.generators import CATALOG

    catalog = []
    for name in sorted(set(CATALOG) - SUGGESTIBLE_EXCLUDED):
        cls = CATALOG[name]
        params = [f.name for f in fields(cls) if f.name not in FORBIDDEN_PARAMS]  # type: ignore[arg-type]
        doc = (cls.__doc__ or "").strip().splitlines()
        catalog.append({"name": name, "params": params, "doc": doc[0] if doc else ""})
    return catalog


def suggestible_generators() -> list[str]:
    from datagen_assets.generate.generators import CATALOG

    return sorted(set(CATALOG) - SUGGESTIBLE_EXCLUDED)

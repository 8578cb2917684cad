"""The `exports:` entries of a dataset config: what each names (a format or a profile, with
options), validated against the export registry and the schema's tables. Plain Python: the
dataset loader checks them when it reads the config, the Dagster layer builds assets from them.

    exports:
      - csv                                  # a format: csv json jsonl parquet xlsx sql pgdump
      - fixtures                             # or a profile: fixtures loadtest
      - {format: sql, dialect: mysql}        # label sql_mysql
      - {format: csv, compression: gzip, tables: [orders], rows: 1000, name: orders_sample}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from datagen_assets.config_model import Locations
from datagen_assets.schema.model import Problem
from datagen_assets.suggest import did_you_mean
from datagen_assets.write.exports.api import PROFILES
from datagen_assets.write.exports.output import COMPRESSIONS
from datagen_assets.write.exports.registry import FORMATS
from datagen_assets.write.exports.to_sql import DIALECTS

ENTRY_KEYS = {"format", "profile", "name", "compression", "dialect", "rows", "pretty",
              "batch_rows", "tables"}  # fmt: skip
LABEL = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class ExportSpec:
    """One entry of `exports:`. `label` names the asset key part and the output folder."""

    label: str
    format: str
    compression: str | None = None
    dialect: str | None = None
    rows: int | None = None
    pretty: bool = False
    batch_rows: int = 500
    tables: tuple[str, ...] | None = None
    profile: str | None = None


def parse_exports(
    value: Any, table_keys: set[str], file: str | Locations | None = None
) -> tuple[list[ExportSpec], list[Problem]]:
    """Parse an `exports:` value, returning the specs and every problem found; with the
    config's `Locations` as `file`, each problem points at its entry's line and column."""
    locations = file if isinstance(file, Locations) else Locations(file)
    problems: list[Problem] = []
    if not isinstance(value, list):
        message = "exports must be a list of formats, profiles or mappings"
        return [], [locations.problem(message, "exports")]
    specs: list[ExportSpec] = []
    for position, entry in enumerate(value, 1):
        where = f"exports entry {position}"
        at = _located(locations, position - 1)
        spec = _parse_entry(entry, table_keys, where, at, problems)
        if spec is None:
            continue
        if any(s.label == spec.label for s in specs):
            problems.append(at(f"{where}: label {spec.label!r} is used twice; give one a `name:`"))
            continue
        specs.append(spec)
    return specs, problems


def _located(locations: Locations, index: int):
    def at(message: str, *key: str, on_key: bool = False) -> Problem:
        return locations.problem(message, "exports", index, *key, key=on_key)

    return at


def _parse_entry(entry, table_keys, where, at, problems) -> ExportSpec | None:
    count = len(problems)

    def problem(message: str, *key: str, on_key: bool = False) -> None:  # at `key`'s value
        problems.append(at(f"{where}: {message}", *key, on_key=on_key))

    if isinstance(entry, str):
        entry = {"profile": entry} if entry in PROFILES else {"format": entry}
    if not isinstance(entry, dict):
        problem("must be a format name, a profile name or a mapping")
        return None
    for key in sorted(set(entry) - ENTRY_KEYS, key=str):
        hint = did_you_mean(str(key), ENTRY_KEYS)
        allowed = ", ".join(sorted(ENTRY_KEYS))
        problem(f"unknown key {key!r}{hint} (allowed: {allowed})", key, on_key=True)
    fmt, profile = entry.get("format"), entry.get("profile")
    options: dict[str, Any] = {}
    if (fmt is None) == (profile is None):
        problem("give exactly one of `format` or `profile`")
    elif profile is not None:
        chosen = PROFILES.get(profile)
        if chosen is None:
            hint = did_you_mean(str(profile), PROFILES)
            problem(
                f"unknown profile {profile!r}{hint} (choose from {', '.join(PROFILES)})", "profile"
            )
        else:
            fmt = chosen.format
            options = {
                "compression": chosen.compression,
                "rows": chosen.limit,
                "pretty": chosen.pretty,
            }
    elif fmt not in FORMATS:
        formats = ", ".join(FORMATS)
        profiles = ", ".join(PROFILES)
        hint = did_you_mean(str(fmt), [*FORMATS, *PROFILES])
        problem(
            f"unknown format {fmt!r}{hint} (formats: {formats}; profiles: {profiles})", "format"
        )
    compression = entry.get("compression", options.get("compression"))
    if compression is not None and compression not in COMPRESSIONS:
        hint = did_you_mean(str(compression), COMPRESSIONS)
        choices = ", ".join(COMPRESSIONS)
        problem(f"unknown compression {compression!r}{hint} (choose from {choices})", "compression")
    dialect = entry.get("dialect")
    if dialect is not None:
        if fmt in FORMATS and not FORMATS[fmt].dialects:
            problem(f"a dialect applies to the sql format only, not {fmt}", "dialect")
        elif dialect not in DIALECTS:
            hint = did_you_mean(str(dialect), DIALECTS)
            problem(
                f"unknown dialect {dialect!r}{hint} (choose from {', '.join(DIALECTS)})", "dialect"
            )
    rows = entry.get("rows", options.get("rows"))
    batch_rows = entry.get("batch_rows", 500)
    for key, number in (("rows", rows), ("batch_rows", batch_rows)):
        if number is not None and (
            not isinstance(number, int) or isinstance(number, bool) or number < 1
        ):
            problem(f"{key} must be a whole number >= 1, got {number!r}")
    pretty = entry.get("pretty", options.get("pretty", False))
    if not isinstance(pretty, bool):
        problem(f"pretty must be true or false, got {pretty!r}")
    tables = entry.get("tables")
    if tables is not None:
        if not isinstance(tables, list) or not all(isinstance(t, str) for t in tables):
            problem("tables must be a list of table keys")
            tables = None
        else:
            unknown = [t for t in tables if t not in table_keys]
            if unknown:
                problem(f"no table(s) {', '.join(unknown)} in the schema")
            tables = tuple(tables)
    label = entry.get("name") or profile or (f"{fmt}_{dialect}" if dialect else fmt)
    if not isinstance(label, str) or not LABEL.match(label):
        problem(f"name {label!r} must be letters, digits, _ and -")
    if len(problems) > count:
        return None
    return ExportSpec(
        label=label,
        format=fmt,
        compression=compression,
        dialect=dialect,
        rows=rows,
        pretty=pretty,
        batch_rows=batch_rows,
        tables=tables,
        profile=profile,
    )

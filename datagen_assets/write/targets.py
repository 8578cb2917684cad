"""Load a generated dataset into a database: PostgreSQL (COPY) or a SQLite file.

    from datagen_assets.write.targets import load_dataset
    report = load_dataset(plan, StorageSource(url, plan.name), "postgresql://...", "append_only")

or `datagen load shop --target postgresql://... --mode
create_if_missing [--from-storage [URL] | --from-engine]`. Plain Python, no Dagster: the
Dagster layer (`orchestrate/outputs.py`) wraps it in a resource.

The table mode is explicit per run, and nothing is more destructive than the mode says:

- `create_if_missing` (default): a missing table is created from the model; an existing one
  gets the rows it does not hold yet (a row whose primary or unique key is already there is
  skipped and counted), so running the same load twice is harmless: the idempotent mode;
- `truncate_then_insert`: every table must exist; they are emptied and reloaded;
- `append_only`: every table must exist; rows are added.

Before any write the target is inspected and every problem reported at once (a missing table in
a mode that does not create, an existing table whose columns differ from the model's), so a
run never stops halfway on something knowable up front.

Transactions: the whole load is one, so a load that fails anywhere (a row the target refuses,
a key checked at commit) leaves the target exactly as it was: no table created, no row added,
none removed. The error names the table and the first row refused (its index in the dataset,
key and values, found by replaying the rejected chunk in halves inside savepoints) with the
database's reason, in one message. Tables load in units, parents first: a table alone, or the
tables of an FK cycle together (they need each other). A table DataGen creates gets its keys,
uniques, checks and foreign keys after its rows, at the end of its unit: building indexes once
is several times faster than maintaining them row by row. Existing tables keep their own
constraints; within an FK cycle they are set DEFERRED (effective if declared DEFERRABLE), a
nullable key is COPYed NULL and set by an UPDATE once the cycle is in, and a cycle through a NOT
NULL key declared without DEFERRABLE (checked at the end of each statement) is COPYed into
temporary copies and moved into its tables by one statement (`_pg_insert_together`).
Their application triggers are off while rows load (DISABLE TRIGGER USER, user-defined
constraint triggers included; the internal triggers of foreign keys stay), as the PostgreSQL
INSERT export does.

SQLite cannot add constraints to a table, so they are declared with it (FK checks deferred to
commit). A CHECK is kept only if SQLite itself can evaluate it (transpiled by sqlglot; PostgreSQL
regexes, arrays and the like are left out and listed in the report's notes): a CHECK calling a
function SQLite lacks would make the table unwritable for every other tool.

DSN passwords never appear in reports, messages or metadata: see `redact`.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl

from datagen_assets.plan.plan import DatasetPlan
from datagen_assets.schema.model import INTEGER_KINDS, Table
from datagen_assets.write.sqlite import (
    quote,
    sqlite_checks,
    sqlite_create,
    sqlite_frame,
    sqlite_table_name,
)

CREATE_IF_MISSING = "create_if_missing"
TRUNCATE_THEN_INSERT = "truncate_then_insert"
APPEND_ONLY = "append_only"
MODES = (CREATE_IF_MISSING, TRUNCATE_THEN_INSERT, APPEND_ONLY)
DSN_ENV_VAR = "DATAGEN_TARGET_DSN"
POSTGRESQL = "postgresql"
SQLITE = "sqlite"
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


class TargetError(ValueError):
    """Every problem found while inspecting the target, raised before anything is written."""

    def __init__(self, target: str, problems: Sequence[str]):
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{target}: {len(self.problems)} problem(s), nothing written:\n{lines}")


class LoadError(RuntimeError):
    """A load that failed while writing; the message names the tables rolled back."""


@dataclass(frozen=True)
class TableLoad:
    table: str
    rows: int
    seconds: float
    created: bool


@dataclass
class LoadReport:
    """What a load did. `target` is redacted: it is safe to print and to store."""

    dataset: str
    target: str
    kind: str
    mode: str
    tables: list[TableLoad] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    source: str = ""  # where the rows came from: the materialised Parquet or the engine
    skipped: int = 0  # rows already in an existing table (create_if_missing), left as they are

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for asset metadata."""
        return {
            "dataset": self.dataset,
            "target": self.target,
            "kind": self.kind,
            "mode": self.mode,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "source": self.source,
            "skipped": self.skipped,
            "tables": [
                {
                    "table": t.table,
                    "rows": t.rows,
                    "seconds": round(t.seconds, 3),
                    "created": t.created,
                }
                for t in self.tables
            ],
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------- targets


def target_kind(target: str) -> str:
    """`postgresql` for a libpq URL or key=value string, `sqlite` for `sqlite:///path` or a
    path ending in .db/.sqlite/.sqlite3."""
    lowered = target.strip().lower()
    if lowered.startswith(("postgresql://", "postgres://")) or (
        "=" in target and "://" not in target
    ):
        return POSTGRESQL
    if lowered.startswith("sqlite:") or lowered.endswith(SQLITE_SUFFIXES):
        return SQLITE
    raise ValueError(
        "target must be a PostgreSQL DSN (postgresql://... or key=value) or a SQLite file "
        "(sqlite:///path or a path ending in .db, .sqlite, .sqlite3)"
    )


def sqlite_path(target: str) -> str:
    """The file of a SQLite target: `sqlite:///rel.db`, `sqlite:////abs.db` or a bare path."""
    if target.lower().startswith("sqlite:"):
        rest = target[len("sqlite:") :]
        return rest[3:] if rest.startswith("///") else rest.lstrip("/")
    return target


def redact(target: str) -> str:
    """The target without its password (PostgreSQL); a SQLite path is returned as is."""
    try:
        kind = target_kind(target)
    except ValueError:
        return "<unrecognised target>"
    if kind == SQLITE:
        return target
    from datagen_assets.schema.introspect import redact as redact_dsn

    return redact_dsn(target)


def mask(message: str, target: str) -> str:
    """`message` with any occurrence of the target's password replaced by ***."""
    if target_kind_or_none(target) != POSTGRESQL:
        return message
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    try:
        password = conninfo_to_dict(target).get("password")
    except psycopg.Error:
        return message
    return message.replace(str(password), "***") if password else message


def target_kind_or_none(target: str) -> str | None:
    try:
        return target_kind(target)
    except ValueError:
        return None


# ---------------------------------------------------------------------------- planning


def load_units(plan: DatasetPlan, selected: Sequence[str]) -> list[list[str]]:
    """The selected tables grouped into units, each loaded and finished together: a table
    alone, or the tables of an FK cycle (its strongly connected component). Units come
    parents first; tables inside a unit and ties between units keep plan order. Linear in
    tables + FKs, so a 3,000-table chain or 1,000 cycles cost nothing to order."""
    import heapq

    from datagen_assets.plan.plan import strongly_connected

    chosen = set(selected)
    selected = [key for key in plan.tables if key in chosen]  # plan order
    position = {key: index for index, key in enumerate(selected)}
    edges = {
        key: ({fk.ref_table for fk in plan.table(key).table.foreign_keys} & chosen) - {key}
        for key in selected
    }
    components = strongly_connected(set(selected), edges)
    units = sorted(
        (sorted(c, key=position.__getitem__) for c in components),
        key=lambda unit: position[unit[0]],
    )  # numbered by their first table in plan order
    unit_of = {member: index for index, unit in enumerate(units) for member in unit}
    needs = [
        {unit_of[p] for member in unit for p in edges[member]} - {index}
        for index, unit in enumerate(units)
    ]
    children: list[list[int]] = [[] for _ in units]
    for index, parents in enumerate(needs):
        for parent in parents:
            children[parent].append(index)
    waiting = [len(parents) for parents in needs]
    ready = [index for index, count in enumerate(waiting) if not count]
    heapq.heapify(ready)
    ordered: list[list[str]] = []
    while ready:  # the first unit (in numbering) whose parents are loaded, each time
        index = heapq.heappop(ready)
        ordered.append(units[index])
        for child in children[index]:
            waiting[child] -= 1
            if not waiting[child]:
                heapq.heappush(ready, child)
    return ordered


def _select(plan: DatasetPlan, tables: Iterable[str] | None) -> list[str]:
    if tables is None:
        return list(plan.tables)
    wanted = set(tables)
    unknown = sorted(wanted - set(plan.tables))
    if unknown:
        raise ValueError(f"dataset {plan.name} has no table(s) {', '.join(unknown)}")
    return [key for key in plan.tables if key in wanted]


def inspection_problems(
    mode: str,
    tables: dict[str, Table],
    present: dict[str, list[str] | None],
    names: dict[str, str],
) -> list[str]:
    """What makes the run impossible, found before any write: present[key] is the columns of
    the existing table, None when it does not exist."""
    problems = []
    for key, table in tables.items():
        columns = present[key]
        if columns is None:
            if mode != CREATE_IF_MISSING:
                problems.append(
                    f"table {names[key]} does not exist (mode {mode} never creates "
                    f"tables; use {CREATE_IF_MISSING})"
                )
            continue
        missing = [c for c in table.column_names if c not in columns]
        extra = [c for c in columns if c not in table.column_names]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"lacks {', '.join(missing)}")
            if extra:
                parts.append(f"has columns the model does not: {', '.join(extra)}")
            problems.append(
                f"table {names[key]} exists but its columns differ from the model: "
                + "; ".join(parts)
            )
    return problems


# ---------------------------------------------------------------------------- entry point


def load_dataset(
    plan: DatasetPlan,
    source: Any,
    target: str,
    mode: str = CREATE_IF_MISSING,
    *,
    tables: Iterable[str] | None = None,
    echo: Callable[[str], None] | None = None,
) -> LoadReport:
    """Load `plan`'s tables (all, or `tables`) from `source` (a `ChunkSource`: storage or the
    engine) into `target` (PostgreSQL DSN or SQLite file) in `mode`. Raises `TargetError` before
    any write when the target does not fit, FileNotFoundError when a chunk is missing from
    storage (also before any write), `LoadError` when a write failed (rolled back)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (choose from {', '.join(MODES)})")
    kind = target_kind(target)
    selected = _select(plan, tables)
    for key in selected:  # a missing chunk in storage fails here, before the target is touched
        source.row_count(plan.table(key))
    report = LoadReport(plan.name, redact(target), kind, mode)
    report.source = getattr(source, "description", type(source).__name__)
    began = time.perf_counter()
    loader = _load_postgres if kind == POSTGRESQL else _load_sqlite
    from datagen_assets.audit import record  # the audit trail (every load, what it read)

    read = source.describe() if hasattr(source, "describe") else type(source).__name__
    try:
        loader(plan, source, target, mode, selected, report, echo or (lambda _: None))
    except LoadError as error:
        failure = LoadError(mask(str(error), target))
        # a load that failed while writing is recorded too: it wrote nothing (rolled back)
        record("load", plan.name, tables={}, read=read, written=report.target, mode=mode,
               outcome="rolled back", error=str(failure))  # fmt: skip
        raise failure from error.__cause__
    report.seconds = time.perf_counter() - began
    record(
        "load",
        plan.name,
        tables={t.table: {"rows": t.rows} for t in report.tables},
        read=read,
        written=report.target,
        mode=mode,
        outcome="loaded",
    )
    return report


@dataclass(frozen=True)
class _Backend:
    """What `_run_units` needs of a database: context managers for the whole load, a unit
    and a savepoint (`probe=True`: always rolled back), which errors a row can cause, and the
    database's reason for one, in a line."""

    whole: Callable[[], AbstractContextManager]
    unit: Callable[[list[str]], AbstractContextManager]
    savepoint: Callable[..., AbstractContextManager]
    locatable: Callable[[BaseException], bool]
    describe: Callable[[BaseException], str]


def _run_units(
    plan, source, mode, target, units, created, write_rows, report, echo, backend
) -> None:
    """Load every unit in one transaction (`backend.whole()`), so a failure anywhere leaves
    the target exactly as it was. Each unit is prepared and finished by
    `backend.unit(unit)` (truncate, create, triggers; constraints before the next unit); each
    chunk is written through `write_rows(key, frame)` inside a savepoint, so a chunk the
    database rejects can be replayed in halves to find the first row it refuses."""
    loads = []
    try:
        _write_units(plan, source, units, created, write_rows, loads, echo, backend)
    except Exception as error:
        raise _failure(plan, mode, target, error, backend) from error
    report.tables.extend(loads)


def _write_units(plan, source, units, created, write_rows, loads, echo, backend) -> None:
    with backend.whole():
        for unit in units:
            with backend.unit(unit):
                for key in unit:
                    began = time.perf_counter()
                    rows = offset = 0
                    for frame in source.chunks(plan.table(key)):
                        if not frame.height:
                            continue
                        try:
                            with backend.savepoint():
                                rows += write_rows(key, frame)
                        except Exception as error:
                            if not backend.locatable(error):
                                raise
                            row, error = _first_failing_row(frame, error, write_rows, key, backend)
                            raise RowRejected(key, offset + row, frame.row(row, named=True),
                                              backend.describe(error)) from error  # fmt: skip
                        offset += frame.height
                    seconds = time.perf_counter() - began
                    loads.append(TableLoad(key, rows, seconds, key in created))
                    echo(f"  {key}: {rows:,} rows in {seconds:.2f} s")


def _first_failing_row(frame, error, write_rows, key, backend) -> tuple[int, BaseException]:
    """The index in `frame` of the first row the database refuses, and its error: the
    shortest failing prefix, found by bisection with each probe rolled back (log2(rows)
    probes, on the failure path only). The whole frame is known to fail."""
    good, bad = 0, frame.height
    while bad - good > 1:
        middle = (good + bad) // 2
        try:
            with backend.savepoint(probe=True):
                write_rows(key, frame.head(middle))
        except Exception as probe_error:
            if not backend.locatable(probe_error):
                raise
            bad, error = middle, probe_error
        else:
            good = middle
    return bad - 1, error


class RowRejected(Exception):
    """A row the target refused: its table, index in the table and values."""

    def __init__(self, table: str, index: int | None, values: dict[str, Any], reason: str):
        self.table, self.index, self.values, self.reason = table, index, values, reason
        super().__init__(f"table {table}, row index {index}: {reason}")


def describe_row(table: Table, index: int | None, values: dict[str, Any], limit: int = 400) -> str:
    """`row index 56 (id=57): name='Ann', qty=3`: the key first, then the other values, each
    cut to 40 characters and the whole to about `limit`; `row (id=57)` when the row was found
    in the target, its index in the dataset unknown."""

    def shown(value: Any) -> str:
        if value is None:
            return "NULL"
        text = repr(value) if isinstance(value, str | bytes) else str(value)
        return text if len(text) <= 40 else text[:37] + "..."

    key = [c for c in table.primary_key if c in values]
    head = "row" if index is None else f"row index {index}"
    if key:
        head += " (" + ", ".join(f"{c}={shown(values[c])}" for c in key) + ")"
    parts, used = [], 0
    rest = [c for c in values if c not in key]
    for position, column in enumerate(rest):
        part = f"{column}={shown(values[column])}"
        if used + len(part) > limit:
            parts.append(f"... {len(rest) - position} more column(s)")
            break
        parts.append(part)
        used += len(part) + 2
    return head + (": " + ", ".join(parts) if parts else "")


def _failure(plan, mode: str, target: str, error: BaseException, backend) -> LoadError:
    """One message for a load that failed while writing: rolled back, what was refused."""
    head = (
        f"loading {plan.name} into {redact(target)} failed and was rolled back: the target "
        f"is as it was ({mode})"
    )
    if isinstance(error, RowRejected):
        table = plan.table(error.table).table
        cause = f"table {error.table}, {describe_row(table, error.index, error.values)}: "
        cause += error.reason
    elif backend.locatable(error) or isinstance(error, sqlite3.Error):
        cause = backend.describe(error)  # a deferred check, a constraint added after rows
    else:
        cause = f"{type(error).__name__}: {str(error).strip()}"
    return LoadError(mask(f"{head}. {cause}", target))


# ---------------------------------------------------------------------------- PostgreSQL


def _load_postgres(plan, source, dsn, mode, selected, report, echo) -> None:
    import psycopg
    from psycopg import sql

    from datagen_assets.write.exports import pg_ddl
    from datagen_assets.write.postgres import copy_frame

    schema = plan.dataset.schema
    tables = {key: plan.table(key).table for key in selected}
    names = {key: pg_ddl.table_name(t) for key, t in tables.items()}
    try:
        connection = psycopg.connect(dsn, autocommit=True)
    except psycopg.Error as error:
        raise LoadError(
            f"cannot connect to {redact(dsn)}: {mask(str(error).strip(), dsn)}"
        ) from None
    with connection:
        oids = {key: _pg_oid(connection, table) for key, table in tables.items()}
        present = {key: _pg_columns(connection, oid) for key, oid in oids.items()}
        units = load_units(plan, selected)
        problems = inspection_problems(mode, tables, present, names)
        if problems:
            raise TargetError(report.target, problems)
        created = {key for key in tables if oids[key] is None}
        fill = _filled_later(tables, units, oids)
        together = _pg_together(connection, units, oids, fill)
        fill = {key: value for key, value in fill.items() if key not in together}
        # A created table's FK may reference a table loaded now or already in the target.
        parents = dict(tables)
        for key in created:
            for fk in tables[key].foreign_keys:
                parent = schema.tables.get(fk.ref_table)
                if fk.ref_table in parents or parent is None:
                    continue
                if _pg_oid(connection, parent) is not None:
                    parents[fk.ref_table] = parent
                else:
                    report.notes.append(
                        f"{key}: foreign key to {fk.ref_table} left out "
                        "(table neither loaded nor present in the target)"
                    )

        @contextmanager
        def unit_scope(unit):
            new = [tables[key] for key in unit if key in created]
            for statement in _pg_create(connection, new, schema.dialect):
                connection.execute(statement)
            existing = [names[key] for key in unit if key not in created]
            for name in existing:  # application triggers off, constraints on (to_sql)
                connection.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER")
            yield
            insert_together([key for key in unit if key in staged])
            finish_unit(unit)
            # deferred key checks run now (ALTER refuses pending events), then defer again
            connection.execute("SET CONSTRAINTS ALL IMMEDIATE")
            connection.execute("SET CONSTRAINTS ALL DEFERRED")
            for name in existing:
                connection.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER")

        @contextmanager
        def whole():
            with connection.transaction():
                if mode == TRUNCATE_THEN_INSERT:  # at once: the tables reference each other
                    listed = sql.SQL(", ").join(sql.SQL(names[key]) for key in tables)
                    connection.execute(sql.SQL("TRUNCATE {}").format(listed))
                connection.execute("SET CONSTRAINTS ALL DEFERRED")  # those DEFERRABLE
                yield

        backend = _Backend(
            whole=whole,
            unit=unit_scope,
            savepoint=lambda probe=False: connection.transaction(force_rollback=probe),
            locatable=lambda error: _pg_locatable(connection, error),
            describe=_pg_describe,
        )

        pending: dict[str, list] = {}  # key -> frames of (row key, FK columns filled later)

        def finish_unit(unit) -> None:
            for key in unit:
                if pending.get(key):
                    _pg_fill(connection, tables[key], *fill[key], pending.pop(key))
            new = [tables[key] for key in unit if key in created]
            for statement in _pg_constraints(new, parents, set(unit)):
                connection.execute(statement)
            for key in unit:
                for statement in _pg_sequences(tables[key]):
                    connection.execute(statement)

        generated: dict[str, set[str]] = {}
        staged: dict[str, tuple[str, ...]] = {}  # key -> columns of its temporary copy
        corrections: dict[str, int] = {}  # key -> staged rows the target already held
        staging = {key: _staging(index) for index, key in enumerate(tables)}

        def insert_together(keys: list[str]) -> None:
            """The staged rows of an FK cycle into their tables, in one statement."""
            if not keys:
                return
            counts = _pg_insert_together(
                connection, [(tables[k], staging[k], staged.pop(k)) for k in keys],
                skip_existing=mode == CREATE_IF_MISSING,
            )  # fmt: skip
            for key, (offered, inserted) in zip(keys, counts, strict=True):
                if offered != inserted:
                    report.skipped += offered - inserted
                    corrections[key] = offered - inserted

        def write_rows(key, frame) -> int:
            if key not in generated:  # the table exists now: created by this load, or before
                generated[key] = _pg_generated(connection, _pg_oid(connection, tables[key]))
            frame = frame.drop(generated[key])
            if key in together:  # an FK cycle into existing tables, through NOT NULL keys
                if key not in staged:
                    staged[key] = tuple(frame.columns)
                    _pg_stage(connection, tables[key], staging[key], frame.columns)
                return copy_frame(connection, staging[key], frame)
            if key in fill:  # an FK cycle into existing tables: these keys are set after
                row_key, columns = fill[key]
                pending.setdefault(key, []).append(frame.select(*row_key, *columns))
                frame = frame.with_columns(pl.lit(None, frame.schema[c]).alias(c) for c in columns)
            if mode == CREATE_IF_MISSING and key not in created:
                inserted = _pg_insert_new(connection, tables[key], frame)
                report.skipped += frame.height - inserted
                return inserted
            return copy_frame(connection, tables[key], frame)

        _run_units(plan, source, mode, dsn, units, created, write_rows, report, echo, backend)
        report.tables[:] = [  # rows of a cycle that the target already held were skipped
            replace(load, rows=load.rows - corrections[load.table])
            if load.table in corrections
            else load
            for load in report.tables
        ]


def _pg_locatable(connection, error: BaseException) -> bool:
    """A database error a row's values can cause (a constraint, a trigger, a value the type
    refuses), on a connection still usable: not a lost connection."""
    import psycopg

    return (
        isinstance(error, psycopg.DatabaseError)
        and not isinstance(error, psycopg.OperationalError)
        and not connection.broken
    )


def _pg_describe(error: BaseException) -> str:
    """PostgreSQL's reason in one line: the message and its detail (the key in conflict),
    with the table when the error is not about a row found otherwise; not the failing row's
    values (shown from the frame) nor the COPY context."""
    diag = getattr(error, "diag", None)
    if diag is None:
        return f"{type(error).__name__}: {str(error).strip()}"
    text = (diag.message_primary or str(error).splitlines()[0]).strip()
    detail = (diag.message_detail or "").strip()
    if detail and not detail.startswith("Failing row contains"):
        text += f" ({detail})"
    return text


def _pg_oid(connection, table: Table) -> int | None:
    """The table's oid in the target (search_path applies to an unqualified name), or None."""
    from datagen_assets.write.exports import pg_ddl

    row = connection.execute("SELECT to_regclass(%s)::oid", [pg_ddl.table_name(table)]).fetchone()
    return row[0] if row else None


def _pg_columns(connection, oid: int | None) -> list[str] | None:
    if oid is None:
        return None
    rows = connection.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        [oid],
    ).fetchall()
    return [r[0] for r in rows]


def _pg_generated(connection, oid: int | None) -> set[str]:
    """Generated columns of a target table: the database computes them, COPY must skip them."""
    rows = connection.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
        "AND NOT attisdropped AND attgenerated <> ''",
        [oid],
    ).fetchall()
    return {r[0] for r in rows}


def _filled_later(tables: dict[str, Table], units, oids) -> dict[str, tuple[tuple, list[str]]]:
    """Existing tables of an FK cycle whose keys to a table loaded after them in the unit are
    COPYed NULL and set by an UPDATE once the unit's rows are in (as the INSERT export does),
    so keys declared without DEFERRABLE hold: key -> (row key, those columns)."""
    from datagen_assets.write.exports.to_sql import filled_later, forward_references

    fill = {}
    for unit in units:
        forward = forward_references([tables[key] for key in unit])
        for key, fks in forward.items():
            if oids[key] is not None:
                row_key, columns = filled_later(tables[key], fks)
                if columns:
                    fill[key] = (row_key, columns)
    return fill


def _pg_insert_new(connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert the rows of `frame` whose keys the existing table does not hold yet: COPY into a
    temporary table of the same column types, then INSERT ... ON CONFLICT DO NOTHING (any
    primary or unique key); returns the rows inserted."""
    from psycopg import sql

    from datagen_assets.write.postgres import copy_frame, qualified_name

    columns = sql.SQL(", ").join(map(sql.Identifier, frame.columns))
    connection.execute(
        sql.SQL(
            "CREATE TEMP TABLE _datagen_rows ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA"
        ).format(columns, qualified_name(table))
    )
    copy_frame(connection, Table(name="_datagen_rows", columns=()), frame)
    cursor = connection.execute(
        sql.SQL(
            "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM _datagen_rows "
            "ON CONFLICT DO NOTHING"
        ).format(qualified_name(table), columns, columns)
    )
    inserted = cursor.rowcount
    connection.execute("DROP TABLE _datagen_rows")
    return inserted


def _pg_fill(connection, table: Table, row_key, columns, frames) -> None:
    """Set the cycle's FK `columns` of rows already COPYed, found by `row_key`: the values go
    through a temporary table of the same column types, then one UPDATE ... FROM."""
    from psycopg import sql

    from datagen_assets.write.postgres import copy_frame, qualified_name

    frame = pl.concat(frames).filter(pl.any_horizontal(pl.col(c).is_not_null() for c in columns))
    if frame.height == 0:
        return
    ident = sql.Identifier
    scratch = Table(name="_datagen_fill", columns=())
    connection.execute(
        sql.SQL(
            "CREATE TEMP TABLE _datagen_fill ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA"
        ).format(sql.SQL(", ").join(map(ident, frame.columns)), qualified_name(table))
    )
    copy_frame(connection, scratch, frame)
    connection.execute(
        sql.SQL("UPDATE {t} SET {c} FROM _datagen_fill f WHERE {k}").format(
            t=qualified_name(table),
            c=sql.SQL(", ").join(sql.SQL("{c} = f.{c}").format(c=ident(c)) for c in columns),
            k=sql.SQL(" AND ").join(
                sql.SQL("{t}.{c} = f.{c}").format(t=qualified_name(table), c=ident(c))
                for c in row_key
            ),
        )
    )
    connection.execute("DROP TABLE _datagen_fill")


def _pg_together(connection, units, oids, fill) -> set[str]:
    """Existing tables of an FK cycle that go in through one statement (`_pg_insert_together`):
    every existing table of a unit where one has a foreign key checked per statement (not
    DEFERRABLE) to a table loaded later in the unit, through columns that cannot be filled
    later (`fill`: nullable, in a table with a key). PostgreSQL checks such a key at the end
    of each statement, so the cycle's rows must arrive in the same one. A self-reference
    never needs it: a row's parent is an earlier row (generate/engine.py), in an earlier chunk
    or earlier in the same COPY."""
    together: set[str] = set()
    for unit in units:
        existing = [key for key in unit if oids[key] is not None]
        for position, key in enumerate(existing):
            later = [oids[k] for k in existing[position + 1 :]]
            if not later:
                continue
            rows = connection.execute(
                "SELECT array(SELECT attname FROM pg_attribute WHERE attrelid = conrelid "
                "AND attnum = ANY(conkey)) FROM pg_constraint WHERE conrelid = "
                "%s AND contype = 'f' AND NOT condeferrable AND confrelid = ANY(%s)",
                [oids[key], later],
            ).fetchall()
            filled = set(fill.get(key, ((), []))[1])
            if any(not set(columns) <= filled for (columns,) in rows):
                together.update(existing)
                break
    return together


def _staging(index: int) -> Table:
    """The temporary copy the rows of an FK cycle's table are COPYed into first."""
    return Table(name=f"_datagen_cycle_{index}", schema="pg_temp", columns=())


def _pg_stage(connection, table: Table, staging: Table, columns: Sequence[str]) -> None:
    """Create `staging`, the temporary copy of `table` (its column types, no constraints),
    dropped at the end of the transaction at the latest."""
    from psycopg import sql

    from datagen_assets.write.postgres import qualified_name

    connection.execute(
        sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA").format(
            qualified_name(staging),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            qualified_name(table),
        )
    )


def _pg_insert_together(
    connection, staged: list[tuple[Table, Table, tuple[str, ...]]], skip_existing: bool
) -> list[tuple[int, int]]:
    """Move the staged rows (table, its temporary copy, columns) into their tables with ONE
    statement of data-modifying CTEs, so keys declared without DEFERRABLE, checked at the end
    of the statement, see every row of the cycle; with `skip_existing` a row whose key the
    table holds is skipped (ON CONFLICT DO NOTHING). Returns (rows staged, rows inserted) per
    table; the copies are dropped."""
    from psycopg import sql

    from datagen_assets.write.postgres import qualified_name

    parts, counts = [], []
    for index, (table, staging, names) in enumerate(staged):
        listed = sql.SQL(", ").join(map(sql.Identifier, names))
        alias = sql.Identifier(f"cycle_{index}")
        parts.append(
            sql.SQL(
                "{a} AS (INSERT INTO {t} ({c}) OVERRIDING SYSTEM VALUE SELECT {c} FROM {s}"
                "{conflict} RETURNING 1)"
            ).format(
                a=alias,
                t=qualified_name(table),
                c=listed,
                s=qualified_name(staging),
                conflict=sql.SQL(" ON CONFLICT DO NOTHING" if skip_existing else ""),
            )
        )
        counts.append(
            sql.SQL("(SELECT count(*) FROM {s}), (SELECT count(*) FROM {a})").format(
                s=qualified_name(staging), a=alias
            )
        )
    statement = sql.SQL("WITH {} SELECT {}").format(
        sql.SQL(", ").join(parts), sql.SQL(", ").join(counts)
    )
    row = connection.execute(statement).fetchone()
    for _, staging, _ in staged:
        connection.execute(sql.SQL("DROP TABLE {}").format(qualified_name(staging)))
    return [(row[2 * i], row[2 * i + 1]) for i in range(len(staged))]


def _pg_constraints(tables: list[Table], parents: dict[str, Table], unit: set[str]) -> list[str]:
    """Keys, uniques and checks of the tables DataGen created, then their foreign keys. An FK
    inside the unit (a cycle or a self-reference) is DEFERRABLE, so the tables can be reloaded
    later (`truncate_then_insert`) in one transaction with the check at commit."""
    from datagen_assets.write.exports import pg_ddl

    statements = [
        statement
        for table in tables
        for statement in pg_ddl.constraint_statements([table])
        if not statement.startswith("--") and " FOREIGN KEY (" not in statement
    ]
    for table in tables:
        for fk in table.foreign_keys:
            parent = parents.get(fk.ref_table)
            if parent is None or not fk.ref_unique:  # PostgreSQL needs a key there
                continue
            named = f" CONSTRAINT {pg_ddl.quote(fk.name)}" if fk.name else ""
            deferrable = " DEFERRABLE" if fk.ref_table in unit else ""
            statements.append(
                f"ALTER TABLE {pg_ddl.table_name(table)} ADD{named} FOREIGN KEY "
                f"({pg_ddl.column_list(fk.columns)}) REFERENCES {pg_ddl.table_name(parent)} "
                f"({pg_ddl.column_list(fk.ref_columns)}){deferrable};"
            )
    return statements


def _pg_create(connection, tables: list[Table], dialect: str | None) -> list[str]:
    """Schemas, enum types (those not there yet) and tables, without keys or constraints."""
    from datagen_assets.write.exports import pg_ddl

    if not tables:
        return []
    statements = []
    for statement in pg_ddl.create_statements(tables, dialect):
        if statement.startswith("CREATE TYPE "):
            name = statement[len("CREATE TYPE ") :].split(" AS ENUM", 1)[0]
            if connection.execute("SELECT to_regtype(%s)", [name]).fetchone()[0] is not None:
                continue  # created by an earlier unit, or already in the target
        statements.append(statement)
    return statements


def _pg_sequences(table: Table) -> list:
    """Move each identity/serial sequence forward past the loaded keys (never backwards), so
    later inserts by the application do not collide with loaded rows."""
    from psycopg import sql

    from datagen_assets.write.exports import pg_ddl

    statements = []
    for column in table.columns:
        if column.autoincrement and column.type.kind in INTEGER_KINDS and not column.type.array:
            statements.append(
                sql.SQL(
                    "SELECT setval(s, m) FROM (SELECT pg_get_serial_sequence({t}, {c}) AS s, "
                    "(SELECT max({col}) FROM {table}) AS m) AS x WHERE s IS NOT NULL "
                    "AND m IS NOT NULL AND m > coalesce(pg_sequence_last_value(s::regclass), 0)"
                ).format(
                    t=sql.Literal(pg_ddl.table_name(table)),
                    c=sql.Literal(column.name),
                    col=sql.Identifier(column.name),
                    table=sql.SQL(pg_ddl.table_name(table)),
                )
            )
    return statements


# ---------------------------------------------------------------------------- SQLite


def _load_sqlite(plan, source, target, mode, selected, report, echo) -> None:
    path = sqlite_path(target)
    if os.path.dirname(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
    schema = plan.dataset.schema
    tables = {key: plan.table(key).table for key in selected}
    names = {key: sqlite_table_name(t) for key, t in tables.items()}
    fresh = not os.path.exists(path)
    connection = sqlite3.connect(path, isolation_level=None)  # transactions are explicit
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        present = {key: _sqlite_columns(connection, names[key]) for key in tables}
        problems = inspection_problems(mode, tables, present, names)
        if problems:
            connection.close()
            if fresh:  # connecting created the file: leave the target as it was
                os.remove(path)
            raise TargetError(report.target, problems)
        created = {key for key in tables if present[key] is None}
        references = dict(tables)
        for key, table in tables.items():
            for fk in table.foreign_keys:
                parent = schema.tables.get(fk.ref_table)
                if fk.ref_table in tables or parent is None:
                    continue
                if _sqlite_columns(connection, sqlite_table_name(parent)) is not None:
                    references[fk.ref_table] = parent
                elif key in created:
                    report.notes.append(
                        f"{key}: foreign key to {fk.ref_table} left out "
                        "(table neither loaded nor present in the target)"
                    )
        checks = {}
        for key in created:
            checks[key], notes = sqlite_checks(tables[key])
            report.notes.extend(notes)
        units = [list(tables)] if mode == TRUNCATE_THEN_INSERT else load_units(plan, selected)

        @contextmanager
        def whole():
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit
                yield
                try:
                    connection.execute("COMMIT")
                except sqlite3.IntegrityError as error:  # a deferred FK: the transaction stays
                    raise (_sqlite_orphan(connection, names) or error) from error
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

        @contextmanager
        def unit_scope(unit):
            if mode == TRUNCATE_THEN_INSERT:
                for key in reversed(unit):
                    connection.execute(f"DELETE FROM {quote(names[key])}")
            for key in unit:
                if key in created:
                    connection.execute(sqlite_create(tables[key], references, checks[key]))
            yield

        @contextmanager
        def savepoint(probe: bool = False):
            connection.execute("SAVEPOINT datagen_chunk")
            try:
                yield
            except BaseException:
                if connection.in_transaction:  # some errors end the transaction themselves
                    connection.execute("ROLLBACK TO datagen_chunk")
                    connection.execute("RELEASE datagen_chunk")
                raise
            if probe:
                connection.execute("ROLLBACK TO datagen_chunk")
            connection.execute("RELEASE datagen_chunk")

        backend = _Backend(
            whole=whole,
            unit=unit_scope,
            savepoint=savepoint,
            locatable=lambda error: (
                isinstance(error, sqlite3.DatabaseError)
                and not isinstance(error, sqlite3.OperationalError)
                and connection.in_transaction
            ),
            describe=lambda error: str(error).strip() or type(error).__name__,
        )

        generated: dict[str, set[str]] = {}

        def write_rows(key, frame) -> int:
            if key not in generated:  # computed by SQLite: an INSERT must leave them out
                generated[key] = _sqlite_generated(connection, names[key])
            frame = frame.drop(generated[key])
            columns = ", ".join(quote(c) for c in frame.columns)
            marks = ", ".join("?" for _ in frame.columns)
            # an existing table in create_if_missing keeps the rows it holds: the idempotent
            # mode (only key conflicts are skipped; NOT NULL and CHECK still fail)
            skip = (
                " ON CONFLICT DO NOTHING"
                if mode == CREATE_IF_MISSING and key not in created
                else ""
            )
            cursor = connection.executemany(
                f"INSERT INTO {quote(names[key])} ({columns}) VALUES ({marks}){skip}",
                sqlite_frame(frame).iter_rows(),
            )
            inserted = cursor.rowcount if skip else frame.height
            report.skipped += frame.height - inserted
            return inserted

        _run_units(plan, source, mode, target, units, created, write_rows, report, echo, backend)
    finally:
        connection.close()


def _sqlite_orphan(connection: sqlite3.Connection, names: dict[str, str]):
    """The first row of a loaded table whose foreign key has no parent, as `RowRejected`
    (SQLite's deferred FK failure names neither), or None. The transaction is still open:
    SQLite keeps it when COMMIT fails on a deferred key."""
    by_name = {name: key for key, name in names.items()}
    for name, key in by_name.items():
        found = connection.execute(f"PRAGMA foreign_key_check({quote(name)})").fetchone()
        if found is None:
            continue
        _, rowid, parent, _ = found
        cursor = connection.execute(f"SELECT * FROM {quote(name)} WHERE rowid = ?", [rowid])
        values = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        return RowRejected(key, None, values, f"FOREIGN KEY constraint failed: no row in {parent}")
    return None


def _sqlite_columns(connection: sqlite3.Connection, name: str) -> list[str] | None:
    """Every column, generated ones too (`table_info` hides those; `hidden` 2 and 3 mark
    them in `table_xinfo`, 1 a virtual table's hidden columns)."""
    rows = connection.execute(
        "SELECT name FROM pragma_table_xinfo(?) WHERE hidden <> 1", [name]
    ).fetchall()
    return [r[0] for r in rows] if rows else None


def _sqlite_generated(connection: sqlite3.Connection, name: str) -> set[str]:
    rows = connection.execute(
        "SELECT name FROM pragma_table_xinfo(?) WHERE hidden IN (2, 3)", [name]
    ).fetchall()
    return {r[0] for r in rows}


# ---------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m datagen_assets.write.targets ...`: an alias of `datagen load`."""
    from datagen_assets.cli import main as datagen

    return datagen(["load", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())

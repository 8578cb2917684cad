"""Constraint checks over a table's written Parquet chunks, run with an in-process DuckDB.

The engine builds keys to be unique and referentially valid by construction; these checks verify
what actually landed in storage, the way a database would on load: PRIMARY KEY (unique, no
NULL), UNIQUE (tuples with a NULL never conflict, as in SQL) and unique indexes (on their
lower()/upper()/trim() expressions; partial ones over every row, as generated), NOT NULL,
every FOREIGN KEY (MATCH SIMPLE: a child tuple with any NULL is not checked), every CHECK
constraint over the table's columns (DuckDB over the Parquet, read as PostgreSQL reads it, or
where DuckDB does not read it the polars/DuckDB evaluation the engine's repairs use, chunk by
chunk; a row where the CHECK is NULL passes, as in SQL; a CHECK neither reads fails with WARN,
"not verified", never passes unseen) and the planned row count.

Plain Python on purpose (no Dagster): the orchestration layer, the CLI and tests all call it.
It never lists folders or globs: callers pass `TableFiles`, the explicit files of the chunks
that exist, so a check can never read a chunk being written, a temporary file, or a stale chunk
of an older plan. Results carry counts and a few offending keys, never whole rows.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb
import polars as pl

from datagen_assets.check.duckdb_sql import connect, parquet_source, quote, raise_memory_limit
from datagen_assets.schema.model import CASE_INSENSITIVE_DIALECTS, COLLATED_KINDS, Check, Table

SAMPLE_LIMIT = 5
ERROR = "ERROR"
WARN = "WARN"

PRIMARY_KEY = "primary_key"
UNIQUE = "unique"
NOT_NULL = "not_null"
FOREIGN_KEY = "foreign_key"
CHECK = "check"
ROW_COUNT = "row_count"


@dataclass(frozen=True)
class TableFiles:
    """The chunks of a table as they are in storage now: partition key -> file (local path or
    URL) for those that exist, and the planned partition keys that have no file yet."""

    table_key: str
    chunks: Mapping[str, str]
    missing: tuple[str, ...] = ()
    # The written columns, read once for all the checks of this snapshot (see `_unreadable`).
    _described: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def files(self) -> list[str]:
        return [self.chunks[key] for key in sorted(self.chunks)]

    @property
    def complete(self) -> bool:
        return bool(self.chunks) and not self.missing

    def coverage(self) -> str:
        """`all 4 chunks` or `3 of 4 chunks (missing 00002)`, for descriptions."""
        total = len(self.chunks) + len(self.missing)
        if not self.missing:
            return f"all {total} chunk{'s' if total != 1 else ''}"
        return f"{len(self.chunks)} of {total} chunks (missing {_list(self.missing)})"


@dataclass(frozen=True)
class Constraint:
    """One check to run on a table. `name` is a valid Dagster check name, stable across loads."""

    name: str
    kind: str
    columns: tuple[str, ...] = ()
    ref_table: str | None = None
    ref_columns: tuple[str, ...] = ()
    blocking: bool = False
    description: str = ""
    expressions: tuple[str, ...] = ()  # what a unique index compares, per column (SQL)


@dataclass(frozen=True)
class CheckResult:
    """What a check found. `samples` are offending keys rendered as text (at most a few)."""

    name: str
    kind: str
    passed: bool
    description: str
    counts: Mapping[str, int] = field(default_factory=dict)
    samples: tuple[str, ...] = ()
    severity: str = ERROR


# ---------------------------------------------------------------------------- what to check


def check_name(*parts: str) -> str:
    """A Dagster-valid check name (letters, digits, _) that stays readable and unique."""
    raw = "_".join(parts)
    name = re.sub(r"[^A-Za-z0-9_]+", "_", raw).strip("_") or "check"
    if len(name) > 60 or name != raw:
        digest = hashlib.sha1(raw.encode()).hexdigest()[:6]
        name = f"{name[:52]}_{digest}" if len(name) > 60 else name
    return name


def table_constraints(table: Table, dialect: str | None = None) -> tuple[Constraint, ...]:
    """Every check DataGen runs on a table, in a stable order. Key checks are blocking: a child
    table must not be built on a parent whose keys are broken. In a `dialect` whose default
    collations are case-insensitive (MySQL, SQL Server), string keys are compared as that
    database compares them: case folded, trailing spaces ignored."""
    found: list[Constraint] = []
    folded = dialect in CASE_INSENSITIVE_DIALECTS
    collation = f"; compared case-insensitively, as {dialect} does" if folded else ""
    if table.primary_key:
        found.append(
            Constraint(
                PRIMARY_KEY,
                PRIMARY_KEY,
                tuple(table.primary_key),
                blocking=True,
                description=f"PRIMARY KEY ({', '.join(table.primary_key)}) is unique and not null"
                + collation,
                expressions=_collated(table, table.primary_key) if folded else (),
            )
        )
    for columns in table.uniques:
        found.append(
            Constraint(
                check_name("unique", *columns),
                UNIQUE,
                tuple(columns),
                blocking=True,
                description=f"UNIQUE ({', '.join(columns)}); tuples with a NULL never conflict"
                + collation,
                expressions=_collated(table, columns) if folded else (),
            )
        )
    for index in table.unique_indexes:
        found.append(
            Constraint(
                check_name("unique_index", index.name or "_".join(index.columns)),
                UNIQUE,
                tuple(index.columns),
                blocking=True,
                description=f"UNIQUE INDEX ({index.label()})"
                + (", checked over every row" if index.where else "")
                + "; tuples with a NULL never conflict",
                expressions=tuple(index.parts),
            )
        )
    required = [c.name for c in table.columns if not c.nullable or c.name in table.primary_key]
    if required:
        found.append(
            Constraint(
                NOT_NULL,
                NOT_NULL,
                tuple(required),
                description=f"NOT NULL columns have no NULL: {', '.join(required)}",
            )
        )
    for fk in table.foreign_keys:
        found.append(
            Constraint(
                check_name("fk", *fk.columns, fk.ref_table.replace(".", "_")),
                FOREIGN_KEY,
                tuple(fk.columns),
                ref_table=fk.ref_table,
                ref_columns=tuple(fk.ref_columns),
                blocking=True,
                description=(
                    f"FOREIGN KEY ({', '.join(fk.columns)}) REFERENCES {fk.ref_table} "
                    f"({', '.join(fk.ref_columns)}): no orphan rows"
                ),
            )
        )
    for check in table_checks(table):
        if not _over_columns(table, check):
            continue
        readable = evaluable(table, check)
        found.append(
            Constraint(
                check_name("check", check.name or "_".join(check.columns) or "expression"),
                CHECK,
                check.columns,
                description=f"CHECK ({check.sql}) holds on every row (NULL passes, as in SQL)"
                if readable
                else f"CHECK ({check.sql}): neither DuckDB nor the engine evaluates it, so it "
                "is reported not verified (WARN); the database may refuse rows",
                expressions=(check.sql,),
            )
        )
    found.append(
        Constraint(
            ROW_COUNT, ROW_COUNT, description="every planned chunk exists with its planned rows"
        )
    )
    return _deduplicated(found)


def table_checks(table: Table) -> list[Check]:
    """Every CHECK of a table: its own, and those of its columns' domains (MySQL widths,
    PostgreSQL domains), each once."""
    found = [*table.checks, *(c for column in table.columns for c in column.domain_checks)]
    return list(dict.fromkeys(found))


def _over_columns(table: Table, check: Check) -> bool:
    """Whether the CHECK reads columns, all of the table (what a check over its rows can be)."""
    try:
        names = check.columns
    except Exception:  # noqa: BLE001 - a CHECK sqlglot cannot parse again
        return False
    return bool(names) and set(names) <= set(table.column_names)


def evaluable(table: Table, check: Check) -> bool:
    """Whether DataGen can evaluate the CHECK over rows of the table: it names only the
    table's columns and DuckDB or polars reads it over an empty frame of their types (the
    engine's own test, `_evaluable`). What neither reads is a note of the engine, not a check
    that could never run."""
    from datagen_assets.generate.dtypes import polars_dtype

    try:
        names = check.columns
    except Exception:  # noqa: BLE001 - a CHECK sqlglot cannot parse again
        return False
    if not names or not set(names) <= set(table.column_names):
        return False
    try:
        schema = tuple((n, polars_dtype(table.column(n).type)) for n in names)
    except KeyError:  # a type the engine has no dtype for
        return False
    return _evaluable(check.sql, schema)


@functools.lru_cache(maxsize=4096)
def _evaluable(sql: str, schema: tuple[tuple[str, pl.DataType], ...]) -> bool:
    frame = pl.DataFrame(schema=dict(schema))
    try:
        holds(frame, sql)
    except Exception:  # noqa: BLE001 - polars and DuckDB have many failure types
        return False
    return True


def holds(frame: pl.DataFrame, sql: str):
    """Rows of `frame` where a CHECK holds (NULL holds): the evaluation the repairs use."""
    from datagen_assets.generate.engine import _holds

    return _holds(frame, sql)


def _deduplicated(constraints: list[Constraint]) -> tuple[Constraint, ...]:
    seen: dict[str, int] = {}
    result = []
    for constraint in constraints:
        count = seen.get(constraint.name, 0)
        seen[constraint.name] = count + 1
        if count:
            constraint = Constraint(
                **{**constraint.__dict__, "name": f"{constraint.name}_{count + 1}"}
            )
        result.append(constraint)
    return tuple(result)


# ---------------------------------------------------------------------------- running


def _collated(table: Table, columns) -> tuple[str, ...]:
    """Key parts as a case-insensitive collation compares them (only when one is a string)."""
    if not any(table.column(c).type.kind in COLLATED_KINDS for c in columns):
        return ()
    return tuple(
        f"lower(rtrim(CAST({quote(c)} AS VARCHAR)))"
        if table.column(c).type.kind in COLLATED_KINDS
        else quote(c)
        for c in columns
    )


def run_checks(
    table: Table,
    files: TableFiles,
    expected_chunk_rows: Mapping[str, int],
    parent_files: Mapping[str, TableFiles],
    only: Collection[str] | None = None,
    dialect: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> list[CheckResult]:
    """Run the table's constraints (or those named in `only`) on one DuckDB connection (`con`,
    or one of its own). `parent_files` maps each FK parent's table key to its files; a check
    never raises for bad or missing data, it fails with a message saying what is wrong."""
    results = []
    with connect_tables(files, *parent_files.values(), con=con) as con:
        for constraint in table_constraints(table, dialect):
            if only is not None and constraint.name not in only:
                continue
            results.append(
                _run_one(con, table, constraint, files, expected_chunk_rows, parent_files)
            )
    return results


def _run_one(con, table, constraint, files, expected_chunk_rows, parent_files) -> CheckResult:
    while True:
        try:
            result = _evaluate(con, table, constraint, files, expected_chunk_rows, parent_files)
            break
        except duckdb.OutOfMemoryException as error:
            # The connection's bounded memory (check/duckdb_sql.py) is too small for this
            # table even spilling (a PRIMARY KEY over 100M rows at 128MB): more, and again.
            if raise_memory_limit(con):
                continue
            result = _failed(
                constraint.kind,
                f"{table.key}: DuckDB could not run the check: {str(error).splitlines()[0]}",
            )
            break
        except duckdb.Error as error:
            result = _failed(
                constraint.kind,
                f"{table.key}: DuckDB could not run the check: {str(error).splitlines()[0]}",
            )
            break
    return CheckResult(
        constraint.name,
        result.kind,
        result.passed,
        result.description,
        result.counts,
        result.samples,
        result.severity,
    )


def _evaluate(con, table, constraint, files, expected_chunk_rows, parent_files) -> CheckResult:
    """One constraint's check (DuckDB errors raised to `_run_one`)."""
    if constraint.kind == PRIMARY_KEY:
        result = check_primary_key(
            files, constraint.columns, con=con, expressions=constraint.expressions
        )
    elif constraint.kind == UNIQUE:
        result = check_unique(
            files, constraint.columns, con=con, expressions=constraint.expressions
        )
    elif constraint.kind == NOT_NULL:
        result = check_not_null(files, constraint.columns, key=table.primary_key, con=con)
    elif constraint.kind == CHECK:
        result = check_expression(
            files, constraint.expressions[0], constraint.columns, table.primary_key, con=con
        )
    elif constraint.kind == FOREIGN_KEY:
        parent = (
            files if constraint.ref_table == table.key else parent_files.get(constraint.ref_table)
        )
        if parent is None:
            parent = TableFiles(constraint.ref_table, {})
        result = check_foreign_key(
            files, constraint.columns, parent, constraint.ref_columns, con=con
        )
    else:
        result = check_row_count(files, expected_chunk_rows, con=con)
    return result


def check_primary_key(
    files: TableFiles,
    columns: tuple[str, ...],
    con: duckdb.DuckDBPyConnection | None = None,
    expressions: tuple[str, ...] = (),
) -> CheckResult:
    """No NULL in any key column, and no key tuple on two rows (across all chunks); with
    `expressions`, those are compared instead (see `check_unique`)."""
    return _check_keys(files, columns, PRIMARY_KEY, con, expressions)


def check_unique(
    files: TableFiles,
    columns: tuple[str, ...],
    con: duckdb.DuckDBPyConnection | None = None,
    expressions: tuple[str, ...] = (),
) -> CheckResult:
    """No non-NULL tuple on two rows; tuples with any NULL are exempt, as in SQL. With
    `expressions` (a unique index's `lower("email")`...) those are compared instead."""
    return _check_keys(files, columns, UNIQUE, con, expressions)


def _check_keys(files, columns, kind, con, expressions: tuple[str, ...] = ()) -> CheckResult:
    shown = ", ".join(re.sub(r'"((?:[^"]|"")*)"', r"\1", e) for e in expressions)
    label = f"{'PRIMARY KEY' if kind == PRIMARY_KEY else 'UNIQUE'} ({shown or ', '.join(columns)})"
    with connect_tables(files, con=con) as con:
        problem = _unreadable(con, files, columns)
        if problem:
            return _failed(kind, f"{files.table_key} {label}: {problem}")
        source = parquet_source(files.files)
        cols = ", ".join(expressions or [quote(c) for c in columns])
        any_null = " OR ".join(f"{quote(c)} IS NULL" for c in columns)
        rows, null_rows = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {any_null}) FROM {source}"
        ).fetchone()
        duplicates = (
            f"SELECT {cols}, count(*) AS n FROM {source} WHERE NOT ({any_null}) "
            f"GROUP BY ALL HAVING count(*) > 1"
        )
        dup_keys, dup_rows = con.execute(
            f"SELECT count(*), coalesce(sum(n - 1), 0) FROM ({duplicates})"
        ).fetchone()
        samples = [  # a third pass over the files only when there is something to show
            _render(r[:-1]) + f" x{r[-1]}"
            for r in (
                con.execute(f"{duplicates} ORDER BY n DESC, {cols} LIMIT {SAMPLE_LIMIT}").fetchall()
                if dup_keys
                else ()
            )
        ]
    counts = {"rows": rows, "duplicate_keys": dup_keys, "duplicate_rows": int(dup_rows)}
    failures = dup_keys
    if kind == PRIMARY_KEY:
        counts["null_key_rows"] = null_rows
        failures += null_rows
        if null_rows:
            samples.append(f"{null_rows} row(s) with a NULL key column")
    passed = failures == 0
    verdict = (
        "holds"
        if passed
        else f"violated: {dup_keys} duplicated key(s) on {dup_rows + dup_keys} rows"
        + (f", {null_rows} row(s) with NULL" if kind == PRIMARY_KEY and null_rows else "")
    )
    return CheckResult(
        kind,
        kind,
        passed,
        f"{files.table_key} {label} {verdict} over {files.coverage()}, {rows} rows",
        counts,
        tuple(samples),
    )


def check_not_null(
    files: TableFiles,
    columns: tuple[str, ...],
    key: tuple[str, ...] = (),
    con: duckdb.DuckDBPyConnection | None = None,
) -> CheckResult:
    """No NULL in NOT NULL columns; samples name the offending rows by primary key if any."""
    with connect_tables(files, con=con) as con:
        problem = _unreadable(con, files, columns)
        if problem:
            return _failed(NOT_NULL, f"{files.table_key} NOT NULL: {problem}")
        source = parquet_source(files.files)
        counted = ", ".join(f"count(*) FILTER (WHERE {quote(c)} IS NULL)" for c in columns)
        rows, *nulls = con.execute(f"SELECT count(*), {counted} FROM {source}").fetchone()
        bad = {c: n for c, n in zip(columns, nulls, strict=True) if n}
        samples: list[str] = []
        if bad and key and not _unreadable(con, files, key):
            any_null = " OR ".join(f"{quote(c)} IS NULL" for c in bad)
            samples = [
                _render(r)
                for r in con.execute(
                    f"SELECT {', '.join(quote(c) for c in key)} FROM {source} WHERE {any_null} "
                    f"LIMIT {SAMPLE_LIMIT}"
                ).fetchall()
            ]
    counts = {"rows": rows, **{f"nulls:{c}": n for c, n in bad.items()}}
    if not bad:
        description = (
            f"{files.table_key}: no NULL in {len(columns)} NOT NULL column(s) over "
            f"{files.coverage()}, {rows} rows"
        )
    else:
        listed = ", ".join(f"{c} ({n})" for c, n in bad.items())
        description = f"{files.table_key}: NULL in NOT NULL column(s) {listed}"
    return CheckResult(NOT_NULL, NOT_NULL, not bad, description, counts, tuple(samples))


def check_foreign_key(
    files: TableFiles,
    columns: tuple[str, ...],
    parent: TableFiles,
    ref_columns: tuple[str, ...],
    con: duckdb.DuckDBPyConnection | None = None,
) -> CheckResult:
    """Every child tuple without NULL has a parent tuple. The parent must be complete: with
    chunks missing an orphan cannot be told from a row not yet written, so the check fails
    saying so instead of guessing."""
    label = (
        f"FOREIGN KEY ({', '.join(columns)}) REFERENCES {parent.table_key} "
        f"({', '.join(ref_columns)})"
    )
    if not parent.complete:
        state = (
            "is not materialised"
            if not parent.chunks
            else f"is only partly materialised: {parent.coverage()}"
        )
        return _failed(
            FOREIGN_KEY,
            f"{files.table_key} {label}: parent table "
            f"{parent.table_key} {state}; materialise it first",
        )
    with connect_tables(files, parent, con=con) as con:
        problem = _unreadable(con, files, columns) or _unreadable(
            con, parent, ref_columns, role="parent"
        )
        if problem:
            return _failed(FOREIGN_KEY, f"{files.table_key} {label}: {problem}")
        child, parent_source = parquet_source(files.files), parquet_source(parent.files)
        cols = ", ".join(f"c.{quote(c)}" for c in columns)
        not_null = " AND ".join(f"c.{quote(c)} IS NOT NULL" for c in columns)
        match = " AND ".join(
            f"p.{quote(r)} = c.{quote(c)}" for c, r in zip(columns, ref_columns, strict=True)
        )
        orphans = (
            f"SELECT {cols} FROM {child} AS c WHERE {not_null} AND NOT EXISTS "
            f"(SELECT 1 FROM {parent_source} AS p WHERE {match})"
        )
        checked = con.execute(f"SELECT count(*) FROM {child} AS c WHERE {not_null}").fetchone()[0]
        orphan_rows, orphan_keys = con.execute(
            f"SELECT count(*), count(DISTINCT ({', '.join(f'o.{quote(c)}' for c in columns)})) "
            f"FROM ({orphans}) AS o"
        ).fetchone()
        samples = tuple(  # a third pass only when there is an orphan to show
            _render(r)
            for r in (
                con.execute(f"SELECT DISTINCT * FROM ({orphans}) LIMIT {SAMPLE_LIMIT}").fetchall()
                if orphan_rows
                else ()
            )
        )
    counts = {"rows_checked": checked, "orphan_rows": orphan_rows, "orphan_keys": orphan_keys}
    passed = orphan_rows == 0
    verdict = (
        "holds"
        if passed
        else f"violated: {orphan_rows} orphan row(s), {orphan_keys} distinct key(s)"
    )
    return CheckResult(
        FOREIGN_KEY,
        FOREIGN_KEY,
        passed,
        f"{files.table_key} {label} {verdict} ({checked} non-null rows over {files.coverage()})",
        counts,
        samples,
    )


def check_expression(
    files: TableFiles,
    sql: str,
    columns: tuple[str, ...],
    key: tuple[str, ...] = (),
    con: duckdb.DuckDBPyConnection | None = None,
) -> CheckResult:
    """The CHECK holds on every row (a NULL result passes, as in SQL). DuckDB evaluates it over
    the chunks; a CHECK DuckDB does not read (a polars-only spelling) is evaluated chunk by
    chunk the way the engine's repairs evaluate it. Samples name failing rows by primary key
    and the values of the CHECK's columns."""
    label = f"CHECK ({sql})"
    with connect_tables(files, con=con) as con:
        problem = _unreadable(con, files, columns)
        if problem:
            return _failed(CHECK, f"{files.table_key} {label}: {problem}")
        shown = [c for c in dict.fromkeys([*key, *columns])]
        try:
            rows, failing, samples = _failing_rows_duckdb(con, files, sql, shown)
            engine = "DuckDB"
        except duckdb.Error as error:
            try:
                rows, failing, samples = _failing_rows_engine(files, sql, columns, shown)
            except Exception:  # noqa: BLE001 - polars and DuckDB have many failure types
                reason = str(error).strip().splitlines()[0][:160]
                return CheckResult(
                    CHECK,
                    CHECK,
                    False,
                    f"{files.table_key} {label} not verified: neither DuckDB nor the engine "
                    f"evaluates it ({reason}); the database may refuse rows",
                    severity=WARN,
                )
            engine = "the engine's evaluation"
    counts = {"rows": rows, "failing_rows": failing}
    passed = failing == 0
    verdict = "holds" if passed else f"violated on {failing} row(s)"
    return CheckResult(
        CHECK,
        CHECK,
        passed,
        f"{files.table_key} {label} {verdict} over {files.coverage()}, {rows} rows ({engine})",
        counts,
        tuple(samples),
    )


def _failing_rows_duckdb(con, files: TableFiles, sql: str, shown: list[str]):
    from datagen_assets.generate.engine import duckdb_check_sql

    sql = duckdb_check_sql(sql) or sql  # read as PostgreSQL reads it (LIKE escapes, arrays)
    source = parquet_source(files.files)
    broken = f"NOT coalesce(({sql}), true)"
    rows, failing = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {broken}) FROM {source}"
    ).fetchone()
    samples = []
    if failing:
        cols = ", ".join(quote(c) for c in shown)
        samples = [
            _render_named(shown, r)
            for r in con.execute(
                f"SELECT {cols} FROM {source} WHERE {broken} LIMIT {SAMPLE_LIMIT}"
            ).fetchall()
        ]
    return rows, failing, samples


def _failing_rows_engine(files: TableFiles, sql: str, columns: tuple[str, ...], shown):
    """Chunk by chunk, only the CHECK's columns (and the key) in memory."""
    from datagen_assets.write.storage import read_parquet

    rows = failing = 0
    samples: list[str] = []
    for path in files.files:
        frame = _read_columns(read_parquet, path, shown)
        passed = holds(frame.select(columns), sql)
        rows += frame.height
        bad = frame.filter(pl.Series(~passed))
        failing += bad.height
        for row in bad.head(SAMPLE_LIMIT - len(samples)).rows():
            samples.append(_render_named(shown, row))
    return rows, failing, samples


def _read_columns(read_parquet, path: str, columns: list[str]) -> pl.DataFrame:
    from upath import UPath

    return read_parquet(UPath(path), lazy=True).select(columns).collect()


def _render_named(names: list[str], values: tuple[Any, ...]) -> str:
    text = ", ".join(f"{n}={v!r}" for n, v in zip(names, values, strict=True))
    return text if len(text) <= 160 else text[:157] + "..."


def check_row_count(
    files: TableFiles,
    expected_chunk_rows: Mapping[str, int],
    con: duckdb.DuckDBPyConnection | None = None,
) -> CheckResult:
    """Each planned chunk exists with exactly its planned rows. Missing chunks fail with WARN
    (the table is incomplete, not wrong); a chunk with the wrong count fails with ERROR."""
    expected_total = sum(expected_chunk_rows.values())
    wrong: list[str] = []
    actual_total = 0
    with connect_tables(files, con=con) as con:
        for key in sorted(files.chunks):
            try:
                rows = (
                    con.execute(
                        "SELECT sum(row_group_num_rows) FROM (SELECT DISTINCT "
                        "row_group_id, row_group_num_rows FROM parquet_metadata(?))",
                        [files.chunks[key]],
                    ).fetchone()[0]
                    or 0
                )
            except duckdb.InvalidInputException:  # no column: DuckDB reads no such file
                rows = _footer_rows(files.chunks[key])
            actual_total += rows
            if key not in expected_chunk_rows:
                wrong.append(f"{key}: not planned, {rows} rows")
            elif rows != expected_chunk_rows[key]:
                wrong.append(f"{key}: {rows} rows, planned {expected_chunk_rows[key]}")
    missing = sorted(set(expected_chunk_rows) - set(files.chunks))
    counts = {
        "rows": actual_total,
        "planned_rows": expected_total,
        "chunks": len(files.chunks),
        "planned_chunks": len(expected_chunk_rows),
        "chunks_wrong": len(wrong),
        "chunks_missing": len(missing),
    }
    if wrong:
        return CheckResult(
            ROW_COUNT,
            ROW_COUNT,
            False,
            f"{files.table_key}: {len(wrong)} chunk(s) with the wrong row count",
            counts,
            tuple(wrong[:SAMPLE_LIMIT]),
            ERROR,
        )
    if missing:
        return CheckResult(
            ROW_COUNT,
            ROW_COUNT,
            False,
            f"{files.table_key}: {actual_total} of {expected_total} planned rows; "
            f"{len(missing)} chunk(s) not materialised ({_list(missing)})",
            counts,
            tuple(missing[:SAMPLE_LIMIT]),
            WARN,
        )
    return CheckResult(
        ROW_COUNT,
        ROW_COUNT,
        True,
        f"{files.table_key}: {actual_total} rows as planned in {len(files.chunks)} chunk(s)",
        counts,
    )


# ---------------------------------------------------------------------------- helpers


def _footer_rows(location: str) -> int:
    """A chunk's row count from its Parquet footer, read by pyarrow: DuckDB refuses a file
    without columns (`CREATE TABLE t ()`), which pyarrow reads."""
    import pyarrow.parquet as pq
    from upath import UPath

    with UPath(location).open("rb") as handle:
        return pq.ParquetFile(handle).metadata.num_rows


def connect_tables(*tables: TableFiles, con: duckdb.DuckDBPyConnection | None = None) -> connect:
    """A DuckDB connection that can read the chunks of `tables` (see `check/duckdb_sql.py`)."""
    return connect([f for t in tables for f in t.chunks.values()], con=con)


def _unreadable(con, files: TableFiles, columns: tuple[str, ...], role: str = "table") -> str:
    """Why the check cannot run on these files (no chunk, missing columns), or ''."""
    if not files.chunks:
        return f"{role} {files.table_key} has no materialised chunk"
    present = files._described.get("columns")
    if present is None:  # one DESCRIBE per table snapshot, not one per check
        query = f"DESCRIBE SELECT * FROM {parquet_source(files.files)}"
        present = frozenset(row[0] for row in con.execute(query).fetchall())
        files._described["columns"] = present
    absent = [c for c in columns if c not in present]
    if absent:
        return f"column(s) {', '.join(absent)} missing from the written {role} {files.table_key}"
    return ""


def _failed(kind: str, description: str) -> CheckResult:
    return CheckResult(kind, kind, False, description)


def _render(values: tuple[Any, ...]) -> str:
    text = repr(values[0]) if len(values) == 1 else "(" + ", ".join(map(repr, values)) + ")"
    return text if len(text) <= 120 else text[:117] + "..."


def _list(keys: Collection[str], limit: int = 5) -> str:
    keys = sorted(keys)
    shown = ", ".join(keys[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")

"""INSERT statements for PostgreSQL, MySQL, SQLite or T-SQL: one file, tables parents first,
`batch_rows` rows per multi-row INSERT (T-SQL allows at most 1000), in one transaction.

sqlglot decides how each dialect quotes identifiers and writes literals; polars applies that,
column at a time. `Literals` reads the rules off sqlglot once per dialect (which characters a
string literal escapes and how, the boolean and binary forms); each column is then rendered to
its literal text with polars expressions and the row tuples are concatenated, with no Python
loop per value. Deviations from sqlglot's own literals, each because the database would reject
or alter the value otherwise:

- T-SQL strings are N'...' so non-Latin text survives any collation; booleans are 1/0
  (sqlglot writes `(1 = 1)`, a predicate, not a BIT value);
- PostgreSQL bytea is the '\\x...' text form (sqlglot's x'...' is a bit string there);
- temporal values are plain quoted ISO text, which every dialect converts on insert, rather
  than sqlglot's CAST(... AS ...), which is longer and in T-SQL/MySQL names a specific type.

Intervals and arrays, which only PostgreSQL has, take its text form in every dialect. NaN and
infinities become NULL, as sqlglot renders them. MySQL takes no UTC offset inside a DATETIME or
TIMESTAMP literal (MySQL 8 accepts one, MariaDB 10.11 rejects it): timestamps with a time zone
are written in UTC without offset, under `SET time_zone = '+00:00'` as mysqldump writes it, so
a TIMESTAMP column stores the same instant.

PostgreSQL application triggers are off while the rows load (`ALTER TABLE ... DISABLE TRIGGER
USER`, as pg_dump --disable-triggers does for data, but keeping the constraint triggers, so
keys, checks and foreign keys are enforced): an audit, job-queue or role-checking trigger would
add rows, call what the schema does not define, or reject rows for reasons outside it.

FK cycles load the way each engine's dump tools do it. A table is exported before a table it
references only inside a cycle (the plan orders the rest parents first); such a *forward*
reference is handled per dialect:

- MySQL: `FOREIGN_KEY_CHECKS = 0` around the data, as mysqldump writes it;
- SQLite: `PRAGMA defer_foreign_keys = ON`, checked at COMMIT;
- PostgreSQL and T-SQL: the forward key columns are inserted NULL and set by UPDATEs keyed by
  the primary (or a non-null unique) key once every table is in, so constraints declared
  without DEFERRABLE hold at every statement.
- PostgreSQL, a forward key that cannot be filled later (NOT NULL, or a table without such a
  key; pagila store <-> staff): `SET CONSTRAINTS ALL DEFERRED` does nothing for a key declared
  without DEFERRABLE, but PostgreSQL checks such a key at the end of each statement. The
  tables from the one holding the key to the last one it references (`one_statement_spans`)
  are inserted into temporary copies first, then moved by a single statement of
  data-modifying CTEs (`WITH a AS (INSERT INTO store SELECT ...) INSERT INTO staff SELECT
  ...`), so every key holds when it is checked; no superuser rights needed. T-SQL has no such
  statement: those keys stay as they are (see the notes of the export).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import BinaryIO

import polars as pl
import sqlglot.expressions as exp

from datagen_assets.schema.model import ForeignKey, Table
from datagen_assets.write.exports import pg_ddl
from datagen_assets.write.exports.base import ExportOptions, TableChunks
from datagen_assets.write.postgres import to_copy_text

DIALECTS = ("postgres", "mysql", "sqlite", "tsql")
MAX_BATCH_ROWS = {"tsql": 1000}
TRANSACTION = {
    "postgres": ("BEGIN;", "COMMIT;"),
    "mysql": ("START TRANSACTION;", "COMMIT;"),
    "sqlite": ("BEGIN;", "COMMIT;"),
    "tsql": ("BEGIN TRANSACTION;", "COMMIT TRANSACTION;"),
}
_PROBES = ("'", "\\", "\n", "\r", "\t", "\x00", "\x08", "\x1a", '"')
_HEX = "0123456789ABCDEF"


@dataclass(frozen=True)
class Literals:
    """How one dialect writes literals, as sqlglot renders them."""

    string_open: str  # ' or N'
    escapes: dict[str, str]  # character -> its escape inside a string literal
    true: str
    false: str
    binary: tuple[str, str] | None  # around hex digits; None: a string in bytea text form
    utc_naive: bool = False  # timestamps with a time zone: in UTC, without the offset


@cache
def literals(dialect: str) -> Literals:
    def make(text: str) -> exp.Expression:
        return exp.National(this=text) if dialect == "tsql" else exp.Literal.string(text)

    string_open = make("").sql(dialect=dialect)[:-1]
    escapes = {}
    for char in _PROBES:
        rendered = make(char).sql(dialect=dialect)[len(string_open) : -1]
        if rendered != char:
            escapes[char] = rendered
    if dialect == "tsql":
        true, false = "1", "0"
    else:
        true, false = (exp.convert(v).sql(dialect=dialect) for v in (True, False))
    binary = None
    if dialect != "postgres":
        before, after = exp.HexString(this=_HEX).sql(dialect=dialect).split(_HEX)
        binary = (before, after)
    return Literals(string_open, escapes, true, false, binary, utc_naive=dialect == "mysql")


def quote_table(table: Table, dialect: str) -> str:
    """SQLite has no schemas (a qualifier names an attached database): the bare name there."""
    schema = None if dialect == "sqlite" else table.schema
    return exp.table_(table.name, db=schema, quoted=True).sql(dialect=dialect)


def quote_column(name: str, dialect: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect=dialect)


def _string(expr: pl.Expr, lit: Literals, national: bool = False) -> pl.Expr:
    opening = lit.string_open if national else "'"
    if lit.escapes:
        expr = expr.str.replace_many(list(lit.escapes), list(lit.escapes.values()))
    return opening + expr + "'"


def literal_expr(name: str, dtype: pl.DataType, lit: Literals) -> pl.Expr:
    """The SQL literal of each value of a column, NULL included; expects bytea, intervals and
    arrays already in PostgreSQL text form when `lit.binary` is None."""
    column = pl.col(name)
    if dtype == pl.Boolean:
        text = column.replace_strict({True: lit.true, False: lit.false}, return_dtype=pl.String)
    elif dtype.is_float():
        text = pl.when(column.is_finite()).then(column.cast(pl.String))
    elif dtype.is_numeric():
        text = column.cast(pl.String)
    elif dtype == pl.Date:
        text = _string(column.cast(pl.String), lit)
    elif isinstance(dtype, pl.Datetime):
        zone = "%:z" if dtype.time_zone and not lit.utc_naive else ""
        if dtype.time_zone and lit.utc_naive:
            column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        text = _string(column.dt.to_string(f"%Y-%m-%d %H:%M:%S%.6f{zone}"), lit)
    elif dtype == pl.Time:
        text = _string(column.dt.to_string("%H:%M:%S%.6f"), lit)
    elif dtype == pl.Binary and lit.binary is not None:
        text = lit.binary[0] + column.bin.encode("hex").str.to_uppercase() + lit.binary[1]
    else:
        text = _string(column.cast(pl.String), lit, national=True)
    return text.fill_null("NULL").alias(name)


def rendered(frame: pl.DataFrame, lit: Literals) -> pl.DataFrame:
    """Each value of `frame` as its SQL literal text (NULL included), column by column."""
    pg_text = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, (pl.Duration, pl.List)) or (dtype == pl.Binary and lit.binary is None)
    ]
    source = frame.with_columns(to_copy_text(frame.select(pg_text)).get_columns())
    return source.select(literal_expr(name, dtype, lit) for name, dtype in source.schema.items())


def insert_text(
    frame: pl.DataFrame,
    table: Table,
    dialect: str,
    batch_rows: int,
    nulled: Sequence[str] = (),
    into: str | None = None,
) -> str:
    """Multi-row INSERT statements for one chunk; the `nulled` columns are written NULL (an FK
    filled later by `update_text`); `into` (quoted) names a temporary copy to insert into
    instead of the table."""
    if frame.height == 0:
        return ""
    texts = rendered(frame, literals(dialect))
    if nulled:
        texts = texts.with_columns(pl.lit("NULL").alias(name) for name in nulled)
    parts: list[pl.Expr | str] = ["("]
    for index, name in enumerate(texts.columns):
        parts += [", "] if index else []
        parts.append(pl.col(name))
    parts.append(")")
    columns = ", ".join(quote_column(n, dialect) for n in frame.columns)
    identity = dialect == "postgres" and _identity(table) and into is None
    overriding = " OVERRIDING SYSTEM VALUE" if identity else ""
    header = f"INSERT INTO {into or quote_table(table, dialect)} ({columns}){overriding} VALUES\n"
    tuples = texts.select(
        pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in parts]).alias("row")
    ).with_row_index()
    statements = tuples.group_by(pl.col("index") // batch_rows, maintain_order=True).agg(
        (header + pl.col("row").str.join(",\n") + ";\n").alias("statement")
    )
    return "".join(statements["statement"].to_list())


def update_text(
    frame: pl.DataFrame, table: Table, dialect: str, key: Sequence[str], columns: Sequence[str]
) -> str:
    """One UPDATE per row setting `columns` to the row's values, found by its `key`; rows
    whose `columns` are all NULL need none."""
    frame = frame.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in columns))
    if frame.height == 0:
        return ""
    texts = rendered(frame.select(*key, *columns), literals(dialect))
    parts: list[pl.Expr | str] = [f"UPDATE {quote_table(table, dialect)} SET "]
    for index, name in enumerate(columns):
        parts += [(", " if index else "") + f"{quote_column(name, dialect)} = ", pl.col(name)]
    for index, name in enumerate(key):
        parts += [(" AND " if index else " WHERE ") + f"{quote_column(name, dialect)} = "]
        parts.append(pl.col(name))
    parts.append(";\n")
    lines = texts.select(pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in parts]))
    return "".join(lines.to_series().to_list())


def forward_references(tables: Sequence[Table]) -> dict[str, list[ForeignKey]]:
    """Per table, its foreign keys to a table exported after it (only inside an FK cycle)."""
    position = {t.key: index for index, t in enumerate(tables)}
    forward = {}
    for index, table in enumerate(tables):
        fks = [fk for fk in table.foreign_keys if position.get(fk.ref_table, -1) > index]
        if fks:
            forward[table.key] = fks
    return forward


def filled_later(table: Table, fks: Sequence[ForeignKey]) -> tuple[tuple[str, ...], list[str]]:
    """(row key, columns) of the forward foreign keys that can be inserted NULL and set by an
    UPDATE afterwards: nullable, outside the row key; empty when the table has no row key."""
    key = table.row_key
    if key is None:
        return (), []
    columns = [
        c
        for fk in fks
        if all(table.column(c).nullable and c not in key for c in fk.columns)
        for c in fk.columns
    ]
    return key, list(dict.fromkeys(columns))


def blocking_references(tables: Sequence[Table]) -> dict[str, set[str]]:
    """Per table, the tables after it that its forward keys reference through columns no
    UPDATE can fill later (`filled_later`): those rows must go in with the referenced ones."""
    forward = forward_references(tables)
    by_key = {t.key: t for t in tables}
    blocking = {}
    for key, fks in forward.items():
        _, later = filled_later(by_key[key], fks)
        parents = {fk.ref_table for fk in fks if not set(fk.columns) <= set(later)}
        if parents:
            blocking[key] = parents
    return blocking


def one_statement_spans(order: Sequence[str], blocking: dict[str, set[str]]) -> list[range]:
    """The runs of `order` (table keys in load order) to insert in one statement: from each
    table with `blocking` references to the last table it references, overlapping runs
    merged. Every table inside a run goes in with it, since a table between the two may
    reference the first (which is only in once the statement runs) and be referenced by the
    last. Runs are increasing and disjoint."""
    position = {key: index for index, key in enumerate(order)}
    runs = sorted(
        (position[key], max(position[p] for p in parents))
        for key, parents in blocking.items()
        if key in position and parents & position.keys()
    )
    merged: list[list[int]] = []
    for first, last in runs:
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [range(first, last + 1) for first, last in merged]


def together_statement(tables: Sequence[Table], sources: Sequence[str], columns) -> str:
    """One PostgreSQL statement inserting each table's rows from its temporary copy (`sources`,
    already quoted), as data-modifying CTEs: keys declared without DEFERRABLE are checked at
    the end of the statement, once every table of the cycle holds its rows."""
    parts = []
    for table, source, names in zip(tables, sources, columns, strict=True):
        listed = ", ".join(quote_column(n, "postgres") for n in names)
        overriding = " OVERRIDING SYSTEM VALUE" if _identity(table) else ""
        parts.append(
            f"INSERT INTO {quote_table(table, 'postgres')} ({listed}){overriding} "
            f"SELECT {listed} FROM {source}"
        )
    ctes = ",\n".join(f'"cycle_{index}" AS ({part})' for index, part in enumerate(parts[:-1]))
    return f"WITH {ctes}\n{parts[-1]};\n"


def _identity(table: Table) -> bool:
    return any(c.autoincrement for c in table.columns)


def validate(tables: Sequence[TableChunks], options: ExportOptions) -> None:
    if options.dialect not in DIALECTS:
        raise ValueError(
            f"sql: unknown dialect {options.dialect!r} (choose from {', '.join(DIALECTS)})"
        )
    most = MAX_BATCH_ROWS.get(options.dialect)
    if options.batch_rows < 1 or (most is not None and options.batch_rows > most):
        limit = f"1..{most} for {options.dialect}" if most else "at least 1"
        raise ValueError(f"sql: {options.batch_rows} rows per INSERT; it must be {limit}")


def write(tables: Sequence[TableChunks], out: BinaryIO, options: ExportOptions) -> None:
    validate(tables, options)
    dialect = options.dialect
    begin, commit = TRANSACTION[dialect]
    forward = forward_references([t.table for t in tables])
    out.write(f"-- DataGen INSERT statements ({dialect}), parents before children\n".encode())
    if dialect == "mysql":  # as mysqldump: offsets-free timestamps are UTC
        out.write(b"SET time_zone = '+00:00';\n")
    if forward and dialect == "mysql":
        out.write(b"-- an FK cycle: foreign keys are checked after the load, as mysqldump does\n")
        out.write(b"SET @OLD_FOREIGN_KEY_CHECKS = @@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS = 0;\n")
    out.write(f"{begin}\n".encode())
    if forward and dialect == "sqlite":
        out.write(b"PRAGMA defer_foreign_keys = ON; -- an FK cycle: checked at COMMIT\n")
    later: dict[str, tuple[tuple[str, ...], list[str]]] = {}
    if dialect in ("postgres", "tsql"):
        later = {t.key: filled_later(t.table, forward[t.key]) for t in tables if t.key in forward}
    spans: list[range] = []
    if dialect == "postgres":
        blocking = blocking_references([t.table for t in tables])
        spans = one_statement_spans([t.key for t in tables], blocking)
    staged = {index: f'pg_temp."_datagen_cycle_{index}"' for span in spans for index in span}
    span_end = {span[-1]: span for span in spans}
    updates: list[str] = []
    if dialect == "postgres":  # as pg_dump --disable-triggers, keeping constraint triggers
        out.write(b"-- application triggers stay off while the rows load; keys, checks and\n")
        out.write(b"-- foreign keys are still enforced (DISABLE TRIGGER USER)\n")
        for table in tables:
            name = quote_table(table.table, dialect)
            out.write(f"ALTER TABLE {name} DISABLE TRIGGER USER;\n".encode())
    for position, table in enumerate(tables):
        name = quote_table(table.table, dialect)
        identity_insert = dialect == "tsql" and _identity(table.table)
        out.write(f"\n-- {table.key}\n".encode())
        if identity_insert:  # explicit values into an IDENTITY column need this in T-SQL
            out.write(f"SET IDENTITY_INSERT {name} ON;\n".encode())
        stored = table.table.stored_columns  # the database computes generated columns
        into = staged.get(position)
        if into:  # an FK cycle through NOT NULL keys: a temporary copy, moved in one statement
            listed = ", ".join(quote_column(c, dialect) for c in stored)
            out.write(
                f"CREATE TEMPORARY TABLE {into} ON COMMIT DROP AS "
                f"SELECT {listed} FROM {name} WITH NO DATA;\n".encode()
            )
        key, nulled = later.get(table.key, ((), []))
        for chunk in table:
            chunk = chunk.select(stored)
            text = insert_text(chunk, table.table, dialect, options.batch_rows, nulled, into)
            out.write(text.encode())
            if nulled:
                updates.append(update_text(chunk, table.table, dialect, key, nulled))
        if identity_insert:
            out.write(f"SET IDENTITY_INSERT {name} OFF;\n".encode())
        if position in span_end:
            span = [tables[i].table for i in span_end[position]]
            out.write(b"\n-- the FK cycle's rows, in one statement: its keys hold at its end\n")
            sources = [staged[i] for i in span_end[position]]
            columns = [t.stored_columns for t in span]
            out.write(together_statement(span, sources, columns).encode())
            out.write("".join(f"DROP TABLE {source};\n" for source in sources).encode())
            for member in span:
                out.write("".join(s + "\n" for s in pg_ddl.setval_statements(member)).encode())
        elif dialect == "postgres" and into is None:
            out.write("".join(s + "\n" for s in pg_ddl.setval_statements(table.table)).encode())
    if any(updates):
        out.write(b"\n-- foreign keys of an FK cycle, set once every table is in\n")
        out.write("".join(updates).encode())
    if dialect == "postgres":  # deferred key checks run now: no ALTER with pending events
        out.write(b"\nSET CONSTRAINTS ALL IMMEDIATE;\n")
        for table in tables:
            name = quote_table(table.table, dialect)
            out.write(f"ALTER TABLE {name} ENABLE TRIGGER USER;\n".encode())
    out.write(f"{commit}\n".encode())
    if forward and dialect == "mysql":
        out.write(b"SET FOREIGN_KEY_CHECKS = @OLD_FOREIGN_KEY_CHECKS;\n")

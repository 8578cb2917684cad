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
infinities become NULL, as sqlglot renders them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import BinaryIO

import polars as pl
import sqlglot.expressions as exp

from datagen_assets.schema.model import Table
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
    return Literals(string_open, escapes, true, false, binary)


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
        zone = "%:z" if dtype.time_zone else ""
        text = _string(column.dt.to_string(f"%Y-%m-%d %H:%M:%S%.6f{zone}"), lit)
    elif dtype == pl.Time:
        text = _string(column.dt.to_string("%H:%M:%S%.6f"), lit)
    elif dtype == pl.Binary and lit.binary is not None:
        text = lit.binary[0] + column.bin.encode("hex").str.to_uppercase() + lit.binary[1]
    else:
        text = _string(column.cast(pl.String), lit, national=True)
    return text.fill_null("NULL").alias(name)


def insert_text(frame: pl.DataFrame, table: Table, dialect: str, batch_rows: int) -> str:
    """Multi-row INSERT statements for one chunk."""
    if frame.height == 0:
        return ""
    lit = literals(dialect)
    pg_text = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, (pl.Duration, pl.List)) or (dtype == pl.Binary and lit.binary is None)
    ]
    source = frame.with_columns(to_copy_text(frame.select(pg_text)).get_columns())
    parts: list[pl.Expr | str] = ["("]
    for index, (name, dtype) in enumerate(source.schema.items()):
        parts += [", "] if index else []
        parts.append(literal_expr(name, dtype, lit))
    parts.append(")")
    columns = ", ".join(quote_column(n, dialect) for n in frame.columns)
    overriding = " OVERRIDING SYSTEM VALUE" if dialect == "postgres" and _identity(table) else ""
    header = f"INSERT INTO {quote_table(table, dialect)} ({columns}){overriding} VALUES\n"
    tuples = source.select(
        pl.concat_str([pl.lit(p) if isinstance(p, str) else p for p in parts]).alias("row")
    ).with_row_index()
    statements = tuples.group_by(pl.col("index") // batch_rows, maintain_order=True).agg(
        (header + pl.col("row").str.join(",\n") + ";\n").alias("statement")
    )
    return "".join(statements["statement"].to_list())


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
    out.write(
        f"-- DataGen INSERT statements ({dialect}), parents before children\n{begin}\n".encode()
    )
    for table in tables:
        name = quote_table(table.table, dialect)
        identity_insert = dialect == "tsql" and _identity(table.table)
        out.write(f"\n-- {table.key}\n".encode())
        if identity_insert:  # explicit values into an IDENTITY column need this in T-SQL
            out.write(f"SET IDENTITY_INSERT {name} ON;\n".encode())
        stored = table.table.stored_columns  # the database computes generated columns
        for chunk in table:
            out.write(
                insert_text(chunk.select(stored), table.table, dialect, options.batch_rows).encode()
            )
        if identity_insert:
            out.write(f"SET IDENTITY_INSERT {name} OFF;\n".encode())
        if dialect == "postgres":
            out.write("".join(s + "\n" for s in pg_ddl.setval_statements(table.table)).encode())
    out.write(f"{commit}\n".encode())

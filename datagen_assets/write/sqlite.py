"""SQLite DDL and values for a model table: the SQLite side of `write/targets.py`, as
`write/postgres.py` is the PostgreSQL one.

SQLite types are affinities, so declared types are chosen to keep values as written: integers
as INTEGER (an INTEGER PRIMARY KEY is the rowid, the fastest key), decimals as NUMERIC, dates
and times as ISO text, JSON, UUIDs, intervals and arrays as TEXT. Constraints must be declared
with the table (SQLite cannot add them later).
"""

from __future__ import annotations

import sqlite3

import polars as pl

from datagen_assets.schema.model import Table, TypeKind

# fmt: off
K = TypeKind
SQLITE_TYPES: dict[TypeKind, str] = {
    K.SMALLINT: "INTEGER", K.INTEGER: "INTEGER", K.BIGINT: "INTEGER", K.REAL: "REAL",
    K.DOUBLE: "REAL", K.NUMERIC: "NUMERIC", K.MONEY: "NUMERIC(19, 2)", K.TEXT: "TEXT",
    K.VARCHAR: "VARCHAR", K.CHAR: "CHAR", K.BOOLEAN: "BOOLEAN", K.DATE: "DATE", K.TIME: "TIME",
    K.TIMESTAMP: "TIMESTAMP", K.TIMESTAMPTZ: "TIMESTAMPTZ", K.BYTES: "BLOB",
}  # anything else is TEXT: its values are text, and TEXT affinity keeps them so
# fmt: on


def sqlite_table_name(table: Table) -> str:
    """SQLite has no schemas: `sales.customers` becomes `sales_customers`."""
    return f"{table.schema}_{table.name}" if table.schema else table.name


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_type(column_type) -> str:
    """A declared type with the affinity that keeps the values as written (integers as
    INTEGER, ISO dates as text, JSON and UUIDs as TEXT)."""
    if column_type.array:
        return "TEXT"
    name = SQLITE_TYPES.get(column_type.kind, "TEXT")
    if column_type.kind == TypeKind.NUMERIC and column_type.precision is not None:
        return f"NUMERIC({column_type.precision}, {column_type.scale or 0})"
    if column_type.kind in (TypeKind.VARCHAR, TypeKind.CHAR) and column_type.length:
        return f"{name}({column_type.length})"
    return name


def sqlite_checks(table: Table) -> tuple[list[str], list[str]]:
    """(CHECK expressions SQLite can evaluate, notes on those left out). Each is transpiled by
    sqlglot and prepared against the bare table in a scratch database: a missing function or
    column fails there, not on someone else's insert later."""
    from sqlglot.errors import SqlglotError

    scratch = sqlite3.connect(":memory:")
    try:
        scratch.execute(f"CREATE TABLE t ({', '.join(quote(c) for c in table.column_names)})")
        kept, notes = [], []
        for check in (*table.checks, *(c for col in table.columns for c in col.domain_checks)):
            try:
                text = any_as_in(check.expression).sql(dialect="sqlite")
                scratch.execute(f"SELECT 1 FROM t WHERE NOT ({text}) LIMIT 0")
            except (SqlglotError, sqlite3.Error, AttributeError) as error:
                shown = check.name or (
                    check.sql if len(check.sql) <= 60 else check.sql[:57] + "..."
                )
                notes.append(
                    f"{table.key}: CHECK {shown} left out in SQLite "
                    f"({str(error).splitlines()[0] if str(error) else 'untranslatable'})"
                )
                continue
            kept.append(text)
        return kept, notes
    finally:
        scratch.close()


def any_as_in(expression):
    """`x = ANY (ARRAY[a, b])`, PostgreSQL's spelling of IN in catalog dumps, as `x IN (a, b)`,
    which SQLite evaluates (it has no arrays)."""
    import sqlglot.expressions as exp

    def rewrite(node):
        if isinstance(node, exp.EQ) and isinstance(node.expression, exp.Any):
            values = node.expression.this
            while isinstance(values, exp.Paren):
                values = values.this
            if isinstance(values, exp.Array):
                return exp.In(this=node.this, expressions=values.expressions)
        return node

    return expression.copy().transform(rewrite)


def sqlite_create(table: Table, references: dict[str, Table], checks: list[str]) -> str:
    """CREATE TABLE with every constraint inline (SQLite cannot add them later)."""
    lines = [
        f"{quote(c.name)} {sqlite_type(c.type)}" + ("" if c.nullable else " NOT NULL")
        for c in table.columns
    ]
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(quote, table.primary_key))})")
    lines += [f"UNIQUE ({', '.join(map(quote, u))})" for u in table.uniques]
    lines += [f"CHECK ({text})" for text in checks]
    for fk in table.foreign_keys:
        parent = references.get(fk.ref_table)
        if parent is not None and fk.ref_unique:  # SQLite needs a key there too
            lines.append(
                f"FOREIGN KEY ({', '.join(map(quote, fk.columns))}) REFERENCES "
                f"{quote(sqlite_table_name(parent))} ({', '.join(map(quote, fk.ref_columns))})"
            )
    return f"CREATE TABLE {quote(sqlite_table_name(table))} (\n  " + ",\n  ".join(lines) + "\n)"


def sqlite_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Values the sqlite3 module binds without adapters (which Python 3.12 deprecates):
    decimals, dates and times as ISO text, intervals and arrays in PostgreSQL's text form (as
    the SQL export writes them for every dialect); NaN becomes NULL, as SQLite stores it."""
    from datagen_assets.write.postgres import to_copy_text

    exprs = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Decimal) or dtype == pl.Date:
            exprs.append(column.cast(pl.String))
        elif dtype == pl.Time:
            exprs.append(column.dt.to_string("%H:%M:%S%.f"))  # a plain cast drops the fraction
        elif isinstance(dtype, pl.Datetime):
            pattern = "%Y-%m-%d %H:%M:%S%.f" + ("%:z" if dtype.time_zone else "")
            exprs.append(column.dt.to_string(pattern))
        elif dtype == pl.Duration or isinstance(dtype, pl.List):
            exprs.append(to_copy_text(frame.select(name)).to_series().alias(name))
        elif dtype.is_float():
            exprs.append(pl.when(column.is_nan()).then(None).otherwise(column).alias(name))
        else:
            exprs.append(column)
    return frame.select(exprs)

"""Load generated frames into PostgreSQL with COPY, in the text forms PostgreSQL parses.

COPY streams a chunk as one CSV buffer written by polars (no Python loop per row); NULL is
written as `\\N` so it never collides with an empty string. Types whose polars CSV rendering
PostgreSQL cannot read (intervals, bytea, arrays) are rendered to PostgreSQL's own text
form first, column at a time.
"""

from __future__ import annotations

import io

import polars as pl
from psycopg import Connection, sql

from datagen_assets.schema.model import Table

NULL = r"\N"


def qualified_name(table: Table) -> sql.Composable:
    if table.schema:
        return sql.SQL(".").join([sql.Identifier(table.schema), sql.Identifier(table.name)])
    return sql.Identifier(table.name)


def to_copy_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Render columns whose CSV form PostgreSQL would reject."""
    exprs = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Duration:
            exprs.append(
                (column.dt.total_microseconds().cast(pl.String) + " microseconds").alias(name)
            )
        elif dtype == pl.Binary:
            exprs.append(("\\x" + column.bin.encode("hex")).alias(name))
        elif isinstance(dtype, pl.List):
            # PostgreSQL array literal: elements double-quoted with \ and " escaped, NULL bare
            element = pl.element().cast(pl.String)
            quoted = (
                '"'
                + element.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
                    '"', '\\"', literal=True
                )
                + '"'
            )
            inner = column.list.eval(
                pl.when(element.is_null()).then(pl.lit("NULL")).otherwise(quoted)
            )
            exprs.append(("{" + inner.list.join(",") + "}").alias(name))
        else:
            exprs.append(column)
    return frame.select(exprs)


def copy_frame(connection: Connection, table: Table, frame: pl.DataFrame) -> int:
    """COPY one frame into `table`; returns the rows written. The caller owns the
    transaction, so a failure leaves the table as it was."""
    buffer = io.BytesIO()
    to_copy_text(frame).write_csv(buffer, include_header=False, null_value=NULL)
    columns = sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL {})").format(
        qualified_name(table), columns, sql.Literal(NULL)
    )
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(buffer.getvalue())
    return frame.height

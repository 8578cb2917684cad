"""Edge cases: values the database accepts but application code often breaks on.

`edge_case_pct` replaces that share of a column's cells with picks from the column type's edge
pool below: boundary numbers, empty and max-length strings, unicode (accents, CJK, RTL, emoji,
combining marks), quotes and SQL-special characters, padding, leap days, the epoch, DST
transitions, far past and future, NaN and infinities where the type has them. Which cells are
edge cases is a pure function of (seed, table, column, row) like everything else, so
`edge_case_mask` can say afterwards which cells were replaced without storing anything.
Values pass through the column's usual conformance afterwards (length, precision, CHECK
ranges), so an edge case never breaks a constraint.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from datagen_assets.generate import random as rnd
from datagen_assets.generate.dtypes import INTEGER_BOUNDS, numeric_limit, numeric_precision
from datagen_assets.schema.model import ColumnType, TypeKind

TEXT_EDGES = (
    "",
    " ",
    "  padded  ",
    "O'Brien",
    'say "hi"',
    "Robert'); DROP TABLE students;--",
    "50% off_now \\ back\\slash",
    "line one\nline two",
    "tab\tseparated",
    "Zoë Ångström-Łukasz",
    "東京都渋谷区",
    "مرحبا بالعالم",
    "שלום",
    "👩‍💻🚀✨",
    "e\u0301te\u0301",  # combining acute accents
    "NULL",
    "null",
    "<script>alert(1)</script>",
)
DATE_EDGES = (
    dt.date(1970, 1, 1),
    dt.date(2000, 2, 29),
    dt.date(2024, 2, 29),
    dt.date(1000, 1, 1),
    dt.date(9999, 12, 31),
    dt.date(1999, 12, 31),
)
TIMESTAMP_EDGES = (
    dt.datetime(1970, 1, 1),
    dt.datetime(2024, 2, 29, 12, 0),
    dt.datetime(2025, 3, 9, 2, 30),  # does not exist in US time zones (spring forward)
    dt.datetime(2025, 11, 2, 1, 30),  # happens twice in US time zones (fall back)
    dt.datetime(2025, 3, 30, 2, 30),  # the same in the EU
    dt.datetime(1999, 12, 31, 23, 59, 59),
    dt.datetime(2038, 1, 19, 3, 14, 8),  # one second past 32-bit time_t
    dt.datetime(1000, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59, 59),
)
TIME_EDGES = (dt.time(0, 0), dt.time(23, 59, 59, 999999), dt.time(12, 0))
INTERVAL_EDGES = (dt.timedelta(0), dt.timedelta(microseconds=1), dt.timedelta(days=3650))
JSON_EDGES = (
    "{}",
    "[]",
    "null",
    '{"emoji": "🚀", "quote": "\\"", "nested": {"a": [1, 2]}}',
    '{"big": 9007199254740993}',
)


def edge_pool(column_type: ColumnType, dtype: pl.DataType) -> pl.Series | None:
    """The edge values of a type, already in the column's dtype (None: nothing to inject)."""
    kind = column_type.kind
    if column_type.array or kind in (TypeKind.BOOLEAN, TypeKind.ENUM, TypeKind.UUID):
        return None
    if kind in INTEGER_BOUNDS:
        low, high = INTEGER_BOUNDS[kind]
        return pl.Series([low, high, 0, -1, 1], dtype=dtype)
    if kind in (TypeKind.NUMERIC, TypeKind.MONEY):
        limit = numeric_limit(column_type)
        _, scale = numeric_precision(column_type)
        step = 10.0**-scale
        return pl.Series([limit, -limit, 0.0, step, -step]).round(scale).cast(dtype)
    if kind in (TypeKind.REAL, TypeKind.DOUBLE):
        big = 3.4e38 if kind == TypeKind.REAL else 1.7e308
        return pl.Series(
            [float("nan"), float("inf"), float("-inf"), 0.0, -0.0, big, -big, 1e-30]
        ).cast(dtype)
    if kind in (TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR):
        values = list(TEXT_EDGES)
        if column_type.length:
            values += ["x" * column_type.length, "é" * column_type.length]
        else:
            values.append("long " * 2000)
        return pl.Series(values, dtype=pl.String)
    if kind == TypeKind.DATE:
        return pl.Series(DATE_EDGES, dtype=pl.Date)
    if kind in (TypeKind.TIMESTAMP, TypeKind.TIMESTAMPTZ):
        values = pl.Series(TIMESTAMP_EDGES, dtype=pl.Datetime("us"))
        return values.dt.replace_time_zone("UTC") if kind == TypeKind.TIMESTAMPTZ else values
    if kind == TypeKind.TIME:
        return pl.Series(TIME_EDGES, dtype=pl.Time)
    if kind == TypeKind.INTERVAL:
        return pl.Series(INTERVAL_EDGES, dtype=pl.Duration("us"))
    if kind == TypeKind.JSON:
        return pl.Series(JSON_EDGES, dtype=pl.String)
    if kind == TypeKind.BYTES:
        return pl.Series([b"", b"\x00", b"\x00\xff\x7f\x80"], dtype=pl.Binary)
    return None


def edge_case_mask(key: int, rows: np.ndarray, fraction: float) -> np.ndarray:
    """Rows of a column that carry an edge case (a pure function of the column's key)."""
    return rnd.uniform(rnd.stream_key(key, "edge"), rows) < fraction


def inject(
    values: pl.Series, pool: pl.Series, key: int, rows: np.ndarray, fraction: float
) -> pl.Series:
    """Replace the masked cells with picks from the pool (same dtype as the pool)."""
    mask = edge_case_mask(key, rows, fraction)
    if not mask.any():
        return values.cast(pool.dtype) if values.dtype != pool.dtype else values
    picks = pool.gather(rnd.indexes(rnd.stream_key(key, "edge-pick"), rows, len(pool)))
    base = values.cast(pool.dtype) if values.dtype != pool.dtype else values
    return pl.select(pl.when(pl.Series(mask)).then(picks).otherwise(base)).to_series()

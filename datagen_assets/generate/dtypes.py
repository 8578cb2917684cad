"""Logical column types -> polars dtypes and the value bounds generation must respect."""

from __future__ import annotations

import polars as pl

from datagen_assets.schema.model import ColumnType, TypeKind

_SIMPLE: dict[TypeKind, pl.DataType] = {
    TypeKind.SMALLINT: pl.Int16(),
    TypeKind.INTEGER: pl.Int32(),
    TypeKind.BIGINT: pl.Int64(),
    TypeKind.REAL: pl.Float32(),
    TypeKind.DOUBLE: pl.Float64(),
    TypeKind.MONEY: pl.Decimal(19, 2),
    TypeKind.TEXT: pl.String(),
    TypeKind.VARCHAR: pl.String(),
    TypeKind.CHAR: pl.String(),
    TypeKind.BOOLEAN: pl.Boolean(),
    TypeKind.DATE: pl.Date(),
    TypeKind.TIME: pl.Time(),
    TypeKind.TIMESTAMP: pl.Datetime("us"),
    TypeKind.TIMESTAMPTZ: pl.Datetime("us", "UTC"),
    TypeKind.INTERVAL: pl.Duration("us"),
    TypeKind.UUID: pl.String(),
    TypeKind.JSON: pl.String(),
    TypeKind.BYTES: pl.Binary(),
    TypeKind.INET: pl.String(),
    TypeKind.POINT: pl.String(),
    TypeKind.XML: pl.String(),
    TypeKind.ENUM: pl.String(),
    TypeKind.RANGE: pl.String(),
    TypeKind.BITS: pl.String(),
    TypeKind.GEOMETRY: pl.String(),
    TypeKind.TSVECTOR: pl.String(),
    TypeKind.TSQUERY: pl.String(),
    TypeKind.UNKNOWN: pl.String(),
}

INTEGER_BOUNDS = {
    TypeKind.SMALLINT: (-(2**15), 2**15 - 1),
    TypeKind.INTEGER: (-(2**31), 2**31 - 1),
    TypeKind.BIGINT: (-(2**63), 2**63 - 1),
}

DEFAULT_NUMERIC = (18, 2)  # NUMERIC without precision: room enough, cents


def numeric_precision(column_type: ColumnType) -> tuple[int, int]:
    """The Decimal (precision, scale) holding every value the declared type does. PostgreSQL
    15 accepts a scale above the precision (`numeric(3, 7)`: values below 0.0001) and a
    negative one (`numeric(3, -2)`: 99,900 at most), polars only 0 <= scale <= precision
    <= 38: widen the precision to cover them; `numeric_limit` keeps to the declared range."""
    if column_type.precision is None:
        return DEFAULT_NUMERIC
    declared, scale = min(column_type.precision, 38), column_type.scale or 0
    kept_scale = min(max(scale, 0), 38)
    return min(max(declared - min(scale, 0), kept_scale, 1), 38), kept_scale


def polars_dtype(column_type: ColumnType) -> pl.DataType:
    """The dtype a generated column has in frames and Parquet."""
    if column_type.kind == TypeKind.NUMERIC:
        dtype: pl.DataType = pl.Decimal(*numeric_precision(column_type))
    else:
        dtype = _SIMPLE[column_type.kind]
    return pl.List(dtype) if column_type.array else dtype


def numeric_limit(column_type: ColumnType) -> float:
    """Largest absolute value a NUMERIC/MONEY column can hold."""
    if column_type.kind == TypeKind.MONEY:
        return 10.0**15
    if column_type.precision is None:
        precision, scale = DEFAULT_NUMERIC
    else:
        precision, scale = min(column_type.precision, 38), column_type.scale or 0
    return 10.0 ** (precision - scale) - 10.0 ** -max(scale, 0)

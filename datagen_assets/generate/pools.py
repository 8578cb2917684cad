"""Value pools built once from Faker, then indexed by vectors.

Calling Faker per value is the slow path every seed tool falls into; here Faker runs a fixed
number of times per (locale, provider, seed, size) and generation only gathers from the
resulting polars Series. Pools are deterministic for a given Faker version: the version is
part of the dataset's provenance (see `pool_provenance`).
"""

from __future__ import annotations

from functools import lru_cache

import faker
import polars as pl

DEFAULT_POOL_SIZE = 2000
DEFAULT_LOCALE = "en_US"


@lru_cache(maxsize=512)
def faker_pool(provider: str, locale: str = DEFAULT_LOCALE, size: int = DEFAULT_POOL_SIZE,
               seed: int = 0) -> pl.Series:
    """`size` values of a Faker provider (e.g. "first_name", "city"), as a String Series."""
    fake = faker.Faker(locale)
    fake.seed_instance(seed)
    method = getattr(fake, provider, None)
    if method is None or not callable(method):
        raise ValueError(f"Faker has no provider {provider!r} for locale {locale}")
    values = [str(method()) for _ in range(size)]
    return pl.Series(provider, values, dtype=pl.String)


def has_provider(provider: str, locale: str = DEFAULT_LOCALE) -> bool:
    return callable(getattr(_probe(locale), provider, None))


@lru_cache(maxsize=32)
def _probe(locale: str) -> faker.Faker:
    return faker.Faker(locale)


def pool_provenance() -> dict[str, str]:
    """What the pools' content depends on besides the seed."""
    return {"faker": faker.VERSION}

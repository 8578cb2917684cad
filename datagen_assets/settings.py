"""Process-wide settings read from the environment, so automation can steer a run without
editing files. Every variable has an embedded default: a newcomer sets nothing."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

SCHEMAS_DIR_VAR = "DATAGEN_SCHEMAS_DIR"
STORAGE_URL_VAR = "DATAGEN_STORAGE_URL"
ROWS_VAR = "DATAGEN_ROWS"
SEED_VAR = "DATAGEN_SEED"
SCALE_VAR = "DATAGEN_SCALE"
CACHE_DIR_VAR = "DATAGEN_CACHE_DIR"


def cache_dir() -> Path:
    """Where DataGen keeps what it can always rebuild: Faker value pools and parsed schemas.
    Deleting it is safe; it only costs the next run the time to rebuild."""
    configured = os.environ.get(CACHE_DIR_VAR)
    return Path(configured) if configured else Path.home() / ".cache" / "datagen"


@dataclass(frozen=True)
class Settings:
    """`rows`, `seed` and `scale` override what dataset configs leave unset (rows, scale) or
    set (seed), as documented in the README."""

    schemas_dir: Path = Path("schemas")
    storage_url: str = "./data"
    rows: int | None = None
    seed: int | None = None
    scale: float | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        problems = []

        def number(var: str, kind: type):
            raw = env.get(var)
            if raw in (None, ""):
                return None
            try:
                value = kind(raw)
            except ValueError:
                problems.append(f"{var}={raw!r} is not a valid {kind.__name__}")
                return None
            if not math.isfinite(value):
                problems.append(f"{var}={raw!r} must be a finite number")
                return None
            if value < 0:
                problems.append(f"{var}={raw!r} must not be negative")
            return value

        storage_url = env.get(STORAGE_URL_VAR) or "./data"
        if _has_credentials(storage_url):
            # The URL is recorded in Dagster's job snapshots, metadata and logs.
            problems.append(
                f"{STORAGE_URL_VAR} must not carry credentials (user:password@); give them "
                "through the storage's own variables (e.g. AWS_ACCESS_KEY_ID, "
                "AWS_SECRET_ACCESS_KEY)"
            )
        problem = None if _has_credentials(storage_url) else _storage_problem(storage_url)
        if problem:  # a URL with credentials is refused above without being echoed
            problems.append(problem)
        settings = cls(
            schemas_dir=Path(env.get(SCHEMAS_DIR_VAR) or "schemas"),
            storage_url=storage_url,
            rows=number(ROWS_VAR, int),
            seed=number(SEED_VAR, int),
            scale=number(SCALE_VAR, float),
        )
        if problems:
            raise ValueError("invalid environment: " + "; ".join(problems))
        return settings


def _storage_problem(url: str) -> str | None:
    """Why a storage URL cannot be used (an unknown scheme, a filesystem whose package is
    missing), or None; found here so no command gets as far as a traceback."""
    from fsspec.core import split_protocol
    from fsspec.registry import get_filesystem_class

    protocol, path = split_protocol(url)
    if protocol is None and "://" in url:  # `://x`: a URL without its scheme, no folder name
        return f"{STORAGE_URL_VAR}={url!r}: unusable storage (no scheme before ://)"
    if protocol in (None, "file", "local"):
        return None
    try:
        get_filesystem_class(protocol)
    except (ValueError, ImportError) as error:
        return f"{STORAGE_URL_VAR}={url!r}: unusable storage ({error})"
    if protocol != "memory" and not path.strip("/"):  # `s3://`: no bucket (host) named
        return (
            f"{STORAGE_URL_VAR}={url!r}: unusable storage (no bucket or host after {protocol}://)"
        )
    return None


def _has_credentials(url: str) -> bool:
    """`scheme://user:password@...` (a bare `user@` names no secret and is allowed)."""
    if "://" not in url:
        return False
    authority = url.split("://", 1)[1].split("/", 1)[0]
    return "@" in authority and ":" in authority.rsplit("@", 1)[0]

"""Which Dagster instance `datagen` runs on: SQLite under DAGSTER_HOME unless `DAGSTER_PG_URL`
names a PostgreSQL database.

Dagster's `dagster.yaml` cannot branch on the environment, so the branch happens when the CLI
seeds DAGSTER_HOME: `instance_yaml_for_env()` is the repo's `dagster.yaml` (SQLite) when
`DAGSTER_PG_URL` is unset, otherwise a PostgreSQL storage block written from the URL.

Why the PostgreSQL block is written out field by field (`postgres_db`) and not as
`postgres_url: {env: DAGSTER_PG_URL}`:

- dagster-postgres goes through SQLAlchemy, and SQLAlchemy 2.1 maps a bare `postgresql://` to
  psycopg 3, on which dagster-postgres breaks (`NOTIFY run_events, $1` is rejected: psycopg 3
  binds parameters server-side). The driver must be psycopg2, i.e. `scheme: postgresql+psycopg2`,
  whatever scheme the user wrote.
- The password is never written to disk: when the URL has one, the file says
  `password: {env: DAGSTER_PG_PASSWORD}` and the CLI exports that variable for its own process
  (set it yourself for `dagster dev`; without a password libpq falls back to PGPASSWORD/.pgpass).

A file datagen wrote (the SQLite default, or one carrying `MANAGED_MARKER`) is rewritten when
the environment asks for something else, so setting or changing DAGSTER_PG_URL takes effect on
the next `datagen` command. A file someone wrote by hand is never touched; a mismatch only warns.
Deployments that set the connection in separate variables use `docker/dagster.postgres.yaml`.
"""

from __future__ import annotations

import ipaddress
import os
import uuid
import warnings
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

from datagen_assets.yaml_text import load_yaml

PG_URL_VAR = "DAGSTER_PG_URL"
PG_PASSWORD_VAR = "DAGSTER_PG_PASSWORD"
PG_SCHEME = "postgresql+psycopg2"  # dagster-postgres needs psycopg2 (see the module docstring)
ACCEPTED_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg")
MANAGED_MARKER = "# datagen-managed: written from DAGSTER_PG_URL"
INSTANCE_FILE = "dagster.yaml"

REPO = Path(__file__).resolve().parents[2]
SQLITE_YAML = REPO / "dagster.yaml"
POSTGRES_YAML = REPO / "docker" / "dagster.postgres.yaml"

# Used when the package runs without the repo beside it (a wheel); same content as dagster.yaml.
_SQLITE_FALLBACK = """\
storage:
  custom:
    module: datagen_assets.orchestrate.sqlite_storage
    class: PooledSqliteStorage
    config:
      base_dir:
        env: DAGSTER_HOME

telemetry:
  enabled: false
"""
# The storage block datagen wrote before `PooledSqliteStorage` (same files): a DAGSTER_HOME
# seeded with it is still datagen's, and is upgraded.
_PREVIOUS_SQLITE_STORAGE = {"sqlite": {"base_dir": {"env": "DAGSTER_HOME"}}}


def postgres_db_config(url: str) -> dict[str, Any]:
    """The `postgres_db` block of dagster-postgres for a `postgresql://user[:pw]@host[:port]/db
    [?params]` URL, with the psycopg2 scheme and the password replaced by an env reference.
    Raises ValueError saying what is wrong with the URL."""
    parts = urlsplit(url)
    if parts.scheme not in ACCEPTED_SCHEMES:
        raise ValueError(
            f"{PG_URL_VAR} must be a postgresql:// URL, got scheme {parts.scheme!r} "
            f"(accepted: {', '.join(ACCEPTED_SCHEMES)})"
        )
    try:
        port = parts.port or 5432
    except ValueError as error:
        raise ValueError(f"{PG_URL_VAR} has an invalid port: {error}") from None
    db_name = unquote(parts.path.lstrip("/"))
    if not parts.username or not db_name:
        raise ValueError(
            f"{PG_URL_VAR} must name a user and a database: postgresql://USER@HOST:PORT/DATABASE"
        )
    hostname = parts.hostname or ""
    if _is_ipv6(hostname):
        hostname = f"[{hostname}]"  # dagster-postgres puts it between '@' and ':port' as is
    config: dict[str, Any] = {
        "username": unquote(parts.username),
        "hostname": hostname,
        "port": port,
        "db_name": db_name,
        "scheme": PG_SCHEME,
    }
    if parts.password is not None:
        config["password"] = {"env": PG_PASSWORD_VAR}
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if params:
        config["params"] = params
    return config


def pg_password(url: str) -> str | None:
    """The password in the URL, if any (what DAGSTER_PG_PASSWORD must hold)."""
    password = urlsplit(url).password
    return unquote(password) if password is not None else None


def instance_yaml_for_env(env: Mapping[str, str] | None = None) -> str:
    """The text of DAGSTER_HOME/dagster.yaml for this environment: the repo's SQLite default, or
    PostgreSQL storage when DAGSTER_PG_URL is set."""
    env = os.environ if env is None else env
    url = env.get(PG_URL_VAR, "").strip()
    if not url:
        return SQLITE_YAML.read_text() if SQLITE_YAML.exists() else _SQLITE_FALLBACK
    body = {
        "storage": {"postgres": {"postgres_db": postgres_db_config(url)}},
        "telemetry": {"enabled": False},
    }
    header = (
        f"{MANAGED_MARKER}\n"
        "# Dagster instance on PostgreSQL, written by `datagen` because DAGSTER_PG_URL is set.\n"
        "# datagen rewrites this file when DAGSTER_PG_URL changes or is unset; remove the first\n"
        "# line to keep it as is. The password, if any, comes from DAGSTER_PG_PASSWORD.\n"
    )
    return header + yaml.safe_dump(body, sort_keys=False)


def is_managed(text: str) -> bool:
    """A file datagen wrote: the SQLite default (by content, comments aside; this version's or
    the previous one's) or a generated PostgreSQL file (by its first line)."""
    if text.startswith(MANAGED_MARKER):
        return True
    try:
        found, default = load_yaml(text), load_yaml(instance_yaml_for_env({}))
    except yaml.YAMLError:
        return False
    return found == default or found == {**default, "storage": _PREVIOUS_SQLITE_STORAGE}


def seed_dagster_home(home: Path, env: MutableMapping[str, str] | None = None) -> Path:
    """Create `home` and make its dagster.yaml the one this environment asks for (see the module
    docstring); export DAGSTER_PG_PASSWORD from the URL into `env` (default: this process's
    environment). Returns the instance file."""
    env = os.environ if env is None else env
    wanted = instance_yaml_for_env(env)
    home.mkdir(parents=True, exist_ok=True)
    target = home / INSTANCE_FILE
    if not target.exists():
        _write_atomic(target, wanted)
    else:
        existing = target.read_text()
        if is_managed(existing):
            if load_yaml(existing) != load_yaml(wanted):
                _write_atomic(target, wanted)
        elif env.get(PG_URL_VAR, "").strip() and not _uses_postgres(existing):
            warnings.warn(
                f"{PG_URL_VAR} is set but {target} (not written by datagen) has no PostgreSQL "
                "storage; it is left as is and Dagster uses what it says",
                stacklevel=2,
            )
    url = env.get(PG_URL_VAR, "").strip()
    if url:
        password = pg_password(url)
        if password is not None:
            env[PG_PASSWORD_VAR] = password
    return target


def _uses_postgres(text: str) -> bool:
    try:
        config = load_yaml(text)
    except yaml.YAMLError:
        return False
    storage = config.get("storage") if isinstance(config, dict) else None
    return isinstance(storage, dict) and "postgres" in storage


def _is_ipv6(host: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(host), ipaddress.IPv6Address)
    except ValueError:
        return False


def _write_atomic(path: Path, text: str) -> None:
    """Never leave a half-written instance file (a concurrent `dagster dev` may read it)."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_text(text)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()

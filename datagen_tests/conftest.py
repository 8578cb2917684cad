"""Shared fixtures: the public reference schemas and the real PostgreSQL server."""

from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_SCHEMAS = REPO.parent / "shared" / "schemas"
POSTGRES_URL = os.environ.get("DATAGEN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def shared_schemas() -> Path:
    """The reference schemas folder; skipped with a reason when absent, but never under CI."""
    if not SHARED_SCHEMAS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED_SCHEMAS} is missing under CI")
        pytest.skip(f"{SHARED_SCHEMAS} is absent (reference schemas live beside the repo)")
    return SHARED_SCHEMAS


@pytest.fixture(scope="session")
def postgres_admin() -> psycopg.Connection:
    """An autocommit connection to the real server, for creating throwaway databases."""
    try:
        connection = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}")
    yield connection
    connection.close()


@pytest.fixture
def fresh_database(postgres_admin, request):
    """Create an empty database named after the test, yield its URL, drop it afterwards."""
    created = []

    def make(name: str) -> str:
        database = f"datagen_test_{os.getpid()}_{name}".lower()[:60]  # parallel runs coexist
        postgres_admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        postgres_admin.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        return POSTGRES_URL.rsplit("/", 1)[0] + "/" + database

    yield make
    for database in created:
        postgres_admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


# Variables that steer a run from outside; a test project starts without them.
STEERING_VARS = (
    "DATAGEN_ROWS",
    "DATAGEN_SEED",
    "DATAGEN_SCALE",
    "DAGSTER_PG_URL",
    "DATAGEN_REQUESTS_INBOX",
    "DATAGEN_REQUESTS_SENSOR_INTERVAL",
    "DATAGEN_EXECUTOR",
)


def make_project(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ddl: str,
    config: str,
    *,
    name: str = "tiny",
    storage_url: str | None = None,
) -> Path:
    """A schemas folder holding one dataset (`<name>.sql` + `<name>.yaml`), storage and
    DAGSTER_HOME under `tmp_path`, and none of the variables that would steer it; returns the
    schemas folder."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / f"{name}.sql").write_text(ddl)
    (schemas / f"{name}.yaml").write_text(config)
    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(schemas))
    monkeypatch.setenv("DATAGEN_STORAGE_URL", storage_url or str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    for var in STEERING_VARS:
        monkeypatch.delenv(var, raising=False)
    return schemas

"""The replayed catalog is the catalog PostgreSQL ends with (issue 12's "Direction").

Each PostgreSQL file of ../shared (migrations, pg_dump output, installer scripts) is applied to
a scratch database with psql, read back with DataGen's own introspection
(`schema.introspect.snapshot_postgres`, whose DDL `parse_ddl` reads), and compared with what
the importer's replay of the original file holds: the same tables, columns (in order), NOT
NULL, primary keys, UNIQUE keys, foreign keys and the columns each CHECK reads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from datagen_assets.schema.ddl import load_ddl, parse_ddl
from datagen_assets.schema.introspect import snapshot_postgres
from datagen_assets.schema.model import Schema, Table
from datagen_tests.conftest import POSTGRES_URL, REPO

SHARED = REPO.parent / "shared"
FILES = sorted(
    [*(SHARED / "schemas").glob("*.postgres.sql"), *(SHARED / "corpus").glob("*.postgres.sql")]
)


def _key(table: Table) -> str:
    """`public.x` and `x` are one table."""
    return table.name if table.schema in (None, "public") else table.key


def _ref(key: str) -> str:
    return key.removeprefix("public.")


def catalog(schema: Schema) -> dict[str, dict]:
    """What must agree, per table, in a form that compares across the two readings."""
    result = {}
    for table in schema.tables.values():
        unique_sets = {frozenset(u) for u in table.uniques}
        unique_sets |= {frozenset(ix.columns) for ix in table.unique_indexes if not ix.where}
        unique_sets.discard(frozenset(table.primary_key))
        result[_key(table)] = {
            "columns": list(table.column_names),
            "not_null": sorted(c.name for c in table.columns if not c.nullable),
            "primary_key": sorted(table.primary_key),
            "uniques": sorted(sorted(u) for u in unique_sets),
            "foreign_keys": sorted(
                (list(fk.columns), _ref(fk.ref_table), list(fk.ref_columns))
                for fk in table.foreign_keys
            ),
            "checks": sorted(sorted(c.columns) for c in table.checks),
        }
    return result


def differences(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    found = [f"table {t} only in the database" for t in expected.keys() - actual.keys()]
    found += [f"table {t} only in the replay" for t in actual.keys() - expected.keys()]
    for table in sorted(expected.keys() & actual.keys()):
        for part, value in expected[table].items():
            if actual[table][part] != value:
                found.append(f"{table} {part}: database {value} != replay {actual[table][part]}")
    return found


def apply(path: Path, url: str) -> None:
    """psql -f, stopping at the first error; commits need not wait for the disk (a scratch
    database), which makes migration files of hundreds of statements several times faster."""
    environment = {**os.environ, "PGOPTIONS": "-c synchronous_commit=off"}
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=120,
        env=environment,
    )


def compared(path: Path, url: str) -> list[str]:
    """Apply the file to the empty database at `url`; the catalog differences."""
    apply(path, url)
    database = parse_ddl(snapshot_postgres(url), "postgres", source="snapshot")
    return differences(catalog(database), catalog(load_ddl(path)))


@pytest.fixture(scope="module")
def psql() -> str:
    found = shutil.which("psql")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("psql is required under CI")
        pytest.skip("psql is not installed")
    return found


# Empties a scratch database between files: every schema with what it holds (tables, types,
# extensions), then a fresh `public`. Cheaper than a new database on a busy server.
_RESET = """
DO $$ DECLARE s text; BEGIN
  FOR s IN SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog',
      'information_schema', 'pg_toast') AND nspname NOT LIKE 'pg\\_temp\\_%'
      AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%' LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
  CREATE SCHEMA public;
END $$;
"""
WORKERS = 3


@pytest.fixture(scope="module")
def corpus_results(psql, postgres_admin) -> dict[str, list[str] | BaseException]:
    """Every file compared at once on three scratch databases, each emptied between files
    (the time is the server's DDL work, which runs in parallel)."""
    databases = [f"datagen_test_{os.getpid()}_replay_{i}" for i in range(WORKERS)]
    for database in databases:
        postgres_admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        postgres_admin.execute(f'CREATE DATABASE "{database}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]

    def run(worker: int) -> dict[str, list[str] | BaseException]:
        url, results = f"{base}/{databases[worker]}", {}
        for path in FILES[worker::WORKERS]:
            try:
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute(_RESET)
                results[path.name] = compared(path, url)
            except Exception as error:  # reported by the file's own test
                results[path.name] = error
        return results

    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            merged: dict[str, list[str] | BaseException] = {}
            for results in pool.map(run, range(WORKERS)):
                merged.update(results)
            yield merged
    finally:
        for database in databases:
            postgres_admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.mark.parametrize("path", FILES or [None], ids=lambda p: p.name if p else "absent")
def test_replay_matches_what_postgres_holds(path, corpus_results) -> None:
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} is missing under CI")
        pytest.skip(f"{SHARED} is absent (the corpus lives beside the repo)")
    result = corpus_results[path.name]
    if isinstance(result, BaseException):
        raise result
    assert result == []


def test_inline_migration_matches_postgres(psql, fresh_database, tmp_path) -> None:
    """A few lines exercising each replayed form, so the rule holds without the corpus."""
    path = tmp_path / "migrations.postgres.sql"
    path.write_text("""
CREATE SCHEMA app;
SET search_path = app, public;
CREATE TABLE events (build_id int NOT NULL, event_id int, CHECK (event_id > 0),
                     PRIMARY KEY (build_id, event_id));
CREATE TABLE check_events () INHERITS (events);
CREATE TABLE copy (LIKE events INCLUDING ALL, note text);
CREATE TABLE client (id varchar(64) PRIMARY KEY, nid uuid, UNIQUE (id, nid));
ALTER TABLE client DROP CONSTRAINT client_pkey;
ALTER TABLE client ADD pk SERIAL, ADD PRIMARY KEY (pk);
ALTER TABLE client RENAME pk TO pk_old;
ALTER TABLE client ADD COLUMN pk uuid;
CREATE TABLE token (id int, client_id varchar(64), nid uuid,
                    FOREIGN KEY (client_id, nid) REFERENCES client (id, nid));
ALTER TABLE token DROP COLUMN id;
ALTER TABLE token RENAME TO tokens;
CREATE TABLE pipes (id int PRIMARY KEY);
DROP TABLE pipes;
CREATE TABLE pipes (id text PRIMARY KEY, tokens_nid uuid);
CREATE TABLE sales (day date NOT NULL, qty int) PARTITION BY RANGE (day);
CREATE TABLE sales_2021 PARTITION OF sales FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
CREATE TABLE base (id int, note text);
CREATE TABLE child (extra int) INHERITS (base);
CREATE TABLE grandchild (note text NOT NULL) INHERITS (child);
ALTER TABLE base ADD COLUMN added int, ADD CHECK (id > 0), ALTER COLUMN id SET NOT NULL;
ALTER TABLE base RENAME note TO remark;
ALTER TABLE base DROP COLUMN added;
CREATE TABLE m (id bigint NOT NULL, day date NOT NULL) PARTITION BY RANGE (day);
CREATE TABLE m_2021 (id bigint NOT NULL, day date NOT NULL);
ALTER TABLE ONLY m ATTACH PARTITION m_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
CREATE TABLE u (id int NOT NULL, code text NOT NULL);
CREATE UNIQUE INDEX u_id_idx ON u (id);
ALTER TABLE ONLY u ADD CONSTRAINT u_pkey PRIMARY KEY USING INDEX u_id_idx;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'mood') THEN
    CREATE TABLE moods (id int PRIMARY KEY);
  END IF;
END $$;
""")
    url = fresh_database("replay_inline")
    apply(path, url)
    database = parse_ddl(snapshot_postgres(url), "postgres", source="snapshot")
    expected, actual = catalog(database), catalog(load_ddl(path))
    names = "events check_events copy client tokens pipes sales moods m u".split()
    names += ["base", "child", "grandchild"]
    assert set(actual) == {f"app.{name}" for name in names}
    assert actual["app.sales"]["checks"] == [["day"]]  # rows must find a partition
    assert differences(expected, actual) == []

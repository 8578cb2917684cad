"""Native loads of small inline schemas, one per rule a real schema broke: the ORIGINAL DDL run by
the engine's own client (`psql`, `mariadb`, `sqlite3`), then DataGen's INSERT export of that
dialect by the same client, the PostgreSQL/SQLite targets, and PostgreSQL through DataGen's
translation (pgdump export, target creating the tables); every foreign key verified after
from the database's own catalog (see `native.py`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.plan.plan import plan_dataset
from datagen_tests import native

ALL_LOADED = "every stage loads every row with no orphan"


def _plan(tmp_path: Path, ddl: str, dialect: str, rows: int = 40, name: str = "tiny"):
    path = tmp_path / f"{name}.{dialect}.sql"
    path.write_text(ddl)
    config = tmp_path / f"{name}.yaml"
    config.write_text(f"seed: 3\nrows: {rows}\nchunk_rows: 16\n")
    return path, plan_dataset(load_dataset(path, config))


def _loads(tmp_path: Path, ddl: str, dialect: str, rows: int = 40) -> dict[str, str | None]:
    path, plan = _plan(tmp_path, ddl, dialect, rows)
    work = tmp_path / "work"
    work.mkdir()
    return native.native_loads(path, plan, work)


@pytest.fixture(scope="module")
def mariadb():
    if not native.mariadb_available():
        if native.os.environ.get("CI"):
            pytest.fail("MariaDB at 127.0.0.1:3306 is required under CI")
        pytest.skip("MariaDB at 127.0.0.1:3306 is not reachable")


def _failures(results: dict[str, str | None]) -> dict[str, str]:
    return {stage: error for stage, error in results.items() if error is not None}


# ---------------------------------------------------------------------------- MySQL

MYSQL_TIMES = """
CREATE TABLE event (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  happened TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  noted DATETIME(6) NULL,
  payload LONGBLOB,
  digest BINARY(20),
  counter BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
"""


def test_mysql_timestamps_load_into_mariadb_without_offsets(tmp_path, mariadb):
    """MariaDB 10.11 rejects '2024-01-20 23:08:39.000000+00:00' in a DATETIME/TIMESTAMP; the
    export writes UTC without offset under SET time_zone = '+00:00', as mysqldump does."""
    results = _loads(tmp_path, MYSQL_TIMES, "mysql")
    assert not _failures(results), ALL_LOADED
    text = next((tmp_path / "work" / "my_insert").glob("*.mysql.sql")).read_text()
    assert "SET time_zone = '+00:00';" in text
    stamps = re.findall(r"'(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[^']*)'", text)
    assert stamps and not [s for s in stamps if "+" in s or s.endswith("Z")]


MYSQL_CYCLE = """
CREATE TABLE clusters (
  cluster_id BIGINT NOT NULL PRIMARY KEY,
  name VARCHAR(40) NOT NULL,
  upgrade_id BIGINT
);
CREATE TABLE upgrade (
  upgrade_id BIGINT NOT NULL PRIMARY KEY,
  cluster_id BIGINT NOT NULL,
  CONSTRAINT fk_upgrade_cluster FOREIGN KEY (cluster_id) REFERENCES clusters (cluster_id)
);
ALTER TABLE clusters ADD CONSTRAINT fk_clusters_upgrade FOREIGN KEY (upgrade_id)
  REFERENCES upgrade (upgrade_id);
"""


def test_mysql_fk_cycle_loads_as_mysqldump_does(tmp_path, mariadb):
    results = _loads(tmp_path, MYSQL_CYCLE, "mysql")
    assert not _failures(results), ALL_LOADED
    text = next((tmp_path / "work" / "my_insert").glob("*.mysql.sql")).read_text()
    assert "FOREIGN_KEY_CHECKS = 0" in text and "FOREIGN_KEY_CHECKS = @OLD" in text


def test_mysql_without_cycle_keeps_foreign_key_checks_on(tmp_path, mariadb):
    ddl = MYSQL_CYCLE.split("ALTER TABLE")[0]
    results = _loads(tmp_path, ddl, "mysql")
    assert not _failures(results), ALL_LOADED
    text = next((tmp_path / "work" / "my_insert").glob("*.mysql.sql")).read_text()
    assert "FOREIGN_KEY_CHECKS" not in text


def test_a_script_that_uses_its_own_database_runs_in_the_scratch_one(tmp_path, mariadb):
    ddl = "DROP DATABASE IF EXISTS dg_never;\nCREATE DATABASE dg_never;\nUSE dg_never;\n"
    results = _loads(tmp_path, ddl + MYSQL_CYCLE, "mysql")
    assert not _failures(results), ALL_LOADED
    assert not native.mariadb_query(None, "SHOW DATABASES LIKE 'dg_never'")


# ---------------------------------------------------------------------------- PostgreSQL

PG_CYCLE = """
CREATE TABLE department (
  id integer PRIMARY KEY,
  name varchar(40) NOT NULL,
  head_id integer
);
CREATE TABLE person (
  id integer PRIMARY KEY,
  department_id integer NOT NULL REFERENCES department (id),
  mentor_id integer REFERENCES person (id)
);
ALTER TABLE department ADD CONSTRAINT department_head FOREIGN KEY (head_id) REFERENCES person (id);
"""


def test_postgres_fk_cycle_loads_into_keys_declared_not_deferrable(tmp_path):
    """The cycle's nullable key is inserted NULL and set by UPDATEs once both tables are in;
    the INSERT export and the target both load into the original DDL."""
    results = _loads(tmp_path, PG_CYCLE, "postgres", rows=60)
    assert not _failures(results), ALL_LOADED
    text = next((tmp_path / "work" / "pg_insert").glob("*.postgres.sql")).read_text()
    assert re.search(r'UPDATE "department" SET "head_id" = \d+ WHERE "id" = \d+;', text)


PG_NOT_NULL_CYCLE = """
CREATE TABLE store (store_id int PRIMARY KEY, manager_staff_id int NOT NULL);
CREATE TABLE staff (
  staff_id int PRIMARY KEY,
  store_id int NOT NULL REFERENCES store,
  boss_id int REFERENCES staff
);
CREATE TABLE payment (id int PRIMARY KEY, staff_id int NOT NULL REFERENCES staff);
ALTER TABLE store ADD FOREIGN KEY (manager_staff_id) REFERENCES staff;
"""


def test_postgres_not_null_fk_cycle_loads_in_one_statement(tmp_path):
    """pagila store <-> staff: both keys NOT NULL and not DEFERRABLE, so no order of separate
    statements holds them (SET CONSTRAINTS ALL DEFERRED does nothing for them). The cycle's
    rows go in through one statement (data-modifying CTEs: keys are checked at its end), in
    the INSERT export run by psql and in the target, into the original DDL."""
    results = _loads(tmp_path, PG_NOT_NULL_CYCLE, "postgres", rows=40)
    assert not _failures(results), ALL_LOADED
    assert {"psql insert", "pg target"} <= set(results)
    text = next((tmp_path / "work" / "pg_insert").glob("*.postgres.sql")).read_text()
    assert "SET CONSTRAINTS ALL DEFERRED" not in text
    assert re.search(r'WITH "\w+" AS \(INSERT INTO "(store|staff)"', text)


PG_BELOW_A_CYCLE = """
CREATE TABLE cache (
  id integer PRIMARY KEY,
  config_id integer
);
CREATE TABLE config (
  id integer PRIMARY KEY,
  cache_id integer REFERENCES cache (id)
);
ALTER TABLE cache ADD CONSTRAINT cache_config FOREIGN KEY (config_id) REFERENCES config (id);
CREATE TABLE alpha_uses (
  cache_id integer REFERENCES cache (id),
  config_id integer REFERENCES config (id)
);
CREATE TABLE events (id integer PRIMARY KEY, note text);
CREATE TABLE check_events () INHERITS (events);
"""


def test_a_keyless_table_below_an_fk_cycle_loads_after_its_parents(tmp_path):
    """concourse: a table without any key that references the tables of a cycle (first in
    name order) was taken for a cycle member and exported before its parents, and its keys,
    declared without DEFERRABLE, failed at its INSERT. Only an edge on the cycle is broken,
    and the table hangs below it. A child inheriting a table is counted apart from it."""
    path, plan = _plan(tmp_path, PG_BELOW_A_CYCLE, "postgres", rows=30)
    order = list(plan.tables)
    assert order.index("alpha_uses") > max(order.index("cache"), order.index("config"))
    work = tmp_path / "work"
    work.mkdir()
    assert not _failures(native.native_loads(path, plan, work)), ALL_LOADED


PG_SET_NULL_COLUMNS = """
CREATE TABLE tenant (id integer PRIMARY KEY);
CREATE TABLE folder (
  tenant_id integer NOT NULL REFERENCES tenant (id),
  id integer NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE TABLE doc (
  id integer PRIMARY KEY,
  tenant_id integer NOT NULL,
  folder_id integer,
  owner_folder integer,
  FOREIGN KEY (tenant_id, folder_id) REFERENCES folder ON DELETE SET NULL (folder_id)
);
ALTER TABLE doc ADD CONSTRAINT doc_owner FOREIGN KEY (tenant_id, owner_folder)
  REFERENCES folder (tenant_id, id) ON UPDATE CASCADE ON DELETE SET DEFAULT (owner_folder);
"""


def test_on_delete_set_null_with_a_column_list_keeps_the_foreign_key(tmp_path):
    """PostgreSQL 15 `ON DELETE SET NULL (col, ...)` was an unreadable element, and its foreign
    key was dropped: the rows loaded orphans. The list only says what a delete clears."""
    path, plan = _plan(tmp_path, PG_SET_NULL_COLUMNS, "postgres", rows=30)
    fks = {fk.columns: fk.ref_columns for fk in plan.table("doc").table.foreign_keys}
    assert fks == {
        ("tenant_id", "folder_id"): ("tenant_id", "id"),
        ("tenant_id", "owner_folder"): ("tenant_id", "id"),
    }
    work = tmp_path / "work"
    work.mkdir()
    assert not _failures(native.native_loads(path, plan, work)), ALL_LOADED


PG_TYPES_ELSEWHERE = """
CREATE DOMAIN uint AS bigint CHECK (VALUE >= 0 AND VALUE < 4294967296);
CREATE FUNCTION twice(x bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
CREATE TABLE metric (
  id uint PRIMARY KEY,
  reading uint NOT NULL,
  doubled bigint GENERATED ALWAYS AS (twice(reading)) STORED
);
"""


def test_pgdump_leaves_out_what_a_fresh_database_lacks(tmp_path):
    """A domain named like a sqlglot type (`uint`) and a generated column calling the schema's
    own function: the dump uses the base type and a plain column, so it loads into an empty
    database; the INSERT export still loads into the original DDL."""
    path, plan = _plan(tmp_path, PG_TYPES_ELSEWHERE, "postgres")
    work = tmp_path / "work"
    work.mkdir()
    dump = native._export(plan, native.MemorySource(plan), "pgdump", work)
    text = dump.read_text()
    assert '"id" bigint NOT NULL' in text and "GENERATED" not in text
    assert not _failures(native.native_loads(path, plan, work)), ALL_LOADED


MYSQL_TYPES_IN_PG = """
CREATE TABLE blobs (
  id INT UNSIGNED NOT NULL PRIMARY KEY,
  body LONGBLOB,
  small BLOB,
  digest BINARY(20) NOT NULL,
  big BIGINT UNSIGNED
);
"""
TSQL_TYPES_IN_PG = """
CREATE TABLE notes (
  id INT IDENTITY(1,1) PRIMARY KEY,
  body NVARCHAR(MAX),
  raw VARBINARY(MAX),
  done BIT NOT NULL
);
"""


@pytest.mark.parametrize(
    ("ddl", "dialect"), [(MYSQL_TYPES_IN_PG, "mysql"), (TSQL_TYPES_IN_PG, "tsql")]
)
def test_other_dialects_load_into_postgres_through_translation(tmp_path, ddl, dialect):
    """MySQL BLOB, INT UNSIGNED, BINARY(20) and T-SQL VARCHAR(MAX) are no PostgreSQL types:
    the dump and the target use the canonical PostgreSQL type of each kind."""
    path, plan = _plan(tmp_path, ddl, dialect)
    work = tmp_path / "work"
    work.mkdir()
    results = native.native_loads(path, plan, work)
    translated = {k: v for k, v in results.items() if k in ("pgdump", "pg target create")}
    assert translated and not _failures(translated), ALL_LOADED


# ---------------------------------------------------------------------------- SQLite

SQLITE_CYCLE = """
CREATE TABLE department (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  head_id INTEGER REFERENCES person (id)
);
CREATE TABLE person (
  id INTEGER PRIMARY KEY,
  department_id INTEGER NOT NULL REFERENCES department (id)
);
"""


def test_sqlite_fk_cycle_loads_with_foreign_keys_on(tmp_path):
    results = _loads(tmp_path, SQLITE_CYCLE, "sqlite")
    assert not _failures(results), ALL_LOADED
    text = next((tmp_path / "work" / "lite_insert").glob("*.sqlite.sql")).read_text()
    assert "PRAGMA defer_foreign_keys = ON;" in text


MYSQL_KEYS = """
CREATE TABLE host (
  id binary(20) NOT NULL,
  address_bin binary(4) DEFAULT NULL,
  address6_bin varbinary(16) DEFAULT NULL,
  short_key binary(2) NOT NULL,
  name varchar(255) NOT NULL,
  redundancy_group_id binary(20) DEFAULT NULL,
  service_id binary(20) DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_short (short_key),
  UNIQUE KEY uk_name (name(190)),
  CONSTRAINT ck_either CHECK (IF(redundancy_group_id IS NULL, service_id IS NOT NULL, 1) = 1)
) ENGINE=InnoDB;
"""


def test_mysql_binary_lengths_prefix_keys_and_integer_booleans(tmp_path, mariadb):
    """BINARY(n)/VARBINARY(n) values fit n bytes (unique ones stay distinct in two bytes), a
    prefix key `name(190)` is a unique key, and the CHECK's `IF(...) = 1` becomes
    `CASE ... END = TRUE` in PostgreSQL, which refuses boolean = integer."""
    path, plan = _plan(tmp_path, MYSQL_KEYS, "mysql", rows=300)
    table = plan.dataset.schema.tables["host"]
    assert ("name",) in table.uniques and ("short_key",) in table.uniques
    work = tmp_path / "work"
    work.mkdir()
    assert not _failures(native.native_loads(path, plan, work)), ALL_LOADED
    dump = next((work / "pgdump").glob("*.pgdump.sql")).read_text()
    assert "END = TRUE" in dump


ORACLE_CHECKS = """
CREATE TABLE ACT_RE_PROCDEF (
    ID_ NVARCHAR2(64) NOT NULL,
    HAS_START_FORM_KEY_ NUMBER(1,0) CHECK (HAS_START_FORM_KEY_ IN (1,0)),
    SUSPENSION_STATE_ INTEGER,
    primary key (ID_)
);
"""


def test_oracle_upper_case_columns_keep_their_checks_in_postgres(tmp_path):
    """An unquoted upper-case column in a CHECK must be quoted as CREATE TABLE quotes it."""
    results = _loads(tmp_path, ORACLE_CHECKS, "oracle")
    assert results and not _failures(results), ALL_LOADED
    dump = next((tmp_path / "work" / "pgdump").glob("*.pgdump.sql")).read_text()
    assert 'CHECK ("HAS_START_FORM_KEY_" IN (1, 0))' in dump


PG_EXTENSION_TYPE = """
CREATE EXTENSION IF NOT EXISTS cube;
CREATE TABLE release_color (
  id serial PRIMARY KEY,
  color cube,
  label text NOT NULL
);
"""


def test_a_nullable_column_of_an_unmodelled_type_stays_null(tmp_path):
    """`cube` is an extension's type DataGen cannot make values for: NULL loads, text not."""
    results = _loads(tmp_path, PG_EXTENSION_TYPE, "postgres")
    assert not _failures(results), ALL_LOADED


PG_TRIGGERS = """
CREATE SCHEMA app;
CREATE TABLE app.users (
  id serial PRIMARY KEY,
  username text NOT NULL UNIQUE,
  last_ip_address inet,
  ip_address inet
);
CREATE FUNCTION app.tg_users__queue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM graphile_worker.add_job('user_created', json_build_object('id', NEW.id));
  RETURN NEW;
END;
$$;
CREATE TRIGGER _500_queue AFTER INSERT ON app.users
  FOR EACH ROW EXECUTE PROCEDURE app.tg_users__queue();
CREATE TABLE app.emails (
  id serial PRIMARY KEY,
  user_id int NOT NULL REFERENCES app.users (id) DEFERRABLE INITIALLY DEFERRED,
  email text NOT NULL
);
"""


def test_application_triggers_stay_off_while_postgres_rows_load(tmp_path):
    """A trigger calling a schema the file does not create (a job queue) fails every insert;
    the load keeps triggers off as pg_dump does, foreign keys still enforced (a deferred one
    checked before triggers are turned back on, which ALTER TABLE needs). IP addresses by
    meaning are valid inet values."""
    results = _loads(tmp_path, PG_TRIGGERS, "postgres", rows=300)
    assert not _failures(results), ALL_LOADED
    text = next((tmp_path / "work" / "pg_insert").glob("*.postgres.sql")).read_text()
    assert 'ALTER TABLE "app"."users" DISABLE TRIGGER USER;' in text
    assert 'ALTER TABLE "app"."users" ENABLE TRIGGER USER;' in text


MYSQL_TINY_AUTO_INCREMENT = """
CREATE TABLE sites (
  id tinyint(4) NOT NULL auto_increment,
  galleries_url varchar(255) NOT NULL default '',
  PRIMARY KEY (id),
  UNIQUE KEY sites_ui1 (galleries_url)
) ENGINE=MyISAM;
"""


def test_a_tinyint_auto_increment_counts_from_one(tmp_path, mariadb):
    """piwigo sites at 300 rows: the tinyint AUTO_INCREMENT key was drawn over -128..127, and
    MariaDB took the inserted 0 as "the next value", a duplicate of 1. It counts from 1 now,
    capped at the 127 rows it holds."""
    path, plan = _plan(tmp_path, MYSQL_TINY_AUTO_INCREMENT, "mysql", rows=300)
    assert plan.table("sites").rows == 127
    work = tmp_path / "work"
    work.mkdir()
    assert not _failures(native.native_loads(path, plan, work)), ALL_LOADED

"""Loading datasets into databases (`write/targets.py`): the real PostgreSQL server (a fresh
database per test) and SQLite files. Each table mode, the early failure on a table that does
not fit, rollback of a table that fails midway, FK cycles, and every reference schema loaded
with all its constraints on."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import polars as pl
import psycopg
import pytest

from datagen_assets.dataset import load_dataset as read_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import DatasetPlan, plan_dataset
from datagen_assets.settings import Settings
from datagen_assets.write.exports import EngineSource, pg_ddl
from datagen_assets.write.sqlite import sqlite_frame
from datagen_assets.write.targets import (
    APPEND_ONLY,
    CREATE_IF_MISSING,
    TRUNCATE_THEN_INSERT,
    LoadError,
    TargetError,
    load_dataset,
    load_units,
    main,
    redact,
)
from datagen_tests import native
from datagen_tests.conftest import REPO, SHARED_SCHEMAS, shared_schemas

STAFF = """
CREATE TABLE departments (
    id         INTEGER     PRIMARY KEY,
    name       VARCHAR(40) NOT NULL UNIQUE,
    manager_id INTEGER
);
CREATE TABLE employees (
    id            SERIAL       PRIMARY KEY,
    department_id INTEGER      NOT NULL REFERENCES departments (id),
    email         VARCHAR(80)  UNIQUE,
    salary        NUMERIC(8,2) CHECK (salary > 0),
    hired         DATE         NOT NULL,
    boss_id       INTEGER      REFERENCES employees (id)
);
ALTER TABLE departments ADD FOREIGN KEY (manager_id) REFERENCES employees (id);
"""
STAFF_CONFIG = "seed: 5\nrows: 120\nchunk_rows: 50\n"
SHOP = REPO / "schemas" / "shop.sql"


def _plan(tmp_path: Path, ddl: str = STAFF, config: str = STAFF_CONFIG, name: str = "staff"):
    folder = tmp_path / "schemas"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.sql").write_text(ddl)
    (folder / f"{name}.yaml").write_text(config)
    return plan_dataset(read_dataset(folder / f"{name}.sql", folder / f"{name}.yaml"))


class Postgres:
    def __init__(self, url: str):
        self.url = url

    def rows(self, query: str) -> list[tuple]:
        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(query)
            return cursor.fetchall() if cursor.description else []

    def tables(self) -> set[str]:
        return {
            r[0]
            for r in self.rows(
                "SELECT tablename FROM pg_tables WHERE schemaname NOT IN "
                "('pg_catalog', 'information_schema')"
            )
        }


class Sqlite:
    def __init__(self, path: Path):
        self.url = str(path)

    def rows(self, query: str) -> list[tuple]:
        connection = sqlite3.connect(self.url, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            return connection.execute(query).fetchall()
        finally:
            connection.close()

    def tables(self) -> set[str]:
        return {r[0] for r in self.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.fixture(params=["postgres", "sqlite"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        return Sqlite(tmp_path / "target.db")
    fresh_database = request.getfixturevalue("fresh_database")
    return Postgres(fresh_database(f"targets_{uuid.uuid4().hex[:10]}"))


def _count(backend, table: str) -> int:
    return backend.rows(f'SELECT count(*) FROM "{table}"')[0][0]


class BreakingSource(EngineSource):
    """The engine, except that one chunk of one table holds a NULL in a NOT NULL column: the
    database rejects it after the table's earlier chunks went in."""

    def __init__(self, plan: DatasetPlan, table: str, chunk: int, column: str):
        super().__init__(plan)
        self.table, self.chunk, self.column = table, chunk, column

    def chunks(self, table, limit=None):
        for index, frame in enumerate(super().chunks(table, limit)):
            if table.key == self.table and index == self.chunk:
                frame = frame.with_columns(
                    pl.lit(None, frame[self.column].dtype).alias(self.column)
                )
            yield frame


# ---------------------------------------------------------------------------- planning


def test_fk_cycles_load_as_one_unit_parents_first(tmp_path):
    assert load_units(_plan(tmp_path), ["departments", "employees"]) == [
        ["departments", "employees"]
    ]
    shop = plan_dataset(read_dataset(SHOP, SHOP.with_suffix(".yaml")))
    assert load_units(shop, list(shop.tables)) == [[k] for k in shop.tables]
    assert load_units(shop, ["order_items", "customers"]) == [["customers"], ["order_items"]]


# ---------------------------------------------------------------------------- modes


def test_create_if_missing_builds_tables_with_every_constraint(backend, tmp_path):
    plan = _plan(tmp_path)
    report = load_dataset(plan, EngineSource(plan), backend.url)
    assert {t.table: (t.rows, t.created) for t in report.tables} == {
        "departments": (120, True),
        "employees": (120, True),
    }
    assert report.mode == CREATE_IF_MISSING and report.notes == []
    expected = generate(plan, "employees", 0, 120).select("id", "email", "boss_id").sort("id")
    got = backend.rows("SELECT id, email, boss_id FROM employees ORDER BY id")
    assert got == expected.rows()
    if isinstance(backend, Postgres):
        kinds = backend.rows(
            "SELECT conrelid::regclass::text, contype, count(*) FROM pg_constraint "
            "WHERE contype IN ('p', 'u', 'f', 'c') AND connamespace = 'public'::regnamespace "
            "GROUP BY 1, 2 ORDER BY 1, 2"
        )
        assert kinds == [
            ("departments", "f", 1),
            ("departments", "p", 1),
            ("departments", "u", 1),
            ("employees", "c", 1),
            ("employees", "f", 2),
            ("employees", "p", 1),
            ("employees", "u", 1),
        ]
        # the identity sequence was moved past the loaded keys
        new = backend.rows(
            "INSERT INTO employees (department_id, hired) VALUES (1, now()) RETURNING id"
        )
        assert new == [(121,)]
    else:
        assert backend.rows("PRAGMA foreign_key_check") == []
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            backend.rows("INSERT INTO employees (department_id, hired) VALUES (999, '2020-01-01')")


def test_a_table_that_does_not_fit_fails_before_any_write(backend, tmp_path):
    plan = _plan(tmp_path)
    backend.rows("CREATE TABLE employees (id INTEGER, name TEXT, hired DATE)")
    with pytest.raises(TargetError) as raised:
        load_dataset(plan, EngineSource(plan), backend.url)
    message = str(raised.value)
    assert "nothing written" in message and "employees" in message
    assert "lacks department_id, email, salary, boss_id" in message
    assert "has columns the model does not: name" in message
    assert backend.tables() == {"employees"}  # departments, loaded first, was not created


@pytest.mark.parametrize("mode", [TRUNCATE_THEN_INSERT, APPEND_ONLY])
def test_modes_that_never_create_list_every_missing_table(backend, tmp_path, mode):
    plan = _plan(tmp_path)
    with pytest.raises(TargetError) as raised:
        load_dataset(plan, EngineSource(plan), backend.url, mode)
    assert raised.value.problems == tuple(
        f"table {name} does not exist (mode {mode} never creates tables; use create_if_missing)"
        for name in (
            ['"departments"', '"employees"']
            if isinstance(backend, Postgres)
            else ["departments", "employees"]
        )
    )
    if isinstance(backend, Sqlite):
        assert not Path(backend.url).exists()  # not even an empty database file
    assert backend.tables() == set()


def test_truncate_then_insert_reloads_only_the_dataset(backend, tmp_path):
    plan = _plan(tmp_path)
    load_dataset(plan, EngineSource(plan), backend.url)
    backend.rows("INSERT INTO departments (id, name) VALUES (100000, 'stray')")
    backend.rows("CREATE TABLE keep_me (x INTEGER)")
    backend.rows("INSERT INTO keep_me VALUES (1)")
    report = load_dataset(plan, EngineSource(plan), backend.url, TRUNCATE_THEN_INSERT)
    assert [(t.table, t.rows, t.created) for t in report.tables] == [
        ("departments", 120, False),
        ("employees", 120, False),
    ]
    assert _count(backend, "departments") == 120
    assert backend.rows("SELECT count(*) FROM departments WHERE id = 100000") == [(0,)]
    assert _count(backend, "keep_me") == 1


def test_append_only_adds_rows_and_keeps_existing_ones(backend, tmp_path):
    plan = _plan(tmp_path)
    backend.rows("CREATE TABLE departments (id INTEGER, name VARCHAR(40), manager_id INTEGER)")
    backend.rows("INSERT INTO departments VALUES (-1, 'already here', NULL)")
    for _ in range(2):
        load_dataset(plan, EngineSource(plan), backend.url, APPEND_ONLY, tables=["departments"])
    assert _count(backend, "departments") == 241
    assert backend.tables() == {"departments"}


def test_existing_tables_in_an_fk_cycle_load_without_deferrable_keys(fresh_database, tmp_path):
    """Tables the user created with a plain FK cycle through a nullable key (and a
    self-reference over several chunks) load as they are: the cycle's key is COPYed NULL and
    set once both tables are in; every key holds afterwards."""
    plan = _plan(tmp_path)
    target = Postgres(fresh_database("targets_cycle"))
    for statement in STAFF.split(";"):
        if statement.strip():
            target.rows(statement)
    for _ in range(2):  # truncate_then_insert reloads the same rows
        report = load_dataset(plan, EngineSource(plan), target.url, TRUNCATE_THEN_INSERT)
        assert report.rows == 240
    assert native.postgres_orphans(target.url) == {}
    managers = target.rows("SELECT count(manager_id) FROM departments")[0][0]
    assert managers == generate(plan, "departments", 0, 120)["manager_id"].count() > 0


def test_existing_tables_in_a_not_null_fk_cycle_load_in_one_statement(fresh_database, tmp_path):
    """A cycle through NOT NULL keys declared without DEFERRABLE (pagila store <-> staff) loads
    in no order of separate statements; its rows are COPYed into temporary copies and moved
    by one statement (keys are checked at its end), in every mode: a reload by
    truncate_then_insert, and create_if_missing skipping the rows already there."""
    ddl = STAFF.replace("manager_id INTEGER\n", "manager_id INTEGER NOT NULL\n")
    plan = _plan(tmp_path, ddl)
    target = Postgres(fresh_database("targets_cycle_nn"))
    for statement in ddl.split(";"):
        if statement.strip():
            target.rows(statement)
    deferrable = target.rows("SELECT count(*) FROM pg_constraint WHERE condeferrable")
    assert deferrable == [(0,)]
    for _ in range(2):
        report = load_dataset(plan, EngineSource(plan), target.url, TRUNCATE_THEN_INSERT)
        assert report.rows == 240
    assert native.postgres_orphans(target.url) == {}
    assert target.rows("SELECT count(manager_id) FROM departments") == [(120,)]
    report = load_dataset(plan, EngineSource(plan), target.url, CREATE_IF_MISSING)
    assert (report.rows, report.skipped) == (0, 240)
    assert {t.table: t.rows for t in report.tables} == {"departments": 0, "employees": 0}
    assert _count(target, "departments") == _count(target, "employees") == 120
    assert not target.rows("SELECT relname FROM pg_class WHERE relname LIKE '_datagen%'")


def test_a_refused_row_of_a_not_null_fk_cycle_rolls_the_load_back(fresh_database, tmp_path):
    """A CHECK of the target refusing a cycle row fails the one statement: the error names the
    constraint and the load leaves both tables as they were."""
    ddl = STAFF.replace("manager_id INTEGER\n", "manager_id INTEGER NOT NULL\n")
    plan = _plan(tmp_path, ddl)
    target = Postgres(fresh_database("targets_cycle_refused"))
    for statement in ddl.split(";"):
        if statement.strip():
            target.rows(statement)
    target.rows("ALTER TABLE employees ADD CONSTRAINT no_one CHECK (salary < 0)")
    with pytest.raises(LoadError, match="no_one"):
        load_dataset(plan, EngineSource(plan), target.url, APPEND_ONLY)
    assert _count(target, "departments") == _count(target, "employees") == 0


# ---------------------------------------------------------------------------- failures


THREE = """
CREATE TABLE a (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL);
CREATE TABLE b (id INT PRIMARY KEY, a_id INT NOT NULL REFERENCES a (id), qty INT);
CREATE TABLE c (id INT PRIMARY KEY, b_id INT REFERENCES b (id), note VARCHAR(80));
"""
THREE_CONFIG = "seed: 3\nrows: 100\nchunk_rows: 40\n"


def _state(backend) -> dict:
    """Everything a load could change: every relation (tables, indexes, sequences, types,
    triggers) and every table's rows."""
    if isinstance(backend, Sqlite):
        objects = backend.rows("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    else:
        objects = backend.rows(
            "SELECT relname, relkind FROM pg_class c JOIN pg_namespace n ON n.oid = "
            "c.relnamespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', "
            "'pg_toast') ORDER BY 1"
        ) + backend.rows("SELECT typname FROM pg_type WHERE typtype = 'e' ORDER BY 1")
    rows = {t: sorted(backend.rows(f'SELECT * FROM "{t}"'), key=repr) for t in backend.tables()}
    return {"objects": objects, "rows": rows}


def _index_of(plan, table: str, column: str, value) -> int:
    """The row index in the dataset of the row whose `column` is `value`."""
    frame = pl.concat(EngineSource(plan).chunks(plan.table(table)))
    return frame.with_row_index().filter(pl.col(column) == value)["index"].item()


def _prepare(backend, statements: list[str]) -> None:
    for statement in statements:
        backend.rows(statement)


def test_a_table_failing_midway_leaves_the_target_as_it_was(backend, tmp_path, monkeypatch):
    """create_if_missing into a target holding a table of its own and a table c of the
    dataset whose CHECK refuses one row: a and b (created, loaded) and c (rows added) all
    roll back with it; the message names the table, the row (index, key, values) and the
    database's reason."""
    plan = _plan(tmp_path, THREE, THREE_CONFIG, name="three")
    _prepare(
        backend,
        [
            "CREATE TABLE keep (x INT)",
            "INSERT INTO keep VALUES (1), (2)",
            "CREATE TABLE c (id INT PRIMARY KEY, b_id INT, note VARCHAR(80) "
            "CONSTRAINT no_57 CHECK (id <> 57))",
            "INSERT INTO c VALUES (1000, NULL, 'old')",
        ],
    )
    before = _state(backend)
    monkeypatch.setenv("DATAGEN_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    with pytest.raises(LoadError) as raised:
        load_dataset(plan, EngineSource(plan), backend.url)
    message = str(raised.value)
    assert _state(backend) == before
    assert "failed and was rolled back: the target is as it was (create_if_missing)" in message
    index = _index_of(plan, "c", "id", 57)
    assert f"table c, row index {index} (id=57): b_id=" in message, message
    assert "no_57" in message and "\n" not in message
    assert "Traceback" not in message and "CONTEXT" not in message
    from datagen_assets.audit import read_records  # the attempt is in the audit trail

    (attempt,) = read_records(tmp_path / "audit.jsonl")
    assert attempt["event"] == "load" and attempt["outcome"] == "rolled back"
    assert attempt["rows"] == 0 and "row index" in attempt["error"]


def test_a_conflicting_row_already_in_the_target_is_named(backend, tmp_path):
    """append_only into tables that exist, the third holding a row whose key the dataset
    also makes: nothing is added to any table, and the conflicting row is named."""
    plan = _plan(tmp_path, THREE, THREE_CONFIG, name="three")
    load_dataset(plan, EngineSource(plan), backend.url)
    _prepare(backend, ["DELETE FROM c", "DELETE FROM b", "DELETE FROM a"])
    _prepare(backend, ["INSERT INTO c (id, note) VALUES (90, 'mine')"])
    before = _state(backend)
    with pytest.raises(LoadError) as raised:
        load_dataset(plan, EngineSource(plan), backend.url, APPEND_ONLY)
    assert _state(backend) == before
    message = str(raised.value)
    index = _index_of(plan, "c", "id", 90)
    assert f"table c, row index {index} (id=90)" in message, message
    assert "already exists" in message or "UNIQUE constraint failed: c.id" in message


def test_a_foreign_key_checked_after_the_rows_names_the_orphan(backend, tmp_path):
    """Loading c alone into a target whose b lacks most of c's parents: the key is checked
    after the rows (PostgreSQL adds it to the created table, SQLite at commit); the load rolls
    back, c is not created, and the message names a row and its missing parent."""
    plan = _plan(tmp_path, THREE, THREE_CONFIG, name="three")
    _prepare(
        backend,
        [
            "CREATE TABLE a (id INT PRIMARY KEY, name VARCHAR(30) NOT NULL)",
            "CREATE TABLE b (id INT PRIMARY KEY, a_id INT NOT NULL REFERENCES a (id), qty INT)",
            "INSERT INTO a VALUES (1, 'one')",
            "INSERT INTO b VALUES (1, 1, 5)",
        ],
    )
    before = _state(backend)
    with pytest.raises(LoadError) as raised:
        load_dataset(plan, EngineSource(plan), backend.url, tables=["c"])
    assert _state(backend) == before
    message = str(raised.value)
    assert "rolled back: the target is as it was" in message
    if isinstance(backend, Sqlite):
        assert "table c, row (id=" in message and "no row in b" in message, message
    else:
        assert "foreign key" in message and "is not present in table" in message, message


def test_a_sqlite_trigger_refusing_a_row_is_named(tmp_path):
    """SQLite keeps application triggers on (it cannot disable them): one refusing a row
    fails the load at that row, nothing written."""
    plan = _plan(tmp_path, THREE, THREE_CONFIG, name="three")
    target = Sqlite(tmp_path / "trigger.db")
    _prepare(
        target,
        [
            "CREATE TABLE b (id INT PRIMARY KEY, a_id INT NOT NULL, qty INT)",
            "CREATE TRIGGER refuse BEFORE INSERT ON b WHEN NEW.id = 33 "
            "BEGIN SELECT RAISE(ABORT, 'b 33 is reserved'); END",
        ],
    )
    before = _state(target)
    with pytest.raises(LoadError) as raised:
        load_dataset(plan, EngineSource(plan), target.url, APPEND_ONLY, tables=["b"])
    assert _state(target) == before
    index = _index_of(plan, "b", "id", 33)
    assert f"table b, row index {index} (id=33): a_id=" in str(raised.value)
    assert str(raised.value).endswith("b 33 is reserved")


def test_a_refused_chunk_is_located_in_few_probes(backend, tmp_path):
    """The row named is the first one the database refuses (here the first of the third
    40-row chunk, whose NOT NULL status is broken), counted from the table's first row."""
    ddl = SHOP.read_text()
    plan = _plan(tmp_path, ddl, "seed: 1\nrows: 120\nchunk_rows: 50\n", name="shop")
    source = BreakingSource(plan, "orders", 2, "status")
    with pytest.raises(LoadError) as raised:
        load_dataset(plan, source, backend.url)
    assert backend.tables() == set()
    assert "table orders, row index 80 (id=81): customer_id=" in str(raised.value)
    assert "status=NULL" in str(raised.value)


def test_the_cli_prints_one_message_for_a_failed_load(tmp_path, capsys):
    plan = _plan(tmp_path, THREE, THREE_CONFIG, name="three")
    target = Sqlite(tmp_path / "cli.db")
    _prepare(target, ["CREATE TABLE c (id INT PRIMARY KEY CHECK (id <> 5), b_id INT, note TEXT)"])
    from datagen_assets.cli import main as datagen

    code = datagen(
        ["load", plan.name, "--schemas-dir", str(tmp_path / "schemas"), "--from-engine"]
        + ["--target", target.url]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "datagen load: error: loading three into" in err and "table c, row index" in err
    assert target.tables() == {"c"}


@pytest.mark.parametrize("mode", [APPEND_ONLY, TRUNCATE_THEN_INSERT])
def test_an_existing_table_failing_midway_keeps_its_rows(backend, tmp_path, mode):
    plan = _plan(tmp_path)
    load_dataset(plan, EngineSource(plan), backend.url)
    before = backend.rows("SELECT id, email FROM employees ORDER BY id")
    if mode == APPEND_ONLY:  # fresh keys would collide: make room by emptying employees
        backend.rows("UPDATE departments SET manager_id = NULL")
        backend.rows("DELETE FROM employees")
        before = []
    source = BreakingSource(plan, "employees", 1, "hired")
    with pytest.raises(LoadError, match="rolled back"):
        load_dataset(
            plan, source, backend.url, mode, tables=["employees"] if mode == APPEND_ONLY else None
        )
    assert backend.rows("SELECT id, email FROM employees ORDER BY id") == before
    assert _count(backend, "departments") == 120


# ---------------------------------------------------------------------------- datasets


def _reference_files() -> list[Path]:
    """Every dialect: a MySQL, T-SQL, SQLite or Oracle schema loads into PostgreSQL too, its
    tables created from the model with every constraint (the engine sees only the model)."""
    return sorted(SHARED_SCHEMAS.glob("*.sql")) if SHARED_SCHEMAS.is_dir() else []


@pytest.mark.parametrize(
    "path", [SHOP, *_reference_files()], ids=lambda p: ".".join(p.name.split(".")[:-1])
)
def test_datasets_load_into_postgres_with_all_constraints(path, fresh_database):
    if path != SHOP:
        shared_schemas()
    # a few thousand rows a table; hr.oracle's countries are keyed by CHAR(2): 1,296 at most
    rows = 1000 if path.name.startswith("hr.") else 3000
    plan = plan_dataset(read_dataset(path, None, Settings(rows=rows)))
    url = fresh_database(f"targets_{'_'.join(path.name.split('.')[:-1])}")
    report = load_dataset(plan, EngineSource(plan), url)
    assert report.notes == []
    assert {t.table: t.rows for t in report.tables} == {k: t.rows for k, t in plan.tables.items()}
    target = Postgres(url)
    for key, table_plan in plan.tables.items():
        name = pg_ddl.table_name(table_plan.table)
        assert target.rows(f"SELECT count(*) FROM {name}") == [(table_plan.rows,)], key
    tables = [t.table for t in plan.tables.values()]
    statements = pg_ddl.constraint_statements(tables)
    wanted = [s for s in statements if not s.startswith(("--", "CREATE INDEX", "DO $datagen$"))]
    names = ", ".join(f"'{pg_ddl.table_name(t)}'::regclass" for t in tables)
    constraints = target.rows(
        f"SELECT count(*) FROM pg_constraint WHERE conrelid IN ({names}) "
        "AND contype IN ('p', 'u', 'f', 'c')"
    )
    assert constraints == [(len(wanted),)]
    indexes = target.rows(  # the schema's non-unique indexes too
        f"SELECT count(*) FROM pg_index WHERE indrelid IN ({names}) AND NOT indisunique"
    )
    assert indexes == [(sum(s.startswith(("CREATE INDEX", "DO $datagen$")) for s in statements),)]


@pytest.mark.parametrize(
    "path",
    [SHOP, *(sorted(SHARED_SCHEMAS.glob("*.sql")) if SHARED_SCHEMAS.is_dir() else [])],
    ids=lambda p: ".".join(p.name.split(".")[:-1]),
)
def test_datasets_load_into_sqlite_with_keys_and_foreign_keys(path, tmp_path):
    plan = plan_dataset(read_dataset(path, None, Settings(rows=300)))
    target = Sqlite(tmp_path / "out.sqlite")
    report = load_dataset(plan, EngineSource(plan), f"sqlite:///{target.url}")
    assert all("CHECK" in note for note in report.notes), report.notes
    assert report.rows == sum(t.rows for t in plan.tables.values())
    assert target.rows("PRAGMA foreign_key_check") == []
    assert target.rows("PRAGMA integrity_check") == [("ok",)]


def test_sqlite_keeps_awkward_values(tmp_path):
    ddl = """CREATE TABLE odd (
        id BIGINT PRIMARY KEY, price NUMERIC(12,4) NOT NULL, at TIME, seen TIMESTAMPTZ,
        took INTERVAL, tags TEXT[], blob BYTEA, ok BOOLEAN, ratio DOUBLE PRECISION, doc JSONB
    );"""
    plan = _plan(tmp_path, ddl, "rows: 200\n", name="odd")
    target = Sqlite(tmp_path / "odd.db")
    load_dataset(plan, EngineSource(plan), target.url)
    frame = generate(plan, "odd", 0, 200)
    # NUMERIC affinity turns decimal text into numbers; booleans are 0/1
    expected = sqlite_frame(frame).with_columns(
        pl.col("price").cast(pl.Float64), pl.col("ok").cast(pl.Int64)
    )
    assert target.rows("SELECT * FROM odd ORDER BY id") == expected.sort("id").rows()
    assert target.rows(
        "SELECT DISTINCT typeof(seen), typeof(blob) FROM odd WHERE seen "
        "IS NOT NULL AND blob IS NOT NULL"
    ) == [("text", "blob")]


# ---------------------------------------------------------------------------- secrets, CLI


def test_passwords_never_appear_in_reports_or_messages(
    fresh_database, tmp_path, capsys, monkeypatch
):
    plan = _plan(tmp_path)
    url = fresh_database("targets_secret")
    secret = "pw-Sup3rSecret"
    dsn = url.replace("postgres@", f"postgres:{secret}@")  # trust auth ignores it
    assert secret not in redact(dsn) and "postgres" in redact(dsn)
    report = load_dataset(plan, EngineSource(plan), dsn)
    assert secret not in report.target and secret not in json.dumps(report.as_dict())
    empty = fresh_database("targets_secret_empty").replace("postgres@", f"postgres:{secret}@")
    with pytest.raises(TargetError) as raised:
        load_dataset(plan, EngineSource(plan), empty, APPEND_ONLY)
    assert secret not in str(raised.value)
    with pytest.raises(LoadError) as raised:  # nobody listens on port 1
        load_dataset(plan, EngineSource(plan), f"postgresql://u:{secret}@127.0.0.1:1/x")
    assert secret not in str(raised.value)

    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(tmp_path / "schemas"))
    monkeypatch.setenv("STAFF_DSN", dsn)
    assert main(["--dataset", "staff", "--target-env", "STAFF_DSN", "--mode", APPEND_ONLY]) == 1
    assert main(["--dataset", "staff", "--target", dsn, "--mode", TRUNCATE_THEN_INSERT]) == 0
    printed = capsys.readouterr()
    assert secret not in printed.out + printed.err
    assert "240 rows into 2 table(s)" in printed.out


def test_module_entry_point_loads_into_sqlite(tmp_path):
    _plan(tmp_path)
    target = tmp_path / "cli.sqlite"
    env = {"DATAGEN_SCHEMAS_DIR": str(tmp_path / "schemas"), "PATH": "/usr/bin:/bin"}
    command = [
        sys.executable,
        "-m",
        "datagen_assets.write.targets",
        "--dataset",
        "staff",
        "--target",
        f"sqlite:///{target}",
        "--from-engine",
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert "staff: 240 rows into 2 table(s)" in done.stdout
    assert _count(Sqlite(target), "employees") == 120


# ---------------------------------------------------------------------------- idempotence, source


def test_create_if_missing_twice_skips_the_rows_already_there(backend, tmp_path):
    """The idempotent mode: a second run of create_if_missing finds the tables and the rows
    (a primary key conflict before) and leaves them as they are, counted as skipped."""
    plan = _plan(tmp_path)
    first = load_dataset(plan, EngineSource(plan), backend.url, CREATE_IF_MISSING)
    assert first.rows == 240 and first.skipped == 0
    second = load_dataset(plan, EngineSource(plan), backend.url, CREATE_IF_MISSING)
    assert second.rows == 0 and second.skipped == 240
    assert [t.created for t in second.tables] == [False, False]
    assert _count(backend, "employees") == 120 and _count(backend, "departments") == 120
    with pytest.raises(LoadError, match="(?i)unique|duplicate"):  # append_only stays strict
        load_dataset(plan, EngineSource(plan), backend.url, APPEND_ONLY)


def _materialise(plan, storage: str) -> None:
    from datagen_assets.write.parquet_io import chunk_path, write_parquet_atomic

    for key, table_plan in plan.tables.items():
        for partition in table_plan.partition_keys:
            chunk = generate(plan, key, *table_plan.chunk_bounds(partition))
            write_parquet_atomic(chunk, chunk_path(storage, plan.name, key, partition))


def test_datagen_load_reads_the_materialised_parquet_and_says_so(tmp_path):
    """By default `datagen load` reads what was materialised when storage holds every chunk
    of the plan (the rows the checks validated), else the engine, and prints which."""
    plan = _plan(tmp_path)
    storage = tmp_path / "data"
    env = {
        "DATAGEN_SCHEMAS_DIR": str(tmp_path / "schemas"),
        "DATAGEN_STORAGE_URL": str(storage),
        "PATH": "/usr/bin:/bin",
    }

    def run(target: Path) -> str:
        command = [sys.executable, "-m", "datagen_assets.cli", "load", "staff"]
        done = subprocess.run(
            [*command, "--target", f"sqlite:///{target}"],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    before = run(tmp_path / "engine.sqlite")
    assert "rows from the engine" in before and "lacks chunks of departments" in before
    _materialise(plan, str(storage))
    # a marker only the Parquet has: the load must have read it, not regenerated
    departments = next(storage.rglob("departments/*.parquet"))
    from upath import UPath

    from datagen_assets.write.parquet_io import write_parquet_atomic

    frame = pl.read_parquet(departments)
    write_parquet_atomic(
        frame.with_columns(pl.lit("FROM-PARQUET").alias("name")).head(1).vstack(frame.slice(1)),
        UPath(departments),
    )
    after = run(tmp_path / "storage.sqlite")
    assert f"rows from the materialised Parquet in {storage}" in after
    names = Sqlite(tmp_path / "storage.sqlite").rows("SELECT name FROM departments")
    assert ("FROM-PARQUET",) in names


# ---------------------------------------------------------------------------- MariaDB


def test_a_mysql_insert_export_failing_midway_leaves_mariadb_as_it_was(tmp_path):
    """DataGen has no MySQL load target: MySQL gets the INSERT export, one transaction, which
    the mariadb client runs. Into tables that already hold rows, the third holding a key the
    dataset also makes, it stops at that row and InnoDB rolls everything back."""
    if not native.mariadb_available():
        pytest.skip("MariaDB at 127.0.0.1:3306 is not reachable")
    plan = _plan(tmp_path, THREE, THREE_CONFIG, name="three")
    script = native._export(plan, EngineSource(plan), "sql", tmp_path / "out", "mysql")
    ddl = tmp_path / "ddl.sql"
    ddl.write_text(
        THREE.replace("VARCHAR(80));", "VARCHAR(80)) ENGINE=InnoDB;")
        + "CREATE TABLE keep (x INT) ENGINE=InnoDB;\nINSERT INTO keep VALUES (1), (2);\n"
        + "INSERT INTO c (id, note) VALUES (90, 'mine');\n"
    )
    with native.mariadb_database("three_fail") as database:
        native.mariadb(database, ddl)

        def state():
            return {
                t: native.mariadb_query(database, f"SELECT * FROM `{t}` ORDER BY 1")
                for t in ("a", "b", "c", "keep")
            }

        before = state()
        with pytest.raises(native.ClientError, match="Duplicate entry '90'"):
            native.mariadb(database, script)
        assert state() == before
        assert before["c"] == [["90", "NULL", "mine"]] and before["a"] == []

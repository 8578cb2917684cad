"""Vendor rules of the DDL import that real schemas broke, each with a small snippet of its
own: T-SQL alias types, T-SQL LIKE character classes, tables an INSERT trigger fills, Oracle
`IS JSON` in the PostgreSQL translation, and sqlglot's log lines kept off the terminal. Where
validity is the question, the real database is the judge (see `native.py`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.schema.check_rules import class_like_to_regex
from datagen_assets.schema.ddl import parse_ddl
from datagen_assets.schema.model import TypeKind
from datagen_tests import native

DATAGEN = str(Path(sys.executable).with_name("datagen"))


def _plan(tmp_path: Path, ddl: str, dialect: str, rows: int = 60, name: str = "snippet"):
    path = tmp_path / f"{name}.{dialect}.sql"
    path.write_text(ddl)
    config = tmp_path / f"{name}.yaml"
    config.write_text(f"seed: 5\nrows: {rows}\nchunk_rows: 25\n")
    return path, plan_dataset(load_dataset(path, config))


def _failures(results: dict[str, str | None]) -> dict[str, str]:
    return {stage: error for stage, error in results.items() if error is not None}


# ---------------------------------------------------------------------------- alias types

TSQL_ALIASES = """
execute sp_addtype tid, 'varchar(6)', 'NOT NULL'
execute sp_addtype @typename = memo, @phystype = N'varchar(40)'
EXEC dbo.sp_addtype empid, "char(9)", NONULL
GO
CREATE TYPE [dbo].[code] FROM char(3) NOT NULL
GO
CREATE TABLE titles (
  title_id tid PRIMARY KEY,
  note memo,
  emp empid UNIQUE,
  shelf code,
  maybe code NULL
)
GO
"""


def test_tsql_alias_types_resolve_to_their_base_type_and_nullability():
    """sp_addtype and CREATE TYPE ... FROM: a column of an alias type has the base type, and
    the type's NOT NULL unless the column says NULL; a key on it is made distinct."""
    schema = parse_ddl(TSQL_ALIASES, "tsql")
    columns = {c.name: c for c in schema.tables["titles"].columns}
    title, note, emp = columns["title_id"], columns["note"], columns["emp"]
    assert (title.type.kind, title.type.length, title.nullable) == (TypeKind.VARCHAR, 6, False)
    assert (note.type.kind, note.type.length, note.nullable) == (TypeKind.VARCHAR, 40, True)
    assert (emp.type.kind, emp.type.length, emp.nullable) == (TypeKind.CHAR, 9, False)
    assert (columns["shelf"].type.kind, columns["shelf"].nullable) == (TypeKind.CHAR, False)
    assert columns["maybe"].nullable  # the column's own NULL wins, as in SQL Server
    assert not [n for n in schema.notes if "not supported" in n.message]


def test_sybase_files_read_as_tsql():
    from datagen_assets.schema.statements import canonical_dialect, dialect_from_path

    assert dialect_from_path("pubs2.sybase.sql") == canonical_dialect("sybase") == "tsql"


def test_tsql_alias_type_keys_load_into_postgres_through_translation(tmp_path):
    ddl = "CREATE TYPE tid FROM varchar(6) NOT NULL\nGO\nCREATE TABLE titles (title_id tid " \
          "PRIMARY KEY, title varchar(80) NOT NULL)\nGO\n"  # fmt: skip
    path, plan = _plan(tmp_path, ddl, "tsql", rows=200)
    assert plan.table("titles").rows == 200
    work = tmp_path / "work"
    work.mkdir()
    results = native.native_loads(path, plan, work)
    assert results and not _failures(results)


def test_tsql_bare_unique_before_another_constraint_keeps_both():
    """sqlglot's T-SQL grammar took the word after a column's UNIQUE as a name, so `UNIQUE
    CHECK (...)` or `UNIQUE REFERENCES t` failed the whole column."""
    schema = parse_ddl(
        "CREATE TABLE t (id int PRIMARY KEY, code char(3) NOT NULL UNIQUE CHECK (code <> 'x'),"
        " parent int UNIQUE REFERENCES t (id), other int UNIQUE)",
        "tsql",
    )
    table = schema.tables["t"]
    assert table.uniques == (("code",), ("parent",), ("other",))
    assert [c.sql for c in table.checks] == ["code <> 'x'"]
    assert [fk.columns for fk in table.foreign_keys] == [("parent",)]


# ---------------------------------------------------------------------------- LIKE classes

TSQL_LIKE = """
CREATE TABLE authors (
  au_id varchar(11) CHECK (au_id like '[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][0-9][0-9]')
    PRIMARY KEY,
  zip char(5) NULL CHECK (zip like '[0-9][0-9][0-9][0-9][0-9]'),
  city varchar(20) CHECK (city LIKE 'S%'),
  pub_id char(4) NOT NULL CHECK (pub_id in ('1389', '0736') OR pub_id like '99[0-9][0-9]'),
  emp_id char(9) NOT NULL UNIQUE
    CHECK (emp_id LIKE '[A-Z][A-Z][A-Z][1-9][0-9][0-9][0-9][0-9][FM]'
           or emp_id LIKE '[A-Z]-[A-Z][1-9][0-9][0-9][0-9][0-9][FM]'),
  grade char(1) CHECK (grade NOT LIKE '[^A-C]')
)
GO
"""


def test_like_classes_read_as_patterns():
    assert class_like_to_regex("99[0-9][0-9]") == "^99[0-9][0-9]$"
    assert class_like_to_regex("[^0-9]%_.") == "^[^0-9].*.\\.$"
    assert class_like_to_regex("a[_][[]") == "^a[_][\\[]$"
    assert class_like_to_regex("a[bc") is None
    checks = [c.sql for c in parse_ddl(TSQL_LIKE, "tsql").tables["authors"].checks]
    assert "zip ~ '^[0-9][0-9][0-9][0-9][0-9]$'" in checks
    assert "city LIKE 'S%'" in checks  # no class: PostgreSQL's LIKE means the same
    assert "NOT grade ~ '^[^A-C]$'" in checks
    assert not [c for c in checks if "LIKE '[" in c]
    plain = parse_ddl("CREATE TABLE t (z char(5) CHECK (z LIKE '[0-9]%'));", "postgres")
    assert plain.tables["t"].checks[0].sql == "z LIKE '[0-9]%'"  # literal brackets there


def test_like_class_checks_hold_in_postgres_by_construction(tmp_path):
    """Values drawn from the classes (the key stays distinct), an OR of a list and a pattern
    from its widest side; the translated DDL keeps each CHECK as a regex, which PostgreSQL
    enforces on the loaded rows and on a row that breaks it."""
    path, plan = _plan(tmp_path, TSQL_LIKE, "tsql", rows=300)
    work = tmp_path / "work"
    work.mkdir()
    source = native.MemorySource(plan)
    rows = next(iter(source.chunks(plan.table("authors"))))
    assert rows["au_id"].str.contains(r"^\d{3}-\d{2}-\d{4}$").all()
    assert rows["au_id"].n_unique() == rows.height
    assert rows["pub_id"].str.contains(r"^99\d\d$|^1389$|^0736$").all()
    assert (
        rows["emp_id"].str.contains(r"^[A-Z]{3}[1-9]\d{4}[FM]$|^[A-Z]-[A-Z][1-9]\d{4}[FM]$").all()
    )
    dump = native._export(plan, source, "pgdump", work / "dump")
    text = dump.read_text()
    assert "~ '^[0-9][0-9][0-9][0-9][0-9]$'" in text and "LIKE '[" not in text
    with native.postgres_database("like_classes") as url:
        native.psql(url, dump)
        assert native.postgres_counts(url, ['"authors"']) == {'"authors"': 300}
        with psycopg.connect(url) as connection, pytest.raises(psycopg.errors.CheckViolation):
            connection.execute(
                "INSERT INTO authors VALUES ('123-45-6789', '1234x', 'Sx', '9901', "
                "'ABC12345F', 'A')"
            )
    results = native.native_loads(path, plan, work)
    assert results and not _failures(results)


# ---------------------------------------------------------------------------- sqlglot logs


def test_sqlglot_warnings_never_reach_the_terminal(tmp_path):
    """A CHECK on a column named like a keyword (`Lock`) reads back as a sqlglot Command when
    the schema cache verifies it: that is DataGen's business, not a raw log line."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "locks.sqlite.sql").write_text(
        "CREATE TABLE schema_version (Lock CHAR(1) NOT NULL DEFAULT 'X' UNIQUE, "
        "version INTEGER NOT NULL, CHECK (Lock = 'X'));\n"
    )
    done = subprocess.run(
        [DATAGEN, "validate", "--schemas-dir", str(schemas)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**native.os.environ, "DATAGEN_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "locks: 1 tables" in done.stdout
    output = done.stdout + done.stderr
    assert not re.search(r"unsupported syntax|Falling back", output), output


# ---------------------------------------------------------------------------- IS JSON

ORACLE_JSON = """
create table products (
  product_id integer generated by default on null as identity,
  product_details blob,
  notes clob,
  constraint products_pk primary key (product_id)
);
alter table products add constraint products_json_c check ( product_details is json );
alter table products add constraint products_notes_c check ( notes is json );
"""


def test_oracle_is_json_checks_load_into_postgres_15(tmp_path):
    """PostgreSQL 15 has no IS JSON: on a text column it becomes a cast that rejects other
    text, on a blob (bytea) it is left out with a comment saying why."""
    path, plan = _plan(tmp_path, ORACLE_JSON, "oracle", rows=40)
    work = tmp_path / "work"
    work.mkdir()
    source = native.MemorySource(plan)
    text = native._export(plan, source, "pgdump", work / "dump").read_text()
    assert not [line for line in text.splitlines() if "IS JSON" in line and "--" not in line]
    assert re.search(r"-- products: CHECK \(product_details IS JSON\) left out: .*bytea", text)
    assert '(CAST("notes" AS JSON) IS NOT NULL OR "notes" IS NULL)' in text
    with native.postgres_database("is_json") as url:
        native.psql(url, work / "dump" / "snippet.pgdump.sql")
        assert native.postgres_counts(url, ['"products"']) == {'"products"': 40}
        with psycopg.connect(url) as connection, pytest.raises(psycopg.errors.DataError):
            connection.execute("INSERT INTO products (product_id, notes) VALUES (-1, 'no {')")
    results = native.native_loads(path, plan, work)
    assert results and not _failures(results)


# ---------------------------------------------------------------------------- INSERT triggers

MYSQL_TRIGGER = """
CREATE TABLE film (film_id INT PRIMARY KEY, title VARCHAR(255) NOT NULL);
CREATE TABLE film_text (film_id INT PRIMARY KEY, title VARCHAR(255));
CREATE TABLE review (
  id INT PRIMARY KEY,
  film_id INT NOT NULL,
  FOREIGN KEY (film_id) REFERENCES film_text (film_id)
);
DELIMITER ;;
CREATE TRIGGER `ins_film` AFTER INSERT ON `film` FOR EACH ROW BEGIN
    INSERT INTO film_text (film_id, title) VALUES (new.film_id, new.title);
  END;;
CREATE TRIGGER upd_film AFTER UPDATE ON film FOR EACH ROW BEGIN
    UPDATE film_text SET title = new.title WHERE film_id = old.film_id;
  END;;
DELIMITER ;
"""
SQLITE_TRIGGER = """
CREATE TABLE film (film_id INTEGER PRIMARY KEY, title TEXT NOT NULL);
CREATE TABLE film_text (film_id INTEGER PRIMARY KEY, title TEXT);
CREATE TABLE review (id INTEGER PRIMARY KEY, film_id INTEGER NOT NULL
  REFERENCES film_text (film_id));
CREATE TRIGGER ins_film AFTER INSERT ON film BEGIN
  INSERT INTO film_text VALUES (NEW.film_id, NEW.title);
END;
"""


def test_a_table_an_insert_trigger_fills_gets_no_generated_rows():
    schema = parse_ddl(MYSQL_TRIGGER, "mysql", source="sakila.mysql.sql")
    text = schema.tables["film_text"]
    assert text.filled_by == "trigger ins_film on film (sakila.mysql.sql:10)"
    assert schema.tables["film"].filled_by is None  # UPDATE triggers fill nothing on load
    # its child draws from the film ids the trigger copies into film_text
    (fk,) = schema.tables["review"].foreign_keys
    assert (fk.ref_table, fk.ref_columns) == ("film", ("film_id",))
    notes = " ".join(n.message for n in schema.notes)
    assert "film_text: no rows generated, trigger ins_film on film" in notes


def test_trigger_targets_by_dialect():
    """T-SQL triggers name their table first; a child referencing a column the trigger does
    not copy keeps the table generated (with a note); PostgreSQL loads keep triggers off, so
    a table its trigger functions fill is generated there."""
    tsql = parse_ddl(
        "CREATE TABLE a (id int PRIMARY KEY, code char(3) NOT NULL UNIQUE)\nGO\n"
        "CREATE TABLE audit (id int PRIMARY KEY, code char(3) UNIQUE, at datetime)\nGO\n"
        "CREATE TABLE note (id int PRIMARY KEY, code char(3) REFERENCES audit (code))\nGO\n"
        "CREATE TRIGGER a_ins ON dbo.a AFTER INSERT, UPDATE AS\nBEGIN\n"
        "  INSERT INTO audit (id, at) SELECT id, getdate() FROM inserted\nEND\nGO\n",
        "tsql",
    )
    assert tsql.tables["audit"].filled_by is None
    assert "note references columns the trigger does not copy" in " ".join(
        n.message for n in tsql.notes
    )
    postgres = parse_ddl(
        "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE a_log (id int);\n"
        "CREATE FUNCTION log_a() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
        "  INSERT INTO a_log VALUES (NEW.id); RETURN NEW;\nEND $$;\n"
        "CREATE TRIGGER a_ins AFTER INSERT OR UPDATE ON a FOR EACH ROW EXECUTE FUNCTION log_a();\n",
        "postgres",
    )
    assert postgres.tables["a_log"].filled_by is None
    assert "a_log is also filled by trigger a_ins on a" in " ".join(
        n.message for n in postgres.notes
    )


def test_trigger_filled_tables_load_into_mariadb(tmp_path, mariadb):
    """The export leaves film_text to the trigger: every film row gives it one, and review's
    foreign keys find them."""
    path, plan = _plan(tmp_path, MYSQL_TRIGGER, "mysql", rows=50)
    assert plan.table("film_text").rows == 0
    work = tmp_path / "work"
    work.mkdir()
    script = native._export(plan, native.MemorySource(plan), "sql", work / "insert", "mysql")
    with native.mariadb_database("triggers") as database:
        native.mariadb(database, path)
        native.mariadb(database, script)
        counts = native.mariadb_counts(database, ["film", "film_text", "review"])
        assert counts == {"film": 50, "film_text": 50, "review": 50}
        assert not native.mariadb_orphans(database)
    results = native.native_loads(path, plan, work)
    assert results and not _failures(results)


def test_trigger_filled_tables_load_into_sqlite(tmp_path):
    path, plan = _plan(tmp_path, SQLITE_TRIGGER, "sqlite", rows=50)
    assert plan.table("film_text").rows == 0
    work = tmp_path / "work"
    work.mkdir()
    script = native._export(plan, native.MemorySource(plan), "sql", work / "insert", "sqlite")
    db = work / "check.sqlite3"
    native.sqlite(db, path)
    native.sqlite(db, script)
    counts = native.sqlite_counts(db, ["film", "film_text", "review"])
    assert counts == {"film": 50, "film_text": 50, "review": 50}
    assert not native.sqlite_orphans(db)
    results = native.native_loads(path, plan, work)
    assert results and not _failures(results)


@pytest.fixture(scope="module")
def mariadb():
    if not native.mariadb_available():
        if native.os.environ.get("CI"):
            pytest.fail("MariaDB at 127.0.0.1:3306 is required under CI")
        pytest.skip("MariaDB at 127.0.0.1:3306 is not reachable")

"""Native loads for tests: scratch databases on the real engines, their own clients (`psql`,
`mariadb`, `sqlite3`) running SQL files, and foreign keys verified from each engine's catalog.

The catalogs are the judge here, not DataGen's model: orphan queries are built from the foreign
keys the database itself holds after the ORIGINAL DDL ran (`pg_constraint`,
`information_schema.KEY_COLUMN_USAGE`), and SQLite's own `PRAGMA foreign_key_check`.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

POSTGRES_URL = os.environ.get("DATAGEN_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
MARIADB = {"host": "127.0.0.1", "port": "3306", "user": "root"}
CLIENT_TIMEOUT = 600


class ClientError(RuntimeError):
    """A client exited non-zero; the message is its first error line."""


def first_error(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    for line in lines:
        if "ERROR" in line.upper() or "Error" in line:
            return line.strip()
    return lines[0].strip() if lines else "(no output)"


def _run(command: list[str], stdin: Path | None = None) -> str:
    if shutil.which(command[0]) is None:
        raise ClientError(f"{command[0]} is not installed")
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as handle:
        done = subprocess.run(
            command, stdin=handle, capture_output=True, timeout=CLIENT_TIMEOUT, check=False
        )
    out = done.stdout.decode(errors="replace")
    err = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise ClientError(first_error(err or out))
    return out


def _scratch_name(label: str) -> str:
    cleaned = "".join(c if c.isalnum() else "_" for c in label.lower())[:30]
    return f"datagen_native_{cleaned}_{uuid.uuid4().hex[:8]}"


# ---------------------------------------------------------------------------- PostgreSQL


@contextmanager
def postgres_database(label: str) -> Iterator[str]:
    """A fresh PostgreSQL database; yields its URL, drops it afterwards."""
    name = _scratch_name(label)
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def psql(url: str, path: Path) -> None:
    """Run a SQL file as a user would: `psql -v ON_ERROR_STOP=1 -f`."""
    _run(["psql", url, "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", str(path)])


def postgres_orphans(url: str) -> dict[str, int]:
    """Rows whose foreign key finds no parent, per FK constraint the database holds (MATCH
    SIMPLE: a row with a NULL in the key is exempt). The copies PostgreSQL makes of an FK
    into a partitioned table, one per partition (`conparentid <> 0`), are not FKs of their
    own: a row references one partition only, and the parent's FK covers them all."""
    with psycopg.connect(url, autocommit=True) as connection:
        constraints = connection.execute(
            """
            SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
                   array(SELECT quote_ident(attname) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                         ORDER BY k.i),
                   array(SELECT quote_ident(attname) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                         ORDER BY k.i)
            FROM pg_constraint c WHERE c.contype = 'f' AND c.conparentid = 0 ORDER BY 2, 1
            """
        ).fetchall()
        orphans = {}
        for name, child, parent, columns, ref_columns in constraints:
            not_null = " AND ".join(f"c.{col} IS NOT NULL" for col in columns)
            match = " AND ".join(
                f"p.{r} = c.{col}" for col, r in zip(columns, ref_columns, strict=True)
            )
            count = connection.execute(  # an FK binds the table's own rows (ONLY), as counted
                f"SELECT count(*) FROM {_own(connection, child)} c WHERE {not_null} "
                f"AND NOT EXISTS (SELECT 1 FROM {_own(connection, parent)} p WHERE {match})"
            ).fetchone()[0]
            if count:
                orphans[f"{child}.{name} -> {parent}"] = count
        return orphans


def _own(connection, table: str) -> str:
    """`ONLY table` for a table's own rows: an inheritance parent's scan would take in the
    rows of its children, which are tables of their own; a partitioned table holds all its
    rows in its partitions, so it is read whole."""
    kind = connection.execute("SELECT relkind FROM pg_class WHERE oid = %s::regclass", [table])
    return table if kind.fetchone()[0] == "p" else f"ONLY {table}"


def postgres_counts(url: str, tables: list[str]) -> dict[str, int]:
    """Rows per table, the table's own (`_own`)."""
    with psycopg.connect(url, autocommit=True) as connection:
        return {
            t: connection.execute(f"SELECT count(*) FROM {_own(connection, t)}").fetchone()[0]
            for t in tables
        }


# ---------------------------------------------------------------------------- MariaDB


def _mariadb_args(database: str | None = None) -> list[str]:
    args = ["mariadb", "-h", MARIADB["host"], "-P", MARIADB["port"], "-u", MARIADB["user"]]
    return args + ["--batch", "--skip-column-names"] + ([database] if database else [])


def mariadb_query(database: str | None, query: str) -> list[list[str]]:
    out = _run([*_mariadb_args(database), "-e", query])
    return [line.split("\t") for line in out.splitlines() if line]


def mariadb_available() -> bool:
    try:
        mariadb_query(None, "SELECT 1")
    except (ClientError, subprocess.TimeoutExpired):
        return False
    return True


@contextmanager
def mariadb_database(label: str) -> Iterator[str]:
    """A fresh MariaDB database; yields its name, drops it afterwards."""
    name = _scratch_name(label)
    mariadb_query(None, f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    try:
        yield name
    finally:
        mariadb_query(None, f"DROP DATABASE IF EXISTS `{name}`")


_DATABASE_STATEMENT = re.compile(
    r"^[ \t]*(?:(?:DROP|CREATE)[ \t]+(?:DATABASE|SCHEMA)\b[^;]*|USE[ \t]+[^;\s]+[ \t]*);",
    re.IGNORECASE | re.MULTILINE,
)


def mariadb(database: str, path: Path) -> None:
    """Run a SQL file with the `mariadb` client (batch mode stops at the first error). A
    script that drops, creates and switches to a database of its own (`USE employees`) runs
    in the scratch database instead: on a shared server a test must not touch a database the
    script names, as a user would pick the database on the command line."""
    script = path.read_bytes()
    if not _DATABASE_STATEMENT.search(script.decode(errors="replace")):
        _run(_mariadb_args(database), stdin=path)
        return
    pattern = re.compile(_DATABASE_STATEMENT.pattern.encode(), re.IGNORECASE | re.MULTILINE)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(pattern.sub(b"", script))
        _run(_mariadb_args(database), stdin=copy)


def mariadb_orphans(database: str) -> dict[str, int]:
    rows = mariadb_query(
        None,
        "SELECT CONSTRAINT_NAME, TABLE_NAME, REFERENCED_TABLE_NAME, COLUMN_NAME, "
        "REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE "
        f"TABLE_SCHEMA = '{database}' AND REFERENCED_TABLE_NAME IS NOT NULL "
        "ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
    )
    grouped: dict[tuple[str, str, str], list[tuple[str, str]]] = {}
    for name, child, parent, column, ref_column in rows:
        grouped.setdefault((name, child, parent), []).append((column, ref_column))
    if not grouped:
        return {}
    queries = []
    for (name, child, parent), pairs in grouped.items():
        not_null = " AND ".join(f"c.`{col}` IS NOT NULL" for col, _ in pairs)
        match = " AND ".join(f"p.`{ref}` = c.`{col}`" for col, ref in pairs)
        label = f"{child}.{name} -> {parent}".replace("'", "''")
        queries.append(
            f"SELECT '{label}', count(*) FROM `{child}` c WHERE {not_null} "
            f"AND NOT EXISTS (SELECT 1 FROM `{parent}` p WHERE {match})"
        )
    counted = mariadb_query(database, " UNION ALL ".join(queries))
    return {label: int(count) for label, count in counted if int(count)}


def mariadb_counts(database: str, tables: list[str]) -> dict[str, int]:
    if not tables:
        return {}
    query = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM `{t}`" for t in tables)
    return {label: int(count) for label, count in mariadb_query(database, query)}


# ---------------------------------------------------------------------------- SQLite


def sqlite(path: Path, script: Path) -> None:
    """Run a SQL file with the `sqlite3` shell, foreign keys on, stopping at the first error."""
    _run(["sqlite3", "-bail", "-cmd", "PRAGMA foreign_keys=ON", str(path)], stdin=script)


def sqlite_orphans(path: Path) -> dict[str, int]:
    """`PRAGMA foreign_key_check`: every row whose parent is missing, per child and parent."""
    connection = sqlite3.connect(path)
    try:
        orphans: dict[str, int] = {}
        for child, _rowid, parent, fk_id in connection.execute("PRAGMA foreign_key_check"):
            label = f"{child}.fk{fk_id} -> {parent}"
            orphans[label] = orphans.get(label, 0) + 1
        return orphans
    finally:
        connection.close()


def sqlite_counts(path: Path, tables: list[str]) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        connection.close()


# ---------------------------------------------------------------------------- a whole file


class MemorySource:
    """Each table generated once and kept: the several loads of one file share the rows."""

    def __init__(self, plan):
        from datagen_assets.write.exports.sources import EngineSource

        self.engine = EngineSource(plan)
        self.frames: dict[str, list] = {}

    def row_count(self, table) -> int:
        return table.rows

    def chunks(self, table, limit: int | None = None):
        if table.key not in self.frames:
            self.frames[table.key] = list(self.engine.chunks(table))
        frames = self.frames[table.key]
        if limit is None:
            return iter(frames)
        return iter([f.head(limit) for f in frames])


def dialect_of(path: Path) -> str:
    parts = path.name.split(".")
    return parts[-2] if len(parts) >= 3 else "postgres"


def _export(plan, source, fmt: str, folder: Path, dialect: str | None = None) -> Path:
    from datagen_assets.write.exports.api import export_dataset

    manifest = export_dataset(plan, source, fmt, str(folder), dialect=dialect)
    (written,) = manifest.files
    return folder / written.path


def _expect(counts: dict[str, int], wanted: dict[str, int]) -> str | None:
    wrong = {t: (counts.get(t), n) for t, n in wanted.items() if counts.get(t) != n}
    if wrong:
        shown = ", ".join(f"{t}: {got} of {n}" for t, (got, n) in list(wrong.items())[:3])
        return f"row counts differ ({len(wrong)} table(s)): {shown}"
    return None


def _orphans(found: dict[str, int]) -> str | None:
    if found:
        shown = ", ".join(f"{k}: {n}" for k, n in list(found.items())[:3])
        return f"orphans in {len(found)} foreign key(s): {shown}"
    return None


QUICK_STAGES = {
    "postgres": ("psql insert", "pg target"),
    "ansi": ("psql insert", "pg target"),
    "mysql": ("mariadb insert", "pg target create"),
    "sqlite": ("sqlite3 insert", "sqlite target"),
}  # other dialects have no engine here: both translated PostgreSQL loads


def native_loads(path: Path, plan, work: Path, quick: bool = False) -> dict[str, str | None]:
    """Every native load that applies to a schema file, each in a fresh database; stage name
    -> None when it loaded with every row and no orphan, else the first error.

    - the file's own engine (PostgreSQL for postgres/ANSI, MariaDB for mysql, sqlite3 for
      sqlite): the ORIGINAL DDL run by the engine's client, then the INSERT export of that
      dialect run by the same client; for PostgreSQL and SQLite also the target (append_only
      into the original DDL);
    - PostgreSQL through DataGen's translation, for every file: the pgdump export run by psql,
      and the PostgreSQL target creating the tables (create_if_missing).

    `quick` runs two stages per file (`QUICK_STAGES`): the client's INSERT and a target.
    """
    from datagen_assets.write.exports import pg_ddl
    from datagen_assets.write.sqlite import sqlite_table_name
    from datagen_assets.write.targets import APPEND_ONLY, CREATE_IF_MISSING, load_dataset

    dialect = dialect_of(path)
    source = MemorySource(plan)
    tables = [tp.table for tp in plan.tables.values()]
    wanted_pg = {pg_ddl.table_name(t): plan.table(t.key).rows for t in tables}
    # in the file's own engine an INSERT trigger fills some tables: their rows are its own
    own = [t for t in tables if not t.filled_by]
    results: dict[str, str | None] = {}

    chosen = QUICK_STAGES.get(dialect, ("pgdump", "pg target create")) if quick else None

    def stage(name, run) -> None:
        if chosen is not None and name not in chosen:
            return
        try:
            results[name] = run()
        except Exception as error:  # the first error is the result
            text = " ".join(line.strip() for line in str(error).strip().splitlines()[:3])
            results[name] = f"{type(error).__name__}: {text}"[:400]

    def pg_check(url) -> str | None:
        return _expect(postgres_counts(url, list(wanted_pg)), wanted_pg) or _orphans(
            postgres_orphans(url)
        )

    if dialect in ("postgres", "ansi"):

        def pg_insert():
            script = _export(plan, source, "sql", work / "pg_insert", "postgres")
            with postgres_database(path.stem) as url:
                psql(url, path)
                psql(url, script)
                return pg_check(url)

        def pg_target():
            with postgres_database(path.stem) as url:
                psql(url, path)
                load_dataset(plan, source, url, APPEND_ONLY)
                return pg_check(url)

        stage("psql insert", pg_insert)
        stage("pg target", pg_target)
    elif dialect == "mysql":

        def my_insert():
            script = _export(plan, source, "sql", work / "my_insert", "mysql")
            with mariadb_database(path.stem) as database:
                mariadb(database, path)
                mariadb(database, script)
                wanted = {t.name: plan.table(t.key).rows for t in own}
                return _expect(mariadb_counts(database, list(wanted)), wanted) or _orphans(
                    mariadb_orphans(database)
                )

        stage("mariadb insert", my_insert)
    elif dialect == "sqlite":

        def lite_insert():
            script = _export(plan, source, "sql", work / "lite_insert", "sqlite")
            db = work / "insert.sqlite3"
            sqlite(db, path)
            sqlite(db, script)
            wanted = {t.name: plan.table(t.key).rows for t in own}
            return _expect(sqlite_counts(db, list(wanted)), wanted) or _orphans(sqlite_orphans(db))

        def lite_target():
            db = work / "target.sqlite3"
            sqlite(db, path)
            load_dataset(plan, source, str(db), APPEND_ONLY)
            wanted = {sqlite_table_name(t): plan.table(t.key).rows for t in own}
            return _expect(sqlite_counts(db, list(wanted)), wanted) or _orphans(sqlite_orphans(db))

        stage("sqlite3 insert", lite_insert)
        stage("sqlite target", lite_target)

    def pgdump():
        script = _export(plan, source, "pgdump", work / "pgdump")
        with postgres_database(path.stem) as url:
            psql(url, script)
            return pg_check(url)

    def pg_create():
        with postgres_database(path.stem) as url:
            load_dataset(plan, source, url, CREATE_IF_MISSING)
            return pg_check(url)

    stage("pgdump", pgdump)
    stage("pg target create", pg_create)
    return results

"""Live PostgreSQL introspection, against the real server.

For every shared PostgreSQL reference schema: apply it with psql, snapshot the database, and
check that the snapshot imports (with `load_ddl`) into the same model as the original file,
that its counts agree with what pg_catalog reports, and that loading the snapshot into a
second database and snapshotting that gives the same text (header aside). Then the parts the
reference schemas do not exercise (types, sequences, user functions, odd names), the profile's
privacy rule, and the command line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import psycopg
import pytest
import yaml

from datagen_assets.schema.ddl import load_ddl, parse_ddl
from datagen_assets.schema.introspect import (
    looks_personal,
    main,
    profile_path,
    profile_postgres,
    redact,
    snapshot_postgres,
    write_snapshot,
)
from datagen_assets.schema.model import Schema, TypeKind
from datagen_tests.conftest import SHARED_SCHEMAS, shared_schemas


@dataclass(frozen=True)
class Counts:
    tables: int
    columns: int
    primary_keys: int  # tables with a primary key
    foreign_keys: int
    uniques: int  # distinct column sets, the primary key's excepted
    checks: int
    unique_indexes: int = 0  # partial, or on lower()/upper()/trim() of columns


def model_counts(schema: Schema) -> Counts:
    tables = list(schema.tables.values())
    return Counts(
        tables=len(tables),
        columns=sum(len(t.columns) for t in tables),
        primary_keys=sum(1 for t in tables if t.primary_key),
        foreign_keys=sum(len(t.foreign_keys) for t in tables),
        uniques=sum(len(t.uniques) for t in tables),
        checks=sum(len(t.checks) for t in tables),
        unique_indexes=sum(len(t.unique_indexes) for t in tables),
    )


_USER_TABLES = """
SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
"""


# A key part of a unique index the importer models: a column, or lower/upper/trim of one
# (through casts to text), as pg_get_indexdef prints it.
_FOLDED_PART = re.compile(
    r"^(?:(?:lower|upper|btrim|ltrim|rtrim)\(|TRIM\((?:BOTH|LEADING|TRAILING) FROM |\()*"
    r'(?:"(?:[^"]|"")+"|\w+)(?:\)|::(?:text|character varying))*$'
)


def catalog_counts(url: str) -> Counts:
    """The same counts, straight from pg_catalog (unique = unique indexes on plain columns,
    without predicate, whose column set is not the primary key's: what the importer keeps;
    unique indexes = those with a predicate or expressions, every key part a column or
    lower/upper/trim of one: what the importer models, other expressions being skipped)."""
    with psycopg.connect(url) as connection:
        oids = [row[0] for row in connection.execute(_USER_TABLES)]

        def count(query: str) -> int:
            return connection.execute(query, [oids]).fetchone()[0]

        columns = count(
            "SELECT count(*) FROM pg_attribute WHERE attrelid = ANY(%s) "
            "AND attnum > 0 AND NOT attisdropped"
        )
        constraints = {
            kind: count(
                f"SELECT count(*) FROM pg_constraint "
                f"WHERE conrelid = ANY(%s) AND contype = '{kind}'"
            )
            for kind in "pfc"
        }
        indexes = connection.execute(
            "SELECT indrelid, indisprimary, (indkey::int2[])[0:indnkeyatts - 1] FROM pg_index "
            "WHERE indrelid = ANY(%s) AND indisunique AND indexprs IS NULL AND indpred IS NULL",
            [oids],
        ).fetchall()
        expression_parts = connection.execute(
            "SELECT array_agg(pg_get_indexdef(indexrelid, k, true)) FROM pg_index, "
            "generate_series(1, indnkeyatts) AS k WHERE indrelid = ANY(%s) AND indisunique "
            "AND (indexprs IS NOT NULL OR indpred IS NOT NULL) GROUP BY indexrelid",
            [oids],
        ).fetchall()
    primary = {relid: frozenset(keys) for relid, is_primary, keys in indexes if is_primary}
    uniques = {
        (relid, frozenset(keys))
        for relid, is_primary, keys in indexes
        if not is_primary and frozenset(keys) != primary.get(relid)
    }
    return Counts(
        tables=len(oids),
        columns=columns,
        primary_keys=constraints["p"],
        foreign_keys=constraints["f"],
        uniques=len(uniques),
        checks=constraints["c"],
        unique_indexes=sum(all(map(_FOLDED_PART.match, parts)) for (parts,) in expression_parts),
    )


def signature(schema: Schema) -> dict:
    """What generation depends on, per table: columns with types and nullability, keys,
    foreign keys, the number of CHECKs. Defaults are left out (spelled differently)."""
    return {
        table.key: (
            tuple(
                (c.name, c.type.kind, c.type.length, c.type.precision, c.type.scale,
                 c.type.enum_values, c.type.array, c.nullable, c.autoincrement)
                for c in table.columns
            ),
            table.primary_key,
            sorted(sorted(unique) for unique in table.uniques),
            sorted((ix.columns, ix.folded, ix.where is None) for ix in table.unique_indexes),
            sorted((fk.columns, fk.ref_table, fk.ref_columns) for fk in table.foreign_keys),
            len(table.checks),
        )
        for table in schema.tables.values()
    }  # fmt: skip


def body(snapshot: str) -> str:
    """The snapshot without its header (the comment lines before the first blank line)."""
    header, _, rest = snapshot.partition("\n\n")
    assert all(line.startswith("-- ") for line in header.splitlines())
    return rest


def apply_sql(url: str, path: Path) -> None:
    psql = shutil.which("psql")
    if psql is None:
        pytest.fail("psql is required to apply DDL to the test database")
    result = subprocess.run(
        [psql, url, "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, f"psql failed on {path.name}:\n{result.stderr}"


def _postgres_files() -> list[str]:
    if not SHARED_SCHEMAS.is_dir():
        return ["absent"]  # the test then skips (fails under CI) through shared_schemas()
    return sorted(p.name for p in SHARED_SCHEMAS.glob("*.postgres.sql"))


def _stem(name: str) -> str:
    return name.split(".")[0]


def _unique(name: str) -> str:
    """Database names per process: parallel pytest runs on the same server must not collide."""
    return f"{name}_{os.getpid()}"


@pytest.mark.parametrize("file_name", _postgres_files(), ids=_stem)
def test_snapshot_imports_like_the_original(file_name, fresh_database, tmp_path):
    original = shared_schemas() / file_name
    url = fresh_database(_unique(f"snap_{_stem(file_name)}"))
    apply_sql(url, original)

    snapshot = snapshot_postgres(url)
    from_snapshot = parse_ddl(snapshot, "postgres", source="snapshot")
    from_file = load_ddl(original)

    assert model_counts(from_snapshot) == model_counts(from_file) == catalog_counts(url)
    assert signature(from_snapshot) == signature(from_file)


@pytest.mark.parametrize("file_name", _postgres_files(), ids=_stem)
def test_snapshot_round_trip_is_stable(file_name, fresh_database, tmp_path):
    original = shared_schemas() / file_name
    first_url = fresh_database(_unique(f"rt1_{_stem(file_name)}"))
    second_url = fresh_database(_unique(f"rt2_{_stem(file_name)}"))
    apply_sql(first_url, original)
    first = snapshot_postgres(first_url)
    snapshot_file = tmp_path / f"{_stem(file_name)}.postgres.sql"
    snapshot_file.write_text(first)

    apply_sql(second_url, snapshot_file)
    second = snapshot_postgres(second_url)

    assert body(second) == body(first)
    assert first_url.rsplit("/", 1)[1] in first.splitlines()[0]  # the header names the source


# -- what the reference schemas do not exercise ----------------------------------------------

KITCHEN_SINK = r"""
CREATE SCHEMA sales;
CREATE TYPE sales.mood AS ENUM ('sad', 'ok', 'it''s fine');
CREATE DOMAIN positive_int AS integer NOT NULL CHECK (VALUE > 0);
CREATE DOMAIN sales.happy_mood AS sales.mood DEFAULT 'ok';
CREATE TYPE price_range AS (low numeric(10,2), high numeric(10,2));
CREATE SEQUENCE shared_ids;
CREATE FUNCTION next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'C' || nextval('shared_ids') $$;
CREATE TABLE "Customer" (
    "CustomerId" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text DEFAULT next_code(),
    ticket bigint DEFAULT nextval('shared_ids') NOT NULL,
    qty positive_int,
    double_qty integer GENERATED ALWAYS AS (qty * 2) STORED,
    moods sales.mood[],
    feeling sales.happy_mood,
    prices price_range,
    nick varchar(30) COLLATE "C",
    CONSTRAINT code_check CHECK (length(code) > 1),
    CONSTRAINT code_not_next CHECK (code <> next_code())
);
CREATE UNIQUE INDEX customer_nick ON "Customer" (nick);
CREATE TABLE sales.orders (
    id serial PRIMARY KEY,
    customer bigint REFERENCES "Customer" ON DELETE CASCADE,
    note text
);
ALTER TABLE sales.orders DROP COLUMN note;
ALTER TABLE sales.orders ADD COLUMN note text;
COMMENT ON TABLE sales.orders IS 'It''s a \ backslash';
COMMENT ON COLUMN "Customer".nick IS 'nick name';
"""


def test_snapshot_of_types_sequences_and_user_functions(fresh_database, tmp_path):
    url, copy_url = fresh_database(_unique("snap_sink")), fresh_database(_unique("snap_sink_copy"))
    source = tmp_path / "sink.sql"
    source.write_text(KITCHEN_SINK)
    apply_sql(url, source)

    snapshot = snapshot_postgres(url)

    # dependencies first: schema, then the enum, then the domain over it; sequences early
    order = [
        "CREATE SCHEMA IF NOT EXISTS sales;",
        "CREATE TYPE sales.mood AS ENUM ('sad', 'ok', 'it''s fine');",
        "CREATE DOMAIN sales.happy_mood AS sales.mood",
        "CREATE SEQUENCE IF NOT EXISTS shared_ids;",
        'CREATE TABLE "Customer"',
        "CREATE TABLE sales.orders",
        "ALTER TABLE sales.orders ADD CONSTRAINT",
    ]
    positions = [snapshot.index(text) for text in order]
    assert positions == sorted(positions)
    assert "CREATE TYPE price_range AS (" in snapshot
    assert '"CustomerId" bigint GENERATED ALWAYS AS IDENTITY NOT NULL' in snapshot
    assert "id serial NOT NULL" in snapshot
    assert "double_qty integer GENERATED ALWAYS AS (((qty)::integer * 2)) STORED" in snapshot
    assert 'COLLATE pg_catalog."C"' in snapshot
    assert 'CREATE UNIQUE INDEX customer_nick ON "Customer" USING btree (nick);' in snapshot
    assert "COMMENT ON TABLE sales.orders IS E'It''s a \\\\ backslash';" in snapshot
    left_out = [line for line in snapshot.splitlines() if "left out (calls next_code())" in line]
    assert len(left_out) == 2  # the DEFAULT and the CHECK that call a user function

    model = parse_ddl(snapshot, "postgres").table("Customer")
    assert model.column("CustomerId").autoincrement
    assert model.column("moods").type.array and model.column("moods").type.enum_values
    assert model.column("qty").domain_checks and not model.column("qty").nullable
    assert model.uniques == (("nick",),)

    # loads into an empty database; a second snapshot differs only by what was left out
    snapshot_file = tmp_path / "sink.postgres.sql"
    snapshot_file.write_text(snapshot)
    apply_sql(copy_url, snapshot_file)
    again = snapshot_postgres(copy_url)
    kept = [line for line in body(snapshot).splitlines() if line not in left_out]
    assert body(again).splitlines() == kept


def test_table_and_schema_selection(fresh_database, tmp_path):
    url = fresh_database(_unique("snap_select"))
    source = tmp_path / "sink.sql"
    source.write_text(KITCHEN_SINK)
    apply_sql(url, source)

    only_sales = parse_ddl(snapshot_postgres(url, schemas=["sales"]), "postgres")
    assert list(only_sales.tables) == ["sales.orders"]
    snapshot = snapshot_postgres(url, tables=["sales.orders"])
    assert "-- left out, it references a table outside the snapshot:" in snapshot
    with pytest.raises(ValueError, match="no_such_table"):
        snapshot_postgres(url, tables=["no_such_table"])
    with pytest.raises(ValueError, match="no tables in schema"):  # no empty schema files
        snapshot_postgres(url, schemas=["nothing_here"])


# -- the profile -----------------------------------------------------------------------------

PEOPLE = """
CREATE TABLE members (
    id serial PRIMARY KEY,
    full_name text NOT NULL,
    email varchar(80),
    birth_date date,
    tier text NOT NULL,
    score integer,
    joined date NOT NULL,
    active boolean NOT NULL
);
INSERT INTO members (full_name, email, birth_date, tier, score, joined, active)
SELECT 'Person ' || i, 'person' || i || '@example.org', DATE '1980-01-01' + i,
       (ARRAY['gold', 'silver', 'bronze', 'bronze'])[1 + i % 4],
       CASE WHEN i % 5 = 0 THEN NULL ELSE i END, DATE '2024-01-01' + i, i % 2 = 0
FROM generate_series(1, 100) AS i;
"""


def test_profile_reports_statistics_but_never_personal_values(fresh_database, tmp_path):
    url = fresh_database(_unique("profile"))
    source = tmp_path / "people.sql"
    source.write_text(PEOPLE)
    apply_sql(url, source)

    profile = profile_postgres(url)
    members = profile["tables"]["members"]
    columns = members["columns"]

    assert members["rows"] == 100
    assert columns["score"] == {"null_fraction": 0.2, "distinct": 80, "min": 1, "max": 99}
    assert columns["joined"]["min"] == "2024-01-02" and columns["joined"]["max"] == "2024-04-10"
    assert columns["tier"]["top_values"] == [
        {"value": "bronze", "count": 50},
        {"value": "gold", "count": 25},
        {"value": "silver", "count": 25},
    ]
    assert columns["active"]["top_values"][0]["count"] == 50
    for personal in ("full_name", "email", "birth_date"):
        assert columns[personal]["personal"] is True
        assert not {"top_values", "min", "max"} & set(columns[personal])
    assert columns["email"]["null_fraction"] == 0.0 and columns["email"]["distinct"] == 100
    dumped = yaml.safe_dump(profile)
    assert "Person" not in dumped and "example.org" not in dumped and "1980" not in dumped


def test_personal_names():
    for name in ("first_name", "email", "PhoneNumber", "street_address", "ssn", "dob", "zip"):
        assert looks_personal(name), name
    for name in ("tier", "status", "quantity", "created_at", "country_code"):
        assert not looks_personal(name), name


# -- writing files and the command line ------------------------------------------------------


def test_write_snapshot_is_atomic_and_writes_the_profile(fresh_database, tmp_path):
    url = fresh_database(_unique("snap_write"))
    source = tmp_path / "people.sql"
    source.write_text(PEOPLE)
    apply_sql(url, source)
    out = tmp_path / "out" / "people.postgres.sql"
    out.parent.mkdir()
    out.write_text("old content")
    out.chmod(0o640)

    written = write_snapshot(url, out, profile=True)

    assert written == [out, tmp_path / "out" / "people.profile.yaml"]
    assert profile_path(out) == written[1]
    listed = sorted(p.name for p in out.parent.iterdir() if p.name != ".datagen")
    assert listed == sorted(p.name for p in written)
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o640  # replaced, not recreated with mkstemp's 0600
    assert written[1].stat().st_mode & 0o777 == 0o666 & ~umask
    assert load_ddl(out).table("members").column("id").autoincrement
    assert yaml.safe_load(written[1].read_text())["tables"]["members"]["rows"] == 100
    # editors complete and check it: the first line points at its schema, written beside it
    first = written[1].read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=.datagen/profile.schema.json"
    schema = json.loads((out.parent / ".datagen" / "profile.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(written[1].read_text()))


def test_command_line_never_shows_the_password(fresh_database, tmp_path, capsys):
    url = fresh_database(_unique("snap_cli"))
    source = tmp_path / "people.sql"
    source.write_text(PEOPLE)
    apply_sql(url, source)
    # trust authentication ignores the password, so the DSN works and carries a secret
    secret_url = url.replace("postgres@", "postgres:hunter2@")
    out = tmp_path / "people.postgres.sql"

    code = main(["--dsn", secret_url, "--schema", "public", "--out", str(out), "--profile"])
    failed = main(["--dsn", secret_url, "--table", "missing", "--out", str(out)])
    unreadable = main(["--dsn", "host=localhost password=hunter2 dbname", "--out", str(out)])

    printed = capsys.readouterr()
    assert (code, failed, unreadable) == (0, 1, 2)
    assert "hunter2" not in printed.out + printed.err
    assert "wrote" in printed.out and "missing" in printed.err
    assert "hunter2" not in out.read_text() + profile_path(out).read_text()
    table = load_ddl(out).table("members")
    assert table.column("tier").type.kind == TypeKind.TEXT
    assert "hunter2" not in redact(secret_url) and "password" not in redact(secret_url)

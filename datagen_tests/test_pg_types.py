"""PostgreSQL's range, bit-string, geometric and text-search types: imported as their own
kinds, generated as values PostgreSQL parses, unique where PostgreSQL can compare them."""

from __future__ import annotations

import pytest

from datagen_assets.generate.engine import engine_for, generate
from datagen_assets.schema.ddl import parse_ddl
from datagen_assets.schema.model import SchemaError, TypeKind
from datagen_assets.write.exports import EngineSource
from datagen_assets.write.exports.api import export_dataset
from datagen_assets.write.targets import load_dataset
from datagen_tests.test_exports import _psql
from datagen_tests.test_targets import Postgres, _plan

DDL = """
CREATE TABLE bookings (
    id       INTEGER PRIMARY KEY,
    during   TSRANGE NOT NULL,
    zoned    TSTZRANGE,
    days     DATERANGE UNIQUE,
    seats    INT4RANGE UNIQUE,
    big      INT8RANGE,
    price    NUMRANGE,
    slots    INT4RANGE[],
    flags    BIT(12) UNIQUE,
    mask     BIT VARYING(16),
    bits     VARBIT,
    area     BOX,
    zone     CIRCLE,
    edge     LSEG,
    border   LINE,
    shape    POLYGON,
    route    PATH,
    search   TSVECTOR UNIQUE,
    query    TSQUERY,
    owner    OID,
    grade    "char" NOT NULL
);
"""
CONFIG = "seed: 11\nrows: 500\nchunk_rows: 200\nnull_fraction: 0.1\nedge_case_pct: 20\n"


def test_types_import_as_their_families():
    table = parse_ddl(DDL, "postgres").table("bookings")
    kinds = {c.name: (c.type.kind, c.type.length) for c in table.columns}
    assert kinds["during"] == kinds["seats"] == (TypeKind.RANGE, None)
    assert kinds["flags"] == (TypeKind.BITS, 12)
    assert kinds["mask"] == (TypeKind.BITS, 16)
    assert kinds["bits"] == (TypeKind.BITS, None)
    assert {kinds[c][0] for c in ("area", "zone", "edge", "border", "shape", "route")} == {
        TypeKind.GEOMETRY
    }
    assert kinds["search"][0] == TypeKind.TSVECTOR and kinds["query"][0] == TypeKind.TSQUERY
    assert kinds["owner"][0] == TypeKind.INTEGER and kinds["grade"] == (TypeKind.CHAR, 1)
    assert parse_ddl(DDL, "postgres").notes == ()


def test_values_load_into_postgres_and_mean_what_they_say(tmp_path, fresh_database):
    plan = _plan(tmp_path, DDL, CONFIG, name="bookings")
    url = fresh_database("pg_types")
    report = load_dataset(plan, EngineSource(plan), url)
    assert report.notes == [] and report.rows == 500
    target = Postgres(url)
    assert target.rows(
        "SELECT count(*) FILTER (WHERE isempty(during) OR lower(during) >= upper(during)),"
        " count(*) FILTER (WHERE length(flags) <> 12),"
        " count(*) FILTER (WHERE length(mask) NOT BETWEEN 1 AND 16),"
        " count(*) FILTER (WHERE radius(zone) <= 0),"
        " count(DISTINCT seats), count(DISTINCT flags), count(DISTINCT search),"
        " count(*) FILTER (WHERE numnode(query) <> 3)"
        " FROM bookings"
    ) == [(0, 0, 0, 0, 500, 500, 500, 0)]
    column_types = target.rows(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = "
        "'bookings'::regclass AND attname IN ('flags', 'mask', 'search', 'area') ORDER BY attname"
    )
    assert column_types == [("box",), ("bit(12)",), ("bit varying(16)",), ("tsvector",)]


def test_insert_statements_fit_the_users_own_table(tmp_path, fresh_database):
    plan = _plan(tmp_path, DDL, CONFIG, name="bookings")
    url = fresh_database("pg_types_sql")
    Postgres(url).rows(DDL)
    export_dataset(plan, EngineSource(plan), "sql", str(tmp_path / "sql"))
    (path,) = (tmp_path / "sql").glob("*.sql")
    _psql(url, path)
    assert Postgres(url).rows("SELECT count(*) FROM bookings") == [(500,)]


def test_unique_bit_strings_are_bounded_by_their_width(tmp_path):
    ddl = "CREATE TABLE t (id INT PRIMARY KEY, code BIT(4) UNIQUE);"
    with pytest.raises(SchemaError, match="code"):  # the table's own count: a problem
        engine_for(_plan(tmp_path, ddl, "tables: {t: {rows: 17}}\n", name="t"))
    plan = _plan(tmp_path, ddl, "rows: 17\n", name="t")  # a default count: capped at 16
    assert plan.table("t").rows == 16
    assert sorted(generate(plan, "t", 0, 16)["code"]) == [format(i, "04b") for i in range(16)]


EXCLUDED = """
CREATE TABLE rooms (id INT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE bookings (
    id      INT PRIMARY KEY,
    room_id INT NOT NULL REFERENCES rooms (id),
    during  TSTZRANGE NOT NULL,
    seats   INT4RANGE,
    EXCLUDE USING gist (room_id WITH =, during WITH &&),
    EXCLUDE USING gist (seats WITH &&)
);
"""


def test_exclusion_constraints_over_ranges_hold(tmp_path, fresh_database):
    """Overlapping bookings of one room are what EXCLUDE forbids: the ranges are made
    pairwise disjoint, so the user's table with its exclusion constraints takes every row."""
    assert parse_ddl(EXCLUDED, "postgres").table("bookings").exclusions == ("during", "seats")
    plan = _plan(tmp_path, EXCLUDED, "rows: 400\ntables:\n  rooms: {rows: 3}\n", name="rooms")
    url = fresh_database("pg_exclude")
    Postgres(url).rows("CREATE EXTENSION IF NOT EXISTS btree_gist")
    Postgres(url).rows(EXCLUDED)
    export_dataset(plan, EngineSource(plan), "sql", str(tmp_path / "sql"))
    (path,) = (tmp_path / "sql").glob("*.sql")
    _psql(url, path)
    assert Postgres(url).rows("SELECT count(*) FROM bookings") == [(400,)]

"""Generated (computed) columns: values follow the expression, as the database would compute
them, and every load or INSERT leaves them to the database, which rejects explicit values."""

from __future__ import annotations

import sqlite3

import polars as pl
import pytest

from datagen_assets.generate.engine import engine_for, generate
from datagen_assets.schema.ddl import parse_ddl
from datagen_assets.schema.model import SchemaError
from datagen_assets.write.exports import EngineSource
from datagen_assets.write.exports.api import export_dataset
from datagen_assets.write.targets import load_dataset
from datagen_tests.test_exports import _psql
from datagen_tests.test_targets import Postgres, _plan

ITEMS = """
CREATE TABLE items (
    id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    price  NUMERIC(10,2) NOT NULL CHECK (price > 0),
    qty    INTEGER NOT NULL CHECK (qty BETWEEN 1 AND 5),
    note   TEXT,
    total  NUMERIC(12,2) GENERATED ALWAYS AS (price * qty) STORED,
    label  TEXT GENERATED ALWAYS AS (upper(coalesce(note, 'none'))) STORED
);
"""
CONFIG = "seed: 3\nrows: 400\nchunk_rows: 150\nnull_fraction: 0.2\nedge_case_pct: 10\n"


def test_every_dialect_imports_the_expression_as_postgres_sql():
    cases = {
        "postgres": "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) STORED)",
        "mysql": "CREATE TABLE t (a INT, b INT AS (a * 2) STORED)",
        "tsql": "CREATE TABLE t (a INT, b AS (a * 2) PERSISTED)",
        "sqlite": "CREATE TABLE t (a INT, b INT GENERATED ALWAYS AS (a * 2) VIRTUAL)",
    }
    for dialect, ddl in cases.items():
        table = parse_ddl(ddl, dialect).table("t")
        assert table.column("b").computed == "a * 2", dialect
        assert table.stored_columns == ("a",)


def test_values_follow_the_expression_over_stored_values(tmp_path):
    plan = _plan(tmp_path, ITEMS, CONFIG, name="items")
    frame = generate(plan, "items", 0, 400)
    assert frame["note"].null_count() > 0  # NULLs and edge cases reach the inputs ...
    expected = frame.select(
        (pl.col("price") * pl.col("qty")).cast(pl.Decimal(12, 2)).alias("total"),
        pl.col("note").fill_null("none").str.to_uppercase().alias("label"),
    )
    assert frame.select("total", "label").equals(expected)  # ... and the values follow them
    assert engine_for(plan).notes == []


def test_loads_and_inserts_leave_them_to_postgres(tmp_path, fresh_database):
    plan = _plan(tmp_path, ITEMS, CONFIG, name="items")
    frame = generate(plan, "items", 0, 400)
    computed = "SELECT total, label FROM items ORDER BY id"
    expected = frame.sort("id").select("total", "label").rows()

    created = fresh_database("generated_created")  # the target creates the table itself
    report = load_dataset(plan, EngineSource(plan), created)
    assert report.notes == []
    target = Postgres(created)
    assert target.rows(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'items'::regclass "
        "AND attgenerated = 's' ORDER BY attnum"
    ) == [("total",), ("label",)]
    assert target.rows(computed) == expected  # PostgreSQL computed what DataGen wrote

    existing = fresh_database("generated_existing")  # the user's own table, from the DDL
    Postgres(existing).rows(ITEMS)
    load_dataset(plan, EngineSource(plan), existing)
    assert Postgres(existing).rows(computed) == expected

    for fmt in ("sql", "pgdump"):  # INSERT statements into the user's table; a COPY dump
        url = fresh_database(f"generated_{fmt}")
        if fmt == "sql":
            Postgres(url).rows(ITEMS)
        export_dataset(plan, EngineSource(plan), fmt, str(tmp_path / fmt))
        (path,) = (tmp_path / fmt).glob("*.sql")
        if fmt == "sql":
            assert '"total"' not in path.read_text()
        _psql(url, path)
        assert Postgres(url).rows(computed) == expected, fmt


def test_another_dialects_expression_becomes_a_plain_postgres_column(tmp_path, fresh_database):
    """MySQL's CONCAT is not immutable in PostgreSQL, so it cannot be a generation expression
    there: the column is created plain and holds the values DataGen computed."""
    ddl = """CREATE TABLE people (
        id INT PRIMARY KEY, first VARCHAR(20) NOT NULL, last VARCHAR(20) NOT NULL,
        full_name VARCHAR(41) AS (CONCAT(first, ' ', last)) STORED
    );"""
    plan = _plan(tmp_path, ddl, "rows: 50\n", name="people.mysql")
    url = fresh_database("generated_mysql")
    load_dataset(plan, EngineSource(plan), url)
    rows = Postgres(url).rows("SELECT first || ' ' || last = full_name FROM people")
    assert rows == [(True,)] * 50


def test_sqlite_tables_with_generated_columns_take_the_rest(tmp_path):
    plan = _plan(tmp_path, ITEMS, CONFIG, name="items")
    database = tmp_path / "user.sqlite"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "CREATE TABLE items (id INTEGER PRIMARY KEY, price NUMERIC, qty INTEGER, note TEXT,"
            " total NUMERIC GENERATED ALWAYS AS (price * qty) STORED,"
            " label TEXT GENERATED ALWAYS AS (upper(coalesce(note, 'none'))) VIRTUAL)"
        )
    report = load_dataset(plan, EngineSource(plan), f"sqlite:///{database}")
    assert report.rows == 400
    with sqlite3.connect(database) as connection:
        wrong = connection.execute(
            "SELECT count(*) FROM items WHERE abs(total - price * qty) > 0.001"
        ).fetchone()
    assert wrong == (0,)


def test_a_generator_on_a_computed_column_is_a_problem(tmp_path):
    config = CONFIG + "tables:\n  items:\n    columns:\n      total: {generator: const, value: 1}\n"
    plan = _plan(tmp_path, ITEMS, config, name="items")
    with pytest.raises(SchemaError) as error:
        engine_for(plan)
    assert "items.total: is computed by the database (AS (price * qty))" in str(error.value)


def test_an_expression_polars_cannot_evaluate_is_noted_and_left_to_postgres(
    tmp_path, fresh_database
):
    ddl = """CREATE TABLE docs (
        id INT PRIMARY KEY, body TEXT NOT NULL,
        search TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', body)) STORED
    );"""
    plan = _plan(tmp_path, ddl, "rows: 30\n", name="docs")
    (note,) = [n.message for n in engine_for(plan).notes]
    assert note.startswith("docs.search: polars cannot evaluate TO_TSVECTOR(")
    url = fresh_database("generated_tsvector")
    load_dataset(plan, EngineSource(plan), url)
    assert Postgres(url).rows("SELECT count(*) FROM docs WHERE search IS NOT NULL") == [(30,)]

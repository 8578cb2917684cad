"""CHECK ranges hold by construction and shape the values: date and timestamp literals,
numbers, unions of ranges (`a OR b`); CHECKs the engine can only repair either hold or stop
the run before anything is written, also under a generator the config names."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from datagen_assets.generate.engine import engine_for, generate
from datagen_assets.plan.preflight import preflight
from datagen_assets.schema.model import SchemaError
from datagen_tests.test_targets import Postgres, _plan

RANGES = """
CREATE TABLE readings (
    id       INTEGER PRIMARY KEY,
    day      DATE NOT NULL CHECK (day >= '2024-01-01' AND day < '2024-04-01'),
    at       TIMESTAMP CHECK (at > '2024-03-01 08:00:00' AND at <= '2024-03-01 18:00:00'),
    at_utc   TIMESTAMPTZ CHECK (at_utc >= '2030-01-01'),
    level    INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    ratio    NUMERIC(4,3) CHECK (ratio > 0 AND ratio < 1),
    band     INTEGER NOT NULL CHECK ((band >= 0 AND band < 10) OR band BETWEEN 100 AND 109
                                     OR band = 500),
    season   DATE CHECK (season < '2000-01-01' OR season >= '2030-06-01'),
    price    NUMERIC(8,2) CHECK (price < 1 OR price > 99.5)
);
"""


@pytest.fixture
def frame(tmp_path) -> pl.DataFrame:
    plan = _plan(tmp_path, RANGES, "seed: 9\nrows: 4000\nnull_fraction: 0.1\n", name="readings")
    assert engine_for(plan).notes == []
    return generate(plan, "readings", 0, 4000)


def test_date_and_timestamp_literals_bound_the_values(frame):
    day, at = frame["day"], frame["at"].drop_nulls()
    assert day.min() >= dt.date(2024, 1, 1) and day.max() <= dt.date(2024, 3, 31)
    assert day.n_unique() > 80  # spread over the quarter, not piled on its ends
    assert at.min() > dt.datetime(2024, 3, 1, 8) and at.max() <= dt.datetime(2024, 3, 1, 18)
    assert frame["at_utc"].drop_nulls().min() >= dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def test_number_ranges_spread_over_what_they_allow(frame):
    counts = frame["level"].value_counts()
    assert sorted(counts["level"]) == [1, 2, 3, 4, 5]
    assert counts["count"].min() > 600  # each ~800 of 4000: not clipped onto 5
    ratio = frame["ratio"].drop_nulls().cast(pl.Float64)
    assert ratio.min() > 0 and ratio.max() < 1 and ratio.n_unique() > 500


def test_unions_of_ranges_hold_and_use_every_range(frame):
    band = frame["band"]
    assert band.is_between(0, 9).sum() > 0 and band.is_between(100, 109).sum() > 0
    assert (band == 500).sum() > 0
    assert (band.is_between(0, 9) | band.is_between(100, 109) | (band == 500)).all()
    season = frame["season"].drop_nulls()
    assert ((season < dt.date(2000, 1, 1)) | (season >= dt.date(2030, 6, 1))).all()
    price = frame["price"].drop_nulls().cast(pl.Float64)
    assert ((price < 1) | (price > 99.5)).all() and (price < 1).any() and (price > 99.5).any()


def test_postgres_accepts_every_row(tmp_path, fresh_database):
    from datagen_assets.write.exports import EngineSource
    from datagen_assets.write.targets import load_dataset

    plan = _plan(tmp_path, RANGES, "seed: 9\nrows: 4000\nnull_fraction: 0.1\n", name="readings")
    url = fresh_database("check_ranges")
    load_dataset(plan, EngineSource(plan), url)
    assert Postgres(url).rows("SELECT count(*) FROM readings") == [(4000,)]


def test_a_configured_generator_is_held_to_translated_checks(tmp_path):
    ddl = """CREATE TABLE o (id INT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        code TEXT NOT NULL CHECK (code ~ '^[A-Z]{3}$'));"""
    config = """rows: 500
tables:
  o:
    columns:
      status: {generator: choice, values: [open, closed, lost]}
"""
    plan = _plan(tmp_path, ddl, config, name="o")
    assert set(generate(plan, "o", 0, 500)["status"]) == {"open", "closed"}
    config += "      code: {generator: const, value: abc}\n"
    plan = _plan(tmp_path, ddl, config, name="o")
    report = preflight(plan)
    assert [p.table for p in report.problems] == ["o"]
    assert "CHECK code ~ '^[A-Z]{3}$': 500 of" in str(report.problems[0])
    with pytest.raises(SchemaError, match="give code a generator"):
        generate(plan, "o", 0, 500)  # never written: the database would reject every row


def test_a_check_few_values_satisfy_stops_before_writing(tmp_path):
    ddl = "CREATE TABLE t (id INT PRIMARY KEY, n INT NOT NULL CHECK (n % 1000 = 7));"
    report = preflight(_plan(tmp_path, ddl, "rows: 300\n", name="t"))
    (problem,) = report.problems
    assert problem.table == "t" and "n % 1000 = 7" in problem.message
    # located where the CHECK is declared, the SQL line (the YAML did not ask for it)
    assert problem.file is not None and problem.file.endswith("t.sql") and problem.line == 1


def test_unique_dates_and_instants_stay_inside_their_check(tmp_path):
    ddl = """
    CREATE TABLE calendar (day DATE PRIMARY KEY CHECK (day >= '2024-01-01' AND day < '2026-01-01'));
    CREATE TABLE slots (at TIMESTAMP PRIMARY KEY CHECK (at > '2025-01-01'), n INT);
    CREATE TABLE late (id INT PRIMARY KEY CHECK (id < 0));
    """
    plan = _plan(tmp_path, ddl, "rows: 700\n", name="keys")
    day = generate(plan, "calendar", 0, 700)["day"]
    assert day.n_unique() == 700 and day.min() >= dt.date(2024, 1, 1)
    assert day.max() <= dt.date(2025, 12, 31)
    at = generate(plan, "slots", 0, 700)["at"]
    assert at.n_unique() == 700 and at.min() > dt.datetime(2025, 1, 1)
    ids = generate(plan, "late", 0, 700)["id"]
    assert ids.n_unique() == 700 and ids.max() < 0
    capped = _plan(tmp_path, ddl, "rows: 732\n", name="keys")  # a default count: capped
    assert capped.table("calendar").rows == 731 and preflight(capped).ok
    asked = _plan(tmp_path, ddl, "tables:\n  calendar: {rows: 732}\n", name="keys")
    report = preflight(asked)  # the table's own count: an error naming the YAML and table
    assert any("calendar.day: UNIQUE (day) can hold only 731" in str(p) for p in report.problems)
    assert all(p.file and p.file.endswith("keys.yaml") for p in report.problems)


def test_a_column_a_check_equates_to_an_expression_is_computed(tmp_path, fresh_database):
    from datagen_assets.write.exports import EngineSource
    from datagen_assets.write.targets import load_dataset

    ddl = """CREATE TABLE invoices (
        id INT PRIMARY KEY,
        net NUMERIC(10,2) NOT NULL CHECK (net >= 0),
        tax NUMERIC(10,2) NOT NULL CHECK (tax >= 0),
        total NUMERIC(11,2) NOT NULL,
        qty INT NOT NULL CHECK (qty > 0),
        unit NUMERIC(8,2) NOT NULL,
        line NUMERIC(12,2) NOT NULL,
        version INT NOT NULL CHECK (version = 1),
        CHECK (total = net + tax),
        CHECK (line = qty * unit)
    );"""
    plan = _plan(tmp_path, ddl, "rows: 2000\nchunk_rows: 700\n", name="invoices")
    assert preflight(plan).problems == [] and engine_for(plan).notes == []
    frame = generate(plan, "invoices", 0, 2000)
    assert frame.select(
        (pl.col("total") == pl.col("net") + pl.col("tax")).all(),
        (pl.col("line") == pl.col("qty") * pl.col("unit")).all(),
        (pl.col("version") == 1).all(),
    ).row(0) == (True, True, True)
    assert frame["net"].n_unique() > 1000  # the inputs are still drawn
    url = fresh_database("check_derived")
    load_dataset(plan, EngineSource(plan), url)
    assert Postgres(url).rows("SELECT count(*) FROM invoices") == [(2000,)]


ONE_OF = """
CREATE TABLE posts (id INT PRIMARY KEY, title TEXT NOT NULL);
CREATE TABLE photos (id INT PRIMARY KEY, url TEXT NOT NULL);
CREATE TABLE comments (
    id INT PRIMARY KEY,
    post_id INT REFERENCES posts (id),
    photo_id INT REFERENCES photos (id),
    CHECK (num_nonnulls(post_id, photo_id) = 1)
);
CREATE TABLE contacts (
    id INT PRIMARY KEY, email TEXT, phone TEXT, fax TEXT,
    CHECK (NOT (email IS NULL AND phone IS NULL)),
    CHECK (coalesce(fax, email) IS NOT NULL)
);
CREATE TABLE flags (id INT PRIMARY KEY, a INT NOT NULL, b INT, CHECK ((a IS NULL) <> (b IS NULL)));
"""


def test_one_of_several_columns_is_not_null(tmp_path, fresh_database):
    from datagen_assets.write.exports import EngineSource
    from datagen_assets.write.targets import load_dataset

    plan = _plan(tmp_path, ONE_OF, "rows: 600\nnull_fraction: 0.4\n", name="one_of")
    assert preflight(plan).problems == []
    comments = generate(plan, "comments", 0, 600)
    post, photo = comments["post_id"].is_null(), comments["photo_id"].is_null()
    assert (post ^ photo).all() and 200 < post.sum() < 400  # a polymorphic reference
    contacts = generate(plan, "contacts", 0, 600)
    email, phone = contacts["email"].is_null(), contacts["phone"].is_null()
    assert not (email & phone).any() and email.any() and phone.any()
    assert not (contacts["fax"].is_null() & email).any()  # overlapping: held by the repair
    flags = generate(plan, "flags", 0, 600)
    assert flags["a"].null_count() == 0 and flags["b"].null_count() == 600
    url = fresh_database("check_one_of")
    assert load_dataset(plan, EngineSource(plan), url).rows == 5 * 600


def test_checks_only_duckdb_reads_are_enforced(tmp_path, fresh_database):
    from datagen_assets.write.exports import EngineSource
    from datagen_assets.write.targets import load_dataset

    ddl = """CREATE TABLE s (
        id INT PRIMARY KEY,
        code VARCHAR(10) NOT NULL CHECK (length(code) = 6),
        tags TEXT[] CHECK (array_length(tags, 1) <= 2),
        day DATE CHECK (extract(dow FROM day) BETWEEN 1 AND 5),
        e INT, f INT, CHECK (e IS DISTINCT FROM f),
        doc JSONB CHECK (jsonb_typeof(doc) = 'object')
    );"""
    plan = _plan(tmp_path, ddl, "rows: 1000\n", name="s")
    assert preflight(plan).problems == [] and engine_for(plan).notes == []
    frame = generate(plan, "s", 0, 1000)
    assert (frame["code"].str.len_chars() == 6).all()
    assert frame["day"].drop_nulls().dt.weekday().is_between(1, 5).all()
    url = fresh_database("check_duckdb")
    assert load_dataset(plan, EngineSource(plan), url).rows == 1000


def test_a_unique_column_takes_its_values_from_its_check(tmp_path):
    ddl = """CREATE TABLE t (
        id INT PRIMARY KEY,
        slug TEXT NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]+$'),
        tier INT UNIQUE CHECK (tier IN (1, 2, 3))
    );"""
    plan = _plan(tmp_path, ddl, "rows: 3\n", name="t")
    frame = generate(plan, "t", 0, 3)
    assert frame["slug"].str.contains(r"^[a-z0-9-]+$").all() and frame["slug"].n_unique() == 3
    assert sorted(frame["tier"]) == [1, 2, 3]
    assert _plan(tmp_path, ddl, "rows: 4\n", name="t").table("t").rows == 3  # a default: capped
    report = preflight(_plan(tmp_path, ddl, "tables:\n  t: {rows: 4}\n", name="t"))
    assert any("t.tier" in str(p) for p in report.problems)  # an IN list of 3 holds 3 rows


def test_mysql_narrow_and_unsigned_types_keep_their_ranges(tmp_path):
    ddl = """CREATE TABLE t (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
        flags SET('a', 'b', 'c') NOT NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        level TINYINT NOT NULL,
        price DECIMAL(10,2) UNSIGNED NOT NULL,
        qty SMALLINT UNSIGNED NOT NULL,
        born YEAR NOT NULL
    ) ENGINE=InnoDB;"""
    plan = _plan(tmp_path, ddl, "rows: 3000\nedge_case_pct: 30\n", name="t.mysql")
    frame = generate(plan, "t", 0, 3000)
    assert frame["id"].min() == 1  # AUTO_INCREMENT: 0 would mean "the next value"
    assert set(frame["flags"]) <= {"a", "b", "c"} and frame["active"].dtype == pl.Boolean
    assert frame["level"].is_between(-128, 127).all()
    assert (frame["price"].cast(pl.Float64) >= 0).all() and frame["qty"].is_between(0, 65535).all()
    assert frame["born"].is_between(1901, 2155).all()


def test_oracle_integer_numbers_keep_their_digits(tmp_path):
    ddl = "CREATE TABLE t (id NUMBER(6) PRIMARY KEY, grade NUMBER(1) NOT NULL);"
    plan = _plan(tmp_path, ddl, "rows: 500\nedge_case_pct: 30\n", name="t.oracle")
    frame = generate(plan, "t", 0, 500)
    assert frame["grade"].is_between(-9, 9).all() and frame["id"].max() <= 999_999


def test_checks_over_foreign_keys_are_repaired(tmp_path, fresh_database):
    """A transfer between two different accounts: both sides are sampled parent rows, and the
    rows where they meet are redrawn (with 20 accounts, 1 row in 20 would break the CHECK)."""
    from datagen_assets.write.exports import EngineSource
    from datagen_assets.write.targets import load_dataset

    ddl = """
    CREATE TABLE accounts (id INT PRIMARY KEY);
    CREATE TABLE transfers (
        id INT PRIMARY KEY,
        from_id INT NOT NULL REFERENCES accounts (id),
        to_id INT NOT NULL REFERENCES accounts (id),
        CHECK (from_id <> to_id)
    );"""
    plan = _plan(tmp_path, ddl, "rows: 5000\ntables:\n  accounts: {rows: 20}\n", name="bank")
    assert engine_for(plan).notes == []
    transfers = generate(plan, "transfers", 0, 5000)
    assert (transfers["from_id"] != transfers["to_id"]).all()
    url = fresh_database("check_fk_repair")
    assert load_dataset(plan, EngineSource(plan), url).rows == 5020


def test_checks_naming_a_key_redraw_the_other_columns(tmp_path):
    ddl = """CREATE TABLE emp (
        id INT PRIMARY KEY,
        code INT NOT NULL,
        boss_id INT REFERENCES emp (id),
        CHECK (code <> id),
        CHECK (boss_id <> id)
    );"""
    config = """rows: 500
tables:
  emp:
    columns:
      code: {generator: uniform_int, min: 1, max: 3}
"""
    plan = _plan(tmp_path, ddl, config, name="emp")
    assert engine_for(plan).notes == []  # the key is read, the other column redrawn
    frame = generate(plan, "emp", 0, 500)
    assert (frame["code"] != frame["id"]).all() and set(frame["code"]) == {1, 2, 3}

"""Tables that hold fewer rows than asked: capped at what their keys hold, with a note, when
the count is a default (the dataset's `rows`, DATAGEN_ROWS, `scale`); a problem naming the
YAML and the table when the config sets the table's own count. Capacities compose through
foreign keys, and are counted without ever computing 10**length for a huge column."""

from __future__ import annotations

import polars as pl

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.settings import Settings


def _plan(tmp_path, ddl: str, config: str | None = None, rows: int | None = 300, dialect="mysql"):
    schema = tmp_path / f"cap.{dialect}.sql"
    schema.write_text(ddl)
    yaml = None
    if config is not None:
        yaml = tmp_path / "cap.yaml"
        yaml.write_text(config)
    return plan_dataset(load_dataset(schema, yaml, Settings(rows=rows)))


def _frames(plan) -> dict[str, pl.DataFrame]:
    assert preflight(plan, sample_rows=0).ok, preflight(plan, sample_rows=0).problems
    return {key: generate(plan, key, 0, tp.rows) for key, tp in plan.tables.items()}


def _capped(plan, table: str) -> str:
    notes = [n.message for n in plan.table(table).notes if "capped" in n.message]
    assert notes, plan.table(table).notes
    return notes[0]


SINGLETON = """
CREATE TABLE settings_lock (
    id INT NOT NULL PRIMARY KEY DEFAULT 0,
    version BIGINT NOT NULL,
    CONSTRAINT only_one_row CHECK (id = 0)
);
CREATE TABLE flags (
    lock CHAR(1) NOT NULL UNIQUE CHECK (lock = 'X'),
    value TEXT
);
"""


def test_a_singleton_table_is_capped_at_one_row(tmp_path):
    plan = _plan(tmp_path, SINGLETON, dialect="postgres")
    assert plan.table("settings_lock").rows == 1 and plan.table("flags").rows == 1
    assert "rows capped from 300 to 1" in _capped(plan, "settings_lock")
    assert "PRIMARY KEY (id)" in _capped(plan, "settings_lock")
    frames = _frames(plan)
    assert frames["settings_lock"]["id"].to_list() == [0]
    assert frames["flags"]["lock"].to_list() == ["X"]


def test_the_configs_own_count_beyond_capacity_is_a_problem_naming_yaml_and_table(tmp_path):
    plan = _plan(tmp_path, SINGLETON, "tables:\n  settings_lock: {rows: 2}\n", dialect="postgres")
    problems = preflight(plan, sample_rows=0).problems
    assert len(problems) == 1, problems
    assert problems[0].file.endswith("cap.yaml") and problems[0].table == "settings_lock"
    assert "can hold only 1" in problems[0].message and "`rows`" in problems[0].message
    assert plan.table("flags").rows == 1  # the other table's count is still a default


def test_a_dataset_wide_rows_is_a_default_too(tmp_path):
    plan = _plan(tmp_path, SINGLETON, "rows: 50\n", rows=None, dialect="postgres")
    assert plan.table("settings_lock").rows == 1 and preflight(plan, sample_rows=0).ok


SMALL_DOMAINS = """
CREATE TABLE sites (id TINYINT NOT NULL AUTO_INCREMENT, url VARCHAR(255) NOT NULL,
    PRIMARY KEY (id), UNIQUE KEY sites_url (url));
CREATE TABLE positive (id TINYINT UNSIGNED NOT NULL PRIMARY KEY);
CREATE TABLE seq (id BIGINT NOT NULL, unique_key CHAR(1) NOT NULL,
    CONSTRAINT unique_key_un UNIQUE (unique_key));
CREATE TABLE moods (id INT PRIMARY KEY, mood ENUM('happy', 'sad', 'ok') NOT NULL UNIQUE);
CREATE TABLE switches (id INT PRIMARY KEY, state BOOLEAN NOT NULL UNIQUE);
"""


def test_unique_columns_over_small_domains_are_capped_and_distinct(tmp_path):
    plan = _plan(tmp_path, SMALL_DOMAINS)
    counts = {key: tp.rows for key, tp in plan.tables.items()}
    # tinyint AUTO_INCREMENT (counts from 1: MySQL takes 0 as "the next value"), unsigned
    # tinyint, CHAR(1) compared case-insensitively, enum, boolean
    assert counts == {"sites": 127, "positive": 256, "seq": 36, "moods": 3, "switches": 2}
    frames = _frames(plan)
    assert frames["sites"]["id"].n_unique() == 127 and frames["sites"]["id"].min() >= 1
    assert frames["positive"]["id"].min() >= 0 and frames["positive"]["id"].max() <= 255
    assert frames["seq"]["unique_key"].str.to_lowercase().n_unique() == 36
    assert sorted(frames["moods"]["mood"]) == ["happy", "ok", "sad"]
    assert sorted(frames["switches"]["state"]) == [False, True]
    assert "holds only 2 values of state" in _capped(plan, "switches")


def test_a_small_unique_domain_within_the_count_still_holds(tmp_path):
    """An enum or boolean UNIQUE was drawn at random before, and repeated values."""
    frames = _frames(_plan(tmp_path, SMALL_DOMAINS, rows=2))
    assert frames["switches"]["state"].n_unique() == 2
    assert frames["moods"]["mood"].n_unique() == 2


COMPOSED = """
CREATE TABLE lock_row (id INT PRIMARY KEY CHECK (id = 1));
CREATE TABLE kinds (code CHAR(1) PRIMARY KEY);
CREATE TABLE kind_pairs (
    lock_id INT NOT NULL REFERENCES lock_row (id),
    kind CHAR(1) NOT NULL REFERENCES kinds (code),
    PRIMARY KEY (lock_id, kind)
);
CREATE TABLE profile (
    id INT PRIMARY KEY,
    kind CHAR(1) NOT NULL UNIQUE REFERENCES kinds (code)
);
CREATE TABLE detail (
    profile_id INT NOT NULL UNIQUE REFERENCES profile (id),
    note TEXT
);
"""


def test_capacities_compose_through_foreign_keys(tmp_path):
    plan = _plan(tmp_path, COMPOSED, dialect="postgres")
    counts = {key: tp.rows for key, tp in plan.tables.items()}
    # kinds: 36 codes; a pair per (1 lock row x 36 kinds); a profile per kind, a detail each
    assert counts == {"lock_row": 1, "kinds": 36, "kind_pairs": 36, "profile": 36, "detail": 36}
    assert "1 row of lock_row x 36 rows of kinds" in _capped(plan, "kind_pairs")
    frames = _frames(plan)
    assert frames["detail"]["profile_id"].n_unique() == 36
    assert frames["profile"]["kind"].is_in(frames["kinds"]["code"].implode()).all()


def test_a_not_null_foreign_key_into_an_empty_table_caps_the_child_at_zero(tmp_path):
    plan = _plan(tmp_path, COMPOSED, "tables:\n  kinds: {rows: 0}\n", dialect="postgres")
    assert [plan.table(k).rows for k in ("kind_pairs", "profile", "detail")] == [0, 0, 0]
    assert "0 rows" in _capped(plan, "profile")
    assert preflight(plan, sample_rows=0).ok


def test_huge_lengths_are_counted_without_computing_their_power(tmp_path):
    """LONGTEXT-sized varchars, NUMERIC(1000) and varbit(10**8) as keys: their capacity is
    "more than any table", found at once (10**4294967295 would never finish)."""
    ddl = """CREATE TABLE t (
        id INT PRIMARY KEY,
        c VARCHAR(4294967295) UNIQUE,
        d NUMERIC(1000, 0) UNIQUE,
        b VARBIT(100000000) UNIQUE,
        s VARCHAR(4294967295) UNIQUE,
        e VARCHAR(4294967295) UNIQUE
    );"""
    config = (
        "tables:\n  t:\n    columns:\n      s: {generator: sequence}\n      e: {generator: email}\n"
    )
    plan = _plan(tmp_path, ddl, config, rows=50, dialect="postgres")
    frame = _frames(plan)["t"]
    assert frame.height == 50 and all(frame[c].n_unique() == 50 for c in frame.columns)
    assert frame["b"].str.len_chars().max() <= 64


COMPOSITE_OVER_A_SMALL_DOMAIN = """
CREATE TABLE car_brands (name varchar(64) PRIMARY KEY);
CREATE TABLE car_models (
    name varchar(64) NOT NULL,
    year int NOT NULL CHECK (year IN (1981, 1997, 2001, 2013, 2021)),
    brand varchar(64) REFERENCES car_brands (name),
    PRIMARY KEY (name, year)
);
CREATE TABLE car_model_sales (
    day varchar(64) NOT NULL,
    model_name varchar(64),
    model_year int,
    PRIMARY KEY (day, model_name, model_year),
    FOREIGN KEY (model_name, model_year) REFERENCES car_models (name, year)
);
"""


def test_a_composite_key_is_carried_by_its_widest_column(tmp_path):
    """postgrest car_models: PRIMARY KEY (name, year) was carried by the integer `year`, whose
    CHECK (a partition's values) holds five, so the table was capped at 5 rows; `name` holds
    them all. Loaded into PostgreSQL with every constraint."""
    from datagen_tests import native

    plan = _plan(tmp_path, COMPOSITE_OVER_A_SMALL_DOMAIN, dialect="postgres")
    assert plan.table("car_models").rows == 300
    assert not [n for n in plan.table("car_models").notes if "capped" in n.message]
    frames = _frames(plan)
    models = frames["car_models"]
    assert models.select("name", "year").n_unique() == 300
    assert set(models["year"]) <= {1981, 1997, 2001, 2013, 2021}
    path = tmp_path / "cap.postgres.sql"
    work = tmp_path / "work"
    results = native.native_loads(path, plan, work, quick=True)
    assert results and not [v for v in results.values() if v is not None], results

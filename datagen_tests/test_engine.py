"""Engine properties: determinism, chunk independence, keys valid by construction."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate import random as rnd
from datagen_assets.generate.engine import Engine, generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings

DDL = """
CREATE TYPE mood AS ENUM ('happy', 'sad', 'ok');
CREATE TABLE people (
    id SERIAL PRIMARY KEY,
    first_name VARCHAR(30) NOT NULL,
    last_name VARCHAR(30) NOT NULL,
    email VARCHAR(60) NOT NULL UNIQUE,
    boss_id INTEGER REFERENCES people (id),
    code CHAR(3) NOT NULL UNIQUE,
    feeling mood NOT NULL,
    balance NUMERIC(6, 2),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    token UUID NOT NULL UNIQUE
);
CREATE TABLE teams (team_id INT PRIMARY KEY, name VARCHAR(5) NOT NULL);
CREATE TABLE memberships (
    person_id INT NOT NULL REFERENCES people (id),
    team_id INT NOT NULL REFERENCES teams (team_id),
    role TEXT,
    PRIMARY KEY (person_id, team_id)
);
"""


def _plan(tmp_path: Path, ddl: str = DDL, config: str = "", **settings):
    schema = tmp_path / "demo.sql"
    schema.write_text(ddl)
    config_path = None
    if config:
        config_path = tmp_path / "demo.yaml"
        config_path.write_text(config)
    dataset = load_dataset(schema, config_path, Settings(**settings))
    return plan_dataset(dataset)


@pytest.fixture
def plan(tmp_path):
    return _plan(tmp_path, config="rows: 400\ntables:\n  teams: {rows: 7}\n", seed=7)


def test_same_seed_same_frames_and_other_seed_differs(tmp_path, plan):
    again = _plan(tmp_path, config="rows: 400\ntables:\n  teams: {rows: 7}\n", seed=7)
    other = _plan(tmp_path, config="rows: 400\ntables:\n  teams: {rows: 7}\n", seed=8)
    for key in plan.tables:
        first = generate(plan, key, 0, 400)
        assert first.equals(generate(again, key, 0, 400)), key
        if key != "teams":
            assert not first.equals(generate(other, key, 0, 400)), key


def test_chunk_alone_equals_same_rows_of_whole_table(plan):
    for key, table_plan in plan.tables.items():
        whole = generate(plan, key, 0, table_plan.rows)
        for start, stop in ((0, 1), (13, 77), (table_plan.rows - 5, table_plan.rows)):
            assert generate(plan, key, start, stop).equals(whole.slice(start, stop - start))


def test_keys_valid_by_construction(plan):
    people = generate(plan, "people", 0, plan.table("people").rows)
    teams = generate(plan, "teams", 0, plan.table("teams").rows)
    members = generate(plan, "memberships", 0, plan.table("memberships").rows)
    assert people["id"].to_list() == list(range(1, people.height + 1))
    for column in ("email", "code", "token"):
        assert people[column].n_unique() == people.height, column
        assert people[column].null_count() == 0
    assert people["code"].str.len_chars().eq(3).all()
    bosses = people["boss_id"].drop_nulls()
    assert bosses.is_in(people["id"].implode()).all()
    # self reference points at an earlier row: no cycles in the hierarchy
    ranked = people.filter(pl.col("boss_id").is_not_null())
    assert (ranked["boss_id"] < ranked["id"]).all()
    assert set(people["feeling"].unique()) <= {"happy", "sad", "ok"}
    assert people["balance"].drop_nulls().abs().max() < 10_000
    assert (people["updated_at"] >= people["created_at"]).all()
    # composite PK over two FKs: unique pairs, both sides existing parents
    assert members.select(["person_id", "team_id"]).is_unique().all()
    assert members["person_id"].is_in(people["id"].implode()).all()
    assert members["team_id"].is_in(teams["team_id"].implode()).all()
    assert members.height == 400
    # emails are derived from the same row's names and unique via the PK
    row = people.row(0, named=True)
    assert row["email"].startswith(f"{row['first_name'].lower()}.")


def test_junction_rows_capped_by_parent_pairs(tmp_path):
    plan = _plan(tmp_path, config="rows: 50\ntables:\n  teams: {rows: 2}\n  people: {rows: 3}\n")
    assert plan.table("memberships").rows == 6
    assert any("capped" in note.message for note in plan.table("memberships").notes)
    members = generate(plan, "memberships", 0, 6)
    assert members.select(["person_id", "team_id"]).is_unique().all()


def test_config_overrides_and_errors(tmp_path):
    plan = _plan(
        tmp_path,
        config="""
rows: 100
tables:
  people:
    columns:
      balance: {generator: uniform_float, min: 5, max: 6, decimals: 2}
""",
    )
    frame = generate(plan, "people", 0, 100)
    balance = frame["balance"].drop_nulls().cast(pl.Float64)
    assert balance.min() >= 5 and balance.max() <= 6
    with pytest.raises(SchemaError) as error:
        Engine(
            _plan(
                tmp_path,
                config="""
tables:
  people:
    columns:
      email: {generator: choice, values: [a, b]}
      balance: {generator: lognormal, bogus: 1}
      boss_id: {generator: uniform_int}
""",
            )
        )
    message = str(error.value)
    assert "3 problem" in message
    assert "people.email" in message and "unique" in message
    assert "bogus" in message and "people.balance" in message
    assert "people.boss_id" in message and "foreign key" in message


def test_bad_config_lists_every_problem(tmp_path):
    with pytest.raises(SchemaError) as error:
        _plan(
            tmp_path, config="seed: -1\nrowz: 3\ntables:\n  nope: {}\n  people: {columns: {x: y}}\n"
        )
    message = str(error.value)
    for fragment in ("seed", "rowz", "nope", "people.x"):
        assert fragment in message
    assert "demo.yaml" in message


def test_permutation_is_a_bijection():
    for size in (1, 2, 7, 1000, 4097):
        values = rnd.permute(12345, np.arange(size), size)
        assert sorted(values.tolist()) == list(range(size))


def test_null_fraction_only_on_nullable_columns(tmp_path):
    plan = _plan(tmp_path, config="rows: 2000\nnull_fraction: 0.5\n")
    people = generate(plan, "people", 0, 2000)
    assert people["first_name"].null_count() == 0
    share = people["balance"].null_count() / people.height
    assert 0.4 < share < 0.6


def test_nullable_foreign_key_null_share_matches_config(tmp_path):
    plan = _plan(tmp_path, config="rows: 4000\nnull_fraction: 0.25\n")
    people = generate(plan, "people", 0, 4000)
    share = people["boss_id"].null_count() / people.height
    assert 0.2 < share < 0.3


def test_generator_docs_match_the_catalog():
    from datagen_assets.generate.catalog_docs import DOCS, render

    hint = "run: uv run python -m datagen_assets.generate.catalog_docs"
    assert DOCS.read_text() == render(), hint


@pytest.mark.parametrize(
    "locale",
    ["en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "ja_JP", "zh_CN", "hi_IN"],
)
def test_locales_give_local_values_and_valid_emails(tmp_path, locale):
    us = generate(_plan(tmp_path, config="rows: 300\n"), "people", 0, 300)
    local = generate(_plan(tmp_path, config=f"rows: 300\nlocale: {locale}\n"), "people", 0, 300)
    assert set(local["first_name"]) != set(us["first_name"])
    assert local["email"].str.contains(r"^[a-z0-9._-]{2,}@[a-z.]+$").all(), locale
    assert local["email"].n_unique() == 300


def test_per_column_locale_and_unknown_locale(tmp_path):
    plan = _plan(
        tmp_path,
        config="rows: 50\ntables:\n  people:\n    columns:\n      last_name: {locale: de_DE}\n",
    )
    assert plan.dataset.config.locale_for("people", "last_name") == "de_DE"
    assert plan.dataset.config.locale_for("people", "first_name") == "en_US"
    with pytest.raises(SchemaError, match="unknown locale 'de_XX'.*de_DE"):
        _plan(tmp_path, config="locale: de_XX\n")


def test_catalog_generators(tmp_path):
    (tmp_path / "cities.csv").write_text("city,weight\nOslo,1\nLima,0\nPune,3\n")
    plan = _plan(
        tmp_path,
        ddl="""
CREATE TABLE t (
  id INT PRIMARY KEY, code TEXT, total NUMERIC(8,2), label TEXT, wait DOUBLE PRECISION,
  popular INT, city TEXT, at TIMESTAMP, peak TIMESTAMP, ref UUID, qty INT, price NUMERIC(8,2));
""",
        config="""
rows: 2000
null_fraction: 0
tables:
  t:
    columns:
      code: {generator: pattern, regex: "[A-Z]{3}-\\\\d{2,4}(x|yy)?"}
      qty: {generator: uniform_int, min: 1, max: 5}
      price: {generator: uniform_float, min: 1, max: 2, decimals: 2}
      total: {generator: expression, sql: "qty * price"}
      label: {generator: expression, sql: "CASE WHEN qty > 2 THEN 'many' ELSE 'few' END"}
      wait: {generator: exponential, mean: 30}
      popular: {generator: zipf, n: 50, s: 1.5}
      city: {generator: choice, file: cities.csv, weight_column: weight}
      at: {generator: time_series, start: 2025-03-03, step: 600, pattern: business_hours}
      peak: {generator: time_series, start: 2025-03-03, step: 3600, pattern: daily_peak}
      ref: uuid
""",
    )
    frame = generate(plan, "t", 0, 2000)
    assert frame["code"].str.contains(r"^[A-Z]{3}-\d{2,4}(x|yy)?$").all()
    expected = (frame["qty"].cast(pl.Float64) * frame["price"].cast(pl.Float64)).round(2)
    assert (frame["total"].cast(pl.Float64) - expected).abs().max() < 0.011
    assert set(frame["label"]) == {"many", "few"}
    assert 25 < frame["wait"].mean() < 35 and frame["wait"].min() >= 0
    counts = frame["popular"].value_counts().sort("popular")
    assert counts["count"][0] > 5 * counts.filter(pl.col("popular") == 10)["count"][0]
    assert set(frame["city"]) == {"Oslo", "Pune"}
    hours = frame["at"].dt.hour()
    assert hours.min() >= 9 and hours.max() < 17 and frame["at"].dt.weekday().max() <= 5
    assert frame["at"].is_sorted()
    assert 10 <= frame["peak"].dt.hour().median() <= 16
    assert frame["ref"].n_unique() == 2000


def test_bad_generator_params_name_the_column(tmp_path):
    with pytest.raises(SchemaError) as error:
        Engine(
            _plan(
                tmp_path,
                ddl="CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b TEXT, c TEXT);",
                config="""
tables:
  t:
    columns:
      a: {generator: pattern, regex: "(a)\\\\1"}
      b: {generator: expression, sql: "nope +"}
      c: {generator: choice, file: missing.csv}
""",
            )
        )
    message = str(error.value)
    assert "t.a" in message and "backreferences" in message
    assert "t.b" in message and "t.c" in message and "missing.csv" in message


def test_edge_cases_are_injected_recorded_and_deterministic(tmp_path):
    plan = _plan(tmp_path, config="rows: 3000\nnull_fraction: 0\nedge_case_pct: 20\n")
    engine = Engine(plan)
    frame = engine.generate("people", 0, 3000)
    cells = engine.edge_cases("people", 0, 3000)
    balance = cells.filter(pl.col("column") == "balance")["row"]
    assert 450 < len(balance) < 750
    # recorded cells hold the edge pool's values; keys and derived columns are untouched
    limit_values = frame["balance"].gather(balance).cast(pl.Float64).abs()
    assert (limit_values.is_in([9999.99, 0.0, 0.01])).all()
    assert not cells.filter(
        pl.col("column").is_in(
            ["id", "email", "code", "token", "boss_id", "first_name", "created_at"]
        )
    ).height
    assert frame["id"].to_list() == list(range(1, 3001))
    assert Engine(plan).generate("people", 1000, 1100).equals(frame.slice(1000, 100))
    assert cells.filter(pl.col("row").is_between(1000, 1099)).equals(
        engine.edge_cases("people", 1000, 1100)
    )


def test_json_check_and_unevaluable_checks_are_noted(tmp_path):
    import json

    plan = _plan(
        tmp_path,
        ddl="""
CREATE TABLE t (id INT PRIMARY KEY, doc TEXT NOT NULL CHECK (doc IS JSON),
                a INT, b INT, CHECK (num_nonnulls(a, b) = 1), CHECK (pg_column_size(b) < 99));
""",
        config="rows: 50\n",
    )
    engine = Engine(plan)
    frame = engine.generate("t", 0, 50)
    assert all(isinstance(json.loads(v), dict) for v in frame["doc"])
    assert (frame["a"].is_null() ^ frame["b"].is_null()).all()  # one of N: translated
    assert any(  # neither polars nor DuckDB knows pg_column_size
        "pg_column_size" in note.message.lower() and "not enforced" in note.message
        for note in engine.notes
    )


def test_pii_modes_mask_and_redact_personal_columns_only(tmp_path):
    synthetic = generate(_plan(tmp_path, config="rows: 200\nnull_fraction: 0\n"), "people", 0, 200)
    masked = generate(
        _plan(
            tmp_path,
            config="""
rows: 200
null_fraction: 0
pii_mode: masked
tables:
  people:
    columns:
      last_name: {pii_mode: redacted}
      code: {pii: direct}
""",
        ),
        "people",
        0,
        200,
    )
    assert masked["email"].equals(synthetic["email"])  # UNIQUE: stays synthetic, not broken
    assert (masked["first_name"] != synthetic["first_name"]).all()
    assert masked["first_name"].str.contains(r"\*").all()
    assert masked["first_name"].str.slice(0, 1).equals(synthetic["first_name"].str.slice(0, 1))
    assert masked["last_name"].n_unique() == 1  # redacted: one placeholder for a NOT NULL text
    assert masked["balance"].equals(synthetic["balance"])  # not personal data
    with pytest.raises(SchemaError, match="people.email.*UNIQUE"):
        Engine(
            _plan(
                tmp_path,
                config="tables:\n  people:\n    columns:\n      email: {pii_mode: masked}\n",
            )
        )


def test_reviewed_annotations_steer_unrecognised_columns_and_go_stale(tmp_path):
    from datagen_assets.ai.annotations import build_document, validate_answer, write_annotations
    from datagen_assets.ai.metadata import build_prompt
    from datagen_assets.ai.paths import annotations_path

    ddl = "CREATE TABLE cst (id INT PRIMARY KEY, cst_xq_zz VARCHAR(30), first_name TEXT);"
    plan = _plan(tmp_path, ddl=ddl, config="rows: 20\nnull_fraction: 0\n")
    schema = plan.dataset.schema
    answer = validate_answer(
        {
            "columns": [
                {
                    "table": "cst",
                    "column": "cst_xq_zz",
                    "semantic_type": "phone_number",
                    "generator": {"name": "pattern", "params": {"regex": r"\+1-555-[0-9]{4}"}},
                },
                {
                    "table": "cst",
                    "column": "first_name",
                    "semantic_type": "first_name",
                    "generator": {"name": "const", "params": {"value": "ignored: a rule decides"}},
                },
            ]
        },
        schema,
    )
    sha = build_prompt(schema, {"cst": 20}).sha256
    document = build_document(
        answer, schema_file="demo.sql", metadata_sha256=sha, model="test", usage={}
    )
    write_annotations(annotations_path(tmp_path / "demo.sql"), document)
    frame = generate(_plan(tmp_path, ddl=ddl, config="rows: 20\nnull_fraction: 0\n"), "cst", 0, 20)
    assert frame["cst_xq_zz"].str.contains(r"^\+1-555-\d{4}$").all()
    assert not (frame["first_name"] == "ignored: a rule decides").any()
    stale = generate(
        _plan(
            tmp_path,
            ddl=ddl.replace("VARCHAR(30)", "VARCHAR(31)"),
            config="rows: 20\nnull_fraction: 0\n",
        ),
        "cst",
        0,
        20,
    )
    assert not stale["cst_xq_zz"].str.contains(r"^\+1-555-").any()


def test_format_with_too_many_digits_is_a_clear_problem(tmp_path):
    with pytest.raises(SchemaError, match="people.code.*1 to 18 digits"):
        Engine(
            _plan(
                tmp_path,
                config="tables:\n  people:\n    columns:\n"
                "      code: {generator: format, template: 'DE{:020d}'}\n",
            )
        )

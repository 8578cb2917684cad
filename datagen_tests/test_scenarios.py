"""Scenario files of seed tools (sdgen YAML, datagen-cli JSON): the model and config they map
to, every problem of a bad file at once, and the shipped examples end to end (plan, preflight,
generation, and a load into PostgreSQL with every constraint on)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest

from datagen_assets.dataset import dataset_name, load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.schema.model import SchemaError, TypeKind
from datagen_assets.schema.scenarios import mask_to_generator, parse_column_type, seconds
from datagen_assets.schema.sources import (
    SCENARIO_SUFFIXES,
    is_schema_source,
    load_schema,
    load_source,
    scenario_suffix,
)
from datagen_assets.write.exports.pg_ddl import constraint_statements, create_statements
from datagen_assets.write.postgres import copy_frame, qualified_name
from datagen_tests.conftest import REPO

EXAMPLES = REPO / "schemas" / "examples"
K = TypeKind

SDGEN = """
description: Users and their sessions.
seed: 7
rows: 100
entities:
  users:
    rows: 50
    columns:
      id: {type: uuid4}
      full_name: {type: faker_name}
      email: {type: faker_email, params: {locale: de_DE}}
      city: {type: faker_city}
      plan: {type: choice, params: {values: [free, pro], weights: [0.8, 0.2]}}
      age: {type: uniform_int, params: {min: 18, max: 90}}
      score: {type: normal, params: {mean: 50, std: 10, decimals: 1}}
      ratio: {type: uniform_float, params: {min: 0, max: 1}}
      source: {type: const, params: {value: web}}
      vip: {type: choice, params: {values: [true, false]}}
  sessions:
    columns:
      session_no: {type: sequence, params: {start: 100}, primary: true}
      user_id: {type: fk, params: {ref: users, distribution: zipf, s: 1.2}}
      started_at: {type: time_series, params: {start: 2025-01-01, step: 60, pattern: daily_peak}}
      note: {type: faker_sentence, null_fraction: 0.5}
  events:
    rows: 300
    columns:
      session_no: {type: fk, params: {ref: sessions.session_no}}
      kind: {type: const, params: {value: 3}}
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _types(table) -> dict[str, tuple[TypeKind, bool]]:
    return {c.name: (c.type.kind, c.nullable) for c in table.columns}


def test_sdgen_maps_to_model_and_config(tmp_path):
    schema, config = load_source(_write(tmp_path, "app.sdgen.yaml", SDGEN))
    users, sessions, events = (schema.table(t) for t in ("users", "sessions", "events"))
    assert _types(users) == {
        "id": (K.UUID, False), "full_name": (K.TEXT, False), "email": (K.TEXT, False),
        "city": (K.TEXT, False), "plan": (K.TEXT, False), "age": (K.BIGINT, False),
        "score": (K.NUMERIC, False), "ratio": (K.DOUBLE, False), "source": (K.TEXT, False),
        "vip": (K.BOOLEAN, False),
    }  # fmt: skip
    assert users.column("score").type.scale == 1 and users.primary_key == ("id",)
    assert sessions.primary_key == ("session_no",)
    assert _types(sessions)["user_id"] == (K.UUID, False)  # the referenced key's type
    assert _types(sessions)["note"] == (K.TEXT, True)
    [fk] = sessions.foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns) == (("user_id",), "users", ("id",))
    assert events.column_names == ("id", "session_no", "kind")  # `id` added as the key
    assert events.primary_key == ("id",) and events.column("id").autoincrement
    assert events.column("session_no").type.kind == K.BIGINT
    assert config == {
        "description": "Users and their sessions.", "seed": 7, "rows": 100,
        "tables": {
            "users": {"rows": 50, "columns": {
                "id": {"generator": "uuid"},
                "full_name": {"generator": "full_name"},
                "email": {"generator": "email", "locale": "de_DE"},
                "city": {"generator": "faker", "provider": "city"},
                "plan": {"generator": "choice", "values": ["free", "pro"], "weights": [0.8, 0.2]},
                "age": {"generator": "uniform_int", "min": 18, "max": 90},
                "score": {"generator": "normal", "mean": 50, "std": 10, "decimals": 1},
                "ratio": {"generator": "uniform_float", "min": 0, "max": 1},
                "source": {"generator": "const", "value": "web"},
                "vip": {"generator": "choice", "values": [True, False]},
            }},
            "sessions": {"columns": {
                "session_no": {"generator": "sequence", "start": 100},
                "user_id": {"generator": "fk", "distribution": "zipf", "s": 1.2},
                "started_at": {"generator": "time_series", "start": dt.date(2025, 1, 1),
                               "step": 60, "pattern": "daily_peak"},
                "note": {"generator": "faker", "provider": "sentence", "null_fraction": 0.5},
            }},
            "events": {"rows": 300, "columns": {"kind": {"generator": "const", "value": 3}}},
        },
    }  # fmt: skip


def test_sdgen_config_passes_dataset_validation_and_generates(tmp_path):
    path = _write(tmp_path, "app.sdgen.yaml", SDGEN)
    plan = _plan(path)
    assert {k: t.rows for k, t in plan.tables.items()} == {
        "users": 50,
        "sessions": 100,
        "events": 300,
    }
    sessions = generate(plan, "sessions", 0, 100)
    assert sessions["session_no"].to_list() == list(range(100, 200))
    assert 0 < sessions["note"].null_count() < 100
    users = generate(plan, "users", 0, 50)
    assert set(users["plan"]) <= {"free", "pro"} and users["email"].str.contains("@").all()


CLI = {
    "description": "Stock.",
    "seed": 3,
    "tables": [
        {"name": "warehouses", "rows": 5, "columns": [
            {"name": "id", "type": "serial", "primary_key": True},
            {"name": "code", "type": "varchar(8)", "unique": True,
             "generator": {"kind": "pattern", "pattern": "WH-###"}},
            {"name": "city", "type": "varchar(80)", "semantic": "city"},
        ]},
        {"name": "items", "rows": 40, "columns": [
            {"name": "sku", "type": "varchar(12)", "primary_key": True,
             "generator": {"kind": "template", "template": "SKU-{seq:6}"}},
            {"name": "warehouse_id", "references": "warehouses"},
            {"name": "status", "type": "text",
             "generator": {"kind": "weighted_enum", "values": {"ok": 9, "low": 1}}},
            {"name": "code", "type": "char(6)",
             "generator": {"kind": "pattern", "pattern": "??-#*\\#"}},
            {"name": "label", "type": "text",
             "generator": {"kind": "template", "template": "{sku} in {warehouse_id} {{x}}"}},
            {"name": "qty", "type": "integer",
             "generator": {"kind": "integer_range", "min": 0, "max": 9}},
            {"name": "seen_at", "type": "timestamptz",
             "generator": {"kind": "timeseries", "start": "2025-01-06", "step": "15m",
                           "jitter": 30, "pattern": "business_hours"}},
            {"name": "batch", "type": "bigint", "generator": "serial"},
            {"name": "owner", "type": "varchar(60)", "semantic": "full_name", "nullable": True,
             "null_fraction": 0.3},
            {"name": "memo", "type": "text", "nullable": True},
        ]},
    ],
}  # fmt: skip


def test_datagen_cli_maps_to_model_and_config(tmp_path):
    schema, config = load_source(_write(tmp_path, "stock.datagen.json", json.dumps(CLI)))
    warehouses, items = schema.table("warehouses"), schema.table("items")
    assert warehouses.primary_key == ("id",) and warehouses.uniques == (("code",),)
    assert warehouses.column("id").autoincrement
    assert items.primary_key == ("sku",) and items.column("sku").type.length == 12
    assert _types(items) == {
        "sku": (K.VARCHAR, False), "warehouse_id": (K.INTEGER, False), "status": (K.TEXT, False),
        "code": (K.CHAR, False), "label": (K.TEXT, False), "qty": (K.INTEGER, False),
        "seen_at": (K.TIMESTAMPTZ, False), "batch": (K.BIGINT, False),
        "owner": (K.VARCHAR, True), "memo": (K.TEXT, True),
    }  # fmt: skip
    assert items.column("warehouse_id").type.sql == "integer"  # not `serial`
    [fk] = items.foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns) == (("warehouse_id",), "warehouses", ("id",))
    assert config == {
        "description": "Stock.", "seed": 3,
        "tables": {
            "warehouses": {"rows": 5, "columns": {
                "id": {"generator": "sequence"},
                "code": {"generator": "format", "template": "WH-{:03d}"},
                "city": {"generator": "faker", "provider": "city"},
            }},
            "items": {"rows": 40, "columns": {
                "sku": {"generator": "format", "template": "SKU-{:06d}"},
                "status": {"generator": "choice", "values": ["ok", "low"], "weights": [9, 1]},
                "code": {"generator": "pattern", "regex": "[A-Z]{2}-[0-9][A-Z0-9]\\#"},
                "label": {"generator": "expression",
                          "sql": "CAST(\"sku\" AS VARCHAR) || ' in ' || "
                                 "CAST(\"warehouse_id\" AS VARCHAR) || ' {x}'"},
                "qty": {"generator": "uniform_int", "min": 0, "max": 9},
                "seen_at": {"generator": "time_series", "start": "2025-01-06", "step": 900.0,
                            "jitter": 30.0, "pattern": "business_hours"},
                "batch": {"generator": "sequence"},
                "owner": {"generator": "full_name", "null_fraction": 0.3},
            }},
        },
    }  # fmt: skip
    plan = _plan(tmp_path / "stock.datagen.json")
    items = generate(plan, "items", 0, 40)
    assert items["sku"].n_unique() == 40 and items["sku"].str.starts_with("SKU-").all()
    assert items["code"].str.contains(r"^[A-Z]{2}-[0-9][A-Z0-9]#$").all()
    assert (
        items["label"] == items["sku"] + " in " + items["warehouse_id"].cast(str) + " {x}"
    ).all()
    assert items["memo"].null_count() > 0 and items["owner"].null_count() > 0


@pytest.mark.parametrize(
    ("mask", "expected"),
    [
        ("INV-######", ("format", {"template": "INV-{:06d}"})),
        ("#", ("format", {"template": "{:01d}"})),
        ("A#-#", ("pattern", {"regex": "A[0-9]-[0-9]"})),
        ("??*.#", ("pattern", {"regex": "[A-Z]{2}[A-Z0-9]\\.[0-9]"})),
        ("\\##(x)", ("format", {"template": "#{:01d}(x)"})),
        ("{#}", ("pattern", {"regex": "\\{[0-9]\\}"})),
        ("no placeholder", "has no placeholder"),
        ("ends\\", "lone backslash"),
    ],
)
def test_masks_become_format_or_regex(mask, expected):
    result = mask_to_generator(mask)
    if isinstance(expected, str):
        assert isinstance(result, str) and expected in result
    else:
        assert result == expected


def test_column_types_are_plain_postgres_types():
    assert parse_column_type("serial")[0].kind == K.INTEGER and parse_column_type("serial")[1]
    assert parse_column_type("numeric(10, 2)")[0].scale == 2
    assert parse_column_type("character varying(5)")[0].length == 5
    for junk in (
        "int NOT NULL",
        "int, x int",
        "int); DROP TABLE t; --",
        "int primary key",
        "no_such_type",
        "",
        5,
    ):
        assert isinstance(parse_column_type(junk), str), junk
    assert seconds("15m") == 900 and seconds("1d") == 86400 and seconds(2.5) == 2.5
    assert seconds("soon") is None and seconds(True) is None


BAD_SDGEN = """
seed: -1
colour: blue
entities:
  users:
    rows: many
    extra: 1
    columns:
      id: {type: uniform_int}
      name: {type: faker_no_such_provider}
      plan: {type: choice, params: {values: [a, b], weight: [1, 2]}}
      age: {type: uniform_int, params: {min: 9, max: 1}}
      kind: {type: wat}
      nick: {type: faker_user_name, nullable: true}
      tags: {type: choice, params: {values: "abc"}}
      bad-name: {type: uuid4}
  visits:
    columns:
      user_id: {type: fk, params: {ref: user}}
      other_id: {type: fk, params: {ref: users.age}}
      when: {type: time_series, params: {pattern: lunchtime}}
"""


def test_bad_sdgen_lists_every_problem_with_its_place(tmp_path):
    path = _write(tmp_path, "bad.sdgen.yaml", BAD_SDGEN)
    with pytest.raises(SchemaError) as caught:
        load_source(path)
    found = {(p.table, p.column, p.message) for p in caught.value.problems}
    assert all(p.file == str(path) for p in caught.value.problems)
    expected = [
        (None, None, "seed of the scenario must be an integer >= 0"),
        (None, None, "unknown key 'colour' in the scenario"),
        ("users", None, "rows of entity users must be an integer >= 0"),
        ("users", None, "unknown key 'extra' in entity users"),
        ("users", "id", "is a key, but generator 'uniform_int' cannot guarantee"),
        ("users", "name", "Faker has no provider 'no_such_provider'"),
        ("users", "plan", "unknown key 'weight' in params of type choice"),
        ("users", "age", "min 9 > max 1"),
        ("users", "kind", "unknown type 'wat'"),
        ("users", "nick", "unknown key 'nullable' in column nick"),
        ("users", "tags", "params.values of type choice must be a non-empty list"),
        ("users", None, "column name 'bad-name' must be letters"),
        ("visits", "user_id", "references unknown table 'user'"),
        ("visits", "other_id", "references users.age, which is not its primary key"),
        ("visits", "when", "pattern must be one of uniform"),
    ]
    for table, column, fragment in expected:
        assert any(t == table and c == column and fragment in m for t, c, m in found), fragment
    assert len(found) == len(expected)


def test_bad_datagen_cli_lists_every_problem_with_its_place(tmp_path):
    bad = {
        "seed": 1, "name": "x",
        "tables": [
            {"name": "a", "colour": 1, "columns": [
                {"name": "id", "type": "serial", "primary_key": True, "nullable": True},
                {"name": "code", "type": "varchar(4)", "unique": True,
                 "generator": {"kind": "pattern", "pattern": "??-##"}},
                {"name": "k", "type": "text", "generator": {"kind": "pattern", "pattern": "A-#",
                                                            "regex": "x"}},
                {"name": "n", "type": "int NOT NULL"},
                {"name": "v", "type": "integer", "generator": {"kind": "weighted_enum",
                                                                "values": {"a": 1}}},
                {"name": "t", "type": "text", "generator": {"kind": "template",
                                                            "template": "{seq} {k}"}},
                {"name": "u", "type": "text", "generator": {"kind": "template",
                                                            "template": "{nope}"}},
                {"name": "w", "type": "timestamp", "generator": {"kind": "timeseries",
                                                                 "step": "soon"}},
                {"name": "s", "type": "text", "semantic": "horoscope"},
                {"name": "r", "type": "integer", "generator": {"kind": "integer_range",
                                                               "min": 1}},
                {"name": "q", "type": "text", "generator": {"kind": "lorem"}},
                {"name": "z", "type": "text", "null_fraction": 0.2},
                {"name": "y", "type": "text", "colour": "red"},
            ]},
            {"name": "b", "columns": [
                {"name": "a_id", "type": "text", "references": "a.id"},
                {"name": "a_code", "references": "a.k"},
                {"name": "c_id", "references": "c", "semantic": "email"},
            ]},
        ],
    }  # fmt: skip
    path = _write(tmp_path, "bad.datagen.json", json.dumps(bad))
    with pytest.raises(SchemaError) as caught:
        load_source(path)
    found = {(p.table, p.column, p.message) for p in caught.value.problems}
    assert all(p.file == str(path) for p in caught.value.problems)
    expected = [
        (None, None, "unknown key 'name' in the scenario"),
        (None, None, "unknown key 'colour' in tables[0]"),
        ("a", "id", "a primary key column cannot be nullable"),
        ("a", "code", "pattern '??-##' makes 5 characters; the column holds 4"),
        ("a", "k", "unknown key 'regex' in generator pattern"),
        ("a", "n", "type 'int NOT NULL' is not a plain PostgreSQL type"),
        ("a", "v", "generator weighted_enum does not fit type integer"),
        ("a", "t", "a template with {seq} takes no other placeholder"),
        ("a", "u", "template placeholder {nope} is not {seq} or another column"),
        ("a", "w", "step must be seconds or a duration"),
        ("a", "s", "unknown semantic 'horoscope'"),
        ("a", "r", "generator integer_range needs max"),
        ("a", "q", "unknown generator kind 'lorem'"),
        ("a", "z", "null_fraction needs nullable: true"),
        ("a", None, "unknown key 'colour' in columns[12]"),
        ("b", "a_id", "type text cannot reference a.id"),
        ("b", "a_code", "references a.k, which is not its primary key or unique"),
        ("b", "c_id", "a column with references takes no semantic"),
        ("b", "c_id", "references unknown table 'c'"),
    ]
    for table, column, fragment in expected:
        assert any(t == table and c == column and fragment in m for t, c, m in found), fragment
    assert len(found) == len(expected)


def test_syntax_errors_name_the_line(tmp_path):
    yaml_file = _write(tmp_path, "x.sdgen.yaml", "entities:\n  a: [\n")
    json_file = _write(tmp_path, "y.datagen.json", '{\n  "tables": \n}')
    for path, line in ((yaml_file, 3), (json_file, 3)):
        with pytest.raises(SchemaError) as caught:
            load_source(path)
        [problem] = caught.value.problems
        assert problem.file == str(path) and problem.line == line and "invalid" in problem.message
    with pytest.raises(SchemaError, match="must be a mapping"):
        load_source(_write(tmp_path, "z.sdgen.yaml", "- a\n- b\n"))


def test_sources_dispatch_on_compound_suffixes(tmp_path):
    assert SCENARIO_SUFFIXES == (".sdgen.yaml", ".sdgen.yml", ".datagen.json")
    assert scenario_suffix("x/Events.SDGEN.yml") == ".sdgen.yml"
    assert scenario_suffix("shop.yaml") is None and scenario_suffix("a.json") is None
    assert is_schema_source("a.sdgen.yaml") and is_schema_source("a.datagen.json")
    assert is_schema_source("a.postgres.sql") and not is_schema_source("a.yaml")
    assert not is_schema_source("a.profile.yaml")
    yml = _write(tmp_path, "app.sdgen.yml", SDGEN)
    assert list(load_schema(yml).tables) == ["users", "sessions", "events"]
    ddl = _write(tmp_path, "pair.sql", "CREATE TABLE p (id INT PRIMARY KEY);")
    schema, config = load_source(ddl)
    assert list(schema.tables) == ["p"] and config is None
    with pytest.raises(SchemaError, match="expected one of .*\\.sdgen\\.yaml"):
        load_source(tmp_path / "nothing.yaml")
    with pytest.raises(SchemaError, match="schema file not found"):
        load_source(tmp_path / "missing.datagen.json")


# -- the shipped examples --------------------------------------------------------------------


def _example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.iterdir() if is_schema_source(p))


def _plan(path: Path, rows: int | None = None):
    """Load a schema source with its config (the scenario's, else `<name>.yaml` beside it)
    the way datasets are validated, and plan it."""
    config_path = path.with_name(f"{dataset_name(path)}.yaml")
    return plan_dataset(load_dataset(path, config_path if config_path.is_file() else None))


def test_examples_folder_holds_each_kind_of_source():
    names = {p.name for p in _example_files()}
    assert names == {"orders.json", "events.sdgen.yaml", "inventory.datagen.json"}


@pytest.mark.parametrize("path", _example_files(), ids=lambda p: p.name)
def test_example_plans_generates_and_loads_into_postgres(path, fresh_database):
    plan = _plan(path)
    report = preflight(plan)
    assert report.problems == []
    tables = [tp.table for tp in plan.tables.values()]
    ddl = create_statements(tables, plan.dataset.schema.dialect) + constraint_statements(tables)
    url = fresh_database(f"example_{dataset_name(path)}")
    with psycopg.connect(url) as connection:
        connection.execute("\n".join(ddl))  # every constraint on before the data goes in
        for key, table_plan in plan.tables.items():
            frame = generate(plan, key, 0, table_plan.rows)
            assert frame.height == table_plan.rows > 0
            copy_frame(connection, table_plan.table, frame)
        connection.commit()
        for table_plan in plan.tables.values():
            count = connection.execute(
                psycopg.sql.SQL("SELECT count(*) FROM {}").format(qualified_name(table_plan.table))
            ).fetchone()[0]
            assert count == table_plan.rows

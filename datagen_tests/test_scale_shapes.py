"""Schemas of extreme shape work end to end without recursion limits: a deep FK chain (deeper
than Python's recursion limit), many FK cycles and a very wide table are imported, planned,
pre-flighted, generated, given Dagster definitions and loaded. Sizes are bounded so the module
runs in seconds; the figures at larger sizes are printed by `benchmarks/shapes.py`."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from datagen_assets.dataset import load_dataset as read_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.write.exports import EngineSource
from datagen_assets.write.targets import load_dataset, load_units
from datagen_tests import native

CHAIN = 1500  # > sys.getrecursionlimit(): a recursive walk over it fails
CYCLES = 200
WIDTH = 1000


def chain_ddl(tables: int) -> str:
    statements = ["CREATE TABLE t0 (id INT PRIMARY KEY, name VARCHAR(20));"]
    statements += [
        f"CREATE TABLE t{i} (id INT PRIMARY KEY, parent_id INT NOT NULL REFERENCES t{i - 1} (id));"
        for i in range(1, tables)
    ]
    return "\n".join(statements)


def cycles_ddl(cycles: int) -> str:
    statements = []
    for i in range(cycles):
        statements += [
            f"CREATE TABLE a{i} (id INT PRIMARY KEY, b_id INT);",
            f"CREATE TABLE b{i} (id INT PRIMARY KEY, a_id INT NOT NULL REFERENCES a{i} (id));",
            f"ALTER TABLE a{i} ADD FOREIGN KEY (b_id) REFERENCES b{i} (id);",
        ]
    return "\n".join(statements)


def wide_ddl(columns: int) -> str:
    kinds = ["VARCHAR(20)", "INT", "DATE", "NUMERIC(8,2)", "BOOLEAN"]
    body = ", ".join(f"c{i} {kinds[i % len(kinds)]}" for i in range(columns))
    return f"CREATE TABLE w (id INT PRIMARY KEY, {body});"


def _plan(tmp_path, ddl: str, rows: int):
    (tmp_path / "x.sql").write_text(ddl)
    (tmp_path / "x.yaml").write_text(f"seed: 1\nrows: {rows}\n")
    return plan_dataset(read_dataset(tmp_path / "x.sql", tmp_path / "x.yaml"))


def _definitions(plan, tmp_path):
    from datagen_assets.orchestrate.factory import definitions_for_plans
    from datagen_assets.settings import Settings

    defs = definitions_for_plans([plan], Settings(storage_url=str(tmp_path / "data")))
    return defs.get_repository_def().assets_defs_by_key


def _sqlite_orphans(path) -> list:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA foreign_key_check").fetchall()


def test_a_fk_chain_deeper_than_the_recursion_limit(tmp_path):
    assert sys.getrecursionlimit() < CHAIN
    plan = _plan(tmp_path, chain_ddl(CHAIN), rows=3)
    assert list(plan.tables) == [f"t{i}" for i in range(CHAIN)]
    assert preflight(plan, sample_rows=3).ok
    deepest = generate(plan, f"t{CHAIN - 1}", 0, 3)
    assert deepest["parent_id"].is_between(1, 3).all()
    assert len(load_units(plan, list(plan.tables))) == CHAIN
    assert len(_definitions(plan, tmp_path)) >= CHAIN
    target = tmp_path / "chain.db"
    assert load_dataset(plan, EngineSource(plan), str(target)).rows == 3 * CHAIN
    assert _sqlite_orphans(target) == []


def test_many_fk_cycles(tmp_path, fresh_database):
    plan = _plan(tmp_path, cycles_ddl(CYCLES), rows=4)
    cycle_notes = [n for n in plan.notes if n.message.startswith("FK cycle")]
    assert len(cycle_notes) == CYCLES
    units = load_units(plan, list(plan.tables))
    assert sorted(map(sorted, units)) == sorted([f"a{i}", f"b{i}"] for i in range(CYCLES))
    assert preflight(plan, sample_rows=4).ok
    assert len(_definitions(plan, tmp_path)) >= 2 * CYCLES
    target = tmp_path / "cycles.db"
    assert load_dataset(plan, EngineSource(plan), str(target)).rows == 8 * CYCLES
    assert _sqlite_orphans(target) == []
    url = fresh_database("cycles")
    assert load_dataset(plan, EngineSource(plan), url).rows == 8 * CYCLES
    assert native.postgres_orphans(url) == {}


@pytest.mark.parametrize("columns", [WIDTH])
def test_a_thousand_column_table(columns, tmp_path, fresh_database):
    plan = _plan(tmp_path, wide_ddl(columns), rows=20)
    assert preflight(plan, sample_rows=20).ok
    frame = generate(plan, "w", 0, 20)
    assert frame.width == columns + 1 and frame.height == 20
    assert frame["id"].n_unique() == 20
    assert len(_definitions(plan, tmp_path)) >= 1
    assert load_dataset(plan, EngineSource(plan), str(tmp_path / "wide.db")).rows == 20
    assert load_dataset(plan, EngineSource(plan), fresh_database("wide")).rows == 20

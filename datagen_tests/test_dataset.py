"""Datasets: discovery in a schemas folder, config validation, environment overrides, plans."""

from __future__ import annotations

import polars as pl
import pytest

from datagen_assets.dataset import DEFAULT_ROWS, discover_datasets
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_tests.conftest import REPO

PAIR = """
CREATE TABLE a (id INT PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE b (id INT PRIMARY KEY, a_id INT NOT NULL REFERENCES a (id));
"""


def test_bare_ddl_is_a_dataset_with_defaults(tmp_path):
    (tmp_path / "pair.sql").write_text(PAIR)
    [dataset] = discover_datasets(Settings(schemas_dir=tmp_path))
    assert dataset.name == "pair"
    assert dataset.config_path is None
    plan = plan_dataset(dataset)
    assert list(plan.tables) == ["a", "b"]
    assert all(t.rows == DEFAULT_ROWS for t in plan.tables.values())


def test_environment_overrides(tmp_path):
    (tmp_path / "pair.sql").write_text(PAIR)
    (tmp_path / "pair.yaml").write_text("seed: 1\ntables:\n  b: {rows: 40}\n")
    env = {
        "DATAGEN_SCHEMAS_DIR": str(tmp_path),
        "DATAGEN_SEED": "9",
        "DATAGEN_ROWS": "25",
        "DATAGEN_SCALE": "2",
    }
    [dataset] = discover_datasets(Settings.from_env(env))
    plan = plan_dataset(dataset)
    assert plan.seed == 9
    assert plan.table("a").rows == 50  # DATAGEN_ROWS where the config says nothing, x scale
    assert plan.table("b").rows == 80  # the table's own rows stay, times the scale
    (tmp_path / "pair.yaml").write_text("rows: 10\n")
    [dataset] = discover_datasets(Settings.from_env(env))
    assert plan_dataset(dataset).table("a").rows == 20  # a dataset-wide count is the config's


def test_small_tables_keep_at_least_one_row_at_tiny_scale(tmp_path):
    """rows: 3 at scale 0.01 would round to 0, and b's NOT NULL FK to a would be impossible;
    a positive count never scales below 1 row, while an explicit `rows: 0` stays 0."""
    (tmp_path / "pair.sql").write_text(PAIR + "CREATE TABLE c (id INT PRIMARY KEY);\n")
    (tmp_path / "pair.yaml").write_text(
        "scale: 0.01\ntables:\n  a: {rows: 3}\n  b: {rows: 250}\n  c: {rows: 0}\n"
    )
    [dataset] = discover_datasets(Settings(schemas_dir=tmp_path))
    assert [dataset.config.rows_for(key) for key in ("a", "b", "c")] == [1, 3, 0]
    plan = plan_dataset(dataset)
    assert {key: t.rows for key, t in plan.tables.items()} == {"a": 1, "b": 3, "c": 0}
    frame = generate(plan, "b", 0, 3)
    assert frame["a_id"].to_list() == [1, 1, 1]  # the one row of a


def test_invalid_environment_is_reported():
    with pytest.raises(ValueError, match="DATAGEN_ROWS='many'.*DATAGEN_SEED"):
        Settings.from_env({"DATAGEN_ROWS": "many", "DATAGEN_SEED": "-3"})


def test_every_problem_of_every_dataset_at_once(tmp_path):
    (tmp_path / "one.sql").write_text(PAIR)
    (tmp_path / "one.yaml").write_text("rows: lots\ntables:\n  missing: {rows: 1}\n")
    (tmp_path / "two.sql").write_text("CREATE TABLE c (id INT REFERENCES nowhere (id));")
    (tmp_path / "orphan.yaml").write_text("rows: 1\n")
    with pytest.raises(SchemaError) as error:
        discover_datasets(Settings(schemas_dir=tmp_path))
    message = str(error.value)
    for fragment in ("one.yaml", "rows must be", "missing", "two.sql", "nowhere", "orphan.yaml"):
        assert fragment in message, fragment


def test_partitions_cover_rows_and_regenerate_identically_whatever_the_chunking(tmp_path):
    (tmp_path / "pair.sql").write_text(PAIR)
    (tmp_path / "pair.yaml").write_text("rows: 103\nchunk_rows: 10\n")
    [dataset] = discover_datasets(Settings(schemas_dir=tmp_path))
    plan = plan_dataset(dataset)
    b = plan.table("b")
    assert b.partition_keys[0] == "00000" and len(b.partition_keys) == 11
    assert b.chunk_bounds(b.partition_keys[-1]) == (100, 103)
    chunked = pl.concat([generate(plan, "b", *b.chunk_bounds(k)) for k in b.partition_keys])
    (tmp_path / "pair.yaml").write_text("rows: 103\nchunk_rows: 64\n")
    [other] = discover_datasets(Settings(schemas_dir=tmp_path))
    other_plan = plan_dataset(other)
    regrouped = pl.concat(
        [
            generate(other_plan, "b", *other_plan.table("b").chunk_bounds(k))
            for k in other_plan.table("b").partition_keys
        ]
    )
    assert chunked.equals(regrouped)
    with pytest.raises(KeyError):
        b.chunk_bounds("00011")


def test_shop_example_plans_to_the_benchmark_sizes():
    [shop] = [
        d for d in discover_datasets(Settings(schemas_dir=REPO / "schemas")) if d.name == "shop"
    ]
    plan = plan_dataset(shop)
    assert {k: t.rows for k, t in plan.tables.items()} == {
        "customers": 1000,
        "products": 100,
        "orders": 3000,
        "order_items": 10000,
    }
    full = plan_dataset(discover_datasets(Settings(schemas_dir=REPO / "schemas", scale=1.0))[0])
    assert full.table("order_items").rows == 1_000_000
    assert full.table("order_items").partition_keys == ("00000", "00001", "00002", "00003")

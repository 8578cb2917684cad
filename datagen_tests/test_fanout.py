"""Foreign key fan-out, trees and cross-table rules, all without reading parent or child data."""

from __future__ import annotations

import polars as pl
import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import Engine
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings

DDL = """
CREATE TABLE customers (id INT PRIMARY KEY, created_at TIMESTAMP NOT NULL);
CREATE TABLE products (id INT PRIMARY KEY, price NUMERIC(8,2) NOT NULL);
CREATE TABLE orders (
    id INT PRIMARY KEY,
    customer_id INT NOT NULL REFERENCES customers (id),
    ordered_at TIMESTAMP NOT NULL,
    total NUMERIC(12,2) NOT NULL);
CREATE TABLE order_items (
    id INT PRIMARY KEY,
    order_id INT NOT NULL REFERENCES orders (id),
    product_id INT NOT NULL REFERENCES products (id),
    quantity INT NOT NULL,
    unit_price NUMERIC(8,2) NOT NULL);
CREATE TABLE shipments (id INT PRIMARY KEY, order_id INT NOT NULL REFERENCES orders (id));
CREATE TABLE staff (id INT PRIMARY KEY, boss_id INT REFERENCES staff (id),
                    mentor_id INT NOT NULL REFERENCES staff (id));
"""

CONFIG = """
rows: 500
tables:
  customers: {rows: 200}
  products: {rows: 50}
  staff:
    rows: 1000
    columns:
      boss_id: {generator: fk, roots: 0.01, depth: 4}
      mentor_id: {generator: fk, roots: 0.05, depth: 2}
  orders:
    columns:
      customer_id: {generator: fk, distribution: zipf, s: 1.2}
      ordered_at: {generator: offset, via: customer_id, column: created_at, min: 3600,
                   max: 8640000}
      total: {generator: sum_of_children, table: order_items, via: order_id,
              expression: "quantity * unit_price"}
  order_items:
    rows: 123456  # replaced: a range fan-out decides the count
    columns:
      order_id: {generator: fk, distribution: range, min: 0, max: 6}
      quantity: {generator: uniform_int, min: 1, max: 4}
      unit_price: {generator: lookup, via: product_id, column: price}
  shipments:
    rows: 1000
    columns:
      order_id: {generator: fk, distribution: fixed, count: 2}
"""


def _load(tmp_path, config=CONFIG):
    (tmp_path / "f.sql").write_text(DDL)
    (tmp_path / "f.yaml").write_text(config)
    plan = plan_dataset(load_dataset(tmp_path / "f.sql", tmp_path / "f.yaml", Settings()))
    engine = Engine(plan)
    return plan, {key: engine.generate(key, 0, tp.rows) for key, tp in plan.tables.items()}


def test_range_fanout_sets_rows_and_parent_sums_match(tmp_path):
    plan, frames = _load(tmp_path)
    items, orders = frames["order_items"], frames["orders"]
    per_order = items.group_by("order_id").len()
    assert plan.table("order_items").rows == items.height != 123456
    assert per_order["len"].max() <= 6
    assert items["order_id"].is_sorted()  # children laid out in parent order
    expected = (
        items.with_columns(amount=pl.col("quantity") * pl.col("unit_price").cast(pl.Float64))
        .group_by("order_id")
        .agg(pl.col("amount").sum())
    )
    joined = orders.join(expected, left_on="id", right_on="order_id", how="left").with_columns(
        pl.col("amount").fill_null(0.0)
    )
    assert (joined["total"].cast(pl.Float64) - joined["amount"]).abs().max() < 0.005
    assert (orders["total"].cast(pl.Float64) == 0).sum() > 0  # min 0: childless orders


def test_chunked_parent_sums_equal_whole(tmp_path):
    plan, frames = _load(tmp_path)
    engine = Engine(plan)
    assert engine.generate("orders", 100, 160).equals(frames["orders"].slice(100, 60))
    assert engine.generate("order_items", 500, 900).equals(frames["order_items"].slice(500, 400))


def test_zipf_fixed_offset_and_trees(tmp_path):
    _, frames = _load(tmp_path)
    orders, customers = frames["orders"], frames["customers"]
    counts = orders.group_by("customer_id").len().sort("len", descending=True)["len"]
    assert counts[0] > 8 * counts.median()  # a few heavy customers
    joined = orders.join(customers, left_on="customer_id", right_on="id")
    assert (joined["ordered_at"] > joined["created_at"]).all()
    shipments = frames["shipments"]
    assert shipments.group_by("order_id").len()["len"].to_list() == [2] * 500
    staff = frames["staff"]
    roots = staff.filter(pl.col("boss_id").is_null())
    assert roots.height == 10 and roots["id"].to_list() == list(range(1, 11))
    assert (
        staff.filter(pl.col("boss_id").is_not_null())
        .select((pl.col("boss_id") < pl.col("id")).all())
        .item()
    )
    self_mentors = staff.filter(pl.col("mentor_id") == pl.col("id"))
    assert self_mentors.height == 50  # NOT NULL roots point to themselves


def test_impossible_fanout_and_misuse_are_reported(tmp_path):
    config = CONFIG.replace(
        "rows: 1000\n    columns:\n      order_id: {generator: fk, distribution: fixed, count: 2}",
        "rows: 1001\n    columns:\n      order_id: {generator: fk, distribution: fixed, count: 2}",
    )
    config = config.replace(
        "quantity: {generator: uniform_int, min: 1, max: 4}", "quantity: {generator: fk}"
    )
    with pytest.raises(SchemaError) as error:
        _load(tmp_path, config)
    message = str(error.value)
    assert "shipments.order_id" in message and "at most 1,000 rows" in message
    assert "order_items.quantity" in message and "foreign key column" in message

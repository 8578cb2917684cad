"""Pre-flight: impossible requests are reported together, before anything is generated."""

from __future__ import annotations

import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.settings import Settings
from datagen_tests.conftest import REPO

IMPOSSIBLE = """
CREATE TYPE size AS ENUM ('s', 'm', 'l');
CREATE TABLE empty_parent (id INT PRIMARY KEY);
CREATE TABLE t (
    id INT PRIMARY KEY,
    tiny SMALLINT UNIQUE,
    flag BOOLEAN UNIQUE,
    size size UNIQUE,
    code CHAR(1) UNIQUE,
    odd SMALLINT CHECK (odd > 40000),
    band INT CHECK (band > 10 AND band < 5),
    pick INT CHECK (pick IN (1, 2) AND pick > 5),
    parent_id INT NOT NULL REFERENCES empty_parent (id)
);
"""


def _plan(tmp_path, ddl, config):
    (tmp_path / "x.sql").write_text(ddl)
    (tmp_path / "x.yaml").write_text(config)
    return plan_dataset(load_dataset(tmp_path / "x.sql", tmp_path / "x.yaml", Settings()))


def test_every_impossibility_is_reported(tmp_path):
    plan = _plan(tmp_path, IMPOSSIBLE, "rows: 40000\ntables:\n  empty_parent: {rows: 0}\n")
    report = preflight(plan, sample_rows=0)
    text = "\n".join(str(p) for p in report.problems)
    assert not report.ok
    for fragment in (
        "t.flag",
        "only 2 distinct",
        "t.size",
        "only 3 distinct",
        "t.code",
        "t.tiny",
        "only 32,767",
        "t.odd",
        "more than SMALLINT",
        "t.band",
        "contradict",
        "t.pick",
        "IN list",
        "t.parent_id",
        "0 rows",
        "x.yaml",
    ):
        assert fragment in text, fragment
    with pytest.raises(Exception, match="problem"):
        report.raise_for_problems()


def test_estimates_for_a_feasible_dataset():
    dataset = load_dataset(
        REPO / "schemas" / "shop.sql", REPO / "schemas" / "shop.yaml", Settings(scale=0.1)
    )
    report = preflight(plan_dataset(dataset))
    assert report.ok, report.problems
    items = report.estimates["order_items"]
    assert items.rows == 100_000
    assert 1_000_000 < items.bytes < 20_000_000
    assert items.seconds > 0

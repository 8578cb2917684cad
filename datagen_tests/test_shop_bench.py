"""The shop-v1 benchmark workload, materialised the way a user does, passes the workload's
own verifier (`../shared/bench/verify.py`): hard constraints and the spec, including
`order_items.unit_price = products.price` and emails built from the names."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from datagen_assets import cli
from datagen_tests.conftest import REPO, make_project

BENCH = REPO.parent / "shared" / "bench"
SCALE = 0.02  # 28,200 rows


def bench_verifier():
    if not (BENCH / "verify.py").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{BENCH} is missing under CI")
        pytest.skip(f"{BENCH} is absent (the benchmark workload lives beside the repo)")
    return BENCH / "verify.py"


def test_materialized_shop_passes_the_workload_verifier(tmp_path, monkeypatch, capsys):
    verifier = bench_verifier()
    config = (REPO / "schemas" / "shop.yaml").read_text()
    assert "chunk_rows: 250000" in config
    config = config.replace("chunk_rows: 250000", "chunk_rows: 7000")  # several chunks a table
    make_project(tmp_path, monkeypatch, (REPO / "schemas" / "shop.sql").read_text(), config,
                 name="shop")  # fmt: skip
    monkeypatch.setenv("DATAGEN_SCALE", str(SCALE))
    assert cli.main(["materialize", "shop"]) == 0  # with every asset check
    assert "shop/order_items: 20,000 rows in 3 chunks" in capsys.readouterr().out
    done = subprocess.run(
        [sys.executable, str(verifier), str(tmp_path / "data" / "shop"), "--scale", str(SCALE)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "CONSTRAINTS OK" in done.stdout and "SPEC OK" in done.stdout, done.stdout

"""A dg project declares datasets in `defs.yaml` (the DataGenDataset component) and the real
`dg` CLI lists, checks, launches and serves them; a broken dataset beside it is isolated."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[1]
DG = Path(sys.executable).with_name("dg")
DEFINITIONS = """from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
"""
DEFS_YAML = """type: datagen_assets.orchestrate.component.DataGenDataset
attributes:
  schema_file: shop.sql
  datasets:
    - schema_file: broken.sql
"""

pytestmark = pytest.mark.skipif(not DG.exists(), reason="the dg CLI (dagster-dg-cli) is missing")


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "dgshop"
    package = root / "dgshop"
    folder = package / "defs" / "shop"
    folder.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "dgshop"\nversion = "0.1.0"\n\n[tool.dg]\n'
        'directory_type = "project"\n\n[tool.dg.project]\nroot_module = "dgshop"\n'
    )
    (package / "__init__.py").write_text("")
    (package / "defs" / "__init__.py").write_text("")
    (package / "definitions.py").write_text(DEFINITIONS)
    shutil.copy(REPO / "schemas" / "shop.sql", folder / "shop.sql")
    (folder / "shop.yaml").write_text("rows: 30\n")
    (folder / "broken.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY);")
    (folder / "broken.yaml").write_text("tables: {nope: {rows: 1}}\n")
    (folder / "defs.yaml").write_text(DEFS_YAML)
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = {
        **os.environ,
        "PATH": f"{DG.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(DG.parent.parent),
        "DAGSTER_HOME": str(tmp_path / "home"),
        "DATAGEN_STORAGE_URL": str(tmp_path / "data"),
    }
    for var in ("DATAGEN_SCHEMAS_DIR", "DATAGEN_ROWS", "DATAGEN_SCALE", "DATAGEN_SEED"):
        env.pop(var, None)
    return root, env, tmp_path / "data"


def dg(project, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    root, env, _ = project
    return subprocess.run(
        [str(DG), *args], cwd=root, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_dg_lists_checks_and_launches_a_dataset_declared_in_defs_yaml(project):
    checked = dg(project, "check", "defs")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = dg(project, "list", "defs", "--json")
    assert listed.returncode == 0, listed.stderr
    defs = json.loads(listed.stdout)
    assets = {a["asset_key"] for a in defs["assets"]}
    assert {"shop/customers", "shop/orders", "shop/order_items", "shop/products"} <= assets
    # the broken dataset beside it is one failing asset naming its problem, not a failed load
    assert "broken/invalid_dataset" in assets
    broken = next(a for a in defs["assets"] if a["asset_key"] == "broken/invalid_dataset")
    assert "nope" in broken["description"]
    checks = {c["key"] for c in defs["asset_checks"]}
    assert "shop/orders:primary_key" in checks
    assert "shop_job" in {j["name"] for j in defs["jobs"]}

    launched = dg(project, "launch", "--assets", "shop/customers", "--partition", "00000")
    assert launched.returncode == 0, launched.stdout[-2000:] + launched.stderr[-2000:]
    assert "RUN_SUCCESS" in launched.stdout + launched.stderr
    written = pl.read_parquet(project[2] / "shop" / "customers" / "00000.parquet")
    assert written.height == 30


def test_dg_dev_serves_the_project(project):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root, env, _ = project
    server = subprocess.Popen(
        [str(DG), "dev", "--port", str(port), "--host", "127.0.0.1"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        query = b'{"query": "{ assetNodes { assetKey { path } } }"}'
        deadline = time.monotonic() + 240
        keys: list = []
        while time.monotonic() < deadline and not keys:
            time.sleep(3)
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/graphql",
                    data=query,
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=10) as response:
                    body = json.loads(response.read())
                keys = ["/".join(n["assetKey"]["path"]) for n in body["data"]["assetNodes"]]
            except (OSError, KeyError, TypeError, ValueError):
                continue
        assert "shop/orders" in keys and "broken/invalid_dataset" in keys, keys
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)


def test_several_components_in_one_project_load_once_each(project):
    """Two defs.yaml folders declaring different datasets share the location-wide jobs and
    resources; a third declaring a dataset name again is a failing asset saying where both
    declarations are, not a duplicate-key crash of the whole code location."""
    root, _, data = project
    defs = root / "dgshop" / "defs"
    (defs / "crm").mkdir()
    (defs / "crm" / "crm.sql").write_text("CREATE TABLE contacts (id INT PRIMARY KEY, note TEXT);")
    (defs / "crm" / "crm.yaml").write_text("rows: 12\n")
    (defs / "crm" / "defs.yaml").write_text(
        "type: datagen_assets.orchestrate.component.DataGenDataset\n"
        "attributes:\n  schema_file: crm.sql\n"
    )
    (defs / "again").mkdir()
    shutil.copy(defs / "shop" / "shop.sql", defs / "again" / "shop.sql")
    (defs / "again" / "defs.yaml").write_text(
        "type: datagen_assets.orchestrate.component.DataGenDataset\n"
        "attributes:\n  schema_file: shop.sql\n"
    )
    checked = dg(project, "check", "defs")
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    listed = dg(project, "list", "defs", "--json")
    assert listed.returncode == 0, listed.stderr[-3000:]
    found = json.loads(listed.stdout)
    assets = {a["asset_key"]: a for a in found["assets"]}
    assert {"crm/contacts", "shop/orders", "broken/invalid_dataset"} <= set(assets)
    duplicate = assets["shop/duplicate_declaration"]["description"]
    assert "declared again by" in duplicate and str(defs / "shop" / "defs.yaml") in duplicate
    assert str(defs / "again" / "defs.yaml") in duplicate  # the one loaded (first in order)
    jobs = [j["name"] for j in found["jobs"]]
    assert jobs.count("datagen_request_job") == 1 and {"crm_job", "shop_job"} <= set(jobs)
    launched = dg(project, "launch", "--assets", "crm/contacts", "--partition", "00000")
    assert launched.returncode == 0, launched.stdout[-2000:] + launched.stderr[-2000:]
    assert pl.read_parquet(data / "crm" / "contacts" / "00000.parquet").height == 12

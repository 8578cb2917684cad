"""The content fingerprint: same inputs give the same hash; a changed Faker pool, config or
schema changes it, and the run record (materialisation metadata, export manifest) says why."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate import pools
from datagen_assets.generate.engine import generate
from datagen_assets.generate.fingerprint import (
    Fingerprint,
    dataset_content_sha256,
    explain_change,
    table_fingerprint,
)
from datagen_assets.orchestrate.factory import FINGERPRINT, definitions_for_plans
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.settings import CACHE_DIR_VAR, Settings
from datagen_assets.write.exports.api import export_dataset
from datagen_assets.write.exports.sources import EngineSource

DDL = """
CREATE TABLE customers (
    id SERIAL PRIMARY KEY,
    first_name VARCHAR(30) NOT NULL,
    last_name VARCHAR(30) NOT NULL,
    city VARCHAR(60)
);
CREATE TABLE orders (
    id SERIAL PRIMARY KEY,
    customer_id INT NOT NULL REFERENCES customers (id),
    quantity INT NOT NULL CHECK (quantity > 0)
);
"""


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """A private pool cache, so a pool can be tampered with as a new Faker version would."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_VAR, str(folder))
    pools.forget_pools()
    yield folder
    pools.forget_pools()


def _plan(folder: Path, config: str = "rows: 50\nchunk_rows: 20\n", ddl: str = DDL):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shopdemo.sql").write_text(ddl)
    (folder / "shopdemo.yaml").write_text(config)
    dataset = load_dataset(folder / "shopdemo.sql", folder / "shopdemo.yaml", Settings())
    return plan_dataset(dataset)


def _new_faker_output(cache: Path, provider: str) -> str:
    """Rewrite one cached pool with different values, as an upgraded Faker would make them;
    returns the pool's name."""
    (path,) = cache.rglob(f"{provider}-*.parquet")
    values = pl.read_parquet(path).to_series()
    pl.Series(values.name, [v + "x" for v in values.to_list()]).to_frame().write_parquet(path)
    pools.forget_pools()
    locale = path.parent.name
    size, seed = path.stem.split("-")[-2:]
    return pools.pool_name(provider, locale, int(size), int(seed))


def test_same_inputs_same_hash_and_each_input_named(tmp_path, cache):
    plan = _plan(tmp_path / "a")
    first = table_fingerprint(plan, "customers")
    assert first == table_fingerprint(_plan(tmp_path / "b"), "customers")
    used = {name.split("/")[1] for name in first.pools}
    assert used >= {"first_name_female", "last_name", "street_name", "zipcodes"}
    assert table_fingerprint(plan, "orders").pools == {}  # no Faker behind orders

    # Faker's version alone is not content: only its output is
    assert replace(first, faker="0.0.1").content_sha256 == first.content_sha256

    reseeded = table_fingerprint(_plan(tmp_path / "c", "rows: 50\nseed: 9\n"), "customers")
    assert reseeded.content_sha256 != first.content_sha256
    assert "config changed" in explain_change(first.to_dict(), reseeded)

    other_schema = DDL.replace("VARCHAR(60)", "VARCHAR(61)")
    changed_schema = table_fingerprint(_plan(tmp_path / "d", ddl=other_schema), "customers")
    assert "schema file changed" in explain_change(first.to_dict(), changed_schema)
    assert explain_change(first.to_dict(), first) == ""
    assert explain_change(None, first) == ""


def test_new_faker_output_changes_hash_and_names_the_pool(tmp_path, cache):
    plan = _plan(tmp_path / "a")
    before = table_fingerprint(plan, "customers")
    rows_before = generate(plan, "customers", 0, 50)

    changed = _new_faker_output(cache, "last_name")
    plan = _plan(tmp_path / "a")  # a new process: a fresh plan and engine
    after = table_fingerprint(plan, "customers")

    after_rows = generate(plan, "customers", 0, 50)["last_name"].to_list()
    assert after_rows != rows_before["last_name"].to_list()
    assert after.content_sha256 != before.content_sha256
    assert after.pools[changed] != before.pools[changed]
    recorded = {**before.to_dict(), "faker": "1.0.0"}
    reason = explain_change(recorded, after)
    assert f"Faker 1.0.0 -> {after.faker} changed the values of pool(s) {changed}" == reason
    assert Fingerprint.from_dict(after.to_dict()) == after


def test_materialisations_record_the_run_and_why_content_changed(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("DATAGEN_STORAGE_URL", str(tmp_path / "data"))
    plan = _plan(tmp_path / "schemas")
    settings = Settings(storage_url=str(tmp_path / "data"))
    key = dg.AssetKey(["shopdemo", "customers"])

    def run(instance) -> list[dg.AssetMaterialization]:
        defs = definitions_for_plans([_plan(tmp_path / "schemas")], settings)
        job = defs.resolve_implicit_global_asset_job_def()
        for partition in ("00000", "00001", "00002"):
            result = job.execute_in_process(
                instance=instance,
                asset_selection=[key],
                partition_key=partition,
                raise_on_error=True,
            )
        return result.asset_materializations_for_node("shopdemo")

    with dg.DagsterInstance.ephemeral() as instance:
        (first,) = run(instance)
        meta = first.metadata
        fingerprint = table_fingerprint(plan, "customers")
        assert meta["datagen/seed"].value == plan.seed
        assert meta["datagen/content_sha256"].value == fingerprint.content_sha256
        assert meta["datagen/config_sha256"].value == fingerprint.config_sha256
        assert meta[FINGERPRINT].data == fingerprint.to_dict()
        assert meta["datagen/bytes_written_in_run"].value > 0
        assert meta["datagen/seconds_in_run"].value >= 0
        assert "datagen/content_change" not in meta

        logs = [
            entry.user_message
            for run_record in instance.get_runs()
            for entry in instance.all_logs(run_record.run_id)
        ]
        assert any(
            "customers chunk 00002 (1/1): 16 rows in" in m and "run 16/16 rows" in m and "ETA" in m
            for m in logs
        )

        changed = _new_faker_output(cache, "last_name")
        (second,) = run(instance)
        change = second.metadata["datagen/content_change"].value
        assert changed in change and "Faker" in change
        assert second.metadata["datagen/content_sha256"].value != fingerprint.content_sha256


def test_export_manifest_carries_the_content_hash(tmp_path, cache):
    plan = _plan(tmp_path / "schemas")
    csv = export_dataset(plan, EngineSource(plan), "csv", str(tmp_path / "csv"))
    parquet = export_dataset(plan, EngineSource(plan), "parquet", str(tmp_path / "parquet"))
    fingerprints = {key: table_fingerprint(plan, key) for key in plan.tables}
    assert csv.content_sha256 == parquet.content_sha256 == dataset_content_sha256(fingerprints)
    assert csv.pools == fingerprints["customers"].pools

    _new_faker_output(cache, "first_name_female")
    plan = _plan(tmp_path / "schemas")
    again = export_dataset(plan, EngineSource(plan), "csv", str(tmp_path / "csv2"))
    assert again.content_sha256 != csv.content_sha256

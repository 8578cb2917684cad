"""Schema snapshots as a Dagster job, and the introspection round trip.

The `refresh_<dataset>_snapshot` job of a dataset whose YAML declares `snapshot:` rewrites its
schema file from a real database (only when the schema changed), refuses a snapshot the config
no longer fits, and never shows the password. The round trip: DDL -> PostgreSQL -> snapshot ->
plan and generate -> load into a second database built from the snapshot, every constraint on.
"""

from __future__ import annotations

import os
import shutil

import dagster as dg
import psycopg
import pytest

from datagen_assets.dataset import SnapshotSource, discover_datasets, load_dataset
from datagen_assets.generate.fingerprint import config_sha256
from datagen_assets.orchestrate.factory import definitions_for_plans, load_plans
from datagen_assets.orchestrate.snapshots import SNAPSHOT_HEADER, refresh_snapshot
from datagen_assets.schema.introspect import redact
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_tests.conftest import REPO, SHARED_SCHEMAS, shared_schemas
from datagen_tests.test_postgres_load import _apply_ddl, _load

SECRET = "hunter2"
ENV = "SHOP_SOURCE_URL"
JOB = "refresh_shop_snapshot"
SNAPSHOT_BLOCK = f"snapshot:\n  dsn_env: {ENV}\n  schemas: [public]\n  profile: true\n"


@pytest.fixture
def shop(tmp_path, monkeypatch, fresh_database):
    """The shop dataset in a temporary schemas folder, declaring a snapshot source, and a
    database loaded from its DDL, reachable through $SHOP_SOURCE_URL with a password (trust
    authentication ignores it, so it is a secret that must never show)."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    shutil.copy(REPO / "schemas" / "shop.sql", schemas / "shop.sql")
    config = (REPO / "schemas" / "shop.yaml").read_text()
    (schemas / "shop.yaml").write_text(config + SNAPSHOT_BLOCK)
    url = fresh_database("snapjob_shop")
    _apply_ddl(url, REPO / "schemas" / "shop.sql")
    monkeypatch.setenv(ENV, url.replace("postgres@", f"postgres:{SECRET}@"))
    for var in ("DATAGEN_ROWS", "DATAGEN_SEED", "DATAGEN_SCALE"):
        monkeypatch.delenv(var, raising=False)
    return Settings(schemas_dir=schemas, storage_url=str(tmp_path / "data")), url


def snapshot_job(settings: Settings) -> dg.JobDefinition:
    """The job as the definitions the code location loads carry it."""
    return definitions_for_plans(load_plans(settings), settings).resolve_job_def(JOB)


def run(job: dg.JobDefinition) -> tuple[dg.ExecuteInProcessResult, str]:
    """Run the job; return the result and everything the run recorded, as text."""
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        logs = "\n".join(repr(entry) for entry in instance.all_logs(result.run_id))
    return result, logs


def metadata(result: dg.ExecuteInProcessResult) -> dict:
    [event] = [e for e in result.all_node_events if e.is_successful_output]
    return {key: value.value for key, value in event.step_output_data.metadata.items()}


def failure(result: dg.ExecuteInProcessResult) -> str:
    [event] = result.get_step_failure_events()
    return event.step_failure_data.user_failure_data.description


def test_job_rewrites_the_schema_file_and_the_dataset_still_plans(shop):
    settings, url = shop
    schema_file = settings.schemas_dir / "shop.sql"
    job = snapshot_job(settings)

    result, logs = run(job)

    assert result.success
    found = metadata(result)
    assert found["changed"] is True and found["profile_changed"] is True
    assert (found["tables"], found["columns"]) == (4, 27)
    assert found["lines_added"] > 0 and found["lines_removed"] > 0
    assert "+CREATE TABLE customers (" in found["diff"]
    assert schema_file.read_text().startswith(SNAPSHOT_HEADER)
    assert (settings.schemas_dir / "shop.profile.yaml").is_file()
    assert found["source"] == redact(os.environ[ENV]) and url.rsplit("/", 1)[1] in logs
    assert SECRET not in logs and "password" not in logs  # the metadata names the source only
    assert SECRET not in schema_file.read_text()
    assert sorted(p.name for p in settings.schemas_dir.iterdir()) == [
        "shop.profile.yaml",
        "shop.sql",
        "shop.yaml",
    ]  # no staging folder left behind
    plans = load_plans(settings)  # the dataset still loads, plans and passes the pre-flight
    assert set(plans[0].tables) == {"customers", "orders", "products", "order_items"}

    # Unchanged database: the file is left alone (no new header, no diff to review).
    before = schema_file.read_text()
    again, _ = run(job)
    assert again.success and metadata(again)["changed"] is False
    assert metadata(again)["lines_added"] == metadata(again)["lines_removed"] == 0
    assert schema_file.read_text() == before

    # A new column: rewritten, and the diff says so.
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ALTER TABLE customers ADD COLUMN nickname varchar(30)")
    changed, _ = run(job)
    assert metadata(changed)["changed"] is True
    assert (metadata(changed)["lines_added"], metadata(changed)["lines_removed"]) == (1, 0)
    assert "nickname" in metadata(changed)["diff"]
    assert "nickname" in load_dataset(schema_file).schema.table("customers").column_names


def test_a_snapshot_the_config_no_longer_fits_is_refused(shop):
    settings, url = shop
    schema_file = settings.schemas_dir / "shop.sql"
    before = schema_file.read_text()
    job = snapshot_job(settings)
    with psycopg.connect(url, autocommit=True) as connection:  # shop.yaml configures it
        connection.execute("ALTER TABLE customers DROP COLUMN country_code")

    result, logs = run(job)

    assert not result.success
    message = failure(result)
    assert "does not fit" in message and "country_code" in message and "unchanged" in message
    assert schema_file.read_text() == before
    assert not (settings.schemas_dir / "shop.profile.yaml").exists()
    assert SECRET not in logs


def test_missing_environment_variable_fails_clearly(shop, monkeypatch):
    settings, _ = shop
    monkeypatch.delenv(ENV)
    job = snapshot_job(settings)  # definitions load without it: they never connect

    result, _ = run(job)

    assert not result.success
    message = failure(result)
    assert "dataset shop" in message and ENV in message and "not set" in message


def test_unreachable_database_fails_without_the_password(shop, monkeypatch):
    settings, url = shop
    monkeypatch.setenv(ENV, url.replace("postgres@", f"postgres:{SECRET}@") + "_missing")
    result, logs = run(snapshot_job(settings))
    assert not result.success
    assert "dataset shop" in failure(result) and "_missing" in failure(result)
    assert SECRET not in logs


def test_snapshot_block_is_validated(tmp_path):
    (tmp_path / "shop.sql").write_text((REPO / "schemas" / "shop.sql").read_text())
    config = tmp_path / "shop.yaml"
    config.write_text(f"snapshot:\n  dsn_env: {ENV}\n  tabels: [orders]\n  profile: yes\n")
    with pytest.raises(SchemaError, match="snapshot: unknown key 'tabels'"):
        discover_datasets(Settings(schemas_dir=tmp_path))

    config.write_text(f"snapshot:\n  dsn_env: postgresql://u:{SECRET}@db/shop\n  schemas: public\n")
    with pytest.raises(SchemaError) as error:
        discover_datasets(Settings(schemas_dir=tmp_path))
    message = str(error.value)
    assert "dsn_env must be the name of an environment variable" in message
    assert "schemas must be a list" in message
    assert SECRET not in message  # a DSN put there by mistake is not echoed

    (tmp_path / "shop.sql").rename(tmp_path / "shop.mysql.sql")
    config.write_text(f"snapshot: {{dsn_env: {ENV}}}\n")
    with pytest.raises(SchemaError, match="must be PostgreSQL DDL"):
        discover_datasets(Settings(schemas_dir=tmp_path))


def test_snapshot_source_is_parsed_and_not_part_of_the_config_hash(tmp_path):
    (tmp_path / "shop.sql").write_text((REPO / "schemas" / "shop.sql").read_text())
    [plain] = discover_datasets(Settings(schemas_dir=tmp_path))
    (tmp_path / "shop.yaml").write_text(
        f"snapshot: {{dsn_env: {ENV}, tables: [orders, customers]}}\n"
    )
    [declared] = discover_datasets(Settings(schemas_dir=tmp_path))
    assert declared.snapshot == SnapshotSource(ENV, tables=("orders", "customers"))
    assert plain.snapshot is None
    assert config_sha256(declared) == config_sha256(plain)  # generated data does not change


def test_no_snapshot_block_no_job(tmp_path):
    (tmp_path / "shop.sql").write_text((REPO / "schemas" / "shop.sql").read_text())
    settings = Settings(schemas_dir=tmp_path, storage_url=str(tmp_path / "data"))
    jobs = {job.name for job in definitions_for_plans(load_plans(settings), settings).jobs}
    assert not any(name.endswith("_snapshot") for name in jobs)


# -- the round trip: DDL -> PostgreSQL -> snapshot -> generate -> load back -------------------

ROUND_TRIP_ROWS = 300


def _postgres_files() -> list[str]:
    if not SHARED_SCHEMAS.is_dir():
        return ["absent"]  # the test then skips (fails under CI) through shared_schemas()
    return sorted(p.name for p in SHARED_SCHEMAS.glob("*.postgres.sql"))


@pytest.mark.parametrize("file_name", _postgres_files(), ids=lambda name: name.split(".")[0])
def test_introspection_round_trip(file_name, fresh_database, tmp_path):
    original = shared_schemas() / file_name
    name = file_name.split(".")[0]
    source_url, target_url = fresh_database(f"rt_src_{name}"), fresh_database(f"rt_dst_{name}")
    _apply_ddl(source_url, original)
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    schema_file = schemas / file_name
    shutil.copy(original, schema_file)
    (schemas / f"{name}.yaml").write_text("snapshot: {dsn_env: UNUSED_HERE}\n")
    [dataset] = discover_datasets(Settings(schemas_dir=schemas))

    refresh = refresh_snapshot(dataset, source_url, Settings(rows=ROUND_TRIP_ROWS))

    assert refresh.changed and schema_file.read_text().startswith(SNAPSHOT_HEADER)
    _apply_ddl(target_url, schema_file)  # the snapshot builds the database, constraints on
    loaded = _load(target_url, schema_file, rows=ROUND_TRIP_ROWS)  # asserts counts in the db
    assert len(loaded) == refresh.tables and sum(loaded.values()) > 0

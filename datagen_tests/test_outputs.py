"""The Dagster layer for exports and database loads (`orchestrate/outputs.py`), and previews
(`write/preview.py`): tables materialised through the CLI, then the export and load assets
run on a temporary instance next to the factory's table assets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dagster as dg
import polars as pl
import psycopg
import pytest
from polars.testing import assert_frame_equal

from datagen_assets import cli
from datagen_assets.generate.engine import generate
from datagen_assets.orchestrate import factory
from datagen_assets.orchestrate.factory import definitions_for_plans, load_plans
from datagen_assets.orchestrate.outputs import (
    TARGET_RESOURCE,
    DatabaseTarget,
    build_output_definitions,
    export_url,
    parse_exports,
)
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_assets.write import preview as preview_module
from datagen_assets.write.exports import MANIFEST_NAME, Manifest
from datagen_assets.write.preview import preview
from datagen_tests.conftest import make_project

DDL = """
CREATE TABLE customers (
    id      INTEGER      PRIMARY KEY,
    name    VARCHAR(40)  NOT NULL,
    manager INTEGER      REFERENCES customers (id)
);
CREATE TABLE orders (
    id          INTEGER        PRIMARY KEY,
    customer_id INTEGER        NOT NULL REFERENCES customers (id),
    total       NUMERIC(10, 2) NOT NULL CHECK (total > 0),
    status      VARCHAR(10)    NOT NULL
);
"""
CONFIG = """
seed: 11
rows: 40
chunk_rows: 25
tables:
  orders:
    rows: 90
    columns:
      status: {generator: choice, values: [paid, open]}
exports:
  - csv
  - fixtures
  - {format: sql, dialect: mysql, tables: [customers]}
  - {format: jsonl, compression: gzip, rows: 10, name: sample}
targets: [postgres]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The `tiny` dataset with an `exports:` list; storage and DAGSTER_HOME under tmp. The
    `exports` key is allowed explicitly, whether or not dataset.py lists it yet."""
    make_project(tmp_path, monkeypatch, DDL, CONFIG)
    settings = Settings.from_env()
    return settings, load_plans(settings)


def _definitions(settings, plans, target=None) -> dg.Definitions:
    """The factory's definitions (tables and outputs), with `target` as the load resource."""
    defs = definitions_for_plans(plans, settings)
    if target is None:
        return defs
    outputs = build_output_definitions(plans, settings, target=target)
    return dg.Definitions(
        assets=list(defs.assets or []),
        asset_checks=list(defs.asset_checks or []),
        jobs=list(defs.jobs or []),
        resources={**defs.resources, **outputs.resources},
    )


# ---------------------------------------------------------------------------- config


def test_exports_config_lists_every_problem():
    entries = [
        "csv",
        "xml",
        {"format": "csv", "dialect": "mysql"},
        {"format": "sql", "dialect": "oracle", "rows": 0},
        {"profile": "fixtures", "format": "json"},
        {"profile": "nope"},
        {"format": "csv", "compression": "rar", "colour": "red", "tables": ["ghost"]},
        "csv",
        42,
    ]
    specs, problems = parse_exports(entries, {"customers", "orders"}, "tiny.yaml")
    assert [s.label for s in specs] == ["csv"]
    messages = [str(p) for p in problems]
    assert messages == [
        "tiny.yaml: exports entry 2: unknown format 'xml' (formats: csv, json, jsonl, parquet, "
        "xlsx, sql, pgdump; profiles: fixtures, loadtest)",
        "tiny.yaml: exports entry 3: a dialect applies to the sql format only, not csv",
        "tiny.yaml: exports entry 4: unknown dialect 'oracle' (choose from postgres, mysql, "
        "sqlite, tsql)",
        "tiny.yaml: exports entry 4: rows must be a whole number >= 1, got 0",
        "tiny.yaml: exports entry 5: give exactly one of `format` or `profile`",
        "tiny.yaml: exports entry 6: unknown profile 'nope' (choose from fixtures, loadtest)",
        "tiny.yaml: exports entry 7: unknown key 'colour' (allowed: batch_rows, compression, "
        "dialect, format, name, pretty, profile, rows, tables)",
        "tiny.yaml: exports entry 7: unknown compression 'rar' (choose from gzip, bz2, xz, zstd)",
        "tiny.yaml: exports entry 7: no table(s) ghost in the schema",
        "tiny.yaml: exports entry 8: label 'csv' is used twice; give one a `name:`",
        "tiny.yaml: exports entry 9: must be a format name, a profile name or a mapping",
    ]


def test_invalid_exports_stop_definitions_with_every_problem(project, tmp_path):
    """Problems of every dataset, all at once, each with its file."""
    settings, _ = project
    schemas = tmp_path / "schemas"
    (schemas / "tiny.yaml").write_text(
        CONFIG.replace("  - csv\n", "  - csv\n  - {format: csv, rows: -1}\n  - xml\n")
    )
    (schemas / "other.sql").write_text("CREATE TABLE t (id INTEGER PRIMARY KEY);")
    (schemas / "other.yaml").write_text("exports: csv\n")
    with pytest.raises(SchemaError) as raised:  # when the datasets load, each at its line
        load_plans(settings)
    assert [(Path(p.file).name, p.message) for p in raised.value.problems] == [
        ("other.yaml", "exports must be a list, got 'csv'"),
        ("tiny.yaml", "exports entry 2: rows must be a whole number >= 1, got -1"),
        (
            "tiny.yaml",
            "exports entry 3: unknown format 'xml' (formats: csv, json, jsonl, "
            "parquet, xlsx, sql, pgdump; profiles: fixtures, loadtest)",
        ),
    ]


# ---------------------------------------------------------------------------- assets


def test_export_assets_read_storage_and_record_their_manifest(project):
    settings, plans = project
    assert cli.main(["materialize", "tiny"]) == 0
    defs = _definitions(settings, plans)
    job = defs.resolve_job_def("tiny_exports")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance)
        assert result.success
        events = result.get_asset_materialization_events()
    found = {
        tuple(
            e.event_specific_data.materialization.asset_key.path
        ): e.event_specific_data.materialization.metadata
        for e in events
    }
    assert set(found) == {
        ("tiny", "exports", label) for label in ("csv", "fixtures", "sql_mysql", "sample")
    }
    for (_, _, label), metadata in found.items():
        folder = export_url(settings.storage_url, "tiny", label)
        assert folder == f"{settings.storage_url}/exports/tiny/{label}"
        written = Manifest.from_json(Path(folder, MANIFEST_NAME).read_text())
        assert metadata["manifest"].value == json.loads(written.to_json())
        assert metadata["path"].value == folder
    assert found[("tiny", "exports", "sql_mysql")]["dagster/row_count"].value == 40
    assert found[("tiny", "exports", "sample")]["dagster/row_count"].value == 20
    fixtures = json.loads(
        Path(settings.storage_url, "exports/tiny/fixtures/orders.json").read_text()
    )
    assert len(fixtures) == 90 and fixtures[0]["id"] == 1  # the fixtures profile: 100 rows max
    csv = pl.read_csv(f"{settings.storage_url}/exports/tiny/csv/orders.csv")
    assert csv.height == 90


def test_load_asset_loads_postgres_with_the_mode_of_the_run(project, fresh_database, monkeypatch):
    settings, plans = project
    assert cli.main(["materialize", "tiny"]) == 0
    url = fresh_database("outputs_load")
    monkeypatch.setenv("TINY_TARGET", url.replace("postgres@", "postgres:not-shown@"))
    defs = _definitions(settings, plans, DatabaseTarget(dsn_env_var="TINY_TARGET"))
    job = defs.resolve_job_def("tiny_load_postgres")
    with dg.instance_for_test() as instance:
        first = job.execute_in_process(instance=instance)
        again = job.execute_in_process(
            instance=instance,
            run_config={
                "resources": {
                    TARGET_RESOURCE: {
                        "config": {"dsn_env_var": "TINY_TARGET", "mode": "truncate_then_insert"}
                    }
                }
            },
        )
        rerun = job.execute_in_process(instance=instance, raise_on_error=False)
    assert first.success and again.success
    # create_if_missing is idempotent: a rerun adds only the rows whose keys are missing (none)
    assert rerun.success
    assert [
        e.event_specific_data.materialization.metadata["dagster/row_count"].value
        for e in rerun.get_asset_materialization_events()
    ] == [0]
    metadata = [
        e.event_specific_data.materialization.metadata
        for result in (first, again)
        for e in result.get_asset_materialization_events()
    ]
    assert [m["mode"].value for m in metadata] == ["create_if_missing", "truncate_then_insert"]
    assert all(m["dagster/row_count"].value == 130 for m in metadata)
    assert all(
        "not-shown" not in json.dumps({k: str(v.value) for k, v in m.items()}) for m in metadata
    )
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT count(*) FROM orders").fetchone() == (90,)


def test_load_asset_fails_early_without_its_variable_or_chunks(project, monkeypatch, tmp_path):
    settings, plans = project
    assert cli.main(["materialize", "tiny", "--table", "customers"]) == 0
    monkeypatch.delenv("DATAGEN_TARGET_DSN", raising=False)
    job = _definitions(settings, plans).resolve_job_def("tiny_load_postgres")
    target = tmp_path / "target.db"
    with dg.instance_for_test() as instance:
        unset = job.execute_in_process(instance=instance, raise_on_error=False)
        monkeypatch.setenv("DATAGEN_TARGET_DSN", str(target))
        partial = job.execute_in_process(instance=instance, raise_on_error=False)
    messages = [
        result.get_step_failure_events()[0].event_specific_data.error.cause.message
        for result in (unset, partial)
    ]
    assert "DATAGEN_TARGET_DSN is not set" in messages[0]
    assert "table orders: chunk(s) 00000, 00001, 00002, 00003 missing" in messages[1]
    assert not target.exists()  # nothing was written, not even an empty database


def test_factory_wiring_keeps_the_cli_materialise_path(project):
    """With the output assets in the factory's definitions, the CLI still materialises only
    tables, and every job and asset loads."""
    settings, _ = project
    defs = factory.build_definitions(settings)
    dg.Definitions.validate_loadable(defs)
    assert {"tiny_exports", "tiny_load_postgres", "tiny_job"} <= {
        job.name for job in defs.resolve_all_job_defs()
    }
    assert cli.main(["materialize", "tiny"]) == 0
    assert not os.path.exists(f"{settings.storage_url}/exports")  # no export ran


# ---------------------------------------------------------------------------- preview


def test_preview_first_rows_and_filtered_sample(project, capsys):
    settings, plans = project
    plan = plans[0]
    assert cli.main(["materialize", "tiny"]) == 0
    orders = generate(plan, "orders", 0, 90)
    assert_frame_equal(preview(settings.storage_url, "tiny", "orders", 30), orders.head(30))
    paid = preview(
        settings.storage_url,
        "tiny",
        "orders",
        40,
        where="status = 'paid' AND total > 20",
        partition_keys=plan.table("orders").partition_keys,
    )
    wanted = orders.filter((pl.col("status") == "paid") & (pl.col("total") > 20)).head(40)
    assert_frame_equal(paid, wanted)
    assert preview(settings.storage_url, "tiny", "orders", 5, where="total < 0").height == 0
    with pytest.raises(ValueError, match="filter"):
        preview(settings.storage_url, "tiny", "orders", 5, where="no_such_column > 1")
    with pytest.raises(FileNotFoundError, match="materialize it first"):
        preview(settings.storage_url, "other", "orders")

    capsys.readouterr()
    assert (
        preview_module.main(
            ["--dataset", "tiny", "--table", "orders", "-n", "3", "--where", "status = 'open'"]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert printed.startswith("tiny/orders: first 3 row(s) where status = 'open'")
    assert preview_module.main(["--dataset", "tiny", "--table", "nope"]) == 2  # a usage error


def test_load_asset_only_for_datasets_that_ask_for_it(project, tmp_path):
    settings, plans = project
    (settings.schemas_dir / "other.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY);")
    (settings.schemas_dir / "bad.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY);")
    (settings.schemas_dir / "bad.yaml").write_text("targets: [oracle]\n")
    with pytest.raises(SchemaError, match="bad.yaml.*targets"):
        load_plans(settings)
    isolated = factory.build_definitions(settings)  # the others load; bad is one failing asset
    keys = {"/".join(k.path) for k in isolated.resolve_all_asset_keys()}
    assert "bad/invalid_dataset" in keys and "tiny/loads/postgres" in keys
    (settings.schemas_dir / "bad.yaml").unlink()
    defs = factory.build_definitions(settings)
    keys = {"/".join(k.path) for k in defs.resolve_all_asset_keys()}
    assert "tiny/loads/postgres" in keys and "other/loads/postgres" not in keys

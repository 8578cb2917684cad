"""End to end: a small dataset materialised through Dagster the way `datagen materialize` does,
on a temporary instance and storage."""

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

import datagen_assets
from datagen_assets import cli
from datagen_assets.check.constraints import table_constraints
from datagen_assets.orchestrate import factory
from datagen_assets.orchestrate.factory import build_definitions, has_text_columns, load_plans
from datagen_assets.orchestrate.translator import DatasetTranslator
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_assets.write.parquet_io import chunk_path
from datagen_tests.conftest import make_project

REPO = Path(__file__).resolve().parents[1]

DDL = """
-- A customer places orders per region; order lines reference orders by a composite key.
CREATE TABLE "Customer" (
    id      INTEGER      PRIMARY KEY,
    "Name"  VARCHAR(40)  NOT NULL,
    email   VARCHAR(80)  UNIQUE
);

CREATE TABLE orders (
    region      CHAR(2)  NOT NULL,
    order_no    INTEGER  NOT NULL,
    customer_id INTEGER  NOT NULL REFERENCES "Customer" (id),
    note        TEXT,
    PRIMARY KEY (region, order_no)
);

CREATE TABLE order_lines (
    region   CHAR(2)  NOT NULL,
    order_no INTEGER  NOT NULL,
    line     INTEGER  NOT NULL,
    quantity INTEGER  NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (region, order_no, line),
    FOREIGN KEY (region, order_no) REFERENCES orders (region, order_no)
);
"""

CONFIG = """
seed: 7
rows: 30
chunk_rows: 20
tables:
  orders: {rows: 70}
  order_lines: {rows: 150}
"""

# Every table of a dataset has the chunks its biggest table needs (150 rows / 20 = 8 chunks).
CHUNKS = {"Customer": 8, "orders": 8, "order_lines": 8}
OWN_CHUNKS = {"Customer": 2, "orders": 4, "order_lines": 8}  # at 20 rows a chunk, apart


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A schemas folder with the `tiny` dataset; storage and DAGSTER_HOME under tmp."""
    make_project(tmp_path, monkeypatch, DDL, CONFIG)
    return tmp_path


def evaluations(instance: dg.DagsterInstance) -> list:
    found = []
    for run in instance.get_runs():
        for entry in instance.all_logs(
            run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        ):
            found.append(entry.dagster_event.event_specific_data)
    return found


def test_materialize_all_partitions_with_checks(project, capsys):
    assert cli.main(["materialize", "tiny"]) == 0
    output = capsys.readouterr().out
    assert "tiny/order_lines: 150 rows in 8 chunks" in output
    assert ", content " in output  # the content hash of each table (generate/fingerprint.py)
    assert (project / "home" / "dagster.yaml").exists()  # seeded from the repo

    settings = Settings.from_env()
    (plan,) = load_plans(settings)
    assert [key for key in plan.tables] == ["Customer", "orders", "order_lines"]
    for table_plan in plan.tables.values():
        assert len(table_plan.partition_keys) == CHUNKS[table_plan.key]
        for key in table_plan.partition_keys:
            path = chunk_path(settings.storage_url, "tiny", table_plan.key, key)
            start, stop = table_plan.chunk_bounds(key)
            assert pl.read_parquet(path.path).height == stop - start

    with dg.DagsterInstance.get() as instance:
        runs = instance.get_runs()
        assert len(runs) == 1  # one partitions definition: the dataset in one run
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
        found = evaluations(instance)
        expected = sum(len(table_constraints(tp.table)) for tp in plan.tables.values())
        scans = [e for e in found if e.check_name == "pii_scan"]
        assert len(scans) == sum(has_text_columns(tp) for tp in plan.tables.values())
        assert len(found) == expected + len(scans)
        assert all(e.passed for e in found), [e.description for e in found if not e.passed]
        for table, chunks in CHUNKS.items():
            records = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=dg.AssetKey(["tiny", table])), limit=100
            ).records
            assert sorted(r.asset_materialization.partition for r in records) == [
                f"{i:05d}" for i in range(chunks)
            ]

        # Re-materialise one chunk alone (single-partition path): byte-identical Parquet.
        path = chunk_path(settings.storage_url, "tiny", "orders", "00002")
        before = path.read_bytes()
        os.utime(path.path, (0, 0))
        job = build_definitions().resolve_implicit_global_asset_job_def()
        subset = job.get_subset(asset_selection={dg.AssetKey(["tiny", "orders"])})
        result = subset.execute_in_process(instance=instance, partition_key="00002")
        assert result.success
        assert os.stat(path.path).st_mtime > 0  # really rewritten
        assert path.read_bytes() == before


def test_dagster_cli_materializes_one_partition_of_the_module_defs(project):
    """`dagster asset materialize -m datagen_assets` loads the lazy `defs` and runs checks."""
    assert cli.main(["materialize", "tiny", "--table", "Customer"]) == 0
    path = chunk_path(os.environ["DATAGEN_STORAGE_URL"], "tiny", "Customer", "00001")
    before = path.read_bytes()
    path.unlink()
    command = [sys.executable, "-m", "dagster", "asset", "materialize", "-m", "datagen_assets"]
    command += ["--select", "tiny/Customer", "--partition", "00001"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert path.read_bytes() == before
    assert "Asset check 'primary_key' on 'tiny/Customer' passed" in done.stderr


@pytest.mark.parametrize("chunk_rows", [20, 1000])
def test_blocking_check_failure_stops_children_and_fails(project, monkeypatch, capsys, chunk_rows):
    """With 20 rows a chunk (8 chunks) or 1000 (one), the dataset is one run whose step stops
    at the failed blocking check: the children are not generated, and the CLI says so."""
    schemas = Path(os.environ["DATAGEN_SCHEMAS_DIR"])
    (schemas / "tiny.yaml").write_text(
        CONFIG.replace("chunk_rows: 20", f"chunk_rows: {chunk_rows}")
    )
    real = factory.generate

    def broken(plan, table_key, start, stop):
        frame = real(plan, table_key, start, stop)
        return frame.with_columns(pl.lit(1).alias("id")) if table_key == "Customer" else frame

    monkeypatch.setattr(factory, "generate", broken)
    assert cli.main(["materialize", "tiny"]) == 1
    output = capsys.readouterr().out
    assert "FAIL primary_key" in output
    assert "tiny/orders: skipped" in output and "tiny/order_lines: skipped" in output


def test_checks_fail_clearly_when_a_parent_is_missing(project, capsys):
    assert cli.main(["materialize", "tiny", "--table", "orders"]) == 1
    output = capsys.readouterr().out
    assert "parent table Customer is not materialised; materialise it first" in output


def test_definitions(project):
    defs = datagen_assets.defs()  # the lazy module attribute Dagster loads
    assert isinstance(defs, dg.Definitions)
    graph = defs.resolve_asset_graph()
    orders = graph.get(dg.AssetKey(["tiny", "orders"]))
    assert orders.partitions_def.get_partition_keys() == [f"{i:05d}" for i in range(8)]
    assert set(orders.parent_keys) == {dg.AssetKey(["tiny", "Customer"])}
    schema = orders.metadata["dagster/column_schema"]
    assert [c.name for c in schema.columns] == ["region", "order_no", "customer_id", "note"]
    assert "PRIMARY KEY (region, order_no)" in schema.constraints.other
    check = graph.get(dg.AssetCheckKey(dg.AssetKey(["tiny", "orders"]), "primary_key"))
    assert check.blocking
    jobs = {job.name for job in defs.resolve_all_job_defs()}
    assert "tiny_job" in jobs
    # One subsettable multi-asset holds the dataset's tables and their checks.
    (assets_def,) = {graph.get(dg.AssetKey(["tiny", t])).assets_def for t in CHUNKS}
    assert assets_def.can_subset and assets_def.op.name == "tiny"
    assert len(assets_def.check_specs_by_output_name) == sum(
        len(table_constraints(t.table)) + has_text_columns(t)
        for t in load_plans(Settings.from_env())[0].tables.values()
    )


def test_invalid_schemas_list_every_problem(project, capsys):
    schemas = Path(os.environ["DATAGEN_SCHEMAS_DIR"])
    (schemas / "tiny.yaml").write_text("rows: -1\ncolour: blue\ntables: {nope: {rows: 3}}\n")
    with pytest.raises(SchemaError) as raised:
        load_plans(Settings.from_env())
    assert len(raised.value.problems) >= 3
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    # Dagster: the code location still loads; the dataset is one failing asset naming it all
    defs = build_definitions()
    broken = defs.resolve_assets_def(dg.AssetKey(["tiny", "invalid_dataset"]))
    description = broken.specs_by_key[dg.AssetKey(["tiny", "invalid_dataset"])].description
    for fragment in ("rows must be", "colour", "nope"):
        assert fragment in description
    assert cli.main(["validate"]) == 1
    errors = capsys.readouterr().err
    for fragment in ("rows must be", "colour", "nope"):
        assert fragment in errors


def test_validate_and_plan_print_summaries(project, capsys):
    assert cli.main(["validate"]) == 0
    assert "tiny: 3 tables, 11 columns, 250 rows" in capsys.readouterr().out
    assert cli.main(["plan", "tiny"]) == 0
    output = capsys.readouterr().out
    assert "order_lines" in output and "8 chunk(s)" in output and "materialise: 1 run(s)" in output


def test_dagster_home_defaults_to_dot_dagster(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    home = cli.ensure_dagster_home()
    assert home == tmp_path / ".dagster"
    assert (home / "dagster.yaml").read_text() == (REPO / "dagster.yaml").read_text()


def test_batches_group_equal_chunk_keys_parents_first(project):
    (plan,) = load_plans(Settings.from_env())
    (batch,) = cli.plan_batches(plan)  # the same chunks everywhere: a single run
    assert batch.tables == ["Customer", "orders", "order_lines"]
    assert batch.partition_keys[-1] == "00007"
    assert len(batch.checks) == sum(
        len(table_constraints(t.table)) + has_text_columns(t) for t in plan.tables.values()
    )
    # Tables with chunk keys of their own (a plan built otherwise) run a batch per chunk count.
    apart = replace(plan, tables={k: replace(t, chunks=0) for k, t in plan.tables.items()})
    assert {k: t.chunk_count for k, t in apart.tables.items()} == OWN_CHUNKS
    batches = cli.plan_batches(apart)
    assert [b.tables for b in batches] == [["Customer"], ["orders"], ["order_lines"]]
    assert [b.partition_keys[-1] for b in batches] == ["00001", "00003", "00007"]


def test_children_follow_their_parents_by_automation(project):
    from dagster import AutomationCondition

    (plan,) = load_plans(Settings.from_env())
    translator = DatasetTranslator()
    for table_plan in plan.tables.values():
        condition = translator.get_asset_spec(table_plan, plan).automation_condition
        if table_plan.parents:
            assert condition == AutomationCondition.eager()
        else:
            assert condition is None

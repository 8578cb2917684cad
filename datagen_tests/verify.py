"""Generate a whole planned dataset in memory and verify it with DataGen's own checkers: the
key checks of `check/constraints.py` (PRIMARY KEY, UNIQUE and unique indexes, NOT NULL,
FOREIGN KEY) over Parquet files of the frames, and every CHECK constraint the way the
pre-flight evaluates it. Used by the row-count sweep and by small regression tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl

from datagen_assets.check.constraints import ROW_COUNT, TableFiles, run_checks, table_constraints
from datagen_assets.generate.engine import engine_for
from datagen_assets.plan.plan import DatasetPlan
from datagen_assets.plan.preflight import _failing_checks, preflight


def generate_all(plan: DatasetPlan) -> dict[str, pl.DataFrame]:
    """Every table, whole, after a pre-flight without sample (which must find no problem)."""
    report = preflight(plan, sample_rows=0)
    assert report.ok, "\n".join(str(p) for p in report.problems)
    engine = engine_for(plan)
    return {key: engine.generate(key, 0, tp.rows) for key, tp in plan.tables.items()}


def violations(
    plan: DatasetPlan,
    frames: dict[str, pl.DataFrame],
    keys: bool = True,
    tables: list[str] | None = None,
) -> list[str]:
    """What the checkers find wrong with the frames of `tables` (all by default): CHECKs
    always, key checks when `keys` (DuckDB over Parquet: the slow part, a few milliseconds a
    constraint; a foreign key is checked against its parent's frame)."""
    found = []
    tables = list(plan.tables) if tables is None else tables
    for key in tables:
        table = plan.table(key).table
        for problem in _failing_checks(table, frames[key], plan.dataset.schema_path):
            found.append(f"{key}: {problem.message}")
    if not keys:
        return found
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for index, (key, frame) in enumerate(frames.items()):
            if frame.width == 0:
                continue  # a table without columns: nothing to check, nothing to write
            path = Path(folder) / f"{index}.parquet"
            frame.write_parquet(path)
            files[key] = TableFiles(key, {"00000": str(path)})
        dialect = plan.dataset.schema.dialect
        for key in tables:
            if key not in files:
                continue
            table = plan.table(key).table
            parents = {fk.ref_table: files[fk.ref_table] for fk in table.foreign_keys}
            only = [c.name for c in table_constraints(table, dialect) if c.kind != ROW_COUNT]
            for result in run_checks(table, files[key], {}, parents, only, dialect):
                if not result.passed:
                    found.append(result.description)
    return found


# ---------------------------------------------------------------------------- the sweep

SWEEP_TIMEOUT = 120  # seconds a file may take at one row count before it counts as hung


def sweep_file(
    path: str,
    counts: tuple[int, ...],
    key_tables: int | None = None,
    key_counts=(),
    asset_counts=(),
) -> list[str]:
    """Import one schema file once, then at each of `counts` rows a table (as DATAGEN_ROWS
    sets them) plan, pre-flight, generate and verify it; what went wrong, as lines naming
    the file and the count. CHECKs are verified on every table at every count, the key
    checks at `key_counts` on the `key_tables` tables whose keys are the most involved (all
    when None), and at `asset_counts` every asset check of every table, as a materialisation
    runs them (`asset_check_failures`: any red one, warnings too). Runs in a worker process;
    a hang is reported after SWEEP_TIMEOUT."""
    import signal
    import traceback
    from dataclasses import replace

    from datagen_assets.dataset import load_dataset
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.schema.model import SchemaError
    from datagen_assets.settings import Settings

    def hung(*_):
        raise TimeoutError(f"still running after {SWEEP_TIMEOUT} s")

    name = Path(path).name
    signal.signal(signal.SIGALRM, hung)
    signal.alarm(SWEEP_TIMEOUT)
    found: list[str] = []
    try:
        dataset = load_dataset(Path(path), None, Settings(rows=counts[0]))
    except Exception:  # noqa: BLE001 - report any failure of any file, with where it was
        signal.alarm(0)
        return [f"{name}, import: {traceback.format_exc()[-2000:]}"]
    try:
        for rows in counts:
            stage = "plan"
            try:
                plan = plan_dataset(replace(dataset, config=replace(dataset.config, rows=rows)))
                stage = "generate"
                frames = generate_all(plan)
                stage = "verify"
                lines = violations(plan, frames, keys=False)
                if rows in key_counts:
                    lines += violations(plan, frames, True, _involved(plan, key_tables))
                if rows in asset_counts:
                    stage = "asset checks"
                    with tempfile.TemporaryDirectory() as storage:
                        checks = asset_check_failures(plan, storage, frames)
                    lines += [f"asset check {line}" for line in checks]
                lines += [  # (a table without columns has no rows in polars: nothing to write)
                    f"{k}: {frames[k].height} rows generated, {tp.rows} planned"
                    for k, tp in plan.tables.items()
                    if frames[k].width and frames[k].height != tp.rows
                ]
                found += [f"{name} at {rows} rows: {line}" for line in dict.fromkeys(lines)]
            except (SchemaError, AssertionError) as error:
                found.append(f"{name} at {rows} rows, {stage}: {str(error)[:2000]}")
            except Exception:  # noqa: BLE001 - report any failure, with where it was
                found.append(f"{name} at {rows} rows, {stage}: {traceback.format_exc()[-2000:]}")
    finally:
        signal.alarm(0)
    return found


def _involved(plan: DatasetPlan, limit: int | None) -> list[str]:
    """Tables whose keys are the most involved, in plan order: capped ones, then by how many
    foreign keys their key groups hold, key groups they have, and foreign keys."""
    tables = list(plan.tables)
    if limit is None or len(tables) <= limit:
        return tables

    def score(key: str) -> tuple:
        table_plan = plan.table(key)
        capped = any("capped" in n.message for n in table_plan.notes)
        in_groups = sum(len(g.fks) for g in table_plan.keys.groups)
        return (capped, in_groups, len(table_plan.keys.groups), len(table_plan.table.foreign_keys))

    chosen = set(sorted(tables, key=score, reverse=True)[:limit])
    return [key for key in tables if key in chosen]


# ---------------------------------------------------------------------------- asset checks


def asset_check_failures(
    plan: DatasetPlan, storage_url: str, frames: dict[str, pl.DataFrame] | None = None
) -> list[str]:
    """Every asset check of every table, red ones (any severity) as lines: each table's
    chunks written into `storage_url` where the IO manager puts them (one file per planned
    chunk, cut from `frames` when given, else generated), then the very function the Dagster
    checks call (`factory.table_check_results`: row counts, keys, NOT NULL, every CHECK, the
    PII scan), on one DuckDB connection, without a Dagster run."""
    import duckdb

    from datagen_assets.orchestrate.factory import table_check_results
    from datagen_assets.orchestrate.translator import DatasetTranslator
    from datagen_assets.settings import Settings
    from datagen_assets.write.storage import asset_path, chunk_name, write_parquet_atomic

    translator, settings = DatasetTranslator(), Settings(storage_url=storage_url)
    engine = engine_for(plan)
    for key, table_plan in plan.tables.items():
        folder = asset_path(storage_url, translator.get_asset_key(table_plan, plan).path)
        for chunk in table_plan.partition_keys:
            start, stop = table_plan.chunk_bounds(chunk)
            frame = (
                frames[key].slice(start, stop - start)
                if frames is not None
                else engine.generate(key, start, stop)
            )
            write_parquet_atomic(frame, folder / chunk_name(chunk))
    found = []
    with duckdb.connect() as con:
        for key, table_plan in plan.tables.items():
            for result in table_check_results(table_plan, plan, translator, settings, con=con):
                if not result.passed:
                    found.append(f"{key}: {result.severity} {result.name}: {result.description}")
    return found

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


def violations(plan: DatasetPlan, frames: dict[str, pl.DataFrame], keys: bool = True) -> list[str]:
    """What the checkers find wrong with the frames: CHECKs always, key checks when `keys`
    (DuckDB over Parquet: the slow part, a few milliseconds a constraint)."""
    found = []
    for key, table_plan in plan.tables.items():
        for problem in _failing_checks(table_plan.table, frames[key], plan.dataset.schema_path):
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
        for key, table_plan in plan.tables.items():
            if key not in files:
                continue
            table = table_plan.table
            parents = {fk.ref_table: files[fk.ref_table] for fk in table.foreign_keys}
            only = [c.name for c in table_constraints(table, dialect) if c.kind != ROW_COUNT]
            for result in run_checks(table, files[key], {}, parents, only, dialect):
                if not result.passed:
                    found.append(result.description)
    return found

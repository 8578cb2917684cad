"""Every reference and corpus schema generates at 1, 7 and 50 rows a table (DATAGEN_ROWS):
import, plan, pre-flight, generation of every table whole, then DataGen's own checkers over
the frames (every CHECK on every table), and at 50 rows every asset check a materialisation
runs, on every table: row counts, keys, NOT NULL, CHECKs and the PII scan, the functions the
Dagster checks call, over the chunks written as the IO manager writes them, without a Dagster
run. Any red check fails, warnings too (issue 12: every asset check green).

Small counts are where capacities bite: a singleton table, a junction over tiny parents, a
CHECK between two foreign keys into a one-row table. Files run in two worker processes (the
machine has two cores); 300 and 3,000 rows are measured by a probe outside the suite."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from datagen_tests.conftest import shared_schemas
from datagen_tests.verify import sweep_file

ROW_COUNTS = (1, 7, 50)
ASSET_COUNTS = (50,)  # counts at which every asset check runs on every table


def _files() -> list[str]:
    schemas = shared_schemas()  # skips with a reason when absent, fails under CI
    corpus = schemas.parent / "corpus"
    files = sorted(schemas.glob("*.sql")) + sorted(corpus.glob("*.sql"))
    assert len(files) >= 10, f"no schema files under {schemas} and {corpus}"
    return [str(f) for f in files]


def test_every_schema_generates_valid_rows_at_small_counts():
    files = _files()
    context = multiprocessing.get_context("spawn")  # no fork of a process running polars
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = [
            pool.submit(sweep_file, path, ROW_COUNTS, asset_counts=ASSET_COUNTS) for path in files
        ]
        failures = [line for future in futures for line in future.result()]
    assert not failures, f"{len(failures)} failure(s):\n" + "\n".join(failures)

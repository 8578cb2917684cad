"""Every file of ../shared/schemas and ../shared/corpus, end to end: import, plan, generate, then
every native load that applies (`native.native_loads`): the ORIGINAL DDL run by the engine's
own client (psql, mariadb, sqlite3) with every constraint on, DataGen's INSERT export of that
dialect run by the same client, the PostgreSQL/SQLite targets into that DDL, and PostgreSQL
through DataGen's translation (pgdump export, target creating the tables); every foreign key
verified afterwards from the database's own catalog, every row counted.

Files load in parallel worker processes (each file in its own scratch databases). To stay
within a few minutes on two cores, the default runs two loads per file (`native.QUICK_STAGES`:
the engine's client running the INSERT export, and a target; translated PostgreSQL loads for
dialects without an engine here) at `DATAGEN_CORPUS_ROWS` rows a table (default 50).
`DATAGEN_CORPUS_ROWS=300 DATAGEN_CORPUS_FULL=1` is the full run of issue 12, every load of
every file. Without ../shared every test skips with the reason, except under CI (`CI` set),
where that is a failure.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from datagen_tests.conftest import REPO

SHARED = REPO.parent / "shared"
FOLDERS = (SHARED / "schemas", SHARED / "corpus")
ROWS = int(os.environ.get("DATAGEN_CORPUS_ROWS", "50"))
WORKERS = int(os.environ.get("DATAGEN_CORPUS_WORKERS", "2"))
FULL = os.environ.get("DATAGEN_CORPUS_FULL", "") not in ("", "0")

# Files that do not load yet, with why; each is an xfail (an XPASS says one passes now: take it
# off the list then). Never a reason to special-case a file in code.
NOT_YET: dict[str, str] = {}


def _files() -> list[Path]:
    return sorted(p for folder in FOLDERS if folder.is_dir() for p in folder.glob("*.sql"))


def _params() -> list:
    files = _files()
    if files:
        return [
            pytest.param(
                p,
                id=p.name,
                marks=[pytest.mark.xfail(reason=NOT_YET[p.name], strict=False)]
                if p.name in NOT_YET
                else [],
            )
            for p in files
        ]
    return [pytest.param(None, id="shared-absent")]


def load_one(path: Path, rows: int, full: bool) -> tuple[dict[str, str | None], float]:
    """Import, plan and generate one file at `rows` rows a table, then every native load;
    (stage -> first error or None, seconds). Runs in a worker process."""
    from datagen_assets.dataset import load_dataset
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.settings import Settings
    from datagen_tests.native import native_loads

    began = time.perf_counter()
    try:
        plan = plan_dataset(load_dataset(path, settings=Settings(rows=rows)))
    except Exception as error:
        return {"import and plan": f"{type(error).__name__}: {error}"[:1000]}, 0.0
    with tempfile.TemporaryDirectory() as work:
        results = native_loads(path, plan, Path(work), quick=not full)
    return results, time.perf_counter() - began


@pytest.fixture(scope="module")
def corpus_results(postgres_admin) -> dict[str, tuple[dict[str, str | None], float]]:
    from datagen_tests.native import mariadb_available

    files = _files()
    if not files:
        if os.environ.get("CI"):
            pytest.fail(f"{SHARED} (schemas and corpus) is missing under CI")
        pytest.skip(f"{SHARED} is absent: the reference schemas and corpus live beside the repo")
    if not mariadb_available():
        if os.environ.get("CI"):
            pytest.fail("MariaDB at 127.0.0.1:3306 is required under CI")
        pytest.skip("MariaDB at 127.0.0.1:3306 is not reachable")
    context = multiprocessing.get_context("spawn")  # no forked copy of this process's state
    with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
        done = pool.map(load_one, files, [ROWS] * len(files), [FULL] * len(files))
        return {path.name: result for path, result in zip(files, done, strict=True)}


@pytest.mark.parametrize("path", _params())
def test_file_loads_natively_with_every_constraint(corpus_results, path):
    if path is None:
        pytest.skip(f"{SHARED} is absent")
    stages, seconds = corpus_results[path.name]
    failed = {stage: error for stage, error in stages.items() if error is not None}
    assert stages and not failed, (
        f"{path.name} at {ROWS} rows a table ({seconds:.1f} s): "
        + "; ".join(f"{stage}: {error}" for stage, error in failed.items())
    )

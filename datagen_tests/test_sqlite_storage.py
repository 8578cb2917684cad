"""The instance's pooled SQLite storage (orchestrate/sqlite_storage.py): what it writes is
Dagster's own layout, read back by the stock storage; a running run's events stream to a
watcher while its connection stays open; connections close when the instance is disposed."""

import threading
import time

import dagster as dg
import yaml
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from datagen_assets import cli
from datagen_assets.orchestrate.sqlite_storage import (
    PooledSqliteEventLogStorage,
    PooledSqliteRunStorage,
)
from datagen_tests.conftest import REPO, make_project
from datagen_tests.test_materialize import CONFIG, DDL


def _instance(home) -> dg.DagsterInstance:
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text((REPO / "dagster.yaml").read_text())
    return dg.DagsterInstance.from_config(str(home))


def test_the_repo_instance_uses_the_pooled_storage(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    with _instance(tmp_path / "home") as instance:
        assert isinstance(instance._event_storage, PooledSqliteEventLogStorage)
        assert isinstance(instance._run_storage, PooledSqliteRunStorage)


def test_a_materialization_is_read_back_by_dagsters_stock_sqlite_storage(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, DDL, CONFIG)
    assert cli.main(["materialize", "tiny", "--no-checks"]) == 0
    stock = tmp_path / "stock"
    stock.mkdir()
    config = {"storage": {"sqlite": {"base_dir": str(tmp_path / "home")}}}
    (stock / "dagster.yaml").write_text(yaml.safe_dump(config))
    with dg.DagsterInstance.from_config(str(stock)) as instance:
        assert type(instance._event_storage) is SqliteEventLogStorage
        runs = instance.get_runs()
        assert runs and all(run.status == dg.DagsterRunStatus.SUCCESS for run in runs)
        records = instance.fetch_materializations(
            dg.AssetKey(["tiny", "Customer"]), limit=100
        ).records
        assert len(records) == 8  # one per chunk (test_materialize.CHUNKS)


def test_a_watcher_sees_events_while_the_connection_stays_open(tmp_path):
    storage = PooledSqliteEventLogStorage(str(tmp_path / "runs"))
    seen: list[str] = []
    done = threading.Event()

    def callback(entry, _cursor):
        seen.append(entry.user_message)
        if len(seen) == 3:
            done.set()

    def entry(message: str):
        return dg.EventLogEntry(
            error_info=None,
            level=20,
            user_message=message,
            run_id="run1",
            timestamp=time.time(),
            step_key=None,
            job_name="job",
            dagster_event=None,
        )

    storage.store_event(entry("first"))
    try:
        storage.watch("run1", None, callback)
        time.sleep(0.5)  # the observer starts watching
        for message in ("second", "third"):
            storage.store_event(entry(message))
        assert done.wait(10), f"watcher saw only {seen}"
        assert seen == ["first", "second", "third"]
    finally:
        storage.end_watch("run1", callback)
        storage.dispose()
    assert storage._engines == {}  # every kept connection closed
    assert not (tmp_path / "runs" / "run1.db-wal").exists()  # checkpointed on close

"""Dagster's SQLite storage, with its connections kept open: the instance of `dagster.yaml`.

Dagster's stock SQLite event log opens a new SQLAlchemy engine and connection for every event
it stores (twice for an asset event: the run's shard and the cross-run index), commits with a
full fsync and closes the connection again, which in WAL mode checkpoints the log back into the
database file. That is 5-15 ms an event on this kind of machine, and a run stores one event per
chunk materialization, check evaluation, log line and step transition: at shop-v1 S=1 with its
checks it was most of Dagster's cost (`benchmarks/targets.py`).

`PooledSqliteStorage` is the same storage, same files and layout (`history/runs.db`,
`history/runs/<run_id>.db`, `history/runs/index.db`, `schedules/`), so `dagster dev`, older runs
and the stock class all read what it writes. What differs, for the event log and run storage:

- one engine per database file, its connection kept in a small pool between uses (the stock
  lock that serialises a process's access is kept, so nothing else changes in concurrency);
- `PRAGMA synchronous=NORMAL` on those connections: in WAL mode a commit then no longer waits
  for an fsync; the database cannot be corrupted by a crash, only the last transactions before
  a power loss can be lost (SQLite's documented trade-off for WAL), acceptable for run history;
- because the connection stays open, writes land in `<run_id>.db-wal` until a checkpoint, so
  the watcher that streams a running run's events to the UI watches that file too (the stock
  one watches `<run_id>.db` alone, which only changed when each event's connection closed).

Connections are closed, and the WAL checkpointed, when the instance is disposed (`with
DagsterInstance.get() as instance:` does it on exit).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import sqlalchemy as db
from dagster._core.storage.base_storage import DagsterStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

POOL_SIZE = 2  # connections kept per database file (a process rarely uses more at once)


def pooled_engine(conn_string: str) -> Engine:
    """An engine for one SQLite file whose connections are kept and reused (by any thread: the
    pool hands a connection to one user at a time), each with WAL's `synchronous=NORMAL`."""
    engine = create_engine(
        conn_string,
        poolclass=QueuePool,
        pool_size=POOL_SIZE,
        max_overflow=8,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
    )

    @db.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with one kept engine per shard (see the module docstring)."""

    def __init__(self, base_dir: str, inst_data=None):
        self._engines: dict[str, Engine] = {}
        self._engines_lock = threading.Lock()
        self._tables_present: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    @contextlib.contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is None:
                engine = pooled_engine(self.conn_string_for_shard(shard))
                self._engines[shard] = engine
            return engine

    def has_table(self, table_name: str) -> bool:
        """Whether the index shard has a table: asked on every asset check event (the stock
        method builds an engine each time). A table once there stays (migrations add them), so
        a yes is remembered; a no is asked again."""
        if table_name in self._tables_present:
            return True
        engine = self._engine(INDEX_SHARD_NAME)
        with engine.connect() as conn:
            present = bool(engine.dialect.has_table(conn, table_name))
        if present:
            self._tables_present.add(table_name)
        return present

    def close_connections(self) -> None:
        """Close every kept connection (the last one to close checkpoints its WAL)."""
        with self._engines_lock:
            engines, self._engines = list(self._engines.values()), {}
        for engine in engines:
            engine.dispose()

    def watch(self, run_id: str, cursor: str | None, callback) -> None:
        from watchdog.observers import Observer

        if not self._obs:
            self._obs = Observer()
            self._obs.start()
        watchdog = WalWatchdog(self, run_id, callback, cursor)
        self._watchers[run_id][callback] = (
            watchdog,
            self._obs.schedule(watchdog, self._base_dir, recursive=True),
        )

    def wipe(self) -> None:
        self.close_connections()
        self._tables_present.clear()
        super().wipe()

    def delete_events(self, run_id: str) -> None:
        super().delete_events(run_id)
        with self._engines_lock:
            engine = self._engines.pop(run_id, None)
        if engine is not None:
            engine.dispose()

    def dispose(self) -> None:
        self.close_connections()
        super().dispose()


class WalWatchdog(SqliteEventLogStorageWatchdog):
    """Streams a run's new events when its shard or the shard's write-ahead log changes."""

    def __init__(self, event_log_storage, run_id: str, callback, cursor: str | None, **kwargs):
        super().__init__(event_log_storage, run_id, callback, cursor, **kwargs)
        self._patterns = [self._log_path, f"{self._log_path}-wal"]

    def on_modified(self, event: Any) -> None:
        if event.src_path in self._patterns:
            self._process_log()


class PooledSqliteRunStorage(SqliteRunStorage):
    """`SqliteRunStorage` (runs.db) with its engine and connections kept."""

    def __init__(self, conn_string: str, inst_data=None):
        super().__init__(conn_string, inst_data=inst_data)
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        with self._engine_lock:
            if self._engine is None:
                self._engine = pooled_engine(self._conn_string)
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        with self._engine_lock:
            engine, self._engine = self._engine, None
        if engine is not None:
            engine.dispose()
        super().dispose()


class PooledSqliteStorage(DagsterSqliteStorage):
    """The instance's storage (`storage: custom:` in dagster.yaml): `DagsterSqliteStorage`'s
    files, its run and event log storages pooled. Schedules are left stock (a few writes a
    tick)."""

    def __init__(self, base_dir: str, inst_data=None):
        # DagsterSqliteStorage.__init__ with the pooled classes (same files, see its source)
        self.base_dir = base_dir
        self._run_storage = PooledSqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        DagsterStorage.__init__(self)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PooledSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)

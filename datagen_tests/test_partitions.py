"""Partitioned tables (PostgreSQL `PARTITION BY` / `PARTITION OF`): every generated row finds
a partition, so the user's own partitioned tables take the data."""

from __future__ import annotations

from datagen_assets.schema.ddl import parse_ddl
from datagen_assets.write.exports import EngineSource
from datagen_assets.write.exports.api import export_dataset
from datagen_assets.write.targets import load_dataset
from datagen_tests.test_exports import _psql
from datagen_tests.test_targets import Postgres, _plan

DDL = """
CREATE TABLE measurements (
    city_id  INT NOT NULL,
    logdate  DATE NOT NULL,
    peaktemp INT,
    PRIMARY KEY (city_id, logdate)
) PARTITION BY RANGE (logdate);
CREATE TABLE measurements_2024 PARTITION OF measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_2025 PARTITION OF measurements
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE readings (
    id    BIGINT NOT NULL,
    level INT NOT NULL
) PARTITION BY RANGE (level);
CREATE TABLE readings_low PARTITION OF readings FOR VALUES FROM (MINVALUE) TO (10);
CREATE TABLE readings_high PARTITION OF readings FOR VALUES FROM (100) TO (MAXVALUE);

CREATE TABLE events (
    id   BIGINT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (id, kind)
) PARTITION BY LIST (kind);
CREATE TABLE events_seen PARTITION OF events FOR VALUES IN ('click', 'view');
CREATE TABLE events_paid PARTITION OF events FOR VALUES IN ('buy');

CREATE TABLE logs (id BIGINT NOT NULL, msg TEXT) PARTITION BY HASH (id);
CREATE TABLE logs_0 PARTITION OF logs FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE logs_1 PARTITION OF logs FOR VALUES WITH (MODULUS 2, REMAINDER 1);

CREATE TABLE audit (id BIGINT NOT NULL, at DATE NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE audit_2024 PARTITION OF audit FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE audit_rest PARTITION OF audit DEFAULT;
"""


def test_partitions_are_rows_of_their_parent_bounded_by_their_bounds():
    schema = parse_ddl(DDL, "postgres")
    assert list(schema.tables) == ["measurements", "readings", "events", "logs", "audit"]
    assert schema.notes == ()
    checks = {key: [c.sql for c in t.checks] for key, t in schema.tables.items()}
    assert checks == {
        "measurements": ["\"logdate\" >= '2024-01-01' AND \"logdate\" < '2026-01-01'"],
        "readings": ['("level" < 10) OR ("level" >= 100)'],
        "events": ["\"kind\" IN ('click', 'view', 'buy')"],
        "logs": [],  # complete hash partitions take any row
        "audit": [],  # so does a DEFAULT partition
    }


def test_the_users_partitioned_tables_take_every_row(tmp_path, fresh_database):
    plan = _plan(tmp_path, DDL, "seed: 4\nrows: 3000\nchunk_rows: 1000\n", name="parts")
    sql_url, copy_url = fresh_database("partitions_sql"), fresh_database("partitions_copy")
    for url in (sql_url, copy_url):
        Postgres(url).rows(DDL)
    export_dataset(plan, EngineSource(plan), "sql", str(tmp_path / "sql"))
    (path,) = (tmp_path / "sql").glob("*.sql")
    _psql(sql_url, path)  # INSERT statements routed into the partitions
    load_dataset(plan, EngineSource(plan), copy_url)  # COPY into the existing parents
    for url in (sql_url, copy_url):
        counts = Postgres(url).rows(
            "SELECT (SELECT count(*) FROM measurements_2024), (SELECT count(*) FROM "
            "measurements_2025), (SELECT count(*) FROM readings_low), (SELECT count(*) FROM "
            "readings_high), (SELECT count(*) FROM events_paid), (SELECT count(*) FROM events)"
        )[0]
        assert all(count > 0 for count in counts), counts  # every partition used
        assert counts[0] + counts[1] == 3000 and counts[2] + counts[3] == 3000

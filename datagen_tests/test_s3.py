"""DATAGEN_STORAGE_URL=s3://... end to end against moto's S3 server: the CLI materialises chunks
into the bucket, the DuckDB checks read them back from it, every export writes to it, and an
interrupted write leaves no object under a final key."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os

import fsspec
import polars as pl
import pytest
import s3fs
from polars.testing import assert_frame_equal
from upath import UPath

from datagen_assets import cli
from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.orchestrate.factory import table_check_results
from datagen_assets.orchestrate.translator import DatasetTranslator
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.settings import Settings
from datagen_assets.write import storage
from datagen_assets.write.exports import (
    FORMATS,
    MANIFEST_NAME,
    PROFILES,
    EngineSource,
    Manifest,
    StorageSource,
    export_dataset,
    export_profile,
)
from datagen_assets.write.preview import preview
from datagen_assets.write.targets import load_dataset as load_into
from datagen_tests.conftest import make_project
from datagen_tests.s3_fixtures import list_objects, moto_server, s3_bucket  # noqa: F401

DDL = """
CREATE TABLE customers (
    id      INTEGER      PRIMARY KEY,
    name    VARCHAR(40)  NOT NULL,
    email   VARCHAR(80)  UNIQUE
);
CREATE TABLE orders (
    id          INTEGER        PRIMARY KEY,
    customer_id INTEGER        NOT NULL REFERENCES customers (id),
    total       NUMERIC(10, 2) NOT NULL CHECK (total > 0),
    placed_at   TIMESTAMP      NOT NULL
);
"""
CONFIG = "seed: 3\nrows: 30\nchunk_rows: 20\ntables:\n  orders: {rows: 70}\n"
# Every table has the chunks of the biggest (orders: 70 rows / 20 a chunk = 4).
CHUNKS = {
    "customers": ["00000", "00001", "00002", "00003"],
    "orders": ["00000", "00001", "00002", "00003"],
}


@pytest.fixture
def project(tmp_path, monkeypatch, s3_bucket):  # noqa: F811
    """The `tiny` dataset, DAGSTER_HOME under tmp and storage at s3://<bucket>/datagen."""
    storage_url = f"{s3_bucket}/datagen"
    schemas = make_project(tmp_path, monkeypatch, DDL, CONFIG, storage_url=storage_url)
    plan = plan_dataset(load_dataset(schemas / "tiny.sql", schemas / "tiny.yaml"))
    return storage_url, plan


def _chunk_keys(prefix: str = "datagen/tiny") -> list[str]:
    return [f"{prefix}/{t}/{k}.parquet" for t, keys in CHUNKS.items() for k in keys]


def test_materialize_writes_chunks_to_s3_and_checks_read_them(project, s3_bucket):  # noqa: F811
    storage_url, plan = project
    assert cli.main(["materialize", "tiny"]) == 0
    assert list_objects(s3_bucket) == sorted(_chunk_keys())  # nothing else: no temporary object

    path = storage.chunk_path(storage_url, "tiny", "orders", "00001")
    assert str(path).startswith("s3://")
    bounds = plan.table("orders").chunk_bounds("00001")
    assert bounds == (18, 36)
    assert_frame_equal(storage.read_parquet(path), generate(plan, "orders", *bounds))

    settings = Settings.from_env()
    for table_plan in plan.tables.values():
        results = table_check_results(table_plan, plan, DatasetTranslator(), settings)
        assert results and all(r.passed for r in results), [r.description for r in results]
        assert any(r.kind == "foreign_key" for r in results) == (table_plan.key == "orders")


def test_checks_see_chunks_written_by_another_process(project, s3_bucket):  # noqa: F811
    """s3fs caches listings per process: a chunk another writer added after this process
    listed the folder must still be seen (storage refreshes before listing and reading)."""
    storage_url, plan = project
    folder = storage.table_path(storage_url, "tiny", "customers")
    storage.write_parquet_atomic(generate(plan, "customers", 0, 20), folder / "00000.parquet")
    keys = plan.table("customers").partition_keys
    assert list(storage.existing_chunks(storage_url, "tiny", "customers", keys)) == ["00000"]

    other = fsspec.filesystem("s3", skip_instance_cache=True)  # as if in another process
    buffer = io.BytesIO()
    generate(plan, "customers", 20, 30).write_parquet(buffer)
    other.pipe_file(f"{folder.path}/00001.parquet", buffer.getvalue())

    found = storage.existing_chunks(storage_url, "tiny", "customers", keys)
    assert list(found) == ["00000", "00001"]
    assert storage.read_parquet(UPath(found["00001"])).height == 10


def test_every_export_writes_to_s3(project, s3_bucket, tmp_path):  # noqa: F811
    """Every format and profile, read from S3 storage and written to S3, equals (byte for byte)
    the same export from the engine to a local folder."""
    storage_url, plan = project
    assert cli.main(["materialize", "tiny"]) == 0
    source = StorageSource(storage_url, "tiny")
    for fmt in FORMATS:
        out = f"{storage_url}/exports/tiny/{fmt}"
        manifest = export_dataset(plan, source, fmt, out)
        local = export_dataset(plan, EngineSource(plan), fmt, str(tmp_path / fmt))
        assert manifest.files == local.files, fmt
        assert manifest.tables == {"customers": 30, "orders": 70}
        written = list_objects(out)
        assert written == sorted([f.path for f in manifest.files] + [MANIFEST_NAME]), fmt
        with UPath(out, MANIFEST_NAME).open("rb") as handle:
            assert Manifest.from_json(handle.read().decode()) == manifest
        for file in manifest.files:
            with UPath(out, file.path).open("rb") as handle:
                assert hashlib.sha256(handle.read()).hexdigest() == file.sha256
    for profile in PROFILES:
        manifest = export_profile(plan, source, profile, f"{storage_url}/profiles")
        written = list_objects(f"{storage_url}/profiles/{profile}/tiny")
        assert written == sorted([f.path for f in manifest.files] + [MANIFEST_NAME])
        assert manifest.profile == profile

    csv = pl.read_csv(UPath(f"{storage_url}/exports/tiny/csv/orders.csv").read_bytes())
    assert csv.height == 70


def test_interrupted_chunk_write_leaves_no_object(project, s3_bucket, monkeypatch):  # noqa: F811
    """The encoder fails after writing part of the file: the run fails and the bucket holds
    no object at all, neither a torn chunk nor a temporary one."""
    storage_url, plan = project

    def torn(frame, target):
        target.write(b"PAR1 half a file")
        raise OSError("disk full while encoding")

    monkeypatch.setattr(storage, "encode_parquet", torn)
    assert cli.main(["materialize", "tiny"]) == 1
    assert list_objects(s3_bucket) == []


def test_failed_overwrite_keeps_the_previous_chunk(project, monkeypatch):
    storage_url, plan = project
    path = storage.chunk_path(storage_url, "tiny", "customers", "00000")
    before = generate(plan, "customers", 0, 20)
    storage.write_parquet_atomic(before, path)

    def torn(frame, target, metadata=None):
        target.write(b"PAR1 half a file")
        raise OSError("interrupted")

    monkeypatch.setattr(storage, "encode_parquet", torn)
    with pytest.raises(OSError, match="interrupted"):
        storage.write_parquet_atomic(generate(plan, "customers", 0, 5), path)
    assert_frame_equal(storage.read_parquet(path), before)


def test_interrupted_export_leaves_no_object(project, s3_bucket, monkeypatch):  # noqa: F811
    storage_url, plan = project
    assert cli.main(["materialize", "tiny"]) == 0
    write = FORMATS["csv"].write

    def fail_on_orders(tables, out, options):
        write(tables, out, options)
        if tables[0].key == "orders":
            raise OSError("connection reset")

    monkeypatch.setitem(FORMATS, "csv", dataclasses.replace(FORMATS["csv"], write=fail_on_orders))
    out = f"{storage_url}/exports/tiny/csv"
    with pytest.raises(OSError, match="connection reset"):
        export_dataset(plan, StorageSource(storage_url, "tiny"), "csv", out)
    assert list_objects(out) == []
    assert list_objects(s3_bucket) == sorted(_chunk_keys())


def test_preview_and_load_read_from_s3(project, tmp_path):
    storage_url, plan = project
    assert cli.main(["materialize", "tiny"]) == 0
    first = preview(storage_url, "tiny", "orders", rows=25, where="total > 50")
    expected = generate(plan, "orders", 0, 70).filter(pl.col("total") > 50).head(25)
    assert_frame_equal(first, expected)

    report = load_into(plan, StorageSource(storage_url, "tiny"), str(tmp_path / "tiny.db"))
    assert {t.table: t.rows for t in report.tables} == {"customers": 30, "orders": 70}


def test_the_s3_only_endpoint_variable_is_enough(project, monkeypatch):
    """AWS_ENDPOINT_URL_S3 alone (no AWS_ENDPOINT_URL) reaches the store, for the writer and
    for DuckDB's checks: botocore reads both, so storage passes no endpoint of its own."""
    storage_url, plan = project
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", os.environ["AWS_ENDPOINT_URL"])
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    s3fs.S3FileSystem.clear_instance_cache()
    table_plan = plan.table("customers")
    for key in table_plan.partition_keys:
        start, stop = table_plan.chunk_bounds(key)
        path = storage.chunk_path(storage_url, "tiny", "customers", key)
        storage.write_parquet_atomic(generate(plan, "customers", start, stop), path)
    results = table_check_results(table_plan, plan, DatasetTranslator(), Settings.from_env())
    assert [r.name for r in results if r.passed] == [
        "primary_key",
        "unique_email",
        "not_null",
        "row_count",
        "pii_scan",  # Presidio over the S3 chunks too
    ]

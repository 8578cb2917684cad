"""Faults survived, against the real components: `datagen materialize` killed with SIGKILL
at any moment leaves no visible partial file, the next run removes what it left, the Dagster
instance stays usable and the rerun is byte-identical to an uninterrupted run; an object
store (moto's server) that goes away mid-run gives one clear error and a rerun after it comes
back completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from datagen_assets import cli
from datagen_tests.conftest import REPO, make_project

DDL = """
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL, email VARCHAR(80));
CREATE TABLE orders (
    id INT PRIMARY KEY,
    customer_id INT NOT NULL REFERENCES customers (id),
    total NUMERIC(10, 2) CHECK (total >= 0),
    note TEXT
);
"""
CONFIG = "seed: 5\nrows: 30000\nchunk_rows: 3000\n"


def chunk_files(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def hidden_files(root: Path) -> list[str]:
    return [str(p) for p in root.rglob(".*") if p.is_file()]


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return False


def test_kill_9_at_any_moment_then_the_rerun_is_byte_identical(tmp_path, monkeypatch, capsys):
    make_project(tmp_path, monkeypatch, DDL, CONFIG)
    reference = tmp_path / "reference"
    monkeypatch.setenv("DATAGEN_STORAGE_URL", str(reference))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "reference-home"))
    assert cli.main(["materialize", "--no-checks"]) == 0
    capsys.readouterr()
    expected = chunk_files(reference)
    assert len(expected) == 20

    storage = tmp_path / "data"
    env = dict(os.environ, DATAGEN_STORAGE_URL=str(storage), DAGSTER_HOME=str(tmp_path / "home"))
    command = [sys.executable, "-m", "datagen_assets.cli", "materialize", "--no-checks"]
    # Kill moments: while a chunk is half written (a temporary file exists), and once the
    # first chunks of the second table are in place.
    moments = {
        "mid-write": lambda: any(p.suffix == ".tmp" for p in storage.rglob(".*")),
        "second table": lambda: any((storage / "tiny" / "orders").glob(".*.tmp")),
    }
    for moment, reached in moments.items():
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            assert wait_for(reached, 240), f"the run never reached {moment}"
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait()
        # Whatever is visible is complete, and what the uninterrupted run wrote.
        for name, data in chunk_files(storage).items():
            assert data == expected[name], f"{moment}: {name} differs or is partial"
            assert pl.read_parquet(storage / name).height == 3000
    assert hidden_files(storage), "the kills left no temporary file: the test proves nothing"

    rerun = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr  # the instance is still usable
    assert chunk_files(storage) == expected
    assert hidden_files(storage) == []  # the rerun removed what the killed runs left


@pytest.fixture
def own_moto(monkeypatch, tmp_path):
    """A moto server this test may stop and start again on the same port (its data lives in
    the process, so a restarted server still has the bucket)."""
    pytest.importorskip("moto.server")
    import s3fs
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_RETRY_MODE": "standard",
    }.items():
        monkeypatch.setenv(name, value)
    s3fs.S3FileSystem.clear_instance_cache()
    s3fs.S3FileSystem().mkdir("faults")
    state = {"server": server, "port": port}
    yield state
    state["server"].stop()
    s3fs.S3FileSystem.clear_instance_cache()


def test_an_object_store_gone_mid_run_is_one_clear_error_and_a_rerun_completes(
    tmp_path, monkeypatch, capsys, own_moto
):
    from moto.server import ThreadedMotoServer

    from datagen_assets.orchestrate import factory

    make_project(
        tmp_path,
        monkeypatch,
        DDL,
        "seed: 5\nrows: 40\nchunk_rows: 20\n",
        storage_url="s3://faults/d",
    )
    real = factory.generate
    stopped = []

    def store_goes_away(plan, table, start, stop):
        if table == "orders" and not stopped:
            own_moto["server"].stop()
            stopped.append(table)
        return real(plan, table, start, stop)

    monkeypatch.setattr(factory, "generate", store_goes_away)
    assert cli.main(["materialize", "--no-checks"]) != 0
    output = capsys.readouterr()
    text = output.out + output.err
    assert "orders" in text and "storage" in text and "failed while writing" in text, text
    assert "Traceback" not in text

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=own_moto["port"], verbose=False)
    server.start()
    own_moto["server"] = server
    monkeypatch.setattr(factory, "generate", real)
    assert cli.main(["materialize", "--no-checks"]) == 0, capsys.readouterr()
    from datagen_tests.s3_fixtures import list_objects

    assert list_objects("s3://faults/d") == [
        "tiny/customers/00000.parquet",
        "tiny/customers/00001.parquet",
        "tiny/orders/00000.parquet",
        "tiny/orders/00001.parquet",
    ]

"""Storage stays truthful: a table's folder holds exactly its plan's chunks, a failed run
replaces none of a table's chunks, a killed run's temporary files go, a dataset mixing runs is
refused by exports and loads, and any identifier makes valid asset keys and folders."""

from __future__ import annotations

import os
import re

import dagster as dg
import polars as pl
import pytest

from datagen_assets import cli
from datagen_assets.orchestrate import factory
from datagen_assets.orchestrate.factory import definitions_for_plans, load_plans
from datagen_assets.settings import Settings
from datagen_assets.write.consistency import MixedDatasetError
from datagen_assets.write.exports import StorageSource, export_dataset
from datagen_assets.write.storage import (
    chunk_fingerprint,
    key_part,
    name_of_key_part,
    table_path,
)
from datagen_tests.conftest import make_project

DDL = """
CREATE TABLE parent (id INT PRIMARY KEY, label VARCHAR(20) NOT NULL);
CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL REFERENCES parent (id));
"""


def files(folder) -> list[str]:
    return sorted(os.listdir(folder.path)) if os.path.isdir(folder.path) else []


def run(capsys, *args) -> int:
    code = cli.main(["materialize", *args])
    capsys.readouterr()
    return code


def test_a_smaller_run_leaves_exactly_the_new_plans_chunks(tmp_path, monkeypatch, capsys):
    schemas = make_project(tmp_path, monkeypatch, DDL, "seed: 1\nrows: 50\nchunk_rows: 10\n")
    assert run(capsys, "tiny") == 0
    folder = table_path(str(tmp_path / "data"), "tiny", "child")
    assert files(folder) == [f"{i:05d}.parquet" for i in range(5)]
    (folder / "notes.txt").write_text("a user's file stays")
    (schemas / "tiny.yaml").write_text("seed: 1\nrows: 20\nchunk_rows: 10\n")
    assert run(capsys, "tiny") == 0
    assert files(folder) == ["00000.parquet", "00001.parquet", "notes.txt"]
    assert pl.read_parquet(f"{folder.path}/*.parquet").height == 20  # a plain Parquet reader


def test_a_run_failing_midway_replaces_none_of_the_tables_chunks(tmp_path, monkeypatch, capsys):
    make_project(tmp_path, monkeypatch, DDL, "seed: 1\nrows: 40\nchunk_rows: 10\n")
    assert run(capsys, "tiny") == 0
    folder = table_path(str(tmp_path / "data"), "tiny", "child")
    before = {name: (folder / name).read_bytes() for name in files(folder)}
    real = factory.generate

    def fails_on_third_chunk(plan, table, start, stop):
        if table == "child" and start == 20:
            raise RuntimeError("generation broke on chunk 00002")
        return real(plan, table, start, stop)

    monkeypatch.setenv("DATAGEN_SEED", "2")  # a different run: new content for every chunk
    monkeypatch.setattr(factory, "generate", fails_on_third_chunk)
    assert run(capsys, "tiny", "--table", "child") == 1
    assert {name: (folder / name).read_bytes() for name in files(folder)} == before


def test_the_next_run_removes_what_a_killed_run_left(tmp_path, monkeypatch, capsys):
    make_project(tmp_path, monkeypatch, DDL, "seed: 1\nrows: 20\nchunk_rows: 10\n")
    folder = table_path(str(tmp_path / "data"), "tiny", "parent")
    os.makedirs(folder.path)
    dead = 2**22 + 12345  # above any pid_max default: no live process has it
    from datagen_assets.write.storage import _HOST

    leftovers = [
        f".00000.parquet.{_HOST}-{dead}-0123456789ab.tmp",  # this DataGen's name, dead writer
        ".00001.parquet.0123456789abcdef0123456789abcdef.tmp",  # an older DataGen's name
    ]
    live = f".00001.parquet.{_HOST}-{os.getpid()}-0123456789ab.tmp"  # a writer still running
    for name in [*leftovers, live]:
        (folder / name).write_bytes(b"PAR1 half")
    assert run(capsys, "tiny") == 0
    assert files(folder) == sorted(["00000.parquet", "00001.parquet", live])


def test_exports_and_loads_refuse_a_dataset_mixing_runs(tmp_path, monkeypatch, capsys):
    make_project(tmp_path, monkeypatch, DDL, "seed: 1\nrows: 20\nchunk_rows: 10\n")
    storage = str(tmp_path / "data")
    assert run(capsys, "tiny") == 0
    fingerprint = chunk_fingerprint(table_path(storage, "tiny", "child") / "00001.parquet")
    assert fingerprint["seed"] == 1 and len(fingerprint["content_sha256"]) == 64

    monkeypatch.setenv("DATAGEN_SEED", "2")
    assert run(capsys, "tiny", "--table", "child") == 0  # the parent still holds seed 1's rows
    (plan,) = load_plans(Settings.from_env())
    with pytest.raises(MixedDatasetError, match=r"parent \(config \w+, seed 1\) vs child"):
        export_dataset(plan, StorageSource(storage, "tiny"), "csv", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()  # refused before anything was written

    from datagen_assets.write.targets import load_dataset

    target = tmp_path / "t.sqlite"
    with pytest.raises(MixedDatasetError, match="mixes tables"):
        load_dataset(plan, StorageSource(storage, "tiny"), str(target))
    assert not target.exists() or target.stat().st_size == 0  # the target was not touched
    assert run(capsys, "tiny") == 0  # materialised again: consistent
    export_dataset(plan, StorageSource(storage, "tiny"), "csv", str(tmp_path / "out"))


def test_one_table_mixing_chunks_of_two_runs_is_refused(tmp_path, monkeypatch, capsys):
    make_project(tmp_path, monkeypatch, DDL, "seed: 1\nrows: 20\nchunk_rows: 10\n")
    storage = str(tmp_path / "data")
    assert run(capsys, "tiny") == 0
    folder = table_path(storage, "tiny", "parent")
    kept = (folder / "00001.parquet").read_bytes()
    monkeypatch.setenv("DATAGEN_SEED", "3")
    assert run(capsys, "tiny") == 0
    (folder / "00001.parquet").write_bytes(kept)  # chunk 00001 of the seed 1 run
    (plan,) = load_plans(Settings.from_env())
    with pytest.raises(MixedDatasetError, match=r"table parent mixes chunks.*00001 from .*seed 1"):
        StorageSource(storage, "tiny").row_count(plan.table("parent"))


ODD = """
CREATE TABLE "my table/50%" (id INT PRIMARY KEY, "a column" TEXT);
CREATE TABLE "таблица 🎉" (
    id INT PRIMARY KEY,
    "parent
id" INT REFERENCES "my table/50%" (id)
);
CREATE TABLE "my_table_50" (id INT PRIMARY KEY);
"""


def test_odd_identifiers_materialise_under_valid_keys_and_export(tmp_path, monkeypatch, capsys):
    make_project(tmp_path, monkeypatch, ODD, "rows: 12\nchunk_rows: 5\n")
    assert cli.main(["materialize", "tiny"]) == 0, capsys.readouterr()
    settings = Settings.from_env()
    (plan,) = load_plans(settings)
    defs = definitions_for_plans([plan], settings)
    keys = {
        key.path[-1]
        for key in defs.resolve_asset_graph().get_all_asset_keys()
        if len(key.path) == 2
    }
    assert keys == {key_part(k) for k in plan.tables}
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", part) for part in keys)
    assert {name_of_key_part(part) for part in keys} == set(plan.tables)
    for key in plan.tables:
        assert len(files(table_path(settings.storage_url, "tiny", key))) == 3
    manifest = export_dataset(
        plan, StorageSource(settings.storage_url, "tiny"), "csv", str(tmp_path / "out")
    )
    assert manifest.tables == {key: 12 for key in plan.tables}
    assert dg.AssetKey(["tiny", key_part("my table/50%")]).to_user_string() == (
        "tiny/my__20_table__2f_50__25_"
    )


def test_every_run_export_and_load_is_in_the_audit_trail(tmp_path, monkeypatch, capsys):
    from datagen_assets.audit import read_records
    from datagen_assets.write.targets import load_dataset

    make_project(tmp_path, monkeypatch, DDL, "seed: 4\nrows: 20\nchunk_rows: 10\n")
    monkeypatch.setenv("DATAGEN_AUDIT_FILE", str(tmp_path / "audit.jsonl"))
    storage = str(tmp_path / "data")
    assert run(capsys, "tiny") == 0
    (plan,) = load_plans(Settings.from_env())
    export_dataset(plan, StorageSource(storage, "tiny"), "csv", str(tmp_path / "out"))
    target = f"sqlite:///{tmp_path / 't.sqlite'}"
    load_dataset(plan, StorageSource(storage, "tiny"), str(tmp_path / "t.sqlite"))
    records = read_records(tmp_path / "audit.jsonl")
    assert [r["event"] for r in records] == ["materialize", "materialize", "export", "load"]
    parent, child, export, load = records
    fingerprint = chunk_fingerprint(table_path(storage, "tiny", "parent") / "00000.parquet")
    assert parent["tables"]["parent"]["content_sha256"] == fingerprint["content_sha256"]
    assert parent["tables"]["parent"]["seed"] == 4 and parent["rows"] == 20
    assert parent["written"] == table_path(storage, "tiny", "parent").path and parent["run_id"]
    assert export["tables"]["child"]["content_sha256"] == child["tables"]["child"]["content_sha256"]
    assert export["read"].startswith("storage ") and export["written"] == str(tmp_path / "out")
    assert load["rows"] == 40 and load["read"].startswith("storage ")
    assert target  # sqlite targets carry no credentials; PostgreSQL ones are redacted

    # The same record is the materialisation's metadata in the Dagster run.
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        (found,) = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey(["tiny", "parent"])), limit=1
        ).records
    audit = found.asset_materialization.metadata["datagen/audit"].data
    assert audit["tables"] == parent["tables"] and audit["run_id"] == parent["run_id"]


def test_the_audit_trail_never_holds_credentials():
    from datagen_assets.audit import redact_url

    assert redact_url("postgresql://app:s3cret@db:5432/test") == "postgresql://db:5432/test"

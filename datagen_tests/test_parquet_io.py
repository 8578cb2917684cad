"""The Parquet layout, the atomic writer and the Dagster IO manager."""

import glob
import re
import uuid

import dagster as dg
import polars as pl
import pytest
from upath import UPath

from datagen_assets.check.constraints import TableFiles, check_primary_key
from datagen_assets.write import parquet_io
from datagen_assets.write.parquet_io import (
    ParquetIOManagerFactory,
    chunk_path,
    existing_chunks,
    key_part,
    name_of_key_part,
    read_parquet,
    table_glob,
    table_path,
    write_parquet_atomic,
)

KEYS = ["00000", "00001", "00002"]
RANGE = {
    "dagster/asset_partition_range_start": KEYS[0],
    "dagster/asset_partition_range_end": KEYS[-1],
}


def frame(start: int, stop: int) -> pl.DataFrame:
    return pl.DataFrame(
        {"id": list(range(start, stop)), "name": [f"n{i}" for i in range(start, stop)]}
    )


def test_layout_keeps_a_qualified_table_key_as_one_segment(tmp_path):
    path = chunk_path(str(tmp_path), "air", "bookings.flights", "00003")
    assert path.path == str(tmp_path / "air" / "bookings___flights" / "00003.parquet")
    assert table_path(str(tmp_path), "air", "a/b").name == "a__2f_b"
    assert table_path(str(tmp_path), "air", "..").name == "______"
    assert table_glob(str(tmp_path), "air", "t") == str(tmp_path / "air" / "t" / "*.parquet")


# Identifiers real databases accept (PostgreSQL quoted names, MySQL backticks, SQL Server
# brackets): each must give a valid Dagster name, the same one every time, and come back.
ODD_NAMES = ["my table", "a/b", "a\nb", "50%", "t\U0001f389", "таблица", "_x", "x_",
             "a__b", "a_.b", "..", ".hidden", "a-b", 'a"b', "a\\b", "x" * 300, "1abc", "_",
             "s.t u"]  # fmt: skip


@pytest.mark.parametrize("name", ODD_NAMES)
def test_any_identifier_is_a_valid_stable_reversible_key_part(name):
    part = key_part(name)
    assert re.fullmatch(r"[A-Za-z0-9_]+", part)
    assert name_of_key_part(part) == name
    assert key_part(name) == part  # a function of the name alone
    segment = table_path("/tmp/s", "d", name).name
    assert re.fullmatch(r"[A-Za-z0-9_]+", segment) and len(segment) <= 200


def test_ordinary_names_keep_their_key_and_distinct_names_never_share_one():
    for name in ("users", "order_items", "Customer", "t1", "_private"):
        assert key_part(name) == name
    parts = [key_part(n) for n in ODD_NAMES + ["a b", "a_b", "a__20_b", "a.b", "a___b"]]
    assert len(set(parts)) == len(parts)


def test_relative_storage_url_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert table_path("./data", "d", "t").path == str(tmp_path / "data" / "d" / "t")


def test_atomic_write_interrupted_leaves_no_file_under_the_final_name(tmp_path, monkeypatch):
    first = UPath(tmp_path) / "d" / "t" / "00000.parquet"
    write_parquet_atomic(frame(0, 3), first)
    before = first.read_bytes()

    def broken_writer(self, file, **kwargs):
        with open(file, "wb") as handle:  # the writer gets midway, then fails
            handle.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", broken_writer)
    with pytest.raises(OSError, match="disk full"):
        write_parquet_atomic(frame(0, 5), first)
    assert first.read_bytes() == before  # the previous chunk is intact
    second = first.parent / "00001.parquet"
    with pytest.raises(OSError, match="disk full"):
        write_parquet_atomic(frame(5, 9), second)
    assert not second.exists()
    assert sorted(p.name for p in first.parent.iterdir()) == ["00000.parquet"]  # no temp left


def test_object_store_write_is_one_put_and_never_partial(monkeypatch):
    root = f"memory://bucket-{uuid.uuid4().hex}/data"
    path = chunk_path(root, "d", "t", "00000")
    write_parquet_atomic(frame(0, 4), path)
    assert read_parquet(path).equals(frame(0, 4))

    def broken_writer(self, file, **kwargs):
        file.write(b"PAR1 half a file")
        raise OSError("network down")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", broken_writer)
    other = chunk_path(root, "d", "t", "00001")
    with pytest.raises(OSError):
        write_parquet_atomic(frame(4, 8), other)
    assert not other.exists()
    assert list(existing_chunks(root, "d", "t", KEYS)) == ["00000"]


def test_leftover_temporary_files_are_never_read(tmp_path):
    storage = str(tmp_path)
    write_parquet_atomic(frame(0, 2), chunk_path(storage, "d", "t", "00000"))
    folder = table_path(storage, "d", "t")
    (folder / ".00001.parquet.0123abcd.tmp").write_bytes(b"PAR1 torn")  # a crash's leftover
    (folder / "00009.parquet").write_bytes(b"stale chunk of an older plan")
    assert list(existing_chunks(storage, "d", "t", KEYS)) == ["00000"]
    assert [p.rsplit("/", 1)[-1] for p in glob.glob(table_glob(storage, "d", "t"))] in (
        ["00000.parquet", "00009.parquet"],
        ["00009.parquet", "00000.parquet"],
    )


def test_duckdb_checks_read_object_store_chunks():
    root = f"memory://bucket-{uuid.uuid4().hex}/data"
    write_parquet_atomic(frame(0, 3), chunk_path(root, "d", "t", "00000"))
    write_parquet_atomic(frame(2, 4), chunk_path(root, "d", "t", "00001"))
    files = TableFiles("t", existing_chunks(root, "d", "t", KEYS), ("00002",))
    assert files.chunks["00000"].startswith("memory://")
    result = check_primary_key(files, ("id",))
    assert not result.passed and result.samples == ("2 x2",)


# ---------------------------------------------------------------------------- IO manager

PARTS = dg.StaticPartitionsDefinition(KEYS)


@dg.asset(
    key=["d", key_part("s.t")],
    partitions_def=PARTS,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def source(context: dg.AssetExecutionContext):
    frames = {key: frame(int(key) * 10, int(key) * 10 + 3) for key in context.partition_keys}
    return frames if len(frames) > 1 else next(iter(frames.values()))


@dg.asset(
    key=["d", "joined"],
    ins={"up": dg.AssetIn(["d", key_part("s.t")], partition_mapping=dg.AllPartitionMapping())},
)
def joined(up: pl.DataFrame) -> pl.DataFrame:
    return up


@dg.asset(
    key=["d", "by_key"],
    ins={"up": dg.AssetIn(["d", key_part("s.t")], partition_mapping=dg.AllPartitionMapping())},
)
def by_key(up: dict[str, pl.LazyFrame]) -> pl.DataFrame:
    assert all(isinstance(v, pl.LazyFrame) for v in up.values())
    return pl.DataFrame({"key": sorted(up), "rows": [up[k].collect().height for k in sorted(up)]})


@dg.asset(
    key=["d", "lazy"],
    ins={"up": dg.AssetIn(["d", key_part("s.t")], partition_mapping=dg.AllPartitionMapping())},
)
def lazy(up: pl.LazyFrame) -> pl.DataFrame:
    assert isinstance(up, pl.LazyFrame)
    return up.collect()


@pytest.mark.parametrize("memory", [False, True])
def test_io_manager_writes_a_partition_range_and_loads_it_back(tmp_path, memory):
    storage = f"memory://bucket-{uuid.uuid4().hex}/data" if memory else str(tmp_path)
    resources = {"io_manager": ParquetIOManagerFactory(storage_url=storage)}
    result = dg.materialize([source], resources=resources, tags=RANGE)
    assert result.success
    for key in KEYS:
        start = int(key) * 10
        assert read_parquet(chunk_path(storage, "d", "s.t", key)).equals(frame(start, start + 3))
    materializations = result.asset_materializations_for_node("d__s___t")
    assert sorted(m.partition for m in materializations) == KEYS

    # One partition alone, through the single-partition path: same bytes as in the range run.
    before = chunk_path(storage, "d", "s.t", "00001").read_bytes()
    assert dg.materialize([source], resources=resources, partition_key="00001").success
    assert chunk_path(storage, "d", "s.t", "00001").read_bytes() == before

    downstream = dg.materialize(
        [source, joined, by_key, lazy],
        resources=resources,
        selection=["d/joined", "d/by_key", "d/lazy"],
    )
    assert downstream.success
    assert read_parquet(table_path(storage, "d", "joined").with_suffix(".parquet")).height == 9
    counts = read_parquet(table_path(storage, "d", "by_key").with_suffix(".parquet"))
    assert counts.to_dict(as_series=False) == {"key": KEYS, "rows": [3, 3, 3]}


def test_range_output_must_be_a_mapping(tmp_path):
    @dg.asset(
        key=["d", "bad"], partitions_def=PARTS, backfill_policy=dg.BackfillPolicy.single_run()
    )
    def bad(context) -> pl.DataFrame:
        return frame(0, 1)

    resources = {"io_manager": ParquetIOManagerFactory(storage_url=str(tmp_path))}
    result = dg.materialize([bad], resources=resources, tags=RANGE, raise_on_error=False)
    assert not result.success
    assert not parquet_io.existing_chunks(str(tmp_path), "d", "bad", KEYS)

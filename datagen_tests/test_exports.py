"""Exports read back: every format, every compression, the SQL dialects and the PostgreSQL dump
give the rows the engine generated; runs are byte-deterministic and atomic."""

from __future__ import annotations

import bz2
import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import json
import lzma
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import polars as pl
import psycopg
import pytest
import sqlglot
import sqlglot.expressions as exp
import yaml
from polars.testing import assert_frame_equal

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import DatasetPlan, plan_dataset
from datagen_assets.settings import Settings
from datagen_assets.write.exports import (
    COMPRESSIONS,
    FORMATS,
    MANIFEST_NAME,
    EngineSource,
    Manifest,
    StorageSource,
    export_dataset,
    export_profile,
    main,
    to_sql,
)
from datagen_assets.write.exports.to_xlsx import EXCEL_MAX_DATA_ROWS, sheet_names
from datagen_tests.conftest import REPO

DDL = """
CREATE SCHEMA sales;
CREATE TYPE mood AS ENUM ('happy', 'sad', 'o''k');
CREATE TABLE tags (code CHAR(4) PRIMARY KEY, label TEXT NOT NULL);
CREATE TABLE sales.customers (
    id SERIAL PRIMARY KEY,
    name VARCHAR(80) NOT NULL,
    note TEXT,
    feeling mood,
    balance NUMERIC(10, 2) CHECK (balance >= 0),
    score DOUBLE PRECISION,
    active BOOLEAN NOT NULL,
    born DATE,
    seen_at TIMESTAMP,
    seen_tz TIMESTAMPTZ,
    token UUID NOT NULL UNIQUE,
    photo BYTEA,
    wait INTERVAL,
    at_time TIME
);
CREATE TABLE sales.customer_tags (
    customer_id INTEGER NOT NULL REFERENCES sales.customers (id),
    tag CHAR(4) NOT NULL REFERENCES tags (code),
    weight SMALLINT,
    PRIMARY KEY (customer_id, tag)
);
"""
NASTY = [
    "plain",
    'it\'s "quoted"',
    "a,b,c",
    "line1\nline2",
    "tab\there",
    "back\\slash \\N",
    "\\.",
    "ünïcødé ✓ 日本",
    "cr\r\nlf",
    "",
    "semi;colon -- dash",
    "=1+1",
]
CONFIG = {
    "rows": 40,
    "seed": 3,
    "chunk_rows": 16,  # several chunks per table: the writers must stream them
    "tables": {
        "tags": {"rows": 6},
        "sales.customers": {"columns": {"note": {"generator": "choice", "values": NASTY}}},
    },
}
KEYS = {"tags": ["code"], "sales.customers": ["id"], "sales.customer_tags": ["customer_id", "tag"]}


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> DatasetPlan:
    folder = tmp_path_factory.mktemp("schemas")
    (folder / "demo.sql").write_text(DDL)
    (folder / "demo.yaml").write_text(yaml.safe_dump(CONFIG, allow_unicode=True))
    return plan_dataset(load_dataset(folder / "demo.sql", folder / "demo.yaml"))


@pytest.fixture(scope="module")
def frames(plan) -> dict[str, pl.DataFrame]:
    return {key: generate(plan, key, 0, tp.rows) for key, tp in plan.tables.items()}


def _export(plan, fmt, out: Path, **options) -> Manifest:
    return export_dataset(plan, EngineSource(plan), fmt, str(out), **options)


def _only_final_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---------------------------------------------------------------------------- value parsing


def parse(value, dtype: pl.DataType):
    """A value read back from any format (text, JSON, SQLite, Excel, PostgreSQL) as the Python
    object polars holds for `dtype`."""
    if value is None:
        return None
    if isinstance(value, uuid.UUID | memoryview):
        value = str(value) if isinstance(value, uuid.UUID) else bytes(value)
    if dtype == pl.String:
        return value
    if dtype == pl.Boolean:
        return (
            value
            if isinstance(value, bool)
            else {"true": True, "false": False, "1": True, "0": False}[str(value).lower()]
        )
    if dtype.is_integer():
        return int(value)
    if dtype.is_float():
        return float(value)
    if isinstance(dtype, pl.Decimal):
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-dtype.scale))
    if dtype == pl.Date:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10])
    if isinstance(dtype, pl.Datetime):
        parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
        return parsed.astimezone(dt.UTC) if dtype.time_zone else parsed
    if dtype == pl.Time:
        return value if isinstance(value, dt.time) else dt.time.fromisoformat(value[:15])
    if dtype == pl.Binary:
        return value if isinstance(value, bytes) else bytes.fromhex(value.removeprefix("\\x"))
    if isinstance(dtype, pl.Duration):
        if isinstance(value, dt.timedelta):
            return value
        return dt.timedelta(microseconds=int(value.removesuffix(" microseconds")))
    raise AssertionError(f"no parser for {dtype}")


def assert_rows(expected: pl.DataFrame, rows: list, table: str = "") -> None:
    dtypes = expected.dtypes
    parsed = [tuple(parse(v, d) for v, d in zip(row, dtypes, strict=True)) for row in rows]
    assert len(parsed) == expected.height, table
    for got, want in zip(parsed, expected.rows(), strict=True):
        assert got == want, f"{table}: {got} != {want}"


# ---------------------------------------------------------------------------- formats


def test_csv_reads_back(plan, frames, tmp_path):
    manifest = _export(plan, "csv", tmp_path)
    assert [f.path for f in manifest.files] == [f"{k}.csv" for k in plan.tables]
    for key, frame in frames.items():
        back = pl.read_csv(tmp_path / f"{key}.csv", infer_schema=False)
        assert back.columns == frame.columns
        assert_rows(frame, back.rows(), key)
    assert manifest.tables == {k: f.height for k, f in frames.items()}


def test_json_and_jsonl_read_back(plan, frames, tmp_path):
    _export(plan, "json", tmp_path / "json")
    _export(plan, "jsonl", tmp_path / "jsonl")
    for key, frame in frames.items():
        objects = json.loads((tmp_path / "json" / f"{key}.json").read_text())
        lines = (tmp_path / "jsonl" / f"{key}.jsonl").read_text().splitlines()
        assert [json.loads(line) for line in lines] == objects
        assert_rows(frame, [tuple(o[c] for c in frame.columns) for o in objects], key)
        assert pl.read_ndjson(tmp_path / "jsonl" / f"{key}.jsonl").height == frame.height


def test_parquet_reads_back_exactly(plan, frames, tmp_path):
    _export(plan, "parquet", tmp_path)
    for key, frame in frames.items():
        assert_frame_equal(pl.read_parquet(tmp_path / f"{key}.parquet"), frame)
    import pyarrow.parquet as pq

    metadata = pq.read_metadata(tmp_path / "sales.customers.parquet")
    assert metadata.num_row_groups == 3  # one per chunk: streamed, not concatenated
    assert metadata.row_group(0).column(0).compression == "ZSTD"


def test_xlsx_reads_back(plan, frames, tmp_path):
    pytest.importorskip("xlsxwriter")
    _export(plan, "xlsx", tmp_path)
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl reads the workbook back")
    book = openpyxl.load_workbook(tmp_path / "demo.xlsx", read_only=True)
    assert book.sheetnames == list(plan.tables)
    for key, frame in frames.items():
        rows = list(book[key].iter_rows(values_only=True))
        assert list(rows[0]) == frame.columns
        assert len(rows) - 1 == frame.height
        for got_row, want_row in zip(rows[1:], frame.rows(), strict=True):
            for got, want, dtype in zip(got_row, want_row, frame.dtypes, strict=True):
                _assert_excel_cell(got, want, dtype, key)


def _assert_excel_cell(got, want, dtype, table):
    if want is None:
        assert got is None, table
    elif isinstance(dtype, pl.Decimal) or dtype.is_float():
        assert got == pytest.approx(float(want)), table
    elif dtype == pl.Date:
        assert got.date() == want, table
    elif isinstance(dtype, pl.Datetime):
        naive = want.astimezone(dt.UTC).replace(tzinfo=None) if want.tzinfo else want
        assert abs(got - naive) < dt.timedelta(milliseconds=1), table
    elif dtype == pl.Time:
        assert got.replace(microsecond=0) == want.replace(microsecond=0), table
    elif dtype in (pl.Binary,) or isinstance(dtype, pl.Duration):
        assert parse(got, dtype) == want, table
    elif isinstance(got, str):  # control characters are stored as OOXML _xHHHH_ escapes
        assert re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), got) == want, table
    else:
        assert got == want, table


def test_xlsx_refuses_a_table_over_the_sheet_limit_before_writing(plan, tmp_path):
    class Huge(EngineSource):
        def row_count(self, table):
            return EXCEL_MAX_DATA_ROWS + 1 if table.key == "sales.customers" else table.rows

        def chunks(self, table, limit=None):
            raise AssertionError("no row may be read")

    with pytest.raises(ValueError, match=r"sales\.customers has 1,048,576 rows"):
        export_dataset(plan, Huge(plan), "xlsx", str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()


def test_sheet_names_are_valid_and_distinct():
    names = sheet_names(["a/b", "x" * 40, "X" * 40, "q?"])
    assert names == ["a_b", "x" * 31, "X" * 29 + "~2", "q_"]


# ---------------------------------------------------------------------------- SQL


def test_sqlite_inserts_execute(plan, frames, tmp_path):
    _export(plan, "sql", tmp_path, dialect="sqlite")
    database = sqlite3.connect(":memory:")
    for table_plan in plan.tables.values():
        table = table_plan.table
        columns = ", ".join(f'"{c}"' for c in table.column_names)
        database.execute(f'CREATE TABLE "{table.name}" ({columns})')
    database.executescript((tmp_path / "demo.sqlite.sql").read_bytes().decode())
    for key, frame in frames.items():
        name = plan.table(key).table.name
        rows = database.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        assert_rows(frame, rows, key)


@pytest.mark.parametrize("dialect", ["mysql", "tsql"])
def test_mysql_and_tsql_inserts_parse_back_to_the_strings(plan, frames, tmp_path, dialect):
    """No server here: sqlglot reads the file in that dialect and must find every row and
    every string exactly (escapes included)."""
    _export(plan, "sql", tmp_path, dialect=dialect, batch_rows=7)
    text = (tmp_path / f"demo.{dialect}.sql").read_bytes().decode()  # keep \r\n as is
    inserts = [s for s in sqlglot.parse(text, read=dialect) if isinstance(s, exp.Insert)]
    customers = frames["sales.customers"]
    tuples = [t for s in inserts if "customers" in s.this.sql() for t in s.expression.expressions]
    assert len(tuples) == customers.height
    assert max(len(s.expression.expressions) for s in inserts) == 7
    for column in ("name", "note"):
        index = customers.columns.index(column)
        got = [
            None if isinstance(t.expressions[index], exp.Null) else t.expressions[index].name
            for t in tuples
        ]
        assert got == customers[column].to_list()
    if dialect == "tsql":
        assert "SET IDENTITY_INSERT [sales].[customers] ON;" in text
        assert "N'ünïcødé ✓ 日本'" in text


@pytest.mark.parametrize("dialect", to_sql.DIALECTS)
def test_vectorised_literals_agree_with_sqlglot(dialect):
    values = ["it's", "a\\b", "x\ny\r\tz", "nul\x1a", "ünï", 42, -7, 1.5, 1e-05, Decimal("12.50")]
    frame = pl.DataFrame({f"c{i}": [v] for i, v in enumerate(values)}, strict=False)
    lit = to_sql.literals(dialect)
    rendered = frame.select(to_sql.literal_expr(c, d, lit) for c, d in frame.schema.items())
    for value, got in zip(values, rendered.row(0), strict=True):
        node = exp.convert(value)
        if isinstance(value, str) and dialect == "tsql":
            node = exp.National(this=value)
        if isinstance(value, float):  # the same number, maybe spelled 0.00001 for 1e-05
            assert float(got) == float(node.sql(dialect=dialect)), value
        else:
            assert got == node.sql(dialect=dialect), value
    booleans = pl.DataFrame({"b": [True, False, None]})
    got = booleans.select(to_sql.literal_expr("b", pl.Boolean, lit))["b"].to_list()
    expected = (
        ["1", "0"] if dialect == "tsql" else [exp.convert(v).sql(dialect) for v in (True, False)]
    )
    assert got == [*expected, "NULL"]


def test_tsql_batches_are_capped(plan, tmp_path):
    with pytest.raises(ValueError, match="1001 rows per INSERT; it must be 1..1000"):
        _export(plan, "sql", tmp_path, dialect="tsql", batch_rows=1001)


def _psql(url: str, path: Path) -> None:
    psql = shutil.which("psql")
    if psql is None:
        pytest.fail("psql is required to load SQL exports")
    done = subprocess.run(
        [psql, url, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(path)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def _assert_database_matches(url: str, plan: DatasetPlan, frames: dict) -> None:
    with psycopg.connect(url) as connection:
        for key, frame in frames.items():
            table = plan.table(key).table
            name = f'"{table.schema}"."{table.name}"' if table.schema else f'"{table.name}"'
            order = ", ".join(f'"{c}"' for c in KEYS[key])
            rows = connection.execute(f"SELECT * FROM {name} ORDER BY {order}").fetchall()
            assert_rows(frame.sort(KEYS[key]), rows, key)
        # identity sequences were moved past the loaded keys
        connection.execute(
            "INSERT INTO sales.customers (name, active, token) "
            "VALUES ('new', true, gen_random_uuid())"
        )


def test_postgres_inserts_load_into_the_original_ddl(plan, frames, tmp_path, fresh_database):
    url = fresh_database("exports_inserts")
    (tmp_path / "ddl.sql").write_text(DDL)
    _psql(url, tmp_path / "ddl.sql")
    _export(plan, "sql", tmp_path, dialect="postgres")
    _psql(url, tmp_path / "demo.postgres.sql")
    _assert_database_matches(url, plan, frames)


def test_pgdump_loads_into_an_empty_database(plan, frames, tmp_path, fresh_database):
    url = fresh_database("exports_dump")
    _export(plan, "pgdump", tmp_path, compression="gzip")
    dump = tmp_path / "demo.sql"
    dump.write_bytes(gzip.decompress((tmp_path / "demo.pgdump.sql.gz").read_bytes()))
    _psql(url, dump)
    _assert_database_matches(url, plan, frames)
    assert _constraints(url) == {"p": 3, "u": 1, "c": 1, "f": 2}


def _constraints(url: str) -> dict[str, int]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT contype::text, count(*) FROM pg_constraint c JOIN pg_namespace n "
            "ON n.oid = c.connamespace WHERE n.nspname NOT IN ('pg_catalog', "
            "'information_schema') AND contype IN ('p', 'u', 'c', 'f') GROUP BY 1"
        ).fetchall()
    return dict(rows)


def test_pgdump_of_shop_loads_with_all_constraints(tmp_path, fresh_database):
    dataset = load_dataset(
        REPO / "schemas" / "shop.sql", REPO / "schemas" / "shop.yaml", Settings(scale=0.001)
    )
    shop = plan_dataset(dataset)
    manifest = _export(shop, "pgdump", tmp_path)
    url = fresh_database("exports_shop")
    _psql(url, tmp_path / "shop.pgdump.sql")
    with psycopg.connect(url) as connection:
        for key, table_plan in shop.tables.items():
            count = connection.execute(f'SELECT count(*) FROM "{key}"').fetchone()[0]
            assert count == table_plan.rows == manifest.tables[key] > 0
    assert _constraints(url) == {"p": 4, "u": 2, "c": 3, "f": 3}


# ---------------------------------------------------------------------------- output


@pytest.mark.parametrize("compression", sorted(COMPRESSIONS))
def test_every_compression_round_trips(plan, tmp_path, compression):
    if compression == "zstd":
        pytest.importorskip("zstandard")
    plain = _export(plan, "jsonl", tmp_path / "plain")
    packed = _export(plan, "jsonl", tmp_path / "packed", compression=compression)
    suffix = COMPRESSIONS[compression]
    assert [f.path for f in packed.files] == [f.path + suffix for f in plain.files]
    for original in plain.files:
        data = (tmp_path / "packed" / (original.path + suffix)).read_bytes()
        assert _decompress(compression, data) == (tmp_path / "plain" / original.path).read_bytes()


def _decompress(compression: str, data: bytes) -> bytes:
    if compression == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    return {"gzip": gzip.decompress, "bz2": bz2.decompress, "xz": lzma.decompress}[compression](
        data
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_same_inputs_give_identical_files_and_manifests(plan, tmp_path, fmt):
    if fmt == "xlsx":
        pytest.importorskip("xlsxwriter")
    first = _export(plan, fmt, tmp_path / "a", compression="gzip")
    second = _export(plan, fmt, tmp_path / "b", compression="gzip")
    assert (tmp_path / "a" / MANIFEST_NAME).read_bytes() == (
        tmp_path / "b" / MANIFEST_NAME
    ).read_bytes()
    assert first == second
    for written in first.files:
        data = (tmp_path / "a" / written.path).read_bytes()
        assert data == (tmp_path / "b" / written.path).read_bytes()
        assert len(data) == written.bytes
        assert hashlib.sha256(data).hexdigest() == written.sha256
    manifest = json.loads((tmp_path / "a" / MANIFEST_NAME).read_text())
    assert manifest["dataset"] == "demo" and manifest["seed"] == 3
    assert set(manifest["packages"]) >= {
        "datagen",
        "polars",
        "pyarrow",
        "faker",
        "sqlglot",
        "duckdb",
    }
    assert len(manifest["config_sha256"]) == len(manifest["schema_sha256"]) == 64


@pytest.mark.parametrize("fmt", ["xlsx", "pgdump"])
def test_separate_processes_give_identical_manifests(plan, tmp_path, fmt):
    """Across processes too: another hash seed and another local time zone change nothing."""
    if fmt == "xlsx":
        pytest.importorskip("xlsxwriter")
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    shutil.copy(plan.dataset.schema_path, schemas / "demo.sql")
    shutil.copy(plan.dataset.config_path, schemas / "demo.yaml")
    manifests = []
    for run, (hash_seed, zone) in enumerate([("1", "UTC"), ("2", "Asia/Tokyo")]):
        env = {
            **os.environ,
            "PYTHONHASHSEED": hash_seed,
            "TZ": zone,
            "DATAGEN_SCHEMAS_DIR": str(schemas),
        }
        out = tmp_path / f"run{run}"
        command = [
            sys.executable,
            "-m",
            "datagen_assets.write.exports",
            "--dataset",
            "demo",
            "--format",
            fmt,
            "--out",
            str(out),
        ]
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        manifests.append((out / MANIFEST_NAME).read_bytes())
    assert manifests[0] == manifests[1]


def test_a_failure_midway_leaves_no_final_file(plan, tmp_path, monkeypatch):
    csv = FORMATS["csv"]
    calls = []

    def failing(tables, out, options):
        calls.append(tables[0].key)
        out.write(b"partial")
        if len(calls) == 2:
            raise RuntimeError("disk full")
        csv.write(tables, out, options)

    monkeypatch.setitem(FORMATS, "csv", dataclasses.replace(csv, write=failing))
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="disk full"):
        _export(plan, "csv", out)
    assert _only_final_files(out) == []  # neither the first table nor a temporary file


def test_a_rerun_replaces_files_and_manifest(plan, tmp_path):
    _export(plan, "csv", tmp_path, tables=["tags"])
    manifest = _export(plan, "csv", tmp_path)
    assert _only_final_files(tmp_path) == sorted([MANIFEST_NAME, *(f.path for f in manifest.files)])
    assert Manifest.from_json((tmp_path / MANIFEST_NAME).read_text()) == manifest


def test_object_store_output(plan, frames):
    import fsspec

    manifest = _export(plan, "csv", "memory://exports/demo", tables=["tags"])
    fs = fsspec.filesystem("memory")
    assert sorted(p.rsplit("/", 1)[-1] for p in fs.ls("/exports/demo", detail=False)) == [
        MANIFEST_NAME,
        "tags.csv",
    ]
    back = pl.read_csv(io.BytesIO(fs.cat("/exports/demo/tags.csv")))
    assert_frame_equal(back, frames["tags"])
    assert manifest.files[0].bytes == fs.size("/exports/demo/tags.csv")


def test_unknown_table_format_and_compression_are_refused(plan, tmp_path):
    with pytest.raises(ValueError, match="no table"):
        _export(plan, "csv", tmp_path, tables=["nope"])
    with pytest.raises(ValueError, match="unknown format"):
        _export(plan, "docx", tmp_path)
    with pytest.raises(ValueError, match="unknown compression"):
        _export(plan, "csv", tmp_path, compression="rar")
    assert _only_final_files(tmp_path) == []


# ----------------------------------------------------------------- sources, profiles, CLI


def test_storage_source_exports_the_same_bytes_as_the_engine(plan, frames, tmp_path):
    from datagen_assets.write.parquet_io import chunk_path, write_parquet_atomic

    storage = str(tmp_path / "data")
    for key, table_plan in plan.tables.items():
        for partition in table_plan.partition_keys:
            chunk = generate(plan, key, *table_plan.chunk_bounds(partition))
            write_parquet_atomic(chunk, chunk_path(storage, plan.name, key, partition))
    from_engine = _export(plan, "csv", tmp_path / "engine")
    source = StorageSource(storage, plan.name)
    from_storage = export_dataset(plan, source, "csv", str(tmp_path / "storage"))
    assert from_storage == from_engine
    head = export_dataset(plan, source, "jsonl", str(tmp_path / "head"), limit=20)
    assert head.tables == {key: min(20, f.height) for key, f in frames.items()}


def test_storage_source_names_a_missing_chunk(plan, tmp_path):
    source = StorageSource(str(tmp_path / "empty"), plan.name)
    with pytest.raises(FileNotFoundError, match=r"tags: chunk\(s\) 00000(, \d+)* missing"):
        export_dataset(plan, source, "csv", str(tmp_path / "out"), tables=["tags"])


def test_profiles_layout_and_contents(plan, frames, tmp_path):
    fixtures = export_profile(plan, EngineSource(plan), "fixtures", str(tmp_path), limit=5)
    folder = tmp_path / "fixtures" / "demo"
    assert _only_final_files(folder) == sorted([MANIFEST_NAME, *(f"{k}.json" for k in frames)])
    text = (folder / "sales.customers.json").read_text()
    assert text.startswith('[\n  {\n    "id": 1,')
    assert_rows(frames["sales.customers"].head(5), [tuple(o.values()) for o in json.loads(text)])
    assert fixtures.profile == "fixtures" and fixtures.options["limit"] == 5

    loadtest = export_profile(plan, EngineSource(plan), "loadtest", str(tmp_path))
    data = tmp_path / "loadtest" / "demo" / "sales.customer_tags.csv.gz"
    back = pl.read_csv(io.BytesIO(gzip.decompress(data.read_bytes())))
    assert (
        back.height
        == frames["sales.customer_tags"].height
        == loadtest.tables["sales.customer_tags"]
    )


def test_cli_exports_a_dataset_from_the_schemas_folder(plan, tmp_path, monkeypatch, capsys):
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    shutil.copy(plan.dataset.schema_path, schemas / "demo.sql")
    shutil.copy(plan.dataset.config_path, schemas / "demo.yaml")
    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(schemas))
    out = tmp_path / "out"
    args = ["--dataset", "demo", "--format", "sql", "--dialect", "sqlite", "--tables", "tags"]
    assert main([*args, "--out", str(out)]) == 0
    assert _only_final_files(out) == ["demo.sqlite.sql", MANIFEST_NAME]
    assert "6 rows in 1 table(s)" in capsys.readouterr().out
    assert main(["--dataset", "nope", "--format", "csv", "--out", str(out)]) == 2
    assert "no dataset 'nope'" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)
    assert main(["--dataset", "demo", "--profile", "loadtest", "--from-engine"]) == 0
    assert (tmp_path / "exports" / "loadtest" / "demo" / "tags.csv.gz").exists()

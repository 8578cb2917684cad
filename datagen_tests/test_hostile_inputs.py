"""Hostile inputs end in one clear problem naming the file (and table, column), never a
traceback or a hang; each case here is a class of input that once crashed."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from datagen_assets import cli
from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.settings import Settings
from datagen_tests.conftest import STEERING_VARS

T = "CREATE TABLE t (id INT PRIMARY KEY, n INT);\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"

CASES = {
    "binary YAML": ({"d.sql": T, "d.yaml": PNG}, "d.yaml: not UTF-8 text (byte 0x89"),
    "binary JSON": ({"d.json": PNG}, "d.json: not UTF-8 text"),
    "infinite scale": ({"d.sql": T, "d.yaml": "scale: .inf\n"}, "scale must be a finite"),
    "NaN scale": ({"d.sql": T, "d.yaml": "scale: .nan\n"}, "scale must be a finite"),
    "NaN null fraction": ({"d.sql": T, "d.yaml": "null_fraction: .nan\n"}, "null_fraction"),
    "unknown dialect": ({"d.sql": T, "d.yaml": "dialect: nosuchsql\n"}, "d.yaml:1:10: dialect"),
    "dialect not a name": ({"d.sql": T, "d.yaml": "dialect: [1]\n"}, "d.yaml:1:10: dialect"),
}


def project(tmp_path, monkeypatch, files: dict) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for name, body in files.items():
        path = schemas / name
        path.write_bytes(body) if isinstance(body, bytes) else path.write_text(body)
    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(schemas))
    monkeypatch.setenv("DATAGEN_STORAGE_URL", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    for var in STEERING_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_input_is_one_located_problem(case, tmp_path, monkeypatch, capsys):
    files, expected = CASES[case]
    project(tmp_path, monkeypatch, files)
    assert cli.main(["validate"]) == 1
    err = capsys.readouterr().err
    assert expected in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("DATAGEN_STORAGE_URL", "nosuch://bucket/x", "unusable storage"),
        ("DATAGEN_STORAGE_URL", "s3://", "no bucket or host after s3://"),
        ("DATAGEN_STORAGE_URL", "://::", "no scheme before ://"),  # a folder named ':' once
        ("DATAGEN_SCALE", "inf", "must be a finite number"),
        ("DATAGEN_SCALE", "nan", "must be a finite number"),
    ],
)
def test_a_bad_variable_is_one_message(var, value, expected, tmp_path, monkeypatch, capsys):
    project(tmp_path, monkeypatch, {"d.sql": T})
    monkeypatch.setenv(var, value)
    assert cli.main(["validate"]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err


def _plan(tmp_path, ddl: str, config: str = "rows: 300\n"):
    (tmp_path / "x.sql").write_text(ddl)
    (tmp_path / "x.yaml").write_text(config)
    return plan_dataset(load_dataset(tmp_path / "x.sql", tmp_path / "x.yaml", Settings()))


def test_a_huge_unique_varchar_plans_at_once(tmp_path):
    # Its capacity was computed as 10**length: a varchar(100000000) key hung the planner.
    plan = _plan(tmp_path, "CREATE TABLE t (id INT PRIMARY KEY, s VARCHAR(100000000) UNIQUE);")
    began = time.perf_counter()
    assert preflight(plan).ok
    assert time.perf_counter() - began < 30


def test_numeric_scale_above_precision_generates_in_range(tmp_path):
    # PostgreSQL 15 accepts NUMERIC(3, 7) (values below 0.0001); polars' Decimal does not
    # (a cast error while sampling).
    plan = _plan(tmp_path, "CREATE TABLE t (id INT PRIMARY KEY, n NUMERIC(3, 7) NOT NULL);")
    frame = generate(plan, "t", 0, 300)
    values = [abs(v) for v in frame["n"].to_list()]
    assert max(values) <= Decimal("0.0000999") and len(set(values)) > 10


def test_a_polars_panic_on_a_generated_column_is_no_crash(tmp_path):
    # polars panics (a BaseException, not an Exception) casting a literal to NUMERIC(1000,
    # 999) while checking whether it evaluates the generated column (fuzz seed 3, case 848)
    ddl = (
        "CREATE TABLE t (id INT PRIMARY KEY, a INT,\n"
        "  g NUMERIC GENERATED ALWAYS AS (a - NUMERIC(1000, 999) '1') STORED);"
    )
    plan = _plan(tmp_path, ddl)
    report = preflight(plan, sample_rows=20)
    assert report.ok, report.problems
    assert generate(plan, "t", 0, 20).height == 20


def test_a_utf16_script_imports_and_a_binary_one_is_named(tmp_path, monkeypatch, capsys):
    """SQL Server Management Studio saves scripts as UTF-16: they read as text. A binary
    file said 'no CREATE TABLE statement found' as if it were an empty schema."""
    project(
        tmp_path,
        monkeypatch,
        {"u.sql": T.encode("utf-16"), "b.sql": PNG, "n.sql": T.replace("n INT", "n\x00 INT")},
    )
    assert cli.main(["validate"]) == 1
    printed = capsys.readouterr()
    assert "b.sql: not text (a NUL byte at offset 8)" in printed.err
    assert "n.sql: not text" in printed.err
    assert "u: 1 tables, 2 columns" in printed.out, printed.out

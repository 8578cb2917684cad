"""DuckDB constraint checks on small hand-made Parquet chunks."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from datagen_assets.check.constraints import (
    TableFiles,
    check_foreign_key,
    check_not_null,
    check_primary_key,
    check_row_count,
    check_unique,
    run_checks,
    table_constraints,
)
from datagen_assets.schema.model import Column, ColumnType, ForeignKey, Table, TypeKind

INT = ColumnType(TypeKind.INTEGER, "INTEGER")
TEXT = ColumnType(TypeKind.TEXT, "TEXT")

# Mixed case and reserved words on purpose: every identifier must be quoted.
ORDER = Table(
    "Order",
    (Column("Region", TEXT, nullable=False), Column("select", INT, nullable=False)),
    primary_key=("Region", "select"),
)
LINE = Table(
    "line",
    (
        Column("id", INT, nullable=False),
        Column("Region", TEXT),
        Column("order_no", INT),
        Column("group", INT, nullable=False),
        Column("code", TEXT),
    ),
    primary_key=("id",),
    uniques=(("code",),),
    foreign_keys=(ForeignKey(("Region", "order_no"), "Order", ("Region", "select")),),
)


def chunks(tmp_path: Path, table: str, *frames: pl.DataFrame, missing=()) -> TableFiles:
    """Write frames as chunks 00000, 00001, ... and describe them as a check would see them."""
    folder = tmp_path / table
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for index, frame in enumerate(frames):
        path = folder / f"{index:05d}.parquet"
        frame.write_parquet(path)
        found[f"{index:05d}"] = str(path)
    return TableFiles(table, found, tuple(missing))


@pytest.fixture
def orders(tmp_path):
    return chunks(
        tmp_path,
        "Order",
        pl.DataFrame({"Region": ["EU", "EU"], "select": [1, 2]}),
        pl.DataFrame({"Region": ["US", "US"], "select": [1, 2]}),
    )


def good_lines(tmp_path):
    return chunks(
        tmp_path,
        "line",
        pl.DataFrame(
            {
                "id": [1, 2],
                "Region": ["EU", "US"],
                "order_no": [1, 2],
                "group": [7, 7],
                "code": ["a", None],
            }
        ),
        pl.DataFrame(
            {
                "id": [3, 4],
                "Region": [None, "EU"],
                "order_no": [99, 2],
                "group": [7, 8],
                "code": [None, "b"],
            }
        ),
    )


def test_all_checks_pass_on_good_data(tmp_path, orders):
    lines = good_lines(tmp_path)
    results = run_checks(LINE, lines, {"00000": 2, "00001": 2}, {"Order": orders})
    assert [r.name for r in results] == [c.name for c in table_constraints(LINE)]
    assert all(r.passed for r in results), [r.description for r in results if not r.passed]
    parent = run_checks(ORDER, orders, {"00000": 2, "00001": 2}, {})
    assert all(r.passed for r in parent)


def test_duplicate_primary_key_across_chunks(tmp_path):
    files = chunks(
        tmp_path,
        "line",
        pl.DataFrame({"id": [1, 2]}),
        pl.DataFrame({"id": [3, 2]}),  # 2 again, in another chunk
    )
    result = check_primary_key(files, ("id",))
    assert not result.passed
    assert result.counts["duplicate_keys"] == 1
    assert result.samples == ("2 x2",)


def test_null_in_primary_key(tmp_path):
    files = chunks(tmp_path, "line", pl.DataFrame({"id": [1, None]}))
    result = check_primary_key(files, ("id",))
    assert not result.passed and result.counts["null_key_rows"] == 1


def test_unique_allows_nulls_but_not_duplicates(tmp_path):
    nulls = chunks(tmp_path / "a", "t", pl.DataFrame({"code": ["x", None, None]}))
    assert check_unique(nulls, ("code",)).passed
    twice = chunks(tmp_path / "b", "t", pl.DataFrame({"code": ["x", "x", None]}))
    result = check_unique(twice, ("code",))
    assert not result.passed and result.samples == ("'x' x2",)


def test_orphan_foreign_key(tmp_path):
    parent = chunks(tmp_path, "p", pl.DataFrame({"id": [1, 2, 3]}))
    child = chunks(tmp_path, "c", pl.DataFrame({"p_id": [1, 4, None, 4, 5]}))
    result = check_foreign_key(child, ("p_id",), parent, ("id",))
    assert not result.passed
    assert result.counts == {"rows_checked": 4, "orphan_rows": 3, "orphan_keys": 2}
    assert sorted(result.samples) == ["4", "5"]


def test_composite_foreign_key_orphan(tmp_path, orders):
    # ("EU", 2) and ("US", 1) both exist, but not ("US", 3); a tuple with a NULL is skipped.
    lines = chunks(
        tmp_path,
        "line",
        pl.DataFrame({"Region": ["EU", "US", "US", None], "order_no": [2, 1, 3, 3]}),
    )
    result = check_foreign_key(lines, ("Region", "order_no"), orders, ("Region", "select"))
    assert not result.passed
    assert result.counts["orphan_rows"] == 1
    assert result.samples == ("('US', 3)",)


def test_null_in_not_null_column_names_the_row_by_key(tmp_path):
    files = chunks(tmp_path, "line", pl.DataFrame({"id": [1, 2, 3], "group": [5, None, 6]}))
    result = check_not_null(files, ("id", "group"), key=("id",))
    assert not result.passed
    assert result.counts["nulls:group"] == 1
    assert result.samples == ("2",)


def test_parent_not_materialised_fails_with_a_message(tmp_path):
    child = chunks(tmp_path, "c", pl.DataFrame({"p_id": [1]}))
    absent = TableFiles("p", {}, ("00000", "00001"))
    result = check_foreign_key(child, ("p_id",), absent, ("id",))
    assert not result.passed
    assert "parent table p is not materialised" in result.description
    partial = chunks(tmp_path, "p", pl.DataFrame({"id": [1]}), missing=("00001",))
    result = check_foreign_key(child, ("p_id",), partial, ("id",))
    assert not result.passed and "1 of 2 chunks (missing 00001)" in result.description


def test_checks_only_read_existing_chunks_and_report_missing_ones(tmp_path):
    files = chunks(tmp_path, "line", pl.DataFrame({"id": [1, 2]}), missing=("00001",))
    assert check_primary_key(files, ("id",)).passed
    result = check_row_count(files, {"00000": 2, "00001": 2})
    assert not result.passed and result.severity == "WARN"
    assert result.counts["chunks_missing"] == 1


def test_row_count_mismatch_is_an_error(tmp_path):
    files = chunks(tmp_path, "line", pl.DataFrame({"id": [1, 2, 3]}))
    result = check_row_count(files, {"00000": 2})
    assert not result.passed and result.severity == "ERROR"
    assert check_row_count(files, {"00000": 3}).passed


def test_missing_column_fails_cleanly(tmp_path, orders):
    files = chunks(tmp_path, "line", pl.DataFrame({"id": [1]}))
    results = {r.name: r for r in run_checks(LINE, files, {"00000": 1}, {"Order": orders})}
    assert not results["not_null"].passed
    assert "group" in results["not_null"].description
    assert not results["fk_Region_order_no_Order"].passed


def test_constraint_names_are_valid_dagster_names():
    names = [c.name for c in table_constraints(LINE)]
    assert names == [
        "primary_key",
        "unique_code",
        "not_null",
        "fk_Region_order_no_Order",
        "row_count",
    ]
    blocking = {c.name for c in table_constraints(LINE) if c.blocking}
    assert blocking == {"primary_key", "unique_code", "fk_Region_order_no_Order"}


@pytest.mark.parametrize(
    ("dialect", "clash"), [("mysql", True), ("tsql", True), ("postgres", False)]
)
def test_string_keys_are_checked_as_the_dialect_collates(tmp_path, dialect, clash):
    """MySQL and SQL Server compare 'EU', 'eu' and 'EU ' as equal by default; PostgreSQL not."""
    orders = chunks(
        tmp_path,
        "Order",
        pl.DataFrame({"Region": ["EU", "eu"], "select": [1, 1]}),
        pl.DataFrame({"Region": ["US", "EU "], "select": [1, 1]}),
    )
    (result,) = run_checks(ORDER, orders, {"00000": 2, "00001": 2}, {}, {"primary_key"}, dialect)
    assert result.passed is not clash
    if clash:
        assert result.counts["duplicate_rows"] == 2
        assert "case-insensitively" in table_constraints(ORDER, dialect)[0].description


# ---------------------------------------------------------------------------- exit status

WARN_DDL = """
CREATE TABLE labels (
    id    INTEGER     PRIMARY KEY CHECK (id > 0),
    label VARCHAR(40) NOT NULL
);
"""
# A `label` holds no personal data (category none), so names planted there make the PII scan
# fail; the scan's severity is WARN.
WARN_CONFIG = """
rows: 20
tables:
  labels:
    columns:
      label: {generator: choice, values: ["Maria Lopez", "John Smith"]}
"""


def test_materialize_exits_zero_on_warnings(tmp_path, monkeypatch, capsys):
    """A failed WARN check (the PII scan) is printed as a warning and the exit status stays 0,
    saying so (a failed ERROR check exits 1: test_materialize's blocking-check test)."""
    from datagen_assets import cli
    from datagen_tests.conftest import make_project

    make_project(tmp_path, monkeypatch, WARN_DDL, WARN_CONFIG)
    assert cli.main(["materialize", "tiny"]) == 0
    output = capsys.readouterr().out
    assert "warn pii_scan" in output
    assert "0 failed (ERROR), 1 warning(s)" in output
    assert "exit status 0: 1 warning(s) only (severity WARN)" in output
    assert "ok   check_id: labels CHECK (id > 0) holds over all 1 chunk, 20 rows" in output
    with dg.DagsterInstance.get() as instance:  # the CHECK is an asset check in the UI too
        key = dg.AssetCheckKey(dg.AssetKey(["tiny", "labels"]), "check_id")
        record = instance.get_latest_asset_check_evaluation_record(key)
        assert record.event.dagster_event.event_specific_data.passed


SCAN_ORDER_DDL = """
CREATE TABLE labels (
    id    INTEGER     PRIMARY KEY,
    label VARCHAR(40) NOT NULL
);
CREATE TABLE people (
    id        INTEGER      PRIMARY KEY,
    label_id  INTEGER      NOT NULL REFERENCES labels (id),
    full_name VARCHAR(80)  NOT NULL,
    email     VARCHAR(160) NOT NULL
);
"""


def test_pii_scans_run_last_in_the_step_and_detection_is_prepared_only_when_needed(
    tmp_path, monkeypatch
):
    """The step evaluates every constraint check first and the (never blocking) PII scans
    last, so Presidio can be prepared on a worker thread meanwhile; only for a table with a
    text column that must hold no personal data (people's columns are direct PII)."""
    from datagen_assets import cli
    from datagen_assets.orchestrate.factory import load_plans, needs_detection
    from datagen_assets.settings import Settings
    from datagen_tests.conftest import make_project

    make_project(tmp_path, monkeypatch, SCAN_ORDER_DDL, "rows: 20\n")
    (plan,) = load_plans(Settings.from_env())
    assert needs_detection(plan.table("labels"), plan)
    assert not needs_detection(plan.table("people"), plan)
    assert cli.main(["materialize", "tiny"]) == 0
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
        names = [
            (
                e.dagster_event.event_specific_data.asset_key.path[-1],
                e.dagster_event.event_specific_data.check_name,
            )
            for e in instance.all_logs(run.run_id)
            if e.dagster_event and e.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"
        ]
    scans = [i for i, (_, name) in enumerate(names) if name == "pii_scan"]
    assert {names[i][0] for i in scans} == {"labels", "people"}
    assert scans == list(range(len(names) - len(scans), len(names))), names


def test_a_table_without_columns_is_capped_at_zero_rows_and_its_checks_pass(
    tmp_path, monkeypatch, capsys
):
    """`CREATE TABLE t ()` (PostgreSQL allows it): no frame or Parquet file holds rows without
    a column, so a default count is capped at 0 with a note, and the row count is read from the
    footer (DuckDB refuses a file without columns: the check failed with ERROR)."""
    from datagen_assets import cli
    from datagen_tests.conftest import make_project

    ddl = "CREATE TABLE marker ();\nCREATE TABLE labels (id INTEGER PRIMARY KEY);\n"
    make_project(tmp_path, monkeypatch, ddl, "rows: 20\n")
    assert cli.main(["plan", "tiny"]) == 0
    assert "marker: rows capped from 20 to 0: a table without columns" in capsys.readouterr().out
    assert cli.main(["materialize", "tiny"]) == 0
    output = capsys.readouterr().out
    assert "ok   row_count: marker: 0 rows as planned in 1 chunk(s)" in output
    assert "0 failed (ERROR)" in output


def test_materialize_says_why_it_exits_one(monkeypatch, capsys):
    from datagen_assets import cli

    failed = cli.CheckOutcome("primary_key", False, "ERROR", "duplicated")
    warned = cli.CheckOutcome("pii_scan", False, "WARN", "names")
    outcomes = [
        cli.TableOutcome("d", "a", rows=5, chunks=1, checks=[failed, warned]),
        cli.TableOutcome("d", "b", skipped="a parent failed"),
    ]
    monkeypatch.setattr(cli, "ensure_dagster_home", lambda: Path("home"))
    monkeypatch.setattr(cli, "materialize_workspace", lambda *args, **kwargs: (outcomes, {}))
    assert cli.main(["materialize", "d"]) == 1
    output = capsys.readouterr().out
    assert "2 checks: 0 passed, 1 failed (ERROR), 1 warning(s); 2 table(s) not OK" in output
    assert (
        "exit status 1: 1 check(s) failed with severity ERROR; 1 table(s) failed or were skipped: b"
    ) in output
    outcomes[0].checks = [warned]
    outcomes.pop()
    assert cli.main(["materialize", "d"]) == 0


# ---------------------------------------------------------------------------- CHECK constraints

CHECKED_DDL = """
CREATE DOMAIN positive AS INTEGER CHECK (VALUE > 0);
CREATE TABLE item (
    id       INTEGER PRIMARY KEY,
    quantity INTEGER CHECK (quantity BETWEEN 1 AND 365),
    label    VARCHAR(20),
    stock    positive,
    CONSTRAINT label_capitalised CHECK (label = INITCAP(label)),
    CONSTRAINT opaque CHECK (my_function(label))
);
"""


def _checked_table():
    from datagen_assets.schema.ddl import parse_ddl

    return parse_ddl(CHECKED_DDL, "postgres").tables["item"]


def test_every_check_is_a_constraint_check_even_one_nothing_evaluates():
    """A CHECK neither DuckDB nor polars reads is still a check (reported not verified), so
    a run never counts it as passed unseen."""
    table = _checked_table()
    checks = {c.name: c for c in table_constraints(table) if c.kind == "check"}
    sqls = {c.expressions[0] for c in checks.values()}
    assert any("BETWEEN 1 AND 365" in sql for sql in sqls)
    assert any("INITCAP" in sql for sql in sqls)  # polars reads it, DuckDB does not
    assert any("stock > 0" in sql for sql in sqls), sqls  # the domain's CHECK on its column
    (unread,) = [c for c in checks.values() if "my_function" in c.expressions[0].lower()]
    assert "neither DuckDB nor the engine evaluates it" in unread.description
    assert "check_label_capitalised" in checks


def test_check_constraints_pass_on_good_rows_and_name_the_failing_ones(tmp_path):
    table = _checked_table()
    good = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "quantity": [1, None, 365],
            "label": ["Red", None, "Blue"],
            "stock": [1, 2, 3],
        }  # fmt: skip
    )
    files = chunks(tmp_path / "good", "item", good)
    results = {r.name: r for r in run_checks(table, files, {"00000": 3}, {})}
    checks = [r for r in results.values() if r.kind == "check"]
    unread = [r for r in checks if "my_function" in r.description.lower()]
    assert len(checks) == 4 and len(unread) == 1, [r.description for r in checks]
    assert all(r.passed for r in checks if r not in unread)
    assert not unread[0].passed and unread[0].severity == "WARN"
    assert "not verified" in unread[0].description

    bad = good.with_columns(
        pl.Series("quantity", [0, 400, 5]), pl.Series("label", ["Red", "blue", None])
    )
    files = chunks(tmp_path / "bad", "item", bad.head(2), bad.tail(1))
    results = {r.name: r for r in run_checks(table, files, {"00000": 2, "00001": 1}, {})}
    (quantity,) = [r for r in results.values() if r.kind == "check" and "quantity" in r.name]
    assert not quantity.passed and quantity.severity == "ERROR"
    assert quantity.counts == {"rows": 3, "failing_rows": 2}
    assert "violated on 2 row(s)" in quantity.description and "(DuckDB)" in quantity.description
    assert quantity.samples[0].startswith("id=1, quantity=0")
    label = results["check_label_capitalised"]
    assert not label.passed and label.counts["failing_rows"] == 1
    assert "the engine's evaluation" in label.description
    assert label.samples == ("id=2, label='blue'",)


def test_check_connections_are_memory_bounded_and_spill_outside_the_project(tmp_path):
    """Checks group and join whole tables: their connection is bounded (DuckDB spills beyond
    the limit instead of growing with the table), spills under the system's temporary folder
    and prints no progress bar; a check on a table written over several chunks still holds."""
    import tempfile

    from datagen_assets.check.duckdb_sql import MEMORY_LIMIT, open_connection

    con = open_connection()
    settings = dict(
        con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('memory_limit', 'temp_directory', 'enable_progress_bar')"
        ).fetchall()
    )
    value, unit = settings["memory_limit"].split()  # "244.1 MiB" for MEMORY_LIMIT = 256MB
    assert unit == "MiB" and float(value) * 2**20 <= int(MEMORY_LIMIT.removesuffix("MB")) * 1e6
    assert settings["temp_directory"].startswith(tempfile.gettempdir())
    assert settings["enable_progress_bar"] == "false"
    files = {}
    for i in range(3):
        path = tmp_path / f"{i:05d}.parquet"
        pl.DataFrame({"id": range(i * 1000, (i + 1) * 1000)}).write_parquet(path)
        files[f"{i:05d}"] = str(path)
    result = check_primary_key(TableFiles("t", files), ("id",), con=con)
    assert result.passed and result.counts["rows"] == 3000
    con.close()


def test_a_check_out_of_its_bounded_memory_is_retried_with_more(tmp_path, monkeypatch):
    """A PRIMARY KEY over 100M rows ran DuckDB out of 128MB even spilling (shop S=100): the
    check is run again with the connection's limit doubled, not reported as failed; at the
    cap (half the machine's memory) the error is the check's result."""
    from datagen_assets.check import constraints
    from datagen_assets.check.duckdb_sql import memory_limit_bytes, open_connection

    files = chunks(tmp_path, "t", pl.DataFrame({"id": [1, 2, 3]}))
    table = Table("t", (Column("id", INT, nullable=False),), primary_key=("id",))
    real = constraints.check_primary_key
    calls = []

    def runs_out_once(*args, **kwargs):
        calls.append(memory_limit_bytes(kwargs["con"]))
        if len(calls) == 1:
            raise duckdb.OutOfMemoryException("failed to allocate data of size 64.0 MiB")
        return real(*args, **kwargs)

    monkeypatch.setattr(constraints, "check_primary_key", runs_out_once)
    con = open_connection()
    (result,) = constraints.run_checks(table, files, {}, {}, only={"primary_key"}, con=con)
    assert result.passed, result.description
    assert calls[1] == 2 * calls[0]

    def always_out(*args, **kwargs):
        raise duckdb.OutOfMemoryException("failed to allocate data of size 64.0 MiB")

    monkeypatch.setattr(constraints, "check_primary_key", always_out)
    (result,) = constraints.run_checks(table, files, {}, {}, only={"primary_key"}, con=con)
    assert not result.passed
    assert "could not run the check: failed to allocate" in result.description
    con.close()

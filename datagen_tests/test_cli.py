"""The `datagen` command as a user runs it: one front door, one error style, no tracebacks,
a broken dataset reported beside working ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import psycopg
import pytest

from datagen_assets import cli
from datagen_assets.write.preview import render
from datagen_tests.conftest import make_project

DATAGEN = str(Path(sys.executable).with_name("datagen"))
DDL = """
CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(80) NOT NULL UNIQUE);
CREATE TABLE orders (
    id INT PRIMARY KEY,
    customer_id INT NOT NULL REFERENCES customers (id),
    total NUMERIC(8, 2) NOT NULL CHECK (total >= 0)
);
"""
COMMANDS = list(cli.COMMANDS)


@pytest.fixture
def project(tmp_path, monkeypatch):
    schemas = make_project(tmp_path, monkeypatch, DDL, "rows: 20\nseed: 7\n", name="shop")
    monkeypatch.chdir(tmp_path)
    return schemas


def run(*args: str, shell: str | None = None) -> subprocess.CompletedProcess:
    command = shell if shell is not None else [DATAGEN, *args]
    return subprocess.run(
        command, shell=shell is not None, capture_output=True, text=True, timeout=120
    )


def test_every_command_has_help_and_one_error_style(project, capsys):
    for name in COMMANDS:
        assert cli.main([name, "--help"]) == 0, name
        assert f"usage: datagen {name}" in capsys.readouterr().out
    assert set(COMMANDS) >= {
        "export", "load", "preview", "explain", "annotate", "introspect", "new", "validate",
        "plan", "materialize",
    }  # fmt: skip
    # the same thing has the same name: a dataset is DATASET, tables are --table
    for name in ("plan", "export", "load", "preview", "explain"):
        usage = cli.main([name, "--help"]) or capsys.readouterr().out
        assert "DATASET" in usage, name
        if name != "plan":
            assert "--table" in usage, name
    assert cli.main(["plan", "shpo"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("datagen plan: error: no dataset 'shpo'") and "'shop'" in err
    assert cli.main(["preview", "shop", "--table", "ordrs"]) == cli.EXIT_USAGE
    assert "did you mean 'orders'" in capsys.readouterr().err
    assert cli.main(["new", "ecomerce"]) == cli.EXIT_USAGE
    assert "did you mean 'ecommerce'" in capsys.readouterr().err
    assert cli.main(["load", "shop"]) == cli.EXIT_USAGE  # no --target, no variable
    assert "no target" in capsys.readouterr().err
    assert cli.main(["preview", "shop", "--table", "orders"]) == cli.EXIT_FAILED
    assert "materialize it first" in capsys.readouterr().err
    # columns are chosen as tables are: --column, repeatable or comma-separated, everywhere
    for name in ("preview", "explain"):
        cli.main([name, "--help"])
        assert "--column COLUMN" in capsys.readouterr().out, name
    assert cli.main(["explain", "shop", "--table", "orders", "--column", "id,totl"]) == 2
    err = capsys.readouterr().err
    assert "no column 'totl' in orders (did you mean 'total'?)" in err
    assert cli.main(["explain", "shop", "--table", "orders", "--columns", "total"]) == 0
    out = capsys.readouterr().out
    assert "  total (" in out and "  id (" not in out


def test_real_command_ends_cleanly_on_a_closed_pipe_and_never_prints_tracebacks(project):
    piped = run(shell=f"{DATAGEN} plan shop | head -1")
    assert piped.stdout.startswith("dataset shop:")
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr, piped.stderr
    # the reader goes away after one line: datagen stops as a Unix tool killed by SIGPIPE
    reader = subprocess.Popen(
        [DATAGEN, "plan", "shop"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert reader.stdout.readline().startswith(b"dataset shop:")
    reader.stdout.close()
    _, err = reader.communicate(timeout=120)
    assert reader.returncode == cli.EXIT_BROKEN_PIPE and b"Traceback" not in err, err
    bad = run("export", "shop", "--format", "nope")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr and "Traceback" not in bad.stderr
    (project / "shop.yaml").write_text("rows: -3\n")
    invalid = run("plan", "shop")
    assert invalid.returncode == 1 and "Traceback" not in invalid.stderr
    assert invalid.stderr.startswith("datagen plan: error: invalid dataset")


def test_an_invalid_dataset_is_reported_and_the_others_still_run(project, capsys, tmp_path):
    (project / "broken.sql").write_text("CREATE TABLE t (id INT PRIMARY KEY);")
    (project / "broken.yaml").write_text("tables: {nope: {rows: 3}}\n")
    assert cli.main(["validate"]) == cli.EXIT_FAILED
    captured = capsys.readouterr()
    assert "shop: 2 tables" in captured.out
    assert "broken: INVALID" in captured.err and "nope" in captured.err
    assert cli.main(["plan", "shop"]) == 0  # the broken neighbour does not matter
    capsys.readouterr()
    assert cli.main(["export", "shop", "--format", "csv", "--out", str(tmp_path / "x")]) == 0
    assert (tmp_path / "x" / "orders.csv").exists()
    capsys.readouterr()
    assert cli.main(["materialize"]) == cli.EXIT_FAILED  # the valid dataset is materialised
    captured = capsys.readouterr()
    assert "shop/orders: 20 rows" in captured.out and "1 invalid dataset(s) not run" in captured.out
    assert "broken: INVALID" in captured.err
    assert cli.main(["preview", "shop", "--table", "orders", "-n", "2", "--vertical"]) == 0
    shown = capsys.readouterr().out
    assert "-[ RECORD 1 ]" in shown and "customer_id | " in shown


def test_preview_shows_wide_tables_vertically_and_selects_columns():
    frame = pl.DataFrame({f"column_{i}": [f"value {i} of a wide row"] * 2 for i in range(12)})
    grid = render(frame, width=1000)
    assert "column_11" in grid and "RECORD" not in grid
    vertical = render(frame, width=80)  # too wide for 80 characters: one block per record
    lines = vertical.splitlines()
    assert lines[0].startswith("-[ RECORD 1 ]") and lines[1] == "column_0  | value 0 of a wide row"
    assert sum(line.startswith("-[ RECORD") for line in lines) == 2
    picked = render(frame, columns=["column_3", "column_7"], width=80)
    assert "column_3" in picked and "column_4" not in picked and "RECORD" not in picked
    with pytest.raises(ValueError, match="did you mean 'column_3'"):
        render(frame, columns=["colum_3"])
    assert "RECORD" not in render(frame, vertical=False, width=10)


def test_dev_starts_the_ui_on_the_cli_instance_without_the_folder_warning(project, tmp_path):
    """`datagen dev` in a folder holding a dagster.yaml (the repo root) seeds ./.dagster as
    materialize does and serves the datasets from relative paths, and Dagster does not warn
    that the folder's dagster.yaml will not be used (`dagster dev` there did)."""
    import json
    import os
    import socket
    import time
    import urllib.request

    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(DATAGEN_SCHEMAS_DIR="schemas", DATAGEN_STORAGE_URL="./data")
    log = tmp_path / "dev.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [DATAGEN, "dev", "--port", str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        query = b'{"query": "{ assetNodes { assetKey { path } } }"}'
        deadline = time.monotonic() + 240
        keys: list = []
        while time.monotonic() < deadline and not keys and server.poll() is None:
            time.sleep(2)
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/graphql",
                    data=query,
                    headers={"Content-Type": "application/json"},
                )
                with urllib.request.urlopen(request, timeout=10) as response:
                    body = json.loads(response.read())
                keys = ["/".join(n["assetKey"]["path"]) for n in body["data"]["assetNodes"]]
            except (OSError, KeyError, TypeError, ValueError):
                continue
        text = log.read_text()
        assert "shop/orders" in keys, text[-3000:]
        assert "will not be used" not in text
        assert (tmp_path / ".dagster" / "dagster.yaml").exists()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)


LOCATED_DDL = """CREATE TABLE codes (
    id INT PRIMARY KEY,
    code CHAR(1) NOT NULL,
    flag BOOLEAN NOT NULL,
    n INT NOT NULL CHECK (n > 10 AND n < 5),
    CONSTRAINT one UNIQUE (code)
);
CREATE UNIQUE INDEX flag_once ON codes (flag);
"""


def test_constraint_problems_point_at_the_sql_and_config_ones_at_the_yaml(tmp_path, monkeypatch):
    """A CHECK no row can satisfy and a UNIQUE too small for the rows asked are reported at
    the SQL file:line:column declaring them (naming the YAML line the row count came from);
    a mistyped key, table, column, generator or parameter at its YAML line:column with the
    name it was probably meant to be."""
    config = "tables:\n  codes:\n    rows: 100\n"
    schemas = make_project(tmp_path, monkeypatch, LOCATED_DDL, config, name="cap")
    sql, yaml_file = schemas / "cap.sql", schemas / "cap.yaml"
    done = run("validate", "--schemas-dir", str(schemas))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    out = done.stdout + done.stderr
    assert f"{sql}:5:20 codes.n: CHECK ranges contradict each other" in out
    assert f"{sql}:6:20 codes.code: UNIQUE (code) can hold only 36 distinct values" in out
    assert f"{sql}:8:1 codes.flag: UNIQUE (flag) can hold only 2 distinct values" in out
    assert f"(rows: {yaml_file}:3:11)" in out
    yaml_file.write_text(
        "rwos: 5\ntables:\n  codez: {rows: 3}\n  codes:\n    colums: {}\n    columns:\n"
        "      cod: {generator: choice, values: [a]}\n      flag: {generator: integr}\n"
    )
    done = run("validate", "--schemas-dir", str(schemas))
    out = done.stdout + done.stderr
    for expected in (
        f"{yaml_file}:1:1: unknown key 'rwos' (did you mean 'rows'?)",
        f"{yaml_file}:3:3 codez: no such table in {sql} (did you mean 'codes'?)",
        f"{yaml_file}:5:5 codes: unknown key 'colums' (did you mean 'columns'?)",
        f"{yaml_file}:7:7 codes.cod: no such column (did you mean 'code'?)",
        f"{yaml_file}:8:25 codes.flag: unknown generator 'integr' (did you mean 'uniform_int'",
    ):
        assert expected in out, (expected, out)
    # parameters are checked once the names are right (the generators are built then)
    yaml_file.write_text(
        "tables:\n  codes:\n    columns:\n      id: {generator: uniform_int, mni: 3}\n"
    )
    done = run("validate", "--schemas-dir", str(schemas))
    assert (
        f"{yaml_file}:4:7 codes.id: generator 'uniform_int' has no parameter(s) mni (did you "
        "mean 'min'?)"
    ) in done.stdout + done.stderr
    yaml_file.write_text(
        "exports:\n  - {format: sql, dialect: mysl}\n  - {format: csv, compresion: gzip}\n"
        "  - {profile: fixture}\n"
    )
    done = run("validate", "--schemas-dir", str(schemas))
    for expected in (
        f"{yaml_file}:2:28: exports entry 1: unknown dialect 'mysl' (did you mean 'mysql'?)",
        f"{yaml_file}:3:19: exports entry 2: unknown key 'compresion' (did you mean "
        "'compression'?)",
        f"{yaml_file}:4:15: exports entry 3: unknown profile 'fixture' (did you mean 'fixtures'?)",
    ):
        assert expected in done.stdout + done.stderr, (expected, done.stdout + done.stderr)


def test_postgres_load_reads_what_was_materialised_and_a_rerun_is_harmless(
    project, tmp_path, fresh_database
):
    """As the README says: `datagen load` reads the materialised Parquet (and says so),
    create_if_missing run twice skips the rows already there, --from-storage over missing
    chunks is an error naming --from-engine; a smaller run leaves only its own chunks."""
    url = fresh_database("cli_load")
    assert run("materialize", "shop").returncode == 0
    first = run("load", "shop", "--target", url)
    assert first.returncode == 0, first.stderr
    assert f"rows from the materialised Parquet in {tmp_path / 'data'}" in first.stdout
    again = run("load", "shop", "--target", url)
    assert again.returncode == 0, again.stderr
    assert "40 row(s) already in the target were skipped (create_if_missing)" in again.stdout
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT count(*) FROM orders").fetchone() == (20,)
    (project / "shop.yaml").write_text("rows: 20\nseed: 7\nchunk_rows: 8\n")
    assert run("materialize", "shop").returncode == 0
    (project / "shop.yaml").write_text("rows: 5\nseed: 7\nchunk_rows: 8\n")
    assert run("materialize", "shop").returncode == 0
    assert sorted(p.name for p in (tmp_path / "data" / "shop" / "orders").iterdir()) == [
        "00000.parquet"
    ]  # the three chunks of the bigger run are gone
    (project / "shop.yaml").write_text("rows: 20\nseed: 7\nchunk_rows: 8\n")
    missing = run("load", "shop", "--target", url, "--from-storage")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "missing in" in missing.stderr and "--from-engine" in missing.stderr

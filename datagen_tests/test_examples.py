"""The README's examples command: every dataset in schemas/examples (JSON Schema, sdgen,
datagen-cli) materialises through Dagster with every check green."""

from __future__ import annotations

from datagen_assets import cli
from datagen_tests.conftest import REPO, shared_schemas


def test_examples_materialise_with_all_checks_green(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(REPO / "schemas" / "examples"))
    monkeypatch.setenv("DATAGEN_STORAGE_URL", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert cli.main(["materialize"]) == 0
    output = capsys.readouterr().out
    assert "0 failed" in output
    for dataset in ("events", "inventory", "orders"):
        assert (tmp_path / "data" / dataset).is_dir()


def test_other_dialects_materialise_with_all_checks_green(tmp_path, monkeypatch, capsys):
    """T-SQL and MySQL reference schemas: CamelCase names (`BillingCity`) are classified like
    snake_case ones, and keys are checked case-insensitively as those databases compare."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for file_name in ("chinook.tsql.sql", "employees.mysql.sql"):
        (schemas / file_name).write_text((shared_schemas() / file_name).read_text())
        (schemas / f"{file_name.split('.')[0]}.yaml").write_text("rows: 300\n")
    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(schemas))
    monkeypatch.setenv("DATAGEN_STORAGE_URL", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert cli.main(["materialize"]) == 0
    output = capsys.readouterr().out
    assert "0 failed" in output
    assert "PRIMARY KEY (lower(rtrim(CAST(dept_no AS VARCHAR))))" in output  # MySQL collation
    assert "chinook/dbo.Invoice" in output and "employees/employees" in output

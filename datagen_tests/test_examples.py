"""The README's examples command: every dataset in schemas/examples (JSON Schema, sdgen,
datagen-cli) materialises through Dagster with every check green."""

from __future__ import annotations

from datagen_assets import cli
from datagen_tests.conftest import REPO


def test_examples_materialise_with_all_checks_green(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(REPO / "schemas" / "examples"))
    monkeypatch.setenv("DATAGEN_STORAGE_URL", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    assert cli.main(["materialize"]) == 0
    output = capsys.readouterr().out
    assert "0 failed" in output
    for dataset in ("events", "inventory", "orders"):
        assert (tmp_path / "data" / dataset).is_dir()

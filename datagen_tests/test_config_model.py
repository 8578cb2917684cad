"""The dataset YAML as one typed model: every problem at file:line:column with a suggestion,
a published JSON Schema that the YAML files DataGen ships validate against."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from datagen_assets import cli
from datagen_assets.config_model import config_json_schema, config_json_schema_text
from datagen_assets.dataset import load_dataset
from datagen_assets.published_schemas import KINDS
from datagen_assets.schema.model import SchemaError
from datagen_assets.templates import list_templates, template_text

REPO = Path(__file__).resolve().parents[1]
DDL = """CREATE TABLE customers (id INT PRIMARY KEY, email VARCHAR(80) NOT NULL, city TEXT);
CREATE TABLE orders (
    id INT PRIMARY KEY,
    customer_id INT NOT NULL REFERENCES customers (id)
);
"""


def problems_of(tmp_path: Path, config: str) -> list[str]:
    (tmp_path / "shop.sql").write_text(DDL)
    (tmp_path / "shop.yaml").write_text(config)
    with pytest.raises(SchemaError) as raised:
        load_dataset(tmp_path / "shop.sql", tmp_path / "shop.yaml")
    prefix = f"{tmp_path / 'shop.yaml'}:"
    text = [str(p) for p in raised.value.problems]
    assert all(t.startswith(prefix) for t in text), text
    return [t[len(prefix) :] for t in text]


def test_every_problem_has_line_column_and_a_suggestion(tmp_path):
    found = problems_of(
        tmp_path,
        "rows: 20\n"  # 1
        "sed: 3\n"  # 2
        "null_fraction: 1.5\n"  # 3
        "pii_mode: maskd\n"  # 4
        "tables:\n"  # 5
        "  customer: {rows: 5}\n"  # 6
        "  orders:\n"  # 7
        "    rwos: 3\n"  # 8
        "    columns:\n"  # 9
        "      customr_id: {null_fraction: 0.1}\n"  # 10
        "  customers:\n"  # 11
        "    columns:\n"  # 12
        "      email: emial\n"  # 13
        "exports: [csv, {format: cvs}]\n",  # 14
    )
    assert found == [
        "2:1: unknown key 'sed' (did you mean 'seed'?) (allowed: chunk_rows, description, "
        "dialect, edge_case_pct, exports, locale, null_fraction, pii_key_env, pii_mode, rows, "
        "scale, schedule, schema, seed, snapshot, tables, targets)",
        "3:16: null_fraction must be <= 1.0, got 1.5",
        "4:11: pii_mode must be one of synthetic, masked, redacted, hashed, encrypted, got 'maskd' "
        "(did you mean 'masked'?)",
        f"6:3 customer: no such table in {tmp_path / 'shop.sql'} (did you mean 'customers'?)",
        "8:5 orders: unknown key 'rwos' (did you mean 'rows'?) (allowed: columns, locale, rows)",
        "10:7 orders.customr_id: no such column (did you mean 'customer_id'?)",
        "13:14 customers.email: unknown generator 'emial' (did you mean 'email'?) "
        "(see docs/generators.md)",
        "14:25: exports entry 2: unknown format 'cvs' (did you mean 'csv'?) (formats: csv, "
        "json, jsonl, parquet, xlsx, sql, pgdump; profiles: fixtures, loadtest)",
    ]


def test_a_mapping_column_entry_reports_only_its_own_problem(tmp_path):
    # `city` may be a generator name or a mapping: a bad mapping must not also read as
    # "must be text" (the other branch of the union)
    found = problems_of(
        tmp_path, "tables:\n  customers:\n    columns:\n      city: {null_fraction: x}\n"
    )
    assert found == ["4:29 customers.city: null_fraction must be a number, got 'x'"]


def test_yaml_syntax_error_is_located(tmp_path):
    assert problems_of(tmp_path, "rows: 3\ntables: [\n")[0].startswith("3:1: invalid YAML")


def test_valid_config_reads_into_model_and_runtime_config(tmp_path):
    (tmp_path / "shop.sql").write_text(DDL)
    (tmp_path / "shop.yaml").write_text(
        "seed: 5\ntables:\n  orders: {rows: 7}\n  customers:\n    columns:\n"
        "      email: {generator: email, null_fraction: 0.2}\n"
        "exports: [csv]\ntargets: [postgres]\nschedule: {cron: '0 3 * * *'}\n"
    )
    dataset = load_dataset(tmp_path / "shop.sql", tmp_path / "shop.yaml")
    assert dataset.config.seed == 5 and dataset.config.rows_for("orders") == 7
    assert dataset.config.tables["customers"].columns["email"].null_fraction == 0.2
    assert dataset.document.raw_exports() == ["csv"] and dataset.document.targets == ["postgres"]
    assert dataset.document.schedule.cron == "0 3 * * *"
    assert dataset.locations.of_key("tables", "orders") == (3, 3)


def test_committed_json_schema_is_the_model_and_every_shipped_yaml_validates(capsys):
    committed = (REPO / "docs" / "dataset.schema.json").read_text()
    assert committed == config_json_schema_text(), (
        "run: datagen config-schema --out docs/dataset.schema.json"
    )
    for kind in KINDS:  # the annotations and profile files are published the same way
        assert cli.main(["config-schema", kind]) == 0
        text = capsys.readouterr().out
        assert (REPO / "docs" / f"{kind}.schema.json").read_text() == text, (
            f"run: datagen config-schema {kind} --out docs/{kind}.schema.json"
        )
        jsonschema.Draft202012Validator.check_schema(json.loads(text))
    assert cli.main(["config-schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    shipped = [yaml.safe_load(template_text(name, ".yaml")) for name in list_templates()]
    shipped.append(yaml.safe_load((REPO / "schemas" / "shop.yaml").read_text()))
    for document in shipped:
        assert not list(validator.iter_errors(document))
    wrong = {"rows": -1, "tables": {"t": {"rwos": 1}}, "exports": ["cvs"]}
    messages = " ".join(e.message for e in validator.iter_errors(wrong))
    assert "-1" in messages and "rwos" in messages
    assert (
        "csv"
        in config_json_schema()["$defs"]["ExportModel"]["properties"]["format"]["anyOf"][0]["enum"]
    )


def test_shipped_yaml_files_carry_the_editor_modeline():
    first = (REPO / "schemas" / "shop.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../docs/dataset.schema.json"
    assert (REPO / "schemas" / first.split("=", 1)[1]).resolve().is_file()


def test_engine_problems_point_at_the_config_entry_with_a_suggestion(tmp_path, monkeypatch, capsys):
    # the engine knows table and column, the model knows where their entry is written
    (tmp_path / "shop.sql").write_text(DDL)
    (tmp_path / "shop.yaml").write_text(
        "rows: 5\ntables:\n  customers:\n    columns:\n"
        "      email: {generator: email, domain: [a.com]}\n"
    )
    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(tmp_path))
    assert cli.main(["validate"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert f"{tmp_path / 'shop.yaml'}:5:7 customers.email: generator 'email' has no" in err
    assert "did you mean 'domains'" in err

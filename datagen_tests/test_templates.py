"""Templates shipped with the package: each is a realistic PostgreSQL schema whose dataset plans,
passes pre-flight and loads into the real PostgreSQL with every constraint on; `write_template`
copies one into a schemas folder without clobbering anything."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.resources import files

import psycopg
import pytest
import yaml

from datagen_assets.dataset import discover_datasets, load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.schema.model import TypeKind
from datagen_assets.settings import Settings
from datagen_assets.templates import list_templates, template_text, write_template
from datagen_assets.write.postgres import copy_frame, qualified_name

TEMPLATES = ["ecommerce", "finance", "healthcare", "saas"]
SHOWCASE = ("fk", "lookup", "offset", "choice")  # generators every template demonstrates


def _template_files(tmp_path, name):
    return write_template(name, tmp_path / "schemas")


def test_templates_are_listed_and_shipped_as_package_data():
    assert list_templates() == TEMPLATES
    folder = files("datagen_assets.templates")
    for name in TEMPLATES:
        assert (
            folder.joinpath(f"{name}.sql").is_file() and folder.joinpath(f"{name}.yaml").is_file()
        )
        assert template_text(name, ".sql").startswith(f"-- {name}:")


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_schema_is_realistic(tmp_path, name):
    sql, config = _template_files(tmp_path, name)
    dataset = load_dataset(sql, config)
    tables = dataset.schema.tables.values()
    assert 6 <= len(tables) <= 10
    assert all(t.primary_key for t in tables)
    assert sum(len(t.foreign_keys) for t in tables) >= len(tables) - 1
    assert any(t.uniques for t in tables)
    assert any(t.checks or any(c.domain_checks for c in t.columns) for t in tables)
    assert any(c.type.kind == TypeKind.ENUM for t in tables for c in t.columns)
    used = {c.generator for t in dataset.config.tables.values() for c in t.columns.values()}
    assert set(SHOWCASE) <= used, set(SHOWCASE) - used
    assert "sum_of_children" in used
    raw = yaml.safe_load(config.read_text())
    weighted = [
        c
        for t in raw["tables"].values()
        for c in (t.get("columns") or {}).values()
        if isinstance(c, dict) and c.get("generator") == "choice" and "weights" in c
    ]
    assert weighted and all(t.get("rows") or t.get("columns") for t in raw["tables"].values())


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_plans_passes_preflight_and_loads_into_postgres(tmp_path, name, fresh_database):
    sql, config = _template_files(tmp_path, name)
    plan = plan_dataset(load_dataset(sql, config, Settings(scale=0.5)))
    report = preflight(plan)
    assert report.problems == []
    assert sum(e.rows for e in report.estimates.values()) > 1000
    psql = shutil.which("psql")
    if psql is None:
        pytest.fail("psql is required to apply the template's DDL")
    url = fresh_database(f"template_{name}")
    subprocess.run(
        [psql, url, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(sql)],
        check=True,
        capture_output=True,
        text=True,
    )
    with psycopg.connect(url) as connection:
        for key, table_plan in plan.tables.items():  # parents first: FKs checked row by row
            frame = generate(plan, key, 0, table_plan.rows)
            copy_frame(connection, table_plan.table, frame)
        connection.commit()
        for table_plan in plan.tables.values():
            count = connection.execute(
                psycopg.sql.SQL("SELECT count(*) FROM {}").format(qualified_name(table_plan.table))
            ).fetchone()[0]
            assert count == table_plan.rows > 0, table_plan.key


def test_sums_and_lookups_hold_in_the_database(tmp_path, fresh_database):
    """The cross-table rules the ecommerce template declares are true of the loaded data."""
    sql, config = _template_files(tmp_path, "ecommerce")
    plan = plan_dataset(load_dataset(sql, config, Settings(scale=0.1)))
    url = fresh_database("template_rules")
    subprocess.run(
        ["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(sql)],
        check=True,
        capture_output=True,
        text=True,
    )
    with psycopg.connect(url) as connection:
        for key, table_plan in plan.tables.items():
            copy_frame(connection, table_plan.table, generate(plan, key, 0, table_plan.rows))
        connection.commit()
        wrong_totals = connection.execute(
            "SELECT count(*) FROM orders o JOIN (SELECT order_id, sum(quantity * unit_price) s "
            "FROM order_items GROUP BY order_id) i ON i.order_id = o.id "
            "WHERE abs(o.total - i.s) > 0.01"
        ).fetchone()[0]
        wrong_prices = connection.execute(
            "SELECT count(*) FROM order_items i JOIN products p ON p.id = i.product_id "
            "WHERE i.unit_price <> p.price"
        ).fetchone()[0]
        early_orders = connection.execute(
            "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
            "WHERE o.ordered_at < c.created_at"
        ).fetchone()[0]
    assert (wrong_totals, wrong_prices, early_orders) == (0, 0, 0)


def test_write_template_names_the_dataset_and_refuses_to_clobber(tmp_path):
    folder = tmp_path / "schemas"
    written = write_template("saas", folder, dataset_name="acme")
    assert written == [folder / "acme.sql", folder / "acme.yaml"]
    assert written[0].read_text() == template_text("saas", ".sql")
    [dataset] = discover_datasets(Settings(schemas_dir=folder))
    assert dataset.name == "acme" and dataset.config_path == folder / "acme.yaml"
    written[1].write_text("seed: 1\n")
    with pytest.raises(FileExistsError, match="acme.sql, .*acme.yaml already exist"):
        write_template("saas", folder, dataset_name="acme")
    assert written[1].read_text() == "seed: 1\n"  # nothing was written
    assert write_template("saas", folder, "acme", force=True) == written
    modeline = "# yaml-language-server: $schema=.datagen/dataset.schema.json\n"
    assert written[1].read_text() == modeline + template_text("saas", ".yaml")
    schema = json.loads((folder / ".datagen" / "dataset.schema.json").read_text())
    assert schema["title"] == "DataGen dataset config"  # what the modeline points editors at
    (folder / "shop.json").write_text("{}")
    with pytest.raises(FileExistsError, match="shop.json"):
        write_template("ecommerce", folder, "shop", force=True)  # would make two `shop`s
    assert not (folder / "shop.sql").exists()
    with pytest.raises(ValueError, match="unknown template 'crm'.*ecommerce, finance"):
        write_template("crm", folder)
    with pytest.raises(ValueError, match="dataset name '9lives'"):
        write_template("saas", folder, "9lives")


def test_datagen_new_writes_a_valid_dataset(tmp_path, monkeypatch, capsys):
    from datagen_assets import cli

    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(tmp_path))
    assert cli.main(["new", "finance", "--name", "bank"]) == 0
    assert cli.main(["new", "finance", "--name", "bank"]) == 2  # never overwrites silently
    assert "exist" in capsys.readouterr().err
    assert cli.main(["validate"]) == 0
    assert cli.main(["new", "nope"]) == 2

"""The quality report (`check/quality.py`, `orchestrate/quality.py`): statistics computed with
DuckDB over the written chunks, compared with polars over the same files; charts as PNGs; the
Dagster asset's metadata and the files it writes; personal columns without values."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from upath import UPath

from datagen_assets.check import quality
from datagen_assets.check.constraints import TableFiles
from datagen_assets.check.quality import (
    BAR,
    HISTOGRAM,
    publish_report,
    render_charts,
    report_markdown,
)
from datagen_assets.generate.engine import generate
from datagen_assets.orchestrate.factory import definitions_for_plans, load_plans
from datagen_assets.orchestrate.quality import (
    REPORT_PARTITION,
    dataset_report,
    quality_asset_key,
)
from datagen_assets.orchestrate.translator import DatasetTranslator
from datagen_assets.schema.model import Column, ColumnType, Table, TypeKind
from datagen_assets.settings import Settings
from datagen_assets.write.storage import chunk_path, write_parquet_atomic
from datagen_tests.conftest import make_project

DDL = """
CREATE TABLE customers (
    id           INTEGER     PRIMARY KEY,
    email        VARCHAR(80) NOT NULL,
    tier         VARCHAR(10) NOT NULL CHECK (tier IN ('gold', 'silver', 'bronze')),
    country_code CHAR(2)     NOT NULL,
    signed_up    DATE        NOT NULL
);
CREATE TABLE orders (
    id          INTEGER        PRIMARY KEY,
    customer_id INTEGER        NOT NULL REFERENCES customers (id),
    total       NUMERIC(10, 2) NOT NULL CHECK (total BETWEEN 5 AND 500),
    quantity    INTEGER        NOT NULL CHECK (quantity >= 1 AND quantity <= 9),
    coupon      VARCHAR(12),
    placed_at   TIMESTAMP      NOT NULL
);
"""
COUNTRIES = ["QX", "ZJ", "VW"]  # codes no other text of the report can contain
CONFIG = f"""
seed: 7
rows: 120
chunk_rows: 50
tables:
  customers:
    columns:
      country_code: {{generator: choice, values: [{", ".join(COUNTRIES)}]}}
  orders:
    rows: 300
    columns:
      coupon: {{null_fraction: 0.4}}
"""
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URI = re.compile(r"!\[([^\]]*)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The `tiny` dataset with every chunk written by the engine (the bytes the table assets
    write) under a temporary storage folder."""
    make_project(tmp_path, monkeypatch, DDL, CONFIG)
    settings = Settings.from_env()
    (plan,) = load_plans(settings)
    for table_plan in plan.tables.values():
        for key in table_plan.partition_keys:
            start, stop = table_plan.chunk_bounds(key)
            path = chunk_path(settings.storage_url, plan.name, table_plan.key, key)
            write_parquet_atomic(generate(plan, table_plan.key, start, stop), path)
    return settings, plan


def _written(settings: Settings, table: str) -> pl.DataFrame:
    return pl.read_parquet(Path(settings.storage_url, "tiny", table, "*.parquet"))


def test_statistics_match_the_written_chunks(project):
    settings, plan = project
    report = dataset_report(plan, settings, DatasetTranslator())
    assert report.totals == {
        "tables": 2, "tables_planned": 2, "rows": 420, "columns": 11, "charts": 5,
    }  # fmt: skip
    stats = {(t.table_key, c.name): c for t in report.tables for c in t.columns}
    for table in ("customers", "orders"):
        frame = _written(settings, table)
        for name in frame.columns:
            column = stats[(table, name)]
            assert column.rows == frame.height
            assert column.nulls == frame[name].null_count(), name
            assert column.distinct == frame[name].drop_nulls().n_unique(), name
            assert not column.distinct_approximate

    assert stats[("orders", "id")].distinct == 300 and stats[("orders", "id")].key
    assert (stats[("orders", "id")].minimum, stats[("orders", "id")].maximum) == (1, 300)

    orders = _written(settings, "orders")
    total = stats[("orders", "total")]
    assert total.minimum == pytest.approx(float(orders["total"].min()))
    assert total.maximum == pytest.approx(float(orders["total"].max()))
    assert total.mean == pytest.approx(orders["total"].cast(pl.Float64).mean())
    assert 5 <= total.minimum < total.maximum <= 500  # CHECK (total BETWEEN 5 AND 500)
    assert total.chart == HISTOGRAM and sum(n for *_, n in total.histogram) == 300
    quantity = stats[("orders", "quantity")]
    assert 1 <= quantity.minimum < quantity.maximum <= 9
    assert quantity.chart == HISTOGRAM  # more values than bars: one bin per whole number
    assert [(low, high) for low, high, _ in quantity.histogram][0] == (
        quantity.minimum - 0.5, quantity.minimum + 0.5,
    )  # fmt: skip
    coupon = stats[("orders", "coupon")]
    assert coupon.nulls == orders["coupon"].null_count()
    assert 25 <= coupon.null_pct <= 55  # null_fraction 0.4 on 300 rows
    placed = stats[("orders", "placed_at")]
    assert placed.minimum == orders["placed_at"].min().isoformat()
    assert placed.chart == HISTOGRAM and sum(n for *_, n in placed.histogram) == 300

    customers = _written(settings, "customers")
    tier = stats[("customers", "tier")]
    counts = customers["tier"].value_counts(sort=True)
    assert dict(tier.top) == dict(zip(counts["tier"], counts["count"], strict=True))
    assert {v for v, _ in tier.top} <= {"gold", "silver", "bronze"}
    assert [n for _, n in tier.top] == sorted((n for _, n in tier.top), reverse=True)
    assert tier.chart == BAR
    assert stats[("customers", "signed_up")].chart == HISTOGRAM
    assert not any(c.chart for c in stats.values() if c.key)


def test_personal_columns_show_no_values(project):
    settings, plan = project
    report = dataset_report(plan, settings, DatasetTranslator())
    stats = {(t.table_key, c.name): c for t in report.tables for c in t.columns}
    for name, category in (("country_code", "quasi"), ("email", "direct")):
        column = stats[("customers", name)]
        assert column.pii == category and column.withheld
        assert column.top == () and column.chart is None and column.minimum is None
        assert column.distinct > 0 and column.rows == 120  # still counted
    assert stats[("customers", "country_code")].distinct == 3
    markdown = report_markdown(report, [], image=lambda c: c.file)
    row = next(line for line in markdown.splitlines() if line.startswith("| country_code"))
    assert "withheld: personal (quasi)" in row
    text = markdown + json.dumps(quality.report_json(report, []))
    assert not any(code in text for code in COUNTRIES)
    email = _written(settings, "customers")["email"][0]
    assert email not in text


def test_quality_asset_records_charts_and_writes_the_report(project):
    settings, plan = project
    defs = definitions_for_plans([plan], settings)
    key = quality_asset_key(plan)
    assert key in {spec.key for a in defs.assets for spec in a.specs}  # wired by the factory
    dg.Definitions.validate_loadable(defs)
    assert key.path == ["tiny", "reports", "quality"]
    with dg.instance_for_test() as instance:
        job = defs.resolve_implicit_global_asset_job_def()
        result = job.execute_in_process(
            instance=instance, asset_selection=[key], partition_key=REPORT_PARTITION
        )
    assert result.success
    (event,) = result.get_asset_materialization_events()
    materialization = event.event_specific_data.materialization
    assert materialization.asset_key == key
    metadata = {name: value.value for name, value in materialization.metadata.items()}
    assert metadata["dagster/row_count"] == 420
    assert (metadata["datagen/tables"], metadata["datagen/columns"]) == (2, 11)
    assert metadata["datagen/charts"] == 5
    orders = metadata["table/orders"]
    assert "| total | NUMERIC(10, 2) | 0.0 | " in orders
    images = {title: base64.b64decode(data) for title, data in DATA_URI.findall(orders)}
    assert set(images) == {"orders.total", "orders.quantity", "orders.placed_at"}
    assert all(png.startswith(PNG_MAGIC) and len(png) > 1000 for png in images.values())
    assert len(DATA_URI.findall(metadata["table/customers"])) == 2

    folder = Path(settings.storage_url, "tiny")
    assert metadata["path"] == str(folder / "quality_report.md")
    written = json.loads((folder / "quality_report.json").read_text())
    assert written["totals"]["rows"] == 420
    files = [c["chart_file"] for t in written["tables"] for c in t["columns"] if c["chart_file"]]
    assert len(files) == 5
    assert all((folder / f).read_bytes().startswith(PNG_MAGIC) for f in files)
    markdown = (folder / "quality_report.md").read_text()
    assert set(re.findall(r"\]\((quality_report_[^)]+\.png)\)", markdown)) == set(files)
    assert not list(folder.glob(".*.tmp"))


def test_report_follows_storage(project, monkeypatch):
    """A table whose chunks are gone is reported as not materialised and its charts are
    removed; above the exact limit, distinct counts are approximate and say so."""
    settings, plan = project
    translator = DatasetTranslator()
    first = dataset_report(plan, settings, translator)
    publish_report(first, render_charts(first), settings.storage_url)
    folder = Path(settings.storage_url, "tiny")
    assert len(list(folder.glob("quality_report_orders.*.png"))) == 3

    for chunk in folder.joinpath("orders").glob("*.parquet"):
        chunk.unlink()
    monkeypatch.setattr(quality, "EXACT_DISTINCT_ROWS", 100)
    second = dataset_report(plan, settings, translator)
    charts = render_charts(second)
    publish_report(second, charts, settings.storage_url)
    assert second.totals["tables"] == 1 and second.totals["rows"] == 120
    assert not list(folder.glob("quality_report_orders.*.png"))
    assert len(list(folder.glob("quality_report_*.png"))) == 2
    markdown = (folder / "quality_report.md").read_text()
    assert "`orders`: not materialised." in markdown
    customer_id = second.tables[0].columns[0]
    assert customer_id.distinct_approximate and abs(customer_id.distinct - 120) <= 12
    assert "| id *(key)* | INTEGER | 0.0 | ≈" in markdown


def test_awkward_values_and_types(tmp_path):
    """NaN and infinities are left out of float aggregates and bins; all-NULL, list and
    binary columns are counted but not described; nothing is charted without a range."""
    frame = pl.DataFrame(
        {
            "f": [1.0, float("nan"), None, float("inf"), 3.0, -float("inf"), 2.0],
            "empty": pl.Series([None] * 7, dtype=pl.Int32),
            "tags": [[1], [2], None, [1], [], [3], [1]],
            "blob": [b"a", b"b", None, b"a", b"c", b"d", b"e"],
            "same": ["x"] * 7,
            "day": [dt.date(1000, 1, 1), dt.date(9999, 12, 31)]
            + [dt.date(2020, 1, d) for d in range(1, 6)],  # edge-case years
        }
    )
    path = tmp_path / "00000.parquet"
    write_parquet_atomic(frame, UPath(path))
    kinds = {"f": TypeKind.DOUBLE, "empty": TypeKind.INTEGER, "tags": TypeKind.INTEGER,
             "blob": TypeKind.BYTES, "same": TypeKind.TEXT, "day": TypeKind.DATE}  # fmt: skip
    table = Table("awkward", tuple(Column(n, ColumnType(k)) for n, k in kinds.items()))
    report = quality.table_quality(table, TableFiles("awkward", {"00000": str(path)}))
    stats = {c.name: c for c in report.columns}
    f = stats["f"]
    assert (f.nulls, f.distinct, f.minimum, f.maximum, f.mean) == (1, 6, 1.0, 3.0, 2.0)
    assert f.chart == HISTOGRAM and sum(n for *_, n in f.histogram) == 3
    assert stats["empty"].nulls == 7 and stats["empty"].minimum is None
    assert stats["empty"].chart is None
    assert (stats["tags"].kind, stats["tags"].distinct, stats["tags"].top) == ("other", 4, ())
    assert (stats["blob"].kind, stats["blob"].distinct, stats["blob"].chart) == ("other", 5, None)
    assert stats["same"].top == (("x", 7),) and stats["same"].chart is None  # constant
    day = stats["day"]
    assert (day.minimum, day.maximum, day.chart) == ("1000-01-01", "9999-12-31", HISTOGRAM)
    assert [n for *_, n in day.histogram][:2] == [1, 0] and day.histogram[-1][2] == 1
    for column in (f, day):
        assert quality.render_chart(f"awkward.{column.name}", column).startswith(PNG_MAGIC)

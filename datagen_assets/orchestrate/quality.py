"""Dagster asset of each dataset's quality report (the engine side is `check/quality.py`).

`build_quality_assets(plans, settings, translator)` returns one asset per dataset, keyed
`[dataset, "reports", "quality"]` (three parts, like `[dataset, "exports", <label>]`, so no
table key can clash with it), unpartitioned and downstream of every table with
`AllPartitionMapping`, as the export assets are. It reads what is in storage when it runs (only
chunks that exist; a table with none is reported as not materialised), so it can be
re-materialised at any time without regenerating anything.

Its materialisation carries what a person would rather look at than read: the totals, one
markdown table of column statistics per table with that table's charts embedded as PNG data
URIs (how Dagster's UI shows images in metadata), and the path of the report written to
storage (`<storage>/<dataset>/quality_report.md` and `.json`, and the PNGs).

It is in no dataset job and `datagen materialize` does not run it (the CLI materialises tables
and their checks); select it in the UI or with `dagster asset materialize --select
'<dataset>/reports/quality'`.

No `from __future__ import annotations` here: Dagster reads the context annotation at runtime.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    MetadataValue,
    StaticPartitionsDefinition,
    asset,
)

from datagen_assets.check.quality import (
    REPORT_NAME,
    Chart,
    DatasetQuality,
    dataset_quality,
    publish_report,
    render_charts,
    report_folder,
    table_markdown,
    totals_markdown,
)
from datagen_assets.orchestrate.outputs import table_deps
from datagen_assets.orchestrate.translator import DatasetTranslator, pii_categories, table_files
from datagen_assets.plan.plan import DatasetPlan
from datagen_assets.settings import Settings

REPORTS_KEY = "reports"
QUALITY_KEY = "quality"
# The report covers the whole dataset; it is one partition of its own so that the dataset's
# group holds two partitions definitions under an unpartitioned root (the pre-flight), which is
# what has the UI's "Materialize all" launch every chunk at once (orchestrate/factory.py).
REPORT_PARTITION = "all"


def quality_asset_key(plan: DatasetPlan) -> AssetKey:
    return AssetKey([plan.name, REPORTS_KEY, QUALITY_KEY])


def build_quality_assets(
    plans: Sequence[DatasetPlan],
    settings: Settings,
    translator: DatasetTranslator | None = None,
) -> list[AssetsDefinition]:
    """One quality-report asset per dataset."""
    translator = translator or DatasetTranslator()
    return [build_quality_asset(plan, settings, translator) for plan in plans]


def build_quality_asset(
    plan: DatasetPlan, settings: Settings, translator: DatasetTranslator
) -> AssetsDefinition:
    folder = report_folder(settings.storage_url, plan.name)

    @asset(
        key=quality_asset_key(plan),
        deps=table_deps(plan, plan.tables, translator),
        group_name=plan.name,
        kinds={"duckdb"},
        partitions_def=StaticPartitionsDefinition([REPORT_PARTITION]),
        description=(
            f"Column statistics (NULLs, distinct, min/max/mean, top values) and distribution "
            f"charts of dataset {plan.name}, from the chunks in storage; also written to "
            f"{folder}/{REPORT_NAME}.md. Personal columns show no values."
        ),
    )
    def _quality(context: AssetExecutionContext) -> MaterializeResult:
        report = dataset_report(plan, settings, translator)
        charts = render_charts(report)
        written = publish_report(report, charts, settings.storage_url)
        missing = [t.table_key for t in report.tables if not t.materialised]
        if missing:
            context.log.warning(
                f"{plan.name}: not materialised, so not in the report: {', '.join(missing)}"
            )
        context.log.info(f"{plan.name}: {totals_markdown(report)} Written to {folder}")
        return MaterializeResult(metadata=quality_metadata(report, charts, written))

    return _quality


def dataset_report(
    plan: DatasetPlan, settings: Settings, translator: DatasetTranslator
) -> DatasetQuality:
    """The report over the chunks of every table that exist now (plain Python, for tests)."""
    files = {key: table_files(plan, key, settings, translator) for key in plan.tables}
    tables = [table_plan.table for table_plan in plan.tables.values()]
    return dataset_quality(plan.name, tables, files, pii_categories(plan))


def quality_metadata(
    report: DatasetQuality, charts: Sequence[Chart], written: Mapping[str, str]
) -> dict[str, Any]:
    """Totals, then per table its statistics and charts (data URIs) as one markdown entry."""
    totals = report.totals
    metadata: dict[str, Any] = {
        "dagster/row_count": MetadataValue.int(totals["rows"]),
        "datagen/tables": MetadataValue.int(totals["tables"]),
        "datagen/columns": MetadataValue.int(totals["columns"]),
        "datagen/charts": MetadataValue.int(totals["charts"]),
        "summary": MetadataValue.md(totals_markdown(report)),
        "path": MetadataValue.path(written[f"{REPORT_NAME}.md"]),
    }
    for table in report.tables:
        metadata[f"table/{table.table_key}"] = MetadataValue.md(
            table_markdown(table, charts, image=Chart.data_uri)
        )
    return metadata

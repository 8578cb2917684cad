"""Quality report of a dataset's written Parquet: column statistics and a few charts.

A person looking at a generated dataset wants to see at a glance whether it looks right: how
many NULLs a column has, how many distinct values, its range, its most common values and the
shape of its distribution. This module computes that from the chunks in storage (what was
materialised, not a regeneration) and renders it as markdown, JSON and small PNG charts.

Plain Python on purpose (no Dagster), like `constraints.py`, whose way of reading chunk files
with an in-process DuckDB it reuses: callers pass `TableFiles`, the explicit files of the chunks
that exist. Per table it runs a handful of queries whatever the size (the columns' types, the
row count, one query of every column's aggregates, one of every column's top values, one of
every charted column's histogram), so nothing loops over rows in Python.

- Distinct counts are exact up to `EXACT_DISTINCT_ROWS` rows and DuckDB's HyperLogLog
  `approx_count_distinct` (a few % off) above; `distinct_approximate` says which.
- min/max of numeric and temporal columns, mean of numeric ones; float aggregates and
  histograms skip NaN and infinities (edge cases), which still count as values elsewhere.
- Top values (up to `TOP_VALUES`, with counts) of text and boolean columns and of any column
  with at most `CATEGORICAL_DISTINCT` distinct values; none when every value is distinct.
- Columns classified as personal data (PII category other than `none`) show counts, NULLs and
  distinct counts only: no top values, no min/max/mean, no chart. The values are synthetic,
  but the report must not become a way around `pii_mode: masked | redacted`.
- Charts, at most `MAX_CHARTS` per table, in column order: a histogram of a numeric, date or
  timestamp column with more than `TOP_VALUES` values (one bin per whole number when an
  integer has fewer than `HISTOGRAM_BINS` values), else a bar chart of the top values of a
  column with at most `CATEGORICAL_DISTINCT` values. Key columns (primary, foreign, unique,
  autoincrement), personal, constant and all-NULL columns and free text are never charted.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import math
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from upath import UPath

from datagen_assets.check.constraints import TableFiles, connect_tables
from datagen_assets.check.duckdb_sql import parquet_source, quote
from datagen_assets.schema.model import Table
from datagen_assets.write.storage import path_segment, refresh, storage_root

EXACT_DISTINCT_ROWS = 1_000_000
TOP_VALUES = 5
CATEGORICAL_DISTINCT = 20
MAX_CHARTS = 4
HISTOGRAM_BINS = 20
CHART_INCHES = (4.0, 2.5)
CHART_DPI = 80
CELL_WIDTH = 40
CHART_COLOR = "#4c72b0"

REPORT_NAME = "quality_report"

NUMERIC, TEMPORAL, BOOLEAN, TEXT, OTHER = "numeric", "temporal", "boolean", "text", "other"
HISTOGRAM, BAR = "histogram", "bar"
_NUMERIC_TYPES = re.compile(
    r"^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?)$"
)
_FLOAT_TYPES = ("FLOAT", "REAL", "DOUBLE")
DATE_AXIS = (-62135596800.0, 253402300799.0)  # matplotlib's dates: years 1 to 9999, in epoch s


@dataclass(frozen=True)
class ColumnStats:
    """What the report says about one column. `minimum`/`maximum` are JSON-ready (numbers, or
    ISO text for temporal values); `histogram` holds (low, high, count) bins, with temporal
    edges in seconds since 1970-01-01."""

    name: str
    declared_type: str
    stored_type: str
    kind: str
    rows: int
    nulls: int
    distinct: int
    distinct_approximate: bool
    pii: str = "none"
    key: bool = False
    minimum: Any = None
    maximum: Any = None
    mean: float | None = None
    top: tuple[tuple[str, int], ...] = ()
    chart: str | None = None
    histogram: tuple[tuple[float, float, int], ...] = ()

    @property
    def null_pct(self) -> float:
        return 100.0 * self.nulls / self.rows if self.rows else 0.0

    @property
    def withheld(self) -> bool:
        """Personal data: no value of it is shown."""
        return self.pii != "none"


@dataclass(frozen=True)
class TableQuality:
    table_key: str
    rows: int
    coverage: str
    materialised: bool
    columns: tuple[ColumnStats, ...] = ()


@dataclass(frozen=True)
class DatasetQuality:
    dataset: str
    tables: tuple[TableQuality, ...]

    @property
    def totals(self) -> dict[str, int]:
        materialised = [t for t in self.tables if t.materialised]
        return {
            "tables": len(materialised),
            "tables_planned": len(self.tables),
            "rows": sum(t.rows for t in materialised),
            "columns": sum(len(t.columns) for t in materialised),
            "charts": sum(1 for t in materialised for c in t.columns if c.chart),
        }


@dataclass(frozen=True)
class Chart:
    """One rendered chart; `file` is its name beside the report in storage."""

    table_key: str
    column: str
    title: str
    file: str
    png: bytes = field(repr=False)

    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


# ---------------------------------------------------------------------------- statistics


def dataset_quality(
    dataset: str,
    tables: Sequence[Table],
    files: Mapping[str, TableFiles],
    pii: Mapping[tuple[str, str], str] | None = None,
) -> DatasetQuality:
    """The report of every table (in the given order) from its files; `pii` maps (table key,
    column) to its PII category (the engine's `pii_categories`)."""
    pii = pii or {}
    return DatasetQuality(
        dataset,
        tuple(
            table_quality(
                table,
                files.get(table.key, TableFiles(table.key, {})),
                {c.name: pii.get((table.key, c.name), "none") for c in table.columns},
            )
            for table in tables
        ),
    )


def table_quality(
    table: Table, files: TableFiles, pii: Mapping[str, str] | None = None
) -> TableQuality:
    """Column statistics of one table over the chunks in `files` (see the module docstring)."""
    if not files.chunks:
        return TableQuality(table.key, 0, "not materialised", False)
    pii = pii or {}
    keys = _key_columns(table)
    declared = {c.name: c.type.sql or c.type.kind.value for c in table.columns}
    with connect_tables(files) as con:
        con.execute("SET TimeZone = 'UTC'")  # TIMESTAMPTZ reads the same on every machine
        source = parquet_source(files.files)
        stored = {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM {source}")
                  .fetchall()}  # fmt: skip
        rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        names = [c.name for c in table.columns if c.name in stored]
        names += [name for name in stored if name not in names]  # written, not declared
        columns = {
            name: ColumnStats(
                name=name,
                declared_type=declared.get(name, stored[name]),
                stored_type=stored[name],
                kind=_kind(stored[name]),
                rows=rows,
                nulls=0,
                distinct=0,
                distinct_approximate=rows > EXACT_DISTINCT_ROWS,
                pii=pii.get(name, "none"),
                key=name in keys,
            )
            for name in names
        }
        columns, bounds = _aggregates(con, source, columns)
        columns = _top_values(con, source, columns)
        columns = _choose_charts(columns, bounds)
        columns = _histograms(con, source, columns, bounds)
    return TableQuality(table.key, rows, files.coverage(), True, tuple(columns.values()))


def _key_columns(table: Table) -> set[str]:
    """Columns whose distribution says nothing worth a chart: keys count or are sampled."""
    keys = set(table.primary_key)
    keys.update(c for fk in table.foreign_keys for c in fk.columns)
    keys.update(unique[0] for unique in table.unique_keys if len(unique) == 1)
    keys.update(c.name for c in table.columns if c.autoincrement)
    return keys


def _kind(stored_type: str) -> str:
    if _NUMERIC_TYPES.match(stored_type):
        return NUMERIC
    if stored_type.startswith(("DATE", "TIMESTAMP", "TIME")):
        return TEMPORAL
    if stored_type == "BOOLEAN":
        return BOOLEAN
    if stored_type == "VARCHAR":
        return TEXT
    return OTHER  # blobs, lists, structs, intervals: counted, not described


def _has_range(column: ColumnStats) -> bool:
    return not column.withheld and column.kind in (NUMERIC, TEMPORAL)


def _finite(column: ColumnStats) -> str:
    """The values that aggregate: not NULL and, for floats, neither NaN nor infinite."""
    q = quote(column.name)
    if column.stored_type in _FLOAT_TYPES:
        return f"{q} IS NOT NULL AND isfinite({q})"
    return f"{q} IS NOT NULL"


def _as_number(column: ColumnStats) -> str:
    """The column as DOUBLE for histogram bins: seconds since 1970 for temporal values."""
    q = quote(column.name)
    return f"epoch({q})" if column.kind == TEMPORAL else f"CAST({q} AS DOUBLE)"


def _aggregates(
    con, source: str, columns: dict[str, ColumnStats]
) -> tuple[dict[str, ColumnStats], dict[str, tuple[float, float]]]:
    """NULLs, distinct counts and min/max/mean of every column in one query; also each ranged
    column's bounds as numbers, for histogram bins."""
    exprs: list[str] = []
    slots: list[tuple[str, str]] = []
    for name, column in columns.items():
        q = quote(name)
        distinct = (
            f"approx_count_distinct({q})" if column.distinct_approximate else f"count(DISTINCT {q})"
        )
        exprs += [f"count({q})", distinct]
        slots += [(name, "non_null"), (name, "distinct")]
        if not _has_range(column):
            continue
        where = f"FILTER (WHERE {_finite(column)})"
        number = _as_number(column)
        exprs += [f"min({q}) {where}", f"max({q}) {where}",
                  f"min({number}) {where}", f"max({number}) {where}"]  # fmt: skip
        slots += [(name, "minimum"), (name, "maximum"), (name, "low"), (name, "high")]
        if column.kind == NUMERIC:
            exprs.append(f"avg(CAST({q} AS DOUBLE)) {where}")
            slots.append((name, "mean"))
    found: dict[str, dict[str, Any]] = {name: {} for name in columns}
    values = con.execute(f"SELECT {', '.join(exprs)} FROM {source}").fetchone()
    for (name, slot), value in zip(slots, values, strict=True):
        found[name][slot] = value
    result, bounds = {}, {}
    for name, column in columns.items():
        got = found[name]
        non_null = got["non_null"]
        result[name] = _replace(
            column,
            nulls=column.rows - non_null,
            distinct=min(int(got["distinct"]), non_null),  # HyperLogLog can overshoot
            minimum=_plain(got.get("minimum")),
            maximum=_plain(got.get("maximum")),
            mean=_plain(got.get("mean")),
        )
        if got.get("low") is not None:
            bounds[name] = (float(got["low"]), float(got["high"]))
    return result, bounds


def _wants_top(column: ColumnStats) -> bool:
    non_null = column.rows - column.nulls
    if column.withheld or column.kind == OTHER or not non_null:
        return False
    if column.kind == BOOLEAN:
        return True
    if column.distinct >= non_null:
        return False  # every value distinct: top values would say nothing
    return column.kind == TEXT or column.distinct <= CATEGORICAL_DISTINCT


def _top_values(con, source: str, columns: dict[str, ColumnStats]) -> dict[str, ColumnStats]:
    """The most common values of every eligible column, in one query (ties by value, so the
    report is stable)."""
    wanted = [name for name, column in columns.items() if _wants_top(column)]
    if not wanted:
        return columns
    grouped = " UNION ALL ".join(
        f"SELECT {i} AS c, CAST({quote(name)} AS VARCHAR) AS v, count(*) AS n FROM {source} "
        f"WHERE {quote(name)} IS NOT NULL GROUP BY 2"
        for i, name in enumerate(wanted)
    )
    ranked = (
        f"SELECT *, row_number() OVER (PARTITION BY c ORDER BY n DESC, v) AS r FROM ({grouped})"
    )
    top: dict[str, list[tuple[str, int]]] = {name: [] for name in wanted}
    query = f"SELECT c, v, n FROM ({ranked}) WHERE r <= {TOP_VALUES} ORDER BY c, r"
    for c, v, n in con.execute(query).fetchall():
        top[wanted[c]].append((v, int(n)))
    return {
        name: _replace(column, top=tuple(top[name])) if name in top else column
        for name, column in columns.items()
    }


def _choose_charts(
    columns: dict[str, ColumnStats], bounds: Mapping[str, tuple[float, float]]
) -> dict[str, ColumnStats]:
    """At most `MAX_CHARTS` charts, in column order, of columns worth looking at: a bar chart
    of a categorical column's top values, a histogram of a numeric/date/timestamp one."""
    result, chosen = {}, 0
    for name, column in columns.items():
        chart = None
        if chosen < MAX_CHARTS and not column.key and not column.withheld and column.distinct > 1:
            low, high = bounds.get(name, (0.0, 0.0))
            histogram = low < high and (
                column.kind == NUMERIC
                or column.stored_type.startswith(("DATE", "TIMESTAMP"))  # not TIME: a clock
                and DATE_AXIS[0] <= low <= high <= DATE_AXIS[1]  # reads badly as bins
            )
            if histogram and column.distinct > TOP_VALUES:
                chart = HISTOGRAM  # a number with more values than bars
            elif column.top and column.distinct <= CATEGORICAL_DISTINCT:
                chart = BAR  # categories; free text's top values are no distribution
        chosen += chart is not None
        result[name] = _replace(column, chart=chart) if chart else column
    return result


def _histograms(
    con, source: str, columns: dict[str, ColumnStats], bounds: Mapping[str, tuple[float, float]]
) -> dict[str, ColumnStats]:
    """`HISTOGRAM_BINS` equal bins from min to max of every histogram column, in one query."""
    wanted = [name for name, column in columns.items() if column.chart == HISTOGRAM]
    if not wanted:
        return columns
    shapes = {name: _bins(columns[name], *bounds[name]) for name in wanted}
    selects = []
    for i, name in enumerate(wanted):
        low, width, count = shapes[name]
        selects.append(
            f"SELECT {i} AS c, least(CAST(floor(({_as_number(columns[name])} - {low!r}) / "
            f"{width!r}) AS BIGINT), {count - 1}) AS b, count(*) AS n FROM {source} "
            f"WHERE {_finite(columns[name])} GROUP BY 2"
        )
    counts: dict[int, dict[int, int]] = {i: {} for i in range(len(wanted))}
    for c, b, n in con.execute(" UNION ALL ".join(selects)).fetchall():
        counts[c][int(b)] = int(n)
    result = dict(columns)
    for i, name in enumerate(wanted):
        low, width, count = shapes[name]
        bins = tuple(
            (low + b * width, low + (b + 1) * width, counts[i].get(b, 0)) for b in range(count)
        )
        result[name] = _replace(columns[name], histogram=bins)
    return result


def _bins(column: ColumnStats, low: float, high: float) -> tuple[float, float, int]:
    """(first edge, width, count) of a column's bins: `HISTOGRAM_BINS` equal ones from min to
    max, or one per value for integers with fewer values than that (no empty bins between
    whole numbers)."""
    if "INT" in column.stored_type and high - low + 1 <= HISTOGRAM_BINS:
        return low - 0.5, 1.0, int(high - low) + 1
    return low, (high - low) / HISTOGRAM_BINS, HISTOGRAM_BINS


def _replace(column: ColumnStats, **changes: Any) -> ColumnStats:
    return ColumnStats(**{**column.__dict__, **changes})


def _plain(value: Any) -> Any:
    """A JSON-ready value: numbers stay numbers (Decimal becomes float), times become ISO."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    return value


# ---------------------------------------------------------------------------- charts


def render_charts(report: DatasetQuality) -> list[Chart]:
    """The PNG of every chosen chart, named uniquely beside the report."""
    charts: list[Chart] = []
    taken: set[str] = set()
    for table in report.tables:
        for column in table.columns:
            if not column.chart:
                continue
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{table.table_key}.{column.name}")
            file, n = f"{REPORT_NAME}_{stem}.png", 1
            while file.lower() in taken:  # case-insensitive disks
                n += 1
                file = f"{REPORT_NAME}_{stem}_{n}.png"
            taken.add(file.lower())
            title = f"{table.table_key}.{column.name}"
            charts.append(
                Chart(table.table_key, column.name, title, file, render_chart(title, column))
            )
    return charts


def render_chart(title: str, column: ColumnStats) -> bytes:
    """A small PNG: a horizontal bar chart of the top values, or a histogram. matplotlib is
    imported here, not at module import (it costs time), and used through its object API on
    the Agg canvas, so no global pyplot state or GUI backend is involved."""
    import numpy as np
    from matplotlib import dates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=CHART_INCHES, dpi=CHART_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if column.chart == BAR:
        labels = [_short(value, 18) for value, _ in reversed(column.top)]
        axes.barh(range(len(labels)), [n for _, n in reversed(column.top)], color=CHART_COLOR)
        axes.set_yticks(range(len(labels)), labels)
        title = f"{title}: top {len(labels)} of {column.distinct:,}"
    else:
        edges = [low for low, _, _ in column.histogram] + [column.histogram[-1][1]]
        counts = [n for _, _, n in column.histogram]
        if column.kind == TEMPORAL:  # seconds since 1970 -> matplotlib's date numbers
            micros = np.round(np.asarray(edges) * 1e6).astype("int64").astype("datetime64[us]")
            edges = list(dates.date2num(micros))
            locator = dates.AutoDateLocator(maxticks=5)
            axes.xaxis.set_major_locator(locator)
            axes.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))
        widths = [high - low for low, high in pairwise(edges)]
        axes.bar(edges[:-1], counts, width=widths, align="edge", color=CHART_COLOR,
                 edgecolor="white", linewidth=0.5)  # fmt: skip
        axes.set_xlim(edges[0], edges[-1])  # no margin: it could pass year 9999 on a date axis
        title = f"{title}: distribution"
    axes.set_title(title, fontsize=8)
    axes.tick_params(labelsize=7)
    axes.xaxis.get_offset_text().set_fontsize(7)
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # a label in a script the font lacks warns per glyph
        warnings.simplefilter("ignore", UserWarning)
        figure.savefig(buffer, format="png", metadata={"Software": None})  # same bytes each run
    return buffer.getvalue()


# ---------------------------------------------------------------------------- rendering


def report_markdown(
    report: DatasetQuality, charts: Sequence[Chart], image: Callable[[Chart], str]
) -> str:
    """The whole report; `image` gives the link of a chart (its file name, or a data URI)."""
    lines = [f"# Quality report: {report.dataset}", "", totals_markdown(report), ""]
    for table in report.tables:
        lines += [f"## {table.table_key}", "", table_markdown(table, charts, image), ""]
    return "\n".join(lines)


def totals_markdown(report: DatasetQuality) -> str:
    totals = report.totals
    return (
        f"{totals['tables']} of {totals['tables_planned']} table(s) materialised, "
        f"{totals['rows']:,} rows, {totals['columns']} columns, {totals['charts']} chart(s). "
        "Personal columns show no values."
    )


def table_markdown(
    table: TableQuality, charts: Sequence[Chart], image: Callable[[Chart], str]
) -> str:
    """One table's column statistics as a markdown table, then its charts as images."""
    if not table.materialised:
        return f"`{table.table_key}`: not materialised."
    lines = [
        f"{table.rows:,} rows over {table.coverage}.",
        "",
        "| column | type | null % | distinct | min | max | mean | top values |",
        "|---|---|---:|---:|---|---|---:|---|",
    ]
    for column in table.columns:
        distinct = ("≈" if column.distinct_approximate else "") + f"{column.distinct:,}"
        if column.withheld:
            top = f"*withheld: personal ({column.pii})*"
        else:
            top = ", ".join(f"{_short(v)} ({n:,})" for v, n in column.top)
        cells = [
            _cell(column.name) + (" *(key)*" if column.key else ""),
            _cell(column.declared_type),
            f"{column.null_pct:.1f}",
            distinct,
            _cell(_number(column.minimum)),
            _cell(_number(column.maximum)),
            _number(column.mean),
            _cell(top, width=4 * CELL_WIDTH),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    shown = [c for c in charts if c.table_key == table.table_key]
    if shown:
        lines.append("")
        lines += [f"![{_cell(c.title)}]({image(c)})" for c in shown]
    return "\n".join(lines)


def report_json(report: DatasetQuality, charts: Sequence[Chart]) -> dict[str, Any]:
    """The report as JSON-ready data (statistics, histogram bins and chart file names)."""
    files = {(c.table_key, c.column): c.file for c in charts}
    tables = []
    for table in report.tables:
        columns = []
        for column in table.columns:
            entry = asdict(column)
            entry["null_pct"] = round(column.null_pct, 4)
            entry["top"] = [{"value": v, "count": n} for v, n in column.top]
            entry["histogram"] = [list(b) for b in column.histogram]
            entry["chart_file"] = files.get((table.table_key, column.name))
            columns.append(entry)
        tables.append(
            {
                "table": table.table_key,
                "materialised": table.materialised,
                "rows": table.rows,
                "coverage": table.coverage,
                "columns": columns,
            }
        )
    return {"dataset": report.dataset, "totals": report.totals, "tables": tables}


def _number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _short(text: str, width: int = CELL_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(text: str, width: int = CELL_WIDTH) -> str:
    """Text safe inside a markdown table cell or image title, cut to `width`."""
    text = _short(str(text).replace("\n", " "), width)
    return text.replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")


# ---------------------------------------------------------------------------- storage


def report_folder(storage_url: str, dataset: str) -> UPath:
    """`<storage>/<dataset>`, the dataset's folder, where the report sits beside the tables'
    folders (as files, so no table folder can clash with it)."""
    return storage_root(storage_url) / path_segment(dataset)


def publish_report(
    report: DatasetQuality, charts: Sequence[Chart], storage_url: str
) -> dict[str, str]:
    """Write `quality_report.md` (charts linked as files), `quality_report.json` and the PNGs
    to the dataset's folder, all published together once complete (`Staging`: rename on a
    local disk, one put per object on a store); charts of an earlier report that this one
    does not have are removed afterwards. Returns file name -> location."""
    from datagen_assets.write.exports.output import Staging  # the exporters' package: seconds

    folder = report_folder(storage_url, report.dataset)
    names = {f"{REPORT_NAME}.md", f"{REPORT_NAME}.json", *(c.file for c in charts)}
    with Staging(str(folder)) as staging:
        for chart in charts:  # images first: the markdown never links a missing file
            with staging.create(chart.file) as out:
                out.write(chart.png)
        with staging.create(f"{REPORT_NAME}.json") as out:
            text = json.dumps(report_json(report, charts), indent=2, ensure_ascii=False)
            out.write((text + "\n").encode())
        with staging.create(f"{REPORT_NAME}.md") as out:
            out.write(report_markdown(report, charts, image=lambda c: c.file).encode())
        staging.publish()
        refresh(folder)
        for stale in folder.glob(f"{REPORT_NAME}_*.png"):
            if stale.name not in names:
                staging.remove(stale.name)
    return {name: str(folder / name) for name in sorted(names)}

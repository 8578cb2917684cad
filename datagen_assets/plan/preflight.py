"""Pre-flight: everything that would make a dataset impossible, found before anything is
written, plus an estimate of rows, bytes and seconds per table.

Problems found here are the ones construction cannot fix: a UNIQUE column whose type has fewer
values than the table has rows (counted after case folding for a unique index on lower() or
upper(), or in a case-insensitive dialect: `enum ('a', 'A')` holds one value there, see
`plan/keys.py`), a NOT NULL foreign key into an empty table,
CHECK constraints that contradict the column's type or each other, and every problem the
engine finds when it compiles the dataset's generators (a unique `choice` or `pattern` with
fewer distinct values than rows among them). All are reported together.

With a sample (`sample_rows` > 0, what `datagen validate`, `plan` and `materialize` use), the
pre-flight also generates rows of every table (all of a small one; windows from the first row to
the last of a larger one) exactly as the run draws them and
evaluates every CHECK over them, so whatever generation does not hold by construction (a CHECK
no rule or repair satisfies, `CHECK (floor * 2 = 7)`) is reported with the file and line that
declare it, before a run writes a single table. A generator the config names whose values a
CHECK range (or the column's type) would clip is reported too, instead of being clipped onto
the range's ends (`uniform_int 400..500` under `CHECK (qty BETWEEN 1 AND 365)` would be all 365).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import polars as pl

from datagen_assets.generate.bounds import clip_to_bound
from datagen_assets.generate.dtypes import INTEGER_BOUNDS, numeric_limit
from datagen_assets.generate.engine import Engine, _holds, engine_for
from datagen_assets.generate.generators import fold
from datagen_assets.plan.check_literals import literal_errors, unknown_columns
from datagen_assets.plan.keys import CARRIER_KINDS, carrier_capacity, folded_columns
from datagen_assets.plan.plan import DatasetPlan, TablePlan
from datagen_assets.schema.model import Bound, Check, Problem, SchemaError, Table, TypeKind
from datagen_assets.schema.source_lines import check_line

SAMPLE_ROWS = 2000
# Value domains of kinds that cannot carry arbitrary many distinct values.
SMALL_DOMAINS = {TypeKind.BOOLEAN: 2}


@dataclass(frozen=True)
class TableEstimate:
    rows: int
    bytes: int  # in memory (Arrow), a fair upper bound of the Parquet size
    seconds: float  # generation only, extrapolated from a sample


@dataclass
class Preflight:
    dataset: str
    problems: list[Problem] = field(default_factory=list)
    estimates: dict[str, TableEstimate] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_for_problems(self) -> None:
        if self.problems:
            raise SchemaError(self.problems)


def preflight(plan: DatasetPlan, sample_rows: int = SAMPLE_ROWS) -> Preflight:
    """Check feasibility; with `sample_rows` > 0 also estimate size and time by generating a
    sample of every table (cheap: a few milliseconds a table)."""
    report = Preflight(plan.name)
    file = str(plan.dataset.config_path or plan.dataset.schema_path)
    for table_plan in plan.tables.values():
        report.problems.extend(_unique_domains(table_plan, file, plan.dataset.schema.dialect))
        report.problems.extend(_check_contradictions(table_plan, file))
        report.problems.extend(_refused_literals(table_plan.table, plan.dataset.schema_path))
    try:
        engine = engine_for(plan)
    except SchemaError as error:
        report.problems.extend(error.problems)
        return report
    if sample_rows > 0:
        schema_file = plan.dataset.schema_path
        for key, table_plan in plan.tables.items():
            try:  # a sample also finds CHECKs the repair loop cannot satisfy
                estimate, sample = _estimate(engine, table_plan, sample_rows)
            except SchemaError as error:
                report.problems.extend(
                    _at_check(p, table_plan.table, schema_file, file) for p in error.problems
                )
                continue
            report.estimates[key] = estimate
            report.problems.extend(_clipped(engine, table_plan, sample_rows, file, schema_file))
            report.problems.extend(_failing_checks(table_plan.table, sample, schema_file))
    return report


def sampled_preflight(plans, sample_rows: int = SAMPLE_ROWS) -> dict[str, Preflight]:
    """The sampled pre-flight of every plan, raising every problem of all of them at once:
    what `validate`, `plan` and `materialize` run before anything is written."""
    reports = {plan.name: preflight(plan, sample_rows) for plan in plans}
    problems = [p for report in reports.values() for p in report.problems]
    if problems:
        raise SchemaError(problems)
    return reports


def _table_checks(table: Table) -> list[Check]:
    """Every CHECK of a table: its own, and those of its columns' domains (MySQL widths)."""
    return [*table.checks, *(c for column in table.columns for c in column.domain_checks)]


def _at_check(problem: Problem, table: Table, schema_file, file: str) -> Problem:
    """A problem the engine raised about a CHECK, located at the line declaring it."""
    for check in _table_checks(table):
        if check.sql in problem.message:
            line = check_line(schema_file, table.name, check)
            return replace(problem, file=str(schema_file), line=line)
    return replace(problem, file=problem.file or file)


def _refused_literals(table: Table, schema_file) -> list[Problem]:
    """CHECKs the database refuses to create (a column the table lacks, an invalid regex, an
    impossible date): no engine evaluates them, so the sample below could not find them."""
    problems = []
    for check in table.checks:
        missing = unknown_columns(check, table)
        if missing:
            problems.append(
                Problem(
                    f"CHECK ({check.sql}) names {', '.join(missing)}, which {table.key} has "
                    "no column of; the database refuses this CHECK: fix it",
                    file=str(schema_file),
                    line=check_line(schema_file, table.name, check),
                    table=table.key,
                )
            )
    for check in _table_checks(table):
        for error in literal_errors(check, table):
            problems.append(
                Problem(
                    f"CHECK ({check.sql}): {error}; the database refuses this CHECK: fix it",
                    file=str(schema_file),
                    line=check_line(schema_file, table.name, check),
                    table=table.key,
                    column=check.columns[0] if len(check.columns) == 1 else None,
                )
            )
    return problems


def _failing_checks(table: Table, sample: pl.DataFrame, schema_file) -> list[Problem]:
    """Every CHECK evaluated over the sample: one the rows break is what the database (and
    the run's asset checks) would reject. A CHECK neither polars nor DuckDB evaluates is left
    to the notes the engine makes about it."""
    if sample.height == 0:
        return []
    problems = []
    for check in _table_checks(table):
        if not set(check.columns) <= set(sample.columns):
            continue
        try:
            passed = _holds(sample.select(check.columns), check.sql)
        except Exception:  # noqa: BLE001 - neither engine reads it: nothing to judge
            continue
        failing = int((~passed).sum())
        if failing:
            problems.append(
                Problem(
                    f"CHECK ({check.sql}) fails on {failing:,} of {sample.height:,} sampled rows "
                    "as the run would generate them; generation cannot hold it: give "
                    f"{', '.join(check.columns)} a generator whose values satisfy it, or fix "
                    "the CHECK",
                    file=str(schema_file),
                    line=check_line(schema_file, table.name, check),
                    table=table.key,
                )
            )
    return problems


def _clipped(
    engine: Engine, table_plan: TablePlan, sample_rows: int, file: str, schema_file
) -> list[Problem]:
    """Columns whose configured generator draws values a CHECK range would clip (the default
    generators are fitted into the range instead; a configured one is the user's choice, and
    piling its values onto the range's ends is not what they asked for)."""
    table = table_plan.table
    config = engine.plan.dataset.config.tables.get(table.key)
    rows = min(sample_rows, table_plan.rows)
    problems = []
    for name, recipe in engine.recipes[table.key].items():
        override = config.columns.get(name) if config else None
        if not override or not override.generator or recipe.bound is None or not rows:
            continue
        raw = engine.raw(table.key, name, 0, rows).drop_nulls()
        try:
            clipped = clip_to_bound(raw, recipe.bound, recipe.column.type)
            outside = int((clipped.cast(pl.Float64) != raw.cast(pl.Float64)).sum())
        except Exception:  # noqa: BLE001 - values of a kind no range applies to
            continue
        if not outside:
            continue
        checks = [c for c in table.checks if name in c.columns and len(c.columns) == 1]
        checks = checks or [c for c in _table_checks(table) if name in c.columns]
        where = ""
        if checks:
            line = check_line(schema_file, table.name, checks[0])
            where = f" (CHECK ({checks[0].sql}) at {schema_file}" + (f":{line})" if line else ")")
        problems.append(
            Problem(
                f"generator {override.generator!r} draws values outside the CHECK range{where}: "
                f"{outside:,} of {len(raw):,} sampled values would be clipped onto its ends; "
                "give it parameters inside the range",
                file=file,
                table=table.key,
                column=name,
            )
        )
    return problems


def _unique_domains(table_plan: TablePlan, file: str, dialect: str | None) -> list[Problem]:
    """A UNIQUE made only of own columns with no carrier (booleans, enums) holds at most the
    product of their domains (of case-folded values where a unique index folds them); asking
    for more rows is impossible (FK pairs cap rows instead, see plan; groups with a carrier,
    and the capacity of their generators, are checked by the engine)."""
    table, rows = table_plan.table, table_plan.rows
    problems = []
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    planned = {group.columns for group in table_plan.keys.groups}  # the engine checks those
    for columns in table.unique_keys:
        if set(columns) & fk_columns or tuple(columns) in planned:
            continue
        folded = folded_columns(table, tuple(columns), dialect)
        capacity = 1
        for name in columns:
            column = table.column(name)
            size = _domain_size(column, name in folded)
            capacity = None if size is None or capacity is None else capacity * size
        if (
            capacity is None
            and rows > 1
            and not any(table.column(name).type.kind in CARRIER_KINDS for name in columns)
        ):
            problems.append(
                Problem(
                    f"UNIQUE ({', '.join(columns)}): values of type "
                    f"{table.column(columns[0]).type.sql or table.column(columns[0]).type.kind} "
                    "cannot be made distinct by construction",
                    file=file,
                    table=table.key,
                    column=columns[0] if len(columns) == 1 else None,
                )
            )
        if capacity is not None and capacity < rows:
            problems.append(
                Problem(
                    f"UNIQUE ({', '.join(columns)}) can hold only {capacity:,} distinct values, "
                    f"but {rows:,} rows are asked for",
                    file=file,
                    table=table.key,
                    column=columns[0] if len(columns) == 1 else None,
                )
            )
    return problems


def _domain_size(column, folded: bool = False) -> int | None:
    kind = column.type.kind
    if kind in SMALL_DOMAINS:
        return SMALL_DOMAINS[kind]
    if kind == TypeKind.ENUM:
        values = column.type.enum_values
        return len({fold(v) for v in values} if folded else set(values))
    return carrier_capacity(column)


def _check_contradictions(table_plan: TablePlan, file: str) -> list[Problem]:
    table = table_plan.table
    rules = table.check_rules
    problems = []
    for name, bound in rules.bounds.items():
        column = table.column(name)
        message = _bound_problem(bound, column.type)
        if message:
            problems.append(Problem(message, file=file, table=table.key, column=name))
    for name, values in rules.domains.items():
        column = table.column(name)
        if column.type.kind == TypeKind.ENUM:
            outside = [v for v in values if v not in column.type.enum_values]
            if outside:
                problems.append(
                    Problem(
                        f"CHECK allows {outside}, which the enum does not",
                        file=file,
                        table=table.key,
                        column=name,
                    )
                )
        if column.type.length and all(len(str(v)) > column.type.length for v in values):
            problems.append(
                Problem(
                    f"CHECK allows only values longer than {column.type.length} characters",
                    file=file,
                    table=table.key,
                    column=name,
                )
            )
        if name in rules.bounds and all(isinstance(v, (int, float)) for v in values):
            bound = rules.bounds[name]
            if not any(_within(v, bound) for v in values):
                problems.append(
                    Problem(
                        "no value of the CHECK's IN list satisfies its range",
                        file=file,
                        table=table.key,
                        column=name,
                    )
                )
    for greater, smaller, _ in rules.ordered:
        if greater == smaller:
            problems.append(
                Problem(
                    f"CHECK requires {greater} > {smaller}",
                    file=file,
                    table=table.key,
                    column=greater,
                )
            )
    return problems


def _within(value: float, bound: Bound) -> bool:
    if bound.low is not None and (value < bound.low or bound.low_strict and value == bound.low):
        return False
    return not (
        bound.high is not None and (value > bound.high or bound.high_strict and value == bound.high)
    )


def _bound_problem(bound: Bound, column_type) -> str | None:
    low, high = bound.low, bound.high
    numbers = all(v is None or isinstance(v, (int, float)) for v in (low, high))
    if not numbers:
        return None
    if (
        low is not None
        and high is not None
        and (low > high or low == high and (bound.low_strict or bound.high_strict))
    ):
        return f"CHECK ranges contradict each other: nothing is above {low} and below {high}"
    kind = column_type.kind
    if kind in INTEGER_BOUNDS:
        type_low, type_high = INTEGER_BOUNDS[kind]
    elif kind in (TypeKind.NUMERIC, TypeKind.MONEY):
        type_high = numeric_limit(column_type)
        type_low = -type_high
    else:
        return None
    if low is not None and low > type_high:
        return f"CHECK needs values above {low}, more than {column_type.sql or kind} holds"
    if high is not None and high < type_low:
        return f"CHECK needs values below {high}, less than {column_type.sql or kind} holds"
    return None


def _estimate(
    engine: Engine, table_plan: TablePlan, sample_rows: int
) -> tuple[TableEstimate, pl.DataFrame]:
    """The table's estimate and its sample, drawn by the run's own code path (values depend
    only on the row index, so they are the run's rows): the whole table when it is no larger
    than `sample_rows`, else windows spread from its first row to its last, so a row only the
    end of the table holds (a key past a CHECK's bound, a repair that fails on row 2,917)
    is seen before the run, not only the first rows."""
    rows = min(sample_rows, table_plan.rows)
    if rows == 0:
        return TableEstimate(0, 0, 0.0), pl.DataFrame()
    started = time.perf_counter()
    frames = [
        engine.generate(table_plan.key, start, stop)
        for start, stop in sample_windows(table_plan.rows, rows)
    ]
    sample = frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical_relaxed")
    seconds = time.perf_counter() - started
    factor = table_plan.rows / rows
    size = int(sample.estimated_size() * factor)
    estimate = TableEstimate(table_plan.rows, size, seconds * factor)
    return estimate, sample


SAMPLE_WINDOWS = 4


def sample_windows(total: int, rows: int, windows: int = SAMPLE_WINDOWS) -> list[tuple[int, int]]:
    """`rows` row indexes of a `total`-row table as (start, stop) windows: all of it when it
    fits, else `windows` equal windows, the first at row 0 and the last ending at the last."""
    if total <= rows:
        return [(0, total)]
    size = max(1, rows // windows)
    starts = sorted({(total - size) * i // (windows - 1) for i in range(windows)})
    return [(start, start + size) for start in starts]

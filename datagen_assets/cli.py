"""The `datagen` command: validate datasets, show plans, materialise through Dagster.

`datagen materialize` runs on the Dagster instance of DAGSTER_HOME (default `./.dagster`, seeded
with the repo's `dagster.yaml`), so its runs, materializations and check results show up in
`dagster dev` afterwards. It uses as few runs as Dagster allows: a run covers one partitions
definition (tables with the same chunk keys) and a range of partitions in one go (single-run
backfill policy), so tables are grouped into batches of equal chunk keys, parents always in an
earlier batch or the same one (Dagster orders steps inside a run). One dataset of single-chunk
tables is a single run. Each run includes the checks of its tables; a table whose blocking
check fails stops its descendants, as Dagster does within a run.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from datagen_assets.plan.plan import DatasetPlan
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings

DEFAULT_DAGSTER_HOME = ".dagster"
REPO_DAGSTER_YAML = Path(__file__).resolve().parents[1] / "dagster.yaml"
PARTITION_TAG = "dagster/partition"
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


# ---------------------------------------------------------------------------- results


@dataclass
class CheckOutcome:
    name: str
    passed: bool
    severity: str
    description: str


@dataclass
class TableOutcome:
    """What one table's run produced, read back from the run's events."""

    dataset: str
    table: str
    run_id: str | None = None
    rows: int = 0
    chunks: int = 0
    seconds: float = 0.0
    check_seconds: float = 0.0
    error: str | None = None
    skipped: str | None = None
    content_sha256: str | None = None
    content_change: str | None = None  # why the content differs from the last run
    checks: list[CheckOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing failed at ERROR level: written, not skipped, no ERROR-severity check failed.
        A failed WARN check (the PII scan, chunks not yet materialised) is reported, not a
        failure: it never makes `datagen materialize` exit non-zero."""
        return self.error is None and self.skipped is None and not self.errors

    @property
    def errors(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed and c.severity == "ERROR"]

    @property
    def warnings(self) -> list[CheckOutcome]:
        return [c for c in self.checks if not c.passed and c.severity != "ERROR"]

    @property
    def blocked(self) -> bool:
        """Children must not be built on this table (not written, or a key check failed)."""
        return (
            self.error is not None
            or self.skipped is not None
            or self.chunks == 0
            or any(not c.passed and c.severity == "ERROR" for c in self.checks)
        )


@dataclass
class Batch:
    """Tables materialised in one run: same chunk keys, parents earlier or inside."""

    dataset: str
    partition_keys: tuple[str, ...]
    tables: list[str] = field(default_factory=list)
    checks: list[tuple[str, str]] = field(default_factory=list)  # (table, check name)


# ---------------------------------------------------------------------------- batching


def plan_batches(
    plan: DatasetPlan, tables: Iterable[str] | None = None, translator=None
) -> list[Batch]:
    """Group a dataset's tables (all, or the selected ones) into as few runs as valid: a table
    joins the first batch with its chunk keys that comes at or after every parent's batch. A
    check runs in the batch of the last table it reads (an FK check whose parent closes a
    cycle waits for that parent). Checks are those the translator defines."""
    from datagen_assets.check.constraints import FOREIGN_KEY
    from datagen_assets.orchestrate.translator import DatasetTranslator

    translator = translator or DatasetTranslator()

    selected = list(plan.tables) if tables is None else [t for t in plan.tables if t in tables]
    batches: list[Batch] = []
    where: dict[str, int] = {}
    for key in selected:
        table_plan = plan.table(key)
        earliest = max((where[p] for p in table_plan.parents if p in where), default=0)
        keys = tuple(table_plan.partition_keys)
        index = next(
            (i for i in range(earliest, len(batches)) if batches[i].partition_keys == keys), None
        )
        if index is None:
            batches.append(Batch(plan.name, keys))
            index = len(batches) - 1
        batches[index].tables.append(key)
        where[key] = index
    for key in selected:
        for constraint in translator.get_constraints(plan.table(key), plan):
            index = where[key]
            if constraint.kind == FOREIGN_KEY and constraint.ref_table in where:
                index = max(index, where[constraint.ref_table])
            batches[index].checks.append((key, constraint.name))
        specs = {spec.name for spec in translator.get_check_specs(plan.table(key), plan)}
        if "pii_scan" in specs:  # not a constraint: after the table, with its own batch
            batches[where[key]].checks.append((key, "pii_scan"))
    return batches


# ---------------------------------------------------------------------------- materialise


def ensure_dagster_home() -> Path:
    """DAGSTER_HOME, defaulting to `./.dagster` seeded with the repo's `dagster.yaml` (SQLite),
    or with PostgreSQL storage when DAGSTER_PG_URL is set (`orchestrate.instance`), so CLI
    runs land where `dagster dev` (started from the repo) will look."""
    from datagen_assets.orchestrate.instance import seed_dagster_home

    home = os.environ.get("DAGSTER_HOME")
    if not home:
        home = os.path.abspath(DEFAULT_DAGSTER_HOME)
        os.environ["DAGSTER_HOME"] = home
    path = Path(home)
    try:
        seed_dagster_home(path)
    except ValueError as error:  # an unusable DAGSTER_PG_URL
        raise SystemExit(f"invalid environment: {error}") from None
    return path


def materialize(
    settings: Settings,
    datasets: Sequence[str] = (),
    tables: Sequence[str] = (),
    instance=None,
    echo: Callable[[str], None] = print,
    verbose: bool = False,
    translator=None,
    checks: bool = True,
) -> list[TableOutcome]:
    """Materialise every chunk of the selected tables (all tables of the selected datasets;
    every dataset when none is named) with their checks, in FK order, on `instance` (default:
    the DAGSTER_HOME instance). Returns one outcome per table; prints as it goes. Dagster's
    own console log is kept to warnings unless `verbose`. A custom `translator` must be the
    one the definitions use (`build_definitions(translator=...)`)."""
    from dagster import DagsterInstance

    from datagen_assets.orchestrate.factory import definitions_for_plans, load_plans
    from datagen_assets.orchestrate.translator import DatasetTranslator
    from datagen_assets.plan.preflight import sampled_preflight

    translator = translator or DatasetTranslator()
    plans = select_plans(load_plans(settings), datasets, tables)
    sampled_preflight([plan for plan, _ in plans])  # what the run would fail on, before it
    defs = definitions_for_plans([plan for plan, _ in plans], settings, translator)
    job = defs.resolve_implicit_global_asset_job_def()
    if instance is None:
        ensure_dagster_home()
        with DagsterInstance.get() as owned:
            return _materialize(plans, job, owned, echo, verbose, translator, checks)
    return _materialize(plans, job, instance, echo, verbose, translator, checks)


def select_plans(
    plans: Sequence[DatasetPlan], datasets: Sequence[str], tables: Sequence[str]
) -> list[tuple[DatasetPlan, list[str]]]:
    """(plan, table keys) to run. A table is named by key (`bookings.flights`), by bare name if
    unambiguous, or as `dataset/table`."""
    by_name = {plan.name: plan for plan in plans}
    unknown = [d for d in datasets if d not in by_name]
    if unknown:
        known = ", ".join(by_name) or "none"
        raise SystemExit(f"unknown dataset(s): {', '.join(unknown)} (known: {known})")
    chosen = [by_name[d] for d in dict.fromkeys(datasets)] if datasets else list(plans)
    if not tables:
        return [(plan, list(plan.tables)) for plan in chosen]
    picked: dict[str, list[str]] = {}
    for wanted in tables:
        matches = [
            (plan.name, key)
            for plan in chosen
            for key, table_plan in plan.tables.items()
            if wanted in (key, table_plan.table.name, f"{plan.name}/{key}")
        ]
        if not matches:
            names = ", ".join(p.name for p in chosen)
            raise SystemExit(f"no table {wanted!r} in dataset(s) {names}")
        if len(matches) > 1:
            listed = ", ".join(f"{d}/{k}" for d, k in matches)
            raise SystemExit(f"table {wanted!r} is ambiguous: {listed}")
        name, key = matches[0]
        picked.setdefault(name, []).append(key)
    return [(plan, picked[plan.name]) for plan in chosen if plan.name in picked]


def _materialize(
    plans, job, instance, echo, verbose, translator, checks: bool = True
) -> list[TableOutcome]:
    from dagster import AssetCheckKey

    from datagen_assets.orchestrate.factory import op_names

    log_level = "DEBUG" if verbose else "WARNING"
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    everything: list[TableOutcome] = []
    for plan, selected in plans:
        names = op_names(plan)
        asset_keys = {t: translator.get_asset_key(plan.table(t), plan) for t in plan.tables}
        outcomes: dict[str, TableOutcome] = {}
        for batch in plan_batches(plan, selected, translator):
            if not checks:  # generation only (benchmarks); the checks can be run later
                batch.checks.clear()
            blocked = {t for t, o in outcomes.items() if o.blocked}
            run_tables = []
            for table in batch.tables:
                if _ancestors(plan, table) & blocked:
                    outcomes[table] = TableOutcome(plan.name, table, skipped="a parent failed")
                    _print_outcome(outcomes[table], echo)
                else:
                    run_tables.append(table)
                    outcomes[table] = TableOutcome(plan.name, table)
            # A check may belong to a table of an earlier batch (an FK closing a cycle).
            checks = [(t, c) for t, c in batch.checks if not outcomes[t].skipped]
            if not run_tables and not checks:
                continue
            keys = batch.partition_keys
            tags = (
                {PARTITION_TAG: keys[0]}
                if len(keys) == 1
                else {RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]}
            )
            subset = job.get_subset(
                asset_selection={asset_keys[t] for t in run_tables},
                asset_check_selection={AssetCheckKey(asset_keys[t], c) for t, c in checks},
            )
            result = subset.execute_in_process(
                run_config=run_config, instance=instance, tags=tags, raise_on_error=False
            )
            _read_events(result, names, asset_keys, outcomes)
            for table in run_tables:
                outcome = outcomes[table]
                if not outcome.chunks and not outcome.error and not outcome.skipped:
                    # Dagster does not start a step whose parent failed or was blocked.
                    outcome.skipped = "not run: a parent failed or a blocking check failed"
                _print_outcome(outcome, echo)
            for table in dict.fromkeys(t for t, _ in checks if t not in run_tables):
                late = [c for t, c in checks if t == table]
                echo(f"{plan.name}/{table}: checks after its parents")
                for check in outcomes[table].checks:
                    if check.name in late:
                        _print_check(check, echo)
        everything.extend(outcomes[t] for t in plan.tables if t in outcomes)
    return everything


def _ancestors(plan: DatasetPlan, table: str) -> set[str]:
    seen: set[str] = set()
    stack = list(plan.table(table).parents)
    while stack:
        parent = stack.pop()
        if parent not in seen:
            seen.add(parent)
            stack.extend(plan.table(parent).parents)
    return seen


def _read_events(result, names, asset_keys, outcomes: dict[str, TableOutcome]) -> None:
    """Add a run's rows, chunks, seconds, errors and check results to the tables' outcomes."""
    by_step = {}
    for table, name in names.items():
        by_step[name] = (table, "asset")
        by_step[f"{name}_checks"] = (table, "checks")
    by_key = {key: table for table, key in asset_keys.items()}
    for event in result.all_events:
        kind = event.event_type_value
        step = by_step.get(event.step_key or "")
        if step and step[0] not in outcomes:
            continue
        if step and step[1] == "asset":
            outcomes[step[0]].run_id = result.run_id
        if kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            table = by_key.get(materialization.asset_key)
            if table in outcomes:
                metadata = materialization.metadata
                rows = metadata.get("dagster/row_count")
                outcomes[table].rows += int(rows.value) if rows is not None else 0
                outcomes[table].chunks += 1
                if "datagen/content_sha256" in metadata:
                    outcomes[table].content_sha256 = metadata["datagen/content_sha256"].value
                if "datagen/content_change" in metadata:
                    outcomes[table].content_change = metadata["datagen/content_change"].value
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            table = by_key.get(evaluation.asset_key)
            if table in outcomes:
                outcomes[table].checks.append(
                    CheckOutcome(
                        evaluation.check_name,
                        evaluation.passed,
                        evaluation.severity.value,
                        evaluation.description or "",
                    )
                )
        elif step and kind == "STEP_SUCCESS":
            seconds = event.event_specific_data.duration_ms / 1000
            if step[1] == "asset":
                outcomes[step[0]].seconds = seconds
            else:
                outcomes[step[0]].check_seconds += seconds
        elif step and kind == "STEP_FAILURE":
            error = event.event_specific_data.error
            message = error.message.strip().splitlines()[-1] if error else "step failed"
            if step[1] == "asset":
                outcomes[step[0]].error = message
            elif "blocking asset check" not in message:
                outcomes[step[0]].error = f"checks could not run: {message}"
        elif step and kind == "STEP_SKIPPED" and step[1] == "asset":
            outcomes[step[0]].skipped = "a parent's blocking check failed"


def _print_outcome(outcome: TableOutcome, echo: Callable[[str], None]) -> None:
    title = f"{outcome.dataset}/{outcome.table}"
    if outcome.skipped:
        echo(f"{title}: skipped ({outcome.skipped})")
        return
    chunks = f"{outcome.chunks} chunk{'s' if outcome.chunks != 1 else ''}"
    echo(
        f"{title}: {outcome.rows:,} rows in {chunks}, {outcome.seconds:.2f} s"
        f" (checks {outcome.check_seconds:.2f} s)"
        + (f", content {outcome.content_sha256[:12]}" if outcome.content_sha256 else "")
    )
    if outcome.content_change:
        echo(f"  content changed since the last run: {outcome.content_change}")
    if outcome.error:
        echo(f"  ERROR {outcome.error}")
    for check in outcome.checks:
        _print_check(check, echo)


def _print_check(check: CheckOutcome, echo: Callable[[str], None]) -> None:
    status = "ok  " if check.passed else ("FAIL" if check.severity == "ERROR" else "warn")
    echo(f"  {status} {check.name}: {check.description}")


# ---------------------------------------------------------------------------- commands


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.orchestrate.factory import load_plans
    from datagen_assets.plan.preflight import sampled_preflight

    plans = load_plans(settings)
    if not plans:
        print(f"no dataset in {settings.schemas_dir}")
    sampled_preflight(plans)
    for plan in plans:
        tables = plan.tables.values()
        columns = sum(len(t.table.columns) for t in tables)
        rows = sum(t.rows for t in tables)
        notes = len(plan.notes) + sum(len(t.notes) for t in tables)
        print(
            f"{plan.name}: {len(plan.tables)} tables, {columns} columns, {rows:,} rows"
            f" ({plan.dataset.schema_path})" + (f", {notes} note(s)" if notes else "")
        )
    return 0


def cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.orchestrate.factory import load_plans

    plans = {plan.name: plan for plan in load_plans(settings)}
    if args.dataset not in plans:
        print(f"unknown dataset {args.dataset!r} (known: {', '.join(plans) or 'none'})")
        return 2
    plan = plans[args.dataset]
    print(f"dataset {plan.name}: seed {plan.seed}, {len(plan.tables)} tables, parents first")
    width = max(len(k) for k in plan.tables) if plan.tables else 0
    for position, table_plan in enumerate(plan.tables.values(), 1):
        parents = f"  <- {', '.join(table_plan.parents)}" if table_plan.parents else ""
        print(
            f"{position:3}. {table_plan.key:<{width}}  {table_plan.rows:>12,} rows  "
            f"{table_plan.chunk_count:>4} chunk(s) of {table_plan.chunk_rows:,}{parents}"
        )
        for note in table_plan.notes:
            print(f"       note: {note.message}")
    for note in plan.notes:
        print(f"note: {note.message}")
    from datagen_assets.plan.preflight import preflight

    report = preflight(plan)
    report.raise_for_problems()
    total = sum(e.bytes for e in report.estimates.values())
    seconds = sum(e.seconds for e in report.estimates.values())
    for key, estimate in report.estimates.items():
        print(
            f"estimate {key}: ~{estimate.bytes / 2**20:,.1f} MiB in memory, "
            f"~{estimate.seconds:,.2f} s to generate"
        )
    print(f"estimate total: ~{total / 2**20:,.1f} MiB, ~{seconds:,.1f} s of generation")
    batches = plan_batches(plan)
    print(f"materialise: {len(batches)} run(s)")
    return 0


def cmd_materialize(args: argparse.Namespace, settings: Settings) -> int:
    home = ensure_dagster_home()
    print(f"Dagster instance: {home}; storage: {settings.storage_url}")
    outcomes = materialize(
        settings, args.datasets, args.table or (), verbose=args.verbose, checks=not args.no_checks
    )
    failed = [o for o in outcomes if not o.ok]
    checks = sum(len(o.checks) for o in outcomes)
    errors = sum(len(o.errors) for o in outcomes)
    warnings = sum(len(o.warnings) for o in outcomes)
    print(
        f"{len(outcomes)} table(s), {sum(o.rows for o in outcomes):,} rows, {checks} checks: "
        f"{checks - errors - warnings} passed, {errors} failed (ERROR), {warnings} warning(s)"
        + (f"; {len(failed)} table(s) not OK" if failed else "")
    )
    if failed:  # only ERROR-level failures count; warnings are reported above
        reasons = [f"{errors} check(s) failed with severity ERROR"] if errors else []
        other = [o.table for o in failed if o.error or o.skipped]
        if other:
            reasons.append(f"{len(other)} table(s) failed or were skipped: {', '.join(other)}")
        print("exit status 1: " + "; ".join(reasons))
        return 1
    if warnings:
        print(f"exit status 0: {warnings} warning(s) only (severity WARN), no ERROR")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="datagen", description="Synthetic datasets from database schemas, via Dagster."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="load every dataset; print problems or a summary")
    plan = commands.add_parser("plan", help="print a dataset's plan")
    plan.add_argument("dataset")
    materialize_parser = commands.add_parser(
        "materialize", help="materialise datasets (all partitions, with checks) through Dagster"
    )
    materialize_parser.add_argument("datasets", nargs="*", metavar="DATASET")
    materialize_parser.add_argument(
        "--table", action="append", metavar="T", help="only this table (repeatable)"
    )
    materialize_parser.add_argument(
        "-v", "--verbose", action="store_true", help="show Dagster's debug log of each run"
    )
    materialize_parser.add_argument(
        "--no-checks",
        action="store_true",
        help="generate only; run the asset checks later (e.g. from the UI)",
    )
    new = commands.add_parser("new", help="write a template dataset into the schemas folder")
    new.add_argument("template", help="ecommerce, saas, healthcare or finance")
    new.add_argument("--name", help="dataset name (default: the template's)")
    new.add_argument("--force", action="store_true", help="overwrite existing files")
    return parser


def cmd_new(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.templates import list_templates, write_template

    try:
        written = write_template(args.template, settings.schemas_dir, args.name, args.force)
    except (ValueError, FileExistsError) as error:
        print(f"{error} (templates: {', '.join(list_templates())})", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    print(
        f"adjust the row counts in the YAML, then: datagen materialize {args.name or args.template}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ValueError as error:  # an invalid DATAGEN_* variable
        print(str(error), file=sys.stderr)
        return 2
    command = {
        "validate": cmd_validate,
        "plan": cmd_plan,
        "materialize": cmd_materialize,
        "new": cmd_new,
    }
    try:
        return command[args.command](args, settings)
    except SchemaError as error:
        print(f"invalid dataset(s): {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

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
from datagen_assets.published_schemas import KINDS
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_assets.suggest import UnknownName, did_you_mean

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
    plans: Sequence[DatasetPlan] | None = None,
) -> list[TableOutcome]:
    """Materialise every chunk of the selected tables (all tables of the selected datasets;
    every dataset when none is named) with their checks, in FK order, on `instance` (default:
    the DAGSTER_HOME instance). Returns one outcome per table; prints as it goes. Dagster's
    own console log is kept to warnings unless `verbose`. A custom `translator` must be the
    one the definitions use (`build_definitions(translator=...)`). `plans` are the datasets
    already loaded and pre-flighted (default: load every dataset, all problems raised)."""
    from dagster import DagsterInstance

    from datagen_assets.orchestrate.factory import definitions_for_plans, load_plans
    from datagen_assets.orchestrate.translator import DatasetTranslator
    from datagen_assets.plan.preflight import sampled_preflight

    translator = translator or DatasetTranslator()
    if plans is None:
        plans = select_plans(load_plans(settings), datasets, tables)
        sampled_preflight([plan for plan, _ in plans])  # what the run would fail on, before it
    else:
        plans = select_plans(plans, datasets, tables)
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
        hint = did_you_mean(unknown[0], by_name)
        raise UnknownName(f"unknown dataset(s): {', '.join(unknown)}{hint} (known: {known})")
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
            every = [n for p in chosen for k, tp in p.tables.items() for n in (k, tp.table.name)]
            hint = did_you_mean(wanted, every)
            raise UnknownName(f"no table {wanted!r} in dataset(s) {names}{hint}")
        if len(matches) > 1:
            listed = ", ".join(f"{d}/{k}" for d, k in matches)
            raise UnknownName(f"table {wanted!r} is ambiguous: {listed}")
        name, key = matches[0]
        picked.setdefault(name, []).append(key)
    return [(plan, picked[plan.name]) for plan in chosen if plan.name in picked]


def _materialize(
    plans, job, instance, echo, verbose, translator, checks: bool = True
) -> list[TableOutcome]:
    from dagster import AssetCheckKey

    log_level = "DEBUG" if verbose else "WARNING"
    run_config = {"loggers": {"console": {"config": {"log_level": log_level}}}}
    everything: list[TableOutcome] = []
    for plan, selected in plans:
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
            _read_events(result, asset_keys, outcomes, run_tables)
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


def _read_events(result, asset_keys, outcomes: dict[str, TableOutcome], run_tables) -> None:
    """Add a run's rows, chunks, seconds, errors and check results to the tables' outcomes.
    A dataset's tables run in one step (orchestrate/factory.py), so everything is read by
    asset key; a step failure belongs to the first table of the run it left unwritten."""
    by_key = {key: table for table, key in asset_keys.items()}
    for table in run_tables:
        outcomes[table].run_id = result.run_id
    for event in result.all_events:
        kind = event.event_type_value
        if kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            table = by_key.get(materialization.asset_key)
            if table in outcomes:
                metadata = materialization.metadata
                rows = metadata.get("dagster/row_count")
                outcomes[table].rows += int(rows.value) if rows is not None else 0
                outcomes[table].chunks += 1
                if "datagen/seconds_in_run" in metadata:
                    outcomes[table].seconds = float(metadata["datagen/seconds_in_run"].value)
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
                seconds = evaluation.metadata.get("datagen/seconds")
                if seconds is not None:
                    outcomes[table].check_seconds += float(seconds.value)
        elif kind == "STEP_FAILURE":
            error = event.event_specific_data.error
            message = error.message.strip().splitlines()[-1] if error else "step failed"
            if "blocking asset check" in message:
                continue  # reported as the check's FAIL; its descendants were not written
            named = [t for t in outcomes if f"{outcomes[t].dataset}/{t}: " in message]
            unwritten = [t for t in run_tables if not outcomes[t].chunks]
            culprit = (named or unwritten or list(run_tables) or list(outcomes))[0]
            outcomes[culprit].error = message


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


# ---------------------------------------------------------------------------- command line
#
# One style for every command: errors go to stderr as `datagen <command>: error: ...`, never
# as a traceback; exit codes mean the same everywhere:
EXIT_OK = 0  # done
EXIT_FAILED = 1  # the input was read but is invalid, or the work failed (a check, a load)
EXIT_USAGE = 2  # the command line is wrong: a flag, or a dataset/table/template name
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_BROKEN_PIPE = 141  # the reader went away (`datagen plan shop | head`), as for SIGPIPE
DEBUG_VAR = "DATAGEN_DEBUG"  # set to 1 for the traceback of an internal error


def _workspace(settings: Settings, names: Sequence[str] = (), sample_rows: int = 0):
    """The named datasets (or all), each loaded on its own; an unknown name is a usage error
    with a suggestion. Failed datasets are reported by the caller."""
    from datagen_assets.dataset import dataset_names
    from datagen_assets.suggest import did_you_mean
    from datagen_assets.workspace import load_workspace

    if names:
        known = dataset_names(settings)
        for name in names:
            if name not in known:
                raise UnknownName(
                    f"no dataset {name!r} in {settings.schemas_dir}{did_you_mean(name, known)} "
                    f"(datasets: {', '.join(known) or 'none'})"
                )
    return load_workspace(settings, list(dict.fromkeys(names)) or None, sample_rows)


def _one_plan(settings: Settings, name: str, sample_rows: int = 0) -> DatasetPlan:
    """One dataset's plan; its problems raise (the others are not loaded)."""
    workspace = _workspace(settings, [name], sample_rows)
    workspace.raise_for_failures()
    return workspace.plans[0]


def _report_failures(workspace, out=None) -> None:
    for name, error in workspace.failures.items():
        print(f"{name}: INVALID, {error}", file=out or sys.stderr)


def _table_key(plan: DatasetPlan, wanted: str) -> str:
    """A table named by key (`bookings.flights`) or by bare name if unambiguous."""
    from datagen_assets.suggest import did_you_mean

    if wanted in plan.tables:
        return wanted
    matches = [key for key, tp in plan.tables.items() if wanted == tp.table.name]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise UnknownName(f"table {wanted!r} is ambiguous in {plan.name}: {', '.join(matches)}")
    names = [*plan.tables, *(tp.table.name for tp in plan.tables.values())]
    raise UnknownName(
        f"no table {wanted!r} in dataset {plan.name}{did_you_mean(wanted, names)} "
        f"(tables: {', '.join(plan.tables)})"
    )


def _tables(plan: DatasetPlan, args: argparse.Namespace) -> list[str] | None:
    """The `--table` selection as table keys (None: every table)."""
    wanted = [t.strip() for value in args.table or () for t in value.split(",") if t.strip()]
    return [_table_key(plan, t) for t in dict.fromkeys(wanted)] if wanted else None


def _source(plan: DatasetPlan, args: argparse.Namespace, settings: Settings):
    """Where export and load read rows: the materialised Parquet (`--from-storage`, with the
    storage of `--storage` / DATAGEN_STORAGE_URL unless a URL is given) or the engine."""
    from datagen_assets.write.exports.sources import chunk_source

    url = args.from_storage
    if url is True:
        url = settings.storage_url
    return chunk_source(plan, url or None)


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    workspace = _workspace(settings, args.datasets, sample_rows=_sample_rows())
    if not workspace.plans and not workspace.failures:
        print(f"no dataset in {settings.schemas_dir}")
    for plan in workspace.plans:
        tables = plan.tables.values()
        columns = sum(len(t.table.columns) for t in tables)
        rows = sum(t.rows for t in tables)
        notes = len(plan.notes) + sum(len(t.notes) for t in tables)
        print(
            f"{plan.name}: {len(plan.tables)} tables, {columns} columns, {rows:,} rows"
            f" ({plan.dataset.schema_path})" + (f", {notes} note(s)" if notes else "")
        )
    _report_failures(workspace)
    return EXIT_FAILED if workspace.failures else EXIT_OK


def _sample_rows() -> int:
    from datagen_assets.plan.preflight import SAMPLE_ROWS

    return SAMPLE_ROWS


def cmd_plan(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.plan.preflight import preflight

    plan = _one_plan(settings, _dataset_arg(args))
    report = preflight(plan)
    report.raise_for_problems()
    print(f"dataset {plan.name}: seed {plan.seed}, {len(plan.tables)} tables, parents first")
    width = max(len(k) for k in plan.tables) if plan.tables else 0
    for position, table_plan in enumerate(plan.tables.values(), 1):
        parents = f"  <- {', '.join(table_plan.parents)}" if table_plan.parents else ""
        print(
            f"{position:3}. {table_plan.key:<{width}}  {table_plan.rows:>12,} rows  "
            f"{table_plan.chunk_count:>4} chunk(s) of {table_plan.rows_per_chunk:,}{parents}"
        )
        for note in table_plan.notes:
            print(f"       note: {note.message}")
    for note in plan.notes:
        print(f"note: {note.message}")
    total = sum(e.bytes for e in report.estimates.values())
    seconds = sum(e.seconds for e in report.estimates.values())
    for key, estimate in report.estimates.items():
        print(
            f"estimate {key}: ~{estimate.bytes / 2**20:,.1f} MiB in memory, "
            f"~{estimate.seconds:,.2f} s to generate"
        )
    print(f"estimate total: ~{total / 2**20:,.1f} MiB, ~{seconds:,.1f} s of generation")
    print(f"materialise: {len(plan_batches(plan))} run(s)")
    return EXIT_OK


def cmd_materialize(args: argparse.Namespace, settings: Settings) -> int:
    home = ensure_dagster_home()
    print(f"Dagster instance: {home}; storage: {settings.storage_url}")
    outcomes, failures = materialize_workspace(
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
        + (f"; {len(failures)} invalid dataset(s) not run" if failures else "")
    )
    if failed or failures:  # only ERROR-level failures count; warnings are reported above
        reasons = [f"{errors} check(s) failed with severity ERROR"] if errors else []
        other = [o.table for o in failed if o.error or o.skipped]
        if other:
            reasons.append(f"{len(other)} table(s) failed or were skipped: {', '.join(other)}")
        if failures:
            reasons.append(f"invalid dataset(s) not run: {', '.join(failures)}")
        print("exit status 1: " + "; ".join(reasons))
        return EXIT_FAILED
    if warnings:
        print(f"exit status 0: {warnings} warning(s) only (severity WARN), no ERROR")
    return EXIT_OK


def materialize_workspace(
    settings: Settings,
    datasets: Sequence[str] = (),
    tables: Sequence[str] = (),
    verbose: bool = False,
    checks: bool = True,
) -> tuple[list[TableOutcome], dict]:
    """Materialise the valid datasets among those named (all by default); the invalid ones
    are reported on stderr and returned, and never stop the others."""
    workspace = _workspace(settings, datasets, sample_rows=_sample_rows())
    _report_failures(workspace)
    if datasets and not workspace.plans:
        return [], workspace.failures
    named = [p.name for p in workspace.plans]
    outcomes = materialize(
        settings, named, tables, verbose=verbose, checks=checks, plans=workspace.plans
    )
    return outcomes, workspace.failures


def cmd_new(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.suggest import did_you_mean
    from datagen_assets.templates import list_templates, write_template

    known = list_templates()
    if args.template not in known:
        raise UnknownName(
            f"unknown template {args.template!r}{did_you_mean(args.template, known)} "
            f"(templates: {', '.join(known)})"
        )
    try:
        written = write_template(args.template, settings.schemas_dir, args.name, args.force)
    except FileExistsError as error:
        raise UsageError(str(error).replace("use force", "use --force")) from None
    except ValueError as error:  # an invalid --name
        raise UsageError(str(error)) from None
    for path in written:
        print(f"wrote {path}")
    print(
        f"adjust the row counts in the YAML, then: datagen materialize {args.name or args.template}"
    )
    return EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.write.exports.api import export_dataset, export_profile
    from datagen_assets.write.exports.manifest import MANIFEST_NAME
    from datagen_assets.write.exports.output import output_root

    plan = _one_plan(settings, _dataset_arg(args))
    tables = _tables(plan, args)
    source = _source(plan, args, settings)
    if args.profile:
        root = args.out or DEFAULT_EXPORTS
        manifest = export_profile(plan, source, args.profile, root, limit=args.rows, tables=tables)
        out = str(output_root(root).joinpath(args.profile, plan.name))
    else:
        out = args.out or f"{DEFAULT_EXPORTS}/{plan.name}-{args.format}"
        manifest = export_dataset(
            plan,
            source,
            args.format,
            out,
            compression=args.compression,
            dialect=args.dialect,
            tables=tables,
            limit=args.rows,
            batch_rows=args.batch_rows,
        )
    print(f"wrote {out}/{MANIFEST_NAME}")
    total = sum(manifest.tables.values())
    print(
        f"{manifest.dataset}: {total:,} rows in {len(manifest.tables)} table(s) -> "
        f"{len(manifest.files)} file(s)"
    )
    for written in manifest.files:
        print(f"  {written.path}  {written.bytes:,} bytes  sha256 {written.sha256[:16]}")
    return EXIT_OK


DEFAULT_EXPORTS = "exports"


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.write.targets import DSN_ENV_VAR, load_dataset, mask, redact

    variable = args.target_env or DSN_ENV_VAR
    target = args.target or os.environ.get(variable, "")
    if not target:
        raise UsageError(f"no target: give --target or set ${variable}")
    plan = _one_plan(settings, _dataset_arg(args))
    tables = _tables(plan, args)
    if args.from_storage or args.from_engine:
        source = _source(plan, args, settings)
    else:  # what was materialised when storage holds it all, else the engine (said below)
        from datagen_assets.write.exports.sources import materialised_source

        source = materialised_source(plan, settings.storage_url, tables)
    print(f"{plan.name} -> {redact(target)} ({args.mode})")
    print(f"rows from {source.description}")
    try:
        report = load_dataset(plan, source, target, args.mode, tables=tables, echo=print)
    except Exception as error:  # a DSN may be quoted in the message: never show its password
        if _is_user_error(error):
            raise CommandError(mask(str(error), target)) from None
        raise
    for note in report.notes:
        print(f"note: {note}")
    if report.skipped:
        print(f"{report.skipped:,} row(s) already in the target were skipped ({args.mode})")
    print(
        f"{report.dataset}: {report.rows:,} rows into {len(report.tables)} table(s) in "
        f"{report.seconds:.2f} s ({report.rows_per_second:,.0f} rows/s)"
    )
    return EXIT_OK


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.write.preview import preview, render

    plan = _one_plan(settings, _dataset_arg(args))
    (key,) = _tables(plan, args) or [None]
    if key is None:
        raise UsageError(f"name a table with --table (tables: {', '.join(plan.tables)})")
    table_plan = plan.table(key)
    storage = args.from_storage if isinstance(args.from_storage, str) else settings.storage_url
    frame = preview(storage, plan.name, key, args.rows, args.where, table_plan.partition_keys)
    columns = _columns(args)
    condition = f" where {args.where}" if args.where else ""
    print(f"{plan.name}/{key}: first {frame.height} row(s){condition}")
    print(render(frame, columns=columns or None, vertical=args.vertical))
    return EXIT_OK


def cmd_explain(args: argparse.Namespace, settings: Settings) -> int:
    """How each column is made: the meaning chosen and its evidence, the generator with its
    parameters (or the key/FK it follows) and sample values."""
    from datagen_assets.generate.engine import engine_for
    from datagen_assets.generate.meanings.report import explain_table

    plan = _one_plan(settings, _dataset_arg(args))
    engine = engine_for(plan)
    for key in _tables(plan, args) or list(plan.tables):
        columns = _columns(args)
        unknown = [c for c in columns if c not in plan.table(key).table.column_names]
        if unknown and len(_tables(plan, args) or plan.tables) == 1:
            names = plan.table(key).table.column_names
            raise UsageError(
                f"no column {unknown[0]!r} in {key}{did_you_mean(unknown[0], names)} "
                f"(columns: {', '.join(names)})"
            )
        print(f"{plan.name}/{key}:")
        for line in explain_table(engine, key, columns or None):
            print(line)
    return EXIT_OK


def cmd_annotate(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.ai.assistant import AssistantConfig, annotate_file

    target = Path(args.dataset)
    if not target.is_file():  # a dataset name: its schema file in the schemas folder
        target = _one_plan(settings, args.dataset).dataset.schema_path
    config = AssistantConfig.from_env()
    if args.model:
        config = AssistantConfig(
            config.api_key,
            args.model,
            config.base_url,
            config.timeout_s,
            config.max_retries,
            config.max_tokens,
        )
    result = annotate_file(target, args.config, config=config, force=args.force)
    print(f"{result.status}: {result.message}")
    return EXIT_OK


def cmd_introspect(args: argparse.Namespace, settings: Settings) -> int:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from datagen_assets.schema.introspect import (
        redact,
        snapshot_postgres,
        without_secret,
        write_snapshot,
    )

    if args.profile and args.out is None:
        raise UsageError("--profile needs --out (the profile is written beside the snapshot)")
    try:
        conninfo_to_dict(args.dsn)
    except psycopg.Error:  # libpq's message may quote parts of the DSN, the password included
        raise UsageError("the DSN is not a valid libpq connection string or URL") from None
    try:
        if args.out is None:
            sys.stdout.write(snapshot_postgres(args.dsn, args.schemas, args.table))
            return EXIT_OK
        written = write_snapshot(args.dsn, args.out, args.schemas, args.table, profile=args.profile)
    except (psycopg.Error, ValueError, OSError) as error:
        message = without_secret(str(error).strip(), args.dsn)
        raise CommandError(f"{message} ({redact(args.dsn)})") from None
    for path in written:
        print(f"wrote {path} from {redact(args.dsn)}")
    return EXIT_OK


def cmd_dev(args: argparse.Namespace, settings: Settings) -> int:
    """`dagster dev` on the instance `datagen materialize` writes to, so the UI shows the
    runs and checks of the CLI. Dagster reads the instance's `dagster.yaml` from DAGSTER_HOME
    and warns about any other one in the folder it starts in (the repo's), so it starts in
    DAGSTER_HOME, with the schemas folder and a local storage made absolute."""
    from datagen_assets.settings import SCHEMAS_DIR_VAR, STORAGE_URL_VAR

    home = ensure_dagster_home().resolve()
    env = dict(os.environ, DAGSTER_HOME=str(home))
    env[SCHEMAS_DIR_VAR] = str(Path(settings.schemas_dir).resolve())
    if "://" not in settings.storage_url:
        env[STORAGE_URL_VAR] = str(Path(settings.storage_url).resolve())
    command = [sys.executable, "-m", "dagster", "dev", "-m", "datagen_assets"]
    command += ["--host", args.host, "--port", str(args.port)]
    print(f"Dagster instance: {home}; UI on http://{args.host}:{args.port}", flush=True)
    os.chdir(home)
    os.execve(sys.executable, command, env)  # Ctrl-C and exit status are Dagster's own
    return EXIT_OK  # not reached


def cmd_config_schema(args: argparse.Namespace, settings: Settings) -> int:
    from datagen_assets.published_schemas import json_schema_text

    text = json_schema_text(args.kind)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    return EXIT_OK


# ---------------------------------------------------------------------------- parser


class UsageError(Exception):
    """The command line is wrong (exit 2)."""


class CommandError(Exception):
    """The command could not do its work, for a reason the message says (exit 1)."""


def _dataset_arg(args: argparse.Namespace) -> str:
    name = getattr(args, "dataset_option", None) or args.dataset
    if not name:
        raise UsageError("name a dataset: datagen <command> DATASET (see datagen validate)")
    return name


def _common(parser: argparse.ArgumentParser) -> None:
    """Options every command takes, with one meaning everywhere."""
    parser.add_argument(
        "--schemas-dir",
        metavar="DIR",
        help="folder of schema files and configs (default: $DATAGEN_SCHEMAS_DIR or ./schemas)",
    )
    parser.add_argument(
        "--storage",
        metavar="URL",
        help="where materialised Parquet lives (default: $DATAGEN_STORAGE_URL or ./data)",
    )


def _dataset(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dataset", metavar="DATASET", nargs="?", help="dataset name (schemas/<name>.sql)"
    )
    # the old `python -m datagen_assets.<module> --dataset NAME` spelling
    parser.add_argument("--dataset", dest="dataset_option", help=argparse.SUPPRESS)


def _table_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    parser.add_argument("--table", action="append", metavar="TABLE", help=help_text)
    parser.add_argument("--tables", action="append", dest="table", help=argparse.SUPPRESS)


def _column_option(parser: argparse.ArgumentParser) -> None:
    """--column, as --table: repeatable or comma-separated (--columns is the same option)."""
    parser.add_argument(
        "--column",
        "--columns",
        action="append",
        dest="column",
        metavar="COLUMN",
        help="only these columns (repeatable, or comma-separated; default: all)",
    )


def _columns(args: argparse.Namespace) -> list[str]:
    """The `--column` selection, in order, each once."""
    wanted = [c.strip() for value in args.column or () for c in value.split(",") if c.strip()]
    return list(dict.fromkeys(wanted))


def _source_options(parser: argparse.ArgumentParser, engine_default: str) -> None:
    """--from-storage / --from-engine, the same for every command reading rows; which is
    the default depends on the command (`engine_default` says when the engine is)."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--from-storage",
        nargs="?",
        const=True,
        metavar="URL",
        help="read the materialised Parquet chunks (of --storage unless a URL is given)",
    )
    source.add_argument(
        "--from-engine",
        action="store_true",
        help=f"generate the rows on the fly ({engine_default})",
    )


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def build_parser() -> argparse.ArgumentParser:
    from datagen_assets.write.targets import CREATE_IF_MISSING, MODES

    parser = argparse.ArgumentParser(
        prog="datagen",
        description="Synthetic datasets from database schemas, via Dagster.",
        epilog="Exit codes: 0 done, 1 invalid input or failed work, 2 wrong command line.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str | None = None):
        sub = commands.add_parser(
            name, help=summary, description=description or summary, formatter_class=_Formatter
        )
        _common(sub)
        return sub

    validate = command(
        "validate",
        "load every dataset (or those named); print a summary or every problem",
        "Load, plan and pre-flight datasets (a sample of every table, CHECKs evaluated). An "
        "invalid dataset is reported and the others still are.",
    )
    validate.add_argument("datasets", nargs="*", metavar="DATASET")

    plan = command("plan", "print a dataset's plan: tables parents first, rows, chunks, estimates")
    _dataset(plan)

    materialize_parser = command(
        "materialize",
        "materialise datasets (all chunks, with checks) through Dagster",
        "Materialise every chunk of the datasets named (default: every valid one) with their "
        "asset checks, on the Dagster instance of $DAGSTER_HOME (default ./.dagster).",
    )
    materialize_parser.add_argument("datasets", nargs="*", metavar="DATASET")
    _table_option(materialize_parser, "only this table (repeatable, or comma-separated)")
    materialize_parser.add_argument(
        "-v", "--verbose", action="store_true", help="show Dagster's debug log of each run"
    )
    materialize_parser.add_argument(
        "--no-checks",
        action="store_true",
        help="generate only; run the asset checks later (e.g. from the UI)",
    )

    new = command("new", "write a template dataset (schema + YAML) into the schemas folder")
    new.add_argument("template", help="ecommerce, saas, healthcare or finance")
    new.add_argument("--name", help="dataset name (default: the template's)")
    new.add_argument("--force", action="store_true", help="overwrite existing files")

    export = command(
        "export",
        "write a dataset as files (CSV, JSON, Parquet, Excel, SQL, pgdump) with a manifest",
        "Write a dataset as files with a manifest.json, from the engine (default) or from the "
        "materialised Parquet (--from-storage).\n\n"
        "  datagen export shop --format csv --compression zstd\n"
        "  datagen export shop --format sql --dialect mysql\n"
        "  datagen export shop --profile fixtures --from-storage",
    )
    _export_options(export)

    load = command(
        "load",
        "load a dataset into PostgreSQL or a SQLite file",
        "Load a dataset into a PostgreSQL database or a SQLite file.\n\n"
        "  datagen load shop --target postgresql://postgres@127.0.0.1/test\n"
        "  datagen load shop --target sqlite:///shop.db --mode truncate_then_insert\n\n"
        "Rows come from the materialised Parquet when storage holds every chunk of the "
        "plan, else from the engine (the same rows); the command says which. --from-storage "
        "or --from-engine forces one.",
    )
    _dataset(load)
    load.add_argument(
        "--target",
        help="PostgreSQL DSN or SQLite file (default: $DATAGEN_TARGET_DSN); prefer "
        "--target-env for a DSN with a password, so it stays out of the process list",
    )
    load.add_argument("--target-env", metavar="VAR", help="read the target from this variable")
    load.add_argument(
        "--mode",
        choices=MODES,
        default=CREATE_IF_MISSING,
        help="create_if_missing (default) creates missing tables and skips rows already there, "
        "so a rerun is harmless; truncate_then_insert reloads; append_only adds rows",
    )
    _table_option(load, "only this table (repeatable, or comma-separated; default: all)")
    _source_options(load, "the default when storage lacks a chunk of the plan")

    preview = command(
        "preview",
        "print the first rows of a materialised table",
        "Print the first rows of a table from Parquet storage. Wide tables are shown one "
        "record per block (--vertical), or pick columns with --columns.\n\n"
        '  datagen preview shop --table orders -n 10 --where "total > 100"\n'
        "  datagen preview shop --table customers --columns id,email,city",
    )
    _dataset(preview)
    _table_option(preview, "the table (key or bare name)")
    preview.add_argument("-n", "--rows", type=_count, default=10, help="rows to show (10)")
    preview.add_argument("--where", help="SQL filter, e.g. \"total > 100 AND status = 'paid'\"")
    _column_option(preview)
    layout = preview.add_mutually_exclusive_group()
    layout.add_argument(
        "--vertical",
        action="store_true",
        default=None,
        help="one record per block, a column per line (default when the table is too wide)",
    )
    layout.add_argument("--horizontal", dest="vertical", action="store_false", help="always a grid")
    preview.add_argument("--from-storage", metavar="URL", help=argparse.SUPPRESS)

    explain = command("explain", "show how each column of a dataset is generated")
    _dataset(explain)
    _table_option(explain, "only this table (repeatable)")
    _column_option(explain)

    annotate = command(
        "annotate",
        "ask Claude for generator suggestions from schema metadata (never data)",
        "Write schemas/<name>.annotations.yaml: Claude sees the schema's metadata only, never "
        "rows; the reviewed file steers generation and works offline.",
    )
    annotate.add_argument("dataset", metavar="DATASET", help="dataset name or schema file")
    annotate.add_argument(
        "--config", type=Path, help="dataset YAML (default: the one beside the schema)"
    )
    annotate.add_argument("--force", action="store_true", help="ask again even if up to date")
    annotate.add_argument("--model", help="model (default: $DATAGEN_AI_MODEL or the built-in)")

    introspect = command(
        "introspect",
        "snapshot a live PostgreSQL database as a schema file",
        "Snapshot a live PostgreSQL database's tables, keys and CHECKs as a DataGen schema "
        "file (and optionally a profile of its values).",
    )
    introspect.add_argument(
        "--dsn",
        default=os.environ.get("DATAGEN_SOURCE_DSN", ""),
        help="libpq DSN or URL (default: $DATAGEN_SOURCE_DSN, then the PG* variables)",
    )
    introspect.add_argument("--schema", action="append", dest="schemas", help="repeatable")
    introspect.add_argument("--table", action="append", help="schema.name or name (repeatable)")
    introspect.add_argument("--out", type=Path, help="snapshot file (default: standard output)")
    introspect.add_argument("--profile", action="store_true", help="also write <name>.profile.yaml")
    dev = command(
        "dev",
        "start the Dagster UI on the instance datagen materialize uses",
        "Start `dagster dev` on $DAGSTER_HOME (default ./.dagster, seeded like materialize), "
        "so the UI shows the CLI's runs and checks; Ctrl-C stops it.",
    )
    dev.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    dev.add_argument("--port", type=_count, default=3000, help="port of the UI (3000)")
    config_schema = command(
        "config-schema",
        "print the JSON Schema of a YAML file DataGen reads (for editors; docs/*.schema.json)",
        "Print (or write with --out) the JSON Schema of a dataset's YAML config, or of the "
        "annotations or profile file. Point an editor at it with a first line\n\n"
        "  # yaml-language-server: $schema=PATH\n\nas every YAML file DataGen writes has.",
    )
    config_schema.add_argument(
        "kind",
        nargs="?",
        default="dataset",
        choices=list(KINDS),
        help="which file: dataset (default), annotations or profile",
    )
    config_schema.add_argument("--out", type=Path, help="write it here instead of stdout")
    return parser


def _export_options(export: argparse.ArgumentParser) -> None:
    from datagen_assets.write.exports.api import PROFILES
    from datagen_assets.write.exports.output import COMPRESSIONS
    from datagen_assets.write.exports.registry import FORMATS
    from datagen_assets.write.exports.to_sql import DIALECTS

    _dataset(export)
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--format", choices=sorted(FORMATS), help="file format")
    what.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        help="; ".join(f"{p.name}: {p.purpose}" for p in PROFILES.values()),
    )
    export.add_argument(
        "--out",
        help=f"output folder or URL (default: {DEFAULT_EXPORTS}/<dataset>-<format>; for a "
        "profile, the root of <profile>/<dataset>/)",
    )
    export.add_argument("--compression", choices=sorted(COMPRESSIONS))
    export.add_argument("--dialect", choices=DIALECTS, help="INSERT dialect (sql format)")
    export.add_argument("--batch-rows", type=_count, default=500, help="rows per INSERT (sql; 500)")
    _table_option(export, "only this table (repeatable, or comma-separated; default: all)")
    export.add_argument("-n", "--rows", type=_count, help="keep only the first rows of each table")
    _source_options(export, "the default")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} must not be negative")
    return value


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "validate": cmd_validate,
    "plan": cmd_plan,
    "materialize": cmd_materialize,
    "new": cmd_new,
    "export": cmd_export,
    "load": cmd_load,
    "preview": cmd_preview,
    "explain": cmd_explain,
    "annotate": cmd_annotate,
    "introspect": cmd_introspect,
    "config-schema": cmd_config_schema,
    "dev": cmd_dev,
}


def _settings(args: argparse.Namespace) -> Settings:
    from dataclasses import replace

    settings = Settings.from_env()
    if getattr(args, "schemas_dir", None):
        settings = replace(settings, schemas_dir=Path(args.schemas_dir))
    if getattr(args, "storage", None):
        settings = replace(settings, storage_url=args.storage)
    return settings


def _is_user_error(error: BaseException) -> bool:
    """Errors whose message is the whole story for the user (bad input, unreachable service,
    missing file), as opposed to a DataGen bug."""

    names = {cls.__name__ for cls in type(error).__mro__}
    user = {"LoadError", "AssistantError", "AnnotationError", "Error"}  # psycopg.Error
    return isinstance(error, (SchemaError, ValueError, OSError, UsageError, CommandError)) or bool(
        names & user
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `datagen` command; returns its exit code (see EXIT_*)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # --help (0) or a usage error (2), printed by argparse
        return int(exit_.code or 0)
    prefix = f"datagen {args.command}: error:"
    try:
        try:
            settings = _settings(args)
        except ValueError as error:  # an invalid DATAGEN_* variable
            print(f"{prefix} {error}", file=sys.stderr)
            return EXIT_USAGE
        return COMMANDS[args.command](args, settings)
    except BrokenPipeError:
        # The reader closed the pipe (`| head`): stop quietly, and keep Python from failing
        # again when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print(f"datagen {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (UsageError, UnknownName) as error:
        print(f"{prefix} {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:
        from datagen_assets.schema.model import SchemaError

        if isinstance(error, SchemaError):
            print(f"{prefix} invalid dataset: {error}", file=sys.stderr)
            return EXIT_FAILED
        if _is_user_error(error):
            print(f"{prefix} {error}", file=sys.stderr)
            return EXIT_FAILED
        if os.environ.get(DEBUG_VAR):
            raise
        print(
            f"{prefix} internal error: {type(error).__name__}: {error}\n"
            f"This is a DataGen bug: please report it with the command line and the schema "
            f"(run again with {DEBUG_VAR}=1 for the traceback).",
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())

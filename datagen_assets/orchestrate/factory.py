"""Builds the Dagster definitions of every dataset: one asset per table, its checks, jobs.

Shape, and why (Dagster 1.13):

- Every table is its own asset (key, lineage, metadata, checks in the UI), partitioned by row
  chunk (`StaticPartitionsDefinition` of "00000"...) with `BackfillPolicy.single_run()`. Every
  table of a dataset has the same chunk keys (`plan.plan`), so a dataset is one partitions
  definition: one run, one job, one launch from the UI.
- The tables of one chunk group (a whole dataset, as planned) are one subsettable
  `multi_asset`, as dagster-dbt makes a dbt project: a run costs one step, not one per table
  plus one per table's checks (each step start, output and event write costs more than
  generating a small table). The step generates the selected tables in FK order; each table's
  output is a mapping partition key -> DataFrame that `ParquetIOManager` writes chunk by chunk
  (produced lazily, one in memory at a time), with per-chunk metadata (rows, seconds, preview)
  on each partition's materialization.
- Checks are check specs of the same multi-asset, whole-table (uniqueness and foreign keys are
  properties of all chunks together; partitioned check specs are still a preview in 1.13). The
  step evaluates the selected ones right after the tables they read are written, on a
  memory-bounded DuckDB connection a table (closed after: its buffers never add to the next
  table's generation); a failed blocking check stops its table's descendants. Selecting checks alone
  re-runs them without regenerating anything. They read only chunks that exist. PII scans
  (never blocking) come last, Presidio prepared meanwhile on a worker thread.
- Jobs: `<dataset>_job` over the dataset's tables (one per chunk group if a plan has several).
  The CLI does not use them: it runs subsets of the implicit asset job (see `cli`).
- Executor: in-process (a process per step costs seconds on a small box).
"""

import contextlib
import hashlib
import logging
import re
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import polars as pl
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetRecordsFilter,
    AssetsDefinition,
    AssetSelection,
    AssetSpec,
    Definitions,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
    TableColumnDep,
    TableColumnLineage,
    asset,
    define_asset_job,
    multi_asset,
)
from upath import UPath

from datagen_assets.check.constraints import WARN, CheckResult, TableFiles, run_checks
from datagen_assets.generate.engine import engine_for, generate
from datagen_assets.generate.fingerprint import explain_change, table_fingerprint
from datagen_assets.orchestrate.assistant import RESOURCE_KEY as ASSISTANT_KEY
from datagen_assets.orchestrate.assistant import ClaudeAssistant, build_annotate_job
from datagen_assets.orchestrate.executors import executor_from_env
from datagen_assets.orchestrate.outputs import build_output_definitions
from datagen_assets.orchestrate.quality import build_quality_assets
from datagen_assets.orchestrate.requests import build_request_definitions
from datagen_assets.orchestrate.schedules import build_schedules
from datagen_assets.orchestrate.snapshots import build_snapshot_jobs
from datagen_assets.orchestrate.translator import DatasetTranslator, pii_categories, table_files
from datagen_assets.plan.plan import DatasetPlan, TablePlan
from datagen_assets.schema.model import STRING_KINDS, SchemaError
from datagen_assets.settings import Settings
from datagen_assets.workspace import load_workspace
from datagen_assets.write.parquet_io import (
    ParquetIOManagerFactory,
    asset_path,
    chunk_name,
)

logger = logging.getLogger("datagen")
PREVIEW_ROWS = 5
PREVIEW_WIDTH = 40
PROGRESS_SECONDS = 10.0


def build_definitions(
    settings: Settings | None = None, translator: DatasetTranslator | None = None
) -> Definitions:
    """Definitions for every dataset in the schemas folder. A dataset that does not load is
    isolated: the others load, and it shows as a failing asset of its own group naming every
    problem (see `broken_dataset_asset`), so the code location never fails for one of them."""
    settings = settings or Settings.from_env()
    workspace = load_workspace(settings)
    for name, error in workspace.failures.items():
        logger.error(f"dataset {name} is invalid and was left out:\n{error}")
    defs = definitions_for_plans(workspace.plans, settings, translator)
    if not workspace.failures:
        return defs
    broken = [broken_dataset_asset(name, error) for name, error in workspace.failures.items()]
    return Definitions.merge(defs, Definitions(assets=broken))


def broken_dataset_asset(name: str, error: SchemaError) -> AssetsDefinition:
    """`<dataset>/invalid_dataset`: stands in the dataset's group for a dataset that does not
    load. Its description lists the problems (file:line, table, column) and materialising it
    fails with them, so the UI shows the dataset as broken, and why, beside working ones."""
    problems = "\n".join(f"- {problem}" for problem in error.problems)

    @asset(
        key=AssetKey([name, "invalid_dataset"]),
        group_name=name,
        description=f"Dataset `{name}` is invalid and was not loaded:\n\n{problems}",
        metadata={"datagen/problems": MetadataValue.md(problems)},
        kinds={"datagen"},
    )
    def _invalid() -> None:
        raise Failure(
            description=f"dataset {name} is invalid; fix the problem(s) and reload:\n{problems}",
            allow_retries=False,
        )

    return _invalid


@dataclass
class LocationWide:
    """What a code location defines once however many calls declare datasets in it (a dg
    project with several DataGenDataset components): the request job and its sensors, the
    annotate job over every dataset declared so far, the resources and the executor. The
    first call builds them and returns them; later calls reuse the same objects (their
    schedules run the same request job) and return none of them again, so merging the
    components' definitions finds each name once."""

    plans: list = field(default_factory=list)
    request_job: object = None
    sensors: list = field(default_factory=list)
    annotate_job: object = None
    resources: dict = field(default_factory=dict)
    executor: object = None


def definitions_for_plans(
    plans: Sequence[DatasetPlan],
    settings: Settings,
    translator: DatasetTranslator | None = None,
    location: LocationWide | None = None,
) -> Definitions:
    """Definitions for already loaded plans (the CLI plans once and reuses them). With
    `location`, the location-wide definitions are added only by the first call sharing it."""
    translator = translator or DatasetTranslator()
    location = location if location is not None else LocationWide()
    first = location.request_job is None
    location.plans.extend(plans)
    if first:
        location.request_job, location.sensors = build_request_definitions(settings)
        # Claude over schema metadata (orchestrate/assistant): reads the list when it runs
        location.annotate_job = build_annotate_job(location.plans)
        location.resources = {
            "io_manager": ParquetIOManagerFactory(storage_url=settings.storage_url),
            ASSISTANT_KEY: ClaudeAssistant(),
        }
        location.executor = executor_from_env()
    assets: list[AssetsDefinition] = []
    jobs: list = []  # define_asset_job's type is not exported by dagster
    for plan in plans:
        assets.append(build_preflight_asset(plan, translator))
        assets.extend(build_dataset_assets(plan, translator, settings))
        jobs.extend(build_dataset_jobs(plan, translator))
    # Refresh schedules and snapshot jobs per dataset (orchestrate/schedules.py, snapshots.py).
    schedules = build_schedules([plan.dataset for plan in plans], settings, location.request_job)
    jobs.extend(build_snapshot_jobs(plans, settings))  # never connect: DSNs are read at run time
    # Export and database-load assets downstream of the tables (orchestrate/outputs.py).
    outputs = build_output_definitions(plans, settings, translator)
    for key, resource in outputs.resources.items():  # one object per key in the location
        location.resources.setdefault(key, resource)
    # A quality report per dataset, downstream of its tables (orchestrate/quality.py).
    quality = build_quality_assets(plans, settings, translator)
    shared = [location.request_job, location.annotate_job] if first else []
    return Definitions(
        assets=[*assets, *outputs.assets, *quality],
        jobs=[*jobs, *outputs.jobs, *shared],
        sensors=location.sensors if first else [],
        schedules=schedules,
        resources=dict(location.resources)
        if first
        else {k: location.resources[k] for k in outputs.resources},
        executor=location.executor if first else None,
    )


def load_plans(settings: Settings) -> list[DatasetPlan]:
    """Discover, validate and plan every dataset; problems from all datasets are raised as one
    `SchemaError`. The pre-flight (which compiles the engine, so bad column overrides count)
    stops definitions from loading rather than a run."""
    workspace = load_workspace(settings)
    workspace.raise_for_failures()
    return workspace.plans


# ---------------------------------------------------------------------------- assets


def build_preflight_asset(plan: DatasetPlan, translator: DatasetTranslator) -> AssetsDefinition:
    """The root of a dataset's graph: its sampled pre-flight (`plan.preflight`), the check
    `datagen validate` runs, so a run launched from the UI fails here, before any table is
    written, when it would fail later. Unpartitioned, upstream of every table without a
    parent: "Materialize all" on the dataset's group then launches every table's every chunk
    at once (a selection whose root is partitioned opens on zero partitions)."""
    tables = plan.tables.values()
    description = (
        f"Pre-flight of dataset {plan.name} ({plan.dataset.schema_path.name}): every table "
        f"sampled as the run draws it, every CHECK evaluated; fails, and nothing is written, "
        f"when a run would. {len(plan.tables)} table(s), "
        f"{sum(t.rows for t in tables):,} rows planned."
    )

    @asset(
        key=translator.get_preflight_key(plan),
        group_name=plan.name,
        kinds={"datagen"},
        description=description,
    )
    def _preflight(context: AssetExecutionContext) -> MaterializeResult:
        from datagen_assets.plan.preflight import sampled_preflight

        sampled_preflight([plan])  # raises SchemaError naming every problem
        chunks = max((t.chunk_count for t in tables), default=0)
        context.log.info(f"{plan.name}: pre-flight passed, {len(plan.tables)} table(s)")
        return MaterializeResult(
            metadata={
                "datagen/tables": MetadataValue.int(len(plan.tables)),
                "datagen/rows_planned": MetadataValue.int(sum(t.rows for t in tables)),
                "datagen/chunks": MetadataValue.int(chunks),
                "datagen/seed": MetadataValue.int(plan.seed),
                "datagen/notes": MetadataValue.md(
                    "\n".join(f"- {t.key}: {note.message}" for t in tables for note in t.notes)
                    or "none"
                ),
            }
        )

    return _preflight


def partition_groups(plan: DatasetPlan) -> dict[tuple[str, ...], list[str]]:
    """The dataset's tables by chunk keys, each group in FK order (parents first)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for key, table_plan in plan.tables.items():
        groups.setdefault(tuple(table_plan.partition_keys), []).append(key)
    return groups


def group_op_names(plan: DatasetPlan) -> dict[tuple[str, ...], str]:
    """Chunk keys -> the op name of that group's multi-asset: `<dataset>` when the dataset has
    one group (the usual case: see `plan.plan`), else `<dataset>__<n>_chunks`."""
    groups = partition_groups(plan)
    names = {}
    for keys in groups:
        label = plan.name if len(groups) == 1 else f"{plan.name}__{len(keys)}_chunks"
        names[keys] = _op_name(label)
    return names


def _op_name(label: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]+", "_", label).strip("_") or "dataset"
    if name[0].isdigit():
        name = f"_{name}"
    if len(name) > 200:
        name = f"{name[:190]}_{hashlib.sha1(label.encode()).hexdigest()[:8]}"
    return name


def build_dataset_assets(
    plan: DatasetPlan, translator: DatasetTranslator, settings: Settings
) -> list[AssetsDefinition]:
    """One subsettable multi-asset per group of tables sharing chunk keys (one per dataset
    when, as planned, every table has the same chunks)."""
    names = group_op_names(plan)
    return [
        build_tables_asset(plan, tables, translator, settings, names[keys])
        for keys, tables in partition_groups(plan).items()
    ]


def build_tables_asset(
    plan: DatasetPlan,
    tables: Sequence[str],
    translator: DatasetTranslator,
    settings: Settings,
    name: str,
) -> AssetsDefinition:
    """The tables of one chunk group as one subsettable multi-asset, the way dagster-dbt makes
    a dbt project one `multi_asset`: each table is still its own asset (key, lineage, metadata,
    partitions, checks in the UI), but a run executes one step that generates the selected
    tables in FK order, hands each one's chunks to the IO manager and then evaluates the
    selected checks over what it just wrote, in DuckDB. Any subset works: one
    table, its checks alone (nothing regenerated), or everything."""
    specs = {
        key: translator.get_asset_spec(plan.table(key), plan).with_io_manager_key("io_manager")
        for key in tables
    }
    check_specs = [
        spec for key in tables for spec in translator.get_check_specs(plan.table(key), plan)
    ]
    step = TablesStep(plan, list(tables), specs, check_specs, translator, settings)

    @multi_asset(
        specs=list(specs.values()),
        check_specs=check_specs,
        name=name,
        backfill_policy=translator.get_backfill_policy(plan.table(tables[0]), plan),
        can_subset=True,
    )
    def _tables(context: AssetExecutionContext) -> Iterator[Output | AssetCheckResult]:
        yield from step.run(context)

    return _tables


class TablesStep:
    """What the step of a chunk group's multi-asset does, for the tables and checks selected.

    Order: tables parents first; a check runs as soon as every table it reads has been written
    in this step (or is not part of it, then it reads storage): an FK check whose parent closes
    a cycle waits for that parent. A failed blocking check stops the descendants of its table
    (they are not written; Dagster then fails the step naming the check). Events are few: one
    materialization per chunk (with its metadata), one check evaluation per check and one log
    line per table (progress lines only every `PROGRESS_SECONDS` of a long table)."""

    def __init__(
        self,
        plan: DatasetPlan,
        tables: list[str],
        specs: Mapping[str, AssetSpec],
        check_specs: Sequence[AssetCheckSpec],
        translator: DatasetTranslator,
        settings: Settings,
    ):
        self.plan, self.tables, self.specs = plan, tables, specs
        self.translator, self.settings = translator, settings
        self.by_key = {spec.key: key for key, spec in specs.items()}
        self.blocking = {(spec.asset_key, spec.name) for spec in check_specs if spec.blocking}
        self.lineage = {key: column_lineage(plan.table(key), plan, translator) for key in tables}
        self.folders = {
            key: asset_path(settings.storage_url, spec.key.path) for key, spec in specs.items()
        }

    def run(self, context: AssetExecutionContext) -> Iterator[Output | AssetCheckResult]:
        selected = {self.by_key[k] for k in context.selected_asset_keys if k in self.by_key}
        checks: dict[str, list[str]] = {}
        for check_key in context.selected_asset_check_keys:
            checks.setdefault(self.by_key[check_key.asset_key], []).append(check_key.name)
        pending = [key for key in self.tables if key in checks]
        stopped: set[str] = set()  # tables not written (a parent's blocking check failed)
        done: set[str] = set()
        scans: list[str] = []  # tables whose PII scan runs last, see `warm_detection`
        warm = self.warm_detection(checks)
        con = None
        try:
            for key in self.tables:
                if key in selected:
                    blocked = ancestors(self.plan, key) & stopped
                    if blocked:
                        stopped.add(key)
                        context.log.warning(
                            f"{key}: not generated, a blocking check of "
                            f"{', '.join(sorted(blocked))} failed"
                        )
                    else:
                        yield self.output(context, key)
                done.add(key)
                for table in [t for t in pending if self.ready(t, selected, done)]:
                    pending.remove(table)
                    if table in stopped:
                        continue
                    if PII_SCAN in checks[table]:
                        scans.append(table)
                    names = [name for name in checks[table] if name != PII_SCAN]
                    if names:  # a connection a table: closing it gives back DuckDB's memory
                        with contextlib.closing(checks_connection()) as table_con:
                            yield from self.checks(table, names, table_con, stopped)
            if warm is not None:
                warm.join()
            for table in scans:
                if con is None:
                    con = checks_connection()
                yield from self.checks(table, [PII_SCAN], con, stopped)
        finally:
            if con is not None:
                con.close()

    def warm_detection(self, checks: Mapping[str, list[str]]) -> threading.Thread | None:
        """PII scans run last in the step (they never block: severity WARN), and when one will
        run detection, what detection needs (Presidio, spaCy, the name dictionary: seconds to
        import and build) is prepared on a worker thread meanwhile, while the step generates,
        writes and checks tables in polars and DuckDB, which release the GIL."""
        scanned = [t for t, names in checks.items() if PII_SCAN in names]
        if not any(needs_detection(self.plan.table(t), self.plan) for t in scanned):
            return None
        from datagen_assets.pii.scan import prepare

        locale = self.plan.dataset.config.locale
        thread = threading.Thread(
            target=prepare, args=(locale,), name="datagen-pii-prepare", daemon=True
        )
        thread.start()
        return thread

    def ready(self, table: str, selected: set[str], done: set[str]) -> bool:
        """Every table the checks of `table` read is written, or not written in this step."""
        reads = {table, *(fk.ref_table for fk in self.plan.table(table).table.foreign_keys)}
        return all(t in done or t not in selected for t in reads if t in self.specs)

    def output(self, context: AssetExecutionContext, key: str) -> Output:
        table_plan, spec = self.plan.table(key), self.specs[key]
        partition_keys = sorted(context.partition_keys)
        metadata = {"dagster/column_lineage": self.lineage[key]} if self.lineage[key] else {}
        metadata.update(run_record(context, self.plan, table_plan, spec.key, partition_keys))
        metadata["datagen/chunks_in_run"] = MetadataValue.int(len(partition_keys))
        chunks = GeneratedChunks(
            context, self.plan, table_plan, spec.key, self.folders[key], partition_keys
        )
        # One chunk is generated here, so generation errors read as such; a range is generated
        # lazily while the IO manager writes it, one chunk in memory at a time.
        first = partition_keys[0]
        value = {first: chunks[first]} if len(partition_keys) == 1 else chunks
        return Output(value, output_name=spec.key.to_python_identifier(), metadata=metadata)

    def checks(
        self, table: str, names: list[str], con, stopped: set[str]
    ) -> Iterator[AssetCheckResult]:
        table_plan = self.plan.table(table)
        asset_key = self.specs[table].key
        began = time.perf_counter()
        try:
            results = table_check_results(
                table_plan, self.plan, self.translator, self.settings, set(names), con=con
            )
        except Exception as error:  # a bug, not bad data (checks report that as failures)
            raise RuntimeError(
                f"{self.plan.name}/{table}: checks could not run: {error}"
            ) from error
        seconds = time.perf_counter() - began
        for result in results:
            blocking = (asset_key, result.name) in self.blocking
            if blocking and not result.passed and result.severity == "ERROR":
                stopped.add(table)
            yield to_check_result(result, asset_key, seconds / max(len(results), 1))


def ancestors(plan: DatasetPlan, table: str) -> set[str]:
    """Every FK ancestor of a table (cycles followed once)."""
    seen: set[str] = set()
    stack = list(plan.table(table).parents)
    while stack:
        parent = stack.pop()
        if parent not in seen:
            seen.add(parent)
            stack.extend(plan.table(parent).parents)
    return seen


def checks_connection():
    """A DuckDB connection for the step's checks (memory-bounded: `check.duckdb_sql`)."""
    from datagen_assets.check.duckdb_sql import open_connection

    return open_connection()


FINGERPRINT = "datagen/fingerprint"


def run_record(
    context: AssetExecutionContext,
    plan: DatasetPlan,
    table_plan: TablePlan,
    asset_key: AssetKey,
    partition_keys: Sequence[str],
) -> dict[str, MetadataValue]:
    """What this run's content depends on (seed, config and content hashes, the Faker pools),
    recorded on every materialization, and why the content differs from the last one of the
    same chunk."""
    fingerprint = table_fingerprint(plan, table_plan.key)
    metadata = {
        "datagen/seed": MetadataValue.int(plan.seed),
        "datagen/config_sha256": MetadataValue.text(fingerprint.config_sha256),
        "datagen/content_sha256": MetadataValue.text(fingerprint.content_sha256),
        "datagen/faker": MetadataValue.text(fingerprint.faker),
        FINGERPRINT: MetadataValue.json(fingerprint.to_dict()),
    }
    # Compared with the same chunk's last materialization (another chunk may be newer).
    first_chunk = min(partition_keys)
    found = context.instance.fetch_materializations(
        AssetRecordsFilter(asset_key=asset_key, asset_partitions=[first_chunk]), limit=1
    ).records
    recorded = found[0].asset_materialization.metadata.get(FINGERPRINT) if found else None
    change = explain_change(recorded.data if recorded is not None else None, fingerprint)
    if change:
        metadata["datagen/content_change"] = MetadataValue.text(change)
        context.log.info(
            f"{table_plan.key}: content differs from the last materialization: {change}"
        )
    return metadata


class GeneratedChunks(Mapping[str, pl.DataFrame]):
    """Partition key -> generated DataFrame, computed on access and not kept. Each access
    records the chunk's run-time metadata on that partition's materialization; the run's
    progress (rows, rows/s, ETA) is logged after the last chunk and, on a long table, every
    `PROGRESS_SECONDS` (each log line is an event written to the instance)."""

    def __init__(
        self,
        context: AssetExecutionContext,
        plan: DatasetPlan,
        table_plan: TablePlan,
        asset_key: AssetKey,
        folder: UPath,
        partition_keys: Sequence[str],
    ):
        self.context, self.plan, self.table_plan = context, plan, table_plan
        self.asset_key, self.folder = asset_key, folder
        self.keys = sorted(partition_keys)
        bounds = [table_plan.chunk_bounds(key) for key in self.keys]
        self.rows_in_run = sum(stop - start for start, stop in bounds)
        self.rows_done = 0
        self.chunks_done = 0
        self.began = self.logged = time.perf_counter()
        self.ahead: tuple[str, Future] | None = None
        self.pool: ThreadPoolExecutor | None = None

    def _generate(self, partition_key: str) -> tuple[pl.DataFrame, float]:
        start, stop = self.table_plan.chunk_bounds(partition_key)
        began = time.perf_counter()
        frame = generate(self.plan, self.table_plan.key, start, stop)
        return frame, time.perf_counter() - began

    def _take(self, partition_key: str) -> tuple[pl.DataFrame, float]:
        """The chunk, from the one generated ahead when it is that one; then the next chunk
        of the run starts generating on a worker thread while the caller writes this one
        (Parquet encoding releases the GIL): at most two chunks in memory."""
        if self.ahead is not None and self.ahead[0] == partition_key:
            found = self.ahead[1].result()
        else:
            found = self._generate(partition_key)
        self.ahead = None
        index = self.keys.index(partition_key)
        if index + 1 < len(self.keys):
            if self.pool is None:
                self.pool = ThreadPoolExecutor(1, thread_name_prefix="datagen-chunk")
            following = self.keys[index + 1]
            self.ahead = (following, self.pool.submit(self._generate, following))
        elif self.pool is not None:
            self.pool.shutdown(wait=False)
            self.pool = None
        return found

    def __getitem__(self, partition_key: str) -> pl.DataFrame:
        start, stop = self.table_plan.chunk_bounds(partition_key)
        frame, seconds = self._take(partition_key)
        metadata = chunk_metadata(frame, start, stop, seconds)
        metadata["path"] = MetadataValue.path(str(self.folder / chunk_name(partition_key)))
        self.context.add_asset_metadata(
            metadata,
            asset_key=self.asset_key,
            partition_key=partition_key,
        )
        self.chunks_done += 1
        self.rows_done += frame.height
        now = time.perf_counter()
        if self.chunks_done == len(self.keys) or now - self.logged >= PROGRESS_SECONDS:
            self.logged = now
            self.context.log.info(self.progress(partition_key, frame.height, seconds))
        return frame

    def progress(self, partition_key: str, rows: int, seconds: float) -> str:
        """A progress line: the last chunk's speed, then the run's rows so far and ETA (the
        run's elapsed time includes writing the chunks, so the ETA does too)."""
        elapsed = time.perf_counter() - self.began
        rate = self.rows_done / elapsed if elapsed > 0 else 0.0
        left = self.rows_in_run - self.rows_done
        eta = f"{left / rate:.1f} s" if rate > 0 else "unknown"
        chunk_rate = f"{rows / seconds:,.0f}" if seconds > 0 else "-"
        return (
            f"{self.table_plan.key} chunk {partition_key} ({self.chunks_done}/{len(self.keys)}): "
            f"{rows:,} rows in {seconds:.2f} s ({chunk_rate} rows/s); run "
            f"{self.rows_done:,}/{self.rows_in_run:,} rows, {rate:,.0f} rows/s, ETA {eta}"
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys)

    def __len__(self) -> int:
        return len(self.keys)


def chunk_metadata(frame: pl.DataFrame, start: int, stop: int, seconds: float) -> dict:
    """Run-time metadata of one chunk."""
    return {
        "dagster/row_count": MetadataValue.int(frame.height),
        "rows": MetadataValue.int(frame.height),
        "datagen/row_range": MetadataValue.text(f"[{start}, {stop})"),
        "datagen/seconds": MetadataValue.float(round(seconds, 4)),
        "datagen/rows_per_second": MetadataValue.float(
            round(frame.height / seconds, 1) if seconds > 0 else 0.0
        ),
        "preview": MetadataValue.md(markdown_preview(frame)),
    }


def markdown_preview(frame: pl.DataFrame, rows: int = PREVIEW_ROWS) -> str:
    """The first rows as a markdown table, long values cut, so metadata stays small."""

    def cell(value: object) -> str:
        text = "NULL" if value is None else str(value)
        text = text.replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= PREVIEW_WIDTH else text[: PREVIEW_WIDTH - 1] + "…"

    header = "| " + " | ".join(cell(c) for c in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.head(rows).rows()]
    return "\n".join([header, rule, *body])


def column_lineage(
    table_plan: TablePlan, plan: DatasetPlan, translator: DatasetTranslator
) -> TableColumnLineage | None:
    """Each FK column comes from its parent's referenced column."""
    deps: dict[str, list[TableColumnDep]] = {}
    for fk in table_plan.table.foreign_keys:
        parent_key = translator.get_asset_key(plan.table(fk.ref_table), plan)
        for column, ref in zip(fk.columns, fk.ref_columns, strict=True):
            deps.setdefault(column, []).append(TableColumnDep(parent_key, ref))
    return TableColumnLineage(deps) if deps else None


# ---------------------------------------------------------------------------- checks


def table_check_results(
    table_plan: TablePlan,
    plan: DatasetPlan,
    translator: DatasetTranslator,
    settings: Settings,
    only: set[str] | None = None,
    con=None,
) -> list[CheckResult]:
    """Run a table's checks on what is in storage now (plain Python, also used by tests), on
    DuckDB connection `con` when given (the step shares one over all its tables)."""

    expected = {}
    for key in table_plan.partition_keys:
        start, stop = table_plan.chunk_bounds(key)
        expected[key] = stop - start
    parents = {
        fk.ref_table: table_files(plan, fk.ref_table, settings, translator)
        for fk in table_plan.table.foreign_keys
    }
    own = table_files(plan, table_plan.key, settings, translator)
    dialect = plan.dataset.schema.dialect
    results = run_checks(table_plan.table, own, expected, parents, only, dialect, con=con)
    if has_text_columns(table_plan) and (only is None or PII_SCAN in only):
        results.append(pii_scan(table_plan, plan, own, con=con))
    return results


PII_SCAN = "pii_scan"


def has_text_columns(table_plan: TablePlan) -> bool:
    return any(c.type.kind in STRING_KINDS for c in table_plan.table.columns)


def pii_scan(table_plan: TablePlan, plan: DatasetPlan, files: TableFiles, con=None) -> CheckResult:
    """Presidio over a deterministic sample of the written text columns: fails when personal
    data shows where the config says there must be none (columns classified `none`, masked or
    redacted ones). Reports entity types and counts, never values."""
    from datagen_assets.pii.scan import scan_table

    result = scan_table(
        table_plan.key,
        files.files,
        scan_policies(table_plan, plan),
        locale=plan.dataset.config.locale,
        clean_only=True,
        con=con,
    )
    return replace(result, severity=WARN)  # reported, never blocking the children


def scan_policies(table_plan: TablePlan, plan: DatasetPlan) -> dict:
    """Column name -> `ColumnPolicy` (category, pii_mode) the PII scan holds the table to."""
    from datagen_assets.pii.scan import ColumnPolicy

    recipes = engine_for(plan).recipes[table_plan.key]
    return {
        name: ColumnPolicy(
            recipe.pii_category
            if recipe.pii_mode != "synthetic"
            else pii_categories(plan).get((table_plan.key, name), "none"),
            recipe.pii_mode,
        )
        for name, recipe in recipes.items()
    }


def needs_detection(table_plan: TablePlan, plan: DatasetPlan) -> bool:
    """Whether the table's PII scan analyses anything: it has a text column that must hold no
    personal data (the scan of any other table is decided without Presidio)."""
    from datagen_assets.pii.scan import ColumnPolicy

    policies = scan_policies(table_plan, plan)
    return any(
        column.type.kind in STRING_KINDS and policies.get(column.name, ColumnPolicy()).must_be_clean
        for column in table_plan.table.columns
    )


def to_check_result(
    result: CheckResult, asset_key: AssetKey, seconds: float | None = None
) -> AssetCheckResult:
    metadata: dict = {name: MetadataValue.int(int(count)) for name, count in result.counts.items()}
    if seconds is not None:
        metadata["datagen/seconds"] = MetadataValue.float(round(seconds, 4))
    if result.samples:
        metadata["samples"] = MetadataValue.json(list(result.samples))
    return AssetCheckResult(
        asset_key=asset_key,
        check_name=result.name,
        passed=result.passed,
        severity=AssetCheckSeverity(result.severity),
        description=result.description,
        metadata=metadata,
    )


# ---------------------------------------------------------------------------- jobs


def build_dataset_jobs(plan: DatasetPlan, translator: DatasetTranslator) -> list:
    """`<dataset>_job` over every table if they share chunk keys; otherwise one job per chunk
    count (Dagster requires one partitions definition per asset job)."""
    groups: dict[tuple[str, ...], list[AssetKey]] = {}
    for table_plan in plan.tables.values():
        key = translator.get_asset_key(table_plan, plan)
        groups.setdefault(tuple(table_plan.partition_keys), []).append(key)
    jobs = []
    for partition_keys, keys in groups.items():
        if len(groups) == 1:
            name = f"{plan.name}_job"
        else:
            count = len(partition_keys)
            name = f"{plan.name}_{count}_chunk{'s' if count != 1 else ''}_job"
        description = f"Materialise {len(keys)} table(s) of dataset {plan.name}, with checks."
        jobs.append(
            define_asset_job(name, selection=AssetSelection.assets(*keys), description=description)
        )
    return jobs

"""The request job: one op that generates a variant of a dataset into a folder of its own.

Why an op job and not the table assets: the assets are defined once, from the dataset as
configured, and write to the one default location; a request changes the plan itself (rows,
seed, locale, NULL share, a subset of tables) and must never overwrite the default dataset or
another request. So the whole variant is described by run config (`RequestConfig`), planned at
run time (`varied_plan`: the dataset's config with the overrides, via `dataclasses.replace`),
generated chunk by chunk with the engine, written with the atomic Parquet writer, and checked
with the same DuckDB checks the assets use. Layout under `output_url`:
`<dataset>/<table>/<chunk>.parquet` (the storage layout, so the folder can serve as a storage
root) plus `manifest.json` describing what was made. Scheduled refreshes use the same job
(`kind: refresh`, see `schedules.py`).

No `from __future__ import annotations` here: Dagster reads the op's annotations.
"""

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

import dagster as dg
from upath import UPath

from datagen_assets.dataset import Dataset, TableConfig, dataset_named, scaled_rows
from datagen_assets.generate.engine import Engine
from datagen_assets.orchestrate.casegeni import Request, with_parents
from datagen_assets.plan.plan import DatasetPlan, plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_assets.write.parquet_io import (
    chunk_name,
    is_local,
    storage_root,
    table_path,
    write_parquet_atomic,
)

REQUEST_OP = "datagen_request"
REQUEST_JOB = "datagen_request_job"
MANIFEST = "manifest.json"
LATEST = "latest.json"
MANIFEST_VERSION = 1
KIND_REQUEST = "request"
KIND_REFRESH = "refresh"
KIND_TAG = "datagen/kind"
REQUEST_ID_TAG = "datagen/request_id"
DATASET_TAG = "datagen/dataset"
SEED_TAG = "datagen/seed"


class RequestConfig(dg.Config):
    """Everything a request run needs, as run config (shown and editable in the launchpad)."""

    request_id: str
    kind: str = KIND_REQUEST
    dataset: str
    tables: list[str] = []  # table keys; [] = every table
    table_rows: dict[str, int] = {}
    table_scale: dict[str, float] = {}
    rows: int | None = None
    scale: float | None = None
    seed: int | None = None
    locale: str | None = None
    edge_case_pct: float | None = None
    null_pct: float | None = None
    pii_mode: str | None = None
    exports: list[str] = []
    metadata_json: str = "{}"
    request_sha256: str = ""
    output_url: str
    response_url: str | None = None


def run_config_for(
    request: Request,
    output_url: str,
    response_url: str | None = None,
    kind: str = KIND_REQUEST,
) -> dict[str, Any]:
    """The run config of a request run (None values left out, so defaults apply)."""
    fields = asdict(request)
    config = {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in fields.items()
        if key not in ("id", "metadata", "sha256")
    }
    config.update(
        request_id=request.id,
        kind=kind,
        metadata_json=json.dumps(request.metadata, sort_keys=True),
        request_sha256=request.sha256,
        output_url=output_url,
        response_url=response_url,
    )
    return {"ops": {REQUEST_OP: {"config": {k: v for k, v in config.items() if v is not None}}}}


def request_config_of(run_config: dict) -> dict[str, Any] | None:
    """The op config inside a request run's run config (None for other runs)."""
    return ((run_config or {}).get("ops", {}).get(REQUEST_OP) or {}).get("config")


# ---------------------------------------------------------------------------- planning


def varied_plan(dataset: Dataset, config: RequestConfig | Request) -> DatasetPlan:
    """The dataset planned with the request's overrides. Row counts are resolved here, once, to
    exact per-table numbers (scale 1), because a request's per-table `rows` is an exact count
    while the dataset's `scale` would multiply it: top-level `rows` replaces the dataset's
    default, top-level `scale` its scale, a table's `scale` multiplies that table's count."""
    base = dataset.config
    if config.rows is not None:
        base = replace(base, rows=config.rows)
    if config.scale is not None:
        base = replace(base, scale=config.scale)
    tables = {}
    for key in dataset.schema.tables:
        if key in config.table_rows:
            rows = config.table_rows[key]
        else:
            rows = base.rows_for(key)
            if key in config.table_scale:
                rows = scaled_rows(rows, config.table_scale[key])
        tables[key] = replace(base.tables.get(key, TableConfig()), rows=rows)
    changes: dict[str, Any] = {"tables": tables, "scale": 1.0}
    if config.seed is not None:
        changes["seed"] = config.seed
    if config.locale is not None:
        changes["locale"] = config.locale
    if config.null_pct is not None:
        changes["null_fraction"] = config.null_pct / 100
    if config.edge_case_pct is not None:
        changes["edge_case_pct"] = config.edge_case_pct
    if config.pii_mode is not None:
        changes["pii_mode"] = config.pii_mode
    return plan_dataset(replace(dataset, config=replace(base, **changes)))


def selected_tables(plan: DatasetPlan, tables: list[str] | tuple[str, ...]) -> list[str]:
    """Table keys to generate, parents first: the requested ones and their FK ancestors."""
    if not tables:
        return list(plan.tables)
    wanted = with_parents(plan.dataset, tables)
    return [key for key in plan.tables if key in wanted]


# ---------------------------------------------------------------------------- running


def run_request(
    config: RequestConfig,
    settings: Settings,
    run_id: str = "",
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Plan, generate, write and check a request; write and return its manifest. Plain Python
    (the op wraps it), so it can be tested and reused without Dagster."""
    from datagen_assets.orchestrate.factory import table_check_results  # factory imports us
    from datagen_assets.orchestrate.translator import DatasetTranslator

    try:
        dataset = dataset_named(settings, config.dataset)
    except SchemaError as error:
        raise ValueError(f"dataset {config.dataset!r} could not be loaded: {error}") from None
    plan = varied_plan(dataset, config)
    tables = selected_tables(plan, config.tables)
    # Compiles the engine too: anything impossible fails here, before anything is written.
    problems = [
        p for p in preflight(plan, sample_rows=0).problems if p.table is None or p.table in tables
    ]
    if problems:
        raise SchemaError(problems)
    requested = set(config.tables) or set(tables)
    # A local engine, not `engine_for`'s process-wide cache: every request is a new plan, and a
    # process executing many requests in turn must not keep them all.
    engine = Engine(plan)
    root = storage_root(config.output_url)
    began = time.perf_counter()
    written = []
    for key in tables:
        table_plan = plan.table(key)
        folder = table_path(str(root), plan.name, key)
        files = []
        rows = 0
        for partition_key in table_plan.partition_keys:
            start, stop = table_plan.chunk_bounds(partition_key)
            frame = engine.generate(key, start, stop)
            path = folder / chunk_name(partition_key)
            write_parquet_atomic(frame, path)
            rows += frame.height
            files.append(location_url(path))
            del frame
        log(f"{plan.name}/{key}: {rows:,} rows in {len(files)} chunk(s) -> {location_url(folder)}")
        written.append(
            {
                "table": key,
                "requested": key in requested,
                "rows": rows,
                "chunks": len(files),
                "url": location_url(folder),
                "files": files,
            }
        )
    seconds = time.perf_counter() - began

    check_settings = replace(settings, storage_url=str(root))
    translator = DatasetTranslator()
    checks = []
    for key in tables:
        results = table_check_results(plan.table(key), plan, translator, check_settings)
        checks.extend(
            {
                "table": key,
                "name": r.name,
                "kind": r.kind,
                "passed": bool(r.passed),
                "severity": r.severity,
                "description": r.description,
            }
            for r in results
        )
    failed = [c for c in checks if not c["passed"] and c["severity"] == "ERROR"]
    log(f"{len(checks)} check(s), {len(failed)} failed")

    manifest = {
        "manifest_version": MANIFEST_VERSION,
        "kind": config.kind,
        "id": config.request_id,
        "dataset": plan.name,
        "run_id": run_id,
        "seed": plan.seed,
        "output_url": location_url(root),
        "options": applied_options(config, plan),
        "rows": sum(t["rows"] for t in written),
        "tables": written,
        "checks_passed": not failed,
        "checks": checks,
        "exports": {"requested": list(config.exports), "produced": []},
        "notes": request_notes(config, plan, tables),
        "seconds": round(seconds, 3),
    }
    write_json_atomic(root / MANIFEST, manifest)
    if config.kind == KIND_REFRESH and not failed:
        # The newest good refresh, for readers that want "the current one".
        write_json_atomic(root.parent / LATEST, {**manifest, "manifest_url": location_url(root)})
    return manifest


def applied_options(config: RequestConfig, plan: DatasetPlan) -> dict[str, Any]:
    options = {
        "rows": config.rows,
        "scale": config.scale,
        "locale": plan.dataset.config.locale,
        "null_pct": round(plan.dataset.config.null_fraction * 100, 6),
        "edge_case_pct": plan.dataset.config.edge_case_pct,
        "pii_mode": plan.dataset.config.pii_mode,
        "table_rows": dict(config.table_rows),
        "table_scale": dict(config.table_scale),
    }
    return {k: v for k, v in options.items() if v not in (None, {})}


def request_notes(config: RequestConfig, plan: DatasetPlan, tables: list[str]) -> list[str]:
    """What the requester should know: options not applied yet, parents added, capped rows."""
    notes = []
    if config.exports:
        notes.append("exports are recorded but not produced yet; the Parquet files are the output")
    added = [key for key in tables if config.tables and key not in config.tables]
    if added:
        notes.append(f"added as FK parents of the requested tables: {', '.join(added)}")
    for key in tables:
        notes.extend(f"{key}: {note.message}" for note in plan.table(key).notes)
    return notes


# ---------------------------------------------------------------------------- the job


def build_request_job(settings: Settings) -> dg.JobDefinition:
    """`datagen_request_job`: one op, configured by `RequestConfig`, in-process."""

    @dg.op(
        name=REQUEST_OP,
        out=dg.Out(dg.Nothing),
        description="Generate a variant of a dataset (CaseGeni request or scheduled refresh) "
        "into its own folder, check it with DuckDB and write manifest.json.",
        tags={"kind": "datagen"},
    )
    def datagen_request(context: dg.OpExecutionContext, config: RequestConfig):
        manifest = run_request(config, settings, context.run_id, context.log.info)
        failed = [c for c in manifest["checks"] if not c["passed"] and c["severity"] == "ERROR"]
        metadata = {
            "output": dg.MetadataValue.path(manifest["output_url"]),
            "rows": dg.MetadataValue.int(manifest["rows"]),
            "seed": dg.MetadataValue.int(manifest["seed"]),
            "tables": dg.MetadataValue.json({t["table"]: t["rows"] for t in manifest["tables"]}),
            "checks_failed": dg.MetadataValue.int(len(failed)),
        }
        if failed:
            listed = "; ".join(f"{c['table']}.{c['name']}: {c['description']}" for c in failed)
            raise dg.Failure(
                description=f"{len(failed)} check(s) failed: {listed}", metadata=metadata
            )
        yield dg.Output(None, metadata=metadata)

    @dg.job(
        name=REQUEST_JOB,
        description="Generates a requested variant of a dataset (see docs/casegeni.md).",
        executor_def=dg.in_process_executor,
        # Its own IO manager (the op stores nothing), so the definitions' Parquet IO manager is
        # not bound to it, which would make Dagster copy the sensors targeting it (with a
        # BetaWarning on every load).
        resource_defs={"io_manager": dg.mem_io_manager},
    )
    def request_job():
        datagen_request()

    return request_job


# ---------------------------------------------------------------------------- files


def location_url(path: UPath) -> str:
    """A URL a reader elsewhere can use: `file:///...` for local files, the fsspec URL else."""
    return UPath(path).as_uri() if is_local(UPath(path)) else str(path)


def write_json_atomic(path: UPath, body: Any) -> None:
    """Write JSON so readers see the old file or the whole new one (as `write_parquet_atomic`
    does for chunks: rename on a local disk, a single put on an object store)."""
    data = (json.dumps(body, indent=2, ensure_ascii=False, default=str) + "\n").encode()
    path = UPath(path)
    if is_local(path):
        final = path.path
        os.makedirs(os.path.dirname(final), exist_ok=True)
        temporary = os.path.join(
            os.path.dirname(final), f".{os.path.basename(final)}.{uuid.uuid4().hex}.tmp"
        )
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, final)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
        return
    path.fs.pipe_file(path.path, data)


def read_json(path: UPath) -> Any | None:
    """The JSON in `path`, or None when it does not exist or is not JSON."""
    try:
        return json.loads(UPath(path).read_bytes())
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None

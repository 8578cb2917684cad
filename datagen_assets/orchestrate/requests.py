"""CaseGeni requests: a sensor turns request files into runs of the request job, and run-status
sensors turn finished runs into response files.

Locations (fsspec URLs, so the inbox may be a local folder or an s3:// prefix):

- inbox:      `DATAGEN_REQUESTS_INBOX`, default `<storage>/requests/inbox/`; requests `<id>.json`
- responses:  `<inbox>/../responses/`: `<id>.json` when the run finished, `<id>.rejected.json`
              when the request is invalid (kept out of the inbox so it is never read as a request)
- outputs:    `<storage>/requests/<id>/<dataset>/<table>/<chunk>.parquet` and `manifest.json`

The three sensors tick at most every `DATAGEN_REQUESTS_SENSOR_INTERVAL` seconds (default 30).

Why it is shaped this way:

- Idempotence is Dagster's run key: a valid request yields `RunRequest(run_key=id)` on every
  tick until it has a response, and the sensor daemon creates at most one run per run key and
  sensor. So a request id runs once, whoever resubmits it, even across daemon restarts.
- The sensor never crashes on input: a bad request gets a rejection listing every error; an
  unreadable file is logged and retried next tick. A rejection records the SHA-256 of the
  request bytes, so a corrected file (or one still being written) is validated again, and an
  unchanged one is not re-read into a new rejection every tick.
- Responses are written by run-status sensors (SUCCESS, FAILURE). A status event can be missed
  (sensor stopped, write error); the inbox sensor therefore also answers any request whose run
  finished without a response, so every request eventually gets exactly one answer.

No `from __future__ import annotations` here: Dagster reads the sensors' annotations.
"""

import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster._core.storage.tags import RUN_KEY_TAG, SENSOR_NAME_TAG
from upath import UPath

from datagen_assets.dataset import Dataset, discover_datasets
from datagen_assets.orchestrate.casegeni import (
    MAX_REQUEST_ROWS,
    Request,
    parse_request,
    sha256,
)
from datagen_assets.orchestrate.json_validation import SchemaViolation
from datagen_assets.orchestrate.request_job import (
    DATASET_TAG,
    KIND_REQUEST,
    KIND_TAG,
    MANIFEST,
    REQUEST_ID_TAG,
    build_request_job,
    location_url,
    read_json,
    request_config_of,
    run_config_for,
    selected_tables,
    varied_plan,
    write_json_atomic,
)
from datagen_assets.plan.preflight import preflight
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_assets.write.parquet_io import is_local, storage_root

INBOX_VAR = "DATAGEN_REQUESTS_INBOX"
INTERVAL_VAR = "DATAGEN_REQUESTS_SENSOR_INTERVAL"
REQUESTS_FOLDER = "requests"
SENSOR_NAME = "casegeni_requests"
SUCCESS_SENSOR_NAME = "casegeni_response_on_success"
FAILURE_SENSOR_NAME = "casegeni_response_on_failure"
SENSOR_INTERVAL_SECONDS = 30  # default minimum seconds between ticks of the three sensors
REQUEST_SUFFIX = ".json"
REJECTED_SUFFIX = ".rejected.json"
FINISHED = (
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
)


@dataclass(frozen=True)
class RequestLocations:
    """Where requests come from, answers go to and outputs are written."""

    inbox: UPath
    responses: UPath
    outputs: UPath  # <storage>/requests

    @classmethod
    def for_settings(
        cls, settings: Settings, env: Mapping[str, str] | None = None
    ) -> "RequestLocations":
        env = os.environ if env is None else env
        outputs = storage_root(settings.storage_url) / REQUESTS_FOLDER
        inbox_url = env.get(INBOX_VAR) or str(outputs / "inbox")
        inbox = storage_root(inbox_url.rstrip("/"))
        return cls(inbox=inbox, responses=inbox.parent / "responses", outputs=outputs)

    def output_url(self, request_id: str) -> str:
        return str(self.outputs / request_id)

    def response_path(self, request_id: str) -> UPath:
        return self.responses / f"{request_id}{REQUEST_SUFFIX}"

    def rejection_path(self, request_id: str) -> UPath:
        return self.responses / f"{request_id}{REJECTED_SUFFIX}"


def build_request_definitions(
    settings: Settings, env: Mapping[str, str] | None = None
) -> tuple[dg.JobDefinition, list[dg.SensorDefinition]]:
    """The request job and its three sensors (inbox, response on success, on failure)."""
    locations = RequestLocations.for_settings(settings, env)
    interval = sensor_interval(env)
    job = build_request_job(settings)

    @dg.sensor(
        name=SENSOR_NAME,
        job=job,
        minimum_interval_seconds=interval,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Runs CaseGeni request files from {location_url(locations.inbox)} "
        "(see docs/casegeni.md).",
    )
    def casegeni_requests(context: dg.SensorEvaluationContext):
        return scan_inbox(context.instance, locations, settings, context.log.info)

    @dg.run_status_sensor(
        name=SUCCESS_SENSOR_NAME,
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[job],
        minimum_interval_seconds=interval,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Writes the response file of a finished CaseGeni request.",
    )
    def on_success(context: dg.RunStatusSensorContext):
        _respond(context)

    @dg.run_status_sensor(
        name=FAILURE_SENSOR_NAME,
        run_status=dg.DagsterRunStatus.FAILURE,
        monitored_jobs=[job],
        minimum_interval_seconds=interval,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Writes the response file of a failed CaseGeni request.",
    )
    def on_failure(context: dg.RunStatusSensorContext):
        _respond(context)

    return job, [casegeni_requests, on_success, on_failure]


def sensor_interval(env: Mapping[str, str] | None = None) -> int:
    """Minimum seconds between ticks of the request sensors: `DATAGEN_REQUESTS_SENSOR_INTERVAL`,
    default 30. The sensor daemon loops every 5 s or so, so lower values mean "every loop"."""
    env = os.environ if env is None else env
    raw = (env.get(INTERVAL_VAR) or "").strip()
    if not raw:
        return SENSOR_INTERVAL_SECONDS
    try:
        seconds = int(raw)
    except ValueError:
        seconds = 0
    if seconds < 1:
        raise ValueError(f"{INTERVAL_VAR}={raw!r} must be a whole number of seconds, at least 1")
    return seconds


def _respond(context: dg.RunStatusSensorContext) -> None:
    """Never raise: a missed response is written later by the inbox sensor."""
    try:
        path = write_response(context.instance, context.dagster_run)
        if path is not None:
            context.log.info(f"response written: {location_url(path)}")
    except Exception as error:  # a storage hiccup must not break the sensor
        context.log.warning(f"response for run {context.dagster_run.run_id} not written: {error}")


# ---------------------------------------------------------------------------- the inbox


def scan_inbox(
    instance: dg.DagsterInstance,
    locations: RequestLocations,
    settings: Settings,
    log: Callable[[str], None] = print,
) -> dg.SensorResult | dg.SkipReason:
    """One sensor tick: a RunRequest per valid unanswered request, a rejection per invalid one,
    a response for any request whose run finished unanswered."""
    names = _list_names(locations.inbox)
    if names is None:
        return dg.SkipReason(f"inbox {location_url(locations.inbox)} does not exist (yet)")
    answered = _list_names(locations.responses) or set()
    pending = sorted(
        n[: -len(REQUEST_SUFFIX)]
        for n in names
        if n.endswith(REQUEST_SUFFIX) and not n.startswith(".") and not n.endswith(REJECTED_SUFFIX)
    )
    pending = [stem for stem in pending if f"{stem}{REQUEST_SUFFIX}" not in answered]
    if not pending:
        return dg.SkipReason("no unanswered request")

    loaded: list[dict[str, Dataset]] = []

    def datasets() -> dict[str, Dataset]:
        """Loaded once per tick, and only when a request needs validating."""
        if not loaded:
            loaded.append({d.name: d for d in discover_datasets(settings)})
        return loaded[0]

    run_requests = []
    outcomes: dict[str, int] = {}
    for stem in pending:
        try:
            outcome = _process(stem, instance, locations, datasets, answered, log)
        except Exception as error:  # a storage error, or the server's datasets are broken
            log(f"{stem}: not processed ({type(error).__name__}: {error}); retrying next tick")
            outcome = "failed, retried next tick"
        if isinstance(outcome, dg.RunRequest):
            run_requests.append(outcome)
        else:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    if not run_requests:
        summary = ", ".join(f"{count} {what}" for what, count in outcomes.items())
        return dg.SkipReason(f"no request to run ({summary})")
    return dg.SensorResult(run_requests=run_requests)


def _process(
    stem: str,
    instance: dg.DagsterInstance,
    locations: RequestLocations,
    datasets: Callable[[], Mapping[str, Dataset]],
    answered: set[str],
    log: Callable[[str], None],
) -> dg.RunRequest | str:
    """One unanswered request file: its RunRequest, or what happened to it instead."""
    path = locations.inbox / f"{stem}{REQUEST_SUFFIX}"
    irregular = irregular_entry(path)
    try:
        # An irregular entry is never read: its reason stands in for its bytes in the hash.
        data = irregular.encode() if irregular else path.read_bytes()
    except FileNotFoundError:
        return "gone"  # removed since the listing
    rejection = locations.rejection_path(stem)
    if f"{stem}{REJECTED_SUFFIX}" in answered:
        previous = read_json(rejection) or {}
        if previous.get("request_sha256") == sha256(data):
            return "rejected earlier"  # and unchanged since
    if irregular:
        request, errors = None, [SchemaViolation("", irregular)]
    else:
        request, errors = parse_request(data, stem, datasets(), check_plan)
    if request is None:
        write_json_atomic(rejection, rejection_body(stem, data, errors))
        log(f"{stem}: rejected with {len(errors)} error(s) -> {location_url(rejection)}")
        return "rejected"
    if f"{stem}{REJECTED_SUFFIX}" in answered:
        rejection.fs.rm(rejection.path)  # a corrected request: the old rejection is void
    finished = finished_run(instance, request.id)
    if finished is not None:  # its run finished but no response was written: write it now
        write_response(instance, finished)
        log(f"{stem}: answered run {finished.run_id}, which had finished unanswered")
        return "answered late"
    return run_request_for(request, locations)


def irregular_entry(path: UPath) -> str | None:
    """Why a local inbox entry is not read as a request, None for a regular file. A symbolic
    link names a path outside the inbox (its content would be run and echoed in the response),
    a pipe or device may never end; object stores have neither."""
    if not is_local(path):
        return None
    try:
        mode = os.lstat(path.path).st_mode
    except FileNotFoundError:
        return None  # gone: reading it says so
    if stat.S_ISLNK(mode):
        return "is a symbolic link: a request must be a regular file in the inbox; not read"
    if not stat.S_ISREG(mode):
        return "is not a regular file: a request must be a regular file in the inbox; not read"
    return None


def run_request_for(request: Request, locations: RequestLocations) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=request.id,
        run_config=run_config_for(
            request,
            output_url=locations.output_url(request.id),
            response_url=str(locations.response_path(request.id)),
        ),
        tags={KIND_TAG: KIND_REQUEST, REQUEST_ID_TAG: request.id, DATASET_TAG: request.dataset},
    )


def check_plan(request: Request, dataset: Dataset) -> list[SchemaViolation]:
    """Plan the request (cheap, no data): refuse what the pre-flight finds impossible (say, more
    rows than a UNIQUE column's type has values) and results above MAX_REQUEST_ROWS."""
    try:
        plan = varied_plan(dataset, request)
    except SchemaError as error:
        return [SchemaViolation("", f"cannot be planned: {p}") for p in error.problems]
    tables = selected_tables(plan, request.tables)
    errors = [
        SchemaViolation("", f"cannot be generated: {problem}")
        for problem in preflight(plan, sample_rows=0).problems
        if problem.table is None or problem.table in tables
    ]
    total = sum(plan.table(key).rows for key in tables)
    if total > MAX_REQUEST_ROWS:
        errors.append(
            SchemaViolation(
                "",
                f"asks for {total:,} rows over {len(tables)} table(s), more than the "
                f"{MAX_REQUEST_ROWS:,} a request may generate",
            )
        )
    return errors


def rejection_body(stem: str, data: bytes, errors: list[SchemaViolation]) -> dict[str, Any]:
    try:
        document = json.loads(data)
    except ValueError:
        document = None
    document = document if isinstance(document, dict) else {}
    dataset = document.get("dataset")
    metadata = document.get("metadata")
    body: dict[str, Any] = {
        "id": stem,
        "status": "rejected",
        "dataset": dataset if isinstance(dataset, str) else None,
        "request_sha256": sha256(data),
        "finished_at": _now(),
        "errors": [e.as_dict() for e in errors],
    }
    if isinstance(metadata, dict):
        body["metadata"] = metadata
    return body


def _list_names(folder: UPath) -> set[str] | None:
    """File names in `folder` (one listing request), None when it does not exist."""
    try:
        listed = folder.fs.ls(folder.path, detail=False)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return {str(p).rstrip("/").rsplit("/", 1)[-1] for p in listed}


# ---------------------------------------------------------------------------- responses


def finished_run(instance: dg.DagsterInstance, request_id: str) -> dg.DagsterRun | None:
    """The finished run launched by the inbox sensor for this request id, if any."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            tags={RUN_KEY_TAG: request_id, SENSOR_NAME_TAG: SENSOR_NAME}, statuses=list(FINISHED)
        ),
        limit=1,
    )
    return runs[0] if runs else None


def write_response(instance: dg.DagsterInstance, run: dg.DagsterRun) -> UPath | None:
    """Write the response of a finished request run; None for runs that are not requests."""
    config = request_config_of(run.run_config)
    if not config or config.get("kind", KIND_REQUEST) != KIND_REQUEST:
        return None
    if not config.get("response_url"):
        return None
    body = response_body(instance, run, config)
    path = UPath(config["response_url"])
    write_json_atomic(path, body)
    return path


def response_body(
    instance: dg.DagsterInstance, run: dg.DagsterRun, config: Mapping[str, Any]
) -> dict[str, Any]:
    """The response (docs/casegeni-response.schema.json): the run's manifest, if it wrote one,
    plus status and errors."""
    output = storage_root(config["output_url"])
    manifest = read_json(output / MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("run_id") != run.run_id:
        manifest = None  # absent, or left by another run of the same id
    succeeded = run.status == dg.DagsterRunStatus.SUCCESS
    body: dict[str, Any] = {
        "id": config["request_id"],
        "status": "succeeded" if succeeded else "failed",
        "dataset": config["dataset"],
        "request_sha256": config.get("request_sha256", ""),
        "run_id": run.run_id,
        "finished_at": _now(),
        "seed": manifest["seed"] if manifest else config.get("seed"),
        "output_url": location_url(output),
        "manifest_url": location_url(output / MANIFEST) if manifest else None,
        "rows": manifest["rows"] if manifest else 0,
        "tables": manifest["tables"] if manifest else [],
        "checks_passed": manifest["checks_passed"] if manifest else None,
        "checks": manifest["checks"] if manifest else [],
        "options": manifest["options"] if manifest else {},
        "exports": {"requested": list(config.get("exports", [])), "produced": []},
        "notes": manifest["notes"] if manifest else [],
        "errors": [] if succeeded else run_errors(instance, run),
    }
    metadata = json.loads(config.get("metadata_json") or "{}")
    if metadata:
        body["metadata"] = metadata
    return body


def run_errors(instance: dg.DagsterInstance, run: dg.DagsterRun) -> list[dict[str, str]]:
    """What went wrong: each failed step's error message, else the run's own failure."""
    errors = []
    for record in instance.get_records_for_run(
        run_id=run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE
    ).records:
        event = record.event_log_entry.dagster_event
        error = event.event_specific_data.error if event and event.event_specific_data else None
        message = error.message.strip() if error else "step failed"
        errors.append({"path": "", "step": event.step_key or "", "message": message})
    if errors:
        return errors
    if run.status == dg.DagsterRunStatus.CANCELED:
        return [{"path": "", "message": "the run was canceled"}]
    for record in instance.get_records_for_run(
        run_id=run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE
    ).records:
        event = record.event_log_entry.dagster_event
        return [{"path": "", "message": event.message or "the run failed"}]
    return [{"path": "", "message": f"the run ended with status {run.status.value}"}]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")

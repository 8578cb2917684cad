"""Refresh schedules declared per dataset in its YAML config:

    schedule:
      cron: "0 3 * * *"     # required, 5-field cron (Dagster's syntax)
      timezone: UTC         # default UTC; any IANA zone
      seed: new             # fixed (default): the dataset's seed; new: a seed per tick
      enabled: true         # default true: the schedule starts running; false: start it in the UI

Why a refresh targets the request job and not the table assets: the assets are planned once,
when definitions load, with the dataset's seed (it is part of their code version), so they
cannot take another seed per run. A refresh is therefore a request-like run of
`datagen_request_job` (see `request_job.py`) writing the whole dataset, checked, to
`<storage>/refresh/<dataset>/<tick>/` (`<tick>` = the scheduled time in UTC, `20260101T030000Z`)
with `<storage>/refresh/<dataset>/latest.json` pointing at the newest one that passed its checks.
With `seed: new` the seed is a hash of (dataset seed, dataset, tick): every tick differs, and a
re-evaluated tick gets the same seed, so a retried or re-executed refresh reproduces its data.
The seed travels in the run config and in the `datagen/seed` tag.

The `schedule` key is validated by the config model (`config_model.ScheduleModel`) when the
dataset loads; this module turns it into a Dagster schedule.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import dagster as dg

from datagen_assets.dataset import Dataset
from datagen_assets.orchestrate.casegeni import Request
from datagen_assets.orchestrate.request_job import (
    DATASET_TAG,
    KIND_REFRESH,
    KIND_TAG,
    SEED_TAG,
    run_config_for,
)
from datagen_assets.schema.model import Problem, SchemaError
from datagen_assets.settings import Settings
from datagen_assets.write.parquet_io import path_segment, storage_root

SCHEDULE_KEY = "schedule"
SCHEDULE_KEYS = ("cron", "timezone", "seed", "enabled")
SEED_MODES = ("fixed", "new")
REFRESH_FOLDER = "refresh"
TICK_TAG = "datagen/tick"
SEED_RANGE = 2**31  # derived seeds fit any consumer's 32-bit signed integer


@dataclass(frozen=True)
class ScheduleSpec:
    cron: str
    timezone: str = "UTC"
    seed: str = "fixed"
    enabled: bool = True


def read_schedule(dataset: Dataset) -> ScheduleSpec | None:
    """The dataset's `schedule:` block from its config model (validated, with file:line
    problems, when the dataset loaded); None when it has none."""
    schedule = dataset.document.schedule
    if schedule is None:
        return None
    return ScheduleSpec(
        cron=schedule.cron,
        timezone=schedule.timezone,
        seed=schedule.seed,
        enabled=schedule.enabled,
    )


def build_schedules(
    datasets: list[Dataset], settings: Settings, job: dg.JobDefinition
) -> list[dg.ScheduleDefinition]:
    """A `<dataset>_refresh` schedule per dataset declaring one; problems of all at once."""
    schedules = []
    problems: list[Problem] = []
    for dataset in datasets:
        try:
            spec = read_schedule(dataset)
        except SchemaError as error:
            problems.extend(error.problems)
            continue
        if spec is not None:
            schedules.append(build_schedule(dataset, spec, settings, job))
    if problems:
        raise SchemaError(problems)
    return schedules


def build_schedule(
    dataset: Dataset, spec: ScheduleSpec, settings: Settings, job: dg.JobDefinition
) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"{dataset.name}_refresh",
        cron_schedule=spec.cron,
        execution_timezone=spec.timezone,
        job=job,
        default_status=(
            dg.DefaultScheduleStatus.RUNNING if spec.enabled else dg.DefaultScheduleStatus.STOPPED
        ),
        description=f"Refreshes dataset {dataset.name} into "
        f"<storage>/{REFRESH_FOLDER}/{dataset.name}/<tick>/ (seed: {spec.seed}).",
        tags={DATASET_TAG: dataset.name, KIND_TAG: KIND_REFRESH},
    )
    def _refresh(context: dg.ScheduleEvaluationContext):
        return refresh_run_request(dataset, spec, settings, _tick_time(context))

    return _refresh


def refresh_run_request(
    dataset: Dataset, spec: ScheduleSpec, settings: Settings, tick: datetime
) -> dg.RunRequest:
    """The run of one tick: the whole dataset, this tick's seed, this tick's folder."""
    tick_key = tick_id(tick)
    seed = dataset.config.seed if spec.seed == "fixed" else refresh_seed(dataset, tick)
    request = Request(id=f"{dataset.name}-{tick_key}", dataset=dataset.name, seed=seed)
    output = refresh_root(settings, dataset.name) / tick_key
    return dg.RunRequest(
        run_key=f"{dataset.name}@{tick_key}",
        run_config=run_config_for(request, output_url=str(output), kind=KIND_REFRESH),
        tags={
            KIND_TAG: KIND_REFRESH,
            DATASET_TAG: dataset.name,
            SEED_TAG: str(seed),
            TICK_TAG: tick_key,
        },
    )


def refresh_root(settings: Settings, dataset_name: str):
    """`<storage>/refresh/<dataset>`: tick folders and latest.json."""
    return storage_root(settings.storage_url) / REFRESH_FOLDER / path_segment(dataset_name)


def refresh_seed(dataset: Dataset, tick: datetime) -> int:
    """A seed that is a pure function of the dataset's seed, its name and the tick."""
    text = f"{dataset.config.seed}:{dataset.name}:{tick_id(tick)}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % SEED_RANGE


def tick_id(tick: datetime) -> str:
    """The tick in UTC, compact and sortable: `20260101T030000Z`."""
    if tick.tzinfo is None:
        tick = tick.replace(tzinfo=UTC)
    return tick.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _tick_time(context: dg.ScheduleEvaluationContext) -> datetime:
    try:
        return context.scheduled_execution_time
    except Exception:  # evaluated by hand, without a tick time
        return datetime.now(UTC).replace(microsecond=0)

"""The operational definitions beside the table assets: the request job, its sensors, the
refresh schedules and the schema snapshot jobs, gathered in one place so the factory adds them
with a single call."""

from collections.abc import Sequence
from typing import NamedTuple

import dagster as dg

from datagen_assets.orchestrate.requests import build_request_definitions
from datagen_assets.orchestrate.schedules import build_schedules
from datagen_assets.orchestrate.snapshots import build_snapshot_jobs
from datagen_assets.plan.plan import DatasetPlan
from datagen_assets.settings import Settings


class Operations(NamedTuple):
    jobs: list[dg.JobDefinition]
    sensors: list[dg.SensorDefinition]
    schedules: list[dg.ScheduleDefinition]


def build_operations(plans: Sequence[DatasetPlan], settings: Settings) -> Operations:
    """Request job + CaseGeni sensors + one refresh schedule per dataset declaring one + one
    `refresh_<dataset>_snapshot` job per dataset declaring a `snapshot:` source. Invalid
    `schedule:` blocks raise one SchemaError, like any other config problem."""
    job, sensors = build_request_definitions(settings)
    schedules = build_schedules([plan.dataset for plan in plans], settings, job)
    snapshots = build_snapshot_jobs(plans, settings)  # never connect: the DSN is read at run time
    return Operations(jobs=[job, *snapshots], sensors=sensors, schedules=schedules)

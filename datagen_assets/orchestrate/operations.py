"""The operational definitions beside the table assets: the request job, its sensors and the
refresh schedules, gathered in one place so the factory adds them with a single call."""

from collections.abc import Sequence
from typing import NamedTuple

import dagster as dg

from datagen_assets.orchestrate.requests import build_request_definitions
from datagen_assets.orchestrate.schedules import build_schedules
from datagen_assets.plan.plan import DatasetPlan
from datagen_assets.settings import Settings


class Operations(NamedTuple):
    jobs: list[dg.JobDefinition]
    sensors: list[dg.SensorDefinition]
    schedules: list[dg.ScheduleDefinition]


def build_operations(plans: Sequence[DatasetPlan], settings: Settings) -> Operations:
    """Request job + CaseGeni sensors + one refresh schedule per dataset declaring one.
    Invalid `schedule:` blocks raise one SchemaError, like any other config problem."""
    job, sensors = build_request_definitions(settings)
    schedules = build_schedules([plan.dataset for plan in plans], settings, job)
    return Operations(jobs=[job], sensors=sensors, schedules=schedules)

"""Which Dagster executor runs the steps of a run, chosen by the environment of the code location.

- Default (`DATAGEN_EXECUTOR` unset, `in_process`): every step of a run in the run's own process.
  A step per process would cost seconds of imports on a small box, and one machine gains nothing
  from it: the engine is vectorised already.
- `DATAGEN_EXECUTOR=celery`: every step is a Celery task, picked up by whichever worker
  (`celery -A dagster_celery.app worker`, see docs/scale-out.md) is free. Tables of one run, and
  runs of different partitions of a table, then spread over machines.

Why from the environment and not a config file: the same image serves a laptop (`dagster dev`),
CI and a cluster, and Dagster's definitions are loaded fresh in every process that needs them
(webserver, daemon, run worker, Celery worker), each of which sees the deployment's variables.

The broker and backend are passed to Dagster as `{"env": VAR}` references when set, so a URL with
a password is read when a run starts and never lands in a job snapshot shown in the UI.
"""

import os
from collections.abc import Mapping
from typing import Any

from dagster import ExecutorDefinition, in_process_executor

EXECUTOR_VAR = "DATAGEN_EXECUTOR"
BROKER_VAR = "DATAGEN_CELERY_BROKER"
BACKEND_VAR = "DATAGEN_CELERY_BACKEND"
QUEUE_VAR = "DATAGEN_CELERY_QUEUE"

IN_PROCESS = "in_process"
CELERY = "celery"
EXECUTORS = (IN_PROCESS, CELERY)

# The Redis of a developer machine (and of docker/compose.yaml under its service name). Celery's
# own default, AMQP on localhost, would be a second server to run for nothing.
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
# Results travel back over Redis as well; dagster-celery's default `rpc://` needs AMQP.
REDIS_SCHEMES = ("redis://", "rediss://", "redis+socket://")
# dagster-celery's queue (what `celery -A dagster_celery.app worker` consumes by default).
DEFAULT_QUEUE = "dagster"


def executor_name(env: Mapping[str, str] | None = None) -> str:
    """The executor the environment asks for; ValueError names the accepted values."""
    env = os.environ if env is None else env
    raw = env.get(EXECUTOR_VAR, "").strip().lower().replace("-", "_")
    name = raw or IN_PROCESS
    if name not in EXECUTORS:
        raise ValueError(
            f"{EXECUTOR_VAR}={env.get(EXECUTOR_VAR)!r} is not an executor "
            f"(accepted: {', '.join(EXECUTORS)})"
        )
    return name


def executor_from_env(env: Mapping[str, str] | None = None) -> ExecutorDefinition:
    """`in_process_executor` unless `DATAGEN_EXECUTOR=celery`, then dagster-celery's executor
    configured by `celery_config(env)`. Import of dagster-celery happens only then, so a
    deployment without Celery never needs the package."""
    env = os.environ if env is None else env
    if executor_name(env) == IN_PROCESS:
        return in_process_executor
    try:
        from dagster_celery import celery_executor
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"{EXECUTOR_VAR}=celery needs the dagster-celery package (and celery[redis] for a "
            "Redis broker)"
        ) from error
    return celery_executor.configured(celery_config(env), name=CELERY)


def celery_config(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The celery executor's config for this environment.

    broker: `DATAGEN_CELERY_BROKER`, default `redis://127.0.0.1:6379/0`.
    backend: `DATAGEN_CELERY_BACKEND`; unset, the broker itself when it is Redis, else `rpc://`.
    queue: `DATAGEN_CELERY_QUEUE` (default `dagster`); workers must consume it (`-Q`).
    """
    env = os.environ if env is None else env
    broker_set = bool(env.get(BROKER_VAR, "").strip())
    broker_url = env[BROKER_VAR].strip() if broker_set else DEFAULT_BROKER
    config: dict[str, Any] = {"broker": {"env": BROKER_VAR} if broker_set else DEFAULT_BROKER}
    if env.get(BACKEND_VAR, "").strip():
        config["backend"] = {"env": BACKEND_VAR}
    elif broker_url.startswith(REDIS_SCHEMES):
        config["backend"] = config["broker"]
    else:
        config["backend"] = "rpc://"
    queue = env.get(QUEUE_VAR, "").strip()
    if queue and queue != DEFAULT_QUEUE:
        # Read by dagster-celery as the queue of every step without a `dagster-celery/queue` tag.
        config["config_source"] = {"task_default_queue": queue}
    return config

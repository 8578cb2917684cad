"""Scale-out on Celery: the steps of real runs execute on real Celery workers (Redis broker), the
partitions of one table spread over two workers, and the Parquet written is byte-identical to an
in-process run of the same datasets.

Set-up as in docs/scale-out.md, shrunk onto one machine: a persistent Dagster instance that
orchestrators and workers share (PostgreSQL, configured by docker/dagster.docker.yaml), the
`datagen_assets` code location loaded by every process from the same environment
(`DATAGEN_EXECUTOR=celery`, schemas, storage), two workers started the way dagster-celery
documents (`celery -A dagster_celery.app worker`, broker and backend given on the command line),
and one `dagster asset materialize` per partition, started together. Each test run uses its own
queue, so test runs sharing the machine's Redis never take each other's tasks.
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from datagen_assets.orchestrate.executors import (
    BACKEND_VAR,
    BROKER_VAR,
    DEFAULT_BROKER,
    EXECUTOR_VAR,
    QUEUE_VAR,
    celery_config,
    executor_from_env,
)
from datagen_assets.settings import Settings

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("DATAGEN_TEST_REDIS", "redis://127.0.0.1:6379/9")
# Small shop: customers 100 rows (1 chunk), products 10 (1), orders 300 (2), order_items 1000 (4).
SCALE, CHUNK_ROWS = 0.001, 250
WAVES = (("customers", "products"), ("orders",), ("order_items",))  # FK order, parents first
READY_SECONDS = 60
RUN_SECONDS = 180


# ---------------------------------------------------------------------------- executor choice


def test_in_process_by_default():
    assert executor_from_env({}).name == "in_process"
    assert executor_from_env({EXECUTOR_VAR: " In-Process "}).name == "in_process"


def test_unknown_executor_is_an_error():
    with pytest.raises(ValueError, match="DATAGEN_EXECUTOR='k8s'.*in_process, celery"):
        executor_from_env({EXECUTOR_VAR: "k8s"})


def test_celery_config_from_env():
    assert celery_config({}) == {"broker": DEFAULT_BROKER, "backend": DEFAULT_BROKER}
    env = {BROKER_VAR: "redis://broker:6379/1", QUEUE_VAR: "datagen"}
    assert celery_config(env) == {
        "broker": {"env": BROKER_VAR},
        "backend": {"env": BROKER_VAR},  # results over the Redis broker
        "config_source": {"task_default_queue": "datagen"},
    }
    amqp = celery_config({BROKER_VAR: "pyamqp://guest@rabbit//"})
    assert amqp["backend"] == "rpc://"
    both = celery_config({BROKER_VAR: "redis://a/0", BACKEND_VAR: "redis://b/1"})
    assert both["backend"] == {"env": BACKEND_VAR}


def test_celery_executor_definition():
    pytest.importorskip("dagster_celery", reason="dagster-celery is not installed")
    executor = executor_from_env({EXECUTOR_VAR: "celery", BROKER_VAR: REDIS_URL})
    assert executor.name == "celery"


# ---------------------------------------------------------------------------- real workers


def require(available: bool, reason: str) -> None:
    """Skip when a prerequisite is missing on a developer machine; under CI it is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def redis_client():
    try:
        import redis
    except ImportError:
        require(False, "the redis package (celery[redis]) is not installed")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        require(False, f"Redis at {REDIS_URL} is not reachable: {error}")
    return client


@pytest.fixture
def cluster(tmp_path: Path, fresh_database, monkeypatch) -> Iterator[dict]:
    """Two Celery workers on a fresh queue, sharing a Dagster instance on the machine's
    PostgreSQL (docker/dagster.docker.yaml, as the compose deployment has it) and a small shop
    dataset. Yields the environment every Dagster process of the test must run with."""
    try:
        import dagster_celery  # noqa: F401
    except ImportError:
        require(False, "dagster-celery is not installed")
    client = redis_client()
    require(shutil.which("celery", path=str(BIN)) is not None, f"no celery command in {BIN}")

    schemas = small_shop(tmp_path / "schemas")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copyfile(REPO / "docker" / "dagster.docker.yaml", home / "dagster.yaml")
    database = urlsplit(fresh_database("celery"))
    queue = f"datagen-test-{uuid.uuid4().hex[:10]}"
    instance_env = {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": database.hostname or "127.0.0.1",
        "DAGSTER_PG_PORT": str(database.port or 5432),
        "DAGSTER_PG_USER": unquote(database.username or "postgres"),
        "DAGSTER_PG_PASSWORD": unquote(database.password or ""),
        "DAGSTER_PG_DB": database.path.lstrip("/"),
    }
    env = {
        **os.environ,
        **instance_env,
        "DATAGEN_SCHEMAS_DIR": str(schemas),
        "DATAGEN_STORAGE_URL": str(tmp_path / "celery_data"),
        EXECUTOR_VAR: "celery",
        BROKER_VAR: REDIS_URL,
        BACKEND_VAR: REDIS_URL,
        QUEUE_VAR: queue,
        "TMPDIR": str(tmp_path),
    }
    for var in ("DATAGEN_ROWS", "DATAGEN_SEED", "DATAGEN_SCALE"):
        env.pop(var, None)  # the dataset files in `schemas` say everything
    # Create the instance's tables once, here: processes that all start on an empty database
    # would each try to create them (and stamp the schema version) at the same time.
    for name, value in instance_env.items():
        monkeypatch.setenv(name, value)
    from dagster import DagsterInstance

    with DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    workers: list[subprocess.Popen] = []
    try:
        for index in (1, 2):
            name = f"{queue}-w{index}"
            log = tmp_path / f"worker{index}.log"
            workers.append(start_worker(name, queue, env, log))
        for index, worker in enumerate(workers, 1):
            wait_ready(worker, tmp_path / f"worker{index}.log")
        yield {"env": env, "tmp": tmp_path, "home": home, "schemas": schemas, "queue": queue}
    finally:
        stop(*workers)
        for key in client.scan_iter(match=f"*{queue}*"):  # queue lists and kombu bindings
            client.delete(key)


def small_shop(folder: Path) -> Path:
    """The repo's shop dataset, scaled down and chunked so orders and order_items have several
    partitions."""
    folder.mkdir(parents=True)
    shutil.copyfile(REPO / "schemas" / "shop.sql", folder / "shop.sql")
    config = yaml.safe_load((REPO / "schemas" / "shop.yaml").read_text())
    config.update(scale=SCALE, chunk_rows=CHUNK_ROWS)
    (folder / "shop.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return folder


def start_worker(name: str, queue: str, env: dict, log: Path) -> subprocess.Popen:
    """A worker as dagster-celery documents it, broker and backend on the command line (they
    win over dagster_celery.defaults), one process, consuming only this test's queue."""
    command = [
        str(BIN / "celery"),
        "-A",
        "dagster_celery.app",
        "-b",
        env[BROKER_VAR],
        "--result-backend",
        env[BACKEND_VAR],
        "worker",
        "-Q",
        queue,
        "-n",
        f"{name}@%h",
        "-c",
        "1",
        "--prefetch-multiplier",
        "1",
        "--disable-prefetch",  # take a task only with a free slot: idle workers get the work
        "-l",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def wait_ready(worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if " ready." in text:
            return
        if worker.poll() is not None:
            pytest.fail(f"celery worker exited with {worker.returncode}:\n{text[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"celery worker not ready after {READY_SECONDS} s:\n{log.read_text()[-3000:]}")


def stop(*processes: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM) of each process group we started, SIGKILL for any that lingers."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        alive = [p for p in processes if p.poll() is None]
        for process in alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        deadline = time.monotonic() + wait
        for process in alive:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))


def materialize_partitions(cluster: dict, tables: tuple[str, ...]) -> None:
    """`dagster asset materialize` of every partition of `tables`, all started at once; each is
    a run whose steps the celery executor hands to the workers."""
    from datagen_assets.dataset import discover_datasets
    from datagen_assets.plan.plan import plan_dataset

    settings = Settings(schemas_dir=cluster["schemas"])
    (dataset,) = discover_datasets(settings)
    plan = plan_dataset(dataset)
    runs = []
    for table in tables:
        for key in plan.table(table).partition_keys:
            log = cluster["tmp"] / f"run-{table}-{key}.log"
            command = [
                str(BIN / "dagster"),
                "asset",
                "materialize",
                "-m",
                "datagen_assets",
                "--select",
                f"shop/{table}",
                "--partition",
                key,
            ]
            with log.open("wb") as out:
                process = subprocess.Popen(
                    command,
                    cwd=REPO,
                    env=cluster["env"],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,
                )
            runs.append((process, log))
    for process, log in runs:
        try:
            code = process.wait(timeout=RUN_SECONDS)
        except subprocess.TimeoutExpired:
            stop(process)
            pytest.fail(f"{log.name} did not finish in {RUN_SECONDS} s:\n{log.read_text()[-3000:]}")
        assert code == 0, f"{log.name} failed:\n{log.read_text()[-4000:]}"


def celery_steps() -> dict[tuple[str, str], str]:
    """(table, partition) -> the Celery worker that ran its step, from the engine events of the
    runs of the DAGSTER_HOME instance (a dataset's tables are one multi-asset, so one step
    name: each run here selects one table)."""
    from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus

    placed: dict[tuple[str, str], str] = {}
    with DagsterInstance.get() as instance:
        for run in instance.get_runs():
            assert run.status == DagsterRunStatus.SUCCESS, f"run {run.run_id}: {run.status}"
            partition = run.tags.get("dagster/partition", "")
            table = ",".join(sorted(key.path[-1] for key in run.asset_selection or ()))
            for record in instance.all_logs(run.run_id, of_type=DagsterEventType.ENGINE_EVENT):
                metadata = record.dagster_event.engine_event_data.metadata
                if "Celery worker" in metadata:
                    placed[(table, partition)] = str(metadata["Celery worker"].value)
    return placed


def parquet_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.parquet"))}


def test_partitions_spread_over_celery_workers_byte_identical(cluster, monkeypatch):
    from datagen_assets.orchestrate.factory import build_definitions

    env = cluster["env"]
    settings = Settings.from_env(env)
    for var in (EXECUTOR_VAR, BROKER_VAR, BACKEND_VAR, QUEUE_VAR):
        monkeypatch.setenv(var, env[var])  # what the code location sees
    executor = build_definitions(settings).executor
    for var in (EXECUTOR_VAR, BROKER_VAR, BACKEND_VAR, QUEUE_VAR):
        monkeypatch.delenv(var)
    assert executor is not None and executor.name == "celery", (
        "the code location ignores DATAGEN_EXECUTOR: factory.py must pass "
        "`executor=executor_from_env()` to Definitions"
    )

    for tables in WAVES:
        materialize_partitions(cluster, tables)

    placed = celery_steps()  # the cluster fixture points DAGSTER_HOME at the shared instance
    item_workers = {worker for (table, _), worker in placed.items() if table == "order_items"}
    item_partitions = {key for (table, key) in placed if table == "order_items"}
    assert item_partitions == {"00000", "00001", "00002", "00003"}, placed
    assert len(item_workers) == 2, f"order_items partitions all ran on {item_workers}"
    assert all(w.startswith(cluster["queue"]) for w in placed.values()), placed
    assert {table for table, _ in placed} == {"customers", "products", "orders", "order_items"}

    # The reference: the same datasets materialised in process (`datagen materialize`).
    from dagster import DagsterInstance

    from datagen_assets.cli import materialize

    reference = Settings(schemas_dir=cluster["schemas"], storage_url=str(cluster["tmp"] / "ref"))
    with DagsterInstance.ephemeral() as instance:
        outcomes = materialize(reference, ["shop"], instance=instance, echo=lambda _: None)
    assert all(outcome.ok for outcome in outcomes), outcomes

    expected = parquet_files(cluster["tmp"] / "ref")
    actual = parquet_files(Path(settings.storage_url))
    assert len(expected) == 4 * 4  # every table has the 4 chunks of order_items
    assert sorted(actual) == sorted(expected)
    different = [name for name in expected if actual[name] != expected[name]]
    assert not different, f"not byte-identical to the in-process run: {different}"

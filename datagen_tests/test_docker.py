"""The deployment files in docker/: the compose file is valid for Docker Compose and wired as
docs/scale-out.md says, the instance file works on a real PostgreSQL, and the run-queue snippet
is a valid instance config identical to the block the compose instance carries.

No Docker engine runs here (nor in CI): `docker compose config` parses and resolves the compose
file without one. It needs the `docker` client with the compose plugin and is skipped without
them; the structural checks read the YAML directly and always run.
"""

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DOCKER = REPO / "docker"
COMPOSE = DOCKER / "compose.yaml"
SERVICES = {
    "postgres",
    "redis",
    "s3",
    "s3-init",
    "code-location",
    "webserver",
    "daemon",
    "worker",
}
DATAGEN_SERVICES = SERVICES - {"postgres", "redis", "s3"}


def load_yaml(name: str) -> dict:
    return yaml.safe_load((DOCKER / name).read_text())


def command_text(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


# ---------------------------------------------------------------------------- compose


def test_compose_wiring():
    compose = load_yaml("compose.yaml")
    services = compose["services"]
    assert set(services) == SERVICES

    workspace = load_yaml("workspace.docker.yaml")
    (server,) = [entry["grpc_server"] for entry in workspace["load_from"]]
    code_location = services[server["host"]]
    assert f"-p {server['port']}" in command_text(code_location)
    assert "-m datagen_assets" in command_text(code_location)

    for name in DATAGEN_SERVICES:
        service = services[name]
        assert service["build"]["dockerfile"] == "docker/Dockerfile", name
        env = service["environment"]
        assert env["DATAGEN_EXECUTOR"] == "celery", name
        assert env["DAGSTER_PG_HOST"] == "postgres", name
        assert urlsplit(env["DATAGEN_CELERY_BROKER"]).hostname == "redis", name
        mounts = [volume.split(":")[1] for volume in service["volumes"]]
        assert f"{env['DAGSTER_HOME']}/dagster.yaml" in mounts, name
        assert urlsplit(env["AWS_ENDPOINT_URL"]).hostname == "s3", name

    assert "celery -A dagster_celery.app" in command_text(services["worker"])
    assert '-Q "$$DATAGEN_CELERY_QUEUE"' in command_text(services["worker"])
    assert services["webserver"]["ports"] == ["127.0.0.1:3000:3000"]  # the host's loopback only
    for name in ("webserver", "daemon"):
        assert "/app/workspace.docker.yaml" in command_text(services[name]), name


def docker_compose() -> list[str]:
    """`docker compose` if the client and its compose plugin are installed, else skip."""
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine")
    probe = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, timeout=60
    )
    if probe.returncode != 0:
        pytest.skip(
            "the docker client has no compose plugin (Docker Compose v2 is not installed here): "
            + (probe.stderr or probe.stdout).strip()[:200]
        )
    return [docker, "compose"]


def test_docker_compose_config():
    """What `docker compose -f docker/compose.yaml config` makes of the file: valid, with every
    service resolved (anchors merged, paths absolute, `$$` kept for the container's shell)."""
    result = subprocess.run(
        [*docker_compose(), "-f", str(COMPOSE), "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    services = config["services"]
    assert set(services) == SERVICES
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["s3-init"]["restart"] == "no"
    assert services["code-location"]["depends_on"]["s3-init"]["condition"] == (
        "service_completed_successfully"
    )
    mounted = {
        volume["source"]
        for volume in services["code-location"]["volumes"]
        if volume["type"] == "bind"
    }
    assert mounted == {str(DOCKER / "dagster.docker.yaml"), str(DOCKER / "workspace.docker.yaml")}
    assert Path(services["webserver"]["build"]["context"]) == REPO


# ---------------------------------------------------------------------------- instance files


def test_queue_snippet_is_the_docker_instance_block():
    assert (
        load_yaml("dagster.docker.yaml")["run_coordinator"]
        == (load_yaml("dagster.queue.yaml")["run_coordinator"])
    )


def queue_limits() -> dict:
    return load_yaml("dagster.queue.yaml")["run_coordinator"]["config"]


def assert_queue(instance) -> None:
    from dagster._core.run_coordinator import QueuedRunCoordinator

    coordinator = instance.run_coordinator
    assert isinstance(coordinator, QueuedRunCoordinator)
    config = coordinator.get_run_queue_config()
    expected = queue_limits()
    assert config.max_concurrent_runs == expected["max_concurrent_runs"]
    assert list(config.tag_concurrency_limits) == expected["tag_concurrency_limits"]
    assert coordinator.dequeue_interval_seconds == expected["dequeue_interval_seconds"]


def test_queue_snippet_on_the_default_instance(tmp_path, monkeypatch):
    """The snippet pasted into the repo's (SQLite) dagster.yaml gives a queued instance."""
    from dagster import DagsterInstance

    config = yaml.safe_load((REPO / "dagster.yaml").read_text())
    config.update(load_yaml("dagster.queue.yaml"))
    (tmp_path / "dagster.yaml").write_text(yaml.safe_dump(config))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    with DagsterInstance.get() as instance:
        assert_queue(instance)


def test_docker_instance_on_real_postgres(fresh_database, tmp_path, monkeypatch):
    """docker/dagster.docker.yaml as the compose services get it (DAGSTER_PG_* variables),
    against the machine's PostgreSQL: storage, queue and launcher load, and a run is recorded."""
    from dagster import DagsterInstance, asset, materialize
    from dagster._core.launcher import DefaultRunLauncher

    url = urlsplit(fresh_database("docker_instance"))
    shutil.copyfile(DOCKER / "dagster.docker.yaml", tmp_path / "dagster.yaml")
    for name, value in {
        "DAGSTER_HOME": str(tmp_path),
        "DAGSTER_PG_HOST": url.hostname or "127.0.0.1",
        "DAGSTER_PG_PORT": str(url.port or 5432),
        "DAGSTER_PG_USER": unquote(url.username or "postgres"),
        "DAGSTER_PG_PASSWORD": unquote(url.password or ""),
        "DAGSTER_PG_DB": url.path.lstrip("/"),
    }.items():
        monkeypatch.setenv(name, value)

    @asset
    def probe() -> int:
        return 1

    with DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert isinstance(instance.run_launcher, DefaultRunLauncher)
        assert instance.run_monitoring_enabled
        assert_queue(instance)
        result = materialize([probe], instance=instance)
        assert result.success
        (run,) = instance.get_runs()
        assert run.run_id == result.run_id
        assert instance.get_latest_materialization_event(probe.key) is not None

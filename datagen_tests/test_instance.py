"""The Dagster instance: SQLite by default, PostgreSQL when DAGSTER_PG_URL is set, through the
same code path as `datagen materialize`; runs and events checked in the real PostgreSQL."""

import shutil
import warnings

import dagster as dg
import psycopg
import pytest
import yaml

from datagen_assets import cli
from datagen_assets.orchestrate import instance as inst
from datagen_assets.orchestrate.factory import load_plans
from datagen_assets.settings import Settings
from datagen_tests.conftest import REPO, make_project
from datagen_tests.test_materialize import CONFIG, DDL


@pytest.fixture
def project(tmp_path, monkeypatch):
    make_project(tmp_path, monkeypatch, DDL, CONFIG)
    return tmp_path


# ---------------------------------------------------------------------------- the file


def test_default_is_the_repo_sqlite_file():
    assert inst.instance_yaml_for_env({}) == (REPO / "dagster.yaml").read_text()
    config = yaml.safe_load(inst.instance_yaml_for_env({}))
    assert config["storage"] == {
        "custom": {
            "module": "datagen_assets.orchestrate.sqlite_storage",
            "class": "PooledSqliteStorage",
            "config": {"base_dir": {"env": "DAGSTER_HOME"}},
        }
    }


def test_a_home_seeded_with_the_previous_sqlite_default_is_upgraded(tmp_path):
    """The block datagen wrote before the pooled storage (same files) is still datagen's."""
    home = tmp_path / "home"
    home.mkdir()
    previous = "storage:\n  sqlite:\n    base_dir:\n      env: DAGSTER_HOME\n"
    (home / "dagster.yaml").write_text(previous + "\ntelemetry:\n  enabled: false\n")
    target = inst.seed_dagster_home(home, {})
    assert target.read_text() == (REPO / "dagster.yaml").read_text()


def test_postgres_file_from_url_uses_psycopg2_and_keeps_the_password_out():
    url = "postgres://app%40corp:s%3Acret@db.example:6543/dagster?sslmode=require"
    text = inst.instance_yaml_for_env({inst.PG_URL_VAR: url})
    assert text.startswith(inst.MANAGED_MARKER)
    assert "s:cret" not in text and "s%3Acret" not in text
    assert yaml.safe_load(text)["storage"]["postgres"]["postgres_db"] == {
        "username": "app@corp",
        "hostname": "db.example",
        "port": 6543,
        "db_name": "dagster",
        "scheme": "postgresql+psycopg2",
        "password": {"env": "DAGSTER_PG_PASSWORD"},
        "params": {"sslmode": "require"},
    }
    assert inst.pg_password(url) == "s:cret"


@pytest.mark.parametrize(
    "url, message",
    [
        ("mysql://u@h/db", "must be a postgresql:// URL"),
        ("postgresql://h:5432/db", "must name a user and a database"),
        ("postgresql://u@h:5432/", "must name a user and a database"),
        ("postgresql://u@h:99999/db", "invalid port"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url, message):
    with pytest.raises(ValueError, match=message):
        inst.postgres_db_config(url)


def test_cli_refuses_a_bad_url(project, monkeypatch, capsys):
    monkeypatch.setenv(inst.PG_URL_VAR, "mysql://u@h/db")
    with pytest.raises(SystemExit, match="invalid environment: DAGSTER_PG_URL"):
        cli.main(["materialize", "tiny"])


def test_managed_file_follows_the_environment_a_hand_written_one_does_not(tmp_path):
    home = tmp_path / "home"
    env = {inst.PG_URL_VAR: "postgresql://u:pw@h:5432/a"}
    target = inst.seed_dagster_home(home, env)
    assert (
        yaml.safe_load(target.read_text())["storage"]["postgres"]["postgres_db"]["db_name"] == "a"
    )
    assert env[inst.PG_PASSWORD_VAR] == "pw"  # exported for this process

    env[inst.PG_URL_VAR] = "postgresql://u@h:5432/b"
    inst.seed_dagster_home(home, env)
    assert "db_name: b" in target.read_text()

    del env[inst.PG_URL_VAR]
    inst.seed_dagster_home(home, env)
    assert target.read_text() == (REPO / "dagster.yaml").read_text()

    hand_written = "storage:\n  sqlite:\n    base_dir: /somewhere/else\n"
    target.write_text(hand_written)
    env[inst.PG_URL_VAR] = "postgresql://u@h:5432/c"
    with pytest.warns(UserWarning, match="not written by datagen"):
        inst.seed_dagster_home(home, env)
    assert target.read_text() == hand_written
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        inst.seed_dagster_home(home, {})  # SQLite wanted, a file is there: nothing to say


# ---------------------------------------------------------------------------- real PostgreSQL


def _count(url: str, sql: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchone()[0]


def test_materialize_records_runs_and_events_in_postgres(project, fresh_database, monkeypatch):
    url = fresh_database("instance_cli")
    # A password in the URL (trust auth ignores it) exercises the DAGSTER_PG_PASSWORD path.
    with_password = url.replace("postgres@", "postgres:not%20secret@", 1)
    monkeypatch.setenv(inst.PG_URL_VAR, with_password)
    monkeypatch.delenv(inst.PG_PASSWORD_VAR, raising=False)

    assert cli.main(["materialize", "tiny"]) == 0

    home = project / "home"
    seeded = (home / "dagster.yaml").read_text()
    assert "postgresql+psycopg2" in seeded and "not secret" not in seeded
    assert not (home / "history").exists()  # nothing went to SQLite
    runs = _count(url, "SELECT count(*) FROM runs WHERE status = 'SUCCESS'")
    (plan,) = load_plans(Settings.from_env())
    assert runs == len(cli.plan_batches(plan))  # one run per batch, as the CLI plans them
    materializations = _count(
        url, "SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
    )
    assert materializations == 3 * 8  # one per chunk: 3 tables of 8 (test_materialize.CHUNKS)
    checks = _count(url, "SELECT count(*) FROM asset_check_executions")
    assert checks > 0
    with dg.DagsterInstance.get() as instance:  # what `dagster dev` will open
        assert instance.run_storage._engine.dialect.driver == "psycopg2"  # noqa: SLF001
        assert len(instance.get_runs()) == runs


def test_docker_file_configures_postgres_from_variables(fresh_database, tmp_path, monkeypatch):
    url = fresh_database("instance_docker")
    database = url.rsplit("/", 1)[1]
    for var, value in {
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": "5432",
        "DAGSTER_PG_USER": "postgres",
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_DB": database,
    }.items():
        monkeypatch.setenv(var, value)
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(REPO / "docker" / "dagster.postgres.yaml", home / "dagster.yaml")

    @dg.op
    def hello() -> int:
        return 1

    @dg.job
    def probe():
        hello()

    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert probe.execute_in_process(instance=instance).success
    assert _count(url, "SELECT count(*) FROM runs WHERE pipeline_name = 'probe'") == 1

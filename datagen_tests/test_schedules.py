"""Refresh schedules from the dataset YAML: run config, seeds per tick, validation, a run."""

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import dagster as dg
import polars as pl
import pytest

from datagen_assets import cli
from datagen_assets.orchestrate import schedules
from datagen_assets.orchestrate.factory import build_definitions, load_plans
from datagen_assets.orchestrate.request_job import REQUEST_JOB, request_config_of
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_tests.test_materialize import CONFIG, DDL

BERLIN = ZoneInfo("Europe/Berlin")
TICK_1 = datetime(2026, 1, 1, 3, 0, tzinfo=BERLIN)  # 02:00 UTC
TICK_2 = datetime(2026, 1, 2, 3, 0, tzinfo=BERLIN)


@pytest.fixture
def project(tmp_path, monkeypatch):
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "tiny.sql").write_text(DDL)
    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(schemas))
    monkeypatch.setenv("DATAGEN_STORAGE_URL", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    for var in ("DATAGEN_ROWS", "DATAGEN_SEED", "DATAGEN_SCALE", "DAGSTER_PG_URL"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def configure(project, schedule: str) -> None:
    (project / "schemas" / "tiny.yaml").write_text(CONFIG + schedule)


@pytest.fixture
def instance(project):
    (project / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(project / "home")) as instance:
        yield instance


def evaluate(defs: dg.Definitions, instance, when: datetime) -> dg.RunRequest:
    schedule = defs.get_repository_def().get_schedule_def("tiny_refresh")
    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=when)
    (run_request,) = schedule.evaluate_tick(context).run_requests
    return run_request


def op_config(run_request: dg.RunRequest) -> dict:
    return request_config_of(run_request.run_config)


def test_new_seed_per_tick_same_seed_for_the_same_tick(project, instance):
    configure(project, 'schedule: {cron: "0 3 * * *", timezone: Europe/Berlin, seed: new}\n')
    defs = build_definitions()
    schedule = defs.get_repository_def().get_schedule_def("tiny_refresh")
    assert schedule.cron_schedule == "0 3 * * *"
    assert schedule.execution_timezone == "Europe/Berlin"
    assert schedule.job_name == REQUEST_JOB
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING

    first, second, again = (evaluate(defs, instance, t) for t in (TICK_1, TICK_2, TICK_1))
    config = op_config(first)
    assert config["kind"] == "refresh" and config["dataset"] == "tiny"
    assert config["output_url"] == str(project / "data" / "refresh" / "tiny" / "20260101T020000Z")
    assert "response_url" not in config and config["tables"] == []
    assert first.run_key == "tiny@20260101T020000Z"
    assert first.tags["datagen/seed"] == str(config["seed"])
    assert first.tags["datagen/tick"] == "20260101T020000Z"
    assert op_config(second)["seed"] != config["seed"]
    assert op_config(again) == config  # a re-evaluated tick reproduces its data
    assert config["seed"] != 7  # not the dataset's seed


def test_fixed_seed_is_the_datasets(project, instance):
    configure(project, 'schedule: {cron: "30 4 * * 1"}\n')
    defs = build_definitions()
    seeds = {op_config(evaluate(defs, instance, t))["seed"] for t in (TICK_1, TICK_2)}
    assert seeds == {7}  # CONFIG's seed
    schedule = defs.get_repository_def().get_schedule_def("tiny_refresh")
    assert schedule.execution_timezone == "UTC"


def test_disabled_schedule_is_declared_but_stopped(project):
    configure(project, 'schedule: {cron: "0 3 * * *", enabled: false}\n')
    schedule = build_definitions().get_repository_def().get_schedule_def("tiny_refresh")
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED


def test_no_schedule_key_no_schedule(project):
    configure(project, "")
    assert not build_definitions().get_repository_def().schedule_defs


def test_every_schedule_problem_is_reported_with_its_line(project):
    configure(
        project,
        "schedule:\n  cron: every day\n  timezone: Mars/Olympus\n  seed: random\n  when: now\n",
    )
    with pytest.raises(SchemaError) as raised:
        load_plans(Settings.from_env())
    problems = raised.value.problems
    assert len(problems) == 4
    line = CONFIG.count("\n") + 1  # each problem at its own line under `schedule:`
    assert sorted(p.line for p in problems) == [line + 1, line + 2, line + 3, line + 4]
    text = " ".join(p.message for p in problems)
    for expected in ("'every day'", "Mars/Olympus", "'random'", "unknown key 'when'"):
        assert expected in text


def test_refresh_run_writes_the_tick_folder_and_latest(project, instance):
    configure(project, 'schedule: {cron: "0 3 * * *", seed: new}\n')
    defs = build_definitions()
    run_request = evaluate(defs, instance, datetime(2026, 3, 1, 3, tzinfo=UTC))
    job = defs.get_repository_def().get_job(REQUEST_JOB)
    result = job.execute_in_process(
        run_config=run_request.run_config, instance=instance, tags=run_request.tags
    )
    assert result.success
    refresh = project / "data" / "refresh" / "tiny"
    tick = refresh / "20260301T030000Z"
    assert pl.read_parquet(tick / "tiny" / "order_lines" / "*.parquet").height == 150
    manifest = json.loads((tick / "manifest.json").read_text())
    latest = json.loads((refresh / "latest.json").read_text())
    assert manifest["seed"] == op_config(run_request)["seed"] == latest["seed"]
    assert manifest["checks_passed"] and latest["manifest_url"] == tick.as_uri()
    assert not (project / "data" / "tiny").exists()  # the assets' location is not touched


def test_materialize_still_works_with_a_schedule(project, capsys):
    configure(project, 'schedule: {cron: "0 3 * * *", seed: new}\n')
    assert cli.main(["materialize", "tiny"]) == 0
    assert "tiny/order_lines: 150 rows in 8 chunks" in capsys.readouterr().out


def test_tick_ids_are_utc_and_seeds_fit_32_bits():
    assert schedules.tick_id(TICK_1) == "20260101T020000Z"
    assert schedules.tick_id(datetime(2026, 1, 1, 2)) == "20260101T020000Z"  # naive = UTC
    fake = SimpleNamespace(name="tiny", config=SimpleNamespace(seed=7))
    ticks = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=h) for h in range(200)]
    seeds = [schedules.refresh_seed(fake, t) for t in ticks]
    assert len(set(seeds)) == len(seeds) and all(0 <= s < 2**31 for s in seeds)

"""CaseGeni requests: inbox sensor, request job, response sensors, run-key dedup by the daemon."""

import json
import logging
import sys
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from jsonschema import Draft202012Validator

from datagen_assets.orchestrate import casegeni, requests
from datagen_assets.orchestrate.factory import build_definitions
from datagen_assets.orchestrate.json_validation import validate
from datagen_assets.orchestrate.request_job import REQUEST_JOB
from datagen_assets.settings import Settings
from datagen_tests.conftest import REPO, make_project
from datagen_tests.test_materialize import CONFIG, DDL

GOOD = {
    "id": "case-001",
    "dataset": "tiny",
    "tables": {"order_lines": {"rows": 40}},
    "seed": 9,
    "locale": "de_DE",
    "null_pct": 50,
    "edge_case_pct": 5,
    "pii_mode": "masked",
    "exports": ["csv", "parquet"],
    "metadata": {"case": "CG-17", "requested_by": "qa"},
}
BAD = {
    "id": "not-the-file-name",
    "dataset": "tiny",
    "tables": ["orders", "nope"],
    "rows": -5,
    "seed": "nine",
    "locale": "xx_YY",
    "pii_mode": "plain",
    "colour": "blue",
}
BAD_ERRORS = {
    "/id",  # differs from the file name
    "/tables/1",  # no such table
    "/rows",  # below the minimum
    "/seed",  # not an integer
    "/locale",  # not a Faker locale
    "/pii_mode",  # not in the enum
    "/colour",  # unknown property
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The `tiny` dataset, storage and DAGSTER_HOME under tmp; the default inbox."""
    make_project(tmp_path, monkeypatch, DDL, CONFIG)
    return tmp_path


@pytest.fixture
def instance(project):
    (project / "home").mkdir()
    with dg.instance_for_test(temp_dir=str(project / "home")) as instance:
        yield instance


@pytest.fixture
def defs(project):
    return build_definitions()


def inbox(project: Path) -> Path:
    return project / "data" / "requests" / "inbox"


def responses(project: Path) -> Path:
    return project / "data" / "requests" / "responses"


def submit(project: Path, name: str, body) -> Path:
    folder = inbox(project)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    return path


def tick(defs: dg.Definitions, instance: dg.DagsterInstance):
    sensor = defs.get_repository_def().get_sensor_def(requests.SENSOR_NAME)
    context = dg.build_sensor_context(instance=instance, definitions=defs)
    return sensor.evaluate_tick(context)


def execute(defs: dg.Definitions, instance: dg.DagsterInstance, run_request: dg.RunRequest):
    """Run the request job as the daemon would launch it: its run config and its tags."""
    job = defs.get_repository_def().get_job(REQUEST_JOB)
    tags = {
        **run_request.tags,
        "dagster/run_key": run_request.run_key,
        "dagster/sensor_name": requests.SENSOR_NAME,
    }
    return job.execute_in_process(
        run_config=run_request.run_config, instance=instance, tags=tags, raise_on_error=False
    )


def respond(defs, instance, result, sensor_name: str) -> None:
    event = result.get_run_success_event() if result.success else result.get_run_failure_event()
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor_name,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    )
    defs.get_repository_def().get_sensor_def(sensor_name)(context)


def assert_valid_response(body: dict) -> None:
    assert validate(body, casegeni.RESPONSE_SCHEMA) == []


# ---------------------------------------------------------------------------- schemas


@pytest.mark.parametrize(
    "name, schema",
    [
        ("casegeni-request.schema.json", casegeni.REQUEST_SCHEMA),
        ("casegeni-response.schema.json", casegeni.RESPONSE_SCHEMA),
    ],
)
def test_documented_schemas_are_the_ones_in_code(name, schema):
    assert json.loads((REPO / "docs" / name).read_text()) == schema
    Draft202012Validator.check_schema(schema)


def test_the_validator_reports_every_error_at_its_pointer():
    check = validate
    schema = casegeni.REQUEST_SCHEMA
    assert {e.path for e in check(BAD, schema)} == {"/rows", "/seed", "/pii_mode", "/colour"}
    nested = {"id": "x", "dataset": "tiny", "tables": {"orders": {"rows": 1, "scale": 2}}}
    assert [e.path for e in check(nested, schema)] == ["/tables/orders"]
    listed = {"id": "x", "dataset": "tiny", "tables": ["orders", 3, "orders"]}
    assert {e.path for e in check(listed, schema)} == {"/tables/1", "/tables/2"}
    assert [e.path for e in check({"tables": "all"}, schema)] == ["", "", "/tables"]
    assert check(GOOD, schema) == []


# ---------------------------------------------------------------------------- the sensor


def test_good_request_is_run_bad_one_rejected_with_every_error(project, instance, defs):
    submit(project, "case-001", GOOD)
    submit(project, "case-002", BAD)

    data = tick(defs, instance)

    (run_request,) = data.run_requests
    assert run_request.run_key == "case-001"
    assert run_request.tags["datagen/request_id"] == "case-001"
    config = run_request.run_config["ops"]["datagen_request"]["config"]
    assert config["tables"] == ["order_lines"] and config["table_rows"] == {"order_lines": 40}
    assert config["output_url"] == str(project / "data" / "requests" / "case-001")
    rejection = json.loads((responses(project) / "case-002.rejected.json").read_text())
    assert_valid_response(rejection)
    assert rejection["status"] == "rejected"
    assert {e["path"] for e in rejection["errors"]} == BAD_ERRORS
    assert not (responses(project) / "case-001.rejected.json").exists()

    # Next tick: the unchanged rejection is left alone, the unanswered request asked again
    # (Dagster's run key makes that a no-op once its run exists, see the daemon test).
    before = (responses(project) / "case-002.rejected.json").stat().st_mtime_ns
    again = tick(defs, instance)
    assert [r.run_key for r in again.run_requests] == ["case-001"]
    assert (responses(project) / "case-002.rejected.json").stat().st_mtime_ns == before


def test_request_job_writes_its_own_folder_checks_it_and_answers(project, instance, defs):
    submit(project, "case-001", GOOD)
    (run_request,) = tick(defs, instance).run_requests

    result = execute(defs, instance, run_request)
    assert result.success

    out = project / "data" / "requests" / "case-001" / "tiny"
    lines = pl.read_parquet(sorted((out / "order_lines").glob("*.parquet")))
    assert lines.height == 40  # exact, although the dataset's default would be 150
    for parent in ("orders", "Customer"):  # FK parents came along
        assert list((out / parent).glob("*.parquet"))
    assert not (project / "data" / "tiny").exists()  # the default dataset is untouched
    manifest = json.loads((out.parent / "manifest.json").read_text())
    assert manifest["seed"] == 9 and manifest["checks_passed"]
    assert {t["table"]: t["requested"] for t in manifest["tables"]} == {
        "Customer": False,
        "orders": False,
        "order_lines": True,
    }

    respond(defs, instance, result, requests.SUCCESS_SENSOR_NAME)
    response = json.loads((responses(project) / "case-001.json").read_text())
    assert_valid_response(response)
    assert response["status"] == "succeeded" and response["run_id"] == result.run_id
    assert response["checks_passed"] and response["checks"]
    assert all(c["passed"] for c in response["checks"])
    assert response["rows"] == sum(t["rows"] for t in response["tables"])
    assert response["manifest_url"] == (out.parent / "manifest.json").as_uri()
    assert response["metadata"] == GOOD["metadata"]
    assert response["exports"] == {"requested": ["csv", "parquet"], "produced": []}
    assert response["options"]["locale"] == "de_DE" and response["options"]["null_pct"] == 50
    notes = " ".join(response["notes"])
    assert "exports" in notes and "edge_case_pct" not in notes and "pii_mode" not in notes
    assert response["options"]["edge_case_pct"] == 5
    assert response["options"]["pii_mode"] == "masked"
    files = [f for t in response["tables"] for f in t["files"]]
    assert all(f.startswith("file://") for f in files)

    # Answered: nothing left to do.
    assert isinstance(tick(defs, instance).skip_message, str)


def test_a_run_that_fails_its_checks_gets_a_failed_response(project, instance, defs, monkeypatch):
    from datagen_assets.check.constraints import CheckResult
    from datagen_assets.orchestrate import factory

    def broken(table_plan, plan, translator, settings, only=None):
        return [CheckResult("primary_key", "primary_key", False, "2 duplicate keys")]

    monkeypatch.setattr(factory, "table_check_results", broken)
    submit(project, "case-003", {"id": "case-003", "dataset": "tiny", "tables": ["Customer"]})
    (run_request,) = tick(defs, instance).run_requests

    result = execute(defs, instance, run_request)
    assert not result.success

    respond(defs, instance, result, requests.FAILURE_SENSOR_NAME)
    response = json.loads((responses(project) / "case-003.json").read_text())
    assert_valid_response(response)
    assert response["status"] == "failed" and response["checks_passed"] is False
    assert response["tables"][0]["rows"] == 30  # what was written is still reported
    (error,) = response["errors"]
    assert error["step"] == "datagen_request" and "2 duplicate keys" in error["message"]


def test_finished_run_left_unanswered_is_answered_by_the_inbox_sensor(project, instance, defs):
    submit(project, "case-004", {"id": "case-004", "dataset": "tiny", "tables": ["Customer"]})
    (run_request,) = tick(defs, instance).run_requests
    assert execute(defs, instance, run_request).success
    # The run-status sensor was off: the next inbox tick writes the response instead of
    # requesting the run again.
    data = tick(defs, instance)
    assert not data.run_requests
    response = json.loads((responses(project) / "case-004.json").read_text())
    assert response["status"] == "succeeded"


def test_a_corrected_request_is_validated_again(project, instance, defs):
    submit(project, "case-005", '{"id": "case-005", "dataset": "ti')  # caught mid-write
    assert not tick(defs, instance).run_requests
    rejection = responses(project) / "case-005.rejected.json"
    (error,) = json.loads(rejection.read_text())["errors"]
    assert error["path"] == "" and "not valid JSON" in error["message"]

    submit(project, "case-005", {"id": "case-005", "dataset": "tiny"})
    (run_request,) = tick(defs, instance).run_requests
    assert run_request.run_key == "case-005"
    assert not rejection.exists()  # void now


def test_requests_too_large_or_impossible_are_rejected(project, instance, defs, monkeypatch):
    monkeypatch.setattr(requests, "MAX_REQUEST_ROWS", 100)
    submit(project, "big", {"id": "big", "dataset": "tiny", "scale": 10})
    submit(project, "huge", {"id": "huge", "dataset": "tiny", "rows": 10**9})
    assert not tick(defs, instance).run_requests
    (big,) = json.loads((responses(project) / "big.rejected.json").read_text())["errors"]
    assert "more than the 100 a request may generate" in big["message"]
    (huge,) = json.loads((responses(project) / "huge.rejected.json").read_text())["errors"]
    assert huge["path"] == "/rows"


def test_concurrent_requests_do_not_share_files(project, instance, defs):
    for name, seed in (("a", 1), ("b", 2)):
        submit(project, name, {"id": name, "dataset": "tiny", "tables": ["Customer"], "seed": seed})
    run_requests = tick(defs, instance).run_requests
    assert sorted(r.run_key for r in run_requests) == ["a", "b"]
    for run_request in run_requests:
        assert execute(defs, instance, run_request).success
    first, second = (
        pl.read_parquet(project / "data" / "requests" / name / "tiny" / "Customer" / "*.parquet")
        for name in ("a", "b")
    )
    assert first.height == second.height == 30
    assert not first.equals(second)  # different seeds, different folders


def test_missing_inbox_is_a_skip_not_an_error(project, instance, defs):
    data = tick(defs, instance)
    assert not data.run_requests and "does not exist" in data.skip_message


# ---------------------------------------------------------------------------- the daemon


daemon_defs = dg.definitions(lambda: build_definitions(Settings.from_env()))


def test_daemon_launches_a_request_once_whatever_the_ticks(project, monkeypatch):
    """The sensor asks for `case-001` on every tick until it is answered; the sensor daemon,
    which owns run-key idempotence, must create one run only."""
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.scheduler.instigation import TickStatus
    from dagster._core.test_utils import create_test_daemon_workspace_context
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
    from dagster._daemon.sensor import execute_sensor_iteration

    submit(project, "case-001", GOOD)
    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(
            executable_path=sys.executable, python_file=__file__, attribute="daemon_defs"
        ),
        location_name="datagen_test",
    )
    queued = {"module": "dagster._core.run_coordinator", "class": "QueuedRunCoordinator"}
    with (
        dg.instance_for_test(overrides={"run_coordinator": queued}) as instance,
        create_test_daemon_workspace_context(
            InProcessWorkspaceLoadTarget(origin), instance
        ) as workspace,
    ):
        logger = logging.getLogger("datagen_test_daemon")
        for _ in range(3):
            list(execute_sensor_iteration(workspace, logger, None, None))
            # The inbox sensor runs every 30 s at most: make the next tick due.
            _rewind_sensor_ticks(instance)

        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": "case-001"}))
        assert len(runs) == 1
        assert runs[0].tags["dagster/sensor_name"] == requests.SENSOR_NAME
        assert runs[0].job_name == REQUEST_JOB
        ticks = _sensor_ticks(instance, requests.SENSOR_NAME)  # newest first
        assert [t.status for t in ticks] == [
            TickStatus.SKIPPED,
            TickStatus.SKIPPED,
            TickStatus.SUCCESS,
        ]
        # Every tick asked for case-001; only the first got a run, the repeats were skipped by
        # Dagster for their run key.
        assert all(t.run_keys == ["case-001"] for t in ticks)
        assert [len(t.run_ids) for t in ticks] == [0, 0, 1]


def _sensor_ticks(instance: dg.DagsterInstance, name: str) -> list:
    from dagster._core.scheduler.instigation import InstigatorType

    (state,) = [
        s
        for s in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
        if s.name == name
    ]
    return instance.get_ticks(state.instigator_origin_id, state.selector_id)


def _rewind_sensor_ticks(instance: dg.DagsterInstance) -> None:
    """Pretend the last ticks happened a minute ago, so the daemon evaluates again now."""
    from dagster._core.scheduler.instigation import InstigatorType

    for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
        data = state.instigator_data
        if data is None or data.last_tick_timestamp is None:
            continue
        rewound = data._replace(
            last_tick_timestamp=data.last_tick_timestamp - 60,
            last_tick_start_timestamp=(data.last_tick_start_timestamp or 0) - 60,
        )
        instance.update_instigator_state(state.with_data(rewound))


def test_a_storage_error_is_logged_and_retried_not_raised(project, instance, defs):
    submit(project, "case-006", BAD)
    responses(project).parent.mkdir(parents=True, exist_ok=True)
    responses(project).write_text("a file where the responses folder should be")
    data = tick(defs, instance)
    assert not data.run_requests and "1 failed, retried next tick" in data.skip_message


@pytest.mark.parametrize(("raw", "seconds"), [(None, 30), ("", 30), ("1", 1), (" 45 ", 45)])
def test_sensor_interval_from_the_environment(raw, seconds):
    env = {} if raw is None else {requests.INTERVAL_VAR: raw}
    assert requests.sensor_interval(env) == seconds


@pytest.mark.parametrize("raw", ["0", "-5", "1.5", "soon"])
def test_a_bad_sensor_interval_names_the_variable(raw):
    with pytest.raises(ValueError, match=f"{requests.INTERVAL_VAR}='{raw}'"):
        requests.sensor_interval({requests.INTERVAL_VAR: raw})


def test_a_small_table_scale_keeps_at_least_one_row(project):
    from datagen_assets.dataset import dataset_named
    from datagen_assets.orchestrate.request_job import RequestConfig, varied_plan

    dataset = dataset_named(Settings.from_env(), "tiny")
    config = RequestConfig(
        request_id="small",
        dataset="tiny",
        output_url="unused",
        table_scale={"Customer": 0.001, "orders": 0.5},
    )
    plan = varied_plan(dataset, config)
    assert plan.table("Customer").rows == 1  # 30 x 0.001 would round to 0: orders need one
    assert plan.table("orders").rows == 35

"""Security posture (work order issue 7): no secret reaches what Dagster records, the UI binds to
the loopback interface unless told otherwise, and request files cannot name paths outside the
inbox and storage.

1. A run that uses every secret DataGen handles: storage on S3 (moto) with an AWS secret key, the
   instance on PostgreSQL through DAGSTER_PG_URL with a password, a dataset `targets:` load into
   PostgreSQL through a DSN with a password (trust auth ignores it), and the Claude assistant with
   an API key (a local stand-in for the Messages API). Then everything the instance recorded is
   searched for the secrets: the event log of every run, runs with their tags and run config, job
   and plan snapshots, materialisation metadata, every row of every table of the instance's
   database, every file under the test folder (DAGSTER_HOME with its compute logs, the schemas),
   and the console output of `datagen materialize` and of `dagster job execute`. Each place must
   also show a known non-secret string, so a search that looks in the wrong place fails.
2. `dagster dev` (as the README starts it) and the repo's docker files bind the UI to 127.0.0.1.
3. CaseGeni request files: ids, dataset and table names that try to leave the inbox or storage,
   and links to files elsewhere, are rejected without writing or reading outside the folders.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import dagster as dg
import psycopg
import pytest
import yaml
from dagster._serdes import serialize_value

from datagen_assets import cli
from datagen_assets.orchestrate import casegeni, requests
from datagen_assets.orchestrate import instance as inst
from datagen_assets.orchestrate.factory import build_definitions
from datagen_assets.settings import Settings
from datagen_tests.conftest import REPO, make_project
from datagen_tests.s3_fixtures import list_objects, moto_server, s3_bucket  # noqa: F401
from datagen_tests.test_s3 import DDL  # the same two tables, with a NUMERIC and a CHECK

CONFIG = "seed: 3\nrows: 30\nchunk_rows: 20\ntables:\n  orders: {rows: 50}\ntargets: [postgres]\n"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


# ---------------------------------------------------------------------------- 1. secrets


class FakeClaude:
    """A Messages API on a loopback port: records the API key each request carried and answers
    with one annotation of the `tiny` dataset."""

    ANSWER = {
        "columns": [
            {"table": "customers", "column": "email", "semantic_type": "email", "pii": "direct"}
        ]
    }

    def __init__(self):
        self.keys: list[str | None] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                self.rfile.read(int(self.headers.get("content-length", 0)))
                bearer = (self.headers.get("authorization") or "").removeprefix("Bearer ")
                api.keys.append(self.headers.get("x-api-key") or bearer)
                data = json.dumps(
                    {
                        "id": "msg_test",
                        "type": "message",
                        "role": "assistant",
                        "model": "claude-sonnet-4-6",
                        "content": [
                            {
                                "type": "tool_use",
                                "id": "toolu_1",
                                "name": "record_annotations",
                                "input": api.ANSWER,
                            }
                        ],
                        "stop_reason": "tool_use",
                        "stop_sequence": None,
                        "usage": {"input_tokens": 100, "output_tokens": 20},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _text(value) -> str:
    """A database value as searchable text; compressed blobs (Dagster's snapshots) inflated."""
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        with contextlib.suppress(zlib.error):
            value = zlib.decompress(value)
        return value.decode("utf-8", errors="replace")
    return str(value)


def database_text(url: str) -> str:
    """Every row of every table of the instance's database."""
    parts = []
    with psycopg.connect(url) as connection:
        tables = connection.execute(
            "SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
        ).fetchall()
        assert len(tables) > 5, tables  # Dagster's runs, event_logs, snapshots, ...
        for (table,) in tables:
            parts.append(table)
            for row in connection.execute(f"SELECT * FROM {table}"):
                parts.extend(_text(value) for value in row)
    return "\n".join(parts)


def files_text(root: Path) -> str:
    """Every file under `root`: DAGSTER_HOME (instance file, compute logs), schemas, ..."""
    parts = []
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if path.is_file():
                parts.append(f"== {path}\n{_text(path.read_bytes())}")
    return "\n".join(parts)


def instance_text(instance: dg.DagsterInstance) -> dict[str, str]:
    """What the instance recorded, through its API: runs (tags, run config) with their job
    and plan snapshots, the event log of every run, every asset's materialisations."""
    runs, events, snapshots, materializations = [], [], [], []
    for run in instance.get_runs():
        runs.append(serialize_value(run))
        runs.append(json.dumps(run.run_config, default=str))
        runs.append(json.dumps(dict(run.tags)))
        if run.job_snapshot_id:
            snapshots.append(serialize_value(instance.get_job_snapshot(run.job_snapshot_id)))
        if run.execution_plan_snapshot_id:
            plan = instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
            snapshots.append(serialize_value(plan))
        for entry in instance.all_logs(run.run_id):
            events.append(serialize_value(entry))
            events.append(str(entry))
    for key in instance.get_asset_keys():
        records = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=key), limit=1000
        ).records
        for record in records:
            materializations.append(serialize_value(record.event_log_entry))
            metadata = record.asset_materialization.metadata
            materializations.append(json.dumps({k: str(v.value) for k, v in metadata.items()}))
    return {
        "runs, tags and run config": "\n".join(runs),
        "job and execution plan snapshots": "\n".join(snapshots),
        "event log": "\n".join(events),
        "materialization metadata": "\n".join(materializations),
    }


def assert_no_secret(places: dict[str, str], secrets: dict[str, str], known: dict[str, list]):
    """No secret in any place; every known non-secret string in its place (the search looks
    where things are recorded). A secret matches in any case and any URL encoding: its needle
    is its random hex part."""
    missing = {
        place: [s for s in strings if s.lower() not in places[place].lower()]
        for place, strings in known.items()
    }
    missing = {place: strings for place, strings in missing.items() if strings}
    assert not missing, f"known strings not found, the search looks in the wrong place: {missing}"
    leaks = []
    for place, text in places.items():
        assert text.strip(), f"nothing recorded in {place}"
        lowered = text.lower()
        for name, needle in secrets.items():
            at = lowered.find(needle.lower())
            if at >= 0:
                leaks.append(f"{name} in {place}: ...{text[max(0, at - 160) : at + 60]}...")
    assert not leaks, "secrets recorded:\n" + "\n".join(leaks)


def test_no_secret_in_anything_the_instance_recorded(
    tmp_path,
    monkeypatch,
    s3_bucket,  # noqa: F811 (the fixture imported above)
    fresh_database,
    capfd,
):
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "tiny.sql").write_text(DDL)
    (schemas / "tiny.yaml").write_text(CONFIG)
    home = tmp_path / "home"
    storage_url = f"{s3_bucket}/datagen"
    bucket = s3_bucket.removeprefix("s3://")

    needles = {
        name: uuid.uuid4().hex
        for name in ("AWS secret key", "instance password", "target password", "API key")
    }
    aws_secret = f"aws/Secret+{needles['AWS secret key']}"
    instance_password = f"pg pass:{needles['instance password']}"
    target_password = f"tgt@/pw{needles['target password']}"
    api_key = f"sk-ant-api03-{needles['API key']}"
    canary = f"datagen-canary-{uuid.uuid4().hex[:12]}"  # recorded: part of the redacted DSN

    instance_url = fresh_database("security_instance")
    target_db = fresh_database("security_target")
    target_dsn = (
        target_db.replace("postgres@", f"postgres:{quote(target_password, safe='')}@", 1)
        + f"?application_name={canary}"
    )
    claude = FakeClaude()
    for name, value in {
        "DATAGEN_SCHEMAS_DIR": str(schemas),
        "DATAGEN_STORAGE_URL": storage_url,
        "DAGSTER_HOME": str(home),
        "AWS_ACCESS_KEY_ID": "AKIADATAGENTEST",
        "AWS_SECRET_ACCESS_KEY": aws_secret,
        inst.PG_URL_VAR: instance_url.replace(
            "postgres@", f"postgres:{quote(instance_password, safe='')}@", 1
        ),
        "DATAGEN_TARGET_DSN": target_dsn,
        "ANTHROPIC_API_KEY": api_key,
        "ANTHROPIC_BASE_URL": claude.url,
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("DATAGEN_ROWS", "DATAGEN_SEED", "DATAGEN_SCALE", "DATAGEN_EXECUTOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(inst.PG_PASSWORD_VAR, raising=False)  # the CLI exports it: undone after
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()  # the fixture's filesystem has other credentials

    try:
        # `datagen materialize`: chunks to S3 (AWS secret), runs recorded in PostgreSQL.
        assert cli.main(["materialize", "tiny"]) == 0
        assert os.environ[inst.PG_PASSWORD_VAR] == instance_password  # what psycopg2 gets
        assert len(list_objects(storage_url)) == 3 + 3  # every table of a dataset: 3 chunks

        defs = build_definitions(Settings.from_env())
        load = defs.resolve_job_def("tiny_load_postgres")
        annotate = defs.resolve_job_def("annotate_schemas")
        with dg.DagsterInstance.get() as instance:
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            # The load: the DSN with its password, read from DATAGEN_TARGET_DSN.
            assert load.execute_in_process(instance=instance).success
            # A load that fails to connect, with the password in its DSN.
            failing = target_dsn.replace("@127.0.0.1:5432/", "@127.0.0.1:1/", 1)
            assert failing != target_dsn
            monkeypatch.setenv("DATAGEN_TARGET_DSN", failing)
            assert not load.execute_in_process(instance=instance, raise_on_error=False).success
            monkeypatch.setenv("DATAGEN_TARGET_DSN", target_dsn)
            # Claude: the key goes to the API and nowhere else.
            assert annotate.execute_in_process(instance=instance).success
        assert claude.keys == [api_key]

        # The same load through Dagster's own CLI (a run config file, a process of its own).
        run_config = tmp_path / "reload.yaml"
        run_config.write_text(
            "resources:\n  postgres_target:\n    config:\n      mode: truncate_then_insert\n"
        )
        command = [sys.executable, "-m", "dagster", "job", "execute", "-m", "datagen_assets"]
        command += ["-j", "tiny_load_postgres", "-c", str(run_config)]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
    finally:
        claude.close()
    console = capfd.readouterr()
    with psycopg.connect(target_db) as connection:
        assert connection.execute("SELECT count(*) FROM orders").fetchone() == (50,)

    with dg.DagsterInstance.get() as instance:
        jobs = [run.job_name for run in instance.get_runs()]
        assert jobs.count("tiny_load_postgres") == 3 and jobs.count("annotate_schemas") == 1
        assert len(jobs) > 4  # and the runs of `datagen materialize`
        places = instance_text(instance)
    places["instance database"] = database_text(instance_url)
    places["files (DAGSTER_HOME, compute logs, schemas)"] = files_text(tmp_path)
    places["datagen materialize and in-process runs, stdout/stderr"] = console.out + console.err
    places["dagster job execute, stdout/stderr"] = done.stdout + done.stderr
    assert_no_secret(
        places,
        needles,
        known={
            "runs, tags and run config": ["truncate_then_insert", "dagster/asset_partition_range"],
            "job and execution plan snapshots": ["DATAGEN_TARGET_DSN", "tiny_load_postgres"],
            "event log": [canary, bucket, "cannot connect to"],
            "materialization metadata": [canary, bucket],
            "instance database": [canary, bucket],
            "files (DAGSTER_HOME, compute logs, schemas)": [canary, inst.PG_PASSWORD_VAR],
            "datagen materialize and in-process runs, stdout/stderr": [bucket, "tiny/orders:"],
            "dagster job execute, stdout/stderr": [canary, "RUN_SUCCESS"],
        },
    )


def test_the_search_finds_a_secret_where_one_is_recorded(tmp_path):
    """The assertion can fail: a secret logged in any encoding the search covers is found."""
    needle = uuid.uuid4().hex
    places = {"event log": f"connecting to postgresql://u:pw%2F{needle.upper()}@h/db"}
    with pytest.raises(AssertionError, match="target password in event log"):
        assert_no_secret(places, {"target password": needle}, known={"event log": ["h/db"]})
    with pytest.raises(AssertionError, match="search looks in the wrong place"):
        assert_no_secret(places, {"x": "absent"}, known={"event log": ["not logged"]})
    (tmp_path / "compute.err").write_bytes(zlib.compress(f"key={needle}".encode()))
    assert needle in files_text(tmp_path)  # compressed blobs are inflated before the search


# ---------------------------------------------------------------------------- 2. bind address


def test_dagster_dev_leaves_the_webserver_on_its_loopback_default(tmp_path):
    """`dagster dev` as the README runs it (no --host) starts dagster-webserver without a host,
    and dagster-webserver's default host is 127.0.0.1. The webserver is not started: the
    launch is intercepted and its command line recorded."""
    from dagster_webserver.cli import cli as webserver_cli

    (host,) = [p for p in webserver_cli.params if p.name == "host"]
    assert host.default == "127.0.0.1"

    script = (
        "import json, os, sys\n"
        "import dagster._cli.dev as dev\n"
        "def launched(command, **kwargs):\n"
        "    print(json.dumps(command), flush=True)\n"
        "    os._exit(0)\n"
        "dev.open_ipc_subprocess = launched\n"
        "dev.dev_command.main(sys.argv[1:], standalone_mode=False)\n"
    )
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "DAGSTER_HOME": str(home), "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script, "--empty-workspace"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    command = json.loads(done.stdout.strip().splitlines()[-1])
    assert command[1:3] == ["-m", "dagster_webserver"], command
    assert "--host" not in command and "-h" not in command, command


HOST_FLAG = re.compile(r"(?:^|[\s\[,\"'])(?:-h|--host)[\"',\s=]+([^\s\"',\]]+)")
PUBLISH_FLAG = re.compile(r"(?:^|\s)(?:-p|--publish)[\s=]+([^\s`]+)")


def _documented_commands() -> list[tuple[str, str]]:
    """(file, line) of every line of the docs naming a Dagster server or `docker run`."""
    found = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        for line in path.read_text().splitlines():
            if re.search(r"dagster dev|dagster-webserver|code-server|docker run", line):
                found.append((path.name, line))
    for line in (REPO / "docker" / "Dockerfile").read_text().splitlines():
        if line.startswith("#") and "docker run" in line:
            found.append(("Dockerfile", line))
    return found


def test_documented_commands_bind_to_loopback():
    # The patterns catch what they must (so an all-interfaces command would fail below).
    assert HOST_FLAG.findall("uv run dagster dev -h 0.0.0.0") == ["0.0.0.0"]
    assert HOST_FLAG.findall('["dagster-webserver", "--host", "0.0.0.0"]') == ["0.0.0.0"]
    assert PUBLISH_FLAG.findall("docker run -p 3000:3000 datagen") == ["3000:3000"]
    lines = _documented_commands()
    assert any("dagster dev" in line for _, line in lines)  # the README starts the UI
    assert any("docker run -p" in line for _, line in lines)
    for name, line in lines:
        for host in HOST_FLAG.findall(line):
            assert host in LOOPBACK, f"{name}: {line}"
        for published in PUBLISH_FLAG.findall(line) if "docker" in line else ():
            assert published.split(":")[0] in LOOPBACK, (
                f"{name} publishes on every interface: {line}"
            )


def test_compose_publishes_ports_on_loopback_only():
    """Inside a container the servers must listen on 0.0.0.0 (the other containers and Docker's
    port forwarding reach them there); on the host only 127.0.0.1 gets a published port."""
    compose = yaml.safe_load((REPO / "docker" / "compose.yaml").read_text())
    published = {}
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            if isinstance(port, dict):
                host_ip = port.get("host_ip")
            else:
                parts = str(port).rsplit(":", 2)
                host_ip = parts[0] if len(parts) == 3 else None
            assert host_ip in LOOPBACK, f"{name} publishes {port!r} on every interface"
            published[name] = port
    assert published == {"webserver": "127.0.0.1:3000:3000"}


# ---------------------------------------------------------------------------- 3. request files


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The `tiny` dataset, storage and DAGSTER_HOME under tmp, the default inbox."""
    make_project(tmp_path, monkeypatch, DDL, CONFIG)
    (tmp_path / "home").mkdir()
    return tmp_path


def _datasets() -> dict:
    from datagen_assets.dataset import discover_datasets

    return {d.name: d for d in discover_datasets(Settings.from_env())}


def _parse(document: dict, file_id: str | None = None):
    data = json.dumps(document).encode()
    return casegeni.parse_request(data, file_id or str(document.get("id")), _datasets())


ESCAPING_IDS = [
    "../../etc/passwd",
    "../x",
    "..",
    ".",
    "/etc/passwd",
    "/tmp/x",
    "a/b",
    "a/../../b",
    "a\\..\\b",
    "C:\\Windows",
    ".hidden",
    "~root",
    "%2e%2e",
    "a\x00b",
    "x" * 129,
    "inbox",
    "Responses",
    "",
    "abc\n",  # Python's `$` matches before a final newline; JSON Schema's does not
]


@pytest.mark.parametrize("request_id", ESCAPING_IDS)
def test_request_ids_that_are_not_one_plain_name_are_rejected(project, request_id):
    request, errors = _parse({"id": request_id, "dataset": "tiny"})
    assert request is None
    assert "/id" in {e.path for e in errors}


@pytest.mark.parametrize(
    "dataset", ["../tiny", "/etc/passwd", "tiny/../tiny", "..", "tiny.sql", "./tiny", "tiny/"]
)
def test_dataset_names_that_are_paths_are_rejected(project, dataset):
    request, errors = _parse({"id": "case-1", "dataset": dataset})
    assert request is None
    assert "/dataset" in {e.path for e in errors}


@pytest.mark.parametrize("table", ["../customers", "/etc/passwd", "customers/../orders", ".."])
def test_table_names_that_are_paths_are_rejected(project, table):
    for tables in ([table], {table: {"rows": 1}}):
        request, errors = _parse({"id": "case-1", "dataset": "tiny", "tables": tables})
        assert request is None
        assert any(e.path.startswith("/tables/") for e in errors), errors


def test_accepted_ids_stay_one_folder_below_the_outputs_and_responses(project):
    """Every id the pattern lets through (dots included) names one child of the requests
    folder and of the responses folder, never a parent or a sibling of them."""
    locations = requests.RequestLocations.for_settings(Settings.from_env())
    for request_id in ("a..", "a.b", "A-_.9", "a...b", "x" * 128, "case-001.json"):
        request, errors = _parse({"id": request_id, "dataset": "tiny"})
        assert request is not None, errors
        run_request = requests.run_request_for(request, locations)
        config = run_request.run_config["ops"]["datagen_request"]["config"]
        for path, parent in (
            (Path(config["output_url"]), Path(locations.outputs.path)),
            (Path(config["response_url"]), Path(locations.responses.path)),
            (Path(locations.rejection_path(request_id).path), Path(locations.responses.path)),
        ):
            assert path.resolve().parent == parent.resolve(), (request_id, path)
            assert path.resolve().is_relative_to(project / "data" / "requests")


def _tick(instance: dg.DagsterInstance):
    defs = build_definitions()
    sensor = defs.get_repository_def().get_sensor_def(requests.SENSOR_NAME)
    return sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs))


def _tree(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() and "home" not in p.relative_to(root).parts}


def test_the_sensor_rejects_escaping_requests_and_writes_only_their_rejections(project):
    inbox = project / "data" / "requests" / "inbox"
    responses = project / "data" / "requests" / "responses"
    inbox.mkdir(parents=True)
    bodies = {
        "dots": {"id": "../../outside", "dataset": "tiny"},
        "absolute": {"id": "/tmp/outside", "dataset": "tiny"},
        "slash": {"id": "a/b", "dataset": "tiny"},
        "dataset": {"id": "dataset", "dataset": "../tiny"},
        "tables": {"id": "tables", "dataset": "tiny", "tables": {"../../customers": {}}},
    }
    for name, body in bodies.items():
        (inbox / f"{name}.json").write_text(json.dumps(body))
    before = _tree(project)

    with dg.instance_for_test(temp_dir=str(project / "home")) as instance:
        data = _tick(instance)

    assert not data.run_requests
    written = _tree(project) - before
    assert written == {responses / f"{name}.rejected.json" for name in bodies}
    for name in bodies:
        body = json.loads((responses / f"{name}.rejected.json").read_text())
        assert body["status"] == "rejected" and body["errors"], name
    assert not (project / "outside").exists() and not (project / "data" / "tiny").exists()


def test_a_request_file_linking_elsewhere_is_rejected_unread(project):
    """A symbolic link in the inbox names a file outside it: the sensor must neither run it nor
    echo what it points to (here a valid request whose metadata holds a secret)."""
    inbox = project / "data" / "requests" / "inbox"
    responses = project / "data" / "requests" / "responses"
    inbox.mkdir(parents=True)
    secret = f"secret-{uuid.uuid4().hex}"
    outside = project / "elsewhere" / "private.json"
    outside.parent.mkdir()
    outside.write_text(json.dumps({"id": "link", "dataset": "tiny", "metadata": {"k": secret}}))
    (inbox / "link.json").symlink_to(outside)
    (inbox / "dangling.json").symlink_to(project / "nowhere.json")
    (inbox / "inside.json").write_text(json.dumps({"id": "inside", "dataset": "tiny"}))
    (inbox / "alias.json").symlink_to(inbox / "inside.json")  # a link, even to the inbox

    with dg.instance_for_test(temp_dir=str(project / "home")) as instance:
        data = _tick(instance)
        assert [r.run_key for r in data.run_requests] == ["inside"]
        for name in ("link", "dangling", "alias"):
            rejection = (responses / f"{name}.rejected.json").read_text()
            assert secret not in rejection
            (error,) = json.loads(rejection)["errors"]
            assert "symbolic link" in error["message"], name
        # Unchanged links are not rejected again on every tick.
        stamp = (responses / "link.rejected.json").stat().st_mtime_ns
        assert [r.run_key for r in _tick(instance).run_requests] == ["inside"]
        assert (responses / "link.rejected.json").stat().st_mtime_ns == stamp
        # Replaced by a regular file, it is read and validated as any request.
        (inbox / "link.json").unlink()
        (inbox / "link.json").write_text(json.dumps({"id": "link", "dataset": "tiny"}))
        assert sorted(r.run_key for r in _tick(instance).run_requests) == ["inside", "link"]
        assert not (responses / "link.rejected.json").exists()


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("s3://key:secret@bucket/prefix", True),
        ("sftp://me:hunter2@host/data", True),  # refused for the password, not paramiko
        ("s3://bucket/prefix", False),
        ("ftp://me@host/data", False),  # fsspec's FTP needs only the standard library
        ("./data", False),
        ("/tmp/a:b@c", False),
    ],
)
def test_a_storage_url_with_credentials_is_refused_without_echoing_them(url, refused):
    env = {"DATAGEN_STORAGE_URL": url}
    if not refused:
        assert Settings.from_env(env).storage_url == url
        return
    with pytest.raises(ValueError, match="must not carry credentials") as error:
        Settings.from_env(env)
    assert url.split("://")[1].split("@")[0].split(":")[1] not in str(error.value)

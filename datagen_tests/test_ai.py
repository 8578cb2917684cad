"""Claude assistant: against a local HTTP server speaking the Messages API (no network)."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import polars as pl
import pytest
import yaml

from datagen_assets.ai.annotations import (
    AnnotationError,
    annotations_path,
    load_annotations,
    suggested_generators,
)
from datagen_assets.ai.assistant import (
    HEURISTICS_ONLY,
    OFFLINE,
    UP_TO_DATE,
    WRITTEN,
    AssistantConfig,
    AssistantError,
    annotate_file,
    main,
)
from datagen_assets.ai.metadata import build_prompt
from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.settings import Settings

REPO = Path(__file__).resolve().parents[1]
GOOD_ANSWER = {
    "columns": [
        {
            "table": "customers",
            "column": "phone",
            "semantic_type": "phone_number",
            "pii": "direct",
            "generator": {"name": "faker", "params": {"provider": "phone_number"}},
            "format": "national format with area code",
            "edge_cases": ["extension suffix", "leading +1"],
            "confidence": 0.9,
        },
        {
            "table": "products",
            "column": "sku",
            "semantic_type": "sku",
            "pii": "none",
            "generator": {"name": "format", "params": {"template": "SKU-{:08d}"}},
        },
        {
            "table": "orders",
            "column": "status",
            "semantic_type": "order_status",
            "vocabulary": ["placed", "packed", "in_transit"],
        },
    ]
}


class FakeMessagesAPI:
    """A tiny Messages API: records every request body and plays scripted replies, each
    (status, headers, JSON body, delay in seconds)."""

    def __init__(self):
        self.bodies: list[bytes] = []
        self.paths: list[str] = []
        self.replies: list[tuple[int, dict, dict, float]] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                api.bodies.append(body)
                api.paths.append(self.path)
                status, headers, payload, delay = (
                    api.replies.pop(0) if api.replies else (500, {}, {"error": "no reply"}, 0)
                )
                time.sleep(delay)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def reply(self, status=200, payload=None, headers=None, delay=0.0):
        self.replies.append((status, headers or {}, payload, delay))

    def reply_tool_use(self, tool_input, **kwargs):
        self.reply(payload=message(tool_input), **kwargs)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def message(tool_input) -> dict:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [
            {"type": "tool_use", "id": "toolu_1", "name": "record_annotations", "input": tool_input}
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 2400, "output_tokens": 600},
    }


@pytest.fixture
def api():
    server = FakeMessagesAPI()
    yield server
    server.close()


@pytest.fixture
def shop_files(tmp_path) -> Path:
    """A copy of schemas/shop.sql + shop.yaml, so annotation files land in tmp_path."""
    for name in ("shop.sql", "shop.yaml"):
        shutil.copy(REPO / "schemas" / name, tmp_path / name)
    return tmp_path / "shop.sql"


def config_for(api: FakeMessagesAPI, **changes) -> AssistantConfig:
    settings = {"api_key": "test-key", "base_url": api.url, "timeout_s": 5.0, "max_retries": 2}
    return AssistantConfig(**{**settings, **changes})


# ---------------------------------------------------------------------------- what is sent


def test_request_carries_metadata_and_no_generated_value(api, shop_files):
    api.reply_tool_use(GOOD_ANSWER)
    result = annotate_file(shop_files, config=config_for(api))
    assert result.status == WRITTEN
    assert len(api.bodies) == 1 and api.paths == ["/v1/messages"]
    body = api.bodies[0].decode()
    request = json.loads(body)
    assert request["tool_choice"] == {"type": "tool", "name": "record_annotations"}
    assert request["tools"][0]["input_schema"]["required"] == ["columns"]

    plan = plan_dataset(load_dataset(shop_files, shop_files.with_suffix(".yaml"), Settings()))
    for table in plan.tables.values():
        for column in table.table.column_names:
            assert f'\\"name\\": \\"{column}\\"' in body or f'"name": "{column}"' in body
    generated: set[str] = set()
    for key, table in plan.tables.items():
        frame = generate(plan, key, 0, min(table.rows, 300))
        for name, dtype in frame.schema.items():
            if dtype == pl.String:
                generated.update(v for v in frame[name].drop_nulls().to_list() if v)
    assert len(generated) > 1000
    # a value counts as leaked when it appears as a whole token (not inside a longer word:
    # the first name "Gene" is in "Generator", the country code "IN" in "INTEGER")
    leaked = sorted(v for v in generated if re.search(rf"(?<!\w){re.escape(v)}(?!\w)", body))
    assert leaked == []


def test_prompt_is_built_from_schema_objects_only(shop_files):
    schema = load_dataset(shop_files, None, Settings()).schema
    prompt = build_prompt(schema, {"customers": 10})
    assert prompt == build_prompt(schema, {"customers": 10})
    assert prompt.sha256 != build_prompt(schema, {"customers": 11}).sha256
    with pytest.raises(TypeError):
        build_prompt(schema, {"customers": "Jane Doe"})  # only counts, never values
    with pytest.raises(ValueError):
        build_prompt(schema, {"no_such_table": 1})


# ---------------------------------------------------------------------------- the file


def test_annotations_file_is_written_atomically_keyed_and_reused(api, shop_files, monkeypatch):
    import datagen_assets.files as files_module

    replaced = []
    real_replace = files_module.os.replace

    def spy_replace(source, target):
        if Path(target).suffix == ".yaml":  # not the schema cache's entries
            replaced.append((Path(source), Path(target)))
        return real_replace(source, target)

    monkeypatch.setattr(files_module.os, "replace", spy_replace)
    api.reply_tool_use(GOOD_ANSWER)
    config = config_for(api)
    first = annotate_file(shop_files, config=config)
    path = annotations_path(shop_files)
    assert first.status == WRITTEN and path == shop_files.with_name("shop.annotations.yaml")
    assert len(replaced) == 1
    temporary, target = replaced[0]
    assert target == path and temporary.parent == path.parent and temporary != path
    assert not temporary.exists()
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []

    document = yaml.safe_load(path.read_text())
    assert document["metadata_sha256"] == first.metadata_sha256
    # editors complete and check it: the first line points at its schema, written beside it
    modeline = path.read_text().splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=.datagen/annotations.schema.json"
    schema = json.loads((path.parent / ".datagen" / "annotations.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["model"] == "claude-sonnet-4-6"
    assert document["usage"] == {
        "input_tokens": 2400,
        "output_tokens": 600,
        "estimated_cost_usd": pytest.approx(0.0162),
    }
    assert document["columns"]["customers"]["phone"]["semantic_type"] == "phone_number"

    second = annotate_file(shop_files, config=config)
    assert second.status == UP_TO_DATE
    assert len(api.bodies) == 1  # no second request

    api.reply_tool_use(GOOD_ANSWER)
    assert annotate_file(shop_files, config=config, force=True).status == WRITTEN
    assert len(api.bodies) == 2

    schema = load_dataset(shop_files, None, Settings()).schema
    loaded = load_annotations(path, schema, metadata_sha256=first.metadata_sha256)
    assert suggested_generators(loaded) == {
        ("customers", "phone"): ("faker", {"provider": "phone_number"}),
        ("products", "sku"): ("format", {"template": "SKU-{:08d}"}),
    }
    assert load_annotations(path, metadata_sha256="0" * 64) == {}  # stale: schema changed
    assert load_annotations(shop_files.with_name("other.annotations.yaml")) == {}


def test_schema_change_invalidates_the_annotations(api, shop_files):
    api.reply_tool_use(GOOD_ANSWER)
    config = config_for(api)
    first = annotate_file(shop_files, config=config)
    ddl = shop_files.read_text()
    added = ddl.replace(
        "is_active      BOOLEAN      NOT NULL", "is_active BOOLEAN NOT NULL, tier TEXT"
    )
    assert added != ddl
    shop_files.write_text(added)
    api.reply_tool_use(GOOD_ANSWER)
    second = annotate_file(shop_files, config=config)
    assert second.status == WRITTEN and second.metadata_sha256 != first.metadata_sha256
    assert len(api.bodies) == 2


# ---------------------------------------------------------------------------- failures


def test_rate_limit_is_retried_then_succeeds(api, shop_files):
    api.reply(
        429,
        {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}},
        headers={"retry-after": "0.05"},
    )
    api.reply_tool_use(GOOD_ANSWER)
    started = time.perf_counter()
    result = annotate_file(shop_files, config=config_for(api))
    assert result.status == WRITTEN
    assert len(api.bodies) == 2 and api.bodies[0] == api.bodies[1]
    assert time.perf_counter() - started < 5


def test_rate_limit_that_persists_is_a_clear_error(api, shop_files):
    for _ in range(3):
        api.reply(
            429,
            {"type": "error", "error": {"type": "rate_limit_error", "message": "x"}},
            headers={"retry-after": "0.01"},
        )
    with pytest.raises(AssistantError, match="rate limited"):
        annotate_file(shop_files, config=config_for(api))
    assert not annotations_path(shop_files).exists()


@pytest.mark.parametrize(
    "bad_input, expected",
    [
        ({"annotations": []}, "columns"),  # wrong shape
        (
            {"columns": [{"table": "customers", "column": "fax", "semantic_type": "fax"}]},
            "unknown column",
        ),
        (
            {"columns": [{"table": "clients", "column": "id", "semantic_type": "key"}]},
            "unknown table",
        ),
        (
            {
                "columns": [
                    {
                        "table": "customers",
                        "column": "city",
                        "semantic_type": "city",
                        "generator": {"name": "teleport"},
                    }
                ]
            },
            "teleport",
        ),
        (
            {
                "columns": [
                    {
                        "table": "customers",
                        "column": "city",
                        "semantic_type": "city",
                        "generator": {"name": "choice", "params": {"file": "/etc/passwd"}},
                    }
                ]
            },
            "may not be suggested",
        ),
        (
            {
                "columns": [
                    {
                        "table": "customers",
                        "column": "city",
                        "semantic_type": "city",
                        "generator": {"name": "faker", "params": {"flavour": "x"}},
                    }
                ]
            },
            "flavour",
        ),
        (
            {"columns": [{"table": "customers", "column": "city", "semantic_type": "City Name!"}]},
            "semantic_type",
        ),
    ],
)
def test_malformed_answer_is_rejected_and_nothing_written(api, shop_files, bad_input, expected):
    api.reply_tool_use(bad_input)
    with pytest.raises(AnnotationError, match=expected) as error:
        annotate_file(shop_files, config=config_for(api))
    assert "nothing was written" in str(error.value)
    assert not annotations_path(shop_files).exists()


def test_malformed_answer_leaves_an_existing_file_untouched(api, shop_files):
    api.reply_tool_use(GOOD_ANSWER)
    annotate_file(shop_files, config=config_for(api))
    path = annotations_path(shop_files)
    before = path.read_bytes()
    api.reply_tool_use({"columns": [{"table": "x", "column": "y", "semantic_type": "z"}]})
    with pytest.raises(AnnotationError):
        annotate_file(shop_files, config=config_for(api), force=True)
    assert path.read_bytes() == before


def test_answer_without_the_tool_call_is_rejected(api, shop_files):
    reply = message({})
    reply["content"] = [{"type": "text", "text": "Here are my thoughts..."}]
    reply["stop_reason"] = "end_turn"
    api.reply(payload=reply)
    with pytest.raises(AnnotationError, match="no record_annotations tool call"):
        annotate_file(shop_files, config=config_for(api))


def test_timeout_is_a_clear_error(api, shop_files):
    api.reply_tool_use(GOOD_ANSWER, delay=2.0)
    config = config_for(api, timeout_s=0.3, max_retries=0)
    with pytest.raises(AssistantError, match=r"did not answer within 0\.3 s"):
        annotate_file(shop_files, config=config)
    assert not annotations_path(shop_files).exists()


def test_unreachable_api_falls_back_to_heuristics(shop_files):
    server = FakeMessagesAPI()
    url = server.url
    server.close()  # nothing listens there any more
    result = annotate_file(
        shop_files, config=AssistantConfig("test-key", base_url=url, timeout_s=2, max_retries=0)
    )
    assert result.status == OFFLINE
    assert "heuristics only" in result.message
    assert not annotations_path(shop_files).exists()


def test_without_api_key_the_command_reports_heuristics_only(shop_files, monkeypatch, capsys):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")  # would fail if used
    assert main(["annotate", str(shop_files)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{HEURISTICS_ONLY}: ANTHROPIC_API_KEY is not set")
    assert "Built-in rules recognise" in out
    assert not annotations_path(shop_files).exists()


def test_command_exit_code_on_errors(api, shop_files, monkeypatch, capsys):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    api.reply_tool_use({"columns": [{"table": "nope", "column": "x", "semantic_type": "x"}]})
    assert main(["annotate", str(shop_files)]) == 1
    assert "unknown table" in capsys.readouterr().err
    api.reply_tool_use(GOOD_ANSWER)
    assert main(["annotate", str(shop_files)]) == 0
    assert capsys.readouterr().out.startswith("written: ")


def test_annotate_job_in_dagster_records_usage(api, shop_files, monkeypatch):
    import dagster as dg

    from datagen_assets.orchestrate.factory import build_definitions

    monkeypatch.setenv("DATAGEN_SCHEMAS_DIR", str(shop_files.parent))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    api.reply_tool_use(GOOD_ANSWER)
    defs = build_definitions(Settings.from_env())
    job = defs.resolve_job_def("annotate_schemas")
    with dg.DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance)
    assert result.success
    (event,) = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = event.event_specific_data.metadata
    assert metadata["statuses"].value == {"shop": WRITTEN}
    assert metadata["shop/usage"].value and metadata["shop/status"].value == WRITTEN
    assert len(api.bodies) == 1
    assert annotations_path(shop_files).is_file()

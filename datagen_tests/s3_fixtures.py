"""S3 for tests: moto's standalone server on a free loopback port, one per test session, and a
fresh bucket per test with the AWS variables pointing at it (as s3fs's own tests do).

Import the fixtures into a test module (`from datagen_tests.s3_fixtures import moto_server,
s3_bucket`). Credentials are dummies and the AWS config files are pointed at nothing, so no
test can reach a real account or read the machine's credentials.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL of a moto S3 server for the whole session."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("moto[server] is not installed (dev dependency)")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(moto_server, monkeypatch, tmp_path) -> Iterator[str]:
    """`s3://<new bucket>` with the AWS variables set for this test only. fsspec's cached
    filesystems are dropped before and after, so none outlives the environment it read."""
    import s3fs

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    s3fs.S3FileSystem.clear_instance_cache()
    bucket = f"datagen-{uuid.uuid4().hex[:12]}"
    s3fs.S3FileSystem().mkdir(bucket)
    yield f"s3://{bucket}"
    s3fs.S3FileSystem.clear_instance_cache()


def list_objects(url: str) -> list[str]:
    """Every object key under `url` (s3://bucket[/prefix]), relative to it, freshly listed."""
    import s3fs

    fs = s3fs.S3FileSystem()
    root = url.removeprefix("s3://").rstrip("/")
    fs.invalidate_cache()
    return sorted(path.removeprefix(root + "/") for path in fs.find(root))

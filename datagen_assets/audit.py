"""The audit trail: every run, export and load, with what it read and wrote.

One JSON object a line, appended to `DATAGEN_AUDIT_FILE` (default
`$DAGSTER_HOME/datagen-audit.jsonl`, `./.dagster/datagen-audit.jsonl` without DAGSTER_HOME),
so `jq` or any log shipper reads it. A record says which `event` (`materialize` per table and
run, `export`, `load`), the `dataset`, the `tables` with their rows and content hashes
(`generate/fingerprint.py`), what was `read` and what was `written` (a storage folder, an
export folder, a database target), the time, the host and user, and the Dagster run id when
there is one. A load also says its `outcome`: `loaded`, or `rolled back` with the `error` (it
wrote nothing: the target is as it was). Targets are redacted before they get here (no
password ever reaches the file), and `redact_url` strips any user:password@ that slips through.
Materialisations also carry their record as `datagen/audit` metadata in the Dagster run
(`write/parquet_io.py`).

Appending is one `write` of one line on a file opened with O_APPEND, so concurrent writers
(run workers, the CLI) never interleave within a line. An audit that cannot be written (a
read-only folder) is a warning on stderr, never the reason a run fails.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import socket
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

AUDIT_FILE_VAR = "DATAGEN_AUDIT_FILE"
AUDIT_NAME = "datagen-audit.jsonl"
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]*@")


def audit_path() -> Path:
    configured = os.environ.get(AUDIT_FILE_VAR)
    if configured:
        return Path(configured).expanduser()
    home = os.environ.get("DAGSTER_HOME") or ".dagster"
    return Path(home).expanduser() / AUDIT_NAME


def redact_url(text: str) -> str:
    """`postgresql://user:secret@host/db` -> `postgresql://host/db` (credentials dropped)."""
    return _CREDENTIALS.sub("", text)


def record(
    event: str,
    dataset: str,
    *,
    tables: Mapping[str, Mapping[str, Any]],
    read: str,
    written: str,
    run_id: str | None = None,
    **details: Any,
) -> dict[str, Any]:
    """Append one audit record and return it. `tables`: table key -> {"rows": ...,
    "content_sha256": ..., ...}."""
    entry: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": event,
        "dataset": dataset,
        "run_id": run_id,
        "read": redact_url(read),
        "written": redact_url(written),
        "rows": sum(int(t.get("rows") or 0) for t in tables.values()),
        "tables": {key: dict(value) for key, value in tables.items()},
        "host": socket.gethostname(),
        "user": _user(),
        **details,
    }
    line = json.dumps(entry, sort_keys=True, default=str, ensure_ascii=False) + "\n"
    path = audit_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(descriptor, line.encode())
        finally:
            os.close(descriptor)
    except OSError as error:
        print(f"warning: audit record not written to {path}: {error}", file=sys.stderr)
    return entry


def read_records(path: Path | None = None) -> list[dict[str, Any]]:
    """Every record of the audit file (skipping a torn last line of a killed writer)."""
    path = path or audit_path()
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

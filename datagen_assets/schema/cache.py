"""Parsed DDL schemas kept on disk, so a process that loads an unchanged file skips the parse.

Every process that needs a schema (`datagen materialize`, each Dagster run worker, the code
server) used to parse its DDL again, and importing sqlglot alone costs a small run more than
its biggest table. Like dbt's partial parsing, a parse is reused when nothing it depends on
changed: the entry's key hashes the file's bytes, its path (the model names it), the dialect,
the sqlglot and Python versions and the source of DataGen's `schema/` package, which holds
the importers and the model. A changed file, a new sqlglot or an edited importer each miss.

An entry is a pickle of the `Schema` with each table's CHECK rules and each CHECK's columns
already worked out, and without CHECK trees: a `Check` re-parses its PostgreSQL text on first
use, which only checks that generation cannot translate need. So loading a cached schema, and
generating from it, imports no sqlglot. A schema whose CHECK text does not read back as
written is not cached (it is parsed every time, correct and slower).

Entries live under `cache_dir()/schemas/` (`DATAGEN_CACHE_DIR`), at most `MAX_ENTRIES`, the
least recently used going first. Deleting the folder is always safe. An unreadable entry is
a miss and is rewritten; a cache that cannot be written costs speed, never correctness.
Reading a pickle runs code, so the folder is made private (0700) and is used only while it
belongs to this user and nobody else can write to it: pointing `DATAGEN_CACHE_DIR` at a
shared folder turns the schema cache off rather than trusting what others put there.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from datagen_assets.files import write_atomically
from datagen_assets.schema.model import DEFAULT_DIALECT, Check, Schema
from datagen_assets.settings import cache_dir

MAX_ENTRIES = 256
SCHEMA_PACKAGE = Path(__file__).resolve().parent


def cached_schema(path: Path, dialect: str | None, parse: Callable[[], Schema]) -> Schema:
    """`parse()`, or the schema it returned before for the same file, path and dialect.
    Errors are never cached: a file with problems raises them on every load."""
    folder = cache_dir() / "schemas"
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private(folder):
        return parse()
    entry = folder / f"{entry_key(path, dialect)}.pickle"
    schema = _read(entry)
    if schema is not None:
        return schema
    schema = parse()
    if _prepare(schema):
        with contextlib.suppress(OSError):
            write_atomically(entry, pickle.dumps(schema, protocol=pickle.HIGHEST_PROTOCOL))
            _evict(folder)
    return schema


def _private(path: Path) -> bool:
    """This user's, and writable by nobody else."""
    try:
        status = path.stat()
    except OSError:
        return False
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def entry_key(path: Path, dialect: str | None) -> str:
    digest = hashlib.sha256(_code_digest().encode())
    for part in (str(path), dialect or ""):
        digest.update(part.encode() + b"\x00")
    digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


@functools.cache
def _code_digest() -> str:
    """What a parse depends on besides the file: the importers, the model, sqlglot, Python."""
    digest = hashlib.sha256(
        f"{sys.version_info[:2]} sqlglot {metadata.version('sqlglot')}".encode()
    )
    for module in sorted(SCHEMA_PACKAGE.glob("*.py")):
        digest.update(module.name.encode() + b"\x00" + module.read_bytes())
    return digest.hexdigest()


def _read(entry: Path) -> Schema | None:
    try:
        with entry.open("rb") as stream:
            schema = pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - truncated, foreign or stale: any unreadable entry is a miss
        return None
    if not isinstance(schema, Schema):
        return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used: evicted last
    return schema


def _prepare(schema: Schema) -> bool:
    """Work out what generation reads from CHECK trees (so the cached schema never needs
    them), and confirm every CHECK's text reads back as written. False: do not cache."""
    for table in schema.tables.values():
        checks = [*table.checks, *table.check_rules.untranslated]
        checks += [check for column in table.columns for check in column.domain_checks]
        for check in checks:
            check.columns  # noqa: B018 - computed now, kept in the entry
            if not _reads_back(check):
                return False
    return True


def _reads_back(check: Check) -> bool:
    import sqlglot  # imported already: this runs right after a parse

    try:
        return sqlglot.parse_one(check.sql, read=DEFAULT_DIALECT).sql(DEFAULT_DIALECT) == check.sql
    except sqlglot.errors.SqlglotError:
        return False


def _evict(folder: Path) -> None:
    entries = sorted(folder.glob("*.pickle"), key=_mtime)
    for stale in entries[: max(0, len(entries) - MAX_ENTRIES)]:
        with contextlib.suppress(OSError):
            stale.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0

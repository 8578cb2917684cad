"""`refresh_<dataset>_snapshot`: re-read a dataset's schema file from its live PostgreSQL
database, for every dataset whose YAML declares where its schema comes from:

    snapshot:
      dsn_env: SHOP_SOURCE_URL     # the environment variable holding the DSN (never the DSN)
      schemas: [public]            # optional, default: every non-system schema
      tables: [orders, customers]  # optional, default: every table
      profile: true                # optional: also write <name>.profile.yaml beside

Why a job and not an asset: the snapshot is a reviewed, committed source file, not data that
DataGen produces; the table assets are planned from it when definitions load. Nothing here
connects to a database when definitions load: the DSN is read from the environment when the
job runs, and never recorded (the metadata names the source with `redact`).

A refresh snapshots into a staging folder beside the schema file (same file system, so the
final rename is atomic), checks that the dataset still loads, plans and passes the pre-flight
with the new snapshot and its config, and only then moves the new files over the old ones.
A file is replaced only when its content changed, header and timestamps aside, so refreshing
an unchanged database leaves the checkout clean. The table assets see the new schema when the
code location reloads.
"""

import difflib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import psycopg
import yaml
from psycopg.conninfo import conninfo_to_dict

from datagen_assets.dataset import Dataset, load_dataset
from datagen_assets.orchestrate.request_job import DATASET_TAG, KIND_TAG
from datagen_assets.plan.plan import DatasetPlan, plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.schema.introspect import profile_path, redact, without_secret, write_snapshot
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_assets.yaml_text import load_yaml

KIND_SNAPSHOT = "snapshot"
DIFF_LINES = 40  # lines of the unified diff kept in the metadata
SNAPSHOT_HEADER = "-- DataGen snapshot of"


class SnapshotError(Exception):
    """A refresh that did not replace the schema file; the message never holds the password."""

    def __init__(self, message: str, diff: str = ""):
        super().__init__(message)
        self.diff = diff


@dataclass(frozen=True)
class SnapshotRefresh:
    """What one refresh found and did."""

    dataset: str
    source: str  # the DSN without its password
    schema_file: Path
    tables: int
    columns: int
    changed: bool  # the schema file was replaced
    lines_added: int
    lines_removed: int
    diff: str  # the start of the unified diff, header aside
    profile_file: Path | None = None
    profile_changed: bool = False

    def summary(self) -> str:
        if not self.changed:
            return f"{self.schema_file} unchanged ({self.tables} tables, {self.columns} columns)"
        return (
            f"{self.schema_file} rewritten: {self.lines_added} line(s) added, "
            f"{self.lines_removed} removed ({self.tables} tables, {self.columns} columns); "
            "reload the code location to plan from it"
        )


def refresh_snapshot(dataset: Dataset, dsn: str, settings: Settings) -> SnapshotRefresh:
    """Snapshot the dataset's database into its schema file (and profile), if the dataset
    still loads with the result; raises SnapshotError, leaving every file as it was, if not."""
    source = dataset.snapshot
    if source is None:
        raise SnapshotError(f"dataset {dataset.name} declares no snapshot: source")
    try:
        conninfo_to_dict(dsn)
    except psycopg.Error:  # libpq's message may quote parts of the DSN, the password included
        raise SnapshotError(
            f"dataset {dataset.name}: ${source.dsn_env} is not a valid libpq "
            "connection string or URL"
        ) from None
    target = Path(dataset.schema_path)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".snapshot-") as staging:
        staged = Path(staging) / target.name
        try:
            write_snapshot(
                dsn, staged, _listed(source.schemas), _listed(source.tables), profile=source.profile
            )
        except (psycopg.Error, ValueError, OSError) as error:
            message = without_secret(str(error).strip(), dsn)
            raise SnapshotError(
                f"dataset {dataset.name}: snapshot of {redact(dsn)} failed: {message}"
            ) from None
        old, new = _body(_read(target)), _body(staged.read_text(encoding="utf-8"))
        added, removed, diff = diff_summary(old, new, target.name)
        tables, columns = _check(dataset, staged, target, settings, diff)
        if old != new:
            _install(staged, target)
        profile_file, profile_changed = None, False
        if source.profile:
            profile_file = profile_path(target)
            staged_profile = profile_path(staged)
            profile_changed = _profile(profile_file) != _profile(staged_profile)
            if profile_changed:
                _install(staged_profile, profile_file)
    return SnapshotRefresh(
        dataset=dataset.name,
        source=redact(dsn),
        schema_file=target,
        tables=tables,
        columns=columns,
        changed=old != new,
        lines_added=added,
        lines_removed=removed,
        diff=diff,
        profile_file=profile_file,
        profile_changed=profile_changed,
    )


def diff_summary(old: str, new: str, name: str) -> tuple[int, int, str]:
    """Lines added, lines removed, and the first DIFF_LINES lines of the unified diff."""
    lines = list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), f"a/{name}", f"b/{name}", n=0, lineterm=""
        )
    )
    added = sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
    shown = lines[:DIFF_LINES]
    if len(lines) > DIFF_LINES:
        shown.append(f"... {len(lines) - DIFF_LINES} more diff line(s)")
    return added, removed, "\n".join(shown)


def _check(
    dataset: Dataset, staged: Path, target: Path, settings: Settings, diff: str
) -> tuple[int, int]:
    """Tables and columns of the new snapshot, after checking that the dataset loads, plans
    and passes the pre-flight with it (what loading definitions would do next)."""
    try:
        candidate = load_dataset(staged, dataset.config_path, settings)
        problems = preflight(plan_dataset(candidate), sample_rows=0).problems
    except SchemaError as error:
        problems = error.problems
    if problems:
        listed = "\n".join(f"  {str(p).replace(str(staged), str(target))}" for p in problems)
        raise SnapshotError(
            f"dataset {dataset.name}: the new snapshot does not fit the "
            f"dataset, so {target} is unchanged (adapt "
            f"{dataset.config_path or 'the config'} and refresh again):\n"
            f"{listed}",
            diff,
        )
    tables = candidate.schema.tables.values()
    return len(tables), sum(len(table.columns) for table in tables)


def _listed(names: tuple[str, ...] | None) -> list[str] | None:
    return list(names) if names else None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""


def _body(text: str) -> str:
    """A snapshot without its header (source and time taken), which changes on every run."""
    if text.startswith(SNAPSHOT_HEADER):
        return text.partition("\n\n")[2]
    return text


def _profile(path: Path) -> Any:
    """A profile without the time it was taken; None when absent or unreadable."""
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    if isinstance(document, dict):
        document.pop("taken", None)
    return document


def _install(staged: Path, target: Path) -> None:
    """Rename the staged file over the target, keeping the target's permissions."""
    if target.exists():
        os.chmod(staged, target.stat().st_mode & 0o777)
    os.replace(staged, target)


# ---------------------------------------------------------------------------- Dagster


def build_snapshot_jobs(plans: Sequence[DatasetPlan], settings: Settings) -> list:
    """`refresh_<dataset>_snapshot` for every dataset whose YAML declares `snapshot:`."""
    return [
        build_snapshot_job(plan.dataset, settings)
        for plan in plans
        if plan.dataset.snapshot is not None
    ]


def build_snapshot_job(dataset: Dataset, settings: Settings) -> dg.JobDefinition:
    source = dataset.snapshot
    assert source is not None
    profile = f" and {profile_path(dataset.schema_path).name}" if source.profile else ""

    @dg.op(name=f"snapshot_{dataset.name}", out=dg.Out(dg.Nothing))  # metadata only
    def _snapshot(context: dg.OpExecutionContext) -> dg.Output:
        dsn = os.environ.get(source.dsn_env, "")
        if not dsn.strip():
            raise dg.Failure(
                description=f"dataset {dataset.name}: environment variable {source.dsn_env} is "
                f"not set; it must hold the DSN of the database to snapshot (snapshot.dsn_env "
                f"in {dataset.config_path})",
                allow_retries=False,
            )
        try:
            refresh = refresh_snapshot(dataset, dsn, settings)
        except SnapshotError as error:
            metadata = {"diff": _diff_markdown(error.diff)} if error.diff else None
            raise dg.Failure(description=str(error), metadata=metadata) from None
        context.log.info(f"{dataset.name}: {refresh.summary()}")
        return dg.Output(None, metadata=metadata_of(refresh))

    @dg.job(
        name=f"refresh_{dataset.name}_snapshot",
        description=f"Re-read {dataset.schema_path.name}{profile} from the PostgreSQL "
        f"database in ${source.dsn_env}; the file changes only when the schema did.",
        tags={DATASET_TAG: dataset.name, KIND_TAG: KIND_SNAPSHOT},
    )
    def _job() -> None:
        _snapshot()

    return _job


def metadata_of(refresh: SnapshotRefresh) -> dict[str, dg.MetadataValue]:
    """What a refresh reports: sizes, whether files changed, the diff. Never the DSN."""
    metadata = {
        "dataset": dg.MetadataValue.text(refresh.dataset),
        "source": dg.MetadataValue.text(refresh.source),
        "schema_file": dg.MetadataValue.path(str(refresh.schema_file)),
        "tables": dg.MetadataValue.int(refresh.tables),
        "columns": dg.MetadataValue.int(refresh.columns),
        "changed": dg.MetadataValue.bool(refresh.changed),
        "lines_added": dg.MetadataValue.int(refresh.lines_added),
        "lines_removed": dg.MetadataValue.int(refresh.lines_removed),
    }
    if refresh.diff:
        metadata["diff"] = _diff_markdown(refresh.diff)
    if refresh.profile_file is not None:
        metadata["profile_file"] = dg.MetadataValue.path(str(refresh.profile_file))
        metadata["profile_changed"] = dg.MetadataValue.bool(refresh.profile_changed)
    return metadata


def _diff_markdown(diff: str) -> dg.MetadataValue:
    return dg.MetadataValue.md(f"```diff\n{diff}\n```")

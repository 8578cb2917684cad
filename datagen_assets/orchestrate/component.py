"""`DataGenDataset`, a Dagster component: a `defs.yaml` in a dg project declares datasets.

    # <project>/src/<package>/defs/shop/defs.yaml
    type: datagen_assets.orchestrate.component.DataGenDataset
    attributes:
      schema_file: shop.sql          # relative to this defs.yaml (or absolute)
      config_file: shop.yaml         # optional; default: <name>.yaml beside the schema
      storage_url: ./data            # optional; default: $DATAGEN_STORAGE_URL or ./data

or several at once (`datasets: [{schema_file: ..., config_file: ...}, ...]`), or a whole
folder (`schemas_dir: ../../schemas`, every dataset in it, as the module path loads them).
`build_defs` calls the same factory as `dagster ... -m datagen_assets` (`definitions_for_plans`),
so the assets, checks, jobs and resources are the same; `dg list defs`, `dg check defs`,
`dg dev` and `dg launch --assets ...` work on such a project. A dataset that does not load is
isolated as with the module path: a failing `<dataset>/invalid_dataset` asset names its
problems and the others load.

Several components may declare datasets in one project (one defs.yaml per folder): the
code-location-wide definitions (the request job, CaseGeni sensors, the annotate job over every
dataset, resources, executor) come once, from the first component loaded, and every component
must then write to the same storage. A dataset name declared twice (two defs.yaml, or twice in
one) loads once, from its first declaration; each other declaration is a failing
`<dataset>/duplicate_declaration` asset saying where both are, rather than a load that fails
on a duplicate asset key.
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings


class DatasetFiles(dg.Model):
    schema_file: str = Field(description="schema file (DDL, JSON Schema, snapshot)")
    config_file: str | None = Field(
        None, description="dataset YAML (default: <name>.yaml beside the schema file)"
    )


class DataGenDataset(dg.Component, dg.Model, dg.Resolvable):
    """Synthetic data from database schemas: one asset per table, wired by foreign keys,
    partitioned by row chunk, with key, constraint and PII checks (DataGen)."""

    schema_file: str | None = Field(None, description="one dataset's schema file")
    config_file: str | None = Field(None, description="its YAML (default: beside the schema)")
    datasets: list[DatasetFiles] = Field(default_factory=list, description="several datasets")
    schemas_dir: str | None = Field(None, description="every dataset of a schemas folder")
    storage_url: str | None = Field(
        None, description="where Parquet is written (default: $DATAGEN_STORAGE_URL or ./data)"
    )

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        return build_component_defs(self, Path(context.path), _project(context))


class _Project:
    """What the components of one load of a dg project share (kept on its component tree):
    the factory's location-wide definitions, where each dataset was declared, the storage."""

    def __init__(self) -> None:
        from datagen_assets.orchestrate.factory import LocationWide

        self.location = LocationWide()
        self.declared: dict[str, list[str]] = {}  # dataset -> where it was declared
        self.storage_url: str | None = None


def _project(context: dg.ComponentLoadContext) -> _Project:
    tree = getattr(context, "component_tree", None)
    shared = getattr(tree, "_datagen_project", None)
    if shared is None:
        shared = _Project()
        if tree is not None:
            object.__setattr__(tree, "_datagen_project", shared)
    return shared


def build_component_defs(
    component: DataGenDataset, folder: Path, project: _Project | None = None
) -> dg.Definitions:
    """The definitions of the component's datasets through the module path's factory."""
    from dataclasses import replace

    from datagen_assets.orchestrate.factory import broken_dataset_asset, definitions_for_plans
    from datagen_assets.workspace import Workspace, load_workspace

    project = project or _Project()
    settings = Settings.from_env()
    if component.storage_url:
        settings = replace(settings, storage_url=component.storage_url)
    files = list(component.datasets)
    if component.schema_file:
        files.insert(
            0, DatasetFiles(schema_file=component.schema_file, config_file=component.config_file)
        )
    if component.schemas_dir:
        workspace = load_workspace(
            replace(settings, schemas_dir=_resolve(folder, component.schemas_dir))
        )
    else:
        workspace = Workspace()
    if not files and not component.schemas_dir:
        raise dg.DagsterInvalidDefinitionError(
            "DataGenDataset needs schema_file, datasets or schemas_dir in its attributes"
        )
    for entry in files:
        _load_one(workspace, folder, entry)
    if project.storage_url not in (None, settings.storage_url):
        raise dg.DagsterInvalidDefinitionError(
            f"DataGenDataset in {folder / 'defs.yaml'}: storage_url {settings.storage_url!r} "
            f"differs from {project.storage_url!r} of another DataGenDataset of this project; "
            "one code location writes to one storage"
        )
    project.storage_url = settings.storage_url
    where = str(folder / "defs.yaml")
    plans, duplicates = [], []
    for plan in workspace.plans:
        seen = project.declared.setdefault(plan.name, [])
        seen.append(f"{where} ({plan.dataset.schema_path.name})")
        if len(seen) == 1:
            plans.append(plan)
        else:
            duplicates.append(_duplicate_asset(plan.name, seen))
    broken = []
    for name, error in workspace.failures.items():
        seen = project.declared.setdefault(name, [])
        seen.append(where)
        first = len(seen) == 1
        broken.append(broken_dataset_asset(name, error) if first else _duplicate_asset(name, seen))
    defs = definitions_for_plans(plans, settings, location=project.location)
    broken += duplicates
    return dg.Definitions.merge(defs, dg.Definitions(assets=broken)) if broken else defs


def _duplicate_asset(name: str, declared: list[str]) -> dg.AssetsDefinition:
    """A failing stand-in for a dataset name declared again: where it was loaded from, where
    it is declared again, and what to do."""
    suffix = "" if len(declared) == 2 else f"_{len(declared)}"
    message = (
        f"dataset {name!r} is declared again by {declared[-1]}; the declaration loaded is "
        f"the first, {declared[0]}. A dataset's name is its schema file's name up to the "
        "first dot: rename one schema file or remove one declaration."
    )

    @dg.asset(
        key=dg.AssetKey([name, f"duplicate_declaration{suffix}"]),
        group_name=name,
        description=message,
        kinds={"datagen"},
    )
    def _duplicate() -> None:
        raise dg.Failure(description=message, allow_retries=False)

    return _duplicate


def _load_one(workspace, folder: Path, entry: DatasetFiles) -> None:
    from datagen_assets.dataset import CONFIG_SUFFIXES, dataset_name, load_dataset
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.plan.preflight import preflight
    from datagen_assets.workspace import internal_problem

    schema_path = _resolve(folder, entry.schema_file)
    name = dataset_name(schema_path)
    if entry.config_file:
        config_path = _resolve(folder, entry.config_file)
    else:
        beside = [schema_path.with_name(name + suffix) for suffix in CONFIG_SUFFIXES]
        config_path = next((p for p in beside if p.is_file()), None)
    dataset = None
    try:
        if not schema_path.is_file():
            from datagen_assets.schema.model import Problem

            raise SchemaError([Problem("schema file does not exist", file=str(schema_path))])
        dataset = load_dataset(schema_path, config_path, Settings.from_env())
        plan = plan_dataset(dataset)
        problems = preflight(plan, sample_rows=0).problems
    except SchemaError as error:
        problems, plan = list(error.problems), None
    except Exception as error:  # a bug must not hide the other datasets
        problems, plan = [internal_problem(error, str(schema_path))], None
    if problems:
        located = [dataset.located(p) for p in problems] if dataset else problems
        workspace.failures[name] = SchemaError(located)
    else:
        workspace.plans.append(plan)


def _resolve(folder: Path, path: str) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else (folder / candidate).resolve()

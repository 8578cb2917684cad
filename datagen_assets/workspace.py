"""The datasets of the schemas folder, loaded, planned and pre-flighted each on its own.

One invalid dataset must not take the others down: the CLI reports it and runs the rest, and
the Dagster code location loads the rest and shows the broken one as a failing asset of its
group (see `orchestrate/factory.py`). A `Workspace` is both halves: the plans that are ready and,
per dataset name, the problems of the ones that are not.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field

from datagen_assets.dataset import discover
from datagen_assets.plan.plan import DatasetPlan, plan_dataset
from datagen_assets.schema.model import Problem, SchemaError
from datagen_assets.settings import Settings


@dataclass
class Workspace:
    plans: list[DatasetPlan] = field(default_factory=list)
    failures: dict[str, SchemaError] = field(default_factory=dict)

    def raise_for_failures(self) -> None:
        """Every problem of every failed dataset as one `SchemaError`."""
        if self.failures:
            raise SchemaError([p for e in self.failures.values() for p in e.problems]) from None

    def plan(self, name: str) -> DatasetPlan | None:
        return next((p for p in self.plans if p.name == name), None)


def load_workspace(
    settings: Settings, names: Iterable[str] | None = None, sample_rows: int = 0
) -> Workspace:
    """Discover, validate, plan and pre-flight every dataset (or those in `names`). The
    pre-flight compiles the engine (so bad column overrides count); `sample_rows` > 0 also
    generates a sample of every table and evaluates the CHECKs on it, what `validate`, `plan`
    and `materialize` do before anything is written. A dataset that fails in any step, even
    on an internal error, is recorded in `failures` and the others go on."""
    from datagen_assets.plan.preflight import preflight

    found = discover(settings, names)
    workspace = Workspace(failures=dict(found.failures))
    for dataset in found.datasets:
        try:
            plan = plan_dataset(dataset)
            problems = preflight(plan, sample_rows=sample_rows).problems
        except SchemaError as error:
            problems = list(error.problems)
        except Exception as error:  # a bug must not hide the other datasets
            problems = [internal_problem(error, str(dataset.schema_path))]
        if problems:
            workspace.failures[dataset.name] = SchemaError([dataset.located(p) for p in problems])
        else:
            workspace.plans.append(plan)
    workspace.failures = dict(sorted(workspace.failures.items()))
    return workspace


def internal_problem(error: BaseException, file: str | None) -> Problem:
    """A DataGen bug met while loading a dataset, as a problem of that dataset: what to report
    and where it happened, so it can be fixed (the traceback's last DataGen frame)."""
    frames = [
        f for f in traceback.extract_tb(error.__traceback__) if "datagen_assets" in f.filename
    ]
    where = ""
    if frames:
        module = frames[-1].filename.rsplit("datagen_assets", 1)[-1].lstrip("/")
        where = f" at datagen_assets/{module}:{frames[-1].lineno}"
    return Problem(
        f"internal error{where}: {type(error).__name__}: {error} (a DataGen bug: please report "
        "it with this message and the schema)",
        file=file,
    )

"""Starter datasets shipped with the package: `datagen new <template>` copies one into schemas/.

Each template is a realistic PostgreSQL DDL (`<name>.sql`) plus a dataset config
(`<name>.yaml`) with row counts to adjust and generator overrides that show the catalog
(fan-out, lookups, sums of children, offsets, weighted choices). They live inside the package
folder, so they ship in the wheel and are read through `importlib.resources`, wherever the
package is installed. A template is the pair of files; adding one is dropping in the pair.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

from datagen_assets.published_schemas import modeline

SUFFIXES = (".sql", ".yaml")
DATASET_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")  # as `dataset.DATASET_NAME`


def list_templates() -> list[str]:
    """Names of the shipped templates (those with both a `.sql` and a `.yaml`), sorted."""
    names = {
        entry.name.rsplit(".", 1)[0]
        for entry in files(__package__).iterdir()
        if entry.name.endswith(SUFFIXES)
    }
    return sorted(
        n for n in names if all(files(__package__).joinpath(n + s).is_file() for s in SUFFIXES)
    )


def template_text(name: str, suffix: str) -> str:
    """The text of one file of a template (`suffix` is `.sql` or `.yaml`)."""
    _check_template(name)
    return files(__package__).joinpath(name + suffix).read_text(encoding="utf-8")


def write_template(
    name: str, schemas_dir: Path, dataset_name: str | None = None, force: bool = False
) -> list[Path]:
    """Write template `name` into `schemas_dir` as `<dataset>.sql` and `<dataset>.yaml`
    (`dataset_name` defaults to the template's name); returns the paths written.

    Raises ValueError for an unknown template or an invalid dataset name, and FileExistsError,
    before writing anything, when either file exists (unless `force`) or when another schema
    file of that dataset name is there (`<dataset>.json`, `<dataset>.postgres.sql`...), which
    would make two datasets of one name even with `force`.
    """
    _check_template(name)
    dataset = dataset_name or name
    if not DATASET_NAME.match(dataset):
        raise ValueError(
            f"dataset name {dataset!r} must be letters, digits and _ (not starting with a digit)"
        )
    schemas_dir = Path(schemas_dir)
    targets = [schemas_dir / f"{dataset}{suffix}" for suffix in SUFFIXES]
    others = _same_dataset(schemas_dir, dataset, targets)
    if others:
        raise FileExistsError(
            f"dataset {dataset!r} already has "
            f"{', '.join(str(p) for p in others)}; choose another name"
        )
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise FileExistsError(
            f"{', '.join(str(p) for p in existing)} already exist(s); use force to overwrite"
        )
    schemas_dir.mkdir(parents=True, exist_ok=True)
    for target, suffix in zip(targets, SUFFIXES, strict=True):
        text = template_text(name, suffix)
        if suffix == ".yaml":  # editors complete and check it against the config's JSON Schema
            text = modeline("dataset", target) + text
        target.write_text(text, encoding="utf-8")
    return targets


def _check_template(name: str) -> None:
    known = list_templates()
    if name not in known:
        raise ValueError(f"unknown template {name!r} (known: {', '.join(known)})")


def _same_dataset(folder: Path, dataset: str, targets: list[Path]) -> list[Path]:
    """Other files that discovery would read as a schema of dataset `dataset`."""
    from datagen_assets.schema.sources import is_schema_source

    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p not in targets
        and p.name.split(".")[0] == dataset
        and is_schema_source(p)
    )

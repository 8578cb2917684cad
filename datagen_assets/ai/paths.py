"""Where a schema's annotations file lives; kept apart so dataset loading can look for the
file without importing the assistant's dependencies."""

from __future__ import annotations

from pathlib import Path

SUFFIX = ".annotations.yaml"


def annotations_path(schema_path: Path | str) -> Path:
    """`schemas/shop.sql` -> `schemas/shop.annotations.yaml` (the dataset name, as in
    `dataset.dataset_name`: the part of the file name before the first dot)."""
    schema_path = Path(schema_path)
    return schema_path.with_name(schema_path.name.split(".")[0] + SUFFIX)

"""Renders `docs/generators.md` from the catalog itself, so the docs cannot drift from the code
(a test compares the file with this output). Run: `uv run python -m
datagen_assets.generate.catalog_docs`."""

from __future__ import annotations

import inspect
import math
from dataclasses import MISSING, fields
from pathlib import Path

import datagen_assets.generate.meanings  # noqa: F401 - registers the meanings' generators
from datagen_assets.generate.generators import CATALOG

DOCS = Path(__file__).resolve().parents[2] / "docs" / "generators.md"

INTRO = """# Generators

Name a generator per column in a dataset config (`tables.<t>.columns.<c>`), either as a bare
name (`name: product_name`) or as a mapping with `generator:` and its parameters. Unknown
generators and parameters are errors. Columns without one get the generator of their meaning,
detected from the column's words, type, table, neighbours and comment
(`datagen_assets/generate/meanings/`, one module per domain; `datagen explain <dataset>` shows
the meaning, evidence and generator per column), or, failing that, plausible values of their
type. `generator: meaning` with `meaning:` picks a meaning of the catalog by name. Key columns
(PRIMARY KEY / UNIQUE) accept only generators marked *unique*: they receive a bijection of the
row index and turn it into distinct values, which stay distinct after case folding for a unique
index on `lower()` or `upper()` (`choice` and `pattern` then count their values
case-insensitively, and the pre-flight says when there are fewer than rows). Foreign key
columns take no generator: their values are the parent's keys. Every column also takes
`null_fraction` (nullable, non-key columns only) and `locale`. `file` paths are relative to the
schema file.

| generator | unique | parameters (default) | what it makes |
|---|---|---|---|
"""

OUTRO = """
CHECK constraints also shape values (`datagen_assets/schema/check_rules.py`): `IN` lists and
`= ANY (ARRAY[...])` pick from the list; comparisons with constants (numbers, dates,
timestamps) narrow a default generator to the range and clip any generator into it; unions
of ranges (`n < 10 OR n >= 100`) are drawn range by range; `a > b` derives `a` as `b` plus a
positive `offset`; `c = a + b` computes `c` from the row; `length(c) = n` makes codes of n
characters; `num_nonnulls(a, b) = 1` and its kin keep exactly (or at least) one of the columns
non-NULL; and `a IS NULL OR (...)` keeps `a` NULL wherever what (...) needs is NULL. Other
CHECKs, and those whose rule a configured generator bypasses, are evaluated on every chunk and
their failing rows redrawn; a CHECK too few drawn values satisfy stops the pre-flight.

This page is generated: `uv run python -m datagen_assets.generate.catalog_docs`.
"""


def _default(field) -> str:
    if field.default is not MISSING:
        value = field.default
    elif field.default_factory is not MISSING:
        value = field.default_factory()
    else:
        return "required"
    if isinstance(value, float) and math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return str(value) if value not in (None, "", ()) else "—"


def render() -> str:
    rows = []
    for name, cls in sorted(CATALOG.items()):
        params = ", ".join(f"`{f.name}` ({_default(f)})" for f in fields(cls)) or "—"
        doc = " ".join((inspect.getdoc(cls) or "").split()).replace("|", "\\|")
        rows.append(f"| `{name}` | {'yes' if cls.unique_capable else ''} | {params} | {doc} |")
    return INTRO + "\n".join(rows) + "\n" + OUTRO


def main() -> None:
    DOCS.write_text(render())
    print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()

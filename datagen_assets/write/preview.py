"""The first rows of a table in storage, optionally only those matching a filter: a quick look
at what was generated without Dagster, a notebook or a database.

    from datagen_assets.write.preview import preview
    preview("./data", "shop", "orders", rows=10, where="total > 100")

or `datagen preview shop --table orders -n 10 --where "total > 100"` (`--vertical`, `--columns`
for wide tables). The filter is a SQL boolean expression (polars' SQL dialect,
`pl.sql_expr`), so it reads the same as in any database. Chunks are read in partition order
and reading stops as soon as enough rows matched; local chunks are scanned lazily (only the
needed row groups decoded).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence

import polars as pl
from polars.exceptions import PanicException
from upath import UPath

from datagen_assets.write.storage import (
    SUFFIX,
    existing_files,
    read_parquet,
    refresh,
    table_path,
)

DEFAULT_ROWS = 10


def chunk_files(
    storage_url: str, dataset: str, table: str, partition_keys: Sequence[str] | None = None
) -> list[UPath]:
    """The table's chunk files in partition order: the planned ones that exist, or without a
    plan every final chunk name in the folder (temporary names never end in .parquet)."""
    folder = table_path(storage_url, dataset, table)
    if partition_keys is not None:
        found = existing_files(folder, partition_keys)
        return [UPath(found[key]) for key in sorted(found)]
    refresh(folder)
    try:
        listed = folder.fs.ls(folder.path, detail=False)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = sorted(str(p).rstrip("/").rsplit("/", 1)[-1] for p in listed)
    return [folder / n for n in names if n.endswith(SUFFIX) and not n.startswith(".")]


def preview(
    storage_url: str,
    dataset: str,
    table: str,
    rows: int = DEFAULT_ROWS,
    where: str | None = None,
    partition_keys: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The first `rows` rows of `dataset`/`table` in storage (those matching the SQL filter
    `where`, if given). Raises FileNotFoundError when no chunk exists, ValueError for a filter
    that does not parse or names an unknown column."""
    files = chunk_files(storage_url, dataset, table, partition_keys)
    if not files:
        folder = table_path(storage_url, dataset, table)
        raise FileNotFoundError(f"no chunk of {dataset}/{table} in {folder}; materialize it first")
    condition = _condition(where)
    found: list[pl.DataFrame] = []
    remaining = max(rows, 0)
    for path in files:
        frame = read_parquet(path, lazy=True)
        if condition is not None:
            frame = frame.filter(condition)
        try:
            part = frame.head(remaining).collect()
        except (pl.exceptions.PolarsError, PanicException) as error:
            raise ValueError(f"filter {where!r}: {str(error).splitlines()[0]}") from None
        found.append(part)
        remaining -= part.height
        if remaining <= 0:
            break
    return pl.concat(found, how="vertical_relaxed")


def _condition(where: str | None) -> pl.Expr | None:
    if where is None or not where.strip():
        return None
    try:
        return pl.sql_expr(where)
    except (pl.exceptions.PolarsError, PanicException) as error:
        raise ValueError(f"filter {where!r} is not a SQL expression: {error}") from None


def render(
    frame: pl.DataFrame,
    columns: Sequence[str] | None = None,
    vertical: bool | None = None,
    width: int | None = None,
) -> str:
    """The frame as text for a terminal: a grid when it fits in `width` (default: the
    terminal's), else one block per record with a column per line, as psql's `\\x` and MySQL's
    `\\G` show wide rows, so no column is squeezed to three characters. `columns` keeps only
    those (unknown names raise ValueError with a suggestion); `vertical` forces a layout."""
    from datagen_assets.suggest import did_you_mean

    if columns:
        unknown = [c for c in columns if c not in frame.columns]
        if unknown:
            raise ValueError(
                f"no column {unknown[0]!r}{did_you_mean(unknown[0], frame.columns)} "
                f"(columns: {', '.join(frame.columns)})"
            )
        frame = frame.select(columns)
    width = width or shutil.get_terminal_size((120, 24)).columns
    if vertical is not True:
        with pl.Config(
            tbl_rows=max(frame.height, 1),
            tbl_cols=-1,
            fmt_str_lengths=CELL_WIDTH,
            tbl_width_chars=65535,  # as wide as it needs: measured against `width` below
        ):
            grid = str(frame)
        if vertical is False or max(map(len, grid.splitlines())) <= width:
            return grid
    return _vertical(frame, width)


CELL_WIDTH = 40  # characters of a value in the grid
VALUE_WIDTH = 200  # characters of a value in the vertical view (the rest is cut with …)


def _vertical(frame: pl.DataFrame, width: int) -> str:
    names = frame.columns
    pad = max((len(n) for n in names), default=0)
    lines: list[str] = []
    for number, row in enumerate(frame.iter_rows(), 1):
        title = f"-[ RECORD {number} ]"
        lines.append(title + "-" * max(min(width, 80) - len(title), 3))
        for name, value in zip(names, row, strict=True):
            text = "NULL" if value is None else str(value).replace("\n", "\\n")
            if len(text) > VALUE_WIDTH:
                text = text[: VALUE_WIDTH - 1] + "…"
            lines.append(f"{name:<{pad}} | {text}")
    if not lines:
        lines.append(f"(no rows; columns: {', '.join(names)})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m datagen_assets.write.preview ...`: an alias of `datagen preview`."""
    from datagen_assets.cli import main as datagen

    return datagen(["preview", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())

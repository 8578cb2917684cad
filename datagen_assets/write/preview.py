"""The first rows of a table in storage, optionally only those matching a filter: a quick look
at what was generated without Dagster, a notebook or a database.

    from datagen_assets.write.preview import preview
    preview("./data", "shop", "orders", rows=10, where="total > 100")

or `python -m datagen_assets.write.preview --dataset shop --table orders -n 10 --where "total >
100"`. The filter is a SQL boolean expression (polars' SQL dialect, `pl.sql_expr`), so it reads
the same as in any database. Chunks are read in partition order and reading stops as soon as
enough rows matched; local chunks are scanned lazily (only the needed row groups decoded).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import polars as pl
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
        except pl.exceptions.PolarsError as error:
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
    except pl.exceptions.PolarsError as error:
        raise ValueError(f"filter {where!r} is not a SQL expression: {error}") from None


def main(argv: Sequence[str] | None = None) -> int:
    from datagen_assets.dataset import dataset_named
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.schema.model import SchemaError
    from datagen_assets.settings import Settings

    parser = argparse.ArgumentParser(
        prog="python -m datagen_assets.write.preview",
        description="Print the first rows of a table from Parquet storage.",
    )
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--table", required=True, help="table key (or bare name)")
    parser.add_argument("-n", "--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--where", help="SQL filter, e.g. \"total > 100 AND status = 'paid'\"")
    parser.add_argument("--storage", help="storage URL (default: $DATAGEN_STORAGE_URL)")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        storage = args.storage or settings.storage_url
        plan = plan_dataset(dataset_named(settings, args.dataset))
        matches = [key for key, tp in plan.tables.items() if args.table in (key, tp.table.name)]
        if len(matches) != 1:
            raise ValueError(
                f"table {args.table!r} is {'ambiguous' if matches else 'unknown'} in "
                f"{plan.name} (tables: {', '.join(plan.tables)})"
            )
        table_plan = plan.table(matches[0])
        frame = preview(
            storage, plan.name, table_plan.key, args.rows, args.where, table_plan.partition_keys
        )
    except (SchemaError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    condition = f" where {args.where}" if args.where else ""
    print(f"{plan.name}/{table_plan.key}: first {frame.height} row(s){condition}")
    with pl.Config(tbl_rows=max(args.rows, 1), tbl_cols=-1, fmt_str_lengths=40):
        print(frame)
    return 0


if __name__ == "__main__":
    sys.exit(main())

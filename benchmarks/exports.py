"""Benchmark: exporting shop-v1 to every format, and loading it into PostgreSQL with COPY.

shop is generated once through the engine into a temporary storage folder (the IO manager's
layout); each format is then exported from that storage, so the figures are the exporters'
own cost (reading Parquet chunks included, generation excluded). Peak RSS is printed after each
format (it is a high-water mark: it grows with the chunk size, not the table size). Finally
every table is loaded with `copy_frame` into fresh databases on 127.0.0.1:5432 (dropped at the
end), with the constraints checked during the load and added after it.

    uv run python benchmarks/exports.py --scale 1
    uv run python benchmarks/exports.py --scale 0.1 --formats csv,parquet --no-copy
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ADMIN_URL = os.environ.get("DATAGEN_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DEFAULT_RUNS = "csv,csv+gzip,csv+zstd,json,jsonl,parquet,xlsx,sql,pgdump"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate_storage(plan, storage: str) -> float:
    from datagen_assets.generate.engine import generate
    from datagen_assets.write.parquet_io import chunk_path, write_parquet_atomic

    started = time.perf_counter()
    for key, table_plan in plan.tables.items():
        for partition in table_plan.partition_keys:
            frame = generate(plan, key, *table_plan.chunk_bounds(partition))
            write_parquet_atomic(frame, chunk_path(storage, plan.name, key, partition))
    return time.perf_counter() - started


def export_runs(plan, storage: str, out: Path, runs: list[str]) -> None:
    from datagen_assets.write.exports import StorageSource, export_dataset

    source = StorageSource(storage, plan.name)
    print(f"{'format':<12} {'seconds':>8} {'rows/s':>12} {'MB out':>9} {'MB/s':>8} {'peak MiB':>9}")
    for run in runs:
        fmt, _, compression = run.partition("+")
        started = time.perf_counter()
        manifest = export_dataset(
            plan, source, fmt, str(out / run.replace("+", "-")), compression=compression or None
        )
        seconds = time.perf_counter() - started
        rows = sum(manifest.tables.values())
        megabytes = sum(f.bytes for f in manifest.files) / 1e6
        print(
            f"{run:<12} {seconds:8.2f} {rows / seconds:12,.0f} {megabytes:9.1f} "
            f"{megabytes / seconds:8.1f} {peak_rss_mib():9.0f}",
            flush=True,
        )


def copy_load(plan, storage: str) -> None:
    """COPY every table through `copy_frame` into fresh databases: once into shop's own DDL
    (keys, uniques, checks and foreign keys checked row by row), once into bare tables with the
    constraints added afterwards, as the pgdump format loads. Payload MB are the CSV bytes COPY
    receives, rendered outside the timed region."""
    import psycopg

    from datagen_assets.write.exports import StorageSource, pg_ddl

    tables = [t.table for t in plan.tables.values()]
    modes = {
        "constraints on": ([plan.dataset.schema_path.read_text()], []),
        "constraints after": (
            pg_ddl.create_statements(tables, plan.dataset.schema.dialect),
            pg_ddl.constraint_statements(tables),
        ),
    }
    source = StorageSource(storage, plan.name)
    admin = psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    print()
    try:
        for mode, (before, after) in modes.items():
            database = f"datagen_bench_exports_{os.getpid()}"
            admin.execute(f'CREATE DATABASE "{database}"')
            try:
                url = ADMIN_URL.rsplit("/", 1)[0] + "/" + database
                rows, payload, copy_s, after_s = _copy_into(url, plan, source, before, after)
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            total = copy_s + after_s
            extra = f" + {after_s:.2f} s adding constraints" if after else ""
            print(
                f"PostgreSQL COPY via copy_frame, {mode}: {rows:,} rows, {payload:.1f} MB in "
                f"{copy_s:.2f} s{extra} = {rows / total:,.0f} rows/s, "
                f"{payload / total:.1f} MB/s overall",
                flush=True,
            )
    finally:
        admin.close()


def _copy_into(url, plan, source, before: list[str], after: list[str]):
    import psycopg

    from datagen_assets.write.postgres import copy_frame, to_copy_text

    rows, payload, copy_s = 0, 0.0, 0.0
    with psycopg.connect(url) as connection:
        for statement in before:
            connection.execute(statement)
        connection.commit()
        for table_plan in plan.tables.values():
            for frame in source.chunks(table_plan):
                payload += len(to_copy_text(frame).write_csv(include_header=False)) / 1e6
                started = time.perf_counter()
                rows += copy_frame(connection, table_plan.table, frame)
                copy_s += time.perf_counter() - started
        started = time.perf_counter()
        connection.commit()
        for statement in after:
            connection.execute(statement)
        connection.commit()
        after_s = time.perf_counter() - started
    return rows, payload, copy_s, after_s


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="shop scale (1 = 1.41M rows)")
    parser.add_argument(
        "--formats",
        default=DEFAULT_RUNS,
        help=f"comma-separated format[+compression] runs (default {DEFAULT_RUNS})",
    )
    parser.add_argument("--no-copy", action="store_true", help="skip the PostgreSQL COPY load")
    args = parser.parse_args()

    from datagen_assets.dataset import load_dataset
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.settings import Settings

    dataset = load_dataset(
        REPO / "schemas" / "shop.sql", REPO / "schemas" / "shop.yaml", Settings(scale=args.scale)
    )
    plan = plan_dataset(dataset)
    total = sum(t.rows for t in plan.tables.values())
    with tempfile.TemporaryDirectory(prefix="datagen-bench-exports-") as folder:
        storage = os.path.join(folder, "data")
        seconds = generate_storage(plan, storage)
        print(
            f"shop at scale {args.scale:g}: {total:,} rows generated into storage in "
            f"{seconds:.1f} s (not counted below)\n"
        )
        export_runs(plan, storage, Path(folder) / "exports", args.formats.split(","))
        if not args.no_copy:
            copy_load(plan, storage)


if __name__ == "__main__":
    main()

"""Command line for exports: pick a dataset from the schemas folder, a format or a profile, and
a source (the engine by default, or Parquet storage), and write the files.

    python -m datagen_assets.write.exports --dataset shop --format csv --out exports/shop-csv
    python -m datagen_assets.write.exports --dataset shop --format sql --dialect mysql
    python -m datagen_assets.write.exports --dataset shop --profile fixtures --from-storage
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_assets.write.exports.api import PROFILES, export_dataset, export_profile
from datagen_assets.write.exports.manifest import MANIFEST_NAME, Manifest
from datagen_assets.write.exports.output import COMPRESSIONS, output_root
from datagen_assets.write.exports.registry import FORMATS
from datagen_assets.write.exports.sources import chunk_source
from datagen_assets.write.exports.to_sql import DIALECTS

DEFAULT_OUT = "exports"


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m datagen_assets.write.exports",
        description="Export a dataset (from schemas/) to files, with a manifest.json.",
    )
    parser.add_argument("--dataset", required=True, help="dataset name (schemas/<name>.sql)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--format", choices=sorted(FORMATS), help="file format")
    what.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        help="; ".join(f"{p.name}: {p.purpose}" for p in PROFILES.values()),
    )
    parser.add_argument(
        "--out",
        help=f"output folder or URL (default: {DEFAULT_OUT}/"
        "<dataset>-<format>; for a profile, the root of <profile>/<dataset>/)",
    )
    parser.add_argument("--compression", choices=sorted(COMPRESSIONS))
    parser.add_argument("--dialect", choices=DIALECTS, help="INSERT dialect (sql format)")
    parser.add_argument("--batch-rows", type=int, default=500, help="rows per INSERT (sql)")
    parser.add_argument("--tables", help="comma-separated table keys (default: all)")
    parser.add_argument("--rows", type=int, help="keep only the first rows of each table")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--from-storage",
        nargs="?",
        const=settings.storage_url,
        metavar="URL",
        help=f"read the materialized Parquet chunks (default URL: {settings.storage_url})",
    )
    source.add_argument(
        "--from-engine", action="store_true", help="generate the rows on the fly (the default)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    settings = Settings.from_env()
    args = _parser(settings).parse_args(argv)
    try:
        manifest = _run(args, settings)
    except (SchemaError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    total = sum(manifest.tables.values())
    print(
        f"{manifest.dataset}: {total:,} rows in {len(manifest.tables)} table(s) -> "
        f"{len(manifest.files)} file(s)"
    )
    for written in manifest.files:
        print(f"  {written.path}  {written.bytes:,} bytes  sha256 {written.sha256[:16]}")
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> Manifest:
    from datagen_assets.dataset import dataset_named
    from datagen_assets.plan.plan import plan_dataset

    plan = plan_dataset(dataset_named(settings, args.dataset))
    source = chunk_source(plan, args.from_storage)
    tables = [t.strip() for t in args.tables.split(",") if t.strip()] if args.tables else None
    if args.profile:
        out = args.out or DEFAULT_OUT
        manifest = export_profile(plan, source, args.profile, out, limit=args.rows, tables=tables)
        out = str(output_root(out).joinpath(args.profile, plan.name))
    else:
        out = args.out or f"{DEFAULT_OUT}/{plan.name}-{args.format}"
        manifest = export_dataset(
            plan,
            source,
            args.format,
            out,
            compression=args.compression,
            dialect=args.dialect,
            tables=tables,
            limit=args.rows,
            batch_rows=args.batch_rows,
        )
    print(f"wrote {out}/{MANIFEST_NAME}")
    return manifest

"""Blind review sheet: for a sample of non-key columns of every schema in a folder, print
table, column, type and 8 generated values (nothing else), to judge by eye as a tester would.

    uv run python benchmarks/meaning_review.py ../shared/corpus --per-file 25 > review.txt

A column is keyed (primary key, foreign key, unique) columns are left out: their values are
decided by the key planner. Files that fail to import or generate are listed at the end.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--per-file", type=int, default=25)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--all", action="store_true", help="every non-key column")
    parser.add_argument("--explain", action="store_true", help="add the meaning chosen")
    args = parser.parse_args()
    from datagen_assets.dataset import load_dataset
    from datagen_assets.generate.engine import engine_for
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.settings import Settings

    failures = []
    chooser = random.Random(args.seed)
    for path in sorted(Path(args.folder).glob("*.sql")):
        try:
            dataset = load_dataset(path, None, Settings(rows=args.rows))
            plan = plan_dataset(dataset)
            engine = engine_for(plan)
        except Exception as error:  # noqa: BLE001
            failures.append(f"{path.name}: {type(error).__name__}: {str(error)[:150]}")
            continue
        candidates = []
        for key, table_plan in plan.tables.items():
            table = table_plan.table
            keyed = {c for fk in table.foreign_keys for c in fk.columns}
            keyed |= {c for k in table.unique_keys for c in k}
            for column in table.columns:
                if column.name not in keyed and not column.autoincrement:
                    candidates.append((key, column))
        if not args.all and len(candidates) > args.per_file:
            candidates = chooser.sample(candidates, args.per_file)
        frames = {}
        print(f"===== {path.name}")
        for key, column in candidates:
            try:
                if key not in frames:
                    frames[key] = engine.generate(key, 0, 40)
                values = frames[key][column.name].drop_nulls().head(8).to_list()
            except Exception as error:  # noqa: BLE001
                failures.append(f"{path.name} {key}: {type(error).__name__}: {str(error)[:150]}")
                frames[key] = None
                continue
            shown = [
                str(v) if not isinstance(v, str) or len(v) < 60 else v[:57] + "..." for v in values
            ]
            extra = ""
            if args.explain:
                recipe = engine.recipes[key][column.name]
                extra = f"  [{getattr(recipe.generator, 'meaning', None) or recipe.generator}]"
            print(f"{key}.{column.name} {column.type.sql}{extra}: {shown}")
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)


if __name__ == "__main__":
    main()

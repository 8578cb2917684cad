"""Extreme schema shapes, timed stage by stage: a deep FK chain, many two-table FK cycles and a
very wide table, through import, plan, pre-flight (a 5-row sample) and Dagster definitions.
Each stage should grow linearly with the size; `datagen_tests/test_scale_shapes.py` runs the
same shapes, smaller, for correctness.

    uv run python benchmarks/shapes.py                 # chain 3000, cycles 1000, wide 1000
    uv run python benchmarks/shapes.py --scale 0.5
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from datagen_tests.test_scale_shapes import chain_ddl, cycles_ddl, wide_ddl


def measure(name: str, ddl: str) -> None:
    from datagen_assets.dataset import load_dataset
    from datagen_assets.orchestrate.factory import definitions_for_plans
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.plan.preflight import preflight
    from datagen_assets.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "x.sql").write_text(ddl)
        (root / "x.yaml").write_text("rows: 5\n")
        figures = []
        began = time.perf_counter()
        dataset = load_dataset(root / "x.sql", root / "x.yaml")
        figures.append(("import", time.perf_counter() - began))
        began = time.perf_counter()
        plan = plan_dataset(dataset)
        figures.append(("plan", time.perf_counter() - began))
        began = time.perf_counter()
        preflight(plan, sample_rows=5).raise_for_problems()
        figures.append(("preflight", time.perf_counter() - began))
        began = time.perf_counter()
        definitions_for_plans([plan], Settings(storage_url=str(root / "data")))
        figures.append(("definitions", time.perf_counter() - began))
    print(f"{name:14} " + "  ".join(f"{stage} {seconds:6.2f} s" for stage, seconds in figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    scale = parser.parse_args().scale
    chain, cycles, wide = (max(2, int(n * scale)) for n in (3000, 1000, 1000))
    measure(f"chain {chain}", chain_ddl(chain))
    measure(f"cycles {cycles}", cycles_ddl(cycles))
    measure(f"wide {wide}", wide_ddl(wide))


if __name__ == "__main__":
    main()

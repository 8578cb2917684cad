"""Benchmark: shop-v1 through the engine alone and through Dagster, against the polars-limit
baseline of ../shared/bench in the same run.

Each contender runs as its own process (so peak RSS is its own), `--repeat` times; medians
and same-run ratios are printed. The generated data is checked with ../shared/bench/verify.py.

Runs are timed warm, as every run after a user's first is: each contender first runs once
untimed, so the Faker pool cache is filled and bytecode is compiled. Bytecode goes to a
private `PYTHONPYCACHEPREFIX` for every contender alike (nothing is written beside
../shared/bench), also where the shell sets PYTHONDONTWRITEBYTECODE, which would otherwise
have our modules, and the baseline's, recompiled by every timed run.

    uv run python benchmarks/shop.py --scale 1 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO.parent / "shared" / "bench"


def engine_run(scale: float, out: Path) -> dict:
    """In this process: plan shop, generate every chunk, write Parquet like the IO manager."""
    started = time.perf_counter()
    from datagen_assets.dataset import load_dataset
    from datagen_assets.generate.engine import generate
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.settings import Settings

    imported = time.perf_counter()
    dataset = load_dataset(
        REPO / "schemas" / "shop.sql", REPO / "schemas" / "shop.yaml", Settings(scale=scale)
    )
    plan = plan_dataset(dataset)
    gen_s = write_s = 0.0
    rows = 0
    for key, table_plan in plan.tables.items():
        folder = out / key
        folder.mkdir(parents=True, exist_ok=True)
        for partition in table_plan.partition_keys:
            t = time.perf_counter()
            frame = generate(plan, key, *table_plan.chunk_bounds(partition))
            gen_s += time.perf_counter() - t
            t = time.perf_counter()
            frame.write_parquet(
                folder / f"{partition}.parquet", compression="zstd", compression_level=3
            )
            write_s += time.perf_counter() - t
            rows += frame.height
    return {"import_s": imported - started, "gen_s": gen_s, "write_s": write_s, "rows": rows}


def timed(command: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) of that child alone (os.wait4), and its stdout."""
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        stdout = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            stderr.seek(0)
            raise SystemExit(f"{' '.join(command)} failed:\n{stdout}\n{stderr.read().decode()}")
    return seconds, usage.ru_maxrss, stdout


def verify(folder: Path, scale: float) -> str:
    import subprocess

    done = subprocess.run(
        [sys.executable, str(BENCH / "verify.py"), str(folder), "--scale", str(scale)],
        capture_output=True,
        text=True,
    )
    lines = [line for line in done.stdout.splitlines() if not line.startswith("INFO")]
    return " | ".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-dagster", action="store_true")
    parser.add_argument("--engine-child", metavar="OUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_child:
        print(json.dumps(engine_run(args.scale, Path(args.engine_child))))
        return
    # the parent's own modules, imported after the engine child has returned, so that the
    # child's wall time holds nothing the baseline script does not import too
    import statistics
    import tempfile

    if not BENCH.is_dir():
        raise SystemExit(f"{BENCH} is missing: the baseline lives in ../shared/bench")
    total_rows = None
    results: dict[str, list[float]] = {
        "baseline": [],
        "engine": [],
        "dagster": [],
        "dagster+checks": [],
    }
    peaks: dict[str, int] = {}
    phases = []
    checks = {}
    with tempfile.TemporaryDirectory(prefix="datagen-bench-") as tmp:
        warm = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        warm["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        engine_child = [sys.executable, __file__, "--scale", str(args.scale), "--engine-child"]
        baseline = [sys.executable, str(BENCH / "p5_polars_limit.py"), "--scale", str(args.scale)]
        timed([*baseline, "--out", str(Path(tmp) / "warm-limit")], env=warm)
        timed([*engine_child, str(Path(tmp) / "warm-engine")], env=warm)
        for attempt in range(args.repeat):
            base_out = Path(tmp) / f"limit{attempt}"
            seconds, peak, _ = timed([*baseline, "--out", str(base_out)], env=warm)
            results["baseline"].append(seconds)
            peaks["baseline"] = peak

            engine_out = Path(tmp) / f"engine{attempt}"
            seconds, peak, stdout = timed([*engine_child, str(engine_out)], env=warm)
            results["engine"].append(seconds)
            peaks["engine"] = peak
            phase = json.loads(stdout.strip().splitlines()[-1])
            phases.append(phase)
            total_rows = phase["rows"]

            if not args.skip_dagster:
                dagster_out = Path(tmp) / f"dagster{attempt}"
                env = {
                    **warm,
                    "DATAGEN_SCALE": str(args.scale),
                    "DATAGEN_STORAGE_URL": str(dagster_out),
                    "DAGSTER_HOME": str(Path(tmp) / "home"),
                    "DATAGEN_SCHEMAS_DIR": str(REPO / "schemas"),
                }
                if attempt == 0:  # create the instance once, as a user's DAGSTER_HOME exists
                    timed(
                        [sys.executable, "-m", "datagen_assets.cli", "materialize", "shop"],
                        env={
                            **env,
                            "DATAGEN_SCALE": "0.001",
                            "DATAGEN_STORAGE_URL": str(Path(tmp) / "warmup"),
                        },
                    )
                seconds, peak, _ = timed(
                    [
                        sys.executable,
                        "-m",
                        "datagen_assets.cli",
                        "materialize",
                        "shop",
                        "--no-checks",
                    ],
                    env=env,
                )
                results["dagster"].append(seconds)
                peaks["dagster"] = peak
                env["DATAGEN_STORAGE_URL"] = str(dagster_out) + "-checked"
                seconds, peak, _ = timed(
                    [sys.executable, "-m", "datagen_assets.cli", "materialize", "shop"], env=env
                )
                results["dagster+checks"].append(seconds)
                peaks["dagster+checks"] = peak
        checks["engine"] = verify(Path(tmp) / "engine0", args.scale)
        if not args.skip_dagster:
            checks["dagster"] = verify(Path(tmp) / "dagster0" / "shop", args.scale)

    base = statistics.median(results["baseline"])
    print(
        f"shop-v1 scale {args.scale}: {total_rows:,} rows, {args.repeat} run(s) each, "
        f"wall time of a fresh process (interpreter, imports, generation, Parquet writes)"
    )
    print(f"{'contender':<14} {'median s':>9} {'rows/s':>12} {'ratio':>6} {'peak RSS MiB':>13}")
    for name, values in results.items():
        if not values:
            continue
        median = statistics.median(values)
        print(
            f"{name:<14} {median:>9.2f} {total_rows / median:>12,.0f} {median / base:>6.2f} "
            f"{peaks[name] / 1024:>13.0f}"
        )
    gen = statistics.median(p["gen_s"] for p in phases)
    write = statistics.median(p["write_s"] for p in phases)
    imp = statistics.median(p["import_s"] for p in phases)
    print(f"engine phases (median): import {imp:.2f}s, generate {gen:.2f}s, write {write:.2f}s")
    for name, line in checks.items():
        print(f"verify {name}: {line}")


if __name__ == "__main__":
    main()

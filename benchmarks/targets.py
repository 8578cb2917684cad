"""Every speed and memory target of DataGen through Dagster, in one run, with the polars-limit
baseline of ../shared/bench measured in the same run (the machine is shared and noisy: only
same-run ratios mean something).

    uv run python benchmarks/targets.py                 # every figure below (~5-10 min)
    uv run python benchmarks/targets.py --s100          # also shop-v1 at S=100 (141M rows)

Figures, each a fresh process timed from start to exit (interpreter, imports, definitions,
instance, generation, Parquet writes, checks), as a user runs it:

1. shop-v1 S=1 through `datagen materialize`, with every check and without (`--no-checks`),
   against the baseline at S=1 (targets: <= 3x, <= 2x).
2. shop-v1 S=10 through `datagen materialize` with every check, against the baseline at S=10
   (<= 1.5x); its peak RSS against that of S=1 (<= 1.2x).
3. (`--s100`) shop-v1 S=100 with every check: rows/s, bytes written, peak RSS (<= S=10's).
4. The widest schema of ../shared/corpus (150+ tables, 300 rows a table) through `datagen
   materialize` with every check, against the engine alone writing the same Parquet (<= 2x).
5. Fixed cost: a one-table dataset of 1,000 rows end to end, checks included (<= 3 s).
6. Definitions of the whole corpus (every file that loads) as `dagster dev` loads them: build
   plus the repository snapshot the code server sends (<= 2 s per 100 tables).
7. The PII scan (benchmarks/pii_scan.py), printed as it prints itself.

Runs are warm, as every run after a user's first is: each command runs once untimed first
(Faker pool cache, bytecode in a private PYTHONPYCACHEPREFIX, the Dagster instance created).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from shop import BENCH, REPO  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
SCHEMAS = REPO.parent / "shared" / "schemas"
WIDE_TABLES = 150
WIDE_ROWS = 300

ONE_TABLE_DDL = """
CREATE TABLE people (
    id          BIGINT       PRIMARY KEY,
    full_name   VARCHAR(80)  NOT NULL,
    email       VARCHAR(160) NOT NULL UNIQUE,
    city        VARCHAR(80),
    born_on     DATE,
    created_at  TIMESTAMP    NOT NULL
);
"""


class Bench:
    """Runs commands as fresh processes in a scratch folder, with one warm environment."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        self.env = {k: v for k, v in self.env.items() if not k.startswith(("DATAGEN_", "DAGSTER_"))}
        self.env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        self.env["DAGSTER_HOME"] = str(tmp / "home")
        self.count = 0

    def out(self, label: str) -> Path:
        self.count += 1
        return self.tmp / f"{label}-{self.count}"

    def baseline(self, scale: float) -> tuple[float, int]:
        command = [sys.executable, str(BENCH / "p5_polars_limit.py"), "--scale", str(scale)]
        command += ["--out", str(self.out("limit"))]
        seconds, peak, code, stdout = timed_any(command, self.env)
        if code != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{stdout}")
        return seconds, peak

    def datagen(
        self, schemas: Path, dataset: str, *flags: str, scale: float | None = None
    ) -> tuple[float, int, Path]:
        storage = self.out(dataset)
        env = {**self.env, "DATAGEN_SCHEMAS_DIR": str(schemas), "DATAGEN_STORAGE_URL": str(storage)}
        if scale is not None:
            env["DATAGEN_SCALE"] = str(scale)
        command = [sys.executable, "-m", "datagen_assets.cli", "materialize", dataset, *flags]
        seconds, peak, code, stdout = timed_any(command, env)
        if code != 0:  # timed all the same; what failed is printed (a check, usually)
            summary = [line for line in stdout.splitlines() if "FAIL" in line or "table(s)" in line]
            print(
                f"  note: datagen materialize {dataset} exited {code}: " + " | ".join(summary[:4])
            )
        return seconds, peak, storage

    def child(self, *args: str, env: dict | None = None) -> dict:
        """This script as a child (`--child ...`): its last stdout line is JSON."""
        command = [sys.executable, __file__, "--child", *args]
        seconds, peak, code, stdout = timed_any(command, {**self.env, **(env or {})})
        if code != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{stdout}")
        result = json.loads(stdout.strip().splitlines()[-1])
        return {**result, "wall_s": seconds, "peak_kib": peak}


class Seconds(float):
    """Wall seconds of a timed child, carrying its CPU seconds (user + sys) as `cpu`: on a
    machine other processes load, wall time stretches with the load and CPU time much less,
    so the figures print both (the targets are on wall time)."""

    cpu: float = 0.0

    def __new__(cls, wall: float, cpu: float = 0.0) -> Seconds:
        made = super().__new__(cls, wall)
        made.cpu = cpu
        return made


def timed_any(command: list[str], env: dict) -> tuple[Seconds, int, int, str]:
    """Like `shop.timed` (wall seconds, peak RSS KiB of the child alone), whatever the exit;
    the seconds carry the child's CPU time (`Seconds.cpu`)."""
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        stdout = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = Seconds(time.perf_counter() - started, usage.ru_utime + usage.ru_stime)
    return seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status), stdout


def median_run(values: list[Seconds]) -> Seconds:
    """The median run (the lower middle one of an even count), with its CPU seconds."""
    return sorted(values)[(len(values) - 1) // 2]


def cpu(ours: Seconds, theirs: Seconds) -> str:
    """The same ratio on CPU seconds: `CPU 2.10x`."""
    return f"CPU {ours.cpu / theirs.cpu:.2f}x" if theirs.cpu > 0 else "CPU n/a"


Figure = tuple[str, str, str, bool, str]  # label, value, target, met, the ratio on CPU time


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*.parquet"))


# ---------------------------------------------------------------------------- children


def child_engine(schemas: str, dataset: str, out: str) -> dict:
    """The engine alone: plan the dataset, generate and write every chunk as the IO manager
    lays them out, no Dagster, no checks."""
    from datagen_assets.dataset import dataset_named
    from datagen_assets.generate.engine import generate
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.settings import Settings
    from datagen_assets.write.storage import chunk_path, write_parquet_atomic

    plan = plan_dataset(dataset_named(Settings(schemas_dir=Path(schemas)), dataset))
    rows = 0
    for key, table_plan in plan.tables.items():
        for partition in table_plan.partition_keys:
            frame = generate(plan, key, *table_plan.chunk_bounds(partition))
            write_parquet_atomic(frame, chunk_path(out, plan.name, key, partition))
            rows += frame.height
    return {"rows": rows, "tables": len(plan.tables)}


def child_loadable(files: list[str]) -> dict:
    """Which schema files load, plan and pass the pre-flight on their own (the others would
    stop the whole code location from loading), with their table counts."""
    from datagen_assets.dataset import load_dataset
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.plan.preflight import preflight
    from datagen_assets.settings import Settings

    good = {}
    for name in files:
        path = Path(name)
        try:
            plan = plan_dataset(load_dataset(path, None, Settings(rows=WIDE_ROWS)))
            if preflight(plan, sample_rows=0).problems:
                continue
        except Exception:  # noqa: BLE001 - a file that does not load is simply left out
            continue
        good[name] = len(plan.tables)
    return {"good": good}


def child_definitions() -> dict:
    """Definitions as the code server builds them: the factory, then the repository snapshot
    it serialises for the webserver."""
    started = time.perf_counter()
    import dagster  # noqa: F401

    imported = time.perf_counter()
    from dagster._core.remote_representation.external_data import RepositorySnap

    from datagen_assets.orchestrate.factory import build_definitions

    defs = build_definitions()
    built = time.perf_counter()
    repository = defs.get_repository_def()
    snap = RepositorySnap.from_def(repository)
    done = time.perf_counter()
    tables = sum(1 for node in snap.asset_nodes if "dagster/kind/parquet" in (node.tags or {}))
    return {
        "import_s": imported - started,
        "build_s": built - imported,
        "snapshot_s": done - built,
        "tables": tables,
    }


# ---------------------------------------------------------------------------- figures


def shop_figures(bench: Bench, repeat: int, s100: bool) -> list[Figure]:
    schemas = REPO / "schemas"
    rows: list[Figure] = []
    # warm-ups: interpreter caches, Faker pools, the instance
    bench.baseline(1)
    bench.datagen(schemas, "shop", scale=0.01)
    base, plain, checked = [], [], []
    peaks = {}
    for _ in range(repeat):
        seconds, peaks["baseline"] = bench.baseline(1)
        base.append(seconds)
        seconds, peaks["plain"], _ = bench.datagen(schemas, "shop", "--no-checks", scale=1)
        plain.append(seconds)
        seconds, peaks["checked"], _ = bench.datagen(schemas, "shop", scale=1)
        checked.append(seconds)
    b1 = median_run(base)
    print(
        f"shop-v1 S=1 (1.41M rows), median of {repeat}: baseline {b1:.2f} s, "
        f"datagen materialize --no-checks {median_run(plain):.2f} s, with checks "
        f"{median_run(checked):.2f} s; peak RSS {peaks['baseline'] / 1024:.0f} / "
        f"{peaks['plain'] / 1024:.0f} / {peaks['checked'] / 1024:.0f} MiB; CPU seconds "
        f"{b1.cpu:.2f} / {median_run(plain).cpu:.2f} / {median_run(checked).cpu:.2f}"
    )
    ratio = median_run(checked) / b1
    label = "shop S=1 materialize + checks / baseline"
    rows.append((label, f"{ratio:.2f}x", "<= 3x", ratio <= 3, cpu(median_run(checked), b1)))
    ratio = median_run(plain) / b1
    label = "shop S=1 materialize, no checks / baseline"
    rows.append((label, f"{ratio:.2f}x", "<= 2x", ratio <= 2, cpu(median_run(plain), b1)))

    b10, _ = bench.baseline(10)
    s10, peak10, storage = bench.datagen(schemas, "shop", scale=10)
    print(
        f"shop-v1 S=10 (14.1M rows): baseline {b10:.2f} s, datagen materialize with checks "
        f"{s10:.2f} s ({14_100_000 / s10:,.0f} rows/s, {folder_bytes(storage) / 2**20:,.0f} MiB "
        f"written), peak RSS {peak10 / 1024:.0f} MiB; CPU seconds {b10.cpu:.2f} / {s10.cpu:.2f}"
    )
    shutil.rmtree(storage, ignore_errors=True)
    ratio = s10 / b10
    label = "shop S=10 materialize + checks / baseline"
    rows.append((label, f"{ratio:.2f}x", "<= 1.5x", ratio <= 1.5, cpu(s10, b10)))
    ratio = peak10 / peaks["checked"]
    label = "shop S=10 peak RSS / S=1 peak RSS"
    rows.append((label, f"{ratio:.2f}x", "<= 1.2x", ratio <= 1.2, ""))

    if s100:
        s, peak, storage = bench.datagen(schemas, "shop", scale=100)
        written = folder_bytes(storage)
        print(
            f"shop-v1 S=100 (141M rows): datagen materialize with checks {s:,.1f} s, "
            f"{141_000_000 / s:,.0f} rows/s, {written / 2**30:,.2f} GiB written, peak RSS "
            f"{peak / 1024:.0f} MiB, CPU {s.cpu:,.1f} s"
        )
        shutil.rmtree(storage, ignore_errors=True)
        ratio = peak / peak10
        label = "shop S=100 peak RSS / S=10 peak RSS"
        rows.append((label, f"{ratio:.2f}x", "<= 1x", ratio <= 1, ""))
    return rows


def loadable_files(bench: Bench) -> dict[str, int]:
    candidates = [*CORPUS.glob("*.sql"), *SCHEMAS.glob("*.sql"), *SCHEMAS.glob("*.json")]
    files = sorted(str(p) for p in candidates)
    return bench.child("loadable", *files)["good"]


def wide_figures(bench: Bench, good: dict[str, int]) -> list[Figure]:
    corpus = {name: tables for name, tables in good.items() if Path(name).parent == CORPUS}
    if not corpus:
        print("wide schema: no corpus file loads")
        return [("wide schema materialize + checks / engine", "n/a", "<= 2x", False, "")]
    name, tables = max(corpus.items(), key=lambda item: item[1])
    if tables < WIDE_TABLES:
        wider = [
            p.name
            for p in CORPUS.glob("*.sql")
            if p.read_text(errors="replace").upper().count("CREATE TABLE") >= WIDE_TABLES
        ]
        print(
            f"wide schema: no {WIDE_TABLES}+ table corpus file loads today "
            f"({', '.join(wider) or 'none'} fails to); measured the widest that does"
        )
    schemas = bench.tmp / "wide-schemas"
    schemas.mkdir(exist_ok=True)
    shutil.copyfile(name, schemas / Path(name).name)
    dataset = Path(name).name.split(".")[0]
    (schemas / f"{dataset}.yaml").write_text(f"rows: {WIDE_ROWS}\n")
    bench.datagen(schemas, dataset)  # warm: schema cache, pools
    engine = bench.child("engine", str(schemas), dataset, str(bench.out("wide-engine")))
    seconds, peak, _ = bench.datagen(schemas, dataset)
    print(
        f"wide schema {Path(name).name}: {tables} tables x {WIDE_ROWS} rows ({engine['rows']:,} "
        f"rows): engine alone {engine['wall_s']:.2f} s, datagen materialize with checks "
        f"{seconds:.2f} s, peak RSS {peak / 1024:.0f} MiB; CPU seconds {engine['wall_s'].cpu:.2f} "
        f"/ {seconds.cpu:.2f}"
    )
    ratio = seconds / engine["wall_s"]
    label = f"wide {tables} tables materialize + checks / engine"
    met = ratio <= 2 and tables >= WIDE_TABLES
    return [(label, f"{ratio:.2f}x", "<= 2x", met, cpu(seconds, engine["wall_s"]))]


def fixed_cost(bench: Bench, repeat: int) -> list[Figure]:
    schemas = bench.tmp / "one-table"
    schemas.mkdir(exist_ok=True)
    (schemas / "people.sql").write_text(ONE_TABLE_DDL)
    (schemas / "people.yaml").write_text("rows: 1000\n")
    bench.datagen(schemas, "people")  # warm
    times = [bench.datagen(schemas, "people")[0] for _ in range(repeat)]
    seconds = median_run(times)
    print(
        f"one table of 1,000 rows end to end with checks: {seconds:.2f} s (median of {repeat}), "
        f"CPU {seconds.cpu:.2f} s"
    )
    label = "one-table 1,000 rows end to end"
    return [(label, f"{seconds:.2f} s", "<= 3 s", seconds <= 3, f"CPU {seconds.cpu:.2f} s")]


def definitions_figures(bench: Bench, good: dict[str, int]) -> list[Figure]:
    schemas = bench.tmp / "corpus-schemas"
    schemas.mkdir(exist_ok=True)
    names = set()
    for name in good:
        target = Path(name).name
        dataset = target.split(".")[0]
        if dataset in names:  # one dataset per name (roundcube.mysql / roundcube.postgres)
            dataset = f"{dataset}_{len(names)}"
            target = f"{dataset}.{'.'.join(Path(name).name.split('.')[1:])}"
        names.add(dataset)
        shutil.copyfile(name, schemas / target)
        (schemas / f"{dataset}.yaml").write_text(f"rows: {WIDE_ROWS}\n")
    env = {"DATAGEN_SCHEMAS_DIR": str(schemas), "DATAGEN_STORAGE_URL": str(bench.out("defs"))}
    bench.child("definitions", env=env)  # warm: parsed-schema cache, bytecode
    result = bench.child("definitions", env=env)
    load = result["build_s"] + result["snapshot_s"]
    per_100 = load / max(result["tables"], 1) * 100
    print(
        f"definitions of {len(good)} schema files ({result['tables']} tables): import dagster "
        f"{result['import_s']:.2f} s, build {result['build_s']:.2f} s, snapshot "
        f"{result['snapshot_s']:.2f} s; process {result['wall_s']:.2f} s"
    )
    return [("definitions load per 100 tables", f"{per_100:.2f} s", "<= 2 s", per_100 <= 2, "")]


def pii_figures() -> None:
    script = HERE / "pii_scan.py"
    if not script.exists():
        return
    done = subprocess.run(
        [sys.executable, str(script), "--repeat", "1"], capture_output=True, text=True, cwd=REPO
    )
    lines = done.stdout.strip().splitlines() or [done.stderr.strip().splitlines()[-1]]
    for line in lines:
        print(f"pii scan: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the S=1 and fixed-cost figures"
    )
    parser.add_argument("--s100", action="store_true", help="also shop-v1 at S=100 (long)")
    parser.add_argument(
        "--only", choices=["fixed", "shop", "wide", "definitions"], help="one figure alone"
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = {
            "engine": lambda: child_engine(*rest),
            "loadable": lambda: child_loadable(rest),
            "definitions": child_definitions,
        }[kind]()
        print(json.dumps(result))
        return
    if not BENCH.is_dir():
        raise SystemExit(f"{BENCH} is missing: the baseline lives in ../shared/bench")
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="datagen-targets-") as tmp:
        bench = Bench(Path(tmp))
        wanted = {args.only} if args.only else {"fixed", "shop", "wide", "definitions"}
        figures = fixed_cost(bench, args.repeat) if "fixed" in wanted else []
        if "shop" in wanted:
            figures += shop_figures(bench, args.repeat, args.s100)
        good = loadable_files(bench) if wanted & {"wide", "definitions"} else {}
        if "wide" in wanted:
            figures += wide_figures(bench, good)
        if "definitions" in wanted:
            figures += definitions_figures(bench, good)
    if not args.only:
        pii_figures()
    print()
    print(f"{'figure':<48} {'value':>9} {'target':>9}  met  same ratio on CPU time")
    for label, value, target, met, on_cpu in figures:
        print(f"{label:<48} {value:>9} {target:>9}  {'yes' if met else 'NO ':<3}  {on_cpu}")
    print(f"(load average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    print(f"(benchmark wall time {time.perf_counter() - began:,.0f} s)")


if __name__ == "__main__":
    main()

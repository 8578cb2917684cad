"""A fuzzer over the DDL importer and the planner: mutated real schemas must end in a
`SchemaError` (problems with a location) or a plan, never another exception or a hang.

Inputs are the files of `../shared/schemas` and `../shared/corpus` (real DDL of many
dialects). Each case takes a window of one file's statements (so a case costs milliseconds,
not the seconds a 200 KB dump takes) and applies one to three token mutations: deletion,
duplication, a swap of neighbours, truncation, and replacement of an identifier (by another
of the file, or an odd one a database accepts: spaces, quotes, emoji), of a type name (by
another, huge or odd), of a number (by 0, negatives, huge values, 1e308, NaN-ish text). The
case is then imported (`load_dataset`), planned (`plan_dataset`) and pre-flighted
(`preflight`: unique capacities, CHECK contradictions, the engine's compile; with
`--sample N`, also N generated rows a table).

Everything derives from `--seed`, so a case is named by (seed, index) and replays alone
(`--replay INDEX`). `datagen_tests/test_fuzz.py` runs a bounded number in CI; the longer runs
and their counts are in `docs/fuzzing.md`:

    uv run python -m datagen_tests.fuzz --seed 1 --cases 3000 --sample 20
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = (REPO.parent / "shared" / "schemas", REPO.parent / "shared" / "corpus")
WINDOW = 60  # statements a case keeps of a larger file (smaller ones are taken whole)
WHOLE = 150
HANG_SECONDS = 60  # wall clock on a loaded 2-core box; a real hang (10**length) never ends

TOKEN = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|/\*.*?\*/|"""
    r"""\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\w+|\s+|.""",
    re.S,
)
TYPES = ["INT", "BIGINT", "SMALLINT", "NUMERIC(1000, 999)", "NUMERIC(3, 7)", "DECIMAL(65,30)",
         "VARCHAR(100000000)", "CHAR(0)", "CHAR(1)", "TEXT", "BOOLEAN", "DATE", "TIMESTAMP",
         "UUID", "JSONB", "BYTEA", "INTERVAL", "BIT(1)", "TINYINT UNSIGNED", "ENUM('a')",
         "SERIAL", "MONEY", "POINT", "INT4RANGE", "TSVECTOR", "XML", "FLOAT(53)", "REAL",
         "geometry", "no_such_type", "INT[]", "TEXT[][]", "VARCHAR(MAX)", "NUMBER(38, -84)",
         "YEAR", "SET('x','y')", "DOUBLE PRECISION"]  # fmt: skip
NUMBERS = ["0", "-1", "1", "2147483648", "9223372036854775808", "99999999999999999999999999",
           "1e308", "1e-308", "65536", "0.5", "-0", "255", "1000000000"]  # fmt: skip
IDENTIFIERS = ['"my table"', '"a/b"', '"50%"', '"t\U0001f389"', '"таблица"', '"a""b"',
               "`x y`", "[z w]", '"new\nline"', "select", "id", "_", '"."']  # fmt: skip
KEYWORDS = frozenset(
    "create table alter add drop constraint primary foreign key references unique check not null "
    "default index on in and or between like is as insert into values update set where from "
    "select union all exists case when then else end cascade restrict schema view sequence "
    "type enum inherits partition of for to by with without".split()
)


@dataclass
class Case:
    index: int
    source: Path
    text: str
    mutations: list[str]


@dataclass
class Outcome:
    case: Case
    kind: str  # "planned", "problems", "crash", "hang"
    detail: str = ""
    trace: str = ""


@dataclass
class Report:
    seed: int
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def counts(self) -> Counter:
        return Counter(o.kind for o in self.outcomes)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.kind in ("crash", "hang")]


def source_files() -> list[Path]:
    """Every schema file of the reference folders, sorted (the order cases cycle through)."""
    files = []
    for folder in SOURCES:
        if folder.is_dir():
            files.extend(p for p in folder.iterdir() if p.suffix in (".sql", ".json"))
    return sorted(files)


def statements(text: str) -> list[str]:
    """Rough statement split (on `;` ending a line); exactness does not matter here."""
    parts = re.split(r"(?<=;)[ \t]*\n", text)
    return [p for p in parts if p.strip()]


def mutate(text: str, rng: random.Random) -> tuple[str, list[str]]:
    tokens = TOKEN.findall(text)
    words = [i for i, t in enumerate(tokens) if not t.isspace()]
    if not words:
        return text, ["empty"]
    applied = []
    for _ in range(rng.randint(1, 3)):
        words = [i for i, t in enumerate(tokens) if not t.isspace()]
        if not words:
            break
        at = rng.choice(words)
        token = tokens[at]
        kind = rng.choice(["delete", "duplicate", "swap", "truncate", "identifier", "type",
                           "number"])  # fmt: skip
        if kind == "delete":
            tokens[at] = ""
        elif kind == "duplicate":
            tokens[at] = token + " " + token
        elif kind == "swap":
            later = [i for i in words if i > at]
            if later:
                other = later[0]
                tokens[at], tokens[other] = tokens[other], tokens[at]
        elif kind == "truncate":
            tokens = tokens[: at + rng.randint(0, 1)]
        elif kind == "identifier":
            names = [t for t in tokens if re.fullmatch(r"[A-Za-z_]\w*", t)]
            names = [t for t in names if t.lower() not in KEYWORDS]
            spots = [i for i in words if tokens[i] in names] or [at]
            at = rng.choice(spots)
            tokens[at] = rng.choice(IDENTIFIERS + names[:50])
        elif kind == "type":
            tokens[at] = rng.choice(TYPES)
        elif kind == "number":
            spots = [i for i in words if re.fullmatch(r"\d+(\.\d+)?", tokens[i])] or [at]
            at = rng.choice(spots)
            tokens[at] = rng.choice(NUMBERS)
        applied.append(f"{kind}@{at}")
    return "".join(tokens), applied


def cases(seed: int, count: int) -> Iterator[Case]:
    """`count` cases, cycling through every source file; case i depends on (seed, i) only."""
    files = source_files()
    texts: dict[Path, list[str]] = {}
    for index in range(count):
        source = files[index % len(files)]
        rng = random.Random(f"{seed}/{index}")
        parts = texts.setdefault(source, statements(source.read_text(errors="replace")))
        if len(parts) <= WHOLE:
            window = "\n".join(parts)
        else:
            start = rng.randrange(len(parts) - WINDOW)
            window = "\n".join(parts[start : start + WINDOW])
        text, applied = mutate(window, rng)
        yield Case(index, source, text, applied)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def run_case(case: Case, folder: Path, sample_rows: int = 0) -> Outcome:
    """Import, plan and pre-flight one case under a hang timeout."""
    from datagen_assets.dataset import load_dataset
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.plan.preflight import preflight
    from datagen_assets.schema.model import SchemaError
    from datagen_assets.settings import Settings

    path = folder / f"case{case.index}{''.join(case.source.suffixes)}"
    path.write_text(case.text)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        plan = plan_dataset(load_dataset(path, None, Settings(rows=50)))
        report = preflight(plan, sample_rows=sample_rows)
        return Outcome(case, "planned" if report.ok else "problems")
    except SchemaError:
        return Outcome(case, "problems")
    except Hang:
        return Outcome(case, "hang", f"no answer in {HANG_SECONDS} s")
    except RecursionError as error:
        return Outcome(case, "crash", f"RecursionError: {str(error)[:200]}")
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # noqa: BLE001 - what the fuzzer is looking for (a polars
        # panic is a BaseException: pyo3_runtime.PanicException)
        frames = traceback.extract_tb(error.__traceback__)
        where = next(
            (f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames)
             if "datagen_assets" in f.filename),
            "?",
        )  # fmt: skip
        detail = f"{type(error).__name__} at {where}: {str(error)[:200]}"
        return Outcome(case, "crash", detail, traceback.format_exc())
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        path.unlink(missing_ok=True)


def fuzz(seed: int, count: int, budget: float | None = None, sample_rows: int = 0) -> Report:
    """Run up to `count` cases, stopping early after `budget` seconds (CI's bound)."""
    os.environ.setdefault("DATAGEN_CACHE_DIR", tempfile.mkdtemp(prefix="datagen-fuzz-cache-"))
    report = Report(seed)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="datagen-fuzz-") as folder:
        for case in cases(seed, count):
            if budget is not None and time.perf_counter() - began > budget:
                break
            report.outcomes.append(run_case(case, Path(folder), sample_rows))
    report.seconds = time.perf_counter() - began
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m datagen_tests.fuzz", description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--budget", type=float, help="stop after this many seconds")
    parser.add_argument("--sample", type=int, default=0, help="rows a table the pre-flight draws")
    parser.add_argument("--replay", type=int, help="run case INDEX alone and print it")
    args = parser.parse_args(argv)
    if args.replay is not None:
        case = list(cases(args.seed, args.replay + 1))[-1]
        print(f"# {case.source.name} {case.mutations}\n{case.text}")
        with tempfile.TemporaryDirectory() as folder:
            outcome = run_case(case, Path(folder), args.sample)
        print(f"{outcome.trace}-> {outcome.kind} {outcome.detail}")
        return 0 if outcome.kind in ("planned", "problems") else 1
    report = fuzz(args.seed, args.cases, args.budget, args.sample)
    counts = report.counts
    print(
        f"seed {args.seed}: {len(report.outcomes)} cases in {report.seconds:.0f} s over "
        f"{len(source_files())} files: {counts['planned']} planned, {counts['problems']} "
        f"problems reported, {counts['crash']} crashes, {counts['hang']} hangs"
    )
    by_detail = Counter(o.detail.split(":")[0] + ":" + o.detail.split(":")[1] if ":" in o.detail
                        else o.detail for o in report.failures)  # fmt: skip
    for detail, n in by_detail.most_common():
        print(f"  {n:4} x {detail}")
    for outcome in report.failures[:30]:
        print(f"  case {outcome.case.index} ({outcome.case.source.name}, "
              f"{' '.join(outcome.case.mutations)}): {outcome.detail}")  # fmt: skip
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())

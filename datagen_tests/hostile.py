"""Hostile inputs as a new user would bring them, through `datagen validate` and, when it
accepts them, `datagen materialize`: empty and binary files, broken DDL and YAML, impossible
constraints, huge types, NaN and infinite numbers, odd identifiers, bad URLs and variables.

Each case ends in one class:

- `clear error`: a non-zero exit, one message without a traceback, nothing written;
- `accepted`: validate and materialize succeed (every check passed);
- `failed after writing`: materialize failed with Parquet already in storage;
- `traceback`: a Python traceback or an internal error reached the user.

    uv run python -m datagen_tests.hostile            # every case, counts by class and family
    uv run python -m datagen_tests.hostile --only ids # one family

The counts of the last run are in `docs/fuzzing.md`; `test_hostile_inputs.py` keeps one
regression test per class of input that once crashed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

T = "CREATE TABLE t (id INT PRIMARY KEY, n INT, s VARCHAR(20));\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00\x01"


@dataclass
class Case:
    family: str
    name: str
    files: dict[str, str | bytes]  # under the schemas folder
    env: dict[str, str] = field(default_factory=dict)


def _table(columns: str, name: str = "t") -> str:
    return f"CREATE TABLE {name} (id INT PRIMARY KEY, {columns});\n"


def cases() -> list[Case]:
    out: list[Case] = []

    def add(family, name, ddl=T, yaml=None, env=None, files=None):
        body = files or {"d.sql": ddl, **({"d.yaml": yaml} if yaml is not None else {})}
        out.append(Case(family, name, body, env or {}))

    # files
    add("files", "empty sql", "")
    add("files", "blank sql", "  \n\t\n")
    add("files", "comments only", "-- nothing\n/* here */\n")
    add("files", "binary sql", files={"d.sql": PNG})
    add("files", "binary yaml", files={"d.sql": T, "d.yaml": PNG})
    add("files", "binary json", files={"d.json": PNG})
    add("files", "utf-16 sql", files={"d.sql": T.encode("utf-16")})
    add("files", "NUL inside", files={"d.sql": T.replace("n INT", "n\x00 INT")})
    add("files", "prose", "hello world, this is no schema\n")
    add("files", "empty json", files={"d.json": ""})
    add("files", "json not a schema", files={"d.json": "[1, 2, 3]"})
    add("files", "yaml only", files={"d.yaml": "rows: 5\n"})
    # broken DDL
    add("ddl", "truncated", "CREATE TABLE t (id INT PRIMARY KEY, n")
    add("ddl", "unbalanced", "CREATE TABLE t (id INT PRIMARY KEY, n INT));\n")
    add("ddl", "no columns", "CREATE TABLE t ();\n")
    add("ddl", "duplicate table", T + T)
    add("ddl", "duplicate column", _table("n INT, n TEXT"))
    add("ddl", "fk to missing table", _table("p INT REFERENCES nowhere (id)"))
    add("ddl", "fk to missing column", T + _table("p INT REFERENCES t (nope)", "u"))
    add("ddl", "pk on missing column", "CREATE TABLE t (id INT, PRIMARY KEY (nope));\n")
    add("ddl", "unknown type", _table("g no_such_type"))
    add("ddl", "keyword soup", "CREATE CREATE TABLE TABLE t t (id id INT INT);\n")
    add("ddl", "alter missing table", T + "ALTER TABLE nope ADD COLUMN x INT;\n")
    add("ddl", "generated loop", _table("a INT GENERATED ALWAYS AS (b) STORED, b INT "
                                         "GENERATED ALWAYS AS (a) STORED"))  # fmt: skip
    # YAML
    for name, yaml in [
        ("broken yaml", "rows: [\n"),
        ("yaml list", "- 1\n- 2\n"),
        ("scale inf", "scale: .inf\n"),
        ("scale nan", "scale: .nan\n"),
        ("scale negative", "scale: -1\n"),
        ("rows negative", "rows: -5\n"),
        ("rows huge", "rows: 1e30\n"),
        ("rows text", "rows: abc\n"),
        ("null fraction 2", "null_fraction: 2\n"),
        ("null fraction nan", "null_fraction: .nan\n"),
        ("unknown key", "nosuchkey: 1\n"),
        ("unknown table", "tables:\n  nope: {rows: 3}\n"),
        ("unknown column", "tables:\n  t:\n    columns:\n      nope: {generator: uuid}\n"),
        ("unknown generator", "tables:\n  t:\n    columns:\n      n: {generator: nosuch}\n"),
        ("bad generator param", "tables:\n  t:\n    columns:\n      n: {generator: "
         "uniform_int, min: abc}\n"),
        ("generator outside check", None),
        ("seed text", "seed: x\n"),
        ("seed huge", "seed: 1180591620717411303424\n"),
        ("chunk rows 0", "chunk_rows: 0\n"),
        ("dialect unknown", "dialect: nosuchsql\n"),
        ("rows per table nan", "tables:\n  t: {rows: .nan}\n"),
        ("tab indented", "rows:\t5\n"),
    ]:  # fmt: skip
        if yaml is None:
            ddl = _table("q INT CHECK (q BETWEEN 1 AND 365)")
            yaml = "tables:\n  t:\n    columns:\n      q: {generator: uniform_int, "
            yaml += "min: 400, max: 500}\n"
            add("yaml", name, ddl, yaml)
        else:
            add("yaml", name, T, yaml)
    # impossible or refused constraints
    for name, columns in [
        ("check floor*2=7", "floor INT CHECK (floor * 2 = 7)"),
        ("check contradiction", "x INT CHECK (x > 10 AND x < 5)"),
        ("between reversed", "x INT CHECK (x BETWEEN 10 AND 1)"),
        ("check false", "x INT, CHECK (false)"),
        ("check 1=0", "x INT, CHECK (1 = 0)"),
        ("check missing column", "x INT CHECK (nope > 1)"),
        ("invalid regex", "c VARCHAR(10) CHECK (c ~ '[a-')"),
        ("invalid regex paren", "c VARCHAR(10) CHECK (c ~ '(ab')"),
        ("invalid similar", "c VARCHAR(10) CHECK (c SIMILAR TO '[ab')"),
        ("impossible date", "d DATE CHECK (d > '2021-02-30')"),
        ("length above type", "c VARCHAR(10) CHECK (length(c) > 100)"),
        ("ordering loop", "a INT, b INT, CHECK (a < b AND b < a)"),
        ("unique boolean", "f BOOLEAN UNIQUE"),
        ("unique enum", "e VARCHAR(1) CHECK (e IN ('a', 'b')) UNIQUE"),
        ("unique smallint rows", "s SMALLINT UNIQUE"),
        ("in list and equals", "x INT CHECK (x IN (1, 2) AND x = 3)"),
    ]:
        yaml = "rows: 70000\n" if name == "unique smallint rows" else None
        add("constraints", name, _table(columns), yaml)
    add("constraints", "not null fk into empty", T + _table("p INT NOT NULL REFERENCES t (id)",
        "u"), "tables:\n  t: {rows: 0}\n")  # fmt: skip
    # huge and odd types
    for name, column in [
        ("varchar 1e8 unique", "v VARCHAR(100000000) UNIQUE"),
        ("varchar 1e20", "v VARCHAR(99999999999999999999)"),
        ("numeric 1000,999", "v NUMERIC(1000, 999)"),
        ("numeric 3,7", "v NUMERIC(3, 7)"),
        ("numeric 38,-84", "v NUMBER(38, -84)"),
        ("decimal 65,30", "v DECIMAL(65, 30)"),
        ("char 0", "v CHAR(0)"),
        ("deep array", "v INT[][][][]"),
        ("bit 100000", "v BIT(100000)"),
        ("numeric key 2,0", "v NUMERIC(2, 0) UNIQUE"),
        ("money", "v MONEY CHECK (v > 0::money)"),
        ("interval check", "v INTERVAL CHECK (v > '1 day')"),
    ]:
        add("types", name, _table(column))
    # identifiers a database accepts
    for name, ident in [
        ("space", '"my table"'),
        ("slash", '"a/b"'),
        ("percent", '"50%"'),
        ("newline", '"new\nline"'),
        ("emoji", '"t\U0001f389"'),
        ("cyrillic", '"таблица"'),
        ("cjk", '"表格"'),
        ("quote", '"a""b"'),
        ("dot", '"a.b"'),
        ("reserved", '"select"'),
        ("long", '"' + "x" * 63 + '"'),
        ("leading digit", '"1st"'),
    ]:
        add("identifiers", f"table {name}", f"CREATE TABLE {ident} (id INT PRIMARY KEY, n INT);\n")
        add("identifiers", f"column {name}", f"CREATE TABLE t (id INT PRIMARY KEY, {ident} INT);\n")
    add("identifiers", "case twins", 'CREATE TABLE "A" (id INT PRIMARY KEY);\n'
        'CREATE TABLE "a" (id INT PRIMARY KEY);\n')  # fmt: skip
    # variables and URLs
    for name, env in [
        ("storage scheme unknown", {"DATAGEN_STORAGE_URL": "nosuch://bucket/x"}),
        ("storage with password", {"DATAGEN_STORAGE_URL": "sftp://me:hunter2@127.0.0.1:1/x"}),
        ("storage s3 no bucket", {"DATAGEN_STORAGE_URL": "s3://"}),
        ("storage malformed", {"DATAGEN_STORAGE_URL": "://::"}),
        ("rows negative", {"DATAGEN_ROWS": "-1"}),
        ("rows text", {"DATAGEN_ROWS": "abc"}),
        ("scale inf", {"DATAGEN_SCALE": "inf"}),
        ("scale nan", {"DATAGEN_SCALE": "nan"}),
        ("seed text", {"DATAGEN_SEED": "x"}),
        ("executor unknown", {"DATAGEN_EXECUTOR": "nosuch"}),
        ("schemas dir missing", {"DATAGEN_SCHEMAS_DIR": "/nonexistent/schemas"}),
    ]:
        add("variables", name, T, env=env)
    return out


@dataclass
class Outcome:
    case: Case
    kind: str
    detail: str


def _run(argv: list[str]) -> tuple[int, str]:
    from datagen_assets import cli

    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli.main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        except BaseException:  # noqa: BLE001 - what the probe is looking for
            import traceback

            buffer.write("Traceback (escaped cli.main)\n" + traceback.format_exc())
            code = 99
    return code, buffer.getvalue()


def run_case(case: Case, root: Path) -> Outcome:
    schemas, data = root / "schemas", root / "data"
    schemas.mkdir()
    for name, body in case.files.items():
        path = schemas / name
        path.write_bytes(body) if isinstance(body, bytes) else path.write_text(body)
    env = {
        "DATAGEN_SCHEMAS_DIR": str(schemas),
        "DATAGEN_STORAGE_URL": str(data),
        "DAGSTER_HOME": str(root / "home"),
        **({} if any(n.endswith(".yaml") for n in case.files) else {"DATAGEN_ROWS": "50"}),
        **case.env,
    }  # a case's own YAML decides its rows (DATAGEN_ROWS would override them)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        code, err = _run(["validate"])
        if code == 0:
            code, err = _run(["materialize"])  # every valid dataset
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    written = data.is_dir() and any(data.rglob("*.parquet"))
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    first = " ".join(lines[:2])[:200]
    if "Traceback" in err or "internal error" in err:
        return Outcome(case, "traceback", first)
    if code == 0:
        return Outcome(case, "accepted", "")
    if written:
        return Outcome(case, "failed after writing", first)
    return Outcome(case, "clear error", first)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m datagen_tests.hostile", description=__doc__)
    parser.add_argument("--only", help="run one family")
    parser.add_argument("--verbose", action="store_true", help="print every case")
    args = parser.parse_args(argv)
    os.environ.setdefault("DATAGEN_CACHE_DIR", tempfile.mkdtemp(prefix="datagen-hostile-cache-"))
    chosen = [c for c in cases() if args.only in (None, c.family)]
    outcomes = []
    for case in chosen:
        with tempfile.TemporaryDirectory(prefix="datagen-hostile-") as folder:
            outcome = run_case(case, Path(folder))
        outcomes.append(outcome)
        if args.verbose or outcome.kind in ("traceback", "failed after writing"):
            print(f"  {case.family}/{case.name}: {outcome.kind} {outcome.detail}", flush=True)
    counts = Counter(o.kind for o in outcomes)
    print(f"{len(outcomes)} hostile inputs: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    for family in dict.fromkeys(c.family for c in chosen):
        mine = Counter(o.kind for o in outcomes if o.case.family == family)
        print(f"  {family:12} " + ", ".join(f"{n} {k}" for k, n in sorted(mine.items())))
    return 1 if counts["traceback"] or counts["failed after writing"] else 0


if __name__ == "__main__":
    sys.exit(main())

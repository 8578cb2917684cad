"""Pre-flight: impossible requests are reported together, before anything is generated."""

from __future__ import annotations

import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.settings import Settings
from datagen_tests.conftest import REPO

IMPOSSIBLE = """
CREATE TYPE size AS ENUM ('s', 'm', 'l');
CREATE TABLE empty_parent (id INT PRIMARY KEY);
CREATE TABLE t (
    id INT PRIMARY KEY,
    tiny SMALLINT UNIQUE,
    flag BOOLEAN UNIQUE,
    size size UNIQUE,
    code CHAR(1) UNIQUE,
    odd SMALLINT CHECK (odd > 40000),
    band INT CHECK (band > 10 AND band < 5),
    pick INT CHECK (pick IN (1, 2) AND pick > 5),
    parent_id INT NOT NULL REFERENCES empty_parent (id)
);
"""


def _plan(tmp_path, ddl, config):
    (tmp_path / "x.sql").write_text(ddl)
    (tmp_path / "x.yaml").write_text(config)
    return plan_dataset(load_dataset(tmp_path / "x.sql", tmp_path / "x.yaml", Settings()))


def test_every_impossibility_is_reported(tmp_path):
    config = "tables:\n  t: {rows: 40000}\n  empty_parent: {rows: 0}\n"  # t's own count
    report = preflight(_plan(tmp_path, IMPOSSIBLE, config), sample_rows=0)
    text = "\n".join(str(p) for p in report.problems)
    assert not report.ok
    for fragment in (
        "t.flag",
        "only 2 distinct",
        "t.size",
        "only 3 distinct",
        "t.code",
        "t.tiny",
        "only 32,767",
        "t.odd",
        "more than SMALLINT",
        "t.band",
        "contradict",
        "t.pick",
        "IN list",
        "t.parent_id",
        "0 rows",
        "x.yaml",
    ):
        assert fragment in text, fragment
    with pytest.raises(Exception, match="problem"):
        report.raise_for_problems()


def test_a_default_count_is_capped_at_what_the_keys_hold(tmp_path):
    """The same table with a default count: capped at what it can hold (here 0 rows, by its
    NOT NULL foreign key into an empty table), noted; only the CHECKs stay impossible."""
    plan = _plan(tmp_path, IMPOSSIBLE, "rows: 40000\ntables:\n  empty_parent: {rows: 0}\n")
    assert plan.table("t").rows == 0
    assert any("0 rows" in n.message and "capped" in n.message for n in plan.table("t").notes)
    text = "\n".join(str(p) for p in preflight(plan, sample_rows=0).problems)
    assert "t.flag" not in text and "t.parent_id" not in text and "t.band" in text


def test_estimates_for_a_feasible_dataset():
    dataset = load_dataset(
        REPO / "schemas" / "shop.sql", REPO / "schemas" / "shop.yaml", Settings(scale=0.1)
    )
    report = preflight(plan_dataset(dataset))
    assert report.ok, report.problems
    items = report.estimates["order_items"]
    assert items.rows == 100_000
    assert 1_000_000 < items.bytes < 20_000_000
    assert items.seconds > 0


# A CHECK no generation rule or repair can satisfy, on the last table of an FK chain: the run
# used to write the four parents' Parquet and fail on the fifth.
CHAIN = """
CREATE TABLE a (id INT PRIMARY KEY);
CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a (id));
CREATE TABLE c (id INT PRIMARY KEY, b_id INT REFERENCES b (id));
CREATE TABLE d (id INT PRIMARY KEY, c_id INT REFERENCES c (id));
CREATE TABLE e (
    id INT PRIMARY KEY,
    d_id INT REFERENCES d (id),
    floor INT NOT NULL,
    CHECK (floor * 2 = 7)
);
"""


def test_an_unsatisfiable_check_stops_validate_plan_and_materialize(tmp_path, monkeypatch, capsys):
    from datagen_assets import cli
    from datagen_tests.conftest import make_project

    make_project(tmp_path, monkeypatch, CHAIN, "rows: 50\n")
    for argv in (["validate"], ["plan", "tiny"], ["materialize", "tiny"]):
        assert cli.main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "tiny.sql:10 e: CHECK floor * 2 = 7" in err, (argv, err)
        assert "Traceback" not in err
    assert not (tmp_path / "data").exists()  # nothing written


CLIPPED = """
CREATE TABLE items (
    id INT PRIMARY KEY,
    quantity INT NOT NULL,
    CONSTRAINT qty_range CHECK (quantity BETWEEN 1 AND 365)
);
"""


def test_a_configured_generator_a_check_would_clip_is_a_problem(tmp_path):
    config = (
        "rows: 4000\ntables:\n  items:\n    columns:\n"
        "      quantity: {generator: uniform_int, min: 400, max: 500}\n"
    )
    report = preflight(_plan(tmp_path, CLIPPED, config))
    (problem,) = report.problems
    assert problem.file.endswith("x.yaml") and (problem.table, problem.column) == (
        "items",
        "quantity",
    )
    assert "CHECK (quantity BETWEEN 1 AND 365) at " in problem.message
    assert "x.sql:5" in problem.message and "2,000 of 2,000" in problem.message
    inside = config.replace("400, max: 500", "40, max: 50")
    assert preflight(_plan(tmp_path, CLIPPED, inside)).ok


def test_checks_generation_does_not_hold_are_evaluated_over_the_sample(tmp_path):
    """A CHECK over unique key columns only is never repaired (other rows were made distinct
    from them): the sample shows the rows the database would reject."""
    ddl = "CREATE TABLE t (\n  id INT PRIMARY KEY,\n  CHECK (id % 2 = 0)\n);\n"
    report = preflight(_plan(tmp_path, ddl, "rows: 10\n"))
    (problem,) = report.problems
    assert (problem.file, problem.line) == (str(tmp_path / "x.sql"), 3)
    assert "fails on 5 of 10 sampled rows" in problem.message


def test_check_lines_are_found_by_name_text_or_columns(tmp_path):
    from datagen_assets.schema.source_lines import check_line

    ddl = (
        "CREATE TABLE t (\n"
        '  "Qty" INT CHECK ("Qty" > 0),\n'
        "  b INT,\n"
        "  CONSTRAINT b_small CHECK (b < 10)\n"
        ");\n"
        "CREATE TABLE u (q INT CHECK (q > 0));\n"
        "ALTER TABLE u ADD CHECK (q <> 5);\n"
    )
    plan = _plan(tmp_path, ddl, "rows: 5\n")
    path = tmp_path / "x.sql"
    lines = {
        (table, check.sql): check_line(path, table, check)
        for table in ("t", "u")
        for check in plan.table(table).table.checks
    }
    assert lines == {
        ("t", '"Qty" > 0'): 2,
        ("t", "b < 10"): 4,
        ("u", "q > 0"): 6,
        ("u", "q <> 5"): 7,
    }, lines


REFUSED = {  # what PostgreSQL refuses at CREATE TABLE; no engine evaluates it either
    "code ~ '[a-'": "invalid regular expression '[a-': unterminated character set",
    "code ~ '(ab'": "missing ), unterminated subpattern",
    "code !~ 'a{3,1}'": "min repeat greater than max",
    "code ~* '*abc'": "nothing to repeat",
    "code ~ '[z-a]'": "bad character range",
    "code SIMILAR TO '[ab'": "invalid SIMILAR TO pattern '[ab'",
    "regexp_replace(code, '(', '') = code": "invalid regular expression '('",
    "day BETWEEN '2020-02-30' AND '2021-01-01'": "'2020-02-30' is no date",
    "day > '2021-13-01'": "'2021-13-01' is no date",
    "nope > 1 AND code <> ''": "names nope, which t has no column of",
}


@pytest.mark.parametrize("check", list(REFUSED))
def test_a_check_the_database_refuses_is_a_problem_at_its_line(
    check, tmp_path, monkeypatch, capsys
):
    """`validate` once accepted these and the load failed on CREATE TABLE."""
    from datagen_assets import cli
    from datagen_tests.conftest import make_project

    ddl = "CREATE TABLE t (\n  id INT PRIMARY KEY,\n  code VARCHAR(10),\n  day DATE,\n"
    ddl += f"  CHECK ({check})\n);\n"
    make_project(tmp_path, monkeypatch, ddl, "rows: 50\n", name="refused")
    for argv in (["validate"], ["plan", "refused"]):
        assert cli.main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "refused.sql:5:3 t" in err and REFUSED[check] in err, err
        assert "the database refuses this CHECK" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "check",
    [
        r"code ~ '^\m[a-z]+\M$'",  # PostgreSQL's word boundaries
        r"code ~ '^[[:alpha:]]+$'",
        "code ~ '***=a.b'",  # a literal
        "code ~ '(?x) ^ [a-c] + $'",  # expanded syntax
        r"code ~ '^\y\d+\y$'",
        "day > 'epoch' AND day < 'infinity'",
        "day > '2020-02-29 23:59'",
        "day <= current_date AND code <> user",  # niladic functions, no columns
        r"code LIKE 'A\_%'",  # backslash escapes, as in PostgreSQL: codes start with A_
        r"code NOT LIKE '%\%%'",
    ],
)
def test_checks_postgresql_accepts_are_not_reported_and_load(check, tmp_path, fresh_database):
    """The real database is the judge: none is a problem, and the rows made load with the
    CHECK in force."""
    from datagen_assets.write.exports import EngineSource
    from datagen_assets.write.targets import load_dataset as load

    ddl = f"CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(10), day DATE, CHECK ({check}));"
    plan = _plan(tmp_path, ddl, "rows: 200\n")
    report = preflight(plan, sample_rows=200)
    assert report.ok, report.problems
    url = fresh_database("accepted_" + str(abs(hash(check)))[:8])
    assert load(plan, EngineSource(plan), url).rows == 200


@pytest.mark.parametrize(
    "check", ["a < b AND b < a", "a <= b AND b <= a", "a < b AND b < c AND c < a"]
)
def test_checks_ordering_columns_in_a_loop_are_a_problem_not_a_recursion(check, tmp_path):
    """Each column was made an offset of the other (and took its NULLs from it): a
    RecursionError while sampling. The loop is left to the sample, which reports it."""
    ddl = f"CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, c INT, CHECK ({check}));"
    report = preflight(_plan(tmp_path, ddl, "rows: 100\n"), sample_rows=100)
    assert [p.line for p in report.problems] == [1], report.problems
    assert "fails on" in report.problems[0].message


def test_generators_the_config_sets_in_a_loop_are_a_problem(tmp_path):
    ddl = "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT);"
    config = (
        "tables:\n  t:\n    columns:\n      a: {generator: offset, column: b}\n"
        "      b: {generator: offset, column: a}\n"
    )
    report = preflight(_plan(tmp_path, ddl, config), sample_rows=10)
    assert len(report.problems) == 1
    assert "depend on each other in a loop: a -> b -> a" in report.problems[0].message


def test_generated_columns_computed_from_each_other_are_a_problem(tmp_path):
    ddl = (
        "CREATE TABLE t (id INT PRIMARY KEY, a INT GENERATED ALWAYS AS (b) STORED,\n"
        "  b INT GENERATED ALWAYS AS (a) STORED, c INT GENERATED ALWAYS AS (c + 1) STORED);"
    )
    report = preflight(_plan(tmp_path, ddl, "rows: 10\n"), sample_rows=10)
    loops = sorted(p.message.split(":")[1].split("(")[0].strip() for p in report.problems)
    assert loops == ["a -> b -> a", "c -> c"], report.problems


def test_a_like_with_an_escape_holds_in_the_run_s_checks(tmp_path, monkeypatch, capsys):
    """DuckDB reads `LIKE 'A\\_%'` with a literal backslash; the asset check evaluates it as
    PostgreSQL does, so the codes made to start with `A_` pass."""
    from datagen_assets import cli
    from datagen_tests.conftest import make_project

    ddl = (
        "CREATE TABLE t (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL CHECK (code LIKE 'A\\_%'));"
    )
    make_project(tmp_path, monkeypatch, ddl, "rows: 40\n", name="like")
    assert cli.main(["materialize", "like"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "0 failed" in out, out


def test_the_sample_reaches_the_last_rows_of_a_large_table(tmp_path):
    """A CHECK only the table's last rows break (a key no repair may redraw) was missed by a
    sample of the first rows, and failed the run."""
    ddl = "CREATE TABLE t (\n  id INT PRIMARY KEY,\n  CHECK (id % 10000 <> 9999)\n);"
    plan = _plan(tmp_path, ddl, "rows: 10000\n")
    report = preflight(plan, sample_rows=100)
    assert [(p.line, p.message.split(" fails on ")[0]) for p in report.problems] == [
        (3, "CHECK (id % 10000 <> 9999)")
    ], report.problems
    assert report.estimates["t"].rows == 10000

"""The fuzzer over importer and planner (`datagen_tests/fuzz.py`) in CI: a fixed seed, a
bounded time, no crash and no hang; plus one small regression test per bug it found."""

from __future__ import annotations

import os

import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.schema.model import SchemaError
from datagen_assets.settings import Settings
from datagen_tests import fuzz
from datagen_tests.conftest import shared_schemas

CI_SEED = 20261207
CI_CASES = 400
CI_BUDGET_SECONDS = 40


def test_fuzzed_schemas_end_in_a_plan_or_problems_never_a_crash_or_hang():
    shared_schemas()
    assert len(fuzz.source_files()) >= 40 or not os.environ.get("CI")
    report = fuzz.fuzz(CI_SEED, CI_CASES, budget=CI_BUDGET_SECONDS, sample_rows=5)
    assert len(report.outcomes) >= 20  # the bound must still leave a real run
    assert report.counts["planned"] > 0 and report.counts["problems"] > 0
    details = [
        f"case {o.case.index} ({o.case.source.name} {o.case.mutations}): {o.detail}"
        for o in report.failures
    ]
    assert not details, "\n".join(details)


def test_cases_are_a_function_of_seed_and_index():
    shared_schemas()
    first = [(c.source, c.text) for c in fuzz.cases(7, 12)]
    again = [(c.source, c.text) for c in fuzz.cases(7, 12)]
    assert first == again
    assert len({source for source, _ in first}) == 12  # cycles through the files
    assert first != [(c.source, c.text) for c in fuzz.cases(8, 12)]


def _preflight(tmp_path, ddl: str):
    (tmp_path / "x.sql").write_text(ddl)
    plan = plan_dataset(load_dataset(tmp_path / "x.sql", None, Settings(rows=50)))
    return plan, preflight(plan, sample_rows=20)


def test_a_foreign_key_without_columns_is_a_problem(tmp_path):
    # IndexError in the importer: the problem named columns[0] of an empty list.
    with pytest.raises(SchemaError, match="FOREIGN KEY has 0 column"):
        _preflight(
            tmp_path,
            "CREATE TABLE p (id INT PRIMARY KEY);\n"
            "CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY () REFERENCES p (id));",
        )


def test_a_length_no_database_accepts_is_unbounded(tmp_path):
    # VARCHAR(99999999999999999999): "Python int too large to convert to C long".
    plan, report = _preflight(
        tmp_path, "CREATE TABLE t (id INT PRIMARY KEY, title VARCHAR(99999999999999999999));"
    )
    assert report.ok, report.problems
    assert plan.table("t").table.column("title").type.length is None


def test_values_that_cannot_take_the_declared_type_are_a_problem(tmp_path):
    # `genre_id INT TEXT` drew genre names for an INT: a polars cast traceback.
    (tmp_path / "x.sql").write_text("CREATE TABLE g (id INT PRIMARY KEY, n INT NOT NULL);")
    (tmp_path / "x.yaml").write_text(
        "tables:\n  g:\n    columns:\n      n: {generator: choice, values: [Blues, Pop]}\n"
    )
    plan = plan_dataset(load_dataset(tmp_path / "x.sql", tmp_path / "x.yaml", Settings()))
    with pytest.raises(SchemaError) as raised:
        generate(plan, "g", 0, 20)
    (problem,) = raised.value.problems
    assert (problem.table, problem.column) == ("g", "n")
    assert "do not fit type INT" in problem.message


def test_an_enum_without_values_is_a_problem_at_the_column(tmp_path):
    # ValueError "values must not be empty" from the meaning detector's Choice.
    _, report = _preflight(tmp_path, "CREATE TABLE t (id INT PRIMARY KEY, e ENUM() NOT NULL);")
    (problem,) = report.problems
    assert (problem.table, problem.column) == ("t", "e")
    assert "values must not be empty" in problem.message

"""UNIQUE string columns shorter than the values generators like to make, and dialects whose
default collations compare strings case-insensitively.

The engine cuts strings to the column's length, so a key's distinguishing part (the `-<code>`
after pooled Faker text, an email's number, a format's digits) must survive the cut by
construction; where the column cannot hold the rows at all, the pre-flight says so before
anything is generated. In MySQL and SQL Server a plain UNIQUE on a varchar is already
case-insensitive, so keys there must be distinct after lower() too.
"""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.settings import Settings


def _plan(tmp_path, ddl: str, config: str, rows: int, dialect: str = "postgres"):
    schema = tmp_path / f"short.{dialect}.sql"
    schema.write_text(ddl)
    yaml = tmp_path / "short.yaml"
    yaml.write_text(config)
    return plan_dataset(load_dataset(schema, yaml, settings=Settings(rows=rows)))


def _column(plan, table: str, column: str) -> pl.Series:
    return generate(plan, table, 0, plan.table(table).rows)[column]


def _folded(values: pl.Series) -> pl.Series:
    """What a case-insensitive, trailing-space-insensitive comparison sees (or finer)."""
    return values.str.strip_chars(" ").str.to_lowercase()


def _problems(plan) -> list[str]:
    return [str(p) for p in preflight(plan, sample_rows=0).problems]


def _assert_distinct(values: pl.Series, length: int, folded: bool) -> None:
    assert values.null_count() == 0
    assert values.str.len_chars().max() <= length
    assert values.n_unique() == len(values)
    if folded:
        assert _folded(values).n_unique() == len(values)


# -- the reported case ----------------------------------------------------------------------


def test_faker_override_on_varchar4_makes_20000_distinct_values(tmp_path):
    plan = _plan(
        tmp_path,
        "CREATE TABLE t (id serial PRIMARY KEY, c varchar(4) UNIQUE);",
        "tables: {t: {columns: {c: {generator: faker, provider: city}}}}\n",
        20_000,
    )
    assert _problems(plan) == []
    _assert_distinct(_column(plan, "t", "c"), 4, folded=True)


def test_faker_suffix_keeps_the_pooled_text_where_there_is_room(tmp_path):
    plan = _plan(
        tmp_path,
        "CREATE TABLE t (id serial PRIMARY KEY, c varchar(40) UNIQUE);",
        "tables: {t: {columns: {c: {generator: faker, provider: city}}}}\n",
        500,
    )
    values = _column(plan, "t", "c")
    assert values.str.contains(r"^[^-].*-[0-9A-Z]+$").all()
    assert values.n_unique() == 500


# -- every unique-capable string generator, at and beyond its capacity ---------------------

# (column type, config of the column or None for the default, capacity in that column)
CASES = [
    ("varchar(1)", "{generator: faker, provider: city}", 36),
    ("varchar(2)", "{generator: faker, provider: user_name}", 36**2),
    ("char(2)", "{generator: faker, provider: word}", 36**2),
    ("varchar(2)", "{generator: email}", 99),
    ("varchar(3)", "{generator: email, domains: [example.com]}", 999),
    ("varchar(3)", "{generator: format, template: '{:03d}'}", 1000),
    ("varchar(4)", "{generator: format, template: 'S{:03d}'}", 1000),
    ("varchar(2)", "{generator: sequence, start: 1}", 99),
    ("varchar(2)", "{generator: sequence, start: 10, step: 10}", 9),
    ("varchar(1)", None, 36),
    ("char(2)", None, 36**2),
]


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
@pytest.mark.parametrize(("column_type", "column_config", "capacity"), CASES)
def test_short_unique_columns_fill_to_capacity_and_no_further(
    tmp_path, dialect, column_type, column_config, capacity
):
    ddl = f"CREATE TABLE t (id serial PRIMARY KEY, c {column_type} NOT NULL UNIQUE);"
    config = f"tables: {{t: {{columns: {{c: {column_config}}}}}}}\n" if column_config else "{}\n"
    plan = _plan(tmp_path, ddl, config, capacity, dialect)
    assert _problems(plan) == []
    length = int(column_type.split("(")[1].rstrip(")"))
    _assert_distinct(_column(plan, "t", "c"), length, folded=dialect == "mysql")

    over = _plan(tmp_path, ddl, config, capacity + 1, dialect)
    if column_config is None:  # the default generator, a default count: capped, with a note
        assert over.table("t").rows == capacity and _problems(over) == []
        assert any(f"capped from {capacity + 1:,}" in n.message for n in over.table("t").notes)
        return
    problems = _problems(over)
    assert problems and all("short.yaml t.c:" in p or "t.c:" in p for p in problems)
    assert any(f"{capacity:,}" in p or "cut" in p for p in problems), problems


@pytest.mark.parametrize(
    ("column_config", "message"),
    [
        ("{generator: format, template: 'SKU-{:08d}'}", "longer than the column's 6"),
        ("{generator: uuid}", "longer than the column's 6"),
        ("{generator: pattern, regex: '[A-Z]{8}'}", "longer than the column's 6"),
    ],
)
def test_keys_that_would_be_cut_are_preflight_problems(tmp_path, column_config, message):
    plan = _plan(
        tmp_path,
        "CREATE TABLE t (id serial PRIMARY KEY, c varchar(6) UNIQUE);",
        f"tables: {{t: {{columns: {{c: {column_config}}}}}}}\n",
        10,
    )
    problems = _problems(plan)
    assert len(problems) == 1 and "t.c:" in problems[0] and message in problems[0]


SEMANTIC = """
CREATE TABLE users (
    id int PRIMARY KEY,
    first_name varchar(30) NOT NULL,
    last_name varchar(30) NOT NULL,
    username varchar(6) NOT NULL UNIQUE,
    email varchar(12) NOT NULL UNIQUE,
    code char(3) NOT NULL UNIQUE,
    city varchar(3) UNIQUE
);
"""


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.sampled_from([1, 37, 1295, 1296, 1297, 20_000]),
    dialect=st.sampled_from(["postgres", "mysql", "tsql"]),
)
def test_semantic_defaults_on_short_unique_columns_stay_distinct(tmp_path, rows, dialect):
    plan = _plan(tmp_path, SEMANTIC, "{}\n", rows, dialect)
    assert _problems(plan) == []
    frame = generate(plan, "users", 0, rows)
    for name, length in (("username", 6), ("email", 12), ("code", 3), ("city", 3)):
        _assert_distinct(frame[name], length, folded=True)
    assert frame["email"].str.contains("@").all()  # still an email where it fits


def test_chunks_equal_the_whole_column(tmp_path):
    plan = _plan(
        tmp_path,
        "CREATE TABLE t (id serial PRIMARY KEY, c varchar(3) UNIQUE, e varchar(9) UNIQUE);",
        "tables: {t: {columns: {c: {generator: faker, provider: city}, e: {generator: email}}}}\n",
        3000,
    )
    whole = generate(plan, "t", 0, 3000)
    parts = pl.concat([generate(plan, "t", start, start + 700) for start in range(0, 3000, 700)])
    assert whole.equals(parts)


# -- case-insensitive dialects --------------------------------------------------------------

CODES = "CREATE TABLE t (id int PRIMARY KEY, code varchar(2) UNIQUE);"
PATTERN = "tables: {t: {columns: {code: {generator: pattern, regex: '[A-Za-z]{2}'}}}}\n"


@pytest.mark.parametrize("dialect", ["mysql", "tsql"])
def test_plain_unique_is_case_insensitive_in_mysql_and_sql_server(tmp_path, dialect):
    plan = _plan(tmp_path, CODES, PATTERN, 600, dialect)
    assert [g.folded for g in plan.table("t").keys.groups] == [False, True]
    assert _problems(plan) == []
    values = _column(plan, "t", "code")
    assert values.n_unique() == 600
    assert values.str.to_lowercase().n_unique() == 600
    assert values.str.contains("[a-z]").any() and values.str.contains("[A-Z]").any()
    problems = _problems(_plan(tmp_path, CODES, PATTERN, 677, dialect))
    assert any("case-insensitively can hold only 676" in p for p in problems), problems


def test_plain_unique_stays_case_sensitive_in_postgres(tmp_path):
    plan = _plan(tmp_path, CODES, PATTERN, 2704)
    assert not any(g.folded for g in plan.table("t").keys.groups)
    assert _problems(plan) == []
    values = _column(plan, "t", "code")
    assert values.n_unique() == 2704
    assert values.str.to_lowercase().n_unique() == 676
    problems = _problems(_plan(tmp_path, CODES, PATTERN, 2705))
    assert any("can hold only 2,704" in p for p in problems), problems


def test_mariadb_config_dialect_folds_too(tmp_path):
    schema = tmp_path / "codes.sql"
    schema.write_text(CODES)
    config = tmp_path / "codes.yaml"
    config.write_text("dialect: mariadb\n" + PATTERN)
    plan = plan_dataset(load_dataset(schema, config, settings=Settings(rows=600)))
    assert plan.dataset.schema.dialect == "mysql"
    assert plan.table("t").keys.groups[1].folded


def test_mysql_enum_domain_counts_case_insensitively(tmp_path):
    ddl = "CREATE TABLE t (id int PRIMARY KEY, e enum('a', 'A', 'b') UNIQUE);"
    assert _problems(_plan(tmp_path, ddl, "{}\n", 3)) == []
    plan = _plan(tmp_path, ddl, "{}\n", 3)
    assert _column(plan, "t", "e").sort().to_list() == ["A", "a", "b"]  # each label once
    capped = _plan(tmp_path, ddl, "{}\n", 3, "mysql")  # a default count: capped at 2
    assert capped.table("t").rows == 2 and _problems(capped) == []
    assert _folded(_column(capped, "t", "e")).n_unique() == 2
    asked = _plan(tmp_path, ddl, "tables: {t: {rows: 3}}\n", 3, "mysql")
    problems = _problems(asked)
    assert any("can hold only 2 distinct values" in p for p in problems), problems

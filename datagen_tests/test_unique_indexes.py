"""Unique indexes beyond plain columns: partial ones (`WHERE deleted_at IS NULL`) and ones on
`lower()`/`upper()`/`trim()` of columns, from import to a load into the real PostgreSQL.

A partial index is generated unique over all rows (stronger, so it holds whatever the
predicate selects); a case-insensitive one gets values distinct after case folding by
construction: generators over a finite set (`pattern`, `choice`) enumerate its case-folded
classes, and the pre-flight says when there are fewer of them than rows.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import psycopg
import pytest

from datagen_assets.check.constraints import TableFiles, run_checks, table_constraints
from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.generate.regex import generate_unique, unique_space
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.schema.ddl import parse_ddl
from datagen_assets.schema.introspect import snapshot_postgres
from datagen_assets.settings import Settings
from datagen_assets.write.exports import pg_ddl
from datagen_assets.write.postgres import copy_frame
from datagen_tests.test_introspect import catalog_counts, model_counts
from datagen_tests.test_postgres_load import _apply_ddl, _load

ROWS = 5000

SCHEMA = """
CREATE TABLE tenants (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE users (
    id serial PRIMARY KEY,
    tenant_id int NOT NULL REFERENCES tenants (id),
    email varchar(120) NOT NULL,
    username varchar(60) NOT NULL,
    deleted_at timestamp,
    bio text
);
CREATE UNIQUE INDEX u1 ON users (lower(email));
CREATE UNIQUE INDEX u2 ON users (lower(username)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX u4 ON users (md5(email));
CREATE TABLE tags (
    id serial PRIMARY KEY,
    tenant_id int NOT NULL REFERENCES tenants (id),
    code varchar(8) NOT NULL,
    label text
);
CREATE UNIQUE INDEX u3 ON tags (tenant_id, upper(code));
CREATE TABLE codes (id serial PRIMARY KEY, code char(2) NOT NULL, note text);
CREATE UNIQUE INDEX codes_ci ON codes (lower(code));
CREATE TABLE flavours (id serial PRIMARY KEY, name varchar(10) NOT NULL, note text);
CREATE UNIQUE INDEX flavours_name ON flavours (LOWER(TRIM(name))) WHERE note IS NOT NULL;
"""

# Case variants everywhere: `[A-Za-z]{2}` spells 2,704 strings but only 676 case-insensitively,
# and the flavours are 4 case-insensitively distinct values spelled 10 ways.
CONFIG = """
tables:
  tenants: {rows: 10}
  tags:
    rows: 5000
    columns:
      code: {generator: pattern, regex: "[A-Za-z]{2}"}
  codes:
    rows: %(codes)d
    columns:
      code: {generator: pattern, regex: "[A-Za-z]{2}"}
  flavours:
    rows: %(flavours)d
    columns:
      name: {generator: choice, values: [mint, MINT, Mint, " mint", lime, LIME, sage, Sage,
                                         plum, " PLUM "]}
"""


def _dataset(tmp_path, codes=650, flavours=4, edge_case_pct=0.0, schema_text=SCHEMA):
    schema = tmp_path / "ci.postgres.sql"
    schema.write_text(schema_text)
    config = tmp_path / "ci.yaml"
    config.write_text(
        CONFIG % {"codes": codes, "flavours": flavours} + f"edge_case_pct: {edge_case_pct}\n"
    )
    return schema, config


def _plan(tmp_path, **options):
    schema, config = _dataset(tmp_path, **options)
    return plan_dataset(load_dataset(schema, config, settings=Settings(rows=ROWS)))


def _folded(values: pl.Series) -> pl.Series:
    return values.str.strip_chars(" ").str.to_lowercase()


# -- import ---------------------------------------------------------------------------------


def test_partial_and_case_insensitive_indexes_are_modelled():
    schema = parse_ddl(SCHEMA, "postgres")
    users, tags = schema.table("users"), schema.table("tags")
    assert users.uniques == () and tags.uniques == ()
    assert [(ix.name, ix.columns, ix.folded, ix.where) for ix in users.unique_indexes] == [
        ("u1", ("email",), ("email",), None),
        ("u2", ("username",), ("username",), '"deleted_at" IS NULL'),
    ]
    [u3] = tags.unique_indexes
    assert (u3.columns, u3.folded, u3.parts) == (
        ("tenant_id", "code"),
        ("code",),
        ('"tenant_id"', 'UPPER("code")'),
    )
    assert u3.label() == "tenant_id, UPPER(code)"
    notes = [note.message for note in schema.notes]
    assert any("u4" in note and "skipped" in note for note in notes)  # md5(): undecidable
    assert any("u2" in note and "over all rows" in note for note in notes)  # strengthened


@pytest.mark.parametrize(
    ("dialect", "ddl", "expected"),
    [
        (
            "mysql",
            "CREATE TABLE t (id int PRIMARY KEY, Name varchar(20));\n"
            "CREATE UNIQUE INDEX t_n ON t ((lower(name)));",
            (("Name",), ("Name",), None),
        ),
        (
            "mysql",
            "CREATE TABLE t (id int PRIMARY KEY, a int, e varchar(20));\n"
            "CREATE UNIQUE INDEX t_ae ON t (a, (LOWER(e)));",
            (("a", "e"), ("e",), None),
        ),
        (
            "tsql",
            "CREATE TABLE t (id int PRIMARY KEY, e varchar(20), gone bit);\n"
            "CREATE UNIQUE NONCLUSTERED INDEX t_e ON t (e) WHERE gone = 0;",
            (("e",), (), '"gone" = 0'),
        ),
        (
            "sqlite",
            "CREATE TABLE t (id integer PRIMARY KEY, e text, gone int);\n"
            "CREATE UNIQUE INDEX t_e ON t (lower(e)) WHERE gone = 0;",
            (("e",), ("e",), '"gone" = 0'),
        ),
        (
            "oracle",
            "CREATE TABLE t (id number PRIMARY KEY, e varchar2(20));\n"
            "CREATE UNIQUE INDEX t_e ON t (UPPER(e));",
            (("e",), ("e",), None),
        ),
        (
            "postgres",
            "CREATE TABLE t (id int PRIMARY KEY, e varchar(20));\n"
            "CREATE UNIQUE INDEX t_e ON t USING btree (lower((e)::text) text_pattern_ops);",
            (("e",), ("e",), None),
        ),
    ],
    ids=["mysql", "mysql-mixed", "tsql", "sqlite", "oracle", "postgres-cast"],
)
def test_index_forms_of_every_dialect(dialect, ddl, expected):
    [index] = parse_ddl(ddl, dialect).table("t").unique_indexes
    assert (index.columns, index.folded, index.where) == expected


@pytest.mark.parametrize(
    "part", ["lower(e::varchar(3))", "substr(e, 1, 2)", "(id + 1)", "trim(e, 'x')"]
)
def test_other_expressions_stay_skipped(part):
    schema = parse_ddl(
        f"CREATE TABLE t (id int PRIMARY KEY, e text);\nCREATE UNIQUE INDEX t_x ON t ({part});"
    )
    assert schema.table("t").unique_indexes == () and schema.table("t").uniques == ()
    assert any("skipped" in note.message and "t_x" in note.message for note in schema.notes)


# -- construction ---------------------------------------------------------------------------


def test_fixed_length_patterns_enumerate_case_folded_classes():
    assert unique_space("[A-Za-z]{2}", folded=False) == (2, 2704)
    assert unique_space("[A-Za-z]{2}", folded=True) == (2, 676)
    assert unique_space("[a-z ]{3}", folded=True) == (3, 26**3)  # no varying white space
    values = generate_unique("[A-Za-z]{2}", 7, np.arange(676), folded=True)
    assert _folded(values).n_unique() == 676
    assert (values != values.str.to_lowercase()).any()  # case varies, freely
    plain = generate_unique("[A-Za-z]{2}", 7, np.arange(2704), folded=False)
    assert plain.n_unique() == 2704 and _folded(plain).n_unique() == 676
    # a repeat of varying length is used at one length within its bounds
    assert unique_space("[a-z]{1,3}", folded=True) == (3, 26**3)
    assert unique_space("[a-z0-9-]+", folded=False) == (8, 37**8)
    assert unique_space("x[0-9]{12,}", folded=False)[0] == 13
    # alternatives of different lengths: the first of the most common length is used alone
    assert unique_space("(ab|c)[0-9]", folded=True) == (3, 10)
    assert unique_space("(ab|AB|cd)[0-9]", folded=True) == (3, 20)  # ab, AB fold together


def test_values_are_distinct_after_case_folding(tmp_path):
    """The test that fails if case-insensitivity is ignored: 650 codes from `[A-Za-z]{2}` are
    distinct case-sensitively either way, but only by construction after lower()."""
    plan = _plan(tmp_path)
    assert [g.carrier for g in plan.table("tags").keys.groups if g.folded] == ["code"]
    codes = generate(plan, "codes", 0, 650)
    assert _folded(codes["code"]).n_unique() == 650
    assert (codes["code"] != codes["code"].str.to_lowercase()).any()
    flavours = generate(plan, "flavours", 0, 4)["name"]
    assert sorted(_folded(flavours)) == ["lime", "mint", "plum", "sage"]
    tags = generate(plan, "tags", 0, ROWS)
    assert tags.select("tenant_id", _folded(tags["code"])).is_unique().all()
    users = generate(plan, "users", 0, ROWS)
    for column in ("email", "username"):
        assert _folded(users[column]).n_unique() == ROWS, column


def test_preflight_counts_the_case_insensitive_domain(tmp_path):
    report = preflight(_plan(tmp_path, codes=677, flavours=5), sample_rows=0)
    text = "\n".join(str(problem) for problem in report.problems)
    assert "codes.code" in text and "676 distinct" in text and "case-insensitively" in text
    assert "flavours.name" in text and " 4 distinct values" in text  # 10 spellings, 4 values
    assert len(report.problems) == 2
    assert preflight(_plan(tmp_path), sample_rows=0).ok
    # case-sensitive, the same pattern holds 2,704 values and the choice 10
    sensitive = SCHEMA.replace("(lower(code))", "(code)").replace("LOWER(TRIM(name))", "name")
    schema, config = _dataset(tmp_path, codes=677, flavours=10, schema_text=sensitive)
    plan = plan_dataset(load_dataset(schema, config, settings=Settings(rows=ROWS)))
    assert preflight(plan, sample_rows=0).ok


def test_enum_domains_are_counted_case_insensitively(tmp_path):
    ddl = """
    CREATE TYPE size AS ENUM ('s', 'S', 'm');
    CREATE TABLE shirts (fit size NOT NULL);
    CREATE UNIQUE INDEX shirts_fit ON shirts (lower(fit::text));
    """
    path = tmp_path / "shirts.postgres.sql"
    path.write_text(ddl)
    plan = plan_dataset(load_dataset(path, settings=Settings(rows=3)))
    assert plan.table("shirts").rows == 2 and preflight(plan, 0).ok  # a default: capped
    fits = generate(plan, "shirts", 0, 2)["fit"]
    assert fits.str.to_lowercase().n_unique() == 2
    (tmp_path / "shirts.yaml").write_text("tables: {shirts: {rows: 3}}\n")
    asked = plan_dataset(load_dataset(path, tmp_path / "shirts.yaml", Settings()))
    report = preflight(asked, 0)
    assert any("only 2 distinct values" in str(problem) for problem in report.problems)


# -- the real database ----------------------------------------------------------------------


@pytest.mark.parametrize("edge_case_pct", [0, 30])
def test_loads_into_postgres_with_every_index(tmp_path, fresh_database, edge_case_pct):
    schema, config = _dataset(tmp_path, edge_case_pct=edge_case_pct)
    url = fresh_database(f"ci_indexes_{edge_case_pct}")
    _apply_ddl(url, schema)
    loaded = _load(url, schema, rows=ROWS, config_path=config)
    assert loaded == {"tenants": 10, "users": ROWS, "tags": ROWS, "codes": 650, "flavours": 4}
    with psycopg.connect(url) as connection:
        indexes = connection.execute(
            "SELECT count(*) FROM pg_index WHERE indisunique AND indexprs IS NOT NULL"
        ).fetchone()[0]
    assert indexes == 6  # u1..u4, codes_ci, flavours_name: all enforced while loading


def test_snapshot_of_the_indexes_imports_the_same(tmp_path, fresh_database):
    url = fresh_database("ci_snapshot")
    schema, _ = _dataset(tmp_path)
    _apply_ddl(url, schema)
    from_file = parse_ddl(SCHEMA, "postgres")
    from_snapshot = parse_ddl(snapshot_postgres(url), "postgres")

    def indexes(model):
        return {
            key: [(ix.columns, ix.folded, ix.where is None) for ix in table.unique_indexes]
            for key, table in model.tables.items()
        }

    assert indexes(from_snapshot) == indexes(from_file)
    counts = model_counts(from_file)
    assert counts.unique_indexes == 5  # md5(email) is not modelled, nor counted
    assert model_counts(from_snapshot) == counts == catalog_counts(url)


def test_dump_ddl_recreates_the_indexes(tmp_path, fresh_database):
    """The PostgreSQL DDL of exports (dump, new target tables) carries the indexes: data
    loaded first, constraints after, every index built over the generated rows."""
    plan = _plan(tmp_path)
    tables = [table_plan.table for table_plan in plan.tables.values()]
    statements = pg_ddl.constraint_statements(tables)
    assert 'CREATE UNIQUE INDEX ON "tags" ("tenant_id", UPPER("code"));' in statements
    url = fresh_database("ci_dump")
    with psycopg.connect(url) as connection:
        for statement in pg_ddl.create_statements(tables, "postgres"):
            connection.execute(statement)
        for key, table_plan in plan.tables.items():
            copy_frame(connection, table_plan.table, generate(plan, key, 0, table_plan.rows))
        for statement in statements:
            connection.execute(statement)
        partial = connection.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indpred IS NOT NULL "
            "AND indrelid = 'users'::regclass"
        ).fetchone()[0]
    assert "lower((username)::text)" in partial and "WHERE (deleted_at IS NULL)" in partial


def test_asset_checks_compare_what_the_index_compares(tmp_path):
    table = parse_ddl(SCHEMA, "postgres").table("codes")
    checks = {c.name: c for c in table_constraints(table)}
    assert checks["unique_index_codes_ci"].expressions == ('LOWER("code")',)
    path = tmp_path / "00000.parquet"
    frame = pl.DataFrame({"id": [1, 2, 3], "code": ["ab", "AB", "cd"], "note": ["x"] * 3})
    frame.write_parquet(path)
    files = TableFiles("codes", {"00000": str(path)})
    results = {r.name: r for r in run_checks(table, files, {"00000": 3}, {})}
    assert not results["unique_index_codes_ci"].passed  # 'ab' and 'AB' meet in the index
    assert "LOWER(code)" in results["unique_index_codes_ci"].description
    assert results["primary_key"].passed


def test_dagster_column_schema_names_the_indexes():
    from datagen_assets.orchestrate.translator import column_schema, constraint_texts

    users = parse_ddl(SCHEMA, "postgres").table("users")
    assert "UNIQUE INDEX (LOWER(email))" in constraint_texts(users)
    email = next(c for c in column_schema(users).columns if c.name == "email")
    assert "in UNIQUE INDEX (LOWER(email))" in email.constraints.other

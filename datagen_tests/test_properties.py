"""Property tests: for random schemas, generated frames satisfy every declared constraint.

Hypothesis draws schemas (column types and lengths, single and composite primary keys, UNIQUE
constraints, foreign keys to earlier tables including composite ones and self references,
nullability, simple CHECKs), writes them as PostgreSQL DDL, and the test checks the frames the
engine makes for them: keys unique and not null, foreign keys found in their parents, NOT NULL
held, strings within their length, CHECK ranges kept, and chunks equal to whole-table rows.
"""

from __future__ import annotations

import duckdb
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import Engine
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.plan.preflight import preflight
from datagen_assets.settings import Settings

TYPES = [
    "smallint",
    "integer",
    "bigint",
    "numeric(6,2)",
    "real",
    "text",
    "varchar(5)",
    "varchar(30)",
    "char(4)",
    "boolean",
    "date",
    "timestamp",
    "timestamptz",
    "uuid",
    "jsonb",
    "bytea",
    "interval",
    "time",
    "inet",
]
KEY_TYPES = ["integer", "bigint", "varchar(12)", "char(6)", "uuid", "date", "text"]
INSTANTS = ("date", "timestamp", "timestamptz")
NUMBER_CHECKS = [
    "{c} BETWEEN 10 AND 20",
    "{c} > 0",
    "({c} < 5 OR {c} >= 100)",
    "{c} IN (3, 5, 8)",
    "{c} = 7",
]
INSTANT_CHECKS = [
    "{c} >= '2024-01-01' AND {c} < '2024-03-01'",
    "{c} < '2001-01-01' OR {c} >= '2030-01-01'",
]


@st.composite
def schemas(draw):
    tables = []
    for t in range(draw(st.integers(1, 4))):
        name = f"t{t}"
        columns, constraints = [], []
        pk_size = draw(st.integers(1, 2))
        pk = [f"k{i}" for i in range(pk_size)]
        for column in pk:
            columns.append((column, draw(st.sampled_from(KEY_TYPES)), True))
        for c in range(draw(st.integers(0, 5))):
            columns.append((f"c{c}", draw(st.sampled_from(TYPES)), draw(st.booleans())))
        # foreign keys to an earlier table (or itself), whole key, own new columns
        for target in draw(st.lists(st.integers(0, t), max_size=2, unique=True)):
            parent = tables[target] if target < t else None
            parent_pk = parent["pk"] if parent else [(c, ty) for c, ty, _ in columns[:pk_size]]
            nullable = draw(st.booleans()) or target == t
            names = []
            for column, column_type in parent_pk:
                names.append(f"fk{target}_{column}")
                columns.append((names[-1], column_type, not nullable))
            constraints.append(
                f"FOREIGN KEY ({', '.join(names)}) REFERENCES t{target} "
                f"({', '.join(c for c, _ in parent_pk)})"
            )
        plain = [c for c, ty, _ in columns if c.startswith("c")]
        if plain and draw(st.booleans()):
            unique = draw(st.sampled_from(plain))
            unique_type = next(ty for c, ty, _ in columns if c == unique)
            if unique_type != "boolean":  # jsonb: pre-flight must refuse it
                constraints.append(f"UNIQUE ({unique})")
        numeric = [
            c
            for c, ty, _ in columns
            if c.startswith("c") and ty in ("smallint", "integer", "bigint")
        ]
        instants = [c for c, ty, _ in columns if c.startswith("c") and ty in INSTANTS]
        if numeric and draw(st.booleans()):
            shape = draw(st.sampled_from(NUMBER_CHECKS))
            constraints.append(f"CHECK ({shape.format(c=numeric[0])})")
        if len(numeric) > 1 and draw(st.booleans()):
            constraints.append(f"CHECK ({numeric[1]} = {numeric[0]} * 2 + 1)")
        if instants and draw(st.booleans()):
            shape = draw(st.sampled_from(INSTANT_CHECKS))
            constraints.append(f"CHECK ({shape.format(c=instants[0])})")
        constraints.insert(0, f"PRIMARY KEY ({', '.join(pk)})")
        body = [f"{c} {ty}{' NOT NULL' if not_null else ''}" for c, ty, not_null in columns]
        tables.append(
            {
                "name": name,
                "pk": [(c, ty) for c, ty, _ in columns[:pk_size]],
                "ddl": f"CREATE TABLE {name} ({', '.join(body + constraints)});",
            }
        )
    return "\n".join(t["ddl"] for t in tables)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ddl=schemas(), rows=st.integers(1, 300), seed=st.integers(0, 2**31))
def test_generated_frames_satisfy_their_constraints(tmp_path_factory, ddl, rows, seed):
    folder = tmp_path_factory.mktemp("prop")
    (folder / "p.sql").write_text(ddl)
    (folder / "p.yaml").write_text(f"rows: {rows}\nseed: {seed}\nnull_fraction: 0.3\n")
    plan = plan_dataset(load_dataset(folder / "p.sql", folder / "p.yaml", Settings()))
    report = preflight(plan, sample_rows=50)  # the sample also tries every CHECK repair
    if not report.ok:  # a UNIQUE narrowed by a CHECK, or a CHECK tying a key to a column
        assert all(
            "can hold only" in p.message
            or "by construction" in p.message
            or "distinct" in p.message
            or "redraws" in p.message
            for p in report.problems
        ), report.problems
        return
    engine = Engine(plan)
    frames = {key: engine.generate(key, 0, tp.rows) for key, tp in plan.tables.items()}
    for key, table_plan in plan.tables.items():
        table, frame = table_plan.table, frames[key]
        assert frame.height == table_plan.rows
        pk = list(table.primary_key)
        assert frame.select(pk).is_unique().all(), (key, ddl)
        assert frame.select(pk).null_count().sum_horizontal().item() == 0
        for unique in table.uniques:
            present = frame.select(list(unique)).drop_nulls()
            assert present.is_unique().all(), (key, unique, ddl)
        for column in table.columns:
            values = frame[column.name]
            if not column.nullable:
                assert values.null_count() == 0, (key, column.name, ddl)
            if column.type.length and values.dtype == pl.String:
                assert (values.drop_nulls().str.len_chars() <= column.type.length).all()
        for fk in table.foreign_keys:
            child = frame.select(list(fk.columns)).drop_nulls()
            parent = frames[fk.ref_table].select(list(fk.ref_columns))
            parent.columns = list(fk.columns)
            assert child.join(parent, on=list(fk.columns), how="anti").height == 0, (key, ddl)
        for check in table.checks:  # as the database reads them: DuckDB over the frame
            if any(check.sql in n.message and "may violate" in n.message for n in engine.notes):
                continue  # a CHECK over key columns the engine cannot translate: said so
            failing = duckdb.sql(f"SELECT count(*) FROM frame WHERE NOT ({check.sql})").fetchall()
            assert failing == [(0,)], (key, check.sql, ddl)
        if table_plan.rows > 7:
            assert engine.generate(key, 3, 7).equals(frame.slice(3, 4))

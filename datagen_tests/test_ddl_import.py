"""Tests for the DDL importer: the shared real-world schemas, then small inline snippets.

The expected counts for the shared schemas were counted by hand from the SQL and, for the
PostgreSQL files, checked against a real PostgreSQL 15 (pg_constraint / pg_attribute after
applying each file to a throwaway database); chinook.sqlite.sql was checked with sqlite3.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlglot.expressions as exp

from datagen_assets.schema.ddl import dialect_from_path, load_ddl, parse_ddl, split_statements
from datagen_assets.schema.model import Schema, SchemaError, TypeKind

SHARED_SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"


@dataclass(frozen=True)
class Expected:
    tables: int
    columns: int
    primary_keys: int  # tables that have a primary key
    foreign_keys: int
    uniques: int
    checks: int


# fmt: off
EXPECTED: dict[str, Expected] = {
    #                                      tables  columns  PKs  FKs  UNIQUEs  CHECKs
    "airlines_demo.postgres.sql": Expected(     8,      37,   8,   8,       3,      7),
    "chinook.postgres.sql":       Expected(    11,      64,  11,  11,       0,      0),
    "chinook.sqlite.sql":         Expected(    11,      64,  11,  11,       0,      0),
    "chinook.tsql.sql":           Expected(    11,      64,  11,  11,       0,      0),
    "employees.mysql.sql":        Expected(     6,      24,   6,   6,       1,      0),
    "guacamole.postgres.sql":     Expected(    23,     104,  23,  30,       6,      0),
    "hr.oracle.sql":              Expected(     7,      35,   7,  10,       1,      2),
    "northwind.postgres.sql":     Expected(    14,      92,  14,  13,       0,      0),
    "quartz.postgres.sql":        Expected(    11,      79,  11,   5,       0,      0),
    "tpch.postgres.sql":          Expected(     8,      61,   8,   8,       0,      0),
}
# fmt: on


def shared_schemas() -> Path:
    """The shared schemas folder; skip when it is absent, except in CI where it must exist."""
    if not SHARED_SCHEMAS.is_dir():
        reason = f"shared reference schemas not found at {SHARED_SCHEMAS}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (they must be present in CI)")
        pytest.skip(reason)
    return SHARED_SCHEMAS


def shared_schema(name: str) -> Path:
    return shared_schemas() / name


def counts(schema: Schema) -> Expected:
    tables = list(schema.tables.values())
    return Expected(
        tables=len(tables),
        columns=sum(len(t.columns) for t in tables),
        primary_keys=sum(1 for t in tables if t.primary_key),
        foreign_keys=sum(len(t.foreign_keys) for t in tables),
        uniques=sum(len(t.uniques) for t in tables),
        checks=sum(len(t.checks) for t in tables),
    )


def problems_of(sql: str, dialect: str = "postgres") -> SchemaError:
    with pytest.raises(SchemaError) as caught:
        parse_ddl(sql, dialect, source="bad.sql")
    return caught.value


# ---------------------------------------------------------------------------------------------
# Shared schemas.
# ---------------------------------------------------------------------------------------------


def test_every_shared_schema_has_expected_counts() -> None:
    on_disk = {path.name for path in shared_schemas().glob("*.sql")}
    assert on_disk == set(EXPECTED), "count every shared schema file in EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_schema_counts(name: str) -> None:
    path = shared_schema(name)
    started = time.perf_counter()
    schema = load_ddl(path)
    elapsed = time.perf_counter() - started
    assert counts(schema) == EXPECTED[name]
    assert schema.dialect == dialect_from_path(path)
    assert elapsed < 1.0, f"importing {name} took {elapsed:.2f}s"
    assert all(note.file == str(path) and note.line for note in schema.notes)


def test_chinook_self_reference_and_composite_key() -> None:
    schema = load_ddl(shared_schema("chinook.postgres.sql"))
    employee = schema.table("employee")
    (fk,) = employee.foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns) == (
        ("reports_to",),
        "employee",
        ("employee_id",),
    )
    assert schema.table("playlist_track").primary_key == ("playlist_id", "track_id")
    assert schema.table("album").column("title").type.length == 160
    assert schema.table("album").column("title").type.sql == "VARCHAR(160)"


def test_chinook_tsql_keeps_schema_and_case() -> None:
    schema = load_ddl(shared_schema("chinook.tsql.sql"))
    album = schema.table("dbo.Album")
    assert (album.schema, album.name, album.primary_key) == ("dbo", "Album", ("AlbumId",))
    fk = album.foreign_keys[0]
    assert (fk.ref_table, fk.ref_columns) == ("dbo.Artist", ("ArtistId",))
    title = album.column("Title")
    assert (title.type.kind, title.type.length, title.nullable) == (TypeKind.VARCHAR, 160, False)
    assert schema.table("dbo.Employee").column("BirthDate").type.kind == TypeKind.TIMESTAMP


def test_northwind_references_without_columns_use_the_primary_key() -> None:
    schema = load_ddl(shared_schema("northwind.postgres.sql"))
    orders = {fk.name: fk for fk in schema.table("orders").foreign_keys}
    customers = orders["fk_orders_customers"]
    assert (customers.ref_table, customers.ref_columns) == ("customers", ("customer_id",))
    assert schema.table("order_details").primary_key == ("order_id", "product_id")
    assert schema.table("categories").column("picture").type.kind == TypeKind.BYTES


def test_airlines_demo_schema_defaults_comments_and_checks() -> None:
    schema = load_ddl(shared_schema("airlines_demo.postgres.sql"))
    flights = schema.table("bookings.flights")
    assert flights.schema == "bookings" and flights.comment == "Flights"
    flight_id = flights.column("flight_id")
    assert flight_id.autoincrement and not flight_id.nullable  # ALTER ... SET DEFAULT nextval
    assert flights.column("status").comment == "Flight status"
    assert flights.uniques == (("flight_no", "scheduled_departure"),)
    checks = {check.name: check.sql for check in flights.checks}
    assert checks["flights_check"] == "scheduled_arrival > scheduled_departure"
    boarding = schema.table("bookings.boarding_passes").foreign_keys[0]
    assert boarding.ref_table == "bookings.ticket_flights"
    assert boarding.ref_columns == ("ticket_no", "flight_id")
    assert schema.table("bookings.airports_data").column("coordinates").type.kind == TypeKind.POINT
    assert schema.table("bookings.aircrafts_data").column("model").type.kind == TypeKind.JSON


def test_airlines_demo_notes_skipped_statements_with_lines() -> None:
    path = shared_schema("airlines_demo.postgres.sql")
    notes = load_ddl(path).notes
    function = next(note for note in notes if "CREATE FUNCTION bookings.lang()" in note.message)
    assert function.line == 37
    lines = path.read_text().splitlines()
    assert lines[function.line - 1].startswith("CREATE FUNCTION bookings.lang()")


def test_tpch_serials_folding_and_composite_foreign_key() -> None:
    schema = load_ddl(shared_schema("tpch.postgres.sql"))
    part_key = schema.table("part").column("p_partkey")  # unquoted names fold to lower case
    assert (part_key.type.kind, part_key.autoincrement, part_key.nullable) == (
        TypeKind.INTEGER,
        True,
        False,
    )
    composite = [fk for fk in schema.table("lineitem").foreign_keys if len(fk.columns) == 2]
    assert [(fk.ref_table, fk.ref_columns) for fk in composite] == [
        ("partsupp", ("ps_partkey", "ps_suppkey"))
    ]


def test_employees_mysql_enum_and_unique() -> None:
    schema = load_ddl(shared_schema("employees.mysql.sql"))
    gender = schema.table("employees").column("gender").type
    assert (gender.kind, gender.enum_values) == (TypeKind.ENUM, ("M", "F"))
    assert schema.table("departments").uniques == (("dept_name",),)
    assert schema.table("titles").primary_key == ("emp_no", "title", "from_date")


def test_guacamole_enum_types_and_self_reference() -> None:
    schema = load_ddl(shared_schema("guacamole.postgres.sql"))
    group = schema.table("guacamole_connection_group")
    kind = group.column("type")
    assert kind.type.enum_values == ("ORGANIZATIONAL", "BALANCING")
    assert kind.type.sql == "guacamole_connection_group_type"
    assert kind.default == "'ORGANIZATIONAL'"
    assert group.foreign_keys[0].ref_table == "guacamole_connection_group"
    assert group.column("connection_group_id").autoincrement


def test_hr_oracle_cycle_numbers_and_redundant_unique_indexes() -> None:
    schema = load_ddl(shared_schema("hr.oracle.sql"))
    departments, employees = schema.table("departments"), schema.table("employees")
    assert {fk.ref_table for fk in departments.foreign_keys} == {"locations", "employees"}
    assert "departments" in {fk.ref_table for fk in employees.foreign_keys}
    assert employees.column("employee_id").type.kind == TypeKind.INTEGER  # NUMBER(6)
    assert departments.column("department_id").type.kind == TypeKind.SMALLINT  # NUMBER(4)
    salary = employees.column("salary").type
    assert (salary.kind, salary.precision, salary.scale) == (TypeKind.NUMERIC, 8, 2)
    assert schema.table("regions").column("region_id").type.kind == TypeKind.NUMERIC  # NUMBER
    # CREATE UNIQUE INDEX on the PK columns repeats the PK: not kept as a separate UNIQUE.
    assert schema.table("regions").uniques == ()
    assert employees.uniques == (("email",),)
    assert "Primary key" in (employees.column("employee_id").comment or "")
    assert any("ORGANIZATION INDEX" in note.message for note in schema.notes)


def test_quartz_composite_keys() -> None:
    schema = load_ddl(shared_schema("quartz.postgres.sql"))
    assert all(len(table.primary_key) >= 2 for table in schema.tables.values())
    fk = schema.table("qrtz_triggers").foreign_keys[0]
    assert fk.ref_columns == ("sched_name", "job_name", "job_group")


# ---------------------------------------------------------------------------------------------
# Inline snippets: keys.
# ---------------------------------------------------------------------------------------------


def test_composite_primary_key_columns_become_not_null() -> None:
    schema = parse_ddl("CREATE TABLE t (a int, b int, c int, PRIMARY KEY (a, b));")
    table = schema.table("t")
    assert table.primary_key == ("a", "b")
    assert [c.nullable for c in table.columns] == [False, False, True]


def test_composite_foreign_key() -> None:
    schema = parse_ddl(
        """
        CREATE TABLE parent (a int, b int, PRIMARY KEY (a, b));
        CREATE TABLE child (
          x int, y int, CONSTRAINT fk FOREIGN KEY (x, y) REFERENCES parent (a, b)
        );
        """
    )
    (fk,) = schema.table("child").foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.name) == (
        ("x", "y"),
        "parent",
        ("a", "b"),
        "fk",
    )


def test_self_referencing_foreign_key() -> None:
    schema = parse_ddl("CREATE TABLE node (id int PRIMARY KEY, parent int REFERENCES node (id));")
    (fk,) = schema.table("node").foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns) == (("parent",), "node", ("id",))


def test_constraints_added_by_alter_table() -> None:
    schema = parse_ddl(
        """
        CREATE TABLE a (id int NOT NULL, code text);
        CREATE TABLE b (id int, a_id int);
        ALTER TABLE ONLY a ADD CONSTRAINT a_pkey PRIMARY KEY (id);
        ALTER TABLE a ADD CONSTRAINT a_code UNIQUE (code), ADD CHECK (id > 0);
        ALTER TABLE b ADD PRIMARY KEY (id);
        ALTER TABLE b ADD CONSTRAINT b_a FOREIGN KEY (a_id) REFERENCES a (id);
        """
    )
    a, b = schema.table("a"), schema.table("b")
    assert (a.primary_key, a.uniques, [c.sql for c in a.checks]) == (
        ("id",),
        (("code",),),
        ["id > 0"],
    )
    assert b.primary_key == ("id",)
    assert [(fk.name, fk.ref_table, fk.ref_columns) for fk in b.foreign_keys] == [
        ("b_a", "a", ("id",))
    ]


def test_references_without_columns_resolve_to_primary_key_declared_later() -> None:
    schema = parse_ddl(
        """
        CREATE TABLE child (p int REFERENCES parent, q int);
        ALTER TABLE child ADD FOREIGN KEY (q) REFERENCES parent;
        CREATE TABLE parent (key_col bigint PRIMARY KEY);
        """
    )
    refs = [(fk.columns, fk.ref_table, fk.ref_columns) for fk in schema.table("child").foreign_keys]
    assert refs == [(("p",), "parent", ("key_col",)), (("q",), "parent", ("key_col",))]


def test_oracle_alter_table_add_constraint_list() -> None:
    schema = parse_ddl(
        """
        CREATE TABLE d (id NUMBER(4), mgr NUMBER(6));
        CREATE TABLE e (id NUMBER(6), d_id NUMBER(4));
        ALTER TABLE d ADD ( CONSTRAINT d_pk PRIMARY KEY (id) );
        ALTER TABLE e ADD ( CONSTRAINT e_pk PRIMARY KEY (id)
                          , CONSTRAINT e_d FOREIGN KEY (d_id) REFERENCES d );
        ALTER TABLE d ADD ( CONSTRAINT d_mgr FOREIGN KEY (mgr) REFERENCES e (id) );
        """,
        "oracle",
    )
    assert [fk.ref_table for fk in schema.table("d").foreign_keys] == ["e"]
    assert [fk.ref_columns for fk in schema.table("e").foreign_keys] == [("id",)]


def test_unique_index_becomes_unique_lower_and_partial_ones_unique_indexes() -> None:
    schema = parse_ddl(
        """
        CREATE TABLE t (a int, b int, c text);
        CREATE UNIQUE INDEX t_ab ON t (a, b);
        CREATE UNIQUE INDEX t_lower ON t (lower(c));
        CREATE UNIQUE INDEX t_partial ON t (c) WHERE a > 0;
        CREATE INDEX t_c ON t (c);
        CREATE UNIQUE INDEX t_sum ON t ((a + b));
        """
    )
    table = schema.table("t")
    assert table.uniques == (("a", "b"),)
    assert [(ix.name, ix.columns, ix.folded, ix.where) for ix in table.unique_indexes] == [
        ("t_lower", ("c",), ("c",), None),
        ("t_partial", ("c",), (), '"a" > 0'),
    ]
    notes = {note.line: note.message for note in schema.notes}
    assert set(notes) == {5, 7}  # partial (strengthened), expression
    assert [(ix.name, ix.parts) for ix in table.indexes] == [("t_c", ('"c"',))]  # for exports
    assert "t_partial" in notes[5] and "over all rows" in notes[5]
    assert "t_sum" in notes[7] and "skipped" in notes[7]


def test_schema_qualified_references_resolve_by_schema() -> None:
    schema = parse_ddl(
        """
        CREATE TABLE sales.customer (id int PRIMARY KEY);
        CREATE TABLE crm.customer (id int PRIMARY KEY);
        CREATE TABLE sales.orders (id int PRIMARY KEY, customer_id int REFERENCES customer (id));
        CREATE TABLE public.audit (id int PRIMARY KEY, order_id int REFERENCES orders (id));
        """
    )
    assert schema.table("sales.orders").foreign_keys[0].ref_table == "sales.customer"
    assert schema.table("public.audit").foreign_keys[0].ref_table == "sales.orders"


# ---------------------------------------------------------------------------------------------
# Inline snippets: types and columns.
# ---------------------------------------------------------------------------------------------


def test_serial_and_identity_columns_are_autoincrement() -> None:
    schema = parse_ddl(
        """
        CREATE TABLE t (
          a serial, b bigserial, c smallserial,
          d bigint GENERATED ALWAYS AS IDENTITY,
          e int GENERATED BY DEFAULT AS IDENTITY (START WITH 10),
          f int DEFAULT nextval('f_seq'::regclass),
          g int, h int, plain int
        );
        ALTER TABLE ONLY t ALTER COLUMN g SET DEFAULT nextval('g_seq'::regclass);
        ALTER TABLE t ALTER COLUMN h ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME h_seq);
        """
    )
    columns = {c.name: c for c in schema.table("t").columns}
    kinds = {name: c.type.kind for name, c in columns.items()}
    assert (kinds["a"], kinds["b"], kinds["c"]) == (
        TypeKind.INTEGER,
        TypeKind.BIGINT,
        TypeKind.SMALLINT,
    )
    assert [name for name, c in columns.items() if c.autoincrement] == list("abcdefgh")
    assert not columns["a"].nullable and not columns["d"].nullable
    assert columns["f"].default is not None and "f_seq" in columns["f"].default


@pytest.mark.parametrize(
    ("dialect", "sql"),
    [
        ("mysql", "CREATE TABLE t (id int NOT NULL AUTO_INCREMENT PRIMARY KEY);"),
        ("tsql", "CREATE TABLE t ([id] INT IDENTITY(1,1) NOT NULL PRIMARY KEY)\nGO"),
        ("sqlite", "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);"),
        ("oracle", "CREATE TABLE t (id NUMBER(10) GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY);"),
    ],
)
def test_autoincrement_in_other_dialects(dialect: str, sql: str) -> None:
    assert parse_ddl(sql, dialect).table("t").column("id").autoincrement


def test_postgres_enum_type_and_mysql_inline_enum() -> None:
    pg = parse_ddl(
        """
        CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy');
        CREATE TABLE p (m mood NOT NULL DEFAULT 'ok', history public.mood[]);
        """
    )
    mood, history = pg.table("p").column("m"), pg.table("p").column("history")
    assert (mood.type.kind, mood.type.enum_values, mood.type.sql) == (
        TypeKind.ENUM,
        ("sad", "ok", "happy"),
        "mood",
    )
    assert (history.type.kind, history.type.array) == (TypeKind.ENUM, True)
    my = parse_ddl("CREATE TABLE p (size ENUM('S', 'M', 'L') NOT NULL);", "mysql")
    assert my.table("p").column("size").type.enum_values == ("S", "M", "L")


def test_domain_with_check_and_not_null() -> None:
    schema = parse_ddl(
        """
        CREATE DOMAIN positive_int AS integer NOT NULL CONSTRAINT positive CHECK (VALUE > 0);
        CREATE DOMAIN zip AS varchar(5) CHECK (VALUE ~ '^[0-9]{5}$');
        CREATE TABLE t (qty positive_int, code zip, plain integer);
        """
    )
    qty, code = schema.table("t").column("qty"), schema.table("t").column("code")
    assert (qty.type.kind, qty.type.sql, qty.nullable) == (TypeKind.INTEGER, "positive_int", False)
    assert [(c.name, c.sql) for c in qty.domain_checks] == [("positive", "qty > 0")]
    assert (code.type.kind, code.type.length, code.nullable) == (TypeKind.VARCHAR, 5, True)
    assert [c.sql for c in code.domain_checks] == ["code ~ '^[0-9]{5}$'"]
    assert schema.table("t").checks == ()  # domain checks stay on the column


def test_type_parameters_and_sql_as_written() -> None:
    schema = parse_ddl(
        """
        CREATE TABLE t (
          a character varying(160), b varchar, c char(3), d character, e numeric(12, 2),
          f decimal(5), g numeric, h double precision, i timestamp with time zone,
          j timestamp, k money, l bytea, m uuid, n jsonb, o inet, p tsvector, q int4multirange
        );
        """
    )
    columns = {c.name: c.type for c in schema.table("t").columns}
    assert (columns["a"].kind, columns["a"].length, columns["a"].sql) == (
        TypeKind.VARCHAR,
        160,
        "character varying(160)",
    )
    assert columns["b"].length is None
    assert (columns["c"].length, columns["d"].length) == (3, 1)
    assert (columns["e"].precision, columns["e"].scale) == (12, 2)
    assert (columns["f"].precision, columns["f"].scale) == (5, 0)
    assert (columns["g"].precision, columns["g"].scale) == (None, None)
    kinds = [columns[name].kind for name in "hijklmnopq"]
    assert kinds == [
        TypeKind.DOUBLE,
        TypeKind.TIMESTAMPTZ,
        TypeKind.TIMESTAMP,
        TypeKind.MONEY,
        TypeKind.BYTES,
        TypeKind.UUID,
        TypeKind.JSON,
        TypeKind.INET,
        TypeKind.TSVECTOR,
        TypeKind.UNKNOWN,
    ]
    (note,) = schema.notes
    assert note.message == "t.q: type 'int4multirange' is not supported"
    assert note.line == 5


@pytest.mark.parametrize(
    ("dialect", "declared", "kind"),
    [
        ("postgres", "int8", TypeKind.BIGINT),
        ("postgres", "float4", TypeKind.REAL),
        ("postgres", "timetz", TypeKind.TIME),
        ("postgres", "interval", TypeKind.INTERVAL),
        ("postgres", "macaddr", TypeKind.INET),
        ("postgres", "xml", TypeKind.XML),
        ("postgres", "bit(1)", TypeKind.BOOLEAN),
        ("mysql", "TINYINT", TypeKind.SMALLINT),
        ("mysql", "MEDIUMINT", TypeKind.INTEGER),
        ("mysql", "LONGTEXT", TypeKind.TEXT),
        ("mysql", "LONGBLOB", TypeKind.BYTES),
        ("mysql", "DATETIME", TypeKind.TIMESTAMP),
        ("mysql", "POINT", TypeKind.POINT),  # sqlglot's MySQL grammar rejects POINT
        ("tsql", "[float]", TypeKind.DOUBLE),  # T-SQL FLOAT is FLOAT(53)
        ("tsql", "REAL", TypeKind.REAL),
        ("tsql", "DATETIME2(7)", TypeKind.TIMESTAMP),
        ("tsql", "DATETIMEOFFSET", TypeKind.TIMESTAMPTZ),
        ("tsql", "UNIQUEIDENTIFIER", TypeKind.UUID),
        ("tsql", "BIT", TypeKind.BOOLEAN),
        ("tsql", "NTEXT", TypeKind.TEXT),
        ("tsql", "IMAGE", TypeKind.BYTES),
        ("oracle", "NVARCHAR2(10)", TypeKind.VARCHAR),
        ("oracle", "CLOB", TypeKind.TEXT),
        ("oracle", "BLOB", TypeKind.BYTES),
        ("sqlite", "NVARCHAR(160)", TypeKind.VARCHAR),
    ],
)
def test_type_registry_across_dialects(dialect: str, declared: str, kind: TypeKind) -> None:
    column_type = parse_ddl(f"CREATE TABLE t (c {declared});", dialect).table("t").column("c").type
    assert (column_type.kind, column_type.sql) == (kind, declared)


@pytest.mark.parametrize(
    ("declared", "kind", "precision", "scale"),
    [
        ("NUMBER(4)", TypeKind.SMALLINT, None, None),
        ("NUMBER(9)", TypeKind.INTEGER, None, None),
        ("NUMBER(18,0)", TypeKind.BIGINT, None, None),
        ("NUMBER(19)", TypeKind.NUMERIC, 19, 0),
        ("NUMBER(8,2)", TypeKind.NUMERIC, 8, 2),
        ("NUMBER", TypeKind.NUMERIC, None, None),
    ],
)
def test_oracle_number(
    declared: str, kind: TypeKind, precision: int | None, scale: int | None
) -> None:
    column_type = parse_ddl(f"CREATE TABLE t (n {declared});", "oracle").table("t").column("n").type
    assert (column_type.kind, column_type.precision, column_type.scale) == (kind, precision, scale)
    assert column_type.sql == declared


def test_postgres_folds_unquoted_names_and_keeps_quoted_ones() -> None:
    schema = parse_ddl('CREATE TABLE Shop."Order" (ID int PRIMARY KEY, "CamelCase" text);')
    table = schema.table("shop.Order")
    assert (table.schema, table.name, table.column_names) == ("shop", "Order", ("id", "CamelCase"))


def test_comments_from_comment_on_and_mysql() -> None:
    pg = parse_ddl(
        """
        CREATE TABLE t (a int);
        COMMENT ON TABLE t IS 'the table';
        COMMENT ON COLUMN t.a IS 'the column';
        """
    )
    assert (pg.table("t").comment, pg.table("t").column("a").comment) == ("the table", "the column")
    my = parse_ddl("CREATE TABLE t (a int COMMENT 'col') COMMENT='tbl';", "mysql")
    assert (my.table("t").comment, my.table("t").column("a").comment) == ("tbl", "col")


def test_checks_keep_expression_name_and_postgres_sql() -> None:
    schema = parse_ddl(
        "CREATE TABLE t ([a] INT CONSTRAINT ck_a CHECK ([a] > (0)), b INT, CHECK (b < a));", "tsql"
    )
    checks = schema.table("t").checks
    assert [(check.name, check.sql) for check in checks] == [("ck_a", '"a" > (0)'), (None, "b < a")]
    assert isinstance(checks[1].expression, exp.LT)


# ---------------------------------------------------------------------------------------------
# Inline snippets: statement splitting and notes.
# ---------------------------------------------------------------------------------------------


def test_skipped_create_function_is_a_note_with_its_line() -> None:
    sql = """SET client_encoding = 'UTF8';

CREATE FUNCTION make_table() RETURNS void
    LANGUAGE plpgsql
    AS $body$
BEGIN
  CREATE TABLE inside_function (x int);
  RETURN;
END;
$body$;

CREATE TABLE real_table (id int);
"""
    schema = parse_ddl(sql, source="script.sql")
    assert list(schema.tables) == ["real_table"]
    function = next(note for note in schema.notes if "CREATE FUNCTION" in note.message)
    assert (function.file, function.line) == ("script.sql", 3)
    assert [note.line for note in schema.notes] == [1, 3]


def test_tsql_go_batches_and_if_not_exists_wrappers() -> None:
    sql = """SET ANSI_NULLS ON
GO
IF NOT EXISTS (SELECT * FROM sys.objects WHERE name = N'a')
BEGIN
CREATE TABLE [dbo].[a] ([id] [int] NOT NULL, CONSTRAINT [PK_a] PRIMARY KEY CLUSTERED ([id] ASC))
END
GO
CREATE TABLE [dbo].[b] ([id] INT NOT NULL PRIMARY KEY NONCLUSTERED, [a_id] INT)
ALTER TABLE [dbo].[b] WITH CHECK ADD CONSTRAINT [FK_b_a]
  FOREIGN KEY ([a_id]) REFERENCES [dbo].[a] ([id])
GO
"""
    schema = parse_ddl(sql, "tsql")
    assert set(schema.tables) == {"dbo.a", "dbo.b"}
    assert schema.table("dbo.b").foreign_keys[0].ref_table == "dbo.a"


def test_mysql_delimiter_blocks() -> None:
    sql = """CREATE TABLE t (a int PRIMARY KEY);
DELIMITER $$
CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN
  SET NEW.a = NEW.a + 1;
END$$
DELIMITER ;
CREATE TABLE u (b int PRIMARY KEY);
"""
    statements = split_statements(sql, "mysql")
    assert [s.line for s in statements] == [1, 3, 7]
    assert statements[1].sql.startswith("CREATE TRIGGER") and statements[1].sql.endswith("END")
    assert set(parse_ddl(sql, "mysql").tables) == {"t", "u"}


def test_oracle_slash_terminated_plsql_and_sqlplus_commands() -> None:
    sql = """rem a comment that isn't SQL
SET ECHO OFF
CREATE TABLE t (a NUMBER PRIMARY KEY);
CREATE OR REPLACE TRIGGER t_trg BEFORE INSERT ON t FOR EACH ROW
BEGIN
  :new.a := 1;
END;
/
CREATE TABLE u (b NUMBER PRIMARY KEY)
/
"""
    statements = split_statements(sql, "oracle")
    assert [s.line for s in statements] == [2, 3, 4, 9]
    assert set(parse_ddl(sql, "oracle").tables) == {"t", "u"}


def test_dialect_from_file_name(tmp_path: Path) -> None:
    assert dialect_from_path("x.mysql.sql") == "mysql"
    assert dialect_from_path("x.tsql.sql") == "tsql"
    assert dialect_from_path("x.sql") == "postgres"
    assert dialect_from_path("x.v2.sql") == "postgres"
    path = tmp_path / "tiny.sqlite.sql"
    path.write_text("CREATE TABLE [t] (id INTEGER PRIMARY KEY);\n")
    schema = load_ddl(path)
    assert (schema.dialect, schema.source, list(schema.tables)) == ("sqlite", str(path), ["t"])


# ---------------------------------------------------------------------------------------------
# Problems.
# ---------------------------------------------------------------------------------------------


def test_bad_file_lists_every_problem_at_once() -> None:
    error = problems_of(
        """CREATE TABLE a (id int PRIMARY KEY, code text);
CREATE TABLE b (
  id int,
  id int,
  a_id int REFERENCES a (nope),
  a_code text REFERENCES a (code),
  x int REFERENCES missing,
  PRIMARY KEY (idd)
);
ALTER TABLE b ADD FOREIGN KEY (id, a_id) REFERENCES a (id);
CREATE TABLE a (other int);
"""
    )
    where = {(p.line, p.table, p.column) for p in error.problems}
    assert where == {
        (4, "b", "id"),  # duplicate column
        (5, "b", None),  # unknown referenced column a.nope
        (7, "b", None),  # unknown table
        (8, "b", "idd"),  # PK on an unknown column
        (10, "b", "id"),  # column count mismatch
        (11, "a", None),  # duplicate table
    }
    assert all(p.file == "bad.sql" for p in error.problems)
    message = str(error)
    assert message.startswith("6 problem(s):")
    assert "bad.sql:4 b.id: column id is defined twice" in message
    assert "bad.sql:7 b: FOREIGN KEY references unknown table missing" in message
    assert "bad.sql:8 b.idd: PRIMARY KEY names unknown column idd" in message


def test_file_without_tables_is_a_problem() -> None:
    error = problems_of("SET search_path = public;\nCREATE VIEW v AS SELECT 1;")
    assert [p.message for p in error.problems] == ["no CREATE TABLE statement found"]


def test_unparseable_column_is_a_problem_but_unknown_table_option_is_a_note() -> None:
    error = problems_of("CREATE TABLE t (a int, b);")
    assert [(p.line, p.table, p.column) for p in error.problems] == [(1, "t", "b")]
    schema = parse_ddl("CREATE TABLE t (a NUMBER PRIMARY KEY) ORGANIZATION INDEX;", "oracle")
    assert schema.table("t").primary_key == ("a",)
    assert any("ORGANIZATION INDEX" in note.message for note in schema.notes)

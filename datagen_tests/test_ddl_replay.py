"""The importer replays a script as the database runs it: one small DDL snippet per rule.

Each test is a bug found on a real schema (migrations, dumps, installer scripts), reduced to
the few lines that show it, so the rule holds even if the corpus changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import Engine
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.schema.ddl import parse_ddl
from datagen_assets.schema.model import Schema, SchemaError
from datagen_assets.schema.naming import postgres_constraint_name, postgres_object_name
from datagen_assets.settings import Settings


def replay(sql: str, dialect: str = "postgres") -> Schema:
    return parse_ddl(sql, dialect, source="t.sql")


def notes(schema: Schema) -> str:
    return "\n".join(f"{note.line}: {note.message}" for note in schema.notes)


# -- constraint names the database chose ------------------------------------------------------


def test_postgres_default_names_follow_make_object_name() -> None:
    never = lambda name: False  # noqa: E731
    assert postgres_constraint_name("t", "primary", ["a"], never) == "t_pkey"
    assert postgres_constraint_name("t", "unique", ["a", "b"], never) == "t_a_b_key"
    assert postgres_constraint_name("t", "foreign", ["a"], never) == "t_a_fkey"
    assert postgres_constraint_name("t", "check", ["a"], never) == "t_a_check"
    assert postgres_constraint_name("t", "check", ["a", "b"], never) == "t_check"
    assert postgres_constraint_name("t", "unique", ["a"], {"t_a_key"}.__contains__) == "t_a_key1"
    # 63 bytes at most: the longer part is shortened first (seen in ory/hydra migrations)
    name = postgres_object_name("hydra_oauth2_trusted_jwt_bearer_issuer", "issuer_subject_key_id",
                                "key")  # fmt: skip
    assert name == "hydra_oauth2_trusted_jwt_bearer_issue_issuer_subject_key_id_key"


def test_drop_the_default_named_primary_key_and_add_another() -> None:
    schema = replay("""
CREATE TABLE client (id varchar(64) PRIMARY KEY, nid uuid);
ALTER TABLE client DROP CONSTRAINT client_pkey;
ALTER TABLE client ADD pk SERIAL;
ALTER TABLE client ADD PRIMARY KEY (pk);
""")
    assert schema.table("client").primary_key == ("pk",)


def test_drop_constraints_by_given_and_default_names() -> None:
    schema = replay("""
CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE, CHECK (id > 0));
CREATE TABLE c (id int, p_id int REFERENCES p, CONSTRAINT named CHECK (id < 10));
ALTER TABLE c DROP CONSTRAINT c_p_id_fkey;
ALTER TABLE c DROP CONSTRAINT named;
ALTER TABLE p DROP CONSTRAINT p_code_key, DROP CONSTRAINT p_id_check;
""")
    assert schema.table("c").foreign_keys == ()
    assert schema.table("c").checks == ()
    assert schema.table("p").uniques == ()
    assert schema.table("p").checks == ()


def test_mysql_drop_primary_key_foreign_key_and_index() -> None:
    schema = replay(
        """
CREATE TABLE p (id INT PRIMARY KEY, code VARCHAR(9), UNIQUE KEY uk_code (code));
CREATE TABLE c (id INT NOT NULL, p_id INT, FOREIGN KEY (p_id) REFERENCES p (id));
ALTER TABLE c ADD PRIMARY KEY (id);
ALTER TABLE c DROP FOREIGN KEY c_ibfk_1, DROP PRIMARY KEY, ADD PRIMARY KEY (id, p_id);
ALTER TABLE p DROP INDEX uk_code;
""",
        "mysql",
    )
    assert schema.table("c").primary_key == ("id", "p_id")
    assert schema.table("c").foreign_keys == ()
    assert schema.table("p").uniques == ()


def test_drop_index_cascade_takes_the_foreign_keys_that_need_it() -> None:
    schema = replay("""
CREATE TABLE client (pk serial PRIMARY KEY, id text NOT NULL, nid uuid NOT NULL);
CREATE UNIQUE INDEX client_id_uq ON client (id);
CREATE TABLE token (client_id text REFERENCES client (id), nid uuid);
DROP INDEX client_id_uq CASCADE;
CREATE UNIQUE INDEX client_id_uq ON client (id, nid);
ALTER TABLE token ADD FOREIGN KEY (client_id, nid) REFERENCES client (id, nid);
""")
    (fk,) = schema.table("token").foreign_keys
    assert fk.columns == ("client_id", "nid") and fk.ref_unique


# -- renames --------------------------------------------------------------------------------


def test_rename_column_moves_keys_checks_and_references() -> None:
    schema = replay("""
CREATE TABLE p (pk int PRIMARY KEY CHECK (pk > 0), code text);
CREATE TABLE c (p_pk int REFERENCES p (pk));
ALTER TABLE p RENAME pk TO pk_old;
ALTER TABLE p ADD COLUMN pk uuid;
""")
    p = schema.table("p")
    assert p.column_names == ("pk_old", "code", "pk")
    assert p.primary_key == ("pk_old",)
    assert p.checks[0].columns == ("pk_old",)
    assert schema.table("c").foreign_keys[0].ref_columns == ("pk_old",)


def test_rename_table_keeps_its_place_and_its_references() -> None:
    schema = replay("""
CREATE TABLE a (id int PRIMARY KEY);
CREATE TABLE b (a_id int REFERENCES a);
ALTER TABLE a RENAME TO a2;
CREATE TABLE a (x int);
""")
    assert list(schema.tables) == ["a2", "b", "a"]
    assert schema.table("b").foreign_keys[0].ref_table == "a2"


def test_mysql_rename_table_and_change_column() -> None:
    schema = replay(
        """
CREATE TABLE a (id INT PRIMARY KEY, nm VARCHAR(5));
RENAME TABLE a TO b;
ALTER TABLE b CHANGE COLUMN nm name VARCHAR(50) NOT NULL;
""",
        "mysql",
    )
    column = schema.table("b").column("name")
    assert schema.table("b").column_names == ("id", "name")
    assert column.type.length == 50 and not column.nullable


# -- drops and re-creates ---------------------------------------------------------------------


def test_drop_table_then_create_again() -> None:
    schema = replay("""
CREATE TABLE pipes (id int PRIMARY KEY);
CREATE TABLE uses (pipe_id int REFERENCES pipes);
DROP TABLE uses;
DROP TABLE IF EXISTS pipes, nothing CASCADE;
CREATE TABLE pipes (id text PRIMARY KEY, extra int);
""")
    assert list(schema.tables) == ["pipes"]
    assert schema.table("pipes").column("id").type.kind == "text"


def test_drop_column_takes_its_constraints_with_it() -> None:
    schema = replay("""
CREATE TABLE p (id int PRIMARY KEY, code text, UNIQUE (id, code), CHECK (code <> ''));
CREATE TABLE c (id int, code text REFERENCES p (code), p_id int REFERENCES p);
ALTER TABLE c DROP COLUMN code;
ALTER TABLE p DROP COLUMN code CASCADE;
""")
    assert schema.table("p").uniques == () and schema.table("p").checks == ()
    assert [fk.columns for fk in schema.table("c").foreign_keys] == [("p_id",)]


# -- search_path and CREATE SCHEMA ------------------------------------------------------------


def test_search_path_places_and_finds_unqualified_tables() -> None:
    schema = replay("""
CREATE SCHEMA test;
CREATE SCHEMA private;
SET search_path = test, pg_catalog;
CREATE TABLE users (id int PRIMARY KEY);
SET search_path = private, pg_catalog;
CREATE TABLE stars (user_id int);
ALTER TABLE ONLY private.stars
  ADD CONSTRAINT "user" FOREIGN KEY (user_id) REFERENCES test.users(id);
SELECT pg_catalog.set_config('search_path', 'public', false);
CREATE TABLE plain (id int);
""")
    assert list(schema.tables) == ["test.users", "private.stars", "plain"]
    assert schema.table("private.stars").foreign_keys[0].ref_table == "test.users"


def test_unqualified_reference_resolves_along_the_path_in_force() -> None:
    schema = replay("""
CREATE SCHEMA app;
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE app.users (uid int PRIMARY KEY);
SET search_path TO app, public;
CREATE TABLE posts (author int REFERENCES users);
""")
    assert schema.table("app.posts").foreign_keys[0].ref_table == "app.users"


def test_create_schema_with_embedded_elements() -> None:
    schema = replay("""
CREATE SCHEMA hollywood AUTHORIZATION bob
    CREATE TABLE films (title text PRIMARY KEY, release date)
    CREATE VIEW winners AS SELECT title, release FROM films WHERE awards IS NOT NULL
    CREATE TABLE awards (film text REFERENCES films);
""")
    assert list(schema.tables) == ["hollywood.films", "hollywood.awards"]
    assert schema.table("hollywood.awards").foreign_keys[0].ref_table == "hollywood.films"
    assert any(note.line == 4 and "VIEW" in note.message for note in schema.notes)


# -- INHERITS and LIKE ------------------------------------------------------------------------


def test_inherits_copies_columns_not_null_defaults_and_checks() -> None:
    schema = replay("""
CREATE TABLE events (build_id int NOT NULL DEFAULT 0, event_id int, CHECK (event_id > 0),
                     PRIMARY KEY (build_id, event_id));
CREATE TABLE check_events () INHERITS (events);
CREATE UNIQUE INDEX check_events_uq ON check_events (build_id, event_id);
CREATE TABLE team_events (event_id int NOT NULL, team text) INHERITS (events);
""")
    child = schema.table("check_events")
    assert child.column_names == ("build_id", "event_id")
    assert not child.column("build_id").nullable and child.column("build_id").default == "0"
    assert [c.sql for c in child.checks] == ["event_id > 0"]
    assert child.primary_key == () and child.uniques == (("build_id", "event_id"),)
    merged = schema.table("team_events")
    assert merged.column_names == ("build_id", "event_id", "team")
    assert not merged.column("event_id").nullable


def test_like_copies_what_including_asks_for() -> None:
    schema = replay("""
CREATE TABLE base (id serial PRIMARY KEY, code text NOT NULL DEFAULT 'x' UNIQUE CHECK (code <> ''));
CREATE TABLE bare (LIKE base);
CREATE TABLE full_copy (LIKE base INCLUDING ALL, extra int);
CREATE TABLE some (note text, LIKE base INCLUDING DEFAULTS EXCLUDING CONSTRAINTS);
""")
    bare = schema.table("bare")
    assert bare.column_names == ("id", "code") and not bare.column("code").nullable
    assert bare.column("code").default is None and not bare.column("id").autoincrement
    assert bare.primary_key == () and bare.checks == ()
    full = schema.table("full_copy")
    assert full.column_names == ("id", "code", "extra")
    assert full.primary_key == ("id",) and full.uniques == (("code",),)
    assert full.column("code").default == "'x'" and len(full.checks) == 1
    some = schema.table("some")
    assert some.column_names == ("note", "id", "code") and some.checks == ()
    assert some.column("id").autoincrement


def test_mysql_create_table_like_copies_keys() -> None:
    schema = replay(
        "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(3) UNIQUE);\n"
        "CREATE TABLE b LIKE a;",
        "mysql",
    )
    assert schema.table("b").primary_key == ("id",) and schema.table("b").uniques == (("v",),)


# -- vendor syntax ----------------------------------------------------------------------------


def test_tsql_with_nocheck_primary_key_and_trailing_comma() -> None:
    schema = replay(
        """CREATE TABLE [dbo].[users] (
\t[user_id] [int] IDENTITY (1, 1) NOT NULL ,
\t[data] [text] NULL ,
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO
ALTER TABLE [dbo].[users] WITH NOCHECK ADD
\tCONSTRAINT [PK_users_user_id] PRIMARY KEY  CLUSTERED
\t(
\t\t[user_id]
\t) ON [PRIMARY]
GO
ALTER TABLE [dbo].[users] ADD
\tCONSTRAINT [DF_a] DEFAULT ('') FOR [data],
\tCONSTRAINT [DF_b] DEFAULT (0) FOR [user_id]
GO
""",
        "tsql",
    )
    users = schema.table("dbo.users")
    assert users.primary_key == ("user_id",)
    assert users.column("data").default is not None
    assert any(note.line == 4 and "trailing comma" in note.message for note in schema.notes)


def test_array_of_a_type_only_postgres_grammar_names() -> None:
    schema = replay("CREATE TABLE t (a oid[] NOT NULL, b regclass[]);")
    a, b = schema.table("t").columns
    assert a.type.array and a.type.kind == "integer"
    assert b.type.array and b.type.kind == "unknown"
    assert "regclass" in notes(schema)


def test_alter_table_actions_are_read_one_by_one() -> None:
    schema = replay("""
CREATE TABLE t (a int, b int);
ALTER TABLE t OWNER TO bob, ADD COLUMN c int NOT NULL, ALTER COLUMN a SET NOT NULL,
  SET (fillfactor = 70);
""")
    t = schema.table("t")
    assert t.column_names == ("a", "b", "c")
    assert not t.column("a").nullable and not t.column("c").nullable
    assert "OWNER TO bob" in notes(schema)


def test_alter_of_an_unknown_table_is_a_note() -> None:
    schema = replay("CREATE TABLE t (a int);\nALTER TABLE v ADD COLUMN x int;")
    assert "2: skipped (ALTER TABLE of unknown table v)" in notes(schema)


# -- foreign keys onto columns that are no key (MySQL/InnoDB allows them) ----------------------

NON_UNIQUE_FK = """
CREATE TABLE x_user (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_name VARCHAR(12) NOT NULL,
                     KEY x_user_name (user_name));
CREATE TABLE x_zone_user (id BIGINT AUTO_INCREMENT PRIMARY KEY, user_name VARCHAR(12) NOT NULL,
  CONSTRAINT fk_user_name FOREIGN KEY (user_name) REFERENCES x_user (user_name));
"""


def test_foreign_key_to_non_unique_indexed_column_is_a_note() -> None:
    schema = replay(NON_UNIQUE_FK, "mysql")
    (fk,) = schema.table("x_zone_user").foreign_keys
    assert fk.ref_columns == ("user_name",) and not fk.ref_unique
    assert "neither its PRIMARY KEY nor UNIQUE" in notes(schema)


def test_foreign_key_to_non_unique_column_draws_existing_parent_values(tmp_path: Path) -> None:
    path = tmp_path / "shop.mysql.sql"
    path.write_text(NON_UNIQUE_FK)
    config = tmp_path / "shop.yaml"
    config.write_text("rows: 60\n")
    engine = Engine(plan_dataset(load_dataset(path, config, Settings())))
    parents = set(engine.generate("x_user", 0, 60)["user_name"].to_list())
    children = engine.generate("x_zone_user", 0, 60)["user_name"].to_list()
    assert children and set(children) <= parents


def test_a_real_problem_is_still_an_error() -> None:
    with pytest.raises(SchemaError) as caught:
        replay("CREATE TABLE t (a int);\nCREATE TABLE c (x int REFERENCES nowhere);")
    assert "unknown table nowhere" in str(caught.value)


# -- vendor column, key and table options -----------------------------------------------------


def test_mysql_dump_options_positions_and_prefix_keys() -> None:
    schema = replay(
        """/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `t` (
  `id` int(10) unsigned NOT NULL AUTO_INCREMENT COMMENT 'pk',
  `name` varchar(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL DEFAULT '',
  `at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`) USING BTREE,
  UNIQUE KEY `uk_name` (`name`(191)),
  KEY `idx_at` (`at` DESC) COMMENT 'x'
) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC COMMENT='t';
CREATE TABLE c (id INT PRIMARY KEY, t_id INT UNSIGNED) ENGINE=MyISAM PACK_KEYS=1;
ALTER TABLE c ADD COLUMN x INT AFTER id, ADD INDEX ix (x), ALGORITHM=INPLACE, LOCK=NONE;
ALTER TABLE c MODIFY COLUMN x BIGINT NOT NULL FIRST;
""",
        "mysql",
    )
    assert schema.table("t").uniques == (("name",),)
    assert "first 191 characters" in notes(schema)
    assert schema.table("c").column_names == ("x", "id", "t_id")
    assert schema.table("c").column("x").type.kind == "bigint"


def test_tsql_storage_words_and_sp_rename() -> None:
    schema = replay(
        """CREATE TABLE [dbo].[t](
\t[id] [int] IDENTITY(1,1) NOT FOR REPLICATION NOT NULL,
\t[guid] [uniqueidentifier] ROWGUIDCOL NOT NULL CONSTRAINT [DF_t_guid] DEFAULT (newid()),
\t[amount] [money] SPARSE NULL,
\t[big] [varbinary](max) FILESTREAM NULL,
\t[x] [xml](CONTENT [dbo].[coll]) NULL,
 CONSTRAINT [PK_t] PRIMARY KEY CLUSTERED ([id] ASC)
 WITH (PAD_INDEX = OFF, FILLFACTOR = 90) ON [PRIMARY]
) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]
GO
EXEC sp_rename 'dbo.t.amount', 'total', 'COLUMN';
GO
EXEC sp_rename N'dbo.t', N't2';
GO
""",
        "tsql",
    )
    t = schema.table("dbo.t2")
    assert t.column_names == ("id", "guid", "total", "big", "x")
    assert t.primary_key == ("id",) and t.column("x").type.kind == "xml"


def test_oracle_constraint_states_identity_options_and_modify() -> None:
    schema = replay(
        """CREATE TABLE "T" (
  "ID" NUMBER GENERATED BY DEFAULT ON NULL AS IDENTITY MINVALUE 1 MAXVALUE 9999999999
       INCREMENT BY 1 START WITH 1 CACHE 20 NOORDER NOCYCLE NOKEEP NOSCALE NOT NULL ENABLE,
  "NAME" VARCHAR2(50 CHAR) NOT NULL ENABLE,
  "CODE" VARCHAR2(5),
  CONSTRAINT "T_PK" PRIMARY KEY ("ID")
    USING INDEX PCTFREE 10 INITRANS 2 STORAGE(INITIAL 65536) TABLESPACE "USERS" ENABLE,
  CONSTRAINT "T_CK" CHECK ("CODE" <> 'x') ENABLE NOVALIDATE
) SEGMENT CREATION IMMEDIATE TABLESPACE "USERS";
ALTER TABLE "T" MODIFY ("NAME" NULL, "CODE" DEFAULT 'a' NOT NULL ENABLE);
ALTER TABLE "T" MODIFY "CODE" VARCHAR2(9);
""",
        "oracle",
    )
    t = schema.table("T")
    assert t.primary_key == ("ID",) and t.column("ID").autoincrement
    assert t.column("NAME").nullable and not t.column("CODE").nullable
    assert t.column("CODE").type.length == 9 and t.column("CODE").default == "'a'"
    assert len(t.checks) == 1


def test_sqlite_conflict_clauses_and_sorted_keys() -> None:
    schema = replay(
        "CREATE TABLE t (id INTEGER NOT NULL, name TEXT NOT NULL COLLATE NOCASE "
        "UNIQUE ON CONFLICT REPLACE, PRIMARY KEY (id DESC) ON CONFLICT ABORT) STRICT;",
        "sqlite",
    )
    assert schema.table("t").primary_key == ("id",)
    assert schema.table("t").uniques == (("name",),)


def test_do_block_ddl_is_replayed_as_if_each_if_held() -> None:
    schema = replay("""
DO $$ BEGIN
    CREATE TYPE mood AS ENUM ('a', 'b');
EXCEPTION
    WHEN duplicate_object THEN null;
END $$;
do $do$begin
    if (select current_setting('server_version_num')::int >= 100000) then
      create table cars (name varchar(64) not null, m mood, year int not null)
        partition by list (year);
      create table cars_2021 partition of cars for values in (2021);
    else
      create table cars (x int);
    end if;
    EXECUTE format('CREATE TABLE t_%s ()', 1);
end $do$;
create table p (id int primary key);
create table c (a int, constraint fk foreign key (a) references p(id) not deferrable);
""")
    cars = schema.table("cars")
    assert cars.column_names == ("name", "m", "year")
    assert cars.column("m").type.enum_values == ("a", "b")
    assert [c.sql for c in cars.checks] == ['"year" IN (2021)']
    assert schema.table("c").foreign_keys[0].ref_table == "p"
    assert "dynamic SQL in a DO block" in notes(schema)


def test_pg_dump_attach_partition_and_constraint_using_index() -> None:
    schema = replay("""
CREATE TABLE public.m (id bigint NOT NULL, day date NOT NULL) PARTITION BY RANGE (day);
CREATE TABLE public.m_2021 (id bigint NOT NULL, day date NOT NULL);
ALTER TABLE ONLY public.m ATTACH PARTITION public.m_2021
    FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
CREATE TABLE public.u (id int NOT NULL, code text NOT NULL);
CREATE UNIQUE INDEX u_id_idx ON public.u USING btree (id);
ALTER TABLE ONLY public.u ADD CONSTRAINT u_pkey PRIMARY KEY USING INDEX u_id_idx;
""")
    assert list(schema.tables) == ["public.m", "public.u"]
    assert [c.sql for c in schema.table("public.m").checks] == [
        "\"day\" >= '2021-01-01' AND \"day\" < '2022-01-01'"
    ]
    assert schema.table("public.u").primary_key == ("id",)
    assert schema.table("public.u").uniques == ()


def test_mysql_unique_index_on_a_column_prefix() -> None:
    schema = replay(
        "CREATE TABLE t (id INT, name VARCHAR(300));\nCREATE UNIQUE INDEX uq ON t (name(100));",
        "mysql",
    )
    assert schema.table("t").uniques == (("name",),)
    assert "prefix" in notes(schema)


def test_oracle_rename_statement_and_add_column_list() -> None:
    schema = replay(
        "CREATE TABLE t (id NUMBER PRIMARY KEY);\nRENAME t TO t2;\n"
        "ALTER TABLE t2 ADD (c NUMBER(1) DEFAULT 0 NOT NULL, d DATE);",
        "oracle",
    )
    assert schema.table("t2").column_names == ("id", "c", "d")
    assert not schema.table("t2").column("c").nullable


def test_builtin_types_written_with_their_schema() -> None:
    schema = replay("CREATE TABLE t (a pg_catalog.xml, b pg_catalog.int4[], c public.ltree);")
    a, b, c = schema.table("t").columns
    assert a.type.kind == "xml" and b.type.kind == "integer" and b.type.array
    assert c.type.kind == "unknown" and "public.ltree" in notes(schema)


def test_foreign_key_onto_non_unique_columns_is_left_out_of_postgres_ddl() -> None:
    from datagen_assets.write.exports import pg_ddl

    schema = replay(NON_UNIQUE_FK, "mysql")
    statements = pg_ddl.constraint_statements(list(schema.tables.values()))
    assert not any("FOREIGN KEY" in s and "user_name" in s for s in statements)
    assert any(s.startswith("-- x_zone_user: foreign key (user_name)") for s in statements)


def test_alter_of_a_parent_reaches_the_tables_that_inherit_from_it() -> None:
    schema = replay("""
CREATE TABLE base (id int, note text);
CREATE TABLE child (extra int) INHERITS (base);
CREATE TABLE grandchild (note text NOT NULL) INHERITS (child);
ALTER TABLE base ADD COLUMN added int, ADD CHECK (id > 0), ALTER COLUMN id SET NOT NULL;
ALTER TABLE base RENAME note TO remark;
ALTER TABLE base DROP COLUMN added;
""")
    for key in ("child", "grandchild"):
        table = schema.table(key)
        assert table.column_names == ("id", "remark", "extra")
        assert not table.column("id").nullable and [c.sql for c in table.checks] == ["id > 0"]
    assert not schema.table("grandchild").column("remark").nullable


def test_oracle_option_words_are_still_column_names_where_they_name_columns() -> None:
    schema = replay(
        "CREATE TABLE t (scale NUMBER, keep NUMBER(1) CHECK (keep IN (0, 1) AND scale > 0) "
        "ENABLE, enable NUMBER, id NUMBER GENERATED BY DEFAULT AS IDENTITY START WITH 1 "
        "CACHE 20 NOCYCLE ORDER NOT NULL ENABLE, CONSTRAINT ck CHECK (enable = 1) ENABLE "
        "NOVALIDATE)",
        "oracle",
    )
    t = schema.table("t")
    assert t.column_names == ("scale", "keep", "enable", "id") and t.column("id").autoincrement
    assert [c.sql for c in t.checks] == ["keep IN (0, 1) AND scale > 0", "enable = 1"]


def test_tsql_if_with_one_statement_is_replayed() -> None:
    schema = replay(
        "CREATE TABLE AIRLINE (id INT PRIMARY KEY)\nGO\n"
        "IF OBJECT_ID('AIRLINE') IS NOT NULL DROP table AIRLINE\nGO\n"
        "CREATE TABLE AIRLINE (id INT PRIMARY KEY, name VARCHAR(9))\nGO\n",
        "tsql",
    )
    assert schema.table("AIRLINE").column_names == ("id", "name")


def test_skipped_statements_say_what_they_are_with_file_and_line() -> None:
    schema = replay("""CREATE TABLE t (id int PRIMARY KEY);
CREATE OR REPLACE VIEW v AS SELECT id FROM t;
CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
CREATE RULE r AS ON INSERT TO v DO INSTEAD NOTHING;
CREATE INDEX t_idx ON t (id);
INSERT INTO t VALUES (1);
GRANT SELECT ON t TO public;
DROP VIEW v;
""")
    kinds = {note.line: note.message.split(")")[0] for note in schema.notes}
    assert kinds == {
        2: "skipped (a view: DataGen makes rows for tables",
        3: "skipped (a routine",
        4: "skipped (a trigger: generated rows do not go through it; a table it fills has a note",
        5: "skipped (a rule",
        7: "skipped (a data statement: DataGen writes its own rows",
        8: "skipped (privileges",
        9: "skipped (a view: DataGen makes rows for tables",
    }
    assert all(note.file == "t.sql" for note in schema.notes)
    assert [ix.name for ix in schema.table("t").indexes] == ["t_idx"]  # kept for exports


def test_drop_of_a_parent_table_takes_the_tables_that_inherit_from_it() -> None:
    schema = replay("""
CREATE TABLE events (id int);
CREATE TABLE team_events () INHERITS (events);
CREATE TABLE other (id int);
DROP TABLE events CASCADE;
""")
    assert list(schema.tables) == ["other"]
    assert "team_events inherits from events: dropped with it" in notes(schema)


def test_sqlite_dump_internal_table_and_table_rebuild() -> None:
    schema = replay(
        """PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE sqlite_sequence(name,seq);
CREATE TABLE "auth_group" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT);
CREATE TABLE "x" ("id" integer NOT NULL PRIMARY KEY);
CREATE TABLE "new__x" ("id" integer NOT NULL PRIMARY KEY,
  "g" integer NULL REFERENCES "auth_group" ("id") DEFERRABLE INITIALLY DEFERRED);
INSERT INTO new__x SELECT * FROM x;
DROP TABLE x;
ALTER TABLE "new__x" RENAME TO "x";
COMMIT;""",
        "sqlite",
    )
    assert list(schema.tables) == ["auth_group", "x"]
    assert schema.table("x").foreign_keys[0].ref_table == "auth_group"
    assert "3: skipped (a table the database keeps itself)" in notes(schema)


def test_tsql_alter_column_type_and_mysql_rename_with_options() -> None:
    tsql = replay(
        "CREATE TABLE t (x NVARCHAR(10) NULL)\nGO\nALTER TABLE t ALTER COLUMN x NVARCHAR(50) "
        "NOT NULL\nGO\n",
        "tsql",
    )
    assert tsql.table("t").column("x").type.length == 50
    assert not tsql.table("t").column("x").nullable
    mysql = replay(
        "CREATE TABLE t (id INT);\nALTER TABLE t RENAME TO t2, ALGORITHM=INSTANT;", "mysql"
    )
    assert list(mysql.tables) == ["t2"]


def test_drop_default_of_a_serial_column_ends_its_sequence() -> None:
    schema = replay(
        "CREATE TABLE t (id int PRIMARY KEY DEFAULT nextval('t_id_seq'::regclass));\n"
        "ALTER TABLE t ALTER id DROP DEFAULT;"
    )
    assert not schema.table("t").column("id").autoincrement

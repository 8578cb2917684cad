"""CHECK shapes real schemas use, made to hold by construction rather than by redraws that
can run out: each case is a bug a corpus schema hit, reduced to a few lines of DDL, and
verified with DataGen's own checkers (every CHECK evaluated over the generated rows)."""

from __future__ import annotations

import numpy as np
import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.regex import generate_matching, unique_space
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.schema.ddl import parse_ddl
from datagen_assets.settings import Settings
from datagen_tests.verify import generate_all, violations


def _plan(tmp_path, ddl: str, rows: int = 300, dialect: str = "postgres"):
    schema = tmp_path / f"checks.{dialect}.sql"
    schema.write_text(ddl)
    return plan_dataset(load_dataset(schema, None, Settings(rows=rows)))


def _valid(tmp_path, ddl: str, rows: int = 300, dialect: str = "postgres"):
    plan = _plan(tmp_path, ddl, rows, dialect)
    frames = generate_all(plan)
    assert violations(plan, frames) == []
    return plan, frames


@pytest.mark.parametrize(
    "pattern",
    [r"^https?://[^/]+", r"[^@]+@[^@]+\.[^@]+", r"(?>ab)c*+", r"^[a-zA-Z]([_]?[a-zA-Z0-9])+$"],
)
def test_negated_single_characters_and_newer_regex_nodes_generate(pattern):
    """graphile_starter: `[^/]` parses as NOT_LITERAL, which generation refused."""
    import re

    values = generate_matching(pattern, 7, np.arange(200))
    assert all(re.search(pattern, value) for value in values)


def test_a_unique_citext_with_a_regex_check_is_made_distinct_case_insensitively(tmp_path):
    """graphile_starter: `public.citext` was an unknown type, so UNIQUE (username) could not
    be made; its CHECK combines length bounds with a regex written `OPERATOR(public.~)`."""
    ddl = """CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
    CREATE TABLE users (
        id UUID PRIMARY KEY,
        username public.citext NOT NULL UNIQUE,
        avatar_url TEXT,
        CONSTRAINT users_avatar_url_check CHECK ((avatar_url ~ '^https?://[^/]+'::text)),
        CONSTRAINT users_username_check CHECK (((length((username)::text) >= 2)
            AND (length((username)::text) <= 24)
            AND (username OPERATOR(public.~) '^[a-zA-Z]([_]?[a-zA-Z0-9])+$'::public.citext)))
    );"""
    plan, frames = _valid(tmp_path, ddl)
    names = frames["users"]["username"]
    assert names.str.to_lowercase().n_unique() == 300
    assert names.str.contains(r"^[a-zA-Z]([_]?[a-zA-Z0-9])+$").all()
    assert plan.table("users").table.check_rules.patterns["username"]  # the regex part


def test_octet_length_in_a_domain_check_holds_for_keys_and_their_references(tmp_path):
    """icingadb: `CREATE DOMAIN bytea20 ... CHECK (VALUE IS NULL OR octet_length(VALUE) =
    20)`; keys of that domain were 1, 2, 3 (1 byte) and every row failed the CHECK."""
    ddl = """CREATE DOMAIN bytea20 AS bytea CONSTRAINT exactly_20 CHECK
        ( VALUE IS NULL OR octet_length(VALUE) = 20 );
    CREATE TABLE history (id bytea20 NOT NULL PRIMARY KEY, note TEXT);
    CREATE TABLE user_history (
        id bytea20 NOT NULL PRIMARY KEY,
        history_id bytea20 NOT NULL REFERENCES history (id),
        extra bytea20
    );"""
    _, frames = _valid(tmp_path, ddl)
    lengths = frames["user_history"].select(c for c in ("id", "history_id", "extra"))
    for column in lengths.columns:
        assert (lengths[column].drop_nulls().bin.size() == 20).all(), column


def test_an_in_list_written_as_equalities_is_a_domain(tmp_path):
    """roundcube (T-SQL): CHECK (del = '1' OR del = '0') on a CHAR(1) was left to redraws,
    which hit '0' or '1' one time in 18: 6 of 300 rows still failed after 64 of them."""
    ddl = """CREATE TABLE contacts (
        id INT PRIMARY KEY,
        del CHAR(1) NOT NULL DEFAULT '0' CHECK (del = '1' OR del = '0'),
        n INT CHECK (n = 1 OR n IN (5, 7))
    );"""
    plan, frames = _valid(tmp_path, ddl, dialect="tsql")
    rules = plan.table("contacts").table.check_rules
    assert set(rules.domains["del"]) == {"1", "0"} and set(rules.domains["n"]) == {1, 5, 7}
    assert rules.untranslated == []
    assert set(frames["contacts"]["del"]) == {"0", "1"}


def test_null_couplings_with_nullable_unique_columns_hold(tmp_path):
    """graphile_starter `organization_invitations`: exactly one of user_id and email, and a
    code exactly where there is an email; user_id and email are each part of a UNIQUE
    (NULL is exempt there), yet were never NULL, so every row broke the first CHECK."""
    ddl = """
    CREATE TABLE orgs (id UUID PRIMARY KEY);
    CREATE TABLE users (id UUID PRIMARY KEY);
    CREATE TABLE invitations (
        id UUID PRIMARY KEY,
        org_id UUID NOT NULL REFERENCES orgs (id),
        code TEXT,
        user_id UUID REFERENCES users (id),
        email TEXT,
        CONSTRAINT one_invitee CHECK (((user_id IS NULL) <> (email IS NULL))),
        CONSTRAINT code_with_email CHECK (((code IS NULL) = (email IS NULL))),
        UNIQUE (org_id, email),
        UNIQUE (org_id, user_id)
    );"""
    _, frames = _valid(tmp_path, ddl)
    invitations = frames["invitations"]
    assert 0 < invitations["email"].null_count() < 300
    assert (invitations["code"].is_null() == invitations["email"].is_null()).all()


def test_like_and_similar_to_with_alternatives_and_classes_are_patterns():
    ddl = """CREATE TABLE codes (
        id INT PRIMARY KEY,
        a TEXT CHECK (a SIMILAR TO '(AB|CD)[0-9]{3}%'),
        b VARCHAR(10) CHECK (b LIKE 'X_%')
    );"""
    rules = parse_ddl(ddl, "postgres").tables["codes"].check_rules
    assert rules.untranslated == []
    import re

    values = generate_matching(rules.patterns["a"], 3, np.arange(100))
    assert all(re.fullmatch(r"(AB|CD)[0-9]{3}.*", v) for v in values)
    assert {v[:2] for v in values} == {"AB", "CD"}
    assert unique_space(rules.patterns["b"], False)[1] > 1000


NULL_CASE = {
    "postgres": """CREATE DOMAIN bytea20 AS bytea CONSTRAINT exactly_20 CHECK (VALUE IS NULL
        OR octet_length(VALUE) = 20);
    CREATE TABLE host (id bytea20 PRIMARY KEY);
    CREATE TABLE node (
        id integer PRIMARY KEY,
        host_id bytea20 REFERENCES host (id),
        service_id bytea20,
        group_id bytea20,
        CONSTRAINT ck_either CHECK (
            CASE WHEN group_id IS NULL THEN host_id IS NOT NULL
            ELSE host_id IS NULL AND service_id IS NULL END)
    );
    CREATE UNIQUE INDEX node_parts ON node (host_id, service_id, group_id);""",
    "mysql": """CREATE TABLE host (id binary(20) NOT NULL PRIMARY KEY);
    CREATE TABLE node (
        id int NOT NULL PRIMARY KEY,
        host_id binary(20) DEFAULT NULL,
        service_id binary(20) DEFAULT NULL,
        group_id binary(20) DEFAULT NULL,
        UNIQUE INDEX node_parts (host_id, service_id, group_id),
        CONSTRAINT fk_host FOREIGN KEY (host_id) REFERENCES host (id),
        CONSTRAINT ck_either CHECK (
            IF(group_id IS NULL, host_id IS NOT NULL, host_id IS NULL AND service_id IS NULL) = 1)
    );""",
}


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_a_case_over_null_tests_of_several_columns_holds_by_construction(tmp_path, dialect):
    """icingadb: `CASE WHEN g IS NULL THEN h IS NOT NULL ELSE h IS NULL AND s IS NULL END`
    (MySQL: `IF(...) = 1`) over an FK, a unique index member and a domain column was left to
    redraws, which ran out on 2 of 3,000 rows. Its NULL patterns are drawn instead; every
    allowed one occurs, and the load into the real database is the judge."""
    from datagen_tests import native

    ddl = NULL_CASE[dialect]
    plan = _plan(tmp_path, ddl, 3000, dialect)
    rules = plan.table("node").table.check_rules
    assert not rules.untranslated and len(rules.null_patterns) == 1
    frames = generate_all(plan)
    assert violations(plan, frames) == []
    node = frames["node"]
    nulls = [node[c].is_null().to_list() for c in ("host_id", "group_id", "service_id")]
    seen = set(zip(*nulls, strict=True))
    assert seen == {(False, True, False), (False, True, True), (True, False, True)}
    if dialect == "mysql" and not native.mariadb_available():
        pytest.skip("MariaDB at 127.0.0.1:3306 is not reachable")
    path = tmp_path / f"checks.{dialect}.sql"
    results = native.native_loads(path, plan, tmp_path / "work", quick=True)
    assert results and not [v for v in results.values() if v is not None], results


KEY_ALTERNATIVES = """CREATE TABLE t (
    id int PRIMARY KEY,
    code varchar(8) NOT NULL UNIQUE CHECK (code ~ '^(AB|CD)-[0-9]{3}$'),
    tag text NOT NULL UNIQUE CHECK (tag ~ '^(red|green|blue)_[a-z]{2}$'),
    nick text CHECK (length(nick) BETWEEN 3 AND 5),
    label varchar(40) CHECK (char_length(label) <= 6)
);"""


def test_unique_patterns_with_alternatives_and_length_ranges_hold(tmp_path):
    """A UNIQUE column whose CHECK regex has `|` alternatives was refused ("alternatives
    could spell one value twice"): literal alternatives of one length are one slot of whole
    strings now (AB or CD), otherwise one alternative is used. `length(c) BETWEEN 3 AND 5`
    failed after its redraws: values are cut to the CHECK's most characters. Loaded into
    PostgreSQL, the judge."""
    from datagen_tests import native

    plan = _plan(tmp_path, KEY_ALTERNATIVES, 2000)
    table = plan.table("t")
    assert table.rows == 26 * 26  # `tag` holds red_aa .. red_zz
    frames = generate_all(plan)
    assert violations(plan, frames) == []
    codes = frames["t"]["code"]
    assert codes.n_unique() == table.rows and set(codes.str.slice(0, 2)) == {"AB", "CD"}
    assert frames["t"]["label"].str.len_chars().max() <= 6
    path = tmp_path / "checks.postgres.sql"
    results = native.native_loads(path, plan, tmp_path / "work", quick=True)
    assert results and not [v for v in results.values() if v is not None], results


PG_DUMP_DOCUMENTS = """
CREATE TYPE worker_state AS ENUM ('running', 'stalled', 'landed', 'retiring');
CREATE TABLE jobs (
    id integer PRIMARY KEY,
    args jsonb DEFAULT '{}'::jsonb NOT NULL,
    meta jsonb,
    queues text[] NOT NULL,
    tags text[],
    state worker_state NOT NULL,
    CONSTRAINT valid_args CHECK ((jsonb_typeof(args) = 'array'::text)),
    CONSTRAINT valid_meta CHECK ((jsonb_typeof(meta) = ANY (ARRAY['object'::text]))),
    CONSTRAINT valid_queues CHECK (((array_ndims(queues) = 1)
        AND (array_length(queues, 1) IS NOT NULL))),
    CONSTRAINT few_tags CHECK ((cardinality(tags) >= 2) AND (cardinality(tags) <= 4)),
    CONSTRAINT live CHECK (((state <> 'stalled'::worker_state)
        AND (state <> 'landed'::worker_state)))
);
"""


def test_pg_dump_json_type_and_array_size_checks_hold_and_load(tmp_path):
    """zync (pg_dump): `jsonb_typeof(args) = 'array'::text` failed on every row (objects were
    made) and `array_ndims(q) = 1 AND array_length(q, 1) IS NOT NULL` on the empty arrays,
    while the checks reported them passed: DuckDB reads array_length([]) as 0, not NULL, and
    knows no jsonb_typeof. Both hold by construction now, the casts pg_dump writes read
    through, and PostgreSQL (original DDL, INSERT export, targets) is the judge."""
    from datagen_tests import native

    plan = _plan(tmp_path, PG_DUMP_DOCUMENTS, 200)
    rules = plan.table("jobs").table.check_rules
    assert [c.name for c in rules.untranslated] == ["live"]  # redrawn, evaluated by DuckDB
    assert rules.json_kinds == {"args": "array"} and {"args", "meta"} <= rules.json
    sizes = {c: (b.low, b.high) for c, b in rules.array_sizes.items()}
    assert sizes == {"queues": (1, None), "tags": (2, 4)}
    plan, frames = _valid(tmp_path, PG_DUMP_DOCUMENTS, 200)
    jobs = frames["jobs"]
    assert jobs["args"].str.starts_with("[").all()
    assert jobs["meta"].drop_nulls().str.starts_with("{").all()
    assert jobs["queues"].list.len().min() >= 1
    lengths = jobs["tags"].drop_nulls().list.len()
    assert lengths.min() == 2 and lengths.max() == 4
    assert set(jobs["state"]) <= {"running", "retiring"}
    results = native.native_loads(tmp_path / "checks.postgres.sql", plan, tmp_path / "work")
    assert {"psql insert", "pg target", "pgdump", "pg target create"} <= set(results)
    assert not [v for v in results.values() if v is not None], results


def test_checks_are_evaluated_as_postgresql_reads_them_or_reported_unverified(tmp_path):
    """The asset check and the pre-flight read a CHECK as PostgreSQL does (array_length of an
    empty array is NULL, jsonb_typeof's type names, casts to the schema's own types); one
    that neither DuckDB nor polars reads is a WARN 'not verified', never a pass."""
    import polars as pl

    from datagen_assets.check.constraints import WARN, TableFiles, check_expression, holds

    frame = pl.DataFrame(
        {"q": [[], ["a"], ["a", "b"]], "doc": ["[]", "{}", '"x"'], "s": ["on", "off", "on"]}
    )
    assert holds(frame, "array_length(q, 1) IS NOT NULL").tolist() == [False, True, True]
    assert holds(frame, "array_ndims(q) = 1").tolist() == [True, True, True]  # NULL passes
    assert holds(frame, "cardinality(q) < 2").tolist() == [True, True, False]
    typed = "jsonb_typeof(doc) = CAST('array' AS TEXT)"
    assert holds(frame, typed).tolist() == [True, False, False]
    assert holds(frame, "json_typeof(doc) = 'string'").tolist() == [False, False, True]
    assert holds(frame, "s <> CAST('off' AS switch_state)").tolist() == [True, False, True]
    path = tmp_path / "t.parquet"
    frame.write_parquet(path)
    files = TableFiles("t", {"00000": str(path)})
    failed = check_expression(files, "array_length(q, 1) IS NOT NULL", ("q",))
    assert (failed.passed, failed.counts["failing_rows"]) == (False, 1)
    unknown = check_expression(files, "pg_column_size(doc) < 99", ("doc",))
    assert not unknown.passed and unknown.severity == WARN
    assert "not verified" in unknown.description


FORBIDDEN_CHARACTERS = r"""CREATE TABLE t (
    id int PRIMARY KEY,
    full_name text NOT NULL CHECK (full_name !~ '\s'),
    city text CHECK (city !~ '[^A-Za-z]+'),
    note text CHECK (note NOT LIKE '%;%'),
    title text CHECK (title !~ '^\s*$')
);"""


def test_negated_patterns_of_forbidden_characters_hold_by_construction(tmp_path):
    r"""`c !~ '\s'` over names (all with a space) and `c !~ '[^A-Za-z]+'` ran out of redraws:
    the characters a negated one-character pattern forbids are removed from the values."""
    plan = _plan(tmp_path, FORBIDDEN_CHARACTERS, 500)
    rules = plan.table("t").table.check_rules
    assert rules.forbidden == {"full_name": [r"\s"], "city": ["[^A-Za-z]+"], "note": [";"]}
    frames = generate_all(plan)
    assert violations(plan, frames) == []
    t = frames["t"]
    assert not t["full_name"].str.contains(r"\s").any()
    assert t["city"].drop_nulls().str.contains("^[A-Za-z]*$").all()

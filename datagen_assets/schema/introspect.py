"""Snapshot a live PostgreSQL database as DDL, and optionally profile its data.

A snapshot is a plain PostgreSQL DDL file read from pg_catalog, so a live database becomes a
dataset like any other schema file: `load_ddl` imports it, psql loads it into an empty
database. It is written to be:

- loadable: schemas, extensions and types come before the tables that use them, and foreign
  keys are added by ALTER TABLE at the end, so table order never matters; serial columns are
  written as `serial` (their sequences are recreated), identity columns as identity;
- deterministic: every list is sorted in Python (not by the server's collation), and names and
  expressions are printed by the server with `search_path = public`, so `public` objects are
  unqualified and everything else is qualified. Snapshotting a database loaded from a snapshot
  gives the same text, except the header;
- honest about what it leaves out: non-unique indexes, views, functions, triggers, grants.
  A DEFAULT or CHECK that calls a user function is written as a comment (the function is not
  part of the snapshot, so the statement could not load).

The profile (`profile_postgres`) adds per-column statistics, and the most frequent values of
low-cardinality columns, but never values of columns whose names look like personal data.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import yaml
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from datagen_assets.files import write_atomically

VISIBLE_SCHEMA = "public"  # printed unqualified, as hand-written DDL does
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")
MAX_PROFILED_DISTINCT = 50  # top values only for columns with at most this many values
TOP_VALUES = 20
# Column names that look like personal data: their values never leave the database.
PII_NAME = re.compile(
    r"name|mail|phone|mobile|fax|tel(?:ephone)?$|^tel|addr|street|zip|postal|postcode|city"
    r"|ssn|social|birth|dob|passport|licen[cs]e|iban|card|cvv|account_?(?:no|num)|tax"
    r"|national|password|passwd|secret|token|salary|gender|^ip$|_ip$|^ip_|ip_?address|login"
    r"|latitude|longitude|geo|location|coordinates",
    re.IGNORECASE,
)
_SERIALS = {"smallint": "smallserial", "integer": "serial", "bigint": "bigserial"}
_ORDERED_TYPES = frozenset(
    {"int2", "int4", "int8", "numeric", "float4", "float8", "money", "date", "time", "timetz",
     "timestamp", "timestamptz", "interval"}
)  # fmt: skip
_LISTED_CATEGORIES = frozenset({"S", "E", "B"})  # string, enum, boolean: top values make sense
_CONSTRAINT_ORDER = {"p": 0, "u": 1, "x": 2, "c": 3}


# ---------------------------------------------------------------------------------------------
# Catalog queries. `%(tables)s` is the list of selected table oids.
# ---------------------------------------------------------------------------------------------

_TABLES = """
SELECT c.oid, n.nspname, c.relname, c.oid::regclass::text, obj_description(c.oid, 'pg_class'),
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                  AND d.objid = c.oid AND d.deptype = 'e')
"""

# Partitions of the selected tables, at any depth, parents first: (parent oid, oid, name,
# bound, own partition key or NULL).
_PARTITIONS = """
WITH RECURSIVE tree(parent, child) AS (
  SELECT i.inhparent, i.inhrelid FROM pg_inherits i WHERE i.inhparent = ANY(%(tables)s)
  UNION ALL
  SELECT i.inhparent, i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.child
)
SELECT t.parent, c.oid, c.oid::regclass::text, pg_get_expr(c.relpartbound, c.oid),
       CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END
FROM tree t JOIN pg_class c ON c.oid = t.child
WHERE c.relispartition
"""

_COLUMNS = """
SELECT a.attrelid, a.attnum, a.attname, quote_ident(a.attname),
       format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnotnull, a.attidentity,
       a.attgenerated, pg_get_expr(ad.adbin, ad.adrelid), ad.oid,
       col_description(a.attrelid, a.attnum),
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN
         (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
          FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
          WHERE co.oid = a.attcollation) END
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE a.attrelid = ANY(%(tables)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""

# Sequences owned by a column (serial): table oid, column number, sequence name as printed.
_OWNED_SEQUENCES = """
SELECT d.refobjid, d.refobjsubid, s.oid::regclass::text
FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
  AND d.deptype = 'a' AND d.refobjid = ANY(%(tables)s)
"""

# What a default (pg_attrdef) or constraint depends on: sequences and user functions.
_DEPENDENCIES = """
SELECT d.classid::regclass::text, d.objid, 'sequence', s.oid::regclass::text, sn.nspname
FROM pg_depend d JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
JOIN pg_namespace sn ON sn.oid = s.relnamespace
WHERE d.refclassid = 'pg_class'::regclass AND d.objid = ANY(%(objects)s)
  AND d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass)
UNION ALL
SELECT d.classid::regclass::text, d.objid, 'function', p.oid::regprocedure::text, NULL
FROM pg_depend d JOIN pg_proc p ON p.oid = d.refobjid
JOIN pg_namespace pn ON pn.oid = p.pronamespace
WHERE d.refclassid = 'pg_proc'::regclass AND d.objid = ANY(%(objects)s)
  AND d.classid IN ('pg_attrdef'::regclass, 'pg_constraint'::regclass)
  AND pn.nspname NOT IN ('pg_catalog', 'information_schema')
  AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass
                  AND e.objid = p.oid AND e.deptype = 'e')
"""

_CONSTRAINTS = """
SELECT con.oid, con.conrelid, con.contype, con.conname, quote_ident(con.conname),
       pg_get_constraintdef(con.oid), con.confrelid
FROM pg_constraint con
WHERE con.conrelid = ANY(%(tables)s) AND con.contype IN ('p', 'u', 'c', 'f', 'x')
"""

# Unique indexes that back no constraint (CREATE UNIQUE INDEX): they constrain data too.
_UNIQUE_INDEXES = """
SELECT i.indrelid, quote_ident(ic.relname), pg_get_indexdef(i.indexrelid),
       quote_ident(n.nspname) || '.' || quote_ident(c.relname)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid = ANY(%(tables)s) AND i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                  AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
"""

_TYPES = """
SELECT t.oid, t.typtype, t.typcategory, n.nspname, t.oid::regtype::text, t.typbasetype,
       t.typelem, t.typrelid, t.typnotnull, t.typdefault,
       format_type(t.typbasetype, t.typtypmod),
       (SELECT quote_ident(x.extname) || ' WITH SCHEMA ' || quote_ident(xn.nspname)
        FROM pg_depend d JOIN pg_extension x ON x.oid = d.refobjid
        JOIN pg_namespace xn ON xn.oid = x.extnamespace
        WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
          AND d.refclassid = 'pg_extension'::regclass),
       (SELECT rngsubtype FROM pg_range r WHERE r.rngtypid = t.oid),
       (SELECT format_type(rngsubtype, NULL) FROM pg_range r WHERE r.rngtypid = t.oid)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.oid = ANY(%(types)s)
"""

_ENUM_LABELS = """
SELECT enumtypid, quote_literal(enumlabel) FROM pg_enum
WHERE enumtypid = ANY(%(types)s) ORDER BY enumtypid, enumsortorder
"""

_DOMAIN_CHECKS = """
SELECT contypid, quote_ident(conname), pg_get_constraintdef(oid), conname FROM pg_constraint
WHERE contypid = ANY(%(types)s) AND contype = 'c'
"""

_COMPOSITE_ATTRIBUTES = """
SELECT t.oid, a.attnum, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.atttypid
FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid
WHERE t.oid = ANY(%(types)s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY t.oid, a.attnum
"""


# ---------------------------------------------------------------------------------------------
# What the catalog says, gathered before any text is written.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Column:
    number: int
    name: str
    quoted: str
    type: str
    type_oid: int
    not_null: bool
    identity: str
    generated: str
    default: str | None
    default_oid: int | None
    comment: str | None
    collation: str | None


@dataclass
class _Table:
    oid: int
    schema: str
    name: str
    qualified: str  # as printed with search_path = public
    comment: str | None
    partition_key: str | None = None  # `LIST (year)` of a partitioned table
    columns: list[_Column] = field(default_factory=list)
    constraints: list[tuple[int, str, str, str, str, int]] = field(default_factory=list)
    unique_indexes: list[str] = field(default_factory=list)
    # (child, parent, CREATE TABLE child PARTITION OF parent ...) at any depth below it
    partitions: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """The model's table key: what `load_ddl` names this table when it reads the snapshot."""
        return self.name if self.schema == VISIBLE_SCHEMA else f"{self.schema}.{self.name}"


@dataclass
class _Catalog:
    """Everything the snapshot prints, read in one repeatable-read transaction."""

    tables: list[_Table]
    serials: set[tuple[int, int]]  # (table oid, column number) of serial columns
    functions: dict[int, list[str]]  # pg_attrdef/pg_constraint oid -> user functions it calls
    types: list[str]  # CREATE TYPE / CREATE DOMAIN statements, dependencies first
    extensions: list[str]
    sequences: list[str]  # used by defaults but recreated by no serial column
    schemas: list[str]  # to create first (quoted), `public` excepted


@contextlib.contextmanager
def _connect(dsn: str) -> Iterator[psycopg.Connection]:
    """A read-only, repeatable-read session printing names relative to `public`."""
    with psycopg.connect(dsn, connect_timeout=10) as connection:
        connection.read_only = True
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with connection.transaction():
            connection.execute("SELECT set_config('search_path', %s, true)", [VISIBLE_SCHEMA])
            yield connection


def _select_tables(
    connection: psycopg.Connection, schemas: Sequence[str] | None, tables: Sequence[str] | None
) -> list[_Table]:
    """The selected tables, sorted by (schema, name); unknown requested tables are an error."""
    found = [_Table(*row) for row in connection.execute(_TABLES).fetchall()]
    if schemas:
        found = [t for t in found if t.schema in schemas]
    if tables:
        wanted = set(tables)
        found = [t for t in found if {t.key, f"{t.schema}.{t.name}", t.name} & wanted]
        names = {n for t in found for n in (t.key, f"{t.schema}.{t.name}", t.name)}
        missing = sorted(wanted - names)
        if missing:
            raise ValueError(f"no such table(s) in the selected schemas: {', '.join(missing)}")
    if not found:  # an empty schema file would break dataset discovery: refuse early
        raise ValueError(f"no tables in schema(s) {', '.join(schemas or ['(any)'])}")
    return sorted(found, key=lambda t: (t.schema, t.name))


def _read_catalog(
    connection: psycopg.Connection, schemas: Sequence[str] | None, tables: Sequence[str] | None
) -> _Catalog:
    selected = _select_tables(connection, schemas, tables)
    _read_tables(connection, selected)
    serials = _serial_columns(connection, selected)
    sequences, functions, needed = _dependencies(connection, selected, serials)
    type_oids = {c.type_oid for t in selected for c in t.columns}
    types, extensions, type_schemas = _TypeWriter(connection).write(type_oids)
    needed |= type_schemas | {t.schema for t in selected}
    quoted = connection.execute(
        'SELECT quote_ident(s) FROM unnest(%s::text[]) AS s ORDER BY s COLLATE "C"',
        [sorted(needed - {VISIBLE_SCHEMA})],
    ).fetchall()
    return _Catalog(
        tables=selected,
        serials=serials,
        functions=functions,
        types=types,
        extensions=extensions,
        sequences=[f"CREATE SEQUENCE IF NOT EXISTS {name};" for name in sorted(sequences)],
        schemas=[f"CREATE SCHEMA IF NOT EXISTS {row[0]};" for row in quoted],
    )


def _read_tables(connection: psycopg.Connection, selected: list[_Table]) -> None:
    """Columns, constraints and unique indexes of the selected tables."""
    by_oid = {t.oid: t for t in selected}
    params = {"tables": list(by_oid)}
    for row in connection.execute(_COLUMNS, params).fetchall():
        by_oid[row[0]].columns.append(_Column(*row[1:]))
    for row in connection.execute(_CONSTRAINTS, params).fetchall():
        by_oid[row[1]].constraints.append((row[0], row[2], row[3], row[4], row[5], row[6]))
    for relid, quoted, definition, on_table in connection.execute(_UNIQUE_INDEXES, params):
        table = by_oid[relid]
        table.unique_indexes.append(_unique_index(quoted, definition, on_table, table))
    rows = connection.execute(_PARTITIONS, params).fetchall()
    names = {t.oid: t.qualified for t in selected} | {row[1]: row[2] for row in rows}
    roots: dict[int, int] = {}  # partition -> the selected table whose statement lists it
    for parent, oid, *_ in rows:  # the recursive query yields parents before children
        roots[oid] = roots.get(parent, parent)
    for parent, oid, name, bound, key in rows:
        statement = f"CREATE TABLE {name} PARTITION OF {names[parent]} {bound}"
        statement += f" PARTITION BY {key};" if key else ";"
        by_oid[roots[oid]].partitions.append((name, names[parent], statement))


def _serial_columns(connection: psycopg.Connection, selected: list[_Table]) -> set[tuple[int, int]]:
    """Integer columns whose default takes the next value of a sequence they own: serials."""
    params = {"tables": [t.oid for t in selected]}
    owned = {(r[0], r[1]): r[2] for r in connection.execute(_OWNED_SEQUENCES, params)}
    return {
        (t.oid, c.number)
        for t in selected
        for c in t.columns
        if c.type in _SERIALS
        and c.default == f"nextval('{owned.get((t.oid, c.number))}'::regclass)"
    }


def _dependencies(
    connection: psycopg.Connection, selected: list[_Table], serials: set[tuple[int, int]]
) -> tuple[set[str], dict[int, list[str]], set[str]]:
    """Sequences that defaults use (serials aside), user functions that defaults and
    constraints call, and the schemas of those sequences."""
    objects = [c.default_oid for t in selected for c in t.columns if c.default_oid]
    objects += [con[0] for t in selected for con in t.constraints]
    serial_defaults = {
        c.default_oid for t in selected for c in t.columns if (t.oid, c.number) in serials
    }
    sequences: set[str] = set()
    functions: dict[int, list[str]] = {}
    schemas: set[str] = set()
    for _, oid, kind, name, schema in connection.execute(_DEPENDENCIES, {"objects": objects}):
        if kind == "function":
            functions.setdefault(oid, []).append(name)
        elif oid not in serial_defaults:
            sequences.add(name)
            schemas.add(schema)
    return sequences, functions, schemas


def _unique_index(quoted: str, definition: str, on_table: str, table: _Table) -> str:
    """pg_get_indexdef always qualifies the table; print it as the rest of the snapshot does."""
    head = f"CREATE UNIQUE INDEX {quoted} ON {on_table} "
    if definition.startswith(head):
        definition = f"CREATE UNIQUE INDEX {quoted} ON {table.qualified} {definition[len(head) :]}"
    return f"{definition};"


# ---------------------------------------------------------------------------------------------
# User-defined types: enums, domains, composites, ranges, and extension types.
# ---------------------------------------------------------------------------------------------


class _TypeWriter:
    """Collects the types the selected columns use, and writes them dependencies first."""

    def __init__(self, connection: psycopg.Connection):
        self.connection = connection
        self.rows: dict[int, tuple[Any, ...]] = {}
        self.labels: dict[int, list[str]] = {}
        self.checks: dict[int, list[tuple[str, str, str]]] = {}
        self.attributes: dict[int, list[tuple[str, str, int]]] = {}

    def write(self, roots: set[int]) -> tuple[list[str], list[str], set[str]]:
        self._load(roots)
        statements: list[str] = []
        extensions: set[str] = set()
        schemas: set[str] = set()
        done: set[int] = set()
        for oid in sorted(self.rows, key=lambda o: self.rows[o][4]):
            self._emit(oid, statements, extensions, schemas, done)
        return statements, sorted(extensions), schemas

    def _load(self, roots: set[int]) -> None:
        """Read the types and, transitively, the types they are built on."""
        pending = set(roots)
        while pending:
            rows = self.connection.execute(_TYPES, {"types": list(pending)}).fetchall()
            pending = set()
            for row in rows:
                self.rows[row[0]] = row
                pending |= {dep for dep in self._depends_on(row) if dep and dep not in self.rows}
            user = [o for o in self.rows if o not in self.labels and self._is_user(self.rows[o])]
            params = {"types": user}
            for oid, label in self.connection.execute(_ENUM_LABELS, params):
                self.labels.setdefault(oid, []).append(label)
            for oid, quoted, definition, name in self.connection.execute(_DOMAIN_CHECKS, params):
                self.checks.setdefault(oid, []).append((name, quoted, definition))
            for oid, _, quoted, type_text, type_oid in self.connection.execute(
                _COMPOSITE_ATTRIBUTES, params
            ):
                self.attributes.setdefault(oid, []).append((quoted, type_text, type_oid))
                if type_oid not in self.rows:
                    pending.add(type_oid)
            for oid in user:
                self.labels.setdefault(oid, [])

    def _depends_on(self, row: tuple[Any, ...]) -> list[int]:
        _, typtype, category, _, _, base, element, _, _, _, _, _, subtype, _ = row
        if category == "A":
            return [element]
        return [base] if typtype == "d" else [subtype] if typtype == "r" else []

    @staticmethod
    def _is_user(row: tuple[Any, ...]) -> bool:
        return row[3] not in SYSTEM_SCHEMAS and row[11] is None and row[2] != "A"

    def _emit(
        self,
        oid: int,
        statements: list[str],
        extensions: set[str],
        schemas: set[str],
        done: set[int],
    ) -> None:
        if oid in done or oid not in self.rows:
            return
        done.add(oid)
        row = self.rows[oid]
        for dependency in self._depends_on(row) + [a[2] for a in self.attributes.get(oid, [])]:
            self._emit(dependency, statements, extensions, schemas, done)
        typtype, schema, name, extension = row[1], row[3], row[4], row[11]
        if extension is not None:
            extensions.add(extension)
            return
        if schema in SYSTEM_SCHEMAS or row[2] == "A":
            return
        schemas.add(schema)
        statements.append(self._statement(oid, typtype, name, row))

    def _statement(self, oid: int, typtype: str, name: str, row: tuple[Any, ...]) -> str:
        if typtype == "e":
            return f"CREATE TYPE {name} AS ENUM ({', '.join(self.labels.get(oid, []))});"
        if typtype == "d":
            parts = [f"CREATE DOMAIN {name} AS {row[10]}"]
            if row[9] is not None:
                parts.append(f"DEFAULT {row[9]}")
            if row[8]:
                parts.append("NOT NULL")
            for _, quoted, definition in sorted(self.checks.get(oid, [])):
                parts.append(f"CONSTRAINT {quoted} {definition}")
            return "\n    ".join(parts) + ";"
        if typtype == "c":
            attributes = ",\n    ".join(f"{a[0]} {a[1]}" for a in self.attributes.get(oid, []))
            return f"CREATE TYPE {name} AS (\n    {attributes}\n);"
        if typtype == "r":
            return f"CREATE TYPE {name} AS RANGE (SUBTYPE = {row[13]});"
        return f"-- type {name} is not reproduced (a base type without its extension)"


# ---------------------------------------------------------------------------------------------
# Writing the DDL text.
# ---------------------------------------------------------------------------------------------


def _header(connection: psycopg.Connection, schemas: Sequence[str] | None, tables: Any) -> str:
    """Where and when the snapshot was taken; never the password."""
    info = connection.info
    version = connection.execute("SHOW server_version").fetchone()
    taken = datetime.now(UTC).replace(microsecond=0).isoformat()
    return "\n".join(
        [
            f'-- DataGen snapshot of PostgreSQL database "{info.dbname}" at '
            f"{info.host}:{info.port} (server {version[0] if version else '?'})",
            f"-- schemas: {', '.join(schemas) if schemas else 'all'}; "
            f"tables: {', '.join(tables) if tables else 'all'}",
            f"-- taken {taken} by datagen_assets.schema.introspect",
        ]
    )


def _column_sql(table: _Table, column: _Column, catalog: _Catalog) -> tuple[str, str | None]:
    """One column definition, and a comment line when its default had to be left out."""
    parts = [column.quoted]
    default, dropped = column.default, None
    if (table.oid, column.number) in catalog.serials:
        parts.append(_SERIALS[column.type])
        default = None
    else:
        parts.append(column.type)
    if column.collation:
        parts.append(f"COLLATE {column.collation}")
    if column.generated == "s":
        parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
        default = None
    elif column.identity:
        kind = "ALWAYS" if column.identity == "a" else "BY DEFAULT"
        parts.append(f"GENERATED {kind} AS IDENTITY")
    if default is not None:
        calls = catalog.functions.get(column.default_oid or 0)
        if calls:
            dropped = f"-- {column.quoted}: DEFAULT {default} left out (calls {', '.join(calls)})"
        else:
            parts.append(f"DEFAULT {default}")
    if column.not_null:
        parts.append("NOT NULL")
    return " ".join(parts), dropped


def _table_sql(table: _Table, catalog: _Catalog) -> str:
    lines, notes = [], []
    for column in table.columns:
        text, dropped = _column_sql(table, column, catalog)
        lines.append(text)
        if dropped:
            notes.append(dropped)
    constraints = sorted(
        (c for c in table.constraints if c[1] != "f"),
        key=lambda c: (_CONSTRAINT_ORDER[c[1]], c[2]),
    )
    for oid, _, _, quoted, definition, _ in constraints:
        calls = catalog.functions.get(oid)
        if calls:
            notes.append(f"-- CONSTRAINT {quoted} {definition} left out (calls {', '.join(calls)})")
        else:
            lines.append(f"CONSTRAINT {quoted} {definition}")
    body = ",\n    ".join(lines)
    partitioned = f" PARTITION BY {table.partition_key}" if table.partition_key else ""
    statements = [*notes, f"CREATE TABLE {table.qualified} (\n    {body}\n){partitioned};"]
    statements += _parents_first(table.partitions)
    statements += sorted(table.unique_indexes)
    if table.comment is not None:
        statements.append(f"COMMENT ON TABLE {table.qualified} IS {_literal(table.comment)};")
    for column in table.columns:
        if column.comment is not None:
            target = f"{table.qualified}.{column.quoted}"
            statements.append(f"COMMENT ON COLUMN {target} IS {_literal(column.comment)};")
    return "\n".join(statements)


def _parents_first(partitions: list[tuple[str, str, str]]) -> list[str]:
    """(child, parent, statement) ordered so that a sub-partitioned partition comes before
    its own partitions (each group sorted by name)."""
    ordered: list[str] = []
    pending = sorted(partitions)
    while pending:
        waiting = {child for child, _, _ in pending}
        ready = [p for p in pending if p[1] not in waiting] or pending[:1]
        ordered += [statement for _, _, statement in ready]
        pending = [p for p in pending if p not in ready]
    return ordered


def _literal(text: str) -> str:
    """A string literal as PostgreSQL's quote_literal writes it (E'' only for backslashes)."""
    escaped = text.replace("'", "''")
    if "\\" in text:
        return "E'" + escaped.replace("\\", "\\\\") + "'"
    return f"'{escaped}'"


def _foreign_keys(catalog: _Catalog) -> list[str]:
    """ALTER TABLE ... ADD CONSTRAINT for every FK, sorted; FKs leaving the snapshot skipped."""
    selected = {t.oid for t in catalog.tables}
    statements = []
    for table in catalog.tables:
        keys = sorted((c for c in table.constraints if c[1] == "f"), key=lambda c: c[2])
        for _, _, _, quoted, definition, referenced in keys:
            statement = f"ALTER TABLE {table.qualified} ADD CONSTRAINT {quoted} {definition};"
            if referenced not in selected:
                statement = (
                    f"-- left out, it references a table outside the snapshot:\n-- {statement}"
                )
            statements.append(statement)
    return statements


def _render(header: str, catalog: _Catalog) -> str:
    """Header, schemas, extensions, types, sequences, tables, then foreign keys."""
    sections = [
        [header],
        catalog.schemas,
        [f"CREATE EXTENSION IF NOT EXISTS {e};" for e in catalog.extensions],
        catalog.types,
        catalog.sequences,
        *[[_table_sql(t, catalog)] for t in catalog.tables],
        _foreign_keys(catalog),
    ]
    return "\n\n".join("\n".join(section) for section in sections if section) + "\n"


# ---------------------------------------------------------------------------------------------
# Profiling.
# ---------------------------------------------------------------------------------------------


def looks_personal(column: str) -> bool:
    """Whether a column name suggests personal data; then no value of it is ever stored."""
    return PII_NAME.search(column) is not None


_COLUMN_KINDS = """
SELECT a.attrelid, a.attname, b.typname, b.typcategory
FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
"""


def _profile_table(
    connection: psycopg.Connection, table: _Table, kinds: list[tuple[str, str, str]]
) -> dict[str, Any]:
    """Row count, and per column: null fraction, distinct count, range or length, top values."""
    target = sql.Identifier(table.schema, table.name)
    aggregates = [sql.SQL("count(*)")]
    for name, type_name, category in kinds:
        column = sql.Identifier(name)
        aggregates += [
            sql.SQL("count({})").format(column),
            sql.SQL("count(DISTINCT {}::text)").format(column),
        ]
        if type_name in _ORDERED_TYPES and not looks_personal(name):
            aggregates += [sql.SQL("min({0})::text, max({0})::text").format(column)]
        if category == "S":
            aggregates += [sql.SQL("min(length({0}::text)), max(length({0}::text))").format(column)]
    query = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(aggregates), target)
    values = list(connection.execute(query).fetchone() or [])
    rows = values.pop(0)
    columns: dict[str, Any] = {}
    for name, type_name, category in kinds:
        present, distinct = values.pop(0), values.pop(0)
        stats: dict[str, Any] = {
            "null_fraction": round(1 - present / rows, 4) if rows else None,
            "distinct": distinct,
        }
        personal = looks_personal(name)
        if type_name in _ORDERED_TYPES and not personal:
            stats["min"], stats["max"] = _plain(values.pop(0)), _plain(values.pop(0))
        if category == "S":
            stats["min_length"], stats["max_length"] = values.pop(0), values.pop(0)
        if personal:
            stats["personal"] = True  # values withheld
        elif category in _LISTED_CATEGORIES and 0 < distinct <= MAX_PROFILED_DISTINCT:
            stats["top_values"] = _top_values(connection, target, name)
        columns[name] = stats
    return {"rows": rows, "columns": columns}


def _top_values(
    connection: psycopg.Connection, target: sql.Composable, name: str
) -> list[dict[str, Any]]:
    column = sql.Identifier(name)
    query = sql.SQL(
        'SELECT {0}::text COLLATE "C", count(*) FROM {1} WHERE {0} IS NOT NULL '
        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {2}"
    ).format(column, target, sql.Literal(TOP_VALUES))
    return [{"value": value, "count": count} for value, count in connection.execute(query)]


def _plain(text: str | None) -> Any:
    """A min/max as YAML can hold it: an int or float when it reads as one, else the text."""
    if text is None:
        return None
    for kind in (int, float):
        with contextlib.suppress(ValueError):
            return kind(text)
    return text


# ---------------------------------------------------------------------------------------------
# Public API.
# ---------------------------------------------------------------------------------------------


def snapshot_postgres(
    dsn: str, schemas: list[str] | None = None, tables: list[str] | None = None
) -> str:
    """PostgreSQL DDL for the selected schemas/tables of a live database (see module doc).

    `schemas` defaults to every non-system schema; `tables` names tables as `schema.name`
    or `name`. Raises ValueError when a named table does not exist.
    """
    with _connect(dsn) as connection:
        catalog = _read_catalog(connection, schemas, tables)
        return _render(_header(connection, schemas, tables), catalog)


def profile_postgres(
    dsn: str, schemas: list[str] | None = None, tables: list[str] | None = None
) -> dict[str, Any]:
    """Per-table row counts and per-column statistics, safe to commit beside the snapshot.

    Each column gets its null fraction and distinct count; numbers and times their min/max;
    strings their min/max length; low-cardinality (at most 50 values) strings, enums and
    booleans their most frequent values. Columns whose names look personal (name, email,
    phone, address, birth, ...) get counts only, and `personal: true`.
    """
    with _connect(dsn) as connection:
        selected = _select_tables(connection, schemas, tables)
        rows = connection.execute(_COLUMN_KINDS, [[t.oid for t in selected]]).fetchall()
        kinds: dict[int, list[tuple[str, str, str]]] = {}
        for relid, name, type_name, category in rows:
            kinds.setdefault(relid, []).append((name, type_name, category))
        info = connection.info
        return {
            "source": {"host": info.host, "port": info.port, "database": info.dbname},
            "taken": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "tables": {
                t.key: _profile_table(connection, t, kinds.get(t.oid, [])) for t in selected
            },
        }


def profile_json_schema() -> dict[str, Any]:
    """The JSON Schema of the profile YAML (`profile_postgres`'s document), published for
    editors (`datagen config-schema profile`, docs/profile.schema.json)."""
    scalar = {"type": ["string", "number", "boolean", "null"]}
    column = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "null_fraction": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
            "distinct": {"type": "integer", "minimum": 0},
            "min": scalar,
            "max": scalar,
            "min_length": {"type": ["integer", "null"]},
            "max_length": {"type": ["integer", "null"]},
            "personal": {"const": True, "description": "values withheld"},
            "top_values": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["value", "count"],
                    "properties": {"value": scalar, "count": {"type": "integer"}},
                },
            },
        },
    }
    table = {
        "type": "object",
        "additionalProperties": False,
        "required": ["rows", "columns"],
        "properties": {
            "rows": {"type": "integer", "minimum": 0},
            "columns": {"type": "object", "additionalProperties": column},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "DataGen snapshot profile (<name>.profile.yaml)",
        "description": "Row counts and column statistics of a live PostgreSQL database, "
        "written by `datagen introspect --profile`; personal columns hold counts only.",
        "type": "object",
        "additionalProperties": False,
        "required": ["tables"],
        "properties": {
            "source": {
                "type": "object",
                "properties": {
                    "host": {"type": ["string", "null"]},
                    "port": {"type": ["integer", "null"]},
                    "database": {"type": ["string", "null"]},
                },
            },
            "taken": {"type": "string", "format": "date-time"},
            "tables": {"type": "object", "additionalProperties": table},
        },
    }


def profile_path(snapshot_path: str | Path) -> Path:
    """`schemas/shop.postgres.sql` -> `schemas/shop.profile.yaml`."""
    path = Path(snapshot_path)
    return path.with_name(f"{path.name.split('.')[0]}.profile.yaml")


def write_snapshot(
    dsn: str,
    out_path: str | Path,
    schemas: list[str] | None = None,
    tables: list[str] | None = None,
    *,
    profile: bool = False,
) -> list[Path]:
    """Write the snapshot (and with `profile`, its profile YAML) atomically; return the paths.

    Each file is written to a temporary file beside it and renamed over the target, so a
    reader (or a running Dagster sensor) never sees half a file.
    """
    out = Path(out_path)
    write_atomically(out, snapshot_postgres(dsn, schemas, tables))
    written = [out]
    if profile:
        statistics = profile_postgres(dsn, schemas, tables)
        from datagen_assets.published_schemas import modeline

        text = yaml.safe_dump(statistics, sort_keys=False, allow_unicode=True)
        write_atomically(profile_path(out), modeline("profile", profile_path(out)) + text)
        written.append(profile_path(out))
    return written


def redact(dsn: str) -> str:
    """The DSN without its password, for messages."""
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.Error:
        return "<unreadable DSN>"
    params.pop("password", None)
    return make_conninfo(**params) or "<libpq defaults>"


def without_secret(message: str, dsn: str) -> str:
    """An error message with any occurrence of the DSN's password masked."""
    with contextlib.suppress(psycopg.Error):
        password = conninfo_to_dict(dsn).get("password")
        if password:
            message = message.replace(str(password), "***")
    return message


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m datagen_assets.schema.introspect ...`: an alias of `datagen introspect`."""
    from datagen_assets.cli import main as datagen

    return datagen(["introspect", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    raise SystemExit(main())

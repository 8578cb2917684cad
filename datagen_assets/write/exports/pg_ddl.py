"""PostgreSQL DDL for a set of tables, for the dump format (and `setval` for the INSERT one).

A dump is loaded into an empty database, so it creates what the tables need (schemas, enum
types, the sequences column defaults call), the tables with their columns, types, NOT NULL and
DEFAULTs, and, after the data, the keys, uniques and unique indexes, the other indexes, checks
and foreign keys: loading first and constraining after is both faster and independent of table
order (FK cycles included). Sequences are moved past the loaded keys so later inserts do not
collide.

What the source declared is kept where PostgreSQL can hold it: a PostgreSQL schema's SERIAL /
BIGSERIAL stays serial, GENERATED ALWAYS / BY DEFAULT AS IDENTITY stays that identity, a
`nextval('seq')` default stays a default on its own sequence, DEFAULTs and indexes are
written as declared. What a fresh database could not run is left out with a comment saying
so (a function or operator class of an extension or of the schema's own code). Another
dialect's auto-increment is an identity BY DEFAULT, and of its DEFAULTs those PostgreSQL
reads the same (`DEFAULT_RULES`).

Types: a PostgreSQL schema's own spelling where it means the same logical type (same kind,
length, precision, scale); otherwise, and for every other dialect, the canonical PostgreSQL type
of the kind, which is what the generated values are. A type of another dialect transpiled by
sqlglot is often no PostgreSQL type at all (MySQL BLOB and INT UNSIGNED, T-SQL VARCHAR(MAX),
`binary(20)` as bytea(20)), so it is never used. Identifiers and string literals are
rendered by sqlglot's PostgreSQL dialect.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace
from importlib.resources import files

import sqlglot
import sqlglot.expressions as exp
from sqlglot.errors import SqlglotError

from datagen_assets.schema.model import (
    INTEGER_KINDS,
    STRING_KINDS,
    Check,
    Column,
    ColumnType,
    Index,
    Table,
    TypeKind,
    UniqueIndex,
    type_name,
)
from datagen_assets.schema.types import NAMED_KINDS, map_type

K = TypeKind
PG = "postgres"
DEFAULT_SCHEMA = "public"

# The canonical PostgreSQL type of each kind (parameters added by `canonical_type`).
# fmt: off
PG_TYPES: dict[TypeKind, str] = {
    K.SMALLINT: "smallint", K.INTEGER: "integer", K.BIGINT: "bigint", K.NUMERIC: "numeric",
    K.REAL: "real", K.DOUBLE: "double precision", K.MONEY: "numeric(19, 2)", K.TEXT: "text",
    K.VARCHAR: "varchar", K.CHAR: "char", K.BOOLEAN: "boolean", K.DATE: "date", K.TIME: "time",
    K.TIMESTAMP: "timestamp", K.TIMESTAMPTZ: "timestamptz", K.INTERVAL: "interval",
    K.UUID: "uuid", K.JSON: "json", K.BYTES: "bytea", K.INET: "inet", K.POINT: "point",
    K.XML: "xml", K.UNKNOWN: "text",
}
# Built-in PostgreSQL type names (as sqlglot spells them, lower-case, without parameters): a
# declared type outside them is a domain, an extension's type or no PostgreSQL type at all
# (sqlglot reads `uint` as its own UINT), which a fresh database does not have.
PG_TYPE_NAMES = frozenset({
    "smallint", "int", "integer", "bigint", "int2", "int4", "int8", "decimal", "numeric",
    "real", "double precision", "float", "float4", "float8", "money", "text", "varchar",
    "character varying", "char", "character", "bpchar", "name", "boolean", "bool", "date",
    "time", "timetz", "timestamp", "timestamptz", "time with time zone",
    "time without time zone", "timestamp with time zone", "timestamp without time zone",
    "interval", "uuid", "json", "jsonb", "bytea", "inet", "cidr", "macaddr", "macaddr8",
    "point", "line", "lseg", "box", "path", "polygon", "circle", "xml", "tsvector", "tsquery",
    "bit", "varbit", "bit varying", "int4range", "int8range", "numrange", "daterange",
    "tsrange", "tstzrange", "oid",
})
# The PostgreSQL serial types by written name.
SERIAL_TYPES = {
    "serial": "serial", "serial4": "serial", "bigserial": "bigserial", "serial8": "bigserial",
    "smallserial": "smallserial", "serial2": "smallserial",
}
# Access methods of a fresh database and the column kinds each has a default operator class
# for (None: every kind); an index with another method, or on another kind without a named
# operator class, needs an extension (btree_gist, btree_gin) the database may lack.
INDEX_METHODS: dict[str, frozenset[TypeKind] | None] = {
    "btree": None, "hash": None,
    "gin": frozenset({K.JSON, K.TSVECTOR}),
    "gist": frozenset({K.RANGE, K.GEOMETRY, K.POINT, K.TSVECTOR, K.TSQUERY}),
    "spgist": frozenset({K.RANGE, K.GEOMETRY, K.POINT, K.TEXT, K.VARCHAR, K.CHAR, K.INET}),
    "brin": frozenset({
        K.SMALLINT, K.INTEGER, K.BIGINT, K.NUMERIC, K.REAL, K.DOUBLE, K.MONEY, K.TEXT,
        K.VARCHAR, K.CHAR, K.DATE, K.TIME, K.TIMESTAMP, K.TIMESTAMPTZ, K.INTERVAL, K.UUID,
        K.INET, K.BYTES,
    }),
}
# Built-in operator classes an index may name (those of contrib modules are left out).
BUILTIN_OPCLASSES = frozenset({
    "text_pattern_ops", "varchar_pattern_ops", "bpchar_pattern_ops", "jsonb_ops",
    "jsonb_path_ops", "array_ops", "tsvector_ops", "inet_ops", "range_ops", "box_ops",
    "point_ops", "poly_ops", "circle_ops", "text_ops", "int4_ops", "int8_ops", "int2_ops",
})
# Another dialect's DEFAULT kept when PostgreSQL reads it the same: by the column's kind, the
# literal shapes it takes (see `_foreign_default`).
DEFAULT_RULES: dict[str, frozenset[TypeKind]] = {
    "number": frozenset({K.SMALLINT, K.INTEGER, K.BIGINT, K.NUMERIC, K.REAL, K.DOUBLE,
                         K.MONEY}),
    "string": STRING_KINDS | {K.ENUM},
    "boolean": frozenset({K.BOOLEAN}),
    "now": frozenset({K.TIMESTAMP, K.TIMESTAMPTZ}),
    "today": frozenset({K.DATE}),
}
# fmt: on
_INLINE_ENUM = re.compile(r"^\s*enum\s*\(", re.IGNORECASE)


def quote(name: str) -> str:
    return exp.to_identifier(name, quoted=True).sql(dialect=PG)


def string(value: str) -> str:
    return exp.Literal.string(value).sql(dialect=PG)


def table_name(table: Table) -> str:
    return exp.table_(table.name, db=table.schema, quoted=True).sql(dialect=PG)


def column_list(names: Sequence[str]) -> str:
    return ", ".join(quote(name) for name in names)


def unique_index_statement(table: Table, index: UniqueIndex) -> str:
    """A unique index on lower()/upper()/trim() of columns or with a predicate, as imported
    (its parts and predicate are PostgreSQL already). Unnamed: PostgreSQL names it, since
    index names of other dialects are per table and could clash within a schema here."""
    where = f" WHERE {index.where}" if index.where else ""
    return f"CREATE UNIQUE INDEX ON {table_name(table)} ({', '.join(index.parts)}){where};"


# Families whose PostgreSQL type is the written name itself (see `TypeKind`).
NAMED_FAMILIES: dict[TypeKind, frozenset[str]] = {
    K.RANGE: frozenset({"int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange"}),
    K.GEOMETRY: frozenset({"box", "circle", "lseg", "line", "polygon", "path"}),
    K.TSVECTOR: frozenset({"tsvector"}),
    K.TSQUERY: frozenset({"tsquery"}),
    K.BITS: frozenset({"bit", "varbit"}),
}


def canonical_type(column_type: ColumnType) -> str:
    kind = column_type.kind
    if kind in NAMED_FAMILIES:
        name = type_name(column_type)
        if name not in NAMED_FAMILIES[kind]:
            name = PG_TYPES[K.UNKNOWN]
        elif kind == K.BITS and column_type.length:
            name = f"{name}({column_type.length})"
        return name + ("[]" if column_type.array else "")
    name = PG_TYPES[kind]
    if kind == K.NUMERIC and column_type.precision is not None:
        name = f"numeric({column_type.precision}, {column_type.scale or 0})"
    elif kind in (K.VARCHAR, K.CHAR) and column_type.length is not None:
        name = f"{name}({column_type.length})"
    return name + ("[]" if column_type.array else "")


def source_type(column_type: ColumnType, dialect: str | None) -> str | None:
    """The declared type of a PostgreSQL schema, if it means the same logical type there."""
    if (dialect or PG) != PG:
        return None
    try:
        declared = exp.DataType.build(column_type.sql, dialect=dialect or PG)
        if declared.this == exp.DataType.Type.USERDEFINED:
            return None
        spelled = declared.sql(dialect=PG)
        mapped = map_type(exp.DataType.build(spelled, dialect=PG), PG, spelled).type
    except (SqlglotError, ValueError):
        return None
    same = ("kind", "length", "precision", "scale", "array")
    if any(getattr(mapped, a) != getattr(column_type, a) for a in same):
        return None
    base = " ".join(re.sub(r"\(.*?\)|\[.*?\]", " ", spelled).lower().split())
    return spelled if base in PG_TYPE_NAMES else None


def enum_type(table: Table, column: Column) -> tuple[str | None, str]:
    """(schema, name) of a column's enum type: the named type it was declared with, or for an
    inline enum (MySQL `ENUM('a', 'b')`) a type named `<table>_<column>`."""
    written = re.sub(r"(\s*\[\s*\d*\s*\])+$", "", column.type.sql.strip())
    if written and not _INLINE_ENUM.match(written):
        try:
            parsed = exp.to_table(written, dialect=PG)
            return (parsed.db or None), parsed.name
        except SqlglotError:
            pass
    return table.schema, f"{table.name}_{column.name}"


def _type_name(schema: str | None, name: str) -> str:
    return exp.table_(name, db=schema, quoted=True).sql(dialect=PG)


def generated(column: Column, dialect: str | None) -> bool:
    """Whether CREATE TABLE makes the column `GENERATED ALWAYS AS (expr) STORED`: when the
    expression is PostgreSQL's own and every function it calls is one sqlglot knows or one of
    PostgreSQL's built-ins (`to_tsvector`); any other is likely one the schema creates, which a
    fresh database lacks. One from another dialect may not be immutable in PostgreSQL (MySQL's
    CONCAT is not). Otherwise the column is plain and takes the values DataGen computed from
    the same expression."""
    if column.computed is None or (dialect or PG) != PG:
        return False
    try:
        parsed = sqlglot.parse_one(column.computed, read=PG)
    except SqlglotError:
        return False
    return all(f.name.lower() in _pg_functions() for f in parsed.find_all(exp.Anonymous))


@functools.cache
def _pg_functions() -> frozenset[str]:
    """PostgreSQL's built-in function names (pg_catalog of PostgreSQL 15, one per line)."""
    text = files("datagen_assets.write.exports").joinpath("pg_functions.txt").read_text()
    return frozenset(text.split())


def loaded_columns(table: Table, dialect: str | None) -> tuple[str, ...]:
    """The columns COPY writes into a table `create_statements` made: all but generated."""
    return tuple(c.name for c in table.columns if not generated(c, dialect))


def column_type(table: Table, column: Column, dialect: str | None) -> str:
    if generated(column, dialect):
        plain = replace(column, computed=None)
        return (
            f"{column_type(table, plain, dialect)} GENERATED ALWAYS AS ({column.computed}) STORED"
        )
    kind = column.type.kind
    if kind == K.ENUM:
        return _type_name(*enum_type(table, column)) + ("[]" if column.type.array else "")
    if column.autoincrement and kind in INTEGER_KINDS and not column.type.array:
        postgres = (dialect or PG) == PG
        serial = SERIAL_TYPES.get(type_name(column.type))
        if postgres and column.identity is None and serial is not None:
            return serial
        if postgres and column.identity is None and sequence_of(table, column) is not None:
            return PG_TYPES[kind]  # a plain integer whose DEFAULT calls nextval
        return f"{PG_TYPES[kind]} GENERATED {column.identity or 'BY DEFAULT'} AS IDENTITY"
    return source_type(column.type, dialect) or canonical_type(column.type)


def sequence_of(table: Table, column: Column) -> str | None:
    """The sequence a `nextval('seq')` DEFAULT of a PostgreSQL schema calls, as a regclass
    text (`seq`, `"Seq"`), qualified with the table's schema when written without one: the
    script created it under a search path that found the table's schema first, and neither a
    dump nor an INSERT script sets that path. None for any other column."""
    found = _nextval_literal(column)
    if found is None:
        return None
    try:
        name = exp.to_table(found.name, dialect=PG)
    except SqlglotError:
        return None
    if not name.db and table.schema:
        name.set("db", exp.to_identifier(table.schema, quoted=True))
    return name.sql(dialect=PG)


def _nextval_literal(column: Column) -> exp.Literal | None:
    """The regclass literal of the `nextval` call in a column's DEFAULT (in its parsed tree)."""
    if not column.autoincrement or not column.default or column.identity is not None:
        return None
    try:
        parsed = sqlglot.parse_one(column.default, read=PG)
    except SqlglotError:
        return None
    for call in parsed.find_all(exp.Anonymous):
        if call.name.lower() == "nextval" and call.expressions:
            argument = call.expressions[0]
            while isinstance(argument, exp.Cast):
                argument = argument.this
            if isinstance(argument, exp.Literal) and argument.is_string:
                return argument
    return None


def default_clause(
    table: Table, column: Column, dialect: str | None, types: frozenset[str] = frozenset()
) -> tuple[str, str | None]:
    """(` DEFAULT expr` or "", why a declared DEFAULT was left out or None). `types` are the
    (lower-case) names of the enum types created beside the table, which a DEFAULT may cast
    to."""
    default = column.default
    if default is None or column.computed is not None:
        return "", None
    sequence = sequence_of(table, column)
    if column.autoincrement and sequence is None:
        return "", None  # serial and identity columns make their own values
    if (dialect or PG) != PG:
        kept = _foreign_default(column, dialect)
        return (f" DEFAULT {kept}", None) if kept else ("", "not read the same by PostgreSQL")
    try:
        parsed = sqlglot.parse_one(default, read=PG)
    except SqlglotError:
        return "", "unreadable"
    unknown = sorted({f.name.lower() for f in parsed.find_all(exp.Anonymous)} - _pg_functions(),
                     key=str.lower)  # fmt: skip
    if unknown:
        return "", f"calls {', '.join(unknown)}, which a fresh database lacks"
    for cast in parsed.find_all(exp.Cast):
        to = cast.args.get("to")
        if isinstance(to, exp.DataType) and to.this == exp.DataType.Type.USERDEFINED:
            name = to.sql(dialect=PG).replace('"', "").lower()
            if name not in types and name.rsplit(".", 1)[-1] not in types:
                return "", f"casts to {to.sql(dialect=PG)}, a type the dump does not create"
    if sequence is not None:  # the sequence as `sequence_of` qualifies it
        literal = _nextval_literal(column)
        tree = literal.root()
        literal.replace(exp.Literal.string(sequence))
        default = tree.sql(dialect=PG)
    return f" DEFAULT {default}", None


def _foreign_default(column: Column, dialect: str | None) -> str | None:
    """Another dialect's DEFAULT as PostgreSQL SQL, when it means the same there: a number
    for a numeric column (a quoted one too, as MySQL writes `DEFAULT '0'`), a string within
    the column's length or an enum label, TRUE/FALSE (or 0/1) for a boolean, the current
    time or date for a timestamp or date; None for anything else (functions, a zero date)."""
    kind = column.type.kind
    try:
        node = sqlglot.parse_one(column.default or "", read=dialect)
    except SqlglotError:
        return None
    while isinstance(node, exp.Paren):
        node = node.this
    negative = isinstance(node, exp.Neg)
    literal = node.this if negative else node
    if isinstance(literal, exp.Literal):
        text = literal.name
        if kind in DEFAULT_RULES["number"] and re.fullmatch(r"\d+(\.\d*)?|\.\d+", text):
            return ("-" if negative else "") + text
        if negative or not literal.is_string:
            if kind in DEFAULT_RULES["boolean"] and text in ("0", "1") and not negative:
                return "TRUE" if text == "1" else "FALSE"
            return None
        if kind == K.ENUM:
            return string(text) if text in column.type.enum_values else None
        if kind in DEFAULT_RULES["string"]:
            fits = column.type.length is None or len(text) <= column.type.length
            return string(text) if fits else None
        if kind in DEFAULT_RULES["boolean"] and text.lower() in ("0", "1", "true", "false"):
            return "TRUE" if text.lower() in ("1", "true") else "FALSE"
        return None
    if isinstance(node, exp.Boolean) and kind in DEFAULT_RULES["boolean"]:
        return "TRUE" if node.this else "FALSE"
    if isinstance(node, exp.CurrentTimestamp) and kind in DEFAULT_RULES["now"]:
        return "CURRENT_TIMESTAMP"
    if isinstance(node, (exp.CurrentDate, exp.CurrentTimestamp)) and kind in DEFAULT_RULES["today"]:
        return "CURRENT_DATE"
    return None


def create_statements(tables: Sequence[Table], dialect: str | None) -> list[str]:
    """CREATE SCHEMA, CREATE TYPE (enums), CREATE SEQUENCE (those `nextval` defaults call)
    and CREATE TABLE, in that order. A DEFAULT left out is a comment before its table."""
    enums: dict[tuple[str | None, str], tuple[str, ...]] = {}
    for table in tables:
        for column in table.columns:
            if column.type.kind == K.ENUM:
                enums.setdefault(enum_type(table, column), column.type.enum_values)
    schemas = {t.schema for t in tables} | {schema for schema, _ in enums}
    statements = [
        f"CREATE SCHEMA IF NOT EXISTS {quote(s)};"
        for s in sorted(s for s in schemas if s and s != DEFAULT_SCHEMA)
    ]
    for (schema, name), values in enums.items():
        labels = ", ".join(string(v) for v in values)
        statements.append(f"CREATE TYPE {_type_name(schema, name)} AS ENUM ({labels});")
    types = frozenset(n.lower() for _, n in enums) | {f"{s}.{n}".lower() for s, n in enums if s}
    sequences = [s for t in tables for c in t.columns if (s := sequence_of(t, c)) is not None]
    for sequence in dict.fromkeys(sequences):
        statements.append(f"CREATE SEQUENCE IF NOT EXISTS {sequence};")
    for table in tables:
        lines, comments = [], []
        for c in table.columns:
            default, dropped = default_clause(table, c, dialect, types)
            if dropped:
                comments.append(
                    f"-- {table.key}.{c.name}: DEFAULT {c.default} left out ({dropped})\n"
                )
            null = "" if c.nullable else " NOT NULL"
            lines.append(f"    {quote(c.name)} {column_type(table, c, dialect)}{default}{null}")
        body = ",\n".join(lines)
        statements.append(f"{''.join(comments)}CREATE TABLE {table_name(table)} (\n{body}\n);")
    return statements


def index_statement(table: Table, index: Index) -> str:
    """CREATE INDEX as declared (the importer keeps the name of a PostgreSQL schema's index
    only: other dialects name indexes per table), or a comment saying why a fresh database
    could not build it."""
    method = (index.method or "btree").lower()
    name = f"{quote(index.name)} " if index.name else ""
    using = f" USING {method}" if index.method else ""
    include = f" INCLUDE ({column_list(index.include)})" if index.include else ""
    where = f" WHERE {index.where}" if index.where else ""
    statement = (
        f"CREATE INDEX {name}ON {table_name(table)}{using} ({', '.join(index.parts)})"
        f"{include}{where};"
    )
    why = _unbuildable(table, index, method, statement)
    if why is not None:
        return f"-- {table.key}: index {index.name or '(unnamed)'} left out ({why})"
    # an index is no constraint: one the fresh database still cannot build (an overload of
    # the schema's own, an operator class a column lacks) is left out with a notice, never
    # failing the load of rows that are valid without it
    label = (index.name or "(unnamed)").replace("'", "''")
    return (
        f"DO $datagen$ BEGIN {statement} EXCEPTION WHEN OTHERS THEN RAISE NOTICE "
        f"'index {label} left out: %', SQLERRM; END $datagen$;"
    )


def _unbuildable(table: Table, index: Index, method: str, statement: str) -> str | None:
    """Why a fresh database could not build the index (an extension's access method,
    function or operator class; no default operator class for a column), or None."""
    if method not in INDEX_METHODS:
        return f"access method {method} is an extension's"
    try:
        parsed = sqlglot.parse_one(statement, read=PG)
    except SqlglotError:
        return "unreadable"
    unknown = sorted({f.name.lower() for f in parsed.find_all(exp.Anonymous)} - _pg_functions())
    if unknown:
        return f"calls {', '.join(unknown)}, which a fresh database lacks"
    classes = {c.expression.name for c in parsed.find_all(exp.Opclass)}
    if classes - BUILTIN_OPCLASSES:
        return f"operator class {', '.join(sorted(classes - BUILTIN_OPCLASSES))} is an extension's"
    allowed = INDEX_METHODS[method]
    if allowed is None or classes:
        return None
    types = {c: table.column(c).type for c in index.columns}
    missing = [
        c
        for c, t in types.items()
        if not t.array and (t.kind not in allowed or (method == "gin" and type_name(t) == "json"))
    ]
    if missing:
        return f"{method} has no default operator class for {', '.join(missing)}"
    return None


def check_sql(table: Table, check: Check) -> str:
    """A CHECK's PostgreSQL text with each column quoted as CREATE TABLE spells it (an
    unquoted `HAS_START_FORM_KEY_` of an Oracle or T-SQL schema would fold to lower case in
    PostgreSQL and miss the column; names match case-insensitively), and 0/1 compared with a
    boolean written TRUE/FALSE: MySQL and T-SQL booleans are integers, so `IF(a, b, c) = 1`
    or `flag IN (0, 1)` there is `boolean = integer` here, which PostgreSQL refuses."""
    by_folded = {c.name.casefold(): c for c in table.columns}

    def boolean(node: exp.Expression) -> bool:
        while isinstance(node, exp.Paren):
            node = node.this
        if isinstance(node, exp.Column) and not node.table:
            column = by_folded.get(node.name.casefold())
            return column is not None and column.type.kind == K.BOOLEAN
        if isinstance(node, (exp.If, exp.Case)):
            branches = [node.args.get("true"), node.args.get("false")]
            if isinstance(node, exp.Case):
                branches = [i.args.get("true") for i in node.args.get("ifs") or []]
                branches.append(node.args.get("default"))
            return any(b is not None and boolean(b) for b in branches)
        return isinstance(node, (exp.Predicate, exp.Not, exp.And, exp.Or, exp.Boolean))

    def as_boolean(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Literal) and not node.is_string and node.this in ("0", "1"):
            return exp.Boolean(this=node.this == "1")
        return node

    def rewrite(node: exp.Expression) -> exp.Expression:
        if _is_json_test(node):
            return _json_test(node, by_folded)
        if isinstance(node, exp.Column) and not node.table:
            column = by_folded.get(node.name.casefold())
            if column is not None:
                return exp.column(column.name, quoted=True)
        if isinstance(node, exp.Cast) and _extension_text_type(node.to):
            node.set("to", exp.DataType.build("text"))  # citext columns are text here
        if isinstance(node, exp.Operator) and str(node.args.get("operator", "")).startswith(
            "public."
        ):  # OPERATOR(public.~) is citext's: on text, the built-in one
            node.set("operator", str(node.args["operator"]).split(".", 1)[1])
        if isinstance(node, (exp.EQ, exp.NEQ)):
            if boolean(node.this):
                node.set("expression", as_boolean(node.expression))
            elif boolean(node.expression):
                node.set("this", as_boolean(node.this))
        if isinstance(node, exp.In) and boolean(node.this):
            node.set("expressions", [as_boolean(e) for e in node.expressions])
        if isinstance(node, exp.If) and boolean(node):  # IF(a, b IS NULL, 1): one type
            for branch in ("true", "false"):
                if node.args.get(branch) is not None:
                    node.set(branch, as_boolean(node.args[branch]))
        if isinstance(node, exp.Case) and boolean(node):
            for case in node.args.get("ifs") or []:
                case.set("true", as_boolean(case.args["true"]))
            if node.args.get("default") is not None:
                node.set("default", as_boolean(node.args["default"]))
        return node

    try:
        return check.expression.copy().transform(rewrite).sql(dialect=PG)
    except (SqlglotError, AttributeError):
        return check.sql


def _extension_text_type(to: exp.DataType) -> bool:
    """An extension's type the translation writes as text (`public.citext`)."""
    if to.this != exp.DataType.Type.USERDEFINED:
        return False
    name = to.sql(dialect=PG).rsplit(".", 1)[-1].strip('"').upper()
    return NAMED_KINDS.get(("*", name)) == K.TEXT


# Kinds whose PostgreSQL column holds text that a `::json` cast tests.
_JSON_TEXT_KINDS = frozenset({K.TEXT, K.VARCHAR, K.CHAR, K.UNKNOWN})


def _is_json_test(node: exp.Expression) -> bool:
    return isinstance(node, exp.Is) and isinstance(node.expression, exp.JSON)


def _json_column(node: exp.Expression, by_folded: dict[str, Column]) -> Column | None:
    target = node.this
    while isinstance(target, exp.Paren):
        target = target.this
    if isinstance(target, exp.Column) and not target.table:
        return by_folded.get(target.name.casefold())
    return None


def _json_test(node: exp.Expression, by_folded: dict[str, Column]) -> exp.Expression:
    """`c IS JSON` (SQL:2016, Oracle; PostgreSQL only from 16) for PostgreSQL 15: TRUE on a
    json/jsonb column, on a text column a cast that rejects any other text (NULL passes, as
    with IS JSON). Other columns are left to `json_check_left_out`."""
    column = _json_column(node, by_folded)
    if column is None or node.args.get("negate"):
        return node
    if column.type.kind == K.JSON:
        return exp.true()
    name = quote(column.name)
    return sqlglot.parse_one(f"({name}::json IS NOT NULL OR {name} IS NULL)", read=PG)


def json_check_left_out(table: Table, check: Check) -> str | None:
    """Why a CHECK has no PostgreSQL form, or None: an `IS JSON` test on a column that is
    neither JSON nor text (Oracle's `blob CHECK (doc IS JSON)` becomes bytea, whose bytes no
    PostgreSQL 15 expression reads as JSON), or on an expression, or negated."""
    by_folded = {c.name.casefold(): c for c in table.columns}
    for node in check.expression.find_all(exp.Is):
        if not _is_json_test(node):
            continue
        column = _json_column(node, by_folded)
        if column is None or node.args.get("negate"):
            return "PostgreSQL 15 has no IS JSON test"
        if column.type.kind != K.JSON and column.type.kind not in _JSON_TEXT_KINDS:
            kind = canonical_type(column.type)
            return f"PostgreSQL 15 has no IS JSON test on {kind} ({column.name})"
    return None


def constraint_statements(tables: Sequence[Table]) -> list[str]:
    """Keys, uniques and indexes, then checks, then foreign keys (which need the keys they
    reference). A foreign key to a table outside the set is left out with a comment."""
    by_key = {t.key: t for t in tables}
    keys, checks, foreign = [], [], []
    for table in tables:
        alter = f"ALTER TABLE {table_name(table)} ADD"
        if table.primary_key:
            keys.append(f"{alter} PRIMARY KEY ({column_list(table.primary_key)});")
        keys.extend(f"{alter} UNIQUE ({column_list(u)});" for u in table.uniques)
        keys.extend(unique_index_statement(table, index) for index in table.unique_indexes)
        keys.extend(index_statement(table, index) for index in table.indexes)
        # a domain's CHECK holds on every column of that domain: unnamed there, as one name
        # would be taken twice in a table with two such columns
        column_checks = [replace(ch, name=None) for c in table.columns for ch in c.domain_checks]
        for check in (*table.checks, *column_checks):
            left_out = json_check_left_out(table, check)
            if left_out is not None:
                checks.append(f"-- {table.key}: CHECK ({check.sql}) left out: {left_out}")
                continue
            named = f" CONSTRAINT {quote(check.name)}" if check.name else ""
            checks.append(f"{alter}{named} CHECK ({check_sql(table, check)});")
        for fk in table.foreign_keys:
            parent = by_key.get(fk.ref_table)
            if parent is None:
                foreign.append(
                    f"-- {table.key}: foreign key to {fk.ref_table} left out (table not exported)"
                )
                continue
            if not fk.ref_unique:  # MySQL allows it; PostgreSQL needs a key there
                foreign.append(
                    f"-- {table.key}: foreign key ({', '.join(fk.columns)}) onto {fk.ref_table}"
                    f"({', '.join(fk.ref_columns)}) left out: those columns are no key"
                )
                continue
            named = f" CONSTRAINT {quote(fk.name)}" if fk.name else ""
            foreign.append(
                f"{alter}{named} FOREIGN KEY ({column_list(fk.columns)}) "
                f"REFERENCES {table_name(parent)} ({column_list(fk.ref_columns)});"
            )
    return keys + checks + foreign


def setval_statements(table: Table) -> list[str]:
    """Move each identity/serial sequence past the largest loaded key (to 1 when empty).
    `pg_get_serial_sequence` is NULL for a column without a sequence, and setval(NULL) is a
    no-op, so this is safe against a target table declared without one. A sequence a
    `nextval` default calls may serve several columns: it only moves forward, and only when
    it exists (`to_regclass`)."""
    statements = []
    for column in table.columns:
        sequence = sequence_of(table, column)
        if sequence is not None and column.type.kind in INTEGER_KINDS:
            statements.append(
                f"SELECT setval(s, greatest(m + 1, nextval(s)), false) FROM (SELECT "
                f"to_regclass({string(sequence)}) AS s, coalesce(max({quote(column.name)}), 0) "
                f"AS m FROM {table_name(table)}) AS x WHERE s IS NOT NULL;"
            )
        elif column.autoincrement and column.type.kind in INTEGER_KINDS:
            sequence = f"pg_get_serial_sequence({string(table_name(table))}, {string(column.name)})"
            statements.append(
                f"SELECT setval({sequence}, coalesce(max({quote(column.name)}), 0) + 1, false) "
                f"FROM {table_name(table)};"
            )
    return statements

"""Map a column's declared SQL type (any dialect, as parsed by sqlglot) onto a `ColumnType`.

sqlglot already folds most dialect spellings onto one `exp.DataType.Type` member (`int4`,
`INTEGER` and `INT` are all `INT`; `character varying` and `VARCHAR2` are `VARCHAR`), so the
bulk of the mapping is one table, `KINDS`. The few places where that folding loses meaning,
or where the kind depends on the parameters, are small tables of their own, so a reader sees
every decision in one screen:

- `NAMED_KINDS`: written type names sqlglot leaves as user-defined (`cidr`, `RAW`) or folds
  too far for one dialect (T-SQL `FLOAT` is double precision, Oracle `LONG` is text);
- `SERIALS`: the PostgreSQL serial family (an integer kind plus autoincrement);
- `FLOAT_BITS` and `INTEGER_DIGITS`: parameter-dependent kinds (`FLOAT(p)`, Oracle `NUMBER(p)`);
- `DIALECT_RULES`: per-dialect rules keyed by (dialect, sqlglot type).

Types created by the schema itself (PostgreSQL `CREATE TYPE ... AS ENUM`, `CREATE DOMAIN`)
are resolved by the caller and passed in as `UserType`s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import sqlglot.expressions as exp

from datagen_assets.schema.model import Check, ColumnType, TypeKind

K = TypeKind
T = exp.DataType.Type

# sqlglot type -> logical kind, for every dialect.
# fmt: off
_KIND_MEMBERS: dict[TypeKind, tuple[exp.DataType.Type, ...]] = {
    K.SMALLINT:    (T.TINYINT, T.UTINYINT, T.SMALLINT),
    K.INTEGER:     (T.USMALLINT, T.MEDIUMINT, T.UMEDIUMINT, T.INT),
    K.BIGINT:      (T.UINT, T.BIGINT),
    K.NUMERIC:     (T.DECIMAL, T.UDECIMAL, T.BIGDECIMAL, T.DECIMAL32, T.DECIMAL64, T.DECIMAL128,
                    T.DECIMAL256, T.DECFLOAT, T.BIGNUM, T.UBIGINT, T.INT128, T.UINT128,
                    T.INT256, T.UINT256),
    K.REAL:        (T.FLOAT,),
    K.DOUBLE:      (T.DOUBLE, T.UDOUBLE),
    K.MONEY:       (T.MONEY, T.SMALLMONEY),
    K.TEXT:        (T.TEXT, T.TINYTEXT, T.MEDIUMTEXT, T.LONGTEXT, T.NAME),
    K.VARCHAR:     (T.VARCHAR, T.NVARCHAR),
    K.CHAR:        (T.CHAR, T.NCHAR, T.BPCHAR),
    K.BOOLEAN:     (T.BOOLEAN, T.BIT),
    K.DATE:        (T.DATE, T.DATE32),
    K.TIME:        (T.TIME, T.TIMETZ),
    K.TIMESTAMP:   (T.TIMESTAMP, T.TIMESTAMPNTZ, T.DATETIME, T.DATETIME2, T.SMALLDATETIME,
                    T.DATETIME64, T.TIMESTAMP_S, T.TIMESTAMP_MS, T.TIMESTAMP_NS),
    K.TIMESTAMPTZ: (T.TIMESTAMPTZ, T.TIMESTAMPLTZ),
    K.INTERVAL:    (T.INTERVAL,),
    K.UUID:        (T.UUID,),
    K.JSON:        (T.JSON, T.JSONB),
    K.BYTES:       (T.BINARY, T.VARBINARY, T.BLOB, T.TINYBLOB, T.MEDIUMBLOB, T.LONGBLOB,
                    T.IMAGE, T.ROWVERSION),
    K.INET:        (T.INET, T.IPADDRESS, T.IPV4, T.IPV6, T.IPPREFIX),
    K.POINT:       (T.POINT,),
    K.XML:         (T.XML,),
    K.ENUM:        (T.ENUM, T.ENUM8, T.ENUM16, T.SET),  # a SET value may be one member
    K.RANGE:       (T.INT4RANGE, T.INT8RANGE, T.NUMRANGE, T.DATERANGE, T.TSRANGE, T.TSTZRANGE),
}
# fmt: on
KINDS: dict[exp.DataType.Type, TypeKind] = {
    member: kind for kind, members in _KIND_MEMBERS.items() for member in members
}

# (dialect or "*", written type name without parameters) -> kind; checked before `KINDS`.
NAMED_KINDS: dict[tuple[str, str], TypeKind] = {
    ("*", "CIDR"): K.INET,
    ("*", "MACADDR"): K.INET,
    ("*", "MACADDR8"): K.INET,
    ("*", "CITEXT"): K.TEXT,
    ("*", "NCLOB"): K.TEXT,
    ("*", "XMLTYPE"): K.XML,
    ("*", "XML"): K.XML,  # T-SQL xml(CONTENT schema_collection)
    ("*", "RAW"): K.BYTES,
    ("*", "LONG RAW"): K.BYTES,
    ("tsql", "FLOAT"): K.DOUBLE,  # T-SQL FLOAT means FLOAT(53)
    ("oracle", "FLOAT"): K.DOUBLE,  # Oracle FLOAT means FLOAT(126) (binary digits)
    ("oracle", "LONG"): K.TEXT,  # a character type; sqlglot reads it as BIGINT
    ("*", "VARBIT"): K.BITS,
    ("*", "BIT VARYING"): K.BITS,
    ("*", "TSVECTOR"): K.TSVECTOR,
    ("*", "TSQUERY"): K.TSQUERY,
    ("mysql", "YEAR"): K.SMALLINT,  # 1901..2155 (see WIDTHS)
    ("postgres", "OID"): K.INTEGER,  # unsigned 32-bit; its input takes any int4 (-1 too)
    ("postgres", "CHAR"): K.CHAR,  # the one-byte "char" (quoted; length 1 below)
    **{
        ("postgres", shape): K.GEOMETRY
        for shape in ("BOX", "CIRCLE", "LSEG", "LINE", "POLYGON", "PATH")
    },
}

# The PostgreSQL serial family: an integer column whose values come from a sequence.
SERIALS: dict[exp.DataType.Type | str, TypeKind] = {
    T.SMALLSERIAL: K.SMALLINT,
    T.SERIAL: K.INTEGER,
    T.BIGSERIAL: K.BIGINT,
    "SERIAL2": K.SMALLINT,
    "SERIAL4": K.INTEGER,
    "SERIAL8": K.BIGINT,
}

# FLOAT(p): p binary digits fit a REAL up to 24, else a DOUBLE (SQL standard, all dialects).
FLOAT_BITS: tuple[tuple[int, TypeKind], ...] = ((24, K.REAL), (53, K.DOUBLE))

# Oracle NUMBER(p, 0): the narrowest integer kind that holds p decimal digits.
INTEGER_DIGITS: tuple[tuple[int, TypeKind], ...] = ((4, K.SMALLINT), (9, K.INTEGER), (18, K.BIGINT))

# Integer (and unsigned) types narrower than their kind: the values the database takes,
# kept by a CHECK on the column (`TINYINT` is a SMALLINT kind, but MySQL takes -128..127).
WIDTHS: dict[exp.DataType.Type, tuple[int | None, int | None]] = {
    T.TINYINT: (-128, 127), T.UTINYINT: (0, 255), T.USMALLINT: (0, 65_535),
    T.MEDIUMINT: (-8_388_608, 8_388_607), T.UMEDIUMINT: (0, 16_777_215),
    T.UINT: (0, 4_294_967_295), T.UBIGINT: (0, 18_446_744_073_709_551_615),
    T.UDECIMAL: (0, None), T.UDOUBLE: (0, None), T.YEAR: (1901, 2155),
}  # fmt: skip

# Integers wider than BIGINT become NUMERIC(digits, 0).
WIDE_INTEGER_DIGITS: dict[exp.DataType.Type, int] = {
    T.UBIGINT: 20, T.INT128: 39, T.UINT128: 39, T.INT256: 77, T.UINT256: 78,
}  # fmt: skip

# Types whose written form without a length means length 1 (SQL standard CHAR).
_CHAR_DEFAULT_ONE = frozenset({"CHAR", "CHARACTER", "NCHAR", "NATIONAL CHARACTER"})


@dataclass(frozen=True)
class UserType:
    """A type the schema creates itself: an ENUM type, or a DOMAIN over a base type.

    For a domain, `type` is the base type and `checks`/`not_null`/`default` are what every
    column of that domain inherits. Checks are written against `VALUE`, as in the DDL.
    """

    name: str
    type: ColumnType
    checks: tuple[Check, ...] = ()
    not_null: bool = False
    default: str | None = None
    is_domain: bool = False


@dataclass(frozen=True)
class MappedType:
    """The outcome of mapping one declared type.

    `autoincrement` is set for the serial family (the caller flags the column), `domain` when
    the type is a DOMAIN (the caller copies its checks and NOT NULL), and `note` explains an
    UNKNOWN or approximated type so the importer can report it.
    """

    type: ColumnType
    autoincrement: bool = False
    domain: UserType | None = None
    note: str | None = None
    width: tuple[int | None, int | None] | None = None  # WIDTHS: (low, high) the type takes


UserTypeLookup = Callable[[exp.DataType], "UserType | None"]


def map_type(
    declared: exp.Expression | None,
    dialect: str,
    written: str | None = None,
    user_types: UserTypeLookup | None = None,
) -> MappedType:
    """Map a declared type (a sqlglot `DataType`, or None for an untyped SQLite column).

    `written` is the type as it appears in the source; it becomes `ColumnType.sql` and lets
    the name tables distinguish spellings sqlglot folds together.
    """
    if not isinstance(declared, exp.DataType):
        sql = written or (declared.sql(dialect=dialect) if declared is not None else "")
        reason = f"type {sql!r} is not supported" if sql else "column has no declared type"
        return MappedType(ColumnType(TypeKind.UNKNOWN, sql=sql), note=reason)
    sql = written if written is not None else declared.sql(dialect=dialect)
    if declared.this == T.ARRAY:
        return _map_array(declared, dialect, sql, user_types)
    user_type = user_types(declared) if user_types and declared.this == T.USERDEFINED else None
    if user_type is not None:
        domain = user_type if user_type.is_domain else None
        return MappedType(replace(user_type.type, sql=sql), domain=domain)
    return _map_builtin(declared, dialect, sql)


def _map_array(
    declared: exp.DataType, dialect: str, sql: str, user_types: UserTypeLookup | None
) -> MappedType:
    """An array column: the element's kind and parameters, with `array=True`."""
    element = declared.expressions[0] if declared.expressions else None
    inner = map_type(element, dialect, _element_sql(sql), user_types)
    return replace(inner, type=replace(inner.type, sql=sql, array=True))


def _element_sql(sql: str) -> str:
    """`varchar(5)[]` -> `varchar(5)`, `integer ARRAY` -> `integer` (best effort)."""
    return re.sub(r"(\s*\[\s*\d*\s*\])+$|\s+ARRAY$", "", sql.strip(), flags=re.IGNORECASE)


def _map_builtin(declared: exp.DataType, dialect: str, sql: str) -> MappedType:
    """A built-in type: serials, then parameter rules, then the name and kind tables."""
    member = _member(declared)
    name = base_name(declared, sql)
    params = _int_params(declared)
    serial = SERIALS.get(member) or SERIALS.get(name)
    if serial is not None:
        return MappedType(ColumnType(serial, sql=sql), autoincrement=True)
    rule = DIALECT_RULES.get((dialect, member)) or PARAM_RULES.get(member)
    kind = rule(params) if rule else None
    unqualified = name.rsplit(".", 1)[-1]  # an extension's type: `public.citext`
    for written in dict.fromkeys((name, unqualified)):
        kind = kind or NAMED_KINDS.get((dialect, written)) or NAMED_KINDS.get(("*", written))
    kind = kind or KINDS.get(member)
    if kind is None or kind == K.UNKNOWN:
        return MappedType(ColumnType(K.UNKNOWN, sql=sql), note=f"type {sql!r} is not supported")
    width = WIDTHS.get(member) if kind not in (K.BOOLEAN, K.ENUM) else None
    if member == T.DECIMAL and kind in (K.SMALLINT, K.INTEGER, K.BIGINT) and params and params[0]:
        width = (-(10 ** params[0] - 1), 10 ** params[0] - 1)  # Oracle NUMBER(p): p digits
    return MappedType(_with_params(kind, declared, name, params, sql), width=width)


def _member(declared: exp.DataType) -> exp.DataType.Type:
    """The sqlglot type member; `INTERVAL DAY TO SECOND` carries an expression instead."""
    if isinstance(declared.this, exp.DataType.Type):
        return declared.this
    return T.INTERVAL if isinstance(declared.this, exp.Interval) else T.UNKNOWN


def base_name(declared: exp.DataType, sql: str) -> str:
    """The written type name without parameters, upper-case: `NUMBER(8,2)` -> `NUMBER`."""
    kind = declared.args.get("kind") if declared.this == T.USERDEFINED else None
    if kind is not None:
        sql = kind if isinstance(kind, str) else kind.sql()
    without_params = re.sub(r"\(.*?\)", " ", sql)
    unquoted = re.sub(r"[\[\]\"`]", "", without_params)  # T-SQL scripts write [float]
    return " ".join(unquoted.upper().split())


def _int_params(declared: exp.DataType) -> list[int | None]:
    """The numeric parameters (`(10, 2)` -> [10, 2]); `MAX`, `*` and others become None, and
    so does a number no database accepts as a length or precision (above 2**31 - 1: a
    VARCHAR(99999999999999999999) overflowed polars' integers while generating)."""
    values: list[int | None] = []
    for param in declared.expressions:
        value = param.this if isinstance(param, exp.DataTypeParam) else param
        is_number = isinstance(value, exp.Literal) and not value.is_string
        number = int(value.this) if is_number and value.this.lstrip("-").isdigit() else None
        values.append(number if number is not None and abs(number) < 2**31 else None)
    return values


def _with_params(
    kind: TypeKind, declared: exp.DataType, name: str, params: list[int | None], sql: str
) -> ColumnType:
    member = _member(declared)
    """Attach the parameters generation must respect: length, precision/scale, enum values."""
    first = params[0] if params else None
    if kind in (K.VARCHAR, K.CHAR):
        default = 1 if name in _CHAR_DEFAULT_ONE or sql.strip() == '"char"' else None
        length = first if first is not None else default
        return ColumnType(kind, sql=sql, length=length)
    if kind == K.BITS:  # bit(n) holds exactly n bits, varbit(n) up to n (no n: unbounded)
        return ColumnType(kind, sql=sql, length=first)
    if kind == K.BYTES:  # BINARY(n), VARBINARY(n), RAW(n): at most n bytes (MAX: None)
        return ColumnType(kind, sql=sql, length=first)
    if member in WIDE_INTEGER_DIGITS:
        return ColumnType(kind, sql=sql, precision=WIDE_INTEGER_DIGITS[member], scale=0)
    if kind == K.NUMERIC:
        scale = params[1] if len(params) > 1 else (0 if first is not None else None)
        return ColumnType(kind, sql=sql, precision=first, scale=scale)
    if kind == K.ENUM:
        values = tuple(e.this for e in declared.expressions if isinstance(e, exp.Literal))
        return ColumnType(kind, sql=sql, enum_values=values)
    return ColumnType(kind, sql=sql)


def _float_kind(params: list[int | None]) -> TypeKind | None:
    """FLOAT(p): decided by p when given alone (MySQL's FLOAT(m, d) is a display width)."""
    bits = params[0] if len(params) == 1 else None
    if bits is None:
        return None
    return next((kind for limit, kind in FLOAT_BITS if bits <= limit), K.DOUBLE)


def _bit_kind(params: list[int | None]) -> TypeKind | None:
    """BIT and BIT(1) are booleans; longer ones bit strings."""
    return K.BOOLEAN if not params or params[0] in (None, 1) else K.BITS


def _oracle_number(params: list[int | None]) -> TypeKind:
    """Oracle NUMBER(p[,0]) is an integer of p digits; with a scale or no p it is NUMERIC."""
    precision = params[0] if params else None
    scale = params[1] if len(params) > 1 else 0
    if precision is None or scale != 0:
        return K.NUMERIC
    return next((kind for digits, kind in INTEGER_DIGITS if precision <= digits), K.NUMERIC)


KindRule = Callable[[list[int | None]], "TypeKind | None"]

PARAM_RULES: dict[exp.DataType.Type, KindRule] = {
    T.FLOAT: _float_kind,
    T.DOUBLE: _float_kind,
    T.BIT: _bit_kind,
}
DIALECT_RULES: dict[tuple[str, exp.DataType.Type], KindRule] = {
    ("oracle", T.DECIMAL): _oracle_number,  # NUMBER, NUMERIC and DECIMAL are one type in Oracle
    # MySQL's BOOLEAN is TINYINT(1), and so are the flags of most MySQL schemas
    ("mysql", T.TINYINT): lambda params: K.BOOLEAN if params == [1] else None,
}

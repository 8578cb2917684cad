"""The schema model: what every importer produces and every later stage reads.

It plays the role a dbt manifest plays for dagster-dbt: a plain, immutable description of
tables, columns and constraints, independent of the dialect or file it came from. Importers
(DDL, later JSON Schema and live databases) build it; the planner, the generator and the
Dagster layer only ever read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the model never needs sqlglot at run time (see `Check`)
    import sqlglot.expressions as exp


class TypeKind(StrEnum):
    """Logical column types. Dialect types map onto these (see `schema.types`)."""

    SMALLINT = "smallint"
    INTEGER = "integer"
    BIGINT = "bigint"
    NUMERIC = "numeric"
    REAL = "real"
    DOUBLE = "double"
    MONEY = "money"
    TEXT = "text"
    VARCHAR = "varchar"
    CHAR = "char"
    BOOLEAN = "boolean"
    DATE = "date"
    TIME = "time"
    TIMESTAMP = "timestamp"
    TIMESTAMPTZ = "timestamptz"
    INTERVAL = "interval"
    UUID = "uuid"
    JSON = "json"
    BYTES = "bytes"
    INET = "inet"
    POINT = "point"
    XML = "xml"
    ENUM = "enum"
    # PostgreSQL families whose member is the written type's name (`type_name`): ranges
    # (int4range ... tstzrange), bit strings (bit(n), varbit(n)), geometric types (box,
    # circle, lseg, line, polygon, path) and full-text search documents and queries.
    RANGE = "range"
    BITS = "bits"
    GEOMETRY = "geometry"
    TSVECTOR = "tsvector"
    TSQUERY = "tsquery"
    UNKNOWN = "unknown"


# The dialect of a schema that names none, and of every SQL text the model keeps (CHECKs,
# index parts): PostgreSQL, the database DataGen's data is first made for.
DEFAULT_DIALECT = "postgres"
INTEGER_KINDS = frozenset({TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT})
STRING_KINDS = frozenset({TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR})
# Dialects (sqlglot names; `mariadb` is read as mysql) whose default collations compare
# strings case-insensitively (MySQL's utf8mb4_0900_ai_ci, SQL Server's *_CI_AS): keys are
# generated distinct after case folding, and checked that way.
CASE_INSENSITIVE_DIALECTS = frozenset({"mysql", "mariadb", "tsql"})
# Column kinds such a collation applies to.
COLLATED_KINDS = STRING_KINDS | {TypeKind.ENUM}


@dataclass(frozen=True)
class ColumnType:
    """A column's logical type with the parameters generation must respect.

    `length` bounds VARCHAR/CHAR (characters), `precision`/`scale` bound NUMERIC,
    `enum_values` is the closed domain of an ENUM, `sql` is the type as written in the source
    (kept for messages and for round-tripping DDL).
    """

    kind: TypeKind
    sql: str = ""
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    enum_values: tuple[str, ...] = ()
    array: bool = False


def type_name(column_type: ColumnType) -> str:
    """The written type's name, lower-case, without parameters or array brackets, with
    PostgreSQL's long spellings folded: `TSRANGE` -> `tsrange`, `BIT VARYING(8)` -> `varbit`."""
    name = re.sub(r"\(.*?\)|\[.*?\]|\bARRAY\b|\"", " ", column_type.sql)
    name = " ".join(name.lower().split())
    return {"bit varying": "varbit"}.get(name, name)


@dataclass(frozen=True)
class Column:
    """One column. `autoincrement` covers serial, identity and sequence defaults; `identity`
    says which identity was declared (`ALWAYS` or `BY DEFAULT` for `GENERATED ... AS
    IDENTITY`, T-SQL's IDENTITY(1,1) is `BY DEFAULT`), None for a serial type (its
    `type.sql` says which) or a sequence default (`default` is the nextval call). `computed`
    is the expression of a generated column (`GENERATED ALWAYS AS (expr)`, MySQL's
    `AS (expr)`, T-SQL's computed columns) as PostgreSQL SQL: the database computes the value,
    so DataGen evaluates the same expression and leaves it out of what it loads or inserts."""

    name: str
    type: ColumnType
    nullable: bool = True
    default: str | None = None
    autoincrement: bool = False
    comment: str | None = None
    domain_checks: tuple[Check, ...] = ()
    computed: str | None = None
    identity: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """`columns` of the owning table reference `ref_columns` of table `ref_table`: a key, or,
    as MySQL/InnoDB allows, any indexed columns (`ref_unique` False). Either way child values
    are copied from existing parent rows, so they always find a parent; a database that
    requires a key there (PostgreSQL) cannot take such a constraint as it is."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    name: str | None = None
    ref_unique: bool = True


@dataclass(frozen=True)
class Check:
    """A CHECK constraint: `sql` is its PostgreSQL text, `expression` the sqlglot tree the
    importer parsed. A check read back from the schema cache (`schema.cache`) holds only the
    text and parses it again on first use, so loading a cached schema needs no sqlglot."""

    parsed: exp.Expression | None = field(compare=False, repr=False)
    sql: str
    name: str | None = None

    @property
    def expression(self) -> exp.Expression:
        if self.parsed is None:
            import sqlglot

            object.__setattr__(self, "parsed", sqlglot.parse_one(self.sql, read="postgres"))
        return self.parsed

    @property
    def columns(self) -> tuple[str, ...]:
        """Names of the columns the check reads, once each, in order (kept once known)."""
        names = self.__dict__.get("_columns")
        if names is None:
            import sqlglot.expressions as exp

            names = tuple(dict.fromkeys(c.name for c in self.expression.find_all(exp.Column)))
            object.__setattr__(self, "_columns", names)
        return names

    def __getstate__(self) -> dict:
        return {**self.__dict__, "parsed": None}  # the text is the check; the tree a cache


@dataclass
class Bound:
    """A range a CHECK puts on one column (strict: the end itself is excluded)."""

    low: Any = None
    low_strict: bool = False
    high: Any = None
    high_strict: bool = False

    def tighten(self, op: str, value: Any) -> None:
        if op in (">", ">=") and (self.low is None or value >= self.low):
            self.low, self.low_strict = value, op == ">"
        if op in ("<", "<=") and (self.high is None or value <= self.high):
            self.high, self.high_strict = value, op == "<"


@dataclass
class CheckRules:
    """What the CHECK constraints of one table say, as generation rules (made by
    `schema.check_rules.translate_checks`, read through `Table.check_rules`)."""

    domains: dict[str, tuple] = field(default_factory=dict)
    bounds: dict[str, Bound] = field(default_factory=dict)
    ordered: list[tuple[str, str, bool]] = field(default_factory=list)  # (greater, smaller, strict)
    # (a, b) of `a <> b` over two columns: a hint for keys (two FKs of one key into the same
    # parent are made to name different rows); the CHECK itself stays in `untranslated`
    differ: list[tuple[str, str]] = field(default_factory=list)
    not_null: set[str] = field(default_factory=set)
    null_with: dict[str, set[str]] = field(default_factory=dict)  # a is NULL where any is NULL
    # (a, b): `(a IS NULL) = (b IS NULL)`, NULL in the same rows (the engine picks which follows)
    null_same: list[tuple[str, str]] = field(default_factory=list)
    patterns: dict[str, str] = field(default_factory=dict)  # column -> regex to match
    cases: dict[str, str] = field(default_factory=dict)  # column -> "lower" | "upper"
    json: set[str] = field(default_factory=set)
    # column -> the JSON type its documents must have at the top (`jsonb_typeof(c) = 'array'`),
    # when not an object (the documents `json` columns get)
    json_kinds: dict[str, str] = field(default_factory=dict)
    # array column -> how many elements (`array_length(c, 1) IS NOT NULL`, `cardinality(c) <= 5`)
    array_sizes: dict[str, Bound] = field(default_factory=dict)
    # column -> ranges of `a OR b OR ...` over it (`n < 10 OR n >= 100`): a hint for drawing
    # values; the CHECK itself stays in `untranslated`, enforced by the engine's repair loop
    intervals: dict[str, tuple[Bound, ...]] = field(default_factory=dict)
    # column -> PostgreSQL expression over other columns it must equal (`total = net + tax`):
    # computed from them; the CHECK stays in `untranslated`, which verifies the rounding
    derived: dict[str, str] = field(default_factory=dict)
    # (columns, exactly): at least one, or exactly one, of the columns is not NULL in a row
    one_of: list[tuple[tuple[str, ...], bool]] = field(default_factory=list)
    # (columns, allowed, check): a CHECK over NULL tests only (CASE/IF/AND/OR/NOT of `c IS
    # [NOT] NULL`), as the NULL patterns it lets through (True: that column NULL); each row
    # takes one of them. The engine falls back to `check` as untranslated where the columns
    # are coupled by another NULL rule.
    null_patterns: list[tuple[tuple[str, ...], tuple[tuple[bool, ...], ...], Check]] = field(
        default_factory=list
    )
    # column -> most characters a CHECK allows (`length(c) <= 24`, `BETWEEN 3 AND 5`): values
    # are cut to it as to a VARCHAR's length; the CHECK itself stays in `untranslated`, which
    # holds its lower end
    max_lengths: dict[str, int] = field(default_factory=dict)
    # column -> regexes of characters a CHECK forbids (`c !~ '\s'`, `c NOT LIKE '%;%'`): they
    # are removed from the values; the CHECK stays in `untranslated`, which verifies the rest
    forbidden: dict[str, list[str]] = field(default_factory=dict)
    untranslated: list[Check] = field(default_factory=list)


@dataclass(frozen=True)
class UniqueIndex:
    """A unique index that is more than a UNIQUE constraint on plain columns: key parts that
    compare a column through `lower()`, `upper()` or `trim()` (case- or space-insensitive
    uniqueness), and/or a predicate that makes it partial (`WHERE deleted_at IS NULL`).

    Generation keeps `columns` unique over every row, predicate or not (the stronger
    guarantee: whatever rows the predicate selects, they are unique), and keeps the `folded`
    columns distinct even after case folding and trimming, so values differing only by case
    never meet in the index. `parts` (key parts) and `where` are PostgreSQL SQL with quoted
    column names, so exports can recreate the index as written. Other expressions are not
    decidable and never become a `UniqueIndex` (the importer notes them)."""

    columns: tuple[str, ...]
    parts: tuple[str, ...]
    folded: tuple[str, ...] = ()
    where: str | None = None
    name: str | None = None

    def label(self) -> str:
        """`LOWER(email)`, `tenant_id, UPPER(code) WHERE ...`: the index for messages."""
        parts = ", ".join(re.sub(r'"((?:[^"]|"")*)"', r"\1", part) for part in self.parts)
        return f"{parts} WHERE {self.where}" if self.where else parts


@dataclass(frozen=True)
class Index:
    """A non-unique index as declared (`CREATE INDEX`, MySQL's `KEY` in CREATE TABLE). It
    constrains no value, so generation never reads it; exports and loads recreate it, so the
    database keeps the access paths the schema declared. `parts` (key parts with their order
    and operator class), `where` and `include` are PostgreSQL SQL with quoted column names,
    `method` the access method as written (`gin`), `columns` the table columns it reads."""

    columns: tuple[str, ...]
    parts: tuple[str, ...]
    method: str | None = None
    include: tuple[str, ...] = ()
    where: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Table:
    """A table. `key` is how the rest of DataGen names it: `schema.name`, or `name`.

    `uniques` are UNIQUE constraints (and unique indexes) on plain columns; `unique_indexes`
    the unique indexes on lower()/upper()/trim() of columns or with a predicate."""

    name: str
    columns: tuple[Column, ...]
    schema: str | None = None
    primary_key: tuple[str, ...] = ()
    uniques: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    comment: str | None = None
    unique_indexes: tuple[UniqueIndex, ...] = ()
    # range columns an EXCLUDE constraint keeps from overlapping (`EXCLUDE USING gist (room
    # WITH =, during WITH &&)`): generated pairwise disjoint over all rows, the stronger rule
    exclusions: tuple[str, ...] = ()
    indexes: tuple[Index, ...] = ()  # non-unique: for exports and loads only
    # the INSERT trigger that fills the table in the database (`trigger ins_film on film
    # (file:line)`, see schema/triggers.py): DataGen makes no rows for it, loads leave it to
    # the trigger
    filled_by: str | None = None

    def __hash__(self) -> int:
        """The fields' hash, computed once: tables key per-column caches (meaning scores), and
        rehashing a 1,000-column table for each of its columns made detection quadratic. Not
        pickled: string hashes differ between processes."""
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(tuple(getattr(self, f.name) for f in fields(self) if f.compare))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_hash"}

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def check_rules(self) -> CheckRules:
        """The table's CHECKs as generation rules, translated once and kept on the table
        (also through the schema cache, which stores them). Read-only for callers."""
        rules = self.__dict__.get("_check_rules")
        if rules is None:
            from datagen_assets.schema.check_rules import translate_checks

            rules = translate_checks(self)
            object.__setattr__(self, "_check_rules", rules)  # a cache, not a field
        return rules

    @property
    def unique_keys(self) -> tuple[tuple[str, ...], ...]:
        """Every column set generation keeps unique over all rows: the primary key, each
        UNIQUE, and the columns of each unique index (partial or case-insensitive)."""
        keys = [self.primary_key] if self.primary_key else []
        keys += [*self.uniques, *(ix.columns for ix in self.unique_indexes)]
        return tuple(keys + [(c,) for c in self.exclusions])  # disjoint ranges are distinct

    @property
    def row_key(self) -> tuple[str, ...] | None:
        """The columns that find one row (an UPDATE's WHERE): the primary key, else a unique
        key whose columns are all NOT NULL; None when the table has neither."""
        if self.primary_key:
            return tuple(self.primary_key)
        for unique in self.uniques:
            if all(not self.column(c).nullable for c in unique):
                return tuple(unique)
        return None

    def folded_columns(self, columns: tuple[str, ...]) -> frozenset[str]:
        """Columns that must stay distinct after case folding wherever `columns` are unique:
        the folded columns of the unique indexes that `columns` make unique (a subset)."""
        return frozenset(
            c for ix in self.unique_indexes if set(columns) <= set(ix.columns) for c in ix.folded
        )

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.key} has no column {name!r}")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """The columns a database takes values for on INSERT or COPY: all but computed ones."""
        return tuple(c.name for c in self.columns if c.computed is None)


@dataclass(frozen=True)
class Note:
    """Something the importer skipped or adjusted, with where it was (shown, not fatal)."""

    message: str
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Schema:
    """Every table of one schema source, keyed by `Table.key`, in declaration order."""

    tables: dict[str, Table]
    source: str | None = None
    dialect: str | None = None
    notes: tuple[Note, ...] = ()

    def table(self, key: str) -> Table:
        try:
            return self.tables[key]
        except KeyError:
            raise KeyError(f"schema {self.source or ''} has no table {key!r}") from None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    file: str | None = None
    line: int | None = None
    table: str | None = None
    column: str | None = None
    column_no: int | None = None  # 1-based character column of `line` (YAML configs)

    def __str__(self) -> str:
        at = (self.file, self.line, self.column_no if self.line is not None else None)
        where = ":".join(str(p) for p in at if p is not None)
        what = ".".join(p for p in (self.table, self.column) if p)
        parts = [p for p in (where, what) if p]
        return f"{' '.join(parts)}: {self.message}" if parts else self.message


class SchemaError(ValueError):
    """Raised with every problem found at once, so a user fixes them in one pass."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s):\n{lines}")


def snake_case(name: str) -> str:
    """`BillingCity` -> `billing_city`, `shipping-address` -> `shipping_address`: the form
    name-based rules (semantic detection, PII classification) match against, so a T-SQL
    `BillingCity` means what a PostgreSQL `billing_city` means."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", spaced).strip("_").lower()

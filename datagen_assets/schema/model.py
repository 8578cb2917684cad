"""The schema model: what every importer produces and every later stage reads.

It plays the role a dbt manifest plays for dagster-dbt: a plain, immutable description of
tables, columns and constraints, independent of the dialect or file it came from. Importers
(DDL, later JSON Schema and live databases) build it; the planner, the generator and the
Dagster layer only ever read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

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
    UNKNOWN = "unknown"


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


@dataclass(frozen=True)
class Column:
    """One column. `autoincrement` covers serial, identity and sequence defaults."""

    name: str
    type: ColumnType
    nullable: bool = True
    default: str | None = None
    autoincrement: bool = False
    comment: str | None = None
    domain_checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class ForeignKey:
    """`columns` of the owning table reference `ref_columns` of table `ref_table` (a key)."""

    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    name: str | None = None


@dataclass(frozen=True)
class Check:
    """A CHECK constraint kept as the parsed sqlglot expression (translated later)."""

    expression: exp.Expression = field(compare=False)
    sql: str
    name: str | None = None


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

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def unique_keys(self) -> tuple[tuple[str, ...], ...]:
        """Every column set generation keeps unique over all rows: the primary key, each
        UNIQUE, and the columns of each unique index (partial or case-insensitive)."""
        keys = [self.primary_key] if self.primary_key else []
        return tuple(keys + list(self.uniques) + [ix.columns for ix in self.unique_indexes])

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

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line) if p is not None)
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

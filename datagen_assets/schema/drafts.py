"""Drafts: tables, columns and keys as a script's statements leave them, mutable while the
script replays (`schema.replay`), frozen into the model (`schema.model`) at the end.

Keys hold column names as written (resolved against the table at the end, when every ALTER has
run); each constraint keeps the name it was given and, where the engine would name it itself,
that name too (`schema.naming`), so a later DROP CONSTRAINT finds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot.expressions as exp
from sqlglot.tokens import TokenType

from datagen_assets.schema.model import Check, ColumnType, Index, UniqueIndex

# ---------------------------------------------------------------------------------------------
# Drafts: mutable while statements apply, frozen into the model at the end.
# ---------------------------------------------------------------------------------------------


@dataclass
class _ColumnDraft:
    name: str
    type: ColumnType
    line: int
    nullable: bool = True
    default: str | None = None
    autoincrement: bool = False
    comment: str | None = None
    domain_checks: tuple[Check, ...] = ()
    computed: str | None = None
    identity: str | None = None  # ALWAYS | BY DEFAULT


@dataclass
class _KeyDraft:
    """A PRIMARY KEY or UNIQUE constraint, with the column names as written."""

    columns: tuple[str, ...]
    line: int
    name: str | None = None
    auto_name: str | None = None  # the name the database gave it (see schema.naming)

    def named(self, name: str) -> bool:
        return name in (self.name, self.auto_name)


@dataclass
class _IndexDraft:
    """A unique index on lower()/upper()/trim() of columns, or partial: its key parts as
    parsed (each on one column, names as written) and its predicate. Also a non-unique
    index (`_TableDraft.indexes`), whose parts are any expressions over `columns`, with its
    access method and INCLUDE columns."""

    columns: tuple[str, ...]
    parts: tuple[exp.Expression, ...]
    folded: tuple[bool, ...]
    where: exp.Expression | None
    line: int
    name: str | None = None
    method: str | None = None
    include: tuple[str, ...] = ()

    def named(self, name: str) -> bool:
        return name == self.name


@dataclass
class _ForeignKeyDraft:
    columns: tuple[str, ...]
    ref_schema: str | None
    ref_name: str
    ref_columns: tuple[str, ...]  # empty: the referenced table's primary key
    line: int
    name: str | None = None
    auto_name: str | None = None
    # The parent, when it existed as the FK was declared (it follows RENAMEs); else it is
    # looked up by name at the end, along the search path in force at the declaration.
    target: _TableDraft | None = None
    path: tuple[str, ...] = ()

    def named(self, name: str) -> bool:
        return name in (self.name, self.auto_name)


@dataclass
class _PartitionDraft:
    """`CREATE TABLE name PARTITION OF parent FOR VALUES ...`: which rows the parent routes
    there (its `bound`, a sqlglot PartitionBoundSpec, or DEFAULT)."""

    name: str
    bound: exp.Expression
    line: int
    partitioned: bool = False  # itself PARTITION BY: its own partitions narrow it further


@dataclass
class _TableDraft:
    name: str
    schema: str | None
    line: int
    columns: dict[str, _ColumnDraft] = field(default_factory=dict)
    primary_key: _KeyDraft | None = None
    uniques: list[_KeyDraft] = field(default_factory=list)
    unique_indexes: list[_IndexDraft] = field(default_factory=list)
    foreign_keys: list[_ForeignKeyDraft] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    comment: str | None = None
    resolved_indexes: list[UniqueIndex] = field(default_factory=list)
    indexes: list[_IndexDraft] = field(default_factory=list)  # non-unique
    resolved_plain: list[Index] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    partitioned_by: exp.Expression | None = None  # PARTITION BY RANGE|LIST|HASH (key)
    partitions: list[_PartitionDraft] = field(default_factory=list)
    check_names: dict[int, str] = field(default_factory=dict)  # id(check) -> name given
    inherited: set[str] = field(default_factory=set)  # columns from INHERITS parents
    parents: list[_TableDraft] = field(default_factory=list)  # INHERITS
    filled_by: str | None = None  # the INSERT trigger that fills it (schema.triggers)

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


_NAME = r"(?:\"(?:[^\"]|\"\")*\"|\[(?:[^\]]|\]\])*\]|`(?:[^`]|``)*`|[\w$#]+)"

_QNAME = rf"{_NAME}(?:\s*\.\s*{_NAME}){{0,2}}"

_RECOVERY_TABLE = "_datagen_recovered"


_OPEN = (TokenType.L_PAREN, TokenType.L_BRACKET)
_CLOSE = (TokenType.R_PAREN, TokenType.R_BRACKET)


def _unparen(expression: exp.Expression) -> exp.Expression:
    while isinstance(expression, exp.Paren):
        expression = expression.this
    return expression


def _summary(sql: str, limit: int = 80) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check(expression: exp.Expression, name: str | None) -> Check:
    """A CHECK kept as parsed (outer parentheses dropped) with its PostgreSQL text."""
    expression = _unparen(expression)
    return Check(parsed=expression, sql=expression.sql(dialect="postgres"), name=name)

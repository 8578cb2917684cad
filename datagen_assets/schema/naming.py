"""The names a database gives constraints the DDL leaves unnamed.

Migrations drop constraints by the name the database chose (`ALTER TABLE t DROP CONSTRAINT
t_pkey`), so replaying a script needs those names. They follow fixed rules per engine:

- PostgreSQL (`makeObjectName` in src/backend/commands/indexcmds.c): `<table>_pkey`,
  `<table>_<columns>_key`, `<table>_<columns>_fkey`, `<table>_<column>_check` (a CHECK over
  one column; `<table>_check` otherwise), `<table>_<columns>_idx`, `<table>_<columns>_excl`,
  columns joined by `_`, the longer of table and columns part shortened until the whole fits
  in 63 bytes; a clash takes a number after the label (`_key1`).
- MySQL/MariaDB: the primary key is `PRIMARY`, a unique key is named after its first column
  (`col`, then `col_2` ...), a foreign key `<table>_ibfk_<n>`.

Other engines make up names no script can predict (SQL Server's `PK__t__3213E83F`), so there
is nothing to replay.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

NAMEDATALEN = 64  # PostgreSQL identifiers are at most NAMEDATALEN - 1 bytes

# Constraint kind -> PostgreSQL label; `None` columns part for the primary key.
POSTGRES_LABELS = {"primary": "pkey", "unique": "key", "foreign": "fkey", "check": "check",
                   "index": "idx", "exclude": "excl"}  # fmt: skip


def _clip(text: str, limit: int) -> str:
    """At most `limit` bytes of UTF-8, never cutting a character (pg_mbcliplen)."""
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode(errors="ignore")


def postgres_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: `name1[_name2]_label` shortened to fit 63 bytes."""
    overhead = len(label.encode()) + 1 + (1 if name2 else 0)
    available = NAMEDATALEN - 1 - overhead
    chars1, chars2 = len(name1.encode()), len(name2.encode()) if name2 else 0
    while chars1 + chars2 > available:
        if chars1 > chars2:
            chars1 -= 1
        else:
            chars2 -= 1
    parts = [_clip(name1, chars1)] + ([_clip(name2, chars2)] if name2 else [])
    return "_".join([*parts, label])


def postgres_constraint_name(
    table: str, kind: str, columns: Iterable[str], taken: Callable[[str], bool]
) -> str:
    """The name PostgreSQL gives an unnamed constraint of `kind` (a POSTGRES_LABELS key) on
    `columns` of `table`; `taken` says whether a name is already used in the schema."""
    label = POSTGRES_LABELS[kind]
    columns = list(columns)
    if kind == "primary" or (kind == "check" and len(columns) != 1):
        name2 = None
    else:
        name2 = _clip("_".join(columns), NAMEDATALEN - 1)
    candidate = postgres_object_name(table, name2, label)
    number = 0
    while taken(candidate):
        number += 1
        candidate = postgres_object_name(table, name2, f"{label}{number}")
    return candidate


def mysql_constraint_name(
    table: str, kind: str, columns: Iterable[str], taken: Callable[[str], bool], count: int
) -> str:
    """The name MySQL/MariaDB gives an unnamed key: `PRIMARY`, the first column for a unique
    key (`_2`, `_3` on a clash), `<table>_ibfk_<count>` for the `count`-th foreign key."""
    if kind == "primary":
        return "PRIMARY"
    if kind == "foreign":
        return f"{table}_ibfk_{count}"
    first = next(iter(columns), kind)
    candidate, number = first, 1
    while taken(candidate):
        number += 1
        candidate = f"{first}_{number}"
    return candidate

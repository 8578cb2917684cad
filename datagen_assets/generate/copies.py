"""Denormalised copies of a parent's column: where a child repeats a reference its parent
holds (`appointments(doctor_id -> doctors, clinic_id -> clinics)` beside `doctors(clinic_id
-> clinics)`; camunda's `task.proc_inst_id_` beside `execution.proc_inst_id_`), the child's
value is its parent's: the appointment's clinic is its doctor's clinic.

The schema makes the relation visible when the child's column (or FK) has the very name of
a column of the parent that references the same thing. The copy is made without reading the
parent: its FK's row is regenerated at the parent row the child picked (`engine`), so the
value always names an existing row. Not copied:

- a parent column that is the parent's own identity (unique in the parent: `user.entity_id`
  is the user; a permission's `entity_id` is the grantee, another entity);
- a self-reference (a manager's department is not an employee's);
- into tables that keep the past (`job_history.department_id` is the department then, not
  the employee's current one): `PAST_WORDS`;
- a column a key, a CHECK or the config decides.
"""

from __future__ import annotations

from collections.abc import Callable

from datagen_assets.generate.meanings.tokens import table_tokens
from datagen_assets.schema.model import ForeignKey, Table

# words of a table's name that say it records earlier states of its parents
PAST_WORDS = frozenset(
    {"history", "hist", "log", "logs", "audit", "archive", "archived", "snapshot", "version",
     "versions", "revision", "revisions", "change", "changes", "journal", "trail", "old"}
)  # fmt: skip


def _fold(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c.lower() for c in columns)


def _identity(table: Table, columns: tuple[str, ...]) -> bool:
    """Whether the columns are unique in the table (a key of their own, or part of none
    but a unique set of exactly these columns)."""
    folded = set(_fold(columns))
    return any(set(_fold(key)) <= folded for key in table.unique_keys)


def _keeps_past(table: Table) -> bool:
    return bool(set(table_tokens(table.name)) & PAST_WORDS)


def parent_references(
    table: Table, via: ForeignKey, columns: tuple[str, ...], tables: Callable[[str], Table]
) -> ForeignKey | None:
    """The FK of `via`'s parent over columns named as `columns` (and, for a child FK,
    referencing what it references), if copying them from the parent makes sense."""
    if via.ref_table == table.key:
        return None
    parent = tables(via.ref_table)
    for fk in parent.foreign_keys:
        if _fold(fk.columns) == _fold(columns) and not _identity(parent, fk.columns):
            return fk
    return None


def fk_copies(
    table: Table, tables: Callable[[str], Table], free: Callable[[int], bool]
) -> dict[int, tuple[int, int]]:
    """FK index of the child -> (FK index it reaches the parent by, the parent's FK index)
    for the child FKs that copy their parent's reference. `free(i)` says whether FK i is
    the child's own to decide (not part of a key, not shaped by the config, not in a
    CHECK). The FK reached through is one the child samples itself where there is one, else
    one it copies in turn (`builds.team_id` is its pipeline's, whose pipeline is its job's),
    never in a loop."""
    if _keeps_past(table):
        return {}
    fks = table.foreign_keys
    candidates: dict[int, list[tuple[int, int]]] = {}
    for j, copied in enumerate(fks):
        if copied.ref_table == table.key or not free(j):
            continue
        for i, via in enumerate(fks):
            if i == j or set(_fold(via.columns)) & set(_fold(copied.columns)):
                continue
            theirs = parent_references(table, via, copied.columns, tables)
            if (
                theirs is not None
                and theirs.ref_table == copied.ref_table
                and _fold(theirs.ref_columns) == _fold(copied.ref_columns)
            ):
                parent = tables(via.ref_table)
                candidates.setdefault(j, []).append((i, parent.foreign_keys.index(theirs)))
    chosen = {  # through a parent the child samples itself where one is, else a copied one
        j: ([c for c in found if c[0] not in candidates] or found)[0]
        for j, found in candidates.items()
    }
    for j in list(chosen):  # a chain of copies that comes back to itself samples instead
        seen, at = {j}, chosen[j][0]
        while at in chosen and at not in seen:
            seen.add(at)
            at = chosen[at][0]
        if at in seen:
            chosen.pop(j)
    return chosen


def column_copy(table: Table, name: str, tables: Callable[[str], Table]) -> tuple[str, str] | None:
    """For a plain column (no FK of the child) named as an FK column of a parent: (the FK
    column of the child to look the parent's value up through, the parent's column), or
    None."""
    if _keeps_past(table):
        return None
    column = table.column(name)
    for via in table.foreign_keys:
        theirs = parent_references(table, via, (name,), tables)
        if theirs is None:
            continue
        parent = tables(via.ref_table)
        source = next(c for c in parent.columns if c.name.lower() == name.lower())
        if source.type.kind != column.type.kind:
            continue
        via_nullable = any(table.column(c).nullable for c in via.columns)
        if not column.nullable and (via_nullable or source.nullable):
            continue  # a NULL parent (or no parent) would leave a NOT NULL column empty
        return via.columns[0], source.name
    return None

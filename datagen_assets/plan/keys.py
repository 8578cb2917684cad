"""How each table's keys are made unique and referentially valid by construction.

Every PRIMARY KEY, UNIQUE constraint and unique index becomes a *key group*: a mixed-radix
number over components, one per foreign key wholly inside the group (its digit is a parent row
index) plus at most one *carrier* column of the table's own (its digit is a per-row index
rendered as an integer, string, date...). The group's number is a bijection of the row index,
so tuples are unique without retries and FK digits always name an existing parent row. Columns
of a foreign key that is not inside a key group are filled from one sampled parent row per
child row.

A unique index on `lower()`/`upper()`/`trim()` of a column marks its group *folded*: the
carrier must render distinct indexes as values that stay distinct after case folding and
trimming (the generators' contract, see `generate/generators.py`). So does the dialect: MySQL
(and MariaDB) and SQL Server compare strings case-insensitively and ignoring trailing spaces
under their default collations, so there every key on a string column is folded, even a
plain UNIQUE (the model keeps no per-column collation, so a column declared with a binary or
case-sensitive collation is folded too: stricter than needed, never wrong). A partial unique
index is kept unique over all rows, which satisfies it whatever its predicate selects.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from datagen_assets.generate.generators import (
    CAPACITY_LIMIT,
    Choice,
    Generator,
    Pattern,
    capped_power,
)
from datagen_assets.schema.model import (
    CASE_INSENSITIVE_DIALECTS,
    COLLATED_KINDS,
    STRING_KINDS,
    CheckRules,
    Column,
    ForeignKey,
    Note,
    Table,
    TypeKind,
    type_name,
)

# Kinds that can carry uniqueness for any row count (their value space is unbounded enough).
CARRIER_KINDS = frozenset(
    {
        TypeKind.SMALLINT,
        TypeKind.INTEGER,
        TypeKind.BIGINT,
        TypeKind.NUMERIC,
        TypeKind.REAL,
        TypeKind.DOUBLE,
        TypeKind.MONEY,
        TypeKind.TEXT,
        TypeKind.VARCHAR,
        TypeKind.CHAR,
        TypeKind.DATE,
        TypeKind.TIMESTAMP,
        TypeKind.TIMESTAMPTZ,
        TypeKind.UUID,
        TypeKind.BYTES,
        TypeKind.INET,
        TypeKind.TIME,
        TypeKind.INTERVAL,
        TypeKind.RANGE,
        TypeKind.BITS,
        TypeKind.TSVECTOR,
        TypeKind.TSQUERY,
        TypeKind.ENUM,  # small domains: they hold as many rows as they have values
        TypeKind.BOOLEAN,
    }
)


@dataclass(frozen=True)
class KeyGroup:
    """A unique tuple made by construction. `fks` are the FK components (indexes into
    `Table.foreign_keys`) and `carrier` the own column, if any. `radix` holds each component's
    size, FK components first, carrier last; the capacity is their product."""

    columns: tuple[str, ...]
    fks: tuple[int, ...]
    carrier: str | None
    radix: tuple[int, ...]
    folded: bool = False  # the carrier's values must stay distinct after case folding
    # (i, j) positions in `fks` of two FKs into the same parent key that a CHECK (a <> b)
    # keeps apart: digit j counts the parent's other rows (radix P - 1) and skips digit i's
    distinct: tuple[tuple[int, int], ...] = ()

    @property
    def capacity(self) -> int:
        return math.prod(self.radix)


@dataclass(frozen=True)
class KeyPlan:
    """Which mechanism fills each key column, and how many rows the keys allow."""

    groups: tuple[KeyGroup, ...]
    sampled_fks: tuple[int, ...]  # FKs filled from one uniformly sampled parent row
    column_source: dict[str, tuple[str, int]]  # column -> ("group", i) | ("fk", i)
    max_rows: int | None  # None when unbounded
    notes: tuple[Note, ...]
    # why `max_rows` is what it is: one line per limiting key ("UNIQUE (id) holds 256 values")
    limits: tuple[str, ...] = ()


def carrier_capacity(column: Column, bound=None) -> int | None:
    """How many distinct values a carrier column can hold (None = more than any table);
    `bound` is the column's CHECK range, if any (integers only)."""
    kind, length = column.type.kind, column.type.length
    if (
        bound is not None
        and kind in (TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT)
        and isinstance(bound.low, (int, float))
        and isinstance(bound.high, (int, float))
    ):
        low = int(bound.low) + (1 if bound.low_strict else 0)
        high = int(bound.high) - (1 if bound.high_strict else 0)
        return max(high - low + 1, 0)
    if kind == TypeKind.SMALLINT:
        return 32767
    if kind == TypeKind.TIME:
        return 86_400 * 1_000_000  # microseconds in a day
    if kind == TypeKind.DATE and bound is not None:  # days in a CHECK range on a unique date
        low, high = _iso_date(bound.low), _iso_date(bound.high)
        if low is not None and high is not None:
            days = (high - low).days + 1 - bound.low_strict - bound.high_strict
            return max(days, 0)
    if kind in (TypeKind.CHAR, TypeKind.VARCHAR) and length:
        return 36 ** min(length, 12)
    if kind == TypeKind.BITS and length:
        return capped_power(2, length)
    if kind == TypeKind.NUMERIC and column.type.precision:
        digits = column.type.precision - (column.type.scale or 0)
        return 10 ** min(digits, 18) if digits > 0 else 1
    if kind == TypeKind.BOOLEAN:
        return 2
    if kind == TypeKind.ENUM:
        return len(set(column.type.enum_values)) or 1
    return None


def key_generator(column: Column, rules: CheckRules) -> Generator | None:
    """What a key carrier with no generator in the config is drawn from when its CHECKs or
    its type close its values: the CHECK's IN list or pattern, the enum's labels, the two
    booleans. None: by type (or by meaning), counted by `carrier_capacity`."""
    if column.name in rules.domains:
        return Choice(rules.domains[column.name])
    if column.name in rules.patterns:
        return Pattern(rules.patterns[column.name])
    if column.type.kind == TypeKind.ENUM and column.type.enum_values:
        return Choice(tuple(column.type.enum_values))
    if column.type.kind == TypeKind.BOOLEAN:
        return Choice((False, True))
    return None


def default_capacity(column: Column, rules: CheckRules, folded: bool) -> int | None:
    """How many distinct values a carrier with no configured generator holds: those of its
    closed domain (`key_generator`), else of its type within its CHECK range. None: more than
    any table (or a pattern that cannot enumerate values: the engine reports it)."""
    generator = key_generator(column, rules)
    if generator is None:
        return carrier_capacity(column, rules.bounds.get(column.name))
    try:
        capacity = generator.unique_capacity(column, folded)
    except ValueError:
        return None
    return None if capacity is None else min(capacity, CAPACITY_LIMIT)


def _iso_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def folded_columns(table: Table, columns: tuple[str, ...], dialect: str | None) -> frozenset[str]:
    """Columns of the unique `columns` whose values must stay distinct after case folding:
    those a lower()/upper()/trim() unique index compares, those of PostgreSQL's citext (it
    compares case-insensitively), and, in a dialect whose default collations are
    case-insensitive, every string column."""
    folded = table.folded_columns(columns)
    folded |= {c for c in columns if type_name(table.column(c).type).endswith("citext")}
    if dialect in CASE_INSENSITIVE_DIALECTS:
        folded |= {c for c in columns if table.column(c).type.kind in COLLATED_KINDS}
    return frozenset(folded)


def plan_keys(
    table: Table,
    rows: int,
    parent_rows: dict[str, int],
    dialect: str | None = None,
    configured: frozenset[str] = frozenset(),
) -> KeyPlan:
    """Assign every key column to a key group or a sampled FK, and count how many rows the
    keys can hold (`max_rows`, with `limits` saying which key limits them): a junction holds
    no more pairs than its parents allow, a unique tinyint 256 values, a singleton guarded by
    `CHECK (id = 0)` one row, a NOT NULL foreign key into an empty table none. The plan caps a
    default row count there; a count the config sets is reported instead (the engine).
    `dialect` is the schema's: it decides whether plain string keys are case-insensitive.
    `configured` columns have a generator from the config: as string carriers they are not
    bounded by the default's base-36 alphabet (`varchar(2)` holds 2,704 `[A-Za-z]{2}`), but
    by that generator's `unique_capacity`, which the engine checks."""
    assigned: dict[str, tuple[str, int]] = {}
    groups: list[KeyGroup] = []
    notes: list[Note] = []
    limits: list[tuple[int, str]] = []
    fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
    rules = table.check_rules
    # narrower keys first: a key containing an already unique one is unique too, and making
    # UNIQUE (worker, handle) first would leave UNIQUE (handle) to chance
    for key_columns in sorted(table.unique_keys, key=len):
        if any(set(g.columns) <= set(key_columns) for g in groups):
            continue  # a subset is already unique, so this superset is too
        fks = _group_fks(table, key_columns, assigned.keys())
        used = {c for i in fks for c in table.foreign_keys[i].columns}
        free = [
            c for c in key_columns if c not in used and c not in assigned and c not in fk_columns
        ]
        folded_here = folded_columns(table, tuple(key_columns), dialect)

        def capacity(name: str, folded_here=folded_here) -> int | None:
            if name in configured:
                return None  # the engine counts the configured generator
            return default_capacity(
                table.column(name), rules, name in folded_here or name in rules.cases
            )

        parents = math.prod(
            max(parent_rows.get(table.foreign_keys[i].ref_table, 0), 0) for i in fks
        )
        carrier = _pick_carrier(table, free, capacity, -(-rows // max(parents, 1)))
        entangled = _entangled(table, key_columns, fks)
        if entangled and carrier is not None:
            # an FK of the key sharing columns with one outside it (`nid` of networks and of
            # (key_set, key_id, nid) -> jwk) would disagree with it; if the carrier holds
            # the rows alone, the wider FK fills the shared columns from one parent row
            folds = carrier in folded_columns(table, tuple(key_columns), dialect)
            alone = default_capacity(table.column(carrier), rules, folds)
            if carrier in configured or alone is None or alone >= rows:
                fks = tuple(i for i in fks if i not in entangled)
                used = {c for i in fks for c in table.foreign_keys[i].columns}
        if not fks and carrier is None:
            notes.append(
                Note(
                    f"{table.key}: cannot guarantee UNIQUE({', '.join(key_columns)})"
                    " by construction; its columns are shared with other keys"
                )
            )
            continue
        fixed = [max(parent_rows.get(table.foreign_keys[i].ref_table, 0), 0) for i in fks]
        distinct = _distinct_pairs(table, fks)
        for _, j in distinct:
            fixed[j] = max(fixed[j] - 1, 0)
        radix = list(fixed)
        bound = math.prod(fixed) if fixed else 1
        folded = folded_columns(table, tuple(key_columns), dialect)
        if carrier is not None:
            need = max(1, -(-rows // max(bound, 1)))
            column = table.column(carrier)
            if carrier in configured:  # the engine counts the configured generator
                cap = (
                    None
                    if column.type.kind in STRING_KINDS
                    else carrier_capacity(column, rules.bounds.get(carrier))
                )
            else:
                cap = default_capacity(column, rules, carrier in folded or carrier in rules.cases)
            radix.append(min(need, cap) if cap is not None else need)
        group = KeyGroup(
            tuple(key_columns), fks, carrier, tuple(radix), carrier in folded, distinct
        )
        # by the dialect, the parent's string keys are folded too: only indexes need a note
        notes.extend(
            _folded_through_parents(table, group, table.folded_columns(tuple(key_columns)))
        )
        if group.capacity < rows:
            limits.append((group.capacity, _holds_only(table, group, parent_rows)))
        index = len(groups)
        groups.append(group)
        for c in used:
            assigned[c] = ("group", index)
        if carrier is not None:
            assigned[carrier] = ("group", index)
    for fk in table.foreign_keys:
        empty = fk.ref_table != table.key and parent_rows.get(fk.ref_table, 1) == 0
        if empty and not all(table.column(c).nullable for c in fk.columns):
            why = f"NOT NULL FOREIGN KEY ({', '.join(fk.columns)}) into {fk.ref_table}, 0 rows"
            limits.append((0, why))
    if not table.columns:  # `CREATE TABLE t ()`: a frame and a Parquet file need a column
        limits.append((0, "a table without columns holds no row DataGen can write"))
    max_rows = min((capacity for capacity, _ in limits), default=None)
    reasons = tuple(why for capacity, why in limits if capacity == max_rows)
    sampled = []
    for order in sorted(
        range(len(table.foreign_keys)), key=lambda i: -len(table.foreign_keys[i].columns)
    ):
        fk: ForeignKey = table.foreign_keys[order]
        free = [c for c in fk.columns if c not in assigned]
        if not free:
            continue  # filled by a key group or a wider FK; see module docstring
        # Columns it shares with a key or a wider FK keep those values; its own ones come from
        # a sampled parent row, NULL where that row disagrees on the shared ones (the engine)
        sampled.append(order)
        for c in free:
            assigned[c] = ("fk", order)
    return KeyPlan(tuple(groups), tuple(sorted(sampled)), assigned, max_rows, tuple(notes), reasons)


def _group_fks(table: Table, key_columns, assigned) -> tuple[int, ...]:
    """The FKs wholly inside a key that become its components: widest first and pairwise
    disjoint (of `nid -> networks` and `(client_id, nid) -> clients`, the wider one makes
    both columns; the narrower one is then covered by it), none over columns already made."""
    chosen: list[int] = []
    taken: set[str] = set(assigned)
    inside = [i for i, fk in enumerate(table.foreign_keys) if set(fk.columns) <= set(key_columns)]
    for i in sorted(inside, key=lambda i: -len(table.foreign_keys[i].columns)):
        columns = set(table.foreign_keys[i].columns)
        if not columns & taken:
            chosen.append(i)
            taken |= columns
    return tuple(sorted(chosen))


def _distinct_pairs(table: Table, fks: tuple[int, ...]) -> tuple[tuple[int, int], ...]:
    """Pairs of component FKs a CHECK (a <> b) keeps apart: one column each, into the same
    parent column (useracct_feedback: uf_u_id and uf_from_id both -> useracct.u_id)."""
    pairs = []
    positions = {table.foreign_keys[i].columns[0]: p for p, i in enumerate(fks)
                 if len(table.foreign_keys[i].columns) == 1}  # fmt: skip
    for a, b in table.check_rules.differ:
        if a not in positions or b not in positions:
            continue
        i, j = positions[a], positions[b]
        fk_a, fk_b = table.foreign_keys[fks[i]], table.foreign_keys[fks[j]]
        same = (fk_a.ref_table, fk_a.ref_columns) == (fk_b.ref_table, fk_b.ref_columns)
        taken = {p for pair in pairs for p in pair}
        if same and i not in taken and j not in taken:
            pairs.append((i, j))
    return tuple(pairs)


def _entangled(table: Table, key_columns, fks: tuple[int, ...]) -> set[int]:
    """Component FKs sharing a column with an FK that is not wholly inside the key (and so
    is sampled): both cannot name their own parent row and agree on the shared column."""
    outside = [fk for fk in table.foreign_keys if not set(fk.columns) <= set(key_columns)]
    return {
        i
        for i in fks
        if any(set(table.foreign_keys[i].columns) & set(fk.columns) for fk in outside)
    }


def _holds_only(table: Table, group: KeyGroup, parent_rows: dict[str, int]) -> str:
    """Why a key group holds no more rows than its capacity, for notes and problems:
    `UNIQUE (code) holds only 36 values` or `PRIMARY KEY (a_id, b_id) holds only 6 (3 rows
    of a x 2 rows of b)`."""
    label = "PRIMARY KEY" if tuple(group.columns) == tuple(table.primary_key) else "UNIQUE"
    parts = []
    apart = {j for _, j in group.distinct}
    for position, i in enumerate(group.fks):
        parent = table.foreign_keys[i].ref_table
        rows = _count(group.radix[position], "other row" if position in apart else "row")
        parts.append(f"{rows} of {parent}")
    if group.carrier is not None:
        parts.append(f"{_count(group.radix[-1], 'value')} of {group.carrier}")
    held = f"{label} ({', '.join(group.columns)}) holds only "
    if len(parts) == 1:
        return held + parts[0]
    return held + f"{group.capacity:,} ({' x '.join(parts)})"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _folded_through_parents(table: Table, group: KeyGroup, folded: frozenset[str]) -> list[Note]:
    """A foreign key column compared case-insensitively holds copies of the parent's key: its
    values are distinct after case folding only as far as the parent's are."""
    columns = sorted(c for i in group.fks for c in table.foreign_keys[i].columns if c in folded)
    if not columns:
        return []
    message = (
        f"{table.key}: {', '.join(columns)} compared case-insensitively by a unique index are "
        "foreign key columns; distinct after case folding only as far as the parent's key "
        "values are"
    )
    return [Note(message)]


def _pick_carrier(table: Table, free: list[str], capacity=None, need: int = 0) -> str | None:
    """Prefer an integer, then a string, then anything in CARRIER_KINDS; but when that one
    holds fewer than `need` values (`capacity(column)`, None: unbounded) and another holds
    more, the one holding the most: PRIMARY KEY (name, year) with `year` in five partition
    values is carried by `name`, not capped at five rows."""
    candidates = [
        c
        for c in free
        if table.column(c).type.kind in CARRIER_KINDS and not table.column(c).type.array
    ]
    chosen = candidates[0] if candidates else None
    for preferred in (
        {TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT},
        {TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR},
    ):
        found = [c for c in candidates if table.column(c).type.kind in preferred]
        if found:
            chosen = found[0]
            break
    if chosen is None or capacity is None:
        return chosen
    held = {c: capacity(c) for c in candidates}
    if held[chosen] is None or held[chosen] >= need:
        return chosen

    def size(name: str) -> float:
        return math.inf if held[name] is None else held[name]

    return max(candidates, key=lambda c: (size(c), -candidates.index(c)))

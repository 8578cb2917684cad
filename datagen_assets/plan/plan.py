"""The plan: table order, row counts, row chunks and key construction of a dataset.

Planning is pure and cheap (no data, no I/O), so the Dagster layer can call it every time
definitions load. Everything generation needs to know *before* drawing a value is decided
here, once, and shared by every partition on every worker.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from datagen_assets.dataset import Dataset
from datagen_assets.generate.fanout import range_total
from datagen_assets.generate.random import stream_key
from datagen_assets.plan.keys import KeyPlan, plan_keys
from datagen_assets.schema.model import Note, Table

PARTITION_KEY_WIDTH = 5


@dataclass(frozen=True)
class TablePlan:
    table: Table
    rows: int
    chunk_rows: int
    keys: KeyPlan
    parents: tuple[str, ...]  # FK parents other than itself, for ordering and lineage
    notes: tuple[Note, ...] = ()
    chunks: int = 0  # the dataset's chunk count (`plan_dataset`); 0: this table's own

    @property
    def key(self) -> str:
        return self.table.key

    @property
    def own_chunk_count(self) -> int:
        """Chunks of at most `chunk_rows` rows this table alone needs."""
        return max(1, -(-self.rows // self.chunk_rows))

    @property
    def chunk_count(self) -> int:
        return self.chunks or self.own_chunk_count

    @property
    def rows_per_chunk(self) -> int:
        """Rows of every chunk but the last (at most `chunk_rows`)."""
        return max(1, -(-self.rows // self.chunk_count))

    @cached_property
    def partition_keys(self) -> tuple[str, ...]:
        """Zero-padded chunk numbers, so they sort as the chunks do."""
        return tuple(str(i).zfill(PARTITION_KEY_WIDTH) for i in range(self.chunk_count))

    def chunk_bounds(self, partition_key: str) -> tuple[int, int]:
        """Row range [start, stop) of a chunk."""
        index = int(partition_key)
        if not 0 <= index < self.chunk_count:
            raise KeyError(f"{self.key} has no chunk {partition_key!r} (0..{self.chunk_count - 1})")
        start = min(index * self.rows_per_chunk, self.rows)
        return start, min(start + self.rows_per_chunk, self.rows)


@dataclass(frozen=True)
class DatasetPlan:
    dataset: Dataset
    tables: dict[str, TablePlan]  # parents before children
    notes: tuple[Note, ...] = ()

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def seed(self) -> int:
        return self.dataset.config.seed

    def table(self, key: str) -> TablePlan:
        return self.tables[key]


def plan_dataset(dataset: Dataset) -> DatasetPlan:
    """Order tables parents-first (breaking FK cycles at a nullable FK), fix row counts and
    plan every table's keys.

    A table whose keys hold fewer rows than its count (a singleton guarded by
    `CHECK (id = 0)`, a unique tinyint, a junction over small parents; see `plan_keys`) is
    capped at what they hold, with a note, when the count is a default (the dataset's `rows`,
    DATAGEN_ROWS, `scale`): a default is a wish for "about this many", and children see the
    capped count. A count the config gives the table itself is kept, and the engine reports
    that it cannot be met (a problem naming the YAML and the table), since quietly making
    fewer rows than asked would be a lie."""
    schema, config = dataset.schema, dataset.config
    order, cycle_notes = _topological_order(schema.tables)
    # a table an INSERT trigger fills gets its rows from the database (schema/triggers.py)
    wanted = {
        key: 0 if table.filled_by else config.rows_for(key) for key, table in schema.tables.items()
    }
    rows = dict(wanted)
    plans: dict[str, TablePlan] = {}
    for _ in range(len(order) + 1):  # caps propagate to children (and around cycles)
        changed = False
        for key in order:
            table = schema.tables[key]
            fanned = _fanout_rows(table, config, rows, dataset.config.seed, wanted[key])
            asked = _asked(config, key) or fanned != config.rows_for(key)  # fan-out: laid out
            wanted[key] = fanned
            keys = plan_keys(table, wanted[key], rows, schema.dialect, _configured(config, key))
            capped, notes = wanted[key], keys.notes
            if keys.max_rows is not None and keys.max_rows < wanted[key] and not asked:
                capped = keys.max_rows
                reason = "; ".join(keys.limits)
                notes += (Note(f"{key}: rows capped from {wanted[key]:,} to {capped:,}: {reason}"),)
            if capped != rows[key]:
                rows[key] = capped
                changed = True
            parents = tuple(
                dict.fromkeys(fk.ref_table for fk in table.foreign_keys if fk.ref_table != key)
            )
            plans[key] = TablePlan(table, capped, config.chunk_rows, keys, parents, notes)
        if not changed:
            break
    # Every table of a dataset gets the same chunks, as many as its biggest table needs: one
    # partitions definition, so the whole dataset is one Dagster run (and one click in the
    # UI), and chunk k of the dataset is about 1/n of every table. Values depend on the row
    # index only, so the layout never changes a value.
    chunks = max((plans[key].own_chunk_count for key in order), default=1)
    return DatasetPlan(
        dataset,
        {key: replace(plans[key], chunks=chunks) for key in order},
        tuple(schema.notes) + tuple(cycle_notes),
    )


def _asked(config, table_key: str) -> bool:
    """Whether the config sets this table's own row count (`tables: {t: {rows: n}}`), rather
    than the table taking a default."""
    table_config = config.tables.get(table_key)
    return table_config is not None and table_config.rows is not None


def _configured(config, table_key: str) -> frozenset[str]:
    """Columns the config gives a value generator (not `fk`, which only shapes an FK)."""
    table_config = config.tables.get(table_key)
    if not table_config:
        return frozenset()
    return frozenset(
        name
        for name, column in table_config.columns.items()
        if column.generator and column.generator != "fk"
    )


def _fanout_rows(table: Table, config, rows: dict[str, int], seed: int, wanted: int) -> int:
    """With `fk` distribution `range` (min..max children per parent), a table's row count is
    the sum of its parents' child counts, computed exactly as the engine will draw them."""
    table_config = config.tables.get(table.key)
    if not table_config:
        return wanted
    for fk_index, fk in enumerate(table.foreign_keys):
        for column in fk.columns:
            column_config = table_config.columns.get(column)
            params = column_config.params if column_config else {}
            if (
                column_config
                and column_config.generator == "fk"
                and params.get("distribution") == "range"
                and fk.ref_table != table.key
            ):
                key = stream_key(seed, table.key, "fanout", fk_index)
                low, high = int(params.get("min", 0)), int(params.get("max", 3))
                if 0 <= low <= high:
                    return range_total(key, rows[fk.ref_table], low, high)
    return wanted


def _topological_order(tables: dict[str, Table]) -> tuple[list[str], list[Note]]:
    """Kahn's algorithm in declaration order, round by round (a round: every table whose
    parents are all placed, in declaration order); on a cycle, drop the edge of a nullable FK
    (its child can be loaded first with the FK filled later) and note it. Counts of unplaced
    parents make it linear in tables + FKs (a 3,000-table chain took one scan a table)."""
    position = {key: index for index, key in enumerate(tables)}
    edges = {
        key: {
            fk.ref_table for fk in t.foreign_keys if fk.ref_table != key and fk.ref_table in tables
        }
        for key, t in tables.items()
    }
    waiting = {key: len(parents) for key, parents in edges.items()}
    children: dict[str, list[str]] = {key: [] for key in tables}
    for key, parents in edges.items():
        for parent in parents:
            children[parent].append(key)
    order: list[str] = []
    notes: list[Note] = []
    remaining = dict(edges)
    ready = [key for key in tables if not waiting[key]]
    cycles = None
    while remaining:
        if not ready:
            cycles = cycles or _CycleEdges(tables, remaining)
            child, parent = cycles.pop()
            remaining[child] = remaining[child] - {parent}
            cycles.dropped()
            children[parent].remove(child)
            waiting[child] -= 1
            ready = [child] if not waiting[child] else []
            notes.append(
                Note(
                    f"FK cycle: {child} -> {parent} is ordered after {child}; "
                    "load it with deferred constraints"
                )
            )
            continue
        freed = []
        for key in ready:
            order.append(key)
            del remaining[key]
        for key in ready:
            for child in children[key]:
                waiting[child] -= 1
                if not waiting[child]:
                    freed.append(child)
        ready = sorted(freed, key=position.__getitem__)
    return order, notes


class _CycleEdges:
    """The FK edge to drop when no table is ready: one that lies on a cycle (its child and
    parent are in one strongly connected component of the tables not placed yet), never an
    edge of a table that merely hangs below a cycle, which would load that table before its
    parents for no reason. Preferred: a nullable FK of a table with a row key (an export
    inserts it NULL and sets it by an UPDATE afterwards), then any nullable FK, then
    declaration order. The components are found once; dropping an edge re-reads only its
    own component, so 1,000 two-table cycles cost what one does, 1,000 times."""

    def __init__(self, tables: dict[str, Table], remaining: dict[str, set[str]]):
        self.tables, self.remaining = tables, remaining
        self.position = {key: index for index, key in enumerate(tables)}
        self.best: dict[tuple, frozenset[str]] = {}  # best edge of a component -> its tables
        self._read(set(remaining))

    def pop(self) -> tuple[str, str]:
        """The edge to drop; the caller removes it from `remaining`, then calls `dropped`."""
        best = min(self.best)
        self._last = self.best.pop(best)
        return best[1], best[2]

    def dropped(self) -> None:
        self._read(set(self._last))

    def _read(self, nodes: set[str]) -> None:
        for component in strongly_connected(nodes, self.remaining):
            if len(component) < 2:
                continue
            candidates = []
            for child in component:
                for fk in self.tables[child].foreign_keys:
                    parent = fk.ref_table
                    if parent not in component or parent not in self.remaining[child]:
                        continue
                    nullable = all(self.tables[child].column(c).nullable for c in fk.columns)
                    keyed = self.tables[child].row_key is not None
                    rank = (not nullable, not keyed, self.position[child], self.position[parent])
                    candidates.append((rank, child, parent))
            self.best[min(candidates)] = frozenset(component)


def strongly_connected(nodes: set[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of the graph `edges` restricted to `nodes` (Tarjan's
    algorithm without recursion: an FK chain of any depth)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root] & nodes)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(component)
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(edges[child] & nodes))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found

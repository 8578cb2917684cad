"""The engine: a chunk of a table, as a polars DataFrame, column at a time.

Every value is a pure function of (seed, table, column, row index). Foreign keys and lookups
never read parent data: the engine evaluates the parent's own column generators at the parent
row indexes the child picked, so a child chunk can be generated before, after or without its
parents, on any worker, and still agree with them. Knows nothing of Dagster.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import polars as pl
from polars.exceptions import PanicException

from datagen_assets.dataset import ColumnConfig
from datagen_assets.generate import copies, fanout, lifecycle, ordering
from datagen_assets.generate import random as rnd
from datagen_assets.generate.bounds import (
    clip_to_bound,
    fit_to_bound,
    fit_to_intervals,
    limits,
    unique_in_bound,
    within,
)
from datagen_assets.generate.dtypes import INTEGER_BOUNDS, numeric_limit, polars_dtype
from datagen_assets.generate.edge_cases import edge_case_mask, edge_pool, inject
from datagen_assets.generate.generators import (
    ByType,
    Choice,
    Draw,
    Expression,
    ForeignKeyFanOut,
    Generator,
    JsonDocument,
    Lookup,
    Offset,
    Pattern,
    build_generator,
    on_distinct,
    sql_columns,
)
from datagen_assets.generate.meanings.values import JsonByMeaning
from datagen_assets.generate.semantic import detect, domain_weights, explain
from datagen_assets.pii.classify import categories, override_problems
from datagen_assets.pii.modes import apply_pii_mode, mode_problem, read_key, seed_key
from datagen_assets.plan.keys import KeyGroup, carrier_capacity, key_generator
from datagen_assets.plan.plan import DatasetPlan, TablePlan
from datagen_assets.schema.model import (
    Bound,
    Check,
    CheckRules,
    Column,
    Note,
    Problem,
    SchemaError,
    Table,
    TypeKind,
)

# polars SQL fails in many ways, some as a Rust panic (a cast to NUMERIC(1000, 999)), which
# is a BaseException: every evaluation of SQL text by polars catches both.
POLARS_SQL_ERRORS = (Exception, PanicException)


@dataclass(frozen=True)
class ColumnRecipe:
    """How one column is made: by a generator, a key group, or a sampled foreign key."""

    column: Column
    source: str  # "generator" | "group" | "fk" | "computed" (generated, or equated by a CHECK)
    index: int = -1  # group or FK index
    generator: Generator | None = None
    null_fraction: float = 0.0
    dtype: pl.DataType | None = None
    bound: Bound | None = None  # from CHECK constraints
    null_with: tuple[str, ...] = ()  # NULL wherever one of these columns is NULL
    edge_fraction: float = 0.0  # share of cells replaced by edge cases
    pii_mode: str = "synthetic"  # masked / redacted: applied to the final values
    pii_category: str = "none"
    case: str | None = None  # "lower" | "upper", from CHECK (lower(c) = c)
    folded: bool = False  # a key carrier whose values must stay distinct after case folding
    expression: str | None = None  # source "computed": PostgreSQL SQL over the row's columns
    # (columns, exactly, fixed): one (or at least one) of these columns is not NULL in a row,
    # the one a shared draw picks, or always the `fixed`-th (a NOT NULL member)
    one_of: tuple[tuple[tuple[str, ...], bool, int | None], ...] = ()
    # (columns, allowed): a CHECK over NULL tests of these columns; each row takes one of the
    # allowed NULL patterns (True: NULL), the same draw for every member
    null_pattern: tuple[tuple[str, ...], tuple[tuple[bool, ...], ...]] | None = None
    max_length: int | None = None  # a CHECK's `length(c) <= n`: cut to it (not a key's own)
    forbidden: tuple[str, ...] = ()  # regexes of characters a CHECK forbids: removed
    # the status (or flag) column saying whether the event this column records happened:
    # NULL (an amount: 0) where it has not, set where it has (`lifecycle`)
    follows: lifecycle.Follows | None = None


@dataclass(frozen=True)
class Repair:
    """An untranslated CHECK, enforced by evaluating it on each chunk and redrawing the failing
    rows from salted streams (deterministic: the same rows fail and get the same redraws
    wherever the chunk is generated)."""

    sql: str
    columns: tuple[str, ...]  # redrawn where the CHECK fails
    fixed: tuple[str, ...] = ()  # read as they are: unique key columns the CHECK also names


MAX_REDRAWS = 64
EPOCH_DAY = dt.date(1970, 1, 1)
SPREAD_FROM = dt.date(2015, 1, 1)  # where dates unique per parent (`_spread_instants`) start
# Sources whose rows a repair may redraw (see `Engine._redrawable`): not unique keys. A
# foreign key is redrawn as another sampled parent row.
REPAIRABLE = ("generator", "computed", "fk")


# Meanings whose values identify a person: a column DataGen fills with them holds personal
# data, whatever its name says (`principal_name` drawn as full names), so its PII category is
# `direct` unless the config sets one: pii modes apply to it, and the scan expects names there.
PERSONAL_MEANINGS = frozenset(
    {"first_name", "middle_name", "last_name", "full_name", "person_name", "display_name",
     "user_name", "email", "phone", "phone_int", "ip_address", "ipv6", "mac_address"}
)  # fmt: skip
# The same, read off the generator a meaning draws with (a meaning of its own, `bcc` as a
# `recipient_email`, still writes people's e-mails): fields of the row's person that name or
# reach them, and vocabularies of people's names (artists are people, bands aside).
PERSONAL_FIELDS = frozenset(
    {"first_name", "middle_name", "last_name", "full_name", "display_name", "user_name",
     "email", "phone"}
)  # fmt: skip
PERSONAL_VOCABULARIES = frozenset({"first_name", "last_name", "full_name", "artist_name"})


def fills_with_personal_data(meaning: str | None, generator: Generator | None) -> bool:
    """Whether a column DataGen fills by this meaning, with this generator, holds values that
    identify a person: the PII category it is classified `direct` by (see `pii_categories`)."""
    from datagen_assets.generate.meanings.values import EntityField, Vocabulary

    if meaning in PERSONAL_MEANINGS:
        return True
    if isinstance(generator, EntityField):
        return generator.entity == "person" and generator.field in PERSONAL_FIELDS
    return isinstance(generator, Vocabulary) and generator.vocabulary in PERSONAL_VOCABULARIES


class Engine:
    """Compiles a plan once (validating every override) and generates chunks from it."""

    def __init__(self, plan: DatasetPlan):
        self.plan = plan
        self.seed = plan.seed
        problems: list[Problem] = []
        self.notes: list[Note] = []
        problems += override_problems(plan.dataset.schema, plan.dataset.config.pii_overrides())
        self._whole_columns: dict[tuple[str, str], pl.Series] = {}
        self.fanouts: dict[tuple[str, int], ForeignKeyFanOut] = {}  # (table, FK index)
        self.repairs: dict[str, list[Repair]] = {}  # untranslated CHECKs, per table
        self._table_order = {key: i for i, key in enumerate(plan.tables)}  # parents first
        self._blocks: dict[tuple[str, int], int] = {}  # (table, key group) -> carrier_blocks
        self.recipes = {key: self._compile(tp, problems) for key, tp in plan.tables.items()}
        if problems:
            raise SchemaError(problems)
        # (table, FK index) -> (FK index to the parent, the parent's FK index it copies)
        self.copies: dict[tuple[str, int], tuple[int, int]] = self._fk_copies()
        self._whole_fk_rows: dict[tuple[str, int], tuple[np.ndarray, np.ndarray | None]] = {}

    @functools.cached_property
    def pii_categories(self) -> dict[tuple[str, str], str]:
        """(table, column) -> PII category, classified on first use: synthetic generation
        never needs it, and the name rules take a fresh process ~20 ms to compile."""
        config = self.plan.dataset.config
        overrides = config.pii_overrides()
        found = categories(self.plan.dataset.schema, overrides)
        for (table_key, name), category in found.items():
            if category != "none" or (table_key, name) in overrides:
                continue  # the config's own category wins
            table_config = config.tables.get(table_key)
            column_config = table_config.columns.get(name) if table_config else None
            if column_config and column_config.generator:
                continue
            table = self.plan.table(table_key).table
            detection = explain(table.column(name), table)
            if fills_with_personal_data(detection.meaning, detection.generator):
                found[(table_key, name)] = "direct"  # it is filled with people's names...
        return found

    # ------------------------------------------------------------------ public

    def generate(self, table_key: str, start: int, stop: int) -> pl.DataFrame:
        """Rows [start, stop) of a table (clamped to its planned row count)."""
        table_plan = self.plan.table(table_key)
        stop = min(stop, table_plan.rows)
        rows = np.arange(start, max(start, stop), dtype=np.int64)
        frame = _Frame(self, table_plan, rows)
        return pl.DataFrame([frame.final(c.name) for c in table_plan.table.columns])

    def raw(self, table_key: str, column: str, start: int, stop: int) -> pl.Series:
        """What a column's generator draws at rows [start, stop), before NULLs, the column's
        type and CHECK bounds apply (the pre-flight finds configured generators a CHECK range
        would clip with it)."""
        table_plan = self.plan.table(table_key)
        rows = np.arange(start, max(start, min(stop, table_plan.rows)), dtype=np.int64)
        return _Frame(self, table_plan, rows).raw(column)

    def edge_cases(self, table_key: str, start: int, stop: int) -> pl.DataFrame:
        """Which cells of rows [start, stop) hold edge cases: (row, column) pairs, recomputed
        from the same pure masks the generation used (nothing has to be stored)."""
        table_plan = self.plan.table(table_key)
        rows = np.arange(start, min(stop, table_plan.rows), dtype=np.int64)
        parts = []
        for name, recipe in self.recipes[table_key].items():
            if recipe.edge_fraction > 0 and edge_pool(recipe.column.type, recipe.dtype) is not None:
                key = rnd.stream_key(self.seed, table_key, name)
                hit = rows[edge_case_mask(key, rows, recipe.edge_fraction)]
                parts.append(
                    pl.DataFrame(
                        {"row": hit, "column": [name] * len(hit)},
                        schema={"row": pl.Int64, "column": pl.String},
                    )
                )
        if not parts:
            return pl.DataFrame(schema={"row": pl.Int64, "column": pl.String})
        return pl.concat(parts).sort("row", "column")

    def parent_column(self, table_key: str, column: str, rows: np.ndarray) -> pl.Series:
        """A column's final values at arbitrary rows. When the table is no larger than the
        request (a lookup into a small parent), its whole column is made once and gathered
        from, instead of being re-derived for every child row."""
        table_rows = self.plan.table(table_key).rows
        if table_rows > len(rows):
            return _Frame(self, self.plan.table(table_key), rows).final(column)
        whole = self._whole_columns.get((table_key, column))
        if whole is None:
            everything = np.arange(table_rows, dtype=np.int64)
            whole = _Frame(self, self.plan.table(table_key), everything).final(column)
            self._whole_columns[(table_key, column)] = whole
        return whole.gather(rows)

    def parent_fk_rows(
        self, table_key: str, fk_index: int, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The rows FK `fk_index` of a table picks at its rows `rows` (and its NULL mask), as
        that table's own generation picks them (for a child copying its parent's reference);
        made once for the whole of a table no larger than the request."""
        table_plan = self.plan.table(table_key)
        if table_plan.rows > len(rows):
            return _Frame(self, table_plan, rows)._parent_rows(fk_index)
        whole = self._whole_fk_rows.get((table_key, fk_index))
        if whole is None:
            everything = np.arange(table_plan.rows, dtype=np.int64)
            whole = _Frame(self, table_plan, everything)._parent_rows(fk_index)
            self._whole_fk_rows[(table_key, fk_index)] = whole
        picked, missing = whole
        return picked[rows], None if missing is None else missing[rows]

    def _fk_copies(self) -> dict[tuple[str, int], tuple[int, int]]:
        """Child FKs that copy their parent's reference (`copies.fk_copies`), without a chain
        of copies that comes back to where it started."""
        config = self.plan.dataset.config
        found = {}
        for key, table_plan in self.plan.tables.items():
            table = table_plan.table
            table_config = config.tables.get(key)
            checked = {c for check in table.checks for c in check.columns}

            def free(index: int, table=table, table_plan=table_plan, table_config=table_config,
                     checked=checked) -> bool:  # fmt: skip
                fk = table.foreign_keys[index]
                sources = table_plan.keys.column_source
                return (
                    (table.key, index) not in self.fanouts
                    and all(sources.get(c) == ("fk", index) for c in fk.columns)
                    and not set(fk.columns) & checked
                    and not (table_config and set(fk.columns) & set(table_config.columns))
                )

            for j, pair in copies.fk_copies(table, self._table, free).items():
                found[(key, j)] = pair
        for start in list(found):
            seen, at = set(), start
            while at in found and at not in seen:
                seen.add(at)
                via, theirs = found[at]
                at = (self.plan.table(at[0]).table.foreign_keys[via].ref_table, theirs)
            if at in seen:  # a cycle: this one samples its own parents
                found.pop(start, None)
        return found

    def _table(self, key: str) -> Table:
        return self.plan.table(key).table

    # ------------------------------------------------------------------ compile

    def _compile(self, table_plan: TablePlan, problems: list[Problem]) -> dict[str, ColumnRecipe]:
        table = table_plan.table
        config = self.plan.dataset.config
        table_config = config.tables.get(table.key)
        file = str(self.plan.dataset.config_path or self.plan.dataset.schema_path)
        rules = table.check_rules
        self.repairs[table.key] = []
        recipes = {}
        for column in table.columns:
            override = table_config.columns.get(column.name) if table_config else None
            override = override or ColumnConfig()
            source = table_plan.keys.column_source.get(column.name)
            null_fraction = override.null_fraction
            if null_fraction is None:
                null_fraction = config.null_fraction
            if (
                not column.nullable
                or column.name in rules.not_null
                or source is not None
                and source[0] == "group"
            ):
                null_fraction = 0.0
            if (
                null_fraction
                and source
                and source[0] == "fk"
                and not all(table.column(c).nullable for c in table.foreign_keys[source[1]].columns)
            ):
                null_fraction = 0.0
            derived = rules.derived.get(column.name)  # CHECK (total = net + tax)
            if (
                derived is not None
                and source is None
                and not override.generator
                and self._evaluable(table, column, derived)
            ):
                recipes[column.name] = ColumnRecipe(
                    column=column,
                    source="computed",
                    dtype=polars_dtype(column.type),
                    expression=derived,
                )
                continue
            if column.computed is not None and source is None:
                if override.generator:
                    problems.append(
                        Problem(
                            f"is computed by the database (AS ({column.computed})); its values "
                            "follow from that expression and take no generator",
                            file=file,
                            table=table.key,
                            column=column.name,
                        )
                    )
                    continue
                if self._evaluable(table, column, column.computed):
                    recipes[column.name] = ColumnRecipe(
                        column=column,
                        source="computed",
                        dtype=polars_dtype(column.type),
                        expression=column.computed,
                    )
                    continue
            generator = None
            if override.generator:
                if override.generator == ForeignKeyFanOut.name:
                    self._compile_fanout(table_plan, column.name, override, problems, file)
                    override = ColumnConfig(null_fraction=override.null_fraction)
                elif source is not None and source[0] == "fk":
                    problems.append(
                        Problem(
                            "is a foreign key column; its values come from the "
                            "parent's keys: use generator `fk` to shape them",
                            file=file,
                            table=table.key,
                            column=column.name,
                        )
                    )
                    continue
            if override.generator:
                params = dict(override.params)
                if "file" in params:  # data files live beside the schema
                    params["file"] = str(self.plan.dataset.schema_path.parent / params["file"])
                try:
                    generator = build_generator(override.generator, params)
                except ValueError as error:
                    problems.append(
                        Problem(str(error), file=file, table=table.key, column=column.name)
                    )
                    continue
            folded = False
            if source is not None and source[0] == "group":
                group = table_plan.keys.groups[source[1]]
                generator = (
                    generator
                    or _from_rules(key_generator, problems, file, table, column, rules)
                    or _carrier_default(column, table, group.radix[-1])
                )
                if not generator.unique_capable:
                    problems.append(
                        Problem(
                            f"is part of a unique key; generator {generator.name!r} cannot "
                            "guarantee distinct values (use sequence, format, faker, email, "
                            "pattern, choice or the default)",
                            file=file,
                            table=table.key,
                            column=column.name,
                        )
                    )
                    continue
                if group.carrier == column.name:
                    # CHECK (lower(c) = c) folds the values too: they must survive it
                    folded = group.folded or column.name in rules.cases
                    problem = _capacity_problem(generator, column, group, folded, table_plan.rows)
                    if problem:
                        problems.append(
                            Problem(problem, file=file, table=table.key, column=column.name)
                        )
                        continue
            elif source is None:
                generator = (
                    generator
                    or _from_rules(_from_checks, problems, file, table, column, table, rules)
                    or self._copied(table, column)
                    or _from_rules(detect, problems, file, table, column, table)
                )
                if generator is None:  # a problem was recorded
                    continue
                if generator == ByType():  # not one a CHECK set (an array's size)
                    generator = self._suggested(table, column) or generator
                if not override.generator and column.name in rules.bounds:
                    generator = fit_to_bound(generator, column, rules.bounds[column.name])
                if not override.generator and column.name in rules.intervals:
                    generator = fit_to_intervals(
                        generator,
                        column,
                        rules.intervals[column.name],
                        rules.bounds.get(column.name),
                    )
                if not override.generator and not isinstance(generator, Offset):
                    generator = self._after_parent(table, column, generator)
            recipes[column.name] = ColumnRecipe(
                column=column,
                source=source[0] if source else "generator",
                index=source[1] if source else -1,
                generator=generator,
                null_fraction=null_fraction,
                dtype=polars_dtype(column.type),
                bound=_key_bound(column, rules)
                if source is not None and source[0] == "group"
                else rules.bounds.get(column.name)
                if source is None
                else None,
                null_with=tuple(sorted(rules.null_with.get(column.name, ()))),
                case=rules.cases.get(column.name),
                folded=folded,
                max_length=None  # a cut would break a key, a pattern or a listed value
                if source is not None
                and source[0] == "group"
                or column.name in rules.patterns
                or column.name in rules.domains
                else rules.max_lengths.get(column.name),
                forbidden=()
                if source is not None and source[0] == "group" or column.name in rules.patterns
                else tuple(rules.forbidden.get(column.name, ())),
            )
        _follow_statuses(table, rules, recipes, table_config)
        _couple_ordered_nulls(table, rules, recipes)
        _couple_same_nulls(rules, recipes)
        _non_null_inputs(table, recipes)
        problems += _assign_one_of(table, rules, recipes, file)
        untranslated = rules.untranslated + _assign_null_patterns(table, rules, recipes)
        _assign_edge_cases(table, rules, recipes, config, table_config)
        self._assign_pii_modes(table, recipes, table_config, problems, file)
        for check in untranslated:
            columns = tuple(c for c in check.columns if c in recipes)
            movable = tuple(c for c in columns if self._redrawable(table, recipes[c]))
            if movable:  # key columns the CHECK names are read, never redrawn
                fixed = tuple(c for c in columns if c not in movable)
                self.repairs[table.key].append(Repair(check.sql, movable, fixed))
            elif _kept_apart(table_plan, check.columns):
                continue  # CHECK (a <> b) over two FKs of a key: the key keeps them apart
            else:
                self.notes.append(
                    Note(
                        f"{table.key}: CHECK {check.sql} involves only unique key columns "
                        "and is not translated; the data may violate it"
                    )
                )
        # A generator named in the config replaces the one a translated CHECK would have
        # chosen (IN list, pattern, a > b): such CHECKs are enforced by the repair loop too.
        # (Ranges need no repair: clipping holds them whatever the generator.)
        chosen = {*rules.domains, *rules.patterns, *rules.json, *rules.cases, *rules.derived}
        chosen |= set(rules.array_sizes)
        chosen |= {c for pair in rules.ordered for c in pair[:2]}
        configured = {
            name
            for name, column_config in (table_config.columns.items() if table_config else ())
            if column_config.generator and name in recipes and name in chosen
        }
        for check in table.checks:
            columns = tuple(c for c in check.columns if c in recipes)
            if (
                check not in untranslated
                and set(columns) & configured
                and all(self._redrawable(table, recipes[c]) for c in columns)
            ):
                self.repairs[table.key].append(Repair(check.sql, columns))
        self.repairs[table.key] = _merged_repairs(self.repairs[table.key])
        for name, recipe in recipes.items():
            if recipe.generator is None:
                continue
            for dependency in recipe.generator.dependencies(table):
                if dependency not in table.column_names:
                    problems.append(
                        Problem(
                            f"depends on unknown column {dependency!r}",
                            file=file,
                            table=table.key,
                            column=name,
                        )
                    )
        problems.extend(_dependency_cycles(table, recipes, file))
        self._check_parents(table_plan, problems, file)
        for group in table_plan.keys.groups:
            if group.capacity < table_plan.rows:  # capped, unless the config set the rows
                problems.append(
                    Problem(
                        f"UNIQUE ({', '.join(group.columns)}) can hold only {group.capacity:,} "
                        f"distinct values, but {table_plan.rows:,} rows are asked for"
                        + _asked_for(table_plan),
                        file=file,
                        table=table.key,
                        column=group.carrier,
                    )
                )
        return recipes

    def _after_parent(self, table: Table, column: Column, generator: Generator) -> Generator:
        """A child's creation instant no earlier than its parent's (`ordering.after_parent`),
        through a parent generated before it; not a column a CHECK names."""
        if any(column.name in check.columns for check in table.checks):
            return generator
        order = self._table_order

        def earlier(key: str) -> Table | None:
            if order.get(key, len(order)) >= order[table.key]:
                return None
            return self._table(key)

        found = ordering.after_parent(column, table, earlier)
        if found is None:
            return generator
        return ordering.AfterParent(inner=generator, via=found[0], column=found[1])

    def _copied(self, table: Table, column: Column) -> Generator | None:
        """A plain column that repeats its parent's reference (`copies.column_copy`) looks
        the parent's value up, unless a CHECK names it."""
        if any(column.name in check.columns for check in table.checks):
            return None
        found = copies.column_copy(table, column.name, self._table)
        return Lookup(via=found[0], column=found[1]) if found else None

    def carrier_blocks(self, table_plan: TablePlan, group_index: int, recipes) -> int:
        """How many runs of the carrier's radix its indexes spread over (see
        `_Frame._carrier_index`): the table's rows over the radix, within the carrier's
        capacity (its generator's, its type's within its CHECK range); 1 keeps the digit."""
        cached = self._blocks.get((table_plan.table.key, group_index))
        if cached is not None:
            return cached
        group = table_plan.keys.groups[group_index]
        radix = max(group.radix[-1], 1)
        blocks = max(table_plan.rows // radix, 1)
        recipe = recipes.get(group.carrier) if group.carrier else None
        if recipe is None or recipe.generator is None:
            blocks = 1
        else:
            capacities = [carrier_capacity(recipe.column, recipe.bound)]
            try:
                capacities.append(recipe.generator.unique_capacity(recipe.column, group.folded))
            except ValueError:
                capacities.append(radix)
            for capacity in capacities:
                if capacity is not None:
                    blocks = min(blocks, max(capacity // radix, 1))
        self._blocks[(table_plan.table.key, group_index)] = blocks
        return blocks

    def _redrawable(self, table: Table, recipe: ColumnRecipe) -> bool:
        """Whether a repair may redraw the column: not a unique key (other rows' values were
        made distinct from it), nor a foreign key whose fan-out lays children out by row."""
        if recipe.source == "fk":
            return (table.key, recipe.index) not in self.fanouts
        return recipe.source in REPAIRABLE

    def _evaluable(self, table: Table, column: Column, sql: str) -> bool:
        """Whether polars evaluates a column's expression (a generated column's, or one a
        CHECK equates it to), checked on an empty frame of the input columns' types. If not,
        its values are made otherwise, noted (a generated column is left to the database on
        load either way; a CHECK is still enforced by the repair loop)."""
        try:
            names = [n for n in sql_columns(sql) if n in table.column_names]
            inputs = {n: polars_dtype(table.column(n).type) or pl.String for n in names}
            pl.DataFrame(schema=inputs).select(pl.sql_expr(sql))
        except POLARS_SQL_ERRORS as error:
            self.notes.append(
                Note(
                    f"{table.key}.{column.name}: polars cannot evaluate {sql} "
                    f"({type(error).__name__}); its values are drawn instead"
                )
            )
            return False
        return True

    def _suggested(self, table: Table, column: Column) -> Generator | None:
        """The reviewed AI annotation's generator for a column no rule recognised."""
        hint = self.plan.dataset.suggestions.get((table.key, column.name))
        if hint is None:
            return None
        try:
            return build_generator(*hint)
        except ValueError as error:
            self.notes.append(Note(f"{table.key}.{column.name}: annotation ignored ({error})"))
            return None

    def _assign_pii_modes(
        self,
        table: Table,
        recipes: dict[str, ColumnRecipe],
        table_config,
        problems: list[Problem],
        file: str,
    ) -> None:
        """masked/redacted apply to columns classified as personal data. Asked for one column
        that is a key, it is an error; from the dataset-wide setting, keys stay synthetic."""
        config = self.plan.dataset.config
        dataset_mode = config.pii_mode
        keyed: set[str] = set()
        for name, recipe in recipes.items():
            override = table_config.columns.get(name) if table_config else None
            mode = override.pii_mode if override and override.pii_mode else dataset_mode
            if mode == "synthetic" or recipe.source == "computed":  # computed from masked inputs
                continue
            category = self.pii_categories.get((table.key, name), "none")
            if category == "none":
                continue
            problem = mode_problem(table, name, mode)
            if problem:
                if override and override.pii_mode:
                    problems.append(Problem(problem, file=file, table=table.key, column=name))
                continue
            recipes[name] = replace(recipe, pii_mode=mode, pii_category=category)
            keyed |= {mode} & {"hashed", "encrypted"}
        if "encrypted" in keyed or ("hashed" in keyed and config.pii_key_env):
            if not config.pii_key_env:
                problems.append(
                    Problem(
                        "pii_mode encrypted needs pii_key_env: the name of the environment "
                        "variable holding the 64-byte AES-256-SIV key",
                        file=file,
                        table=table.key,
                    )
                )
            else:
                try:
                    read_key(config.pii_key_env)  # checked now, read again when values are made
                except ValueError as error:
                    problems.append(Problem(str(error), file=file, table=table.key))

    def pii_key(self, mode: str) -> bytes | None:
        """The key of a hashed/encrypted column, read from the environment each time it is
        needed, never kept: the variable `pii_key_env` names, else (hashed only) the seed's."""
        config = self.plan.dataset.config
        if mode not in ("hashed", "encrypted"):
            return None
        if config.pii_key_env:
            return read_key(config.pii_key_env)
        return seed_key(self.plan.seed)

    def _compile_fanout(
        self,
        table_plan: TablePlan,
        column: str,
        override: ColumnConfig,
        problems: list[Problem],
        file: str,
    ) -> None:
        table = table_plan.table
        fk_index = next(
            (i for i, fk in enumerate(table.foreign_keys) if column in fk.columns), None
        )
        where = {"file": file, "table": table.key, "column": column}
        if fk_index is None:
            problems.append(Problem("generator `fk` needs a foreign key column", **where))
            return
        if table_plan.keys.column_source.get(column) != ("fk", fk_index):
            problems.append(
                Problem(
                    "this foreign key is part of a unique key, whose "
                    "construction decides its parents; `fk` cannot apply",
                    **where,
                )
            )
            return
        try:
            spec = build_generator(ForeignKeyFanOut.name, override.params)
        except ValueError as error:
            problems.append(Problem(str(error), **where))
            return
        fk = table.foreign_keys[fk_index]
        parent_rows = self.plan.table(fk.ref_table).rows
        if spec.distribution == "fixed" and table_plan.rows > parent_rows * spec.count:
            problems.append(
                Problem(
                    f"fan-out of {spec.count} per parent over {parent_rows:,} {fk.ref_table} rows "
                    f"makes at most {parent_rows * spec.count:,} rows, not {table_plan.rows:,}",
                    **where,
                )
            )
        if spec.roots is not None and fk.ref_table != table.key:
            problems.append(Problem("`roots`/`depth` shape self-references only", **where))
        self.fanouts[(table.key, fk_index)] = spec

    def _check_parents(self, table_plan: TablePlan, problems: list[Problem], file: str) -> None:
        table = table_plan.table
        for fk in table.foreign_keys:
            parent_rows = self.plan.table(fk.ref_table).rows
            nullable = all(table.column(c).nullable for c in fk.columns)
            if parent_rows == 0 and table_plan.rows > 0 and not nullable:
                problems.append(
                    Problem(
                        f"references {fk.ref_table}, which has 0 rows",
                        file=file,
                        table=table.key,
                        column=fk.columns[0],
                    )
                )


def _from_rules(make, problems: list[Problem], file: str, table: Table, column: Column, *args):
    """`make(column, *args)`, a generator drawn from the column's CHECKs; a CHECK no value can
    satisfy as written (an invalid regular expression: PostgreSQL accepts the CHECK and
    rejects every row) is a problem at the column instead of a traceback."""
    try:
        return make(column, *args)
    except ValueError as error:
        problems.append(
            Problem(
                f"cannot generate values as its type and CHECKs ask: {error}",
                file=file,
                table=table.key,
                column=column.name,
            )  # fmt: skip
        )
        return None


def _from_checks(column: Column, table: Table, rules: CheckRules) -> Generator | None:
    """A generator that makes the column satisfy its CHECK constraints, if one applies (a
    closed list with realistic skewed weights: most orders delivered, few refunded)."""
    if column.name in rules.domains:
        values = rules.domains[column.name]
        return Choice(values, domain_weights(values, column) if len(values) > 1 else None)
    if column.name in rules.patterns:
        return Pattern(rules.patterns[column.name])
    if column.name in rules.json:
        if rules.json_kinds.get(column.name) == "array":  # jsonb_typeof(c) = 'array'
            return JsonByMeaning("array")
        return JsonDocument()
    if column.name in rules.array_sizes and column.type.array:  # array_length(c, 1) > 0
        return ByType(*array_sizes(rules.array_sizes[column.name]))
    for greater, smaller, strict in rules.ordered:
        if greater == column.name and not _ordered_above(smaller, column.name, rules):
            temporal = column.type.kind in (
                TypeKind.DATE,
                TypeKind.TIMESTAMP,
                TypeKind.TIMESTAMPTZ,
                TypeKind.TIME,
            )
            typical = ordering.gap(column) if temporal else None  # a due date weeks later
            low, high = (0, typical[1]) if typical else (0, 7 * 86400 if temporal else 100)
            return Offset(column=smaller, min=low, max=high, strict=strict)
    return None


def array_sizes(bound: Bound) -> tuple[int, int | None]:
    """The inclusive (fewest, most) elements an array may have under a CHECK's size bound."""
    low = 0 if bound.low is None else int(bound.low) + bool(bound.low_strict)
    high = None if bound.high is None else int(bound.high) - bool(bound.high_strict)
    return max(low, 0), high


def _dependency_cycles(table: Table, recipes: dict, file: str) -> list[Problem]:
    """Columns whose generators or generated-column expressions depend on each other (`a:
    offset of b`, `b: offset of a` in the config; `a GENERATED ALWAYS AS (b)` with b from
    a): a problem naming them, not an endless recursion when rows are made."""
    edges = {}
    for name, recipe in recipes.items():
        if recipe.source == "computed":  # a generated column reads the columns it names
            needs = sql_columns(recipe.expression)
        elif recipe.generator is not None:
            needs = recipe.generator.dependencies(table)
        else:
            continue
        edges[name] = [d for d in needs if d in recipes]
    state: dict[str, int] = {}  # 1 on the path, 2 done
    problems = []
    for root in edges:
        if state.get(root):
            continue
        path, stack = [root], [iter(edges.get(root, ()))]
        state[root] = 1
        while stack:
            child = next(stack[-1], None)
            if child is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(child) == 1:
                loop = path[path.index(child) :] + [child]
                problems.append(
                    Problem(
                        f"values depend on each other in a loop: {' -> '.join(loop)} (a "
                        "generator's or a generated column's inputs); give one of these "
                        "columns a generator of its own",
                        file=file,
                        table=table.key,
                        column=child,
                    )
                )
            elif not state.get(child):
                state[child] = 1
                path.append(child)
                stack.append(iter(edges.get(child, ())))
    return problems


def _ordered_above(start: str, column: str, rules: CheckRules) -> bool:
    """Whether the offsets CHECK orderings make lead from `start` back to `column`: `a < b
    AND b < a` would make each column an offset of the other (an endless recursion); the
    ordering closing the loop is left to the repairs and the pre-flight's sample."""
    first = {}
    for greater, smaller, _ in rules.ordered:
        first.setdefault(greater, smaller)
    seen, node = set(), start
    while node in first and node not in seen:
        seen.add(node)
        node = first[node]
        if node == column:
            return True
    return start == column


def _asked_for(table_plan: TablePlan) -> str:
    """Where a count the keys cannot hold comes from: the config's own `rows` for the table
    (a default count is capped by the plan instead)."""
    limits = "; ".join(table_plan.keys.limits)
    return (
        f" by the config's `rows` for {table_plan.key}"
        + (f" ({limits})" if limits else "")
        + "; lower it, or remove it to cap the table at what its keys hold"
    )


def _key_bound(column: Column, rules: CheckRules) -> Bound | None:
    """The range a unique column's values count through: its CHECK range, or for a union
    of ranges (`d < '2001-01-01' OR d >= '2030-01-01'`) an open one, else the widest."""
    if column.name in rules.bounds or column.name not in rules.intervals:
        return rules.bounds.get(column.name)
    ranges = rules.intervals[column.name]
    open_ended = [r for r in ranges if r.low is None or r.high is None]
    if open_ended:
        return open_ended[-1]
    widths = []  # (high - low, range): numbers or timedeltas, one kind per column
    for bound in ranges:
        low, high = limits(bound, column.type)
        if low is not None and high is not None:
            widths.append((high - low, bound))
    return max(widths, key=lambda pair: pair[0])[1] if widths else None


def _assign_one_of(
    table: Table, rules: CheckRules, recipes: dict[str, ColumnRecipe], file: str
) -> list[Problem]:
    """CHECK (num_nonnulls(a, b) = 1) and its kin: members take NULL from one shared draw per
    row (a foreign key member too: its own NULL share is dropped). A NOT NULL member is the
    one always kept; two of them make "exactly one" impossible."""
    problems = []
    primary = set(table.primary_key)
    for columns, exactly in rules.one_of:
        members = [recipes.get(c) for c in columns]
        if any(
            m is None or m.source == "group" and (not m.column.nullable or m.column.name in primary)
            for m in members
        ):
            continue  # NOT NULL key columns are never NULL: nothing to decide
        # (a nullable column of a UNIQUE may be NULL: a tuple with a NULL never conflicts)
        required = [i for i, c in enumerate(columns) if not table.column(c).nullable]
        if exactly and len(required) > 1:
            problems.append(
                Problem(
                    f"exactly one of {', '.join(columns)} may be non-NULL, but "
                    f"{', '.join(columns[i] for i in required)} are NOT NULL",
                    file=file,
                    table=table.key,
                )
            )
            continue
        if required and not exactly:
            continue  # a NOT NULL member already satisfies "at least one"
        fixed = required[0] if required else None
        for name, recipe in zip(columns, members, strict=True):
            share = 0.0 if exactly or recipe.source == "fk" else recipe.null_fraction
            recipes[name] = replace(
                recipe, null_fraction=share, one_of=recipe.one_of + ((columns, exactly, fixed),)
            )
    return problems


def _assign_null_patterns(
    table: Table, rules: CheckRules, recipes: dict[str, ColumnRecipe]
) -> list[Check]:
    """CHECKs over NULL tests only (`rules.null_patterns`): each row draws one allowed NULL
    pattern for all the columns, which have no NULL share of their own then. NOT NULL columns
    (and those a CHECK or key keeps non-NULL) keep only the patterns where they are not NULL.
    A CHECK whose columns another NULL rule already couples (one_of, null_with, NULLs in the
    same rows, another pattern), or that a computed column or a NOT NULL key column takes
    part in, is returned, to be held by the repair loop instead."""
    fallback, taken = [], set()
    coupled = {c for first, second in rules.null_same for c in (first, second)}
    coupled |= {c for key, names in rules.null_with.items() if names for c in (key, *names)}
    primary = set(table.primary_key)
    for columns, allowed, check in rules.null_patterns:
        members = [recipes.get(c) for c in columns]
        if any(
            m is None
            or m.source == "computed"
            or m.one_of
            or m.null_with
            or m.column.name in coupled | taken
            for m in members
        ):
            fallback.append(check)
            continue
        required = {
            i
            for i, m in enumerate(members)
            if not m.column.nullable or m.column.name in rules.not_null | primary
        }
        kept = tuple(p for p in allowed if not any(p[i] for i in required))
        if not kept:
            fallback.append(check)
            continue
        taken |= set(columns)
        for name, recipe in zip(columns, members, strict=True):
            recipes[name] = replace(recipe, null_fraction=0.0, null_pattern=(columns, kept))
    return fallback


def _non_null_inputs(table: Table, recipes: dict[str, ColumnRecipe]) -> None:
    """A NOT NULL column computed from others (generated, or equated by a CHECK) is NULL
    wherever an input is: its inputs are never NULL then."""
    for recipe in list(recipes.values()):
        if recipe.source != "computed" or recipe.column.nullable:
            continue
        for name in sql_columns(recipe.expression):
            if name in recipes and recipes[name].null_fraction:
                recipes[name] = replace(recipes[name], null_fraction=0.0)


def _kept_apart(table_plan: TablePlan, columns: tuple[str, ...]) -> bool:
    """Whether a key group makes these two columns differ (`KeyGroup.distinct`)."""
    fks = table_plan.table.foreign_keys
    for group in table_plan.keys.groups:
        for i, j in group.distinct:
            pair = {fks[group.fks[i]].columns[0], fks[group.fks[j]].columns[0]}
            if pair == set(columns):
                return True
    return False


def _follow_statuses(
    table: Table, rules: CheckRules, recipes: dict[str, ColumnRecipe], table_config
) -> None:
    """Event columns (`paid_at`, `cancelled_at`, `amount_paid`) follow the row's status or
    flag (`lifecycle.follows`). Not a configured generator's column, a key, a column a
    CHECK or NULL rule already decides, nor one the status is itself computed from."""
    configured = set(table_config.columns) if table_config else set()
    decided = {c for names, _ in rules.one_of for c in names} | set(rules.not_null)
    decided |= {c for pair in rules.null_same for c in pair}
    decided |= {c for names, _, _ in rules.null_patterns for c in names}
    for name, recipe in list(recipes.items()):
        if recipe.source != "generator" or name in configured or name in decided:
            continue
        found = lifecycle.follows(recipe.column, table)
        if found is None or found.column not in recipes:
            continue
        status = recipes[found.column]
        reads = set(status.generator.dependencies(table)) if status.generator else set()
        if status.source == "computed" and name in sql_columns(status.expression or ""):
            continue
        if name in reads:
            continue
        if recipe.column.type.kind not in lifecycle.INSTANT_KINDS and (
            not _zero_allowed(recipe.bound) or any(name in c.columns for c in table.checks)
        ):
            continue  # an amount set to 0 must not break its CHECKs
        recipes[name] = replace(recipe, follows=found)


def _zero_allowed(bound: Bound | None) -> bool:
    if bound is None:
        return True
    low_ok = bound.low is None or bound.low < 0 or bound.low == 0 and not bound.low_strict
    high_ok = bound.high is None or bound.high > 0 or bound.high == 0 and not bound.high_strict
    return low_ok and high_ok


def _couple_same_nulls(rules: CheckRules, recipes: dict[str, ColumnRecipe]) -> None:
    """`(code IS NULL) = (email IS NULL)`: one column (not a key, whose NULLs are drawn by
    its one_of or null share) takes its NULLs from the other, and has none of its own."""
    for first, second in rules.null_same:
        if first not in recipes or second not in recipes:
            continue
        follower, leader = first, second
        if recipes[first].source == "group" or first in recipes[second].null_with:
            follower, leader = second, first
        if recipes[follower].source == "group" or _nulls_follow(recipes, leader, follower):
            continue  # both decided elsewhere: left to the repair loop, which checks it
        recipe = recipes[follower]
        recipes[follower] = replace(
            recipe, null_fraction=0.0, null_with=recipe.null_with + (leader,), one_of=()
        )


def _nulls_follow(recipes: dict[str, ColumnRecipe], start: str, column: str) -> bool:
    """Whether `start` takes its NULLs from `column`, directly or through others."""
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        if node == column:
            return True
        if node not in seen and node in recipes:
            seen.add(node)
            stack.extend(recipes[node].null_with)
    return False


def _couple_ordered_nulls(
    table: Table, rules: CheckRules, recipes: dict[str, ColumnRecipe]
) -> None:
    """`a > b` derives a from b: where b may be NULL, a must be NULL too (or, when a is NOT
    NULL, b must never be NULL)."""
    for greater, smaller, _ in rules.ordered:
        if greater not in recipes or smaller not in recipes:
            continue
        if not table.column(greater).nullable:
            recipes[smaller] = replace(recipes[smaller], null_fraction=0.0)
        elif smaller not in recipes[greater].null_with and not _nulls_follow(
            recipes, smaller, greater
        ):  # `a < b AND b < a` would make each take its NULLs from the other, endlessly
            recipes[greater] = replace(
                recipes[greater], null_with=recipes[greater].null_with + (smaller,)
            )


def _assign_edge_cases(
    table: Table, rules: CheckRules, recipes: dict[str, ColumnRecipe], config, table_config
) -> None:
    """Edge cases go only where they cannot break a rule: not in keys or FKs, not in columns
    a CHECK or another column's generator depends on, not in closed domains."""
    protected = {c for check in table.checks for c in check.columns}
    protected |= set(rules.domains) | {c for pair in rules.ordered for c in pair[:2]}
    protected |= {c for names in rules.null_with.values() for c in names} | set(rules.null_with)
    protected |= {c for col in table.columns if col.computed for c in sql_columns(col.computed)}
    for recipe in recipes.values():
        if recipe.generator is not None:
            protected |= set(recipe.generator.dependencies(table))
    for name, recipe in recipes.items():
        override = table_config.columns.get(name) if table_config else None
        pct = (
            override.edge_case_pct
            if override and override.edge_case_pct is not None
            else config.edge_case_pct
        )
        if (
            not pct
            or recipe.source != "generator"
            or name in protected
            or recipe.column.domain_checks
        ):
            continue
        recipes[name] = replace(recipe, edge_fraction=pct / 100.0)


def _carrier_default(column: Column, table, needed: int) -> Generator:
    """A key column with no override: semantic generator if it can make the `needed` distinct
    values within the column's type and length, else by type (so a unique `email` still looks
    like an email, a unique `id` is a sequence, and a unique `status` is not limited to the
    five statuses)."""
    generator = detect(column, table)
    if not generator.unique_capable:
        return ByType()
    try:
        capacity = generator.unique_capacity(column, folded=True)
    except ValueError:
        return ByType()
    return generator if capacity is None or capacity >= needed else ByType()


def _capacity_problem(
    generator: Generator, column: Column, group: KeyGroup, folded: bool, rows: int
) -> str | None:
    """Why the carrier's generator cannot give the group's carrier digit distinct values, or
    None. A generator over a finite set (choice, pattern) holds as many values as the set
    has, counted after case folding when the key compares them case-insensitively."""
    try:
        capacity = generator.unique_capacity(column, folded)
    except ValueError as error:
        return f"is part of a unique key; {error}"
    if capacity is None or capacity >= group.radix[-1]:
        return None
    total = capacity * (group.capacity // group.radix[-1])
    how = " compared case-insensitively" if folded else ""
    return (
        f"is part of a unique key: UNIQUE ({', '.join(group.columns)}){how} can hold only "
        f"{total:,} distinct values with generator {generator.name!r}, but {rows:,} rows "
        "are asked for"
    )


class _Frame:
    """Values of one table at one vector of row indexes, computed on demand and memoised.

    `raw` is what a generator produced (used by same-row dependants), `final` adds NULLs,
    bounds and the column's dtype (what is stored, and what FKs and lookups see)."""

    def __init__(self, engine: Engine, table_plan: TablePlan, rows: np.ndarray, salt: int = 0):
        self.engine = engine
        self.salt = salt  # > 0: a redraw of rows that failed a CHECK
        self.table_plan = table_plan
        self.table = table_plan.table
        self.rows = rows
        self.recipes = engine.recipes[table_plan.key]
        self._raw: dict[str, pl.Series] = {}
        self._final: dict[str, pl.Series] = {}
        self._groups: dict[int, list[np.ndarray]] = {}
        self._fk_rows: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
        self._repairing: set[Repair] = set()
        self.redrawn: tuple[str, ...] = ()  # a repair's redraw (salt > 0): the columns it redraws

    def stream(self, *parts: object) -> int:
        if self.salt:
            return rnd.stream_key(self.engine.seed, self.table.key, "redraw", self.salt, *parts)
        return rnd.stream_key(self.engine.seed, self.table.key, *parts)

    # ------------------------------------------------------------------ values

    def raw(self, name: str) -> pl.Series:
        if name not in self._raw:
            self._raw[name] = self._make(self.recipes[name])
        return self._raw[name]

    def final(self, name: str) -> pl.Series:
        if name not in self._final:
            repair = next(
                (r for r in self.engine.repairs.get(self.table.key, ()) if name in r.columns), None
            )
            if repair is None:
                self._final[name] = self._final_base(name)
            elif repair in self._repairing:  # asked for while its repair reads the columns
                return self._final_base(name)  # (a NULL coupling): the unrepaired values
            else:
                self._repairing.add(repair)
                try:
                    self._repair(repair)
                except pl.exceptions.PolarsError as error:  # a CHECK naming no real column
                    first = str(error).strip().splitlines()[0][:200] if str(error) else ""
                    message = f"CHECK {repair.sql} cannot be enforced ({type(error).__name__}: "
                    raise SchemaError(
                        [Problem(f"{message}{first})", table=self.table.key, column=name)]
                    ) from None
                finally:
                    self._repairing.discard(repair)
        return self._final[name]

    def _repair(self, repair: Repair) -> None:
        frame = pl.DataFrame([self._final_base(c) for c in repair.columns])
        fixed = [self.final(c) for c in repair.fixed]  # read, never redrawn
        try:
            passed = _holds(frame.with_columns(fixed), repair.sql)
        except POLARS_SQL_ERRORS as error:
            self.engine.notes.append(
                Note(
                    f"{self.table.key}: CHECK {repair.sql} cannot be "
                    f"evaluated ({type(error).__name__}); not enforced"
                )
            )
            self.engine.repairs[self.table.key].remove(repair)
            for column in repair.columns:
                self._final[column] = frame[column]
            return
        for attempt in range(1, MAX_REDRAWS + 1):
            failing = np.flatnonzero(~passed)
            if not len(failing):
                break
            salted = _Frame(self.engine, self.table_plan, self.rows[failing], salt=attempt)
            salted.redrawn = repair.columns
            redrawn = pl.DataFrame([salted._final_base(c) for c in repair.columns])
            order = np.arange(len(self.rows))  # the failing rows read from the redraws
            order[failing] = len(self.rows) + np.arange(len(failing))  # (any dtype, lists too)
            frame = pl.concat([frame, redrawn.cast(frame.schema)]).select(pl.all().gather(order))
            context = redrawn.with_columns(values.gather(failing) for values in fixed)
            passed[failing] = _holds(context, repair.sql)
        failing = np.flatnonzero(~passed)
        if len(failing):  # never write rows the database would reject
            raise SchemaError(
                [
                    Problem(
                        f"CHECK {repair.sql}: {len(failing)} of {len(self.rows)} rows still "
                        f"fail after {MAX_REDRAWS} redraws, too few drawn values satisfy it; "
                        f"give {', '.join(repair.columns)} a generator whose values do",
                        table=self.table.key,
                    )
                ]
            )
        for column in repair.columns:
            self._final[column] = frame[column]

    def _conformed(self, values: pl.Series, recipe: ColumnRecipe) -> pl.Series:
        """`_conform`, with values that cannot become the column's type (a generator chosen
        for a meaning the declared type contradicts: `genre_id INT TEXT` got genre names) a
        problem at the column instead of a polars traceback."""
        try:
            return _conform(values, recipe)
        except (pl.exceptions.InvalidOperationError, pl.exceptions.ComputeError) as error:
            column = recipe.column
            generator = recipe.generator.name if recipe.generator is not None else recipe.source
            first = str(error).strip().splitlines()[0][:200]
            raise SchemaError(
                [
                    Problem(
                        f"values of {generator!r} do not fit type "
                        f"{column.type.sql or column.type.kind.value} ({first}); give the "
                        "column a generator of its type in the dataset YAML",
                        table=self.table.key,
                        column=column.name,
                    )
                ]
            ) from None

    def _final_base(self, name: str) -> pl.Series:
        recipe = self.recipes[name]
        try:
            raw = self.raw(name)
        except (ValueError, pl.exceptions.PolarsError) as error:
            if isinstance(error, SchemaError):
                raise
            # A generator that cannot draw what its CHECK or type asks (a regex construct it
            # does not support, an empty domain): a problem at the column, not a traceback.
            first = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
            raise SchemaError(
                [
                    Problem(
                        f"cannot generate values: {type(error).__name__}: {first}",
                        table=self.table.key,
                        column=recipe.column.name,
                    )
                ]
            ) from None
        values = self._conformed(raw, recipe).alias(name)
        if recipe.edge_fraction > 0:
            pool = edge_pool(recipe.column.type, recipe.dtype)
            if pool is not None:
                values = inject(values, pool, self.stream(name), self.rows, recipe.edge_fraction)
                values = self._conformed(values, recipe).alias(name)
        nulls = None
        if recipe.null_fraction > 0 and recipe.source == "generator":  # FKs: _parent_rows
            nulls = rnd.uniform(self.stream(name, "null"), self.rows) < recipe.null_fraction
        if recipe.follows is not None:
            values, nulls = self._follow(recipe, values, nulls)
        for other in recipe.null_with:
            missing = self.final(other).is_null().to_numpy()
            nulls = missing if nulls is None else nulls | missing
        for columns, exactly, fixed in recipe.one_of:
            pick = (
                rnd.integers(self.stream("one_of", *columns), self.rows, 0, len(columns) - 1)
                if fixed is None
                else np.full(len(self.rows), fixed)
            )
            kept = pick == columns.index(name)
            if exactly:
                nulls = ~kept
            elif nulls is not None:
                nulls &= ~kept
        if recipe.null_pattern is not None:  # one draw per row, unsalted: a redraw keeps it
            columns, allowed = recipe.null_pattern
            key = rnd.stream_key(self.engine.seed, self.table.key, "null_pattern", *columns)
            pick = rnd.integers(key, self.rows, 0, len(allowed) - 1)
            nulls = np.array([p[columns.index(name)] for p in allowed], dtype=bool)[pick]
        if nulls is not None and nulls.any():
            values = pl.select(
                pl.when(pl.Series(nulls)).then(None).otherwise(values).alias(name)
            ).to_series()
        if recipe.pii_mode != "synthetic":
            values = apply_pii_mode(
                values,
                recipe.pii_mode,
                recipe.column,
                recipe.pii_category,
                self.table,
                key=self.engine.pii_key(recipe.pii_mode),
            ).alias(name)
        return values

    def _follow(
        self, recipe: ColumnRecipe, values: pl.Series, nulls: np.ndarray | None
    ) -> tuple[pl.Series, np.ndarray | None]:
        """An event column after its status: NULL where the event has not happened (an
        amount: 0) and set where it has, whatever the column's NULL share."""
        follows = recipe.follows
        status = self.final(follows.column)
        if self.salt and follows.column not in self.redrawn:  # a repair's redraw: the row's
            status = _Frame(self.engine, self.table_plan, self.rows).final(follows.column)
        done, not_yet = lifecycle.masks(status, follows.event)
        if recipe.column.type.kind in lifecycle.INSTANT_KINDS:
            if nulls is not None:
                nulls = nulls & ~done
            return values, not_yet if nulls is None else nulls | not_yet
        if not_yet.any():
            zero = pl.lit(0).cast(values.dtype)
            values = pl.select(
                pl.when(pl.Series(not_yet)).then(zero).otherwise(values).alias(values.name)
            ).to_series()
        if nulls is not None:
            nulls = nulls & ~not_yet
        return values, nulls

    def _make(self, recipe: ColumnRecipe) -> pl.Series:
        if recipe.source == "computed":  # as the database computes it: from stored values
            sql = recipe.expression
            names = [n for n in sql_columns(sql) if n in self.table.column_names]
            inputs = pl.DataFrame([self.final(n).alias(n) for n in names], height=len(self.rows))
            return inputs.select(pl.sql_expr(sql)).to_series()
        if recipe.source == "fk":
            return self._fk_column(recipe.index, recipe.column.name)
        if recipe.source == "group":
            group = self.table_plan.keys.groups[recipe.index]
            if recipe.column.name != group.carrier:
                return self._group_fk_column(recipe.index, recipe.column.name)
            digit = self._group_digits(recipe.index)[-1]
            index = self._carrier_index(recipe.index)
            if recipe.bound is not None and isinstance(recipe.generator, ByType):
                bounded = unique_in_bound(index, recipe.column, recipe.bound, self.table_plan.rows)
                if bounded is not None:  # a CHECK range on a unique number, date or instant
                    return bounded
            if (
                recipe.bound is None
                and group.fks
                and isinstance(recipe.generator, ByType)
                and recipe.column.type.kind in lifecycle.INSTANT_KINDS
            ):
                return self._spread_instants(recipe.index, digit)
            return self._generate(recipe, index)
        return self._generate(recipe, None)

    def _generate(self, recipe: ColumnRecipe, index: np.ndarray | None) -> pl.Series:
        assert recipe.generator is not None
        draw = Draw(
            rows=self.rows,
            key=self.stream(recipe.column.name),
            column=recipe.column,
            table=self.table,
            seed=self.engine.seed,
            locale=self.engine.plan.dataset.config.locale_for(self.table.key, recipe.column.name),
            same_row=self.raw,
            parent_values=self._parent_values,
            index=index,
            children_sum=self._children_sum,
            folded=recipe.folded,
        )
        values = recipe.generator.generate(draw)
        if len(values) != len(self.rows):  # e.g. const over an empty chunk
            values = values.head(len(self.rows))
        return values

    def _spread_instants(self, group_index: int, index: np.ndarray) -> pl.Series:
        """A date or instant that is unique together with FKs (`job_history (employee_id,
        start_date)`) only has to differ among one parent's rows: each parent's run starts at
        its own point of a ten-year span and steps through it, instead of every parent's
        first row falling on the same first day (and the ends that follow it right after)."""
        group = self.table_plan.keys.groups[group_index]
        digits = self._group_digits(group_index)
        parents, scale = np.zeros(len(self.rows), dtype=np.int64), 1
        for digit, radix in zip(digits[:-1], group.radix[:-1], strict=True):
            parents += digit * scale
            scale *= radix
        column = self.recipes[group.carrier].column
        if column.type.kind == TypeKind.DATE:
            base, span = (SPREAD_FROM - EPOCH_DAY).days, 3650
        else:
            base = (SPREAD_FROM - EPOCH_DAY).days * 1440
            span = 3650 * 1440  # minutes: distinct minutes stay distinct with seconds added
        step = max(1, span // max(group.radix[-1], 1))
        start = rnd.integers(self.stream("spread", group_index), parents, 0, step - 1)
        ticks = base + index * step + start
        if column.type.kind == TypeKind.DATE:
            return pl.Series(ticks.astype(np.int32)).cast(pl.Date)
        seconds = rnd.integers(self.stream("spread", "second"), self.rows, 0, 59)
        values = pl.Series((ticks * 60 + seconds) * 1_000_000).cast(pl.Datetime("us"))
        return values.dt.replace_time_zone("UTC") if column.type.kind == TypeKind.TIMESTAMPTZ \
            else values  # fmt: skip

    # ------------------------------------------------------------------ keys

    def _group_digits(self, group_index: int) -> list[np.ndarray]:
        """Mixed-radix digits of the group's number: FK parent rows first, carrier last."""
        if group_index not in self._groups:
            group: KeyGroup = self.table_plan.keys.groups[group_index]
            if self._is_sequential(group):
                number = self.rows.copy()
            else:
                number = rnd.permute(self.stream("group", group_index), self.rows, group.capacity)
            digits = []
            for radix in group.radix[:-1]:
                digits.append(number % radix)
                number = number // radix
            digits.append(number)  # number < capacity: the last digit needs no modulo
            for i, j in group.distinct:  # CHECK (a <> b): j counts the rows other than i's
                digits[j] = digits[j] + (digits[j] >= digits[i])
            self._groups[group_index] = digits
        return self._groups[group_index]

    def _carrier_index(self, group_index: int) -> np.ndarray:
        """The index the carrier renders as its value. Only the carrier's digit d must differ
        between rows whose FK components agree; alone it is tiny where the parents hold most
        of the tuples (`UNIQUE (rental_date, inventory_id, customer_id)`: d = 0 on every row,
        so every rental_date was the same instant, every `UNIQUE (title, project_id)` title
        the same). So it is d + R * (F mod k), F the FK components' number and R the
        carrier's radix: still distinct among rows of one F (d differs), spread over about
        the table's rows (k = rows // R), and below the carrier's capacity (k <= capacity
        // R), which its values are distinct up to."""
        group: KeyGroup = self.table_plan.keys.groups[group_index]
        digits = self._group_digits(group_index)
        blocks = self.engine.carrier_blocks(self.table_plan, group_index, self.recipes)
        if not group.fks or blocks <= 1:
            return digits[-1]
        number = np.zeros(len(self.rows), dtype=np.int64)
        scale = 1
        for digit, radix in zip(digits[:-1], group.radix[:-1], strict=True):
            number = (number + (digit % blocks) * scale) % blocks
            scale = scale * radix % blocks
        return digits[-1] + group.radix[-1] * number

    def _is_sequential(self, group: KeyGroup) -> bool:
        """A primary key made only of an integer column counts 1..n in row order, as a
        database sequence would."""
        if group.fks or group.columns != self.table.primary_key or group.carrier is None:
            return False
        return self.table.column(group.carrier).type.kind in INTEGER_BOUNDS

    def _group_fk_column(self, group_index: int, column: str) -> pl.Series:
        group = self.table_plan.keys.groups[group_index]
        digits = self._group_digits(group_index)
        for position, fk_index in enumerate(group.fks):
            fk = self.table.foreign_keys[fk_index]
            if column in fk.columns:
                ref_column = fk.ref_columns[fk.columns.index(column)]
                return self.engine.parent_column(fk.ref_table, ref_column, digits[position])
        raise KeyError(column)

    def _parent_rows(self, fk_index: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Parent row indexes this FK points at, and a mask of rows left NULL (or None)."""
        if fk_index in self._fk_rows:
            return self._fk_rows[fk_index]
        fk = self.table.foreign_keys[fk_index]
        for group_index, group in enumerate(self.table_plan.keys.groups):
            if fk_index in group.fks:
                digits = self._group_digits(group_index)
                result = (digits[group.fks.index(fk_index)], None)
                self._fk_rows[fk_index] = result
                return result
        key = self.stream("fk", fk_index)
        nullable = all(self.table.column(c).nullable for c in fk.columns)
        parent_rows = self.engine.plan.table(fk.ref_table).rows
        missing = None
        spec = self.engine.fanouts.get((self.table.key, fk_index))
        if fk.ref_table == self.table.key and spec is not None and spec.roots is not None:
            picked, roots = fanout.parents_in_tree(
                key, self.rows, self.table_plan.rows, spec.roots, spec.depth
            )
            missing = roots if nullable else None  # NOT NULL roots point to themselves
        elif fk.ref_table == self.table.key:
            # self reference: point at an earlier row, so hierarchies have no cycles
            picked = np.floor(rnd.uniform(key, self.rows) * self.rows).astype(np.int64)
            if nullable:
                missing = self.rows == 0
        elif parent_rows == 0:
            picked = np.zeros(len(self.rows), dtype=np.int64)
            missing = np.ones(len(self.rows), dtype=bool)
        elif spec is not None and spec.distribution == "zipf":
            picked = fanout.parents_by_zipf(key, self.rows, parent_rows, spec.s)
        elif spec is not None and spec.distribution == "fixed":
            picked = np.minimum(self.rows // spec.count, parent_rows - 1)
        elif spec is not None and spec.distribution == "range":
            picked = fanout.parents_by_range(
                self.stream("fanout", fk_index), self.rows, parent_rows, spec.min, spec.max
            )
        else:
            picked = rnd.integers(key, self.rows, 0, parent_rows - 1)
        fraction = self.recipes[fk.columns[0]].null_fraction
        if spec is not None and spec.roots is not None:
            fraction = 0.0  # a tree's NULLs are its roots, as configured
        if nullable and fraction > 0:
            drop = rnd.uniform(rnd.stream_key(key, "null"), self.rows) < fraction
            missing = drop if missing is None else missing | drop
        copied = self.engine.copies.get((self.table.key, fk_index))
        if copied is not None:
            picked, missing = self._copy_parent_reference(fk_index, copied, picked, missing)
        self._fk_rows[fk_index] = (picked, missing)  # (before `_disagreeing`, which reads it)
        disagree = self._disagreeing(fk_index, picked)
        if disagree is not None:
            if spec is None:  # sample again where they differ (a self-reference: earlier rows)
                picked = picked.copy()
                own = fk.ref_table == self.table.key
                for attempt in range(1, MAX_REDRAWS + 1):
                    failing = np.flatnonzero(disagree & (self.rows > 0) if own else disagree)
                    if not len(failing):
                        break
                    stream, rows = rnd.stream_key(key, "match", attempt), self.rows[failing]
                    picked[failing] = (
                        np.floor(rnd.uniform(stream, rows) * rows).astype(np.int64)
                        if own
                        else rnd.integers(stream, rows, 0, parent_rows - 1)
                    )
                    disagree[failing] = self._disagreeing(fk_index, picked[failing], failing)
            missing = disagree if missing is None else missing | disagree
            self._fk_rows[fk_index] = (picked, missing)
        return picked, missing

    def _copy_parent_reference(
        self,
        fk_index: int,
        copied: tuple[int, int],
        picked: np.ndarray,
        missing: np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The parent's own reference where this FK repeats it (an appointment's clinic is
        its doctor's): the row the parent's FK picks, regenerated at the parent row this row
        points to. Rows without that parent keep their own sample; where the parent's
        reference is NULL, this one is too (or keeps its sample when NOT NULL)."""
        via, theirs = copied
        via_rows, via_missing = self._parent_rows(via)
        parent = self.table.foreign_keys[via].ref_table
        their_rows, their_missing = self.engine.parent_fk_rows(parent, theirs, via_rows)
        has_parent = np.ones(len(self.rows), dtype=bool) if via_missing is None else ~via_missing
        copy = has_parent if their_missing is None else has_parent & ~their_missing
        picked = np.where(copy, their_rows, picked)
        fk = self.table.foreign_keys[fk_index]
        if all(self.table.column(c).nullable for c in fk.columns) and their_missing is not None:
            blank = has_parent & their_missing
            missing = blank if missing is None else np.where(has_parent, blank, missing)
        elif missing is not None:
            missing = missing & ~copy
        return picked, missing

    def _disagreeing(
        self, fk_index: int, picked: np.ndarray, where: np.ndarray | None = None
    ) -> np.ndarray | None:
        """Rows (all, or the positions `where`) whose picked parent does not match a column
        this FK shares with another key (`(tenant_id, project_id) REFERENCES projects
        (tenant_id, id)`, tenant_id made by the tenants FK). Other parents are sampled for
        them first; where none matches, the FK's own columns are NULL, which MATCH SIMPLE
        accepts. None when nothing is shared, or when those columns are NOT NULL (noted)."""
        fk = self.table.foreign_keys[fk_index]
        groups = self.table_plan.keys.groups
        own = {("fk", fk_index)} | {("group", i) for i, g in enumerate(groups) if fk_index in g.fks}
        sources = self.table_plan.keys.column_source
        shared = [c for c in fk.columns if sources.get(c) is not None and sources[c] not in own]
        if not shared:
            return None
        if not all(self.table.column(c).nullable for c in fk.columns if c not in shared):
            note = Note(
                f"{self.table.key}: FOREIGN KEY ({', '.join(fk.columns)}) shares "
                f"{', '.join(shared)} with another key; its rows may not match"
            )
            if note not in self.engine.notes:
                self.engine.notes.append(note)
            return None
        disagree = np.zeros(len(picked), dtype=bool)
        for column in shared:
            ref = fk.ref_columns[fk.columns.index(column)]
            theirs = self.engine.parent_column(fk.ref_table, ref, picked)
            mine = self.final(column) if where is None else self.final(column).gather(where)
            disagree |= theirs.ne_missing(mine).to_numpy()
        return disagree

    def _fk_column(self, fk_index: int, column: str) -> pl.Series:
        fk = self.table.foreign_keys[fk_index]
        picked, missing = self._parent_rows(fk_index)
        ref_column = fk.ref_columns[fk.columns.index(column)]
        values = self.engine.parent_column(fk.ref_table, ref_column, picked)
        if missing is not None and missing.any():
            values = pl.select(pl.when(pl.Series(missing)).then(None).otherwise(values)).to_series()
        return values

    def _children_sum(self, child_key: str, via: str, sql: str) -> pl.Series:
        """Sum of `sql` over each row's children, which `fixed`/`range` fan-out lays out as
        one contiguous run of child rows per parent: no child data is read, the child's
        generators are evaluated at exactly those rows."""
        if child_key not in self.engine.plan.tables:
            raise ValueError(f"sum_of_children: no table {child_key!r}")
        child_plan = self.engine.plan.table(child_key)
        fk_index = next(
            (
                i
                for i, fk in enumerate(child_plan.table.foreign_keys)
                if via in fk.columns and fk.ref_table == self.table.key
            ),
            None,
        )
        spec = self.engine.fanouts.get((child_key, fk_index)) if fk_index is not None else None
        if spec is None or not spec.contiguous:
            raise ValueError(
                f"sum_of_children: {child_key}.{via} must reference "
                f"{self.table.key} with generator fk, distribution fixed or range"
            )
        if spec.distribution == "fixed":
            starts = self.rows * spec.count
            stops = np.minimum(starts + spec.count, child_plan.rows)
            starts = np.minimum(starts, child_plan.rows)
        else:
            starts, stops = fanout.children_by_range(
                rnd.stream_key(self.engine.seed, child_key, "fanout", fk_index),
                self.rows,
                self.table_plan.rows,
                spec.min,
                spec.max,
            )
        lengths = stops - starts
        total = int(lengths.sum())
        offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        child_rows = np.arange(total, dtype=np.int64) + offsets
        owners = np.repeat(np.arange(len(self.rows)), lengths)
        columns = Expression(sql).columns()
        frame = pl.DataFrame(
            [self.engine.parent_column(child_key, c, child_rows).alias(c) for c in columns]
        )
        values = frame.select(pl.sql_expr(sql).cast(pl.Float64)).to_series().fill_null(0.0)
        sums = np.bincount(owners, weights=values.to_numpy(), minlength=len(self.rows))
        return pl.Series(np.round(sums, 6))

    def _parent_values(self, via: str, column: str) -> pl.Series:
        """A parent column at the rows this row's FK through column `via` points to."""
        for fk_index, fk in enumerate(self.table.foreign_keys):
            if via in fk.columns:
                picked, missing = self._parent_rows(fk_index)
                values = self.engine.parent_column(fk.ref_table, column, picked)
                if missing is not None and missing.any():
                    values = pl.select(
                        pl.when(pl.Series(missing)).then(None).otherwise(values)
                    ).to_series()
                return values
        raise ValueError(f"{self.table.key}.{via} is not a foreign key column")


def _conform(values: pl.Series, recipe: ColumnRecipe) -> pl.Series:
    """Bring generated values into the column's type and bounds: integer range, NUMERIC
    precision, string length (in characters, so multi-byte text stays valid)."""
    column_type = recipe.column.type
    kind = column_type.kind
    if kind == TypeKind.UNKNOWN and recipe.column.nullable and recipe.column.computed is None:
        # a type DataGen does not model (an extension's `cube`, noted at import): text would
        # be refused by the database, NULL never is
        return pl.repeat(None, len(values), dtype=recipe.dtype or pl.String, eager=True).alias(
            values.name
        )
    if kind in INTEGER_BOUNDS and values.dtype.is_numeric():
        low, high = INTEGER_BOUNDS[kind]
        if not within(values, low, high):
            values = values.clip(low, high)
    elif kind in (TypeKind.NUMERIC, TypeKind.MONEY) and values.dtype.is_float():
        limit = numeric_limit(column_type)
        if not within(values, -limit, limit):
            values = values.clip(-limit, limit)
    if recipe.case and values.dtype == pl.String:
        values = on_distinct(values, _CASE[recipe.case])
    if (
        kind in (TypeKind.VARCHAR, TypeKind.CHAR)
        and column_type.length
        and values.dtype == pl.String
        and not within(values.str.len_bytes(), 0, column_type.length)
    ):
        values = values.str.slice(0, column_type.length)  # bytes >= characters: cut only then
    if recipe.forbidden and values.dtype == pl.String:  # CHECK (c !~ '\s'): none of them
        for pattern in recipe.forbidden:
            values = values.str.replace_all(pattern, "")
    if (
        recipe.max_length is not None
        and values.dtype == pl.String
        and not within(values.str.len_chars(), 0, recipe.max_length)
    ):
        values = values.str.slice(0, recipe.max_length)
    if (
        kind == TypeKind.BYTES
        and column_type.length
        and values.dtype == pl.Binary
        and not within(values.bin.size(), 0, column_type.length)
    ):  # BINARY(n)/VARBINARY(n) take at most n bytes; polars slices text, hence the hex
        hexed = values.bin.encode("hex").str.slice(0, 2 * column_type.length)
        values = hexed.str.decode("hex")
    if recipe.bound is not None and recipe.source != "group":
        values = clip_to_bound(values, recipe.bound, column_type)
    if recipe.dtype is not None and values.dtype != recipe.dtype:
        values = values.cast(recipe.dtype)
    return values


_CASE: dict[str, Callable[[pl.Series], pl.Series]] = {
    "lower": lambda values: values.str.to_lowercase(),
    "upper": lambda values: values.str.to_uppercase(),
}


def _merged_repairs(repairs: list[Repair]) -> list[Repair]:
    """Repairs sharing a column become one (their CHECKs AND-ed): redrawing a column for one
    CHECK must not undo what another CHECK's repair settled."""
    merged: list[Repair] = []
    for repair in repairs:
        touching = [m for m in merged if set(m.columns) & set(repair.columns)]
        for other in touching:
            merged.remove(other)
        group = [*touching, repair]
        if len(group) == 1:
            merged.append(repair)
            continue
        columns = tuple(dict.fromkeys(c for r in group for c in r.columns))
        fixed = tuple(dict.fromkeys(c for r in group for c in r.fixed if c not in columns))
        merged.append(Repair(" AND ".join(f"({r.sql})" for r in group), columns, fixed))
    return merged


def _holds(frame: pl.DataFrame, sql: str) -> np.ndarray:
    """Rows where a CHECK holds; NULL counts as holding, as in SQL. Polars evaluates what it
    can; DuckDB, which reads far more of PostgreSQL's functions (array_length, extract, IS
    DISTINCT FROM, regexp_...), the rest, and every CHECK whose DuckDB spelling differs
    (`duckdb_check_sql`). Raises when neither can."""
    rewritten = duckdb_check_sql(sql)
    try:
        if rewritten is not None:  # read as PostgreSQL reads it: only DuckDB's spelling does
            raise ValueError("PostgreSQL semantics")
        result = frame.select(pl.sql_expr(sql).fill_null(True)).to_series()
    except POLARS_SQL_ERRORS:
        sql = rewritten or sql
        connection = _duckdb()
        connection.register("chunk", frame.with_row_index("__row").to_arrow())
        try:
            rows = connection.execute(
                f"SELECT coalesce(({sql}), true) FROM chunk ORDER BY __row"
            ).fetchnumpy()
        finally:
            connection.unregister("chunk")
        return next(iter(rows.values())).astype(bool)
    return result.to_numpy().astype(bool)


# PostgreSQL functions DuckDB lacks or reads otherwise, as DuckDB expressions over their
# arguments ({0}, {1}) that give PostgreSQL's result on the values DataGen makes: arrays of
# one dimension (array_length of an empty array is NULL in PostgreSQL, 0 in DuckDB) and
# JSON documents held as text (jsonb_typeof's names).
POSTGRES_IN_DUCKDB = {
    "array_length": "CASE WHEN {1} = 1 THEN nullif(len({0}), 0) END",
    "array_upper": "CASE WHEN {1} = 1 THEN nullif(len({0}), 0) END",
    "array_lower": "CASE WHEN {1} = 1 AND len({0}) > 0 THEN 1 END",
    "array_ndims": "CASE WHEN len({0}) > 0 THEN 1 END",
    "cardinality": "len({0})",
    "jsonb_typeof": "lower(replace(replace(replace(replace(replace(json_type(CAST({0} AS JSON)),"
    " 'VARCHAR', 'string'), 'UBIGINT', 'number'), 'BIGINT', 'number'), 'DOUBLE', 'number'),"
    " 'HUGEINT', 'number'))",
    "jsonb_array_length": "json_array_length(CAST({0} AS JSON))",
}
POSTGRES_IN_DUCKDB["json_typeof"] = POSTGRES_IN_DUCKDB["jsonb_typeof"]
POSTGRES_IN_DUCKDB["json_array_length"] = POSTGRES_IN_DUCKDB["jsonb_array_length"]


REGEX_OPERATORS_IN_DUCKDB = {"~": "RegexpLike", "~*": "RegexpILike"}  # OPERATOR(public.~)
_DUCKDB_TRIGGERS = (*POSTGRES_IN_DUCKDB, "cast(", "::", "operator(")


@functools.lru_cache(maxsize=1024)
def duckdb_check_sql(sql: str) -> str | None:
    """The CHECK (PostgreSQL text) in DuckDB's SQL where DuckDB would read it otherwise than
    PostgreSQL, or not at all: `POSTGRES_IN_DUCKDB`'s functions; backslash as the escape of
    every LIKE that has none, as PostgreSQL and MySQL read `LIKE 'A\\_%'` (polars and DuckDB
    take the backslash literally); casts to a type of the schema's own (an enum, a domain,
    citext: `state <> 'stalled'::worker_state`, as pg_dump writes it) dropped, since such a
    cast only names a value of the type it is compared with, which DuckDB holds as text;
    `OPERATOR(public.~)` (citext's) as `~`. None when the text reads the same in both."""
    lowered = sql.lower()
    if "\\" not in sql and not any(name in lowered for name in _DUCKDB_TRIGGERS):
        return None
    import sqlglot
    import sqlglot.expressions as exp

    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except sqlglot.errors.SqlglotError:
        return None
    changed = False

    def rewrite(node):
        nonlocal changed
        if isinstance(node, exp.Cast) and _user_type(node.to):
            changed = True
            return node.this.copy()
        if isinstance(node, exp.Operator):
            operator = str(node.args.get("operator") or "").rsplit(".", 1)[-1]
            if operator in REGEX_OPERATORS_IN_DUCKDB:
                changed = True
                kind = getattr(exp, REGEX_OPERATORS_IN_DUCKDB[operator])
                this = node.this.copy().transform(rewrite)
                return kind(this=this, expression=node.expression.copy().transform(rewrite))
        pattern = node.expression if isinstance(node, (exp.Like, exp.ILike)) else None
        if (
            isinstance(pattern, exp.Literal)
            and "\\" in pattern.this
            and not isinstance(node.parent, exp.Escape)
        ):
            changed = True
            return exp.Escape(this=node.copy(), expression=exp.Literal.string("\\"))
        if isinstance(node, exp.ArraySize):  # sqlglot's array_length(a, dimension)
            name, args = "array_length", [node.this, node.expression or exp.Literal.number(1)]
        elif isinstance(node, exp.Anonymous) and node.name.lower() in POSTGRES_IN_DUCKDB:
            name, args = node.name.lower(), list(node.expressions)
        else:
            return node
        template = POSTGRES_IN_DUCKDB[name]
        needed = 1 + max(int(i) for i in re.findall(r"\{(\d)\}", template))
        if len(args) != needed:
            return node
        changed = True
        text = template.format(*(f"({arg.sql(dialect='duckdb')})" for arg in args))
        return exp.Paren(this=sqlglot.parse_one(text, read="duckdb"))

    tree = tree.transform(rewrite)
    return tree.sql(dialect="duckdb") if changed else None


def _user_type(datatype) -> bool:
    """A type the schema defines (sqlglot's USERDEFINED), or an array of one."""
    import sqlglot.expressions as exp

    if not isinstance(datatype, exp.DataType):
        return False
    if datatype.this == exp.DataType.Type.ARRAY and datatype.expressions:
        return _user_type(datatype.expressions[0])
    return datatype.this == exp.DataType.Type.USERDEFINED


_DUCKDB = threading.local()


def _duckdb():
    """One in-memory DuckDB connection per thread, on one thread of its own: a repair loop
    evaluates a CHECK over a few rows thousands of times, where a new connection (and
    DuckDB's thread pool on a busy machine) cost ~40 ms a call against ~2 ms."""
    connection, pid = getattr(_DUCKDB, "connection", (None, None))
    if connection is None or pid != os.getpid():  # never reuse one across a fork
        import duckdb

        connection = duckdb.connect(config={"threads": 1})
        _DUCKDB.connection = (connection, os.getpid())
    return connection


def engine_for(plan: DatasetPlan) -> Engine:
    """The plan's compiled engine, made once and kept on the plan itself (compiling validates
    every override; it lives and dies with the plan, so reloaded definitions leak nothing)."""
    engine = plan.__dict__.get("_engine")
    if engine is None:
        engine = Engine(plan)
        object.__setattr__(plan, "_engine", engine)  # a cache, not a field of the plan
    return engine


def generate(plan: DatasetPlan, table_key: str, start: int, stop: int) -> pl.DataFrame:
    """Rows [start, stop) of `table_key`: the engine's one entry point."""
    return engine_for(plan).generate(table_key, start, stop)

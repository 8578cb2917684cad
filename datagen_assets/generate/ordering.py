"""Implied orders of a row's instants, without a CHECK: created <= updated <= deleted,
starts < ends, issued <= due, ordered <= shipped <= delivered. An instant whose name puts it
later in a thing's life is made from the one it follows (`generators.Offset`), with a gap
typical of the pair (a due date weeks after issue, a job's end years after its start, an
appointment's end hours after it starts).

Knowledge is data: `LANES` says which lanes each lane follows, first found first; `WORDS`
puts the words of instants' names in lanes; `GAPS` the typical gap by lane and type
family, `WORD_GAPS` by word where the lane's is wrong for it. Two instants with different
qualifiers (`scheduled_arrival`, `actual_departure`) are not ordered against each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import polars as pl

from datagen_assets.generate import random as rnd
from datagen_assets.generate.generators import REF_INSTANT, Draw, Generator, Offset, capped
from datagen_assets.generate.meanings.tokens import tokens
from datagen_assets.schema.model import Column, Table, TypeKind

DAY = 86400.0


@dataclass(frozen=True)
class Lane:
    """A stage of a thing's life that instants' names mark, and the lanes it follows (the
    first one a column of the row is in wins; one named with the same qualifiers first)."""

    follows: tuple[str, ...] = ()


LANES: dict[str, Lane] = {
    "created": Lane(),
    "start": Lane(("created",)),
    "updated": Lane(("created",)),
    "event": Lane(("start", "created")),  # what happens to it: approved, paid, shipped
    "end": Lane(("start", "created")),  # when it is planned to end: ends, due, expires
    "outcome": Lane(("event", "start", "created")),  # how it ended: delivered, completed
    "removed": Lane(("updated", "created")),  # soft deletion after the last update
}

WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "created",
            "inserted",
            "registered",
            "opened",
            "issued",
            "issue",
            "create",
            "creation",
            "order",
            "purchase",
            "sale",
            "transaction",
            "ordered",
            "placed",
            "submitted",
            "requested",
            "booked",
            "first",
            "signup",
            "signed up",
            "joined",
            "checkout",
            "posted",
            "recorded",
            "logged",
            "received",
            "raised",
            "reported",
        ),
        "created",
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "start",
            "started",
            "starts",
            "begin",
            "begins",
            "from",
            "departure",
            "effective",
            "valid from",
            "since",
            "check in",
            "checkin",
            "hire",
            "hired",
            "scheduled",
            "open",
            "opens",
            "commenced",
            "launch",
            "launched",
            "pickup",
        ),
        "start",
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "updated",
            "modified",
            "changed",
            "edited",
            "last updated",
            "last modified",
            "last",
            "refreshed",
            "synced",
            "touched",
            "seen",
            "last seen",
            "last login",
        ),
        "updated",
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "approved",
            "confirmed",
            "paid",
            "shipped",
            "processed",
            "accepted",
            "sent",
            "published",
            "verified",
            "activated",
            "dispatched",
            "assigned",
            "acknowledged",
            "reviewed",
            "answered",
            "billed",
            "invoiced",
            "picked up",
        ),
        "event",
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "end",
            "ends",
            "to",
            "until",
            "due",
            "expires",
            "expiry",
            "expiration",
            "arrival",
            "valid to",
            "valid until",
            "check out",
            "termination",
            "stop",
            "return",
            "close",
            "closes",
            "deadline",
            "dropoff",
            "drop off",
        ),
        "end",
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "ended",
            "finish",
            "finished",
            "stopped",
            "closed",
            "completed",
            "resolved",
            "delivered",
            "fulfilled",
            "returned",
            "arrived",
            "settled",
            "done",
        ),
        "outcome",
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "deleted",
            "removed",
            "archived",
            "cancelled",
            "canceled",
            "revoked",
            "deactivated",
            "terminated",
            "purged",
            "disabled",
            "banned",
            "suspended",
        ),
        "removed",
    ),  # fmt: skip
}
NOISE = frozenset({"at", "on", "date", "time", "timestamp", "dt", "utc", "ts", "datetime", "day"})

# (lane, family) -> typical gap after the instant followed, in seconds (min, max)
GAPS: dict[tuple[str, str], tuple[float, float]] = {
    ("start", "ts"): (0, 30 * DAY),
    ("start", "date"): (0, 90 * DAY),
    ("updated", "ts"): (0, 60 * DAY),
    ("updated", "date"): (0, 120 * DAY),
    ("event", "ts"): (600, 5 * DAY),
    ("event", "date"): (0, 7 * DAY),
    ("end", "ts"): (3600, 30 * DAY),
    ("end", "date"): (DAY, 3 * 365 * DAY),
    ("outcome", "ts"): (3600, 10 * DAY),
    ("outcome", "date"): (DAY, 30 * DAY),
    ("removed", "ts"): (DAY, 365 * DAY),
    ("removed", "date"): (DAY, 365 * DAY),
}
# words whose gap is not their lane's: (min, max) seconds, whatever the family
WORD_GAPS: dict[str, tuple[float, float]] = {
    "due": (7 * DAY, 60 * DAY),
    "deadline": (7 * DAY, 90 * DAY),
    "check out": (DAY, 14 * DAY),
    "return": (DAY, 30 * DAY),
    "dropoff": (3600, 14 * DAY),
    "drop off": (3600, 14 * DAY),
    "arrival": (1800, 16 * 3600),
    "expires": (30 * DAY, 3 * 365 * DAY),
    "expiry": (30 * DAY, 3 * 365 * DAY),
    "expiration": (30 * DAY, 3 * 365 * DAY),
    "valid to": (30 * DAY, 3 * 365 * DAY),
    "valid until": (30 * DAY, 3 * 365 * DAY),
}
# lanes of what has already happened: never after now (`generators.REF_INSTANT`)
PAST_LANES = frozenset({"updated", "event", "outcome", "removed"})
# qualifier of what happened -> qualifiers of the plan it follows, a delay later
ACTUAL = {"actual": frozenset({"scheduled", "planned", "expected", "estimated", "target"})}
DELAYS = {"ts": (0, 3 * 3600), "date": (0, 3 * DAY), "int": (0, 3 * 3600)}
_TS = frozenset({TypeKind.TIMESTAMP, TypeKind.TIMESTAMPTZ})
_INT = frozenset({TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT})
_TEXT = frozenset({TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR})
_TEXT_TIME_WORDS = frozenset({"date", "time", "datetime", "timestamp", "at", "on", "dt", "ts"})


def lane(words: tuple[str, ...]) -> tuple[str | None, str, tuple[str, ...]]:
    """The lane of an instant's name, the word that put it there and its stem (the other
    words). The last matching word decides (`scheduled_arrival` is an arrival)."""
    for end in range(len(words), 0, -1):
        for size in (2, 1):
            if end - size < 0:
                continue
            phrase = " ".join(words[end - size : end])
            if phrase in WORDS:
                rest = words[: end - size] + words[end:]
                return WORDS[phrase], phrase, tuple(w for w in rest if w not in NOISE)
    return None, "", ()


def family(column: Column) -> str | None:
    kind = column.type.kind
    if kind in _TS:
        return "ts"
    if kind == TypeKind.DATE:
        return "date"
    if kind in _INT:
        return "int" if lane(tokens(column.name))[0] is not None else None
    if kind in _TEXT and (column.type.length or 19) >= 10:  # ISO text instants (SQLite)
        words = set(tokens(column.name))
        return "text" if words & _TEXT_TIME_WORDS and lane(tokens(column.name))[0] else None
    return None


def gap(column: Column) -> tuple[float, float] | None:
    """The typical gap of a later instant after the one it follows (seconds; for integer
    epochs in the column's unit: milliseconds when its name says so)."""
    found, word, _ = lane(tokens(column.name))
    kind = family(column)
    if found is None or kind is None:
        return None
    low, high = WORD_GAPS.get(word) or GAPS.get(
        (found, "ts" if kind in ("int", "text") else kind), (0, 0)
    )
    if kind == "int" and ("ms" in column.name.lower() or "millis" in column.name.lower()):
        return low * 1000, high * 1000
    return low, high


def ordering(column: Column, table: Table) -> tuple[str, float, float] | None:
    """The earlier instant of the row this one follows (partner, min gap, max gap), or None:
    a column in a lane this one's lane follows (the first lane found wins), of the same type
    family, with the same stem when both have one; the same stem first, then the first
    column."""
    mine, _, stem = lane(tokens(column.name))
    kind = family(column)
    if mine is None or kind is None or column.type.array:
        return None
    same = _follow_lanes(column, table, mine, stem, kind, exact=True)
    found = same or _plan_of(column, table, mine, stem, kind)
    return found or _follow_lanes(column, table, mine, stem, kind, exact=False)


def _follow_lanes(
    column: Column, table: Table, mine: str, stem: tuple[str, ...], kind: str, exact: bool
) -> tuple[str, float, float] | None:
    for earlier in LANES[mine].follows:
        best = None
        for position, other in enumerate(table.columns):
            if other.name == column.name or other.type.array or family(other) != kind:
                continue
            theirs, _, their_stem = lane(tokens(other.name))
            if theirs != earlier or stem and their_stem and stem != their_stem:
                continue
            if exact and their_stem != stem:
                continue
            candidate = (their_stem == stem, -position, other.name)
            if best is None or candidate > best:
                best = candidate
        if best is not None:
            low, high = gap(column)
            return best[2], low, high
    return None


def offset_after(column: Column, table: Table) -> Offset | None:
    """The generator of an instant that follows another of its row (`ordering`): an offset
    from it, capped at now for what has already happened (an update, a delivery)."""
    found = ordering(column, table)
    if found is None:
        return None
    partner, low, high = found
    past = lane(tokens(column.name))[0] in PAST_LANES and family(column) != "int"
    return Offset(column=partner, min=low, max=high, until=REF_INSTANT if past else None)


def _plan_of(
    column: Column, table: Table, mine: str, stem: tuple[str, ...], kind: str
) -> tuple[str, float, float] | None:
    """`actual_departure` follows `scheduled_departure` by a delay (same lane, the plan's
    qualifier in place of `actual`)."""
    for word, plans in ACTUAL.items():
        if word not in stem:
            continue
        rest = tuple(w for w in stem if w != word)
        for other in table.columns:
            if other.name == column.name or family(other) != kind:
                continue
            theirs, _, their_stem = lane(tokens(other.name))
            if theirs != mine or not set(their_stem) & plans:
                continue
            if tuple(w for w in their_stem if w not in plans) == rest:
                low, high = DELAYS[kind]
                return other.name, low, high
    return None


# ---------------------------------------------------------------- a child after its parent

PARENT_GAP = 180 * DAY  # a child made after its parent: within half a year of it


def after_parent(
    column: Column, table: Table, parent: Callable[[str], Table | None]
) -> tuple[str, str] | None:
    """(FK column, the parent's creation instant) that a child's creation instant follows
    (an order made after its customer signed up), or None. `parent(key)` gives a parent
    table that is generated before this one (None for the others: no cycles)."""
    mine = lane(tokens(column.name))[0]
    kind = family(column)
    if mine != "created" or kind not in ("ts", "date"):
        return None
    fks = sorted(
        table.foreign_keys, key=lambda fk: any(table.column(c).nullable for c in fk.columns)
    )
    for fk in fks:
        found = parent(fk.ref_table) if fk.ref_table != table.key else None
        if found is None:
            continue
        made = [
            other
            for other in found.columns
            if lane(tokens(other.name))[0] == "created"
            and not lane(tokens(other.name))[2]
            and family(other) in ("ts", "date")
        ]  # an order's date after its customer's sign-up instant too
        if made:
            same = [other for other in made if family(other) == kind]
            return fk.columns[0], (same or made)[0].name
    return None


@dataclass(frozen=True)
class AfterParent(Generator):
    """The column's own values, except where they fall before the parent row's `column`
    (reached through FK column `via`): there, a moment after it (within `max` seconds, and
    not after now)."""

    name: ClassVar[str] = "after_parent"
    inner: Generator = None  # type: ignore[assignment]
    via: str = ""
    column: str = ""
    max: float = PARENT_GAP

    def dependencies(self, table: Table) -> tuple[str, ...]:
        return self.inner.dependencies(table)

    def generate(self, draw: Draw) -> pl.Series:
        own = self.inner.generate(draw)
        theirs = _naive(draw.parent_values(self.via, self.column))
        own_naive = _naive(own)
        if not own_naive.dtype.is_temporal() or theirs.dtype.is_temporal() is False:
            return own
        theirs = theirs.cast(own_naive.dtype)
        step = 1 if own_naive.dtype == pl.Date else 1_000_000
        days = own_naive.dtype == pl.Date
        span = int(self.max // DAY) if days else int(self.max)
        later = theirs.to_physical() + pl.Series(
            rnd.integers(draw.stream("after"), draw.rows, 0, max(span, 1)) * step
        )
        early = (own_naive < theirs).fill_null(False)
        made = own_naive.to_physical().zip_with(~early, later).cast(own_naive.dtype)
        made = capped(made, theirs, REF_INSTANT, rnd.uniform(draw.stream("now"), draw.rows))
        if own.dtype != own_naive.dtype:  # back to the zone the values came in
            made = made.dt.replace_time_zone("UTC").dt.convert_time_zone(own.dtype.time_zone)
        return made.alias(own.name)


def _naive(values: pl.Series) -> pl.Series:
    if isinstance(values.dtype, pl.Datetime) and values.dtype.time_zone is not None:
        return values.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    if isinstance(values.dtype, pl.Datetime) and values.dtype.time_unit != "us":
        return values.cast(pl.Datetime("us"))
    return values

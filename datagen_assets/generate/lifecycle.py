"""Columns that follow a row's status: an instant that records an event (`paid_at`,
`shipped_at`, `cancelled_at`, `actual_arrival`) is NULL on rows whose status says the event
has not happened (a draft invoice was never paid, a scheduled flight has not arrived) and
set on rows whose status says it has; an amount of the event (`amount_paid`) is 0 where it
has not happened. A boolean flag named like the instant (`is_deleted` beside `deleted_at`,
`email_verified` beside `email_verified_at`) decides it the same way.

Knowledge is data: `STAGES` places status words on one line of a thing's life (draft ->
pending -> approved -> paid -> in progress -> shipped -> done), `BRANCHES` the statuses that
leave it (cancelled, failed, refunded ...) with how far the thing got, `EVENTS` the words
of an instant's name with the stage they mark. A status word none of them knows decides
nothing: the column keeps what it drew. Masks are computed per distinct status value and
gathered, never per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import polars as pl

from datagen_assets.generate.meanings.tokens import table_tokens, tokens
from datagen_assets.schema.model import Column, Table, TypeKind

# status word -> stage of the main line it says the thing has reached
STAGES: dict[str, float] = {
    **dict.fromkeys(
        (
            "draft",
            "new",
            "created",
            "planned",
            "backlog",
            "todo",
            "to do",
            "not started",
            "initiated",
            "unsubmitted",
            "incomplete",
        ),
        0,
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "pending",
            "requested",
            "queued",
            "scheduled",
            "waiting",
            "awaiting",
            "on hold",
            "hold",
            "on time",
            "delayed",
            "unpaid",
            "trialing",
            "in review",
            "review",
            "under review",
            "unverified",
            "unconfirmed",
            "submitted",
            "open",
            "issued",
            "overdue",
            "past due",
            "enqueued",
            "ready to start",
        ),
        1,
    ),  # fmt: skip
    "sent": 1.5,
    **dict.fromkeys(
        (
            "approved",
            "accepted",
            "confirmed",
            "authorized",
            "authorised",
            "verified",
            "booked",
            "reserved",
            "ready",
            "assigned",
        ),
        2,
    ),  # fmt: skip
    **dict.fromkeys(("paid", "partially paid", "payed", "captured", "charged"), 2.5),
    **dict.fromkeys(
        (
            "in progress",
            "processing",
            "running",
            "active",
            "started",
            "picking",
            "packed",
            "boarding",
            "executing",
            "ongoing",
            "working",
        ),
        3,
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "shipped",
            "dispatched",
            "departed",
            "in transit",
            "out for delivery",
            "published",
            "released",
            "live",
        ),
        4,
    ),  # fmt: skip
    **dict.fromkeys(
        (
            "delivered",
            "arrived",
            "completed",
            "complete",
            "done",
            "closed",
            "resolved",
            "finished",
            "succeeded",
            "success",
            "successful",
            "fulfilled",
            "settled",
            "ended",
            "landed",
            "won",
        ),
        5,
    ),  # fmt: skip
}


@dataclass(frozen=True)
class Branch:
    """A status that leaves the main line: how far the thing got (`reached`, on `STAGES`'
    scale, None: unknown) and the events it rules out although reached (a failed payment
    was started, never paid)."""

    reached: float | None
    denies: frozenset[str] = frozenset()


_FAILED = Branch(3, frozenset({"paid", "delivered", "completed", "succeeded", "shipped"}))
BRANCHES: dict[str, Branch] = {
    **dict.fromkeys(("cancelled", "canceled", "void", "voided", "aborted", "withdrawn"), Branch(1)),
    **dict.fromkeys(("rejected", "declined", "denied", "refused", "expired", "lapsed"), Branch(1)),
    **dict.fromkeys(("failed", "failure", "error", "errored", "timed out", "crashed"), _FAILED),
    **dict.fromkeys(("refunded", "partially refunded", "chargeback", "disputed"), Branch(2.5)),
    **dict.fromkeys(("returned",), Branch(5)),
    **dict.fromkeys(("lost",), Branch(4, frozenset({"delivered", "completed"}))),
    **dict.fromkeys(
        (
            "deleted",
            "removed",
            "archived",
            "suspended",
            "banned",
            "blocked",
            "inactive",
            "disabled",
            "deactivated",
            "terminated",
            "closed account",
            "locked",
            "paused",
        ),
        Branch(None),
    ),  # fmt: skip
}


@dataclass(frozen=True)
class Event:
    """What an instant's event needs of the status: a stage of the main line reached
    (`stage`), an ending (`ending`: done or left the line, however), or one of the branch
    statuses `own` (cancelled_at). An `exclusive` branch event never follows completion (a
    delivered order was not cancelled); others may (a closed account is deleted later)."""

    stage: float | None = None
    own: frozenset[str] = frozenset()
    ending: bool = False
    exclusive: bool = True


def _own(*words: str, exclusive: bool = True) -> Event:
    return Event(own=frozenset(words), exclusive=exclusive)


EVENTS: dict[str, Event] = {
    "submitted": Event(1),
    "sent": Event(1.5),
    "approved": Event(2),
    "accepted": Event(2),
    "confirmed": Event(2),
    "verified": Event(2),
    "paid": Event(2.5),
    "started": Event(3),
    "activated": Event(3),
    "shipped": Event(4),
    "dispatched": Event(4),
    "departed": Event(4),
    "published": Event(4),
    "delivered": Event(5),
    "arrived": Event(5),
    "completed": Event(5),
    "succeeded": Event(5),
    "fulfilled": Event(5),
    "resolved": Event(5),
    "settled": Event(5),
    "closed": Event(ending=True),
    "finished": Event(ending=True),
    "ended": Event(ending=True),
    "cancelled": _own("cancelled", "canceled", "aborted", "withdrawn"),
    "voided": _own("void", "voided"),
    "rejected": _own("rejected", "declined", "denied", "refused"),
    "failed": _own("failed", "failure", "error", "errored", "crashed", "timed out"),
    "expired": _own("expired", "lapsed"),
    "refunded": _own("refunded", "partially refunded", "chargeback"),
    "returned": _own("returned"),
    "deleted": _own("deleted", "removed", exclusive=False),
    "archived": _own("archived", exclusive=False),
    "suspended": _own("suspended", exclusive=False),
    "banned": _own("banned", exclusive=False),
    "blocked": _own("blocked", "locked", exclusive=False),
    "deactivated": _own("deactivated", "inactive", "disabled", exclusive=False),
    "terminated": _own("terminated", exclusive=False),
}

# words of a column's name that name an event (nouns and spellings of the participles)
EVENT_WORDS: dict[str, str] = {
    **{event: event for event in EVENTS},
    "canceled": "cancelled",
    "cancellation": "cancelled",
    "cancel": "cancelled",
    "payment": "paid",
    "paid out": "paid",
    "approval": "approved",
    "acceptance": "accepted",
    "confirmation": "confirmed",
    "verification": "verified",
    "submission": "submitted",
    "completion": "completed",
    "rejection": "rejected",
    "refund": "refunded",
    "deletion": "deleted",
    "removed": "deleted",
    "archival": "archived",
    "suspension": "suspended",
    "termination": "terminated",
    "resolution": "resolved",
    "fulfillment": "fulfilled",
    "settlement": "settled",
    "publication": "published",
    "expiration": "expired",
    "void": "voided",
    "actual departure": "departed",
    "actual arrival": "arrived",
    "actual start": "started",
    "actual end": "ended",
    "actual delivery": "delivered",
}
# words that make a name a planned instant rather than an event (`expected_delivery`)
PLANNED = frozenset({"expected", "estimated", "planned", "scheduled", "due", "target", "eta"})
# words of a status column whose qualifier points at an event (`payment_status` -> paid)
STATUS_QUALIFIERS: dict[str, frozenset[str]] = {
    "payment": frozenset({"paid", "refunded", "voided", "failed"}),
    "pay": frozenset({"paid", "refunded"}),
    "billing": frozenset({"paid", "refunded"}),
    "invoice": frozenset({"paid", "sent", "voided"}),
    "shipping": frozenset({"shipped", "delivered", "returned"}),
    "shipment": frozenset({"shipped", "delivered", "returned"}),
    "delivery": frozenset({"shipped", "delivered", "returned"}),
    "fulfillment": frozenset({"shipped", "delivered", "fulfilled"}),
    "approval": frozenset({"approved", "rejected"}),
    "review": frozenset({"approved", "rejected"}),
    "verification": frozenset({"verified"}),
}
STATUS_WORDS = frozenset({"status", "state", "stage", "phase"})
AMOUNT_WORDS = frozenset({"amount", "amt", "total", "sum", "value"})
_NOISE = frozenset({"at", "on", "date", "time", "timestamp", "dt", "ts", "utc", "datetime", "day"})
_FLAG_NOISE = frozenset({"is", "has", "was", "flag", "ind", "indicator", "yn"})
_TRUE = frozenset({"1", "true", "t", "y", "yes"})
_FALSE = frozenset({"0", "false", "f", "n", "no"})


@dataclass(frozen=True)
class Follows:
    """An event column follows `column`: a status (`event` names the event) or a flag
    (`event` is None: set where the flag is true)."""

    column: str
    event: str | None


def event_of(words: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """The event an instant's words record, and its other words (its stem)."""
    if set(words) & PLANNED:
        return None, ()
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            event = EVENT_WORDS.get(" ".join(words[start : start + size]))
            if event is not None:
                stem = tuple(w for w in words[:start] + words[start + size :] if w not in _NOISE)
                return event, stem
    return None, ()


def _eventful(column: Column) -> bool:
    """Instants and amounts that can record whether an event happened, and may be NULL."""
    kind = column.type.kind
    if not column.nullable and kind not in _AMOUNT_KINDS or column.type.array:
        return False
    return kind in INSTANT_KINDS or kind in _AMOUNT_KINDS


INSTANT_KINDS = frozenset({TypeKind.DATE, TypeKind.TIMESTAMP, TypeKind.TIMESTAMPTZ})
_AMOUNT_KINDS = frozenset(
    {TypeKind.NUMERIC, TypeKind.MONEY, TypeKind.INTEGER, TypeKind.BIGINT, TypeKind.REAL,
     TypeKind.DOUBLE}
)  # fmt: skip


def follows(column: Column, table: Table) -> Follows | None:
    """The status or flag column of the table whose value says whether the event this column
    records has happened, or None."""
    if not _eventful(column):
        return None
    words = tokens(column.name)
    if column.type.kind in _AMOUNT_KINDS and not set(words) & AMOUNT_WORDS:
        return None  # a number records an event only as its amount (`amount_paid`)
    event, stem = event_of(words)
    if event is None:
        return None
    plain = tuple(w for w in words if w not in _NOISE)
    for other in table.columns:  # `is_deleted` beside `deleted_at`
        if other.name != column.name and _is_flag(other):
            flag_words = tuple(w for w in tokens(other.name) if w not in _FLAG_NOISE)
            if flag_words == plain and column.type.kind in INSTANT_KINDS:
                return Follows(other.name, None)
    best: tuple[int, str] | None = None
    for other in table.columns:
        if other.name == column.name or not _is_status(other, table):
            continue
        qualifiers = [w for w in tokens(other.name) if w not in STATUS_WORDS]
        pointed = set().union(*(STATUS_QUALIFIERS.get(w, frozenset()) for w in qualifiers))
        if event in pointed:
            score = 3
        elif pointed:
            continue  # `payment_status` says nothing of shipping
        elif not qualifiers or set(qualifiers) & (set(table_tokens(table.name)) | set(stem)):
            score = 2  # `status`, `order_status` in orders
        else:
            score = 1
        if best is None or score > best[0]:
            best = (score, other.name)
    return Follows(best[1], event) if best else None


def _is_flag(column: Column) -> bool:
    kind = column.type.kind
    if kind == TypeKind.BOOLEAN:
        return True
    return kind in (TypeKind.SMALLINT, TypeKind.CHAR) and bool(
        set(tokens(column.name)) & _FLAG_NOISE
    )


def _is_status(column: Column, table: Table) -> bool:
    if column.type.kind not in (TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR, TypeKind.ENUM):
        return False
    words = tokens(column.name)
    if not words or words[-1] not in STATUS_WORDS or column.type.array:
        return False
    from datagen_assets.generate.meanings.catalog import MEANINGS
    from datagen_assets.generate.semantic import explain

    meaning = MEANINGS.get(explain(column, table).meaning or "")
    return meaning is None or meaning.domain != "geo"  # a `state` beside a city is a region


# ---------------------------------------------------------------- masks


def _phrase(value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", value.strip().lower())


@lru_cache(maxsize=4096)
def happened(value: str, event: str) -> bool | None:
    """Whether a status value says the event happened (True), has not (False), or nothing."""
    phrase = _phrase(value)
    words = phrase.split()
    candidates = [phrase, *reversed(words)] if len(words) > 1 else [phrase]
    stage, branch = None, None
    for word in candidates:
        if word in BRANCHES:
            branch = word
            break
        if word in STAGES:
            stage = STAGES[word]
            break
    if stage is None and branch is None:
        return None
    rule = EVENTS[event]
    if rule.own:  # a branch's own event
        if branch is not None:
            return branch in rule.own or (None if not rule.exclusive else False)
        return False if rule.exclusive or stage < 5 else None
    if rule.ending:  # done, or left the line for good (an unknown reach decides nothing)
        if branch is not None:
            return True if BRANCHES[branch].reached is not None else None
        return stage >= 5
    if branch is not None:
        reached = BRANCHES[branch]
        if reached.reached is None:
            return None
        return reached.reached >= rule.stage and event not in reached.denies
    return stage >= rule.stage


def masks(status: pl.Series, event: str | None) -> tuple[np.ndarray, np.ndarray]:
    """(happened, not happened) per row, from the distinct values of the status (or flag,
    when `event` is None) column; NULL statuses decide nothing."""
    text = status.cast(pl.String)
    distinct = text.drop_nulls().unique().to_list()
    if event is None:
        said = {v: True if _phrase(v) in _TRUE else False if _phrase(v) in _FALSE else None
                for v in distinct}  # fmt: skip
    else:
        said = {v: happened(v, event) for v in distinct}
    yes = [v for v, s in said.items() if s is True]
    no = [v for v, s in said.items() if s is False]
    return text.is_in(yes).fill_null(False).to_numpy(), text.is_in(no).fill_null(False).to_numpy()

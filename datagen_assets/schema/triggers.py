"""Triggers that fill other tables: `AFTER INSERT ON film ... INSERT INTO film_text ...`.

A load that runs such a trigger (MySQL and SQLite cannot switch triggers off) writes the
target's rows itself, one batch per source row, so rows DataGen wrote for the target too would
collide with them (sakila: `Duplicate entry '1'` on film_text). The importer reads each INSERT
trigger's body (MySQL, SQLite, T-SQL and Oracle bodies inline; PostgreSQL's from the trigger
function created before it) for the tables it inserts into and, for a target that is another
table of the schema, which target columns take which `NEW.column` of the source row.

This module only reads text; what the importer decides is in `ddl._Importer._trigger_fills`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datagen_assets.schema.drafts import _QNAME

CREATE_TRIGGER = re.compile(
    r"CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:(?:TEMP|TEMPORARY)\s+)?"
    r"(?:CONSTRAINT\s+)?TRIGGER\b",
    re.I,
)
_HEAD = re.compile(
    rf"{CREATE_TRIGGER.pattern}\s*(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{_QNAME})\s+(?:"
    rf"(?:BEFORE|AFTER|INSTEAD\s+OF)\s+(?P<events>.*?)\s+ON\s+(?P<table>{_QNAME})"
    rf"|ON\s+(?P<tsql_table>{_QNAME})\s+(?:WITH\s+[\w\s,]*?\s+)?(?:FOR|AFTER|INSTEAD\s+OF)\s+"
    r"(?P<tsql_events>[\w\s,]*?)\s+(?:NOT\s+FOR\s+REPLICATION\s+)?AS\b)",
    re.I | re.S,
)
_FUNCTION = re.compile(
    rf"CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(?P<name>{_QNAME})\s*\(", re.I
)  # fmt: skip
_EXECUTE = re.compile(rf"EXECUTE\s+(?:FUNCTION|PROCEDURE)\s+(?P<name>{_QNAME})\s*\(", re.I)
_INSERT = re.compile(
    rf"\bINSERT\s+(?:IGNORE\s+|OR\s+\w+\s+)?(?:INTO\s+)?(?P<table>{_QNAME})\s*"
    r"(?:\((?P<columns>[^()]*)\)\s*)?(?:VALUES\s*\((?P<values>[^;]*?)\)\s*(?:;|$|\bEND\b))?",
    re.I,
)
_NOISE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*[\s\S]*?\*/")
_NEW_COLUMN = re.compile(r"\s*:?NEW\s*\.\s*[`\"\[]?(?P<column>\w+)[`\"\]]?\s*", re.I)


@dataclass(frozen=True)
class TriggerInsert:
    """One `INSERT INTO target [(columns)] [VALUES (...)]` of a trigger body: the target as
    written, its listed columns (None: all, in order) and for each value the source column
    it copies (`NEW.film_id` -> film_id), None for any other expression; None when the
    values are no VALUES list (`SELECT ... FROM inserted`)."""

    target: str
    columns: tuple[str, ...] | None
    copied: tuple[str | None, ...] | None


@dataclass(frozen=True)
class InsertTrigger:
    """A trigger that fires on INSERT into `table` (as written); `function`, for PostgreSQL,
    names the trigger function whose body holds the INSERTs."""

    name: str
    table: str
    inserts: tuple[TriggerInsert, ...]
    function: str | None = None


def function_name(sql: str) -> str | None:
    """The name of a `CREATE FUNCTION` statement, as written."""
    match = _FUNCTION.match(sql)
    return match.group("name") if match else None


def read_trigger(sql: str) -> InsertTrigger | None:
    """The INSERT trigger a `CREATE TRIGGER` statement defines, or None (another event, or
    unreadable)."""
    head = _HEAD.match(sql)
    if head is None:
        return None
    events = head.group("events") or head.group("tsql_events") or ""
    if not re.search(r"\bINSERT\b", events, re.I):
        return None
    body = sql[head.end() :]
    executed = _EXECUTE.search(body)
    return InsertTrigger(
        name=head.group("name"),
        table=head.group("table") or head.group("tsql_table"),
        inserts=inserts_of(body) if executed is None else (),
        function=executed.group("name") if executed else None,
    )


def inserts_of(body: str) -> tuple[TriggerInsert, ...]:
    """Every INSERT of a routine body (string literals and comments blanked first)."""
    text = _NOISE.sub(lambda m: " " * len(m.group()), body)
    found = []
    for match in _INSERT.finditer(text):
        columns = match.group("columns")
        values = match.group("values")
        listed = tuple(_bare(c) for c in columns.split(",")) if columns else None
        copied = None
        if values is not None:
            copied = tuple(
                m.group("column") if (m := _NEW_COLUMN.fullmatch(v)) else None
                for v in values.split(",")
            )
        found.append(TriggerInsert(match.group("table"), listed, copied))
    return tuple(found)


def _bare(name: str) -> str:
    return name.strip().strip('`"[]')

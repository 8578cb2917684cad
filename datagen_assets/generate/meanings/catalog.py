"""What a meaning is, and the registry the domain modules fill (one module per domain, one
line per meaning: `people.py`, `geo.py`, `commerce.py` ...).

A meaning says which columns it fits (name tokens as a regular expression over the
column's words, the type families it accepts, optionally the table it lives in, typical
lengths, words its neighbours use) and how its values are made (a generator, a vocabulary
of realistic values with a skew, or a field of a coherent entity). Detection
(`detect.py`) scores every meaning against a column and explains the winner.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from datagen_assets.generate.generators import Generator
from datagen_assets.schema.model import Column, Table, TypeKind

# type families a meaning names in `kinds`
FAMILIES: dict[str, frozenset[TypeKind]] = {
    "text": frozenset({TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR, TypeKind.UNKNOWN}),
    "int": frozenset({TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT}),
    "dec": frozenset({TypeKind.NUMERIC, TypeKind.MONEY, TypeKind.REAL, TypeKind.DOUBLE}),
    "bool": frozenset({TypeKind.BOOLEAN}),
    "date": frozenset({TypeKind.DATE}),
    "ts": frozenset({TypeKind.TIMESTAMP, TypeKind.TIMESTAMPTZ}),
    "time": frozenset({TypeKind.TIME}),
    "bytes": frozenset({TypeKind.BYTES}),
    "json": frozenset({TypeKind.JSON}),
    "uuid": frozenset({TypeKind.UUID}),
    "inet": frozenset({TypeKind.INET}),
    "interval": frozenset({TypeKind.INTERVAL}),
}
FAMILIES["num"] = FAMILIES["int"] | FAMILIES["dec"]
FAMILIES["when"] = FAMILIES["date"] | FAMILIES["ts"]

Maker = Callable[[Column, Table], Generator]


@dataclass(frozen=True)
class Meaning:
    """One semantic type. `names` is a regular expression over the column's words joined by
    spaces (`postal code|zip( code)?`); `tables` one searched in the table's words (singular):
    with `needs_table`, the meaning applies only there (`name` in a `genre` table)."""

    name: str
    domain: str
    kinds: frozenset[TypeKind]
    names: re.Pattern
    make: Maker
    tables: re.Pattern | None = None
    needs_table: bool = False
    lengths: tuple[int, int] | None = None  # typical text lengths: outside them, a penalty
    neighbours: re.Pattern | None = None  # words other columns of the table use
    unless: re.Pattern | None = None  # words of the whole name that rule it out
    entity: tuple[str, str] | None = None  # (entity, field) drawn coherently with its kin
    prior: float = 0.0
    doc: str = ""
    generator_text: str = field(default="", compare=False)


MEANINGS: dict[str, Meaning] = {}


def _compile(pattern: str | None) -> re.Pattern | None:
    return re.compile(pattern) if pattern else None


def add(
    name: str,
    domain: str,
    kinds: str,
    names: str,
    make: Maker | Generator,
    *,
    tables: str | None = None,
    needs_table: bool = False,
    lengths: tuple[int, int] | None = None,
    neighbours: str | None = None,
    unless: str | None = None,
    entity: tuple[str, str] | None = None,
    prior: float = 0.0,
    doc: str = "",
) -> Meaning:
    """Registers a meaning; `kinds` is a space-separated list of FAMILIES."""
    families = frozenset().union(*(FAMILIES[k] for k in kinds.split()))
    maker = make if callable(make) and not isinstance(make, Generator) else (lambda c, t, g=make: g)
    meaning = Meaning(
        name=name,
        domain=domain,
        kinds=families,
        names=re.compile(names),
        make=maker,
        tables=_compile(tables),
        needs_table=needs_table,
        lengths=lengths,
        neighbours=_compile(neighbours),
        unless=_compile(unless),
        entity=entity,
        prior=prior,
        doc=doc,
    )
    if name in MEANINGS:
        raise ValueError(f"meaning {name!r} defined twice")
    MEANINGS[name] = meaning
    return meaning


# ---------------------------------------------------------------- makers the tables use


def vocab(name: str, skew: float = 0.0, joiner: str = " ") -> Maker:
    """Values of a vocabulary (`vocabularies.py`), the first ones most common with `skew`."""
    from datagen_assets.generate.meanings.values import Vocabulary

    return lambda column, table: Vocabulary(name, skew, joiner)


def is_key(column: Column, table: Table) -> bool:
    return any(column.name in key for key in table.unique_keys)


def by_width(narrow: Maker, wide: Maker, width: int) -> Maker:
    """`narrow` for text columns of at most `width` characters (codes), else `wide`."""

    def make(column: Column, table: Table) -> Generator:
        length = column.type.length
        return (
            narrow(column, table) if length is not None and length <= width else wide(column, table)
        )

    return make


def numeric(make_int: Maker | Generator, make_dec: Maker | Generator | None = None) -> Maker:
    """One generator for integer columns, another for decimal ones."""

    def pick(option, column, table):
        return (
            option(column, table)
            if callable(option) and not isinstance(option, Generator)
            else option
        )

    def make(column: Column, table: Table) -> Generator:
        if column.type.kind in FAMILIES["int"] or make_dec is None:
            return pick(make_int, column, table)
        return pick(make_dec, column, table)

    return make

"""Presidio over a column's distinct values, fast enough for a per-table asset check.

Presidio analyses one string per call in Python (about half a millisecond with every
recognizer), so the cost is the number of calls. Three things keep it small:

1. only distinct values are analysed, and the counts carry their weight in rows;
2. at most `max_distinct` of them per column, chosen deterministically (most frequent first,
   then by hash), so a run always looks at the same values;
3. a vectorised polars pre-filter decides, per value, which recognizers could possibly match
   (no `@`: no e-mail; fewer than 12 digits: no card; no token from the name dictionary: no
   person...) and Presidio runs only those, on only the values that have a candidate. The
   pre-filter is a superset test, so it never hides a finding Presidio would have made.

What comes back are counts per entity type, never a value or a matched span.

A column is read as a whole, the way a person reads it: in a column where most values are
shaped like generated place names (a state or country, `West Nathan`, `Nathanville`,
`Maria Lane`, `Lake Suzanne Branch`: see `analyzer.PlaceVocabulary`), a person's name found
in a value of that shape is the place's name, not a person; a value of another shape
(`John Smith` planted in a column of towns) still counts. Version numbers of software
(`rv:1.9.5.20`, `Chrome/27.0.849.0` in a user agent) are not IP addresses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from datagen_assets.generate.pools import DEFAULT_LOCALE
from datagen_assets.pii.analyzer import (
    LANGUAGE,
    PERSON,
    analyzer,
    installed_ner_model,
    name_lists,
    place_vocabulary,
)

DEFAULT_SCORE_THRESHOLD = 0.4
DEFAULT_MAX_DISTINCT = 2000
VALUE, COUNT = "value", "n"
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "ORGANIZATION", "DATE_TIME"})


@dataclass(frozen=True)
class Detection:
    """What Presidio found in a column sample. `rows` counts non-empty values in the sample,
    `rows_analysed` those whose distinct value was within the `max_distinct` analysed;
    `entity_rows[e]` is how many of those rows contain entity `e`, `entity_values[e]` how many
    distinct values do."""

    rows: int = 0
    distinct: int = 0
    rows_analysed: int = 0
    distinct_analysed: int = 0
    presidio_calls: int = 0
    entity_rows: dict[str, int] = field(default_factory=dict)
    entity_values: dict[str, int] = field(default_factory=dict)


def detect_entities(
    values: pl.Series,
    locale: str = DEFAULT_LOCALE,
    score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    max_distinct: int = DEFAULT_MAX_DISTINCT,
) -> Detection:
    """Entities in a Series of strings (NULL and empty strings are skipped)."""
    frame = (
        values.cast(pl.String).rename(VALUE).to_frame().group_by(VALUE).agg(pl.len().alias(COUNT))
    )
    return detect_in_distinct(frame, locale, score_threshold, max_distinct)


def detect_in_distinct(
    frame: pl.DataFrame,
    locale: str = DEFAULT_LOCALE,
    score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    max_distinct: int = DEFAULT_MAX_DISTINCT,
) -> Detection:
    """Entities in distinct values: `frame` has a String column `value` and a count `n`."""
    frame = frame.filter(pl.col(VALUE).is_not_null() & (pl.col(VALUE).str.strip_chars() != ""))
    rows, distinct = int(frame[COUNT].sum() or 0), frame.height
    chosen = (
        frame.with_columns(pl.col(VALUE).hash(seed=0).alias("_h"))
        .sort([COUNT, "_h", VALUE], descending=[True, False, False])
        .head(max_distinct)
    )
    chosen = chosen.with_columns(_place_shaped(locale).alias("_place"))
    place_column = chosen.height > 0 and chosen["_place"].sum() * 2 >= chosen.height
    candidates = chosen.with_columns(_candidates(locale).alias("_entities")).filter(
        pl.col("_entities").list.len() > 0
    )
    engine = analyzer(locale)
    entity_rows: Counter[str] = Counter()
    entity_values: Counter[str] = Counter()
    analysed = candidates.select(VALUE, COUNT, "_entities", "_place").iter_rows()
    for value, count, entities, place in analysed:
        found = {
            r.entity_type
            for r in engine.analyze(
                value, language=LANGUAGE, entities=entities, score_threshold=score_threshold
            )
            if not _inside_code(value, r.entity_type, r.start)
        }
        if place and place_column:
            found.discard(PERSON)  # a town named after someone, in a column of places
        for entity in found:
            entity_rows[entity] += count
            entity_values[entity] += 1
    return Detection(
        rows=rows,
        distinct=distinct,
        rows_analysed=int(chosen[COUNT].sum() or 0),
        distinct_analysed=chosen.height,
        presidio_calls=candidates.height,
        entity_rows=dict(sorted(entity_rows.items())),
        entity_values=dict(sorted(entity_values.items())),
    )


_CODE_PREFIX = re.compile(r"[A-Za-z]+[-_/#]?$")
_VERSION_PREFIX = re.compile(r"(?:[A-Za-z][\w.\-]*/|\brv:|[A-Za-z][-_ ]?v)$")


def _inside_code(value: str, entity: str, start: int) -> bool:
    """Digits glued to a letter prefix (`SKU-80582694`, `INV2024001`) are an identifier, not
    a phone number: the phone recognizer would flag every long product or invoice code. A
    dotted number after a product name and a slash (`Chrome/27.0.849.0`), `rv:` or a `v` is a
    software version, not an IP address (`http://10.0.0.1` still is one)."""
    if entity == "IP_ADDRESS":
        return _VERSION_PREFIX.search(value[:start]) is not None
    return entity == "PHONE_NUMBER" and _CODE_PREFIX.search(value[:start]) is not None


def _place_shaped(locale: str) -> pl.Expr:
    """Per value, whether it is shaped like a place name DataGen generates: exactly a known
    place, or a town or street name built from a name (`West Nathan`, `Nathanville`,
    `Maria Lane`)."""
    vocabulary = place_vocabulary(locale)
    value = pl.col(VALUE).str.strip_chars().str.to_lowercase()

    def alternatives(words: frozenset[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))

    tests = [value.is_in(pl.Series(sorted(vocabulary.places), dtype=pl.String).implode())]
    if vocabulary.prefixes:
        tests.append(value.str.contains(rf"^(?:{alternatives(vocabulary.prefixes)})\s"))
    if vocabulary.suffixes:
        tests.append(value.str.contains(rf"\p{{L}}(?:{alternatives(vocabulary.suffixes)})\b"))
    if vocabulary.trailing_words:
        tests.append(value.str.contains(rf"\s(?:{alternatives(vocabulary.trailing_words)})\.?$"))
    return pl.any_horizontal(tests).fill_null(False)


# ---------------------------------------------------------------------------- pre-filter


def _candidates(locale: str) -> pl.Expr:
    """Per value, the list of entity types whose recognizer could match it."""
    value = pl.col(VALUE)
    digits = value.str.count_matches(r"\d")
    tests: dict[str, pl.Expr] = {
        "EMAIL_ADDRESS": value.str.contains("@", literal=True),
        "URL": value.str.contains(r"\.\w|://"),
        "PHONE_NUMBER": digits >= 5,
        "CREDIT_CARD": digits >= 12,
        "IBAN_CODE": digits >= 8,
        "US_SSN": digits >= 9,
        "IP_ADDRESS": value.str.contains(r"\d\.\d|:"),
        "DATE_TIME": digits >= 1,
        "CRYPTO": value.str.contains(r"[0-9A-Za-z]{25,}"),
        "MAC_ADDRESS": value.str.contains(r"[0-9A-Fa-f]{2}[:\-.][0-9A-Fa-f]{2}"),
        "MEDICAL_LICENSE": digits >= 7,
        # words of 3+ letters: "JO" or "AL" in a code are not names
        PERSON: value.str.extract_all(r"\p{L}{3,}")
        .list.eval(pl.element().str.to_lowercase().is_in(_name_tokens(locale).implode()))
        .list.any(),
    }
    supported = analyzer(locale).get_supported_entities(LANGUAGE)
    if installed_ner_model():  # a statistical model can find names no dictionary holds
        tests = {e: t for e, t in tests.items() if e not in NER_ENTITIES}
    always = [e for e in sorted(supported) if e not in tests]
    lists = [
        pl.when(test.fill_null(False))
        .then(pl.lit([entity]))
        .otherwise(pl.lit([], pl.List(pl.String)))
        for entity, test in tests.items()
        if entity in supported
    ]
    return pl.concat_list([*lists, pl.lit(always, pl.List(pl.String))])


@lru_cache(maxsize=8)
def _name_tokens(locale: str) -> pl.Series:
    """Letter runs of every name (`Jean-Luc` -> `jean`, `luc`), lower-cased and case-folded:
    any name token the recognizer can match contains one, so the pre-filter is a superset."""
    first, last = name_lists(locale)
    pieces = {p for name in first | last for p in re.findall(r"[^\W\d_]+", name)}
    return pl.Series(
        sorted({f for p in pieces for f in (p.lower(), p.casefold())}), dtype=pl.String
    )

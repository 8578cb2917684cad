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
(`rv:1.9.5.20`, `Chrome/27.0.849.0` in a user agent) are not IP addresses. The same holds
for the terms of DataGen's closed vocabularies (a column of car makes or languages: Ford,
English) and for addresses led by a house number (`4039 Jennifer`, a street cut to its width).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from datagen_assets.generate.pools import DEFAULT_LOCALE
from datagen_assets.pii.analyzer import (
    LANGUAGE,
    PERSON,
    WEAK_NAME_SCORE,
    analyzer,
    installed_ner_model,
    name_lists,
    name_recognizer,
    place_vocabulary,
)

DEFAULT_SCORE_THRESHOLD = 0.4
DEFAULT_MAX_DISTINCT = 2000
VALUE, COUNT = "value", "n"
NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "ORGANIZATION", "DATE_TIME"})
UUID = r"^\{?[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}\}?$"


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
    entities: Collection[str] | None = None,
    max_calls: int | None = None,
) -> Detection:
    """Entities in distinct values: `frame` has a String column `value` and a count `n`.

    Every distinct value goes through the vectorised pre-filter; a value with no candidate
    type is clean without further work. Of the others, at most `max_distinct` are analysed,
    and of those needing Presidio's engine (any candidate besides a name) at most `max_calls`
    (default: `max_distinct`), the odd ones out first: values whose candidate types few other
    values share (seven e-mails among five thousand invoice numbers), then the most frequent,
    then by hash, so a run always looks at the same values. With `entities`, only those types
    are looked for (the asset check needs only the ones that can fail it)."""
    frame = frame.filter(pl.col(VALUE).is_not_null() & (pl.col(VALUE).str.strip_chars() != ""))
    rows, distinct = int(frame[COUNT].sum() or 0), frame.height
    wanted = frozenset(entities) if entities is not None else None
    frame = frame.with_columns(
        pl.col(VALUE).hash(seed=0).alias("_h"),
        _candidates(locale, score_threshold, wanted).alias("_entities"),
    )
    # A column of the terms of DataGen's closed vocabularies (config values, check outputs,
    # car makes): a value that is such a term as a whole is DataGen's own, whatever it holds
    # (`admin@example.com`, `Host unreachable (10.0.3.17)`); another value still counts.
    term_column = False
    if frame["_entities"].list.len().sum():
        frame = frame.with_columns(_known_place("terms", "_term"))
        term_column = int(frame["_term"].sum()) * 2 >= frame.height
    else:
        frame = frame.with_columns(pl.lit(False).alias("_term"))
    place_column = False
    if frame["_entities"].list.contains(PERSON).any():  # places matter only for names
        # A column of places: most of its values are shaped like generated places, or are
        # towns DataGen draws whose names are no person's (Springfield, not Madison).
        # A term of a closed vocabulary (a car make, a language: Ford, English) reads as that
        # term even when it is also a name, in a column of such terms.
        named = pl.col("_entities").list.contains(PERSON)
        frame = frame.with_columns(_place_shaped(locale).alias("_shaped"), _known_place())
        frame = frame.with_columns(
            (pl.col("_shaped") | pl.col("_known") | pl.col("_term")).alias("_place")
        )
        unambiguous = frame.select(
            (pl.col("_shaped") | pl.col("_term") | pl.col("_known") & ~named).sum()
        ).item()
        place_column = unambiguous * 2 >= frame.height
    else:
        frame = frame.with_columns(pl.lit(False).alias("_place"))
    names_only = pl.col("_entities") == pl.lit([PERSON], pl.List(pl.String))
    if installed_ner_model():
        names_only = pl.lit(False)  # every name goes through the NER model's engine
    ranked = (
        frame.filter(pl.col("_entities").list.len() > 0)
        .with_columns(pl.len().over(pl.col("_entities").list.join(",")).alias("_shared"))
        .sort(["_shared", COUNT, "_h", VALUE], descending=[False, True, False, False])
        .head(max_distinct)
    )
    candidates = pl.concat(
        [
            ranked.filter(names_only),
            ranked.filter(~names_only).head(max_distinct if max_calls is None else max_calls),
        ]
    )
    analysed_values = frame.height - int((frame["_entities"].list.len() > 0).sum())
    analysed_values += candidates.height
    entity_rows: Counter[str] = Counter()
    entity_values: Counter[str] = Counter()
    calls = 0
    for value, count, types, place, term in candidates.select(
        VALUE, COUNT, "_entities", "_place", "_term"
    ).iter_rows():
        if term and term_column:
            continue  # a term of DataGen's vocabularies, in a column of them
        found = set(_analyse(value, tuple(types), locale, score_threshold))
        calls += types != [PERSON] or installed_ner_model() is not None
        if place and place_column:
            found.discard(PERSON)  # a town named after someone, in a column of places
        for entity in found:
            entity_rows[entity] += count
            entity_values[entity] += 1
    skipped = frame.filter(pl.col("_entities").list.len() > 0).join(
        candidates.select(VALUE), on=VALUE, how="anti"
    )
    return Detection(
        rows=rows,
        distinct=distinct,
        rows_analysed=rows - int(skipped[COUNT].sum() or 0),
        distinct_analysed=analysed_values,
        presidio_calls=calls,
        entity_rows=dict(sorted(entity_rows.items())),
        entity_values=dict(sorted(entity_values.items())),
    )


@lru_cache(maxsize=100_000)
def _analyse(
    value: str, entities: tuple[str, ...], locale: str, score_threshold: float
) -> frozenset[str]:
    """The entity types found in one value, remembered for the process: the same states,
    cities and statuses recur in table after table. A value whose only candidate is PERSON goes
    straight to the name recognizer (the only PERSON recognizer without an NER model; it has
    no context words, so Presidio's engine would only filter its results by score, as here),
    skipping the NLP pipeline Presidio runs first."""
    if entities == (PERSON,) and not installed_ner_model():
        results = name_recognizer(locale).analyze(value, [PERSON])
        results = [r for r in results if r.score >= score_threshold]
    else:
        results = analyzer(locale).analyze(
            value, language=LANGUAGE, entities=list(entities), score_threshold=score_threshold
        )
    found = frozenset(
        r.entity_type for r in results if not _inside_code(value, r.entity_type, r.start)
    )
    return found


def _known_place(kind: str = "places", alias: str = "_known") -> pl.Expr:
    """Whether a value is, as a whole (see `analyzer.place_key`), a place DataGen draws
    (`reference_places`), or with kind "terms" a term of its closed vocabularies."""
    whole = pl.col(VALUE).str.strip_chars().str.replace_all(r"\s+", " ").str.to_lowercase()
    key = whole.str.replace(r"[\s_#-]*\d+$", "")
    known = _reference_series(kind).implode()
    return (key.is_in(known) | whole.is_in(known)).alias(alias)  # `8080` is a term itself


@lru_cache(maxsize=2)
def _reference_series(kind: str) -> pl.Series:
    """`reference_places()` ("places") or `reference_terms()` ("terms") as one sorted Series,
    built once (tens of thousands of strings: a tenth of a second or more each time a column
    of names was scanned)."""
    known = reference_places() if kind == "places" else reference_terms()
    return pl.Series(sorted(known), dtype=pl.String)


@lru_cache(maxsize=1)
def reference_places() -> frozenset[str]:
    """The places DataGen's address meanings draw from (US cities and counties of the ZIP
    table, world cities, countries and their subdivisions), case-folded. Built only when a
    value first reads as a person's name: loading them takes seconds, and the generator of
    addresses (`generate.meanings.reference`) has usually loaded them already. A town named
    like a person (Madison) is no person only in a column of places (see `detect_in_distinct`)."""
    places: set[str] = set()
    try:
        import pycountry

        from datagen_assets.generate.meanings import reference

        for z in reference._zip_rows():
            places.update((z["city"].title(), z["county"]))
        for cities in reference._cities().values():
            places.update(c["name"] for c in cities)
        places.update(s.name for s in pycountry.subdivisions)
        for country in pycountry.countries:
            places.update(
                getattr(country, attribute, None) or ""
                for attribute in ("name", "common_name", "official_name")
            )
    except (ImportError, AttributeError, KeyError):  # a vocabulary gone: the rest still holds
        pass
    return frozenset(p.casefold() for p in places if p)


@lru_cache(maxsize=1)
def reference_terms() -> frozenset[str]:
    """The values of DataGen's closed vocabularies, case-folded: those written out as lists
    (car makes, language names, statuses, genres, composed titles), not those drawn from a
    Faker pool, which hold people's names (first and last names, companies named after
    people, artists). A brand or a language named like a person (Ford, English) is no person
    in a column of such terms, as a town is none in a column of places (`detect_in_distinct`);
    a name planted among them is a value of no vocabulary, and still counts."""
    from datagen_assets.generate.meanings import vocabularies  # noqa: F401 - registers them
    from datagen_assets.generate.meanings.values import (
        VOCABULARIES,
        _vocabulary,
        reference_versions,
    )

    references = set(reference_versions())
    terms: set[str] = set()
    for name in VOCABULARIES:
        try:
            values, pools = _vocabulary(name, DEFAULT_LOCALE, 0)
        except (ValueError, ImportError, KeyError):  # a vocabulary gone: the rest still holds
            continue
        if not set(pools) - references:  # drew no Faker pool: a closed list of terms
            terms.update(v.casefold() for v in values)
    return frozenset(terms)


_CODE_PREFIX = re.compile(r"[A-Za-z]+[-_/#]?$")
# Header fields whose value is an identifier written as an address (RFC 5322 Message-ID,
# RFC 5545 UID: `UID:19970610T172345Z-AF23B2@example.com`): unique names, not mailboxes.
_IDENTIFIER_FIELD = re.compile(
    r"(?:^|[\r\n])(?:UID|Message-ID|Content-ID|In-Reply-To|References)[ \t]*[:=][ \t]*<?$", re.I
)
_VERSION_PREFIX = re.compile(r"(?:[A-Za-z][\w.\-]*/|\brv:|[A-Za-z][-_ ]?v)$")


def _inside_code(value: str, entity: str, start: int) -> bool:
    """Digits glued to a letter prefix (`SKU-80582694`, `INV2024001`) are an identifier, not
    a phone number: the phone recognizer would flag every long product or invoice code. A
    dotted number after a product name and a slash (`Chrome/27.0.849.0`), `rv:` or a `v` is a
    software version, not an IP address (`http://10.0.0.1` still is one). An address after
    `UID:` or `Message-ID:` identifies an event or a message, not a mailbox."""
    if entity == "IP_ADDRESS":
        return _VERSION_PREFIX.search(value[:start]) is not None
    if entity == "EMAIL_ADDRESS":
        return _IDENTIFIER_FIELD.search(value[:start]) is not None
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
    tests.append(value.str.contains(r"^\d{1,6}[a-z]?\s+\p{L}"))  # `4039 Jennifer`: a street
    if vocabulary.trailing_words:
        tests.append(value.str.contains(rf"\s(?:{alternatives(vocabulary.trailing_words)})\.?$"))
    return pl.any_horizontal(tests).fill_null(False)


# ---------------------------------------------------------------------------- pre-filter


def _candidates(
    locale: str,
    score_threshold: float = DEFAULT_SCORE_THRESHOLD,
    entities: frozenset[str] | None = None,
) -> pl.Expr:
    """Per value, the list of entity types whose recognizer could match it (of `entities`,
    or of every supported type)."""
    value = pl.col(VALUE)
    digits = value.str.count_matches(r"\d")
    if score_threshold > WEAK_NAME_SCORE:
        # A name scores above a weak hit only when a capitalised (or uncased) word of it is
        # a name that is not also an everyday word; "will", "May" or "Long" alone never do.
        words, tokens = r"\b[\p{Lu}\p{Lt}\p{Lo}]\p{L}{2,}", _name_tokens(locale, strong=True)
    else:
        words, tokens = r"\p{L}{3,}", _name_tokens(locale)
    identifier = value.str.contains(UUID)  # a UUID is a key, never a phone or a card
    tests: dict[str, pl.Expr] = {
        "EMAIL_ADDRESS": value.str.contains("@", literal=True),
        "URL": value.str.contains(r"\.\w|://"),
        "PHONE_NUMBER": digits >= 5,
        "CREDIT_CARD": digits >= 12,
        "IBAN_CODE": digits >= 8,
        "US_SSN": digits >= 9,
        # a dotted quad, or the two colons any IPv6 text form has
        "IP_ADDRESS": value.str.contains(r"\d\.\d{1,3}\.\d{1,3}\.\d|:[0-9A-Fa-f.]*:"),
        "DATE_TIME": digits >= 1,
        "CRYPTO": value.str.contains(r"[0-9A-Za-z]{25,}"),
        "MAC_ADDRESS": value.str.contains(r"[0-9A-Fa-f]{2}[:\-.][0-9A-Fa-f]{2}"),
        "MEDICAL_LICENSE": digits >= 7,
        # words of 3+ letters: "JO" or "AL" in a code are not names
        PERSON: value.str.extract_all(words)
        .list.eval(pl.element().str.to_lowercase().is_in(tokens.implode()))
        .list.any(),
    }
    supported = analyzer(locale).get_supported_entities(LANGUAGE)
    if entities is not None:
        supported = [e for e in supported if e in entities]
        tests = {e: t for e, t in tests.items() if e in entities}
    if installed_ner_model():  # a statistical model can find names no dictionary holds
        tests = {e: t for e, t in tests.items() if e not in NER_ENTITIES}
    always = [e for e in sorted(supported) if e not in tests]
    tests = {e: t if e == PERSON else t & ~identifier for e, t in tests.items()}
    lists = [
        pl.when(test.fill_null(False))
        .then(pl.lit([entity]))
        .otherwise(pl.lit([], pl.List(pl.String)))
        for entity, test in tests.items()
        if entity in supported
    ]
    return pl.concat_list([*lists, pl.lit(always, pl.List(pl.String))])


@lru_cache(maxsize=16)
def _name_tokens(locale: str, strong: bool = False) -> pl.Series:
    """Letter runs of every name (`Jean-Luc` -> `jean`, `luc`), lower-cased and case-folded:
    any name token the recognizer can match contains one, so the pre-filter is a superset.
    `strong`: only of names that are not also everyday words (see `NamePoolRecognizer`)."""
    first, last = name_lists(locale)
    names = first | last
    if strong:
        common = name_recognizer(locale).common_words
        names = {n for n in names if n.casefold() not in common}
    pieces = {p for name in names for p in re.findall(r"[^\W\d_]+", name)}
    return pl.Series(
        sorted({f for p in pieces for f in (p.lower(), p.casefold())}), dtype=pl.String
    )

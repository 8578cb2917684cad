"""Detection: which meaning a column has, read as a person reads a schema, with the evidence.

Every meaning of the catalog that accepts the column's type is scored, not the first that
matches: the column's words (abbreviations expanded, `billing_postal_cd` -> billing postal
code) against the meaning's name pattern, whole or as a suffix (`billing city` is a city of
the billing address), or without a generic tail (`state_name` is a state); the table's words
(singular: `name` in `genres` is a genre, in `clinics` a clinic's name); the length of the
type (a `char(2)` country is a code); neighbouring columns (`state` beside `city` and `zip`
is a region, elsewhere a status); the column's comment. Then, for the winner:

- columns of one entity (a person, an address, a company) with the same prefix are drawn
  together from one reference row (`values.EntityField`), so they agree;
- an instant that follows another one of the row (`updated_at` after `created_at`,
  `ends_at` after `starts_at`, `to_date` after `from_date`) is made from it (`Offset`);
- enums and closed domains get realistic skewed weights.

`detect(column, table)` gives the generator; `explain(column, table)` the whole `Detection`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import ClassVar

import polars as pl

from datagen_assets.generate.generators import ByType, Choice, Generator, register
from datagen_assets.generate.meanings.catalog import FAMILIES, MEANINGS, Meaning
from datagen_assets.generate.meanings.tokens import table_tokens, tokens
from datagen_assets.generate.meanings.values import (
    BytesByMeaning,
    EntityField,
    JsonByMeaning,
    code_of,
)
from datagen_assets.generate.ordering import offset_after
from datagen_assets.schema.model import Column, ColumnType, Table, TypeKind

THRESHOLD = 6.0
# words after a column's meaning that do not change it (`state_name`, `name_ci` - a
# case-insensitive copy, `title_str`)
GENERIC_TAIL = frozenset(
    {"name", "value", "text", "string", "str", "label", "txt", "desc", "ci", "lower", "norm"}
)
# words that alone say little: a meaning claiming only them after a qualifier (`first name`
# ends in `name`) by the table it is in scores less than one naming the qualifier
GENERIC_WORDS = frozenset(
    {
        "name",
        "title",
        "code",
        "type",
        "status",
        "id",
        "number",
        "date",
        "time",
        "value",
        "label",
        "description",
        "text",
        "key",
        "kind",
        "state",
        "data",
        "info",
        "count",
        "total",
        "amount",
        "duration",
        "length",
    }
)


# short leading words that are words, not a table's prefix letters (`l_`, `c_`, `ol_`)
KEPT_SHORT = frozenset(
    "id ip os tz no is of on at to by e x y z mi ui ux db fk pk ok up gl vm".split()
)


@dataclass(frozen=True)
class Detection:
    """The meaning chosen for a column, why, and the generator it gives."""

    meaning: str | None
    score: float
    evidence: tuple[str, ...]
    generator: Generator
    alternatives: tuple[tuple[str, float], ...] = field(default=())

    @property
    def label(self) -> str:
        return self.meaning or "by type"


def detect(column: Column, table: Table) -> Generator:
    """The generator for a column no config override names."""
    return explain(column, table).generator


@lru_cache(maxsize=32768)
def explain(column: Column, table: Table) -> Detection:
    """The meaning of a column with its evidence (kept per column: detection is pure)."""
    kind = column.type.kind
    if column.type.array:
        return Detection(None, 0, ("array type: elements drawn by type",), ByType())
    if kind == TypeKind.ENUM:
        values = column.type.enum_values
        gender = _gender_domain(column, values)
        if gender is not None:
            return gender
        weights = domain_weights(values, column)
        return Detection(
            "enum",
            10,
            (f"enum type ({len(values)} values), skewed weights",),
            Choice(values, weights),
        )
    rules = table.check_rules if table.checks else None
    bound = rules.bounds.get(column.name) if rules else None
    if kind in FAMILIES["num"] | FAMILIES["when"] and (
        (bound is not None and bound.low is not None and bound.high is not None)
        or (rules is not None and column.name in rules.intervals)
    ):  # CHECK (level BETWEEN 1 AND 5) says more than the name: drawn over its range
        return Detection("check_range", 10, ("a CHECK range bounds it on both sides",), ByType())
    as_text = column
    if kind == TypeKind.JSON:  # a JSON `city` holds a city (by language): read it as text
        as_text = replace(column, type=ColumnType(TypeKind.TEXT, "text"))
    scored = _scores(as_text, table)
    best = scored[0] if scored and scored[0][0] >= THRESHOLD else None
    alternatives = tuple((m.name, round(s, 1)) for s, m, _, _ in scored[1:4])
    if kind == TypeKind.JSON:
        return _json(column, table, best)
    if kind == TypeKind.BYTES and (
        best is None or best[1].domain != "security" or _octet_length(column, table)
    ):
        return _bytes(column, table)
    if kind in FAMILIES["text"] and column.type.length == 1:
        flag = _literal_flag(column, table)
        if flag is not None and (best is None or best[1].domain != "flags"):
            return flag
    if best is None and kind in FAMILIES["when"]:  # no meaning, yet an order (`loader_stop`)
        follows = offset_after(column, table)
        if follows is not None:
            return Detection(
                None,
                scored[0][0] if scored else 0,
                (f"after {follows.column} of the same row (implied order)",),
                follows,
                alternatives,
            )
    if best is None:
        return Detection(
            None,
            scored[0][0] if scored else 0,
            ("no meaning scored high enough",),
            ByType(),
            alternatives,
        )
    score, meaning, evidence, group = best
    evidence = list(evidence)
    if (
        kind in FAMILIES["when"]
        or kind in FAMILIES["int"]
        and meaning.name == "epoch_seconds"
        or meaning.name == "instant_text"
    ):
        follows = offset_after(column, table)
        if follows is not None and meaning.name == "instant_text":
            partner = next(c for c in table.columns if c.name == follows.column)
            if explain(partner, table).meaning != "instant_text":
                follows = None  # a text it cannot read as an instant
        if follows is not None:
            evidence.append(f"after {follows.column} of the same row (implied order)")
            return Detection(meaning.name, score, tuple(evidence), follows, alternatives)
    generator = None
    if meaning.entity is not None:
        kin = _kin(column, table, meaning, group)
        if kin:
            entity, fieldname = meaning.entity
            evidence.append(f"drawn with {', '.join(kin)} as one {entity}")
            generator = _entity_generator(column, table, meaning, group)
    if generator is None:
        generator = meaning.make(column, table)
    generator = _fitting_choice(generator, column)
    return Detection(meaning.name, round(score, 1), tuple(evidence), generator, alternatives)


def _fitting_choice(generator: Generator, column: Column) -> Generator:
    """A meaning's fixed words in a column too narrow for some: those that fit, or, when
    none does, their codes (`APP`, `PEN`), never words cut mid-way (`appro`, `pendi`)."""
    length = column.type.length if column.type.kind in FAMILIES["text"] else None
    values = getattr(generator, "values", None)
    if not isinstance(generator, Choice) or not length or not values:
        return generator
    if not all(isinstance(v, str) for v in values) or all(len(v) <= length for v in values):
        return generator
    weights = generator.weights or (1.0,) * len(values)
    fits = [(v, w) for v, w in zip(values, weights, strict=True) if len(v) <= length]
    if not fits:
        fits = [(code_of(v, length), w) for v, w in zip(values, weights, strict=True)]
    merged: dict[str, float] = {}
    for value, weight in fits:
        merged[value] = merged.get(value, 0.0) + weight
    return Choice(tuple(merged), tuple(merged.values()))


# fields only a home-country address has: without any of them beside a city and a
# country, the table is international (airports, offices) and draws places of the world
LOCAL_ADDRESS_FIELDS = frozenset({"state", "state_code", "postal_code", "district", "street"})


def _entity_generator(column: Column, table: Table, meaning: Meaning, group: str) -> Generator:
    entity, fieldname = meaning.entity
    made = meaning.make(column, table)
    if entity == "address" and _international(table, group):
        entity = "world_address"
        if isinstance(made, EntityField):
            made = EntityField(entity, made.field, group, made.joiner)
    if isinstance(made, EntityField):  # the meaning picks the field (gender code, state code)
        return EntityField(entity if made.entity == "address" else made.entity, made.field,
                           group, made.joiner)  # fmt: skip
    if (
        entity == "person"
        and fieldname == "email"
        and any(column.name in k for k in table.unique_keys)
    ):
        return made  # a unique e-mail keeps its own distinct-token construction
    if entity == "address" and fieldname in ("country", "country_code"):
        length = column.type.length
        if fieldname == "country" and length is not None and length <= 3:
            fieldname = "country_code" if length == 2 else "country_code3"
        elif fieldname == "country_code" and length is not None and length >= 3:
            fieldname = "country_code3" if length == 3 else "country_code"
    return EntityField(entity, fieldname, group)


def _international(table: Table, group: str) -> bool:
    """An address of the table with a country but none of the fields a home-country address
    has (state, postal code, street): its rows lie in many countries."""
    fields = set()
    for other in table.columns:
        scored = _scores(other, table)
        if scored and scored[0][0] >= THRESHOLD and scored[0][3] == group:
            found = scored[0][1].entity
            if found and found[0] == "address":
                fields.add(found[1])
    has_country = bool(fields & {"country", "country_code", "country_code3"})
    return has_country and not fields & LOCAL_ADDRESS_FIELDS


# ---------------------------------------------------------------- scoring


def _words(column: Column) -> tuple[str, ...]:
    return tokens(column.name)


@lru_cache(maxsize=32768)
def _scores(column: Column, table: Table) -> list[tuple[float, Meaning, list[str], str]]:
    """(score, meaning, evidence, entity group) of each applicable meaning, best first (kept:
    a column's kin are scored once, not once per column that asks). Callers copy evidence."""
    words = _words(column)
    table_words = " ".join(table_tokens(table.name))
    neighbour_words = " ".join(
        " ".join(tokens(c.name)) for c in table.columns if c.name != column.name
    )
    comment = " ".join(tokens(column.comment)) if column.comment else ""
    results = []
    for meaning, (score, how, group) in _named(column.type.kind, words):
        evidence = [how]
        table_match = meaning.tables is not None and meaning.tables.search(table_words)
        if meaning.needs_table and not table_match:
            continue
        if table_match:
            score += 3
            evidence.append(f"table {table.name} ({table_match.group(0)})")
        length = column.type.length if column.type.kind in FAMILIES["text"] else None
        if meaning.lengths and length is not None:
            low, high = meaning.lengths
            if length < low:
                score -= 6
                evidence.append(f"length {length} < typical {low}")
            elif length <= max(high, 12):
                score += 1
                evidence.append(f"length {length} fits")
        if meaning.neighbours is not None:
            near = meaning.neighbours.search(neighbour_words)
            if near:
                score += 2
                evidence.append(f"beside a {near.group(0)} column")
        if (
            group
            and meaning.entity
            and meaning.entity[0] == "address"
            and _address_kin(table, column.name, group)
        ):  # `billing_state` beside `billing_city`: the billing address's state
            score += 3
            evidence.append(f"beside other {group} address columns")
        if comment and meaning.names.search(comment):
            score += 2
            evidence.append("comment agrees")
        score += meaning.prior
        results.append((score, meaning, evidence, group))
    results.sort(key=lambda r: -r[0])
    return results


@lru_cache(maxsize=64)
def _candidates(kind: TypeKind) -> tuple[Meaning, ...]:
    return tuple(m for m in MEANINGS.values() if kind in m.kinds)


@lru_cache(maxsize=32768)
def _named(kind: TypeKind, words: tuple[str, ...]) -> tuple[tuple[Meaning, tuple], ...]:
    """The meanings of a type that the words name, with their `_name_score`: the same names
    (`id`, `name`, `created_at`) recur in table after table, and scoring every meaning's
    pattern against a name was most of the time definitions take to load."""
    text = " ".join(words)
    named = (
        (meaning, _name_score(meaning, words))
        for meaning in _candidates(kind)
        if meaning.unless is None or not meaning.unless.search(text)
    )
    return tuple((meaning, found) for meaning, found in named if found is not None)


def _name_score(meaning: Meaning, words: tuple[str, ...]) -> tuple[float, str, str] | None:
    """How well the column's words name the meaning: (score, evidence, entity prefix)."""
    best = None
    variants = [(words, 0.0)]
    if len(words) > 1 and words[-1] in GENERIC_TAIL:
        variants.append((words[:-1], 1.5))  # state_name -> state
    if len(words) > 1 and words[-1].isdigit():
        variants.append((words[:-1], 0.5))  # icon64, address2 -> icon, address
    if len(words) > 1 and words[-1] in ("id", "key", "no", "number") and words[-2] != "id":
        variants.append((words[:-1], 2.0))  # posttypeid -> post type
    if len(words) > 1 and len(words[0]) <= 2 and words[0].isalpha() and words[0] not in KEPT_SHORT:
        variants.append((words[1:], 0.3))  # TPC-style table prefixes: l_shipinstruct, c_first
    for variant, cost in variants:
        for start in range(len(variant)):
            text = " ".join(variant[start:])
            if meaning.names.fullmatch(text):
                score = (10.0 if start == 0 else 8.5 - 0.3 * start) - cost
                if start and meaning.tables is not None and set(variant[start:]) <= GENERIC_WORDS:
                    score -= 4
                how = f"name '{' '.join(words)}'" + (
                    f" ends with '{text}'" if start or cost else " matches"
                )
                group = " ".join(variant[:start])
                if best is None or score > best[0]:
                    best = (score, how, group)
                break
    return best


ADDRESS_WORDS = frozenset({"city", "zip", "postal", "postcode", "street", "address", "country"})


@lru_cache(maxsize=32768)
def _address_kin(table: Table, name: str, group: str) -> bool:
    """Whether another column of the table names a part of the `group` address."""
    prefix = tuple(group.split())
    for other in table.columns:
        words = tokens(other.name)
        if other.name != name and words[: len(prefix)] == prefix and ADDRESS_WORDS & set(words):
            return True
    return False


def _kin(column: Column, table: Table, meaning: Meaning, group: str) -> list[str]:
    """Other columns of the table describing the same entity with the same prefix."""
    kin = []
    for other in table.columns:
        if other.name == column.name or other.type.array:
            continue
        scored = _scores(other, table)
        if not scored or scored[0][0] < THRESHOLD:
            continue
        _, theirs, _, their_group = scored[0]
        if theirs.entity and theirs.entity[0] == meaning.entity[0] and their_group == group:
            kin.append(other.name)
    return kin


# ---------------------------------------------------------------- domains, JSON, bytes

# how common a value of a closed domain typically is (unknown values: by declared order)
FREQUENT = {
    "active": 8,
    "enabled": 8,
    "completed": 7,
    "complete": 7,
    "delivered": 7,
    "paid": 7,
    "approved": 6,
    "success": 8,
    "succeeded": 8,
    "ok": 8,
    "published": 6,
    "open": 5,
    "done": 6,
    "closed": 5,
    "confirmed": 6,
    "shipped": 4,
    "accepted": 5,
    "valid": 8,
    "yes": 6,
    "y": 6,
    "true": 6,
    "normal": 6,
    "medium": 5,
    "default": 6,
    "standard": 6,
    "public": 5,
    "none": 5,
    "info": 6,
    "economy": 7,
    "user": 8,
    "member": 7,
    "visible": 7,
    "pending": 3,
    "processing": 2,
    "draft": 2,
    "new": 3,
    "in_progress": 3,
    "running": 2,
    "queued": 2,
    "waiting": 2,
    "scheduled": 2,
    "review": 2,
    "low": 3,
    "high": 2,
    "inactive": 1.5,
    "disabled": 1.2,
    "cancelled": 1,
    "canceled": 1,
    "failed": 0.8,
    "failure": 0.8,
    "error": 0.7,
    "rejected": 0.8,
    "refunded": 0.5,
    "returned": 0.5,
    "deleted": 0.4,
    "suspended": 0.5,
    "expired": 0.8,
    "blocked": 0.4,
    "banned": 0.3,
    "archived": 1,
    "urgent": 0.6,
    "critical": 0.4,
    "fatal": 0.2,
    "admin": 0.6,
    "no": 3,
    "n": 3,
    "false": 3,
    "unknown": 0.5,
    "other": 0.8,
    "test": 0.3,
    "business": 2,
    "first": 0.6,
    "comfort": 1.5,
}


def domain_weights(values: tuple, column: Column) -> tuple[float, ...]:
    """Realistic relative frequencies for a closed set of values (an enum, a CHECK IN list):
    known status words by how common they are, the DEFAULT value more often, the others by
    declared order (the first ones usually the common cases)."""
    default = (column.default or "").split("::")[0].strip().strip("'\"").lower()
    weights = []
    for position, value in enumerate(values):
        text = str(value).strip().lower().replace(" ", "_")
        weight = FREQUENT.get(text, 4.0 / (1 + position) ** 0.6)
        if default and text == default.replace(" ", "_"):
            weight *= 2.5
        weights.append(round(weight, 3))
    return tuple(weights)


def _literal_flag(column: Column, table: Table) -> Detection | None:
    """A one-character column whose CHECK or DEFAULT names a flag pair ('1'/'0', 'Y'/'N')."""
    said = set()
    for check in (*table.checks, *column.domain_checks):
        if column.name in check.columns:
            said |= {v.upper() for v in re.findall(r"'([^']*)'", check.sql)}
    for pair in (("1", "0"), ("Y", "N"), ("T", "F")):
        if set(pair) <= said:
            default = (column.default or "").strip("()'\" ").upper()
            weights = (3.0, 1.0) if default == pair[0] else (1.0, 3.0)
            return Detection("flag", 9, (f"a CHECK allows {pair[0]!r}/{pair[1]!r}",),
                             Choice(pair, weights))  # fmt: skip
    return None


def _octet_length(column: Column, table: Table) -> int | None:
    """N of a CHECK (octet_length(c) = N) or (length(c) = N) on a binary column."""
    for check in (*table.checks, *column.domain_checks):
        if column.name in check.columns or check in column.domain_checks:
            found = re.search(
                rf'(?:octet_length|length)\(\s*"?(?:{re.escape(column.name)}|value)"?\s*\)'
                r"\s*=\s*(\d+)",
                check.sql, re.IGNORECASE)  # fmt: skip
            if found:
                return int(found.group(1))
    return None


def _gender_domain(column: Column, values: tuple) -> Detection | None:
    """An enum or IN list of exactly the two sexes (`'M','F'`, `'male','female'`) beside
    a person's names takes the person's gender, so Philip is M."""
    if "gender" not in _words(column):
        return None
    for fieldname, pair in (("gender_code", {"M", "F"}), ("gender", {"male", "female"})):
        if set(values) == pair:
            return Detection(
                "gender",
                10,
                (f"{column.name} in {sorted(pair)}: the person's sex",),
                EntityField("person", fieldname),
            )
    return None


def _json(column: Column, table: Table, best) -> Detection:
    default = (column.default or "").split("::")[0].strip().strip("'")
    words = " ".join(_words(column))
    if default.startswith("["):
        return Detection(
            "json_array",
            10,
            (f"DEFAULT {column.default}: an array",),
            JsonByMeaning("array", _tag_vocabulary(words)),
        )
    if re.search(
        r"\b(tags|labels|categories|keywords|roles|permissions|scopes|list|items|ids)\b", words
    ):
        return Detection(
            "json_array",
            9,
            (f"name '{words}' names a list",),
            JsonByMeaning("array", _tag_vocabulary(words)),
        )
    if re.search(r"\b(settings|preferences|prefs|config|options|configuration)\b", words):
        return Detection(
            "json_settings", 9, (f"name '{words}': settings",), JsonByMeaning("settings")
        )
    if best is not None and best[1].domain in ("geo", "org", "media", "commerce", "people"):
        from datagen_assets.generate.meanings.values import Vocabulary

        made = best[1].make(column, table)
        vocab = made.vocabulary if isinstance(made, Vocabulary) else _field_vocabulary(made)
        if vocab:
            return Detection(
                f"{best[1].name}_translations",
                best[0],
                (*best[2], "JSON: the value by language"),
                JsonByMeaning("translations", vocab),
            )
    return Detection(
        "json_metadata", 5, ("JSON: an object of metadata",), JsonByMeaning("metadata")
    )


def _field_vocabulary(made: Generator) -> str | None:
    if isinstance(made, EntityField):
        return {
            "city": "city",
            "state": "state",
            "country": "country",
            "full_name": "full_name",
            "company": "company",
        }.get(made.field)
    return None


def _tag_vocabulary(words: str) -> str:
    if "role" in words:
        return "role"
    if "permission" in words or "scope" in words:
        return "permission"
    return "tag"


def _bytes(column: Column, table: Table) -> Detection:
    words = " ".join(_words(column))
    size = _octet_length(column, table)
    if size is not None:
        return Detection("digest_bytes", 9, (f"a CHECK says {size} bytes",),
                         BytesByMeaning("random", size))  # fmt: skip
    if re.search(r"\b(id|uid|key|hash|checksum|digest|sha1|fingerprint)$", words):
        return Detection("digest_bytes", 8, (f"name '{words}': an id or digest (SHA-1 size)",),
                         BytesByMeaning("random", 20))  # fmt: skip
    if re.search(
        r"image|photo|picture|avatar|thumbnail|logo|icon|cover|banner|png|jpe?g|gif", words
    ):
        return Detection("image_bytes", 9, (f"name '{words}': an image",), BytesByMeaning("image"))
    if re.search(r"pdf|document|attachment|file|scan|invoice|report|receipt", words):
        return Detection("file_bytes", 7, (f"name '{words}': a file",), BytesByMeaning("pdf"))
    if re.search(r"\b(out|output|std err|std error|stderr|std out|stdout|log|console)\b", words):
        return Detection("output_bytes", 7, (f"name '{words}': a command's output",),
                         BytesByMeaning("output"))  # fmt: skip
    if re.search(
        r"content|blob|data|body|payload|context|state|memo|message|event|request|response"
        r"|object|value|info|details|attributes|properties|parameters|params|settings",
        words,
    ):
        return Detection("serialized_bytes", 7, (f"name '{words}': a serialized object",),
                         BytesByMeaning("document"))  # fmt: skip
    return Detection("random_bytes", 3, ("binary: random bytes",), BytesByMeaning("random", 16))


# ---------------------------------------------------------------- naming a meaning in config


@register
@dataclass(frozen=True)
class MeaningByName(Generator):
    """The generator of a meaning of the catalog, named (`meaning: city`,
    `meaning: card_number`): what detection would give a column of that meaning, for a
    column whose name does not say it. `datagen explain` lists the meanings."""

    name: ClassVar[str] = "meaning"
    unique_capable: ClassVar[bool] = True
    meaning: str = ""

    def __post_init__(self) -> None:
        if self.meaning not in MEANINGS:
            close = difflib.get_close_matches(self.meaning, list(MEANINGS), n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ValueError(f"unknown meaning {self.meaning!r}{hint}")

    def resolve(self, column: Column, table: Table) -> Generator:
        return MEANINGS[self.meaning].make(column, table)

    def generate(self, draw) -> pl.Series:
        return self.resolve(draw.column, draw.table).generate(draw)

    def unique_capacity(self, column: Column, folded: bool) -> int | None:
        generator = self.resolve(column, Table(name="", columns=(column,)))
        if not generator.unique_capable:
            raise ValueError(f"meaning {self.meaning} cannot make distinct values")
        return generator.unique_capacity(column, folded)

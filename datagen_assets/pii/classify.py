"""PII classification of columns: from name, type and comment, and (optionally) from values.

Every column gets one category, decided when a schema is imported:

- `direct`: identifies a person on its own (name, e-mail, phone, national id, card, IBAN, street
  address, IP address, user name, ...);
- `quasi`: identifies in combination (birth date, postcode, city, country, gender, age, job);
- `sensitive`: special-category or financial data (health, religion, ethnicity, sexual
  orientation, politics, biometrics, criminal records, salary);
- `none`: everything else (keys, prices, product data, timestamps of events, ...).

The rules are one table, scanned top to bottom with the first match winning, like the semantic
rules of `generate.semantic`; a column's comment can raise the category (a `notes` column
commented "diagnosis" is sensitive), never lower it. A dataset config overrides any column.

Country and country codes of people (and of addresses) are `quasi`: on their own they single
out nobody, but next to a birth date and a city they narrow a person down, and a PII tool
should err on the side of caution. Override with `pii: none` where the country is needed in
clear. A product's country of origin is `none`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from datagen_assets.schema.model import (
    Column,
    Problem,
    Schema,
    SchemaError,
    Table,
    TypeKind,
    snake_case,
)

NONE = "none"
DIRECT = "direct"
QUASI = "quasi"
SENSITIVE = "sensitive"
CATEGORIES = (NONE, DIRECT, QUASI, SENSITIVE)
SEVERITY = {NONE: 0, QUASI: 1, SENSITIVE: 2, DIRECT: 3}

# How `masked` mode hides a value (see `pii.modes`); `auto` decides from the value itself.
EMAIL, PHONE, NAME, DIGITS, IP, TEXT, AUTO = (
    "email",
    "phone",
    "name",
    "digits",
    "ip",
    "text",
    "auto",
)

PEOPLE = (
    r"(customer|client|user|person|people|employee|staff|member|contact|author|patient|"
    r"student|account|passenger|driver|artist|owner|manager|worker|guest|applicant|candidate|"
    r"subscriber|resident|citizen|donor|beneficiar|holder|tenant|buyer|seller|traveller)"
)
PEOPLE_OR_ADDRESSES = PEOPLE[:-1] + r"|address|residence|household)"


@dataclass(frozen=True)
class Rule:
    column: str  # regex, full match on the lower-cased column name
    category: str
    style: str = AUTO
    table: str | None = None  # regex searched in the lower-cased table name
    kinds: frozenset[TypeKind] | None = None  # None: any type

    def matches(self, column: Column, table: Table | None) -> bool:
        return (
            (self.kinds is None or column.type.kind in self.kinds)
            and re.fullmatch(self.column, snake_case(column.name)) is not None
            and (
                self.table is None
                or (table is not None and re.search(self.table, table.name.lower()) is not None)
            )
        )


TEXTUAL = frozenset({TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR, TypeKind.UNKNOWN})
NUMBERS = frozenset({TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT, TypeKind.NUMERIC,
                     TypeKind.REAL, TypeKind.DOUBLE, TypeKind.MONEY})  # fmt: skip
CODES = TEXTUAL | NUMBERS  # identifiers stored as text or as numbers
ANY = frozenset(TypeKind) - {TypeKind.BOOLEAN}  # a flag is never the data itself
ADDRESS = r"(billing|shipping|delivery|mailing|postal|home|residential)_(address_)?"
P = r"(\w+_)?"  # an optional prefix word: `cst_ph_no`, `home_city`, never `capacity`
ID = r"(_?(no|nr|num|number|id|code))?"
NATIONAL_ID = "|".join(f"{k}{ID}" for k in (
    "ssn", "social_?security", "national_?id", "nino", "tax_?id", "passport",
    "driver_?s?_?licen[cs]e", "id_?card", "nhs", "medicare", "insurance_?number",
    "personnummer", "aadhaar"))  # fmt: skip

# fmt: off
RULES: tuple[Rule, ...] = (
    Rule(P + r"e_?mail(_?addr(ess)?)?", DIRECT, EMAIL, kinds=TEXTUAL),
    Rule(P + r"(ip|ipv4|ipv6)(_?addr(ess)?)?|" + P + r"(mac_?addr(ess)?|imei|device_?id)",
         DIRECT, IP, kinds=TEXTUAL | {TypeKind.INET}),
    Rule(P + r"(phone|mobile|fax|tel|telephone|cell|msisdn)" + ID + "|" + P + r"ph_?(no|nr|num)",
         DIRECT, PHONE, kinds=CODES),
    Rule(r"(first|given|fore|middle|last|family|sur|maiden|full|legal|display|birth)_?name"
         r"|surname|forename|[fl]_?name", DIRECT, NAME, kinds=TEXTUAL),
    Rule(PEOPLE + r"_?(full_?)?name", DIRECT, NAME, kinds=TEXTUAL),
    Rule(r"(full_?|contact_?)?name", DIRECT, NAME, table=PEOPLE, kinds=TEXTUAL),
    Rule(r"user_?name|login|handle|screen_?name|nick_?name|alias", DIRECT, NAME, kinds=TEXTUAL),
    Rule(r"\w+_by|(owner|assignee|reporter|author|approver|reviewer|agent|composer|artist"
         r"|singer|performer|musician|writer|director|actor)(_?name)?", DIRECT, NAME,
         kinds=TEXTUAL),  # who did it: a person's name or login
    Rule(P + f"({NATIONAL_ID})", DIRECT, DIGITS, kinds=CODES),
    Rule(P + f"(credit_?card{ID}|card_?(no|nr|num|number)|cc_?(no|num|number)|pan)", DIRECT,
         DIGITS, kinds=CODES),
    Rule(P + f"(iban|bank_?account{ID}|account_?(no|nr|num|number)|routing_?number)", DIRECT,
         DIGITS, kinds=CODES),
    Rule(P + r"(license_?plate|plate_?number|vin)", DIRECT, DIGITS, kinds=TEXTUAL),
    Rule(P + r"((street_?|home_?|postal_?|mailing_?|billing_?|shipping_?)?address(_?line)?_?\d?"
         r"|street(_?address)?|addr\d?)", DIRECT, TEXT, kinds=TEXTUAL),
    # A contact card or a person's contact details (e-mail, phone), as text or JSON.
    Rule(P + r"(v_?card|vcf)(_?(text|data))?|" + P + r"contacts?(_?(data|info|details))?",
         DIRECT, TEXT, kinds=TEXTUAL | {TypeKind.JSON}),
    # A web session's stored data: whose it is and from where (user id, IP address).
    Rule(r"sess|session_?data", QUASI, TEXT, kinds=TEXTUAL | {TypeKind.JSON}),
    Rule(P + r"(latitude|longitude|lat|lng|lon|geo_?location|coordinates|geom)", QUASI, TEXT,
         kinds=ANY),
    Rule(r"birth_?date|date_?of_?birth|dob|birthday|birth_?year|year_?of_?birth", QUASI,
         kinds=ANY),
    Rule(r"birth_?place|place_?of_?birth", QUASI, TEXT, kinds=TEXTUAL),
    Rule(r"age|age_?years|age_?group", QUASI, kinds=ANY),
    Rule(r"gender|sex", QUASI, TEXT, kinds=ANY),
    Rule(P + r"(postal_?code|post_?code|zip(_?code)?|postcode)", QUASI, TEXT, kinds=CODES),
    Rule(P + r"(city|town|municipality|county|district|suburb|neighbou?rhood)", QUASI, TEXT,
         kinds=TEXTUAL),
    # A billing or shipping address is a person's, whatever table holds it (an invoice).
    Rule(ADDRESS + r"(state|province|region|country(_?(code|iso|name))?)", QUASI, TEXT,
         kinds=TEXTUAL | {TypeKind.ENUM}),
    Rule(P + r"(state|province|region)", QUASI, TEXT, table=PEOPLE, kinds=TEXTUAL),
    Rule(P + r"country(_?(code|iso|name))?", QUASI, TEXT, table=PEOPLE_OR_ADDRESSES,
         kinds=TEXTUAL | {TypeKind.ENUM}),
    Rule(r"nationality|citizenship", QUASI, TEXT, kinds=TEXTUAL | {TypeKind.ENUM}),
    Rule(r"(job_?)?title|position|department", QUASI, TEXT, table=PEOPLE, kinds=TEXTUAL),
    Rule(r"job(_?title)?|occupation|profession|employer|marital_?status|education", QUASI, TEXT,
         kinds=TEXTUAL | {TypeKind.ENUM}),
    Rule(P + r"(health|medical|diagnos[ie]s|disease|illness|allerg(y|ies)|medication|prescription"
         r"|treatment|disabilit(y|ies)|blood_?type|icd(_?\d+)?|symptoms?|pregnan\w*|vaccin\w*"
         r"|bmi)(_\w+)?", SENSITIVE, TEXT, kinds=ANY),
    Rule(r"(weight|height)(_?(kg|cm|lbs?|in))?", SENSITIVE, TEXT, table=PEOPLE, kinds=ANY),
    Rule(P + r"(relig\w*|faith|belief|ethnic\w*|race|racial|sexual\w*|orientation|politic\w*"
         r"|party_?affiliation|trade_?union\w*|union_?member\w*)", SENSITIVE, TEXT, kinds=ANY),
    Rule(P + r"(biometric\w*|fingerprint|face_?id|retina|dna|genetic\w*)", SENSITIVE, TEXT,
         kinds=ANY),
    Rule(P + r"(criminal\w*|conviction|offen[cs]e|arrest\w*)", SENSITIVE, TEXT, kinds=ANY),
    Rule(P + r"(salary|wages?|income|compensation|pay_?rate|bonus|net_?worth|credit_?score)"
         r"(_\w+)?", SENSITIVE, kinds=ANY),
)
# fmt: on

# Comment keywords, searched (not full-matched) in the lower-cased comment.
COMMENT_RULES: tuple[tuple[str, str], ...] = (
    (
        r"health|medical|diagnos|religio|ethnic|sexual orientation|politic|biometric|genetic|"
        r"criminal|salary|income",
        SENSITIVE,
    ),
    (
        r"\bpii\b|personal(ly)? (data|identifiable)|e-?mail|phone|social security|passport|"
        r"home address|full name|national id",
        DIRECT,
    ),
    (r"date of birth|birth ?date|postcode|zip code|postal code|gender", QUASI),
)

TYPE_RULES: dict[TypeKind, tuple[str, str]] = {TypeKind.INET: (DIRECT, IP)}


@dataclass(frozen=True)
class PiiClass:
    """A column's category, the mask style `masked` mode uses, and why (for docs and UIs)."""

    category: str
    style: str = AUTO
    reason: str = "no rule matched"


def classify_column(column: Column, table: Table | None = None) -> PiiClass:
    """The category of one column from its name (in the context of its table), type and
    comment; the strongest of the three wins."""
    found = PiiClass(NONE)
    for rule in RULES:
        if rule.matches(column, table):
            found = PiiClass(rule.category, rule.style, f"column name matches {rule.column!r}")
            break
    if column.type.kind in TYPE_RULES:
        category, style = TYPE_RULES[column.type.kind]
        if SEVERITY[category] > SEVERITY[found.category]:
            found = PiiClass(category, style, f"type {column.type.kind.value}")
    comment = (column.comment or "").lower()
    for pattern, category in COMMENT_RULES:
        if (
            comment
            and re.search(pattern, comment)
            and SEVERITY[category] > SEVERITY[found.category]
        ):
            found = PiiClass(category, found.style, f"comment mentions {pattern!r}")
    return found


def classify_table(table: Table, overrides: Mapping[str, str] | None = None) -> dict[str, PiiClass]:
    """Every column of a table; `overrides` maps column name -> category."""
    result = {}
    for column in table.columns:
        found = classify_column(column, table)
        if overrides and column.name in overrides:
            found = PiiClass(overrides[column.name], found.style, "set in the dataset config")
        result[column.name] = found
    return result


def classify_schema(
    schema: Schema, overrides: Mapping[tuple[str, str], str] | None = None
) -> dict[tuple[str, str], PiiClass]:
    """Every column of a schema, keyed by (table key, column name). Overrides naming an
    unknown table, column or category raise one `SchemaError` listing them all."""
    overrides = dict(overrides or {})
    problems = override_problems(schema, overrides)
    if problems:
        raise SchemaError(problems)
    result = {}
    for key, table in schema.tables.items():
        table_overrides = {c: cat for (t, c), cat in overrides.items() if t == key}
        for name, found in classify_table(table, table_overrides).items():
            result[(key, name)] = found
    return result


def override_problems(
    schema: Schema, overrides: Mapping[tuple[str, str], str] | None
) -> list[Problem]:
    """What is wrong with a config's `pii:` overrides (unknown table, column or category),
    found without classifying anything."""
    problems = []
    for (table_key, column_name), category in (overrides or {}).items():
        table = schema.tables.get(table_key)
        if table is None:
            problems.append(Problem("no such table (pii override)", table=table_key))
        elif column_name not in table.column_names:
            problems.append(
                Problem("no such column (pii override)", table=table_key, column=column_name)
            )
        if category not in CATEGORIES:
            problems.append(
                Problem(
                    f"unknown pii category {category!r} (allowed: {', '.join(CATEGORIES)})",
                    table=table_key,
                    column=column_name,
                )
            )
    return problems


def categories(
    schema: Schema, overrides: Mapping[tuple[str, str], str] | None = None
) -> dict[tuple[str, str], str]:
    """`classify_schema` reduced to the category strings."""
    return {key: found.category for key, found in classify_schema(schema, overrides).items()}


def mask_style(column: Column, table: Table | None = None) -> str:
    """How `masked` mode hides this column's values (`auto`: decided per value)."""
    return classify_column(column, table).style


# ---------------------------------------------------------------------------- from values

# Which category an entity Presidio finds in a column's values points to.
ENTITY_CATEGORY: dict[str, str] = {
    "PERSON": DIRECT,
    "EMAIL_ADDRESS": DIRECT,
    "PHONE_NUMBER": DIRECT,
    "CREDIT_CARD": DIRECT,
    "IBAN_CODE": DIRECT,
    "US_SSN": DIRECT,
    "IP_ADDRESS": DIRECT,
    "MAC_ADDRESS": DIRECT,
    "CRYPTO": DIRECT,
    "MEDICAL_LICENSE": DIRECT,
    "NRP": SENSITIVE,
    "LOCATION": QUASI,
    "DATE_TIME": QUASI,
}
# Share of sampled values an entity must reach: a few e-mails in a free-text column make it
# direct; dates must be most of the values (a date in a comment is not a birth date).
MIN_FRACTION = {DIRECT: 0.02, SENSITIVE: 0.02, QUASI: 0.5}


def classify_values(
    values: Sequence[str | None],
    locale: str = "en_US",
    score_threshold: float = 0.4,
    max_distinct: int = 2000,
) -> str:
    """The category a sample of real values points to (for introspected databases), by running
    Presidio over the sample's distinct values. Only the category is returned: neither the
    values nor what was found in them is kept anywhere."""
    import polars as pl

    from datagen_assets.pii.detect import detect_entities

    series = pl.Series("values", list(values), dtype=pl.String)
    found = detect_entities(series, locale, score_threshold, max_distinct)
    if not found.rows:
        return NONE
    best = NONE
    for entity, count in found.entity_rows.items():
        category = ENTITY_CATEGORY.get(entity)
        if category and count / found.rows >= MIN_FRACTION[category]:
            best = max(best, category, key=SEVERITY.__getitem__)
    return best

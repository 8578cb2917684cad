"""Semantic detection: which generator a column gets from its name, type and table.

One table of rules, scanned top to bottom; the first match wins. Each rule names a column-name
pattern, the type kinds it applies to, optionally a table-name pattern (so `name` in
`customers` is a person and in `products` a product), and the generator to use. Add a rule
with one line; anything no rule matches falls back to `ByType`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from datagen_assets.generate.generators import (
    ByType,
    Choice,
    Email,
    Faker,
    FullName,
    Generator,
    LogNormal,
    Normal,
    Offset,
    Pattern,
    ProductName,
    UniformDate,
    UniformInt,
    UniformTimestamp,
)
from datagen_assets.schema.model import Column, Table, TypeKind, snake_case

INTS = frozenset({TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT})
NUMBERS = INTS | {TypeKind.NUMERIC, TypeKind.REAL, TypeKind.DOUBLE, TypeKind.MONEY}
STRINGS = frozenset({TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR})
INSTANTS = frozenset({TypeKind.TIMESTAMP, TypeKind.TIMESTAMPTZ, TypeKind.DATE})
PEOPLE = (
    r"(customer|client|user|person|people|employee|staff|member|contact|author|"
    r"patient|student|account|passenger|driver|artist|owner|manager|worker)"
)
PRODUCTS = r"(product|item|article|part|sku|goods|merchandise|catalog|inventory)"


@dataclass(frozen=True)
class Rule:
    column: str  # regex, full match on the lower-cased column name
    kinds: frozenset[TypeKind]
    make: Callable[[Column, Table], Generator]
    table: str | None = None  # regex searched in the lower-cased table name

    def matches(self, column: Column, table: Table) -> bool:
        return (
            column.type.kind in self.kinds
            and re.fullmatch(self.column, snake_case(column.name)) is not None
            and (self.table is None or re.search(self.table, table.name.lower()) is not None)
        )


def faker(provider: str) -> Callable[[Column, Table], Generator]:
    return lambda column, table: Faker(provider=provider)


def fixed(generator: Generator) -> Callable[[Column, Table], Generator]:
    return lambda column, table: generator


def _free_text(column: Column, table: Table) -> Generator:
    """A sentence for short columns, a paragraph where there is room (TEXT or long VARCHAR)."""
    if column.type.length is None or column.type.length >= 400:
        return Faker(provider="paragraph")
    return Faker(provider="sentence")


def _updated_after_created(column: Column, table: Table) -> Generator:
    for candidate in ("created_at", "created", "created_on", "creation_date", "inserted_at"):
        if candidate in table.column_names and candidate != column.name:
            return Offset(column=candidate)
    return UniformTimestamp()


STATUSES = ("active", "pending", "completed", "cancelled", "inactive")

RULES: tuple[Rule, ...] = (
    Rule(r"(first|given|fore)_?name", STRINGS, faker("first_name")),
    Rule(r"(last|family|sur)_?name|surname", STRINGS, faker("last_name")),
    Rule(r"(full_?)?name", STRINGS, fixed(FullName()), table=PEOPLE),
    Rule(r"(product_?)?name|title", STRINGS, fixed(ProductName()), table=PRODUCTS),
    Rule(
        r"(contact_?|customer_?|employee_?|user_?)?name", STRINGS, fixed(FullName()), table=PEOPLE
    ),
    Rule(r"(user_?name|login|handle|nick_?name)", STRINGS, faker("user_name")),
    Rule(r".*e_?mail(_?address)?", STRINGS, fixed(Email())),
    Rule(r".*(phone|mobile|fax|tel|telephone)(_?(no|num|number))?", STRINGS, faker("phone_number")),
    Rule(
        r"(\w+_)?((street_?)?address(_?line)?_?1?|street(_?address)?|addr)",
        STRINGS,
        faker("street_address"),
    ),
    Rule(r"(\w+_)?address_?(line)?_?2", STRINGS, faker("secondary_address")),
    Rule(r".*city|town", STRINGS, faker("city")),
    Rule(r"(\w+_)?(state|province|region|county)", STRINGS, faker("state")),
    Rule(r".*(postal_?code|post_?code|zip(_?code)?|postcode)", STRINGS, faker("postcode")),
    Rule(r"country_?code|country_?iso|iso_?country", STRINGS, faker("country_code")),
    Rule(r".*country", STRINGS, faker("country")),
    Rule(
        r"(company|company_?name|organi[sz]ation|employer|supplier_?name)",
        STRINGS,
        faker("company"),
    ),
    Rule(r"(job_?)?title|job|position|occupation", STRINGS, faker("job"), table=PEOPLE),
    Rule(r".*(url|website|homepage|home_?page|link)", STRINGS, faker("url")),
    Rule(r"(domain|domain_?name|host_?name)", STRINGS, faker("domain_name")),
    Rule(r".*ipv6(_?address)?", STRINGS, faker("ipv6")),
    Rule(r".*ip(_?address)?|ipv4", STRINGS, faker("ipv4")),
    Rule(r".*mac(_?address)?", STRINGS, faker("mac_address")),
    Rule(r".*iban", STRINGS, faker("iban")),
    Rule(r".*(credit_?card|card_?number|cc_?number|pan)", STRINGS, faker("credit_card_number")),
    Rule(r"(language|lang|locale)(_?code)?", STRINGS, faker("language_code")),
    Rule(r"(file_?name|filename|attachment)", STRINGS, faker("file_name")),
    Rule(r"(mime_?type|content_?type|media_?type)", STRINGS, faker("mime_type")),
    Rule(r"(user_?agent|ua)", STRINGS, faker("user_agent")),
    Rule(r".*(md5|sha1|sha256|hash|checksum|digest)", STRINGS, faker("sha256")),
    Rule(
        r"(version|app_?version|sw_?version)",
        STRINGS,
        fixed(Pattern(r"[1-9]\.[0-9]{1,2}\.[0-9]{1,2}")),
    ),
    Rule(r"(slug)", STRINGS, faker("slug")),
    Rule(r"(gender|sex)", STRINGS, fixed(Choice(("female", "male", "non-binary"), (48, 48, 4)))),
    Rule(
        r"(description|comments?|notes?|remarks?|summary|bio|about|body|content|text)",
        STRINGS,
        _free_text,
    ),
    Rule(r"(currency|currency_?code)", STRINGS, faker("currency_code")),
    Rule(r"(color|colour)", STRINGS, faker("color_name")),
    Rule(r"status|state_?code", STRINGS, fixed(Choice(STATUSES, (6, 2, 5, 1, 1)))),
    Rule(
        r"(birth_?date|date_?of_?birth|dob|birthday)",
        INSTANTS,
        fixed(UniformDate("1940-01-01", "2007-12-31")),
    ),
    Rule(
        r"(updated|modified|changed)(_?(at|on|date|time))?|last_?update",
        INSTANTS,
        _updated_after_created,
    ),
    Rule(
        r"(created|inserted|registered|signup|joined)(_?(at|on|date|time))?",
        INSTANTS,
        fixed(UniformTimestamp("2021-01-01")),
    ),
    Rule(r"(hire|start)_?date", INSTANTS, fixed(UniformDate("2005-01-01", "2025-12-31"))),
    Rule(
        r".*(price|cost|amount|total|fee|charge|salary|balance|revenue|freight)",
        NUMBERS,
        fixed(LogNormal(median=25.0, sigma=1.0, min=0.0)),
    ),
    Rule(r".*(quantity|qty|units|count)", INTS, fixed(UniformInt(1, 10))),
    Rule(r"age", INTS, fixed(UniformInt(18, 90))),
    Rule(r".*(rating|stars|score)", NUMBERS, fixed(UniformInt(1, 5))),
    Rule(
        r".*(percent|percentage|pct|discount|rate)",
        NUMBERS,
        fixed(Normal(mean=0.1, std=0.05, min=0.0, max=1.0, decimals=2)),
    ),
    Rule(r".*(latitude|lat)", NUMBERS, fixed(Normal(mean=0, std=30, min=-90, max=90, decimals=6))),
    Rule(
        r".*(longitude|lng|lon)",
        NUMBERS,
        fixed(Normal(mean=0, std=60, min=-180, max=180, decimals=6)),
    ),
)


def detect(column: Column, table: Table) -> Generator:
    """The generator for a column that no config override names."""
    if column.type.kind == TypeKind.ENUM or column.type.array:
        return ByType()
    for rule in RULES:
        if rule.matches(column, table):
            return rule.make(column, table)
    return ByType()

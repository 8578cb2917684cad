"""Contact: phones, fax, websites, social handles. A phone beside an address takes that
address's area code (`entity=("address", "phone")`)."""

from __future__ import annotations

from datagen_assets.generate.generators import Format
from datagen_assets.generate.meanings.catalog import add, vocab
from datagen_assets.generate.meanings.values import EntityField


def _phone(column, table):
    return EntityField("address", "phone")


C = "contact"
add(
    "phone",
    C,
    "text",
    r"(\w+ )?(phone|mobile|fax|telephone|cell|landline)( number| no| num)?|msisdn|contact number",
    _phone,
    entity=("address", "phone"),
    lengths=(7, 30),
)
add("phone_int", C, "int", r"(phone|mobile|fax)( number)?", Format("2{:09d}", 9))
add(
    "website",
    C,
    "text",
    r"(\w+ )?(website|homepage|home page|web site|site url|site)( address| url| link| page)?",
    lambda c, t: EntityField("company", "website"),
    entity=("company", "website"),
)
add(
    "twitter",
    C,
    "text",
    r"twitter( handle)?|x handle|instagram|social( handle)?",
    lambda c, t: EntityField("person", "user_name", joiner=""),
)
add("email_domain", C, "text", r"email domain|mail domain", vocab("domain"))
add(
    "phone_extension",
    C,
    "text int",
    r"(phone |telephone )?(extension|ext)( number)?",
    lambda c, t: Format("{:04d}", 4) if (c.type.length or 4) >= 4 else Format("{:03d}", 3),
    neighbours=r"phone|fax|mobile",
    prior=0.5,
)

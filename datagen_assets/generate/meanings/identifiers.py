"""Identifiers: codes with check digits (EAN, UPC, IMEI pass their checks), UUIDs in text,
external ids, generic short codes of the column's width, license plates, VINs."""

from __future__ import annotations

from datagen_assets.generate.generators import Pattern, Uuid
from datagen_assets.generate.meanings.catalog import add, vocab
from datagen_assets.generate.meanings.values import CheckDigits

ID = "identifiers"


def _code(column, table):
    """A short code: upper-case letters then digits, as long as the column allows."""
    length = column.type.length or 8
    if length <= 3:
        return Pattern(f"[A-Z]{{{length}}}")
    letters = min(3, length - 1)
    return Pattern(f"[A-Z]{{{letters}}}[0-9]{{{min(length - letters, 6)}}}")


add(
    "uuid_text",
    ID,
    "text uuid",
    r"(\w+ )?(uuid|guid|uid|correlation id|trace id|request id)",
    Uuid(),
    lengths=(32, 64),
)
add(
    "ean",
    ID,
    "text",
    r"ean( 13| code)?|gtin|barcode|bar code",
    CheckDigits("ean13"),
    lengths=(13, 14),
)
add("upc", ID, "text", r"upc( code)?|upc a", CheckDigits("upc"), lengths=(12, 12))
add("imei", ID, "text", r"imei", CheckDigits("luhn", "35", 15), lengths=(15, 17))
add(
    "vin",
    ID,
    "text",
    r"vin|vehicle identification number|chassis number",
    Pattern(r"[1-5][A-HJ-NPR-Z]{2}[A-HJ-NPR-Z0-9]{6}[A-HJ-NPR-Y1-9][A-HJ-NPR-Z0-9]{7}"),
    lengths=(17, 17),
)
add(
    "license_plate",
    ID,
    "text",
    r"(license|licence|number|registration) plate|plate( number)?|registration number",
    vocab("license_plate"),
    lengths=(5, 12),
)
add(
    "passport",
    ID,
    "text",
    r"passport( number| no)?|document number|id card( number)?",
    Pattern(r"[A-Z][0-9]{8}"),
    lengths=(8, 20),
)
add(
    "external_id",
    ID,
    "text",
    r"(\w+ )?(external|remote|vendor|provider|stripe|customer|foreign"
    r"|legacy|source|partner|third party) (id|ref|reference|key)",
    lambda c, t: Pattern(f"[a-z]{{3}}_[A-Za-z0-9]{{{max(4, min((c.type.length or 24) - 4, 20))}}}"),
    lengths=(6, 255),
)
add(
    "code",
    ID,
    "text",
    r"(\w+ )?(code|cd|abbreviation|abbr|short name|symbol|key|acronym)",
    _code,
    prior=-1,
)
add(
    "reference",
    ID,
    "text",
    r"(\w+ )?(reference|ref)( number| no| code)?",
    Pattern(r"[A-Z]{3}-[0-9]{6}"),
    lengths=(6, 64),
)
add(
    "serial_number",
    ID,
    "text",
    r"serial( number| no)?|serial|asset tag",
    Pattern(r"[A-Z]{2}[0-9]{4}[A-Z][0-9]{5}"),
    lengths=(8, 40),
)


def _id_text(column, table):
    """A reference kept as text (no declared FK): a UUID where it fits, else hex digits."""
    length = column.type.length
    if length is None or length >= 36:
        return Uuid()
    return Pattern(f"[0-9a-f]{{{min(length, 16)}}}")


add("id_text", ID, "text", r"(\w+ )*(id|uid|uuid|guid|identifier|key id|idx)", _id_text, prior=0.5)

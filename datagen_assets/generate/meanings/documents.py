"""Documents by meaning: the JSON objects, XML trees and serialized payloads a column keeps,
made of the keys that column would hold (a token's claims, a session, a job's context, an
address, preferences), not one generic object for every column.

Two tables a reader scans: `DOCUMENTS` (which keys a document has, by the words of its
column, first match wins, most specific first) and `VALUES` (how each key's value is made).
A document is rendered per row from vectorised columns of values (`render`), and drops its
last keys on the rows where the whole would not fit the column's length.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import polars as pl

from datagen_assets.generate import random as rnd
from datagen_assets.generate.generators import Draw
from datagen_assets.generate.meanings.tokens import table_tokens, tokens

# (document, words of the column it fits, its keys in order); the first match wins
DOCUMENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "claims",
        r"claims?|jwt|id token|token( data| payload)?",
        ("sub", "iss", "aud", "exp", "iat", "scope"),
    ),
    (
        "session",
        r"sess|session( data| state| vars)?",
        ("user_id", "ip", "csrf_token", "expires_at"),
    ),
    ("credentials", r"(basic |http )?auth|credentials?|login", ("username", "password_hash")),
    ("contact", r"contacts?( data| info| details)?", ("email", "phone")),
    (
        "address",
        r"(\w+ )?(address|location|place)( data| info| details)?",
        ("street", "city", "postal_code", "country"),
    ),
    (
        "point",
        r"(\w+ )?(coordinates|coords|geometry|geo point|point|lat lng|position)",
        ("lat", "lng"),
    ),
    (
        "settings",
        r"(\w+ )?(settings|preferences|prefs|config|configuration|options|opts|player)",
        ("theme", "language", "timezone", "notifications"),
    ),
    ("headers", r"(\w+ )?headers?", ("content-type", "accept-language", "x-request-id")),
    (
        "error",
        r"(\w+ )?(error|errors|exception|failure|fault)( info| details| data)?",
        ("code", "message", "retryable"),
    ),
    (
        "custom_fields",
        r"(\w+ )?(custom fields?|custom data|custom attributes|extra fields|user fields|extras?"
        r"|additional (info|data|fields))",
        ("department", "region", "reference", "priority"),
    ),
    (
        "state",
        r"(\w+ )?(context|state|status|progress|checkpoint|execution|pause info|info)",
        ("step", "status", "attempt", "updated_at"),
    ),
    (
        "params",
        r"(\w+ )?(params|parameters|arguments|args|variables|vars|inputs?|query|filters?|criteria)",
        ("limit", "offset", "sort", "order"),
    ),
    (
        "stats",
        r"(\w+ )?(stats|statistics|metrics|counters|counts|totals|usage)",
        ("views", "clicks", "errors", "updated_at"),
    ),
    ("schedule", r"(\w+ )?(schedule|cron|recurrence|timing)", ("cron", "timezone", "enabled")),
    (
        "event",
        r"(\w+ )?(payload|event|message|body|request|response|data|content|dump|blob"
        r"|record|object)",
        ("id", "type", "user_id", "created_at"),
    ),
    ("metadata", r".*", ("source", "created_by", "version", "tags")),
)

# value kinds: (draw, salt) -> text of the value, and whether it is a string
Maker = Callable[[Draw, str], pl.Series]


def _vocab(name: str) -> Maker:
    def make(draw: Draw, salt: str) -> pl.Series:
        from datagen_assets.generate.meanings.values import vocabulary_values

        return draw.pick(pl.Series(vocabulary_values(name, draw.locale, draw.seed)), "doc", salt)

    return make


def _choice(*options: str) -> Maker:
    return lambda draw, salt: draw.pick(pl.Series(options), "doc", salt)


def _int(low: int, high: int) -> Maker:
    return lambda draw, salt: pl.Series(
        rnd.integers(draw.stream("doc", salt), draw.rows, low, high)
    ).cast(pl.String)


def _count(median: float) -> Maker:
    def make(draw: Draw, salt: str) -> pl.Series:
        values = np.exp(np.log(median) + 1.1 * rnd.normal(draw.stream("doc", salt), draw.rows))
        return pl.Series(np.round(values).astype(np.int64)).cast(pl.String)

    return make


def _bool(p: float) -> Maker:
    return lambda draw, salt: pl.Series(rnd.uniform(draw.stream("doc", salt), draw.rows) < p).cast(
        pl.String
    )


def _epoch(draw: Draw, salt: str) -> pl.Series:
    return pl.Series(
        rnd.integers(draw.stream("doc", "t"), draw.rows, 1_609_459_200, 1_767_225_600)
        + (3600 if salt in ("exp", "expires_at") else 0)
    ).cast(pl.String)


def _iso(draw: Draw, salt: str) -> pl.Series:
    seconds = rnd.integers(draw.stream("doc", "t"), draw.rows, 1_609_459_200, 1_767_225_600)
    instants = pl.Series(seconds * 1_000_000).cast(pl.Datetime("us"))
    return instants.dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hex(width: int) -> Maker:
    def make(draw: Draw, salt: str) -> pl.Series:
        from datagen_assets.generate.generators import _hex as hexes

        parts = [
            hexes(rnd.mix(draw.stream("doc", salt, i), draw.rows), 16)
            for i in range(-(-width // 16))
        ]
        frame = pl.DataFrame({f"p{i}": p for i, p in enumerate(parts)})
        return frame.select(pl.concat_str(pl.all()).str.slice(0, width)).to_series()

    return make


def _uuid(draw: Draw, salt: str) -> pl.Series:
    text = _hex(32)(draw, salt)
    return (
        text.str.slice(0, 8) + "-" + text.str.slice(8, 4) + "-4" + text.str.slice(13, 3) + "-a"
        + text.str.slice(17, 3) + "-" + text.str.slice(20, 12)
    )  # fmt: skip


def _ip(draw: Draw, salt: str) -> pl.Series:
    bits = rnd.mix(draw.stream("doc", salt), draw.rows)
    octets = [
        pl.Series((bits >> np.uint64(8 * i)) & np.uint64(255)).cast(pl.String) for i in range(3)
    ]
    first = draw.pick(pl.Series(["10", "172", "192", "203", "81"]), "doc", salt, "first")
    return first + "." + octets[0] + "." + octets[1] + "." + octets[2]


def _tags(draw: Draw, salt: str) -> pl.Series:
    first = '"' + _vocab("tag")(draw, salt + "1") + '"'
    second = '"' + _vocab("tag")(draw, salt + "2") + '"'
    many = pl.Series(rnd.uniform(draw.stream("doc", salt, "n"), draw.rows) < 0.5)
    frame = pl.DataFrame({"a": first, "b": second, "n": many})
    both = pl.concat_str(pl.col("a"), pl.lit(", "), pl.col("b"))
    return frame.select(
        pl.concat_str(
            pl.lit("["), pl.when(pl.col("n")).then(both).otherwise(pl.col("a")), pl.lit("]")
        )
    ).to_series()


# key -> (how its value is made, whether it is a JSON string)
VALUES: dict[str, tuple[Maker, bool]] = {
    "sub": (_vocab("user_name"), True),
    "iss": (
        _choice(
            "https://auth.example.com/", "https://login.example.org/", "https://id.example.net/"
        ),
        True,
    ),
    "aud": (_choice("web-app", "mobile-app", "api", "cli", "admin-console"), True),
    "exp": (_epoch, False),
    "iat": (_epoch, False),
    "scope": (
        _choice("openid profile email", "openid", "read write", "read", "openid offline_access"),
        True,
    ),
    "user_id": (_int(1, 99999), False),
    "ip": (_ip, True),
    "csrf_token": (_hex(32), True),
    "expires_at": (_iso, True),
    "username": (_vocab("user_name"), True),
    "password_hash": (_hex(64), True),
    "email": (_vocab("email_free"), True),
    "phone": (_vocab("phone"), True),
    "street": (_vocab("street_address"), True),
    "city": (_vocab("city"), True),
    "postal_code": (_vocab("postal_code"), True),
    "country": (_vocab("country_code"), True),
    "lat": (
        lambda d, s: pl.Series(
            np.round(rnd.uniform(d.stream("doc", s), d.rows) * 140 - 60, 5)
        ).cast(pl.String),
        False,
    ),
    "lng": (
        lambda d, s: pl.Series(
            np.round(rnd.uniform(d.stream("doc", s), d.rows) * 340 - 170, 5)
        ).cast(pl.String),
        False,
    ),
    "theme": (_choice("light", "dark", "system", "light"), True),
    "language": (_choice("en", "en", "en", "de", "fr", "es", "pt", "it", "nl", "ja"), True),
    "timezone": (
        _choice(
            "UTC",
            "America/New_York",
            "Europe/London",
            "Europe/Berlin",
            "Asia/Tokyo",
            "America/Los_Angeles",
        ),
        True,
    ),
    "notifications": (_bool(0.7), False),
    "content-type": (
        _choice("application/json", "text/html; charset=utf-8", "application/xml", "text/plain"),
        True,
    ),
    "accept-language": (
        _choice("en-US,en;q=0.9", "de-DE,de;q=0.8", "fr-FR", "en-GB,en;q=0.8"),
        True,
    ),
    "x-request-id": (_uuid, True),
    "code": (_choice("400", "401", "403", "404", "409", "422", "500", "502", "503", "504"), False),
    "message": (_vocab("error_message"), True),
    "retryable": (_bool(0.4), False),
    "step": (_int(1, 12), False),
    "status": (_vocab("state_machine"), True),
    "attempt": (_choice("1", "1", "1", "2", "3"), False),
    "updated_at": (_iso, True),
    "limit": (_choice("10", "20", "25", "50", "100"), False),
    "offset": (_choice("0", "0", "20", "40", "100"), False),
    "sort": (_choice("created_at", "name", "updated_at", "id", "priority"), True),
    "order": (_choice("desc", "asc"), True),
    "views": (_count(300), False),
    "clicks": (_count(20), False),
    "errors": (_count(2), False),
    "cron": (_choice("0 * * * *", "*/15 * * * *", "0 0 * * *", "30 2 * * 1", "0 9 * * 1-5"), True),
    "enabled": (_bool(0.85), False),
    "id": (_uuid, True),
    "type": (_vocab("event_type"), True),
    "created_at": (_iso, True),
    "source": (_choice("web", "mobile", "api", "import", "admin"), True),
    "created_by": (_vocab("user_name"), True),
    "version": (_choice("1", "1", "2", "3"), False),
    "tags": (_tags, False),
    "department": (_vocab("department"), True),
    "region": (_choice("NA", "EMEA", "APAC", "LATAM", "NA", "EMEA"), True),
    "reference": (lambda d, s: "REF-" + _int(10000, 99999)(d, s), True),
    "priority": (_vocab("priority"), True),
    "temperature": (
        lambda d, s: pl.Series(np.round(21 + 4 * rnd.normal(d.stream("doc", s), d.rows), 1)).cast(
            pl.String
        ),
        False,
    ),
    "humidity": (
        lambda d, s: pl.Series(
            np.round(np.clip(45 + 12 * rnd.normal(d.stream("doc", s), d.rows), 5, 99), 1)
        ).cast(pl.String),
        False,
    ),
    "battery": (_int(5, 100), False),
    "rssi": (_int(-95, -40), False),
}

# a document of a table that records readings (telemetry, sensors) holds readings, whatever
# its column is called (`payload`, `data`)
READINGS = (r"\b(telemetry|sensor|reading|measurement|sample|metric|iot|device data)\b",
            ("temperature", "humidity", "battery", "rssi"))  # fmt: skip


@lru_cache(maxsize=4096)
def document_for(column_name: str, table_name: str) -> tuple[str, tuple[str, ...]]:
    """The document a column keeps (name, keys), read from its words (`session_data` ->
    session), else from its table's (`job_details.payload` stays an event)."""
    words = [
        w for w in tokens(column_name) if w not in ("json", "jsonb", "xml", "text", "doc", "raw")
    ]
    text = " ".join(words)
    table = " ".join(table_tokens(table_name))
    if re.search(READINGS[0], table) and re.fullmatch(
        r"((\w+ )?(payload|data|body|content|values|readings?|measurements?|sample|record))?",
        text,
    ):
        return "readings", READINGS[1]
    for name, pattern, keys in DOCUMENTS[:-1]:
        if re.fullmatch(pattern, text) or re.search(rf"\b({pattern})$", text):
            return name, keys
    for name, pattern, keys in DOCUMENTS[:-2]:
        if re.search(rf"\b({pattern})$", table):
            return name, keys
    return DOCUMENTS[-1][0], DOCUMENTS[-1][2]


def _root(column_name: str) -> str:
    words = [w for w in tokens(column_name) if w not in ("xml", "text", "doc", "data", "raw")]
    root = "-".join(w for w in words if w.isalnum()) or "document"
    return root if root[0].isalpha() else f"x-{root}"  # an XML name starts with a letter


def render(draw: Draw, shape: str = "json", length: int | None = None) -> pl.Series:
    """The column's document per row as JSON (`shape` json) or XML (`xml`), its last keys
    left out on rows where the whole would exceed `length` characters."""
    _, keys = document_for(draw.column.name, draw.table.name)
    fragments = []
    for key in keys:
        make, quoted = VALUES[key]
        value = make(draw, key)
        if shape == "xml":
            value = value.str.replace_all(r'[\[\]"]', "") if key == "tags" else value
            escaped = value.str.replace_all("&", "&amp;").str.replace_all("<", "&lt;")
            fragments.append(f"<{key}>" + escaped.str.replace_all('"', "") + f"</{key}>")
        elif quoted:
            fragments.append(f'"{key}": "' + value.str.replace_all(r'["\\]', "") + '"')
        else:
            fragments.append(f'"{key}": ' + value)
    if shape == "xml":
        root = _root(draw.column.name)
        opening, closing, separator = f"<{root}>", f"</{root}>", ""
    else:
        opening, closing, separator = "{", "}", ", "
    frame = pl.DataFrame({f"k{i}": f for i, f in enumerate(fragments)})
    candidates = [
        pl.concat_str(
            [
                pl.lit(opening),
                pl.concat_str(frame.columns[:count], separator=separator),
                pl.lit(closing),
            ]
        )
        for count in range(len(fragments), 0, -1)
    ]
    if length is None:
        return frame.select(candidates[0].alias("d")).to_series()
    chosen = pl.when(candidates[0].str.len_chars() <= length).then(candidates[0])
    for candidate in candidates[1:]:
        chosen = chosen.when(candidate.str.len_chars() <= length).then(candidate)
    empty = opening + closing if len(opening + closing) <= length else ""
    return frame.select(chosen.otherwise(pl.lit(empty)).alias("d")).to_series()

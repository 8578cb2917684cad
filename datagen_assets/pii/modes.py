"""`pii_mode`: what happens to the values of columns classified as personal data.

- `synthetic` (default): nothing; the engine already makes fake values.
- `masked`: format-preserving partial masks, a pure function of the value (no randomness, no
  key), so equal inputs give equal outputs in every table and run and joins on masked columns
  still line up. Text keeps its length and separators: `john.smith@example.com` ->
  `j*********@e******.com`, `(212) 555-0143` -> `(***) ***-**43`, `Maria Lopez` ->
  `M**** L****`, card and account numbers keep their last 4 characters, IP addresses their
  first group. Dates and timestamps are generalised to the start of their year, numbers to two
  significant digits (below 100, to tens: an age of 37 becomes 30). Types that cannot be partly
  hidden (booleans, UUIDs, binary...) are redacted. Masks are many-to-one: see `mode_problem`.
- `redacted`: NULL where the column is nullable; otherwise a placeholder, `[REDACTED]` for
  text (or `*`s when the column is shorter) and a fixed neutral value for other types (0,
  false, 1970-01-01, the nil UUID, ...).

- `hashed`: a keyed hash (HMAC-SHA256) of each value, written in the value's own shape: the
  same length, digits for digits, capitals for capitals, separators kept (`maria@example.com`
  -> `kqzhw@bmtwjrk.gzx`). Deterministic for a key, so joins line up; not reversible. The key
  is the one `pii_key_env` names, else derived from the dataset's seed (pseudonyms, no secret).
- `encrypted`: field-level AES-256 encryption with AES-SIV (RFC 5297, deterministic AEAD, from
  `cryptography`), so the application under test decrypts its own test data with its key:
  text becomes the base64 of `AESSIV(key).encrypt(value_utf8, None)`, binary the raw bytes.
  Equal values encrypt alike (joins and UNIQUE hold). The 64-byte key (two AES-256 keys) is
  read from the environment variable `pii_key_env` names, as base64 or hex, when the values
  are made; it is never stored, logged or part of any hash or metadata.

Masks and redactions are polars expressions over whole Series (no Python call per value), so
they cost about as much as generating the column. `hashed` and `encrypted` call the HMAC or
the cipher once per distinct value (neither has a vectorised form in polars), C code either way.
Columns of category `none` are never touched.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import os
import string

import polars as pl

from datagen_assets.pii.classify import (
    AUTO,
    CATEGORIES,
    DIGITS,
    DIRECT,
    EMAIL,
    IP,
    NONE,
    PHONE,
    mask_style,
)
from datagen_assets.schema.model import Column, Problem, SchemaError, Table, TypeKind

SYNTHETIC, MASKED, REDACTED, HASHED, ENCRYPTED = (
    "synthetic",
    "masked",
    "redacted",
    "hashed",
    "encrypted",
)
MODES = (SYNTHETIC, MASKED, REDACTED, HASHED, ENCRYPTED)
KEYED = (HASHED, ENCRYPTED)
KEY_BYTES = 64  # AES-256-SIV: two 256-bit keys (RFC 5297)
SIV_BYTES = 16
PLACEHOLDER = "[REDACTED]"
MASK = "*"
KEEP_LAST = {PHONE: 2, DIGITS: 4}

ALNUM = r"[\p{L}\p{N}]"
_V = "v"

# Neutral values of NOT NULL columns in `redacted` mode, by logical type (text that must stay
# parseable) and by polars dtype (everything else).
NEUTRAL_TEXT = {
    TypeKind.UUID: "00000000-0000-0000-0000-000000000000",
    TypeKind.JSON: "{}",
    TypeKind.INET: "0.0.0.0",
    TypeKind.POINT: "(0,0)",
    TypeKind.XML: "<redacted/>",
    TypeKind.RANGE: "empty",
    TypeKind.TSVECTOR: "",
}


def apply_pii_mode(
    values: pl.Series,
    mode: str,
    column: Column,
    category: str,
    table: Table | None = None,
    key: bytes | None = None,
) -> pl.Series:
    """The column's values under `mode`. `category` is the column's PII category; `none`
    columns and `synthetic` mode return `values` unchanged. Text results never exceed the
    column's declared length. `table` (optional) refines the mask style (a `name` column is a
    person's name only in a people table); without it the style is decided from each value."""
    if mode not in MODES:
        raise ValueError(f"unknown pii_mode {mode!r} (allowed: {', '.join(MODES)})")
    if category not in CATEGORIES:
        raise ValueError(f"unknown pii category {category!r} (allowed: {', '.join(CATEGORIES)})")
    if mode == SYNTHETIC or category == NONE or len(values) == 0:
        return values
    if mode == REDACTED:
        result = redact(values, column)
    elif mode in KEYED:
        if key is None:
            raise ValueError(f"pii_mode {mode} needs a key")
        if mode == HASHED:
            return hash_values(values, key)  # the same length, by construction
        result = encrypt_values(values, key)
        _check_fits(result, column, table)
        return result
    else:
        result = mask(values, column, category, mask_style(column, table))
    return _fit(result, column)


def mode_problem(table: Table, column_name: str, mode: str) -> str | None:
    """Why `mode` cannot be applied to a key column, or None. Masks are many-to-one and a
    placeholder repeats, so PRIMARY KEY, UNIQUE and FOREIGN KEY columns would break their
    constraints; redacting to NULL is fine for nullable UNIQUE and FK columns."""
    if mode == SYNTHETIC:
        return None
    column = table.column(column_name)
    in_key = column_name in table.primary_key
    in_unique = any(column_name in u for u in table.unique_keys)
    in_fk = any(column_name in fk.columns for fk in table.foreign_keys)
    where = f"{table.key}.{column_name}"
    if mode in KEYED and column.type.kind not in TEXT_KINDS | BINARY_KINDS:
        return (
            f"pii_mode {mode} applies to text and binary columns; {where} is "
            f"{column.type.kind.value}: use masked or redacted"
        )
    if mode == ENCRYPTED:
        shortest = encrypted_length(0, column.type.kind in BINARY_KINDS)
        if column.type.length is not None and column.type.length < shortest:
            return (
                f"pii_mode encrypted cannot fit {where}: even an empty value encrypts to "
                f"{shortest} characters, the column holds {column.type.length}"
            )
        if in_fk:  # injective, so keys stay unique; a parent may not be encrypted alike
            return (
                f"pii_mode encrypted cannot apply to {where}: it is part of a FOREIGN KEY, "
                "whose parent values are not encrypted with it; use synthetic"
            )
        return None
    if mode == REDACTED and column.nullable and not in_key:
        return None
    if in_key or in_unique or in_fk:
        what = "PRIMARY KEY" if in_key else "UNIQUE" if in_unique else "FOREIGN KEY"
        return (
            f"pii_mode {mode} cannot apply to {table.key}.{column_name}: it is part of a "
            f"{what}, which {mode} values would break; use synthetic"
        )
    return None


# ---------------------------------------------------------------------------- keyed modes

TEXT_KINDS = frozenset({TypeKind.TEXT, TypeKind.VARCHAR, TypeKind.CHAR, TypeKind.UNKNOWN})
BINARY_KINDS = frozenset({TypeKind.BYTES})
_SHAPES = (
    (str.isdigit, string.digits),
    (str.isupper, string.ascii_uppercase),
    (str.isalpha, string.ascii_lowercase),
)


class PiiKeyError(ValueError):
    """The key is missing or malformed; the message names the variable, never its value."""


def read_key(env_var: str) -> bytes:
    """The 64-byte key held (as base64 or hex) by environment variable `env_var`."""
    text = os.environ.get(env_var, "").strip()
    if not text:
        raise PiiKeyError(
            f"environment variable {env_var} (pii_key_env) is not set: it must hold a "
            f"{KEY_BYTES}-byte key as base64 or hex, e.g. from "
            'python -c "import base64, os; print(base64.b64encode(os.urandom(64)).decode())"'
        )
    decoders = (
        bytes.fromhex,
        lambda t: base64.b64decode(t, validate=True),
        lambda t: base64.urlsafe_b64decode(t),
    )
    for decode in decoders:
        try:
            key = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(key) == KEY_BYTES:
            return key
    raise PiiKeyError(
        f"environment variable {env_var} (pii_key_env) must hold a {KEY_BYTES}-byte key "
        "(AES-256-SIV) as base64 or hex; it does not"
    )


def seed_key(seed: int) -> bytes:
    """The `hashed` key of a dataset without `pii_key_env`: derived from its seed, so the
    pseudonyms are stable but anyone knowing the seed can recompute them."""
    return hashlib.sha512(f"datagen/hashed/{seed}".encode()).digest()


def hash_values(values: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 of each value, drawn in the value's shape and length."""
    if values.dtype == pl.Binary:
        return _on_distinct(values, lambda v: _digest_bytes(key, v, len(v)), pl.Binary)
    return _on_distinct(values.cast(pl.String), lambda v: _shaped(key, v), pl.String)


def _digest_bytes(key: bytes, value: bytes, length: int) -> bytes:
    out, counter = b"", 0
    while len(out) < length:
        out += hmac.new(key, counter.to_bytes(4, "big") + value, hashlib.sha256).digest()
        counter += 1
    return out[:length]


def _shaped(key: bytes, value: str) -> str:
    digest = _digest_bytes(key, value.encode(), len(value))
    out = []
    for char, byte in zip(value, digest, strict=True):
        for test, alphabet in _SHAPES:
            if test(char):
                out.append(alphabet[byte % len(alphabet)])
                break
        else:
            out.append(char)  # separators and punctuation keep the value's shape
    return "".join(out)


def encrypt_values(values: pl.Series, key: bytes) -> pl.Series:
    """AES-SIV of each value: base64 text for text, raw bytes for binary."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    cipher = AESSIV(key)
    if values.dtype == pl.Binary:
        return _on_distinct(values, lambda v: cipher.encrypt(v, None), pl.Binary)
    return _on_distinct(
        values.cast(pl.String),
        lambda v: base64.b64encode(cipher.encrypt(v.encode(), None)).decode("ascii"),
        pl.String,
    )


def decrypt_values(values: pl.Series, key: bytes) -> pl.Series:
    """The plaintexts of `encrypt_values` (what an application under test does with its key)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    cipher = AESSIV(key)
    if values.dtype == pl.Binary:
        return _on_distinct(values, lambda v: cipher.decrypt(v, None), pl.Binary)
    return _on_distinct(
        values, lambda v: cipher.decrypt(base64.b64decode(v), None).decode(), pl.String
    )


def encrypted_length(plain_bytes: int, binary: bool = False) -> int:
    """Characters (or bytes) an encrypted value of `plain_bytes` bytes takes."""
    raw = SIV_BYTES + plain_bytes
    return raw if binary else 4 * -(-raw // 3)


def _check_fits(values: pl.Series, column: Column, table: Table | None) -> None:
    """Ciphertexts are longer than their plaintexts: one that the column cannot hold is a
    problem (the pre-flight's sample meets it before anything is written), never a cut."""
    length = column.type.length
    if length is None or values.dtype not in (pl.String, pl.Binary):
        return
    sizes = values.str.len_chars() if values.dtype == pl.String else values.bin.size()
    longest = sizes.max()
    if longest is not None and longest > length:
        raise SchemaError(
            [
                Problem(
                    f"pii_mode encrypted: the column holds {length}, an encrypted value needs "
                    f"{longest}; widen it to at least {longest} or use hashed",
                    table=table.key if table else None,
                    column=column.name,
                )
            ]
        )


def _on_distinct(values: pl.Series, function, dtype: pl.DataType) -> pl.Series:
    """`function` once per distinct non-null value, gathered back to every row."""
    distinct = values.drop_nulls().unique(maintain_order=True)
    mapped = pl.Series([function(v) for v in distinct.to_list()], dtype=dtype)
    lookup = pl.DataFrame({"v": distinct, "m": mapped})
    result = values.to_frame("v").join(lookup, on="v", how="left", maintain_order="left")["m"]
    return result.alias(values.name)


# ---------------------------------------------------------------------------- redacted


def redact(values: pl.Series, column: Column) -> pl.Series:
    """NULL when nullable, else a neutral value of the type."""
    if column.nullable:
        return values.clear(len(values))
    dtype = values.dtype
    if dtype == pl.String:
        if column.type.kind in NEUTRAL_TEXT:
            neutral = NEUTRAL_TEXT[column.type.kind]
        elif column.type.kind == TypeKind.ENUM and column.type.enum_values:
            neutral = column.type.enum_values[0]
        else:
            length = column.type.length
            neutral = PLACEHOLDER if length is None or length >= len(PLACEHOLDER) else MASK * length
        return pl.repeat(neutral, len(values), dtype=pl.String, eager=True).alias(values.name)
    return _neutral(values)


def _neutral(values: pl.Series) -> pl.Series:
    dtype = values.dtype
    if dtype.is_numeric() or isinstance(dtype, pl.Decimal):
        value: object = 0
    elif dtype == pl.Boolean:
        value = False
    elif dtype == pl.Date:
        value = dt.date(1970, 1, 1)
    elif isinstance(dtype, pl.Datetime):
        value = dt.datetime(1970, 1, 1)
    elif dtype == pl.Time:
        value = dt.time(0, 0)
    elif isinstance(dtype, pl.Duration):
        value = dt.timedelta(0)
    elif dtype == pl.Binary:
        value = b""
    elif isinstance(dtype, pl.List):
        return pl.Series(values.name, [[]] * len(values), dtype=dtype)
    else:
        raise ValueError(f"no neutral value for dtype {dtype}")
    neutral = pl.repeat(value, len(values), eager=True)
    if isinstance(dtype, pl.Datetime) and dtype.time_zone:
        neutral = neutral.dt.replace_time_zone(dtype.time_zone)
    return neutral.cast(dtype).alias(values.name)


# ---------------------------------------------------------------------------- masked


def mask(values: pl.Series, column: Column, category: str, style: str = AUTO) -> pl.Series:
    """Format-preserving masks (see the module docstring)."""
    dtype = values.dtype
    frame = values.rename(_V).to_frame()
    if dtype == pl.String:
        if column.type.kind in NEUTRAL_TEXT and column.type.kind != TypeKind.INET:
            return redact(values, column)
        expression = mask_text(pl.col(_V), IP if column.type.kind == TypeKind.INET else style)
    elif dtype == pl.Date or isinstance(dtype, pl.Datetime):
        expression = pl.col(_V).dt.truncate("1y")
    elif dtype.is_integer():
        expression = _mask_integer(pl.col(_V), category).cast(dtype)
    elif dtype.is_float() or isinstance(dtype, pl.Decimal):
        expression = _two_significant(pl.col(_V).cast(pl.Float64), integer=False).cast(dtype)
    else:
        return redact(values, column)
    return frame.select(expression.alias(values.name)).to_series()


def mask_text(value: pl.Expr, style: str = AUTO) -> pl.Expr:
    """The masked form of a String expression in a given style (`auto`: chosen per value)."""
    if style == EMAIL:
        return (
            pl.when(value.str.contains("@", literal=True))
            .then(_email(value))
            .otherwise(_initials(value))
        )
    if style in KEEP_LAST:
        return _keep_last(value, KEEP_LAST[style], digits_only=style == PHONE)
    if style == IP:
        head = value.str.extract(r"^([0-9A-Fa-f]+)", 1).fill_null("")
        rest = value.str.slice(head.str.len_chars()).str.replace_all(ALNUM, MASK)
        return pl.concat_str([head, rest])
    if style == AUTO:
        digits = value.str.count_matches(r"\d")
        alnum = value.str.count_matches(ALNUM)
        return (
            pl.when(value.str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"))
            .then(_email(value))
            .when(value.str.contains(r"^[\d\s()+.\-/#x]+$") & (digits >= 7))
            .then(_keep_last(value, KEEP_LAST[PHONE], digits_only=True))
            .when((digits >= 8) & (digits * 10 >= alnum * 6))
            .then(_keep_last(value, KEEP_LAST[DIGITS], digits_only=False))
            .otherwise(_initials(value))
        )
    return _initials(value)  # names, addresses, free text


def _initials(value: pl.Expr) -> pl.Expr:
    """Keep the first letter or digit of each word and every separator; mask the rest."""
    char = pl.element()
    inside_word = char.str.contains(f"^{ALNUM}$") & char.shift(1).str.contains(
        f"^{ALNUM}$"
    ).fill_null(False)
    return (
        value.str.split("")
        .list.eval(pl.when(inside_word).then(pl.lit(MASK)).otherwise(char))
        .list.join("")
    )


def _email(value: pl.Expr) -> pl.Expr:
    """`j***@e******.com`: first character of the local part and of the domain, the top-level
    domain and the dots of the domain are kept."""
    local = value.str.extract(r"^(.*)@[^@]*$", 1).fill_null("")
    domain = value.str.extract(r"@([^@]*)$", 1).fill_null("")
    tld = domain.str.extract(r"(\.[^.]*)$", 1).fill_null("")
    body = domain.str.slice(0, domain.str.len_chars() - tld.str.len_chars())
    return pl.concat_str(
        [
            local.str.slice(0, 1),
            local.str.slice(1).str.replace_all(r"(?s).", MASK),
            pl.lit("@"),
            body.str.slice(0, 1),
            body.str.slice(1).str.replace_all(r"[^.]", MASK),
            tld,
        ]
    )


def _keep_last(value: pl.Expr, keep: int, digits_only: bool) -> pl.Expr:
    """Mask digits (or letters and digits) except the last `keep`; separators stay. Short
    values, with no more than 2 x `keep` such characters, are masked entirely."""
    unit = r"\d" if digits_only else ALNUM
    other = r"\D" if digits_only else r"[^\p{L}\p{N}]"
    reversed_value = value.str.reverse()
    head = reversed_value.str.extract(f"^((?:{other}*{unit}){{{keep}}})", 1).fill_null("")
    tail = reversed_value.str.slice(head.str.len_chars()).str.replace_all(unit, MASK)
    kept = pl.concat_str([head, tail]).str.reverse()
    return (
        pl.when(value.str.count_matches(unit) > 2 * keep)
        .then(kept)
        .otherwise(value.str.replace_all(unit, MASK))
    )


def _mask_integer(value: pl.Expr, category: str) -> pl.Expr:
    """Direct identifiers stored as integers keep their last two digits (like phones); ages,
    salaries and other quasi or sensitive numbers are generalised."""
    if category == DIRECT:
        return value.abs() % 100 * value.sign()
    return _two_significant(value.cast(pl.Float64), integer=True)


def _two_significant(value: pl.Expr, integer: bool) -> pl.Expr:
    """Round toward zero to two significant digits; integers below 100 to tens."""
    magnitude = value.abs().log10().floor()
    step = pl.lit(10.0).pow(magnitude - 1)
    if integer:
        step = pl.max_horizontal(step, pl.lit(10.0))
    rounded = (value.abs() / step).floor() * step * value.sign()
    return pl.when(value == 0).then(value).otherwise(rounded)


def _fit(values: pl.Series, column: Column) -> pl.Series:
    """Truncate text to the column's declared length (masks keep the length of the value, but
    a value could already be longer than the column when it comes from elsewhere)."""
    if values.dtype == pl.String and column.type.length:
        return values.str.slice(0, column.type.length)
    return values

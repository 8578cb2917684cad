"""Reading a column name as a person does: words, not characters.

`BillingPostalCd`, `billing_postal_cd` and `billingpostalcd`-like spellings all become the
tokens `billing postal code`: snake and camel case are split, the abbreviations schema authors
use are expanded (`qty`, `amt`, `dt`, `no`, `cd`, `flg`, `addr`, `desc` ...), and plural
table names are made singular so `countries` and `country` say the same. Detection then
matches meanings against these token strings (`generate/meanings/detect.py`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from datagen_assets.schema.model import snake_case

# abbreviation -> the word(s) it stands for (one screen; add a line per new spelling)
ABBREVIATIONS: dict[str, str] = {
    "qty": "quantity",
    "qnty": "quantity",
    "amt": "amount",
    "amnt": "amount",
    "dt": "date",
    "dte": "date",
    "dat": "date",
    "tm": "time",
    "ts": "timestamp",
    "tstamp": "timestamp",
    "datetime": "timestamp",
    "no": "number",
    "nr": "number",
    "num": "number",
    "nbr": "number",
    "nmbr": "number",
    "cd": "code",
    "flg": "flag",
    "ind": "flag",
    "addr": "address",
    "adr": "address",
    "desc": "description",
    "descr": "description",
    "dsc": "description",
    "fname": "first name",
    "lname": "last name",
    "mname": "middle name",
    "nm": "name",
    "ttl": "ttl",
    "tel": "phone",
    "telephone": "phone",
    "ph": "phone",
    "mob": "mobile",
    "cell": "mobile",
    "cellphone": "mobile",
    "zipcode": "zip",
    "postcode": "postal code",
    "postalcode": "postal code",
    "dob": "birth date",
    "birthdate": "birth date",
    "birthday": "birth date",
    "pwd": "password",
    "passwd": "password",
    "pw": "password",
    "usr": "user",
    "username": "user name",
    "login": "user name",
    "uname": "user name",
    "msg": "message",
    "txt": "text",
    "img": "image",
    "pic": "picture",
    "lat": "latitude",
    "lng": "longitude",
    "lon": "longitude",
    "lvl": "level",
    "pct": "percent",
    "perc": "percent",
    "percentage": "percent",
    "cnt": "count",
    "cur": "currency",
    "curr": "currency",
    "ccy": "currency",
    "ctry": "country",
    "cntry": "country",
    "st": "state",
    "prov": "province",
    "mgr": "manager",
    "dept": "department",
    "emp": "employee",
    "cust": "customer",
    "prod": "product",
    "cat": "category",
    "org": "organization",
    "organisation": "organization",
    "co": "company",
    "comp": "company",
    "sz": "size",
    "len": "length",
    "wt": "weight",
    "ht": "height",
    "yr": "year",
    "mon": "month",
    "mo": "month",
    "hr": "hour",
    "min": "minimum",
    "max": "maximum",
    "avg": "average",
    "sec": "second",
    "secs": "seconds",
    "mins": "minutes",
    "hrs": "hours",
    "ms": "milliseconds",
    "millis": "milliseconds",
    "lang": "language",
    "loc": "location",
    "ver": "version",
    "rev": "revision",
    "seq": "sequence",
    "idx": "index",
    "pos": "position",
    "ord": "order",
    "val": "value",
    "ref": "reference",
    "src": "source",
    "dst": "destination",
    "dest": "destination",
    "tgt": "target",
    "cfg": "config",
    "conf": "config",
    "attr": "attribute",
    "attrs": "attributes",
    "prop": "property",
    "props": "properties",
    "env": "environment",
    "ip": "ip",
    "ipaddr": "ip address",
    "ipaddress": "ip address",
    "mac": "mac",
    "url": "url",
    "uri": "url",
    "href": "url",
    "hostname": "host name",
    "filename": "file name",
    "filepath": "file path",
    "filesize": "file size",
    "mimetype": "mime type",
    "useragent": "user agent",
    "ua": "user agent",
    "firstname": "first name",
    "lastname": "last name",
    "fullname": "full name",
    "givenname": "given name",
    "surname": "family name",
    "nickname": "nick name",
    "displayname": "display name",
    "emailaddress": "email",
    "mail": "email",
    "e": "e",
    "sex": "gender",
    "tz": "timezone",
    "utc": "utc",
    "gmt": "gmt",
    "iso": "iso",
    "sku": "sku",
    "upc": "upc",
    "ean": "ean",
    "isbn": "isbn",
    "vat": "vat",
    "tin": "tin",
    "ssn": "ssn",
    "iban": "iban",
    "bic": "bic",
    "swift": "bic",
    "ccnum": "card number",
    "pan": "card number",
    "cvv": "cvv",
    "cvc": "cvv",
    "exp": "expiry",
    "expires": "expiry",
    "expiration": "expiry",
    "creation": "created",
    "create": "created",
    "creat": "created",
    "modification": "modified",
    "modify": "modified",
    "mod": "modified",
    "upd": "updated",
    "update": "updated",
    "icon64": "icon",
    "ins": "inserted",
    "del": "deleted",
    "lastupdate": "last updated",
    "lastmodified": "last modified",
    "is": "is",
    "has": "has",
    "enabled": "enabled",
    "stat": "status",
    "sts": "status",
    "typ": "type",
    "tp": "type",
    "grp": "group",
    "acct": "account",
    "acc": "account",
    "bal": "balance",
    "pmt": "payment",
    "inv": "invoice",
    "txn": "transaction",
    "trx": "transaction",
    "tx": "transaction",
    "addr1": "address 1",
    "addr2": "address 2",
    "address1": "address 1",
    "address2": "address 2",
    "line1": "line 1",
    "line2": "line 2",
    "info": "info",
    "img_url": "image url",
    "thumb": "thumbnail",
    "avatar": "avatar",
    "bday": "birth date",
    "fax": "fax",
    "www": "website",
    "web": "website",
    "homepage": "website",
    "createdat": "created at",
    "updatedat": "updated at",
    "deletedat": "deleted at",
    "createdon": "created on",
    "updatedon": "updated on",
    "starttime": "start time",
    "endtime": "end time",
    "startdate": "start date",
    "enddate": "end date",
    "os": "os",
    "cpu": "cpu",
    "mem": "memory",
    "ram": "memory",
    "gb": "gb",
    "mb": "mb",
    "kb": "kb",
    "secret": "secret",
    "tok": "token",
    "hash": "hash",
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "sha": "sha",
    "crc": "checksum",
    "mkt": "market",
    "nb": "number",
    "mfgr": "manufacturer",
    "mfr": "manufacturer",
    "instruct": "instructions",
    "param": "parameter",
    "params": "parameters",
}

IRREGULAR_PLURALS = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "addresses": "address",
    "statuses": "status",
    "aliases": "alias",
    "indices": "index",
    "data": "data",
    "media": "media",
    "series": "series",
    "news": "news",
    "analyses": "analysis",
    "criteria": "criterion",
    "boxes": "box",
    "taxes": "tax",
    "classes": "class",
    "businesses": "business",
    "matrices": "matrix",
    "axes": "axis",
    "leaves": "leaf",
}
NOT_PLURAL = frozenset(
    {
        "status",
        "address",
        "class",
        "business",
        "access",
        "process",
        "alias",
        "bonus",
        "campus",
        "census",
        "virus",
        "bus",
        "gas",
        "news",
        "series",
        "analysis",
        "basis",
        "axis",
        "ss",
        "is",
        "has",
        "this",
        "yes",
        "days",
        "hours",
        "minutes",
        "seconds",
        "weeks",
        "months",
        "years",
        "plus",
        "minus",
        "lens",
        "atlas",
        "canvas",
        "dns",
        "os",
    }
)


def singular(word: str) -> str:
    """`countries` -> `country`, `statuses` -> `status`, `boxes` -> `box`; others as they are."""
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if word in NOT_PLURAL or len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


_SPLIT = re.compile(r"[a-z]+|[0-9]+")


# suffixes glued to a lower-case word (`posttypeid`, `createdate`, `username`)
GLUED = ("typeid", "id", "name", "date", "time", "code", "type", "count", "status", "url", "number")
WHOLE_WORDS = frozenset(
    {
        "candidate",
        "validate",
        "mandate",
        "runtime",
        "lifetime",
        "anytime",
        "sometime",
        "overtime",
        "halftime",
        "prototype",
        "genotype",
        "archetype",
        "stereotype",
        "barcode",
        "unicode",
        "encode",
        "decode",
        "rename",
        "android",
        "invalid",
        "hybrid",
        "pyramid",
        "discount",
        "viscount",
        "liquid",
        "squid",
        "daytime",
        "datetime",
        "bedtime",
        "mealtime",
        "downtime",
        "uptime",
        "realtime",
        "showtime",
        "teatime",
        "pastime",
        "postcode",
        "geocode",
        "opcode",
        "shortcode",
        "typecode",
        "subtype",
        "filetype",
        "mimetype",
        "codename",
        "surname",
        "nickname",
        "username",
        "hostname",
        "filename",
        "pathname",
    }
)


def _unglue(word: str) -> list[str]:
    if word in ABBREVIATIONS or word in WHOLE_WORDS or len(word) < 6:
        return [word]
    for suffix in GLUED:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            head = word[: -len(suffix)]
            tail = ["type", "id"] if suffix == "typeid" else [suffix]
            return _unglue(head) + tail
    return _segment(word)


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Words the catalog's name patterns use (and the abbreviations): what a glued name
    (`totalprice`, `acctbal`) is split into."""
    from datagen_assets.generate.meanings.catalog import MEANINGS

    words = set(ABBREVIATIONS) | {w for v in ABBREVIATIONS.values() for w in v.split()}
    for meaning in MEANINGS.values():
        words |= set(re.findall(r"[a-z]{3,}", meaning.names.pattern))
        if meaning.tables is not None:
            words |= set(re.findall(r"[a-z]{3,}", meaning.tables.pattern))
    return frozenset(w for w in words if len(w) >= 3)


# everyday words a glued name ends with (`extendedprice`, `ytdpayment`)
_WORDS = frozenset(
    {
        "price",
        "amount",
        "total",
        "count",
        "date",
        "time",
        "name",
        "number",
        "code",
        "type",
        "status",
        "balance",
        "payment",
        "quantity",
        "discount",
        "keyword",
    }
)


def _segment(word: str) -> list[str]:
    """`totalprice` -> total, price; `acctbal` -> acct, bal: two known words, or a known
    word of 4+ letters after any 3+ (`extendedprice` -> extended, price). Known words stay."""
    known = known_words()
    if word in known or singular(word) in known or len(word) < 6:
        return [word]
    fallback = None
    for cut in range(3, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        if tail in known and head in known:
            return [head, tail]
        if fallback is None and tail in _WORDS and len(head) >= 4:
            fallback = [head, tail]
    return fallback or [word]


# letters and digits that are one word (`md5`, `ipv4`), not a word and a number (`address2`)
ALNUM_WORDS = frozenset(
    {
        "md5",
        "sha1",
        "sha256",
        "sha512",
        "sha224",
        "sha384",
        "ipv4",
        "ipv6",
        "base64",
        "utf8",
        "utf16",
        "x509",
        "mp3",
        "mp4",
        "h264",
        "s3",
        "iso2",
        "iso3",
        "alpha2",
        "alpha3",
        "e164",
        "oauth2",
        "crc32",
        "b64",
        "pbkdf2",
        "argon2",
        "ec2",
        "i18n",
        "l10n",
        "k8s",
        "md4",
        "icon64",
        "co2",
        "pm25",
        "pm10",
    }
)


def _merge_alnum(parts: list[str]) -> list[str]:
    merged: list[str] = []
    for part in parts:
        if part.isdigit() and merged and merged[-1] + part in ALNUM_WORDS:
            merged[-1] += part
        else:
            merged.append(part)
    return merged


# abbreviations whose meaning depends on the words around them: `cc_number` is a card's,
# a bare `cc` the e-mail copy; `long` is a longitude only at the end (`start_long`), not in
# `long_output` or `long_prop_2`
CARD_WORDS = frozenset(
    "number num no nr type exp expiry expiration cvv cvc brand holder name month year last4"
    " last token".split()
)


def _in_context(word: str, after: list[str], before: list[str]) -> str:
    if word == "cc":
        return "card" if after and after[0] in CARD_WORDS else "cc"
    if word == "long":
        return "longitude" if not after or all(w.isdigit() for w in after) else "long"
    return word


CONTEXTUAL = frozenset({"cc", "long"})


@lru_cache(maxsize=65536)
def tokens(name: str) -> tuple[str, ...]:
    """Words of an identifier, abbreviations expanded: `BillingPostalCd` -> (`billing`,
    `postal`, `code`); digits stay separate words (`address2` -> `address`, `2`)."""
    raw: list[str] = []
    for part in snake_case(name).split("_"):
        for glued in _merge_alnum(_SPLIT.findall(part)):
            raw.extend(_unglue(glued) if glued.isalpha() else [glued])
    words: list[str] = []
    for at, word in enumerate(raw):
        if word in CONTEXTUAL:
            word = _in_context(word, raw[at + 1 :], raw[:at])
        words.extend(ABBREVIATIONS.get(word, word).split())
    return tuple(words)


@lru_cache(maxsize=16384)
def table_tokens(name: str) -> tuple[str, ...]:
    """Words of a table name, singular, without schema and the usual prefixes
    (`tbl_`, `t_`, application prefixes stay: `guacamole_user` -> guacamole, user)."""
    name = name.rsplit(".", 1)[-1]
    words = [singular(w) for w in tokens(name)]
    while len(words) > 1 and words[0] in ("tbl", "tb", "t", "tab", "dim", "fact", "ref", "lkp"):
        words = words[1:]
    return tuple(words)

"""Security: password hashes in the shapes real algorithms write (bcrypt, argon2, PBKDF2,
SHA-256 hex), API tokens, secrets, salts, base64 keys, digests."""

from __future__ import annotations

from datagen_assets.generate.generators import Pattern
from datagen_assets.generate.meanings.catalog import add
from datagen_assets.generate.meanings.values import BytesByMeaning

B64 = "[A-Za-z0-9+/]"
S = "security"


def _password_hash(column, table):
    length = column.type.length
    if length is not None and length < 60:
        return Pattern(f"[0-9a-f]{{{min(length, 64) if length >= 32 else length}}}")
    return Pattern(r"\$2b\$12\$[./A-Za-z0-9]{53}")


add(
    "password_hash",
    S,
    "text",
    r"(\w+ )?(password|passwd|pass|pwd|password hash|hashed password|encrypted password|"
    r"password digest|crypted password|pin hash)( hash| digest)?",
    _password_hash,
    lengths=(32, 255),
)
add(
    "password_bytes",
    S,
    "bytes",
    r"(\w+ )?(password|passwd|pwd|password hash)( hash)?",
    BytesByMeaning("digest", 32),
)
add("salt", S, "text", r"(\w+ )?salt", Pattern(r"[0-9a-f]{32}"), lengths=(8, 64))
add("salt_bytes", S, "bytes", r"(\w+ )?salt", BytesByMeaning("digest", 32))
add(
    "api_token",
    S,
    "text",
    r"(\w+ )?(token|api key|access key|secret key|client secret|secret|refresh token|"
    r"access token|auth token|session (id|key|token)|nonce|otp secret|signature|csrf)",
    lambda c, t: Pattern(f"[A-Za-z0-9]{{{min(max((c.type.length or 40), 8), 40)}}}"),
    lengths=(8, 4096),
)
add(
    "md5",
    S,
    "text",
    r"(\w+ )?md5( hash| sum| checksum)?",
    Pattern(r"[0-9a-f]{32}"),
    lengths=(32, 32),
)
add(
    "sha1",
    S,
    "text",
    r"(\w+ )?sha1( hash| sum)?|commit (hash|sha)|git sha",
    Pattern(r"[0-9a-f]{40}"),
    lengths=(40, 40),
)
add(
    "sha256",
    S,
    "text",
    r"(\w+ )?(sha256|sha|hash|checksum|digest|fingerprint|etag)( hash| sum| value)?",
    lambda c, t: Pattern(f"[0-9a-f]{{{min(c.type.length or 64, 64)}}}"),
    lengths=(16, 128),
)
add(
    "digest_bytes",
    S,
    "bytes",
    r"(\w+ )?(hash|checksum|digest|md5|sha1|sha256|sha|fingerprint|signature)",
    lambda c, t: BytesByMeaning(
        "digest", 16 if "md5" in c.name.lower() else 20 if "sha1" in c.name.lower() else 32
    ),
)
add(
    "key_bytes",
    S,
    "bytes",
    r"(\w+ )?(key|secret|token|nonce|iv|cipher( text)?|encrypted \w+)",
    BytesByMeaning("digest", 32),
)
add(
    "public_key",
    S,
    "text",
    r"(public|private|ssh|pgp|rsa) key|certificate|cert|pem",
    Pattern("MIIB" + B64 + "{120}=="),
)

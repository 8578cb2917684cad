"""Strings matching a regular expression, generated a column at a time.

The pattern is parsed once with Python's own regex parser (`re._parser`); each node becomes a
vector operation over all rows: a literal is a constant, a class picks from its characters by
hashed index, a repeat draws a count per row and masks the copies beyond it, a branch picks an
alternative per row. Unbounded repeats (`*`, `+`) are capped at `UNBOUNDED_EXTRA` beyond their
minimum, so values stay short and the cost stays linear in the rows. Every draw comes from a
sub-stream keyed by the node's position, so values are pure functions of the row index.
"""

from __future__ import annotations

import re
import string

import numpy as np
import polars as pl

from datagen_assets.generate import random as rnd

try:  # Python 3.11+
    from re import _constants as sre
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

UNBOUNDED_EXTRA = 8
PRINTABLE = string.ascii_letters + string.digits + "-_.!#$%&*+=?@^~"
CATEGORIES = {
    sre.CATEGORY_DIGIT: string.digits,
    sre.CATEGORY_NOT_DIGIT: string.ascii_letters + "-_ ",
    sre.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre.CATEGORY_NOT_WORD: " -.,;:!?",
    sre.CATEGORY_SPACE: " ",
    sre.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}


def validate_pattern(pattern: str) -> None:
    """Raise ValueError naming what is unsupported (backreferences, lookarounds)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as error:
        raise ValueError(f"invalid regex {pattern!r}: {error}") from None
    _check(parsed, pattern)


def _check(nodes, pattern: str) -> None:
    for op, value in nodes:
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS, sre.ASSERT, sre.ASSERT_NOT):
            raise ValueError(f"regex {pattern!r}: backreferences and lookarounds are not "
                             "supported for generation")
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            _check(value[2], pattern)
        elif op == sre.SUBPATTERN:
            _check(value[3], pattern)
        elif op == sre.BRANCH:
            for branch in value[1]:
                _check(branch, pattern)


def generate_matching(pattern: str, key: int, rows: np.ndarray) -> pl.Series:
    """One string per row, each matching `pattern` (anchors are implied)."""
    return _sequence(sre_parse.parse(pattern), key, rows, "r")


def _sequence(nodes, key: int, rows: np.ndarray, path: str) -> pl.Series:
    parts = [_node(op, value, key, rows, f"{path}.{i}") for i, (op, value) in enumerate(nodes)]
    parts = [p for p in parts if p is not None]
    if not parts:
        return pl.Series([""] * len(rows), dtype=pl.String)
    frame = pl.DataFrame({f"p{i}": p for i, p in enumerate(parts)})
    return frame.select(pl.concat_str(pl.all())).to_series()


def _node(op, value, key: int, rows: np.ndarray, path: str) -> pl.Series | None:
    n = len(rows)
    if op == sre.LITERAL:
        return pl.Series([chr(value)] * n, dtype=pl.String)
    if op == sre.ANY:
        return _pick(PRINTABLE, key, rows, path)
    if op == sre.IN:
        return _pick(_class_chars(value), key, rows, path)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, body = value
        high = low + UNBOUNDED_EXTRA if high == sre.MAXREPEAT else high
        count = rnd.integers(rnd.stream_key(key, path, "count"), rows, low, high)
        copies = [_sequence(body, key, rows, f"{path}.{i}") for i in range(high)]
        if not copies:
            return None
        frame = pl.DataFrame({f"c{i}": c for i, c in enumerate(copies)} | {"n": count})
        kept = [pl.when(pl.col("n") > i).then(pl.col(f"c{i}")).otherwise(pl.lit(""))
                for i in range(high)]
        return frame.select(pl.concat_str(kept)).to_series()
    if op == sre.SUBPATTERN:
        return _sequence(value[3], key, rows, path)
    if op == sre.BRANCH:
        branches = [_sequence(b, key, rows, f"{path}.{i}") for i, b in enumerate(value[1])]
        choice = rnd.indexes(rnd.stream_key(key, path, "branch"), rows, len(branches))
        frame = pl.DataFrame({f"b{i}": b for i, b in enumerate(branches)} | {"k": choice})
        expr = pl.col("b0")
        for i in range(1, len(branches)):
            expr = pl.when(pl.col("k") == i).then(pl.col(f"b{i}")).otherwise(expr)
        return frame.select(expr).to_series()
    if op == sre.AT:
        return None  # ^ $ \b: the generated value is the whole string
    raise ValueError(f"regex construct {op} is not supported for generation")


def _class_chars(items) -> str:
    chars: list[str] = []
    negate = False
    for op, value in items:
        if op == sre.NEGATE:
            negate = True
        elif op == sre.LITERAL:
            chars.append(chr(value))
        elif op == sre.RANGE:
            chars.extend(chr(c) for c in range(value[0], value[1] + 1))
        elif op == sre.CATEGORY:
            chars.extend(CATEGORIES.get(value, string.ascii_letters))
    if negate:
        excluded = set(chars)
        chars = [c for c in PRINTABLE if c not in excluded]
    return "".join(dict.fromkeys(chars)) or "x"


def _pick(chars: str, key: int, rows: np.ndarray, path: str) -> pl.Series:
    pool = pl.Series(list(chars), dtype=pl.String)
    return pool.gather(rnd.indexes(rnd.stream_key(key, path), rows, len(pool)))

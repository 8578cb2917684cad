"""Strings matching a regular expression, generated a column at a time.

The pattern is parsed once with Python's own regex parser (`re._parser`); each node becomes a
vector operation over all rows: a literal is a constant, a class picks from its characters by
hashed index, a repeat draws a count per row and masks the copies beyond it, a branch picks an
alternative per row. Unbounded repeats (`*`, `+`) are capped at `UNBOUNDED_EXTRA` beyond their
minimum, so values stay short and the cost stays linear in the rows. Every draw comes from a
sub-stream keyed by the node's position, so values are pure functions of the row index.

As a key, a fixed-length pattern (literals, classes, `{n}` repeats, groups; no alternatives or
ranges of repeats, which could spell one string two ways) is a row of *slots*, one per
character, and its strings are numbered in mixed radix: a unique index is a bijection onto
that numbering, so no string repeats. For a unique index on lower()/upper()/trim() a slot's
characters are grouped by case folding (`a`/`A` are one digit value, the letter's case is
drawn freely) and white space is kept out of slots that vary, so trimming removes the same
characters from every value.
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
MAX_UNIQUE = 1 << 62  # digits beyond this many combinations are drawn freely (int64 maths)
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


# Repeats and groups that match like the plain ones when generating (Python 3.11+ adds
# possessive repeats `a*+` and atomic groups `(?>...)`; they only change backtracking).
REPEATS = tuple(
    getattr(sre, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(sre, name)
)
ATOMIC = getattr(sre, "ATOMIC_GROUP", None)


def _check(nodes, pattern: str) -> None:
    for op, value in nodes:
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS, sre.ASSERT, sre.ASSERT_NOT):
            raise ValueError(
                f"regex {pattern!r}: backreferences and lookarounds are not "
                "supported for generation"
            )
        if op in REPEATS:
            _check(value[2], pattern)
        elif op == ATOMIC:
            _check(value, pattern)
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
    if op == sre.NOT_LITERAL:  # `[^/]`: any printable character but that one
        return _pick(_not_literal(value), key, rows, path)
    if op == ATOMIC:
        return _sequence(value, key, rows, path)
    if op in REPEATS:
        low, high, body = value
        high = low + UNBOUNDED_EXTRA if high == sre.MAXREPEAT else high
        count = rnd.integers(rnd.stream_key(key, path, "count"), rows, low, high)
        chars = _single_chars(body)
        if chars is not None and high > 0:  # `[A-Z0-9]{20}`: one matrix, not 20 frames
            return _repeat_chars(chars, key, rows, f"{path}", high, count)
        copies = [_sequence(body, key, rows, f"{path}.{i}") for i in range(high)]
        if not copies:
            return None
        frame = pl.DataFrame({f"c{i}": c for i, c in enumerate(copies)} | {"n": count})
        kept = [
            pl.when(pl.col("n") > i).then(pl.col(f"c{i}")).otherwise(pl.lit(""))
            for i in range(high)
        ]
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


def _single_chars(body) -> str | None:
    """The characters a repeat's body picks from when it is one character node, else None."""
    if len(body) != 1:
        return None
    op, value = body[0]
    if op == sre.LITERAL:
        return chr(value)
    if op == sre.ANY:
        return PRINTABLE
    if op == sre.IN:
        return _class_chars(value)
    if op == sre.NOT_LITERAL:
        return _not_literal(value)
    return None


def _repeat_chars(
    chars: str, key: int, rows: np.ndarray, path: str, high: int, count: np.ndarray
) -> pl.Series:
    """`count` characters per row, copy i drawn from the stream `_pick` would use for it
    (so values are those of the copy-by-copy way), as code points in a matrix: positions
    past a row's count are NUL, which numpy's fixed-width strings drop at the end."""
    pool = np.array([ord(c) for c in chars], dtype=np.uint32)
    codes = np.empty((len(rows), high), dtype=np.uint32)
    for i in range(high):
        picked = rnd.indexes(rnd.stream_key(key, f"{path}.{i}.0"), rows, len(pool))
        codes[:, i] = np.where(count > i, pool[picked], 0)
    return pl.Series(np.ascontiguousarray(codes).view(f"<U{high}").ravel(), dtype=pl.String)


def _not_literal(code: int) -> str:
    return "".join(c for c in PRINTABLE if c != chr(code))


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


# ---------------------------------------------------------------- distinct values (keys)


FIXED_REPEAT = 8  # characters a `+`/`*` repeat spells in unique values (within its bounds)


def unique_space(pattern: str, folded: bool) -> tuple[int, int]:
    """(characters per value, how many distinct values) of the pattern at fixed length
    (see `FIXED_REPEAT`, and `_flatten` for alternatives)."""
    slots = _slots(pattern, folded)
    width = sum(len(_first(groups)) for groups in slots)
    return width, _capacity([len(groups) for groups in slots])


def _first(groups: tuple) -> str:
    """One option of a slot: a character, or the string of an alternative."""
    first = groups[0]
    return first[0] if isinstance(first, tuple) else first[:1]


def generate_unique(pattern: str, key: int, index: np.ndarray, folded: bool) -> pl.Series:
    """The `index`-th strings of the pattern's numbering (after a keyed permutation, so
    neighbouring rows do not spell neighbouring strings): distinct for distinct indexes, and
    after case folding and trimming too when `folded`."""
    slots = _slots(pattern, folded)
    radix = [len(groups) for groups in slots]
    capacity = _capacity(radix)
    number = rnd.permute(rnd.stream_key(key, "number"), index, capacity)
    budget = 1
    digits = []
    for position, size in enumerate(radix):
        if size > 1 and budget * size <= capacity:  # a digit of the numbering
            digit = number % size
            number = number // size
            budget *= size
        else:  # beyond the numbering (or a constant): drawn freely, never needed to differ
            digit = rnd.indexes(rnd.stream_key(key, "free", position), index, size)
        digits.append(digit)
    if not slots:
        return pl.Series([""] * len(index), dtype=pl.String)
    if all(not isinstance(g, tuple) for groups in slots for g in groups):  # one char a slot
        codes = np.empty((len(index), len(slots)), dtype=np.uint32)
        for position, groups in enumerate(slots):
            stream = rnd.stream_key(key, "case", position)
            codes[:, position] = _variant(groups, digits[position], stream, index)
        return pl.Series(codes.view(f"<U{len(slots)}").ravel(), dtype=pl.String)
    parts = []  # an alternative spans several characters: one string column a slot
    for position, groups in enumerate(slots):
        stream = rnd.stream_key(key, "case", position)
        if isinstance(groups[0], tuple):  # alternatives, grouped by their folded spelling
            options = np.array([o for g in groups for o in g], dtype=object)
            sizes = np.array([len(g) for g in groups], dtype=np.int64)
            starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
            digit = digits[position]
            offset = (rnd.mix(stream, index) % sizes[digit].astype(np.uint64)).astype(np.int64)
            parts.append(pl.Series(options[starts[digit] + offset], dtype=pl.String))
        else:
            codes = _variant(groups, digits[position], stream, index)
            parts.append(pl.Series(codes.view("<U1"), dtype=pl.String))
    return pl.select(pl.concat_str(parts)).to_series().alias("")


def _capacity(radix: list[int]) -> int:
    capacity = 1
    for size in radix:
        if size > 1 and capacity * size <= MAX_UNIQUE:
            capacity *= size
    return capacity


def _variant(groups: tuple[str, ...], digit: np.ndarray, key: int, index: np.ndarray) -> np.ndarray:
    """One character (as a code point) per row from group `digit` of the slot: its only
    one, or a case variant drawn from the stream (which never matters once case is folded)."""
    flat = np.array([ord(c) for c in "".join(groups)], dtype=np.uint32)
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    offset = (rnd.mix(key, index) % sizes[digit].astype(np.uint64)).astype(np.int64)
    return flat[starts[digit] + offset]


def _slots(pattern: str, folded: bool) -> list[tuple[str, ...]]:
    """One tuple of character groups per character of the value. A group's characters are
    interchangeable: one each unless `folded`, then those equal after case folding; a
    white-space group is reduced to one character, and left out of a slot that varies."""
    from datagen_assets.generate.generators import fold

    chars: list = []
    _flatten(sre_parse.parse(pattern), chars, pattern)
    slots = []
    for options in chars:
        if isinstance(options, tuple):  # alternatives: strings of one length
            by_fold: dict[str, list[str]] = {}
            for option in options:
                by_fold.setdefault(fold(option) if folded else option, []).append(option)
            slots.append(tuple(tuple(g) for g in by_fold.values()))
            continue
        if not folded:
            slots.append(tuple(options))
            continue
        groups: dict[str, str] = {}
        for char in options:
            groups[fold(char)] = groups.get(fold(char), "") + char
        if len(groups) > 1:
            groups.pop("", None)  # white space only where every value has the same
        slots.append(tuple(g[0] if not folded_key else g for folded_key, g in groups.items()))
    return slots


def _flatten(nodes, out: list, pattern: str) -> None:
    """The characters each position of a fixed-length pattern may take, in order."""
    for op, value in nodes:
        if op == sre.LITERAL:
            out.append(chr(value))
        elif op == sre.ANY:
            out.append(PRINTABLE)
        elif op == sre.IN:
            out.append(_class_chars(value))
        elif op == sre.NOT_LITERAL:
            out.append(_not_literal(value))
        elif op == sre.SUBPATTERN:
            _flatten(value[3], out, pattern)
        elif op == ATOMIC:
            _flatten(value, out, pattern)
        elif op in REPEATS:
            # a repeat of varying length (`[a-z0-9-]+`) is used at one length inside its
            # range: every value is still in the pattern's language, and distinct values
            # cannot meet through different lengths
            low, high = value[0], value[1]
            for _ in range(max(low, min(high, FIXED_REPEAT))):
                _flatten(value[2], out, pattern)
        elif op == sre.BRANCH:
            _branch(value[1], out, pattern)
        elif op != sre.AT:
            raise ValueError(
                f"pattern {pattern!r} cannot enumerate distinct values: {op} is not read "
                "for keys; use a pattern such as [A-Z]{3}[0-9]{4}"
            )


def _branch(alternatives, out: list, pattern: str) -> None:
    """Alternatives in a key's pattern, at one length as a repeat is: the literal ones of
    the length most of them share make one slot of whole strings (`(AB|CD)-[0-9]{3}`: AB or
    CD, then three digits), so distinct numbers still spell distinct values of one length;
    otherwise the alternative with the most values is used alone. Every value matches."""
    flattened = []
    for alternative in alternatives:
        positions: list = []
        _flatten(alternative, positions, pattern)
        flattened.append(positions)
    literal = ["".join(p) for p in flattened if all(isinstance(c, str) and len(c) == 1 for c in p)]
    if literal:
        lengths = [len(w) for w in literal]
        width = max(set(lengths), key=lambda n: (lengths.count(n), -lengths.index(n)))
        words = tuple(dict.fromkeys(w for w in literal if len(w) == width))
        if len(words) > 1 or len(literal) == len(flattened):
            if width:
                out.append(words)
            return

    def size(positions: list) -> int:
        return _capacity([len(c) for c in positions])

    out.extend(max(flattened, key=size))

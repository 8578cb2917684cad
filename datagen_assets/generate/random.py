"""Counter-based randomness: every draw is a hash of (stream key, row index).

There is no generator state to advance, so row 1,000,000 costs the same as row 0, any chunk
can be drawn alone on any worker, and a chunk equals the same rows of a whole-table run. A
stream key is derived from (seed, table, column, purpose) with BLAKE2b; rows are mixed with
the SplitMix64 finaliser, which is a bijection of 64-bit integers and passes BigCrush when
fed a Weyl sequence, all in numpy vector operations.
"""

from __future__ import annotations

import hashlib

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 2.0**-53


def stream_key(*parts: object) -> int:
    """A 64-bit key for one independent random stream, stable across runs and machines."""
    text = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def mix(key: int, rows: np.ndarray) -> np.ndarray:
    """64 random bits per row: SplitMix64 of the row's Weyl sequence value."""
    # in place after the first product: one 8-byte-per-row array, not one per operator
    z = (rows.view(np.uint64) if rows.dtype == np.int64 else rows.astype(np.uint64)) * _GOLDEN
    z += np.uint64(key)
    z ^= z >> np.uint64(30)
    z *= _M1
    z ^= z >> np.uint64(27)
    z *= _M2
    z ^= z >> np.uint64(31)
    return z


def uniform(key: int, rows: np.ndarray) -> np.ndarray:
    """Floats in [0, 1)."""
    bits = mix(key, rows)
    bits >>= np.uint64(11)
    values = bits.astype(np.float64)
    values *= _TO_UNIT
    return values


def integers(key: int, rows: np.ndarray, low: int, high: int) -> np.ndarray:
    """Integers in [low, high] (inclusive), by Lemire's multiply-shift on 32-bit halves when
    the span fits, else by modulo (its bias is < span / 2**64)."""
    span = high - low + 1
    if span <= 0:
        raise ValueError(f"empty integer range [{low}, {high}]")
    bits = mix(key, rows)
    if span <= 1 << 32:
        bits >>= np.uint64(32)
        bits *= np.uint64(span)
        bits >>= np.uint64(32)
    else:
        bits %= np.uint64(span)
    picked = bits.view(np.int64)  # < 2**63 either way: the same numbers
    if low:
        picked += np.int64(low)
    return picked


def indexes(key: int, rows: np.ndarray, size: int) -> np.ndarray:
    """Positions in [0, size), for picking from a pool."""
    return integers(key, rows, 0, size - 1)


def normal(key: int, rows: np.ndarray) -> np.ndarray:
    """Standard normal draws by Box-Muller over two sub-streams."""
    u1 = 1.0 - uniform(stream_key(key, "n1"), rows)  # (0, 1]: log stays finite
    u2 = uniform(stream_key(key, "n2"), rows)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def weighted(key: int, rows: np.ndarray, weights: list[float] | np.ndarray) -> np.ndarray:
    """Positions drawn with the given relative weights."""
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    cumulative /= cumulative[-1]
    return np.minimum(
        np.searchsorted(cumulative, uniform(key, rows), side="right"), len(cumulative) - 1
    )


def permute(key: int, rows: np.ndarray, size: int) -> np.ndarray:
    """A keyed bijection of [0, size) onto itself: a 4-round Feistel network over the
    smallest even power of two >= size, with cycle walking back into range. Used to spread
    unique keys (and parent choices of composite keys) without any collision."""
    if size <= 1:
        return np.zeros(len(rows), dtype=np.int64)
    half_bits = max(1, (int(size - 1).bit_length() + 1) // 2)
    mask = np.uint64((1 << half_bits) - 1)
    shift = np.uint64(half_bits)
    round_keys = [stream_key(key, "feistel", r) for r in range(4)]
    result = np.empty(len(rows), dtype=np.uint64)
    pending = np.arange(len(rows))  # positions still outside [0, size) after a pass
    v = rows.astype(np.uint64)
    while len(pending):  # each pass works on the stragglers only
        left, right = v >> shift, v & mask
        for round_key in round_keys:
            left, right = right, left ^ (mix(round_key, right) & mask)
        v = (left << shift) | right
        outside = v >= np.uint64(size)
        inside = ~outside
        result[pending[inside]] = v[inside]
        pending, v = pending[outside], v[outside]
    return result.astype(np.int64)

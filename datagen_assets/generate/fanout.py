"""Fan-out: how child rows spread over the parent rows a foreign key points to.

Every distribution maps a child row index to a parent row index without reading any data, so
it stays a pure function of the row. `fixed` and `range` lay children out contiguously in
parent order (the children of parent p are one run of rows), which is what lets a parent
compute aggregates of its own children (`sum_of_children`) without ever seeing them.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from datagen_assets.generate import random as rnd


def range_counts(key: int, parent_rows: int, low: int, high: int) -> np.ndarray:
    """Children per parent for `range`: a hashed count in [low, high] for each parent."""
    return rnd.integers(
        rnd.stream_key(key, "counts"), np.arange(parent_rows, dtype=np.int64), low, high
    )


@lru_cache(maxsize=64)
def _range_bounds(key: int, parent_rows: int, low: int, high: int) -> np.ndarray:
    """Cumulative ends: children of parent p are rows [ends[p-1], ends[p])."""
    return np.cumsum(range_counts(key, parent_rows, low, high))


def range_total(key: int, parent_rows: int, low: int, high: int) -> int:
    return int(_range_bounds(key, parent_rows, low, high)[-1]) if parent_rows else 0


def parents_by_range(
    key: int, rows: np.ndarray, parent_rows: int, low: int, high: int
) -> np.ndarray:
    ends = _range_bounds(key, parent_rows, low, high)
    return np.searchsorted(ends, rows, side="right").astype(np.int64)


def children_by_range(
    key: int, parents: np.ndarray, parent_rows: int, low: int, high: int
) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop child rows of each parent."""
    ends = _range_bounds(key, parent_rows, low, high)
    stops = ends[parents]
    starts = np.where(parents > 0, ends[np.maximum(parents - 1, 0)], 0)
    return starts.astype(np.int64), stops.astype(np.int64)


@lru_cache(maxsize=16)
def _zipf_weights(parent_rows: int, s: float) -> np.ndarray:
    return 1.0 / np.arange(1, parent_rows + 1, dtype=np.float64) ** s


def parents_by_zipf(key: int, rows: np.ndarray, parent_rows: int, s: float) -> np.ndarray:
    """Popular parents by rank, scattered over the parent table by a keyed permutation (so
    the busiest customer is not always row 0)."""
    ranks = rnd.weighted(key, rows, _zipf_weights(parent_rows, s))
    return rnd.permute(rnd.stream_key(key, "scatter"), ranks, parent_rows)


def tree_levels(rows: int, roots: float, depth: int) -> np.ndarray:
    """Row bounds of each level of a self-referencing tree: level 0 holds the roots, the rest
    is split evenly over the deeper levels."""
    top = min(rows, max(1, math.ceil(roots * rows)))
    deeper = max(depth - 1, 0)
    bounds = [0, top]
    for level in range(1, deeper + 1):
        bounds.append(top + (rows - top) * level // deeper)
    bounds[-1] = rows
    return np.array(bounds, dtype=np.int64)


def parents_in_tree(
    key: int, rows: np.ndarray, table_rows: int, roots: float, depth: int
) -> tuple[np.ndarray, np.ndarray]:
    """(parent row, is root) per row: a row of level L picks a parent in level L-1."""
    bounds = tree_levels(table_rows, roots, depth)
    level = np.searchsorted(bounds, rows, side="right") - 1
    is_root = level == 0
    start = bounds[np.maximum(level - 1, 0)]
    stop = bounds[np.maximum(level, 1)]
    width = np.maximum(stop - start, 1)
    picked = start + np.floor(rnd.uniform(key, rows) * width).astype(np.int64)
    return np.where(is_root, rows, picked), is_root

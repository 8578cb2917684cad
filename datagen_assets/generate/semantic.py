"""Semantic detection: which generator a column gets from what it means.

The catalog of meanings and the scored detection live in `generate/meanings/` (one module
per domain); this module is the engine's entry point to it. `detect(column, table)` is the
generator for a column no config override names; `explain(column, table)` says which
meaning was chosen, on what evidence, with which generator.
"""

from __future__ import annotations

from datagen_assets.generate.meanings import Detection, detect, domain_weights, explain

__all__ = ["Detection", "detect", "domain_weights", "explain"]

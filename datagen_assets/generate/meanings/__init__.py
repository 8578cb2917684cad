"""The catalog of meanings (semantic types): one module per domain, each a table of
meanings a reader scans in one screen; `detect` scores them against a column
(`detect.py`). Importing the package registers every domain."""

from __future__ import annotations

from datagen_assets.generate.meanings import (  # noqa: F401 - each registers its meanings
    commerce,
    contact,
    finance,
    flags,
    geo,
    identifiers,
    media,
    org,
    people,
    prose,
    reference,
    security,
    structured,
    time,
    vocabularies,
    web,
)
from datagen_assets.generate.meanings.catalog import MEANINGS, Meaning
from datagen_assets.generate.meanings.detect import Detection, detect, domain_weights, explain

__all__ = ["MEANINGS", "Detection", "Meaning", "detect", "domain_weights", "explain"]

"""DataGen: database schemas in, synthetic datasets out, as a Dagster asset graph.

`defs` is what `dagster dev -m datagen_assets` and `dagster asset materialize -m datagen_assets`
load. It is lazy (Dagster's `@definitions`) and resolved on first access: importing any part of
the package (the checks, the CLI) reads no schema, imports no Dagster and touches no network or
database, and every load sees the environment (`DATAGEN_*`) of the process that loads it.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "defs":
        from dagster import Definitions, definitions

        def defs() -> Definitions:
            from datagen_assets.orchestrate.factory import build_definitions

            return build_definitions()

        return definitions(defs)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # Dagster discovers definitions by listing module members; make `defs` one of them.
    return sorted([*globals(), "defs"])

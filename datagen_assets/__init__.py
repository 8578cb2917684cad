"""DataGen: database schemas in, synthetic datasets out, as a Dagster asset graph.

`defs` is what `dagster dev -m datagen_assets` and `dagster asset materialize -m datagen_assets`
load. It is lazy (Dagster's `@definitions`) and resolved on first access: importing any part of
the package (the checks, the CLI) reads no schema, imports no Dagster and touches no network or
database, and every load sees the environment (`DATAGEN_*`) of the process that loads it.
"""

from __future__ import annotations

import logging
from typing import Any

# sqlglot logs a warning whenever it reads a statement as an opaque Command ("contains
# unsupported syntax"), on any parse anywhere (the importer, the schema cache reading a CHECK
# back, exports): what DataGen does not model is reported as a note with its file and line,
# never as a raw log line on the user's terminal.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


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

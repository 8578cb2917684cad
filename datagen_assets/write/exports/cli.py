"""`python -m datagen_assets.write.exports ...`: the old spelling of `datagen export`, kept as an
alias (it forwards its arguments; `--dataset NAME` is still accepted).

    datagen export shop --format csv --out exports/shop-csv
    datagen export shop --format sql --dialect mysql
    datagen export shop --profile fixtures --from-storage
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from datagen_assets.cli import main as datagen

    return datagen(["export", *(argv if argv is not None else sys.argv[1:])])

"""What every format shares: the options of a run, a table's chunks, and the Exporter record.

An exporter never sees where rows come from (Parquet storage or the engine) nor where bytes go
(local disk or an object store, compressed or not): it reads `TableChunks`, one polars frame at
a time, and writes bytes to a binary stream. That is what keeps memory bounded by the chunk
size, and what lets the registry stay one screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import polars as pl

from datagen_assets.plan.plan import TablePlan
from datagen_assets.schema.model import Table


@dataclass(frozen=True)
class ExportOptions:
    """Options of one export run. `dialect` is the SQL dialect of INSERT statements and
    `batch_rows` their rows per statement; `limit` keeps the first rows of each table
    (fixtures); `pretty` indents JSON. `schema_dialect` is the dialect the schema was written
    in (set from the dataset, not by users), for formats that re-emit its types."""

    compression: str | None = None
    dialect: str | None = None
    batch_rows: int = 500
    limit: int | None = None
    pretty: bool = False
    schema_dialect: str | None = None


class TableChunks:
    """One table's rows as an iterable of frames in row order, counted as they stream past.

    `rows` is known before any chunk is read (from the plan or Parquet footers), so checks such
    as Excel's row limit can fail before a byte is written; `written` is what really went out
    and is what the manifest records.
    """

    def __init__(self, plan: TablePlan, rows: int, chunks: Callable[[], Iterable[pl.DataFrame]]):
        self.plan = plan
        self.rows = rows
        self.written = 0
        self._chunks = chunks  # called on first iteration: nothing is read before then

    @property
    def table(self) -> Table:
        return self.plan.table

    @property
    def key(self) -> str:
        return self.plan.key

    def __iter__(self) -> Iterator[pl.DataFrame]:
        for chunk in self._chunks():
            self.written += chunk.height
            yield chunk


WriteFn = Callable[[Sequence[TableChunks], BinaryIO, ExportOptions], None]
ValidateFn = Callable[[Sequence[TableChunks], ExportOptions], None]


def no_validation(tables: Sequence[TableChunks], options: ExportOptions) -> None:
    """Most formats accept any table."""


@dataclass(frozen=True)
class Exporter:
    """A format. `per_table` formats write one file per table (`<table><suffix>`), the others
    one file for the whole export (`<dataset><suffix>`); `{dialect}` in the suffix is filled
    from the options. `validate` runs before any file is opened."""

    name: str
    suffix: str
    write: WriteFn
    per_table: bool = True
    validate: ValidateFn = no_validation
    dialects: tuple[str, ...] = ()

    def file_suffix(self, options: ExportOptions) -> str:
        return self.suffix.format(dialect=options.dialect)

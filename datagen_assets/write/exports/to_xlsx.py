"""Excel: one workbook, one sheet per table (header row, then the rows), via xlsxwriter.

xlsxwriter's constant-memory mode flushes each row to a temporary file as soon as the next
one starts, so memory stays bounded by the chunk, not the table. Excel caps a sheet at
1,048,576 rows: `validate` refuses an oversized table by name before any file is opened.
The workbook's creation date is pinned and xlsxwriter pins the zip entries' dates, so the same
rows give the same bytes. Values are written with typed calls (never `write`), so text such as
`=1+1` or a URL stays text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from typing import BinaryIO

import polars as pl

from datagen_assets.write.exports.base import ExportOptions, TableChunks
from datagen_assets.write.postgres import to_copy_text

EXCEL_MAX_DATA_ROWS = 1_048_575  # 1,048,576 rows per sheet, less the header
SHEET_NAME_MAX = 31
FIXED_CREATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # no run time in the file
FORMATS = {pl.Date: "yyyy-mm-dd", pl.Datetime: "yyyy-mm-dd hh:mm:ss", pl.Time: "hh:mm:ss"}


def validate(tables: Sequence[TableChunks], options: ExportOptions) -> None:
    for table in tables:
        if table.rows > EXCEL_MAX_DATA_ROWS:
            raise ValueError(
                f"xlsx: table {table.key} has {table.rows:,} rows, more than the "
                f"{EXCEL_MAX_DATA_ROWS:,} data rows an Excel sheet holds; export it as csv or "
                "parquet, or leave it out with --tables"
            )


def write(tables: Sequence[TableChunks], out: BinaryIO, options: ExportOptions) -> None:
    import xlsxwriter  # only needed for this format

    validate(tables, options)
    with tempfile.TemporaryDirectory(prefix="datagen-xlsx-") as folder:
        path = os.path.join(folder, "book.xlsx")
        options_ = {"constant_memory": True, "tmpdir": folder, "nan_inf_to_errors": True}
        workbook = xlsxwriter.Workbook(path, options_)
        workbook.set_properties({"created": FIXED_CREATED})
        formats = {dtype: workbook.add_format({"num_format": f}) for dtype, f in FORMATS.items()}
        for name, table in zip(sheet_names([t.key for t in tables]), tables, strict=True):
            sheet = workbook.add_worksheet(name)
            for column, header in enumerate(table.table.column_names):
                sheet.write_string(0, column, header)
            row = 1
            for chunk in table:
                frame = excel_ready(chunk)
                writers = [_writer(sheet, dtype, formats) for dtype in frame.dtypes]
                for values in frame.iter_rows():
                    for column, value in enumerate(values):
                        if value is not None:
                            method, cell_format = writers[column]
                            method(row, column, value, cell_format)
                    row += 1
        workbook.close()
        with open(path, "rb") as book:
            shutil.copyfileobj(book, out, 1 << 20)


def excel_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Values Excel can hold: decimals as doubles (Excel's only number), instants as UTC wall
    time (Excel has no time zones), intervals/bytea/arrays as their PostgreSQL text."""
    text = to_copy_text(frame)
    exprs = []
    for name, dtype in text.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.Decimal):
            column = column.cast(pl.Float64)
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            column = column.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        exprs.append(column)
    return text.select(exprs)


def _writer(sheet, dtype: pl.DataType, formats: dict):
    if dtype == pl.Boolean:
        return sheet.write_boolean, None
    if dtype.is_numeric():
        return sheet.write_number, None
    for temporal, cell_format in formats.items():
        if isinstance(dtype, temporal):
            return sheet.write_datetime, cell_format
    return sheet.write_string, None


def sheet_names(keys: Sequence[str]) -> list[str]:
    """Valid, distinct sheet names: no `[]:*?/\\`, at most 31 characters, unique ignoring
    case (Excel's rule), a `~n` suffix where truncation makes two equal."""
    names: list[str] = []
    seen: set[str] = set()
    for key in keys:
        base = re.sub(r"[\[\]:*?/\\]", "_", key).strip("'")[:SHEET_NAME_MAX] or "sheet"
        name, number = base, 1
        while name.lower() in seen:
            number += 1
            suffix = f"~{number}"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        seen.add(name.lower())
        names.append(name)
    return names

"""The PII scan behind the asset check: is there personal data where the config says none?

A sample of each text column of a table's written Parquet chunks is run through the offline
Presidio analyzer. The check fails when a personal entity (a person's name, e-mail, phone,
card, IBAN, SSN, IP address, ...) shows up in a column that must be clean: one classified
`none`, or one whose `pii_mode` is `masked` or `redacted` (a mask that let a real e-mail
through is exactly what this catches). Columns allowed to hold PII (`direct` columns in
`synthetic` mode) are scanned too, and their findings reported, but never fail the check.

The cost is bounded whatever the table's size (the asset check's target: 0.2 s a table with
text, `benchmarks/pii_scan.py`). The sample is deterministic: from at most `MAX_CHUNKS` chunks
spread over the table, their first rows and a hashed selection of the others, `max_rows` in all
(20,000 by default), read with DuckDB from the explicit list of files (never a glob). Only
distinct values go to detection (see `pii.detect`), at most `max_distinct` a column; values
only the name dictionary could match go to it directly, and at most `max_calls` values a table
(64 by default, the odd ones out first) through Presidio's whole engine. With `clean_only` (the
asset check) only the entity types that can fail it are looked for. The analyzer is built once
per process. The result holds entity types and counts per column, never a value, a matched
span or a row key. Plain Python on purpose (no Dagster), like `check.constraints`, whose
`CheckResult` the result extends.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import polars as pl

from datagen_assets.check.constraints import ERROR, CheckResult
from datagen_assets.check.duckdb_sql import (
    literal,
    open_connection,
    parquet_source,
    quote,
    register_filesystems,
)
from datagen_assets.generate.pools import DEFAULT_LOCALE
from datagen_assets.pii.classify import NONE
from datagen_assets.pii.modes import ENCRYPTED, HASHED, MASKED, REDACTED, SYNTHETIC

PII_SCAN = "pii_scan"
DEFAULT_MAX_ROWS = 20_000
MAX_CHUNKS = 8  # chunks a sample is drawn from
DEFAULT_MAX_CALLS = 64  # values per table through Presidio's engine (names alone go around it)
HASH_MODULUS = 1_000_003
# Entity types that are personal data: finding one in a must-be-clean column fails the check.
# URL, DATE_TIME, LOCATION, ORGANIZATION, MEDICAL_LICENSE (its pattern, two letters and
# seven digits, is every other product code)... are reported but never fail it on their own.
PERSONAL_ENTITIES = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "IBAN_CODE",
        "US_SSN",
        "IP_ADDRESS",
        "MAC_ADDRESS",
        "CRYPTO",
        "NRP",
    }
)


@dataclass(frozen=True)
class ColumnPolicy:
    """What the config says about a column: its PII category and its `pii_mode`."""

    category: str = NONE
    mode: str = SYNTHETIC

    @property
    def must_be_clean(self) -> bool:
        return self.category == NONE or self.mode in (MASKED, REDACTED, HASHED, ENCRYPTED)


@dataclass(frozen=True)
class ColumnScan:
    """What the scan found in one text column: counts only."""

    column: str
    policy: ColumnPolicy
    rows: int
    distinct: int
    distinct_analysed: int
    entity_rows: Mapping[str, int] = field(default_factory=dict)
    entity_values: Mapping[str, int] = field(default_factory=dict)

    @property
    def violations(self) -> dict[str, int]:
        """Personal entities (-> rows) in a column that must hold none."""
        if not self.policy.must_be_clean:
            return {}
        return {e: n for e, n in self.entity_rows.items() if e in PERSONAL_ENTITIES}

    @property
    def passed(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        """`notes (none, synthetic): EMAIL_ADDRESS in 37 rows (37 distinct values)`."""
        found = ", ".join(
            f"{e} in {n} row{'s' if n != 1 else ''} ({self.entity_values.get(e, 0)} distinct "
            f"value{'s' if self.entity_values.get(e, 0) != 1 else ''})"
            for e, n in self.entity_rows.items()
        )
        coverage = (
            f" [{self.distinct_analysed} of {self.distinct} distinct values analysed]"
            if self.distinct_analysed < self.distinct
            else ""
        )
        return (
            f"{self.column} ({self.policy.category}, {self.policy.mode}): "
            f"{found or 'nothing found'}{coverage}"
        )


@dataclass(frozen=True)
class PiiScanResult(CheckResult):
    """A `CheckResult` (so the Dagster layer renders it like the constraint checks) with the
    per-column findings."""

    columns: tuple[ColumnScan, ...] = ()
    seconds: float = 0.0


def scan_table(
    table_key: str,
    files: Sequence[str],
    policies: Mapping[str, ColumnPolicy],
    *,
    locale: str = DEFAULT_LOCALE,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_distinct: int | None = None,
    score_threshold: float | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    clean_only: bool = False,
    max_calls: int | None = DEFAULT_MAX_CALLS,
) -> PiiScanResult:
    """Scan the text columns of a table's chunk files. `policies` maps column name -> policy;
    a text column it does not name is treated as `none` (must be clean). Never raises for bad
    or missing data: the result fails saying what is wrong. With `clean_only`, only the columns
    that must hold no personal data are analysed (the ones that can fail the check), which is
    what the asset check needs; without it every text column is reported. `max_distinct` and
    `score_threshold` default to `pii.detect`'s."""
    started = time.perf_counter()
    files = list(files)
    if not files:
        return _failed(f"{table_key}: no materialised chunk to scan for PII")
    owned = con is None
    con = con or open_connection()
    try:
        register_filesystems(con, files)
        text_columns = _text_columns(con, files)
        if clean_only:
            text_columns = [
                c for c in text_columns if policies.get(c, ColumnPolicy()).must_be_clean
            ]
        if not text_columns:
            return PiiScanResult(
                PII_SCAN,
                PII_SCAN,
                True,
                f"{table_key}: no text column to scan",
                {"rows_sampled": 0, "columns_scanned": 0},
            )
        # Detection (Presidio, spaCy: seconds to import) only once there is text to scan.
        from datagen_assets.pii.detect import (
            COUNT,
            DEFAULT_MAX_DISTINCT,
            DEFAULT_SCORE_THRESHOLD,
            VALUE,
            detect_in_distinct,
        )

        max_distinct = DEFAULT_MAX_DISTINCT if max_distinct is None else max_distinct
        score_threshold = DEFAULT_SCORE_THRESHOLD if score_threshold is None else score_threshold
        sample = _sample(con, files, text_columns, max_rows)
        sampled = sample.height
        scans = []
        for column in text_columns:
            distinct = (
                sample.select(pl.col(column).cast(pl.String).alias(VALUE))
                .drop_nulls()
                .group_by(VALUE)
                .agg(pl.len().alias(COUNT))
            )
            found = detect_in_distinct(
                distinct,
                locale,
                score_threshold,
                max_distinct,
                entities=PERSONAL_ENTITIES if clean_only else None,
                max_calls=None if max_calls is None else max(8, max_calls // len(text_columns)),
            )
            scans.append(
                ColumnScan(
                    column,
                    policies.get(column, ColumnPolicy()),
                    found.rows,
                    found.distinct,
                    found.distinct_analysed,
                    found.entity_rows,
                    found.entity_values,
                )
            )
    except duckdb.Error as error:
        return _failed(
            f"{table_key}: DuckDB could not read the chunks: {str(error).splitlines()[0]}"
        )
    finally:
        if owned:
            con.close()
    return _result(table_key, sampled, scans, time.perf_counter() - started)


def prepare(locale: str = DEFAULT_LOCALE) -> None:
    """Import and build what detection needs (Presidio's engine, spaCy, the name dictionary)
    before the first scan, which otherwise pays those seconds itself; a caller can spend them
    on a worker thread while it does other work (the Dagster step does, see
    `orchestrate.factory`). Everything built is cached per process, as a scan would cache it."""
    from datagen_assets.pii.detect import COUNT, VALUE, detect_in_distinct

    frame = pl.DataFrame({VALUE: ["-"], COUNT: [1]}, schema={VALUE: pl.String, COUNT: pl.UInt32})
    detect_in_distinct(frame, locale, entities=PERSONAL_ENTITIES)


def _result(table_key: str, sampled: int, scans: list[ColumnScan], seconds: float):
    failing = [s for s in scans if not s.passed]
    counts = {
        "rows_sampled": sampled,
        "columns_scanned": len(scans),
        "columns_failed": len(failing),
    }
    for scan in scans:
        for entity, rows in scan.entity_rows.items():
            counts[f"{scan.column}:{entity}"] = rows
    if failing:
        listed = "; ".join(
            f"{s.column} ({', '.join(f'{e} in {n} rows' for e, n in s.violations.items())})"
            for s in failing
        )
        description = (
            f"{table_key}: personal data in {len(failing)} column(s) that must hold none: {listed}"
        )
    else:
        description = (
            f"{table_key}: no personal data where none is allowed "
            f"({len(scans)} text column(s), {sampled} sampled rows)"
        )
    return PiiScanResult(
        PII_SCAN,
        PII_SCAN,
        not failing,
        description,
        counts,
        tuple(s.summary() for s in (failing or scans)),
        ERROR,
        columns=tuple(scans),
        seconds=seconds,
    )


def _failed(description: str) -> PiiScanResult:
    return PiiScanResult(PII_SCAN, PII_SCAN, False, description)


# ---------------------------------------------------------------------------- sampling


def _text_columns(con: duckdb.DuckDBPyConnection, files: list[str]) -> list[str]:
    described = con.execute(f"DESCRIBE SELECT * FROM {parquet_source(files)}").fetchall()
    return [name for name, kind, *_ in described if kind == "VARCHAR"]


def _sample(
    con: duckdb.DuckDBPyConnection, files: list[str], columns: list[str], max_rows: int
) -> pl.DataFrame:
    """The sampled rows: every row when the table has at most `max_rows`, else from each of
    at most `MAX_CHUNKS` chunks spread over the table (the first, the last, evenly between)
    its first rows and a hashed selection of the rest (same rows every run). Bounded whatever
    the table's size: never more than `MAX_CHUNKS` files are opened."""
    cols = ", ".join(quote(c) for c in columns)
    if len(files) > MAX_CHUNKS:
        step = (len(files) - 1) / (MAX_CHUNKS - 1)
        files = [files[round(i * step)] for i in range(MAX_CHUNKS)]
    listed = ", ".join(literal(f) for f in files)
    counted = dict(
        con.execute(
            f"SELECT file_name, sum(num_rows) FROM parquet_file_metadata([{listed}]) GROUP BY 1"
        ).fetchall()
    )  # one query over the footers, however many chunks
    count = "SELECT count(*) FROM {}"  # a store that names files otherwise: one by one
    rows = [
        int(counted[f])
        if f in counted
        else con.execute(count.format(parquet_source([f]))).fetchall()[0][0]
        for f in files
    ]
    total = sum(rows)
    if total <= max_rows:
        select = f"SELECT {cols} FROM {parquet_source(files)}"
    else:
        parts = []
        quota = _quotas(rows, max_rows)
        for file, file_rows, wanted in zip(files, rows, quota, strict=True):
            if not wanted:
                continue
            head = wanted // 2
            share = (wanted - head) / max(1, file_rows - head)
            cut = math.ceil(share * HASH_MODULUS * 1.05)  # a little over; LIMIT trims
            parts.append(
                f"(SELECT {cols} FROM read_parquet({literal(file)}, file_row_number = true) "
                f"WHERE file_row_number < {head} OR "
                f"hash(file_row_number) % {HASH_MODULUS} < {cut} "
                f"ORDER BY file_row_number LIMIT {wanted})"
            )
        select = " UNION ALL ".join(parts)
    return con.sql(select).pl()


def _quotas(rows: list[int], max_rows: int) -> list[int]:
    """Rows to take from each chunk, in proportion to its size, summing to `max_rows`."""
    total = sum(rows)
    quotas = [r * max_rows // total for r in rows]
    for i in sorted(range(len(rows)), key=lambda i: -rows[i])[: max_rows - sum(quotas)]:
        quotas[i] += 1
    return [min(q, r) for q, r in zip(quotas, rows, strict=True)]

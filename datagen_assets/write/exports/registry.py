"""Every export format by name. Adding one is a module with a `write` and a line here."""

from __future__ import annotations

from datagen_assets.write.exports import (
    to_csv,
    to_json,
    to_jsonl,
    to_parquet,
    to_pgdump,
    to_sql,
    to_xlsx,
)
from datagen_assets.write.exports.base import Exporter

FORMATS: dict[str, Exporter] = {
    "csv": Exporter("csv", ".csv", to_csv.write),
    "json": Exporter("json", ".json", to_json.write),
    "jsonl": Exporter("jsonl", ".jsonl", to_jsonl.write),
    "parquet": Exporter("parquet", ".parquet", to_parquet.write),
    "xlsx": Exporter("xlsx", ".xlsx", to_xlsx.write, per_table=False, validate=to_xlsx.validate),
    "sql": Exporter(
        "sql",
        ".{dialect}.sql",
        to_sql.write,
        per_table=False,
        validate=to_sql.validate,
        dialects=to_sql.DIALECTS,
    ),
    "pgdump": Exporter("pgdump", ".pgdump.sql", to_pgdump.write, per_table=False),
}

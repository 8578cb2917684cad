"""The same schema written in three dialects imports to the same model.

Chinook ships as PostgreSQL, SQLite and T-SQL scripts. They differ in identifier style
(`album_id` in PostgreSQL, `[AlbumId]` elsewhere), schema (`dbo` in T-SQL, none elsewhere) and
type spelling (`VARCHAR` / `NVARCHAR`, `TIMESTAMP` / `DATETIME`), none of which matters to
generation. So names are compared folded (lower case, underscores dropped), schemas are
dropped, and types are compared by logical kind and parameters, never by their SQL text.
"""

from __future__ import annotations

import pytest

from datagen_assets.schema.ddl import load_ddl
from datagen_assets.schema.model import Schema, Table
from datagen_tests.conftest import shared_schemas

REFERENCE = "chinook.postgres.sql"
VARIANTS = ("chinook.sqlite.sql", "chinook.tsql.sql")


def fold(name: str) -> str:
    """`AlbumId`, `album_id` and `ALBUMID` are one name."""
    return name.replace("_", "").lower()


def names(columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(c) for c in columns)


def table_shape(table: Table) -> dict:
    """Everything generation reads from a table, with dialect spelling folded away."""
    return {
        "columns": [
            (fold(c.name), c.type.kind, c.type.length, c.type.precision, c.type.scale,
             c.nullable, c.autoincrement)
            for c in table.columns
        ],
        "primary_key": names(table.primary_key),
        "uniques": sorted(sorted(names(u)) for u in table.uniques),
        "foreign_keys": sorted(
            (names(fk.columns), fold(fk.ref_table.split(".")[-1]), names(fk.ref_columns))
            for fk in table.foreign_keys
        ),
        "checks": len(table.checks),
    }  # fmt: skip


def shapes(schema: Schema) -> dict[str, dict]:
    return {fold(table.name): table_shape(table) for table in schema.tables.values()}


@pytest.fixture(scope="module")
def reference() -> dict[str, dict]:
    return shapes(load_ddl(shared_schemas() / REFERENCE))


@pytest.mark.parametrize("variant", VARIANTS)
def test_same_tables(variant, reference):
    assert sorted(shapes(load_ddl(shared_schemas() / variant))) == sorted(reference)


@pytest.mark.parametrize("variant", VARIANTS)
def test_same_table_shapes(variant, reference):
    """Columns (order, kind, length, precision, nullability), PK, UNIQUEs, FKs, CHECKs."""
    other = shapes(load_ddl(shared_schemas() / variant))
    differences = {
        name: {key: (value, other[name][key]) for key, value in shape.items()
               if value != other[name][key]}
        for name, shape in reference.items()
        if name in other and shape != other[name]
    }  # fmt: skip
    assert differences == {}, f"{variant} differs from {REFERENCE} (reference, variant)"


def test_schema_qualification_is_the_only_key_difference():
    """T-SQL tables live in dbo, the others in no schema; the bare names are the same."""
    folder = shared_schemas()
    keys = {f: list(load_ddl(folder / f).tables) for f in (REFERENCE, *VARIANTS)}
    assert all(key.startswith("dbo.") for key in keys["chinook.tsql.sql"])
    assert not any("." in key for key in keys[REFERENCE] + keys["chinook.sqlite.sql"])
    bare = {f: sorted(fold(key.split(".")[-1]) for key in k) for f, k in keys.items()}
    assert bare[REFERENCE] == bare["chinook.sqlite.sql"] == bare["chinook.tsql.sql"]

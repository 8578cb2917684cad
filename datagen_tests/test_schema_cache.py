"""The schema cache: a cached load is the parse it stands for, and needs no sqlglot."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.schema import cache
from datagen_assets.schema.ddl import load_ddl
from datagen_assets.schema.model import SchemaError
from datagen_assets.schema.sources import load_schema
from datagen_assets.settings import CACHE_DIR_VAR, Settings
from datagen_tests.conftest import REPO, SHARED_SCHEMAS, shared_schemas

SHOP = REPO / "schemas" / "shop.sql"
REFERENCE = sorted(SHARED_SCHEMAS.glob("*.sql")) if SHARED_SCHEMAS.is_dir() else []


@pytest.fixture(autouse=True)
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_VAR, str(folder))
    return folder


def entries(folder: Path) -> list[Path]:
    return sorted((folder / "schemas").glob("*.pickle"))


@pytest.mark.parametrize("path", [SHOP, *REFERENCE], ids=lambda p: p.name)
def test_cached_load_is_the_parse(path, cache_folder):
    if path != SHOP:
        shared_schemas()
    parsed = load_ddl(path)
    first = load_schema(path)  # a miss: parsed and stored
    assert len(entries(cache_folder)) == 1, "schema was not cached"
    cached = load_schema(path)
    assert cached is not first
    assert cached == parsed
    assert cached.notes == parsed.notes
    for key, table in parsed.tables.items():
        assert cached.tables[key].check_rules == table.check_rules, key
        for original, loaded in zip(table.checks, cached.tables[key].checks, strict=True):
            assert loaded.parsed is None  # no tree in the entry ...
            assert loaded.columns == original.columns
            assert loaded.expression.sql("postgres") == original.sql  # ... read back on use


def test_generation_from_cache_matches_and_imports_no_sqlglot(cache_folder):
    settings = Settings(scale=0.01)
    config = SHOP.with_suffix(".yaml")

    def frames() -> dict[str, pl.DataFrame]:
        plan = plan_dataset(load_dataset(SHOP, config, settings))
        return {key: generate(plan, key, 0, tp.rows) for key, tp in plan.tables.items()}

    cold = frames()
    warm = frames()
    assert entries(cache_folder)
    for key, frame in cold.items():
        assert warm[key].equals(frame), key
    # a fresh process with the entry in place: load, plan and generate shop without sqlglot
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from datagen_assets.dataset import load_dataset\n"
        "from datagen_assets.generate.engine import generate\n"
        "from datagen_assets.plan.plan import plan_dataset\n"
        "from datagen_assets.settings import Settings\n"
        f"plan = plan_dataset(load_dataset(Path({str(SHOP)!r}), Path({str(config)!r}),"
        " Settings(scale=0.01)))\n"
        "for key, tp in plan.tables.items():\n"
        "    generate(plan, key, 0, tp.rows)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sqlglot'))\n"
    )
    env = {**os.environ, CACHE_DIR_VAR: str(cache_folder)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_changed_file_or_path_misses(tmp_path, cache_folder):
    path = tmp_path / "a.sql"
    path.write_text("CREATE TABLE t (id int PRIMARY KEY);")
    assert load_schema(path).table("t").column_names == ("id",)
    path.write_text("CREATE TABLE t (id int PRIMARY KEY, name text);")
    assert load_schema(path).table("t").column_names == ("id", "name")
    other = tmp_path / "b.sql"
    other.write_text(path.read_text())
    assert load_schema(other).source == str(other)  # same bytes, its own path
    assert load_schema(path, dialect="mysql").dialect == "mysql"
    assert len(entries(cache_folder)) == 4


def test_unreadable_entry_is_parsed_again_and_rewritten(tmp_path, cache_folder):
    path = tmp_path / "a.sql"
    path.write_text("CREATE TABLE t (id int PRIMARY KEY, n int CHECK (n > 0));")
    expected = load_schema(path)
    (entry,) = entries(cache_folder)
    entry.write_bytes(b"not a pickle")
    assert load_schema(path) == expected
    assert pickle.loads(entry.read_bytes()) == expected


def test_problems_are_never_cached(tmp_path, cache_folder):
    path = tmp_path / "bad.sql"
    path.write_text("CREATE TABLE t (id int REFERENCES missing (id));")
    for _ in range(2):
        with pytest.raises(SchemaError, match="missing"):
            load_schema(path)
    assert entries(cache_folder) == []


def test_least_recently_used_entries_are_evicted(tmp_path, cache_folder, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    paths = []
    for i in range(3):
        path = tmp_path / f"s{i}.sql"
        path.write_text(f"CREATE TABLE t{i} (id int PRIMARY KEY);")
        paths.append(path)
        load_schema(path)
        stamp = 1_000_000 + i  # written in this order, whatever the clock's resolution
        os.utime(cache_folder / "schemas" / f"{cache.entry_key(path, None)}.pickle", (stamp, stamp))
    assert len(entries(cache_folder)) == 2
    kept = {cache.entry_key(p, None) for p in paths[1:]}
    assert {e.stem for e in entries(cache_folder)} == kept


def test_a_folder_others_can_write_is_not_trusted(tmp_path, cache_folder):
    """Entries are pickles (reading one runs code): one planted in a folder that others can
    write to is never read, and nothing is written there."""
    path = tmp_path / "a.sql"
    path.write_text("CREATE TABLE t (id int PRIMARY KEY);")
    expected = load_schema(path)
    folder = cache_folder / "schemas"
    assert folder.stat().st_mode & 0o777 == 0o700
    (entry,) = entries(cache_folder)
    planted = load_ddl_text("CREATE TABLE planted (id int PRIMARY KEY);", tmp_path)
    entry.write_bytes(pickle.dumps(planted))
    assert load_schema(path).tables.keys() == {"planted"}  # private folder: the entry is read
    folder.chmod(0o777)
    try:
        assert load_schema(path) == expected  # shared folder: parsed, the entry ignored
        other = tmp_path / "b.sql"
        other.write_text("CREATE TABLE u (id int PRIMARY KEY);")
        load_schema(other)
        assert entries(cache_folder) == [entry]  # and nothing new written there
    finally:
        folder.chmod(0o700)


def load_ddl_text(text: str, folder: Path):
    path = folder / "planted.sql"
    path.write_text(text)
    return load_ddl(path)

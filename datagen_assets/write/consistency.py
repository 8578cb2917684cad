"""Refuse a mixed dataset: tables or chunks in storage that different runs made.

Every chunk a run writes carries its table's fingerprint in its Parquet footer
(`storage.FINGERPRINT_KEY`: config, schema and code hashes, content hash, seed). A run that
failed on its fifth table, or a rerun of one table with another seed, leaves tables whose
foreign keys point at rows their parents no longer have; an export or a load of that storage
would hand the user a dataset no single config describes. Readers (`StorageSource`, used by
exports and loads) pass every chunk's fingerprint through a `ConsistencyGuard`, which raises
`MixedDatasetError` naming the tables before anything is written. Chunks without a
fingerprint (written by hand, or by an older DataGen) are not judged.
"""

from __future__ import annotations

from collections.abc import Mapping


class MixedDatasetError(ValueError):
    """The stored tables (or one table's chunks) come from different runs: a user error with
    one message naming them and what to do."""


def generation(fingerprint: Mapping) -> tuple:
    """What must agree across a dataset's tables: the config (seed included), the schema and
    the code that made them. Content hashes differ between tables by design (the table name
    is in them); within one table every chunk must have the same one."""
    code = fingerprint.get("code") or {}
    return (
        fingerprint.get("config_sha256"),
        fingerprint.get("schema_sha256"),
        tuple(sorted(code.items())) if isinstance(code, Mapping) else (),
    )


def describe(fingerprint: Mapping) -> str:
    seed = fingerprint.get("seed")
    config = str(fingerprint.get("config_sha256") or "?")[:12]
    return f"config {config}" + (f", seed {seed}" if seed is not None else "")


class ConsistencyGuard:
    """Collects the fingerprints of the tables a reader opens and raises at the first table
    that disagrees with the others (or whose chunks disagree with each other)."""

    def __init__(self, dataset: str):
        self.dataset = dataset
        self.tables: dict[str, Mapping] = {}  # table key -> the fingerprint of its chunks

    def add(self, table: str, fingerprints: Mapping[str, Mapping | None]) -> None:
        """`fingerprints`: partition key -> the chunk's fingerprint (None when it has none)."""
        known = {key: fp for key, fp in fingerprints.items() if fp}
        contents: dict[str, list[str]] = {}
        for key, fp in known.items():
            contents.setdefault(str(fp.get("content_sha256")), []).append(key)
        if len(contents) > 1:
            parts = [
                f"chunk(s) {', '.join(sorted(keys))} from {describe(known[keys[0]])}"
                for keys in sorted(contents.values())
            ]
            raise MixedDatasetError(
                f"dataset {self.dataset}: table {table} mixes chunks of different runs "
                f"({'; '.join(parts)}); exports and loads refuse it until it is materialised "
                f"again (datagen materialize {self.dataset})"
            )
        if not known:
            return
        mine = next(iter(known.values()))
        self.tables[table] = mine
        groups: dict[tuple, list[str]] = {}
        for key, fp in self.tables.items():
            groups.setdefault(generation(fp), []).append(key)
        if len(groups) > 1:
            parts = [
                f"{', '.join(keys)} ({describe(self.tables[keys[0]])})" for keys in groups.values()
            ]
            raise MixedDatasetError(
                f"dataset {self.dataset} mixes tables materialised by different configs, "
                f"schemas or code: {' vs '.join(parts)}; exports and loads refuse it until it "
                f"is materialised again (datagen materialize {self.dataset})"
            )

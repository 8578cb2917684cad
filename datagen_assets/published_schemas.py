"""The JSON Schemas of the YAML files DataGen writes, published so editors complete and check
them: the dataset config (`<name>.yaml`), the reviewed AI annotations
(`<name>.annotations.yaml`) and the snapshot profile (`<name>.profile.yaml`).

`datagen config-schema [KIND]` prints one; `docs/<kind>.schema.json` commits each (a test keeps
them current). Every YAML file DataGen writes starts with the modeline of its kind
(`modeline`): `# yaml-language-server: $schema=.datagen/<kind>.schema.json`, the schema
written beside it in the folder's `.datagen/` (a folder, so a schemas folder holds no extra
`.json` dataset), which VS Code's YAML extension, JetBrains and Neovim read.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path

SCHEMA_FOLDER = ".datagen"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _dataset() -> dict:
    from datagen_assets.config_model import config_json_schema

    return config_json_schema()


def _annotations() -> dict:
    from datagen_assets.ai.annotations import file_json_schema

    return file_json_schema()


def _profile() -> dict:
    from datagen_assets.schema.introspect import profile_json_schema

    return profile_json_schema()


KINDS: dict[str, Callable[[], dict]] = {
    "dataset": _dataset,
    "annotations": _annotations,
    "profile": _profile,
}


def schema_file(kind: str) -> str:
    """`dataset.schema.json`: the file name of a kind's schema (in docs/ and `.datagen/`)."""
    return f"{kind}.schema.json"


def json_schema_text(kind: str) -> str:
    return json.dumps(KINDS[kind](), indent=2, sort_keys=True) + "\n"


def write_schema(folder: Path, kind: str) -> Path:
    """`<folder>/.datagen/<kind>.schema.json`, written when missing or different."""
    path = Path(folder) / SCHEMA_FOLDER / schema_file(kind)
    text = json_schema_text(kind)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def modeline(kind: str, beside: Path) -> str:
    """The first line of a YAML file of `kind` written at `beside`: the editor's pointer at
    its schema, which is written into `.datagen/` of the file's folder (best effort: a folder
    that cannot take it leaves the line pointing at the published name)."""
    folder = Path(beside).parent
    with contextlib.suppress(OSError):
        write_schema(folder, kind)
    return f"# yaml-language-server: $schema={SCHEMA_FOLDER}/{schema_file(kind)}\n"

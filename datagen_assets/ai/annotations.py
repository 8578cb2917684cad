"""The annotations file: Claude's answer, validated, reviewable, and the only thing generation
reads of it.

`schemas/<name>.annotations.yaml` sits next to the schema and is meant to be reviewed and
committed like code. It records which model wrote it, the tokens used and an estimated cost,
and `metadata_sha256`, the hash of the schema metadata the model saw: when the schema changes
the hash no longer matches and the file is stale (ignored by generation, redone by the
`annotate` command). Generation calls `load_annotations` and never the API, so runs stay
deterministic, offline and free.

Answers are checked strictly before anything is written: the tool input must have exactly the
expected shape (pydantic, extra keys forbidden), name only tables and columns of the schema,
and suggest only catalog generators with parameters they accept. One bad entry rejects the
whole answer: a partly trusted file is worse than none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from datagen_assets.ai.metadata import (
    FORBIDDEN_PARAMS,
    PROMPT_VERSION,
    suggestible_generators,
)
from datagen_assets.ai.paths import SUFFIX, annotations_path  # noqa: F401 - re-exported
from datagen_assets.files import write_atomically
from datagen_assets.schema.model import Problem, Schema
from datagen_assets.yaml_text import load_yaml

FILE_VERSION = 1
TOOL_NAME = "record_annotations"
PII_CATEGORIES = ("none", "direct", "quasi", "sensitive")
HEADER = """\
# DataGen column annotations, written by Claude from schema metadata only (never data values).
# Review before committing. Generation reads this file and never calls the API; it is ignored
# once the schema changes (metadata_sha256). Refresh:
#   datagen annotate {schema} --force
"""


class AnnotationError(ValueError):
    """An answer or file that does not validate; lists every problem found."""

    def __init__(self, problems: list[str], source: str = "Claude's answer"):
        self.problems = tuple(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"{source} was rejected ({len(self.problems)} problem(s)); "
            f"nothing was written:\n{listed}"
        )


# ---------------------------------------------------------------------------- answer shape


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GeneratorHint(_Strict):
    name: str
    params: dict[str, Any] = Field(default_factory=dict)


class ColumnAnnotation(_Strict):
    table: str
    column: str
    semantic_type: str = Field(min_length=1, max_length=80, pattern=r"^[a-z][a-z0-9_]*$")
    pii: Literal["none", "direct", "quasi", "sensitive"] | None = None
    generator: GeneratorHint | None = None
    format: str | None = Field(default=None, max_length=200)
    min: float | int | str | None = None
    max: float | int | str | None = None
    vocabulary: list[str] = Field(default_factory=list, max_length=30)
    edge_cases: list[str] = Field(default_factory=list, max_length=8)
    confidence: float | None = Field(default=None, ge=0, le=1)
    rationale: str | None = Field(default=None, max_length=400)


class Answer(_Strict):
    columns: list[ColumnAnnotation] = Field(min_length=1)


def tool_definition() -> dict[str, Any]:
    """The tool Claude is forced to call; its `input_schema` mirrors `Answer`."""
    text = {"type": "string"}
    bound = {"type": ["number", "string", "null"]}
    column = {
        "type": "object",
        "additionalProperties": False,
        "required": ["table", "column", "semantic_type"],
        "properties": {
            "table": {**text, "description": "table key exactly as in the metadata"},
            "column": {**text, "description": "column name exactly as in the metadata"},
            "semantic_type": {**text, "description": "snake_case label, e.g. phone_number"},
            "pii": {"type": "string", "enum": list(PII_CATEGORIES)},
            "generator": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "enum": suggestible_generators()},
                    "params": {"type": "object"},
                },
            },
            "format": text,
            "min": bound,
            "max": bound,
            "vocabulary": {"type": "array", "items": text, "maxItems": 30},
            "edge_cases": {"type": "array", "items": text, "maxItems": 8},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "rationale": text,
        },
    }
    return {
        "name": TOOL_NAME,
        "description": "Record the annotations of the schema's columns (call exactly once).",
        "input_schema": {
            "type": "object",
            "additionalProperties": False,
            "required": ["columns"],
            "properties": {"columns": {"type": "array", "items": column, "minItems": 1}},
        },
    }


def validate_answer(raw: Any, schema: Schema, source: str = "Claude's answer") -> Answer:
    """The tool input as an `Answer`, or `AnnotationError` listing every problem."""
    try:
        answer = Answer.model_validate(raw)
    except ValidationError as error:
        raise AnnotationError(
            [f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in error.errors()],
            source,
        ) from None
    problems = [str(p) for p in answer_problems(answer, schema)]
    if problems:
        raise AnnotationError(problems, source)
    return answer


def answer_problems(answer: Answer, schema: Schema) -> list[Problem]:
    """Unknown tables and columns, repeated columns, and generator suggestions DataGen would
    refuse (unknown or excluded name, unknown or forbidden parameter, invalid value)."""
    from datagen_assets.generate.generators import build_generator

    allowed = set(suggestible_generators())
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for item in answer.columns:
        table = schema.tables.get(item.table)
        if table is None:
            problems.append(Problem("unknown table", table=item.table))
            continue
        if item.column not in table.column_names:
            problems.append(Problem("unknown column", table=item.table, column=item.column))
            continue
        if (item.table, item.column) in seen:
            problems.append(Problem("annotated twice", table=item.table, column=item.column))
        seen.add((item.table, item.column))
        hint = item.generator
        if hint is None:
            continue
        where = {"table": item.table, "column": item.column}
        if hint.name not in allowed:
            problems.append(
                Problem(
                    f"generator {hint.name!r} is not one Claude may suggest "
                    f"(allowed: {', '.join(sorted(allowed))})",
                    **where,
                )
            )
            continue
        forbidden = sorted(set(hint.params) & FORBIDDEN_PARAMS)
        if forbidden:
            problems.append(
                Problem(
                    f"generator parameter(s) {', '.join(forbidden)} may not be suggested", **where
                )
            )
            continue
        try:
            build_generator(hint.name, dict(hint.params))
        except ValueError as error:
            problems.append(Problem(str(error), **where))
    return problems


# ---------------------------------------------------------------------------- the file


def build_document(
    answer: Answer,
    *,
    schema_file: str,
    metadata_sha256: str,
    model: str,
    usage: Mapping[str, Any],
    created_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The file's content: provenance first, then columns grouped by table."""
    columns: dict[str, dict[str, Any]] = {}
    for item in answer.columns:
        entry = item.model_dump(exclude={"table", "column"}, exclude_none=True)
        entry = {k: v for k, v in entry.items() if v not in ([], {})}
        columns.setdefault(item.table, {})[item.column] = entry
    created = (created_at or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    return {
        "version": FILE_VERSION,
        "schema": schema_file,
        "metadata_sha256": metadata_sha256,
        "prompt_version": PROMPT_VERSION,
        "model": model,
        "created_at": created.isoformat(),
        "usage": dict(usage),
        "columns": columns,
    }


def write_annotations(path: Path, document: Mapping[str, Any]) -> None:
    """Write atomically: a temporary file in the same folder, then `os.replace`, so a reader
    sees the old file or the new one, never half of one. The first line points editors at
    the file's JSON Schema (`file_json_schema`)."""
    from datagen_assets.published_schemas import modeline

    text = HEADER.format(schema=document.get("schema", "<schema>")) + yaml.safe_dump(
        dict(document), sort_keys=False, allow_unicode=True, width=100
    )
    write_atomically(path, modeline("annotations", path) + text)


def file_json_schema() -> dict[str, Any]:
    """The JSON Schema of an annotations file (`build_document`'s shape; each column entry is
    an answer's `ColumnAnnotation` without its table and column, which are the keys above
    it), published for editors (`datagen config-schema annotations`)."""
    entry = ColumnAnnotation.model_json_schema()
    definitions = entry.pop("$defs", {})
    for key in ("table", "column"):
        entry["properties"].pop(key, None)
    entry["required"] = [r for r in entry.get("required", []) if r not in ("table", "column")]
    entry.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "DataGen column annotations (<name>.annotations.yaml)",
        "description": "Claude's suggestions from schema metadata, reviewed and committed; "
        "generation reads only this file, and ignores it once metadata_sha256 is stale.",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "columns"],
        "properties": {
            "version": {"const": FILE_VERSION},
            "schema": {"type": "string", "description": "the schema file annotated"},
            "metadata_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "prompt_version": {"type": "integer"},
            "model": {"type": "string"},
            "created_at": {"type": "string", "format": "date-time"},
            "usage": {"type": "object"},
            "columns": {
                "type": "object",
                "description": "table -> column -> annotation",
                "additionalProperties": {"type": "object", "additionalProperties": entry},
            },
        },
        "$defs": definitions,
    }


def read_document(path: Path) -> dict[str, Any] | None:
    """The raw YAML of an annotations file, or None when there is none."""
    if not path.is_file():
        return None
    data = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise AnnotationError(["the file is not a mapping"], str(path))
    return data


def load_annotations(
    path: Path | str, schema: Schema | None = None, metadata_sha256: str | None = None
) -> dict[str, Any]:
    """What generation reads: the file's document with `columns` as {table: {column: {...}}},
    or {} when there is no file, or when `metadata_sha256` is given and the file was made from
    other metadata (stale). With `schema`, every entry is validated again (a hand edit may
    have broken it) and `AnnotationError` raised on any problem."""
    path = Path(path)
    document = read_document(path)
    if document is None:
        return {}
    if document.get("version") != FILE_VERSION:
        raise AnnotationError([f"unsupported version {document.get('version')!r}"], str(path))
    if metadata_sha256 is not None and document.get("metadata_sha256") != metadata_sha256:
        return {}
    columns = document.get("columns") or {}
    if not isinstance(columns, dict) or not all(isinstance(v, dict) for v in columns.values()):
        raise AnnotationError(["`columns` must map table -> column -> annotation"], str(path))
    if schema is not None:
        flat = [
            {"table": table, "column": column, **(entry or {})}
            for table, entries in columns.items()
            for column, entry in entries.items()
        ]
        validate_answer({"columns": flat}, schema, source=str(path))
    return document


def suggested_generators(document: Mapping[str, Any]) -> dict[tuple[str, str], tuple[str, dict]]:
    """(table, column) -> (generator name, params) for the columns Claude gave a generator;
    what the engine can use where neither the config nor a semantic rule decides."""
    found = {}
    for table, entries in (document.get("columns") or {}).items():
        for column, entry in entries.items():
            hint = (entry or {}).get("generator")
            if hint:
                found[(table, column)] = (hint["name"], dict(hint.get("params") or {}))
    return found

"""Claude as a schema-reading assistant: semantic types, value hints and edge cases per column.

    datagen annotate shop [--force]     (or a schema file: datagen annotate schemas/shop.sql)

reads the schema (and its YAML config for planned row counts), sends its metadata, and only
its metadata (see `ai.metadata`), to the Messages API with one forced tool call, validates the
answer (see `ai.annotations`) and writes `schemas/shop.annotations.yaml`. It calls the API only
when that file is missing, stale (the schema changed) or `--force` is given.

Without `ANTHROPIC_API_KEY`, or when the API cannot be reached, nothing fails: DataGen runs on
its built-in rules (`generate.semantic`, `pii.classify`) and the command says so. Errors that
need a human (timeout, rate limit after retries, rejected key, malformed answer) raise
`AssistantError` with a message saying what happened; nothing is written then.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anthropic

from datagen_assets.ai.annotations import (
    AnnotationError,
    annotations_path,
    build_document,
    read_document,
    tool_definition,
    validate_answer,
    write_annotations,
)
from datagen_assets.ai.metadata import Prompt, build_prompt
from datagen_assets.schema.model import Schema

DEFAULT_MODEL = "claude-sonnet-4-6"  # the SDK flags claude-sonnet-4-5 as deprecated
DEFAULT_TIMEOUT_S = 120.0
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_TOKENS = 16_000
API_KEY_VAR = "ANTHROPIC_API_KEY"
BASE_URL_VAR = "ANTHROPIC_BASE_URL"
MODEL_VAR = "DATAGEN_AI_MODEL"
TIMEOUT_VAR = "DATAGEN_AI_TIMEOUT_S"
RETRIES_VAR = "DATAGEN_AI_MAX_RETRIES"

# USD per million tokens (input, output), by model-name prefix: list prices when this was
# written. Only for the estimate recorded in the annotations file; unknown models get none.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "claude-opus-4-1": (15.0, 75.0),
    "claude-opus-4-5": (5.0, 25.0),
    "claude-sonnet-4-6": (3.0, 15.0),
    "claude-sonnet-4-5": (3.0, 15.0),
    "claude-sonnet-4": (3.0, 15.0),
    "claude-haiku-4-5": (1.0, 5.0),
}

WRITTEN, UP_TO_DATE, HEURISTICS_ONLY, OFFLINE = (
    "written",
    "up-to-date",
    "heuristics-only",
    "offline",
)


class AssistantError(RuntimeError):
    """Annotation failed in a way a person must look at; nothing was written."""


@dataclass(frozen=True)
class AssistantConfig:
    """How to reach Claude. Dagster-free; the orchestration layer wraps it as a resource.
    `api_key=None` means heuristics only (no request is ever made)."""

    api_key: str | None = field(default=None, repr=False)
    model: str = DEFAULT_MODEL
    base_url: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_retries: int = DEFAULT_MAX_RETRIES
    max_tokens: int = DEFAULT_MAX_TOKENS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AssistantConfig:
        env = os.environ if env is None else env
        return cls(
            api_key=env.get(API_KEY_VAR) or None,
            model=env.get(MODEL_VAR) or DEFAULT_MODEL,
            base_url=env.get(BASE_URL_VAR) or None,
            timeout_s=float(env.get(TIMEOUT_VAR) or DEFAULT_TIMEOUT_S),
            max_retries=int(env.get(RETRIES_VAR) or DEFAULT_MAX_RETRIES),
        )

    def client(self) -> anthropic.Anthropic:
        if not self.api_key:
            raise AssistantError(f"no API key: set {API_KEY_VAR}")
        return anthropic.Anthropic(
            api_key=self.api_key,
            base_url=self.base_url,
            timeout=self.timeout_s,
            max_retries=self.max_retries,
        )


@dataclass(frozen=True)
class AnnotateResult:
    """What `annotate` did. `status` is one of written, up-to-date, heuristics-only, offline."""

    status: str
    message: str
    path: Path
    metadata_sha256: str
    usage: Mapping[str, Any] = field(default_factory=dict)
    columns_annotated: int = 0


def estimated_cost(model: str, input_tokens: int, output_tokens: int) -> float | None:
    """USD at list prices, or None for a model not in `PRICES_PER_MTOK`."""
    for prefix in sorted(PRICES_PER_MTOK, key=len, reverse=True):
        if model.startswith(prefix):
            price_in, price_out = PRICES_PER_MTOK[prefix]
            return round((input_tokens * price_in + output_tokens * price_out) / 1e6, 6)
    return None


# ---------------------------------------------------------------------------- annotate


def annotate(
    schema: Schema,
    schema_path: Path | str,
    row_counts: Mapping[str, int] | None = None,
    *,
    config: AssistantConfig | None = None,
    force: bool = False,
    client: anthropic.Anthropic | None = None,
) -> AnnotateResult:
    """Annotate a schema unless its annotations file is current. Returns a status (no key or
    no network are statuses, not errors); raises `AssistantError` for API failures a person
    must look at and `AnnotationError` for an answer that does not validate. On any raise,
    the annotations file is untouched."""
    config = config or AssistantConfig.from_env()
    schema_path = Path(schema_path)
    path = annotations_path(schema_path)
    prompt = build_prompt(schema, row_counts)
    existing = _existing_hash(path)
    if existing == prompt.sha256 and not force:
        return AnnotateResult(
            UP_TO_DATE,
            f"{path} is up to date (schema unchanged); no request made. Use --force to redo it.",
            path,
            prompt.sha256,
        )
    stale = "stale " if existing else ""
    if not config.api_key and client is None:
        return AnnotateResult(
            HEURISTICS_ONLY,
            f"{API_KEY_VAR} is not set: no request made, heuristics only. "
            f"{_heuristics_summary(schema)}"
            + (f" The {stale}file {path} is left as it is." if existing else ""),
            path,
            prompt.sha256,
        )
    client = client or config.client()
    try:
        response = _ask(client, config, prompt)
    except anthropic.APITimeoutError:
        raise AssistantError(
            f"Claude did not answer within {config.timeout_s:g} s "
            f"({config.max_retries} retries); nothing was written. Try again, or raise "
            f"{TIMEOUT_VAR}."
        ) from None
    except anthropic.APIConnectionError as error:
        return AnnotateResult(
            OFFLINE,
            f"the Anthropic API is unreachable ({error.__class__.__name__}: {error}); "
            f"no annotations written, heuristics only. {_heuristics_summary(schema)}",
            path,
            prompt.sha256,
        )
    except anthropic.RateLimitError:
        raise AssistantError(
            f"rate limited by the Anthropic API after {config.max_retries} retries; nothing "
            f"was written. Try again later or raise {RETRIES_VAR}."
        ) from None
    except anthropic.AuthenticationError:
        raise AssistantError(f"the API key was rejected; check {API_KEY_VAR}.") from None
    except anthropic.APIStatusError as error:
        raise AssistantError(
            f"the Anthropic API answered HTTP {error.status_code}: {error.message}; nothing "
            "was written."
        ) from None
    answer = validate_answer(_tool_input(response), schema)
    usage = _usage(config.model, response)
    document = build_document(
        answer,
        schema_file=schema_path.name,
        metadata_sha256=prompt.sha256,
        model=getattr(response, "model", None) or config.model,
        usage=usage,
    )
    write_annotations(path, document)
    cost = usage.get("estimated_cost_usd")
    return AnnotateResult(
        WRITTEN,
        f"wrote {path}: {len(answer.columns)} column(s) annotated by {document['model']} "
        f"({usage['input_tokens']} input + {usage['output_tokens']} output tokens"
        + (f", about ${cost:.4f}" if cost is not None else "")
        + "). Review it before committing.",
        path,
        prompt.sha256,
        usage,
        len(answer.columns),
    )


def _ask(client: anthropic.Anthropic, config: AssistantConfig, prompt: Prompt):
    """One Messages API call whose only content is the `Prompt` (metadata, nothing else)."""
    tool = tool_definition()
    return client.messages.create(
        model=config.model,
        max_tokens=config.max_tokens,
        system=prompt.system,
        messages=[{"role": "user", "content": prompt.user}],
        tools=[tool],
        tool_choice={"type": "tool", "name": tool["name"]},
    )


def _tool_input(response) -> Any:
    if getattr(response, "stop_reason", None) == "max_tokens":
        raise AnnotationError(
            [
                "the answer was cut off at max_tokens (schema too large for one "
                "request; raise max_tokens)"
            ]
        )
    tool_name = tool_definition()["name"]
    for block in response.content:
        if getattr(block, "type", None) == "tool_use" and block.name == tool_name:
            return block.input
    kinds = ", ".join(getattr(b, "type", "?") for b in response.content) or "nothing"
    raise AnnotationError([f"no {tool_name} tool call in the answer (got {kinds})"])


def _usage(model: str, response) -> dict[str, Any]:
    usage = response.usage
    input_tokens = int(getattr(usage, "input_tokens", 0) or 0)
    output_tokens = int(getattr(usage, "output_tokens", 0) or 0)
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "estimated_cost_usd": estimated_cost(model, input_tokens, output_tokens),
    }


def _existing_hash(path: Path) -> str | None:
    try:
        document = read_document(path)
    except (AnnotationError, OSError, ValueError):
        return None
    return (document or {}).get("metadata_sha256")


def _heuristics_summary(schema: Schema) -> str:
    """How much the built-in rules cover, so the user knows what they get without Claude."""
    from datagen_assets.generate.generators import ByType
    from datagen_assets.generate.semantic import detect

    columns = [(t, c) for t in schema.tables.values() for c in t.columns]
    typed = [f"{t.key}.{c.name}" for t, c in columns if isinstance(detect(c, t), ByType)]
    shown = ", ".join(typed[:8]) + (f" and {len(typed) - 8} more" if len(typed) > 8 else "")
    return f"Built-in rules recognise {len(columns) - len(typed)} of {len(columns)} column(s)" + (
        f"; the others get type-based values: {shown}." if typed else "."
    )


# ---------------------------------------------------------------------------- command line


def annotate_file(
    schema_path: Path | str,
    config_path: Path | str | None = None,
    *,
    config: AssistantConfig | None = None,
    force: bool = False,
) -> AnnotateResult:
    """Load a dataset (schema + YAML beside it) and annotate it; row counts are the config's
    planned rows (without environment overrides, so they do not change the hash)."""
    from datagen_assets.dataset import CONFIG_SUFFIXES, load_dataset
    from datagen_assets.settings import Settings

    schema_path = Path(schema_path)
    if config_path is None:
        name = schema_path.name.split(".")[0]
        beside = [schema_path.with_name(name + s) for s in CONFIG_SUFFIXES]
        config_path = next((p for p in beside if p.is_file()), None)
    dataset = load_dataset(schema_path, config_path, Settings())
    rows = {key: dataset.config.rows_for(key) for key in dataset.schema.tables}
    return annotate(dataset.schema, schema_path, rows, config=config, force=force)


def main(argv: list[str] | None = None) -> int:
    """`python -m datagen_assets.ai.assistant annotate ...`: an alias of `datagen annotate`."""
    from datagen_assets.cli import main as datagen

    return datagen(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

"""Validating CaseGeni requests and responses against their JSON Schemas (2020-12) with
`jsonschema`, reporting every error at its JSON pointer: a rejected request must list every
problem with where it is. `jsonschema` reports an unknown property on its parent and a failed
`oneOf` as one error; these are reshaped to point at the property, and at the branch whose
type fits the value, so the report reads like a list of fixes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SchemaViolation:
    path: str  # JSON pointer into the validated document, "" for the whole document
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def validate(document: Any, schema: Mapping[str, Any]) -> list[SchemaViolation]:
    """Every way `document` violates `schema`, in document order (empty when valid)."""
    from jsonschema import Draft202012Validator

    found: list[SchemaViolation] = []
    for error in Draft202012Validator(schema).iter_errors(document):
        found.extend(_from_jsonschema(error))
    return found


def _from_jsonschema(error: Any) -> list[SchemaViolation]:
    pointer = "".join(f"/{_escape(str(part))}" for part in error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        properties = error.schema.get("properties", {})
        allowed = ", ".join(sorted(properties)) or "none"
        return [
            SchemaViolation(
                f"{pointer}/{_escape(name)}", f"unknown property {name!r} (allowed: {allowed})"
            )
            for name in error.instance
            if name not in properties
        ]
    if error.validator == "uniqueItems" and isinstance(error.instance, list):
        repeated, seen = [], []
        for index, item in enumerate(error.instance):
            if any(_equal(item, other) for other in seen):
                repeated.append(SchemaViolation(f"{pointer}/{index}", f"repeats {_render(item)}"))
            seen.append(item)
        return repeated or [SchemaViolation(pointer, error.message)]
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches: dict[int, list] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        typed = [
            subs
            for subs in branches.values()
            if not any(s.validator == "type" and not s.relative_path for s in subs)
        ]
        if len(typed) == 1:
            return [v for sub in typed[0] for v in _from_jsonschema(sub)]
        return [SchemaViolation(pointer, "does not match any of the allowed forms")]
    return [SchemaViolation(pointer, error.message)]


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but True is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _render(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")

"""A small JSON Schema (2020-12) validator for the request/response schemas of `casegeni.py`.

`jsonschema` is not a dependency of this project, and a rejected request must list every error
with where it is, so this validates the subset of keywords those schemas use and reports all
errors as (JSON pointer, message) pairs. When `jsonschema` is installed it is used instead
(`validate`), so both give the same verdicts on the same schema. A schema using a keyword this
module does not know is refused up front (`UnsupportedKeyword`), never silently ignored.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

ANNOTATIONS = {
    "$schema",
    "$id",
    "$defs",
    "$comment",
    "title",
    "description",
    "examples",
    "default",
    "format",  # an annotation by default in 2020-12
    "deprecated",
    "readOnly",
}
ASSERTIONS = {
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "oneOf",
    "anyOf",
    "$ref",
}


class UnsupportedKeyword(ValueError):
    """The schema uses a keyword this validator does not implement."""


@dataclass(frozen=True)
class SchemaViolation:
    path: str  # JSON pointer into the validated document, "" for the whole document
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def validate(document: Any, schema: Mapping[str, Any]) -> list[SchemaViolation]:
    """Every way `document` violates `schema`, in document order (empty when valid)."""
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        return validate_lite(document, schema)
    return validate_with_jsonschema(document, schema)


def validate_lite(document: Any, schema: Mapping[str, Any]) -> list[SchemaViolation]:
    check_supported(schema)
    return list(_errors(document, schema, schema, ""))


def check_supported(schema: Any, where: str = "#") -> None:
    """Raise `UnsupportedKeyword` for any keyword, anywhere in `schema`, not implemented here."""
    if not isinstance(schema, Mapping):
        return
    for key, value in schema.items():
        if key not in ANNOTATIONS | ASSERTIONS:
            raise UnsupportedKeyword(f"{where}: JSON Schema keyword {key!r} is not supported")
        if key in ("properties", "$defs"):
            for name, sub in value.items():
                check_supported(sub, f"{where}/{key}/{name}")
        elif key in ("items", "additionalProperties"):
            check_supported(value, f"{where}/{key}")
        elif key in ("oneOf", "anyOf"):
            for index, sub in enumerate(value):
                check_supported(sub, f"{where}/{key}/{index}")


def validate_with_jsonschema(document: Any, schema: Mapping[str, Any]) -> list[SchemaViolation]:
    """The same report through `jsonschema`, shaped like ours: an unknown property is reported
    at its own pointer, and a failed `oneOf` by the branch whose type fits the value."""
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


# ---------------------------------------------------------------------------- the validator


def _errors(value: Any, schema: Any, root: Mapping, path: str) -> Iterator[SchemaViolation]:
    if schema is True or schema == {}:
        return
    if schema is False:
        yield SchemaViolation(path, "is not allowed here")
        return
    if "$ref" in schema:
        yield from _errors(value, _resolve(schema["$ref"], root), root, path)
    if "type" in schema and not _has_type(value, schema["type"]):
        expected = (
            schema["type"] if isinstance(schema["type"], str) else " or ".join(schema["type"])
        )
        yield SchemaViolation(path, f"must be of type {expected}, got {_type_name(value)}")
        return  # the other keywords would only restate the type error
    if "enum" in schema and not any(_equal(value, option) for option in schema["enum"]):
        options = ", ".join(_render(option) for option in schema["enum"])
        yield SchemaViolation(path, f"must be one of {options}, got {_render(value)}")
    if "const" in schema and not _equal(value, schema["const"]):
        yield SchemaViolation(path, f"must be {_render(schema['const'])}")
    if isinstance(value, dict):
        yield from _object_errors(value, schema, root, path)
    elif isinstance(value, list):
        yield from _array_errors(value, schema, root, path)
    elif isinstance(value, str):
        yield from _string_errors(value, schema, path)
    elif _is_number(value):
        yield from _number_errors(value, schema, path)
    if "oneOf" in schema:
        yield from _one_of_errors(value, schema["oneOf"], root, path)
    if "anyOf" in schema and not any(
        not list(_errors(value, branch, root, path)) for branch in schema["anyOf"]
    ):
        yield SchemaViolation(path, "does not match any of the allowed forms")


def _object_errors(value: dict, schema: Mapping, root: Mapping, path: str):
    for name in schema.get("required", ()):
        if name not in value:
            yield SchemaViolation(path, f"is missing required property {name!r}")
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for name, item in value.items():
        child = f"{path}/{_escape(name)}"
        if name in properties:
            yield from _errors(item, properties[name], root, child)
        elif extra is False:
            allowed = ", ".join(sorted(properties)) or "none"
            yield SchemaViolation(child, f"unknown property {name!r} (allowed: {allowed})")
        elif isinstance(extra, Mapping):
            yield from _errors(item, extra, root, child)
    if "minProperties" in schema and len(value) < schema["minProperties"]:
        yield SchemaViolation(path, f"must have at least {schema['minProperties']} properties")
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        yield SchemaViolation(path, f"must have at most {schema['maxProperties']} properties")


def _array_errors(value: list, schema: Mapping, root: Mapping, path: str):
    if "minItems" in schema and len(value) < schema["minItems"]:
        yield SchemaViolation(path, f"must have at least {schema['minItems']} items")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        yield SchemaViolation(path, f"must have at most {schema['maxItems']} items")
    if schema.get("uniqueItems"):
        seen: list = []
        for index, item in enumerate(value):
            if any(_equal(item, other) for other in seen):
                yield SchemaViolation(f"{path}/{index}", f"repeats {_render(item)}")
            seen.append(item)
    if "items" in schema:
        for index, item in enumerate(value):
            yield from _errors(item, schema["items"], root, f"{path}/{index}")


def _string_errors(value: str, schema: Mapping, path: str):
    if "minLength" in schema and len(value) < schema["minLength"]:
        yield SchemaViolation(path, f"must be at least {schema['minLength']} characters long")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        yield SchemaViolation(path, f"must be at most {schema['maxLength']} characters long")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        yield SchemaViolation(path, f"{_render(value)} does not match {schema['pattern']}")


def _number_errors(value: float, schema: Mapping, path: str):
    if "minimum" in schema and value < schema["minimum"]:
        yield SchemaViolation(path, f"must be >= {schema['minimum']}, got {_render(value)}")
    if "maximum" in schema and value > schema["maximum"]:
        yield SchemaViolation(path, f"must be <= {schema['maximum']}, got {_render(value)}")
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        yield SchemaViolation(path, f"must be > {schema['exclusiveMinimum']}, got {_render(value)}")
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        yield SchemaViolation(path, f"must be < {schema['exclusiveMaximum']}, got {_render(value)}")


def _one_of_errors(value: Any, branches: list, root: Mapping, path: str):
    """Exactly one branch must match. When none does, report the errors of the branch whose
    `type` fits the value (the one the author evidently meant), else a summary."""
    results = [list(_errors(value, branch, root, path)) for branch in branches]
    matching = sum(1 for errors in results if not errors)
    if matching == 1:
        return
    if matching > 1:
        yield SchemaViolation(path, "matches more than one of the allowed forms")
        return
    typed = [
        errors
        for branch, errors in zip(branches, results, strict=True)
        if "type" in _deref(branch, root) and _has_type(value, _deref(branch, root)["type"])
    ]
    if len(typed) == 1:
        yield from typed[0]
    else:
        yield SchemaViolation(path, "does not match any of the allowed forms")


# ---------------------------------------------------------------------------- helpers


def _resolve(ref: str, root: Mapping) -> Any:
    if not ref.startswith("#"):
        raise UnsupportedKeyword(f"only local $ref are supported, got {ref!r}")
    node: Any = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _deref(schema: Any, root: Mapping) -> Mapping:
    while isinstance(schema, Mapping) and "$ref" in schema:
        schema = _resolve(schema["$ref"], root)
    return schema if isinstance(schema, Mapping) else {}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _has_type(value: Any, expected: str | list[str]) -> bool:
    if isinstance(expected, list):
        return any(_has_type(value, one) for one in expected)
    if expected == "integer":
        return _is_number(value) and math.isfinite(value) and float(value).is_integer()
    checks = {
        "null": lambda v: v is None,
        "boolean": lambda v: isinstance(v, bool),
        "number": lambda v: _is_number(v) and math.isfinite(v),
        "string": lambda v: isinstance(v, str),
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    if expected not in checks:
        raise UnsupportedKeyword(f"unknown type {expected!r}")
    return checks[expected](value)


def _type_name(value: Any) -> str:
    for name in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _has_type(value, name):
            return name
    return type(value).__name__


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

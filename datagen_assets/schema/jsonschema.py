"""Import a JSON Schema (draft 2020-12 or draft-07) into the schema model.

JSON Schema describes documents, not tables, so the import is a mapping with a few fixed rules
(documented for users in docs/json-schema.md):

- every object definition (`$defs`, `definitions`, and the root when it has properties) is a
  table; inline objects are flattened into `<prop>_<sub>` columns;
- a `$ref` to an object definition is a foreign key `<prop>_<pk>` (`<prop>_id` for the usual
  `id` key); an array of objects (inline or `$ref`) is a child table with a foreign key back to
  its parent; an array of scalars is an array column;
- keywords become types and CHECKs: `format` picks the type, `enum` an ENUM, `minimum`,
  `maximum`, `minLength`, `pattern`, `const` become sqlglot expressions the CHECK translator
  reads; `required` means NOT NULL unless the type also allows null;
- `x-` keys say what JSON Schema has no word for: `x-primary-key`, `x-unique`,
  `x-foreign-key`, `x-table-name`, `x-sql-type`. A table without a key gets `id BIGINT`.

It works in three passes: find the tables (so a `$ref` may point forward), read each table's
properties into drafts, then resolve keys and foreign keys, which depend on other tables'
primary keys. Every problem is collected and raised in one `SchemaError`, each naming the file,
the line, the table, the column and the JSON pointer.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import sqlglot.expressions as exp
from sqlglot.errors import ParseError, TokenError

from datagen_assets.schema.model import (
    STRING_KINDS,
    Check,
    Column,
    ColumnType,
    ForeignKey,
    Note,
    Problem,
    Schema,
    SchemaError,
    Table,
    TypeKind,
    snake_case,
)
from datagen_assets.schema.types import map_type

SQL_DIALECT = "postgres"  # the dialect of every SQL text this importer writes into the model

# JSON type (with `format`) -> PostgreSQL type. Strings with `maxLength` become varchar(n).
SCALAR_TYPES: dict[str, str] = {
    "string": "text",
    "integer": "bigint",
    "number": "double precision",
    "boolean": "boolean",
}
FORMAT_TYPES: dict[tuple[str, str], str] = {
    ("string", "date"): "date",
    ("string", "date-time"): "timestamptz",
    ("string", "time"): "time",
    ("string", "duration"): "interval",
    ("string", "uuid"): "uuid",
    ("string", "email"): "varchar(254)",  # RFC 5321 limit; the column name hints the generator
    ("string", "idn-email"): "varchar(254)",
    ("string", "hostname"): "varchar(253)",
    ("string", "idn-hostname"): "varchar(253)",
    ("string", "ipv4"): "inet",
    ("string", "ipv6"): "inet",
    ("string", "uri"): "text",
    ("string", "uri-reference"): "text",
    ("string", "iri"): "text",
    ("string", "iri-reference"): "text",
    ("integer", "int16"): "smallint",
    ("integer", "int32"): "integer",
    ("integer", "int64"): "bigint",
    ("number", "float"): "real",
    ("number", "double"): "double precision",
}
JSON_TYPE = "jsonb"  # objects without properties, unions, tuples and nested arrays
DEFAULT_KEY = "id"  # the generated primary key: id BIGINT, autoincrement
UNBOUNDED_PRECISION = 18  # NUMERIC precision for `multipleOf: 0.01` without both bounds

PROPERTY_X_KEYS = frozenset(
    {"x-primary-key", "x-unique", "x-foreign-key", "x-sql-type", "x-table-name"}
)
OBJECT_X_KEYS = frozenset({"x-primary-key", "x-unique", "x-table-name"})
UNMODELLED = ("if", "then", "else", "not", "dependentRequired", "dependentSchemas", "dependencies")
# Range keywords -> (comparison, is a lower bound). Draft-04's boolean exclusive* flags are
# read too: they make minimum/maximum strict.
_BOUNDS: dict[str, tuple[type[exp.Expression], bool]] = {
    "minimum": (exp.GTE, True),
    "exclusiveMinimum": (exp.GT, True),
    "maximum": (exp.LTE, False),
    "exclusiveMaximum": (exp.LT, False),
}
_STRICT = {"minimum": ("exclusiveMinimum", exp.GT), "maximum": ("exclusiveMaximum", exp.LT)}
_NUMERIC_KINDS = frozenset(
    {TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT, TypeKind.NUMERIC, TypeKind.REAL,
     TypeKind.DOUBLE, TypeKind.MONEY}
)  # fmt: skip
_VALUE_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,)}
_DECIMAL_STEP = re.compile(r"^0\.0*1$|^1$")


# ---------------------------------------------------------------------------------------------
# Drafts: mutable while the document is read, frozen into the model at the end.
# ---------------------------------------------------------------------------------------------


@dataclass
class _ColumnDraft:
    name: str
    type: ColumnType | None  # None: taken from the x-foreign-key target
    pointer: str
    nullable: bool = True
    explicit_null: bool = False  # the schema itself allows null (not just "not required")
    default: str | None = None
    comment: str | None = None
    autoincrement: bool = False
    conditions: list[exp.Expression] = field(default_factory=list)
    foreign_key: str | None = None  # x-foreign-key: "table.column"


@dataclass
class _Link:
    """A property that `$ref`s another table: foreign key column(s) `<name>_<pk column>`."""

    name: str
    target: _TableDraft
    pointer: str
    nullable: bool
    comment: str | None = None
    columns: list[_ColumnDraft] | None = None  # known once the target's primary key is


@dataclass
class _BackRef:
    """An array of this table's rows inside `parent`: a foreign key back to the parent."""

    parent: _TableDraft
    pointer: str


@dataclass
class _TableDraft:
    name: str
    pointer: str
    schema: dict[str, Any]
    comment: str | None = None
    entries: dict[str, _ColumnDraft | _Link] = field(default_factory=dict)
    parents: list[_BackRef] = field(default_factory=list)
    key_spec: list[tuple[str, str]] = field(default_factory=list)  # (entry name, pointer)
    unique_specs: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    key_columns: list[_ColumnDraft] | None = None
    generated_key: _ColumnDraft | None = None
    back_columns: list[tuple[_BackRef, list[_ColumnDraft]]] | None = None
    columns: list[_ColumnDraft] = field(default_factory=list)
    uniques: list[tuple[str, ...]] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


@dataclass(frozen=True)
class _Resolved:
    """A property schema with `allOf`, nullable unions and scalar `$ref`s taken apart."""

    schema: dict[str, Any]
    nullable: bool
    table: _TableDraft | None = None  # the `$ref` pointed at a table
    type_name: str | None = None  # name of the definition a scalar `$ref` pointed at


# ---------------------------------------------------------------------------------------------
# Names and pointers.
# ---------------------------------------------------------------------------------------------


def snake_name(name: str) -> str:
    """`OrderItem` -> `order_item`, `shipping-address` -> `shipping_address`."""
    return snake_case(name) or "table"


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _show(pointer: str) -> str:
    return "#" + pointer


def _column_ref(name: str) -> exp.Column:
    """A column reference that survives PostgreSQL's case folding (`createdAt` is quoted)."""
    quoted = re.fullmatch(r"[a-z_][a-z0-9_]*", name) is None
    return exp.column(exp.to_identifier(name, quoted=quoted))


def _literal(value: Any) -> exp.Expression:
    return exp.convert(value)


_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def pointer_lines(text: str) -> dict[str, int]:
    """The 1-based line of every value of a JSON text, by JSON pointer (members: their key).

    The standard json module keeps no positions, so problems would have no line; this small
    scanner walks the (already valid) text once to recover them.
    """
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines: dict[str, int] = {}

    def line(pos: int) -> int:
        return bisect.bisect_left(newlines, pos) + 1

    def skip(pos: int) -> int:
        match = _WS.match(text, pos)
        return match.end() if match else pos

    def value(pos: int, pointer: str) -> int:
        pos = skip(pos)
        lines.setdefault(pointer, line(pos))
        char = text[pos]
        if char == '"':
            return json.decoder.scanstring(text, pos + 1)[1]
        if char not in "{[":
            match = _SCALAR.match(text, pos)
            return match.end() if match else pos + 1
        closing, index = ("}" if char == "{" else "]"), 0
        pos = skip(pos + 1)
        while text[pos] != closing:
            if char == "{":
                key, after = json.decoder.scanstring(text, pos + 1)
                child = f"{pointer}/{_escape(key)}"
                lines[child] = line(pos)
                pos = skip(after) + 1  # past ":"
            else:
                child, index = f"{pointer}/{index}", index + 1
            pos = skip(value(pos, child))
            if text[pos] == ",":
                pos = skip(pos + 1)
        return pos + 1

    with contextlib.suppress(IndexError, ValueError):  # a partial map still helps
        value(0, "")
    return lines


# ---------------------------------------------------------------------------------------------
# The importer.
# ---------------------------------------------------------------------------------------------


class _Importer:
    """Reads one JSON Schema document into table drafts, collecting notes and problems."""

    def __init__(self, document: dict[str, Any], text: str, source: str | None, name: str):
        self.document = document
        self.text = text
        self.source = source
        self.default_name = name
        self.tables: dict[str, _TableDraft] = {}
        self.by_pointer: dict[str, _TableDraft] = {}
        self.problems: list[Problem] = []
        self.notes: list[Note] = []
        self._lines: dict[str, int] | None = None
        self._resolving: set[str] = set()

    # -- reporting ---------------------------------------------------------------------------

    def _line(self, pointer: str) -> int | None:
        if self._lines is None:
            self._lines = pointer_lines(self.text)
        while pointer not in self._lines and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self._lines.get(pointer)

    def _problem(
        self, message: str, pointer: str, table: str | None = None, column: str | None = None
    ) -> None:
        text = f"{message} (at {_show(pointer)})"
        self.problems.append(Problem(text, self.source, self._line(pointer), table, column))

    def _note(self, message: str, pointer: str) -> None:
        self.notes.append(
            Note(f"{message} (at {_show(pointer)})", self.source, self._line(pointer))
        )

    # -- entry point -------------------------------------------------------------------------

    def run(self) -> Schema:
        self._discover()
        for draft in list(self.tables.values()):
            self._fill(draft)
        if not self.tables:
            message = "no object definitions: expected $defs/definitions or root properties"
            self._problem(message, "")
        drafts = list(self.tables.values())
        for draft in drafts:
            self._key_columns(draft)
        for draft in drafts:
            self._assemble(draft)
        for draft in drafts:
            self._resolve_uniques(draft)
        for draft in drafts:
            self._resolve_explicit_foreign_keys(draft)
        if self.problems:
            raise SchemaError(sorted(self.problems, key=lambda p: p.line or 0))
        tables = {draft.name: _freeze(draft) for draft in drafts}
        return Schema(tables, source=self.source, dialect=SQL_DIALECT, notes=tuple(self.notes))

    # -- pass 1: which objects are tables ----------------------------------------------------

    def _discover(self) -> None:
        """Root (if it has properties), then every object in `$defs` and `definitions`."""
        root = self._flatten(self.document, "")
        if _is_object(root) and "properties" in root:
            name = self._table_name(root, "", self._title_name(root))
            self._add_table(name, "", root)
        for section in ("$defs", "definitions"):
            definitions = self.document.get(section)
            if definitions is None:
                continue
            if not isinstance(definitions, dict):
                self._problem(f"{section} must be an object", f"/{section}")
                continue
            for key, schema in definitions.items():
                pointer = f"/{section}/{_escape(key)}"
                flat = self._flatten(schema, pointer) if isinstance(schema, dict) else {}
                if _is_object(flat):
                    self._add_table(self._table_name(flat, pointer, snake_name(key)), pointer, flat)

    def _title_name(self, root: dict[str, Any]) -> str:
        title = root.get("title")
        return snake_name(title) if isinstance(title, str) and title.strip() else self.default_name

    def _table_name(self, schema: dict[str, Any], pointer: str, fallback: str) -> str:
        name = schema.get("x-table-name")
        if name is None:
            return fallback
        if not isinstance(name, str) or not name.strip():
            self._problem("x-table-name must be a non-empty string", f"{pointer}/x-table-name")
            return fallback
        return name.strip()

    def _add_table(self, name: str, pointer: str, schema: dict[str, Any]) -> _TableDraft:
        draft = _TableDraft(name, pointer, schema, comment=_description(schema))
        existing = self.tables.get(name)
        if existing is not None:
            message = f"table {name} is defined twice (first at {_show(existing.pointer)})"
            self._problem(message, pointer, name)
        else:
            self.tables[name] = draft
        self.by_pointer[pointer] = draft
        return draft

    # -- pass 2: properties into columns -----------------------------------------------------

    def _fill(self, draft: _TableDraft) -> None:
        """Read a table's properties, then its object-level x- keys."""
        schema, pointer = draft.schema, draft.pointer
        self._check_x_keys(schema, pointer, OBJECT_X_KEYS, draft.name)
        self._properties(draft, schema, pointer, prefix="", optional=False)
        self._object_keys(draft, schema, pointer)

    def _properties(
        self, draft: _TableDraft, schema: dict[str, Any], pointer: str, prefix: str, optional: bool
    ) -> None:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        if not isinstance(properties, dict):
            self._problem("properties must be an object", f"{pointer}/properties", draft.name)
            return
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            self._problem("required must be a list of names", f"{pointer}/required", draft.name)
            required = []
        for name in required:
            if name not in properties:
                self._note(f"required names {name!r}, which is not a property", pointer)
        for name, sub in properties.items():
            sub_pointer = f"{pointer}/properties/{_escape(name)}"
            needed = name in required and not optional
            self._property(draft, prefix + name, sub, sub_pointer, needed)

    def _property(
        self, draft: _TableDraft, name: str, schema: Any, pointer: str, required: bool
    ) -> None:
        if schema is False:
            self._note(f"{draft.name}.{name}: `false` schema; no column", pointer)
            return
        if schema is True:
            schema = {}
        if not isinstance(schema, dict):
            self._problem("a property schema must be an object", pointer, draft.name, name)
            return
        self._check_x_keys(schema, pointer, PROPERTY_X_KEYS, draft.name, name)
        resolved = self._resolve(schema, pointer, draft.name, name)
        if resolved is None:
            return
        nullable = resolved.nullable or not required
        if resolved.table is not None:
            link = _Link(name, resolved.table, pointer, nullable, _description(resolved.schema))
            self._add_entry(draft, name, link, pointer)
            self._property_keys(draft, name, resolved.schema, pointer)
            return
        kind = self._json_type(resolved.schema, pointer, draft.name, name)
        if kind == "array":
            self._array(draft, name, resolved.schema, pointer, nullable)
        elif kind == "object" and "properties" in resolved.schema:
            self._properties(draft, resolved.schema, pointer, f"{name}_", optional=nullable)
        elif kind is not None:
            column = self._column(draft, name, kind, resolved, pointer)
            column.nullable, column.explicit_null = nullable, resolved.nullable
            self._add_entry(draft, name, column, pointer)
            self._property_keys(draft, name, resolved.schema, pointer)

    def _add_entry(
        self, draft: _TableDraft, name: str, entry: _ColumnDraft | _Link, pointer: str
    ) -> None:
        if name in draft.entries:
            message = (
                f"column {name} is defined twice (first at {_show(draft.entries[name].pointer)})"
            )
            self._problem(message, pointer, draft.name, name)
            return
        draft.entries[name] = entry

    def _array(
        self, draft: _TableDraft, name: str, schema: dict[str, Any], pointer: str, nullable: bool
    ) -> None:
        """An array of objects is a child table; of scalars, an array column; else JSON."""
        items, items_pointer = schema.get("items"), f"{pointer}/items"
        if "prefixItems" in schema or isinstance(items, list) or items in (None, True):
            message = f"{draft.name}.{name}: array without one item schema; stored as JSON"
            self._note(message, pointer)
            self._add_json_column(draft, name, pointer, nullable)
            return
        for key in ("x-primary-key", "x-unique", "x-foreign-key"):
            if key in schema:
                message = f"{key} cannot apply to an array (it is a child table or array column)"
                self._problem(message, f"{pointer}/{key}", draft.name, name)
        resolved = self._resolve(items, items_pointer, draft.name, name)
        if resolved is None:
            return
        if resolved.table is not None:
            resolved.table.parents.append(_BackRef(draft, pointer))
            return
        kind = self._json_type(resolved.schema, items_pointer, draft.name, name)
        if kind == "object" and "properties" in resolved.schema:
            self._child_table(draft, name, schema, pointer, resolved.schema)
        elif kind in ("array", "object", "json"):
            self._note(f"{draft.name}.{name}: array of {kind}s stored as JSON", pointer)
            self._add_json_column(draft, name, pointer, nullable)
        elif kind is not None:
            element = self._column(draft, name, kind, resolved, items_pointer)
            if element.conditions:
                self._note(f"{draft.name}.{name}: item constraints are not modelled", pointer)
            column = _ColumnDraft(name, _as_array(element.type), pointer, nullable=nullable)
            column.comment = _description(schema)
            self._add_entry(draft, name, column, pointer)

    def _child_table(
        self, parent: _TableDraft, name: str, array: dict[str, Any], pointer: str, items: dict
    ) -> None:
        """`<parent>_<prop>` (or x-table-name on the array or its items), keyed to the parent."""
        items_pointer = f"{pointer}/items"
        fallback = self._table_name(array, pointer, snake_name(f"{parent.name}_{name}"))
        table_name = self._table_name(items, items_pointer, fallback)
        child = self._add_table(table_name, items_pointer, items)
        child.comment = child.comment or _description(array)
        child.parents.append(_BackRef(parent, items_pointer))
        self._fill(child)

    def _add_json_column(self, draft: _TableDraft, name: str, pointer: str, nullable: bool) -> None:
        column = _ColumnDraft(name, _sql_type(JSON_TYPE), pointer, nullable=nullable)
        self._add_entry(draft, name, column, pointer)

    # -- resolving $ref, allOf and nullable unions -------------------------------------------

    def _resolve(
        self, schema: dict[str, Any], pointer: str, table: str, column: str
    ) -> _Resolved | None:
        """Follow scalar `$ref`s (siblings win), merge `allOf`, take null out of unions."""
        nullable, type_name, seen = False, None, {pointer}
        while True:
            schema = self._flatten(_single_ref(schema), pointer)
            schema, null = self._split_null(schema)
            nullable = nullable or null
            ref = schema.get("$ref")
            if ref is None:
                return _Resolved(schema, nullable, type_name=type_name)
            target = self._deref(ref, pointer, table, column)
            if target is None:
                return None
            target_pointer, target_schema = target
            if target_pointer in self.by_pointer:
                siblings = {k: v for k, v in schema.items() if k != "$ref"}
                return _Resolved(siblings, nullable, table=self.by_pointer[target_pointer])
            if target_pointer in seen:
                self._problem(f"$ref cycle through {ref}", pointer, table, column)
                return None
            seen.add(target_pointer)
            type_name = snake_name(target_pointer.rsplit("/", 1)[-1])
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target_schema, **siblings} if isinstance(target_schema, dict) else {}

    def _deref(
        self, ref: Any, pointer: str, table: str | None = None, column: str | None = None
    ) -> tuple[str, Any] | None:
        """A local `$ref` (`#` or `#/a/b`) -> (pointer, schema); anything else is a problem."""
        where = f"{pointer}/$ref"
        if not isinstance(ref, str) or not (ref == "#" or ref.startswith("#/")):
            message = f"$ref {ref!r} is not supported: only local refs like #/$defs/Name"
            self._problem(message, where, table, column)
            return None
        node: Any = self.document
        target = ""
        for raw in ref[2:].split("/") if ref != "#" else []:
            token = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                self._problem(f"$ref {ref} points at nothing", where, table, column)
                return None
            target += "/" + _escape(token)
        return target, node

    def _flatten(self, schema: Any, pointer: str) -> dict[str, Any]:
        """`allOf` merged into one schema: properties and required combined, else last wins.

        A `$ref` inside `allOf` is inlined even when it names a table: that is inheritance
        (copy the columns), not a reference.
        """
        if not isinstance(schema, dict):
            return {}
        parts = schema.get("allOf")
        if parts is None:
            return schema
        if not isinstance(parts, list):
            self._problem("allOf must be a list", f"{pointer}/allOf")
            return {k: v for k, v in schema.items() if k != "allOf"}
        merged: dict[str, Any] = {}
        for index, part in enumerate(parts):
            part_pointer = f"{pointer}/allOf/{index}"
            if isinstance(part, dict) and "$ref" in part:
                target = self._deref(part["$ref"], part_pointer)
                part = {**target[1], **part} if target and isinstance(target[1], dict) else {}
                part.pop("$ref", None)
            _merge(merged, self._flatten(part, part_pointer))
        _merge(merged, {k: v for k, v in schema.items() if k != "allOf"})
        return merged

    def _split_null(self, schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Take `null` out of `type: [t, null]`, `anyOf/oneOf: [..., {type: null}]`, enums."""
        nullable = schema.get("nullable") is True  # OpenAPI 3.0
        kind = schema.get("type")
        if isinstance(kind, list) and "null" in kind:
            rest = [k for k in kind if k != "null"]
            schema = {**schema, "type": rest[0] if len(rest) == 1 else rest}
            nullable = True
        enum = schema.get("enum")
        if isinstance(enum, list) and None in enum:
            schema = {**schema, "enum": [v for v in enum if v is not None]}
            nullable = True
        for union in ("anyOf", "oneOf"):
            branches = schema.get(union)
            if not isinstance(branches, list):
                continue
            kept = [b for b in branches if not _is_null_schema(b)]
            nullable = nullable or len(kept) < len(branches)
            if len(kept) == 1 and isinstance(kept[0], dict):
                siblings = {k: v for k, v in schema.items() if k != union}
                schema = {**siblings, **kept[0]}
                schema, inner = self._split_null(schema)
                nullable = nullable or inner
            elif len(kept) < len(branches):
                schema = {**schema, union: kept}
        return schema, nullable

    def _json_type(
        self, schema: dict[str, Any], pointer: str, table: str, column: str
    ) -> str | None:
        """The JSON type a schema describes; "json" when it is not one type."""
        for keyword in UNMODELLED:
            if keyword in schema:
                self._note(f"{table}.{column}: {keyword} is not modelled", pointer)
        kind = schema.get("type")
        if isinstance(kind, list):
            self._note(f"{table}.{column}: union of {kind} stored as JSON", pointer)
            return "json"
        if isinstance(kind, str):
            if kind in SCALAR_TYPES or kind in ("object", "array"):
                return kind
            self._problem(f"unknown type {kind!r}", f"{pointer}/type", table, column)
            return None
        if kind is not None:
            self._problem("type must be a string or a list", f"{pointer}/type", table, column)
            return None
        return self._implied_type(schema, pointer, table, column)

    def _implied_type(
        self, schema: dict[str, Any], pointer: str, table: str, column: str
    ) -> str | None:
        """No `type`: read it from enum/const values or the other keywords present."""
        if "enum" in schema or "const" in schema:
            values = _enum_values(schema)
            kinds = {_value_type(v) for v in values} if values else set()
            if len(kinds) == 1:
                return kinds.pop()
            if {"integer", "number"} == kinds:
                return "number"
            return "string"  # mixed or empty: reported by _enum
        if "properties" in schema:
            return "object"
        if "items" in schema or "prefixItems" in schema:
            return "array"
        if "format" in schema or "pattern" in schema or "maxLength" in schema:
            return "string"
        if "x-foreign-key" in schema or "x-sql-type" in schema:
            return "typed-elsewhere"
        if "anyOf" in schema or "oneOf" in schema:
            self._note(f"{table}.{column}: a union of several types is stored as JSON", pointer)
        return "json"

    # -- columns -----------------------------------------------------------------------------

    def _column(
        self, draft: _TableDraft, name: str, kind: str, resolved: _Resolved, pointer: str
    ) -> _ColumnDraft:
        """A scalar column: its type, and the CHECK conditions its keywords imply."""
        schema = resolved.schema
        column = _ColumnDraft(name, None, pointer, comment=_description(schema))
        column.default = self._default(schema, pointer, draft.name, name)
        foreign_key = schema.get("x-foreign-key")
        if foreign_key is not None:
            column.foreign_key = self._foreign_key_text(foreign_key, pointer, draft.name, name)
        if kind in ("json", "object"):
            column.type = _sql_type(JSON_TYPE)
            return column
        values = self._enum(schema, pointer, draft.name, name) if _has_enum(schema) else None
        if values is not None and not _values_fit(values, kind):
            message = f"enum/const values {values} do not match type {kind}"
            self._problem(message, pointer, draft.name, name)
            values = None
        sql_type = schema.get("x-sql-type")
        if sql_type is not None:
            column.type = self._declared_type(sql_type, pointer, draft.name, name)
        elif kind == "typed-elsewhere":
            column.type = None  # copied from the x-foreign-key target
        elif values is not None and kind == "string":
            enum_name = resolved.type_name or f"{draft.name}_{name}"
            column.type = ColumnType(TypeKind.ENUM, sql=enum_name, enum_values=tuple(values))
        else:
            column.type = self._scalar_type(kind, schema, pointer, draft.name, name)
        if values is not None and (column.type is None or column.type.kind != TypeKind.ENUM):
            column.conditions.append(
                exp.In(this=_column_ref(name), expressions=[_literal(v) for v in values])
            )
        column.conditions += self._conditions(column.type, schema, pointer, draft.name, name)
        return column

    def _scalar_type(
        self, kind: str, schema: dict[str, Any], pointer: str, table: str, column: str
    ) -> ColumnType:
        """string/integer/number/boolean with `format`, `maxLength` and `multipleOf`."""
        fmt = schema.get("format")
        sql = FORMAT_TYPES.get((kind, fmt)) if isinstance(fmt, str) else None
        if fmt is not None and sql is None:
            self._note(f"{table}.{column}: format {fmt!r} has no column type; {kind} used", pointer)
        sql = sql or SCALAR_TYPES[kind]
        column_type = _sql_type(sql)
        max_length = schema.get("maxLength")
        if column_type.kind in STRING_KINDS and max_length is not None:
            if _is_count(max_length) and max_length > 0:
                column_type = _sql_type(f"varchar({max_length})")
            else:
                message = "maxLength must be a positive integer"
                self._problem(message, f"{pointer}/maxLength", table, column)
        if kind == "number" and "multipleOf" in schema and "format" not in schema:
            column_type = self._decimal(schema, pointer, table, column) or column_type
        return column_type

    def _decimal(
        self, schema: dict[str, Any], pointer: str, table: str, column: str
    ) -> ColumnType | None:
        """`multipleOf: 0.01` -> NUMERIC(p, 2), p from the bounds when both are given."""
        step = schema["multipleOf"]
        text = repr(step) if isinstance(step, float) else str(step)
        if isinstance(step, bool) or not _DECIMAL_STEP.match(text):
            self._note(f"{table}.{column}: multipleOf {step!r} is not modelled", pointer)
            return None
        scale = len(text) - 2 if "." in text else 0
        bounds = [schema.get(k) for k in ("minimum", "maximum")]
        if all(_is_number(b) for b in bounds):
            digits = max(len(str(int(abs(b)))) for b in bounds)
            precision = max(digits + scale, 1)
        else:
            precision = UNBOUNDED_PRECISION
        return _sql_type(f"numeric({precision},{scale})")

    def _declared_type(self, text: Any, pointer: str, table: str, column: str) -> ColumnType:
        """`x-sql-type`: a PostgreSQL type name, mapped like a DDL column type."""
        where = f"{pointer}/x-sql-type"
        if not isinstance(text, str) or not text.strip():
            self._problem("x-sql-type must be a type name like numeric(10,2)", where, table, column)
            return _sql_type("text")
        try:
            declared = exp.DataType.build(text, dialect=SQL_DIALECT, udt=True)
        except (ParseError, TokenError, ValueError):
            declared = None
        mapped = map_type(declared, SQL_DIALECT, text.strip())
        if declared is None or mapped.type.kind == TypeKind.UNKNOWN:
            self._problem(f"x-sql-type {text!r} is not a type DataGen knows", where, table, column)
        return mapped.type

    def _enum(
        self, schema: dict[str, Any], pointer: str, table: str, column: str
    ) -> list[Any] | None:
        """The closed list of values of `enum`/`const`; problems when empty or mixed."""
        keyword = "enum" if "enum" in schema else "const"
        values = _enum_values(schema)
        where = f"{pointer}/{keyword}"
        if keyword == "enum" and not isinstance(schema["enum"], list):
            self._problem("enum must be a list", where, table, column)
            return None
        if not values:
            self._problem(f"{keyword} allows no value", where, table, column)
            return None
        kinds = {_value_type(v) for v in values}
        if len(kinds - {"integer", "number"}) + bool(kinds & {"integer", "number"}) > 1:
            self._problem(f"{keyword} mixes value types {sorted(kinds)}", where, table, column)
            return None
        if kinds & {"object", "array"}:
            self._problem(f"{keyword} values must be scalars", where, table, column)
            return None
        return values

    def _conditions(
        self,
        column_type: ColumnType | None,
        schema: dict[str, Any],
        pointer: str,
        table: str,
        column: str,
    ) -> list[exp.Expression]:
        """CHECK conditions from the range, length and pattern keywords."""
        kind = column_type.kind if column_type is not None else None
        sql = column_type.sql if column_type is not None else ""
        conditions: list[exp.Expression] = []
        if kind in _NUMERIC_KINDS:
            conditions += self._range_conditions(schema, pointer, table, column)
        elif kind is not None and any(k in schema for k in _BOUNDS):
            self._note(f"{table}.{column}: range keywords ignored on {sql}", pointer)
        if kind in STRING_KINDS:
            conditions += self._string_conditions(schema, pointer, table, column)
        elif kind not in (None, TypeKind.ENUM) and ("minLength" in schema or "pattern" in schema):
            self._note(f"{table}.{column}: minLength/pattern ignored on {sql}", pointer)
        return conditions

    def _range_conditions(
        self, schema: dict[str, Any], pointer: str, table: str, column: str
    ) -> list[exp.Expression]:
        """minimum/maximum/exclusive* -> `c >= v`, `c < v`: ranges the CHECK translator reads."""
        conditions: list[exp.Expression] = []
        low = high = None
        for keyword, (operator, is_low) in _BOUNDS.items():
            value = schema.get(keyword)
            if value is None or isinstance(value, bool):  # a bool is draft-04's strict flag
                continue
            if not _is_number(value):
                self._problem(f"{keyword} must be a number", f"{pointer}/{keyword}", table, column)
                continue
            flag, strict = _STRICT.get(keyword, (None, operator))
            if flag is not None and schema.get(flag) is True:
                operator = strict
            conditions.append(operator(this=_column_ref(column), expression=_literal(value)))
            if is_low:
                low = value if low is None else max(low, value)
            else:
                high = value if high is None else min(high, value)
        if low is not None and high is not None and low > high:
            message = f"the minimum {low} is greater than the maximum {high}"
            self._problem(message, pointer, table, column)
        return [exp.and_(*conditions)] if conditions else []

    def _string_conditions(
        self, schema: dict[str, Any], pointer: str, table: str, column: str
    ) -> list[exp.Expression]:
        """minLength -> `LENGTH(c) >= n`, pattern -> `c ~ 'regex'` (maxLength is the type)."""
        conditions: list[exp.Expression] = []
        ref = _column_ref(column)
        min_length = schema.get("minLength")
        if min_length is not None:
            if not _is_count(min_length):
                message = "minLength must be a non-negative integer"
                self._problem(message, f"{pointer}/minLength", table, column)
            elif min_length > 0:
                length = exp.Length(this=ref.copy())
                conditions.append(exp.GTE(this=length, expression=_literal(min_length)))
            max_length = schema.get("maxLength")
            if _is_count(min_length) and _is_count(max_length) and min_length > max_length:
                message = f"minLength {min_length} is greater than maxLength {max_length}"
                self._problem(message, pointer, table, column)
        pattern = schema.get("pattern")
        if pattern is not None:
            if isinstance(pattern, str):
                regex = exp.Literal.string(pattern)
                conditions.append(exp.RegexpLike(this=ref.copy(), expression=regex))
            else:
                self._problem("pattern must be a string", f"{pointer}/pattern", table, column)
        return conditions

    def _default(self, schema: dict[str, Any], pointer: str, table: str, column: str) -> str | None:
        value = schema.get("default")
        if value is None or isinstance(value, (dict, list)):
            return None
        return _literal(value).sql(dialect=SQL_DIALECT)

    def _foreign_key_text(self, value: Any, pointer: str, table: str, column: str) -> str | None:
        if isinstance(value, str) and "." in value.strip(".") and " " not in value:
            return value
        message = f"x-foreign-key must be 'table.column', not {value!r}"
        self._problem(message, f"{pointer}/x-foreign-key", table, column)
        return None

    # -- x- keys -----------------------------------------------------------------------------

    def _check_x_keys(
        self,
        schema: dict[str, Any],
        pointer: str,
        allowed: frozenset[str],
        table: str,
        column: str | None = None,
    ) -> None:
        """An unknown or misplaced `x-` key is likely a typo: say so (a note, not fatal)."""
        known = PROPERTY_X_KEYS | OBJECT_X_KEYS
        where = f"{table}.{column}" if column else table
        for key in schema:
            if not isinstance(key, str) or not key.startswith("x-") or key in allowed:
                continue
            if key in known:
                message = f"{where}: {key} has no effect here"
            else:
                message = f"{where}: unknown key {key} ignored (known: {', '.join(sorted(known))})"
            self._note(message, f"{pointer}/{_escape(key)}")

    def _property_keys(
        self, draft: _TableDraft, name: str, schema: dict[str, Any], pointer: str
    ) -> None:
        """x-primary-key / x-unique on a property: flags."""
        for key in ("x-primary-key", "x-unique"):
            value = schema.get(key)
            if value is None or value is False:
                continue
            if value is not True:
                message = f"{key} on a property must be true or false"
                self._problem(message, f"{pointer}/{key}", draft.name, name)
            elif key == "x-primary-key":
                draft.key_spec.append((name, f"{pointer}/{key}"))
            else:
                draft.unique_specs.append(((name,), f"{pointer}/{key}"))

    def _object_keys(self, draft: _TableDraft, schema: dict[str, Any], pointer: str) -> None:
        """x-primary-key: [names] and x-unique: [names] or [[names], ...] on an object."""
        key = schema.get("x-primary-key")
        where = f"{pointer}/x-primary-key"
        if key is not None:
            names = _name_list(key)
            if names is None:
                message = "x-primary-key on an object must be a list of names"
                self._problem(message, where, draft.name)
            elif draft.key_spec and [n for n, _ in draft.key_spec] != list(names):
                flagged = ", ".join(n for n, _ in draft.key_spec)
                message = f"x-primary-key lists {list(names)} but properties flag {flagged}"
                self._problem(message, where, draft.name)
            else:
                draft.key_spec = [(n, where) for n in names]
        unique = schema.get("x-unique")
        if unique is not None:
            where = f"{pointer}/x-unique"
            groups = [unique] if _name_list(unique) is not None else unique
            if not isinstance(groups, list) or any(_name_list(g) is None for g in groups):
                message = "x-unique on an object must be a list of names or of lists of names"
                self._problem(message, where, draft.name)
            else:
                draft.unique_specs += [(tuple(g), where) for g in groups]

    # -- pass 3: keys and foreign keys -------------------------------------------------------

    def _key_columns(self, draft: _TableDraft) -> list[_ColumnDraft]:
        """The primary key columns: x-primary-key, else a property `id`, else a new `id`.

        Memoized, and guarded against cycles: a key may include a `$ref` property, whose
        columns depend on the other table's key.
        """
        if draft.key_columns is not None:
            return draft.key_columns
        if draft.name in self._resolving:
            message = "primary keys depend on each other in a cycle"
            self._problem(message, draft.pointer, draft.name)
            return []
        self._resolving.add(draft.name)
        spec = draft.key_spec
        if not spec and DEFAULT_KEY in draft.entries:
            spec = [(DEFAULT_KEY, draft.entries[DEFAULT_KEY].pointer)]
        columns: list[_ColumnDraft] = []
        for name, pointer in spec:
            columns += self._named_columns(draft, name, pointer, "x-primary-key")
        if not spec:
            generated = _ColumnDraft(DEFAULT_KEY, _sql_type("bigint"), draft.pointer)
            generated.autoincrement = True
            draft.generated_key = generated
            columns = [generated]
        for column in columns:
            if column.explicit_null:
                message = "a primary key column cannot allow null"
                self._problem(message, column.pointer, draft.name, column.name)
            column.nullable = False
        self._resolving.discard(draft.name)
        draft.key_columns = columns
        return columns

    def _named_columns(
        self, draft: _TableDraft, name: str, pointer: str, what: str
    ) -> list[_ColumnDraft]:
        """The columns a name in x-primary-key / x-unique stands for."""
        entry = draft.entries.get(name)
        if isinstance(entry, _ColumnDraft):
            return [entry]
        if isinstance(entry, _Link):
            return self._link_columns(entry)
        for _, columns in self._back_columns(draft):
            found = [c for c in columns if c.name == name]
            if found:
                return found
        self._problem(f"{what} names unknown property {name}", pointer, draft.name, name)
        return []

    def _link_columns(self, link: _Link) -> list[_ColumnDraft]:
        """`customer: {$ref: Customer}` -> customer_id, typed like customer's key."""
        if link.columns is None:
            key = self._key_columns(link.target)
            link.columns = [_reference_column(f"{link.name}_{k.name}", k, link) for k in key]
        return link.columns

    def _back_columns(self, draft: _TableDraft) -> list[tuple[_BackRef, list[_ColumnDraft]]]:
        """Foreign key columns to the tables holding arrays of this table's rows.

        Named `<parent>_<key>` (`parent_<key>` when a table holds arrays of itself); nullable
        when the rows can belong to several parents, or to none (the roots of a tree).
        """
        if draft.back_columns is not None:
            return draft.back_columns
        draft.back_columns = []
        shared = len(draft.parents) > 1
        for back in draft.parents:
            itself = back.parent is draft
            prefix = "parent" if itself else back.parent.name
            columns = []
            for key in self._key_columns(back.parent):
                link = _Link(prefix, back.parent, back.pointer, nullable=itself or shared)
                columns.append(_reference_column(f"{prefix}_{key.name}", key, link))
            draft.back_columns.append((back, columns))
        return draft.back_columns

    def _assemble(self, draft: _TableDraft) -> None:
        """Final column order: generated key, back references, then the properties."""
        self._key_columns(draft)
        columns = [draft.generated_key] if draft.generated_key else []
        for back, back_columns in self._back_columns(draft):
            columns += back_columns
            if back_columns:
                parent_key = tuple(k.name for k in self._key_columns(back.parent))
                names = tuple(c.name for c in back_columns)
                draft.foreign_keys.append(ForeignKey(names, back.parent.name, parent_key))
        for entry in draft.entries.values():
            if isinstance(entry, _Link):
                link_columns = self._link_columns(entry)
                columns += link_columns
                if link_columns:
                    target_key = tuple(k.name for k in self._key_columns(entry.target))
                    names = tuple(c.name for c in link_columns)
                    draft.foreign_keys.append(ForeignKey(names, entry.target.name, target_key))
            else:
                columns.append(entry)
        seen: dict[str, _ColumnDraft] = {}
        for column in columns:
            if column.name in seen:
                first = _show(seen[column.name].pointer)
                message = f"column {column.name} clashes with the column made for {first}"
                self._problem(message, column.pointer, draft.name, column.name)
            seen.setdefault(column.name, column)
        draft.columns = list(seen.values())

    def _resolve_uniques(self, draft: _TableDraft) -> None:
        key = {c.name for c in draft.key_columns or []}
        found: list[set[str]] = [key]
        for names, pointer in draft.unique_specs:
            columns = [c for n in names for c in self._named_columns(draft, n, pointer, "x-unique")]
            if not columns or len(columns) < len(names):
                continue
            if {c.name for c in columns} not in found:
                found.append({c.name for c in columns})
                draft.uniques.append(tuple(c.name for c in columns))

    def _resolve_explicit_foreign_keys(self, draft: _TableDraft) -> None:
        """x-foreign-key "table.column": the target must be its table's key or UNIQUE."""
        for column in draft.columns:
            if column.foreign_key is None:
                if column.type is None:  # only x-foreign-key may leave the type open
                    column.type = _sql_type(JSON_TYPE)
                continue
            where = f"{column.pointer}/x-foreign-key"
            table_name, _, column_name = column.foreign_key.rpartition(".")
            target = self._find_table(table_name)
            columns = target.columns if target else []
            referenced = next((c for c in columns if c.name == column_name), None)
            if target is None or referenced is None:
                what = f"table {table_name}" if target is None else f"column {column.foreign_key}"
                self._problem(f"x-foreign-key names unknown {what}", where, draft.name, column.name)
                column.type = column.type or ColumnType(TypeKind.UNKNOWN)
                continue
            keys = [tuple(k.name for k in target.key_columns or [])] + target.uniques
            if (column_name,) not in keys:
                message = f"x-foreign-key {column.foreign_key} is neither a primary key nor unique"
                self._problem(message, where, draft.name, column.name)
            if column.type is None:
                column.type = referenced.type
            fk = ForeignKey((column.name,), target.name, (column_name,))
            draft.foreign_keys.append(fk)

    def _find_table(self, name: str) -> _TableDraft | None:
        """By table name, then by definition name (`Customer`), then ignoring case."""
        if name in self.tables:
            return self.tables[name]
        for section in ("$defs", "definitions"):
            draft = self.by_pointer.get(f"/{section}/{_escape(name)}")
            if draft is not None:
                return draft
        matches = [t for t in self.tables.values() if t.name.casefold() == name.casefold()]
        return matches[0] if len(matches) == 1 else None


# ---------------------------------------------------------------------------------------------
# Small helpers.
# ---------------------------------------------------------------------------------------------


def _single_ref(schema: dict[str, Any]) -> dict[str, Any]:
    """`allOf: [{$ref: X}]` beside a description (a draft-07 idiom) is just `$ref: X`."""
    parts = schema.get("allOf")
    single = isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict)
    if single and set(parts[0]) == {"$ref"} and "$ref" not in schema:
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return {**rest, "$ref": parts[0]["$ref"]}
    return schema


def _values_fit(values: list[Any], kind: str) -> bool:
    """Whether enum values are of the declared JSON type (bools are not integers here)."""
    accepted = _VALUE_TYPES.get(kind)
    if accepted is None:
        return True
    boolean = kind == "boolean"
    return all(isinstance(v, accepted) and boolean == isinstance(v, bool) for v in values)


def _is_object(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        kind == "object"
        or (isinstance(kind, list) and "object" in kind)
        or (kind is None and "properties" in schema)
    )


def _is_null_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or ("const" in schema and schema["const"] is None)
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _has_enum(schema: dict[str, Any]) -> bool:
    return "enum" in schema or "const" in schema


def _enum_values(schema: dict[str, Any]) -> list[Any]:
    if "const" in schema and "enum" not in schema:
        return [schema["const"]] if schema["const"] is not None else []
    values = schema.get("enum")
    return [v for v in values if v is not None] if isinstance(values, list) else []


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _name_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _description(schema: dict[str, Any]) -> str | None:
    for key in ("description", "title"):
        value = schema.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        if key == "properties" and isinstance(value, dict):
            into["properties"] = {**into.get("properties", {}), **value}
        elif key == "required" and isinstance(value, list):
            into["required"] = list(dict.fromkeys([*into.get("required", []), *value]))
        else:
            into[key] = value


def _sql_type(sql: str) -> ColumnType:
    """A PostgreSQL type spelling mapped exactly as the DDL importer maps it."""
    return map_type(exp.DataType.build(sql, dialect=SQL_DIALECT), SQL_DIALECT, sql).type


def _as_array(element: ColumnType | None) -> ColumnType:
    element = element or _sql_type("text")
    sql = element.sql if element.kind != TypeKind.ENUM else "text"
    return ColumnType(
        element.kind,
        sql=f"{sql}[]",
        length=element.length,
        precision=element.precision,
        scale=element.scale,
        enum_values=element.enum_values,
        array=True,
    )


def _reference_column(name: str, key: _ColumnDraft, link: _Link) -> _ColumnDraft:
    """A foreign key column typed like the key it references (never autoincrement)."""
    return _ColumnDraft(name, key.type, link.pointer, nullable=link.nullable, comment=link.comment)


def _freeze(draft: _TableDraft) -> Table:
    columns = []
    checks = []
    for c in draft.columns:
        column_type = c.type or ColumnType(TypeKind.UNKNOWN)
        columns.append(
            Column(
                name=c.name,
                type=column_type,
                nullable=c.nullable,
                default=c.default,
                autoincrement=c.autoincrement,
                comment=c.comment,
            )
        )
        for index, expression in enumerate(c.conditions):
            name = f"{draft.name}_{c.name}_check{index or ''}"  # PostgreSQL's naming
            checks.append(Check(expression, expression.sql(dialect=SQL_DIALECT), name))
    return Table(
        name=draft.name,
        columns=tuple(columns),
        primary_key=tuple(c.name for c in draft.key_columns or []),
        uniques=tuple(draft.uniques),
        foreign_keys=tuple(draft.foreign_keys),
        checks=tuple(checks),
        comment=draft.comment,
    )


# ---------------------------------------------------------------------------------------------
# Public API.
# ---------------------------------------------------------------------------------------------


def parse_json_schema(text: str, source: str | None = None, name: str = "root") -> Schema:
    """Build a `Schema` from JSON Schema text. Raises `SchemaError` listing every problem.

    `name` names the root table when the root has neither `x-table-name` nor `title`.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SchemaError([Problem(f"invalid JSON: {error.msg}", source, error.lineno)]) from None
    if not isinstance(document, dict):
        raise SchemaError([Problem("a JSON Schema must be a JSON object", source, 1)])
    return _Importer(document, text, source, snake_name(name)).run()


def load_json_schema(path: str | Path, dialect: str | None = None) -> Schema:
    """Build a `Schema` from a JSON Schema file; the root table is named after the file.

    `orders.schema.json` names an untitled root `orders`. `dialect` is accepted for the
    loader registry's sake and ignored: JSON Schema has no SQL dialect.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    return parse_json_schema(text, source=str(path), name=path.name.split(".")[0])

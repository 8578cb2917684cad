"""Tests for the JSON Schema importer and the schema-source dispatcher.

The realistic schema is `data/orders.schema.json` (draft 2020-12): a root order with a $ref'd
customer, an inline array of lines (a child table keyed by the order and a line number), an
array of $ref'd payments, enums, formats, ranges, a nullable union and every x- key. Smaller
inline documents cover draft-07 spellings, trees, inheritance and the error report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlglot.expressions as exp

from datagen_assets.schema.jsonschema import (
    load_json_schema,
    parse_json_schema,
    pointer_lines,
    snake_case,
)
from datagen_assets.schema.model import ForeignKey, Schema, SchemaError, TypeKind
from datagen_assets.schema.sources import SCHEMA_SUFFIXES, load_schema

DATA = Path(__file__).parent / "data"
ORDERS = DATA / "orders.schema.json"


@pytest.fixture(scope="module")
def orders() -> Schema:
    return load_json_schema(ORDERS)


def kinds(schema: Schema, table: str) -> dict[str, TypeKind]:
    return {c.name: c.type.kind for c in schema.table(table).columns}


def problems_of(document: dict | str, name: str = "bad") -> SchemaError:
    text = document if isinstance(document, str) else json.dumps(document, indent=2)
    with pytest.raises(SchemaError) as caught:
        parse_json_schema(text, source=f"{name}.schema.json", name=name)
    return caught.value


# -- the realistic schema --------------------------------------------------------------------


def test_one_table_per_object_definition_plus_root_and_child(orders):
    assert list(orders.tables) == ["orders", "customers", "products", "payments", "order_lines"]
    assert orders.source == str(ORDERS) and orders.dialect == "postgres"
    assert orders.notes == ()


def test_root_table_columns(orders):
    table = orders.table("orders")
    assert table.column_names == (
        "id", "order_no", "customer_id", "status", "placed_at", "delivery_date", "total",
        "discount_pct", "coupon", "shipping_address_street", "shipping_address_city",
        "shipping_address_country", "tags",
    )  # fmt: skip
    assert table.comment == "A customer order, its lines and its payments"
    generated = table.column("id")
    assert table.primary_key == ("id",)
    assert (generated.type.kind, generated.autoincrement, generated.nullable) == (
        TypeKind.BIGINT, True, False,
    )  # fmt: skip
    assert kinds(orders, "orders") | {"id": TypeKind.BIGINT} == {
        "id": TypeKind.BIGINT,
        "order_no": TypeKind.VARCHAR,
        "customer_id": TypeKind.UUID,  # typed like customers.id
        "status": TypeKind.ENUM,
        "placed_at": TypeKind.TIMESTAMPTZ,
        "delivery_date": TypeKind.DATE,
        "total": TypeKind.NUMERIC,
        "discount_pct": TypeKind.BIGINT,
        "coupon": TypeKind.VARCHAR,
        "shipping_address_street": TypeKind.VARCHAR,
        "shipping_address_city": TypeKind.VARCHAR,
        "shipping_address_country": TypeKind.VARCHAR,
        "tags": TypeKind.VARCHAR,
    }


def test_types_lengths_enums_and_nullability(orders):
    table = orders.table("orders")
    assert table.column("order_no").type.length == 10
    status = table.column("status").type
    assert status.enum_values == ("pending", "paid", "shipped", "cancelled")
    assert status.sql == "order_status"  # named after the $defs entry
    total = table.column("total").type
    assert (total.precision, total.scale, total.sql) == (12, 2, "numeric(12,2)")  # x-sql-type
    assert table.column("discount_pct").default == "0"
    tags = table.column("tags").type
    assert (tags.array, tags.length, tags.sql) == (True, 20, "varchar(20)[]")
    nullable = {c.name for c in table.columns if c.nullable}
    # not required, a [string, null] union, an anyOf with null: nullable; the rest NOT NULL
    assert nullable == {"delivery_date", "discount_pct", "coupon", "tags"}
    assert table.column("coupon").type.length == 16  # the non-null branch of the anyOf
    customer = orders.table("customers")
    assert customer.column("email").type.length == 254
    assert customer.column("loyalty_tier").type.enum_values == ("bronze", "silver", "gold")
    assert customer.column("loyalty_tier").nullable  # null in the enum
    assert customer.column("last_login_ip").type.kind == TypeKind.INET
    assert customer.column("website").type.kind == TypeKind.TEXT
    assert customer.comment == "A registered customer"
    products = orders.table("products")
    assert products.column("weight_kg").type.kind == TypeKind.DOUBLE
    assert products.column("active").default == "TRUE"


def test_keys_and_foreign_keys(orders):
    assert orders.table("orders").uniques == (("order_no",),)
    assert orders.table("orders").foreign_keys == (
        ForeignKey(("customer_id",), "customers", ("id",)),
    )
    assert orders.table("customers").primary_key == ("id",)  # the property named id
    assert orders.table("customers").uniques == (("email",),)
    assert orders.table("products").primary_key == ("sku",)  # x-primary-key: true

    lines = orders.table("order_lines")  # inline array items: a child table
    assert lines.primary_key == ("orders_id", "line_no")  # x-primary-key list on the object
    assert lines.column_names == ("orders_id", "line_no", "product_sku", "quantity", "unit_price")
    assert set(lines.foreign_keys) == {
        ForeignKey(("orders_id",), "orders", ("id",)),
        ForeignKey(("product_sku",), "products", ("sku",)),  # <prop>_<pk of the target>
    }
    assert lines.column("product_sku").type.length == 12
    assert lines.column("line_no").type.kind == TypeKind.INTEGER  # format int32
    assert (lines.column("unit_price").type.precision, lines.column("unit_price").type.scale) == (
        7, 2,
    )  # fmt: skip  # multipleOf 0.01, maximum 10000

    payments = orders.table("payments")  # array of $ref: the definition gets the back FK
    assert payments.column("orders_id").nullable is False
    assert set(payments.foreign_keys) == {
        ForeignKey(("orders_id",), "orders", ("id",)),
        ForeignKey(("refund_of",), "payments", ("id",)),  # x-foreign-key
    }
    assert payments.column("refund_of").type.kind == TypeKind.BIGINT  # typed like the target
    assert payments.column("refund_of").comment == "The payment refunded"


def test_checks_are_sqlglot_expressions_the_translator_reads(orders):
    checks = {c.name: c for c in orders.table("order_lines").checks}
    quantity = checks["order_lines_quantity_check"]
    assert quantity.sql == "quantity > 0 AND quantity <= 100"
    assert isinstance(quantity.expression, exp.And)
    rules = orders.table("order_lines").check_rules
    bound = rules.bounds["quantity"]
    assert (bound.low, bound.low_strict, bound.high, bound.high_strict) == (0, True, 100, False)
    assert rules.bounds["unit_price"].high == 10000 and not rules.untranslated

    customer_checks = [c.sql for c in orders.table("customers").checks]
    assert customer_checks == ["LENGTH(country_code) >= 2", "country_code ~ '^[A-Z]{2}$'"]
    order_checks = {c.name: c.sql for c in orders.table("orders").checks}
    assert order_checks["orders_order_no_check"] == "order_no ~ '^ORD-[0-9]{6}$'"
    assert order_checks["orders_discount_pct_check"] == "discount_pct >= 0 AND discount_pct <= 90"
    assert order_checks["orders_coupon_check"] == "LENGTH(coupon) >= 4"
    assert orders.table("products").checks[0].sql == "price > 0"


# -- draft-07 spellings, trees, inheritance, naming ------------------------------------------

DRAFT_07 = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "definitions": {
        "Audited": {
            "type": "object",
            "properties": {"createdAt": {"type": "string", "format": "date-time"}},
            "required": ["createdAt"],
        },
        "Category": {
            "allOf": [
                {"$ref": "#/definitions/Audited"},
                {
                    "type": "object",
                    "x-unique": [["shop", "slug"]],
                    "required": ["id", "slug", "shop"],
                    "properties": {
                        "id": {"type": "integer", "exclusiveMinimum": 0},
                        "slug": {"type": "string", "maxLength": 40},
                        "shop": {"type": "string", "maxLength": 10},
                        "rank": {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
                        "parent": {"oneOf": [{"$ref": "#/definitions/Category"}, {"type": "null"}]},
                        "children": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                        "labels": {"type": "array", "items": {"enum": ["new", "hot"]}},
                        "extra": {"type": "object"},
                        "weight": {"type": ["integer", "string"]},
                    },
                },
            ]
        },
        "Shop": {
            "type": "object",
            "properties": {
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                "main_category": {
                    "description": "draft-07 idiom for a described $ref",
                    "allOf": [{"$ref": "#/definitions/Category"}],
                },
            },
        },
        "Tag": {
            "type": "object",
            "properties": {
                "label": {"type": "string", "x-table-nam": "typo"},
                "subtags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
            },
        },
    },
}


def test_draft_07_inheritance_trees_and_shared_children():
    schema = parse_json_schema(json.dumps(DRAFT_07, indent=2), source="d7.json")
    assert list(schema.tables) == ["audited", "category", "shop", "tag"]
    category = schema.table("category")
    # allOf copies Audited's columns (inheritance), then the own ones; parent is a self FK
    assert category.column_names[:3] == ("createdAt", "id", "slug")
    assert category.primary_key == ("id",)
    assert category.uniques == (("shop", "slug"),)
    assert category.column("parent_id").nullable
    assert ForeignKey(("parent_id",), "category", ("id",)) in category.foreign_keys
    assert [c.sql for c in category.checks][:2] == ["id > 0", "rank > 1"]  # numeric, draft-04
    labels = category.column("labels").type
    assert (labels.kind, labels.array, labels.enum_values) == (TypeKind.ENUM, True, ("new", "hot"))
    assert category.column("extra").type.kind == TypeKind.JSON
    assert category.column("weight").type.kind == TypeKind.JSON  # a union of two types

    shop = schema.table("shop")
    assert shop.column("main_category_id").comment == "draft-07 idiom for a described $ref"
    assert ForeignKey(("main_category_id",), "category", ("id",)) in shop.foreign_keys

    tag = schema.table("tag")  # held in arrays by category, shop and itself
    assert tag.column_names == ("id", "category_id", "shop_id", "parent_id", "label")
    assert all(tag.column(c).nullable for c in ("category_id", "shop_id", "parent_id"))
    assert {fk.ref_table for fk in tag.foreign_keys} == {"category", "shop", "tag"}
    notes = " | ".join(n.message for n in schema.notes)
    assert "unknown key x-table-nam" in notes and "stored as JSON" in notes


def test_root_naming_and_helpers():
    untitled = {"type": "object", "properties": {"sku": {"type": "string", "x-primary-key": True}}}
    assert list(parse_json_schema(json.dumps(untitled), name="Line Item").tables) == ["line_item"]
    titled = {**untitled, "title": "StockLevel"}
    assert list(parse_json_schema(json.dumps(titled)).tables) == ["stock_level"]
    assert snake_case("HTTPServerLog") == "http_server_log"
    assert snake_case("order-items") == "order_items"
    camel = {"type": "object", "properties": {"createdAt": {"type": "integer", "minimum": 0}}}
    check = parse_json_schema(json.dumps(camel)).table("root").checks[0]
    assert check.sql == '"createdAt" >= 0'  # quoted: PostgreSQL would fold it otherwise


def test_pointer_lines():
    text = '{\n  "a": {\n    "b": [\n      1,\n      {"c": "x/y"}\n    ]\n  },\n  "d~e": 2\n}'
    lines = pointer_lines(text)
    assert lines["/a"] == 2 and lines["/a/b"] == 3 and lines["/a/b/0"] == 4
    assert lines["/a/b/1/c"] == 5 and lines["/d~0e"] == 8


# -- problems ------------------------------------------------------------------------------

BAD = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "Account": {
            "type": "object",
            "x-primary-key": ["account_no"],
            "properties": {
                "id": {"type": "strng"},
                "owner": {"$ref": "#/$defs/Person"},
                "age": {"type": "integer", "minimum": 10, "maximum": 5},
                "kind": {"enum": ["a", 1]},
                "branch": {"type": "integer", "x-foreign-key": "branches.id"},
                "balance": {"type": "number", "x-sql-type": "decimal(10,2"},
                "remote": {"$ref": "other.json#/$defs/X"},
                "code": {"type": ["string", "null"], "x-unique": "yes"},
            },
        },
        "Ledger": {
            "type": "object",
            "properties": {
                "id": {"type": ["integer", "null"]},
                "branch_id": {"type": "integer"},
                "branch": {"$ref": "#/$defs/Branch"},
            },
        },
        "Branch": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def test_bad_schema_reports_every_problem_at_once():
    error = problems_of(BAD)
    found = {(p.table, p.column): p for p in error.problems}
    expected = {
        ("account", "account_no"): "x-primary-key names unknown property account_no",
        ("account", "id"): "unknown type 'strng'",
        ("account", "owner"): "$ref #/$defs/Person points at nothing",
        ("account", "age"): "the minimum 10 is greater than the maximum 5",
        ("account", "kind"): "enum mixes value types",
        ("account", "branch"): "x-foreign-key names unknown table branches",
        ("account", "balance"): "x-sql-type 'decimal(10,2' is not a type DataGen knows",
        ("account", "remote"): "only local refs",
        ("account", "code"): "x-unique on a property must be true or false",
        ("ledger", "id"): "a primary key column cannot allow null",
        ("ledger", "branch_id"): "clashes with the column made for",
    }
    assert set(found) == set(expected)
    for where, message in expected.items():
        assert message in found[where].message, where
    assert all(p.file == "bad.schema.json" and p.line for p in error.problems)
    assert "(at #/$defs/Account/properties/age)" in found[("account", "age")].message
    text_lines = json.dumps(BAD, indent=2).splitlines()
    strng = next(n for n, line in enumerate(text_lines, 1) if '"strng"' in line)
    assert found[("account", "id")].line == strng  # the line of "type" inside "id"
    assert [p.line for p in error.problems] == sorted(p.line for p in error.problems)
    assert f"bad.schema.json:{strng} account.id: unknown type 'strng'" in str(error)


def test_not_json_or_not_a_schema():
    error = problems_of('{\n  "type": "object",\n  "properties": {,}\n}')
    assert error.problems[0].line == 3 and "invalid JSON" in error.problems[0].message
    assert "must be a JSON object" in problems_of("[1, 2]").problems[0].message
    empty = problems_of({"$schema": "https://json-schema.org/draft/2020-12/schema"})
    assert "no object definitions" in empty.problems[0].message


def test_child_table_name_clash_and_bad_x_keys():
    document = {
        "type": "object",
        "x-table-name": "order",
        "properties": {
            "lines": {"type": "array", "items": {"type": "object", "properties": {}}},
            "things": {
                "type": "array",
                "x-primary-key": True,
                "items": {"type": "object", "x-table-name": "order_lines", "properties": {}},
            },
        },
    }
    messages = [p.message for p in problems_of(document).problems]
    assert any("table order_lines is defined twice" in m for m in messages)
    assert any("x-primary-key cannot apply to an array" in m for m in messages)


# -- the dispatcher --------------------------------------------------------------------------


def test_load_schema_dispatches_on_the_file_name(tmp_path):
    assert SCHEMA_SUFFIXES == (".sql", ".ddl", ".json")
    assert list(load_schema(ORDERS).tables)[0] == "orders"
    ddl = tmp_path / "shop.sql"
    ddl.write_text("CREATE TABLE shop (id INT PRIMARY KEY);")
    assert list(load_schema(ddl).tables) == ["shop"]
    tsql = tmp_path / "shop.ddl"
    tsql.write_text("CREATE TABLE [dbo].[Shop] ([Id] INT NOT NULL PRIMARY KEY)\nGO\n")
    assert list(load_schema(tsql, dialect="tsql").tables) == ["dbo.Shop"]


def test_load_schema_refuses_what_it_cannot_read(tmp_path):
    other = tmp_path / "package.json"
    other.write_text('{"name": "left-pad", "version": "1.0.0"}')
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "properties": \n}')
    sheet = tmp_path / "shop.xlsx"
    sheet.write_text("")
    cases = {
        other: "not a JSON Schema",
        broken: "invalid JSON",
        sheet: "unknown schema format '.xlsx'",
        tmp_path / "missing.sql": "schema file not found",
    }
    for path, message in cases.items():
        with pytest.raises(SchemaError) as caught:
            load_schema(path)
        problem = caught.value.problems[0]
        assert message in problem.message and problem.file == str(path)
    with pytest.raises(SchemaError) as caught:
        load_schema(broken)
    assert caught.value.problems[0].line == 3

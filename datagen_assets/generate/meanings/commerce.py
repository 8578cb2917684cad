"""Commerce: products, categories, brands, SKUs, prices, quantities, discounts, statuses.
Amounts are at the scale of what they price (a product ~ 25, an order total ~ 120, a
salary ~ 55,000)."""

from __future__ import annotations

import re

from datagen_assets.generate.generators import Choice, Generator, Normal, Pattern
from datagen_assets.generate.meanings.catalog import add, numeric, vocab
from datagen_assets.generate.meanings.tokens import table_tokens, tokens
from datagen_assets.generate.meanings.values import Amount, IntegerChoice
from datagen_assets.schema.model import Column, Table

PRODUCTS = r"product|item|article|part|sku|good|merchandise|catalog|inventory|offer|listing"

K = "commerce"
add(
    "product_name",
    K,
    "text",
    r"(product|item|article|part|goods|model)( name| title)?",
    vocab("product_name"),
    lengths=(4, 200),
)
add(
    "product_of_table",
    K,
    "text",
    r"name|title|description short|label",
    vocab("product_name"),
    tables=PRODUCTS,
    needs_table=True,
    prior=1.5,
)
add(
    "category",
    K,
    "text",
    r"(product |item )?(category|categories|aisle|section)( name)?|cat",
    lambda column, table: _category(column, table),
    neighbours=r"price|product|sku|quantity|stock",
)
add(
    "category_of_table",
    K,
    "text",
    r"name|title|label|category name",
    vocab("product_category", 0.3),
    tables=r"categor|department|section|aisle|collection",
    needs_table=True,
    prior=1.5,
)
add(
    "generic_category",
    K,
    "text",
    r"category|classification|segment",
    vocab("category", 0.9),
    prior=-1,
)
add("brand", K, "text", r"brand( name)?|make|manufacturer name", vocab("vehicle_make", 0.6))
add(
    "sku",
    K,
    "text",
    r"sku|stock keeping unit|item code|product code|part number|article number"
    r"|model number|catalog number",
    lambda c, t: Pattern(
        r"SKU-[0-9]{6}" if (c.type.length or 10) >= 10 else f"[0-9]{{{c.type.length}}}"
    ),
    lengths=(6, 40),
)
add(
    "price",
    K,
    "num",
    r"(unit |list |sale |retail |base |regular |selling |item |product |offer )?price"
    r"|price (each|per unit)|unit cost|cost|msrp|rate per unit|rental rate|replacement cost",
    lambda column, table: priced(Amount(29.99, 0.9, 0.5, 5000, 2), column, table),
)
add(
    "order_total",
    K,
    "num",
    r"(order |grand |sub |invoice |line |cart |net |gross )?(total|sub total|subtotal)"
    r"( amount| price)?|amount due|total due|total amount|amount paid|paid amount|order amount",
    lambda column, table: priced(Amount(120, 0.8, 1, 20000, 2), column, table),
)
add(
    "amount",
    K,
    "num",
    r"(\w+ )?(amount|payment|paid|refund|deposit|withdrawal|spent)",
    lambda column, table: priced(Amount(85, 1.1, 0.5, 50000, 2), column, table),
    prior=-0.5,
)
add(
    "type_label",
    K,
    "text",
    r"(\w+ )*(type|kind|class|group|mode|variant)( name| code)?",
    lambda column, table: type_of(column, table),
    prior=-0.5,
)
add(
    "shipping_cost",
    K,
    "num",
    r"(shipping|delivery|freight|postage|handling)( cost| fee| charge| amount)?",
    Amount(8.5, 0.5, 0, 300, 2),
)
add("tax", K, "num", r"(sales |vat )?tax( amount)?|vat( amount)?|gst", Amount(9.5, 0.8, 0, 3000, 2))
add(
    "tax_rate",
    K,
    "num",
    r"tax (rate|percent)|vat (rate|percent)",
    numeric(IntegerChoice(0, 25), Normal(0.12, 0.06, 0, 0.3, 3)),
)
add(
    "discount",
    K,
    "num",
    r"discount( amount| value)?|rebate|markdown",
    numeric(IntegerChoice(0, 50, 0.8), Normal(0.08, 0.07, 0, 0.6, 2)),
)
add(
    "discount_percent",
    K,
    "num",
    r"discount (percent|rate|pct)|percent off",
    numeric(IntegerChoice(0, 50, 0.6), Normal(10, 7, 0, 60, 1)),
)
add(
    "quantity",
    K,
    "num",
    r"(\w+ )?(quantity|qty|units|count ordered|pieces|amount ordered)",
    # whole units also in a DECIMAL column (TPC-H l_quantity), as counted things are
    numeric(IntegerChoice(1, 20, 1.3), Amount(4, 0.8, 1, 500, 0)),
)
add(
    "stock",
    K,
    "num",
    r"(units |quantity )?(in stock|on hand|stock|inventory)( level| quantity| count)?"
    r"|units on order|reorder level|stock level|available quantity",
    numeric(Amount(40, 1.0, 0, 5000, 0), Amount(40, 1.0, 0, 5000, 2)),
)
add(
    "order_status",
    K,
    "text",
    r"(order |shipment |delivery |fulfillment )?status",
    vocab("order_status", 1.0),
    tables=r"order|shipment|delivery|purchase|sale|cart|checkout",
    needs_table=True,
    prior=1,
)
add(
    "payment_status",
    K,
    "text",
    r"(payment |invoice |billing )?status",
    vocab("payment_status", 1.1),
    tables=r"payment|invoice|bill|charge|transaction|refund",
    needs_table=True,
    prior=1,
)
add(
    "payment_method",
    K,
    "text",
    r"payment (method|type|mode)|pay method|tender( type)?|method",
    vocab("payment_method", 1.0),
)
add(
    "card_brand",
    K,
    "text",
    r"card (brand|type|network|scheme)|card",
    vocab("card_brand", 1.0),
    lengths=(3, 30),
)
add(
    "shipping_carrier",
    K,
    "text",
    r"(shipping )?carrier|courier|shipper( name)?|ship via",
    vocab("shipping_carrier", 0.8),
)
add(
    "shipping_method",
    K,
    "text",
    r"(shipping|ship) (method|type|mode|service)|delivery (method|type)|transport mode",
    vocab("shipping_method", 0.8),
)
add(
    "unit",
    K,
    "text",
    r"unit( of measure)?|uom|measure unit|units",
    vocab("unit", 1.0),
    lengths=(1, 20),
)
add("size", K, "text", r"size|clothing size", vocab("size_label", 0.6), lengths=(1, 10))
add("color", K, "text", r"colou?r( name)?", vocab("color"))
add(
    "rating",
    K,
    "num",
    r"(\w+ )?(rating|stars|star rating|score|grade)",
    numeric(IntegerChoice(1, 5), Normal(4.0, 0.8, 1, 5, 1)),
)
add(
    "weight",
    K,
    "num",
    r"(\w+ )?weight( kg| grams| g| lbs)?|mass",
    Amount(2.5, 1.0, 0.01, 1000, 2),
    prior=-0.5,
)
add(
    "dimension",
    K,
    "num",
    r"(\w+ )?(width|height|depth|length)( cm| mm| in)?",
    Amount(30, 0.8, 1, 500, 1),
    prior=-0.5,
)
add(
    "plan_name",
    K,
    "text",
    r"plan( name)?|tier|subscription( plan| tier)?|package",
    vocab("plan_name", 0.8),
)
add(
    "subscription_status",
    K,
    "text",
    r"(subscription )?status",
    vocab("subscription_status", 1.2),
    tables=r"subscription|membership",
    needs_table=True,
    prior=1.2,
)
add(
    "coupon_code",
    K,
    "text",
    r"(coupon|promo|voucher|discount|gift card|referral)( code)?",
    Pattern(r"[A-Z]{4,6}[0-9]{2}"),
    lengths=(5, 40),
)
add(
    "order_number",
    K,
    "text",
    r"(order|invoice|receipt|booking|confirmation|reservation|ticket"
    r"|tracking|shipment|po|purchase order) (number|code|ref|reference)|booking ref|tracking",
    Pattern(r"[A-Z]{2}[0-9]{8}"),
    lengths=(6, 40),
)
add(
    "fare_class",
    K,
    "text",
    r"fare (conditions|class|basis)|cabin( class)?|travel class",
    vocab("fare_class", 1.0),
)
add("room_type", K, "text", r"room type|room category", vocab("room_type", 0.8))


TYPE_WORDS = frozenset({"type", "kind", "category", "class", "group", "mode", "variant"})
SHOP = re.compile(r"\b(product|item|article|sku|price|stock|inventory|catalog|shop|store|cart)")


def type_of(column: Column, table: Table) -> Generator:
    """What a `<thing>_type` holds, by the thing (`TYPES_OF`): the column's words before
    `type`, last first (`job_def_type` -> def, job), else the table's (`addresses.type`).
    The generic pool (standard, custom ...) only for a thing not listed."""
    from datagen_assets.generate.meanings.values import VOCABULARIES, Vocabulary

    words = tokens(column.name)
    cut = max((i for i, w in enumerate(words) if w in TYPE_WORDS), default=len(words))
    stems = [w for w in words[:cut] if not w.isdigit()]
    candidates = [" ".join(stems)] + stems[::-1] if stems else []
    table_words = list(table_tokens(table.name))
    candidates += [" ".join(table_words[-2:])] + table_words[::-1]
    for thing in candidates:
        name = "type_of_" + thing.replace(" ", "_")
        if thing and name in VOCABULARIES:
            return Vocabulary(name, 1.0)
    return Vocabulary("type_label", 1.0)


def _category(column: Column, table: Table) -> Generator:
    """Product categories where the table sells things (its name or its columns say so),
    else general business categories."""
    from datagen_assets.generate.meanings.values import Vocabulary

    context = (
        " ".join(table_tokens(table.name))
        + " "
        + " ".join(" ".join(tokens(c.name)) for c in table.columns)
    )
    return Vocabulary("product_category" if SHOP.search(context) else "category", 0.8)


# what one thing costs where the table is about it (its words or the column's): a house is
# no $30 product. (pattern over table and column words, typical price, its spread); the
# price, order-total and amount meanings scale by it, fees and taxes keep their own scale
PRICE_SCALES: tuple[tuple[str, float, float], ...] = (
    (r"\b(propert(y|ie)|house|home|real estate|listing|apartment|condo|land|mortgage)",
     380_000, 0.6),
    (r"\b(vehicle|car|auto|automobile|truck|motorcycle|dealership)\b", 28_000, 0.5),
    (r"\b(loan|principal|credit line|lease)\b", 18_000, 1.0),
    (r"\b(flight|fare|airline|itinerary|trip|voyage|cruise)\b", 320, 0.6),
    (r"\b(hotel|room|booking|reservation|stay|night)\b", 160, 0.5),
    (r"\b(subscription|plan|membership|license|licence|seat)\b", 29, 0.8),
    (r"\b(project|contract|deal|opportunity|grant|tender|purchase order)\b", 25_000, 1.1),
    (r"\b(course|tuition|training|workshop|seminar)\b", 350, 0.7),
    (r"\b(track|song|episode|download|ebook|app)\b", 1.29, 0.3),
    (r"\b(album|book|dvd|game|vinyl)\b", 14, 0.5),
    (r"\b(meal|menu|dish|drink|restaurant|coffee|food)\b", 12, 0.5),
)  # fmt: skip
_PRICE_SCALES = tuple((re.compile(p), m, s) for p, m, s in PRICE_SCALES)


def priced(amount: Amount, column: Column, table: Table) -> Amount:
    """`amount` at the scale of what the table (or the column) prices: the median moves by
    the context's typical price relative to a $30 item; annual prices are ~10x monthly."""
    from dataclasses import replace

    context = " ".join(tokens(column.name)) + " | " + " ".join(table_tokens(table.name))
    for pattern, median, sigma in _PRICE_SCALES:
        if pattern.search(context):
            factor = median / 29.99
            amount = replace(
                amount,
                median=amount.median * factor,
                sigma=sigma,
                max=max(amount.max, amount.median * factor * 50),
            )
            break
    words = tokens(column.name)
    if "annual" in words or "yearly" in words:
        amount = replace(amount, median=amount.median * 10, max=amount.max * 12)
    return amount


add("tip", K, "num", r"tip|tip amount|gratuity|tips", Amount(6, 0.6, 0, 300, 2))
add("hoa_fee", K, "num", r"hoa( fee| dues)?( monthly)?|(association|condo|strata) (fee|dues)",
    Amount(280, 0.6, 0, 3000, 2))  # fmt: skip
add(
    "property_tax",
    K,
    "num",
    r"(annual )?property tax(es)?( amount)?",
    Amount(4_200, 0.6, 0, 80_000, 2),
)
add("bedrooms", K, "num", r"(number of )?(bedrooms|beds|bedroom count|br)",
    numeric(IntegerChoice(1, 6, 0.4), Normal(3, 1.1, 0, 9, 0)),
    tables=r"propert|house|home|listing|apartment|unit|rental|hotel|room",
    needs_table=True)  # fmt: skip
add("bathrooms", K, "num", r"(number of )?(bathrooms|baths|bathroom count|ba)",
    numeric(IntegerChoice(1, 4, 0.6),
            Choice((1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0), (5, 3, 6, 4, 3, 1, 1))),
    tables=r"propert|house|home|listing|apartment|unit|rental", needs_table=True)  # fmt: skip
add("floor_area", K, "num",
    r"(square (feet|foot|ft)|sq ft|sqft|sq feet|living area|floor area|floor space|area sq ft)",
    Normal(1_900, 700, 350, 12_000, 0))  # fmt: skip
add("floor_area_m2", K, "num", r"(square meters|sq m|sqm|m2|area m2|living area m2)",
    Normal(120, 45, 25, 1_000, 0))  # fmt: skip
add("year_built", K, "num", r"(year )?(built|constructed)|construction year|year built|build year",
    Normal(1980, 25, 1850, 2025, 0))  # fmt: skip
add("lot_size", K, "num", r"lot( size)?( acres| sq ft| sqft)?|acreage|acres",
    Amount(0.3, 1.0, 0.02, 500, 2))  # fmt: skip
add("mileage", K, "num",
    r"mileage|odometer( reading)?|miles driven|km driven|kilometres|kilometers",
    Amount(55_000, 0.8, 0, 400_000, 0))  # fmt: skip
add("car_model", K, "text", r"model( name)?", vocab("car_model", 0.6),
    tables=r"vehicle|car|auto|truck|fleet|dealership", needs_table=True, prior=2)  # fmt: skip
add("units_available", K, "num",
    r"(\w+ )?(seats|rooms|units|spots|slots|tickets|copies|items|stock|beds) (available|left"
    r"|remaining|sold|booked|free|taken)|available (seats|rooms|units|spots|slots|tickets|copies)"
    r"|units (in stock|on order)|(\w+ )?on order|reorder (level|point|quantity)",
    IntegerChoice(0, 180, 0.5), prior=1)  # fmt: skip
add("flight_number", K, "text", r"flight( number| code| designator)?",
    Pattern(regex="(AA|UA|DL|BA|LH|AF|WN|B6|AS|KL|EK|QF)[1-9][0-9]{1,3}"),
    lengths=(4, 10))  # fmt: skip
add("vehicle_color", K, "text", r"(exterior |interior |paint )?colou?r( name)?",
    Choice(("White", "Black", "Gray", "Silver", "Blue", "Red", "Brown", "Green", "Beige"),
           (25, 22, 18, 12, 9, 8, 2, 2, 2)),
    tables=r"vehicle|car|auto|truck|fleet|dealership", needs_table=True, prior=2)  # fmt: skip
add("image_dimension", K, "num",
    r"(image |photo |picture |thumbnail |thumb |video |screen |media |icon |avatar |frame "
    r"|canvas |viewport )?(width|height)( px| pixels| in pixels)?|(width|height) px",
    Choice((64, 128, 240, 256, 320, 480, 512, 600, 720, 768, 800, 1024, 1080, 1200, 1280, 1920),
           (1, 2, 1, 2, 2, 3, 2, 3, 3, 2, 4, 4, 3, 2, 3, 2)),
    tables=r"image|photo|picture|media|asset|thumbnail|video|attachment|upload|icon|avatar"
    r"|banner|screen|display|file", needs_table=True, prior=1)  # fmt: skip
add("bid_price", K, "num", r"(max |maximum |min |minimum |current |winning |opening )?bid"
    r"( amount| price)?|asking price|ask price|offer amount|offer price",
    lambda column, table: priced(Amount(45, 1.0, 0.5, 50_000, 2), column, table))  # fmt: skip
add("outlay", K, "num", r"(initial |capital )?outlay|capital expenditure|capex"
    r"|investment( amount)?|purchase cost|acquisition cost",
    Amount(8_000, 1.0, 50, 1e8, 2))  # fmt: skip
add("year_to_date", K, "num", r"ytd|year to date|ytd (amount|payment|sales|total|balance)",
    Amount(3_000, 1.2, 0, 1e8, 2))  # fmt: skip

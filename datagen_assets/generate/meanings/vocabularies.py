"""Vocabularies: realistic values of one kind, as data. Most are lists written out here (most
common first where a skew applies); some come from reference packages (pycountry for
countries, currencies and languages; zoneinfo for time zones; mimetypes for MIME types and
extensions) or from Faker pools; titles are composed from word lists once per pool."""

from __future__ import annotations

import mimetypes
import random as pyrandom
from functools import lru_cache

from datagen_assets.generate.meanings.values import vocabulary, words_vocabulary
from datagen_assets.generate.pools import faker_pool


def _faker(provider: str, locale: str, seed: int) -> list[str]:
    try:
        return faker_pool(provider, locale, 2000, seed).to_list()
    except ValueError:
        return faker_pool(provider, "en_US", 2000, seed).to_list()


for _name, _provider in {
    "first_name": "first_name",
    "last_name": "last_name",
    "full_name": "name",
    "user_name": "user_name",
    "company": "company",
    "job_title": "job",
    "city": "city",
    "street_address": "street_address",
    "street_name": "street_name",
    "secondary_address": "secondary_address",
    "state": "state",
    "postal_code": "postcode",
    "phone": "phone_number",
    "user_agent": "user_agent",
    "color": "color_name",
    "sentence": "sentence",
    "paragraph": "paragraph",
    "word": "word",
    "url": "url",
    "domain": "domain_name",
    "hostname": "hostname",
    "email_free": "free_email",
    "license_plate": "license_plate",
    "catch_phrase": "catch_phrase",
    "bs": "bs",
    "ssn": "ssn",
    "ein": "ein",
    "aba": "aba",
    "swift": "swift",
    "uri_path": "uri_path",
}.items():
    vocabulary(_name)(lambda locale, seed, p=_provider: _faker(p, locale, seed))


@lru_cache(maxsize=1)
def _countries():
    import pycountry

    return list(pycountry.countries)


@vocabulary("country")
def _country_names(locale: str, seed: int) -> list[str]:
    common = [
        "United States",
        "United Kingdom",
        "Germany",
        "France",
        "Canada",
        "Brazil",
        "India",
        "Spain",
        "Italy",
        "Japan",
        "Australia",
        "Mexico",
        "Netherlands",
        "Sweden",
        "Poland",
        "Portugal",
        "Argentina",
        "Ireland",
        "Norway",
        "Denmark",
    ]
    rest = [getattr(c, "common_name", None) or c.name for c in _countries()]
    return common + sorted(set(rest) - set(common))


vocabulary("country_code")(
    lambda locale, seed: (
        ["US", "GB", "DE", "FR", "CA", "BR", "IN", "ES", "IT", "JP", "AU", "MX", "NL", "SE", "PL"]
        + sorted({c.alpha_2 for c in _countries()})
    )
)
vocabulary("country_code3")(
    lambda locale, seed: (
        ["USA", "GBR", "DEU", "FRA", "CAN", "BRA", "IND"]
        + sorted({c.alpha_3 for c in _countries()})
    )
)
vocabulary("country_numeric")(lambda locale, seed: sorted({c.numeric for c in _countries()}))


@vocabulary("us_state")
def _us_state(locale: str, seed: int) -> list[str]:
    from datagen_assets.generate.meanings.reference import _us_states

    return sorted(_us_states().values())


@vocabulary("us_state_code")
def _us_state_code(locale: str, seed: int) -> list[str]:
    from datagen_assets.generate.meanings.reference import _us_states

    return sorted(_us_states())


@vocabulary("currency_code")
def _currency_codes(locale: str, seed: int) -> list[str]:
    import pycountry

    common = ["USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "CNY", "SEK", "BRL", "INR"]
    return common + sorted({c.alpha_3 for c in pycountry.currencies} - set(common))


@vocabulary("currency_name")
def _currency_names(locale: str, seed: int) -> list[str]:
    import pycountry

    common = ["US Dollar", "Euro", "Pound Sterling", "Yen", "Canadian Dollar"]
    return common + sorted({c.name for c in pycountry.currencies} - set(common))


@vocabulary("language_name")
def _language_names(locale: str, seed: int) -> list[str]:
    import pycountry

    common = [
        "English",
        "Spanish",
        "French",
        "German",
        "Portuguese",
        "Italian",
        "Japanese",
        "Chinese",
        "Russian",
        "Arabic",
        "Hindi",
        "Dutch",
        "Korean",
        "Polish",
        "Swedish",
    ]
    rest = {lang.name for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return common + sorted(rest - set(common))


@vocabulary("language_code")
def _language_codes(locale: str, seed: int) -> list[str]:
    import pycountry

    common = ["en", "es", "fr", "de", "pt", "it", "ja", "zh", "ru", "ar", "hi", "nl", "ko"]
    rest = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}
    return common + sorted(rest - set(common))


vocabulary("locale_code")(
    lambda locale, seed: [
        "en_US",
        "en_GB",
        "de_DE",
        "fr_FR",
        "es_ES",
        "pt_BR",
        "it_IT",
        "ja_JP",
        "zh_CN",
        "nl_NL",
        "pl_PL",
        "sv_SE",
        "ru_RU",
        "ko_KR",
        "en_CA",
        "fr_CA",
        "en_AU",
        "es_MX",
        "da_DK",
        "fi_FI",
    ]
)


@vocabulary("timezone")
def _timezones(locale: str, seed: int) -> list[str]:
    import zoneinfo

    common = [
        "America/New_York",
        "Europe/London",
        "America/Chicago",
        "America/Los_Angeles",
        "Europe/Berlin",
        "Europe/Paris",
        "Asia/Tokyo",
        "Australia/Sydney",
        "UTC",
        "America/Sao_Paulo",
        "Asia/Kolkata",
        "America/Denver",
        "Asia/Shanghai",
    ]
    zones = {
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc", "SystemV", "US/"))
    }
    return common + sorted(zones - set(common))


@vocabulary("mime_type")
def _mime_types(locale: str, seed: int) -> list[str]:
    common = [
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
        "application/json",
        "text/html",
        "text/csv",
        "application/zip",
        "image/gif",
        "application/xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "video/mp4",
        "audio/mpeg",
        "image/svg+xml",
        "image/webp",
        "application/octet-stream",
    ]
    mimetypes.init()
    return common + sorted(set(mimetypes.types_map.values()) - set(common))


@vocabulary("file_extension")
def _extensions(locale: str, seed: int) -> list[str]:
    common = [
        "pdf",
        "jpg",
        "png",
        "txt",
        "docx",
        "xlsx",
        "csv",
        "json",
        "zip",
        "gif",
        "mp4",
        "html",
        "xml",
        "mp3",
        "svg",
        "pptx",
        "log",
        "md",
        "tar.gz",
        "webp",
    ]
    return common


@vocabulary("file_name")
def _file_names(locale: str, seed: int) -> list[str]:
    chooser = pyrandom.Random(f"files/{seed}")
    stems = [
        "report",
        "invoice",
        "photo",
        "scan",
        "contract",
        "summary",
        "budget",
        "notes",
        "presentation",
        "receipt",
        "statement",
        "export",
        "backup",
        "resume",
        "logo",
        "screenshot",
        "agenda",
        "minutes",
        "proposal",
        "diagram",
        "avatar",
        "manual",
    ]
    extensions = ["pdf", "jpg", "png", "docx", "xlsx", "csv", "txt", "zip", "pptx"]
    values = []
    for _ in range(1500):
        stem = chooser.choice(stems)
        style = chooser.randrange(4)
        if style == 0:
            stem = f"{stem}_{chooser.randrange(2015, 2026)}"
        elif style == 1:
            stem = f"{stem}-{chooser.randrange(1, 999):03d}"
        elif style == 2:
            stem = f"{stem}_{chooser.choice(['final', 'v2', 'draft', 'signed', 'q3', 'march'])}"
        values.append(f"{stem}.{chooser.choice(extensions)}")
    return values


@vocabulary("file_path")
def _file_paths(locale: str, seed: int) -> list[str]:
    chooser = pyrandom.Random(f"paths/{seed}")
    folders = [
        "uploads",
        "documents",
        "images",
        "files",
        "attachments",
        "media",
        "exports",
        "static",
        "var/data",
        "home/app/data",
        "srv/storage",
    ]
    names = _file_names(locale, seed)
    return [
        f"/{chooser.choice(folders)}/{chooser.randrange(2019, 2026)}/{chooser.choice(names)}"
        for _ in range(1500)
    ]


@vocabulary("image_url")
def _image_urls(locale: str, seed: int) -> list[str]:
    chooser = pyrandom.Random(f"images/{seed}")
    return [
        f"https://cdn.example.com/images/{chooser.randrange(16**8):08x}."
        f"{chooser.choice(['jpg', 'png', 'webp'])}"
        for _ in range(1500)
    ]


# ---------------------------------------------------------------- composed titles


def _compose(seed: str, templates: list[str], parts: dict[str, list[str]], count: int = 2000):
    chooser = pyrandom.Random(seed)
    values = []
    for _ in range(count):
        text = chooser.choice(templates)
        for key, words in parts.items():
            while "{" + key + "}" in text:
                text = text.replace("{" + key + "}", chooser.choice(words), 1)
        values.append(text)
    return values


ADJECTIVES = (
    "Silent Golden Broken Hidden Last Dark Little Wild Lost Red Blue Endless Electric "
    "Secret Bright Cold Burning Midnight Final Savage Distant Crimson Quiet Sweet "
    "Forgotten Eternal Stolen Perfect Lonely Frozen Restless Velvet Hollow Neon"
).split()
NOUNS = (
    "Heart River Dream Road Night Sky City Fire Shadow Kingdom Storm Garden Ocean Light "
    "Mountain Summer Winter Mirror Window Promise Star Empire Stranger Harbor Journey "
    "Secret Letter Song Island Forest Horizon Echo Voice Machine Angel Diamond Thunder"
).split()
PLACES = (
    "Paris Berlin Tokyo Memphis Brooklyn Avalon Eden Babylon Chicago Casablanca Vegas "
    "Manhattan Havana Rome Sahara Malibu Dublin Vienna Lisbon Oslo"
).split()


PLACE_WORDS = (
    "Riverside Lakeside Oakwood Hillcrest Maple Cedar Northgate Southgate Westfield "
    "Eastwood Greenfield Fairview Brookside Highland Meadow Pinecrest Springfield "
    "Harbor Valley Summit Parkside Willow Ashford Kingsway Bayview Sunset Stonebridge "
    "Redwood Elmwood Clearwater Silverlake Millbrook Rosewood Crestview Bridgeport"
).split()
QUALIFIERS = ("North", "South", "East", "West", "Old", "New")
LANDMARKS = ("Park", "Hill", "Market", "Bridge", "Square", "Station")
# words titles are composed of: the PII scan reads them as everyday words, not names
TITLE_WORDS = frozenset(
    w.casefold()
    for w in (
        *ADJECTIVES,
        *NOUNS,
        *PLACES,
        *PLACE_WORDS,
        *QUALIFIERS,
        *LANDMARKS,
        "Love",
        "Song",
        "Blues",
        "Nights",
        "Sessions",
        "Hits",
        "Deluxe",
        "Edition",
        "Rising",
    )
)


@vocabulary("film_title")
def _film_titles(locale: str, seed: int) -> list[str]:
    return _compose(
        f"film/{seed}",
        [
            "The {A} {N}",
            "{A} {N}",
            "{N} of the {N}",
            "The {N}",
            "Return to {P}",
            "{P} {N}",
            "The Last {N}",
            "{N} Rising",
            "Beyond the {N}",
            "{A} {N} II",
            "Escape from {P}",
        ],
        {"A": ADJECTIVES, "N": NOUNS, "P": PLACES},
    )


@vocabulary("book_title")
def _book_titles(locale: str, seed: int) -> list[str]:
    return _compose(
        f"book/{seed}",
        [
            "The {A} {N}",
            "A {N} in {P}",
            "The {N} of {P}",
            "{N} and {N}",
            "The {N}'s Daughter",
            "Letters from {P}",
            "The {A} Hour",
            "Under the {A} {N}",
            "{A} {N}s",
        ],
        {"A": ADJECTIVES, "N": NOUNS, "P": PLACES},
    )


@vocabulary("album_title")
def _album_titles(locale: str, seed: int) -> list[str]:
    return _compose(
        f"album/{seed}",
        [
            "{A} {N}",
            "{A} {N}s",
            "Live in {P}",
            "The {A} Sessions",
            "{P}",
            "{A} Nights",
            "Songs from the {N}",
            "Greatest Hits",
            "{N} (Deluxe Edition)",
            "{A}",
        ],
        {"A": ADJECTIVES, "N": NOUNS, "P": PLACES},
    )


@vocabulary("track_title")
def _track_titles(locale: str, seed: int) -> list[str]:
    return _compose(
        f"track/{seed}",
        [
            "{A} {N}",
            "{N}",
            "Into the {N}",
            "{A} Love",
            "Don't Let Me {V}",
            "{N} Song",
            "Take Me to {P}",
            "{A} {N} (Remastered)",
            "Where the {N}s {V}",
            "I Still {V}",
            "{N} Blues",
        ],
        {
            "A": ADJECTIVES,
            "N": NOUNS,
            "P": PLACES,
            "V": "Go Fall Dance Wait Run Dream Believe Remember Cry Stay".split(),
        },
    )


@vocabulary("artist_name")
def _artists(locale: str, seed: int) -> list[str]:
    first = _faker("first_name", "en_US", seed)
    last = _faker("last_name", "en_US", seed)
    return _compose(
        f"artist/{seed}",
        [
            "The {A} {N}s",
            "{F} {L}",
            "{F} {L}",
            "{A} {N}",
            "{L} & the {N}s",
            "{N}",
            "{F} {L} Trio",
            "DJ {F}",
        ],
        {"A": ADJECTIVES, "N": NOUNS, "F": first, "L": last},
    )


@vocabulary("product_name")
def _products(locale: str, seed: int) -> list[str]:
    from datagen_assets.generate.generators import ProductName

    return _compose(
        f"product/{seed}",
        ["{A} {M} {N}", "{A} {N}", "{M} {N}", "{N} {S}", "{A} {N} {S}"],
        {
            "A": list(ProductName.ADJECTIVES),
            "M": list(ProductName.MATERIALS),
            "N": list(ProductName.NOUNS),
            "S": ["Pro", "Mini", "Plus", "XL", "Lite", "Set", "2-Pack", "Max"],
        },
    )


@vocabulary("event_name")
def _events(locale: str, seed: int) -> list[str]:
    return _compose(
        f"event/{seed}",
        ["{P} {K} {Y}", "Annual {K}", "{A} {K}", "{K} {Y}", "{P} {K}"],
        {
            "P": PLACES,
            "K": [
                "Summit",
                "Conference",
                "Meetup",
                "Workshop",
                "Festival",
                "Expo",
                "Hackathon",
                "Gala",
                "Webinar",
                "Marathon",
                "Fair",
            ],
            "A": ADJECTIVES,
            "Y": [str(y) for y in range(2019, 2027)],
        },
    )


@vocabulary("project_name")
def _projects(locale: str, seed: int) -> list[str]:
    return _compose(
        f"project/{seed}",
        ["Project {N}", "{A} {N}", "{N} Migration", "{N} Redesign", "{N} {V}", "Operation {N}"],
        {
            "A": ADJECTIVES,
            "N": NOUNS,
            "V": ["Platform", "Portal", "Rollout", "Initiative", "API", "Pilot"],
        },
    )


@vocabulary("place_name")
def _place_names(locale: str, seed: int) -> list[str]:
    """Names a clinic, store, branch or venue carries: `Riverside`, `Oak Park`."""
    return PLACE_WORDS + [f"{a} {b}" for a in QUALIFIERS for b in LANDMARKS]


# ---------------------------------------------------------------- written-out lists

words_vocabulary(
    "genre",
    """Rock|Pop|Jazz|Classical|Hip Hop|Electronic|Country|R&B|Blues|Metal
Folk|Reggae|Soul|Punk|Latin|Alternative|Indie|Soundtrack|Gospel|World|Dance|Ambient|Funk""",
)
words_vocabulary(
    "film_genre",
    """Drama|Comedy|Action|Thriller|Documentary|Horror|Romance
Animation|Science Fiction|Adventure|Crime|Family|Fantasy|Mystery|Musical|War|Western""",
)
words_vocabulary(
    "book_genre",
    """Fiction|Mystery|Romance|Science Fiction|Fantasy|Biography
History|Self-Help|Thriller|Poetry|Young Adult|Children's|Cookbook|Travel|Business""",
)
words_vocabulary("film_rating", "PG-13|R|PG|G|NC-17|NR")
words_vocabulary(
    "product_category",
    """Electronics|Clothing|Home & Kitchen|Books|Sports
Toys|Beauty|Garden|Automotive|Grocery|Health|Office Supplies|Pet Supplies|Jewelry|Music
Shoes|Furniture|Tools|Baby|Video Games""",
)
words_vocabulary(
    "category",
    """General|Sales|Support|Marketing|Finance|Operations|Technical
Billing|Training|Research|Legal|Other""",
)
words_vocabulary(
    "tag",
    """new|featured|sale|popular|urgent|important|internal|review|draft
archived|beta|premium|customer|followup|bug|feature|docs|vip|promo|seasonal""",
)
words_vocabulary(
    "department",
    """Sales|Engineering|Marketing|Finance|Human Resources
Customer Support|Operations|Research and Development|Legal|Purchasing|IT|Logistics
Quality Assurance|Administration|Production|Accounting|Facilities|Security""",
)
words_vocabulary("status", "active|inactive|pending|suspended|archived|closed")
words_vocabulary(
    "order_status",
    """delivered|shipped|processing|pending|cancelled|returned
refunded|on hold""",
)
words_vocabulary("payment_status", "paid|pending|failed|refunded|partially refunded")
words_vocabulary(
    "payment_method",
    """credit card|debit card|PayPal|bank transfer|cash|Apple Pay
Google Pay|invoice|gift card""",
)
words_vocabulary("card_brand", "Visa|Mastercard|American Express|Discover|JCB|Diners Club")
words_vocabulary("shipping_carrier", "UPS|FedEx|USPS|DHL|Royal Mail|DPD|Canada Post|GLS")
words_vocabulary("shipping_method", "Standard|Express|Overnight|Two-Day|Ground|Pickup|Economy")
words_vocabulary("priority", "normal|high|low|urgent|critical")
words_vocabulary("severity", "info|warning|minor|major|critical")
words_vocabulary("log_level", "INFO|DEBUG|WARN|ERROR|TRACE|FATAL")
words_vocabulary("task_status", "open|in progress|done|blocked|review|closed|won't fix")
words_vocabulary("job_status", "succeeded|running|queued|failed|cancelled|timed out")
words_vocabulary("http_method", "GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS")
words_vocabulary("dns_type", "A|CNAME|MX|TXT|AAAA|NS|SRV|PTR|SOA|CAA")
words_vocabulary("protocol", "tcp|udp|http|https|ssh|rdp|vnc|icmp|ftp|smtp")
words_vocabulary("remote_protocol", "ssh|rdp|vnc|telnet|kubernetes")
words_vocabulary("charset", "UTF-8|ISO-8859-1|US-ASCII|windows-1252|UTF-16|Shift_JIS|GB2312")
words_vocabulary("encoding", "utf8|latin1|ascii|utf16|base64|gzip")
words_vocabulary("browser", "Chrome|Safari|Firefox|Edge|Opera|Samsung Internet")
words_vocabulary("os_name", "Windows|macOS|Linux|iOS|Android|Ubuntu|ChromeOS")
words_vocabulary("device_type", "desktop|mobile|tablet|smart tv|console|wearable")
words_vocabulary("platform", "web|ios|android|desktop|api")
words_vocabulary(
    "interface_name",
    """eth0|eth1|ens3|ens160|enp0s3|wlan0|lo|bond0|br0|eth2
docker0|veth0|tun0|em1|eno1""",
)
words_vocabulary("env_name", "production|staging|development|test|qa|sandbox")
words_vocabulary(
    "service_name",
    """api|web|worker|scheduler|auth|billing|search|gateway|mailer
notifications|payments|inventory|reporting|frontend|backend""",
)
words_vocabulary("db_engine", "postgresql|mysql|sqlite|mariadb|oracle|sqlserver|mongodb|redis")
words_vocabulary("hash_algorithm", "sha256|sha1|md5|sha512|bcrypt|argon2")
words_vocabulary("gender", "female|male|non-binary")
words_vocabulary("title_of_courtesy", "Mr.|Ms.|Mrs.|Dr.|Miss|Prof.")
words_vocabulary("marital_status", "married|single|divorced|widowed|separated")
words_vocabulary("blood_type", "O+|A+|B+|O-|A-|AB+|B-|AB-")
words_vocabulary(
    "education",
    """Bachelor's degree|High school|Master's degree|Associate degree
Doctorate|Some college|Vocational""",
)
words_vocabulary("relationship", "spouse|parent|child|sibling|friend|partner|colleague|other")
words_vocabulary("membership_state", "member|invited|pending|left|banned|removed")
words_vocabulary("role", "user|admin|editor|viewer|owner|moderator|guest|manager|support")
words_vocabulary(
    "permission",
    """read|write|delete|admin|create|update|execute|share|manage
export""",
)
words_vocabulary("unit", "pcs|kg|g|l|ml|m|cm|box|pack|dozen|pair|set|hour")
words_vocabulary("size_label", "M|L|S|XL|XS|XXL|One Size")
words_vocabulary("day_of_week", "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
words_vocabulary(
    "month_name",
    """January|February|March|April|May|June|July|August|September
October|November|December""",
)
words_vocabulary("weekday_short", "Mon|Tue|Wed|Thu|Fri|Sat|Sun")
words_vocabulary("frequency", "monthly|weekly|daily|yearly|quarterly|hourly|once")
words_vocabulary("plan_name", "Free|Basic|Pro|Business|Enterprise|Starter|Premium|Team")
words_vocabulary("subscription_status", "active|trialing|past_due|canceled|paused|incomplete")
words_vocabulary("account_type", "checking|savings|credit|business|investment|loan")
words_vocabulary("transaction_type", "purchase|refund|deposit|withdrawal|transfer|fee|payment")
words_vocabulary("fare_class", "Economy|Comfort|Business|First")
words_vocabulary("room_type", "Standard|Double|Twin|Suite|Deluxe|Single|Family")
words_vocabulary(
    "vehicle_make",
    """Toyota|Ford|Honda|Chevrolet|Volkswagen|Nissan|BMW|Hyundai
Mercedes-Benz|Kia|Audi|Subaru|Mazda|Tesla|Volvo""",
)
words_vocabulary(
    "aircraft_model",
    """Boeing 737-800|Airbus A320|Airbus A321|Boeing 777-300
Embraer E190|Bombardier CRJ-200|Airbus A319|Boeing 767-300|Sukhoi Superjet-100|Cessna 208""",
)
words_vocabulary(
    "airline",
    """Delta Air Lines|American Airlines|United Airlines|Lufthansa
Air France|British Airways|Emirates|KLM|Qantas|Southwest Airlines|Ryanair|easyJet""",
)
words_vocabulary(
    "media_format",
    """MPEG audio file|Protected AAC audio file|AAC audio file
Purchased AAC audio file|Protected MPEG-4 video file|FLAC audio file|WAV audio file""",
)
words_vocabulary(
    "color_hex",
    """#1f77b4|#ff7f0e|#2ca02c|#d62728|#9467bd|#8c564b|#e377c2|#7f7f7f
#bcbd22|#17becf|#000000|#ffffff|#336699|#cc3333|#ffcc00""",
)
words_vocabulary(
    "event_type",
    """page_view|click|login|logout|signup|purchase|search|share
download|error|add_to_cart|checkout""",
)
words_vocabulary(
    "action",
    """created|updated|deleted|viewed|logged in|logged out|exported
approved|rejected|commented""",
)
words_vocabulary("entity_type", "user|order|product|invoice|comment|post|account|ticket|file")
words_vocabulary("resolution", "fixed|duplicate|won't fix|cannot reproduce|by design|incomplete")
words_vocabulary(
    "industry",
    """Software|Retail|Healthcare|Finance|Manufacturing|Education
Logistics|Media|Hospitality|Energy|Telecommunications|Real Estate|Consulting|Agriculture""",
)
words_vocabulary(
    "skill",
    """Python|SQL|Project Management|Sales|Java|Excel|Communication|Design
Accounting|Marketing|JavaScript|Leadership|Data Analysis|Customer Service""",
)
words_vocabulary(
    "course_name",
    """Introduction to Programming|Calculus I|World History|Organic
Chemistry|Microeconomics|Data Structures|English Composition|Statistics|Linear Algebra
Art History|Marketing Principles|Database Systems|Physics II|Spanish I""",
)
words_vocabulary(
    "facility_name",
    """Tennis Court 1|Tennis Court 2|Badminton Court|Table Tennis
Massage Room 1|Massage Room 2|Squash Court|Snooker Table|Pool Table|Conference Room""",
)
words_vocabulary(
    "medical_specialty",
    """General Practice|Cardiology|Dermatology|Pediatrics
Orthopedics|Neurology|Oncology|Psychiatry|Radiology|Ophthalmology|Gynecology""",
)
words_vocabulary(
    "diagnosis",
    """Hypertension|Type 2 diabetes|Asthma|Migraine|Influenza
Bronchitis|Back pain|Anxiety|Allergic rhinitis|Sprained ankle|Otitis media""",
)
words_vocabulary("weather", "Sunny|Cloudy|Rain|Partly cloudy|Snow|Fog|Thunderstorm|Windy")
words_vocabulary("question_type", "multiple choice|true/false|short answer|essay|rating")
words_vocabulary("answer_yes_no", "yes|no")
words_vocabulary("sql_type", "varchar|integer|bigint|text|boolean|timestamp|numeric|date|json")
words_vocabulary("state_machine", "CREATED|RUNNING|COMPLETED|FAILED|CANCELLED|SUSPENDED")
words_vocabulary(
    "batch_status", "COMPLETED|STARTED|FAILED|STOPPED|STARTING|STOPPING|ABANDONED|UNKNOWN"
)
words_vocabulary("exit_code", "COMPLETED|FAILED|NOOP|EXECUTING|STOPPED|UNKNOWN")
words_vocabulary("yes_no_flag", "Y|N")
words_vocabulary("phone_prefix", "+1|+44|+49|+33|+34|+39|+81|+61|+55|+91|+52|+31|+46|+48|+7")
words_vocabulary("continent", "Europe|Asia|North America|Africa|South America|Oceania|Antarctica")
words_vocabulary(
    "airport_code",
    """ATL|LAX|ORD|DFW|DEN|JFK|SFO|SEA|LAS|MCO|LHR|CDG|FRA|AMS|MAD
HND|SYD|DXB|SVO|DME|LED|YYZ|MEX|GRU|SIN|ICN|BOS|MIA|IAH|PHX""",
)
words_vocabulary(
    "playlist",
    """Music|Movies|TV Shows|Audiobooks|90's Music|Classical|Grunge
Heavy Metal Classic|On-The-Go|Brazilian Music|Workout|Road Trip|Chill|Focus|Party Mix""",
)


@vocabulary("product_slug")
def _slugs(locale: str, seed: int) -> list[str]:
    import re

    return [re.sub(r"[^a-z0-9]+", "-", v.lower()).strip("-") for v in _products(locale, seed)]


@vocabulary("short_sentence")
def _short_sentences(locale: str, seed: int) -> list[str]:
    """Headline-like: a sentence of 3-7 words without its final period."""
    sentences = _faker("sentence", locale, seed)
    return [s.rstrip(".") for s in sentences if 2 <= s.count(" ") <= 6]


words_vocabulary(
    "reason",
    """Customer request|Duplicate entry|Out of stock|Payment failed
Incorrect address|Changed mind|Damaged in transit|Price adjustment|Policy violation
No longer needed|Account closed|Fraud suspected|Other""",
)
words_vocabulary(
    "error_message",
    """Connection timed out|Permission denied|Invalid input
Resource not found|Internal server error|Disk quota exceeded|Authentication failed
Rate limit exceeded|Service unavailable|Checksum mismatch|Request payload too large""",
)


@vocabulary("class_name")
def _class_names(locale: str, seed: int) -> list[str]:
    packages = ["com.example.jobs", "com.example.batch", "org.acme.scheduler", "io.app.tasks"]
    names = [
        "ReportJob",
        "CleanupJob",
        "InvoiceExportJob",
        "EmailDigestJob",
        "SyncJob",
        "BackupJob",
        "IndexRebuildJob",
        "PaymentReconcileJob",
        "AuditArchiveJob",
    ]
    return [f"{p}.{n}" for n in names for p in packages]


words_vocabulary(
    "type_label",
    """standard|custom|default|system|internal|external|basic|advanced
primary|secondary|manual|automatic|other""",
)


@vocabulary("tag_list")
def _tag_lists(locale: str, seed: int) -> list[str]:
    chooser = pyrandom.Random(f"tags/{seed}")
    tags = list(vocabulary_values_of("tag"))
    return [",".join(chooser.sample(tags, chooser.randrange(1, 4))) for _ in range(800)]


def vocabulary_values_of(name: str) -> list[str]:
    from datagen_assets.generate.meanings.values import VOCABULARIES

    return VOCABULARIES[name]("en_US", 0)


@vocabulary("generic_label")
def _generic_labels(locale: str, seed: int) -> list[str]:
    """What a thing of unknown kind is called: `Review Request`, `Monthly Report`."""
    return _compose(
        f"label/{seed}",
        ["{V} {N}", "{A} {N}", "{N} {K}", "{A} {N} {K}"],
        {
            "V": "Review Approve Process Send Check Prepare Update Validate Archive Import".split(),
            "A": "Monthly Weekly Daily Annual Default Standard Primary Main General Custom".split(),
            "N": "Invoice Order Request Report Account Payment Document Customer Contract Ticket"
            " Application Shipment Claim Budget Project".split(),
            "K": "Review Approval Process Check Summary Workflow Task Form Template".split(),
        },
        count=1200,
    )


# what a `<thing>_type` / `<thing>_kind` column holds, by the thing (most common first): the
# thing is the column's words before `type` or else the table's (`addresses.type`). A thing
# not listed keeps the generic `type_label` pool.
TYPES_OF: dict[str, str] = {
    "address": "home|work|billing|shipping|mailing|other",
    "phone": "mobile|home|work|fax|other",
    "email": "personal|work|other",
    "contact": "email|phone|mobile|fax|website|other",
    "account": "checking|savings|credit|business|investment|loan",
    "payment": "card|bank_transfer|paypal|cash|direct_debit|voucher",
    "transaction": "purchase|refund|deposit|withdrawal|transfer|fee|adjustment",
    "document": "invoice|receipt|contract|report|statement|letter|id_card|passport",
    "file": "image|document|video|audio|archive|spreadsheet|text",
    "attachment": "image|document|video|audio|archive|spreadsheet",
    "media": "image|video|audio|document",
    "content": "article|page|post|video|image|link",
    "mime": "application/pdf|image/jpeg|image/png|text/plain|application/json|text/html",
    "post": "post|page|attachment|revision|nav_menu_item",
    "vehicle": "sedan|SUV|hatchback|pickup|van|coupe|convertible|motorcycle|truck",
    "room": "Standard|Double|Twin|Suite|Deluxe|Single|Family",
    "user": "regular|admin|guest|service|system",
    "member": "regular|premium|student|family|honorary|lifetime",
    "customer": "individual|business|government|nonprofit",
    "organization": "company|nonprofit|government|school|partnership",
    "company": "LLC|corporation|partnership|sole proprietorship|nonprofit",
    "event": "page_view|click|login|logout|signup|purchase|search|error",
    "notification": "email|sms|push|in_app|webhook",
    "message": "text|image|file|system|notification",
    "channel": "email|sms|push|web|phone|chat",
    "auth": "password|oauth|saml|ldap|api_key|sso",
    "authentication": "password|oauth|saml|ldap|api_key|sso",
    "login": "password|oauth|sso|api_key|magic_link",
    "grant": "authorization_code|client_credentials|refresh_token|password|implicit",
    "token": "access|refresh|api|reset_password|email_verification|session",
    "credential": "password|api_key|ssh_key|certificate|oauth",
    "key": "rsa|ec|ed25519|aes|hmac",
    "job": "batch|scheduled|import|export|cleanup|report|sync|email",
    "task": "bug|feature|improvement|chore|task|support",
    "issue": "bug|feature|task|improvement|epic|story|question",
    "ticket": "incident|service_request|question|problem|change|complaint",
    "incident": "outage|degradation|security|data_loss|maintenance|failedJob",
    "activity": "call|meeting|email|task|note|visit",
    "act": "userTask|serviceTask|startEvent|endEvent|exclusiveGateway|scriptTask|callActivity",
    "widget": "chart|table|gauge|text|graph|heatmap|counter",
    "chart": "line|bar|pie|area|scatter|table",
    "report": "summary|detail|financial|operational|compliance|audit",
    "repo": "git|maven|npm|docker|pypi|helm|raw",
    "repository": "git|maven|npm|docker|pypi|helm|raw",
    "storage": "s3|gcs|azure|local|nfs|hdfs",
    "database": "postgresql|mysql|sqlite|mariadb|oracle|sqlserver",
    "db": "postgresql|mysql|sqlite|mariadb|oracle|sqlserver",
    "connection": "ssh|rdp|vnc|telnet|http|database",
    "host": "physical|virtual|container|cloud",
    "server": "web|database|mail|file|application|cache|proxy",
    "service": "web|api|worker|database|cache|queue",
    "device": "desktop|mobile|tablet|smart tv|console|iot",
    "sensor": "temperature|humidity|pressure|motion|light|co2|voltage",
    "metric": "gauge|counter|histogram|summary",
    "alert": "threshold|anomaly|heartbeat|error|security",
    "log": "info|audit|access|error|security|debug",
    "record": "A|AAAA|CNAME|MX|TXT|NS|SRV|PTR",
    "dns": "A|AAAA|CNAME|MX|TXT|NS|SRV|PTR",
    "ip": "ipv4|ipv6",
    "address family": "ipv4|ipv6",
    "network": "lan|wan|vpn|wifi|dmz",
    "interface": "ethernet|wifi|loopback|bridge|vlan|tunnel",
    "employment": "full-time|part-time|contract|temporary|intern|freelance",
    "employee": "full-time|part-time|contract|temporary|intern",
    "contract": "fixed-term|permanent|part-time|freelance|service|lease",
    "leave": "vacation|sick|parental|unpaid|bereavement|personal",
    "absence": "vacation|sick|parental|unpaid|training",
    "shift": "morning|afternoon|night|weekend|on-call",
    "schedule": "daily|weekly|monthly|once|cron",
    "order": "online|in_store|phone|subscription|wholesale",
    "shipment": "standard|express|overnight|freight|pickup",
    "shipping": "standard|express|overnight|two-day|ground|pickup",
    "delivery": "standard|express|same_day|pickup|scheduled",
    "discount": "percentage|fixed_amount|free_shipping|bogo",
    "coupon": "percentage|fixed_amount|free_shipping",
    "promotion": "discount|bundle|free_shipping|loyalty|seasonal",
    "price": "retail|wholesale|sale|msrp|list",
    "product": "physical|digital|service|subscription|bundle|gift_card",
    "item": "product|service|shipping|discount|tax|fee",
    "invoice": "standard|credit_note|proforma|recurring|final",
    "tax": "sales|vat|gst|income|excise|withholding",
    "fee": "service|late|processing|cancellation|delivery|setup",
    "subscription": "monthly|annual|trial|lifetime|free",
    "plan": "free|basic|pro|business|enterprise",
    "license": "perpetual|subscription|trial|enterprise|open source",
    "question": "multiple choice|true/false|short answer|essay|rating",
    "answer": "text|choice|number|date|file",
    "field": "text|number|date|select|checkbox|textarea|email",
    "input": "text|number|date|select|checkbox|radio|textarea",
    "data": "string|integer|boolean|date|decimal|json",
    "value": "string|integer|boolean|date|decimal|json",
    "parameter": "STRING|LONG|DATE|DOUBLE|BOOLEAN",
    "param": "STRING|LONG|DATE|DOUBLE|BOOLEAN",
    "variable": "string|integer|boolean|date|double|json|object",
    "var": "string|integer|boolean|date|double|json|object",
    "column": "varchar|integer|bigint|text|boolean|timestamp|numeric",
    "relation": "parent|child|friend|follower|member|owner",
    "relationship": "spouse|parent|child|sibling|friend|colleague",
    "link": "related|duplicate|blocks|parent|child|reference",
    "identity link": "candidate|assignee|owner|participant|starter",
    "identity": "passport|driver_license|national_id|ssn|tax_id",
    "id": "passport|driver_license|national_id|ssn|tax_id",
    "location": "office|warehouse|store|home|remote|datacenter",
    "place": "restaurant|cafe|park|museum|hotel|store|airport",
    "property": "apartment|house|condo|townhouse|land|commercial",
    "building": "office|residential|warehouse|retail|industrial",
    "facility": "office|warehouse|clinic|factory|store|datacenter",
    "store": "retail|outlet|online|franchise|flagship",
    "appointment": "consultation|follow-up|checkup|procedure|emergency",
    "visit": "consultation|follow-up|checkup|emergency|telehealth",
    "exam": "midterm|final|quiz|practical|oral",
    "course": "lecture|seminar|lab|online|workshop",
    "class": "lecture|seminar|lab|online|workshop",
    "fuel": "gasoline|diesel|electric|hybrid|lpg",
    "engine": "petrol|diesel|electric|hybrid",
    "body": "sedan|SUV|hatchback|wagon|coupe|convertible|pickup",
    "aircraft": "narrow-body|wide-body|regional|turboprop|business jet",
    "seat": "window|aisle|middle|exit row|premium",
    "ticket type": "adult|child|senior|student|group",
    "blood": "A+|O+|B+|AB+|A-|O-|B-|AB-",
    "feedback": "bug|suggestion|praise|complaint|question",
    "review": "product|service|seller|delivery",
    "comment": "comment|reply|review|note|system",
    "note": "general|call|meeting|follow-up|internal",
    "change": "create|update|delete|rename|move",
    "operation": "CREATE|UPDATE|DELETE|READ|EXECUTE",
    "action": "create|update|delete|view|login|export",
    "permission": "read|write|delete|admin|execute",
    "resource": "file|folder|database|table|topic|queue|service",
    "entity": "user|order|product|invoice|comment|customer|project",
    "object": "user|order|product|invoice|comment|customer|project",
    "target": "user|group|role|channel|webhook|email",
    "principal": "user|group|role|service",
    "owner": "user|group|organization|team",
    "group": "team|department|project|security|distribution",
    "team": "engineering|sales|support|marketing|operations",
    "role": "admin|editor|viewer|owner|member|guest",
    "measurement": "temperature|humidity|pressure|weight|length|volume",
    "unit": "metric|imperial|us_customary",
    "packaging": "box|bag|pallet|crate|envelope|tube",
    "package": "box|envelope|pallet|tube|bag",
    "container": "box|bag|pallet|crate|drum|carton",
    "cost": "fixed|variable|direct|indirect|overhead",
    "expense": "travel|meals|office|software|equipment|training",
    "income": "salary|bonus|interest|dividend|rental|freelance",
    "loan": "personal|mortgage|auto|student|business",
    "card": "credit|debit|prepaid|gift",
    "bank": "retail|commercial|investment|credit union|online",
}


for _thing, _values in TYPES_OF.items():
    words_vocabulary(f"type_of_{_thing.replace(' ', '_')}", _values)


# the value of a key/value settings row (`property.value` beside `property.name`): what
# configuration tables hold, most common kinds first
words_vocabulary(
    "config_value",
    """true|false|1|0|30|60|100|3600|8080|443|enabled|disabled|UTF-8|en_US|UTC|INFO|DEBUG
/var/lib/app/data|/etc/app/app.conf|/tmp|https://api.example.com/v1|https://example.com/callback
admin@example.com|America/New_York|0.75|1024|512M|none|daily|weekly|*/5 * * * *|yes|no|default
org.example.app.Main|localhost:5432|redis://localhost:6379/0|json|csv|gzip|dark|light|5|10|250""",
)
# what a monitoring check or a command prints (`output`, `long_output`, `std_out`)
words_vocabulary(
    "check_output",
    """OK - load average: 0.12, 0.08, 0.05|PING OK - Packet loss = 0%, RTA = 0.42 ms
DISK OK - free space: / 12034 MB (41% inode=88%)
HTTP OK: HTTP/1.1 200 OK - 5123 bytes in 0.041 second response time
WARNING - load average: 4.21, 3.98, 3.50|CRITICAL - Socket timeout after 10 seconds
PROCS OK: 142 processes|SWAP OK - 98% free (2010 MB out of 2047 MB)
SSH OK - OpenSSH_8.9p1 (protocol 2.0)
DISK WARNING - free space: /var 2048 MB (9% inode=71%)|CRITICAL - Host unreachable (10.0.3.17)
OK - 3 of 3 services running|UNKNOWN - Unable to read output|Job completed successfully in 12.4s
Exit code 0|Connection refused
Backup finished: 1245 files, 3.2 GB|Sync completed: 18 records updated""",
)
words_vocabulary(
    "command_line",
    """/usr/lib/nagios/plugins/check_ping -H $HOSTADDRESS$ -w 100,20% -c 500,60%
/usr/lib/nagios/plugins/check_disk -w 20% -c 10% -p /
/usr/lib/nagios/plugins/check_http -H $HOSTNAME$
/usr/bin/python3 manage.py clearsessions|/usr/local/bin/backup.sh --full|systemctl restart nginx
/opt/app/bin/sync --since 1h|curl -fsS https://example.com/health
pg_dump -Fc app > /backup/app.dump
/usr/lib/nagios/plugins/check_load -w 5,4,3 -c 10,8,6|rsync -a /srv/data/ backup:/srv/data/
java -jar /opt/app/worker.jar --queue default|/usr/bin/php artisan schedule:run""",
)
words_vocabulary(
    "cpu_info",
    """Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz|Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
AMD EPYC 7502P 32-Core Processor|Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz
AMD Ryzen 9 5950X 16-Core Processor|Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz
ARMv8 Processor rev 1 (v8l)|Apple M2|Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz""",
)
words_vocabulary(
    "os_info",
    """Ubuntu 22.04.3 LTS|Ubuntu 20.04.6 LTS|Red Hat Enterprise Linux 8.9|CentOS Linux 7.9.2009
Debian GNU/Linux 12 (bookworm)|Rocky Linux 9.3|Windows Server 2019 Datacenter|Amazon Linux 2023
SUSE Linux Enterprise Server 15 SP5|Windows Server 2022 Standard|macOS 14.2|Alpine Linux 3.19""",
)
words_vocabulary(
    "market_segment",
    "Consumer|Corporate|Small Business|Enterprise|Government|Education|Healthcare|Retail"
    "|Automotive|Building|Furniture|Household|Machinery",
)
words_vocabulary(
    "shipping_instruction",
    """Deliver in person|Leave at front door|Collect on delivery|Signature required
Leave with neighbour|Call before delivery|Deliver to reception|No instructions|Take back return""",
)
words_vocabulary(
    "packaging",
    "Box|Small box|Large box|Bag|Envelope|Pallet|Crate|Carton|Tube|Jar|Can|Drum|Pack|Case",
)
words_vocabulary(
    "audience",
    """https://api.example.com|web-app|mobile-app|https://api.example.com https://admin.example.com
account|api|admin-console|https://auth.example.com/userinfo""",
)
words_vocabulary("jwk_key_type", "RSA|EC|oct|OKP")
words_vocabulary("cron_minutes", "0|0|0|15|30|45|*/5|*/10|*/15|0,30|5")
words_vocabulary("cron_hours", "*|*|0|2|3|6|9|12|18|*/2|*/6|9-17")
words_vocabulary("cron_days", "*|*|*|1|15|1,15|L|?|*/2")
words_vocabulary("cron_months", "*|*|*|1|1,4,7,10|*/3|6|12")
words_vocabulary("cron_weekdays", "*|*|?|1-5|MON-FRI|1|0|6|SAT,SUN|MON")


words_vocabulary(
    "car_model",
    """Camry|Corolla|RAV4|F-150|Civic|Accord|CR-V|Silverado|Model 3|Model Y|Mustang|Explorer
Escape|Equinox|Malibu|Altima|Rogue|Sentra|Golf|Passat|Tiguan|Jetta|3 Series|C-Class|A4|Outback
Forester|Elantra|Tucson|Sportage|Wrangler|Grand Cherokee|Highlander|Tacoma|Prius|Pilot|CX-5""",
)


@vocabulary("title_slug")
def _title_slugs(locale: str, seed: int) -> list[str]:
    """Slugs of titles (`weekly-contract-review`), for slugs of things other than products."""
    import re

    from datagen_assets.generate.meanings.values import vocabulary_values

    labels = vocabulary_values("generic_label", locale, seed)
    return [re.sub(r"[^a-z0-9]+", "-", v.lower()).strip("-") for v in labels]


words_vocabulary("channel", "web|email|api|phone|chat|mobile|sms|social|walk-in")
words_vocabulary(
    "metric_name",
    """cpu_usage|memory_usage|disk_usage|temperature|humidity|latency_ms|error_rate
requests_per_second|response_time|queue_depth|battery_level|voltage|pressure|throughput
packet_loss|uptime|load_average|heap_used|connections""",
)
words_vocabulary(
    "config_key",
    """_edit_lock|_edit_last|_thumbnail_id|_wp_page_template|siteurl|home|blogname|timezone
date_format|admin_email|default_role|max_upload_size|session_timeout|theme|locale|smtp_host
smtp_port|cache_ttl|feature_flags|api_rate_limit|log_level|retention_days|currency
items_per_page|maintenance_mode""",
)


@vocabulary("permission_codename")
def _permission_codenames(locale: str, seed: int) -> list[str]:
    """Django-like permission code names: `add_user`, `change_order`, `view_invoice`."""
    nouns = "user group order invoice product customer post comment report ticket".split()
    return [f"{verb}_{noun}" for noun in nouns for verb in ("add", "change", "delete", "view")]


@vocabulary("permission_label")
def _permission_labels(locale: str, seed: int) -> list[str]:
    """`Can add user`, `Can view invoice`: how a permission is named where it is listed."""
    nouns = "user group order invoice product customer post comment report ticket".split()
    return [f"Can {verb} {noun}" for noun in nouns for verb in ("add", "change", "delete", "view")]


words_vocabulary(
    "device_model",
    """Raspberry Pi 4 Model B|ESP32-DevKitC|Arduino MKR WiFi 1010|Nest Thermostat E
Shelly Plug S|Sonoff TH16|Aqara Temperature Sensor|Philips Hue Bridge|Ecobee SmartThermostat
Bosch BME680|Cisco Catalyst 9200|Ubiquiti UniFi AP AC Lite|HP LaserJet Pro M404n
Dell PowerEdge R740|Axis M3106-L|Netatmo Weather Station|Tuya Smart Plug|Fitbit Charge 5""",
)


words_vocabulary(
    "leave_reason",
    """Vacation|Medical appointment|Illness|Family emergency|Personal matters|Childcare
Moving house|Bereavement|Wedding|Training course|Jury duty|Parental leave""",
)
words_vocabulary(
    "moderation_reason",
    """Spam|Harassment|Inappropriate content|Impersonation|Copyright violation|Hate speech
Scam or fraud|Off-topic|Repeated violations|Requested by user""",
)

"""PII: the offline analyzer, column classification, pii modes and the scan check."""

from __future__ import annotations

import datetime as dt
import re
import socket
from pathlib import Path

import polars as pl
import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.pii import analyzer as analyzer_module
from datagen_assets.pii.analyzer import LANGUAGE, analyzer
from datagen_assets.pii.classify import (
    DIRECT,
    NONE,
    QUASI,
    SENSITIVE,
    classify_column,
    classify_schema,
    classify_values,
)
from datagen_assets.pii.detect import detect_entities
from datagen_assets.pii.modes import apply_pii_mode, mode_problem
from datagen_assets.pii.scan import ColumnPolicy, scan_table
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.schema.ddl import load_ddl
from datagen_assets.schema.model import Column, ColumnType, SchemaError, TypeKind
from datagen_assets.settings import Settings

REPO = Path(__file__).resolve().parents[1]
PERSONAL_TEXT = (
    "Write to Maria Lopez at maria.lopez@example.com or call (212) 555-0143; "
    "card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00."
)
PRODUCT_WORDS = [
    "Ergonomic Steel Chair",
    "Small Glass Ball",
    "Rustic Wooden Table",
    "Home & Kitchen",
    "Sports",
    "delivered",
    "SKU-00000042",
    "Premium Leather Wallet",
]


def entities(text: str) -> set[str]:
    return {r.entity_type for r in analyzer().analyze(text, language=LANGUAGE, score_threshold=0.4)}


@pytest.fixture(scope="module")
def shop():
    dataset = load_dataset(
        REPO / "schemas" / "shop.sql", REPO / "schemas" / "shop.yaml", Settings()
    )
    return plan_dataset(dataset)


def write_chunks(frame: pl.DataFrame, folder: Path, chunks: int = 2) -> list[str]:
    """The table as Parquet chunk files, like the IO manager writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    size = -(-frame.height // chunks)
    files = []
    for index in range(chunks):
        path = folder / f"{index:05d}.parquet"
        frame.slice(index * size, size).write_parquet(path)
        files.append(str(path))
    return files


# ---------------------------------------------------------------------------- analyzer


def test_offline_analyzer_finds_identifiers():
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE"} <= entities(
        PERSONAL_TEXT
    )
    assert entities("ssh from 192.168.10.7") == {"IP_ADDRESS"}


@pytest.mark.parametrize("text", PRODUCT_WORDS)
def test_plain_product_words_find_nothing(text):
    assert entities(text) == set()


def test_analyzer_never_touches_the_network(monkeypatch):
    """Built from scratch with every socket connection refused, and with tldextract's
    module-level (online-capable) extractor booby-trapped: e-mails are still validated."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError(f"network disabled in tests: {address}")

    def online_extract(*args, **kwargs):
        raise AssertionError("tldextract.extract (may fetch the suffix list) was called")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr("tldextract.extract", online_extract)
    analyzer.cache_clear()
    analyzer_module.offline_tld_extractor.cache_clear()
    text = "mail me: someone@mail.example.co.uk or someone@example.notatld"
    try:
        results = analyzer().analyze(text, language=LANGUAGE)
    finally:
        analyzer.cache_clear()
    emails = [text[r.start : r.end] for r in results if r.entity_type == "EMAIL_ADDRESS"]
    assert emails == ["someone@mail.example.co.uk"]  # validated by the bundled suffix list
    assert attempts == []


# ---------------------------------------------------------------------------- classify


def test_shop_columns_are_classified(shop):
    found = {key: c.category for key, c in classify_schema(shop.dataset.schema).items()}
    customers = {c: found[("customers", c)] for c in shop.table("customers").table.column_names}
    assert customers == {
        "id": NONE,
        "first_name": DIRECT,
        "last_name": DIRECT,
        "email": DIRECT,
        "phone": DIRECT,
        "street_address": DIRECT,
        "city": QUASI,
        "country_code": QUASI,  # decided: quasi (see classify's docstring and docs/pii.md)
        "birth_date": QUASI,
        "created_at": NONE,
        "is_active": NONE,
    }
    for table in ("products", "orders", "order_items"):
        assert {found[(table, c)] for c in shop.table(table).table.column_names} == {NONE}


def test_classification_reads_names_types_comments_and_overrides(tmp_path):
    ddl = tmp_path / "crm.sql"
    ddl.write_text(
        """
        CREATE TABLE contacts (
            id INT PRIMARY KEY,
            cst_ph_no VARCHAR(20),
            name TEXT,
            email_verified BOOLEAN,
            capacity INT,
            ship_date DATE,
            last_login_ip INET,
            notes TEXT,
            annual_salary NUMERIC(10, 2),
            religion TEXT
        );
        COMMENT ON COLUMN contacts.notes IS 'free text; may contain the diagnosis';
        CREATE TABLE teams (id INT PRIMARY KEY, name TEXT);
        """
    )
    schema = load_ddl(ddl)
    found = {key: c.category for key, c in classify_schema(schema).items()}
    assert found[("contacts", "cst_ph_no")] == DIRECT
    assert found[("contacts", "name")] == DIRECT  # a people table
    assert found[("teams", "name")] == NONE
    assert found[("contacts", "email_verified")] == NONE  # a flag, not an address
    assert found[("contacts", "capacity")] == NONE  # not a city
    assert found[("contacts", "ship_date")] == NONE  # not an IP
    assert found[("contacts", "last_login_ip")] == DIRECT
    assert found[("contacts", "annual_salary")] == SENSITIVE
    assert found[("contacts", "religion")] == SENSITIVE
    assert found[("contacts", "notes")] == SENSITIVE  # raised by its comment
    commented = Column("remarks", ColumnType(TypeKind.TEXT), comment="customer's home address")
    assert classify_column(commented).category == DIRECT

    overridden = classify_schema(schema, {("contacts", "religion"): NONE})
    assert overridden[("contacts", "religion")].category == NONE
    assert overridden[("contacts", "religion")].reason == "set in the dataset config"
    with pytest.raises(SchemaError) as error:
        classify_schema(schema, {("contacts", "nope"): DIRECT, ("teams", "name"): "secret"})
    assert len(error.value.problems) == 2


def test_classify_values_returns_only_a_category():
    emails = [f"user{i}@example.org" for i in range(50)] + ["n/a"] * 10
    assert classify_values(emails) == DIRECT
    assert classify_values(PRODUCT_WORDS * 10) == NONE
    assert classify_values(["2024-01-05", "1999-12-31", "1987-06-15"]) == QUASI
    assert classify_values([None, ""]) == NONE


# ---------------------------------------------------------------------------- modes


def varchar(name: str, length: int | None = None, nullable: bool = True) -> Column:
    return Column(name, ColumnType(TypeKind.VARCHAR, length=length), nullable=nullable)


def test_masked_is_deterministic_format_preserving_and_within_length():
    emails = pl.Series("email", ["john.smith@example.com", "ann@mail.example.org", None])
    masked = apply_pii_mode(emails, "masked", varchar("email", 160), DIRECT)
    assert masked.to_list() == ["j*********@e******.com", "a**@m***.*******.org", None]
    again = apply_pii_mode(emails.reverse(), "masked", varchar("email", 160), DIRECT)
    assert again.reverse().to_list() == masked.to_list()  # same input, same output: joins hold

    phones = pl.Series("phone", ["(212) 555-0143", "+44 20 7946 0958"])
    assert apply_pii_mode(phones, "masked", varchar("phone"), DIRECT).to_list() == [
        "(***) ***-**43",
        "+** ** **** **58",
    ]
    names = pl.Series("first_name", ["Maria", "Jean-Luc", "Émile"])
    assert apply_pii_mode(names, "masked", varchar("first_name"), DIRECT).to_list() == [
        "M****",
        "J***-L**",
        "É****",
    ]
    cards = pl.Series("card_number", ["4111 1111 1111 1111"])
    assert apply_pii_mode(cards, "masked", varchar("card_number"), DIRECT).to_list() == [
        "**** **** **** 1111"
    ]
    for series, column in ((emails, "email"), (phones, "phone"), (names, "first_name")):
        out = apply_pii_mode(series, "masked", varchar(column), DIRECT)
        assert out.str.len_chars().to_list() == series.str.len_chars().to_list()

    too_long = pl.Series("city", ["Llanfairpwllgwyngyll"])
    assert apply_pii_mode(too_long, "masked", varchar("city", 8), QUASI).to_list() == ["L*******"]
    births = pl.Series("birth_date", [dt.date(1987, 6, 15)])
    birth_column = Column("birth_date", ColumnType(TypeKind.DATE))
    assert apply_pii_mode(births, "masked", birth_column, QUASI).to_list() == [dt.date(1987, 1, 1)]
    ages = pl.Series("age", [37, 8, 64], dtype=pl.Int32)
    masked_ages = apply_pii_mode(ages, "masked", Column("age", ColumnType(TypeKind.INTEGER)), QUASI)
    assert masked_ages.to_list() == [30, 0, 60] and masked_ages.dtype == pl.Int32


def test_masked_values_no_longer_read_as_personal_data():
    values = pl.Series(
        "v", ["maria.lopez@example.com", "(212) 555-0143", "Maria Lopez", "4111 1111 1111 1111"]
    )
    masked = apply_pii_mode(values, "masked", varchar("contact_details"), DIRECT)
    assert detect_entities(values).entity_rows
    assert not set(detect_entities(masked).entity_rows) & {
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "PERSON",
        "CREDIT_CARD",
    }


def test_redacted_nulls_nullable_columns_and_neutralises_the_rest():
    emails = pl.Series("email", ["a@example.com", "b@example.com"])
    assert apply_pii_mode(emails, "redacted", varchar("email", 160), DIRECT).to_list() == [
        None,
        None,
    ]
    required = apply_pii_mode(emails, "redacted", varchar("email", 160, nullable=False), DIRECT)
    assert required.to_list() == ["[REDACTED]", "[REDACTED]"]
    code = pl.Series("country_code", ["US"])
    short = Column("country_code", ColumnType(TypeKind.CHAR, length=2), nullable=False)
    assert apply_pii_mode(code, "redacted", short, QUASI).to_list() == ["**"]
    births = pl.Series("birth_date", [dt.date(1987, 6, 15)])
    birth_column = Column("birth_date", ColumnType(TypeKind.DATE), nullable=False)
    assert apply_pii_mode(births, "redacted", birth_column, QUASI).to_list() == [
        dt.date(1970, 1, 1)
    ]


def test_modes_leave_other_columns_alone_and_reject_unknown_names(shop):
    prices = pl.Series("price", [9.99])
    price = Column("price", ColumnType(TypeKind.NUMERIC, precision=10, scale=2))
    assert apply_pii_mode(prices, "redacted", price, NONE) is prices
    emails = pl.Series("email", ["a@example.com"])
    assert apply_pii_mode(emails, "synthetic", varchar("email"), DIRECT) is emails
    with pytest.raises(ValueError, match="unknown pii_mode"):
        apply_pii_mode(emails, "scrambled", varchar("email"), DIRECT)
    customers = shop.table("customers").table
    assert "UNIQUE" in mode_problem(customers, "email", "masked")
    assert mode_problem(customers, "phone", "masked") is None


def test_masking_is_vectorised_enough_for_big_chunks():
    values = pl.Series("email", [f"first{i}.last@example.com" for i in range(200_000)])
    import time

    started = time.perf_counter()
    apply_pii_mode(values, "masked", varchar("email"), DIRECT)
    assert time.perf_counter() - started < 5


# ---------------------------------------------------------------------------- scan


def policies(plan, table: str, mode: str = "synthetic") -> dict[str, ColumnPolicy]:
    classified = classify_schema(plan.dataset.schema)
    return {
        column: ColumnPolicy(classified[(table, column)].category, mode)
        for column in plan.table(table).table.column_names
    }


def test_scan_passes_on_shop_products(shop, tmp_path):
    rows = shop.table("products").rows
    files = write_chunks(generate(shop, "products", 0, rows), tmp_path / "products")
    result = scan_table("products", files, policies(shop, "products"))
    assert result.passed, result.description
    assert {c.column for c in result.columns} == {"sku", "name", "category"}
    assert result.counts["rows_sampled"] == rows


def test_scan_fails_on_emails_planted_in_a_none_column_and_reports_no_values(shop, tmp_path):
    frame = generate(shop, "products", 0, shop.table("products").rows)
    planted = [f"leaked.person{i}@example.com" for i in range(7)]
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) < len(planted))
        .then(pl.Series(planted + [""] * (frame.height - len(planted))))
        .otherwise(pl.col("name"))
        .alias("name")
    )
    files = write_chunks(frame, tmp_path / "products")
    result = scan_table("products", files, policies(shop, "products"))
    assert not result.passed
    assert result.counts["name:EMAIL_ADDRESS"] == 7
    assert result.counts["columns_failed"] == 1
    assert "EMAIL_ADDRESS in 7 rows" in result.description
    rendered = repr(result)
    assert not any(value in rendered for value in planted)
    assert not re.search(r"leaked|person\d", rendered)


def test_scan_checks_masked_columns_and_passes_once_masking_is_applied(shop, tmp_path):
    table = shop.table("customers").table
    frame = generate(shop, "customers", 0, 300)
    scan_policies = policies(shop, "customers", mode="masked")
    raw = scan_table("customers", write_chunks(frame, tmp_path / "raw"), scan_policies)
    assert not raw.passed
    failed = {c.column for c in raw.columns if not c.passed}
    assert {"first_name", "last_name", "email", "phone"} <= failed
    classified = classify_schema(shop.dataset.schema)
    masked = frame.with_columns(
        apply_pii_mode(
            frame[c.name], "masked", c, classified[("customers", c.name)].category, table
        )
        for c in table.columns
    )
    result = scan_table("customers", write_chunks(masked, tmp_path / "masked"), scan_policies)
    assert result.passed, result.description


def test_scan_samples_deterministically_within_max_rows(shop, tmp_path):
    rows = shop.table("customers").rows
    files = write_chunks(generate(shop, "customers", 0, rows), tmp_path / "c", chunks=3)
    first = scan_table("customers", files, policies(shop, "customers"), max_rows=200)
    second = scan_table("customers", files, policies(shop, "customers"), max_rows=200)
    assert first.counts == second.counts
    assert first.counts["rows_sampled"] <= 200
    assert scan_table("customers", [], {}).passed is False


@pytest.mark.parametrize(
    ("camel", "snake"),
    [
        ("BillingCity", "billing_city"),
        ("FirstName", "first_name"),
        ("EMailAddress", "e_mail_address"),
        ("BillingCountry", "billing_country"),
        ("HomePhone", "home_phone"),
    ],
)
def test_camel_case_names_classify_like_their_snake_case_twins(camel, snake):
    """A T-SQL `BillingCity` is a PostgreSQL `billing_city`: same category, same generator."""
    from datagen_assets.generate.semantic import detect
    from datagen_assets.pii.classify import classify_column
    from datagen_assets.schema.model import Column, ColumnType, Table, TypeKind

    kind = ColumnType(TypeKind.VARCHAR, "VARCHAR(60)", length=60)
    table = Table("Invoice", (Column(camel, kind), Column(snake, kind)))
    found = classify_column(table.column(camel), table)
    assert found == classify_column(table.column(snake), table)
    assert found.category != "none"
    assert detect(table.column(camel), table) == detect(table.column(snake), table)


# ---------------------------------------------------------------------------- false positives


@pytest.mark.parametrize(
    "text",
    [
        "Virginia",
        "West Virginia",
        "Washington",
        "Chad",
        "Georgia",
        "KIM",
        "JOY",
        "2LE",
        "West Nathan",
    ],
)
def test_places_and_codes_are_no_person(text):
    """States, countries and generated towns share names with people; short codes in capitals
    or glued to digits (airport codes) are no names."""
    assert "PERSON" not in entities(text)


@pytest.mark.parametrize("text", ["Maria Lopez", "Lopez, Maria", "MARIA LOPEZ", "Mary Ann Smith"])
def test_full_names_are_still_persons(text):
    assert "PERSON" in entities(text)


def _scan_column(tmp_path: Path, values: list[str], name: str = "place"):
    frame = pl.DataFrame({"id": list(range(len(values))), name: values})
    files = write_chunks(frame, tmp_path / name, chunks=1)
    return scan_table("t", files, {name: ColumnPolicy()})


# What DataGen writes in place columns: states, towns named after people ("West Nathan",
# "Port Chad"), streets, branches named after towns, and user agents with version numbers.
SYNTHETIC_PLACES = [
    "Virginia", "West Virginia", "Washington", "Georgia", "Chad", "Jordan", "West Nathan",
    "Port Chad", "Lake Suzanne", "East Maria Branch", "Jennifer Lane", "Nathanville",
    "Smithborough", "North Carolina",
]  # fmt: skip


def test_scan_passes_on_synthetic_places_and_catches_names_planted_among_them(tmp_path):
    clean = _scan_column(tmp_path / "clean", SYNTHETIC_PLACES * 3)
    assert clean.passed, clean.description
    planted = SYNTHETIC_PLACES * 3 + ["John Smith", "Maria Lopez", "Lopez, Maria"]
    dirty = _scan_column(tmp_path / "dirty", planted)
    assert not dirty.passed
    assert dirty.counts["place:PERSON"] == 3  # exactly the planted ones
    assert "PERSON in 3 rows" in dirty.description


@pytest.mark.parametrize(
    ("name", "terms"),
    [
        ("p_brand", ["Ford", "Toyota", "Kia", "BMW", "Chevrolet", "Honda", "Tesla"]),
        ("language", ["English", "French", "Russian", "Spanish", "German"]),
        ("dictionary_language", ["English"]),  # every row the same term, also a surname
    ],
)
def test_vocabulary_terms_named_like_people_are_no_person(tmp_path, name, terms):
    """tpch p_brand (car makes: Ford) and roundcube language (English, French) failed the
    scan: a column of DataGen's closed vocabularies' terms reads as those terms. A name
    planted among them is a term of no vocabulary, and still counts."""
    assert _scan_column(tmp_path / "clean", terms * 4, name).passed
    dirty = _scan_column(tmp_path / "dirty", terms * 4 + ["Lopez, Maria"], name)
    assert dirty.counts[f"{name}:PERSON"] == 1


def test_terms_of_datagens_closed_vocabularies_hold_no_personal_data(tmp_path):
    """camunda act_id_info.value_ / icingadb output: config values and check outputs DataGen
    writes include `admin@example.com` and `Host unreachable (10.0.3.17)`; in a column of
    such terms they are DataGen's own. An address planted among them still counts."""
    from datagen_assets.generate.meanings.values import vocabulary_values

    configs = list(vocabulary_values("config_value", "en_US", 0))
    outputs = list(vocabulary_values("check_output", "en_US", 0))
    assert "admin@example.com" in configs and any("10.0.3.17" in o for o in outputs)
    assert _scan_column(tmp_path / "configs", configs * 2, "value").passed
    assert _scan_column(tmp_path / "outputs", outputs * 2, "output").passed
    planted = configs * 2 + ["maria.lopez@example.com", "from 192.168.14.7"]
    dirty = _scan_column(tmp_path / "dirty", planted, "value")
    assert dirty.counts["value:EMAIL_ADDRESS"] == 1 and dirty.counts["value:IP_ADDRESS"] == 1


def test_streets_cut_to_their_width_are_places(tmp_path):
    """benchbase_tpcc w_street_1 varchar(20): `4039 Jennifer Lane` cut to `4039 Jennifer`."""
    streets = ["410 Brett Road", "7721 Andrew Circles", "4039 Jennifer", "151 Richardson"]
    assert _scan_column(tmp_path / "clean", streets * 4, "w_street_1").passed
    dirty = _scan_column(tmp_path / "dirty", streets * 4 + ["Maria Lopez"], "w_street_1")
    assert dirty.counts["w_street_1:PERSON"] == 1


ICALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:794-free@example.com\r\n"
    "DTSTART:20250710T160000Z\r\nSUMMARY:Free option\r\nEND:VEVENT\r\nEND:VCALENDAR"
)


def test_event_and_message_identifiers_are_no_email_address(tmp_path):
    """calendarserver icalendar_text: an iCalendar UID (RFC 5545) or a Message-ID written as
    an address names an event or a message; an attendee's address in the text still counts."""
    ids = [ICALENDAR, "Message-ID: <20240101.1234@mail.example.org>"]
    assert _scan_column(tmp_path / "clean", ids * 3, "icalendar_text").passed
    leaked = ICALENDAR.replace("SUMMARY", "ATTENDEE:mailto:maria.lopez@example.com\r\nSUMMARY")
    dirty = _scan_column(tmp_path / "dirty", ids * 3 + [leaked], "icalendar_text")
    assert dirty.counts["icalendar_text:EMAIL_ADDRESS"] == 1


def test_a_column_filled_with_e_mails_by_its_own_meaning_is_personal(tmp_path):
    """roundcube identities.bcc / "reply-to" are `recipient_email`s, drawn as people's
    e-mails: classified direct, so the scan expects them there (and pii modes apply)."""
    from datagen_assets.dataset import load_dataset
    from datagen_assets.generate.engine import engine_for
    from datagen_assets.plan.plan import plan_dataset
    from datagen_assets.settings import Settings

    schema = tmp_path / "mail.postgres.sql"
    schema.write_text(
        'CREATE TABLE identities (id int PRIMARY KEY, bcc varchar(128), "reply-to" '
        "varchar(128), signature text, original_title varchar(80));\n"
        "CREATE TABLE artist_commentaries (id int PRIMARY KEY, original_title varchar(80));"
    )
    plan = plan_dataset(load_dataset(schema, None, Settings(rows=20)))
    found = engine_for(plan).pii_categories
    assert found[("identities", "bcc")] == found[("identities", "reply-to")] == "direct"
    assert found[("identities", "signature")] == "none"
    # danbooru: titles of an artist's commentaries are drawn as artists' names (people)
    assert found[("artist_commentaries", "original_title")] == "direct"


@pytest.mark.parametrize(
    ("name", "kind", "category"),
    [
        ("vcard", "text", "direct"),  # roundcube contacts.vcard: a person's contact card
        ("vcard_text", "text", "direct"),
        ("contact_data", "jsonb", "direct"),  # airlines_demo tickets: e-mail and phone
        ("contacts", "text", "direct"),  # ory_hydra hydra_client.contacts
        ("sess", "json", "quasi"),  # graphile_starter sessions: user id, IP address
        ("session_data", "text", "quasi"),
        ("contact_id", "integer", "none"),
        ("session_id", "text", "none"),
    ],
)
def test_contact_cards_details_and_sessions_are_personal(name, kind, category):
    from datagen_assets.pii.classify import classify_column
    from datagen_assets.schema.ddl import parse_ddl

    schema = parse_ddl(f"CREATE TABLE t (id int PRIMARY KEY, {name} {kind});", "postgres")
    table = schema.tables["t"]
    assert classify_column(table.column(name), table).category == category


def test_a_list_cut_to_its_width_stays_a_list():
    """postgrest sponsors.name varchar(20): `Craig, Wilson and Ruiz` was cut to `Craig,
    Wilson`, which reads as a person's `Surname, Name`; it is `Craig and Wilson` now."""
    from datagen_assets.generate.meanings.values import fit_words

    assert fit_words("Craig, Wilson and Ruiz", 20) == "Craig and Wilson"
    assert fit_words("Hall, Hall & Robinson", 14) == "Hall & Hall"
    assert fit_words("Craig, Wilson and Ruiz", 12) == "Craig"
    assert "PERSON" not in entities("Craig and Wilson")


def test_versions_in_user_agents_are_no_ip_address(tmp_path):
    agents = [
        "Mozilla/5.0 (X11; Linux x86_64; rv:1.9.5.20) Gecko/2010-10-23 Firefox/3.6.13",
        "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/27.0.849.0 Safari/537.36",
    ]
    assert _scan_column(tmp_path / "ua", agents * 5, "user_agent").passed
    leaked = _scan_column(tmp_path / "ip", agents + ["from http://10.0.0.1/admin"], "user_agent")
    assert leaked.counts["user_agent:IP_ADDRESS"] == 1


# ---------------------------------------------------------------------------- bounded scan


def test_names_alone_skip_presidios_engine_with_the_same_findings():
    from datagen_assets.pii.detect import _analyse

    values = [
        "Maria Lopez", "Lopez, Maria", "West Nathan", "Rose", "KIM", "Will you come", "Smith",
        "Mary Ann Smith and John Brown", "Ergonomic Steel Chair", "Dr. John Smith Jr.",
    ]  # fmt: skip
    for value in values:
        engine = {
            r.entity_type
            for r in analyzer().analyze(
                value, language=LANGUAGE, entities=["PERSON"], score_threshold=0.4
            )
        }
        assert set(_analyse(value, ("PERSON",), "en_US", 0.4)) == engine, value


def test_bounded_scan_still_finds_the_odd_ones_out(tmp_path):
    """Thousands of codes that each could be a phone or an SSN, and seven e-mails: with at most
    64 values through Presidio's engine, the e-mails are among them; UUIDs never are."""
    codes = [f"INV-{i:010d}" for i in range(3000)]
    uuids = [f"5e4231cb-a092-41aa-8995-{i:012d}" for i in range(3000)]
    planted = [f"leaked.person{i}@example.com" for i in range(7)]
    frame = pl.DataFrame({"code": codes + planted + codes[:3], "ref": uuids + uuids[:10]})
    files = write_chunks(frame, tmp_path / "t", chunks=3)
    result = scan_table("t", files, {}, clean_only=True)
    assert result.counts["code:EMAIL_ADDRESS"] == 7
    assert [c.passed for c in result.columns] == [False, True]
    (ref,) = [c for c in result.columns if c.column == "ref"]
    assert ref.distinct_analysed == ref.distinct  # no UUID was a candidate to skip


def test_sample_reads_a_bounded_number_of_chunks(tmp_path):
    """However many chunks a table has, the sample opens at most MAX_CHUNKS of them, spread
    from the first to the last, and the same rows every time."""
    import duckdb

    from datagen_assets.pii.scan import MAX_CHUNKS, _sample

    frame = pl.DataFrame({"note": [f"row {i}" for i in range(4000)]})
    files = write_chunks(frame, tmp_path / "t", chunks=40)
    with duckdb.connect() as con:
        whole = _sample(con, files, ["note"], 10**9)  # no row limit: whole chunks
        assert whole.height == MAX_CHUNKS * 100
        assert {"row 0", "row 3999"} <= set(whole["note"])  # first and last chunk
        limited = _sample(con, files, ["note"], 500)
        assert limited.height == 500
        assert limited.equals(_sample(con, files, ["note"], 500))


# ---------------------------------------------------------------------------- hashed, encrypted

KEYED_DDL = """
CREATE TABLE customers (
    id         INTEGER      PRIMARY KEY,
    email      VARCHAR(200) NOT NULL UNIQUE,
    first_name VARCHAR(40),
    phone      VARCHAR(60),
    notes      TEXT
);
"""


def _keyed_plan(tmp_path: Path, config: str):
    (tmp_path / "keyed.sql").write_text(KEYED_DDL)
    (tmp_path / "keyed.yaml").write_text(config)
    return plan_dataset(load_dataset(tmp_path / "keyed.sql", tmp_path / "keyed.yaml", Settings()))


def test_hashed_is_keyed_deterministic_and_keeps_length_and_shape(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_KEY", "11" * 64)
    config = "rows: 40\npii_mode: hashed\npii_key_env: APP_KEY\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "s").mkdir()
    plan = _keyed_plan(tmp_path / "a", config)
    synthetic = _keyed_plan(tmp_path / "s", "rows: 40\n")
    hashed = generate(plan, "customers", 0, 40)
    clear = generate(synthetic, "customers", 0, 40)
    assert hashed["notes"].equals(clear["notes"])  # category none: untouched
    assert hashed["email"].equals(clear["email"])  # UNIQUE: a hash may collide, stays synthetic
    for column in ("first_name", "phone"):
        pairs = [(c, h) for c, h in zip(clear[column], hashed[column], strict=True) if c]
        assert all(len(c) == len(h) and c != h for c, h in pairs), column
        shape = [(re.sub(r"\d", "9", c), re.sub(r"\d", "9", h)) for c, h in pairs]
        assert all(a.count("9") == b.count("9") for a, b in shape)  # digits stay digits
    assert all(re.fullmatch(r"[A-Z][a-z]*", v) for v in hashed["first_name"] if v)
    assert generate(plan, "customers", 0, 40).equals(hashed)  # deterministic
    monkeypatch.setenv("APP_KEY", "22" * 64)
    (tmp_path / "b").mkdir()
    rekeyed = generate(_keyed_plan(tmp_path / "b", config), "customers", 0, 40)
    assert not set(rekeyed["first_name"].drop_nulls()) & set(hashed["first_name"].drop_nulls())


def test_encrypted_values_decrypt_with_the_applications_key(tmp_path, monkeypatch):
    """What the application under test does: AES-SIV with the key from its environment."""
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESSIV

    key = os.urandom(64)
    monkeypatch.setenv("APP_KEY", base64.b64encode(key).decode())
    plan = _keyed_plan(tmp_path, "rows: 30\npii_mode: encrypted\npii_key_env: APP_KEY\n")
    encrypted = generate(plan, "customers", 0, 30)
    (tmp_path / "clear").mkdir()
    clear = generate(_keyed_plan(tmp_path / "clear", "rows: 30\n"), "customers", 0, 30)
    cipher = AESSIV(key)
    for column in ("email", "first_name", "phone"):
        decrypted = [
            None if v is None else cipher.decrypt(base64.b64decode(v), None).decode()
            for v in encrypted[column]
        ]
        assert decrypted == clear[column].to_list(), column
    assert encrypted["email"].n_unique() == 30  # deterministic AEAD is injective: UNIQUE holds
    assert generate(plan, "customers", 0, 30).equals(encrypted)
    secret = os.environ["APP_KEY"]
    assert secret not in repr(plan.dataset.config) and key.hex() not in repr(plan)
    from datagen_assets.generate.fingerprint import table_fingerprint

    assert secret not in repr(table_fingerprint(plan, "customers").to_dict())


def test_keyed_modes_report_missing_bad_or_unfitting_keys(tmp_path, monkeypatch):
    from datagen_assets.plan.preflight import preflight

    def problems(config: str, name: str, ddl: str = KEYED_DDL) -> str:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "keyed.sql").write_text(ddl)
        (folder / "keyed.yaml").write_text(config)
        try:
            plan = plan_dataset(load_dataset(folder / "keyed.sql", folder / "keyed.yaml"))
            report = preflight(plan)
        except SchemaError as error:
            return str(error)
        return "; ".join(p.message for p in report.problems)

    assert "needs pii_key_env" in problems("pii_mode: encrypted\n", "missing")
    monkeypatch.delenv("NO_SUCH_KEY", raising=False)
    unset = problems("pii_mode: encrypted\npii_key_env: NO_SUCH_KEY\n", "unset")
    assert "NO_SUCH_KEY (pii_key_env) is not set" in unset
    monkeypatch.setenv("SHORT_KEY", "c2VjcmV0LXZhbHVl")  # 12 bytes
    short = problems("pii_mode: encrypted\npii_key_env: SHORT_KEY\n", "short")
    assert "must hold a 64-byte key" in short and "c2VjcmV0LXZhbHVl" not in short
    assert "not the key itself" in problems("pii_key_env: 'ab cd'\n", "value")
    monkeypatch.setenv("APP_KEY", "33" * 64)
    narrow = KEYED_DDL.replace("phone      VARCHAR(60)", "phone      VARCHAR(30)")
    fit = problems("rows: 20\npii_mode: encrypted\npii_key_env: APP_KEY\n", "narrow", narrow)
    assert "widen it to at least" in fit
    # hashed without a key: derived from the seed, no problem
    assert problems("rows: 20\npii_mode: hashed\n", "seeded") == ""

"""Meaning classes a blind review found wrong, one property test each: documents by what
the column keeps (JSON/XML/blobs), `<thing>_type` by the thing, `cc`, integer flags and
counts, text of a known kind instead of prose. Each from a minimal DDL snippet."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import polars as pl
import pytest
from stdnum import luhn

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.generate.meanings import explain
from datagen_assets.generate.meanings.values import vocabulary_values
from datagen_assets.generate.meanings.vocabularies import TYPES_OF
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.settings import Settings


def _frames(tmp_path, ddl: str, rows: int = 200) -> tuple[dict[str, pl.DataFrame], object]:
    (tmp_path / "d.sql").write_text(ddl)
    (tmp_path / "d.yaml").write_text(f"rows: {rows}\nnull_fraction: 0\n")
    plan = plan_dataset(load_dataset(tmp_path / "d.sql", tmp_path / "d.yaml", Settings()))
    frames = {key: generate(plan, key, 0, plan.table(key).rows) for key in plan.tables}
    return frames, plan


def test_documents_hold_the_keys_their_column_names(tmp_path):
    """Every JSON column was {"source", "version"}; an xml column <value>word</value>."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE access_tokens (id INT PRIMARY KEY, claims JSONB, sess JSON,"
        " contact_data JSONB, preferences JSONB, status JSONB, demographics XML,"
        " version_xml TEXT, serialized_context TEXT, short_data VARCHAR(30), extra TEXT);",
    )
    frame = frames["access_tokens"]
    for value in frame["claims"]:
        claims = json.loads(value)
        assert {"sub", "iss", "exp", "iat"} <= set(claims) and claims["exp"] > claims["iat"]
    assert all({"user_id", "ip"} <= set(json.loads(v)) for v in frame["sess"])
    assert all({"email", "phone"} <= set(json.loads(v)) for v in frame["contact_data"])
    assert all("theme" in json.loads(v) for v in frame["preferences"])
    assert all("status" in json.loads(v) for v in frame["status"])
    for column in ("demographics", "version_xml"):
        roots = {ET.fromstring(v).tag for v in frame[column]}
        assert roots == {column.removesuffix("_xml")}, column
        assert not frame[column].str.contains("<value>").any()
    for column in ("serialized_context", "extra"):
        assert all(isinstance(json.loads(v), dict) for v in frame[column]), column
    assert not frame["short_data"].str.starts_with("{").any()  # no room for a document
    assert frame["claims"].n_unique() > 150


def test_blobs_are_their_own_per_row(tmp_path):
    """Every `data` blob was the same minimal PDF."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE jobs (id INT PRIMARY KEY, job_data BYTEA, invoice_pdf BYTEA,"
        " std_error BYTEA, photo BYTEA);",
    )
    frame = frames["jobs"]
    assert frame["invoice_pdf"].n_unique() > 100
    assert all(
        v.startswith(b"%PDF-1.4") and v.rstrip().endswith(b"%%EOF") for v in frame["invoice_pdf"]
    )
    assert all(isinstance(json.loads(v), dict) for v in frame["job_data"])
    assert frame["job_data"].n_unique() > 150
    outputs = set(vocabulary_values("check_output", "en_US", 0))
    assert {v.decode() for v in frame["std_error"]} <= outputs
    assert all(v.startswith(b"\x89PNG") for v in frame["photo"])


def test_type_columns_draw_the_types_of_their_thing(tmp_path):
    """`repo_type`, `widget_type`, `addresses.type` all drew standard/custom/basic."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE addresses (id INT PRIMARY KEY, type VARCHAR(20), street VARCHAR(80));"
        "CREATE TABLE widget (id INT PRIMARY KEY, widget_type VARCHAR(40),"
        " job_def_type VARCHAR(40));"
        "CREATE TABLE decisions (id INT PRIMARY KEY, category VARCHAR(60), name VARCHAR(60),"
        " frobnicator_kind VARCHAR(40));"
        "CREATE TABLE products (id INT PRIMARY KEY, category VARCHAR(60), price NUMERIC(8,2));",
    )
    assert set(frames["addresses"]["type"]) <= set(TYPES_OF["address"].split("|"))
    assert set(frames["widget"]["widget_type"]) <= set(TYPES_OF["widget"].split("|"))
    assert set(frames["widget"]["job_def_type"]) <= set(TYPES_OF["job"].split("|"))
    generic = set(vocabulary_values("type_label", "en_US", 0))
    assert set(frames["decisions"]["frobnicator_kind"]) <= generic  # a thing not listed
    shop = set(vocabulary_values("product_category", "en_US", 0))
    assert not set(frames["decisions"]["category"]) & shop - {"General"}
    assert set(frames["products"]["category"]) <= shop


def test_cc_is_an_email_copy_unless_a_card_or_a_country_says_so(tmp_path):
    """`cc` was read as a card brand."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE mails (id INT PRIMARY KEY, cc VARCHAR(255), cc_number VARCHAR(19));"
        "CREATE TABLE countries (id INT PRIMARY KEY, cc CHAR(2), phone_cc VARCHAR(6));",
    )
    assert frames["mails"]["cc"].str.contains(r"^[^@ ]+@[^@ ]+\.[a-z]+$").all()
    assert all(luhn.is_valid(v) for v in frames["mails"]["cc_number"])
    codes = set(vocabulary_values("country_code", "en_US", 0))
    assert set(frames["countries"]["cc"]) <= codes
    assert frames["countries"]["phone_cc"].str.starts_with("+").all()


def test_integer_flags_counts_and_codes_at_their_scale(tmp_path):
    """0/1 flags were drawn as counts (`selected SMALLINT` = 702), counts on 1..1000."""
    frames, plan = _frames(
        tmp_path,
        "CREATE TABLE c (id INT PRIMARY KEY, selected SMALLINT, transparent INT, extant INT,"
        " elapsed INT, flags INT, red SMALLINT, green SMALLINT, blue SMALLINT,"
        " exitcode INT, http_ret_code INT, nb_images INT, no_of_new_users BIGINT,"
        " access_token_lifespan BIGINT, heartbeat BIGINT);",
    )
    frame = frames["c"]
    for column in ("selected", "transparent", "extant"):
        assert set(frame[column]) == {0, 1}, column
    table = plan.table("c").table
    assert explain(table.column("elapsed"), table).meaning != "int_flag"
    assert frame["flags"].max() <= 32 and frame["flags"].min() >= 0
    for column in ("red", "green", "blue"):
        assert frame[column].max() <= 255 and frame[column].n_unique() > 50
    assert (frame["exitcode"] == 0).mean() > 0.6
    assert set(frame["http_ret_code"]) <= set(range(100, 600)) and 200 in set(
        frame["http_ret_code"]
    )
    assert frame["nb_images"].median() < 50 and frame["no_of_new_users"].median() < 50
    assert frame["access_token_lifespan"].median() >= 1
    assert frame["heartbeat"].min() > 1_500_000_000  # epoch seconds


@pytest.mark.parametrize(
    ("ddl", "column", "vocabulary"),
    [
        (
            "CREATE TABLE p (id INT PRIMARY KEY, name VARCHAR(80), value VARCHAR(2000));",
            "value",
            "config_value",
        ),
        ("CREATE TABLE h (id INT PRIMARY KEY, long_output TEXT);", "long_output", "check_output"),
        ("CREATE TABLE h (id INT PRIMARY KEY, cpu_info VARCHAR(255));", "cpu_info", "cpu_info"),
        ("CREATE TABLE h (id INT PRIMARY KEY, os_info VARCHAR(255));", "os_info", "os_info"),
        ("CREATE TABLE h (id INT PRIMARY KEY, command TEXT);", "command", "command_line"),
        (
            "CREATE TABLE request_schedule (id INT PRIMARY KEY, minutes VARCHAR(10));",
            "minutes",
            "cron_minutes",
        ),  # fmt: skip
        ("CREATE TABLE posts (id INT PRIMARY KEY, tag_string TEXT);", "tag_string", "tag"),
        (
            "CREATE TABLE c (id INT PRIMARY KEY, c_mktsegment CHAR(10));",
            "c_mktsegment",
            "market_segment",
        ),
        ("CREATE TABLE signing_keys (id INT PRIMARY KEY, kty TEXT);", "kty", "jwk_key_type"),
    ],
)
def test_text_of_a_known_kind_is_not_prose(tmp_path, ddl, column, vocabulary):
    """Configuration values, command output, CPU/OS descriptions, cron fields, tag strings
    were sentences ("Class available suffer far five.")."""
    frames, _ = _frames(tmp_path, ddl, rows=60)
    values = set(next(iter(frames.values()))[column])
    if vocabulary == "tag":  # comma-separated tags
        values = {tag for value in values for tag in value.split(",")}
    assert values <= set(vocabulary_values(vocabulary, "en_US", 0)), (column, values)


def test_acted_by_columns_are_user_names_and_long_is_not_always_longitude(tmp_path):
    frames, plan = _frames(
        tmp_path,
        "CREATE TABLE a (id INT PRIMARY KEY, cleared_by VARCHAR(255), long_output TEXT,"
        " start_long NUMERIC(9,6));",
    )
    assert not frames["a"]["cleared_by"].str.contains(" ").any()
    table = plan.table("a").table
    assert explain(table.column("start_long"), table).meaning == "longitude"
    assert explain(table.column("long_output"), table).meaning == "check_output"


def test_an_international_table_lies_in_many_countries(tmp_path):
    """Airports (a city and a country, no state or ZIP) were all in the United States under
    en_US; a customer address with state and ZIP stays a home-country address."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE airports (id INT PRIMARY KEY, city VARCHAR(60), country VARCHAR(60),"
        " country_code CHAR(2), timezone VARCHAR(40), phone VARCHAR(30));"
        "CREATE TABLE customers (id INT PRIMARY KEY, city VARCHAR(60), state VARCHAR(30),"
        " zip VARCHAR(10), country VARCHAR(60));"
        "CREATE TABLE people (id INT PRIMARY KEY, first_name VARCHAR(30), born INT);",
        rows=400,
    )
    airports = frames["airports"]
    assert airports["country"].n_unique() > 15
    assert (airports["country"] == "United States").mean() < 0.5
    germany = airports.filter(pl.col("country_code") == "DE")
    assert len(germany) and germany["timezone"].str.starts_with("Europe/").all()
    assert germany["phone"].str.starts_with("+49").all()
    assert set(frames["customers"]["country"]) == {"United States"}
    assert frames["people"]["born"].is_between(1900, 2026).all()


def test_a_title_is_mr_only_for_people_and_sensors_read_at_their_scale(tmp_path):
    """`job_title`, `post_title` and a policy's `title` were Mr./Mrs.; a ticket's subject a
    school course; RSSI 908, pressure 52 hPa, battery level 1..5."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE employees (id INT PRIMARY KEY, first_name VARCHAR(20),"
        " job_title VARCHAR(35));"
        "CREATE TABLE customers (id INT PRIMARY KEY, title VARCHAR(10), first_name VARCHAR(20));"
        "CREATE TABLE posts (id INT PRIMARY KEY, post_title TEXT, author VARCHAR(80));"
        "CREATE TABLE tickets (id INT PRIMARY KEY, subject VARCHAR(200));"
        "CREATE TABLE telemetry (id INT PRIMARY KEY, rssi SMALLINT, pressure_hpa REAL,"
        " battery_level SMALLINT, co2_ppm INT);",
    )
    courtesy = {"Mr.", "Ms.", "Mrs.", "Miss", "Dr."}
    assert not set(frames["employees"]["job_title"]) & courtesy
    assert not set(frames["posts"]["post_title"]) & courtesy
    assert set(frames["customers"]["title"]) <= courtesy
    assert frames["posts"]["author"].str.contains(r"^\S+ \S+").all()  # a person's name
    courses = set(vocabulary_values("course_name", "en_US", 0))
    assert not set(frames["tickets"]["subject"]) & courses
    telemetry = frames["telemetry"]
    assert telemetry["rssi"].is_between(-110, -30).all()
    assert telemetry["pressure_hpa"].is_between(940, 1060).all()
    assert (
        telemetry["battery_level"].is_between(0, 100).all()
        and telemetry["battery_level"].n_unique() > 30
    )
    assert telemetry["co2_ppm"].min() >= 400


def test_money_at_the_scale_of_what_the_table_prices(tmp_path):
    """Every price was a ~$30 product's: a house listed at 22.80, a car's MSRP 48, a loan's
    principal 704; bedrooms 638, year built 766, credit score 1..5, flight numbers prose."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE properties (id INT PRIMARY KEY, list_price NUMERIC(12,2), hoa_fee"
        " NUMERIC(8,2), bedrooms SMALLINT, bathrooms NUMERIC(3,1), square_feet INT,"
        " year_built SMALLINT);"
        "CREATE TABLE vehicles (id INT PRIMARY KEY, model VARCHAR(30), msrp NUMERIC(10,2),"
        " mileage INT);"
        "CREATE TABLE loans (id INT PRIMARY KEY, principal NUMERIC(12,2), term_months SMALLINT,"
        " credit_score SMALLINT);"
        "CREATE TABLE subscriptions (id INT PRIMARY KEY, monthly_price NUMERIC(8,2),"
        " annual_price NUMERIC(8,2));"
        "CREATE TABLE flights (id INT PRIMARY KEY, flight_number VARCHAR(8), origin CHAR(3),"
        " seats_available SMALLINT);"
        "CREATE TABLE products (id INT PRIMARY KEY, price NUMERIC(8,2), tip NUMERIC(6,2));",
    )
    median = {
        (t, c): frames[t][c].cast(pl.Float64).median()
        for t, c in [
            ("properties", "list_price"),
            ("vehicles", "msrp"),
            ("loans", "principal"),
            ("products", "price"),
            ("subscriptions", "monthly_price"),
            ("subscriptions", "annual_price"),
        ]
    }
    assert median["properties", "list_price"] > 100_000
    assert 10_000 < median["vehicles", "msrp"] < 80_000
    assert median["loans", "principal"] > 5_000
    assert median["products", "price"] < 100
    assert median["subscriptions", "annual_price"] > 5 * median["subscriptions", "monthly_price"]
    houses = frames["properties"]
    assert (
        houses["bedrooms"].is_between(0, 9).all()
        and houses["year_built"].is_between(1850, 2025).all()
    )
    assert (
        houses["square_feet"].median() > 800 and houses["hoa_fee"].cast(pl.Float64).median() < 2_000
    )
    assert (houses["bathrooms"].cast(pl.Float64) * 2 % 1 == 0).all()  # whole and half baths
    assert frames["vehicles"]["mileage"].median() > 5_000
    assert not frames["vehicles"]["model"].str.contains(" Max| Set").any()  # no product names
    loans = frames["loans"]
    assert loans["credit_score"].is_between(300, 850).all()
    assert set(loans["term_months"]) <= {12, 24, 36, 48, 60, 72, 84, 120, 180, 240, 360}
    flights = frames["flights"]
    assert flights["flight_number"].str.contains(r"^[A-Z0-9]{2}[1-9][0-9]{1,3}$").all()
    assert set(flights["origin"]) <= set(vocabulary_values("airport_code", "en_US", 0))
    assert flights["seats_available"].n_unique() > 20  # a count, not a flag
    assert frames["products"]["tip"].cast(pl.Float64).median() < 50


def test_cms_and_device_columns_read_as_their_app_writes_them(tmp_path):
    """A post's status was active/archived, its slug a product's, meta keys codes, comment
    agents prose, a device model a product name, a metric a sentence, html prose."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE wp_posts (id INT PRIMARY KEY, post_status VARCHAR(20), comment_status"
        " VARCHAR(20), post_name VARCHAR(200), post_mime_type VARCHAR(100));"
        "CREATE TABLE wp_postmeta (id INT PRIMARY KEY, meta_key VARCHAR(255), meta_value TEXT);"
        "CREATE TABLE wp_comments (id INT PRIMARY KEY, comment_agent VARCHAR(255),"
        " html_body TEXT, via VARCHAR(20));"
        "CREATE TABLE auth_permission (id INT PRIMARY KEY, name VARCHAR(255),"
        " codename VARCHAR(100));"
        "CREATE TABLE devices (id INT PRIMARY KEY, model VARCHAR(40), metric VARCHAR(40));",
    )
    posts = frames["wp_posts"]
    assert set(posts["post_status"]) <= {
        "publish",
        "draft",
        "pending",
        "private",
        "future",
        "trash",
    }
    assert set(posts["comment_status"]) <= {"open", "closed"}
    assert posts["post_name"].str.contains(r"^[a-z0-9]+(-[a-z0-9]+)*$").all()
    assert (
        posts["post_mime_type"].is_in(["application/pdf", "image/jpeg", "image/png"])
    ).mean() > 0.3
    assert set(frames["wp_postmeta"]["meta_key"]) <= set(
        vocabulary_values("config_key", "en_US", 0)
    )
    comments = frames["wp_comments"]
    assert comments["comment_agent"].str.starts_with("Mozilla/").mean() > 0.5
    for value in comments["html_body"]:
        ET.fromstring(f"<div>{value}</div>")  # well-formed
        assert value.startswith(("<p>", "<h2>"))
    assert set(comments["via"]) <= set(vocabulary_values("channel", "en_US", 0))
    permissions = frames["auth_permission"]
    assert permissions["name"].str.starts_with("Can ").all()
    assert permissions["codename"].str.contains(r"^(add|change|delete|view)_[a-z]+$").all()
    devices = frames["devices"]
    assert set(devices["model"]) <= set(vocabulary_values("device_model", "en_US", 0))
    assert set(devices["metric"]) <= set(vocabulary_values("metric_name", "en_US", 0))


def test_documents_and_copies_named_by_their_suffix(tmp_path):
    """vCards, VALARM/VEVENT texts, `*_ci` copies, glued `keyword04`, `BOOL_PROP_1` and an
    audit log's changed `property` were sentences or random letters."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE contacts (id INT PRIMARY KEY, vcard TEXT, alarm_vevent_timed TEXT,"
        " name_ci VARCHAR(80), temporalkeyword04 VARCHAR(255), bool_prop_1 VARCHAR(1));"
        "CREATE TABLE op_log (id INT PRIMARY KEY, property VARCHAR(64));",
        rows=60,
    )
    frame = frames["contacts"]
    assert frame["vcard"].str.contains(r"^BEGIN:VCARD\r\nVERSION:3.0\r\nFN:\S+ \S+").all()
    assert frame["vcard"].str.ends_with("END:VCARD").all()
    assert frame["alarm_vevent_timed"].str.starts_with("BEGIN:VCALENDAR").all()
    assert not frame["name_ci"].str.ends_with(".").any()  # a name, not a sentence
    tags = set(vocabulary_values("tag", "en_US", 0))
    assert all(set(v.split(",")) <= tags for v in frame["temporalkeyword04"])
    assert set(frame["bool_prop_1"]) <= {"Y", "N"}
    assert set(frames["op_log"]["property"]) <= set(vocabulary_values("config_key", "en_US", 0))


def test_birth_dates_follow_an_age_distribution_and_table_prefixes_are_read_through(tmp_path):
    """Birth dates were uniform 1945-2007 (a sample read as 'concentrated in 1946-54'); a
    TPC-style `l_shipinstruct` read as prose; `job_class_name` drew job types."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE employees (id INT PRIMARY KEY, birth_date DATE, birth_year INT,"
        " l_shipinstruct CHAR(25), job_class_name VARCHAR(250));",
        rows=2000,
    )
    frame = frames["employees"]
    years = frame["birth_date"].dt.year()
    assert years.is_between(1930, 2008).all() and 1975 <= years.median() <= 1995
    assert ((years >= 1946) & (years <= 1954)).mean() < 0.12
    assert frame["birth_year"].is_between(1930, 2008).all()
    instructions = set(vocabulary_values("shipping_instruction", "en_US", 0))
    assert set(frame["l_shipinstruct"]) <= instructions
    assert frame["job_class_name"].str.contains(r"^[a-z]+(\.[a-z]+)+\.[A-Z]\w+$").all()


def test_codes_dimensions_and_amounts_of_their_table(tmp_path):
    """An airport's `code` was random letters, an image's height 6..34, an initial outlay
    843, a bid 623.442, a warehouse's YTD 243; a group's display name a person's."""
    frames, plan = _frames(
        tmp_path,
        "CREATE TABLE airport (id INT PRIMARY KEY, ap_code VARCHAR(3));"
        "CREATE TABLE media_assets (id INT PRIMARY KEY, image_width INT, image_height INT);"
        "CREATE TABLE facilities (id INT PRIMARY KEY, initialoutlay NUMERIC(12,2));"
        "CREATE TABLE item_bid (id INT PRIMARY KEY, ib_bid NUMERIC(10,2));"
        "CREATE TABLE warehouse (id INT PRIMARY KEY, w_ytd NUMERIC(12,2));"
        "CREATE TABLE redundancy_group (id INT PRIMARY KEY, display_name TEXT);",
    )
    assert set(frames["airport"]["ap_code"]) <= set(vocabulary_values("airport_code", "en_US", 0))
    assert frames["media_assets"]["image_height"].min() >= 64
    assert frames["facilities"]["initialoutlay"].cast(pl.Float64).median() > 1_000
    assert frames["item_bid"]["ib_bid"].cast(pl.Float64).median() < 1_000
    assert frames["warehouse"]["w_ytd"].cast(pl.Float64).median() > 1_000
    table = plan.table("redundancy_group").table
    assert explain(table.column("display_name"), table).meaning != "display_name"


def test_workflow_columns_follow_their_table(tmp_path):
    """A leave request's status was a task's (in progress), its reason an order's (Damaged in
    transit); a commission fraction 0.36-0.99; a user's date_joined always at midnight."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE leave_requests (id INT PRIMARY KEY, status VARCHAR(15), reason TEXT);"
        "CREATE TABLE employees (id INT PRIMARY KEY, commission_pct NUMERIC(2,2),"
        " date_joined DATE);"
        "CREATE TABLE auth_user (id INT PRIMARY KEY, date_joined TIMESTAMPTZ);",
    )
    leave = frames["leave_requests"]
    assert set(leave["status"]) <= {"approved", "pending", "rejected", "cancelled"}
    assert set(leave["reason"]) <= set(vocabulary_values("leave_reason", "en_US", 0))
    assert frames["employees"]["commission_pct"].cast(pl.Float64).median() < 0.25
    joined = frames["auth_user"]["date_joined"]
    assert (joined.dt.hour() != 0).mean() > 0.5  # an instant, not a day


def test_custom_fields_and_telemetry_payloads_hold_their_keys(tmp_path):
    """`custom_fields` and a telemetry `payload` were the generic {"source", "version"}."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE tickets (id INT PRIMARY KEY, custom_fields JSONB);"
        "CREATE TABLE telemetry (id INT PRIMARY KEY, payload JSONB, data BYTEA);",
        rows=50,
    )
    assert all("department" in json.loads(v) for v in frames["tickets"]["custom_fields"])
    for column in ("payload", "data"):
        for value in frames["telemetry"][column]:
            reading = json.loads(value)
            assert {"temperature", "humidity"} <= set(reading) and -30 < reading["temperature"] < 60


def test_names_of_abstract_things_are_not_places(tmp_path):
    """`Old Square Term`, `Old Bridge Service`: a place name before any table's noun. Places
    keep it (`Riverside Clinic`); a service's name is a service name, a term's a tag, an
    abstract thing's a qualifier and its noun (`Internal Zone`)."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE clinics (id INT PRIMARY KEY, name VARCHAR(60));"
        "CREATE TABLE services (id INT PRIMARY KEY, label VARCHAR(60));"
        "CREATE TABLE terms (id INT PRIMARY KEY, name VARCHAR(60));"
        "CREATE TABLE zone (id INT PRIMARY KEY, name VARCHAR(60) NOT NULL UNIQUE);",
        rows=80,
    )
    assert frames["clinics"]["name"].str.ends_with(" Clinic").all()
    assert set(frames["services"]["label"]) <= set(vocabulary_values("service_name", "en_US", 0))
    assert set(frames["terms"]["name"]) <= set(vocabulary_values("tag", "en_US", 0))
    zones = frames["zone"]["name"]
    assert zones.n_unique() == len(zones)
    places = set(vocabulary_values("place_name", "en_US", 0))
    assert not any(z.split()[0] in places for z in zones)


def test_zones_and_groups_by_their_table(tmp_path):
    """A monitoring host's `zone_name` was a web domain, a redundancy group's display name
    a user role; a DNS zone stays a domain, a user group's name a role."""
    _, plan = _frames(
        tmp_path,
        "CREATE TABLE host (id INT PRIMARY KEY, zone_name VARCHAR(255));"
        "CREATE TABLE dns_records (id INT PRIMARY KEY, zone VARCHAR(255));"
        "CREATE TABLE redundancy_group (id INT PRIMARY KEY, display_name TEXT);"
        "CREATE TABLE auth_group (id INT PRIMARY KEY, name VARCHAR(80));",
        rows=10,
    )

    def meaning(table, column):
        found = plan.table(table).table
        return explain(found.column(column), found).meaning

    assert meaning("host", "zone_name") not in ("domain", "dns_zone", "timezone")
    assert meaning("dns_records", "zone") == "dns_zone"
    assert meaning("redundancy_group", "display_name") != "role_of_table"
    assert meaning("auth_group", "name") == "role_of_table"


def test_digital_goods_prices_and_whole_quantities(tmp_path):
    """A music track's unit price was 24-138 (a $30 product's); a DECIMAL quantity 5.24."""
    frames, _ = _frames(
        tmp_path,
        "CREATE TABLE track (id INT PRIMARY KEY, unit_price NUMERIC(10,2));"
        "CREATE TABLE lineitem (id INT PRIMARY KEY, l_quantity DECIMAL(15,2));"
        "CREATE TABLE products (id INT PRIMARY KEY, units_on_order SMALLINT);",
    )
    assert frames["track"]["unit_price"].cast(pl.Float64).median() < 3
    quantities = frames["lineitem"]["l_quantity"].cast(pl.Float64)
    assert (quantities % 1 == 0).all() and quantities.min() >= 1
    assert frames["products"]["units_on_order"].max() <= 180

"""Coherent rows: columns that follow a row's status, denormalised copies of a parent's
column, implied orders of instants. Each rule on a small DDL snippet, loaded into the real
PostgreSQL, which judges keys and CHECKs; the coherence itself is asked of it in SQL."""

from __future__ import annotations

import datetime as dt

import polars as pl
import psycopg
import pytest

from datagen_assets.dataset import load_dataset
from datagen_assets.generate.engine import generate
from datagen_assets.generate.lifecycle import happened
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.settings import Settings
from datagen_assets.write.postgres import copy_frame
from datagen_tests.test_postgres_load import _apply_ddl


def _loaded(tmp_path, fresh_database, name: str, ddl: str, rows: int = 400) -> str:
    """The snippet's tables in a fresh database, filled with `rows` generated rows each."""
    (tmp_path / f"{name}.sql").write_text(ddl)
    url = fresh_database(name)
    _apply_ddl(url, tmp_path / f"{name}.sql")
    plan = plan_dataset(load_dataset(tmp_path / f"{name}.sql", None, Settings(rows=rows)))
    with psycopg.connect(url) as connection:
        for key, table_plan in plan.tables.items():
            copy_frame(connection, table_plan.table, generate(plan, key, 0, table_plan.rows))
        connection.commit()
    return url


def _count(url: str, sql: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute(sql).fetchone()[0]


# ---------------------------------------------------------------- status-dependent columns

STATUSES = """
CREATE TABLE invoices (
    id INT PRIMARY KEY,
    status VARCHAR(16) NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void')),
    created_at TIMESTAMP NOT NULL, paid_at TIMESTAMP, voided_at TIMESTAMP,
    amount_paid NUMERIC(10, 2) NOT NULL
);
CREATE TABLE orders (
    id INT PRIMARY KEY, status TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL,
    shipped_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ, cancelled_at TIMESTAMPTZ
);
CREATE TABLE users (
    id INT PRIMARY KEY, is_deleted BOOLEAN NOT NULL, deleted_at TIMESTAMP
);
CREATE TABLE flights (
    id INT PRIMARY KEY,
    status VARCHAR(20) NOT NULL CHECK (status IN
        ('Scheduled', 'On Time', 'Delayed', 'Departed', 'Arrived', 'Cancelled')),
    scheduled_departure TIMESTAMPTZ NOT NULL, scheduled_arrival TIMESTAMPTZ NOT NULL,
    actual_departure TIMESTAMPTZ, actual_arrival TIMESTAMPTZ,
    CHECK (scheduled_arrival > scheduled_departure),
    CHECK (actual_arrival IS NULL OR (actual_departure IS NOT NULL
           AND actual_arrival IS NOT NULL AND actual_arrival > actual_departure))
);
"""


def test_event_columns_follow_the_status(tmp_path, fresh_database):
    url = _loaded(tmp_path, fresh_database, "statuses", STATUSES)
    invoices = "SELECT count(*) FROM invoices WHERE "
    assert _count(url, invoices + "status IN ('draft', 'open') AND paid_at IS NOT NULL") == 0
    assert _count(url, invoices + "status = 'paid' AND paid_at IS NULL") == 0  # NULL share 10%
    assert _count(url, invoices + "status <> 'paid' AND amount_paid <> 0") == 0
    assert _count(url, invoices + "status = 'paid' AND amount_paid = 0") == 0
    assert _count(url, invoices + "(status = 'void') <> (voided_at IS NOT NULL)") == 0
    assert _count(url, invoices + "status = 'paid'") > 50
    orders = "SELECT count(*) FROM orders WHERE "  # a status drawn from its vocabulary
    assert _count(url, orders + "status = 'processing' AND shipped_at IS NOT NULL") == 0
    assert _count(url, orders + "status = 'pending' AND shipped_at IS NOT NULL") == 0
    assert _count(url, orders + "status = 'shipped' AND delivered_at IS NOT NULL") == 0
    assert _count(url, orders + "status = 'delivered' AND shipped_at IS NULL") == 0
    assert _count(url, orders + "(status = 'cancelled') <> (cancelled_at IS NOT NULL)") == 0
    assert _count(url, orders + "status = 'delivered'") > 50
    users = "SELECT count(*) FROM users WHERE "
    assert _count(url, users + "is_deleted <> (deleted_at IS NOT NULL)") == 0
    flights = "SELECT count(*) FROM flights WHERE "  # its CHECK holds: PostgreSQL loaded it
    not_yet = "status IN ('Scheduled', 'On Time', 'Delayed', 'Cancelled') AND "
    assert _count(url, flights + not_yet + "actual_departure IS NOT NULL") == 0
    assert _count(url, flights + not_yet + "actual_arrival IS NOT NULL") == 0
    assert _count(url, flights + "status = 'Departed' AND actual_arrival IS NOT NULL") == 0
    assert _count(url, flights + "status = 'Arrived' AND actual_arrival IS NULL") == 0


@pytest.mark.parametrize(
    ("status", "event", "said"),
    [
        ("draft", "paid", False),
        ("PAID", "paid", True),
        ("partially_refunded", "paid", True),
        ("payment_failed", "paid", False),
        ("failed", "started", True),
        ("in-progress", "completed", False),
        ("cancelled", "closed", True),
        ("delivered", "cancelled", False),
        ("closed", "deleted", None),  # a closed account may be deleted later
        ("active", "deleted", False),
        ("frobnicated", "paid", None),  # a word nobody knows decides nothing
    ],
)
def test_status_words_say_what_happened(status, event, said):
    assert happened(status, event) is said


# ---------------------------------------------------------------- denormalised copies

COPIES = """
CREATE TABLE tenants (id INT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE clinics (id INT PRIMARY KEY, tenant_id INT NOT NULL REFERENCES tenants (id));
CREATE TABLE doctors (
    id INT PRIMARY KEY, clinic_id INT REFERENCES clinics (id),
    tenant_id INT NOT NULL REFERENCES tenants (id)
);
CREATE TABLE appointments (
    id INT PRIMARY KEY, doctor_id INT NOT NULL REFERENCES doctors (id),
    clinic_id INT REFERENCES clinics (id), tenant_id INT NOT NULL REFERENCES tenants (id),
    UNIQUE (doctor_id, id)
);
CREATE TABLE visit_notes (
    id INT PRIMARY KEY, appointment_id INT NOT NULL REFERENCES appointments (id),
    clinic_id INT, doctor_id INT NOT NULL
);
CREATE TABLE accounts (id INT PRIMARY KEY, entity_id INT NOT NULL UNIQUE REFERENCES tenants (id));
CREATE TABLE permissions (
    id INT PRIMARY KEY, account_id INT NOT NULL REFERENCES accounts (id),
    entity_id INT NOT NULL REFERENCES tenants (id)
);
CREATE TABLE doctor_history (
    id INT PRIMARY KEY, doctor_id INT NOT NULL REFERENCES doctors (id),
    clinic_id INT REFERENCES clinics (id)
);
"""


def test_a_child_repeats_its_parents_reference(tmp_path, fresh_database):
    url = _loaded(tmp_path, fresh_database, "copies", COPIES, rows=300)  # FKs checked on load
    join = "SELECT count(*) FROM appointments a JOIN doctors d ON d.id = a.doctor_id WHERE "
    assert _count(url, join + "a.clinic_id IS DISTINCT FROM d.clinic_id") == 0
    assert _count(url, join + "a.tenant_id <> d.tenant_id") == 0
    assert _count(url, join + "d.clinic_id IS NULL") > 0  # a doctor without a clinic...
    notes = "SELECT count(*) FROM visit_notes n JOIN appointments a ON a.id = n.appointment_id "
    assert _count(url, notes + "WHERE n.doctor_id <> a.doctor_id") == 0  # no FK: looked up
    assert _count(url, notes + "WHERE n.clinic_id <> a.clinic_id") == 0
    # the user's own entity is not the permission's grantee; history keeps its own past
    grants = "SELECT count(*) FROM permissions p JOIN accounts u ON u.id = p.account_id "
    assert _count(url, grants + "WHERE p.entity_id <> u.entity_id") > 200
    past = "SELECT count(*) FROM doctor_history h JOIN doctors d ON d.id = h.doctor_id "
    assert _count(url, past + "WHERE h.clinic_id <> d.clinic_id") > 100


def test_coherent_rows_are_partition_invariant(tmp_path):
    (tmp_path / "c.sql").write_text(STATUSES + COPIES)
    plan = plan_dataset(load_dataset(tmp_path / "c.sql", None, Settings(rows=300)))
    for table in ("appointments", "visit_notes", "invoices", "orders", "flights"):
        whole = generate(plan, table, 0, 300)
        parts = [generate(plan, table, a, b) for a, b in ((0, 7), (7, 150), (150, 300))]
        assert whole.equals(pl.concat(parts)), table


# ---------------------------------------------------------------- implied orders

ORDERS = """
CREATE TABLE docs (
    id INT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ,
    deleted_at TIMESTAMPTZ
);
CREATE TABLE request (
    id INT PRIMARY KEY, create_time BIGINT NOT NULL, start_time BIGINT, end_time BIGINT
);
CREATE TABLE invoices (id INT PRIMARY KEY, issue_date DATE NOT NULL, due_date DATE NOT NULL);
CREATE TABLE legs (
    id INT PRIMARY KEY, scheduled_departure TIMESTAMPTZ NOT NULL,
    scheduled_arrival TIMESTAMPTZ NOT NULL, actual_departure TIMESTAMPTZ NOT NULL,
    actual_arrival TIMESTAMPTZ NOT NULL
);
CREATE TABLE employees (id INT PRIMARY KEY, name TEXT);
CREATE TABLE job_history (
    employee_id INT NOT NULL REFERENCES employees (id), start_date DATE NOT NULL,
    end_date DATE NOT NULL, PRIMARY KEY (employee_id, start_date),
    CHECK (end_date > start_date)
);
"""


def test_instants_keep_their_implied_order(tmp_path, fresh_database):
    url = _loaded(tmp_path, fresh_database, "orders", ORDERS, rows=300)
    assert _count(url, "SELECT count(*) FROM docs WHERE updated_at < created_at") == 0
    assert _count(url, "SELECT count(*) FROM docs WHERE deleted_at < updated_at") == 0
    # starts after it was created, ends after it starts (not after its creation only)
    request = "SELECT count(*) FROM request WHERE "
    assert _count(url, request + "start_time < create_time OR end_time < start_time") == 0
    due = "SELECT count(*) FROM invoices WHERE due_date - issue_date "
    assert _count(url, due + "NOT BETWEEN 7 AND 60") == 0  # weeks after issue, not years
    legs = "SELECT count(*) FROM legs WHERE "
    assert _count(url, legs + "actual_arrival <= actual_departure") == 0
    assert _count(url, legs + "scheduled_arrival <= scheduled_departure") == 0
    delay = "actual_departure - scheduled_departure NOT BETWEEN interval '0' AND interval '3h'"
    assert _count(url, legs + delay) == 0
    # a start unique per employee spreads over years; its end is not always days later
    history = "SELECT count(*) FROM job_history WHERE "
    assert _count(url, "SELECT count(DISTINCT start_date) FROM job_history") > 200
    assert _count(url, history + "end_date - start_date > 90") > 100


def test_an_instant_without_a_meaning_still_follows_its_start(tmp_path):
    ddl = "CREATE TABLE cfg (id INT PRIMARY KEY, loader_start TIMESTAMP, loader_stop TIMESTAMP);"
    (tmp_path / "o.sql").write_text(ddl)
    plan = plan_dataset(load_dataset(tmp_path / "o.sql", None, Settings(rows=200)))
    frame = generate(plan, "cfg", 0, 200).drop_nulls()
    assert (frame["loader_stop"] >= frame["loader_start"]).all()


# ---------------------------------------------------------------- geography outside the US

ADDRESS = """CREATE TABLE customers (
    id INT PRIMARY KEY, city VARCHAR(60), state VARCHAR(60), state_code VARCHAR(6),
    postal_code VARCHAR(12), country_code CHAR(2), phone VARCHAR(30), phone_prefix VARCHAR(5)
);"""
POSTAL_FORMATS = {
    "de_DE": r"^\d{5}$", "fr_FR": r"^\d{5}$", "es_ES": r"^\d{5}$", "it_IT": r"^\d{5}$",
    "en_CA": r"^[A-Z]\d[A-Z] \d[A-Z]\d$", "en_AU": r"^\d{4}$",
    "en_GB": r"^[A-Z]{1,2}\d{1,2} \d[A-Z]{2}$",
}  # fmt: skip
# cities whose region a reader knows (spellings as GeoNames writes them)
REGIONS = {
    "DE": {"Munich": "Bayern", "Nuremberg": "Bayern", "Berlin": "Berlin", "Hamburg": "Hamburg",
           "Köln": "Nordrhein-Westfalen", "Stuttgart": "Baden-Württemberg",
           "Dresden": "Sachsen"},
    "FR": {"Paris": "Île-de-France", "Lyon": "Auvergne-Rhône-Alpes", "Toulouse": "Occitanie",
           "Marseille": "Provence-Alpes-Côte-d’Azur", "Lille": "Hauts-de-France"},
    "ES": {"Madrid": "Comunidad de Madrid", "Barcelona": "Catalunya", "Sevilla": "Andalucía",
           "Valencia": "Comunidad Valenciana", "Bilbao": "País Vasco"},
    "IT": {"Milan": "Lombardia", "Rome": "Lazio", "Naples": "Campania", "Turin": "Piemonte",
           "Palermo": "Sicilia", "Florence": "Toscana"},
    "CA": {"Toronto": "Ontario", "Montréal": "Quebec", "Vancouver": "British Columbia",
           "Calgary": "Alberta", "Winnipeg": "Manitoba"},
    "AU": {"Sydney": "New South Wales", "Melbourne": "Victoria", "Brisbane": "Queensland",
           "Perth": "Western Australia", "Adelaide": "South Australia"},
    "GB": {"London": "England", "Glasgow": "Scotland", "Edinburgh": "Scotland",
           "Cardiff": "Wales", "Belfast": "Northern Ireland", "Manchester": "England"},
}  # fmt: skip


@pytest.mark.parametrize("locale", sorted(POSTAL_FORMATS))
def test_an_address_abroad_agrees_with_itself(tmp_path, locale):
    from datagen_assets.generate import geography

    (tmp_path / "a.sql").write_text(ADDRESS)
    (tmp_path / "a.yaml").write_text(f"rows: 400\nlocale: {locale}\nnull_fraction: 0\n")
    plan = plan_dataset(load_dataset(tmp_path / "a.sql", tmp_path / "a.yaml", Settings()))
    frame = generate(plan, "customers", 0, 400)
    country = locale[-2:]
    assert (frame["country_code"] == country).all()
    assert (frame["phone_prefix"] == geography.calling_code(country)).all()
    assert frame["postal_code"].str.contains(POSTAL_FORMATS[locale]).all()
    known = 0
    for row in frame.iter_rows(named=True):
        region = next(  # the region's ISO code, from its name or abbreviation
            code for (cc, code) in geography.POSTAL if cc == country
            and geography.region(country, _admin1(country, code))[0] == row["state"]
        )  # fmt: skip
        assert row["postal_code"].startswith(geography.POSTAL[(country, region)]), row
        if row["city"] in REGIONS[country]:
            known += 1
            assert row["state"] == REGIONS[country][row["city"]], row
    assert known >= 5  # the big cities come up


def _admin1(country: str, iso: str) -> str:
    from datagen_assets.generate import geography

    return next(a for a, code in geography.ADMIN1[country].items() if code == iso)


def test_what_has_happened_is_not_in_the_future(tmp_path):
    ddl = """CREATE TABLE docs (id INT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ, deleted_at TIMESTAMP, ends_at TIMESTAMP, due_date DATE,
        closed_on DATE, opened_on DATE NOT NULL);"""
    (tmp_path / "f.sql").write_text(ddl)
    plan = plan_dataset(load_dataset(tmp_path / "f.sql", None, Settings(rows=2000)))
    frame = generate(plan, "docs", 0, 2000)
    now = dt.datetime(2026, 1, 1)
    assert (frame["updated_at"].dt.replace_time_zone(None) <= now).all()
    assert (frame["deleted_at"] <= now).all() and (frame["closed_on"] <= now.date()).all()
    assert (frame["deleted_at"] >= frame["updated_at"].dt.replace_time_zone(None)).all()
    assert (frame["closed_on"] >= frame["opened_on"]).all()
    assert frame["deleted_at"].dt.truncate("1s").equals(frame["deleted_at"])  # whole seconds
    assert frame["deleted_at"].n_unique() > 1500  # not piled up on one instant
    assert (frame["ends_at"] > now).any()  # a plan may lie ahead


PARENTS = """
CREATE TABLE customers (id INT PRIMARY KEY, created_at TIMESTAMPTZ NOT NULL);
CREATE TABLE orders (
    id INT PRIMARY KEY, customer_id INT NOT NULL REFERENCES customers (id),
    order_date DATE NOT NULL, created_at TIMESTAMPTZ
);
CREATE TABLE order_items (
    id INT PRIMARY KEY, order_id INT REFERENCES orders (id), created_at TIMESTAMP
);
"""


def test_a_child_is_made_after_its_parent(tmp_path, fresh_database):
    url = _loaded(tmp_path, fresh_database, "parents", PARENTS, rows=600)
    orders = "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE "
    assert _count(url, orders + "o.created_at < c.created_at") == 0
    assert _count(url, orders + "o.order_date < c.created_at::date") == 0  # a date after an instant
    items = "SELECT count(*) FROM order_items i JOIN orders o ON o.id = i.order_id WHERE "
    assert _count(url, items + "i.created_at < o.created_at AT TIME ZONE 'UTC'") == 0
    assert _count(url, "SELECT count(*) FROM order_items WHERE created_at > '2026-01-01'") == 0
    (tmp_path / "p.sql").write_text(PARENTS)
    plan = plan_dataset(load_dataset(tmp_path / "p.sql", None, Settings(rows=600)))
    whole = generate(plan, "order_items", 0, 600)
    parts = [generate(plan, "order_items", a, b) for a, b in ((0, 11), (11, 600))]
    assert whole.equals(pl.concat(parts))


def test_a_copy_of_a_copy_agrees_all_the_way(tmp_path, fresh_database):
    ddl = """
    CREATE TABLE teams (id INT PRIMARY KEY);
    CREATE TABLE pipelines (id INT PRIMARY KEY, team_id INT NOT NULL REFERENCES teams (id));
    CREATE TABLE jobs (id INT PRIMARY KEY, pipeline_id INT NOT NULL REFERENCES pipelines (id));
    CREATE TABLE builds (
        id INT PRIMARY KEY, job_id INT NOT NULL REFERENCES jobs (id),
        pipeline_id INT NOT NULL REFERENCES pipelines (id),
        team_id INT NOT NULL REFERENCES teams (id)
    );"""
    url = _loaded(tmp_path, fresh_database, "chains", ddl, rows=300)
    join = """SELECT count(*) FROM builds b JOIN jobs j ON j.id = b.job_id
              JOIN pipelines p ON p.id = b.pipeline_id WHERE """
    assert _count(url, join + "b.pipeline_id <> j.pipeline_id") == 0
    assert _count(url, join + "b.team_id <> p.team_id") == 0

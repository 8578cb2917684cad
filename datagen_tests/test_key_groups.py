"""How keys are grouped when they overlap: narrower keys first, overlapping foreign keys
inside one key, and a key's foreign key entangled with one outside it. Each case comes from a
real schema whose generated rows broke a key; verified with DataGen's own checkers."""

from __future__ import annotations

import datetime as dt

from datagen_assets.dataset import load_dataset
from datagen_assets.plan.plan import plan_dataset
from datagen_assets.settings import Settings
from datagen_tests.verify import generate_all, violations


def _plan(tmp_path, ddl: str, rows: int = 300):
    schema = tmp_path / "keys.postgres.sql"
    schema.write_text(ddl)
    return plan_dataset(load_dataset(schema, None, Settings(rows=rows)))


def test_a_narrower_unique_key_declared_after_a_wider_one_holds(tmp_path):
    """concourse `volumes`: UNIQUE (worker_name, handle) was made first, and UNIQUE (handle)
    was then only noted ("cannot guarantee"): 21 handles repeated in 300 rows."""
    ddl = """
    CREATE TABLE workers (name TEXT PRIMARY KEY);
    CREATE TABLE volumes (
        id INT PRIMARY KEY,
        worker_name TEXT NOT NULL REFERENCES workers (name),
        handle TEXT NOT NULL,
        UNIQUE (worker_name, handle),
        UNIQUE (handle)
    );
    CREATE TABLE scopes (
        id INT PRIMARY KEY,
        resource_id INT REFERENCES workers_ids (id),
        config_id INT NOT NULL REFERENCES volumes (id)
    );
    CREATE TABLE workers_ids (id INT PRIMARY KEY);
    CREATE UNIQUE INDEX scopes_a ON scopes (resource_id, config_id) WHERE resource_id IS NOT NULL;
    CREATE UNIQUE INDEX scopes_b ON scopes (config_id) WHERE resource_id IS NULL;
    """
    plan = _plan(tmp_path, ddl)
    assert not [n for n in plan.table("volumes").notes if "cannot guarantee" in n.message]
    frames = generate_all(plan)
    assert frames["volumes"]["handle"].n_unique() == 300
    assert frames["scopes"]["config_id"].n_unique() == plan.table("scopes").rows
    assert violations(plan, frames) == []


TENANTS = """
CREATE TABLE networks (id UUID PRIMARY KEY);
CREATE TABLE clients (
    id TEXT NOT NULL,
    nid UUID NOT NULL REFERENCES networks (id),
    PRIMARY KEY (id, nid)
);
CREATE TABLE sessions (
    subject TEXT NOT NULL,
    client_id TEXT NOT NULL,
    nid UUID NOT NULL REFERENCES networks (id),
    PRIMARY KEY (subject, client_id, nid),
    FOREIGN KEY (client_id, nid) REFERENCES clients (id, nid)
);
CREATE TABLE keys (
    pk UUID PRIMARY KEY,
    sid TEXT NOT NULL,
    kid TEXT NOT NULL,
    nid UUID NOT NULL REFERENCES networks (id),
    UNIQUE (sid, kid, nid)
);
CREATE TABLE issuers (
    id UUID PRIMARY KEY,
    issuer TEXT NOT NULL,
    key_set TEXT NOT NULL,
    key_id TEXT NOT NULL,
    nid UUID NOT NULL REFERENCES networks (id),
    UNIQUE (issuer, key_id, nid),
    FOREIGN KEY (key_set, key_id, nid) REFERENCES keys (sid, kid, nid)
);
"""


def test_overlapping_foreign_keys_inside_one_key_take_the_wider_one(tmp_path):
    """ory_hydra: PRIMARY KEY (subject, client_id, nid) held both `nid -> networks` and
    `(client_id, nid) -> clients` as components, which wrote nid twice: 84 duplicated keys."""
    plan = _plan(tmp_path, TENANTS)
    group = plan.table("sessions").keys.groups[0]
    assert [plan.table("sessions").table.foreign_keys[i].ref_table for i in group.fks] == [
        "clients"
    ]
    frames = generate_all(plan)
    assert violations(plan, frames) == []


def test_a_key_column_shared_with_a_foreign_key_outside_the_key_agrees_with_it(tmp_path):
    """ory_hydra: UNIQUE (issuer, key_id, nid) made nid from networks, and the NOT NULL
    `(key_set, key_id, nid) -> keys` could then find no key of that network: 300 orphans.
    The key's carrier holds the rows alone, so the wider FK fills nid from one parent row."""
    plan = _plan(tmp_path, TENANTS)
    frames = generate_all(plan)
    assert violations(plan, frames) == []
    issuers = frames["issuers"]
    assert issuers.select("issuer", "key_id", "nid").is_unique().all()
    joined = issuers.join(
        frames["keys"], left_on=["key_set", "key_id", "nid"], right_on=["sid", "kid", "nid"]
    )
    assert joined.height == issuers.height


FEEDBACK = """
CREATE TABLE useracct (u_id VARCHAR(128) PRIMARY KEY);
CREATE TABLE item (i_id VARCHAR(128), i_u_id VARCHAR(128) REFERENCES useracct (u_id),
    PRIMARY KEY (i_id, i_u_id));
CREATE TABLE useracct_feedback (
    uf_u_id    varchar(128) NOT NULL,
    uf_i_id    varchar(128) NOT NULL,
    uf_i_u_id  varchar(128) NOT NULL,
    uf_from_id varchar(128) NOT NULL,
    uf_rating  smallint     NOT NULL,
    FOREIGN KEY (uf_i_id, uf_i_u_id) REFERENCES item (i_id, i_u_id) ON DELETE CASCADE,
    FOREIGN KEY (uf_u_id) REFERENCES useracct (u_id) ON DELETE CASCADE,
    FOREIGN KEY (uf_from_id) REFERENCES useracct (u_id) ON DELETE CASCADE,
    PRIMARY KEY (uf_u_id, uf_i_id, uf_i_u_id, uf_from_id),
    CHECK (uf_u_id <> uf_from_id)
);
"""


def test_a_check_keeping_two_foreign_keys_of_a_key_apart_holds(tmp_path):
    """benchbase auctionmark: both FKs into useracct are key components, so the repair loop
    could not redraw them and CHECK (uf_u_id <> uf_from_id) failed on a row in 300; with
    one user a feedback is impossible, and the default count is capped at 0."""
    plan = _plan(tmp_path, FEEDBACK, rows=300)
    frames = generate_all(plan)
    assert violations(plan, frames) == []
    feedback = frames["useracct_feedback"]
    assert feedback.height == 300 and (feedback["uf_u_id"] != feedback["uf_from_id"]).all()
    tiny = _plan(tmp_path, FEEDBACK, rows=1)
    assert tiny.table("useracct_feedback").rows == 0
    (note,) = [n.message for n in tiny.table("useracct_feedback").notes if "capped" in n.message]
    assert "0 other rows of useracct" in note
    assert violations(tiny, generate_all(tiny)) == []
    small = _plan(tmp_path, FEEDBACK, rows=7)  # 7 items x 7 users x 6 other users
    assert small.table("useracct_feedback").rows == 7
    assert violations(small, generate_all(small)) == []


COMPOSITE = """
CREATE TABLE inventory (inventory_id INT PRIMARY KEY);
CREATE TABLE customer (customer_id INT PRIMARY KEY);
CREATE TABLE rental (
    rental_id INT PRIMARY KEY,
    rental_date TIMESTAMP NOT NULL,
    inventory_id INT NOT NULL REFERENCES inventory,
    customer_id INT NOT NULL REFERENCES customer,
    UNIQUE (rental_date, inventory_id, customer_id)
);
CREATE TABLE services (id INT PRIMARY KEY);
CREATE TABLE clients (
    id INT PRIMARY KEY,
    client_id VARCHAR(255) NOT NULL,
    service_id INT NOT NULL REFERENCES services,
    UNIQUE (client_id, service_id)
);
CREATE TABLE projects (id INT PRIMARY KEY);
CREATE TABLE columns (
    id INT PRIMARY KEY,
    title VARCHAR(191) NOT NULL,
    project_id INT NOT NULL REFERENCES projects,
    UNIQUE (title, project_id)
);
CREATE TABLE lanes (
    id INT PRIMARY KEY,
    code CHAR(1) NOT NULL,
    project_id INT NOT NULL REFERENCES projects,
    UNIQUE (code, project_id)
);
"""


def test_a_composite_key_varies_every_column_and_stays_distinct(tmp_path):
    """Holdout (pagila rental, zync clients, kanboard columns): where the parents of a key
    already hold every row, the carrier's digit was 0 on every row, so every title was the
    same, every client_id shared an 18-character prefix. The carrier's index now mixes in
    the parents' number: each column varies, the tuples stay distinct and within the
    carrier's capacity (a CHAR(1) code: 36), every partition the same, and
    PostgreSQL loads it."""
    from datagen_assets.generate.engine import engine_for
    from datagen_tests import native

    plan = _plan(tmp_path, COMPOSITE)
    frames = generate_all(plan)
    assert violations(plan, frames) == []
    rental, clients, columns = frames["rental"], frames["clients"], frames["columns"]
    assert rental["rental_date"].n_unique() == 300
    assert rental["rental_date"].max() - rental["rental_date"].min() > dt.timedelta(days=365)
    assert clients["client_id"].n_unique() == 300
    assert clients["client_id"].str.slice(0, 8).n_unique() > 250  # no shared prefix
    assert columns["title"].n_unique() > 250
    assert 20 < frames["lanes"]["code"].n_unique() <= 36
    engine = engine_for(plan)
    for key in ("rental", "clients", "columns", "lanes"):
        assert engine.generate(key, 120, 250).equals(frames[key].slice(120, 130))
    results = native.native_loads(tmp_path / "keys.postgres.sql", plan, tmp_path / "work")
    assert {"psql insert", "pg target"} <= set(results)
    assert not [v for v in results.values() if v is not None], results

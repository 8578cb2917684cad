-- saas: a B2B subscription product. Organizations on plans, their users and projects,
-- subscriptions, monthly invoices with line items, and product usage events.
-- Row counts and value rules live in the dataset YAML beside this file.

CREATE TYPE user_role AS ENUM ('owner', 'admin', 'member', 'viewer');
CREATE TYPE subscription_status AS ENUM ('trialing', 'active', 'past_due', 'canceled');
CREATE TYPE invoice_status AS ENUM ('draft', 'open', 'paid', 'void', 'uncollectible');

CREATE TABLE plans (
    id              SERIAL        PRIMARY KEY,
    code            VARCHAR(20)   NOT NULL UNIQUE,
    name            VARCHAR(60)   NOT NULL,
    monthly_price   NUMERIC(10,2) NOT NULL CHECK (monthly_price >= 0),
    seats_included  INTEGER       NOT NULL CHECK (seats_included > 0),
    is_public       BOOLEAN       NOT NULL DEFAULT true
);

CREATE TABLE organizations (
    id           UUID         PRIMARY KEY,
    name         VARCHAR(120) NOT NULL,
    slug         VARCHAR(80)  NOT NULL UNIQUE,
    domain_name  VARCHAR(120),
    country_code CHAR(2)      NOT NULL,
    industry     VARCHAR(40)  NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL
);

CREATE TABLE users (
    id              UUID         PRIMARY KEY,
    organization_id UUID         NOT NULL REFERENCES organizations (id),
    email           VARCHAR(160) NOT NULL UNIQUE,
    first_name      VARCHAR(50)  NOT NULL,
    last_name       VARCHAR(50)  NOT NULL,
    role            user_role    NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    last_login_at   TIMESTAMPTZ,
    CHECK (last_login_at IS NULL OR last_login_at >= created_at)
);

CREATE TABLE projects (
    id              BIGSERIAL    PRIMARY KEY,
    organization_id UUID         NOT NULL REFERENCES organizations (id),
    owner_id        UUID         NOT NULL REFERENCES users (id),
    name            VARCHAR(80)  NOT NULL,
    description     TEXT,
    is_archived     BOOLEAN      NOT NULL DEFAULT false,
    created_at      TIMESTAMPTZ  NOT NULL
);

CREATE TABLE subscriptions (
    id                 BIGSERIAL           PRIMARY KEY,
    organization_id    UUID                NOT NULL UNIQUE REFERENCES organizations (id),
    plan_id            INTEGER             NOT NULL REFERENCES plans (id),
    status             subscription_status NOT NULL,
    seats              INTEGER             NOT NULL CHECK (seats BETWEEN 1 AND 500),
    currency           CHAR(3)             NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP')),
    started_at         TIMESTAMPTZ         NOT NULL,
    current_period_end TIMESTAMPTZ         NOT NULL,
    canceled_at        TIMESTAMPTZ,
    CHECK (current_period_end > started_at),
    CHECK (canceled_at IS NULL OR canceled_at >= started_at)
);

CREATE TABLE invoices (
    id              BIGSERIAL      PRIMARY KEY,
    subscription_id BIGINT         NOT NULL REFERENCES subscriptions (id),
    invoice_number  VARCHAR(16)    NOT NULL UNIQUE,
    status          invoice_status NOT NULL,
    issued_at       TIMESTAMPTZ    NOT NULL,
    due_at          TIMESTAMPTZ    NOT NULL,
    amount_due      NUMERIC(12,2)  NOT NULL CHECK (amount_due >= 0),
    currency        CHAR(3)        NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP')),
    CHECK (due_at > issued_at)
);

CREATE TABLE invoice_lines (
    id          BIGSERIAL     PRIMARY KEY,
    invoice_id  BIGINT        NOT NULL REFERENCES invoices (id),
    description VARCHAR(120)  NOT NULL,
    quantity    INTEGER       NOT NULL CHECK (quantity > 0),
    unit_amount NUMERIC(10,2) NOT NULL CHECK (unit_amount >= 0)
);

CREATE TABLE usage_events (
    id              BIGSERIAL   PRIMARY KEY,
    organization_id UUID        NOT NULL REFERENCES organizations (id),
    user_id         UUID        REFERENCES users (id),
    event_type      VARCHAR(40) NOT NULL,
    occurred_at     TIMESTAMPTZ NOT NULL,
    duration_ms     INTEGER     CHECK (duration_ms >= 0),
    properties      JSONB
);

-- finance: a retail bank. Branches, customers, their accounts and cards, merchants, card and
-- transfer transactions, loans and their monthly repayment schedule.
-- Row counts and value rules live in the dataset YAML beside this file. All data is synthetic.

CREATE TYPE account_type AS ENUM ('checking', 'savings', 'credit', 'brokerage');
CREATE TYPE transaction_kind AS ENUM ('card_payment', 'transfer_in', 'transfer_out', 'atm_withdrawal', 'fee', 'interest');
CREATE TYPE loan_status AS ENUM ('active', 'paid_off', 'defaulted', 'in_arrears');

CREATE TABLE branches (
    id           SERIAL      PRIMARY KEY,
    code         CHAR(6)     NOT NULL UNIQUE,
    name         VARCHAR(80) NOT NULL,
    city         VARCHAR(80) NOT NULL,
    country_code CHAR(2)     NOT NULL,
    opened_on    DATE        NOT NULL
);

CREATE TABLE customers (
    id              BIGSERIAL    PRIMARY KEY,
    branch_id       INTEGER      NOT NULL REFERENCES branches (id),
    first_name      VARCHAR(50)  NOT NULL,
    last_name       VARCHAR(50)  NOT NULL,
    email           VARCHAR(160) NOT NULL UNIQUE,
    phone           VARCHAR(32),
    date_of_birth   DATE         NOT NULL,
    tax_id          VARCHAR(11)  NOT NULL UNIQUE,
    risk_rating     VARCHAR(6)   NOT NULL CHECK (risk_rating IN ('low', 'medium', 'high')),
    annual_income   NUMERIC(12,2) CHECK (annual_income >= 0),
    created_at      TIMESTAMP    NOT NULL,
    kyc_verified_at TIMESTAMP,
    CHECK (kyc_verified_at IS NULL OR kyc_verified_at >= created_at)
);

CREATE TABLE accounts (
    id          BIGSERIAL     PRIMARY KEY,
    customer_id BIGINT        NOT NULL REFERENCES customers (id),
    iban        VARCHAR(34)   NOT NULL UNIQUE,
    type        account_type  NOT NULL,
    currency    CHAR(3)       NOT NULL CHECK (currency IN ('EUR', 'USD', 'GBP', 'CHF')),
    balance     NUMERIC(14,2) NOT NULL,
    overdraft_limit NUMERIC(10,2) NOT NULL DEFAULT 0 CHECK (overdraft_limit >= 0),
    opened_at   TIMESTAMP     NOT NULL,
    closed_at   TIMESTAMP,
    CHECK (closed_at IS NULL OR closed_at > opened_at)
);

CREATE TABLE cards (
    id          BIGSERIAL   PRIMARY KEY,
    account_id  BIGINT      NOT NULL REFERENCES accounts (id),
    card_number CHAR(16)    NOT NULL UNIQUE,
    network     VARCHAR(12) NOT NULL CHECK (network IN ('visa', 'mastercard', 'amex')),
    expires_on  DATE        NOT NULL,
    is_blocked  BOOLEAN     NOT NULL DEFAULT false
);

CREATE TABLE merchants (
    id           BIGSERIAL    PRIMARY KEY,
    name         VARCHAR(120) NOT NULL,
    mcc          CHAR(4)      NOT NULL CHECK (mcc ~ '^[0-9]{4}$'),
    category     VARCHAR(40)  NOT NULL,
    country_code CHAR(2)      NOT NULL
);

CREATE TABLE transactions (
    id          BIGSERIAL        PRIMARY KEY,
    account_id  BIGINT           NOT NULL REFERENCES accounts (id),
    merchant_id BIGINT           REFERENCES merchants (id),
    kind        transaction_kind NOT NULL,
    amount      NUMERIC(12,2)    NOT NULL CHECK (amount BETWEEN -50000 AND 50000),
    currency    CHAR(3)          NOT NULL,
    posted_at   TIMESTAMP        NOT NULL,
    description VARCHAR(140)
);

CREATE TABLE loans (
    id            BIGSERIAL     PRIMARY KEY,
    customer_id   BIGINT        NOT NULL REFERENCES customers (id),
    principal     NUMERIC(12,2) NOT NULL CHECK (principal > 0),
    interest_rate NUMERIC(5,4)  NOT NULL CHECK (interest_rate BETWEEN 0 AND 0.3),
    term_months   SMALLINT      NOT NULL CHECK (term_months IN (12, 24, 36, 60, 120)),
    status        loan_status   NOT NULL,
    start_date    DATE          NOT NULL,
    monthly_payment NUMERIC(10,2) NOT NULL CHECK (monthly_payment > 0)
);

CREATE TABLE loan_payments (
    id       BIGSERIAL     PRIMARY KEY,
    loan_id  BIGINT        NOT NULL REFERENCES loans (id),
    due_date DATE          NOT NULL,
    amount   NUMERIC(10,2) NOT NULL CHECK (amount > 0),
    paid_at  TIMESTAMP
);

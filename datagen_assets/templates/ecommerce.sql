-- ecommerce: a web shop. Customers with addresses, a category tree, products, orders with
-- their items, one payment per paid order, and product reviews.
-- Row counts and value rules live in the dataset YAML beside this file.

CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded');
CREATE TYPE payment_method AS ENUM ('card', 'paypal', 'bank_transfer', 'gift_card');

CREATE TABLE customers (
    id              BIGSERIAL    PRIMARY KEY,
    first_name      VARCHAR(50)  NOT NULL,
    last_name       VARCHAR(50)  NOT NULL,
    email           VARCHAR(160) NOT NULL UNIQUE,
    phone           VARCHAR(32),
    birth_date      DATE,
    country_code    CHAR(2)      NOT NULL,
    marketing_opt_in BOOLEAN     NOT NULL DEFAULT false,
    created_at      TIMESTAMP    NOT NULL,
    updated_at      TIMESTAMP    NOT NULL,
    CHECK (updated_at >= created_at)
);

CREATE TABLE addresses (
    id             BIGSERIAL    PRIMARY KEY,
    customer_id    BIGINT       NOT NULL REFERENCES customers (id),
    label          VARCHAR(20)  NOT NULL CHECK (label IN ('home', 'work', 'other')),
    street_address VARCHAR(120) NOT NULL,
    city           VARCHAR(80)  NOT NULL,
    postal_code    VARCHAR(12)  NOT NULL,
    country_code   CHAR(2)      NOT NULL,
    is_default     BOOLEAN      NOT NULL
);

CREATE TABLE categories (
    id        SERIAL      PRIMARY KEY,
    parent_id INTEGER     REFERENCES categories (id),
    name      VARCHAR(60) NOT NULL UNIQUE,
    slug      VARCHAR(80) NOT NULL UNIQUE
);

CREATE TABLE products (
    id          BIGSERIAL     PRIMARY KEY,
    category_id INTEGER       NOT NULL REFERENCES categories (id),
    sku         VARCHAR(16)   NOT NULL UNIQUE,
    name        VARCHAR(120)  NOT NULL,
    description TEXT,
    price       NUMERIC(10,2) NOT NULL CHECK (price > 0),
    stock       INTEGER       NOT NULL CHECK (stock >= 0),
    weight_kg   NUMERIC(7,3)  CHECK (weight_kg > 0),
    is_active   BOOLEAN       NOT NULL DEFAULT true,
    created_at  TIMESTAMP     NOT NULL
);

CREATE TABLE orders (
    id          BIGSERIAL     PRIMARY KEY,
    customer_id BIGINT        NOT NULL REFERENCES customers (id),
    status      order_status  NOT NULL,
    ordered_at  TIMESTAMP     NOT NULL,
    shipped_at  TIMESTAMP,
    total       NUMERIC(12,2) NOT NULL CHECK (total >= 0),
    currency    CHAR(3)       NOT NULL DEFAULT 'USD' CHECK (currency IN ('USD', 'EUR', 'GBP')),
    CHECK (shipped_at IS NULL OR shipped_at >= ordered_at)
);

CREATE TABLE order_items (
    id         BIGSERIAL     PRIMARY KEY,
    order_id   BIGINT        NOT NULL REFERENCES orders (id),
    product_id BIGINT        NOT NULL REFERENCES products (id),
    quantity   INTEGER       NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    unit_price NUMERIC(10,2) NOT NULL CHECK (unit_price > 0)
);

CREATE TABLE payments (
    id        BIGSERIAL      PRIMARY KEY,
    order_id  BIGINT         NOT NULL UNIQUE REFERENCES orders (id),
    method    payment_method NOT NULL,
    amount    NUMERIC(12,2)  NOT NULL CHECK (amount >= 0),
    paid_at   TIMESTAMP      NOT NULL,
    reference VARCHAR(24)    NOT NULL UNIQUE
);

CREATE TABLE reviews (
    id          BIGSERIAL    PRIMARY KEY,
    product_id  BIGINT       NOT NULL REFERENCES products (id),
    customer_id BIGINT       NOT NULL REFERENCES customers (id),
    rating      SMALLINT     NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title       VARCHAR(120),
    body        TEXT,
    created_at  TIMESTAMP    NOT NULL,
    UNIQUE (product_id, customer_id)
);

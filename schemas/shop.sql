-- shop-v1: the benchmark workload of shared/bench (customers, products, orders, order_items).
-- Row counts and value rules live in shop.yaml beside this file.

CREATE TABLE customers (
    id             BIGINT       PRIMARY KEY,
    first_name     VARCHAR(50)  NOT NULL,
    last_name      VARCHAR(50)  NOT NULL,
    email          VARCHAR(160) NOT NULL UNIQUE,
    phone          VARCHAR(32)  NOT NULL,
    street_address VARCHAR(120) NOT NULL,
    city           VARCHAR(80)  NOT NULL,
    country_code   CHAR(2)      NOT NULL,
    birth_date     DATE         NOT NULL,
    created_at     TIMESTAMP    NOT NULL,
    is_active      BOOLEAN      NOT NULL
);

CREATE TABLE products (
    id       BIGINT        PRIMARY KEY,
    sku      VARCHAR(12)   NOT NULL UNIQUE,
    name     VARCHAR(120)  NOT NULL,
    category VARCHAR(40)   NOT NULL,
    price    NUMERIC(10,2) NOT NULL CHECK (price > 0),
    stock    INTEGER       NOT NULL CHECK (stock >= 0)
);

CREATE TABLE orders (
    id          BIGINT        PRIMARY KEY,
    customer_id BIGINT        NOT NULL REFERENCES customers (id),
    ordered_at  TIMESTAMP     NOT NULL,
    status      VARCHAR(20)   NOT NULL,
    total       NUMERIC(12,2) NOT NULL
);

CREATE TABLE order_items (
    id         BIGINT        PRIMARY KEY,
    order_id   BIGINT        NOT NULL REFERENCES orders (id),
    product_id BIGINT        NOT NULL REFERENCES products (id),
    quantity   INTEGER       NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    unit_price NUMERIC(10,2) NOT NULL
);

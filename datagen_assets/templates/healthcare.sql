-- healthcare: an outpatient clinic network. Departments and physicians, patients with their
-- insurance, appointments with their diagnoses, billed procedures and prescriptions, and
-- lab results.
-- Row counts and value rules live in the dataset YAML beside this file. All data is synthetic.

CREATE TYPE appointment_status AS ENUM ('scheduled', 'checked_in', 'completed', 'cancelled', 'no_show');

CREATE TABLE departments (
    id         SERIAL      PRIMARY KEY,
    code       VARCHAR(8)  NOT NULL UNIQUE,
    name       VARCHAR(80) NOT NULL,
    floor      SMALLINT    NOT NULL CHECK (floor BETWEEN 0 AND 12),
    phone      VARCHAR(32) NOT NULL
);

CREATE TABLE physicians (
    id            SERIAL       PRIMARY KEY,
    department_id INTEGER      NOT NULL REFERENCES departments (id),
    npi           CHAR(10)     NOT NULL UNIQUE,
    first_name    VARCHAR(50)  NOT NULL,
    last_name     VARCHAR(50)  NOT NULL,
    specialty     VARCHAR(60)  NOT NULL,
    email         VARCHAR(160) NOT NULL UNIQUE,
    hire_date     DATE         NOT NULL
);

CREATE TABLE patients (
    id            BIGSERIAL    PRIMARY KEY,
    mrn           VARCHAR(12)  NOT NULL UNIQUE,
    first_name    VARCHAR(50)  NOT NULL,
    last_name     VARCHAR(50)  NOT NULL,
    date_of_birth DATE         NOT NULL,
    sex           CHAR(1)      NOT NULL CHECK (sex IN ('F', 'M', 'X')),
    blood_type    VARCHAR(3)   CHECK (blood_type IN ('O+', 'O-', 'A+', 'A-', 'B+', 'B-', 'AB+', 'AB-')),
    phone         VARCHAR(32),
    email         VARCHAR(160),
    street_address VARCHAR(120),
    city          VARCHAR(80),
    postal_code   VARCHAR(12),
    created_at    TIMESTAMP    NOT NULL
);

CREATE TABLE insurance_policies (
    id          BIGSERIAL   PRIMARY KEY,
    patient_id  BIGINT      NOT NULL REFERENCES patients (id),
    payer       VARCHAR(60) NOT NULL,
    member_id   VARCHAR(20) NOT NULL UNIQUE,
    plan_type   VARCHAR(10) NOT NULL CHECK (plan_type IN ('HMO', 'PPO', 'EPO', 'POS', 'HDHP')),
    valid_from  DATE        NOT NULL,
    valid_to    DATE,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);

CREATE TABLE appointments (
    id               BIGSERIAL          PRIMARY KEY,
    patient_id       BIGINT             NOT NULL REFERENCES patients (id),
    physician_id     INTEGER            NOT NULL REFERENCES physicians (id),
    scheduled_at     TIMESTAMP          NOT NULL,
    duration_minutes SMALLINT           NOT NULL CHECK (duration_minutes IN (15, 30, 45, 60)),
    status           appointment_status NOT NULL,
    reason           VARCHAR(200),
    checked_in_at    TIMESTAMP,
    billed_amount    NUMERIC(10,2)      NOT NULL CHECK (billed_amount >= 0),
    CHECK (checked_in_at IS NULL OR checked_in_at >= scheduled_at - INTERVAL '1 hour')
);

CREATE TABLE diagnoses (
    id             BIGSERIAL    PRIMARY KEY,
    appointment_id BIGINT       NOT NULL REFERENCES appointments (id),
    icd10_code     VARCHAR(8)   NOT NULL CHECK (icd10_code ~ '^[A-TV-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$'),
    description    VARCHAR(200) NOT NULL,
    is_primary     BOOLEAN      NOT NULL,
    diagnosed_at   TIMESTAMP    NOT NULL
);

CREATE TABLE procedures (
    id             BIGSERIAL     PRIMARY KEY,
    appointment_id BIGINT        NOT NULL REFERENCES appointments (id),
    cpt_code       CHAR(5)       NOT NULL CHECK (cpt_code ~ '^[0-9]{5}$'),
    description    VARCHAR(120)  NOT NULL,
    fee            NUMERIC(8,2)  NOT NULL CHECK (fee >= 0),
    performed_at   TIMESTAMP     NOT NULL
);

CREATE TABLE prescriptions (
    id             BIGSERIAL     PRIMARY KEY,
    appointment_id BIGINT        NOT NULL REFERENCES appointments (id),
    medication     VARCHAR(80)   NOT NULL,
    dosage_mg      NUMERIC(8,2)  NOT NULL CHECK (dosage_mg > 0),
    frequency      VARCHAR(20)   NOT NULL CHECK (frequency IN ('once daily', 'twice daily', 'three times daily', 'as needed')),
    refills        SMALLINT      NOT NULL CHECK (refills BETWEEN 0 AND 5),
    prescribed_at  TIMESTAMP     NOT NULL
);

CREATE TABLE lab_results (
    id           BIGSERIAL     PRIMARY KEY,
    patient_id   BIGINT        NOT NULL REFERENCES patients (id),
    test_code    VARCHAR(12)   NOT NULL,
    value        NUMERIC(10,3) NOT NULL,
    unit         VARCHAR(12)   NOT NULL,
    is_abnormal  BOOLEAN       NOT NULL,
    collected_at TIMESTAMP     NOT NULL,
    resulted_at  TIMESTAMP     NOT NULL,
    CHECK (resulted_at >= collected_at)
);

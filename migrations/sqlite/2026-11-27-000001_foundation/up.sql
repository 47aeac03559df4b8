-- Organisations, API tokens and letting records (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('municipality', 'corporation', 'tenant_association')),
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The municipalities an organisation belongs to or is registered for.
CREATE TABLE organisation_municipalities (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    municipality TEXT NOT NULL,
    PRIMARY KEY (organisation_id, municipality)
);
CREATE INDEX organisation_municipalities_by_municipality ON organisation_municipalities (municipality);

-- Only the SHA-256 of a token is kept.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

-- The current version of each letting, with its classification against its year's norms.
-- Money is in integer cents.
CREATE TABLE lettings (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    corporation TEXT NOT NULL REFERENCES organisations (id),
    reference TEXT NOT NULL,
    version INTEGER NOT NULL,
    withdrawn BOOLEAN NOT NULL,
    municipality TEXT NOT NULL,
    contract_start DATE NOT NULL,
    rent_cents BIGINT NOT NULL,
    household_size INTEGER NOT NULL,
    household_income_cents BIGINT NOT NULL,
    pension_age BOOLEAN NOT NULL,
    route TEXT NOT NULL CHECK (route IN ('regular', 'local_priority', 'direct', 'swap', 'internal', 'other')),
    urgency TEXT,
    excluded_reason TEXT,
    passend_exception BOOLEAN NOT NULL,
    contract_month INTEGER NOT NULL,
    norms_year INTEGER NOT NULL,
    is_social BOOLEAN NOT NULL,
    rent_class TEXT NOT NULL CHECK (rent_class IN ('up_to_quality_discount_limit', 'up_to_rent_cap_low', 'up_to_rent_cap_high', 'up_to_social_rent_limit', 'non_social')),
    is_counted BOOLEAN NOT NULL,
    within_rent_cap BOOLEAN NOT NULL,
    income_above_limit BOOLEAN NOT NULL,
    in_passend_denominator BOOLEAN NOT NULL,
    passend_compliant BOOLEAN NOT NULL,
    is_urgent BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (corporation, reference)
);
CREATE INDEX lettings_by_municipality_and_start ON lettings (municipality, contract_start);

-- Every version of every letting, the current one included; never updated.
CREATE TABLE letting_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    corporation TEXT NOT NULL,
    reference TEXT NOT NULL,
    version INTEGER NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('created', 'updated', 'withdrawn', 'reinstated')),
    withdrawn BOOLEAN NOT NULL,
    municipality TEXT NOT NULL,
    contract_start DATE NOT NULL,
    rent_cents BIGINT NOT NULL,
    household_size INTEGER NOT NULL,
    household_income_cents BIGINT NOT NULL,
    pension_age BOOLEAN NOT NULL,
    route TEXT NOT NULL,
    urgency TEXT,
    excluded_reason TEXT,
    passend_exception BOOLEAN NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (corporation, reference, version)
);

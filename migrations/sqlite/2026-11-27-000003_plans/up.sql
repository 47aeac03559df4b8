-- The status-holder task and the allocation plan (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

-- Persons to house per half year ('2026-H1'), set by the municipality.
CREATE TABLE status_holder_targets (
    municipality TEXT NOT NULL,
    half_year TEXT NOT NULL,
    persons INTEGER NOT NULL CHECK (persons >= 0),
    note TEXT,
    set_by TEXT NOT NULL,
    set_at TIMESTAMP NOT NULL,
    PRIMARY KEY (municipality, half_year)
);

-- Placements outside letting records (family reunification joining a tenancy, homes outside
-- the corporations), recorded by hand.
CREATE TABLE status_holder_placements (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    municipality TEXT NOT NULL,
    placed_on DATE NOT NULL,
    persons INTEGER NOT NULL CHECK (persons > 0),
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX status_holder_placements_by_municipality ON status_holder_placements (municipality, placed_on);

-- Every version of a year's allocation plan is kept; the highest version is the plan in force.
CREATE TABLE allocation_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    municipality TEXT NOT NULL,
    year INTEGER NOT NULL,
    version INTEGER NOT NULL,
    expected_available INTEGER NOT NULL CHECK (expected_available >= 0),
    note TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (municipality, year, version)
);

CREATE TABLE allocation_plan_lines (
    plan_id BIGINT NOT NULL REFERENCES allocation_plans (id),
    category TEXT NOT NULL,
    planned INTEGER NOT NULL CHECK (planned >= 0),
    PRIMARY KEY (plan_id, category)
);

-- The housing stock as corporations post it per municipality and reference date (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

-- Every version of a unit (VHE) of a corporation: a new version only when the fields differ
-- from every stored version. A post compares through `digest` (the SHA-256, hex, of the
-- fields in a fixed order), so a post of unchanged units reads one short column per version
-- instead of every field. Money in cents.
CREATE TABLE stock_unit_versions (
    corporation TEXT NOT NULL REFERENCES organisations (id),
    unit_code TEXT NOT NULL,
    version INTEGER NOT NULL,
    municipality TEXT NOT NULL,
    unit_kind TEXT NOT NULL,
    status TEXT NOT NULL,
    daeb TEXT NOT NULL,
    wws_points INTEGER,
    target_rent_cents BIGINT,
    energy_label TEXT,
    label_method TEXT,
    label_date DATE,
    condition_score INTEGER,
    in_service_date DATE,
    in_service_reason TEXT,
    out_of_service_date DATE,
    out_of_service_reason TEXT,
    planned_exit_date DATE,
    digest TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (corporation, unit_code, version)
);

-- One snapshot per corporation, municipality and reference date; posting it again replaces
-- which unit versions it holds (and changes nothing when they are the same).
CREATE TABLE stock_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    corporation TEXT NOT NULL REFERENCES organisations (id),
    municipality TEXT NOT NULL,
    reference_date DATE NOT NULL,
    units BIGINT NOT NULL,
    posted_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (corporation, municipality, reference_date)
);
CREATE INDEX stock_snapshots_by_municipality ON stock_snapshots (municipality, reference_date);

-- Which version of each unit a snapshot holds.
CREATE TABLE stock_snapshot_units (
    snapshot_id BIGINT NOT NULL REFERENCES stock_snapshots (id),
    unit_code TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, unit_code)
);

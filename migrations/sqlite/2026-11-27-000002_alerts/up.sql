-- Write locks, signal alerts and their history (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

-- One row per lock name ('corporation:dwb', 'municipality:GM0629'). A write transaction
-- touches its rows first, in name order: on PostgreSQL the row locks serialise writers of the
-- same corporation or municipality across instances; on SQLite the first write takes the
-- database's write lock before anything is read.
CREATE TABLE write_locks (
    name TEXT PRIMARY KEY NOT NULL,
    touched_at TIMESTAMP NOT NULL
);

-- A signal alert per metric, scope and year. corporation is '' for the municipality total,
-- so that the unique index below also covers the total.
CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    municipality TEXT NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('urgent_share', 'rent_cap_share', 'income_exemption_share', 'passend_share')),
    corporation TEXT NOT NULL,
    year INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('warning', 'breach')),
    state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
    count BIGINT NOT NULL,
    denominator BIGINT NOT NULL,
    limit_value TEXT NOT NULL,
    opened_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
-- At most one open alert per metric, scope and year, whatever the number of instances.
CREATE UNIQUE INDEX alerts_one_open ON alerts (municipality, metric, corporation, year) WHERE state = 'open';
CREATE INDEX alerts_by_municipality_year ON alerts (municipality, year);

-- Every change of an alert, with the figures that caused it.
CREATE TABLE alert_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    alert_id BIGINT NOT NULL REFERENCES alerts (id),
    change TEXT NOT NULL CHECK (change IN ('opened', 'level_changed', 'resolved')),
    level TEXT NOT NULL CHECK (level IN ('warning', 'breach')),
    metric_state TEXT NOT NULL,
    count BIGINT NOT NULL,
    denominator BIGINT NOT NULL,
    limit_value TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX alert_events_by_alert ON alert_events (alert_id);

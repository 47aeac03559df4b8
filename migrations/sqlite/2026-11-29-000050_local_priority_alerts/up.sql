-- Alerts on the local-priority share (lokaal maatwerk): the metric list of the CHECK grows.
-- SQLite cannot change a CHECK in place, so both alert tables are rebuilt (child dropped
-- first; the renames make the new tables the ones every reference names). Keep in step with
-- migrations/postgres.
CREATE TABLE alerts_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    municipality TEXT NOT NULL,
    metric TEXT NOT NULL CHECK (metric IN ('urgent_share', 'rent_cap_share', 'income_exemption_share', 'passend_share', 'local_priority_share')),
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
INSERT INTO alerts_v2 SELECT id, municipality, metric, corporation, year, level, state, count,
    denominator, limit_value, opened_at, updated_at, resolved_at FROM alerts;
CREATE TABLE alert_events_v2 (
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
INSERT INTO alert_events_v2 SELECT id, alert_id, change, level, metric_state, count, denominator,
    limit_value, at FROM alert_events;
DROP TABLE alert_events;
DROP TABLE alerts;
ALTER TABLE alerts_v2 RENAME TO alerts;
ALTER TABLE alert_events_v2 RENAME TO alert_events;
CREATE UNIQUE INDEX alerts_one_open ON alerts (municipality, metric, corporation, year) WHERE state = 'open';
CREATE INDEX alerts_by_municipality_year ON alerts (municipality, year);
CREATE INDEX alert_events_by_alert ON alert_events (alert_id);

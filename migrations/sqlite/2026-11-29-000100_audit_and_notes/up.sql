-- The audit trail and the notes on alerts (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

-- One row per change, written in the transaction of the change itself. Who: the organisation,
-- and the token it used (or, once the portal exists, the person); `via` says whether it came
-- through the API or the command line. Details are a small JSON object of counts and ids,
-- never a submitted value.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TIMESTAMP NOT NULL,
    organisation_id TEXT NOT NULL,
    token_id BIGINT,
    person TEXT,
    via TEXT NOT NULL CHECK (via IN ('api', 'cli')),
    municipality TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL
);
CREATE INDEX audit_events_by_municipality ON audit_events (municipality, id);

-- Append-only: a trail that can be edited proves nothing.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

-- An explanation or decision on an alert, for the administrative meeting. Never edited or
-- deleted.
CREATE TABLE alert_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    alert_id BIGINT NOT NULL REFERENCES alerts (id),
    text TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    token_id BIGINT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX alert_notes_by_alert ON alert_notes (alert_id, id);

CREATE TRIGGER alert_notes_no_update BEFORE UPDATE ON alert_notes
BEGIN
    SELECT RAISE(ABORT, 'alert_notes is append-only');
END;
CREATE TRIGGER alert_notes_no_delete BEFORE DELETE ON alert_notes
BEGIN
    SELECT RAISE(ABORT, 'alert_notes is append-only');
END;

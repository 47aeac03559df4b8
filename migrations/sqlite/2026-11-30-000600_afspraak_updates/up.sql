-- Progress updates on the numbered afspraken of an agreement (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.
-- The afspraken themselves are data in the agreement file; an update names one by the
-- agreement's id and the afspraak's key. Appended, never edited: the history is the record the
-- yearly evaluation reads.
CREATE TABLE afspraak_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    municipality TEXT NOT NULL,
    agreement_id TEXT NOT NULL,
    afspraak_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('not_started', 'in_progress', 'delayed', 'done')),
    escalation_level INTEGER NOT NULL CHECK (escalation_level BETWEEN 0 AND 3),
    note TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    person TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX afspraak_updates_by_agreement ON afspraak_updates (municipality, agreement_id, id);

CREATE TRIGGER afspraak_updates_no_update BEFORE UPDATE ON afspraak_updates
BEGIN
    SELECT RAISE(ABORT, 'afspraak_updates is append-only');
END;
CREATE TRIGGER afspraak_updates_no_delete BEFORE DELETE ON afspraak_updates
BEGIN
    SELECT RAISE(ABORT, 'afspraak_updates is append-only');
END;

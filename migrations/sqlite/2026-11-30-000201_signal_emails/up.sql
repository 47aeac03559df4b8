-- E-mail on signals (SQLite). Keep in step with migrations/postgres: a test checks both give
-- the same tables and columns.

-- A person who asked for an e-mail when a signal of this municipality opens, changes or is
-- resolved. Only municipalities the person's organisation reads.
CREATE TABLE signal_email_subscriptions (
    person_id BIGINT NOT NULL REFERENCES people (id),
    municipality TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, municipality)
);
CREATE INDEX signal_email_subscriptions_by_municipality ON signal_email_subscriptions (municipality);

-- The outbox of e-mails, one row per alert change per person who asked, written in the
-- transaction of the change (like webhook_deliveries). The payload holds the alert change
-- without its figures; the address is looked up when it is sent.
CREATE TABLE signal_emails (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    alert_id BIGINT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX signal_emails_due ON signal_emails (state, next_attempt_at);

-- People for the web portal, their sessions and one-time password links (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

-- A person acts with the rights of their organisation. The e-mail address is kept in lower
-- case, so it is unique however it is typed. The password hash is Argon2id in the PHC string
-- format; null until the person has set a password through a one-time link.
CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT,
    created_at TIMESTAMP NOT NULL
);

-- A session in the database, so every instance knows it and a logout ends it everywhere. Only
-- the SHA-256 of the session id (the cookie's value) is kept. The CSRF token is tied to the
-- session and changes with it.
CREATE TABLE person_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX person_sessions_by_person ON person_sessions (person_id);

-- A link to set or reset a password: only the SHA-256 of its token, used once, until it expires.
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);

-- The audit trail learns a third channel, the web portal ('web'), where `person` names who
-- acted. SQLite cannot change a CHECK, so the table is rebuilt with its rows, index and
-- triggers (DROP TABLE fires no DELETE trigger).
CREATE TABLE audit_events_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at TIMESTAMP NOT NULL,
    organisation_id TEXT NOT NULL,
    token_id BIGINT,
    person TEXT,
    via TEXT NOT NULL CHECK (via IN ('api', 'cli', 'web')),
    municipality TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL
);
INSERT INTO audit_events_new (id, at, organisation_id, token_id, person, via, municipality, action, subject, details)
    SELECT id, at, organisation_id, token_id, person, via, municipality, action, subject, details FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;
CREATE INDEX audit_events_by_municipality ON audit_events (municipality, id);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

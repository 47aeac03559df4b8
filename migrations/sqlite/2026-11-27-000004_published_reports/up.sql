-- Published (frozen) half-year reports (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

CREATE TABLE published_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    municipality TEXT NOT NULL,
    half_year TEXT NOT NULL,
    -- The report's JSON exactly as it was served at publication, and its SHA-256 (hex).
    body TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    norms_years TEXT NOT NULL,
    agreement_id TEXT NOT NULL,
    agreement_version INTEGER NOT NULL,
    published_by TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    UNIQUE (municipality, half_year)
);

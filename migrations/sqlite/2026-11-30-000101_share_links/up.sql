-- Share links to a published half-year report (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

-- A read-only link the municipality hands to the council or the public. Only the SHA-256 of
-- its token (256 random bits) is kept; it ends at `expires_at` or when revoked, whichever is
-- first. `created_by` is the person (e-mail address) who made it.
CREATE TABLE share_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    municipality TEXT NOT NULL,
    half_year TEXT NOT NULL,
    label TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    FOREIGN KEY (municipality, half_year) REFERENCES published_reports (municipality, half_year)
);
CREATE INDEX share_links_by_report ON share_links (municipality, half_year);

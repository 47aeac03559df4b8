-- Declarations that a corporation's month of a municipality is complete (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

-- One row per declaration; declaring again adds a row, and the latest per corporation,
-- municipality and month is the one that counts. `digest` is the SHA-256 (hex) of the month's
-- records in the canonical form of docs/api.md; comparing it with the records' digest now
-- tells `declared` from `stale`. `month` is year * 100 + month, as `lettings.contract_month`.
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    municipality TEXT NOT NULL,
    corporation TEXT NOT NULL REFERENCES organisations (id),
    month INTEGER NOT NULL,
    lettings BIGINT NOT NULL,
    digest TEXT NOT NULL,
    token_id BIGINT,
    declared_at TIMESTAMP NOT NULL
);
CREATE INDEX submissions_by_month ON submissions (municipality, month, corporation, id);

-- A token's name (the system that uses it) and when it was last used (PostgreSQL).
-- Keep in step with migrations/sqlite. last_used_at is written at most once a minute per token.
ALTER TABLE api_tokens ADD COLUMN name TEXT;
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;

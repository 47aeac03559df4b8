DROP TABLE password_links;
DROP TABLE person_sessions;
DROP TABLE people;
-- audit_events keeps 'web' in its CHECK: rows written through the portal cannot be removed
-- from an append-only trail, and the wider CHECK admits every older row.

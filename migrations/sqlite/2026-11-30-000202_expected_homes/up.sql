-- A corporation's expected available homes in a municipality and year (SQLite), which the
-- municipality weighs when it sets its allocation plan. Keep in step with migrations/postgres.
-- The latest figure counts; every change is in the audit trail.
CREATE TABLE expected_homes (
    municipality TEXT NOT NULL,
    year INTEGER NOT NULL,
    corporation TEXT NOT NULL REFERENCES organisations (id),
    homes INTEGER NOT NULL CHECK (homes >= 0),
    note TEXT,
    set_at TIMESTAMP NOT NULL,
    PRIMARY KEY (municipality, year, corporation)
);

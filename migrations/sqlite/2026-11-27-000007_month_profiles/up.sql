-- Per-month counts of non-withdrawn lettings by rent class, route, urgency, household size and
-- whether they are counted: what the half-year report's breakdowns, the status-holder task and
-- the allocation plan read, kept in the transaction of every letting change (SQLite).
-- Keep in step with migrations/postgres. urgency is '' for lettings without one.
CREATE TABLE letting_month_profiles (
    municipality TEXT NOT NULL,
    corporation TEXT NOT NULL,
    contract_month INTEGER NOT NULL,
    rent_class TEXT NOT NULL,
    route TEXT NOT NULL,
    urgency TEXT NOT NULL,
    household_size INTEGER NOT NULL,
    is_counted BOOLEAN NOT NULL,
    lettings BIGINT NOT NULL,
    PRIMARY KEY (municipality, contract_month, corporation, rent_class, route, urgency, household_size, is_counted)
);

INSERT INTO letting_month_profiles
SELECT municipality, corporation, contract_month, rent_class, route, COALESCE(urgency, ''),
       household_size, is_counted, COUNT(*)
FROM lettings
WHERE withdrawn = FALSE
GROUP BY municipality, corporation, contract_month, rent_class, route, COALESCE(urgency, ''),
         household_size, is_counted;

-- The allocation date (datum toewijzing), whose year's norms classify a letting; whether the
-- household is housed under the status-holder task; whether the letting was classified with
-- provisional norms (its year had none yet); and national norms loaded by an operator
-- (`quotamonitor norms import`), shared by every instance (PostgreSQL).
-- Keep in step with migrations/sqlite.
ALTER TABLE lettings ADD COLUMN allocation_date DATE;
UPDATE lettings SET allocation_date = contract_start;
ALTER TABLE lettings ADD COLUMN status_holder BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE lettings SET status_holder = (urgency IS NOT NULL AND urgency = 'status_holder');
ALTER TABLE lettings ADD COLUMN norms_provisional BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX lettings_provisional ON lettings (norms_provisional, norms_year);

ALTER TABLE letting_versions ADD COLUMN allocation_date DATE;
UPDATE letting_versions SET allocation_date = contract_start;
ALTER TABLE letting_versions ADD COLUMN status_holder BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE letting_versions SET status_holder = (urgency IS NOT NULL AND urgency = 'status_holder');
ALTER TABLE lettings ALTER COLUMN allocation_date SET NOT NULL;
ALTER TABLE letting_versions ALTER COLUMN allocation_date SET NOT NULL;

-- The status-holder count follows the status_holder flag, so the profiles carry it. They are
-- derived from the lettings and rebuilt here.
DROP TABLE letting_month_profiles;
CREATE TABLE letting_month_profiles (
    municipality TEXT NOT NULL,
    corporation TEXT NOT NULL,
    contract_month INTEGER NOT NULL,
    rent_class TEXT NOT NULL,
    route TEXT NOT NULL,
    urgency TEXT NOT NULL,
    household_size INTEGER NOT NULL,
    is_counted BOOLEAN NOT NULL,
    status_holder BOOLEAN NOT NULL,
    lettings BIGINT NOT NULL,
    PRIMARY KEY (municipality, contract_month, corporation, rent_class, route, urgency, household_size, is_counted, status_holder)
);
INSERT INTO letting_month_profiles
SELECT municipality, corporation, contract_month, rent_class, route, COALESCE(urgency, ''),
       household_size, is_counted, status_holder, COUNT(*)
FROM lettings
WHERE withdrawn = FALSE
GROUP BY municipality, corporation, contract_month, rent_class, route, COALESCE(urgency, ''),
         household_size, is_counted, status_holder;

-- The local-priority share (lokaal maatwerk) is a quota figure: the counts carry the route
-- kind. Derived from the lettings and rebuilt here.
DROP TABLE letting_month_counts;
CREATE TABLE letting_month_counts (
    municipality TEXT NOT NULL,
    corporation TEXT NOT NULL,
    contract_month INTEGER NOT NULL,
    is_social BOOLEAN NOT NULL,
    is_counted BOOLEAN NOT NULL,
    urgency TEXT NOT NULL,
    within_rent_cap BOOLEAN NOT NULL,
    income_above_limit BOOLEAN NOT NULL,
    in_passend_denominator BOOLEAN NOT NULL,
    passend_compliant BOOLEAN NOT NULL,
    local_priority BOOLEAN NOT NULL,
    lettings BIGINT NOT NULL,
    PRIMARY KEY (municipality, contract_month, corporation, is_social, is_counted, urgency, within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant, local_priority)
);
INSERT INTO letting_month_counts
SELECT municipality, corporation, contract_month, is_social, is_counted, COALESCE(urgency, ''),
       within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant,
       route = 'local_priority', COUNT(*)
FROM lettings
WHERE withdrawn = FALSE
GROUP BY municipality, corporation, contract_month, is_social, is_counted, COALESCE(urgency, ''),
         within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant,
         route = 'local_priority';

-- Amounts in cents: rents per month, incomes per year.
CREATE TABLE national_norms (
    year INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    quality_discount_limit_cents BIGINT NOT NULL,
    rent_cap_low_cents BIGINT NOT NULL,
    rent_cap_high_cents BIGINT NOT NULL,
    social_rent_limit_cents BIGINT NOT NULL,
    social_income_limit_single_cents BIGINT NOT NULL,
    social_income_limit_multi_cents BIGINT NOT NULL,
    passend_income_limit_single_cents BIGINT NOT NULL,
    passend_income_limit_single_pension_cents BIGINT NOT NULL,
    passend_income_limit_multi_cents BIGINT NOT NULL,
    passend_income_limit_multi_pension_cents BIGINT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

DROP TABLE national_norms;
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
    lettings BIGINT NOT NULL,
    PRIMARY KEY (municipality, contract_month, corporation, is_social, is_counted, urgency, within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant)
);
INSERT INTO letting_month_counts
SELECT municipality, corporation, contract_month, is_social, is_counted, COALESCE(urgency, ''),
       within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant, COUNT(*)
FROM lettings
WHERE withdrawn = FALSE
GROUP BY municipality, corporation, contract_month, is_social, is_counted, COALESCE(urgency, ''),
         within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant;
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
DROP INDEX lettings_provisional;
ALTER TABLE letting_versions DROP COLUMN status_holder;
ALTER TABLE letting_versions DROP COLUMN allocation_date;
ALTER TABLE lettings DROP COLUMN norms_provisional;
ALTER TABLE lettings DROP COLUMN status_holder;
ALTER TABLE lettings DROP COLUMN allocation_date;

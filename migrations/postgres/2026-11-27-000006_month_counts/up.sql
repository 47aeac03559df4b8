-- Per-month counts of non-withdrawn lettings by classification, kept up to date in the
-- transaction of every letting change, so quota figures cost the same whatever the history
-- (PostgreSQL). Keep in step with migrations/sqlite.
-- urgency is '' for lettings without one, so that it can be part of the unique key.
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

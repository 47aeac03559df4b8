ALTER TABLE alerts DROP CONSTRAINT alerts_metric_check;
ALTER TABLE alerts ADD CONSTRAINT alerts_metric_check
    CHECK (metric IN ('urgent_share', 'rent_cap_share', 'income_exemption_share', 'passend_share'));

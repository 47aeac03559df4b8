UPDATE webhook_deliveries SET state = 'pending' WHERE state IN ('failed', 'cancelled');
DROP INDEX webhook_deliveries_pending_heads;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_state_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_state_check
    CHECK (state IN ('pending', 'delivered'));

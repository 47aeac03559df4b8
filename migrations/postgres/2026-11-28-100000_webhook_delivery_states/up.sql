-- Deliveries get two more states (PostgreSQL): `failed` after the last attempt the settings
-- allow (it waits for someone to retry it), `cancelled` when its webhook is stopped first.
-- Keep in step with migrations/sqlite.

ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_state_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_state_check
    CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled'));

-- The worker takes the oldest pending delivery of each webhook.
CREATE INDEX webhook_deliveries_pending_heads ON webhook_deliveries (state, webhook_id, id);

-- Webhooks stopped before this version still had pending deliveries; they were never meant
-- to be sent.
UPDATE webhook_deliveries SET state = 'cancelled', claimed_until = NULL
WHERE state = 'pending' AND webhook_id IN (SELECT id FROM webhooks WHERE active = FALSE);

-- Deliveries get two more states (SQLite): `failed` after the last attempt the settings allow
-- (it waits for someone to retry it), `cancelled` when its webhook is stopped first.
-- Keep in step with migrations/postgres. SQLite cannot change a CHECK constraint, so the table
-- is made again with the same columns, rows and ids.

CREATE TABLE webhook_deliveries_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id),
    alert_id BIGINT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    -- An instance that is delivering holds the row until this moment.
    claimed_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
INSERT INTO webhook_deliveries_new (id, webhook_id, alert_id, event, payload, state, attempts,
    next_attempt_at, claimed_until, last_status, last_error, created_at, delivered_at)
SELECT id, webhook_id, alert_id, event, payload, state, attempts,
    next_attempt_at, claimed_until, last_status, last_error, created_at, delivered_at
FROM webhook_deliveries;
-- Ids are never handed out twice: carry the sequence over, not only the highest id.
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'webhook_deliveries')
WHERE name = 'webhook_deliveries_new';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'webhook_deliveries_new', seq FROM sqlite_sequence WHERE name = 'webhook_deliveries'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'webhook_deliveries_new');
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id);

-- The worker takes the oldest pending delivery of each webhook.
CREATE INDEX webhook_deliveries_pending_heads ON webhook_deliveries (state, webhook_id, id);

-- Webhooks stopped before this version still had pending deliveries; they were never meant
-- to be sent.
UPDATE webhook_deliveries SET state = 'cancelled', claimed_until = NULL
WHERE state = 'pending' AND webhook_id IN (SELECT id FROM webhooks WHERE active = FALSE);

CREATE TABLE webhook_deliveries_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    webhook_id BIGINT NOT NULL REFERENCES webhooks (id),
    alert_id BIGINT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered')),
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    -- An instance that is delivering holds the row until this moment.
    claimed_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
INSERT INTO webhook_deliveries_old (id, webhook_id, alert_id, event, payload, state, attempts,
    next_attempt_at, claimed_until, last_status, last_error, created_at, delivered_at)
SELECT id, webhook_id, alert_id, event, payload,
    CASE WHEN state = 'delivered' THEN 'delivered' ELSE 'pending' END, attempts,
    next_attempt_at, claimed_until, last_status, last_error, created_at, delivered_at
FROM webhook_deliveries;
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'webhook_deliveries')
WHERE name = 'webhook_deliveries_old';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'webhook_deliveries_old', seq FROM sqlite_sequence WHERE name = 'webhook_deliveries'
    AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'webhook_deliveries_old');
DROP TABLE webhook_deliveries;
ALTER TABLE webhook_deliveries_old RENAME TO webhook_deliveries;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id);

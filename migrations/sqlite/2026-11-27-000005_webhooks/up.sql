-- Webhook subscriptions and the outbox of alert changes to deliver (SQLite).
-- Keep in step with migrations/postgres: a test checks both give the same tables and columns.

CREATE TABLE webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    municipality TEXT NOT NULL,
    owner TEXT NOT NULL REFERENCES organisations (id),
    url TEXT NOT NULL,
    -- The HMAC-SHA256 key the receiver checks signatures with. Kept as is: the service must
    -- sign with it. Shown to the owner once, at registration.
    secret TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_by_municipality ON webhooks (municipality);

-- One row per alert change per webhook, written in the transaction of the change.
CREATE TABLE webhook_deliveries (
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
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id);

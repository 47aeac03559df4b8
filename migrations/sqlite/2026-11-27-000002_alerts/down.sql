DROP TABLE alert_events;
DROP TABLE alerts;
DROP TABLE write_locks;

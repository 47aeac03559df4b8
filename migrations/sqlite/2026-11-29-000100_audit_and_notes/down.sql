DROP TABLE alert_notes;
DROP TABLE audit_events;

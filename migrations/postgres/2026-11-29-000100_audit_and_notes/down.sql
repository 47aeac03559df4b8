DROP TABLE alert_notes;
DROP TABLE audit_events;
DROP FUNCTION refuse_change_to_append_only();

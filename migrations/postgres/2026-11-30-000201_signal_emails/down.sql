DROP TABLE signal_emails;
DROP TABLE signal_email_subscriptions;

//! Application services: the coordinating code between HTTP and storage. A service reads and
//! writes through `db`, decides through `domain`, and knows nothing of HTTP.

pub mod admin;
pub mod afspraken;
pub mod alert_list;
pub mod alert_notes;
pub mod alerts;
pub mod audit;
pub mod expected_homes;
pub mod gauges;
pub mod headroom;
pub mod ingest;
pub mod legal;
pub mod letting_changes;
pub mod letting_export;
pub mod letting_views;
pub mod norms;
pub mod people;
pub mod plans;
pub mod quota;
pub mod signal_emails;
pub mod small_numbers;
pub mod stock;
pub mod submissions;
pub mod webhook_addresses;
pub mod webhook_subscriptions;
pub mod webhooks;
pub mod what_if;

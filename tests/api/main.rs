//! Integration tests: every scenario runs against the real HTTP server, on SQLite and, when
//! QUOTAMONITOR_TEST_POSTGRES_URL is set, on PostgreSQL.

#[macro_use]
mod helpers;

mod access;
mod afspraken;
mod aggregate;
mod alerts;
mod audit;
mod cli;
mod demo_sweep;
mod headroom;
mod hostile;
mod ingest;
mod legal;
mod metrics;
mod migrations;
mod norms;
mod plans;
mod portal;
mod portal_email;
mod portal_lettings;
mod portal_plans;
mod portal_session;
mod portal_share;
mod portal_tokens;
mod portal_what_if;
mod quota;
mod report_golden;
mod report_pdf;
mod report_print;
mod report_xlsx;
mod reports;
mod service;
mod small_numbers;
mod small_numbers_answers;
mod stock;
mod submissions;
mod upload;
mod webhooks;

//! quotamonitor: letting records of social rental homes in, quota status out.
//!
//! # Layers
//!
//! Dependencies run one way, from top to bottom; a module never imports from a layer above it,
//! and `tests/layering.rs` fails the build when one does:
//!
//! | layer | modules | may use |
//! |---|---|---|
//! | entry points | `main.rs`, [`startup`], [`cli`] | everything below |
//! | HTTP | [`api`], [`web`] | services, report, domain, config, telemetry; from `db` only the connection types |
//! | services | [`service`], [`report`] | db, domain, config, telemetry, each other |
//! | storage | [`db`] | domain |
//! | settings | [`config`], [`telemetry`] | domain |
//! | rules | [`domain`] | nothing |

#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::dbg_macro)
)]

pub mod api;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod report;
pub mod service;
pub mod startup;
pub mod telemetry;
pub mod web;

pub use startup::Application;

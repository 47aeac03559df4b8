//! Helpers of the command line: the demonstration municipality, the national data generator
//! and the national norms an operator imports.

pub mod demo;
pub mod demo_stock;
pub mod generate;
pub mod norms;
pub mod users;

//! Helpers of the command line: the demonstration municipality and the national data generator.

pub mod demo;
pub mod generate;

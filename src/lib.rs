//! llm-audit: price every LLM call in a team's logs, classify it, and replay it under cheaper
//! routing policies.
//!
//! The modules follow the pipeline: [`ingest`] adapters turn log lines into canonical
//! [`record::CallRecord`]s, [`pricing`] prices them, [`classify`] labels them, [`policy`] replays
//! them under routing policies, [`aggregate`] sums them up and [`export`] writes reports.
//! [`cli`] and [`commands`] are the command-line front end.

pub mod aggregate;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod escape;
pub mod export;
pub mod findings;
#[cfg(test)]
mod fuzz_tests;
pub mod gates;
pub mod history;
pub mod human;
pub mod ingest;
pub mod limits;
pub mod money;
pub mod pipeline;
pub mod policy;
pub mod pricing;
pub mod reconcile;
pub mod record;
pub mod risk;

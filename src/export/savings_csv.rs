//! Each policy's savings by where they come from (`--savings-csv`): one row per policy and
//! group of each grouping key (model, tier, task and every `--group-by` key), so CI can pivot
//! them and a team sees which feature to change first. A policy's rows of one grouping add up
//! to its totals.

use std::io::{self, Write};

use crate::export::Report;

const HEADER: [&str; 13] = [
    "policy",
    "grouping",
    "key",
    "calls",
    "calls_changed",
    "baseline_cost_usd",
    "cost_usd",
    "savings_usd",
    "risk_free_savings_usd",
    "risky_savings_usd",
    "expected_degraded_calls",
    "degraded_calls_low",
    "degraded_calls_high",
];

/// Writes the savings by group as CSV.
pub fn write_savings(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = crate::escape::CsvWriter::new(out);
    writer.write_record(HEADER)?;
    for policy in &report.policies {
        for grouping in &policy.by_group {
            for group in &grouping.groups {
                writer.write_record([
                    policy.name.clone(),
                    grouping.by.clone(),
                    group.key.clone(),
                    group.calls.to_string(),
                    group.calls_changed.to_string(),
                    group.baseline_cost_usd.to_string(),
                    group.cost_usd.to_string(),
                    group.savings_usd.to_string(),
                    group.risk_free_savings_usd.to_string(),
                    group.risky_savings_usd.to_string(),
                    group.expected_degraded_calls.to_string(),
                    group.degraded_calls_low.to_string(),
                    group.degraded_calls_high.to_string(),
                ])?;
            }
        }
    }
    writer.flush()
}

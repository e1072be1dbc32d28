//! The policy table as CSV: one row per policy, for spreadsheets and CI artifacts.

use std::io::{self, Write};

use crate::export::{Exporter, Report};

pub struct CsvExporter;

const HEADER: [&str; 18] = [
    "policy",
    "cost_usd",
    "savings_usd",
    "savings_pct",
    "risk_free_savings_usd",
    "risky_savings_usd",
    "calls_changed",
    "calls_blocked",
    "latency_p50_ms",
    "latency_p95_ms",
    "risk_basis",
    "expected_degraded_calls",
    "degraded_calls_low",
    "degraded_calls_high",
    "calls_routed",
    "expected_escalations",
    "spend_share_at_risk_pct",
    "dominated_by",
];

impl Exporter for CsvExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut writer = crate::escape::CsvWriter::new(out);
        writer.write_record(HEADER)?;
        for policy in &report.policies {
            writer.write_record([
                policy.name.to_string(),
                policy.cost_usd.to_string(),
                policy.savings_usd.to_string(),
                policy.savings_pct.to_string(),
                policy.risk_free_savings_usd.to_string(),
                policy.risky_savings_usd.to_string(),
                policy.calls_changed.to_string(),
                policy.calls_blocked.to_string(),
                policy.latency_p50_ms.to_string(),
                policy.latency_p95_ms.to_string(),
                policy.risk.basis.to_string(),
                policy.risk.expected_degraded_calls.to_string(),
                policy.risk.degraded_calls_low.to_string(),
                policy.risk.degraded_calls_high.to_string(),
                policy.actions.routed.to_string(),
                policy.risk.expected_escalations.to_string(),
                policy.risk.spend_share_at_risk_pct.to_string(),
                policy.dominated_by.clone().unwrap_or_default(),
            ])?;
        }
        writer.flush()
    }
}

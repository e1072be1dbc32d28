//! Every breakdown of a report as one long CSV (`--breakdown-csv`): a row per group, with the
//! grouping it belongs to, so one file loads into a spreadsheet or a pivot table.

use std::io::{self, Write};

use crate::export::{GroupReport, Report};

const HEADER: [&str; 14] = [
    "grouping",
    "key",
    "calls",
    "unpriced_calls",
    "input_tokens",
    "cache_read_tokens",
    "cache_write_5m_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cost_usd",
    "reasoning_cost_usd",
    "spend_share_pct",
    "timezone",
];

/// The report's breakdowns, in the order they are written: the fixed ones, each `--group-by`
/// key, then feature and project when the calls carry them and they are not grouped by already.
pub fn breakdowns(report: &Report) -> Vec<(&str, &[GroupReport])> {
    let mut all: Vec<(&str, &[GroupReport])> = vec![
        ("model", &report.by_model),
        ("provider", &report.by_provider),
        ("tier", &report.by_tier),
        ("task", &report.by_task),
        ("day", &report.by_day),
    ];
    for grouping in report.groups.iter().chain(&report.by_tag) {
        if !all.iter().any(|(by, _)| *by == grouping.by) {
            all.push((&grouping.by, &grouping.groups));
        }
    }
    all
}

/// Writes the breakdowns as CSV.
pub fn write_breakdowns(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = crate::escape::CsvWriter::new(out);
    writer.write_record(HEADER)?;
    for (by, groups) in breakdowns(report) {
        for group in groups {
            writer.write_record([
                by.to_string(),
                group.key.clone(),
                group.calls.to_string(),
                group.unpriced_calls.to_string(),
                group.input_tokens.to_string(),
                group.cache_read_tokens.to_string(),
                group.cache_write_5m_tokens.to_string(),
                group.cache_write_1h_tokens.to_string(),
                group.output_tokens.to_string(),
                group.reasoning_tokens.to_string(),
                group.cost_usd.to_string(),
                group.reasoning_cost_usd.to_string(),
                group.spend_share_pct.to_string(),
                report.timezone.clone(),
            ])?;
        }
    }
    writer.flush()
}

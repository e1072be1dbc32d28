//! `llm-audit classify`: how the calls spread over task types and tiers, as shares of calls
//! and of spend.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::classify::{Reason, Task, Tier};
use crate::export::ReportFormat;
use crate::export::terminal::new_table;
use crate::human::{count, usd};
use crate::money::Money;
use crate::pipeline::RunOutput;

/// One task × tier cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassCell {
    pub task: &'static str,
    pub tier: &'static str,
    pub calls: u64,
    pub calls_pct: f64,
    /// Priced spend of the cell's calls (unpriced calls add nothing).
    pub spend_usd: f64,
    pub spend_pct: f64,
    /// Calls whose output a check can verify (schema, tool arguments, code).
    pub verifiable: u64,
    pub mean_confidence: f64,
    /// Calls a user rule decided.
    pub by_rule: u64,
}

/// The whole distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassDistribution {
    pub calls: u64,
    pub spend_usd: f64,
    /// Calls whose log held no prompt text (classified from tokens and features alone).
    pub calls_without_text: u64,
    pub cells: Vec<ClassCell>,
}

#[derive(Default)]
struct Acc {
    calls: u64,
    spend: Money,
    verifiable: u64,
    confidence: f64,
    by_rule: u64,
}

impl ClassDistribution {
    /// Cells in task order, then tier order; empty cells left out.
    pub fn of(run: &RunOutput) -> ClassDistribution {
        let mut cells: BTreeMap<(Task, Tier), Acc> = BTreeMap::new();
        let mut total = Money::ZERO;
        let mut without_text = 0;
        for row in run.rows.iter() {
            let class = &row.classification;
            let acc = cells.entry((class.task, class.tier)).or_default();
            acc.calls += 1;
            let cost = row.cost.unwrap_or(Money::ZERO);
            acc.spend += cost;
            total += cost;
            acc.verifiable += u64::from(class.verifiable.is_some());
            acc.confidence += f64::from(class.confidence);
            acc.by_rule += u64::from(class.rule.is_some());
            without_text += u64::from(class.reasons.contains(Reason::NoPromptText));
        }
        let calls = run.rows.len() as u64;
        let pct = |part: f64, whole: f64| {
            if whole > 0.0 {
                100.0 * part / whole
            } else {
                0.0
            }
        };
        ClassDistribution {
            calls,
            spend_usd: total.usd(),
            calls_without_text: without_text,
            cells: cells
                .into_iter()
                .map(|((task, tier), acc)| ClassCell {
                    task: task.as_str(),
                    tier: tier.as_str(),
                    calls: acc.calls,
                    calls_pct: pct(acc.calls as f64, calls as f64),
                    spend_usd: acc.spend.usd(),
                    spend_pct: pct(acc.spend.pico() as f64, total.pico() as f64),
                    verifiable: acc.verifiable,
                    mean_confidence: acc.confidence / acc.calls as f64,
                    by_rule: acc.by_rule,
                })
                .collect(),
        }
    }

    pub fn write(
        &self,
        format: ReportFormat,
        unicode: bool,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        let header = [
            "task",
            "tier",
            "calls",
            "% calls",
            "spend",
            "% spend",
            "verifiable",
            "confidence",
            "by rule",
        ];
        match format {
            ReportFormat::Json => {
                crate::escape::write_json(&mut *out, self)?;
                writeln!(out)?;
            }
            ReportFormat::Csv => {
                let mut writer = crate::escape::CsvWriter::new(out);
                writer.write_record([
                    "task",
                    "tier",
                    "calls",
                    "calls_pct",
                    "spend_usd",
                    "spend_pct",
                    "verifiable",
                    "mean_confidence",
                    "by_rule",
                ])?;
                for c in &self.cells {
                    writer.write_record([
                        c.task.to_string(),
                        c.tier.to_string(),
                        c.calls.to_string(),
                        c.calls_pct.to_string(),
                        c.spend_usd.to_string(),
                        c.spend_pct.to_string(),
                        c.verifiable.to_string(),
                        c.mean_confidence.to_string(),
                        c.by_rule.to_string(),
                    ])?;
                }
                writer.flush()?;
            }
            ReportFormat::Table => {
                let mut table = new_table(unicode, &header);
                for c in &self.cells {
                    table.add_row(vec![
                        c.task.to_string(),
                        c.tier.to_string(),
                        count(c.calls),
                        format!("{:.1}%", c.calls_pct),
                        usd(c.spend_usd),
                        format!("{:.1}%", c.spend_pct),
                        count(c.verifiable),
                        format!("{:.2}", c.mean_confidence),
                        count(c.by_rule),
                    ]);
                }
                writeln!(out, "{table}")?;
                writeln!(
                    out,
                    "{} calls, {} priced spend; {} classified without prompt text (lower confidence).",
                    count(self.calls),
                    usd(self.spend_usd),
                    count(self.calls_without_text)
                )?;
            }
        }
        Ok(())
    }
}

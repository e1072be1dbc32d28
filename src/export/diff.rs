//! `--baseline-report`: this run's spend against a previous JSON report, for catching cost
//! regressions between releases. Only the fields every schema version has are read, so a report
//! from an older llm-audit still compares.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::export::{BaselineDiff, ModelChange, Report};

/// What a previous report must hold to be compared with.
#[derive(Debug, Clone, Deserialize)]
pub struct PreviousReport {
    pub schema_version: u32,
    pub baseline: PreviousBaseline,
    pub by_model: Vec<PreviousGroup>,
    #[serde(default)]
    pub unpriced_models: Vec<PreviousGroup>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PreviousBaseline {
    pub cost_usd: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PreviousGroup {
    pub key: String,
    pub calls: u64,
    #[serde(default)]
    pub unpriced_calls: u64,
    pub cost_usd: f64,
}

impl PreviousReport {
    /// Reads a report written by `analyze --format json`.
    pub fn read(path: &Path) -> anyhow::Result<PreviousReport> {
        let text = crate::ingest::read_input_text(path).context("reading the baseline report")?;
        serde_json::from_str(&text).with_context(|| {
            format!(
                "{}: not an llm-audit JSON report (write one with `analyze --format json`)",
                path.display()
            )
        })
    }
}

/// Rounds to a billionth of a dollar, so that differences of f64 amounts print cleanly.
fn round(usd: f64) -> f64 {
    (usd * 1e9).round() / 1e9
}

impl BaselineDiff {
    /// The change from `previous` (read from `name`) to `report`.
    pub fn between(name: &str, previous: &PreviousReport, report: &Report) -> BaselineDiff {
        let mut models: BTreeMap<&str, ModelChange> = BTreeMap::new();
        let blank = |model: &str| ModelChange {
            model: model.to_string(),
            previous_calls: 0,
            calls: 0,
            previous_cost_usd: 0.0,
            cost_usd: 0.0,
            change_usd: 0.0,
        };
        for group in &previous.by_model {
            let entry = models
                .entry(&group.key)
                .or_insert_with(|| blank(&group.key));
            entry.previous_calls = group.calls;
            entry.previous_cost_usd = group.cost_usd;
        }
        for group in &report.by_model {
            let entry = models
                .entry(&group.key)
                .or_insert_with(|| blank(&group.key));
            entry.calls = group.calls;
            entry.cost_usd = group.cost_usd;
        }
        let mut by_model: Vec<ModelChange> = models
            .into_values()
            .map(|mut change| {
                change.change_usd = round(change.cost_usd - change.previous_cost_usd);
                change
            })
            .collect();
        by_model.sort_by(|a, b| {
            b.change_usd
                .abs()
                .total_cmp(&a.change_usd.abs())
                .then_with(|| a.model.cmp(&b.model))
        });
        let keys = |groups: &mut dyn Iterator<Item = &str>| -> BTreeSet<String> {
            groups.map(str::to_string).collect()
        };
        let before = keys(&mut previous.by_model.iter().map(|g| g.key.as_str()));
        let now = keys(&mut report.by_model.iter().map(|g| g.key.as_str()));
        let unpriced_before = keys(&mut previous.unpriced_models.iter().map(|g| g.key.as_str()));
        let unpriced_now = keys(&mut report.unpriced_models.iter().map(|g| g.key.as_str()));
        let previous_cost = previous.baseline.cost_usd;
        let cost = report.baseline.cost_usd;
        BaselineDiff {
            previous: name.to_string(),
            previous_cost_usd: previous_cost,
            cost_usd: cost,
            change_usd: round(cost - previous_cost),
            change_pct: (previous_cost > 0.0)
                .then(|| 100.0 * (cost - previous_cost) / previous_cost),
            by_model,
            new_models: now.difference(&before).cloned().collect(),
            gone_models: before.difference(&now).cloned().collect(),
            new_unpriced_models: unpriced_now.difference(&unpriced_before).cloned().collect(),
        }
    }
}

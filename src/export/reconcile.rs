//! The reconcile report: per provider, how much of the bill the traces explain; per provider,
//! model and day, both sides; and what did not match. Written as a table, JSON or CSV.

use std::io::{self, Write};

use serde::Serialize;

use crate::export::report::{error_samples_of, inputs_of};
use crate::export::terminal::new_table;
use crate::export::{BillingLineReport, ErrorReport, InputReport, ReportFormat, SCHEMA_VERSION};
use crate::human::{count, usd};
use crate::pipeline::RunOutput;
use crate::reconcile::{ProviderCoverage, Reconciliation};
use crate::record::Provider;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReconcileReport {
    pub schema_version: u32,
    pub tool_version: &'static str,
    pub trace_inputs: Vec<InputReport>,
    pub billing_inputs: Vec<InputReport>,
    pub error_samples: Vec<ErrorReport>,
    pub providers: Vec<ProviderReport>,
    pub lines: Vec<LineReport>,
    pub models_only_in_traces: Vec<ModelKey>,
    pub models_only_in_bill: Vec<ModelKey>,
    pub bill_days_without_traces: Vec<DayKey>,
}

/// One provider's headline numbers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProviderReport {
    pub provider: &'static str,
    /// "your traces explain 83.0% of your Anthropic bill; 17.0% is unseen"
    pub headline: String,
    /// `billed` (the export's amounts) or `priced from the bill's tokens`.
    pub bill_cost_basis: &'static str,
    pub bill_cost_usd: f64,
    pub bill_cost_usd_exact: String,
    pub traced_cost_usd: f64,
    pub traced_cost_usd_exact: String,
    /// Bill cost the traces do not explain (negative when they exceed the bill).
    pub unseen_cost_usd: f64,
    /// Traced cost ÷ bill cost, 0–1 (`null` for a $0 bill).
    pub cost_coverage: Option<f64>,
    /// Traced tokens ÷ billed tokens (`null` when the bill reports no tokens).
    pub token_coverage: Option<f64>,
    pub bill_lines: u64,
    pub bill_requests: u64,
    pub bill_tokens: u64,
    pub traced_calls: u64,
    pub traced_tokens: u64,
    /// Traced calls of models the catalog does not know (not in the traced cost).
    pub traced_unpriced_calls: u64,
    /// Traced calls on days the bill does not cover (left out of the coverage).
    pub traced_calls_outside_bill: u64,
    pub bill_unpriced_lines: u64,
    pub bill_foreign_currency_lines: u64,
}

/// One provider, model and day.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LineReport {
    pub provider: &'static str,
    pub model: String,
    pub day: String,
    pub bill: Option<BillingLineReport>,
    pub traced_calls: u64,
    pub traced_tokens: u64,
    pub traced_cost_usd: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ModelKey {
    pub provider: &'static str,
    pub model: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DayKey {
    pub provider: &'static str,
    pub day: String,
}

/// The provider's name as people write it.
fn display_name(provider: Provider) -> &'static str {
    match provider {
        Provider::OpenAi => "OpenAI",
        Provider::Anthropic => "Anthropic",
        Provider::Google => "Google",
        Provider::DeepSeek => "DeepSeek",
        Provider::Mistral => "Mistral",
        Provider::XAi => "xAI",
        Provider::Meta => "Meta",
        Provider::Qwen => "Qwen",
        Provider::Amazon => "Amazon",
        Provider::Moonshot => "Moonshot AI",
        Provider::Zhipu => "Zhipu",
        Provider::Unknown => "unattributed",
    }
}

fn headline(coverage: &ProviderCoverage) -> String {
    let name = display_name(coverage.provider);
    match coverage.cost_coverage() {
        Some(share) if share <= 1.0 => format!(
            "your traces explain {:.1}% of your {name} bill; {:.1}% is unseen",
            100.0 * share,
            100.0 * (1.0 - share)
        ),
        Some(share) => format!(
            "your traces account for {:.1}% of your {name} bill: more than was billed \
             (duplicate traces, or a bill that does not cover every key or day)",
            100.0 * share
        ),
        None => format!("your {name} bill is $0; nothing to explain"),
    }
}

impl ReconcileReport {
    pub fn build(traces: &RunOutput, bill: &RunOutput, result: &Reconciliation) -> Self {
        let mut error_samples = error_samples_of(traces);
        error_samples.extend(error_samples_of(bill));
        ReconcileReport {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION"),
            trace_inputs: inputs_of(traces),
            billing_inputs: inputs_of(bill),
            error_samples,
            providers: result
                .providers
                .iter()
                .map(|p| ProviderReport {
                    provider: p.provider.as_str(),
                    headline: headline(p),
                    bill_cost_basis: p.basis.as_str(),
                    bill_cost_usd: p.bill_cost.usd(),
                    bill_cost_usd_exact: p.bill_cost.to_decimal_string(),
                    traced_cost_usd: p.traces.cost.usd(),
                    traced_cost_usd_exact: p.traces.cost.to_decimal_string(),
                    unseen_cost_usd: p.unseen_cost().usd(),
                    cost_coverage: p.cost_coverage(),
                    token_coverage: p.token_coverage(),
                    bill_lines: p.bill.lines,
                    bill_requests: p.bill.requests,
                    bill_tokens: p.bill.tokens.total(),
                    traced_calls: p.traces.calls,
                    traced_tokens: p.traces.tokens.total(),
                    traced_unpriced_calls: p.traces.unpriced_calls,
                    traced_calls_outside_bill: p.traces_outside_bill.calls,
                    bill_unpriced_lines: p.bill.unpriced_lines,
                    bill_foreign_currency_lines: p.bill.foreign_currency_lines,
                })
                .collect(),
            lines: result
                .lines
                .iter()
                .map(|line| {
                    let traces = line.traces.clone().unwrap_or_default();
                    LineReport {
                        provider: line.key.provider.as_str(),
                        model: line.key.model.clone(),
                        day: line.key.day.clone(),
                        bill: line
                            .bill
                            .as_ref()
                            .map(|bill| BillingLineReport::of(&line.key, bill)),
                        traced_calls: traces.calls,
                        traced_tokens: traces.tokens.total(),
                        traced_cost_usd: traces.cost.usd(),
                    }
                })
                .collect(),
            models_only_in_traces: model_keys(&result.models_only_in_traces),
            models_only_in_bill: model_keys(&result.models_only_in_bill),
            bill_days_without_traces: result
                .bill_days_without_traces
                .iter()
                .map(|(provider, day)| DayKey {
                    provider: provider.as_str(),
                    day: day.clone(),
                })
                .collect(),
        }
    }
}

fn model_keys(keys: &[(Provider, String)]) -> Vec<ModelKey> {
    keys.iter()
        .map(|(provider, model)| ModelKey {
            provider: provider.as_str(),
            model: model.clone(),
        })
        .collect()
}

/// Writes the report in `format` (`table` draws box characters when `unicode`).
pub fn write_reconcile(
    report: &ReconcileReport,
    format: ReportFormat,
    unicode: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        ReportFormat::Json => {
            crate::escape::write_json(&mut *out, report)?;
            out.write_all(b"\n")
        }
        ReportFormat::Csv => write_csv(report, out),
        ReportFormat::Table => write_table(report, unicode, out),
    }
}

fn write_csv(report: &ReconcileReport, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = crate::escape::CsvWriter::new(out);
    writer.write_record([
        "provider",
        "model",
        "day",
        "bill_lines",
        "bill_tokens",
        "billed_usd",
        "bill_priced_usd",
        "traced_calls",
        "traced_tokens",
        "traced_cost_usd",
    ])?;
    let optional = |value: Option<f64>| value.map_or_else(String::new, |v| v.to_string());
    for line in &report.lines {
        let bill = line.bill.as_ref();
        let bill_tokens = bill.map_or(0, |b| {
            b.input_tokens + b.cache_read_tokens + b.cache_write_tokens + b.output_tokens
        });
        writer.write_record([
            line.provider.to_string(),
            line.model.clone(),
            line.day.clone(),
            bill.map_or(0, |b| b.lines).to_string(),
            bill_tokens.to_string(),
            optional(bill.and_then(|b| b.billed_usd)),
            optional(bill.and_then(|b| b.computed_usd)),
            line.traced_calls.to_string(),
            line.traced_tokens.to_string(),
            line.traced_cost_usd.to_string(),
        ])?;
    }
    writer.flush()
}

fn write_table(report: &ReconcileReport, unicode: bool, out: &mut dyn Write) -> io::Result<()> {
    if report.providers.is_empty() {
        writeln!(
            out,
            "llm-audit reconcile: the billing exports hold no usage lines"
        )?;
    }
    for provider in &report.providers {
        writeln!(out, "{}", provider.headline)?;
    }
    writeln!(out)?;
    let mut providers = new_table(
        unicode,
        &[
            "provider",
            "bill",
            "basis",
            "traced",
            "unseen",
            "cost coverage",
            "token coverage",
            "traced calls",
            "outside bill days",
        ],
    );
    let share =
        |value: Option<f64>| value.map_or_else(|| "-".into(), |v| format!("{:.1}%", v * 100.0));
    for p in &report.providers {
        providers.add_row(vec![
            p.provider.to_string(),
            usd(p.bill_cost_usd),
            p.bill_cost_basis.to_string(),
            usd(p.traced_cost_usd),
            usd(p.unseen_cost_usd),
            share(p.cost_coverage),
            share(p.token_coverage),
            count(p.traced_calls),
            count(p.traced_calls_outside_bill),
        ]);
    }
    writeln!(out, "{providers}\n")?;

    let mut lines = new_table(
        unicode,
        &[
            "provider",
            "model",
            "day",
            "billed",
            "our price of bill",
            "traced",
            "traced calls",
        ],
    );
    let money = |value: Option<f64>| value.map_or_else(|| "-".to_string(), usd);
    for line in &report.lines {
        let bill = line.bill.as_ref();
        lines.add_row(vec![
            line.provider.to_string(),
            line.model.clone(),
            line.day.clone(),
            money(bill.and_then(|b| b.billed_usd)),
            money(bill.and_then(|b| b.computed_usd)),
            usd(line.traced_cost_usd),
            count(line.traced_calls),
        ]);
    }
    writeln!(out, "{lines}\n")?;

    let list = |title: &str, items: Vec<String>, out: &mut dyn Write| -> io::Result<()> {
        if !items.is_empty() {
            writeln!(out, "{title}")?;
            for item in items {
                writeln!(out, "  {item}")?;
            }
        }
        Ok(())
    };
    list(
        "Models the traces show and the bill never names:",
        report
            .models_only_in_traces
            .iter()
            .map(|k| format!("{} {}", k.provider, k.model))
            .collect(),
        out,
    )?;
    list(
        "Models the bill names and no trace shows:",
        report
            .models_only_in_bill
            .iter()
            .map(|k| format!("{} {}", k.provider, k.model))
            .collect(),
        out,
    )?;
    list(
        "Days on the bill with no traces:",
        report
            .bill_days_without_traces
            .iter()
            .map(|k| format!("{} {}", k.provider, k.day))
            .collect(),
        out,
    )?;
    for error in &report.error_samples {
        writeln!(
            out,
            "error: {}:{}: {}",
            error.file, error.line, error.message
        )?;
    }
    Ok(())
}

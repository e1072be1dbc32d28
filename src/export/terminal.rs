//! Terminal tables (comfy-table): totals, accounting, spend by model/tier/task, unpriced
//! models and the policy comparison. Plain ASCII when the output is not a terminal.

use std::io::{self, Write};

use comfy_table::presets::{ASCII_FULL_CONDENSED, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, ContentArrangement, Table};

use crate::aggregate::GroupKey;
use crate::export::{
    BillingLineReport, Exporter, GroupReport, PolicyReport, PricingReport, Report,
};

/// Writes the human-readable report.
#[derive(Debug, Default)]
pub struct TableExporter {
    /// Draw box characters (for a terminal) instead of ASCII.
    pub unicode: bool,
}

/// Dollars and cents from $1 (thousands grouped), three significant digits below
/// (`$0.0123`), `$0.00` for nothing.
pub fn usd(amount: f64) -> String {
    if amount.abs() >= 1.0 || !amount.is_finite() {
        return format!("${}", group_thousands(&format!("{amount:.2}")));
    }
    if amount == 0.0 {
        return "$0.00".to_string();
    }
    let decimals = (2 - amount.abs().log10().floor() as i32).clamp(2, 12) as usize;
    let text = format!("{amount:.decimals$}");
    // Rounding may reach a dollar (0.9996 → 1.00).
    if text.trim_start_matches('-').starts_with('1') {
        return format!("${}", group_thousands(&format!("{amount:.2}")));
    }
    format!("${text}")
}

fn group_thousands(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |r| ("-", r));
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

pub(crate) fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

pub(crate) fn ms(value: f64) -> String {
    if value >= 3_600_000.0 {
        format!("{:.1} h", value / 3_600_000.0)
    } else if value >= 10_000.0 {
        format!("{:.1} s", value / 1000.0)
    } else {
        format!("{value:.0} ms")
    }
}

/// A table with `header`, numbers right-aligned. For a terminal (`unicode`): box characters,
/// and cells wrapped to fit its width; otherwise (a pipe, a file) plain ASCII at full width, so
/// that nothing depends on the terminal the command happened to run in.
pub fn new_table(unicode: bool, header: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_preset(if unicode {
            UTF8_FULL_CONDENSED
        } else {
            ASCII_FULL_CONDENSED
        })
        .set_content_arrangement(if unicode {
            ContentArrangement::Dynamic
        } else {
            ContentArrangement::Disabled
        })
        .set_header(header.to_vec());
    for index in 1..header.len() {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

impl TableExporter {
    fn table(&self, header: &[&str]) -> Table {
        new_table(self.unicode, header)
    }

    fn groups(&self, title: &str, groups: &[GroupReport], out: &mut dyn Write) -> io::Result<()> {
        let mut table = self.table(&[
            title,
            "calls",
            "input",
            "cache read",
            "cache write",
            "output",
            "cost",
            "share",
        ]);
        for g in groups {
            let cost = if g.unpriced_calls == g.calls {
                "unpriced".to_string()
            } else {
                usd(g.cost_usd)
            };
            table.add_row(vec![
                g.key.clone(),
                count(g.calls),
                count(g.input_tokens),
                count(g.cache_read_tokens),
                count(g.cache_write_5m_tokens + g.cache_write_1h_tokens),
                count(g.output_tokens),
                cost,
                format!("{:.1}%", g.spend_share_pct),
            ]);
        }
        writeln!(out, "{table}\n")
    }
}

impl TableExporter {
    /// Billing-export lines: billed beside computed, per provider, model and day.
    pub fn billing(&self, lines: &[BillingLineReport], out: &mut dyn Write) -> io::Result<()> {
        let mut table = self.table(&[
            "billed (provider, model, day)",
            "requests",
            "input",
            "cache read",
            "cache write",
            "output",
            "billed",
            "our price",
        ]);
        let money = |value: Option<f64>| value.map_or_else(|| "-".to_string(), usd);
        for line in lines {
            table.add_row(vec![
                format!("{} {} {}", line.provider, line.model, line.day),
                count(line.requests),
                count(line.input_tokens),
                count(line.cache_read_tokens),
                count(line.cache_write_tokens),
                count(line.output_tokens),
                money(line.billed_usd),
                money(line.computed_usd),
            ]);
        }
        writeln!(out, "{table}\n")
    }
}

/// Where the prices came from, and the billing rules beyond tokens that applied.
fn write_pricing_notes(pricing: &PricingReport, out: &mut dyn Write) -> io::Result<()> {
    let mut catalog = format!("Prices: catalog {}", pricing.catalog_version);
    if !pricing.override_files.is_empty() {
        catalog.push_str(&format!(
            "; {} calls priced by an override file",
            count(pricing.calls_priced_by_override)
        ));
    }
    writeln!(out, "{catalog}.")?;
    for (tier, calls) in &pricing.service_tiers {
        writeln!(out, "  {} calls served at the {tier} tier", count(*calls))?;
    }
    if pricing.calls_at_unpriced_tier > 0 {
        writeln!(
            out,
            "  {} calls at a tier the catalog has no price for, billed at standard rates",
            count(pricing.calls_at_unpriced_tier)
        )?;
    }
    for (place, calls) in &pricing.residency {
        writeln!(out, "  {} calls with a {place} uplift", count(*calls))?;
    }
    if pricing.web_search_requests > 0 {
        writeln!(
            out,
            "  {} web-search requests billed per request",
            count(pricing.web_search_requests)
        )?;
    }
    writeln!(out)
}

/// Width the headline is wrapped to when piped, and at most on a terminal: it fits 100 columns.
const HEADLINE_WIDTH: usize = 98;

/// The headline's width: the terminal's, when it is narrower, else [`HEADLINE_WIDTH`].
fn headline_width(terminal: bool) -> usize {
    let columns = terminal.then(|| Table::new().width()).flatten();
    columns.map_or(HEADLINE_WIDTH, |w| {
        usize::from(w).saturating_sub(1).clamp(40, HEADLINE_WIDTH)
    })
}

impl Exporter for TableExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let width = headline_width(self.unicode);
        for line in crate::export::headline(report, &|text| text.to_string()) {
            for part in crate::export::wrap(&line, width, 2) {
                writeln!(out, "{part}")?;
            }
        }
        writeln!(out)?;
        let files = report.inputs.len();
        writeln!(
            out,
            "llm-audit: {} calls from {} file{} — baseline spend {} ({} priced, {} unpriced)\n",
            count(report.calls),
            files,
            if files == 1 { "" } else { "s" },
            usd(report.baseline.cost_usd),
            count(report.baseline.priced_calls),
            count(report.baseline.unpriced_calls),
        )?;

        let mut accounting = self.table(&["records", "count"]);
        accounting.add_row(vec!["read".to_string(), count(report.records)]);
        accounting.add_row(vec!["calls".to_string(), count(report.calls)]);
        if report.buckets > 0 {
            accounting.add_row(vec!["billing lines".to_string(), count(report.buckets)]);
        }
        for (reason, n) in &report.skipped {
            accounting.add_row(vec![format!("skipped: {reason}"), count(*n)]);
        }
        accounting.add_row(vec!["errors".to_string(), count(report.errors)]);
        writeln!(out, "{accounting}")?;
        for error in &report.error_samples {
            writeln!(
                out,
                "  error: {}:{}: {}",
                error.file, error.line, error.message
            )?;
        }
        if report.errors > report.error_samples.len() as u64 {
            writeln!(
                out,
                "  … and {} more errors",
                report.errors - report.error_samples.len() as u64
            )?;
        }
        writeln!(out)?;

        if !report.billing.is_empty() {
            writeln!(
                out,
                "BILLING EXPORTS — what was billed, beside our price of the tokens billed:"
            )?;
            self.billing(&report.billing, out)?;
            if report.calls == 0 {
                return Ok(());
            }
        }

        if !report.filters.is_empty() {
            writeln!(out, "Filtered: {}.\n", report.filters.join("; "))?;
        }
        self.groups("model", &report.by_model, out)?;
        self.groups("tier", &report.by_tier, out)?;
        self.groups("task", &report.by_task, out)?;
        for grouping in &report.groups {
            let time = grouping
                .by
                .parse::<GroupKey>()
                .is_ok_and(|key| key.is_time());
            let title = if time && report.timezone != "UTC" {
                format!("{} ({})", grouping.by, report.timezone)
            } else {
                grouping.by.clone()
            };
            self.groups(&title, &grouping.groups, out)?;
        }

        if !report.unpriced_models.is_empty() {
            writeln!(
                out,
                "UNPRICED MODELS — not in the price catalog, left out of every cost above:"
            )?;
            let mut table = self.table(&["model", "calls", "prompt tokens", "output tokens"]);
            for g in &report.unpriced_models {
                let prompt = g.input_tokens
                    + g.cache_read_tokens
                    + g.cache_write_5m_tokens
                    + g.cache_write_1h_tokens;
                let name = match report
                    .pricing
                    .ambiguous_models
                    .iter()
                    .find(|a| a.name == g.key)
                {
                    Some(ambiguous) => format!(
                        "{} (ambiguous: {})",
                        g.key,
                        ambiguous.candidates.join(" or ")
                    ),
                    None => g.key.clone(),
                };
                table.add_row(vec![
                    name,
                    count(g.calls),
                    count(prompt),
                    count(g.output_tokens),
                ]);
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "Add them with --pricing FILE (schema: data/prices/README.md).\n"
            )?;
        }
        write_pricing_notes(&report.pricing, out)?;

        let mut policies = self.table(&[
            "policy",
            "cost",
            "savings",
            "risk-free",
            "with risk",
            "changed",
            "routed",
            "blocked",
            "p50",
            "p95",
            "degraded calls (95%)",
            "spend at risk",
        ]);
        for p in &report.policies {
            let risk = if p.risk.calls_at_risk == 0 {
                "none".to_string()
            } else {
                format!(
                    "{:.1} ({:.1}–{:.1}) {}",
                    p.risk.expected_degraded_calls,
                    p.risk.degraded_calls_low,
                    p.risk.degraded_calls_high,
                    p.risk.basis
                )
            };
            policies.add_row(vec![
                p.name.to_string(),
                usd(p.cost_usd),
                format!("{} ({:.1}%)", usd(p.savings_usd), p.savings_pct),
                usd(p.risk_free_savings_usd),
                usd(p.risky_savings_usd),
                count(p.calls_changed),
                count(p.actions.routed),
                count(p.calls_blocked),
                ms(p.latency_p50_ms),
                ms(p.latency_p95_ms),
                risk,
                format!("{:.1}%", p.risk.spend_share_at_risk_pct),
            ]);
        }
        writeln!(out, "{policies}")?;
        write_risk_details(&report.policies, out)?;
        write_latency_models(report, out)?;
        write_assumptions(&report.policies, out)?;
        self.findings(report, out)?;
        self.baseline_diff(report, out)?;
        write_gates(report, out)
    }
}

impl TableExporter {
    /// The waste findings, largest kinds first as the report orders them.
    fn findings(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out)?;
        if report.findings.is_empty() {
            return writeln!(out, "WASTE FINDINGS: none found.");
        }
        writeln!(out, "WASTE FINDINGS — what cost money for nothing:")?;
        let mut table = self.table(&["finding", "impact", "calls", "tokens", "sample calls"]);
        for f in &report.findings {
            let title = match &f.subject {
                Some(subject) => format!("{} ({subject})", f.title),
                None => f.title.clone(),
            };
            let ids: Vec<&str> = f
                .sample_call_ids
                .iter()
                .take(3)
                .map(String::as_str)
                .collect();
            table.add_row(vec![
                title,
                usd(f.impact_usd),
                count(f.calls),
                count(f.tokens),
                ids.join(" "),
            ]);
        }
        writeln!(out, "{table}")?;
        for f in &report.findings {
            writeln!(out, "  {}: {}", f.title, f.detail)?;
        }
        Ok(())
    }

    /// Spend against the previous report, per model.
    fn baseline_diff(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let Some(diff) = &report.baseline_diff else {
            return Ok(());
        };
        writeln!(
            out,
            "\nSINCE {}: spend {} → {} ({}{})",
            diff.previous,
            usd(diff.previous_cost_usd),
            usd(diff.cost_usd),
            usd(diff.change_usd),
            diff.change_pct
                .map_or(String::new(), |pct| format!(", {pct:+.1}%"))
        )?;
        let mut table = self.table(&["model", "calls before", "calls", "before", "now", "change"]);
        for m in &diff.by_model {
            table.add_row(vec![
                m.model.clone(),
                count(m.previous_calls),
                count(m.calls),
                usd(m.previous_cost_usd),
                usd(m.cost_usd),
                usd(m.change_usd),
            ]);
        }
        writeln!(out, "{table}")?;
        for (label, models) in [
            ("new models", &diff.new_models),
            ("models gone", &diff.gone_models),
            ("new unpriced models", &diff.new_unpriced_models),
        ] {
            if !models.is_empty() {
                writeln!(out, "  {label}: {}", models.join(", "))?;
            }
        }
        Ok(())
    }
}

/// The gates checked, tripped or held.
fn write_gates(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.gates.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nGates:")?;
    for gate in &report.gates {
        writeln!(
            out,
            "  {} --{}: {}",
            if gate.tripped { "TRIPPED" } else { "held" },
            gate.gate,
            gate.message
        )?;
    }
    Ok(())
}

/// The policies side by side, one column each (`llm-audit compare`), then the cost/risk
/// frontier and each policy's assumptions.
pub fn write_comparison(report: &Report, unicode: bool, out: &mut dyn Write) -> io::Result<()> {
    let width = unicode.then(|| Table::new().width()).flatten();
    write_comparison_in(report, unicode, width, out)
}

/// [`write_comparison`] for a terminal `width` columns wide (`None`: no limit).
pub fn write_comparison_in(
    report: &Report,
    unicode: bool,
    width: Option<u16>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "{} calls, {} priced as logged ({} unpriced).",
        count(report.calls),
        usd(report.baseline.cost_usd),
        count(report.baseline.unpriced_calls)
    )?;
    for table in comparison_tables(&report.policies, unicode, width) {
        writeln!(out, "{table}")?;
    }
    let frontier: Vec<&str> = report
        .policies
        .iter()
        .filter(|p| p.dominated_by.is_none())
        .map(|p| p.name.as_str())
        .collect();
    writeln!(
        out,
        "Cost/risk frontier (no other policy is both cheaper and less risky): {}",
        frontier.join(", ")
    )?;
    write_risk_details(&report.policies, out)?;
    write_latency_models(report, out)?;
    write_assumptions(&report.policies, out)?;
    write_gates(report, out)
}

/// The comparison as tables of at most as many policy columns as fit `width` (one table when
/// no width is known): a wide comparison is split rather than wrapped cell by cell.
fn comparison_tables(policies: &[PolicyReport], unicode: bool, width: Option<u16>) -> Vec<Table> {
    let full = comparison_table(policies, unicode);
    let Some(width) = width else {
        return vec![full];
    };
    // Each column takes its widest cell plus two spaces of padding and one border.
    let widths: Vec<usize> = full
        .column_max_content_widths()
        .iter()
        .map(|w| *w as usize + 3)
        .collect();
    let label = widths.first().copied().unwrap_or(0) + 1;
    let mut chunks: Vec<Vec<&PolicyReport>> = Vec::new();
    let mut used = label;
    for (policy, w) in policies.iter().zip(widths.iter().skip(1)) {
        match chunks.last_mut() {
            Some(chunk) if used + w <= width as usize => chunk.push(policy),
            _ => {
                chunks.push(vec![policy]);
                used = label;
            }
        }
        used += w;
    }
    if chunks.len() <= 1 {
        return vec![full];
    }
    chunks
        .into_iter()
        .map(|chunk| {
            let owned: Vec<PolicyReport> = chunk.into_iter().cloned().collect();
            comparison_table(&owned, unicode)
        })
        .collect()
}

/// One table: a row per measure, a column per policy.
fn comparison_table(policies: &[PolicyReport], unicode: bool) -> Table {
    let mut header = vec![""];
    header.extend(policies.iter().map(|p| p.name.as_str()));
    let mut table = new_table(unicode, &header);
    let row = |label: &str, cell: &dyn Fn(&PolicyReport) -> String| {
        let mut cells = vec![label.to_string()];
        cells.extend(policies.iter().map(cell));
        cells
    };
    table.add_row(row("cost", &|p| usd(p.cost_usd)));
    table.add_row(row("savings", &|p| {
        format!("{} ({:.1}%)", usd(p.savings_usd), p.savings_pct)
    }));
    table.add_row(row("  risk-free", &|p| usd(p.risk_free_savings_usd)));
    table.add_row(row("  with risk", &|p| usd(p.risky_savings_usd)));
    table.add_row(row("latency p50", &|p| ms(p.latency_p50_ms)));
    table.add_row(row("latency p95", &|p| ms(p.latency_p95_ms)));
    table.add_row(row("calls changed", &|p| count(p.calls_changed)));
    table.add_row(row("calls routed", &|p| count(p.actions.routed)));
    table.add_row(row("calls blocked", &|p| count(p.calls_blocked)));
    table.add_row(row("cache hits", &|p| {
        count(p.actions.prompt_cache_reads + p.actions.response_cache_hits)
    }));
    table.add_row(row("batched", &|p| count(p.actions.batched)));
    table.add_row(row("degraded calls", &|p| {
        if p.risk.calls_at_risk == 0 {
            "none".to_string()
        } else {
            format!("{:.1}", p.risk.expected_degraded_calls)
        }
    }));
    table.add_row(row("  95% interval", &|p| {
        format!(
            "{:.1}–{:.1}",
            p.risk.degraded_calls_low, p.risk.degraded_calls_high
        )
    }));
    table.add_row(row("  basis", &|p| {
        if p.risk.calls_at_risk == 0 {
            "-".to_string()
        } else {
            p.risk.basis.to_string()
        }
    }));
    table.add_row(row("frontier", &|p| match &p.dominated_by {
        None => "yes".to_string(),
        Some(by) => format!("dominated by {by}"),
    }));
    table
}

/// What the replays assumed: each assumption once, in the order first met, with the policies
/// it applies to ("every policy" when all of them).
fn write_assumptions(policies: &[PolicyReport], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Assumptions:")?;
    for (assumption, names) in assumptions_by_text(policies) {
        let scope = if names.len() == policies.len() {
            "every policy".to_string()
        } else {
            names.join(", ")
        };
        let text = format!("{assumption} ({scope})");
        for line in crate::export::wrap(&text, HEADLINE_WIDTH - 2, 2) {
            writeln!(out, "  {line}")?;
        }
    }
    Ok(())
}

/// Each distinct assumption, in the order first met, with the names of the policies that made
/// it.
fn assumptions_by_text(policies: &[PolicyReport]) -> Vec<(&str, Vec<&str>)> {
    let mut by_text: Vec<(&str, Vec<&str>)> = Vec::new();
    for policy in policies {
        for assumption in &policy.assumptions {
            match by_text
                .iter_mut()
                .find(|(text, _)| *text == assumption.as_str())
            {
                Some((_, names)) => names.push(&policy.name),
                None => by_text.push((assumption, vec![&policy.name])),
            }
        }
    }
    by_text
}

/// Where each logged model's replayed latency comes from.
fn write_latency_models(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.latency_models.is_empty() {
        return Ok(());
    }
    writeln!(out, "Latency models (first token + time per output token):")?;
    for m in &report.latency_models {
        writeln!(
            out,
            "  {}: {:.0} ms + {:.1} ms/token, {} ({} timed calls{})",
            m.model,
            m.time_to_first_token_ms,
            m.ms_per_output_token,
            m.basis,
            count(m.calls),
            m.source
                .as_deref()
                .map_or(String::new(), |source| format!("; {source}"))
        )?;
    }
    Ok(())
}

/// Per policy that routes calls: blocked calls by gate, risk by tier, cascade escalations.
fn write_risk_details(policies: &[PolicyReport], out: &mut dyn Write) -> io::Result<()> {
    for p in policies {
        if p.calls_blocked > 0 {
            let gates: Vec<String> = p
                .blocked_by
                .iter()
                .map(|b| format!("{} {}", count(b.calls), b.reason))
                .collect();
            writeln!(out, "  {}: blocked by {}", p.name, gates.join(", "))?;
        }
        if p.risk.calls_at_risk > 0 {
            let tiers: Vec<String> = p
                .risk
                .by_tier
                .iter()
                .map(|t| {
                    format!(
                        "{} {:.1} of {} ({:.1}–{:.1})",
                        t.tier,
                        t.expected_degraded_calls,
                        count(t.calls),
                        t.degraded_calls_low,
                        t.degraded_calls_high
                    )
                })
                .collect();
            writeln!(out, "  {}: degraded by tier: {}", p.name, tiers.join("; "))?;
        }
        if p.risk.expected_escalations > 0.0 {
            writeln!(
                out,
                "  {}: {:.1} calls expected to escalate; degraded counts are what the checks miss",
                p.name, p.risk.expected_escalations
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_money_counts_and_durations() {
        assert_eq!(usd(1234567.891), "$1,234,567.89");
        assert_eq!(usd(0.0027925), "$0.00279");
        assert_eq!(usd(-12.5), "$-12.50");
        assert_eq!(count(1000), "1,000");
        assert_eq!(ms(86_400_000.0), "24.0 h");
        assert_eq!(ms(850.0), "850 ms");
    }

    #[test]
    fn each_assumption_is_said_once_with_its_policies() {
        let policy = |name: &str, assumptions: &[&str]| {
            let mut policy: PolicyReport = serde_json::from_value(serde_json::json!({
                "name": name, "description": "", "cost_usd": 0.0, "savings_usd": 0.0,
                "savings_pct": 0.0, "risk_free_savings_usd": 0.0, "risky_savings_usd": 0.0,
                "calls_changed": 0, "actions": {"routed": 0, "cascaded": 0,
                "expected_escalations": 0.0, "batched": 0, "prompt_cache_writes": 0,
                "prompt_cache_reads": 0, "response_cache_hits": 0, "reasoning_capped": 0,
                "output_capped": 0}, "calls_blocked": 0, "blocked_by": [],
                "latency_p50_ms": 0.0, "latency_p95_ms": 0.0, "risk": {"basis": "prior",
                "calls_at_risk": 0, "calls_calibrated": 0, "expected_degraded_calls": 0.0,
                "degraded_calls_low": 0.0, "degraded_calls_high": 0.0,
                "expected_escalations": 0.0, "spend_share_at_risk_pct": 0.0, "by_tier": []},
                "dominated_by": null, "assumptions": []
            }))
            .unwrap();
            policy.assumptions = assumptions.iter().map(|a| a.to_string()).collect();
            policy
        };
        let policies = [
            policy("a", &["latency", "cache"]),
            policy("b", &["latency", "batch"]),
            policy("c", &["latency", "cache"]),
        ];
        assert_eq!(
            assumptions_by_text(&policies),
            [
                ("latency", vec!["a", "b", "c"]),
                ("cache", vec!["a", "c"]),
                ("batch", vec!["b"])
            ]
        );
        let mut out = Vec::new();
        write_assumptions(&policies, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Assumptions:\n  latency (every policy)\n  cache (a, c)\n  batch (b)\n"
        );
    }
}

#[cfg(test)]
mod money_tests {
    use super::usd;

    #[test]
    fn usd_has_cents_from_a_dollar_and_three_significant_digits_below() {
        for (amount, shown) in [
            (1234.5, "$1,234.50"),
            (2.504, "$2.50"),
            (0.1346, "$0.135"),
            (0.0814, "$0.0814"),
            (0.00001024, "$0.0000102"),
            (0.9996, "$1.00"),
            (0.5, "$0.500"),
            (0.0, "$0.00"),
            (-0.0123, "$-0.0123"),
        ] {
            assert_eq!(usd(amount), shown, "{amount}");
        }
    }
}

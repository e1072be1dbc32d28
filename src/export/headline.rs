//! The answer first: what was spent, what to change, what it saves and at what risk, in plain
//! words and dollars, in a few lines that every human-readable report opens with (the terminal
//! table, Markdown and HTML). Every figure is one the JSON report holds.

use crate::aggregate::NONE_KEY;
use crate::export::{FindingReport, PolicyReport, Report, RunRate};
use crate::human::{count, plural, usd};

/// Days a month is taken to have for run rates.
const MONTH_DAYS: f64 = 30.0;

/// The headline's lines; `data` escapes each string that comes from a log (model names, group
/// keys, policy names, finding subjects) for the output format.
pub fn headline(report: &Report, data: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    let billing_lines: u64 = report.billing.iter().map(|line| line.lines).sum();
    let spent = spent(report);
    let mut first = if export_only(report) {
        format!(
            "Billed {} over {}",
            usd(spent),
            plural(billing_lines, "billing line", "billing lines")
        )
    } else {
        format!(
            "Spent {} on {}",
            usd(spent),
            plural(report.calls, "call", "calls")
        )
    };
    match &report.per_month {
        Some(rate) => first.push_str(&format!(
            " from {} to {}: about {} a month at this rate.",
            rate.first_day,
            rate.last_day,
            usd(rate.spend_usd)
        )),
        None => first.push('.'),
    }
    lines.push(first);
    if let Some(model) = report
        .by_model
        .iter()
        .filter(|g| g.unpriced_calls < g.calls)
        .max_by(|a, b| a.spend_share_pct.total_cmp(&b.spend_share_pct))
    {
        let mut largest = format!(
            "Largest model: {} ({:.0}% of spend)",
            data(&model.key),
            model.spend_share_pct
        );
        // The largest group of the first grouping asked for, else by feature, else by
        // project, when the calls carry them.
        if let Some((grouping, group)) =
            report
                .groups
                .iter()
                .chain(&report.by_tag)
                .find_map(|grouping| {
                    let largest = grouping
                        .groups
                        .iter()
                        .filter(|g| g.key != NONE_KEY)
                        .max_by(|a, b| a.spend_share_pct.total_cmp(&b.spend_share_pct))?;
                    Some((grouping, largest))
                })
        {
            largest.push_str(&format!(
                "; largest {}: {} ({:.0}%)",
                data(&grouping.by),
                data(&group.key),
                group.spend_share_pct
            ));
            // A small largest group may only mean that most calls carry no such key.
            if let Some(none) = grouping.groups.iter().find(|g| g.key == NONE_KEY)
                && none.spend_share_pct >= 0.5
            {
                largest.push_str(&format!(
                    ", {:.0}% of spend has no {}",
                    none.spend_share_pct,
                    data(&grouping.by)
                ));
            }
        }
        largest.push('.');
        lines.push(largest);
    }
    let risk_free = best(&report.policies, |p| p.risky_savings_usd == 0.0);
    if let Some(policy) = risk_free {
        lines.push(format!(
            "Without risk: {} saves {}{} ({}){}.",
            data(&policy.name),
            usd(policy.savings_usd),
            monthly(policy.savings_per_month_usd),
            actions(policy),
            estimated(policy)
        ));
    }
    if let Some(policy) = best(&report.policies, |p| p.risky_savings_usd > 0.0) {
        let risk = &policy.risk;
        // What it adds to the plan without risk, when it includes that plan's actions.
        let more = risk_free
            .map(|free| policy.savings_usd - free.savings_usd)
            .filter(|more| *more > 0.0 && policy.risk_free_savings_usd > 0.0)
            .map(|more| format!(", {} more than without risk", usd(more)))
            .unwrap_or_default();
        lines.push(format!(
            "With risk: {} saves {}{}{more}; about {} of {} may get a worse answer (95% \
             range {} to {}, {}).",
            data(&policy.name),
            usd(policy.savings_usd),
            monthly(policy.savings_per_month_usd),
            expected(risk.expected_degraded_calls, risk.degraded_calls_high),
            plural(risk.calls_at_risk, "changed call", "changed calls"),
            expected(risk.degraded_calls_low, risk.degraded_calls_high),
            expected(risk.degraded_calls_high, risk.degraded_calls_high),
            if risk.calls_calibrated > 0 {
                "calibrated on your labels"
            } else {
                "an estimate from published benchmarks, not your labels"
            }
        ));
    }
    let mut findings: Vec<&FindingReport> = report.findings.iter().collect();
    findings.sort_by(|a, b| b.impact_usd.total_cmp(&a.impact_usd));
    for finding in findings.iter().take(3).filter(|f| f.impact_usd > 0.0) {
        let subject = finding
            .subject
            .as_deref()
            .map(|s| format!(" ({})", data(s)))
            .unwrap_or_default();
        lines.push(format!(
            "Waste: {}{subject}: {} over {}{}.",
            finding.title,
            usd(finding.impact_usd),
            plural(finding.calls, "call", "calls"),
            monthly(finding.impact_per_month_usd)
        ));
    }
    caveats(report, &mut lines);
    lines
}

/// `"; $X of it estimated …"` when part of a policy's saving is prompt caching judged from how
/// sessions without text grew, else nothing.
fn estimated(policy: &PolicyReport) -> String {
    if policy.estimated_savings_usd <= 0.0 {
        return String::new();
    }
    format!(
        "; {} of it is an estimate: prompt caching on calls whose logs hold no text, judged \
         from how their session's prompt grew step by step",
        usd(policy.estimated_savings_usd)
    )
}

/// The policy with the largest saving among those `keep` accepts; none without a saving.
fn best(policies: &[PolicyReport], keep: impl Fn(&PolicyReport) -> bool) -> Option<&PolicyReport> {
    policies
        .iter()
        .filter(|p| p.name != "baseline" && p.savings_usd > 0.0 && keep(p))
        .max_by(|a, b| a.savings_usd.total_cmp(&b.savings_usd))
}

/// An expected number of calls, in the precision its range needs: one decimal when the range
/// stays below ten (`0.4`), whole calls when it reaches further (`37`).
fn expected(calls: f64, high: f64) -> String {
    if high < 9.95 {
        format!("{calls:.1}")
    } else {
        count(calls.round() as u64)
    }
}

/// What a policy does, in words.
fn actions(policy: &PolicyReport) -> String {
    let a = &policy.actions;
    let mut done = Vec::new();
    if a.prompt_cache_reads > 0 {
        done.push(plural(
            a.prompt_cache_reads,
            "prompt-cache read",
            "prompt-cache reads",
        ));
    }
    if a.response_cache_hits > 0 {
        done.push(format!(
            "{} answered from a cache",
            count(a.response_cache_hits)
        ));
    }
    if a.batched > 0 {
        done.push(format!("{} batched", plural(a.batched, "call", "calls")));
    }
    if a.routed > 0 {
        done.push(format!("{} moved to cheaper models", count(a.routed)));
    }
    if a.cascaded > 0 {
        done.push(format!("{} cascaded", count(a.cascaded)));
    }
    if done.is_empty() {
        "no call changed".to_string()
    } else {
        done.join(", ")
    }
}

/// What changes the reading, only when it applies.
fn caveats(report: &Report, lines: &mut Vec<String>) {
    let unpriced = report.baseline.unpriced_calls;
    if unpriced > 0 {
        let tokens = |groups: &[crate::export::GroupReport]| -> u64 {
            groups
                .iter()
                .map(|g| {
                    g.input_tokens
                        + g.cache_read_tokens
                        + g.cache_write_5m_tokens
                        + g.cache_write_1h_tokens
                        + g.output_tokens
                })
                .sum()
        };
        lines.push(format!(
            "Not in these figures: {} of {} the price catalog does not know ({:.0}% of calls, \
             {:.0}% of tokens).",
            plural(unpriced, "call", "calls"),
            if report.unpriced_models.len() == 1 {
                "a model"
            } else {
                "models"
            },
            100.0 * unpriced as f64 / report.calls.max(1) as f64,
            100.0 * tokens(&report.unpriced_models) as f64 / tokens(&report.by_model).max(1) as f64
        ));
    }
    let blind = report.baseline.calls_without_prompt_text;
    if blind > 0 {
        lines.push(format!(
            "{} of {} were classified without prompt text (the logs hold none), so their task \
             and tier rest on sizes alone.",
            count(blind),
            plural(report.calls, "call", "calls")
        ));
    }
    let redacted = report.baseline.calls_redacted;
    if redacted > 0 {
        lines.push(format!(
            "{} logged a redaction placeholder where the prompt was: never counted as repeats, \
             and cached only where their session's prompt grows (an estimate).",
            plural(redacted, "call", "calls")
        ));
    }
    let summed = report.baseline.calls_summed;
    if summed > 0 {
        lines.push(format!(
            "{} of {} are whole sessions' totals (the agent keeps no per-call usage): timed once \
             per session, without latency, and priced without long-context tiers.",
            count(summed),
            plural(report.calls, "call", "calls")
        ));
    }
    if report.errors > 0 {
        lines.push(format!(
            "{} could not be read (see the records at the end).",
            plural(report.errors, "record", "records")
        ));
    }
    let billing_lines: u64 = report.billing.iter().map(|line| line.lines).sum();
    if billing_lines > 0 && report.calls > 0 {
        lines.push(format!(
            "Billing exports state {} billed over {}.",
            usd(billed(report)),
            plural(billing_lines, "line", "lines")
        ));
    }
}

/// What was spent: the priced calls' cost, or the billed amount of billing exports alone.
fn spent(report: &Report) -> f64 {
    if export_only(report) {
        billed(report)
    } else {
        report.baseline.cost_usd
    }
}

/// A run of billing exports alone, no call.
fn export_only(report: &Report) -> bool {
    report.calls == 0 && !report.billing.is_empty()
}

/// What the billing exports say was billed.
fn billed(report: &Report) -> f64 {
    report
        .billing
        .iter()
        .filter_map(|line| line.billed_usd)
        .sum()
}

/// Sets what the spend, each policy's savings and each finding's impact come to in a month at
/// the window's rate: 30 days over the days from the first call (or billing line) to the
/// last. Nothing without dates.
pub fn add_run_rates(report: &mut Report) {
    let Some((first, last)) = window(report) else {
        return;
    };
    let days = (last - first).num_days() + 1;
    let factor = MONTH_DAYS / days as f64;
    report.per_month = Some(RunRate {
        first_day: first.to_string(),
        last_day: last.to_string(),
        days: days as u64,
        factor,
        spend_usd: spent(report) * factor,
    });
    for policy in &mut report.policies {
        policy.savings_per_month_usd = Some(policy.savings_usd * factor);
    }
    for finding in &mut report.findings {
        finding.impact_per_month_usd = Some(finding.impact_usd * factor);
    }
}

/// The first and last day with calls (or billing lines, for an export alone).
fn window(report: &Report) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
    let parse = |key: &str| chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d").ok();
    let days = report
        .by_day
        .iter()
        .map(|g| g.key.as_str())
        .chain(report.billing.iter().map(|line| line.day.as_str()))
        .filter_map(parse);
    let (mut first, mut last) = (None::<chrono::NaiveDate>, None::<chrono::NaiveDate>);
    for day in days {
        first = Some(first.map_or(day, |f| f.min(day)));
        last = Some(last.map_or(day, |l| l.max(day)));
    }
    Some((first?, last?))
}

fn monthly(amount: Option<f64>) -> String {
    amount.map_or_else(String::new, |month| {
        format!(" (about {} a month)", usd(month))
    })
}

/// `text` cut into lines of at most `width` characters at spaces, the later ones indented by
/// `indent` spaces.
pub fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
            line.push_str(&" ".repeat(indent));
        }
        if !line.trim().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_lines_within_the_width() {
        let text = "Without risk: prompt-cache saves $1,234.56 (about $98.76 a month) (1,234 prompt-cache reads, 56 answered from a cache).";
        let lines = wrap(text, 40, 2);
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:#?}");
        assert_eq!(
            lines.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
        assert!(lines[1].starts_with("  ") && !lines[1].starts_with("   "));
    }
}

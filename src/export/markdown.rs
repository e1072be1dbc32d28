//! The Markdown summary: compact enough for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
//! Headline, policies, spend by model, waste findings, and — when asked for — the change since
//! a previous report and the gates. Top rows only; the JSON report has everything.

use std::io::{self, Write};

use crate::escape::markdown_text;
use crate::export::{Exporter, GroupReport, Report};
use crate::human::{count, usd};

/// Rows shown per table.
const TOP: usize = 10;

pub struct MarkdownExporter;

/// Text from a log in a cell or a sentence: it cannot break the table, link, load an image or
/// inject HTML ([`markdown_text`]).
fn cell(text: &str) -> String {
    markdown_text(text)
}

fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    writeln!(out, "| {} |", header.join(" | "))?;
    let align: Vec<&str> = (0..header.len())
        .map(|i| if i == 0 { "---" } else { "---:" })
        .collect();
    writeln!(out, "|{}|", align.join("|"))?;
    for row in rows {
        writeln!(out, "| {} |", row.join(" | "))?;
    }
    writeln!(out)
}

fn groups(out: &mut dyn Write, title: &str, groups: &[GroupReport]) -> io::Result<()> {
    if groups.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Spend by {title}\n")?;
    let rows: Vec<Vec<String>> = groups
        .iter()
        .take(TOP)
        .map(|g| {
            vec![
                cell(&g.key),
                count(g.calls),
                if g.unpriced_calls == g.calls {
                    "unpriced".into()
                } else {
                    usd(g.cost_usd)
                },
                format!("{:.1}%", g.spend_share_pct),
            ]
        })
        .collect();
    table(out, &[title, "calls", "cost", "share"], &rows)?;
    if groups.len() > TOP {
        writeln!(out, "_…and {} more._\n", groups.len() - TOP)?;
    }
    Ok(())
}

impl Exporter for MarkdownExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "## llm-audit: {} over {} calls\n",
            usd(report.baseline.cost_usd),
            count(report.calls)
        )?;
        let mut facts = vec![
            format!("{} priced", count(report.baseline.priced_calls)),
            format!("{} records read", count(report.records)),
            format!("{} skipped", count(report.skipped.values().sum())),
            format!("{} errors", count(report.errors)),
            format!("catalog {}", cell(&report.catalog_version)),
        ];
        if report.timezone != "UTC" {
            facts.push(format!("days in {}", cell(&report.timezone)));
        }
        if !report.filters.is_empty() {
            facts.push(format!("filtered: {}", cell(&report.filters.join("; "))));
        }
        writeln!(out, "{}\n", facts.join(" · "))?;
        for line in crate::export::headline(report, &|text| cell(text)) {
            writeln!(out, "- {line}")?;
        }
        writeln!(out)?;
        if report.baseline.unpriced_calls > 0 {
            let names: Vec<String> = report
                .unpriced_models
                .iter()
                .map(|m| format!("{} ({})", cell(&m.key), count(m.calls)))
                .collect();
            writeln!(
                out,
                "> **Warning:** {} calls of models the catalog does not price are left out of \
                 every cost: {}.\n",
                count(report.baseline.unpriced_calls),
                names.join(", ")
            )?;
        }

        if !report.policies.is_empty() {
            writeln!(out, "### Policies\n")?;
            let rows: Vec<Vec<String>> = report
                .policies
                .iter()
                .map(|p| {
                    vec![
                        cell(&p.name),
                        usd(p.cost_usd),
                        format!("{} ({:.1}%)", usd(p.savings_usd), p.savings_pct),
                        usd(p.risk_free_savings_usd),
                        usd(p.risky_savings_usd),
                        p.risk.degraded_text(),
                        match &p.dominated_by {
                            None => "yes".into(),
                            Some(by) => format!("no ({})", cell(by)),
                        },
                    ]
                })
                .collect();
            table(
                out,
                &[
                    "policy",
                    "cost",
                    "savings",
                    "risk-free",
                    "with risk",
                    "degraded calls (95%)",
                    "frontier",
                ],
                &rows,
            )?;
            writeln!(
                out,
                "_Risk-free savings (caching, batch) change no answer; savings with risk come \
                 from model changes and caps, whose degraded calls are estimates with a 95% \
                 interval._\n"
            )?;
        }

        groups(out, "model", &report.by_model)?;
        for grouping in &report.groups {
            groups(out, &grouping.by, &grouping.groups)?;
        }

        writeln!(out, "### Waste findings\n")?;
        if report.findings.is_empty() {
            writeln!(out, "No waste found.\n")?;
        } else {
            let rows: Vec<Vec<String>> = report
                .findings
                .iter()
                .take(TOP)
                .map(|f| {
                    let ids: Vec<String> = f
                        .sample_call_ids
                        .iter()
                        .take(3)
                        .map(|id| cell(id))
                        .collect();
                    vec![
                        match &f.subject {
                            Some(subject) => format!("{} ({})", f.title, cell(subject)),
                            None => f.title.clone(),
                        },
                        usd(f.impact_usd),
                        count(f.calls),
                        ids.join(" "),
                    ]
                })
                .collect();
            table(out, &["finding", "impact", "calls", "sample calls"], &rows)?;
        }

        if report.meaningful_responses.all.attempts > 0 {
            writeln!(out, "### Cost per answer\n")?;
            writeln!(out, "{}\n", report.meaningful_responses.all.sentence())?;
            if let Some(failures) = report.failures.sentence() {
                writeln!(out, "{failures}\n")?;
            }
        }
        if !report.sessions.top.is_empty() {
            writeln!(out, "### Costliest sessions\n")?;
            let rows: Vec<Vec<String>> = report
                .sessions
                .top
                .iter()
                .take(TOP)
                .map(|s| {
                    vec![
                        cell(&s.session),
                        count(s.calls),
                        count(s.peak_prompt_tokens),
                        usd(s.cost_usd),
                    ]
                })
                .collect();
            table(
                out,
                &["session", "calls", "peak prompt tokens", "cost"],
                &rows,
            )?;
        }

        if let Some(diff) = &report.baseline_diff {
            writeln!(out, "### Change since {}\n", cell(&diff.previous))?;
            writeln!(
                out,
                "Spend {} → {} ({}{}).\n",
                usd(diff.previous_cost_usd),
                usd(diff.cost_usd),
                if diff.change_usd >= 0.0 { "+" } else { "" },
                match diff.change_pct {
                    Some(pct) => format!("{}, {pct:+.1}%", usd(diff.change_usd)),
                    None => usd(diff.change_usd),
                }
            )?;
            let rows: Vec<Vec<String>> = diff
                .by_model
                .iter()
                .filter(|m| m.change_usd != 0.0 || m.calls != m.previous_calls)
                .take(TOP)
                .map(|m| {
                    vec![
                        cell(&m.model),
                        usd(m.previous_cost_usd),
                        usd(m.cost_usd),
                        usd(m.change_usd),
                    ]
                })
                .collect();
            if !rows.is_empty() {
                table(out, &["model", "before", "now", "change"], &rows)?;
            }
            for (label, models) in [
                ("New models", &diff.new_models),
                ("New unpriced models", &diff.new_unpriced_models),
            ] {
                if !models.is_empty() {
                    let names: Vec<String> = models.iter().map(|m| cell(m)).collect();
                    writeln!(out, "{label}: {}.\n", names.join(", "))?;
                }
            }
        }

        if !report.gates.is_empty() {
            writeln!(out, "### Gates\n")?;
            for gate in &report.gates {
                writeln!(
                    out,
                    "- {} `--{}`: {}",
                    if gate.tripped {
                        "❌ tripped"
                    } else {
                        "✅ held"
                    },
                    gate.gate,
                    cell(&gate.message)
                )?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

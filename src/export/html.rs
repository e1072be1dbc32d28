//! The HTML report: one self-contained file (inline CSS, charts as inline SVG, no script, no
//! network) to open in a browser or attach to a ticket. Every string from the report is
//! escaped: model names, tags and paths come from logs.

mod charts;
mod comparisons;
mod outcomes;
#[cfg(test)]
mod tests;

use std::fmt::{self, Write as _};
use std::io::{self, Write};

use crate::escape::html_text;
use crate::export::{Exporter, FindingReport, PolicyReport, Report};
use crate::human::{count, ms, usd};

/// The page's style sheet, inlined in every report.
const STYLE: &str = include_str!("../../data/html/report.css");

/// Forbids every fetch and script: the report is read offline, and a log string that escaped
/// escaping still could not run.
const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Writes the report as one HTML page.
#[derive(Debug, Default)]
pub struct HtmlExporter;

impl Exporter for HtmlExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut page = String::new();
        write_page(&mut page, report).map_err(io::Error::other)?;
        out.write_all(page.as_bytes())
    }
}

/// Text made safe for HTML content and attribute values ([`html_text`]).
fn escape(text: &str) -> String {
    html_text(text)
}

/// A table row: each cell is already HTML; cells after the first are numbers unless they
/// start with a tag of their own.
fn row(out: &mut String, cells: &[String]) -> fmt::Result {
    out.push_str("<tr>");
    for (i, cell) in cells.iter().enumerate() {
        let class = if i == 0 { "" } else { " class=\"num\"" };
        write!(out, "<td{class}>{cell}</td>")?;
    }
    out.push_str("</tr>\n");
    Ok(())
}

/// A table head: first column text, the rest numbers.
fn head(out: &mut String, titles: &[&str]) -> fmt::Result {
    out.push_str("<table><thead><tr>");
    for (i, title) in titles.iter().enumerate() {
        let class = if i == 0 { "" } else { " class=\"num\"" };
        write!(out, "<th{class}>{title}</th>")?;
    }
    out.push_str("</tr></thead><tbody>\n");
    Ok(())
}

/// The whole page: head, the six sections, footer.
fn write_page(out: &mut String, report: &Report) -> fmt::Result {
    writeln!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <link rel=\"icon\" href=\"data:,\"><title>llm-audit report</title><style>{STYLE}</style>\
         </head><body><main>"
    )?;
    write_summary(out, report)?;
    write_spend_over_time(out, report)?;
    write_tiers_and_tasks(out, report)?;
    write_policies(out, &report.policies)?;
    write_findings(out, &report.findings)?;
    outcomes::write_outcomes(out, report)?;
    comparisons::write_groups(out, &report.groups)?;
    if let Some(diff) = &report.baseline_diff {
        comparisons::write_baseline_diff(out, diff)?;
    }
    comparisons::write_gates(out, &report.gates)?;
    write!(
        out,
        "<footer>llm-audit {} · report schema {} · one self-contained file: no scripts, no network \
         requests.</footer></main></body></html>",
        escape(&report.tool_version),
        report.schema_version
    )
}

/// Section 1: totals, unpriced models, filters, inputs, skipped records and errors.
fn write_summary(out: &mut String, report: &Report) -> fmt::Result {
    write!(
        out,
        "<header><h1>LLM spend audit</h1><p class=\"meta\">llm-audit {} · price catalog {} · days in \
         {}</p></header><section id=\"answer\"><h2>The answer</h2><ul>",
        escape(&report.tool_version),
        escape(&report.catalog_version),
        escape(&report.timezone)
    )?;
    // The headline's own words hold no HTML special; each line is escaped whole.
    for line in crate::export::headline(report, &|text| text.to_string()) {
        write!(out, "<li>{}</li>", escape(&line))?;
    }
    write!(
        out,
        "</ul></section><section id=\"summary\"><h2>Summary</h2><div class=\"cards\">"
    )?;
    let skipped: u64 = report.skipped.values().sum();
    let baseline = &report.baseline;
    let cards = [
        (
            "Baseline spend",
            usd(baseline.cost_usd),
            "priced calls, as logged",
            false,
        ),
        ("Calls", count(report.calls), "model calls read", false),
        (
            "Priced",
            count(baseline.priced_calls),
            "calls with a catalog price",
            false,
        ),
        (
            "Unpriced",
            count(baseline.unpriced_calls),
            "not in the spend",
            baseline.unpriced_calls > 0,
        ),
        (
            "Records",
            count(report.records),
            "lines, rows and spans read",
            false,
        ),
        (
            "Skipped",
            count(skipped),
            "records that are not billable calls",
            false,
        ),
        (
            "Errors",
            count(report.errors),
            "records that could not be read",
            report.errors > 0,
        ),
    ];
    for (title, value, note, warn) in cards {
        let class = if warn { "card warn" } else { "card" };
        write!(
            out,
            "<div class=\"{class}\"><div class=\"card-title\">{title}</div>\
             <div class=\"card-value\">{value}</div><div class=\"card-note\">{note}</div></div>"
        )?;
    }
    out.push_str("</div>\n");

    if !report.unpriced_models.is_empty() {
        write!(
            out,
            "<div class=\"alert\"><strong>{} calls of {} models have no price in catalog {}</strong>: \
             they are left out of the spend and of every saving. Add them with <code>--pricing</code>.",
            count(baseline.unpriced_calls),
            report.unpriced_models.len(),
            escape(&report.catalog_version)
        )?;
        head(
            out,
            &["unpriced model", "calls", "input tokens", "output tokens"],
        )?;
        for model in &report.unpriced_models {
            row(
                out,
                &[
                    escape(&model.key),
                    count(model.calls),
                    count(model.input_tokens),
                    count(model.output_tokens),
                ],
            )?;
        }
        out.push_str("</tbody></table></div>\n");
    }

    if report.filters.is_empty() {
        out.push_str("<p><strong>Filters:</strong> none, every call read is counted.</p>\n");
    } else {
        let filters: Vec<String> = report.filters.iter().map(|f| escape(f)).collect();
        writeln!(
            out,
            "<p><strong>Filters:</strong> {}. Calls left out count as skipped.</p>",
            filters.join("; ")
        )?;
    }

    write!(
        out,
        "<details><summary>Inputs: {} files, {} records, {} calls</summary>",
        report.inputs.len(),
        count(report.records),
        count(report.calls)
    )?;
    head(
        out,
        &[
            "file",
            "format",
            "records",
            "calls",
            "skipped",
            "errors",
            "stated cost",
        ],
    )?;
    for input in &report.inputs {
        row(
            out,
            &[
                format!("<code>{}</code>", escape(&input.path)),
                escape(input.format.as_deref().unwrap_or("-")),
                count(input.records),
                count(input.calls),
                count(input.skipped),
                count(input.errors),
                input.stated_cost_usd.map_or_else(|| "-".to_string(), usd),
            ],
        )?;
    }
    out.push_str("</tbody></table></details>\n");

    if !report.skipped.is_empty() {
        write!(
            out,
            "<details><summary>Skipped records: {}, by reason</summary>",
            count(skipped)
        )?;
        head(out, &["reason", "records"])?;
        for (reason, records) in &report.skipped {
            row(out, &[escape(reason), count(*records)])?;
        }
        out.push_str("</tbody></table></details>\n");
    }
    if !report.error_samples.is_empty() {
        out.push_str("<h3>First errors</h3>");
        head(out, &["file", "line", "error"])?;
        for error in &report.error_samples {
            writeln!(
                out,
                "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td>{}</td></tr>",
                escape(&error.file),
                error.line,
                escape(&error.message)
            )?;
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
    Ok(())
}

/// Section 2: spend per day stacked by model.
fn write_spend_over_time(out: &mut String, report: &Report) -> fmt::Result {
    write!(
        out,
        "<section id=\"spend-over-time\"><h2>Spend over time by model</h2><p class=\"note\">Priced \
         spend per day (days in {}), the models with most spend apart, the rest as “other”. Hover a \
         bar for its amount.</p>",
        escape(&report.timezone)
    )?;
    match charts::spend_over_time(&report.spend_over_time)? {
        None => out.push_str("<p class=\"empty\">No priced spend to draw.</p>"),
        Some((svg, legend)) => {
            out.push_str(&svg);
            out.push_str("<ul class=\"legend\">");
            for entry in legend {
                write!(
                    out,
                    "<li><span class=\"swatch\" style=\"background:{}\"></span>{} <span \
                     class=\"muted\">{}</span></li>",
                    entry.colour,
                    escape(&entry.label),
                    usd(entry.cost_usd)
                )?;
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str("</section>\n");
    Ok(())
}

/// Section 3: spend by complexity tier and by task, side by side.
fn write_tiers_and_tasks(out: &mut String, report: &Report) -> fmt::Result {
    out.push_str(
        "<section id=\"spend-by-tier-task\"><h2>Spend by tier and by task</h2><div class=\"pair\">",
    );
    for (title, groups) in [("By tier", &report.by_tier), ("By task", &report.by_task)] {
        write!(out, "<figure><figcaption>{title}</figcaption>")?;
        match charts::spend_bars(title, groups)? {
            Some(svg) => out.push_str(&svg),
            None => out.push_str("<p class=\"empty\">No calls.</p>"),
        }
        out.push_str("</figure>");
    }
    out.push_str("</div></section>\n");
    Ok(())
}

/// Section 4: the policies' savings against their risk, then the comparison table.
fn write_policies(out: &mut String, policies: &[PolicyReport]) -> fmt::Result {
    out.push_str(
        "<section id=\"policies\"><h2>Policies: savings against risk</h2><p class=\"note\">Each \
         policy replayed on the same calls. Right is riskier (expected answers a cheaper model \
         would get wrong, with the 95% interval), up saves more. Filled points are on the \
         frontier: no other policy costs less without risking more.</p>",
    );
    match charts::policy_scatter(policies)? {
        None => {
            out.push_str("<p class=\"empty\">No policies were replayed.</p></section>\n");
            return Ok(());
        }
        Some(svg) => out.push_str(&svg),
    }
    out.push_str("<div class=\"policies\">");
    head(
        out,
        &[
            "policy",
            "cost",
            "savings",
            "risk-free savings",
            "savings with risk",
            "latency p50 / p95",
            "calls changed",
            "expected degraded (95%)",
            "dominated by",
        ],
    )?;
    for policy in policies {
        let risk = &policy.risk;
        let dominated = match &policy.dominated_by {
            None => "<span class=\"badge frontier\">frontier</span>".to_string(),
            Some(name) => escape(name),
        };
        row(
            out,
            &[
                format!(
                    "<strong>{}</strong><div class=\"muted\">{}</div>",
                    escape(&policy.name),
                    escape(&policy.description)
                ),
                usd(policy.cost_usd),
                format!("{} ({:.1}%)", usd(policy.savings_usd), policy.savings_pct),
                format!(
                    "<span class=\"safe\">{}</span>",
                    usd(policy.risk_free_savings_usd)
                ),
                format!(
                    "<span class=\"risky\">{}</span>",
                    usd(policy.risky_savings_usd)
                ),
                format!(
                    "{} / {}",
                    ms(policy.latency_p50_ms),
                    ms(policy.latency_p95_ms)
                ),
                count(policy.calls_changed),
                format!(
                    "{:.2} <span class=\"muted\">({:.2} to {:.2})</span>",
                    risk.expected_degraded_calls, risk.degraded_calls_low, risk.degraded_calls_high
                ),
                dominated,
            ],
        )?;
    }
    out.push_str("</tbody></table></div>\n");

    // The same assumption often holds for several policies: list each once, with who makes it.
    let mut assumptions: Vec<(&str, Vec<&str>)> = Vec::new();
    for policy in policies {
        for assumption in &policy.assumptions {
            match assumptions.iter_mut().find(|(text, _)| text == assumption) {
                Some((_, names)) => names.push(&policy.name),
                None => assumptions.push((assumption, vec![&policy.name])),
            }
        }
    }
    if !assumptions.is_empty() {
        out.push_str("<details><summary>Assumptions of the replays</summary><ul>");
        for (text, names) in assumptions {
            let who = if names.len() == policies.len() {
                "all policies".to_string()
            } else {
                names
                    .iter()
                    .map(|n| escape(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            write!(
                out,
                "<li>{} <span class=\"muted\">({who})</span></li>",
                escape(text)
            )?;
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</section>\n");
    Ok(())
}

/// Section 5: what cost money for nothing.
fn write_findings(out: &mut String, findings: &[FindingReport]) -> fmt::Result {
    out.push_str("<section id=\"findings\"><h2>Waste findings</h2>");
    if findings.is_empty() {
        out.push_str("<p class=\"ok\">No waste found.</p></section>\n");
        return Ok(());
    }
    let total: f64 = findings.iter().map(|f| f.impact_usd).sum();
    write!(
        out,
        "<p class=\"note\">{} findings, {} of spend in all (a call can appear in more than one).</p>",
        findings.len(),
        usd(total)
    )?;
    head(
        out,
        &[
            "finding",
            "impact",
            "calls",
            "tokens",
            "sample call ids",
            "detail",
        ],
    )?;
    for finding in findings {
        let subject = finding
            .subject
            .as_deref()
            .map(|s| format!("<div class=\"muted\"><code>{}</code></div>", escape(s)))
            .unwrap_or_default();
        let samples = finding
            .sample_call_ids
            .iter()
            .map(|id| format!("<code>{}</code>", escape(id)))
            .collect::<Vec<_>>()
            .join(" ");
        writeln!(
            out,
            "<tr><td><strong>{}</strong>{subject}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"ids\">{samples}</td><td>{}</td></tr>",
            escape(&finding.title),
            usd(finding.impact_usd),
            count(finding.calls),
            count(finding.tokens),
            escape(&finding.detail)
        )?;
    }
    out.push_str("</tbody></table></section>\n");
    Ok(())
}

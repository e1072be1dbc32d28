//! The human-readable report: the headline first, then the details under headings (spend by
//! model, tier, task and each `--group-by` key, the policy comparison, waste findings,
//! assumptions) and the records accounting last. `--summary` stops after the headline;
//! `--full` adds the wide tables with exact counts, latency models and risk by tier.
//!
//! Tables fit the terminal, or 100 columns when piped: numbers are compact and a long first
//! cell (a model name, a group key) is shortened in the middle, never wrapped. Plain ASCII
//! when the output is not a terminal.

use std::io::{self, Write};

use comfy_table::presets::{ASCII_FULL_CONDENSED, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, ContentArrangement, Table};

use crate::aggregate::{GroupKey, NONE_KEY};
use crate::export::{
    BillingLineReport, Exporter, GroupReport, PolicyReport, PricingReport, Report, TOP_SESSIONS,
};
use crate::human::{count, ms, plural, tokens, usd};

/// How much of the report the table format shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// The headline alone.
    Summary,
    /// The headline, then compact tables that fit the terminal (100 columns when piped).
    #[default]
    Standard,
    /// Everything, the tables at full width with exact counts.
    Full,
}

/// Writes the human-readable report.
#[derive(Debug, Default)]
pub struct TableExporter {
    /// Draw box characters (for a terminal) instead of ASCII.
    pub unicode: bool,
    pub detail: Detail,
    /// The columns to fit; `None`: the terminal's, else [`PIPED_WIDTH`].
    pub width: Option<usize>,
}

/// The columns a report fits when piped, so that nothing depends on the terminal the command
/// happened to run in.
pub const PIPED_WIDTH: usize = 100;

/// The headline and prose are wrapped to at most this many columns, even on a wide terminal.
const PROSE_WIDTH: usize = 98;

/// A first column is never shortened below this many characters.
const MIN_FIRST_COLUMN: usize = 16;

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
    right_align(&mut table, header.len());
    table
}

fn right_align(table: &mut Table, columns: usize) {
    for index in 1..columns {
        if let Some(column) = table.column_mut(index) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Column separators are spaces; one rule under the header.
const LIGHT_UTF8: &str = "     ──            ";
const LIGHT_ASCII: &str = "     --            ";

/// `text` cut to `room` characters in the middle (`claude-…-4-5`), when longer.
fn shorten(text: &str, room: usize) -> String {
    let length = text.chars().count();
    if length <= room {
        return text.to_string();
    }
    let tail = (room - 1) / 2;
    let head = room - 1 - tail;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(length - tail).collect();
    format!("{start}…{end}")
}

/// The widest line of each column, header lines included.
fn column_widths(header: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    let widest = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    (0..header.len())
        .map(|i| {
            rows.iter()
                .filter_map(|row| row.get(i))
                .map(|cell| widest(cell))
                .chain([widest(header[i])])
                .max()
                .unwrap_or(0)
        })
        .collect()
}

/// The terminal's width, when writing to one (`unicode`).
fn terminal_columns(unicode: bool) -> Option<u16> {
    unicode.then(|| Table::new().width()).flatten()
}

/// Writes `text` wrapped to fit `columns` (at most [`PROSE_WIDTH`]), `lead` spaces in, later
/// lines two more.
fn write_prose(out: &mut dyn Write, columns: usize, lead: usize, text: &str) -> io::Result<()> {
    let width = columns
        .saturating_sub(1)
        .clamp(40, PROSE_WIDTH)
        .saturating_sub(lead);
    for line in crate::export::wrap(text, width, 2) {
        writeln!(out, "{}{line}", " ".repeat(lead))?;
    }
    Ok(())
}

/// The headline, wrapped to fit `columns`.
fn write_headline(report: &Report, columns: usize, out: &mut dyn Write) -> io::Result<()> {
    for line in crate::export::headline(report, &|text| text.to_string()) {
        write_prose(out, columns, 0, &line)?;
    }
    Ok(())
}

impl TableExporter {
    /// The columns the tables fit, `None` for no limit (`--full`).
    fn table_width(&self) -> Option<usize> {
        if self.detail == Detail::Full {
            return None;
        }
        Some(self.width.unwrap_or_else(|| self.terminal_width()))
    }

    /// The terminal's width on a terminal, else [`PIPED_WIDTH`].
    fn terminal_width(&self) -> usize {
        terminal_columns(self.unicode).map_or(PIPED_WIDTH, usize::from)
    }

    /// Writes `text` wrapped to the prose width of the terminal (or `width`), `lead` spaces
    /// in, later lines two more.
    fn prose(&self, out: &mut dyn Write, lead: usize, text: &str) -> io::Result<()> {
        let columns = self.width.unwrap_or_else(|| self.terminal_width());
        write_prose(out, columns, lead, text)
    }

    /// A table of `rows` under `header` (a `\n` in a header cell starts its second line),
    /// numbers right-aligned, its first column shortened so that the table fits
    /// [`Self::table_width`].
    fn fitted(&self, header: &[&str], rows: Vec<Vec<String>>) -> String {
        let render = |rows: &[Vec<String>]| {
            let mut table = Table::new();
            table
                .load_preset(if self.unicode {
                    LIGHT_UTF8
                } else {
                    LIGHT_ASCII
                })
                .set_content_arrangement(ContentArrangement::Disabled)
                .set_header(header.to_vec());
            right_align(&mut table, header.len());
            for row in rows {
                table.add_row(row.clone());
            }
            // Columns are two spaces apart: the missing separator and one space of padding.
            for column in table.column_iter_mut() {
                column.set_padding((1, 0));
            }
            // Padding after the last column is no use to anyone.
            table
                .lines()
                .map(|line| line.trim_end().to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let text = render(&rows);
        let Some(width) = self.table_width() else {
            return text;
        };
        let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        if widest <= width {
            return text;
        }
        let first = column_widths(header, &rows)[0];
        let room = first.saturating_sub(widest - width).max(MIN_FIRST_COLUMN);
        let shortened: Vec<Vec<String>> = rows
            .into_iter()
            .map(|mut row| {
                row[0] = shorten(&row[0], room);
                row
            })
            .collect();
        render(&shortened)
    }

    /// [`Self::fitted`], leaving out the `optional` columns (by index) when the table is wider
    /// than the terminal even with its first column shortened.
    fn fitted_or_without(
        &self,
        header: &[&str],
        rows: Vec<Vec<String>>,
        optional: &[usize],
    ) -> String {
        let text = self.fitted(header, rows.clone());
        let Some(width) = self.table_width() else {
            return text;
        };
        if text.lines().all(|line| line.chars().count() <= width) {
            return text;
        }
        let kept = |column: &usize| !optional.contains(column);
        let header: Vec<&str> = (0..header.len())
            .filter(kept)
            .map(|column| header[column])
            .collect();
        let rows = rows
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .enumerate()
                    .filter(|(column, _)| kept(column))
                    .map(|(_, cell)| cell)
                    .collect()
            })
            .collect();
        self.fitted(&header, rows)
    }

    /// A section heading, and what it shows in a few words.
    fn heading(&self, out: &mut dyn Write, title: &str, about: &str) -> io::Result<()> {
        writeln!(out)?;
        if about.is_empty() {
            writeln!(out, "{title}")
        } else {
            self.prose(out, 0, &format!("{title} — {about}"))
        }
    }

    /// Spend and tokens by group: compact, or every bucket exact with `--full`.
    fn groups(&self, title: &str, groups: &[GroupReport], out: &mut dyn Write) -> io::Result<()> {
        let full = self.detail == Detail::Full;
        let header: &[&str] = if full {
            &[
                title,
                "calls",
                "input",
                "cache read",
                "cache write",
                "output",
                "reasoning",
                "reasoning cost",
                "cost",
                "share",
            ]
        } else {
            &[
                title,
                "calls",
                "prompt",
                "cached",
                "output",
                "reasoning",
                "reasoning\ncost",
                "cost",
                "share",
            ]
        };
        let rows = groups
            .iter()
            .map(|g| {
                let cost = if g.unpriced_calls == g.calls {
                    "unpriced".to_string()
                } else {
                    usd(g.cost_usd)
                };
                let cache_write = g.cache_write_5m_tokens + g.cache_write_1h_tokens;
                let mut row = vec![g.key.clone(), count(g.calls)];
                if full {
                    row.extend([
                        count(g.input_tokens),
                        count(g.cache_read_tokens),
                        count(cache_write),
                        count(g.output_tokens),
                        count(g.reasoning_tokens),
                    ]);
                } else {
                    let prompt = g.input_tokens + g.cache_read_tokens + cache_write;
                    row.extend([
                        tokens(prompt),
                        share(g.cache_read_tokens, prompt),
                        tokens(g.output_tokens),
                        tokens(g.reasoning_tokens),
                    ]);
                }
                row.extend([
                    if g.reasoning_tokens == 0 {
                        "-".to_string()
                    } else {
                        usd(g.reasoning_cost_usd)
                    },
                    cost,
                    format!("{:.1}%", g.spend_share_pct),
                ]);
                row
            })
            .collect();
        // On a narrow terminal the reasoning tokens go; what they cost stays.
        let optional: &[usize] = if full { &[] } else { &[5] };
        writeln!(out, "{}", self.fitted_or_without(header, rows, optional))
    }

    /// The reasoning spent on answers nothing checks, under the model table's reasoning
    /// columns: thinking whose result no schema, tool call or compiler confirms.
    fn unverified_reasoning(
        &self,
        baseline: &crate::export::Baseline,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if baseline.reasoning_unverified_tokens == 0 {
            return Ok(());
        }
        self.prose(
            out,
            0,
            &format!(
                "{} of reasoning ({} tokens) on answers nothing checks (no schema, tool call or code).",
                usd(baseline.reasoning_unverified_usd),
                tokens(baseline.reasoning_unverified_tokens),
            ),
        )
    }

    /// Billing-export lines: billed beside computed, per provider, model and day.
    pub fn billing(&self, lines: &[BillingLineReport], out: &mut dyn Write) -> io::Result<()> {
        let full = self.detail == Detail::Full;
        let header = [
            "provider, model, day",
            "requests",
            "input",
            "cache\nread",
            "cache\nwrite",
            "output",
            "billed",
            "our price",
        ];
        let number = |n: u64| if full { count(n) } else { tokens(n) };
        let money = |value: Option<f64>| value.map_or_else(|| "-".to_string(), usd);
        let rows = lines
            .iter()
            .map(|line| {
                vec![
                    format!("{} {} {}", line.provider, line.model, line.day),
                    count(line.requests),
                    number(line.input_tokens),
                    number(line.cache_read_tokens),
                    number(line.cache_write_tokens),
                    number(line.output_tokens),
                    money(line.billed_usd),
                    money(line.computed_usd),
                ]
            })
            .collect();
        writeln!(out, "{}", self.fitted(&header, rows))
    }

    /// The policies side by side: compact, or every measure with `--full`; then what the
    /// columns mean and which policies are the best trade-offs.
    fn policies(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let full = self.detail == Detail::Full;
        let table = if full {
            let header = [
                "policy",
                "cost",
                "saves",
                "risk-free",
                "with risk",
                "changed",
                "routed",
                "blocked",
                "p50",
                "p95",
                "worse answers (95%)",
                "risk from",
                "spend at risk",
            ];
            let rows = report
                .policies
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        usd(p.cost_usd),
                        format!("{} ({:.1}%)", usd(p.savings_usd), p.savings_pct),
                        usd(p.risk_free_savings_usd),
                        usd(p.risky_savings_usd),
                        count(p.calls_changed),
                        count(p.actions.routed),
                        count(p.calls_blocked),
                        ms(p.latency_p50_ms),
                        ms(p.latency_p95_ms),
                        p.risk.degraded_text(),
                        risk_basis(p).to_string(),
                        format!("{:.1}%", p.risk.spend_share_at_risk_pct),
                    ]
                })
                .collect();
            self.fitted(&header, rows)
        } else {
            let header = [
                "policy",
                "cost",
                "saves",
                "",
                "calls\nchanged",
                "p95\nlatency",
                "worse answers\n(95% range)",
                "risk\nfrom",
            ];
            let rows = report
                .policies
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        usd(p.cost_usd),
                        usd(p.savings_usd),
                        format!("{:.1}%", p.savings_pct),
                        count(p.calls_changed),
                        ms(p.latency_p95_ms),
                        p.risk.degraded_text(),
                        risk_basis(p).to_string(),
                    ]
                })
                .collect();
            // On a narrow terminal the risk's source goes (the legend still says it).
            self.fitted_or_without(&header, rows, &[7])
        };
        writeln!(out, "{table}")?;
        if full {
            write_risk_details(&report.policies, out)?;
        }
        self.prose(
            out,
            2,
            "saves: what the policy would have cost less over these calls; prompt and \
             response caching and batch change no answer, so their savings are risk-free. \
             worse answers: the calls expected to get a worse answer from the model a \
             policy moves them to, with the range that holds 19 times in 20. risk from: \
             `benchmarks` when estimated from published benchmark gaps between the two \
             models, `your labels` when measured on calls you graded (--labels).",
        )?;
        self.cache_rates(report, out)?;
        let frontier: Vec<&str> = report
            .policies
            .iter()
            .filter(|p| p.dominated_by.is_none())
            .map(|p| p.name.as_str())
            .collect();
        if !frontier.is_empty() {
            self.prose(
                out,
                2,
                &format!(
                    "Best trade-offs (no other policy is both cheaper and less risky): {}.",
                    frontier.join(", ")
                ),
            )?;
        }
        Ok(())
    }

    /// The prompt-cache hit rate as logged and under each policy that caches more, and the
    /// part of each policy's saving that is an estimate.
    fn cache_rates(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let Some(logged) = report.policies.iter().find(|p| p.name == "baseline") else {
            return Ok(());
        };
        let logged = logged.prompt_cache_hit_rate_pct;
        let under: Vec<String> = report
            .policies
            .iter()
            .filter(|p| p.prompt_cache_hit_rate_pct >= logged + 0.5)
            .map(|p| format!("{:.0}% under {}", p.prompt_cache_hit_rate_pct, p.name))
            .collect();
        if !under.is_empty() {
            self.prose(
                out,
                2,
                &format!(
                    "Prompt cache hit rate (the share of prompt tokens read from a cache): \
                     {logged:.0}% as logged, {}.",
                    under.join(", ")
                ),
            )?;
        }
        for policy in report
            .policies
            .iter()
            .filter(|p| p.estimated_savings_usd > 0.0)
        {
            self.prose(
                out,
                2,
                &format!(
                    "Estimate: {} of {}'s saving is prompt caching on calls whose logs hold no \
                     text, judged from how their session's prompt grew step by step.",
                    usd(policy.estimated_savings_usd),
                    policy.name
                ),
            )?;
        }
        Ok(())
    }

    /// The waste findings, largest kinds first as the report orders them, each with the
    /// sentence that says how its amount was found.
    fn findings(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        if report.findings.is_empty() {
            self.heading(out, "WASTE FINDINGS", "none found")?;
            return Ok(());
        }
        self.heading(out, "WASTE FINDINGS", "what cost money for nothing")?;
        let full = self.detail == Detail::Full;
        let mut header = vec!["finding", "cost", "a month", "calls"];
        if full {
            header.extend(["tokens", "sample calls"]);
        }
        let rows = report
            .findings
            .iter()
            .map(|f| {
                let title = match &f.subject {
                    Some(subject) => format!("{} ({subject})", f.title),
                    None => f.title.clone(),
                };
                let mut row = vec![
                    title,
                    usd(f.impact_usd),
                    f.impact_per_month_usd.map_or_else(|| "-".to_string(), usd),
                    count(f.calls),
                ];
                if full {
                    let ids: Vec<&str> = f
                        .sample_call_ids
                        .iter()
                        .take(3)
                        .map(String::as_str)
                        .collect();
                    row.extend([count(f.tokens), ids.join(" ")]);
                }
                row
            })
            .collect();
        writeln!(out, "{}", self.fitted(&header, rows))?;
        // How each kind's amount was found: once per kind, every sentence with `--full`.
        let mut said: Vec<&str> = Vec::new();
        for f in &report.findings {
            if full || !said.contains(&f.kind.as_str()) {
                said.push(&f.kind);
                self.prose(out, 2, &format!("{}: {}", f.title, f.detail))?;
            }
        }
        self.unchecked_repeats(report, out)
    }

    /// How many calls no repeat could be proved of, and why.
    fn unchecked_repeats(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let baseline = &report.baseline;
        let unchecked = baseline.calls_not_checked_for_repeats;
        if unchecked == 0 {
            return Ok(());
        }
        let redacted = baseline.calls_redacted.min(unchecked);
        let why = match (redacted, unchecked - redacted) {
            (0, _) => "their logs do not hold the whole request".to_string(),
            (_, 0) => "their logs hold a redaction placeholder where the prompt was".to_string(),
            (redacted, rest) => format!(
                "{} logged a redaction placeholder where the prompt was, {} not the whole request",
                count(redacted),
                count(rest)
            ),
        };
        self.prose(
            out,
            2,
            &format!(
                "Not checked for repeats: {} ({why}); a repeat needs the same model, the same \
                 whole request and the same prompt tokens.",
                plural(unchecked, "call", "calls")
            ),
        )
    }

    /// The models the catalog does not know, with what to do about them.
    fn unpriced(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        if report.unpriced_models.is_empty() {
            return Ok(());
        }
        self.heading(
            out,
            "UNPRICED MODELS",
            "not in the price catalog, left out of every cost above",
        )?;
        let rows = report
            .unpriced_models
            .iter()
            .map(|g| {
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
                vec![name, count(g.calls), count(prompt), count(g.output_tokens)]
            })
            .collect();
        let header = ["model", "calls", "prompt tokens", "output tokens"];
        writeln!(out, "{}", self.fitted(&header, rows))?;
        writeln!(
            out,
            "  Add them with --pricing FILE (schema: data/prices/README.md).\n"
        )
    }

    /// Records read, calls, skips by reason and errors with their first samples: a table with
    /// `--full`, else a paragraph.
    fn accounting(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let files = report.inputs.len() as u64;
        let skipped: u64 = report.skipped.values().sum();
        self.heading(
            out,
            "RECORDS",
            "every record read is a call, a skip or an error",
        )?;
        if self.detail == Detail::Full {
            let mut rows = vec![
                vec!["read".to_string(), count(report.records)],
                vec!["calls".to_string(), count(report.calls)],
            ];
            if report.buckets > 0 {
                rows.push(vec!["billing lines".to_string(), count(report.buckets)]);
            }
            for (reason, n) in &report.skipped {
                rows.push(vec![format!("skipped: {reason}"), count(*n)]);
            }
            rows.push(vec!["errors".to_string(), count(report.errors)]);
            writeln!(out, "{}", self.fitted(&["records", "count"], rows))?;
        } else {
            let mut text = format!(
                "{} read from {}: {}",
                plural(report.records, "record", "records"),
                plural(files, "file", "files"),
                plural(report.calls, "call", "calls"),
            );
            if report.buckets > 0 {
                text.push_str(&format!(
                    ", {}",
                    plural(report.buckets, "billing line", "billing lines")
                ));
            }
            text.push_str(&format!(
                ", {} skipped, {}.",
                count(skipped),
                plural(report.errors, "error", "errors")
            ));
            if skipped > 0 {
                let reasons: Vec<String> = report
                    .skipped
                    .iter()
                    .map(|(reason, n)| format!("{} {reason}", count(*n)))
                    .collect();
                text.push_str(&format!(" Skipped: {}.", reasons.join("; ")));
            }
            self.prose(out, 2, &text)?;
        }
        for error in &report.error_samples {
            self.prose(
                out,
                2,
                &format!("error: {}:{}: {}", error.file, error.line, error.message),
            )?;
        }
        if report.errors > report.error_samples.len() as u64 {
            writeln!(
                out,
                "  … and {} more",
                plural(
                    report.errors - report.error_samples.len() as u64,
                    "error",
                    "errors"
                )
            )?;
        }
        Ok(())
    }
}

/// `part` as a whole percentage of `whole`, `-` when there is no whole.
fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".to_string()
    } else {
        format!("{:.0}%", 100.0 * part as f64 / whole as f64)
    }
}

/// Where a policy's risk figure comes from, in a word or two.
fn risk_basis(policy: &PolicyReport) -> &'static str {
    if policy.risk.calls_at_risk == 0 {
        return "-";
    }
    match policy.risk.basis.as_str() {
        "calibrated" => "your labels",
        "partly calibrated" => "partly labels",
        _ => "benchmarks",
    }
}

impl Exporter for TableExporter {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write_headline(
            report,
            self.width.unwrap_or_else(|| self.terminal_width()),
            out,
        )?;
        if self.detail == Detail::Summary {
            writeln!(out)?;
            write_gates(report, out)?;
            return writeln!(out, "Details: run without --summary (or with --full).");
        }
        if !report.filters.is_empty() {
            writeln!(out)?;
            self.prose(out, 0, &format!("Filtered: {}.", report.filters.join("; ")))?;
        }
        if !report.billing.is_empty() {
            self.heading(
                out,
                "BILLING EXPORTS",
                "what was billed, beside our price of the tokens billed",
            )?;
            self.billing(&report.billing, out)?;
        }
        if report.calls > 0 {
            self.spend(report, out)?;
            self.heading(
                out,
                "POLICIES",
                "each policy replayed over these calls: what it would have cost, and at what risk",
            )?;
            self.policies(report, out)?;
            self.findings(report, out)?;
            self.outcomes(report, out)?;
            if self.detail == Detail::Full {
                writeln!(out)?;
                write_latency_models(report, out)?;
            }
            writeln!(out)?;
            let columns = self.width.unwrap_or_else(|| self.terminal_width());
            write_assumptions(&report.policies, columns, out)?;
        }
        self.baseline_diff(report, out)?;
        write_gates(report, out)?;
        self.accounting(report, out)?;
        if self.detail == Detail::Standard {
            writeln!(out)?;
            self.prose(
                out,
                0,
                "More: --full shows exact token counts, the latency models, risk by tier and \
                 sample call ids; --format json has every figure.",
            )?;
        }
        Ok(())
    }
}

impl TableExporter {
    /// Spend by model (with the unpriced models and the price notes), tier, task and each
    /// `--group-by` key.
    fn spend(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.heading(out, "SPEND BY MODEL", "")?;
        self.groups("model", &report.by_model, out)?;
        self.unverified_reasoning(&report.baseline, out)?;
        self.unpriced(report, out)?;
        write_pricing_notes(&report.pricing, out)?;
        self.heading(
            out,
            "SPEND BY TIER",
            "how demanding each request was, judged before it ran",
        )?;
        self.groups("tier", &report.by_tier, out)?;
        self.heading(
            out,
            "SPEND BY TASK",
            "the kind of work each call's prompt asked for",
        )?;
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
            let none = if grouping.groups.iter().any(|g| g.key == NONE_KEY) {
                format!("{NONE_KEY}: calls the log gives no {} for", grouping.by)
            } else {
                String::new()
            };
            self.heading(
                out,
                &format!("SPEND BY {}", grouping.by.to_uppercase()),
                &none,
            )?;
            self.groups(&title, &grouping.groups, out)?;
        }
        Ok(())
    }
}

impl TableExporter {
    /// What one answer cost (in all and by `--group-by` group), failed calls by cause, and the
    /// costliest sessions.
    fn outcomes(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let responses = &report.meaningful_responses;
        self.heading(
            out,
            "COST PER ANSWER",
            "all spend, failed attempts, retries and repeats included, over the answers given",
        )?;
        self.prose(out, 0, &responses.all.sentence())?;
        if let Some(failures) = report.failures.sentence() {
            self.prose(out, 0, &failures)?;
        }
        for grouping in &responses.by_group {
            let header = [
                grouping.by.as_str(),
                "attempts",
                "answers",
                "failed",
                "failed\ncost",
                "repeats",
                "per\nanswer",
            ];
            let rows = grouping
                .groups
                .iter()
                .take(if self.detail == Detail::Full {
                    usize::MAX
                } else {
                    10
                })
                .map(|g| {
                    [g.key.clone()]
                        .into_iter()
                        .chain(g.responses.cells())
                        .collect()
                })
                .collect();
            writeln!(out)?;
            writeln!(out, "{}", self.fitted(&header, rows))?;
        }
        let sessions = &report.sessions;
        if sessions.top.is_empty() {
            return Ok(());
        }
        self.heading(
            out,
            "COSTLIEST SESSIONS",
            &format!(
                "of {} ({} of one call); peak prompt: the most prompt tokens one call sent",
                plural(sessions.sessions, "session", "sessions"),
                count(sessions.single_call_sessions)
            ),
        )?;
        let shown = if self.detail == Detail::Full {
            TOP_SESSIONS
        } else {
            5
        };
        let rows = sessions
            .top
            .iter()
            .take(shown)
            .map(|s| {
                vec![
                    s.session.clone(),
                    count(s.calls),
                    tokens(s.peak_prompt_tokens),
                    if s.unpriced_calls == s.calls {
                        "unpriced".to_string()
                    } else {
                        usd(s.cost_usd)
                    },
                ]
            })
            .collect();
        writeln!(
            out,
            "{}",
            self.fitted(&["session", "calls", "peak prompt", "cost"], rows)
        )
    }

    /// Spend against the previous report, per model.
    fn baseline_diff(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let Some(diff) = &report.baseline_diff else {
            return Ok(());
        };
        writeln!(out)?;
        writeln!(
            out,
            "SINCE {}: spend {} → {} ({}{})",
            diff.previous,
            usd(diff.previous_cost_usd),
            usd(diff.cost_usd),
            usd(diff.change_usd),
            diff.change_pct
                .map_or(String::new(), |pct| format!(", {pct:+.1}%"))
        )?;
        let rows = diff
            .by_model
            .iter()
            .map(|m| {
                vec![
                    m.model.clone(),
                    count(m.previous_calls),
                    count(m.calls),
                    usd(m.previous_cost_usd),
                    usd(m.cost_usd),
                    usd(m.change_usd),
                ]
            })
            .collect();
        let header = ["model", "calls before", "calls", "before", "now", "change"];
        writeln!(out, "{}", self.fitted(&header, rows))?;
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
    Ok(())
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
    write_comparison_in(report, unicode, terminal_columns(unicode), out)
}

/// [`write_comparison`] for a terminal `width` columns wide (`None`: no limit).
pub fn write_comparison_in(
    report: &Report,
    unicode: bool,
    width: Option<u16>,
    out: &mut dyn Write,
) -> io::Result<()> {
    write_headline(report, width.map_or(PIPED_WIDTH, usize::from), out)?;
    writeln!(out)?;
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
    write_assumptions(
        &report.policies,
        width.map_or(PIPED_WIDTH, usize::from),
        out,
    )?;
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
/// it applies to ("every policy" when all of them), wrapped to `columns`.
fn write_assumptions(
    policies: &[PolicyReport],
    columns: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "Assumptions:")?;
    for (assumption, names) in assumptions_by_text(policies) {
        let scope = if names.len() == policies.len() {
            "every policy".to_string()
        } else {
            names.join(", ")
        };
        let text = format!("{assumption} ({scope})");
        write_prose(out, columns, 2, &text)?;
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
            "  {}: {:.0} ms + {:.1} ms/token, {} ({}{})",
            m.model,
            m.time_to_first_token_ms,
            m.ms_per_output_token,
            m.basis,
            plural(m.calls, "timed call", "timed calls"),
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
        write_assumptions(&policies, PIPED_WIDTH, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Assumptions:\n  latency (every policy)\n  cache (a, c)\n  batch (b)\n"
        );
    }
}

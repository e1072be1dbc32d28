//! `llm-audit history …` and `analyze --history`: a store of calls that outlives the logs.

use std::io::Write;

use anyhow::Context;

use crate::cli::{AnalyzeArgs, HistoryAction, HistoryCommand};
use crate::commands::ExitStatus;
use crate::commands::analyze::{
    AnalyzeSettings, InputSettings, agent_sources, analyze_run, fail_on_unreadable, write_outputs,
};
use crate::export::ReportFormat;
use crate::history::machine::machine_name;
use crate::history::read::{Window, assemble};
use crate::history::store::Store;
use crate::history::{self, Status};
use crate::ingest::discover_sources;

pub fn run(command: HistoryCommand) -> anyhow::Result<ExitStatus> {
    let location = history::location(command.history.as_deref())?;
    let store = Store::open(&location)?;
    match command.action {
        HistoryAction::Add {
            input,
            machine,
            reread,
            no_text_tokens,
        } => {
            let machine = machine_name(machine.as_deref())?;
            let sources = if input.paths.is_empty() {
                agent_sources(&input.agents, input.read.no_progress)?
            } else {
                discover_sources(&absolute(&input.paths)?)?
            };
            let settings = InputSettings::new(sources, input.read)?;
            let added = history::add::add(&store, &settings, &machine, reread, !no_text_tokens)?;
            let status = history::status(&store)?;
            crate::diag!(
                "history {}: {} read ({} of them changed since last added), {} unchanged; {} \
                 added; it holds {} from {}",
                crate::escape::terminal_text(&location),
                crate::human::plural(added.read as u64, "source", "sources"),
                added.replaced,
                added.unchanged,
                crate::human::plural(added.calls, "call", "calls"),
                crate::human::plural(status.calls, "call", "calls"),
                crate::human::plural(status.sources as u64, "source", "sources"),
            );
            Ok(fail_on_unreadable(&added.failed, ExitStatus::Success))
        }
        HistoryAction::Status { format } => {
            anyhow::ensure!(
                format != ReportFormat::Csv,
                "history status prints a table or JSON (--format table|json)"
            );
            let status = history::status(&store)?;
            let (_, mut out) = crate::escape::report_stdout(format != ReportFormat::Json);
            match format {
                ReportFormat::Json => {
                    crate::escape::write_json(&mut out, &status)?;
                    writeln!(out)?;
                }
                _ => write_status(&status, &mut out)?,
            }
            out.flush()?;
            Ok(ExitStatus::Success)
        }
        HistoryAction::Compact => {
            let machine = machine_name(None)?;
            let removed = history::compact(&store, &machine)?;
            crate::diag!(
                "history {}: compacted; {} removed",
                crate::escape::terminal_text(&location),
                crate::human::plural(removed as u64, "file", "files")
            );
            Ok(ExitStatus::Success)
        }
        HistoryAction::Forget { before } => {
            let month = month_of_date(&before)?;
            let machine = machine_name(None)?;
            let removed = history::forget(&store, &machine, &month)?;
            crate::diag!(
                "history {}: calls before {month} forgotten; {} removed",
                crate::escape::terminal_text(&location),
                crate::human::plural(removed as u64, "file", "files")
            );
            Ok(ExitStatus::Success)
        }
    }
}

/// `YYYY-MM` of a `YYYY-MM-DD` or `YYYY-MM` date.
fn month_of_date(date: &str) -> anyhow::Result<String> {
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(&format!("{date}-01"), "%Y-%m-%d"))
        .map_err(|_| {
            anyhow::anyhow!(
                "--before `{}` is not a date (YYYY-MM-DD or YYYY-MM)",
                crate::escape::terminal_text(date)
            )
        })?;
    Ok(day.format("%Y-%m").to_string())
}

/// Paths made absolute, so a source keeps its identity whatever folder `add` runs in.
fn absolute(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<std::path::PathBuf>> {
    paths
        .iter()
        .map(|path| {
            if path.as_os_str() == "-" || crate::ingest::is_object_url(&path.to_string_lossy()) {
                Ok(path.clone())
            } else {
                std::path::absolute(path).with_context(|| format!("{}", path.display()))
            }
        })
        .collect()
}

fn write_status(status: &Status, out: &mut impl Write) -> std::io::Result<()> {
    let list = |map: &std::collections::BTreeMap<String, usize>| {
        if map.is_empty() {
            "none".to_string()
        } else {
            map.iter()
                .map(|(name, n)| format!("{name} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    writeln!(out, "History store  {}", status.store)?;
    writeln!(
        out,
        "  calls        {} (before duplicates across sources are merged)",
        crate::human::count(status.calls)
    )?;
    match (&status.first_day, &status.last_day) {
        (Some(first), Some(last)) => writeln!(
            out,
            "  days         {} between {first} and {last}",
            status.days
        )?,
        _ => writeln!(out, "  days         none")?,
    }
    writeln!(
        out,
        "  sources      {}",
        crate::human::count(status.sources as u64)
    )?;
    writeln!(out, "  agents       {}", list(&status.agents))?;
    writeln!(out, "  machines     {}", list(&status.machines))?;
    writeln!(
        out,
        "  files        {} in {}, {}",
        status.files,
        crate::human::plural(status.commits as u64, "commit", "commits"),
        mebibytes(status.bytes)
    )?;
    if status.leftovers > 0 {
        writeln!(
            out,
            "  leftovers    {} no commit names (an interrupted add, replaced readings); \
             `history compact` removes them",
            crate::human::plural(status.leftovers as u64, "file", "files")
        )?;
    }
    if let Some(before) = &status.forgotten_before {
        writeln!(out, "  forgotten    every month before {before}")?;
    }
    if status.other_versions > 0 {
        writeln!(
            out,
            "  note         {} read by another llm-audit version (`history add --reread` reads them again)",
            status.other_versions
        )?;
    }
    Ok(())
}

/// `analyze --history[=DIR]`: the stored calls, plus the PATHs named, as one report.
pub fn analyze(mut args: AnalyzeArgs, location: String) -> anyhow::Result<ExitStatus> {
    let location = history::location(Some(&location))?;
    let store = Store::open(&location)?;
    history::require(&store)?;
    // The store's files are this run's inputs: no output may be written over one.
    if let Some(root) = store.local_root() {
        for file in store.list("")? {
            crate::ingest::note_input(&root.join(&file.key));
        }
    }
    let machine = machine_name(args.machine.as_deref())?;
    let paths = std::mem::take(&mut args.input.paths);
    let sources = if paths.is_empty() {
        Vec::new()
    } else {
        discover_sources(&absolute(&paths)?)?
    };
    let mut input = InputSettings::new(sources, args.input.read)?;
    input.named = paths.iter().map(|p| p.display().to_string()).collect();
    let mut settings = AnalyzeSettings::with_input(input, args.policy, args.report, args.calls)?;
    let filter = &settings.report.view.filter;
    let window = Window {
        since_ms: filter.since_ms,
        until_ms: filter.until_ms,
    };
    let run = assemble(&store, &settings.input, &machine, window)?;
    let analysis = analyze_run(&settings, run);
    let unreadable = settings.input.unreadable_named(&analysis.report);
    let status = write_outputs(&mut settings, analysis)?;
    Ok(fail_on_unreadable(&unreadable, status))
}

/// A size in MiB, with two decimals.
fn mebibytes(bytes: u64) -> String {
    format!("{:.2} MiB", bytes as f64 / (1 << 20) as f64)
}

//! `llm-audit reconcile`: traces against billing exports.

use std::io::{IsTerminal, Write};

use anyhow::Context;

use crate::classify::ClassifyRules;
use crate::cli::ReconcileArgs;
use crate::commands::ExitStatus;
use crate::commands::pricing::load_catalog;
use crate::export::{ReconcileReport, write_reconcile};
use crate::ingest::discover_sources;
use crate::pipeline::{RowContext, RunOptions, run as run_pipeline};
use crate::reconcile::reconcile;

pub fn run(args: ReconcileArgs) -> anyhow::Result<ExitStatus> {
    let traces = discover_sources(&args.traces)?;
    let billing = discover_sources(&args.billing)?;
    let catalog = load_catalog(&args.pricing)?;
    let progress = !args.no_progress && std::io::stderr().is_terminal();
    let rules = ClassifyRules::default();
    let context = RowContext::plain(&catalog, &rules);
    let trace_run = run_pipeline(
        &traces,
        context,
        RunOptions {
            forced_format: args.input_format,
            progress,
            keep_duplicates: args.no_dedupe,
            spill_above: None,
            ..RunOptions::default()
        },
    );
    let bill_run = run_pipeline(
        &billing,
        context,
        RunOptions {
            forced_format: None,
            progress,
            keep_duplicates: true,
            spill_above: None,
            ..RunOptions::default()
        },
    );
    if !trace_run.buckets.is_empty() {
        crate::diag!(
            "warning: {} billing lines among the traces are left out; pass billing exports with --billing",
            trace_run.buckets.len()
        );
    }
    if !bill_run.rows.is_empty() {
        crate::diag!(
            "warning: {} calls among the billing exports are left out; pass traces before --billing",
            bill_run.rows.len()
        );
    }
    let result = reconcile(
        &trace_run.rows,
        &trace_run.models,
        &bill_run.buckets,
        &catalog,
    );
    let report = ReconcileReport::build(&trace_run, &bill_run, &result);
    let (unicode, mut out) =
        crate::escape::report_stdout(args.format == crate::export::ReportFormat::Table);
    write_reconcile(&report, args.format, unicode, &mut out)
        .and_then(|()| out.flush())
        .context("writing the report")?;
    Ok(ExitStatus::Success)
}

//! `llm-audit calibrate`: labels measured on candidate models, matched to the logged calls
//! they were measured on, counted per risk cell and written as a calibration file.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context, bail};

use crate::cli::CalibrateArgs;
use crate::commands::ExitStatus;
use crate::commands::analyze::{InputSettings, create_output};
use crate::pipeline::{CallRow, Rows};
use crate::pricing::PriceCatalog;
use crate::risk::{
    CALIBRATION_VERSION, CalibrationFile, Gap, Label, RiskPriors, count_cells, read_labels,
};

/// Unmatched call ids shown in the summary.
const SHOWN_UNMATCHED: usize = 5;

pub fn run(args: CalibrateArgs) -> anyhow::Result<ExitStatus> {
    let labels = read_labels(&args.labels, args.threshold)?;
    let input = InputSettings::from_args(args.input)?;
    let priors = RiskPriors::embedded().map_err(anyhow::Error::msg)?;
    let mut output = create_output(args.output)?;
    let run = input.run();
    let file = calibrate(&labels, &run.rows, &input.catalog, &priors.version)?;
    let text = file.to_toml();
    match output.as_mut() {
        Some((path, writer)) => writer
            .write_all(text.as_bytes())
            .and_then(|()| writer.flush())
            .with_context(|| format!("writing {}", path.display()))?,
        None => {
            let (_, mut out) = crate::escape::report_stdout(false);
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .context("writing the calibration")?
        }
    }
    let degraded: u64 = file.cells.iter().map(|c| c.degraded).sum();
    crate::diag!(
        "calibrate: {} labels, {} matched a logged call, {degraded} degraded, in {} cells",
        file.labels,
        file.matched,
        file.cells.len()
    );
    Ok(ExitStatus::Success)
}

/// Matches each label to its call (by the call id the report and `--calls-csv` show) and
/// counts outcomes per cell: candidate, the call's task and tier, and the capability gap from
/// the call's model to the candidate.
pub fn calibrate(
    labels: &[Label],
    rows: &Rows,
    catalog: &PriceCatalog,
    priors_version: &str,
) -> anyhow::Result<CalibrationFile> {
    let mut by_id: HashMap<&str, CallRow> = HashMap::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        by_id.entry(rows.call_id(index)).or_insert(row);
    }
    let mut unmatched = Vec::new();
    let mut unknown = Vec::new();
    let mut outcomes = Vec::new();
    for label in labels {
        let Some(row) = by_id.get(label.call_id.as_str()) else {
            unmatched.push(label.call_id.as_str());
            continue;
        };
        let Some(candidate) = catalog.resolve(&label.candidate, row.timestamp_ms) else {
            unknown.push(format!("line {}: `{}`", label.line, label.candidate));
            continue;
        };
        let from = row
            .price
            .map_or("flagship", |index| catalog.entry(index).tier.as_str());
        let target = catalog.entry(candidate);
        let class = &row.classification;
        outcomes.push((
            target.id.as_str(),
            class.task,
            class.tier,
            Gap::between(from, &target.tier),
            label.passed,
        ));
    }
    if !unknown.is_empty() {
        bail!(
            "candidate models not in the price catalog: {}",
            unknown.join(", ")
        );
    }
    if outcomes.is_empty() {
        bail!(
            "none of the {} labels matched a logged call id (e.g. `{}`); ids are the call_id column of --calls-csv",
            labels.len(),
            labels[0].call_id
        );
    }
    if !unmatched.is_empty() {
        crate::diag!(
            "warning: {} labels match no logged call: {}{}",
            unmatched.len(),
            unmatched[..unmatched.len().min(SHOWN_UNMATCHED)].join(", "),
            if unmatched.len() > SHOWN_UNMATCHED {
                ", …"
            } else {
                ""
            }
        );
    }
    Ok(CalibrationFile {
        version: CALIBRATION_VERSION,
        priors_version: priors_version.to_owned(),
        labels: labels.len() as u64,
        matched: outcomes.len() as u64,
        cells: count_cells(outcomes),
    })
}

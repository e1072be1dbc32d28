//! `llm-audit classify`: the distribution of calls over task types and tiers.

use std::io::Write;

use anyhow::Context;

use crate::cli::ClassifyArgs;
use crate::commands::ExitStatus;
use crate::commands::analyze::{InputSettings, create_output};
use crate::export::{CallsCsvWriter, ClassDistribution};

pub fn run(args: ClassifyArgs) -> anyhow::Result<ExitStatus> {
    let mut input = InputSettings::from_args(args.input)?;
    input.keep_tags(crate::aggregate::SPEND_TAGS);
    let mut calls_csv = create_output(args.calls_csv)?;
    let run = input.run();
    if let Some((path, writer)) = calls_csv.as_mut() {
        CallsCsvWriter::write(&run, &input.catalog, &input.rules, &mut *writer)
            .and_then(|()| writer.flush())
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let (unicode, mut out) =
        crate::escape::report_stdout(args.format == crate::export::ReportFormat::Table);
    ClassDistribution::of(&run).write(args.format, unicode, &mut out)?;
    out.flush().context("writing the distribution")?;
    Ok(ExitStatus::Success)
}

//! `llm-audit compare`: the logs replayed under several policies, side by side.

use std::io::{BufWriter, IsTerminal, Write};

use anyhow::Context;

use crate::cli::CompareArgs;
use crate::commands::ExitStatus;
use crate::commands::analyze::{InputSettings, PolicySettings, warn_unpriced};
use crate::export::{ReportFormat, write_comparison};

pub fn run(args: CompareArgs) -> anyhow::Result<ExitStatus> {
    let mut input = InputSettings::from_args(args.input)?;
    let policy = PolicySettings::from_args(args.policy, &mut input)?;
    let report = policy.analyze(&input).report;
    warn_unpriced(&report);
    let stdout = std::io::stdout();
    let unicode = stdout.is_terminal();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        ReportFormat::Table => write_comparison(&report, unicode, &mut out),
        other => other.exporter().write(&report, &mut out),
    }
    .and_then(|()| out.flush())
    .context("writing the comparison")?;
    Ok(ExitStatus::Success)
}

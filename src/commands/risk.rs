//! `llm-audit risk priors`: the quality-risk priors and their sources.

use std::io::Write;

use anyhow::Context;

use crate::cli::{RiskAction, RiskCommand};
use crate::commands::ExitStatus;
use crate::export::write_risk_priors;
use crate::risk::RiskPriors;

pub fn run(command: RiskCommand) -> anyhow::Result<ExitStatus> {
    match command.action {
        RiskAction::Priors { format } => {
            let priors = RiskPriors::embedded().map_err(anyhow::Error::msg)?;
            let (unicode, mut out) =
                crate::escape::report_stdout(format == crate::export::ReportFormat::Table);
            write_risk_priors(&priors, format, unicode, &mut out)?;
            out.flush().context("writing the priors")?;
            Ok(ExitStatus::Success)
        }
    }
}

//! `llm-audit compare`: the logs replayed under several policies, side by side.

use crate::cli::CompareArgs;
use crate::commands::ExitStatus;
use crate::commands::analyze::{InputSettings, PolicySettings, ReportSettings, warn_unpriced};
use crate::export::write_comparison;

pub fn run(args: CompareArgs) -> anyhow::Result<ExitStatus> {
    let mut input = InputSettings::from_args(args.input)?;
    let policy = PolicySettings::from_args(args.policy, &mut input)?;
    let mut settings = ReportSettings::from_args(args.report, &mut input)?;
    let mut report = policy.analyze(&input, &settings.view).report;
    settings.complete(&mut report);
    warn_unpriced(&report);
    let status = settings.write(&report, |report, unicode, out| {
        write_comparison(report, unicode, out)
    })?;
    let unreadable = input.unreadable_named(&report);
    Ok(crate::commands::analyze::fail_on_unreadable(
        &unreadable,
        status,
    ))
}

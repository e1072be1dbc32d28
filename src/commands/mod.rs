//! Subcommands, one file each, and the exit status they end with.

pub mod agents;
pub mod analyze;
pub mod calibrate;
pub mod classify;
pub mod compare;
pub mod completions;
pub mod history;
pub mod merge;
pub mod policies;
pub mod pricing;
pub mod reconcile;
pub mod risk;

use crate::cli::{Cli, Command};

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything ran; the report was written.
    Success = 0,
    /// A `--fail-*` gate tripped (reserved for CI gates).
    GateTripped = 1,
    /// Bad arguments, unreadable inputs (or no coding agent data found when no path is given)
    /// or an invalid catalog.
    Error = 2,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Analyze(args) => analyze::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Policies(command) => policies::run(command),
        Command::Classify(args) => classify::run(args),
        Command::Calibrate(args) => calibrate::run(args),
        Command::Risk(command) => risk::run(command),
        Command::Merge(args) => merge::run(args),
        Command::Reconcile(args) => reconcile::run(args),
        Command::Pricing(args) => pricing::run(args),
        Command::Agents(args) => agents::run(args),
        Command::History(command) => history::run(command),
        Command::Completions(args) => completions::run(args),
    }
}

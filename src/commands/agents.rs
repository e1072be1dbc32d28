//! `llm-audit agents`: the coding agents of the registry, where each keeps its data here, and
//! whether any was found.

use std::io::Write;

use crate::cli::AgentsArgs;
use crate::commands::ExitStatus;
use crate::export::{AgentView, ReportFormat, write_agents};
use crate::ingest::{Environment, discover_agents};

pub fn run(args: AgentsArgs) -> anyhow::Result<ExitStatus> {
    let found = discover_agents(&Environment::current(), &[]);
    let views: Vec<AgentView> = found.iter().map(AgentView::of).collect();
    let (unicode, mut out) = crate::escape::report_stdout(args.format == ReportFormat::Table);
    write_agents(&views, args.format, unicode, &mut out)?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

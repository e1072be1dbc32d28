//! `llm-audit agents`: the coding agents, where each keeps its data on this machine and how
//! many of its files are there, as a table, JSON or CSV. Paths come from the file system and
//! the environment: they are data, escaped by the writer like any log string.

use std::io::Write;

use comfy_table::CellAlignment;
use serde::Serialize;

use crate::export::ReportFormat;
use crate::export::terminal::new_table;
use crate::ingest::{AgentData, InputFormat, Location, Os, agent_names};

/// One agent as `agents` shows it.
#[derive(Debug, Serialize)]
pub struct AgentView {
    pub name: &'static str,
    pub label: &'static str,
    /// The variables that move its data; any that is set replaces the default folders.
    pub env: Vec<&'static str>,
    pub found: bool,
    pub files: usize,
    pub locations: Vec<LocationView>,
}

/// One folder of an agent.
#[derive(Debug, Serialize)]
pub struct LocationView {
    pub path: String,
    /// The variable that named the folder; `null` for a default folder.
    pub env: Option<&'static str>,
    pub exists: bool,
    pub files: usize,
}

impl AgentView {
    pub fn of(data: &AgentData) -> AgentView {
        AgentView {
            name: data.name,
            label: data.label,
            env: data.vars.clone(),
            found: !data.sources.is_empty(),
            files: data.sources.len(),
            locations: data.locations.iter().map(LocationView::of).collect(),
        }
    }

    /// Who chose the folder: the variable, or the default (with the variables left unset).
    fn chosen_by(&self, location: &LocationView) -> String {
        match location.env {
            Some(var) => format!("${var}"),
            None if self.env.is_empty() => "default".to_string(),
            None => format!("default ({} unset)", self.env.join(", ")),
        }
    }
}

impl LocationView {
    fn of(location: &Location) -> LocationView {
        LocationView {
            path: location.path.display().to_string(),
            env: location.var,
            exists: location.exists,
            files: location.files,
        }
    }

    fn files_cell(&self) -> String {
        if self.exists {
            self.files.to_string()
        } else {
            "no folder".to_string()
        }
    }
}

/// Writes the agents in `format`.
pub fn write_agents(
    agents: &[AgentView],
    format: ReportFormat,
    unicode: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        ReportFormat::Json => {
            crate::escape::write_json(&mut *out, agents)?;
            writeln!(out)?;
        }
        ReportFormat::Csv => {
            let mut writer = crate::escape::CsvWriter::new(out);
            writer.write_record(["agent", "label", "location", "set_by", "exists", "files"])?;
            for agent in agents {
                for location in &agent.locations {
                    writer.write_record([
                        agent.name.to_string(),
                        agent.label.to_string(),
                        location.path.clone(),
                        location.env.unwrap_or("").to_string(),
                        location.exists.to_string(),
                        location.files.to_string(),
                    ])?;
                }
            }
            writer.flush()?;
        }
        ReportFormat::Table => {
            let header = ["agent", "location", "set by", "files"];
            let mut table = new_table(unicode, &header);
            for column in 1..3 {
                if let Some(column) = table.column_mut(column) {
                    column.set_cell_alignment(CellAlignment::Left);
                }
            }
            for agent in agents {
                if agent.locations.is_empty() {
                    let unset = format!("no home folder; {} unset", agent.env.join(", "));
                    table.add_row(vec![
                        agent.name.to_string(),
                        String::new(),
                        unset,
                        "-".into(),
                    ]);
                }
                for (index, location) in agent.locations.iter().enumerate() {
                    let name = if index == 0 { agent.name } else { "" };
                    table.add_row(vec![
                        name.to_string(),
                        location.path.clone(),
                        agent.chosen_by(location),
                        location.files_cell(),
                    ]);
                }
            }
            writeln!(out, "{table}")?;
            let found = agents.iter().filter(|agent| agent.found).count();
            writeln!(
                out,
                "{found} of {} agents have data here; `llm-audit analyze` with no path reads it.",
                agents.len()
            )?;
        }
    }
    Ok(())
}

/// The README's "Coding agents" table, from the registry: per agent, its default folders on
/// each system and the variables that move them. A test holds the README to it.
pub fn agents_markdown() -> String {
    let mut table =
        String::from("| agent | Linux | macOS | Windows | moved by |\n|---|---|---|---|---|\n");
    for name in agent_names() {
        let agents: Vec<_> = InputFormat::ALL
            .iter()
            .filter_map(|format| format.spec().agent)
            .filter(|agent| agent.name == name)
            .collect();
        let mut cells = vec![format!("{} (`{name}`)", agents[0].label)];
        for os in [Os::Linux, Os::Macos, Os::Windows] {
            let roots = agents
                .iter()
                .flat_map(|agent| agent.roots)
                .filter(|root| root.os == Os::Any || root.os == os)
                .map(|root| match os {
                    Os::Windows => format!("`%USERPROFILE%\\{}`", root.path.replace('/', "\\")),
                    _ => format!("`~/{}`", root.path),
                });
            cells.push(unique(roots).join(", "));
        }
        let env = agents
            .iter()
            .flat_map(|agent| agent.env)
            .map(|env| match env.join {
                "" => format!("`${}`", env.var),
                join => format!("`${}/{join}`", env.var),
            });
        cells.push(unique(env).join(", "));
        table.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    table
}

/// The items in order, each once.
fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_lists_every_agent_where_the_registry_says() {
        let readme = include_str!("../../README.md");
        let start = "<!-- agents table: generated from the registry -->\n";
        let from = readme.find(start).expect("the README has the agents table") + start.len();
        let to = from + readme[from..].find("\n\n").unwrap_or(readme.len() - from) + 1;
        let expected = agents_markdown();
        assert!(
            readme[from..to] == expected,
            "the README's agents table is stale; put this in its place:\n{expected}"
        );
    }
}

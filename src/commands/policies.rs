//! `llm-audit policies`: the built-in routing policies, and a validator for policy files.

use std::io::Write;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::cli::{PoliciesAction, PoliciesCommand};
use crate::commands::ExitStatus;
use crate::commands::pricing::load_catalog;
use crate::export::{ReportFormat, new_table};
use crate::policy::{BUILTIN_POLICIES, Policy, builtin, builtin_names, builtin_text};
use crate::pricing::PriceCatalog;

/// One policy as `policies list --format json` shows it.
#[derive(Debug, Serialize)]
struct PolicyListing {
    name: String,
    description: String,
    rules: Vec<RuleListing>,
}

#[derive(Debug, Serialize)]
struct RuleListing {
    name: String,
    line: usize,
    actions: Vec<String>,
    continues: bool,
}

pub fn run(command: PoliciesCommand) -> anyhow::Result<ExitStatus> {
    let catalog = load_catalog(&command.pricing)?;
    let action = command.action.unwrap_or(PoliciesAction::List {
        format: ReportFormat::Table,
    });
    let human = matches!(
        action,
        PoliciesAction::List {
            format: ReportFormat::Table
        }
    );
    let (unicode, mut out) = crate::escape::report_stdout(human);
    match action {
        PoliciesAction::List { format } => list(&catalog, format, unicode, &mut out)?,
        PoliciesAction::Show { name } => {
            let Some(text) = builtin_text(&name) else {
                bail!("no built-in policy `{name}` (one of {})", builtin_names());
            };
            out.write_all(text.as_bytes())?;
        }
        PoliciesAction::Check { policy_files } => {
            for path in &policy_files {
                let policy = Policy::from_file(path, &catalog)?;
                writeln!(
                    out,
                    "{}: ok, policy `{}` with {} rules",
                    path.display(),
                    policy.name,
                    policy.rules.len()
                )?;
            }
        }
    }
    out.flush().context("writing the policies")?;
    Ok(ExitStatus::Success)
}

fn list(
    catalog: &PriceCatalog,
    format: ReportFormat,
    unicode: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut listings = Vec::new();
    for (name, _) in BUILTIN_POLICIES {
        let policy = builtin(name, catalog).context("a built-in policy")??;
        listings.push(PolicyListing {
            rules: policy
                .rules
                .iter()
                .map(|rule| RuleListing {
                    name: rule.name.clone(),
                    line: rule.line,
                    actions: rule.actions.describe(),
                    continues: rule.continues,
                })
                .collect(),
            name: policy.name,
            description: policy.description,
        });
    }
    match format {
        ReportFormat::Json => {
            crate::escape::write_json(&mut *out, &listings)?;
            writeln!(out)?;
        }
        _ => {
            let mut table = new_table(unicode, &["policy", "what it does", "rules"]);
            for listing in &listings {
                let rules: Vec<String> = listing
                    .rules
                    .iter()
                    .map(|r| format!("{}: {}", r.name, r.actions.join(", ")))
                    .collect();
                table.add_row(vec![
                    listing.name.clone(),
                    listing.description.clone(),
                    rules.join("\n"),
                ]);
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "Use one with --policy NAME; `llm-audit policies show NAME` prints its file, a start for your own."
            )?;
        }
    }
    Ok(())
}

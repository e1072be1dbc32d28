//! `llm-audit completions`: shell completion scripts generated from the clap definition.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use clap::CommandFactory;
use clap_complete::{Shell, generate};

use crate::cli::{Cli, CompletionsArgs};
use crate::commands::ExitStatus;

/// Shells whose scripts are committed under `completions/`.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// The completion script for one shell.
pub fn script(shell: Shell) -> Vec<u8> {
    let mut out = Vec::new();
    generate(shell, &mut Cli::command(), "llm-audit", &mut out);
    out
}

/// The file name a shell's script is committed under.
pub fn file_name(shell: Shell) -> String {
    match shell {
        Shell::Bash => "llm-audit.bash".to_string(),
        Shell::Zsh => "_llm-audit".to_string(),
        Shell::Fish => "llm-audit.fish".to_string(),
        Shell::Elvish => "llm-audit.elv".to_string(),
        Shell::PowerShell => "_llm-audit.ps1".to_string(),
        other => format!("llm-audit.{other}"),
    }
}

fn write_all(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for shell in SHELLS {
        let path = dir.join(file_name(shell));
        std::fs::write(&path, script(shell))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

pub fn run(args: CompletionsArgs) -> anyhow::Result<ExitStatus> {
    match (args.shell, args.dir) {
        (_, Some(dir)) => write_all(&dir)?,
        (Some(shell), None) => {
            let (_, mut out) = crate::escape::report_stdout(false);
            out.write_all(&script(shell))?;
            out.flush()?;
        }
        (None, None) => anyhow::bail!("name a shell or --dir"),
    }
    Ok(ExitStatus::Success)
}

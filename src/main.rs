//! The `llm-audit` binary: parse arguments, run the command, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;
use llm_audit::cli::Cli;
use llm_audit::commands::{self, ExitStatus};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(err) => {
            // A closed pipe (`llm-audit … | head`) is not an error worth a message.
            let broken_pipe = err.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            llm_audit::diag!("error: {err:#}");
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}

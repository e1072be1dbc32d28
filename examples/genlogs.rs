//! Writes seeded, realistic LLM call logs for benchmarks:
//!
//! ```sh
//! cargo run --release --example genlogs -- --format openai --bytes 500M --seed 1 --out /tmp/openai.jsonl
//! cargo run --release --example genlogs -- --format claude-code --bytes 480M --seed 1 --out /tmp/claude --stats /tmp/claude.stats.json
//! cargo run --release --example genlogs -- --format claude-code --mix dense --bytes 480M --out /tmp/claude-dense
//! ```
//!
//! Formats: openai, claude-code (a `CLAUDE_CONFIG_DIR` tree), anthropic, bedrock, langfuse,
//! otel. `--mix dense` (Claude Code only) writes many more, smaller records per byte than the
//! default `--mix standard`: short tool results and long agentic loops. The same seed, size
//! and mix give byte-identical output. `--stats FILE` writes what llm-audit should count in
//! the output (records, calls, skips, tokens) as JSON.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

#[path = "genlogs/mod.rs"]
mod genlogs;

use std::path::PathBuf;
use std::process::ExitCode;

use genlogs::{Format, Mix};

/// The command line, validated.
struct Args {
    format: Format,
    mix: Mix,
    bytes: u64,
    seed: u64,
    out: PathBuf,
    stats: Option<PathBuf>,
}

/// The help text.
const USAGE: &str = "usage: genlogs --format FORMAT [--mix MIX] --bytes SIZE [--seed N] --out PATH [--stats FILE]\n\
    FORMAT: openai, claude-code, anthropic, bedrock, langfuse, otel\n\
    MIX: standard (default), or dense (claude-code only: many more, smaller records per byte)\n\
    SIZE: bytes, or with K, M, G (powers of 1000) or Ki, Mi, Gi (powers of 1024), e.g. 500M";

/// Reads the command line.
fn parse_args() -> Result<Args, String> {
    let mut format = None;
    let mut mix = Mix::Standard;
    let mut bytes = None;
    let mut seed = 1;
    let mut out = None;
    let mut stats = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--format" => {
                let name = value()?;
                format = Some(
                    Format::from_name(&name).ok_or_else(|| format!("unknown format `{name}`"))?,
                );
            }
            "--mix" => {
                let name = value()?;
                mix = Mix::from_name(&name).ok_or_else(|| format!("unknown mix `{name}`"))?;
            }
            "--bytes" => bytes = Some(genlogs::parse_size(&value()?)?),
            "--seed" => {
                seed = value()?
                    .parse()
                    .map_err(|_| "--seed takes a whole number".to_string())?
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--stats" => stats = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let format = format.ok_or("--format is required")?;
    if !mix.fits(format) {
        return Err(format!(
            "--mix {} is only for claude-code, not {}",
            mix.name(),
            format.name()
        ));
    }
    Ok(Args {
        format,
        mix,
        bytes: bytes.ok_or("--bytes is required")?,
        seed,
        out: out.ok_or("--out is required")?,
        stats,
    })
}

/// Parses, generates, reports; exits 2 on a bad argument or a write error.
fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("genlogs: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.format.is_tree() && args.out.exists() {
        // A tree is written file by file; stale sessions from another run would stay behind.
        if let Err(err) = std::fs::remove_dir_all(&args.out) {
            eprintln!("genlogs: cannot clear {}: {err}", args.out.display());
            return ExitCode::from(2);
        }
    }
    let stats = match genlogs::generate(args.format, args.mix, args.bytes, args.seed, &args.out) {
        Ok(stats) => stats,
        Err(err) => {
            eprintln!("genlogs: writing {}: {err}", args.out.display());
            return ExitCode::from(2);
        }
    };
    let summary = stats.to_json(args.format, args.seed, args.bytes);
    if let Some(path) = &args.stats
        && let Err(err) = std::fs::write(path, format!("{summary}\n"))
    {
        eprintln!("genlogs: writing {}: {err}", path.display());
        return ExitCode::from(2);
    }
    let mix = match args.mix {
        Mix::Standard => String::new(),
        other => format!(" ({} mix)", other.name()),
    };
    eprintln!(
        "genlogs: {}{mix} {} bytes in {} file(s), {} records, {} calls -> {}",
        args.format.name(),
        stats.bytes,
        stats.files,
        stats.records,
        stats.calls,
        args.out.display()
    );
    ExitCode::SUCCESS
}

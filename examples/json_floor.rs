//! The floor under any reader of JSONL logs built on serde_json: reads every log file under the
//! given paths (files or folders) and checks that each line is JSON, keeping nothing, on all
//! cores (rayon; `RAYON_NUM_THREADS` sets how many). `scripts/bench_e2e.sh` times it beside
//! `llm-audit analyze` and the peer: no serde_json-based tool can read the same files faster,
//! whatever it does with the values.
//!
//! `cargo run --release --example json_floor -- PATH...` prints the files, lines, bytes and
//! lines that are not JSON it saw.

use std::path::PathBuf;

use rayon::prelude::*;
use serde::de::IgnoredAny;

fn main() {
    let roots: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: json_floor PATH...");
        std::process::exit(2);
    }
    let mut files = Vec::new();
    for root in &roots {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let entry = entry.unwrap_or_else(|err| panic!("{}: {err}", root.display()));
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && (name.ends_with(".jsonl") || name.ends_with(".json"))
            {
                files.push(entry.into_path());
            }
        }
    }
    let (lines, bytes, invalid) = files
        .par_iter()
        .map(|path| {
            let text =
                std::fs::read(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            let mut counts = (0u64, text.len() as u64, 0u64);
            for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                counts.0 += 1;
                if serde_json::from_slice::<IgnoredAny>(line).is_err() {
                    counts.2 += 1;
                }
            }
            counts
        })
        .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2));
    println!(
        "{} files, {lines} lines, {bytes} bytes, {invalid} not JSON",
        files.len()
    );
}

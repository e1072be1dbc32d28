//! The floor under any reader of JSONL logs built on serde_json: reads the files `analyze`
//! would read under the given paths (files or folders), opened and decompressed as it opens
//! them, and checks that each line is JSON, keeping nothing, on all cores (rayon;
//! `RAYON_NUM_THREADS` sets how many). `scripts/bench_e2e.sh` times it beside
//! `llm-audit analyze` and the peer: no serde_json-based tool can read the same files faster,
//! whatever it does with the values.
//!
//! `cargo run --release --example json_floor -- PATH...` prints the files, lines, bytes and
//! lines that are not JSON it saw.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

use std::io::Read;
use std::path::PathBuf;

use llm_audit::ingest::{discover_sources, open_source};
use rayon::prelude::*;
use serde::de::IgnoredAny;

fn main() {
    let roots: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: json_floor PATH...");
        std::process::exit(2);
    }
    // The files `analyze` would read, opened as it opens them.
    let sources = discover_sources(&roots).unwrap_or_else(|err| panic!("{err}"));
    let (lines, bytes, invalid) = sources
        .par_iter()
        .map(|source| {
            let mut text = Vec::new();
            open_source(source, None)
                .and_then(|mut stream| stream.read_to_end(&mut text))
                .unwrap_or_else(|err| panic!("{}: {err}", source.display_name()));
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
        sources.len()
    );
}

//! The golden ingest report: every bundled input file read alone, its JSON report and its calls
//! CSV (each call's exact token buckets and cost) snapshotted with insta.
//!
//! It pins what every adapter reads, so a change to how formats are detected or parsed shows
//! as a snapshot diff. A refactor of ingest must leave every snapshot byte-identical; a change
//! meant to alter what a format reads is reviewed file by file (`cargo insta review`).

use std::path::{Path, PathBuf};

use clap::Parser;
use llm_audit::cli::{Cli, Command};
use llm_audit::commands::analyze::{AnalyzeSettings, analyze};
use llm_audit::export::{AnalysisFormat, CallsCsvWriter};

/// The folders of `fixtures/` whose files are inputs `analyze` reads (the others hold price
/// tables, policies and budgets).
const INPUT_FOLDERS: [&str; 9] = [
    "agents",
    "billing",
    "classify",
    "failures",
    "logs",
    "malformed",
    "reasoning",
    "reconcile",
    "waste",
];

fn input_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            input_files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("jsonl" | "json" | "csv")
        ) {
            out.push(path);
        }
    }
}

/// The JSON report and the calls CSV of `analyze <file>`, run from the crate root so paths in
/// the report are relative.
fn golden(file: &str) -> String {
    let Command::Analyze(args) = Cli::parse_from(["llm-audit", "analyze", "-q", file]).command
    else {
        unreachable!("parsed an analyze command");
    };
    let settings = AnalyzeSettings::from_args(args).expect("default settings are valid");
    let analysis = analyze(&settings);
    let mut out = Vec::new();
    AnalysisFormat::Json
        .exporter(false)
        .write(&analysis.report, &mut out)
        .unwrap();
    out.extend_from_slice(b"\n--- calls.csv ---\n");
    CallsCsvWriter::write(
        &analysis.run,
        &settings.input.catalog,
        &settings.input.rules,
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).expect("exporters write UTF-8")
}

#[test]
fn every_fixture_reads_as_its_golden_report() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut files = Vec::new();
    for folder in INPUT_FOLDERS {
        input_files(&Path::new("fixtures").join(folder), &mut files);
    }
    assert!(files.len() > 50, "the fixtures are found: {files:?}");
    for file in files {
        let file = file.to_str().unwrap().replace('\\', "/");
        let name = file
            .trim_start_matches("fixtures/")
            .replace(['/', '.'], "__");
        insta::assert_snapshot!(name, golden(&file));
    }
}

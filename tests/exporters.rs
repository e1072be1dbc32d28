//! Every exporter on one fixed run (the bundled `fixtures/logs`, grouped by project and day),
//! snapshotted with insta, and the JSON report read back into the same `Report`.
//!
//! A snapshot changes when the report does: review it with `cargo insta review` (or read the
//! `.snap.new` file) and accept it only when the change is meant.

use std::path::Path;

use clap::Parser;
use llm_audit::cli::{Cli, Command};
use llm_audit::commands::analyze::{AnalyzeSettings, analyze};
use llm_audit::export::{
    AnalysisFormat, CallsCsvWriter, Report, write_breakdowns, write_comparison, write_comparison_in,
};

/// The report of `analyze fixtures/logs --group-by project,day` (run from the crate root, so
/// the input paths in the report are relative and stable).
fn fixture_analysis(extra: &[&str]) -> (AnalyzeSettings, llm_audit::commands::analyze::Analysis) {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut args = vec![
        "llm-audit",
        "analyze",
        "-q",
        "fixtures/logs",
        "--group-by",
        "project,day",
    ];
    args.extend_from_slice(extra);
    let Command::Analyze(args) = Cli::parse_from(args).command else {
        unreachable!("parsed an analyze command");
    };
    let settings = AnalyzeSettings::from_args(args).expect("fixture settings are valid");
    let analysis = analyze(&settings);
    (settings, analysis)
}

fn render(format: AnalysisFormat, report: &Report) -> String {
    let mut out = Vec::new();
    format.exporter(false).write(report, &mut out).unwrap();
    String::from_utf8(out).expect("exporters write UTF-8")
}

#[test]
fn exporters_match_their_snapshots() {
    let (settings, analysis) = fixture_analysis(&[]);
    let report = &analysis.report;
    assert!(report.calls > 50, "the fixture run reads the bundled logs");
    insta::assert_snapshot!("table", render(AnalysisFormat::Table, report));
    insta::assert_snapshot!("json", render(AnalysisFormat::Json, report));
    insta::assert_snapshot!("policies_csv", render(AnalysisFormat::Csv, report));
    insta::assert_snapshot!("markdown", render(AnalysisFormat::Markdown, report));
    insta::assert_snapshot!("html", render(AnalysisFormat::Html, report));

    let mut breakdown = Vec::new();
    write_breakdowns(report, &mut breakdown).unwrap();
    insta::assert_snapshot!("breakdown_csv", String::from_utf8(breakdown).unwrap());

    let mut comparison = Vec::new();
    write_comparison(report, false, &mut comparison).unwrap();
    insta::assert_snapshot!("comparison", String::from_utf8(comparison).unwrap());

    let mut calls = Vec::new();
    CallsCsvWriter::write(
        &analysis.run,
        &settings.input.catalog,
        &settings.input.rules,
        &mut calls,
    )
    .unwrap();
    insta::assert_snapshot!("calls_csv", String::from_utf8(calls).unwrap());
}

#[test]
fn json_report_round_trips() {
    let (_, analysis) = fixture_analysis(&["--timezone", "Europe/Berlin", "--group-by", "tier"]);
    let json = render(AnalysisFormat::Json, &analysis.report);
    let back: Report = serde_json::from_str(&json).expect("the JSON report reads back");
    assert_eq!(back, analysis.report);
    // Written again, it is the same text: field order and number formatting are stable.
    assert_eq!(render(AnalysisFormat::Json, &back), json);
}

#[test]
fn every_breakdown_adds_up_to_the_baseline() {
    let (_, analysis) = fixture_analysis(&["--group-by", "week,session,tag:team"]);
    let report = &analysis.report;
    let baseline = report.baseline.cost_usd;
    for grouping in &report.groups {
        let calls: u64 = grouping.groups.iter().map(|g| g.calls).sum();
        let cost: f64 = grouping.groups.iter().map(|g| g.cost_usd).sum();
        assert_eq!(calls, report.calls, "calls by {}", grouping.by);
        assert!((cost - baseline).abs() < 1e-9, "cost by {}", grouping.by);
    }
    let by: Vec<&str> = report.groups.iter().map(|g| g.by.as_str()).collect();
    assert_eq!(by, ["project", "day", "week", "session", "tag:team"]);
    let spend: f64 = report.spend_over_time.iter().map(|p| p.cost_usd).sum();
    assert!((spend - baseline).abs() < 1e-9);
    assert!(Path::new("fixtures/logs").is_dir());
}

#[test]
fn a_wide_comparison_is_split_to_fit_the_terminal() {
    let (_, analysis) = fixture_analysis(&[]);
    let report = &analysis.report;
    assert!(report.policies.len() >= 6);
    let render = |width: Option<u16>| {
        let mut out = Vec::new();
        write_comparison_in(report, true, width, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    let tables = |text: &str| text.lines().filter(|l| l.starts_with('┌')).count();
    // Box-drawn table lines fit 80 columns; every policy still has its column.
    let narrow = render(Some(80));
    assert!(tables(&narrow) > 1, "{narrow}");
    for line in narrow
        .lines()
        .filter(|l| l.starts_with(['┌', '│', '├', '└', '╞']))
    {
        assert!(line.chars().count() <= 80, "{line}");
    }
    for policy in &report.policies {
        assert!(narrow.contains(&policy.name), "{}", policy.name);
    }
    // Without a width (a pipe or a file), one table.
    assert_eq!(tables(&render(None)), 1);
}

/// The headline the table format opens with, as `--summary` prints it, at the widths of
/// common terminals and piped (`None`: 100 columns).
#[test]
fn the_headline_fits_each_width() {
    use llm_audit::export::{Detail, Exporter, TableExporter};
    let (_, analysis) = fixture_analysis(&[]);
    for (name, width) in [
        ("headline_80", Some(80)),
        ("headline_100", Some(100)),
        ("headline_120", Some(120)),
        ("headline_piped", None),
    ] {
        let mut out = Vec::new();
        TableExporter {
            unicode: false,
            detail: Detail::Summary,
            width,
        }
        .write(&analysis.report, &mut out)
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        let limit = width.unwrap_or(100);
        assert!(
            text.lines().all(|line| line.chars().count() < limit),
            "{name}: a line is {limit} columns or wider:\n{text}"
        );
        insta::assert_snapshot!(name, text);
    }
}

/// The default table report on a terminal of 80, 100 and 120 columns: no line is wider than the
/// terminal, and no table cell wraps (every table row is one line: a model's row starts with
/// its name). Piped, the report is laid out for 100 columns.
#[test]
fn the_default_report_fits_each_width() {
    use llm_audit::export::{Detail, Exporter, TableExporter};
    let (_, analysis) = fixture_analysis(&[]);
    for width in [80, 100, 120] {
        for unicode in [false, true] {
            let mut out = Vec::new();
            TableExporter {
                unicode,
                detail: Detail::Standard,
                width: Some(width),
            }
            .write(&analysis.report, &mut out)
            .unwrap();
            let text = String::from_utf8(out).unwrap();
            for line in text.lines() {
                assert!(
                    line.chars().count() <= width,
                    "{width} columns: {} wide: {line}",
                    line.chars().count()
                );
            }
            for model in &analysis.report.by_model {
                let short: String = model.key.chars().take(8).collect();
                assert!(
                    text.lines().any(|l| l.trim_start().starts_with(&short)),
                    "{width} columns: no row for {}",
                    model.key
                );
            }
        }
    }
}

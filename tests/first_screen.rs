//! The first screen answers: on a generated week of realistic gateway logs
//! (`examples/genweek.rs`: flagship models on routine work, a reasoning model on yes/no
//! questions, agent loops, retries), `analyze` in a real pseudo-terminal of 100×40 and piped
//! prints, in its first 30 lines, the spend, a monthly figure, the best saving without risk,
//! the best saving with risk and the largest finding (each with its monthly figure), each
//! equal to the cent to the JSON report's figure, and no line wider than the terminal. The
//! bundled fixtures, piped, too.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: reads the binary's.

#[allow(dead_code)]
#[path = "../examples/genweek.rs"]
mod genweek;

use std::path::Path;
use std::process::Command;

use llm_audit::human::usd;
use serde_json::Value;

/// A week of about this many calls: enough sessions for the runaway finding.
const CALLS: usize = 1500;

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_llm-audit")
}

/// `analyze --format json` of `log`.
fn json(log: &Path) -> Value {
    let output = Command::new(binary())
        .args(["analyze", "-q", "--format", "json", "--group-by", "feature"])
        .arg(log)
        .output()
        .expect("run llm-audit");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the report is JSON")
}

/// The report as a terminal of 100×40 shows it: `script` gives the command a pseudo-terminal,
/// `stty` sets its size. The progress bar on stderr shares the screen: each line is what is
/// left after its last carriage return, with the escape sequences that clear it removed.
fn in_terminal(log: &Path) -> String {
    let command = format!(
        "stty cols 100 rows 40; exec '{}' analyze --group-by feature '{}'",
        binary(),
        log.display()
    );
    let output = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .output()
        .expect("run script(1) from util-linux");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let raw = String::from_utf8(output.stdout).expect("the report is UTF-8");
    raw.split('\n')
        .map(|line| {
            let shown = line
                .trim_end_matches('\r')
                .rsplit('\r')
                .next()
                .unwrap_or("");
            without_escapes(shown)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` without its CSI escape sequences (`ESC [ … final byte`).
fn without_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The report piped.
fn piped(log: &Path) -> String {
    let output = Command::new(binary())
        .args(["analyze", "-q", "--group-by", "feature"])
        .arg(log)
        .output()
        .expect("run llm-audit");
    assert!(output.status.success());
    String::from_utf8(output.stdout).expect("the report is UTF-8")
}

/// The policy with the largest saving, with risk or without.
fn best(report: &Value, risky: bool) -> &Value {
    report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] != "baseline")
        .filter(|p| (p["risky_savings_usd"].as_f64().unwrap() > 0.0) == risky)
        .max_by(|a, b| {
            a["savings_usd"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["savings_usd"].as_f64().unwrap())
        })
        .expect("a policy saves")
}

/// Checks the first 30 lines of `screen` against the JSON report, and every line's width.
fn check(name: &str, screen: &str, report: &Value, width: usize) {
    let head: Vec<&str> = screen.lines().take(30).collect();
    let text = head.join("\n");
    let number = |value: &Value| usd(value.as_f64().unwrap());
    let must = |what: &str, needle: String| {
        assert!(
            text.contains(&needle),
            "{name}: no {what} `{needle}` in:\n{text}"
        );
    };
    must(
        "spend",
        format!("Spent {} on", number(&report["baseline"]["cost_usd"])),
    );
    must(
        "monthly spend",
        format!(
            "about {} a month at this rate",
            number(&report["per_month"]["spend_usd"])
        ),
    );
    for (label, policy) in [
        ("Without risk", best(report, false)),
        ("With risk", best(report, true)),
    ] {
        must(
            label,
            format!(
                "{label}: {} saves {} (about {} a month)",
                policy["name"].as_str().unwrap(),
                number(&policy["savings_usd"]),
                number(&policy["savings_per_month_usd"]),
            ),
        );
    }
    let largest = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .max_by(|a, b| {
            a["impact_usd"]
                .as_f64()
                .unwrap()
                .total_cmp(&b["impact_usd"].as_f64().unwrap())
        })
        .expect("the week has findings");
    // Wrapped lines are joined so that a sentence split over two lines still matches.
    let joined = text.replace("\n  ", " ");
    let waste = format!("Waste: {}", largest["title"].as_str().unwrap());
    let waste_month = format!(
        "(about {} a month)",
        number(&largest["impact_per_month_usd"])
    );
    assert!(
        joined.lines().any(|l| l.starts_with(&waste)
            && l.contains(&number(&largest["impact_usd"]))
            && l.contains(&waste_month)),
        "{name}: the largest finding ({waste}, {}, {waste_month}) is not on the first screen:\n{text}",
        number(&largest["impact_usd"])
    );
    for line in screen.lines() {
        assert!(
            line.chars().count() <= width,
            "{name}: a line of {} columns: {line}",
            line.chars().count()
        );
    }
}

#[test]
fn the_first_screen_answers_with_the_json_reports_figures() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("week.jsonl");
    genweek::write(&genweek::generate(1, CALLS), &log).expect("write the week");
    let report = json(&log);
    assert!(report["calls"].as_u64().unwrap() > 1000);
    assert_eq!(report["errors"], 0);
    assert_eq!(report["per_month"]["days"], 7);
    check("100×40 terminal", &in_terminal(&log), &report, 100);
    check("piped", &piped(&log), &report, 100);
}

/// The bundled fixtures answer the same way, piped.
#[test]
fn the_fixtures_first_screen_answers_with_the_json_reports_figures() {
    let logs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs");
    check("fixtures piped", &piped(&logs), &json(&logs), 100);
}

/// The README shows a newcomer the first screen of `analyze fixtures/logs` (piped, so 100
/// columns): it must be what the command prints today, not what it printed once.
#[test]
fn the_readme_shows_the_first_screen_the_fixtures_print_today() {
    let readme = include_str!("../README.md");
    let shown = readme
        .split_once("```text\n")
        .and_then(|(_, rest)| rest.split_once(" …\n```"))
        .map(|(block, _)| block)
        .expect("the README's first text block ends with ` …`");
    let output = Command::new(binary())
        .args(["analyze", "fixtures/logs"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .expect("run llm-audit");
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        printed.starts_with(shown),
        "the README's first screen differs from today's; it prints:\n{}",
        printed
            .lines()
            .take(shown.lines().count())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

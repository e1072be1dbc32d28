//! Hostile input against the real binary: whatever a log holds, no output (any report format,
//! the per-call files, stderr, a partial's merge) carries prompt text, a terminal control
//! sequence or a spreadsheet formula, and every record read is accounted for.
//!
//! The corpus is made here from the bundled fixtures: every JSON Lines fixture is copied, then
//! each of its lines again once per value (up to a bound), with that value replaced by a canary
//! string, or a string by an object holding it. A reader that quotes what it did not expect,
//! in any adapter, leaks the canary.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// Stands for a prompt: must appear in no output.
const CANARY: &str = "CANARY-7f3a my secret prompt";
const CANARY_MARK: &str = "7f3a";

/// Values replaced per line at most (evenly spread over its values).
const MUTATIONS_PER_LINE: usize = 60;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_llm-audit"))
}

fn run(args: &[&str], dir: &Path) -> Output {
    binary()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every JSON Lines file under `dir`.
fn jsonl_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            jsonl_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "jsonl") {
            out.push(path);
        }
    }
}

/// The paths (object keys and array indexes) to every value in `value`.
fn value_paths(value: &Value, at: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    if !at.is_empty() {
        out.push(at.clone());
    }
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push(PathStep::Key(key.clone()));
                value_paths(child, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push(PathStep::Index(index));
                value_paths(child, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at_path<'v>(value: &'v mut Value, path: &[PathStep]) -> &'v mut Value {
    path.iter().fold(value, |value, step| match step {
        PathStep::Key(key) => &mut value[key.as_str()],
        PathStep::Index(index) => &mut value[*index],
    })
}

/// The line with the value at `path` replaced: a string by an object holding the canary, any
/// other value by the canary.
fn mutated(line: &Value, path: &[PathStep]) -> String {
    let mut copy = line.clone();
    let target = at_path(&mut copy, path);
    *target = match target {
        Value::String(_) => serde_json::json!({ "text": CANARY, "content": [CANARY] }),
        _ => Value::String(CANARY.to_string()),
    };
    serde_json::to_string(&copy).unwrap()
}

/// Writes the corpus into `dir`, one file per fixture file (its lines first, so the format is
/// still detected, then the mutated lines), and the cases the issue measured.
fn write_corpus(dir: &Path) {
    let mut files = Vec::new();
    jsonl_files(&fixtures().join("logs"), &mut files);
    jsonl_files(&fixtures().join("billing"), &mut files);
    for (n, file) in files.iter().enumerate() {
        let text = std::fs::read_to_string(file).unwrap();
        let mut out = text.clone();
        if !out.ends_with('\n') {
            out.push('\n');
        }
        for line in text.lines() {
            let Ok(value) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let mut paths = Vec::new();
            value_paths(&value, &mut Vec::new(), &mut paths);
            let step = paths.len().div_ceil(MUTATIONS_PER_LINE).max(1);
            for path in paths.iter().step_by(step) {
                out.push_str(&mutated(&value, path));
                out.push('\n');
            }
        }
        // Keep the folder layout (Claude Code's projects/, Codex's rollout-*) in the name.
        let name = file
            .strip_prefix(fixtures())
            .unwrap()
            .to_string_lossy()
            .replace('/', "__");
        std::fs::write(dir.join(format!("{n:02}-{name}")), out).unwrap();
    }
    // A user turn stored as a bare string, a `messages` field that is a string, and Gemini
    // CLI's logs.json (user prompts only) in a folder users point at.
    std::fs::write(
        dir.join("bare_user_turn.jsonl"),
        format!(
            "{{\"type\":\"user\",\"message\":\"{CANARY}\",\"sessionId\":\"s\",\"uuid\":\"u\"}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("messages_string.jsonl"),
        format!(
            "{{\"request\":{{\"model\":\"gpt-4o\",\"messages\":\"{CANARY}\"}},\"response\":{{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"usage\":{{\"prompt_tokens\":3,\"completion_tokens\":1}}}}}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("logs.json"),
        format!(
            "[{{\"sessionId\":\"s\",\"messageId\":0,\"type\":\"user\",\"message\":\"{CANARY}\",\"timestamp\":\"2026-01-01T00:00:00Z\"}}]\n"
        ),
    )
    .unwrap();
}

/// The bytes a run wrote: stdout, stderr and the files it was asked to write.
fn outputs_of(output: &Output, files: &[&Path]) -> Vec<(String, Vec<u8>)> {
    let mut all = vec![
        ("stdout".to_string(), output.stdout.clone()),
        ("stderr".to_string(), output.stderr.clone()),
    ];
    for file in files {
        all.push((file.display().to_string(), std::fs::read(file).unwrap()));
    }
    all
}

#[test]
fn no_output_quotes_a_value_from_a_log() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    write_corpus(&corpus);
    let out = dir.path();
    let calls = out.join("calls.csv");
    let breakdown = out.join("breakdown.csv");
    let json = run(
        &[
            "analyze",
            "-q",
            "--format",
            "json",
            "--calls-csv",
            calls.to_str().unwrap(),
            "--breakdown-csv",
            breakdown.to_str().unwrap(),
            "corpus",
        ],
        out,
    );
    assert_eq!(
        json.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    // Every record is a call, a billing line, a skip or an error.
    let skipped: u64 = report["skipped"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    let [records, calls_n, buckets, errors] =
        ["records", "calls", "buckets", "errors"].map(|k| report[k].as_u64().unwrap());
    assert_eq!(calls_n + buckets + skipped + errors, records);
    assert!(errors > 1_000, "the corpus makes errors: {errors}");
    let mut checked = outputs_of(&json, &[&calls, &breakdown]);
    for format in ["table", "markdown", "html", "csv"] {
        let report = out.join(format!("report.{format}"));
        let output = run(
            &[
                "analyze",
                "-q",
                "--format",
                format,
                "-o",
                report.to_str().unwrap(),
                "corpus",
            ],
            out,
        );
        assert_eq!(output.status.code(), Some(0), "{format}");
        checked.extend(outputs_of(&output, &[&report]));
    }
    let compared = run(&["compare", "-q", "corpus", "--policy", "balanced"], out);
    checked.extend(outputs_of(&compared, &[]));
    // The same through a partial and a merge.
    let partial = out.join("part.bin");
    let emitted = run(
        &[
            "analyze",
            "-q",
            "--emit-partial",
            partial.to_str().unwrap(),
            "corpus",
        ],
        out,
    );
    assert_eq!(emitted.status.code(), Some(0));
    let merged = run(&["merge", "-q", partial.to_str().unwrap()], out);
    assert_eq!(merged.status.code(), Some(0));
    checked.extend(outputs_of(&merged, &[]));
    for (name, bytes) in &checked {
        let text = String::from_utf8_lossy(bytes);
        if let Some(at) = text.find(CANARY_MARK) {
            let start = text[..at]
                .char_indices()
                .rev()
                .nth(200)
                .map_or(0, |(i, _)| i);
            panic!("{name} quotes a log value: …{}…", &text[start..at + 20]);
        }
    }
}

/// What no output byte stream may hold: ESC, the C1 controls, bidi controls, and a CR (other
/// than in a CR LF).
fn unsafe_in(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        matches!(c, '\u{1b}' | '\u{7}' | '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

#[test]
fn strings_from_logs_reach_no_terminal_spreadsheet_or_markdown_as_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    // Model names, ids, sessions and tags with terminal escapes (an OSC 8 link, a title set,
    // a screen clear), C1 and bidi controls, a formula and a Markdown image.
    let hostile = "x\u{1b}]8;;https://e.com\u{7}link\u{1b}]8;;\u{7}\u{1b}]0;title\u{7}\u{1b}[2J\r\u{9b}1m\u{202e}\u{2066}";
    let image = "![x](https://e.com/track.png)";
    let mut lines = String::new();
    for (n, model) in [
        format!("gpt-4o{hostile}"),
        format!("{image}{hostile}"),
        "gpt-4o".into(),
    ]
    .iter()
    .enumerate()
    {
        let record = serde_json::json!({
            "request": {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}],
                        "metadata": {"feature": format!("=HYPERLINK(\"https://e.com\"){hostile}"),
                                     "project": format!("@SUM(A1){hostile}")}},
            "response": {"id": format!("=cmd|' /C calc'!A{n}{hostile}"), "object": "chat.completion",
                         "model": model, "created": 1767225600 + n,
                         "usage": {"prompt_tokens": 100, "completion_tokens": 10}},
            "session_id": format!("+s{n}{hostile}"),
        });
        lines.push_str(&serde_json::to_string(&record).unwrap());
        lines.push('\n');
    }
    let file_name = format!("logs-{}.jsonl", "\u{1b}[31mred");
    std::fs::write(out.join(&file_name), &lines).unwrap();
    let policy = out.join("p.toml");
    std::fs::write(
        &policy,
        format!(
            "name = {}\n[[rule]]\nname = {}\nprompt_cache = \"5m\"\n",
            serde_json::to_string(&format!("policy{hostile}")).unwrap(),
            serde_json::to_string(&format!("rule{hostile}")).unwrap()
        ),
    )
    .unwrap();
    let calls = out.join("calls.csv");
    let mut checked = Vec::new();
    for format in ["table", "markdown", "csv", "html", "json"] {
        let output = run(
            &[
                "analyze",
                "-q",
                "--format",
                format,
                "--calls-csv",
                calls.to_str().unwrap(),
                "--group-by",
                "tag:feature",
                "--group-by",
                "tag:project",
                "--group-by",
                "session",
                "--policy",
                policy.to_str().unwrap(),
                &file_name,
            ],
            out,
        );
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        checked.push((format!("{format} stdout"), output.stdout.clone()));
        checked.push((format!("{format} stderr"), output.stderr.clone()));
        checked.push(("calls.csv".to_string(), std::fs::read(&calls).unwrap()));
        if format == "markdown" {
            let text = String::from_utf8(output.stdout.clone()).unwrap();
            assert!(!text.contains("![x]("), "a live image: {text}");
        }
        if format == "json" {
            // JSON keeps the strings exactly, escaped.
            let report: Value = serde_json::from_slice(&output.stdout).unwrap();
            let models = report.to_string();
            assert!(models.contains("\\u001b]0;title"), "{models}");
        }
    }
    let compared = run(
        &[
            "compare",
            "-q",
            "--policy",
            policy.to_str().unwrap(),
            &file_name,
        ],
        out,
    );
    checked.push(("compare".to_string(), compared.stdout));
    checked.push(("compare stderr".to_string(), compared.stderr));
    for (name, bytes) in &checked {
        let text = String::from_utf8_lossy(bytes);
        if let Some(c) = unsafe_in(&text) {
            panic!("{name} holds {:?}:\n{text}", c);
        }
    }
    // No CSV cell starts a formula.
    for path in [&calls] {
        let mut reader = csv::Reader::from_path(path).unwrap();
        for record in reader.records() {
            for cell in record.unwrap().iter() {
                let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
                    && cell.parse::<f64>().is_err();
                assert!(!formula, "formula cell {cell:?} in {}", path.display());
            }
        }
    }
}

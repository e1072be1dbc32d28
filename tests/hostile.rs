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
    let (_, _, errors) = counts(&report);
    assert!(errors > 1_000, "the corpus makes errors: {errors}");
    // An error names the file, the line, the field and what was expected.
    let bare = run(
        &[
            "analyze",
            "-q",
            "--format",
            "json",
            "corpus/bare_user_turn.jsonl",
        ],
        out,
    );
    let bare: Value = serde_json::from_slice(&bare.stdout).unwrap();
    let sample = &bare["error_samples"][0];
    assert_eq!(sample["file"], "corpus/bare_user_turn.jsonl");
    assert_eq!(sample["line"], 1);
    assert_eq!(
        sample["message"],
        "invalid JSON: field `message`: invalid type: string, expected struct Message at line 1 column 55"
    );
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

/// One OpenAI chat completion line, with its id and prompt tokens.
fn openai_line(id: &str, prompt_tokens: u64) -> String {
    format!(
        "{{\"id\":\"{id}\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"created\":1767225600,\"usage\":{{\"prompt_tokens\":{prompt_tokens},\"completion_tokens\":10}}}}\n"
    )
}

fn report_of(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

/// Records, calls, errors and skipped of a report, after checking they add up.
fn counts(report: &Value) -> (u64, u64, u64) {
    let skipped: u64 = report["skipped"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    let [records, calls, buckets, errors] =
        ["records", "calls", "buckets", "errors"].map(|k| report[k].as_u64().unwrap());
    assert_eq!(calls + buckets + skipped + errors, records, "{report:#}");
    (records, calls, errors)
}

#[test]
fn no_output_may_overwrite_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let log = openai_line("c1", 100);
    std::fs::write(dir.path().join("in.jsonl"), &log).unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    std::fs::write(dir.path().join("logs/a.jsonl"), &log).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("in.jsonl", dir.path().join("link.json")).unwrap();
    for args in [
        &["analyze", "-q", "-o", "in.jsonl", "in.jsonl"][..],
        &["analyze", "-q", "--calls-csv", "./in.jsonl", "in.jsonl"],
        &["analyze", "-q", "--calls-parquet", "in.jsonl", "in.jsonl"],
        &["analyze", "-q", "--breakdown-csv", "logs/a.jsonl", "logs"],
        &["analyze", "-q", "--emit-partial", "logs/a.jsonl", "logs"],
        &["compare", "-q", "-o", "logs/../in.jsonl", "in.jsonl"],
        #[cfg(unix)]
        &["analyze", "-q", "-o", "link.json", "in.jsonl"],
    ] {
        let output = run(args, dir.path());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("refusing to write an output over an input"),
            "{stderr}"
        );
        for file in ["in.jsonl", "logs/a.jsonl"] {
            assert_eq!(
                std::fs::read_to_string(dir.path().join(file)).unwrap(),
                log,
                "{args:?} touched {file}"
            );
        }
    }
    // A partial merged into a report over itself.
    let partial = dir.path().join("p.bin");
    let emitted = run(
        &["analyze", "-q", "--emit-partial", "p.bin", "in.jsonl"],
        dir.path(),
    );
    assert_eq!(emitted.status.code(), Some(0));
    let before = std::fs::read(&partial).unwrap();
    let merged = run(&["merge", "-q", "-o", "p.bin", "p.bin"], dir.path());
    assert_eq!(merged.status.code(), Some(2));
    assert_eq!(std::fs::read(&partial).unwrap(), before);
}

#[test]
fn a_stray_array_line_loses_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "[[1,2]]\n{}{}",
        openai_line("c1", 100),
        openai_line("c2", 200)
    );
    std::fs::write(dir.path().join("x.jsonl"), text).unwrap();
    let report = report_of(&run(
        &["analyze", "-q", "--format", "json", "x.jsonl"],
        dir.path(),
    ));
    assert_eq!(counts(&report), (3, 2, 1));
    assert_eq!(report["error_samples"][0]["line"], 1);
}

#[test]
fn what_cannot_be_read_is_exit_2_when_named_and_an_error_in_a_walk() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("good.jsonl"), openai_line("c1", 100)).unwrap();
    // Gzip with zero padding after the member, as tape and block devices leave it.
    let mut padded = {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Default::default());
        encoder
            .write_all(openai_line("c2", 200).as_bytes())
            .unwrap();
        encoder.finish().unwrap()
    };
    padded.extend([0u8; 4096]);
    std::fs::write(root.join("padded.jsonl.gz"), &padded).unwrap();
    let report = report_of(&run(
        &["analyze", "-q", "--format", "json", "padded.jsonl.gz"],
        root,
    ));
    assert_eq!(counts(&report), (1, 1, 0));

    // Gzip that is cut short: its calls up to the cut count, and the file is an error.
    let mut big = String::new();
    for n in 0..2_000 {
        big.push_str(&openai_line(&format!("b{n}"), 100));
    }
    let cut = {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Default::default());
        encoder.write_all(big.as_bytes()).unwrap();
        let whole = encoder.finish().unwrap();
        whole[..whole.len() - 20].to_vec()
    };
    std::fs::create_dir(root.join("walk")).unwrap();
    std::fs::write(root.join("walk/cut.jsonl.gz"), &cut).unwrap();
    std::fs::write(root.join("walk/good.jsonl"), openai_line("c3", 100)).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("nowhere.jsonl", root.join("walk/dangling.jsonl")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", root.join("walk/loop")).unwrap();
    // Found in a walk: errors with their reasons, the run goes on (exit 0).
    let report = report_of(&run(&["analyze", "-q", "--format", "json", "walk"], root));
    let inputs = report["inputs"].as_array().unwrap();
    let read_error = |name: &str| {
        inputs
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(name))
            .map(|i| i["read_error"].clone())
            .unwrap_or_else(|| panic!("{name} listed: {inputs:#?}"))
    };
    assert!(read_error("cut.jsonl.gz").is_string());
    assert!(read_error("good.jsonl").is_null());
    #[cfg(unix)]
    {
        assert!(
            read_error("dangling.jsonl")
                .as_str()
                .unwrap()
                .contains("dangling")
        );
        assert!(read_error("loop").as_str().unwrap().contains("loop"));
    }
    let cut_calls = inputs
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with("cut.jsonl.gz"))
        .unwrap()["calls"]
        .as_u64()
        .unwrap();
    assert!(
        cut_calls > 1_000,
        "the calls before the cut count: {cut_calls}"
    );
    counts(&report);

    // Named: exit 2 naming the file, the report still written.
    let named = run(
        &[
            "analyze",
            "-q",
            "--format",
            "json",
            "walk/cut.jsonl.gz",
            "good.jsonl",
        ],
        root,
    );
    assert_eq!(named.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&named.stderr).contains("error: walk/cut.jsonl.gz:"));
    let written: Value = serde_json::from_slice(&named.stdout).unwrap();
    assert_eq!(written["calls"].as_u64().unwrap(), cut_calls + 1);

    // Stdin that is a directory; a named file that cannot be opened (a socket).
    let stdin_dir = binary()
        .current_dir(root)
        .args(["analyze", "-q", "-"])
        .stdin(std::fs::File::open(root).unwrap())
        .output()
        .unwrap();
    assert_eq!(stdin_dir.status.code(), Some(2));
    #[cfg(unix)]
    {
        let _socket = std::os::unix::net::UnixListener::bind(root.join("s.jsonl")).unwrap();
        let socket = run(&["analyze", "-q", "s.jsonl"], root);
        assert_eq!(socket.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&socket.stderr).contains("s.jsonl"));
    }
}

#[test]
fn a_line_past_the_limit_is_an_error_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!(
        "{{\"id\":\"x\",\"object\":\"chat.completion\",\"pad\":\"{}\"}}\n",
        "a".repeat(3 << 20)
    );
    let text = format!("{}{long}{}", openai_line("c1", 100), openai_line("c2", 100));
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut encoder, text.as_bytes()).unwrap();
    std::fs::write(dir.path().join("long.jsonl.gz"), encoder.finish().unwrap()).unwrap();
    let report = report_of(&run(
        &[
            "analyze",
            "-q",
            "--format",
            "json",
            "--max-line-mib",
            "1",
            "long.jsonl.gz",
        ],
        dir.path(),
    ));
    assert_eq!(counts(&report), (3, 2, 1));
    assert_eq!(report["error_samples"][0]["line"], 2);
    assert!(
        report["error_samples"][0]["message"]
            .as_str()
            .unwrap()
            .contains("--max-line-mib")
    );
    // Under the default limit the same line is read (and is an error of its own kind).
    let report = report_of(&run(
        &["analyze", "-q", "--format", "json", "long.jsonl.gz"],
        dir.path(),
    ));
    assert_eq!(counts(&report).0, 3);
    assert!(
        !report["error_samples"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["message"].as_str().unwrap().contains("--max-line-mib")),
        "{report:#}"
    );
}

#[test]
fn every_number_is_checked_against_one_range_in_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let lines = [
        openai_line("huge", u64::MAX),
        "{\"id\":\"slow\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"latency_ms\":1e300,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n".to_string(),
        "{\"id\":\"refund\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"cost_usd\":-5,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n".to_string(),
        openai_line("fine", 1000),
    ];
    std::fs::write(root.join("n.jsonl"), lines.concat()).unwrap();
    let output = run(
        &[
            "analyze",
            "-q",
            "--format",
            "json",
            "--calls-csv",
            "c.csv",
            "n.jsonl",
        ],
        root,
    );
    let report = report_of(&output);
    assert_eq!(counts(&report), (4, 1, 3));
    let messages: Vec<&str> = report["error_samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`input tokens` is out of range",
            "`latency` is out of range",
            "`stated cost` is out of range"
        ]
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("inf") && !text.contains("NaN"), "{text}");
    // No negative zero in a CSV.
    let csv = std::fs::read_to_string(root.join("c.csv")).unwrap();
    assert!(
        !csv.split([',', '\n'])
            .any(|cell| cell == "-0" || cell.starts_with("-0.0")),
        "{csv}"
    );

    // Price overrides are refused alike by `analyze` and `pricing check`: a price out of
    // range, and deployments that map in a cycle (an error, not a stack overflow).
    for (overrides, says) in [
        (
            "[[model]]\nid = \"gpt-4o\"\nprovider = \"openai\"\ntier = \"flagship\"\ninput = 1e20\noutput = 10.0\nsource = \"x\"\nchecked = \"2026-01-01\"\n",
            "`input` is out of range",
        ),
        ("[deployments]\n\"x\" = \"y\"\n\"y\" = \"x\"\n", "cycle"),
    ] {
        std::fs::write(root.join("p.toml"), overrides).unwrap();
        for args in [
            &["analyze", "-q", "--pricing", "p.toml", "n.jsonl"][..],
            &["pricing", "check", "--pricing", "p.toml"],
        ] {
            let output = run(args, root);
            assert_eq!(output.status.code(), Some(2), "{args:?}");
            assert!(
                String::from_utf8_lossy(&output.stderr).contains(says),
                "{args:?}"
            );
        }
    }
    // A label whose score is not a number: refused, not counted as degraded.
    std::fs::write(
        root.join("labels.jsonl"),
        "{\"call_id\":\"fine\",\"candidate_model\":\"gpt-4o-mini\",\"score\":NaN,\"threshold\":0.5}\n",
    )
    .unwrap();
    let labels = run(&["calibrate", "--labels", "labels.jsonl", "n.jsonl"], root);
    assert_eq!(labels.status.code(), Some(2));
    std::fs::write(
        root.join("labels.csv"),
        "call_id,candidate_model,score,threshold\nfine,gpt-4o-mini,NaN,0.5\n",
    )
    .unwrap();
    let labels = run(&["calibrate", "--labels", "labels.csv", "n.jsonl"], root);
    assert_eq!(labels.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&labels.stderr).contains("`score` is out of range"));
}

#[test]
fn a_policy_of_many_rules_compiles_and_names_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("name = \"big\"\n");
    for n in 0..40_000 {
        text.push_str(&format!(
            "[[rule]]\nname = \"r{n}\"\nmatch = {{ tags = {{ feature = \"f{n}\" }} }}\nprompt_cache = \"5m\"\n"
        ));
    }
    // The last rule routes to a model the catalog does not know: the error names its line.
    text.push_str("[[rule]]\nname = \"bad\"\nroute = [\"no-such-model\"]\n");
    // The route, on the file's last line.
    let bad_line = text.lines().count();
    std::fs::write(dir.path().join("big.toml"), &text).unwrap();
    std::fs::write(dir.path().join("x.jsonl"), openai_line("c1", 100)).unwrap();
    let output = run(
        &["analyze", "-q", "--policy", "big.toml", "x.jsonl"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("line {bad_line}: rule `bad`")),
        "{stderr}"
    );
}

#[test]
fn label_files_reach_the_terminal_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.jsonl"), openai_line("c1", 100)).unwrap();
    std::fs::write(
        dir.path().join("labels.csv"),
        "call_id,candidate_model,passed\n\"a\u{1b}]0;title\u{7}\u{202e}\",gpt-4o-mini,pass\nc1,\"m\u{1b}[2J\",maybe\u{1b}[2J\n",
    )
    .unwrap();
    let output = run(
        &["calibrate", "--labels", "labels.csv", "x.jsonl"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    for text in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(text);
        assert!(unsafe_in(&text).is_none(), "{text}");
        assert!(!text.contains("maybe"), "the value is not quoted: {text}");
    }
}

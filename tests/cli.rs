//! Integration tests: the real `llm-audit` binary on the files in `fixtures/`.
//!
//! Money tests compute each expected cost here from the provider's published per-million-token
//! prices (as of the catalog's `checked` date) and the billing rule that applies, and compare it
//! with the cost the binary wrote to `--calls-csv`, to 1e-9 USD.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llm-audit"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

fn run(args: &[&str]) -> Output {
    binary().args(args).output().expect("the binary runs")
}

/// Runs `analyze --format json` and parses the report.
fn json_report(paths: &[&str], extra: &[&str]) -> Value {
    let mut args = vec!["analyze", "--format", "json"];
    args.extend_from_slice(extra);
    args.extend_from_slice(paths);
    let output = run(&args);
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// Runs analyze with `--calls-csv` and returns the rows keyed by call id.
fn call_rows(paths: &[&str]) -> BTreeMap<String, BTreeMap<String, String>> {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("calls.csv");
    let mut args = vec![
        "analyze",
        "--format",
        "json",
        "--calls-csv",
        csv_path.to_str().unwrap(),
    ];
    args.extend_from_slice(paths);
    let output = run(&args);
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let row: BTreeMap<String, String> = headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (row["call_id"].clone(), row)
        })
        .collect()
}

/// USD for `tokens` at `usd_per_million`.
fn at(tokens: f64, usd_per_million: f64) -> f64 {
    tokens * usd_per_million / 1e6
}

fn assert_cost(rows: &BTreeMap<String, BTreeMap<String, String>>, call_id: &str, expected: f64) {
    let row = rows
        .get(call_id)
        .unwrap_or_else(|| panic!("no call {call_id}"));
    let cost: f64 = row["cost_usd"]
        .parse()
        .unwrap_or_else(|_| panic!("{call_id} unpriced"));
    assert!(
        (cost - expected).abs() < 1e-9,
        "{call_id}: cost {cost}, expected {expected}"
    );
}

fn skipped(report: &Value) -> BTreeMap<String, u64> {
    report["skipped"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

fn assert_balanced(report: &Value) {
    let total: u64 = skipped(report).values().sum::<u64>()
        + report["calls"].as_u64().unwrap()
        + report["buckets"].as_u64().unwrap()
        + report["errors"].as_u64().unwrap();
    assert_eq!(
        total,
        report["records"].as_u64().unwrap(),
        "every line accounted for"
    );
}

// ---- accounting --------------------------------------------------------------------------

/// Every file under `fixtures/logs/<format>/` and `fixtures/billing/<format>/`, by the format its
/// folder is named after.
fn fixture_files() -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for kind in ["logs", "billing"] {
        let Ok(folders) = std::fs::read_dir(fixture(kind)) else {
            continue;
        };
        for folder in folders {
            let folder = folder.unwrap().path();
            let format = folder.file_name().unwrap().to_str().unwrap().to_string();
            let mut stack = vec![folder];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        stack.push(path);
                    } else {
                        files.push((format.clone(), path));
                    }
                }
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_fixture_is_detected_as_its_format_and_read_without_errors() {
    let files = fixture_files();
    assert!(files.len() >= 20, "fixtures found: {}", files.len());
    for (format, path) in files {
        let report = json_report(&[path.to_str().unwrap()], &[]);
        let input = &report["inputs"][0];
        assert_eq!(input["format"], format.as_str(), "{}", path.display());
        assert_eq!(
            report["errors"],
            0,
            "{}: {:?}",
            path.display(),
            report["error_samples"]
        );
        assert_balanced(&report);
        assert!(
            report["records"].as_u64().unwrap() > 0,
            "{}: no record read",
            path.display()
        );
    }
}

#[test]
fn accounts_for_every_line_of_each_format() {
    // (fixture, records, calls, skipped by reason, errors)
    type Case = (&'static str, u64, u64, &'static [(&'static str, u64)], u64);
    let cases: [Case; 5] = [
        (
            "logs/openai/chat_and_responses.jsonl",
            9,
            7,
            &[
                ("stream chunk without usage", 1),
                ("provider error, no usage", 1),
            ],
            0,
        ),
        (
            "logs/anthropic/messages.jsonl",
            6,
            5,
            &[("provider error, no usage", 1)],
            0,
        ),
        (
            "logs/openai-batch/batch_output.jsonl",
            3,
            2,
            &[("batch request failed, no usage", 1)],
            0,
        ),
        (
            "logs/openai-batch/batch_input.jsonl",
            2,
            0,
            &[("batch input line, no usage", 2)],
            0,
        ),
        (
            // One API call written as three content-block lines, and a user line.
            "logs/claude-code/projects/-home-wei-repo-claude-code/e9f146fa-3b20-48d0-9be4-d99ca901cae4.jsonl",
            4,
            1,
            &[
                ("duplicate content block", 2),
                ("user message, no usage", 1),
            ],
            0,
        ),
    ];
    for (path, lines, calls, skips, errors) in cases {
        let report = json_report(&[fixture(path).to_str().unwrap()], &[]);
        assert_eq!(report["records"], lines, "{path}");
        assert_eq!(report["calls"], calls, "{path}");
        let expected: BTreeMap<String, u64> =
            skips.iter().map(|(r, n)| (r.to_string(), *n)).collect();
        assert_eq!(skipped(&report), expected, "{path}");
        assert_eq!(report["errors"], errors, "{path}");
        assert_balanced(&report);
    }
}

#[test]
fn claude_code_directory_merges_content_blocks_and_subagent_copies() {
    let report = json_report(&[fixture("logs/claude-code").to_str().unwrap()], &[]);
    // 3 transcripts, 11 lines: the opus call (2 block lines), the sidechain call (in the session
    // and in the subagent's transcript), the progress-nested haiku call, the sonnet call (3 block
    // lines); user lines and a synthetic error notice are skipped.
    assert_eq!(report["records"], 11);
    assert_eq!(report["calls"], 4);
    let expected: BTreeMap<String, u64> = [
        ("duplicate content block", 4),
        ("user message, no usage", 2),
        ("synthetic message, not billed", 1),
    ]
    .into_iter()
    .map(|(r, n)| (r.to_string(), n))
    .collect();
    assert_eq!(skipped(&report), expected);
    assert_balanced(&report);
    let formats: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["claude-code"; 3]);
}

/// Claude Code writes a message once per content block; when those lines repeat the message's
/// `costUSD` (the case ccusage's own tests check it counts once), the cost the file states is
/// each message's once, that of the line the run keeps (the most tokens), even when a
/// message's lines fall in different 1 MiB chunks of the file.
#[test]
fn claude_code_stated_costs_count_each_message_once() {
    let line = |id: &str, output_tokens: u64, cost: Option<f64>, text: &str| {
        let mut line = serde_json::json!({
            "type": "assistant",
            "sessionId": "s",
            "timestamp": "2026-01-09T10:00:00.000Z",
            "requestId": format!("req_{id}"),
            "message": {
                "id": format!("msg_{id}"),
                "model": "claude-sonnet-4-20250514",
                "role": "assistant",
                "content": [{"type": "text", "text": text}],
                "usage": {"input_tokens": 10, "output_tokens": output_tokens},
            },
        });
        if let Some(cost) = cost {
            line["costUSD"] = cost.into();
        }
        line.to_string()
    };
    // A's first block, then a message without a stated cost long enough that A's other blocks
    // fall in the next 1 MiB chunk; B's second block outweighs its first.
    let filler = "x".repeat(1_200_000);
    let transcript = [
        line("a", 50, Some(1.25), "first"),
        line("c", 50, None, &filler),
        line("a", 50, Some(1.25), "second"),
        line("a", 50, Some(1.25), "third"),
        line("b", 20, Some(0.5), "first"),
        line("b", 80, Some(0.75), "second"),
    ]
    .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.jsonl");
    std::fs::write(&path, transcript).unwrap();
    let report = json_report(
        &[path.to_str().unwrap()],
        &["--input-format", "claude-code"],
    );
    assert_eq!(report["calls"], 3);
    assert_eq!(skipped(&report)["duplicate content block"], 3);
    // A once ($1.25) and B's kept line ($0.75); C states none. Summed per line it would be
    // 3 × $1.25 + $0.50 + $0.75 = $5.00.
    let input = &report["inputs"][0];
    assert_eq!(input["stated_cost_calls"], 2);
    assert!(
        (input["stated_cost_usd"].as_f64().unwrap() - 2.0).abs() < 1e-9,
        "{input}"
    );
}

#[test]
fn malformed_truncated_empty_and_unknown_inputs_are_counted_never_fatal() {
    let report = json_report(&[fixture("malformed").to_str().unwrap()], &[]);
    let inputs = report["inputs"].as_array().unwrap();
    let by_name = |suffix: &str| {
        inputs
            .iter()
            .find(|i| i["path"].as_str().unwrap().ends_with(suffix))
            .unwrap()
    };

    let empty = by_name("empty.jsonl");
    assert_eq!(
        (empty["records"].as_u64(), empty["format"].is_null()),
        (Some(0), true)
    );

    // 8 physical lines, 2 blank: two good calls, a half line, prose, an array, a response
    // without usage.
    let mixed = by_name("openai_mixed.jsonl");
    assert_eq!(mixed["records"], 6);
    assert_eq!(mixed["calls"], 2);
    assert_eq!(mixed["skipped"], 1);
    assert_eq!(mixed["errors"], 3);

    let truncated = by_name("truncated_claude_code.jsonl");
    assert_eq!(
        (truncated["calls"].as_u64(), truncated["errors"].as_u64()),
        (Some(1), Some(1))
    );

    let unknown = by_name("unknown_format.jsonl");
    assert_eq!(
        (unknown["records"].as_u64(), unknown["errors"].as_u64()),
        (Some(2), Some(2))
    );

    // A CSV row without an id, a CSV of unknown columns (its header and row are both errors:
    // nothing says which is which), and a JSON document of no known shape.
    let helicone = by_name("helicone_row_without_id.csv");
    assert_eq!(helicone["format"], "helicone");
    assert_eq!(
        (helicone["records"].as_u64(), helicone["errors"].as_u64()),
        (Some(1), Some(1))
    );
    let columns = by_name("unknown_columns.csv");
    assert_eq!(
        (columns["records"].as_u64(), columns["errors"].as_u64()),
        (Some(2), Some(2))
    );
    let document = by_name("unknown_document.json");
    assert_eq!(
        (document["records"].as_u64(), document["errors"].as_u64()),
        (Some(1), Some(1))
    );
    let message = |file: &str| {
        report["error_samples"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["file"].as_str().unwrap().ends_with(file))
            .map(|e| e["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert!(
        message("unknown_columns.csv")
            .starts_with("unrecognised CSV header: no known format matches")
    );
    assert!(
        message("unknown_document.json")
            .starts_with("unrecognised JSON document: no known format matches")
    );

    let samples = report["error_samples"].as_array().unwrap();
    let places: Vec<String> = samples
        .iter()
        .map(|e| {
            let file = e["file"].as_str().unwrap();
            format!(
                "{}:{}",
                Path::new(file).file_name().unwrap().to_str().unwrap(),
                e["line"]
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            "helicone_row_without_id.csv:2",
            "openai_mixed.jsonl:4",
            "openai_mixed.jsonl:5",
            "openai_mixed.jsonl:6",
            "truncated_claude_code.jsonl:2",
            "unknown_columns.csv:1",
            "unknown_columns.csv:2",
            "unknown_document.json:1",
            "unknown_format.jsonl:1",
            "unknown_format.jsonl:2",
        ]
    );
    assert!(
        samples[1]["message"]
            .as_str()
            .unwrap()
            .contains("truncated JSON")
    );
    // The known formats are many: the message points to where they are listed.
    let unknown_message = samples[8]["message"].as_str().unwrap();
    assert!(
        unknown_message.contains("no known format matches")
            && unknown_message.contains("--input-format"),
        "{unknown_message}"
    );
    assert_balanced(&report);
}

// ---- money -------------------------------------------------------------------------------

#[test]
fn openai_costs_follow_published_prices() {
    let rows = call_rows(&[fixture("logs/openai/chat_and_responses.jsonl")
        .to_str()
        .unwrap()]);
    // gpt-4o-2024-08-06: $2.50 in, $1.25 cached in, $10 out (OpenAI pricing). prompt_tokens
    // 1117 include 1024 cached, so 93 are billed as plain input.
    assert_cost(
        &rows,
        "chatcmpl-AB12cd34",
        at(93.0, 2.5) + at(1024.0, 1.25) + at(12.0, 10.0),
    );
    let reasoning = &rows["chatcmpl-O3reason01"];
    assert_eq!(
        (
            reasoning["output_tokens"].as_str(),
            reasoning["reasoning_tokens"].as_str()
        ),
        ("1500", "1200")
    );
    // o3 after its 2025-06-10 price cut: $2 in, $8 out. The 1200 reasoning tokens are inside
    // the 1500 completion tokens and billed once, as output.
    assert_cost(
        &rows,
        "chatcmpl-O3reason01",
        at(2000.0, 2.0) + at(1500.0, 8.0),
    );
    // Responses API, gpt-4o-mini: $0.15 in, $0.60 out.
    assert_cost(
        &rows,
        "resp_689a0b2545288193",
        at(14.0, 0.15) + at(50.0, 0.6),
    );
}

#[test]
fn anthropic_costs_follow_published_prices() {
    let rows = call_rows(&[fixture("logs/anthropic/messages.jsonl").to_str().unwrap()]);
    // claude-sonnet-4-5: $3 in, $0.30 cache read, $3.75 5-minute write (1.25x), $6 1-hour
    // write (2x), $15 out (Anthropic pricing page).
    assert_cost(
        &rows,
        "msg_CacheWrites01",
        at(50.0, 3.0) + at(2000.0, 0.3) + at(1000.0, 3.75) + at(500.0, 6.0) + at(300.0, 15.0),
    );
    // Prompt 150,000 + 60,000 cached = 210,000 > 200,000: the whole request moves to the
    // long-context rates, $6 in, $0.60 cache read, $22.50 out.
    assert_cost(
        &rows,
        "msg_LongContext01",
        at(150_000.0, 6.0) + at(60_000.0, 0.6) + at(2000.0, 22.5),
    );
    // Exactly 200,000 prompt tokens stays at the standard rates.
    assert_cost(
        &rows,
        "msg_AtThreshold01",
        at(140_000.0, 3.0) + at(60_000.0, 0.3) + at(2000.0, 15.0),
    );
    assert_eq!(
        rows["msg_Unknown01"]["cost_usd"], "",
        "an unknown model is never priced at $0"
    );
}

#[test]
fn claude_code_costs_keep_the_largest_usage_and_the_cache_ttl() {
    let rows = call_rows(&[fixture("logs/claude-code").to_str().unwrap()]);
    // Three block lines of one message report output 8, 8 and 167: the last is kept.
    // claude-sonnet-4: $3 in, $0.30 read, $3.75 5m write, $15 out.
    let sonnet = &rows["msg_01XRYesTStHeRHimXBZqriwU"];
    assert_eq!(sonnet["output_tokens"], "167");
    assert_cost(
        &rows,
        "msg_01XRYesTStHeRHimXBZqriwU",
        at(11.0, 3.0) + at(16_788.0, 0.3) + at(1328.0, 3.75) + at(167.0, 15.0),
    );
    // claude-opus-4-7: $5 in, $0.50 read, $10 1-hour write (2x), $25 out; its 8,837 cache
    // tokens were written with the 1-hour TTL.
    assert_cost(
        &rows,
        "msg_01UwNtExampleAAAAAAAAAAAA",
        at(6.0, 5.0) + at(16_410.0, 0.5) + at(8837.0, 10.0) + at(136.0, 25.0),
    );
}

#[test]
fn openai_batch_costs_are_half_price_without_a_cache_discount_before_gpt_5() {
    let rows = call_rows(&[fixture("logs/openai-batch/batch_output.jsonl")
        .to_str()
        .unwrap()]);
    // Batch API: 50% off every token class. gpt-4o-mini $0.15/$0.60 → $0.075/$0.30.
    assert_cost(&rows, "chatcmpl-9758Iw", at(24.0, 0.075) + at(15.0, 0.3));
    // gpt-4o-2024-08-06 in batch: $1.25 in, $5 out. OpenAI's Batch price table lists no
    // cached-input price for models before GPT-5 ("-"), so the 2048 cached tokens of the 3000
    // prompt tokens cost the batch input rate too: 3000 × $1.25/M + 500 × $5/M = $0.00625.
    assert_cost(
        &rows,
        "chatcmpl-BatchCached",
        at(952.0, 1.25) + at(2048.0, 1.25) + at(500.0, 5.0),
    );
}

#[test]
fn unknown_models_are_listed_and_left_out_of_totals() {
    let output = run(&[
        "analyze",
        "--format",
        "json",
        fixture("logs/anthropic/messages.jsonl").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("acme-llm-9"), "warned on stderr: {stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["baseline"]["unpriced_calls"], 1);
    let unpriced = &report["unpriced_models"][0];
    assert_eq!(
        (unpriced["key"].as_str(), unpriced["calls"].as_u64()),
        (Some("acme-llm-9"), Some(1))
    );
    assert_eq!(unpriced["input_tokens"], 1000);
}

// ---- report shape and determinism --------------------------------------------------------

#[test]
fn json_report_has_the_documented_keys() {
    let report = json_report(&[fixture("logs").to_str().unwrap()], &[]);
    for key in [
        "calls",
        "records",
        "skipped",
        "errors",
        "error_samples",
        "baseline",
        "policies",
    ] {
        assert!(report.get(key).is_some(), "missing {key}");
    }
    assert!(report["baseline"]["cost_usd"].as_f64().unwrap() > 0.0);
    let names: Vec<&str> = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "baseline",
            "cheaper-for-simple",
            "cascade-verifiable",
            "prompt-cache",
            "response-cache",
            "batch",
            "risk-free",
            "balanced"
        ]
    );
    for policy in report["policies"].as_array().unwrap() {
        for key in [
            "cost_usd",
            "savings_usd",
            "savings_pct",
            "latency_p50_ms",
            "latency_p95_ms",
            "risk",
        ] {
            assert!(policy.get(key).is_some(), "{} lacks {key}", policy["name"]);
        }
        let savings = policy["savings_usd"].as_f64().unwrap();
        let split = policy["risk_free_savings_usd"].as_f64().unwrap()
            + policy["risky_savings_usd"].as_f64().unwrap();
        assert!((savings - split).abs() < 1e-9, "savings split adds up");
    }
    let cheaper = &report["policies"][1];
    assert!(cheaper["risk"]["calls_at_risk"].as_u64().unwrap() > 0);
    assert_eq!(cheaper["risk"]["basis"], "prior");
    assert_eq!(
        report["policies"][3]["risky_savings_usd"], 0.0,
        "batch carries no quality risk"
    );
}

/// The same bytes from run to run, on one core or two, and with the calls kept in a temporary
/// file (`--spill-above 0`) instead of memory.
#[test]
fn output_is_byte_identical_across_runs_thread_counts_and_spilling() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    let spill: &[&str] = &["--spill-above", "0"];
    let runs = [
        (None, &[][..]),
        (None, &[]),
        (Some("1"), &[]),
        (Some("2"), &[]),
        (Some("1"), spill),
        (Some("2"), spill),
    ];
    for (i, (threads, extra)) in runs.into_iter().enumerate() {
        let csv_path = dir.path().join(format!("calls{i}.csv"));
        let mut command = binary();
        command.args([
            "analyze",
            "--format",
            "json",
            "--calls-csv",
            csv_path.to_str().unwrap(),
        ]);
        command.args(extra);
        command.args([fixture("logs"), fixture("malformed")]);
        if let Some(threads) = threads {
            command.env("RAYON_NUM_THREADS", threads);
        }
        let output = command.output().unwrap();
        assert!(output.status.success());
        outputs.push((output.stdout, std::fs::read(&csv_path).unwrap()));
    }
    for other in &outputs[1..] {
        assert!(other == &outputs[0], "every run writes the same bytes");
    }
}

/// A temporary directory that cannot take the calls' file leaves them in memory, with a
/// warning, and the same report.
#[test]
fn calls_stay_in_memory_when_no_temporary_file_can_be_made() {
    let args = ["analyze", "--format", "json", "--spill-above", "0"];
    let in_memory = binary()
        .args(args)
        .arg(fixture("logs"))
        .env("TMPDIR", "/nonexistent/llm-audit-tmp")
        .output()
        .unwrap();
    assert!(in_memory.status.success());
    let stderr = String::from_utf8_lossy(&in_memory.stderr);
    assert!(
        stderr.contains("warning: cannot keep the calls in a temporary file"),
        "{stderr}"
    );
    let spilled = binary().args(args).arg(fixture("logs")).output().unwrap();
    assert!(spilled.status.success());
    assert!(!String::from_utf8_lossy(&spilled.stderr).contains("temporary file"));
    assert!(in_memory.stdout == spilled.stdout);
}

#[test]
fn reads_stdin_and_compressed_files_alike() {
    let path = fixture("logs/openai/chat_and_responses.jsonl");
    let plain = std::fs::read(&path).unwrap();
    let mut child = binary()
        .args(["analyze", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&plain).unwrap();
    let from_stdin: Value =
        serde_json::from_slice(&child.wait_with_output().unwrap().stdout).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("log.jsonl.gz");
    let mut encoder =
        flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), Default::default());
    encoder.write_all(&plain).unwrap();
    encoder.finish().unwrap();
    let zst = dir.path().join("log.jsonl.zst");
    std::fs::write(&zst, zstd::encode_all(&plain[..], 3).unwrap()).unwrap();

    let from_file = json_report(&[path.to_str().unwrap()], &[]);
    for report in [
        from_stdin,
        json_report(&[gz.to_str().unwrap()], &[]),
        json_report(&[zst.to_str().unwrap()], &[]),
    ] {
        assert_eq!(report["calls"], from_file["calls"]);
        assert_eq!(report["baseline"], from_file["baseline"]);
        assert_eq!(report["policies"], from_file["policies"]);
    }
}

#[test]
fn forced_format_overrides_detection() {
    let path = fixture("logs/openai/chat_and_responses.jsonl");
    let report = json_report(&[path.to_str().unwrap()], &["--input-format", "anthropic"]);
    assert_eq!(report["inputs"][0]["format"], "anthropic");
    assert_balanced(&report);
}

#[test]
fn csv_format_writes_the_policy_table() {
    let output = run(&[
        "analyze",
        "--format",
        "csv",
        fixture("logs").to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("policy,cost_usd,savings_usd,savings_pct"));
    // The header, then the baseline, the five other single-idea built-ins and the two plans.
    assert_eq!(lines.len(), 9);
    assert!(lines[1].starts_with("baseline,"));
}

#[test]
fn table_report_shows_accounting_unpriced_models_and_policies() {
    let output = run(&["analyze", fixture("logs").to_str().unwrap()]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "5 duplicate content block",
        "UNPRICED MODELS",
        "acme-llm-9",
        "cheaper-for-simple",
        "Assumptions:",
    ] {
        assert!(text.contains(needle), "table report lacks {needle}");
    }
    assert!(
        !text.contains("Policy clause"),
        "prompt text never appears in reports"
    );
}

#[test]
fn calls_csv_never_holds_prompt_text() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("calls.csv");
    let output = run(&[
        "analyze",
        "--calls-csv",
        csv_path.to_str().unwrap(),
        fixture("logs").to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let text = std::fs::read_to_string(&csv_path).unwrap();
    assert!(text.starts_with("source,line,call_id,timestamp"));
    for secret in ["Policy clause", "Green Tea", "router reboots"] {
        assert!(!text.contains(secret));
    }
}

/// A coding-agent session of `fixtures/agents`: format, file, and the task of each call by line.
type AgentSession = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The coding-agent sessions of `fixtures/agents` (see its README).
const AGENT_SESSIONS: [AgentSession; 3] = [
    (
        "claude-code",
        "agents/claude-code",
        &[
            ("3", "code"),
            ("5", "agentic"),
            ("7", "agentic"),
            ("12", "translation"),
            ("14", "agentic"),
        ],
    ),
    (
        "codex",
        "agents/codex",
        &[("6", "code"), ("9", "agentic"), ("14", "translation")],
    ),
    (
        "gemini-cli",
        "agents/gemini-cli",
        &[("3", "code"), ("6", "agentic"), ("8", "translation")],
    ),
];

/// Words only the prompts of `fixtures/agents` hold.
const AGENT_PROMPT_WORDS: [&str; 2] = ["zanzibar", "quokka"];

/// A Claude Code tree (and a Codex and a Gemini CLI session) classified with its prompts: each
/// call gets the task its session's latest prompt implies, with more confidence than a call
/// without text can have; a later prompt decides the calls after it; and no call is counted
/// among those classified without prompt text.
#[test]
fn coding_agent_calls_are_classified_with_their_prompts() {
    for (format, path, expected) in AGENT_SESSIONS {
        let path = fixture(path);
        let path = path.to_str().unwrap();
        let report = json_report(&[path], &[]);
        assert_eq!(report["inputs"][0]["format"], format);
        assert_eq!(report["errors"], 0, "{path}");
        assert_eq!(report["calls"], expected.len(), "{path}");
        assert_eq!(report["baseline"]["calls_without_prompt_text"], 0, "{path}");
        let rows = call_rows(&[path]);
        let mut tasks: Vec<(&str, &str)> = rows
            .values()
            .map(|row| (row["line"].as_str(), row["task"].as_str()))
            .collect();
        tasks.sort_by_key(|(line, _)| line.parse::<u64>().unwrap());
        assert_eq!(tasks, expected, "{path}");
        for row in rows.values() {
            let confidence: f64 = row["confidence"].parse().unwrap();
            assert!(confidence > 0.5, "{path}: {row:?}");
            assert!(
                !row["reasons"].contains("no_prompt_text"),
                "{path}: {row:?}"
            );
        }
    }
}

/// A Claude Code transcript longer than the 1 MiB pieces that files of lines standing alone
/// are cut in is read in order, whole: a call 1.2 MB after its prompt still reads it.
#[test]
fn coding_agent_prompts_carry_across_a_long_transcript() {
    let user = |content: Value| {
        serde_json::json!({"type": "user", "sessionId": "s", "cwd": "/home/dev/parser",
                           "message": {"role": "user", "content": content}})
        .to_string()
    };
    let call = |id: &str| {
        serde_json::json!({"type": "assistant", "sessionId": "s", "requestId": format!("req_{id}"),
            "timestamp": "2026-11-02T10:00:00.000Z",
            "message": {"id": format!("msg_{id}"), "model": "claude-sonnet-4-5-20250929",
                        "role": "assistant", "content": [{"type": "text", "text": "Done."}],
                        "usage": {"input_tokens": 10, "cache_read_input_tokens": 12_000,
                                  "output_tokens": 40}}})
        .to_string()
    };
    let fix = "The Rust test parser::tests::dates fails: `cargo test` says thread 'main' \
               panicked at src/parser.rs:42. Fix the failing test.";
    let output = "y".repeat(100_000);
    let mut lines = vec![user(Value::from(fix)), call("a")];
    for n in 0..12 {
        lines.push(user(serde_json::json!([{"type": "tool_result",
                                            "tool_use_id": format!("t{n}"),
                                            "content": output}])));
    }
    lines.push(call("b"));
    lines.push(user(Value::from("Translate this README to French.")));
    lines.push(call("c"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.jsonl");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let path = path.to_str().unwrap();
    let report = json_report(&[path], &[]);
    assert_eq!(report["calls"], 3);
    assert_eq!(report["baseline"]["calls_without_prompt_text"], 0);
    let rows = call_rows(&[path]);
    assert_eq!(rows["msg_a"]["task"], "code");
    // B follows the first prompt, 1.2 MB back, and the twelve tool results since.
    assert!(!rows["msg_b"]["reasons"].contains("no_prompt_text"));
    assert!(rows["msg_b"]["reasons"].contains("code_in_prompt"));
    assert!(rows["msg_b"]["reasons"].contains("tool_results_in_context"));
    assert_eq!(rows["msg_c"]["task"], "translation");
}

/// The prompts classify calls and go no further: no report format, per-call or breakdown file,
/// nor anything on stderr holds a word of them.
#[test]
fn coding_agent_prompts_never_reach_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let agents = fixture("agents");
    let agents = agents.to_str().unwrap();
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    for format in ["table", "json", "csv", "markdown", "html"] {
        let calls = dir.path().join(format!("calls-{format}.csv"));
        let breakdown = dir.path().join(format!("breakdown-{format}.csv"));
        let savings = dir.path().join(format!("savings-{format}.csv"));
        let output = run(&[
            "analyze",
            "--format",
            format,
            "--full",
            "--group-by",
            "session,project,task,tier",
            "--calls-csv",
            calls.to_str().unwrap(),
            "--breakdown-csv",
            breakdown.to_str().unwrap(),
            "--savings-csv",
            savings.to_str().unwrap(),
            agents,
        ]);
        assert!(
            output.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        outputs.push((format!("{format} stdout"), output.stdout));
        outputs.push((format!("{format} stderr"), output.stderr));
        for file in [calls, breakdown, savings] {
            outputs.push((file.display().to_string(), std::fs::read(&file).unwrap()));
        }
    }
    let classify = run(&["classify", "--format", "json", agents]);
    assert!(classify.status.success());
    outputs.push(("classify stdout".into(), classify.stdout));
    outputs.push(("classify stderr".into(), classify.stderr));
    for (name, bytes) in &outputs {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for word in AGENT_PROMPT_WORDS {
            assert!(!text.contains(word), "{name} holds `{word}`");
        }
    }
    // The words are there to be found: in the fixtures, as prompts.
    let claude = std::fs::read_to_string(fixture(
        "agents/claude-code/projects/-home-dev-src-parser/8c1d5e2f-6a7b-4c8d-9e0f-1a2b3c4d5e6f.jsonl",
    ))
    .unwrap()
    .to_lowercase();
    assert!(AGENT_PROMPT_WORDS.iter().all(|word| claude.contains(word)));
}

// ---- CLI conventions ---------------------------------------------------------------------

#[test]
fn bad_paths_fail_fast_with_exit_code_2() {
    let output = run(&["analyze", "no/such/file.jsonl"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no/such/file.jsonl") && stderr.contains("no such file"),
        "{stderr}"
    );
    assert_eq!(
        run(&["analyze", "--format", "yaml", "x"]).status.code(),
        Some(2)
    );
}

#[test]
fn committed_completions_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "llm-audit.bash"),
        ("zsh", "_llm-audit"),
        ("fish", "llm-audit.fish"),
        ("elvish", "llm-audit.elv"),
        ("powershell", "_llm-audit.ps1"),
    ] {
        let generated = run(&["completions", shell]).stdout;
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            generated == committed,
            "completions/{file} is stale: run `cargo run --release -- completions --dir completions`"
        );
    }
}

// ---- reconcile ---------------------------------------------------------------------------

#[test]
fn reconcile_states_the_exact_share_of_the_bill_the_traces_explain() {
    let output = run(&[
        "reconcile",
        "--format",
        "json",
        "fixtures/reconcile/traces.jsonl",
        "--billing",
        "fixtures/reconcile/anthropic_usage_report.json",
    ]);
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    // The bill (usage report, no amounts, so priced at the published rates):
    //   2026-11-19 claude-sonnet-4-5: 40,000 uncached × $3/M + 100,000 cache reads × $0.30/M
    //     + 4,000 output × $15/M = $0.12 + $0.03 + $0.06 = $0.21
    //   2026-11-19 claude-haiku-4-5: 10,000 × $1/M + 1,000 × $5/M = $0.015
    //   2026-11-20 claude-sonnet-4-5: 20,000 × $3/M + 2,000 × $15/M = $0.09
    //   total $0.315.
    // The traces: two Sonnet calls on 2026-11-19 of 10,000 uncached, 25,000 cache reads and
    // 1,000 output each, exactly half of that day's Sonnet line: $0.105, one third of the bill.
    let [anthropic] = report["providers"].as_array().unwrap().as_slice() else {
        panic!("one provider expected: {}", report["providers"]);
    };
    assert_eq!(anthropic["provider"], "anthropic");
    assert_eq!(
        anthropic["bill_cost_basis"],
        "priced from the bill's tokens"
    );
    assert_eq!(anthropic["bill_cost_usd_exact"], "0.315");
    assert_eq!(anthropic["traced_cost_usd_exact"], "0.105");
    assert_eq!(anthropic["cost_coverage"].as_f64(), Some(1.0 / 3.0));
    // Tokens: 2 × 36,000 traced against 144,000 + 11,000 + 22,000 billed.
    assert_eq!(
        anthropic["token_coverage"].as_f64(),
        Some(72_000.0 / 177_000.0)
    );
    assert_eq!(
        anthropic["headline"],
        "your traces explain 33.3% of your Anthropic bill; 66.7% is unseen"
    );
    assert_eq!(
        report["models_only_in_bill"],
        serde_json::json!([{"provider": "anthropic", "model": "claude-haiku-4-5"}])
    );
    assert_eq!(
        report["bill_days_without_traces"],
        serde_json::json!([{"provider": "anthropic", "day": "2026-11-20"}])
    );
    assert_eq!(report["models_only_in_traces"], serde_json::json!([]));
}

#[test]
fn the_same_call_in_two_sources_is_counted_once_unless_asked() {
    let traces = "fixtures/reconcile/traces.jsonl";
    let merged = json_report(&[traces, traces], &[]);
    assert_eq!(merged["calls"], 2);
    assert_eq!(skipped(&merged)["same call in another source"], 2);
    assert_balanced(&merged);
    let kept = json_report(&[traces, traces], &["--no-dedupe"]);
    assert_eq!(kept["calls"], 4);
}

#[test]
fn pricing_overrides_price_unknown_models_and_are_counted() {
    let log = "logs/anthropic/messages.jsonl";
    let path = fixture(log);
    let plain = json_report(&[path.to_str().unwrap()], &[]);
    let unpriced: Vec<&str> = plain["unpriced_models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert!(unpriced.contains(&"acme-llm-9"), "{unpriced:?}");
    assert_eq!(plain["pricing"]["calls_priced_by_override"], 0);

    let overrides = fixture("pricing/team_overrides.toml");
    let priced = json_report(
        &[path.to_str().unwrap()],
        &["--pricing", overrides.to_str().unwrap()],
    );
    // acme-llm-9 at the contract's $2/M in and $8/M out: 1,000 × $2/M + 100 × $8/M = $0.0028.
    let cost = |report: &Value| -> f64 { report["baseline"]["cost_usd"].as_f64().unwrap() };
    assert!((cost(&priced) - cost(&plain) - 0.0028).abs() < 1e-9);
    assert_eq!(priced["pricing"]["calls_priced_by_override"], 1);
    assert!(
        priced["pricing"]["override_files"][0]
            .as_str()
            .unwrap()
            .ends_with("team_overrides.toml")
    );
    assert!(
        priced["pricing"]["catalog_version"]
            .as_str()
            .unwrap()
            .contains("team-2026-11")
    );
}

#[test]
fn pricing_show_resolves_cloud_names_and_check_validates_overrides() {
    let shown = run(&[
        "pricing",
        "show",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "--format",
        "json",
    ]);
    assert!(shown.status.success());
    let periods: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(periods[0]["id"], "claude-sonnet-4-5");
    assert_eq!(periods[0]["provider"], "anthropic");

    let unknown = run(&["pricing", "show", "acme-llm-9"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("not in the price catalog"));

    let overrides = fixture("pricing/team_overrides.toml");
    let check = run(&["pricing", "check", "--pricing", overrides.to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let mapped = run(&[
        "pricing",
        "show",
        "prod-eastus-gpt4o-mini",
        "--pricing",
        overrides.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let periods: Value = serde_json::from_slice(&mapped.stdout).unwrap();
    assert_eq!(periods[0]["id"], "gpt-4o-mini");

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[model]]\nid = \"gpt-4o\"\nprovider = \"openai\"\ninput = -1.0\noutput = 10.0\n",
    )
    .unwrap();
    let refused = run(&["pricing", "check", "--pricing", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("bad.toml") && message.contains("`input` is out of range"),
        "{message}"
    );
}

#[test]
fn pricing_list_filters_by_provider() {
    let listed = run(&[
        "pricing",
        "list",
        "--provider",
        "deepseek",
        "--format",
        "json",
    ]);
    assert!(listed.status.success());
    let models: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let models = models.as_array().unwrap();
    assert!(!models.is_empty());
    assert!(models.iter().all(|m| m["provider"] == "deepseek"));
    let nobody = run(&["pricing", "list", "--provider", "acme"]);
    assert_eq!(nobody.status.code(), Some(2));
}

#[test]
fn a_call_is_priced_at_the_price_in_force_on_its_day() {
    // OpenAI cut o3 by 80% on 2025-06-10: $10/$40 per million before, $2/$8 from that day.
    // Both calls name the same snapshot, o3-2025-04-16, with 1,000 input and 1,000 output
    // tokens (600 of them reasoning, billed inside output).
    let rows = call_rows(&[fixture("pricing/o3_price_cut.jsonl").to_str().unwrap()]);
    // 2025-06-09: 1,000 × $10/M + 1,000 × $40/M = $0.05.
    assert_cost(&rows, "resp_before_cut", 0.05);
    // 2025-06-11: 1,000 × $2/M + 1,000 × $8/M = $0.01.
    assert_cost(&rows, "resp_after_cut", 0.01);
}

#[test]
fn a_litellm_table_overrides_the_catalog() {
    // fixtures/pricing/litellm_crosscheck.json holds LiteLLM's own entries, e.g. deepseek-chat
    // at $0.28/M input, $0.42/M output, $0.028/M cache hits (its V3.2 price).
    let table = fixture("pricing/litellm_crosscheck.json");
    let shown = run(&[
        "pricing",
        "show",
        "deepseek-chat",
        "--pricing-litellm",
        table.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let periods: Value = serde_json::from_slice(&shown.stdout).unwrap();
    let periods = periods.as_array().unwrap();
    assert_eq!(
        periods.len(),
        1,
        "the import replaces every embedded period"
    );
    let period = &periods[0];
    assert_eq!(period["rates"]["input"], 0.28);
    assert_eq!(period["rates"]["output"], 0.42);
    assert_eq!(period["rates"]["cache_read"], 0.028);
    assert!(period["source"].as_str().unwrap().starts_with("litellm:"));
    assert!(
        period["origin"]
            .as_str()
            .unwrap()
            .ends_with("litellm_crosscheck.json")
    );
    assert!(String::from_utf8_lossy(&shown.stderr).contains("LiteLLM entries imported"));
}

#[test]
fn service_tiers_regions_and_web_searches_are_billed_as_served() {
    let rows = call_rows(&[
        fixture("pricing/tiers_and_regions.jsonl").to_str().unwrap(),
        fixture("pricing/openai_tiers.jsonl").to_str().unwrap(),
    ]);
    // Claude Opus 4.6 (flat pricing since 2026-03-13): $5 in, $0.50 cache hits, $25 out.
    // Standard, global: 1,000 × $5/M + 2,000 × $0.50/M + 500 × $25/M = $0.0185.
    assert_cost(&rows, "msg_standard_global", 0.0185);
    // Fast mode is 6x on Opus 4.6 and US-only inference 1.1x on every class, stacking to 6.6x:
    // $0.0185 × 6.6 = $0.1221; two web searches at $10 per 1,000 add $0.02.
    assert_cost(&rows, "msg_fast_us", 0.1421);
    // GPT-6 Astra at the Ultrafast tier, 6x $10/$50: 1,000 × $60/M + 100 × $300/M = $0.09.
    assert_cost(&rows, "resp_ultrafast", 0.09);
    // GPT-5 at Flex, half of $1.25/$10: 1,000 × $0.625/M + 1,000 × $5/M = $0.005625, plus one
    // web search call at $10 per 1,000.
    assert_cost(&rows, "resp_flex", 0.015625);
    // `scale` has no per-token price: standard $1.25/$10 → $0.01125, and the report says so.
    assert_cost(&rows, "resp_scale", 0.01125);

    let report = json_report(
        &[
            fixture("pricing/tiers_and_regions.jsonl").to_str().unwrap(),
            fixture("pricing/openai_tiers.jsonl").to_str().unwrap(),
        ],
        &[],
    );
    let pricing = &report["pricing"];
    assert_eq!(pricing["calls_at_unpriced_tier"], 1);
    assert_eq!(pricing["service_tiers"]["fast"], 1);
    assert_eq!(pricing["service_tiers"]["flex"], 1);
    assert_eq!(pricing["service_tiers"]["ultrafast"], 1);
    assert_eq!(pricing["residency"]["inference_geo_us"], 1);
    assert_eq!(pricing["web_search_requests"], 3);
}

#[test]
fn bedrock_geographic_profiles_pay_the_regional_premium_through_every_adapter() {
    // Anthropic's pricing page: "Starting with Claude Sonnet 4.5, Haiku 4.5, and Opus 4.5 ...
    // regional and multi-region endpoints include a 10% premium over global endpoints";
    // earlier models keep their prices. A `us.`/`eu.` profile is regional, `global.` is not.
    let dir = tempfile::tempdir().unwrap();
    let litellm = dir.path().join("spend.jsonl");
    let row = |id: &str, model: &str| {
        format!(
            "{{\"request_id\":\"{id}\",\"call_type\":\"acompletion\",\"spend\":0.0,\"total_tokens\":1100,\
             \"prompt_tokens\":1000,\"completion_tokens\":100,\"startTime\":\"2025-11-02T08:00:00.000+00:00\",\
             \"endTime\":\"2025-11-02T08:00:02.000+00:00\",\"model\":\"{model}\",\"model_group\":\"sonnet\",\
             \"custom_llm_provider\":\"bedrock\",\"api_base\":\"\",\"user\":\"u\",\"metadata\":{{}}}}\n"
        )
    };
    std::fs::write(
        &litellm,
        [
            row(
                "geo-eu",
                "bedrock/eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            row(
                "geo-global",
                "bedrock/global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            ),
            row(
                "geo-3-7",
                "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            ),
        ]
        .concat(),
    )
    .unwrap();
    let rows = call_rows(&[
        fixture("logs/bedrock/invocations.jsonl").to_str().unwrap(),
        litellm.to_str().unwrap(),
    ]);
    // Bedrock log, `us.` Sonnet 4.5 ($3 in, $0.30 hits, $3.75 5m writes, $6 1h writes, $15 out):
    // 1,500 × 3 + 20,000 × 0.30 + 2,000 × 3.75 + 1,000 × 6 + 500 × 15 = $0.0315 global;
    // × 1.1 = $0.03465.
    assert_cost(&rows, "7b0f3c1e-1111-4a6b-9c2d-000000000001", 0.03465);
    // An `eu.` Haiku 4.5 profile ARN ($1 in, $5 out): (900 × 1 + 120 × 5)/M = $0.0015; × 1.1.
    assert_cost(&rows, "7b0f3c1e-1111-4a6b-9c2d-000000000003", 0.00165);
    // `global.` Opus 4.5 ($5 in, $0.50 hits, $25 out): 12 × 5 + 30,000 × 0.5 + 640 × 25
    // = $0.03106, no premium.
    assert_cost(&rows, "msg_bdrk_stream01", 0.03106);
    // LiteLLM rows naming the profile: Sonnet 4.5, 1,000 × $3/M + 100 × $15/M = $0.0045.
    assert_cost(&rows, "geo-eu", 0.00495);
    assert_cost(&rows, "geo-global", 0.0045);
    // Claude 3.7 Sonnet ($3/$15) predates the premium: `us.` pays the global price.
    assert_cost(&rows, "geo-3-7", 0.0045);
}

#[test]
fn anthropic_iterations_are_billed_each_at_its_model() {
    // Anthropic's docs: "Advisor calls run as a separate sub-inference billed at the advisor
    // model's rates"; compaction is "an additional sampling step"; "to calculate total tokens
    // consumed and billed for a request, sum across all entries in the usage.iterations array"
    // (the top level leaves some out). Each step is priced on its own: a long-context
    // threshold applies per sampling step.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("messages.jsonl");
    let advisor = r#"{"id":"msg_adv","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"x"}],"stop_reason":"end_turn","usage":{"input_tokens":412,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,"output_tokens":531,"iterations":[{"type":"message","input_tokens":412,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,"output_tokens":89},{"type":"advisor_message","model":"claude-fable-5","input_tokens":823,"cache_read_input_tokens":0,"cache_creation_input_tokens":0,"output_tokens":1612},{"type":"message","input_tokens":1348,"cache_read_input_tokens":412,"cache_creation_input_tokens":0,"output_tokens":442}]}}"#;
    let compaction = r#"{"id":"msg_cmp","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":"end_turn","usage":{"input_tokens":23000,"output_tokens":1000,"iterations":[{"type":"compaction","input_tokens":180000,"output_tokens":3500},{"type":"message","input_tokens":23000,"output_tokens":1000}]}}"#;
    std::fs::write(&path, format!("{advisor}\n{compaction}\n")).unwrap();
    let rows = call_rows(&[path.to_str().unwrap()]);
    // Sonnet 4.5: $3 in, $0.30 cache hits, $15 out. The answering step:
    // 1,348 × 3 + 412 × 0.30 + 442 × 15 = $0.0107976.
    assert_cost(&rows, "msg_adv", 0.0107976);
    // The first executor step: 412 × 3 + 89 × 15 = $0.002571.
    assert_cost(&rows, "msg_adv/step/0", 0.002571);
    // The advisor at Claude Fable 5's rates ($10 in, $50 out): 823 × 10 + 1,612 × 50 = $0.08883.
    assert_cost(&rows, "msg_adv/step/1", 0.08883);
    // Compaction: the answering step 23,000 × 3 + 1,000 × 15 = $0.084, and the compaction
    // step 180,000 × 3 + 3,500 × 15 = $0.5925, under the 200k long-context threshold (their
    // sum, 203,000 prompt tokens, would wrongly be billed at long-context rates).
    assert_cost(&rows, "msg_cmp", 0.084);
    assert_cost(&rows, "msg_cmp/step/0", 0.5925);
    let report = json_report(&[path.to_str().unwrap()], &[]);
    assert_eq!(report["records"], 5);
    assert_eq!(report["calls"], 5);
}

#[test]
fn classify_prints_the_distribution_and_user_rules_override_it() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("calls.csv");
    let output = run(&[
        "classify",
        "--format",
        "json",
        "--rules",
        fixture("risk/rules.toml").to_str().unwrap(),
        "--calls-csv",
        csv_path.to_str().unwrap(),
        fixture("logs/openai").to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dist: Value = serde_json::from_slice(&output.stdout).unwrap();
    let cells = dist["cells"].as_array().unwrap();
    let sum = |key: &str| cells.iter().map(|c| c[key].as_f64().unwrap()).sum::<f64>();
    assert_eq!(sum("calls") as u64, dist["calls"].as_u64().unwrap());
    assert!((sum("calls_pct") - 100.0).abs() < 1e-9);
    assert!((sum("spend_pct") - 100.0).abs() < 1e-9);
    assert!((sum("spend_usd") - dist["spend_usd"].as_f64().unwrap()).abs() < 1e-9);
    // The invoice call (metadata feature=invoice-extract) is the one call the rule decides.
    let ruled: Vec<&Value> = cells.iter().filter(|c| c["by_rule"] == 1).collect();
    assert_eq!(ruled.len(), 1);
    assert_eq!(
        (ruled[0]["task"].as_str(), ruled[0]["tier"].as_str()),
        (Some("extraction"), Some("simple"))
    );
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    let invoice = rows
        .iter()
        .find(|r| r["call_id"] == "chatcmpl-AB12cd34")
        .unwrap();
    assert_eq!(invoice["rule"], "invoice-extract");
    assert_eq!(invoice["verifiable"], "json_schema");
    assert!(invoice["reasons"].contains("user_rule"));
    assert_eq!(invoice["confidence"], "1.00");
    assert_eq!(rows.iter().filter(|r| !r["rule"].is_empty()).count(), 1);
}

#[test]
fn calibrate_counts_the_labels_and_analyze_rates_risk_with_them() {
    let labels = fixture("risk/labels.csv");
    let text = std::fs::read_to_string(&labels).unwrap();
    let label_lines: Vec<&str> = text.lines().skip(1).collect();
    let failures = label_lines.iter().filter(|l| l.ends_with(",fail")).count() as u64;
    let dir = tempfile::tempdir().unwrap();
    let calibration = dir.path().join("calibration.toml");
    let output = run(&[
        "calibrate",
        "--labels",
        labels.to_str().unwrap(),
        "-o",
        calibration.to_str().unwrap(),
        fixture("classify").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // The one label whose call is not in the logs is reported, and left out.
    assert!(
        stderr.contains("1 labels match no logged call: chatcmpl-not-in-the-logs"),
        "{stderr}"
    );
    let file: toml::Table =
        toml::from_str(&std::fs::read_to_string(&calibration).unwrap()).unwrap();
    assert_eq!(file["labels"].as_integer(), Some(label_lines.len() as i64));
    assert_eq!(
        file["matched"].as_integer(),
        Some(label_lines.len() as i64 - 1)
    );
    let cells = file["cell"].as_array().unwrap();
    let total = |key: &str| {
        cells
            .iter()
            .map(|c| c[key].as_integer().unwrap())
            .sum::<i64>()
    };
    assert_eq!(total("labelled"), label_lines.len() as i64 - 1);
    assert_eq!(total("degraded") as u64, failures);
    // The catalog tiers gpt-4.1 and gpt-4o flagship, gpt-4.1-mini mid and gpt-4o-mini small.
    for cell in cells {
        let gap = match cell["candidate"].as_str() {
            Some("gpt-4.1-mini") => "one_step",
            Some("gpt-4o-mini") => "two_steps",
            other => panic!("candidate {other:?}"),
        };
        assert_eq!(cell["gap"].as_str(), Some(gap));
    }

    let logs = fixture("classify");
    let prior = json_report(
        &[logs.to_str().unwrap()],
        &["--policy", "cheaper-for-simple"],
    );
    let calibrated = json_report(
        &[logs.to_str().unwrap()],
        &[
            "--policy",
            "cheaper-for-simple",
            "--risk-calibration",
            calibration.to_str().unwrap(),
        ],
    );
    let risk = |report: &Value| report["policies"][1]["risk"].clone();
    let (prior, calibrated) = (risk(&prior), risk(&calibrated));
    assert_eq!(prior["basis"], "prior");
    assert_eq!(prior["calls_calibrated"], 0);
    // Routed calls on models without labels (o3, gpt-5, …) keep the prior.
    assert_eq!(calibrated["basis"], "partly calibrated");
    assert!(calibrated["calls_calibrated"].as_u64().unwrap() > 0);
    assert_eq!(prior["calls_at_risk"], calibrated["calls_at_risk"]);
    assert_ne!(
        prior["expected_degraded_calls"],
        calibrated["expected_degraded_calls"]
    );
    for risk in [&prior, &calibrated] {
        let (low, mid, high) = (
            risk["degraded_calls_low"].as_f64().unwrap(),
            risk["expected_degraded_calls"].as_f64().unwrap(),
            risk["degraded_calls_high"].as_f64().unwrap(),
        );
        assert!(low <= mid && mid <= high && high <= risk["calls_at_risk"].as_f64().unwrap());
        let tiers: u64 = risk["by_tier"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["calls"].as_u64().unwrap())
            .sum();
        assert_eq!(tiers, risk["calls_at_risk"].as_u64().unwrap());
    }
}

#[test]
fn calibrate_refuses_labels_that_match_nothing_or_name_unknown_models() {
    let dir = tempfile::tempdir().unwrap();
    let labels = dir.path().join("labels.csv");
    let logs = fixture("logs/openai");
    let calibrate_with = |row: &str| {
        std::fs::write(&labels, format!("call_id,candidate_model,passed\n{row}\n")).unwrap();
        let output = run(&[
            "calibrate",
            "--labels",
            labels.to_str().unwrap(),
            logs.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(2));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = calibrate_with("nope,gpt-4o-mini,pass");
    assert!(
        stderr.contains("none of the 1 labels matched a logged call id"),
        "{stderr}"
    );
    let stderr = calibrate_with("chatcmpl-AB12cd34,gpt-9-nano,pass");
    assert!(stderr.contains("line 2: `gpt-9-nano`"), "{stderr}");
}

#[test]
fn risk_priors_lists_every_rate_with_its_evidence() {
    let output = run(&["risk", "priors", "--format", "json"]);
    assert!(output.status.success());
    let priors: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = priors["rows"].as_array().unwrap();
    let of_kind = |kind: &str| rows.iter().filter(|r| r["kind"] == kind).count();
    assert_eq!(
        (
            of_kind("tier"),
            of_kind("task"),
            of_kind("gap"),
            of_kind("check")
        ),
        (4, 11, 3, 3)
    );
    for row in rows.iter().filter(|r| r["kind"] == "tier") {
        assert!(!row["evidence"].as_str().unwrap().is_empty());
        assert!(!row["sources"].as_array().unwrap().is_empty(), "{row}");
        assert!(
            row["low"].as_f64() <= row["value"].as_f64()
                && row["value"].as_f64() <= row["high"].as_f64()
        );
    }
    let table = run(&["risk", "priors"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("calibrate them on your own labels"));
}

#[test]
fn compare_prints_a_column_per_policy_and_the_frontier() {
    let logs = fixture("logs");
    let tiered = fixture("policies/tiered-routing.toml");
    let output = run(&[
        "compare",
        logs.to_str().unwrap(),
        "--policy",
        tiered.to_str().unwrap(),
        "--policy",
        "prompt-cache",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let header = text.lines().find(|l| l.contains("baseline")).unwrap();
    for column in ["baseline", "tiered-routing", "prompt-cache"] {
        assert!(header.contains(column), "{header}");
    }
    for row in [
        "risk-free",
        "with risk",
        "latency p95",
        "calls routed",
        "calls blocked",
        "95% interval",
        "frontier",
        "Cost/risk frontier",
        "Latency models",
    ] {
        assert!(text.contains(row), "missing {row}");
    }

    // The JSON of the same comparison: savings split, frontier consistent with cost and risk.
    let output = run(&[
        "compare",
        "--format",
        "json",
        logs.to_str().unwrap(),
        "--policy",
        tiered.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let policies = report["policies"].as_array().unwrap();
    assert_eq!(policies.len(), 2);
    let baseline_cost = report["baseline"]["cost_usd"].as_f64().unwrap();
    for p in policies {
        let cost = p["cost_usd"].as_f64().unwrap();
        let split =
            p["risk_free_savings_usd"].as_f64().unwrap() + p["risky_savings_usd"].as_f64().unwrap();
        assert!(
            (baseline_cost - cost - split).abs() < 1e-9,
            "savings split adds up"
        );
    }
    let tiered = &policies[1];
    assert_eq!(tiered["name"], "tiered-routing");
    assert!(tiered["actions"]["routed"].as_u64().unwrap() > 0);
    // Cheaper than the baseline and it routes calls: on the frontier, and the baseline
    // (costlier, but with no risk) is on it too.
    assert!(tiered["cost_usd"].as_f64().unwrap() < baseline_cost);
    assert_eq!(tiered["dominated_by"], Value::Null);
    assert_eq!(policies[0]["dominated_by"], Value::Null);
    assert!(!report["latency_models"].as_array().unwrap().is_empty());
}

#[test]
fn policies_lists_shows_and_checks() {
    let output = run(&["policies"]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for name in [
        "baseline",
        "cheaper-for-simple",
        "cascade-verifiable",
        "prompt-cache",
        "response-cache",
        "batch",
        "balanced",
    ] {
        assert!(text.contains(name), "missing {name}");
    }
    let output = run(&["policies", "show", "balanced"]);
    assert!(output.status.success());
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("[[rule]]")
    );

    let good = fixture("policies/tiered-routing.toml");
    let output = run(&["policies", "check", good.to_str().unwrap()]);
    assert!(output.status.success());
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .contains("6 rules")
    );

    // The broken example names an unknown model on line 6: exit 2, with the line.
    let broken = fixture("policies/broken.toml");
    let output = run(&["policies", "check", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("line 6: rule `typo`"), "{stderr}");
    assert!(stderr.contains("gpt-4.1-minni"), "{stderr}");

    // A bad policy file fails analyze before any log is read.
    let output = run(&[
        "analyze",
        "--policy",
        broken.to_str().unwrap(),
        fixture("logs").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let output = run(&[
        "analyze",
        "--policy",
        "no-such-policy",
        fixture("logs").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("built-in: baseline")
    );
}

/// Runs the binary and returns its exit code and stderr.
fn status_and_stderr(args: &[&str]) -> (Option<i32>, String) {
    let output = run(args);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn gates_exit_1_with_the_reason_and_hold_otherwise() {
    let logs = fixture("logs");
    let logs = logs.to_str().unwrap();
    let report = json_report(&[logs], &[]);
    let exact = report["baseline"]["cost_usd_exact"].as_str().unwrap();
    let cost: f64 = exact.parse().unwrap();

    // The logged spend is not above itself; a millionth of a dollar below it, it is.
    let (code, _) = status_and_stderr(&["analyze", "-q", "--fail-if-cost-above", exact, logs]);
    assert_eq!(code, Some(0));
    let below = format!("{:.6}", cost - 0.000001);
    let (code, stderr) =
        status_and_stderr(&["analyze", "-q", "--fail-if-cost-above", &below, logs]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("gate tripped: --fail-if-cost-above"),
        "{stderr}"
    );

    // Two calls of the fixture are of models the catalog does not price (an unknown model and
    // a Bedrock application inference profile, whose ARN names no model).
    let (code, stderr) = status_and_stderr(&["analyze", "-q", "--fail-on-unpriced", logs]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("2 calls of models the catalog does not price"),
        "{stderr}"
    );
    let openai = fixture("logs/openai");
    let (code, _) = status_and_stderr(&[
        "analyze",
        "-q",
        "--fail-on-unpriced",
        openai.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0));

    // Savings: the batch policy's share, read from the report, is the line.
    let batch = json_report(&[logs], &["--policy", "batch"]);
    let batch_pct = batch["policies"][1]["savings_pct"].as_f64().unwrap();
    assert!(batch_pct > 10.0, "batch saves a good share of the fixture");
    let above = format!("{}", batch_pct + 0.01);
    let under = format!("{}", batch_pct - 0.01);
    let (code, _) = status_and_stderr(&[
        "analyze",
        "-q",
        "--policy",
        "batch",
        "--fail-if-savings-above",
        &above,
        logs,
    ]);
    assert_eq!(code, Some(0));
    let (code, stderr) = status_and_stderr(&[
        "analyze",
        "-q",
        "--policy",
        "batch",
        "--fail-if-savings-above",
        &under,
        logs,
    ]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("policy `batch` would save"), "{stderr}");

    // Risk: expected degraded calls as a share of all calls.
    let routed = json_report(&[logs], &["--policy", "cheaper-for-simple"]);
    let degraded = routed["policies"][1]["risk"]["expected_degraded_calls"]
        .as_f64()
        .unwrap();
    let calls = routed["calls"].as_f64().unwrap();
    let share = 100.0 * degraded / calls;
    assert!(share > 0.0);
    let (code, stderr) = status_and_stderr(&[
        "compare",
        "-q",
        "--policy",
        "cheaper-for-simple",
        "--fail-if-risk-above",
        &format!("{}", share * 0.9),
        logs,
    ]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("--fail-if-risk-above"), "{stderr}");
    let held = json_report(
        &[logs],
        &[
            "--policy",
            "cheaper-for-simple",
            "--fail-if-risk-above",
            &format!("{}", share * 1.1),
        ],
    );
    assert_eq!(held["gates"][0]["gate"], "fail-if-risk-above");
    assert_eq!(held["gates"][0]["tripped"], false);
    assert_eq!(held["gates"][0]["policy"], "cheaper-for-simple");

    // A gate that makes no sense is an error before any work.
    let (code, _) = status_and_stderr(&["analyze", "--fail-if-savings-above", "-5", logs]);
    assert_eq!(code, Some(2));
}

#[test]
fn baseline_report_shows_spend_change_new_and_unpriced_models() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let openai = fixture("logs/openai");
    let output = run(&[
        "analyze",
        "-q",
        "-o",
        old.to_str().unwrap(),
        openai.to_str().unwrap(),
    ]);
    assert!(output.status.success());
    assert!(output.stdout.is_empty(), "-o sends the report to the file");
    let previous: Value = serde_json::from_slice(&std::fs::read(&old).unwrap()).unwrap();

    let logs = fixture("logs");
    let report = json_report(
        &[logs.to_str().unwrap()],
        &["--baseline-report", old.to_str().unwrap()],
    );
    let diff = &report["baseline_diff"];
    let before = previous["baseline"]["cost_usd"].as_f64().unwrap();
    let now = report["baseline"]["cost_usd"].as_f64().unwrap();
    assert_eq!(diff["previous_cost_usd"].as_f64().unwrap(), before);
    assert_eq!(diff["cost_usd"].as_f64().unwrap(), now);
    assert!((diff["change_usd"].as_f64().unwrap() - (now - before)).abs() < 1e-9);
    // Every model's change is its spend now minus its spend before.
    let spend = |report: &Value, model: &str| -> f64 {
        report["by_model"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == model)
            .map_or(0.0, |g| g["cost_usd"].as_f64().unwrap())
    };
    for change in diff["by_model"].as_array().unwrap() {
        let model = change["model"].as_str().unwrap();
        let expected = spend(&report, model) - spend(&previous, model);
        assert!(
            (change["change_usd"].as_f64().unwrap() - expected).abs() < 1e-9,
            "{model}"
        );
    }
    let new_models: Vec<&str> = diff["new_models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(new_models.contains(&"claude-sonnet-4-5"), "{new_models:?}");
    assert!(!new_models.contains(&"gpt-4o-mini"), "{new_models:?}");
    let new_unpriced = diff["new_unpriced_models"].as_array().unwrap();
    assert!(
        new_unpriced.iter().any(|m| m == "acme-llm-9"),
        "{new_unpriced:?}"
    );

    // Spend grew: a gate on growth trips, with the reason.
    let (code, stderr) = status_and_stderr(&[
        "analyze",
        "-q",
        "--baseline-report",
        old.to_str().unwrap(),
        "--fail-if-cost-increase-above",
        "10",
        logs.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("--fail-if-cost-increase-above"), "{stderr}");

    // Not a report: exit 2 with the file named.
    let (code, stderr) = status_and_stderr(&[
        "analyze",
        "--baseline-report",
        openai.join("chat_and_responses.jsonl").to_str().unwrap(),
        logs.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("chat_and_responses.jsonl: not an llm-audit JSON report"),
        "{stderr}"
    );
}

#[test]
fn filters_leave_calls_out_and_count_them() {
    let logs = fixture("logs");
    let logs = logs.to_str().unwrap();
    let all = json_report(&[logs], &["--group-by", "day"]);
    let calls = all["calls"].as_u64().unwrap();
    let filtered = |report: &Value| {
        skipped(report)
            .get("left out by a filter")
            .copied()
            .unwrap_or(0)
    };

    let anthropic = json_report(&[logs], &["--provider", "anthropic"]);
    assert_balanced(&anthropic);
    for group in anthropic["by_provider"].as_array().unwrap() {
        assert_eq!(group["key"], "anthropic");
    }
    assert_eq!(
        anthropic["calls"].as_u64().unwrap() + filtered(&anthropic),
        calls
    );
    assert!(filtered(&anthropic) > 0);
    assert_eq!(anthropic["filters"][0], "provider anthropic");

    let claude = json_report(&[logs], &["--model", "claude-*"]);
    for group in claude["by_model"].as_array().unwrap() {
        assert!(
            group["key"].as_str().unwrap().starts_with("claude"),
            "{group}"
        );
    }

    // The tag filter keeps exactly the calls of the project group of that name.
    let by_project = json_report(&[logs], &["--group-by", "project"]);
    let router = by_project["groups"][0]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "router")
        .expect("the fixture has a `router` project")["calls"]
        .as_u64()
        .unwrap();
    let tagged = json_report(&[logs], &["--tag", "project=rout*"]);
    assert_eq!(tagged["calls"].as_u64().unwrap(), router);

    // A day, as --since and --until, keeps that day's calls: in UTC, and in Berlin time.
    for zone in ["UTC", "Europe/Berlin"] {
        let days = json_report(&[logs], &["--group-by", "day", "--timezone", zone]);
        let busiest = days["groups"][0]["groups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["key"] != "unknown")
            .max_by_key(|g| g["calls"].as_u64().unwrap())
            .unwrap()
            .clone();
        let day = busiest["key"].as_str().unwrap();
        let one_day = json_report(
            &[logs],
            &["--since", day, "--until", day, "--timezone", zone],
        );
        assert_eq!(one_day["calls"], busiest["calls"], "{zone} {day}");
        assert_eq!(one_day["timezone"], zone);
        assert_balanced(&one_day);
    }

    let (code, stderr) = status_and_stderr(&["analyze", "--since", "last tuesday", logs]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--since"), "{stderr}");
    let (code, _) = status_and_stderr(&["analyze", "--timezone", "Mars/Olympus", logs]);
    assert_eq!(code, Some(2));
    let (code, stderr) = status_and_stderr(&["analyze", "--group-by", "colour", logs]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("tag:KEY"), "{stderr}");
}

#[test]
fn output_file_format_follows_its_extension_and_dash_is_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let logs = fixture("logs/openai");
    let logs = logs.to_str().unwrap();
    for (name, starts) in [
        ("report.md", "## llm-audit:"),
        ("report.csv", "policy,cost_usd"),
        ("report.html", "<!"),
        ("report.json", "{"),
    ] {
        let path = dir.path().join(name);
        let output = run(&["analyze", "-q", "-o", path.to_str().unwrap(), logs]);
        assert!(output.status.success());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(starts),
            "{name}: {}",
            &text[..text.len().min(80)]
        );
    }
    let output = run(&["analyze", "-q", "-o", "-", "--format", "markdown", logs]);
    assert!(
        String::from_utf8(output.stdout)
            .unwrap()
            .starts_with("## llm-audit:")
    );
    let breakdown = dir.path().join("groups.csv");
    let output = run(&[
        "analyze",
        "-q",
        "--group-by",
        "month",
        "--breakdown-csv",
        breakdown.to_str().unwrap(),
        logs,
    ]);
    assert!(output.status.success());
    let text = std::fs::read_to_string(&breakdown).unwrap();
    assert!(text.starts_with("grouping,key,calls"));
    for grouping in ["model,", "provider,", "tier,", "task,", "day,", "month,"] {
        assert!(text.lines().any(|l| l.starts_with(grouping)), "{grouping}");
    }
}

/// `--savings-csv`: for each policy and grouping key, the rows add up to the policy's totals
/// in the JSON report (cost, savings with and without risk, changed calls, expected degraded
/// calls), and the JSON's own groups do too.
#[test]
fn savings_by_group_add_up_to_each_policys_totals() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("savings.csv");
    let output = run(&[
        "analyze",
        "-q",
        "--format",
        "json",
        "--group-by",
        "project,day",
        "--savings-csv",
        csv_path.to_str().unwrap(),
        fixture("logs").to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let header = reader.headers().unwrap().clone();
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            header
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let policies = report["policies"].as_array().unwrap();
    let mut checked = 0;
    for policy in policies {
        let name = policy["name"].as_str().unwrap();
        for by in ["model", "tier", "task", "project", "day"] {
            let group: Vec<&BTreeMap<String, String>> = rows
                .iter()
                .filter(|r| r["policy"] == name && r["grouping"] == by)
                .collect();
            assert!(!group.is_empty(), "{name} has no rows by {by}");
            let sum = |column: &str| -> f64 {
                group
                    .iter()
                    .map(|r| r[column].parse::<f64>().unwrap())
                    .sum()
            };
            for (column, total) in [
                ("cost_usd", "cost_usd"),
                ("savings_usd", "savings_usd"),
                ("risk_free_savings_usd", "risk_free_savings_usd"),
                ("risky_savings_usd", "risky_savings_usd"),
            ] {
                assert!(
                    close(sum(column), policy[total].as_f64().unwrap()),
                    "{name} by {by}: {column} sums to {} not {}",
                    sum(column),
                    policy[total]
                );
            }
            assert!(close(
                sum("expected_degraded_calls"),
                policy["risk"]["expected_degraded_calls"].as_f64().unwrap()
            ));
            assert_eq!(
                sum("calls_changed") as u64,
                policy["calls_changed"].as_u64().unwrap(),
                "{name} by {by}"
            );
            assert_eq!(sum("calls") as u64, report["calls"].as_u64().unwrap());
            let json = policy["by_group"]
                .as_array()
                .unwrap()
                .iter()
                .find(|g| g["by"] == by)
                .unwrap();
            assert_eq!(json["groups"].as_array().unwrap().len(), group.len());
            checked += 1;
        }
    }
    assert_eq!(checked, policies.len() * 5);
    // The savings a model change claims sit on the groups whose calls it moved.
    let balanced = policies.iter().find(|p| p["name"] == "balanced").unwrap();
    assert!(balanced["risky_savings_usd"].as_f64().unwrap() > 0.0);
}

/// Reasoning spend per model: o3 bills reasoning tokens as output at $8.00 per million
/// (OpenAI's price list), so the fixture's one o3 call with 1,200 reasoning tokens spent
/// 1,200 × $8 / 1,000,000 = $0.0096 on reasoning, within its cost.
#[test]
fn reasoning_spend_is_priced_per_model() {
    let report = json_report(&[fixture("logs").to_str().unwrap()], &[]);
    let o3 = report["by_model"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "o3")
        .unwrap();
    assert_eq!(o3["reasoning_tokens"], 1200);
    assert!((o3["reasoning_cost_usd"].as_f64().unwrap() - 0.0096).abs() < 1e-12);
    assert!(o3["reasoning_cost_usd"].as_f64().unwrap() < o3["cost_usd"].as_f64().unwrap());
}

/// Without `--group-by`, the headline still names the largest group of the first team tag the
/// calls carry (feature, then project), as the JSON's `by_tag` has it; users are left to
/// `--group-by user`.
#[test]
fn the_headline_names_the_largest_tagged_group_unasked() {
    let logs = fixture("logs");
    let report = json_report(&[logs.to_str().unwrap()], &[]);
    let by_tag = report["by_tag"].as_array().unwrap();
    let first = &by_tag[0];
    assert_eq!(first["by"], "feature");
    assert!(by_tag.iter().all(|g| g["by"] != "user"));
    let largest = first["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] != "(none)")
        .unwrap();
    let output = run(&["analyze", "-q", "--summary", logs.to_str().unwrap()]);
    // Wrapped lines joined, so that a sentence split over two lines still matches.
    let text = String::from_utf8(output.stdout)
        .unwrap()
        .replace("\n  ", " ");
    let none = first["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "(none)")
        .unwrap();
    let expected = format!(
        "largest feature: {} ({:.0}%), {:.0}% of spend has no feature",
        largest["key"].as_str().unwrap(),
        largest["spend_share_pct"].as_f64().unwrap(),
        none["spend_share_pct"].as_f64().unwrap()
    );
    assert!(text.contains(&expected), "{expected}\n{text}");
}

/// The tier is the request's, so reasoning on easy requests is found however much the model
/// thought, and the reasoning on answers nothing checks is summed apart. Figures from
/// `fixtures/reasoning/README.md`: o3 at $8 per million output tokens (reasoning billed as
/// output); the two "Is 17 prime?" calls think 300 and 2,000 tokens, the schema-checked
/// extraction 500.
#[test]
fn reasoning_on_easy_requests_is_flagged_whatever_the_model_spent() {
    let path = fixture("reasoning");
    let path = path.to_str().unwrap();
    let rows = call_rows(&[path]);
    for id in ["r-quiz-1", "r-quiz-2", "r-extract-1"] {
        assert_eq!(rows[id]["tier"], "simple", "{id}");
    }
    assert_cost(&rows, "r-quiz-1", at(300.0, 2.0) + at(301.0, 8.0));
    assert_cost(&rows, "r-quiz-2", at(300.0, 2.0) + at(2_001.0, 8.0));

    let report = json_report(&[path], &[]);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "reasoning_on_simple")
        .expect("reasoning on simple calls is found");
    // (300 + 2,000 + 500) × $8 / 1,000,000 = $0.0224.
    assert_eq!(finding["calls"], 3);
    assert_eq!(finding["tokens"], 2_800);
    assert_eq!(finding["impact_usd_exact"], "0.0224");
    // The quiz answers only: (300 + 2,000) × $8 / 1,000,000 = $0.0184.
    let baseline = &report["baseline"];
    assert_eq!(baseline["reasoning_unverified_tokens"], 2_300);
    assert!((baseline["reasoning_unverified_usd"].as_f64().unwrap() - 0.0184).abs() < 1e-12);
    let o3 = &report["by_model"][0];
    assert_eq!(
        (&o3["key"], &o3["reasoning_tokens"]),
        (&"o3".into(), &2_800.into())
    );

    let table = run(&["analyze", "--format", "table", path]);
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains(
            "$0.0184 of reasoning (2.30k tokens) on answers nothing checks (no schema, tool call or code)."
        ),
        "{table}"
    );
}

/// `fixtures/budgets/README.md` works out every figure: $2.394 of spend over 10 attempts, 3 of
/// them failed ($0.014), 7 answers of which 1 repeat: $2.394 ÷ 7 = $0.342 an answer, ÷ 6 =
/// $0.399 a new one; the `s-fail` session alone: $0.018 for its one answer.
/// `fixtures/failures/litellm_payload.jsonl` (see its README): failures without usage are
/// skipped records, counted by cause all the same.
#[test]
fn failures_without_usage_are_counted_by_cause_and_stay_skipped() {
    let failures = fixture("failures/litellm_payload.jsonl");
    let report = json_report(&[failures.to_str().unwrap()], &[]);
    // 6 records: 3 calls (the timeout billed for its 1,000 prompt tokens, 2 answers) and the
    // 3 failures without usage, skipped as provider errors.
    assert_eq!(report["records"], 6);
    assert_eq!(report["calls"], 3);
    assert_eq!(report["skipped"]["provider error, no usage"], 3);
    let causes: Vec<(String, u64, u64, f64)> = report["failures"]["by_cause"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["cause"].as_str().unwrap().to_string(),
                c["calls"].as_u64().unwrap(),
                c["calls_with_usage"].as_u64().unwrap(),
                c["cost_usd"].as_f64().unwrap(),
            )
        })
        .collect();
    // gpt-4.1 at $2/M input: the timeout's 1,000 prompt tokens cost $0.002; the others none.
    assert_eq!(
        causes,
        [
            ("rate_limit".to_string(), 2, 0, 0.0),
            ("timeout".to_string(), 1, 1, 0.002),
            ("server_error".to_string(), 1, 0, 0.0),
        ]
    );
    assert_eq!(report["failures"]["calls"], 4);
    assert_eq!(report["failures"]["cost_usd"], 0.002);
    // The calls' own figures are unchanged: 3 attempts, 1 failed.
    assert_eq!(report["meaningful_responses"]["attempts"], 3);
    assert_eq!(report["meaningful_responses"]["failed_attempts"], 1);

    let output = run(&[
        "analyze",
        "--format",
        "markdown",
        failures.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "Failed calls by cause: rate limit 2 (no usage), timeout 1 ($0.00200), \
             server error 1 (no usage)."
        ),
        "{text}"
    );
}

#[test]
fn meaningful_responses_count_failed_attempts_and_repeats() {
    let budgets = fixture("budgets");
    let report = json_report(&[budgets.to_str().unwrap()], &["--group-by", "session"]);
    let all = &report["meaningful_responses"];
    assert_eq!(all["attempts"], 10);
    assert_eq!(all["responses"], 7);
    assert_eq!(all["failed_attempts"], 3);
    assert_eq!(all["failed_attempts_cost_usd"], 0.014);
    assert_eq!(all["repeats"], 1);
    assert_eq!(all["cost_usd"], 2.394);
    assert_eq!(all["cost_per_response_usd"], 0.342);
    assert_eq!(all["cost_per_response_usd_exact"], "0.342");
    assert_eq!(all["cost_per_new_response_usd"], 0.399);
    let sessions = &all["by_group"][0];
    assert_eq!(sessions["by"], "session");
    let failing = sessions["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "s-fail")
        .expect("the s-fail session");
    assert_eq!(
        (
            &failing["attempts"],
            &failing["responses"],
            &failing["failed_attempts"]
        ),
        (&4.into(), &1.into(), &3.into())
    );
    assert_eq!(failing["failed_attempts_cost_usd"], 0.014);
    assert_eq!(failing["cost_per_response_usd"], 0.018);

    // One failed call of each cause, each billed for the tokens it reported.
    let causes: Vec<(String, u64, f64)> = report["failures"]["by_cause"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["cause"].as_str().unwrap().to_string(),
                c["calls"].as_u64().unwrap(),
                c["cost_usd"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        causes,
        [
            ("rate_limit".to_string(), 1, 0.002),
            ("context_length".to_string(), 1, 0.01),
            ("content_filter".to_string(), 1, 0.002),
        ]
    );
    assert_eq!(report["failures"]["calls"], 3);

    // Each session's calls, context fill and cost.
    let top = &report["sessions"]["top"];
    assert_eq!(report["sessions"]["sessions"], 4);
    assert_eq!(report["sessions"]["single_call_sessions"], 1);
    assert_eq!(top[0]["session"], "s-long");
    assert_eq!(top[0]["calls"], 3);
    assert_eq!(top[0]["peak_prompt_tokens"], 300_000);
    assert_eq!(top[0]["cost_usd_exact"], "1.32");
    assert_eq!(top[1]["session"], "s-one");
    assert_eq!(top[1]["peak_prompt_tokens"], 450_000);
}

/// Two of the four sessions of `fixtures/budgets` cost more than $0.50 (`s-long` $1.32, `s-one`
/// $1.00): the gate trips, exit 1, and names them; at $2 it holds.
#[test]
fn session_budget_gate_exits_1_and_names_the_sessions_above() {
    let budgets = fixture("budgets");
    let budgets = budgets.to_str().unwrap();
    let args = [
        "analyze",
        "--format",
        "json",
        "--fail-if-session-cost-above",
        "0.5",
        budgets,
    ];
    let output = run(&args);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "gate tripped: --fail-if-session-cost-above: 2 of 4 sessions cost more than $0.5; \
             the costliest, `s-long`, cost $1.32 over 3 calls"
        ),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    let gate = &report["gates"][0];
    assert_eq!(gate["gate"], "fail-if-session-cost-above");
    assert_eq!(gate["tripped"], true);
    assert_eq!(gate["threshold"], 0.5);
    assert_eq!(gate["value"], 1.32);
    assert_eq!(gate["sessions"]["count"], 2);
    let named: Vec<(&str, &str)> = gate["sessions"]["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["session"].as_str().unwrap(),
                s["cost_usd_exact"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(named, [("s-long", "1.32"), ("s-one", "1")]);

    let (code, _) = status_and_stderr(&[
        "analyze",
        "-q",
        "--fail-if-session-cost-above",
        "2",
        budgets,
    ]);
    assert_eq!(code, Some(0));
    let held = json_report(&[budgets], &["--fail-if-session-cost-above", "2"]);
    assert_eq!(held["gates"][0]["tripped"], false);
    assert_eq!(held["gates"][0]["sessions"]["count"], 0);
    let (code, stderr) = status_and_stderr(&[
        "analyze",
        "-q",
        "--fail-if-session-cost-above",
        "-1",
        budgets,
    ]);
    assert_eq!(code, Some(2), "{stderr}");
}

/// A copy of `fixtures/home`, where each coding agent's fixture sits at its real place under
/// the home folder.
fn agents_home() -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let source = fixture("home");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.unwrap();
        let target = copy
            .path()
            .join(entry.path().strip_prefix(&source).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    copy
}

/// Runs the binary with `home` as the home folder and none of the variables that move an
/// agent's data (the environment is cleared, so an agent added later is covered too), plus
/// `vars`.
fn run_at_home(home: &Path, vars: &[(&str, &Path)], args: &[&str]) -> Output {
    let mut command = binary();
    command
        .env_clear()
        .env("HOME", home)
        .env("USERPROFILE", home);
    if let Some(tmp) = std::env::var_os("TMPDIR") {
        command.env("TMPDIR", tmp);
    }
    for (key, value) in vars {
        command.env(key, value);
    }
    command.args(args).output().expect("the binary runs")
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// Calls per agent of an `analyze --group-by agent --format json` report.
fn calls_by_agent(report: &Value) -> BTreeMap<String, u64> {
    let grouping = &report["groups"][0];
    assert_eq!(grouping["by"], "agent");
    grouping["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| {
            let key = group["key"].as_str().unwrap().to_string();
            (key, group["calls"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn analyze_without_a_path_reads_every_agent_found_at_home() {
    let home = agents_home();
    let home = home.path();
    let agents = stdout_json(&run_at_home(home, &[], &["agents", "--format", "json"]));
    let agents = agents.as_array().unwrap();
    // Every agent whose folder exists in the fixture home is found with its files there.
    let mut found = Vec::new();
    for agent in agents {
        let name = agent["name"].as_str().unwrap();
        let locations = agent["locations"].as_array().unwrap();
        for location in locations {
            let path = Path::new(location["path"].as_str().unwrap());
            assert!(path.starts_with(home), "{name}: {path:?} is under HOME");
        }
        let present = locations.iter().any(|l| l["exists"] == true);
        assert_eq!(agent["found"], present, "{name}: {agent}");
        if present {
            assert!(agent["files"].as_u64().unwrap() > 0, "{name}");
            found.push(name.to_string());
        }
    }
    for name in ["claude-code", "codex", "gemini-cli"] {
        assert!(found.iter().any(|f| f == name), "{name} in {found:?}");
    }
    let table = run_at_home(home, &[], &["agents"]);
    let table = String::from_utf8(table.stdout).unwrap();
    for name in &found {
        assert!(table.contains(name.as_str()), "{table}");
    }

    // No path: every agent found is read, each with its calls, and said on stderr.
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("calls.csv");
    let all = run_at_home(
        home,
        &[],
        &[
            "analyze",
            "--format",
            "json",
            "--group-by",
            "agent",
            "--calls-csv",
            csv_path.to_str().unwrap(),
        ],
    );
    let stderr = String::from_utf8_lossy(&all.stderr).to_string();
    let report = stdout_json(&all);
    assert_balanced(&report);
    let files: u64 = agents.iter().map(|a| a["files"].as_u64().unwrap()).sum();
    let inputs = report["inputs"].as_array().unwrap();
    assert_eq!(inputs.len() as u64, files, "each file found is read once");
    assert!(inputs.iter().all(|input| input["read_error"].is_null()));
    let by_agent = calls_by_agent(&report);
    assert_eq!(
        by_agent.keys().cloned().collect::<Vec<_>>(),
        {
            let mut sorted = found.clone();
            sorted.sort();
            sorted
        },
        "{stderr}"
    );
    assert_eq!(
        by_agent.values().sum::<u64>(),
        report["calls"].as_u64().unwrap()
    );
    // The agents that keep only session totals are counted as such: every call of Droid,
    // Hermes and Goose is a session's total (Copilot CLI's shutdown totals are too, beside its
    // OTel spans).
    let summed = report["baseline"]["calls_summed"].as_u64().unwrap();
    let sessions_only: u64 = ["droid", "hermes", "goose"]
        .iter()
        .filter_map(|agent| by_agent.get(*agent))
        .sum();
    assert!(sessions_only > 0 && summed >= sessions_only, "{summed}");
    assert!(summed < report["calls"].as_u64().unwrap());
    for agent in agents.iter().filter(|a| a["found"] == true) {
        let line = format!("{}: ", agent["label"].as_str().unwrap());
        assert!(stderr.contains(&line), "{line} in {stderr}");
    }
    let mut reader = csv::Reader::from_path(&csv_path).unwrap();
    let column = reader.headers().unwrap().iter().position(|h| h == "agent");
    let column = column.expect("the calls CSV has an agent column");
    let mut csv_counts: BTreeMap<String, u64> = BTreeMap::new();
    for record in reader.records() {
        *csv_counts
            .entry(record.unwrap()[column].to_string())
            .or_default() += 1;
    }
    assert_eq!(csv_counts, by_agent);

    // --agent picks: each agent alone has the calls it had among all, and nothing else; -q
    // says nothing.
    for (name, calls) in &by_agent {
        let output = run_at_home(
            home,
            &[],
            &[
                "analyze",
                "-q",
                "--format",
                "json",
                "--group-by",
                "agent",
                "--agent",
                name,
            ],
        );
        // Only the loud warning of a model without a price is left under -q.
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr
                .lines()
                .all(|line| line.starts_with("warning: model `")
                    && line.contains("not in the price catalog")),
            "{stderr}"
        );
        let alone = calls_by_agent(&stdout_json(&output));
        assert_eq!(alone, BTreeMap::from([(name.clone(), *calls)]));
    }
    let two = run_at_home(
        home,
        &[],
        &[
            "analyze",
            "-q",
            "--format",
            "json",
            "--group-by",
            "agent",
            "--agent",
            "codex,gemini-cli",
        ],
    );
    assert_eq!(
        calls_by_agent(&stdout_json(&two))
            .keys()
            .collect::<Vec<_>>(),
        ["codex", "gemini-cli"]
    );

    // A set variable replaces the default folder: Claude Code's data is elsewhere, and empty.
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = run_at_home(
        home,
        &[("CLAUDE_CONFIG_DIR", elsewhere.path())],
        &["analyze", "-q", "--format", "json", "--group-by", "agent"],
    );
    assert!(!calls_by_agent(&stdout_json(&moved)).contains_key("claude-code"));
}

#[test]
fn analyze_without_a_path_or_agent_data_fails_clearly() {
    let empty = tempfile::tempdir().unwrap();
    let output = run_at_home(empty.path(), &[], &["analyze"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no coding agent data found"), "{stderr}");
    assert!(output.stdout.is_empty());

    let listed = stdout_json(&run_at_home(
        empty.path(),
        &[],
        &["agents", "--format", "json"],
    ));
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["found"] == false)
    );

    let home = agents_home();
    let unknown = run_at_home(home.path(), &[], &["analyze", "--agent", "nobody"]);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr.contains("nobody") && stderr.contains("claude-code"),
        "{stderr}"
    );
    // --agent picks among the agents' data, not among paths given.
    let both = run_at_home(
        home.path(),
        &[],
        &["analyze", "--agent", "codex", "fixtures/agents/codex"],
    );
    assert_eq!(both.status.code(), Some(2));
}

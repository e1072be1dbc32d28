//! The benchmark log generator (`examples/genlogs`) writes logs llm-audit reads as intended:
//! for every format a small sample goes through the real binary, whose report must name the
//! format and count exactly the records, calls, skips and tokens the generator says it wrote,
//! with no error and no unpriced call. The same seed gives the same bytes. Claude Code's dense
//! mix is checked the same way, and must hold several times more records per byte.

#[path = "../examples/genlogs/mod.rs"]
mod genlogs;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use genlogs::{Format, Mix, Stats};
use serde_json::Value;

/// The sample size: big enough for several conversations or sessions of each format, small
/// enough that the seven debug-build runs take about a second.
const SAMPLE: &str = "200K";

/// Every format with every mix it can be written in: the six formats in the standard mix, and
/// Claude Code in the dense one.
fn cases() -> Vec<(Format, Mix)> {
    Format::ALL
        .into_iter()
        .flat_map(|format| Mix::ALL.into_iter().map(move |mix| (format, mix)))
        .filter(|(format, mix)| mix.fits(*format))
        .collect()
}

/// A label for a case in assertion messages, e.g. `claude-code (dense)`.
fn label(format: Format, mix: Mix) -> String {
    format!("{} ({})", format.name(), mix.name())
}

/// Runs `llm-audit analyze --format json` on `path` and returns the report.
fn analyze(path: &Path) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_llm-audit"))
        .args(["analyze", "-q", "--format", "json"])
        .arg(path)
        .output()
        .expect("run llm-audit");
    assert!(
        output.status.success(),
        "llm-audit failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the report is JSON")
}

/// Every file under `path` (or `path` itself), in order, with its bytes.
fn contents(path: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    if path.is_file() {
        return vec![(PathBuf::new(), std::fs::read(path).expect("read sample"))];
    }
    let mut files = Vec::new();
    let mut pending = vec![path.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("list sample") {
            let entry = entry.expect("list sample");
            let child = entry.path();
            if child.is_dir() {
                pending.push(child);
            } else {
                let relative = child
                    .strip_prefix(path)
                    .expect("under the sample")
                    .to_path_buf();
                files.push((relative, std::fs::read(&child).expect("read sample")));
            }
        }
    }
    files.sort();
    files
}

/// Sums a token bucket over the report's providers (every call is under exactly one).
fn report_tokens(report: &Value, bucket: &str) -> u64 {
    report["by_provider"]
        .as_array()
        .expect("by_provider")
        .iter()
        .map(|group| group[bucket].as_u64().expect("a token count"))
        .sum()
}

/// Checks one format's report against what the generator wrote.
fn check_report(format: Format, stats: &Stats, report: &Value) {
    let name = label(format, stats.mix);
    let inputs = report["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len() as u64, stats.files, "{name}: files read");
    for input in inputs {
        assert_eq!(
            input["format"],
            format.name(),
            "{name}: detected format of {}",
            input["path"]
        );
    }
    assert_eq!(report["records"], stats.records, "{name}: records");
    assert_eq!(report["calls"], stats.calls, "{name}: calls");
    assert_eq!(
        report["errors"], 0,
        "{name}: errors {}",
        report["error_samples"]
    );
    let expected_skips: BTreeMap<String, u64> = stats
        .skipped
        .iter()
        .map(|(reason, count)| (reason.to_string(), *count))
        .collect();
    let skips: BTreeMap<String, u64> =
        serde_json::from_value(report["skipped"].clone()).expect("skips by reason");
    assert_eq!(skips, expected_skips, "{name}: skipped records by reason");
    assert_eq!(
        report["baseline"]["unpriced_calls"], 0,
        "{name}: {}",
        report["unpriced_models"]
    );
    assert!(stats.calls > 0, "{name}: the sample holds calls");
    let tokens = &stats.tokens;
    let buckets = [
        ("input_tokens", tokens.input),
        ("cache_read_tokens", tokens.cache_read),
        ("cache_write_5m_tokens", tokens.cache_write_5m),
        ("cache_write_1h_tokens", tokens.cache_write_1h),
        ("output_tokens", tokens.output),
        ("reasoning_tokens", tokens.reasoning),
    ];
    for (bucket, expected) in buckets {
        assert_eq!(report_tokens(report, bucket), expected, "{name}: {bucket}");
    }
}

#[test]
fn every_format_is_read_as_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = genlogs::parse_size(SAMPLE).expect("a size");
    for (format, mix) in cases() {
        let name = label(format, mix);
        let out = dir.path().join(format!("{}-{}", format.name(), mix.name()));
        let stats = genlogs::generate(format, mix, bytes, 7, &out).expect("generate");
        assert_eq!(stats.mix, mix, "{name}: mix");
        assert_eq!(out.is_dir(), format.is_tree(), "{name}: file or tree");
        assert!(
            stats.bytes >= bytes,
            "{name}: {} bytes written",
            stats.bytes
        );
        check_report(format, &stats, &analyze(&out));
    }
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = genlogs::parse_size("64K").expect("a size");
    for (format, mix) in cases() {
        let name = label(format, mix);
        let write = |seed: u64, run: &str| {
            let out = dir
                .path()
                .join(format!("{}-{}-{run}", format.name(), mix.name()));
            let stats = genlogs::generate(format, mix, bytes, seed, &out).expect("generate");
            (stats, contents(&out))
        };
        let (first_stats, first) = write(3, "a");
        let (second_stats, second) = write(3, "b");
        let (_, other) = write(4, "c");
        assert!(first == second, "{name}: seed 3 twice gave different bytes");
        assert_eq!(
            first_stats.to_json(format, 3, bytes),
            second_stats.to_json(format, 3, bytes)
        );
        assert!(first != other, "{name}: seeds 3 and 4 gave the same bytes");
    }
}

#[test]
fn the_dense_mix_writes_smaller_records_and_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bytes = genlogs::parse_size("2M").expect("a size");
    let write = |mix: Mix| {
        let out = dir.path().join(mix.name());
        genlogs::generate(Format::ClaudeCode, mix, bytes, 5, &out).expect("generate")
    };
    let standard = write(Mix::Standard);
    let dense = write(Mix::Dense);
    // Standard lines average about 4.2 KB (480,230,636 bytes in 113,787 records at seed 1),
    // dense ones about 1.1 KB (480,267,178 in 438,818): about 3.8 times the records per byte.
    // On 2 MB the heavy-tailed session sizes move both; at least 2.5 times must remain, and
    // dense lines must stay under 1.6 KB on average.
    let per_record = |stats: &Stats| stats.bytes as f64 / stats.records as f64;
    assert!(
        per_record(&standard) > 2.5 * per_record(&dense),
        "standard {:.0} bytes a record, dense {:.0}",
        per_record(&standard),
        per_record(&dense)
    );
    assert!(per_record(&dense) < 1_600.0, "{:.0}", per_record(&dense));
    // Responses have more content blocks: more duplicate lines per call.
    let blocks_per_call =
        |stats: &Stats| stats.skipped[genlogs::skip::DUPLICATE_BLOCK] as f64 / stats.calls as f64;
    assert!(blocks_per_call(&dense) > blocks_per_call(&standard));
    // The stats name a mix only when it is not the standard one, so standard stats read as
    // they did before mixes existed.
    assert!(
        !standard
            .to_json(Format::ClaudeCode, 5, bytes)
            .contains("\"mix\"")
    );
    assert!(
        dense
            .to_json(Format::ClaudeCode, 5, bytes)
            .contains("\"mix\":\"dense\"")
    );
}

#[test]
fn only_claude_code_has_a_dense_mix() {
    let dir = tempfile::tempdir().expect("temp dir");
    for format in Format::ALL {
        assert!(Mix::Standard.fits(format));
        assert_eq!(Mix::Dense.fits(format), format == Format::ClaudeCode);
        if format != Format::ClaudeCode {
            let out = dir.path().join(format.name());
            let err =
                genlogs::generate(format, Mix::Dense, 10_000, 1, &out).expect_err("no dense mix");
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
            assert!(!out.exists(), "{}: nothing written", format.name());
        }
    }
}

#[test]
fn prompts_reuse_a_few_system_prompts_and_never_repeat_a_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("openai.jsonl");
    let stats =
        genlogs::generate(Format::Openai, Mix::Standard, 300_000, 11, &out).expect("generate");
    let text = std::fs::read_to_string(&out).expect("read sample");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len() as u64, stats.records);
    let distinct: BTreeSet<&str> = lines.iter().copied().collect();
    assert_eq!(distinct.len(), lines.len(), "a record was written twice");
    let mut system_prompts = BTreeSet::new();
    let mut last_user_turns = BTreeSet::new();
    for line in &lines {
        let record: Value = serde_json::from_str(line).expect("a JSON line");
        let request = &record["request"];
        let (system, user) = match request["messages"].as_array() {
            Some(messages) => (
                messages[0]["content"].clone(),
                messages
                    .iter()
                    .rev()
                    .find(|m| m["role"] == "user")
                    .map(|m| m["content"].clone()),
            ),
            None => (
                request["instructions"].clone(),
                request["input"]
                    .as_array()
                    .and_then(|items| items.iter().rev().find(|i| i["role"] == "user"))
                    .map(|i| i["content"][0]["text"].clone()),
            ),
        };
        system_prompts.insert(system.to_string());
        if let Some(user) = user {
            last_user_turns.insert(user.to_string());
        }
    }
    // The eight apps of `scenario::apps` have one template each, reused across their calls.
    assert!(
        (4..=8).contains(&system_prompts.len()),
        "{} system prompts",
        system_prompts.len()
    );
    // A conversation's calls end on the same user turn only when a tool result or a retry
    // follows it; most calls bring a new one.
    assert!(
        last_user_turns.len() * 2 > lines.len(),
        "{} distinct user turns in {} calls",
        last_user_turns.len(),
        lines.len()
    );
}

#[test]
fn names_and_sizes_parse() {
    for format in Format::ALL {
        assert_eq!(Format::from_name(format.name()), Some(format));
    }
    assert_eq!(Format::from_name("csv"), None);
    for mix in Mix::ALL {
        assert_eq!(Mix::from_name(mix.name()), Some(mix));
    }
    assert_eq!(Mix::from_name("sparse"), None);
    assert_eq!(Mix::default(), Mix::Standard);
    // Decimal multiples without `i`, binary with: 500 × 10^6, 5 × 2^30, 64 × 2^10.
    assert_eq!(genlogs::parse_size("500M"), Ok(500_000_000));
    assert_eq!(genlogs::parse_size("5GiB"), Ok(5_368_709_120));
    assert_eq!(genlogs::parse_size("64Ki"), Ok(65_536));
    assert_eq!(genlogs::parse_size("1234"), Ok(1234));
    assert!(genlogs::parse_size("12X").is_err());
    assert!(genlogs::parse_size("M").is_err());
}

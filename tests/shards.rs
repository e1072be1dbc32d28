//! One audit over several machines: `analyze --shard K/N --emit-partial`, then `merge`, must
//! print the bytes a single `analyze` over all the inputs prints, whatever the shard count and
//! the order the partials are given in.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: prints its own text.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llm-audit"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn run(args: &[&str]) -> Output {
    binary().args(args).output().expect("the binary runs")
}

fn ok(output: Output) -> Output {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The inputs: every fixture format (JSON Lines cut in chunks, files read in order, JSON
/// documents, CSV) plus malformed files (errors keep their file and line).
const INPUTS: [&str; 2] = ["fixtures/logs", "fixtures/malformed"];

/// Flags that shape the rows (tags kept, prompt token counts for moved calls) and the report.
const FLAGS: [&str; 6] = [
    "--group-by",
    "project,day,session",
    "--policy",
    "cheaper-for-simple",
    "--policy",
    "prompt-cache",
];

/// `analyze --shard K/N --emit-partial` for every K; returns the partial files.
fn shard(dir: &Path, count: u32) -> Vec<PathBuf> {
    (1..=count)
        .map(|k| {
            let path = dir.join(format!("part-{k}-of-{count}.bin"));
            let spec = format!("{k}/{count}");
            let mut args = vec!["analyze", "-q", "--shard", &spec, "--emit-partial"];
            args.push(path.to_str().unwrap());
            args.extend(FLAGS);
            args.extend(INPUTS);
            let output = ok(run(&args));
            assert!(output.stdout.is_empty(), "a shard prints no report");
            path
        })
        .collect()
}

/// Runs `command` (with `--calls-csv`, the shared flags and `inputs`) in `format`: the report's
/// and the CSV's bytes.
fn report(dir: &Path, command: &str, format: &str, inputs: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let csv = dir.join(format!("{command}-{format}.csv"));
    let mut args = vec![
        command,
        "--format",
        format,
        "--calls-csv",
        csv.to_str().unwrap(),
    ];
    args.extend(FLAGS);
    args.extend(inputs);
    let output = ok(run(&args));
    (output.stdout, std::fs::read(csv).unwrap())
}

/// `merge` over `partials`, in that order.
fn merge(dir: &Path, partials: &[&PathBuf], format: &str) -> (Vec<u8>, Vec<u8>) {
    let names: Vec<&str> = partials.iter().map(|p| p.to_str().unwrap()).collect();
    report(dir, "merge", format, &names)
}

/// `analyze` over all the inputs at once.
fn single(dir: &Path, format: &str) -> (Vec<u8>, Vec<u8>) {
    report(dir, "analyze", format, &INPUTS)
}

#[test]
fn sharded_runs_merged_equal_the_single_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let json = single(dir.path(), "json");
    let markdown = single(dir.path(), "markdown");
    // The fixture has 40-odd files; 1, 3 and 7 shards cut it unevenly, 64 leaves shards empty.
    for count in [1, 3, 7, 64] {
        let parts = shard(dir.path(), count);
        let mut order: Vec<&PathBuf> = parts.iter().collect();
        order.reverse();
        assert!(
            merge(dir.path(), &order, "json") == json,
            "{count} shards merged in reverse give the single run's JSON report and calls CSV"
        );
        if count == 3 {
            let order = [&parts[1], &parts[2], &parts[0]];
            assert!(merge(dir.path(), &order, "markdown") == markdown);
        }
    }
    // The comparison is not vacuous: the report holds calls, errors and duplicates merged
    // across shards.
    let report: serde_json::Value = serde_json::from_slice(&json.0).unwrap();
    assert!(report["calls"].as_u64().unwrap() > 50);
    assert!(report["errors"].as_u64().unwrap() > 0);
    // and failures without usage, which only the accounting counts.
    let by_cause = report["failures"]["by_cause"].as_array().unwrap();
    assert!(by_cause.iter().any(|c| c["calls"] != c["calls_with_usage"]));
}

#[test]
fn a_stream_on_stdin_becomes_a_partial_on_stdout() {
    let log = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs/openai/chat_and_responses.jsonl"),
    )
    .unwrap();
    let pipe = |args: &[&str], input: &[u8]| -> Vec<u8> {
        let mut child = binary()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        ok(child.wait_with_output().unwrap()).stdout
    };
    let partial = pipe(&["analyze", "-q", "--emit-partial", "-", "-"], &log);
    let merged = pipe(&["merge", "--format", "json", "-"], &partial);
    let single = pipe(&["analyze", "--format", "json", "-"], &log);
    assert!(
        merged == single,
        "merging the stdin partial gives the stdin run's report"
    );
}

#[test]
fn a_partial_that_cannot_be_written_is_an_error_naming_it() {
    // The partial is written while the shard runs; a full disk still ends the run with the
    // file's name and exit code 2, not a truncated partial passed off as whole.
    let output = run(&[
        "analyze",
        "-q",
        "--emit-partial",
        "/dev/full",
        "fixtures/logs",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("writing /dev/full"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn merge_refuses_missing_repeated_foreign_damaged_and_older_partials() {
    let dir = tempfile::tempdir().unwrap();
    let parts = shard(dir.path(), 3);
    let args = |partials: &[&Path], extra: &[&str]| -> Output {
        let mut args = vec!["merge", "--format", "json"];
        args.extend(FLAGS);
        args.extend(extra);
        args.extend(partials.iter().map(|p| p.to_str().unwrap()));
        run(&args)
    };

    let missing = args(&[&parts[0], &parts[2]], &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no partial of shard 2/3"),
        "{}",
        stderr(&missing)
    );

    let twice = args(&[&parts[0], &parts[1], &parts[2], &parts[1]], &[]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(stderr(&twice).contains("is in both"), "{}", stderr(&twice));

    // Grouping by another tag needs rows that kept it: the shards did not.
    let other = args(
        &[&parts[0], &parts[1], &parts[2]],
        &["--group-by", "tag:team"],
    );
    assert_eq!(other.status.code(), Some(2));
    assert!(stderr(&other).contains("tags kept"), "{}", stderr(&other));

    let bytes = std::fs::read(&parts[1]).unwrap();
    let cut = dir.path().join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() - 8]).unwrap();
    let damaged = args(&[&parts[0], &cut, &parts[2]], &[]);
    assert_eq!(damaged.status.code(), Some(2));
    assert!(
        stderr(&damaged).contains("truncated or corrupt"),
        "{}",
        stderr(&damaged)
    );

    // A partial of the previous format (3, before frames had checksums): named as such.
    let magic = b"llm-audit partial\n";
    assert!(bytes.starts_with(magic));
    let frames = zstd::decode_all(&bytes[magic.len()..]).unwrap();
    let rewrite = |frames: &[u8], name: &str| {
        let mut file = magic.to_vec();
        file.extend(zstd::encode_all(frames, 0).unwrap());
        let path = dir.path().join(name);
        std::fs::write(&path, file).unwrap();
        path
    };
    // The header frame: its 8-byte length, its 8-byte checksum, then the format version.
    let header_len = u64::from_le_bytes(frames[..8].try_into().unwrap()) as usize;
    assert_eq!(frames[16], 6, "the current format");
    let mut old = frames.clone();
    old[16] = 5;
    let checksum = xxhash_rust::xxh3::xxh3_64(&old[16..16 + header_len]);
    old[8..16].copy_from_slice(&checksum.to_le_bytes());
    let older = rewrite(&old, "older.bin");
    let previous = args(&[&parts[0], &older, &parts[2]], &[]);
    assert_eq!(previous.status.code(), Some(2));
    assert!(
        stderr(&previous).contains("incompatible llm-audit (partial format 5, this one reads 6)"),
        "{}",
        stderr(&previous)
    );

    // One flipped byte in any frame after the header: exit 2 naming the file, never a
    // different total or a panic.
    let first_result = 16 + header_len;
    for at in [first_result + 3, first_result + 16 + 5, frames.len() - 20] {
        let mut flipped = frames.clone();
        flipped[at] ^= 0x01;
        let path = rewrite(&flipped, "flipped.bin");
        let out = args(&[&parts[0], &path, &parts[2]], &[]);
        assert_eq!(out.status.code(), Some(2), "byte {at}: {}", stderr(&out));
        assert!(stderr(&out).contains("flipped.bin"), "{}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }

    let report =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs/openai/chat_and_responses.jsonl");
    let foreign = args(&[&report], &[]);
    assert_eq!(foreign.status.code(), Some(2));
    assert!(
        stderr(&foreign).contains("not an llm-audit partial"),
        "{}",
        stderr(&foreign)
    );

    let bad_spec = run(&[
        "analyze",
        "--shard",
        "4/3",
        "--emit-partial",
        "x.bin",
        "fixtures/logs",
    ]);
    assert_eq!(bad_spec.status.code(), Some(2));
    let without_partial = run(&["analyze", "--shard", "1/3", "fixtures/logs"]);
    assert_eq!(without_partial.status.code(), Some(2));
}

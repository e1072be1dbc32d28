//! The history store through the real binary: `history add` over logs that the agents' cleanup
//! later deletes, then `analyze --history` must print the report `analyze` prints over every
//! log the history has seen, byte for byte; adding twice adds nothing; an add killed part way
//! leaves the store as it was; two adds at once do not corrupt it.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: reads the binary's.

#[allow(dead_code)]
#[path = "../examples/genlogs/mod.rs"]
mod genlogs;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use genlogs::{Format, Mix};

/// The binary with a clean environment: no agent data, no store but the one named.
fn llm_audit(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llm-audit"));
    for (name, _) in std::env::vars_os() {
        let upper = name.to_string_lossy().to_ascii_uppercase();
        if upper.starts_with("LLM_AUDIT") || upper.starts_with("XDG_") {
            command.env_remove(name);
        }
    }
    command.env("HOME", home).env("NO_COLOR", "1");
    command
}

fn ok(output: Output) -> Output {
    assert!(
        output.status.success(),
        "exit {:?}; stderr: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn add(home: &Path, store: &Path, paths: &[&Path], machine: &str) -> Output {
    llm_audit(home)
        .args(["history", "add", "-q", "--machine", machine, "--history"])
        .arg(store)
        .args(paths)
        .output()
        .expect("the binary runs")
}

/// `(JSON report, calls CSV)` of `analyze` over `paths`, or over the store with `--history`.
fn report(home: &Path, store: Option<&Path>, paths: &[&Path], extra: &[&str]) -> (String, String) {
    let csv = tempfile::NamedTempFile::new().unwrap();
    let mut command = llm_audit(home);
    command.args(["analyze", "-q", "--format", "json", "--calls-csv"]);
    command.arg(csv.path()).args(extra);
    if let Some(store) = store {
        command.arg(format!("--history={}", store.display()));
        command.args(["--machine", "alpha"]);
    }
    let output = ok(command.args(paths).output().expect("the binary runs"));
    (
        String::from_utf8(output.stdout).unwrap(),
        std::fs::read_to_string(csv.path()).unwrap(),
    )
}

/// Asserts two texts are equal, showing the first line where they differ (reports are long).
#[track_caller]
fn same(got: &str, expected: &str, what: &str) {
    if got == expected {
        return;
    }
    let (got_lines, expected_lines): (Vec<&str>, Vec<&str>) =
        (got.lines().collect(), expected.lines().collect());
    let at = got_lines
        .iter()
        .zip(&expected_lines)
        .position(|(a, b)| a != b)
        .unwrap_or(got_lines.len().min(expected_lines.len()));
    let show = |lines: &[&str]| lines[at.saturating_sub(3)..(at + 3).min(lines.len())].join("\n");
    panic!(
        "{what}: differ at line {} ({} vs {} lines)\n--- got\n{}\n--- expected\n{}",
        at + 1,
        got_lines.len(),
        expected_lines.len(),
        show(&got_lines),
        show(&expected_lines)
    );
}

/// Asserts two `(report, calls)` pairs are equal.
#[track_caller]
fn same_report(got: &(String, String), expected: &(String, String), what: &str) {
    same(&got.0, &expected.0, &format!("{what} (report)"));
    same(&got.1, &expected.1, &format!("{what} (calls CSV)"));
}

/// Every file under `dir` with its size, sorted.
fn listing(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out: Vec<(PathBuf, u64)> = walk(dir)
        .into_iter()
        .map(|path| {
            let size = std::fs::metadata(&path).unwrap().len();
            (path.strip_prefix(dir).unwrap().to_path_buf(), size)
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn status_json(home: &Path, store: &Path) -> serde_json::Value {
    let output = ok(llm_audit(home)
        .args(["history", "status", "--format", "json", "--history"])
        .arg(store)
        .output()
        .unwrap());
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Moves `file` from under `from` to the same place under `to`.
fn move_under(file: &Path, from: &Path, to: &Path) {
    let target = to.join(file.strip_prefix(from).unwrap());
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::rename(file, target).unwrap();
}

/// A fresh temporary folder with an empty home folder in it, and where its store goes (not
/// made yet).
fn workspace() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let store = dir.path().join("store");
    (dir, home, store)
}

#[test]
fn a_history_outlives_the_cleanup_and_reports_what_analyze_reports_over_every_log_seen() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let root = dir.path().join("logs");
    let store = dir.path().join("store");
    let aside = dir.path().join("deleted");
    std::fs::create_dir_all(&home).unwrap();
    // A Claude Code tree and a gateway log.
    let claude = root.join("claude");
    genlogs::generate(Format::ClaudeCode, Mix::Standard, 1_500_000, 1, &claude).unwrap();
    let gateway = root.join("gateway.jsonl");
    genlogs::generate(Format::Openai, Mix::Standard, 150_000, 1, &gateway).unwrap();

    ok(add(&home, &store, &[&root], "alpha"));
    let first = listing(&store);
    let first_report = report(&home, Some(&store), &[], &[]);
    same_report(
        &first_report,
        &report(&home, None, &[&root], &[]),
        "the first addition reports as analyze does",
    );

    // Adding the same logs again adds nothing: no file, no byte, the same report.
    ok(add(&home, &store, &[&root], "alpha"));
    let mut again = listing(&store);
    again.retain(|(path, _)| path != Path::new("lock"));
    let mut first_no_lock = first.clone();
    first_no_lock.retain(|(path, _)| path != Path::new("lock"));
    assert_eq!(
        again, first_no_lock,
        "a second add of the same logs wrote nothing"
    );
    same_report(
        &report(&home, Some(&store), &[], &[]),
        &first_report,
        "added twice",
    );

    // The 30-day cleanup deletes half the sessions.
    let sessions: Vec<PathBuf> = walk(&claude)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    assert!(sessions.len() >= 4, "{} session files", sessions.len());
    for session in sessions.iter().step_by(2) {
        move_under(session, &root, &aside);
    }
    // New sessions arrive in the same tree, and the gateway log grows.
    let fresh = dir.path().join("fresh");
    genlogs::generate(Format::ClaudeCode, Mix::Standard, 200_000, 2, &fresh).unwrap();
    for file in walk(&fresh) {
        let target = claude.join(file.strip_prefix(&fresh).unwrap());
        assert!(
            !target.exists(),
            "a new session reuses a name: {}",
            target.display()
        );
        move_under(&file, &fresh, &claude);
    }
    let more = dir.path().join("more.jsonl");
    genlogs::generate(Format::Openai, Mix::Standard, 50_000, 2, &more).unwrap();
    let mut log = std::fs::read(&gateway).unwrap();
    log.extend(std::fs::read(&more).unwrap());
    std::fs::write(&gateway, log).unwrap();

    ok(add(&home, &store, &[&root], "alpha"));
    // What is left on disk now is less than the history holds.
    let on_disk = report(&home, None, &[&root], &[]).1.lines().count();

    // Every log the history has seen, back in one place: analyze over them is the truth.
    for file in walk(&aside) {
        move_under(&file, &aside, &root);
    }
    let (json, csv) = report(&home, Some(&store), &[], &[]);
    let (expected_json, expected_csv) = report(&home, None, &[&root], &[]);
    same(
        &json,
        &expected_json,
        "analyze --history equals analyze over every log seen",
    );
    same(&csv, &expected_csv, "and so do the calls");
    assert!(
        csv.lines().count() > on_disk,
        "the deleted sessions' calls are kept ({} calls, {on_disk} on disk)",
        csv.lines().count()
    );
    // With groupings and a policy that keeps tags, too.
    let extra = [
        "--group-by",
        "day,session,agent,project",
        "--tag",
        "project=*",
    ];
    let (json, _) = report(&home, Some(&store), &[], &extra);
    same(&json, &report(&home, None, &[&root], &extra).0, "grouped");

    let status = status_json(&home, &store);
    let calls = status["calls"].as_u64().unwrap();
    assert!(calls > 100, "{status}");
    assert_eq!(
        status["machines"]["alpha"].as_u64(),
        status["sources"].as_u64()
    );
    assert_eq!(
        status["agents"]["claude-code"].as_u64().map(|n| n > 0),
        Some(true)
    );
}

#[test]
fn an_add_killed_before_its_commit_leaves_the_store_as_it_was() {
    let (dir, home, store) = workspace();
    let old = dir.path().join("old.jsonl");
    let new = dir.path().join("new.jsonl");
    genlogs::generate(Format::Openai, Mix::Standard, 60_000, 3, &old).unwrap();
    genlogs::generate(Format::Openai, Mix::Standard, 60_000, 4, &new).unwrap();
    ok(add(&home, &store, &[&old], "alpha"));
    let before = (
        status_json(&home, &store),
        report(&home, Some(&store), &[], &[]),
    );

    let killed = llm_audit(&home)
        .env("LLM_AUDIT_TEST_ABORT", "history-before-commit")
        .args(["history", "add", "-q", "--machine", "alpha", "--history"])
        .arg(&store)
        .arg(&new)
        .output()
        .unwrap();
    assert!(!killed.status.success(), "the add was stopped");
    let mut status = status_json(&home, &store);
    assert!(
        status["leftovers"].as_u64() > Some(0),
        "the killed add left files"
    );
    status["leftovers"] = before.0["leftovers"].clone();
    assert_eq!(status, before.0, "the store holds what it held");
    same_report(
        &report(&home, Some(&store), &[], &[]),
        &before.1,
        "the store reads as before",
    );

    // A real kill at a random moment: the store reads as before or as after, never between.
    let big = dir.path().join("big.jsonl");
    genlogs::generate(Format::Openai, Mix::Standard, 30_000_000, 5, &big).unwrap();
    let mut child = llm_audit(&home)
        .args(["history", "add", "-q", "--machine", "alpha", "--history"])
        .arg(&store)
        .arg(&big)
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(150));
    let _ = child.kill();
    let _ = child.wait();
    let now = report(&home, Some(&store), &[], &[]);
    // (The history reads its sources in path order: big.jsonl, then old.jsonl.)
    let after = report(&home, None, &[&big, &old], &[]);
    assert!(
        now == before.1 || now == after,
        "the store is as before or as after"
    );

    // And the next add completes what was killed.
    ok(add(&home, &store, &[&new, &big], "alpha"));
    ok(add(&home, &store, &[&old], "alpha"));
    same(
        &report(&home, Some(&store), &[], &[]).1,
        &report(&home, None, &[&big, &new, &old], &[]).1,
        "the killed add completed",
    );
}

#[test]
fn two_adds_at_once_commit_once_and_machines_group_apart() {
    let (dir, home, store) = workspace();
    let logs = dir.path().join("logs");
    genlogs::generate(Format::ClaudeCode, Mix::Standard, 300_000, 6, &logs).unwrap();
    let spawn = || {
        llm_audit(&home)
            .args(["history", "add", "-q", "--machine", "alpha", "--history"])
            .arg(&store)
            .arg(&logs)
            .spawn()
            .unwrap()
    };
    let (mut one, mut two) = (spawn(), spawn());
    assert!(one.wait().unwrap().success() && two.wait().unwrap().success());
    let commits = std::fs::read_dir(store.join("additions")).unwrap().count();
    assert_eq!(commits, 1, "the second add found everything stored");
    same_report(
        &report(&home, Some(&store), &[], &[]),
        &report(&home, None, &[&logs], &[]),
        "after two adds at once",
    );

    // A second machine's logs: `--group-by machine` splits the calls as they were read.
    let other = dir.path().join("other.jsonl");
    genlogs::generate(Format::Openai, Mix::Standard, 80_000, 7, &other).unwrap();
    ok(add(&home, &store, &[&other], "beta"));
    let (json, _) = report(&home, Some(&store), &[], &["--group-by", "machine"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let calls_of = |paths: &[&Path]| -> u64 {
        let (json, _) = self::report(&home, None, paths, &[]);
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        value["calls"].as_u64().unwrap()
    };
    let groups = report["groups"]
        .as_array()
        .and_then(|all| all.iter().find(|g| g["by"] == "machine"))
        .and_then(|g| g["groups"].as_array())
        .unwrap_or_else(|| panic!("no machine grouping in {}", &json[..json.len().min(2000)]));
    let by_name = |name: &str| {
        groups
            .iter()
            .find(|g| g["key"] == name)
            .and_then(|g| g["calls"].as_u64())
    };
    assert_eq!(by_name("alpha"), Some(calls_of(&[&logs])));
    assert_eq!(by_name("beta"), Some(calls_of(&[&other])));
    assert_eq!(groups.len(), 2);
}

/// Copies the folder `from` to `to`.
fn copy_tree(from: &Path, to: &Path) {
    for file in walk(from) {
        let target = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, target).unwrap();
    }
}

fn skipped_total(report: &serde_json::Value) -> u64 {
    report["skipped"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum()
}

#[test]
fn compact_changes_no_report_and_forget_drops_old_months_with_the_counts_balanced() {
    let (dir, home, store) = workspace();
    let root = dir.path().join("logs");
    // The log fixtures: many formats, calls over several months, some without a time.
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs"),
        &root,
    );
    ok(add(&home, &store, &[&root], "alpha"));
    // A log that grew (its new reading replaces the old one) and an add killed before its
    // commit: both leave files that no longer count.
    let grown = root.join("litellm/spend_logs.jsonl");
    let mut text = std::fs::read(&grown).unwrap();
    text.extend_from_slice(b"\n");
    std::fs::write(&grown, text).unwrap();
    ok(add(&home, &store, &[&root], "alpha"));
    let killed = llm_audit(&home)
        .env("LLM_AUDIT_TEST_ABORT", "history-before-commit")
        .args(["history", "add", "-q", "--history"])
        .arg(&store)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed"))
        .output()
        .unwrap();
    assert!(!killed.status.success());
    let before = status_json(&home, &store);
    assert!(before["leftovers"].as_u64() > Some(0), "{before}");
    let report_before = report(&home, Some(&store), &[], &[]);

    ok(llm_audit(&home)
        .args(["history", "compact", "--history"])
        .arg(&store)
        .output()
        .unwrap());
    same_report(
        &report(&home, Some(&store), &[], &[]),
        &report_before,
        "compact changes no report",
    );
    let after = status_json(&home, &store);
    assert_eq!(after["leftovers"], 0, "{after}");
    assert_eq!(after["commits"], 1, "{after}");
    assert_eq!(after["calls"], before["calls"]);
    let months = after["months"].as_object().unwrap();
    assert!(months.len() >= 3, "{after}");
    for month in months.keys() {
        let files = std::fs::read_dir(store.join("calls").join(format!("month={month}")))
            .unwrap()
            .count();
        assert_eq!(files, 1, "one file for {month}");
    }
    same_report(
        &report(&home, Some(&store), &[], &[]),
        &report(&home, None, &[&root], &[]),
        "the compacted store reports as analyze",
    );

    // Forget the oldest months: their calls leave the totals and are counted as filtered.
    let oldest = months.keys().next().unwrap().clone();
    let cut = months.keys().nth(1).unwrap().clone();
    ok(llm_audit(&home)
        .args([
            "history",
            "forget",
            "--before",
            &format!("{cut}-01"),
            "--history",
        ])
        .arg(&store)
        .output()
        .unwrap());
    let forgotten = status_json(&home, &store);
    assert!(forgotten["months"].get(&oldest).is_none(), "{forgotten}");
    assert_eq!(forgotten["forgotten_before"], cut.as_str());
    let old_month = store.join("calls").join(format!("month={oldest}"));
    assert!(
        !old_month.exists() || walk(&old_month).is_empty(),
        "the forgotten month's files are removed"
    );
    let gone = months[&oldest].as_u64().unwrap();
    let old: serde_json::Value = serde_json::from_str(&report_before.0).unwrap();
    let new: serde_json::Value =
        serde_json::from_str(&report(&home, Some(&store), &[], &[]).0).unwrap();
    assert_eq!(
        new["records"], old["records"],
        "every record is still accounted for"
    );
    assert!(new["calls"].as_u64().unwrap() + gone >= old["calls"].as_u64().unwrap());
    assert!(new["calls"].as_u64() < old["calls"].as_u64());
    assert_eq!(
        new["calls"].as_u64().unwrap() + skipped_total(&new),
        old["calls"].as_u64().unwrap() + skipped_total(&old),
        "the calls forgotten are counted as skipped"
    );
}

#[test]
fn since_reads_only_the_months_it_needs_and_keeps_the_totals() {
    let (_dir, home, store) = workspace();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs");
    ok(add(&home, &store, &[&root], "alpha"));
    let months: Vec<String> = status_json(&home, &store)["months"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|m| *m != "none")
        .cloned()
        .collect();
    let since = format!("{}-01", months[months.len() / 2]);
    // A month far from the window, made unreadable: `--since` must not open it.
    let early = store.join("calls").join(format!("month={}", months[0]));
    for file in walk(&early) {
        std::fs::write(file, b"not parquet").unwrap();
    }
    let flags = ["--since", since.as_str()];
    let (got, _) = report(&home, Some(&store), &[], &flags);
    let (expected, _) = report(&home, None, &[&root], &flags);
    let strip = |text: &str| {
        let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
        value["inputs"] = serde_json::Value::Null;
        value["skipped"] = serde_json::Value::Null;
        value
    };
    assert_eq!(
        strip(&got),
        strip(&expected),
        "the window's report is analyze --since's"
    );
    let (got, expected): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&got).unwrap(),
        serde_json::from_str(&expected).unwrap(),
    );
    assert_eq!(
        got["calls"].as_u64().unwrap() + skipped_total(&got),
        expected["calls"].as_u64().unwrap() + skipped_total(&expected),
        "every record still accounted for"
    );
    // Without the window, the broken month is an error naming it.
    let output = llm_audit(&home)
        .args(["analyze", "-q", "--format", "json"])
        .arg(format!("--history={}", store.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("month={}", months[0])), "{stderr}");
}

#[test]
fn calls_of_a_log_truncated_in_place_are_kept_apart() {
    let (dir, home, store) = workspace();
    let log = dir.path().join("gateway.jsonl");
    genlogs::generate(Format::Openai, Mix::Standard, 60_000, 8, &log).unwrap();
    let whole = std::fs::read_to_string(&log).unwrap();
    let before = report(&home, None, &[&log], &[]);
    ok(add(&home, &store, &[&log], "alpha"));
    // The gateway rotates in place: the file now holds only its last lines, and one new.
    let lines: Vec<&str> = whole.lines().collect();
    assert!(lines.len() >= 4, "{} lines", lines.len());
    let kept = lines[lines.len() / 2..].join("\n") + "\n";
    std::fs::write(&log, &kept).unwrap();
    ok(add(&home, &store, &[&log], "alpha"));

    let status = status_json(&home, &store);
    let live = status["live"].as_array().unwrap();
    assert_eq!(live.len(), 2, "{status}");
    let residual = live
        .iter()
        .find(|r| r["source"].as_str().unwrap().contains("(before "))
        .expect("a reading of the lost calls");
    let current = live
        .iter()
        .find(|r| !r["source"].as_str().unwrap().contains("(before "))
        .expect("the file as it is now");
    let calls_before: serde_json::Value = serde_json::from_str(&before.0).unwrap();
    let (lost, now) = (
        residual["calls"].as_u64().unwrap(),
        current["calls"].as_u64().unwrap(),
    );
    assert!(lost > 0 && now > 0, "{status}");
    assert_eq!(Some(lost + now), calls_before["calls"].as_u64(), "{status}");
    // Every call the history saw is still reported, once.
    let (json, _) = report(&home, Some(&store), &[], &[]);
    let (got, expected): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&json).unwrap(),
        serde_json::from_str(&before.0).unwrap(),
    );
    assert_eq!(got["calls"], expected["calls"]);
    assert_eq!(
        got["baseline"]["cost_usd_exact"],
        expected["baseline"]["cost_usd_exact"]
    );
}

#[test]
fn a_missing_store_stdin_and_an_output_over_the_store_are_errors() {
    let (_dir, home, store) = workspace();
    // No history there yet: an error naming the folder, not an empty report.
    let output = llm_audit(&home)
        .args(["analyze", "-q"])
        .arg(format!("--history={}", store.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no history at") && stderr.contains("store"),
        "{stderr}"
    );
    // Stdin cannot be read again: it is not stored.
    let output = llm_audit(&home)
        .args(["history", "add", "-q", "--history"])
        .arg(&store)
        .arg("-")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    // A report written over one of the store's files is refused, and the file is kept.
    let log = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs/openai");
    ok(add(&home, &store, &[&log], "alpha"));
    let data = walk(&store.join("calls"))[0].clone();
    let bytes = std::fs::read(&data).unwrap();
    let output = llm_audit(&home)
        .args(["analyze", "-q", "--calls-csv"])
        .arg(&data)
        .arg(format!("--history={}", store.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(
        std::fs::read(&data).unwrap(),
        bytes,
        "the stored file is untouched"
    );
}

#[test]
fn every_agents_data_added_without_a_path_reports_as_analyze_without_a_path() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    // A home folder where every coding agent llm-audit reads has left its data.
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/home"),
        &home,
    );
    let added = ok(llm_audit(&home)
        .args(["history", "add", "-q", "--machine", "alpha"])
        .output()
        .unwrap());
    let said = String::from_utf8_lossy(&added.stderr);
    let store = home.join(".local/share/llm-audit/history");
    assert!(store.join("STORE").is_file(), "the default store: {said}");
    let status = status_json(&home, &store);
    assert!(
        status["agents"].as_object().unwrap().len() >= 10,
        "{status}"
    );
    // `analyze` without a path reads the agents' files in their registry's order; the
    // history reads its readings in the same order, so the reports are the same, byte for byte.
    same_report(
        &report(&home, Some(&store), &[], &[]),
        &report(&home, None, &[], &[]),
        "the agents' data, from the history and as found",
    );
}

#[test]
fn logs_named_beside_the_history_join_it_and_replace_their_stored_reading() {
    let (dir, home, store) = workspace();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs");
    let (stored, new) = (dir.path().join("a"), dir.path().join("b"));
    copy_tree(&fixtures.join("openai"), &stored);
    copy_tree(&fixtures.join("anthropic"), &new);
    copy_tree(&fixtures.join("litellm"), &new.join("litellm"));
    ok(add(&home, &store, &[&stored], "alpha"));
    let both = report(&home, None, &[&stored, &new], &[]);
    // Logs not added yet join the stored calls.
    same_report(
        &report(&home, Some(&store), &[&new], &[]),
        &both,
        "the history and new logs",
    );
    // A stored log named again is read from disk, once, not stored and read.
    same_report(
        &report(&home, Some(&store), &[&new, &stored], &[]),
        &both,
        "a stored log named again",
    );
    // Named in another order, the sources still come in the history's order.
    same_report(
        &report(&home, Some(&store), &[&stored, &new], &[]),
        &both,
        "named in the other order",
    );
}

#[test]
fn status_says_in_words_what_the_store_holds() {
    let (_dir, home, store) = workspace();
    let logs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs");
    ok(add(
        &home,
        &store,
        &[&logs.join("claude-code"), &logs.join("openai")],
        "alpha",
    ));
    let output = ok(llm_audit(&home)
        .args(["history", "status", "--history"])
        .arg(&store)
        .output()
        .unwrap());
    let table = String::from_utf8(output.stdout).unwrap();
    let json = status_json(&home, &store);
    let line = |label: &str| {
        table
            .lines()
            .find(|line| line.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no `{label}` line in\n{table}"))
            .to_string()
    };
    assert!(line("History store").ends_with(&store.display().to_string()));
    assert!(
        line("calls").contains(&json["calls"].to_string()),
        "{table}"
    );
    let days = line("days");
    assert!(
        days.contains(json["first_day"].as_str().unwrap())
            && days.contains(json["last_day"].as_str().unwrap()),
        "{table}"
    );
    assert!(
        line("sources").contains(&json["sources"].to_string()),
        "{table}"
    );
    assert!(line("agents").contains("claude-code (3)"), "{table}");
    assert!(
        line("machines").contains(&format!("alpha ({})", json["sources"])),
        "{table}"
    );
    assert!(line("files").contains("in 1 commit,"), "{table}");
    assert!(!table.contains("leftovers"), "{table}");
}

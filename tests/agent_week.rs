//! Replay on agent traffic, on a generated week of gateway logs (`examples/genweek.rs`): a
//! coding agent on Claude Sonnet 4.5 re-sends its growing conversation every step, uncached.
//! The `prompt-cache` replay must find most of what caching each step's history would save
//! (the generator works that figure out itself, from what it knows of every step), and the same
//! week logged redacted must prove no repeats.

#![allow(clippy::disallowed_macros, clippy::disallowed_methods)] // Not a report: reads the binary's.

#[allow(dead_code)]
#[path = "../examples/genweek.rs"]
mod genweek;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A week of about this many calls (a third of them the agent's).
const CALLS: usize = 1500;

/// `analyze --format json` of `log` replaying `policies`, grouped by feature.
fn analyze(log: &Path, policies: &[&str]) -> Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llm-audit"));
    command.args(["analyze", "-q", "--format", "json", "--group-by", "feature"]);
    for policy in policies {
        command.args(["--policy", policy]);
    }
    let output = command.arg(log).output().expect("run llm-audit");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the report is JSON")
}

fn policy<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no policy {name}"))
}

/// A policy's part for one feature.
fn feature<'a>(policy: &'a Value, key: &str) -> &'a Value {
    policy["by_group"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["by"] == "feature")
        .expect("savings by feature")["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == key)
        .unwrap_or_else(|| panic!("no feature {key}"))
}

fn f64_of(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

#[test]
fn prompt_caching_finds_most_of_what_caching_each_agent_step_saves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("week.jsonl");
    let log = genweek::generate(1, CALLS);
    // Every billed agent attempt reading its previous attempt's whole prompt within 5 minutes
    // and writing the rest at Sonnet 4.5's $3.75/M (reads at $0.30/M, input $3/M), worked out
    // by the generator from the steps it wrote.
    let ideal = log.stats.history_cache_saving;
    assert!(
        ideal > 5.0,
        "the week's agent history is worth caching: ${ideal}"
    );
    genweek::write(&log, &path).unwrap();
    let report = analyze(&path, &["prompt-cache"]);
    let cache = policy(&report, "prompt-cache");
    let agent = feature(cache, "code-agent");
    let found = f64_of(&agent["risk_free_savings_usd"]);
    assert!(
        found >= 0.8 * ideal && found <= 1.05 * ideal,
        "the replay saves ${found:.2} on the agent, caching each step's history ${ideal:.2}"
    );
    // Caching changes no answer, and the agent's calls are far more cached than as logged.
    assert_eq!(f64_of(&cache["risky_savings_usd"]), 0.0);
    let logged_rate = report["by_model"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"].as_str().unwrap().starts_with("claude-sonnet-4-5"))
        .map(|m| f64_of(&m["cache_hit_rate_pct"]))
        .unwrap();
    assert!(f64_of(&agent["prompt_cache_hit_rate_pct"]) > logged_rate + 30.0);
    // The text was logged: nothing was estimated.
    assert_eq!(f64_of(&cache["estimated_savings_usd"]), 0.0);
    // The waste finding prices the same history.
    let history = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "uncached_history")
        .expect("a history finding");
    assert!(f64_of(&history["impact_usd"]) >= 0.8 * ideal);

    // Every failed attempt the generator wrote is a failure of the report; those without usage
    // are skipped records, not calls.
    let stats = &log.stats;
    assert!(stats.failed_without_usage > 0);
    assert_eq!(
        report["failures"]["calls"],
        stats.failed_with_usage + stats.failed_without_usage
    );
    assert_eq!(
        report["skipped"]["provider error, no usage"],
        stats.failed_without_usage
    );
    let with_usage: u64 = report["failures"]["by_cause"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["calls_with_usage"].as_u64().unwrap())
        .sum();
    assert_eq!(with_usage, stats.failed_with_usage);
}

#[test]
fn a_redacted_week_proves_no_repeat_and_estimates_history_caching_from_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("week.jsonl");
    let redacted = dir.path().join("redacted.jsonl");
    let mut log = genweek::generate(1, CALLS);
    genweek::write(&log, &plain).unwrap();
    genweek::redact(&mut log);
    genweek::write(&log, &redacted).unwrap();
    let policies = ["response-cache", "prompt-cache"];
    // With the text, the week's double clicks and re-delivered webhooks are repeats...
    let with_text = analyze(&plain, &policies);
    assert!(f64_of(&policy(&with_text, "response-cache")["savings_usd"]) > 0.0);
    // ...redacted, every request reads the same placeholder, which proves nothing.
    let report = analyze(&redacted, &policies);
    let calls = report["calls"].as_u64().unwrap();
    assert_eq!(report["baseline"]["calls_redacted"].as_u64(), Some(calls));
    assert_eq!(
        report["baseline"]["calls_not_checked_for_repeats"].as_u64(),
        Some(calls)
    );
    let response_cache = policy(&report, "response-cache");
    assert_eq!(f64_of(&response_cache["savings_usd"]), 0.0);
    assert_eq!(response_cache["actions"]["response_cache_hits"], 0);
    let kinds: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(!kinds.contains(&"duplicate_request"), "{kinds:?}");
    assert!(!kinds.contains(&"truncated_reask"), "{kinds:?}");
    // The agent's sessions still grow step by step: prompt caching is estimated from that,
    // and labelled an estimate.
    let cache = policy(&report, "prompt-cache");
    let estimated = f64_of(&cache["estimated_savings_usd"]);
    assert!(estimated > 0.0);
    assert!(estimated <= f64_of(&cache["risk_free_savings_usd"]) + 1e-9);
    let ideal = log.stats.history_cache_saving;
    let agent = f64_of(&feature(cache, "code-agent")["risk_free_savings_usd"]);
    assert!(
        agent >= 0.8 * ideal && agent <= 1.05 * ideal,
        "estimated ${agent:.2} against ${ideal:.2}"
    );
    // The headline says why.
    let screen = Command::new(env!("CARGO_BIN_EXE_llm-audit"))
        .args(["analyze", "-q", "--summary"])
        .arg(&redacted)
        .output()
        .unwrap();
    let screen = String::from_utf8(screen.stdout).unwrap();
    assert!(screen.contains("redaction placeholder"), "{screen}");
    assert!(!screen.contains("redacted-by-litellm"), "{screen}");
}

//! Helpers the adapters' tests share: take the call or the skip out of an outcome, build token
//! buckets, read a tag, price a record with the embedded catalog, and check that a
//! coding-agent call is classified by its prompt.

use std::path::Path;
use std::sync::OnceLock;

use crate::classify::{Reason, Task, classify};
use crate::ingest::{
    FileContext, InputFormat, LineOutcome, Parsed, SkipReason, parse_lines, parse_lines_in,
};
use crate::money::Money;
use crate::pricing::{BillingMode, PriceCatalog, call_cost};
use crate::record::{CallRecord, TokenBuckets};

/// Every record of `text`, line by line, in `format`, as the pipeline reads a file.
pub fn parse_text(format: InputFormat, text: &str) -> Vec<Parsed> {
    let lines: Vec<&[u8]> = text.lines().map(str::as_bytes).collect();
    parse_lines(format, &lines)
}

/// Every record of the file at `path` in `format`; its parser gets the path, as the pipeline
/// gives it, to read sibling files.
pub fn parse_file(format: InputFormat, path: &Path) -> Vec<Parsed> {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&[u8]> = text.lines().map(str::as_bytes).collect();
    parse_lines_in(format, &FileContext { path: Some(path) }, &lines)
}

pub fn catalog() -> &'static PriceCatalog {
    static CATALOG: OnceLock<PriceCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| PriceCatalog::embedded().expect("the embedded catalog is valid"))
}

/// The calls among the parsed records, in order.
pub fn calls(parsed: &[Parsed]) -> Vec<&CallRecord> {
    parsed
        .iter()
        .filter_map(|p| match &p.outcome {
            LineOutcome::Call(record) => Some(record.as_ref()),
            _ => None,
        })
        .collect()
}

/// The record's cost at standard (non-batch) rates; `None` for a model the catalog lacks.
pub fn priced(record: &CallRecord) -> Option<Money> {
    let index = catalog().resolve(&record.model, record.timestamp_ms)?;
    Some(call_cost(
        catalog().entry(index),
        &record.tokens,
        BillingMode::default(),
    ))
}

/// The record's cost as an exact decimal string of dollars; panics for an unknown model.
pub fn cost(record: &CallRecord) -> String {
    priced(record)
        .unwrap_or_else(|| panic!("{} is not in the catalog", record.model))
        .to_decimal_string()
}

pub fn call(outcome: &LineOutcome) -> &CallRecord {
    match outcome {
        LineOutcome::Call(record) => record,
        other => panic!("expected a call, got {other:?}"),
    }
}

pub fn skip(outcome: &LineOutcome) -> SkipReason {
    outcome
        .skip_reason()
        .unwrap_or_else(|| panic!("expected a skip, got {outcome:?}"))
}

/// The message of an error outcome.
pub fn error(outcome: &LineOutcome) -> &str {
    match outcome {
        LineOutcome::Error(message) => message,
        other => panic!("expected an error, got {other:?}"),
    }
}

pub fn tokens(
    input: u64,
    cache_read: u64,
    cache_write_5m: u64,
    cache_write_1h: u64,
    output: u64,
    reasoning: u64,
) -> TokenBuckets {
    TokenBuckets {
        input,
        cache_read,
        cache_write_5m,
        cache_write_1h,
        output,
        reasoning,
    }
}

/// The first value of the tag `key`.
pub fn tag<'r>(record: &'r CallRecord, key: &str) -> Option<&'r str> {
    tags(record, key).first().copied()
}

/// Gives `record` the text and prefixes of a request holding one user turn, `user`, as an
/// adapter reading it would.
pub fn ask(record: &mut CallRecord, user: &str) {
    let mut prompt = crate::ingest::content::PromptSummary::default();
    let content = serde_json::value::RawValue::from_string(
        serde_json::to_string(user).expect("a string serializes"),
    )
    .expect("a JSON string");
    prompt.add_message(crate::ingest::content::Role::User, Some(&content));
    record.prefix = prompt.prefix();
    record.features.redacted |= prompt.redacted;
    record.text = prompt.text();
}

/// A coding agent's prompt the classifier reads as code.
pub const FIX_TEST_PROMPT: &str = "The Rust test parser::tests::dates fails: `cargo test` says \
    thread 'main' panicked at src/parser.rs:42. Fix the failing test.";

/// A later prompt of the same session, read as translation.
pub const TRANSLATE_PROMPT: &str = "Translate this README to French.";

/// Asserts that `record` is classified by prompt text as `task`, with more confidence than a
/// call without text can have.
pub fn assert_prompt_task(record: &CallRecord, task: Task) {
    let class = classify(record);
    assert_eq!(class.task, task, "{class:?}");
    assert!(class.confidence > 0.5, "{class:?}");
    assert!(!class.reasons.contains(Reason::NoPromptText), "{class:?}");
}

// ---- Outcome tables and lookups (added by the span and provider adapters' clean-up: openinference,
// otel, gemini, …; any adapter's tests may use them) ----

/// One outcome as a short line a test compares: `call <model>`, `skip <reason>`,
/// `failed <cause>`, `error <message>` or `bucket`.
pub fn describe(outcome: &LineOutcome) -> String {
    match outcome {
        LineOutcome::Call(record) => format!("call {}", record.model),
        LineOutcome::Skip(reason) => format!("skip {}", reason.as_str()),
        LineOutcome::Failed(cause) => format!("failed {cause}"),
        LineOutcome::Error(message) => format!("error {message}"),
        LineOutcome::Bucket(_) => "bucket".to_string(),
    }
}

/// Every outcome [described](describe), in the order the parser gave them.
pub fn outcomes(parsed: &[Parsed]) -> Vec<String> {
    parsed.iter().map(|p| describe(&p.outcome)).collect()
}

/// Every outcome [described](describe) with its line, sorted by line and then by description:
/// a parser may emit a record it held back after later lines, and the order it emits them in
/// is not what a test checks.
pub fn by_line(parsed: &[Parsed]) -> Vec<(u64, String)> {
    let mut rows: Vec<(u64, String)> = parsed
        .iter()
        .map(|p| (p.line, describe(&p.outcome)))
        .collect();
    rows.sort();
    rows
}

/// The skips (failures without usage among them) with their lines, in line order.
pub fn skips(parsed: &[Parsed]) -> Vec<(u64, SkipReason)> {
    let mut skips: Vec<(u64, SkipReason)> = parsed
        .iter()
        .filter_map(|p| Some((p.line, p.outcome.skip_reason()?)))
        .collect();
    skips.sort();
    skips
}

/// The first call of `model`; panics if there is none.
pub fn call_of<'p>(parsed: &'p [Parsed], model: &str) -> &'p CallRecord {
    calls(parsed)
        .into_iter()
        .find(|r| r.model == model)
        .unwrap_or_else(|| panic!("no call of {model}"))
}

/// The call from `line`; panics if that line gave none.
pub fn call_at(parsed: &[Parsed], line: u64) -> &CallRecord {
    parsed
        .iter()
        .find_map(|p| match &p.outcome {
            LineOutcome::Call(record) if p.line == line => Some(record.as_ref()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no call at line {line}"))
}

/// Whether `record` carries the tag `key` = `value` (among tags of one key, any).
pub fn has_tag(record: &CallRecord, key: &str, value: &str) -> bool {
    tags(record, key).contains(&value)
}

/// The message of the error a single `line` of `format` gives; panics on any other outcome.
pub fn error_of(format: InputFormat, line: &str) -> String {
    let parsed = parse_lines(format, &[line.as_bytes()]);
    assert_eq!(parsed.len(), 1, "{line}");
    error(&parsed[0].outcome).to_string()
}

/// Asserts a call's exclusive token buckets and its exact cost in dollars at standard rates
/// (see [`cost`]): what most adapter tests check of each call they read.
#[track_caller]
pub fn assert_priced(record: &CallRecord, expected: TokenBuckets, dollars: &str) {
    assert_eq!(record.tokens, expected, "{}", record.model);
    assert_eq!(cost(record), dollars, "{}", record.model);
}

/// Asserts that `record` carries each tag `key` = `value` of `expected` (it may carry more).
#[track_caller]
pub fn assert_tags(record: &CallRecord, expected: &[(&str, &str)]) {
    for (key, value) in expected {
        assert!(
            has_tag(record, key, value),
            "{key}={value} in {:?}",
            record.tags
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Observability and gateway adapters (Langfuse, LangSmith, Helicone, LiteLLM, Bedrock): records
// found by their line, CSV exports read whole, malformed records, the shared reference samples.
// ---------------------------------------------------------------------------------------------

/// The outcome parsed from line `line` (1-based).
pub fn outcome_at(parsed: &[Parsed], line: u64) -> &LineOutcome {
    &parsed
        .iter()
        .find(|p| p.line == line)
        .unwrap_or_else(|| panic!("no outcome for line {line}"))
        .outcome
}

/// Why line `line` was skipped; panics when it was not.
pub fn skip_at(parsed: &[Parsed], line: u64) -> SkipReason {
    skip(outcome_at(parsed, line))
}

/// Every value of the tag `key`, in order.
pub fn tags<'r>(record: &'r CallRecord, key: &str) -> Vec<&'r str> {
    record
        .tags
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Reads a CSV export in `format` the way the pipeline does: the header row first, then each
/// data row.
pub fn parse_csv(format: InputFormat, text: &str) -> (crate::ingest::CsvHeaders, Vec<LineOutcome>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let headers = crate::ingest::CsvHeaders::new(records[0].iter());
    let outcomes = records[1..]
        .iter()
        .map(|record| {
            crate::ingest::parse_csv_row(format, &crate::ingest::CsvRow::new(&headers, record))
        })
        .collect();
    (headers, outcomes)
}

/// Asserts that each of `lines`, read alone in `format`, is one malformed record.
pub fn assert_each_is_error(format: InputFormat, lines: &[&[u8]]) {
    for line in lines {
        let out = parse_lines(format, &[line]);
        assert_eq!(out.len(), 1, "{}", String::from_utf8_lossy(line));
        assert!(
            matches!(out[0].outcome, LineOutcome::Error(_)),
            "{}: {:?}",
            String::from_utf8_lossy(line),
            out[0].outcome
        );
    }
}

/// The shared reference folder, when this checkout sits where it is expected.
pub fn reference_dir() -> Option<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../shared/reference", "../../shared/reference"]
        .iter()
        .map(|rel| root.join(rel))
        .find(|dir| dir.is_dir())
}

/// A file of the shared reference folder, when there is one.
pub fn reference(path: &str) -> Option<String> {
    std::fs::read_to_string(reference_dir()?.join(path)).ok()
}

/// Every sample of the shared reference folder's `formats` and `billing` folders, as (file
/// name, text); none without the folder.
pub fn reference_samples() -> Vec<(String, String)> {
    let Some(dir) = reference_dir() else {
        return Vec::new();
    };
    let mut samples = Vec::new();
    for sub in ["formats", "billing"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            samples.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    samples
}

/// Why each skipped record was skipped, in order.
pub fn skip_reasons(parsed: &[Parsed]) -> Vec<SkipReason> {
    parsed
        .iter()
        .filter_map(|p| p.outcome.skip_reason())
        .collect()
}

// ---- Coding agents' session logs (added by the coding-agent adapters' clean-up: codex,
// gemini_cli, pi, openclaw, kimi, …; any adapter's tests may use them) ----

/// Asserts that `looks_like` claims no line of the shared reference samples of other formats
/// (the `.jsonl` samples whose names do not start with `own`); does nothing where the samples
/// are absent.
pub fn assert_claims_no_other_reference_line(
    own: &str,
    looks_like: fn(&serde_json::Value) -> bool,
) {
    let Some(dir) = crate::ingest::gemini::tests::reference_dir() else {
        return;
    };
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".jsonl") || name.starts_with(own) {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(line) {
                assert!(!looks_like(&value), "{name}: {line}");
            }
        }
    }
}

/// Every item of a JSON array `document` in `format`, as the pipeline reads an array: each item
/// a record, numbered from 1.
pub fn parse_items(format: InputFormat, file: &FileContext<'_>, document: &[u8]) -> Vec<Parsed> {
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(document).unwrap();
    let items: Vec<&[u8]> = items.iter().map(|item| item.get().as_bytes()).collect();
    parse_lines_in(format, file, &items)
}

//! Property tests that fuzz the readers of untrusted bytes, on every build (a bounded number of
//! cases, seeded, so a failure reproduces):
//! - every adapter's line parser, on lines of the bundled fixtures mutated at random (bytes
//!   flipped, cut short, a value replaced by another type or by a canary string): no panic, and
//!   no error message quotes the canary;
//! - the partial reader, on a real partial with bytes flipped or cut: an error or the same
//!   result, never a panic and never other totals.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

use crate::classify::ClassifyRules;
use crate::ingest::{InputFormat, LineOutcome, detect_format, discover_sources, parse_lines};
use crate::pipeline::partial::{Partial, PartialSettings, PartialWriter, merge_partials};
use crate::pipeline::{RowContext, RunOptions, run_selected};
use crate::pricing::PriceCatalog;

const CANARY: &str = "CANARY-fuzz-4e1b";

/// Cases per property: enough to reach every adapter's branches on each build, few enough
/// to keep the test suite fast. Seeded, so a failure reproduces.
const CASES: u32 = 2_000;

fn runner() -> TestRunner {
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]))
}

/// The JSON lines of the bundled fixtures, each with the format detected for its file.
fn fixture_lines() -> Vec<(InputFormat, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let sources = discover_sources(&[root.join("logs"), root.join("billing")]).unwrap();
    let mut lines = Vec::new();
    for source in sources {
        let crate::ingest::InputSource::File(path) = source else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let Some(format) = detect_format(&bytes) else {
            continue;
        };
        for line in bytes.split(|&b| b == b'\n').filter(|l| l.starts_with(b"{")) {
            lines.push((format, line.to_vec()));
        }
    }
    assert!(lines.len() > 100, "fixtures hold lines: {}", lines.len());
    lines
}

/// How a line is mutated.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR a byte at this fraction of the line's length.
    Flip(f64, u8),
    /// Keep this fraction of the line.
    Cut(f64),
    /// Replace the value at the n-th position in the tree by another value.
    Replace(usize, Replacement),
}

#[derive(Debug, Clone)]
enum Replacement {
    Canary,
    CanaryObject,
    Number(f64),
    Huge,
    Negative,
    Null,
    EmptyArray,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let replacement = prop_oneof![
        Just(Replacement::Canary),
        Just(Replacement::CanaryObject),
        any::<f64>().prop_map(Replacement::Number),
        Just(Replacement::Huge),
        Just(Replacement::Negative),
        Just(Replacement::Null),
        Just(Replacement::EmptyArray),
    ];
    prop_oneof![
        (0.0..1.0f64, 1..=255u8).prop_map(|(at, bits)| Mutation::Flip(at, bits)),
        (0.0..1.0f64).prop_map(Mutation::Cut),
        (0..400usize, replacement).prop_map(|(n, r)| Mutation::Replace(n, r)),
    ]
}

/// Replaces the n-th value (depth first, modulo the count) of `value`.
fn replace_nth(value: &mut Value, n: usize, with: &Replacement) {
    fn count(value: &Value) -> usize {
        1 + match value {
            Value::Object(map) => map.values().map(count).sum(),
            Value::Array(items) => items.iter().map(count).sum(),
            _ => 0,
        }
    }
    fn visit(value: &mut Value, n: &mut usize, with: &Replacement) -> bool {
        if *n == 0 {
            *value = match with {
                Replacement::Canary => Value::String(CANARY.into()),
                Replacement::CanaryObject => serde_json::json!({ "text": CANARY, "c": [CANARY] }),
                Replacement::Number(x) => serde_json::json!(x),
                Replacement::Huge => serde_json::json!(u64::MAX),
                Replacement::Negative => serde_json::json!(-1),
                Replacement::Null => Value::Null,
                Replacement::EmptyArray => serde_json::json!([]),
            };
            return true;
        }
        *n -= 1;
        match value {
            Value::Object(map) => map.values_mut().any(|child| visit(child, n, with)),
            Value::Array(items) => items.iter_mut().any(|child| visit(child, n, with)),
            _ => false,
        }
    }
    // The root itself stays an object: the pipeline sends only objects to parsers.
    let total = count(value).max(2) - 1;
    let mut n = 1 + n % total;
    visit(value, &mut n, with);
}

fn mutate(line: &[u8], mutation: &Mutation) -> Vec<u8> {
    match mutation {
        Mutation::Flip(at, bits) => {
            let mut out = line.to_vec();
            let at = ((out.len() as f64 * at) as usize).min(out.len().saturating_sub(1));
            if let Some(byte) = out.get_mut(at) {
                *byte ^= bits;
            }
            out
        }
        Mutation::Cut(keep) => line[..(line.len() as f64 * keep) as usize].to_vec(),
        Mutation::Replace(n, with) => {
            let Ok(mut value) = serde_json::from_slice::<Value>(line) else {
                return line.to_vec();
            };
            replace_nth(&mut value, *n, with);
            serde_json::to_vec(&value).unwrap()
        }
    }
}

#[test]
fn adapters_never_panic_nor_quote_what_they_read() {
    let lines = fixture_lines();
    let mut runner = runner();
    let strategy = (0..lines.len(), mutation(), 0..InputFormat::ALL.len());
    runner
        .run(&strategy, |(index, mutation, other)| {
            let (format, line) = &lines[index];
            let mutated = mutate(line, &mutation);
            // The line's own format, and any other format (a forced or a wrong detection).
            for format in [*format, InputFormat::ALL[other]] {
                let parsed = std::panic::catch_unwind(|| parse_lines(format, &[&mutated]));
                let Ok(parsed) = parsed else {
                    return Err(TestCaseError::fail(format!(
                        "{format} panicked on {}",
                        String::from_utf8_lossy(&mutated)
                    )));
                };
                for outcome in parsed {
                    if let LineOutcome::Error(message) = outcome.outcome {
                        let kept = crate::ingest::redact_values(&message);
                        prop_assert!(!kept.contains("4e1b"), "{format}: {kept}");
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

/// A partial of the bundled logs, and the totals a merge of it gives.
fn fixture_partial() -> (Vec<u8>, PartialSettings, (u64, u64, usize)) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/logs");
    let sources = discover_sources(&[root]).unwrap();
    let catalog = PriceCatalog::embedded().unwrap();
    let rules = ClassifyRules::default();
    let settings = PartialSettings {
        tool_version: "test".into(),
        catalog: catalog.fingerprint(),
        rules: 0,
        input_format: None,
        tag_keys: Vec::new(),
        count_text_tokens: Vec::new(),
    };
    let listing: Vec<String> = sources.iter().map(|s| s.display_name()).collect();
    let processed: Vec<u32> = (0..sources.len() as u32).collect();
    let mut bytes = Vec::new();
    let mut writer =
        PartialWriter::start(&mut bytes, &settings, &listing, None, &processed).unwrap();
    let context = RowContext::plain(&catalog, &rules);
    run_selected(
        &sources,
        context,
        RunOptions::default(),
        |_| true,
        |result| {
            writer.push(&result).unwrap();
        },
    );
    writer.finish().unwrap();
    let totals = merged_totals(bytes.clone(), &settings).unwrap();
    (bytes, settings, totals)
}

/// Records, errors and results of a merge of `bytes`; an error when the partial is refused.
fn merged_totals(bytes: Vec<u8>, settings: &PartialSettings) -> Result<(u64, u64, usize), String> {
    let partial = Partial::open("fuzzed", Box::new(std::io::Cursor::new(bytes)))
        .map_err(|e| e.to_string())?;
    let (_, merge) = merge_partials(vec![partial], settings).map_err(|e| e.to_string())?;
    let (mut records, mut errors, mut results) = (0, 0, 0);
    merge
        .read(|result| {
            let accounting = result.accounting();
            records += accounting.records;
            errors += accounting.errors;
            results += 1;
        })
        .map_err(|e| e.to_string())?;
    Ok((records, errors, results))
}

#[test]
fn the_partial_reader_refuses_damage_and_never_panics() {
    let (bytes, settings, totals) = fixture_partial();
    let mut runner = runner();
    let strategy = (0.0..1.0f64, 1..=255u8, any::<bool>());
    runner
        .run(&strategy, |(at, bits, cut)| {
            let mut damaged = bytes.clone();
            let at = ((damaged.len() as f64 * at) as usize).min(damaged.len() - 1);
            if cut {
                damaged.truncate(at);
            } else {
                damaged[at] ^= bits;
            }
            let merged = std::panic::catch_unwind(|| merged_totals(damaged, &settings));
            match merged {
                Err(_) => Err(TestCaseError::fail(format!("panicked at byte {at}"))),
                // A flip the zstd framing absorbs (its own checksum off) still reads the same.
                Ok(Ok(read)) => {
                    prop_assert_eq!(read, totals, "byte {} changed the totals", at);
                    Ok(())
                }
                Ok(Err(_)) => Ok(()),
            }
        })
        .unwrap();
}

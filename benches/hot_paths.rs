//! Hot paths of `analyze`, one bench group each: line parsing per format, classification,
//! pricing and policy replay, on the crate's fixtures.
//!
//! `cargo bench --bench hot_paths` (one group: `cargo bench --bench hot_paths -- classify`)
//!
//! - `parse/<format>`: every JSON line of `fixtures/logs/<format>/` through that format's
//!   parser (`parse_lines`, so stateful parsers run their `finish` too), in bytes per second.
//!   `parse/openai_labelled` is the 330 prompt-bearing OpenAI lines of `fixtures/classify/`,
//!   the shape of the end-to-end benchmark in BENCHMARKS.md.
//! - `classify/*`: [`classify`] per call on the parsed labelled calls. `repeated` classifies the
//!   same 330 calls every iteration, so the scan memo (system prompts of 256 bytes or more)
//!   serves those after the first iteration; `unique_text` gives every call of every iteration
//!   a text seen nowhere else (a counter is written over its first bytes), so the memo never
//!   hits and the scan runs in full each time; `repeated_system` keeps the system prompts and
//!   makes only the user turns unique, which is what production logs look like.
//! - `price/*`: [`call_cost`] alone, and [`build_row`] (resolve, price, classify, ids).
//! - `replay/<policy>`: each built-in policy replayed over the rows of the labelled calls, on
//!   one rayon worker.
//! - `rows/*`: the run's calls as `Rows` holds them: `encode` writes the labelled calls' rows
//!   and ids, `decode` reads every row back, `time` reads only each row's time (from the head),
//!   per call.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use llm_audit::aggregate::GroupIds;
use llm_audit::classify::{ClassifyRules, classify};
use llm_audit::ingest::{InputFormat, LineOutcome, discover_sources, parse_lines};
use llm_audit::pipeline::{
    CallFlags, CallRow, RowContext, Rows, RunOptions, RunOutput, build_row, run,
};
use llm_audit::policy::{
    BUILTIN_POLICIES, CacheRules, LatencyModels, Priors, ReplayInput, Reuse, Tokenizers,
    load_policy, replay,
};
use llm_audit::pricing::{PriceCatalog, call_cost};
use llm_audit::record::CallRecord;
use llm_audit::risk::{RiskModel, RiskPriors};

/// The crate's root, where the fixtures are.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The non-blank lines of the JSON Lines files under `dir` (recursively), in path order.
fn jsonl_lines(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|path| {
            std::fs::read(path)
                .expect("fixture is readable")
                .split(|b| *b == b'\n')
                .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("fixture folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The labelled calls of `fixtures/classify/`: OpenAI log lines with prompt text, 1–7 KB each.
fn labelled_lines() -> Vec<Vec<u8>> {
    jsonl_lines(&root().join("fixtures/classify"))
}

/// The calls that `lines` parse into.
fn records(format: InputFormat, lines: &[Vec<u8>]) -> Vec<CallRecord> {
    let refs: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    parse_lines(format, &refs)
        .into_iter()
        .filter_map(|p| match p.outcome {
            LineOutcome::Call(record) => Some(*record),
            _ => None,
        })
        .collect()
}

fn bench_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    let mut inputs: Vec<(String, InputFormat, Vec<Vec<u8>>)> = Vec::new();
    inputs.push((
        "openai_labelled".into(),
        InputFormat::Openai,
        labelled_lines(),
    ));
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/logs"))
        .expect("fixtures/logs")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        // Folders are named after the format they hold.
        let Ok(format) = InputFormat::from_str(&name, true) else {
            continue;
        };
        let lines = jsonl_lines(&dir);
        if !lines.is_empty() {
            inputs.push((name, format, lines));
        }
    }
    for (name, format, lines) in &inputs {
        let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        let refs: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &refs, |b, refs| {
            b.iter(|| parse_lines(*format, black_box(refs)))
        });
    }
    group.finish();
}

/// Writes `counter` in decimal over the first bytes of `text` (ASCII digits over ASCII bytes
/// only, so the text stays valid UTF-8), making it a text seen nowhere else.
fn stamp(text: &mut String, counter: u64) {
    if text.len() < 20 || !text.as_bytes()[..20].is_ascii() {
        // Short or non-ASCII at the start: prepend instead (reallocates; rare in the fixture).
        text.insert_str(0, &format!("{counter:020} "));
        return;
    }
    let digits = format!("{counter:020}");
    text.replace_range(..20, &digits);
}

fn bench_classify(c: &mut Criterion) {
    let records = records(InputFormat::Openai, &labelled_lines());
    let text_bytes: u64 = records
        .iter()
        .filter_map(|r| r.text.as_ref())
        .map(|t| (t.system.len() + t.user.len()) as u64)
        .sum();
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.bench_function("repeated", |b| {
        b.iter(|| {
            for record in &records {
                black_box(classify(black_box(record)));
            }
        })
    });
    // Every iteration writes a fresh counter into each text field, so no field is ever seen
    // twice. The stamping itself (a 20-byte overwrite a field) is part of the time.
    let mut unique = records.clone();
    let mut counter = 0u64;
    group.bench_function("unique_text", |b| {
        b.iter(|| {
            for record in &mut unique {
                if let Some(text) = record.text.as_mut() {
                    for field in [&mut text.system, &mut text.user] {
                        if !field.is_empty() {
                            counter += 1;
                            stamp(field, counter);
                        }
                    }
                }
                black_box(classify(black_box(record)));
            }
        })
    });
    let mut users = records.clone();
    group.bench_function("repeated_system", |b| {
        b.iter(|| {
            for record in &mut users {
                if let Some(text) = record.text.as_mut()
                    && !text.user.is_empty()
                {
                    counter += 1;
                    stamp(&mut text.user, counter);
                }
                black_box(classify(black_box(record)));
            }
        })
    });
    group.throughput(Throughput::Bytes(text_bytes));
    group.bench_function("unique_text_bytes", |b| {
        b.iter(|| {
            for record in &mut unique {
                if let Some(text) = record.text.as_mut() {
                    for field in [&mut text.system, &mut text.user] {
                        if !field.is_empty() {
                            counter += 1;
                            stamp(field, counter);
                        }
                    }
                }
                black_box(classify(black_box(record)));
            }
        })
    });
    group.finish();
}

fn bench_price(c: &mut Criterion) {
    let catalog = PriceCatalog::embedded().expect("catalog");
    let mut records = records(InputFormat::Openai, &labelled_lines());
    for format in [InputFormat::Anthropic, InputFormat::ClaudeCode] {
        let dir = root().join("fixtures/logs").join(format.name());
        records.extend(self::records(format, &jsonl_lines(&dir)));
    }
    let priced: Vec<_> = records
        .iter()
        .filter_map(|r| {
            let index = catalog.resolve(&r.model, r.timestamp_ms)?;
            Some((index, r.tokens, CallFlags::of(r).billing(r.timestamp_ms)))
        })
        .collect();
    let mut group = c.benchmark_group("price");
    group.throughput(Throughput::Elements(priced.len() as u64));
    group.bench_function("call_cost", |b| {
        b.iter(|| {
            for (index, tokens, mode) in &priced {
                black_box(call_cost(catalog.entry(*index), tokens, *mode));
            }
        })
    });
    group.throughput(Throughput::Elements(records.len() as u64));
    group.bench_function("resolve", |b| {
        b.iter(|| {
            for r in &records {
                black_box(catalog.resolve(black_box(&r.model), r.timestamp_ms));
            }
        })
    });
    group.bench_function("build_row", |b| {
        b.iter(|| {
            for r in &records {
                black_box(build_row(black_box(r), 0, 1, 0, &catalog));
            }
        })
    });
    group.finish();
}

/// The pipeline's run over the labelled calls of `fixtures/classify/`.
fn labelled_run(catalog: &PriceCatalog) -> RunOutput {
    let rules = ClassifyRules::default();
    let sources = discover_sources(&[root().join("fixtures/classify")]).expect("fixtures");
    run(
        &sources,
        RowContext::plain(catalog, &rules),
        RunOptions::default(),
    )
}

fn bench_replay(c: &mut Criterion) {
    let catalog = PriceCatalog::embedded().expect("catalog");
    let output = labelled_run(&catalog);
    let priors = Priors::embedded().expect("priors");
    let risk = RiskModel::prior(RiskPriors::embedded().expect("risk priors"));
    let tokenizers = Tokenizers::embedded().expect("tokenizers");
    let latency = LatencyModels::fit(output.rows.iter(), &catalog, &priors);
    let input = ReplayInput {
        run: &output,
        catalog: &catalog,
        priors: &priors,
        risk: &risk,
        latency: &latency,
        tokenizers: &tokenizers,
        groups: &GroupIds::default(),
        reuse: &Reuse::of(&output.rows),
        cache_rules: &CacheRules::new(&catalog),
    };
    // One worker, so that the numbers measure the replay and not how the cores are shared.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(output.rows.len() as u64));
    for (name, _) in BUILTIN_POLICIES {
        let policy = load_policy(name, &catalog).expect("built-in policy");
        group.bench_function(name, |b| {
            b.iter(|| pool.install(|| black_box(replay(&policy, &input))))
        });
    }
    group.finish();
}

fn bench_rows(c: &mut Criterion) {
    let catalog = PriceCatalog::embedded().expect("catalog");
    let rows = labelled_run(&catalog).rows;
    let entries: Vec<(CallRow, String)> = (0..rows.len())
        .map(|index| (rows.get(index), rows.call_id(index).to_string()))
        .collect();
    let mut group = c.benchmark_group("rows");
    group.throughput(Throughput::Elements(rows.len() as u64));
    group.bench_function("encode", |b| {
        b.iter(|| black_box(entries.iter().map(|(row, id)| (*row, id)).collect::<Rows>()))
    });
    group.bench_function("decode", |b| {
        b.iter(|| {
            for row in black_box(&rows).iter() {
                black_box(row);
            }
        })
    });
    group.bench_function("time", |b| {
        b.iter(|| {
            for index in 0..rows.len() {
                black_box(black_box(&rows).timestamp_ms(index));
            }
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_parse,
    bench_classify,
    bench_price,
    bench_replay,
    bench_rows
);

/// Runs one workload [`ONCE_ROUNDS`] times without criterion, for counting its instructions
/// under callgrind (reproducible where wall time is not):
/// `HOT_PATHS_ONCE=classify_unique valgrind --tool=callgrind <bench binary>`, then read the
/// inclusive count of the function named in [`once`]'s table.
fn once(workload: &str) {
    let lines = labelled_lines();
    match workload {
        // Inclusive cost to read: `llm_audit::ingest::parse_lines`.
        "parse_openai" => {
            let refs: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
            for _ in 0..ONCE_ROUNDS {
                black_box(parse_lines(InputFormat::Openai, black_box(&refs)));
            }
        }
        // Inclusive cost to read: `llm_audit::classify::classify`.
        "classify_unique" | "classify_repeated" => {
            let mut records = records(InputFormat::Openai, &lines);
            let mut counter = 0u64;
            for _ in 0..ONCE_ROUNDS {
                for record in &mut records {
                    if workload == "classify_unique"
                        && let Some(text) = record.text.as_mut()
                    {
                        for field in [&mut text.system, &mut text.user] {
                            if !field.is_empty() {
                                counter += 1;
                                stamp(field, counter);
                            }
                        }
                    }
                    black_box(classify(black_box(record)));
                }
            }
        }
        other => {
            panic!("unknown workload {other}: parse_openai, classify_unique, classify_repeated")
        }
    }
}

/// Rounds of a [`once`] workload: 330 calls a round.
const ONCE_ROUNDS: usize = 20;

fn main() {
    if let Ok(workload) = std::env::var("HOT_PATHS_ONCE") {
        once(&workload);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

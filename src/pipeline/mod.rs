//! The parsing pipeline: a reader thread cuts every source into chunks of whole lines; rayon
//! workers parse, price and classify each chunk; results are put back in input order, so the
//! outcome never depends on the number of threads.

mod accounting;
mod chunks;
mod row;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::sync_channel;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::iter::{ParallelBridge, ParallelIterator};

pub use accounting::{Accounting, ERROR_SAMPLES, LineError};
pub use chunks::{CHUNK_BYTES, Chunk, ChunkReader};
pub use row::{CallFlags, CallRow};

use crate::classify::classify;
use crate::ingest::wire_hash;
use crate::ingest::{
    InputFormat, InputSource, LineOutcome, SkipReason, detect_format, open_source, parse_line,
};
use crate::pricing::{BillingMode, PriceCatalog, call_cost};
use crate::record::CallRecord;

/// What the pipeline needs besides its inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Read every file as this format instead of detecting it.
    pub forced_format: Option<InputFormat>,
    /// Draw a progress bar on stderr (it hides itself when stderr is not a terminal).
    pub progress: bool,
}

/// What one source contributed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceSummary {
    pub name: String,
    /// `None` when the file was empty or no adapter recognised it.
    pub format: Option<InputFormat>,
    pub accounting: Accounting,
}

/// Everything the pipeline produced, in input order.
#[derive(Debug, Default)]
pub struct RunOutput {
    pub sources: Vec<SourceSummary>,
    pub accounting: Accounting,
    /// Model names as the logs wrote them; rows refer to them by index.
    pub models: Vec<String>,
    pub rows: Vec<CallRow>,
}

enum Work {
    Chunk(Chunk, Option<InputFormat>),
    ReadError {
        source: u32,
        line: u64,
        message: String,
    },
}

struct ChunkResult {
    source: u32,
    seq: u32,
    format: Option<InputFormat>,
    accounting: Accounting,
    models: Vec<String>,
    rows: Vec<CallRow>,
}

/// The message for lines of a file no adapter recognised.
fn unknown_format_message() -> String {
    let tried: Vec<&str> = InputFormat::ALL.iter().map(|f| f.name()).collect();
    format!(
        "unrecognised log format (tried {}); pass --input-format to force one",
        tried.join(", ")
    )
}

/// Reads, parses, prices and classifies every line of `sources`.
pub fn run(sources: &[InputSource], catalog: &PriceCatalog, options: RunOptions) -> RunOutput {
    let bar = options.progress.then(|| progress_bar(sources));
    let queue_depth = 2 * rayon::current_num_threads();
    let (sender, receiver) = sync_channel::<Work>(queue_depth);
    let reader_sources = sources.to_vec();
    let reader_bar = bar.clone();
    let reader = std::thread::spawn(move || {
        for (index, source) in reader_sources.iter().enumerate() {
            if !read_source(
                index as u32,
                source,
                options.forced_format,
                reader_bar.as_ref(),
                &sender,
            ) {
                return;
            }
        }
    });
    let mut results: Vec<ChunkResult> = receiver
        .into_iter()
        .par_bridge()
        .map(|work| process(work, catalog))
        .collect();
    // The reader only ends early when the receiving side is gone, which cannot happen here.
    let _ = reader.join();
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    results.sort_by_key(|r| (r.source, r.seq));
    assemble(sources, results)
}

fn progress_bar(sources: &[InputSource]) -> ProgressBar {
    let total: u64 = sources.iter().map(InputSource::size_hint).sum();
    let bar = ProgressBar::new(total);
    let style =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Sends one source's chunks; returns false when the workers have gone away.
fn read_source(
    index: u32,
    source: &InputSource,
    forced: Option<InputFormat>,
    bar: Option<&ProgressBar>,
    sender: &std::sync::mpsc::SyncSender<Work>,
) -> bool {
    let stream = match open_source(source, bar) {
        Ok(stream) => stream,
        Err(err) => {
            let message = format!("cannot read: {err}");
            return sender
                .send(Work::ReadError {
                    source: index,
                    line: 0,
                    message,
                })
                .is_ok();
        }
    };
    let mut reader = ChunkReader::new(stream, index);
    let mut format = forced;
    loop {
        match reader.next_chunk() {
            Ok(Some(chunk)) => {
                if chunk.seq == 0 && format.is_none() {
                    format = detect_format(&chunk.bytes);
                }
                if sender.send(Work::Chunk(chunk, format)).is_err() {
                    return false;
                }
            }
            Ok(None) => return true,
            Err(err) => {
                let line = reader.next_line();
                let message = format!("read error: {err}");
                return sender
                    .send(Work::ReadError {
                        source: index,
                        line,
                        message,
                    })
                    .is_ok();
            }
        }
    }
}

fn process(work: Work, catalog: &PriceCatalog) -> ChunkResult {
    let (chunk, format) = match work {
        Work::Chunk(chunk, format) => (chunk, format),
        Work::ReadError {
            source,
            line,
            message,
        } => {
            let mut accounting = Accounting::default();
            accounting.error(source, line, message);
            return ChunkResult {
                source,
                seq: u32::MAX,
                format: None,
                accounting,
                models: Vec::new(),
                rows: Vec::new(),
            };
        }
    };
    let mut accounting = Accounting::default();
    let mut models: Vec<String> = Vec::new();
    let mut model_index: HashMap<String, u32> = HashMap::new();
    let mut rows = Vec::new();
    for (line_no, line) in chunk.lines() {
        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        accounting.lines_read += 1;
        let Some(format) = format else {
            accounting.error(chunk.source, line_no, unknown_format_message());
            continue;
        };
        if line.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            accounting.error(chunk.source, line_no, "not a JSON object".to_string());
            continue;
        }
        // Adapters do not panic on any input; this keeps one bad line from ending a long run
        // should a bug slip through.
        let outcome =
            catch_unwind(AssertUnwindSafe(|| parse_line(format, line))).unwrap_or_else(|_| {
                LineOutcome::Error("internal error while parsing this line".into())
            });
        match outcome {
            LineOutcome::Call(record) => {
                accounting.calls += 1;
                let model = *model_index.entry(record.model.clone()).or_insert_with(|| {
                    models.push(record.model.clone());
                    models.len() as u32 - 1
                });
                rows.push(build_row(&record, chunk.source, line_no, model, catalog));
            }
            LineOutcome::Skip(reason) => accounting.skip(reason),
            LineOutcome::Error(message) => accounting.error(chunk.source, line_no, message),
        }
    }
    ChunkResult {
        source: chunk.source,
        seq: chunk.seq,
        format,
        accounting,
        models,
        rows,
    }
}

/// Prices and classifies one call into its compact row.
pub fn build_row(
    record: &CallRecord,
    source: u32,
    line: u64,
    model: u32,
    catalog: &PriceCatalog,
) -> CallRow {
    let price = catalog.resolve(&record.model, record.timestamp_ms);
    let flags = CallFlags::of(record);
    let cost = price.map(|index| {
        let mode = BillingMode { batch: flags.batch };
        call_cost(catalog.entry(index), &record.tokens, mode)
    });
    let provider = price.map_or(record.provider, |index| catalog.entry(index).provider);
    let call_id = record
        .response_id
        .as_deref()
        .or(record.request_id.as_deref())
        .map_or_else(|| record_hash(record), str::to_string);
    CallRow {
        source,
        line,
        timestamp_ms: record.timestamp_ms,
        model,
        provider,
        price,
        tokens: record.tokens,
        cost,
        latency_ms: record.latency_ms.map(|v| v as f32),
        time_to_first_token_ms: record.time_to_first_token_ms.map(|v| v as f32),
        classification: classify(record),
        flags,
        prefix: record.prefix,
        dedupe_key: record.dedupe_key,
        call_id: call_id.into_boxed_str(),
    }
}

/// A stable id for a call whose log carries none: a hash of what identifies it.
fn record_hash(record: &CallRecord) -> String {
    let t = &record.tokens;
    let numbers = [
        record.timestamp_ms.unwrap_or(0) as u64,
        t.input,
        t.cache_read,
        t.cache_write_5m,
        t.cache_write_1h,
        t.output,
        t.reasoning,
    ]
    .map(u64::to_le_bytes)
    .concat();
    let session = record.session_id.as_deref().unwrap_or_default();
    let text = record.text.as_ref().map_or("", |text| text.user.as_str());
    let hash = wire_hash(&[
        record.model.as_bytes(),
        session.as_bytes(),
        text.as_bytes(),
        &numbers,
    ]);
    format!("h:{hash:016x}")
}

/// Puts chunk results together in input order, interns model names and merges duplicate lines.
fn assemble(sources: &[InputSource], results: Vec<ChunkResult>) -> RunOutput {
    let mut output = RunOutput {
        sources: sources
            .iter()
            .map(|s| SourceSummary {
                name: s.display_name(),
                ..SourceSummary::default()
            })
            .collect(),
        ..RunOutput::default()
    };
    let mut model_ids: HashMap<String, u32> = HashMap::new();
    for result in results {
        let summary = &mut output.sources[result.source as usize];
        if summary.format.is_none() {
            summary.format = result.format;
        }
        summary.accounting.merge(result.accounting);
        let remap: Vec<u32> = result
            .models
            .into_iter()
            .map(|name| {
                let next = output.models.len() as u32;
                *model_ids.entry(name.clone()).or_insert_with(|| {
                    output.models.push(name);
                    next
                })
            })
            .collect();
        output.rows.extend(result.rows.into_iter().map(|mut row| {
            row.model = remap[row.model as usize];
            row
        }));
    }
    merge_duplicates(&mut output);
    let mut total = Accounting::default();
    for summary in &output.sources {
        total.merge(summary.accounting.clone());
    }
    output.accounting = total;
    output
}

/// Collapses rows that share a dedupe key (one Claude Code message written as several content
/// blocks, or seen again in a subagent transcript) into the one with the largest usage; the
/// others are counted as skipped duplicates of their own source.
fn merge_duplicates(output: &mut RunOutput) {
    let mut keeper: HashMap<u64, usize> = HashMap::new();
    let mut dropped = vec![false; output.rows.len()];
    for index in 0..output.rows.len() {
        let Some(key) = output.rows[index].dedupe_key else {
            continue;
        };
        match keeper.get(&key).copied() {
            None => {
                keeper.insert(key, index);
            }
            Some(kept) => {
                let loser = if output.rows[index].tokens.total() > output.rows[kept].tokens.total()
                {
                    keeper.insert(key, index);
                    kept
                } else {
                    index
                };
                dropped[loser] = true;
            }
        }
    }
    for (row, &drop) in output.rows.iter().zip(&dropped) {
        if drop {
            let accounting = &mut output.sources[row.source as usize].accounting;
            accounting.calls -= 1;
            accounting.skip(SkipReason::DuplicateContentBlock);
        }
    }
    let mut flags = dropped.into_iter();
    output.rows.retain(|_| !flags.next().unwrap_or(false));
}

//! The parsing pipeline: a reader thread cuts every source into chunks of whole lines; rayon
//! workers parse, price and classify each chunk; results are put back in input order, so the
//! outcome never depends on the number of threads.

mod accounting;
mod chunks;
mod intern;
pub mod partial;
mod retries;
mod row;
mod rows;
mod sorted;
mod spill;
mod window;

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{SyncSender, sync_channel};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

pub use accounting::{Accounting, ERROR_SAMPLES, LineError};
pub use chunks::{BufferPool, CHUNK_BYTES, Chunk, ChunkReader, DEFAULT_MAX_LINE_BYTES, LineLimit};
pub(crate) use intern::Interner;
pub use retries::{RetryStats, attempt_groups, group_retries};
pub use row::{CallFlags, CallRow};
pub use rows::{BLOCK_ROWS, MIN_LIST_CHUNK, Renumber, RowSet, Rows};
pub(crate) use sorted::{ExternalSort, Field, Sorted, shared_keys, sort_filter_map};
pub(crate) use window::TimeWindow;

use crate::classify::{ClassifyRules, classify};
use crate::ingest::container::{self, Sink};
use crate::ingest::sqlite::is_sqlite;
use crate::ingest::wire_hash;
use crate::ingest::{
    Container, FileContext, InputFormat, InputSource, LineOutcome, LineParser, Parsed, SkipReason,
    detect_format, line_parser, open_source, sniff_container,
};
use crate::money::Money;
use crate::policy::count_text;
use crate::pricing::PriceCatalog;
use crate::record::{CallRecord, UsageBucket};

/// What the pipeline needs besides its inputs.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Read every file as this format instead of detecting it (a file discovery found in a
    /// coding agent's folder is read as that agent's format all the same).
    pub forced_format: Option<InputFormat>,
    /// Draw a progress bar on stderr (it hides itself when stderr is not a terminal).
    pub progress: bool,
    /// Keep calls that another source already showed (same response or request id) instead
    /// of counting them once.
    pub keep_duplicates: bool,
    /// Bytes of encoded calls beyond which the run keeps them in a temporary file
    /// ([`Rows::spilling_above`]); `None` keeps them in memory.
    pub spill_above: Option<usize>,
    /// The longest line held in memory; longer lines are errors ([`DEFAULT_MAX_LINE_BYTES`]
    /// when `None`).
    pub max_line_bytes: Option<usize>,
}

/// What one source contributed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceSummary {
    pub name: String,
    /// `None` when the file was empty or no adapter recognised it.
    pub format: Option<InputFormat>,
    pub accounting: Accounting,
    /// What the source's own records say its calls cost, summed over the calls counted for it
    /// that say it: a call written once per content block, or logged twice, states its cost
    /// once. Kept per source: two loggers of the same calls would otherwise count them twice.
    pub stated_cost: Money,
    /// Calls counted for the source that stated a cost.
    pub stated_cost_calls: u64,
    /// The machine that read it, for a source from a history (`None`: this run read it).
    pub machine: Option<Arc<str>>,
}

/// The machine of the calls a run read itself (not from a history).
pub const THIS_MACHINE: &str = "(this machine)";

/// A billing-export line, with where it came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BucketRow {
    pub source: u32,
    pub line: u64,
    pub bucket: UsageBucket,
}

/// Everything the pipeline produced, in input order.
#[derive(Debug, Default)]
pub struct RunOutput {
    pub sources: Vec<SourceSummary>,
    pub accounting: Accounting,
    /// Model names as the logs wrote them; rows refer to them by index.
    pub models: Vec<String>,
    /// Kept tag sets; rows refer to them by index, and index 0 is the empty set.
    pub tag_sets: Vec<TagSet>,
    /// Session, conversation or trace ids; rows refer to them by index, and index 0 (the empty
    /// string) is a call without one.
    pub sessions: Vec<String>,
    pub rows: Rows,
    /// Billing-export lines, apart from the calls.
    pub buckets: Vec<BucketRow>,
}

impl RunOutput {
    /// The value of tag `key` on a call, if it carries one.
    pub fn tag(&self, row: &CallRow, key: &str) -> Option<&str> {
        self.tag_sets
            .get(row.tags as usize)?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value.as_str())
    }

    /// The machine that read a call into a history; a call this run read itself is of
    /// [`THIS_MACHINE`].
    pub fn machine(&self, row: &CallRow) -> &str {
        self.sources
            .get(row.source as usize)
            .and_then(|source| source.machine.as_deref())
            .unwrap_or(THIS_MACHINE)
    }

    /// The coding agent a call comes from: the agent writing its source's format, if one does.
    pub fn agent(&self, row: &CallRow) -> Option<&'static str> {
        self.sources.get(row.source as usize)?.format?.agent_name()
    }
}

type Stream = Box<dyn Read + Send>;

/// The local path of the file a piece of work comes from (none for stdin and bucket objects),
/// for adapters that read a sibling file.
type LocalPath = Option<Arc<Path>>;

enum Work {
    /// Whole lines of a file whose lines stand alone: parsed on any core. Without a format
    /// (no adapter recognised the file), every line is an error.
    Chunk(Chunk, Option<InputFormat>, Container, LocalPath),
    /// A whole file read in order by one core: lines that depend on earlier ones, or CSV.
    Stream {
        first: Chunk,
        rest: ChunkReader<Stream>,
        format: InputFormat,
        container: Container,
        path: LocalPath,
    },
    /// A whole JSON document, read into memory.
    Document {
        source: u32,
        bytes: Vec<u8>,
        format: Option<InputFormat>,
        path: LocalPath,
    },
    /// A SQLite database, read from a private copy by one core.
    Database {
        source: u32,
        path: Arc<Path>,
        format: Option<InputFormat>,
    },
    ReadError {
        source: u32,
        line: u64,
        message: String,
    },
}

/// What one piece of work (a chunk, a file read in order, a document) produced, with its own
/// interned names: the unit results are put back in order from, and that partial results
/// (`--emit-partial`) carry.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct ChunkResult {
    /// Index of the source in the run's source list.
    pub source: u32,
    /// Position within the source (`u32::MAX` for a read error).
    pub seq: u32,
    pub(crate) format: Option<InputFormat>,
    pub(crate) accounting: Accounting,
    pub(crate) models: Vec<String>,
    pub(crate) tag_sets: Vec<TagSet>,
    pub(crate) sessions: Vec<String>,
    pub(crate) rows: Rows,
    pub(crate) buckets: Vec<BucketRow>,
}

impl ChunkResult {
    /// What the piece counted.
    pub fn accounting(&self) -> &Accounting {
        &self.accounting
    }

    /// Checks that every row refers to a model, tag set and session of this piece and comes
    /// from its source: a piece read from a partial is used only if it holds together.
    pub fn check_indexes(&self) -> Result<(), String> {
        for (index, row) in self.rows.iter().enumerate() {
            if row.source != self.source {
                return Err(format!("call {index} names another input"));
            }
            if row.model as usize >= self.models.len()
                || row.tags as usize >= self.tag_sets.len()
                || row.session as usize >= self.sessions.len()
            {
                return Err(format!("call {index} refers past its piece's lists"));
            }
        }
        if self
            .buckets
            .iter()
            .any(|bucket| bucket.source != self.source)
        {
            return Err("a billing line names another input".to_string());
        }
        Ok(())
    }

    /// Makes the result the source at index `source` of the run's list (a history run puts
    /// the logs it reads among the stored ones).
    pub(crate) fn move_to(&mut self, source: u32) {
        self.source = source;
        self.rows.renumber(|numbers| Renumber { source, ..numbers });
        for bucket in &mut self.buckets {
            bucket.source = source;
        }
        for error in self
            .accounting
            .error_samples
            .iter_mut()
            .chain(&mut self.accounting.read_failures)
        {
            error.source = source;
        }
    }

    /// Moves the result to the source `base` places further down the list (a merge puts the
    /// sources of several runs one after another).
    pub fn shift_source(&mut self, base: u32) {
        self.move_to(self.source + base);
    }
}

/// What pricing and classifying a record reads: the catalog, and the user's rules.
#[derive(Debug, Clone, Copy)]
pub struct RowContext<'c> {
    pub catalog: &'c PriceCatalog,
    pub rules: &'c ClassifyRules,
    /// Tag keys kept on rows (what policies match on and reports group by); other tags, which
    /// may carry a value per call (trace ids), are dropped to keep rows small.
    pub tag_keys: &'c [String],
    /// Per catalog entry: count the prompt text of its calls with the real tokenizers (for
    /// replays that move calls where an exact count changes the token ratio; it costs time, so
    /// only where a policy needs it). Empty: never.
    pub count_text_tokens: &'c [bool],
    /// Keep every tag of a record, not only `tag_keys` (the history stores them all, and each
    /// run that reads it keeps what it needs).
    pub keep_all_tags: bool,
}

impl<'c> RowContext<'c> {
    /// Whether calls priced by catalog entry `price` have their prompt text counted with the
    /// real tokenizers.
    pub fn counts_text(&self, price: Option<u32>) -> bool {
        price
            .and_then(|p| self.count_text_tokens.get(p as usize))
            .is_some_and(|&count| count)
    }

    /// Whether rows keep the tag `key`.
    pub fn keeps_tag(&self, key: &str) -> bool {
        self.keep_all_tags || self.tag_keys.iter().any(|k| k == key)
    }

    /// A context that keeps no tags and counts no prompt text with the tokenizers.
    pub fn plain(catalog: &'c PriceCatalog, rules: &'c ClassifyRules) -> RowContext<'c> {
        RowContext {
            catalog,
            rules,
            tag_keys: &[],
            count_text_tokens: &[],
            keep_all_tags: false,
        }
    }
}

/// A call's kept tags, sorted by key: `(key, value)` pairs.
pub type TagSet = Vec<(String, String)>;

/// Reads, parses, prices and classifies every record of `sources`.
pub fn run(sources: &[InputSource], context: RowContext<'_>, options: RunOptions) -> RunOutput {
    let names = sources.iter().map(InputSource::display_name).collect();
    let mut assembler = Assembler::new(names, options.spill_above);
    run_selected(
        sources,
        context,
        options,
        |_| true,
        |result| {
            assembler.push(result);
        },
    );
    assembler.finish(options.keep_duplicates)
}

/// Reads, parses, prices and classifies the records of the sources `selected` picks (by index),
/// and hands the pieces to `sink` in input order as they are done, not yet put together (a
/// shard's partial result is made of them). Only the pieces that finish ahead of an earlier one
/// wait in memory, so the caller decides what is kept.
pub fn run_selected(
    sources: &[InputSource],
    context: RowContext<'_>,
    options: RunOptions,
    selected: impl Fn(u32) -> bool,
    mut sink: impl FnMut(ChunkResult),
) {
    let picked: Vec<(u32, InputSource)> = sources
        .iter()
        .enumerate()
        .map(|(index, source)| (index as u32, source.clone()))
        .filter(|(index, _)| selected(*index))
        .collect();
    let bar = options
        .progress
        .then(|| progress_bar(picked.iter().map(|(_, s)| s.size_hint()).sum()));
    let queue_depth = 2 * rayon::current_num_threads();
    let (sender, receiver) = sync_channel::<(u64, Job)>(queue_depth);
    let (done_sender, done) = sync_channel::<(u64, Vec<ChunkResult>)>(queue_depth);
    let pool = BufferPool::default();
    let reading = Reading {
        forced: options.forced_format,
        max_line: options.max_line_bytes.unwrap_or(DEFAULT_MAX_LINE_BYTES),
    };
    let bundle = bundles_small_files();
    std::thread::scope(|scope| {
        let reader_bar = bar.clone();
        let reader_pool = pool.clone();
        scope.spawn(move || {
            let mut sender = Numbered { sender, next: 0 };
            let mut small = SmallFiles::default();
            for (index, source) in &picked {
                if bundle && let Some(bytes) = small_file(source) {
                    small.files.push((*index, source.clone()));
                    small.bytes += bytes;
                    if small.bytes >= CHUNK_BYTES && !small.send(&mut sender) {
                        return;
                    }
                    continue;
                }
                if !small.send(&mut sender) {
                    return;
                }
                let alive = read_source(
                    *index,
                    source,
                    reading,
                    reader_bar.as_ref(),
                    &reader_pool,
                    &mut |work| sender.send(Job::Work(work)),
                );
                if !alive {
                    return;
                }
            }
            small.send(&mut sender);
        });
        let pool = &pool;
        let worker_bar = bar.clone();
        scope.spawn(move || {
            receiver
                .into_iter()
                .par_bridge()
                .for_each_with(done_sender, |done, (number, job)| {
                    let results = match job {
                        Job::Work(work) => vec![process(work, context, pool)],
                        Job::Files(files) => {
                            read_files(files, reading, worker_bar.as_ref(), context, pool)
                        }
                    };
                    // The receiving end lives until every worker is done.
                    let _ = done.send((number, results));
                });
        });
        // Jobs are numbered in the order the reader sent them, which is input order, and their
        // pieces come back in order.
        let mut waiting: BTreeMap<u64, Vec<ChunkResult>> = BTreeMap::new();
        let mut next = 0;
        for (number, results) in done {
            waiting.insert(number, results);
            while let Some(results) = waiting.remove(&next) {
                results.into_iter().for_each(&mut sink);
                next += 1;
            }
        }
        debug_assert!(waiting.is_empty(), "every piece numbered was processed");
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
}

/// What the reader hands a worker.
enum Job {
    /// A piece of work the reader read.
    Work(Work),
    /// Small files, in input order, for the worker to read and parse one after the other.
    Files(Vec<(u32, InputSource)>),
}

/// Small files waiting to go out together.
#[derive(Default)]
struct SmallFiles {
    files: Vec<(u32, InputSource)>,
    bytes: usize,
}

impl SmallFiles {
    /// Sends the files waiting, if any; false when the workers have gone away.
    fn send(&mut self, sender: &mut Numbered) -> bool {
        if self.files.is_empty() {
            return true;
        }
        self.bytes = 0;
        sender.send(Job::Files(std::mem::take(&mut self.files)))
    }
}

/// The size of a file small enough to go out with others, unread: a tree of small files
/// (Claude Code writes a transcript per session) would otherwise cost a hand-over between
/// threads per file, and the one reader thread would read them all. The workers read such
/// files themselves, a bundle of about a chunk's bytes at a time. Only regular files: a pipe
/// (`<(zcat logs.gz)`) says nothing of its length, and is cut into chunks for all cores. (A
/// small compressed file that holds much more is still read right, by one worker.)
fn small_file(source: &InputSource) -> Option<usize> {
    let path = source.local_path()?;
    let metadata = std::fs::metadata(path).ok()?;
    let bytes = metadata.len();
    (metadata.is_file() && bytes < CHUNK_BYTES as u64 / 2).then_some(bytes as usize)
}

/// Reads and parses `files` one after the other, on the calling worker: their pieces, in order.
fn read_files(
    files: Vec<(u32, InputSource)>,
    reading: Reading,
    bar: Option<&ProgressBar>,
    context: RowContext<'_>,
    pool: &BufferPool,
) -> Vec<ChunkResult> {
    let mut results = Vec::new();
    for (index, source) in files {
        let mut parse = |work| {
            results.push(process(work, context, pool));
            true
        };
        read_source(index, &source, reading, bar, pool, &mut parse);
    }
    results
}

#[cfg(test)]
thread_local! {
    /// Whether this test thread's runs send small files out together.
    static BUNDLES: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Whether small files go out together ([`small_file`]); tests turn it off to compare.
fn bundles_small_files() -> bool {
    #[cfg(test)]
    return BUNDLES.with(std::cell::Cell::get);
    #[cfg(not(test))]
    true
}

/// The reader's end of the work queue: numbers each job in the order it is sent.
struct Numbered {
    sender: SyncSender<(u64, Job)>,
    next: u64,
}

impl Numbered {
    /// Sends `job`; false when the workers have gone away.
    fn send(&mut self, job: Job) -> bool {
        let number = self.next;
        self.next += 1;
        self.sender.send((number, job)).is_ok()
    }
}

/// Runs the pipeline over a folder of the crate (`fixtures/logs`, say) with the given catalog
/// and rules, keeping no tags: the real rows tests start from.
#[cfg(test)]
pub fn run_fixture(dir: &str, catalog: &PriceCatalog, rules: &ClassifyRules) -> RunOutput {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let sources = crate::ingest::discover_sources(&[path]).expect("fixtures are readable");
    let context = RowContext::plain(catalog, rules);
    run(&sources, context, RunOptions::default())
}

/// A bar over `total` bytes of input.
fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    let style =
        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// How sources are read: the same for every source of a run.
#[derive(Debug, Clone, Copy)]
struct Reading {
    /// Read every file as this format instead of detecting it.
    forced: Option<InputFormat>,
    /// The longest line held; longer ones are errors.
    max_line: usize,
}

impl Reading {
    /// The largest JSON document read whole: documents (a trace download, an export as one
    /// array) run larger than lines, so the line limit counts only from 1 GiB up.
    fn max_document(self) -> usize {
        self.max_line.max(1 << 30)
    }
}

/// Detects the layout and format of a source from its first chunk and hands its work to `send`;
/// returns false when `send` does (the workers have gone away).
fn read_source(
    index: u32,
    source: &InputSource,
    reading: Reading,
    bar: Option<&ProgressBar>,
    pool: &BufferPool,
    send: &mut dyn FnMut(Work) -> bool,
) -> bool {
    // A file discovery found in an agent's folder is that agent's format, whatever the run forces.
    let forced = source.known_format().or(reading.forced);
    let read_error = |line: u64, message: String| Work::ReadError {
        source: index,
        line,
        message,
    };
    let stream = match open_source(source, bar) {
        Ok(stream) => stream,
        Err(err) => {
            return send(read_error(0, format!("cannot read: {err}")));
        }
    };
    let mut reader =
        ChunkReader::with_pool(stream, index, pool.clone()).with_max_line(reading.max_line);
    let first = match reader.next_chunk() {
        Ok(Some(chunk)) => chunk,
        Ok(None) => return true,
        Err(err) => {
            let line = reader.next_line();
            return send(read_error(line, format!("read error: {err}")));
        }
    };
    let container = sniff_container(&first.bytes);
    let path: LocalPath = source.local_path().map(Arc::from);
    if is_sqlite(&first.bytes) {
        pool.give(first.bytes);
        let work = match path {
            Some(path) => Work::Database {
                source: index,
                path,
                format: forced,
            },
            None => read_error(0, "a SQLite database is read only from a local file".into()),
        };
        return send(work);
    }
    let format = match container {
        Container::JsonDocument => {
            let mut bytes = first.bytes;
            let limit = reading.max_document();
            let rest = reader
                .into_rest()
                .take((limit + 1 - bytes.len().min(limit)) as u64);
            if let Err(err) = { rest }.read_to_end(&mut bytes) {
                return send(read_error(0, format!("read error: {err}")));
            }
            if bytes.len() > limit {
                let message = format!(
                    "a JSON document larger than {} MiB (raise --max-line-mib to read it)",
                    limit >> 20
                );
                return send(read_error(1, message));
            }
            let work = Work::Document {
                source: index,
                bytes,
                format: forced,
                path,
            };
            return send(work);
        }
        Container::Csv => forced
            .or_else(|| container::csv_format(&first.bytes))
            .filter(|f| f.reads_csv()),
        Container::JsonLines | Container::Empty => forced.or_else(|| detect_format(&first.bytes)),
    };
    // CSV (quoted fields may span lines) and lines that depend on earlier ones are read in
    // order by one worker; lines that stand alone, or a file no adapter recognises (each line
    // then an error), go out in chunks.
    if let Some(format) = format.filter(|f| container == Container::Csv || !f.line_independent()) {
        let work = Work::Stream {
            first,
            rest: reader,
            format,
            container,
            path,
        };
        return send(work);
    }
    let mut next = Some(first);
    loop {
        let chunk = match next.take() {
            Some(chunk) => chunk,
            None => match reader.next_chunk() {
                Ok(Some(chunk)) => chunk,
                Ok(None) => return true,
                Err(err) => {
                    let line = reader.next_line();
                    return send(read_error(line, format!("read error: {err}")));
                }
            },
        };
        if !send(Work::Chunk(chunk, format, container, path.clone())) {
            return false;
        }
    }
}

/// Turns parsed outcomes into priced rows, buckets and counts for one piece of work.
struct Collector<'c> {
    context: RowContext<'c>,
    source: u32,
    accounting: Accounting,
    models: Interner<String>,
    /// Kept tag sets of this piece of work; index 0 is the empty set.
    tag_sets: Interner<TagSet>,
    /// Session ids of this piece of work; index 0 is none.
    sessions: Interner<String>,
    /// Rows with their ids, encoded once duplicates are merged ([`Collector::into_result`]).
    rows: Vec<(CallRow, String)>,
    buckets: Vec<BucketRow>,
    parsed: Vec<Parsed>,
}

impl<'c> Collector<'c> {
    fn new(context: RowContext<'c>, source: u32) -> Collector<'c> {
        Collector {
            context,
            source,
            accounting: Accounting::default(),
            models: Interner::default(),
            tag_sets: Interner::starting_with(TagSet::new()),
            sessions: Interner::starting_with(String::new()),
            rows: Vec::new(),
            buckets: Vec::new(),
            parsed: Vec::new(),
        }
    }

    /// Counts the lines skipped for being longer than the limit, one error each.
    fn overlong(&mut self, lines: &[u64]) {
        for &line in lines {
            self.error(
                line,
                "line longer than the --max-line-mib limit: skipped".to_string(),
            );
        }
    }

    /// Prices, classifies and keeps one call.
    fn push_call(&mut self, line: u64, record: &CallRecord) {
        self.accounting.calls += 1;
        let model = self.models.intern(record.model.as_str());
        let mut row = build_row(record, self.source, line, model, self.context.catalog);
        row.tags = self.tag_set(&record.tags);
        row.session = record
            .session_id
            .as_deref()
            .map_or(0, |id| self.sessions.intern(id));
        if self.context.counts_text(row.price) {
            row.text_tokens = record.text.as_ref().and_then(count_text);
        }
        self.context.rules.apply(record, &mut row.classification);
        self.rows.push((row, call_id(record)));
    }

    /// Interns the record's kept tags (0 when it has none of the kept keys).
    fn tag_set(&mut self, tags: &[(String, String)]) -> u32 {
        if self.context.tag_keys.is_empty() && !self.context.keep_all_tags {
            return 0;
        }
        let mut kept: TagSet = tags
            .iter()
            .filter(|(key, _)| self.context.keeps_tag(key))
            .cloned()
            .collect();
        if kept.is_empty() {
            return 0;
        }
        kept.sort();
        kept.dedup_by(|a, b| a.0 == b.0);
        self.tag_sets.insert(kept)
    }

    fn into_result(mut self, seq: u32, format: Option<InputFormat>) -> ChunkResult {
        let rows = merge_piece_duplicates(self.rows, &mut self.accounting);
        ChunkResult {
            source: self.source,
            seq,
            format,
            accounting: self.accounting,
            models: self.models.into_items(),
            tag_sets: self.tag_sets.into_items(),
            sessions: self.sessions.into_items(),
            rows,
            buckets: self.buckets,
        }
    }
}

impl Sink for Collector<'_> {
    /// Feeds one line to the parser, after the checks every JSON format shares.
    fn line(&mut self, parser: &mut dyn LineParser, line_no: u64, line: &[u8]) {
        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if line.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            self.error(line_no, "not a JSON object".to_string());
            return;
        }
        let mut parsed = std::mem::take(&mut self.parsed);
        // Adapters do not panic on any input; this keeps one bad line from ending a long run
        // should a bug slip through.
        let guarded = catch_unwind(AssertUnwindSafe(|| {
            parser.line(line_no, line, &mut parsed);
        }));
        if guarded.is_err() {
            parsed.clear();
            parsed.push(Parsed {
                line: line_no,
                outcome: LineOutcome::Error("internal error while parsing this line".into()),
            });
        }
        self.take(&mut parsed);
        self.parsed = parsed;
    }

    fn finish(&mut self, parser: &mut dyn LineParser) {
        let mut parsed = Vec::new();
        if catch_unwind(AssertUnwindSafe(|| parser.finish(&mut parsed))).is_err() {
            parsed.clear();
            self.error(0, "internal error at the end of the file".into());
        }
        self.take(&mut parsed);
    }

    fn error(&mut self, line: u64, message: String) {
        self.accounting.records += 1;
        self.accounting.error(self.source, line, message);
    }

    /// Counts and keeps parsed outcomes, emptying `parsed`.
    fn take(&mut self, parsed: &mut Vec<Parsed>) {
        for Parsed { line, outcome } in parsed.drain(..) {
            self.accounting.records += 1;
            let outcome = match outcome {
                LineOutcome::Call(record) => match record.check_numbers() {
                    Ok(()) => LineOutcome::Call(record),
                    Err(message) => LineOutcome::Error(message),
                },
                LineOutcome::Bucket(bucket) => match bucket.check_numbers() {
                    Ok(()) => LineOutcome::Bucket(bucket),
                    Err(message) => LineOutcome::Error(message),
                },
                other => other,
            };
            match outcome {
                LineOutcome::Call(mut record) => {
                    let sub_calls = std::mem::take(&mut record.sub_calls);
                    self.push_call(line, &record);
                    // Each inference billed apart is a call, and a record, of its own.
                    for sub_call in sub_calls {
                        match sub_call.check_numbers() {
                            Ok(()) => self.push_call(line, &sub_call),
                            Err(message) => self.accounting.error(self.source, line, message),
                        }
                        self.accounting.records += 1;
                    }
                }
                LineOutcome::Bucket(bucket) => {
                    self.accounting.buckets += 1;
                    self.buckets.push(BucketRow {
                        source: self.source,
                        line,
                        bucket: *bucket,
                    });
                }
                LineOutcome::Skip(reason) => self.accounting.skip(reason),
                LineOutcome::Failed(cause) => self.accounting.fail(cause),
                LineOutcome::Error(message) => self.accounting.error(self.source, line, message),
            }
        }
    }

    fn read_failure(&mut self, line: u64, message: String) {
        self.accounting.records += 1;
        self.accounting.read_failure(self.source, line, message);
    }
}

/// Collapses a piece's rows that share a dedupe key, as the run does for all rows
/// ([`merge_duplicates`]), counting the dropped ones in the piece's `accounting`: Claude Code
/// writes one line per content block of a message, so most of its rows go here, before they
/// are sent on. The run's pass over the survivors keeps the same rows: the first row of the run
/// with the most tokens is the first such row of its own piece.
fn merge_piece_duplicates(rows: Vec<(CallRow, String)>, accounting: &mut Accounting) -> Rows {
    let dropped = losers(
        rows.len(),
        None,
        |index| rows[index].0.dedupe_key,
        |index| rows[index].0.tokens.total(),
    );
    let count = dropped.len() as u64;
    if count > 0 {
        accounting.calls -= count;
        *accounting
            .skipped
            .entry(SkipReason::DuplicateContentBlock)
            .or_default() += count;
    }
    let kept = rows.len() - count as usize;
    // Most encoded rows take 60 to 150 bytes; the vector grows if these take more.
    let mut encoded = Rows::with_capacity(kept, kept * 128);
    for (index, (row, id)) in rows.into_iter().enumerate() {
        if !dropped.contains(index) {
            encoded.push(&row, &id);
        }
    }
    encoded
}

/// Parses one piece of work; chunk buffers go back to `pool` for the reader.
fn process(work: Work, context: RowContext<'_>, pool: &BufferPool) -> ChunkResult {
    match work {
        Work::Chunk(chunk, format, container, path) => {
            let mut collector = Collector::new(context, chunk.source);
            match format {
                Some(format) => {
                    let file = FileContext {
                        path: path.as_deref(),
                    };
                    let mut parser = line_parser(format, &file);
                    for (line_no, line) in chunk.lines() {
                        collector.line(parser.as_mut(), line_no, line);
                    }
                    collector.finish(parser.as_mut());
                }
                None => {
                    for (line_no, line) in chunk.lines() {
                        if !line.iter().all(u8::is_ascii_whitespace) {
                            collector.error(line_no, container::unknown_format_message(container));
                        }
                    }
                }
            }
            collector.overlong(&chunk.overlong);
            pool.give(chunk.bytes);
            collector.into_result(chunk.seq, format)
        }
        Work::Stream {
            first,
            rest,
            format,
            container,
            path,
        } => {
            let source = first.source;
            let mut collector = Collector::new(context, source);
            if container == Container::Csv {
                read_csv(&mut collector, format, first, rest);
            } else {
                let file = FileContext {
                    path: path.as_deref(),
                };
                read_lines_in_order(&mut collector, format, &file, first, rest);
            }
            collector.into_result(0, Some(format))
        }
        Work::Document {
            source,
            bytes,
            format,
            path,
        } => {
            let mut collector = Collector::new(context, source);
            let file = FileContext {
                path: path.as_deref(),
            };
            let format = container::read_document(&mut collector, format, &file, &bytes);
            collector.into_result(0, format)
        }
        Work::Database {
            source,
            path,
            format,
        } => {
            let mut collector = Collector::new(context, source);
            let format = container::read_database_rows(&mut collector, &path, format);
            collector.into_result(0, format)
        }
        Work::ReadError {
            source,
            line,
            message,
        } => {
            let mut collector = Collector::new(context, source);
            collector.read_failure(line, message);
            collector.into_result(u32::MAX, None)
        }
    }
}

/// Reads a JSON Lines file on one core, in order, with one parser for the whole file.
fn read_lines_in_order(
    collector: &mut Collector<'_>,
    format: InputFormat,
    file: &FileContext<'_>,
    first: Chunk,
    mut rest: ChunkReader<Stream>,
) {
    let mut parser = line_parser(format, file);
    let mut next = Some(first);
    loop {
        let chunk = match next.take() {
            Some(chunk) => chunk,
            None => match rest.next_chunk() {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(err) => {
                    collector.read_failure(rest.next_line(), format!("read error: {err}"));
                    break;
                }
            },
        };
        for (line_no, line) in chunk.lines() {
            collector.line(parser.as_mut(), line_no, line);
        }
        collector.overlong(&chunk.overlong);
        rest.recycle(chunk.bytes);
    }
    collector.finish(parser.as_mut());
}

/// Reads a CSV file on one core: quoted fields may hold newlines, so it cannot be cut by line.
fn read_csv(
    collector: &mut Collector<'_>,
    format: InputFormat,
    first: Chunk,
    rest: ChunkReader<Stream>,
) {
    let max_line = rest.max_line();
    let stream = LineLimit::new(
        io::Cursor::new(first.bytes).chain(rest.into_rest()),
        max_line,
    );
    container::read_csv(collector, format, stream);
}

/// Prices and classifies one call into its compact row.
pub fn build_row(
    record: &CallRecord,
    source: u32,
    line: u64,
    model: u32,
    catalog: &PriceCatalog,
) -> CallRow {
    let flags = CallFlags::of(record);
    let logged_id = record.response_id.is_some() || record.request_id.is_some();
    let prefixes = record
        .prefix
        .map(|prefixes| prefixes.fitted_to(record.tokens.prompt_total()));
    let mut row = CallRow {
        source,
        line,
        timestamp_ms: record.timestamp_ms,
        model,
        provider: record.provider,
        price: None,
        tokens: record.tokens,
        cost: None,
        // The shortest decimal that reads back as the same f64 is what the log wrote.
        stated_cost: record
            .stated_cost_usd
            .filter(|v| v.is_finite())
            .and_then(|v| Money::parse_usd(&v.to_string())),
        latency_ms: record.latency_ms.map(|v| v as f32),
        time_to_first_token_ms: record.time_to_first_token_ms.map(|v| v as f32),
        classification: classify(record),
        flags,
        prefixes,
        dedupe_key: record.dedupe_key,
        logged_id,
        attempt_group: retries::logged_group(record),
        request_hash: prefixes.map(|p| retries::request_hash(&record.model, p)),
        tags: 0,
        session: 0,
        text_tokens: None,
    };
    row.price_with(&record.model, catalog);
    row
}

/// The call's id: the provider's response or message id, else its request id, else a stable
/// hash of the record.
pub fn call_id(record: &CallRecord) -> String {
    record
        .response_id
        .as_deref()
        .or(record.request_id.as_deref())
        .map_or_else(|| record_hash(record), str::to_string)
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

/// Puts chunk results together one at a time, in input order, as they come (from the pipeline
/// or from partials): interns model names, tag sets and sessions, then merges duplicate lines.
/// Each result's rows join the run's and its own vectors are freed, so the rows are held once.
pub struct Assembler {
    output: RunOutput,
    models: Interner<String>,
    tag_sets: Interner<TagSet>,
    sessions: Interner<String>,
}

impl Assembler {
    /// An empty run over the sources named `names` (by index), keeping its calls in a
    /// temporary file once they take more than `spill_above` bytes.
    pub fn new(names: Vec<String>, spill_above: Option<usize>) -> Assembler {
        Assembler {
            output: RunOutput {
                rows: spill_above.map_or_else(Rows::new, Rows::spilling_above),
                sources: names
                    .into_iter()
                    .map(|name| SourceSummary {
                        name,
                        ..SourceSummary::default()
                    })
                    .collect(),
                ..RunOutput::default()
            },
            models: Interner::default(),
            tag_sets: Interner::starting_with(TagSet::new()),
            sessions: Interner::starting_with(String::new()),
        }
    }

    /// Adds the next result in input order.
    pub fn push(&mut self, result: ChunkResult) {
        let output = &mut self.output;
        let summary = &mut output.sources[result.source as usize];
        if summary.format.is_none() {
            summary.format = result.format;
        }
        summary.accounting.merge(result.accounting);
        let remap = self.models.merge(result.models);
        let tag_remap = self.tag_sets.merge(result.tag_sets);
        let session_remap = self.sessions.merge(result.sessions);
        output.rows.append(result.rows, |numbers| Renumber {
            source: numbers.source,
            model: remap[numbers.model as usize],
            tags: tag_remap[numbers.tags as usize],
            session: session_remap[numbers.session as usize],
        });
        output.buckets.extend(result.buckets);
    }

    /// The run: duplicates merged (across sources too unless `keep_duplicates`), retries
    /// grouped, totals counted.
    pub fn finish(self, keep_duplicates: bool) -> RunOutput {
        let mut output = self.output;
        // Growth by doubling left up to half the capacity unused.
        output.rows.shrink_to_fit();
        output.models = self.models.into_items();
        output.tag_sets = self.tag_sets.into_items();
        output.sessions = self.sessions.into_items();
        merge_duplicates(&mut output);
        if !keep_duplicates {
            merge_across_sources(&mut output);
            drop_totals_of_sessions_read_per_call(&mut output);
        }
        retries::distrust_placeholders(&mut output.rows);
        group_retries(&mut output.rows);
        sum_stated_costs(&mut output);
        let mut total = Accounting::default();
        for summary in &output.sources {
            total.merge(summary.accounting.clone());
        }
        output.accounting = total;
        output
    }
}

/// Collapses rows that share a dedupe key (one Claude Code message written as several content
/// blocks, or seen again in a subagent transcript) into the one with the largest usage.
fn merge_duplicates(output: &mut RunOutput) {
    let rows = &output.rows;
    let dropped = losers(
        rows.len(),
        rows.list_limit(),
        |index| dedupe_key(rows, index),
        |index| rows.get(index).tokens.total(),
    );
    drop_rows(output, dropped, SkipReason::DuplicateContentBlock);
}

/// Sums, per source, the costs its kept calls state. Summed after duplicates are merged, so
/// each call states its cost once: a message Claude Code wrote as a line per content block,
/// however many of those lines repeat its `costUSD`.
fn sum_stated_costs(output: &mut RunOutput) {
    let rows = &output.rows;
    for block in rows.blocks(BLOCK_ROWS) {
        let stated: Vec<(u32, Money)> = block
            .into_par_iter()
            .filter_map(|index| {
                let row = rows.get(index);
                Some((row.source, row.stated_cost?))
            })
            .collect();
        for (source, cost) in stated {
            let summary = &mut output.sources[source as usize];
            summary.stated_cost += cost;
            summary.stated_cost_calls += 1;
        }
    }
}

/// Counts once a call that several sources show (LiteLLM and Langfuse logging the same request,
/// say): rows with the same logged id collapse into one.
fn merge_across_sources(output: &mut RunOutput) {
    let rows = &output.rows;
    let dropped = losers(
        rows.len(),
        rows.list_limit(),
        |index| rows.logged_id(index).then(|| rows.call_id(index)),
        |index| rows.get(index).tokens.total(),
    );
    drop_rows(output, dropped, SkipReason::DuplicateAcrossSources);
}

/// Counts once the calls of a session that one source sums and another logs call by call
/// (Copilot CLI's session-state totals beside its OpenTelemetry export, say): a record of a
/// session's totals is dropped where rows of single calls of the same session and model are
/// read, as those are finer. The model is compared by the catalog entry that priced it, so
/// `claude-sonnet-4.5` and `claude-sonnet-4-5` meet; an unpriced one by its name.
fn drop_totals_of_sessions_read_per_call(output: &mut RunOutput) {
    let rows = &output.rows;
    // Few agents write sessions' totals: a run without any is not decoded for them.
    if !(0..rows.len()).any(|index| rows.summed(index)) {
        return;
    }
    let model = |row: &CallRow| row.price.map_or((false, row.model), |price| (true, price));
    let per_call: std::collections::HashSet<(u32, (bool, u32))> = rows
        .iter()
        .filter(|row| !row.flags.summed && row.session != 0)
        .map(|row| (row.session, model(&row)))
        .collect();
    if per_call.is_empty() {
        return;
    }
    let mut dropped = RowSet::new(rows.len());
    for (index, row) in rows.iter().enumerate() {
        if row.flags.summed && per_call.contains(&(row.session, model(&row))) {
            dropped.insert(index);
        }
    }
    drop_rows(output, dropped, SkipReason::SessionReadPerCall);
}

/// Marks, among rows that share a key, all but the one with the most tokens (the first in
/// input order on a tie).
///
/// Keys are hashed and the (hash, index) pairs sorted on all cores (through a temporary file
/// past `limit` bytes, [`ExternalSort`]); rows then meet their duplicates next to each other,
/// in input order, and are told apart by the key itself (two keys can share a hash). The rows
/// of each shared hash are settled on all cores, [`BLOCK_ROWS`] rows at a time.
fn losers<K: std::hash::Hash + Eq + Send>(
    rows: usize,
    limit: Option<usize>,
    key: impl Fn(usize) -> Option<K> + Sync,
    tokens: impl Fn(usize) -> u64 + Sync,
) -> RowSet {
    losers_settled_by(rows, limit, key, tokens, BLOCK_ROWS)
}

/// [`losers`], settling shared hashes once they gather `block_rows` rows.
fn losers_settled_by<K: std::hash::Hash + Eq + Send>(
    rows: usize,
    limit: Option<usize>,
    key: impl Fn(usize) -> Option<K> + Sync,
    tokens: impl Fn(usize) -> u64 + Sync,
    block_rows: usize,
) -> RowSet {
    use std::hash::BuildHasher;
    // Keys are ids the logs wrote; a fast fixed hasher (no DoS to fear from one's own logs).
    let hasher = foldhash::fast::FixedState::default();
    let keyed = sort_filter_map(rows, limit, |index| {
        key(index).map(|key| (hasher.hash_one(key), index))
    });
    let mut dropped = RowSet::new(rows);
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut gathered = 0;
    let mut settle = |groups: &mut Vec<Vec<usize>>| {
        let losers: Vec<Vec<usize>> = groups
            .par_iter()
            .map(|same_hash| losers_among(same_hash, &key, &tokens))
            .collect();
        for loser in losers.into_iter().flatten() {
            dropped.insert(loser);
        }
        groups.clear();
    };
    shared_keys(keyed, |same_hash| {
        gathered += same_hash.len();
        groups.push(same_hash.to_vec());
        if gathered >= block_rows {
            settle(&mut groups);
            gathered = 0;
        }
    });
    settle(&mut groups);
    dropped
}

/// Of rows that share a key's hash, in input order, all but each key's keeper: the row with
/// the most tokens, the first on a tie.
fn losers_among<K: Eq>(
    same_hash: &[usize],
    key: impl Fn(usize) -> Option<K>,
    tokens: impl Fn(usize) -> u64,
) -> Vec<usize> {
    // Each key's keeper so far.
    let mut kept: Vec<(K, usize)> = Vec::new();
    let mut losers = Vec::new();
    for &index in same_hash {
        let Some(key) = key(index) else {
            continue;
        };
        match kept.iter_mut().find(|(seen, _)| *seen == key) {
            None => kept.push((key, index)),
            Some((_, keeper)) => {
                let loser = if tokens(index) > tokens(*keeper) {
                    std::mem::replace(keeper, index)
                } else {
                    index
                };
                losers.push(loser);
            }
        }
    }
    losers
}

/// The dedupe key of the row at `index`, decoding only rows that have one.
fn dedupe_key(rows: &Rows, index: usize) -> Option<u64> {
    rows.has_dedupe_key(index)
        .then(|| rows.get(index).dedupe_key)
        .flatten()
}

/// Leaves out the rows in `filtered`, counting them as skipped ("left out by a filter") in
/// their own source, and in the run's totals.
pub fn filter_rows(output: &mut RunOutput, filtered: RowSet) {
    let dropped = filtered;
    let before = output.rows.len();
    drop_rows(output, dropped, SkipReason::Filtered);
    let filtered = (before - output.rows.len()) as u64;
    if filtered > 0 {
        output.accounting.calls -= filtered;
        *output
            .accounting
            .skipped
            .entry(SkipReason::Filtered)
            .or_default() += filtered;
    }
}

/// Removes the rows in `dropped`, counting each as skipped for `reason` in its own source.
fn drop_rows(output: &mut RunOutput, dropped: RowSet, reason: SkipReason) {
    if dropped.is_empty() {
        return;
    }
    for index in dropped.iter() {
        let source = output.rows.get(index).source;
        let accounting = &mut output.sources[source as usize].accounting;
        accounting.calls -= 1;
        accounting.skip(reason);
    }
    output.rows.remove(&dropped);
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::hash::{Hash, Hasher};

    use super::*;
    use crate::classify::ClassifyRules;
    use crate::record::TokenBuckets;

    /// A local file that starts with SQLite's header is read as a database whatever its name;
    /// a database no adapter reads is one error naming its tables, not a panic.
    #[test]
    fn databases_are_known_by_their_header_and_an_unknown_one_is_one_error() {
        let folder = tempfile::tempdir().unwrap();
        let renamed = folder.path().join("usage.data");
        let zcode =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/home/.zcode/cli/db/db.sqlite");
        std::fs::copy(zcode, &renamed).unwrap();
        let other = folder.path().join("notes.db");
        rusqlite::Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
        let sources = [InputSource::File(renamed), InputSource::File(other)];
        let catalog = PriceCatalog::embedded().unwrap();
        let rules = ClassifyRules::default();
        let run = run(
            &sources,
            RowContext::plain(&catalog, &rules),
            RunOptions::default(),
        );
        let read = &run.sources[0];
        assert_eq!(read.format, Some(InputFormat::Zcode));
        assert_eq!((read.accounting.records, read.accounting.calls), (5, 3));
        let unknown = &run.sources[1].accounting;
        assert_eq!(unknown.errors, 1);
        assert_eq!(
            unknown.error_samples[0].message,
            "no adapter reads this SQLite database (tables: notes)"
        );
        assert_eq!(run.rows.len(), 3);
    }

    /// The rule as first written: one pass in input order over a map of keepers.
    fn losers_by_map<'r, K: Hash + Eq>(
        rows: &'r [CallRow],
        key: impl Fn(&'r CallRow) -> Option<K>,
    ) -> RowSet {
        let mut keeper: HashMap<K, usize> = HashMap::new();
        let mut dropped = RowSet::new(rows.len());
        for (index, row) in rows.iter().enumerate() {
            let Some(key) = key(row) else { continue };
            match keeper.get(&key).copied() {
                None => {
                    keeper.insert(key, index);
                }
                Some(kept) if row.tokens.total() > rows[kept].tokens.total() => {
                    keeper.insert(key, index);
                    dropped.insert(kept);
                }
                Some(_) => dropped.insert(index),
            }
        }
        dropped
    }

    /// A key whose every value hashes alike.
    #[derive(PartialEq, Eq)]
    struct SameHash(u64);

    impl Hash for SameHash {
        fn hash<H: Hasher>(&self, state: &mut H) {
            0u8.hash(state);
        }
    }

    /// 2,000 fixture rows: one in five without a dedupe key, the others on 97 keys, with token
    /// totals of 0 to 3, so many duplicates tie and some outweigh the first.
    fn keyed_rows() -> Vec<(CallRow, String)> {
        let catalog = PriceCatalog::embedded().unwrap();
        let run = run_fixture("fixtures", &catalog, &ClassifyRules::default());
        run.rows
            .entries()
            .into_iter()
            .cycle()
            .take(2000)
            .enumerate()
            .map(|(i, (row, id))| {
                let row = CallRow {
                    source: 0,
                    dedupe_key: (i % 5 != 0).then_some((i * 7919 % 97) as u64),
                    tokens: TokenBuckets {
                        input: (i * 31 % 4) as u64,
                        ..TokenBuckets::default()
                    },
                    stated_cost: (i % 3 != 0).then(|| Money::from_pico(i as i128 * 1_000)),
                    ..row
                };
                (row, id)
            })
            .collect()
    }

    /// `rows` cut into pieces of `size`, as the pipeline would send them.
    fn pieces(rows: &[(CallRow, String)], size: usize) -> Vec<ChunkResult> {
        // Tables as long as the largest index the fixture rows use (the fixture tree grows).
        let span = rows
            .iter()
            .map(|(row, _)| row.model.max(row.tags).max(row.session) as usize + 1)
            .max()
            .unwrap_or(1);
        rows.chunks(size)
            .enumerate()
            .map(|(seq, rows)| ChunkResult {
                source: 0,
                seq: seq as u32,
                format: None,
                accounting: Accounting {
                    records: rows.len() as u64,
                    calls: rows.len() as u64,
                    ..Accounting::default()
                },
                models: vec!["m".into(); span],
                tag_sets: vec![TagSet::new(); span],
                sessions: vec![String::new(); span],
                rows: rows.iter().cloned().collect(),
                buckets: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn duplicates_merged_in_each_piece_first_leave_the_run_as_it_was() {
        let rows = keyed_rows();
        let whole = |pieces: Vec<ChunkResult>, keep_duplicates| {
            let mut assembler = Assembler::new(vec!["log".into()], None);
            for piece in pieces {
                assembler.push(piece);
            }
            assembler.finish(keep_duplicates)
        };
        // The cycled fixture rows repeat logged ids too: without `keep_duplicates` the run also
        // merges those, after the dedupe keys.
        for keep_duplicates in [true, false] {
            let expected = whole(pieces(&rows, 173), keep_duplicates);
            for size in [1, 7, 173, 2000] {
                let mut early = pieces(&rows, size);
                for piece in &mut early {
                    let entries = piece.rows.entries();
                    piece.rows = merge_piece_duplicates(entries, &mut piece.accounting);
                }
                let run = whole(early, keep_duplicates);
                assert!(run.rows == expected.rows, "pieces of {size}");
                assert_eq!(run.accounting, expected.accounting, "pieces of {size}");
                assert_eq!(run.sources, expected.sources, "pieces of {size}");
            }
            // The stated costs are those of the kept rows, each once.
            let kept: Vec<Money> = expected.rows.iter().filter_map(|r| r.stated_cost).collect();
            let source = &expected.sources[0];
            assert_eq!(source.stated_cost_calls, kept.len() as u64);
            assert_eq!(
                source.stated_cost,
                kept.into_iter().fold(Money::ZERO, |a, c| a + c)
            );
        }
        // 1,600 keyed rows on 97 keys keep 97; the 400 without a key all stay.
        let run = whole(pieces(&rows, 1), true);
        assert_eq!(run.rows.len(), 97 + 400);
        assert_eq!(
            run.accounting.skipped[&SkipReason::DuplicateContentBlock],
            1600 - 97
        );
    }

    /// The fixtures folder and every file in it.
    fn fixture_sources() -> (std::path::PathBuf, Vec<InputSource>) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let sources = crate::ingest::discover_sources(std::slice::from_ref(&root)).unwrap();
        (root, sources)
    }

    /// Every fixture file is small: read by the workers a bundle at a time, they give the run
    /// the reader gives when it reads each file and sends its pieces (every format, documents,
    /// CSV, compressed, empty, malformed and unrecognised files, and one that is gone).
    #[test]
    fn small_files_read_by_the_workers_give_the_run_of_one_file_a_job() {
        let catalog = PriceCatalog::embedded().unwrap();
        let rules = ClassifyRules::default();
        let (root, mut sources) = fixture_sources();
        assert!(sources.len() > 40, "{} fixture files", sources.len());
        let gone = InputSource::File(std::path::PathBuf::from("/nonexistent/gone.jsonl"));
        sources.insert(sources.len() / 2, gone);
        let dir = tempfile::tempdir().unwrap();
        let compressed = dir.path().join("codex.jsonl.zst");
        let codex =
            std::fs::read(root.join("logs/codex/rollout-2026-10-04T09-00-00-0199a1b2.jsonl"))
                .unwrap();
        std::fs::write(&compressed, zstd::encode_all(&codex[..], 0).unwrap()).unwrap();
        sources.insert(3, InputSource::File(compressed));
        let context = RowContext::plain(&catalog, &rules);
        let bundled = run(&sources, context, RunOptions::default());
        BUNDLES.with(|on| on.set(false));
        let alone = run(&sources, context, RunOptions::default());
        BUNDLES.with(|on| on.set(true));
        assert!(bundled.rows == alone.rows);
        assert_eq!(bundled.sources, alone.sources);
        assert_eq!(bundled.accounting, alone.accounting);
        assert_eq!(bundled.models, alone.models);
        assert_eq!(bundled.tag_sets, alone.tag_sets);
        assert_eq!(bundled.sessions, alone.sessions);
        assert_eq!(bundled.buckets, alone.buckets);
        assert!(bundled.accounting.errors > 0 && bundled.rows.len() > 40);
    }

    /// Calls kept in a temporary file, from the first piece on or from part way, are the calls
    /// kept in memory: after duplicates are dropped and retries grouped, which change them in
    /// place.
    #[test]
    fn calls_kept_in_a_file_are_the_calls_kept_in_memory() {
        let catalog = PriceCatalog::embedded().unwrap();
        let rules = ClassifyRules::default();
        let (_, sources) = fixture_sources();
        let context = RowContext::plain(&catalog, &rules);
        let in_memory = run(&sources, context, RunOptions::default());
        assert!(!in_memory.rows.spilled());
        let retried = (0..in_memory.rows.len())
            .filter(|&index| in_memory.rows.attempt_group(index).is_some())
            .count();
        assert!(retried > 0, "the fixtures hold retries");
        let across = in_memory.accounting.skipped[&SkipReason::DuplicateAcrossSources];
        assert!(across > 0, "and calls that two sources show");
        for limit in [0, 4096] {
            let options = RunOptions {
                spill_above: Some(limit),
                ..RunOptions::default()
            };
            let in_file = run(&sources, context, options);
            assert!(in_file.rows.spilled(), "above {limit} bytes");
            assert!(in_file.rows == in_memory.rows, "above {limit} bytes");
            assert_eq!(in_file.sources, in_memory.sources);
            assert_eq!(in_file.accounting, in_memory.accounting);
        }
    }

    /// Copilot CLI's session-state totals of a session and its OpenTelemetry export of the same
    /// session's calls are counted once, by the calls: the totals are dropped with their reason.
    #[test]
    fn a_sessions_totals_give_way_to_its_calls_read_from_another_source() {
        let catalog = PriceCatalog::embedded().unwrap();
        let rules = ClassifyRules::default();
        let context = RowContext::plain(&catalog, &rules);
        let home = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/home/.copilot");
        let events = home.join("session-state/5f2c9e14-8a37-4d0b-b6e1-3c7a90d4e812/events.jsonl");
        let session_state = InputSource::File(events);
        let totals_alone = run(
            std::slice::from_ref(&session_state),
            context,
            RunOptions::default(),
        );
        let summed = (0..totals_alone.rows.len())
            .filter(|&i| totals_alone.rows.get(i).flags.summed)
            .count();
        assert!(summed > 0, "the session-state fixture holds session totals");
        // The OTel export, as if it had logged that same session's claude-sonnet-4.5 calls.
        let otel = std::fs::read_to_string(home.join("otel/copilot-otel-2026-11-14.jsonl"))
            .unwrap()
            .replace(
                "6a0e2f7c-1d93-4b58-a2c4-90f3e71d5b06",
                "5f2c9e14-8a37-4d0b-b6e1-3c7a90d4e812",
            );
        let dir = tempfile::tempdir().unwrap();
        let otel_path = dir.path().join("copilot-otel.jsonl");
        std::fs::write(&otel_path, otel).unwrap();
        let otel = InputSource::AgentFile {
            path: otel_path,
            format: InputFormat::CopilotCliOtel,
        };
        let calls_alone = run(std::slice::from_ref(&otel), context, RunOptions::default());
        let both = run(&[session_state, otel], context, RunOptions::default());
        let dropped = both.accounting.skipped[&SkipReason::SessionReadPerCall];
        assert!(dropped > 0);
        assert_eq!(
            both.accounting.calls,
            totals_alone.accounting.calls + calls_alone.accounting.calls - dropped
        );
        // What is dropped is a total of the session and model the export logs, and nothing else.
        for i in 0..both.rows.len() {
            let row = both.rows.get(i);
            let session = &both.sessions[row.session as usize];
            let model = &both.models[row.model as usize];
            assert!(
                !(row.flags.summed
                    && session == "5f2c9e14-8a37-4d0b-b6e1-3c7a90d4e812"
                    && model == "claude-sonnet-4.5"),
                "a total of the session the export logs is kept"
            );
        }
    }

    /// Only small regular files go out unread; a pipe, whatever it holds, is read by the reader.
    #[test]
    fn only_small_regular_files_are_read_by_the_workers() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: usize| {
            let path = dir.path().join(name);
            std::fs::write(&path, vec![b'\n'; bytes]).unwrap();
            InputSource::File(path)
        };
        assert_eq!(small_file(&file("small.jsonl", 1_000)), Some(1_000));
        assert_eq!(small_file(&file("big.jsonl", CHUNK_BYTES / 2)), None);
        assert_eq!(small_file(&InputSource::Stdin), None);
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo");
        assert_eq!(small_file(&InputSource::File(fifo)), None);
    }

    /// A small file gone between the reader's look at it and the worker's read is an error
    /// on that file, as it is when the reader reads it; the files after it are read.
    #[test]
    fn a_small_file_gone_before_its_worker_reads_it_is_an_error_on_it() {
        let catalog = PriceCatalog::embedded().unwrap();
        let rules = ClassifyRules::default();
        let context = RowContext::plain(&catalog, &rules);
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/logs/openai/chat_and_responses.jsonl");
        let files = vec![
            (0, InputSource::File("/nonexistent/gone.jsonl".into())),
            (1, InputSource::File(fixture)),
        ];
        let reading = Reading {
            forced: None,
            max_line: DEFAULT_MAX_LINE_BYTES,
        };
        let results = read_files(files, reading, None, context, &BufferPool::default());
        assert_eq!(results[0].source, 0);
        assert_eq!(results[0].accounting.errors, 1);
        assert!(
            results[0].accounting.error_samples[0]
                .message
                .starts_with("cannot read:")
        );
        assert!(results[1..].iter().all(|r| r.source == 1));
        assert!(results[1..].iter().map(|r| r.rows.len()).sum::<usize>() > 0);
    }

    #[test]
    fn losers_are_those_of_one_pass_over_a_map_even_when_keys_share_a_hash() {
        let entries = keyed_rows();
        let plain: Vec<CallRow> = entries.iter().map(|(row, _)| *row).collect();
        let rows: Rows = entries.into_iter().collect();
        let tokens = |index| rows.get(index).tokens.total();
        let dropped = losers(rows.len(), None, |index| dedupe_key(&rows, index), tokens);
        assert_eq!(dropped, losers_by_map(&plain, |row| row.dedupe_key));
        // 1,600 keyed rows on 97 keys keep 97.
        assert_eq!(dropped.len(), 1600 - 97);
        // The same with every key on one hash, and with the pairs sorted through a file in
        // runs of 7.
        for (limit, same_hash) in [(None, true), (Some(16 * 7), false), (Some(16 * 7), true)] {
            let found = match same_hash {
                true => losers(
                    rows.len(),
                    limit,
                    |index| dedupe_key(&rows, index).map(SameHash),
                    tokens,
                ),
                false => losers(rows.len(), limit, |index| dedupe_key(&rows, index), tokens),
            };
            assert_eq!(found, dropped, "{limit:?} {same_hash}");
        }
        // Shared hashes settled a few rows at a time, on three threads.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        for block_rows in [1, 10, 333] {
            let key = |index| dedupe_key(&rows, index);
            let found =
                pool.install(|| losers_settled_by(rows.len(), None, key, tokens, block_rows));
            assert_eq!(found, dropped, "{block_rows}");
        }
    }
}

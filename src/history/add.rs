//! `history add`: reads logs as `analyze` does and stores what each source gave before
//! anything was merged across sources — its calls (Parquet, one file per month) and its counts
//! (the commit record) — so a later run puts them together exactly as `analyze` would.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use anyhow::Context;
use polars::prelude::{KeyValueMetadata, ParquetCompression, ParquetWriter};
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::commit::{
    CALLS, Commit, DataFile, Fingerprint, Live, MARKER, MARKER_KIND, Reading, Settings, State,
    month_of,
};
use super::schema::{Origin, SCHEMA_VERSION, StoredCall, VERSION_KEY, history_schema, to_frame};
use super::store::Store;
use crate::commands::analyze::InputSettings;
use crate::ingest::InputSource;
use crate::pipeline::{ChunkResult, Interner, RowContext, run_selected};

/// Calls per Parquet row group: what a writer holds decoded before it writes them, and what a
/// reader decodes at once ([`super::read::read_groups`]), so both stay in the tens of MB.
pub const ROWS_PER_GROUP: usize = 16_384;

/// Set by tests: the addition stops (the process aborts) just before its commit record.
pub const ABORT_VARIABLE: &str = "LLM_AUDIT_TEST_ABORT";

/// What one `history add` did.
#[derive(Debug, Default)]
pub struct Added {
    /// Sources read and stored (new or changed).
    pub read: usize,
    /// Sources already stored as they are now.
    pub unchanged: usize,
    /// Of `read`, sources stored before and read again because they changed.
    pub replaced: usize,
    /// Calls stored by this addition.
    pub calls: u64,
    /// Sources that could not be read to their end: not stored, and the command fails.
    pub failed: Vec<(String, String)>,
}

/// The store's marker, written once.
pub fn ensure_marker(store: &Store) -> anyhow::Result<()> {
    let marker = serde_json::json!({ "kind": MARKER_KIND, "schema": SCHEMA_VERSION });
    match store.get(MARKER)? {
        Some(bytes) => {
            let found: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            anyhow::ensure!(
                found.get("kind").and_then(|k| k.as_str()) == Some(MARKER_KIND),
                "{}: not an llm-audit history (its STORE file says otherwise)",
                store.location
            );
        }
        None => {
            store.put(MARKER, marker.to_string().into_bytes(), true)?;
        }
    }
    Ok(())
}

/// What tells whether `source` changed since it was stored: size and modification time, and
/// (when those differ from the stored ones) a hash of its bytes.
fn fingerprint(source: &InputSource, stored: Option<&Fingerprint>) -> std::io::Result<Fingerprint> {
    match source {
        // A store that gives no version tag (an ETag) has the object's bytes hashed instead.
        InputSource::Object(object) if object.e_tag.is_some() => Ok(Fingerprint {
            size: object.size,
            e_tag: object.e_tag.clone(),
            ..Fingerprint::default()
        }),
        InputSource::Object(object) => Ok(Fingerprint {
            size: object.size,
            hash: Some(hash_bytes(crate::ingest::remote::open(object)?)?),
            ..Fingerprint::default()
        }),
        _ => {
            let path = source.local_path().unwrap_or(Path::new(""));
            let meta = std::fs::metadata(path)?;
            let modified_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_nanos() as i128);
            let quick = Fingerprint {
                size: meta.len(),
                modified_ns,
                hash: stored.and_then(|s| s.hash),
                e_tag: None,
            };
            if stored == Some(&quick) {
                return Ok(quick);
            }
            Ok(Fingerprint {
                hash: Some(hash_bytes(File::open(path)?)?),
                ..quick
            })
        }
    }
}

/// XXH3-64 of everything `source` reads.
fn hash_bytes(source: impl Read) -> std::io::Result<u64> {
    let mut hasher = Xxh3::new();
    let mut reader = BufReader::with_capacity(1 << 20, source);
    let mut buffer = vec![0; 1 << 20];
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            return Ok(hasher.digest());
        }
        hasher.update(&buffer[..n]);
    }
}

/// Whether a stored reading is of the same bytes as `now`.
fn same_content(stored: &Fingerprint, now: &Fingerprint) -> bool {
    stored.size == now.size
        && match (&stored.e_tag, &now.e_tag, stored.hash, now.hash) {
            (Some(a), Some(b), _, _) => a == b,
            (_, _, Some(a), Some(b)) => a == b,
            _ => false,
        }
}

/// The calls of one month, written as they come.
struct MonthFile {
    file: tempfile::NamedTempFile,
    writer: polars::prelude::BatchedWriter<File>,
    pending: Vec<StoredCall>,
    rows: u64,
}

/// Where an addition (or a compaction) puts its calls: a Parquet file per month, written a
/// row group at a time.
pub struct Writer {
    months: BTreeMap<String, MonthFile>,
    /// The machine and source of each reading, by index.
    machines: Vec<String>,
    sources: Vec<String>,
}

/// A Parquet writer of [`history_schema`] files, zstd-compressed, with the schema version in
/// the file's key-value metadata.
fn parquet_writer(
    out: File,
) -> polars::prelude::PolarsResult<polars::prelude::BatchedWriter<File>> {
    let metadata = KeyValueMetadata::from_static(vec![
        (VERSION_KEY.to_string(), SCHEMA_VERSION.to_string()),
        (
            "llm-audit.version".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ]);
    ParquetWriter::new(out)
        .with_compression(ParquetCompression::Zstd(None))
        .with_key_value_metadata(Some(metadata))
        .batched(&history_schema())
}

/// One whole data file holding `calls`, in row groups of [`ROWS_PER_GROUP`].
pub fn write_file(calls: &[StoredCall], origin: &Origin<'_>) -> anyhow::Result<Vec<u8>> {
    let file = tempfile::NamedTempFile::new().context("creating a temporary file")?;
    let mut writer = parquet_writer(file.reopen()?)?;
    for group in calls.chunks(ROWS_PER_GROUP) {
        writer.write_batch(&to_frame(group, origin)?)?;
    }
    writer.finish()?;
    std::fs::read(file.path()).context("reading back a written Parquet file")
}

/// A month's finished file, in a temporary file until it is stored.
pub struct MonthDone {
    month: String,
    rows: u64,
    file: tempfile::NamedTempFile,
}

impl Writer {
    /// A writer of calls of the readings whose machines and sources are given, by index.
    pub fn new(machines: Vec<String>, sources: Vec<String>) -> Writer {
        Writer {
            months: BTreeMap::new(),
            machines,
            sources,
        }
    }

    pub fn push(&mut self, call: StoredCall) -> anyhow::Result<()> {
        let month = month_of(call.row.timestamp_ms);
        if !self.months.contains_key(&month) {
            let file = tempfile::NamedTempFile::new().context("creating a temporary file")?;
            let writer = parquet_writer(file.reopen()?)?;
            self.months.insert(
                month.clone(),
                MonthFile {
                    file,
                    writer,
                    pending: Vec::new(),
                    rows: 0,
                },
            );
        }
        let full = {
            let month = self.months.get_mut(&month).expect("inserted above");
            month.pending.push(call);
            month.pending.len() >= ROWS_PER_GROUP
        };
        if full {
            self.flush(&month)?;
        }
        Ok(())
    }

    fn flush(&mut self, month: &str) -> anyhow::Result<()> {
        let file = self.months.get_mut(month).expect("a month being written");
        if file.pending.is_empty() {
            return Ok(());
        }
        let origin = Origin {
            machines: &self.machines,
            sources: &self.sources,
        };
        let frame = to_frame(&file.pending, &origin)?;
        file.writer.write_batch(&frame)?;
        file.rows += file.pending.len() as u64;
        file.pending.clear();
        Ok(())
    }

    /// Finishes every month's file.
    pub fn finish(mut self) -> anyhow::Result<Vec<MonthDone>> {
        let months: Vec<String> = self.months.keys().cloned().collect();
        let mut out = Vec::new();
        for month in months {
            self.flush(&month)?;
            let file = self.months.remove(&month).expect("listed above");
            file.writer.finish()?;
            out.push(MonthDone {
                month,
                rows: file.rows,
                file: file.file,
            });
        }
        Ok(out)
    }
}

/// Stores each finished month as `calls/month=<month>/<id>.parquet`; returns what the commit
/// lists.
pub fn store_files(
    store: &Store,
    id: &str,
    months: Vec<MonthDone>,
) -> anyhow::Result<Vec<DataFile>> {
    let mut files = Vec::new();
    for done in months {
        let key = format!("{CALLS}month={}/{id}.parquet", done.month);
        let bytes =
            std::fs::read(done.file.path()).context("reading back a written Parquet file")?;
        store.put(&key, bytes, false)?;
        files.push(DataFile {
            key,
            month: done.month,
            rows: done.rows,
        });
    }
    Ok(files)
}

/// The reading of one source being put together from its pieces.
struct Building {
    reading: Reading,
    models: Interner<String>,
    days: std::collections::BTreeSet<i64>,
    ordinal: u32,
    /// For a source read before: the reading this one replaces, and the ids of the calls read
    /// now (calls of the old reading missing from this one are kept apart).
    previous: Option<(Live, HashSet<String>)>,
}

impl Building {
    fn new(reading: Reading, previous: Option<Live>) -> Building {
        Building {
            reading,
            models: Interner::default(),
            days: Default::default(),
            ordinal: 0,
            previous: previous.map(|at| (at, HashSet::new())),
        }
    }

    /// Counts one call of the reading and writes it.
    fn push(&mut self, mut call: StoredCall, writer: &mut Writer) -> anyhow::Result<()> {
        let target = &mut self.reading;
        let ms = call.row.timestamp_ms;
        *target.months.entry(month_of(ms)).or_default() += 1;
        target.rows += 1;
        if let Some(ms) = ms {
            self.days.insert(ms.div_euclid(86_400_000));
            target.first_ms = Some(target.first_ms.map_or(ms, |f| f.min(ms)));
            target.last_ms = Some(target.last_ms.map_or(ms, |l| l.max(ms)));
        }
        if let Some((_, ids)) = &mut self.previous {
            ids.insert(call.id.clone());
        }
        call.ordinal = self.ordinal;
        self.ordinal += 1;
        writer.push(call)
    }

    fn finish(mut self) -> Reading {
        self.reading.models = self.models.into_items();
        self.reading.days = self.days.into_iter().collect();
        self.reading
    }
}

/// A reading of `source` by this addition, before anything is counted.
fn empty_reading(machine: &str, source: String, seq: u64, id: &str, print: Fingerprint) -> Reading {
    Reading {
        machine: machine.to_string(),
        source,
        added_seq: seq,
        added_id: id.to_string(),
        fingerprint: print,
        format: None,
        agent: None,
        accounting: Default::default(),
        buckets: Vec::new(),
        models: Vec::new(),
        rows: 0,
        months: BTreeMap::new(),
        first_ms: None,
        last_ms: None,
        days: Vec::new(),
        failed: None,
    }
}

/// Reads the sources of `input` that are new or changed since the store last saw them, and
/// commits their calls as one addition of `machine`.
pub fn add(
    store: &Store,
    input: &InputSettings,
    machine: &str,
    reread: bool,
    text_tokens: bool,
) -> anyhow::Result<Added> {
    let _lock = store.lock()?;
    ensure_marker(store)?;
    let state = State::load(store)?;
    let live = state.live();
    let store_root = store
        .local_root()
        .and_then(|root| std::path::absolute(root).ok());
    let mut added = Added::default();
    let names: Vec<String> = input
        .sources
        .iter()
        .map(InputSource::display_name)
        .collect();
    // The sources to read (new or changed), by index, with their fingerprint and the reading
    // they replace.
    let mut chosen: Vec<(usize, Fingerprint, Option<Live>)> = Vec::new();
    for (index, source) in input.sources.iter().enumerate() {
        if matches!(source, InputSource::Stdin) {
            anyhow::bail!("`history add` stores files and objects it can read again, not stdin");
        }
        if let (Some(root), Some(path)) = (&store_root, source.local_path())
            && path.starts_with(root)
        {
            continue;
        }
        let at = live
            .get(&(machine.to_string(), names[index].clone()))
            .copied();
        let stored = at.map(|l| state.reading(l));
        if let InputSource::Unreadable { path, reason } = source {
            added
                .failed
                .push((path.display().to_string(), reason.clone()));
            continue;
        }
        let now = match fingerprint(source, stored.map(|r| &r.fingerprint)) {
            Ok(now) => now,
            Err(err) => {
                added.failed.push((names[index].clone(), err.to_string()));
                continue;
            }
        };
        if !reread && stored.is_some_and(|r| same_content(&r.fingerprint, &now)) {
            added.unchanged += 1;
            continue;
        }
        added.replaced += usize::from(stored.is_some());
        chosen.push((index, now, at));
    }
    if chosen.is_empty() {
        return Ok(added);
    }

    let mut commit = Commit::next(
        &state,
        machine,
        Settings {
            rules: xxh3_64(format!("{:?}", input.rules).as_bytes()),
            input_format: input.options.forced_format,
            text_tokens,
        },
    );
    let (id, seq) = (commit.id.clone(), commit.seq);
    let count_all: Vec<bool> = if text_tokens {
        vec![true; input.catalog.entries().len()]
    } else {
        Vec::new()
    };
    let context = RowContext {
        count_text_tokens: &count_all,
        keep_all_tags: true,
        ..input.context()
    };
    // A reading per chosen source, numbered in input order.
    let reading_of: HashMap<u32, u32> = chosen
        .iter()
        .enumerate()
        .map(|(reading, (source, _, _))| (*source as u32, reading as u32))
        .collect();
    let mut building: Vec<Building> = chosen
        .into_iter()
        .map(|(index, print, previous)| {
            let mut reading = empty_reading(machine, names[index].clone(), seq, &id, print);
            reading.agent = input.sources[index]
                .known_format()
                .and_then(|format| format.agent_name())
                .map(str::to_string);
            Building::new(reading, previous)
        })
        .collect();
    let mut writer = Writer::new(
        vec![machine.to_string(); building.len()],
        building.iter().map(|b| b.reading.source.clone()).collect(),
    );
    let catalog = &input.catalog;
    let mut failure = None;
    run_selected(
        &input.sources,
        context,
        input.options,
        |index| reading_of.contains_key(&index),
        |piece: ChunkResult| {
            if failure.is_some() {
                return;
            }
            let reading = reading_of[&piece.source];
            let building = &mut building[reading as usize];
            if let Err(err) = take_piece(building, reading, piece, catalog, &mut writer) {
                failure = Some(err);
            }
        },
    );
    if let Some(err) = failure {
        return Err(err);
    }
    let residuals = keep_lost_calls(store, &state, &mut building, &mut writer, &commit.created)?;
    building.extend(residuals);
    let months = writer.finish()?;

    // A source that failed part way does not count: its old reading stays in effect. (Its
    // calls are in the files, under a reading that says it failed, so indices stay put.)
    let mut readings = Vec::new();
    for mut building in building {
        if let Some(failure) = building.reading.accounting.read_failures.first() {
            let message = failure.message.clone();
            added
                .failed
                .push((building.reading.source.clone(), message.clone()));
            building.reading.failed = Some(message);
        } else {
            added.read += 1;
            added.calls += building.reading.rows;
        }
        readings.push(building.finish());
    }
    if added.read == 0 {
        return Ok(added);
    }
    commit.files = store_files(store, &id, months)?;
    commit.readings = readings;
    if std::env::var(ABORT_VARIABLE).as_deref() == Ok("history-before-commit") {
        std::process::abort();
    }
    commit.put(store)?;
    Ok(added)
}

/// Adds one piece of a source's reading: its counts to the reading, its calls to the files.
fn take_piece(
    building: &mut Building,
    reading: u32,
    mut piece: ChunkResult,
    catalog: &crate::pricing::PriceCatalog,
    writer: &mut Writer,
) -> anyhow::Result<()> {
    let target = &mut building.reading;
    if target.format.is_none() {
        target.format = piece.format;
    }
    // A reading names no source: the run that reads it back puts it in its place.
    piece.move_to(0);
    target.accounting.merge(piece.accounting);
    target.buckets.extend(piece.buckets);
    building.models.merge(piece.models.clone());
    for index in 0..piece.rows.len() {
        let row = piece.rows.get(index);
        let call = StoredCall {
            reading,
            ordinal: 0,
            id: piece.rows.call_id(index).to_string(),
            model: piece.models[row.model as usize].clone(),
            catalog_id: row.price.map(|p| catalog.entry(p).id.clone()),
            session: piece.sessions[row.session as usize].clone(),
            tags: piece.tag_sets[row.tags as usize].clone(),
            row,
        };
        building.push(call, writer)?;
    }
    Ok(())
}

/// For each source read again, the calls its earlier reading held that this one no longer
/// does (a log truncated or rewritten in place): they are kept as a reading of their own,
/// `<source> (before <time>)`, so no call the history has seen is lost.
fn keep_lost_calls(
    store: &Store,
    state: &State,
    building: &mut [Building],
    writer: &mut Writer,
    created: &str,
) -> anyhow::Result<Vec<Building>> {
    let mut residuals = Vec::new();
    for current in building.iter() {
        let Some((at, ids)) = &current.previous else {
            continue;
        };
        if !current.reading.accounting.read_failures.is_empty() {
            continue;
        }
        let old = state.reading(*at);
        let mut lost = Vec::new();
        for file in &state.commits[at.commit].files {
            if state.forgotten(&file.month) {
                continue;
            }
            lost.extend(
                super::read::read_file(store, &file.key)?
                    .into_iter()
                    .filter(|call| call.reading as usize == at.reading && !ids.contains(&call.id)),
            );
        }
        if lost.is_empty() {
            continue;
        }
        lost.sort_by_key(|call| call.ordinal);
        let index = writer.sources.len() as u32;
        let source = format!("{} (before {created})", old.source);
        writer.sources.push(source.clone());
        writer.machines.push(current.reading.machine.clone());
        let mut reading = empty_reading(
            &current.reading.machine,
            source,
            current.reading.added_seq,
            &current.reading.added_id,
            Fingerprint::default(),
        );
        reading.format = old.format;
        reading.agent = old.agent.clone();
        reading.accounting.records = lost.len() as u64;
        reading.accounting.calls = lost.len() as u64;
        let mut residual = Building::new(reading, None);
        for mut call in lost {
            residual.models.intern(call.model.as_str());
            call.reading = index;
            residual.push(call, writer)?;
        }
        residuals.push(residual);
    }
    Ok(residuals)
}

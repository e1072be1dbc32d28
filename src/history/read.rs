//! `analyze --history`: the stored readings, plus any logs named, put together as one run.
//! Each source's reading becomes the piece `analyze` would have made of it, and the pieces go
//! through the same [`Assembler`] in the order `analyze` reads sources, so duplicates, retries
//! and session totals are worked out over every stored call at once, by the same rules.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use polars::prelude::{ParquetReader, SerReader};

use super::commit::{Identity, Live, NO_MONTH, Reading, State, month_start_ms};
use super::schema::{StoredCall, from_frame};
use super::store::{Store, StoreError};
use crate::commands::analyze::InputSettings;
use crate::pipeline::{
    Accounting, Assembler, ChunkResult, Interner, RowContext, Rows, RunOutput, TagSet, run_selected,
};

/// Which months to read: calls outside `[since, until)` cannot be kept by the run's filter,
/// so their files are not opened.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
}

/// A margin around the window, for retries and sessions that cross its edges.
const MARGIN_MS: i64 = 24 * 3_600_000;

impl Window {
    /// Whether calls of `month` (`YYYY-MM` or `none`) may be inside the window.
    fn keeps(&self, month: &str) -> bool {
        if self.since_ms.is_none() && self.until_ms.is_none() {
            return true;
        }
        if month == NO_MONTH {
            return false;
        }
        let Some(start) = month_start_ms(month) else {
            return true;
        };
        let end = chrono::DateTime::from_timestamp_millis(start)
            .and_then(|t| t.checked_add_months(chrono::Months::new(1)))
            .map_or(i64::MAX, |t| t.timestamp_millis());
        self.since_ms.is_none_or(|since| end > since - MARGIN_MS)
            && self.until_ms.is_none_or(|until| start < until + MARGIN_MS)
    }
}

/// Where a source falls in the run's order ([`order_key`]): another machine's, the machine,
/// the agent's place in the registry (for a file found as a coding agent's data), then the
/// name (a path by its components, or the whole name).
type OrderKey = (bool, String, usize, Vec<String>);

/// One source of the run: a stored reading, or a log named with `--history`.
enum Part {
    Stored(Live),
    Named(u32),
}

/// The order `analyze` reads sources in, this machine's before others': the coding agents'
/// files in registry order, each agent's by name (as `analyze` without a path finds them),
/// then files named on a command line in a folder walk's order (paths by component), objects
/// by URL.
fn order_key(machine: &str, here: &str, source: &str, agent: Option<&str>) -> OrderKey {
    let rank = agent.map_or(usize::MAX, |name| {
        crate::ingest::agent_names()
            .iter()
            .position(|&known| known == name)
            .unwrap_or(usize::MAX - 1)
    });
    // An agent's files are sorted by name, a bucket's objects by URL (as listing sorts them).
    let parts = if agent.is_some() || crate::ingest::is_object_url(source) {
        vec![source.to_string()]
    } else {
        Path::new(source)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    };
    (machine != here, machine.to_string(), rank, parts)
}

/// Puts the store's readings in effect and the `input` sources together into one run.
pub fn assemble(
    store: &Store,
    input: &InputSettings,
    machine: &str,
    window: Window,
) -> Result<RunOutput, StoreError> {
    // A compaction or forgetting that ran since the commits were listed may have removed a
    // file they name: the second listing sees the commit that replaced it.
    let state = State::load(store)?;
    match stored_calls(store, &state, input, machine, window) {
        Ok(stored) => Ok(put_together(&state, stored, input, machine)),
        Err(_) => {
            let state = State::load(store)?;
            let stored = stored_calls(store, &state, input, machine, window)?;
            Ok(put_together(&state, stored, input, machine))
        }
    }
}

/// The run's sources in order, with the stored calls of each and how many of its calls the
/// window or a `forget` left out.
struct Stored {
    parts: Vec<(OrderKey, Part)>,
    calls: Vec<Option<Piece>>,
    /// Every stored call read, encoded as the pipeline holds calls (in a temporary file past
    /// `--spill-above`, as a run's calls are), in the order the files were read.
    rows: Rows,
    pruned: Vec<u64>,
    named: Vec<String>,
}

/// A stored reading's calls as they are read back, priced and masked for this run: its names,
/// and where its calls are among the rows read, by their place in the reading.
struct Piece {
    models: Interner<String>,
    tag_sets: Interner<TagSet>,
    sessions: Interner<String>,
    /// `(ordinal, index into the rows read)` of each call.
    calls: Vec<(u32, u32)>,
}

impl Piece {
    fn new(reading: &Reading) -> Piece {
        let mut models = Interner::default();
        for name in &reading.models {
            models.intern(name.as_str());
        }
        Piece {
            models,
            tag_sets: Interner::starting_with(TagSet::new()),
            sessions: Interner::starting_with(String::new()),
            calls: Vec::new(),
        }
    }

    /// Adds a stored call as `analyze` would have built its row with this run's settings:
    /// priced with its catalog, with the tags it keeps and the token counts it asks for.
    fn push(&mut self, call: StoredCall, context: &RowContext<'_>, rows: &mut Rows, at: u32) {
        let mut row = call.row;
        row.model = self.models.intern(call.model.as_str());
        row.session = if call.session.is_empty() {
            0
        } else {
            self.sessions.intern(call.session.as_str())
        };
        // Stored tags are sorted and one a key already: keeping some keeps them so.
        let kept: TagSet = call
            .tags
            .into_iter()
            .filter(|(key, _)| context.keeps_tag(key))
            .collect();
        row.tags = if kept.is_empty() {
            0
        } else {
            self.tag_sets.insert(kept)
        };
        row.price_with(&call.model, context.catalog);
        if !context.counts_text(row.price) {
            row.text_tokens = None;
        }
        rows.push(&row, &call.id);
        self.calls.push((call.ordinal, at));
    }
}

/// A reading's rows, out of all the rows read, in the order the reading held them (files are
/// by month, so a reading that spans months comes back in pieces).
fn in_order(all: &Rows, mut calls: Vec<(u32, u32)>) -> Rows {
    calls.sort_unstable();
    let mut rows = Rows::with_capacity(calls.len(), calls.len() * 128);
    for (_, at) in calls {
        rows.push(&all.get(at as usize), all.call_id(at as usize));
    }
    rows
}

fn stored_calls(
    store: &Store,
    state: &State,
    input: &InputSettings,
    machine: &str,
    window: Window,
) -> Result<Stored, StoreError> {
    let live = state.live();
    let named: Vec<String> = input
        .sources
        .iter()
        .map(crate::ingest::InputSource::display_name)
        .collect();
    let mut parts: Vec<(OrderKey, Part)> = Vec::new();
    let named_ids: std::collections::HashSet<Identity> = named
        .iter()
        .map(|name| (machine.to_string(), name.clone()))
        .collect();
    for (identity, &at) in &live {
        if !named_ids.contains(identity) {
            parts.push((
                order_key(
                    &identity.0,
                    machine,
                    &identity.1,
                    state.reading(at).agent.as_deref(),
                ),
                Part::Stored(at),
            ));
        }
    }
    for (index, name) in named.iter().enumerate() {
        let agent = input.sources[index]
            .known_format()
            .and_then(|format| format.agent_name());
        parts.push((
            order_key(machine, machine, name, agent),
            Part::Named(index as u32),
        ));
    }
    parts.sort_by(|a, b| a.0.cmp(&b.0));

    // Stored calls of the readings in effect, by reading.
    let wanted: HashMap<Live, usize> = parts
        .iter()
        .enumerate()
        .filter_map(|(position, (_, part))| match part {
            Part::Stored(at) => Some((*at, position)),
            Part::Named(_) => None,
        })
        .collect();
    let mut calls: Vec<Option<Piece>> = parts
        .iter()
        .map(|(_, part)| match part {
            Part::Stored(at) => Some(Piece::new(state.reading(*at))),
            Part::Named(_) => None,
        })
        .collect();
    let mut pruned: Vec<u64> = vec![0; parts.len()];
    let context = input.context();
    let mut rows = input
        .options
        .spill_above
        .map_or_else(Rows::new, Rows::spilling_above);
    for (c, commit) in state.commits.iter().enumerate() {
        if !commit.readings.iter().enumerate().any(|(r, _)| {
            wanted.contains_key(&Live {
                commit: c,
                reading: r,
            })
        }) {
            continue;
        }
        for file in &commit.files {
            if state.forgotten(&file.month) || !window.keeps(&file.month) {
                continue;
            }
            read_groups(store, &file.key, |group| {
                let mut batch = Rows::new();
                for call in group {
                    let at = Live {
                        commit: c,
                        reading: call.reading as usize,
                    };
                    if let Some(piece) = wanted.get(&at).and_then(|&p| calls[p].as_mut()) {
                        let index = (rows.len() + batch.len()) as u32;
                        piece.push(call, &context, &mut batch, index);
                    }
                }
                rows.append(batch, |numbers| numbers);
            })?;
        }
    }
    for (position, (_, part)) in parts.iter().enumerate() {
        if let Part::Stored(at) = part {
            let reading = state.reading(*at);
            pruned[position] =
                reading.calls_in(|month| state.forgotten(month) || !window.keeps(month));
        }
    }

    Ok(Stored {
        parts,
        calls,
        rows,
        pruned,
        named,
    })
}

/// The run: stored readings rebuilt as pieces, the named logs read, all assembled in order.
fn put_together(state: &State, stored: Stored, input: &InputSettings, machine: &str) -> RunOutput {
    let Stored {
        parts,
        calls,
        rows,
        pruned,
        named,
    } = stored;
    let names: Vec<String> = parts
        .iter()
        .map(|(_, part)| match part {
            Part::Stored(at) => {
                let reading = state.reading(*at);
                if reading.machine == machine {
                    reading.source.clone()
                } else {
                    format!("{}:{}", reading.machine, reading.source)
                }
            }
            Part::Named(index) => named[*index as usize].clone(),
        })
        .collect();
    let mut assembler = Assembler::new(names, input.options.spill_above);
    let mut named_pieces: Vec<Vec<ChunkResult>> = (0..named.len()).map(|_| Vec::new()).collect();
    if !named.is_empty() {
        run_selected(
            &input.sources,
            input.context(),
            input.options,
            |_| true,
            |piece| named_pieces[piece.source as usize].push(piece),
        );
    }
    let mut named_pieces = named_pieces.into_iter().map(Some).collect::<Vec<_>>();
    for (position, ((_, part), stored)) in parts.iter().zip(calls).enumerate() {
        let source = position as u32;
        match (part, stored) {
            (Part::Stored(at), Some(piece)) => {
                let reading = state.reading(*at);
                assembler.push(rebuild(source, reading, piece, &rows, pruned[position]));
            }
            (Part::Stored(_), None) => unreachable!("every stored part has a piece"),
            (Part::Named(index), _) => {
                for mut piece in named_pieces[*index as usize].take().unwrap_or_default() {
                    piece.move_to(source);
                    assembler.push(piece);
                }
            }
        }
    }
    let machines = parts
        .iter()
        .map(|(_, part)| match part {
            Part::Stored(at) => state.reading(*at).machine.clone(),
            Part::Named(_) => machine.to_string(),
        })
        .collect::<Vec<_>>();
    let mut run = assembler.finish(input.options.keep_duplicates);
    for (summary, name) in run.sources.iter_mut().zip(machines) {
        summary.machine = Some(name.into());
    }
    run
}

/// Calls decoded at once: a file is read a row group at a time, so a month of a million
/// calls is never decoded whole.
const ROWS_PER_SLICE: usize = super::add::ROWS_PER_GROUP;

/// Hands the calls of one data file to `take`, a slice at a time.
pub(crate) fn read_groups(
    store: &Store,
    key: &str,
    mut take: impl FnMut(Vec<StoredCall>),
) -> Result<(), StoreError> {
    let corrupt = |what: String| StoreError {
        location: store.location.clone(),
        what: format!("{key}: {what}"),
    };
    let parquet =
        |err: polars::prelude::PolarsError| corrupt(format!("not a readable Parquet file ({err})"));
    let bytes = match store.local_root() {
        Some(_) => None,
        None => {
            Some(bytes::Bytes::from(store.get(key)?.ok_or_else(|| {
                corrupt("listed in a commit, but missing".into())
            })?))
        }
    };
    let open =
        || -> Result<ParquetReader<Box<dyn polars::io::mmap::MmapBytesReader>>, StoreError> {
            let reader: Box<dyn polars::io::mmap::MmapBytesReader> =
                match (&bytes, store.local_root()) {
                    (Some(bytes), _) => Box::new(Cursor::new(bytes.clone())),
                    (None, Some(root)) => Box::new(
                        std::fs::File::open(root.join(key)).map_err(|e| corrupt(e.to_string()))?,
                    ),
                    (None, None) => unreachable!("a remote store's file is fetched above"),
                };
            Ok(ParquetReader::new(reader))
        };
    let rows = open()?.num_rows().map_err(parquet)?;
    let mut offset = 0;
    while offset < rows {
        let len = ROWS_PER_SLICE.min(rows - offset);
        let frame = open()?
            .with_slice(Some((offset, len)))
            .finish()
            .map_err(parquet)?;
        take(from_frame(&frame).map_err(corrupt)?);
        offset += len;
    }
    Ok(())
}

/// The calls of one data file.
pub(crate) fn read_file(store: &Store, key: &str) -> Result<Vec<StoredCall>, StoreError> {
    let mut calls = Vec::new();
    read_groups(store, key, |group| calls.extend(group))?;
    Ok(calls)
}

/// The piece `analyze` would have made of a stored reading.
fn rebuild(source: u32, reading: &Reading, piece: Piece, all: &Rows, pruned: u64) -> ChunkResult {
    let Piece {
        models,
        tag_sets,
        sessions,
        calls,
    } = piece;
    let (models, tag_sets, sessions) = (
        models.into_items(),
        tag_sets.into_items(),
        sessions.into_items(),
    );
    let mut accounting: Accounting = reading.accounting.clone();
    if pruned > 0 {
        accounting.calls = accounting.calls.saturating_sub(pruned);
        *accounting
            .skipped
            .entry(crate::ingest::SkipReason::Filtered)
            .or_default() += pruned;
    }
    let mut piece = ChunkResult {
        source,
        seq: 0,
        format: reading.format,
        accounting,
        models,
        tag_sets,
        sessions,
        rows: in_order(all, calls),
        buckets: reading.buckets.clone(),
    };
    // The reading's calls, counts and billing lines name its source in the run.
    piece.move_to(source);
    piece
}

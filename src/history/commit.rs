//! Commit records: one JSON file per addition under `additions/`, written after its data files,
//! so its presence commits them. A reader lists the records, never the data folder: the files
//! of an addition killed before its record are invisible.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::schema::SCHEMA_VERSION;
use super::store::{Store, StoreError};
use crate::ingest::InputFormat;
use crate::pipeline::{Accounting, BucketRow};

/// Folder of the commit records.
pub const ADDITIONS: &str = "additions/";
/// Folder of the data files, one subfolder per month (`month=2026-05`, `month=none`).
pub const CALLS: &str = "calls/";
/// The month folder of calls without a time.
pub const NO_MONTH: &str = "none";
/// The month folder of a call made at `ms` (UTC): `YYYY-MM`, or [`NO_MONTH`].
pub fn month_of(ms: Option<i64>) -> String {
    ms.and_then(chrono::DateTime::from_timestamp_millis)
        .map_or_else(|| NO_MONTH.to_string(), |t| t.format("%Y-%m").to_string())
}

/// When the month folder `month` starts, in ms since the epoch (UTC); `None` for
/// [`NO_MONTH`] or a name that is not a month.
pub fn month_start_ms(month: &str) -> Option<i64> {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .map(|start| start.and_utc().timestamp_millis())
}

/// Whether the calls of `month` fall before the month `before` (calls without a time never
/// do): what `history forget --before` removes.
pub fn before_month(month: &str, before: &str) -> bool {
    month != NO_MONTH && month < before
}

/// The file that marks a folder as a history store.
pub const MARKER: &str = "STORE";
/// What [`MARKER`] holds.
pub const MARKER_KIND: &str = "llm-audit history";

/// One addition (or compaction, or forgetting): what it read and the files holding its calls.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Commit {
    pub schema: u32,
    /// Unique name: UTC time, machine and a random part.
    pub id: String,
    /// 1 + the largest sequence number listed when it was written; commits are applied in
    /// `(seq, id)` order.
    pub seq: u64,
    pub machine: String,
    /// RFC 3339 UTC.
    pub created: String,
    pub tool_version: String,
    pub settings: Settings,
    pub files: Vec<DataFile>,
    pub readings: Vec<Reading>,
    /// Commits whose readings and files this one holds instead (a compaction).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replaces: Vec<String>,
    /// Months before this one (`YYYY-MM`) are forgotten.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forget_before: Option<String>,
}

impl Commit {
    /// An empty commit by `machine`, numbered after every commit of `state`.
    pub fn next(state: &State, machine: &str, settings: Settings) -> Commit {
        Commit {
            schema: SCHEMA_VERSION,
            id: addition_id(machine),
            seq: state.last_seq + 1,
            machine: machine.to_string(),
            created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            settings,
            files: Vec::new(),
            readings: Vec::new(),
            replaces: Vec::new(),
            forget_before: None,
        }
    }

    /// Writes the record, which commits the files it names; it never replaces another.
    pub fn put(&self, store: &Store) -> anyhow::Result<()> {
        let key = commit_key(self.seq, &self.id);
        let written = store.put(&key, serde_json::to_vec(self)?, true)?;
        anyhow::ensure!(written, "{}: {key} exists already", store.location);
        Ok(())
    }
}

/// A unique name for an addition: UTC time, machine, and 16 hex digits of a hash of the
/// process, the time and the machine.
pub fn addition_id(machine: &str) -> String {
    let now = chrono::Utc::now();
    let nanos = now.timestamp_nanos_opt().unwrap_or_default();
    let salt = xxhash_rust::xxh3::xxh3_64(
        format!("{machine}\0{}\0{nanos}", std::process::id()).as_bytes(),
    );
    format!("{}-{machine}-{salt:016x}", now.format("%Y%m%dT%H%M%SZ"))
}

/// What the stored classification depends on besides the logs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Fingerprint of the classification rules (`--rules`).
    pub rules: u64,
    pub input_format: Option<InputFormat>,
    /// Prompt tokens were counted with the real tokenizers.
    pub text_tokens: bool,
}

/// A data file of a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFile {
    pub key: String,
    /// `YYYY-MM`, or `none` for calls without a time.
    pub month: String,
    pub rows: u64,
}

/// One source as one addition read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub machine: String,
    /// Absolute path, or URL.
    pub source: String,
    /// When it was read: the `(seq, id)` of the addition, kept through compaction; the
    /// latest reading of a source is the one that counts.
    pub added_seq: u64,
    pub added_id: String,
    pub fingerprint: Fingerprint,
    pub format: Option<InputFormat>,
    /// The coding agent whose data this is, for a file found where the agent keeps it
    /// (`history add` without a path); such files are read in the agents' order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// What the source counted (records, skips, errors), as `analyze` counts it before
    /// anything is merged across sources.
    pub accounting: Accounting,
    /// Billing-export lines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<BucketRow>,
    /// Model names as the source wrote them, in first-seen order.
    pub models: Vec<String>,
    /// Stored calls, and how many of them fall in each month.
    pub rows: u64,
    pub months: BTreeMap<String, u64>,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    /// The UTC days (since 1970-01-01) its calls were made on.
    #[serde(default)]
    pub days: Vec<i64>,
    /// Why the source could not be read to its end: such a reading is kept out of every
    /// report, and the one before it stays in effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

/// What tells an unchanged source from a changed one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_ns: Option<i128>,
    /// XXH3-64 of a local file's bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
}

/// Where a reading comes from: the same source on the same machine is read again, not added.
pub type Identity = (String, String);

impl Reading {
    pub fn identity(&self) -> Identity {
        (self.machine.clone(), self.source.clone())
    }

    /// Its calls in the months `counted` takes.
    pub fn calls_in(&self, counted: impl Fn(&str) -> bool) -> u64 {
        self.months
            .iter()
            .filter(|(month, _)| counted(month))
            .map(|(_, n)| n)
            .sum()
    }
}

/// A commit's key: `additions/<seq>-<id>.commit`.
pub fn commit_key(seq: u64, id: &str) -> String {
    format!("{ADDITIONS}{seq:08}-{id}.commit")
}

/// What the store holds once every commit is applied.
#[derive(Debug, Default)]
pub struct State {
    /// Commits in effect, in `(seq, id)` order.
    pub commits: Vec<Commit>,
    /// Keys of the commit records in effect, beside `commits`.
    pub keys: Vec<String>,
    /// Keys of records replaced by a compaction (to delete).
    pub replaced: Vec<String>,
    /// The largest sequence number listed.
    pub last_seq: u64,
    /// Months before this one are forgotten.
    pub forget_before: Option<String>,
}

/// A reading in effect: the commit that holds it and its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Live {
    pub commit: usize,
    pub reading: usize,
}

impl State {
    /// Lists and reads every commit record.
    pub fn load(store: &Store) -> Result<State, StoreError> {
        let mut listed = Vec::new();
        let mut last_seq = 0;
        for file in store.list(ADDITIONS)? {
            let Some(name) = file.key.strip_prefix(ADDITIONS) else {
                continue;
            };
            let Some(stem) = name.strip_suffix(".commit") else {
                continue;
            };
            let Some(seq) = stem
                .split_once('-')
                .and_then(|(s, _)| s.parse::<u64>().ok())
            else {
                continue;
            };
            last_seq = last_seq.max(seq);
            let Some(bytes) = store.get(&file.key)? else {
                // Removed by a compaction since the listing.
                continue;
            };
            let commit: Commit = serde_json::from_slice(&bytes).map_err(|err| StoreError {
                location: store.location.clone(),
                what: format!("{}: not a commit record ({err})", file.key),
            })?;
            if commit.schema > SCHEMA_VERSION {
                return Err(StoreError {
                    location: store.location.clone(),
                    what: format!(
                        "{}: written by a newer llm-audit (history schema {}, this one reads {SCHEMA_VERSION})",
                        file.key, commit.schema
                    ),
                });
            }
            listed.push((file.key, commit));
        }
        listed.sort_by(|a, b| (a.1.seq, &a.1.id).cmp(&(b.1.seq, &b.1.id)));
        let replaced_ids: std::collections::HashSet<String> = listed
            .iter()
            .flat_map(|(_, commit)| commit.replaces.iter().cloned())
            .collect();
        let mut state = State {
            last_seq,
            ..State::default()
        };
        for (key, commit) in listed {
            if replaced_ids.contains(&commit.id) {
                state.replaced.push(key);
                continue;
            }
            if let Some(month) = &commit.forget_before
                && state.forget_before.as_ref().is_none_or(|m| m < month)
            {
                state.forget_before = Some(month.clone());
            }
            state.keys.push(key);
            state.commits.push(commit);
        }
        Ok(state)
    }

    pub fn reading(&self, live: Live) -> &Reading {
        &self.commits[live.commit].readings[live.reading]
    }

    /// The latest reading of each source.
    pub fn live(&self) -> HashMap<Identity, Live> {
        let mut latest: HashMap<Identity, Live> = HashMap::new();
        for (c, commit) in self.commits.iter().enumerate() {
            for (r, reading) in commit.readings.iter().enumerate() {
                if reading.failed.is_some() {
                    continue;
                }
                let live = Live {
                    commit: c,
                    reading: r,
                };
                let newer = |old: &Live| {
                    let old = self.reading(*old);
                    (reading.added_seq, &reading.added_id) > (old.added_seq, &old.added_id)
                };
                latest
                    .entry(reading.identity())
                    .and_modify(|old| {
                        if newer(old) {
                            *old = live;
                        }
                    })
                    .or_insert(live);
            }
        }
        latest
    }

    /// Whether calls of `month` are forgotten (calls without a time never are).
    pub fn forgotten(&self, month: &str) -> bool {
        self.forget_before
            .as_deref()
            .is_some_and(|before| before_month(month, before))
    }
}

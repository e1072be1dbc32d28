//! A history of calls that outlives the logs: `history add` stores each source's calls as
//! Parquet (one file per month and addition) with a JSON commit record per addition;
//! `analyze --history` puts the stored readings together exactly as `analyze` over every log
//! the history has seen would; `history status`, `compact` and `forget` look after it.
//!
//! ```text
//! <root>/STORE                                      marks the folder as a store
//! <root>/calls/month=2026-05/<addition>.parquet     the calls (hive-style partitions)
//! <root>/additions/<seq>-<addition>.commit          JSON, written last: commits the files
//! <root>/lock                                       writers take turns on a local store
//! ```

pub mod add;
pub mod commit;
pub mod machine;
pub mod read;
pub mod schema;
pub mod store;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use self::commit::{CALLS, Commit, Live, State};
use self::store::Store;

/// The store's location: `given`, else `LLM_AUDIT_HISTORY`, else the user's data folder.
pub fn location(given: Option<&str>) -> anyhow::Result<String> {
    if let Some(given) = given.filter(|g| !g.is_empty()) {
        return Ok(given.to_string());
    }
    if let Ok(env) = std::env::var("LLM_AUDIT_HISTORY")
        && !env.is_empty()
    {
        return Ok(env);
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let base = if cfg!(windows) {
        var("LOCALAPPDATA").map(std::path::PathBuf::from)
    } else {
        var("XDG_DATA_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| var("HOME").map(|home| std::path::Path::new(&home).join(".local/share")))
    };
    let base = base.ok_or_else(|| {
        anyhow::anyhow!("no home folder is set: name the store with --history DIR")
    })?;
    Ok(base.join("llm-audit").join("history").display().to_string())
}

/// Fails unless `store` is a history (its `STORE` file is there): reading a folder that holds
/// none would report nothing, silently.
pub fn require(store: &Store) -> anyhow::Result<()> {
    match store.get(commit::MARKER)? {
        Some(_) => Ok(()),
        None => anyhow::bail!(
            "no history at {} (`llm-audit history add` starts one; --history or \
             LLM_AUDIT_HISTORY names another)",
            crate::escape::terminal_text(&store.location)
        ),
    }
}

/// What `history status` prints.
#[derive(Debug, Serialize)]
pub struct Status {
    pub store: String,
    /// Calls stored by the readings in effect, before duplicates across sources are merged.
    pub calls: u64,
    pub days: usize,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    pub sources: usize,
    pub agents: BTreeMap<String, usize>,
    pub machines: BTreeMap<String, usize>,
    pub months: BTreeMap<String, u64>,
    pub commits: usize,
    /// Data files and commit records in effect, and their bytes.
    pub files: usize,
    pub bytes: u64,
    /// Files no commit in effect names (a killed add's, readings replaced since the last
    /// compaction); `history compact` removes them.
    pub leftovers: usize,
    /// Months before this one are forgotten.
    pub forgotten_before: Option<String>,
    /// Readings made by another llm-audit version (`history add --reread` classifies them
    /// again).
    pub other_versions: usize,
    /// The readings in effect: a reader outside llm-audit keeps the rows of these
    /// `(source, addition)` pairs only (until `history compact`, files also hold replaced
    /// readings).
    pub live: Vec<LiveReading>,
}

#[derive(Debug, Serialize)]
pub struct LiveReading {
    pub machine: String,
    pub source: String,
    pub addition: String,
    pub calls: u64,
}

fn day_text(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// What the store holds, from its commit records and listing alone.
pub fn status(store: &Store) -> anyhow::Result<Status> {
    require(store)?;
    let state = State::load(store)?;
    let mut live: Vec<Live> = state.live().into_values().collect();
    live.sort();
    let mut days = BTreeSet::new();
    let mut agents = BTreeMap::new();
    let mut machines = BTreeMap::new();
    let mut months: BTreeMap<String, u64> = BTreeMap::new();
    let mut other_versions = 0;
    let mut readings = Vec::new();
    for at in &live {
        let commit = &state.commits[at.commit];
        let reading = state.reading(*at);
        days.extend(reading.days.iter().copied());
        if let Some(agent) = reading.format.and_then(|f| f.agent_name()) {
            *agents.entry(agent.to_string()).or_default() += 1;
        }
        *machines.entry(reading.machine.clone()).or_default() += 1;
        other_versions += usize::from(commit.tool_version != env!("CARGO_PKG_VERSION"));
        for (month, n) in &reading.months {
            if !state.forgotten(month) {
                *months.entry(month.clone()).or_default() += n;
            }
        }
        let calls = reading.calls_in(|month| !state.forgotten(month));
        readings.push(LiveReading {
            machine: reading.machine.clone(),
            source: reading.source.clone(),
            addition: reading.added_id.clone(),
            calls,
        });
    }
    if let Some(first) = state
        .forget_before
        .as_deref()
        .and_then(commit::month_start_ms)
    {
        days.retain(|&day| day >= first / 86_400_000);
    }
    let named: BTreeSet<&str> = state
        .commits
        .iter()
        .flat_map(|c| c.files.iter().map(|f| f.key.as_str()))
        .chain(state.keys.iter().map(String::as_str))
        .collect();
    let mut listed = store.list(CALLS)?;
    listed.extend(store.list(commit::ADDITIONS)?);
    let (held, leftovers): (Vec<_>, Vec<_>) =
        listed.iter().partition(|f| named.contains(f.key.as_str()));
    Ok(Status {
        store: store.location.clone(),
        calls: readings.iter().map(|r| r.calls).sum(),
        days: days.len(),
        first_day: days.first().copied().map(day_text),
        last_day: days.last().copied().map(day_text),
        sources: readings.len(),
        agents,
        machines,
        months,
        commits: state.commits.len(),
        files: held.len(),
        bytes: held.iter().map(|f| f.size).sum(),
        leftovers: leftovers.len(),
        forgotten_before: state.forget_before.clone(),
        other_versions,
        live: readings,
    })
}

/// Rewrites the readings in effect into one file per month and drops everything else;
/// returns the files removed.
pub fn compact(store: &Store, machine: &str) -> anyhow::Result<usize> {
    require(store)?;
    let _lock = store.lock()?;
    let state = State::load(store)?;
    let mut live: Vec<Live> = state.live().into_values().collect();
    // In the order they were added, so the compacted files list calls as the store did.
    live.sort_by(|a, b| {
        let (a, b) = (state.reading(*a), state.reading(*b));
        (a.added_seq, &a.added_id, &a.source).cmp(&(b.added_seq, &b.added_id, &b.source))
    });
    let index: std::collections::HashMap<Live, u32> = live
        .iter()
        .enumerate()
        .map(|(i, at)| (*at, i as u32))
        .collect();
    let mut compacted = Commit::next(
        &state,
        machine,
        state
            .commits
            .last()
            .map(|c| c.settings.clone())
            .unwrap_or_default(),
    );
    let id = compacted.id.clone();
    let readings: Vec<commit::Reading> = live.iter().map(|at| state.reading(*at).clone()).collect();
    let sources: Vec<String> = readings.iter().map(|r| r.source.clone()).collect();
    let machines: Vec<String> = readings.iter().map(|r| r.machine.clone()).collect();
    // Calls are streamed into one file per month as the files are read: a reader puts each
    // reading's calls back in order itself.
    let mut writer = add::Writer::new(machines, sources);
    for (c, commit) in state.commits.iter().enumerate() {
        for file in &commit.files {
            if state.forgotten(&file.month) {
                continue;
            }
            let mut failed = None;
            read::read_groups(store, &file.key, |group| {
                for mut call in group {
                    let at = Live {
                        commit: c,
                        reading: call.reading as usize,
                    };
                    if let Some(&reading) = index.get(&at) {
                        call.reading = reading;
                        if let Err(err) = writer.push(call)
                            && failed.is_none()
                        {
                            failed = Some(err);
                        }
                    }
                }
            })?;
            if let Some(err) = failed {
                return Err(err);
            }
        }
    }
    let files = add::store_files(store, &id, writer.finish()?)?;
    compacted.files = files;
    compacted.readings = readings;
    compacted.replaces = state.commits.iter().map(|c| c.id.clone()).collect();
    compacted.forget_before = state.forget_before.clone();
    compacted.put(store)?;
    // Everything the new commit replaces, and anything no commit names (a killed writer's).
    let kept: BTreeSet<String> = compacted.files.iter().map(|f| f.key.clone()).collect();
    let mut removed = 0;
    for key in state.keys.iter().chain(&state.replaced) {
        store.delete(key)?;
        removed += 1;
    }
    // A file no commit names may belong to an add still running on another machine (a
    // bucket has no lock): only those older than an hour are a killed writer's.
    let local = store.local_root().is_some();
    for file in store.list(CALLS)? {
        let stale = local || file.age_secs.is_some_and(|age| age > 3600);
        if !kept.contains(&file.key) && stale {
            store.delete(&file.key)?;
            removed += 1;
        }
    }
    store.sweep_leftovers();
    Ok(removed)
}

/// Forgets the calls of every month before `before` (`YYYY-MM`); returns the files removed.
pub fn forget(store: &Store, machine: &str, before: &str) -> anyhow::Result<usize> {
    require(store)?;
    let _lock = store.lock()?;
    let state = State::load(store)?;
    let mut record = Commit::next(&state, machine, commit::Settings::default());
    record.forget_before = Some(before.to_string());
    record.put(store)?;
    let mut removed = 0;
    for commit in &state.commits {
        for file in &commit.files {
            if commit::before_month(&file.month, before) {
                store.delete(&file.key)?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

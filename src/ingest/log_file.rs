//! What both kinds of input place (a local folder, an object-storage prefix) agree on: which
//! names are log files, and why a place cannot be read.

use std::io;
use std::path::Path;

/// A path that cannot be read as input.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: no such file or directory")]
    Missing { path: String },
    #[error("{path}")]
    Io { path: String, source: io::Error },
    #[error("stdin (`-`) given more than once")]
    StdinTwice,
    /// An object-storage URL that cannot be listed or read (no such bucket or object, no
    /// credentials, an unreachable endpoint).
    #[error("{url}: {reason}")]
    Remote { url: String, reason: String },
}

/// File names read when walking a directory or listing a prefix: JSON Lines, JSON, CSV and
/// SQLite databases (coding agents keep usage in them),
/// possibly compressed.
pub(crate) fn is_log_file(path: &Path) -> bool {
    // A name that is not UTF-8 is still read: only its extension matters here.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let name = name.as_ref();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".zst"))
        .unwrap_or(name);
    [
        ".jsonl", ".ndjson", ".json", ".log", ".csv", ".db", ".sqlite", ".sqlite3",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
}

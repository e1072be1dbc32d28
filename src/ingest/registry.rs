//! What a format is: one [`Format`] per adapter, defined in the adapter's own file and listed
//! once in `ingest/mod.rs` (`formats!`). Detection, parsing, discovery and the report ask the
//! registry; nothing else matches on formats.

use std::path::Path;

use serde_json::Value;

use crate::ingest::sqlite::SqliteReader;
use crate::ingest::{CsvHeaders, CsvRow, LineOutcome, LineParser, Parsed};

/// Whether a format's records are calls or a bill's aggregates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Per-call traces and logs.
    Calls,
    /// Billing exports: aggregate usage buckets, never calls.
    Billing,
}

/// Whether a file's records may be parsed apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// Each line stands alone, so one file's chunks may be parsed on several cores.
    Independent,
    /// Lines depend on earlier ones (cumulative counters, stream chunks, parent spans, a coding
    /// agent's calls on the prompt before them): the file is read on one core, in order.
    InOrder,
}

/// What one record of the format stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    /// One model call.
    Call,
    /// A whole session's cumulative totals: the agent keeps no per-call usage, so each
    /// "call" is a session, timed at the session's start.
    Session,
}

/// How a format reads as CSV.
#[derive(Clone, Copy)]
pub struct CsvFormat {
    /// Whether a header row is this format's.
    pub looks_like: fn(&CsvHeaders) -> bool,
    /// Parses one data row.
    pub row: fn(&CsvRow<'_>) -> LineOutcome,
}

/// What a parser may know of the file it reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct FileContext<'a> {
    /// The file's local path, when it is a local file (not stdin or a bucket object): an adapter
    /// may read a small sibling file (a config naming the model, a history holding it).
    pub path: Option<&'a Path>,
}

/// The operating systems a default data location belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    Any,
    Linux,
    Macos,
    Windows,
}

impl Os {
    /// The system this binary runs on.
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::Macos
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }
}

/// A default data location, relative to the user's home folder.
#[derive(Debug, Clone, Copy)]
pub struct Root {
    pub os: Os,
    pub path: &'static str,
}

impl Root {
    /// A location that is the same on every system: most agents keep a dot folder in the home
    /// folder wherever they run.
    pub const fn any(path: &'static str) -> Root {
        Root { os: Os::Any, path }
    }
}

/// An environment variable that moves an agent's data, and the folder under it to read.
#[derive(Debug, Clone, Copy)]
pub struct EnvRoot {
    pub var: &'static str,
    /// Joined to the variable's value (`""` for the value itself).
    pub join: &'static str,
}

impl EnvRoot {
    pub const fn new(var: &'static str, join: &'static str) -> EnvRoot {
        EnvRoot { var, join }
    }
}

/// Where a coding agent keeps its usage, for discovery.
#[derive(Clone, Copy)]
pub struct Agent {
    /// The agent's name on the command line (`--agent`) and in reports; formats of one agent
    /// share it.
    pub name: &'static str,
    /// The agent as people call it.
    pub label: &'static str,
    /// Variables that, when set, replace the default roots.
    pub env: &'static [EnvRoot],
    /// Default roots, tried in order.
    pub roots: &'static [Root],
    /// Whether a file found under a root is this format's.
    pub accepts: fn(&Path) -> bool,
}

/// One format: everything ingest knows of it, in one place.
#[derive(Clone, Copy)]
pub struct Format {
    /// The name used on the command line and in reports.
    pub name: &'static str,
    pub kind: Kind,
    pub lines: Lines,
    pub granularity: Granularity,
    /// Whether one JSON record (a line, an array item or a whole document) is this format's.
    pub json: Option<fn(&Value) -> bool>,
    /// How the format reads as CSV, if it may be CSV.
    pub csv: Option<CsvFormat>,
    /// A fresh parser for a file's JSON records.
    pub parser: fn(&FileContext<'_>) -> Box<dyn LineParser>,
    /// How the format reads from a SQLite database, if it may be one: a local file that starts
    /// with SQLite's header is read by the first format whose detector accepts its schema.
    pub sqlite: Option<SqliteReader>,
    /// Where the coding agent writing this format keeps it, for discovery.
    pub agent: Option<Agent>,
}

impl Format {
    /// The defaults an adapter's `FORMAT` starts from (`..Format::NEW`): per-call records whose
    /// lines stand alone, read from JSON by nothing.
    pub const NEW: Format = Format {
        name: "",
        kind: Kind::Calls,
        lines: Lines::Independent,
        granularity: Granularity::Call,
        json: None,
        csv: None,
        parser: |_| Box::new(NotJson),
        sqlite: None,
        agent: None,
    };

    /// A coding agent's own log: the format goes by the agent's name, and its lines are read in
    /// order, since a call's prompt is the turns before it.
    pub const fn agent_log(
        agent: Agent,
        json: fn(&Value) -> bool,
        parser: fn(&FileContext<'_>) -> Box<dyn LineParser>,
    ) -> Format {
        Format {
            name: agent.name,
            lines: Lines::InOrder,
            json: Some(json),
            parser,
            agent: Some(agent),
            ..Format::NEW
        }
    }
}

/// The parser of a format read only as CSV: every JSON record is an error.
struct NotJson;

impl LineParser for NotJson {
    fn line(&mut self, line_no: u64, _line: &[u8], out: &mut Vec<Parsed>) {
        out.push(Parsed {
            line: line_no,
            outcome: LineOutcome::Error("this format is read as CSV, not JSON".into()),
        });
    }
}

#[cfg(test)]
mod tests {
    use clap::ValueEnum;

    use crate::ingest::{InputFormat, Kind};

    #[test]
    fn each_format_has_one_name_on_the_command_line_and_in_reports() {
        let mut names = std::collections::HashSet::new();
        for &format in InputFormat::ALL {
            let flag = format.to_possible_value().expect("every format is a value");
            assert_eq!(flag.get_name(), format.name(), "{format:?}");
            assert!(names.insert(format.name()), "{} twice", format.name());
        }
        assert_eq!(InputFormat::value_variants().len(), InputFormat::ALL.len());
    }

    #[test]
    fn every_format_is_read_from_json_csv_or_sqlite_and_billing_is_never_per_line() {
        for &format in InputFormat::ALL {
            let spec = format.spec();
            assert!(
                spec.json.is_some() || spec.csv.is_some() || spec.sqlite.is_some(),
                "{format}"
            );
            if spec.kind == Kind::Billing {
                assert!(!format.line_independent(), "{format}");
            }
        }
    }
}

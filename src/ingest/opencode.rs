//! OpenCode and its fork Kilo: assistant messages with their token usage, from the SQLite
//! database (`${OPENCODE_DATA_DIR:-~/.local/share/opencode}/opencode.db`, `opencode-<channel>.db`;
//! Kilo's `${KILO_DATA_DIR:-~/.local/share/kilo}/kilo.db`, `kilo-<channel>.db`) or from the
//! legacy one-JSON-file-per-message store (`storage/message/<session id>/<message id>.json`).
//!
//! Layout (anomalyco/opencode `packages/opencode/src/session/session.sql.ts`, Kilo-Org/kilocode
//! the same file): table `message(id, session_id, time_created, time_updated, data)`, `data` the
//! message as JSON without its `id` and `sessionID` (those are columns); tables `session`,
//! `part`, `project` beside it. A legacy JSON file is the same message with `id` and
//! `sessionID` inside. A message is `{role: "user"|"assistant", time{created, completed?},
//! modelID, providerID, path{cwd, root}, agent|mode, cost, tokens{total?, input, output,
//! reasoning, cache{read, write}}, finish?, error?{name, data{statusCode?, message?}}}`; user
//! messages carry no tokens.
//!
//! Token convention (`Session.getUsage` in `packages/opencode/src/session/index.ts`):
//! `tokens.input` already EXCLUDES cache reads and writes (OpenCode subtracts them for
//! providers that count them in), `cache.read`/`cache.write` are the cache buckets (a write is
//! taken as the default 5-minute one). Since anomalyco/opencode#21047 `tokens.output` EXCLUDES
//! reasoning and `tokens.total = input + output + reasoning + cache.read + cache.write`; before
//! it, output INCLUDED reasoning for OpenAI-style providers (and `total` then leaves reasoning
//! out). So `total`, when present, says which: if it equals the sum without reasoning, output
//! already holds reasoning; otherwise (or without `total`) reasoning is added to output. A
//! message still streaming or aborted may hold all-zero tokens: that is no call.
//!
//! Dedupe: each call keeps the message id as its response id, so a message that a migrated
//! install still has in both `opencode.db` and the legacy JSON store is one call in a run that
//! reads both (the run's cross-source merge). Each file is read on its own, without looking at
//! the others; the merge keeps the copy with more tokens, the first read on a tie, and
//! discovery lists the data folder's `opencode*.db` before `storage/`, so the database's copy
//! is the one kept when both agree.

use crate::ingest::values::{Text, between};
use std::borrow::Cow;
use std::path::Path;

use rusqlite::Connection;
use serde::Deserialize;

use crate::ingest::sqlite::{self, SqliteReader, column_f64, column_text, has_columns, row_line};
use crate::ingest::{
    Agent, EnvRoot, FileContext, Format, LineOutcome, OneEach, Os, Parsed, Root, SkipReason,
    json_error,
};
use crate::record::{CallRecord, CallStatus, FailureCause, Provider, TokenBuckets};

/// OpenCode: its databases and its legacy message files.
pub(crate) const FORMAT: Format = Format {
    name: "opencode",
    json: Some(detect_value),
    parser: |_| Box::new(OneEach(parse_line)),
    sqlite: Some(SqliteReader {
        detect: |connection, file| is_message_store(connection) && !is_kilo(file),
        read: read_messages,
    }),
    agent: Some(Agent {
        name: "opencode",
        label: "OpenCode",
        env: &[
            EnvRoot {
                var: "OPENCODE_DATA_DIR",
                join: "",
            },
            EnvRoot {
                var: "XDG_DATA_HOME",
                join: "opencode",
            },
        ],
        // OpenCode keeps its data under the XDG data folder on every system.
        roots: &[Root {
            os: Os::Any,
            path: ".local/share/opencode",
        }],
        accepts: |path| is_store_file(path, "opencode"),
    }),
    ..Format::NEW
};

/// Kilo (an OpenCode fork): the same database, under its own name and folder. Its legacy
/// message files are shaped like OpenCode's and read as OpenCode's.
pub(crate) const KILO_FORMAT: Format = Format {
    name: "kilo",
    sqlite: Some(SqliteReader {
        detect: |connection, file| is_message_store(connection) && is_kilo(file),
        read: read_messages,
    }),
    agent: Some(Agent {
        name: "kilo",
        label: "Kilo",
        env: &[
            EnvRoot {
                var: "KILO_DATA_DIR",
                join: "",
            },
            EnvRoot {
                var: "XDG_DATA_HOME",
                join: "kilo",
            },
        ],
        roots: &[Root {
            os: Os::Any,
            path: ".local/share/kilo",
        }],
        accepts: |path| is_store_file(path, "kilo"),
    }),
    ..Format::NEW
};

/// Whether the database is Kilo's, by its name (`kilo.db`, `kilo-<channel>.db`): the schema
/// is OpenCode's.
fn is_kilo(file: &FileContext<'_>) -> bool {
    file.path
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .is_some_and(|name| name == "kilo.db" || name.starts_with("kilo-"))
}

/// `<app>.db`, `<app>-<channel>.db`, or a legacy `storage/message/<session>/<message>.json`.
fn is_store_file(path: &Path, app: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if let Some(stem) = name.strip_suffix(".db") {
        return stem == app || stem.strip_prefix(app).is_some_and(|s| s.starts_with('-'));
    }
    let mut folders = path.iter().rev().skip(1).map(|part| part.to_str());
    name.ends_with(".json")
        && folders.nth(1) == Some(Some("message"))
        && folders.next() == Some(Some("storage"))
}

/// The message table's schema, shared by OpenCode and Kilo.
fn is_message_store(connection: &Connection) -> bool {
    has_columns(connection, "message", &["id", "session_id", "data"])
        && has_columns(connection, "session", &["id", "directory"])
}

/// Reads every row of `message`, in rowid order.
fn read_messages(
    connection: &Connection,
    _file: &FileContext<'_>,
    emit: &mut dyn FnMut(Parsed),
) -> rusqlite::Result<()> {
    let has_time = has_columns(connection, "message", &["time_created"]);
    let sql = if has_time {
        "SELECT rowid, id, session_id, time_created, data FROM message ORDER BY rowid"
    } else {
        "SELECT rowid, id, session_id, NULL AS time_created, data FROM message ORDER BY rowid"
    };
    let mut statement = connection.prepare(sql)?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let line = row_line(row.get(0)?);
        let outcome = message_row(row);
        emit(Parsed { line, outcome });
    }
    Ok(())
}

/// One `message` row.
fn message_row(row: &rusqlite::Row<'_>) -> LineOutcome {
    let columns = (|| {
        let id = column_text(row, "id")?;
        let session = column_text(row, "session_id")?;
        let created = column_f64(row, "time_created")?;
        let data = sqlite::column_bytes(row, "data")?;
        Ok::<_, String>((id, session, created, data))
    })();
    let (id, session, created, data) = match columns {
        Ok(columns) => columns,
        Err(message) => return LineOutcome::Error(message),
    };
    let Some(data) = data else {
        return LineOutcome::Error("column `data` is empty".into());
    };
    let message: Message<'_> = match serde_json::from_slice(data) {
        Ok(message) => message,
        Err(err) => return json_error(err, data),
    };
    let ids = Ids {
        id: id.map(Cow::Owned).map(Text::from),
        session: session.map(Cow::Owned).map(Text::from),
        created_ms: created.map(|ms| ms as i64),
    };
    message.outcome(ids)
}

/// Parses one legacy message file (`storage/message/<session>/<message>.json`).
pub(crate) fn parse_line(line: &[u8]) -> LineOutcome {
    let message: Message<'_> = match serde_json::from_slice(line) {
        Ok(message) => message,
        Err(err) => return json_error(err, line),
    };
    let ids = Ids {
        id: message.id.clone(),
        session: message.session_id.clone(),
        created_ms: None,
    };
    message.outcome(ids)
}

/// Whether a JSON document is a legacy OpenCode message file.
pub(crate) fn detect_value(value: &serde_json::Value) -> bool {
    let has = |key: &str| value.get(key).is_some();
    let id = value.get("id").and_then(|id| id.as_str()).unwrap_or("");
    id.starts_with("msg_") && has("sessionID") && has("role") && has("time")
}

/// The message's identity: from the row's columns, or from inside the legacy file.
struct Ids<'a> {
    id: Option<Text<'a>>,
    session: Option<Text<'a>>,
    /// The row's `time_created`, used when the message has no `time.created`.
    created_ms: Option<i64>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Message<'a> {
    id: Option<Text<'a>>,
    #[serde(rename = "sessionID")]
    session_id: Option<Text<'a>>,
    role: Option<Text<'a>>,
    #[serde(default)]
    time: Time,
    #[serde(rename = "modelID")]
    model_id: Option<Text<'a>>,
    #[serde(rename = "providerID")]
    provider_id: Option<Text<'a>>,
    path: Option<MessagePath<'a>>,
    agent: Option<Text<'a>>,
    mode: Option<Text<'a>>,
    cost: Option<f64>,
    tokens: Option<Tokens>,
    finish: Option<Text<'a>>,
    error: Option<MessageError<'a>>,
}

#[derive(Deserialize, Default)]
struct Time {
    created: Option<f64>,
    completed: Option<f64>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct MessagePath<'a> {
    cwd: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct MessageError<'a> {
    name: Option<Text<'a>>,
    data: Option<ErrorData<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ErrorData<'a> {
    #[serde(rename = "statusCode")]
    status_code: Option<u16>,
    message: Option<Text<'a>>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct Tokens {
    total: Option<u64>,
    #[serde(default)]
    input: u64,
    #[serde(default)]
    output: u64,
    #[serde(default)]
    reasoning: u64,
    #[serde(default)]
    cache: Cache,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct Cache {
    #[serde(default)]
    read: u64,
    #[serde(default)]
    write: u64,
}

impl Tokens {
    /// The exclusive buckets (module doc: whether output already holds reasoning).
    fn buckets(&self) -> TokenBuckets {
        let without_reasoning = self
            .input
            .saturating_add(self.output)
            .saturating_add(self.cache.read)
            .saturating_add(self.cache.write);
        let output_holds_reasoning = self.total == Some(without_reasoning) && self.reasoning > 0;
        let output = if output_holds_reasoning {
            self.output.max(self.reasoning)
        } else {
            self.output.saturating_add(self.reasoning)
        };
        TokenBuckets {
            input: self.input,
            cache_read: self.cache.read,
            cache_write_5m: self.cache.write,
            cache_write_1h: 0,
            output,
            reasoning: self.reasoning,
        }
    }
}

impl MessageError<'_> {
    fn cause(&self) -> FailureCause {
        let data = self.data.as_ref();
        let texts: Vec<&str> = [
            self.name.as_deref(),
            data.and_then(|d| d.message.as_deref()),
        ]
        .into_iter()
        .flatten()
        .collect();
        FailureCause::derive(data.and_then(|d| d.status_code), &texts)
    }
}

impl Message<'_> {
    fn outcome(self, ids: Ids<'_>) -> LineOutcome {
        match self.role.as_deref() {
            Some("assistant") => {}
            Some("user") => return LineOutcome::Skip(SkipReason::UserMessage),
            Some(_) => return LineOutcome::Skip(SkipReason::NotAModelCall),
            None => return LineOutcome::Error("message without `role`".into()),
        }
        // An aborted user interruption is no failed call; other errors are.
        let failure = self
            .error
            .as_ref()
            .filter(|e| e.name.as_deref() != Some("MessageAbortedError"))
            .map(MessageError::cause);
        let tokens = self.tokens.unwrap_or_default().buckets();
        if tokens.total() == 0 {
            return LineOutcome::without_usage(failure);
        }
        let Some(model) = self.model_id.as_deref().filter(|m| !m.is_empty()) else {
            return LineOutcome::Error("assistant message with usage but no `modelID`".into());
        };
        let provider = match self.provider_id.as_deref().map(Provider::from_name) {
            Some(provider) if provider != Provider::Unknown => provider,
            _ => Provider::from_model(model),
        };
        let created = self.time.created.map(|ms| ms as i64).or(ids.created_ms);
        let mut record = CallRecord {
            provider,
            model: model.to_string(),
            timestamp_ms: created,
            latency_ms: between(self.time.created, self.time.completed),
            status: CallStatus::of(failure),
            failure,
            response_id: ids.id.map(Text::into_owned),
            session_id: ids.session.map(Text::into_owned),
            tokens,
            stated_cost_usd: self.cost.filter(|c| *c > 0.0),
            ..CallRecord::default()
        };
        record.features.interactive = true;
        record.features.streamed = true;
        record.features.finish_reason = self.finish.map(Text::into_owned);
        if let Some(cwd) = self.path.as_ref().and_then(|p| p.cwd.as_deref()) {
            record
                .tags
                .push(("project".to_string(), crate::ingest::wire::project_of(cwd)));
        }
        if let Some(agent) = self.agent.or(self.mode) {
            record.tags.push(("mode".to_string(), agent.into_owned()));
        }
        LineOutcome::Call(Box::new(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::sqlite::tests::{memory, read_fixture};
    use crate::ingest::test_support::{call, calls, cost, error, skip, tag, tokens};

    const OPENCODE_SQL: &str =
        include_str!("../../fixtures/home/.local/share/opencode/opencode.sql");
    const OPENCODE_DB: &str = "fixtures/home/.local/share/opencode/opencode.db";
    const KILO_SQL: &str = include_str!("../../fixtures/home/.local/share/kilo/kilo.sql");
    const KILO_DB: &str = "fixtures/home/.local/share/kilo/kilo.db";
    const LEGACY: &str = "fixtures/home/.local/share/opencode/storage/message";

    fn opencode() -> Vec<Parsed> {
        read_fixture(FORMAT.sqlite.unwrap(), OPENCODE_DB, OPENCODE_SQL)
    }

    #[test]
    fn kilo_and_opencode_are_told_apart_by_name_and_their_files_found() {
        let file = |path: &'static str| FileContext {
            path: Some(Path::new(path)),
        };
        let opencode = memory(OPENCODE_SQL);
        let (open, kilo) = (FORMAT.sqlite.unwrap(), KILO_FORMAT.sqlite.unwrap());
        assert!((open.detect)(&opencode, &file(OPENCODE_DB)));
        assert!(!(kilo.detect)(&opencode, &file(OPENCODE_DB)));
        assert!((kilo.detect)(&opencode, &file(KILO_DB)));
        assert!(!(open.detect)(&opencode, &file("/x/kilo-beta.db")));
        let accepts = FORMAT.agent.unwrap().accepts;
        assert!(accepts(Path::new("/h/.local/share/opencode/opencode.db")));
        assert!(accepts(Path::new(
            "/h/.local/share/opencode/opencode-beta.db"
        )));
        assert!(!accepts(Path::new("/h/.local/share/opencode/opencodex.db")));
        assert!(accepts(Path::new(
            "/h/.local/share/opencode/storage/message/ses_1/msg_2.json"
        )));
        assert!(!accepts(Path::new(
            "/h/.local/share/opencode/storage/part/msg_2/prt_3.json"
        )));
        assert!((KILO_FORMAT.agent.unwrap().accepts)(Path::new(
            "/h/.local/share/kilo/kilo.db"
        )));
    }

    #[test]
    fn every_row_is_one_outcome_at_its_rowid() {
        let parsed = opencode();
        let lines: Vec<u64> = parsed.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn an_anthropic_call_keeps_its_exclusive_buckets_and_is_priced() {
        let parsed = opencode();
        // Row 2: input 1,820 (cache already taken out), cache read 14,200, cache write 3,100,
        // output 640, reasoning 0.
        let record = call(&parsed[1].outcome);
        assert_eq!(record.model, "claude-sonnet-4-5");
        assert_eq!(record.provider, Provider::Anthropic);
        assert_eq!(record.tokens, tokens(1_820, 14_200, 3_100, 0, 640, 0));
        assert_eq!(
            record.response_id.as_deref(),
            Some("msg_e1a0c2f01001AbCdEfGhIjKlMn")
        );
        assert_eq!(
            record.session_id.as_deref(),
            Some("ses_4b1d07e2affeXyZaBcDeFgHi")
        );
        assert_eq!(record.timestamp_ms, Some(1_794_042_843_120));
        assert_eq!(record.latency_ms, Some(8_080.0));
        assert_eq!(tag(record, "project"), Some("invoice-api"));
        assert_eq!(tag(record, "mode"), Some("build"));
        assert_eq!(record.stated_cost_usd, Some(0.025));
        // claude-sonnet-4-5 at $3 input, $0.30 cache read, $3.75 cache write (5m), $15 output
        // per million: 1,820 × 3 + 14,200 × 0.30 + 3,100 × 3.75 + 640 × 15 = 5,460 + 4,260 +
        // 11,625 + 9,600 = 30,945 µ$ = $0.030945.
        assert_eq!(cost(record), "0.030945");
    }

    #[test]
    fn reasoning_is_added_to_output_unless_the_total_says_output_holds_it() {
        let parsed = opencode();
        // Row 3 (current OpenCode): total = 2,400 + 310 + 190 + 9,000 + 0 = 11,900, so output
        // 310 excludes reasoning 190: output bucket 500.
        assert_eq!(
            call(&parsed[2].outcome).tokens,
            tokens(2_400, 9_000, 0, 0, 500, 190)
        );
        // Row 4 (before opencode#21047): total = 3,000 + 700 + 0 + 0 = 3,700 leaves reasoning
        // 420 out, so output 700 already holds it.
        assert_eq!(
            call(&parsed[3].outcome).tokens,
            tokens(3_000, 0, 0, 0, 700, 420)
        );
        assert_eq!(call(&parsed[3].outcome).model, "gpt-5.1-codex");
        assert_eq!(call(&parsed[3].outcome).provider, Provider::OpenAi);
    }

    #[test]
    fn users_zero_usage_errors_and_malformed_rows_are_told_apart() {
        let parsed = opencode();
        assert_eq!(skip(&parsed[0].outcome), SkipReason::UserMessage);
        // Row 5: aborted while streaming, all tokens zero.
        assert_eq!(skip(&parsed[4].outcome), SkipReason::NoUsage);
        // Row 6: a rate-limited call without usage is a failure of its cause.
        assert!(matches!(
            parsed[5].outcome,
            LineOutcome::Failed(FailureCause::RateLimit)
        ));
        // Row 7: data that is not JSON is an error naming no value.
        let message = error(&parsed[6].outcome);
        assert!(message.starts_with("invalid JSON"), "{message}");
        // Row 8: a model this catalog does not know stays a call, unpriced.
        let record = call(&parsed[7].outcome);
        assert_eq!(record.model, "glm-4.6");
        assert_eq!(record.tokens, tokens(5_100, 20_480, 0, 0, 880, 0));
    }

    #[test]
    fn kilo_rows_read_the_same_way() {
        let parsed = read_fixture(KILO_FORMAT.sqlite.unwrap(), KILO_DB, KILO_SQL);
        let calls = calls(&parsed);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].model, "claude-sonnet-4-5");
        assert_eq!(calls[0].tokens, tokens(960, 22_150, 1_040, 0, 415, 0));
        assert_eq!(
            calls[0].response_id.as_deref(),
            Some("msg_e1b27a9c3001KiLoAbCdEfGh")
        );
        // Kilo leaves the time out of the data: the row's time_created is used.
        assert_eq!(calls[0].timestamp_ms, Some(1_794_300_125_400));
        assert_eq!(calls[1].model, "gpt-5-mini");
        assert_eq!(calls[1].tokens, tokens(4_200, 1_024, 0, 0, 1_350, 1_024));
        assert_eq!(skip(&parsed[0].outcome), SkipReason::UserMessage);
    }

    #[test]
    fn a_legacy_message_file_is_read_and_recognised() {
        let path =
            format!("{LEGACY}/ses_4b1d07e2affeXyZaBcDeFgHi/msg_e1a0c2f01001AbCdEfGhIjKlMn.json");
        let bytes = std::fs::read(&path).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert!(detect_value(&value));
        // The same message as row 2 of the database: the same response id, so a run reading
        // both counts it once.
        let record = call(&parse_line(&bytes)).clone();
        let parsed = opencode();
        let from_db = call(&parsed[1].outcome);
        assert_eq!(record.response_id, from_db.response_id);
        assert_eq!(record.tokens, from_db.tokens);

        let path =
            format!("{LEGACY}/ses_30aa9e51c7ffLeGaCyOnLyAbCd/msg_d9f3301aa001OlDeRmEsSaGe.json");
        let record = call(&parse_line(&std::fs::read(path).unwrap())).clone();
        assert_eq!(record.model, "claude-haiku-4-5");
        assert_eq!(record.tokens, tokens(3_050, 0, 0, 0, 212, 0));
        assert_eq!(
            record.session_id.as_deref(),
            Some("ses_30aa9e51c7ffLeGaCyOnLyAbCd")
        );
    }
}

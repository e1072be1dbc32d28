//! Goose (Block): per-session token totals from its session database
//! (`${GOOSE_PATH_ROOT}/data/sessions/sessions.db`, else `~/.local/share/goose/sessions/sessions.db`;
//! on macOS `~/Library/Application Support/goose/sessions/`; some installs
//! `~/.local/share/Block/goose/sessions/`).
//!
//! Layout (block/goose `crates/goose/src/session/session_manager.rs`, schema version 13 as of
//! Goose 1.35): table `sessions`, one row per session: `id` (`YYYYMMDD_N`), `working_dir`,
//! `session_type` (`user`, `scheduled`, `sub_agent`, `hidden`, …), `created_at` (SQLite
//! `CURRENT_TIMESTAMP` text, `YYYY-MM-DD HH:MM:SS` in UTC), `provider_name`,
//! `model_config_json` (`{"model_name": …}`), the last turn's `input_tokens`/`output_tokens`/
//! `total_tokens`, the session's running `accumulated_input_tokens`/`accumulated_output_tokens`/
//! `accumulated_total_tokens`, and in newer versions `accumulated_cost`. Messages sit in
//! `messages` without usage.
//!
//! Token convention: Goose keeps no cache counts. Its input count is the whole prompt (cache
//! reads and writes included, as each provider reported them), so every input token is priced
//! at the plain input rate: for a cached session that is an upper bound, which the report
//! cannot narrow. A total above input + output is output the provider counted apart
//! (Gemini's thoughts): it is added to output as reasoning. The accumulated counters are used;
//! a database from before they existed has only the plain ones, read instead.
//!
//! Granularity: one record per session, timed at its creation ([`Granularity::Session`]).

use rusqlite::{Connection, Row};

use crate::ingest::sqlite::{
    SqliteReader, column_count, column_f64, column_text, has_columns, row_line,
};
use crate::ingest::wire::project_of;
use crate::ingest::{
    Agent, EnvRoot, FileContext, Format, Granularity, LineOutcome, Os, Parsed, Root, SkipReason,
};
use crate::record::{CallRecord, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format {
    name: "goose",
    granularity: Granularity::Session,
    sqlite: Some(SqliteReader {
        detect: |connection, _| {
            has_columns(
                connection,
                "sessions",
                &["id", "working_dir", "model_config_json", "input_tokens"],
            )
        },
        read: read_sessions,
    }),
    agent: Some(Agent {
        name: "goose",
        label: "Goose",
        env: &[EnvRoot {
            var: "GOOSE_PATH_ROOT",
            join: "data/sessions",
        }],
        roots: &[
            Root {
                os: Os::Linux,
                path: ".local/share/goose/sessions",
            },
            Root {
                os: Os::Macos,
                path: "Library/Application Support/goose/sessions",
            },
            Root {
                os: Os::Any,
                path: ".local/share/Block/goose/sessions",
            },
        ],
        accepts: |path| path.file_name().is_some_and(|name| name == "sessions.db"),
    }),
    ..Format::NEW
};

fn read_sessions(
    connection: &Connection,
    _file: &FileContext<'_>,
    emit: &mut dyn FnMut(Parsed),
) -> rusqlite::Result<()> {
    let mut statement = connection.prepare("SELECT rowid, * FROM sessions ORDER BY rowid")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let line = row_line(row.get(0)?);
        let outcome = session(row).unwrap_or_else(LineOutcome::Error);
        emit(Parsed { line, outcome });
    }
    Ok(())
}

/// The accumulated counter, else the plain one of older databases.
fn counter(row: &Row<'_>, name: &str) -> Result<Option<u64>, String> {
    match column_count(row, &format!("accumulated_{name}"))? {
        Some(count) => Ok(Some(count)),
        None => column_count(row, name),
    }
}

fn session(row: &Row<'_>) -> Result<LineOutcome, String> {
    let input = counter(row, "input_tokens")?.unwrap_or(0);
    let output = counter(row, "output_tokens")?.unwrap_or(0);
    let total = counter(row, "total_tokens")?.unwrap_or(0);
    let apart = total.saturating_sub(input.saturating_add(output));
    let tokens = TokenBuckets {
        input,
        output: output.saturating_add(apart),
        reasoning: apart,
        ..TokenBuckets::default()
    };
    let model = model_name(row)?;
    if tokens.total() == 0 {
        return Ok(LineOutcome::Skip(SkipReason::NoUsage));
    }
    let Some(model) = model else {
        return Err("session with usage but no `model_config_json.model_name`".into());
    };
    let provider = match column_text(row, "provider_name")?.map(|p| Provider::from_name(&p)) {
        Some(provider) if provider != Provider::Unknown => provider,
        _ => Provider::from_model(&model),
    };
    let created = column_text(row, "created_at")?;
    let timestamp_ms = match created.as_deref() {
        Some(text) => Some(sqlite_time(text).ok_or("column `created_at` is not a time")?),
        None => None,
    };
    let mut record = CallRecord {
        provider,
        model,
        timestamp_ms,
        session_id: column_text(row, "id")?,
        tokens,
        stated_cost_usd: column_f64(row, "accumulated_cost")?.filter(|c| *c > 0.0),
        ..CallRecord::default()
    };
    record.features.interactive = true;
    if let Some(dir) = column_text(row, "working_dir")? {
        record.tags.push(("project".to_string(), project_of(&dir)));
    }
    if let Some(kind) = column_text(row, "session_type")? {
        record.tags.push(("session_type".to_string(), kind));
    }
    Ok(LineOutcome::Call(Box::new(record)))
}

/// `model_config_json.model_name`.
fn model_name(row: &Row<'_>) -> Result<Option<String>, String> {
    #[derive(serde::Deserialize)]
    struct ModelConfig {
        model_name: Option<String>,
    }
    let Some(json) = column_text(row, "model_config_json")? else {
        return Ok(None);
    };
    let config: ModelConfig = serde_json::from_str(&json)
        .map_err(|_| "column `model_config_json` is not a model config".to_string())?;
    Ok(config.model_name.filter(|name| !name.is_empty()))
}

/// SQLite's `CURRENT_TIMESTAMP` text (UTC), or an RFC 3339 time, to Unix milliseconds.
fn sqlite_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(time) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(time.and_utc().timestamp_millis());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|time| time.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::sqlite::tests::read_fixture;
    use crate::ingest::test_support::{call, cost, error, skip, tag, tokens};

    const SQL: &str = include_str!("../../fixtures/home/.local/share/goose/sessions/sessions.sql");
    const DB: &str = "fixtures/home/.local/share/goose/sessions/sessions.db";

    fn parsed() -> Vec<Parsed> {
        read_fixture(FORMAT.sqlite.unwrap(), DB, SQL)
    }

    #[test]
    fn a_session_is_one_record_of_its_accumulated_totals() {
        let parsed = parsed();
        assert_eq!(parsed[0].line, 1);
        let record = call(&parsed[0].outcome);
        assert_eq!(record.model, "claude-sonnet-4-5");
        assert_eq!(record.provider, Provider::Anthropic);
        // The accumulated counters, not the last turn's; no cache split is known.
        assert_eq!(record.tokens, tokens(184_500, 0, 0, 0, 6_240, 0));
        assert_eq!(record.session_id.as_deref(), Some("20261102_3"));
        assert_eq!(record.timestamp_ms, Some(1_793_607_917_000));
        assert_eq!(tag(record, "project"), Some("ledger"));
        assert_eq!(tag(record, "session_type"), Some("user"));
        assert_eq!(record.stated_cost_usd, Some(0.647));
        // claude-sonnet-4-5 at $3 input and $15 output per million: 184,500 × 3 + 6,240 × 15
        // = 553,500 + 93,600 = 647,100 µ$ = $0.6471.
        assert_eq!(cost(record), "0.6471");
    }

    #[test]
    fn a_total_above_input_and_output_is_reasoning() {
        let record = call(&parsed()[1].outcome).clone();
        assert_eq!(record.model, "gemini-2.5-pro");
        assert_eq!(record.provider, Provider::Google);
        // total 52,900 − (48,000 + 2,100) = 2,800 thinking tokens, added to output.
        assert_eq!(record.tokens, tokens(48_000, 0, 0, 0, 4_900, 2_800));
    }

    #[test]
    fn old_databases_empty_sessions_and_missing_models() {
        let parsed = parsed();
        // Row 3: plain counters only (accumulated ones NULL).
        assert_eq!(
            call(&parsed[2].outcome).tokens,
            tokens(9_000, 0, 0, 0, 700, 0)
        );
        assert_eq!(call(&parsed[2].outcome).model, "gpt-4.1");
        assert_eq!(skip(&parsed[3].outcome), SkipReason::NoUsage);
        assert_eq!(
            error(&parsed[4].outcome),
            "session with usage but no `model_config_json.model_name`"
        );
    }
}

//! ZCode CLI (Zhipu's coding agent): one row per model request in its database
//! (`~/.zcode/cli/db/db.sqlite`, ZCode CLI 0.14).
//!
//! Layout (the schema as CodeBurn's ZCode provider reads it, getagentseal/codeburn
//! `src/providers/zcode.ts`, "a minimal subset of the real ZCode schema (db v0.14.8)", and
//! other public loaders): table `model_usage(id, session_id, turn_id, model_id, input_tokens,
//! output_tokens, reasoning_tokens, cache_creation_input_tokens, cache_read_input_tokens,
//! started_at, completed_at)`, times in Unix milliseconds, newer rows also `status`,
//! `error_type`, `error_code`; table `session(id, directory)`; `tool_usage` per tool call. The
//! JSON activity log redacts token counts, so the database is the source. ZCode keeps
//! OpenCode-like `message` and `session` tables beside these, so this format is tried before
//! OpenCode's.
//!
//! Token convention: `input_tokens` is the whole prompt, cache reads and writes INCLUDED
//! (OpenAI-style, as GLM's API reports `prompt_tokens` with `cached_tokens` inside), so the
//! input bucket is input − cache read − cache write; `output_tokens` INCLUDES
//! `reasoning_tokens`. A row whose reasoning exceeds its output is taken to count them apart,
//! and the two are added. `model_usage` is pruned to about the last 30 days by ZCode itself.
//!
//! Dedupe: the row's `id` is the call's request id.

use rusqlite::{Connection, Row};

use crate::ingest::sqlite::{
    SqliteReader, column_count, column_f64, column_text, has_columns, row_line,
};
use crate::ingest::values::between;
use crate::ingest::wire::project_of;
use crate::ingest::{Agent, FileContext, Format, LineOutcome, Os, Parsed, Root};
use crate::record::{CallRecord, CallStatus, FailureCause, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format {
    name: "zcode",
    sqlite: Some(SqliteReader {
        detect: |connection, _| {
            has_columns(
                connection,
                "model_usage",
                &[
                    "id",
                    "session_id",
                    "model_id",
                    "input_tokens",
                    "output_tokens",
                ],
            )
        },
        read: read_requests,
    }),
    agent: Some(Agent {
        name: "zcode",
        label: "ZCode",
        env: &[],
        roots: &[Root {
            os: Os::Any,
            path: ".zcode/cli/db",
        }],
        accepts: |path| path.file_name().is_some_and(|name| name == "db.sqlite"),
    }),
    ..Format::NEW
};

fn read_requests(
    connection: &Connection,
    _file: &FileContext<'_>,
    emit: &mut dyn FnMut(Parsed),
) -> rusqlite::Result<()> {
    let with_sessions = has_columns(connection, "session", &["id", "directory"]);
    let sql = if with_sessions {
        "SELECT u.rowid AS row_number, u.*, s.directory AS directory FROM model_usage u \
         LEFT JOIN session s ON s.id = u.session_id ORDER BY u.rowid"
    } else {
        "SELECT rowid AS row_number, *, NULL AS directory FROM model_usage ORDER BY rowid"
    };
    let mut statement = connection.prepare(sql)?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let line = row_line(row.get("row_number")?);
        let outcome = request(row).unwrap_or_else(LineOutcome::Error);
        emit(Parsed { line, outcome });
    }
    Ok(())
}

fn request(row: &Row<'_>) -> Result<LineOutcome, String> {
    let count = |column: &str| column_count(row, column).map(Option::unwrap_or_default);
    let cache_read = count("cache_read_input_tokens")?;
    let cache_write = count("cache_creation_input_tokens")?;
    let output = count("output_tokens")?;
    let reasoning = count("reasoning_tokens")?;
    let tokens = TokenBuckets {
        input: count("input_tokens")?.saturating_sub(cache_read.saturating_add(cache_write)),
        cache_read,
        cache_write_5m: cache_write,
        cache_write_1h: 0,
        output: if reasoning > output {
            output.saturating_add(reasoning)
        } else {
            output
        },
        reasoning,
    };
    let status = column_text(row, "status")?;
    let failure = match status.as_deref() {
        Some("error" | "failed" | "failure") => {
            let kind = column_text(row, "error_type")?;
            let code = column_text(row, "error_code")?;
            let texts: Vec<&str> = [kind.as_deref(), code.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            Some(FailureCause::derive(None, &texts))
        }
        _ => None,
    };
    if tokens.total() == 0 {
        return Ok(LineOutcome::without_usage(failure));
    }
    let Some(model) = column_text(row, "model_id")? else {
        return Err("request with usage but no `model_id`".into());
    };
    let started = column_f64(row, "started_at")?;
    let completed = column_f64(row, "completed_at")?;
    let mut record = CallRecord {
        provider: Provider::from_model(&model),
        model,
        timestamp_ms: started.map(|ms| ms as i64),
        latency_ms: between(started, completed),
        status: CallStatus::of(failure),
        failure,
        request_id: column_text(row, "id")?.map(|id| format!("zcode:{id}")),
        session_id: column_text(row, "session_id")?,
        tokens,
        ..CallRecord::default()
    };
    record.features.interactive = true;
    record.features.streamed = true;
    if let Some(directory) = column_text(row, "directory")? {
        record
            .tags
            .push(("project".to_string(), project_of(&directory)));
    }
    Ok(LineOutcome::Call(Box::new(record)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::SkipReason;
    use crate::ingest::sqlite::tests::{memory, read_fixture};
    use crate::ingest::test_support::{call, cost, skip, tag, tokens};

    const SQL: &str = include_str!("../../fixtures/home/.zcode/cli/db/db.sql");
    const DB: &str = "fixtures/home/.zcode/cli/db/db.sqlite";

    fn parsed() -> Vec<Parsed> {
        read_fixture(FORMAT.sqlite.unwrap(), DB, SQL)
    }

    #[test]
    fn opencode_does_not_claim_the_zcode_database_first() {
        let formats = crate::ingest::InputFormat::ALL;
        let position = |name: &str| formats.iter().position(|f| f.name() == name).unwrap();
        assert!(position("zcode") < position("opencode"));
        let file = crate::ingest::FileContext {
            path: Some(std::path::Path::new(DB)),
        };
        assert!((FORMAT.sqlite.unwrap().detect)(&memory(SQL), &file));
    }

    #[test]
    fn each_request_is_a_call_with_its_cache_taken_out_of_input() {
        let parsed = parsed();
        assert_eq!(parsed[0].line, 1);
        let record = call(&parsed[0].outcome);
        assert_eq!(record.model, "glm-4.6");
        assert_eq!(record.provider, Provider::Zhipu);
        // input 9,125 holds the 8,064 cache reads: 1,061 uncached; output 27 holds reasoning 12.
        assert_eq!(record.tokens, tokens(1_061, 8_064, 0, 0, 27, 12));
        assert_eq!(record.request_id.as_deref(), Some("zcode:mu_01JC8Q2V7R"));
        assert_eq!(record.session_id.as_deref(), Some("ses_9f2c71d0"));
        assert_eq!(record.timestamp_ms, Some(1_793_872_381_862));
        assert_eq!(record.latency_ms, Some(20_550.0));
        assert_eq!(tag(record, "project"), Some("payments-gateway"));
        // glm-4.6 at $0.60 input, $0.11 cached input, $2.20 output per million:
        // 1,061 × 0.60 + 8,064 × 0.11 + 27 × 2.20 = 636.6 + 887.04 + 59.4 = 1,583.04 µ$.
        assert_eq!(cost(record), "0.00158304");
    }

    #[test]
    fn reasoning_apart_zero_rows_and_failures() {
        let parsed = parsed();
        let record = call(&parsed[1].outcome);
        assert_eq!(record.model, "GLM-5");
        assert_eq!(
            record.tokens,
            tokens(14_000, 52_000, 2_048, 0, 3_100, 2_400)
        );
        // Row 3: reasoning 900 above output 300: counted apart, added.
        assert_eq!(
            call(&parsed[2].outcome).tokens,
            tokens(2_000, 0, 0, 0, 1_200, 900)
        );
        assert_eq!(skip(&parsed[3].outcome), SkipReason::NoUsage);
        assert!(matches!(
            parsed[4].outcome,
            LineOutcome::Failed(FailureCause::RateLimit)
        ));
    }
}

//! Hermes Agent (Nous Research): per-session token totals from its state database
//! (`${HERMES_HOME:-~/.hermes}/state.db`, and `profiles/<name>/state.db` for each profile).
//!
//! Layout (NousResearch/hermes-agent `hermes_state.py`, `hermes_state_common.py` SCHEMA_SQL):
//! table `sessions`, one row per session, with the session's cumulative `input_tokens`,
//! `output_tokens`, `cache_read_tokens`, `cache_write_tokens`, `reasoning_tokens`, its `model`,
//! `billing_provider`, `source` (`cli`, `telegram`, …), `cwd`, `started_at` (Unix seconds, a
//! REAL), `estimated_cost_usd` and `actual_cost_usd`. Newer databases add
//! `session_model_usage`: the same totals split by (session, model, billing provider, task),
//! so a session that fell back to another model, or ran compression on a cheaper one, is
//! priced per model; a session with such rows is read from them, an older one from its
//! `sessions` row.
//!
//! Token convention (`agent/usage_pricing.py`, `CanonicalUsage`): `input_tokens` is the
//! non-cached input only; cache reads and writes are apart (a write taken as the default
//! 5-minute one); `output_tokens` is the provider's completion count, which already holds
//! reasoning, so `reasoning_tokens` is its subset.
//!
//! Granularity: Hermes keeps no per-call usage, so each record is a whole session (or a
//! session's share on one model), timed at the session's start ([`Granularity::Session`]).
//! Its stated cost is `actual_cost_usd` when Hermes got one from the provider, else its own
//! `estimated_cost_usd`. A session without a model and without tokens never called one.

use rusqlite::{Connection, Row};

use crate::ingest::sqlite::{
    SqliteReader, column_count, column_f64, column_text, has_columns, row_line,
};
use crate::ingest::values::unix_to_ms;
use crate::ingest::wire::project_of;
use crate::ingest::{
    Agent, EnvRoot, FileContext, Format, Granularity, LineOutcome, Os, Parsed, Root, SkipReason,
};
use crate::record::{CallRecord, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format {
    name: "hermes",
    granularity: Granularity::Session,
    sqlite: Some(SqliteReader {
        detect: |connection, _| is_state_db(connection),
        read: read_sessions,
    }),
    agent: Some(Agent {
        name: "hermes",
        label: "Hermes Agent",
        env: &[EnvRoot {
            var: "HERMES_HOME",
            join: "",
        }],
        roots: &[Root {
            os: Os::Any,
            path: ".hermes",
        }],
        accepts: |path| path.file_name().is_some_and(|name| name == "state.db"),
    }),
    ..Format::NEW
};

fn is_state_db(connection: &Connection) -> bool {
    has_columns(
        connection,
        "sessions",
        &[
            "id",
            "source",
            "model",
            "started_at",
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
        ],
    )
}

/// Reads each session, split by model where `session_model_usage` has its rows; every
/// outcome is at the session's rowid.
fn read_sessions(
    connection: &Connection,
    _file: &FileContext<'_>,
    emit: &mut dyn FnMut(Parsed),
) -> rusqlite::Result<()> {
    let split = has_columns(
        connection,
        "session_model_usage",
        &["session_id", "model", "input_tokens", "output_tokens"],
    );
    let mut sessions = connection.prepare("SELECT rowid, * FROM sessions ORDER BY rowid")?;
    let mut usage = split
        .then(|| {
            connection
                .prepare("SELECT * FROM session_model_usage WHERE session_id = ?1 ORDER BY rowid")
        })
        .transpose()?;
    let mut rows = sessions.query([])?;
    while let Some(session) = rows.next()? {
        let line = row_line(session.get(0)?);
        let mut split_rows = 0;
        if let (Some(usage), Ok(Some(id))) = (usage.as_mut(), column_text(session, "id")) {
            let mut parts = usage.query([id])?;
            while let Some(part) = parts.next()? {
                split_rows += 1;
                let outcome = record(session, Some(part));
                emit(Parsed { line, outcome });
            }
        }
        if split_rows == 0 {
            let outcome = record(session, None);
            emit(Parsed { line, outcome });
        }
    }
    Ok(())
}

/// One session's record; its model, tokens and costs from `part` (a `session_model_usage`
/// row) when given, else from the session row.
fn record(session: &Row<'_>, part: Option<&Row<'_>>) -> LineOutcome {
    match try_record(session, part) {
        Ok(outcome) => outcome,
        Err(message) => LineOutcome::Error(message),
    }
}

fn try_record(session: &Row<'_>, part: Option<&Row<'_>>) -> Result<LineOutcome, String> {
    let usage = part.unwrap_or(session);
    let count = |column: &str| column_count(usage, column).map(Option::unwrap_or_default);
    let output = count("output_tokens")?;
    let tokens = TokenBuckets {
        input: count("input_tokens")?,
        cache_read: count("cache_read_tokens")?,
        cache_write_5m: count("cache_write_tokens")?,
        cache_write_1h: 0,
        output,
        reasoning: count("reasoning_tokens")?.min(output),
    };
    let model = column_text(usage, "model")?;
    if tokens.total() == 0 {
        return Ok(LineOutcome::Skip(SkipReason::NoUsage));
    }
    let Some(model) = model else {
        return Err("session with usage but no `model`".into());
    };
    let billing = column_text(usage, "billing_provider")?;
    let provider = match billing.as_deref().map(Provider::from_name) {
        Some(provider) if provider != Provider::Unknown => provider,
        _ => Provider::from_model(&model),
    };
    let positive = |column: &str| column_f64(usage, column).map(|cost| cost.filter(|c| *c > 0.0));
    let stated = match positive("actual_cost_usd")? {
        Some(cost) => Some(cost),
        None => positive("estimated_cost_usd")?,
    };
    let session_id = column_text(session, "id")?;
    let started = column_f64(session, "started_at")?.and_then(unix_to_ms);
    let mut record = CallRecord {
        provider,
        model,
        timestamp_ms: started,
        session_id: session_id.clone(),
        tokens,
        stated_cost_usd: stated,
        ..CallRecord::default()
    };
    record.features.interactive = true;
    if let Some(cwd) = column_text(session, "cwd")? {
        record.tags.push(("project".to_string(), project_of(&cwd)));
    }
    if let Some(source) = column_text(session, "source")? {
        record.tags.push(("source".to_string(), source));
    }
    if let Some(task) = part.map(|p| column_text(p, "task")).transpose()?.flatten() {
        record.tags.push(("task".to_string(), task));
    }
    Ok(LineOutcome::Call(Box::new(record)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::sqlite::tests::read_fixture;
    use crate::ingest::test_support::{call, cost, error, skip, tag, tokens};

    const SQL: &str = include_str!("../../fixtures/home/.hermes/state.sql");
    const DB: &str = "fixtures/home/.hermes/state.db";

    fn parsed() -> Vec<Parsed> {
        read_fixture(FORMAT.sqlite.unwrap(), DB, SQL)
    }

    #[test]
    fn a_session_without_a_split_is_one_record_of_its_totals() {
        let parsed = parsed();
        assert_eq!(parsed[0].line, 1);
        let record = call(&parsed[0].outcome);
        assert_eq!(record.model, "claude-sonnet-4-5");
        assert_eq!(record.provider, Provider::Anthropic);
        // Input 12,400 is already without the 120,000 cache reads and 41,200 writes; output
        // 9,850 holds the 2,100 reasoning tokens.
        assert_eq!(
            record.tokens,
            tokens(12_400, 120_000, 41_200, 0, 9_850, 2_100)
        );
        assert_eq!(record.session_id.as_deref(), Some("20261104_091402_3fa9c1"));
        assert_eq!(record.timestamp_ms, Some(1_793_783_642_500));
        assert_eq!(tag(record, "project"), Some("billing-service"));
        assert_eq!(tag(record, "source"), Some("cli"));
        // actual_cost_usd is 0 (none from the provider): the estimate is the stated cost.
        assert_eq!(record.stated_cost_usd, Some(0.5631));
        // claude-sonnet-4-5 at $3 input, $0.30 cache read, $3.75 cache write (5m), $15 output
        // per million: 12,400 × 3 + 120,000 × 0.30 + 41,200 × 3.75 + 9,850 × 15 = 37,200 +
        // 36,000 + 154,500 + 147,750 = 375,450 µ$ = $0.37545. (The session's prompt total,
        // 173,600, stays under the 200K long-context threshold, which pricing would otherwise
        // apply to the whole session's sum.)
        assert_eq!(cost(record), "0.37545");
    }

    #[test]
    fn a_split_session_is_one_record_per_model_at_the_session_row() {
        let parsed = parsed();
        let lines: Vec<u64> = parsed.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 2, 2, 3, 4, 5]);
        let main = call(&parsed[1].outcome);
        assert_eq!(main.model, "gpt-5.1");
        assert_eq!(main.provider, Provider::OpenAi);
        assert_eq!(main.tokens, tokens(48_000, 96_000, 0, 0, 7_300, 3_900));
        assert_eq!(main.stated_cost_usd, Some(0.2029));
        assert_eq!(tag(main, "task"), None);
        let compression = call(&parsed[2].outcome);
        assert_eq!(compression.model, "gpt-5-mini");
        assert_eq!(compression.tokens, tokens(21_000, 0, 0, 0, 1_800, 0));
        assert_eq!(tag(compression, "task"), Some("compression"));
        assert_eq!(compression.session_id, main.session_id);
        assert_eq!(tag(compression, "source"), Some("telegram"));
    }

    #[test]
    fn a_profile_database_of_an_older_schema_reads_its_sessions_rows() {
        const PROFILE_SQL: &str =
            include_str!("../../fixtures/home/.hermes/profiles/research/state.sql");
        const PROFILE_DB: &str = "fixtures/home/.hermes/profiles/research/state.db";
        assert!((FORMAT.agent.unwrap().accepts)(std::path::Path::new(
            PROFILE_DB
        )));
        let parsed = read_fixture(FORMAT.sqlite.unwrap(), PROFILE_DB, PROFILE_SQL);
        assert_eq!(parsed.len(), 1);
        let record = call(&parsed[0].outcome);
        assert_eq!(record.model, "claude-haiku-4-5");
        assert_eq!(record.tokens, tokens(22_000, 61_000, 0, 0, 3_400, 0));
        assert_eq!(record.timestamp_ms, Some(1_794_123_000_000));
        assert_eq!(record.stated_cost_usd, Some(0.0449));
        // claude-haiku-4-5 at $1 input, $0.10 cache read, $5 output per million: 22,000 × 1 +
        // 61,000 × 0.10 + 3,400 × 5 = 22,000 + 6,100 + 17,000 = 45,100 µ$ = $0.0451.
        assert_eq!(cost(record), "0.0451");
    }

    #[test]
    fn empty_sessions_and_sessions_without_a_model_are_told_apart() {
        let parsed = parsed();
        // Row 3: opened and closed without a model call.
        assert_eq!(skip(&parsed[3].outcome), SkipReason::NoUsage);
        // Row 4: tokens but no model: an error naming the field.
        assert_eq!(
            error(&parsed[4].outcome),
            "session with usage but no `model`"
        );
        // Row 5: a negative count is an error naming the column, not its value.
        assert_eq!(
            error(&parsed[5].outcome),
            "column `output_tokens` is not a token count"
        );
    }
}

//! Google Antigravity (CLI and IDE): one generation per row of a conversation's database
//! (`~/.gemini/antigravity-cli/conversations/<conversation id>.db`, the IDE's under
//! `~/.gemini/antigravity-ide/conversations/`).
//!
//! Layout: table `gen_metadata(idx, data BLOB, size)`, each `data` one generation as a
//! `GeneratorMetadata` protobuf with no published schema. The field numbers below are those
//! public usage tools found by reading real files (the ccusage family's Antigravity loader,
//! tokscale; listed in our `CODING_AGENTS_MORE.md`), so they are reverse-engineered, not
//! documented: field 1 is the chat model message; in it, 4 the usage, 9 the generation info
//! (its 4 a `Timestamp{1 seconds, 2 nanos}`), 19 the model id (`gemini-pro-default`), 21 the
//! label (`Gemini 3.1 Pro (High)`). Usage: 1 the constant system-prompt tokens, 2 the new
//! input, 3 the total output, 5 cache reads, 9 the response's own output, 10 thinking, 11 the
//! responseId. The `brain/<id>/.system_generated/logs/transcript.jsonl` beside it holds no
//! token counts.
//!
//! Token convention: input bucket = system prompt + new input (cache reads apart); output =
//! response output + thinking, with thinking the larger of field 10 and what field 3 holds
//! beyond field 9 (a row without field 9 has its output in field 3 only, thinking included).
//!
//! Dedupe: Antigravity may write a generation again; a responseId seen earlier in the file is
//! skipped as a duplicate, and the responseId is the call's response id across files. A row
//! without a model takes the conversation's model from the rows before it. The conversation
//! id (the file name) is the session. A row's line is its `idx` + 1.
//!
//! The wire reader below is ours: a dozen lines for varints and length-delimited fields,
//! which is all schemaless reading needs; no well-kept crate reads protobuf without a schema
//! more simply.

use std::collections::HashSet;
use std::path::Path;

use rusqlite::Connection;

use crate::ingest::sqlite::{SqliteReader, column_bytes, has_columns};
use crate::ingest::{Agent, FileContext, Format, LineOutcome, Os, Parsed, Root, SkipReason};
use crate::record::{CallRecord, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format {
    name: "antigravity",
    sqlite: Some(SqliteReader {
        detect: |connection, _| has_columns(connection, "gen_metadata", &["idx", "data"]),
        read: read_generations,
    }),
    agent: Some(Agent {
        name: "antigravity",
        label: "Antigravity",
        env: &[],
        roots: &[
            Root {
                os: Os::Any,
                path: ".gemini/antigravity-cli/conversations",
            },
            Root {
                os: Os::Any,
                path: ".gemini/antigravity-ide/conversations",
            },
        ],
        accepts: |path| {
            path.extension().is_some_and(|ext| ext == "db")
                && path
                    .parent()
                    .and_then(Path::file_name)
                    .is_some_and(|dir| dir == "conversations")
        },
    }),
    ..Format::NEW
};

fn read_generations(
    connection: &Connection,
    file: &FileContext<'_>,
    emit: &mut dyn FnMut(Parsed),
) -> rusqlite::Result<()> {
    let conversation = file
        .path
        .and_then(Path::file_stem)
        .and_then(|stem| stem.to_str())
        .map(str::to_string);
    let mut statement = connection.prepare("SELECT idx, data FROM gen_metadata ORDER BY idx")?;
    let mut rows = statement.query([])?;
    let mut conversation_state = Conversation {
        id: conversation,
        model: None,
        seen: HashSet::new(),
    };
    while let Some(row) = rows.next()? {
        let index: i64 = row.get("idx")?;
        let line = u64::try_from(index).map_or(0, |i| i.saturating_add(1));
        let outcome = match column_bytes(row, "data") {
            Ok(Some(data)) => conversation_state.generation(data),
            Ok(None) => LineOutcome::Error("column `data` is empty".into()),
            Err(message) => LineOutcome::Error(message),
        };
        emit(Parsed { line, outcome });
    }
    Ok(())
}

/// What a conversation's earlier rows tell its later ones.
struct Conversation {
    id: Option<String>,
    /// The last model a row named.
    model: Option<String>,
    /// ResponseIds already counted.
    seen: HashSet<String>,
}

/// One generation's fields, as far as the reverse-engineered schema goes.
#[derive(Default)]
struct Generation<'a> {
    system: u64,
    input: u64,
    total_output: u64,
    cache_read: u64,
    response_output: u64,
    thinking: u64,
    response_id: Option<&'a str>,
    timestamp_ms: Option<i64>,
    model: Option<&'a str>,
}

impl Conversation {
    fn generation(&mut self, data: &[u8]) -> LineOutcome {
        let Some(generation) = Generation::decode(data) else {
            return LineOutcome::Error("column `data` is not a generation protobuf".into());
        };
        if let Some(model) = generation.model.filter(|m| !m.is_empty()) {
            self.model = Some(model.to_string());
        }
        let tokens = generation.buckets();
        if tokens.total() == 0 {
            return LineOutcome::Skip(SkipReason::NoUsage);
        }
        if let Some(id) = generation.response_id
            && !self.seen.insert(id.to_string())
        {
            return LineOutcome::Skip(SkipReason::DuplicateContentBlock);
        }
        let Some(model) = self.model.clone() else {
            return LineOutcome::Error("generation with usage but no model id (field 19)".into());
        };
        let mut record = CallRecord {
            provider: match Provider::from_model(&model) {
                Provider::Unknown => Provider::Google,
                provider => provider,
            },
            model,
            timestamp_ms: generation.timestamp_ms,
            response_id: generation.response_id.map(str::to_string),
            session_id: self.id.clone(),
            tokens,
            ..CallRecord::default()
        };
        record.features.interactive = true;
        record.features.streamed = true;
        LineOutcome::Call(Box::new(record))
    }
}

impl<'a> Generation<'a> {
    /// Reads the fields the module doc names; `None` for bytes that are not a protobuf
    /// message or lack the chat model field.
    fn decode(data: &'a [u8]) -> Option<Generation<'a>> {
        let chat_model = bytes_field(data, 1)?;
        let mut generation = Generation::default();
        for (number, value) in fields(chat_model)? {
            match (number, value) {
                (4, Value::Bytes(usage)) => generation.read_usage(usage)?,
                (9, Value::Bytes(info)) => generation.timestamp_ms = timestamp(info),
                (19, Value::Bytes(id)) => generation.model = std::str::from_utf8(id).ok(),
                _ => {}
            }
        }
        Some(generation)
    }

    fn read_usage(&mut self, usage: &'a [u8]) -> Option<()> {
        for (number, value) in fields(usage)? {
            match (number, value) {
                (1, Value::Varint(n)) => self.system = n,
                (2, Value::Varint(n)) => self.input = n,
                (3, Value::Varint(n)) => self.total_output = n,
                (5, Value::Varint(n)) => self.cache_read = n,
                (9, Value::Varint(n)) => self.response_output = n,
                (10, Value::Varint(n)) => self.thinking = n,
                (11, Value::Bytes(id)) => {
                    self.response_id = std::str::from_utf8(id).ok().filter(|id| !id.is_empty())
                }
                _ => {}
            }
        }
        Some(())
    }

    fn buckets(&self) -> TokenBuckets {
        let response = if self.response_output > 0 {
            self.response_output
        } else {
            self.total_output.saturating_sub(self.thinking)
        };
        let thinking = self
            .thinking
            .max(self.total_output.saturating_sub(response));
        TokenBuckets {
            input: self.system.saturating_add(self.input),
            cache_read: self.cache_read,
            output: response.saturating_add(thinking),
            reasoning: thinking,
            ..TokenBuckets::default()
        }
    }
}

/// The generation info's timestamp (field 4: seconds, nanos) in Unix milliseconds.
fn timestamp(info: &[u8]) -> Option<i64> {
    let stamp = bytes_field(info, 4)?;
    let (mut seconds, mut nanos) = (0, 0);
    for (number, value) in fields(stamp)? {
        match (number, value) {
            (1, Value::Varint(n)) => seconds = i64::try_from(n).ok()?,
            (2, Value::Varint(n)) => nanos = i64::try_from(n.min(999_999_999)).ok()?,
            _ => {}
        }
    }
    (seconds > 0).then(|| seconds.saturating_mul(1000) + nanos / 1_000_000)
}

/// A protobuf field's value, by wire type; fixed-width values are skipped unread.
#[derive(Clone, Copy)]
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// The first length-delimited field `number` of a protobuf message.
fn bytes_field(message: &[u8], number: u64) -> Option<&[u8]> {
    fields(message)?
        .into_iter()
        .find_map(|(n, value)| match value {
            Value::Bytes(bytes) if n == number => Some(bytes),
            _ => None,
        })
}

/// The fields of one protobuf message, in order; `None` if the bytes are not one.
fn fields(mut bytes: &[u8]) -> Option<Vec<(u64, Value<'_>)>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let key = varint(&mut bytes)?;
        let number = key >> 3;
        if number == 0 {
            return None;
        }
        let value = match key & 7 {
            0 => Value::Varint(varint(&mut bytes)?),
            1 => Value::Fixed.skip(&mut bytes, 8)?,
            2 => {
                let length = usize::try_from(varint(&mut bytes)?).ok()?;
                let (value, rest) = (bytes.get(..length)?, bytes.get(length..)?);
                bytes = rest;
                Value::Bytes(value)
            }
            5 => Value::Fixed.skip(&mut bytes, 4)?,
            _ => return None,
        };
        out.push((number, value));
    }
    Some(out)
}

impl<'a> Value<'a> {
    fn skip(self, bytes: &mut &[u8], width: usize) -> Option<Value<'a>> {
        *bytes = bytes.get(width..)?;
        Some(self)
    }
}

/// A base-128 varint, at most ten bytes.
fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for (index, &byte) in bytes.iter().enumerate().take(10) {
        value |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            *bytes = &bytes[index + 1..];
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::sqlite::tests::read_fixture;
    use crate::ingest::test_support::{call, cost, error, skip, tokens};

    const DIR: &str = "fixtures/home/.gemini/antigravity-cli/conversations";
    const SQL: &str = include_str!(
        "../../fixtures/home/.gemini/antigravity-cli/conversations/6f1e2d3c-9a8b-4c7d-8e5f-0a1b2c3d4e5f.sql"
    );

    fn db() -> String {
        format!("{DIR}/6f1e2d3c-9a8b-4c7d-8e5f-0a1b2c3d4e5f.db")
    }

    fn parsed() -> Vec<Parsed> {
        read_fixture(FORMAT.sqlite.unwrap(), &db(), SQL)
    }

    #[test]
    fn a_generation_is_a_call_of_the_conversation() {
        let parsed = parsed();
        assert_eq!(parsed[0].line, 1);
        let record = call(&parsed[0].outcome);
        assert_eq!(record.model, "gemini-pro-default");
        assert_eq!(record.provider, Provider::Google);
        // input 4,210 system + 1,830 new; output 610 + 350 thinking.
        assert_eq!(record.tokens, tokens(6_040, 12_000, 0, 0, 960, 350));
        assert_eq!(record.response_id.as_deref(), Some("resp_7Qm2xA1"));
        assert_eq!(
            record.session_id.as_deref(),
            Some("6f1e2d3c-9a8b-4c7d-8e5f-0a1b2c3d4e5f")
        );
        assert_eq!(record.timestamp_ms, Some(1_794_151_205_250));
        // gemini-pro-default is Gemini 3.1 Pro (google.toml alias of gemini-3.1-pro-preview):
        // $2 input, $0.20 cache read, $12 output per million: 6,040 × 2 + 12,000 × 0.20 + 960
        // × 12 = 12,080 + 2,400 + 11,520 = 26,000 µ$ = $0.026.
        assert_eq!(cost(record), "0.026");
    }

    #[test]
    fn duplicates_zero_usage_truncated_rows_and_carried_models() {
        let parsed = parsed();
        assert_eq!(skip(&parsed[1].outcome), SkipReason::DuplicateContentBlock);
        // No field 9: field 3's 1,500 holds the 900 thinking tokens.
        assert_eq!(
            call(&parsed[2].outcome).tokens,
            tokens(4_430, 18_000, 0, 0, 1_500, 900)
        );
        assert_eq!(skip(&parsed[3].outcome), SkipReason::NoUsage);
        assert_eq!(
            error(&parsed[4].outcome),
            "column `data` is not a generation protobuf"
        );
        let carried = call(&parsed[5].outcome);
        assert_eq!(carried.model, "gemini-pro-default");
        assert_eq!(carried.tokens, tokens(4_850, 20_100, 0, 0, 410, 110));
        assert_eq!(parsed[5].line, 6);
    }

    #[test]
    fn the_wire_reader_refuses_what_is_not_protobuf() {
        assert!(fields(&[0x08]).is_none());
        assert!(fields(&[0x0a, 0x05, 0x01]).is_none());
        assert!(fields(&[0x00, 0x01]).is_none());
        assert!(fields(&[0x0b]).is_none());
        let mut long = &[0xff; 11][..];
        assert!(varint(&mut long).is_none());
        assert!(Generation::decode(b"not a protobuf").is_none());
    }

    #[test]
    fn conversation_files_are_found_in_both_apps() {
        let accepts = FORMAT.agent.unwrap().accepts;
        assert!(accepts(Path::new(
            "/h/.gemini/antigravity-cli/conversations/6f1e.db"
        )));
        assert!(accepts(Path::new(
            "/h/.gemini/antigravity-ide/conversations/6f1e.db"
        )));
        assert!(!accepts(Path::new(
            "/h/.gemini/antigravity-cli/brain/6f1e.db"
        )));
    }
}

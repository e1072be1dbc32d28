//! Gemini CLI session files (`~/.gemini/tmp/<project hash>/chats/session-*.jsonl`, subagent
//! sessions in a folder named after the parent session; versions before April 2026 wrote one
//! pretty-printed JSON document `session-*.json` with a `messages` array). Since February 2026
//! the project folder is a short name (`~/.gemini/tmp/<project slug>/`, `storage.ts`) instead
//! of the hash.
//!
//! Beside the chats, each project folder holds `logs.json` (`packages/core/src/core/logger.ts`):
//! a JSON array of `{sessionId, messageId (a number), type: "user", message (the prompt
//! text), timestamp}`, the user's prompts only, for prompt history. Its entries are no calls:
//! they are recognised (so that the file is not read as another agent's) and skipped as user
//! messages.
//!
//! Layout (google-gemini/gemini-cli `packages/core/src/services/chatRecordingService.ts` and
//! `chatRecordingTypes.ts`): a header line `{sessionId, projectHash, startTime, lastUpdated,
//! kind}`; `{"$set": {...}}` metadata updates (a `$set` of `messages` is a checkpoint that
//! restates the whole conversation); `{"$rewindTo": id}`; and message lines `{id, timestamp,
//! type: "user"|"gemini"|"info"|"error"|"warning", content, ...}`. The service appends the
//! *whole* message again each time it changes it (usage attached, tool calls added), so one id
//! may appear on several lines; only its first version with usage is a call.
//!
//! Token convention: `recordMessageTokens` copies one API response's `usageMetadata`:
//! `input` = `promptTokenCount` (INCLUDES `cached`), `output` = `candidatesTokenCount`
//! (EXCLUDES `thoughts`), `cached` = `cachedContentTokenCount`, `thoughts` =
//! `thoughtsTokenCount`, `tool` = `toolUsePromptTokenCount` (outside `input`, billed as input),
//! `total` = `totalTokenCount`. So: input bucket = input − cached + tool, cache read = cached,
//! output = output + thoughts, reasoning = thoughts. Versions that did not record `thoughts`
//! still recorded `total`; the part of it that input, output and tool do not explain is
//! taken as thoughts. Usage is recorded for the successful attempt of each streamed call only,
//! so retried attempts Gemini CLI threw away are not in the file.
//!
//! Each call is classified with the latest `user` message of the session and the tool results
//! sent since it ([`SessionPrompt`]): a `gemini` message's `toolCalls[].result` go to the
//! model in the calls after that message. A session file is read in order on one core, so
//! every call has the prompt before it.

use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::HashSet;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::session_prompt::{SessionPrompt, written_size};
use crate::ingest::usage::gemini_style;
use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, LineOutcome, LineParser, Parsed, Root, SkipReason, file_named,
    folder_named, json_error,
};
use crate::record::{CallRecord, Provider, TokenBuckets};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format::agent_log(
    Agent {
        name: "gemini-cli",
        label: "Gemini CLI",
        // `GEMINI_CLI_HOME` stands for the home folder (`packages/core/src/utils/paths.ts`).
        env: &[EnvRoot::new("GEMINI_CLI_HOME", ".gemini/tmp")],
        roots: &[Root::any(".gemini/tmp")],
        // `chatRecordingService.ts`: `chats/session-*.jsonl` (`.json` before 2026-05), and a
        // subagent's `chats/<parent session>/<session>.jsonl`; `logs.json` (prompts only, read
        // as user messages).
        accepts: |path| {
            file_named(path, "logs", &[".json"])
                || (folder_named(path, 1, "chats")
                    && file_named(path, "session-", &[".json", ".jsonl"]))
                || (folder_named(path, 2, "chats") && file_named(path, "", &[".jsonl"]))
        },
    },
    looks_like,
    |_| parser(),
);

/// `TokensSummary` of a `gemini` message.
#[derive(Deserialize, Default, Clone, Copy)]
struct Tokens {
    input: Option<u64>,
    output: Option<u64>,
    cached: Option<u64>,
    thoughts: Option<u64>,
    tool: Option<u64>,
    total: Option<u64>,
}

impl Tokens {
    fn buckets(&self) -> TokenBuckets {
        let input = self.input.unwrap_or(0);
        let tool = self.tool.unwrap_or(0);
        let candidates = self.output.unwrap_or(0);
        let thoughts = self.thoughts.unwrap_or_else(|| {
            self.total.map_or(0, |total| {
                total.saturating_sub(input.saturating_add(candidates).saturating_add(tool))
            })
        });
        gemini_style(input, self.cached.unwrap_or(0), candidates, thoughts, tool)
    }
}

/// A message record (`MessageRecord`).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Message<'a> {
    id: Text<'a>,
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    timestamp: Option<&'a RawValue>,
    model: Option<Text<'a>>,
    tokens: Option<Tokens>,
    /// Tool calls (`ToolCallRecord`), kept raw: only their results are read.
    #[serde(rename = "toolCalls")]
    tool_calls: Option<Vec<&'a RawValue>>,
    /// A user message's text: a string or a list of parts (`PartListUnion`).
    content: Option<&'a RawValue>,
}

/// A tool call's result, sent to the model with the next call.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ToolCall<'a> {
    result: Option<&'a RawValue>,
}

/// A part of a user message.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct TextPart<'a> {
    text: Option<Text<'a>>,
}

impl Message<'_> {
    /// The sizes of the results of the message's tool calls that have one.
    fn tool_results(&self) -> Vec<u64> {
        self.tool_calls
            .iter()
            .flatten()
            .filter_map(|call| serde_json::from_str::<ToolCall<'_>>(call.get()).ok())
            .filter_map(|call| call.result)
            .filter(|result| result.get() != "null")
            .map(written_size)
            .collect()
    }

    /// The text parts of a user message.
    fn text_parts(&self) -> Vec<Cow<'_, str>> {
        let Some(raw) = self.content else {
            return Vec::new();
        };
        if raw.get().starts_with('"') {
            return serde_json::from_str(raw.get()).into_iter().collect();
        }
        let parts: Vec<&RawValue> = serde_json::from_str(raw.get()).unwrap_or_default();
        parts
            .into_iter()
            .filter_map(|part| serde_json::from_str::<TextPart<'_>>(part.get()).ok())
            .filter_map(|part| part.text.map(Cow::from))
            .collect()
    }
}

/// Any line of a session file; which members are present says what it is.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Line<'a> {
    id: Option<&'a RawValue>,
    #[serde(rename = "sessionId")]
    session_id: Option<Text<'a>>,
    #[serde(rename = "projectHash")]
    project_hash: Option<Text<'a>>,
    kind: Option<Text<'a>>,
    messages: Option<&'a RawValue>,
    #[serde(rename = "$set")]
    set: Option<&'a RawValue>,
    #[serde(rename = "$rewindTo")]
    rewind_to: Option<&'a RawValue>,
    /// Only entries of `logs.json` number their messages.
    #[serde(rename = "messageId")]
    message_id: Option<&'a RawValue>,
}

/// A `$set` update: metadata members, and possibly a whole-conversation checkpoint.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct SetUpdate<'a> {
    #[serde(rename = "sessionId")]
    session_id: Option<Text<'a>>,
    messages: Option<&'a RawValue>,
}

/// The usage-bearing message read last, held so that its rewrites (tool calls added) can still
/// fill it in before it is emitted.
struct Held {
    line: u64,
    id: String,
    record: Box<CallRecord>,
}

/// Reads one session file in order.
#[derive(Default)]
struct GeminiCliParser {
    session_id: Option<String>,
    project_hash: Option<String>,
    subagent: bool,
    /// The model of the last `gemini` message that named one: synthetic messages carry usage
    /// without a model.
    last_model: Option<String>,
    /// Ids of messages whose usage was already counted.
    counted: HashSet<String>,
    held: Option<Held>,
    /// The latest prompt and the tool results sent since it.
    prompt: SessionPrompt,
    /// The id of the latest `gemini` message and its tool results, which go to the model only
    /// with the next message (and which rewrites of the message may still add to).
    latest_results: Option<(String, Vec<u64>)>,
}

pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::<GeminiCliParser>::default()
}

impl LineParser for GeminiCliParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let parsed: Line<'_> = match serde_json::from_slice(line) {
            Ok(parsed) => parsed,
            Err(err) => return push(out, line_no, json_error(err, line)),
        };
        if parsed.id.is_some() {
            let outcome = match serde_json::from_slice::<Message<'_>>(line) {
                Ok(message) => self.message(line_no, &message, out),
                Err(err) => Some(LineOutcome::Error(format!(
                    "invalid Gemini CLI message: {err}"
                ))),
            };
            if let Some(outcome) = outcome {
                push(out, line_no, outcome);
            }
            return;
        }
        if let Some(set) = parsed.set {
            let update: SetUpdate<'_> = match serde_json::from_str(set.get()) {
                Ok(update) => update,
                Err(err) => {
                    return push(
                        out,
                        line_no,
                        LineOutcome::Error(format!("invalid Gemini CLI $set update: {err}")),
                    );
                }
            };
            if let Some(session) = update.session_id {
                self.session_id = Some(session.into_owned());
            }
            return self.message_list(line_no, update.messages, out);
        }
        if parsed.message_id.is_some() {
            // A prompt-history entry of `logs.json`: the prompt is also in the session file.
            return push(out, line_no, LineOutcome::Skip(SkipReason::UserMessage));
        }
        if parsed.rewind_to.is_some() {
            // Rewound messages were still billed: their counted usage stays counted.
            return push(out, line_no, LineOutcome::Skip(SkipReason::SessionMetadata));
        }
        if parsed.session_id.is_some() || parsed.project_hash.is_some() {
            if let Some(session) = parsed.session_id {
                self.session_id = Some(session.into_owned());
            }
            if let Some(hash) = parsed.project_hash {
                self.project_hash = Some(hash.into_owned());
            }
            self.subagent = parsed.kind.as_deref() == Some("subagent");
            return self.message_list(line_no, parsed.messages, out);
        }
        push(
            out,
            line_no,
            LineOutcome::Error(
                "not a Gemini CLI session line: no id, sessionId, $set or $rewindTo".into(),
            ),
        );
    }

    fn finish(&mut self, out: &mut Vec<Parsed>) {
        self.flush(out);
    }
}

impl GeminiCliParser {
    /// Reads one message line. Returns the line's outcome, or `None` when the line's call is
    /// held back (it is pushed later, with this line's number).
    fn message(
        &mut self,
        line_no: u64,
        message: &Message<'_>,
        out: &mut Vec<Parsed>,
    ) -> Option<LineOutcome> {
        self.observe(message);
        match message.kind.as_deref() {
            Some("gemini") => {}
            Some("user") => return Some(LineOutcome::Skip(SkipReason::UserMessage)),
            _ => return Some(LineOutcome::Skip(SkipReason::NotAModelCall)),
        }
        let model = message.model.as_deref().filter(|m| !m.is_empty());
        if let Some(model) = model {
            self.last_model = Some(model.to_string());
        }
        if let Some(held) = self.held.as_mut().filter(|h| h.id == message.id) {
            // The same message written again: it may now list tool calls or name its model.
            let calls = message.tool_calls.as_ref().map_or(0, Vec::len) as u32;
            held.record.features.tool_calls = held.record.features.tool_calls.max(calls);
            if held.record.model.is_empty()
                && let Some(model) = model
            {
                held.record.model = model.to_string();
            }
            return Some(LineOutcome::Skip(SkipReason::DuplicateContentBlock));
        }
        if self.counted.contains(message.id.as_ref()) {
            return Some(LineOutcome::Skip(SkipReason::DuplicateContentBlock));
        }
        let Some(tokens) = message.tokens else {
            return Some(LineOutcome::Skip(SkipReason::NoUsage));
        };
        let buckets = tokens.buckets();
        if buckets.total() == 0 {
            return Some(LineOutcome::Skip(SkipReason::NoUsage));
        }
        self.flush(out);
        self.counted.insert(message.id.to_string());
        let record = self.record(message, buckets);
        self.held = Some(Held {
            line: line_no,
            id: message.id.to_string(),
            record,
        });
        None
    }

    /// Reads the messages of a header or a `$set` checkpoint: messages seen before are
    /// restatements; new ones with usage are calls. A line that adds no call is metadata.
    fn message_list(&mut self, line_no: u64, messages: Option<&RawValue>, out: &mut Vec<Parsed>) {
        let before = out.len();
        if let Some(raw) = messages {
            let list: Vec<&RawValue> = match serde_json::from_str(raw.get()) {
                Ok(list) => list,
                Err(err) => {
                    return push(
                        out,
                        line_no,
                        LineOutcome::Error(format!("invalid Gemini CLI messages list: {err}")),
                    );
                }
            };
            for item in list {
                let Ok(message) = serde_json::from_str::<Message<'_>>(item.get()) else {
                    continue;
                };
                let fresh = message.kind.as_deref() == Some("gemini")
                    && message.tokens.is_some()
                    && !self.counted.contains(message.id.as_ref())
                    && self.held.as_ref().is_none_or(|h| h.id != message.id);
                if !fresh {
                    // A restatement still says which prompt and tool results came before.
                    self.observe(&message);
                } else if self.message(line_no, &message, out).is_none() {
                    // Emit at once: a restated list is never rewritten line by line.
                    self.flush(out);
                }
            }
        }
        if out.len() == before {
            push(out, line_no, LineOutcome::Skip(SkipReason::SessionMetadata));
        }
    }

    /// Follows the prompt and tool results of the session through one message (read again
    /// when restated: a checkpoint restates the conversation in order).
    fn observe(&mut self, message: &Message<'_>) {
        match message.kind.as_deref() {
            Some("user") => {
                let started = self.prompt.start_turn(&message.text_parts());
                if started {
                    self.latest_results = None;
                }
            }
            Some("gemini") => {
                let results = message.tool_results();
                match self.latest_results.as_mut() {
                    Some((id, latest)) if *id == message.id => {
                        if results.len() >= latest.len() {
                            *latest = results;
                        }
                    }
                    _ => {
                        let before = self
                            .latest_results
                            .replace((message.id.to_string(), results));
                        for chars in before.into_iter().flat_map(|(_, sizes)| sizes) {
                            self.prompt.add_tool_result(chars);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn record(&self, message: &Message<'_>, tokens: TokenBuckets) -> Box<CallRecord> {
        let model = message
            .model
            .as_deref()
            .filter(|m| !m.is_empty())
            .map(str::to_string)
            .or_else(|| self.last_model.clone())
            .unwrap_or_default();
        let mut record = Box::new(CallRecord {
            provider: Provider::Google,
            model,
            tokens,
            timestamp_ms: message.timestamp.and_then(parse_timestamp),
            request_id: Some(message.id.to_string()),
            session_id: self.session_id.clone(),
            dedupe_key: Some(stable_hash(&[
                b"gemini-cli",
                self.session_id.as_deref().unwrap_or_default().as_bytes(),
                message.id.as_bytes(),
            ])),
            ..CallRecord::default()
        });
        record.features.interactive = true;
        // Gemini CLI calls generateContentStream for every turn.
        record.features.streamed = true;
        record.features.tool_calls = message.tool_calls.as_ref().map_or(0, Vec::len) as u32;
        if let Some(hash) = &self.project_hash {
            record
                .tags
                .push(("project_hash".to_string(), hash.to_string()));
        }
        if self.subagent {
            record
                .tags
                .push(("agent".to_string(), "subagent".to_string()));
        }
        self.prompt.apply_to(&mut record);
        record
    }

    /// Emits the held call.
    fn flush(&mut self, out: &mut Vec<Parsed>) {
        let Some(held) = self.held.take() else {
            return;
        };
        let outcome = if held.record.model.is_empty() {
            LineOutcome::Error("Gemini CLI message with usage names no model".into())
        } else {
            LineOutcome::Call(held.record)
        };
        push(out, held.line, outcome);
    }
}

fn push(out: &mut Vec<Parsed>, line: u64, outcome: LineOutcome) {
    out.push(Parsed { line, outcome });
}

/// Whether a parsed JSON value looks like a line of a Gemini CLI session file (used by
/// detection): the header, a `$set` / `$rewindTo` record, a `gemini` message, or an entry of
/// the prompt log `logs.json`.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let header = object.get("sessionId").is_some_and(|v| v.is_string())
        && object.get("projectHash").is_some_and(|v| v.is_string());
    let update = object.get("$set").is_some_and(|v| v.is_object())
        || object.get("$rewindTo").is_some_and(|v| v.is_string());
    let gemini_message = object.get("type").and_then(|t| t.as_str()) == Some("gemini")
        && object.get("id").is_some_and(|v| v.is_string())
        && (object.contains_key("tokens") || object.contains_key("thoughts"));
    let prompt_log_entry = object.get("sessionId").is_some_and(|v| v.is_string())
        && object.get("messageId").is_some_and(|v| v.is_u64())
        && object.get("message").is_some_and(|v| v.is_string());
    header || update || gemini_message || prompt_log_entry
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{
        assert_claims_no_other_reference_line, assert_priced, by_line, call_at, cost, parse_text,
        tag, tokens,
    };
    use crate::ingest::{InputFormat, detect_document, detect_format, parse_lines};
    use std::path::Path;

    const FIXTURE: &str = include_str!("../../fixtures/logs/gemini-cli/session.jsonl");

    fn parse(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::GeminiCli, text)
    }

    #[test]
    fn fixture_accounts_for_every_line() {
        let seen = by_line(&parse(FIXTURE));
        let expected: Vec<(u64, String)> = [
            (1, "skip session metadata, no usage"),
            (2, "skip user message, no usage"),
            (3, "skip session metadata, no usage"),
            (4, "call gemini-3-flash-preview"),
            (5, "skip session metadata, no usage"),
            (6, "skip duplicate content block"),
            (7, "skip not a model call"),
            (8, "call gemini-2.5-pro"),
            (9, "call gemini-2.5-pro"),
            (10, "skip session metadata, no usage"),
            (11, "skip session metadata, no usage"),
            (12, "call gemini-2.5-flash"),
            (13, "skip not a model call"),
        ]
        .into_iter()
        .map(|(line, what)| (line, what.to_string()))
        .collect();
        assert_eq!(seen, expected);
    }

    /// The `~/.gemini/tmp` tree of the bundled home: a legacy `.json` session and its
    /// project's `logs.json` under a project hash, a `.jsonl` session and its `logs.json`
    /// under a project slug.
    const HASH_DIR: &str = "a3f9c2e17b4d5086e1c9f0a2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c";
    const LEGACY_SESSION: &str = include_str!(
        "../../fixtures/home/.gemini/tmp/a3f9c2e17b4d5086e1c9f0a2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c/chats/session-2026-11-03T09-12-5b7e2c14.json"
    );
    const HASH_LOGS: &str = include_str!(
        "../../fixtures/home/.gemini/tmp/a3f9c2e17b4d5086e1c9f0a2b3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c/logs.json"
    );
    const SLUG_SESSION: &str = include_str!(
        "../../fixtures/home/.gemini/tmp/tide-tables/chats/session-2026-11-04T14-30-e2a41f07.jsonl"
    );
    const SLUG_LOGS: &str = include_str!("../../fixtures/home/.gemini/tmp/tide-tables/logs.json");

    #[test]
    fn discovery_takes_sessions_and_prompt_logs() {
        let accepts = FORMAT.agent.unwrap().accepts;
        let tmp = Path::new("/home/dev/.gemini/tmp");
        for taken in [
            "tide-tables/chats/session-2026-11-04T14-30-e2a41f07.jsonl",
            "tide-tables/chats/e2a41f07-3c5b-4d69-8a1e-0f9b2c7d4e58/9a1b2c3d.jsonl",
            "a3f9c2e1/chats/session-2026-11-03T09-12-5b7e2c14.json",
            "tide-tables/logs.json",
        ] {
            assert!(accepts(&tmp.join(taken)), "{taken}");
        }
        for left in [
            "tide-tables/.project_root",
            "tide-tables/checkpoint-before-refactor.json",
            "tide-tables/shell_history",
        ] {
            assert!(!accepts(&tmp.join(left)), "{left}");
        }
    }

    #[test]
    fn home_legacy_json_session_is_read_as_one_document() {
        let value: serde_json::Value = serde_json::from_str(LEGACY_SESSION).unwrap();
        assert_eq!(detect_document(&value), Some(InputFormat::GeminiCli));
        let parsed = parse_lines(InputFormat::GeminiCli, &[LEGACY_SESSION.as_bytes()]);
        let calls = crate::ingest::test_support::calls(&parsed);
        // Two `gemini` messages with usage; the user and info messages and the message whose
        // tokens are null are no calls.
        assert_eq!(calls.len(), 2);
        assert!(calls.iter().all(|c| c.model == "gemini-2.5-pro"));
        assert_eq!(tag(calls[0], "project_hash"), Some(HASH_DIR));
        // input 18,342 (none cached); output 96 candidates + 211 thoughts.
        assert_eq!(calls[0].tokens, tokens(18_342, 0, 0, 0, 307, 211));
        assert_eq!(calls[0].features.tool_calls, 1);
        // gemini-2.5-pro (prompt under 200k): 18,342 × $1.25/M + 307 × $10/M
        //   = $0.0229275 + $0.00307 = $0.0259975
        assert_eq!(cost(calls[0]), "0.0259975");
        // input 18,910 includes the 16,384 cached.
        // 2,526 × $1.25/M + 16,384 × $0.125/M + 402 × $10/M
        //   = $0.0031575 + $0.002048 + $0.00402 = $0.0092255
        assert_priced(calls[1], tokens(2_526, 16_384, 0, 0, 402, 0), "0.0092255");
        assert_eq!(
            calls[1].text.as_ref().map(|t| t.user.as_str()),
            Some("Add a --dry-run flag to the deploy script.")
        );
    }

    #[test]
    fn home_jsonl_session_accounts_for_every_line() {
        assert_eq!(
            detect_format(SLUG_SESSION.as_bytes()),
            Some(InputFormat::GeminiCli)
        );
        let parsed = parse(SLUG_SESSION);
        let seen = by_line(&parsed);
        let expected = [
            "skip session metadata, no usage",
            "skip user message, no usage",
            "skip session metadata, no usage",
            "call gemini-3-flash-preview",
            "skip session metadata, no usage",
            "skip duplicate content block",
            "call gemini-3-flash-preview",
            "skip session metadata, no usage",
            "skip not a model call",
        ];
        for (index, what) in expected.iter().enumerate() {
            assert_eq!(seen[index], (index as u64 + 1, what.to_string()));
        }
        // The session file was cut mid-write by a crash: its last line is an error.
        assert!(
            seen[9].1.starts_with("error truncated JSON"),
            "{:?}",
            seen[9]
        );
        assert_eq!(seen.len(), 10);
        let first = call_at(&parsed, 4);
        // input 21,077 (none cached); output 58 candidates + 164 thoughts.
        assert_eq!(first.tokens, tokens(21_077, 0, 0, 0, 222, 164));
        assert_eq!(first.features.tool_calls, 1);
        // gemini-3-flash-preview: 21,077 × $0.50/M + 222 × $3.00/M
        //   = $0.0105385 + $0.000666 = $0.0112045
        assert_eq!(cost(first), "0.0112045");
        let second = call_at(&parsed, 7);
        // input 21,890 includes the 20,480 cached; output 274 + 96 thoughts.
        // 1,410 × $0.50/M + 20,480 × $0.05/M + 370 × $3.00/M
        //   = $0.000705 + $0.001024 + $0.00111 = $0.002839
        assert_priced(second, tokens(1_410, 20_480, 0, 0, 370, 96), "0.002839");
        assert_eq!(second.features.tool_results, 1);
    }

    /// `logs.json` holds the user's prompts only: it is recognised as Gemini CLI (not as a
    /// Claude Code transcript, whose lines also carry `sessionId`, `type` and `message`) and
    /// every entry is skipped as a user message.
    #[test]
    fn prompt_log_is_recognised_and_holds_no_calls() {
        for (text, entries) in [(HASH_LOGS, 2), (SLUG_LOGS, 1)] {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(detect_document(&value), Some(InputFormat::GeminiCli));
            let items: Vec<String> = value
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item.to_string())
                .collect();
            assert!(
                items
                    .iter()
                    .all(|item| !crate::ingest::claude_code::looks_like_line(
                        &serde_json::from_str(item).unwrap()
                    ))
            );
            let lines: Vec<&[u8]> = items.iter().map(|item| item.as_bytes()).collect();
            let seen = by_line(&parse_lines(InputFormat::GeminiCli, &lines));
            assert_eq!(seen.len(), entries);
            assert!(
                seen.iter()
                    .all(|(_, what)| what == "skip user message, no usage")
            );
        }
        // An entry before a session's header changes nothing of the session read after it.
        let log_then_session = format!(
            "{}\n{}",
            r#"{"sessionId":"other","messageId":0,"type":"user","message":"hi","timestamp":"2026-11-04T14:30:00Z"}"#,
            SLUG_SESSION
        );
        let parsed = parse(&log_then_session);
        assert_eq!(
            call_at(&parsed, 5).session_id.as_deref(),
            Some("e2a41f07-3c5b-4d69-8a1e-0f9b2c7d4e58")
        );
    }

    #[test]
    fn rewritten_message_counts_once_with_its_tool_calls() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 4);
        // input 13,906 (none cached); output 185 candidates + 306 thoughts.
        assert_eq!(record.tokens, tokens(13_906, 0, 0, 0, 491, 306));
        // Line 6 rewrote the message with the tool call it made.
        assert_eq!(record.features.tool_calls, 1);
        assert!(record.features.interactive);
        assert_eq!(record.request_id.as_deref(), Some("g-0001"));
        assert_eq!(
            record.session_id.as_deref(),
            Some("7d1c2a90-3b4e-4f61-9a2d-0c5e8b7f1a23")
        );
        assert_eq!(record.tags[0].0, "project_hash");
        // gemini-3-flash-preview: 13,906 × $0.50/M + 491 × $3.00/M
        //   = $0.006953 + $0.001473 = $0.008426
        assert_eq!(cost(record), "0.008426");
    }

    #[test]
    fn cached_input_and_thoughts_split_into_exclusive_buckets() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 8);
        // input 48,210 includes the 40,960 cached; output 512 + 1,024 thoughts.
        // gemini-2.5-pro (prompt under 200k): 7,250 × $1.25/M + 40,960 × $0.125/M
        //   + 1,536 × $10/M = $0.0090625 + $0.00512 + $0.01536 = $0.0295425
        assert_priced(
            record,
            tokens(7_250, 40_960, 0, 0, 1_536, 1_024),
            "0.0295425",
        );
    }

    #[test]
    fn a_message_without_model_takes_the_last_model_named() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 9);
        assert_eq!(record.model, "gemini-2.5-pro");
        // gemini-2.5-pro: 1,900 × $1.25/M + 48,000 × $0.125/M + 40 × $10/M
        //   = $0.002375 + $0.006 + $0.0004 = $0.008775
        assert_priced(record, tokens(1_900, 48_000, 0, 0, 40, 0), "0.008775");
    }

    #[test]
    fn thoughts_missing_from_old_versions_come_from_the_total() {
        let parsed = parse(FIXTURE);
        let record = call_at(&parsed, 12);
        // total 1,500 − input 1,200 − output 80 = 220 thinking tokens, billed as output.
        // gemini-2.5-flash: 1,200 × $0.30/M + 300 × $2.50/M = $0.00036 + $0.00075 = $0.00111
        assert_priced(record, tokens(1_200, 0, 0, 0, 300, 220), "0.00111");
    }

    #[test]
    fn tool_use_prompt_tokens_are_input() {
        let text = r#"{"sessionId":"s","projectHash":"p","startTime":"2026-10-03T08:00:00Z"}
{"id":"m1","timestamp":"2026-10-03T08:00:01Z","type":"gemini","model":"gemini-2.5-flash","tokens":{"input":22,"output":212,"cached":16,"thoughts":114,"tool":303,"total":651}}"#;
        let parsed = parse(text);
        assert_eq!(call_at(&parsed, 2).tokens, tokens(309, 16, 0, 0, 326, 114));
    }

    #[test]
    fn legacy_single_document_and_subagent_sessions() {
        let document = r#"{"sessionId":"old","projectHash":"p","startTime":"2025-08-01T10:00:00Z","lastUpdated":"2025-08-01T10:05:00Z","kind":"subagent","messages":[
 {"id":"a","timestamp":"2025-08-01T10:00:01Z","type":"user","content":"hi"},
 {"id":"b","timestamp":"2025-08-01T10:00:03Z","type":"gemini","content":"hello","model":"gemini-2.5-flash","tokens":{"input":100,"output":10,"cached":0,"thoughts":5,"total":115}},
 {"id":"c","timestamp":"2025-08-01T10:00:09Z","type":"gemini","content":"bye","model":"gemini-2.5-flash","tokens":{"input":130,"output":4,"cached":64,"thoughts":0,"total":134}}]}"#;
        let value: serde_json::Value = serde_json::from_str(document).unwrap();
        assert_eq!(detect_document(&value), Some(InputFormat::GeminiCli));
        let parsed = parse_lines(InputFormat::GeminiCli, &[document.as_bytes()]);
        let seen = by_line(&parsed);
        assert_eq!(
            seen,
            vec![
                (1, "call gemini-2.5-flash".to_string()),
                (1, "call gemini-2.5-flash".to_string())
            ]
        );
        let calls = crate::ingest::test_support::calls(&parsed);
        assert_eq!(calls[0].tokens, tokens(100, 0, 0, 0, 15, 5));
        assert_eq!(calls[1].tokens, tokens(66, 64, 0, 0, 4, 0));
        assert!(
            calls[0]
                .tags
                .contains(&("agent".to_string(), "subagent".to_string()))
        );
        // The migrated copy of the same session in a .jsonl file collapses with it.
        assert!(calls[0].dedupe_key.is_some());
        assert_ne!(calls[0].dedupe_key, calls[1].dedupe_key);
    }

    #[test]
    fn usage_without_any_model_and_malformed_lines_are_errors() {
        let text = r#"{"sessionId":"s","projectHash":"p"}
{"id":"m1","type":"gemini","tokens":{"input":10,"output":1,"cached":0,"total":11}}
{"id":"m2","type":"gemini","tokens":{"input":"ten"}}
{"id":
{"what":"else"}
{"$set":{"messages":"nope"}}"#;
        let seen = by_line(&parse(text));
        assert_eq!(seen.len(), 6);
        assert!(
            seen[1]
                .1
                .starts_with("error Gemini CLI message with usage names no model")
        );
        assert!(seen[2].1.starts_with("error invalid Gemini CLI message"));
        assert!(seen[3].1.starts_with("error truncated JSON"));
        assert!(seen[4].1.starts_with("error not a Gemini CLI session line"));
        assert!(
            seen[5]
                .1
                .starts_with("error invalid Gemini CLI messages list")
        );
    }

    #[test]
    fn reference_sample_counts_its_one_call_once() {
        let Some(text) = crate::ingest::gemini::tests::reference("gemini_cli_session.jsonl") else {
            return;
        };
        let parsed = parse(&text);
        let seen = by_line(&parsed);
        assert_eq!(
            seen.iter().map(|s| s.1.as_str()).collect::<Vec<_>>(),
            vec![
                "skip session metadata, no usage",
                "skip session metadata, no usage",
                "call gemini-3-flash-preview",
                "skip session metadata, no usage",
                "skip duplicate content block",
            ]
        );
        let record = call_at(&parsed, 3);
        assert_eq!(record.tokens, tokens(13_906, 0, 0, 0, 491, 306));
        // Line 5 restates the message with its five tool calls (update_topic, 4 × read_file).
        assert_eq!(record.features.tool_calls, 5);
    }

    #[test]
    fn detects_the_fixture_and_no_other_reference_sample() {
        assert_eq!(
            detect_format(FIXTURE.as_bytes()),
            Some(InputFormat::GeminiCli)
        );
        assert_claims_no_other_reference_line("gemini_cli", looks_like);
    }

    /// Each call is read with the latest user message of the session and the tool results of
    /// the messages since it, rewrites and checkpoints included.
    #[test]
    fn calls_carry_the_latest_prompt() {
        use crate::classify::Task;
        use crate::ingest::test_support::{FIX_TEST_PROMPT, TRANSLATE_PROMPT, assert_prompt_task};
        let gemini = |id: &str, results: &[&str]| {
            let calls: Vec<serde_json::Value> = results
                .iter()
                .map(|r| {
                    serde_json::json!({"id": "t", "name": "run_shell_command", "args": {},
                    "result": [{"functionResponse": {"name": "run_shell_command",
                                                     "response": {"output": r}}}]})
                })
                .collect();
            serde_json::json!({"id": id, "timestamp": "2026-10-03T08:00:14.257Z",
                "type": "gemini", "content": "", "model": "gemini-2.5-pro",
                "tokens": {"input": 1000, "output": 10, "cached": 0}, "toolCalls": calls})
            .to_string()
        };
        let user = |content: serde_json::Value| {
            serde_json::json!({"id": "u", "timestamp": "2026-10-03T08:00:05.120Z",
                               "type": "user", "content": content})
            .to_string()
        };
        let output = "z".repeat(300);
        let lines = [
            r#"{"sessionId":"s","projectHash":"p","startTime":"2026-10-03T08:00:00.000Z"}"#
                .to_string(),
            user(serde_json::json!([{"text": FIX_TEST_PROMPT}])),
            gemini("g1", &[]),
            // The message rewritten with its tool call's result: the next call reads it.
            gemini("g1", &[&output]),
            gemini("g2", &[]),
            user(serde_json::json!(TRANSLATE_PROMPT)),
            gemini("g3", &[]),
        ];
        let parsed = parse(&lines.join("\n"));
        let calls = crate::ingest::test_support::calls(&parsed);
        assert_eq!(calls.len(), 3);
        let text = |i: usize| calls[i].text.as_ref().map(|t| t.user.as_str());
        assert_eq!(text(0), Some(FIX_TEST_PROMPT));
        assert_prompt_task(calls[0], Task::Code);
        assert_eq!(calls[0].features.tool_results, 0);
        assert_eq!(text(1), Some(FIX_TEST_PROMPT));
        assert_eq!(calls[1].features.tool_results, 1);
        assert!(
            calls[1].text.as_ref().unwrap().prompt_chars
                > FIX_TEST_PROMPT.chars().count() as u64 + 300
        );
        assert_eq!(text(2), Some(TRANSLATE_PROMPT));
        assert_eq!(calls[2].features.tool_results, 0);
        assert_prompt_task(calls[2], Task::Translation);
    }
}

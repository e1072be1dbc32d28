//! pi and Oh My Pi session files (`~/.pi/agent/sessions/--<cwd>--/<timestamp>_<sessionId>.jsonl`,
//! Oh My Pi under `~/.omp/agent/sessions`; the folder is the working directory with `/` turned
//! into `-`, wrapped in `--`).
//!
//! Layout (badlogic/pi-mono `packages/coding-agent/src/core/session-manager.ts` entry types;
//! `packages/ai/src/types.ts` `AssistantMessage` and `Usage`): a header `{type: "session",
//! version, id, timestamp, cwd}` (Oh My Pi may write a `{type: "title"}` line first); then
//! entries `{type, id, parentId, timestamp, ...}`: `message` entries hold a pi-ai message
//! `{role: "user"|"assistant"|"toolResult"|…, content, timestamp}`, and assistant messages add
//! `{api, provider, model, responseId?, usage, stopReason, errorMessage?}`; `model_change`,
//! `thinking_level_change`, `compaction`, `branch_summary`, `custom`, `label` and
//! `session_info` entries carry no usage.
//!
//! Each assistant message is one call. Its `responseId` is the call's identity: entry ids are
//! not (a resumed or imported session writes the same response again under a new entry id),
//! so a repeated `responseId` is skipped within a file and shares its dedupe key across files
//! (pi and Oh My Pi sessions of the same work collapse). A message without one (older pi,
//! some providers) is the session's entry id; one without either, its line's bytes: OpenClaw,
//! which writes this format, may append the very same line twice.
//!
//! The model is the message's own; a message naming none takes the last `model_change` (or
//! OpenClaw's `custom` entry of `customType: "model-snapshot"`, `data {provider, modelId}`).
//!
//! Token convention (pi-ai normalises every provider to one `Usage`): `input` EXCLUDES the
//! cache (`openai-completions.ts` subtracts `cached_tokens`; Anthropic's `input_tokens`
//! already does), `cacheRead` and `cacheWrite` are apart, `output` is the output as pi-ai
//! counts it (it carries no reasoning count of its own, so none is set), `totalTokens` their
//! sum, and `cost.total` the dollars pi-ai priced, kept as the stated cost. `cacheWrite` does
//! not say its TTL: it is read as 5-minute writes, Anthropic's default (a session that asked
//! for 1-hour caching is under-priced by the difference). A failed call
//! (`stopReason: "error"`) records zero usage: it is counted among the failures by the cause
//! its error message names.

use crate::ingest::usage;
use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::session_prompt::{SessionPrompt, written_size};
use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, LineOutcome, LineParser, Parsed, Root, SkipReason, json_error,
};
use crate::record::{CallRecord, FailureCause, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format::agent_log(
    Agent {
        name: "pi",
        label: "pi / Oh My Pi",
        // `PI_CODING_AGENT_DIR` moves pi's agent folder (`packages/coding-agent/src/config.ts`).
        env: &[EnvRoot::new("PI_CODING_AGENT_DIR", "sessions")],
        roots: &[
            Root::any(".pi/agent/sessions"),
            Root::any(".omp/agent/sessions"),
        ],
        accepts: is_session_file,
    },
    looks_like,
    |_| parser(),
);

/// `--<cwd>--/<timestamp>_<sessionId>.jsonl` under a sessions folder.
fn is_session_file(path: &Path) -> bool {
    let in_cwd_folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|dir| dir.to_str())
        .is_some_and(|dir| dir.starts_with("--") && dir.ends_with("--"));
    in_cwd_folder && path.extension().is_some_and(|e| e == "jsonl")
}

/// Any entry of a session file; which members are present depends on its `type`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Entry<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    id: Option<Text<'a>>,
    timestamp: Option<&'a RawValue>,
    message: Option<Message<'a>>,
    /// `model_change`: the model the following messages use.
    model_id: Option<Text<'a>>,
    provider: Option<Text<'a>>,
    /// `custom`: an extension's entry; OpenClaw's `model-snapshot` names the model in `data`.
    custom_type: Option<Text<'a>>,
    data: Option<ModelSnapshot<'a>>,
}

/// The `data` of an OpenClaw `model-snapshot` entry.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct ModelSnapshot<'a> {
    model_id: Option<Text<'a>>,
    provider: Option<Text<'a>>,
}

/// A pi-ai message.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    role: Option<Text<'a>>,
    /// A string, or a list of blocks (`text`, `thinking`, `toolCall`, `image`).
    content: Option<&'a RawValue>,
    provider: Option<Text<'a>>,
    model: Option<Text<'a>>,
    response_id: Option<Text<'a>>,
    usage: Option<Usage>,
    stop_reason: Option<Text<'a>>,
    error_message: Option<Text<'a>>,
    /// Milliseconds since the epoch, when the message was made.
    timestamp: Option<&'a RawValue>,
}

/// pi-ai's `Usage`.
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "camelCase")]
struct Usage {
    input: Option<u64>,
    output: Option<u64>,
    cache_read: Option<u64>,
    cache_write: Option<u64>,
    cost: Option<Cost>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct Cost {
    total: Option<f64>,
}

impl Usage {
    fn buckets(&self) -> TokenBuckets {
        usage::anthropic_style(
            self.input.unwrap_or(0),
            self.cache_read.unwrap_or(0),
            self.cache_write,
            (None, None),
            self.output.unwrap_or(0),
        )
    }
}

/// A content block of a message.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Block<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    text: Option<Text<'a>>,
}

/// Reads one session file in order.
#[derive(Default)]
struct PiParser {
    session_id: Option<String>,
    /// The model of the last `model_change`: messages of older versions may name none.
    model: Option<(Option<String>, String)>,
    /// Identities ([`PiParser::identity`]) of the calls already counted in this file.
    counted: HashSet<u64>,
    prompt: SessionPrompt,
}

pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::<PiParser>::default()
}

impl LineParser for PiParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let outcome = match serde_json::from_slice::<Entry<'_>>(line) {
            Ok(entry) => self.entry(entry, line),
            Err(err) => json_error(err, line),
        };
        out.push(Parsed {
            line: line_no,
            outcome,
        });
    }
}

impl PiParser {
    fn entry(&mut self, entry: Entry<'_>, line: &[u8]) -> LineOutcome {
        match entry.kind.as_deref() {
            Some("message") => match entry.message {
                Some(ref message) => self.message(&entry, message, line),
                None => LineOutcome::Error("pi message entry without `message`".into()),
            },
            Some("session") => {
                self.session_id = entry.id.map(Text::into_owned);
                LineOutcome::Skip(SkipReason::SessionMetadata)
            }
            Some("model_change") => {
                self.set_model(entry.provider, entry.model_id);
                LineOutcome::Skip(SkipReason::SessionMetadata)
            }
            Some("custom") if entry.custom_type.as_deref() == Some("model-snapshot") => {
                if let Some(data) = entry.data {
                    self.set_model(data.provider, data.model_id);
                }
                LineOutcome::Skip(SkipReason::SessionMetadata)
            }
            Some(_) => LineOutcome::Skip(SkipReason::SessionMetadata),
            None => LineOutcome::Error("not a pi session entry: no `type`".into()),
        }
    }

    fn set_model(&mut self, provider: Option<Text<'_>>, model: Option<Text<'_>>) {
        if let Some(model) = model.filter(|m| !m.is_empty()) {
            self.model = Some((provider.map(Text::into_owned), model.into_owned()));
        }
    }

    fn message(&mut self, entry: &Entry<'_>, message: &Message<'_>, line: &[u8]) -> LineOutcome {
        match message.role.as_deref() {
            Some("assistant") => self.assistant(entry, message, line),
            Some("user") => {
                self.prompt.start_turn(&texts(message.content));
                LineOutcome::Skip(SkipReason::UserMessage)
            }
            Some("toolResult") => {
                if let Some(content) = message.content {
                    self.prompt.add_tool_result(written_size(content));
                }
                LineOutcome::Skip(SkipReason::UserMessage)
            }
            // `bashExecution` (a `!` command the user ran), custom and summary messages.
            _ => LineOutcome::Skip(SkipReason::NotAModelCall),
        }
    }

    /// What makes a call itself: its response id, else its entry id in this session, else the
    /// bytes of its line.
    fn identity(&self, entry: &Entry<'_>, message: &Message<'_>, line: &[u8]) -> u64 {
        if let Some(id) = message.response_id.as_deref() {
            return stable_hash(&[b"pi", id.as_bytes()]);
        }
        let session = self.session_id.as_deref().unwrap_or_default();
        match entry.id.as_deref() {
            Some(id) => stable_hash(&[b"pi", session.as_bytes(), id.as_bytes()]),
            None => stable_hash(&[b"pi", session.as_bytes(), line.trim_ascii()]),
        }
    }

    fn assistant(&mut self, entry: &Entry<'_>, message: &Message<'_>, line: &[u8]) -> LineOutcome {
        let usage = message.usage.unwrap_or_default();
        let tokens = usage.buckets();
        if tokens.total() == 0 {
            let failed = message.stop_reason.as_deref() == Some("error");
            let cause = failed.then(|| {
                FailureCause::derive(
                    None,
                    &[message.error_message.as_deref().unwrap_or_default()],
                )
            });
            return LineOutcome::without_usage(cause);
        }
        let identity = self.identity(entry, message, line);
        if !self.counted.insert(identity) {
            return LineOutcome::Skip(SkipReason::DuplicateContentBlock);
        }
        let (provider, model) = match message.model.as_deref().filter(|m| !m.is_empty()) {
            Some(model) => (message.provider.as_deref(), model),
            None => match &self.model {
                Some((provider, model)) => (provider.as_deref(), model.as_str()),
                None => {
                    return LineOutcome::Error(
                        "pi assistant message with usage names no model".into(),
                    );
                }
            },
        };
        let mut record = Box::new(CallRecord {
            provider: provider_of(provider, model),
            model: model.to_string(),
            tokens,
            timestamp_ms: message
                .timestamp
                .or(entry.timestamp)
                .and_then(parse_timestamp),
            response_id: message.response_id.as_deref().map(str::to_string),
            request_id: entry.id.as_deref().map(str::to_string),
            session_id: self.session_id.clone(),
            // A zero total is a model the agent could not price, not a free call.
            stated_cost_usd: usage
                .cost
                .and_then(|c| c.total)
                .filter(|total| *total > 0.0),
            dedupe_key: Some(identity),
            ..CallRecord::default()
        });
        record.features.interactive = true;
        // pi-ai streams every call.
        record.features.streamed = true;
        record.features.tool_calls = blocks(message.content)
            .iter()
            .filter(|block| block.kind.as_deref() == Some("toolCall"))
            .count() as u32;
        record.features.finish_reason = message.stop_reason.as_deref().map(str::to_string);
        self.prompt.apply_to(&mut record);
        LineOutcome::Call(record)
    }
}

/// The blocks of a message's content (none when it is a string).
fn blocks<'a>(content: Option<&'a RawValue>) -> Vec<Block<'a>> {
    content
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default()
}

/// The text of a user message: the string, or its text blocks.
fn texts(content: Option<&RawValue>) -> Vec<String> {
    let Some(raw) = content else {
        return Vec::new();
    };
    if let Ok(text) = serde_json::from_str::<Cow<'_, str>>(raw.get()) {
        return vec![text.into_owned()];
    }
    blocks(Some(raw))
        .into_iter()
        .filter(|block| block.kind.as_deref() == Some("text"))
        .filter_map(|block| block.text.map(Text::into_owned))
        .collect()
}

/// The provider pi names (`anthropic`, `openai`, `google`, …), else the maker the model name
/// reveals (a router such as `openrouter` names no maker).
fn provider_of(provider: Option<&str>, model: &str) -> Provider {
    match provider.map_or(Provider::Unknown, Provider::from_name) {
        Provider::Unknown => Provider::from_model(model),
        named => named,
    }
}

/// Whether a parsed JSON value looks like a pi session entry (used by detection): the
/// session header, a `model_change`, or a `message` entry holding a pi-ai message.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let is_string = |key: &str| object.get(key).is_some_and(serde_json::Value::is_string);
    match object.get("type").and_then(serde_json::Value::as_str) {
        Some("session") => is_string("id") && is_string("cwd"),
        Some("model_change") => is_string("modelId") && is_string("provider"),
        Some("message") => {
            is_string("id")
                && object.get("message").is_some_and(|message| {
                    message
                        .get("role")
                        .is_some_and(serde_json::Value::is_string)
                        && message
                            .get("timestamp")
                            .is_some_and(serde_json::Value::is_number)
                })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::InputFormat;
    use crate::ingest::test_support::{
        assert_priced, call, calls, cost, outcome_at, parse_text, skip, skips, tokens,
    };

    const PI: &str = include_str!(
        "../../fixtures/home/.pi/agent/sessions/--home-dev-src-ledger--/2026-11-06T08-41-17-532Z_0c5d2e8a-4b1f-4c7d-9a3e-6f2b8d1c4e70.jsonl"
    );
    const OMP: &str = include_str!(
        "../../fixtures/home/.omp/agent/sessions/--home-dev-src-ledger--/2026-11-07T15-10-44-006Z_5e9a1b3c-7d2f-4a6e-8b0c-1f3d5a7c9e2b.jsonl"
    );

    fn parse(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::Pi, text)
    }

    #[test]
    fn pi_session_accounts_for_every_line() {
        let parsed = parse(PI);
        assert_eq!(parsed.len(), 13);
        assert_eq!(
            skips(&parsed),
            [
                (1, SkipReason::SessionMetadata),
                (2, SkipReason::SessionMetadata),
                (3, SkipReason::SessionMetadata),
                (4, SkipReason::UserMessage),
                (6, SkipReason::UserMessage),
                // The response of line 7 written again under a new entry id.
                (8, SkipReason::DuplicateContentBlock),
                // The rate-limited call below.
                (9, SkipReason::ProviderError),
                (10, SkipReason::SessionMetadata),
                (11, SkipReason::UserMessage),
                (13, SkipReason::SessionMetadata),
            ]
        );
        // A rate-limited call: zero usage, counted among the failures.
        assert!(matches!(
            outcome_at(&parsed, 9),
            LineOutcome::Failed(FailureCause::RateLimit)
        ));
        assert_eq!(calls(&parsed).len(), 3);
    }

    #[test]
    fn anthropic_calls_keep_their_exclusive_buckets_and_stated_cost() {
        let parsed = parse(PI);
        let first = call(outcome_at(&parsed, 5));
        assert_eq!(first.tokens, tokens(3, 0, 9_870, 0, 412, 0));
        assert_eq!(first.provider, Provider::Anthropic);
        assert_eq!(first.features.tool_calls, 1);
        // claude-sonnet-4-5: 3 × $3/M + 9,870 × $3.75/M (5-minute write) + 412 × $15/M
        //   = $0.000009 + $0.0370125 + $0.00618 = $0.0432015 (pi-ai stated the same)
        assert_eq!(cost(first), "0.0432015");
        assert_eq!(first.stated_cost_usd, Some(0.0432015));
        let second = call(outcome_at(&parsed, 7));
        // 5 × $3/M + 9,870 × $0.30/M + 1,120 × $3.75/M + 268 × $15/M
        //   = $0.000015 + $0.002961 + $0.0042 + $0.00402 = $0.011196
        assert_priced(second, tokens(5, 9_870, 1_120, 0, 268, 0), "0.011196");
        assert_eq!(second.features.tool_results, 1);
        assert_eq!(
            second.text.as_ref().map(|t| t.user.as_str()),
            Some("Why does the ledger total drift by a cent after import?")
        );
    }

    #[test]
    fn a_model_change_and_a_string_prompt() {
        let parsed = parse(PI);
        let call = call(outcome_at(&parsed, 12));
        assert_eq!(call.model, "gpt-5-mini");
        assert_eq!(call.provider, Provider::OpenAi);
        // gpt-5-mini: 2,210 × $0.25/M + 8,448 × $0.025/M + 640 × $2/M
        //   = $0.0005525 + $0.0002112 + $0.00128 = $0.0020437
        assert_priced(call, tokens(2_210, 8_448, 0, 0, 640, 0), "0.0020437");
        assert_eq!(
            call.text.as_ref().map(|t| t.user.as_str()),
            Some("Write a regression test for the cent drift.")
        );
        assert_eq!(
            call.session_id.as_deref(),
            Some("0c5d2e8a-4b1f-4c7d-9a3e-6f2b8d1c4e70")
        );
    }

    #[test]
    fn oh_my_pi_title_first_and_a_response_shared_with_pi() {
        let parsed = parse(OMP);
        assert_eq!(skip(outcome_at(&parsed, 1)), SkipReason::SessionMetadata);
        assert_eq!(skip(outcome_at(&parsed, 2)), SkipReason::SessionMetadata);
        let imported = call(outcome_at(&parsed, 3));
        // The response pi counted: the same dedupe key, so the two files count it once.
        let pi = parse(PI);
        assert_eq!(imported.dedupe_key, call(outcome_at(&pi, 7)).dedupe_key);
        let own = call(outcome_at(&parsed, 5));
        // claude-haiku-4-5: 4 × $1/M + 10,990 × $0.10/M + 640 × $1.25/M + 190 × $5/M
        //   = $0.000004 + $0.001099 + $0.0008 + $0.00095 = $0.002853
        assert_priced(own, tokens(4, 10_990, 640, 0, 190, 0), "0.002853");
        assert_ne!(own.dedupe_key, imported.dedupe_key);
        // The session was cut mid-write.
        assert!(
            matches!(outcome_at(&parsed, 6), LineOutcome::Error(m) if m.starts_with("truncated JSON"))
        );
    }

    #[test]
    fn usage_without_any_model_is_an_error() {
        let text = r#"{"type":"session","version":3,"id":"s","timestamp":"2026-11-06T08:00:00Z","cwd":"/w"}
{"type":"message","id":"a","parentId":null,"timestamp":"2026-11-06T08:00:01Z","message":{"role":"assistant","content":[],"usage":{"input":10,"output":2,"cacheRead":0,"cacheWrite":0,"totalTokens":12},"stopReason":"stop","timestamp":1762416001000}}
{"type":"model_change","id":"b","parentId":"a","timestamp":"2026-11-06T08:00:02Z","provider":"anthropic","modelId":"claude-haiku-4-5"}
{"type":"message","id":"c","parentId":"b","timestamp":"2026-11-06T08:00:03Z","message":{"role":"assistant","content":[],"usage":{"input":10,"output":2,"cacheRead":0,"cacheWrite":0,"totalTokens":12},"stopReason":"stop","timestamp":1762416003000}}"#;
        let parsed = parse(text);
        assert!(
            matches!(outcome_at(&parsed, 2), LineOutcome::Error(m) if m.contains("names no model"))
        );
        assert_eq!(call(outcome_at(&parsed, 4)).model, "claude-haiku-4-5");
        assert_eq!(call(outcome_at(&parsed, 4)).provider, Provider::Anthropic);
    }

    #[test]
    fn detection_and_discovery() {
        for line in PI.lines().chain(OMP.lines().take(5)) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let kind = value["type"].as_str().unwrap();
            let expected = matches!(kind, "session" | "model_change" | "message");
            assert_eq!(looks_like(&value), expected, "{line}");
        }
        let accepts = FORMAT.agent.unwrap().accepts;
        assert!(accepts(Path::new(
            "/home/dev/.omp/agent/sessions/--home-dev-src-ledger--/2026-11-07T15-10-44-006Z_5e9a.jsonl"
        )));
        assert!(!accepts(Path::new("/home/dev/.pi/agent/settings.json")));
    }
}

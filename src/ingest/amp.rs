//! Amp threads (`~/.local/share/amp/threads/T-<uuid>.json`, one JSON document per thread;
//! `AMP_DATA_DIR` moves `~/.local/share/amp`).
//!
//! Layout (the facts `../shared/reference/formats/CODING_AGENTS_MORE.md` gathers from ccusage's
//! and tokscale's loaders (`packages/core/src/sessions/amp.rs`); Amp's client is not open
//! source): `{v, id: "T-…", created (ms), title, messages: [...], usageLedger?: {events:
//! [...]}}`. A message is `{role, messageId (a number), content, state?, usage?}`; an
//! assistant message's `usage` is `{model, inputTokens, outputTokens, cacheCreationInputTokens,
//! cacheReadInputTokens, totalInputTokens, timestamp}`, Anthropic's convention (input EXCLUDES
//! the cache, `totalInputTokens` is the sum). A ledger event is `{id, timestamp, model, credits,
//! tokens: {input, output}, operationType, fromMessageId?, toMessageId?}`.
//!
//! The rule between the two: a thread with ledger events is read from the ledger, which also
//! bills what no message shows (title generation and other side calls), and its messages'
//! usage is NOT counted again; a thread without one (older versions) is read from its assistant
//! messages, one call each. A ledger event's cache split comes from the message it produced
//! (`toMessageId`): its `input` is then the message's total input (the uncached part is what
//! the cache does not explain), or, where it equals the message's `inputTokens`, the uncached
//! input already. An event without its message has no split: its input is all uncached.
//! `cacheCreationInputTokens` does not say its TTL: read as 5-minute writes, Anthropic's
//! default.
//!
//! Each call carries the latest user text before its message. Calls with no tokens (a cancelled
//! turn) are skipped. `credits` are Amp's own billing unit, not dollars: not a stated cost.

use crate::ingest::usage;
use crate::ingest::values::Text;
use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::session_prompt::{SessionPrompt, written_size};
use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, LineOutcome, LineParser, Parsed, Root, SkipReason, json_error,
};
use crate::record::{CallRecord, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format::agent_log(
    Agent {
        name: "amp",
        label: "Amp",
        env: &[EnvRoot::new("AMP_DATA_DIR", "threads")],
        roots: &[Root::any(".local/share/amp/threads")],
        accepts: is_thread_file,
    },
    looks_like,
    |_| Box::new(AmpParser),
);

/// `T-<uuid>.json`.
fn is_thread_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("T-") && name.ends_with(".json"))
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Thread<'a> {
    id: Text<'a>,
    created: Option<&'a RawValue>,
    #[serde(default)]
    messages: Vec<Message<'a>>,
    usage_ledger: Option<Ledger<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Message<'a> {
    role: Option<Text<'a>>,
    message_id: Option<u64>,
    content: Option<&'a RawValue>,
    usage: Option<MessageUsage<'a>>,
}

#[derive(Deserialize, Clone)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct MessageUsage<'a> {
    model: Option<Text<'a>>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
    timestamp: Option<&'a RawValue>,
}

impl MessageUsage<'_> {
    fn buckets(&self) -> TokenBuckets {
        usage::anthropic_style(
            self.input_tokens.unwrap_or(0),
            self.cache_read_input_tokens.unwrap_or(0),
            self.cache_creation_input_tokens,
            (None, None),
            self.output_tokens.unwrap_or(0),
        )
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Ledger<'a> {
    #[serde(default)]
    events: Vec<LedgerEvent<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct LedgerEvent<'a> {
    id: Option<Text<'a>>,
    timestamp: Option<&'a RawValue>,
    model: Option<Text<'a>>,
    tokens: Option<EventTokens>,
    to_message_id: Option<u64>,
}

#[derive(Deserialize, Clone, Copy)]
struct EventTokens {
    input: Option<u64>,
    output: Option<u64>,
}

impl LedgerEvent<'_> {
    /// The event's tokens, split by the usage of the message it produced, if known.
    fn buckets(&self, split: Option<&MessageUsage<'_>>) -> TokenBuckets {
        let tokens = self.tokens.unwrap_or(EventTokens {
            input: None,
            output: None,
        });
        let input = tokens.input.unwrap_or(0);
        let output = tokens.output.unwrap_or(0);
        let Some(split) = split else {
            return TokenBuckets {
                input,
                output,
                ..TokenBuckets::default()
            };
        };
        let cache_read = split.cache_read_input_tokens.unwrap_or(0);
        let cache_write = split.cache_creation_input_tokens.unwrap_or(0);
        let uncached = if split.input_tokens == Some(input) {
            input
        } else {
            input.saturating_sub(cache_read.saturating_add(cache_write))
        };
        usage::anthropic_style(
            uncached,
            cache_read,
            Some(cache_write),
            (None, None),
            output,
        )
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Block<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    text: Option<Text<'a>>,
    run: Option<&'a RawValue>,
}

/// Reads whole thread documents.
struct AmpParser;

impl LineParser for AmpParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let thread = match serde_json::from_slice::<Thread<'_>>(line) {
            Ok(thread) => thread,
            Err(err) => {
                return out.push(Parsed {
                    line: line_no,
                    outcome: json_error(err, line),
                });
            }
        };
        let before = out.len();
        for outcome in calls(&thread) {
            out.push(Parsed {
                line: line_no,
                outcome,
            });
        }
        if out.len() == before {
            out.push(Parsed {
                line: line_no,
                outcome: LineOutcome::Skip(SkipReason::NoUsage),
            });
        }
    }
}

/// The thread's calls: its ledger events, or its messages' usage when it has no ledger.
fn calls(thread: &Thread<'_>) -> Vec<LineOutcome> {
    let events = thread
        .usage_ledger
        .as_ref()
        .map_or(&[][..], |ledger| &ledger.events[..]);
    let mut by_message: BTreeMap<u64, Vec<&LedgerEvent<'_>>> = BTreeMap::new();
    let mut unattached = Vec::new();
    for event in events {
        match event.to_message_id {
            Some(id) if thread.messages.iter().any(|m| m.message_id == Some(id)) => {
                by_message.entry(id).or_default().push(event)
            }
            _ => unattached.push(event),
        }
    }
    let mut prompt = SessionPrompt::default();
    let mut out = Vec::new();
    for message in &thread.messages {
        let blocks = blocks(message.content);
        match message.role.as_deref() {
            Some("user") => {
                let texts: Vec<&str> = blocks
                    .iter()
                    .filter(|b| b.kind.as_deref() == Some("text"))
                    .filter_map(|b| b.text.as_deref())
                    .collect();
                prompt.start_turn(&texts);
                for run in blocks.iter().filter_map(|b| b.run) {
                    prompt.add_tool_result(written_size(run));
                }
            }
            Some("assistant") => {
                let tool_calls = blocks
                    .iter()
                    .filter(|b| b.kind.as_deref() == Some("tool_use"))
                    .count() as u32;
                let attached = message.message_id.and_then(|id| by_message.get(&id));
                if events.is_empty() {
                    if let Some(usage) = &message.usage {
                        let key = message.message_id.unwrap_or_default().to_string();
                        let call = Call {
                            model: usage.model.as_deref(),
                            tokens: usage.buckets(),
                            timestamp: usage.timestamp.or(thread.created),
                            key: &key,
                            tool_calls,
                        };
                        out.push(call.outcome(thread, &prompt));
                    }
                } else {
                    for event in attached.into_iter().flatten() {
                        out.push(event_call(
                            thread,
                            event,
                            message.usage.as_ref(),
                            tool_calls,
                            &prompt,
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    for event in unattached {
        out.push(event_call(
            thread,
            event,
            None,
            0,
            &SessionPrompt::default(),
        ));
    }
    out
}

fn event_call(
    thread: &Thread<'_>,
    event: &LedgerEvent<'_>,
    split: Option<&MessageUsage<'_>>,
    tool_calls: u32,
    prompt: &SessionPrompt,
) -> LineOutcome {
    let key = event.id.as_deref().unwrap_or_default();
    let call = Call {
        model: event
            .model
            .as_deref()
            .or_else(|| split.and_then(|s| s.model.as_deref())),
        tokens: event.buckets(split),
        timestamp: event.timestamp.or(thread.created),
        key,
        tool_calls,
    };
    call.outcome(thread, prompt)
}

/// One call of a thread, from a ledger event or a message.
struct Call<'c> {
    model: Option<&'c str>,
    tokens: TokenBuckets,
    timestamp: Option<&'c RawValue>,
    /// The event id or the message id: the call's identity within the thread.
    key: &'c str,
    tool_calls: u32,
}

impl Call<'_> {
    fn outcome(&self, thread: &Thread<'_>, prompt: &SessionPrompt) -> LineOutcome {
        if self.tokens.total() == 0 {
            return LineOutcome::Skip(SkipReason::NoUsage);
        }
        let Some(model) = self.model.filter(|m| !m.is_empty()) else {
            return LineOutcome::Error("Amp usage names no model".into());
        };
        let mut record = Box::new(CallRecord {
            provider: Provider::from_model(model),
            model: model.to_string(),
            tokens: self.tokens,
            timestamp_ms: self.timestamp.and_then(parse_timestamp),
            request_id: Some(self.key.to_string()),
            session_id: Some(thread.id.to_string()),
            dedupe_key: Some(stable_hash(&[
                b"amp",
                thread.id.as_bytes(),
                self.key.as_bytes(),
            ])),
            ..CallRecord::default()
        });
        record.features.interactive = true;
        record.features.streamed = true;
        record.features.tool_calls = self.tool_calls;
        prompt.apply_to(&mut record);
        LineOutcome::Call(record)
    }
}

fn blocks<'a>(content: Option<&'a RawValue>) -> Vec<Block<'a>> {
    content
        .and_then(|raw| serde_json::from_str(raw.get()).ok())
        .unwrap_or_default()
}

/// Whether a parsed JSON value looks like an Amp thread (used by detection): a thread id
/// `T-…` with a `messages` list.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    value
        .get("id")
        .and_then(serde_json::Value::as_str)
        .is_some_and(|id| id.starts_with("T-"))
        && value
            .get("messages")
            .is_some_and(serde_json::Value::is_array)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_support::{assert_priced, calls as calls_of, cost, tokens};

    const LEDGER: &str = include_str!(
        "../../fixtures/home/.local/share/amp/threads/T-6f2a9c41-8e3b-4d7a-b5c0-1e9d7f3a2b48.json"
    );
    const NO_LEDGER: &str = include_str!(
        "../../fixtures/home/.local/share/amp/threads/T-1d7b3e95-4a2c-4f8e-9b61-5c0e8a2d7f39.json"
    );

    fn parse(document: &str) -> Vec<Parsed> {
        let mut parser = (FORMAT.parser)(&Default::default());
        let mut out = Vec::new();
        parser.line(1, document.as_bytes(), &mut out);
        parser.finish(&mut out);
        out
    }

    #[test]
    fn a_ledger_thread_counts_its_events_not_its_messages() {
        let parsed = parse(LEDGER);
        let calls = calls_of(&parsed);
        // Two inference events and the title generation, not the messages' two usages again.
        assert_eq!(parsed.len(), 3);
        assert_eq!(calls.len(), 3);
        // Event 1: input 14,214 is the message's total; its split: 14,210 cache writes.
        assert_eq!(calls[0].tokens, tokens(4, 0, 14_210, 0, 311, 0));
        assert_eq!(calls[0].features.tool_calls, 1);
        // claude-sonnet-4-5: 4 × $3/M + 14,210 × $3.75/M + 311 × $15/M
        //   = $0.000012 + $0.0532875 + $0.004665 = $0.0579645
        assert_eq!(cost(calls[0]), "0.0579645");
        // 6 × $3/M + 14,210 × $0.30/M + 1,830 × $3.75/M + 402 × $15/M
        //   = $0.000018 + $0.004263 + $0.0068625 + $0.00603 = $0.0171735
        assert_priced(calls[1], tokens(6, 14_210, 1_830, 0, 402, 0), "0.0171735");
        assert_eq!(calls[1].features.tool_results, 1);
        assert_eq!(
            calls[1].text.as_ref().map(|t| t.user.as_str()),
            Some("Add pagination to the /invoices endpoint.")
        );
        // The title generation: no message, no split.
        assert_eq!(calls[2].model, "claude-haiku-4-5-20251001");
        // claude-haiku-4-5: 920 × $1/M + 18 × $5/M = $0.00092 + $0.00009 = $0.00101
        assert_priced(calls[2], tokens(920, 0, 0, 0, 18, 0), "0.00101");
        assert_eq!(
            calls[0].session_id.as_deref(),
            Some("T-6f2a9c41-8e3b-4d7a-b5c0-1e9d7f3a2b48")
        );
    }

    #[test]
    fn a_thread_without_ledger_counts_its_messages() {
        let parsed = parse(NO_LEDGER);
        // One call; the cancelled turn's zero usage is skipped.
        assert_eq!(parsed.len(), 2);
        let calls = calls_of(&parsed);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].tokens, tokens(3_120, 6_016, 0, 0, 188, 0));
        assert_eq!(calls[0].provider, Provider::OpenAi);
        // gpt-5.1-codex: 3,120 × $1.25/M + 6,016 × $0.125/M + 188 × $10/M
        //   = $0.0039 + $0.000752 + $0.00188 = $0.006532
        assert_eq!(cost(calls[0]), "0.006532");
        assert_eq!(parsed[1].outcome.skip_reason(), Some(SkipReason::NoUsage));
    }

    #[test]
    fn a_ledger_input_equal_to_the_message_input_is_already_uncached() {
        let split: MessageUsage<'_> = serde_json::from_str(
            r#"{"model":"claude-sonnet-4-5","inputTokens":50,"outputTokens":9,"cacheCreationInputTokens":700,"cacheReadInputTokens":3000}"#,
        )
        .unwrap();
        let event: LedgerEvent<'_> =
            serde_json::from_str(r#"{"id":"e","tokens":{"input":50,"output":9},"toMessageId":1}"#)
                .unwrap();
        assert_eq!(event.buckets(Some(&split)), tokens(50, 3_000, 700, 0, 9, 0));
    }

    #[test]
    fn detection_and_discovery() {
        for document in [LEDGER, NO_LEDGER] {
            assert!(looks_like(&serde_json::from_str(document).unwrap()));
        }
        let accepts = FORMAT.agent.unwrap().accepts;
        assert!(accepts(Path::new(
            "/home/dev/.local/share/amp/threads/T-1d7b3e95-4a2c-4f8e-9b61-5c0e8a2d7f39.json"
        )));
        assert!(!accepts(Path::new(
            "/home/dev/.local/share/amp/settings.json"
        )));
    }
}

//! Codex CLI rollout files (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`, and the same files
//! under `archived_sessions/`).
//!
//! Each line is `{timestamp, type, payload}`: `session_meta` (session id, cwd, originator, git,
//! and for forks and spawned subagents the parent thread), `turn_context` (the model of the
//! turns that follow), `response_item` (messages and tool calls), `event_msg` (user messages,
//! agent events, and `token_count`). Rollouts of the first Rust versions (2025) had no envelope:
//! a bare `{id, timestamp, instructions}` header, bare response items and
//! `{"record_type": "state"}` markers, and no usage at all.
//!
//! Usage is in `event_msg` / `token_count`: `info` is null (a rate-limit refresh) or holds
//! `total_token_usage` (CUMULATIVE over the session) and `last_token_usage` (the latest call),
//! each `{input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens,
//! total_tokens}` where `input_tokens` INCLUDES `cached_input_tokens` and `output_tokens`
//! INCLUDES `reasoning_output_tokens` (the Responses API convention; `total_tokens` = input +
//! output). One call per `token_count` whose cumulative total moved, from `last_token_usage`
//! or, without it, the difference of the cumulative totals. Codex re-emits `token_count` with
//! an unchanged total (UI and rate-limit refreshes): those are
//! [`SkipReason::RepeatedCounter`] (ccusage issues #876, #1288).
//!
//! Forked sessions (`forked_from_id`) and spawned subagents (`source.subagent.thread_spawn`)
//! start by replaying the parent's history, `token_count` events included, either with their
//! original timestamps or re-stamped to the fork instant (ccusage issues #1370, #1501; codeburn
//! #1383). Those events were counted in the parent's file: the leading `token_count` events of
//! such a file dated no later than a second after the session started, or within a second of
//! the previous replayed one, are skipped as [`SkipReason::ReplayedHistory`], and the
//! cumulative baseline moves to the last of them.
//!
//! Each call is classified with the latest prompt of the session (`event_msg` /
//! `user_message`, what the user typed; the `response_item` user messages also hold the
//! environment context and instructions Codex adds) and the tool outputs sent since it
//! (`response_item` `*_call_output`), see [`SessionPrompt`]. A rollout is read in order on one
//! core, so every call has the prompt before it.

use crate::ingest::values::Text;
use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::session_prompt::{SessionPrompt, written_size};
use crate::ingest::usage::openai_style;
use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{LineOutcome, LineParser, Parsed, SkipReason, json_error};
use crate::record::{CallRecord, Provider, TokenBuckets};

use crate::ingest::{Agent, EnvRoot, Format, Root, file_named};

/// The format's facts, for the registry.
pub(crate) const FORMAT: Format = Format::agent_log(
    Agent {
        name: "codex",
        label: "Codex",
        // openai/codex `codex-rs/rollout/src/lib.rs` (`SESSIONS_SUBDIR`,
        // `ARCHIVED_SESSIONS_SUBDIR`) under `find_codex_home` (`$CODEX_HOME`, else `~/.codex`
        // on every system).
        env: &[
            EnvRoot::new("CODEX_HOME", "sessions"),
            EnvRoot::new("CODEX_HOME", "archived_sessions"),
        ],
        roots: &[
            Root::any(".codex/sessions"),
            Root::any(".codex/archived_sessions"),
        ],
        accepts: |path| file_named(path, "rollout-", &[".jsonl"]),
    },
    looks_like,
    |_| parser(),
);

/// How close (ms) replayed parent events sit to the fork instant and to each other.
const REPLAY_WINDOW_MS: i64 = 1_000;

/// A usage object of `token_count` (`TokenUsage` in codex-rs).
#[derive(Deserialize, Default, Clone, Copy)]
struct RawUsage {
    input_tokens: Option<u64>,
    cached_input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    reasoning_output_tokens: Option<u64>,
    total_tokens: Option<u64>,
}

impl RawUsage {
    /// The counts in a fixed order, for comparing and subtracting cumulative totals.
    fn counter(&self) -> [u64; 5] {
        let input = self.input_tokens.unwrap_or(0);
        let output = self.output_tokens.unwrap_or(0);
        [
            input,
            self.cached_input_tokens.unwrap_or(0),
            output,
            self.reasoning_output_tokens.unwrap_or(0),
            self.total_tokens.unwrap_or(input.saturating_add(output)),
        ]
    }
}

/// Exclusive buckets from a counter: cached input comes out of input, reasoning stays inside
/// output.
fn buckets(counter: [u64; 5]) -> TokenBuckets {
    let [input, cached, output, reasoning, _] = counter;
    openai_style(input, cached, 0, output, reasoning)
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Info<'a> {
    total_token_usage: Option<RawUsage>,
    last_token_usage: Option<RawUsage>,
    model: Option<Text<'a>>,
    model_name: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct EventPayload<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    info: Option<&'a RawValue>,
    model: Option<Text<'a>>,
    /// The text of a `user_message` (kept raw: agent messages are never decoded).
    message: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Git<'a> {
    branch: Option<Text<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct SessionMeta<'a> {
    id: Option<Text<'a>>,
    timestamp: Option<&'a RawValue>,
    cwd: Option<Text<'a>>,
    originator: Option<Text<'a>>,
    model: Option<Text<'a>>,
    model_provider: Option<Text<'a>>,
    git: Option<Git<'a>>,
    forked_from_id: Option<Text<'a>>,
    parent_thread_id: Option<Text<'a>>,
    source: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct TurnContext<'a> {
    model: Option<Text<'a>>,
    cwd: Option<Text<'a>>,
}

/// A response item (enveloped, or bare in the first rollouts).
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Item<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    role: Option<Text<'a>>,
    /// What a tool call gave back (`function_call_output`, `custom_tool_call_output`).
    output: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Line<'a> {
    timestamp: Option<&'a RawValue>,
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    payload: Option<&'a RawValue>,
    record_type: Option<Text<'a>>,
    id: Option<Text<'a>>,
    role: Option<Text<'a>>,
}

/// Reads one rollout file in order.
#[derive(Default)]
struct CodexParser {
    /// Whether the file's own `session_meta` has been read (later ones are a parent's,
    /// embedded by a fork).
    has_meta: bool,
    session_id: Option<String>,
    session_start_ms: Option<i64>,
    provider: Option<Provider>,
    originator: Option<String>,
    branch: Option<String>,
    cwd: Option<String>,
    subagent: bool,
    /// A fork or spawned subagent whose replayed parent history has not ended yet.
    replaying: bool,
    last_replay_ms: Option<i64>,
    model: Option<String>,
    previous_total: Option<[u64; 5]>,
    /// The latest prompt and the tool outputs since it.
    prompt: SessionPrompt,
}

pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::<CodexParser>::default()
}

impl LineParser for CodexParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        out.push(Parsed {
            line: line_no,
            outcome: self.outcome(line),
        });
    }
}

impl CodexParser {
    fn outcome(&mut self, line: &[u8]) -> LineOutcome {
        let parsed: Line<'_> = match serde_json::from_slice(line) {
            Ok(parsed) => parsed,
            Err(err) => return json_error(err, line),
        };
        let timestamp_ms = parsed.timestamp.and_then(parse_timestamp);
        let Some(payload) = parsed.payload else {
            return self.unwrapped(&parsed, timestamp_ms);
        };
        match parsed.kind.as_deref() {
            Some("session_meta") => match serde_json::from_str::<SessionMeta<'_>>(payload.get()) {
                Ok(meta) => {
                    self.session_meta(&meta, timestamp_ms);
                    LineOutcome::Skip(SkipReason::SessionMetadata)
                }
                Err(err) => LineOutcome::Error(format!("invalid Codex session_meta: {err}")),
            },
            Some("turn_context") => match serde_json::from_str::<TurnContext<'_>>(payload.get()) {
                Ok(context) => {
                    if let Some(model) = context.model.filter(|m| !m.is_empty()) {
                        self.model = Some(model.into_owned());
                    }
                    if let Some(cwd) = context.cwd {
                        self.cwd = Some(cwd.into_owned());
                    }
                    LineOutcome::Skip(SkipReason::SessionMetadata)
                }
                Err(err) => LineOutcome::Error(format!("invalid Codex turn_context: {err}")),
            },
            Some("event_msg") => match serde_json::from_str::<EventPayload<'_>>(payload.get()) {
                Ok(event) => match event.kind.as_deref() {
                    Some("token_count") => self.token_count(&event, timestamp_ms),
                    Some("user_message") => {
                        let text = event
                            .message
                            .and_then(|raw| serde_json::from_str::<Cow<'_, str>>(raw.get()).ok());
                        if let Some(text) = text {
                            self.prompt.start_turn(&[text]);
                        }
                        LineOutcome::Skip(SkipReason::UserMessage)
                    }
                    _ => LineOutcome::Skip(SkipReason::NotAModelCall),
                },
                Err(err) => LineOutcome::Error(format!("invalid Codex event_msg: {err}")),
            },
            Some("response_item") => {
                let item = serde_json::from_str::<Item<'_>>(payload.get()).ok();
                let item = item.as_ref();
                if item.is_some_and(|item| {
                    item.kind
                        .as_deref()
                        .is_some_and(|kind| kind.ends_with("_call_output"))
                }) {
                    let output = item.and_then(|item| item.output);
                    self.prompt.add_tool_result(output.map_or(0, written_size));
                }
                item_outcome(item.and_then(|item| item.role.clone()))
            }
            // Newer Codex also writes each response's usage as its own record; the same usage
            // is in the token_count events, which are what is counted here.
            Some("token_usage_record") => LineOutcome::Skip(SkipReason::DuplicateContentBlock),
            Some(_) => LineOutcome::Skip(SkipReason::NotAModelCall),
            None => LineOutcome::Error("not a Codex rollout line: payload without a type".into()),
        }
    }

    /// Lines of the first rollouts, which had no `{timestamp, type, payload}` envelope.
    fn unwrapped(&mut self, parsed: &Line<'_>, timestamp_ms: Option<i64>) -> LineOutcome {
        if parsed.record_type.is_some() {
            return LineOutcome::Skip(SkipReason::SessionMetadata);
        }
        match (parsed.kind.as_deref(), parsed.id.as_deref()) {
            (Some(kind @ ("session_meta" | "turn_context" | "event_msg" | "response_item")), _) => {
                LineOutcome::Error(format!("Codex {kind} line without a payload"))
            }
            (Some(_), _) => item_outcome(parsed.role.clone()),
            (None, Some(id)) if parsed.timestamp.is_some() => {
                if !self.has_meta {
                    self.has_meta = true;
                    self.session_id = Some(id.to_string());
                    self.session_start_ms = timestamp_ms;
                }
                LineOutcome::Skip(SkipReason::SessionMetadata)
            }
            _ => LineOutcome::Error(
                "not a Codex rollout line: no type, payload or session header".into(),
            ),
        }
    }

    fn session_meta(&mut self, meta: &SessionMeta<'_>, line_ms: Option<i64>) {
        if let Some(model) = meta.model.as_deref().filter(|m| !m.is_empty()) {
            self.model.get_or_insert_with(|| model.to_string());
        }
        if self.has_meta {
            // A fork embeds its parent's session_meta after its own.
            return;
        }
        self.has_meta = true;
        self.session_id = meta.id.as_deref().map(str::to_string);
        self.session_start_ms = meta.timestamp.and_then(parse_timestamp).or(line_ms);
        self.provider = meta.model_provider.as_deref().map(Provider::from_name);
        self.originator = meta.originator.as_deref().map(str::to_string);
        self.branch = meta
            .git
            .as_ref()
            .and_then(|g| g.branch.as_deref())
            .map(str::to_string);
        self.cwd = meta.cwd.as_deref().map(str::to_string);
        let source = meta.source.map_or("", RawValue::get);
        let spawned = source.contains("thread_spawn") || meta.parent_thread_id.is_some();
        self.subagent = spawned || source.contains("\"subagent\"");
        self.replaying = spawned || meta.forked_from_id.is_some();
    }

    fn token_count(&mut self, event: &EventPayload<'_>, timestamp_ms: Option<i64>) -> LineOutcome {
        let Some(raw) = event.info.filter(|raw| raw.get().trim() != "null") else {
            return LineOutcome::Skip(SkipReason::NoUsage);
        };
        let info: Info<'_> = match serde_json::from_str(raw.get()) {
            Ok(info) => info,
            Err(err) => return LineOutcome::Error(format!("invalid Codex token_count: {err}")),
        };
        let total = info.total_token_usage.map(|u| u.counter());
        let last = info.last_token_usage.map(|u| u.counter());
        if total.is_none() && last.is_none() {
            return LineOutcome::Skip(SkipReason::NoUsage);
        }
        if self.replaying {
            if self.is_replayed(timestamp_ms) {
                self.last_replay_ms = timestamp_ms;
                if total.is_some() {
                    self.previous_total = total;
                }
                return LineOutcome::Skip(SkipReason::ReplayedHistory);
            }
            self.replaying = false;
        }
        let usage = match total {
            Some(total) => {
                let previous = self.previous_total.replace(total);
                if previous == Some(total) {
                    return LineOutcome::Skip(SkipReason::RepeatedCounter);
                }
                last.unwrap_or_else(|| difference(total, previous))
            }
            None => last.unwrap_or_default(),
        };
        let named = [&event.model, &info.model, &info.model_name]
            .into_iter()
            .flatten()
            .find(|m| !m.is_empty());
        if let Some(model) = named {
            self.model = Some(model.to_string());
        }
        let tokens = buckets(usage);
        if tokens.total() == 0 {
            return LineOutcome::Skip(SkipReason::NoUsage);
        }
        let Some(model) = self.model.clone() else {
            return LineOutcome::Error(
                "Codex token_count before any turn_context or session_meta names the model".into(),
            );
        };
        let mut record = CallRecord {
            provider: self.provider.unwrap_or(Provider::OpenAi),
            model,
            tokens,
            timestamp_ms,
            session_id: self.session_id.clone(),
            ..CallRecord::default()
        };
        if let (Some(session), Some(total)) = (&self.session_id, total) {
            // The same rollout under sessions/ and archived_sessions/ collapses into one.
            let numbers: Vec<u8> = total.iter().flat_map(|n| n.to_le_bytes()).collect();
            record.dedupe_key = Some(stable_hash(&[b"codex", session.as_bytes(), &numbers]));
        }
        record.features.interactive = true;
        // Codex reads every model response as a stream.
        record.features.streamed = true;
        if let Some(cwd) = self.cwd.as_deref() {
            // The project's folder name, not its full path.
            let project = cwd.trim_end_matches(['/', '\\']);
            let project = project.rsplit(['/', '\\']).next().unwrap_or(project);
            record
                .tags
                .push(("project".to_string(), project.to_string()));
        }
        if let Some(branch) = &self.branch {
            record.tags.push(("branch".to_string(), branch.clone()));
        }
        if let Some(originator) = &self.originator {
            record
                .tags
                .push(("originator".to_string(), originator.clone()));
        }
        if self.subagent {
            record
                .tags
                .push(("agent".to_string(), "subagent".to_string()));
        }
        self.prompt.apply_to(&mut record);
        LineOutcome::Call(Box::new(record))
    }

    /// Whether a usage event of a fork or subagent file belongs to the replayed parent history.
    fn is_replayed(&self, timestamp_ms: Option<i64>) -> bool {
        let Some(at) = timestamp_ms else {
            return false;
        };
        self.session_start_ms
            .is_some_and(|start| at <= start.saturating_add(REPLAY_WINDOW_MS))
            || self
                .last_replay_ms
                .is_some_and(|previous| at.saturating_sub(previous).abs() <= REPLAY_WINDOW_MS)
    }
}

/// The usage between two cumulative totals. A total below the previous one (a new session
/// appended, a reset) starts afresh: the total itself is the usage.
fn difference(total: [u64; 5], previous: Option<[u64; 5]>) -> [u64; 5] {
    match previous {
        Some(previous) if total.iter().zip(&previous).all(|(t, p)| t >= p) => {
            let mut delta = [0; 5];
            for (d, (t, p)) in delta.iter_mut().zip(total.iter().zip(&previous)) {
                *d = t - p;
            }
            delta
        }
        _ => total,
    }
}

fn item_outcome(role: Option<Text<'_>>) -> LineOutcome {
    if role.as_deref() == Some("user") {
        LineOutcome::Skip(SkipReason::UserMessage)
    } else {
        LineOutcome::Skip(SkipReason::NotAModelCall)
    }
}

/// Whether a parsed JSON value looks like a line of a Codex rollout (used by detection): the
/// `{timestamp, type, payload}` envelope with one of Codex's record types, or the first
/// rollouts' `{"record_type": "state"}` marker and `{id, timestamp, instructions}` header.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let kind = object.get("type").and_then(|t| t.as_str());
    if object.get("payload").is_some_and(|p| p.is_object())
        && object.contains_key("timestamp")
        && matches!(
            kind,
            Some(
                "session_meta"
                    | "turn_context"
                    | "event_msg"
                    | "response_item"
                    | "compacted"
                    | "token_usage_record"
            )
        )
    {
        return true;
    }
    if object.get("record_type").and_then(|r| r.as_str()) == Some("state") {
        return true;
    }
    kind.is_none()
        && object.len() <= 4
        && object.get("id").is_some_and(|v| v.is_string())
        && object.get("timestamp").is_some_and(|v| v.is_string())
        && object.contains_key("instructions")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::gemini::tests::reference;
    use crate::ingest::test_support::{
        assert_claims_no_other_reference_line, calls, outcomes, parse_text, priced, tokens,
    };
    use crate::ingest::{InputFormat, detect_format};

    const ROLLOUT: &str =
        include_str!("../../fixtures/logs/codex/rollout-2026-10-04T09-00-00-0199a1b2.jsonl");
    const SUBAGENT: &str = include_str!(
        "../../fixtures/logs/codex/rollout-2026-10-04T12-00-00-0199a2c3-subagent.jsonl"
    );
    const LEGACY: &str =
        include_str!("../../fixtures/logs/codex/rollout-2025-08-20T14-03-11-legacy.jsonl");

    fn parse(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::Codex, text)
    }

    fn cost(record: &CallRecord) -> crate::money::Money {
        priced(record).expect("a model the catalog knows")
    }

    #[test]
    fn rollout_accounts_for_every_line() {
        assert_eq!(
            outcomes(&parse(ROLLOUT)),
            vec![
                "skip session metadata, no usage",
                "skip user message, no usage",
                "skip user message, no usage",
                "skip session metadata, no usage",
                "skip response without usage",
                "call gpt-5.2-codex",
                "skip not a model call",
                "skip repeated cumulative usage counter",
                "call gpt-5.2-codex",
                "skip session metadata, no usage",
                "call gpt-5.1-codex-mini",
                "skip not a model call",
            ]
        );
    }

    #[test]
    fn cached_input_and_reasoning_split_into_exclusive_buckets() {
        let parsed = parse(ROLLOUT);
        let calls = calls(&parsed);
        // input_tokens 1,200 include the 1,000 cached; output 150 includes 40 of reasoning.
        assert_eq!(calls[0].tokens, tokens(200, 1_000, 0, 0, 150, 40));
        // No last_token_usage: the difference of the cumulative totals (94,300 − 1,200 input,
        // 2,920 − 1,000 cached, 691 − 150 output, 296 − 40 reasoning).
        assert_eq!(calls[1].tokens, tokens(91_180, 1_920, 0, 0, 541, 256));
        // gpt-5.2-codex: 200 × $1.75/M + 1,000 × $0.175/M + 150 × $14/M
        //   = $0.00035 + $0.000175 + $0.0021 = $0.002625
        assert_eq!(cost(calls[0]).to_decimal_string(), "0.002625");
        // gpt-5.2-codex: 91,180 × $1.75/M + 1,920 × $0.175/M + 541 × $14/M
        //   = $0.159565 + $0.000336 + $0.007574 = $0.167475
        assert_eq!(cost(calls[1]).to_decimal_string(), "0.167475");
        // ccusage's figures for the same two turns (codex.realistic.jsonl): non-cached input
        // 91,380, cache read 2,920, output 691, $0.1701.
        assert_eq!(
            (cost(calls[0]) + cost(calls[1])).to_decimal_string(),
            "0.1701"
        );
        let record = calls[0];
        assert_eq!(record.provider, Provider::OpenAi);
        assert_eq!(
            record.session_id.as_deref(),
            Some("0199a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b")
        );
        assert!(record.features.interactive);
        assert_eq!(
            record.tags,
            vec![
                ("project".to_string(), "router".to_string()),
                ("branch".to_string(), "feature/retry".to_string()),
                ("originator".to_string(), "codex_cli_rs".to_string()),
            ]
        );
        assert_eq!(record.timestamp_ms, Some(1_791_104_408_000));
        assert!(record.dedupe_key.is_some());
        assert_ne!(calls[0].dedupe_key, calls[1].dedupe_key);
    }

    #[test]
    fn the_model_follows_the_latest_turn_context() {
        let parsed = parse(ROLLOUT);
        let record = calls(&parsed)[2];
        assert_eq!(record.tokens, tokens(18_620, 37_080, 0, 0, 2_000, 1_000));
        // gpt-5.1-codex-mini: 18,620 × $0.25/M + 37,080 × $0.025/M + 2,000 × $2/M
        //   = $0.004655 + $0.000927 + $0.004 = $0.009582
        assert_eq!(cost(record).to_decimal_string(), "0.009582");
    }

    #[test]
    fn a_subagent_skips_the_parent_history_it_replays() {
        let parsed = parse(SUBAGENT);
        assert_eq!(
            outcomes(&parsed),
            vec![
                "skip session metadata, no usage",
                "skip session metadata, no usage",
                "skip session metadata, no usage",
                "skip history replayed from a parent session",
                "skip history replayed from a parent session",
                "skip session metadata, no usage",
                "skip user message, no usage",
                "call gpt-5.2-codex",
            ]
        );
        let record = calls(&parsed)[0];
        assert_eq!(record.tokens, tokens(1_000, 5_000, 0, 0, 300, 100));
        assert_eq!(
            record.session_id.as_deref(),
            Some("0199a2c3-0000-7000-8000-00000000c0de")
        );
        assert!(
            record
                .tags
                .contains(&("agent".to_string(), "subagent".to_string()))
        );
        // gpt-5.2-codex: 1,000 × $1.75/M + 5,000 × $0.175/M + 300 × $14/M
        //   = $0.00175 + $0.000875 + $0.0042 = $0.006825
        assert_eq!(cost(record).to_decimal_string(), "0.006825");
    }

    #[test]
    fn a_fork_keeping_original_timestamps_is_skipped_too() {
        let text = r#"{"timestamp":"2026-10-05T08:00:00Z","type":"session_meta","payload":{"id":"child","forked_from_id":"parent","timestamp":"2026-10-05T08:00:00Z"}}
{"timestamp":"2026-10-04T09:00:01Z","type":"turn_context","payload":{"model":"gpt-5.2-codex"}}
{"timestamp":"2026-10-04T09:00:08Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":1200,"cached_input_tokens":1000,"output_tokens":150,"reasoning_output_tokens":40,"total_tokens":1350}}}}
{"timestamp":"2026-10-04T11:30:00Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":5200,"cached_input_tokens":1000,"output_tokens":450,"reasoning_output_tokens":40,"total_tokens":5650}}}}
{"timestamp":"2026-10-05T08:00:09Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":9200,"cached_input_tokens":4000,"output_tokens":550,"reasoning_output_tokens":40,"total_tokens":9750}}}}"#;
        let parsed = parse(text);
        assert_eq!(
            outcomes(&parsed)[2..],
            [
                "skip history replayed from a parent session",
                "skip history replayed from a parent session",
                "call gpt-5.2-codex"
            ]
        );
        // The fork's own call is measured from the last replayed total.
        assert_eq!(calls(&parsed)[0].tokens, tokens(1_000, 3_000, 0, 0, 100, 0));
    }

    #[test]
    fn a_total_that_drops_starts_afresh_and_info_may_name_the_model() {
        let text = r#"{"timestamp":"2026-10-05T08:00:00Z","type":"turn_context","payload":{"model":"gpt-5.2-codex"}}
{"timestamp":"2026-10-05T08:00:05Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":5000,"cached_input_tokens":0,"output_tokens":100,"reasoning_output_tokens":0,"total_tokens":5100}}}}
{"timestamp":"2026-10-05T08:00:09Z","type":"event_msg","payload":{"type":"token_count","info":{"model":"gpt-5.3-codex","total_token_usage":{"input_tokens":300,"cached_input_tokens":0,"output_tokens":20,"reasoning_output_tokens":0,"total_tokens":320}}}}"#;
        let parsed = parse(text);
        let calls = calls(&parsed);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[1].tokens, tokens(300, 0, 0, 0, 20, 0));
        assert_eq!(calls[1].model, "gpt-5.3-codex");
    }

    #[test]
    fn legacy_rollouts_carry_no_usage() {
        assert_eq!(detect_format(LEGACY.as_bytes()), Some(InputFormat::Codex));
        assert_eq!(
            outcomes(&parse(LEGACY)),
            vec![
                "skip session metadata, no usage",
                "skip session metadata, no usage",
                "skip user message, no usage",
                "skip not a model call",
                "skip not a model call",
            ]
        );
    }

    #[test]
    fn missing_model_and_malformed_lines_are_errors() {
        let text = r#"{"timestamp":"2026-10-05T08:00:05Z","type":"event_msg","payload":{"type":"token_count","info":{"last_token_usage":{"input_tokens":10,"output_tokens":1}}}}
{"timestamp":"2026-10-05T08:00:06Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":"lots"}}}}
{"timestamp":"2026-10-05T08:00:07Z","type":"event_msg"}
{"timestamp":"2026-10-05T08:00:07Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":
{"hello":"world"}
{"timestamp":"2026-10-05T08:00:08Z","payload":{"x":1}}"#;
        let seen = outcomes(&parse(text));
        assert_eq!(seen.len(), 6);
        assert!(seen[0].starts_with("error Codex token_count before any turn_context"));
        assert!(seen[1].starts_with("error invalid Codex token_count"));
        assert!(seen[2].starts_with("error Codex event_msg line without a payload"));
        assert!(seen[3].starts_with("error truncated JSON"));
        assert!(seen[4].starts_with("error not a Codex rollout line"));
        assert!(seen[5].starts_with("error not a Codex rollout line"));
    }

    #[test]
    fn reference_samples_match_ccusage() {
        // codex.realistic.jsonl: ccusage 20.0.24 `codex daily` reports non-cached input 91,380,
        // cache read 2,920, output 691, $0.1701 for gpt-5.2-codex (CODING_AGENTS.md).
        if let Some(text) = reference("codex.realistic.jsonl") {
            let parsed = parse(&text);
            let mut total = TokenBuckets::default();
            let mut money = crate::money::Money::ZERO;
            for record in calls(&parsed) {
                total.add(&record.tokens);
                money += cost(record);
            }
            assert_eq!(total, tokens(91_380, 2_920, 0, 0, 691, 296));
            assert_eq!(money.to_decimal_string(), "0.1701");
        }
        // The ccusage fixture: the second event names gpt-5.3-codex in its info.
        if let Some(text) = reference("codex.ccusage-fixture.jsonl") {
            let parsed = parse(&text);
            let calls = calls(&parsed);
            assert_eq!(calls.len(), 2);
            assert_eq!(calls[0].tokens, tokens(750, 250, 0, 0, 125, 75));
            assert_eq!(calls[1].model, "gpt-5.3-codex");
            assert_eq!(calls[1].tokens, tokens(2_000, 500, 0, 0, 300, 200));
        }
        // codex 0.39.0 (aide-gpt-5, a custom provider alias) plus a rate-limit sample whose
        // cumulative total is below the session's: it starts afresh.
        if let Some(text) = reference("codex_rollout.jsonl") {
            let parsed = parse(&text);
            let calls = calls(&parsed);
            assert_eq!(calls.len(), 3);
            assert_eq!(calls[0].tokens, tokens(141, 5_504, 0, 0, 810, 640));
            assert_eq!(calls[1].tokens, tokens(5_822, 0, 0, 0, 244, 192));
            assert_eq!(calls[2].tokens, tokens(100, 0, 0, 0, 0, 0));
            assert_eq!(calls[0].model, "aide-gpt-5");
        }
    }

    #[test]
    fn detects_the_fixtures_and_no_other_reference_sample() {
        for text in [ROLLOUT, SUBAGENT, LEGACY] {
            assert_eq!(detect_format(text.as_bytes()), Some(InputFormat::Codex));
        }
        assert_claims_no_other_reference_line("codex", looks_like);
    }

    /// Each call is read with the latest prompt of the rollout and the tool outputs since it.
    #[test]
    fn calls_carry_the_latest_prompt() {
        use crate::classify::Task;
        use crate::ingest::test_support::{FIX_TEST_PROMPT, TRANSLATE_PROMPT, assert_prompt_task};
        let event = |payload: serde_json::Value| {
            serde_json::json!({"timestamp": "2026-10-04T09:00:01.000Z", "type": "event_msg",
                               "payload": payload})
            .to_string()
        };
        let item = |payload: serde_json::Value| {
            serde_json::json!({"timestamp": "2026-10-04T09:00:01.000Z", "type": "response_item",
                               "payload": payload})
            .to_string()
        };
        let usage = |total: u64| {
            event(serde_json::json!({"type": "token_count", "info": {
                "total_token_usage": {"input_tokens": total, "output_tokens": 10},
                "last_token_usage": {"input_tokens": 1_000, "output_tokens": 10}}}))
        };
        let output = "y".repeat(500);
        let lines = [
            r#"{"timestamp":"2026-10-04T09:00:00.000Z","type":"session_meta","payload":{"id":"s"}}"#
                .to_string(),
            r#"{"timestamp":"2026-10-04T09:00:00.000Z","type":"turn_context","payload":{"model":"gpt-5.2-codex"}}"#
                .to_string(),
            item(serde_json::json!({"type": "message", "role": "user", "content": [
                {"type": "input_text", "text": "<environment_context>/src</environment_context>"}]})),
            event(serde_json::json!({"type": "user_message", "message": FIX_TEST_PROMPT})),
            usage(1_000),
            item(serde_json::json!({"type": "function_call", "name": "shell", "call_id": "c1",
                                    "arguments": "{}"})),
            item(serde_json::json!({"type": "function_call_output", "call_id": "c1",
                                    "output": output})),
            usage(2_000),
            event(serde_json::json!({"type": "agent_message", "message": "Fixed."})),
            event(serde_json::json!({"type": "user_message", "message": TRANSLATE_PROMPT})),
            usage(3_000),
        ];
        let text = lines.join("\n");
        let parsed = parse(&text);
        let calls = calls(&parsed);
        assert_eq!(calls.len(), 3);
        let user = |i: usize| calls[i].text.as_ref().map(|t| t.user.as_str());
        assert_eq!(user(0), Some(FIX_TEST_PROMPT));
        assert_eq!(calls[0].features.tool_results, 0);
        assert_prompt_task(calls[0], Task::Code);
        assert_eq!(user(1), Some(FIX_TEST_PROMPT));
        assert_eq!(calls[1].features.tool_results, 1);
        let prompt_chars = FIX_TEST_PROMPT.chars().count() as u64;
        assert_eq!(
            calls[1].text.as_ref().unwrap().prompt_chars,
            prompt_chars + 500
        );
        assert_eq!(user(2), Some(TRANSLATE_PROMPT));
        assert_eq!(calls[2].features.tool_results, 0);
        assert_prompt_task(calls[2], Task::Translation);
    }
}

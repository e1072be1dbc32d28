//! Kimi CLI wire logs (`~/.kimi/sessions/<md5 of the work dir>/<sessionId>/wire.jsonl`, a
//! sub-agent's under `<sessionId>/subagents/<agentId>/wire.jsonl`; `KIMI_SHARE_DIR` moves
//! `~/.kimi`).
//!
//! Layout (MoonshotAI/kimi-cli `src/kimi_cli/wire/file.py` and `wire/types.py`): a header
//! `{type: "metadata", protocol_version}`, then records `{timestamp (Unix seconds, a float),
//! message: {type, payload}}` whose `type` names the wire message: `TurnBegin` / `SteerInput`
//! (`payload.user_input`, the prompt), `StepBegin`, content parts, `ToolCall`, `ToolResult`,
//! `StatusUpdate`, `SubagentEvent` (`payload.event`, a sub-agent's message wrapped), `TurnEnd`….
//!
//! Usage: a `StatusUpdate` whose `token_usage` is set is the usage of one step, that is one
//! model call, with its `message_id`; status updates that only report context or MCP state
//! leave it out. A sub-agent's status updates also reach the parent's wire wrapped in
//! `SubagentEvent`: they are calls, tagged `agent=subagent`, and as the dedupe key is the
//! `message_id` alone, the same call read again from the sub-agent's own wire file is counted
//! once. A repeated `message_id` within a file is skipped.
//!
//! Token convention (kosong's `TokenUsage`): `input_other` is the uncached input,
//! `input_cache_read` and `input_cache_creation` are apart (read here as cache reads and
//! 5-minute cache writes), `output` includes the thinking tokens (no count of its own, so no
//! reasoning is set).
//!
//! The model: the wire names none. It is the `default_model` of Kimi CLI's config
//! (`src/kimi_cli/config.py`: `config.toml` in the share dir, `config.json` before it), looked
//! up in its `[models.<name>]` table for the API's model id; the share dir is found by walking
//! up from the wire file to the folder holding `sessions`. This is the model configured NOW:
//! a session run with another model (`/model`, `--model`) is priced at the configured one.
//! Without a config the calls are still counted, under the placeholder model
//! [`UNCONFIGURED_MODEL`], which no catalog prices (reported as unpriced).

use crate::ingest::usage;
use crate::ingest::values::Text;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

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
        name: "kimi",
        label: "Kimi CLI",
        env: &[EnvRoot::new("KIMI_SHARE_DIR", "sessions")],
        roots: &[Root::any(".kimi/sessions")],
        accepts: |path| path.file_name().is_some_and(|name| name == "wire.jsonl"),
    },
    looks_like,
    |context| parser(context.path),
);

/// The model of calls whose share dir has no usable config.
pub(crate) const UNCONFIGURED_MODEL: &str = "kimi-cli-unconfigured-model";

/// The part of Kimi CLI's config that names the model.
#[derive(Deserialize, Default)]
struct Config {
    #[serde(default)]
    default_model: String,
    #[serde(default)]
    models: BTreeMap<String, ModelEntry>,
}

#[derive(Deserialize)]
struct ModelEntry {
    model: Option<String>,
}

impl Config {
    /// The API model id of the default model (its table's `model`, else its name).
    fn model(&self) -> Option<String> {
        let name = self.default_model.trim();
        if name.is_empty() {
            return None;
        }
        let id = self
            .models
            .get(name)
            .and_then(|entry| entry.model.as_deref());
        Some(id.unwrap_or(name).to_string())
    }
}

/// The share dir of a wire file: the folder holding the `sessions` folder it is under.
fn share_dir(wire: &Path) -> Option<PathBuf> {
    wire.ancestors()
        .find(|dir| dir.file_name().is_some_and(|name| name == "sessions"))
        .and_then(Path::parent)
        .map(Path::to_path_buf)
}

/// The configured model of the share dir above `wire`, if its config names one.
fn configured_model(wire: &Path) -> Option<String> {
    let dir = share_dir(wire)?;
    if let Ok(text) = std::fs::read_to_string(dir.join("config.toml")) {
        return toml::from_str::<Config>(&text).ok()?.model();
    }
    let text = std::fs::read_to_string(dir.join("config.json")).ok()?;
    serde_json::from_str::<Config>(&text).ok()?.model()
}

/// One line of a wire file: the header, or a message record.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Line<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    timestamp: Option<&'a RawValue>,
    message: Option<Envelope<'a>>,
}

/// A wire message: its type's name and its fields.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Envelope<'a> {
    #[serde(rename = "type")]
    kind: Text<'a>,
    payload: &'a RawValue,
}

/// The fields of a `StatusUpdate` read here.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct StatusUpdate<'a> {
    token_usage: Option<TokenUsage>,
    message_id: Option<Text<'a>>,
}

/// kosong's `TokenUsage`.
#[derive(Deserialize, Clone, Copy)]
struct TokenUsage {
    #[serde(default)]
    input_other: u64,
    #[serde(default)]
    output: u64,
    #[serde(default)]
    input_cache_read: u64,
    #[serde(default)]
    input_cache_creation: u64,
}

impl TokenUsage {
    fn buckets(self) -> TokenBuckets {
        usage::anthropic_style(
            self.input_other,
            self.input_cache_read,
            Some(self.input_cache_creation),
            (None, None),
            self.output,
        )
    }
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct SubagentEvent<'a> {
    event: Envelope<'a>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct TurnBegin<'a> {
    user_input: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct TextPart<'a> {
    text: Option<Text<'a>>,
}

/// Reads one wire file in order.
struct KimiParser {
    model: String,
    session_id: Option<String>,
    /// Message ids already counted in this file.
    counted: HashSet<String>,
    prompt: SessionPrompt,
}

/// A parser for the wire file at `path` (its session and model come from its place).
pub(crate) fn parser(path: Option<&Path>) -> Box<dyn LineParser> {
    let session_id = path
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned());
    Box::new(KimiParser {
        model: path
            .and_then(configured_model)
            .unwrap_or_else(|| UNCONFIGURED_MODEL.to_string()),
        session_id,
        counted: HashSet::new(),
        prompt: SessionPrompt::default(),
    })
}

impl LineParser for KimiParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let outcome = match serde_json::from_slice::<Line<'_>>(line) {
            Ok(parsed) => self.record(&parsed),
            Err(err) => json_error(err, line),
        };
        out.push(Parsed {
            line: line_no,
            outcome,
        });
    }
}

impl KimiParser {
    fn record(&mut self, line: &Line<'_>) -> LineOutcome {
        let Some(message) = &line.message else {
            return match line.kind.as_deref() {
                Some("metadata") => LineOutcome::Skip(SkipReason::SessionMetadata),
                _ => LineOutcome::Error("not a Kimi CLI wire record: no `message`".into()),
            };
        };
        self.message(message, line.timestamp, false)
    }

    fn message(
        &mut self,
        message: &Envelope<'_>,
        timestamp: Option<&RawValue>,
        subagent: bool,
    ) -> LineOutcome {
        match message.kind.as_ref() {
            "StatusUpdate" => match serde_json::from_str::<StatusUpdate<'_>>(message.payload.get())
            {
                Ok(status) => self.status(&status, timestamp, subagent),
                Err(err) => LineOutcome::Error(format!("invalid Kimi CLI StatusUpdate: {err}")),
            },
            "SubagentEvent" => {
                match serde_json::from_str::<SubagentEvent<'_>>(message.payload.get()) {
                    Ok(wrapped) => self.message(&wrapped.event, timestamp, true),
                    Err(err) => {
                        LineOutcome::Error(format!("invalid Kimi CLI SubagentEvent: {err}"))
                    }
                }
            }
            "TurnBegin" | "SteerInput" if !subagent => {
                if let Ok(turn) = serde_json::from_str::<TurnBegin<'_>>(message.payload.get()) {
                    self.prompt.start_turn(&texts(turn.user_input));
                }
                LineOutcome::Skip(SkipReason::UserMessage)
            }
            "ToolResult" if !subagent => {
                self.prompt.add_tool_result(written_size(message.payload));
                LineOutcome::Skip(SkipReason::NotAModelCall)
            }
            _ => LineOutcome::Skip(SkipReason::NotAModelCall),
        }
    }

    fn status(
        &mut self,
        status: &StatusUpdate<'_>,
        timestamp: Option<&RawValue>,
        subagent: bool,
    ) -> LineOutcome {
        let Some(usage) = status.token_usage else {
            // Context or MCP state only.
            return LineOutcome::Skip(SkipReason::SessionMetadata);
        };
        let tokens = usage.buckets();
        if tokens.total() == 0 {
            return LineOutcome::Skip(SkipReason::NoUsage);
        }
        let message_id = status.message_id.as_deref();
        if let Some(id) = message_id
            && !self.counted.insert(id.to_string())
        {
            return LineOutcome::Skip(SkipReason::DuplicateContentBlock);
        }
        let model = self.model.clone();
        let session = self.session_id.as_deref().unwrap_or_default();
        let mut record = Box::new(CallRecord {
            provider: Provider::from_model(&model),
            model,
            tokens,
            timestamp_ms: timestamp.and_then(parse_timestamp),
            response_id: message_id.map(str::to_string),
            session_id: self.session_id.clone(),
            dedupe_key: message_id
                .map(|id| stable_hash(&[b"kimi", id.as_bytes()]))
                .or_else(|| {
                    let stamp = timestamp.map(RawValue::get).unwrap_or_default();
                    Some(stable_hash(&[
                        b"kimi",
                        session.as_bytes(),
                        stamp.as_bytes(),
                    ]))
                }),
            ..CallRecord::default()
        });
        record.features.interactive = true;
        record.features.streamed = true;
        if subagent {
            record
                .tags
                .push(("agent".to_string(), "subagent".to_string()));
        }
        self.prompt.apply_to(&mut record);
        LineOutcome::Call(record)
    }
}

/// The text of a prompt: a string, or the text parts of a list of content parts.
fn texts(input: Option<&RawValue>) -> Vec<String> {
    let Some(raw) = input else {
        return Vec::new();
    };
    if let Ok(text) = serde_json::from_str::<Cow<'_, str>>(raw.get()) {
        return vec![text.into_owned()];
    }
    serde_json::from_str::<Vec<TextPart<'_>>>(raw.get())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|part| part.text.map(Text::into_owned))
        .collect()
}

/// Whether a parsed JSON value looks like a line of a wire file (used by detection): the
/// metadata header, or a record whose message is a wire envelope `{type, payload}` with a
/// numeric timestamp.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    if object.get("type").and_then(serde_json::Value::as_str) == Some("metadata") {
        return object
            .get("protocol_version")
            .is_some_and(serde_json::Value::is_string);
    }
    object
        .get("timestamp")
        .is_some_and(serde_json::Value::is_number)
        && object.get("message").is_some_and(|message| {
            message
                .get("type")
                .is_some_and(serde_json::Value::is_string)
                && message
                    .get("payload")
                    .is_some_and(serde_json::Value::is_object)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::InputFormat;
    use crate::ingest::test_support::{
        assert_priced, call, calls, outcome_at, parse_file, skips, tag, tokens,
    };

    const SESSION_DIR: &str = "fixtures/home/.kimi/sessions/abefd49e8b1b860474ada446de0d121d/4b8e2f1a-6c3d-4e7b-9a05-d2c1f8e3b7a6";

    fn wire_path() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(SESSION_DIR)
            .join("wire.jsonl")
    }

    fn parse_at(path: &Path) -> Vec<Parsed> {
        parse_file(InputFormat::Kimi, path)
    }

    #[test]
    fn wire_accounts_for_every_line() {
        let parsed = parse_at(&wire_path());
        assert_eq!(parsed.len(), 16);
        assert_eq!(
            skips(&parsed),
            [
                (1, SkipReason::SessionMetadata),
                (2, SkipReason::UserMessage),
                (3, SkipReason::NotAModelCall),
                (4, SkipReason::NotAModelCall),
                (5, SkipReason::NotAModelCall),
                (7, SkipReason::NotAModelCall),
                (8, SkipReason::NotAModelCall),
                (9, SkipReason::NotAModelCall),
                // The status of line 10 sent again.
                (11, SkipReason::DuplicateContentBlock),
                // MCP state only.
                (12, SkipReason::SessionMetadata),
                (14, SkipReason::NotAModelCall),
                // All-zero usage.
                (15, SkipReason::NoUsage),
            ]
        );
        assert!(
            matches!(outcome_at(&parsed, 16), LineOutcome::Error(m) if m.starts_with("truncated JSON"))
        );
        assert_eq!(calls(&parsed).len(), 3);
    }

    #[test]
    fn calls_take_the_configured_model_and_exclusive_buckets() {
        let parsed = parse_at(&wire_path());
        let first = call(outcome_at(&parsed, 6));
        // config.toml: default_model "kimi-k2.6", whose table names the API id kimi-k2.6.
        assert_eq!(first.model, "kimi-k2.6");
        assert_eq!(first.provider, Provider::Moonshot);
        // kimi-k2.6: 15,890 × $0.95/M + 122 × $4/M = $0.0150955 + $0.000488 = $0.0155835
        assert_priced(first, tokens(15_890, 0, 0, 0, 122, 0), "0.0155835");
        assert_eq!(
            first.session_id.as_deref(),
            Some("4b8e2f1a-6c3d-4e7b-9a05-d2c1f8e3b7a6")
        );
        let second = call(outcome_at(&parsed, 10));
        // 1,204 × $0.95/M + 15,872 × $0.16/M + 356 × $4/M
        //   = $0.0011438 + $0.00253952 + $0.001424 = $0.00510732
        assert_priced(second, tokens(1_204, 15_872, 0, 0, 356, 0), "0.00510732");
        assert_eq!(second.features.tool_results, 1);
        assert_eq!(
            second.text.as_ref().map(|t| t.user.as_str()),
            Some("Make the forecast CLI print temperatures in Celsius by default.")
        );
        assert_eq!(second.timestamp_ms, Some(1_762_768_811_014));
    }

    #[test]
    fn a_subagent_status_is_a_call_keyed_by_its_message_id() {
        let parsed = parse_at(&wire_path());
        let sub = call(outcome_at(&parsed, 13));
        assert_eq!(tag(sub, "agent"), Some("subagent"));
        // kimi-k2.6: 6,400 × $0.95/M + 210 × $4/M = $0.00608 + $0.00084 = $0.00692
        assert_priced(sub, tokens(6_400, 0, 0, 0, 210, 0), "0.00692");
        // The sub-agent's own wire file states it with the same id: one call between them.
        assert_eq!(
            sub.dedupe_key,
            Some(stable_hash(&[b"kimi", b"chatcmpl-3e9b5d7f20a4c619"]))
        );
    }

    #[test]
    fn the_model_comes_from_a_legacy_json_config_or_stays_unpriced() {
        let home = tempfile::tempdir().unwrap();
        let session = home.path().join("sessions/g/s");
        std::fs::create_dir_all(&session).unwrap();
        let wire = session.join("wire.jsonl");
        std::fs::copy(wire_path(), &wire).unwrap();
        // No config: counted, under a placeholder no catalog prices.
        let parsed = parse_at(&wire);
        assert_eq!(call(outcome_at(&parsed, 6)).model, UNCONFIGURED_MODEL);
        assert!(crate::ingest::test_support::priced(call(outcome_at(&parsed, 6))).is_none());
        std::fs::write(
            home.path().join("config.json"),
            r#"{"default_model": "k2", "models": {"k2": {"provider": "moonshot", "model": "kimi-k2-turbo-preview", "max_context_size": 262144}}}"#,
        )
        .unwrap();
        let parsed = parse_at(&wire);
        assert_eq!(call(outcome_at(&parsed, 6)).model, "kimi-k2-turbo-preview");
        // A sub-agent's wire file finds the same share dir.
        let nested = session.join("subagents/coder-2c7e/wire.jsonl");
        assert_eq!(share_dir(&nested).as_deref(), Some(home.path()));
    }

    #[test]
    fn detection_and_discovery() {
        let text = std::fs::read_to_string(wire_path()).unwrap();
        for line in text.lines().take(15) {
            assert!(looks_like(&serde_json::from_str(line).unwrap()), "{line}");
        }
        let accepts = FORMAT.agent.unwrap().accepts;
        assert!(accepts(&wire_path()));
        assert!(!accepts(Path::new(
            "/home/dev/.kimi/sessions/g/s/context.jsonl"
        )));
    }
}

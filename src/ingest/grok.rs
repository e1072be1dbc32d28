//! Grok Build CLI session logs: `${GROK_HOME:-~/.grok}/sessions/<url-encoded cwd>/<session
//! uuid>/updates.jsonl`, beside `summary.json` and `signals.json`.
//!
//! `updates.jsonl` is an Agent Client Protocol stream, one notification a line: `{timestamp
//! (RFC 3339 or Unix seconds), method, params: {sessionId, update: {sessionUpdate, …}, _meta}}`.
//! Exact usage is only in `update.sessionUpdate == "turn_completed"` (method
//! `_x.ai/session/update`), one per prompt: `update.prompt_id` and `update.usage {inputTokens,
//! outputTokens, totalTokens, cachedReadTokens, cacheCreationTokens, reasoningTokens,
//! modelCalls, costUsdTicks, modelUsage: {<model>: {the same counts}}}`; `_meta.agentTimestampMs`
//! stamps it to the millisecond. A turn may be completed more than once with growing counts:
//! the last record of a `prompt_id` wins and the earlier ones are
//! [`SkipReason::RepeatedCounter`] (`_meta.eventId` is not unique). Older versions wrote no
//! `turn_completed`: their `agent_message_chunk` lines carry only a running
//! `_meta.totalTokens` of the context, from which peers estimate usage; nothing exact can be
//! read from them, so such sessions give no records. Facts from the reference notes and
//! getagentseal/codeburn `src/providers/grok.ts` (the CLI is not open source).
//!
//! A record is one turn per model (`modelUsage`), which may hold several model calls
//! (`modelCalls`, kept as a tag): finer than a session, coarser than a call. Token convention:
//! `inputTokens` includes the cached reads, `outputTokens` includes reasoning. xAI bills no
//! cache writes apart, so `cacheCreationTokens` stay in the input, at the input rate.
//! `costUsdTicks` is not read: its unit is not documented. A turn without `modelUsage` is
//! given the session's model from the sibling `summary.json` (`current_model_id`, often the
//! product alias `grok-build`, which stays unpriced rather than guessed).

use crate::ingest::usage::openai_style;
use crate::ingest::values::Text;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::values::parse_timestamp;
use crate::ingest::wire::stable_hash;
use crate::ingest::{
    Agent, EnvRoot, Format, LineOutcome, LineParser, Parsed, Root, SkipReason, json_error,
};
use crate::record::{CallRecord, Provider, TokenBuckets};

pub(crate) const FORMAT: Format = Format::agent_log(
    Agent {
        name: "grok",
        label: "Grok Build CLI",
        env: &[EnvRoot::new("GROK_HOME", "sessions")],
        roots: &[Root::any(".grok/sessions")],
        accepts: |path: &Path| path.file_name().is_some_and(|name| name == "updates.jsonl"),
    },
    looks_like,
    |file| parser(file.path),
);

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Line<'a> {
    timestamp: Option<&'a RawValue>,
    method: Option<Text<'a>>,
    params: Option<Params<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Params<'a> {
    #[serde(rename = "sessionId")]
    session_id: Option<Text<'a>>,
    update: Option<Update<'a>>,
    #[serde(rename = "_meta")]
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "agentTimestampMs")]
    agent_timestamp_ms: Option<i64>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Update<'a> {
    #[serde(rename = "sessionUpdate")]
    kind: Option<Text<'a>>,
    prompt_id: Option<Text<'a>>,
    usage: Option<Usage>,
}

/// `turn_completed` usage, and each `modelUsage` entry.
#[derive(Deserialize, Default, Clone)]
struct Usage {
    #[serde(rename = "inputTokens")]
    input: Option<u64>,
    #[serde(rename = "outputTokens")]
    output: Option<u64>,
    #[serde(rename = "cachedReadTokens")]
    cache_read: Option<u64>,
    #[serde(rename = "reasoningTokens")]
    reasoning: Option<u64>,
    #[serde(rename = "modelCalls")]
    model_calls: Option<u64>,
    #[serde(rename = "modelUsage")]
    model_usage: Option<BTreeMap<String, Usage>>,
}

impl Usage {
    fn buckets(&self) -> TokenBuckets {
        openai_style(
            self.input.unwrap_or(0),
            self.cache_read.unwrap_or(0),
            0,
            self.output.unwrap_or(0),
            self.reasoning.unwrap_or(0),
        )
    }
}

/// A completed turn, held until no later record of its prompt can replace it.
struct Turn {
    line: u64,
    timestamp_ms: Option<i64>,
    usage: Usage,
}

struct GrokParser {
    session_dir: Option<PathBuf>,
    session_id: Option<String>,
    /// The last `turn_completed` of each prompt, in prompt order.
    turns: BTreeMap<String, Turn>,
    /// The order prompts were first completed in.
    order: Vec<String>,
    /// The session's model from `summary.json`, read when a turn without `modelUsage` needs it.
    summary_model: Option<Option<String>>,
}

/// A parser for the `updates.jsonl` at `path` (its folder holds `summary.json`; its name is
/// the session id).
pub(crate) fn parser(path: Option<&Path>) -> Box<dyn LineParser> {
    let session_dir = path.and_then(Path::parent).map(Path::to_path_buf);
    let session_id = session_dir
        .as_deref()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned());
    Box::new(GrokParser {
        session_dir,
        session_id,
        turns: BTreeMap::new(),
        order: Vec::new(),
        summary_model: None,
    })
}

impl LineParser for GrokParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let parsed: Line<'_> = match serde_json::from_slice(line) {
            Ok(parsed) => parsed,
            Err(err) => return push(out, line_no, json_error(err, line)),
        };
        if parsed.method.is_none() {
            let why = "not a Grok session update: no method";
            return push(out, line_no, LineOutcome::Error(why.into()));
        }
        let Some(params) = parsed.params else {
            return push(out, line_no, LineOutcome::Skip(SkipReason::SessionMetadata));
        };
        if let Some(id) = params.session_id.filter(|id| !id.is_empty()) {
            self.session_id = Some(id.into_owned());
        }
        let update = params.update;
        let kind = update.as_ref().and_then(|u| u.kind.as_deref());
        let outcome = match kind {
            Some("turn_completed") => {
                let update = update.as_ref().expect("a kind comes with its update");
                let Some(usage) = update.usage.clone() else {
                    return push(out, line_no, LineOutcome::Skip(SkipReason::NoUsage));
                };
                let timestamp_ms = params
                    .meta
                    .and_then(|m| m.agent_timestamp_ms)
                    .or_else(|| parsed.timestamp.and_then(parse_timestamp));
                let prompt = update
                    .prompt_id
                    .as_deref()
                    .filter(|p| !p.is_empty())
                    .map_or_else(|| format!("line {line_no}"), str::to_string);
                let turn = Turn {
                    line: line_no,
                    timestamp_ms,
                    usage,
                };
                match self.turns.insert(prompt.clone(), turn) {
                    Some(replaced) => push(
                        out,
                        replaced.line,
                        LineOutcome::Skip(SkipReason::RepeatedCounter),
                    ),
                    None => self.order.push(prompt),
                }
                return;
            }
            Some("agent_message_chunk" | "agent_thought_chunk") => {
                LineOutcome::Skip(SkipReason::StreamChunkWithoutUsage)
            }
            Some("user_message_chunk") => LineOutcome::Skip(SkipReason::UserMessage),
            Some(_) => LineOutcome::Skip(SkipReason::NotAModelCall),
            None => LineOutcome::Skip(SkipReason::SessionMetadata),
        };
        push(out, line_no, outcome);
    }

    fn finish(&mut self, out: &mut Vec<Parsed>) {
        for prompt in std::mem::take(&mut self.order) {
            if let Some(turn) = self.turns.remove(&prompt) {
                self.emit(&prompt, turn, out);
            }
        }
    }
}

impl GrokParser {
    /// One record per model of the turn, or one for the whole turn at the session's model.
    fn emit(&mut self, prompt: &str, turn: Turn, out: &mut Vec<Parsed>) {
        let per_model: Vec<(String, Usage)> = turn
            .usage
            .model_usage
            .clone()
            .unwrap_or_default()
            .into_iter()
            .filter(|(model, usage)| !model.is_empty() && usage.buckets().total() > 0)
            .collect();
        let before = out.len();
        if per_model.is_empty() {
            let tokens = turn.usage.buckets();
            if tokens.total() > 0 {
                let outcome = match self.summary_model() {
                    Some(model) => {
                        LineOutcome::Call(self.record(prompt, &turn, &model, &turn.usage))
                    }
                    None => LineOutcome::Error(
                        "Grok turn_completed without modelUsage, and no current_model_id in \
                         summary.json"
                            .into(),
                    ),
                };
                push(out, turn.line, outcome);
            }
        }
        for (model, usage) in &per_model {
            let record = self.record(prompt, &turn, model, usage);
            push(out, turn.line, LineOutcome::Call(record));
        }
        if out.len() == before {
            push(out, turn.line, LineOutcome::Skip(SkipReason::NoUsage));
        }
    }

    fn record(&self, prompt: &str, turn: &Turn, model: &str, usage: &Usage) -> Box<CallRecord> {
        let session = self.session_id.as_deref().unwrap_or_default();
        let mut record = Box::new(CallRecord {
            provider: if model.starts_with("grok") {
                Provider::XAi
            } else {
                Provider::from_model(model)
            },
            model: model.to_string(),
            timestamp_ms: turn.timestamp_ms,
            request_id: Some(prompt.to_string()),
            session_id: self.session_id.clone(),
            tokens: usage.buckets(),
            dedupe_key: Some(stable_hash(&[
                b"grok",
                session.as_bytes(),
                prompt.as_bytes(),
                model.as_bytes(),
            ])),
            ..CallRecord::default()
        });
        record.features.interactive = true;
        record.features.streamed = true;
        if let Some(calls) = usage.model_calls.or(turn.usage.model_calls) {
            record
                .tags
                .push(("model_calls".to_string(), calls.to_string()));
        }
        if let Some(project) = self.project() {
            record.tags.push(("project".to_string(), project));
        }
        record
    }

    /// The project folder's name, from the URL-encoded cwd the session folder sits in.
    fn project(&self) -> Option<String> {
        let encoded = self.session_dir.as_deref()?.parent()?.file_name()?;
        let cwd = percent_decode(&encoded.to_string_lossy());
        let name = cwd
            .trim_end_matches(['/', '\\'])
            .rsplit(['/', '\\'])
            .next()?;
        (!name.is_empty()).then(|| name.to_string())
    }

    /// `summary.json`'s `current_model_id`, read once.
    fn summary_model(&mut self) -> Option<String> {
        let dir = self.session_dir.clone();
        self.summary_model
            .get_or_insert_with(|| {
                #[derive(Deserialize)]
                struct Summary {
                    current_model_id: Option<String>,
                }
                let bytes = std::fs::read(dir?.join("summary.json")).ok()?;
                serde_json::from_slice::<Summary>(&bytes)
                    .ok()?
                    .current_model_id
                    .filter(|m| !m.is_empty())
            })
            .clone()
    }
}

/// Decodes `%XX` escapes (a URL-encoded path); anything malformed is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (bytes[index], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                index += 3;
            }
            (byte, _) => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn push(out: &mut Vec<Parsed>, line: u64, outcome: LineOutcome) {
    out.push(Parsed { line, outcome });
}

/// Whether a JSON value is a Grok session update: an ACP `session/update` notification (or
/// xAI's `_x.ai/session/update`) whose params carry an `update`.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let method = value.get("method").and_then(|m| m.as_str());
    let acp = matches!(method, Some("session/update" | "_x.ai/session/update"));
    acp && value
        .get("params")
        .and_then(|p| p.get("update"))
        .and_then(|u| u.get("sessionUpdate"))
        .is_some_and(|k| k.is_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::InputFormat;
    use crate::ingest::test_support::{assert_priced, by_line, calls, parse_file, tag, tokens};

    const SESSION: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/home/.grok/sessions/%2Fhome%2Fdev%2Fsrc%2Fledger/",
        "8e3f1a2b-6c4d-4e5f-9a0b-1c2d3e4f5a6b/updates.jsonl"
    );
    const OLD_SESSION: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/home/.grok/sessions/%2Fhome%2Fdev%2Fsrc%2Fledger/",
        "2a4c6e80-1b3d-4f57-8a9c-0e2f4a6c8e1b/updates.jsonl"
    );

    fn read(path: &str) -> Vec<Parsed> {
        let mut out = parse_file(InputFormat::Grok, Path::new(path));
        out.sort_by_key(|p| p.line);
        out
    }

    #[test]
    fn the_last_turn_completed_of_each_prompt_counts() {
        let parsed = read(SESSION);
        let seen: Vec<String> = by_line(&parsed)
            .into_iter()
            .map(|(l, w)| format!("{l} {w}"))
            .collect();
        assert_eq!(
            seen,
            vec![
                "1 skip user message, no usage",
                "2 skip stream chunk without usage",
                "3 skip not a model call",
                "4 skip stream chunk without usage",
                "5 skip repeated cumulative usage counter",
                "6 call grok-4.6-build",
                "7 skip user message, no usage",
                "8 skip stream chunk without usage",
                "9 call grok-4.6-build",
                "9 call grok-code-fast-1",
                "10 skip session metadata, no usage",
            ]
        );
    }

    #[test]
    fn turns_split_cached_input_and_keep_reasoning_in_output() {
        let parsed = read(SESSION);
        let calls = calls(&parsed);
        // inputTokens 61,420 hold 54,272 cached reads; cacheCreationTokens stay in input.
        // grok-4.6-build (Grok 4.6's rates): 7,148 × $2/M + 54,272 × $0.50/M + 2,310 × $6/M
        //   = $0.014296 + $0.027136 + $0.01386 = $0.055292
        assert_priced(
            calls[0],
            tokens(7_148, 54_272, 0, 0, 2_310, 1_402),
            "0.055292",
        );
        assert_eq!(calls[0].timestamp_ms, Some(1_794_827_472_589));
        assert_eq!(
            calls[0].session_id.as_deref(),
            Some("8e3f1a2b-6c4d-4e5f-9a0b-1c2d3e4f5a6b")
        );
        assert_eq!(calls[0].provider, Provider::XAi);
        assert_eq!(tag(calls[0], "project"), Some("ledger"));
        assert_eq!(tag(calls[0], "model_calls"), Some("4"));
        // The second turn used two models; each is a record.
        assert_eq!(calls[1].tokens, tokens(3_904, 62_976, 0, 0, 1_180, 640));
        assert_eq!(calls[2].tokens, tokens(2_510, 0, 0, 0, 96, 0));
        assert_ne!(calls[1].dedupe_key, calls[2].dedupe_key);
    }

    #[test]
    fn counts_that_contradict_each_other_keep_every_token_by_the_shared_rule() {
        // Cached reads above the input were counted beside it; reasoning above the output was
        // left out of it (usage::openai_style). Grok once clamped both, dropping 700 cached
        // and 20 reasoning tokens here.
        let usage: Usage = serde_json::from_str(
            r#"{"inputTokens":100,"cachedReadTokens":800,"outputTokens":50,"reasoningTokens":70}"#,
        )
        .unwrap();
        assert_eq!(usage.buckets(), tokens(100, 800, 0, 0, 120, 70));
    }

    #[test]
    fn an_old_session_without_turn_records_is_not_estimated() {
        let parsed = read(OLD_SESSION);
        assert!(calls(&parsed).is_empty());
        assert!(
            by_line(&parsed)
                .iter()
                .all(|(_, what)| what.starts_with("skip"))
        );
    }

    #[test]
    fn a_turn_without_model_usage_takes_the_summary_model_or_is_an_error() {
        let line = r#"{"timestamp":1794827472,"method":"_x.ai/session/update","params":{"sessionId":"s","update":{"sessionUpdate":"turn_completed","prompt_id":"p1","usage":{"inputTokens":100,"outputTokens":5,"cachedReadTokens":0}}}}"#;
        let mut parser = parser(None);
        let mut out = Vec::new();
        parser.line(1, line.as_bytes(), &mut out);
        parser.line(2, br#"{"params":{}}"#, &mut out);
        parser.line(3, br#"{"method":"_x.ai/session/update","params":{"update":{"sessionUpdate":"turn_completed","usage":{"inputTokens":"lots"}}}}"#, &mut out);
        parser.finish(&mut out);
        let seen = by_line(&out);
        assert!(
            seen[0]
                .1
                .starts_with("error Grok turn_completed without modelUsage")
        );
        assert!(seen[1].1.starts_with("error not a Grok session update"));
        assert!(seen[2].1.starts_with("error invalid JSON"));
    }

    #[test]
    fn url_encoded_folders_decode() {
        assert_eq!(
            percent_decode("%2Fhome%2Fdev%2Fmy%20app"),
            "/home/dev/my app"
        );
        assert_eq!(percent_decode("100%"), "100%");
    }
}

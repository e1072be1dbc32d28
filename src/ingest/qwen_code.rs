//! Qwen Code chat records (`~/.qwen/projects/<sanitized cwd>/chats/<sessionId>.jsonl`; the
//! folder name is the working directory with every character outside `[A-Za-z0-9]` turned
//! into `-`, lower-cased first on Windows).
//!
//! Layout (QwenLM/qwen-code `packages/core/src/services/chatRecordingService.ts`, `ChatRecord`;
//! `packages/core/src/utils/paths.ts` `sanitizeCwd`): one record per line, `{uuid, parentUuid,
//! sessionId, timestamp, type: "user"|"assistant"|"tool_result"|"system", subtype?, cwd,
//! version, gitBranch?, message?: Content {role, parts}, model?, usageMetadata?,
//! systemPayload?, isSidechain?, agentName?, forkedFrom?}`. `recordAssistantTurn` writes one
//! `assistant` record per model response, with the response's `usageMetadata`: each is one
//! call, keyed by session and `uuid`.
//!
//! Traps:
//! - `system` records of subtype `ui_telemetry` replay UI events; a `qwen-code.api_response`
//!   event states the same usage (`input_token_count`, …) as the `assistant` record it goes
//!   with, so it is never counted (skipped as a duplicate).
//! - `/branch` copies a session's records into a new file with `forkedFrom {sessionId,
//!   messageUuid}` and the new session id: the copied calls were billed once, in the parent's
//!   file, and are skipped as replayed history.
//! - An `assistant` record of a cancelled stream has no `usageMetadata`; one of a failed
//!   attempt may carry all zeros: neither is a call.
//! - Sub-agent records (`isSidechain: true`) are real calls, tagged `agent=subagent`.
//!
//! Token convention. Qwen Code converts every provider's usage to Gemini's `usageMetadata`:
//! `promptTokenCount` INCLUDES `cachedContentTokenCount` on every path. The thinking count
//! differs by path: the OpenAI-compatible converter (`openaiContentGenerator/converter.ts`,
//! the default for Qwen OAuth, DashScope and other OpenAI-style endpoints) sets
//! `candidatesTokenCount` = `completion_tokens`, which already includes `thoughtsTokenCount`
//! (`reasoning_tokens`), and `totalTokenCount` = prompt + completion; a Gemini API key passes
//! Gemini's own counts through, where candidates EXCLUDE thoughts and the total adds them. The
//! total tells the two apart: thoughts are added to output only when the total counts them
//! beside the candidates. Anthropic-protocol endpoints (`anthropicContentGenerator/usage.ts`)
//! fold cache writes into `promptTokenCount`, so those are read (and priced) as uncached
//! input.

use crate::ingest::values::Text;
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
        name: "qwen-code",
        label: "Qwen Code",
        // `QWEN_RUNTIME_DIR` moves the runtime data (chats among it) apart from `QWEN_HOME`
        // (`packages/core/src/config/storage.ts`).
        env: &[
            EnvRoot::new("QWEN_RUNTIME_DIR", "projects"),
            EnvRoot::new("QWEN_HOME", "projects"),
        ],
        roots: &[Root::any(".qwen/projects")],
        accepts: is_chat_file,
    },
    looks_like,
    |_| parser(),
);

/// `<sanitized cwd>/chats/<sessionId>.jsonl` under the projects folder.
fn is_chat_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
        && path
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|dir| dir == "chats")
}

/// Gemini's `GenerateContentResponseUsageMetadata`, as Qwen Code records it.
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "camelCase")]
struct UsageMetadata {
    prompt_token_count: Option<u64>,
    candidates_token_count: Option<u64>,
    thoughts_token_count: Option<u64>,
    cached_content_token_count: Option<u64>,
    tool_use_prompt_token_count: Option<u64>,
    total_token_count: Option<u64>,
}

impl UsageMetadata {
    fn buckets(&self) -> TokenBuckets {
        let prompt = self.prompt_token_count.unwrap_or(0);
        let cached = self.cached_content_token_count.unwrap_or(0).min(prompt);
        let tool = self.tool_use_prompt_token_count.unwrap_or(0);
        let candidates = self.candidates_token_count.unwrap_or(0);
        let thoughts = self.thoughts_token_count.unwrap_or(0);
        let beside = prompt
            .saturating_add(tool)
            .saturating_add(candidates)
            .saturating_add(thoughts);
        // Gemini's own counts: the total adds the thoughts to the candidates.
        let thoughts_apart = thoughts > 0 && self.total_token_count == Some(beside);
        let output = if thoughts_apart {
            candidates.saturating_add(thoughts)
        } else {
            candidates
        };
        TokenBuckets {
            input: (prompt - cached).saturating_add(tool),
            cache_read: cached,
            output,
            reasoning: thoughts.min(output),
            ..TokenBuckets::default()
        }
    }
}

/// One chat record; which members matter depends on its `type`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    uuid: Option<Text<'a>>,
    session_id: Option<Text<'a>>,
    timestamp: Option<&'a RawValue>,
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    subtype: Option<Text<'a>>,
    model: Option<Text<'a>>,
    /// A Gemini `Content`: only its parts are read.
    message: Option<Content<'a>>,
    usage_metadata: Option<UsageMetadata>,
    is_sidechain: Option<bool>,
    forked_from: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Content<'a> {
    #[serde(default)]
    parts: Vec<Part<'a>>,
}

/// A part of a message: text, a function call the model made, or a tool's response.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
#[serde(rename_all = "camelCase")]
struct Part<'a> {
    text: Option<Text<'a>>,
    /// Set on thinking parts, whose text is no prompt.
    thought: Option<bool>,
    function_call: Option<&'a RawValue>,
    function_response: Option<FunctionResponse<'a>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct FunctionResponse<'a> {
    response: Option<&'a RawValue>,
}

/// Reads one chat file in order: each call carries the latest prompt before it.
#[derive(Default)]
struct QwenCodeParser {
    prompt: SessionPrompt,
}

pub(crate) fn parser() -> Box<dyn LineParser> {
    Box::<QwenCodeParser>::default()
}

impl LineParser for QwenCodeParser {
    fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Parsed>) {
        let outcome = match serde_json::from_slice::<Record<'_>>(line) {
            Ok(record) => self.record(&record),
            Err(err) => json_error(err, line),
        };
        out.push(Parsed {
            line: line_no,
            outcome,
        });
    }
}

impl QwenCodeParser {
    fn record(&mut self, record: &Record<'_>) -> LineOutcome {
        match record.kind.as_deref() {
            Some("assistant") => self.assistant(record),
            Some("user") => {
                // Notifications and cron prompts are user-role records too; what they hold is
                // sent to the model like a prompt.
                let texts: Vec<&str> = parts(record)
                    .filter(|part| part.thought != Some(true))
                    .filter_map(|part| part.text.as_deref())
                    .collect();
                if record.forked_from.is_none() {
                    self.prompt.start_turn(&texts);
                }
                LineOutcome::Skip(SkipReason::UserMessage)
            }
            Some("tool_result") => {
                for part in parts(record) {
                    if let Some(response) = part.function_response.as_ref().and_then(|f| f.response)
                    {
                        self.prompt.add_tool_result(written_size(response));
                    }
                }
                LineOutcome::Skip(SkipReason::UserMessage)
            }
            // A telemetry event restates the usage of the assistant record it goes with.
            Some("system") if record.subtype.as_deref() == Some("ui_telemetry") => {
                LineOutcome::Skip(SkipReason::DuplicateContentBlock)
            }
            Some("system") => LineOutcome::Skip(SkipReason::SessionMetadata),
            Some(_) => LineOutcome::Error("not a Qwen Code chat record: unknown `type`".into()),
            None => LineOutcome::Error("not a Qwen Code chat record: no `type`".into()),
        }
    }

    fn assistant(&mut self, record: &Record<'_>) -> LineOutcome {
        if record.forked_from.is_some() {
            return LineOutcome::Skip(SkipReason::ReplayedHistory);
        }
        let Some(usage) = record.usage_metadata else {
            return LineOutcome::Skip(SkipReason::NoUsage);
        };
        let tokens = usage.buckets();
        if tokens.total() == 0 {
            return LineOutcome::Skip(SkipReason::NoUsage);
        }
        let Some(model) = record.model.as_deref().filter(|m| !m.is_empty()) else {
            return LineOutcome::Error(
                "Qwen Code assistant record with usage names no model".into(),
            );
        };
        let session = record.session_id.as_deref().unwrap_or_default();
        let uuid = record.uuid.as_deref().unwrap_or_default();
        let mut call = Box::new(CallRecord {
            provider: provider_of(model),
            model: model.to_string(),
            tokens,
            timestamp_ms: record.timestamp.and_then(parse_timestamp),
            request_id: record.uuid.as_deref().map(str::to_string),
            session_id: record.session_id.as_deref().map(str::to_string),
            dedupe_key: Some(stable_hash(&[
                b"qwen-code",
                session.as_bytes(),
                uuid.as_bytes(),
            ])),
            ..CallRecord::default()
        });
        call.features.interactive = true;
        // Qwen Code streams every turn (`generateContentStream`).
        call.features.streamed = true;
        call.features.tool_calls = parts(record)
            .filter(|part| part.function_call.is_some())
            .count() as u32;
        if record.is_sidechain == Some(true) {
            call.tags
                .push(("agent".to_string(), "subagent".to_string()));
        }
        self.prompt.apply_to(&mut call);
        LineOutcome::Call(call)
    }
}

fn parts<'r, 'a>(record: &'r Record<'a>) -> impl Iterator<Item = &'r Part<'a>> {
    record
        .message
        .iter()
        .flat_map(|message| message.parts.iter())
}

/// The maker of a model Qwen Code names: Qwen's own names (and `coder-model` /
/// `vision-model`, the Qwen OAuth aliases), else the maker the name reveals.
fn provider_of(model: &str) -> Provider {
    let name = model.to_ascii_lowercase();
    let qwen = ["qwen", "qwq", "coder-model", "vision-model"];
    if qwen.iter().any(|prefix| name.starts_with(prefix)) {
        Provider::Qwen
    } else {
        Provider::from_model(model)
    }
}

/// Whether a parsed JSON value looks like a Qwen Code chat record (used by detection): the
/// record envelope (`uuid`, `sessionId`, `type`, `cwd`, `version`) with a Gemini `Content`
/// message (`parts`, where a Claude Code transcript has `content`), Gemini usage, or a
/// `systemPayload`.
pub(crate) fn looks_like(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let is_string = |key: &str| object.get(key).is_some_and(serde_json::Value::is_string);
    let envelope = is_string("uuid")
        && is_string("sessionId")
        && is_string("type")
        && is_string("cwd")
        && is_string("version");
    let gemini_content = object
        .get("message")
        .is_some_and(|m| m.get("parts").is_some_and(serde_json::Value::is_array));
    envelope
        && (gemini_content
            || object.contains_key("usageMetadata")
            || object.contains_key("systemPayload"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::InputFormat;
    use crate::ingest::test_support::{
        assert_priced, call_at, calls, cost, error_of, parse_text, priced, skip, tag, tokens,
    };

    const SESSION: &str = include_str!(
        "../../fixtures/home/.qwen/projects/-home-dev-src-weather-api/chats/3f6b1c92-7e4d-4a58-9c21-0d8e5f7a3b64.jsonl"
    );
    const FORK: &str = include_str!(
        "../../fixtures/home/.qwen/projects/-home-dev-src-weather-api/chats/8a2c4e6f-1b3d-4f5a-9c7e-2d4f6a8c0e1b.jsonl"
    );

    fn parse(text: &str) -> Vec<Parsed> {
        parse_text(InputFormat::QwenCode, text)
    }

    #[test]
    fn session_accounts_for_every_line() {
        let parsed = parse(SESSION);
        assert_eq!(parsed.len(), 14);
        let skips = [
            (1, SkipReason::UserMessage),
            (2, SkipReason::SessionMetadata),
            // ui_telemetry api_response: the usage of line 4 again.
            (3, SkipReason::DuplicateContentBlock),
            (5, SkipReason::DuplicateContentBlock),
            (6, SkipReason::UserMessage),
            (7, SkipReason::DuplicateContentBlock),
            (9, SkipReason::UserMessage),
            (10, SkipReason::SessionMetadata),
            // A cancelled stream: no usage.
            (12, SkipReason::NoUsage),
            // All-zero usage.
            (14, SkipReason::NoUsage),
        ];
        for (line, reason) in skips {
            assert_eq!(skip(&parsed[line - 1].outcome), reason, "line {line}");
        }
        let models: Vec<&str> = calls(&parsed).iter().map(|c| c.model.as_str()).collect();
        assert_eq!(
            models,
            [
                "qwen3-coder-plus",
                "qwen3-coder-plus",
                "gemini-2.5-flash",
                "coder-model"
            ]
        );
    }

    #[test]
    fn openai_style_usage_keeps_thoughts_inside_the_candidates() {
        let parsed = parse(SESSION);
        let first = call_at(&parsed, 4);
        assert_eq!(first.tokens, tokens(14_210, 0, 0, 0, 312, 0));
        assert_eq!(first.features.tool_calls, 1);
        assert_eq!(first.provider, Provider::Qwen);
        // qwen3-coder-plus (input under 32K): 14,210 × $1/M + 312 × $5/M
        //   = $0.01421 + $0.00156 = $0.01577
        assert_eq!(cost(first), "0.01577");
        let second = call_at(&parsed, 8);
        // prompt 15,030 includes the 13,824 cached; total 15,516 = prompt + 486 candidates,
        // so the 120 thoughts are inside the candidates.
        // 1,206 × $1/M + 13,824 × $0.20/M + 486 × $5/M
        //   = $0.001206 + $0.0027648 + $0.00243 = $0.0064008
        assert_priced(second, tokens(1_206, 13_824, 0, 0, 486, 120), "0.0064008");
        // It carries the prompt and the read_file result sent since.
        assert_eq!(second.features.tool_results, 1);
        assert_eq!(
            second.text.as_ref().map(|t| t.user.as_str()),
            Some("Add retry with exponential backoff to the HTTP client in src/http.ts.")
        );
    }

    #[test]
    fn gemini_style_usage_adds_thoughts_to_the_candidates() {
        let parsed = parse(SESSION);
        let call = call_at(&parsed, 11);
        // total 16,335 = 16,200 prompt + 95 candidates + 40 thoughts: thoughts apart.
        assert_eq!(call.tokens, tokens(840, 15_360, 0, 0, 135, 40));
        assert_eq!(call.provider, Provider::Google);
        // gemini-2.5-flash: 840 × $0.30/M + 15,360 × $0.03/M + 135 × $2.50/M
        //   = $0.000252 + $0.0004608 + $0.0003375 = $0.0010503
        assert_eq!(cost(call), "0.0010503");
        assert_eq!(
            call.text.as_ref().map(|t| t.user.as_str()),
            Some("Now add a unit test for the retry.")
        );
    }

    #[test]
    fn subagent_calls_count_and_the_oauth_alias_stays_unpriced() {
        let parsed = parse(SESSION);
        let call = call_at(&parsed, 13);
        assert_eq!(call.tokens, tokens(9_850, 0, 0, 0, 60, 0));
        assert_eq!(tag(call, "agent"), Some("subagent"));
        // `coder-model` is the Qwen OAuth alias, not a priced model.
        assert!(priced(call).is_none());
    }

    #[test]
    fn a_fork_skips_the_copied_records_and_counts_its_own_call() {
        let parsed = parse(FORK);
        assert_eq!(skip(&parsed[3].outcome), SkipReason::ReplayedHistory);
        let own = calls(&parsed);
        assert_eq!(own.len(), 1);
        assert_eq!(own[0].tokens, tokens(682, 14_208, 0, 0, 210, 0));
        assert_eq!(
            own[0].session_id.as_deref(),
            Some("8a2c4e6f-1b3d-4f5a-9c7e-2d4f6a8c0e1b")
        );
        // The copied prompt does not start a turn; the fork's own prompt does.
        assert_eq!(
            own[0].text.as_ref().map(|t| t.user.as_str()),
            Some("Try a jittered backoff instead.")
        );
        // Its key differs from every call of the parent session.
        let parent = parse(SESSION);
        assert!(
            calls(&parent)
                .iter()
                .all(|c| c.dedupe_key != own[0].dedupe_key)
        );
    }

    #[test]
    fn discovery_takes_chat_files_only() {
        let accepts = FORMAT.agent.unwrap().accepts;
        assert!(accepts(Path::new(
            "/home/dev/.qwen/projects/-home-dev-src-app/chats/3f6b1c92.jsonl"
        )));
        assert!(!accepts(Path::new(
            "/home/dev/.qwen/projects/-home-dev-src-app/memory.json"
        )));
        assert!(!accepts(Path::new(
            "/home/dev/.qwen/projects/x/chats/a.json"
        )));
    }

    #[test]
    fn malformed_records_are_errors_without_values() {
        let error = |line| error_of(InputFormat::QwenCode, line);
        assert!(
            error(r#"{"uuid":"u","sessionId":"s","type":"assistant","usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":2}}"#)
                .contains("names no model")
        );
        // The pipeline keeps error messages without the values serde quotes.
        let counted = crate::ingest::redact_values(&error(
            r#"{"uuid":"u","sessionId":"s","type":"assistant","model":"qwen3-coder-plus","usageMetadata":{"promptTokenCount":"secret"}}"#,
        ));
        assert!(counted.contains("promptTokenCount") && !counted.contains("secret"));
        assert!(
            error(r#"{"uuid":"u","sessionId":"s","type":"telepathy"}"#).contains("unknown `type`")
        );
        assert!(error(r#"{"uuid":"#).starts_with("truncated JSON"));
    }

    #[test]
    fn detects_every_record_and_no_claude_code_or_gemini_cli_line() {
        for line in SESSION.lines().chain(FORK.lines()) {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(looks_like(&value), "{line}");
        }
        let claude = r#"{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/dev","sessionId":"s","version":"2.0.31","gitBranch":"main","type":"user","message":{"role":"user","content":"hi"},"uuid":"u","timestamp":"2026-11-05T10:00:00Z"}"#;
        let gemini_cli = r#"{"sessionId":"s","projectHash":"p","startTime":"2026-11-05T10:00:00Z","lastUpdated":"2026-11-05T10:00:00Z","kind":"main"}"#;
        for other in [claude, gemini_cli] {
            assert!(!looks_like(&serde_json::from_str(other).unwrap()));
        }
    }
}

//! Claude Code session transcripts (`~/.claude/projects/<project>/<session>.jsonl`).
//!
//! Claude Code writes one line per content block of a response, each repeating the message id,
//! request id and usage; the lines collapse into one call by a dedupe key, keeping the largest
//! usage (the last block carries the final output count). Subagent messages also appear nested
//! in `progress` lines of the parent session; the same key merges them with the subagent's own
//! transcript. `<synthetic>` messages are local error notices, never billed.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::anthropic::{ContentBlock, Usage};
use crate::ingest::wire::{parse_timestamp, stable_hash};
use crate::ingest::{LineOutcome, SkipReason, json_error};
use crate::record::{CallRecord, Provider};

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    role: Option<Cow<'a, str>>,
    usage: Option<Usage>,
    #[serde(borrow)]
    stop_reason: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    content: ContentList<'a>,
}

/// Content is a list of blocks on assistant lines and often a plain string on user lines.
#[derive(Default)]
struct ContentList<'a>(Vec<ContentBlock<'a>>);

impl<'de: 'a, 'a> Deserialize<'de> for ContentList<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw: &'de RawValue = Deserialize::deserialize(deserializer)?;
        Ok(ContentList(
            serde_json::from_str(raw.get()).unwrap_or_default(),
        ))
    }
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<Message<'a>>,
    #[serde(rename = "requestId", borrow)]
    request_id: Option<Cow<'a, str>>,
    #[serde(rename = "sessionId", borrow)]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    timestamp: Option<&'a RawValue>,
    #[serde(borrow)]
    cwd: Option<Cow<'a, str>>,
    #[serde(rename = "gitBranch", borrow)]
    git_branch: Option<Cow<'a, str>>,
    #[serde(rename = "isSidechain")]
    is_sidechain: Option<bool>,
    #[serde(rename = "costUSD")]
    cost_usd: Option<f64>,
    #[serde(borrow)]
    data: Option<ProgressData<'a>>,
}

/// `progress` lines nest a subagent's line under `data.message`.
#[derive(Deserialize)]
struct ProgressData<'a> {
    #[serde(borrow)]
    message: Option<Box<Line<'a>>>,
}

/// Parses one line of a Claude Code transcript.
pub(crate) fn parse_line(line: &[u8]) -> LineOutcome {
    let parsed: Line<'_> = match serde_json::from_slice(line) {
        Ok(parsed) => parsed,
        Err(err) => return json_error(err),
    };
    match parsed.kind.as_deref() {
        Some("assistant") => assistant_call(&parsed, None),
        Some("user") => LineOutcome::Skip(SkipReason::UserMessage),
        Some("progress") => match parsed.data.as_ref().and_then(|d| d.message.as_deref()) {
            Some(nested) if nested.message.as_ref().is_some_and(|m| m.usage.is_some()) => {
                assistant_call(nested, Some(&parsed))
            }
            _ => LineOutcome::Skip(SkipReason::NotAModelCall),
        },
        Some(_) => LineOutcome::Skip(SkipReason::NotAModelCall),
        // Minimal transcripts (older versions, test fixtures) omit `type` on assistant lines.
        None if parsed.message.as_ref().is_some_and(|m| m.usage.is_some()) => {
            assistant_call(&parsed, None)
        }
        None if parsed.message.is_some() => LineOutcome::Skip(SkipReason::UserMessage),
        None => LineOutcome::Error("not a Claude Code transcript line: no type or message".into()),
    }
}

/// Builds the call of an assistant line; `outer` is the progress line a nested one came in.
fn assistant_call(line: &Line<'_>, outer: Option<&Line<'_>>) -> LineOutcome {
    let Some(message) = line.message.as_ref() else {
        return LineOutcome::Skip(SkipReason::NoUsage);
    };
    let Some(usage) = message.usage.as_ref() else {
        return LineOutcome::Skip(SkipReason::NoUsage);
    };
    let model = message.model.as_deref().unwrap_or_default();
    if model == "<synthetic>" {
        return LineOutcome::Skip(SkipReason::SyntheticMessage);
    }
    if model.is_empty() {
        return LineOutcome::Error("assistant message names no model".into());
    }
    if message
        .role
        .as_deref()
        .is_some_and(|role| role != "assistant")
    {
        return LineOutcome::Skip(SkipReason::UserMessage);
    }
    let session_line = outer.unwrap_or(line);
    let mut record = CallRecord {
        provider: Provider::Anthropic,
        model: model.to_string(),
        tokens: usage.buckets(),
        response_id: message.id.as_deref().map(str::to_string),
        request_id: line.request_id.as_deref().map(str::to_string),
        session_id: session_line.session_id.as_deref().map(str::to_string),
        timestamp_ms: line
            .timestamp
            .or(session_line.timestamp)
            .and_then(parse_timestamp),
        stated_cost_usd: line.cost_usd,
        ..CallRecord::default()
    };
    usage.apply_billing(&mut record);
    record.dedupe_key = match (message.id.as_deref(), line.request_id.as_deref()) {
        (None, None) => None,
        (id, request) => Some(stable_hash(&[
            id.unwrap_or_default().as_bytes(),
            request.unwrap_or_default().as_bytes(),
        ])),
    };
    record.features.interactive = true;
    record.features.tool_calls = message
        .content
        .0
        .iter()
        .filter(|b| b.kind == "tool_use")
        .count() as u32;
    record.features.finish_reason = message.stop_reason.as_deref().map(str::to_string);
    if let Some(cwd) = session_line.cwd.as_deref() {
        // The project's folder name, not its full path: reports need a label, not the layout
        // of someone's disk.
        let project = cwd.trim_end_matches('/').rsplit('/').next().unwrap_or(cwd);
        record
            .tags
            .push(("project".to_string(), project.to_string()));
    }
    if let Some(branch) = session_line.git_branch.as_deref() {
        record.tags.push(("branch".to_string(), branch.to_string()));
    }
    if line.is_sidechain == Some(true) || outer.is_some() {
        record
            .tags
            .push(("agent".to_string(), "subagent".to_string()));
    }
    LineOutcome::Call(Box::new(record))
}

/// Whether a parsed JSON value looks like a Claude Code transcript line (used by detection).
pub(crate) fn looks_like_line(value: &serde_json::Value) -> bool {
    value.get("sessionId").is_some()
        && (value.get("message").is_some() || value.get("type").is_some())
}

//! What the observability platforms' adapters (Langfuse, LangSmith, Helicone, and Bedrock's
//! invocation logs) share: their exports write numbers as strings, times without a zone, ids
//! of several kinds, pages of records, and prompts as chat messages or request bodies.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::values::{elapsed_ms, json_text};
use crate::ingest::{LineOutcome, Parsed};
use crate::record::{CallRecord, Provider};

/// Whether an id is a provider's response id (OpenAI Chat Completions and Responses, Anthropic
/// Messages, OpenRouter generations), as opposed to a logger's own id.
pub(crate) fn is_provider_response_id(id: &str) -> bool {
    ["chatcmpl-", "resp_", "msg_", "gen-"]
        .iter()
        .any(|prefix| id.starts_with(prefix) && id.len() > prefix.len())
}

/// Longest metadata value kept as a tag: longer strings are prompt-like payloads, not labels.
const MAX_TAG_VALUE_CHARS: usize = 200;

/// Adds the short string-valued members of a JSON object as tags.
pub(crate) fn add_short_string_tags(raw: &RawValue, tags: &mut Vec<(String, String)>) {
    let Ok(map) = serde_json::from_str::<BTreeMap<Cow<'_, str>, &RawValue>>(raw.get()) else {
        return;
    };
    for (key, value) in map {
        if let Some(text) = json_text(value)
            && !text.is_empty()
            && text.chars().count() <= MAX_TAG_VALUE_CHARS
        {
            tags.push((key.into_owned(), text.into_owned()));
        }
    }
}

/// Members of a JSON array or object (tool definitions come as either).
pub(crate) fn member_count(raw: Option<&RawValue>) -> u32 {
    let Some(raw) = raw else {
        return 0;
    };
    if let Ok(items) = serde_json::from_str::<Vec<serde::de::IgnoredAny>>(raw.get()) {
        return items.len() as u32;
    }
    serde_json::from_str::<BTreeMap<Cow<'_, str>, serde::de::IgnoredAny>>(raw.get())
        .map_or(0, |members| members.len() as u32)
}

/// Pushes one outcome per item of a page's list (LangSmith's `runs`, Langfuse's `data`), all
/// on the page's line, each item read by `parse`; a list that is not one is one error, `what`
/// naming it.
pub(crate) fn push_page_items(
    out: &mut Vec<Parsed>,
    line: u64,
    list: &RawValue,
    what: &str,
    mut parse: impl FnMut(&[u8]) -> LineOutcome,
) {
    match serde_json::from_str::<Vec<&RawValue>>(list.get()) {
        Ok(items) => out.extend(items.into_iter().map(|item| Parsed {
            line,
            outcome: parse(item.get().as_bytes()),
        })),
        Err(err) => out.push(Parsed {
            line,
            outcome: LineOutcome::Error(format!("{what} is not a list: {err}")),
        }),
    }
}

/// Adds a tag when the value is present and not empty.
pub(crate) fn push_tag(tags: &mut Vec<(String, String)>, key: &str, value: Option<&str>) {
    if let Some(value) = value.filter(|v| !v.is_empty()) {
        tags.push((key.to_string(), value.to_string()));
    }
}

/// Adds each string of a JSON list (a run's or an observation's `tags`) as a `tag` tag.
pub(crate) fn add_list_tags(list: Option<&RawValue>, tags: &mut Vec<(String, String)>) {
    if let Some(list) = list
        && let Ok(items) = serde_json::from_str::<Vec<Cow<'_, str>>>(list.get())
    {
        for item in items {
            tags.push(("tag".to_string(), item.into_owned()));
        }
    }
}

/// Sets the call's time from its start, and its latency and time to first token from its end
/// and first-token times when those are not earlier than the start. Milliseconds.
pub(crate) fn apply_span_times(
    record: &mut CallRecord,
    start: Option<i64>,
    end: Option<i64>,
    first_token: Option<i64>,
) {
    record.timestamp_ms = start;
    if let (Some(start), Some(end)) = (start, end) {
        record.latency_ms = elapsed_ms(start, end);
    }
    if let (Some(start), Some(first)) = (start, first_token) {
        record.time_to_first_token_ms = elapsed_ms(start, first);
    }
}

/// A request-shaped prompt: `messages`, and Anthropic's `system`.
#[derive(Deserialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct WithMessages<'a> {
    messages: Option<&'a RawValue>,
    system: Option<&'a RawValue>,
}

/// Folds a logged prompt into `prompt`: a string, a list of chat messages or Responses input
/// items, or an object holding `messages` (and Anthropic's `system`).
pub(crate) fn summarize_messages(raw: &RawValue, prompt: &mut PromptSummary) {
    let text = raw.get().trim_start();
    if text.starts_with('"') {
        prompt.add_message(Role::User, Some(raw));
        return;
    }
    if text.starts_with('{') {
        if let Ok(object) = serde_json::from_str::<WithMessages<'_>>(raw.get()) {
            if let Some(system) = object.system {
                prompt.add_system_raw(system);
            }
            if let Some(messages) = object.messages {
                summarize_messages(messages, prompt);
            }
        }
        return;
    }
    prompt.add_items(raw);
}

/// LangChain's provider names (`ls_provider`: `openai`, `azure`, `anthropic`, `google_genai`,
/// `google_vertexai`, `bedrock`, …) and chat-model types (`openai-chat`, `anthropic-chat`).
pub(crate) fn provider_from_name(name: &str, model: &str) -> Provider {
    let lower = name.to_ascii_lowercase();
    if lower.contains("anthropic") {
        Provider::Anthropic
    } else if lower.contains("openai") || lower.contains("azure") {
        Provider::OpenAi
    } else if lower.contains("deepseek") {
        Provider::DeepSeek
    } else if lower.contains("google") || lower.contains("vertex") || lower.contains("gemini") {
        // Vertex AI also serves Claude.
        match Provider::from_model(model) {
            Provider::Anthropic => Provider::Anthropic,
            _ => Provider::Google,
        }
    } else {
        Provider::from_model(model)
    }
}

//! The OpenTelemetry GenAI semantic conventions, read from one OTLP span (see [`super::otel`]
//! for the attributes read and the token convention).

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::otlp::{
    Attr, Span, SpanResult, Value, add_tags, is_cut_short, nonempty, provider_for,
};
use crate::ingest::usage::openai_style;
use crate::ingest::{LineOutcome, SkipReason};
use crate::record::{CallRecord, CallStatus, FailureCause, TokenBuckets};

/// The attributes of one span this adapter reads, gathered in one pass.
#[derive(Default)]
struct GenAi<'s> {
    any: bool,
    operation: Option<&'s str>,
    /// OpenLLMetry's `llm.request.type` (`chat`, `completion`, `embedding`), before
    /// `gen_ai.operation.name` existed.
    request_type: Option<&'s str>,
    provider: Option<&'s str>,
    system: Option<&'s str>,
    request_model: Option<&'s str>,
    response_model: Option<&'s str>,
    response_id: Option<&'s str>,
    finish_reasons: Option<&'s Value<'s>>,
    input: Option<u64>,
    prompt_legacy: Option<u64>,
    output: Option<u64>,
    completion_legacy: Option<u64>,
    cache_read: Option<u64>,
    cache_write: Option<u64>,
    reasoning: Option<u64>,
    time_to_first_chunk_s: Option<f64>,
    stream: Option<bool>,
    conversation: Option<&'s str>,
    session: Option<&'s str>,
    output_type: Option<&'s str>,
    response_format: Option<&'s str>,
    tier_served: Option<&'s str>,
    tier_requested: Option<&'s str>,
    error_type: Option<&'s str>,
    aws_request_id: Option<&'s str>,
    agent_name: Option<&'s str>,
    /// `gen_ai.usage.cost`: USD the instrumentation computed itself (OpenLIT writes it).
    stated_cost: Option<f64>,
    input_messages: Option<&'s Value<'s>>,
    output_messages: Option<&'s Value<'s>>,
    system_instructions: Option<&'s Value<'s>>,
    tool_definitions: Option<&'s Value<'s>>,
    /// OpenLLMetry's flattened `gen_ai.prompt.<n>.role` / `.content`.
    legacy_prompt: BTreeMap<usize, (Option<&'s str>, Option<&'s str>)>,
}

impl<'s> GenAi<'s> {
    /// Gathers the attributes of one span. Old and new names of the same count are kept
    /// apart and combined new-first; of the cache and reasoning spellings, the first present
    /// is read.
    fn read(attrs: &'s [Attr<'s>]) -> GenAi<'s> {
        let mut g = GenAi::default();
        for attr in attrs {
            let value = &attr.value;
            let Some(name) = attr.key.strip_prefix("gen_ai.") else {
                match attr.key.as_ref() {
                    "llm.request.type" => g.request_type = value.as_str(),
                    "session.id" => g.session = value.as_str(),
                    "error.type" => g.error_type = value.as_str(),
                    "aws.request_id" => g.aws_request_id = value.as_str(),
                    "openai.response.service_tier" => g.tier_served = value.as_str(),
                    "openai.request.service_tier" => g.tier_requested = value.as_str(),
                    "openai.request.response_format" => g.response_format = value.as_str(),
                    _ => {}
                }
                continue;
            };
            g.any = true;
            match name {
                "operation.name" => g.operation = value.as_str(),
                "provider.name" => g.provider = value.as_str(),
                "system" => g.system = value.as_str(),
                "request.model" => g.request_model = value.as_str(),
                "response.model" => g.response_model = value.as_str(),
                "response.id" => g.response_id = value.as_str(),
                "response.finish_reasons" => g.finish_reasons = Some(value),
                "response.time_to_first_chunk" => g.time_to_first_chunk_s = value.as_f64(),
                "usage.input_tokens" => g.input = value.as_u64(),
                "usage.prompt_tokens" => g.prompt_legacy = value.as_u64(),
                "usage.output_tokens" => g.output = value.as_u64(),
                "usage.completion_tokens" => g.completion_legacy = value.as_u64(),
                "usage.cache_read.input_tokens" | "usage.cache_read_input_tokens" => {
                    g.cache_read = g.cache_read.or(value.as_u64());
                }
                "usage.cache_creation.input_tokens"
                | "usage.cache_write.input_tokens"
                | "usage.cache_creation_input_tokens" => {
                    g.cache_write = g.cache_write.or(value.as_u64());
                }
                "usage.reasoning.output_tokens" | "usage.reasoning_tokens" => {
                    g.reasoning = g.reasoning.or(value.as_u64());
                }
                "usage.cost" => g.stated_cost = value.as_f64().filter(|c| *c >= 0.0),
                "request.stream" => g.stream = value.as_bool(),
                "conversation.id" => g.conversation = value.as_str(),
                "output.type" => g.output_type = value.as_str(),
                "openai.request.response_format" => g.response_format = value.as_str(),
                "openai.response.service_tier" => g.tier_served = value.as_str(),
                "openai.request.service_tier" => g.tier_requested = value.as_str(),
                "agent.name" => g.agent_name = value.as_str(),
                "input.messages" => g.input_messages = Some(value),
                "output.messages" => g.output_messages = Some(value),
                "system_instructions" => g.system_instructions = Some(value),
                "tool.definitions" => g.tool_definitions = Some(value),
                other => {
                    if let Some((index, field)) = other
                        .strip_prefix("prompt.")
                        .and_then(|rest| rest.split_once('.'))
                        && let Ok(index) = index.parse::<usize>()
                    {
                        let slot = g.legacy_prompt.entry(index).or_default();
                        match field {
                            "role" => slot.0 = value.as_str(),
                            "content" => slot.1 = value.as_str(),
                            _ => {}
                        }
                    }
                }
            }
        }
        g
    }

    /// Whether the span states any token count at all (zero included).
    fn has_usage(&self) -> bool {
        self.input.is_some()
            || self.prompt_legacy.is_some()
            || self.output.is_some()
            || self.completion_legacy.is_some()
            || self.cache_read.is_some()
            || self.cache_write.is_some()
    }

    /// The operation, from the current attribute or OpenLLMetry's request type.
    fn operation(&self) -> Option<&'s str> {
        self.operation.or(self.request_type)
    }

    /// Exclusive buckets from the spec's inclusive counts (see the module notes).
    fn buckets(&self) -> TokenBuckets {
        openai_style(
            self.input.or(self.prompt_legacy).unwrap_or(0),
            self.cache_read.unwrap_or(0),
            self.cache_write.unwrap_or(0),
            self.output.or(self.completion_legacy).unwrap_or(0),
            self.reasoning.unwrap_or(0),
        )
    }
}

/// Operations that call a model (registry `gen_ai.operation.name` members, plus OpenLLMetry's
/// `llm.request.type` values).
fn is_model_operation(operation: &str) -> bool {
    matches!(
        operation,
        "chat" | "text_completion" | "generate_content" | "embeddings" | "completion" | "embedding"
    )
}

/// Reads one span under the GenAI semantic conventions.
pub(crate) fn genai_span(span: &Span<'_>, resource: &[Attr<'_>]) -> SpanResult {
    let g = GenAi::read(&span.attrs);
    if !g.any {
        return SpanResult::skip(SkipReason::NotAModelCall);
    }
    let model = g
        .response_model
        .or(g.request_model)
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let failure = (span.failed || g.error_type.is_some())
        .then(|| FailureCause::derive(None, &[g.error_type.unwrap_or_default()]));
    if !g.has_usage() {
        let model_call = match g.operation() {
            Some(operation) => is_model_operation(operation),
            None => model.is_some(),
        };
        return if model_call {
            SpanResult::no_call(LineOutcome::without_usage(failure))
        } else {
            SpanResult::skip(SkipReason::NotAModelCall)
        };
    }
    let tokens = g.buckets();
    let counts_tokens = tokens.total() > 0;
    let Some(model) = model else {
        return SpanResult {
            outcome: LineOutcome::Error(format!(
                "span `{}` reports token usage but no gen_ai.request.model or \
                 gen_ai.response.model",
                span.name
            )),
            counts_tokens,
        };
    };
    let mut record = CallRecord {
        provider: provider_for(g.provider.or(g.system), model),
        model: model.to_string(),
        timestamp_ms: span.timestamp_ms(),
        latency_ms: span.latency_ms(),
        time_to_first_token_ms: g
            .time_to_first_chunk_s
            .filter(|s| *s >= 0.0)
            .map(|s| s * 1000.0),
        tokens,
        response_id: nonempty(g.response_id),
        request_id: nonempty(g.aws_request_id).or_else(|| nonempty(Some(&span.span_id))),
        session_id: nonempty(g.conversation)
            .or_else(|| nonempty(g.session))
            .or_else(|| nonempty(Some(&span.trace_id))),
        stated_cost_usd: g.stated_cost,
        service_tier: nonempty(g.tier_served).or_else(|| {
            nonempty(g.tier_requested).filter(|tier| !tier.eq_ignore_ascii_case("auto"))
        }),
        ..CallRecord::default()
    };
    apply_features(&g, &mut record);
    record.failure = failure;
    record.status = if failure.is_some() {
        CallStatus::Error
    } else if is_cut_short(record.features.finish_reason.as_deref()) {
        CallStatus::Incomplete
    } else {
        CallStatus::Ok
    };
    add_tags(resource, &mut record.tags);
    add_tags(&span.attrs, &mut record.tags);
    if let Some(agent) = nonempty(g.agent_name) {
        record.tags.push(("agent".into(), agent));
    }
    if let Some(trace) = nonempty(Some(&span.trace_id)) {
        record.tags.push(("trace_id".into(), trace));
    }
    SpanResult {
        outcome: LineOutcome::Call(Box::new(record)),
        counts_tokens,
    }
}

/// Streaming, structured output, tools, finish reason and prompt text.
fn apply_features(g: &GenAi<'_>, record: &mut CallRecord) {
    let features = &mut record.features;
    let reasons: Vec<&str> = match g.finish_reasons {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        Some(Value::Str(text)) => vec![text.as_ref()],
        _ => Vec::new(),
    };
    features.finish_reason = reasons.first().map(|r| r.to_string());
    features.streamed = g.stream.unwrap_or(false) || g.time_to_first_chunk_s.is_some();
    features.json_schema = g.output_type == Some("json")
        || matches!(g.response_format, Some("json_schema" | "json_object"));
    features.tools_defined = g.tool_definitions.map_or(0, |v| list_len(&v.to_json()));
    let (tool_calls, output_finish) = g.output_messages.map_or((0, None), read_output_messages);
    features.tool_calls = if tool_calls > 0 {
        tool_calls
    } else {
        reasons
            .iter()
            .filter(|r| matches!(**r, "tool_calls" | "tool_use" | "function_call"))
            .count() as u32
    };
    if features.finish_reason.is_none() {
        features.finish_reason = output_finish;
    }
    let mut prompt = PromptSummary::default();
    if let Some(system) = g.system_instructions {
        prompt.add_system(&parts_text(&system.to_json()));
    }
    if let Some(definitions) = g.tool_definitions {
        add_tool_definitions(definitions, &mut prompt);
    }
    if let Some(messages) = g.input_messages {
        add_genai_messages(&messages.to_json(), &mut prompt);
    } else {
        for (role, content) in g.legacy_prompt.values() {
            let role = Role::from_name(role.unwrap_or("user"));
            let content = content.and_then(|text| serde_json::value::to_raw_value(text).ok());
            prompt.add_message(role, content.as_deref());
        }
    }
    prompt.apply_to(record);
}

/// Adds `gen_ai.tool.definitions` (a JSON string or a structured value) to the repeated
/// prefix a prompt cache could serve.
fn add_tool_definitions(definitions: &Value<'_>, prompt: &mut PromptSummary) {
    let text = match definitions {
        Value::Str(text) => text.to_string(),
        other => other.to_json().to_string(),
    };
    if let Ok(raw) = RawValue::from_string(text) {
        prompt.add_tool_definitions(raw.get());
    }
}

/// Items in a JSON array (0 for anything else).
fn list_len(value: &serde_json::Value) -> u32 {
    value.as_array().map_or(0, |items| items.len() as u32)
}

/// The text of a list of `{type: "text", content}` parts (or a plain string).
fn parts_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Array(parts) => {
            let texts: Vec<&str> = parts
                .iter()
                .filter(|p| p.get("type").and_then(|t| t.as_str()).unwrap_or("text") == "text")
                .filter_map(|p| p.get("content").and_then(|c| c.as_str()))
                .collect();
            texts.join("\n")
        }
        _ => String::new(),
    }
}

/// Adds `gen_ai.input.messages` (`[{role, parts: [{type, content, …}]}]`) to the prompt. Parts
/// are rewritten into the shapes [`PromptSummary`] reads: text, attachments, tool results.
fn add_genai_messages(messages: &serde_json::Value, prompt: &mut PromptSummary) {
    let Some(messages) = messages.as_array() else {
        return;
    };
    for message in messages {
        let role_name = message
            .get("role")
            .and_then(|r| r.as_str())
            .unwrap_or("user");
        let role = Role::from_name(role_name);
        let mut parts = Vec::new();
        for part in message
            .get("parts")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
        {
            let kind = part.get("type").and_then(|t| t.as_str()).unwrap_or("");
            match kind {
                "text" => parts.push(serde_json::json!({
                    "type": "text",
                    "text": part.get("content").and_then(|c| c.as_str()).unwrap_or(""),
                })),
                "blob" | "uri" | "file" | "image" => {
                    parts.push(serde_json::json!({"type": "image"}));
                }
                "tool_call_response" => {
                    let result = match part.get("response").or_else(|| part.get("result")) {
                        Some(serde_json::Value::String(text)) => text.clone(),
                        Some(other) => other.to_string(),
                        None => String::new(),
                    };
                    if role == Role::Tool {
                        parts.push(serde_json::json!({"type": "text", "text": result}));
                    } else {
                        parts.push(serde_json::json!({"type": "tool_result", "content": result}));
                    }
                }
                _ => {}
            }
        }
        let content = serde_json::value::to_raw_value(&parts).ok();
        prompt.add_message(role, content.as_deref());
    }
}

/// Tool calls in `gen_ai.output.messages`, and the first message's finish reason.
fn read_output_messages(value: &Value<'_>) -> (u32, Option<String>) {
    let json = value.to_json();
    let Some(messages) = json.as_array() else {
        return (0, None);
    };
    let calls = messages
        .iter()
        .filter_map(|m| m.get("parts").and_then(|p| p.as_array()))
        .flatten()
        .filter(|p| p.get("type").and_then(|t| t.as_str()) == Some("tool_call"))
        .count() as u32;
    let finish = messages
        .first()
        .and_then(|m| m.get("finish_reason"))
        .and_then(|f| f.as_str())
        .map(str::to_string);
    (calls, finish)
}

//! OpenAI Chat Completions and Responses API logs: `{request, response}` pairs as body-pair
//! loggers store them, bare response objects, and streamed chunks that carry usage.
//!
//! OpenAI's `prompt_tokens` / `input_tokens` *include* cached tokens and `completion_tokens`
//! includes reasoning tokens; both are split into exclusive buckets here.

use std::borrow::Cow;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use crate::ingest::content::{PromptSummary, Role};
use crate::ingest::wire::{Envelope, add_string_tags, array_len, is_present, unix_to_ms};
use crate::ingest::{LineOutcome, SkipReason, json_error};
use crate::record::{CallRecord, CallStatus, Provider, TokenBuckets};

#[derive(Deserialize, Default)]
struct Details {
    cached_tokens: Option<u64>,
    reasoning_tokens: Option<u64>,
}

/// Usage in both the Chat Completions and the Responses spelling.
#[derive(Deserialize, Default)]
struct Usage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    prompt_tokens_details: Option<Details>,
    completion_tokens_details: Option<Details>,
    input_tokens_details: Option<Details>,
    output_tokens_details: Option<Details>,
    /// DeepSeek's OpenAI-compatible API reports cache hits under its own name.
    prompt_cache_hit_tokens: Option<u64>,
}

impl Usage {
    /// Exclusive buckets: cached tokens come out of the prompt, reasoning stays inside output.
    /// OpenAI does not bill cache writes separately, so they are not split out.
    pub(crate) fn buckets(&self) -> TokenBuckets {
        let prompt = self.prompt_tokens.or(self.input_tokens).unwrap_or(0);
        let cached = [&self.prompt_tokens_details, &self.input_tokens_details]
            .into_iter()
            .flatten()
            .find_map(|d| d.cached_tokens)
            .or(self.prompt_cache_hit_tokens)
            .unwrap_or(0)
            .min(prompt);
        let output = self.completion_tokens.or(self.output_tokens).unwrap_or(0);
        let reasoning = [&self.completion_tokens_details, &self.output_tokens_details]
            .into_iter()
            .flatten()
            .find_map(|d| d.reasoning_tokens)
            .unwrap_or(0)
            .min(output);
        TokenBuckets {
            input: prompt - cached,
            cache_read: cached,
            output,
            reasoning,
            ..TokenBuckets::default()
        }
    }
}

#[derive(Deserialize)]
struct ChoiceMessage {
    tool_calls: Option<Vec<IgnoredAny>>,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow)]
    finish_reason: Option<Cow<'a, str>>,
    message: Option<ChoiceMessage>,
}

#[derive(Deserialize)]
struct OutputItem<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

/// A response object, or a logger's `{status_code, body}` wrapper around one.
#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    object: Option<Cow<'a, str>>,
    created: Option<f64>,
    created_at: Option<f64>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    service_tier: Option<Cow<'a, str>>,
    usage: Option<Usage>,
    #[serde(borrow)]
    choices: Option<Vec<Choice<'a>>>,
    #[serde(borrow)]
    output: Option<Vec<OutputItem<'a>>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
    status_code: Option<u16>,
    #[serde(borrow)]
    body: Option<&'a RawValue>,
    #[serde(borrow)]
    request_id: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Message<'a> {
    #[serde(borrow, default)]
    role: Cow<'a, str>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct FormatSpec<'a> {
    #[serde(rename = "type", borrow, default)]
    kind: Cow<'a, str>,
}

#[derive(Deserialize)]
struct TextSpec<'a> {
    #[serde(borrow)]
    format: Option<FormatSpec<'a>>,
}

/// A Chat Completions or Responses request body.
#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow)]
    messages: Option<Vec<Message<'a>>>,
    #[serde(borrow)]
    input: Option<&'a RawValue>,
    #[serde(borrow)]
    instructions: Option<Cow<'a, str>>,
    #[serde(borrow)]
    tools: Option<&'a RawValue>,
    #[serde(borrow)]
    response_format: Option<FormatSpec<'a>>,
    #[serde(borrow)]
    text: Option<TextSpec<'a>>,
    stream: Option<bool>,
    #[serde(borrow)]
    user: Option<Cow<'a, str>>,
    #[serde(borrow)]
    metadata: Option<&'a RawValue>,
    #[serde(borrow)]
    body: Option<&'a RawValue>,
}

/// Parses one line of an OpenAI log.
pub(crate) fn parse_line(line: &[u8]) -> LineOutcome {
    let envelope: Envelope<'_> = match serde_json::from_slice(line) {
        Ok(envelope) => envelope,
        Err(err) => return json_error(err),
    };
    let response_json = match envelope.response_json(line) {
        Ok(text) => text,
        Err(outcome) => return outcome,
    };
    let mut outcome = parse_response(response_json, envelope.request);
    if let LineOutcome::Call(record) = &mut outcome {
        envelope.apply_to(record);
    }
    outcome
}

/// Turns a response (and the request that produced it, when logged) into a call.
pub(crate) fn parse_response(response_json: &str, request: Option<&RawValue>) -> LineOutcome {
    let mut response: Response<'_> = match serde_json::from_str(response_json) {
        Ok(response) => response,
        Err(err) => return json_error(err),
    };
    let status_code = response.status_code;
    if let Some(body) = response.body {
        response = match serde_json::from_str(body.get()) {
            Ok(inner) => inner,
            Err(err) => return json_error(err),
        };
    }
    let is_chunk = response.object.as_deref() == Some("chat.completion.chunk");
    let Some(usage) = response.usage.as_ref() else {
        if is_chunk {
            return LineOutcome::Skip(SkipReason::StreamChunkWithoutUsage);
        }
        if is_present(response.error) || status_code.is_some_and(|code| code >= 400) {
            return LineOutcome::Skip(SkipReason::ProviderError);
        }
        if response.object.is_none() && response.model.is_none() && response.id.is_none() {
            return LineOutcome::Error("not an OpenAI response: no object, model or usage".into());
        }
        return LineOutcome::Skip(SkipReason::NoUsage);
    };
    let mut record = CallRecord {
        provider: Provider::OpenAi,
        tokens: usage.buckets(),
        response_id: response.id.as_deref().map(str::to_string),
        request_id: response.request_id.as_deref().map(str::to_string),
        service_tier: response.service_tier.as_deref().map(str::to_string),
        timestamp_ms: response
            .created
            .or(response.created_at)
            .and_then(unix_to_ms),
        ..CallRecord::default()
    };
    record.features.streamed = is_chunk;
    if let Some(choices) = &response.choices {
        record.features.tool_calls = choices
            .iter()
            .filter_map(|c| c.message.as_ref()?.tool_calls.as_ref())
            .map(|calls| calls.len() as u32)
            .sum();
        record.features.finish_reason = choices
            .first()
            .and_then(|c| c.finish_reason.as_deref())
            .map(str::to_string);
    }
    if let Some(output) = &response.output {
        let count = |kind: &str| output.iter().filter(|item| item.kind == kind).count() as u32;
        record.features.tool_calls = count("function_call");
        // Each built-in web search the Responses API ran is billed per call.
        record.web_search_requests = count("web_search_call");
    }
    record.status = match (
        response.status.as_deref(),
        record.features.finish_reason.as_deref(),
    ) {
        (Some("failed"), _) => CallStatus::Error,
        (Some("incomplete"), _) | (_, Some("length" | "content_filter")) => CallStatus::Incomplete,
        _ if is_present(response.error) => CallStatus::Error,
        _ => CallStatus::Ok,
    };
    let request_model = match request {
        Some(raw) => match apply_request(raw, &mut record) {
            Ok(model) => model,
            Err(message) => return LineOutcome::Error(message),
        },
        None => None,
    };
    record.model = match (response.model.as_deref(), request_model) {
        (Some(model), _) => model.to_string(),
        (None, Some(model)) => model,
        (None, None) => return LineOutcome::Error("OpenAI response names no model".into()),
    };
    LineOutcome::Call(Box::new(record))
}

/// Reads the request side: prompt text, tools, schema, streaming, tags. Returns the requested
/// model name.
fn apply_request(raw: &RawValue, record: &mut CallRecord) -> Result<Option<String>, String> {
    let mut request: Request<'_> =
        serde_json::from_str(raw.get()).map_err(|err| format!("invalid OpenAI request: {err}"))?;
    if let Some(body) = request.body {
        request = serde_json::from_str(body.get())
            .map_err(|err| format!("invalid OpenAI request body: {err}"))?;
    }
    let mut prompt = PromptSummary::default();
    if let Some(instructions) = &request.instructions {
        prompt.add_system(instructions);
    }
    if let Some(tools) = request.tools {
        prompt.add_tool_definitions(tools);
    }
    for message in request.messages.iter().flatten() {
        prompt.add_message(Role::from_name(&message.role), message.content);
    }
    if let Some(input) = request.input {
        add_responses_input(input, &mut prompt);
    }
    let features = &mut record.features;
    features.message_count = prompt.messages;
    features.images = prompt.images;
    features.tool_results = prompt.tool_results;
    features.tools_defined = array_len(request.tools);
    features.streamed |= request.stream.unwrap_or(false);
    let format = request
        .response_format
        .as_ref()
        .or(request.text.as_ref().and_then(|t| t.format.as_ref()));
    features.json_schema =
        format.is_some_and(|f| f.kind == "json_schema" || f.kind == "json_object");
    if let Some(user) = &request.user {
        record.tags.push(("user".to_string(), user.to_string()));
    }
    if let Some(metadata) = request.metadata {
        add_string_tags(metadata, &mut record.tags);
    }
    record.text = prompt.text();
    let model = request.model.as_deref().map(str::to_string);
    record.prefix = prompt.prefix();
    Ok(model)
}

#[derive(Deserialize)]
struct InputItem<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
    #[serde(borrow)]
    output: Option<&'a RawValue>,
}

/// The Responses API `input`: a string, or a list of messages and tool outputs.
fn add_responses_input(input: &RawValue, prompt: &mut PromptSummary) {
    if input.get().trim_start().starts_with('"') {
        prompt.add_message(Role::User, Some(input));
        return;
    }
    let Ok(items) = serde_json::from_str::<Vec<InputItem<'_>>>(input.get()) else {
        return;
    };
    for item in items {
        match item.kind.as_deref() {
            Some("function_call_output") => prompt.add_message(Role::Tool, item.output),
            Some("function_call") | Some("reasoning") => {}
            _ => {
                let role = Role::from_name(item.role.as_deref().unwrap_or("user"));
                prompt.add_message(role, item.content);
            }
        }
    }
}

/// Whether a parsed JSON value looks like an OpenAI response (used by detection).
pub(crate) fn looks_like_response(value: &serde_json::Value) -> bool {
    let value = value.get("body").unwrap_or(value);
    matches!(
        value.get("object").and_then(|o| o.as_str()),
        Some("chat.completion" | "chat.completion.chunk" | "response")
    )
}
